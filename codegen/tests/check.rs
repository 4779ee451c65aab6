//! `smilepayz-codegen check`: a clean spec passes; a broken one gets every problem, each at
//! `file:line:column` with what is wrong and how to fix it, and exit status 1.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// A copy of the spec in a temporary folder, to break.
struct SpecCopy {
    _temp: tempfile::TempDir,
    dir: PathBuf,
}

impl SpecCopy {
    fn new() -> Self {
        let temp = tempfile::tempdir().expect("temp folder");
        let dir = temp.path().join("spec");
        for sub in ["", "regions"] {
            std::fs::create_dir_all(dir.join(sub)).expect("create folder");
        }
        for file in [
            "gateway.yaml",
            "regions/pen.yaml",
            "regions/thb.yaml",
            "regions/usdt.yaml",
        ] {
            std::fs::copy(repo_spec().join(file), dir.join(file)).expect("copy spec file");
        }
        SpecCopy { _temp: temp, dir }
    }

    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.dir.join(file);
        let text = std::fs::read_to_string(&path).expect("read spec file");
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write spec file");
    }

    fn write(&self, file: &str, text: &str) {
        std::fs::write(self.dir.join(file), text).expect("write spec file");
    }

    /// Runs `check`, returning the exit code and stderr.
    fn check(&self) -> (i32, String) {
        let output = Command::new(env!("CARGO_BIN_EXE_smilepayz-codegen"))
            .arg("check")
            .arg(&self.dir)
            .output()
            .expect("runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    fn file(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }
}

/// The line (from 1) where `needle` first starts; the needle may span lines.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("needle in file");
    1 + text[..at].matches('\n').count()
}

#[test]
fn the_repository_spec_is_clean() {
    let output = Command::new(env!("CARGO_BIN_EXE_smilepayz-codegen"))
        .args(["check"])
        .arg(repo_spec())
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let regions = std::fs::read_dir(repo_spec().join("regions"))
        .expect("spec/regions")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .count();
    let endpoints = smilepayz_codegen::load(&repo_spec())
        .expect("the spec loads")
        .endpoints
        .len();
    let expected = format!("ok ({regions} regions, {endpoints} endpoints)");
    assert!(String::from_utf8_lossy(&output.stdout).contains(&expected));
}

