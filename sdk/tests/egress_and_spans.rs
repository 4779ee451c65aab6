//! What a merchant's service needs around the client: a fixed egress proxy, its own
//! `reqwest::Client` (and the refusal of one that follows redirects), `Retry-After` given as an
//! HTTP date, and spans with the OpenTelemetry HTTP client fields. Everything runs over
//! loopback: the emulator, a forwarding proxy and a scripted gateway written here.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::read_http_message;
use smilepayz::endpoints::inquiry_balance::AnyInquiryBalanceRequest;
use smilepayz::{Client, ClientBuilder, ConfigError, ErrorKind, Region, RetryPolicy, Sent};
use smilepayz_emulator::{Emulator, RunningEmulator, TestMerchant};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

async fn emulator(region: Region) -> (RunningEmulator, TestMerchant) {
    let merchant = TestMerchant::generate(region).expect("a test merchant");
    let emulator = Emulator::builder()
        .merchant(merchant.merchant())
        .start()
        .await
        .expect("the emulator starts");
    (emulator, merchant)
}

fn builder(base_url: &str, merchant: &TestMerchant) -> ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .partner_id(&merchant.partner_id)
        .merchant_secret(merchant.secret.clone())
        .private_key(merchant.private_key.clone())
}

fn balance_request(region: Region) -> AnyInquiryBalanceRequest {
    let (account, types) =
        smilepayz_emulator::example_balance(region).expect("every region documents an account");
    AnyInquiryBalanceRequest::builder(region)
        .account_no(account)
        .balance_types(types)
        .build()
        .expect("a valid inquiry")
}

/// A forwarding HTTP proxy on loopback: each connection's requests go to the URL in their
/// request line (absolute form, as clients send them to a proxy), and each request line is
/// kept, so a test can tell the proxy was used.
async fn forwarding_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                while let Some((head, body)) = read_http_message(&mut client).await {
                    let line = head.lines().next().unwrap_or_default().to_owned();
                    log.lock().expect("log").push(line.clone());
                    // `POST http://127.0.0.1:PORT/path HTTP/1.1`: the target, and the request
                    // as the origin server takes it.
                    let mut parts = line.split(' ');
                    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                    let Some(rest) = target.strip_prefix("http://") else {
                        return;
                    };
                    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
                    let Ok(mut upstream) = TcpStream::connect(authority).await else {
                        return;
                    };
                    let headers = head.split_once("\r\n").map_or("", |(_, h)| h);
                    let forwarded = format!("{method} {path} HTTP/1.1\r\n{headers}");
                    let mut out = forwarded.into_bytes();
                    out.extend_from_slice(&body);
                    if upstream.write_all(&out).await.is_err() {
                        return;
                    }
                    let Some((answer_head, answer_body)) = read_http_message(&mut upstream).await
                    else {
                        return;
                    };
                    let mut answer = answer_head.into_bytes();
                    answer.extend_from_slice(&answer_body);
                    if client.write_all(&answer).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, seen)
}

/// A scripted gateway: the n-th request gets `answers[n]` (the last one once they run out),
/// written with `Content-Length`; every request's head is kept.
async fn scripted_gateway(answers: Vec<String>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let answers = Arc::new(answers);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (log, answers) = (log.clone(), answers.clone());
            tokio::spawn(async move {
                while let Some((head, _)) = read_http_message(&mut stream).await {
                    let n = {
                        let mut log = log.lock().expect("log");
                        log.push(head);
                        log.len() - 1
                    };
                    let answer = &answers[n.min(answers.len() - 1)];
                    if stream.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, seen)
}

fn answer(status: &str, headers: &[(&str, String)], body: &str) -> String {
    let mut text = format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    text
}

/// The region's documented balance answer, as the scripted gateway sends it.
fn balance_answer(region: Region) -> String {
    region
        .info()
        .endpoint("inquiry-balance")
        .expect("every region has it")
        .examples
        .iter()
        .find_map(|e| e.response.and_then(|m| m.body))
        .expect("an example answer")
        .to_owned()
}

/// A span's fields, by name, as text.
type SpanFields = BTreeMap<String, String>;

/// Every span's name and fields, in the order they closed.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<(String, SpanFields)>>>);

#[derive(Default)]
struct Fields(BTreeMap<String, String>);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S> tracing_subscriber::Layer<S> for Spans
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: Context<'_, S>,
    ) {
        if let Some(span) = ctx.span(id)
            && let Some(fields) = span.extensions_mut().get_mut::<Fields>()
        {
            values.record(fields);
        }
    }

    fn on_close(&self, id: tracing::span::Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id) {
            let fields = span
                .extensions_mut()
                .remove::<Fields>()
                .map(|f| f.0)
                .unwrap_or_default();
            self.0
                .lock()
                .expect("spans")
                .push((span.name().to_owned(), fields));
        }
    }
}

