//! Who may use a restaurant, and as what: listing members, changing roles
//! and removing members. People join only by invitation
//! ([`crate::invitations`]). A restaurant always keeps at
//! least one owner (see [`crate::restaurants::ensure_not_last_owner`]).

use flux_domain::role::Role;
use flux_domain::Invalid;
use flux_store::{members as store, PgConnection};
use uuid::Uuid;

pub use flux_store::members::Member;

use crate::restaurants::ensure_not_last_owner;
use crate::{AppError, AppResult};

/// Reads a role name, as a field error on `role`.
pub fn parse_role(raw: &str) -> Result<Role, Invalid> {
    raw.parse::<Role>()
        .map_err(|e| Invalid::one("role", "invalid_role", e.to_string()))
}

/// Every member, by e-mail.
pub async fn list(conn: &mut PgConnection, restaurant_id: Uuid) -> AppResult<Vec<Member>> {
    Ok(store::list(conn, restaurant_id).await?)
}

async fn get(conn: &mut PgConnection, restaurant_id: Uuid, user_id: Uuid) -> AppResult<Member> {
    store::get(conn, restaurant_id, user_id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Gives a member another role; refused if it would demote the last owner.
pub async fn change_role(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    user_id: Uuid,
    role: &str,
) -> AppResult<Member> {
    let role = parse_role(role)?;
    let current = get(conn, restaurant_id, user_id).await?;
    if role != Role::Owner {
        ensure_not_last_owner(conn, restaurant_id, current.role).await?;
    }
    store::set_role(conn, restaurant_id, user_id, role.as_str()).await?;
    get(conn, restaurant_id, user_id).await
}

/// Removes a member; refused if they are the last owner.
pub async fn remove(conn: &mut PgConnection, restaurant_id: Uuid, user_id: Uuid) -> AppResult<()> {
    let current = get(conn, restaurant_id, user_id).await?;
    ensure_not_last_owner(conn, restaurant_id, current.role).await?;
    store::remove(conn, restaurant_id, user_id).await?;
    Ok(())
}
