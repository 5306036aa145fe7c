//! Session cookies, and the CSRF tokens bound to them.
//!
//! The cookie carries the user id, the expiry and a random 256-bit secret,
//! signed with HMAC-SHA256. A signed-in session is also a row in the
//! database, keyed by the SHA-256 of the secret
//! (`flux_app::accounts::sessions`), and every request checks that row, so
//! logging out (or "log out everywhere") ends a session for good: a copy of
//! the cookie replayed later is anonymous. The signature stays so that a
//! forged or mangled cookie is refused before it costs a database lookup.
//! The signing key is derived from the JWT secret with a distinct label, so
//! a cookie can never be replayed as a token or the other way round.
//!
//! Every visitor gets a session, anonymous until they log in: the login and
//! sign-up forms need a CSRF token too (login CSRF would sign a victim into
//! the attacker's account). Anonymous sessions are not stored. Logging in
//! starts a new session with a new secret, so a token or cookie planted
//! before login is worthless after.
//!
//! CSRF tokens are synchroniser tokens derived from the session:
//! `HMAC(key, "csrf" | secret | user)`. Nothing more is stored, and a token
//! stops working as soon as its session does.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// Name of the session cookie.
pub const COOKIE: &str = "flux_session";
/// A signed-in session lasts this long (absolute, not sliding: a stolen
/// cookie stops working after at most this, unless ended sooner).
pub const USER_TTL_SECS: i64 = flux_app::accounts::sessions::LIFETIME_SECS;
/// Anonymous sessions only exist to carry login/sign-up CSRF tokens.
pub const ANON_TTL_SECS: i64 = 24 * 3600;

/// The key that signs cookies and CSRF tokens.
#[derive(Clone)]
pub struct Keys {
    key: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

impl Keys {
    /// Derives the cookie key from the server's JWT secret.
    pub fn derive(secret: &[u8]) -> Self {
        let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts keys of any length");
        mac.update(b"flux-web session cookie v1");
        Self {
            key: mac.finalize().into_bytes().into(),
        }
    }

    fn mac(&self, parts: &[&[u8]]) -> HmacSha256 {
        let mut mac =
            HmacSha256::new_from_slice(&self.key).expect("HMAC accepts keys of any length");
        for p in parts {
            // Length-prefix each part so ("ab","c") and ("a","bc") differ.
            mac.update(&(p.len() as u32).to_be_bytes());
            mac.update(p);
        }
        mac
    }
}

/// Bytes of randomness in a session secret.
const SECRET_BYTES: usize = 32;

/// One browser's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `None` until the visitor logs in.
    pub user_id: Option<Uuid>,
    /// Unix seconds.
    pub expires: i64,
    /// Base64url of [`SECRET_BYTES`] random bytes; for a signed-in session,
    /// the value whose hash names its row in the database.
    secret: String,
}

fn fresh_secret() -> String {
    let mut n = [0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut n);
    B64.encode(n)
}

impl Session {
    pub fn anonymous(now: i64) -> Self {
        Self {
            user_id: None,
            expires: now + ANON_TTL_SECS,
            secret: fresh_secret(),
        }
    }

    /// The cookie of a session started in the database with `secret`.
    pub fn signed_in(user_id: Uuid, secret: String, expires: i64) -> Self {
        Self {
            user_id: Some(user_id),
            expires,
            secret,
        }
    }

    /// The secret the database knows this session by (hashed).
    pub fn secret(&self) -> &str {
        &self.secret
    }

    fn user_text(&self) -> String {
        self.user_id
            .map_or_else(|| "-".to_string(), |u| u.simple().to_string())
    }

    /// The cookie value: `v2.<user|->.<expires>.<secret>.<mac>`.
    pub fn encode(&self, keys: &Keys) -> String {
        let user = self.user_text();
        let expires = self.expires.to_string();
        let mac = keys
            .mac(&[
                b"session",
                user.as_bytes(),
                expires.as_bytes(),
                self.secret.as_bytes(),
            ])
            .finalize()
            .into_bytes();
        format!("v2.{user}.{expires}.{}.{}", self.secret, B64.encode(mac))
    }

