//! `POST /v2.0/inquiry-balance` in every region: the balance ledger and the answer.
//!
//! Nothing here names a region: the ledger is seeded, and requests are answered, through
//! [`Region::visit`] with the region's typed request and response.

use std::any::Any;
use std::collections::{BTreeMap, HashMap};

use super::EmulatorError;
use super::codes::Check;
use super::sandbox::Sandbox;
use super::service::{Call, Handler, Rejection};
use crate::endpoints::inquiry_balance::{
    AccountInfo, ENDPOINT, InquiryBalanceRequest, InquiryBalanceResponse, InquiryBalanceVariant,
    InquiryBalanceVisitor, visit,
};
use crate::{Money, OneOrMany, Region, gateway};

/// The endpoint's behaviour, as the emulator routes it.
pub(super) const HANDLER: Handler = Handler {
    id: ENDPOINT.id,
    answer,
};

/// Balance accounts by region and `accountNo`. Each value is the region's own typed
/// `InquiryBalanceResponse<R>`, parsed (and so checked against the region) when seeded.
pub(super) struct Accounts {
    by_region: HashMap<Region, BTreeMap<String, Box<dyn Any + Send + Sync>>>,
}

impl Accounts {
    /// Every region's documented example responses, keyed by region and `accountNo`.
    ///
    /// # Errors
    /// [`EmulatorError::InvalidExample`] if an example response is not valid for its region.
    pub(super) fn seed() -> Result<Self, EmulatorError> {
        let mut accounts = Self {
            by_region: HashMap::new(),
        };
        for region in Region::ALL {
            if let Some(seeded) = visit(
                *region,
                Seed {
                    accounts: &mut accounts,
                },
            ) {
                seeded?;
            }
        }
        Ok(accounts)
    }
}

/// Adds one region's example responses to the ledger.
struct Seed<'a> {
    accounts: &'a mut Accounts,
}

impl InquiryBalanceVisitor for Seed<'_> {
    type Output = Result<(), EmulatorError>;

    fn visit<R: InquiryBalanceVariant>(self) -> Self::Output {
        for example in <R as InquiryBalanceVariant>::EXAMPLES {
            let Some(body) = example.response.and_then(|message| message.body) else {
                continue;
            };
            let invalid = |reason: String| EmulatorError::InvalidExample {
                endpoint: ENDPOINT.id,
                region: R::REGION,
                example: example.name,
                reason,
            };
            let response: InquiryBalanceResponse<R> =
                serde_json::from_str(body).map_err(|e| invalid(e.to_string()))?;
            if response.code != gateway::SUCCESS_CODE {
                continue; // An error example: it holds no account.
            }
            // The response names the account; if not, the example's request does.
            let account = match (&response.account_no, example.request.and_then(|m| m.body)) {
                (Some(account), _) => account.clone(),
                (None, Some(request)) => {
                    serde_json::from_str::<InquiryBalanceRequest<R>>(request)
                        .map_err(|e| invalid(format!("its request: {e}")))?
                        .account_no
                }
                (None, None) => continue,
            };
            self.accounts
                .by_region
                .entry(R::REGION)
                .or_default()
                .insert(account, Box::new(response));
        }
        Ok(())
    }
}

/// Answers a request whose headers, signature and body rules have been checked.
fn answer(call: &Call<'_>) -> Result<Vec<u8>, Rejection> {
    let region = call.region;
    visit(
        region,
        Answer {
            accounts: &call.state.ledger.inquiry_balance,
            sandbox: &call.state.sandbox,
            partner_id: call.partner_id,
            body: call.body,
        },
    )
    .unwrap_or_else(|| {
        Err(Rejection::new(
            Check::InternalError,
            format!("the {region} region does not offer inquiry-balance; this is a bug in the emulator, please report it"),
        ))
    })
}

/// Reads one request with the region's typed request, and answers the account's live
/// balances with the region's typed response.
struct Answer<'a> {
    accounts: &'a Accounts,
    sandbox: &'a Sandbox,
    partner_id: &'a str,
    body: &'a str,
}

impl InquiryBalanceVisitor for Answer<'_> {
    type Output = Result<Vec<u8>, Rejection>;

    fn visit<R: InquiryBalanceVariant>(self) -> Self::Output {
        // The body has passed the region's rules already.
        let request: InquiryBalanceRequest<R> =
            serde_json::from_str(self.body).map_err(body_rejection::<R>)?;
        let region = R::REGION;
        let bug = |what: &str| {
            Rejection::new(
                Check::InternalError,
                format!(
                    "the emulator's {region} {what}; this is a bug in the emulator, please report it"
                ),
            )
        };
        // The merchant's own accounts, or any other number at its opening balance.
        let live = self
            .sandbox
            .balance(self.partner_id, &request.account_no)
            .ok_or_else(|| bug("books have no accounts for this merchant"))?;
        // The documented example answer of the region gives the wording and extra fields.
        let template = self
            .accounts
            .by_region
            .get(&region)
            .and_then(|accounts| accounts.values().next())
            .and_then(|held| held.downcast_ref::<InquiryBalanceResponse<R>>())
            .ok_or_else(|| {
                bug("spec has no example answer of inquiry-balance to take its wording from")
            })?;

        let mut account_infos: Vec<AccountInfo<R>> = Vec::new();
        for balance_type in &request.balance_types {
            if account_infos
                .iter()
                .any(|e| &e.balance_type == balance_type)
            {
                continue;
            }
            let amount = if balance_type.as_str() == "AVAILABLE" {
                live.available
            } else {
                live.balance
            };
            account_infos.push(AccountInfo {
                balance_type: balance_type.clone(),
                amount: Money::new(amount),
                available_balance: Money::new(live.available),
            });
        }
        // One entry is sent as one object, as the documented examples do.
        let account_infos = if account_infos.len() == 1 {
            match account_infos.pop() {
                Some(entry) => OneOrMany::One(entry),
                None => OneOrMany::Many(account_infos),
            }
        } else {
            OneOrMany::Many(account_infos)
        };
        let response = InquiryBalanceResponse::<R> {
            code: gateway::SUCCESS_CODE.to_owned(),
            message: template.message.clone(),
            account_no: Some(request.account_no),
            name: template.name.clone(),
            balance_types: Some(request.balance_types),
            account_infos,
            extra: template.extra.clone(),
        };
        serde_json::to_vec(&response)
            .map_err(|e| bug(&format!("answer could not be written ({e})")))
    }
}

/// A body that is not JSON, or not this endpoint's request.
fn body_rejection<R: InquiryBalanceVariant>(error: serde_json::Error) -> Rejection {
    let region = R::REGION;
    if error.classify() == serde_json::error::Category::Data {
        let example = <R as InquiryBalanceVariant>::EXAMPLES
            .iter()
            .find_map(|example| example.request.and_then(|m| m.body))
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
