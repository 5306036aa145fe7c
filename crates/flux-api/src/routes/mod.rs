//! HTTP handlers, one module per resource. Handlers stay thin: extract,
//! authorise, call a service or the SQL layer, shape the response.

pub mod audit;
pub mod auth;
pub mod costing;
pub mod events;
pub mod forecast;
pub mod health;
pub mod hours;
pub mod ingredients;
pub mod inventory;
pub mod invitations;
pub mod invoices;
pub mod labor;
pub mod members;
pub mod menu;
pub mod menu_photos;
pub mod purchasing;
pub mod recipes;
pub mod restaurants;
pub mod sales;
pub mod settings;
pub mod uploads;
pub mod weather;

use chrono::NaiveDate;

use crate::error::{ApiError, Code};

/// The one rule for date ranges in query strings: in order, at most ten
/// years (a bound on the work one request can ask for).
pub(crate) fn check_period(from: NaiveDate, to: NaiveDate) -> Result<(), ApiError> {
    if from > to {
        return Err(ApiError::new(
            Code::InvalidQuery,
            "`from` must not be after `to`",
        ));
    }
    if (to - from).num_days() > 3660 {
        return Err(ApiError::new(
            Code::InvalidQuery,
            "the range is limited to 10 years",
        ));
    }
    Ok(())
}
