//! The control API and the dashboard: the emulator's books over HTTP, for test suites in any
//! language and for a person at a browser. Served on the emulator's own port under
//! [`CONTROL_PREFIX`], a path the gateway's API never uses; the operations are those of
//! [`RunningEmulator`](super::RunningEmulator), and `openapi.json` under the prefix describes
//! them. There is no authentication: the emulator is a test tool that listens on loopback.
//! What a browser could be made to send is refused: a request whose `Origin` is not the
//! emulator's own (another web page the developer has open), and one whose `Host` is a name
//! other than `localhost` (DNS rebinding).

use bytes::Bytes;
use http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use serde::Serialize;
use serde_json::value::RawValue;

use super::records::{Callback, Delivery};
use super::sandbox::{
    Balance, BalanceError, MerchantBalances, SettleError, Transaction, TransactionFilter,
    kind_name, parse_status, status_str, trade_type_number,
};
use super::state::State;
use smilepayz::Amount;
use smilepayz::timestamp::Timestamp;

/// Where the control API answers: `http://<addr>/__emulator/api/…`.
pub const CONTROL_PREFIX: &str = "/__emulator/api";
/// Where the dashboard is served: `http://<addr>/__emulator/`.
pub const DASHBOARD_PATH: &str = "/__emulator/";

/// The OpenAPI 3.1 document of the control API, served at `{controlUrl}/openapi.json`.
const OPENAPI: &str = include_str!("control/openapi.json");
/// The dashboard: one page, its script and style inline, nothing fetched from elsewhere.
const DASHBOARD: &str = include_str!("control/dashboard.html");
/// The largest control request body (a balance or a status is a few bytes).
const MAX_BODY: usize = 16 * 1024;

/// Whether a path belongs to the control API or the dashboard.
pub(super) fn is_control_path(path: &str) -> bool {
    path == "/__emulator" || path.starts_with("/__emulator/")
}

/// An answer: status and JSON (or the dashboard's HTML).
struct Answer {
    status: StatusCode,
    content_type: &'static str,
    body: Vec<u8>,
    allow: Option<&'static str>,
}

impl Answer {
    fn json(status: StatusCode, value: &impl Serialize) -> Self {
        let body = serde_json::to_vec(value)
            .unwrap_or_else(|_| br#"{"error":"the answer could not be written"}"#.to_vec());
        Self {
            status,
            content_type: "application/json",
            body,
            allow: None,
        }
    }

    fn error(status: StatusCode, message: impl Into<String>) -> Self {
        #[derive(Serialize)]
        struct Error {
            error: String,
        }
        Self::json(
            status,
            &Error {
                error: message.into(),
            },
        )
    }

    fn not_allowed(method: &Method, allow: &'static str) -> Self {
        let mut answer = Self::error(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} is not allowed here; use {allow}"),
        );
        answer.allow = Some(allow);
        answer
    }