#[test]
fn unknown_missing_and_mistyped_keys_are_all_reported_with_their_place() {
    let spec = SpecCopy::new();
    spec.edit("regions/thb.yaml", "currency: THB\n", "curency: THB\n");
    spec.edit("regions/thb.yaml", "area_code: 11", "area_code: eleven");
    spec.edit(
        "regions/thb.yaml",
        "      - name: seed",
        "      - nme: seed",
    );
    let (code, stderr) = spec.check();
    assert_eq!(code, 1, "{stderr}");
    let thb = spec.file("regions/thb.yaml");
    let text = std::fs::read_to_string(spec.dir.join("regions/thb.yaml")).expect("read");
    let unknown = format!(
        "{thb}:{}:1: error: unknown key `curency` at the top level",
        line_of(&text, "curency:")
    );
    let missing = format!(
        "{thb}:{}:1: error: missing key `currency` at the top level",
        line_of(&text, "code: THB")
    );
    let mistyped = format!(
        "{thb}:{}:12: error: `area_code` must be an integer, found a string",
        line_of(&text, "area_code:")
    );
    let nested = "unknown key `nme` in `endpoints.inquiry-balance.examples[0]`";
    for expected in [&unknown, &missing, &mistyped, &nested.to_owned()] {
        assert!(
            stderr.contains(expected.as_str()),
            "expected {expected:?} in:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("help: did you mean `currency`?"),
        "{stderr}"
    );
    assert!(stderr.contains("5 problems found"), "{stderr}");
}

#[test]
fn bad_values_and_clashes_between_regions_are_reported() {
    let spec = SpecCopy::new();
    spec.edit(
        "regions/thb.yaml",
        "timestamp_offset: \"+07:00\"",
        "timestamp_offset: \"+7:00\"",
    );
    spec.edit("regions/usdt.yaml", "currency: USDT\n", "currency: usdt\n");
    spec.edit("regions/pen.yaml", "currency: PEN\n", "currency: THB\n");
    spec.edit("regions/pen.yaml", "area_code: 15", "area_code: 11");
    let (code, stderr) = spec.check();
    assert_eq!(code, 1, "{stderr}");
    for expected in [
        format!(
            "{}:14:19: error: timestamp offset \"+7:00\" is not ±HH:MM",
            spec.file("regions/thb.yaml")
        ),
        format!(
            "{}:9:11: error: currency \"usdt\" is not a currency code",
            spec.file("regions/usdt.yaml")
        ),
        format!(
            "{}:10:11: error: currency THB is also used by {}",
            spec.file("regions/thb.yaml"),
            spec.file("regions/pen.yaml")
        ),
        format!(
            "{}:11:12: error: area code 11 is also used by {}",
            spec.file("regions/thb.yaml"),
            spec.file("regions/pen.yaml")
        ),
    ] {
        assert!(
            stderr.contains(&expected),
            "expected {expected:?} in:\n{stderr}"
        );
    }
    // The examples still say PEN: the drift is caught too.
    assert!(
        stderr.contains("currency`: is \"PEN\", but PEN amounts are in THB"),
        "{stderr}"
    );
}

#[test]
fn field_names_that_cannot_be_rust_identifiers_are_reported() {
    let spec = SpecCopy::new();
    spec.edit(
        "regions/pen.yaml",
        "        - name: additionalInfo\n",
        "        - name: señal\n          required: false\n          type: string\n          doc_type: String\n          description: x\n        - name: account_no\n          required: false\n          type: string\n          doc_type: String\n          description: x\n        - name: additionalInfo\n",
    );
    let (code, stderr) = spec.check();
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "field name `señal` is not a valid Rust identifier once converted to snake_case"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: add `rust_name: <snake_case_name>`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("extra field `account_no` clashes with the shared field `accountNo`"),
        "{stderr}"
    );
}

