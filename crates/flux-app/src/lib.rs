//! The application layer: every use case of Flux, written once.
//!
//! The JSON API (`flux-api`), the dashboard (`flux-web`), the command line
//! (`flux`) and the job worker (`flux-jobs`) are adapters: they parse
//! input, call a function here, and render what it returns. Nothing here
//! knows about HTTP, HTML or terminals; everything that touches the
//! database goes through `flux-store`, and the maths lives in the pure
//! engine crates (`flux-ingest`, `flux-forecast`, `flux-costing`,
//! `flux-purchasing`).
//!
//! One module per product area, named as the routes and pages name it:
//! - [`accounts`]: sign-up, login (throttled), token rotation, logout, the
//!   signed-in user;
//! - [`tenancy`]: entering a restaurant (the membership check of every
//!   tenant request);
//! - [`restaurants`]: creating one with its owner, settings and nightly
//!   forecast; listing, reading and updating the profile;
//! - [`members`]: who works there and in which role; the last-owner rule;
//! - [`settings`] and [`hours`]: typed settings and weekly opening hours;
//! - [`menu`]: dishes and their aliases;
//! - [`menu_photos`]: a photo of the printed menu read into proposed
//!   dishes (local OCR or a vision model), confirmed by the owner;
//! - [`uploads`]: sales files in (parse, dedupe, store, roll up), history,
//!   undo, data health;
//! - [`sales`]: daily totals, best sellers, weekday profile, the overview;
//! - [`forecasts`]: forecast runs (the engine off the async executor, under
//!   a time budget), stored forecasts, feedback and accuracy;
//! - [`costing`]: ingredients and prices, recipes, COGS, explosion,
//!   profitability and menu engineering, the dish library;
//! - [`purchasing`]: suppliers and offers, stock, the morning order
//!   recommendation, purchase orders, the prep list;
//! - [`events`] and [`weather`]: the restaurant's calendar and its daily
//!   weather (provider and file import), both inputs of the forecast;
//! - [`operations`]: what the metrics endpoint samples (job queue, pool).
//!
//! **Transactions.** A use case takes the caller's tenant transaction
//! (`&mut PgConnection`, opened with `flux_store::tenant::begin`) and never
//! commits it: the adapter commits once the whole request succeeded, so a
//! failure anywhere leaves nothing behind. The long-running runs own their
//! transactions and take the pool instead, each through one documented
//! entry point: [`uploads::import`] (a sales file), the forecast run and
//! [`weather::refresh`] (no transaction is held while the provider answers).

pub mod accounts;
pub mod audit;
pub mod costing;
mod error;
pub mod events;
pub mod forecasts;
pub mod hours;
pub mod idempotency;
pub mod inventory;
pub mod invitations;
pub mod labor;
pub mod members;
pub mod menu;
pub mod menu_photos;
pub mod operations;
pub mod purchasing;
pub mod restaurants;
pub mod retention;
pub mod sales;
pub mod settings;
pub mod tenancy;
pub mod uploads;
pub mod weather;

pub use error::{AppError, AppResult, Kind};

/// A `from`–`to` period of days as given by a caller: `from` must not come
/// after `to`.
pub(crate) fn check_period(from: chrono::NaiveDate, to: chrono::NaiveDate) -> AppResult<()> {
    if from > to {
        return Err(AppError::field(
            Kind::Validation,
            "from",
            "after_to",
            "must not be after `to`",
        ));
    }
    Ok(())
}
