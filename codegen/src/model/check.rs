//! Checking a JSON value against resolved fields: the examples check, and the conditions
//! (`required_when`) every checker shares.

use super::*;

/// Every field with a condition under `fields`, by JSON path through objects (not lists).
pub fn conditions<'f>(
    prefix: &str,
    fields: &'f [Field],
    out: &mut Vec<(String, &'f RequiredWhen)>,
) {
    for field in fields {
        let path = if prefix.is_empty() {
            field.name.clone()
        } else {
            format!("{prefix}.{}", field.name)
        };
        if let Some(condition) = &field.required_when {
            out.push((path.clone(), condition));
        }
        if let Ty::Object {
            object,
            one_or_many: false,
        } = &field.ty
        {
            conditions(&path, &object.fields, out);
        }
    }
}

/// The conditional requirements of `fields` against the whole `body`: each field whose
/// condition holds and which is absent (or null, or under an absent object) is reported, in
/// the order of the fields, as the SDK's `rules::check_required_when` does.
pub fn check_conditions(
    fields: &[Field],
    body: &Value,
    region: Option<&str>,
    out: &mut Vec<(String, String)>,
) {
    let mut found = Vec::new();
    conditions("", fields, &mut found);
    for (path, condition) in found {
        let decided = match body.get(&condition.field) {
            Some(Value::String(t)) => Some(t.clone()),
            Some(Value::Number(n)) if n.is_i64() => Some(n.to_string()),
            _ => None,
        };
        let Some(value) = decided.filter(|v| condition.values.contains(v)) else {
            continue;
        };
        let mut node = Some(body);
        for part in path.split('.') {
            node = node.and_then(|n| n.get(part)).filter(|n| !n.is_null());
        }
        if node.is_none() {
            let place = region.map(|r| format!(" in {r}")).unwrap_or_default();
            out.push((
                path,
                format!("required{place} when {} is {value}", condition.field),
            ));
        }
    }
}

/// What an example value is checked for: a request (limits and allowed values apply) or a
/// response (open enums take any value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A request body.
    Request,
    /// A response body.
    Response,
}

/// The region facts an example is checked against.
#[derive(Debug, Clone, Copy)]
pub struct RegionFacts<'a> {
    /// Its code.
    pub code: &'a str,
    /// Its currency.
    pub currency: &'a str,
    /// Its money scale.
    pub scale: u8,
    /// Its money format, e.g. `#.##`.
    pub format: &'a str,
}

