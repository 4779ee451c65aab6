//! Pay-in, pay-out and inquiry-status: the emulator's money flow, on the books of
//! [`super::sandbox`].
//!
//! The bodies have passed the region's rules when these run; they are read here with only the
//! fields the books need (amounts from their own digits, never through a float), and answered
//! with the shapes the spec gives, in the region's currency and offset.

use serde::{Deserialize, Serialize};

use super::codes::Check;
use super::sandbox::{NewOrder, TradeKind, Transaction};
use super::service::{Call, Handler, Rejection};
use crate::{Decimal, gateway};

/// `POST /v2.0/transaction/pay-in`.
pub(super) const PAY_IN: Handler = Handler {
    id: crate::endpoints::pay_in::ENDPOINT.id,
    answer: pay_in,
};

/// `POST /v2.0/disbursement/pay-out`.
pub(super) const PAY_OUT: Handler = Handler {
    id: crate::endpoints::pay_out::ENDPOINT.id,
    answer: pay_out,
};

/// `POST /v2.0/inquiry-status`.
pub(super) const INQUIRY_STATUS: Handler = Handler {
    id: crate::endpoints::inquiry_status::ENDPOINT.id,
    answer: inquiry_status,
};

#[derive(Deserialize)]
struct MoneyIn {
    amount: Decimal,
}

#[derive(Deserialize)]
struct MerchantIn {
    #[serde(rename = "merchantName", default)]
    merchant_name: Option<String>,
}

#[derive(Deserialize)]
struct OrderIn {
    #[serde(rename = "orderNo")]
    order_no: String,
    money: MoneyIn,
    #[serde(default)]
    merchant: Option<MerchantIn>,
    #[serde(rename = "paymentMethod", default)]
    payment_method: Option<String>,
    #[serde(rename = "callbackUrl", default)]
    callback_url: Option<String>,
    #[serde(rename = "cashAccount", default)]
    cash_account: Option<String>,
}

#[derive(Serialize)]
pub(super) struct MoneyOut<'a> {
    pub(super) currency: &'a str,
    pub(super) amount: Decimal,
}

#[derive(Serialize)]
struct MerchantOut<'a> {
    #[serde(rename = "merchantId")]
    merchant_id: &'a str,
    #[serde(rename = "merchantName", skip_serializing_if = "Option::is_none")]
    merchant_name: Option<&'a str>,
    #[serde(rename = "accountNo", skip_serializing_if = "Option::is_none")]
    account_no: Option<&'a str>,
}

#[derive(Serialize, Default)]
struct ChannelOut<'a> {
    #[serde(rename = "paymentMethod", skip_serializing_if = "Option::is_none")]
    payment_method: Option<&'a str>,
    #[serde(rename = "paymentUrl", skip_serializing_if = "Option::is_none")]
    payment_url: Option<String>,
    #[serde(rename = "qrString", skip_serializing_if = "Option::is_none")]
    qr_string: Option<String>,
    #[serde(rename = "vaNumber", skip_serializing_if = "Option::is_none")]
    va_number: Option<String>,
    #[serde(rename = "receiverBankName", skip_serializing_if = "Option::is_none")]
    receiver_bank_name: Option<&'a str>,
    #[serde(rename = "cashAccount", skip_serializing_if = "Option::is_none")]
    cash_account: Option<&'a str>,
    #[serde(rename = "accountName", skip_serializing_if = "Option::is_none")]
    account_name: Option<&'a str>,
}

#[derive(Serialize)]
struct OrderAnswer<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(rename = "orderNo")]
    order_no: &'a str,
    #[serde(rename = "tradeNo")]
    trade_no: &'a str,
    merchant: MerchantOut<'a>,
    #[serde(rename = "transactionTime", skip_serializing_if = "Option::is_none")]
    transaction_time: Option<String>,
    #[serde(rename = "disbursementTime", skip_serializing_if = "Option::is_none")]
    disbursement_time: Option<String>,
    money: MoneyOut<'a>,
    channel: ChannelOut<'a>,
    status: &'a str,
}

#[derive(Deserialize)]
struct StatusIn {
    #[serde(rename = "tradeType")]
    trade_type: u8,
    #[serde(rename = "orderNo", default)]
    order_no: Option<String>,
    #[serde(rename = "tradeNo", default)]
    trade_no: Option<String>,
}

#[derive(Serialize)]
struct StatusAnswer<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(rename = "tradeNo")]
    trade_no: &'a str,
    #[serde(rename = "orderNo")]
    order_no: &'a str,
    #[serde(rename = "tradeType")]
    trade_type: u8,
    #[serde(rename = "paymentMethod", skip_serializing_if = "str::is_empty")]
    payment_method: &'a str,
    money: MoneyOut<'a>,
    status: &'a str,
}

