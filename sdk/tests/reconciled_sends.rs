//! `Client::send_reconciled`: a pay-in or pay-out sent once, whose unknown outcome is found
//! out by inquiry-status, never by sending it again. The emulator books the orders; a small
//! gateway front on loopback, written here, breaks the pay-ins on purpose: it drops the
//! connection after the emulator booked the order, or answers 503 without passing it on.

mod common;

use std::sync::{Arc, Mutex};

use common::read_http_message;
use smilepayz::regions::thb;
use smilepayz::{Client, ErrorKind, OrderNo, Reconciled, Region, Sent};
use smilepayz_emulator::{Emulator, RunningEmulator, TestMerchant};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

/// What the front does with a pay-in.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// Passes it on and returns the answer.
    None,
    /// Passes it on, so the order is booked, then closes the connection without an answer.
    DropAfterBooking,
    /// Answers 503 without passing it on: nothing is booked.
    ServerErrorBeforeBooking,
    /// Passes it on, so the order is booked, then keeps the connection open without an
    /// answer, past the client's deadline.
    StallAfterBooking,
}

/// A front of the emulator: everything is passed on, except that pay-in number n meets
/// `faults[n]` (and `Fault::None` once they run out). Counts what it saw.
struct Front {
    url: String,
    pay_ins: Arc<Mutex<usize>>,
    lookups: Arc<Mutex<usize>>,
}

