//! The example merchant service (`examples/merchant_service`), run against the emulator: a
//! pay-in and a pay-out taken over HTTP, their callbacks received by the axum extractor and
//! confirmed with inquiry-status; and callbacks the extractor refuses, never with SUCCESS.

#[path = "../examples/merchant_service/service.rs"]
mod service;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use smilepayz::Client;
use smilepayz::Region;
use smilepayz::callback::CallbackVerifier;
use smilepayz_emulator::{CallbackRetries, Emulator, RunningEmulator, TestMerchant};

struct Running {
    emulator: RunningEmulator,
    url: String,
    http: reqwest::Client,
}

async fn start() -> Running {
    let merchant = TestMerchant::generate(Region::Thb).expect("a test merchant");
    let emulator = Emulator::builder()
        .merchant(merchant.merchant())
        .callback_retries(CallbackRetries {
            attempts: 3,
            first_delay: Duration::from_millis(50),
            timeout: Duration::from_secs(2),
        })
        .start()
        .await
        .expect("the emulator starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let client = Client::builder()
        .base_url(emulator.base_url())
        .partner_id(&merchant.partner_id)
        .merchant_secret(merchant.secret.clone())
        .private_key(merchant.private_key.clone())
        .build()
        .expect("a client");
    let shop = service::Shop {
        client,
        verifier: CallbackVerifier::new(emulator.platform_public_key()),
        merchant_id: merchant.partner_id.clone(),
        public_url: url.clone(),
        orders: Arc::new(Mutex::new(HashMap::new())),
    };
    tokio::spawn(async move {
        axum::serve(listener, service::router(shop))
            .await
            .expect("the service serves");
    });
    Running {
        emulator,
        url,
        http: reqwest::Client::new(),
    }
}

impl Running {
    async fn post(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .expect("the service answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        (status, json)
    }

    async fn order(&self, order_no: &str) -> serde_json::Value {
        self.http
            .get(format!("{}/orders/{order_no}", self.url))
            .send()
            .await
            .expect("the service answers")
            .json()
            .await
            .expect("an order")
    }

    /// The order once a callback was confirmed, waiting at most five seconds.
    async fn confirmed(&self, order_no: &str) -> serde_json::Value {
        for _ in 0..100 {
            let order = self.order(order_no).await;
            if !order["confirmedStatus"].is_null() {
                return order;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no callback was confirmed for {order_no}: {}",
            self.order(order_no).await
        );
    }
}

#[tokio::test]
async fn a_pay_in_and_a_pay_out_are_taken_called_back_and_confirmed() {
    let running = start().await;
    let (status, pay_in) = running
        .post(
            "/pay-ins",
            serde_json::json!({
                "amount": "1500.00",
                "payerName": "Somchai Jaidee",
                "payerAccount": "1234567890",
                "payerBank": "KBANK",
            }),
        )
        .await;
    assert_eq!(status, 200, "{pay_in}");
    assert_eq!(pay_in["sent"], "created");
    let order_no = pay_in["orderNo"].as_str().expect("an orderNo");
    let trade_no = pay_in["tradeNo"].as_str().expect("a tradeNo");
    running.emulator.settle(trade_no).expect("settled");
    let order = running.confirmed(order_no).await;
    assert_eq!(order["confirmedStatus"], "SUCCESS", "{order}");
    assert_eq!(order["callbacks"], 1);

    // The pay-in's money pays the pay-out.
    let (status, pay_out) = running
        .post(
            "/pay-outs",
            serde_json::json!({"amount": "200.00", "bank": "KBANK", "account": "17385238451"}),
        )
        .await;
    assert_eq!(status, 200, "{pay_out}");
    let order_no = pay_out["orderNo"].as_str().expect("an orderNo");
    let trade_no = pay_out["tradeNo"].as_str().expect("a tradeNo");
    running.emulator.settle(trade_no).expect("settled");
    let order = running.confirmed(order_no).await;
    assert_eq!(order["confirmedStatus"], "SUCCESS", "{order}");

    // Every delivery was answered SUCCESS by the service.
    let deliveries = running.emulator.deliveries();
    assert_eq!(deliveries.len(), 2, "{deliveries:?}");
    assert!(deliveries.iter().all(|d| d.accepted), "{deliveries:?}");
}

#[tokio::test]
async fn callbacks_that_do_not_verify_are_refused_with_the_reason() {
    let running = start().await;
    let url = format!("{}/smilepayz/pay-in", running.url);
    let body = r#"{"tradeNo":"T1","orderNo":"S1","status":"SUCCESS"}"#;
    // (headers, body, the status expected, words of the reason)
    type Case = (Vec<(&'static str, &'static str)>, String, u16, &'static str);
    let cases: Vec<Case> = vec![
        // No signature headers at all.
        (vec![], body.to_owned(), 401, "has no X-SIGNATURE header"),
        // A signature that is not the platform's.
        (
            vec![
                ("X-TIMESTAMP", "2026-12-04T10:00:00+07:00"),
                ("X-SIGNATURE", "AAAA"),
            ],
            body.to_owned(),
            401,
            "X-SIGNATURE",
        ),
        // A body over the limit.
        (
            vec![],
            format!(r#"{{"tradeNo":"{}"}}"#, "x".repeat(70_000)),
            413,
            "larger than 65536 bytes",
        ),
    ];
    for (headers, body, expected, reason) in cases {
        let mut request = running
            .http
            .post(&url)
            .header("content-type", "application/json")
            .body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().await.expect("an answer");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        assert_eq!(status, expected, "{text}");
        assert!(text.contains(reason), "no {reason:?} in {text}");
        assert_ne!(text, "SUCCESS");
    }
}
