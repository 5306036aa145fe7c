//! `flux bench ...`: throughput benchmarks that report ratios against a
//! baseline measured in the same run (so machine speed cancels out).
//!
//! `flux bench ingest --rows N [--kind daily,transactions]` generates, per
//! kind, one CSV file of `N` lines and times two things on it in the same
//! run, against the same database:
//!
//! * **plain COPY**: PostgreSQL's own `COPY ... (format csv)` of the file
//!   into an unindexed table with one column per CSV column, as the schema
//!   owner: the floor no import can beat;
//! * **flux import**: `flux_app::uploads::import` of the same file into a
//!   fresh restaurant, the code path of `flux import` and the upload
//!   endpoint (hash, parse twice, create dishes, store the lines, roll up,
//!   derive orders, record the upload, in one transaction).
//!
//! Kinds: `daily` is a seed-format file (`date,item,quantity,price`, 2,000
//! dishes a day, each once: as many roll-up rows as lines); `transactions`
//! is a POS export (`order_id,timestamp,item,quantity,price`, 400 orders a
//! day of 1–9 lines each). The table printed at the end gives, per kind,
//! both rates in rows/s, their ratio (flux / plain COPY; higher is
//! better, 1.0 would be as fast as COPY) and the peak resident memory of
//! this process during the flux import (the high-water mark is reset
//! before each import). With no `DATABASE_URL` the private cluster in the
//! data directory is used. Per-step timings of the import (scan, COPY into
//! staging, each merge statement) are logged at `info` by the import use
//! case and its store module (`RUST_LOG=info`).

use std::io::{BufWriter, Read, Write};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{Days, NaiveDate};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use sqlx::{ConnectOptions, Connection};
use uuid::Uuid;

use crate::config::Config;
use crate::database;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Sales import vs plain COPY of the same rows.
    Ingest(IngestArgs),
    /// Forecast engine throughput, production vs seed model.
    Forecast(ForecastArgs),
    /// End to end from PostgreSQL: read history, forecast, store, for many restaurants.
    ForecastDb(ForecastDbArgs),
    /// Requests per second and latency per API route, against `/healthz`.
    Api(crate::bench_api::ApiArgs),
    /// Hourly forecasts backtested on timestamped sales exports, against the hourly seasonal naive.
    Hourly(crate::bench_labor::HourlyArgs),
    /// The week's scheduler against the LP lower bound.
    Schedule(crate::bench_labor::ScheduleArgs),
    /// Thousands of restaurants on one database: the nightly forecast of all
    /// through the job queue, and API and dashboard latency while it runs.
    Scale(crate::bench_scale::ScaleArgs),
}

#[derive(Debug, Args)]
pub struct ForecastDbArgs {
    #[arg(long, default_value_t = 1_000)]
    pub restaurants: usize,
    #[arg(long, default_value_t = 50)]
    pub items: usize,
    /// Days of history per dish.
    #[arg(long, default_value_t = 730)]
    pub days: usize,
    /// Restaurants forecast at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Lines in each generated file.
    #[arg(long, default_value_t = 5_000_000)]
    pub rows: usize,
    /// Which files to import, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [IngestKind::Daily, IngestKind::Transactions])]
    pub kind: Vec<IngestKind>,
}

/// The shape of the generated sales file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IngestKind {
    /// Daily totals per dish: `date,item,quantity,price`.
    Daily,
    /// One line per item of each POS order: `order_id,timestamp,item,quantity,price`.
    Transactions,
}

impl IngestKind {
    fn name(self) -> &'static str {
        match self {
            IngestKind::Daily => "daily",
            IngestKind::Transactions => "transactions",
        }
    }

    /// The unindexed table the plain COPY fills: one column per CSV column.
    fn plain_table(self) -> &'static str {
        match self {
            IngestKind::Daily => {
                "create table bench_plain_copy (date date, item text, quantity numeric, price numeric)"
            }
            IngestKind::Transactions => {
                "create table bench_plain_copy (order_id text, at timestamp, item text, quantity numeric, price numeric)"
            }
        }
    }
}

#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// Item series for the production model.
    #[arg(long, default_value_t = 1_000_000)]
    pub series: usize,
    /// Item series for the seed model (Monte Carlo: slower, so fewer).
    #[arg(long, default_value_t = 50_000)]
    pub seed_series: usize,
    /// Days of history per series.
    #[arg(long, default_value_t = 365)]
    pub days: usize,
    /// Forecast horizon in days.
    #[arg(long, default_value_t = 28)]
    pub horizon: u32,
    /// Also time the production model with daily weather for every
    /// restaurant (history and horizon), in the same run.
    #[arg(long)]
    pub weather: bool,
    /// Also time the production model over the whole hierarchy (dishes,
    /// categories and restaurant total, reconciled), as `flux serve` runs
    /// it, in the same run.
    #[arg(long)]
    pub hierarchy: bool,
}

