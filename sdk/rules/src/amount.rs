//! Exact decimal amounts: what every amount of money is, in the SDK and in the rules.
//!
//! The gateway sends amounts as strings (`"250000"`, `"12.50"`) and the documentation does not
//! agree on their scale, so an [`Amount`] keeps exactly the digits it was given: it is never a
//! float and never rescaled. `"12.50"` stays `12.50` (scale 2), and prints back the same.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// The most digits an [`Amount`] keeps; more than any balance needs, and what fits in `i128`.
pub const MAX_DIGITS: usize = 38;

/// An exact decimal: `units × 10^-scale`, with the scale it was written with.
///
/// Equality, hashing and ordering are by value: `12.5`, `12.50` and `012.500` are equal (and
/// hash alike), while each keeps its own text for display and for writing it back.
#[derive(Debug, Clone, Copy)]
pub struct Amount {
    units: i128,
    scale: u8,
    /// Zeros written before the whole part beyond the one digit it needs (2 for `"007"`), and
    /// whether a zero was written with a minus sign (`"-0.00"`): kept so that an amount prints
    /// back exactly as it was read.
    leading_zeros: u8,
    negative_zero: bool,
}

/// Why a string is not an [`Amount`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AmountError {
    /// The string is empty.
    #[error("the amount is empty; expected digits such as \"250000\" or \"12.50\"")]
    Empty,
    /// The string is not a plain decimal.
    #[error(
        "the amount {0:?} is not a plain decimal; expected digits with an optional '-' and one '.', such as \"250000\" or \"12.50\" (no exponent, spaces, '+' or thousands separators)"
    )]
    NotDecimal(String),
    /// The string has more digits than an amount keeps.
    #[error("the amount {0:?} has more than 38 digits")]
    TooLong(String),
    /// An amount for a request is zero or negative.
    #[error(
        "the amount {0} is not more than 0; a pay-in or pay-out carries a positive amount (to send money back, make a pay-out of it)"
    )]
    NotPositive(String),
}

impl Amount {
    /// An amount of `units × 10^-scale`, e.g. `Amount::new(1250, 2)` is 12.50.
    pub const fn new(units: i128, scale: u8) -> Self {
        Amount {
            units,
            scale,
            leading_zeros: 0,
            negative_zero: false,
        }
    }

    /// The amount in units of `10^-scale`: 1250 for 12.50.
    pub const fn units(self) -> i128 {
        self.units
    }

    /// How many decimal places the amount was written with: 2 for 12.50.
    pub const fn scale(self) -> u8 {
        self.scale
    }

    /// Whether the amount is below zero.
    pub const fn is_negative(self) -> bool {
        self.units < 0
    }

    /// Whether the two amounts are the same number, whatever their scales (12.5 and 12.50);
    /// the same as `==`.
    pub fn same_value(self, other: Amount) -> bool {
        self == other
    }

    /// Compares two amounts by value, whatever their scales (always `Some`; kept for callers
    /// of the earlier fallible version). The same as [`Ord::cmp`].
    pub fn compare(self, other: Amount) -> Option<std::cmp::Ordering> {
        Some(self.cmp(&other))
    }

    /// The same value at its smallest scale: `12.50` → (1250 → 125, 1).
    fn normalized(self) -> (i128, u8) {
        let (mut units, mut scale) = (self.units, self.scale);
        while scale > 0 && units % 10 == 0 {
            units /= 10;
            scale -= 1;
        }
        (units, scale)
    }

