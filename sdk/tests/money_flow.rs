//! The whole money flow, through the typed SDK, against the emulator, in each seed region:
//! a pay-in, its callback received and verified, inquiry-status SUCCESS and the pay-in account
//! credited exactly; a failed pay-in that moves nothing; a repeated orderNo refused; a callback
//! answered with an error and delivered again; a pay-out held, settled, called back and
//! debited; an overdraft refused with nothing moved; and concurrent pay-ins that add up.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::{CallbackServer, Received};
use serde_json::Value;
use smilepayz::callback::CallbackVerifier;
use smilepayz::definitions::{BalanceType, TradeType, TransactionStatus};
use smilepayz::endpoints::inquiry_balance::{InquiryBalanceRequest, InquiryBalanceVariant};
use smilepayz::endpoints::inquiry_status::{InquiryStatusRequest, InquiryStatusVariant};
use smilepayz::endpoints::pay_in::{PayInNotification, PayInRequest, PayInVariant};
use smilepayz::endpoints::pay_out::{PayOutNotification, PayOutRequest, PayOutVariant};
use smilepayz::regions::{pen::Pen, thb::Thb, usdt::Usdt};
use smilepayz::{Amount, Client, Error, ErrorKind, OrderNo, RegionSpec};
use smilepayz_emulator::{
    CallbackRetries, Emulator, EmulatorBuilder, RunningEmulator, TestMerchant, codes,
};

trait FullRegion: PayInVariant + PayOutVariant + InquiryStatusVariant + InquiryBalanceVariant {}
impl<R: PayInVariant + PayOutVariant + InquiryStatusVariant + InquiryBalanceVariant> FullRegion
    for R
{
}

/// The region's first documented example request of an endpoint, as JSON.
fn example(examples: &[smilepayz::Example]) -> Value {
    let body = examples
        .iter()
        .find_map(|e| e.request.and_then(|m| m.body))
        .expect("an example request");
    serde_json::from_str(body).expect("JSON")
}

fn amount(text: &str) -> Amount {
    text.parse().expect("an amount")
}

struct Setup {
    emulator: RunningEmulator,
    client: Client,
    partner_id: String,
    payin_account: String,
    payout_account: String,
}

async fn setup<R: RegionSpec>(settle_after: Duration) -> Setup {
    setup_with::<R>(settle_after, |builder| builder).await
}

/// [`setup`], with `more` applied to the emulator's builder.
async fn setup_with<R: RegionSpec>(
    settle_after: Duration,
    more: impl FnOnce(EmulatorBuilder) -> EmulatorBuilder,
) -> Setup {
    let merchant = TestMerchant::generate(R::REGION).expect("merchant");
    let emulator = more(Emulator::builder())
        .merchant(merchant.merchant())
        .settle_after(settle_after)
        .callback_retries(CallbackRetries {
            attempts: 3,
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
    let accounts = emulator.accounts(&merchant.partner_id).expect("accounts");
    Setup {
        emulator,
        client,
        partner_id: merchant.partner_id,
        payin_account: accounts.payin_account_no,
        payout_account: accounts.payout_account_no,
    }
}

async fn balance<R: FullRegion>(setup: &Setup, account: &str) -> (Amount, Amount) {
    let request = InquiryBalanceRequest::<R>::new(account, [BalanceType::Balance]).expect("valid");
    let response = setup.client.send(&request).await.expect("balance");
    let entry = response.account_infos.first().expect("an entry");
    (entry.amount.value(), entry.available_balance.value())
}

fn pay_in<R: FullRegion>(order_no: &OrderNo, value: &str, callback_url: &str) -> PayInRequest<R> {
    let mut body = example(<R as PayInVariant>::EXAMPLES);
    body["orderNo"] = Value::String(order_no.to_string());
    body["money"]["amount"] = serde_json::from_str(value).expect("a number");
    body["callbackUrl"] = Value::String(callback_url.to_owned());
    let request: PayInRequest<R> = serde_json::from_value(body).expect("a pay-in request");
    request.validate().expect("valid");
    request
}

fn pay_out<R: FullRegion>(order_no: &OrderNo, value: &str, callback_url: &str) -> PayOutRequest<R> {
    let mut body = example(<R as PayOutVariant>::EXAMPLES);
    body["orderNo"] = Value::String(order_no.to_string());
    body["money"]["amount"] = serde_json::from_str(value).expect("a number");
    body["callbackUrl"] = Value::String(callback_url.to_owned());
    let request: PayOutRequest<R> = serde_json::from_value(body).expect("a pay-out request");
    request.validate().expect("valid");
    request
}

async fn status<R: FullRegion>(
    setup: &Setup,
    trade_type: TradeType,
    order_no: &OrderNo,
) -> Result<TransactionStatus, Error> {
    let request = InquiryStatusRequest::<R>::builder()
        .trade_type(trade_type)
        .order_no(order_no.as_str())
        .build()
        .expect("valid");
    let response = setup.client.send(&request).await?;
    Ok(response.status.expect("a status"))
}

fn verify<N: serde::de::DeserializeOwned>(setup: &Setup, received: &Received) -> N {
    CallbackVerifier::new(setup.emulator.platform_public_key())
        .verify::<N>(
            received
                .headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_bytes())),
            &received.body,
            SystemTime::now(),
        )
        .expect("the callback verifies")
        .notification
}

