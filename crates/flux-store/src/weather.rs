//! Daily weather per restaurant (migration 0020).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;

/// Where a day's weather came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The weather provider (observed or forecast).
    Provider,
    /// A file the restaurant imported.
    Import,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Provider => "provider",
            Source::Import => "import",
        }
    }

    fn parse(s: &str) -> Self {
        if s == "import" {
            Source::Import
        } else {
            Source::Provider
        }
    }
}

/// One day's weather.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Day {
    pub date: NaiveDate,
    pub temperature_c: Option<f32>,
    pub precipitation_mm: Option<f32>,
}

/// A stored day, with where it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct StoredDay {
    pub date: NaiveDate,
    /// Mean temperature over the day, °C.
    pub temperature_c: Option<f32>,
    /// Precipitation over the day, mm.
    pub precipitation_mm: Option<f32>,
    pub source: Source,
    pub updated_at: DateTime<Utc>,
}

/// Stores `days` from `source` in one statement. A provider's day never
/// replaces an imported one; an import replaces anything. Returns how many
/// rows were written.
pub async fn upsert(
    conn: &mut PgConnection,
    rid: Uuid,
    days: &[Day],
    source: Source,
) -> Result<u64> {
    let dates: Vec<NaiveDate> = days.iter().map(|d| d.date).collect();
    let temps: Vec<Option<f32>> = days.iter().map(|d| d.temperature_c).collect();
    let precs: Vec<Option<f32>> = days.iter().map(|d| d.precipitation_mm).collect();
    let done = sqlx::query(
        "insert into weather_days (restaurant_id, date, temperature_c, precipitation_mm, source)
         select $1, d, t, p, $5
           from unnest($2::date[], $3::real[], $4::real[]) as u(d, t, p)
          where t is not null or p is not null
         on conflict (restaurant_id, date) do update
            set temperature_c = excluded.temperature_c,
                precipitation_mm = excluded.precipitation_mm,
                source = excluded.source,
                updated_at = now()
          where weather_days.source = 'provider' or excluded.source = 'import'",
    )
    .bind(rid)
    .bind(&dates)
    .bind(&temps)
    .bind(&precs)
    .bind(source.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Days from `from` to `to` inclusive, in date order.
pub async fn list(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StoredDay>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        date: NaiveDate,
        temperature_c: Option<f32>,
        precipitation_mm: Option<f32>,
        source: String,
        updated_at: DateTime<Utc>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "select date, temperature_c, precipitation_mm, source, updated_at from weather_days
         where restaurant_id = $1 and date between $2 and $3 order by date",
    )
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StoredDay {
            date: r.date,
            temperature_c: r.temperature_c,
            precipitation_mm: r.precipitation_mm,
            source: Source::parse(&r.source),
            updated_at: r.updated_at,
        })
        .collect())
}

/// How many days from `from` to `to` have weather.
pub async fn count(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "select count(*) from weather_days where restaurant_id = $1 and date between $2 and $3",
    )
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await?)
}

/// Removes the days from `from` to `to`; returns how many there were.
pub async fn delete(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<u64> {
    Ok(
        sqlx::query("delete from weather_days where restaurant_id = $1 and date between $2 and $3")
            .bind(rid)
            .bind(from)
            .bind(to)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
