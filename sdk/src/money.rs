//! Money: an exact decimal amount in a region's currency.
//!
//! The gateway sends amounts as strings (`"250000"`, `"12.50"`) and the documentation does not
//! agree on their scale, so an [`Amount`] keeps exactly the digits it was given: it is never a
//! float and never rescaled. `"12.50"` stays `12.50` (scale 2), and prints back the same.
//! [`Amount`] itself lives in `smilepayz-rules`, which the generator shares, so the SDK and
//! the spec's examples check read amounts with one reader.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};

pub use smilepayz_rules::{Amount, AmountError, MAX_DIGITS};

use crate::{Region, RegionSpec};

/// An amount in region `R`'s currency, as the gateway writes it:
/// `{"currency": "THB", "value": "250000"}`.
///
/// Reading one whose currency is not the region's is an error, not a silent value: a THB
/// response that says USD is rejected.
pub struct Money<R> {
    value: Amount,
    region: PhantomData<fn() -> R>,
}

impl<R: RegionSpec> Money<R> {
    /// An amount in the region's currency.
    pub const fn new(value: Amount) -> Self {
        Money {
            value,
            region: PhantomData,
        }
    }

    /// The amount, exactly as the gateway wrote it.
    pub const fn value(&self) -> Amount {
        self.value
    }

    /// The currency: always the region's.
    pub const fn currency(&self) -> &'static str {
        R::INFO.currency
    }
}

impl<R> Clone for Money<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Money<R> {}

impl<R> PartialEq for Money<R> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<R> Eq for Money<R> {}

impl<R> std::hash::Hash for Money<R> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<R> PartialOrd for Money<R> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<R> Ord for Money<R> {
    /// By value (`12.5` and `12.50` are equal); the currency is the region's for both.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<R: RegionSpec> Money<R> {
    /// The sum; `None` if it has more than 38 digits. Both are in the region's currency, by
    /// their type.
    #[must_use]
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.value.checked_add(other.value).map(Self::new)
    }

    /// The difference (it may be negative); `None` if it has more than 38 digits.
    #[must_use]
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.value.checked_sub(other.value).map(Self::new)
    }

    /// The amount in the region's minor units, by its money format's scale (THB `#.##`:
    /// 100.50 is 10050; USDT `#.####`: 1.5 is 15000); `None` if it has more decimal places
    /// than the format (it would have to be rounded) or does not fit.
    #[must_use]
    pub fn to_minor_units(&self) -> Option<i128> {
        self.value.to_units_at(R::INFO.money_scale)
    }

    /// An amount from the region's minor units (THB: 10050 is 100.50), written at the money
    /// format's scale.
    #[must_use]
    pub fn from_minor_units(units: i128) -> Self {
        Self::new(Amount::new(units, R::INFO.money_scale))
    }
}

impl<R: RegionSpec> fmt::Debug for Money<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} {})", R::INFO.currency, self.value)
    }
}

impl<R: RegionSpec> fmt::Display for Money<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, R::INFO.currency)
    }
}

impl<R: RegionSpec> Serialize for Money<R> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Money", 2)?;
        s.serialize_field("currency", R::INFO.currency)?;
        s.serialize_field("value", &self.value)?;
        s.end()
    }
}

impl<R: RegionSpec> crate::json::WriteJson for Money<R> {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"currency\":");
        crate::json::write_str(out, R::INFO.currency);
        out.extend_from_slice(b",\"value\":");
        // Digits, a point and a sign: nothing a JSON string escapes.
        out.push(b'"');
        self.value.write_text(out);
        out.push(b'"');
        out.push(b'}');
    }
}

impl<'de, R: RegionSpec> Deserialize<'de> for Money<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MoneyVisitor<R>(PhantomData<fn() -> R>);
        impl<'de, R: RegionSpec> Visitor<'de> for MoneyVisitor<R> {
            type Value = Money<R>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "money as {{\"currency\": \"{}\", \"value\": \"…\"}}",
                    R::INFO.currency
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Money<R>, A::Error> {
                // Keys are matched and the currency compared as they are read, without
                // allocating a String for either (every response holds two Money values).
                let mut currency = false;
                let mut value: Option<Amount> = None;
                while let Some(key) = map.next_key::<MoneyKey>()? {
                    match key {
                        MoneyKey::Currency if currency => {
                            return Err(de::Error::duplicate_field("currency"));
                        }
                        MoneyKey::Value if value.is_some() => {
                            return Err(de::Error::duplicate_field("value"));
                        }
                        MoneyKey::Currency => {
                            map.next_value_seed(RegionCurrency::<R>(PhantomData))?;
                            currency = true;
                        }
                        MoneyKey::Value => value = Some(map.next_value()?),
                        MoneyKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                if !currency {
                    return Err(de::Error::missing_field("currency"));
                }
                let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
                Ok(Money::new(value))
            }
        }
        deserializer.deserialize_map(MoneyVisitor(PhantomData))
    }
}

