//! Invitations to join a restaurant (see the migration): created, listed,
//! resent and revoked inside the restaurant's tenant transaction; found by
//! token for acceptance through the `flux.invitation` setting.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{Result, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invitation {
    pub restaurant_id: Uuid,
    pub invitation_id: Uuid,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: flux_domain::role::Role,
    pub invited_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub sent_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str =
    "restaurant_id, invitation_id, email, role, invited_by, created_at, sent_at, \
                       expires_at, accepted_at, revoked_at";

/// A new invitation; a clash on the open-invitation index is a conflict.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    invitation_id: Uuid,
    email: &str,
    role: &str,
    token_hash: &[u8],
    invited_by: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<Invitation> {
    sqlx::query_as(&format!(
        "insert into invitations (restaurant_id, invitation_id, email, role, token_hash, invited_by, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7) returning {COLUMNS}"
    ))
    .bind(restaurant_id)
    .bind(invitation_id)
    .bind(email)
    .bind(role)
    .bind(token_hash)
    .bind(invited_by)
    .bind(expires_at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

/// Open invitations (neither accepted nor revoked; expired ones included),
/// newest first.
pub async fn list_open(conn: &mut PgConnection, restaurant_id: Uuid) -> Result<Vec<Invitation>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from invitations
         where restaurant_id = $1 and accepted_at is null and revoked_at is null
         order by created_at desc, invitation_id"
    ))
    .bind(restaurant_id)
    .fetch_all(conn)
    .await?)
}

pub async fn get(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    invitation_id: Uuid,
) -> Result<Option<Invitation>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from invitations where restaurant_id = $1 and invitation_id = $2"
    ))
    .bind(restaurant_id)
    .bind(invitation_id)
    .fetch_optional(conn)
    .await?)
}

/// Gives an open invitation a new token and expiry (the old link dies).
pub async fn renew(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    invitation_id: Uuid,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<Option<Invitation>> {
    Ok(sqlx::query_as(&format!(
        "update invitations set token_hash = $3, expires_at = $4, sent_at = now()
         where restaurant_id = $1 and invitation_id = $2
           and accepted_at is null and revoked_at is null
         returning {COLUMNS}"
    ))
    .bind(restaurant_id)
    .bind(invitation_id)
    .bind(token_hash)
    .bind(expires_at)
    .fetch_optional(conn)
    .await?)
}

/// Ends an open invitation; `false` if there was none open.
pub async fn revoke(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    invitation_id: Uuid,
) -> Result<bool> {
    Ok(sqlx::query(
        "update invitations set revoked_at = now()
         where restaurant_id = $1 and invitation_id = $2
           and accepted_at is null and revoked_at is null",
    )
    .bind(restaurant_id)
    .bind(invitation_id)
    .execute(conn)
    .await?
    .rows_affected()
        > 0)
}

/// Makes the invitation with this token hash visible to the transaction
/// (and only it, until the restaurant is set), then reads it. Not locked:
/// the row is not yet writable here (that takes the restaurant), so
/// [`mark_accepted`] is the single-use guard.
pub async fn by_token(conn: &mut PgConnection, token_hash: &[u8]) -> Result<Option<Invitation>> {
    sqlx::query("select set_config('flux.invitation', encode($1, 'hex'), true)")
        .bind(token_hash)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from invitations where token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

/// Marks an open, unexpired invitation accepted by `user_id` (inside its
/// restaurant); `false` if it was accepted, revoked or expired meanwhile,
/// so two acceptances of one token cannot both succeed.
pub async fn mark_accepted(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    invitation_id: Uuid,
    user_id: Uuid,
) -> Result<bool> {
    Ok(sqlx::query(
        "update invitations set accepted_at = now(), accepted_by = $3
         where restaurant_id = $1 and invitation_id = $2
           and accepted_at is null and revoked_at is null and expires_at > now()",
    )
    .bind(restaurant_id)
    .bind(invitation_id)
    .bind(user_id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// Moves an invitation's expiry, for tests of expiry without waiting.
pub async fn set_expiry(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    invitation_id: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<bool> {
    Ok(sqlx::query(
        "update invitations set expires_at = $3 where restaurant_id = $1 and invitation_id = $2",
    )
    .bind(restaurant_id)
    .bind(invitation_id)
    .bind(expires_at)
    .execute(conn)
    .await?
    .rows_affected()
        > 0)
}

/// The restaurants holding invitations sent to `email`, whoever sent them
/// (the erasure job must find them to scrub the address). Sees only rows
/// addressed to `email`, through the `invitation_by_invitee` policy.
pub async fn restaurants_inviting(conn: &mut PgConnection, email: &str) -> Result<Vec<Uuid>> {
    sqlx::query("select set_config('flux.invitee', $1, true)")
        .bind(email)
        .execute(&mut *conn)
        .await?;
    let ids = sqlx::query_scalar("select distinct restaurant_id from invitations where email = $1")
        .bind(email)
        .fetch_all(&mut *conn)
        .await?;
    sqlx::query("select set_config('flux.invitee', '', true)")
        .execute(conn)
        .await?;
    Ok(ids)
}

/// Replaces an erased person's address on the restaurant's invitations to
/// them with a placeholder unique to each invitation, withdrawing the ones
/// still open (nobody can accept them now); returns how many.
pub async fn scrub_email(conn: &mut PgConnection, restaurant_id: Uuid, email: &str) -> Result<u64> {
    Ok(sqlx::query(
        "update invitations set email = 'erased-' || invitation_id,
             revoked_at = case when accepted_at is null then coalesce(revoked_at, now()) else revoked_at end
         where restaurant_id = $1 and email = $2",
    )
    .bind(restaurant_id)
    .bind(email)
    .execute(conn)
    .await?
    .rows_affected())
}
