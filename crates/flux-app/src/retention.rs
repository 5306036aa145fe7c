//! Retention of the data that belongs to no restaurant: a daily
//! housekeeping job deletes ended logins (expired sessions and refresh
//! tokens), spent login throttles (which hold typed addresses and client
//! IPs), idempotency records past their 24 hours and finished jobs older
//! than [`FINISHED_JOB_DAYS`]. Restaurant data has its own rules: sales
//! stay until the restaurant is deleted, the audit log follows the
//! `audit_retention_days` setting (swept by each nightly forecast).
//! Housekeeping also creates the coming months' partitions of the sales
//! tables (migration 0024) and, only when the operator set a sales
//! retention limit (`--sales-retention-months`), drops the months past it.

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use flux_store::jobs::{self, kinds};
use flux_store::retention::{sweep_batch, Swept};
use flux_store::PgPool;

use crate::AppResult;

/// Days a finished job stays visible for diagnosis.
pub const FINISHED_JOB_DAYS: i64 = 30;
/// The hour (UTC) the daily housekeeping runs.
pub const HOUR_UTC: u32 = 3;
/// Rows per table per batch: small enough that no batch holds a lock for
/// long on a busy table.
const BATCH: i64 = 5_000;
/// The housekeeping job's dedupe key: one queued at a time, whatever the
/// number of servers.
const DEDUPE_KEY: &str = "housekeeping";

/// Deletes everything past its retention, batch after batch; returns the
/// totals.
pub async fn sweep(pool: &PgPool, sales_retention_months: Option<u32>) -> AppResult<Swept> {
    let mut total = Swept::default();
    loop {
        let mut tx = pool.begin().await?;
        let s = sweep_batch(
            &mut tx,
            crate::accounts::THROTTLE_WINDOW_SECS,
            crate::idempotency::TTL_SECS,
            FINISHED_JOB_DAYS,
            BATCH,
        )
        .await?;
        tx.commit().await?;
        total.sessions += s.sessions;
        total.refresh_tokens += s.refresh_tokens;
        total.throttles += s.throttles;
        total.idempotency_keys += s.idempotency_keys;
        total.jobs += s.jobs;
        if s.most() < BATCH as u64 {
            break;
        }
    }
    tracing::info!(?total, "housekeeping swept expired data");
    let today = Utc::now().date_naive();
    let created = ensure_coming_partitions(pool, today).await?;
    if created > 0 {
        tracing::info!(created, "sales partitions created for the coming months");
    }
    if let Some(months) = sales_retention_months {
        let dropped = drop_expired_sales(pool, today, months).await?;
        if dropped > 0 {
            tracing::info!(
                dropped,
                months,
                "sales partitions past the retention limit dropped"
            );
        }
    }
    Ok(total)
}

/// Drops the months of sales that ended more than `months` whole months
/// before `today`'s month: with 24, on any day of March 2027 everything
/// before March 2025 goes. Returns how many partitions were dropped.
pub async fn drop_expired_sales(
    pool: &PgPool,
    today: chrono::NaiveDate,
    months: u32,
) -> AppResult<i32> {
    let this_month = today.with_day(1).unwrap_or(today);
    let cutoff = this_month
        .checked_sub_months(chrono::Months::new(months))
        .unwrap_or(chrono::NaiveDate::MIN);
    let mut tx = pool.begin().await?;
    let dropped = flux_store::uploads::drop_partitions_before(&mut tx, cutoff).await?;
    tx.commit().await?;
    Ok(dropped)
}

/// Months ahead whose sales partitions housekeeping keeps ready.
pub const PARTITION_MONTHS_AHEAD: u32 = 2;

/// Creates the sales partitions of `today`'s month and the
/// [`PARTITION_MONTHS_AHEAD`] after it, where missing (imports create the
/// months of their own files). Returns how many were created.
pub async fn ensure_coming_partitions(pool: &PgPool, today: chrono::NaiveDate) -> AppResult<i32> {
    let until = today
        .checked_add_months(chrono::Months::new(PARTITION_MONTHS_AHEAD))
        .unwrap_or(today);
    let mut tx = pool.begin().await?;
    let created = flux_store::uploads::ensure_partitions(&mut tx, today, until).await?;
    tx.commit().await?;
    Ok(created)
}

/// The next run after `now`: today's [`HOUR_UTC`] if still ahead, else
/// tomorrow's.
pub fn next_run(now: DateTime<Utc>) -> DateTime<Utc> {
    let at = NaiveTime::from_hms_opt(HOUR_UTC, 0, 0).unwrap_or(NaiveTime::MIN);
    let today = now.date_naive().and_time(at).and_utc();
    if today > now {
        today
    } else {
        today + Duration::days(1)
    }
}

/// Queues the next housekeeping run unless one is queued already (every
/// server calls this at start; the dedupe key keeps it to one).
pub async fn schedule(pool: &PgPool) -> AppResult<bool> {
    let mut conn = pool.acquire().await?;
    Ok(jobs::enqueue(
        &mut conn,
        kinds::HOUSEKEEPING,
        &serde_json::json!({}),
        Some(DEDUPE_KEY),
        next_run(Utc::now()),
    )
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_run_is_the_coming_three_o_clock() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().expect("time");
        assert_eq!(
            next_run(t("2026-03-01T01:00:00Z")),
            t("2026-03-01T03:00:00Z")
        );
        assert_eq!(
            next_run(t("2026-03-01T03:00:00Z")),
            t("2026-03-02T03:00:00Z")
        );
        assert_eq!(
            next_run(t("2026-12-31T23:59:00Z")),
            t("2027-01-01T03:00:00Z")
        );
    }
}
