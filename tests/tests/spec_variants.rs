//! Specs other than the repository's are compiled and run, not only parsed.
//!
//! The variant is the repository's spec plus the files in `tests/fixtures/every-construct/`,
//! added as text only: an endpoint that uses every construct of the spec language, with
//! overrides, extra fields and examples in each region, and a whole new region (IDR). The test
//! builds the SDK and the `smilepayz` command against it (`SMILEPAYZ_SPEC_DIR`, warnings
//! denied, in a target folder of its own so the main build is not disturbed), then calls the
//! new endpoint through the command and the emulator in every region.
//!
//! The first run compiles the dependencies once more (about a minute on two cores); later
//! runs rebuild only what a fixture change touches.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

const ENDPOINT: &str = "every-construct";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/every-construct")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The target folder this test binary was built in (`target/debug/deps/<this>` → `target`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors()
        .nth(3)
        .expect("the test binary lives in <target>/<profile>/deps")
        .to_owned()
}

/// The variant's files, by path relative to the spec folder.
fn variant_files() -> BTreeMap<PathBuf, String> {
    let spec = repository().join("spec");
    let mut files = BTreeMap::new();
    for dir in ["", "regions", "schema"] {
        for entry in std::fs::read_dir(spec.join(dir)).expect("read spec folder") {
            let path = entry.expect("folder entry").path();
            // The variant's regions are the fixture's: PEN, THB and USDT with the new
            // endpoint added, and its own IDR (the repository's other regions are left out).
            let fixture_region = ["pen.yaml", "thb.yaml", "usdt.yaml"]
                .iter()
                .any(|r| path.file_name().is_some_and(|n| n == *r));
            if path.is_file() && (dir != "regions" || fixture_region) {
                let relative = path.strip_prefix(&spec).expect("under spec").to_owned();
                files.insert(
                    relative,
                    std::fs::read_to_string(&path).expect("read spec file"),
                );
            }
        }
    }
    let gateway = files
        .get_mut(Path::new("gateway.yaml"))
        .expect("gateway.yaml");
    assert!(
        gateway.contains("\ndefinitions:\n") && gateway.contains("\nendpoints:\n"),
        "gateway.yaml should have definitions: and then endpoints: as its last section"
    );
    *gateway = gateway.replacen(
        "\ndefinitions:\n",
        &format!("\ndefinitions:\n{}", fixture("definitions.yaml")),
        1,
    );
    gateway.push_str(&fixture("endpoint.yaml"));
    for region in ["pen", "thb", "usdt"] {
        let file = files
            .get_mut(&PathBuf::from(format!("regions/{region}.yaml")))
            .expect("region file");
        // `endpoints:` is each region file's last section: the fixture adds to it.
        file.push_str(&fixture(&format!("{region}.yaml")));
    }
    files.insert("regions/idr.yaml".into(), fixture("idr.yaml"));
    files
}

