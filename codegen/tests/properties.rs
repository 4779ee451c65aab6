//! Property tests of the spec loader and the generator (proptest).
//!
//! - Arbitrary bytes written over any spec file never panic the loader: it answers `Ok` or
//!   problems, each at `file:line:column` (lines and columns from 1, inside the file).
//! - Structurally valid but wrong YAML (the real spec files with keys dropped, duplicated,
//!   retyped, swapped or added, facts replaced by arbitrary strings, extra fields with
//!   arbitrary names and descriptions) never panics either; whenever the loader accepts a
//!   spec, `generate` succeeds and its output parses with `syn`, with doc comments rustc
//!   accepts (no bare carriage return, no text-direction control).
//!
//! Case counts are set per test (`PROPTEST_CASES` overrides them all) and the seed is fixed
//! (`PROPTEST_RNG_SEED` overrides it); nothing is written outside a temporary folder.

use std::cell::Cell;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use smilepayz_codegen::node::{self, Node, Value};

// ---------------------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------------------

/// Files of the real spec, relative to the spec folder.
const SPEC_FILES: &[&str] = &[
    "gateway.yaml",
    "regions/pen.yaml",
    "regions/thb.yaml",
    "regions/usdt.yaml",
];

fn repo_spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// A proptest configuration: `cases` (or `PROPTEST_CASES`), a fixed seed (or
/// `PROPTEST_RNG_SEED`), and no failure files written into the repository.
fn config(cases: u32) -> Config {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    Config {
        cases: env("PROPTEST_CASES").map_or(cases, |n| n as u32),
        rng_seed: RngSeed::Fixed(env("PROPTEST_RNG_SEED").unwrap_or(0x5111_e9a7)),
        failure_persistence: None,
        max_shrink_iters: 512,
        ..Config::default()
    }
}

/// Runs `test` over `strategy`, failing the Rust test with proptest's minimal failing input.
fn run<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let mut runner = TestRunner::new(config(cases));
    if let Err(failure) = runner.run(&strategy, test) {
        panic!("{name}: {failure}");
    }
}

/// A copy of the spec in a temporary folder, reset before each case.
struct Workspace {
    _temp: tempfile::TempDir,
    dir: PathBuf,
    originals: Vec<(&'static str, Vec<u8>)>,
}

impl Workspace {
    fn new() -> Self {
        let temp = tempfile::tempdir().expect("temp folder");
        let dir = temp.path().join("spec");
        std::fs::create_dir_all(dir.join("regions")).expect("create folder");
        let originals = SPEC_FILES
            .iter()
            .map(|file| {
                (
                    *file,
                    std::fs::read(repo_spec().join(file)).expect("read spec file"),
                )
            })
            .collect();
        let workspace = Workspace {
            _temp: temp,
            dir,
            originals,
        };
        workspace.reset();
        workspace
    }

    /// Puts back the real spec, removing any file a case added.
    fn reset(&self) {
        for entry in std::fs::read_dir(self.dir.join("regions")).expect("list regions") {
            let path = entry.expect("entry").path();
            std::fs::remove_file(&path).expect("remove");
        }
        for (file, bytes) in &self.originals {
            std::fs::write(self.dir.join(file), bytes).expect("write spec file");
        }
    }

    fn original(&self, file: &str) -> &[u8] {
        &self
            .originals
            .iter()
            .find(|(name, _)| *name == file)
            .expect("a spec file")
            .1
    }

    fn write(&self, file: &str, bytes: &[u8]) {
        std::fs::write(self.dir.join(file), bytes).expect("write spec file");
    }

    fn remove(&self, file: &str) {
        std::fs::remove_file(self.dir.join(file)).expect("remove spec file");
    }
}

/// What the loader made of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Loaded, generated, and the output parses.
    Generated,
    /// Refused with this many problems, each well placed.
    Refused(usize),
}

/// Loads the spec in `dir` and checks the answer: problems are placed inside the files they
/// name, and an accepted spec generates Rust that parses.
fn load_and_check(dir: &Path) -> Result<Outcome, TestCaseError> {
    match smilepayz_codegen::load(dir) {
        Ok(spec) => {
            let code = smilepayz_codegen::generate(&spec).map_err(|e| {
                TestCaseError::fail(format!(
                    "the loader accepted a spec the generator refuses: {e}"
                ))
            })?;
            check_generated(&code)?;
            Ok(Outcome::Generated)
        }
        Err(problems) => {
            prop_assert!(!problems.is_empty(), "Err without a problem");
            for problem in &problems.0 {
                let at = &problem.location;
                prop_assert!(at.line >= 1 && at.column >= 1, "{problem}");
                prop_assert!(
                    at.file.starts_with(dir) && at.file != dir,
                    "the problem is not placed in a spec file: {problem}"
                );
                prop_assert!(
                    !problem.message.trim().is_empty() && !problem.help.trim().is_empty(),
                    "a problem without a message or help: {problem:?}"
                );
                if let Ok(bytes) = std::fs::read(&at.file) {
                    let lines = yaml_lines(&bytes);
                    prop_assert!(
                        at.line <= lines,
                        "line {} is past the end of the file ({lines} lines): {problem}",
                        at.line
                    );
                }
            }
            Ok(Outcome::Refused(problems.len()))
        }
    }
}

