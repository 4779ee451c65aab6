//! The generated request checks (`check_request`, what `validate` and `build` run) hold to
//! [`super::check`] of the `Value` a request serializes to: the same problems, word for word,
//! in the same order, on mutated requests of every region and endpoint. (Their amounts come
//! from `Value`s, so a float carries each exactly; where one would not, the typed check counts
//! the amount's own digits, which `typed_money_is_checked_on_its_own_digits` tests.) On the same requests,
//! the body the generated writer writes (`ApiRequest::write_body`, what the client sends) is
//! the bytes `serde_json::to_vec` writes.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRunner};
use serde_json::{Value, json};

use crate::endpoints::{inquiry_balance, inquiry_status, pay_in, pay_out};
use crate::regions::{pen::Pen, thb::Thb, usdt::Usdt};
use crate::{Example, RegionSpec};

fn odd() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!("")),
        Just(json!("ab")),
        Just(json!("x".repeat(40))),
        Just(json!("12345678901234567890")),
        Just(json!("S20001A1B2C3")),
        Just(json!("2024-06-11T13:12:00+07:00")),
        Just(json!(0)),
        Just(json!(2)),
        Just(json!(99_999)),
        Just(json!(100.505)),
        // Signs, zeros and sizes: every request amount is more than 0 and at most 15 digits.
        Just(json!(-500_000)),
        Just(json!(-0.0)),
        Just(json!(-100.25)),
        Just(json!(0.0)),
        Just(json!(999_999_999_999_999u64)),
        Just(json!(1_000_000_000_000_000u64)),
        Just(json!(u64::MAX)),
        Just(json!(1e25)),
        Just(json!(-1e25)),
        Just(json!(true)),
        Just(json!([])),
        Just(json!(["BALANCE", "AVAILABLE"])),
        Just(json!({})),
        Just(json!({"currency": "USD", "amount": 1})),
        Just(json!({"currency": "THB", "amount": 1.001})),
        Just(json!({"currency": "THB", "amount": -500_000})),
        Just(json!({"currency": "THB", "amount": 0})),
        Just(json!({"currency": "PEN", "amount": -0.01})),
        Just(json!({"currency": "USDT", "amount": 0.0})),
        Just(json!({"name": "n"})),
        Just(json!(
            "quote \" slash / backslash \\ tab \t newline \n \u{1} \u{7f} é 😀"
        )),
        "[A-Z]{3,8}".prop_map(Value::String),
    ]
}

fn keys(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if let Value::Object(map) = value {
        for (k, v) in map {
            at.push(k.clone());
            out.push(at.clone());
            keys(v, at, out);
            at.pop();
        }
    }
}

