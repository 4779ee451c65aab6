//! The checks generated `validate` methods call: one hand-written copy shared by every region.

use crate::{BalanceType, RegionSpec, ValidationError};

/// Checks that `value` is at most `max` characters long.
pub fn max_chars(field: &'static str, value: &str, max: u32) -> Result<(), ValidationError> {
    let length = value.chars().count();
    if length > max as usize {
        return Err(ValidationError::TooLong { field, max, length });
    }
    Ok(())
}

/// Checks that `value` is one of region `R`'s balance types.
pub fn balance_type<R: RegionSpec>(
    field: &'static str,
    value: &BalanceType,
) -> Result<(), ValidationError> {
    if R::INFO.balance_types.contains(&value.as_str()) {
        Ok(())
    } else {
        Err(ValidationError::BalanceTypeNotOffered {
            field,
            value: value.as_str().to_owned(),
            region: R::INFO.code,
            offered: R::INFO.balance_types,
        })
    }
}

/// Checks that `values` is not empty and holds only region `R`'s balance types.
pub fn balance_types<R: RegionSpec>(
    field: &'static str,
    values: &[BalanceType],
) -> Result<(), ValidationError> {
    if values.is_empty() {
        return Err(ValidationError::Empty { field });
    }
    values
        .iter()
        .try_for_each(|value| balance_type::<R>(field, value))
}
