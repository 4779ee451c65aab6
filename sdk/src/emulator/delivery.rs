//! Callback delivery: when a transaction becomes final, the emulator POSTs its notification
//! to the order's `callbackUrl`, signed with the emulator's platform key, and delivers again
//! with backoff until the merchant answers `SUCCESS` (or the attempts run out).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpStream;

use super::orders::MoneyOut;
use super::sandbox::Transaction;
use crate::Decimal;
use crate::callback::{SIGNATURE_HEADER, SUCCESS_REPLY, TIMESTAMP_HEADER};
use crate::signing::PlatformKeyPair;
use crate::timestamp::Timestamp;

/// How the emulator retries a callback the merchant did not accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallbackRetries {
    /// Deliveries in all, the first included.
    pub attempts: u32,
    /// The wait before the second delivery; each later wait doubles.
    pub first_delay: Duration,
    /// How long one delivery may take before it counts as failed.
    pub timeout: Duration,
}

impl Default for CallbackRetries {
    /// Six deliveries, 1 s apart at first and doubling: the last is about a minute after the
    /// first (1 + 2 + 4 + 8 + 16 s of waiting, plus up to 5 s per delivery).
    fn default() -> Self {
        Self {
            attempts: 6,
            first_delay: Duration::from_secs(1),
            timeout: Duration::from_secs(5),
        }
    }
}

/// One delivery of one callback, as the merchant answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The transaction's `tradeNo`.
    pub trade_no: String,
    /// The merchant's `orderNo`.
    pub order_no: String,
    /// Where it was sent.
    pub url: String,
    /// The status delivered.
    pub status: &'static str,
    /// 1 for the first delivery.
    pub attempt: u32,
    /// Whether the emulator contacted the URL: it delivers only to loopback `http://` URLs and
    /// records any other one once, not attempted, with the reason in `error`.
    pub attempted: bool,
    /// When it was sent.
    pub at: SystemTime,
    /// The HTTP status the merchant answered, if it answered.
    pub http_status: Option<u16>,
    /// Whether the merchant answered 200 with `SUCCESS`: no more deliveries follow.
    pub accepted: bool,
    /// What went wrong, when it was not accepted.
    pub error: Option<String>,
}

/// The deliveries made so far, newest last; bounded (the oldest are dropped past the limit).
pub(super) struct DeliveryLog {
    entries: Mutex<VecDeque<Delivery>>,
    limit: usize,
    events: super::events::Events,
}

impl DeliveryLog {
    pub(super) fn new(limit: usize, events: super::events::Events) -> Self {
        Self {
            entries: Mutex::new(VecDeque::new()),
            limit,
            events,
        }
    }

    /// Records a delivery (and tells the event sink; `last`: no more of this callback follow).
    fn push(&self, delivery: Delivery, last: bool) {
        if self.events.on() {
            self.events.emit(&super::events::EmulatorEvent::Callback {
                delivery: delivery.clone(),
                last,
            });
        }
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() >= self.limit {
            entries.pop_front();
        }
        entries.push_back(delivery);
    }

    pub(super) fn all(&self) -> Vec<Delivery> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }
}

#[derive(Serialize)]
struct Notification<'a> {
    #[serde(rename = "orderNo")]
    order_no: &'a str,
    #[serde(rename = "tradeNo")]
    trade_no: &'a str,
    #[serde(rename = "merchantId")]
    merchant_id: &'a str,
    #[serde(rename = "merchantName")]
    merchant_name: &'a str,
    #[serde(rename = "paymentMethod", skip_serializing_if = "str::is_empty")]
    payment_method: &'a str,
    #[serde(rename = "transactionTime")]
    transaction_time: &'a str,
    status: &'a str,
    money: MoneyOut<'a>,
}

/// The notification body of a final transaction, as the platform sends it.
pub(super) fn notification_body(transaction: &Transaction) -> Result<Vec<u8>, serde_json::Error> {
    let info = transaction.region.info();
    let now = Timestamp::at(SystemTime::now(), info.utc_offset_seconds).to_string();
    serde_json::to_vec(&Notification {
        order_no: &transaction.order_no,
        trade_no: &transaction.trade_no,
        merchant_id: &transaction.partner_id,
        merchant_name: transaction
            .merchant_name
            .as_deref()
            .unwrap_or("Sandbox Merchant"),
        payment_method: &transaction.payment_method,
        // Local time without offset, as the pay-in notification page says.
        transaction_time: now.get(..19).unwrap_or(&now),
        status: transaction.status.as_str(),
        money: MoneyOut {
            currency: info.currency,
            amount: Decimal(transaction.amount),
        },
    })
}