/// `value` in the region's money format, e.g. 100.5 → 100.50 in THB.
fn at_scale<R: RegionSpec>(value: &str) -> String {
    let a = amount(value);
    let scale = R::INFO.money_scale;
    let units = a.units() * 10i128.pow(u32::from(scale - a.scale()));
    Amount::new(units, scale).to_string()
}

async fn flow<R: FullRegion>(value: &str) {
    let code = R::INFO.code;
    let setup = setup::<R>(Duration::from_secs(3600)).await;
    let server = CallbackServer::start(1).await;

    // Pay-in: created PROCESSING, settled, called back (the first delivery is refused, so it
    // comes again), confirmed by inquiry-status, and credited exactly.
    let (opening, _) = balance::<R>(&setup, &setup.payin_account).await;
    let order = OrderNo::generate(&setup.partner_id).expect("order no");
    let created = setup
        .client
        .send(&pay_in::<R>(&order, value, &server.url))
        .await
        .unwrap_or_else(|e| panic!("{code}: {e}"));
    let trade_no = created.trade_no.clone().expect("a tradeNo");
    assert_eq!(
        created.status,
        Some(TransactionStatus::Processing),
        "{code}"
    );
    assert_eq!(
        status::<R>(&setup, TradeType::PayIn, &order)
            .await
            .expect("found"),
        TransactionStatus::Processing
    );
    setup.emulator.settle(&trade_no).expect("settles");
    let received = server.wait_for(2).await;
    let first: PayInNotification<R> = verify(&setup, &received[0]);
    let again: PayInNotification<R> = verify(&setup, &received[1]);
    assert_eq!(first.trade_no, trade_no, "{code}");
    assert_eq!(first.order_no, order.as_str(), "{code}");
    assert_eq!(first.status, TransactionStatus::Success, "{code}");
    assert_eq!(
        again.trade_no, trade_no,
        "{code}: delivered again after the 500"
    );
    assert!(
        first.money.amount().same_value(amount(value)),
        "{code}: {}",
        first.money.amount()
    );
    let deliveries = setup.emulator.deliveries();
    assert_eq!(
        deliveries
            .iter()
            .map(|d| (d.attempt, d.accepted))
            .collect::<Vec<_>>(),
        [(1, false), (2, true)],
        "{code}: {deliveries:?}"
    );
    assert_eq!(
        status::<R>(&setup, TradeType::PayIn, &order)
            .await
            .expect("found"),
        TransactionStatus::Success
    );
    // A wrong tradeType is not found.
    match status::<R>(&setup, TradeType::PayOut, &order)
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::Gateway {
            status, code: c, ..
        }) => {
            assert_eq!(status, 404, "{code}");
            assert_eq!(c, codes::inquiry_status::TRANSACTION_NOT_FOUND);
        }
        other => panic!("{code}: {other:?}"),
    }
    let (credited, available) = balance::<R>(&setup, &setup.payin_account).await;
    assert_eq!(
        credited.to_string(),
        at_scale::<R>(value),
        "{code}: opening {opening}"
    );
    assert!(available.same_value(credited), "{code}");

    // The same orderNo again is refused: it is the idempotency key.
    match setup
        .client
        .send(&pay_in::<R>(&order, value, &server.url))
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::Gateway {
            status,
            code: c,
            message,
            ..
        }) => {
            assert_eq!(status, 409, "{code}");
            assert_eq!(c, codes::pay_in::DUPLICATE_ORDER);
            assert!(message.contains("inquiry-status"), "{message}");
        }
        other => panic!("{code}: a repeated orderNo was not refused: {other:?}"),
    }

    // A pay-in that fails moves nothing.
    let failing = OrderNo::new(format!(
        "{}FAIL",
        &OrderNo::generate(&setup.partner_id)
            .expect("order")
            .as_str()[..28]
    ))
    .expect("order no");
    let created = setup
        .client
        .send(&pay_in::<R>(&failing, value, &server.url))
        .await
        .expect("created");
    setup
        .emulator
        .settle(&created.trade_no.expect("tradeNo"))
        .expect("settles");
    let received = server.wait_for(3).await;
    let failed: PayInNotification<R> = verify(&setup, &received[2]);
    assert_eq!(failed.status, TransactionStatus::Failed, "{code}");
    assert_eq!(
        status::<R>(&setup, TradeType::PayIn, &failing)
            .await
            .expect("found"),
        TransactionStatus::Failed
    );
    assert_eq!(
        balance::<R>(&setup, &setup.payin_account).await.0,
        credited,
        "{code}"
    );

    // Pay-out: held against the available balance, then settled, called back and debited.
    let (before, before_available) = balance::<R>(&setup, &setup.payout_account).await;
    let payout_order = OrderNo::generate(&setup.partner_id).expect("order no");
    let created = setup
        .client
        .send(&pay_out::<R>(&payout_order, value, &server.url))
        .await
        .unwrap_or_else(|e| panic!("{code}: {e}"));
    let payout_trade = created.trade_no.expect("tradeNo");
    let (held, held_available) = balance::<R>(&setup, &setup.payout_account).await;
    assert!(
        held.same_value(before),
        "{code}: the balance does not move while held"
    );
    assert_eq!(
        before_available.units() - held_available.units(),
        amount(&at_scale::<R>(value)).units(),
        "{code}: the amount is held"
    );
    setup.emulator.settle(&payout_trade).expect("settles");
    let received = server.wait_for(4).await;
    let paid: PayOutNotification<R> = verify(&setup, &received[3]);
    assert_eq!(
        (paid.trade_no.as_str(), paid.status),
        (payout_trade.as_str(), TransactionStatus::Success)
    );
    let (after, after_available) = balance::<R>(&setup, &setup.payout_account).await;
    assert_eq!(after, held_available, "{code}: debited exactly");
    assert_eq!(after_available, held_available, "{code}");
    assert_eq!(
        status::<R>(&setup, TradeType::PayOut, &payout_order)
            .await
            .expect("found"),
        TransactionStatus::Success
    );

    // An overdraft is refused, and nothing is held.
    let too_much = format!(
        "{}",
        after.units() / 10i128.pow(u32::from(after.scale())) + 1
    );
    match setup
        .client
        .send(&pay_out::<R>(
            &OrderNo::generate(&setup.partner_id).expect("order"),
            &too_much,
            &server.url,
        ))
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::Gateway {
            status, code: c, ..
        }) => {
            assert_eq!(status, 400, "{code}");
            assert_eq!(c, codes::pay_out::INSUFFICIENT_BALANCE);
        }
        other => panic!("{code}: an overdraft was not refused: {other:?}"),
    }
    assert_eq!(
        balance::<R>(&setup, &setup.payout_account).await,
        (after, after_available),
        "{code}"
    );
    setup.emulator.shutdown().await;
}