impl Spans {
    fn named(&self, name: &str) -> Vec<SpanFields> {
        self.0
            .lock()
            .expect("spans")
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, f)| f.clone())
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Egress
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn requests_go_through_the_configured_proxy() {
    let (emulator, merchant) = emulator(Region::Thb).await;
    let (proxy, seen) = forwarding_proxy().await;
    let client = builder(&emulator.base_url(), &merchant)
        .proxy(&proxy)
        .build()
        .expect("a client with a proxy");
    let response = client
        .send(&balance_request(Region::Thb))
        .await
        .expect("answered through the proxy");
    assert_eq!(response.code(), "00");
    let lines = seen.lock().expect("log").clone();
    assert_eq!(
        lines,
        [format!(
            "POST {}/v2.0/inquiry-balance HTTP/1.1",
            emulator.base_url()
        )],
        "the request went through the proxy, as a proxy request"
    );
    assert_eq!(emulator.requests_served(), 1);
}

#[test]
fn a_bad_proxy_is_refused_at_build_without_showing_its_password() {
    let merchant = TestMerchant::generate(Region::Thb).expect("a test merchant");
    for url in [
        "ftp://egress:s3cret-pass@proxy.example:21",
        "http://egress:s3cret-pass@",
        "not a url",
    ] {
        let error = builder("http://127.0.0.1:9", &merchant)
            .proxy(url)
            .build()
            .expect_err("refused");
        let text = error.to_string();
        assert!(matches!(error, ConfigError::Proxy { .. }), "{url}: {text}");
        assert!(
            !text.contains("s3cret-pass"),
            "{url}: the password shows: {text}"
        );
        assert!(text.contains("http://host:port"), "{url}: no fix in {text}");
    }
    let debug = format!(
        "{:?}",
        builder("http://127.0.0.1:9", &merchant)
            .proxy("http://egress:s3cret-pass@proxy.example:3128")
    );
    assert!(!debug.contains("s3cret-pass"), "{debug}");
    assert!(debug.contains("egress:***@proxy.example"), "{debug}");
    // A proxy and a client of one's own: the proxy belongs on that client.
    let error = builder("http://127.0.0.1:9", &merchant)
        .proxy("http://proxy.example:3128")
        .http_client(reqwest::Client::new())
        .build()
        .expect_err("refused");
    assert!(matches!(error, ConfigError::Conflict(_)), "{error}");
}

/// The merchant's own `reqwest::Client` sends the requests; one that follows a redirect has
/// its answer refused, as maybe sent, not read as the gateway's.
#[tokio::test]
async fn an_own_http_client_is_used_and_a_followed_redirect_is_refused() {
    let (emulator, merchant) = emulator(Region::Thb).await;
    // Straight to the emulator, with a client that does not follow redirects.
    let own = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a reqwest client");
    let client = builder(&emulator.base_url(), &merchant)
        .http_client(own)
        .build()
        .expect("a client");
    let response = client
        .send(&balance_request(Region::Thb))
        .await
        .expect("answered");
    assert_eq!(response.code(), "00");

    // Through a server that redirects (307 keeps the method and the body) to the emulator,
    // with reqwest's default client, which follows it.
    let location = format!("{}/v2.0/inquiry-balance", emulator.base_url());
    let (redirecting, seen) = scripted_gateway(vec![answer(
        "307 Temporary Redirect",
        &[("Location", location)],
        "",
    )])
    .await;
    let client = builder(&redirecting, &merchant)
        .http_client(reqwest::Client::new())
        .retry(RetryPolicy::none())
        .build()
        .expect("a client");
    let served = emulator.requests_served();
    let error = client
        .send(&balance_request(Region::Thb))
        .await
        .expect_err("a redirect is refused");
    assert!(
        matches!(error.kind(), ErrorKind::Redirected { status: 200, .. }),
        "{error}"
    );
    assert_eq!(error.sent(), Sent::Maybe);
    let text = error.to_string();
    assert!(text.contains("Policy::none()"), "{text}");
    // The given client did follow it: the redirecting server saw one request, the emulator one
    // more. (The SDK's own client never follows a redirect.)
    assert_eq!(seen.lock().expect("log").len(), 1);
    assert_eq!(emulator.requests_served(), served + 1);
}

// ---------------------------------------------------------------------------------------------
// Retry-After and spans
// ---------------------------------------------------------------------------------------------

