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
    /// When the restaurant and all its data are deleted, if an owner asked.
    pub delete_after: Option<DateTime<Utc>>,
}

/// A restaurant together with the asking user's role in it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RestaurantWithRole {
    #[sqlx(flatten)]
    pub restaurant: Restaurant,
    #[sqlx(try_from = "String")]
    pub role: Role,
}

const COLUMNS: &str = "r.restaurant_id, r.name, r.timezone, r.currency, r.locale, r.created_at, \
     r.updated_at, r.delete_after";

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

/// Sets or clears when the restaurant is deleted; returns the previous value.
pub async fn set_delete_after(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    at: Option<DateTime<Utc>>,
) -> Result<Option<DateTime<Utc>>> {
    let previous: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(
        "select delete_after from restaurants where restaurant_id = $1 for update",
    )
    .bind(restaurant_id)
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query(
        "update restaurants set delete_after = $2, updated_at = now() where restaurant_id = $1",
    )
    .bind(restaurant_id)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(previous.flatten())
}

/// Tenant tables whose rows must go before the tables they reference
/// (restricting keys, or no key at all), children first. Every other tenant
/// table goes with the restaurant row by cascade; [`purge`] then sweeps
/// whatever table has a `restaurant_id` column, so a table added later is
/// never left behind.
const PURGE_ORDER: [&str; 18] = [
    "purchase_order_lines",
    "purchase_orders",
    "prep_counts",
    "recipe_waste",
    "recipe_lines",
    "ingredient_yields",
    "recipes",
    "stock_events",
    "supplier_offers",
    "suppliers",
    "ingredient_costs",
    "ingredients",
    "duplicate_lines",
    "transaction_items",
    "transactions",
    "daily_item_sales",
    "demand_forecasts",
    "forecast_runs",
];

/// Deletes the restaurant (the transaction's tenant) and every row it owns
/// in every table, its audit log last. Returns the rows deleted.
pub async fn purge(conn: &mut PgConnection, restaurant_id: Uuid) -> Result<u64> {
    let mut deleted = 0;
    for table in PURGE_ORDER {
        deleted += sqlx::query(&format!("delete from {table} where restaurant_id = $1"))
            .bind(restaurant_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    deleted += sqlx::query("delete from restaurants where restaurant_id = $1")
        .bind(restaurant_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let rest: Vec<String> = sqlx::query_scalar(
        "select c.table_name::text from information_schema.columns c
         join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
         where c.table_schema = current_schema() and c.column_name = 'restaurant_id'
           and t.table_type = 'BASE TABLE'
         order by (c.table_name = 'audit_log'), c.table_name",
    )
    .fetch_all(&mut *conn)
    .await?;
    for table in rest {
        deleted += sqlx::query(&format!(
            "delete from \"{}\" where restaurant_id = $1",
            table.replace('"', "\"\"")
        ))
        .bind(restaurant_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    // Queued work for the restaurant has nothing left to work on.
    sqlx::query(
        "delete from jobs where status = 'queued' and payload ->> 'restaurant_id' = $1::text",
    )
    .bind(restaurant_id)
    .execute(&mut *conn)
    .await?;
    Ok(deleted)
}