#[tokio::test]
async fn the_money_flow_in_thb() {
    flow::<Thb>("100.50").await;
}

#[tokio::test]
async fn the_money_flow_in_pen() {
    flow::<Pen>("12.5").await;
}

#[tokio::test]
async fn the_money_flow_in_usdt() {
    flow::<Usdt>("12.3456").await;
}

#[tokio::test]
async fn the_money_flow_in_idr() {
    flow::<smilepayz::regions::idr::Idr>("150000").await;
}

#[tokio::test]
async fn the_money_flow_in_inr() {
    flow::<smilepayz::regions::inr::Inr>("200.50").await;
}

#[tokio::test]
async fn the_money_flow_in_brl() {
    flow::<smilepayz::regions::brl::Brl>("50.25").await;
}

#[tokio::test]
async fn the_money_flow_in_mxn() {
    flow::<smilepayz::regions::mxn::Mxn>("100.5").await;
}

#[tokio::test]
async fn the_money_flow_in_cop() {
    flow::<smilepayz::regions::cop::Cop>("10050.25").await;
}

#[tokio::test]
async fn the_money_flow_in_clp() {
    flow::<smilepayz::regions::clp::Clp>("5000").await;
}

#[tokio::test]
async fn the_money_flow_in_php() {
    flow::<smilepayz::regions::php::Php>("100.25").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pay_ins_never_lose_or_double_count_money() {
    let setup = Arc::new(setup::<Thb>(Duration::ZERO).await);
    let server = CallbackServer::start(0).await;
    let mut tasks = tokio::task::JoinSet::new();
    let mut expected: i128 = 0;
    for i in 0..32u32 {
        // 1.01, 2.02, … in satang-exact amounts.
        let value = format!("{}.{:02}", i + 1, (i + 1) % 100);
        expected += amount(&value).units() * if amount(&value).scale() == 2 { 1 } else { 10 };
        let setup = Arc::clone(&setup);
        let url = server.url.clone();
        tasks.spawn(async move {
            let order = OrderNo::generate(&setup.partner_id).expect("order no");
            setup
                .client
                .send(&pay_in::<Thb>(&order, &value, &url))
                .await
                .map(|r| r.status)
        });
    }
    while let Some(done) = tasks.join_next().await {
        assert_eq!(
            done.expect("task").expect("pay-in"),
            Some(TransactionStatus::Success)
        );
    }
    let (balance, available) = balance::<Thb>(&setup, &setup.payin_account).await;
    assert_eq!(balance.units(), expected, "{balance}");
    assert_eq!(available.units(), expected);
    assert_eq!(server.wait_for(32).await.len(), 32, "one callback each");
}

#[tokio::test]
async fn callback_urls_off_this_machine_are_accepted_never_called_and_redelivery_is_bounded() {
    let setup = setup::<Thb>(Duration::ZERO).await;
    // A merchant's production URL is accepted, as the gateway takes it, and never called: the
    // emulator sends nothing off this machine, and records why.
    let order = OrderNo::generate(&setup.partner_id).expect("order no");
    let created = setup
        .client
        .send(&pay_in::<Thb>(
            &order,
            "10",
            "https://shop.example/smilepayz/pay-in",
        ))
        .await
        .expect("accepted");
    let trade_no = created.trade_no.expect("a tradeNo");
    let mut recorded = Vec::new();
    for _ in 0..100 {
        recorded = setup.emulator.deliveries();
        if !recorded.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let only = &recorded[0];
    assert_eq!(only.trade_no, trade_no);
    assert!(!only.attempted && !only.accepted && only.http_status.is_none());
    let why = only.error.as_deref().unwrap_or_default();
    assert!(
        why.contains("not attempted") && why.contains("shop.example"),
        "{why}"
    );
    // Not a URL at all: refused at order time.
    match setup
        .client
        .send(&pay_in::<Thb>(
            &OrderNo::generate(&setup.partner_id).expect("order no"),
            "10",
            "ftp://shop.example/callback",
        ))
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::Gateway { status, code, .. }) => {
            assert_eq!(status, 400);
            assert_eq!(code, codes::pay_in::CALLBACK_URL_REFUSED);
        }
        other => panic!("an ftp:// callbackUrl was accepted: {other:?}"),
    }
    // A merchant that never answers SUCCESS gets the configured number of deliveries (3),
    // then no more.
    let server = CallbackServer::start(usize::MAX).await;
    let order = OrderNo::generate(&setup.partner_id).expect("order no");
    setup
        .client
        .send(&pay_in::<Thb>(&order, "10", &server.url))
        .await
        .expect("created");
    assert_eq!(server.wait_for(3).await.len(), 3);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        server.received().len(),
        3,
        "delivered again past the attempts"
    );
    let deliveries: Vec<_> = setup
        .emulator
        .deliveries()
        .into_iter()
        .filter(|d| d.attempted)
        .collect();
    assert_eq!(
        deliveries
            .iter()
            .map(|d| (d.attempt, d.accepted))
            .collect::<Vec<_>>(),
        [(1, false), (2, false), (3, false)]
    );
    assert!(deliveries.iter().all(|d| d.http_status == Some(500)));
    // Last, since the accepted orders below add deliveries: a port that is no TCP port is
    // refused too (it used to be read as none, so port 80),
    // saying which; a real one, with credentials before the host, is fine.
    for (url, refused) in [
        ("http://127.0.0.1:99999/cb", Some("99999")),
        ("http://127.0.0.1:65616/cb", Some("65616")),
        ("http://127.0.0.1:0/cb", Some("0")),
        ("http://[::1]:70000/cb", Some("70000")),
        ("http://user:pw@127.0.0.1:65535/cb", None),
        ("https://[::1]/cb", None),
    ] {
        let answer = setup
            .client
            .send(&pay_in::<Thb>(
                &OrderNo::generate(&setup.partner_id).expect("order no"),
                "10",
                url,
            ))
            .await
            .map_err(Error::into_kind);
        match (answer, refused) {
            (
                Err(ErrorKind::Gateway {
                    status, message, ..
                }),
                Some(port),
            ) => {
                assert_eq!(status, 400, "{url}");
                assert!(
                    message.contains(&format!("port {port} is not a number from 1 to 65535")),
                    "{url}: {message}"
                );
            }
            (Ok(_), None) => {}
            (other, _) => panic!("{url}: {other:?}"),
        }
    }
    setup.emulator.shutdown().await;
}

