//! The `smilepayz` command, run as a user would.

use std::path::Path;
use std::process::{Command, Output};

fn smilepayz(args: &[&str], env: &[(&str, &str)]) -> Output {
    command(args, env).output().expect("runs")
}

/// The command with `input` on its standard input.
fn smilepayz_fed(args: &[&str], env: &[(&str, &str)], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = command(args, env)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("writes");
    child.wait_with_output().expect("runs")
}

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_smilepayz"));
    command.args(args);
    for name in [
        "SMILEPAYZ_PARTNER_ID",
        "SMILEPAYZ_MERCHANT_SECRET",
        "SMILEPAYZ_PRIVATE_KEY",
        "SMILEPAYZ_PRIVATE_KEY_FILE",
        "SMILEPAYZ_ENVIRONMENT",
        "SMILEPAYZ_BASE_URL",
    ] {
        command.env_remove(name);
    }
    command.env_remove("RUST_BACKTRACE");
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn vectors() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/signatures.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("vectors")).expect("JSON")
}

/// The vectors' merchant secret and private key, as the command reads them.
fn signing_env(v: &serde_json::Value) -> [(&'static str, &str); 2] {
    [
        ("SMILEPAYZ_MERCHANT_SECRET", text(v, "merchantSecret")),
        (
            "SMILEPAYZ_PRIVATE_KEY",
            text(v, "merchantPrivateKeyPkcs8B64"),
        ),
    ]
}

fn text<'a>(value: &'a serde_json::Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_else(|| panic!("no {key}"))
}