/// How many lines a YAML parser sees: `\n`, `\r\n` and a lone `\r` each end one.
fn yaml_lines(bytes: &[u8]) -> u64 {
    let mut lines = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => lines += 1,
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                lines += 1;
                i += 1;
            }
            b'\r' => lines += 1,
            _ => {}
        }
        i += 1;
    }
    lines
}

/// The generated file parses, and every doc comment is one rustc accepts once prettyplease has
/// printed it as `///`: no carriage return, no text-direction control character.
fn check_generated(code: &str) -> Result<(), TestCaseError> {
    let file = syn::parse_file(code)
        .map_err(|e| TestCaseError::fail(format!("the generated code does not parse: {e}")))?;
    let mut docs = Vec::new();
    collect_docs(&file.attrs, &mut docs);
    for item in &file.items {
        item_docs(item, &mut docs);
    }
    for doc in docs {
        prop_assert!(
            !doc.contains('\r'),
            "a doc comment holds a carriage return: {doc:?}"
        );
        prop_assert!(
            !doc.contains(TEXT_FLOW_CONTROLS),
            "a doc comment holds a text-direction control, which rustc refuses: {doc:?}"
        );
    }
    Ok(())
}

/// The characters rustc's `text_direction_codepoint_in_comment` lint (deny by default) refuses.
const TEXT_FLOW_CONTROLS: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}',
];

fn collect_docs(attrs: &[syn::Attribute], out: &mut Vec<String>) {
    for attr in attrs {
        if let syn::Meta::NameValue(meta) = &attr.meta
            && meta.path.is_ident("doc")
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &meta.value
        {
            out.push(text.value());
        }
    }
}

fn item_docs(item: &syn::Item, out: &mut Vec<String>) {
    match item {
        syn::Item::Mod(m) => {
            collect_docs(&m.attrs, out);
            for item in m.content.iter().flat_map(|(_, items)| items) {
                item_docs(item, out);
            }
        }
        syn::Item::Struct(s) => {
            collect_docs(&s.attrs, out);
            for field in &s.fields {
                collect_docs(&field.attrs, out);
            }
        }
        syn::Item::Enum(e) => {
            collect_docs(&e.attrs, out);
            for variant in &e.variants {
                collect_docs(&variant.attrs, out);
            }
        }
        syn::Item::Type(t) => collect_docs(&t.attrs, out),
        syn::Item::Const(c) => collect_docs(&c.attrs, out),
        syn::Item::Trait(t) => collect_docs(&t.attrs, out),
        syn::Item::Impl(i) => collect_docs(&i.attrs, out),
        _ => {}
    }
}

/// Counts outcomes, for the summary line.
#[derive(Default)]
struct Tally {
    cases: Cell<usize>,
    generated: Cell<usize>,
    refused: Cell<usize>,
    problems: Cell<usize>,
}

impl Tally {
    fn add(&self, outcome: Outcome) {
        self.cases.set(self.cases.get() + 1);
        match outcome {
            Outcome::Generated => self.generated.set(self.generated.get() + 1),
            Outcome::Refused(n) => {
                self.refused.set(self.refused.get() + 1);
                self.problems.set(self.problems.get() + n);
            }
        }
    }

    fn report(&self, name: &str) {
        println!(
            "{name}: {} cases (shrinking included), {} generated Rust that parses, {} refused with {} problems, 0 panics",
            self.cases.get(),
            self.generated.get(),
            self.refused.get(),
            self.problems.get()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Arbitrary bytes
// ---------------------------------------------------------------------------------------------

/// Pieces of YAML syntax, so that random input reaches past the first byte of the parser.
const YAML_TOKENS: &[&str] = &[
    ":",
    ": ",
    "- ",
    "-",
    "\n",
    "\r\n",
    "\r",
    "  ",
    "\t",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "!!binary ",
    "!custom ",
    "'",
    "\"",
    "#",
    "# c\n",
    "---\n",
    "...\n",
    "|\n",
    ">-\n",
    "? ",
    "%YAML 1.2\n",
    "%TAG ! tag:x,2024:\n",
    "\u{feff}",
    "\\",
    "\\u00",
    "<<: ",
    "~",
    "null",
    "true",
    "0x1F",
    "1e400",
    "-.inf",
    ".nan",
    "999999999999999999999999999999999999999",
    "code",
    "THB",
    "currency",
    "area_code",
    "endpoints",
    "inquiry-balance",
    "extra_fields",
    "response",
    "name",
    "type",
    "description",
    "señal",
    "\u{0}",
    "\u{85}",
    "\u{2028}",
    "é",
];

fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(YAML_TOKENS), 0..120)
        .prop_map(|tokens| tokens.concat().into_bytes())
}

/// Which file a case writes, and what.
#[derive(Debug, Clone)]
enum Garbage {
    /// These bytes replace the file.
    Replace(Vec<u8>),
    /// The real file cut at a place.
    Truncate(Index),
    /// The real file with bytes inserted at a place.
    Insert(Index, Vec<u8>),
    /// The real file with bytes overwritten at places.
    Flip(Vec<(Index, u8)>),
}

fn garbage() -> impl Strategy<Value = Garbage> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512).prop_map(Garbage::Replace),
        token_soup().prop_map(Garbage::Replace),
        any::<Index>().prop_map(Garbage::Truncate),
        (
            any::<Index>(),
            prop_oneof![token_soup(), prop::collection::vec(any::<u8>(), 1..16)]
        )
            .prop_map(|(at, bytes)| Garbage::Insert(at, bytes)),
        prop::collection::vec((any::<Index>(), any::<u8>()), 1..8).prop_map(Garbage::Flip),
    ]
}

