//! The emulator against malformed HTTP, written byte for byte on raw TCP connections (no
//! HTTP client in between): missing, repeated and malformed headers, timestamps just outside
//! the window, bad signatures, a body signed in one key order and sent in another, oversized
//! bodies and header blocks, wrong methods and paths, non-UTF-8 bodies, garbage request lines
//! and connections closed mid-request.
//!
//! Each case is answered with its own code (`smilepayz_emulator::codes`), or, for bytes that
//! are not HTTP, the connection is closed (with at most a bare HTTP error status from the HTTP
//! layer); after every case a correctly signed request on a new connection still succeeds.
//! The cases here add to `tests/emulator.rs`, which covers the same checks through reqwest.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use smilepayz::endpoints::inquiry_balance::{AnyInquiryBalanceRequest, ENDPOINT};
use smilepayz::signing::Signer;
use smilepayz::timestamp::Timestamp;
use smilepayz::{Region, gateway};
use smilepayz_emulator::codes::{self, inquiry_balance as code};
use smilepayz_emulator::{Emulator, RunningEmulator, TestMerchant};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// How long any one exchange may take before the test fails: the emulator must answer or
/// close within it.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------
// Raw HTTP
// ---------------------------------------------------------------------------------------------

/// What came back on a connection, read until the emulator closed it.
#[derive(Debug)]
struct Raw {
    /// The status, when an HTTP answer came.
    status: Option<u16>,
    /// Header names in lower case, with their values.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn parse(bytes: &[u8]) -> Raw {
        let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
            return Raw {
                status: None,
                headers: Vec::new(),
                body: bytes.to_vec(),
            };
        };
        let head = String::from_utf8_lossy(&bytes[..end]);
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|s| s.parse().ok());
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Raw {
            status,
            headers,
            body: bytes[end + 4..].to_vec(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The emulator's result code, when the body is its JSON answer.
    fn code(&self) -> Option<String> {
        let json: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        json["code"].as_str().map(str::to_owned)
    }

    fn describe(&self) -> String {
        format!(
            "status {:?}, body {}",
            self.status,
            String::from_utf8_lossy(&self.body)
        )
    }
}

/// Writes `bytes` on a new connection and reads until the emulator closes it. Write errors
/// are ignored (the emulator may answer and close before reading everything); a reset after
/// the answer is read as the end.
async fn exchange(addr: SocketAddr, bytes: &[u8]) -> Raw {
    let attempt = async {
        let mut stream = TcpStream::connect(addr).await.expect("connect to loopback");
        let _ = stream.write_all(bytes).await;
        let mut answer = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) => break,
                Ok(n) => answer.extend_from_slice(&chunk[..n]),
                Err(_) => break,
            }
        }
        answer
    };
    let answer = tokio::time::timeout(EXCHANGE_TIMEOUT, attempt)
        .await
        .unwrap_or_else(|_| {
            panic!(
                "the emulator neither answered nor closed within {EXCHANGE_TIMEOUT:?} after {:?}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
            )
        });
    Raw::parse(&answer)
}

/// A header, its value as raw bytes (so that a value can be anything).
type Header = (String, Vec<u8>);

fn header(name: &str, value: impl AsRef<[u8]>) -> Header {
    (name.to_owned(), value.as_ref().to_vec())
}

