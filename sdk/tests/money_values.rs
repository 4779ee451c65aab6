//! Money compares, hashes and orders by value, adds and subtracts exactly, and converts to and
//! from minor units by the region's scale, while keeping the gateway's text.

use std::collections::HashSet;

use proptest::prelude::*;
use smilepayz::regions::{thb::Thb, usdt::Usdt};
use smilepayz::{Amount, Money, TransactionMoney};

fn a(text: &str) -> Amount {
    text.parse().expect("an amount")
}

#[test]
fn equal_values_are_equal_whatever_their_text() {
    assert_eq!(a("12.5"), a("12.50"));
    assert_eq!(a("012.500"), a("12.5"));
    assert_eq!(a("-0.00"), a("0"));
    assert_ne!(a("12.5"), a("12.05"));
    let set: HashSet<Amount> = ["12.5", "12.50", "12.500", "012.5"]
        .iter()
        .map(|t| a(t))
        .collect();
    assert_eq!(set.len(), 1, "equal values hash alike");
    // The text is kept for display and for writing back.
    assert_eq!(a("12.50").to_string(), "12.50");
    assert_eq!(a("012.500").to_string(), "012.500");
    let m: Money<Thb> =
        serde_json::from_str(r#"{"currency":"THB","value":"250000.50"}"#).expect("reads");
    let n: Money<Thb> =
        serde_json::from_str(r#"{"currency":"THB","value":"250000.5"}"#).expect("reads");
    assert_eq!(m, n);
    assert_eq!(
        serde_json::to_string(&m).expect("writes"),
        r#"{"currency":"THB","value":"250000.50"}"#
    );
}

#[test]
fn ordering_is_by_value() {
    let mut amounts: Vec<Amount> = ["10", "9.99", "-1", "-1.5", "0.001", "0", "10.000", "1e"]
        .iter()
        .filter_map(|t| t.parse().ok())
        .collect();
    amounts.sort();
    let texts: Vec<String> = amounts.iter().map(ToString::to_string).collect();
    assert_eq!(texts, ["-1.5", "-1", "0", "0.001", "9.99", "10", "10.000"]);
    let big = a("99999999999999999999999999999999999999");
    let tiny = a("0.0000000000000000000000000000000000001");
    assert!(big > tiny && tiny > a("0"));
    let low: TransactionMoney<Thb> = TransactionMoney::parse("100.05").expect("amount");
    let high: TransactionMoney<Thb> = TransactionMoney::parse("100.5").expect("amount");
    assert!(low < high);
    assert_eq!(low.max(high), high);
}

#[test]
fn arithmetic_is_exact_and_checked() {
    let x: TransactionMoney<Thb> = TransactionMoney::parse("100.50").expect("amount");
    let y: TransactionMoney<Thb> = TransactionMoney::parse("0.7").expect("amount");
    assert_eq!(x.checked_add(y).expect("sum").to_string(), "101.20 THB");
    assert_eq!(
        x.checked_sub(y).expect("difference").to_string(),
        "99.80 THB"
    );
    // Money for a request is more than 0: a difference that is not has no such money.
    assert_eq!(y.checked_sub(x), None);
    assert_eq!(x.checked_sub(x), None);
    assert_eq!(y.amount().checked_sub(x.amount()), Some(a("-99.80")));
    let max = a("99999999999999999999999999999999999999");
    assert_eq!(max.checked_add(a("1")), None, "more than 38 digits");
    assert_eq!(a("0.1").checked_add(a("0.2")), Some(a("0.3")));
}

#[test]
fn minor_units_follow_the_region_money_format() {
    let thb: TransactionMoney<Thb> = TransactionMoney::parse("100.5").expect("amount");
    assert_eq!(thb.to_minor_units(), Some(10050));
    assert_eq!(
        TransactionMoney::<Thb>::from_minor_units(10050)
            .expect("more than 0")
            .to_string(),
        "100.50 THB"
    );
    let usdt: TransactionMoney<Usdt> = TransactionMoney::parse("1.5").expect("amount");
    assert_eq!(usdt.to_minor_units(), Some(15000));
    // Three decimals do not fit THB's two: no silent rounding.
    let odd: TransactionMoney<Thb> = TransactionMoney::parse("1.005").expect("amount");
    assert_eq!(odd.to_minor_units(), None);
    // Trailing zeros beyond the scale are fine: the value fits.
    let zeros: TransactionMoney<Thb> = TransactionMoney::parse("1.500").expect("amount");
    assert_eq!(zeros.to_minor_units(), Some(150));
}

proptest! {
    #[test]
    fn ordering_agrees_with_rescaled_integers(
        u in -1_000_000_000i64..1_000_000_000,
        su in 0u8..6,
        v in -1_000_000_000i64..1_000_000_000,
        sv in 0u8..6,
    ) {
        let (x, y) = (Amount::new(i128::from(u), su), Amount::new(i128::from(v), sv));
        let scale = su.max(sv);
        let xs = i128::from(u) * 10i128.pow(u32::from(scale - su));
        let ys = i128::from(v) * 10i128.pow(u32::from(scale - sv));
        prop_assert_eq!(x.cmp(&y), xs.cmp(&ys));
        prop_assert_eq!(x == y, xs == ys);
        let sum = x.checked_add(y).expect("small");
        prop_assert_eq!(sum.units(), xs + ys);
        prop_assert_eq!(sum.checked_sub(y).expect("small"), x);
    }
}

#[test]
fn money_made_for_a_request_is_more_than_zero() {
    for text in ["0", "-0", "-0.00", "-1", "-500000", "-0.0001"] {
        let error = TransactionMoney::<Thb>::parse(text).expect_err(text);
        assert!(
            matches!(error, smilepayz::AmountError::NotPositive(_)),
            "{text}: {error:?}"
        );
        assert!(
            error.to_string().contains("is not more than 0"),
            "{text}: {error}"
        );
        assert!(TransactionMoney::<Usdt>::new(a(text)).is_err(), "{text}");
    }
    assert!(TransactionMoney::<Thb>::from_minor_units(0).is_err());
    assert!(TransactionMoney::<Thb>::from_minor_units(-10050).is_err());
    assert_eq!(
        TransactionMoney::<Thb>::parse("0.01")
            .expect("more than 0")
            .to_minor_units(),
        Some(1)
    );
    // What the gateway sends is read as sent, whatever its sign (a response is not a request).
    let read: TransactionMoney<Thb> =
        serde_json::from_str(r#"{"currency":"THB","amount":-5}"#).expect("read");
    assert_eq!(read.amount(), a("-5"));
}

proptest! {
    /// Any sign and scale: a request's money can be made exactly when the amount is more
    /// than 0, and then holds that amount.
    #[test]
    fn request_money_is_made_exactly_for_positive_amounts(
        units in prop_oneof![Just(0i64), -1_000_000_000i64..1_000_000_000],
        scale in 0u8..6,
    ) {
        let amount = Amount::new(i128::from(units), scale);
        let made = TransactionMoney::<Thb>::new(amount);
        prop_assert_eq!(made.is_ok(), units > 0);
        if let Ok(money) = made {
            prop_assert_eq!(money.amount(), amount);
        }
    }
}
