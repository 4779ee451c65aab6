//! The rules a request body must follow in a region, as data generated from the spec, and the
//! one checker that applies them.
//!
//! Each region's module holds a [`Object`] per endpoint it offers (for example
//! `regions::thb::INQUIRY_BALANCE_REQUEST_RULES`): the shared fields with the region's
//! overrides (a field made mandatory, other limits, fewer allowed values) and its extra
//! fields. Typed requests are checked by code the generator writes from the same tables
//! (each endpoint's `check_request`, written once and generic over the region, which names
//! the region's rules in its table at compile time, plus a region's `check_own` for the
//! fields only it has; both through the shared checker's scalar checks), which gives what
//! [`check`] gives for their JSON; the emulator and the `smilepayz call` command check raw
//! JSON bodies with [`check`], so a body is judged the same way wherever it comes from, with
//! one exception, money:
//!
//! Numbers are read by `serde_json` without its arbitrary-precision feature, so [`check`] sees
//! a JSON number through its float: exact for amounts of up to 15 significant digits without
//! trailing zeros, which covers every documented amount. Beyond that a float hides digits
//! (`100.500` and `100.500000000000000001` both read as `100.5`), so typed requests count an
//! amount's decimal places on its own digits instead, and the emulator does the same for the
//! amount of every pay-in and pay-out it is sent. A body that [`check`] passes can still be
//! refused there.
//!
//! The types and the checker live in the `smilepayz-rules` crate, which the generator uses
//! too: the spec's examples are checked by the same code before any of this is generated.
//! Here the tables are `'static` (`Object` is `smilepayz_rules::Object<'static>`).

use serde::Serialize;
use serde_json::Value;
use smilepayz_rules::{Checker, RegionFacts};

#[cfg(test)]
mod agreement;

pub use smilepayz_rules::{Chars, MAX_REQUEST_AMOUNT, MoneyShape};

use crate::{FieldProblem, RegionInfo, ValidationError};

/// The rules of one JSON object: its fields, groups of which one must be present, and
/// fields mandatory under conditions.
pub type Object = smilepayz_rules::Object<'static>;
/// The rules of one field.
pub type Field = smilepayz_rules::Field<'static>;
/// What a field holds, with its limits.
pub type Kind = smilepayz_rules::Kind<'static>;
/// A field that is mandatory when a top-level field of the body has one of some values
/// (Indonesia's `payer.phone` when `paymentMethod` is `W_OVO`).
pub type RequiredWhen = smilepayz_rules::RequiredWhen<'static>;
/// A string's required shape: the whole value matches one of the alternatives.
pub type Pattern = smilepayz_rules::Pattern<'static>;
/// A set of characters with how many times it occurs, in a [`Pattern`].
pub type Atom = smilepayz_rules::Atom<'static>;

/// The checker of requests in `region`.
#[inline]
fn checker(region: &RegionInfo) -> Checker<'static> {
    Checker::request(RegionFacts {
        code: region.code,
        currency: region.currency,
        money_scale: region.money_scale,
        money_format: region.money_format,
    })
}

/// Reports each field of `conditions` whose condition holds in `body` and which is absent (or
/// null, or under an absent object): `payer.phone: required in IDR when paymentMethod is
/// W_OVO`. What [`check`] runs after everything else, and the generated checks too.
pub fn check_required_when(
    conditions: &[RequiredWhen],
    body: &Value,
    region: &RegionInfo,
    out: &mut Vec<FieldProblem>,
) {
    checker(region).check_required_when(conditions, body, out);
}

/// A region's default for the request field `name`, from its `(JSON name, value as JSON)`
/// table (the variant's `DEFAULTS`), read as the field's type. The generator checks every
/// default against the field's rules, so a value that does not read is not expected; it would
/// leave the field unset, and the request's check would then name it.
#[allow(
    dead_code,
    reason = "generated code calls it only when some region gives a field a default"
)]
pub(crate) fn region_default<T: serde::de::DeserializeOwned>(
    defaults: &[(&str, &str)],
    name: &str,
) -> Option<T> {
    let (_, json) = defaults.iter().find(|(key, _)| *key == name)?;
    serde_json::from_str(json).ok()
}

