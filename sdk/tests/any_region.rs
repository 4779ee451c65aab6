//! The run-time region surface: a region read from configuration, the `Any…` types built,
//! sent and read without naming a region type, against the emulator in every region.

mod common;

use std::time::Duration;

use common::CallbackServer;
use serde_json::Value;
use smilepayz::definitions::{Merchant, Payer, PaymentMethod, TradeType, TransactionStatus};
use smilepayz::endpoints::inquiry_status::AnyInquiryStatusRequest;
use smilepayz::endpoints::pay_in::{AnyPayInRequest, AnyPayInResponse, ENDPOINT as PAY_IN};
use smilepayz::regions::{thb, usdt};
use smilepayz::{Amount, AnyMoney, Client, OrderNo, ReadError, Region, TransactionMoney};
use smilepayz_emulator::{Emulator, RunningEmulator, TestMerchant};

/// An emulator that settles at once, with one test merchant per region.
async fn start() -> (RunningEmulator, Vec<TestMerchant>) {
    let merchants: Vec<TestMerchant> = Region::ALL
        .iter()
        .map(|r| TestMerchant::generate(*r).expect("test merchant"))
        .collect();
    let mut builder = Emulator::builder().settle_after(std::time::Duration::ZERO);
    for merchant in &merchants {
        builder = builder.merchant(merchant.merchant());
    }
    (builder.start().await.expect("starts"), merchants)
}

fn client(emulator: &RunningEmulator, merchant: &TestMerchant) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .partner_id(merchant.partner_id.clone())
        .merchant_secret(merchant.secret.clone())
        .private_key(merchant.private_key.clone())
        .build()
        .expect("client")
}

/// A region's documented pay-in request, for this merchant and order, read as the region's
/// request at run time: what a service holding per-region templates in its configuration
/// does.
fn documented_pay_in(region: Region, merchant_id: &str, order_no: &OrderNo) -> AnyPayInRequest {
    let body = region
        .info()
        .endpoint(PAY_IN.id)
        .expect("every region offers pay-in")
        .examples
        .iter()
        .find_map(|e| e.request.and_then(|m| m.body))
        .expect("a documented request");
    let mut body: Value = serde_json::from_str(body).expect("JSON");
    body["orderNo"] = order_no.as_str().into();
    body["merchant"]["merchantId"] = merchant_id.into();
    // The emulator posts callbacks only to loopback; no callback is needed here.
    if let Some(object) = body.as_object_mut() {
        object.remove("callbackUrl");
    }
    AnyPayInRequest::from_json(region, &body.to_string()).expect("the region's request")
}

/// A region's documented request of `endpoint`, as JSON, for this merchant and order.
fn documented(region: Region, endpoint: &str, merchant_id: &str, order_no: &OrderNo) -> Value {
    let body = region
        .info()
        .endpoint(endpoint)
        .expect("every region offers it")
        .examples
        .iter()
        .find_map(|e| e.request.and_then(|m| m.body))
        .expect("a documented request");
    let mut body: Value = serde_json::from_str(body).expect("JSON");
    body["orderNo"] = order_no.as_str().into();
    body["merchant"]["merchantId"] = merchant_id.into();
    body
}

