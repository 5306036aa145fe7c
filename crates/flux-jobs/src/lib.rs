//! The job worker every `flux serve` runs.
//!
//! Jobs live in PostgreSQL (`jobs` table): they survive restarts, and any
//! number of server instances share them — a job is claimed with
//! `FOR UPDATE SKIP LOCKED` under a time-limited lease, so it runs once, and
//! a worker that dies mid-job lets the lease expire and another retries it.
//! Failures are retried with exponential backoff.
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

use std::future::Future;
use std::time::Duration;

use flux_app::forecasts::{DemandError, RunOptions, Trigger};
use flux_store::jobs::{self, kinds, Job};
use flux_store::PgPool;
use uuid::Uuid;

const LEASE_SECS: i64 = 600;
const IDLE_POLL: Duration = Duration::from_secs(2);

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
}

impl Worker {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            weather: None,
        }
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
        let result = self.execute(&job).await;
        Ok(Some(match result {
            Ok(()) => {
                jobs::complete(&self.pool, job.job_id).await?;
                Outcome::Done {
                    job_id: job.job_id,
                    kind: job.kind,
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
        }))
    }

    /// Works until `shutdown` resolves; a job in progress is finished first.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        if let Err(e) = flux_app::retention::schedule(&self.pool).await {
            // The queue is down; the next nightly forecast queues it.
            tracing::warn!(error = %e, "could not queue housekeeping");
        }
        loop {
            let idle = match self.run_once().await {
                Ok(Some(_)) => false,
                Ok(None) => true,
                Err(e) => {
                    tracing::error!(error = %e, "job queue unavailable");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = &mut shutdown => return,
                    _ = tokio::time::sleep(IDLE_POLL) => {}
                }
            }
        }
    }

    async fn execute(&self, job: &Job) -> Result<(), String> {
        if job.kind == kinds::HOUSEKEEPING {
            let result = flux_app::retention::sweep(&self.pool)
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
