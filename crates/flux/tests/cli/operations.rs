//! Running Flux in production: several `flux serve` instances sharing one
//! database and its job queue, shutdown on SIGTERM within the grace
//! period, and the Prometheus endpoint. Each test runs real `flux serve`
//! processes over a private PostgreSQL cluster.

use crate::common;

use std::process::ExitStatus;
use std::time::{Duration, Instant};

use crate::common::{
    block_forecast_writes, call, create_restaurant, free_port, register, sales_csv, serve,
    serve_with, upload, wait_for_count, Server, BLOCKED_FORECASTS,
};
use sqlx::ConnectOptions;

async fn admin_connection(dir: &std::path::Path) -> sqlx::PgConnection {
    flux_pg::Cluster::new(dir)
        .connect_options(flux_pg::ADMIN_ROLE, flux_pg::DATABASE)
        .connect()
        .await
        .expect("admin connection")
}

fn sigterm(server: &Server) {
    let pid = nix::unistd::Pid::from_raw(server.child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("SIGTERM");
}

/// Waits for the process to exit on its own, up to `within`.
async fn exited(server: &mut Server, within: Duration) -> Option<ExitStatus> {
    let started = Instant::now();
    while started.elapsed() < within {
        if let Some(status) = server.child.try_wait().expect("wait") {
            return Some(status);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

#[tokio::test]
async fn sigterm_mid_forecast_stops_within_the_grace_and_hands_the_job_to_the_next_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = serve_with(dir.path(), &["--shutdown-grace", "2"]).await;
    let token = register(&server, "owner@example.com").await;
    let rid = create_restaurant(&server, &token, "Bistro").await;
    let cluster = flux_pg::Cluster::new(dir.path());
    // As a user of the cluster, the test keeps it running when the server
    // leaves it.
    let guard = cluster.attach().expect("attach");
    let mut admin = admin_connection(dir.path()).await;
    let mut blocker = block_forecast_writes(&cluster).await;
    upload(&server, &token, &rid, sales_csv()).await;
    assert!(
        wait_for_count(&mut admin, BLOCKED_FORECASTS, 1, Duration::from_secs(60)).await,
        "the forecast job never reached its write"
    );

    // The job cannot finish (its write is blocked), so only the grace
    // period can end it.
    sigterm(&server);
    let status = exited(&mut server, Duration::from_secs(30))
        .await
        .expect("flux serve stopped on SIGTERM although a job was running");
    assert!(status.success(), "a clean exit: {status:?}");

    let (state, attempts, due_now): (String, i32, bool) = sqlx::query_as(
        "select status, attempts, run_at <= now() from jobs where kind = 'forecast'",
    )
    .fetch_one(&mut admin)
    .await
    .expect("job");
    assert_eq!(
        (state.as_str(), attempts, due_now),
        ("queued", 0, true),
        "handed back, due at once, the interrupted attempt not counted"
    );
    sqlx::query("rollback")
        .execute(&mut blocker)
        .await
        .expect("release the lock");
    let runs: i64 = sqlx::query_scalar("select count(*) from forecast_runs")
        .fetch_one(&mut admin)
        .await
        .expect("runs");
    assert_eq!(runs, 0, "nothing of the stopped run was stored");

    // The next server takes it at once: no lease to wait out.
    let next = serve(dir.path()).await;
    assert!(
        wait_for_count(
            &mut admin,
            "select count(*) from jobs where kind = 'forecast' and status = 'done'",
            1,
            Duration::from_secs(60),
        )
        .await,
        "the handed-back job was not run"
    );
    let (runs, attempts): (i64, i32) = sqlx::query_as(
        "select (select count(*) from forecast_runs), (select attempts from jobs where kind = 'forecast')",
    )
    .fetch_one(&mut admin)
    .await
    .expect("runs");
    assert_eq!((runs, attempts), (1, 1), "one run, one counted attempt");
    drop(next);
    drop(admin);
    drop(guard);
    let _ = cluster.stop();
}

/// Sums the samples of `name` whose labels include every `labels` pair.
fn metric_sum(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let mut found = None;
    for line in text.lines() {
        let Some(rest) = line.strip_prefix(name) else {
            continue;
        };
        if !(rest.starts_with('{') || rest.starts_with(' ')) {
            continue; // another metric with this prefix
        }
        let (series, value) = rest.rsplit_once(' ').expect("a sample line");
        if labels
            .iter()
            .all(|(k, v)| series.contains(&format!("{k}=\"{v}\"")))
        {
            *found.get_or_insert(0.0) += value.parse::<f64>().expect("a number");
        }
    }
    found
}

async fn scrape(port: u16) -> String {
    let resp = common::client()
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .expect("scrape");
    assert_eq!(resp.status().as_u16(), 200);
    resp.text().await.expect("metrics text")
}

#[tokio::test]
async fn two_servers_share_the_queue_run_each_job_once_wake_on_notify_and_export_metrics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ports = [free_port(), free_port()];
    // An hour between looks at the queue: only a notification can make
    // them pick up the imports' jobs within the test.
    let flags = |port: u16| {
        vec![
            "--job-poll".to_string(),
            "3600".to_string(),
            "--metrics-addr".to_string(),
            format!("127.0.0.1:{port}"),
        ]
    };
    let (fa, fb) = (flags(ports[0]), flags(ports[1]));
    let a = serve_with(
        dir.path(),
        &fa.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await;
    let b = serve_with(
        dir.path(),
        &fb.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await;
    let servers = [&a, &b];
    let token = register(&a, "owner@example.com").await;
    let mut admin = admin_connection(dir.path()).await;

    const RESTAURANTS: usize = 6;
    let mut rids = Vec::new();
    for i in 0..RESTAURANTS {
        // Alternate instances: they share tokens and data.
        let server = servers[i % 2];
        let rid = create_restaurant(server, &token, &format!("Bistro {i}")).await;
        upload(server, &token, &rid, sales_csv()).await;
        rids.push(rid);
    }
    assert!(
        wait_for_count(
            &mut admin,
            "select count(*) from jobs where kind = 'forecast' and status = 'done'",
            RESTAURANTS as i64,
            Duration::from_secs(120),
        )
        .await,
        "the import jobs were not all run"
    );
    let (runs, restaurants, max_attempts): (i64, i64, i32) = sqlx::query_as(
        "select count(*), count(distinct restaurant_id),
                (select max(attempts) from jobs where kind = 'forecast')
         from forecast_runs",
    )
    .fetch_one(&mut admin)
    .await
    .expect("runs");
    assert_eq!(
        (runs, restaurants, max_attempts),
        (RESTAURANTS as i64, RESTAURANTS as i64, 1),
        "every job ran exactly once, on one of the two instances"
    );

    let texts = [scrape(ports[0]).await, scrape(ports[1]).await];
    let sum = |name: &str, labels: &[(&str, &str)]| {
        texts
            .iter()
            .filter_map(|t| metric_sum(t, name, labels))
            .sum::<f64>()
    };
    assert_eq!(
        sum(
            "flux_job_duration_seconds_count",
            &[("kind", "forecast"), ("outcome", "done")]
        ),
        RESTAURANTS as f64,
        "the instances' job metrics add up to the jobs run"
    );
    assert_eq!(
        sum("flux_forecast_run_seconds_count", &[("trigger", "import")]),
        RESTAURANTS as f64
    );
    assert_eq!(
        sum(
            "flux_http_request_duration_seconds_count",
            &[
                ("method", "POST"),
                ("route", "/api/v1/restaurants"),
                ("status", "201")
            ]
        ),
        RESTAURANTS as f64,
        "requests are counted by route template and status"
    );
    assert!(
        texts
            .iter()
            .all(|t| !rids.iter().any(|rid| t.contains(rid.as_str()))),
        "no restaurant id (or any other path value) becomes a label"
    );
    for t in &texts {
        assert_eq!(
            metric_sum(t, "flux_jobs", &[("kind", "forecast"), ("state", "due")]),
            Some(0.0),
            "the queue is empty"
        );
        assert!(
            metric_sum(t, "flux_db_pool_connections", &[("state", "open")]).unwrap_or(0.0) >= 1.0
        );
        assert!(metric_sum(t, "flux_import_rows_total", &[]).is_some());
    }
    let (s, _) = call(&a.base, reqwest::Method::GET, "/metrics", None, None).await;
    assert_eq!(s, 404, "metrics are not on the public listener");

    drop(a);
    drop(b);
    drop(admin);
    let _ = flux_pg::Cluster::new(dir.path()).stop();
}

/// Runs `flux --data-dir <dir> <args>`; returns success and what it said.
fn flux(dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_flux"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run flux");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

const COUNTS: &str = "select (select count(*) from users), (select count(*) from restaurants),
        (select count(*) from daily_item_sales), (select count(*) from demand_forecasts)";

#[tokio::test]
async fn a_backup_taken_while_serving_restores_exactly_and_a_refused_restore_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cluster = flux_pg::Cluster::new(dir.path());
    let mut server = serve(dir.path()).await;
    let guard = cluster.attach().expect("attach");
    let token = register(&server, "owner@example.com").await;
    let rid = create_restaurant(&server, &token, "Bistro").await;
    upload(&server, &token, &rid, sales_csv()).await;
    let mut admin = admin_connection(dir.path()).await;
    assert!(
        wait_for_count(
            &mut admin,
            "select count(*) from jobs where kind = 'forecast' and status = 'done'",
            1,
            Duration::from_secs(60)
        )
        .await
    );
    let before: (i64, i64, i64, i64) = sqlx::query_as(COUNTS)
        .fetch_one(&mut admin)
        .await
        .expect("counts");
    assert!(
        before.2 > 0 && before.3 > 0,
        "sales and forecasts: {before:?}"
    );

    let file = dir.path().join("nightly.dump");
    let file_arg = file.to_str().expect("utf-8 path");
    let (ok, said) = flux(dir.path(), &["db", "backup", "--output", file_arg]);
    assert!(ok, "backup while serving: {said}");
    assert!(said.contains("backup written"), "{said}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file)
        .expect("backup file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "a backup holds everything: owner only");

    create_restaurant(&server, &token, "After the backup").await;
    let (ok, said) = flux(dir.path(), &["db", "restore", file_arg, "--yes"]);
    assert!(
        !ok && said.contains("flux serve running"),
        "refused while serving: {said}"
    );
    let restaurants: i64 = sqlx::query_scalar("select count(*) from restaurants")
        .fetch_one(&mut admin)
        .await
        .expect("count");
    assert_eq!(
        restaurants, 2,
        "a refused restore leaves the data as it was"
    );

    sigterm(&server);
    assert!(exited(&mut server, Duration::from_secs(30)).await.is_some());
    drop(admin);
    // Not a backup: refused, and nothing changed.
    let garbage = dir.path().join("garbage.dump");
    std::fs::write(&garbage, b"PGDMP\0\xff not really an archive").expect("write");
    let garbage_arg = garbage.to_str().expect("utf-8 path");
    let (ok, said) = flux(dir.path(), &["db", "restore", garbage_arg, "--yes"]);
    assert!(
        !ok && said.contains("could not be loaded") && said.contains("unchanged"),
        "a broken file is refused: {said}"
    );
    let mut check = admin_connection(dir.path()).await;
    let restaurants: i64 = sqlx::query_scalar("select count(*) from restaurants")
        .fetch_one(&mut check)
        .await
        .expect("count");
    assert_eq!(restaurants, 2, "a failed restore leaves the data as it was");
    drop(check);
    let (ok, said) = flux(dir.path(), &["db", "restore", file_arg]);
    assert!(
        !ok && said.contains("--yes"),
        "asks for confirmation: {said}"
    );
    let (ok, said) = flux(dir.path(), &["db", "restore", file_arg, "--yes"]);
    assert!(ok, "restore: {said}");

    let mut admin = admin_connection(dir.path()).await;
    let after: (i64, i64, i64, i64) = sqlx::query_as(COUNTS)
        .fetch_one(&mut admin)
        .await
        .expect("counts");
    assert_eq!(after, before, "exactly the data of the backup");
    let forced: bool = sqlx::query_scalar(
        "select relrowsecurity and relforcerowsecurity from pg_class where relname = 'daily_item_sales'",
    )
    .fetch_one(&mut admin)
    .await
    .expect("rls");
    assert!(forced, "row-level security came back with the tables");

    // The application role works on the restored data: the same login
    // sees the same restaurant.
    let server = serve(dir.path()).await;
    let (s, b) = call(
        &server.base,
        reqwest::Method::POST,
        "/api/v1/auth/login",
        None,
        Some(
            serde_json::json!({"email": "owner@example.com", "password": "correct horse battery"}),
        ),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let token = b["access_token"].as_str().expect("token").to_string();
    let (s, b) = call(
        &server.base,
        reqwest::Method::GET,
        "/api/v1/restaurants",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let names: Vec<&str> = b["items"]
        .as_array()
        .or(b.as_array())
        .expect("a list")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names, ["Bistro"]);
    drop(server);
    drop(admin);
    drop(guard);
    let _ = cluster.stop();
}

#[tokio::test]
async fn an_external_database_owned_by_an_ordinary_role_migrates_and_serves() {
    // A managed database's admin: owns the database, may create roles, is
    // no superuser. Flux must still drop to the RLS role on every
    // connection.
    let dir = tempfile::tempdir().expect("tempdir");
    let cluster = flux_pg::Cluster::new(dir.path());
    let guard = cluster.attach().expect("attach");
    cluster.ensure_running().await.expect("cluster");
    let mut admin = cluster
        .connect_options(flux_pg::ADMIN_ROLE, "postgres")
        .connect()
        .await
        .expect("admin");
    for sql in [
        "create role ext_owner login createrole nosuperuser",
        "create database ext owner ext_owner",
    ] {
        sqlx::query(sql).execute(&mut admin).await.expect(sql);
    }
    let url = format!(
        "postgresql:///ext?host={}&user=ext_owner",
        cluster.socket_dir().display()
    );
    let (ok, said) = flux(dir.path(), &["--database-url", &url, "migrate"]);
    assert!(ok, "migrate as the owner: {said}");
    let server = serve_with(dir.path(), &["--database-url", &url]).await;
    let token = register(&server, "owner@example.com").await;
    create_restaurant(&server, &token, "Bistro").await;
    let (superuser, member): (bool, bool) = sqlx::query_as(
        "select rolsuper, pg_has_role('ext_owner', 'flux_app', 'member') from pg_roles where rolname = 'ext_owner'",
    )
    .fetch_one(&mut admin)
    .await
    .expect("roles");
    assert_eq!((superuser, member), (false, true));
    drop(server);
    drop(admin);
    drop(guard);
    let _ = cluster.stop();
}

#[test]
fn settings_that_would_lose_data_or_overflow_are_refused_or_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("flux.toml");
    std::fs::write(&config, "sales_retention_months = 0\n").expect("write");
    let config_arg = config.to_str().expect("utf-8 path");
    let (ok, said) = flux(dir.path(), &["--config", config_arg, "serve"]);
    assert!(
        !ok && said.contains("sales_retention_months must be at least 1"),
        "0 months would drop every past month: {said}"
    );
    let (ok, said) = flux(dir.path(), &["serve", "--sales-retention-months", "0"]);
    assert!(!ok && said.contains("--sales-retention-months"), "{said}");
    let (ok, said) = flux(
        dir.path(),
        &["serve", "--shutdown-grace", "99999999999999999999999"],
    );
    assert!(!ok && said.contains("--shutdown-grace"), "{said}");
}
