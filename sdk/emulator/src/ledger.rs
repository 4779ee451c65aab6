//! What the emulator holds per endpoint, seeded from the spec's examples.

use std::collections::HashMap;

use super::EmulatorError;
use smilepayz::endpoints::inquiry_balance::{AnyInquiryBalanceResponse, ENDPOINT};
use smilepayz::{Region, gateway};

/// What the emulator holds, per endpoint.
pub(super) struct Ledger {
    /// Balance accounts, for `inquiry-balance`.
    pub(super) inquiry_balance: Accounts,
}

impl Ledger {
    /// Seeds every endpoint's data from the spec's examples.
    pub(super) fn seed() -> Result<Self, EmulatorError> {
        Ok(Self {
            inquiry_balance: Accounts::seed()?,
        })
    }
}

/// Each region's documented success answer, read as the region's response.
pub(super) struct Accounts {
    pub(super) templates: HashMap<Region, AnyInquiryBalanceResponse>,
}

impl Accounts {
    /// Every region's first documented success answer.
    ///
    /// # Errors
    /// [`EmulatorError::InvalidExample`] if an example response is not valid for its region.
    pub(super) fn seed() -> Result<Self, EmulatorError> {
        let mut templates = HashMap::new();
        for region in Region::ALL {
            let Some(offered) = region.info().endpoint(ENDPOINT.id) else {
                continue;
            };
            for example in offered.examples {
                let Some(body) = example.response.and_then(|message| message.body) else {
                    continue;
                };
                let response =
                    AnyInquiryBalanceResponse::from_json(*region, body).map_err(|e| {
                        EmulatorError::InvalidExample {
                            endpoint: ENDPOINT.id,
                            region: *region,
                            example: example.name,
                            reason: e.to_string(),
                        }
                    })?;
                // An error example holds no account.
                if response.code() == gateway::SUCCESS_CODE {
                    templates.entry(*region).or_insert(response);
                }
            }
        }
        Ok(Accounts { templates })
    }
}