#[test]
fn regions_lists_every_region() {
    let output = smilepayz(&["regions"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    for region in smilepayz::Region::ALL {
        assert!(out.contains(region.code()), "{out}");
    }
    let json = smilepayz(&["regions", "--json"], &[]);
    let list: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let list = list.as_array().expect("a JSON list");
    assert_eq!(list.len(), smilepayz::Region::ALL.len());
    let thb = list
        .iter()
        .find(|r| r["code"] == "THB")
        .expect("THB is listed");
    assert_eq!(thb["areaCode"], 11);
}

#[test]
fn balance_works_against_the_embedded_emulator_in_every_region() {
    for (region, currency) in [
        ("USDT", "USDT"),
        ("PEN", "PEN"),
        ("THB", "THB"),
        ("thb", "THB"),
    ] {
        let output = smilepayz(&["balance", "--region", region], &[]);
        assert!(output.status.success(), "{region}: {}", stderr(&output));
        let out = stdout(&output);
        assert!(
            out.contains("BALANCE") && out.contains("250000") && out.contains(currency),
            "{region}: {out}"
        );

        let output = smilepayz(&["balance", "--region", region, "--json"], &[]);
        assert!(output.status.success(), "{region}: {}", stderr(&output));
        let body: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON body");
        assert_eq!(body["code"], "00");
    }
}

#[test]
fn balance_failures_are_one_line_and_non_zero() {
    let too_long = "1".repeat(129);
    for (args, expected) in [
        (vec!["balance", "--region", "XYZ"], "unknown region"),
        (
            vec!["balance", "--region", "THB", "--balance-type", "AVAILABLE"],
            "AVAILABLE is not allowed in THB",
        ),
        (
            vec!["balance", "--region", "THB", "--account-no", &too_long],
            "at most 128 are allowed",
        ),
        (
            vec!["balance", "--region", "THB", "--env", "sandbox"],
            "SMILEPAYZ_PARTNER_ID",
        ),
    ] {
        let output = smilepayz(&args, &[]);
        assert!(!output.status.success(), "{args:?} succeeded");
        let err = stderr(&output);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("backtrace"),
            "{args:?}: {err}"
        );
        // Argument errors are clap's (exit 2, its own layout); every other failure is one line.
        if output.status.code() != Some(2) {
            assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
            assert_eq!(output.status.code(), Some(1), "{args:?}");
        }
    }
}

#[test]
fn sign_reproduces_every_vector() {
    let v = vectors();
    let env = signing_env(&v);
    let requests = v["requests"].as_array().expect("requests");
    assert_eq!(requests.len(), 4);
    for request in requests {
        let (timestamp, body) = (text(request, "xTimestamp"), text(request, "body"));
        let rsa = smilepayz(&["sign", "--timestamp", timestamp, "--body", body], &env);
        assert!(rsa.status.success(), "{}", stderr(&rsa));
        assert_eq!(
            stdout(&rsa).trim_end(),
            text(request, "xSignature"),
            "{}",
            text(request, "name")
        );
        let hmac = smilepayz(
            &[
                "sign",
                "--timestamp",
                timestamp,
                "--body",
                body,
                "--scheme",
                "hmac-sha512",
            ],
            &env,
        );
        assert_eq!(
            stdout(&hmac).trim_end(),
            text(request, "hmacSha512"),
            "{}",
            text(request, "name")
        );
    }
}

#[test]
fn a_body_comes_from_standard_input_with_dash_and_from_a_file_with_at() {
    let v = vectors();
    let env = signing_env(&v);
    let request = &v["requests"][0];
    let (timestamp, body) = (text(request, "xTimestamp"), text(request, "body"));
    let expected = text(request, "xSignature");
    for dash in ["-", "@-"] {
        let signed = smilepayz_fed(
            &["sign", "--timestamp", timestamp, "--body", dash],
            &env,
            body.as_bytes(),
        );
        assert!(signed.status.success(), "{}", stderr(&signed));
        assert_eq!(stdout(&signed).trim_end(), expected, "--body {dash}");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("body.json");
    std::fs::write(&file, body).expect("writes");
    let at_file = format!("@{}", file.display());
    let signed = smilepayz(
        &["sign", "--timestamp", timestamp, "--body", &at_file],
        &env,
    );
    assert!(signed.status.success(), "{}", stderr(&signed));
    assert_eq!(stdout(&signed).trim_end(), expected);
    // The bytes are signed as they are: a final newline is part of the body.
    let with_newline = smilepayz_fed(
        &["sign", "--timestamp", timestamp, "--body", "-"],
        &env,
        format!("{body}\n").as_bytes(),
    );
    assert!(with_newline.status.success(), "{}", stderr(&with_newline));
    assert_ne!(stdout(&with_newline).trim_end(), expected);
    // `call` reads the body from standard input too, and checks it before sending.
    let refused = smilepayz_fed(
        &["call", "inquiry-status", "--region", "THB", "--body", "-"],
        &[],
        b"{}",
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let why = stderr(&refused);
    assert!(why.contains("tradeType: required in THB"), "{why}");
    assert!(!why.contains("is not JSON"), "{why}");
}

#[test]
fn sign_reads_the_key_from_a_pem_file_and_refuses_bad_keys_without_echoing_them() {
    let v = vectors();
    let request = &v["requests"][0];
    let key = text(&v, "merchantPrivateKeyPkcs8B64");
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        key.as_bytes()
            .chunks(64)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let dir = tempfile::tempdir().expect("temp");
    let file = dir.path().join("key.pem");
    std::fs::write(&file, pem).expect("write key");
    let output = smilepayz(
        &[
            "sign",
            "--timestamp",
            text(request, "xTimestamp"),
            "--body",
            text(request, "body"),
        ],
        &[
            ("SMILEPAYZ_MERCHANT_SECRET", text(&v, "merchantSecret")),
            ("SMILEPAYZ_PRIVATE_KEY_FILE", file.to_str().expect("path")),
        ],
    );
    assert_eq!(stdout(&output).trim_end(), text(request, "xSignature"));

    let broken = &key[..key.len() - 40];
    let output = smilepayz(
        &[
            "sign",
            "--timestamp",
            "2020-12-18T15:06:00+07:00",
            "--body",
            "{}",
        ],
        &[
            ("SMILEPAYZ_MERCHANT_SECRET", "s"),
            ("SMILEPAYZ_PRIVATE_KEY", broken),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!err.contains(&broken[100..140]), "the key leaked: {err}");

    let output = smilepayz(&["sign", "--timestamp", "t", "--body", "{}"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("SMILEPAYZ_MERCHANT_SECRET"));
}

#[test]
fn verify_callback_accepts_the_real_platform_callbacks_and_nothing_else() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/platform-callbacks.json");
    let callbacks: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
    let v = vectors();
    let mut cases: Vec<(String, String, String, String)> = Vec::new();
    for c in callbacks["callbacks"].as_array().expect("callbacks") {
        cases.push((
            text(c, "tradeNo").into(),
            text(c, "xTimestamp").into(),
            text(c, "xSignature").into(),
            text(c, "platformPublicKeySpkiB64").into(),
        ));
    }
    for c in v["callbacks"].as_array().expect("callbacks") {
        cases.push((
            text(c, "tradeNo").into(),
            text(c, "xTimestamp").into(),
            text(c, "xSignature").into(),
            text(&v, "platformPublicKeySpkiB64").into(),
        ));
    }
    assert_eq!(cases.len(), 4);
    for (trade_no, timestamp, signature, key) in &cases {
        let args = |t: &str, ts: &str| {
            smilepayz(
                &[
                    "verify-callback",
                    "--trade-no",
                    t,
                    "--timestamp",
                    ts,
                    "--signature",
                    signature,
                    "--platform-public-key",
                    key,
                    // The vectors are real callbacks from 2024: the signature alone.
                    "--no-clock-check",
                ],
                &[],
            )
        };
        let good = args(trade_no, timestamp);
        assert_eq!(
            (good.status.code(), stdout(&good).trim_end()),
            (Some(0), "valid"),
            "{}",
            stderr(&good)
        );
        let changed_trade = format!("{trade_no}0");
        let bad = args(&changed_trade, timestamp);
        assert_eq!(
            (bad.status.code(), stdout(&bad).trim_end()),
            (Some(1), "invalid")
        );
        let changed_time = timestamp.replacen(':', ";", 1);
        let bad = args(trade_no, &changed_time);
        assert_eq!(
            (bad.status.code(), stdout(&bad).trim_end()),
            (Some(1), "invalid")
        );
        // The key as PEM, as its own argument (clap must not read `-----BEGIN` as a flag).
        let lines: Vec<String> = key
            .as_bytes()
            .chunks(64)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        let pem = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            lines.join("\n")
        );
        let with_pem = smilepayz(
            &[
                "verify-callback",
                "--trade-no",
                trade_no,
                "--timestamp",
                timestamp,
                "--signature",
                signature,
                "--no-clock-check",
                "--platform-public-key",
                &pem,
            ],
            &[],
        );
        assert_eq!(
            (with_pem.status.code(), stdout(&with_pem).trim_end()),
            (Some(0), "valid"),
            "{}",
            stderr(&with_pem)
        );
        // Without --no-clock-check, the clock is checked as a handler checks it: a callback
        // from 2024 is stale, though its signature holds.
        let old = smilepayz(
            &[
                "verify-callback",
                "--trade-no",
                trade_no,
                "--timestamp",
                timestamp,
                "--signature",
                signature,
                "--platform-public-key",
                key,
            ],
            &[],
        );
        assert_eq!(
            (old.status.code(), stdout(&old).trim_end()),
            (Some(1), "stale")
        );
        assert!(
            stderr(&old).contains("the signature itself is valid"),
            "{}",
            stderr(&old)
        );
    }
}

#[test]
fn usage_errors_are_reported_by_clap_with_status_2() {
    let output = smilepayz(&["frobnicate"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("Usage"));
}

#[test]
fn serve_prints_its_address_and_credentials_that_work() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_smilepayz"))
        .args(["serve", "--addr", "127.0.0.1:0", "--log"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve starts");
    // A watchdog, so that a serve that stops printing cannot hang the test run.
    let pid = child.id().to_string();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        let _ = Command::new("kill").arg(&pid).status();
    });
    let served = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(served).lines();
    let mut next = || lines.next().and_then(Result::ok).unwrap_or_default();
    let first = next();
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let mut partner = String::new();
    let mut secret = String::new();
    let mut key = String::new();
    // serve prints a partner id and secret per region, then the keys, then waits; read
    // until all three are seen (bounded: a line per region and a few more).
    for _ in 0..smilepayz::Region::ALL.len() + 10 {
        if !partner.is_empty() && !secret.is_empty() && !key.is_empty() {
            break;
        }
        let line = next();
        if let Some(rest) = line.strip_prefix("partner id THB") {
            // "partner id THB    sandbox-20011  pay-in account …  pay-out account …  secret …"
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
            "balance",
            "--region",
            "THB",
            "--base-url",
            &url,
            "--account-no",
            "21120030202403071031",
        ],
        &[
            ("SMILEPAYZ_PARTNER_ID", &partner),
            ("SMILEPAYZ_MERCHANT_SECRET", &secret),
            ("SMILEPAYZ_PRIVATE_KEY", &key),
        ],
    );
    assert!(
        output.status.success(),
        "partner {partner:?}: {}",
        stderr(&output)
    );
    assert!(stdout(&output).contains("250000"), "{}", stdout(&output));
    // --log: one line for the request, after the startup lines (bounded read).
    let logged = (0..10)
        .map(|_| next())
        .find(|line| line.contains(" request "))
        .unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        logged.contains(&format!(
            " request  {partner} THB POST inquiry-balance orderNo=- -> 200 00 ("
        )),
        "{logged:?}"
    );
    assert!(logged.ends_with(" ms)"), "{logged:?}");
}

#[test]
fn every_endpoint_answers_its_example_in_every_region_that_offers_it() {
    let output = smilepayz(&["endpoints", "--json"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let list = list.as_array().expect("a list");
    assert!(list.iter().any(|e| e["id"] == "inquiry-status"), "{list:?}");
    let mut calls = 0;
    for endpoint in list {
        let id = endpoint["id"].as_str().expect("id");
        assert!(
            endpoint["path"]
                .as_str()
                .expect("path")
                .starts_with("/v2.0/")
        );
        for region in endpoint["regions"].as_array().expect("regions") {
            let region = region.as_str().expect("code");
            let output = smilepayz(&["call", id, "--region", region, "--example"], &[]);
            assert!(
                output.status.success(),
                "{id} in {region}: {}",
                stderr(&output)
            );
            let body: serde_json::Value =
                serde_json::from_slice(&output.stdout).expect("the response is JSON");
            assert_eq!(body["code"], "00", "{id} in {region}");
            calls += 1;
        }
    }
    assert!(calls >= list.len());
}

#[test]
fn a_body_the_rules_refuse_exits_2_before_sending() {
    let output = smilepayz(
        &["call", "inquiry-status", "--region", "THB", "--body", "{}"],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("tradeType: required in THB"), "{err}");
    assert!(
        err.contains("needs at least one of orderNo, tradeNo"),
        "{err}"
    );
    assert!(output.stdout.is_empty());

    let output = smilepayz(
        &["call", "no-such-endpoint", "--region", "THB", "--example"],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown endpoint"),
        "{}",
        stderr(&output)
    );
}

/// The pay-out of issue 17, as it was typed: a negative amount once created money in the
/// emulator. Each amount that is not more than 0 is refused before sending, naming the field.
#[test]
fn a_pay_out_or_pay_in_that_is_not_more_than_zero_is_refused_before_sending() {
    for amount in ["-500000", "0", "-0.00", "-100.00"] {
        for (endpoint, body) in [
            (
                "pay-out",
                format!(
                    r#"{{"orderNo":"S20001NEGATIVE1","purpose":"x","merchant":{{"merchantId":"sandbox-20001"}},"money":{{"currency":"THB","amount":{amount}}},"paymentMethod":"KBANK","cashAccount":"17385238451"}}"#
                ),
            ),
            (
                "pay-in",
                format!(
                    r#"{{"orderNo":"S20001NEGATIVE2","purpose":"x","merchant":{{"merchantId":"sandbox-20001"}},"money":{{"currency":"THB","amount":{amount}}},"paymentMethod":"QRPAY","payer":{{"name":"A","accountNo":"1234567890","bankName":"KBANK"}}}}"#
                ),
            ),
        ] {
            let output = smilepayz(&["call", endpoint, "--region", "THB", "--body", &body], &[]);
            assert_eq!(output.status.code(), Some(2), "{endpoint} {amount}");
            let err = stderr(&output);
            assert!(
                err.contains("money.amount: must be more than 0"),
                "{endpoint} {amount}: {err}"
            );
            assert!(output.stdout.is_empty(), "{endpoint} {amount}");
        }
    }
}

/// Amounts a float would round are judged on their own digits before sending: one past the
/// ceiling, and one with more decimal places than THB has.
#[test]
fn amounts_are_checked_on_their_own_digits_before_sending() {
    for (amount, expected) in [
        (
            "999999999999999.01",
            "money.amount: is 999999999999999.01; the largest amount a request may carry is 999999999999999",
        ),
        (
            "100.500000000000000001",
            "money.amount: 100.500000000000000001 has 18 decimal places; THB amounts have at most 2",
        ),
    ] {
        let body = format!(
            r#"{{"orderNo":"S20001EXACT1","purpose":"x","merchant":{{"merchantId":"sandbox-20001"}},"money":{{"currency":"THB","amount":{amount}}},"paymentMethod":"KBANK","cashAccount":"17385238451"}}"#
        );
        let output = smilepayz(
            &["call", "pay-out", "--region", "THB", "--body", &body],
            &[],
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "{amount}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(expected),
            "{amount}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{amount}");
    }
}

#[test]
fn listen_receives_and_verifies_the_emulators_callbacks() {
    use std::io::{BufRead, BufReader};
    let spawn = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_smilepayz"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starts");
        // A watchdog, so that a child that stops printing cannot hang the test run.
        let pid = child.id().to_string();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(60));
            let _ = Command::new("kill").arg(&pid).status();
        });
        let lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        (child, lines)
    };
    let (mut serve, mut served) = spawn(&["serve", "--json", "--settle-after-ms", "0"]);
    let first = served.next().and_then(Result::ok).expect("a JSON line");
    let config: serde_json::Value = serde_json::from_str(&first).expect("JSON");
    let base_url = config["baseUrl"].as_str().expect("baseUrl").to_owned();
    let platform_key = config["platformPublicKey"]
        .as_str()
        .expect("key")
        .to_owned();
    let thb = config["merchants"]
        .as_array()
        .expect("merchants")
        .iter()
        .find(|m| m["region"] == "THB")
        .expect("a THB merchant")
        .clone();
    assert!(
        thb["partnerId"]
            .as_str()
            .expect("id")
            .starts_with("sandbox-")
    );
    assert!(
        thb["payinAccountNo"]
            .as_str()
            .is_some_and(|a| a.len() == 20),
        "{thb}"
    );
    // Each merchant has its own secret: a request signed with Thailand's is refused under
    // Peru's partner id, as the gateway would.
    let merchants = config["merchants"].as_array().expect("merchants");
    let secrets: std::collections::BTreeSet<&str> = merchants
        .iter()
        .map(|m| m["merchantSecret"].as_str().expect("secret"))
        .collect();
    assert_eq!(secrets.len(), merchants.len(), "secrets are shared");
    let pen = merchants
        .iter()
        .find(|m| m["region"] == "PEN")
        .expect("a PEN merchant");
    let crossed = smilepayz(
        &[
            "balance",
            "--region",
            "PEN",
            "--base-url",
            &base_url,
            "--account-no",
            pen["payinAccountNo"].as_str().expect("account"),
        ],
        &[
            (
                "SMILEPAYZ_PARTNER_ID",
                pen["partnerId"].as_str().expect("id"),
            ),
            (
                "SMILEPAYZ_MERCHANT_SECRET",
                thb["merchantSecret"].as_str().expect("secret"),
            ),
            (
                "SMILEPAYZ_PRIVATE_KEY",
                thb["privateKey"].as_str().expect("key"),
            ),
        ],
    );
    assert!(!crossed.status.success(), "{}", stdout(&crossed));
    assert!(
        stderr(&crossed).to_lowercase().contains("signature"),
        "{}",
        stderr(&crossed)
    );

    let (mut listen, mut heard) = spawn(&[
        "listen",
        "--platform-public-key",
        &platform_key,
        "--count",
        "2",
        "--json",
    ]);
    let first = heard.next().and_then(Result::ok).expect("a line");
    let listen_url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_owned();

    let env = [
        (
            "SMILEPAYZ_PARTNER_ID",
            thb["partnerId"].as_str().expect("id"),
        ),
        (
            "SMILEPAYZ_MERCHANT_SECRET",
            thb["merchantSecret"].as_str().expect("secret"),
        ),
        (
            "SMILEPAYZ_PRIVATE_KEY",
            thb["privateKey"].as_str().expect("key"),
        ),
    ];
    for order_no in ["S20011LISTEN0001", "S20011LISTEN0002FAIL"] {
        let body = serde_json::json!({
            "orderNo": order_no,
            "purpose": "listen test",
            "merchant": {"merchantId": thb["partnerId"]},
            "money": {"currency": "THB", "amount": 100.50},
            "paymentMethod": "QRPAY",
            "payer": {"name": "Somchai", "accountNo": "1234567890", "bankName": "KBANK"},
            "callbackUrl": format!("{listen_url}/callback"),
        })
        .to_string();
        let output = smilepayz(
            &[
                "call",
                "pay-in",
                "--region",
                "THB",
                "--base-url",
                &base_url,
                "--body",
                &body,
            ],
            &env,
        );
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let line = heard.next().and_then(Result::ok).expect("a callback line");
        let callback: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(callback["valid"], true, "{callback}");
        assert_eq!(callback["path"], "/callback");
        statuses.push(
            callback["body"]["status"]
                .as_str()
                .expect("status")
                .to_owned(),
        );
    }
    statuses.sort();
    assert_eq!(statuses, ["FAILED", "SUCCESS"]);
    // --count 2: it ends by itself.
    assert!(listen.wait().expect("ends").success());
    let _ = serve.kill();
    let _ = serve.wait();
}