/// A 404 that is not inquiry-status's "transaction not found": what an egress filter, or a
/// gateway where the merchant is not enabled for inquiry-status, might answer.
const OTHER_404: &str = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 43\r\n\r\n{\"code\":\"4040001\",\"message\":\"unknown path\"}";

impl Front {
    async fn start(upstream: String, faults: Vec<Fault>) -> Front {
        Front::start_with(upstream, faults, false).await
    }

    /// With `lookups_refused`, every inquiry-status gets [`OTHER_404`].
    async fn start_with(upstream: String, faults: Vec<Fault>, lookups_refused: bool) -> Front {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (pay_ins, lookups) = (Arc::new(Mutex::new(0)), Arc::new(Mutex::new(0)));
        let (seen_pay_ins, seen_lookups) = (pay_ins.clone(), lookups.clone());
        let faults = Arc::new(faults);
        let upstream = upstream.trim_start_matches("http://").to_owned();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let (pay_ins, lookups, faults, upstream) = (
                    seen_pay_ins.clone(),
                    seen_lookups.clone(),
                    faults.clone(),
                    upstream.clone(),
                );
                tokio::spawn(async move {
                    while let Some((head, body)) = read_http_message(&mut client).await {
                        let fault = if head.contains("/pay-in ") {
                            let mut count = pay_ins.lock().expect("count");
                            *count += 1;
                            faults.get(*count - 1).copied().unwrap_or(Fault::None)
                        } else {
                            *lookups.lock().expect("count") += 1;
                            if lookups_refused {
                                if client.write_all(OTHER_404.as_bytes()).await.is_err() {
                                    return;
                                }
                                continue;
                            }
                            Fault::None
                        };
                        if let Fault::ServerErrorBeforeBooking = fault {
                            let answer =
                                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
                            if client.write_all(answer.as_bytes()).await.is_err() {
                                return;
                            }
                            continue;
                        }
                        let Ok(mut up) = TcpStream::connect(&upstream).await else {
                            return;
                        };
                        let mut message = head.into_bytes();
                        message.extend_from_slice(&body);
                        if up.write_all(&message).await.is_err() {
                            return;
                        }
                        let Some((answer_head, answer_body)) = read_http_message(&mut up).await
                        else {
                            return;
                        };
                        if let Fault::DropAfterBooking = fault {
                            // The order is booked; the merchant never hears of it.
                            return;
                        }
                        if let Fault::StallAfterBooking = fault {
                            // Booked, and the connection stays open without an answer.
                            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                            return;
                        }
                        let mut answer = answer_head.into_bytes();
                        answer.extend_from_slice(&answer_body);
                        if client.write_all(&answer).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Front {
            url,
            pay_ins,
            lookups,
        }
    }

    fn pay_ins(&self) -> usize {
        *self.pay_ins.lock().expect("count")
    }

    fn lookups(&self) -> usize {
        *self.lookups.lock().expect("count")
    }
}

async fn emulator() -> (RunningEmulator, TestMerchant) {
    let merchant = TestMerchant::generate(Region::Thb).expect("a test merchant");
    let emulator = Emulator::builder()
        .merchant(merchant.merchant())
        .start()
        .await
        .expect("the emulator starts");
    (emulator, merchant)
}

fn client(base_url: &str, merchant: &TestMerchant) -> Client {
    Client::builder()
        .base_url(base_url)
        .partner_id(&merchant.partner_id)
        .merchant_secret(merchant.secret.clone())
        .private_key(merchant.private_key.clone())
        .build()
        .expect("a client")
}

/// Thailand's documented pay-in with a fresh `orderNo`.
fn pay_in(merchant: &TestMerchant) -> thb::PayInRequest {
    let mut body: serde_json::Value = serde_json::from_str(
        Region::Thb
            .info()
            .endpoint("pay-in")
            .expect("THB pay-in")
            .examples
            .iter()
            .find_map(|e| e.request.and_then(|m| m.body))
            .expect("an example"),
    )
    .expect("JSON");
    body["orderNo"] = OrderNo::generate(&merchant.partner_id)
        .expect("an order number")
        .to_string()
        .into();
    // The emulator calls only loopback callback URLs; these tests need no callback.
    body["callbackUrl"] = "https://shop.example.com/notify".into();
    serde_json::from_value(body).expect("a pay-in")
}

#[tokio::test]
async fn an_answered_pay_in_is_created() {
    let (emulator, merchant) = emulator().await;
    let front = Front::start(emulator.base_url(), vec![]).await;
    let client = client(&front.url, &merchant);
    let request = pay_in(&merchant);
    match client.send_reconciled(&request).await.expect("an outcome") {
        Reconciled::Created(answer) => assert_eq!(answer.order_no, Some(request.order_no.clone())),
        other => panic!("not created: {other:?}"),
    }
    assert_eq!((front.pay_ins(), front.lookups()), (1, 0));
    assert_eq!(emulator.transaction_count(), 1);
}

/// The connection breaks after the gateway booked the order: the answer is lost, the send
/// says "maybe", and inquiry-status finds the order. It is not sent again.
#[tokio::test]
async fn a_pay_in_booked_before_the_connection_broke_is_found_not_sent_again() {
    let (emulator, merchant) = emulator().await;
    let front = Front::start(emulator.base_url(), vec![Fault::DropAfterBooking]).await;
    let client = client(&front.url, &merchant);
    let request = pay_in(&merchant);
    // What a plain send says in the same case: the outcome is unknown.
    let plain = client
        .send(&pay_in(&merchant))
        .await
        .expect_err("no answer");
    assert_eq!(plain.sent(), Sent::Maybe, "{plain}");
    let booked = emulator.transaction_count();

    let front = Front::start(emulator.base_url(), vec![Fault::DropAfterBooking]).await;
    let client = self::client(&front.url, &merchant);
    match client.send_reconciled(&request).await.expect("an outcome") {
        Reconciled::AlreadyExists(status) => {
            assert_eq!(status.order_no.as_deref(), Some(request.order_no.as_str()));
            assert!(status.trade_no.is_some(), "{status:?}");
        }
        other => panic!("not found: {other:?}"),
    }
    assert_eq!(front.pay_ins(), 1, "the pay-in was sent once");
    assert_eq!(front.lookups(), 1, "found at the first lookup");
    assert_eq!(
        emulator.transaction_count(),
        booked + 1,
        "one order, booked once"
    );
}

/// A 503 before the gateway booked anything: inquiry-status does not find the order at any
/// of its lookups, so it was not created, and sending it again is safe (and works).
#[tokio::test]
async fn a_pay_in_refused_with_a_503_before_booking_is_not_created() {
    let (emulator, merchant) = emulator().await;
    let front = Front::start(emulator.base_url(), vec![Fault::ServerErrorBeforeBooking]).await;
    let client = client(&front.url, &merchant);
    let request = pay_in(&merchant);
    match client.send_reconciled(&request).await.expect("an outcome") {
        Reconciled::NotCreated(error) => {
            assert!(
                matches!(error.kind(), ErrorKind::Http { status: 503, .. }),
                "{error}"
            );
        }
        other => panic!("not 'not created': {other:?}"),
    }
    assert_eq!(front.pay_ins(), 1, "the pay-in was sent once");
    assert_eq!(
        front.lookups(),
        4,
        "asked right away and after each of three waits"
    );
    assert_eq!(emulator.transaction_count(), 0);
    // Safe to send again, with the same orderNo.
    match client.send_reconciled(&request).await.expect("an outcome") {
        Reconciled::Created(_) => {}
        other => panic!("not created: {other:?}"),
    }
    assert_eq!(emulator.transaction_count(), 1);
}

/// Another sender (a second worker, a retry from a queue) created the order first: the
/// gateway refuses the `orderNo` as taken, and inquiry-status gives the order's status.
#[tokio::test]
async fn a_duplicate_from_a_concurrent_sender_answers_with_the_existing_order() {
    let (emulator, merchant) = emulator().await;
    let front = Front::start(emulator.base_url(), vec![]).await;
    let client = client(&front.url, &merchant);
    let request = pay_in(&merchant);
    let first = client.send(&request).await.expect("the other sender's");
    match client.send_reconciled(&request).await.expect("an outcome") {
        Reconciled::AlreadyExists(status) => {
            assert!(first.trade_no.is_some(), "{first:?}");
            assert_eq!(status.trade_no, first.trade_no, "{status:?}");
        }
        other => panic!("not found: {other:?}"),
    }
    assert_eq!(front.pay_ins(), 2);
    assert_eq!(emulator.transaction_count(), 1);
}

/// A pay-in the gateway refuses (here a callback URL it cannot call) was not created: no
/// lookup is needed.
#[tokio::test]
async fn a_refused_pay_in_is_not_created_without_a_lookup() {
    let (emulator, merchant) = emulator().await;
    let front = Front::start(emulator.base_url(), vec![]).await;
    let client = client(&front.url, &merchant);
    let mut request = pay_in(&merchant);
    request.callback_url = Some("ftp://shop.example.com/notify".to_owned());
    match client.send_reconciled(&request).await.expect("an outcome") {
        Reconciled::NotCreated(error) => {
            assert_eq!(error.sent(), Sent::Answered, "{error}");
            assert_eq!(error.status(), Some(400), "{error}");
        }
        other => panic!("not 'not created': {other:?}"),
    }
    assert_eq!(front.lookups(), 0);
    assert_eq!(emulator.transaction_count(), 0);
}

/// A pay-in that timed out after the gateway booked it: the send used the whole deadline, and
/// the lookups, which have a budget of their own after it, still find the order.
#[tokio::test]
async fn a_pay_in_that_timed_out_after_booking_is_found() {
    let (emulator, merchant) = emulator().await;
    let front = Front::start(emulator.base_url(), vec![Fault::StallAfterBooking]).await;
    let client = Client::builder()
        .base_url(&front.url)
        .partner_id(&merchant.partner_id)
        .merchant_secret(merchant.secret.clone())
        .private_key(merchant.private_key.clone())
        .deadline(std::time::Duration::from_secs(1))
        .build()
        .expect("a client");
    let request = pay_in(&merchant);
    let started = std::time::Instant::now();
    match client.send_reconciled(&request).await.expect("an outcome") {
        Reconciled::AlreadyExists(status) => {
            assert_eq!(status.order_no.as_deref(), Some(request.order_no.as_str()));
        }
        other => panic!("not found: {other:?}"),
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1) + smilepayz::LOOKUP_BUDGET,
        "{:?}",
        started.elapsed()
    );
    assert_eq!((front.pay_ins(), front.lookups()), (1, 1));
    assert_eq!(emulator.transaction_count(), 1);
}

/// Lookups that are refused with some other 404 (not inquiry-status's "transaction not
/// found") say nothing about the order: the outcome stays unknown, never "not created".
#[tokio::test]
async fn a_lookup_refused_otherwise_leaves_the_outcome_unknown() {
    let (emulator, merchant) = emulator().await;
    let front = Front::start_with(
        emulator.base_url(),
        vec![Fault::ServerErrorBeforeBooking],
        true,
    )
    .await;
    let client = client(&front.url, &merchant);
    let request = pay_in(&merchant);
    let error = client
        .send_reconciled(&request)
        .await
        .expect_err("the outcome is unknown");
    assert!(
        matches!(error.kind(), ErrorKind::Http { status: 503, .. }),
        "the send's own error: {error}"
    );
    assert_eq!(front.pay_ins(), 1, "never sent twice");
    assert_eq!(front.lookups(), 4);
}