/// Adds a builder's field to a partial body, when it is set (for `build()` with a mandatory
/// field missing). The SDK's field types always serialize; one that did not would be left out.
pub(crate) fn put<T: Serialize>(
    body: &mut serde_json::Map<String, Value>,
    key: &str,
    value: &Option<T>,
) {
    if let Some(json) = value.as_ref().and_then(|v| serde_json::to_value(v).ok()) {
        body.insert(key.to_owned(), json);
    }
}

/// The error of a `build()` with mandatory fields missing: every problem of the fields that
/// are set, with the missing ones (`missing`, in case the rules do not name them).
pub(crate) fn partial_error(
    rules: &Object,
    partial: serde_json::Map<String, Value>,
    region: &RegionInfo,
    missing: Vec<FieldProblem>,
) -> ValidationError {
    match check(rules, &Value::Object(partial), region) {
        Err(error) => error,
        Ok(()) => ValidationError::new(missing),
    }
}

/// Adds every set field of a region's extra fields to a partial body.
#[allow(
    dead_code,
    reason = "generated code calls it only when some region has extra request fields"
)]
pub(crate) fn put_all<T: Serialize>(body: &mut serde_json::Map<String, Value>, extra: &T) {
    if let Ok(Value::Object(fields)) = serde_json::to_value(extra) {
        body.extend(fields);
    }
}

/// Checks any serializable value (as its JSON) against `rules` in `region`. The generated
/// requests' own `validate` reads their fields directly and gives the same result, except
/// for amounts a float does not carry exactly, which it judges by their own digits (see the
/// module's documentation).
///
/// # Errors
/// Every field that breaks a rule, by JSON path.
pub fn validate<T: Serialize>(
    value: &T,
    rules: &Object,
    region: &RegionInfo,
) -> Result<(), ValidationError> {
    let json = serde_json::to_value(value).map_err(|e| {
        ValidationError::new(vec![FieldProblem {
            path: "(body)".to_owned(),
            message: format!("cannot be written as JSON: {e}"),
        }])
    })?;
    check(rules, &json, region)
}

/// Checks a JSON body against `rules` in `region`.
///
/// A JSON number in a `serde_json::Value` is the float serde_json reads it as, so the
/// decimal places of an amount are those of its float: `100.500` and
/// `100.500000000000000001` both count as `100.5`. Typed requests (`validate()`, `build()`,
/// and so everything the client sends) count them on the amount's own digits, and so does
/// the emulator.
///
/// # Errors
/// Every field that breaks a rule, by JSON path, in the order of the body.
pub fn check(rules: &Object, body: &Value, region: &RegionInfo) -> Result<(), ValidationError> {
    let mut out = Vec::new();
    checker(region).check(rules, body, &mut out);
    if out.is_empty() {
        Ok(())
    } else {
        Err(ValidationError::new(out))
    }
}

/// Checks a body as it is sent, byte for byte: [`check`] on its JSON, then each top-level
/// money amount written as a JSON number on its own digits, as the typed requests and the
/// emulator do (a `Value` holds a number as a float, so `100.500000000000000001` would pass
/// [`check`] in THB as `100.5`, and `999999999999999.01` as the ceiling).
///
/// # Errors
/// Every field that breaks a rule, by JSON path; `(body)` when the body is not JSON.
pub fn check_sent(rules: &Object, body: &[u8], region: &RegionInfo) -> Result<(), ValidationError> {
    let json: Value = serde_json::from_slice(body).map_err(|e| {
        ValidationError::new(vec![FieldProblem {
            path: "(body)".to_owned(),
            message: format!("is not JSON: {e}"),
        }])
    })?;
    check_parsed(rules, &json, body, region)
}

/// [`check_sent`] for a body already parsed as `json` from `body` (a server parses it first,
/// as the local emulator does, to tell a body that is not JSON from one that breaks the
/// rules): the rules on the value, and the amounts' decimal places on their own digits.
///
/// # Errors
/// Every field that breaks a rule, by JSON path.
pub fn check_parsed(
    rules: &Object,
    json: &Value,
    body: &[u8],
    region: &RegionInfo,
) -> Result<(), ValidationError> {
    check(rules, json, region)?;
    // Only a body whose rules hold money written as a number has anything left to check.
    let numbers = rules.fields.iter().any(|f| {
        matches!(
            f.kind,
            Kind::Money {
                shape: MoneyShape::AmountNumber,
                ..
            }
        )
    });
    if !numbers {
        return Ok(());
    }
    #[derive(serde::Deserialize)]
    struct Exact {
        amount: crate::Decimal,
    }
    let Ok(fields) = serde_json::from_slice::<
        std::collections::HashMap<String, Box<serde_json::value::RawValue>>,
    >(body) else {
        return Ok(());
    };
    let mut out = Vec::new();
    for field in rules.fields {
        if let Kind::Money {
            shape: MoneyShape::AmountNumber,
            minimum,
            maximum,
        } = field.kind
            && let Some(raw) = fields.get(field.name)
            && let Ok(exact) = serde_json::from_str::<Exact>(raw.get())
        {
            checker(region).check_amount(
                exact.amount.0,
                MoneyShape::AmountNumber,
                (minimum, maximum),
                field.name,
                &mut out,
            );
        }
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(ValidationError::new(out))
    }
}