    fn into_response(self) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(Bytes::from(self.body)));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(allow) = self.allow {
            headers.insert(ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}

/// Answers one control or dashboard request.
pub(super) async fn answer(state: &State, request: Request<Incoming>) -> Response<Full<Bytes>> {
    if let Err(answer) = check_origin(request.headers()) {
        return answer.into_response();
    }
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let body = match read_body(state, request.into_body()).await {
        Ok(body) => body,
        Err(answer) => return answer.into_response(),
    };
    route(state, &method, &path, &query, &body).into_response()
}

/// Refuses what only a browser tricked by another site sends: an `Origin` other than the
/// emulator's own address, or a `Host` that is a name other than `localhost` (an attacker's
/// domain rebound to 127.0.0.1). Test suites send neither header, or their own address.
fn check_origin(headers: &http::HeaderMap) -> Result<(), Answer> {
    let host = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = host
        .rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(host, |(name, _)| name);
    let name_ok = name.eq_ignore_ascii_case("localhost")
        || name.parse::<std::net::Ipv4Addr>().is_ok()
        || name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .is_some_and(|n| n.parse::<std::net::Ipv6Addr>().is_ok());
    if !host.is_empty() && !name_ok {
        return Err(Answer::error(
            StatusCode::FORBIDDEN,
            format!(
                "the control API answers requests addressed to localhost or an IP address, not \
                 to {:?}; use the address smilepayz serve printed",
                host.chars().take(80).collect::<String>()
            ),
        ));
    }
    if let Some(origin) = headers.get(http::header::ORIGIN) {
        let own = format!("http://{host}");
        if origin.to_str().ok() != Some(own.as_str()) {
            return Err(Answer::error(
                StatusCode::FORBIDDEN,
                "the control API refuses requests from web pages of other origins; only its \
                 own dashboard and programs that send no Origin header may use it",
            ));
        }
    }
    Ok(())
}

async fn read_body(state: &State, body: Incoming) -> Result<Bytes, Answer> {
    let read = Limited::new(body, MAX_BODY).collect();
    match tokio::time::timeout(state.idle_timeout, read).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => Err(Answer::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("a control request body is at most {MAX_BODY} bytes"),
        )),
        Ok(Err(error)) => Err(Answer::error(
            StatusCode::BAD_REQUEST,
            format!("the request body could not be read: {error}"),
        )),
        Err(_) => Err(Answer::error(
            StatusCode::REQUEST_TIMEOUT,
            "the request body did not arrive whole within the idle timeout",
        )),
    }
}

fn route(state: &State, method: &Method, path: &str, query: &str, body: &[u8]) -> Answer {
    if path == "/__emulator" || path == DASHBOARD_PATH {
        return if method == Method::GET {
            Answer {
                status: StatusCode::OK,
                content_type: "text/html; charset=utf-8",
                body: DASHBOARD.as_bytes().to_vec(),
                allow: None,
            }
        } else {
            Answer::not_allowed(method, "GET")
        };
    }
    let Some(rest) = path
        .strip_prefix(CONTROL_PREFIX)
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))
    else {
        return not_found(path);
    };
    let segments: Vec<String> = rest
        .trim_start_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decoded)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match segments.as_slice() {
        ["openapi.json"] => only(method, &Method::GET, "GET", || Answer {
            status: StatusCode::OK,
            content_type: "application/json",
            body: OPENAPI.as_bytes().to_vec(),
            allow: None,
        }),
        ["merchants"] => only(method, &Method::GET, "GET", || {
            let merchants: Vec<MerchantOut> = state
                .sandbox
                .merchants()
                .iter()
                .map(MerchantOut::from)
                .collect();
            Answer::json(StatusCode::OK, &Listed { merchants })
        }),
        ["merchants", partner_id, "balances"] => only(method, &Method::PUT, "PUT", || {
            set_balances(state, partner_id, body)
        }),
        ["transactions"] => only(method, &Method::GET, "GET", || list(state, query)),
        ["transactions", trade_no] => only(method, &Method::GET, "GET", || {
            // As the list does: a transaction whose time has come is settled first.
            let found = state.sandbox.list(&TransactionFilter {
                trade_no: Some((*trade_no).to_owned()),
                ..TransactionFilter::default()
            });
            match found.first() {
                Some(t) => Answer::json(StatusCode::OK, &TransactionOut::from(t)),
                None => Answer::error(
                    StatusCode::NOT_FOUND,
                    SettleError::Unknown((*trade_no).chars().take(64).collect()).to_string(),
                ),
            }
        }),
        ["transactions", trade_no, "settle"] => only(method, &Method::POST, "POST", || {
            settle(state, trade_no, body)
        }),
        ["callbacks"] => only(method, &Method::GET, "GET", || {
            let filter = Filter::parse(query);
            if let Some(name) = filter
                .unknown
                .or(filter.partner_id.as_ref().map(|_| "partnerId".to_owned()))
                .or(filter.status.as_ref().map(|_| "status".to_owned()))
            {
                return Answer::error(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "{name:?} is not a filter of callbacks; filter them by tradeNo or orderNo"
                    ),
                );
            }
            let callbacks: Vec<CallbackOut> = state
                .deliveries
                .callbacks()
                .iter()
                .filter(|c| filter.trade_no.as_ref().is_none_or(|t| *t == c.trade_no))
                .filter(|c| filter.order_no.as_ref().is_none_or(|o| *o == c.order_no))
                .map(CallbackOut::from)
                .collect();
            Answer::json(StatusCode::OK, &ListedCallbacks { callbacks })
        }),
        ["callbacks", id, "redeliver"] => {
            only(method, &Method::POST, "POST", || redeliver(state, id))
        }
        ["reset"] => only(method, &Method::POST, "POST", || {
            state.reset();
            Answer::json(StatusCode::OK, &serde_json::json!({ "reset": true }))
        }),
        _ => not_found(path),
    }
}

