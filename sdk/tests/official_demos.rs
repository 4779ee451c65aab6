//! The request bodies the gateway's official demos build (smilepayz-demo-java, -golang, -cs,
//! -node.js, -python and smilepayz-sdk-php), kept in each region's spec as examples named
//! `demo-<language>`, are accepted by the region's rules and by the emulator, signed as the
//! demos sign them: the Java demo writes X-TIMESTAMP in UTC with `Z`, the PHP and Python demos
//! `+07:00` in every region, the others the machine's offset.
//!
//! Only what a merchant must change to run a demo at all is changed: the credentials (the
//! merchant id in the body) and a fresh sandbox `orderNo`. A demo's callback URL is kept: the
//! emulator accepts any http(s) URL, as the gateway does, and calls only loopback ones.

use std::time::{Duration, SystemTime};

use serde_json::Value;
use smilepayz::OrderNo;
use smilepayz::Region;
use smilepayz::signing::{SignatureScheme, Signer};
use smilepayz::timestamp::Timestamp;
use smilepayz_emulator::{Emulator, TestMerchant};

/// Sends `body` to `path` signed as the demo of `language` signs, and returns the HTTP status,
/// the answer and the X-TIMESTAMP used.
async fn send_as_demo(
    http: &reqwest::Client,
    base_url: &str,
    path: &str,
    merchant: &TestMerchant,
    language: &str,
    body: &Value,
) -> (u16, Value, String) {
    let signer = Signer::new(
        SignatureScheme::Sha256WithRsa,
        merchant.secret.clone(),
        Some(merchant.private_key.clone()),
    )
    .expect("a signer");
    let bytes = serde_json::to_vec(body).expect("JSON");
    let timestamp = demo_timestamp(language);
    let signature = signer.sign(&timestamp, &bytes).expect("signs");
    let answer = http
        .post(format!("{base_url}{path}"))
        .header("Content-Type", "application/json")
        .header("X-TIMESTAMP", &timestamp)
        .header("X-SIGNATURE", signature)
        .header("X-PARTNER-ID", &merchant.partner_id)
        .body(bytes)
        .send()
        .await
        .expect("answered");
    let status = answer.status().as_u16();
    (
        status,
        answer.json().await.expect("a JSON answer"),
        timestamp,
    )
}

/// X-TIMESTAMP as the demo of `language` writes it.
fn demo_timestamp(language: &str) -> String {
    let now = SystemTime::now();
    match language {
        // `ZonedDateTime.of(LocalDateTime.now(), ZoneId.of("UTC"))`, `…ssXXX`: `Z`.
        "java" => format!("{}Z", &Timestamp::at(now, 0).to_string()[..19]),
        // Asia/Bangkok, whatever the region.
        "php" | "python" => Timestamp::at(now, 7 * 3600).to_string(),
        // The machine's offset; CI machines run in UTC.
        _ => Timestamp::at(now, 0).to_string(),
    }
}