/// A key of a money object: `currency`, `value` or one that is ignored.
enum MoneyKey {
    Currency,
    Value,
    Other,
}

impl<'de> Deserialize<'de> for MoneyKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = MoneyKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a money field name")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<MoneyKey, E> {
                Ok(match key {
                    "currency" => MoneyKey::Currency,
                    "value" => MoneyKey::Value,
                    _ => MoneyKey::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Reads a money object's `currency` and checks that it is region `R`'s.
struct RegionCurrency<R>(PhantomData<fn() -> R>);

impl<'de, R: RegionSpec> de::DeserializeSeed<'de> for RegionCurrency<R> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<R: RegionSpec> Visitor<'_> for RegionCurrency<R> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, currency: &str) -> Result<(), E> {
        if currency == R::INFO.currency {
            return Ok(());
        }
        Err(E::custom(format_args!(
            "currency {currency:?} is not the {} region's currency {}; the response belongs to another region or is wrong",
            R::INFO.name,
            R::INFO.currency
        )))
    }
}

/// Reads a JSON number (or a string holding one) as an [`Amount`], from the number's own
/// digits: serde_json hands over the raw text, so no float is involved.
fn amount_from_json<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Amount, D::Error> {
    let raw: Box<serde_json::value::RawValue> = Deserialize::deserialize(deserializer)?;
    let text = raw.get();
    if text.starts_with('"') {
        let inner: String = serde_json::from_str(text).map_err(de::Error::custom)?;
        return inner.parse().map_err(de::Error::custom);
    }
    text.parse().map_err(|_| {
        de::Error::custom(format_args!(
            "{text} is not a plain decimal number (such as 10000 or 100.50; no exponent)"
        ))
    })
}

fn amount_to_json<S: Serializer>(amount: Amount, serializer: S) -> Result<S::Ok, S::Error> {
    let raw = serde_json::value::RawValue::from_string(amount.json_number())
        .map_err(serde::ser::Error::custom)?;
    raw.serialize(serializer)
}

/// An exact decimal written as a JSON number (`100.50`), for fields the spec types `decimal`.
///
/// It is read from the number's own digits and written from them, never through a float; a
/// string holding a decimal is accepted when reading, as some gateway versions send one.
/// (Serialization writes a raw JSON number, so it is meant for `serde_json`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Decimal(pub Amount);

impl From<Amount> for Decimal {
    fn from(amount: Amount) -> Self {
        Decimal(amount)
    }
}

impl FromStr for Decimal {
    type Err = AmountError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse().map(Decimal)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        amount_to_json(self.0, serializer)
    }
}

impl crate::json::WriteJson for Decimal {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) {
        self.0.write_json_number(out);
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        amount_from_json(deserializer).map(Decimal)
    }
}

/// An amount in region `R`'s currency as transactions carry it:
/// `{"currency": "THB", "amount": 10000.50}`, the amount a JSON number in the region's major
/// unit.
///
/// The amount is read from the number's own digits and written from them, never through a
/// float. Reading accepts the amount as a string too (a documented alternative); a currency
/// other than the region's is an error.
///
/// One you make ([`new`](Self::new), [`parse`](Self::parse),
/// [`from_minor_units`](Self::from_minor_units)) is always more than 0: a request never
/// carries a zero or negative amount. One read from the gateway keeps whatever it sent. In a
/// request, the amount is checked again before sending, with the region's limits and money
/// format (a THB amount with three decimals is refused), so a request read from JSON with a
/// negative amount is refused too.
pub struct TransactionMoney<R> {
    amount: Amount,
    region: PhantomData<fn() -> R>,
}

