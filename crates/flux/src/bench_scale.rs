//! `flux bench scale`: many restaurants on one database, the nightly
//! forecast of all of them through the job queue, and the latency of the
//! API and the dashboard while it runs.
//!
//! Creates a throw-away database, fills it in SQL (restaurants × dishes ×
//! days of daily sales, chunk by chunk with progress), starts the real
//! server (API, dashboard) in this process over it, logs in to one
//! restaurant through the API and the dashboard's login form, measures
//! three routes idle, then queues every restaurant's nightly forecast and
//! runs `--workers` job workers (what that many `flux serve` instances
//! would run) while the same routes are measured again, until the queue
//! is empty. The database is dropped afterwards.
//!
//! The sales are loaded with SQL rather than through the import pipeline:
//! at this size the pipeline's own speed is `flux bench ingest`'s subject,
//! and loading 365 million rows through it would measure it again.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Days;
use clap::Args;
use flux_api::ServerConfig;
use serde_json::{json, Value};
use sqlx::{ConnectOptions, Connection};
use uuid::Uuid;

use crate::bench_api::{in_process, Measured};
use crate::config::Config;
use crate::database;

#[derive(Debug, Args)]
pub struct ScaleArgs {
    #[arg(long, default_value_t = 10_000)]
    pub restaurants: usize,
    #[arg(long, default_value_t = 50)]
    pub items: usize,
    /// Days of history per dish.
    #[arg(long, default_value_t = 730)]
    pub days: usize,
    /// Job workers sharing the queue (as that many `flux serve` instances).
    #[arg(long, default_value_t = 4)]
    pub workers: usize,
    /// Seconds of load per route and phase.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent keep-alive connections of the load generator.
    #[arg(long, default_value_t = 8)]
    pub connections: usize,
}

pub async fn run(config: &Config, a: ScaleArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        a.restaurants > 0 && a.items > 0 && a.days > 0,
        "nothing to generate"
    );
    let db = database::open(config).await?;
    let (name, admin) = crate::bench::throwaway_database(&db, "flux_scale").await?;
    let result = run_in(&db, &name, &a).await;
    crate::bench::drop_database(admin, &name).await?;
    db.release()?;
    result
}

