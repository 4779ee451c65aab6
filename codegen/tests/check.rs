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

fn line_of(text: &str, needle: &str) -> usize {
    1 + text
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle in file")
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
        stderr.contains("currency`: is \"PEN\", but the region's currency is THB"),
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
    let written =
        std::fs::read_to_string(out.path().join("smilepayz_generated.rs")).expect("written");
    let spec = smilepayz_codegen::load(&repo_spec()).expect("loads");
    assert_eq!(
        written,
        smilepayz_codegen::generate(&spec).expect("generates")
    );

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
    assert!(!out.path().join("smilepayz_generated.rs").exists());
}