/// Checks a JSON value against fields, collecting `(json path, message)` problems.
pub fn check_object(
    fields: &[Field],
    groups: &[Vec<String>],
    value: &Value,
    region: Option<RegionFacts<'_>>,
    side: Side,
    path: &mut String,
    out: &mut Vec<(String, String)>,
) {
    let Some(object) = value.as_object() else {
        out.push((
            shown(path),
            format!("must be a JSON object, not {}", json_kind(value)),
        ));
        return;
    };
    for field in fields {
        if field.required && object.get(&field.name).is_none_or(Value::is_null) {
            let place = region
                .map(|r| format!(" in {}", r.code))
                .unwrap_or_default();
            out.push((join(path, &field.name), format!("required{place}")));
        }
    }
    for group in groups {
        if !group
            .iter()
            .any(|name| object.get(name).is_some_and(|v| !v.is_null() && v != ""))
        {
            let place = region
                .map(|r| format!(" in {}", r.code))
                .unwrap_or_default();
            out.push((
                shown(path),
                format!("needs at least one of {}{place}", group.join(", ")),
            ));
        }
    }
    for (name, item) in object {
        let Some(field) = fields.iter().find(|f| &f.name == name) else {
            let known: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
            let place = region
                .map(|r| format!(" in {}", r.code))
                .unwrap_or_default();
            out.push((
                join(path, name),
                format!(
                    "is not a field of this message{place}; its fields are {}",
                    known.join(", ")
                ),
            ));
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
        check_value(&field.ty, item, region, side, path, out);
        path.truncate(len);
    }
    // The whole body's conditional requirements, after everything else.
    if path.is_empty() && side == Side::Request {
        check_conditions(fields, value, region.map(|r| r.code), out);
    }
}

pub(crate) fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

pub(crate) fn shown(path: &str) -> String {
    if path.is_empty() {
        "(body)".to_owned()
    } else {
        path.to_owned()
    }
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Checks one value against a type.
pub fn check_value(
    ty: &Ty,
    value: &Value,
    region: Option<RegionFacts<'_>>,
    side: Side,
    path: &mut String,
    out: &mut Vec<(String, String)>,
) {
    let mut bad = |message: String| out.push((shown(path), message));
    match ty {
        Ty::String {
            min_length,
            max_length,
            chars,
            pattern,
        } => match value.as_str() {
            None => bad(format!("must be a string, not {}", json_kind(value))),
            Some(text) => {
                let n = text.chars().count();
                if let Some(min) = min_length
                    && n < *min as usize
                {
                    bad(format!("is {n} characters long; at least {min} are needed"));
                }
                if let Some(max) = max_length
                    && n > *max as usize
                {
                    bad(format!("is {n} characters long; at most {max} are allowed"));
                }
                if let Some(set) = chars
                    && !text.chars().all(|c| in_set(*set, c))
                {
                    let what = match set {
                        CharSet::Alphanumeric => "letters and digits (A-Z, a-z, 0-9)",
                        CharSet::Digits => "digits",
                        CharSet::Ascii => "printable ASCII characters",
                    };
                    bad(format!("may hold only {what}"));
                }
                if let Some(pattern) = pattern
                    && !pattern.matches(text)
                {
                    bad(pattern.message());
                }
            }
        },
        Ty::Integer { minimum, maximum } => match value.as_i64() {
            None => bad(format!("must be a whole number, not {value}")),
            Some(n) => {
                if let Some(min) = minimum
                    && n < *min
                {
                    bad(format!("is {n}; the least allowed is {min}"));
                }
                if let Some(max) = maximum
                    && n > *max
                {
                    bad(format!("is {n}; the greatest allowed is {max}"));
                }
            }
        },
        Ty::Decimal { minimum, maximum } => match decimal_text(value) {
            None => bad(format!("must be a decimal number, not {value}")),
            Some(text) => {
                if let Some(min) = minimum
                    && compare_decimal(&text, min) == Some(std::cmp::Ordering::Less)
                {
                    bad(format!("is {text}; the least allowed is {min}"));
                }
                if let Some(max) = maximum
                    && compare_decimal(&text, max) == Some(std::cmp::Ordering::Greater)
                {
                    bad(format!("is {text}; the greatest allowed is {max}"));
                }
            }
        },
        Ty::Boolean => {
            if !value.is_boolean() {
                bad(format!("must be true or false, not {value}"));
            }
        }
        Ty::Timestamp { offset } => match value.as_str() {
            Some(text) if timestamp_ok(text, *offset) => {}
            _ => bad(format!(
                "must be a timestamp {}, not {value}",
                if *offset {
                    "yyyy-MM-ddTHH:mm:ss±HH:mm"
                } else {
                    "yyyy-MM-ddTHH:mm:ss (no offset)"
                }
            )),
        },
        Ty::Enum(e) => {
            let text = match value {
                Value::String(t) if !e.integer => Some(t.clone()),
                Value::Number(n) if e.integer && n.is_i64() => Some(n.to_string()),
                _ => None,
            };
            match text {
                None => bad(format!(
                    "must be {}, not {value}",
                    if e.integer {
                        "a whole number"
                    } else {
                        "a string"
                    }
                )),
                Some(text) => {
                    let listed = e.variants.iter().any(|v| v.wire == text);
                    let allowed = match (&e.allowed, side) {
                        (Some(allowed), Side::Request) => allowed.contains(&text),
                        // An empty value is never one of an enum's, even of an open one.
                        _ => listed || (e.open && !(text.is_empty() && side == Side::Request)),
                    };
                    if !allowed && text.is_empty() {
                        let choices = match (&e.allowed, side) {
                            (Some(a), Side::Request) => a.clone(),
                            _ => e.variants.iter().map(|v| v.wire.clone()).collect(),
                        };
                        bad(format!("is empty; send one of {}", choices.join(", ")));
                    } else if !allowed {
                        let choices = match (&e.allowed, side) {
                            (Some(a), Side::Request) => a.clone(),
                            _ => e.variants.iter().map(|v| v.wire.clone()).collect(),
                        };
                        let place = region
                            .map(|r| format!(" in {}", r.code))
                            .unwrap_or_default();
                        bad(format!(
                            "{text} is not allowed{place}; use one of {}",
                            choices.join(", ")
                        ));
                    }
                }
            }
        }
        Ty::List {
            item,
            min_items,
            max_items,
        } => match value.as_array() {
            None => bad(format!("must be a list, not {}", json_kind(value))),
            Some(items) => {
                if let Some(min) = min_items
                    && items.len() < *min as usize
                {
                    bad(format!(
                        "has {} items; at least {min} are needed",
                        items.len()
                    ));
                }
                if let Some(max) = max_items
                    && items.len() > *max as usize
                {
                    bad(format!(
                        "has {} items; at most {max} are allowed",
                        items.len()
                    ));
                }
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    check_value(item, v, region, side, path, out);
                    path.truncate(len);
                }
            }
        },
        Ty::Object {
            object,
            one_or_many,
        } => match value.as_array() {
            Some(items) if *one_or_many => {
                if items.is_empty() {
                    bad("must hold at least one entry".to_owned());
                }
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    check_object(
                        &object.fields,
                        &object.at_least_one_of,
                        v,
                        region,
                        side,
                        path,
                        out,
                    );
                    path.truncate(len);
                }
            }
            _ => check_object(
                &object.fields,
                &object.at_least_one_of,
                value,
                region,
                side,
                path,
                out,
            ),
        },
        Ty::Money(money) => {
            let shape = &money.shape;
            let Some(object) = value.as_object() else {
                bad(format!(
                    "must be money, an object with currency and {}",
                    amount_key(*shape)
                ));
                return;
            };
            let currency = object.get("currency").and_then(Value::as_str);
            match (currency, region) {
                (Some(c), Some(region)) if c != region.currency => out.push((
                    join(path, "currency"),
                    format!(
                        "is {c:?}, but {} amounts are in {}",
                        region.code, region.currency
                    ),
                )),
                (None, Some(region)) => out.push((
                    join(path, "currency"),
                    format!("required in {} (write {:?})", region.code, region.currency),
                )),
                (None, None) => out.push((join(path, "currency"), "required".to_owned())),
                _ => {}
            }
            let amount_key = amount_key(*shape);
            let amount = object.get(amount_key);
            let text = match (shape, amount) {
                (MoneyShape::ValueString, Some(Value::String(t))) => Some(t.clone()),
                (MoneyShape::AmountNumber, Some(v @ Value::Number(_))) => decimal_text(v),
                _ => None,
            };
            // A plain decimal of at most 38 digits, as the SDK's `Amount` reads (leading zeros
            // count), so the two checkers agree on every text.
            let exact = |t: &String| {
                parse_decimal(t).is_some_and(|(_, w, f)| w.len() + f.len() <= MAX_AMOUNT_DIGITS)
            };
            match text.filter(exact) {
                // Too large or too small for a plain decimal, serde_json holds the number as a
                // float written with an exponent: say what is wrong with it (as the SDK does).
                None if *shape == MoneyShape::AmountNumber
                    && side == Side::Request
                    && let Some(float) = amount.and_then(Value::as_f64) =>
                {
                    let message = if float <= 0.0 {
                        "must be more than 0".to_owned()
                    } else if float >= 1.0 {
                        format!(
                            "is {}; the largest amount a request may carry is {MAX_REQUEST_AMOUNT}",
                            amount.map(Value::to_string).unwrap_or_default()
                        )
                    } else {
                        match region {
                            Some(region) => format!(
                                "is {}; {} amounts have at most {} decimal places ({})",
                                amount.map(Value::to_string).unwrap_or_default(),
                                region.code,
                                region.scale,
                                region.format
                            ),
                            None => "has too many decimal places".to_owned(),
                        }
                    };
                    out.push((join(path, amount_key), message));
                }
                None => out.push((
                    join(path, amount_key),
                    match shape {
                        MoneyShape::ValueString => {
                            "must be a decimal in a string, e.g. \"250000.00\"".to_owned()
                        }
                        MoneyShape::AmountNumber => {
                            "must be a decimal number, e.g. 10000 or 100.50".to_owned()
                        }
                    },
                )),
                Some(text) => {
                    let scale = parse_decimal(&text).map_or(0, |(_, _, f)| f.len());
                    if side == Side::Request
                        && let Some(problem) = amount_problem(&text, money, region.map(|r| r.code))
                    {
                        out.push((join(path, amount_key), problem));
                    }
                    if side == Side::Request
                        && let Some(region) = region
                        && scale > region.scale as usize
                    {
                        out.push((
                            join(path, amount_key),
                            format!(
                                "{text} has {scale} decimal places; {} amounts have at most {} ({})",
                                region.code, region.scale, region.format
                            ),
                        ));
                    }
                }
            }
            for k in object.keys() {
                if k != "currency" && k != amount_key {
                    out.push((
                        join(path, k),
                        format!("is not a field of money; money has currency and {amount_key}"),
                    ));
                }
            }
        }
        Ty::JsonObject => {
            if !(value.is_object() || value.is_string()) {
                bad("must be a JSON object, or a string holding one".to_owned());
            }
        }
        Ty::JsonString => match value.as_str() {
            None => bad("must be a string holding JSON".to_owned()),
            Some(text)
                if !text.is_empty()
                    && serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() =>
            {
                bad(format!("must be a string holding JSON, not {text:?}"));
            }
            Some(_) => {}
        },
    }
}

