//! The rules a request body must follow in a region, as data generated from the spec, and the
//! one checker that applies them.
//!
//! Each region's module holds a [`Object`] per endpoint it offers (for example
//! `regions::thb::INQUIRY_BALANCE_REQUEST_RULES`): the shared fields with the region's
//! overrides (a field made mandatory, other limits, fewer allowed values) and its extra
//! fields. Typed requests are checked by code the generator writes from the same tables
//! (each endpoint's `check_request`, written once and generic over the region, which names
//! the region's rules in its table at compile time, plus a region's `check_own` for the
//! fields only it has; both through this module's scalar checks), which gives what
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

use serde::Serialize;
use serde_json::Value;

#[cfg(test)]
mod agreement;
mod pattern;

pub use pattern::{Atom, Pattern};

use crate::{FieldProblem, RegionInfo, ValidationError};

/// The rules of one JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Object {
    /// Its fields.
    pub fields: &'static [Field],
    /// Groups of fields of which at least one must be present.
    pub at_least_one_of: &'static [&'static [&'static str]],
    /// Fields that must be present when a top-level field has one of some values.
    pub required_when: &'static [RequiredWhen],
}

impl Object {
    /// A body's or an object's rules from its fields, with no groups and no conditions: the
    /// generated tables are written with it, `Object::new(&[ORDER_NO, …])`.
    #[must_use]
    pub const fn new(fields: &'static [Field]) -> Object {
        Object {
            fields,
            at_least_one_of: &[],
            required_when: &[],
        }
    }

    /// These rules with groups of fields of which at least one must be present.
    #[must_use]
    pub const fn at_least_one_of(mut self, groups: &'static [&'static [&'static str]]) -> Object {
        self.at_least_one_of = groups;
        self
    }

    /// These rules with fields that are mandatory when a top-level field has some values.
    #[must_use]
    pub const fn required_when(mut self, conditions: &'static [RequiredWhen]) -> Object {
        self.required_when = conditions;
        self
    }
}

/// A field that is mandatory when a top-level field of the body has one of some values
/// (Indonesia's `payer.phone` when `paymentMethod` is `W_OVO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequiredWhen {
    /// The field's JSON path, e.g. `payer.phone`.
    pub path: &'static str,
    /// The top-level field that decides, e.g. `paymentMethod`.
    pub field: &'static str,
    /// Its values (as text) that make the field mandatory.
    pub values: &'static [&'static str],
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
    for condition in conditions {
        let decided = match body.get(condition.field) {
            Some(Value::String(t)) => Some(t.clone()),
            Some(Value::Number(n)) if n.is_i64() => Some(n.to_string()),
            _ => None,
        };
        let Some(value) = decided.filter(|v| condition.values.contains(&v.as_str())) else {
            continue;
        };
        let mut node = Some(body);
        for part in condition.path.split('.') {
            node = node.and_then(|n| n.get(part)).filter(|n| !n.is_null());
        }
        if node.is_none() {
            problem(
                out,
                condition.path,
                format!(
                    "required in {} when {} is {value}",
                    region.code, condition.field
                ),
            );
        }
    }
}

/// The rules of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Field {
    /// Its JSON key.
    pub name: &'static str,
    /// Whether it must be present (and not null).
    pub required: bool,
    /// What it holds.
    pub kind: Kind,
}

/// The characters a string may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Chars {
    /// ASCII letters and digits.
    Alphanumeric,
    /// ASCII digits.
    Digits,
    /// Printable ASCII.
    Ascii,
}

/// The two shapes of money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MoneyShape {
    /// `{"currency", "value": "decimal string"}`.
    ValueString,
    /// `{"currency", "amount": number}`.
    AmountNumber,
}

