//! The rules a Smilepayz request follows, as data, and the one checker that applies them.
//!
//! The [`smilepayz`](https://docs.rs/smilepayz) SDK and its generator (`smilepayz-codegen`)
//! share this crate, so a body is judged by one piece of code wherever it is judged:
//!
//! - the SDK's generated tables (`regions::thb::INQUIRY_BALANCE_REQUEST_RULES`) are
//!   [`Object`]s of [`Field`]s and [`Kind`]s written as `const` items; `smilepayz::rules::check`,
//!   the local emulator and `smilepayz call` run [`Checker::check`] on raw JSON bodies, and the
//!   typed requests' checks call its scalar checks ([`Checker::check_str`] and the rest);
//! - the generator builds the same tables from the spec at run time and runs [`Checker`] on
//!   every example and default the spec gives, before it writes any code.
//!
//! Amounts are exact decimals ([`Amount`], re-exported by the SDK as `smilepayz::Amount`), and
//! timestamps are read by [`read_timestamp`] (the SDK's `Timestamp::parse`).
//!
//! Merchants do not depend on this crate directly: the SDK re-exports what they use.

mod amount;
mod check;
mod pattern;
mod table;
mod timestamp;

use std::fmt;

pub use amount::{Amount, AmountError, MAX_DIGITS};
pub use check::{Bounds, Checker, RegionFacts, Side, check_list_len, problem, push_index};
pub use pattern::{Atom, Pattern};
pub use table::{Chars, Field, Kind, MAX_REQUEST_AMOUNT, MoneyShape, Object, RequiredWhen};
pub use timestamp::{days_from_civil, read_timestamp, timestamp_ok};

/// One field that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's JSON path, e.g. `payer.accountNo` or `balanceTypes[0]`; `(body)` for the
    /// body as a whole.
    pub path: String,
    /// What is wrong, e.g. `required in THB`.
    pub message: String,
}

impl FieldProblem {
    /// A mandatory field that is missing.
    pub fn required(path: &str, region: &str) -> Self {
        FieldProblem {
            path: path.to_owned(),
            message: format!("required in {region}"),
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