impl<R: RegionSpec> TransactionMoney<R> {
    /// An amount in the region's currency, for a request.
    ///
    /// # Errors
    /// [`AmountError::NotPositive`] when the amount is zero or negative.
    pub fn new(amount: Amount) -> Result<Self, AmountError> {
        if amount.units() > 0 {
            Ok(Self::unchecked(amount))
        } else {
            Err(AmountError::NotPositive(amount.to_string()))
        }
    }

    /// Any amount, as the gateway may send it, or as a run-time builder holds it until
    /// `build()` checks it.
    pub(crate) const fn unchecked(amount: Amount) -> Self {
        TransactionMoney {
            amount,
            region: PhantomData,
        }
    }

    /// An amount from its text, e.g. `"100.50"`.
    ///
    /// # Errors
    /// When the text is not a plain decimal, or not more than 0.
    pub fn parse(text: &str) -> Result<Self, AmountError> {
        Self::new(text.parse()?)
    }

    /// The amount, exactly as written.
    pub const fn amount(&self) -> Amount {
        self.amount
    }

    /// The currency: always the region's.
    pub const fn currency(&self) -> &'static str {
        R::INFO.currency
    }
}

impl<R> Clone for TransactionMoney<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for TransactionMoney<R> {}

impl<R> PartialEq for TransactionMoney<R> {
    fn eq(&self, other: &Self) -> bool {
        self.amount == other.amount
    }
}

impl<R> Eq for TransactionMoney<R> {}

impl<R> std::hash::Hash for TransactionMoney<R> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.amount.hash(state);
    }
}

impl<R> PartialOrd for TransactionMoney<R> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<R> Ord for TransactionMoney<R> {
    /// By value (`12.5` and `12.50` are equal); the currency is the region's for both.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.amount.cmp(&other.amount)
    }
}

impl<R: RegionSpec> TransactionMoney<R> {
    /// The sum; `None` if it has more than 38 digits or is not more than 0 (only amounts read
    /// from the gateway can be). Both are in the region's currency, by their type.
    #[must_use]
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.amount
            .checked_add(other.amount)
            .and_then(|sum| Self::new(sum).ok())
    }

    /// The difference; `None` if it is not more than 0 (a request cannot carry it) or has
    /// more than 38 digits. For a difference of any sign, subtract the [`amount`](Self::amount)s.
    #[must_use]
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.amount
            .checked_sub(other.amount)
            .and_then(|difference| Self::new(difference).ok())
    }

    /// The amount in the region's minor units, by its money format's scale (THB `#.##`:
    /// 100.50 is 10050; USDT `#.####`: 1.5 is 15000); `None` if it has more decimal places
    /// than the format (it would have to be rounded) or does not fit.
    #[must_use]
    pub fn to_minor_units(&self) -> Option<i128> {
        self.amount.to_units_at(R::INFO.money_scale)
    }

    /// An amount from the region's minor units (THB: 10050 is 100.50), written at the money
    /// format's scale.
    ///
    /// # Errors
    /// [`AmountError::NotPositive`] when `units` is zero or negative.
    pub fn from_minor_units(units: i128) -> Result<Self, AmountError> {
        Self::new(Amount::new(units, R::INFO.money_scale))
    }
}

impl<R: RegionSpec> fmt::Debug for TransactionMoney<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TransactionMoney({} {})", self.amount, R::INFO.currency)
    }
}

impl<R: RegionSpec> fmt::Display for TransactionMoney<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, R::INFO.currency)
    }
}

impl<R: RegionSpec> Serialize for TransactionMoney<R> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Number(Amount);
        impl Serialize for Number {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                amount_to_json(self.0, serializer)
            }
        }
        let mut s = serializer.serialize_struct("TransactionMoney", 2)?;
        s.serialize_field("currency", R::INFO.currency)?;
        s.serialize_field("amount", &Number(self.amount))?;
        s.end()
    }
}

impl<R: RegionSpec> crate::json::WriteJson for TransactionMoney<R> {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"currency\":");
        crate::json::write_str(out, R::INFO.currency);
        out.extend_from_slice(b",\"amount\":");
        self.amount.write_json_number(out);
        out.push(b'}');
    }
}