/// What a field holds, with its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A string.
    String {
        /// Least length in characters.
        min_length: Option<u32>,
        /// Greatest length in characters.
        max_length: Option<u32>,
        /// Allowed characters.
        chars: Option<Chars>,
        /// The shape the whole value must have.
        pattern: Option<&'static Pattern>,
    },
    /// A whole number.
    Integer {
        /// Least value.
        minimum: Option<i64>,
        /// Greatest value.
        maximum: Option<i64>,
    },
    /// An exact decimal number.
    Decimal {
        /// Least value.
        minimum: Option<&'static str>,
        /// Greatest value.
        maximum: Option<&'static str>,
    },
    /// `true` or `false`.
    Boolean,
    /// A timestamp string.
    Timestamp {
        /// Whether it carries `±HH:MM`.
        offset: bool,
    },
    /// One of a set of values.
    Enum {
        /// The allowed values, as text.
        values: &'static [&'static str],
        /// Whether they are whole numbers.
        integer: bool,
        /// Whether any value of the right type is allowed (an open enum no region restricts).
        any: bool,
    },
    /// A list.
    List {
        /// The items.
        item: &'static Kind,
        /// Least number of items.
        min_items: Option<u32>,
        /// Greatest number of items.
        max_items: Option<u32>,
    },
    /// An object.
    Object {
        /// Its fields.
        fields: &'static [Field],
        /// Groups of its fields of which at least one must be present.
        at_least_one_of: &'static [&'static [&'static str]],
        /// Whether a list of such objects is accepted too.
        one_or_many: bool,
    },
    /// Money in the region's currency. Its amount is more than 0 and at most
    /// [`MAX_REQUEST_AMOUNT`] in every request, whatever the bounds say.
    Money {
        /// Its shape.
        shape: MoneyShape,
        /// The least amount (inclusive), where the region sets one.
        minimum: Option<&'static str>,
        /// The greatest amount (inclusive), where the region sets one.
        maximum: Option<&'static str>,
    },
    /// A JSON object, or a string holding one.
    JsonObject,
    /// A string holding JSON.
    JsonString,
}

impl Field {
    /// A field that must be present (and not null): the generated rules tables are written
    /// with it, `Field::required("orderNo", Kind::TEXT.min_length(6).max_length(32))`.
    #[must_use]
    pub const fn required(name: &'static str, kind: Kind) -> Field {
        Field {
            name,
            required: true,
            kind,
        }
    }

    /// A field that may be left out.
    #[must_use]
    pub const fn optional(name: &'static str, kind: Kind) -> Field {
        Field {
            name,
            required: false,
            kind,
        }
    }
}

impl Kind {
    /// Text of any length and characters; [`Kind::min_length`], [`Kind::max_length`],
    /// [`Kind::chars`] and [`Kind::pattern`] narrow it.
    pub const TEXT: Kind = Kind::String {
        min_length: None,
        max_length: None,
        chars: None,
        pattern: None,
    };

    /// This string rule with a least length in characters (other kinds are unchanged).
    #[must_use]
    pub const fn min_length(self, n: u32) -> Kind {
        match self {
            Kind::String {
                max_length,
                chars,
                pattern,
                ..
            } => Kind::String {
                min_length: Some(n),
                max_length,
                chars,
                pattern,
            },
            other => other,
        }
    }

    /// This string rule with a greatest length in characters (other kinds are unchanged).
    #[must_use]
    pub const fn max_length(self, n: u32) -> Kind {
        match self {
            Kind::String {
                min_length,
                chars,
                pattern,
                ..
            } => Kind::String {
                min_length,
                max_length: Some(n),
                chars,
                pattern,
            },
            other => other,
        }
    }

    /// This string rule with only these characters allowed (other kinds are unchanged).
    #[must_use]
    pub const fn chars(self, chars: Chars) -> Kind {
        match self {
            Kind::String {
                min_length,
                max_length,
                pattern,
                ..
            } => Kind::String {
                min_length,
                max_length,
                chars: Some(chars),
                pattern,
            },
            other => other,
        }
    }

    /// This string rule with the shape the whole value must have (other kinds are
    /// unchanged).
    #[must_use]
    pub const fn pattern(self, pattern: &'static Pattern) -> Kind {
        match self {
            Kind::String {
                min_length,
                max_length,
                chars,
                ..
            } => Kind::String {
                min_length,
                max_length,
                chars,
                pattern: Some(pattern),
            },
            other => other,
        }
    }

    /// A whole number of any value; [`Kind::at_least`] and [`Kind::at_most`] bound it.
    pub const INTEGER: Kind = Kind::Integer {
        minimum: None,
        maximum: None,
    };

    /// This whole-number rule with a least value (other kinds are unchanged).
    #[must_use]
    pub const fn at_least(self, n: i64) -> Kind {
        match self {
            Kind::Integer { maximum, .. } => Kind::Integer {
                minimum: Some(n),
                maximum,
            },
            other => other,
        }
    }

