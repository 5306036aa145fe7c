//! Restaurants, the tenants.

use chrono::{DateTime, Utc};
use flux_domain::restaurant::{Currency, Locale, Timezone};
use flux_domain::role::Role;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;

/// A restaurant as stored. Timezone, currency and locale are parsed as the
/// row is read: a value that does not parse fails the query instead of
/// being read as some default.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Restaurant {
    pub restaurant_id: Uuid,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub timezone: Timezone,
    #[sqlx(try_from = "String")]
    pub currency: Currency,
    #[sqlx(try_from = "String")]
    pub locale: Locale,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A restaurant together with the asking user's role in it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RestaurantWithRole {
    #[sqlx(flatten)]
    pub restaurant: Restaurant,
    #[sqlx(try_from = "String")]
    pub role: Role,
}

const COLUMNS: &str =
    "r.restaurant_id, r.name, r.timezone, r.currency, r.locale, r.created_at, r.updated_at";

/// Inserts a restaurant. The transaction's tenant must already be
/// `restaurant_id` (row-level security checks it).
pub async fn insert(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    p: &flux_domain::restaurant::Profile,
    created_by: Uuid,
) -> Result<Restaurant> {
    Ok(sqlx::query_as(&format!(
        "insert into restaurants as r (restaurant_id, name, timezone, currency, locale, created_by)
         values ($1, $2, $3, $4, $5, $6) returning {COLUMNS}"
    ))
    .bind(restaurant_id)
    .bind(&p.name)
    .bind(p.timezone.name())
    .bind(p.currency.as_str())
    .bind(p.locale.as_str())
    .bind(created_by)
    .fetch_one(conn)
    .await?)
}

/// The restaurants `user_id` belongs to, by name.
pub async fn list_for_user(
    conn: &mut PgConnection,
    user_id: Uuid,
) -> Result<Vec<RestaurantWithRole>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS}, m.role from restaurants r
         join memberships m on m.restaurant_id = r.restaurant_id
         where m.user_id = $1 order by lower(r.name), r.restaurant_id"
    ))
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

pub async fn get(conn: &mut PgConnection, restaurant_id: Uuid) -> Result<Option<Restaurant>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from restaurants r where r.restaurant_id = $1"
    ))
    .bind(restaurant_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn update(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    p: &flux_domain::restaurant::Profile,
) -> Result<Option<Restaurant>> {
    Ok(sqlx::query_as(&format!(
        "update restaurants r set name = $2, timezone = $3, currency = $4, locale = $5, updated_at = now()
         where r.restaurant_id = $1 returning {COLUMNS}"
    ))
    .bind(restaurant_id)
    .bind(&p.name)
    .bind(p.timezone.name())
    .bind(p.currency.as_str())
    .bind(p.locale.as_str())
    .fetch_optional(conn)
    .await?)
}