/// A request, byte for byte: request line, headers as given, `Content-Length` (unless one is
/// given) and `Connection: close`, then the body.
fn request(method: &str, target: &str, headers: &[Header], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nHost: emulator\r\n").into_bytes();
    let mut has_length = false;
    for (name, value) in headers {
        has_length |= name.eq_ignore_ascii_case("content-length")
            || name.eq_ignore_ascii_case("transfer-encoding");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    if !has_length {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out.extend_from_slice(body);
    out
}

// ---------------------------------------------------------------------------------------------
// The merchant and its requests
// ---------------------------------------------------------------------------------------------

/// A region's example account and a request body for it, typed and serialized once.
fn example_body(region: Region) -> (String, Vec<u8>) {
    let (account, types) =
        smilepayz_emulator::example_balance(region).expect("every region documents a response");
    let request = AnyInquiryBalanceRequest::builder(region)
        .account_no(account.clone())
        .balance_types(types)
        .build()
        .expect("valid");
    (account, serde_json::to_vec(&request).expect("serialize"))
}

struct Harness {
    emulator: RunningEmulator,
    merchant: TestMerchant,
    signer: Signer,
    /// A second merchant's signer: well-formed signatures that do not match.
    stranger: Signer,
    region: Region,
    account: String,
    body: Vec<u8>,
    /// Cases run, by outcome, for the summary.
    cases: BTreeMap<&'static str, usize>,
    /// What the HTTP layer answered to what it could not read: a status, or "no answer".
    closed: BTreeMap<String, usize>,
}

impl Harness {
    async fn start() -> Harness {
        let region = Region::ALL[0];
        let merchant = TestMerchant::generate(region).expect("test merchant");
        let stranger = TestMerchant::generate(region)
            .expect("test merchant")
            .signer()
            .expect("signer");
        let emulator = Emulator::builder()
            .merchant(merchant.merchant())
            .start()
            .await
            .expect("the emulator starts");
        let signer = merchant.signer().expect("signer");
        let (account, body) = example_body(region);
        Harness {
            emulator,
            merchant,
            signer,
            stranger,
            region,
            account,
            body,
            cases: BTreeMap::new(),
            closed: BTreeMap::new(),
        }
    }

    fn addr(&self) -> SocketAddr {
        self.emulator.addr()
    }

    fn offset(&self) -> i32 {
        self.region.info().utc_offset_seconds
    }

    fn now(&self) -> String {
        Timestamp::now(self.offset()).to_string()
    }

    fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        self.signer.sign(timestamp, body).expect("sign")
    }

    /// The four headers, `body` signed at `timestamp`.
    fn headers_at(&self, timestamp: &str, signed: &[u8]) -> Vec<Header> {
        vec![
            header("Content-Type", "application/json"),
            header("X-TIMESTAMP", timestamp),
            header("X-SIGNATURE", self.sign(timestamp, signed)),
            header("X-PARTNER-ID", &self.merchant.partner_id),
        ]
    }

    /// The four headers, `signed` signed now.
    fn headers(&self, signed: &[u8]) -> Vec<Header> {
        self.headers_at(&self.now(), signed)
    }

    /// A correct request for the example account, signed now.
    fn good(&self) -> Vec<u8> {
        request("POST", ENDPOINT.path, &self.headers(&self.body), &self.body)
    }

    /// A correctly signed request on a new connection succeeds.
    async fn still_serving(&self, after: &str) {
        let raw = exchange(self.addr(), &self.good()).await;
        assert_eq!(
            (raw.status, raw.code().as_deref()),
            (Some(200), Some(gateway::SUCCESS_CODE)),
            "after {after}: a good request failed: {}",
            raw.describe()
        );
        let json: serde_json::Value = serde_json::from_slice(&raw.body).expect("JSON");
        assert_eq!(json["accountNo"], self.account.as_str(), "after {after}");
    }

    /// Sends `bytes` and checks the answer, then that the emulator still serves.
    async fn case(&mut self, what: &str, bytes: Vec<u8>, expect: Expect) {
        let raw = exchange(self.addr(), &bytes).await;
        expect.check(what, &raw);
        self.count(expect.kind());
        if let Expect::Closed = expect {
            let status = raw.status.map_or("no answer".to_owned(), |s| s.to_string());
            *self.closed.entry(status).or_default() += 1;
        }
        self.still_serving(what).await;
    }

    fn count(&mut self, kind: &'static str) {
        *self.cases.entry(kind).or_default() += 1;
    }

    /// Headers with `name` removed.
    fn without(&self, headers: &[Header], name: &str) -> Vec<Header> {
        headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case(name))
            .cloned()
            .collect()
    }

    /// Headers with `name`'s value replaced.
    fn with(&self, headers: &[Header], name: &str, value: impl AsRef<[u8]>) -> Vec<Header> {
        let mut out = self.without(headers, name);
        out.push(header(name, value));
        out
    }
}

/// What a case must get back.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// The emulator's JSON answer with this status and code.
    Code(u16, &'static str),
    /// Success: status 200, code `00`.
    Success,
    /// A 405 to a `HEAD`, which has no body: the status and `Allow: POST`.
    HeadNotAllowed,
    /// Not HTTP the emulator can read: the connection is closed, with no answer or a bare
    /// HTTP error status from the HTTP layer, never one of the emulator's codes.
    Closed,
}