    /// This whole-number rule with a greatest value (other kinds are unchanged).
    #[must_use]
    pub const fn at_most(self, n: i64) -> Kind {
        match self {
            Kind::Integer { minimum, .. } => Kind::Integer {
                minimum,
                maximum: Some(n),
            },
            other => other,
        }
    }

    /// Text that must be one of `values`; [`Kind::whole_numbers`] makes them numbers and
    /// [`Kind::or_any`] lets any other value through too.
    #[must_use]
    pub const fn one_of(values: &'static [&'static str]) -> Kind {
        Kind::Enum {
            values,
            integer: false,
            any: false,
        }
    }

    /// This enum rule with its values whole numbers (other kinds are unchanged).
    #[must_use]
    pub const fn whole_numbers(self) -> Kind {
        match self {
            Kind::Enum { values, any, .. } => Kind::Enum {
                values,
                integer: true,
                any,
            },
            other => other,
        }
    }

    /// This enum rule open to any value of its type (other kinds are unchanged).
    #[must_use]
    pub const fn or_any(self) -> Kind {
        match self {
            Kind::Enum {
                values, integer, ..
            } => Kind::Enum {
                values,
                integer,
                any: true,
            },
            other => other,
        }
    }

    /// A list of any length whose items follow `item`; [`Kind::min_items`] and
    /// [`Kind::max_items`] bound its length.
    #[must_use]
    pub const fn list(item: &'static Kind) -> Kind {
        Kind::List {
            item,
            min_items: None,
            max_items: None,
        }
    }

    /// This list rule with a least number of items (other kinds are unchanged).
    #[must_use]
    pub const fn min_items(self, n: u32) -> Kind {
        match self {
            Kind::List {
                item, max_items, ..
            } => Kind::List {
                item,
                min_items: Some(n),
                max_items,
            },
            other => other,
        }
    }

    /// This list rule with a greatest number of items (other kinds are unchanged).
    #[must_use]
    pub const fn max_items(self, n: u32) -> Kind {
        match self {
            Kind::List {
                item, min_items, ..
            } => Kind::List {
                item,
                min_items,
                max_items: Some(n),
            },
            other => other,
        }
    }

    /// An object with these fields; [`Kind::at_least_one_of`] and [`Kind::one_or_many`]
    /// add to it.
    #[must_use]
    pub const fn object(fields: &'static [Field]) -> Kind {
        Kind::Object {
            fields,
            at_least_one_of: &[],
            one_or_many: false,
        }
    }

    /// This object rule with groups of fields of which at least one must be present (other
    /// kinds are unchanged).
    #[must_use]
    pub const fn at_least_one_of(self, groups: &'static [&'static [&'static str]]) -> Kind {
        match self {
            Kind::Object {
                fields,
                one_or_many,
                ..
            } => Kind::Object {
                fields,
                at_least_one_of: groups,
                one_or_many,
            },
            other => other,
        }
    }

    /// This object rule accepting a list of such objects too (other kinds are unchanged).
    #[must_use]
    pub const fn one_or_many(self) -> Kind {
        match self {
            Kind::Object {
                fields,
                at_least_one_of,
                ..
            } => Kind::Object {
                fields,
                at_least_one_of,
                one_or_many: true,
            },
            other => other,
        }
    }

    /// Money of this shape with no bounds of the region's own; [`Kind::min_amount`] and
    /// [`Kind::max_amount`] add them.
    #[must_use]
    pub const fn money(shape: MoneyShape) -> Kind {
        Kind::Money {
            shape,
            minimum: None,
            maximum: None,
        }
    }

    /// This money rule with a least amount (other kinds are unchanged).
    #[must_use]
    pub const fn min_amount(self, amount: &'static str) -> Kind {
        match self {
            Kind::Money { shape, maximum, .. } => Kind::Money {
                shape,
                minimum: Some(amount),
                maximum,
            },
            other => other,
        }
    }

    /// This money rule with a greatest amount (other kinds are unchanged).
    #[must_use]
    pub const fn max_amount(self, amount: &'static str) -> Kind {
        match self {
            Kind::Money { shape, minimum, .. } => Kind::Money {
                shape,
                minimum,
                maximum: Some(amount),
            },
            other => other,
        }
    }

    /// An object's field rules (none for any other kind). Generated request checks name a
    /// nested field's rules in the region's table with it, at compile time, instead of
    /// writing them out a second time.
    #[must_use]
    pub const fn object_fields(&self) -> &'static [Field] {
        match self {
            Kind::Object { fields, .. } => fields,
            _ => &[],
        }
    }

    /// A list's item rules (the kind itself for any other kind); for the same use.
    #[must_use]
    pub const fn list_item(&'static self) -> &'static Kind {
        match self {
            Kind::List { item, .. } => item,
            _ => self,
        }
    }
}

