//! Errors.

/// A request value the spec does not allow. Says which field and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// A string is longer than the spec allows.
    #[error("`{field}` is {length} characters long; the gateway accepts at most {max}")]
    TooLong {
        /// The field's JSON name.
        field: &'static str,
        /// The most characters allowed.
        max: u32,
        /// How many it has.
        length: usize,
    },
    /// A list that needs at least one entry is empty.
    #[error(
        "`{field}` is empty; give at least one value (the documented default is [\"BALANCE\"])"
    )]
    Empty {
        /// The field's JSON name.
        field: &'static str,
    },
    /// A balance type the region does not offer.
    #[error(
        "`{field}` has {value:?}, which region {region} does not offer; use one of {offered:?}"
    )]
    BalanceTypeNotOffered {
        /// The field's JSON name.
        field: &'static str,
        /// The value given.
        value: String,
        /// The region's code.
        region: &'static str,
        /// The balance types the region offers.
        offered: &'static [&'static str],
    },
}
