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
