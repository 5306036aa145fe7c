//! The job worker every `flux serve` runs.
//!
//! Jobs live in PostgreSQL (`jobs` table): they survive restarts, and any
//! number of server instances share them — a job is claimed with
//! `FOR UPDATE SKIP LOCKED` under a time-limited lease, so it runs once, and
//! a worker that dies mid-job lets the lease expire and another retries it.
//! Failures are retried with exponential backoff. Idle workers wake on
//! `LISTEN`/`NOTIFY` (see [`flux_store::jobs`]), and at shutdown a running
//! job gets a bounded grace period before it is handed back to the queue.
//!
//! Why not a job crate: the queue we need is small (claim, lease, retry,
//! dedupe) and must live in our own embedded migrations and run as our
//! non-owner application role; a framework would bring a second migration
//! system and schema of its own.
//!
//! Kinds: `forecast` (re-forecast a restaurant now: after imports, or on
//! request), `nightly_forecast` (02:00 in the restaurant's timezone; each
//! run schedules the next and records the trailing weeks' accuracy),
//! `erase_account` and `delete_restaurant` (when
//! a grace period ends) and `housekeeping` (03:00 UTC daily: retention of
//! the data that belongs to no restaurant; queued when a worker starts).

use std::time::Duration;

use flux_app::forecasts::{DemandError, RunOptions, Trigger};
use flux_store::jobs::{self, kinds, Job};
use flux_store::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::watch;
use uuid::Uuid;

const LEASE_SECS: i64 = 600;
/// How long an idle worker sleeps at most without a notification: the
/// safety net for a lost `NOTIFY` (a listener reconnecting) and for
/// another instance's lease running out.
pub const DEFAULT_POLL: Duration = Duration::from_secs(60);
/// How long a job in progress may go on after shutdown was asked for.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(30);
/// Shortest sleep between claims, so a job another worker is claiming at
/// this instant (invisible to `SKIP LOCKED`) does not make us spin.
const MIN_NAP: Duration = Duration::from_millis(50);
/// Pause after the queue itself failed (the database is down).
const ERROR_PAUSE: Duration = Duration::from_secs(2);

/// What happened to a claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done {
        job_id: Uuid,
        kind: String,
    },
    Retry {
        job_id: Uuid,
        error: String,
        in_secs: i64,
    },
    Failed {
        job_id: Uuid,
        error: String,
    },
}

/// Seconds before retry `attempt` (1-based): 10 s, 20 s, 40 s, ... capped at an hour.
pub fn backoff_secs(attempt: i32) -> i64 {
    let exp = attempt.clamp(1, 20) - 1;
    (10i64 << exp).min(3600)
}

#[derive(Clone)]
pub struct Worker {
    pool: PgPool,
    weather: Option<flux_app::weather::Provider>,
    poll: Duration,
    grace: Duration,
    sales_retention_months: Option<u32>,
}

/// Whether the worker loop goes on after a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Continue,
    Stop,
}

