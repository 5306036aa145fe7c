//! The audit log (see migration 0012): entries are written by triggers;
//! this module reads them, newest first, and sweeps old ones.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub audit_id: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<Uuid>,
    /// The actor's e-mail, while their account exists.
    pub actor_email: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_key: Value,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Which entries to read; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub entity: Option<&'a str>,
    pub action: Option<&'a str>,
    pub actor: Option<Uuid>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Entries older than this one (keyset pagination).
    pub before_id: Option<i64>,
    pub limit: i64,
}

pub async fn list(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    f: &Filter<'_>,
) -> Result<Vec<Entry>> {
    Ok(sqlx::query_as(
        "select a.audit_id, a.at, a.actor, u.email as actor_email, a.action, a.entity,
                a.entity_key, a.before, a.after
         from audit_log a left join users u on u.user_id = a.actor
         where a.restaurant_id = $1
           and ($2::text is null or a.entity = $2)
           and ($3::text is null or a.action = $3)
           and ($4::uuid is null or a.actor = $4)
           and ($5::timestamptz is null or a.at >= $5)
           and ($6::timestamptz is null or a.at < $6)
           and ($7::bigint is null or a.audit_id < $7)
         order by a.audit_id desc
         limit $8",
    )
    .bind(restaurant_id)
    .bind(f.entity)
    .bind(f.action)
    .bind(f.actor)
    .bind(f.since)
    .bind(f.until)
    .bind(f.before_id)
    .bind(f.limit)
    .fetch_all(conn)
    .await?)
}

/// Deletes entries older than `days`; returns how many.
pub async fn sweep(conn: &mut PgConnection, restaurant_id: Uuid, days: i32) -> Result<u64> {
    Ok(sqlx::query(
        "delete from audit_log where restaurant_id = $1 and at < now() - make_interval(days => $2)",
    )
    .bind(restaurant_id)
    .bind(days)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Moves every entry of the restaurant back by `days`, for tests of the
/// retention sweep without waiting.
pub async fn age_all(conn: &mut PgConnection, restaurant_id: Uuid, days: i32) -> Result<u64> {
    Ok(sqlx::query(
        "update audit_log set at = at - make_interval(days => $2) where restaurant_id = $1",
    )
    .bind(restaurant_id)
    .bind(days)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Replaces an erased person's address in the log's copies of invitation
/// rows with a placeholder; returns how many entries changed.
pub async fn scrub_email(conn: &mut PgConnection, restaurant_id: Uuid, email: &str) -> Result<u64> {
    Ok(sqlx::query(
        "update audit_log set
             before = case when before->>'email' = $2 then jsonb_set(before, '{email}', '\"erased\"') else before end,
             after = case when after->>'email' = $2 then jsonb_set(after, '{email}', '\"erased\"') else after end
         where restaurant_id = $1 and entity = 'invitations'
           and (before->>'email' = $2 or after->>'email' = $2)",
    )
    .bind(restaurant_id)
    .bind(email)
    .execute(conn)
    .await?
    .rows_affected())
}
