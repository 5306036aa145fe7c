//! The purchasing use cases over the store.
//!
//! - [`suppliers`]: suppliers (lead time, delivery days, minimum order) and
//!   their offers per ingredient (pack size converted to the ingredient's
//!   base unit, pack price, preferred flag).
//! - [`stock`]: counts, deliveries and waste, and the running on-hand
//!   estimate between counts (count − usage from sales through recipes +
//!   deliveries − waste), with low-stock alerts.
//! - [`plan`]: the morning recommendation: the forecast's quantiles per
//!   dish-day exploded through recipes into each ingredient's demand
//!   distribution over its supplier's coverage window, the newsvendor
//!   quantity, minus on-hand and open orders, in packs, per supplier.
//! - [`orders`]: purchase orders from draft to sent to received (receipts
//!   become deliveries in stock), with a CSV for the supplier.
//! - [`prep`]: the kitchen's prep list for a day.
//! - [`mail`]: e-mailing an order to its supplier, when SMTP is configured.
//!
//! The maths lives in the pure `flux-purchasing` crate; this crate only
//! gathers its inputs inside the tenant transaction and stores results.
//!
//! The API and the dashboard call the same functions for every write (a
//! supplier, an offer, a stock event, an order and its moves), so both
//! validate, word a taken name and refuse a wrong state the same way; each
//! answers with an [`AppError`] the caller renders.

pub mod mail;
pub mod orders;
pub mod plan;
pub mod prep;
pub mod stock;
pub mod suppliers;

use crate::{AppError, Kind};

/// The engine refusing its inputs (an impossible quantile, a bad pack) is
/// a validation failure of the request, so `?` works on engine calls.
impl From<flux_purchasing::ProcurementError> for AppError {
    fn from(e: flux_purchasing::ProcurementError) -> Self {
        AppError::new(Kind::Validation, e.to_string())
    }
}

/// An order that is not in the state the request needs (editing a sent
/// order): a conflict with what is stored.
pub(crate) fn wrong_state(detail: String) -> AppError {
    AppError::new(Kind::Conflict, detail)
}

/// Every purchasing use case answers with the application's error.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// A stored value outside the set the schema allows: the database and this
/// code disagree, which is an internal failure, never the caller's.
pub(crate) fn undecodable(what: &str, value: &str) -> AppError {
    AppError::Database(sqlx::Error::Decode(
        format!("unknown {what} {value:?} in the database").into(),
    ))
}
