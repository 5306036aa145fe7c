//! Retention of the data that belongs to no restaurant: the daily
//! housekeeping job deletes what has expired and nothing that is live.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::spawn_app;

/// Ended logins, spent throttles, old idempotency records and finished
/// jobs are deleted by the daily housekeeping; what is still live stays.
#[tokio::test]
async fn housekeeping_deletes_expired_logins_and_spent_throttles_and_keeps_live_ones() {
    let app = spawn_app().await;
    let live = app.register("live@example.com").await;
    app.register("gone@example.com").await;
    let gone = app.user_id("gone@example.com").await;
    // A failed login for an address nobody has: a throttle row naming it.
    app.call(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"email": "typo@example.com", "password": "wrong"})),
    )
    .await;
    let count = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .expect("count")
        }
    };
    let throttles_before = count("select count(*) from auth_throttle").await;
    assert!(throttles_before >= 1, "the failed login was throttled");
    for sql in [
        "update refresh_tokens set expires_at = now() - interval '1 minute'
         where user_id = (select user_id from users where email = 'gone@example.com')",
        "update auth_throttle set window_start = now() - interval '1 hour'",
    ] {
        sqlx::query(sql).execute(&app.pool).await.expect("age rows");
    }
    let started = flux_app::accounts::sessions::start(&app.pool, gone)
        .await
        .expect("session");
    flux_app::accounts::sessions::set_expiry(
        &app.pool,
        &started.secret,
        chrono::Utc::now() - chrono::Duration::minutes(1),
    )
    .await
    .expect("expire");
    let tokens_before = count("select count(*) from refresh_tokens").await;

    assert!(flux_app::retention::schedule(&app.pool)
        .await
        .expect("queue"));
    assert!(
        !flux_app::retention::schedule(&app.pool)
            .await
            .expect("queue"),
        "one queued at a time"
    );
    let mut tx = app.pool.begin().await.expect("tx");
    flux_store::jobs::bring_forward(&mut tx, "housekeeping")
        .await
        .expect("bring forward");
    tx.commit().await.expect("commit");
    let ran = flux_jobs::Worker::new(app.pool.clone())
        .run_once()
        .await
        .expect("worker")
        .expect("a job");
    assert!(
        matches!(ran, flux_jobs::Outcome::Done { ref kind, .. } if kind == "housekeeping"),
        "{ran:?}"
    );

    assert_eq!(count("select count(*) from auth_throttle").await, 0);
    assert_eq!(count("select count(*) from sessions").await, 0);
    assert_eq!(
        count("select count(*) from refresh_tokens").await,
        tokens_before - 1,
        "only the expired token went"
    );
    let (s, _) = app.get("/api/v1/auth/me", &live).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": live.refresh})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "live logins stay");
    assert_eq!(
        count("select count(*) from jobs where kind = 'housekeeping' and status = 'queued' and run_at > now()").await,
        1,
        "tomorrow's run is queued"
    );
}
