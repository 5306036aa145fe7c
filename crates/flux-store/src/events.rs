//! The restaurant's calendar of events (migration 0019).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;

/// An event: a name and the days it covers.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Event {
    #[serde(rename = "id")]
    pub event_id: Uuid,
    pub name: String,
    pub starts_on: NaiveDate,
    /// Last day, inclusive.
    pub ends_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "event_id, name, starts_on, ends_on, created_at";

pub async fn insert(
    conn: &mut PgConnection,
    rid: Uuid,
    name: &str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    user_id: Uuid,
) -> Result<Event> {
    Ok(sqlx::query_as(&format!(
        "insert into restaurant_events (restaurant_id, event_id, name, starts_on, ends_on, created_by)
         values ($1, $2, $3, $4, $5, $6) returning {COLUMNS}"
    ))
    .bind(rid)
    .bind(Uuid::now_v7())
    .bind(name)
    .bind(starts_on)
    .bind(ends_on)
    .bind(user_id)
    .fetch_one(conn)
    .await?)
}

/// Events overlapping `from..=to`, soonest first, at most `limit`.
pub async fn list(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> Result<Vec<Event>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from restaurant_events
         where restaurant_id = $1 and ends_on >= $2 and starts_on <= $3
         order by starts_on, name limit $4"
    ))
    .bind(rid)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// How many events the restaurant has.
pub async fn count(conn: &mut PgConnection, rid: Uuid) -> Result<i64> {
    Ok(
        sqlx::query_scalar("select count(*) from restaurant_events where restaurant_id = $1")
            .bind(rid)
            .fetch_one(conn)
            .await?,
    )
}

/// Deletes an event; `false` when there is none with that id.
pub async fn delete(conn: &mut PgConnection, rid: Uuid, event_id: Uuid) -> Result<bool> {
    Ok(
        sqlx::query("delete from restaurant_events where restaurant_id = $1 and event_id = $2")
            .bind(rid)
            .bind(event_id)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}

/// Every day from `from` to `to` that an event covers, with the event's
/// name (a day two events share appears once per event).
pub async fn days(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, String)>> {
    Ok(sqlx::query_as(
        "select d::date, e.name
         from restaurant_events e,
              generate_series(greatest(e.starts_on, $2), least(e.ends_on, $3), interval '1 day') d
         where e.restaurant_id = $1 and e.ends_on >= $2 and e.starts_on <= $3
         order by 1, 2",
    )
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}