/// An amount finer than the region's money whose float is not (100.5 for the THB amount
/// below): refused by the SDK before sending, and, sent anyway, by the emulator, which reads
/// amounts from their own digits. Nothing is booked.
#[tokio::test]
async fn an_amount_finer_than_the_region_allows_is_refused_even_where_its_float_is_not() {
    let setup = setup::<Thb>(Duration::from_secs(3600)).await;
    let fine = "100.500000000000000001";
    let order = OrderNo::generate(&setup.partner_id).expect("order no");
    let mut request = pay_in::<Thb>(&order, "100.25", "http://127.0.0.1:9/callback");
    let body = serde_json::to_string(&request).expect("JSON");
    request.money = smilepayz::TransactionMoney::new(amount(fine)).expect("more than 0");

    let expected =
        "money.amount: 100.500000000000000001 has 18 decimal places; THB amounts have at most 2";
    let error = request.validate().expect_err("too many decimal places");
    assert!(error.to_string().contains(expected), "{error}");
    let error = setup.client.send(&request).await.expect_err("not sent");
    assert_eq!(error.sent(), smilepayz::Sent::No, "{error}");
    assert!(error.to_string().contains(expected), "{error}");

    // The same body by hand, past the SDK's check.
    assert!(body.contains("\"amount\":100.25"), "{body}");
    let body = body.replace("\"amount\":100.25", &format!("\"amount\":{fine}"));
    let raw = setup
        .client
        .send_raw(
            &smilepayz::endpoints::pay_in::ENDPOINT,
            smilepayz::Region::Thb,
            body.into_bytes(),
        )
        .await
        .expect("answered");
    assert_eq!(raw.status, 400);
    let answer: Value = serde_json::from_slice(&raw.body).expect("JSON");
    assert_eq!(answer["code"], codes::pay_in::INVALID_BODY_FIELDS);
    let message = answer["message"].as_str().expect("a message");
    assert!(message.contains(expected), "{message}");
    assert!(
        status::<Thb>(&setup, TradeType::PayIn, &order)
            .await
            .is_err(),
        "the refused pay-in must not be booked"
    );
    setup.emulator.shutdown().await;
}

