//! Callbacks: the notifications the gateway POSTs to the merchant when a pay-in or pay-out
//! reaches a final status.
//!
//! Hand [`CallbackVerifier::verify`] what your web framework gives you (the headers and the
//! raw body bytes, before any JSON parsing) and the current time. It checks, in this order:
//!
//! 1. `X-SIGNATURE` and `X-TIMESTAMP` are present;
//! 2. the body is JSON with a string `tradeNo`;
//! 3. `X-SIGNATURE` is the platform's SHA256withRSA signature of `tradeNo|X-TIMESTAMP`
//!    (`tradeNo` as it is in the raw body);
//! 4. `X-TIMESTAMP` is a valid timestamp within the tolerance of `now` (5 minutes unless
//!    set; [`CallbackVerifier::without_clock_check`] skips this, for replays and tests);
//! 5. the body decodes as the notification type, e.g. `regions::thb::PayInNotification`
//!    (money in the region's currency; an unknown `status` decodes as `Unknown`).
//!
//! Then reply [`SUCCESS_REPLY`] (HTTP 200, body `SUCCESS`), or the gateway delivers again.
//!
//! **What the signature does not cover.** Only `tradeNo` and `X-TIMESTAMP` are signed: the
//! status, the amount and every other field could be altered without breaking it. Before you
//! ship goods or credit a customer, confirm with `inquiry-status` (by `tradeNo` or your
//! `orderNo`) that the order is `SUCCESS` for the amount you expect.
//!
//! **Deliveries repeat.** The gateway retries until it gets `SUCCESS`, and may deliver the
//! same notification more than once even then. Make handling idempotent by `tradeNo`: record
//! that you processed it, and answer `SUCCESS` again without acting twice.
//!
//! ```
//! use std::time::SystemTime;
//! use smilepayz::callback::{CallbackVerifier, SUCCESS_REPLY, testing};
//! use smilepayz::signing::PlatformKeyPair;
//!
//! // In a test, sign a callback as the platform would; in production the key is the
//! // platform public key Smilepayz gives you, and the request comes from your web framework.
//! let platform = PlatformKeyPair::generate()?;
//! let body = br#"{"orderNo":"S20001A1B2C3","tradeNo":"T111200242404100829509916","merchantId":"sandbox-20001","merchantName":"Shop","paymentMethod":"QRPAY","transactionTime":"2024-04-10T08:45:32","status":"SUCCESS","money":{"currency":"THB","amount":100.50}}"#;
//! let signed = testing::sign(&platform, body, 7 * 3600)?;
//!
//! let verifier = CallbackVerifier::new(platform.public.clone());
//! let verified = verifier.verify::<serde_json::Value>(signed.headers(), body, SystemTime::now())?;
//! assert_eq!(verified.trade_no, "T111200242404100829509916");
//! assert_eq!(verified.notification["status"], "SUCCESS");
//! assert_eq!(SUCCESS_REPLY, "SUCCESS");
//!
//! // A changed body that keeps the signature still verifies (only tradeNo is signed), which
//! // is why the status must be confirmed with inquiry-status; another tradeNo does not.
//! let forged = String::from_utf8_lossy(body).replace("T1112", "T9999");
//! assert!(verifier.verify::<serde_json::Value>(signed.headers(), forged.as_bytes(), SystemTime::now()).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;

use crate::signing::{PlatformPublicKey, verify_callback};
use crate::timestamp::{Timestamp, TimestampError};

/// What the merchant answers a callback it accepted: HTTP 200 with exactly this body. Any
/// other answer makes the gateway deliver the notification again.
pub const SUCCESS_REPLY: &str = "SUCCESS";

/// How far `X-TIMESTAMP` may be from the merchant's clock, by default: the gateway's own
/// tolerance for requests.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The header that carries the platform's signature.
pub const SIGNATURE_HEADER: &str = "X-SIGNATURE";
/// The header that carries the time the platform signed.
pub const TIMESTAMP_HEADER: &str = "X-TIMESTAMP";
/// The body field the platform signs (with `X-TIMESTAMP`).
pub const SIGNED_FIELD: &str = "tradeNo";

/// Verifies callbacks with the platform public key.
#[derive(Debug, Clone)]
pub struct CallbackVerifier {
    key: PlatformPublicKey,
    tolerance: Option<Duration>,
}

/// A callback that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified<N> {
    /// The typed notification.
    pub notification: N,
    /// The `tradeNo` that was signed: the key to make handling idempotent.
    pub trade_no: String,
    /// The `X-TIMESTAMP` that was signed.
    pub timestamp: Timestamp,
}

