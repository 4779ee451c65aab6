//! Pay-in, pay-out and inquiry-status: the emulator's money flow, on the books of
//! [`super::sandbox`].
//!
//! The bodies have passed the region's rules when these run; they are read here with only the
//! fields the books need (amounts from their own digits, never through a float), and answered
//! with the shapes the spec gives, in the region's currency and offset.

use serde::Serialize;

use super::callback_url::check_callback_url;
use super::codes::Check;
use super::handler::{Call, Handler};
use super::rejection::Rejection;
use super::sandbox::{NewOrder, Transaction, kind_name, trade_type_number};
use super::wire::MoneyOut;
use smilepayz::definitions::TradeType;
use smilepayz::endpoints::inquiry_status::AnyInquiryStatusRequest;
use smilepayz::endpoints::pay_in::AnyPayInRequest;
use smilepayz::endpoints::pay_out::AnyPayOutRequest;
use smilepayz::{Decimal, gateway};

/// `POST /v2.0/transaction/pay-in`.
pub(super) const PAY_IN: Handler = Handler {
    id: smilepayz::endpoints::pay_in::ENDPOINT.id,
    answer: pay_in,
};

/// `POST /v2.0/disbursement/pay-out`.
pub(super) const PAY_OUT: Handler = Handler {
    id: smilepayz::endpoints::pay_out::ENDPOINT.id,
    answer: pay_out,
};

/// `POST /v2.0/inquiry-status`.
pub(super) const INQUIRY_STATUS: Handler = Handler {
    id: smilepayz::endpoints::inquiry_status::ENDPOINT.id,
    answer: inquiry_status,
};

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

/// A body the rules let through that the region's typed request still cannot read (the
/// rules and the types come from one spec, so this is a bug in the emulator or the spec).
fn unreadable(call: &Call<'_>, error: &smilepayz::ReadError) -> Rejection {
    Rejection::new(
        Check::InvalidBodyFields,
        format!(
            "the body is not a {} request the emulator can read: {error}",
            call.region
        ),
    )
}

/// The order a checked pay-in or pay-out body asks for, read as the region's typed request.
fn read_order(call: &Call<'_>, kind: &TradeType) -> Result<NewOrder, Rejection> {
    let order = match kind {
        TradeType::PayIn => {
            let request = AnyPayInRequest::from_json(call.region, call.body)
                .map_err(|e| unreadable(call, &e))?;
            NewOrder {
                order_no: request.order_no().to_owned(),
                amount: request.money().amount(),
                payment_method: request
                    .payment_method()
                    .map(|m| m.as_str().to_owned())
                    .unwrap_or_default(),
                callback_url: request.callback_url().map(str::to_owned),
                cash_account: None,
                merchant_name: request.merchant().merchant_name.clone(),
            }
        }
        TradeType::PayOut => {
            let request = AnyPayOutRequest::from_json(call.region, call.body)
                .map_err(|e| unreadable(call, &e))?;
            NewOrder {
                order_no: request.order_no().to_owned(),
                amount: request.money().amount(),
                payment_method: request.payment_method().as_str().to_owned(),
                callback_url: request.callback_url().map(str::to_owned),
                cash_account: Some(request.cash_account().to_owned()),
                merchant_name: request.merchant().merchant_name.clone(),
            }
        }
    };
    Ok(NewOrder {
        callback_url: order.callback_url.filter(|u| !u.is_empty()),
        ..order
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

fn create(call: &Call<'_>, kind: &TradeType) -> Result<Vec<u8>, Rejection> {
    // The service checked the body against the region's rules, amounts on their own digits.
    let order = read_order(call, kind)?;
    if let Some(url) = &order.callback_url {
        check_callback_url(url)?;
    }
    let transaction = call
        .state
        .sandbox
        .create(call.partner_id, kind.clone(), order)?;
    let info = call.region.info();
    let accounts = call.state.sandbox.accounts_of(call.partner_id);
    let stamp = transaction.created.to_string();
    let method = transaction.payment_method.as_str();
    let mut channel = ChannelOut {
        payment_method: (!method.is_empty()).then_some(method),
        ..ChannelOut::default()
    };
    match kind {
        TradeType::PayIn => {
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
        TradeType::PayOut => {
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
                TradeType::PayIn => a.payin_account_no.as_str(),
                TradeType::PayOut => a.payout_account_no.as_str(),
            }),
        },
        transaction_time: (*kind == TradeType::PayIn).then(|| stamp.clone()),
        disbursement_time: (*kind == TradeType::PayOut).then_some(stamp),
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
    create(call, &TradeType::PayIn)
}

fn pay_out(call: &Call<'_>) -> Result<Vec<u8>, Rejection> {
    create(call, &TradeType::PayOut)
}

fn inquiry_status(call: &Call<'_>) -> Result<Vec<u8>, Rejection> {
    let asked = AnyInquiryStatusRequest::from_json(call.region, call.body)
        .map_err(|e| unreadable(call, &e))?;
    let kind = asked.trade_type().clone();
    let found: Option<Transaction> = call.state.sandbox.find(
        call.partner_id,
        kind.clone(),
        asked.trade_no(),
        asked.order_no(),
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
                kind_name(&kind),
                match (asked.trade_no(), asked.order_no()) {
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
        trade_type: trade_type_number(&transaction.kind),
        payment_method: &transaction.payment_method,
        money: MoneyOut {
            currency: call.region.info().currency,
            amount: Decimal(transaction.amount),
        },
        status: transaction.status.as_str(),
    })
}

/// The region's documented inquiry-status answer for exactly this question, if it has one.
fn documented_status(call: &Call<'_>, asked: &AnyInquiryStatusRequest) -> Option<Vec<u8>> {
    let offered = call
        .region
        .info()
        .endpoint(smilepayz::endpoints::inquiry_status::ENDPOINT.id)?;
    offered.examples.iter().find_map(|example| {
        let request =
            AnyInquiryStatusRequest::from_json(call.region, example.request?.body?).ok()?;
        let same = request.trade_type() == asked.trade_type()
            && request.order_no() == asked.order_no()
            && request.trade_no() == asked.trade_no();
        let body = example.response?.body?;
        let code_ok = serde_json::from_str::<serde_json::Value>(body)
            .ok()?
            .get("code")?
            .as_str()?
            == gateway::SUCCESS_CODE;
        (same && code_ok).then(|| body.as_bytes().to_vec())
    })
}
