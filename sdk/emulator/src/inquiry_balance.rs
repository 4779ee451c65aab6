//! `POST /v2.0/inquiry-balance` in every region: the answer, from the live books.
//!
//! Nothing here names a region: each region's documented example answer is read (and so
//! checked against the region) through the run-time region types, and gives the wording and
//! the region's own fields of every answer; the balances come from the sandbox's books.

use serde_json::{Value, json};

use super::codes::Check;
use super::handler::{Call, Handler};
use super::rejection::Rejection;
use smilepayz::definitions::BalanceType;
use smilepayz::endpoints::inquiry_balance::{
    AnyInquiryBalanceRequest, AnyInquiryBalanceResponse, ENDPOINT,
};
use smilepayz::{ReadError, Region, gateway};

/// The endpoint's behaviour, as the emulator routes it.
pub(super) const HANDLER: Handler = Handler {
    id: ENDPOINT.id,
    answer,
};

/// The account `region`'s documented balance inquiry examples ask about (else the one they
/// answer for), or `None` when the region documents none. The emulator answers it like any
/// other account number; tools and tests use it as a ready-made example.
pub fn example_account(region: Region) -> Option<String> {
    let examples = region.info().endpoint(ENDPOINT.id)?.examples;
    let requests = examples
        .iter()
        .filter_map(|e| e.request.and_then(|m| m.body));
    let responses = examples
        .iter()
        .filter_map(|e| e.response.and_then(|m| m.body));
    requests
        .chain(responses)
        .filter_map(|body| serde_json::from_str::<Value>(body).ok())
        .find_map(|v| v.get("accountNo")?.as_str().map(str::to_owned))
}

/// The account of `region`'s first documented balance answer and the balance types it
/// holds, or `None` when the region documents none: a ready-made valid inquiry for tools and
/// tests.
pub fn example_balance(region: Region) -> Option<(String, Vec<BalanceType>)> {
    region
        .info()
        .endpoint(ENDPOINT.id)?
        .examples
        .iter()
        .filter_map(|e| e.response.and_then(|m| m.body))
        .filter_map(|body| AnyInquiryBalanceResponse::from_json(region, body).ok())
        .filter(|response| response.code() == gateway::SUCCESS_CODE)
        .find_map(|response| {
            let account = response.account_no()?.to_owned();
            let types = response
                .account_infos()
                .into_iter()
                .map(|info| info.balance_type)
                .collect();
            Some((account, types))
        })
}

/// Answers a request whose headers, signature and body rules have been checked: the
/// account's live balances, in the words and shape of the region's documented answer.
fn answer(call: &Call<'_>) -> Result<Vec<u8>, Rejection> {
    let region = call.region;
    let bug = |what: &str| {
        Rejection::new(
            Check::InternalError,
            format!(
                "the emulator's {region} {what}; this is a bug in the emulator, please report it"
            ),
        )
    };
    // The body has passed the region's rules already.
    let request = AnyInquiryBalanceRequest::from_json(region, call.body)
        .map_err(|e| body_rejection(region, e))?;
    // The merchant's own accounts, or any other number at its opening balance.
    let live = call
        .state
        .sandbox
        .balance(call.partner_id, request.account_no())
        .ok_or_else(|| bug("books have no accounts for this merchant"))?;
    let template = call
        .state
        .ledger
        .inquiry_balance
        .templates
        .get(&region)
        .ok_or_else(|| {
            bug("spec has no example answer of inquiry-balance to take its wording from")
        })?;
    let currency = region.currency();
    let mut account_infos: Vec<Value> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for balance_type in request.balance_types() {
        if seen.contains(&balance_type.as_str()) {
            continue;
        }
        seen.push(balance_type.as_str());
        let amount = if balance_type.as_str() == "AVAILABLE" {
            live.available
        } else {
            live.balance
        };
        account_infos.push(json!({
            "balanceType": balance_type.as_str(),
            "amount": {"currency": currency, "value": amount.to_string()},
            "availableBalance": {"currency": currency, "value": live.available.to_string()},
        }));
    }
    // The documented answer's wording and region fields, with this request's account and
    // balances; one entry is sent as one object, as the documented examples do.
    let Ok(Value::Object(mut body)) = serde_json::to_value(template) else {
        return Err(bug("example answer is not a JSON object"));
    };
    body.insert("code".into(), gateway::SUCCESS_CODE.into());
    body.insert("accountNo".into(), request.account_no().into());
    body.insert(
        "balanceTypes".into(),
        Value::Array(seen.iter().map(|t| Value::from(*t)).collect()),
    );
    body.insert(
        "accountInfos".into(),
        if account_infos.len() == 1 {
            account_infos.pop().unwrap_or(Value::Null)
        } else {
            Value::Array(account_infos)
        },
    );
    serde_json::to_vec(&Value::Object(body))
        .map_err(|e| bug(&format!("answer could not be written ({e})")))
}

/// A body that is not JSON, or not this endpoint's request.
fn body_rejection(region: Region, error: ReadError) -> Rejection {
    let ReadError::Json { source: error, .. } = error else {
        return Rejection::new(
            Check::InternalError,
            format!("{error}; this is a bug in the emulator, please report it"),
        );
    };
    if error.classify() == serde_json::error::Category::Data {
        let example = region
            .info()
            .endpoint(ENDPOINT.id)
            .and_then(|offered| {
                offered
                    .examples
                    .iter()
                    .find_map(|example| example.request.and_then(|m| m.body))
            })
            .map(|body| format!(", for example {body}"))
            .unwrap_or_default();
        Rejection::new(
            Check::InvalidBodyFields,
            format!(
                "the body is not a {region} {} request: {error}; send every required field \
                 with its documented type{example}",
                ENDPOINT.id
            ),
        )
    } else {
        Rejection::new(
            Check::BodyNotJson,
            format!(
                "the body is not JSON: {error}; send one JSON object, byte for byte the body \
                 that was signed"
            ),
        )
    }
}
