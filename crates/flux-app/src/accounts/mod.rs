//! Accounts: registration, login (throttled per account and per client
//! address), refresh-token rotation and logout, the tokens they issue, and
//! the dashboard's server-side [`sessions`].

use chrono::Utc;
use flux_domain::email::{check_password, Email};
use flux_store::{throttle, users, PgConnection, PgPool, StoreError};
use uuid::Uuid;

use crate::{AppError, Kind};

pub mod erasure;
pub mod export;
pub mod password;
pub mod sessions;
pub mod tokens;

use self::tokens::{hash_refresh_token, new_refresh_token, TokenKeys};

/// Failed logins allowed per account, and per client address, per window.
const MAX_ACCOUNT_FAILURES: i32 = 5;
const MAX_IP_FAILURES: i32 = 30;
const WINDOW_SECS: i64 = 15 * 60;
/// The failure window, for the housekeeping that deletes spent throttles.
pub const THROTTLE_WINDOW_SECS: i64 = WINDOW_SECS;
const LOCK_SECS: i64 = 15 * 60;

/// A freshly issued token pair.
#[derive(Debug)]
pub struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
}

async fn issue(
    conn: &mut PgConnection,
    keys: &TokenKeys,
    user_id: Uuid,
    family_id: Uuid,
) -> Result<Issued, AppError> {
    let refresh = new_refresh_token();
    let expires_at =
        Utc::now() + chrono::Duration::from_std(keys.refresh_ttl).map_err(AppError::internal)?;
    flux_store::tokens::insert(
        conn,
        &hash_refresh_token(&refresh),
        user_id,
        family_id,
        expires_at,
    )
    .await?;
    Ok(Issued {
        access_token: keys.issue_access(user_id)?,
        refresh_token: refresh,
        expires_in: keys.access_ttl.as_secs(),
    })
}

/// A unique-address violation as the field error the person can act on.
fn email_taken(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::field(
            Kind::EmailTaken,
            "email",
            "taken",
            "an account with this e-mail already exists",
        ),
        other => other.into(),
    }
}

pub async fn register(
    pool: &PgPool,
    keys: &TokenKeys,
    email: &str,
    pw: &str,
) -> Result<Issued, AppError> {
    let email = Email::parse(email)?;
    check_password(pw)?;
    let hash = password::hash(pw.to_string()).await?;
    let mut tx = pool.begin().await?;
    let user = users::insert(&mut tx, email.as_str(), &hash)
        .await
        .map_err(email_taken)?;
    let issued = issue(&mut tx, keys, user.user_id, Uuid::now_v7()).await?;
    tx.commit().await?;
    Ok(issued)
}

