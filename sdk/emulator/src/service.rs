//! Answering one request: routing, the checks in the documented order, and the faults.

use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{ALLOW, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;

use super::codes::{self, Check};
use super::handler::{Call, Handler};
use super::rejection::Rejection;
use super::state::{Partner, State};
use super::{inquiry_balance, orders};
use smilepayz::RegionEndpoint;
use smilepayz::signing::VerifyError;
use smilepayz::timestamp::Timestamp;
use smilepayz::{EndpointInfo, gateway};

/// The endpoints with behaviour of their own, by id. Every other endpoint of the spec is
/// answered from its region's documented example response (see the module documentation).
const HANDLERS: &[Handler] = &[
    inquiry_balance::HANDLER,
    orders::PAY_IN,
    orders::PAY_OUT,
    orders::INQUIRY_STATUS,
];

/// `X-TIMESTAMP`, in requests and answers.
const X_TIMESTAMP: HeaderName = HeaderName::from_static("x-timestamp");
/// `X-SIGNATURE`.
const X_SIGNATURE: HeaderName = HeaderName::from_static("x-signature");
/// `X-PARTNER-ID`.
const X_PARTNER_ID: HeaderName = HeaderName::from_static("x-partner-id");

/// What an oversized body may still be read (and thrown away) so that the client, which is
/// usually still sending it, can read the 413 instead of a reset connection.
const DRAIN_BYTES: usize = 256 * 1024;
/// How long the emulator waits for the rest of an oversized body.
const DRAIN_TIME: Duration = Duration::from_secs(1);

/// An endpoint the emulator serves, as the spec describes it.
type Route = EndpointInfo;

/// Why the emulator closed a connection without answering. Returned to hyper, which then
/// closes the connection.
#[derive(Debug, thiserror::Error)]
pub(super) enum Dropped {
    /// `Faults::drop_connection_rate` fired.
    #[error("the emulator dropped the connection (fault injection)")]
    Injected,
    /// The client went away while sending the body.
    #[error("reading the request body failed: {0}")]
    Read(#[source] hyper::Error),
    /// The body did not arrive whole within the idle timeout.
    #[error("the request body did not arrive whole within the idle timeout")]
    SlowBody,
}

/// An answer on its way out.
struct Reply {
    status: StatusCode,
    body: Vec<u8>,
    /// The result code, for the log.
    code: String,
    /// What the answer is (the code's constant name, or `SUCCESS`), for the log.
    label: &'static str,
    /// The offset of the answer's X-TIMESTAMP, in seconds east of UTC.
    offset_seconds: i32,
    /// Extra headers (`Allow`, `Connection`).
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    fn error(
        status: u16,
        code: String,
        label: &'static str,
        message: &str,
        offset_seconds: i32,
    ) -> Self {
        #[derive(serde::Serialize)]
        struct ErrorBody<'a> {
            code: &'a str,
            message: &'a str,
        }
        let body = serde_json::to_vec(&ErrorBody {
            code: &code,
            message,
        })
        .unwrap_or_else(|_| br#"{"code":"5000001","message":"serialization failed"}"#.to_vec());
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body,
            code,
            label,
            offset_seconds,
            headers: Vec::new(),
        }
    }

    fn rejected(route: &Route, rejection: &Rejection, offset_seconds: i32) -> Self {
        Self::error(
            rejection.check.status(),
            rejection.check.code(route.service_code),
            rejection.check.name(),
            &rejection.message,
            offset_seconds,
        )
    }

    fn into_response(self) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(Bytes::from(self.body)));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Ok(now) = HeaderValue::try_from(Timestamp::now(self.offset_seconds).to_string()) {
            headers.insert(X_TIMESTAMP, now);
        }
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

/// What a request has revealed so far, for the answer and the log.
struct Context {
    /// The offset of the answer's X-TIMESTAMP: UTC, then the request's, then the region's.
    offset_seconds: i32,
    /// The partner id as sent, once the checks have reached it.
    partner: Option<String>,
    /// Whether the connection must close after the answer (an unread body).
    close: bool,
    /// The body's `orderNo`, read only when someone listens to events.
    order_no: Option<String>,
}

/// The body, read up to the limit.
enum Body {
    Complete(Vec<u8>),
    TooLarge { drained: bool },
}

impl State {
    /// Answers one request. An `Err` makes hyper close the connection without an answer.
    pub(super) async fn serve(
        &self,
        request: Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, Dropped> {
        // The control API and the dashboard: not gateway requests, so not counted as served.
        if self.control && super::control::is_control_path(request.uri().path()) {
            return Ok(super::control::answer(self, request).await);
        }
        let started = std::time::Instant::now();
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let mut context = Context {
            offset_seconds: 0,
            partner: None,
            close: false,
            order_no: None,
        };
        let mut endpoint = None;
        let reply = match self.route(&method, &path) {
            Err(mut reply) => {
                if method != Method::POST {
                    reply
                        .headers
                        .push((ALLOW, HeaderValue::from_static("POST")));
                }
                reply
            }
            Ok(route) => {
                endpoint = Some(route.id);
                let outcome = self.process(route, request, &mut context).await;
                let reply = match outcome {
                    Ok(body) => Reply {
                        status: StatusCode::OK,
                        body,
                        code: gateway::SUCCESS_CODE.to_owned(),
                        label: "SUCCESS",
                        offset_seconds: context.offset_seconds,
                        headers: Vec::new(),
                    },
                    Err(Failure::Rejected(rejection)) => {
                        Reply::rejected(route, &rejection, context.offset_seconds)
                    }
                    Err(Failure::Dropped(dropped)) => {
                        tracing::debug!(%method, %path, error = %dropped, "emulator dropped a request");
                        return Err(dropped);
                    }
                };
                let mut reply = match self.inject_faults(route, reply).await {
                    Ok(reply) => reply,
                    Err(dropped) => {
                        tracing::debug!(%method, %path, "emulator dropped the connection (fault injection)");
                        return Err(dropped);
                    }
                };
                if context.close {
                    reply
                        .headers
                        .push((CONNECTION, HeaderValue::from_static("close")));
                }
                reply
            }
        };
        self.served.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(
            %method,
            path = %truncated(&path),
            partner_id = context.partner.as_deref().unwrap_or("-"),
            code = %reply.code,
            check = reply.label,
            status = reply.status.as_u16(),
            "emulator answered"
        );
        if self.events.on() {
            let region = context
                .partner
                .as_deref()
                .and_then(|p| self.partners.get(p))
                .map(|p| p.region);
            self.events.emit(&super::events::EmulatorEvent::Answered(
                super::events::Answered {
                    at: std::time::SystemTime::now(),
                    method: method.to_string(),
                    path: truncated(&path),
                    partner_id: context.partner.clone(),
                    region,
                    endpoint,
                    order_no: context.order_no.take(),
                    http_status: reply.status.as_u16(),
                    code: reply.code.clone(),
                    elapsed: started.elapsed(),
                },
            ));
        }
        Ok(reply.into_response())
    }

    /// Check 1: the method and the path.
    fn route(&self, method: &Method, path: &str) -> Result<&'static Route, Reply> {
        if method != Method::POST {
            return Err(Reply::error(
                405,
                codes::METHOD_NOT_ALLOWED.to_owned(),
                "METHOD_NOT_ALLOWED",
                &format!(
                    "method {method} is not allowed; every gateway endpoint is POST with a \
                     JSON body"
                ),
                0,
            ));
        }
        gateway::ENDPOINTS
            .iter()
            .find(|route| route.path == path)
            .ok_or_else(|| {
                let known: Vec<&str> = gateway::ENDPOINTS.iter().map(|route| route.path).collect();
                Reply::error(
                    404,
                    codes::UNKNOWN_PATH.to_owned(),
                    "UNKNOWN_PATH",
                    &format!(
                        "{} is not a gateway endpoint; the v{} endpoints are: {}",
                        truncated(path),
                        gateway::API_VERSION,
                        known.join(", ")
                    ),
                    0,
                )
            })
    }

    /// Checks 2 to 8, in order: the body's size, the headers, the partner, the signature and
    /// the body itself; then the endpoint's answer.
    async fn process(
        &self,
        route: &Route,
        request: Request<Incoming>,
        context: &mut Context,
    ) -> Result<Vec<u8>, Failure> {
        let (parts, body) = request.into_parts();
        let headers = &parts.headers;

        // 2. The body's size, enforced while reading.
        let body = match self.read_body(headers, body).await? {
            Body::Complete(body) => body,
            Body::TooLarge { drained } => {
                context.close = !drained;
                return Err(reject(
                    Check::BodyTooLarge,
                    format!(
                        "the body is larger than the emulator's limit of {} bytes; send a \
                         smaller body, or raise the limit with EmulatorBuilder::max_body_bytes",
                        self.max_body_bytes
                    ),
                ));
            }
        };

        // 3. Content-Type.
        check_content_type(headers)?;

        // 4. The required headers, each exactly once; X-TIMESTAMP's format and window.
        check_required_headers(headers)?;
        let timestamp_text = header_text(headers, &X_TIMESTAMP).ok_or_else(|| {
            reject(
                Check::MalformedTimestamp,
                "X-TIMESTAMP is not visible ASCII text; send yyyy-MM-ddTHH:mm:ss±HH:mm, for \
                 example 2020-12-18T15:06:00+07:00",
            )
        })?;
        let timestamp = Timestamp::parse_lenient(timestamp_text).map_err(|e| {
            reject(
                Check::MalformedTimestamp,
                format!("{e}; sign and send the same string, written when the request is sent"),
            )
        })?;
        context.offset_seconds = timestamp.offset_seconds();
        let now = SystemTime::now();
        let distance = timestamp.distance_from(now);
        if distance > self.clock_skew {
            return Err(reject(
                Check::TimestampOutOfWindow,
                format!(
                    "X-TIMESTAMP {timestamp_text} is {} s from the emulator's clock ({}); the \
                     gateway accepts at most {} s either way: check the clock, and sign each \
                     request just before sending it",
                    distance.as_secs(),
                    Timestamp::at(now, timestamp.offset_seconds()),
                    self.clock_skew.as_secs()
                ),
            ));
        }

        // 5. The partner.
        let partner_id = header_text(headers, &X_PARTNER_ID).ok_or_else(|| {
            reject(
                Check::UnknownPartner,
                "X-PARTNER-ID is not visible ASCII text, so no merchant has it; send the \
                 merchant id of a merchant registered with EmulatorBuilder::merchant",
            )
        })?;
        context.partner = Some(truncated(partner_id));
        let partner = self.partners.get(partner_id).ok_or_else(|| {
            reject(
                Check::UnknownPartner,
                format!(
                    "X-PARTNER-ID {:?} is not a merchant of this emulator; send the partner id \
                     of a merchant registered with EmulatorBuilder::merchant (registered: {})",
                    truncated(partner_id),
                    self.partner_list()
                ),
            )
        })?;
        context.offset_seconds = partner.region.info().utc_offset_seconds;
        if self.events.on() {
            #[derive(serde::Deserialize)]
            struct OrderNo {
                #[serde(rename = "orderNo")]
                order_no: Option<String>,
            }
            context.order_no = serde_json::from_slice::<OrderNo>(&body)
                .ok()
                .and_then(|o| o.order_no)
                .map(|o| truncated(&o));
        }

        // 6. The signature, over the raw body bytes.
        let signature = header_text(headers, &X_SIGNATURE).ok_or_else(|| {
            reject(
                Check::SignatureNotBase64,
                "X-SIGNATURE is not visible ASCII text, so not Base64; send the Base64 \
                 signature of X-TIMESTAMP|merchantSecret|body",
            )
        })?;
        partner
            .verifier
            .verify(timestamp_text, &body, signature)
            .map_err(|e| signature_rejection(e, partner))?;

        // 7 and 8. The body, read as the region's typed request, and the answer.
        let text = std::str::from_utf8(&body).map_err(|e| {
            reject(
                Check::BodyNotUtf8,
                format!(
                    "the body is not UTF-8 (the byte at offset {} starts an invalid sequence); \
                     JSON bodies must be UTF-8",
                    e.valid_up_to()
                ),
            )
        })?;
        let region = partner.region;
        let Some(offered) = region.info().endpoint(route.id) else {
            let offers: Vec<&str> = region.endpoints().iter().map(|e| e.endpoint.path).collect();
            return Err(reject(
                Check::EndpointNotOffered,
                format!(
                    "the {region} region does not offer {} ({}); it offers: {}",
                    route.id,
                    route.path,
                    offers.join(", ")
                ),
            ));
        };
        let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            reject(
                Check::BodyNotJson,
                format!(
                    "the body is not JSON: {e}; send one JSON object, byte for byte the body \
                     that was signed"
                ),
            )
        })?;
        // The rules, and amounts on their own digits (a `Value` holds a number as a float:
        // 100.500000000000000001 would pass as 100.5).
        smilepayz::rules::check_parsed(
            offered.request_rules,
            &json,
            text.as_bytes(),
            region.info(),
        )
        .map_err(|e| {
            reject(
                Check::InvalidBodyFields,
                format!(
                    "the body is not a valid {region} {} request: {e}{}",
                    route.id,
                    example_hint(offered)
                ),
            )
        })?;
        match HANDLERS.iter().find(|h| h.id == route.id) {
            Some(handler) => (handler.answer)(&Call {
                state: self,
                region,
                partner_id,
                body: text,
            })
            .map_err(Failure::Rejected),
            None => Ok(answer_from_example(offered)),
        }
    }

    /// Reads the body, never holding more than the limit (plus one network frame).
    async fn read_body(&self, headers: &HeaderMap, mut body: Incoming) -> Result<Body, Failure> {
        let max = self.max_body_bytes;
        let declared = header_text(headers, &CONTENT_LENGTH).and_then(|n| n.parse::<u64>().ok());
        if let Some(declared) = declared
            && declared > max as u64
        {
            // Too large before reading a byte. Drain it only if it is small enough.
            let drainable = declared <= max.saturating_add(DRAIN_BYTES) as u64;
            let drained = drainable && drain(body, max.saturating_add(DRAIN_BYTES)).await;
            return Ok(Body::TooLarge { drained });
        }
        let capacity = declared.map_or(0, |n| usize::try_from(n).unwrap_or(max).min(max));
        // The whole body within the idle timeout, however steadily it trickles in: the idle
        // timeout alone would let one byte every few seconds hold a connection for hours. An
        // oversized body is drained afterwards, on its own bound (DRAIN_BYTES, DRAIN_TIME).
        let read = async {
            let mut buffer = Vec::with_capacity(capacity);
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| Failure::Dropped(Dropped::Read(e)))?;
                let Ok(data) = frame.into_data() else {
                    continue; // Trailers.
                };
                if buffer.len().saturating_add(data.len()) > max {
                    return Ok(None);
                }
                buffer.extend_from_slice(&data);
            }
            Ok(Some(buffer))
        };
        match tokio::time::timeout(self.idle_timeout, read).await {
            Err(_) => Err(Failure::Dropped(Dropped::SlowBody)),
            Ok(Err(failure)) => Err(failure),
            Ok(Ok(Some(buffer))) => Ok(Body::Complete(buffer)),
            Ok(Ok(None)) => Ok(Body::TooLarge {
                drained: drain(body, DRAIN_BYTES).await,
            }),
        }
    }

    /// The registered partner ids, for messages.
    fn partner_list(&self) -> String {
        let mut ids: Vec<&str> = self.partners.keys().map(String::as_str).collect();
        ids.sort_unstable();
        if ids.is_empty() {
            "none".to_owned()
        } else {
            ids.join(", ")
        }
    }

    /// Applies the configured faults to an answer: latency, then the first of drop, server
    /// error and malformed body that the PRNG picks.
    async fn inject_faults(&self, route: &Route, mut reply: Reply) -> Result<Reply, Dropped> {
        let faults = &self.faults;
        if let Some(latency) = faults.latency {
            tokio::time::sleep(latency).await;
        }
        // Three draws for every request, so the sequence depends only on the seed and the
        // number of requests.
        let (drop, fail, garble) = (self.draw(), self.draw(), self.draw());
        if drop < faults.drop_connection_rate {
            return Err(Dropped::Injected);
        }
        if fail < faults.server_error_rate {
            let rejection = Rejection::new(
                Check::InjectedServerError,
                "the emulator answered with a server error on purpose (Faults::server_error_rate); \
                 retry read-only requests with backoff",
            );
            return Ok(Reply::rejected(route, &rejection, reply.offset_seconds));
        }
        if garble < faults.malformed_body_rate {
            // Half of a JSON object is never valid JSON: its closing brace is gone.
            reply.status = StatusCode::OK;
            reply.body.truncate(reply.body.len() / 2);
            reply.label = "MALFORMED_BODY (fault injection)";
        }
        Ok(reply)
    }

    /// A uniform draw from [0, 1): splitmix64 over a shared counter seeded by `Faults::seed`.
    fn draw(&self) -> f64 {
        const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut z = self
            .rng
            .fetch_add(GAMMA, Ordering::Relaxed)
            .wrapping_add(GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // The top 53 bits, as a double in [0, 1).
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// ", for example {…}" from the region's first documented request, or nothing.
pub(super) fn example_hint(offered: &RegionEndpoint) -> String {
    offered
        .examples
        .iter()
        .find_map(|example| example.request.and_then(|m| m.body))
        .map(|body| format!("; for example {body}"))
        .unwrap_or_default()
}

/// The answer of an endpoint with no behaviour of its own: the region's first documented
/// example response that succeeded, or `{"code":"00","message":"Successful"}` when the spec
/// has none.
fn answer_from_example(offered: &RegionEndpoint) -> Vec<u8> {
    let success = offered.examples.iter().find_map(|example| {
        let body = example.response.and_then(|m| m.body)?;
        let value: serde_json::Value = serde_json::from_str(body).ok()?;
        (value.get("code").and_then(serde_json::Value::as_str) == Some(gateway::SUCCESS_CODE))
            .then(|| body.as_bytes().to_vec())
    });
    success.unwrap_or_else(|| {
        format!(
            "{{\"code\":\"{}\",\"message\":\"Successful\"}}",
            gateway::SUCCESS_CODE
        )
        .into_bytes()
    })
}

/// Why a routed request got no success answer.
enum Failure {
    Rejected(Rejection),
    Dropped(Dropped),
}

fn reject(check: Check, message: impl Into<String>) -> Failure {
    Failure::Rejected(Rejection::new(check, message))
}

/// Reads and throws away up to `budget` more bytes of a body, for at most [`DRAIN_TIME`].
/// Returns whether the body ended.
async fn drain(mut body: Incoming, budget: usize) -> bool {
    let reading = async {
        let mut left = budget;
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else {
                return false;
            };
            if let Ok(data) = frame.into_data() {
                match left.checked_sub(data.len()) {
                    Some(rest) => left = rest,
                    None => return false,
                }
            }
        }
        true
    };
    tokio::time::timeout(DRAIN_TIME, reading)
        .await
        .unwrap_or(false)
}

/// Check 3: `Content-Type` is the spec's fixed value (`application/json`), parameters allowed
/// (a `charset` must be UTF-8).
fn check_content_type(headers: &HeaderMap) -> Result<(), Failure> {
    let expected = gateway::REQUEST_HEADERS
        .iter()
        .find(|header| header.name.eq_ignore_ascii_case(CONTENT_TYPE.as_str()))
        .and_then(|header| header.value)
        .unwrap_or("application/json");
    let mut values = headers.get_all(CONTENT_TYPE).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(if headers.contains_key(CONTENT_TYPE) {
            repeated(CONTENT_TYPE.as_str())
        } else {
            reject(
                Check::ContentTypeMissing,
                format!("there is no Content-Type header; send Content-Type: {expected}"),
            )
        });
    };
    if value.to_str().is_ok_and(|v| is_media_type(v, expected)) {
        Ok(())
    } else {
        Err(reject(
            Check::ContentTypeNotJson,
            format!(
                "Content-Type is {:?}; send Content-Type: {expected} (a charset parameter, if \
                 any, must be utf-8)",
                truncated(&String::from_utf8_lossy(value.as_bytes()))
            ),
        ))
    }
}