fn apply_garbage(original: &[u8], garbage: &Garbage) -> Vec<u8> {
    match garbage {
        Garbage::Replace(bytes) => bytes.clone(),
        Garbage::Truncate(at) => original[..at.index(original.len() + 1)].to_vec(),
        Garbage::Insert(at, bytes) => {
            let at = at.index(original.len() + 1);
            let mut out = original[..at].to_vec();
            out.extend_from_slice(bytes);
            out.extend_from_slice(&original[at..]);
            out
        }
        Garbage::Flip(flips) => {
            let mut out = original.to_vec();
            for (at, byte) in flips {
                if !out.is_empty() {
                    let i = at.index(out.len());
                    out[i] = *byte;
                }
            }
            out
        }
    }
}

/// The files a garbage case may target: each real file, and a new region file.
const GARBAGE_TARGETS: &[&str] = &[
    "gateway.yaml",
    "regions/pen.yaml",
    "regions/thb.yaml",
    "regions/usdt.yaml",
    "regions/new.yaml",
];

#[test]
fn arbitrary_bytes_in_any_spec_file_give_placed_problems_never_a_panic() {
    let workspace = Workspace::new();
    let tally = Tally::default();
    run(
        "arbitrary bytes",
        384,
        (prop::sample::select(GARBAGE_TARGETS), garbage()),
        |(target, garbage)| {
            workspace.reset();
            let original = if target == "regions/new.yaml" {
                workspace.original("regions/thb.yaml")
            } else {
                workspace.original(target)
            };
            workspace.write(target, &apply_garbage(original, &garbage));
            let outcome = load_and_check(&workspace.dir)?;
            tally.add(outcome);
            Ok(())
        },
    );
    tally.report("arbitrary bytes");
}

// ---------------------------------------------------------------------------------------------
// Structurally valid but wrong YAML
// ---------------------------------------------------------------------------------------------

/// A YAML document as plain data that can hold what a spec must not: duplicate keys, any
/// type anywhere.
#[derive(Debug, Clone, PartialEq)]
enum Y {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Y>),
    Map(Vec<(String, Y)>),
}

impl Y {
    fn from_node(node: &Node) -> Y {
        match &node.value {
            Value::Null => Y::Null,
            Value::Bool(b) => Y::Bool(*b),
            Value::Integer(i) => Y::Int(*i),
            Value::Float(f) => Y::Float(*f),
            Value::String(s) => Y::Str(s.clone()),
            Value::Sequence(items) => Y::Seq(items.iter().map(Y::from_node).collect()),
            Value::Mapping(entries) => Y::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), Y::from_node(v)))
                    .collect(),
            ),
        }
    }

    fn parse(bytes: &[u8]) -> Y {
        let text = std::str::from_utf8(bytes).expect("the spec is UTF-8");
        Y::from_node(&node::parse(text).expect("the spec is YAML"))
    }

    /// Block YAML, every string and key double-quoted (JSON escapes are YAML escapes).
    fn to_yaml(&self) -> String {
        let mut out = String::new();
        match self {
            Y::Map(entries) if !entries.is_empty() => emit_map(entries, 0, &mut out),
            Y::Seq(items) if !items.is_empty() => emit_seq(items, 0, &mut out),
            scalar => {
                out.push_str(&scalar_text(scalar));
                out.push('\n');
            }
        }
        out
    }

    fn get_mut(&mut self, path: &[usize]) -> Option<&mut Y> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        let child = match self {
            Y::Map(entries) => &mut entries.get_mut(*first)?.1,
            Y::Seq(items) => items.get_mut(*first)?,
            _ => return None,
        };
        child.get_mut(rest)
    }

    fn get(&self, path: &[usize]) -> Option<&Y> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        let child = match self {
            Y::Map(entries) => &entries.get(*first)?.1,
            Y::Seq(items) => items.get(*first)?,
            _ => return None,
        };
        child.get(rest)
    }

    /// The paths of every node, the root included, in document order.
    fn paths(&self) -> Vec<Vec<usize>> {
        fn walk(y: &Y, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
            out.push(path.clone());
            let n = match y {
                Y::Map(entries) => entries.len(),
                Y::Seq(items) => items.len(),
                _ => 0,
            };
            for i in 0..n {
                path.push(i);
                let child = y.get(&[i]).expect("child");
                walk(child, path, out);
                path.pop();
            }
        }
        let mut out = Vec::new();
        walk(self, &mut Vec::new(), &mut out);
        out
    }

    /// The entry `key` of a mapping, created (as an empty mapping) when missing.
    fn entry(&mut self, key: &str) -> Option<&mut Y> {
        let Y::Map(entries) = self else {
            return None;
        };
        let i = match entries.iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                entries.push((key.to_owned(), Y::Map(Vec::new())));
                entries.len() - 1
            }
        };
        Some(&mut entries[i].1)
    }

    fn str_of(&self, key: &str) -> Option<&str> {
        match self {
            Y::Map(entries) => entries.iter().find_map(|(k, v)| match v {
                Y::Str(s) if k == key => Some(s.as_str()),
                _ => None,
            }),
            _ => None,
        }
    }

    /// Replaces every string equal to `from` under the mapping keys named `key`.
    fn replace_strings_under(&mut self, key: &str, from: &str, to: &str) {
        match self {
            Y::Map(entries) => {
                for (k, v) in entries {
                    if k == key && *v == Y::Str(from.to_owned()) {
                        *v = Y::Str(to.to_owned());
                    } else {
                        v.replace_strings_under(key, from, to);
                    }
                }
            }
            Y::Seq(items) => {
                for item in items {
                    item.replace_strings_under(key, from, to);
                }
            }
            _ => {}
        }
    }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