fn only(
    method: &Method,
    expected: &Method,
    allow: &'static str,
    answer: impl FnOnce() -> Answer,
) -> Answer {
    if method == expected {
        answer()
    } else {
        Answer::not_allowed(method, allow)
    }
}

fn not_found(path: &str) -> Answer {
    Answer::error(
        StatusCode::NOT_FOUND,
        format!(
            "{} is not a control API path; the paths are described at {CONTROL_PREFIX}/openapi.json",
            path.chars().take(120).collect::<String>()
        ),
    )
}

/// The query parameters the lists take.
#[derive(Default)]
struct Filter {
    order_no: Option<String>,
    trade_no: Option<String>,
    partner_id: Option<String>,
    status: Option<String>,
    unknown: Option<String>,
}

impl Filter {
    fn parse(query: &str) -> Self {
        let mut filter = Filter::default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let value = Some(value.into_owned());
            match name.as_ref() {
                "orderNo" => filter.order_no = value,
                "tradeNo" => filter.trade_no = value,
                "partnerId" => filter.partner_id = value,
                "status" => filter.status = value,
                other => filter.unknown = Some(other.chars().take(40).collect()),
            }
        }
        filter
    }
}

fn list(state: &State, query: &str) -> Answer {
    let filter = Filter::parse(query);
    if let Some(name) = filter.unknown {
        return Answer::error(
            StatusCode::BAD_REQUEST,
            format!(
                "{name:?} is not a filter; filter transactions by orderNo, tradeNo, partnerId or status"
            ),
        );
    }
    let status = match filter.status.as_deref().map(parse_status) {
        None => None,
        Some(Ok(status)) => Some(status),
        Some(Err(message)) => return Answer::error(StatusCode::BAD_REQUEST, message),
    };
    let transactions: Vec<TransactionOut> = state
        .sandbox
        .list(&TransactionFilter {
            order_no: filter.order_no,
            trade_no: filter.trade_no,
            partner_id: filter.partner_id,
            status,
        })
        .iter()
        .map(TransactionOut::from)
        .collect();
    Answer::json(StatusCode::OK, &ListedTransactions { transactions })
}

fn settle(state: &State, trade_no: &str, body: &[u8]) -> Answer {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Settle {
        status: Option<String>,
    }
    let status = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match serde_json::from_slice::<Settle>(body) {
            Ok(Settle { status: None }) => None,
            Ok(Settle {
                status: Some(status),
            }) => match parse_status(&status) {
                Ok(status) => Some(status),
                Err(message) => return Answer::error(StatusCode::BAD_REQUEST, message),
            },
            Err(error) => {
                return Answer::error(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "the body is not {{\"status\": \"SUCCESS\" | \"FAILED\" | \"EXPIRED\"}}: {error}"
                    ),
                );
            }
        }
    };
    match state.sandbox.settle_as(trade_no, status) {
        Ok(transaction) => Answer::json(StatusCode::OK, &TransactionOut::from(&transaction)),
        Err(error @ SettleError::Unknown(_)) => {
            Answer::error(StatusCode::NOT_FOUND, error.to_string())
        }
        Err(error @ SettleError::AlreadyFinal { .. }) => {
            Answer::error(StatusCode::CONFLICT, error.to_string())
        }
        Err(error) => Answer::error(StatusCode::BAD_REQUEST, error.to_string()),
    }
}