impl<'de, R: RegionSpec> Deserialize<'de> for TransactionMoney<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Number(Amount);
        impl<'de> Deserialize<'de> for Number {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                amount_from_json(deserializer).map(Number)
            }
        }
        struct MoneyVisitor<R>(PhantomData<fn() -> R>);
        impl<'de, R: RegionSpec> Visitor<'de> for MoneyVisitor<R> {
            type Value = TransactionMoney<R>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "money as {{\"currency\": \"{}\", \"amount\": …}}",
                    R::INFO.currency
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut currency = false;
                let mut amount: Option<Amount> = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "currency" if currency => {
                            return Err(de::Error::duplicate_field("currency"));
                        }
                        "amount" if amount.is_some() => {
                            return Err(de::Error::duplicate_field("amount"));
                        }
                        "currency" => {
                            map.next_value_seed(RegionCurrency::<R>(PhantomData))?;
                            currency = true;
                        }
                        "amount" => amount = Some(map.next_value::<Number>()?.0),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                if !currency {
                    return Err(de::Error::missing_field("currency"));
                }
                let amount = amount.ok_or_else(|| de::Error::missing_field("amount"))?;
                // What the gateway sent, whatever its sign: a request read this way is checked
                // (amount more than 0) before it is sent.
                Ok(TransactionMoney::unchecked(amount))
            }
        }
        deserializer.deserialize_map(MoneyVisitor(PhantomData))
    }
}

/// Money of a region's type, as the generated request checks read it.
pub(crate) trait TypedMoney: Serialize {
    /// The amount.
    fn typed_amount(&self) -> Amount;
}

impl<R: RegionSpec> TypedMoney for Money<R> {
    fn typed_amount(&self) -> Amount {
        self.value
    }
}

impl<R: RegionSpec> TypedMoney for TransactionMoney<R> {
    fn typed_amount(&self) -> Amount {
        self.amount
    }
}

/// An amount with the region it is in, for code that picks its region at run time: what the
/// `Any…` types' accessors give for money (`AnyPayInResponse::money`, …).
///
/// Equality, hashing and ordering are by value within one region (`12.5 THB` equals
/// `12.50 THB`); amounts of two regions are unequal and unordered.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AnyMoney {
    amount: Amount,
    region: Region,
}

impl AnyMoney {
    /// An amount in `region`'s currency.
    pub const fn new(amount: Amount, region: Region) -> Self {
        AnyMoney { amount, region }
    }

    /// The amount, exactly as the gateway wrote it.
    pub const fn amount(&self) -> Amount {
        self.amount
    }

    /// The region.
    pub const fn region(&self) -> Region {
        self.region
    }

    /// The currency: the region's.
    pub const fn currency(&self) -> &'static str {
        self.region.info().currency
    }

    /// The sum; `None` for amounts of two regions or more than 38 digits.
    #[must_use]
    pub fn checked_add(self, other: Self) -> Option<Self> {
        (self.region == other.region)
            .then(|| self.amount.checked_add(other.amount))
            .flatten()
            .map(|amount| Self::new(amount, self.region))
    }

    /// The difference (it may be negative); `None` for amounts of two regions or more than 38
    /// digits.
    #[must_use]
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        (self.region == other.region)
            .then(|| self.amount.checked_sub(other.amount))
            .flatten()
            .map(|amount| Self::new(amount, self.region))
    }

    /// The amount in the region's minor units, by its money format's scale (THB: 100.50 is
    /// 10050); `None` if it has more decimal places than the format or does not fit.
    #[must_use]
    pub fn to_minor_units(&self) -> Option<i128> {
        self.amount.to_units_at(self.region.info().money_scale)
    }

    /// An amount from `region`'s minor units (THB: 10050 is 100.50).
    #[must_use]
    pub fn from_minor_units(units: i128, region: Region) -> Self {
        Self::new(Amount::new(units, region.info().money_scale), region)
    }
}

impl PartialOrd for AnyMoney {
    /// By value within one region; `None` across regions.
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        (self.region == other.region).then(|| self.amount.cmp(&other.amount))
    }
}

impl<R: RegionSpec> From<Money<R>> for AnyMoney {
    fn from(money: Money<R>) -> Self {
        AnyMoney::new(money.value, R::REGION)
    }
}

impl<R: RegionSpec> From<TransactionMoney<R>> for AnyMoney {
    fn from(money: TransactionMoney<R>) -> Self {
        AnyMoney::new(money.amount, R::REGION)
    }
}

impl fmt::Debug for AnyMoney {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AnyMoney({} {})", self.currency(), self.amount)
    }
}

impl fmt::Display for AnyMoney {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency())
    }
}