fn scalar_text(y: &Y) -> String {
    match y {
        Y::Null => "null".to_owned(),
        Y::Bool(b) => b.to_string(),
        Y::Int(i) => i.to_string(),
        Y::Float(f) if f.is_nan() => ".nan".to_owned(),
        Y::Float(f) if f.is_infinite() => if *f > 0.0 { ".inf" } else { "-.inf" }.to_owned(),
        Y::Float(f) => format!("{f:?}"),
        Y::Str(s) => quoted(s),
        Y::Seq(_) => "[]".to_owned(),
        Y::Map(_) => "{}".to_owned(),
    }
}

fn is_block(y: &Y) -> bool {
    matches!(y, Y::Map(e) if !e.is_empty()) || matches!(y, Y::Seq(i) if !i.is_empty())
}

fn emit_value(y: &Y, indent: usize, out: &mut String) {
    match y {
        Y::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            emit_map(entries, indent, out);
        }
        Y::Seq(items) if !items.is_empty() => {
            out.push('\n');
            emit_seq(items, indent, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
}

fn emit_map(entries: &[(String, Y)], indent: usize, out: &mut String) {
    for (key, value) in entries {
        let _ = write!(out, "{:indent$}{}:", "", quoted(key));
        emit_value(value, indent + 2, out);
    }
}

fn emit_seq(items: &[Y], indent: usize, out: &mut String) {
    for item in items {
        let _ = write!(out, "{:indent$}-", "");
        if is_block(item) {
            emit_value(item, indent + 2, out);
        } else {
            emit_value(item, indent, out);
        }
    }
}

/// Strings as a spec's author, a typo or an attacker might write them.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "\\PC{0,24}",
        2 => "[A-Za-z][A-Za-z0-9_]{0,10}",
        1 => "[A-Z][A-Z0-9]{1,7}",
        1 => "[+-][0-9]{2}:[0-9]{2}",
        1 => "#\\.#{0,9}|integer|[0-9]{1,4}",
        1 => prop::sample::select(HOSTILE_TEXT).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

/// Texts that have broken documentation generators before.
const HOSTILE_TEXT: &[&str] = &[
    "",
    " ",
    "*/ /* /** */",
    "`code` ``` ` ``",
    "\"quoted\" 'single' \"#",
    "#[doc = \"x\"] #![deny(warnings)]",
    "line one\nline two\n\n  indented",
    "carriage\rreturn",
    "crlf\r\nline",
    "trailing backslash \\",
    "<html><script>alert(1)</script>",
    "[link](http://127.0.0.1/) [[x]] ![img](y)",
    "| table | cell |",
    "\u{202E}reversed\u{202C} and \u{2067}isolate\u{2069}",
    "zero\u{0}byte and bell\u{7}",
    "señal ünïcödé 中文 🦀",
    "type",
    "self",
    "r#type",
];

/// Names of fields, some usable, most not.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z][a-zA-Z0-9]{0,10}",
        1 => prop::sample::select(&[
            "type", "match", "fn", "self", "Self", "super", "crate", "_", "__", "async", "gen",
            "r#type", "accountNo", "account_no", "code", "extra", "region", "señal", "9lives",
            "a-b", "a b", "",
        ][..]).prop_map(str::to_owned),
        1 => text(),
    ]
}

fn small_value() -> impl Strategy<Value = Y> {
    prop_oneof![
        Just(Y::Null),
        any::<bool>().prop_map(Y::Bool),
        any::<i64>().prop_map(|i| Y::Int(i.into())),
        Just(Y::Int(i128::from(u64::MAX) + 1)),
        any::<f64>().prop_map(Y::Float),
        text().prop_map(Y::Str),
        Just(Y::Seq(Vec::new())),
        text().prop_map(|s| Y::Seq(vec![Y::Str(s)])),
        Just(Y::Map(Vec::new())),
        (text(), text()).prop_map(|(k, v)| Y::Map(vec![(k, Y::Str(v))])),
    ]
}

