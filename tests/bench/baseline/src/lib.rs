//! The minimal hand-written Smilepayz THB balance client that the `smilepayz` SDK is measured
//! against (see `BENCHMARKS.md`). Not shipped.
//!
//! It is what a careful developer writes in an afternoon from the gateway's docs: a serde
//! struct for the request, `serde_json::to_string`, an X-TIMESTAMP formatted by hand in
//! Thailand's `+07:00`, `format!("{timestamp}|{secret}|{body}")` signed with aws-lc-rs
//! RSASSA-PKCS1-v1_5/SHA-256, Base64, a reqwest POST, and `serde_json::from_slice` into a
//! hand-written response struct whose `code` must be `"00"`. No generics, no region types, no
//! request validation, no retries, no size limit, money values kept as the strings sent.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// Any failure: the hand-written client does not classify errors.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Thailand's X-TIMESTAMP offset, +07:00, in seconds.
const THAILAND_OFFSET_SECONDS: i64 = 7 * 3600;

/// The balance inquiry request body.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BalanceRequest {
    /// The merchant's account number.
    pub account_no: String,
    /// The balance types asked for, e.g. `BALANCE`.
    pub balance_types: Vec<String>,
}

/// A THB balance inquiry answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BalanceResponse {
    /// `"00"` on success.
    pub code: String,
    /// The gateway's message.
    pub message: String,
    /// The account number, when sent.
    #[serde(default)]
    pub account_no: Option<String>,
    /// The account holder, when sent.
    #[serde(default)]
    pub name: Option<String>,
    /// The balance types answered, when sent.
    #[serde(default)]
    pub balance_types: Option<Vec<String>>,
    /// The balance (the THB page documents one object).
    pub account_infos: AccountInfo,
}

/// One balance.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    /// The balance type, e.g. `BALANCE`.
    pub balance_type: String,
    /// The balance.
    pub amount: Money,
    /// The available balance.
    pub available_balance: Money,
}

/// An amount as the gateway writes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Money {
    /// The currency, e.g. `THB`.
    pub currency: String,
    /// The amount as a decimal string, e.g. `"250000.50"`.
    pub value: String,
}

/// A signed request: the headers that change per request, and the body bytes that were signed.
#[derive(Debug, Clone)]
pub struct Signed {
    /// X-TIMESTAMP.
    pub timestamp: String,
    /// X-SIGNATURE.
    pub signature: String,
    /// The body.
    pub body: String,
}

/// The hand-written client.
pub struct BalanceClient {
    http: reqwest::Client,
    url: String,
    partner_id: String,
    secret: String,
    key: RsaKeyPair,
}

impl BalanceClient {
    /// A client for `base_url` (e.g. `https://sandbox-gateway.smilepayz.com`), with the
    /// merchant's id, secret and PKCS#8 DER private key.
    ///
    /// # Errors
    /// If the key is not an RSA PKCS#8 key or reqwest cannot be set up.
    pub fn new(
        base_url: &str,
        partner_id: &str,
        secret: &str,
        pkcs8_der: &[u8],
    ) -> Result<Self, BoxError> {
        Ok(Self {
            http: reqwest::Client::builder().build()?,
            url: format!("{base_url}/v2.0/inquiry-balance"),
            partner_id: partner_id.to_owned(),
            secret: secret.to_owned(),
            key: RsaKeyPair::from_pkcs8(pkcs8_der).map_err(|e| e.to_string())?,
        })
    }

    /// Serializes, timestamps and signs a request.
    ///
    /// # Errors
    /// If serialization or signing fails.
    pub fn sign<T: Serialize>(&self, request: &T) -> Result<Signed, BoxError> {
        let body = serde_json::to_string(request)?;
        let timestamp = thailand_timestamp(SystemTime::now());
        let to_sign = format!("{}|{}|{}", timestamp, self.secret, body);
        let mut signature = vec![0; self.key.public_modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                to_sign.as_bytes(),
                &mut signature,
            )
            .map_err(|e| e.to_string())?;
        Ok(Signed {
            timestamp,
            signature: STANDARD.encode(&signature),
            body,
        })
    }

