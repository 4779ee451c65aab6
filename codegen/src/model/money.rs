//! Amounts: the bounds a spec may give money, and exact decimal text.

use smilepayz_rules::{Amount, AmountError};

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
    if let Some(why) = decimal_too_long(text) {
        return Some(why);
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

/// Why a plain decimal is too long to be a bound, if it is: the checker reads bounds as
/// `Amount`s, which keep at most 38 digits (leading zeros count), and a bound it cannot read
/// would be no bound at all.
pub fn decimal_too_long(text: &str) -> Option<String> {
    matches!(text.parse::<Amount>(), Err(AmountError::TooLong(_))).then(|| {
        format!("{text} has more than {MAX_AMOUNT_DIGITS} digits, more than an amount keeps")
    })
}

/// The spec's name of a money shape.
pub fn shape_name(shape: MoneyShape) -> &'static str {
    match shape {
        MoneyShape::ValueString => "value-string",
        MoneyShape::AmountNumber => "amount-number",
    }
}

/// Whether `text` is a plain decimal (digits, an optional leading `-`, at most one `.` with
/// digits on both sides, no exponent), however many digits it has: what `Amount` reads, its
/// 38-digit limit aside (a bound beyond it gets its own message: [`decimal_too_long`]).
pub fn is_plain_decimal(text: &str) -> bool {
    matches!(text.parse::<Amount>(), Ok(_) | Err(AmountError::TooLong(_)))
}

/// Compares two decimals by value, exactly, as the SDK's `Amount` does; `None` unless both
/// are amounts it reads.
pub fn compare_decimal(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    Some(a.parse::<Amount>().ok()?.cmp(&b.parse::<Amount>().ok()?))
}