/// The whole money flow in every region, with the region only known at run time: pay-in,
/// its signed callback, inquiry-status, pay-out, its callback, and both balances, each
/// moved by exactly the amount.
#[tokio::test]
async fn every_region_runs_the_money_flow_at_run_time() {
    use smilepayz::callback::CallbackVerifier;
    use smilepayz::definitions::BalanceType;
    use smilepayz::endpoints::inquiry_balance::AnyInquiryBalanceRequest;
    use smilepayz::endpoints::pay_in::AnyPayInNotification;
    use smilepayz::endpoints::pay_out::{
        AnyPayOutNotification, AnyPayOutRequest, ENDPOINT as PAY_OUT,
    };

    let merchants: Vec<TestMerchant> = Region::ALL
        .iter()
        .map(|r| TestMerchant::generate(*r).expect("test merchant"))
        .collect();
    let mut builder = Emulator::builder().settle_after(Duration::from_secs(3600));
    for merchant in &merchants {
        builder = builder.merchant(merchant.merchant());
    }
    let emulator = builder.start().await.expect("starts");
    let verifier = CallbackVerifier::new(emulator.platform_public_key());
    let server = CallbackServer::start(0).await;
    let mut delivered = 0;
    for merchant in &merchants {
        let region = merchant.region;
        let client = client(&emulator, merchant);
        let accounts = emulator.accounts(&merchant.partner_id).expect("accounts");
        let balance = |account: String| {
            let client = &client;
            async move {
                let request = AnyInquiryBalanceRequest::builder(region)
                    .account_no(account)
                    .balance_types([BalanceType::Balance])
                    .build()
                    .expect("valid");
                let answer = client.send(&request).await.expect("a balance");
                let info = answer.account_infos().into_iter().next().expect("an entry");
                (info.amount, info.available_balance)
            }
        };
        let payin_before = balance(accounts.payin_account_no.clone()).await;
        let payout_before = balance(accounts.payout_account_no.clone()).await;

        // Pay-in, settled, called back, confirmed.
        let order_no = OrderNo::generate(&merchant.partner_id).expect("order number");
        let mut body = documented(region, PAY_IN.id, &merchant.partner_id, &order_no);
        body["callbackUrl"] = server.url.as_str().into();
        let request = AnyPayInRequest::from_json(region, &body.to_string()).expect("a request");
        let asked = request.money();
        let created = client
            .send(&request)
            .await
            .unwrap_or_else(|e| panic!("{region}: {e}"));
        let trade_no = created.trade_no().expect("a trade number").to_owned();
        emulator.settle(&trade_no).expect("settles");
        delivered += 1;
        let verified = server
            .last_verified::<AnyPayInNotification>(&verifier, region, delivered)
            .await;
        assert_eq!(verified.trade_no(), trade_no, "{region}");
        assert_eq!(verified.money(), asked, "{region}");
        let status = AnyInquiryStatusRequest::builder(region)
            .trade_type(TradeType::PayIn)
            .order_no(order_no.as_str())
            .build()
            .expect("valid");
        let answer = client.send(&status).await.expect("a status");
        assert_eq!(
            answer.status(),
            Some(&TransactionStatus::Success),
            "{region}"
        );

        // Pay-out, settled, called back.
        let payout_no = OrderNo::generate(&merchant.partner_id).expect("order number");
        let mut body = documented(region, PAY_OUT.id, &merchant.partner_id, &payout_no);
        body["callbackUrl"] = server.url.as_str().into();
        let request = AnyPayOutRequest::from_json(region, &body.to_string()).expect("a request");
        let sent = request.money();
        let created = client
            .send(&request)
            .await
            .unwrap_or_else(|e| panic!("{region}: {e}"));
        let payout_trade = created.trade_no().expect("a trade number").to_owned();
        emulator.settle(&payout_trade).expect("settles");
        delivered += 1;
        let verified = server
            .last_verified::<AnyPayOutNotification>(&verifier, region, delivered)
            .await;
        assert_eq!(verified.trade_no(), payout_trade, "{region}");
        assert_eq!(verified.status(), &TransactionStatus::Success, "{region}");

        // Each account moved by exactly the amount: the pay-in credited, the pay-out debited.
        let payin_after = balance(accounts.payin_account_no.clone()).await;
        let payout_after = balance(accounts.payout_account_no.clone()).await;
        assert_eq!(
            payin_before.0.checked_add(asked),
            Some(payin_after.0),
            "{region}"
        );
        assert_eq!(
            payin_before.1.checked_add(asked),
            Some(payin_after.1),
            "{region}"
        );
        assert_eq!(
            payout_before.0.checked_sub(sent),
            Some(payout_after.0),
            "{region}"
        );
        assert_eq!(
            payout_before.1.checked_sub(sent),
            Some(payout_after.1),
            "{region}"
        );
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn every_region_pays_in_and_asks_the_status_at_run_time() {
    let (emulator, merchants) = start().await;
    for merchant in &merchants {
        // The region as configuration gives it: text.
        let region: Region = merchant
            .region
            .code()
            .to_lowercase()
            .parse()
            .expect("region");
        let client = client(&emulator, merchant);
        let order_no = OrderNo::generate(&merchant.partner_id).expect("order number");
        let request = documented_pay_in(region, &merchant.partner_id, &order_no);
        assert_eq!(request.region(), region);
        assert_eq!(request.order_no(), order_no.as_str());
        request.validate().expect("valid");
        let asked: AnyMoney = request.money();

        let response: AnyPayInResponse = client.send(&request).await.expect("a pay-in");
        assert_eq!(response.region(), region);
        assert_eq!(response.order_no(), Some(order_no.as_str()));
        let trade_no = response.trade_no().expect("a trade number").to_owned();
        assert_eq!(response.money(), Some(asked), "{region}");

        let status = AnyInquiryStatusRequest::builder(region)
            .trade_type(TradeType::PayIn)
            .trade_no(trade_no.clone())
            .build()
            .expect("valid");
        let answer = client.send(&status).await.expect("a status");
        assert_eq!(answer.trade_no(), Some(trade_no.as_str()));
        assert_eq!(
            answer.status(),
            Some(&TransactionStatus::Success),
            "{region}"
        );
        let settled = answer.money().expect("the amount");
        assert_eq!(settled, asked);
        assert_eq!(settled.currency(), region.currency());
    }
    emulator.shutdown().await;
}

#[test]
fn the_run_time_builder_writes_what_the_typed_builder_writes() {
    let payer = Payer {
        name: Some("Somchai".into()),
        account_no: Some("1234567890".into()),
        bank_name: Some("KBANK".into()),
        ..Payer::default()
    };
    let typed = thb::PayInRequest::builder()
        .order_no("S20001ANY0001")
        .purpose("run time")
        .merchant(Merchant::new("sandbox-20001"))
        .money(TransactionMoney::parse("100.50").expect("amount"))
        .payment_method(PaymentMethod::Qrpay)
        .payer(payer.clone())
        .build()
        .expect("valid");
    let any = AnyPayInRequest::builder(Region::Thb)
        .order_no("S20001ANY0001")
        .purpose("run time")
        .merchant(Merchant::new("sandbox-20001"))
        .money("100.50".parse::<Amount>().expect("amount"))
        .payment_method(PaymentMethod::Qrpay)
        .payer(payer)
        .build()
        .expect("valid");
    assert_eq!(
        serde_json::to_string(&any).expect("writes"),
        serde_json::to_string(&typed).expect("writes")
    );
    assert_eq!(any, AnyPayInRequest::from(typed));

    // A region's own fields go through `extra`, typed by the region.
    let usdt = AnyPayInRequest::builder(Region::Usdt)
        .order_no("S20001ANY0002")
        .purpose("run time")
        .merchant(Merchant::new("sandbox-20001"))
        .money("12.3456".parse::<Amount>().expect("amount"))
        .extra(usdt::pay_in::PayInRequestExtra {
            network: Some(usdt::pay_in::Network::Trc20),
        })
        .build()
        .expect("valid");
    let json: Value = serde_json::to_value(&usdt).expect("writes");
    assert_eq!(json["network"], "TRC20");
    assert_eq!(json["money"]["currency"], "USDT");
}

#[test]
fn the_run_time_builder_names_what_is_wrong_in_the_region() {
    // Another region's extra fields.
    let error = AnyPayInRequest::builder(Region::Thb)
        .extra(usdt::pay_in::PayInRequestExtra {
            network: Some(usdt::pay_in::Network::Trc20),
        })
        .build()
        .expect_err("USDT's fields in a THB request");
    assert_eq!(
        error.to_string(),
        "(extra): the extra fields given are USDT's, not THB's"
    );
    // Every problem at once, by the region's rules: THB money has two decimal places.
    let error = AnyPayInRequest::builder(Region::Thb)
        .order_no("S20001ANY0003")
        .merchant(Merchant::new("sandbox-20001"))
        .money("100.505".parse::<Amount>().expect("amount"))
        .build()
        .expect_err("incomplete");
    let text = error.to_string();
    assert!(text.contains("purpose: required in THB"), "{text}");
    assert!(
        text.contains("money.amount: 100.505 has 3 decimal places"),
        "{text}"
    );
    // USDT needs its network.
    let error = AnyPayInRequest::builder(Region::Usdt)
        .order_no("S20001ANY0004")
        .purpose("run time")
        .merchant(Merchant::new("sandbox-20001"))
        .money("1".parse::<Amount>().expect("amount"))
        .build()
        .expect_err("no network");
    assert!(error.field("network").is_some(), "{error}");
}

#[test]
fn a_cloned_run_time_builder_is_its_own_and_an_endpoint_not_offered_is_named() {
    let half = AnyPayInRequest::builder(Region::Thb)
        .order_no("S20001ANY0005")
        .purpose("run time")
        .merchant(Merchant::new("sandbox-20001"))
        .payment_method(PaymentMethod::Qrpay)
        .payer(Payer {
            name: Some("Somchai".into()),
            account_no: Some("1234567890".into()),
            bank_name: Some("KBANK".into()),
            ..Payer::default()
        });
    let copy = half
        .clone()
        .money("20.00".parse::<Amount>().expect("amount"));
    let first = half
        .money("10.00".parse::<Amount>().expect("amount"))
        .build()
        .expect("valid");
    let second = copy.clone().build().expect("valid");
    assert_eq!(first.money().amount().to_string(), "10.00");
    assert_eq!(second.money().amount().to_string(), "20.00");
    assert_eq!(second.order_no(), "S20001ANY0005");
    assert!(format!("{copy:?}").contains("S20001ANY0005"), "{copy:?}");

    // Inquiry-account is Indonesia's alone.
    let error =
        smilepayz::endpoints::inquiry_account::AnyInquiryAccountRequest::builder(Region::Thb)
            .bank_account_no("1234567890")
            .build()
            .expect_err("not offered in THB");
    assert_eq!(
        error.to_string(),
        "(endpoint): inquiry-account is not offered in THB; it is offered in IDR"
    );
    let read = smilepayz::endpoints::inquiry_account::AnyInquiryAccountRequest::from_json(
        Region::Thb,
        "{}",
    )
    .expect_err("not offered in THB");
    assert!(matches!(read, ReadError::NotOffered { .. }), "{read}");
}

#[test]
fn a_body_of_another_region_is_a_located_read_error() {
    let thb_answer = r#"{"code":"00","message":"Successful","orderNo":"S20001A1B2C3","tradeNo":"T1","money":{"currency":"THB","amount":100.50}}"#;
    let read = AnyPayInResponse::from_json(Region::Thb, thb_answer).expect("a THB answer");
    assert_eq!(
        read.money().map(|m| m.to_string()),
        Some("100.50 THB".into())
    );
    let error = AnyPayInResponse::from_json(Region::Pen, thb_answer).expect_err("not PEN");
    assert!(
        matches!(
            error,
            ReadError::Json {
                region: Region::Pen,
                ..
            }
        ),
        "{error}"
    );
    let text = error.to_string();
    assert!(text.starts_with("not a PEN pay-in response: "), "{text}");
    assert!(text.contains("line 1 column"), "{text}");
}

#[test]
fn money_of_a_region_chosen_at_run_time_compares_by_value_within_its_region() {
    let a = AnyMoney::new("12.5".parse().expect("amount"), Region::Thb);
    let b = AnyMoney::new("12.50".parse().expect("amount"), Region::Thb);
    let c = AnyMoney::new("12.5".parse().expect("amount"), Region::Pen);
    assert_eq!(a, b);
    assert_eq!(a.to_string(), "12.5 THB");
    assert_eq!(b.to_string(), "12.50 THB");
    assert_ne!(a, c);
    assert_eq!(a.partial_cmp(&c), None);
    assert!(a < AnyMoney::new("12.51".parse().expect("amount"), Region::Thb));
    assert_eq!(a.checked_add(c), None);
    assert_eq!(
        a.checked_add(b).map(|m| m.to_minor_units()),
        Some(Some(2500))
    );
    assert_eq!(
        AnyMoney::from_minor_units(2500, Region::Thb),
        a.checked_add(b).expect("sum")
    );
    let typed = TransactionMoney::<thb::Thb>::parse("7.25").expect("amount");
    assert_eq!(AnyMoney::from(typed).region(), Region::Thb);
}
