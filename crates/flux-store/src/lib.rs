//! Flux's SQL layer. Every query the product runs lives in this crate, one
//! module per aggregate, so the schema can change in one place.
//!
//! Rules of the layer:
//! - Functions take an explicit `&mut PgConnection` (a transaction, in
//!   practice) so callers decide atomicity; nothing here opens its own
//!   transaction except [`tenant`]'s helpers, which exist to set the tenant.
//! - Tenant data is read and written only inside a transaction started by
//!   [`tenant::begin`]; row-level security then guarantees the rows of other
//!   restaurants are invisible even if a query forgets its `restaurant_id`
//!   filter. Queries still filter by `restaurant_id`: it is what lets the
//!   planner (and Citus) route them.

pub mod audit;
pub mod costing;
pub mod events;
pub mod forecasts;
pub mod hours;
pub mod idempotency;
pub mod inventory;
pub mod invitations;
pub mod invoices;
pub mod jobs;
pub mod labor;
pub mod members;
pub mod menu;
pub mod menu_photos;
pub mod pool;
pub mod purchasing;
pub mod recipe_suggestions;
pub mod restaurants;
pub mod retention;
pub mod sales;
pub mod sessions;
pub mod settings;
pub mod status;
pub mod stockouts;
pub mod tenant;
pub mod throttle;
pub mod tokens;
pub mod transfers;
pub mod uploads;
pub mod users;
pub mod weather;

pub use pool::{connect_app, migrate, MIGRATOR};
pub use sqlx::{PgConnection, PgPool, Postgres, Transaction};

/// What the SQL layer reports to services.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint rejected the write; carries the constraint name so
    /// the caller can turn it into a field error.
    #[error("conflict on {0}")]
    Conflict(String),
    /// A foreign key refused a delete (or an insert referencing a missing
    /// row); carries the constraint name.
    #[error("still in use ({0})")]
    InUse(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl StoreError {
    /// Classifies a driver error: unique violations become
    /// [`StoreError::Conflict`], foreign-key violations [`StoreError::InUse`].
    pub fn from_sqlx(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return StoreError::Conflict(db.constraint().unwrap_or_default().to_string());
            }
            if db.is_foreign_key_violation() {
                return StoreError::InUse(db.constraint().unwrap_or_default().to_string());
            }
        }
        StoreError::Db(e)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An `ILIKE` pattern matching `text` anywhere, with LIKE's metacharacters
/// escaped so a search for "50%" means the text.
pub(crate) fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
