//! Deleting what has outlived its purpose in the tables that belong to no
//! restaurant: ended logins, spent login throttles (they name addresses
//! and client IPs), expired idempotency records and old finished jobs.
//! Each statement is a bounded batch, so one sweep never holds a long
//! lock on a busy table; a sweep that leaves rows behind is repeated.

use sqlx::PgConnection;

use crate::Result;

/// Rows deleted per table by one batch.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub refresh_tokens: u64,
    pub throttles: u64,
    pub idempotency_keys: u64,
    pub jobs: u64,
}

impl Swept {
    /// The largest count of any table: a batch that reached its limit
    /// there may have left rows behind.
    pub fn most(&self) -> u64 {
        [
            self.sessions,
            self.refresh_tokens,
            self.throttles,
            self.idempotency_keys,
            self.jobs,
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
    }
}

/// Deletes up to `batch` rows per table: sessions and refresh tokens past
/// their expiry, throttle entries whose window and lock are both over,
/// idempotency records older than `idempotency_ttl_secs`, and jobs that
/// finished (done or failed) more than `finished_job_days` ago.
pub async fn sweep_batch(
    conn: &mut PgConnection,
    throttle_window_secs: i64,
    idempotency_ttl_secs: i64,
    finished_job_days: i64,
    batch: i64,
) -> Result<Swept> {
    let sessions = sqlx::query(
        "delete from sessions where token_hash in
           (select token_hash from sessions where expires_at <= now() limit $1)",
    )
    .bind(batch)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let refresh_tokens = sqlx::query(
        "delete from refresh_tokens where token_hash in
           (select token_hash from refresh_tokens where expires_at <= now() limit $1)",
    )
    .bind(batch)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let throttles = sqlx::query(
        "delete from auth_throttle where throttle_key in
           (select throttle_key from auth_throttle
             where window_start < now() - make_interval(secs => $1)
               and (locked_until is null or locked_until <= now())
             limit $2)",
    )
    .bind(throttle_window_secs as f64)
    .bind(batch)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let idempotency_keys = sqlx::query(
        "delete from idempotency_keys where (user_id, key) in
           (select user_id, key from idempotency_keys
             where created_at < now() - make_interval(secs => $1) limit $2)",
    )
    .bind(idempotency_ttl_secs as f64)
    .bind(batch)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let jobs = sqlx::query(
        "delete from jobs where job_id in
           (select job_id from jobs
             where status in ('done', 'failed')
               and updated_at < now() - make_interval(days => $1::int)
             limit $2)",
    )
    .bind(finished_job_days)
    .bind(batch)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(Swept {
        sessions,
        refresh_tokens,
        throttles,
        idempotency_keys,
        jobs,
    })
}