impl Expect {
    fn kind(self) -> &'static str {
        match self {
            Expect::Code(..) | Expect::HeadNotAllowed => "refused with the emulator's own code",
            Expect::Success => "variants that must succeed",
            Expect::Closed => "closed by the HTTP layer",
        }
    }

    fn check(self, what: &str, raw: &Raw) {
        match self {
            Expect::Code(status, expected) => {
                assert_eq!(
                    (raw.status, raw.code().as_deref()),
                    (Some(status), Some(expected)),
                    "{what}: {}",
                    raw.describe()
                );
                assert_eq!(
                    raw.header("content-type"),
                    Some("application/json"),
                    "{what}"
                );
                let timestamp = raw.header("x-timestamp").expect("X-TIMESTAMP");
                Timestamp::parse(timestamp).expect("X-TIMESTAMP in the strict format");
                let json: serde_json::Value = serde_json::from_slice(&raw.body).expect("JSON");
                let message = json["message"].as_str().unwrap_or_default();
                assert!(message.len() > 20, "{what}: message too short: {message:?}");
                if status == 405 {
                    assert_eq!(raw.header("allow"), Some("POST"), "{what}");
                }
            }
            Expect::Success => assert_eq!(
                (raw.status, raw.code().as_deref()),
                (Some(200), Some(gateway::SUCCESS_CODE)),
                "{what}: {}",
                raw.describe()
            ),
            Expect::HeadNotAllowed => {
                assert_eq!(raw.status, Some(405), "{what}: {}", raw.describe());
                assert_eq!(raw.header("allow"), Some("POST"), "{what}");
                assert!(raw.body.is_empty(), "{what}: a HEAD answer has no body");
            }
            Expect::Closed => {
                assert!(
                    raw.status.is_none_or(|s| (400..600).contains(&s)),
                    "{what}: {}",
                    raw.describe()
                );
                assert_eq!(
                    raw.code(),
                    None,
                    "{what}: answered as a request: {}",
                    raw.describe()
                );
            }
        }
    }
}

/// Base64 of `n` bytes (not a signature of anything).
fn base64_of(n: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(vec![0x5a; n])
}