/// What one timed pass of `flux bench forecast` runs.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pass {
    Dishes,
    Weather,
    Hierarchy,
}

/// Synthetic weather for a bench restaurant: a seasonal temperature with
/// day-to-day noise and a wet day in three, from a cheap deterministic
/// hash (the values only need to exercise the weather classes).
fn bench_weather(start: NaiveDate, days: usize, salt: u64) -> Vec<flux_forecast::WeatherDay> {
    (0..days)
        .map(|i| {
            let h = (i as u64 ^ salt).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
            let season = (i as f32 / 365.0 * std::f32::consts::TAU).cos();
            flux_forecast::WeatherDay {
                date: start + Days::new(i as u64),
                temperature_c: Some(10.0 - 8.0 * season + (h % 9) as f32 - 4.0),
                precipitation_mm: Some(if h.is_multiple_of(3) { 4.0 } else { 0.0 }),
            }
        })
        .collect()
}

pub async fn run(config: &Config, cmd: BenchCommand) -> anyhow::Result<()> {
    println!("machine: {}", machine());
    match cmd {
        BenchCommand::Ingest(a) => ingest(config, a).await,
        BenchCommand::Forecast(a) => forecast(a),
        BenchCommand::ForecastDb(a) => forecast_db(config, a).await,
        BenchCommand::Api(a) => crate::bench_api::run(config, a).await,
        BenchCommand::Hourly(a) => crate::bench_labor::hourly(a),
        BenchCommand::Schedule(a) => crate::bench_labor::schedule(a),
        BenchCommand::Scale(a) => crate::bench_scale::run(config, a).await,
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or("? GiB".into(), |kb| {
            format!("{:.0} GiB", kb as f64 / 1048576.0)
        });
    format!("{cpu}, {cores} cores, {mem}")
}

/// Starts a new peak-memory window (Linux: writing 5 to `clear_refs` resets
/// `VmHWM` to the current resident size).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub(crate) fn bar(len: u64, msg: &'static str) -> ProgressBar {
    let b = ProgressBar::new(len);
    b.set_style(
        ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({per_sec}, eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    b.set_message(msg);
    b
}

/// A realistic large export: 2,000 dishes sold daily over as many days as
/// needed, each (day, dish) once, so every row is a distinct sale line.
fn generate_daily(path: &std::path::Path, rows: usize) -> anyhow::Result<()> {
    let items = 2_000usize;
    let start = NaiveDate::from_ymd_opt(2012, 1, 1).context("date")?;
    let mut f = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(f, "date,item,quantity,price")?;
    let b = bar(rows as u64, "generating");
    for i in 0..rows {
        let day = start + Days::new((i / items) as u64);
        let item = i % items;
        writeln!(
            f,
            "{day},Dish number {item},{},{}.{:02}",
            1 + (i * 7919) % 23,
            4 + item % 30,
            (item * 37) % 100
        )?;
        if i % 100_000 == 0 {
            b.set_position(i as u64);
        }
    }
    b.finish_and_clear();
    f.flush()?;
    Ok(())
}

/// Orders generated per business day of the transaction-level file.
const ORDERS_PER_DAY: usize = 400;

/// A POS export: 400 orders a day between 10:00 and 22:20, each of 1–9
/// lines (5 on average) over 300 dishes; `rows` lines in all.
fn generate_transactions(path: &std::path::Path, rows: usize) -> anyhow::Result<()> {
    let start = NaiveDate::from_ymd_opt(2012, 1, 1)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .context("date")?;
    let mut f = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(f, "order_id,timestamp,item,quantity,price")?;
    let b = bar(rows as u64, "generating");
    let (mut written, mut order) = (0usize, 0usize);
    while written < rows {
        let day = (order / ORDERS_PER_DAY) as u64;
        let at = start
            + Days::new(day)
            + chrono::Duration::seconds(((order % ORDERS_PER_DAY) * 111) as i64);
        let lines = (1 + (order * 7) % 9).min(rows - written);
        for k in 0..lines {
            let item = (order * 31 + k * 17) % 300;
            writeln!(
                f,
                "T{order},{},Dish number {item},{},{}.{:02}",
                at.format("%Y-%m-%d %H:%M:%S"),
                1 + (order + k) % 3,
                4 + item % 30,
                (item * 37) % 100
            )?;
        }
        written += lines;
        order += 1;
        if order % 20_000 == 0 {
            b.set_position(written as u64);
        }
    }
    b.finish_and_clear();
    f.flush()?;
    Ok(())
}

/// Days the generated file spans, at most.
fn days_needed(kind: IngestKind, rows: usize) -> usize {
    match kind {
        IngestKind::Daily => rows.div_ceil(2_000),
        // Order sizes cycle through 1..=9 lines, 5 on average.
        IngestKind::Transactions => rows.div_ceil(5 * ORDERS_PER_DAY) + 1,
    }
}

/// One kind's measurements.
struct IngestRun {
    kind: IngestKind,
    copy_secs: f64,
    flux_secs: f64,
    peak_mib: Option<f64>,
}

async fn ingest(config: &Config, a: IngestArgs) -> anyhow::Result<()> {
    let days_available = (chrono::Utc::now().date_naive()
        - NaiveDate::from_ymd_opt(2012, 1, 1).context("date")?)
    .num_days() as usize;
    for &kind in &a.kind {
        anyhow::ensure!(
            days_needed(kind, a.rows) <= days_available,
            "{} rows of kind {} do not fit before today",
            a.rows,
            kind.name()
        );
    }
    let db = database::open(config).await?;
    flux_store::migrate(&db.owner).await?;
    let pool = flux_store::connect_app(db.app.clone(), db.app_role, 4).await?;
    let mut runs = Vec::new();
    for &kind in &a.kind {
        runs.push(ingest_one(&db, &pool, kind, a.rows).await?);
    }
    pool.close().await;
    db.release()?;

    println!();
    println!("| file | rows | plain COPY s | plain COPY rows/s | flux s | flux rows/s | flux / plain COPY | peak RSS (flux import) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in &runs {
        let copy_rate = a.rows as f64 / r.copy_secs;
        let flux_rate = a.rows as f64 / r.flux_secs;
        println!(
            "| {} | {} | {:.2} | {copy_rate:.0} | {:.2} | {flux_rate:.0} | {:.2} | {} |",
            r.kind.name(),
            a.rows,
            r.copy_secs,
            r.flux_secs,
            flux_rate / copy_rate,
            r.peak_mib
                .map_or_else(|| "?".to_string(), |m| format!("{m:.0} MiB"))
        );
    }
    Ok(())
}

async fn ingest_one(
    db: &database::Database,
    pool: &flux_store::PgPool,
    kind: IngestKind,
    rows: usize,
) -> anyhow::Result<IngestRun> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join(format!("bench-{}.csv", kind.name()));
    match kind {
        IngestKind::Daily => generate_daily(&file, rows)?,
        IngestKind::Transactions => generate_transactions(&file, rows)?,
    }
    let size = std::fs::metadata(&file)?.len();
    println!(
        "{}: generated {rows} rows ({:.0} MiB)",
        kind.name(),
        size as f64 / 1048576.0
    );

    // Baseline: PostgreSQL's own COPY of the same CSV into an unindexed table.
    let mut owner = db.owner.connect().await?;
    sqlx::query("drop table if exists bench_plain_copy")
        .execute(&mut owner)
        .await?;
    sqlx::query(kind.plain_table()).execute(&mut owner).await?;
    let t = Instant::now();
    {
        let mut copy = owner
            .copy_in_raw("copy bench_plain_copy from stdin (format csv, header true)")
            .await?;
        let mut reader = std::fs::File::open(&file)?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = reader.read(&mut buf)?;
            if n == 0 {
                break;
            }
            copy.send(&buf[..n]).await?;
        }
        copy.finish().await?;
    }
    let copy_secs = t.elapsed().as_secs_f64();
    sqlx::query("drop table bench_plain_copy")
        .execute(&mut owner)
        .await?;

    // Flux: parse, validate, dedupe, store, roll up.
    let user_id: Uuid = sqlx::query_scalar(
        "insert into users (user_id, email, password_hash) values (gen_random_uuid(), 'bench-' || gen_random_uuid() || '@flux.invalid', 'not-a-login') returning user_id",
    )
    .fetch_one(&mut owner)
    .await?;
    let profile = flux_domain::restaurant::Profile::parse(
        "Benchmark Bistro",
        Some("UTC"),
        Some("EUR"),
        Some("en-GB"),
    )?;
    let restaurant = flux_app::restaurants::create(pool, user_id, &profile)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let rid = restaurant.restaurant_id;
    let b = bar(rows as u64, "importing");
    let pb = b.clone();
    let progress = Arc::new(move |p: flux_app::uploads::Progress| {
        pb.set_length(p.lines_total);
        pb.set_position(p.lines_done);
    });
    reset_peak_rss();
    let t = Instant::now();
    let report = flux_app::uploads::import(
        pool,
        flux_app::uploads::Actor {
            restaurant_id: rid,
            user_id: Some(user_id),
        },
        &flux_app::uploads::Source {
            path: file.clone(),
            filename: format!("bench-{}.csv", kind.name()),
        },
        &flux_app::uploads::ImportOptions::default(),
        progress,
    )
    .await;
    let flux_secs = t.elapsed().as_secs_f64();
    let peak_mib = peak_rss_mib();
    b.finish_and_clear();

    // Clean up the benchmark restaurant, whatever the import did.
    for table in [
        "daily_item_sales",
        "transactions",
        "transaction_items",
        "duplicate_lines",
        "data_uploads",
        "menu_items",
        "settings",
        "memberships",
    ] {
        sqlx::query(&format!("delete from {table} where restaurant_id = $1"))
            .bind(rid)
            .execute(&mut owner)
            .await?;
    }
    sqlx::query("delete from restaurants where restaurant_id = $1")
        .bind(rid)
        .execute(&mut owner)
        .await?;
    sqlx::query("delete from users where user_id = $1")
        .bind(user_id)
        .execute(&mut owner)
        .await?;
    owner.close().await?;

    let report = report?;
    anyhow::ensure!(
        report.rows_imported == rows as u64,
        "{}: imported {} of {rows} rows",
        kind.name(),
        report.rows_imported
    );
    Ok(IngestRun {
        kind,
        copy_secs,
        flux_secs,
        peak_mib,
    })
}