/// The largest amount any request may carry: 15 digits before the decimal point. No region's
/// gateway takes more, and up to it a JSON number keeps its whole part exactly. The spec
/// language's `minimum` and `maximum` on money narrow it and the floor (more than 0) per
/// region.
pub const MAX_REQUEST_AMOUNT: &str = "999999999999999";

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
    let mut path = String::new();
    check_object(
        rules.fields,
        rules.at_least_one_of,
        body,
        region,
        &mut path,
        &mut out,
    );
    check_required_when(rules.required_when, body, region, &mut out);
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
            check_amount(
                exact.amount.0,
                MoneyShape::AmountNumber,
                (minimum, maximum),
                region,
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

fn problem(out: &mut Vec<FieldProblem>, path: &str, message: String) {
    out.push(FieldProblem {
        path: if path.is_empty() {
            "(body)".to_owned()
        } else {
            path.to_owned()
        },
        message,
    });
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn check_object(
    fields: &[Field],
    groups: &[&[&str]],
    value: &Value,
    region: &RegionInfo,
    path: &mut String,
    out: &mut Vec<FieldProblem>,
) {
    let Some(object) = value.as_object() else {
        problem(
            out,
            path,
            format!("must be a JSON object, not {}", json_kind(value)),
        );
        return;
    };
    for field in fields {
        if field.required && object.get(field.name).is_none_or(Value::is_null) {
            problem(
                out,
                &join(path, field.name),
                format!("required in {}", region.code),
            );
        }
    }
    for group in groups {
        let present = group
            .iter()
            .any(|name| object.get(*name).is_some_and(|v| !v.is_null() && v != ""));
        if !present {
            problem(
                out,
                path,
                format!(
                    "needs at least one of {} in {}",
                    group.join(", "),
                    region.code
                ),
            );
        }
    }
    for (name, item) in object {
        let Some(field) = fields.iter().find(|f| f.name == name) else {
            let known: Vec<&str> = fields.iter().map(|f| f.name).collect();
            problem(
                out,
                &join(path, name),
                format!(
                    "is not a field of this message in {}; its fields are {}",
                    region.code,
                    known.join(", ")
                ),
            );
            continue;
        };
        if item.is_null() && !field.required {
            continue;
        }
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(name);
        check_value(&field.kind, item, region, path, out);
        path.truncate(len);
    }
}

pub(crate) fn check_value(
    kind: &Kind,
    value: &Value,
    region: &RegionInfo,
    path: &mut String,
    out: &mut Vec<FieldProblem>,
) {
    match kind {
        Kind::String {
            min_length,
            max_length,
            chars,
            pattern,
        } => match value.as_str() {
            None => problem(
                out,
                path,
                format!("must be a string, not {}", json_kind(value)),
            ),
            Some(text) => check_text(*min_length, *max_length, *chars, *pattern, text, path, out),
        },
        Kind::Integer { minimum, maximum } => match value.as_i64() {
            None => problem(out, path, format!("must be a whole number, not {value}")),
            Some(n) => integer_bounds(*minimum, *maximum, n, path, out),
        },
        Kind::Decimal { minimum, maximum } => match number_text(value) {
            None => problem(out, path, format!("must be a decimal number, not {value}")),
            Some(text) => check_limits(&text, *minimum, *maximum, path, out),
        },
        Kind::Boolean => {
            if !value.is_boolean() {
                problem(out, path, format!("must be true or false, not {value}"));
            }
        }
        Kind::Timestamp { offset } => {
            let ok = value.as_str().is_some_and(|t| timestamp_ok(t, *offset));
            if !ok {
                let shape = if *offset {
                    "yyyy-MM-ddTHH:mm:ss±HH:mm"
                } else {
                    "yyyy-MM-ddTHH:mm:ss (no offset)"
                };
                problem(
                    out,
                    path,
                    format!("must be a timestamp {shape}, not {value}"),
                );
            }
        }
        Kind::Enum {
            values,
            integer,
            any,
        } => {
            let text = match value {
                Value::String(t) if !integer => Some(t.clone()),
                Value::Number(n) if *integer && n.is_i64() => Some(n.to_string()),
                _ => None,
            };
            match text {
                None => problem(
                    out,
                    path,
                    format!(
                        "must be {}, not {value}",
                        if *integer {
                            "a whole number"
                        } else {
                            "a string"
                        }
                    ),
                ),
                Some(text) => check_enum_text(values, *any, &text, region, path, out),
            }
        }
        Kind::List {
            item,
            min_items,
            max_items,
        } => match value.as_array() {
            None => problem(
                out,
                path,
                format!("must be a list, not {}", json_kind(value)),
            ),
            Some(items) => {
                list_len(*min_items, *max_items, items.len(), path, out);
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    check_value(item, v, region, path, out);
                    path.truncate(len);
                }
            }
        },
        Kind::Object {
            fields,
            at_least_one_of,
            one_or_many,
        } => match value.as_array() {
            Some(items) if *one_or_many => {
                if items.is_empty() {
                    problem(out, path, "must hold at least one entry".to_owned());
                }
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    check_object(fields, at_least_one_of, v, region, path, out);
                    path.truncate(len);
                }
            }
            _ => check_object(fields, at_least_one_of, value, region, path, out),
        },
        Kind::Money {
            shape,
            minimum,
            maximum,
        } => check_money(*shape, (*minimum, *maximum), value, region, path, out),
        Kind::JsonObject => {
            if !(value.is_object() || value.is_string()) {
                problem(
                    out,
                    path,
                    "must be a JSON object, or a string holding one".to_owned(),
                );
            }
        }
        // An empty string counts as absent, as everywhere in these rules.
        Kind::JsonString => match value.as_str() {
            None => problem(out, path, "must be a string holding JSON".to_owned()),
            Some(text)
                if !text.is_empty()
                    && serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() =>
            {
                problem(
                    out,
                    path,
                    format!("must be a string holding JSON, not {text:?}"),
                );
            }
            Some(_) => {}
        },
    }
}

