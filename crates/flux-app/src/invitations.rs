//! Invitations (the seed's workflow 6), the only way a person becomes a
//! member: an owner or manager invites an e-mail address with a role, the
//! invitee opens a single-use link and, logged in with that address
//! (signing up first if needed), accepts it.
//!
//! The link is e-mailed when SMTP is configured; otherwise it is handed to
//! the inviter to pass on. Inviting never tells whether the address has an
//! account, so it cannot be used to probe who uses Flux. Tokens are random
//! 256-bit secrets stored only as their SHA-256, expire after
//! [`LIFETIME_DAYS`], and are replaced by a resend. Managers may invite
//! anyone but owners; only owners invite owners.

use chrono::{Duration, Utc};
use flux_domain::email::Email;
use flux_domain::role::Role;
use flux_domain::Invalid;
use flux_store::invitations as store;
use flux_store::{PgConnection, PgPool};
use uuid::Uuid;

pub use flux_store::invitations::Invitation;

use crate::accounts::tokens::{hash_refresh_token, new_refresh_token};
use crate::members::parse_role;
use crate::purchasing::mail::Mailer;
use crate::{AppError, AppResult, Kind};

/// How long an invitation link works.
pub const LIFETIME_DAYS: i64 = 7;

/// An invitation as submitted.
#[derive(Debug, Clone, Default)]
pub struct NewInvitation {
    pub email: String,
    /// owner, manager, chef or viewer.
    pub role: String,
}

/// Where the link goes and whether anyone has it yet.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    /// Sends the link when set.
    pub mailer: Option<&'a Mailer>,
    /// The server's public address (`https://flux.example`), so an e-mailed
    /// link can be opened; without it the e-mail names the path.
    pub public_url: Option<&'a str>,
}

/// A created or resent invitation. `token` is the secret of the link: the
/// caller shows it to the inviter only when it was not e-mailed.
#[derive(Debug)]
pub struct Issued {
    pub invitation: Invitation,
    pub token: String,
    pub emailed: bool,
}

impl Issued {
    /// The dashboard path that accepts the invitation.
    pub fn accept_path(&self) -> String {
        accept_path(&self.token)
    }
}

/// The dashboard path that accepts the invitation with `token`.
pub fn accept_path(token: &str) -> String {
    format!("/app/invitations/{token}")
}

fn expiry() -> chrono::DateTime<Utc> {
    Utc::now() + Duration::days(LIFETIME_DAYS)
}

/// Invites `input.email` as `input.role` into the caller's restaurant
/// (the caller holds its tenant transaction and has checked that
/// `inviter_role` may manage the restaurant). A failed e-mail is an error,
/// and the caller rolls back, so an invitation nobody received is never
/// left behind.
pub async fn invite(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    inviter: (Uuid, Role),
    input: &NewInvitation,
    delivery: Delivery<'_>,
) -> AppResult<Issued> {
    let (role, email) = match (parse_role(&input.role), Email::parse(&input.email)) {
        (Ok(role), Ok(email)) => (role, email),
        (role, email) => {
            let errors = [role.err(), email.err()].into_iter().flatten();
            return Err(Invalid(errors.flat_map(|i| i.0).collect()).into());
        }
    };
    let (inviter_id, inviter_role) = inviter;
    if role == Role::Owner && inviter_role != Role::Owner {
        return Err(AppError::new(
            Kind::Forbidden,
            "only owners can invite owners",
        ));
    }
    let members = flux_store::members::list(conn, restaurant_id).await?;
    if members.iter().any(|m| m.email == email.as_str()) {
        return Err(AppError::field(
            Kind::Conflict,
            "email",
            "already_member",
            "this address is already a member of the restaurant",
        ));
    }
    let token = new_refresh_token();
    let invitation = store::insert(
        conn,
        restaurant_id,
        Uuid::now_v7(),
        email.as_str(),
        role.as_str(),
        &hash_refresh_token(&token),
        inviter_id,
        expiry(),
    )
    .await
    .map_err(|e| {
        AppError::from(e).taken(
            "email",
            "an invitation to this address is already open; resend or revoke it",
        )
    })?;
    let emailed = deliver(conn, restaurant_id, &invitation, &token, delivery).await?;
    Ok(Issued {
        invitation,
        token,
        emailed,
    })
}