fn read<'a, T: Deserialize<'a>>(call: &Call<'a>) -> Result<T, Rejection> {
    serde_json::from_str(call.body).map_err(|e| {
        Rejection::new(
            Check::InvalidBodyFields,
            format!(
                "the body is not a {} request the emulator can read: {e}",
                call.region
            ),
        )
    })
}

fn write<T: Serialize>(answer: &T) -> Result<Vec<u8>, Rejection> {
    serde_json::to_vec(answer).map_err(|e| {
        Rejection::new(
            Check::InternalError,
            format!(
                "the emulator could not write its answer ({e}); this is a bug, please report it"
            ),
        )
    })
}

/// Any `http://` or `https://` URL with a host, as the gateway takes it. Whether the emulator
/// will contact it is [`delivered_here`]'s business: a merchant's production URL is accepted,
/// and never called.
pub(super) fn check_callback_url(url: &str) -> Result<(), Rejection> {
    let refuse = |why: &str| {
        Rejection::new(
            Check::CallbackUrlRefused,
            format!(
                "callbackUrl {:?} is refused: {why}; send an http:// or https:// URL, e.g. \
                 https://shop.example.com/smilepayz/callback",
                url.chars().take(256).collect::<String>()
            ),
        )
    };
    let uri: http::Uri = url.parse().map_err(|_| refuse("it is not a URL"))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err(refuse("it is not http:// or https://"));
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(refuse("it has no host"));
    }
    // `http::Uri` takes any digits as a port; one that is no TCP port would be read as none
    // and delivered to port 80.
    if let Some(port) = port_text(&uri)
        && !matches!(port.parse::<u16>(), Ok(1..))
    {
        return Err(refuse(&format!(
            "its port {port} is not a number from 1 to 65535"
        )));
    }
    Ok(())
}

/// The port as written in the URL's authority, after the host (and any `user@`), if any.
fn port_text(uri: &http::Uri) -> Option<&str> {
    let authority = uri.authority()?.as_str();
    let host_and_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, rest)| rest);
    let after_host = host_and_port
        .rsplit_once(']')
        .map_or(host_and_port, |(_, rest)| rest);
    after_host.rsplit_once(':').map(|(_, port)| port)
}