    /// The sum, at the larger of the two scales; `None` if it has more than 38 digits.
    #[must_use]
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        let scale = self.scale.max(other.scale);
        let units = self.rescaled(scale)?.checked_add(other.rescaled(scale)?)?;
        Amount::fits(units).then(|| Amount::new(units, scale))
    }

    /// The difference, at the larger of the two scales; `None` if it has more than 38 digits.
    #[must_use]
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        let scale = self.scale.max(other.scale);
        let units = self.rescaled(scale)?.checked_sub(other.rescaled(scale)?)?;
        Amount::fits(units).then(|| Amount::new(units, scale))
    }

    /// The amount as a whole number of `10^-scale` units (minor units at `scale`: 12.5 at
    /// scale 2 is 1250); `None` if it has more decimal places than `scale` (that would round)
    /// or does not fit.
    #[must_use]
    pub fn to_units_at(self, scale: u8) -> Option<i128> {
        let (units, own) = self.normalized();
        let factor = 10i128.checked_pow(u32::from(scale.checked_sub(own)?))?;
        units.checked_mul(factor).filter(|u| Amount::fits(*u))
    }

    /// Whether a units count has at most [`MAX_DIGITS`] digits.
    fn fits(units: i128) -> bool {
        units.unsigned_abs() < 10u128.pow(MAX_DIGITS as u32)
    }

    /// The amount as a JSON number: its digits without leading zeros, never through a float.
    pub fn json_number(self) -> String {
        // Exactly as long as it needs to be: the raw value keeps it without reallocating.
        let mut buffer = [0u8; DIGITS_BUFFER];
        String::from(Amount::new(self.units, self.scale).digits(&mut buffer))
    }

    /// Appends the amount as a JSON number, as [`Self::json_number`] writes it.
    ///
    /// For the SDK's JSON writers; hidden, as it is not part of the API kept stable.
    #[doc(hidden)]
    pub fn write_json_number(self, out: &mut Vec<u8>) {
        let mut buffer = [0u8; DIGITS_BUFFER];
        out.extend_from_slice(
            Amount::new(self.units, self.scale)
                .digits(&mut buffer)
                .as_bytes(),
        );
    }

    /// Appends the amount's text, as [`Display`](fmt::Display) writes it, without
    /// allocating.
    ///
    /// For the SDK's JSON writers; hidden, as it is not part of the API kept stable.
    #[doc(hidden)]
    pub fn write_text(self, out: &mut Vec<u8>) {
        let mut buffer = [0u8; DIGITS_BUFFER];
        out.extend_from_slice(self.digits(&mut buffer).as_bytes());
    }

    /// The amount's text, written right to left into `buffer`: the fraction's digits, the
    /// point, the whole part (at least one digit), the kept leading zeros and the sign.
    fn digits(self, buffer: &mut [u8; DIGITS_BUFFER]) -> &str {
        let mut at = buffer.len();
        let mut units = self.units.unsigned_abs();
        let mut push = |byte: u8, at: &mut usize| {
            *at -= 1;
            buffer[*at] = byte;
        };
        for _ in 0..self.scale {
            push(b'0' + (units % 10) as u8, &mut at);
            units /= 10;
        }
        if self.scale > 0 {
            push(b'.', &mut at);
        }
        loop {
            push(b'0' + (units % 10) as u8, &mut at);
            units /= 10;
            if units == 0 {
                break;
            }
        }
        for _ in 0..self.leading_zeros {
            push(b'0', &mut at);
        }
        if self.units < 0 || self.negative_zero {
            push(b'-', &mut at);
        }
        // Only ASCII digits, '.' and '-' were written.
        std::str::from_utf8(&buffer[at..]).unwrap_or_default()
    }

    /// The units at a larger scale, or `None` on overflow. Never loses digits.
    fn rescaled(self, scale: u8) -> Option<i128> {
        let factor = 10i128.checked_pow(u32::from(scale.checked_sub(self.scale)?))?;
        self.units.checked_mul(factor)
    }
}

impl PartialEq for Amount {
    fn eq(&self, other: &Self) -> bool {
        self.normalized() == other.normalized()
    }
}

impl Eq for Amount {}

impl std::hash::Hash for Amount {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.normalized().hash(state);
    }
}

impl PartialOrd for Amount {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Amount {
    /// By value, exactly, for any two amounts (no rescaling that could overflow): whole parts
    /// first, then the fractions at a common scale (each fraction is below `10^38`).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let (a, b) = (self.normalized(), other.normalized());
        // 10^38 is the largest power of ten an i128 holds: past that scale (only
        // `Amount::new` makes one), compare the digits instead.
        if a.1 > 38 || b.1 > 38 {
            return compare_digits(a, b);
        }
        let pow = |scale: u8| 10i128.pow(u32::from(scale));
        let (whole_a, frac_a) = (a.0 / pow(a.1), a.0 % pow(a.1));
        let (whole_b, frac_b) = (b.0 / pow(b.1), b.0 % pow(b.1));
        let scale = a.1.max(b.1);
        whole_a
            .cmp(&whole_b)
            .then_with(|| (frac_a * pow(scale - a.1)).cmp(&(frac_b * pow(scale - b.1))))
    }
}

/// Two normalized amounts compared by their decimal digits: by sign, then by where the
/// leading digit sits, then digit by digit. Exact at any scale; slower than arithmetic.
fn compare_digits((a, scale_a): (i128, u8), (b, scale_b): (i128, u8)) -> std::cmp::Ordering {
    let by_sign = a.signum().cmp(&b.signum());
    if by_sign.is_ne() || a == 0 {
        return by_sign;
    }
    let (digits_a, digits_b) = (a.unsigned_abs().to_string(), b.unsigned_abs().to_string());
    // The leading digit's place: digits before the point, zero or less below 1.
    let place = |digits: &str, scale: u8| digits.len() as i64 - i64::from(scale);
    let magnitude = place(&digits_a, scale_a)
        .cmp(&place(&digits_b, scale_b))
        // Same place: the digits in order; with no trailing zeros past the point, the
        // longer of two where one begins the other is the larger.
        .then_with(|| digits_a.as_bytes().cmp(digits_b.as_bytes()));
    if a < 0 {
        magnitude.reverse()
    } else {
        magnitude
    }
}