/// Why a callback was refused: which check failed. Answer anything but `SUCCESS` (for
/// example HTTP 401 for a bad signature, 400 otherwise); never act on the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// A header the platform always sends is missing.
    #[error("the callback has no {0} header")]
    MissingHeader(&'static str),
    /// A header is not text.
    #[error("the callback's {0} header is not UTF-8 text")]
    HeaderNotText(&'static str),
    /// The body is not JSON, or has no string `tradeNo`.
    #[error("the callback body cannot be checked: {0}")]
    Body(String),
    /// The signature does not verify with the platform public key.
    #[error(
        "X-SIGNATURE does not verify over tradeNo {trade_no:?} and X-TIMESTAMP {timestamp:?} with \
         the platform public key: the callback was not signed by this platform key (check that \
         the key is the one for this environment), or the tradeNo or timestamp were changed"
    )]
    BadSignature {
        /// The `tradeNo` read from the body.
        trade_no: String,
        /// The `X-TIMESTAMP` header.
        timestamp: String,
    },
    /// `X-TIMESTAMP` is not a timestamp.
    #[error("{0}")]
    BadTimestamp(TimestampError),
    /// `X-TIMESTAMP` is too far from the merchant's clock: a replay, or a clock that is off.
    #[error(
        "X-TIMESTAMP {timestamp} is {off_by_seconds} s away from this machine's clock, more than \
         the {tolerance_seconds} s allowed: a replayed callback, or a wrong clock here"
    )]
    Stale {
        /// The `X-TIMESTAMP` header.
        timestamp: String,
        /// How far it is from `now`.
        off_by_seconds: u64,
        /// The tolerance.
        tolerance_seconds: u64,
    },
    /// Signed correctly, but the body does not match the notification type (for example an
    /// amount in another currency than the region's).
    #[error("the callback is signed correctly but does not read as this notification: {0}")]
    Decode(String),
}

impl CallbackError {
    /// The HTTP status to answer the platform with: 401 when the signature, the timestamp or
    /// a header they need does not hold, 400 otherwise. Never 200, so the platform delivers
    /// the callback again.
    #[must_use]
    pub fn http_status(&self) -> u16 {
        match self {
            CallbackError::BadSignature { .. }
            | CallbackError::Stale { .. }
            | CallbackError::BadTimestamp(_)
            | CallbackError::MissingHeader(_)
            | CallbackError::HeaderNotText(_) => 401,
            _ => 400,
        }
    }
}

impl CallbackVerifier {
    /// A verifier with the default 5-minute clock tolerance.
    #[must_use]
    pub fn new(key: PlatformPublicKey) -> Self {
        Self {
            key,
            tolerance: Some(DEFAULT_TOLERANCE),
        }
    }

    /// Sets how far `X-TIMESTAMP` may be from `now`, either way.
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// Verifies the signature only, not the clock: for replaying stored callbacks and for
    /// tests with fixed timestamps.
    #[must_use]
    pub fn without_clock_check(mut self) -> Self {
        self.tolerance = None;
        self
    }

    /// Checks a callback and decodes it as `N` (a generated notification type, or
    /// `serde_json::Value`). Header names are matched without regard to case.
    ///
    /// # Errors
    /// The first check that failed, as a [`CallbackError`].
    pub fn verify<N: DeserializeOwned>(
        &self,
        headers: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<[u8]>)>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified<N>, CallbackError> {
        self.verify_with(headers, body, now, |body| {
            serde_json::from_slice(body).map_err(|e| e.to_string())
        })
    }

    /// Checks a callback as [`verify`](Self::verify) does and decodes it as the notification
    /// of `region`, chosen at run time: `N` is a generated `Any…Notification` (for example
    /// `endpoints::pay_in::AnyPayInNotification`), for a service whose region comes from
    /// configuration.
    ///
    /// # Errors
    /// The first check that failed, as a [`CallbackError`]; [`CallbackError::Decode`] when the
    /// body is not the region's notification.
    pub fn verify_in<N: crate::FromRegionJson>(
        &self,
        region: crate::Region,
        headers: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<[u8]>)>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified<N>, CallbackError> {
        self.verify_with(headers, body, now, |body| {
            N::from_region_json(region, body).map_err(|e| e.to_string())
        })
    }

