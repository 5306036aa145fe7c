//! Invitations: `/api/v1/restaurants/{id}/invitations` for the owners and
//! managers who invite, `/api/v1/invitations/accept` for the invitee.
//! Members join only this way (see `flux_app::invitations`).

use axum::extract::{RawPathParams, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use flux_domain::role::Action;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiResult, Problem};
use crate::extract::{path_uuid, AuthUser, Json, Tenant};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub role: String,
    pub invited_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// When the current link was issued (creation or the last resend).
    pub sent_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Past `expires_at`: resend it for a new link, or revoke it.
    pub expired: bool,
}

impl From<flux_app::invitations::Invitation> for Invitation {
    fn from(i: flux_app::invitations::Invitation) -> Self {
        Self {
            id: i.invitation_id,
            expired: i.expires_at <= Utc::now(),
            email: i.email,
            role: i.role.to_string(),
            invited_by: i.invited_by,
            created_at: i.created_at,
            sent_at: i.sent_at,
            expires_at: i.expires_at,
        }
    }
}

/// An invitation just created or resent.
#[derive(Serialize, ToSchema)]
pub struct Issued {
    pub invitation: Invitation,
    /// The link went out by e-mail (SMTP configured).
    pub emailed: bool,
    /// When not e-mailed: the dashboard path that accepts it, for the
    /// inviter to pass on. It works once, for the invited address only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept_path: Option<String>,
    /// When not e-mailed: the token itself, for API clients
    /// (`POST /api/v1/invitations/accept`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl From<flux_app::invitations::Issued> for Issued {
    fn from(i: flux_app::invitations::Issued) -> Self {
        let (accept_path, token) = if i.emailed {
            (None, None)
        } else {
            (Some(i.accept_path()), Some(i.token))
        };
        Self {
            invitation: i.invitation.into(),
            emailed: i.emailed,
            accept_path,
            token,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct InvitationList {
    pub items: Vec<Invitation>,
    pub total: usize,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    /// Whom to invite; they need no account yet.
    pub email: String,
    /// owner, manager, chef or viewer (only owners may invite owners).
    pub role: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    /// The token from the invitation link.
    pub token: String,
}

#[derive(Serialize, ToSchema)]
pub struct Accepted {
    pub restaurant_id: Uuid,
    pub restaurant_name: String,
    pub role: String,
}

fn delivery(state: &AppState) -> flux_app::invitations::Delivery<'_> {
    flux_app::invitations::Delivery {
        mailer: state.mailer.as_ref(),
        public_url: state.public_url.as_deref(),
    }
}

/// Invite someone by e-mail (owners and managers).
#[utoipa::path(post, path = "/{restaurant_id}/invitations", tag = "members",
    params(("restaurant_id" = Uuid, Path)), request_body = NewInvitation,
    responses((status = 201, body = Issued), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem), (status = 502, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    mut t: Tenant,
    Json(b): Json<NewInvitation>,
) -> ApiResult<(StatusCode, Json<Issued>)> {
    t.require(Action::ManageRestaurant)?;
    let input = flux_app::invitations::NewInvitation {
        email: b.email,
        role: b.role,
    };
    let issued = flux_app::invitations::invite(
        &mut t.tx,
        t.restaurant_id,
        (t.user_id, t.role),
        &input,
        delivery(&state),
    )
    .await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(issued.into())))
}

/// Open invitations, newest first (owners and managers).
#[utoipa::path(get, path = "/{restaurant_id}/invitations", tag = "members",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = InvitationList), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(mut t: Tenant) -> ApiResult<Json<InvitationList>> {
    t.require(Action::ManageRestaurant)?;
    let items: Vec<Invitation> = flux_app::invitations::list(&mut t.tx, t.restaurant_id)
        .await?
        .into_iter()
        .map(Invitation::from)
        .collect();
    t.commit().await?;
    Ok(Json(InvitationList {
        total: items.len(),
        items,
    }))
}

/// Send an open invitation again with a new link; the old link stops working.
#[utoipa::path(post, path = "/{restaurant_id}/invitations/{invitation_id}/resend", tag = "members",
    params(("restaurant_id" = Uuid, Path), ("invitation_id" = Uuid, Path)),
    responses((status = 200, body = Issued), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 502, body = Problem)),
    security(("bearer" = [])))]
pub async fn resend(
    State(state): State<AppState>,
    mut t: Tenant,
    params: RawPathParams,
) -> ApiResult<Json<Issued>> {
    t.require(Action::ManageRestaurant)?;
    let id = path_uuid(&params, "invitation_id")?;
    let issued =
        flux_app::invitations::resend(&mut t.tx, t.restaurant_id, id, t.role, delivery(&state))
            .await?;
    t.commit().await?;
    Ok(Json(issued.into()))
}

/// Withdraw an open invitation; its link stops working.
#[utoipa::path(delete, path = "/{restaurant_id}/invitations/{invitation_id}", tag = "members",
    params(("restaurant_id" = Uuid, Path), ("invitation_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn revoke(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    t.require(Action::ManageRestaurant)?;
    let id = path_uuid(&params, "invitation_id")?;
    flux_app::invitations::revoke(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accept an invitation as the logged-in user, whose e-mail must be the
/// invited one. Single use; 410 once used, withdrawn or expired.
#[utoipa::path(post, path = "/accept", tag = "members", request_body = AcceptInvitation,
    responses((status = 200, body = Accepted), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 410, body = Problem)),
    security(("bearer" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    user: AuthUser,
    Json(b): Json<AcceptInvitation>,
) -> ApiResult<Json<Accepted>> {
    let a = flux_app::invitations::accept(&state.pool, user.user_id, b.token.trim()).await?;
    Ok(Json(Accepted {
        restaurant_id: a.restaurant_id,
        restaurant_name: a.restaurant_name,
        role: a.role.to_string(),
    }))
}
