//! The client against a hostile local server: every bad answer is a clear typed error, never
//! a panic, and memory stays bounded. Each case is one canned behaviour on a loopback port.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use smilepayz::definitions::BalanceType;
use smilepayz::regions::{pen, thb};
use smilepayz::signing::{MerchantKeyPair, MerchantSecret};
use smilepayz::{Client, Error, ErrorKind, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with each request it reads.
#[derive(Clone)]
enum Behaviour {
    /// Answers with this status and body (Content-Length set).
    Answer(u16, String),
    /// Sends a Content-Length of `declared` but only `body`, then closes.
    CutShort { declared: usize, body: String },
    /// Sends a chunked body that never ends.
    Endless,
    /// Accepts and never answers.
    Silent,
    /// Closes the connection without answering.
    Close,
    /// Redirects to this URL.
    Redirect(String),
    /// Answers the n-th request with the n-th entry (status, extra headers, body); the last
    /// entry repeats.
    Script(Vec<(u16, &'static str, String)>),
}

async fn read_request(stream: &mut TcpStream) -> bool {
    // Read headers, then Content-Length bytes; bounded by the size of a signed request.
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return false,
                    Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                }
            }
            return true;
        }
        if buffer.len() > 1 << 16 {
            return false;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

async fn serve(behaviour: Behaviour) -> String {
    serve_counted(behaviour).await.0
}

/// Serves `behaviour`, counting the requests read.
async fn serve_counted(behaviour: Behaviour) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let behaviour = behaviour.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                while read_request(&mut stream).await {
                    counter.fetch_add(1, Ordering::SeqCst);
                    match &behaviour {
                        Behaviour::Answer(status, body) => {
                            let head = format!(
                                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                                body.len()
                            );
                            if stream.write_all(head.as_bytes()).await.is_err()
                                || stream.write_all(body.as_bytes()).await.is_err()
                            {
                                return;
                            }
                        }
                        Behaviour::CutShort { declared, body } => {
                            let head = format!(
                                "HTTP/1.1 200 OK\r\ncontent-length: {declared}\r\n\r\n{body}"
                            );
                            let _ = stream.write_all(head.as_bytes()).await;
                            return;
                        }
                        Behaviour::Endless => {
                            let _ = stream
                                .write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
                                .await;
                            let chunk = format!("{:x}\r\n{}\r\n", 8192, "x".repeat(8192));
                            // Bounded: stops when the client hangs up (after its limit).
                            for _ in 0..100_000 {
                                if stream.write_all(chunk.as_bytes()).await.is_err() {
                                    return;
                                }
                            }
                            return;
                        }
                        Behaviour::Silent => {
                            tokio::time::sleep(Duration::from_secs(30)).await;
                            return;
                        }
                        Behaviour::Close => return,
                        Behaviour::Script(answers) => {
                            let n = counter.load(Ordering::SeqCst);
                            let (status, headers, body) = &answers[(n - 1).min(answers.len() - 1)];
                            let head = format!(
                                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\n\r\n",
                                body.len()
                            );
                            if stream.write_all(head.as_bytes()).await.is_err()
                                || stream.write_all(body.as_bytes()).await.is_err()
                            {
                                return;
                            }
                        }
                        Behaviour::Redirect(to) => {
                            let head = format!(
                                "HTTP/1.1 307 Temporary Redirect\r\nlocation: {to}\r\ncontent-length: 0\r\n\r\n"
                            );
                            if stream.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), count)
}

fn client(base_url: &str, retry: RetryPolicy) -> Client {
    let keys = MerchantKeyPair::generate().expect("key pair");
    Client::builder()
        .base_url(base_url)
        .partner_id("sandbox-test")
        .merchant_secret(MerchantSecret::new("0123456789abcdef".repeat(4)).expect("secret"))
        .private_key(keys.private)
        .timeout(Duration::from_secs(2))
        .read_timeout(Duration::from_secs(1))
        .retry(retry)
        .max_response_bytes(64 * 1024)
        .build()
        .expect("client")
}

fn thb_request() -> thb::InquiryBalanceRequest {
    thb::InquiryBalanceRequest::new("21120030202403071031", [BalanceType::Balance]).expect("valid")
}

const THB_OK: &str = r#"{"code":"00","message":"Successful","accountNo":"21120030202403071031","accountInfos":{"balanceType":"BALANCE","amount":{"currency":"THB","value":"250000.50"},"availableBalance":{"currency":"THB","value":"250000"}}}"#;

async fn outcome(behaviour: Behaviour) -> Result<thb::InquiryBalanceResponse, Error> {
    let url = serve(behaviour).await;
    client(&url, RetryPolicy::none()).send(&thb_request()).await
}

fn decode_error(result: Result<thb::InquiryBalanceResponse, Error>) -> (u16, String) {
    match result.map_err(Error::into_kind) {
        Err(ErrorKind::Decode { status, reason, .. }) => (status, reason),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_good_answer_is_read_exactly() {
    let response = outcome(Behaviour::Answer(200, THB_OK.into()))
        .await
        .expect("reads");
    let info = response.account_infos.first().expect("one entry");
    assert_eq!(info.amount.value().to_string(), "250000.50");
    assert_eq!(info.available_balance.to_string(), "250000 THB");
}

#[tokio::test]
async fn malformed_bodies_are_decode_errors_that_keep_the_body() {
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "truncated JSON",
            THB_OK[..THB_OK.len() / 2].to_owned(),
            "EOF",
        ),
        ("empty body", String::new(), "EOF"),
        (
            "HTML page",
            "<html><body>Bad gateway</body></html>".to_owned(),
            "expected value",
        ),
        (
            "wrong type",
            THB_OK.replace(r#""value":"250000""#, r#""value":250000"#),
            "an amount as a string",
        ),
        (
            "float amount",
            THB_OK.replace(r#""250000.50""#, r#""2.5e5""#),
            "not a plain decimal",
        ),
        (
            "missing field",
            THB_OK.replace(r#""amount":{"currency":"THB","value":"250000.50"},"#, ""),
            "missing field `amount`",
        ),
        (
            "other currency",
            THB_OK.replace("THB", "USD"),
            "currency \"USD\" is not the Thailand region's currency THB",
        ),
        (
            "empty accountInfos",
            THB_OK.replace(r#""accountInfos":{"#, r#""accountInfos":[],"x":{"#),
            "at least one entry",
        ),
        (
            "accountInfos twice",
            THB_OK.replace(r#""accountNo""#, r#""accountInfos":[],"accountNo""#),
            "accountInfos",
        ),
        (
            "accountInfos a string",
            THB_OK.replace(r#""accountInfos":{"#, r#""accountInfos":"x","y":{"#),
            "an object or a non-empty array",
        ),
        ("not an object", "[1,2,3]".to_owned(), "expected"),
    ];
    for (name, body, expected) in cases {
        let url = serve(Behaviour::Answer(200, body.clone())).await;
        let result = client(&url, RetryPolicy::none()).send(&thb_request()).await;
        let error = match result {
            Err(error) => error,
            Ok(ok) => panic!("{name}: accepted {ok:?}"),
        };
        let text = error.to_string();
        assert!(
            matches!(error.kind(), ErrorKind::Decode { .. }),
            "{name}: {error:?}"
        );
        assert_eq!(
            error.body(),
            Some(body.as_str()),
            "{name}: the body is kept"
        );
        assert!(
            text.contains(expected),
            "{name}: {text:?} lacks {expected:?}"
        );
        assert!(!error.is_retryable(), "{name}");
    }
}

#[tokio::test]
async fn a_non_success_code_is_a_gateway_error_with_code_and_message() {
    let body = r#"{"code":"4011101","message":"Unauthorized. Signature"}"#;
    for status in [200, 401] {
        match outcome(Behaviour::Answer(status, body.into()))
            .await
            .map_err(Error::into_kind)
        {
            Err(ErrorKind::Gateway {
                status: s,
                code,
                message,
                ..
            }) => {
                assert_eq!(
                    (s, code.as_str(), message.as_str()),
                    (status, "4011101", "Unauthorized. Signature")
                );
            }
            other => panic!("HTTP {status}: expected a gateway error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn every_status_family_is_a_typed_error() {
    for status in [
        301, 400, 401, 403, 404, 409, 413, 429, 500, 501, 502, 503, 504, 505,
    ] {
        let result = outcome(Behaviour::Answer(status, "<html>oops</html>".into())).await;
        match result.as_ref().map_err(Error::kind) {
            Err(ErrorKind::Http { status: s, body }) => {
                assert_eq!(*s, status);
                assert_eq!(body, "<html>oops</html>");
            }
            other => panic!("HTTP {status}: {other:?}"),
        }
        let retryable = result.as_ref().err().is_some_and(Error::is_retryable);
        // Retried: too many requests and the server errors a retry can cure; not 501 or 505.
        let expected = matches!(status, 429 | 500 | 502 | 503 | 504);
        assert_eq!(retryable, expected, "HTTP {status}");
    }
    // A 2xx that is not 200 is still read as an answer.
    let (status, _) = decode_error(outcome(Behaviour::Answer(202, "{}".into())).await);
    assert_eq!(status, 202);
}

#[tokio::test]
async fn an_endless_body_stops_at_the_size_limit() {
    match outcome(Behaviour::Endless).await.map_err(Error::into_kind) {
        Err(ErrorKind::TooLarge { limit, .. }) => assert_eq!(limit, 64 * 1024),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_cut_short_and_a_closed_connection_are_retryable_errors() {
    let cut = outcome(Behaviour::CutShort {
        declared: 500,
        body: THB_OK[..100].to_owned(),
    })
    .await
    .expect_err("cut short");
    assert!(
        matches!(cut.kind(), ErrorKind::BodyInterrupted { .. }),
        "{cut:?}"
    );
    assert!(cut.is_retryable());

    let closed = outcome(Behaviour::Close).await.expect_err("closed");
    // The request was written before the server hung up: it may have been acted on.
    assert!(
        matches!(closed.kind(), ErrorKind::NoAnswer { .. }),
        "{closed:?}"
    );
    assert_eq!(closed.sent(), smilepayz::Sent::Maybe);
    assert!(closed.is_retryable());
    assert!(
        !closed.to_string().contains("inquiry-status"),
        "read-only: {closed}"
    );
}

#[tokio::test]
async fn each_error_says_whether_the_request_may_have_been_sent() {
    use smilepayz::Sent;
    // Never sent: nothing listening.
    let nothing = client("http://127.0.0.1:9", RetryPolicy::none())
        .send(&thb_pay_in())
        .await
        .expect_err("no server");
    assert_eq!(nothing.sent(), Sent::No, "{nothing}");
    // Maybe sent: a pay-in whose connection broke, or that timed out, says what to do.
    for behaviour in [Behaviour::Close, Behaviour::Silent] {
        let url = serve(behaviour).await;
        let error = client(&url, RetryPolicy::none())
            .send(&thb_pay_in())
            .await
            .expect_err("no answer");
        assert_eq!(error.sent(), Sent::Maybe, "{error}");
        // The error names the request: what an on-call engineer needs to look it up.
        assert_eq!(error.endpoint(), Some("pay-in"));
        assert_eq!(error.region(), Some(smilepayz::Region::Thb));
        assert_eq!(error.attempts(), 1);
        assert_eq!(error.order_no(), Some("S20001HOSTILE01"));
        let text = error.to_string();
        assert!(
            text.starts_with("pay-in in THB, orderNo S20001HOSTILE01, after 1 attempt: "),
            "{text}"
        );
        assert!(text.contains("may have been sent"), "{text}");
        assert!(
            text.contains("ask inquiry-status by the same orderNo before sending it again"),
            "{text}"
        );
    }
    // Answered: the gateway's refusal.
    let url = serve(Behaviour::Answer(
        400,
        r#"{"code":"4009001","message":"bad"}"#.into(),
    ))
    .await;
    let refused = client(&url, RetryPolicy::none())
        .send(&thb_pay_in())
        .await
        .expect_err("refused");
    assert_eq!(refused.sent(), Sent::Answered);
    assert_eq!(refused.gateway_code(), Some("4009001"));
    assert_eq!(refused.order_no(), Some("S20001HOSTILE01"));
    // An invalid request was never sent: no attempt, and the error still names it.
    let mut invalid = thb_pay_in();
    invalid.purpose = String::new();
    let error = client(&url, RetryPolicy::none())
        .send(&invalid)
        .await
        .expect_err("invalid");
    assert_eq!(error.sent(), Sent::No);
    assert_eq!(error.attempts(), 0);
    assert!(
        error.to_string().starts_with(
            "pay-in in THB, orderNo S20001HOSTILE01: the request was not sent: purpose"
        ),
        "{error}"
    );
    assert!(matches!(error.kind(), ErrorKind::Invalid(_)));
}

#[tokio::test]
async fn connection_errors_keep_their_source() {
    let error = client("http://127.0.0.1:9", RetryPolicy::none())
        .send(&thb_request())
        .await
        .expect_err("no server");
    let source = std::error::Error::source(&error).expect("a source");
    assert!(
        source.downcast_ref::<reqwest::Error>().is_some(),
        "{source:?}"
    );
    assert_eq!(error.endpoint(), Some("inquiry-balance"));
    assert_eq!(error.order_no(), None);
}

#[tokio::test]
async fn requests_name_the_sdk_in_their_user_agent() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let head = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 4096];
        while !buffer.windows(4).any(|w| w == b"\r\n\r\n") && buffer.len() < 1 << 16 {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        // Hang up: the client's error is not what this test is about.
        String::from_utf8_lossy(&buffer).to_lowercase()
    });
    let _ = client(&url, RetryPolicy::none()).send(&thb_request()).await;
    let head = head.await.expect("server");
    let agent = head
        .lines()
        .find_map(|l| l.strip_prefix("user-agent:"))
        .map(str::trim)
        .expect("a User-Agent header");
    assert_eq!(
        agent,
        format!("smilepayz-rust/{}", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let started = Instant::now();
    let error = outcome(Behaviour::Silent).await.expect_err("silent");
    assert!(
        matches!(error.kind(), ErrorKind::Timeout { .. }),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn nothing_listening_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    let error = client(&url, RetryPolicy::none())
        .send(&thb_request())
        .await
        .expect_err("refused");
    assert!(
        matches!(error.kind(), ErrorKind::Connect { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains(&url), "{error}");
}

#[tokio::test]
async fn retries_are_bounded_in_attempts_and_time() {
    let (url, count) = serve_counted(Behaviour::Answer(503, "busy".into())).await;
    let policy = RetryPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        total_budget: Duration::from_secs(5),
    };
    let started = Instant::now();
    let error = client(&url, policy)
        .send(&thb_request())
        .await
        .expect_err("still busy");
    assert!(
        matches!(error.kind(), ErrorKind::Http { status: 503, .. }),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        count.load(Ordering::SeqCst),
        4,
        "four attempts, then the last error"
    );

    // A refusal is not retried.
    let (url, count) = serve_counted(Behaviour::Answer(
        401,
        r#"{"code":"4011101","message":"no"}"#.into(),
    ))
    .await;
    client(&url, policy)
        .send(&thb_request())
        .await
        .expect_err("refused");
    assert_eq!(count.load(Ordering::SeqCst), 1);

    // A time budget smaller than the first backoff stops after one attempt.
    let (url, count) = serve_counted(Behaviour::Answer(503, "busy".into())).await;
    let tight = RetryPolicy {
        total_budget: Duration::ZERO,
        ..policy
    };
    client(&url, tight)
        .send(&thb_request())
        .await
        .expect_err("busy");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_region_decides_the_response_type() {
    let pen_body = THB_OK.replace("THB", "PEN").replace(
        r#""code":"00""#,
        r#""additionalInfo":{"k":"v"},"code":"00""#,
    );
    let url = serve(Behaviour::Answer(200, pen_body)).await;
    let request = pen::InquiryBalanceRequest::new("1", [BalanceType::Available]).expect("valid");
    let response = client(&url, RetryPolicy::none())
        .send(&request)
        .await
        .expect("reads PEN");
    assert!(response.extra.additional_info.is_some());
    // The same body is not a THB answer.
    let error = client(&url, RetryPolicy::none())
        .send(&thb_request())
        .await
        .expect_err("not THB");
    assert!(
        error
            .to_string()
            .contains("not the Thailand region's currency"),
        "{error}"
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    // A signed request must not be sent anywhere but the configured gateway.
    let (elsewhere, count) = serve_counted(Behaviour::Answer(200, THB_OK.into())).await;
    let url = serve(Behaviour::Redirect(format!(
        "{elsewhere}/v2.0/inquiry-balance"
    )))
    .await;
    let error = client(&url, RetryPolicy::none())
        .send(&thb_request())
        .await
        .expect_err("a redirect is an error");
    assert!(
        matches!(error.kind(), ErrorKind::Http { status: 307, .. }),
        "{error:?}"
    );
    assert_eq!(count.load(Ordering::SeqCst), 0, "the redirect was followed");
}

// ---------------------------------------------------------------------------------------------
// Hostile pay-in, pay-out and inquiry-status answers
// ---------------------------------------------------------------------------------------------

fn thb_pay_in() -> thb::PayInRequest {
    use smilepayz::definitions::{Merchant, Payer, PaymentMethod};
    thb::PayInRequest::builder()
        .order_no("S20001HOSTILE01")
        .purpose("hostile answers")
        .merchant(Merchant::new("sandbox-test"))
        .money(smilepayz::TransactionMoney::parse("100.50").expect("amount"))
        .payment_method(PaymentMethod::Qrpay)
        .payer(Payer {
            name: Some("Somchai".into()),
            account_no: Some("1234567890".into()),
            bank_name: Some("KBANK".into()),
            ..Payer::default()
        })
        .build()
        .expect("valid")
}

fn thb_pay_out() -> thb::PayOutRequest {
    use smilepayz::definitions::{Merchant, PaymentMethod};
    thb::PayOutRequest::builder()
        .order_no("S20001HOSTILE02")
        .purpose("hostile answers")
        .merchant(Merchant::new("sandbox-test"))
        .money(smilepayz::TransactionMoney::parse("10").expect("amount"))
        .payment_method(PaymentMethod::Kbank)
        .cash_account("17385238451")
        .build()
        .expect("valid")
}

fn thb_status() -> thb::InquiryStatusRequest {
    thb::InquiryStatusRequest::builder()
        .trade_type(smilepayz::definitions::TradeType::PayIn)
        .order_no("S20001HOSTILE01")
        .build()
        .expect("valid")
}

const SECRET_TEXT: &str = "0123456789abcdef";

/// No output of an outcome holds the merchant secret.
fn clean<T: std::fmt::Debug>(what: &str, outcome: &Result<T, Error>) {
    let shown = match outcome {
        Ok(value) => format!("{value:?}"),
        Err(error) => format!("{error} {error:?}"),
    };
    assert!(
        !shown.contains(SECRET_TEXT),
        "{what}: the secret leaked: {shown}"
    );
}

#[tokio::test]
async fn hostile_pay_in_answers_are_clear_errors_or_unknown_values() {
    let ok = r#"{"code":"00","message":"Successful","orderNo":"S20001HOSTILE01","tradeNo":"T1","money":{"currency":"THB","amount":100.50},"channel":{"paymentMethod":"QRPAY","qrString":"000201"},"status":"PROCESSING"}"#;
    let send = |body: String| async move {
        let url = serve(Behaviour::Answer(200, body)).await;
        client(&url, RetryPolicy::none()).send(&thb_pay_in()).await
    };
    // The documented shape, read exactly.
    let read = send(ok.into()).await;
    clean("ok", &read);
    let read = read.expect("reads");
    assert_eq!(read.money.expect("money").amount().to_string(), "100.50");

    // Missing channel and status: optional, so the answer still reads.
    let bare =
        send(r#"{"code":"00","message":"Successful","orderNo":"S20001HOSTILE01"}"#.into()).await;
    clean("bare", &bare);
    let bare = bare.expect("a bare answer reads");
    assert!(bare.channel.is_none() && bare.status.is_none());

    // A status the SDK does not know is kept, not an error.
    let unknown = send(ok.replace("PROCESSING", "ON_HOLD"))
        .await
        .expect("reads");
    assert_eq!(
        unknown.status.map(|s| s.as_str().to_owned()).as_deref(),
        Some("ON_HOLD")
    );

    // The amount as a string is a documented alternative; read exactly too.
    let text = send(ok.replace("100.50", "\"100.50\""))
        .await
        .expect("reads");
    assert_eq!(text.money.expect("money").amount().to_string(), "100.50");

    // Wrong currency, an amount that is not a number, a truncated body: decode errors that
    // keep the body, never a panic.
    for (what, body, needle) in [
        ("wrong currency", ok.replace("THB", "USD"), "USD"),
        (
            "amount is not a number",
            ok.replace("100.50", "true"),
            "amount",
        ),
        ("truncated", ok[..ok.len() / 2].to_owned(), "EOF"),
        (
            "channel is a list",
            ok.replace(r#"{"paymentMethod":"QRPAY","qrString":"000201"}"#, "[1]"),
            "channel",
        ),
    ] {
        let outcome = send(body).await;
        clean(what, &outcome);
        match outcome.map_err(Error::into_kind) {
            Err(ErrorKind::Decode { reason, body, .. }) => {
                assert!(
                    reason.contains(needle) || body.contains(needle),
                    "{what}: {reason}"
                );
            }
            other => panic!("{what}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn hostile_pay_out_and_status_answers_are_clear_errors_or_unknown_values() {
    let payout_ok = r#"{"code":"00","message":"successful","orderNo":"S20001HOSTILE02","tradeNo":"T2","status":"PROCESSING","disbursementTime":"2020-12-17T10:55:00+07:00","merchant":{"merchantId":"sandbox-test","accountNo":"2033924234782342"},"money":{"currency":"THB","amount":10},"channel":{"paymentMethod":"KBANK","cashAccount":"17385238451","accountName":"Betty"}}"#;
    let url = serve(Behaviour::Answer(200, payout_ok.into())).await;
    let read = client(&url, RetryPolicy::none()).send(&thb_pay_out()).await;
    clean("pay-out", &read);
    assert_eq!(read.expect("reads").trade_no.as_deref(), Some("T2"));
    let url = serve(Behaviour::Answer(200, payout_ok.replace("THB", "PEN"))).await;
    assert!(matches!(
        client(&url, RetryPolicy::none())
            .send(&thb_pay_out())
            .await
            .map_err(Error::into_kind),
        Err(ErrorKind::Decode { .. })
    ));
    // A refusal is the gateway's code and message, for the merchant to act on.
    let url = serve(Behaviour::Answer(
        400,
        r#"{"code":"4009107","message":"insufficient balance"}"#.into(),
    ))
    .await;
    match client(&url, RetryPolicy::none())
        .send(&thb_pay_out())
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::Gateway { code, message, .. }) => {
            assert_eq!(
                (code.as_str(), message.as_str()),
                ("4009107", "insufficient balance")
            );
        }
        other => panic!("expected the gateway's refusal, got {other:?}"),
    }

    let status_ok = r#"{"code":"00","message":"Successful","tradeNo":"T1","tradeType":1,"money":{"currency":"THB","amount":800.50},"status":"SETTLED_LATER","paymentMethod":"NEWPAY"}"#;
    let url = serve(Behaviour::Answer(200, status_ok.into())).await;
    let read = client(&url, RetryPolicy::none()).send(&thb_status()).await;
    clean("status", &read);
    let read = read.expect("unknown values decode");
    assert_eq!(
        read.status.map(|s| s.as_str().to_owned()).as_deref(),
        Some("SETTLED_LATER")
    );
    assert_eq!(
        read.payment_method
            .map(|m| m.as_str().to_owned())
            .as_deref(),
        Some("NEWPAY")
    );
    // A tradeType outside 1 and 2 is refused: it is a closed set.
    let url = serve(Behaviour::Answer(
        200,
        status_ok.replace("\"tradeType\":1", "\"tradeType\":3"),
    ))
    .await;
    assert!(matches!(
        client(&url, RetryPolicy::none())
            .send(&thb_status())
            .await
            .map_err(Error::into_kind),
        Err(ErrorKind::Decode { .. })
    ));
    // A truncated status answer, and one cut off mid-body.
    let url = serve(Behaviour::Answer(200, status_ok[..20].into())).await;
    assert!(matches!(
        client(&url, RetryPolicy::none())
            .send(&thb_status())
            .await
            .map_err(Error::into_kind),
        Err(ErrorKind::Decode { .. })
    ));
    let url = serve(Behaviour::CutShort {
        declared: status_ok.len(),
        body: status_ok[..30].into(),
    })
    .await;
    let cut = client(&url, RetryPolicy::none()).send(&thb_status()).await;
    clean("cut", &cut);
    assert!(cut.is_err());
}

#[tokio::test]
async fn pay_in_and_pay_out_are_never_retried_and_inquiry_status_is() {
    let policy = RetryPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        total_budget: Duration::from_secs(5),
    };
    for behaviour in [Behaviour::Answer(503, "busy".into()), Behaviour::Close] {
        let (url, count) = serve_counted(behaviour.clone()).await;
        let pay_in = client(&url, policy).send(&thb_pay_in()).await;
        assert!(pay_in.is_err());
        let (url2, count2) = serve_counted(behaviour.clone()).await;
        let pay_out = client(&url2, policy).send(&thb_pay_out()).await;
        assert!(pay_out.is_err());
        let (url3, count3) = serve_counted(behaviour).await;
        let status = client(&url3, policy).send(&thb_status()).await;
        assert_eq!(status.expect_err("failed").attempts(), 4);
        // Give the server a moment to count what it read.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(count.load(Ordering::SeqCst), 1, "pay-in was sent once");
        assert_eq!(count2.load(Ordering::SeqCst), 1, "pay-out was sent once");
        assert_eq!(
            count3.load(Ordering::SeqCst),
            4,
            "inquiry-status is read-only: retried"
        );
        assert_eq!(pay_in.expect_err("failed").attempts(), 1);
    }
}

fn retrying(base_url: &str, deadline: Duration) -> Client {
    let keys = MerchantKeyPair::generate().expect("key pair");
    Client::builder()
        .base_url(base_url)
        .partner_id("sandbox-test")
        .merchant_secret(MerchantSecret::new("0123456789abcdef".repeat(4)).expect("secret"))
        .private_key(keys.private)
        .retry(RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(40),
            total_budget: Duration::from_secs(20),
        })
        .deadline(deadline)
        .build()
        .expect("client")
}

#[tokio::test]
async fn one_deadline_bounds_the_whole_call() {
    // A gateway that never answers: the call ends at the deadline (plus a small margin), not
    // after per-attempt timeouts and retries added up.
    let (url, count) = serve_counted(Behaviour::Silent).await;
    let started = Instant::now();
    let error = retrying(&url, Duration::from_millis(800))
        .send(&thb_request())
        .await
        .expect_err("no answer");
    let took = started.elapsed();
    assert!(
        matches!(error.kind(), ErrorKind::Timeout { .. }),
        "{error:?}"
    );
    assert!(took >= Duration::from_millis(750), "{took:?}");
    assert!(
        took < Duration::from_millis(800 + 700),
        "past the deadline: {took:?}"
    );
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "no retry can finish in time"
    );
}

#[tokio::test]
async fn too_many_requests_is_retried_after_retry_after_and_then_succeeds() {
    let busy = r#"{"code":"4291100","message":"too many requests"}"#.to_owned();
    let (url, count) = serve_counted(Behaviour::Script(vec![
        (429, "retry-after: 1\r\n", busy),
        (200, "", THB_OK.to_owned()),
    ]))
    .await;
    let started = Instant::now();
    let response = retrying(&url, Duration::from_secs(10))
        .send(&thb_request())
        .await
        .expect("the second attempt succeeds");
    assert_eq!(response.code, "00");
    assert_eq!(count.load(Ordering::SeqCst), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After was honoured"
    );

    // A Retry-After beyond the deadline is not waited for: the 429 comes back at once.
    let (url, count) = serve_counted(Behaviour::Script(vec![(
        429,
        "retry-after: 60\r\n",
        r#"{"code":"4291100","message":"too many requests"}"#.to_owned(),
    )]))
    .await;
    let started = Instant::now();
    match retrying(&url, Duration::from_secs(5))
        .send(&thb_request())
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::Gateway { status: 429, .. }) => {}
        other => panic!("expected the 429, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_503_is_retried_and_a_501_is_not() {
    let (url, count) = serve_counted(Behaviour::Script(vec![
        (503, "", "busy".to_owned()),
        (200, "", THB_OK.to_owned()),
    ]))
    .await;
    let response = retrying(&url, Duration::from_secs(10))
        .send(&thb_request())
        .await
        .expect("the retry succeeds");
    assert_eq!(response.code, "00");
    assert_eq!(count.load(Ordering::SeqCst), 2);

    let (url, count) = serve_counted(Behaviour::Answer(501, "not implemented".into())).await;
    let error = retrying(&url, Duration::from_secs(10))
        .send(&thb_request())
        .await
        .expect_err("501");
    assert_eq!(error.status(), Some(501));
    assert!(!error.is_retryable());
    assert_eq!(count.load(Ordering::SeqCst), 1, "a 501 is sent once");
}