// ---------------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_http_is_refused_with_its_own_code_and_the_emulator_keeps_serving() {
    let mut h = Harness::start().await;
    // A connection that sends nothing stays open through every case: it must not block them.
    let idle = TcpStream::connect(h.addr()).await.expect("connect");
    h.still_serving("start").await;
    let path = ENDPOINT.path;
    let body = h.body.clone();
    let good = h.headers(&body);

    // --- Headers: missing, repeated, empty, not ASCII, malformed. ---
    for name in ["X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID"] {
        let headers = h.without(&good, name);
        let bytes = request("POST", path, &headers, &body);
        h.case(
            &format!("missing {name}"),
            bytes,
            Expect::Code(400, code::MISSING_HEADER),
        )
        .await;
    }
    let only_type = vec![header("Content-Type", "application/json")];
    h.case(
        "every signing header missing",
        request("POST", path, &only_type, &body),
        Expect::Code(400, code::MISSING_HEADER),
    )
    .await;
    h.case(
        "missing Content-Type",
        request("POST", path, &h.without(&good, "Content-Type"), &body),
        Expect::Code(415, code::CONTENT_TYPE_MISSING),
    )
    .await;
    for (what, value) in [
        ("text/json", "text/json"),
        (
            "a charset other than UTF-8",
            "application/json; charset=latin1",
        ),
        ("an empty Content-Type", ""),
        ("a Content-Type that is not ASCII", "application/json\u{e9}"),
    ] {
        h.case(
            &format!("Content-Type: {what}"),
            request("POST", path, &h.with(&good, "Content-Type", value), &body),
            Expect::Code(415, code::CONTENT_TYPE_NOT_JSON),
        )
        .await;
    }
    for name in ["X-TIMESTAMP", "X-SIGNATURE", "Content-Type"] {
        let mut headers = good.clone();
        let same = good
            .iter()
            .find(|(n, _)| n == name)
            .expect("header")
            .clone();
        headers.push(same);
        h.case(
            &format!("{name} twice with the same value"),
            request("POST", path, &headers, &body),
            Expect::Code(400, code::REPEATED_HEADER),
        )
        .await;
    }
    let mut cased = good.clone();
    cased.push(header("x-partner-id", &h.merchant.partner_id));
    h.case(
        "X-PARTNER-ID and x-partner-id",
        request("POST", path, &cased, &body),
        Expect::Code(400, code::REPEATED_HEADER),
    )
    .await;
    let mut two_signatures = good.clone();
    two_signatures.push(header("X-SIGNATURE", base64_of(256)));
    h.case(
        "two different X-SIGNATUREs",
        request("POST", path, &two_signatures, &body),
        Expect::Code(400, code::REPEATED_HEADER),
    )
    .await;
    h.case(
        "an empty X-TIMESTAMP",
        request("POST", path, &h.with(&good, "X-TIMESTAMP", ""), &body),
        Expect::Code(400, code::MALFORMED_TIMESTAMP),
    )
    .await;
    h.case(
        "an empty X-PARTNER-ID",
        request("POST", path, &h.with(&good, "X-PARTNER-ID", ""), &body),
        Expect::Code(401, code::UNKNOWN_PARTNER),
    )
    .await;
    h.case(
        "an empty X-SIGNATURE",
        request("POST", path, &h.with(&good, "X-SIGNATURE", ""), &body),
        Expect::Code(401, code::SIGNATURE_WRONG_LENGTH),
    )
    .await;
    h.case(
        "X-TIMESTAMP with a byte that is not ASCII",
        request(
            "POST",
            path,
            &h.with(&good, "X-TIMESTAMP", b"2020-12-18T15:06:00+07:0\xff"),
            &body,
        ),
        Expect::Code(400, code::MALFORMED_TIMESTAMP),
    )
    .await;
    let mut partner = h.merchant.partner_id.clone().into_bytes();
    partner.push(0xff);
    h.case(
        "X-PARTNER-ID with a byte that is not ASCII",
        request(
            "POST",
            path,
            &h.with(&good, "X-PARTNER-ID", &partner),
            &body,
        ),
        Expect::Code(401, code::UNKNOWN_PARTNER),
    )
    .await;
    let mut signature = h.sign(&h.now(), &body).into_bytes();
    signature[10] = 0xe9;
    h.case(
        "X-SIGNATURE with a byte that is not ASCII",
        request(
            "POST",
            path,
            &h.with(&good, "X-SIGNATURE", &signature),
            &body,
        ),
        Expect::Code(401, code::SIGNATURE_NOT_BASE64),
    )
    .await;
    let folded = format!(
        "POST {path} HTTP/1.1\r\nHost: e\r\nContent-Type: application/json\r\nX-PARTNER-ID: {}\r\n \
         folded\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}",
        h.merchant.partner_id
    );
    h.case(
        "an obsolete folded header line",
        folded.into_bytes(),
        Expect::Closed,
    )
    .await;
    let text = String::from_utf8(request("POST", path, &good, &body)).expect("ASCII");
    let spaced = text
        .replacen("X-PARTNER-ID:", "X-PARTNER-ID :", 1)
        .into_bytes();
    h.case("a space before a header's colon", spaced, Expect::Closed)
        .await;

    // --- Timestamps: malformed, and just outside the window both ways. ---
    for text in [
        "2020-12-18T15:06:00z",
        "2020-12-18T15:06:00.000Z",
        "2020-12-18T15:06:00.000+07:00",
        "2020-12-18T15:06:00+0700",
        "2020-12-18t15:06:00+07:00",
        "2021-02-29T00:00:00+07:00",
        "2020-12-18T24:00:00+07:00",
        "2020-12-18T23:59:60+07:00",
        "2020-12-18T15:06:00+15:00",
        "2020-12-18T15:06:00-00:00",
        "1608278760",
        "\u{ff12}020-12-18T15:06:00+07:00",
        "Fri, 18 Dec 2020 08:06:00 GMT",
    ] {
        // Signed with the malformed timestamp: the format is the only fault.
        let headers = h.headers_at(text, &body);
        h.case(
            &format!("X-TIMESTAMP {text:?}"),
            request("POST", path, &headers, &body),
            Expect::Code(400, code::MALFORMED_TIMESTAMP),
        )
        .await;
    }
    let skew = u64::from(gateway::CLOCK_SKEW_SECONDS);
    let past = Timestamp::at(
        SystemTime::now() - Duration::from_secs(skew + 1),
        h.offset(),
    );
    h.case(
        "X-TIMESTAMP 5 min 1 s in the past",
        request("POST", path, &h.headers_at(&past.to_string(), &body), &body),
        Expect::Code(401, code::TIMESTAMP_OUT_OF_WINDOW),
    )
    .await;
    future_timestamp_is_refused(&mut h, skew + 1).await;
    for (what, offset) in [
        ("+14:00", 14 * 3600),
        ("-12:00", -12 * 3600),
        ("+05:45", 20_700),
    ] {
        // Now, written in another offset: the same instant, so within the window.
        let now = Timestamp::now(offset).to_string();
        h.case(
            &format!("X-TIMESTAMP now in {what}"),
            request("POST", path, &h.headers_at(&now, &body), &body),
            Expect::Success,
        )
        .await;
    }
    // Now in UTC written with `Z`, as the official Java demo sends it in every region.
    let utc = format!("{}Z", &Timestamp::now(0).to_string()[..19]);
    h.case(
        "X-TIMESTAMP now in UTC with Z",
        request("POST", path, &h.headers_at(&utc, &body), &body),
        Expect::Success,
    )
    .await;
    for (what, delta) in [("4 min 50 s ago", -290i64), ("in 4 min 50 s", 290)] {
        let at = if delta < 0 {
            SystemTime::now() - Duration::from_secs(delta.unsigned_abs())
        } else {
            SystemTime::now() + Duration::from_secs(delta.unsigned_abs())
        };
        let timestamp = Timestamp::at(at, h.offset()).to_string();
        h.case(
            &format!("X-TIMESTAMP {what}"),
            request("POST", path, &h.headers_at(&timestamp, &body), &body),
            Expect::Success,
        )
        .await;
    }

    // --- Signatures: length, Base64, and bytes other than the ones signed. ---
    for (what, n) in [
        ("255 bytes", 255),
        ("257 bytes", 257),
        ("64 bytes (HMAC)", 64),
        ("1 byte", 1),
    ] {
        h.case(
            &format!("a signature of {what}"),
            request(
                "POST",
                path,
                &h.with(&good, "X-SIGNATURE", base64_of(n)),
                &body,
            ),
            Expect::Code(401, code::SIGNATURE_WRONG_LENGTH),
        )
        .await;
    }
    let hex = "ab".repeat(256);
    h.case(
        "a hex signature (valid Base64 letters, wrong length)",
        request("POST", path, &h.with(&good, "X-SIGNATURE", &hex), &body),
        Expect::Code(401, code::SIGNATURE_WRONG_LENGTH),
    )
    .await;
    let real = h.sign(&h.now(), &body);
    let url_safe = format!("-_{}", &real[2..]);
    let unpadded = real.trim_end_matches('=').to_owned();
    let spaced = format!("{} {}", &real[..100], &real[100..]);
    let overpadded = format!("{real}==");
    for (what, value) in [
        ("URL-safe Base64", url_safe),
        ("Base64 without padding", unpadded),
        ("Base64 with a space inside", spaced),
        ("Base64 with extra padding", overpadded),
        ("Base64 with a * in it", format!("*{}", &real[1..])),
    ] {
        h.case(
            &format!("a signature in {what}"),
            request("POST", path, &h.with(&good, "X-SIGNATURE", value), &body),
            Expect::Code(401, code::SIGNATURE_NOT_BASE64),
        )
        .await;
    }
    let reordered = reorder_keys(&body);
    assert_ne!(reordered, body);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&reordered).expect("JSON"),
        serde_json::from_slice::<serde_json::Value>(&body).expect("JSON"),
        "the same JSON value"
    );
    let pretty = serde_json::to_vec_pretty(
        &serde_json::from_slice::<serde_json::Value>(&body).expect("JSON"),
    )
    .expect("JSON");
    let mut trailing = body.clone();
    trailing.push(b'\n');
    for (what, sent) in [
        ("the same JSON with its keys in another order", &reordered),
        ("the same JSON pretty-printed", &pretty),
        ("the same JSON with a newline after it", &trailing),
    ] {
        // Signed over `body`, sent as `sent`.
        h.case(
            &format!("a body signed as sent differently: {what}"),
            request("POST", path, &h.headers(&body), sent),
            Expect::Code(401, code::SIGNATURE_MISMATCH),
        )
        .await;
        // Signed over what is sent: fine.
        h.case(
            &format!("{what}, signed as sent"),
            request("POST", path, &h.headers(sent), sent),
            Expect::Success,
        )
        .await;
    }
    let now = h.now();
    let stranger = h.stranger.sign(&now, &body).expect("sign");
    h.case(
        "a signature by another merchant's key",
        request(
            "POST",
            path,
            &h.with(&h.headers_at(&now, &body), "X-SIGNATURE", stranger),
            &body,
        ),
        Expect::Code(401, code::SIGNATURE_MISMATCH),
    )
    .await;
    let mut flipped = base64::engine::general_purpose::STANDARD
        .decode(h.sign(&now, &body))
        .expect("Base64");
    flipped[100] ^= 1;
    let flipped = base64::engine::general_purpose::STANDARD.encode(flipped);
    h.case(
        "a signature with one bit flipped",
        request(
            "POST",
            path,
            &h.with(&h.headers_at(&now, &body), "X-SIGNATURE", flipped),
            &body,
        ),
        Expect::Code(401, code::SIGNATURE_MISMATCH),
    )
    .await;
    let signed_at = Timestamp::at(SystemTime::now() - Duration::from_secs(1), h.offset());
    let sent_at = Timestamp::now(h.offset()).to_string();
    let signature = h.sign(&signed_at.to_string(), &body);
    let headers = h.with(&h.headers_at(&sent_at, &body), "X-SIGNATURE", signature);
    h.case(
        "a signature over another X-TIMESTAMP",
        request("POST", path, &headers, &body),
        Expect::Code(401, code::SIGNATURE_MISMATCH),
    )
    .await;

    // --- Bodies: size, encoding, JSON. ---
    let limit = 64 * 1024;
    let mut at_limit = body.clone();
    at_limit.resize(limit, b' ');
    h.case(
        "a body of exactly 64 KiB (JSON and spaces), signed",
        request("POST", path, &h.headers(&at_limit), &at_limit),
        Expect::Success,
    )
    .await;
    let mut over = at_limit.clone();
    over.push(b' ');
    h.case(
        "a body of 64 KiB + 1 byte, signed",
        request("POST", path, &h.headers(&over), &over),
        Expect::Code(413, code::BODY_TOO_LARGE),
    )
    .await;
    let mut huge = h.headers(&body);
    huge.push(header("Content-Length", "1000000000000"));
    h.case(
        "Content-Length: 10^12, no body sent",
        request("POST", path, &huge, &[]),
        Expect::Code(413, code::BODY_TOO_LARGE),
    )
    .await;
    for (what, bytes) in [
        ("a byte 0xff", b"{\"accountNo\":\"\xff\"}".to_vec()),
        (
            "an overlong encoding",
            b"{\"accountNo\":\"\xc0\xaf\"}".to_vec(),
        ),
        (
            "a UTF-16 surrogate",
            b"{\"accountNo\":\"\xed\xa0\x80\"}".to_vec(),
        ),
        (
            "a sequence cut short",
            b"{\"accountNo\":\"\xe2\x82\"}".to_vec(),
        ),
        (
            "UTF-16 with its byte-order mark",
            [0xff, 0xfe]
                .into_iter()
                .chain("{\"a\":1}".encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
        ),
    ] {
        h.case(
            &format!("a body with {what}, signed"),
            request("POST", path, &h.headers(&bytes), &bytes),
            Expect::Code(400, code::BODY_NOT_UTF8),
        )
        .await;
    }
    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend_from_slice(&body);
    let mut garbage_after = body.clone();
    garbage_after.extend_from_slice(b" x");
    for (what, bytes) in [
        ("an empty body", Vec::new()),
        ("a byte-order mark before the JSON", bom),
        ("text after the JSON", garbage_after),
        ("a JSON comment", b"{/* c */}".to_vec()),
    ] {
        h.case(
            &format!("{what}, signed"),
            request("POST", path, &h.headers(&bytes), &bytes),
            Expect::Code(400, code::BODY_NOT_JSON),
        )
        .await;
    }
    let account = h.account.clone();
    for (what, bytes) in [
        ("a JSON array", b"[]".to_vec()),
        ("a JSON string", b"\"x\"".to_vec()),
        ("JSON null", b"null".to_vec()),
        (
            "accountNo twice",
            format!(
                r#"{{"accountNo":"{account}","accountNo":"{account}","balanceTypes":["BALANCE"]}}"#
            )
            .into_bytes(),
        ),
        (
            "accountNo as a number",
            br#"{"accountNo":21220030202403071031,"balanceTypes":["BALANCE"]}"#.to_vec(),
        ),
        (
            "balanceTypes as a string",
            format!(r#"{{"accountNo":"{account}","balanceTypes":"BALANCE"}}"#).into_bytes(),
        ),
    ] {
        h.case(
            &format!("{what}, signed"),
            request("POST", path, &h.headers(&bytes), &bytes),
            Expect::Code(400, code::INVALID_BODY_FIELDS),
        )
        .await;
    }

    // --- Methods and paths. ---
    for method in [
        "GET", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FROB", "post",
    ] {
        h.case(
            &format!("method {method}"),
            request(method, path, &good, &body),
            Expect::Code(405, codes::METHOD_NOT_ALLOWED),
        )
        .await;
    }
    h.case(
        "method HEAD",
        request("HEAD", path, &good, &body),
        Expect::HeadNotAllowed,
    )
    .await;
    let long_path = format!("/{}", "a".repeat(8000));
    for target in [
        "/",
        "/v2.0/inquiry-balance/",
        "/V2.0/INQUIRY-BALANCE",
        "/v2.0//inquiry-balance",
        "/v2.0/x/../inquiry-balance",
        "/v2.0/inquiry%2Dbalance",
        "/v1.0/inquiry-balance",
        long_path.as_str(),
    ] {
        let shown = &target[..target.len().min(40)];
        h.case(
            &format!("path {shown}"),
            request("POST", target, &good, &body),
            Expect::Code(404, codes::UNKNOWN_PATH),
        )
        .await;
    }
    // A query string, and the absolute form, name the same path: answered.
    let query = format!("{path}?debug=1");
    let absolute = format!("http://{}{path}", h.addr());
    for (what, target) in [("a query string", query), ("the absolute form", absolute)] {
        h.case(
            &format!("the endpoint with {what}"),
            request("POST", &target, &h.headers(&body), &body),
            Expect::Success,
        )
        .await;
    }

    // --- Not HTTP, or HTTP the server cannot read: the connection is closed. ---
    let mut big_head = h.headers(&body);
    big_head.push(header("X-Padding", "a".repeat(70 * 1024)));
    let mut many_headers = h.headers(&body);
    for i in 0..200 {
        many_headers.push(header(&format!("X-Extra-{i}"), "1"));
    }
    let mut two_lengths = h.headers(&body);
    two_lengths.push(header("Content-Length", body.len().to_string()));
    two_lengths.push(header("Content-Length", (body.len() + 1).to_string()));
    let mut bad_length = h.headers(&body);
    bad_length.push(header("Content-Length", "12abc"));
    let mut bad_chunk = h.headers(&body);
    bad_chunk.push(header("Transfer-Encoding", "chunked"));
    let garbage: Vec<(&str, Vec<u8>)> = vec![
        ("a garbage request line", b"GARBAGE\r\n\r\n".to_vec()),
        ("control bytes", b"\x00\x01\x02\x03\r\n\r\n".to_vec()),
        ("a method alone", b"POST\r\n\r\n".to_vec()),
        ("HTTP/0.9", format!("POST {path}\r\n\r\n").into_bytes()),
        (
            "HTTP/9.9",
            format!("POST {path} HTTP/9.9\r\nHost: e\r\n\r\n").into_bytes(),
        ),
        (
            "the HTTP/2 preface",
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
        ),
        (
            "a TLS ClientHello",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03".repeat(8),
        ),
        (
            "a header block over 64 KiB",
            request("POST", path, &big_head, &body),
        ),
        ("200 headers", request("POST", path, &many_headers, &body)),
        (
            "two different Content-Lengths",
            request("POST", path, &two_lengths, &body),
        ),
        (
            "Content-Length: 12abc",
            request("POST", path, &bad_length, &body),
        ),
        (
            "a chunked body with a bad chunk size",
            request("POST", path, &bad_chunk, b"zz\r\nxx\r\n0\r\n\r\n"),
        ),
        (
            "a request line of 70 KiB",
            format!("POST /{} HTTP/1.1\r\n\r\n", "a".repeat(70 * 1024)).into_bytes(),
        ),
    ];
    for (what, bytes) in garbage {
        h.case(what, bytes, Expect::Closed).await;
    }

    // --- Connections closed mid-request. ---
    let full = h.good();
    let head_end = full
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("head")
        + 4;
    let cuts: Vec<(&str, Vec<u8>)> = vec![
        ("nothing sent", Vec::new()),
        ("half a request line", full[..10].to_vec()),
        ("half the headers", full[..head_end / 2].to_vec()),
        ("the headers without the body", full[..head_end].to_vec()),
        ("half the body", full[..head_end + body.len() / 2].to_vec()),
        ("half a chunk", {
            let mut chunked = h.headers(&body);
            chunked.push(header("Transfer-Encoding", "chunked"));
            let mut bytes = request("POST", path, &chunked, &[]);
            bytes.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
            bytes.extend_from_slice(&body[..body.len() / 2]);
            bytes
        }),
    ];
    for (what, bytes) in cuts {
        let mut stream = TcpStream::connect(h.addr()).await.expect("connect");
        stream.write_all(&bytes).await.expect("write");
        drop(stream);
        h.count("connections closed mid-request");
        h.still_serving(&format!("a connection closed after {what}"))
            .await;
    }
    // Closed by a reset (SO_LINGER 0) in the middle of the body.
    {
        let mut stream = TcpStream::connect(h.addr()).await.expect("connect");
        stream.set_zero_linger().expect("SO_LINGER 0");
        stream
            .write_all(&full[..head_end + body.len() / 2])
            .await
            .expect("write");
        drop(stream);
        h.count("connections closed mid-request");
        h.still_serving("a connection reset in the middle of the body")
            .await;
    }

    // The idle connection did not hold anything up; the emulator answered every request that
    // reached it and still serves.
    drop(idle);
    h.still_serving("the end").await;
    let total: usize = h.cases.values().sum();
    println!("raw HTTP: {total} cases, each as expected, and a good request succeeded after each:");
    for (kind, n) in &h.cases {
        println!("  {n:4} {kind}");
    }
    println!(
        "  HTTP-layer answers to what it could not read: {:?}",
        h.closed
    );
    println!(
        "  requests the emulator answered in all: {}",
        h.emulator.requests_served()
    );
    h.emulator.shutdown().await;
}

/// The same JSON object with its keys in reverse order.
fn reorder_keys(body: &[u8]) -> Vec<u8> {
    let value: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).expect("a JSON object");
    let mut out = b"{".to_vec();
    for (i, (key, value)) in value.iter().rev().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(serde_json::to_string(key).expect("key").as_bytes());
        out.push(b':');
        out.extend_from_slice(serde_json::to_string(value).expect("value").as_bytes());
    }
    out.push(b'}');
    out
}