impl Worker {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            weather: None,
            poll: DEFAULT_POLL,
            grace: DEFAULT_GRACE,
            sales_retention_months: None,
        }
    }

    /// Months of sales kept (whole months before the current one);
    /// housekeeping drops older ones. `None` (the default) keeps sales
    /// until their restaurant is deleted.
    pub fn sales_retention_months(mut self, months: Option<u32>) -> Self {
        self.sales_retention_months = months;
        self
    }

    /// The longest idle sleep without a notification (default 60 s).
    pub fn poll(mut self, every: Duration) -> Self {
        self.poll = every.max(MIN_NAP);
        self
    }

    /// How long a running job may take to finish once shutdown is asked
    /// for (default 30 s); after that it is stopped and handed back to the
    /// queue for another instance.
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// The weather provider the nightly run refreshes each located
    /// restaurant's weather from before it forecasts.
    pub fn weather(mut self, provider: Option<flux_app::weather::Provider>) -> Self {
        self.weather = provider;
        self
    }

    /// Claims and runs one due job, if any.
    pub async fn run_once(&self) -> Result<Option<Outcome>, flux_store::StoreError> {
        let Some(job) = jobs::claim(&self.pool, LEASE_SECS).await? else {
            return Ok(None);
        };
        self.settle(job).await.map(Some)
    }

    /// Runs a claimed job and records how it ended.
    async fn settle(&self, job: Job) -> Result<Outcome, flux_store::StoreError> {
        let started = std::time::Instant::now();
        metrics::histogram!("flux_job_queue_wait_seconds", "kind" => job.kind.clone())
            .record(job.waited_secs);
        let result = self.execute(&job).await;
        let outcome = match result {
            Ok(()) => {
                jobs::complete(&self.pool, job.job_id).await?;
                Outcome::Done {
                    job_id: job.job_id,
                    kind: job.kind.clone(),
                }
            }
            Err(error) => {
                let in_secs = backoff_secs(job.attempts);
                jobs::fail(&self.pool, &job, &error, in_secs).await?;
                tracing::warn!(job_id = %job.job_id, kind = job.kind, attempts = job.attempts, %error, "job failed");
                if job.attempts >= job.max_attempts {
                    Outcome::Failed {
                        job_id: job.job_id,
                        error,
                    }
                } else {
                    Outcome::Retry {
                        job_id: job.job_id,
                        error,
                        in_secs,
                    }
                }
            }
        };
        let label = match outcome {
            Outcome::Done { .. } => "done",
            Outcome::Retry { .. } => "retry",
            Outcome::Failed { .. } => "failed",
        };
        metrics::histogram!("flux_job_duration_seconds", "kind" => job.kind, "outcome" => label)
            .record(started.elapsed().as_secs_f64());
        Ok(outcome)
    }

    /// Works until `stop` turns true (or its sender is dropped).
    ///
    /// Idle, the worker sleeps until the next job is due or a `NOTIFY`
    /// says one was queued, whichever is first. Once stop is asked for it
    /// claims nothing more; a job in progress gets the grace period to
    /// finish, and is otherwise abandoned (its open transaction rolls back
    /// when the connection goes) and released to the queue, due at once
    /// and without counting the attempt, so another instance redoes it.
    pub async fn run_until(self, mut stop: watch::Receiver<bool>) {
        if let Err(e) = flux_app::retention::schedule(&self.pool).await {
            // The queue is down; the next nightly forecast queues it.
            tracing::warn!(error = %e, "could not queue housekeeping");
        }
        // Listening starts before the first claim, so a job queued in
        // between still wakes us.
        let mut listener = self.listen().await;
        loop {
            if *stop.borrow() {
                return;
            }
            match jobs::claim(&self.pool, LEASE_SECS).await {
                Ok(Some(job)) => {
                    if self.run_claimed(job, &mut stop).await == Next::Stop {
                        return;
                    }
                }
                Ok(None) => self.idle(&mut listener, &mut stop).await,
                Err(e) => {
                    tracing::error!(error = %e, "job queue unavailable");
                    tokio::select! {
                        _ = stop_asked(&mut stop) => return,
                        _ = tokio::time::sleep(ERROR_PAUSE) => {}
                    }
                }
            }
        }
    }

    async fn listen(&self) -> Option<PgListener> {
        let attempt = async {
            let mut l = PgListener::connect_with(&self.pool).await?;
            l.listen(jobs::CHANNEL).await?;
            Ok::<_, sqlx::Error>(l)
        };
        match attempt.await {
            Ok(l) => Some(l),
            Err(e) => {
                tracing::warn!(error = %e, "cannot LISTEN for jobs; polling instead");
                None
            }
        }
    }

    /// Sleeps until the next job is due, a notification, the poll interval
    /// or stop, whichever comes first.
    async fn idle(&self, listener: &mut Option<PgListener>, stop: &mut watch::Receiver<bool>) {
        let nap = match jobs::next_wake(&self.pool).await {
            Ok(Some(at)) => (at - chrono::Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .clamp(MIN_NAP, self.poll),
            Ok(None) => self.poll,
            Err(_) => ERROR_PAUSE,
        };
        let notified = async {
            match listener.as_mut() {
                Some(l) => {
                    if let Err(e) = l.recv().await {
                        // It reconnects on the next call; meanwhile the
                        // sleep below still wakes us.
                        tracing::warn!(error = %e, "job notifications interrupted");
                        tokio::time::sleep(ERROR_PAUSE).await;
                    }
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = stop_asked(stop) => {}
            _ = notified => {}
            _ = tokio::time::sleep(nap) => {}
        }
    }

    async fn run_claimed(&self, job: Job, stop: &mut watch::Receiver<bool>) -> Next {
        let (job_id, kind) = (job.job_id, job.kind.clone());
        // Boxed so that it can be dropped, abandoning the job, before the
        // hand-back below.
        let mut work = Box::pin(self.settle(job));
        tokio::select! {
            settled = &mut work => {
                if let Err(e) = settled {
                    tracing::error!(%job_id, error = %e, "could not record the job's outcome");
                }
                return Next::Continue;
            }
            _ = stop_asked(stop) => {}
        }
        tracing::info!(%job_id, kind, grace_secs = self.grace.as_secs(), "shutting down: letting the job finish");
        if tokio::time::timeout(self.grace, &mut work).await.is_ok() {
            return Next::Stop;
        }
        // Dropping the future abandons its transactions: nothing of the
        // job is committed.
        drop(work);
        match jobs::release(&self.pool, job_id).await {
            Ok(_) => {
                tracing::warn!(%job_id, kind, "job stopped at shutdown and handed back to the queue")
            }
            Err(e) => {
                tracing::error!(%job_id, error = %e, "could not hand the job back; its lease will expire")
            }
        }
        Next::Stop
    }

    async fn execute(&self, job: &Job) -> Result<(), String> {
        if job.kind == kinds::HOUSEKEEPING {
            let result = flux_app::retention::sweep(&self.pool, self.sales_retention_months)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string());
            // The next day's run is queued whatever happened today (this
            // job is `running`, so the dedupe key is free).
            flux_app::retention::schedule(&self.pool)
                .await
                .map_err(|e| e.to_string())?;
            return result;
        }
        if job.kind == kinds::ERASE_ACCOUNT {
            let user_id = job
                .payload
                .get("user_id")
                .and_then(|v| v.as_str())
                .and_then(|s| Uuid::parse_str(s).ok())
                .ok_or_else(|| format!("job payload has no user_id: {}", job.payload))?;
            return flux_app::accounts::erasure::erase_due(&self.pool, user_id)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string());
        }
        let rid = job
            .payload
            .get("restaurant_id")
            .and_then(|v| v.as_str())
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(|| format!("job payload has no restaurant_id: {}", job.payload))?;
        match job.kind.as_str() {
            kinds::FORECAST => {
                let trigger = job
                    .payload
                    .get("trigger")
                    .and_then(|v| v.as_str())
                    .unwrap_or("api");
                forecast(&self.pool, rid, Trigger::parse(trigger)).await
            }
            kinds::DELETE_RESTAURANT => {
                flux_app::restaurants::deletion::delete_due(&self.pool, rid)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            kinds::NIGHTLY => {
                // Stale weather is better than no forecast: a provider
                // failure is logged, and the forecast uses what is stored.
                if let Some(provider) = &self.weather {
                    if let Err(e) =
                        flux_app::weather::refresh_nightly(&self.pool, rid, provider).await
                    {
                        tracing::warn!(restaurant_id = %rid, error = %e, "weather refresh failed");
                    }
                }
                let result = forecast(&self.pool, rid, Trigger::Nightly).await;
                // Housekeeping rides on the nightly run; a failure is
                // logged and retried tomorrow, never a reason to redo the
                // forecast.
                if result.is_ok() {
                    if let Err(e) = flux_app::forecasts::accuracy::track(&self.pool, rid).await {
                        tracing::warn!(restaurant_id = %rid, error = %e, "accuracy tracking failed");
                    }
                }
                if let Err(e) = flux_app::audit::sweep(&self.pool, rid).await {
                    tracing::warn!(restaurant_id = %rid, error = %e, "audit sweep failed");
                }
                if let Err(e) = flux_app::retention::schedule(&self.pool).await {
                    tracing::warn!(error = %e, "could not queue housekeeping");
                }
                // Schedule the next night whatever happened tonight.
                schedule_nightly(&self.pool, rid)
                    .await
                    .map_err(|e| e.to_string())?;
                result
            }
            other => Err(format!("unknown job kind {other:?}")),
        }
    }
}

/// Resolves once stop is asked for, or when nobody can ask any more.
async fn stop_asked(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

async fn forecast(pool: &PgPool, rid: Uuid, trigger: Trigger) -> Result<(), String> {
    let opts = RunOptions {
        model: flux_forecast::ModelKind::Production,
        horizon: None,
        as_of: None,
        trigger,
        user_id: None,
    };
    match flux_app::forecasts::run(pool, rid, &opts).await {
        // A restaurant deleted meanwhile has nothing left to forecast.
        Ok(_) | Err(DemandError::NoHistory | DemandError::NoRestaurant) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// Queues the next nightly forecast of a restaurant at 02:00 its local time.
pub async fn schedule_nightly(pool: &PgPool, rid: Uuid) -> Result<bool, flux_store::StoreError> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), rid).await?;
    let Some(r) = flux_store::restaurants::get(&mut tx, rid).await? else {
        return Ok(false);
    };
    let tz = r.timezone.tz();
    let at = flux_domain::restaurant::next_local_hour(
        tz,
        chrono::Utc::now(),
        flux_domain::restaurant::NIGHTLY_FORECAST_HOUR,
    );
    let added = jobs::enqueue_nightly(&mut tx, rid, at).await?;
    tx.commit().await?;
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_secs(1), 10);
        assert_eq!(backoff_secs(2), 20);
        assert_eq!(backoff_secs(4), 80);
        assert_eq!(backoff_secs(12), 3600);
    }
}
