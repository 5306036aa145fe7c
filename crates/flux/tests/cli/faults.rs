//! Faults a deployment meets: PostgreSQL restarted under load, and the
//! server killed (SIGKILL) in the middle of a forecast job. Each runs a
//! real `flux serve` process over its own private PostgreSQL cluster.

use std::time::{Duration, Instant};

use crate::common::{
    block_forecast_writes, call, create_restaurant, readyz, register, sales_csv, serve, upload,
    wait_for_count, wait_ready, BLOCKED_FORECASTS,
};
use serde_json::json;
use sqlx::ConnectOptions;

#[tokio::test]
async fn postgres_restarted_under_load_the_server_recovers_and_readyz_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = serve(dir.path()).await;
    let token = register(&server, "owner@example.com").await;
    let cluster = flux_pg::Cluster::new(dir.path());

    // Load: reads and writes in a loop for the whole test.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = {
        let (base, token, stop) = (server.base.clone(), token.clone(), stop.clone());
        tokio::spawn(async move {
            let mut statuses = Vec::new();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let (s, _) = if n % 2 == 0 {
                    call(
                        &base,
                        reqwest::Method::GET,
                        "/api/v1/restaurants",
                        Some(&token),
                        None,
                    )
                    .await
                } else {
                    call(
                        &base,
                        reqwest::Method::POST,
                        "/api/v1/restaurants",
                        Some(&token),
                        Some(json!({"name": format!("R{n}")})),
                    )
                    .await
                };
                statuses.push(s);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            statuses
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;

    assert!(cluster.stop().expect("stop PostgreSQL"), "it was running");
    let down_at = Instant::now();
    let mut saw_not_ready = false;
    while down_at.elapsed() < Duration::from_secs(20) {
        let started = Instant::now();
        let status = readyz(&server).await;
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "readyz answers promptly while the database is down"
        );
        if status == Some(503) {
            saw_not_ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(saw_not_ready, "readyz reports the outage");
    let (s, b) = call(
        &server.base,
        reqwest::Method::GET,
        "/api/v1/restaurants",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        (s, b["code"].as_str()),
        (503, Some("not_ready")),
        "an outage is a 503 to retry, not a 500: {b}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;

    cluster
        .ensure_running()
        .await
        .expect("start PostgreSQL again");
    wait_ready(&server, Duration::from_secs(30)).await;
    let (s, b) = call(
        &server.base,
        reqwest::Method::POST,
        "/api/v1/restaurants",
        Some(&token),
        Some(json!({"name": "After the restart"})),
    )
    .await;
    assert_eq!(s, 201, "writes work again without restarting flux: {b}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let statuses = load.await.expect("load task");
    assert!(
        statuses.iter().filter(|s| **s == 503).count() > 0,
        "the load saw the outage: {statuses:?}"
    );
    assert!(!statuses.contains(&500), "never a 500: {statuses:?}");
    assert!(
        statuses
            .iter()
            .rev()
            .take(5)
            .all(|s| *s == 200 || *s == 201),
        "recovered: {statuses:?}"
    );

    drop(server);
    let _ = cluster.stop();
}

#[tokio::test]
async fn a_server_killed_mid_forecast_leaves_no_partial_run_and_the_job_is_retried() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = serve(dir.path()).await;
    let token = register(&server, "owner@example.com").await;
    let rid = create_restaurant(&server, &token, "Bistro").await;

    let cluster = flux_pg::Cluster::new(dir.path());
    let mut admin = cluster
        .connect_options(flux_pg::ADMIN_ROLE, flux_pg::DATABASE)
        .connect()
        .await
        .expect("admin connection");
    // Hold the forecast's final write: the job reads, computes, then waits
    // here, in the middle of its work, until the lock is released.
    let mut blocker = block_forecast_writes(&cluster).await;

    // An upload queues a forecast job.
    upload(&server, &token, &rid, sales_csv()).await;

    assert!(
        wait_for_count(&mut admin, BLOCKED_FORECASTS, 1, Duration::from_secs(60)).await,
        "the forecast job never reached its write"
    );
    let running: i64 = sqlx::query_scalar("select count(*) from jobs where status = 'running'")
        .fetch_one(&mut admin)
        .await
        .expect("jobs");
    assert_eq!(running, 1, "the job is claimed and mid-way");

    // SIGKILL: no shutdown, no cleanup.
    drop(server);
    sqlx::query("rollback")
        .execute(&mut blocker)
        .await
        .expect("release");
    // The dead worker's transaction never commits.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let runs: i64 = sqlx::query_scalar("select count(*) from forecast_runs")
        .fetch_one(&mut admin)
        .await
        .expect("runs");
    assert_eq!(runs, 0, "nothing of the killed run was stored");
    // Its lease would run out after 10 minutes; move it into the past.
    sqlx::query(
        "update jobs set locked_until = now() - interval '1 second' where status = 'running'",
    )
    .execute(&mut admin)
    .await
    .expect("expire lease");

    let server = serve(dir.path()).await;
    let retried = Instant::now();
    loop {
        let done: i64 = sqlx::query_scalar(
            "select count(*) from jobs where status = 'done' and kind = 'forecast'",
        )
        .fetch_one(&mut admin)
        .await
        .expect("jobs");
        if done == 1 {
            break;
        }
        assert!(
            retried.elapsed() < Duration::from_secs(60),
            "the job was not retried"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (runs, attempts): (i64, i32) = sqlx::query_as(
        "select (select count(*) from forecast_runs), (select max(attempts) from jobs where kind = 'forecast')",
    )
    .fetch_one(&mut admin)
    .await
    .expect("runs");
    assert_eq!(runs, 1, "exactly one run, no duplicate");
    assert_eq!(attempts, 2, "the killed attempt and the retry");
    let (rows, dishes): (i64, i64) =
        sqlx::query_as("select count(*), count(distinct menu_item_id) from demand_forecasts")
            .fetch_one(&mut admin)
            .await
            .expect("forecast rows");
    assert!(
        dishes == 2 && rows >= 2 * 7,
        "a complete forecast for both dishes: {rows} rows, {dishes} dishes"
    );

    drop(server);
    drop(admin);
    drop(blocker);
    let _ = cluster.stop();
}