/// The emulator's state is bounded: past `max_transactions`, a new order is refused with
/// TOO_MANY_TRANSACTIONS (an answer, so the SDK says it was answered and does not resend a
/// pay-in), and the orders already taken are kept.
#[tokio::test]
async fn past_its_transaction_limit_the_emulator_refuses_new_orders_and_keeps_the_old() {
    let setup = setup_with::<Thb>(Duration::from_secs(3600), |b| b.max_transactions(2)).await;
    let mut orders = Vec::new();
    for _ in 0..2 {
        let order = OrderNo::generate(&setup.partner_id).expect("order no");
        setup
            .client
            .send(&pay_in::<Thb>(&order, "10", "http://127.0.0.1:9/callback"))
            .await
            .expect("taken");
        orders.push(order);
    }
    let third = OrderNo::generate(&setup.partner_id).expect("order no");
    let error = setup
        .client
        .send(&pay_in::<Thb>(&third, "10", "http://127.0.0.1:9/callback"))
        .await
        .expect_err("refused");
    assert_eq!(error.sent(), smilepayz::Sent::Answered, "{error}");
    assert_eq!(error.attempts(), 1, "a pay-in is never resent: {error}");
    assert_eq!(error.status(), Some(503), "{error}");
    assert_eq!(
        error.gateway_code(),
        Some(codes::pay_in::TOO_MANY_TRANSACTIONS),
        "{error}"
    );
    for order in &orders {
        assert_eq!(
            status::<Thb>(&setup, TradeType::PayIn, order)
                .await
                .expect("kept"),
            TransactionStatus::Processing
        );
    }
    assert!(
        status::<Thb>(&setup, TradeType::PayIn, &third)
            .await
            .is_err(),
        "the refused order is not booked"
    );
    setup.emulator.shutdown().await;
}

