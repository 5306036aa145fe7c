//! Stored responses of idempotent POST requests (see the migration): one
//! row per user and key, claimed before the request runs and completed
//! with the response after it.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;

/// A response kept for replay.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredResponse {
    pub fingerprint: Vec<u8>,
    pub status: i16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// What a key holds now.
#[derive(Debug, Clone)]
pub enum KeyState {
    /// Never used, or only by a request long dead or a response expired:
    /// the caller now holds it.
    Claimed,
    /// Another request with this key is still running.
    Running,
    /// A response is stored.
    Done(StoredResponse),
}

/// Takes `key` for a new request of `user_id`, unless a live request or a
/// stored response already holds it. Responses older than `ttl_secs` and
/// running claims older than `stale_secs` no longer count and are
/// replaced; the user's other expired keys are swept on the way.
pub async fn claim(
    conn: &mut PgConnection,
    user_id: Uuid,
    key: &str,
    ttl_secs: i64,
    stale_secs: i64,
) -> Result<KeyState> {
    sqlx::query(
        "delete from idempotency_keys
         where user_id = $1
           and ((status is not null and created_at < now() - make_interval(secs => $2))
                or (status is null and created_at < now() - make_interval(secs => $3)))",
    )
    .bind(user_id)
    .bind(ttl_secs as f64)
    .bind(stale_secs as f64)
    .execute(&mut *conn)
    .await?;
    let inserted = sqlx::query(
        "insert into idempotency_keys (user_id, key) values ($1, $2) on conflict do nothing",
    )
    .bind(user_id)
    .bind(key)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(KeyState::Claimed);
    }
    let stored: Option<StoredResponse> = sqlx::query_as(
        "select fingerprint, status, content_type, location, body from idempotency_keys
         where user_id = $1 and key = $2 and status is not null",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(conn)
    .await?;
    Ok(stored.map_or(KeyState::Running, KeyState::Done))
}

/// Stores the response of a claimed key.
pub async fn complete(
    conn: &mut PgConnection,
    user_id: Uuid,
    key: &str,
    response: &StoredResponse,
) -> Result<()> {
    sqlx::query(
        "update idempotency_keys
         set fingerprint = $3, status = $4, content_type = $5, location = $6, body = $7,
             completed_at = now()
         where user_id = $1 and key = $2 and status is null",
    )
    .bind(user_id)
    .bind(key)
    .bind(&response.fingerprint)
    .bind(response.status)
    .bind(&response.content_type)
    .bind(&response.location)
    .bind(&response.body)
    .execute(conn)
    .await?;
    Ok(())
}

/// Gives a claimed key back (the request failed on the server's side or
/// never read its body), so that a retry runs afresh.
pub async fn release(conn: &mut PgConnection, user_id: Uuid, key: &str) -> Result<()> {
    sqlx::query("delete from idempotency_keys where user_id = $1 and key = $2 and status is null")
        .bind(user_id)
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ages a key's row, for tests that check expiry without waiting.
pub async fn set_created_at(
    conn: &mut PgConnection,
    user_id: Uuid,
    key: &str,
    created_at: chrono::DateTime<chrono::Utc>,
) -> Result<bool> {
    Ok(
        sqlx::query("update idempotency_keys set created_at = $3 where user_id = $1 and key = $2")
            .bind(user_id)
            .bind(key)
            .bind(created_at)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}
