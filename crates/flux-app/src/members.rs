//! Who may use a restaurant, and as what: adding existing accounts with a
//! role, changing roles and removing members. A restaurant always keeps at
//! least one owner (see [`crate::restaurants::ensure_not_last_owner`]).

use flux_domain::email::Email;
use flux_domain::role::Role;
use flux_domain::Invalid;
use flux_store::{members as store, PgConnection};
use uuid::Uuid;

pub use flux_store::members::Member;

use crate::restaurants::ensure_not_last_owner;
use crate::{AppError, AppResult, Kind};

/// A new member as submitted.
#[derive(Debug, Clone, Default)]
pub struct NewMember {
    /// The e-mail of an existing account.
    pub email: String,
    /// owner, manager, chef or viewer.
    pub role: String,
}

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

/// Makes an existing account a member with a role. Accounts are never
/// created here: the person signs up and chooses their own password.
pub async fn add(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    input: &NewMember,
) -> AppResult<Member> {
    let (role, email) = match (parse_role(&input.role), Email::parse(&input.email)) {
        (Ok(role), Ok(email)) => (role, email),
        (role, email) => {
            let errors = [role.err(), email.err()].into_iter().flatten();
            return Err(Invalid(errors.flat_map(|i| i.0).collect()).into());
        }
    };
    let user = flux_store::users::by_email(conn, email.as_str())
        .await?
        .ok_or_else(|| {
            AppError::field(
                Kind::Validation,
                "email",
                "unknown_user",
                "no Flux account has this e-mail; ask them to sign up first",
            )
        })?;
    store::insert(conn, restaurant_id, user.user_id, role.as_str())
        .await
        .map_err(|e| match AppError::from(e) {
            e if e.kind() == Some(Kind::Conflict) => {
                AppError::new(Kind::Conflict, "this user is already a member")
            }
            other => other,
        })?;
    get(conn, restaurant_id, user.user_id).await
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