/// A timestamp `seconds` ahead is refused. X-TIMESTAMP has whole seconds, so a request that
/// crosses a second boundary between signing and the emulator's check is really `seconds - 1`
/// ahead; only then is a success tolerated, and the case is tried again.
async fn future_timestamp_is_refused(h: &mut Harness, seconds: u64) {
    let body = h.body.clone();
    for _ in 0..10 {
        let before = SystemTime::now();
        let ahead = Timestamp::at(before + Duration::from_secs(seconds), h.offset()).to_string();
        let raw = exchange(
            h.addr(),
            &request("POST", ENDPOINT.path, &h.headers_at(&ahead, &body), &body),
        )
        .await;
        let after = SystemTime::now();
        let whole = |t: SystemTime| t.duration_since(UNIX_EPOCH).expect("after 1970").as_secs();
        if raw.status == Some(200) && whole(before) != whole(after) {
            continue; // Crossed a second: it was only `seconds - 1` ahead when checked.
        }
        let expect = Expect::Code(401, code::TIMESTAMP_OUT_OF_WINDOW);
        expect.check("X-TIMESTAMP 5 min 1 s in the future", &raw);
        h.count(expect.kind());
        h.still_serving("a timestamp in the future").await;
        return;
    }
    panic!("every try crossed a second boundary");
}