/// A 503 whose `Retry-After` is an HTTP date: the retry waits until then (at least a second
/// here, where the client's own backoff is 10 ms), and the spans tell the story with the
/// OpenTelemetry fields: one call span, an attempt span per attempt.
#[tokio::test]
async fn a_retry_waits_for_an_http_date_and_each_attempt_is_a_span() {
    let spans = Spans::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(spans.clone()));
    let merchant = TestMerchant::generate(Region::Thb).expect("a test merchant");
    // Three seconds ahead, written in whole seconds: more than two seconds from when it is
    // read, so the wait is over a second however the clock's fraction falls.
    let at = std::time::SystemTime::now() + Duration::from_secs(3);
    let (gateway, seen) = scripted_gateway(vec![
        answer(
            "503 Service Unavailable",
            &[("Retry-After", httpdate::fmt_http_date(at))],
            "{}",
        ),
        answer("200 OK", &[], &balance_answer(Region::Thb)),
    ])
    .await;
    // A base URL with credentials is refused, so that no error or span can show them.
    let with_credentials = gateway.replace("http://", "http://user:hidden-pass@");
    let error = builder(&with_credentials, &merchant)
        .build()
        .expect_err("credentials in the base URL");
    assert!(
        matches!(error, ConfigError::BaseUrlCredentials(_)),
        "{error}"
    );
    assert!(!error.to_string().contains("hidden-pass"), "{error}");
    let client = builder(&gateway, &merchant)
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(20),
            total_budget: Duration::from_secs(10),
        })
        .build()
        .expect("a client");
    let started = Instant::now();
    let response = client
        .send(&balance_request(Region::Thb))
        .await
        .expect("the retry succeeds");
    assert_eq!(response.code(), "00");
    assert_eq!(seen.lock().expect("log").len(), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the retry waited for the date: {:?}",
        started.elapsed()
    );

    let calls = spans.named("smilepayz.call");
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = &calls[0];
    assert_eq!(call["smilepayz.endpoint"], "inquiry-balance");
    assert_eq!(call["smilepayz.region"], "THB");
    assert_eq!(call["http.request.resend_count"], "1");
    assert!(!call.contains_key("error.type"), "{call:?}");

    let attempts = spans.named("smilepayz.attempt");
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    let port = gateway.rsplit(':').next().expect("a port");
    for (i, attempt) in attempts.iter().enumerate() {
        assert_eq!(attempt["otel.kind"], "client");
        assert_eq!(attempt["http.request.method"], "POST");
        assert_eq!(attempt["server.address"], "127.0.0.1");
        assert_eq!(attempt["server.port"], port);
        assert_eq!(
            attempt["url.full"],
            format!("{gateway}/v2.0/inquiry-balance")
        );
        assert_eq!(attempt["smilepayz.endpoint"], "inquiry-balance");
        assert_eq!(attempt["attempt"], (i + 1).to_string());
    }
    assert_eq!(attempts[0]["http.response.status_code"], "503");
    assert_eq!(attempts[0]["error.type"], "503");
    assert_eq!(attempts[0]["otel.status_code"], "ERROR");
    assert!(
        !attempts[1].contains_key("otel.status_code"),
        "{:?}",
        attempts[1]
    );
    assert!(!attempts[0].contains_key("http.request.resend_count"));
    assert_eq!(attempts[1]["http.response.status_code"], "200");
    assert_eq!(attempts[1]["http.request.resend_count"], "1");
    assert!(!attempts[1].contains_key("error.type"), "{:?}", attempts[1]);
}

/// A pay-in's call span carries its `orderNo`; a failed call records the error's type.
#[tokio::test]
async fn a_call_span_names_the_order_and_the_error_type() {
    let spans = Spans::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(spans.clone()));
    let (emulator, merchant) = emulator(Region::Thb).await;
    let client = builder(&emulator.base_url(), &merchant)
        .build()
        .expect("a client");
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
    body["orderNo"] = smilepayz::OrderNo::generate(&merchant.partner_id)
        .expect("an order number")
        .to_string()
        .into();
    // The emulator calls only loopback callback URLs; this test needs none.
    body["callbackUrl"] = "https://shop.example.com/notify".into();
    let request: smilepayz::regions::thb::PayInRequest =
        serde_json::from_value(body).expect("a pay-in");
    client.send(&request).await.expect("created");
    // The same orderNo again: the gateway refuses a duplicate.
    let error = client.send(&request).await.expect_err("a duplicate");
    assert!(matches!(error.kind(), ErrorKind::Gateway { .. }), "{error}");

    let calls = spans.named("smilepayz.call");
    assert_eq!(calls.len(), 2, "{calls:?}");
    for call in &calls {
        assert_eq!(call["smilepayz.endpoint"], "pay-in");
        assert_eq!(call["smilepayz.order_no"], request.order_no);
    }
    assert!(!calls[0].contains_key("error.type"), "{:?}", calls[0]);
    assert_eq!(calls[1]["error.type"], "gateway_refused");
    assert_eq!(calls[1]["otel.status_code"], "ERROR");
    let attempts = spans.named("smilepayz.attempt");
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert_eq!(attempts[0]["http.response.status_code"], "200");
}
