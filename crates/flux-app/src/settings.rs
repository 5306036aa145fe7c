//! A restaurant's typed settings (waste in costs, forecast horizon, service
//! level, business-day cut-off, holiday calendar): read with defaults for
//! those never set, and changed all or nothing.

use flux_domain::Invalid;
use flux_store::PgConnection;
use serde_json::{Map, Value};
use uuid::Uuid;

pub use flux_domain::settings::{Settings, HOLIDAY_COUNTRIES};

use crate::AppResult;

/// All settings, with defaults for those never set.
pub async fn get(conn: &mut PgConnection, restaurant_id: Uuid) -> AppResult<Settings> {
    let rows = flux_store::settings::load(conn, restaurant_id).await?;
    Ok(Settings::from_stored(
        rows.iter().map(|(k, v)| (k.as_str(), v)),
    ))
}

/// Checks a patch without storing it: every unknown key and bad value is
/// reported. Whether a value is valid never depends on the stored ones, so
/// this needs no database.
pub fn check(patch: &Map<String, Value>) -> Result<(), Invalid> {
    Settings::default().apply_patch(patch).map(drop)
}

/// Applies a partial update (keys as in [`Settings`]) and stores the result.
/// All or nothing: one bad key or value rejects the whole patch with every
/// problem listed. Every setting is written out, so what is stored never
/// depends on the defaults of the release that reads it.
pub async fn update(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    patch: &Map<String, Value>,
) -> AppResult<Settings> {
    let next = get(conn, restaurant_id).await?.apply_patch(patch)?;
    flux_store::settings::upsert(conn, restaurant_id, &next.to_pairs()).await?;
    Ok(next)
}
