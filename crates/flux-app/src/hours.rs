//! A restaurant's weekly operating hours. The forecaster reads a closed day
//! as "no demand, and nothing learned", so a schedule is validated whole
//! and replaced whole.

use flux_domain::Invalid;
use flux_store::PgConnection;
use uuid::Uuid;

pub use flux_domain::hours::{DayInput, TimeRange, WeeklyHours};

use crate::AppResult;

/// The stored week; days without ranges are closed.
pub async fn get(conn: &mut PgConnection, restaurant_id: Uuid) -> AppResult<WeeklyHours> {
    Ok(flux_store::hours::load(conn, restaurant_id).await?)
}

/// Checks a week without storing it, reporting every problem. Days not
/// listed are closed.
pub fn check(days: &[DayInput]) -> Result<WeeklyHours, Invalid> {
    WeeklyHours::parse(days)
}

/// Replaces the whole schedule and returns it as stored.
pub async fn replace(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    days: &[DayInput],
) -> AppResult<WeeklyHours> {
    let week = check(days)?;
    flux_store::hours::replace(conn, restaurant_id, &week).await?;
    Ok(week)
}
