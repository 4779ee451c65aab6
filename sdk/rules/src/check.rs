//! The one checker: a JSON value against the rules, every problem by JSON path, in words a
//! merchant can act on. The SDK runs it on raw bodies (`smilepayz::rules::check`, the emulator,
//! `smilepayz call`) and, through its scalar checks, on typed requests; the generator runs it on
//! the spec's examples and defaults.

use std::fmt::Write as _;

use serde_json::Value;

use crate::table::{Chars, Field, Kind, MoneyShape, Object, RequiredWhen};
use crate::{Amount, FieldProblem, MAX_REQUEST_AMOUNT, Pattern, timestamp_ok};

/// Which way a body goes, which decides what is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// A request: every rule applies (allowed values, amounts more than 0 and within their
    /// bounds and decimal places, conditional fields).
    Request,
    /// A response: the same checks of types, shapes, mandatory fields, lengths, characters,
    /// patterns, numeric bounds, list sizes, closed enums and currency, but an open enum
    /// takes any value, an amount any size and any number of decimal places (a balance may
    /// be 0), and conditional fields are not required.
    Response,
}

/// What the checker needs to know of a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RegionFacts<'a> {
    /// Its code, e.g. `THB`, named in messages ("required in THB").
    pub code: &'a str,
    /// The currency of its amounts, e.g. `THB`.
    pub currency: &'a str,
    /// The most decimal places of its amounts, e.g. 2.
    pub money_scale: u8,
    /// How its amounts are written, e.g. `#.##`, named in messages.
    pub money_format: &'a str,
}

/// Checks values against rules, for one region (or none, for a shared definition's example)
/// and one [`Side`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Checker<'r> {
    region: Option<RegionFacts<'r>>,
    side: Side,
}

/// A money field's bounds: least and greatest amount, where the region sets them.
pub type Bounds<'a> = (Option<&'a str>, Option<&'a str>);

impl<'r> Checker<'r> {
    /// A checker of requests in `region`: what the SDK runs.
    #[must_use]
    pub const fn request(region: RegionFacts<'r>) -> Self {
        Checker {
            region: Some(region),
            side: Side::Request,
        }
    }

    /// A checker of `side` in `region`, or of no region in particular (messages then name
    /// none; money must still carry a currency, but which one and its decimal places are
    /// not checked).
    #[must_use]
    pub const fn new(region: Option<RegionFacts<'r>>, side: Side) -> Self {
        Checker { region, side }
    }

    /// " in THB", or nothing without a region.
    fn place(&self) -> String {
        self.region
            .map(|r| format!(" in {}", r.code))
            .unwrap_or_default()
    }

    /// Checks a whole body: its fields, groups and (for a request) conditional fields, in that
    /// order. Problems are appended to `out`.
    pub fn check(&self, rules: &Object<'_>, body: &Value, out: &mut Vec<FieldProblem>) {
        let mut path = String::new();
        self.check_object(rules.fields, rules.at_least_one_of, body, &mut path, out);
        if self.side == Side::Request {
            self.check_required_when(rules.required_when, body, out);
        }
    }