/// Sends the link if a mailer is configured; `true` if it was sent.
async fn deliver(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    invitation: &Invitation,
    token: &str,
    delivery: Delivery<'_>,
) -> AppResult<bool> {
    let Some(mailer) = delivery.mailer else {
        return Ok(false);
    };
    let restaurant = flux_store::restaurants::get(conn, restaurant_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let link = format!(
        "{}{}",
        delivery
            .public_url
            .unwrap_or_default()
            .trim_end_matches('/'),
        accept_path(token)
    );
    let text = format!(
        "You have been invited to join {} on Flux as {}.\n\n\
         Open this link to accept (sign up first with this address if you have no account):\n\
         {link}\n\nThe link works once and expires on {}.\n",
        restaurant.name,
        invitation.role,
        invitation.expires_at.format("%Y-%m-%d %H:%M UTC"),
    );
    mailer
        .send_plain(
            &invitation.email,
            &format!("Join {} on Flux", restaurant.name),
            &text,
        )
        .await
        .map_err(|e| AppError::new(Kind::MailFailed, e.to_string()))?;
    Ok(true)
}

/// Open invitations of the restaurant (expired ones included, marked by
/// their `expires_at`), newest first.
pub async fn list(conn: &mut PgConnection, restaurant_id: Uuid) -> AppResult<Vec<Invitation>> {
    Ok(store::list_open(conn, restaurant_id).await?)
}

/// Sends an open invitation again with a new link (the old one stops
/// working) and a new expiry.
pub async fn resend(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    invitation_id: Uuid,
    inviter_role: Role,
    delivery: Delivery<'_>,
) -> AppResult<Issued> {
    let current = store::get(conn, restaurant_id, invitation_id)
        .await?
        .filter(|i| i.accepted_at.is_none() && i.revoked_at.is_none())
        .ok_or_else(AppError::not_found)?;
    if current.role == Role::Owner && inviter_role != Role::Owner {
        return Err(AppError::new(
            Kind::Forbidden,
            "only owners can invite owners",
        ));
    }
    let token = new_refresh_token();
    let invitation = store::renew(
        conn,
        restaurant_id,
        invitation_id,
        &hash_refresh_token(&token),
        expiry(),
    )
    .await?
    .ok_or_else(AppError::not_found)?;
    let emailed = deliver(conn, restaurant_id, &invitation, &token, delivery).await?;
    Ok(Issued {
        invitation,
        token,
        emailed,
    })
}

/// Ends an open invitation; its link stops working.
pub async fn revoke(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    invitation_id: Uuid,
) -> AppResult<()> {
    if store::revoke(conn, restaurant_id, invitation_id).await? {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// What accepting gave the user.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub restaurant_id: Uuid,
    pub restaurant_name: String,
    pub role: Role,
}

/// What an invitation link offers the logged-in user, for the page that
/// asks to accept it; refused exactly as [`accept`] would be.
pub async fn show(pool: &PgPool, user_id: Uuid, token: &str) -> AppResult<Accepted> {
    let mut tx = flux_store::tenant::begin_user(pool, user_id).await?;
    let invitation = for_user(&mut tx, user_id, token).await?;
    flux_store::tenant::set_restaurant(&mut tx, invitation.restaurant_id).await?;
    let restaurant = flux_store::restaurants::get(&mut tx, invitation.restaurant_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(Accepted {
        restaurant_id: invitation.restaurant_id,
        restaurant_name: restaurant.name,
        role: invitation.role,
    })
}

/// The invitation behind `token` if `user_id` may accept it now: still
/// open, and sent to the user's own address (the link alone, if
/// forwarded, makes nobody else a member).
async fn for_user(conn: &mut PgConnection, user_id: Uuid, token: &str) -> AppResult<Invitation> {
    let invitation = usable(conn, token).await?;
    let user = flux_store::users::by_id(conn, user_id)
        .await?
        .ok_or_else(|| AppError::new(Kind::InvalidToken, "unknown user"))?;
    if user.email != invitation.email {
        return Err(AppError::new(
            Kind::Forbidden,
            "this invitation was sent to another e-mail address; log in with that address to accept it",
        ));
    }
    Ok(invitation)
}

/// The invitation behind `token` if it can still be accepted.
async fn usable(conn: &mut PgConnection, token: &str) -> AppResult<Invitation> {
    let invitation = store::by_token(conn, &hash_refresh_token(token))
        .await?
        .ok_or_else(|| AppError::new(Kind::NotFound, "no such invitation"))?;
    let why = if invitation.accepted_at.is_some() {
        Some("this invitation has already been accepted")
    } else if invitation.revoked_at.is_some() {
        Some("this invitation was withdrawn")
    } else if invitation.expires_at <= Utc::now() {
        Some("this invitation has expired; ask for a new one")
    } else {
        None
    };
    match why {
        Some(why) => Err(AppError::new(Kind::InvitationUnusable, why)),
        None => Ok(invitation),
    }
}

/// Accepts the invitation behind `token` for the logged-in `user_id`,
/// whose account must have the invited address.
pub async fn accept(pool: &PgPool, user_id: Uuid, token: &str) -> AppResult<Accepted> {
    let mut tx = flux_store::tenant::begin_user(pool, user_id).await?;
    let invitation = for_user(&mut tx, user_id, token).await?;
    flux_store::tenant::set_restaurant(&mut tx, invitation.restaurant_id).await?;
    if flux_store::members::role_of(&mut tx, invitation.restaurant_id, user_id)
        .await?
        .is_some()
    {
        return Err(AppError::new(
            Kind::Conflict,
            "you are already a member of this restaurant",
        ));
    }
    if !store::mark_accepted(
        &mut tx,
        invitation.restaurant_id,
        invitation.invitation_id,
        user_id,
    )
    .await?
    {
        return Err(AppError::new(
            Kind::InvitationUnusable,
            "this invitation can no longer be accepted",
        ));
    }
    flux_store::members::insert(
        &mut tx,
        invitation.restaurant_id,
        user_id,
        invitation.role.as_str(),
    )
    .await?;
    let restaurant = flux_store::restaurants::get(&mut tx, invitation.restaurant_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    tx.commit().await?;
    tracing::info!(restaurant_id = %invitation.restaurant_id, %user_id, role = %invitation.role, "invitation accepted");
    Ok(Accepted {
        restaurant_id: invitation.restaurant_id,
        restaurant_name: restaurant.name,
        role: invitation.role,
    })
}

/// Moves an invitation's expiry (tests and operators; no waiting a week).
pub async fn set_expiry(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    invitation_id: Uuid,
    expires_at: chrono::DateTime<Utc>,
) -> AppResult<bool> {
    Ok(store::set_expiry(conn, restaurant_id, invitation_id, expires_at).await?)
}