async fn load(owner_opts: &sqlx::postgres::PgConnectOptions, a: &ScaleArgs) -> anyhow::Result<()> {
    let mut owner = owner_opts.connect().await?;
    let end = chrono::Utc::now().date_naive() - Days::new(1);
    let start = end - Days::new(a.days as u64 - 1);
    let t = Instant::now();
    let user: Uuid = sqlx::query_scalar(
        "insert into users (user_id, email, password_hash) values (gen_random_uuid(), 'scale@flux.invalid', 'not-a-login') returning user_id",
    )
    .fetch_one(&mut owner)
    .await?;
    sqlx::query(
        "insert into restaurants (restaurant_id, name, timezone, currency, locale, created_by)
         select gen_random_uuid(), 'Scale ' || i, 'Europe/Madrid', 'EUR', 'es-ES', $1 from generate_series(1, $2) i",
    )
    .bind(user)
    .bind(a.restaurants as i64)
    .execute(&mut owner)
    .await?;
    sqlx::query(
        "insert into memberships (restaurant_id, user_id, role) select restaurant_id, $1, 'owner' from restaurants",
    )
    .bind(user)
    .execute(&mut owner)
    .await?;
    sqlx::query(
        "insert into menu_items (restaurant_id, menu_item_id, name, name_key, category, price)
         select r.restaurant_id, gen_random_uuid(), 'Dish ' || j, 'dish ' || j, 'Category ' || (j % 6), 4 + j % 20
         from restaurants r, generate_series(1, $1) j",
    )
    .bind(a.items as i64)
    .execute(&mut owner)
    .await?;
    sqlx::query("select flux_ensure_sales_partitions($1, $2)")
        .bind(start)
        .bind(end)
        .execute(&mut owner)
        .await?;
    let ids: Vec<Uuid> = sqlx::query_scalar("select restaurant_id from restaurants order by 1")
        .fetch_all(&mut owner)
        .await?;
    let bar = crate::bench::bar(ids.len() as u64, "loading sales");
    // A chunk of restaurants per statement: bounded memory and WAL per
    // transaction, and a progress bar that moves.
    for chunk in ids.chunks(100) {
        sqlx::query(
            "insert into daily_item_sales (restaurant_id, business_date, menu_item_id, quantity, revenue, promo_quantity, line_count)
             select m.restaurant_id, d::date, m.menu_item_id, q, q * m.price, 0, 1
             from menu_items m, generate_series($1::date, $2::date, interval '1 day') d,
                  lateral (select greatest(0, round((2 + (abs(hashtext(m.menu_item_id::text)) % 25))
                      * (case extract(isodow from d) when 5 then 1.4 when 6 then 1.6 when 7 then 1.2 else 0.9 end)
                      * (0.7 + random() * 0.6))) as q) s
             where m.restaurant_id = any($3)",
        )
        .bind(start)
        .bind(end)
        .bind(chunk)
        .execute(&mut owner)
        .await?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    let loaded = t.elapsed().as_secs_f64();
    let t = Instant::now();
    sqlx::query("vacuum analyze daily_item_sales")
        .execute(&mut owner)
        .await?;
    let size: i64 = sqlx::query_scalar("select pg_database_size(current_database())")
        .fetch_one(&mut owner)
        .await?;
    println!(
        "loaded {} daily rows ({} restaurants × {} dishes × {} days) in {loaded:.0} s, vacuum analyze {:.0} s; database {:.1} GB",
        a.restaurants * a.items * a.days,
        a.restaurants,
        a.items,
        a.days,
        t.elapsed().as_secs_f64(),
        size as f64 / 1e9
    );
    owner.close().await?;
    Ok(())
}

/// A dashboard session: the login form with its CSRF token, then cookies.
async fn dashboard_login(
    base: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<reqwest::Client> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let marker = r#"name="csrf" value=""#;
    let start = page
        .find(marker)
        .context("the login page has no CSRF field")?
        + marker.len();
    let end = page[start..].find('"').context("unterminated CSRF field")? + start;
    let resp = client
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", &page[start..end]),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        resp.status().is_redirection(),
        "dashboard login answered {}",
        resp.status()
    );
    Ok(client)
}

async fn measure(
    api: &reqwest::Client,
    web: &reqwest::Client,
    routes: &[(&str, String, bool)],
    token: &str,
    a: &ScaleArgs,
) -> anyhow::Result<Vec<Measured>> {
    let mut out = Vec::new();
    for (name, url, dashboard) in routes {
        let (client, token) = if *dashboard {
            (web, None)
        } else {
            (api, Some(token))
        };
        let mut m = in_process(
            client,
            url,
            token,
            a.connections,
            Duration::from_secs(a.seconds),
        )
        .await?;
        m.route = (*name).to_string();
        out.push(m);
    }
    Ok(out)
}

