//! Callback verification: the two callbacks signed by the real platform (copied from
//! ../shared/vectors into tests/vectors), and every way a callback can fail, each named.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use smilepayz::callback::{CallbackError, CallbackVerifier, SUCCESS_REPLY, testing};
use smilepayz::signing::{PlatformKeyPair, PlatformPublicKey};
use smilepayz::timestamp::Timestamp;

struct RealCallback {
    trade_no: String,
    timestamp: String,
    signature: String,
    key: PlatformPublicKey,
}

fn real_callbacks() -> Vec<RealCallback> {
    let text = include_str!("vectors/platform-callbacks.json");
    let file: Value = serde_json::from_str(text).expect("JSON");
    file["callbacks"]
        .as_array()
        .expect("callbacks")
        .iter()
        .map(|c| RealCallback {
            trade_no: c["tradeNo"].as_str().expect("tradeNo").to_owned(),
            timestamp: c["xTimestamp"].as_str().expect("xTimestamp").to_owned(),
            signature: c["xSignature"].as_str().expect("xSignature").to_owned(),
            key: PlatformPublicKey::from_base64_spki(
                c["platformPublicKeySpkiB64"].as_str().expect("key"),
            )
            .expect("the published key parses"),
        })
        .collect()
}

fn body_for(trade_no: &str) -> Vec<u8> {
    json!({
        "orderNo": "S20001A1B2C3",
        "tradeNo": trade_no,
        "merchantId": "sandbox-20001",
        "merchantName": "Shop",
        "paymentMethod": "QRPAY",
        "transactionTime": "2024-04-10T08:45:32",
        "status": "SUCCESS",
        "money": {"currency": "THB", "amount": 100.50}
    })
    .to_string()
    .into_bytes()
}

fn at(text: &str) -> SystemTime {
    let seconds = Timestamp::parse(text).expect("timestamp").unix_seconds();
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).expect("after 1970"))
}

#[test]
fn the_real_platform_callbacks_verify_and_any_change_is_refused() {
    for real in real_callbacks() {
        let body = body_for(&real.trade_no);
        let headers = [
            ("x-timestamp", real.timestamp.as_str()),
            ("X-Signature", real.signature.as_str()),
        ];
        // At the time it was signed, with the clock check.
        let verifier = CallbackVerifier::new(real.key.clone());
        let verified = verifier
            .verify::<Value>(
                headers,
                &body,
                at(&real.timestamp) + Duration::from_secs(30),
            )
            .unwrap_or_else(|e| panic!("{}: {e}", real.trade_no));
        assert_eq!(verified.trade_no, real.trade_no);
        assert_eq!(verified.timestamp.to_string(), real.timestamp);

        // Today: stale, unless the clock check is off (a replay).
        let stale = verifier.verify::<Value>(headers, &body, SystemTime::now());
        assert!(
            matches!(stale, Err(CallbackError::Stale { .. })),
            "{stale:?}"
        );
        assert!(
            CallbackVerifier::new(real.key.clone())
                .without_clock_check()
                .verify::<Value>(headers, &body, SystemTime::now())
                .is_ok()
        );

        // Another tradeNo or timestamp: the signature no longer verifies.
        let relaxed = CallbackVerifier::new(real.key.clone()).without_clock_check();
        let other = body_for(&format!("{}0", real.trade_no));
        let error = relaxed
            .verify::<Value>(headers, &other, SystemTime::now())
            .unwrap_err();
        assert!(
            matches!(error, CallbackError::BadSignature { .. }),
            "{error}"
        );
        let later = real
            .timestamp
            .replace(":32+", ":33+")
            .replace(":52+", ":53+");
        let moved = [
            ("X-TIMESTAMP", later.as_str()),
            ("X-SIGNATURE", &real.signature),
        ];
        assert!(matches!(
            relaxed.verify::<Value>(moved, &body, SystemTime::now()),
            Err(CallbackError::BadSignature { .. })
        ));
    }
    // One platform's signature does not verify with the other's key.
    let reals = real_callbacks();
    let swapped = CallbackVerifier::new(reals[1].key.clone()).without_clock_check();
    let headers = [
        ("X-TIMESTAMP", reals[0].timestamp.as_str()),
        ("X-SIGNATURE", reals[0].signature.as_str()),
    ];
    assert!(
        swapped
            .verify::<Value>(headers, &body_for(&reals[0].trade_no), SystemTime::now())
            .is_err()
    );
}