/// The kinds of field a spec may declare, with the keys each needs.
fn field_kind() -> impl Strategy<Value = Vec<(String, Y)>> {
    let entries = |pairs: &[(&str, Y)]| {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<Vec<_>>()
    };
    let money_fields = Y::Seq(
        ["currency", "value"]
            .iter()
            .map(|name| {
                Y::Map(entries(&[
                    ("name", Y::Str((*name).to_owned())),
                    ("required", Y::Bool(true)),
                    ("type", Y::Str("string".into())),
                    ("doc_type", Y::Str("String".into())),
                    ("description", Y::Str("x".into())),
                ]))
            })
            .collect(),
    );
    let s = |t: &str| Y::Str(t.to_owned());
    let int = |i: i64| Y::Int(i.into());
    prop_oneof![
        Just(entries(&[("type", s("string"))])),
        (
            0u32..40,
            0u32..40,
            prop::sample::select(&["alphanumeric", "digits", "ascii", "letters"][..])
        )
            .prop_map(move |(a, b, chars)| vec![
                ("type".to_owned(), s("string")),
                ("min_length".to_owned(), int(a.into())),
                ("max_length".to_owned(), int(b.into())),
                ("chars".to_owned(), s(chars)),
            ]),
        (any::<i64>(), any::<i64>()).prop_map(move |(a, b)| vec![
            ("type".to_owned(), s("integer")),
            ("minimum".to_owned(), int(a)),
            ("maximum".to_owned(), int(b)),
        ]),
        (text(), prop_oneof![text(), Just("1.5".to_owned())]).prop_map(move |(a, b)| vec![
            ("type".to_owned(), s("decimal")),
            ("minimum".to_owned(), Y::Str(a)),
            ("maximum".to_owned(), Y::Str(b)),
        ]),
        Just(entries(&[
            ("type", s("boolean")),
            ("default", Y::Bool(true))
        ])),
        any::<bool>().prop_map(move |offset| vec![
            ("type".to_owned(), s("timestamp")),
            ("offset".to_owned(), Y::Bool(offset)),
        ]),
        (
            "[A-Z][A-Za-z]{0,8}",
            any::<bool>(),
            prop::collection::vec(
                prop_oneof![
                    text().prop_map(Y::Str),
                    any::<i8>().prop_map(|i| Y::Int(i.into()))
                ],
                0..4
            ),
        )
            .prop_map(move |(type_name, open, values)| vec![
                ("type".to_owned(), s("enum")),
                ("type_name".to_owned(), Y::Str(type_name)),
                ("open".to_owned(), Y::Bool(open)),
                ("values".to_owned(), Y::Seq(values)),
            ]),
        Just(vec![
            ("type".to_owned(), s("enum")),
            ("type_name".to_owned(), s("Lane")),
            (
                "values".to_owned(),
                Y::Seq(vec![Y::Map(vec![
                    ("value".to_owned(), int(1)),
                    ("name".to_owned(), s("Fast")),
                    ("doc".to_owned(), s("x")),
                ])])
            ),
        ]),
        prop::sample::select(
            &[
                "BalanceType",
                "TradeType",
                "TransactionStatus",
                "PaymentMethod",
                "TransactionMoney",
                "Nothing"
            ][..]
        )
        .prop_map(move |name| vec![("ref".to_owned(), s(name))]),
        (
            prop::sample::select(&["BalanceType", "TradeType", "TransactionMoney"][..]),
            0u32..3,
            0u32..3
        )
            .prop_map(move |(name, a, b)| vec![
                ("type".to_owned(), s("list")),
                ("ref".to_owned(), s(name)),
                ("min_items".to_owned(), int(a.into())),
                ("max_items".to_owned(), int(b.into())),
            ]),
        Just(entries(&[("type", s("json-object"))])),
        Just(entries(&[("type", s("json-string"))])),
        Just(entries(&[("type", s("balance-type"))])),
        Just(entries(&[("type", s("list")), ("items", s("string"))])),
        Just(entries(&[("type", s("money")), ("fields", money_fields)])),
        prop::sample::select(&["value-string", "amount-number", "number"][..]).prop_map(
            move |shape| vec![
                ("type".to_owned(), s("money")),
                ("shape".to_owned(), s(shape))
            ]
        ),
        ("[A-Z][A-Za-z]{0,8}", any::<bool>(), any::<bool>()).prop_map(
            move |(type_name, list, one_or_many)| {
                let fields = Y::Seq(vec![Y::Map(vec![
                    ("name".to_owned(), s("inner")),
                    ("required".to_owned(), Y::Bool(false)),
                    ("type".to_owned(), s("string")),
                    ("doc".to_owned(), s("x")),
                ])]);
                let mut kind = if list {
                    vec![
                        ("type".to_owned(), s("list")),
                        ("items".to_owned(), s("object")),
                    ]
                } else {
                    vec![("type".to_owned(), s("object"))]
                };
                kind.push(("type_name".to_owned(), Y::Str(type_name)));
                if one_or_many {
                    kind.push(("one_or_many".to_owned(), Y::Bool(true)));
                }
                kind.push(("fields".to_owned(), fields));
                kind
            }
        ),
    ]
}

