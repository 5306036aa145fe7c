//! `/api/v1/restaurants/{id}/audit`: the audit log, newest first, for
//! owners. Entries are written by the database (see `flux_app::audit`).

use chrono::{DateTime, Utc};
use flux_domain::role::Action;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiResult, Problem};
use crate::extract::{Json, Query, Tenant};
use crate::pagination::{encode, PageParams};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only this table (`menu_items`, `settings`, `memberships`, ...).
    pub entity: Option<String>,
    /// `insert`, `update` or `delete`.
    pub action: Option<String>,
    /// Only changes made by this user.
    pub actor: Option<Uuid>,
    /// From this instant (inclusive, RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Before this instant (exclusive, RFC 3339).
    pub until: Option<DateTime<Utc>>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// Who made the change; null for the system (the nightly forecast).
    pub actor_id: Option<Uuid>,
    /// Their e-mail, while the account exists.
    pub actor_email: Option<String>,
    pub action: String,
    /// The table changed.
    pub entity: String,
    /// The changed row's key within the restaurant.
    #[schema(value_type = Object)]
    pub entity_key: serde_json::Value,
    /// The row before (updates and deletes).
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The row after (inserts and updates).
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

/// The audit log, newest first, filtered (owners only).
#[utoipa::path(get, path = "/{restaurant_id}/audit", tag = "restaurants",
    params(("restaurant_id" = Uuid, Path), AuditParams),
    responses((status = 200, body = AuditPage), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(mut t: Tenant, Query(p): Query<AuditParams>) -> ApiResult<Json<AuditPage>> {
    t.require(Action::Administer)?;
    let paging = PageParams {
        limit: p.limit,
        cursor: p.cursor.clone(),
    };
    let query = flux_app::audit::Query {
        entity: p.entity,
        action: p.action,
        actor: p.actor,
        since: p.since,
        until: p.until,
        before_id: paging.decode::<i64>()?,
        limit: paging.limit()?,
    };
    let page = flux_app::audit::list(&mut t.tx, t.restaurant_id, &query).await?;
    t.commit().await?;
    Ok(Json(AuditPage {
        next_cursor: page.next_before_id.map(|id| encode(&id)),
        items: page
            .items
            .into_iter()
            .map(|e| AuditEntry {
                id: e.audit_id,
                at: e.at,
                actor_id: e.actor,
                actor_email: e.actor_email,
                action: e.action,
                entity: e.entity,
                entity_key: e.entity_key,
                before: e.before,
                after: e.after,
            })
            .collect(),
    }))
}