fn redeliver(state: &State, id: &str) -> Answer {
    let Ok(callback) = id.parse::<u64>() else {
        return Answer::error(
            StatusCode::BAD_REQUEST,
            format!(
                "{:?} is not a callback id; ids are the numbers GET {CONTROL_PREFIX}/callbacks lists",
                id.chars().take(40).collect::<String>()
            ),
        );
    };
    match state.redeliver(callback) {
        Some(new) => Answer::json(
            StatusCode::ACCEPTED,
            &serde_json::json!({ "id": new, "redeliveryOf": callback }),
        ),
        None => Answer::error(
            StatusCode::NOT_FOUND,
            format!(
                "no callback {callback} is known (or its transaction is gone after a reset); \
                 GET {CONTROL_PREFIX}/callbacks lists them"
            ),
        ),
    }
}

fn set_balances(state: &State, partner_id: &str, body: &[u8]) -> Answer {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Balances<'a> {
        #[serde(borrow)]
        payin: Option<&'a RawValue>,
        #[serde(borrow)]
        payout: Option<&'a RawValue>,
    }
    let usage = "the body is {\"payin\": \"AMOUNT\", \"payout\": \"AMOUNT\"} (either or both; \
                 amounts as decimal strings such as \"1000000.00\", or JSON numbers)";
    let Some(merchant) = state
        .sandbox
        .merchants()
        .into_iter()
        .find(|m| m.partner_id == partner_id)
    else {
        return Answer::error(
            StatusCode::NOT_FOUND,
            BalanceError::UnknownMerchant(partner_id.chars().take(64).collect()).to_string(),
        );
    };
    let balances: Balances<'_> = match serde_json::from_slice(body) {
        Ok(balances) => balances,
        Err(error) => return Answer::error(StatusCode::BAD_REQUEST, format!("{usage}: {error}")),
    };
    let mut changes = Vec::new();
    for (name, raw, account_no) in [
        ("payin", balances.payin, &merchant.accounts.payin_account_no),
        (
            "payout",
            balances.payout,
            &merchant.accounts.payout_account_no,
        ),
    ] {
        let Some(raw) = raw else { continue };
        // A decimal string, or a JSON number read from its own text: never through a float.
        let text = raw.get().trim_matches('"');
        match text.parse::<Amount>() {
            Ok(amount) => changes.push((name, account_no.clone(), amount)),
            Err(error) => {
                return Answer::error(StatusCode::BAD_REQUEST, format!("{name}: {error}"));
            }
        }
    }
    if changes.is_empty() {
        return Answer::error(StatusCode::BAD_REQUEST, usage);
    }
    let changes: Vec<(&str, Amount)> = changes
        .iter()
        .map(|(_, account_no, amount)| (account_no.as_str(), *amount))
        .collect();
    // All or none: one refused balance changes neither.
    if let Err(error) = state.sandbox.set_balances(partner_id, &changes) {
        return Answer::error(StatusCode::BAD_REQUEST, error.to_string());
    }
    match state
        .sandbox
        .merchants()
        .iter()
        .find(|m| m.partner_id == partner_id)
    {
        Some(merchant) => Answer::json(StatusCode::OK, &MerchantOut::from(merchant)),
        None => Answer::error(StatusCode::NOT_FOUND, "the merchant is gone"),
    }
}

/// `%XX` escapes decoded (a partner id may carry characters a path escapes).
fn percent_decoded(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Serialize)]
struct Listed {
    merchants: Vec<MerchantOut>,
}

#[derive(Serialize)]
struct ListedTransactions {
    transactions: Vec<TransactionOut>,
}

