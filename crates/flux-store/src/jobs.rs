//! The durable job queue (see the `jobs` table in migration 0003).
//!
//! Workers sleep until a job is due instead of polling every few seconds:
//! every enqueue and release sends `NOTIFY` on [`CHANNEL`] (delivered at
//! commit, so a listener never wakes for a job it cannot see yet), and an
//! idle worker sleeps until [`next_wake`] or a notification, whichever
//! comes first.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::Result;

/// The `LISTEN` channel a worker wakes on.
pub const CHANNEL: &str = "flux_jobs";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub job_id: Uuid,
    pub kind: String,
    pub payload: Value,
    pub attempts: i32,
    pub max_attempts: i32,
    /// How long the job had been due when it was claimed (queue latency).
    pub waited_secs: f64,
}

/// Enqueues a job; with a `dedupe_key`, does nothing if an equal job is
/// already queued. Returns whether a job was added.
pub async fn enqueue(
    conn: &mut PgConnection,
    kind: &str,
    payload: &Value,
    dedupe_key: Option<&str>,
    run_at: DateTime<Utc>,
) -> Result<bool> {
    let added = sqlx::query(
        "insert into jobs (job_id, kind, payload, dedupe_key, run_at) values ($1, $2, $3, $4, $5)
         on conflict (dedupe_key) where status = 'queued' do nothing",
    )
    .bind(Uuid::now_v7())
    .bind(kind)
    .bind(payload)
    .bind(dedupe_key)
    .bind(run_at)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if added {
        notify(conn).await?;
    }
    Ok(added)
}

/// Wakes idle workers when the current transaction commits (at once
/// outside one). A job due later still wakes them: each then recomputes
/// when to wake next.
async fn notify(conn: &mut PgConnection) -> Result<()> {
    sqlx::query("select pg_notify($1, '')")
        .bind(CHANNEL)
        .execute(conn)
        .await?;
    Ok(())
}

/// Claims the next due job (or one whose worker's lease ran out), leasing
/// it for `lease_secs`. `SKIP LOCKED` lets many workers claim in parallel
/// without ever taking the same job.
pub async fn claim(pool: &PgPool, lease_secs: i64) -> Result<Option<Job>> {
    Ok(sqlx::query_as(
        "update jobs set status = 'running', attempts = attempts + 1, updated_at = now(),
                locked_until = now() + make_interval(secs => $1)
         where job_id = (select job_id from jobs
                         where (status = 'queued' and run_at <= now())
                            or (status = 'running' and locked_until < now())
                         order by run_at for update skip locked limit 1)
         returning job_id, kind, payload, attempts, max_attempts,
                   greatest(extract(epoch from now() - run_at), 0)::float8 as waited_secs",
    )
    .bind(lease_secs as f64)
    .fetch_optional(pool)
    .await?)
}