/// Every amount a request carries is more than 0: a zero, negative or too large amount is
/// refused by the typed constructors, by `validate()` and `send` (never sent), by the run-time
/// builder, and, sent by hand past the SDK, by the emulator, naming `money.amount`. Nothing is
/// booked for any of them: both accounts keep their balance and available balance.
#[tokio::test]
async fn amounts_that_are_not_more_than_zero_or_too_large_are_refused_and_move_nothing() {
    use smilepayz::endpoints::pay_out::AnyPayOutRequest;
    use smilepayz::{AmountError, TransactionMoney};

    let setup = setup::<Thb>(Duration::ZERO).await;
    let before = (
        balance::<Thb>(&setup, &setup.payin_account).await,
        balance::<Thb>(&setup, &setup.payout_account).await,
    );
    for text in ["-500000", "-100.00", "0", "-0.00"] {
        assert!(
            matches!(
                TransactionMoney::<Thb>::parse(text),
                Err(AmountError::NotPositive(_))
            ),
            "{text}"
        );
        assert!(
            TransactionMoney::<Thb>::new(amount(text)).is_err(),
            "{text}"
        );
    }
    assert!(TransactionMoney::<Thb>::from_minor_units(0).is_err());
    assert!(TransactionMoney::<Thb>::from_minor_units(-1).is_err());

    let refusals = [
        ("-500000", "money.amount: must be more than 0"),
        ("-100.00", "money.amount: must be more than 0"),
        ("0", "money.amount: must be more than 0"),
        ("-0.00", "money.amount: must be more than 0"),
        (
            "1000000000000000",
            "money.amount: is 1000000000000000; the largest amount a request may carry is 999999999999999",
        ),
    ];
    for (text, expected) in refusals {
        let order = OrderNo::generate(&setup.partner_id).expect("order no");
        // A request read from JSON holds what it was given; validate() and send refuse it.
        let mut request = pay_out::<Thb>(&order, "200", "http://127.0.0.1:9/callback");
        let body = serde_json::to_string(&request).expect("JSON");
        request.money = serde_json::from_value(serde_json::json!({"currency": "THB", "amount": serde_json::from_str::<Value>(text).expect("a number")})).expect("read as the gateway would send it");
        let error = request.validate().expect_err("refused");
        assert!(error.to_string().contains(expected), "{text}: {error}");
        let error = setup.client.send(&request).await.expect_err("not sent");
        assert_eq!(error.sent(), smilepayz::Sent::No, "{error}");
        assert!(error.to_string().contains(expected), "{text}: {error}");

        // The run-time builder takes any Amount and refuses it at build().
        let error = AnyPayOutRequest::builder(smilepayz::Region::Thb)
            .order_no(order.as_str())
            .purpose("Refund")
            .merchant(request.merchant.clone())
            .money(amount(text))
            .payment_method(request.payment_method.clone())
            .cash_account("17385238451")
            .build()
            .expect_err("refused");
        assert!(error.to_string().contains(expected), "{text}: {error}");

        // The same body by hand, past the SDK's checks: the emulator refuses it.
        let body = body.replace("\"amount\":200", &format!("\"amount\":{text}"));
        assert!(body.contains(&format!("\"amount\":{text}")), "{body}");
        let raw = setup
            .client
            .send_raw(
                &smilepayz::endpoints::pay_out::ENDPOINT,
                smilepayz::Region::Thb,
                body.into_bytes(),
            )
            .await
            .expect("answered");
        assert_eq!(raw.status, 400, "{text}");
        let answer: Value = serde_json::from_slice(&raw.body).expect("JSON");
        assert_eq!(
            answer["code"],
            codes::pay_out::INVALID_BODY_FIELDS,
            "{text}: {answer}"
        );
        let message = answer["message"].as_str().expect("a message");
        assert!(message.contains(expected), "{text}: {message}");
        assert!(
            status::<Thb>(&setup, TradeType::PayOut, &order)
                .await
                .is_err(),
            "{text}: the refused pay-out must not be booked"
        );

        // A pay-in of the same amount, by hand: refused, not booked.
        let order = OrderNo::generate(&setup.partner_id).expect("order no");
        let body =
            serde_json::to_string(&pay_in::<Thb>(&order, "100", "http://127.0.0.1:9/callback"))
                .expect("JSON")
                .replace("\"amount\":100", &format!("\"amount\":{text}"));
        let raw = setup
            .client
            .send_raw(
                &smilepayz::endpoints::pay_in::ENDPOINT,
                smilepayz::Region::Thb,
                body.into_bytes(),
            )
            .await
            .expect("answered");
        assert_eq!(raw.status, 400, "{text}");
        let answer: Value = serde_json::from_slice(&raw.body).expect("JSON");
        let message = answer["message"].as_str().expect("a message");
        assert!(message.contains(expected), "{text}: {message}");
    }
    // A number too large for serde_json's integers reaches the rules as a float with an
    // exponent: still refused by name, not as "not a decimal".
    let order = OrderNo::generate(&setup.partner_id).expect("order no");
    let body = serde_json::to_string(&pay_out::<Thb>(
        &order,
        "200",
        "http://127.0.0.1:9/callback",
    ))
    .expect("JSON")
    .replace(
        "\"amount\":200",
        "\"amount\":123456789012345678901234567890",
    );
    let raw = setup
        .client
        .send_raw(
            &smilepayz::endpoints::pay_out::ENDPOINT,
            smilepayz::Region::Thb,
            body.into_bytes(),
        )
        .await
        .expect("answered");
    let answer: Value = serde_json::from_slice(&raw.body).expect("JSON");
    let message = answer["message"].as_str().expect("a message");
    assert!(
        message.contains("the largest amount a request may carry is 999999999999999"),
        "{message}"
    );

    let after = (
        balance::<Thb>(&setup, &setup.payin_account).await,
        balance::<Thb>(&setup, &setup.payout_account).await,
    );
    assert_eq!(after, before, "no money moved");
    setup.emulator.shutdown().await;
}