#[derive(Serialize)]
struct ListedCallbacks {
    callbacks: Vec<CallbackOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountOut {
    account_no: String,
    balance: String,
    available: String,
}

impl AccountOut {
    fn new(account_no: &str, balance: Balance) -> Self {
        Self {
            account_no: account_no.to_owned(),
            balance: balance.balance.to_string(),
            available: balance.available.to_string(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MerchantOut {
    partner_id: String,
    region: &'static str,
    currency: &'static str,
    payin: AccountOut,
    payout: AccountOut,
}

impl From<&MerchantBalances> for MerchantOut {
    fn from(m: &MerchantBalances) -> Self {
        Self {
            partner_id: m.partner_id.clone(),
            region: m.region.code(),
            currency: m.region.info().currency,
            payin: AccountOut::new(&m.accounts.payin_account_no, m.payin),
            payout: AccountOut::new(&m.accounts.payout_account_no, m.payout),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TransactionOut {
    trade_no: String,
    order_no: String,
    trade_type: u8,
    kind: &'static str,
    partner_id: String,
    region: &'static str,
    currency: &'static str,
    amount: String,
    payment_method: String,
    callback_url: Option<String>,
    cash_account: Option<String>,
    status: &'static str,
    settles_as: &'static str,
    created_at: String,
}

impl From<&Transaction> for TransactionOut {
    fn from(t: &Transaction) -> Self {
        Self {
            trade_no: t.trade_no.clone(),
            order_no: t.order_no.clone(),
            trade_type: trade_type_number(&t.kind),
            kind: kind_name(&t.kind),
            partner_id: t.partner_id.clone(),
            region: t.region.code(),
            currency: t.region.info().currency,
            amount: t.amount.to_string(),
            payment_method: t.payment_method.clone(),
            callback_url: t.callback_url.clone(),
            cash_account: t.cash_account.clone(),
            status: status_str(&t.status),
            settles_as: status_str(&t.settles_as()),
            created_at: t.created.to_string(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AttemptOut {
    attempt: u32,
    at: String,
    attempted: bool,
    http_status: Option<u16>,
    accepted: bool,
    error: Option<String>,
}

impl From<&Delivery> for AttemptOut {
    fn from(d: &Delivery) -> Self {
        Self {
            attempt: d.attempt,
            at: Timestamp::at(d.at, 0).to_string(),
            attempted: d.attempted,
            http_status: d.http_status,
            accepted: d.accepted,
            error: d.error.clone(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CallbackOut {
    id: u64,
    trade_no: String,
    order_no: String,
    url: String,
    status: &'static str,
    state: &'static str,
    redelivery_of: Option<u64>,
    attempts: Vec<AttemptOut>,
}

impl From<&Callback> for CallbackOut {
    fn from(c: &Callback) -> Self {
        Self {
            id: c.id,
            trade_no: c.trade_no.clone(),
            order_no: c.order_no.clone(),
            url: c.url.clone(),
            status: c.status,
            state: c.state.as_str(),
            redelivery_of: c.redelivery_of,
            attempts: c.attempts.iter().map(AttemptOut::from).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_decoded_and_broken_ones_kept() {
        assert_eq!(percent_decoded("T1%2F2"), "T1/2");
        assert_eq!(percent_decoded("a%2"), "a%2");
        assert_eq!(percent_decoded("a%zz"), "a%zz");
        assert_eq!(percent_decoded("plain"), "plain");
    }

    #[test]
    fn the_openapi_document_is_json_and_names_every_path() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).expect("openapi.json is JSON");
        let paths = doc["paths"].as_object().expect("paths");
        for path in [
            "/merchants",
            "/merchants/{partnerId}/balances",
            "/transactions",
            "/transactions/{tradeNo}",
            "/transactions/{tradeNo}/settle",
            "/callbacks",
            "/callbacks/{id}/redeliver",
            "/reset",
            "/openapi.json",
        ] {
            assert!(paths.contains_key(path), "openapi.json lacks {path}");
        }
    }
}