#[tokio::test]
async fn idle_and_half_sent_connections_are_closed_after_the_idle_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let merchant =
        smilepayz_emulator::TestMerchant::generate(smilepayz::Region::Thb).expect("merchant");
    let emulator = smilepayz_emulator::Emulator::builder()
        .merchant(merchant.merchant())
        .idle_timeout(std::time::Duration::from_millis(300))
        .start()
        .await
        .expect("starts");
    for sent in [
        &b""[..],
        &b"POST /v2.0/inquiry-balance HTTP/1.1\r\nHost: x\r\n"[..],
    ] {
        let mut stream = tokio::net::TcpStream::connect(emulator.addr())
            .await
            .expect("connects");
        stream.write_all(sent).await.expect("writes");
        let started = std::time::Instant::now();
        let mut buffer = [0u8; 512];
        // The emulator closes the connection (EOF, or a reset), within a bounded time.
        let closed = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            loop {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        })
        .await;
        assert!(closed.is_ok(), "still open after 10 s with {sent:?}");
        assert!(
            started.elapsed() >= std::time::Duration::from_millis(250),
            "closed too early: {:?}",
            started.elapsed()
        );
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_kept_alive_connection_stays_open_for_the_whole_idle_timeout() {
    // The default idle timeout is 30 s; hyper's head timeout also runs between requests, and
    // it used to be 10 s, so kept-alive connections closed after 10 s.
    let merchant =
        smilepayz_emulator::TestMerchant::generate(smilepayz::Region::Thb).expect("merchant");
    let emulator = smilepayz_emulator::Emulator::builder()
        .merchant(merchant.merchant())
        .start()
        .await
        .expect("starts");
    let mut stream = TcpStream::connect(emulator.addr()).await.expect("connects");
    // Unsigned: refused, but answered, and the connection is kept.
    let unsigned = b"POST /v2.0/inquiry-balance HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    for round in 0..2 {
        stream.write_all(unsigned).await.expect("writes");
        let (head, _) = common::read_http_message(&mut stream)
            .await
            .unwrap_or_else(|| panic!("no answer in round {round}: the connection was closed"));
        assert!(head.starts_with("HTTP/1.1 4"), "{head}");
        if round == 0 {
            tokio::time::sleep(Duration::from_secs(11)).await;
        }
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_body_that_trickles_in_is_cut_off_after_the_idle_timeout() {
    let merchant =
        smilepayz_emulator::TestMerchant::generate(smilepayz::Region::Thb).expect("merchant");
    let emulator = smilepayz_emulator::Emulator::builder()
        .merchant(merchant.merchant())
        .idle_timeout(Duration::from_millis(500))
        .start()
        .await
        .expect("starts");
    let stream = TcpStream::connect(emulator.addr()).await.expect("connects");
    let (mut reader, mut writer) = stream.into_split();
    writer
        .write_all(b"POST /v2.0/inquiry-balance HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
        .await
        .expect("writes");
    let started = std::time::Instant::now();
    // One byte every 100 ms: never idle for 500 ms, and never done.
    let trickle = tokio::spawn(async move {
        for _ in 0..200 {
            if writer.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let mut answer = Vec::new();
    let closed =
        tokio::time::timeout(Duration::from_secs(10), reader.read_to_end(&mut answer)).await;
    trickle.abort();
    assert!(
        closed.is_ok(),
        "a trickling body kept the connection open for 10 s"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "closed too early: {:?}",
        started.elapsed()
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(!answer.contains(" 200 "), "{answer}");
    emulator.shutdown().await;
}