    /// Sends a balance inquiry and reads the answer.
    ///
    /// # Errors
    /// On any transport failure, a non-JSON answer or a code other than `"00"`.
    pub async fn inquiry_balance(
        &self,
        request: &BalanceRequest,
    ) -> Result<BalanceResponse, BoxError> {
        let signed = self.sign(request)?;
        let response = self
            .http
            .post(&self.url)
            .header("Content-Type", "application/json")
            .header("X-TIMESTAMP", signed.timestamp)
            .header("X-SIGNATURE", signed.signature)
            .header("X-PARTNER-ID", &self.partner_id)
            .body(signed.body)
            .send()
            .await?;
        let body = response.bytes().await?;
        parse_response(&body)
    }
}

/// A THB pay-in request body, written by hand from the pay-in page (for the per-request
/// comparison only: the client above sends balance inquiries).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PayInRequest {
    /// The merchant's order number.
    pub order_no: String,
    /// What the payment is for.
    pub purpose: String,
    /// The merchant.
    pub merchant: PayInMerchant,
    /// The amount.
    pub money: PayInMoney,
    /// How the payer pays, e.g. `QRPAY`.
    pub payment_method: String,
    /// Who pays.
    pub payer: PayInPayer,
    /// Where the notification goes.
    pub callback_url: String,
}

/// The merchant of a pay-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayInMerchant {
    /// The merchant id.
    pub merchant_id: String,
    /// The account, in answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_no: Option<String>,
}

/// A pay-in amount: the number as a float, as a quick client writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PayInMoney {
    /// The currency, e.g. `THB`.
    pub currency: String,
    /// The amount.
    pub amount: f64,
}

/// The payer of a THB pay-in.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PayInPayer {
    /// The payer's name.
    pub name: String,
    /// The payer's account number.
    pub account_no: String,
    /// The payer's bank.
    pub bank_name: String,
}

/// A THB pay-in answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayInResponse {
    /// `"00"` on success.
    pub code: String,
    /// The gateway's message.
    pub message: String,
    /// The order number.
    #[serde(default)]
    pub order_no: Option<String>,
    /// The gateway's trade number.
    #[serde(default)]
    pub trade_no: Option<String>,
    /// The merchant.
    #[serde(default)]
    pub merchant: Option<PayInMerchant>,
    /// When the gateway took the order.
    #[serde(default)]
    pub transaction_time: Option<String>,
    /// The amount.
    #[serde(default)]
    pub money: Option<PayInMoney>,
    /// How to pay.
    #[serde(default)]
    pub channel: Option<PayInChannel>,
    /// The status, e.g. `PROCESSING`.
    #[serde(default)]
    pub status: Option<String>,
}

/// How the payer pays.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayInChannel {
    /// The payment method.
    #[serde(default)]
    pub payment_method: Option<String>,
    /// The QR code's text.
    #[serde(default)]
    pub qr_string: Option<String>,
}

/// Reads a pay-in answer; a code other than `"00"` is an error.
///
/// # Errors
/// If the body is not a pay-in answer, or its code is not `"00"`.
pub fn parse_pay_in_response(body: &[u8]) -> Result<PayInResponse, BoxError> {
    let response: PayInResponse = serde_json::from_slice(body)?;
    if response.code != "00" {
        return Err(format!("gateway error {}: {}", response.code, response.message).into());
    }
    Ok(response)
}

/// Reads an answer; a code other than `"00"` is an error.
///
/// # Errors
/// If the body is not a THB balance answer, or its code is not `"00"`.
pub fn parse_response(body: &[u8]) -> Result<BalanceResponse, BoxError> {
    let response: BalanceResponse = serde_json::from_slice(body)?;
    if response.code != "00" {
        return Err(format!("gateway error {}: {}", response.code, response.message).into());
    }
    Ok(response)
}

/// `yyyy-MM-ddTHH:mm:ss+07:00` for `time`.
pub fn thailand_timestamp(time: SystemTime) -> String {
    let unix = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let local = unix + THAILAND_OFFSET_SECONDS;
    let (days, seconds) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+07:00",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn timestamp_is_the_gateway_format_in_thailand_time() {
        let time = UNIX_EPOCH + Duration::from_secs(1_608_278_760);
        assert_eq!(super::thailand_timestamp(time), "2020-12-18T15:06:00+07:00");
    }
}