#[test]
fn broken_yaml_is_reported_where_it_breaks() {
    let spec = SpecCopy::new();
    spec.write("regions/thb.yaml", "code: THB\nname: [Thailand\n");
    let (code, stderr) = spec.check();
    assert_eq!(code, 1, "{stderr}");
    let thb = spec.file("regions/thb.yaml");
    assert!(
        stderr.contains(&format!("{thb}:")) && stderr.contains("invalid YAML"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2_and_say_how_to_call() {
    let output = Command::new(env!("CARGO_BIN_EXE_smilepayz-codegen"))
        .arg("frobnicate")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: smilepayz-codegen"));
}

/// Whatever bytes a spec file holds, loading gives problems, never a panic.
#[test]
fn garbage_never_panics() {
    let spec = SpecCopy::new();
    let original = std::fs::read(spec.dir.join("regions/thb.yaml")).expect("read");
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\xff\xfe\x00".to_vec(),
        b"[]".to_vec(),
        b"- - - -".to_vec(),
        b"code: &a [*a]".to_vec(),
        b"code: !!binary aGVsbG8=".to_vec(),
        b"{{{{{{{{".to_vec(),
        b"code: THB\ncode: THB\n".to_vec(),
        // Cut inside the comments at the top: no document is left.
        original[..100].to_vec(),
        "\u{feff}code: THB".as_bytes().to_vec(),
    ];
    for input in inputs {
        std::fs::write(spec.dir.join("regions/thb.yaml"), &input).expect("write");
        match smilepayz_codegen::load(&spec.dir) {
            Ok(_) => panic!("{:?} was accepted", String::from_utf8_lossy(&input)),
            Err(problems) => assert!(!problems.is_empty()),
        }
    }
}

#[test]
fn generate_writes_what_the_library_generates() {
    let out = tempfile::tempdir().expect("temp folder");
    let output = Command::new(env!("CARGO_BIN_EXE_smilepayz-codegen"))
        .arg("generate")
        .arg(repo_spec())
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let spec = smilepayz_codegen::load(&repo_spec()).expect("loads");
    let files = smilepayz_codegen::generate_files(&spec).expect("generates");
    assert!(
        files.len() > spec.regions.len(),
        "mod.rs and one file per region"
    );
    for (relative, text) in &files {
        let written = std::fs::read_to_string(out.path().join(relative)).expect("written");
        assert_eq!(&written, text, "{relative}");
    }
    // A file of a region that is gone is removed on the next run.
    let stray = out.path().join("regions/gone.rs");
    std::fs::write(&stray, "// old").expect("write");
    let again = Command::new(env!("CARGO_BIN_EXE_smilepayz-codegen"))
        .arg("generate")
        .arg(repo_spec())
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("runs");
    assert!(again.status.success());
    assert!(!stray.exists(), "the stray region file was not removed");

    // A broken spec writes nothing and exits 1.
    let broken = SpecCopy::new();
    broken.edit("regions/thb.yaml", "currency: THB\n", "currency: 42\n");
    let out = tempfile::tempdir().expect("temp folder");
    let output = Command::new(env!("CARGO_BIN_EXE_smilepayz-codegen"))
        .arg("generate")
        .arg(&broken.dir)
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(!out.path().join("mod.rs").exists());
}

/// An endpoint to append to gateway.yaml, with one request field written as `FIELD`.
const PROBE: &str = r#"
  probe:
    type_prefix: Probe
    title: API probe
    summary: A probe endpoint.
    method: POST
    path: /v2.0/probe
    service_code: "77"
    read_only: true
    request:
      - FIELD
    response:
      - {name: code, required: true, type: string, doc: The result code.}
      - {name: message, required: true, type: string, doc: The result.}
"#;

/// Whether `check` refuses the spec with `message` at the line where `line_needle` starts,
/// in the column where `column_needle` starts on that line (and says how to fix it).
fn refused(
    spec: &SpecCopy,
    file: &str,
    line_needle: &str,
    column_needle: &str,
    message: &str,
) -> Result<(), String> {
    let (code, stderr) = spec.check();
    if code != 1 {
        return Err(format!(
            "expected {message:?}; check exited {code}:\n{stderr}"
        ));
    }
    let text = std::fs::read_to_string(spec.dir.join(file)).expect("read");
    let line = line_of(&text, line_needle);
    let Some(column) = text
        .lines()
        .nth(line - 1)
        .and_then(|l| l.find(column_needle))
        .map(|c| c + 1)
    else {
        return Err(format!(
            "{column_needle:?} is not on the line of {line_needle:?}"
        ));
    };
    let expected = format!(
        "{}:{line}:{column}: error: {message}\n  help: ",
        spec.file(file)
    );
    if stderr.contains(&expected) {
        Ok(())
    } else {
        Err(format!("expected {expected:?} in:\n{stderr}"))
    }
}

#[test]
fn every_field_construct_misused_gets_a_located_error() {
    // (the field, where the error points on its line, the message)
    let cases: &[(&str, &str, &str)] = &[
        (
            "{name: count, required: true, type: integer, min_length: 2, doc: d}",
            "2, doc",
            "`min_length` only applies to a string, and `count` is a integer",
        ),
        (
            "{name: count, required: true, type: integer, minimum: 5, maximum: 2, doc: d}",
            "5, max",
            "minimum 5 is more than maximum 2",
        ),
        (
            "{name: rate, required: true, type: decimal, minimum: 1, doc: d}",
            "1, doc",
            "1 is not a decimal written as a string",
        ),
        (
            // A bound the checker could not read as an amount would be no bound at all.
            "{name: rate, required: true, type: decimal, minimum: \"0.0000000000000000000000000000000000000001\", maximum: \"1\", doc: d}",
            "\"0.0",
            "0.0000000000000000000000000000000000000001 has more than 38 digits, more than an amount keeps",
        ),
        (
            "{name: fee, required: true, type: money, maximum: \"1000000000000000000000000000000000000000\", doc: d}",
            "\"1000",
            "1000000000000000000000000000000000000000 has more than 38 digits, more than an amount keeps",
        ),
        (
            "{name: rate, required: true, type: decimal, minimum: \"2\", maximum: \"1\", doc: d}",
            "\"2\"",
            "minimum 2 is more than maximum 1",
        ),
        (
            "{name: word, required: true, type: string, min_length: 9, max_length: 3, doc: d}",
            "9, max",
            "min_length 9 is more than max_length 3",
        ),
        (
            "{name: word, required: true, type: string, chars: letters, doc: d}",
            "letters",
            "`endpoints.probe.request[0].chars` must be one of \"alphanumeric\", \"digits\", \"ascii\", found \"letters\"",
        ),
        (
            "{name: flag, required: true, type: boolean, examples: [\"yes\"], doc: d}",
            "\"yes\"",
            "example or default: must be true or false, not \"yes\"",
        ),
        (
            "{name: at, required: true, type: timestamp, offset: false, examples: [\"2024-01-01T00:00:00+07:00\"], doc: d}",
            "\"2024",
            "example or default: must be a timestamp yyyy-MM-ddTHH:mm:ss (no offset), not \"2024-01-01T00:00:00+07:00\"",
        ),
        (
            "{name: at, required: true, type: timestamp, examples: [\"2024-01-01 00:00:00\"], doc: d}",
            "\"2024",
            "example or default: must be a timestamp yyyy-MM-ddTHH:mm:ss±HH:mm, not \"2024-01-01 00:00:00\"",
        ),
        (
            "{name: colour, required: true, type: enum, type_name: Colour, doc: d}",
            "{name",
            "enum `Colour` has no values",
        ),
        (
            "{name: colour, required: true, type: enum, type_name: Colour, values: [A, 1], doc: d}",
            "1]",
            "enum value 1 is a number, so it needs a Rust name",
        ),
        (
            "{name: colour, required: true, type: enum, type_name: Colour, values: [A, A], doc: d}",
            "A]",
            "enum value A is listed twice",
        ),
        (
            "{name: colour, required: true, type: enum, values: [A, B], doc: d}",
            "enum",
            "enum field `colour` has no `type_name`",
        ),
        (
            "{name: trade, required: true, ref: TradeType, open: true, doc: d}",
            "true, doc",
            "`open` only applies to an inline enum, and `trade` is a `ref: TradeType`",
        ),
        (
            "{name: trade, required: true, ref: TradeType, examples: [3], doc: d}",
            "3]",
            "example or default: 3 is not allowed; use one of 1, 2",
        ),
        (
            "{name: tags, required: true, type: list, doc: d}",
            "list",
            "list field `tags` does not say what it holds",
        ),
        (
            "{name: tags, required: true, type: list, items: string, min_items: 3, max_items: 1, doc: d}",
            "3, max",
            "min_items 3 is more than max_items 1",
        ),
        (
            "{name: tags, required: true, type: list, items: list, doc: d}",
            "list, doc",
            "list field `tags` holds lists",
        ),
        (
            "{name: parcel, required: true, type: object, type_name: Parcel, doc: d}",
            "object",
            "object field `parcel` has no fields",
        ),
        (
            "{name: parcel, required: true, type: object, type_name: parcel, doc: d, fields: [{name: a, required: true, type: string, doc: d}]}",
            "parcel, doc",
            "type_name `parcel` cannot be a Rust type name: it is not PascalCase",
        ),
        (
            "{name: money, required: true, ref: TransactionMoney, one_or_many: true, doc: d}",
            "true, doc",
            "`one_or_many` only applies to an object, and `money` is a `ref: TransactionMoney` to money",
        ),
        (
            "{name: money, required: true, type: money, shape: number, doc: d}",
            "number",
            "`endpoints.probe.request[0].shape` must be one of \"value-string\", \"amount-number\", found \"number\"",
        ),
        (
            "{name: money, required: true, ref: Mony, doc: d}",
            "Mony",
            "`ref: Mony` names no definition",
        ),
        (
            "{name: code, required: true, type: string, pattern: \"[A-Z]{4}(0)\", doc: d}",
            "\"[A-Z]",
            "pattern \"[A-Z]{4}(0)\": `(` at character 9 is not part of the pattern language (no groups, wildcards or anchors: the whole value always must match); write `\\(` for the character itself",
        ),
        (
            "{name: count, required: true, type: integer, pattern: \"[0-9]+\", doc: d}",
            "\"[0-9]",
            "`pattern` only applies to a string, and `count` is a integer",
        ),
        (
            "{name: fee, required: true, type: money, minimum: \"0\", doc: d}",
            "\"0\"",
            "minimum 0 is not more than 0, and every request amount must be more than 0",
        ),
        (
            "{name: fee, required: true, type: money, maximum: \"-5\", doc: d}",
            "\"-5\"",
            "maximum -5 is not more than 0, and every request amount must be more than 0",
        ),
        (
            "{name: fee, required: true, type: money, maximum: \"1000000000000000\", doc: d}",
            "\"1000000000000000\"",
            "maximum 1000000000000000 is more than 999999999999999, the largest amount any request may carry",
        ),
        (
            "{name: fee, required: true, type: money, minimum: \"5\", maximum: \"2\", doc: d}",
            "\"5\"",
            "minimum 5 is more than maximum 2",
        ),
        (
            "{name: fee, required: true, type: money, minimum: 5, doc: d}",
            "5, doc",
            "5 is not a decimal written as a string",
        ),
        (
            "{name: count, required: true, type: boolean, minimum: 5, doc: d}",
            "5, doc",
            "`minimum` only applies to an integer, decimal or money, and `count` is a boolean",
        ),
        (
            "{name: extra, required: true, type: json-string, examples: [\"{not json\"], doc: d}",
            "\"{not",
            "example or default: must be a string holding JSON, not \"{not json\"",
        ),
        (
            "{name: note, required: false, type: string, default: 5, doc: d}",
            "5,",
            "example or default: must be a string, not a number",
        ),
        (
            "{name: note, required: true, type: string, default: x, doc: d}",
            "x, doc",
            "field `note` is required and has a default",
        ),
        (
            "{name: note, required: true, type: string, ref: TransactionMoney, doc: d}",
            "string",
            "field `note` has both `type: string` and `ref:`",
        ),
        (
            "{name: note, required: true, doc: d}",
            "note",
            "field `note` has no type",
        ),
        (
            "{name: note, required: true, type: string}",
            "note",
            "field `note` has no documentation",
        ),
    ];
    let mut failures = Vec::new();
    for (field, column_needle, message) in cases {
        let spec = SpecCopy::new();
        let path = spec.dir.join("gateway.yaml");
        let mut text = std::fs::read_to_string(&path).expect("read");
        text.push_str(&PROBE.replace("FIELD", field));
        std::fs::write(&path, text).expect("write");
        let line_needle = format!("- {field}");
        if let Err(why) = refused(&spec, "gateway.yaml", &line_needle, column_needle, message) {
            failures.push(why);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn endpoint_and_region_rules_misused_get_located_errors() {
    let probe = PROBE.replace(
        "FIELD",
        "{name: tradeNo, required: false, type: string, doc: d}",
    );
    let callback_without_trade_no = PROBE.replace(
        "FIELD",
        "{name: tradeNo, required: false, type: string, doc: d}",
    ) + "    callback:\n      type_name: ProbeNotification\n      title: Probe notification\n      doc: d\n      fields:\n        - {name: orderNo, required: true, type: string, doc: d}\n";
    let callback_named_like_the_request = PROBE.replace(
        "FIELD",
        "{name: tradeNo, required: false, type: string, doc: d}",
    ) + "    callback:\n      type_name: ProbeRequest\n      title: Probe notification\n      doc: d\n      fields:\n        - {name: tradeNo, required: true, type: string, doc: d}\n";
    type Edit = (&'static str, String, String);
    // (edits, the file, where the error's line is, where on it, the message)
    let cases: Vec<(Vec<Edit>, &str, &str, &str, &str)> = vec![
        (
            vec![("gateway.yaml", "  inquiry-status:".into(), "  inquiry_status:".into())],
            "gateway.yaml",
            "  inquiry_status:",
            "inquiry_status",
            "endpoint id `inquiry_status` is not kebab-case",
        ),
        (
            vec![("gateway.yaml", "  inquiry-status:".into(), "  shared-rules:".into())],
            "gateway.yaml",
            "  shared-rules:",
            "shared-rules",
            "endpoint id `shared-rules` would be the module `shared_rules`, a name the generated code uses for its own modules",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "            X-PARTNER-ID: \"20001\"\n      - name: sandbox-account".into(),
                "            X-PARTNER-ID: \"20001 \"\n      - name: sandbox-account".into(),
            )],
            "regions/thb.yaml",
            "X-PARTNER-ID: \"20001 \"",
            "X-PARTNER-ID",
            "the example's header \"X-PARTNER-ID\": \"20001 \" is not one `Name: value` line",
        ),
        (
            vec![("gateway.yaml", "service_code: \"92\"".into(), "service_code: \"11\"".into())],
            "gateway.yaml",
            "service_code: \"11\"\n    read_only: true\n    # \"At",
            "\"11\"",
            "service code \"11\" is also the service code of endpoint `inquiry-balance`",
        ),
        (
            vec![(
                "gateway.yaml",
                "    at_least_one_of: [[orderNo, tradeNo]]".into(),
                "    at_least_one_of: [[orderNo, tradeId]]".into(),
            )],
            "gateway.yaml",
            "at_least_one_of",
            "[orderNo, tradeId]",
            "at_least_one_of names `tradeId`, which is not a request field of `inquiry-status`",
        ),
        (
            vec![(
                "gateway.yaml",
                "    at_least_one_of: [[orderNo, tradeNo]]".into(),
                "    at_least_one_of: [[orderNo]]".into(),
            )],
            "gateway.yaml",
            "at_least_one_of",
            "[orderNo]",
            "an at_least_one_of group needs two fields or more",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-in:\n    overrides:\n".into(),
                "  pay-in:\n    overrides:\n      request.payer.email:\n        required_when: {field: method, values: [QRPAY]}\n".into(),
            )],
            "regions/thb.yaml",
            "request.payer.email:\n        required_when",
            "request.payer.email",
            "override `request.payer.email`: required_when names `method`, which is not a top-level request field of `pay-in`",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-in:\n    overrides:\n".into(),
                "  pay-in:\n    overrides:\n      request.orderNo:\n        required_when: {field: paymentMethod, values: [QRPAY]}\n".into(),
            )],
            "regions/thb.yaml",
            "request.orderNo:\n        required_when",
            "request.orderNo",
            "override `request.orderNo` sets required_when, but the field is always mandatory here",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-in:\n    overrides:\n".into(),
                "  pay-in:\n    overrides:\n      request.payer.email:\n        required_when: {field: paymentMethod, values: [1]}\n".into(),
            )],
            "regions/thb.yaml",
            "request.payer.email:\n        required_when",
            "request.payer.email",
            "override `request.payer.email`: required_when's values must be values of `paymentMethod` as it is written, at least one",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-out:\n    overrides:\n".into(),
                "  pay-out:\n    overrides:\n      request.receiver:\n        at_least_one_of: [[idNumber, nickname]]\n".into(),
            )],
            "regions/thb.yaml",
            "request.receiver:\n        at_least_one_of",
            "request.receiver",
            "override `request.receiver`: at_least_one_of names `nickname`, which is not a field of it",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-out:\n    overrides:\n".into(),
                "  pay-out:\n    overrides:\n      request.receiver:\n        at_least_one_of: [[idNumber]]\n".into(),
            )],
            "regions/thb.yaml",
            "request.receiver:\n        at_least_one_of",
            "request.receiver",
            "override `request.receiver`: an at_least_one_of group needs two fields or more",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-out:\n    overrides:\n".into(),
                "  pay-out:\n    overrides:\n      request.cashAccount:\n        at_least_one_of: [[a, b]]\n".into(),
            )],
            "regions/thb.yaml",
            "request.cashAccount:\n        at_least_one_of",
            "request.cashAccount",
            "override `request.cashAccount` sets at_least_one_of, but the field is string",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-out:\n    overrides:\n".into(),
                "  pay-out:\n    overrides:\n      response.channel:\n        at_least_one_of: [[a, b]]\n".into(),
            )],
            "regions/thb.yaml",
            "response.channel:\n        at_least_one_of",
            "response.channel",
            "override `response.channel` sets at_least_one_of, which applies to request objects only",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-out:\n    overrides:\n".into(),
                "  pay-out:\n    overrides:\n      request.receiver.name:\n        default: Somchai\n".into(),
            )],
            "regions/thb.yaml",
            "request.receiver.name:\n        default",
            "request.receiver.name",
            "override `request.receiver.name` sets a default, which applies to top-level request fields only",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-out:\n    overrides:\n".into(),
                "  pay-out:\n    overrides:\n      request.orderNo:\n        default: S1\n".into(),
            )],
            "regions/thb.yaml",
            "request.orderNo:\n        default",
            "request.orderNo",
            "override `request.orderNo` sets a default, but the field is mandatory in every region",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-in:\n    overrides:\n".into(),
                "  pay-in:\n    overrides:\n      request.expiryPeriod:\n        default: 999999\n".into(),
            )],
            "regions/thb.yaml",
            "request.expiryPeriod:\n        default",
            "request.expiryPeriod",
            "override `request.expiryPeriod`: the default 999999 breaks the field's rules here: `expiryPeriod` is 999999; the greatest allowed is 86400",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-out:\n    overrides:\n".into(),
                "  pay-out:\n    extra_fields:\n      inside:\n        request.receiver.name:\n          - {name: nickname, required: false, type: string, doc: d}\n    overrides:\n".into(),
            )],
            "regions/thb.yaml",
            "request.receiver.name:\n          - {name: nickname",
            "request.receiver.name",
            "extra_fields.inside names `request.receiver.name`; a region adds fields inside a top-level request object only",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-out:\n    overrides:\n".into(),
                "  pay-out:\n    extra_fields:\n      inside:\n        request.cashAccount:\n          - {name: nickname, required: false, type: string, doc: d}\n    overrides:\n".into(),
            )],
            "regions/thb.yaml",
            "request.cashAccount:\n          - {name: nickname",
            "request.cashAccount",
            "extra_fields.inside names `request.cashAccount`, which is string, not an object",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-out:\n    overrides:\n".into(),
                "  pay-out:\n    extra_fields:\n      inside:\n        request.nothing:\n          - {name: nickname, required: false, type: string, doc: d}\n    overrides:\n".into(),
            )],
            "regions/thb.yaml",
            "request.nothing:\n          - {name: nickname",
            "request.nothing",
            "extra_fields.inside names `request.nothing`, which is not a request field",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-out:\n    overrides:\n".into(),
                "  pay-out:\n    extra_fields:\n      inside:\n        request.receiver:\n          - {name: fee, required: false, type: decimal, doc: d}\n    overrides:\n".into(),
            )],
            "regions/thb.yaml",
            "- {name: fee, required: false",
            "fee",
            "extra field `fee` inside `receiver` is or holds money or a decimal, which a region's field inside an object cannot be",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-out:\n    overrides:\n".into(),
                "  pay-out:\n    extra_fields:\n      inside:\n        request.receiver:\n          - {name: email, required: false, type: string, doc: d}\n    overrides:\n".into(),
            )],
            "regions/thb.yaml",
            "- {name: email, required: false",
            "email",
            "extra field `email` inside `receiver` clashes with its shared field `email`",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-out:\n    overrides:\n".into(),
                "  pay-out:\n    overrides:\n      request.money:\n        minimum: \"0\"\n".into(),
            )],
            "regions/thb.yaml",
            "request.money:\n        minimum",
            "request.money",
            "override `request.money`: minimum 0 is not more than 0, and every request amount must be more than 0",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  pay-out:\n    overrides:\n".into(),
                "  pay-out:\n    overrides:\n      request.money:\n        minimum: \"300\"\n        maximum: \"200\"\n".into(),
            )],
            "regions/thb.yaml",
            "request.money:\n        minimum",
            "request.money",
            "override `request.money` leaves minimum 300 above maximum 200",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "            money:\n              currency: THB\n              amount: 200\n".into(),
                "            money:\n              currency: THB\n              amount: -200\n".into(),
            )],
            "regions/thb.yaml",
            "              amount: -200",
            "-200",
            "the example's `money.amount`: must be more than 0",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  inquiry-status:\n".into(),
                "  inquiry-status:\n    overrides:\n      request.orderNo:\n        min_length: 40\n".into(),
            )],
            "regions/thb.yaml",
            "request.orderNo:",
            "request.orderNo",
            "override `request.orderNo` leaves min_length 40 above max_length 32",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  inquiry-status:\n".into(),
                "  inquiry-status:\n    overrides:\n      request.tradeType:\n        values: [3]\n".into(),
            )],
            "regions/thb.yaml",
            "request.tradeType:",
            "request.tradeType",
            "override `request.tradeType`: 3 is not a value of the closed enum `TradeType`",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  inquiry-status:\n".into(),
                "  inquiry-status:\n    overrides:\n      request.balanceTypes:\n        min_items: 9\n".into(),
            )],
            "regions/thb.yaml",
            "request.balanceTypes:\n        min_items: 9",
            "request.balanceTypes",
            "override `request.balanceTypes` names no field of `inquiry-status`",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "    overrides:\n      request.balanceTypes:\n".into(),
                "    overrides:\n      request.balanceTypes:\n        max_items: 1\n        min_items: 2\n      request.accountNo:\n        minimum: 3\n".into(),
            )],
            "regions/thb.yaml",
            "request.balanceTypes:",
            "request.balanceTypes",
            "override `request.balanceTypes` leaves min_items 2 above max_items 1",
        ),
        (
            vec![(
                "regions/thb.yaml",
                "  inquiry-status:\n".into(),
                "  inquiry-status:\n    extra_fields:\n      request:\n        - {name: orderInfo, required: false, type: object, type_name: InquiryStatusRequestExtra, doc: d, fields: [{name: a, required: false, type: string, doc: d}]}\n".into(),
            )],
            "regions/thb.yaml",
            "name: orderInfo",
            "InquiryStatusRequestExtra",
            "type_name `InquiryStatusRequestExtra` is already used in this endpoint by field `(generated)`",
        ),
        (
            vec![
                ("gateway.yaml", "      - name: remark\n".into(), "      - name: detail\n        required: false\n        type: object\n        type_name: Detail\n        doc: d\n        fields: [{name: a, required: false, type: string, doc: d}]\n      - name: remark\n".into()),
                ("regions/thb.yaml", "  inquiry-status:\n".into(), "  inquiry-status:\n    extra_fields:\n      response:\n        - {name: more, required: false, type: object, type_name: Detail, doc: d, fields: [{name: b, required: false, type: string, doc: d}]}\n".into()),
            ],
            "regions/thb.yaml",
            "name: more",
            "Detail,",
            "type_name `Detail` is already used in this endpoint by field `detail`",
        ),
        (
            vec![
                ("gateway.yaml", String::new(), probe.clone()),
                ("regions/thb.yaml", "  inquiry-status:\n".into(), "  probes:\n    examples: []\n  inquiry-status:\n".into()),
            ],
            "regions/thb.yaml",
            "  probes:",
            "probes",
            "endpoint `probes` is not in gateway.yaml",
        ),
    ];
    let cases: Vec<(Vec<Edit>, &str, &str, &str, &str)> = cases
        .into_iter()
        .chain([
            (
                vec![("gateway.yaml", String::new(), callback_without_trade_no)],
                "gateway.yaml",
                "- {name: orderNo, required: true, type: string, doc: d}",
                "- {name: orderNo",
                "the callback of `probe` has no required string field `tradeNo`",
            ),
            (
                vec![("gateway.yaml", String::new(), callback_named_like_the_request)],
                "gateway.yaml",
                "type_name: ProbeRequest",
                "ProbeRequest",
                "callback type_name `ProbeRequest` is already used in this endpoint by field `(generated)`",
            ),
        ])
        .collect();
    let mut failures = Vec::new();
    for (edits, file, line_needle, column_needle, message) in cases {
        let spec = SpecCopy::new();
        for (edited, from, to) in edits {
            if from.is_empty() {
                let path = spec.dir.join(edited);
                let text = std::fs::read_to_string(&path).expect("read");
                spec.write(edited, &(text + &to));
            } else {
                spec.edit(edited, &from, &to);
            }
        }
        if let Err(why) = refused(&spec, file, line_needle, column_needle, message) {
            failures.push(why);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
