//! The emulator's control API over HTTP, as a test suite in another language drives it:
//! transactions listed and settled with a chosen outcome, balances set, callbacks seen and
//! redelivered, everything reset; and the same through the Rust API.

mod common;

use std::time::Duration;

use common::CallbackServer;
use serde_json::{Value, json};
use smilepayz::callback::CallbackVerifier;
use smilepayz::definitions::TransactionStatus;
use smilepayz::endpoints::pay_in::{AnyPayInNotification, PayInRequest, PayInVariant};
use smilepayz::endpoints::pay_out::{AnyPayOutNotification, PayOutRequest, PayOutVariant};
use smilepayz::regions::thb::Thb;
use smilepayz::{Amount, Client, OrderNo, Region};
use smilepayz_emulator::{
    CallbackRetries, CallbackState, Emulator, RunningEmulator, SettleError, TestMerchant,
    TransactionFilter,
};

struct Setup {
    emulator: RunningEmulator,
    client: Client,
    partner_id: String,
    http: reqwest::Client,
}

/// A THB merchant on an emulator that settles nothing by itself (for an hour): only the
/// control API makes transactions final.
async fn setup() -> Setup {
    let merchant = TestMerchant::generate(Region::Thb).expect("merchant");
    let emulator = Emulator::builder()
        .merchant(merchant.merchant())
        .settle_after(Duration::from_secs(3600))
        .callback_retries(CallbackRetries {
            attempts: 2,
            first_delay: Duration::from_millis(50),
            timeout: Duration::from_secs(2),
        })
        .start()
        .await
        .expect("starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .partner_id(merchant.partner_id.clone())
        .merchant_secret(merchant.secret.clone())
        .private_key(merchant.private_key.clone())
        .build()
        .expect("client");
    Setup {
        emulator,
        client,
        partner_id: merchant.partner_id,
        http: reqwest::Client::new(),
    }
}

impl Setup {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.emulator.control_url());
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the control API answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        (
            status,
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}")),
        )
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Option<Value>) -> (u16, Value) {
        self.call(reqwest::Method::POST, path, body).await
    }

    async fn merchant(&self) -> Value {
        let (status, body) = self.get("/merchants").await;
        assert_eq!(status, 200, "{body}");
        body["merchants"]
            .as_array()
            .expect("a list")
            .iter()
            .find(|m| m["partnerId"] == self.partner_id.as_str())
            .cloned()
            .expect("our merchant")
    }

    async fn pay_in(&self, order_no: &str, amount: &str, callback_url: &str) -> String {
        let mut body = example(<Thb as PayInVariant>::EXAMPLES);
        body["orderNo"] = json!(order_no);
        body["money"]["amount"] = serde_json::from_str(amount).expect("a number");
        body["callbackUrl"] = json!(callback_url);
        let request: PayInRequest<Thb> = serde_json::from_value(body).expect("a pay-in");
        let response = self.client.send(&request).await.expect("pay-in accepted");
        response.trade_no.expect("a tradeNo")
    }

    async fn pay_out(&self, order_no: &str, amount: &str, callback_url: &str) -> String {
        let mut body = example(<Thb as PayOutVariant>::EXAMPLES);
        body["orderNo"] = json!(order_no);
        body["money"]["amount"] = serde_json::from_str(amount).expect("a number");
        body["callbackUrl"] = json!(callback_url);
        let request: PayOutRequest<Thb> = serde_json::from_value(body).expect("a pay-out");
        let response = self.client.send(&request).await.expect("pay-out accepted");
        response.trade_no.expect("a tradeNo")
    }

    /// Waits (at most 10 s) until the callbacks of `trade_no` have settled in `state`.
    async fn callback_state(&self, trade_no: &str, state: &str) -> Value {
        for _ in 0..200 {
            let (_, body) = self.get(&format!("/callbacks?tradeNo={trade_no}")).await;
            if let Some(callback) = body["callbacks"]
                .as_array()
                .and_then(|all| all.iter().rev().find(|c| c["state"] == state))
            {
                return callback.clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no {state} callback of {trade_no}");
    }
}

/// The region's first documented example request of an endpoint, as JSON.
fn example(examples: &[smilepayz::Example]) -> Value {
    let body = examples
        .iter()
        .find_map(|e| e.request.and_then(|m| m.body))
        .expect("an example request");
    serde_json::from_str(body).expect("JSON")
}

impl Setup {
    fn order(&self) -> String {
        OrderNo::generate(&self.partner_id)
            .expect("an order number")
            .to_string()
    }
}

#[tokio::test]
async fn a_pay_in_settled_over_http_credits_the_account_and_sends_a_verified_callback() {
    let s = setup().await;
    let receiver = CallbackServer::start(0).await;
    let order_no = s.order();
    let trade_no = s.pay_in(&order_no, "100.50", &receiver.url).await;

    let (status, body) = s.get(&format!("/transactions?orderNo={order_no}")).await;
    assert_eq!(status, 200);
    let listed = &body["transactions"][0];
    assert_eq!(listed["tradeNo"], trade_no.as_str());
    assert_eq!(listed["status"], "PROCESSING");
    assert_eq!(listed["amount"], "100.50");
    assert_eq!(listed["kind"], "pay-in");
    assert_eq!(s.merchant().await["payin"]["balance"], "0.00");

    let (status, settled) = s
        .post(
            &format!("/transactions/{trade_no}/settle"),
            Some(json!({"status": "SUCCESS"})),
        )
        .await;
    assert_eq!(status, 200, "{settled}");
    assert_eq!(settled["status"], "SUCCESS");
    let merchant = s.merchant().await;
    assert_eq!(merchant["payin"]["balance"], "100.50");
    assert_eq!(merchant["payin"]["available"], "100.50");

    let verifier = CallbackVerifier::new(s.emulator.platform_public_key());
    let notification = receiver
        .last_verified::<AnyPayInNotification>(&verifier, Region::Thb, 1)
        .await;
    assert_eq!(notification.trade_no(), trade_no);
    assert_eq!(notification.money().to_string(), "100.50 THB");
    let callback = s.callback_state(&trade_no, "ACCEPTED").await;
    assert_eq!(callback["status"], "SUCCESS");
    assert_eq!(callback["attempts"][0]["httpStatus"], 200);
    assert_eq!(callback["attempts"][0]["accepted"], true);

    // A final status never changes, and nothing moves twice.
    let (status, body) = s
        .post(
            &format!("/transactions/{trade_no}/settle"),
            Some(json!({"status": "FAILED"})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]
            .as_str()
            .expect("a message")
            .contains("SUCCESS already")
    );
    assert_eq!(s.merchant().await["payin"]["balance"], "100.50");

    let (status, one) = s.get(&format!("/transactions/{trade_no}")).await;
    assert_eq!((status, &one["status"]), (200, &json!("SUCCESS")));
    s.emulator.shutdown().await;
}

#[tokio::test]
async fn a_failed_pay_out_releases_its_hold_and_cannot_expire() {
    let s = setup().await;
    let receiver = CallbackServer::start(0).await;
    let trade_no = s.pay_out(&s.order(), "250", &receiver.url).await;
    let held = s.merchant().await;
    assert_eq!(held["payout"]["balance"], "1000000.00");
    assert_eq!(held["payout"]["available"], "999750.00");

    let (status, body) = s
        .post(
            &format!("/transactions/{trade_no}/settle"),
            Some(json!({"status": "EXPIRED"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]
            .as_str()
            .expect("a message")
            .contains("pay-out cannot be settled as EXPIRED")
    );
    let (status, body) = s
        .post(
            &format!("/transactions/{trade_no}/settle"),
            Some(json!({"status": "PAID"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");

    let (status, body) = s
        .post(
            &format!("/transactions/{trade_no}/settle"),
            Some(json!({"status": "FAILED"})),
        )
        .await;
    assert_eq!((status, &body["status"]), (200, &json!("FAILED")), "{body}");
    let released = s.merchant().await;
    assert_eq!(released["payout"]["balance"], "1000000.00");
    assert_eq!(released["payout"]["available"], "1000000.00");
    let verifier = CallbackVerifier::new(s.emulator.platform_public_key());
    let notification = receiver
        .last_verified::<AnyPayOutNotification>(&verifier, Region::Thb, 1)
        .await;
    assert_eq!(notification.trade_no(), trade_no);
    assert_eq!(notification.status(), &TransactionStatus::Failed);
    let (_, failed) = s.get("/transactions?status=FAILED").await;
    assert_eq!(failed["transactions"].as_array().map(Vec::len), Some(1));
    s.emulator.shutdown().await;
}

#[tokio::test]
async fn balances_are_set_all_or_none_and_holds_stay_held() {
    let s = setup().await;
    let path = format!("/merchants/{}/balances", s.partner_id);
    let (status, body) = s
        .call(
            reqwest::Method::PUT,
            &path,
            Some(json!({"payout": "5000.00"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["payout"]["balance"], "5000.00");
    assert_eq!(body["payout"]["available"], "5000.00");

    // One refused amount changes neither account.
    let (status, body) = s
        .call(
            reqwest::Method::PUT,
            &path,
            Some(json!({"payin": "7", "payout": "-1"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]
            .as_str()
            .expect("a message")
            .contains("negative")
    );
    assert_eq!(s.merchant().await["payin"]["balance"], "0.00");
    let (status, body) = s
        .call(reqwest::Method::PUT, &path, Some(json!({"payin": "1.001"})))
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]
            .as_str()
            .expect("a message")
            .contains("decimal places"),
        "{body}"
    );
    // Extra decimals that are zeros are exact: 5.000 baht is 500 satang.
    let (status, body) = s
        .call(reqwest::Method::PUT, &path, Some(json!({"payin": "5.000"})))
        .await;
    assert_eq!(
        (status, &body["payin"]["balance"]),
        (200, &json!("5.00")),
        "{body}"
    );
    // A JSON number is read from its own text, not through a float (sent as raw text: a
    // serde_json::Value would round it on this side).
    let response = s
        .http
        .put(format!("{}{path}", s.emulator.control_url()))
        .header("content-type", "application/json")
        .body(r#"{"payin": 1234567890123456.78}"#)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["payin"]["balance"], "1234567890123456.78");

    // A pay-out in flight keeps its hold: the balance cannot go below it.
    let receiver = CallbackServer::start(0).await;
    s.pay_out(&s.order(), "300", &receiver.url).await;
    let (status, body) = s
        .call(
            reqwest::Method::PUT,
            &path,
            Some(json!({"payout": "299.99"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().expect("a message").contains("held"));
    let (status, body) = s
        .call(reqwest::Method::PUT, &path, Some(json!({"payout": "1000"})))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["payout"]["available"], "700.00");

    let (status, _) = s
        .call(
            reqwest::Method::PUT,
            "/merchants/nobody/balances",
            Some(json!({"payout": "1"})),
        )
        .await;
    assert_eq!(status, 404);
    let (status, body) = s.call(reqwest::Method::PUT, &path, Some(json!({}))).await;
    assert_eq!(status, 400, "{body}");
    s.emulator.shutdown().await;
}

#[tokio::test]
async fn a_callback_is_redelivered_under_a_new_id_and_reset_forgets_everything() {
    let s = setup().await;
    let receiver = CallbackServer::start(0).await;
    let trade_no = s.pay_in(&s.order(), "10", &receiver.url).await;
    s.post(&format!("/transactions/{trade_no}/settle"), None)
        .await;
    let first = s.callback_state(&trade_no, "ACCEPTED").await;
    let id = first["id"].as_u64().expect("an id");

    let (status, body) = s.post(&format!("/callbacks/{id}/redeliver"), None).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["redeliveryOf"], id);
    receiver.wait_for(2).await;
    // Listed once its attempt is recorded (after the handler's answer is read).
    let mut again = Value::Null;
    for _ in 0..200 {
        let (_, all) = s.get(&format!("/callbacks?tradeNo={trade_no}")).await;
        if let Some(found) = all["callbacks"]
            .as_array()
            .and_then(|all| all.iter().find(|c| c["redeliveryOf"] == id))
        {
            again = found.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(again["id"], body["id"], "the redelivery is listed");
    assert_eq!(again["state"], "ACCEPTED");
    let (status, _) = s.post("/callbacks/999999/redeliver", None).await;
    assert_eq!(status, 404);
    let (status, _) = s.post("/callbacks/x/redeliver", None).await;
    assert_eq!(status, 400);

    // A pay-out held at the reset: its hold goes with it.
    let payout_order = s.order();
    s.pay_out(&payout_order, "300", &receiver.url).await;
    assert_eq!(s.merchant().await["payout"]["available"], "999700.00");

    let (status, _) = s.post("/reset", None).await;
    assert_eq!(status, 200);
    let (_, transactions) = s.get("/transactions").await;
    assert_eq!(transactions["transactions"], json!([]));
    let (_, callbacks) = s.get("/callbacks").await;
    assert_eq!(callbacks["callbacks"], json!([]));
    let merchant = s.merchant().await;
    assert_eq!(merchant["payin"]["balance"], "0.00");
    assert_eq!(merchant["payout"]["balance"], "1000000.00");
    assert_eq!(merchant["payout"]["available"], "1000000.00");
    // The same orderNo is free again, and the books work as before.
    s.pay_out(&payout_order, "1", &receiver.url).await;
    let trade_no = s.pay_in(&s.order(), "5", &receiver.url).await;
    assert_eq!(s.emulator.transaction_count(), 2);
    s.post(&format!("/transactions/{trade_no}/settle"), None)
        .await;
    s.callback_state(&trade_no, "ACCEPTED").await;
    s.emulator.shutdown().await;
}

#[tokio::test]
async fn a_callback_for_a_shop_url_is_recorded_not_attempted_with_the_reason() {
    let s = setup().await;
    let trade_no = s
        .pay_in(&s.order(), "10", "https://shop.example.com/notify")
        .await;
    s.post(&format!("/transactions/{trade_no}/settle"), None)
        .await;
    let callback = s.callback_state(&trade_no, "NOT_ATTEMPTED").await;
    assert_eq!(callback["attempts"][0]["attempted"], false);
    let reason = callback["attempts"][0]["error"].as_str().expect("a reason");
    assert!(reason.contains("is not this machine"), "{reason}");
    s.emulator.shutdown().await;
}

#[tokio::test]
async fn wrong_paths_methods_and_filters_are_explained() {
    let s = setup().await;
    let (status, body) = s.get("/nothing").await;
    assert_eq!(status, 404);
    assert!(
        body["error"]
            .as_str()
            .expect("a message")
            .contains("openapi.json")
    );
    let response = s
        .http
        .delete(format!("{}/reset", s.emulator.control_url()))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let (status, body) = s.get("/transactions?colour=red").await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .expect("a message")
            .contains("orderNo, tradeNo, partnerId or status")
    );
    let (status, _) = s.get("/transactions?status=DONE").await;
    assert_eq!(status, 400);
    let (status, _) = s.get("/transactions/T0000").await;
    assert_eq!(status, 404);
    let (status, body) = s
        .post(
            "/transactions/T0000/settle",
            Some(json!({"outcome": "SUCCESS"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");

    let (status, doc) = s.get("/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let page = s
        .http
        .get(s.emulator.dashboard_url())
        .send()
        .await
        .expect("answers");
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .expect("text")
            .starts_with("text/html")
    );
    assert!(
        page.text()
            .await
            .expect("a page")
            .contains("Smilepayz emulator")
    );
    s.emulator.shutdown().await;

    // Turned off, the prefix is a path like any other that is not an endpoint.
    let merchant = TestMerchant::generate(Region::Thb).expect("merchant");
    let emulator = Emulator::builder()
        .merchant(merchant.merchant())
        .control_api(false)
        .start()
        .await
        .expect("starts");
    let response = reqwest::get(format!("{}/merchants", emulator.control_url()))
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 405);
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_rust_api_offers_the_same() {
    let s = setup().await;
    let receiver = CallbackServer::start(0).await;
    let order_no = s.order();
    let trade_no = s.pay_in(&order_no, "42", &receiver.url).await;
    let found = s.emulator.transactions(&TransactionFilter {
        order_no: Some(order_no.clone()),
        ..TransactionFilter::default()
    });
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].settles_as(), TransactionStatus::Success);
    assert_eq!(
        s.emulator
            .settle_as(&trade_no, TransactionStatus::Processing),
        Err(SettleError::NotAnOutcome {
            kind: "pay-in",
            status: "PROCESSING",
            also: ", or EXPIRED"
        })
    );
    let expired = s
        .emulator
        .settle_as(&trade_no, TransactionStatus::Expired)
        .expect("settles");
    assert_eq!(expired.status, TransactionStatus::Expired);
    receiver.wait_for(1).await;
    for _ in 0..200 {
        if s.emulator.callbacks().first().map(|c| c.state) == Some(CallbackState::Accepted) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let callbacks = s.emulator.callbacks();
    assert_eq!(callbacks.len(), 1);
    assert_eq!(callbacks[0].state, CallbackState::Accepted);
    assert_eq!(callbacks[0].status, "EXPIRED");
    let payin = s.emulator.merchants()[0].accounts.payin_account_no.clone();
    let set = s
        .emulator
        .set_balance(
            &s.partner_id,
            &payin,
            "12.34".parse::<Amount>().expect("amount"),
        )
        .expect("set");
    assert_eq!(set.balance.to_string(), "12.34");
    s.emulator.reset();
    assert_eq!(s.emulator.transaction_count(), 0);
    assert!(s.emulator.callbacks().is_empty());
    s.emulator.shutdown().await;
}

#[tokio::test]
async fn a_reset_stops_the_callbacks_still_being_retried() {
    let merchant = TestMerchant::generate(Region::Thb).expect("merchant");
    let emulator = Emulator::builder()
        .merchant(merchant.merchant())
        .settle_after(Duration::from_secs(3600))
        .callback_retries(CallbackRetries {
            attempts: 6,
            first_delay: Duration::from_millis(300),
            timeout: Duration::from_secs(2),
        })
        .start()
        .await
        .expect("starts");
    let s = Setup {
        client: Client::builder()
            .base_url(emulator.base_url())
            .partner_id(merchant.partner_id.clone())
            .merchant_secret(merchant.secret.clone())
            .private_key(merchant.private_key.clone())
            .build()
            .expect("client"),
        emulator,
        partner_id: merchant.partner_id,
        http: reqwest::Client::new(),
    };
    // A handler that refuses everything: the emulator would deliver six times.
    let receiver = CallbackServer::start(usize::MAX).await;
    let trade_no = s.pay_in(&s.order(), "10", &receiver.url).await;
    s.post(&format!("/transactions/{trade_no}/settle"), None)
        .await;
    receiver.wait_for(1).await;
    s.post("/reset", None).await;
    // The next delivery would have come 300 ms after the first; none comes.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.received().len(), 1);
    let (_, callbacks) = s.get("/callbacks").await;
    assert_eq!(callbacks["callbacks"], json!([]));
    s.emulator.shutdown().await;
}

#[tokio::test]
async fn what_a_browser_could_be_tricked_into_sending_is_refused() {
    let s = setup().await;
    let url = format!("{}/reset", s.emulator.control_url());
    // Another web page's request (a cross-site form or fetch carries its Origin).
    let response = s
        .http
        .post(&url)
        .header("origin", "https://evil.example")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 403);
    // DNS rebinding: the attacker's name in Host.
    let response = s
        .http
        .post(&url)
        .header("host", "rebind.evil.example")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 403);
    // The dashboard's own requests carry its own origin, and pass.
    let response = s
        .http
        .post(&url)
        .header("origin", format!("http://{}", s.emulator.addr()))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 200);
    // The prefix is a whole path segment.
    let (status, _) = s.call(reqwest::Method::GET, "merchants", None).await;
    assert_eq!(status, 404);
    // Callbacks have two filters, and a misspelled one is refused, not ignored.
    let (status, body) = s.get("/callbacks?tradeno=T1").await;
    assert_eq!(status, 400, "{body}");
    s.emulator.shutdown().await;
}
