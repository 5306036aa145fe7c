//! Failed-login counters, kept in the database so every server instance
//! behind a load balancer enforces the same limits.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::Result;

/// When `key` may try again, if it is locked out now.
pub async fn locked_until(conn: &mut PgConnection, key: &str) -> Result<Option<DateTime<Utc>>> {
    Ok(sqlx::query_scalar(
        "select locked_until from auth_throttle where throttle_key = $1 and locked_until > now()",
    )
    .bind(key)
    .fetch_optional(conn)
    .await?
    .flatten())
}

/// Counts a failure in a fixed window of `window_secs`; once `max_failures`
/// is reached the key is locked for `lock_secs`.
pub async fn record_failure(
    conn: &mut PgConnection,
    key: &str,
    max_failures: i32,
    window_secs: i64,
    lock_secs: i64,
) -> Result<()> {
    sqlx::query(
        "insert into auth_throttle as t (throttle_key, failures, window_start)
         values ($1, 1, now())
         on conflict (throttle_key) do update set
             failures = case when t.window_start < now() - make_interval(secs => $3)
                             then 1 else t.failures + 1 end,
             window_start = case when t.window_start < now() - make_interval(secs => $3)
                                 then now() else t.window_start end,
             updated_at = now()",
    )
    .bind(key)
    .bind(max_failures)
    .bind(window_secs as f64)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "update auth_throttle set locked_until = now() + make_interval(secs => $3), failures = 0,
                window_start = now()
         where throttle_key = $1 and failures >= $2",
    )
    .bind(key)
    .bind(max_failures)
    .bind(lock_secs as f64)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn clear(conn: &mut PgConnection, key: &str) -> Result<()> {
    sqlx::query("delete from auth_throttle where throttle_key = $1")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}
