//! Checked decimal arithmetic for figures derived from input.
//!
//! `Decimal` panics on overflow. Quantities and prices arrive from users
//! and imports, so an absurd figure (10²⁷ kg) must come back as an error
//! from the engine rather than abort the caller.

use rust_decimal::Decimal;

use crate::error::CostingError;

pub(crate) fn mul(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, CostingError> {
    a.checked_mul(b).ok_or_else(|| overflow(what))
}

pub(crate) fn div(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, CostingError> {
    a.checked_div(b).ok_or_else(|| overflow(what))
}

pub(crate) fn add(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, CostingError> {
    a.checked_add(b).ok_or_else(|| overflow(what))
}

pub(crate) fn sum(
    values: impl IntoIterator<Item = Decimal>,
    what: &str,
) -> Result<Decimal, CostingError> {
    values
        .into_iter()
        .try_fold(Decimal::ZERO, |acc, v| add(acc, v, what))
}

fn overflow(what: &str) -> CostingError {
    CostingError::Overflow {
        what: what.to_owned(),
    }
}
