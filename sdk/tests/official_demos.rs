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
use smilepayz::emulator::{Emulator, TestMerchant};
use smilepayz::signing::{SignatureScheme, Signer};
use smilepayz::timestamp::Timestamp;

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
    for merchant in &merchants {
        let region = merchant.region;
        let signer = Signer::new(
            SignatureScheme::Sha256WithRsa,
            merchant.secret.clone(),
            Some(merchant.private_key.clone()),
        )
        .expect("a signer");
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

                let bytes = serde_json::to_vec(&body).expect("JSON");
                let timestamp = demo_timestamp(language);
                let signature = signer.sign(&timestamp, &bytes).expect("signs");
                let answer = http
                    .post(format!("{}{}", emulator.base_url(), offered.endpoint.path))
                    .header("Content-Type", "application/json")
                    .header("X-TIMESTAMP", &timestamp)
                    .header("X-SIGNATURE", signature)
                    .header("X-PARTNER-ID", &merchant.partner_id)
                    .body(bytes)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
                let status = answer.status();
                let answer: Value = answer.json().await.expect("a JSON answer");
                assert_eq!(
                    (status.as_u16(), &answer["code"]),
                    (200, &Value::from("00")),
                    "{what}, signed at {timestamp}: {answer}"
                );
                accepted.push(what);
            }
        }
    }
    // The regions the demos cover, each with demo bodies (Chile has no demo).
    for code in ["IDR", "INR", "BRL", "MXN"] {
        assert!(
            accepted.iter().any(|w| w.starts_with(code)),
            "no demo body of {code} was tried: {accepted:#?}"
        );
    }
    emulator.shutdown().await;
}
