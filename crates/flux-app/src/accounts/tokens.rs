//! Access tokens (short-lived JWTs) and refresh tokens (opaque random
//! strings stored only as hashes).
//!
//! Access tokens are verified without touching the database, which is what
//! keeps `flux serve` stateless behind a load balancer; their short life is
//! what bounds the damage of a leaked one. Refresh tokens are opaque so that
//! the only way to use one is the database lookup that enforces rotation.

use std::time::Duration;

use base64::Engine;
use chrono::Utc;
use jsonwebtoken::{
    decode, encode, errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{AppError, Kind};

const ISSUER: &str = "flux";
const AUDIENCE: &str = "flux-api";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    iat: i64,
    exp: i64,
    iss: String,
    aud: String,
}

/// Signs and verifies tokens with one HS256 secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys").finish_non_exhaustive()
    }
}

impl TokenKeys {
    pub fn new(secret: &[u8], access_ttl: Duration, refresh_ttl: Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            access_ttl,
            refresh_ttl,
        }
    }

    /// Issues an access token for `user_id`, valid from `now` for the TTL.
    pub fn issue_access(&self, user_id: Uuid) -> Result<String, AppError> {
        self.issue_access_at(user_id, Utc::now().timestamp())
    }

    /// Issues a token as if it were `issued_at` (tests use it for expiry).
    pub fn issue_access_at(&self, user_id: Uuid, issued_at: i64) -> Result<String, AppError> {
        let claims = Claims {
            sub: user_id,
            iat: issued_at,
            exp: issued_at + self.access_ttl.as_secs() as i64,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(AppError::internal)
    }

    pub fn verify_access(&self, token: &str) -> Result<Uuid, AppError> {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_issuer(&[ISSUER]);
        v.set_audience(&[AUDIENCE]);
        v.leeway = 5;
        decode::<Claims>(token, &self.decoding, &v)
            .map(|d| d.claims.sub)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => AppError::new(
                    Kind::TokenExpired,
                    "the access token has expired; refresh it",
                ),
                _ => AppError::new(Kind::InvalidToken, "the access token is not valid"),
            })
    }
}

/// A new refresh token: 256 random bits, base64url.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a refresh token. A fast hash is right here: the token
/// has 256 bits of entropy, so there is nothing to brute-force.
pub fn hash_refresh_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(
            b"test-secret-test-secret-test-sec",
            Duration::from_secs(900),
            Duration::from_secs(86400),
        )
    }

    #[test]
    fn issued_tokens_verify_and_tampered_ones_do_not() {
        let k = keys();
        let user = Uuid::new_v4();
        let t = k.issue_access(user).expect("issue");
        assert_eq!(k.verify_access(&t).expect("valid"), user);
        let other = TokenKeys::new(
            b"another-secret-another-secret-xx",
            k.access_ttl,
            k.refresh_ttl,
        );
        assert_eq!(
            other.verify_access(&t).expect_err("wrong key").kind(),
            Some(Kind::InvalidToken)
        );
        assert_eq!(
            k.verify_access("garbage").expect_err("garbage").kind(),
            Some(Kind::InvalidToken)
        );
    }

    #[test]
    fn expired_tokens_are_reported_as_expired() {
        let k = keys();
        let t = k
            .issue_access_at(Uuid::new_v4(), Utc::now().timestamp() - 3600)
            .expect("issue");
        assert_eq!(
            k.verify_access(&t).expect_err("expired").kind(),
            Some(Kind::TokenExpired)
        );
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let a = new_refresh_token();
        assert_ne!(a, new_refresh_token());
        assert_eq!(hash_refresh_token(&a), hash_refresh_token(&a));
        assert_eq!(hash_refresh_token(&a).len(), 32);
    }
}
