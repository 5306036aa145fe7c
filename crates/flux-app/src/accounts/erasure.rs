//! Erasing an account on its owner's request (GDPR right to erasure), with
//! a grace period.
//!
//! [`request`] checks the password, refuses while the person is the only
//! owner of a restaurant (its data must stay with someone who can manage
//! it), ends every login at once and schedules the erasure
//! [`GRACE_DAYS`] on. Logging in before then cancels it ([`cancel`], called
//! by login). [`erase_due`] runs as a job when the grace period is over:
//! it leaves every restaurant, deletes the account and scrubs the address
//! from every invitation sent to it (in any restaurant, joined or not) and
//! from the audit log's copies of them.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use flux_domain::role::Role;
use flux_store::jobs::{self, kinds};
use flux_store::PgPool;
use uuid::Uuid;

use crate::{AppError, AppResult, Kind};

/// Days between the request and the erasure.
pub const GRACE_DAYS: i64 = 30;

/// Schedules the erasure of `user_id`'s account; returns when it happens.
pub async fn request(
    pool: &PgPool,
    user_id: Uuid,
    current_password: &str,
) -> AppResult<DateTime<Utc>> {
    // Throttled like a login: a stolen session must not find the password.
    super::confirm_password(pool, user_id, current_password, "password").await?;
    let mut tx = flux_store::tenant::begin_user(pool, user_id).await?;
    let restaurants = flux_store::restaurants::list_for_user(&mut tx, user_id).await?;
    let mut sole = Vec::new();
    for r in restaurants.iter().filter(|r| r.role == Role::Owner) {
        let rid = r.restaurant.restaurant_id;
        flux_store::tenant::set_restaurant(&mut tx, rid).await?;
        if flux_store::members::count_owners_locked(&mut tx, rid).await? <= 1 {
            sole.push(r.restaurant.name.clone());
        }
    }
    if !sole.is_empty() {
        return Err(AppError::new(
            Kind::LastOwner,
            format!(
                "you are the only owner of {}; make someone else owner first, so the restaurant's data stays with someone who can manage it",
                sole.join(", ")
            ),
        ));
    }
    // Microseconds, as PostgreSQL keeps it: the reply equals what is stored.
    let at = (Utc::now() + Duration::days(GRACE_DAYS)).trunc_subsecs(6);
    flux_store::users::set_erase_after(&mut tx, user_id, Some(at)).await?;
    flux_store::tokens::revoke_all_for_user(&mut tx, user_id).await?;
    flux_store::sessions::delete_all_for_user(&mut tx, user_id).await?;
    schedule(&mut tx, user_id, at).await?;
    tx.commit().await?;
    tracing::info!(%user_id, %at, "account erasure requested");
    Ok(at)
}

async fn schedule(
    conn: &mut flux_store::PgConnection,
    user_id: Uuid,
    at: DateTime<Utc>,
) -> AppResult<()> {
    jobs::enqueue(
        conn,
        kinds::ERASE_ACCOUNT,
        &serde_json::json!({"user_id": user_id}),
        Some(&format!("erase:{user_id}")),
        at,
    )
    .await?;
    Ok(())
}

/// Cancels a pending erasure (the person logged in again); `true` if one
/// was pending. The queued job then finds nothing to do.
pub async fn cancel(pool: &PgPool, user_id: Uuid) -> AppResult<bool> {
    let mut tx = pool.begin().await?;
    let was = flux_store::users::set_erase_after(&mut tx, user_id, None).await?;
    tx.commit().await?;
    if was.is_some() {
        tracing::info!(%user_id, "account erasure cancelled by logging in");
    }
    Ok(was.is_some())
}

/// Erases the account if its erasure is due (the job); `false` if it was
/// cancelled, is not due yet, or the account is already gone.
pub async fn erase_due(pool: &PgPool, user_id: Uuid) -> AppResult<bool> {
    let mut tx = flux_store::tenant::begin_user(pool, user_id).await?;
    let due = flux_store::users::erase_after(&mut tx, user_id).await?;
    match due {
        None => return Ok(false),
        // Cancelled and asked for again: this job was queued for the
        // first request, so queue one for the second.
        Some(at) if at > Utc::now() => {
            schedule(&mut tx, user_id, at).await?;
            tx.commit().await?;
            return Ok(false);
        }
        Some(_) => {}
    }
    let Some(user) = flux_store::users::by_id(&mut tx, user_id).await? else {
        return Ok(false);
    };
    let restaurants: Vec<Uuid> = flux_store::restaurants::list_for_user(&mut tx, user_id)
        .await?
        .iter()
        .map(|r| r.restaurant.restaurant_id)
        .collect();
    for &rid in &restaurants {
        flux_store::tenant::set_restaurant(&mut tx, rid).await?;
        flux_store::members::remove(&mut tx, rid, user_id).await?;
    }
    flux_store::users::delete(&mut tx, user_id).await?;
    // Invitations to the address in restaurants the person never joined
    // are personal data too.
    let mut scrubbed = restaurants.clone();
    for rid in flux_store::invitations::restaurants_inviting(&mut tx, &user.email).await? {
        if !scrubbed.contains(&rid) {
            scrubbed.push(rid);
        }
    }
    // Last, because the steps above write audit entries of their own
    // (invitations lose `accepted_by` with the account) that copy the
    // address.
    for &rid in &scrubbed {
        flux_store::tenant::set_restaurant(&mut tx, rid).await?;
        flux_store::invitations::scrub_email(&mut tx, rid, &user.email).await?;
        flux_store::audit::scrub_email(&mut tx, rid, &user.email).await?;
    }
    tx.commit().await?;
    tracing::info!(%user_id, "account erased");
    Ok(true)
}

/// Makes a pending erasure due now, job included (tests; no waiting a
/// month). A cancelled one stays cancelled; its job still runs, finding
/// nothing to do.
pub async fn make_due(pool: &PgPool, user_id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    if flux_store::users::erase_after(&mut tx, user_id)
        .await?
        .is_some()
    {
        flux_store::users::set_erase_after(
            &mut tx,
            user_id,
            Some(Utc::now() - Duration::seconds(1)),
        )
        .await?;
    }
    jobs::bring_forward(&mut tx, &format!("erase:{user_id}")).await?;
    tx.commit().await?;
    Ok(())
}