pub(crate) fn amount_key(shape: MoneyShape) -> &'static str {
    match shape {
        MoneyShape::ValueString => "value",
        MoneyShape::AmountNumber => "amount",
    }
}

pub(crate) fn decimal_text(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) => {
            let text = n.to_string();
            parse_decimal(&text).map(|_| text)
        }
        _ => None,
    }
}

pub(crate) fn in_set(set: CharSet, c: char) -> bool {
    match set {
        CharSet::Alphanumeric => c.is_ascii_alphanumeric(),
        CharSet::Digits => c.is_ascii_digit(),
        CharSet::Ascii => (' '..='~').contains(&c),
    }
}

/// `yyyy-MM-ddTHH:mm:ss` with (`±HH:MM`) or without an offset.
pub fn timestamp_ok(text: &str, offset: bool) -> bool {
    let b = text.as_bytes();
    let expected = if offset { 25 } else { 19 };
    if b.len() != expected {
        return false;
    }
    let digit = |i: usize| b[i].is_ascii_digit();
    let shape = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        .iter()
        .all(|&i| digit(i))
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':';
    shape && (!offset || parse_offset(&text[19..]).is_some())
}

/// Parses `±HH:MM` into seconds east of UTC, within the offsets in use (-12:00 to +14:00).
pub fn parse_offset(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    if bytes.len() != 6 || bytes[3] != b':' {
        return None;
    }
    let sign = match bytes[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits = |s: &[u8]| -> Option<i32> {
        if s.iter().all(u8::is_ascii_digit) {
            Some(i32::from(s[0] - b'0') * 10 + i32::from(s[1] - b'0'))
        } else {
            None
        }
    };
    let hours = digits(&bytes[1..3])?;
    let minutes = digits(&bytes[4..6])?;
    let seconds = sign * (hours * 3600 + minutes * 60);
    (minutes < 60 && (-12 * 3600..=14 * 3600).contains(&seconds)).then_some(seconds)
}