fn forecast(a: ForecastArgs) -> anyhow::Result<()> {
    use flux_forecast::synthetic::{generate, SyntheticConfig};
    use flux_forecast::{forecast_batch, BatchJob, ForecastRequest, Horizon, ModelKind};

    let items = 10usize;
    let chunk_restaurants = 5_000usize;
    let horizon = Horizon::new(a.horizon)?;
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).context("date")?;
    let as_of = start + Days::new(a.days as u64);

    let timed = |model: ModelKind, series: usize, pass: Pass| -> anyhow::Result<(f64, usize)> {
        let restaurants = series.div_ceil(items);
        let b = bar(restaurants as u64 * items as u64, model.name());
        let mut secs = 0.0;
        let mut done = 0usize;
        let mut chunk = 0u64;
        while done < restaurants {
            let n = chunk_restaurants.min(restaurants - done);
            let mut data = generate(&SyntheticConfig {
                restaurants: n,
                items_per_restaurant: items,
                days: a.days,
                start,
                seed: 1000 + chunk,
            });
            if pass == Pass::Weather {
                // Generated outside the timed part, like the sales.
                for (k, r) in data.restaurants.iter_mut().enumerate() {
                    r.weather = bench_weather(start, a.days + a.horizon as usize, k as u64);
                }
            }
            let req = ForecastRequest::new(as_of, horizon, model);
            let jobs: Vec<BatchJob<'_>> = data
                .restaurants
                .iter()
                .map(|r| BatchJob {
                    restaurant: r,
                    request: &req,
                })
                .collect();
            let t = Instant::now();
            let failed = if pass == Pass::Hierarchy {
                use rayon::prelude::*;
                let m = flux_forecast::Model::from_kind(model);
                let out: Vec<_> = jobs
                    .par_iter()
                    .map(|j| flux_forecast::forecast_hierarchy(&m, j.restaurant, j.request))
                    .collect();
                secs += t.elapsed().as_secs_f64();
                let failed = out.iter().filter(|r| r.is_err()).count();
                std::hint::black_box(out);
                failed
            } else {
                let out = forecast_batch(&jobs);
                secs += t.elapsed().as_secs_f64();
                let failed = out.iter().filter(|r| r.is_err()).count();
                std::hint::black_box(out);
                failed
            };
            anyhow::ensure!(failed == 0, "{failed} restaurants failed to forecast");
            done += n;
            chunk += 1;
            b.set_position((done * items) as u64);
        }
        b.finish_and_clear();
        Ok((secs, restaurants * items))
    };
    let (p_secs, p_series) = timed(ModelKind::Production, a.series, Pass::Dishes)?;
    let with_weather = if a.weather {
        Some(timed(ModelKind::Production, a.series, Pass::Weather)?)
    } else {
        None
    };
    let hierarchy = if a.hierarchy {
        Some(timed(ModelKind::Production, a.series, Pass::Hierarchy)?)
    } else {
        None
    };
    let (s_secs, s_series) = timed(ModelKind::Seed, a.seed_series, Pass::Dishes)?;
    let p_rate = p_series as f64 / p_secs;
    let s_rate = s_series as f64 / s_secs;
    println!();
    println!("{} days of history, {}-day horizon, quantiles p10/p50/p90/p99 + mean; engine time only (data generation excluded)", a.days, a.horizon);
    println!("| model | series | seconds | series/s |");
    println!("|---|---:|---:|---:|");
    println!("| production | {p_series} | {p_secs:.2} | {p_rate:.0} |");
    if let Some((w_secs, w_series)) = with_weather {
        let w_rate = w_series as f64 / w_secs;
        println!("| production + weather | {w_series} | {w_secs:.2} | {w_rate:.0} |");
    }
    if let Some((h_secs, h_series)) = hierarchy {
        let h_rate = h_series as f64 / h_secs;
        println!("| production, hierarchy reconciled | {h_series} | {h_secs:.2} | {h_rate:.0} |");
    }
    println!("| seed | {s_series} | {s_secs:.2} | {s_rate:.0} |");
    println!();
    println!("production / seed throughput = {:.1}x", p_rate / s_rate);
    if let Some((w_secs, w_series)) = with_weather {
        println!(
            "production with weather / without = {:.2}x throughput",
            (w_series as f64 / w_secs) / p_rate
        );
    }
    if let Some((h_secs, h_series)) = hierarchy {
        println!(
            "production over the hierarchy / dishes alone = {:.2}x throughput",
            (h_series as f64 / h_secs) / p_rate
        );
    }
    if let Some(mib) = peak_rss_mib() {
        println!("peak memory of this process: {mib:.0} MiB");
    }
    Ok(())
}

