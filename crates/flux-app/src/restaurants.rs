//! Creating restaurants and managing their members.

use flux_domain::restaurant::Profile;
use flux_domain::role::Role;
use flux_domain::settings::Settings;
use flux_store::{members, restaurants, settings, tenant, PgConnection, PgPool};
use uuid::Uuid;

use crate::{AppError, Kind};

/// Creates a restaurant with its creator as owner and default settings
/// written out, in one transaction.
pub async fn create(
    pool: &PgPool,
    user_id: Uuid,
    profile: &Profile,
) -> Result<restaurants::Restaurant, AppError> {
    let restaurant_id = Uuid::now_v7();
    let mut tx = tenant::begin(pool, user_id, restaurant_id).await?;
    let r = restaurants::insert(&mut tx, restaurant_id, profile, user_id).await?;
    members::insert(&mut tx, restaurant_id, user_id, Role::Owner.as_str()).await?;
    settings::upsert(&mut tx, restaurant_id, &Settings::default().to_pairs()).await?;
    // The nightly forecast at 02:00 local time; each run schedules the next.
    let first_night = flux_domain::restaurant::next_local_hour(
        profile.timezone,
        chrono::Utc::now(),
        flux_domain::restaurant::NIGHTLY_FORECAST_HOUR,
    );
    flux_store::jobs::enqueue_nightly(&mut tx, restaurant_id, first_night).await?;
    tx.commit().await?;
    Ok(r)
}

/// Fails if the change would leave the restaurant without an owner.
pub async fn ensure_not_last_owner(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    member_role: &str,
) -> Result<(), AppError> {
    if member_role == Role::Owner.as_str()
        && members::count_owners_locked(conn, restaurant_id).await? <= 1
    {
        return Err(AppError::new(
            Kind::LastOwner,
            "a restaurant must keep at least one owner; make someone else owner first",
        ));
    }
    Ok(())
}
