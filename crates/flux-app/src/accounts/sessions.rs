//! Dashboard sessions: started at login, checked on every request, ended
//! by logout, and all ended at once by "log out everywhere".
//!
//! A session is a random 256-bit secret held by the browser; the database
//! keeps only its SHA-256 (the secret has full entropy, so a fast hash is
//! enough, exactly as for refresh tokens). Checking a session is one
//! primary-key lookup; ending one deletes its row, so a cookie copied
//! before logout opens nothing afterwards. Sessions belong to a user, not
//! to a restaurant, and are used before any tenant is known, so these use
//! cases take the pool.

use chrono::{DateTime, Utc};
use flux_store::PgPool;
use uuid::Uuid;

use super::tokens::{hash_refresh_token, new_refresh_token};
use crate::AppError;

/// How long a dashboard session lasts from login (absolute, not sliding:
/// a stolen cookie stops working after at most this, even if used).
pub const LIFETIME_SECS: i64 = 7 * 24 * 3600;

/// A session just started: the secret goes into the cookie and nowhere
/// else.
#[derive(Debug)]
pub struct Started {
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

/// What is stored for a session secret.
pub fn hash_secret(secret: &str) -> Vec<u8> {
    hash_refresh_token(secret)
}

/// Starts a session for `user_id`, sweeping the user's expired ones.
pub async fn start(pool: &PgPool, user_id: Uuid) -> Result<Started, AppError> {
    let secret = new_refresh_token();
    let expires_at = Utc::now() + chrono::Duration::seconds(LIFETIME_SECS);
    let mut tx = pool.begin().await?;
    flux_store::sessions::delete_expired_for_user(&mut tx, user_id).await?;
    flux_store::sessions::insert(&mut tx, &hash_secret(&secret), user_id, expires_at).await?;
    tx.commit().await?;
    Ok(Started { secret, expires_at })
}

/// The user of a live session, or `None` if it was ended, has expired or
/// never existed.
pub async fn check(pool: &PgPool, secret: &str) -> Result<Option<Uuid>, AppError> {
    let mut conn = pool.acquire().await?;
    Ok(flux_store::sessions::live_user(&mut conn, &hash_secret(secret)).await?)
}

/// Ends one session (logout). Ending a session that is already gone is
/// not an error: the outcome the caller wants holds either way.
pub async fn end(pool: &PgPool, secret: &str) -> Result<(), AppError> {
    let mut conn = pool.acquire().await?;
    flux_store::sessions::delete(&mut conn, &hash_secret(secret)).await?;
    Ok(())
}

/// Ends every dashboard session of the user and revokes all their refresh
/// tokens, in one transaction ("log out everywhere": a stolen cookie or
/// token must not survive it).
pub async fn end_all(pool: &PgPool, user_id: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let sessions = flux_store::sessions::delete_all_for_user(&mut tx, user_id).await?;
    let tokens = flux_store::tokens::revoke_all_for_user(&mut tx, user_id).await?;
    tx.commit().await?;
    tracing::info!(%user_id, sessions, tokens, "logged out everywhere");
    Ok(())
}

/// Moves a session's expiry; `false` if there is no such session. For
/// tests and operators that need to age a session without waiting.
pub async fn set_expiry(
    pool: &PgPool,
    secret: &str,
    expires_at: DateTime<Utc>,
) -> Result<bool, AppError> {
    let mut conn = pool.acquire().await?;
    Ok(flux_store::sessions::set_expiry(&mut conn, &hash_secret(secret), expires_at).await?)
}