/// One change to a spec file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Removes the node at a path (a mapping entry or a list item).
    Drop(Index),
    /// Repeats a mapping entry, with the same or another value.
    Duplicate(Index, Option<Y>),
    /// Replaces the node at a path with a value of some other type.
    Retype(Index, Y),
    /// Adds a key the spec does not know to a mapping.
    Unknown(Index, String, Y),
    /// Swaps the values of two nodes.
    Swap(Index, Index),
    /// Replaces a region fact (code, currency, offset…) with a string.
    Fact(&'static str, String),
    /// Changes the currency everywhere, examples included, so the change can be accepted.
    Currency(String),
    /// Changes the code, moving the file to match, so the change can be accepted.
    Code(String),
    /// Adds an extra field with a name, an optional rust_name and a description.
    ExtraField {
        endpoint: &'static str,
        request: bool,
        /// Inside this object (`extra_fields.inside`) rather than at the top.
        inside: Option<&'static str>,
        name: String,
        rust_name: Option<String>,
        kind: Vec<(String, Y)>,
        description: String,
        required: bool,
    },
    /// Adds a field note with any text.
    FieldNote(String, String),
    /// Adds (or replaces) an override of a field's path with some keys.
    Override {
        endpoint: &'static str,
        path: String,
        keys: Vec<(String, Y)>,
    },
}

const ENDPOINT_IDS: &[&str] = &["inquiry-balance", "inquiry-status", "pay-in", "pay-out"];

/// Paths an override may name: real ones of both endpoints, and some that are not.
const OVERRIDE_PATHS: &[&str] = &[
    "request.accountNo",
    "request.balanceTypes",
    "request.orderNo",
    "request.tradeNo",
    "request.tradeType",
    "response.accountInfos",
    "response.accountInfos.balanceType",
    "response.accountInfos.amount",
    "response.status",
    "response.money",
    "request.nothing",
    "accountNo",
    "request.payer",
    "request.payer.email",
    "request.receiver",
    "request.paymentMethod",
    "request.expiryPeriod",
];

/// Where a mutation adds a region's own fields: inside an object of a request (or paths that
/// are not one).
const INSIDE_PATHS: &[&str] = &[
    "request.payer",
    "request.receiver",
    "request.orderNo",
    "request.payer.address",
    "response.money",
];

fn override_keys() -> impl Strategy<Value = Vec<(String, Y)>> {
    let key = prop::sample::select(
        &[
            "required",
            "min_length",
            "max_length",
            "chars",
            "minimum",
            "maximum",
            "min_items",
            "max_items",
            "values",
            "doc",
            "max",
            "pattern",
            "required_when",
            "at_least_one_of",
            "default",
        ][..],
    );
    let value = prop_oneof![
        small_value(),
        (0i64..50).prop_map(|i| Y::Int(i.into())),
        Just(Y::Str("12.5".into())),
        Just(Y::Str("digits".into())),
        Just(Y::Seq(vec![Y::Str("BALANCE".into())])),
        Just(Y::Seq(vec![Y::Int(1.into())])),
        Just(Y::Seq(vec![Y::Int(3.into())])),
        Just(Y::Bool(true)),
        Just(Y::Str("[0-9]{10}|S[A-Z]{2,4}".into())),
        Just(Y::Str("QRPAY".into())),
        Just(Y::Map(vec![
            ("field".to_owned(), Y::Str("paymentMethod".into())),
            ("values".to_owned(), Y::Seq(vec![Y::Str("QRPAY".into())])),
        ])),
        Just(Y::Seq(vec![Y::Seq(vec![
            Y::Str("email".into()),
            Y::Str("phone".into()),
        ])])),
    ];
    prop::collection::vec((key.prop_map(str::to_owned), value), 0..4)
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => any::<Index>().prop_map(Mutation::Drop),
        1 => (any::<Index>(), prop::option::of(small_value()))
            .prop_map(|(at, value)| Mutation::Duplicate(at, value)),
        2 => (any::<Index>(), small_value()).prop_map(|(at, value)| Mutation::Retype(at, value)),
        1 => (any::<Index>(), field_name(), small_value())
            .prop_map(|(at, key, value)| Mutation::Unknown(at, key, value)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        2 => (
            prop::sample::select(&[
                "code", "name", "summary", "currency", "money_format", "timestamp_offset",
                "area_code",
            ][..]),
            text()
        )
            .prop_map(|(key, value)| Mutation::Fact(key, value)),
        1 => "[A-Z][A-Z0-9]{2,5}|\\PC{0,6}".prop_map(Mutation::Currency),
        1 => prop_oneof![
            "[A-Z][A-Z0-9]{1,9}",
            prop::sample::select(&[
                "SELF", "TYPE", "FN", "MATCH", "CRATE", "SUPER", "GEN", "REGION", "ANYREGION",
                "R2", "A_B",
            ][..]).prop_map(str::to_owned),
        ].prop_map(Mutation::Code),
        4 => (
            prop::sample::select(ENDPOINT_IDS),
            any::<bool>(),
            prop::option::weighted(0.3, prop::sample::select(INSIDE_PATHS)),
            field_name(),
            prop::option::of(prop_oneof!["[a-z][a-z0-9_]{0,8}", field_name()]),
            field_kind(),
            text(),
            any::<bool>(),
        )
            .prop_map(|(endpoint, request, inside, name, rust_name, kind, description, required)| {
                Mutation::ExtraField { endpoint, request, inside, name, rust_name, kind, description, required }
            }),
        3 => (
            prop::sample::select(ENDPOINT_IDS),
            prop_oneof![prop::sample::select(OVERRIDE_PATHS).prop_map(str::to_owned), text()],
            override_keys(),
        )
            .prop_map(|(endpoint, path, keys)| Mutation::Override { endpoint, path, keys }),
        1 => (
            prop_oneof![
                prop::sample::select(&[
                    "request.accountNo", "response.accountInfos.amount", "header.X-TIMESTAMP",
                    "response-header.X-TIMESTAMP", "response.name",
                ][..]).prop_map(str::to_owned),
                text(),
            ],
            text()
        )
            .prop_map(|(path, note)| Mutation::FieldNote(path, note)),
    ]
}