/// A list's number of items.
fn list_len(
    min_items: Option<u32>,
    max_items: Option<u32>,
    len: usize,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    if let Some(min) = min_items
        && len < min as usize
    {
        problem(
            out,
            path,
            format!("has {len} items; at least {min} are needed"),
        );
    }
    if let Some(max) = max_items
        && len > max as usize
    {
        problem(
            out,
            path,
            format!("has {len} items; at most {max} are allowed"),
        );
    }
}

// What the generated request checks (`regions::*`, `check_request`) call.

/// A problem at `path` (`(body)` for the body as a whole).
pub(crate) fn push_problem(out: &mut Vec<FieldProblem>, path: &str, message: String) {
    problem(out, path, message);
}

/// A list's number of items, as [`check_value`] counts them.
pub(crate) fn check_list_len(kind: &Kind, len: usize, path: &str, out: &mut Vec<FieldProblem>) {
    if let Kind::List {
        min_items,
        max_items,
        ..
    } = kind
    {
        list_len(*min_items, *max_items, len, path, out);
    }
}

/// `[i]` after `path`.
pub(crate) fn push_index(path: &mut String, i: usize) {
    use std::fmt::Write as _;
    let _ = write!(path, "[{i}]");
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
        Ok(json) => check_value(kind, &json, region, path, out),
        Err(e) => problem(out, path, format!("cannot be written as JSON: {e}")),
    }
}

/// Checks a whole number of `kind`, as [`check_value`] checks `Value::from(n)`, without making
/// the `Value` or a path buffer.
pub(crate) fn check_integer(
    kind: &Kind,
    n: i64,
    region: &RegionInfo,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    match kind {
        Kind::Integer { minimum, maximum } => integer_bounds(*minimum, *maximum, n, path, out),
        _ => check_value(kind, &Value::from(n), region, &mut path.to_owned(), out),
    }
}