pub async fn login(
    pool: &PgPool,
    keys: &TokenKeys,
    email: &str,
    pw: &str,
    client_ip: Option<String>,
) -> Result<Issued, AppError> {
    // Malformed addresses cannot match an account; same answer as a wrong one.
    let email = Email::parse(email)
        .map_err(|_| AppError::new(Kind::InvalidCredentials, "wrong e-mail or password"))?;
    let keys_to_check: Vec<String> = std::iter::once(format!("email:{email}"))
        .chain(client_ip.map(|ip| format!("ip:{ip}")))
        .collect();

    let mut conn = pool.acquire().await?;
    for key in &keys_to_check {
        if let Some(until) = throttle::locked_until(&mut conn, key).await? {
            let secs = (until - Utc::now()).num_seconds().max(1) as u64;
            return Err(AppError::too_many(secs));
        }
    }
    let user = users::by_email(&mut conn, email.as_str()).await?;
    let ok = password::verify(
        pw.to_string(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    let Some(user) = user.filter(|_| ok) else {
        for key in &keys_to_check {
            let max = if key.starts_with("ip:") {
                MAX_IP_FAILURES
            } else {
                MAX_ACCOUNT_FAILURES
            };
            throttle::record_failure(&mut conn, key, max, WINDOW_SECS, LOCK_SECS).await?;
        }
        return Err(AppError::new(
            Kind::InvalidCredentials,
            "wrong e-mail or password",
        ));
    };
    throttle::clear(&mut conn, &keys_to_check[0]).await?;
    drop(conn);
    // Logging in during the grace period keeps the account.
    erasure::cancel(pool, user.user_id).await?;

    let mut tx = pool.begin().await?;
    let issued = issue(&mut tx, keys, user.user_id, Uuid::now_v7()).await?;
    tx.commit().await?;
    Ok(issued)
}

/// The account of `user_id` if `given` is its current password. A wrong
/// guess counts against the account's login throttle, so a stolen access
/// token or session cannot be used to find the password; `field` names
/// the password field in the error.
pub(crate) async fn confirm_password(
    pool: &PgPool,
    user_id: Uuid,
    given: &str,
    field: &'static str,
) -> Result<User, AppError> {
    let mut conn = pool.acquire().await?;
    let user = users::by_id(&mut conn, user_id)
        .await?
        .ok_or_else(|| AppError::new(Kind::InvalidToken, "unknown user"))?;
    let key = format!("email:{}", user.email);
    if let Some(until) = throttle::locked_until(&mut conn, &key).await? {
        let secs = (until - Utc::now()).num_seconds().max(1) as u64;
        return Err(AppError::too_many(secs));
    }
    if !password::verify(given.to_string(), Some(user.password_hash.clone())).await? {
        throttle::record_failure(
            &mut conn,
            &key,
            MAX_ACCOUNT_FAILURES,
            WINDOW_SECS,
            LOCK_SECS,
        )
        .await?;
        return Err(AppError::field(
            Kind::Validation,
            field,
            "wrong_password",
            "is not the account's current password",
        ));
    }
    Ok(user)
}

/// Corrects the account's e-mail address (GDPR rectification); the
/// person proves they hold the account with its current password. The
/// address is the login name, not a credential, so other logins stay
/// open. Invitations already sent to the old address stay addressed to
/// it: they were meant for whoever reads that mailbox.
pub async fn change_email(
    pool: &PgPool,
    user_id: Uuid,
    current_password: &str,
    new_email: &str,
) -> Result<User, AppError> {
    let email = Email::parse(new_email)?;
    let user = confirm_password(pool, user_id, current_password, "current_password").await?;
    if user.email == email.as_str() {
        return Ok(user);
    }
    let mut tx = pool.begin().await?;
    let updated = users::set_email(&mut tx, user_id, email.as_str())
        .await
        .map_err(email_taken)?
        .ok_or_else(|| AppError::new(Kind::InvalidToken, "the account no longer exists"))?;
    tx.commit().await?;
    tracing::info!(%user_id, "account e-mail address changed");
    Ok(updated)
}

/// Changes the password of `user_id`, who proves they know the current
/// one (a wrong guess counts against the account's login throttle, so a
/// stolen access token cannot be used to find the password). Every
/// refresh token and dashboard session of the account ends, wherever it
/// was, and the caller gets a fresh pair to stay logged in here. Access
/// tokens already issued live out their 15 minutes (see the README).
pub async fn change_password(
    pool: &PgPool,
    keys: &TokenKeys,
    user_id: Uuid,
    current: &str,
    new: &str,
) -> Result<Issued, AppError> {
    confirm_password(pool, user_id, current, "current_password").await?;
    // The rule names its field `password`; here it is the new one.
    check_password(new).map_err(|flux_domain::Invalid(errors)| {
        flux_domain::Invalid(
            errors
                .into_iter()
                .map(|mut e| {
                    e.field = "new_password".into();
                    e
                })
                .collect(),
        )
    })?;
    let hash = password::hash(new.to_string()).await?;
    let mut tx = pool.begin().await?;
    users::set_password_hash(&mut tx, user_id, &hash).await?;
    let tokens = flux_store::tokens::revoke_all_for_user(&mut tx, user_id).await?;
    let sessions = flux_store::sessions::delete_all_for_user(&mut tx, user_id).await?;
    let issued = issue(&mut tx, keys, user_id, Uuid::now_v7()).await?;
    tx.commit().await?;
    tracing::info!(%user_id, tokens, sessions, "password changed; other logins ended");
    Ok(issued)
}

/// Exchanges a refresh token for a new pair. A token may be used once;
/// presenting a used one again revokes its whole family (it was stolen, or
/// the legitimate client will fail next and log in again).
pub async fn refresh(
    pool: &PgPool,
    keys: &TokenKeys,
    refresh_token: &str,
) -> Result<Issued, AppError> {
    let invalid = || AppError::new(Kind::InvalidToken, "the refresh token is not valid");
    let hash = hash_refresh_token(refresh_token);
    let mut tx = pool.begin().await?;
    let Some(stored) = flux_store::tokens::lock(&mut tx, &hash).await? else {
        return Err(invalid());
    };
    if stored.revoked_at.is_some() {
        return Err(invalid());
    }
    if stored.used_at.is_some() {
        flux_store::tokens::revoke_family(&mut tx, stored.family_id).await?;
        tx.commit().await?;
        tracing::warn!(user_id = %stored.user_id, "refresh token reused; family revoked");
        return Err(AppError::new(
            Kind::RefreshTokenReused,
            "this refresh token was already used; all sessions from that login are revoked",
        ));
    }
    if stored.expires_at <= Utc::now() {
        return Err(AppError::new(
            Kind::TokenExpired,
            "the refresh token has expired; log in again",
        ));
    }
    flux_store::tokens::mark_used(&mut tx, &hash).await?;
    let issued = issue(&mut tx, keys, stored.user_id, stored.family_id).await?;
    tx.commit().await?;
    Ok(issued)
}

/// Revokes the family of `refresh_token` (if it is the user's), or every
/// refresh token and every dashboard session of the user when none is
/// given (revoking everything must not leave a browser signed in).
pub async fn logout(
    pool: &PgPool,
    user_id: Uuid,
    refresh_token: Option<&str>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    match refresh_token {
        Some(t) => {
            if let Some(stored) = flux_store::tokens::lock(&mut tx, &hash_refresh_token(t)).await? {
                if stored.user_id == user_id {
                    flux_store::tokens::revoke_family(&mut tx, stored.family_id).await?;
                }
            }
        }
        None => {
            flux_store::tokens::revoke_all_for_user(&mut tx, user_id).await?;
            flux_store::sessions::delete_all_for_user(&mut tx, user_id).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The account registered with `email`, if any. For the command line (the
/// demo finds its user); the HTTP front-ends never reveal whether an
/// address has an account.
pub async fn user_id_by_email(pool: &PgPool, email: &str) -> Result<Option<Uuid>, AppError> {
    let mut conn = pool.acquire().await?;
    Ok(users::by_email(&mut conn, email).await?.map(|u| u.user_id))
}

/// The signed-in user's account.
pub use flux_store::users::User;

/// The account behind a valid access token; an account deleted since the
/// token was issued makes the token invalid.
pub async fn me(pool: &PgPool, user_id: Uuid) -> Result<User, AppError> {
    let mut conn = pool.acquire().await?;
    users::by_id(&mut conn, user_id)
        .await?
        .ok_or_else(|| AppError::new(Kind::InvalidToken, "the account no longer exists"))
}