/// Applies mutations to a region file's tree; returns the file name the region now needs.
fn mutate(tree: &mut Y, file: &str, mutations: &[Mutation]) -> String {
    let mut file = file.to_owned();
    for mutation in mutations {
        let paths = tree.paths();
        // Every path but the root, for changes that need a parent.
        let inner: Vec<&Vec<usize>> = paths.iter().filter(|p| !p.is_empty()).collect();
        let pick = |at: &Index| -> Option<Vec<usize>> {
            (!inner.is_empty()).then(|| inner[at.index(inner.len())].clone())
        };
        match mutation {
            Mutation::Drop(at) => {
                if let Some(path) = pick(at) {
                    let (last, parent) = path.split_last().expect("not the root");
                    match tree.get_mut(parent) {
                        Some(Y::Map(entries)) => {
                            entries.remove(*last);
                        }
                        Some(Y::Seq(items)) => {
                            items.remove(*last);
                        }
                        _ => {}
                    }
                }
            }
            Mutation::Duplicate(at, value) => {
                if let Some(path) = pick(at) {
                    let (last, parent) = path.split_last().expect("not the root");
                    if let Some(Y::Map(entries)) = tree.get_mut(parent) {
                        let (key, old) = entries[*last].clone();
                        entries.insert(*last + 1, (key, value.clone().unwrap_or(old)));
                    }
                }
            }
            Mutation::Retype(at, value) => {
                if let Some(path) = pick(at)
                    && let Some(node) = tree.get_mut(&path)
                {
                    *node = value.clone();
                }
            }
            Mutation::Unknown(at, key, value) => {
                let maps: Vec<&Vec<usize>> = paths
                    .iter()
                    .filter(|p| matches!(tree.get(p), Some(Y::Map(_))))
                    .collect();
                let path = maps[at.index(maps.len())].clone();
                if let Some(Y::Map(entries)) = tree.get_mut(&path) {
                    entries.push((key.clone(), value.clone()));
                }
            }
            Mutation::Swap(a, b) => {
                if let (Some(a), Some(b)) = (pick(a), pick(b))
                    && !a.starts_with(&b)
                    && !b.starts_with(&a)
                {
                    let (va, vb) = (tree.get(&a).cloned(), tree.get(&b).cloned());
                    if let (Some(va), Some(vb)) = (va, vb) {
                        *tree.get_mut(&a).expect("a") = vb;
                        *tree.get_mut(&b).expect("b") = va;
                    }
                }
            }
            Mutation::Fact(key, value) => {
                if let Some(node) = tree.entry(key) {
                    *node = Y::Str(value.clone());
                }
            }
            Mutation::Currency(currency) => {
                if let Some(old) = tree.str_of("currency").map(str::to_owned) {
                    tree.replace_strings_under("currency", &old, currency);
                }
            }
            Mutation::Code(code) => {
                if let Some(node) = tree.entry("code") {
                    *node = Y::Str(code.clone());
                }
                let stem = code.to_lowercase();
                if !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    file = format!("regions/{stem}.yaml");
                }
            }
            Mutation::ExtraField {
                endpoint,
                request,
                inside,
                name,
                rust_name,
                kind,
                description,
                required,
            } => {
                let mut field = vec![
                    ("name".to_owned(), Y::Str(name.clone())),
                    ("required".to_owned(), Y::Bool(*required)),
                    ("doc_type".to_owned(), Y::Str("String".into())),
                    ("description".to_owned(), Y::Str(description.clone())),
                    ("doc".to_owned(), Y::Str(description.clone())),
                ];
                if let Some(rust_name) = rust_name {
                    field.push(("rust_name".to_owned(), Y::Str(rust_name.clone())));
                }
                field.extend(kind.iter().cloned());
                let side = if *request { "request" } else { "response" };
                let extras = tree
                    .entry("endpoints")
                    .and_then(|e| e.entry(endpoint))
                    .and_then(|e| e.entry("extra_fields"));
                let list = match (extras, inside) {
                    (Some(Y::Map(entries)), Some(path)) => {
                        if !entries.iter().any(|(k, _)| k == "inside") {
                            entries.push(("inside".to_owned(), Y::Map(Vec::new())));
                        }
                        let Some(Y::Map(objects)) = entries
                            .iter_mut()
                            .find(|(k, _)| k == "inside")
                            .map(|(_, v)| v)
                        else {
                            continue;
                        };
                        if !objects.iter().any(|(k, _)| k == path) {
                            objects.push(((*path).to_owned(), Y::Seq(Vec::new())));
                        }
                        objects.iter_mut().find(|(k, _)| k == path).map(|(_, v)| v)
                    }
                    (Some(extras), None) => extras.entry(side),
                    _ => None,
                };
                if let Some(list) = list {
                    match list {
                        Y::Seq(items) => items.push(Y::Map(field)),
                        other => *other = Y::Seq(vec![Y::Map(field)]),
                    }
                }
            }
            Mutation::Override {
                endpoint,
                path,
                keys,
            } => {
                if let Some(Y::Map(overrides)) = tree
                    .entry("endpoints")
                    .and_then(|e| e.entry(endpoint))
                    .and_then(|e| e.entry("overrides"))
                {
                    overrides.retain(|(k, _)| k != path);
                    overrides.push((path.clone(), Y::Map(keys.clone())));
                }
            }
            Mutation::FieldNote(path, note) => {
                if let Some(Y::Map(notes)) = tree
                    .entry("endpoints")
                    .and_then(|e| e.entry("inquiry-balance"))
                    .and_then(|e| e.entry("field_notes"))
                {
                    notes.push((path.clone(), Y::Str(note.clone())));
                }
            }
        }
    }
    file
}