    /// Reports each field of `conditions` whose condition holds in `body` and which is absent
    /// (or null, or under an absent object): `payer.phone: required in IDR when paymentMethod
    /// is W_OVO`.
    pub fn check_required_when(
        &self,
        conditions: &[RequiredWhen<'_>],
        body: &Value,
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
                        "required{} when {} is {value}",
                        self.place(),
                        condition.field
                    ),
                );
            }
        }
    }

    /// Checks an object's fields and groups; `path` is where it sits (empty for the body).
    pub fn check_object(
        &self,
        fields: &[Field<'_>],
        groups: &[&[&str]],
        value: &Value,
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
                    format!("required{}", self.place()),
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
                    format!("needs at least one of {}{}", group.join(", "), self.place()),
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
                        "is not a field of this message{}; its fields are {}",
                        self.place(),
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
            self.check_value(&field.kind, item, path, out);
            path.truncate(len);
        }
    }

    /// Checks one value against its kind; `path` is where it sits.
    pub fn check_value(
        &self,
        kind: &Kind<'_>,
        value: &Value,
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
                Some(text) => {
                    check_text(*min_length, *max_length, *chars, *pattern, text, path, out);
                }
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
                if !value.as_str().is_some_and(|t| timestamp_ok(t, *offset)) {
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
                    Some(text) => self.check_enum_text(values, *any, &text, path, out),
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
                        push_index(path, i);
                        self.check_value(item, v, path, out);
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
                        push_index(path, i);
                        self.check_object(fields, at_least_one_of, v, path, out);
                        path.truncate(len);
                    }
                }
                _ => self.check_object(fields, at_least_one_of, value, path, out),
            },
            Kind::Money {
                shape,
                minimum,
                maximum,
            } => self.check_money(*shape, (*minimum, *maximum), value, path, out),
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

    /// Checks a string value of `kind`, as [`Checker::check_value`] checks
    /// `Value::String(text)`, without making the `Value` in the common cases: what a typed
    /// request's check calls for each text field.
    #[inline]
    pub fn check_str(&self, kind: &Kind<'_>, text: &str, path: &str, out: &mut Vec<FieldProblem>) {
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
            } => self.check_enum_text(values, *any, text, path, out),
            Kind::Timestamp { offset } if timestamp_ok(text, *offset) => {}
            _ => self.check_value(
                kind,
                &Value::String(text.to_owned()),
                &mut path.to_owned(),
                out,
            ),
        }
    }

    /// Checks a whole number of `kind`, as [`Checker::check_value`] checks `Value::from(n)`,
    /// without making the `Value` or a path buffer.
    pub fn check_integer(&self, kind: &Kind<'_>, n: i64, path: &str, out: &mut Vec<FieldProblem>) {
        match kind {
            Kind::Integer { minimum, maximum } => integer_bounds(*minimum, *maximum, n, path, out),
            _ => self.check_value(kind, &Value::from(n), &mut path.to_owned(), out),
        }
    }

    /// Checks an integer enum's value by its text, as [`Checker::check_value`] checks the
    /// `Value` the enum serializes to (a number when its text is one, else that text as a
    /// string), without making the `Value` or a path buffer.
    pub fn check_integer_text(
        &self,
        kind: &Kind<'_>,
        text: &str,
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
            ) => self.check_enum_text(values, *any, &n.to_string(), path, out),
            (_, Ok(n)) => self.check_value(kind, &Value::from(n), &mut path.to_owned(), out),
            (_, Err(_)) => self.check_value(
                kind,
                &Value::String(text.to_owned()),
                &mut path.to_owned(),
                out,
            ),
        }
    }

    /// An exact amount of money at `path`, of the given shape: for a request, against the
    /// floor every request shares (more than 0, at most [`MAX_REQUEST_AMOUNT`]), the field's
    /// `bounds` and the region's decimal places. Typed requests and the emulator (which reads
    /// amounts from their own digits) call it.
    pub fn check_amount(
        &self,
        amount: Amount,
        shape: MoneyShape,
        bounds: Bounds<'_>,
        path: &str,
        out: &mut Vec<FieldProblem>,
    ) {
        if self.side == Side::Response {
            return;
        }
        let scale_ok = self.region.is_none_or(|r| amount.scale() <= r.money_scale);
        if amount.units() > 0 && scale_ok && bounds == (None, None) && amount <= MAX_AMOUNT {
            return;
        }
        // The text as it is sent: a string of the amount's digits, or a JSON number of them.
        let (key, text) = match shape {
            MoneyShape::ValueString => ("value", amount.to_string()),
            MoneyShape::AmountNumber => ("amount", amount.json_number()),
        };
        let at = join(path, key);
        self.amount_problems(amount, &text, bounds, &at, out);
    }

    /// An enum value, as text, against the values the region allows.
    fn check_enum_text(
        &self,
        values: &[&str],
        any: bool,
        text: &str,
        path: &str,
        out: &mut Vec<FieldProblem>,
    ) {
        if text.is_empty() && !(any && self.side == Side::Response) {
            // Never one of a request's values, even of an open enum.
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
                    "{text} is not allowed{}; use one of {}",
                    self.place(),
                    values.join(", ")
                ),
            );
        }
    }

    fn check_money(
        &self,
        shape: MoneyShape,
        bounds: Bounds<'_>,
        value: &Value,
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
        match (object.get("currency").and_then(Value::as_str), self.region) {
            (Some(c), Some(region)) if c != region.currency => problem(
                out,
                &join(path, "currency"),
                format!(
                    "is {c:?}, but {} amounts are in {}",
                    region.code, region.currency
                ),
            ),
            (Some(_), _) => {}
            (None, Some(region)) => problem(
                out,
                &join(path, "currency"),
                format!("required in {} (write {:?})", region.code, region.currency),
            ),
            (None, None) => problem(out, &join(path, "currency"), "required".to_owned()),
        }
        let at = join(path, key);
        let not_decimal = || match shape {
            MoneyShape::ValueString => "must be a decimal in a string, e.g. \"250000.00\"",
            MoneyShape::AmountNumber => "must be a decimal number, e.g. 10000 or 100.50",
        };
        let value = object.get(key);
        let text = match (shape, value) {
            (MoneyShape::ValueString, Some(Value::String(text))) => Some(text.clone()),
            (MoneyShape::AmountNumber, Some(number @ Value::Number(_))) => number_text(number),
            _ => None,
        };
        // A request's amount as a JSON number that `text` could not give as a plain decimal.
        let unwritten = match value {
            Some(Value::Number(n))
                if self.side == Side::Request && shape == MoneyShape::AmountNumber =>
            {
                Some(n)
            }
            _ => None,
        };
        match (text.map(|t| (t.parse::<Amount>(), t)), unwritten) {
            (Some((Ok(amount), text)), _) => {
                if self.side == Side::Request {
                    self.amount_problems(amount, &text, bounds, &at, out);
                }
            }
            // Too large or too small for a plain decimal, serde_json holds a number as a float
            // written with an exponent (1e+25, 1e-7): say what is wrong with it, rather than
            // that it is not a number.
            (None, Some(n)) => {
                let float = n.as_f64().unwrap_or_default();
                let message = if float <= 0.0 {
                    "must be more than 0".to_owned()
                } else if float >= 1.0 {
                    format!(
                        "is {n}; the largest amount a request may carry is {MAX_REQUEST_AMOUNT}"
                    )
                } else {
                    match self.region {
                        Some(region) => format!(
                            "is {n}; {} amounts have at most {} decimal places ({})",
                            region.code, region.money_scale, region.money_format
                        ),
                        None => "has too many decimal places".to_owned(),
                    }
                };
                problem(out, &at, message);
            }
            (Some((Err(_), _)), _) | (None, None) => problem(out, &at, not_decimal().to_owned()),
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

    /// What is wrong with a request's amount (written as `text`) at `at`: not more than 0,
    /// above [`MAX_REQUEST_AMOUNT`] or outside the field's `bounds`; and more decimal places
    /// than the region's format.
    fn amount_problems(
        &self,
        amount: Amount,
        text: &str,
        (minimum, maximum): Bounds<'_>,
        at: &str,
        out: &mut Vec<FieldProblem>,
    ) {
        let bound = |b: Option<&str>| b.and_then(|b| b.parse::<Amount>().ok());
        let message = if amount.units() <= 0 {
            Some("must be more than 0".to_owned())
        } else if amount > MAX_AMOUNT {
            Some(format!(
                "is {text}; the largest amount a request may carry is {MAX_REQUEST_AMOUNT}"
            ))
        } else if let Some(min) = bound(minimum)
            && amount < min
        {
            Some(format!(
                "is {text}; the least allowed{} is {min}",
                self.place()
            ))
        } else if let Some(max) = bound(maximum)
            && amount > max
        {
            Some(format!(
                "is {text}; the greatest allowed{} is {max}",
                self.place()
            ))
        } else {
            None
        };
        if let Some(message) = message {
            problem(out, at, message);
        }
        if let Some(region) = self.region
            && amount.scale() > region.money_scale
        {
            problem(
                out,
                at,
                format!(
                    "{text} has {} decimal places; {} amounts have at most {} ({})",
                    amount.scale(),
                    region.code,
                    region.money_scale,
                    region.money_format
                ),
            );
        }
    }
}

/// [`MAX_REQUEST_AMOUNT`] as an amount (a test holds the two together).
const MAX_AMOUNT: Amount = Amount::new(999_999_999_999_999, 0);

/// A problem at `path` (`(body)` for the body as a whole).
pub fn problem(out: &mut Vec<FieldProblem>, path: &str, message: String) {
    out.push(FieldProblem {
        path: if path.is_empty() {
            "(body)".to_owned()
        } else {
            path.to_owned()
        },
        message,
    });
}

/// `[i]` after `path`.
pub fn push_index(path: &mut String, i: usize) {
    let _ = write!(path, "[{i}]");
}

/// A list's number of items against `kind`'s bounds (nothing for another kind): what a typed
/// request's check calls for each list, as [`Checker::check_value`] counts them.
pub fn check_list_len(kind: &Kind<'_>, len: usize, path: &str, out: &mut Vec<FieldProblem>) {
    if let Kind::List {
        min_items,
        max_items,
        ..
    } = kind
    {
        list_len(*min_items, *max_items, len, path, out);
    }
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

/// A string's length and characters.
#[inline]
fn check_text(
    min_length: Option<u32>,
    max_length: Option<u32>,
    chars: Option<Chars>,
    pattern: Option<&Pattern<'_>>,
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
    check_text_slow(
        min_length, max_length, chars, pattern, text, within, path, out,
    );
}

/// [`check_text`] past its quick answer.
#[allow(
    clippy::too_many_arguments,
    reason = "check_text's own arguments, and what it found"
)]
fn check_text_slow(
    min_length: Option<u32>,
    max_length: Option<u32>,
    chars: Option<Chars>,
    pattern: Option<&Pattern<'_>>,
    text: &str,
    within: bool,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
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

fn check_limits(
    text: &str,
    minimum: Option<&str>,
    maximum: Option<&str>,
    path: &str,
    out: &mut Vec<FieldProblem>,
) {
    let Ok(amount) = text.parse::<Amount>() else {
        problem(out, path, format!("must be a decimal number, not {text}"));
        return;
    };
    if let Some(min) = minimum.and_then(|m| m.parse::<Amount>().ok())
        && amount < min
    {
        problem(out, path, format!("is {text}; the least allowed is {min}"));
    }
    if let Some(max) = maximum.and_then(|m| m.parse::<Amount>().ok())
        && amount > max
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_amount_is_one_number() {
        assert_eq!(MAX_REQUEST_AMOUNT.parse::<Amount>(), Ok(MAX_AMOUNT));
    }
}
