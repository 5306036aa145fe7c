//! Inventory control: knowing where the food went.
//!
//! - [`variance`]: actual against theoretical usage per ingredient and
//!   period (counts, deliveries and waste against sales through recipes),
//!   valued in money and ranked, with the food-cost percentages and a trend
//!   over periods.
//! - [`waste`]: the waste log with reasons, for ingredients and for preps
//!   and dishes (costed and exploded through their recipes).
//! - [`group`]: the owner's restaurants side by side (sales, food cost,
//!   waste, variance, labor), each read under its own tenancy.
//! - [`invoices`]: supplier invoices and credit notes, entered or imported
//!   from CSV, matched against the purchase order and the receipt, feeding
//!   the ingredients' price history with an alert on a sharp rise.
//! - [`transfers`]: stock sent between two of the user's restaurants, or
//!   requested from a central kitchen and sent by it; both sides recorded
//!   and costed, each under its own tenancy.
//! - [`allergens`]: each ingredient's reviewed declaration, rolled up
//!   through sub-recipes to every dish (the allergen matrix), and the check
//!   that flags a recipe change that changes a dish's allergens.
//!
//! The arithmetic lives in the pure engine (`flux_costing::variance`,
//! `flux_costing::allergen`); these use cases gather its inputs inside the
//! tenant transaction.

pub mod allergens;
pub mod group;
pub mod invoices;
pub mod transfers;
pub mod variance;
pub mod waste;

pub use flux_store::status::{
    CreditReason, InvoiceKind, TransferDirection, TransferStatus, WasteReason,
};

/// Every inventory use case answers with the application's error.
pub type Result<T, E = crate::AppError> = std::result::Result<T, E>;

/// The longest period a report covers: a year, so one request reads a
/// bounded amount of sales.
pub const MAX_PERIOD_DAYS: i64 = 366;

/// A period from the request, checked: `from` ≤ `to`, at most a year.
pub fn period(
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate)> {
    if to < from {
        return Err(
            flux_domain::Invalid::one("to", "before_from", "must not be before from").into(),
        );
    }
    if (to - from).num_days() >= MAX_PERIOD_DAYS {
        return Err(flux_domain::Invalid::one(
            "to",
            "too_long",
            format!("a period covers at most {MAX_PERIOD_DAYS} days"),
        )
        .into());
    }
    Ok((from, to))
}