const REGION_FILES: &[&str] = &["regions/pen.yaml", "regions/thb.yaml", "regions/usdt.yaml"];

#[test]
fn the_yaml_writer_is_faithful_so_mutations_start_from_a_valid_spec() {
    // Every spec file, read into a tree and written back as this test's YAML, loads as the
    // same spec; otherwise the mutation tests below would only test the writer.
    let workspace = Workspace::new();
    let original = smilepayz_codegen::load(&workspace.dir).expect("the real spec loads");
    for file in SPEC_FILES {
        let tree = Y::parse(workspace.original(file));
        workspace.write(file, tree.to_yaml().as_bytes());
    }
    let rewritten = smilepayz_codegen::load(&workspace.dir).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(original.gateway, rewritten.gateway);
    let specs =
        |s: &smilepayz_codegen::Spec| s.regions.iter().map(|r| r.spec.clone()).collect::<Vec<_>>();
    assert_eq!(specs(&original), specs(&rewritten));
    assert_eq!(
        load_and_check(&workspace.dir).expect("checks"),
        Outcome::Generated
    );
}

#[test]
fn mutated_region_files_never_panic_and_accepted_ones_generate_rust_that_parses() {
    let workspace = Workspace::new();
    let tally = Tally::default();
    run(
        "mutated region files",
        256,
        (
            prop::sample::select(REGION_FILES),
            prop::collection::vec(mutation(), 1..4),
        ),
        |(file, mutations)| {
            workspace.reset();
            let mut tree = Y::parse(workspace.original(file));
            let target = mutate(&mut tree, file, &mutations);
            if target != file {
                workspace.remove(file);
            }
            workspace.write(&target, tree.to_yaml().as_bytes());
            let outcome = load_and_check(&workspace.dir)?;
            tally.add(outcome);
            Ok(())
        },
    );
    tally.report("mutated region files");
    assert!(
        tally.generated.get() > 0 && tally.refused.get() > 0,
        "the mutations should both pass and fail the checks"
    );
}

#[test]
fn mutated_gateway_files_never_panic_and_accepted_ones_generate_rust_that_parses() {
    let workspace = Workspace::new();
    let tally = Tally::default();
    let gateway_mutation = prop_oneof![
        2 => any::<Index>().prop_map(Mutation::Drop),
        1 => (any::<Index>(), prop::option::of(small_value()))
            .prop_map(|(at, value)| Mutation::Duplicate(at, value)),
        3 => (any::<Index>(), small_value()).prop_map(|(at, value)| Mutation::Retype(at, value)),
        1 => (any::<Index>(), field_name(), small_value())
            .prop_map(|(at, key, value)| Mutation::Unknown(at, key, value)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ];
    run(
        "mutated gateway.yaml",
        128,
        prop::collection::vec(gateway_mutation, 1..4),
        |mutations| {
            workspace.reset();
            let mut tree = Y::parse(workspace.original("gateway.yaml"));
            mutate(&mut tree, "gateway.yaml", &mutations);
            workspace.write("gateway.yaml", tree.to_yaml().as_bytes());
            let outcome = load_and_check(&workspace.dir)?;
            tally.add(outcome);
            Ok(())
        },
    );
    tally.report("mutated gateway.yaml");
}
