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
//! The maths lives in the pure `flux-procurement` crate; this crate only
//! gathers its inputs inside the tenant transaction and stores results.

pub mod mail;
pub mod orders;
pub mod plan;
pub mod prep;
pub mod stock;
pub mod suppliers;

use crate::costing::KitchenError;

/// Why a purchasing request failed.
#[derive(Debug, thiserror::Error)]
pub enum SupplyError {
    #[error(transparent)]
    Invalid(#[from] flux_domain::Invalid),
    #[error("not found")]
    NotFound,
    /// The order is not in a state that allows this (e.g. editing a sent order).
    #[error("{0}")]
    WrongState(String),
    #[error(transparent)]
    Kitchen(#[from] KitchenError),
    #[error(transparent)]
    Procurement(#[from] flux_procurement::ProcurementError),
    #[error(transparent)]
    Store(#[from] flux_store::StoreError),
}

impl From<sqlx::Error> for SupplyError {
    fn from(e: sqlx::Error) -> Self {
        SupplyError::Store(e.into())
    }
}

pub type Result<T, E = SupplyError> = std::result::Result<T, E>;