async fn run_in(db: &database::Database, name: &str, a: &ScaleArgs) -> anyhow::Result<()> {
    let owner_opts = db.owner.clone().database(name);
    flux_store::migrate(&owner_opts).await?;
    load(&owner_opts, a).await?;

    let pool = flux_store::connect_app(db.app.clone().database(name), db.app_role, 30).await?;
    let mut server = ServerConfig::new(
        "127.0.0.1:0".parse().context("address")?,
        b"bench-scale-secret-of-at-least-32-bytes".to_vec(),
    );
    server.weather = None;
    let app = crate::serve::application(&server, &pool).await?;
    let base = format!("http://{}", app.local_addr()?);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut serving_stop = stop_rx.clone();
    let serving = tokio::spawn(app.run_until(async move {
        let _ = serving_stop.wait_for(|s| *s).await;
    }));

    // One account owning the first restaurant, through the API.
    let (email, password) = ("scale-bench@flux.invalid", "scale-bench-password");
    let api = reqwest::Client::builder().build()?;
    let registered: Value = api
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = registered["access_token"]
        .as_str()
        .context("no access token")?
        .to_string();
    let mut owner = owner_opts.connect().await?;
    let rid: Uuid =
        sqlx::query_scalar("select restaurant_id from restaurants order by name limit 1")
            .fetch_one(&mut owner)
            .await?;
    sqlx::query(
        "insert into memberships (restaurant_id, user_id, role)
         select $1, user_id, 'owner' from users where email = $2",
    )
    .bind(rid)
    .bind(email)
    .execute(&mut owner)
    .await?;
    let web = dashboard_login(&base, email, password).await?;
    let to = chrono::Utc::now().date_naive() - Days::new(1);
    let from = to - Days::new(27);
    let routes = [
        (
            "GET …/menu/items",
            format!("{base}/api/v1/restaurants/{rid}/menu/items"),
            false,
        ),
        (
            "GET …/sales/daily (28 days)",
            format!("{base}/api/v1/restaurants/{rid}/sales/daily?from={from}&to={to}"),
            false,
        ),
        (
            "dashboard: sales overview page",
            format!("{base}/app/r/{rid}"),
            true,
        ),
    ];
    for (_, url, dashboard) in &routes {
        let resp = if *dashboard {
            web.get(url).send().await?
        } else {
            api.get(url).bearer_auth(&token).send().await?
        };
        anyhow::ensure!(
            resp.status().is_success(),
            "{url} answered {}",
            resp.status()
        );
    }
    eprintln!(
        "measuring idle: {} s per route, {} connections",
        a.seconds, a.connections
    );
    let idle = measure(&api, &web, &routes, &token, a).await?;

    // Every restaurant's nightly forecast, due now. Each run queues its
    // next night (run_at tomorrow), which the count below leaves out.
    let due = chrono::Utc::now();
    let queued = sqlx::query(
        "insert into jobs (job_id, kind, payload, run_at, dedupe_key)
         select gen_random_uuid(), 'nightly_forecast', jsonb_build_object('restaurant_id', restaurant_id),
                $1, 'nightly:' || restaurant_id
         from restaurants",
    )
    .bind(due)
    .execute(&mut owner)
    .await?
    .rows_affected();
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..a.workers.max(1) {
        let worker = flux_jobs::Worker::new(pool.clone());
        workers.spawn(worker.run_until(stop_rx.clone()));
    }
    eprintln!(
        "{queued} nightly forecasts queued; {} workers; measuring under load",
        a.workers
    );
    let busy = measure(&api, &web, &routes, &token, a).await?;
    let bar = crate::bench::bar(queued, "nightly forecasts");
    loop {
        let left: i64 = sqlx::query_scalar(
            "select count(*) from jobs where kind = 'nightly_forecast' and run_at <= $1
               and status in ('queued', 'running')",
        )
        .bind(due)
        .fetch_one(&mut owner)
        .await?;
        bar.set_position(queued.saturating_sub(left as u64));
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let nightly = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let failed: i64 = sqlx::query_scalar(
        "select count(*) from jobs where kind = 'nightly_forecast' and run_at <= $1 and status = 'failed'",
    )
    .bind(due)
    .fetch_one(&mut owner)
    .await?;
    let stored: i64 = sqlx::query_scalar("select count(distinct restaurant_id) from forecast_runs")
        .fetch_one(&mut owner)
        .await?;
    let _ = stop_tx.send(true);
    while workers.join_next().await.is_some() {}
    let _ = serving.await;
    pool.close().await;
    owner.close().await?;

    println!();
    println!(
        "nightly forecast of {queued} restaurants × {} dishes ({} workers): {nightly:.0} s ({:.1} restaurants/s); {stored} restaurants forecast, {failed} jobs with an error",
        a.items,
        a.workers,
        queued as f64 / nightly.max(1e-9)
    );
    println!();
    println!("| route | idle rps | idle p99 ms | during nightly rps | during nightly p99 ms |");
    println!("|---|---:|---:|---:|---:|");
    for (i, b) in idle.iter().zip(&busy) {
        println!(
            "| {} | {:.0} | {:.1} | {:.0} | {:.1} |",
            i.route, i.rps, i.p99_ms, b.rps, b.p99_ms
        );
    }
    Ok(())
}
