//! Amounts: the bounds a spec may give money, and exact decimal text.

use super::*;

/// The largest amount any request may carry (15 digits before the decimal point): the
/// SDK's own constant.
pub use smilepayz_rules::MAX_REQUEST_AMOUNT;

/// The most digits an amount may be written with (what `Amount` keeps).
pub const MAX_AMOUNT_DIGITS: usize = smilepayz_rules::MAX_DIGITS;

/// A money field's own bounds in words ("from 10000 to 999999999"), if it has any.
pub fn money_range(money: &MoneyTy) -> Option<String> {
    match (&money.minimum, &money.maximum) {
        (Some(a), Some(b)) => Some(format!("from {a} to {b}")),
        (Some(a), None) => Some(format!("at least {a}")),
        (None, Some(b)) => Some(format!("at most {b}")),
        (None, None) => None,
    }
}

/// Why `text` cannot be a money bound (`minimum`, `maximum`), if it cannot.
pub fn money_bound_problem(text: &str) -> Option<String> {
    use std::cmp::Ordering::Greater;
    if parse_decimal(text).is_some_and(|(_, w, f)| w.len() + f.len() > MAX_AMOUNT_DIGITS) {
        return Some(format!(
            "{text} has more than {MAX_AMOUNT_DIGITS} digits, more than an amount keeps"
        ));
    }
    if compare_decimal(text, "0") != Some(Greater) {
        return Some(format!(
            "{text} is not more than 0, and every request amount must be more than 0"
        ));
    }
    if compare_decimal(text, MAX_REQUEST_AMOUNT) == Some(Greater) {
        return Some(format!(
            "{text} is more than {MAX_REQUEST_AMOUNT}, the largest amount any request may carry"
        ));
    }
    None
}

/// The spec's name of a money shape.
pub fn shape_name(shape: MoneyShape) -> &'static str {
    match shape {
        MoneyShape::ValueString => "value-string",
        MoneyShape::AmountNumber => "amount-number",
    }
}

/// Digits and scale of a plain decimal (`-12.50` is `(-1250, 2)`), without exponent.
pub fn parse_decimal(text: &str) -> Option<(bool, String, String)> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, f),
        None => (rest, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !digits(whole)
        || !digits(fraction)
        || (rest.contains('.') && fraction.is_empty())
    {
        return None;
    }
    Some((negative, whole.to_owned(), fraction.to_owned()))
}

/// Compares two plain decimals by value.
pub fn compare_decimal(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    let (an, aw, af) = parse_decimal(a)?;
    let (bn, bw, bf) = parse_decimal(b)?;
    let norm = |w: &str, f: &str, width: usize| {
        let w = w.trim_start_matches('0');
        let mut f = f.to_owned();
        while f.len() < width {
            f.push('0');
        }
        (w.len(), format!("{w}{f}"))
    };
    let width = af.len().max(bf.len());
    let (al, ad) = norm(&aw, &af, width);
    let (bl, bd) = norm(&bw, &bf, width);
    let zero = |d: &str| d.bytes().all(|b| b == b'0');
    let magnitude = al.cmp(&bl).then_with(|| ad.cmp(&bd));
    let (an, bn) = (an && !zero(&ad), bn && !zero(&bd));
    Some(match (an, bn) {
        (false, false) => magnitude,
        (true, true) => magnitude.reverse(),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
    })
}
