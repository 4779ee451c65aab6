//! The fixed inputs every benchmark uses.
//!
//! The key is fixed (not generated per run) because RSA key generation searches for primes at
//! random: its instruction count differs run to run, which would spoil callgrind's
//! `I(300) - I(100)` even though it is set-up cost. It was made for these benchmarks only
//! (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`) and guards nothing.

use aws_lc_rs::signature::RsaKeyPair;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use smilepayz::definitions::BalanceType;
use smilepayz::regions::thb;
use smilepayz::signing::{MerchantPrivateKey, MerchantPublicKey, MerchantSecret};
use smilepayz::{Client, Region, SignatureScheme};
use smilepayz_baseline::{BalanceClient, BalanceRequest};

/// The benchmark merchant's RSA-2048 private key, Base64 PKCS#8 DER.
pub const PRIVATE_KEY_PKCS8_BASE64: &str = include_str!("bench-key.pkcs8.b64");
/// Its public key, Base64 X.509 SubjectPublicKeyInfo DER.
pub const PUBLIC_KEY_SPKI_BASE64: &str = include_str!("bench-key.spki.b64");
/// The benchmark merchant's secret: 64 hex characters, like a real one.
pub const SECRET: &str = "3f6b1c0e9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b";
/// The benchmark merchant's partner id.
pub const PARTNER_ID: &str = "sandbox-bench-thb";
/// The account every request asks about (the THB example account, which the emulator's ledger
/// holds).
pub const ACCOUNT_NO: &str = "21120030202403071031";
/// The request body both clients send: `{"accountNo":"…","balanceTypes":["BALANCE"]}`.
pub const REQUEST_BODY: &str = r#"{"accountNo":"21120030202403071031","balanceTypes":["BALANCE"]}"#;
/// A THB balance answer as the gateway sends it (one `accountInfos` object).
pub const THB_RESPONSE: &str = concat!(
    r#"{"code":"00","message":"Successful","accountNo":"21120030202403071031","#,
    r#""name":"Sandbox Test","balanceTypes":["BALANCE"],"accountInfos":{"balanceType":"BALANCE","#,
    r#""amount":{"currency":"THB","value":"250000.50"},"#,
    r#""availableBalance":{"currency":"THB","value":"250000.00"}}}"#
);
/// A canned THB pay-in answer, as the emulator writes one.
pub const THB_PAY_IN_RESPONSE: &str = concat!(
    r#"{"code":"00","message":"Successful","orderNo":"S20001BENCH000000000000000001","#,
    r#""tradeNo":"T11120001261201203000000001","merchant":{"merchantId":"sandbox-bench-thb","#,
    r#""accountNo":"21110000000000020001"},"transactionTime":"2026-12-01T20:30:00+07:00","#,
    r#""money":{"currency":"THB","amount":100.50},"channel":{"paymentMethod":"QRPAY","#,
    r#""qrString":"00020101021229370016EMULATORT11120001261201203000000001"},"status":"PROCESSING"}"#
);

/// The length of the string a request signature covers:
/// `X-TIMESTAMP` (25) `|` secret (64) `|` body.
pub const STRING_TO_SIGN_LEN: usize = 25 + 1 + SECRET.len() + 1 + REQUEST_BODY.len();

/// The private key as DER.
///
/// # Panics
/// Never: the key is a constant that decodes.
pub fn private_key_der() -> Vec<u8> {
    STANDARD
        .decode(PRIVATE_KEY_PKCS8_BASE64.trim())
        .expect("the benchmark key is Base64")
}

/// The private key as aws-lc-rs's key pair, for the bare RSA sign.
///
/// # Panics
/// Never: the key is a constant RSA PKCS#8 key.
pub fn rsa_key_pair() -> RsaKeyPair {
    RsaKeyPair::from_pkcs8(&private_key_der()).expect("the benchmark key is RSA PKCS#8")
}

/// A message as long as the string to sign of a request whose body is `body_len` bytes.
pub fn message_to_sign_for(body_len: usize) -> Vec<u8> {
    let mut message = message_to_sign();
    message.resize(25 + 1 + SECRET.len() + 1 + body_len, b' ');
    message
}

/// A message of the same length as a request's string to sign.
pub fn message_to_sign() -> Vec<u8> {
    let mut message = format!("2026-11-22T10:00:00+07:00|{SECRET}|{REQUEST_BODY}").into_bytes();
    message.resize(STRING_TO_SIGN_LEN, b' ');
    message
}

/// The SDK client for `base_url`, signing with the benchmark key. No retries: a benchmark
/// request that fails must fail, not be tried again.
///
/// # Panics
/// If the client cannot be built (it always can with these constants).
pub fn sdk_client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .partner_id(PARTNER_ID)
        .merchant_secret(MerchantSecret::new(SECRET).expect("a secret"))
        .private_key(MerchantPrivateKey::parse(PRIVATE_KEY_PKCS8_BASE64).expect("a key"))
        .retry(smilepayz::RetryPolicy::none())
        .build()
        .expect("the SDK client builds")
}

/// The hand-written client for `base_url`, signing with the benchmark key.
///
/// # Panics
/// If the client cannot be built (it always can with these constants).
pub fn baseline_client(base_url: &str) -> BalanceClient {
    BalanceClient::new(base_url, PARTNER_ID, SECRET, &private_key_der())
        .expect("the hand-written client builds")
}

/// The SDK's request.
///
/// # Panics
/// Never: the account number and balance type are valid for THB.
pub fn sdk_request() -> thb::InquiryBalanceRequest {
    thb::InquiryBalanceRequest::new(ACCOUNT_NO, [BalanceType::Balance]).expect("a valid request")
}

/// The hand-written client's request.
pub fn baseline_request() -> BalanceRequest {
    BalanceRequest {
        account_no: ACCOUNT_NO.to_owned(),
        balance_types: vec!["BALANCE".to_owned()],
    }
}

/// The benchmark merchant as the emulator registers it: THB, `sha256-with-rsa`.
///
/// # Panics
/// Never: the constants are valid.
pub fn emulator_merchant() -> smilepayz_emulator::Merchant {
    smilepayz_emulator::Merchant {
        partner_id: PARTNER_ID.to_owned(),
        region: Region::Thb,
        secret: MerchantSecret::new(SECRET).expect("a secret"),
        public_key: Some(MerchantPublicKey::parse(PUBLIC_KEY_SPKI_BASE64).expect("a public key")),
        scheme: SignatureScheme::Sha256WithRsa,
    }
}
