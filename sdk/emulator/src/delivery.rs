//! Callback delivery: when a transaction becomes final, the emulator POSTs its notification
//! to the order's `callbackUrl`, signed with the emulator's platform key, and delivers again
//! with backoff until the merchant answers `SUCCESS` (or the attempts run out).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpStream;

use super::records::{Callback, Delivery, callbacks};
use super::sandbox::Transaction;
use super::wire::MoneyOut;
use smilepayz::Decimal;
use smilepayz::callback::{SIGNATURE_HEADER, SUCCESS_REPLY, TIMESTAMP_HEADER};
use smilepayz::signing::PlatformKeyPair;
use smilepayz::timestamp::Timestamp;

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

/// The deliveries made so far, newest last; bounded (the oldest are dropped past the limit).
pub(super) struct DeliveryLog {
    entries: Mutex<VecDeque<Delivery>>,
    limit: usize,
    events: super::events::Events,
    /// The last callback id given.
    ids: AtomicU64,
    /// Bumped by [`DeliveryLog::clear`]: deliveries begun before it are not recorded.
    generation: AtomicU64,
    /// Redeliveries asked for: (new id, the id it delivers again); bounded like `entries`.
    redeliveries: Mutex<VecDeque<(u64, u64)>>,
}

/// Work for the callback dispatcher besides the transactions that became final.
pub(super) enum Job {
    /// Deliver a final transaction's callback again, under a new id.
    Redeliver {
        transaction: Box<super::sandbox::Transaction>,
        ticket: Ticket,
    },
    /// Stop the callbacks on their way of transactions older than `generation` (the books
    /// were reset).
    Reset { generation: u64 },
}

/// A callback's id and the log's generation when it began.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ticket {
    pub(super) id: u64,
    generation: u64,
}

impl DeliveryLog {
    pub(super) fn new(limit: usize, events: super::events::Events) -> Self {
        Self {
            entries: Mutex::new(VecDeque::new()),
            limit,
            events,
            ids: AtomicU64::new(0),
            generation: AtomicU64::new(0),
            redeliveries: Mutex::new(VecDeque::new()),
        }
    }

    /// A new callback id for a transaction of `epoch` (see [`DeliveryLog::clear`]), for a
    /// delivery of `redelivery_of` when given.
    pub(super) fn begin(&self, epoch: u64, redelivery_of: Option<u64>) -> Ticket {
        let id = self.ids.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(of) = redelivery_of {
            let mut redeliveries = self
                .redeliveries
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if redeliveries.len() >= self.limit {
                redeliveries.pop_front();
            }
            redeliveries.push_back((id, of));
        }
        Ticket {
            id,
            generation: epoch,
        }
    }

    /// Forgets every delivery and returns the new generation: deliveries of transactions of
    /// older ones are not recorded.
    pub(super) fn clear(&self) -> u64 {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        entries.clear();
        self.redeliveries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        generation
    }

    /// The current generation (see [`DeliveryLog::clear`]).
    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Every callback so far, oldest first.
    pub(super) fn callbacks(&self) -> Vec<Callback> {
        let redeliveries: Vec<(u64, u64)> = self
            .redeliveries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .copied()
            .collect();
        callbacks(self.all(), &redeliveries)
    }

    /// The newest delivery of a callback, if it is still in the log.
    pub(super) fn latest(&self, id: u64) -> Option<Delivery> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .rev()
            .find(|d| d.callback == id)
            .cloned()
    }

    /// Records a delivery, unless the log was cleared since its callback began, then tells
    /// the event sink (outside the lock: a slow sink, or one that asks the emulator about its
    /// callbacks, must not hold up deliveries, the control API or a reset).
    fn push(&self, ticket: Ticket, delivery: Delivery) {
        let event = self.events.on().then(|| delivery.clone());
        {
            let mut entries = self
                .entries
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if self.generation.load(Ordering::Acquire) != ticket.generation {
                return;
            }
            if entries.len() >= self.limit {
                entries.pop_front();
            }
            entries.push_back(delivery);
        }
        if let Some(delivery) = event {
            let last = delivery.last;
            self.events
                .emit(&super::events::EmulatorEvent::Callback { delivery, last });
        }
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
        status: super::sandbox::status_str(&transaction.status),
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
    ticket: Ticket,
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
        && let Err(why) = super::callback_url::delivered_here(&url)
    {
        tracing::debug!(trade_no = %transaction.trade_no, "callback not attempted: {why}");
        log.push(
            ticket,
            Delivery {
                callback: ticket.id,
                trade_no: transaction.trade_no.clone(),
                order_no: transaction.order_no.clone(),
                url,
                status: super::sandbox::status_str(&transaction.status),
                attempt: 1,
                attempted: false,
                at: SystemTime::now(),
                http_status: None,
                accepted: false,
                error: Some(why),
                last: true,
            },
        );
        return;
    }
    let offset = transaction.region.info().utc_offset_seconds;
    let mut delay = retries.first_delay;
    for attempt in 1..=retries.attempts.max(1) {
        // The books were reset since this callback began: its transaction is gone.
        if log.generation() != ticket.generation {
            return;
        }
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
            ticket,
            Delivery {
                callback: ticket.id,
                trade_no: transaction.trade_no.clone(),
                order_no: transaction.order_no.clone(),
                url: url.clone(),
                status: super::sandbox::status_str(&transaction.status),
                attempt,
                attempted: true,
                at: SystemTime::now(),
                http_status,
                accepted,
                error,
                last,
            },
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