#[tokio::test]
async fn every_official_demo_body_is_accepted_by_the_rules_and_the_emulator() {
    let merchants: Vec<TestMerchant> = Region::ALL
        .iter()
        .map(|r| TestMerchant::generate(*r).expect("test merchant"))
        .collect();
    let mut builder = Emulator::builder().settle_after(Duration::from_secs(3600));
    for merchant in &merchants {
        builder = builder.merchant(merchant.merchant());
    }
    let emulator = builder.start().await.expect("starts");
    let http = reqwest::Client::new();
    let mut accepted = Vec::new();
    let base_url = emulator.base_url().to_owned();
    for merchant in &merchants {
        let region = merchant.region;
        let accounts = emulator.accounts(&merchant.partner_id).expect("accounts");
        // Every demo's balance inquiry: one account, BALANCE.
        for language in ["java", "php", "node"] {
            let body = serde_json::json!({
                "accountNo": accounts.payout_account_no,
                "balanceTypes": ["BALANCE"],
            });
            let (status, answer, timestamp) = send_as_demo(
                &http,
                &base_url,
                "/v2.0/inquiry-balance",
                merchant,
                language,
                &body,
            )
            .await;
            assert_eq!(
                (status, &answer["code"]),
                (200, &Value::from("00")),
                "{region} balance as the {language} demo, at {timestamp}: {answer}"
            );
        }
        for offered in region.info().endpoints {
            for example in offered.examples {
                let Some(language) = example.name.strip_prefix("demo-") else {
                    continue;
                };
                let body = example.request.and_then(|m| m.body).unwrap_or_else(|| {
                    panic!("{region} {}: a demo example has a body", example.name)
                });
                let mut body: Value = serde_json::from_str(body).expect("JSON");
                // What a merchant must change to run the demo at all.
                if body.get("orderNo").is_some() && offered.endpoint.id != "inquiry-status" {
                    body["orderNo"] = OrderNo::generate(&merchant.partner_id)
                        .expect("order number")
                        .as_str()
                        .into();
                }
                if let Some(m) = body.get_mut("merchant").and_then(Value::as_object_mut) {
                    m.insert("merchantId".into(), merchant.partner_id.clone().into());
                }
                if body.get("merchantId").is_some() {
                    body["merchantId"] = merchant.partner_id.clone().into();
                }
                let what = format!(
                    "{region} {} {} ({})",
                    offered.endpoint.id, example.name, example.source
                );
                smilepayz::rules::check(offered.request_rules, &body, region.info())
                    .unwrap_or_else(|e| panic!("{what}: the rules refuse it: {e}"));

                let (status, answer, timestamp) = send_as_demo(
                    &http,
                    &base_url,
                    offered.endpoint.path,
                    merchant,
                    language,
                    &body,
                )
                .await;
                assert_eq!(
                    (status, &answer["code"]),
                    (200, &Value::from("00")),
                    "{what}, signed at {timestamp}: {answer}"
                );
                // Every demo's status inquiry, by the order it just made.
                let trade_type = match offered.endpoint.id {
                    "pay-in" => Some(1),
                    "pay-out" => Some(2),
                    _ => None,
                };
                if let Some(trade_type) = trade_type {
                    let status_body = serde_json::json!({
                        "tradeType": trade_type,
                        "orderNo": body["orderNo"],
                    });
                    let (status, answer, _) = send_as_demo(
                        &http,
                        &base_url,
                        "/v2.0/inquiry-status",
                        merchant,
                        language,
                        &status_body,
                    )
                    .await;
                    assert_eq!(
                        (status, &answer["code"]),
                        (200, &Value::from("00")),
                        "{what}: its status inquiry: {answer}"
                    );
                }
                accepted.push(what);
            }
        }
    }
    // The regions the demos cover, each with demo bodies (Chile has no demo).
    for code in ["IDR", "INR", "BRL", "MXN", "COP", "PHP", "THB", "PEN"] {
        assert!(
            accepted.iter().any(|w| w.starts_with(code)),
            "no demo body of {code} was tried: {accepted:#?}"
        );
    }
    emulator.shutdown().await;
}

/// Where a demo sends what the documentation forbids (REGIONS.md §4 C23 and C5), the rules win:
/// the body is refused before anything is booked, naming the field and what to send.
#[test]
fn demo_bodies_that_break_the_documentation_are_refused_by_name() {
    // The region's demo body of the endpoint, or its first example where no demo body is kept.
    let demo = |region: Region, endpoint: &str| -> Value {
        let offered = region.info().endpoint(endpoint).expect("offered");
        let body = offered
            .examples
            .iter()
            .filter(|e| e.name.starts_with("demo-"))
            .chain(offered.examples)
            .find_map(|e| e.request.and_then(|m| m.body))
            .unwrap_or_else(|| panic!("{region} {endpoint}: an example"));
        serde_json::from_str(body).expect("JSON")
    };
    let mut cases: Vec<(Region, &str, Value, &str)> = Vec::new();
    // java india: an IFSC of 14 characters (the docs: 11).
    let mut body = demo(Region::Inr, "pay-out");
    body["ifscCode"] = "YES00012202121".into();
    cases.push((
        Region::Inr,
        "pay-out",
        body,
        "ifscCode: is 14 characters long; at most 11 are allowed",
    ));
    // An IFSC of the right length in the wrong shape (its fifth character is not 0).
    let mut body = demo(Region::Inr, "pay-out");
    body["ifscCode"] = "HDFC1000001".into();
    cases.push((
        Region::Inr,
        "pay-out",
        body,
        "ifscCode: must match [A-Z]{4}0[A-Z0-9]{6}",
    ));
    // java brazil: the pay-out's currency is IDR.
    let mut body = demo(Region::Brl, "pay-out");
    body["money"]["currency"] = "IDR".into();
    cases.push((
        Region::Brl,
        "pay-out",
        body,
        "money.currency: is \"IDR\", but BRL amounts are in BRL",
    ));
    // java mexico: SPEI went into the key variable, so paymentMethod is empty.
    let mut body = demo(Region::Mxn, "pay-in");
    body["paymentMethod"] = "".into();
    cases.push((
        Region::Mxn,
        "pay-in",
        body,
        "paymentMethod: is empty; send one of",
    ));
    for (region, endpoint, body, expected) in cases {
        let rules = region
            .info()
            .endpoint(endpoint)
            .expect("offered")
            .request_rules;
        let error =
            smilepayz::rules::check(rules, &body, region.info()).expect_err("the rules refuse it");
        assert!(
            error.to_string().contains(expected),
            "{region} {endpoint}: {error}"
        );
    }
}