impl FromStr for Amount {
    type Err = AmountError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(AmountError::Empty);
        }
        let bytes = text.as_bytes();
        let negative = bytes[0] == b'-';
        let digits = &bytes[usize::from(negative)..];
        // One pass: the digits before and after one '.', each part at least one digit.
        let mut units: u128 = 0;
        let mut whole_len = 0usize;
        let mut fraction_len = 0usize;
        let mut point = false;
        for &b in digits {
            match b {
                b'0'..=b'9' => {
                    if whole_len + fraction_len >= MAX_DIGITS {
                        // Too long, if the rest is digits; checked below.
                        whole_len += usize::from(!point);
                        fraction_len += usize::from(point);
                        continue;
                    }
                    units = units * 10 + u128::from(b - b'0');
                    if point {
                        fraction_len += 1;
                    } else {
                        whole_len += 1;
                    }
                }
                b'.' if !point => point = true,
                _ => return Err(AmountError::NotDecimal(text.to_owned())),
            }
        }
        if whole_len == 0 || (point && fraction_len == 0) {
            return Err(AmountError::NotDecimal(text.to_owned()));
        }
        if whole_len + fraction_len > MAX_DIGITS {
            return Err(AmountError::TooLong(text.to_owned()));
        }
        let zeros = digits[..whole_len]
            .iter()
            .take_while(|&&b| b == b'0')
            .count();
        let significant = (whole_len - zeros).max(1);
        // At most 38 digits: below 10^38, so within i128.
        let units = units as i128;
        Ok(Amount {
            units: if negative { -units } else { units },
            scale: fraction_len as u8,
            leading_zeros: (whole_len - significant) as u8,
            negative_zero: negative && units == 0,
        })
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buffer = [0u8; DIGITS_BUFFER];
        f.write_str(self.digits(&mut buffer))
    }
}

/// Room for an amount's text: 39 digits, 255 kept leading zeros, a point and a sign.
const DIGITS_BUFFER: usize = 300;

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AmountVisitor;
        impl Visitor<'_> for AmountVisitor {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount as a string of digits, such as \"250000\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(AmountVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_keep_their_digits_and_scale() {
        for text in [
            "250000",
            "0",
            "12.50",
            "-3.0001",
            "0.05",
            "99999999999999999999999999999999999999",
            "007",
            "00.50",
            "-0",
            "-0.00",
        ] {
            let amount: Amount = text.parse().unwrap();
            assert_eq!(amount.to_string(), text);
        }
        let a: Amount = "12.50".parse().unwrap();
        assert_eq!((a.units(), a.scale()), (1250, 2));
        assert!(a.same_value("12.5".parse().unwrap()));
        // Equal by value, different in text.
        assert_eq!(a, "12.5".parse().unwrap());
        assert_ne!(a.to_string(), "12.5");
    }

    #[test]
    fn amounts_past_scale_38_compare_by_value_without_overflow() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let tiny = Amount::new(1, 39);
        assert_eq!(tiny.cmp(&Amount::new(1, 38)), Less);
        assert_eq!(tiny.cmp(&Amount::new(0, 0)), Greater);
        assert_eq!(tiny.cmp(&Amount::new(10, 40)), Equal);
        assert_eq!(Amount::new(-1, 40).cmp(&Amount::new(-1, 39)), Greater);
        assert_eq!(Amount::new(i128::MAX, 255).cmp(&Amount::new(1, 0)), Less);
        assert_eq!(
            Amount::new(i128::MIN, 200).cmp(&Amount::new(i128::MAX, 200)),
            Less
        );
        assert_eq!(Amount::new(5, 200).cmp(&Amount::new(-5, 0)), Greater);
        // The digit comparison agrees with the arithmetic one wherever both apply.
        let values = [
            0,
            1,
            -1,
            5,
            9,
            10,
            11,
            99,
            100,
            101,
            1_234_567,
            -1_234_567,
            10_000_000_000_000,
            i128::MAX / 10,
            -(i128::MAX / 10),
        ];
        for &u in &values {
            for &v in &values {
                for su in [0u8, 1, 2, 7, 20, 37, 38] {
                    for sv in [0u8, 1, 3, 8, 19, 38] {
                        let (a, b) = (Amount::new(u, su), Amount::new(v, sv));
                        assert_eq!(
                            compare_digits(a.normalized(), b.normalized()),
                            a.cmp(&b),
                            "{a} against {b}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn anything_but_a_plain_decimal_is_refused() {
        for text in [
            "", "1e5", "1.", ".5", "+1", " 1", "1,000", "NaN", "1.2.3", "--1", "١٢",
        ] {
            assert!(text.parse::<Amount>().is_err(), "{text:?} was accepted");
        }
        assert!(matches!(
            "123456789012345678901234567890123456789".parse::<Amount>(),
            Err(AmountError::TooLong(_))
        ));
    }
}