/// Whether `value` is the media type `expected`, ignoring case, with parameters allowed; a
/// `charset` parameter must be UTF-8.
fn is_media_type(value: &str, expected: &str) -> bool {
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case(expected)
        && parts.all(|parameter| match parameter.split_once('=') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
                value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            }
            Some(_) => true,
            None => parameter.trim().is_empty(),
        })
}

/// Check 4: every header the spec requires is there, exactly once.
fn check_required_headers(headers: &HeaderMap) -> Result<(), Failure> {
    let required = gateway::REQUEST_HEADERS
        .iter()
        .filter(|header| header.required)
        .map(|header| header.name);
    let missing: Vec<&str> = required
        .clone()
        .filter(|name| !headers.contains_key(*name))
        .collect();
    if !missing.is_empty() {
        return Err(reject(
            Check::MissingHeader,
            format!(
                "missing header{} {}; every request carries {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                required.collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    match required
        .clone()
        .find(|name| headers.get_all(*name).iter().nth(1).is_some())
    {
        Some(name) => Err(repeated(name)),
        None => Ok(()),
    }
}

fn repeated(name: &str) -> Failure {
    reject(
        Check::RepeatedHeader,
        format!("the {name} header is sent more than once; send it exactly once"),
    )
}

/// A header's value as text, if it is there and visible ASCII.
fn header_text<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// Why the signature was refused, with a hint for each kind.
fn signature_rejection(error: VerifyError, partner: &Partner) -> Failure {
    let scheme = partner.verifier.scheme();
    let (check, hint) = match error {
        VerifyError::MalformedBase64 => (
            Check::SignatureNotBase64,
            "send the signature as standard padded Base64 (A-Z, a-z, 0-9, +, /, =), not hex or \
             URL-safe Base64",
        ),
        VerifyError::WrongLength { .. } => (
            Check::SignatureWrongLength,
            "check that the request is signed with the merchant's scheme and key (an RSA-2048 \
             signature is 256 bytes, 344 Base64 characters; HMAC-SHA512 is 64 bytes)",
        ),
        // A mismatch, or a way of failing a newer SDK names that this emulator does not know:
        // either way the signature does not verify.
        _ => (
            Check::SignatureMismatch,
            "sign X-TIMESTAMP|merchantSecret|body with the exact X-TIMESTAMP header and the \
             exact body bytes sent (serialize once, sign those bytes, send those bytes)",
        ),
    };
    reject(
        check,
        format!("{error} (the merchant's scheme is {scheme}); {hint}"),
    )
}

/// At most 128 characters of untrusted text, for messages and logs.
fn truncated(text: &str) -> String {
    const MAX: usize = 128;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(MAX).collect();
        short.push('…');
        short
    }
}
