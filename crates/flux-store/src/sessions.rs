//! Dashboard sessions (see the migration): rows keyed by the SHA-256 of the
//! cookie's secret, per user, with an absolute expiry.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;

pub async fn insert(
    conn: &mut PgConnection,
    token_hash: &[u8],
    user_id: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("insert into sessions (token_hash, user_id, expires_at) values ($1, $2, $3)")
        .bind(token_hash)
        .bind(user_id)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// The user of a live session: one primary-key lookup, `None` when the
/// session was ended or has expired.
pub async fn live_user(conn: &mut PgConnection, token_hash: &[u8]) -> Result<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "select user_id from sessions where token_hash = $1 and expires_at > now()",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

/// Ends one session; `false` if there was none (already ended).
pub async fn delete(conn: &mut PgConnection, token_hash: &[u8]) -> Result<bool> {
    Ok(sqlx::query("delete from sessions where token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?
        .rows_affected()
        > 0)
}

/// Ends every session of a user; returns how many there were.
pub async fn delete_all_for_user(conn: &mut PgConnection, user_id: Uuid) -> Result<u64> {
    Ok(sqlx::query("delete from sessions where user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?
        .rows_affected())
}

/// Drops a user's sessions that have expired, so the table does not grow
/// with every login.
pub async fn delete_expired_for_user(conn: &mut PgConnection, user_id: Uuid) -> Result<u64> {
    Ok(
        sqlx::query("delete from sessions where user_id = $1 and expires_at <= now()")
            .bind(user_id)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// Moves a session's expiry (tests use it to age a session).
pub async fn set_expiry(
    conn: &mut PgConnection,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<bool> {
    Ok(
        sqlx::query("update sessions set expires_at = $2 where token_hash = $1")
            .bind(token_hash)
            .bind(expires_at)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}

/// When each of a user's live sessions started and ends (for their data
/// export; the hashes stay here).
pub async fn list_for_user(
    conn: &mut PgConnection,
    user_id: Uuid,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
    Ok(sqlx::query_as(
        "select created_at, expires_at from sessions where user_id = $1 order by created_at",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}