/// Delivers one final transaction's callback until accepted or out of attempts.
pub(super) async fn deliver(
    transaction: Transaction,
    platform: Arc<PlatformKeyPair>,
    retries: CallbackRetries,
    log: Arc<DeliveryLog>,
    forward: Option<Arc<str>>,
) {
    let Some(original) = transaction.callback_url.clone() else {
        return;
    };
    // Forwarded: to the one local URL (checked when the emulator started), the order's own
    // URL in a header; otherwise to the order's URL, if it is on this machine.
    let (url, forwarded_from) = match forward {
        Some(to) => (to.to_string(), Some(original)),
        None => (original, None),
    };
    let Ok(body) = notification_body(&transaction) else {
        tracing::warn!(trade_no = %transaction.trade_no, "the emulator could not write a notification");
        return;
    };
    if forwarded_from.is_none()
        && let Err(why) = super::orders::delivered_here(&url)
    {
        tracing::debug!(trade_no = %transaction.trade_no, "callback not attempted: {why}");
        log.push(
            Delivery {
                trade_no: transaction.trade_no.clone(),
                order_no: transaction.order_no.clone(),
                url,
                status: transaction.status.as_str(),
                attempt: 1,
                attempted: false,
                at: SystemTime::now(),
                http_status: None,
                accepted: false,
                error: Some(why),
            },
            true,
        );
        return;
    }
    let offset = transaction.region.info().utc_offset_seconds;
    let mut delay = retries.first_delay;
    for attempt in 1..=retries.attempts.max(1) {
        let timestamp = Timestamp::at(SystemTime::now(), offset).to_string();
        let outcome = match platform.sign_callback(&transaction.trade_no, &timestamp) {
            Ok(signature) => {
                let sent = post(
                    &url,
                    forwarded_from.as_deref(),
                    &timestamp,
                    &signature,
                    &body,
                );
                tokio::time::timeout(retries.timeout, sent)
                    .await
                    .unwrap_or_else(|_| Err(format!("no answer within {:?}", retries.timeout)))
            }
            Err(e) => Err(format!("signing failed: {e}")),
        };
        let (http_status, accepted, error) = match outcome {
            Ok((status, text)) if status == 200 && text.trim() == SUCCESS_REPLY => {
                (Some(status), true, None)
            }
            Ok((status, text)) => (
                Some(status),
                false,
                Some(format!(
                    "answered {status} {:?}, not 200 SUCCESS",
                    text.chars().take(80).collect::<String>()
                )),
            ),
            Err(error) => (None, false, Some(error)),
        };
        tracing::debug!(trade_no = %transaction.trade_no, attempt, accepted, "callback delivered");
        let last = accepted || attempt >= retries.attempts.max(1);
        if last && !accepted {
            tracing::warn!(trade_no = %transaction.trade_no, attempt, "the emulator gave up delivering a callback");
        }
        log.push(
            Delivery {
                trade_no: transaction.trade_no.clone(),
                order_no: transaction.order_no.clone(),
                url: url.clone(),
                status: transaction.status.as_str(),
                attempt,
                attempted: true,
                at: SystemTime::now(),
                http_status,
                accepted,
                error,
            },
            last,
        );
        if last {
            return;
        }
        tokio::time::sleep(delay).await;
        delay = delay.saturating_mul(2);
    }
}

/// The header that carries a forwarded callback's own URL.
const ORIGINAL_URL_HEADER: &str = "X-Original-Callback-Url";

/// POSTs one callback over HTTP/1.1 and returns the status and (at most 4 KiB of) body.
async fn post(
    url: &str,
    forwarded_from: Option<&str>,
    timestamp: &str,
    signature: &str,
    body: &[u8],
) -> Result<(u16, String), String> {
    let uri: http::Uri = url.parse().map_err(|e| format!("bad URL: {e}"))?;
    let host = uri.host().ok_or("the URL has no host")?;
    let port = uri.port_u16().unwrap_or(80);
    let connect_host = host.trim_start_matches('[').trim_end_matches(']');
    let stream = TcpStream::connect((connect_host, port))
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake failed: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut request = http::Request::post(path)
        .header(http::header::HOST, format!("{host}:{port}"))
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(TIMESTAMP_HEADER, timestamp)
        .header(SIGNATURE_HEADER, signature);
    if let Some(original) = forwarded_from {
        request = request.header(ORIGINAL_URL_HEADER, original);
    }
    let request = request
        .body(Full::new(Bytes::copy_from_slice(body)))
        .map_err(|e| format!("cannot build the request: {e}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("the request failed: {e}"))?;
    let status = response.status().as_u16();
    let bytes = Limited::new(response.into_body(), 4096)
        .collect()
        .await
        .map_err(|e| format!("reading the answer failed: {e}"))?
        .to_bytes();
    Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
}
