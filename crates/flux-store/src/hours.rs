//! Weekly operating hours.

use chrono::NaiveTime;
use flux_domain::hours::{TimeRange, WeeklyHours};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;

pub async fn load(conn: &mut PgConnection, restaurant_id: Uuid) -> Result<WeeklyHours> {
    let rows: Vec<(i16, NaiveTime, NaiveTime)> = sqlx::query_as(
        "select day_of_week, open_time, close_time from operating_hours
         where restaurant_id = $1 order by day_of_week, position",
    )
    .bind(restaurant_id)
    .fetch_all(conn)
    .await?;
    let mut week = WeeklyHours::default();
    for (dow, open, close) in rows {
        if let Some(day) = usize::try_from(dow).ok().and_then(|d| week.days.get_mut(d)) {
            day.push(TimeRange { open, close });
        }
    }
    Ok(week)
}

/// Replaces the whole schedule.
pub async fn replace(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    week: &WeeklyHours,
) -> Result<()> {
    sqlx::query("delete from operating_hours where restaurant_id = $1")
        .bind(restaurant_id)
        .execute(&mut *conn)
        .await?;
    for (dow, ranges) in week.days.iter().enumerate() {
        for (pos, r) in ranges.iter().enumerate() {
            sqlx::query(
                "insert into operating_hours (restaurant_id, day_of_week, position, open_time, close_time)
                 values ($1, $2, $3, $4, $5)",
            )
            .bind(restaurant_id)
            .bind(dow as i16)
            .bind(pos as i16)
            .bind(r.open)
            .bind(r.close)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
