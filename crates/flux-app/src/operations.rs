//! What an operator watches: the figures the metrics endpoint samples at
//! each scrape (the job queue's depth, the connection pool's use).
//!
//! Counters and histograms of requests, jobs, imports and forecast runs
//! are recorded where the work happens, through the `metrics` facade
//! (a no-op until the server installs a recorder).

use flux_store::PgPool;

pub use flux_store::jobs::Depth as QueueDepth;

use crate::AppResult;

/// Jobs due and running, per kind.
pub async fn queue_depth(pool: &PgPool) -> AppResult<Vec<QueueDepth>> {
    Ok(flux_store::jobs::depth(pool).await?)
}

/// Connections the pool holds: (open, idle).
pub fn pool_use(pool: &PgPool) -> (u32, u32) {
    (pool.size(), pool.num_idle() as u32)
}

/// Every job kind, so a kind whose queue emptied reads 0 rather than
/// keeping its last value.
pub const JOB_KINDS: [&str; 5] = [
    flux_store::jobs::kinds::FORECAST,
    flux_store::jobs::kinds::NIGHTLY,
    flux_store::jobs::kinds::ERASE_ACCOUNT,
    flux_store::jobs::kinds::DELETE_RESTAURANT,
    flux_store::jobs::kinds::HOUSEKEEPING,
];
