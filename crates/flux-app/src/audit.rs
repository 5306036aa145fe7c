//! The audit log: who changed what and when, with the values before and
//! after. Entries are written by database triggers on every audited table
//! (migration 0012), so no use case can forget one; this module reads them
//! for owners, with filters, and sweeps entries past the restaurant's
//! retention setting.

use chrono::{DateTime, Utc};
use flux_domain::Invalid;
use flux_store::{PgConnection, PgPool};
use uuid::Uuid;

pub use flux_store::audit::Entry;

use crate::AppResult;

/// What was done to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Insert,
    Update,
    Delete,
}

impl Action {
    pub const ALL: [Action; 3] = [Action::Insert, Action::Update, Action::Delete];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Insert => "insert",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// The audited tables, as entries name them.
pub const ENTITIES: [&str; 24] = [
    "restaurants",
    "memberships",
    "invitations",
    "settings",
    "operating_hours",
    "menu_items",
    "menu_item_aliases",
    "upload_mappings",
    "data_uploads",
    "forecast_runs",
    "forecast_feedback",
    "forecast_overrides",
    "stockouts",
    "restaurant_events",
    "ingredients",
    "ingredient_costs",
    "recipes",
    "recipe_lines",
    "suppliers",
    "supplier_offers",
    "stock_events",
    "purchase_orders",
    "purchase_order_lines",
    "prep_counts",
];

/// Filters as given by a caller (query parameters, a form); all optional.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub entity: Option<String>,
    pub action: Option<String>,
    pub actor: Option<Uuid>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// A page of entries, newest first; `next_before_id` continues it.
#[derive(Debug)]
pub struct Page {
    pub items: Vec<Entry>,
    pub next_before_id: Option<i64>,
}

fn blank_is_none(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Entries matching `q`, newest first. An unknown entity or action is a
/// field error naming it, not an empty page.
pub async fn list(conn: &mut PgConnection, restaurant_id: Uuid, q: &Query) -> AppResult<Page> {
    let mut errors = Vec::new();
    let entity = blank_is_none(&q.entity);
    if let Some(e) = entity {
        if !ENTITIES.contains(&e) {
            errors.push(flux_domain::FieldError::new(
                "entity",
                "unknown_entity",
                format!("must be one of {}", ENTITIES.join(", ")),
            ));
        }
    }
    let action = blank_is_none(&q.action);
    if let Some(a) = action {
        if !Action::ALL.iter().any(|k| k.as_str() == a) {
            errors.push(flux_domain::FieldError::new(
                "action",
                "unknown_action",
                "must be insert, update or delete",
            ));
        }
    }
    if let (Some(since), Some(until)) = (q.since, q.until) {
        if since >= until {
            errors.push(flux_domain::FieldError::new(
                "until",
                "before_since",
                "must be later than `since`",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let filter = flux_store::audit::Filter {
        entity,
        action,
        actor: q.actor,
        since: q.since,
        until: q.until,
        before_id: q.before_id,
        limit: q.limit + 1,
    };
    let mut items = flux_store::audit::list(conn, restaurant_id, &filter).await?;
    let next_before_id = if items.len() as i64 > q.limit {
        items.truncate(q.limit as usize);
        items.last().map(|e| e.audit_id)
    } else {
        None
    };
    Ok(Page {
        items,
        next_before_id,
    })
}

/// Deletes the restaurant's entries older than its retention setting
/// (run nightly); returns how many went.
pub async fn sweep(pool: &PgPool, restaurant_id: Uuid) -> AppResult<u64> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), restaurant_id).await?;
    let settings = crate::settings::get(&mut tx, restaurant_id).await?;
    let swept = flux_store::audit::sweep(
        &mut tx,
        restaurant_id,
        i32::from(settings.audit_retention_days),
    )
    .await?;
    tx.commit().await?;
    if swept > 0 {
        tracing::info!(%restaurant_id, swept, "audit entries past retention deleted");
    }
    Ok(swept)
}

/// Moves the restaurant's entries `days` into the past (tests of the
/// sweep; no waiting a year).
pub async fn age_entries(pool: &PgPool, restaurant_id: Uuid, days: i32) -> AppResult<u64> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), restaurant_id).await?;
    let n = flux_store::audit::age_all(&mut tx, restaurant_id, days).await?;
    tx.commit().await?;
    Ok(n)
}
