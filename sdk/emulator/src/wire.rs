//! Answer shapes shared by the endpoints and the callbacks.

use serde::Serialize;

use smilepayz::Decimal;

/// A `money` object as answers and notifications carry it: the amount from its own digits.
#[derive(Serialize)]
pub(super) struct MoneyOut<'a> {
    pub(super) currency: &'a str,
    pub(super) amount: Decimal,
}