#[test]
fn each_failed_check_is_named() {
    let platform = PlatformKeyPair::generate().expect("key pair");
    let body = body_for("T111200242404100829509916");
    let signed = testing::sign(&platform, &body, 7 * 3600).expect("signs");
    let verifier = CallbackVerifier::new(platform.public.clone());
    let now = SystemTime::now();
    assert!(
        verifier
            .verify::<Value>(signed.headers(), &body, now)
            .is_ok()
    );

    let only_timestamp = [("X-TIMESTAMP", signed.timestamp.as_str())];
    assert_eq!(
        verifier
            .verify::<Value>(only_timestamp, &body, now)
            .unwrap_err(),
        CallbackError::MissingHeader("X-SIGNATURE")
    );
    let only_signature = [("X-SIGNATURE", signed.signature.as_str())];
    assert_eq!(
        verifier
            .verify::<Value>(only_signature, &body, now)
            .unwrap_err(),
        CallbackError::MissingHeader("X-TIMESTAMP")
    );
    let not_text: [(&str, &[u8]); 2] = [
        ("X-TIMESTAMP", signed.timestamp.as_bytes()),
        ("X-SIGNATURE", &[0xff, 0xfe]),
    ];
    assert_eq!(
        verifier.verify::<Value>(not_text, &body, now).unwrap_err(),
        CallbackError::HeaderNotText("X-SIGNATURE")
    );
    for (bad, why) in [
        (&b"not json"[..], "not a JSON object"),
        (&br#"{"orderNo":"x"}"#[..], "has no `tradeNo`"),
        (&br#"{"tradeNo":42}"#[..], "`tradeNo` is not a string"),
    ] {
        let error = verifier
            .verify::<Value>(signed.headers(), bad, now)
            .unwrap_err();
        assert!(error.to_string().contains(why), "{error}");
    }
    // Ten minutes late, with the default five-minute tolerance; fine with a wider one.
    let late = now + Duration::from_secs(600);
    let error = verifier
        .verify::<Value>(signed.headers(), &body, late)
        .unwrap_err();
    assert!(
        error.to_string().contains("more than the 300 s allowed"),
        "{error}"
    );
    assert!(
        verifier
            .clone()
            .tolerance(Duration::from_secs(900))
            .verify::<Value>(signed.headers(), &body, late)
            .is_ok()
    );
    // Signed, but not the expected shape.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Strict {
        amount: u64,
    }
    let error = verifier
        .verify::<Strict>(signed.headers(), &body, now)
        .unwrap_err();
    assert!(matches!(error, CallbackError::Decode(_)), "{error}");
    assert_eq!(SUCCESS_REPLY, "SUCCESS");
}

#[test]
fn a_platform_key_pair_signs_what_the_published_verifier_checks() {
    let platform = PlatformKeyPair::generate().expect("key pair");
    let signature = platform
        .sign_callback("T1", "2024-04-10T08:45:32+07:00")
        .expect("signs");
    assert!(smilepayz::signing::verify_callback(
        &platform.public,
        "T1",
        "2024-04-10T08:45:32+07:00",
        &signature
    ));
    let reparsed =
        PlatformPublicKey::from_base64_spki(&platform.public_spki_base64()).expect("SPKI");
    assert!(smilepayz::signing::verify_callback(
        &reparsed,
        "T1",
        "2024-04-10T08:45:32+07:00",
        &signature
    ));
    assert!(!format!("{platform:?}").contains(&platform.public_spki_base64()[40..80]));
}

#[test]
fn a_callback_decodes_in_a_region_chosen_at_run_time() {
    use smilepayz::Region;
    use smilepayz::definitions::TransactionStatus;
    use smilepayz::endpoints::pay_in::AnyPayInNotification;

    let platform = PlatformKeyPair::generate().expect("key pair");
    // Written by hand, so the amount keeps its digits as the platform sends them.
    let body = br#"{"orderNo":"S20001A1B2C3","tradeNo":"T111200242404100829509916","merchantId":"sandbox-20001","paymentMethod":"QRPAY","transactionTime":"2024-04-10T08:45:32","status":"SUCCESS","money":{"currency":"THB","amount":100.50}}"#;
    let signed = testing::sign(&platform, body, 7 * 3600).expect("signs");
    let verifier = CallbackVerifier::new(platform.public.clone());
    let region: Region = "thb".parse().expect("a region");
    let verified = verifier
        .verify_in::<AnyPayInNotification>(region, signed.headers(), body, SystemTime::now())
        .expect("verifies");
    let notification = verified.notification;
    assert_eq!(notification.region(), Region::Thb);
    assert_eq!(notification.trade_no(), "T111200242404100829509916");
    assert_eq!(notification.order_no(), "S20001A1B2C3");
    assert_eq!(notification.status(), &TransactionStatus::Success);
    let money = notification.money();
    assert_eq!(money.to_string(), "100.50 THB");
    assert_eq!(money.to_minor_units(), Some(10050));
    // The same body read as another region's notification: its currency is not PEN's.
    let error = verifier
        .verify_in::<AnyPayInNotification>(Region::Pen, signed.headers(), body, SystemTime::now())
        .expect_err("THB is not PEN");
    assert!(matches!(error, CallbackError::Decode(_)), "{error}");
    assert!(error.to_string().contains("PEN"), "{error}");
}