/// Mutates example requests, reads them as the typed request where they still read, and
/// compares the region's generated check with the `Value` checker. Returns how many of the
/// requests broke a rule, so that the test can tell it met enough of them.
fn agree<Q: crate::ApiRequest>(
    examples: &[Example],
    rules: &super::Object,
    info: &crate::RegionInfo,
) -> usize {
    let starts: Vec<Value> = examples
        .iter()
        .filter_map(|e| e.request.and_then(|m| m.body))
        .filter_map(|b| serde_json::from_str(b).ok())
        .collect();
    if starts.is_empty() {
        return 0;
    }
    let with_problems = std::cell::Cell::new(0usize);
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        ..Config::default()
    });
    let strategy = (
        prop::sample::select(starts),
        prop::collection::vec((any::<prop::sample::Index>(), odd(), any::<bool>()), 0..4),
    );
    runner
        .run(&strategy, |(mut body, changes)| {
            for (at, value, remove) in changes {
                let mut paths = Vec::new();
                keys(&body, &mut Vec::new(), &mut paths);
                if paths.is_empty() {
                    continue;
                }
                let path = &paths[at.index(paths.len())];
                let (last, parent) = path.split_last().expect("a key");
                let mut node = &mut body;
                for k in parent {
                    node = &mut node[k.as_str()];
                }
                if let Value::Object(map) = node {
                    if remove {
                        map.remove(last);
                    } else {
                        map.insert(last.clone(), value);
                    }
                }
            }
            let Ok(typed) = serde_json::from_value::<Q>(body) else {
                return Ok(());
            };
            let as_value = serde_json::to_value(&typed).expect("serializes");
            // The body the client sends is written by generated code, not serde: the same
            // bytes.
            let mut body = Vec::new();
            typed.write_body(&mut body);
            let serde_body = serde_json::to_vec(&typed).expect("serializes");
            prop_assert_eq!(
                String::from_utf8_lossy(&body),
                String::from_utf8_lossy(&serde_body),
                "{} body written by the generated writer differs",
                info.code
            );
            let slow = super::check(rules, &as_value, info)
                .err()
                .map(|e| e.problems().to_vec())
                .unwrap_or_default();
            if !slow.is_empty() {
                with_problems.set(with_problems.get() + 1);
            }
            // The generated check of the region is what `validate` runs.
            let generated = typed
                .validate()
                .err()
                .map(|e| e.problems().to_vec())
                .unwrap_or_default();
            prop_assert_eq!(
                &generated,
                &slow,
                "{} generated check disagrees on {}",
                info.code,
                as_value
            );
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    with_problems.get()
}

fn region<R>() -> usize
where
    R: RegionSpec
        + inquiry_balance::InquiryBalanceVariant
        + inquiry_status::InquiryStatusVariant
        + pay_in::PayInVariant
        + pay_out::PayOutVariant,
{
    let info = &R::INFO;
    agree::<inquiry_balance::InquiryBalanceRequest<R>>(
        <R as inquiry_balance::InquiryBalanceVariant>::EXAMPLES,
        &<R as inquiry_balance::InquiryBalanceVariant>::REQUEST_RULES,
        info,
    ) + agree::<inquiry_status::InquiryStatusRequest<R>>(
        <R as inquiry_status::InquiryStatusVariant>::EXAMPLES,
        &<R as inquiry_status::InquiryStatusVariant>::REQUEST_RULES,
        info,
    ) + agree::<pay_in::PayInRequest<R>>(
        <R as pay_in::PayInVariant>::EXAMPLES,
        &<R as pay_in::PayInVariant>::REQUEST_RULES,
        info,
    ) + agree::<pay_out::PayOutRequest<R>>(
        <R as pay_out::PayOutVariant>::EXAMPLES,
        &<R as pay_out::PayOutVariant>::REQUEST_RULES,
        info,
    )
}

/// The generated checks count typed money's decimal places on its own digits. Where a float
/// carries the amount exactly (at most 15 digits and 4 decimal places, no trailing zeros),
/// that is what checking the `Value` it serializes to finds; beyond, the `Value` holds a
/// float, and the typed check must give the exact answer instead.
#[test]
fn typed_money_is_checked_on_its_own_digits() {
    use crate::rules::{Kind, MoneyShape};
    use crate::{Amount, FieldProblem, Money, TransactionMoney};

    fn compare<R: RegionSpec, M: crate::money::TypedMoney>(
        shape: MoneyShape,
        money: &M,
        text: &str,
    ) {
        let kind = Kind::Money {
            shape,
            minimum: None,
            maximum: None,
        };
        let mut typed: Vec<FieldProblem> = Vec::new();
        super::check_typed_money(&kind, money, &R::INFO, "money", &mut typed);
        let amount = money.typed_amount();
        let significant = text.trim_start_matches('-').trim_start_matches(['0', '.']);
        let float_exact = amount.scale() <= 4
            && significant.chars().filter(char::is_ascii_digit).count() <= 15
            && !(text.contains('.') && text.ends_with('0'));
        if float_exact || shape == MoneyShape::ValueString {
            let json = serde_json::to_value(money).expect("JSON");
            let mut slow: Vec<FieldProblem> = Vec::new();
            super::check_value(&kind, &json, &R::INFO, &mut "money".to_owned(), &mut slow);
            assert_eq!(typed, slow, "{} {text} as {shape:?}", R::INFO.code);
        }
        // Whatever a float would make of it: refused when it is not more than 0 or above the
        // largest request amount, and when it has more decimal places than the region's money.
        let max: Amount = super::MAX_REQUEST_AMOUNT
            .parse()
            .expect("the largest amount");
        let out_of_range = amount.units() <= 0 || amount > max;
        let too_fine = amount.scale() > R::INFO.money_scale;
        assert_eq!(
            typed.len(),
            usize::from(out_of_range) + usize::from(too_fine),
            "{} {text} as {shape:?}: {typed:?}",
            R::INFO.code
        );
        if amount.units() <= 0 {
            assert_eq!(typed[0].message, "must be more than 0", "{text}");
        } else if out_of_range {
            assert!(typed[0].message.contains("the largest amount"), "{text}");
        }
        if too_fine {
            let last = &typed[typed.len() - 1].message;
            assert!(last.starts_with(text), "{} {text}: {last}", R::INFO.code);
        }
    }
    fn both<R: RegionSpec>(text: &str) {
        let amount: Amount = text.parse().expect("an amount");
        compare::<R, _>(
            MoneyShape::AmountNumber,
            &TransactionMoney::<R>::unchecked(amount),
            text,
        );
        compare::<R, _>(MoneyShape::ValueString, &Money::<R>::new(amount), text);
    }
    for text in [
        "0",
        "-0",
        "-0.00",
        "0.0001",
        "0.001",
        "0.01",
        "0.1",
        "0.5",
        "1",
        "100.50",
        "100.505",
        "100.500",
        "1.0001",
        "-0.0001",
        "99999999999.9999",
        "999999999999999",
        "100000000000000",
        "1000000000000000",
        "123456789012345.6",
        "0.00001",
        "12345678901234567890.12",
        "4503599627370497.5",
        "100.500000000000000001",
    ] {
        both::<Thb>(text);
        both::<Pen>(text);
        both::<Usdt>(text);
    }
}

#[test]
fn generated_checks_give_what_checking_a_value_gives() {
    use crate::regions::{brl::Brl, clp::Clp, cop::Cop, idr::Idr, inr::Inr, mxn::Mxn, php::Php};
    let broken = region::<Thb>()
        + region::<Pen>()
        + region::<Usdt>()
        + region::<Idr>()
        + region::<Inr>()
        + region::<Brl>()
        + region::<Mxn>()
        + region::<Cop>()
        + region::<Clp>()
        + region::<Php>();
    assert!(
        broken > 100,
        "the mutations should make many requests that break rules: {broken}"
    );
}
