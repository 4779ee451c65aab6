//! `POST /v2.0/inquiry-balance` in every region: the balance ledger and the answer.
//!
//! Nothing here names a region: the ledger is seeded, and requests are answered, through
//! [`Region::visit`] with the region's typed request and response.

use std::any::Any;
use std::collections::{BTreeMap, HashMap};

use super::EmulatorError;
use super::codes::Check;
use super::service::{Handler, Rejection};
use crate::endpoints::inquiry_balance::{
    AccountInfo, ENDPOINT, InquiryBalanceRequest, InquiryBalanceResponse, InquiryBalanceVariant,
    InquiryBalanceVisitor, visit,
};
use crate::{OneOrMany, Region, gateway};

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

    /// The accounts of a region, for messages.
    fn list(&self, region: Region) -> String {
        let names: Vec<&str> = self
            .by_region
            .get(&region)
            .map(|accounts| accounts.keys().map(String::as_str).collect())
            .unwrap_or_default();
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
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

/// Answers a request whose headers and signature have been checked, for `region`.
fn answer(
    ledger: &super::service::Ledger,
    region: Region,
    body: &str,
) -> Result<Vec<u8>, Rejection> {
    visit(
        region,
        Answer {
            accounts: &ledger.inquiry_balance,
            body,
        },
    )
    .unwrap_or_else(|| {
        Err(Rejection::new(
            Check::InternalError,
            format!("the {region} region does not offer inquiry-balance; this is a bug in the emulator, please report it"),
        ))
    })
}

/// Reads, checks and answers one request with the region's typed request and response.
struct Answer<'a> {
    accounts: &'a Accounts,
    body: &'a str,
}

impl InquiryBalanceVisitor for Answer<'_> {
    type Output = Result<Vec<u8>, Rejection>;

    fn visit<R: InquiryBalanceVariant>(self) -> Self::Output {
        // The body has passed the region's rules already.
        let request: InquiryBalanceRequest<R> =
            serde_json::from_str(self.body).map_err(body_rejection::<R>)?;
        let balance_types = request.balance_types.clone();

        let region = R::REGION;
        let held = self
            .accounts
            .by_region
            .get(&region)
            .and_then(|accounts| accounts.get(&request.account_no))
            .ok_or_else(|| {
                Rejection::new(
                    Check::UnknownAccount,
                    format!(
                        "account {:?} is not in the emulator's {region} ledger; its {region} \
                         accounts (from the spec's documented examples) are: {}",
                        request.account_no,
                        self.accounts.list(region)
                    ),
                )
            })?;
        let held = held
            .downcast_ref::<InquiryBalanceResponse<R>>()
            .ok_or_else(|| {
                Rejection::new(
                    Check::InternalError,
                    format!(
                        "the emulator's {region} ledger holds the wrong type for this account; \
                         this is a bug in the emulator, please report it"
                    ),
                )
            })?;

        let mut entries: Vec<AccountInfo<R>> = held
            .account_infos
            .iter()
            .filter(|entry| balance_types.contains(&entry.balance_type))
            .cloned()
            .collect();
        if entries.is_empty() {
            let held_types: Vec<&str> = held
                .account_infos
                .iter()
                .map(|entry| entry.balance_type.as_str())
                .collect();
            let asked: Vec<&str> = balance_types
                .iter()
                .map(crate::definitions::BalanceType::as_str)
                .collect();
            return Err(Rejection::new(
                Check::NoMatchingBalance,
                format!(
                    "account {:?} holds no balance of the requested types {asked:?} in the \
                     emulator's ledger; it holds {held_types:?}",
                    request.account_no
                ),
            ));
        }
        // Keep the form the ledger has: one object stays one object.
        let account_infos = if entries.len() == 1 && matches!(held.account_infos, OneOrMany::One(_))
        {
            match entries.pop() {
                Some(entry) => OneOrMany::One(entry),
                None => OneOrMany::Many(entries),
            }
        } else {
            OneOrMany::Many(entries)
        };

        let response = InquiryBalanceResponse::<R> {
            code: gateway::SUCCESS_CODE.to_owned(),
            message: held.message.clone(),
            account_no: Some(request.account_no),
            name: held.name.clone(),
            balance_types: Some(balance_types),
            account_infos,
            extra: held.extra.clone(),
        };
        serde_json::to_vec(&response).map_err(|e| {
            Rejection::new(
                Check::InternalError,
                format!(
                    "the emulator could not serialize its {region} answer ({e}); this is a bug \
                     in the emulator, please report it"
                ),
            )
        })
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