/// Checks an integer enum's value by its text, as [`check_value`] checks the `Value` the enum
/// serializes to (a number when its text is one, else that text as a string), without making
/// the `Value` or a path buffer.
pub(crate) fn check_integer_text(
    kind: &Kind,
    text: &str,
    region: &RegionInfo,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    match (kind, text.parse::<i64>()) {
        (
            Kind::Enum {
                values,
                integer: true,
                any,
            },
            Ok(n),
        ) => check_enum_text(values, *any, &n.to_string(), region, path, out),
        (_, Ok(n)) => check_value(kind, &Value::from(n), region, &mut path.to_owned(), out),
        (_, Err(_)) => check_value(
            kind,
            &Value::String(text.to_owned()),
            region,
            &mut path.to_owned(),
            out,
        ),
    }
}

/// A whole number against its least and greatest allowed values.
fn integer_bounds(
    minimum: Option<i64>,
    maximum: Option<i64>,
    n: i64,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    if let Some(min) = minimum
        && n < min
    {
        problem(out, path, format!("is {n}; the least allowed is {min}"));
    }
    if let Some(max) = maximum
        && n > max
    {
        problem(out, path, format!("is {n}; the greatest allowed is {max}"));
    }
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
    check_amount(money.typed_amount(), shape, bounds, region, path, out);
}

/// A money field's bounds: least and greatest amount, where the region sets them.
pub(crate) type Bounds = (Option<&'static str>, Option<&'static str>);

/// An exact amount of money at `path`, of the given shape, against the floor every request
/// shares (more than 0, at most [`MAX_REQUEST_AMOUNT`]), the field's `bounds` and the
/// region's decimal places: what [`check_typed_money`] and the emulator (which reads amounts
/// from their own digits) run.
pub(crate) fn check_amount(
    amount: crate::Amount,
    shape: MoneyShape,
    bounds: Bounds,
    region: &RegionInfo,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    let positive = amount.units() > 0;
    let scale = amount.scale();
    if positive && scale <= region.money_scale && bounds == (None, None) && amount_fits(amount) {
        return;
    }
    // The text as it is sent: a string of the amount's digits, or a JSON number of them.
    let (key, text) = match shape {
        MoneyShape::ValueString => ("value", amount.to_string()),
        MoneyShape::AmountNumber => ("amount", amount.json_number()),
    };
    let at = join(path, key);
    if let Some(message) = amount_problem(amount, &text, bounds, region) {
        problem(out, &at, message);
    }
    if scale > region.money_scale {
        too_many_decimals(&at, &text, usize::from(scale), region, out);
    }
}

/// [`MAX_REQUEST_AMOUNT`] as an amount (a test holds the two together).
const MAX_AMOUNT: crate::Amount = crate::Amount::new(999_999_999_999_999, 0);

/// Whether an amount is at most [`MAX_REQUEST_AMOUNT`].
fn amount_fits(amount: crate::Amount) -> bool {
    amount <= MAX_AMOUNT
}

/// What is wrong with a request's `amount` (written as `text`) beyond its decimal places: not
/// more than 0, above [`MAX_REQUEST_AMOUNT`], or outside the field's `bounds` in `region`.
fn amount_problem(
    amount: crate::Amount,
    text: &str,
    (minimum, maximum): Bounds,
    region: &RegionInfo,
) -> Option<String> {
    if amount.units() <= 0 {
        return Some("must be more than 0".to_owned());
    }
    if !amount_fits(amount) {
        return Some(format!(
            "is {text}; the largest amount a request may carry is {MAX_REQUEST_AMOUNT}"
        ));
    }
    let bound = |b: Option<&str>| b.and_then(|b| b.parse::<crate::Amount>().ok());
    if let Some(min) = bound(minimum)
        && amount < min
    {
        return Some(format!(
            "is {text}; the least allowed in {} is {min}",
            region.code
        ));
    }
    if let Some(max) = bound(maximum)
        && amount > max
    {
        return Some(format!(
            "is {text}; the greatest allowed in {} is {max}",
            region.code
        ));
    }
    None
}

/// "… has 3 decimal places; THB amounts have at most 2 (#.##)".
fn too_many_decimals(
    path: &str,
    text: &str,
    scale: usize,
    region: &RegionInfo,
    out: &mut Vec<FieldProblem>,
) {
    problem(
        out,
        path,
        format!(
            "{text} has {scale} decimal places; {} amounts have at most {} ({})",
            region.code, region.money_scale, region.money_format
        ),
    );
}

