//! Order numbers: the merchant's own id of a pay-in or pay-out, and its idempotency key.
//!
//! The gateway takes 6 to 32 ASCII letters and digits, unique per merchant. In the sandbox
//! (merchant ids `sandbox-<id>`) the docs' test site also asks that it start with `S<id>`, and
//! in production with `<id>`; [`OrderNo::generate`] follows that rule, which satisfies both
//! versions of the docs.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The fewest characters an order number has.
pub const MIN_LEN: usize = 6;
/// The most characters an order number has.
pub const MAX_LEN: usize = 32;

/// An order number that the gateway accepts: 6 to 32 ASCII letters and digits.
///
/// ```
/// use smilepayz::OrderNo;
///
/// let order: OrderNo = "S20001A1B2C3".parse()?;
/// assert_eq!(order.as_str(), "S20001A1B2C3");
/// assert!("S20001-1".parse::<OrderNo>().is_err());
///
/// // Sandbox merchant ids give the S<id> prefix, production ids the id itself.
/// assert!(OrderNo::generate("sandbox-20001")?.as_str().starts_with("S20001"));
/// assert!(OrderNo::generate("20001")?.as_str().starts_with("20001"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct OrderNo(String);

/// Why a text is not an order number, or none can be made from a merchant id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OrderNoError {
    /// Too short or too long.
    #[error("an order number has 6 to 32 characters; this one has {0}")]
    Length(usize),
    /// A character that is not an ASCII letter or digit.
    #[error(
        "an order number holds only ASCII letters and digits; character {position} is not one \
         (remove dashes, spaces and underscores)"
    )]
    Character {
        /// Its position, from 1.
        position: usize,
    },
    /// The merchant id cannot start an order number.
    #[error(
        "merchant id {0:?} cannot prefix an order number: after `sandbox-` it must be 1 to 20 \
         ASCII letters and digits"
    )]
    MerchantId(String),
}

impl OrderNo {
    /// Checks `text` as an order number.
    ///
    /// # Errors
    /// [`OrderNoError::Length`] or [`OrderNoError::Character`].
    pub fn new(text: impl Into<String>) -> Result<Self, OrderNoError> {
        let text = text.into();
        let len = text.chars().count();
        if !(MIN_LEN..=MAX_LEN).contains(&len) {
            return Err(OrderNoError::Length(len));
        }
        if let Some(position) = text.chars().position(|c| !c.is_ascii_alphanumeric()) {
            return Err(OrderNoError::Character {
                position: position + 1,
            });
        }
        Ok(Self(text))
    }

    /// A new, unique order number for this merchant: the prefix the gateway's sandbox rule
    /// asks for (`S20001` for `sandbox-20001`, `20001` for `20001`), then the time in
    /// milliseconds and a per-process counter, then random letters and digits up to 32
    /// characters.
    ///
    /// # Errors
    /// [`OrderNoError::MerchantId`] if the merchant id is not `sandbox-` (optional) followed
    /// by 1 to 20 ASCII letters and digits.
    pub fn generate(merchant_id: &str) -> Result<Self, OrderNoError> {
        let prefix = prefix(merchant_id)?;
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut text = format!("{prefix}{}{}", base36(millis), base36(u128::from(count)));
        let mut random = [0u8; MAX_LEN];
        // Without the system's randomness the time and counter still make it unique in this
        // process; the random tail only guards against other processes.
        let _ = aws_lc_rs::rand::fill(&mut random);
        for byte in random {
            if text.len() >= MAX_LEN {
                break;
            }
            text.push(char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]));
        }
        text.truncate(MAX_LEN);
        Self::new(text)
    }

    /// The order number as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn base36(mut n: u128) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(ALPHABET[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().map(|&b| char::from(b)).collect()
}

/// The order-number prefix for a merchant id: `sandbox-20001` gives `S20001`.
fn prefix(merchant_id: &str) -> Result<String, OrderNoError> {
    let (sandbox, id) = match merchant_id.strip_prefix("sandbox-") {
        Some(id) => (true, id),
        None => (false, merchant_id),
    };
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(OrderNoError::MerchantId(
            merchant_id.chars().take(40).collect(),
        ));
    }
    Ok(if sandbox {
        format!("S{id}")
    } else {
        id.to_owned()
    })
}

impl FromStr for OrderNo {
    type Err = OrderNoError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(text)
    }
}

impl fmt::Display for OrderNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for OrderNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrderNo({:?})", self.0)
    }
}

impl AsRef<str> for OrderNo {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<OrderNo> for String {
    fn from(order: OrderNo) -> Self {
        order.0
    }
}

impl<'de> serde::Deserialize<'de> for OrderNo {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::new(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_numbers_are_valid_unique_and_prefixed() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let order = OrderNo::generate("sandbox-20001").expect("generates");
            assert!(order.as_str().starts_with("S20001"), "{order}");
            assert_eq!(order.as_str().len(), MAX_LEN);
            assert!(OrderNo::new(order.as_str()).is_ok());
            assert!(seen.insert(order), "repeated");
        }
        let long = OrderNo::generate("12345678901234567890").expect("a 20-character id fits");
        assert!(long.as_str().starts_with("12345678901234567890"));
    }

    #[test]
    fn bad_texts_and_merchant_ids_are_refused_with_the_reason() {
        assert_eq!(OrderNo::new("abc"), Err(OrderNoError::Length(3)));
        assert_eq!(OrderNo::new("x".repeat(33)), Err(OrderNoError::Length(33)));
        assert_eq!(
            OrderNo::new("ab-cdef"),
            Err(OrderNoError::Character { position: 3 })
        );
        assert_eq!(
            OrderNo::new("abcdeé"),
            Err(OrderNoError::Character { position: 6 })
        );
        for id in [
            "",
            "sandbox-",
            "sandbox-20-01",
            "id with space",
            &"9".repeat(21),
        ] {
            assert!(
                matches!(OrderNo::generate(id), Err(OrderNoError::MerchantId(_))),
                "{id:?}"
            );
        }
        assert!(serde_json::from_str::<OrderNo>("\"ab\"").is_err());
        assert_eq!(
            serde_json::from_str::<OrderNo>("\"S20001A1\"")
                .ok()
                .map(String::from),
            Some("S20001A1".to_owned())
        );
    }
}
