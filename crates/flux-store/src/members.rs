//! Memberships: which user has which role in which restaurant.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{Result, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: flux_domain::role::Role,
    pub created_at: DateTime<Utc>,
}

/// The role of `user_id` in `restaurant_id`, if they are a member.
pub async fn role_of(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    user_id: Uuid,
) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar(
            "select role from memberships where restaurant_id = $1 and user_id = $2",
        )
        .bind(restaurant_id)
        .bind(user_id)
        .fetch_optional(conn)
        .await?,
    )
}

pub async fn insert(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    user_id: Uuid,
    role: &str,
) -> Result<()> {
    sqlx::query("insert into memberships (restaurant_id, user_id, role) values ($1, $2, $3)")
        .bind(restaurant_id)
        .bind(user_id)
        .bind(role)
        .execute(conn)
        .await
        .map_err(StoreError::from_sqlx)?;
    Ok(())
}

pub async fn list(conn: &mut PgConnection, restaurant_id: Uuid) -> Result<Vec<Member>> {
    Ok(sqlx::query_as(
        "select m.user_id, u.email, m.role, m.created_at from memberships m
         join users u on u.user_id = m.user_id
         where m.restaurant_id = $1 order by u.email",
    )
    .bind(restaurant_id)
    .fetch_all(conn)
    .await?)
}

pub async fn get(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    user_id: Uuid,
) -> Result<Option<Member>> {
    Ok(sqlx::query_as(
        "select m.user_id, u.email, m.role, m.created_at from memberships m
         join users u on u.user_id = m.user_id
         where m.restaurant_id = $1 and m.user_id = $2",
    )
    .bind(restaurant_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn set_role(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    user_id: Uuid,
    role: &str,
) -> Result<bool> {
    Ok(sqlx::query(
        "update memberships set role = $3, updated_at = now() where restaurant_id = $1 and user_id = $2",
    )
    .bind(restaurant_id)
    .bind(user_id)
    .bind(role)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

pub async fn remove(conn: &mut PgConnection, restaurant_id: Uuid, user_id: Uuid) -> Result<bool> {
    Ok(
        sqlx::query("delete from memberships where restaurant_id = $1 and user_id = $2")
            .bind(restaurant_id)
            .bind(user_id)
            .execute(conn)
            .await?
            .rows_affected()
            == 1,
    )
}

/// Number of owners, locked so two concurrent demotions cannot leave a
/// restaurant without any.
pub async fn count_owners_locked(conn: &mut PgConnection, restaurant_id: Uuid) -> Result<i64> {
    let rows: Vec<Uuid> = sqlx::query_scalar(
        "select user_id from memberships where restaurant_id = $1 and role = 'owner' for update",
    )
    .bind(restaurant_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.len() as i64)
}