/// Builds a throw-away database with `restaurants × items × days` of daily
/// sales (generated in SQL), then forecasts and stores every restaurant
/// through the same code path as the nightly job. The database is dropped
/// afterwards.
async fn forecast_db(config: &Config, a: ForecastDbArgs) -> anyhow::Result<()> {
    let db = database::open(config).await?;
    let (name, admin) = throwaway_database(&db, "flux_bench").await?;
    let result = forecast_db_in(&db, &name, &a).await;
    drop_database(admin, &name).await?;
    db.release()?;
    result
}

/// A new empty database named `{prefix}_{uuid}` on the server, with the
/// administrative connection that drops it afterwards ([`drop_database`]).
pub(crate) async fn throwaway_database(
    db: &database::Database,
    prefix: &str,
) -> anyhow::Result<(String, sqlx::PgConnection)> {
    let name = format!("{prefix}_{}", Uuid::new_v4().simple());
    let mut admin = db
        .owner
        .clone()
        .database("postgres")
        .connect()
        .await
        .context("connecting to create the bench database")?;
    sqlx::query(&format!("create database {name}"))
        .execute(&mut admin)
        .await?;
    Ok((name, admin))
}

pub(crate) async fn drop_database(mut admin: sqlx::PgConnection, name: &str) -> anyhow::Result<()> {
    sqlx::query(&format!("drop database if exists {name} with (force)"))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    Ok(())
}

