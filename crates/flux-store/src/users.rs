//! User accounts (global, not tenant data).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{Result, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub user_id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut PgConnection, email: &str, password_hash: &str) -> Result<User> {
    sqlx::query_as(
        "insert into users (user_id, email, password_hash) values ($1, $2, $3)
         returning user_id, email, password_hash, created_at",
    )
    .bind(Uuid::now_v7())
    .bind(email)
    .bind(password_hash)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

pub async fn by_email(conn: &mut PgConnection, email: &str) -> Result<Option<User>> {
    Ok(sqlx::query_as(
        "select user_id, email, password_hash, created_at from users where email = $1",
    )
    .bind(email)
    .fetch_optional(conn)
    .await?)
}

pub async fn by_id(conn: &mut PgConnection, user_id: Uuid) -> Result<Option<User>> {
    Ok(sqlx::query_as(
        "select user_id, email, password_hash, created_at from users where user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(conn)
    .await?)
}

/// Replaces a user's password hash.
pub async fn set_password_hash(conn: &mut PgConnection, user_id: Uuid, hash: &str) -> Result<bool> {
    Ok(
        sqlx::query("update users set password_hash = $2 where user_id = $1")
            .bind(user_id)
            .bind(hash)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}

/// Replaces a user's (normalised) address; [`StoreError::Conflict`] when
/// another account has it.
pub async fn set_email(
    conn: &mut PgConnection,
    user_id: Uuid,
    email: &str,
) -> Result<Option<User>> {
    sqlx::query_as(
        "update users set email = $2, updated_at = now() where user_id = $1
         returning user_id, email, password_hash, created_at",
    )
    .bind(user_id)
    .bind(email)
    .fetch_optional(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

/// Schedules (or with `None` cancels) the account's erasure; returns the
/// value it replaced.
pub async fn set_erase_after(
    conn: &mut PgConnection,
    user_id: Uuid,
    at: Option<DateTime<Utc>>,
) -> Result<Option<DateTime<Utc>>> {
    Ok(sqlx::query_scalar(
        "with old as (select erase_after from users where user_id = $1 for update)
         update users set erase_after = $2 where user_id = $1
         returning (select erase_after from old)",
    )
    .bind(user_id)
    .bind(at)
    .fetch_optional(conn)
    .await?
    .flatten())
}

/// When the account is due to be erased, if it is.
pub async fn erase_after(conn: &mut PgConnection, user_id: Uuid) -> Result<Option<DateTime<Utc>>> {
    Ok(
        sqlx::query_scalar("select erase_after from users where user_id = $1")
            .bind(user_id)
            .fetch_optional(conn)
            .await?
            .flatten(),
    )
}

/// Deletes the account; its sessions, tokens and keys cascade.
pub async fn delete(conn: &mut PgConnection, user_id: Uuid) -> Result<bool> {
    Ok(sqlx::query("delete from users where user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?
        .rows_affected()
        > 0)
}