#[tokio::test]
async fn every_answer_and_every_delivery_is_told_to_the_event_sink_with_the_give_up() {
    use smilepayz_emulator::EmulatorEvent;
    let events: Arc<std::sync::Mutex<Vec<EmulatorEvent>>> = Arc::default();
    let sink = Arc::clone(&events);
    let setup = setup_with::<Thb>(Duration::ZERO, move |builder| {
        builder.on_event(move |event| {
            sink.lock().expect("not poisoned").push(event.clone());
        })
    })
    .await;
    // A receiver that never answers SUCCESS: three attempts (setup's), then the emulator
    // gives up, and says so.
    let server = CallbackServer::start(usize::MAX).await;
    let order = OrderNo::generate(&setup.partner_id).expect("order no");
    setup
        .client
        .send(&pay_in::<Thb>(&order, "10", &server.url))
        .await
        .expect("created");
    assert_eq!(server.wait_for(3).await.len(), 3);
    // The third delivery's event follows its answer; wait for it, boundedly.
    let delivered = || {
        events
            .lock()
            .expect("not poisoned")
            .iter()
            .filter(|e| matches!(e, EmulatorEvent::Callback { .. }))
            .count()
    };
    for _ in 0..100 {
        if delivered() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let seen = events.lock().expect("not poisoned").clone();
    let answered: Vec<_> = seen
        .iter()
        .filter_map(|e| match e {
            EmulatorEvent::Answered(a) => Some(a),
            _ => None,
        })
        .collect();
    assert_eq!(answered.len(), 1, "{seen:?}");
    let a = answered[0];
    assert_eq!(a.endpoint, Some("pay-in"));
    assert_eq!(a.region, Some(smilepayz::Region::Thb));
    assert_eq!(a.partner_id.as_deref(), Some(setup.partner_id.as_str()));
    assert_eq!(a.order_no.as_deref(), Some(order.as_str()));
    assert_eq!((a.http_status, a.code.as_str()), (200, "00"));
    let callbacks: Vec<(u32, bool, bool)> = seen
        .iter()
        .filter_map(|e| match e {
            EmulatorEvent::Callback { delivery, last } => {
                Some((delivery.attempt, delivery.accepted, *last))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        callbacks,
        [(1, false, false), (2, false, false), (3, false, true)]
    );
    setup.emulator.shutdown().await;
}

#[tokio::test]
async fn callbacks_forwarded_to_a_local_url_carry_the_orders_own_url() {
    let server = CallbackServer::start(0).await;
    let to = server.url.clone();
    let setup = setup_with::<Thb>(Duration::ZERO, move |builder| {
        builder.forward_callbacks_to(to)
    })
    .await;
    // The shop's real notify URL stays in the order; the callback still arrives here.
    let order = OrderNo::generate(&setup.partner_id).expect("order no");
    setup
        .client
        .send(&pay_in::<Thb>(
            &order,
            "10",
            "https://shop.example/smilepayz/notify",
        ))
        .await
        .expect("created");
    let received = server.wait_for(1).await;
    assert_eq!(received.len(), 1);
    let original = received[0]
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-original-callback-url"))
        .map(|(_, value)| value.as_str());
    assert_eq!(original, Some("https://shop.example/smilepayz/notify"));
    let body: Value = serde_json::from_slice(&received[0].body).expect("JSON");
    assert_eq!(body["orderNo"], order.as_str());
    setup.emulator.shutdown().await;

    // Forwarding anywhere but this machine is refused when the emulator starts.
    let refused = Emulator::builder()
        .forward_callbacks_to("https://shop.example/notify")
        .start()
        .await
        .expect_err("not a local URL");
    assert!(
        refused.to_string().contains("cannot be forwarded to"),
        "{refused}"
    );
    // Nor to a port that is no TCP port (it would be read as port 80).
    let refused = Emulator::builder()
        .forward_callbacks_to("http://127.0.0.1:99999/cb")
        .start()
        .await
        .expect_err("no such port");
    assert!(
        refused
            .to_string()
            .contains("port 99999 is not a number from 1 to 65535"),
        "{refused}"
    );
}