    /// Verifies and parses a cookie value; `None` if forged, malformed or
    /// expired. Whether a signed-in session is still live is the
    /// database's answer, not this one's.
    pub fn decode(value: &str, keys: &Keys, now: i64) -> Option<Self> {
        let mut parts = value.split('.');
        let (Some("v2"), Some(user), Some(expires), Some(secret), Some(mac), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let tag = B64.decode(mac).ok()?;
        keys.mac(&[
            b"session",
            user.as_bytes(),
            expires.as_bytes(),
            secret.as_bytes(),
        ])
        .verify_slice(&tag)
        .ok()?;
        let expires: i64 = expires.parse().ok()?;
        if expires <= now {
            return None;
        }
        let user_id = match user {
            "-" => None,
            u => Some(Uuid::parse_str(u).ok()?),
        };
        if B64.decode(secret).ok()?.len() != SECRET_BYTES {
            return None;
        }
        Some(Self {
            user_id,
            expires,
            secret: secret.to_string(),
        })
    }

    fn csrf_mac(&self, keys: &Keys) -> HmacSha256 {
        keys.mac(&[b"csrf", self.secret.as_bytes(), self.user_text().as_bytes()])
    }

    /// The token every form of this session must send back.
    pub fn csrf_token(&self, keys: &Keys) -> String {
        B64.encode(self.csrf_mac(keys).finalize().into_bytes())
    }

    /// Constant-time check of a submitted token.
    pub fn check_csrf(&self, keys: &Keys, token: &str) -> bool {
        match B64.decode(token.trim()) {
            Ok(tag) => self.csrf_mac(keys).verify_slice(&tag).is_ok(),
            Err(_) => false,
        }
    }
}

/// The `Set-Cookie` value for `session` (or one that deletes the cookie).
pub fn set_cookie(value: Option<&str>, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match value {
        Some(v) => {
            format!("{COOKIE}={v}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
        }
        None => format!("{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}"),
    }
}

/// The session cookie's value from a `Cookie` header.
pub fn read_cookie(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
}

/// Whether cookies must be `Secure`: always, except for plain-HTTP
/// development on a loopback host (browsers drop Secure cookies there).
pub fn needs_secure(headers: &axum::http::HeaderMap, trust_forwarded: bool) -> bool {
    if trust_forwarded
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"))
    {
        return true;
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    !(name == "localhost" || name == "::1" || name.starts_with("127."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::derive(b"test secret that is long enough to use")
    }

    #[test]
    fn round_trips_and_rejects_tampering() {
        let k = keys();
        let s = Session::signed_in(Uuid::now_v7(), fresh_secret(), 1000 + USER_TTL_SECS);
        let v = s.encode(&k);
        assert_eq!(Session::decode(&v, &k, 1001), Some(s.clone()));
        let forged = v.replacen(
            &s.user_id
                .map(|u| u.simple().to_string())
                .unwrap_or_default(),
            &Uuid::now_v7().simple().to_string(),
            1,
        );
        assert_eq!(Session::decode(&forged, &k, 1001), None);
        assert_eq!(
            Session::decode(&v, &Keys::derive(b"another secret entirely........."), 1001),
            None
        );
        assert_eq!(
            Session::decode(&v, &k, 1000 + USER_TTL_SECS),
            None,
            "expired"
        );
        assert_eq!(Session::decode("v2.-.5.x.y", &k, 1), None);
        // A validly signed cookie with a short secret is still refused.
        let short = Session {
            user_id: None,
            expires: 2000,
            secret: B64.encode([0u8; 8]),
        };
        assert_eq!(Session::decode(&short.encode(&k), &k, 1001), None);
        // Cookies of the former, stateless format are not sessions.
        let old = v.replacen("v2.", "v1.", 1);
        assert_eq!(Session::decode(&old, &k, 1001), None);
    }

    #[test]
    fn csrf_tokens_are_bound_to_the_session() {
        let k = keys();
        let a = Session::anonymous(0);
        let b = Session::anonymous(0);
        let t = a.csrf_token(&k);
        assert!(a.check_csrf(&k, &t));
        assert!(!b.check_csrf(&k, &t));
        assert!(!a.check_csrf(&k, ""));
        assert!(!a.check_csrf(&k, "not base64!"));
    }

    #[test]
    fn cookies_are_secure_except_on_loopback() {
        let mut h = axum::http::HeaderMap::new();
        h.insert("host", "127.0.0.1:8000".parse().expect("header"));
        assert!(!needs_secure(&h, false));
        h.insert("host", "[::1]:8000".parse().expect("header"));
        assert!(!needs_secure(&h, false));
        h.insert("host", "flux.example.com".parse().expect("header"));
        assert!(needs_secure(&h, false));
        assert!(set_cookie(Some("v"), 5, true).contains("; Secure"));
        assert!(set_cookie(Some("v"), 5, false).contains("HttpOnly; SameSite=Lax"));
    }
}