#[test]
fn credentials_come_from_the_same_variables_as_the_library_and_errors_name_them() {
    let base = [
        "balance",
        "--region",
        "THB",
        "--base-url",
        "http://127.0.0.1:9",
        "--account-no",
        "1",
    ];
    let secret = "0123456789abcdef".repeat(4);
    for (env, expected) in [
        (vec![], "SMILEPAYZ_PARTNER_ID"),
        (
            vec![("SMILEPAYZ_PARTNER_ID", "sandbox-20001")],
            "SMILEPAYZ_MERCHANT_SECRET",
        ),
        (
            vec![
                ("SMILEPAYZ_PARTNER_ID", "sandbox-20001"),
                ("SMILEPAYZ_MERCHANT_SECRET", secret.as_str()),
            ],
            "set SMILEPAYZ_PRIVATE_KEY to it as Base64 PKCS#8 or PEM, or SMILEPAYZ_PRIVATE_KEY_FILE",
        ),
        (
            vec![
                ("SMILEPAYZ_PARTNER_ID", "sandbox-20001"),
                ("SMILEPAYZ_MERCHANT_SECRET", secret.as_str()),
                ("SMILEPAYZ_PRIVATE_KEY_FILE", "/nonexistent/key.pem"),
            ],
            "SMILEPAYZ_PRIVATE_KEY_FILE: cannot read /nonexistent/key.pem",
        ),
        (
            vec![
                ("SMILEPAYZ_PARTNER_ID", "sandbox-2000\n1"),
                ("SMILEPAYZ_MERCHANT_SECRET", secret.as_str()),
            ],
            "cannot be sent as X-PARTNER-ID",
        ),
        (
            vec![
                ("SMILEPAYZ_ENVIRONMENT", "staging"),
                ("SMILEPAYZ_PARTNER_ID", "sandbox-20001"),
            ],
            "SMILEPAYZ_ENVIRONMENT: \"staging\" is not an environment",
        ),
    ] {
        let output = smilepayz(&base, &env);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{env:?}: {}",
            stderr(&output)
        );
        let err = stderr(&output);
        assert!(err.contains(expected), "{env:?}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(!err.contains(&secret), "the secret leaked: {err}");
        // Refused before any connection: not a network error.
        assert!(!err.contains("cannot reach"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_answers_as_a_handler_should_and_prints_amounts_with_their_digits() {
    use smilepayz::callback::testing;
    use smilepayz::signing::PlatformKeyPair;
    use std::io::{BufRead, BufReader};

    let platform = PlatformKeyPair::generate().expect("platform key");
    let stranger = PlatformKeyPair::generate().expect("another key");
    let mut child = Command::new(env!("CARGO_BIN_EXE_smilepayz"))
        .args([
            "listen",
            "--platform-public-key",
            &platform.public_spki_base64(),
            "--count",
            "4",
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let pid = child.id().to_string();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        let _ = Command::new("kill").arg(&pid).status();
    });
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().and_then(Result::ok).expect("a line");
    let url = format!(
        "{}/notify",
        first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {first:?}"))
    );
    let body = br#"{"tradeNo":"T1","orderNo":"S20011ORDER1","status":"SUCCESS","money":{"currency":"THB","amount":1234567890123456.78}}"#;
    let signed = testing::sign(&platform, body, 7 * 3600).expect("signed");
    let forged = testing::sign(&stranger, body, 7 * 3600).expect("signed");
    let http = reqwest::Client::new();
    let post = |headers: Vec<(&'static str, String)>, body: Vec<u8>| {
        let mut request = http.post(&url).body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    let owned = |s: &testing::SignedCallback| {
        s.headers()
            .into_iter()
            .map(|(n, v)| (n, v.to_owned()))
            .collect::<Vec<_>>()
    };
    type Headers = Vec<(&'static str, String)>;
    let cases: [(&str, Headers, Vec<u8>, u16); 4] = [
        ("valid", owned(&signed), body.to_vec(), 200),
        ("forged", owned(&forged), body.to_vec(), 401),
        (
            "unsigned",
            vec![("Content-Type", "application/json".to_owned())],
            body.to_vec(),
            401,
        ),
        ("oversized", owned(&signed), vec![b' '; 70 * 1024], 413),
    ];
    for (name, headers, body, status) in cases {
        let answer = post(headers, body).await.expect("answered");
        assert_eq!(answer.status().as_u16(), status, "{name}");
        let text = answer.text().await.expect("a body");
        assert_eq!(text == "SUCCESS", status == 200, "{name}: {text}");
        let line = lines
            .next()
            .and_then(Result::ok)
            .expect("a line per callback");
        let printed: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(printed["valid"], status == 200, "{name}: {line}");
        assert_eq!(printed["status"], status, "{name}: {line}");
        match name {
            // The amount keeps its digits (a float would print …56.8).
            "valid" => assert!(line.contains("1234567890123456.78"), "{line}"),
            "oversized" => assert!(line.contains("larger than 64 KiB"), "{line}"),
            _ => assert!(printed["error"].is_string(), "{line}"),
        }
    }
    assert!(child.wait().expect("exits").success());
}

#[test]
fn serve_keeps_at_most_max_transactions_and_says_how_to_raise_it() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_smilepayz"))
        .args([
            "serve",
            "--json",
            "--settle-after-ms",
            "0",
            "--max-transactions",
            "1",
            "--no-control-api",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let pid = child.id().to_string();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        let _ = Command::new("kill").arg(&pid).status();
    });
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().and_then(Result::ok).expect("a JSON line");
    let config: serde_json::Value = serde_json::from_str(&first).expect("JSON");
    let base_url = config["baseUrl"].as_str().expect("baseUrl");
    // --no-control-api: no control API or dashboard to name.
    assert!(
        config["controlUrl"].is_null() && config["dashboardUrl"].is_null(),
        "{config}"
    );
    let thb = config["merchants"]
        .as_array()
        .expect("merchants")
        .iter()
        .find(|m| m["region"] == "THB")
        .expect("a THB merchant")
        .clone();
    let env = [
        (
            "SMILEPAYZ_PARTNER_ID",
            thb["partnerId"].as_str().expect("id"),
        ),
        (
            "SMILEPAYZ_MERCHANT_SECRET",
            thb["merchantSecret"].as_str().expect("secret"),
        ),
        (
            "SMILEPAYZ_PRIVATE_KEY",
            thb["privateKey"].as_str().expect("key"),
        ),
    ];
    let pay_in = |order_no: &str| {
        let body = serde_json::json!({
            "orderNo": order_no,
            "purpose": "cap test",
            "merchant": {"merchantId": thb["partnerId"]},
            "money": {"currency": "THB", "amount": 10},
            "paymentMethod": "QRPAY",
            "payer": {"name": "Somchai", "accountNo": "1234567890", "bankName": "KBANK"},
        })
        .to_string();
        smilepayz(
            &[
                "call",
                "pay-in",
                "--region",
                "THB",
                "--base-url",
                base_url,
                "--body",
                &body,
            ],
            &env,
        )
    };
    let kept = pay_in("S20011CAP00001");
    assert!(kept.status.success(), "{}", stderr(&kept));
    let refused = pay_in("S20011CAP00002");
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("--max-transactions"),
        "{}",
        stderr(&refused)
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// A callback handler that answers SUCCESS to anything, signed or not: what `send-callback
/// --check` must catch.
async fn naive_handler() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let url = format!("http://{}/notify", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut chunk = [0u8; 4096];
                // The head, then as many body bytes as Content-Length says.
                loop {
                    let Ok(n) = stream.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&seen).to_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if seen.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nSUCCESS",
                    )
                    .await;
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_callback_check_tells_a_correct_handler_from_one_that_ignores_signatures() {
    use secrecy::ExposeSecret as _;
    use std::io::{BufRead, BufReader};
    // Any RSA key pair serves as a test platform key: the handler trusts its public half.
    let pair = smilepayz::signing::MerchantKeyPair::generate().expect("key pair");
    let private = pair.private_pkcs8_base64().expose_secret().to_owned();
    let public = pair.public_spki_base64();

    // A correct handler: `smilepayz listen` verifies and refuses what does not hold.
    let mut listen = Command::new(env!("CARGO_BIN_EXE_smilepayz"))
        .args(["listen", "--platform-public-key", &public])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let pid = listen.id().to_string();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        let _ = Command::new("kill").arg(&pid).status();
    });
    let mut lines = BufReader::new(listen.stdout.take().expect("stdout")).lines();
    let first = lines.next().and_then(Result::ok).expect("a line");
    let correct = format!(
        "{}/notify",
        first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {first:?}"))
    );
    let naive = naive_handler().await;

    let send = |url: String, check: bool| {
        let private = private.clone();
        tokio::task::spawn_blocking(move || {
            let mut args = vec![
                "send-callback".to_owned(),
                "--url".to_owned(),
                url,
                "--region".to_owned(),
                "THB".to_owned(),
                "--platform-private-key".to_owned(),
                private,
            ];
            if check {
                args.push("--check".to_owned());
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            smilepayz(&args, &[])
        })
    };

    let one = send(correct.clone(), false).await.expect("runs");
    assert!(one.status.success(), "{}", stderr(&one));
    assert_eq!(stdout(&one).trim_end(), "answered 200 SUCCESS");

    let checked = send(correct, true).await.expect("runs");
    assert!(
        checked.status.success(),
        "{}\n{}",
        stdout(&checked),
        stderr(&checked)
    );
    let report = stdout(&checked);
    assert_eq!(report.lines().count(), 4, "{report}");
    assert_eq!(report.matches(" ok (").count(), 4, "{report}");

    let fooled = send(naive, true).await.expect("runs");
    assert_eq!(fooled.status.code(), Some(1));
    let report = stdout(&fooled);
    let wrong: Vec<&str> = report.lines().filter(|l| l.contains("WRONG")).collect();
    assert_eq!(wrong.len(), 2, "{report}");
    assert!(
        wrong[0].starts_with("stale") && wrong[1].starts_with("forged"),
        "{report}"
    );
    assert!(
        stderr(&fooled).contains("2 of 4 answers are wrong"),
        "{}",
        stderr(&fooled)
    );

    let _ = listen.kill();
    let _ = listen.wait();
}

#[test]
fn serve_keeps_its_merchants_in_a_file_across_starts() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("merchants.json");
    let file_arg = file.to_str().expect("a UTF-8 path").to_owned();
    let start = || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_smilepayz"))
            .args(["serve", "--json", "--merchants", &file_arg])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starts");
        let pid = child.id().to_string();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(60));
            let _ = Command::new("kill").arg(&pid).status();
        });
        let first = BufReader::new(child.stdout.take().expect("stdout"))
            .lines()
            .next()
            .and_then(Result::ok)
            .expect("a JSON line");
        let _ = child.kill();
        let _ = child.wait();
        let config: serde_json::Value = serde_json::from_str(&first).expect("JSON");
        let mut merchants: Vec<(String, String, String, String)> = config["merchants"]
            .as_array()
            .expect("merchants")
            .iter()
            .map(|m| {
                let t = |k: &str| m[k].as_str().expect("a string").to_owned();
                (
                    t("region"),
                    t("partnerId"),
                    t("merchantSecret"),
                    t("privateKey"),
                )
            })
            .collect();
        merchants.sort();
        merchants
    };
    let first = start();
    assert_eq!(first.len(), smilepayz::Region::ALL.len());
    assert!(file.exists(), "the file was not written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let second = start();
    assert_eq!(first, second, "the credentials changed between starts");

    // Halves of two different key pairs: refused at start, not at the first request.
    let (a, b) = (
        smilepayz::signing::MerchantKeyPair::generate().expect("a key pair"),
        smilepayz::signing::MerchantKeyPair::generate().expect("a key pair"),
    );
    let mismatched = serde_json::json!({"merchants": [{
        "region": "THB",
        "partnerId": "sandbox-20011",
        "merchantSecret": "0123456789abcdef".repeat(4),
        "privateKey": secrecy::ExposeSecret::expose_secret(&a.private_pkcs8_base64()),
        "publicKey": b.public_spki_base64(),
    }]});
    std::fs::write(&file, mismatched.to_string()).expect("write");
    let refused = smilepayz(&["serve", "--merchants", &file_arg], &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("not one key pair"),
        "{}",
        stderr(&refused)
    );

    std::fs::write(&file, "{\"merchants\": [{\"region\": \"THB\"}]}").expect("write");
    let refused = smilepayz(&["serve", "--merchants", &file_arg], &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused)
            .contains("is not a merchants file: a merchant has no string \"partnerId\""),
        "{}",
        stderr(&refused)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_with_a_region_refuses_a_signed_callback_that_is_not_that_regions() {
    use smilepayz::callback::testing;
    use smilepayz::signing::PlatformKeyPair;
    use std::io::{BufRead, BufReader};

    let platform = PlatformKeyPair::generate().expect("platform key");
    let mut child = Command::new(env!("CARGO_BIN_EXE_smilepayz"))
        .args([
            "listen",
            "--platform-public-key",
            &platform.public_spki_base64(),
            "--region",
            "THB",
            "--count",
            "2",
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let pid = child.id().to_string();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        let _ = Command::new("kill").arg(&pid).status();
    });
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().and_then(Result::ok).expect("a line");
    let url = format!(
        "{}/notify",
        first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {first:?}"))
    );
    let http = reqwest::Client::new();
    for (currency, status) in [("THB", 200), ("PEN", 400)] {
        let body = format!(
            r#"{{"orderNo":"S20011ORDER1","tradeNo":"T{currency}","merchantId":"sandbox-20011","status":"SUCCESS","money":{{"currency":"{currency}","amount":250.00}}}}"#
        );
        let signed = testing::sign(&platform, body.as_bytes(), 7 * 3600).expect("signed");
        let mut request = http.post(&url).body(body.clone());
        for (name, value) in signed.headers() {
            request = request.header(name, value);
        }
        let answer = request.send().await.expect("answered");
        assert_eq!(answer.status().as_u16(), status, "{currency}");
        let line = lines.next().and_then(Result::ok).expect("a line");
        if status == 400 {
            assert!(line.contains("as a THB notification"), "{line}");
        } else {
            assert!(line.contains("250.00"), "{line}");
        }
    }
    assert!(child.wait().expect("exits").success());
}

/// `send-callback --check` against the SDK's own example handler
/// (`sdk/examples/callback_server.rs --handler`): the four answers a correct handler gives.
///
/// The example is built by `cargo test --workspace --all-features` (examples are built with
/// the tests) next to this command. When it has not been built here, the test says so and
/// is skipped, except under CI, where it must run.
#[test]
fn send_callback_check_passes_against_the_callback_server_example() {
    use secrecy::ExposeSecret as _;
    use std::io::{BufRead, BufReader};
    let example = std::path::Path::new(env!("CARGO_BIN_EXE_smilepayz"))
        .parent()
        .expect("the command's folder")
        .join("examples/callback_server");
    if !example.exists() {
        let why = format!(
            "{} is not built; `cargo test --workspace --all-features` builds it",
            example.display()
        );
        assert!(std::env::var_os("CI").is_none(), "under CI: {why}");
        eprintln!("skipped: {why}");
        return;
    }
    let pair = smilepayz::signing::MerchantKeyPair::generate().expect("key pair");
    let private = pair.private_pkcs8_base64().expose_secret().to_owned();
    let public = pair.public_spki_base64();
    let mut handler = Command::new(&example)
        .args(["--handler", "--platform-public-key", &public])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the example starts");
    let pid = handler.id().to_string();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        let _ = Command::new("kill").arg(&pid).status();
    });
    let mut lines = BufReader::new(handler.stdout.take().expect("stdout")).lines();
    let first = lines.next().and_then(Result::ok).expect("a line");
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_owned();
    let checked = smilepayz(
        &[
            "send-callback",
            "--url",
            &url,
            "--region",
            "THB",
            "--platform-private-key",
            &private,
            "--check",
        ],
        &[],
    );
    let report = stdout(&checked);
    assert!(checked.status.success(), "{report}\n{}", stderr(&checked));
    let verdicts: Vec<&str> = report.lines().collect();
    assert_eq!(verdicts.len(), 4, "{report}");
    for (line, case) in verdicts
        .iter()
        .zip(["valid", "same again", "stale", "forged"])
    {
        assert!(line.starts_with(case) && line.contains(" ok ("), "{report}");
    }
    let _ = handler.kill();
    // The valid one was handled once, though it was delivered twice.
    let handled: Vec<String> = lines.map_while(Result::ok).collect();
    assert_eq!(handled.len(), 1, "{handled:?}");
    assert!(handled[0].starts_with("handled "), "{handled:?}");
    let _ = handler.wait();
}