/// A string's length and characters.
fn check_text(
    min_length: Option<u32>,
    max_length: Option<u32>,
    chars: Option<Chars>,
    pattern: Option<&Pattern>,
    text: &str,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    // A UTF-8 character takes 1 to 4 bytes, so the byte length bounds the character count
    // from both sides: when those bounds already meet the limits, there is nothing to count.
    let bytes = text.len();
    let within = max_length.is_none_or(|max| bytes <= max as usize)
        && min_length.is_none_or(|min| bytes.div_ceil(4) >= min as usize);
    if within && chars.is_none() && pattern.is_none() {
        return;
    }
    // ASCII text (the usual case) is its own length in bytes, and its characters are bytes.
    let ascii = text.is_ascii();
    if !within {
        let n = if ascii {
            text.len()
        } else {
            text.chars().count()
        };
        if let Some(min) = min_length
            && n < min as usize
        {
            problem(
                out,
                path,
                format!("is {n} characters long; at least {min} are needed"),
            );
        }
        if let Some(max) = max_length
            && n > max as usize
        {
            problem(
                out,
                path,
                format!("is {n} characters long; at most {max} are allowed"),
            );
        }
    }
    if let Some(set) = chars
        && !(if ascii {
            // One test per byte, with the set chosen once rather than per character.
            match set {
                Chars::Alphanumeric => text.bytes().all(|b| b.is_ascii_alphanumeric()),
                Chars::Digits => text.bytes().all(|b| b.is_ascii_digit()),
                Chars::Ascii => text.bytes().all(|b| (b' '..=b'~').contains(&b)),
            }
        } else {
            text.chars().all(|c| in_set(set, c))
        })
    {
        let what = match set {
            Chars::Alphanumeric => "letters and digits (A-Z, a-z, 0-9)",
            Chars::Digits => "digits",
            Chars::Ascii => "printable ASCII characters",
        };
        problem(out, path, format!("may hold only {what}"));
    }
    if let Some(pattern) = pattern
        && !pattern.matches(text)
    {
        problem(out, path, format!("must match {}", pattern.text));
    }
}

/// An enum value, as text, against the values the region allows.
fn check_enum_text(
    values: &[&str],
    any: bool,
    text: &str,
    region: &RegionInfo,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    if text.is_empty() {
        // Never one of an enum's values, even of an open one.
        problem(
            out,
            path,
            format!("is empty; send one of {}", values.join(", ")),
        );
    } else if !any && !values.contains(&text) {
        problem(
            out,
            path,
            format!(
                "{text} is not allowed in {}; use one of {}",
                region.code,
                values.join(", ")
            ),
        );
    }
}

#[cfg(test)]
#[test]
fn the_largest_amount_is_one_number() {
    assert_eq!(MAX_REQUEST_AMOUNT.parse::<crate::Amount>(), Ok(MAX_AMOUNT));
}

/// Checks a string value of `kind`, as [`check_value`] checks `Value::String(text)`, without
/// making the `Value` in the common cases.
pub(crate) fn check_str(
    kind: &Kind,
    text: &str,
    region: &RegionInfo,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    match kind {
        Kind::String {
            min_length,
            max_length,
            chars,
            pattern,
        } => check_text(*min_length, *max_length, *chars, *pattern, text, path, out),
        Kind::Enum {
            values,
            integer: false,
            any,
        } => check_enum_text(values, *any, text, region, path, out),
        Kind::Timestamp { offset } if timestamp_ok(text, *offset) => {}
        _ => check_value(
            kind,
            &Value::String(text.to_owned()),
            region,
            &mut path.to_owned(),
            out,
        ),
    }
}

