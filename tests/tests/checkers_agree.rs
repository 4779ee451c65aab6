//! One checker (`smilepayz-rules`), two ways to its rules: the generator builds them from the
//! spec at run time for the examples check (`smilepayz_codegen::model::check_object`), and
//! writes them into the SDK as `const` tables (`smilepayz::rules::check`, which the emulator
//! and `smilepayz call` use). For any body, in every region and endpoint, the two report the
//! same problems, word for word: the tables the generator writes are the rules it checks.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use smilepayz::Region;
use smilepayz_codegen::model::{RegionFacts, Side, check_object};

fn spec() -> smilepayz_codegen::Spec {
    smilepayz_codegen::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"))
        .expect("the repository spec loads")
}

/// Values worth putting anywhere: each kind, the edges of the usual limits, wrong shapes.
fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!("")),
        Just(json!(true)),
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(1)),
        Just(json!(2)),
        Just(json!(3)),
        Just(json!(1.5)),
        Just(json!(800.505)),
        Just(json!(1e300)),
        Just(json!(u64::MAX)),
        Just(json!("BALANCE")),
        Just(json!("AVAILABLE")),
        Just(json!("SUCCESS")),
        Just(json!("ab")),
        Just(json!("ABC123")),
        Just(json!("x".repeat(33))),
        Just(json!("x".repeat(129))),
        Just(json!("señal")),
        Just(json!("2024-06-11T13:12:00+07:00")),
        Just(json!([])),
        Just(json!(["BALANCE", "UNKNOWN"])),
        Just(json!({})),
        Just(json!({"currency": "THB", "amount": 1.005})),
        // Signs, zeros and sizes of amounts.
        Just(json!({"currency": "THB", "amount": -500000})),
        Just(json!({"currency": "THB", "amount": 0})),
        Just(json!({"currency": "PEN", "amount": -0.01})),
        Just(json!({"currency": "USDT", "amount": 0.0})),
        Just(json!({"currency": "THB", "amount": 1000000000000000u64})),
        Just(json!({"currency": "PEN", "value": "-12.5"})),
        Just(json!({"currency": "PEN", "value": "0"})),
        Just(json!(-0.0)),
        Just(json!(-100.25)),
        Just(json!({"currency": "PEN", "value": "12.5"})),
        "[A-Za-z0-9]{0,40}".prop_map(Value::String),
        any::<i64>().prop_map(|i| json!(i)),
    ]
}

/// A change to a body: remove, set or add a key at some depth.
#[derive(Debug, Clone)]
enum Change {
    Remove(prop::sample::Index),
    Set(prop::sample::Index, Value),
    Add(String, Value),
    Replace(Value),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        3 => any::<prop::sample::Index>().prop_map(Change::Remove),
        5 => (any::<prop::sample::Index>(), odd_value()).prop_map(|(i, v)| Change::Set(i, v)),
        1 => ("[a-z]{1,8}|orderNo|tradeNo|network", odd_value()).prop_map(|(k, v)| Change::Add(k, v)),
        1 => odd_value().prop_map(Change::Replace),
    ]
}

/// Every JSON path to an object member in `value`, as lists of keys and list indexes.
fn member_paths(value: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                at.push(Step::Key(k.clone()));
                out.push(at.clone());
                member_paths(v, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push(Step::Index(i));
                member_paths(v, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn get_mut<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k.as_str()),
        Step::Index(i) => v.get_mut(*i),
    })
}

fn apply(body: &mut Value, changes: &[Change]) {
    for change in changes {
        let mut paths = Vec::new();
        member_paths(body, &mut Vec::new(), &mut paths);
        match change {
            Change::Remove(i) if !paths.is_empty() => {
                let path = &paths[i.index(paths.len())];
                let (last, parent) = path.split_last().expect("a member");
                if let (Some(Value::Object(map)), Step::Key(k)) = (get_mut(body, parent), last) {
                    map.remove(k);
                }
            }
            Change::Set(i, v) if !paths.is_empty() => {
                let path = &paths[i.index(paths.len())];
                if let Some(slot) = get_mut(body, path) {
                    *slot = v.clone();
                }
            }
            Change::Add(k, v) => {
                if let Value::Object(map) = body {
                    map.insert(k.clone(), v.clone());
                }
            }
            Change::Replace(v) => *body = v.clone(),
            _ => {}
        }
    }
}