/// Why the emulator will not contact a callback URL it accepted, if it will not: it only
/// delivers to loopback `http://` URLs, so nothing leaves the machine.
pub(super) fn delivered_here(url: &str) -> Result<(), String> {
    let uri: http::Uri = url.parse().map_err(|_| "it is not a URL".to_owned())?;
    let loopback = matches!(uri.host(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match (uri.scheme_str(), loopback) {
        (Some("http"), true) => Ok(()),
        (_, false) => Err(format!(
            "not attempted: {} is not this machine, and the emulator sends nothing off it; \
             point callbackUrl at a loopback http:// URL to receive it",
            uri.host().unwrap_or_default()
        )),
        _ => Err(
            "not attempted: the emulator delivers over http:// only; use http://127.0.0.1:PORT/…"
                .to_owned(),
        ),
    }
}

fn create(call: &Call<'_>, kind: TradeKind) -> Result<Vec<u8>, Rejection> {
    // The service checked the body against the region's rules, amounts on their own digits.
    let order: OrderIn = read(call)?;
    let callback_url = order.callback_url.filter(|u| !u.is_empty());
    if let Some(url) = &callback_url {
        check_callback_url(url)?;
    }
    let merchant_name = order.merchant.and_then(|m| m.merchant_name);
    let transaction = call.state.sandbox.create(
        call.partner_id,
        kind,
        NewOrder {
            order_no: order.order_no,
            amount: order.money.amount.0,
            payment_method: order.payment_method.unwrap_or_default(),
            callback_url,
            cash_account: order.cash_account,
            merchant_name,
        },
    )?;
    let info = call.region.info();
    let accounts = call.state.sandbox.accounts_of(call.partner_id);
    let stamp = transaction.created.to_string();
    let method = transaction.payment_method.as_str();
    let mut channel = ChannelOut {
        payment_method: (!method.is_empty()).then_some(method),
        ..ChannelOut::default()
    };
    match kind {
        TradeKind::PayIn => {
            let link = format!(
                "https://sandbox-cashier.smilepayz.com/emulator/{}",
                transaction.trade_no
            );
            match method {
                "" => channel.payment_url = Some(link),
                m if m.contains("QR") => {
                    channel.qr_string = Some(format!(
                        "00020101021229370016EMULATOR{}",
                        transaction.trade_no
                    ));
                }
                "BANK" => {
                    channel.va_number = Some(format!(
                        "9{}",
                        &transaction.trade_no[transaction.trade_no.len() - 9..]
                    ));
                    channel.receiver_bank_name = Some("KBANK");
                }
                "USDT" => {
                    channel.va_number = Some(format!(
                        "TEmulatorWallet{}",
                        &transaction.trade_no[transaction.trade_no.len() - 19..]
                    ));
                }
                _ => channel.payment_url = Some(link),
            }
        }
        TradeKind::PayOut => {
            channel.cash_account = transaction.cash_account.as_deref();
            channel.account_name = Some("Sandbox Beneficiary");
        }
    }
    let answer = OrderAnswer {
        code: gateway::SUCCESS_CODE,
        message: "Successful",
        order_no: &transaction.order_no,
        trade_no: &transaction.trade_no,
        merchant: MerchantOut {
            merchant_id: call.partner_id,
            merchant_name: transaction.merchant_name.as_deref(),
            account_no: accounts.as_ref().map(|a| match kind {
                TradeKind::PayIn => a.payin_account_no.as_str(),
                TradeKind::PayOut => a.payout_account_no.as_str(),
            }),
        },
        transaction_time: (kind == TradeKind::PayIn).then(|| stamp.clone()),
        disbursement_time: (kind == TradeKind::PayOut).then_some(stamp),
        money: MoneyOut {
            currency: info.currency,
            amount: Decimal(transaction.amount),
        },
        channel,
        status: transaction.status.as_str(),
    };
    write(&answer)
}

fn pay_in(call: &Call<'_>) -> Result<Vec<u8>, Rejection> {
    create(call, TradeKind::PayIn)
}

fn pay_out(call: &Call<'_>) -> Result<Vec<u8>, Rejection> {
    create(call, TradeKind::PayOut)
}

fn inquiry_status(call: &Call<'_>) -> Result<Vec<u8>, Rejection> {
    let asked: StatusIn = read(call)?;
    let kind = match asked.trade_type {
        1 => TradeKind::PayIn,
        _ => TradeKind::PayOut,
    };
    let found: Option<Transaction> = call.state.sandbox.find(
        call.partner_id,
        kind,
        asked.trade_no.as_deref(),
        asked.order_no.as_deref(),
    );
    let Some(transaction) = found else {
        // The region's documented examples are answered as documented, so that they work
        // against the emulator as they are written.
        if let Some(answer) = documented_status(call, &asked) {
            return Ok(answer);
        }
        return Err(Rejection::new(
            Check::TransactionNotFound,
            format!(
                "this merchant has no {} with {}; check tradeType (1 pay-in, 2 pay-out) and the number",
                match kind {
                    TradeKind::PayIn => "pay-in",
                    TradeKind::PayOut => "pay-out",
                },
                match (&asked.trade_no, &asked.order_no) {
                    (Some(t), _) if !t.is_empty() => format!("tradeNo {t:?}"),
                    (_, Some(o)) => format!("orderNo {o:?}"),
                    _ => "no tradeNo or orderNo".to_owned(),
                }
            ),
        ));
    };
    write(&StatusAnswer {
        code: gateway::SUCCESS_CODE,
        message: "Successful",
        trade_no: &transaction.trade_no,
        order_no: &transaction.order_no,
        trade_type: transaction.kind.trade_type(),
        payment_method: &transaction.payment_method,
        money: MoneyOut {
            currency: call.region.info().currency,
            amount: Decimal(transaction.amount),
        },
        status: transaction.status.as_str(),
    })
}

/// The region's documented inquiry-status answer for exactly this question, if it has one.
fn documented_status(call: &Call<'_>, asked: &StatusIn) -> Option<Vec<u8>> {
    let offered = call
        .region
        .info()
        .endpoint(crate::endpoints::inquiry_status::ENDPOINT.id)?;
    offered.examples.iter().find_map(|example| {
        let request: StatusIn = serde_json::from_str(example.request?.body?).ok()?;
        let same = request.trade_type == asked.trade_type
            && request.order_no == asked.order_no
            && request.trade_no == asked.trade_no;
        let body = example.response?.body?;
        let code_ok = serde_json::from_str::<serde_json::Value>(body)
            .ok()?
            .get("code")?
            .as_str()?
            == gateway::SUCCESS_CODE;
        (same && code_ok).then(|| body.as_bytes().to_vec())
    })
}