pub async fn complete(pool: &PgPool, job_id: Uuid) -> Result<()> {
    sqlx::query("update jobs set status = 'done', locked_until = null, updated_at = now() where job_id = $1")
        .bind(job_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Records a failure: retried after `retry_in_secs`, or failed for good
/// once attempts are used up.
pub async fn fail(pool: &PgPool, job: &Job, error: &str, retry_in_secs: i64) -> Result<()> {
    let give_up = job.attempts >= job.max_attempts;
    sqlx::query(
        "update jobs set status = case when $2 then 'failed' else 'queued' end,
                run_at = now() + make_interval(secs => $3), last_error = $4, locked_until = null,
                updated_at = now()
         where job_id = $1",
    )
    .bind(job.job_id)
    .bind(give_up)
    .bind(retry_in_secs as f64)
    .bind(error.chars().take(2000).collect::<String>())
    .execute(pool)
    .await?;
    Ok(())
}

/// Hands a claimed job back to the queue, due now, without counting the
/// attempt: the worker is shutting down and stopped it before it ended.
/// Its work ran in transactions that never committed, so another worker
/// starts it afresh at once instead of waiting for the lease to expire.
pub async fn release(pool: &PgPool, job_id: Uuid) -> Result<bool> {
    let mut tx = pool.begin().await?;
    let released = sqlx::query(
        "update jobs set status = 'queued', attempts = greatest(attempts - 1, 0), run_at = now(),
                locked_until = null, updated_at = now()
         where job_id = $1 and status = 'running'",
    )
    .bind(job_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if released {
        notify(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(released)
}

/// When the next job becomes claimable: the earliest queued `run_at` or
/// running lease expiry; `None` when the queue is empty.
pub async fn next_wake(pool: &PgPool) -> Result<Option<DateTime<Utc>>> {
    Ok(sqlx::query_scalar(
        "select min(case when status = 'queued' then run_at else locked_until end)
         from jobs where status in ('queued', 'running')",
    )
    .fetch_one(pool)
    .await?)
}

/// Jobs waiting per kind: due now (`queued`, `run_at` passed) and running.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Depth {
    pub kind: String,
    pub due: i64,
    pub running: i64,
}

/// The queue's depth by kind, for metrics.
pub async fn depth(pool: &PgPool) -> Result<Vec<Depth>> {
    Ok(sqlx::query_as(
        "select kind, count(*) filter (where status = 'queued' and run_at <= now()) as due,
                count(*) filter (where status = 'running') as running
         from jobs where status in ('queued', 'running') group by kind order by kind",
    )
    .fetch_all(pool)
    .await?)
}

/// Counts by status, for tests and operators.
pub async fn counts(pool: &PgPool) -> Result<Vec<(String, String, i64)>> {
    Ok(
        sqlx::query_as("select kind, status, count(*) from jobs group by 1, 2 order by 1, 2")
            .fetch_all(pool)
            .await?,
    )
}

/// Job kinds and payloads shared by producers (imports, restaurant
/// creation, the API) and the worker.
pub mod kinds {
    /// Re-forecast a restaurant now. Payload: `{"restaurant_id", "trigger"}`.
    pub const FORECAST: &str = "forecast";
    /// The nightly forecast; reschedules itself for the next night.
    /// Payload: `{"restaurant_id"}`.
    pub const NIGHTLY: &str = "nightly_forecast";
    /// Erase an account whose grace period has passed. Payload:
    /// `{"user_id"}`.
    pub const ERASE_ACCOUNT: &str = "erase_account";
    /// Delete a restaurant whose grace period has passed. Payload:
    /// `{"restaurant_id"}`.
    pub const DELETE_RESTAURANT: &str = "delete_restaurant";
    /// Daily deletion of expired logins, throttles, idempotency records
    /// and old finished jobs; reschedules itself. Payload: `{}`.
    pub const HOUSEKEEPING: &str = "housekeeping";
}

/// Queues a re-forecast of a restaurant (deduplicated while queued, so ten
/// quick imports cause one run).
pub async fn enqueue_forecast(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    trigger: &str,
) -> Result<bool> {
    enqueue(
        conn,
        kinds::FORECAST,
        &serde_json::json!({"restaurant_id": restaurant_id, "trigger": trigger}),
        Some(&format!("forecast:{restaurant_id}")),
        Utc::now(),
    )
    .await
}

/// Queues the nightly forecast of a restaurant at `run_at`.
pub async fn enqueue_nightly(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    run_at: DateTime<Utc>,
) -> Result<bool> {
    enqueue(
        conn,
        kinds::NIGHTLY,
        &serde_json::json!({"restaurant_id": restaurant_id}),
        Some(&format!("nightly:{restaurant_id}")),
        run_at,
    )
    .await
}

/// Makes the queued job with `dedupe_key` due now (tests and operators).
pub async fn bring_forward(conn: &mut PgConnection, dedupe_key: &str) -> Result<bool> {
    Ok(
        sqlx::query("update jobs set run_at = now() where dedupe_key = $1 and status = 'queued'")
            .bind(dedupe_key)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}
