//! Restaurants, the tenants: creating one with its owner, settings and
//! nightly forecast; listing a user's restaurants; reading and changing a
//! profile; and the rule that a restaurant always keeps an owner.
//! Deleting one, with a grace period, is [`deletion`].

pub mod deletion;

use flux_domain::restaurant::Profile;
use flux_domain::role::Role;
use flux_domain::settings::Settings;
use flux_store::{members, restaurants, settings, tenant, PgConnection, PgPool};
use uuid::Uuid;

pub use flux_domain::restaurant::ProfilePatch;
pub use flux_store::restaurants::{Restaurant, RestaurantWithRole};

use crate::{AppError, AppResult, Kind};

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

/// The restaurants `user_id` belongs to, by name, each with their role.
/// `conn` is a transaction opened for the user alone
/// (`flux_store::tenant::begin_user`): no restaurant is chosen yet.
pub async fn mine(conn: &mut PgConnection, user_id: Uuid) -> AppResult<Vec<RestaurantWithRole>> {
    Ok(restaurants::list_for_user(conn, user_id).await?)
}

/// One restaurant.
pub async fn get(conn: &mut PgConnection, restaurant_id: Uuid) -> AppResult<Restaurant> {
    restaurants::get(conn, restaurant_id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Changes the profile: fields left `None` keep their stored value, every
/// field given is validated, and all problems are reported at once.
pub async fn update(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    patch: &ProfilePatch,
) -> AppResult<Restaurant> {
    let row = get(conn, restaurant_id).await?;
    let current = Profile {
        name: row.name,
        timezone: row.timezone.tz(),
        currency: row.currency,
        locale: row.locale,
    };
    let next = current.apply(patch)?;
    restaurants::update(conn, restaurant_id, &next)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Fails if changing or removing a member whose role is `member_role`
/// would leave the restaurant without an owner. The owners are locked, so
/// two owners demoting each other at once cannot both succeed.
pub async fn ensure_not_last_owner(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    member_role: Role,
) -> Result<(), AppError> {
    if member_role == Role::Owner && members::count_owners_locked(conn, restaurant_id).await? <= 1 {
        return Err(AppError::new(
            Kind::LastOwner,
            "a restaurant must keep at least one owner; make someone else owner first",
        ));
    }
    Ok(())
}
