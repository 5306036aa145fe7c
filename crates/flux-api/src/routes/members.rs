//! `/api/v1/restaurants/{id}/members`: who may use a restaurant, as what.
//! Only owners manage members; a restaurant always keeps one owner. People
//! join by invitation only (`invitations.rs`).

use axum::extract::RawPathParams;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use flux_domain::role::Action;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiResult, Problem};
use crate::extract::{path_uuid, Json, Tenant};

#[derive(Serialize, ToSchema)]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
}

impl From<flux_app::members::Member> for Member {
    fn from(m: flux_app::members::Member) -> Self {
        Self {
            user_id: m.user_id,
            email: m.email,
            role: m.role.to_string(),
            created_at: m.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MemberList {
    pub items: Vec<Member>,
    pub total: usize,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    pub role: String,
}

/// List members.
#[utoipa::path(get, path = "/{restaurant_id}/members", tag = "members",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = MemberList), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list(mut t: Tenant) -> ApiResult<Json<MemberList>> {
    let items: Vec<Member> = flux_app::members::list(&mut t.tx, t.restaurant_id)
        .await?
        .into_iter()
        .map(Member::from)
        .collect();
    t.commit().await?;
    Ok(Json(MemberList {
        total: items.len(),
        items,
    }))
}

/// Change a member's role (owners only).
#[utoipa::path(patch, path = "/{restaurant_id}/members/{user_id}", tag = "members",
    params(("restaurant_id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = RoleChange,
    responses((status = 200, body = Member), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn change_role(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<RoleChange>,
) -> ApiResult<Json<Member>> {
    t.require(Action::Administer)?;
    let user_id = path_uuid(&params, "user_id")?;
    let m = flux_app::members::change_role(&mut t.tx, t.restaurant_id, user_id, &b.role).await?;
    t.commit().await?;
    Ok(Json(m.into()))
}

/// Remove a member (owners only; members may also remove themselves).
#[utoipa::path(delete, path = "/{restaurant_id}/members/{user_id}", tag = "members",
    params(("restaurant_id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn remove(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    let user_id = path_uuid(&params, "user_id")?;
    if user_id != t.user_id {
        t.require(Action::Administer)?;
    }
    flux_app::members::remove(&mut t.tx, t.restaurant_id, user_id).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
