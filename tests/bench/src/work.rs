//! One request's client-side CPU work, without a network: build the request, serialize it,
//! take an X-TIMESTAMP, sign, and parse a canned answer. The same steps three ways, so that
//! the criterion bench and the callgrind driver measure exactly the same code.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use smilepayz::definitions::BalanceType;
use smilepayz::regions::thb;
use smilepayz::{Client, decode_response};
use smilepayz_baseline::{BalanceClient, BalanceRequest, parse_pay_in_response, parse_response};

use crate::fixtures::ACCOUNT_NO;

/// The SDK: `InquiryBalanceRequest::new`, `Client::sign_request` (validate, serialize,
/// timestamp, sign, Base64) and `decode_response` of the canned THB answer. Returns a number
/// that depends on all of it, so nothing is optimized away.
///
/// # Panics
/// If any step fails (none does with the fixtures).
pub fn sdk(client: &Client, answer: &[u8]) -> usize {
    let request = thb::InquiryBalanceRequest::new(ACCOUNT_NO, [BalanceType::Balance])
        .expect("a valid request");
    let signed = client.sign_request(&request).expect("signed");
    let response =
        decode_response::<thb::InquiryBalanceResponse>(200, answer).expect("a THB answer");
    signed.signature.len() + signed.body.len() + response.account_infos.len()
}

/// The SDK's pay-in: the THB builder with every mandatory field (payer included), `build()`
/// (every region rule), `Client::sign_request` and `decode_response` of a canned pay-in
/// answer, to set beside the balance inquiry's figure.
///
/// # Panics
/// If any step fails (none does with the fixtures).
pub fn sdk_pay_in(client: &Client, answer: &[u8]) -> usize {
    let request = thb_pay_in();
    let signed = client.sign_request(&request).expect("signed");
    let response = decode_response::<thb::PayInResponse>(200, answer).expect("a THB answer");
    signed.signature.len() + signed.body.len() + response.trade_no.map_or(0, |t| t.len())
}

/// The THB pay-in both pay-in modes build: every mandatory field, the payer included,
/// through the builder (which checks every region rule).
fn thb_pay_in() -> thb::PayInRequest {
    use smilepayz::definitions::{Merchant, Payer, PaymentMethod};
    thb::PayInRequest::builder()
        .order_no("S20001BENCH000000000000000001")
        .purpose("Order 1001")
        .merchant(Merchant::new("sandbox-bench-thb"))
        .money(smilepayz::TransactionMoney::parse("100.50").expect("an amount"))
        .payment_method(PaymentMethod::Qrpay)
        .payer(Payer {
            name: Some("Somchai".into()),
            account_no: Some("1234567890".into()),
            bank_name: Some("KBANK".into()),
            ..Payer::default()
        })
        .callback_url("http://127.0.0.1:8080/smilepayz/pay-in")
        .build()
        .expect("a valid pay-in")
}

/// The hand-written client: a struct, `serde_json::to_string`, a `format!`ted timestamp and
/// string to sign, the RSA sign, Base64, and `serde_json::from_slice` of the canned answer.
///
/// # Panics
/// If any step fails (none does with the fixtures).
pub fn baseline(client: &BalanceClient, answer: &[u8]) -> usize {
    let request = BalanceRequest {
        account_no: ACCOUNT_NO.to_owned(),
        balance_types: vec!["BALANCE".to_owned()],
    };
    let signed = client.sign(&request).expect("signed");
    let response = parse_response(answer).expect("a THB answer");
    signed.signature.len() + signed.body.len() + response.account_infos.balance_type.len()
}

/// The hand-written client's pay-in, beside [`sdk_pay_in`]: the same fields in serde structs
/// (the amount a float), no validation, the same signing and a serde struct for the answer.
///
/// # Panics
/// If any step fails (none does with the fixtures).
pub fn baseline_pay_in(client: &BalanceClient, answer: &[u8]) -> usize {
    use smilepayz_baseline::{PayInMerchant, PayInMoney, PayInPayer, PayInRequest};
    let request = PayInRequest {
        order_no: "S20001BENCH000000000000000001".to_owned(),
        purpose: "Order 1001".to_owned(),
        merchant: PayInMerchant {
            merchant_id: "sandbox-bench-thb".to_owned(),
            account_no: None,
        },
        money: PayInMoney {
            currency: "THB".to_owned(),
            amount: 100.50,
        },
        payment_method: "QRPAY".to_owned(),
        payer: PayInPayer {
            name: "Somchai".to_owned(),
            account_no: "1234567890".to_owned(),
            bank_name: "KBANK".to_owned(),
        },
        callback_url: "http://127.0.0.1:8080/smilepayz/pay-in".to_owned(),
    };
    let signed = client.sign(&request).expect("signed");
    let response = parse_pay_in_response(answer).expect("a THB answer");
    signed.signature.len() + signed.body.len() + response.trade_no.map_or(0, |t| t.len())
}

/// The length of the body [`sdk_pay_in`] signs, for a sign-only run of the same length.
///
/// # Panics
/// If the pay-in cannot be built (it always can).
#[must_use]
pub fn sdk_pay_in_body_len(client: &Client) -> usize {
    let request = thb_pay_in();
    client.sign_request(&request).expect("signed").body.len()
}

/// The floor: aws-lc-rs's RSASSA-PKCS1-v1_5/SHA-256 sign of `message` into `signature`, as
/// both clients call it.
///
/// # Panics
/// If aws-lc-rs fails (it does not with the fixtures).
pub fn sign_only(key: &RsaKeyPair, message: &[u8], signature: &mut [u8]) -> usize {
    key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), message, signature)
        .expect("signed");
    usize::from(signature[0])
}