// What the generated request checks (`regions::*`, `check_request`) call: the shared
// checker's scalar checks, for a region.

/// A problem at `path` (`(body)` for the body as a whole).
pub(crate) fn push_problem(out: &mut Vec<FieldProblem>, path: &str, message: String) {
    smilepayz_rules::problem(out, path, message);
}

/// A list's number of items, as [`check`] counts them.
pub(crate) fn check_list_len(kind: &Kind, len: usize, path: &str, out: &mut Vec<FieldProblem>) {
    smilepayz_rules::check_list_len(kind, len, path, out);
}

/// `[i]` after `path`.
pub(crate) fn push_index(path: &mut String, i: usize) {
    smilepayz_rules::push_index(path, i);
}

/// Checks `value` as the `Value` it serializes to, as [`check`] would.
#[allow(
    dead_code,
    reason = "generated code calls it only for the rarer kinds (lists of objects, decimals, JSON objects); the repository's spec has none in a request"
)]
pub(crate) fn check_serialized<T: Serialize + ?Sized>(
    kind: &Kind,
    value: &T,
    region: &RegionInfo,
    path: &mut String,
    out: &mut Vec<FieldProblem>,
) {
    match serde_json::to_value(value) {
        Ok(json) => checker(region).check_value(kind, &json, path, out),
        Err(e) => push_problem(out, path, format!("cannot be written as JSON: {e}")),
    }
}

/// Checks one JSON value of `kind` at `path`, as [`check`] checks a field.
#[cfg(test)]
pub(crate) fn check_value(
    kind: &Kind,
    value: &Value,
    region: &RegionInfo,
    path: &mut String,
    out: &mut Vec<FieldProblem>,
) {
    checker(region).check_value(kind, value, path, out);
}

/// Checks a whole number of `kind`, as [`check`] checks `Value::from(n)`.
pub(crate) fn check_integer(
    kind: &Kind,
    n: i64,
    region: &RegionInfo,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    checker(region).check_integer(kind, n, path, out);
}

/// Checks an integer enum's value by its text, as [`check`] checks the `Value` the enum
/// serializes to.
pub(crate) fn check_integer_text(
    kind: &Kind,
    text: &str,
    region: &RegionInfo,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    checker(region).check_integer_text(kind, text, path, out);
}

/// Checks a string value of `kind`, as [`check`] checks `Value::String(text)`, without making
/// the `Value` in the common cases.
#[inline]
pub(crate) fn check_str(
    kind: &Kind,
    text: &str,
    region: &RegionInfo,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    checker(region).check_str(kind, text, path, out);
}

/// Checks typed money, exactly: its currency is the region's by its type, so only the
/// amount's decimal places can be wrong, and they are counted on the amount's own digits.
///
/// [`check`] reads a JSON number as the float serde_json makes of it, so for an amount a
/// float does not carry exactly (more than 15 digits, or more than 4 decimal places, or
/// trailing zeros, which a float drops) the two can differ; this one is the exact one. A THB
/// `100.500000000000000001` is refused here, though its float, 100.5, has one decimal place.
pub(crate) fn check_typed_money<M: crate::money::TypedMoney>(
    kind: &Kind,
    money: &M,
    region: &RegionInfo,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    let (shape, bounds) = match kind {
        Kind::Money {
            shape,
            minimum,
            maximum,
        } => (*shape, (*minimum, *maximum)),
        _ => (MoneyShape::AmountNumber, (None, None)),
    };
    checker(region).check_amount(money.typed_amount(), shape, bounds, path, out);
}
