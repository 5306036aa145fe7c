//! Idempotent POST requests: a client that sends an `Idempotency-Key`
//! and retries after losing the reply gets the stored reply instead of a
//! second order, upload or invitation.
//!
//! The adapter (the API's middleware) fingerprints the request and calls
//! [`begin`] before the handler runs: a fresh key is claimed, a key with a
//! stored response replays it if the fingerprint matches, and a key still
//! held by a running request waits. After the handler, [`finish`] stores
//! the response, or [`abandon`] gives the key back when there is nothing
//! worth replaying (a server error, a request whose body was not read).
//! Keys belong to the user who sent them and expire after [`TTL_SECS`].

use flux_store::idempotency::{self as store, KeyState};
use flux_store::PgPool;
use uuid::Uuid;

use crate::{AppError, AppResult, Kind};

pub use flux_store::idempotency::StoredResponse;

/// How long a response stays replayable.
pub const TTL_SECS: i64 = 24 * 3600;

/// A claimed key whose request has run this long without storing a
/// response belonged to a server that died mid-request; the key may be
/// claimed again. Longer than any request may run (the largest uploads
/// take minutes).
pub const STALE_SECS: i64 = 3600;

/// Longest key accepted (clients usually send a UUID).
pub const MAX_KEY_LEN: usize = 255;

/// A valid `Idempotency-Key` value: 1–255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    pub fn parse(raw: &str) -> AppResult<Key> {
        let ok = !raw.is_empty()
            && raw.len() <= MAX_KEY_LEN
            && raw.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(Key(raw.to_string()))
        } else {
            Err(AppError::field(
                Kind::Validation,
                "Idempotency-Key",
                "invalid",
                "must be 1 to 255 visible ASCII characters, such as a UUID",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What to do with a request carrying a key.
#[derive(Debug)]
pub enum Begin {
    /// Run it; then [`finish`] or [`abandon`].
    Run,
    /// It was answered before: send the stored response again if the
    /// request is the same ([`Stored::replay`]).
    Stored(Stored),
}

/// A stored response, checked against the repeated request.
#[derive(Debug)]
pub struct Stored(StoredResponse);

impl Stored {
    /// The stored response if `fingerprint` is the request it answered;
    /// the same key on a different request is refused (422): the client
    /// reused a key by mistake, and replaying another request's answer
    /// would mislead it.
    pub fn replay(self, fingerprint: &[u8]) -> AppResult<StoredResponse> {
        if self.0.fingerprint == fingerprint {
            Ok(self.0)
        } else {
            Err(AppError::new(
                Kind::IdempotencyKeyReused,
                "this Idempotency-Key was already used for a different request \
                 (another method, path or body); use a new key for a new request",
            ))
        }
    }
}

/// Claims `key` for `user_id`'s request, or finds the response stored for
/// it. A request still running with the key is a 409 to retry shortly.
pub async fn begin(pool: &PgPool, user_id: Uuid, key: &Key) -> AppResult<Begin> {
    let mut conn = pool.acquire().await?;
    match store::claim(&mut conn, user_id, key.as_str(), TTL_SECS, STALE_SECS).await? {
        KeyState::Claimed => Ok(Begin::Run),
        KeyState::Done(stored) => Ok(Begin::Stored(Stored(stored))),
        KeyState::Running => Err(AppError::Rejected {
            kind: Kind::IdempotencyKeyInUse,
            detail: "a request with this Idempotency-Key is still being processed; \
                     retry when it has finished"
                .into(),
            errors: Vec::new(),
            retry_after_secs: Some(1),
            extensions: Default::default(),
        }),
    }
}

/// Stores the response of a request that ran under `key`.
pub async fn finish(
    pool: &PgPool,
    user_id: Uuid,
    key: &Key,
    response: &StoredResponse,
) -> AppResult<()> {
    let mut conn = pool.acquire().await?;
    store::complete(&mut conn, user_id, key.as_str(), response).await?;
    Ok(())
}

/// Gives the key back without a response, so a retry runs afresh.
pub async fn abandon(pool: &PgPool, user_id: Uuid, key: &Key) -> AppResult<()> {
    let mut conn = pool.acquire().await?;
    store::release(&mut conn, user_id, key.as_str()).await?;
    Ok(())
}

/// Makes a key's response (or claim) look `age_secs` old, for tests of
/// expiry; `false` if the user has no such key.
pub async fn age_key(pool: &PgPool, user_id: Uuid, key: &Key, age_secs: i64) -> AppResult<bool> {
    let mut conn = pool.acquire().await?;
    let at = chrono::Utc::now() - chrono::Duration::seconds(age_secs);
    Ok(store::set_created_at(&mut conn, user_id, key.as_str(), at).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert!(Key::parse("5f0c8c1e-7d5b-4c1a-9d55-0d9a3f3b2a11").is_ok());
        assert!(Key::parse("").is_err());
        assert!(Key::parse("has space").is_err());
        assert!(Key::parse("caf\u{e9}").is_err());
        assert!(Key::parse(&"k".repeat(MAX_KEY_LEN)).is_ok());
        assert!(Key::parse(&"k".repeat(MAX_KEY_LEN + 1)).is_err());
    }

    #[test]
    fn a_stored_response_replays_only_for_its_own_request() {
        let stored = || {
            Stored(StoredResponse {
                fingerprint: vec![1, 2, 3],
                status: 201,
                content_type: Some("application/json".into()),
                location: None,
                body: b"{}".to_vec(),
            })
        };
        assert_eq!(stored().replay(&[1, 2, 3]).expect("same").status, 201);
        let err = stored().replay(&[9]).expect_err("different request");
        assert_eq!(err.kind(), Some(Kind::IdempotencyKeyReused));
    }
}