    /// The checks, then `decode` of the body.
    fn verify_with<N>(
        &self,
        headers: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<[u8]>)>,
        body: &[u8],
        now: SystemTime,
        decode: impl FnOnce(&[u8]) -> Result<N, String>,
    ) -> Result<Verified<N>, CallbackError> {
        let (trade_no, timestamp) = self.check(headers, body, now)?;
        let notification = decode(body).map_err(CallbackError::Decode)?;
        Ok(Verified {
            notification,
            trade_no,
            timestamp,
        })
    }

    /// The signature and clock checks: the signed `tradeNo` and the X-TIMESTAMP.
    fn check(
        &self,
        headers: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<[u8]>)>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(String, Timestamp), CallbackError> {
        let mut signature = None;
        let mut timestamp = None;
        for (name, value) in headers {
            let name = name.as_ref();
            let slot = if name.eq_ignore_ascii_case(SIGNATURE_HEADER) {
                &mut signature
            } else if name.eq_ignore_ascii_case(TIMESTAMP_HEADER) {
                &mut timestamp
            } else {
                continue;
            };
            let header = if name.eq_ignore_ascii_case(SIGNATURE_HEADER) {
                SIGNATURE_HEADER
            } else {
                TIMESTAMP_HEADER
            };
            *slot = Some(
                std::str::from_utf8(value.as_ref())
                    .map_err(|_| CallbackError::HeaderNotText(header))?
                    .trim()
                    .to_owned(),
            );
        }
        let signature = signature.ok_or(CallbackError::MissingHeader(SIGNATURE_HEADER))?;
        let timestamp = timestamp.ok_or(CallbackError::MissingHeader(TIMESTAMP_HEADER))?;
        let trade_no = signed_trade_no(body)?;
        if !verify_callback(&self.key, &trade_no, &timestamp, &signature) {
            return Err(CallbackError::BadSignature {
                trade_no,
                timestamp,
            });
        }
        let parsed = Timestamp::parse(&timestamp).map_err(CallbackError::BadTimestamp)?;
        if let Some(tolerance) = self.tolerance {
            let off_by = parsed.distance_from(now);
            if off_by > tolerance {
                return Err(CallbackError::Stale {
                    timestamp,
                    off_by_seconds: off_by.as_secs(),
                    tolerance_seconds: tolerance.as_secs(),
                });
            }
        }
        Ok((trade_no, parsed))
    }
}

/// The `tradeNo` of a raw callback body, as the platform signed it.
fn signed_trade_no(body: &[u8]) -> Result<String, CallbackError> {
    #[derive(serde::Deserialize)]
    struct Signed {
        #[serde(rename = "tradeNo")]
        trade_no: Option<serde_json::Value>,
    }
    let signed: Signed = serde_json::from_slice(body)
        .map_err(|e| CallbackError::Body(format!("it is not a JSON object ({e})")))?;
    match signed.trade_no {
        Some(serde_json::Value::String(trade_no)) => Ok(trade_no),
        Some(_) => Err(CallbackError::Body(format!(
            "`{SIGNED_FIELD}` is not a string"
        ))),
        None => Err(CallbackError::Body(format!(
            "it has no `{SIGNED_FIELD}`, the field the platform signs"
        ))),
    }
}

/// Signing callbacks as the platform does, for merchants' tests of their handlers.
pub mod testing {
    use std::time::SystemTime;

    use crate::signing::{PlatformKeyPair, SignError};
    use crate::timestamp::Timestamp;

    use super::{CallbackError, SIGNATURE_HEADER, TIMESTAMP_HEADER, signed_trade_no};

    /// A callback's headers, as the platform sends them.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct SignedCallback {
        /// `X-TIMESTAMP`.
        pub timestamp: String,
        /// `X-SIGNATURE`.
        pub signature: String,
    }

    impl SignedCallback {
        /// The headers as name and value pairs (`Content-Type`, `X-TIMESTAMP`,
        /// `X-SIGNATURE`), ready for [`super::CallbackVerifier::verify`] or an HTTP client.
        #[must_use]
        pub fn headers(&self) -> [(&'static str, &str); 3] {
            [
                ("Content-Type", "application/json"),
                (TIMESTAMP_HEADER, self.timestamp.as_str()),
                (SIGNATURE_HEADER, self.signature.as_str()),
            ]
        }
    }

    /// Why a test callback could not be signed.
    #[derive(Debug, thiserror::Error)]
    #[non_exhaustive]
    pub enum TestSignError {
        /// The body has no string `tradeNo` to sign.
        #[error("{0}")]
        Body(CallbackError),
        /// The crypto library failed.
        #[error("{0}")]
        Sign(SignError),
    }

    /// Signs `body` now, with `X-TIMESTAMP` in the region's offset (seconds east of UTC,
    /// e.g. `7 * 3600` for THB).
    ///
    /// # Errors
    /// [`TestSignError`] if the body has no string `tradeNo`, or signing fails.
    pub fn sign(
        platform: &PlatformKeyPair,
        body: &[u8],
        offset_seconds: i32,
    ) -> Result<SignedCallback, TestSignError> {
        sign_at(
            platform,
            body,
            Timestamp::at(SystemTime::now(), offset_seconds),
        )
    }

    /// Signs `body` with the given `X-TIMESTAMP`.
    ///
    /// # Errors
    /// As [`sign`].
    pub fn sign_at(
        platform: &PlatformKeyPair,
        body: &[u8],
        timestamp: Timestamp,
    ) -> Result<SignedCallback, TestSignError> {
        let trade_no = signed_trade_no(body).map_err(TestSignError::Body)?;
        let timestamp = timestamp.to_string();
        let signature = platform
            .sign_callback(&trade_no, &timestamp)
            .map_err(TestSignError::Sign)?;
        Ok(SignedCallback {
            timestamp,
            signature,
        })
    }
}