/// Writes the variant under `dir`, touching only files whose text changed (so a rerun with
/// no change rebuilds nothing) and removing files the variant no longer has.
fn write_variant(dir: &Path) -> Result<(), String> {
    let files = variant_files();
    for (relative, text) in &files {
        let path = dir.join(relative);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::create_dir_all(path.parent().expect("has a folder"))
                .and_then(|()| std::fs::write(&path, text))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    for sub in ["", "regions", "schema"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let relative = path.strip_prefix(dir).expect("under dir").to_owned();
            if path.is_file() && !files.contains_key(&relative) {
                std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    Ok(())
}

struct Variant {
    spec_dir: PathBuf,
    command: PathBuf,
    /// The regions of the variant, as the generator loaded them: (code, currency).
    regions: Vec<(String, String)>,
}

/// Writes, checks and builds the variant once per test run.
fn variant() -> &'static Variant {
    static BUILT: OnceLock<Result<Variant, String>> = OnceLock::new();
    BUILT
        .get_or_init(build)
        .as_ref()
        .unwrap_or_else(|why| panic!("{why}"))
}

fn build() -> Result<Variant, String> {
    let root = target_dir().join("spec-variants");
    let spec_dir = root.join("every-construct/spec");
    write_variant(&spec_dir)?;
    let spec = smilepayz_codegen::load(&spec_dir)
        .map_err(|problems| format!("the variant spec was refused:\n{problems}"))?;
    let regions = spec
        .regions
        .iter()
        .filter(|r| r.endpoint(ENDPOINT).is_some())
        .map(|r| (r.spec.code.clone(), r.spec.currency.clone()))
        .collect();
    let build_dir = root.join("target");
    let cargo = |args: &[&str]| -> Result<(), String> {
        let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(repository())
            .args(args)
            .env("SMILEPAYZ_SPEC_DIR", &spec_dir)
            .env("CARGO_TARGET_DIR", &build_dir)
            // Generated code must be warning-free for any spec, not only the repository's.
            .env("RUSTFLAGS", "-D warnings")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env("CARGO_TERM_COLOR", "never")
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "`cargo {}` fails against the variant spec in {}:\n{}",
                args.join(" "),
                spec_dir.display(),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    };
    let locked = ["--locked", "--offline"];
    // `regenerate`: build from the variant spec, not the committed code.
    cargo(
        &[
            &["build"],
            &locked[..],
            &["--features", "smilepayz/regenerate"],
            &["--package", "smilepayz-cli", "--bin", "smilepayz"],
        ]
        .concat(),
    )?;
    // The same lints as the repository's own generated code (the workspace denies clippy::all).
    // CI always has clippy (.ci/run installs it); elsewhere a toolchain without it skips this.
    if clippy_available() || std::env::var_os("CI").is_some() {
        let lint = [
            "--package",
            "smilepayz",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ];
        cargo(&[&["clippy"], &locked[..], &lint[..]].concat())?;
    } else {
        eprintln!("spec_variants: clippy is not installed, so the variant is built but not linted");
    }
    let command = build_dir
        .join("debug")
        .join(format!("smilepayz{}", std::env::consts::EXE_SUFFIX));
    Ok(Variant {
        spec_dir,
        command,
        regions,
    })
}

fn clippy_available() -> bool {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["clippy", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn smilepayz(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(&variant().command);
    command.args(args);
    for var in [
        "SMILEPAYZ_PARTNER_ID",
        "SMILEPAYZ_MERCHANT_SECRET",
        "SMILEPAYZ_PRIVATE_KEY",
        "SMILEPAYZ_PRIVATE_KEY_FILE",
    ] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    command.output().expect("the variant's smilepayz runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_variant_builds_and_lists_the_new_endpoint_and_region() {
    let variant = variant();
    let codes: Vec<&str> = variant.regions.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        codes,
        ["IDR", "PEN", "THB", "USDT"],
        "the fixture's regions"
    );

    let output = smilepayz(&["endpoints", "--json"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let find = |id: &str| {
        list.as_array()
            .expect("a list")
            .iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("{id} is not listed: {list}"))
            .clone()
    };
    let new = find(ENDPOINT);
    assert_eq!(new["path"], "/v2.0/test/every-construct");
    assert_eq!(new["readOnly"], false);
    assert_eq!(new["regions"], serde_json::json!(codes));
    // IDR offers only what its file lists.
    let status_regions = find("inquiry-status")["regions"].clone();
    assert_eq!(status_regions, serde_json::json!(["PEN", "THB", "USDT"]));
    let output = smilepayz(
        &["call", "inquiry-status", "--region", "IDR", "--example"],
        &[],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the IDR region does not offer inquiry-status"),
        "{}",
        stderr(&output)
    );
    assert!(variant.spec_dir.join("regions/idr.yaml").is_file());
}

#[test]
fn the_new_endpoint_answers_its_example_with_00_in_every_region() {
    for (code, currency) in &variant().regions {
        let output = smilepayz(&["call", ENDPOINT, "--region", code, "--example"], &[]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{code}: {}{}",
            stdout(&output),
            stderr(&output)
        );
        let body: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{code}: {e}: {}", stdout(&output)));
        assert_eq!(body["code"], "00", "{code}: {body}");
        assert_eq!(
            body["money"]["currency"],
            currency.as_str(),
            "{code}: {body}"
        );
        assert!(stderr(&output).is_empty(), "{code}: {}", stderr(&output));
    }
    // The new region's balance inquiry works too, typed, through the command's own subcommand.
    let output = smilepayz(&["balance", "--region", "IDR", "--json"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("\"IDR\""), "{}", stdout(&output));
}

#[test]
fn a_group_two_objects_deep_gets_the_region_s_whole_check_written_out() {
    let variant = variant();
    let spec = smilepayz_codegen::load(&variant.spec_dir).expect("the variant loads");
    let source = |code: &str| {
        let region = spec
            .regions
            .iter()
            .find(|r| r.spec.code == code)
            .expect("the region is in the variant");
        smilepayz_codegen::region_source(&spec, region).expect("emitted")
    };
    // USDT's group in `payer.address` is more than `check_own` writes: its check is whole.
    assert!(
        source("USDT").contains("fn check_request("),
        "{}",
        source("USDT")
    );
    // THB adds fields one level down only: the shared check and its own.
    let thb = source("THB");
    assert!(
        thb.contains("fn check_own(") && !thb.contains("fn check_request("),
        "{thb}"
    );

    let body = |address: &str| {
        format!(
            r#"{{"orderNo":"ORDER000009","count":1,"channel":"FAST","paymentMethod":"USDT","money":{{"currency":"USDT","amount":1}},"merchant":{{"merchantId":"20001"}},"payer":{{"name":"W","accountNo":"TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE","address":{address}}},"network":"TRC20"}}"#
        )
    };
    let output = smilepayz(
        &[
            "call",
            ENDPOINT,
            "--region",
            "USDT",
            "--body",
            &body(r#"{"city":"Lisbon"}"#),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("payer.address: needs at least one of street, postcode in USDT"),
        "{}",
        stderr(&output)
    );
    let output = smilepayz(
        &[
            "call",
            ENDPOINT,
            "--region",
            "USDT",
            "--body",
            &body(r#"{"city":"Lisbon","postcode":"1100"}"#),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn an_empty_body_is_refused_before_sending_naming_each_missing_field() {
    let cases: &[(&str, &[&str])] = &[
        (
            "THB",
            &[
                "count: required in THB",
                "channel: required in THB",
                "paymentMethod: required in THB",
                "money: required in THB",
                "merchant: required in THB",
                // Made mandatory by THB's override.
                "payer: required in THB",
                "(body): needs at least one of orderNo, tradeNo in THB",
            ],
        ),
        // A mandatory extra field of PEN's own.
        ("PEN", &["cci: required in PEN", "money: required in PEN"]),
        ("USDT", &["network: required in USDT"]),
        ("IDR", &["merchant: required in IDR"]),
    ];
    for (region, expected) in cases {
        let output = smilepayz(&["call", ENDPOINT, "--region", region, "--body", "{}"], &[]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{region}: {}",
            stderr(&output)
        );
        let message = stderr(&output);
        assert_eq!(message.lines().count(), 1, "one line: {message}");
        assert!(
            message.contains("so it was not sent"),
            "{region}: {message}"
        );
        for part in *expected {
            assert!(message.contains(part), "{region}: no {part:?} in {message}");
        }
        assert!(stdout(&output).is_empty());
    }
}

#[test]
fn each_rule_of_the_new_endpoint_is_enforced_with_the_region_overrides() {
    let body = serde_json::json!({
        "orderNo": "ab",
        "count": 0,
        "rate": 2,
        "urgent": "yes",
        "expiresAt": "2024-01-01",
        "channel": "SLOW",
        "tradeType": 3,
        "paymentMethod": "KBANK",
        "money": {"currency": "USD", "amount": 100.505},
        "fee": {"currency": "THB", "value": "0.25"},
        "branchCode": "HDFC1001234",
        "tags": ["a", "b", "c"],
        "merchant": {"merchantId": "x"},
        "payer": {"name": "n"},
        "extendInfo": "{nope",
    })
    .to_string();
    let output = smilepayz(&["call", ENDPOINT, "--region", "THB", "--body", &body], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    for part in [
        "orderNo: is 2 characters long; at least 6 are needed",
        "count: is 0; the least allowed is 1",
        "rate: is 2; the greatest allowed is 1.5",
        "urgent: must be true or false",
        "expiresAt: must be a timestamp",
        // A closed inline enum, and a closed definition.
        "channel: SLOW is not allowed in THB; use one of FAST, slow-lane",
        "tradeType: 3 is not allowed in THB; use one of 1, 2",
        // Overrides: allowed values, list length, a nested field made mandatory.
        "paymentMethod: KBANK is not allowed in THB; use one of QRPAY, BANK",
        "tags: has 3 items; at most 2 are allowed",
        "payer.accountNo: required in THB",
        // Money: the region's currency and its money format.
        "money.currency: is \"USD\", but THB amounts are in THB",
        "money.amount: 100.505 has 3 decimal places; THB amounts have at most 2 (#.##)",
        // Money bounds: the field's own, and the floor every request amount shares.
        "fee.value: is 0.25; the least allowed in THB is 0.50",
        // A pattern.
        "branchCode: must match [A-Z]{4}0[A-Z0-9]{6}|BR\\.[0-9]{2,3}",
        "merchant.merchantId: may hold only digits",
        "extendInfo: must be a string holding JSON",
    ] {
        assert!(message.contains(part), "no {part:?} in {message}");
    }
    // The region's range on money, and the floor every region shares.
    for (amount, part) in [
        ("10", "money.amount: is 10; the least allowed in THB is 20"),
        (
            "60000",
            "money.amount: is 60000; the greatest allowed in THB is 50000",
        ),
        ("-5", "money.amount: must be more than 0"),
    ] {
        let body = format!(r#"{{"money":{{"currency":"THB","amount":{amount}}}}}"#);
        let output = smilepayz(&["call", ENDPOINT, "--region", "THB", "--body", &body], &[]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let message = stderr(&output);
        assert!(message.contains(part), "no {part:?} in {message}");
    }
    // A field required when another has a value.
    let body = r#"{"paymentMethod":"BANK","payer":{"name":"n","accountNo":"1234567890"}}"#;
    let output = smilepayz(&["call", ENDPOINT, "--region", "THB", "--body", body], &[]);
    assert!(
        stderr(&output).contains("payer.address: required in THB when paymentMethod is BANK"),
        "{}",
        stderr(&output)
    );
    // Thailand's own fields inside the shared payer are checked there, and are no field of
    // the payer elsewhere.
    let body =
        r#"{"payer":{"name":"n","accountNo":"1234567890","nickname":"Chai 2","salutation":"SIR"}}"#;
    let output = smilepayz(&["call", ENDPOINT, "--region", "THB", "--body", body], &[]);
    for part in [
        "payer.nickname: must match [A-Za-z]{1,20}",
        "payer.salutation: SIR is not allowed in THB; use one of KHUN, NONG",
    ] {
        assert!(
            stderr(&output).contains(part),
            "no {part:?} in {}",
            stderr(&output)
        );
    }
    let body = r#"{"payer":{"name":"n","accountNo":"1","nickname":"Chai"}}"#;
    let output = smilepayz(&["call", ENDPOINT, "--region", "PEN", "--body", body], &[]);
    assert!(
        stderr(&output).contains("payer.nickname: is not a field of this message in PEN"),
        "{}",
        stderr(&output)
    );
    // A group inside an object: a payer, when sent, needs one of accountNo and address.
    let body = r#"{"payer":{"name":"n"}}"#;
    let output = smilepayz(&["call", ENDPOINT, "--region", "PEN", "--body", body], &[]);
    assert!(
        stderr(&output).contains("payer: needs at least one of accountNo, address in PEN"),
        "{}",
        stderr(&output)
    );
    let body = r#"{"payer":{"name":"n","address":{"city":"Lima"}}}"#;
    let output = smilepayz(&["call", ENDPOINT, "--region", "PEN", "--body", body], &[]);
    assert!(
        !stderr(&output).contains("needs at least one of accountNo"),
        "{}",
        stderr(&output)
    );
    let body = r#"{"money":{"currency":"PEN","amount":-5}}"#;
    let output = smilepayz(&["call", ENDPOINT, "--region", "PEN", "--body", body], &[]);
    assert!(
        stderr(&output).contains("money.amount: must be more than 0"),
        "{}",
        stderr(&output)
    );
    // An open enum keeps values it does not list; a closed extra enum refuses them.
    let output = smilepayz(
        &[
            "call",
            ENDPOINT,
            "--region",
            "USDT",
            "--body",
            r#"{"network":"SOL","priority":7}"#,
        ],
        &[],
    );
    let message = stderr(&output);
    assert!(
        message.contains("network: SOL is not allowed in USDT"),
        "{message}"
    );
    assert!(!message.contains("priority"), "{message}");
}

#[test]
fn the_served_emulator_answers_the_new_endpoint_over_http() {
    let mut child = Command::new(&variant().command)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    // A watchdog, so that a serve that stops printing cannot hang the test run.
    let pid = child.id().to_string();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        let _ = Command::new("kill").arg(&pid).status();
    });
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut next = || lines.next().and_then(Result::ok).unwrap_or_default();
    let first = next();
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_owned();
    let (mut partner, mut secret, mut key) = (String::new(), String::new(), String::new());
    // serve prints a partner id and secret per region, then the key (fewer than 12 lines).
    for _ in 0..12 {
        if !partner.is_empty() && !secret.is_empty() && !key.is_empty() {
            break;
        }
        let line = next();
        if let Some(rest) = line.strip_prefix("partner id IDR") {
            let words: Vec<&str> = rest.split_whitespace().collect();
            partner = words.first().copied().unwrap_or_default().to_owned();
            // Each merchant has its own secret, last on its line: "… secret 0a1b…".
            secret = words
                .iter()
                .skip_while(|w| **w != "secret")
                .nth(1)
                .copied()
                .unwrap_or_default()
                .to_owned();
        } else if let Some(rest) = line.strip_prefix("SMILEPAYZ_PRIVATE_KEY=") {
            key = rest.to_owned();
        }
    }
    let output = smilepayz(
        &[
            "call",
            ENDPOINT,
            "--region",
            "IDR",
            "--example",
            "--base-url",
            &url,
        ],
        &[
            ("SMILEPAYZ_PARTNER_ID", &partner),
            ("SMILEPAYZ_MERCHANT_SECRET", &secret),
            ("SMILEPAYZ_PRIVATE_KEY", &key),
        ],
    );
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        output.status.code(),
        Some(0),
        "partner {partner:?}: {}",
        stderr(&output)
    );
    let body: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(body["code"], "00");
    assert_eq!(body["money"]["currency"], "IDR");
}
