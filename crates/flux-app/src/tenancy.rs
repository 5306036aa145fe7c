//! Entering a restaurant: the membership check every tenant request makes.
//!
//! Both front-ends open each tenant request with [`enter`]: a transaction
//! scoped to the restaurant (row-level security active) and the caller's
//! role in it. Someone who is not a member gets "not found", exactly as for
//! a restaurant that does not exist, so ids of other tenants reveal
//! nothing.

use flux_domain::role::Role;
use flux_store::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::{AppError, AppResult};

/// A member inside their restaurant's transaction.
pub struct Tenancy {
    pub role: Role,
    pub tx: Transaction<'static, Postgres>,
}

/// Opens the restaurant's tenant transaction for a member, or not found.
/// A stored role that does not parse is an error, not a guess.
pub async fn enter(pool: &PgPool, user_id: Uuid, restaurant_id: Uuid) -> AppResult<Tenancy> {
    let mut tx = flux_store::tenant::begin(pool, user_id, restaurant_id).await?;
    let stored = flux_store::members::role_of(&mut tx, restaurant_id, user_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let role = stored
        .parse::<Role>()
        .map_err(|_| AppError::internal(format!("stored role {stored:?} is not a role")))?;
    Ok(Tenancy { role, tx })
}
