//! Transactions scoped to a user and, optionally, a tenant.
//!
//! `set_config(..., true)` makes the setting local to the transaction, so a
//! pooled connection never carries one request's tenant into the next.
//!
//! The settings travel in the same message as `BEGIN` (one round trip
//! instead of two, on every request). That message is a simple query, so
//! its values are written into the SQL rather than bound: only `Uuid`s,
//! whose text form is hex digits and dashes, never anything a caller typed.

use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

/// Starts a transaction acting for `user_id` inside `restaurant_id`.
pub async fn begin(
    pool: &PgPool,
    user_id: Uuid,
    restaurant_id: Uuid,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    pool.begin_with(format!(
        "begin; select set_config('flux.user_id', '{user_id}', true), \
         set_config('flux.restaurant_id', '{restaurant_id}', true)"
    ))
    .await
}

/// Starts a transaction acting for `user_id` with no tenant: it can see the
/// user's own memberships and restaurants, and no tenant data.
pub async fn begin_user(
    pool: &PgPool,
    user_id: Uuid,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    pool.begin_with(format!(
        "begin; select set_config('flux.user_id', '{user_id}', true)"
    ))
    .await
}

/// Switches an open transaction to another tenant (used right after
/// creating a restaurant, whose rows must be written as that tenant).
pub async fn set_restaurant(
    tx: &mut sqlx::PgConnection,
    restaurant_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query("select set_config('flux.restaurant_id', $1, true)")
        .bind(restaurant_id.to_string())
        .execute(tx)
        .await?;
    Ok(())
}
