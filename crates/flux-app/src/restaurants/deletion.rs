//! Deleting a restaurant on an owner's request, with a grace period (the
//! GDPR right to erasure, for everything a restaurant holds).
//!
//! [`request`] needs the restaurant's name typed again (deleting the wrong
//! one is what a grace period cannot always save), and schedules the
//! deletion [`GRACE_DAYS`] on; any owner can [`cancel`] it until then.
//! [`delete_due`] runs as a job when the time comes: every row of the
//! restaurant in every table goes in one transaction (the store's
//! `restaurants::purge`), audit log included. Members keep their accounts.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use flux_store::jobs::{self, kinds};
use flux_store::{PgConnection, PgPool};
use uuid::Uuid;

use crate::{AppError, AppResult, Kind};

/// Days between the request and the deletion.
pub const GRACE_DAYS: i64 = 30;

fn dedupe_key(restaurant_id: Uuid) -> String {
    format!("delete-restaurant:{restaurant_id}")
}

async fn schedule(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    at: DateTime<Utc>,
) -> AppResult<()> {
    jobs::enqueue(
        conn,
        kinds::DELETE_RESTAURANT,
        &serde_json::json!({"restaurant_id": restaurant_id}),
        Some(&dedupe_key(restaurant_id)),
        at,
    )
    .await?;
    Ok(())
}

/// Schedules the deletion of the transaction's restaurant when
/// `confirm_name` is its name (case and surrounding spaces aside); returns
/// when it happens. Asking again keeps the date already set.
pub async fn request(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    confirm_name: &str,
) -> AppResult<DateTime<Utc>> {
    let r = flux_store::restaurants::get(conn, restaurant_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    if confirm_name.trim().to_lowercase() != r.name.trim().to_lowercase() {
        return Err(AppError::field(
            Kind::Validation,
            "name",
            "name_mismatch",
            "must be the restaurant's name, to confirm which restaurant is deleted",
        ));
    }
    if let Some(at) = r.delete_after {
        return Ok(at);
    }
    // Microseconds, as PostgreSQL keeps it: the reply equals what is stored.
    let at = (Utc::now() + Duration::days(GRACE_DAYS)).trunc_subsecs(6);
    flux_store::restaurants::set_delete_after(conn, restaurant_id, Some(at)).await?;
    schedule(conn, restaurant_id, at).await?;
    tracing::info!(%restaurant_id, %at, "restaurant deletion requested");
    Ok(at)
}

/// Cancels a pending deletion; not found when none is pending.
pub async fn cancel(conn: &mut PgConnection, restaurant_id: Uuid) -> AppResult<()> {
    match flux_store::restaurants::set_delete_after(conn, restaurant_id, None).await? {
        Some(_) => {
            tracing::info!(%restaurant_id, "restaurant deletion cancelled");
            Ok(())
        }
        None => Err(AppError::new(
            Kind::NotFound,
            "no deletion of this restaurant is pending",
        )),
    }
}

/// Deletes the restaurant if its deletion is due (the job); `false` if it
/// was cancelled or the restaurant is gone. A deletion cancelled and asked
/// for again is later than this job: it is queued again for its time.
pub async fn delete_due(pool: &PgPool, restaurant_id: Uuid) -> AppResult<bool> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), restaurant_id).await?;
    let Some(r) = flux_store::restaurants::get(&mut tx, restaurant_id).await? else {
        return Ok(false);
    };
    match r.delete_after {
        None => Ok(false),
        Some(at) if at > Utc::now() => {
            schedule(&mut tx, restaurant_id, at).await?;
            tx.commit().await?;
            Ok(false)
        }
        Some(_) => {
            let rows = flux_store::restaurants::purge(&mut tx, restaurant_id).await?;
            tx.commit().await?;
            tracing::info!(%restaurant_id, rows, "restaurant deleted");
            Ok(true)
        }
    }
}

/// Makes a pending deletion due now, job included (tests; no waiting a
/// month).
pub async fn make_due(pool: &PgPool, restaurant_id: Uuid) -> AppResult<()> {
    let mut tx = flux_store::tenant::begin(pool, Uuid::nil(), restaurant_id).await?;
    if flux_store::restaurants::get(&mut tx, restaurant_id)
        .await?
        .is_some_and(|r| r.delete_after.is_some())
    {
        let past = Utc::now() - Duration::seconds(1);
        flux_store::restaurants::set_delete_after(&mut tx, restaurant_id, Some(past)).await?;
    }
    jobs::bring_forward(&mut tx, &dedupe_key(restaurant_id)).await?;
    tx.commit().await?;
    Ok(())
}
