//! The gateway emulator, over real loopback HTTP with reqwest.

use std::collections::{BTreeSet, HashSet};
use std::time::{Duration, Instant, SystemTime};

use secrecy::ExposeSecret as _;
use serde_json::Value;
use smilepayz::definitions::BalanceType;
use smilepayz::endpoints::inquiry_balance::{
    AnyInquiryBalanceRequest, AnyInquiryBalanceResponse, ENDPOINT,
};
use smilepayz::signing::{MerchantSecret, SignatureScheme, Signer};
use smilepayz::timestamp::Timestamp;
use smilepayz::{Region, gateway};
use smilepayz_emulator::codes::{self, inquiry_balance as code};
use smilepayz_emulator::{
    Emulator, EmulatorError, Faults, Merchant, RunningEmulator, TestMerchant,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// An answer, read completely.
#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: Option<String>,
    timestamp: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "answer is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    fn code(&self) -> String {
        self.json()["code"]
            .as_str()
            .expect("answer has a string code")
            .to_owned()
    }

    /// Every answer has the documented headers.
    fn assert_headers(&self) {
        assert_eq!(self.content_type.as_deref(), Some("application/json"));
        let timestamp = self.timestamp.as_deref().expect("X-TIMESTAMP header");
        Timestamp::parse(timestamp).expect("X-TIMESTAMP in the strict format");
    }

    /// An error answer: status, code, a message, and the headers.
    fn assert_error(&self, status: u16, expected: &str, what: &str) {
        let json = self.json();
        assert_eq!(
            (self.status, json["code"].as_str()),
            (status, Some(expected)),
            "{what}: {json}"
        );
        let message = json["message"].as_str().expect("a message");
        assert!(message.len() > 20, "{what}: message too short: {message}");
        self.assert_headers();
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

fn endpoint_url(emulator: &RunningEmulator) -> String {
    format!("{}{}", emulator.base_url(), ENDPOINT.path)
}

async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> Result<Answer, reqwest::Error> {
    let mut request = client.request(method, url).body(body);
    for (name, value) in headers {
        request = request.header(*name, value.as_str());
    }
    let response = request.send().await?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (status, content_type, timestamp) = (
        response.status().as_u16(),
        header("content-type"),
        header("x-timestamp"),
    );
    let body = response.bytes().await?.to_vec();
    Ok(Answer {
        status,
        content_type,
        timestamp,
        body,
    })
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Answer {
    send(client, reqwest::Method::POST, url, headers, body.to_vec())
        .await
        .expect("the emulator answers")
}

/// The four headers of a request signed now in the region's offset.
fn signed(
    partner: &str,
    signer: &Signer,
    region: Region,
    body: &[u8],
) -> Vec<(&'static str, String)> {
    let timestamp = Timestamp::now(region.info().utc_offset_seconds).to_string();
    signed_at(partner, signer, &timestamp, body)
}

fn signed_at(
    partner: &str,
    signer: &Signer,
    timestamp: &str,
    body: &[u8],
) -> Vec<(&'static str, String)> {
    let signature = signer.sign(timestamp, body).expect("sign");
    vec![
        ("Content-Type", "application/json".to_owned()),
        ("X-TIMESTAMP", timestamp.to_owned()),
        ("X-SIGNATURE", signature),
        ("X-PARTNER-ID", partner.to_owned()),
    ]
}

/// The headers without `name`, or with its value replaced.
fn without(headers: &[(&'static str, String)], name: &str) -> Vec<(&'static str, String)> {
    headers
        .iter()
        .filter(|(n, _)| *n != name)
        .cloned()
        .collect()
}

fn replaced(
    headers: &[(&'static str, String)],
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    let mut headers = without(headers, name);
    headers.push((name, value.to_owned()));
    headers
}

/// (account number, request body, balance types held)
type Example = (String, Vec<u8>, Vec<String>);

/// A region's documented example account, as a typed request serialized once, plus the
/// balance types the ledger holds for it. Built from the region's examples, not by hand.
fn example(region: Region) -> Example {
    let (account, held) = smilepayz_emulator::example_balance(region)
        .expect("every region documents an example response");
    let held: Vec<String> = held.iter().map(|t| t.as_str().to_owned()).collect();
    let body = request_body(region, account.clone(), held.clone());
    (account, body, held)
}

/// A request body for the region (typed, validated), serialized once.
fn request_body(region: Region, account: String, types: Vec<String>) -> Vec<u8> {
    let request = AnyInquiryBalanceRequest::builder(region)
        .account_no(account)
        .balance_types(types.into_iter().map(|t| {
            t.parse::<BalanceType>()
                .expect("an open enum reads any value")
        }))
        .build()
        .expect("valid request");
    serde_json::to_vec(&request).expect("serialize")
}

/// Reads an answer as the region's typed response: (code, accountNo, balance types of the
/// entries).
fn typed_answer(
    region: Region,
    body: &[u8],
) -> Result<(String, Option<String>, Vec<String>), String> {
    let response =
        AnyInquiryBalanceResponse::from_slice(region, body).map_err(|e| e.to_string())?;
    let infos = response.account_infos();
    assert!(
        infos
            .iter()
            .all(|info| info.amount.currency() == region.currency())
    );
    Ok((
        response.code().to_owned(),
        response.account_no().map(str::to_owned),
        infos
            .iter()
            .map(|info| info.balance_type.as_str().to_owned())
            .collect(),
    ))
}

async fn start(merchants: &[Merchant], faults: Faults) -> RunningEmulator {
    let mut builder = Emulator::builder().faults(faults);
    for merchant in merchants {
        builder = builder.merchant(merchant.clone());
    }
    builder.start().await.expect("the emulator starts")
}

fn hmac_merchant(region: Region, partner_id: &str) -> (Merchant, Signer) {
    let secret = MerchantSecret::new(format!(
        "{:064x}",
        0x5eed_u128 * 31 + region.area_code() as u128
    ))
    .expect("secret");
    let merchant = Merchant {
        partner_id: partner_id.to_owned(),
        region,
        secret: secret.clone(),
        public_key: None,
        scheme: SignatureScheme::HmacSha512,
    };
    let signer = Signer::new(SignatureScheme::HmacSha512, secret, None).expect("signer");
    (merchant, signer)
}

// ---------------------------------------------------------------------------------------------
// Success in every region
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_region_answers_a_signed_request() {
    let merchants: Vec<TestMerchant> = Region::ALL
        .iter()
        .map(|region| TestMerchant::generate(*region).expect("test merchant"))
        .collect();
    let registered: Vec<Merchant> = merchants.iter().map(TestMerchant::merchant).collect();
    let emulator = start(&registered, Faults::default()).await;
    let client = client();
    let url = endpoint_url(&emulator);

    for merchant in &merchants {
        let region = merchant.region;
        let (account, body, held) = example(region);
        let signer = merchant.signer().expect("signer");
        let answer = post(
            &client,
            &url,
            &signed(&merchant.partner_id, &signer, region, &body),
            &body,
        )
        .await;
        assert_eq!(
            answer.status,
            200,
            "{region}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        answer.assert_headers();
        let timestamp = answer.timestamp.as_deref().expect("X-TIMESTAMP");
        assert!(
            timestamp.ends_with(region.utc_offset()),
            "{region}: X-TIMESTAMP {timestamp} is not in the region's offset"
        );
        let (code, account_no, types) = typed_answer(region, &answer.body)
            .unwrap_or_else(|e| panic!("{region}: not a {region} response: {e}"));
        assert_eq!(code, gateway::SUCCESS_CODE, "{region}");
        assert_eq!(account_no.as_deref(), Some(account.as_str()), "{region}");
        assert_eq!(types, held, "{region}");
        assert_eq!(answer.json()["message"], "Successful", "{region}");
    }
    assert_eq!(emulator.requests_served(), merchants.len() as u64);
    emulator.shutdown().await;
}

#[tokio::test]
async fn only_the_requested_balance_types_are_returned() {
    // For every region: asking for every type it offers returns one entry per type, from
    // the account's live balance (any account holds every type).
    let merchants: Vec<(Merchant, Signer)> = Region::ALL
        .iter()
        .map(|region| hmac_merchant(*region, &format!("sandbox-types-{}", region.code())))
        .collect();
    let registered: Vec<Merchant> = merchants.iter().map(|(m, _)| m.clone()).collect();
    let emulator = start(&registered, Faults::default()).await;
    let client = client();
    let url = endpoint_url(&emulator);

    for (merchant, signer) in &merchants {
        let region = merchant.region;
        let (account, _, held) = example(region);
        let offered: Vec<String> = balance_types(region)
            .iter()
            .map(|t| (*t).to_owned())
            .collect();
        let body = request_body(region, account.clone(), offered.clone());
        let answer = post(
            &client,
            &url,
            &signed(&merchant.partner_id, signer, region, &body),
            &body,
        )
        .await;
        assert_eq!(answer.status, 200, "{region}");
        let (_, _, types) = typed_answer(region, &answer.body).expect("typed");
        assert_eq!(types, offered, "{region}");
        assert!(offered.iter().any(|t| held.contains(t)), "{region}");
        assert_eq!(
            answer.json()["balanceTypes"],
            serde_json::json!(offered),
            "{region}"
        );
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn hmac_sha512_merchants_work() {
    let merchants: Vec<(Merchant, Signer)> = Region::ALL
        .iter()
        .map(|region| hmac_merchant(*region, &format!("sandbox-hmac-{}", region.code())))
        .collect();
    let registered: Vec<Merchant> = merchants.iter().map(|(m, _)| m.clone()).collect();
    let emulator = start(&registered, Faults::default()).await;
    let client = client();
    let url = endpoint_url(&emulator);

    for (merchant, signer) in &merchants {
        let region = merchant.region;
        let (_, body, _) = example(region);
        let headers = signed(&merchant.partner_id, signer, region, &body);
        let answer = post(&client, &url, &headers, &body).await;
        assert_eq!(answer.code(), gateway::SUCCESS_CODE, "{region}");
        typed_answer(region, &answer.body).expect("typed response");

        // Another secret: same length, no match.
        let (_, other) = hmac_merchant(
            Region::ALL
                [(Region::ALL.iter().position(|r| *r == region).unwrap() + 1) % Region::ALL.len()],
            "x",
        );
        let wrong = signed(&merchant.partner_id, &other, region, &body);
        post(&client, &url, &wrong, &body).await.assert_error(
            401,
            code::SIGNATURE_MISMATCH,
            "hmac, another secret",
        );
    }

    // An RSA signature sent for an HMAC merchant has the wrong length.
    let rsa = TestMerchant::generate(Region::ALL[0]).expect("test merchant");
    let (merchant, _) = &merchants[0];
    let (_, body, _) = example(merchant.region);
    let headers = signed(
        &merchant.partner_id,
        &rsa.signer().expect("signer"),
        merchant.region,
        &body,
    );
    let answer = post(&client, &url, &headers, &body).await;
    answer.assert_error(
        401,
        code::SIGNATURE_WRONG_LENGTH,
        "rsa signature for hmac merchant",
    );
    let message = answer.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("256") && message.contains("64"),
        "{message}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn concurrent_requests_on_many_connections() {
    let merchant = TestMerchant::generate(Region::ALL[0]).expect("test merchant");
    let emulator = start(&[merchant.merchant()], Faults::default()).await;
    let url = endpoint_url(&emulator);
    let (_, body, _) = example(merchant.region);
    let signer = merchant.signer().expect("signer");
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let headers = signed(&merchant.partner_id, &signer, merchant.region, &body);
        let (url, body) = (url.clone(), body.clone());
        tasks.spawn(async move {
            let client = client(); // a client each, so each has its own connection
            post(&client, &url, &headers, &body).await.code()
        });
    }
    while let Some(code) = tasks.join_next().await {
        assert_eq!(code.expect("task"), gateway::SUCCESS_CODE);
    }
    assert_eq!(emulator.requests_served(), 16);
    emulator.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Rejections
// ---------------------------------------------------------------------------------------------

/// The balance types `region` allows in a balance inquiry, read from its request rules.
fn balance_types(region: Region) -> Vec<&'static str> {
    use smilepayz::rules::Kind;
    let rules = region
        .info()
        .endpoint("inquiry-balance")
        .expect("inquiry-balance")
        .request_rules;
    let field = rules
        .fields
        .iter()
        .find(|f| f.name == "balanceTypes")
        .expect("balanceTypes");
    match field.kind {
        Kind::List {
            item: Kind::Enum { values, .. },
            ..
        } => values.to_vec(),
        other => panic!("balanceTypes is {other:?}"),
    }
}

/// A balance type some region offers and `region` does not, if the spec has one.
fn type_not_offered_by(region: Region) -> String {
    let own = balance_types(region);
    Region::ALL
        .iter()
        .flat_map(|r| balance_types(*r))
        .find(|t| !own.contains(t))
        .map_or_else(|| "NOT_A_BALANCE_TYPE".to_owned(), |t| t.to_owned())
}

#[tokio::test]
async fn each_rejection_has_its_own_code() {
    // The region with the fewest balance types, so that another region offers one it does
    // not (THB or USDT with the current spec).
    let region = *Region::ALL
        .iter()
        .min_by_key(|r| balance_types(**r).len())
        .expect("a region");
    let merchant = TestMerchant::generate(region).expect("test merchant");
    let emulator = start(&[merchant.merchant()], Faults::default()).await;
    let client = client();
    let url = endpoint_url(&emulator);
    let signer = merchant.signer().expect("signer");
    let partner = merchant.partner_id.as_str();
    let offset = region.info().utc_offset_seconds;
    let (account, good_body, _) = example(region);
    let good = || signed(partner, &signer, region, &good_body);
    let sign = |body: &[u8]| signed(partner, &signer, region, body);
    let body_with = |account: &str, types: &str| {
        format!(r#"{{"accountNo":"{account}","balanceTypes":{types}}}"#).into_bytes()
    };

    // (what, status, expected code, answer)
    let mut seen: Vec<(&str, u16, &str, Answer)> = Vec::new();
    let mut sent = 0u64;
    macro_rules! case {
        ($what:expr, $status:expr, $code:expr, $answer:expr) => {{
            let answer = $answer;
            sent += 1;
            seen.push(($what, $status, $code, answer));
        }};
    }

    // 1. Method and path.
    case!(
        "wrong method",
        405,
        codes::METHOD_NOT_ALLOWED,
        send(&client, reqwest::Method::GET, &url, &good(), Vec::new())
            .await
            .expect("answer")
    );
    case!(
        "unknown path",
        404,
        codes::UNKNOWN_PATH,
        post(
            &client,
            &format!("{}/v2.0/inquiry-everything", emulator.base_url()),
            &good(),
            &good_body
        )
        .await
    );
    // 2. Size.
    let oversized = vec![b' '; 64 * 1024 + 1];
    case!(
        "oversized body",
        413,
        code::BODY_TOO_LARGE,
        post(&client, &url, &sign(&oversized), &oversized).await
    );
    // 3. Content-Type.
    case!(
        "wrong content type",
        415,
        code::CONTENT_TYPE_NOT_JSON,
        post(
            &client,
            &url,
            &replaced(&good(), "Content-Type", "text/plain"),
            &good_body
        )
        .await
    );
    case!(
        "missing content type",
        415,
        code::CONTENT_TYPE_MISSING,
        post(&client, &url, &without(&good(), "Content-Type"), &good_body).await
    );
    // 4. Headers and timestamp.
    case!(
        "missing header",
        400,
        code::MISSING_HEADER,
        post(&client, &url, &without(&good(), "X-SIGNATURE"), &good_body).await
    );
    let mut twice = good();
    twice.push(("X-PARTNER-ID", partner.to_owned()));
    case!(
        "repeated header",
        400,
        code::REPEATED_HEADER,
        post(&client, &url, &twice, &good_body).await
    );
    case!(
        "malformed timestamp",
        400,
        code::MALFORMED_TIMESTAMP,
        post(
            &client,
            &url,
            &signed_at(partner, &signer, "2020-12-18 15:06:00+07:00", &good_body),
            &good_body
        )
        .await
    );
    let stale = Timestamp::at(SystemTime::now() - Duration::from_secs(301), offset).to_string();
    case!(
        "stale timestamp",
        401,
        code::TIMESTAMP_OUT_OF_WINDOW,
        post(
            &client,
            &url,
            &signed_at(partner, &signer, &stale, &good_body),
            &good_body
        )
        .await
    );
    // 5. Partner.
    case!(
        "unknown partner",
        401,
        code::UNKNOWN_PARTNER,
        post(
            &client,
            &url,
            &replaced(&good(), "X-PARTNER-ID", "sandbox-nobody"),
            &good_body
        )
        .await
    );
    // 6. Signature.
    let other_body = body_with(&account, r#"["BALANCE","BALANCE"]"#);
    case!(
        "wrong signature",
        401,
        code::SIGNATURE_MISMATCH,
        post(&client, &url, &sign(&other_body), &good_body).await
    );
    case!(
        "signature not base64",
        401,
        code::SIGNATURE_NOT_BASE64,
        post(
            &client,
            &url,
            &replaced(
                &good(),
                "X-SIGNATURE",
                "85be817c55b2c135157c7e89f52499bf0c25ad6eeebe04a986e8c862561b19a5!"
            ),
            &good_body
        )
        .await
    );
    case!(
        "signature wrong length",
        401,
        code::SIGNATURE_WRONG_LENGTH,
        post(
            &client,
            &url,
            &replaced(
                &good(),
                "X-SIGNATURE",
                "85be817c55b2c135157c7e89f52499bf0c25ad6eeebe04a986e8c862561b19a5"
            ),
            &good_body
        )
        .await
    );
    // 7. Body.
    let not_utf8 = b"{\"accountNo\":\"\xff\",\"balanceTypes\":[\"BALANCE\"]}".to_vec();
    case!(
        "non-UTF-8 body",
        400,
        code::BODY_NOT_UTF8,
        post(&client, &url, &sign(&not_utf8), &not_utf8).await
    );
    let not_json = br#"{"accountNo":"#.to_vec();
    case!(
        "not JSON",
        400,
        code::BODY_NOT_JSON,
        post(&client, &url, &sign(&not_json), &not_json).await
    );
    let no_account = br#"{"balanceTypes":["BALANCE"]}"#.to_vec();
    case!(
        "missing field",
        400,
        code::INVALID_BODY_FIELDS,
        post(&client, &url, &sign(&no_account), &no_account).await
    );
    let too_long = body_with(&"1".repeat(129), r#"["BALANCE"]"#);
    case!(
        "accountNo of 129 characters",
        400,
        code::INVALID_BODY_FIELDS,
        post(&client, &url, &sign(&too_long), &too_long).await
    );
    let empty = body_with(&account, "[]");
    case!(
        "no balance types",
        400,
        code::INVALID_BODY_FIELDS,
        post(&client, &url, &sign(&empty), &empty).await
    );
    let foreign = body_with(&account, &format!(r#"["{}"]"#, type_not_offered_by(region)));
    case!(
        "balance type not offered",
        400,
        code::INVALID_BODY_FIELDS,
        post(&client, &url, &sign(&foreign), &foreign).await
    );

    for (what, status, expected, answer) in &seen {
        answer.assert_error(*status, expected, what);
    }
    // Every check has its own code; the body's rules share one (its message names the field).
    let distinct: HashSet<&str> = seen.iter().map(|(_, _, code, _)| *code).collect();
    let body_rules = seen
        .iter()
        .filter(|(_, _, code, _)| *code == code::INVALID_BODY_FIELDS)
        .count();
    assert!(body_rules >= 4, "the body-rule cases ran");
    assert_eq!(
        distinct.len(),
        seen.len() - body_rules + 1,
        "every rejection has its own code"
    );

    // Messages say what is wrong.
    let message = |what: &str| {
        let (_, _, _, answer) = seen.iter().find(|(w, ..)| *w == what).expect("case");
        answer.json()["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        message("missing field").contains("accountNo"),
        "{}",
        message("missing field")
    );
    assert!(message("missing header").contains("X-SIGNATURE"));
    assert!(message("repeated header").contains("X-PARTNER-ID"));
    assert!(
        message("stale timestamp").contains("301 s"),
        "{}",
        message("stale timestamp")
    );
    assert!(message("accountNo of 129 characters").contains("128"));

    // A timestamp 5 min 1 s in the future is refused too; 4 min 59 s is fine.
    let future = Timestamp::at(SystemTime::now() + Duration::from_secs(301), offset).to_string();
    post(
        &client,
        &url,
        &signed_at(partner, &signer, &future, &good_body),
        &good_body,
    )
    .await
    .assert_error(401, code::TIMESTAMP_OUT_OF_WINDOW, "future timestamp");
    let recent = Timestamp::at(SystemTime::now() - Duration::from_secs(299), offset).to_string();
    let answer = post(
        &client,
        &url,
        &signed_at(partner, &signer, &recent, &good_body),
        &good_body,
    )
    .await;
    assert_eq!(answer.code(), gateway::SUCCESS_CODE);
    sent += 2;

    // Still serving, and a charset parameter is fine.
    let answer = post(
        &client,
        &url,
        &replaced(&good(), "Content-Type", "application/json; charset=UTF-8"),
        &good_body,
    )
    .await;
    assert_eq!(
        (answer.status, answer.code()),
        (200, gateway::SUCCESS_CODE.to_owned())
    );
    sent += 1;
    assert_eq!(emulator.requests_served(), sent);
    emulator.shutdown().await;
}

#[tokio::test]
async fn an_oversized_chunked_body_is_refused_while_reading() {
    // No Content-Length: the limit must hold while the chunks arrive.
    let emulator = Emulator::builder()
        .max_body_bytes(1024)
        .start()
        .await
        .expect("starts");
    let mut stream = tokio::net::TcpStream::connect(emulator.addr())
        .await
        .expect("connect");
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        ENDPOINT.path
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let chunk = format!("400\r\n{}\r\n", "x".repeat(0x400));
    for _ in 0..4 {
        stream.write_all(chunk.as_bytes()).await.expect("write");
    }
    stream.write_all(b"0\r\n\r\n").await.expect("write");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("answered in time")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(code::BODY_TOO_LARGE), "{answer}");
    assert!(answer.contains("1024 bytes"), "{answer}");
    emulator.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

/// An emulator with these faults, one merchant, and a good request for it.
async fn faulty(faults: Faults) -> (RunningEmulator, TestMerchant, Vec<u8>) {
    let merchant = TestMerchant::generate(Region::ALL[0]).expect("test merchant");
    let emulator = start(&[merchant.merchant()], faults).await;
    let (_, body, _) = example(merchant.region);
    (emulator, merchant, body)
}

async fn good_request(
    client: &reqwest::Client,
    emulator: &RunningEmulator,
    merchant: &TestMerchant,
    body: &[u8],
) -> Result<Answer, reqwest::Error> {
    let headers = signed(
        &merchant.partner_id,
        &merchant.signer().expect("signer"),
        merchant.region,
        body,
    );
    send(
        client,
        reqwest::Method::POST,
        &endpoint_url(emulator),
        &headers,
        body.to_vec(),
    )
    .await
}

#[tokio::test]
async fn dropped_connections_reach_the_client_as_errors() {
    let (emulator, merchant, body) = faulty(Faults {
        drop_connection_rate: 1.0,
        ..Faults::default()
    })
    .await;
    let client = client();
    let error = good_request(&client, &emulator, &merchant, &body)
        .await
        .expect_err("the connection is dropped");
    assert!(!error.is_status() && !error.is_timeout(), "{error:?}");
    // Requests that are not routed to an endpoint are answered as usual.
    let answer = send(
        &client,
        reqwest::Method::GET,
        &endpoint_url(&emulator),
        &[],
        Vec::new(),
    )
    .await
    .expect("a 405 is not faulted");
    answer.assert_error(405, codes::METHOD_NOT_ALLOWED, "GET under faults");
    assert_eq!(
        emulator.requests_served(),
        1,
        "dropped requests are not counted"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn server_errors_are_503_with_a_code() {
    let (emulator, merchant, body) = faulty(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    })
    .await;
    let answer = good_request(&client(), &emulator, &merchant, &body)
        .await
        .expect("answer");
    answer.assert_error(503, code::INJECTED_SERVER_ERROR, "injected 503");
    emulator.shutdown().await;
}

#[tokio::test]
async fn malformed_bodies_are_not_json() {
    let (emulator, merchant, body) = faulty(Faults {
        malformed_body_rate: 1.0,
        ..Faults::default()
    })
    .await;
    let answer = good_request(&client(), &emulator, &merchant, &body)
        .await
        .expect("answer");
    assert_eq!(answer.status, 200);
    answer.assert_headers();
    assert!(!answer.body.is_empty());
    assert!(
        serde_json::from_slice::<Value>(&answer.body).is_err(),
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let latency = Duration::from_millis(300);
    let (emulator, merchant, body) = faulty(Faults {
        latency: Some(latency),
        ..Faults::default()
    })
    .await;
    let started = Instant::now();
    let answer = good_request(&client(), &emulator, &merchant, &body)
        .await
        .expect("answer");
    assert!(started.elapsed() >= latency, "{:?}", started.elapsed());
    assert_eq!(answer.code(), gateway::SUCCESS_CODE);
    emulator.shutdown().await;
}

#[tokio::test]
async fn equal_seeds_give_equal_fault_sequences() {
    let faults = Faults {
        server_error_rate: 0.5,
        seed: 42,
        ..Faults::default()
    };
    let mut runs = Vec::new();
    for _ in 0..2 {
        let (emulator, merchant, body) = faulty(faults).await;
        let client = client();
        let mut statuses = Vec::new();
        for _ in 0..16 {
            statuses.push(
                good_request(&client, &emulator, &merchant, &body)
                    .await
                    .expect("answer")
                    .status,
            );
        }
        emulator.shutdown().await;
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
    let kinds: BTreeSet<u16> = runs[0].iter().copied().collect();
    assert_eq!(kinds, BTreeSet::from([200, 503]), "{:?}", runs[0]);
}

// ---------------------------------------------------------------------------------------------
// Configuration, lifecycle and redaction
// ---------------------------------------------------------------------------------------------

#[test]
fn debug_never_shows_secrets_or_keys() {
    let merchant = TestMerchant::generate(Region::ALL[0]).expect("test merchant");
    let secret = merchant.secret_text.expose_secret().to_owned();
    let private = merchant.private_key_base64.expose_secret().to_owned();
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(
        merchant.partner_id.starts_with("sandbox-200"),
        "{}",
        merchant.partner_id
    );
    let builder = Emulator::builder().merchant(merchant.merchant());
    for debug in [
        format!("{merchant:?}"),
        format!("{merchant:#?}"),
        format!("{:?}", merchant.merchant()),
        format!("{builder:?}"),
    ] {
        assert!(!debug.contains(&secret), "{debug}");
        for window in private.as_bytes().windows(16) {
            let chunk = std::str::from_utf8(window).expect("Base64 is ASCII");
            assert!(!debug.contains(chunk), "{debug} contains key material");
        }
        assert!(debug.contains(&merchant.partner_id), "{debug}");
    }
}

#[tokio::test]
async fn bad_configurations_are_refused() {
    let merchant = TestMerchant::generate(Region::ALL[0]).expect("test merchant");
    let secret = merchant.secret_text.expose_secret().to_owned();
    let check = |result: Result<RunningEmulator, EmulatorError>| -> EmulatorError {
        let error = result.expect_err("refused");
        let message = error.to_string();
        assert!(!message.contains(&secret), "{message}");
        error
    };

    let error = check(
        Emulator::builder()
            .merchant(merchant.merchant())
            .merchant(merchant.merchant())
            .start()
            .await,
    );
    assert!(
        matches!(error, EmulatorError::DuplicatePartner { .. }),
        "{error}"
    );

    let mut no_key = merchant.merchant();
    no_key.public_key = None;
    let error = check(Emulator::builder().merchant(no_key).start().await);
    assert!(
        matches!(error, EmulatorError::InvalidMerchant { .. }),
        "{error}"
    );

    let mut nameless = merchant.merchant();
    nameless.partner_id = String::new();
    let error = check(Emulator::builder().merchant(nameless).start().await);
    assert!(
        matches!(error, EmulatorError::InvalidPartnerId { .. }),
        "{error}"
    );

    for rate in [1.5, -0.1, f64::NAN] {
        let faults = Faults {
            malformed_body_rate: rate,
            ..Faults::default()
        };
        let error = check(Emulator::builder().faults(faults).start().await);
        assert!(
            matches!(error, EmulatorError::InvalidFaultRate { .. }),
            "{error}"
        );
    }

    let first = Emulator::builder().start().await.expect("starts");
    let error = check(Emulator::builder().bind(first.addr()).start().await);
    assert!(matches!(error, EmulatorError::Bind { .. }), "{error}");
    first.shutdown().await;
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let merchant = TestMerchant::generate(Region::ALL[0]).expect("test merchant");
    let emulator = start(&[merchant.merchant()], Faults::default()).await;
    assert!(emulator.addr().ip().is_loopback());
    assert_eq!(emulator.base_url(), format!("http://{}", emulator.addr()));
    let (_, body, _) = example(merchant.region);
    let client = client();
    let answer = good_request(&client, &emulator, &merchant, &body)
        .await
        .expect("answer");
    assert_eq!(answer.code(), gateway::SUCCESS_CODE);
    let addr = emulator.addr();
    let url = endpoint_url(&emulator);
    tokio::time::timeout(Duration::from_secs(10), emulator.shutdown())
        .await
        .expect("shutdown returns");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "still listening"
    );
    let headers = signed(
        &merchant.partner_id,
        &merchant.signer().expect("signer"),
        merchant.region,
        &body,
    );
    assert!(
        send(&client, reqwest::Method::POST, &url, &headers, body)
            .await
            .is_err()
    );
}