fn check_money(
    shape: MoneyShape,
    bounds: Bounds,
    value: &Value,
    region: &RegionInfo,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    let key = match shape {
        MoneyShape::ValueString => "value",
        MoneyShape::AmountNumber => "amount",
    };
    let Some(object) = value.as_object() else {
        problem(
            out,
            path,
            format!("must be money, an object with currency and {key}"),
        );
        return;
    };
    match object.get("currency").and_then(Value::as_str) {
        Some(c) if c == region.currency => {}
        Some(c) => problem(
            out,
            &join(path, "currency"),
            format!(
                "is {c:?}, but {} amounts are in {}",
                region.code, region.currency
            ),
        ),
        None => problem(
            out,
            &join(path, "currency"),
            format!("required in {} (write {:?})", region.code, region.currency),
        ),
    }
    let at = join(path, key);
    match (shape, object.get(key)) {
        (MoneyShape::ValueString, Some(Value::String(text))) => {
            check_amount_text(text, bounds, region, &at, out);
        }
        (MoneyShape::AmountNumber, Some(number @ Value::Number(n))) => match number_text(number) {
            Some(text) => check_amount_text(&text, bounds, region, &at, out),
            // Too large or too small for a plain decimal, serde_json holds it as a float
            // written with an exponent (1e+25, 1e-7): say what is wrong with it, rather than
            // that it is not a number.
            None => {
                let float = n.as_f64().unwrap_or_default();
                let message = if float <= 0.0 {
                    "must be more than 0".to_owned()
                } else if float >= 1.0 {
                    format!(
                        "is {n}; the largest amount a request may carry is {MAX_REQUEST_AMOUNT}"
                    )
                } else {
                    format!(
                        "is {n}; {} amounts have at most {} decimal places ({})",
                        region.code, region.money_scale, region.money_format
                    )
                };
                problem(out, &at, message);
            }
        },
        _ => problem(
            out,
            &at,
            match shape {
                MoneyShape::ValueString => {
                    "must be a decimal in a string, e.g. \"250000.00\"".to_owned()
                }
                MoneyShape::AmountNumber => {
                    "must be a decimal number, e.g. 10000 or 100.50".to_owned()
                }
            },
        ),
    }
    for k in object.keys() {
        if k != "currency" && k != key {
            problem(
                out,
                &join(path, k),
                format!("is not a field of money; money has currency and {key}"),
            );
        }
    }
}

/// An amount's text (a JSON number's digits, or a value string) at `at`: a plain decimal, more
/// than 0, within the bounds, with no more decimal places than the region's format.
fn check_amount_text(
    text: &str,
    bounds: Bounds,
    region: &RegionInfo,
    at: &str,
    out: &mut Vec<FieldProblem>,
) {
    let Ok(amount) = text.parse::<crate::Amount>() else {
        problem(
            out,
            at,
            "must be a decimal in a string, e.g. \"250000.00\"".to_owned(),
        );
        return;
    };
    if let Some(message) = amount_problem(amount, text, bounds, region) {
        problem(out, at, message);
    }
    let scale = usize::from(amount.scale());
    if scale > usize::from(region.money_scale) {
        too_many_decimals(at, text, scale, region, out);
    }
}

fn check_limits(
    text: &str,
    minimum: Option<&str>,
    maximum: Option<&str>,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    use std::cmp::Ordering;
    let Ok(amount) = text.parse::<crate::Amount>() else {
        problem(out, path, format!("must be a decimal number, not {text}"));
        return;
    };
    if let Some(min) = minimum.and_then(|m| m.parse::<crate::Amount>().ok())
        && amount.compare(min) == Some(Ordering::Less)
    {
        problem(out, path, format!("is {text}; the least allowed is {min}"));
    }
    if let Some(max) = maximum.and_then(|m| m.parse::<crate::Amount>().ok())
        && amount.compare(max) == Some(Ordering::Greater)
    {
        problem(
            out,
            path,
            format!("is {text}; the greatest allowed is {max}"),
        );
    }
}

/// A JSON number as plain decimal text (no exponent).
fn number_text(value: &Value) -> Option<String> {
    let Value::Number(n) = value else {
        return None;
    };
    let text = n.to_string();
    if text.contains(['e', 'E']) {
        return None;
    }
    Some(text)
}

fn in_set(set: Chars, c: char) -> bool {
    match set {
        Chars::Alphanumeric => c.is_ascii_alphanumeric(),
        Chars::Digits => c.is_ascii_digit(),
        Chars::Ascii => (' '..='~').contains(&c),
    }
}

/// `yyyy-MM-ddTHH:mm:ss`, with `±HH:MM` when `offset`.
fn timestamp_ok(text: &str, offset: bool) -> bool {
    if offset {
        return crate::timestamp::Timestamp::parse(text).is_ok();
    }
    let b = text.as_bytes();
    b.len() == 19
        && [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
}