#[test]
fn the_written_tables_and_the_spec_s_rules_give_the_same_problems_for_any_body() {
    let spec = spec();
    let compared = Cell::new(0usize);
    let with_problems = Cell::new(0usize);
    for region in &spec.regions {
        let info = Region::ALL
            .iter()
            .find(|r| r.code() == region.spec.code)
            .expect("the SDK has every region of the spec")
            .info();
        let facts = RegionFacts {
            code: &region.spec.code,
            currency: &region.spec.currency,
            money_scale: region.money_scale,
            money_format: &region.spec.money_format,
        };
        for endpoint in &region.endpoints {
            let shared = spec.endpoint(&endpoint.id).expect("a gateway endpoint");
            let rules = info
                .endpoint(&endpoint.id)
                .expect("the SDK offers the same endpoints")
                .request_rules;
            let starts: Vec<Value> = endpoint
                .own
                .examples
                .iter()
                .filter_map(|e| e.request.as_ref().and_then(|r| r.body.clone()))
                .chain([json!({})])
                .collect();
            let mut runner = TestRunner::new(Config {
                cases: 200,
                failure_persistence: None,
                rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
                ..Config::default()
            });
            let strategy = (
                prop::sample::select(starts),
                prop::collection::vec(change(), 0..4),
            );
            let result = runner.run(&strategy, |(start, changes)| {
                let mut body = start;
                apply(&mut body, &changes);
                let mut generator = Vec::new();
                check_object(
                    &endpoint.request,
                    &shared.spec.at_least_one_of,
                    &body,
                    Some(facts),
                    Side::Request,
                    &mut String::new(),
                    &mut generator,
                );
                let generator: BTreeSet<(String, String)> = generator.into_iter().collect();
                let sdk: BTreeSet<(String, String)> =
                    match smilepayz::rules::check(rules, &body, info) {
                        Ok(()) => BTreeSet::new(),
                        Err(e) => e
                            .problems()
                            .iter()
                            .map(|p| (p.path.clone(), p.message.clone()))
                            .collect(),
                    };
                prop_assert_eq!(
                    &generator,
                    &sdk,
                    "{} {}: the checkers disagree on {}",
                    region.spec.code,
                    endpoint.id,
                    body
                );
                compared.set(compared.get() + 1);
                if !sdk.is_empty() {
                    with_problems.set(with_problems.get() + 1);
                }
                Ok(())
            });
            if let Err(e) = result {
                panic!("{e}");
            }
        }
    }
    let (compared, with_problems) = (compared.get(), with_problems.get());
    println!("{compared} bodies compared, {with_problems} with problems");
    assert!(
        with_problems > compared / 4 && with_problems < compared,
        "the bodies should both pass and fail: {with_problems} of {compared} had problems"
    );
}

/// The generator's pattern parser, with the SDK's matcher (`Pattern::matches` builds the table
/// the generated code writes and runs `smilepayz_rules::Pattern::matches`), agrees with the
/// `regex` crate, an independent implementation of the same patterns (anchored), on any
/// pattern of the language and any text.
#[test]
fn patterns_match_as_regex_does() {
    use smilepayz_codegen::pattern;

    let atom = prop_oneof![
        Just("a".to_owned()),
        Just("b".to_owned()),
        Just("-".to_owned()),
        Just("[a-c]".to_owned()),
        Just("[0-9K]".to_owned()),
        Just("\\.".to_owned()),
    ];
    let count = prop_oneof![
        Just(String::new()),
        Just("?".to_owned()),
        Just("*".to_owned()),
        Just("+".to_owned()),
        (0u32..4, 0u32..4).prop_map(|(a, b)| format!("{{{},{}}}", a.min(b), a.max(b).max(1))),
        (1u32..4).prop_map(|n| format!("{{{n}}}")),
        (0u32..3).prop_map(|n| format!("{{{n},}}")),
    ];
    let alternative = prop::collection::vec((atom, count).prop_map(|(a, c)| a + &c), 1..5)
        .prop_map(|parts| parts.concat());
    let patterns = prop::collection::vec(alternative, 1..3).prop_map(|alts| alts.join("|"));
    let texts = prop::collection::vec("[ab.K09-]{0,8}", 1..8);
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..Config::default()
    });
    let matched = Cell::new(0usize);
    runner
        .run(&(patterns, texts), |(text, inputs)| {
            let parsed = pattern::parse(&text).expect("the generated pattern parses");
            let oracle = regex::Regex::new(&format!("^(?:{text})$")).expect("regex reads it");
            for input in &inputs {
                let ours = parsed.matches(input);
                prop_assert_eq!(
                    ours,
                    oracle.is_match(input),
                    "{} on {:?}: regex",
                    text,
                    input
                );
                if ours {
                    matched.set(matched.get() + 1);
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matched.get() > 50,
        "too few texts matched: {}",
        matched.get()
    );
}