async fn forecast_db_in(
    db: &database::Database,
    name: &str,
    a: &ForecastDbArgs,
) -> anyhow::Result<()> {
    let owner_opts = db.owner.clone().database(name);
    flux_store::migrate(&owner_opts).await?;
    let mut owner = owner_opts.connect().await?;
    let end = chrono::Utc::now().date_naive() - Days::new(1);
    let start = end - Days::new(a.days as u64 - 1);
    let t = Instant::now();
    let user: Uuid = sqlx::query_scalar(
        "insert into users (user_id, email, password_hash) values (gen_random_uuid(), 'bench@flux.invalid', 'not-a-login') returning user_id",
    )
    .fetch_one(&mut owner)
    .await?;
    for sql in [
        "insert into restaurants (restaurant_id, name, timezone, currency, locale, created_by)
         select gen_random_uuid(), 'Bench ' || i, 'Europe/Madrid', 'EUR', 'es-ES', $1 from generate_series(1, $2) i",
        "insert into memberships (restaurant_id, user_id, role) select restaurant_id, $1, 'owner' from restaurants where $2 > 0",
        "insert into menu_items (restaurant_id, menu_item_id, name, name_key, category)
         select r.restaurant_id, gen_random_uuid(), 'Dish ' || j, 'dish ' || j, 'Category ' || (j % 6)
         from restaurants r, generate_series(1, $2) j where $1 is not null",
    ] {
        let n = if sql.contains("menu_items") { a.items } else { a.restaurants } as i64;
        sqlx::query(sql).bind(user).bind(n).execute(&mut owner).await?;
    }
    sqlx::query("select flux_ensure_sales_partitions($1, $2)")
        .bind(start)
        .bind(end)
        .execute(&mut owner)
        .await?;
    // Weekly pattern, a per-dish level and noise; each day one row.
    sqlx::query(
        "insert into daily_item_sales (restaurant_id, business_date, menu_item_id, quantity, revenue, promo_quantity, line_count)
         select m.restaurant_id, d::date, m.menu_item_id,
                greatest(0, round((2 + (abs(hashtext(m.menu_item_id::text)) % 25))
                    * (case extract(isodow from d) when 5 then 1.4 when 6 then 1.6 when 7 then 1.2 else 0.9 end)
                    * (0.7 + random() * 0.6))),
                0, 0, 1
         from menu_items m, generate_series($1::date, $2::date, interval '1 day') d",
    )
    .bind(start)
    .bind(end)
    .execute(&mut owner)
    .await?;
    let rows: i64 = sqlx::query_scalar("select count(*) from daily_item_sales")
        .fetch_one(&mut owner)
        .await?;
    println!(
        "loaded {rows} daily rows ({} restaurants × {} dishes × {} days) in {:.0} s",
        a.restaurants,
        a.items,
        a.days,
        t.elapsed().as_secs_f64()
    );
    sqlx::query("vacuum analyze daily_item_sales")
        .execute(&mut owner)
        .await?;
    let restaurants: Vec<Uuid> = sqlx::query_scalar("select restaurant_id from restaurants")
        .fetch_all(&mut owner)
        .await?;
    owner.close().await?;

    let pool = flux_store::connect_app(
        db.app.clone().database(name),
        db.app_role,
        a.concurrency as u32 + 2,
    )
    .await?;
    let b = bar(restaurants.len() as u64, "forecasting");
    let t = Instant::now();
    let sem = Arc::new(tokio::sync::Semaphore::new(a.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for rid in restaurants {
        let pool = pool.clone();
        let sem = sem.clone();
        let b = b.clone();
        tasks.spawn(async move {
            let _permit = sem.acquire_owned().await;
            let r = flux_app::forecasts::run(
                &pool,
                rid,
                &flux_app::forecasts::RunOptions {
                    model: flux_forecast::ModelKind::Production,
                    horizon: Some(28),
                    as_of: None,
                    trigger: flux_app::forecasts::Trigger::Cli,
                    user_id: None,
                },
            )
            .await;
            b.inc(1);
            r.map(|o| (o.run.load_ms, o.run.engine_ms, o.run.store_ms))
        });
    }
    let (mut load, mut engine, mut store) = (0i64, 0i64, 0i64);
    while let Some(r) = tasks.join_next().await {
        let (l, e, s) = r??;
        load += l;
        engine += e;
        store += s;
    }
    let secs = t.elapsed().as_secs_f64();
    b.finish_and_clear();
    pool.close().await;
    // Counted as the owner: the application role sees no tenant's rows
    // without a tenant set.
    let mut owner = owner_opts.connect().await?;
    let stored: i64 = sqlx::query_scalar("select count(*) from demand_forecasts")
        .fetch_one(&mut owner)
        .await?;
    owner.close().await?;
    println!();
    println!(
        "| restaurants × dishes × days | forecast rows stored | wall seconds | restaurants/s |"
    );
    println!("|---|---:|---:|---:|");
    println!(
        "| {} × {} × {} | {stored} | {secs:.1} | {:.1} |",
        a.restaurants,
        a.items,
        a.days,
        a.restaurants as f64 / secs
    );
    println!();
    println!(
        "time inside runs (summed over restaurants): load {:.1} s, engine {:.1} s, store {:.1} s",
        load as f64 / 1000.0,
        engine as f64 / 1000.0,
        store as f64 / 1000.0
    );
    Ok(())
}
