//! Transactions scoped to a user and, optionally, a tenant.
//!
//! `set_config(..., true)` makes the setting local to the transaction, so a
//! pooled connection never carries one request's tenant into the next.

use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

/// Starts a transaction acting for `user_id` inside `restaurant_id`.
pub async fn begin(
    pool: &PgPool,
    user_id: Uuid,
    restaurant_id: Uuid,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "select set_config('flux.user_id', $1, true), set_config('flux.restaurant_id', $2, true)",
    )
    .bind(user_id.to_string())
    .bind(restaurant_id.to_string())
    .execute(&mut *tx)
    .await?;
    Ok(tx)
}

/// Starts a transaction acting for `user_id` with no tenant: it can see the
/// user's own memberships and restaurants, and no tenant data.
pub async fn begin_user(
    pool: &PgPool,
    user_id: Uuid,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("select set_config('flux.user_id', $1, true)")
        .bind(user_id.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(tx)
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
