//! Refresh-token families (see the migration for the rotation rules).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefreshToken {
    pub user_id: Uuid,
    pub family_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn insert(
    conn: &mut PgConnection,
    token_hash: &[u8],
    user_id: Uuid,
    family_id: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "insert into refresh_tokens (token_hash, user_id, family_id, expires_at) values ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(family_id)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Loads a token and locks its row, so two concurrent refreshes with the
/// same token cannot both succeed.
pub async fn lock(conn: &mut PgConnection, token_hash: &[u8]) -> Result<Option<RefreshToken>> {
    Ok(sqlx::query_as(
        "select user_id, family_id, expires_at, used_at, revoked_at
         from refresh_tokens where token_hash = $1 for update",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

pub async fn mark_used(conn: &mut PgConnection, token_hash: &[u8]) -> Result<()> {
    sqlx::query("update refresh_tokens set used_at = now() where token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn revoke_family(conn: &mut PgConnection, family_id: Uuid) -> Result<u64> {
    Ok(sqlx::query(
        "update refresh_tokens set revoked_at = now() where family_id = $1 and revoked_at is null",
    )
    .bind(family_id)
    .execute(conn)
    .await?
    .rows_affected())
}

pub async fn revoke_all_for_user(conn: &mut PgConnection, user_id: Uuid) -> Result<u64> {
    Ok(sqlx::query(
        "update refresh_tokens set revoked_at = now() where user_id = $1 and revoked_at is null",
    )
    .bind(user_id)
    .execute(conn)
    .await?
    .rows_affected())
}

/// A refresh token's history without its hash (for the user's data export).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRecord {
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn list_for_user(conn: &mut PgConnection, user_id: Uuid) -> Result<Vec<TokenRecord>> {
    Ok(sqlx::query_as(
        "select created_at, expires_at, used_at, revoked_at from refresh_tokens
         where user_id = $1 order by created_at",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}
