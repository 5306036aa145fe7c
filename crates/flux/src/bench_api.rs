//! `flux bench api`: requests per second and latency of the real server.
//!
//! Starts the API and dashboard in this process on a loopback port, over
//! the configured database (the private cluster by default) holding the
//! demo restaurant, logs in as the demo user, and drives each route with a
//! load generator for a fixed time: `wrk` when it is installed (it is
//! leaner than anything in-process, so the server gets more of the
//! machine), otherwise an in-process generator on keep-alive connections.
//! `/healthz` (no database, no authentication) runs first as the baseline
//! of the same run, so the table reads as "this route costs x of an empty
//! request". The forecast `POST` runs a real forecast each time, so it is
//! timed one request after another instead.
//!
//! The server logs every request at `info` to stderr, as in production:
//! run with `2>/dev/null` (or `RUST_LOG=warn` to measure without the
//! access log).

use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use flux_api::ServerConfig;
use serde_json::{json, Value};

use crate::config::Config;
use crate::database;

#[derive(Debug, Args)]
pub struct ApiArgs {
    /// Seconds of load per route.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 16)]
    pub connections: usize,
    /// Timed forecast `POST`s (one at a time).
    #[arg(long, default_value_t = 20)]
    pub forecasts: usize,
    /// Use the in-process load generator even when wrk is installed.
    #[arg(long)]
    pub in_process: bool,
}

/// One route's measurement.
pub(crate) struct Measured {
    pub route: String,
    pub requests: u64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

pub async fn run(config: &Config, a: ApiArgs) -> anyhow::Result<()> {
    let db = database::open(config).await?;
    flux_store::migrate(&db.owner).await?;
    let pool = flux_store::connect_app(db.app.clone(), db.app_role, 20).await?;
    let rid = crate::demo::ensure_demo(&pool).await?;

    let mut server = ServerConfig::new(
        "127.0.0.1:0".parse().context("address")?,
        b"bench-api-secret-of-at-least-32-bytes".to_vec(),
    );
    server.weather = None;
    let app = crate::serve::application(&server, &pool).await?;
    let base = format!("http://{}", app.local_addr()?);
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let serving = tokio::spawn(app.run_until(async move {
        let _ = stop_rx.wait_for(|s| *s).await;
    }));

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(a.connections)
        .build()?;
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": crate::demo::DEMO_EMAIL, "password": crate::demo::DEMO_PASSWORD}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = login["access_token"]
        .as_str()
        .context("no access token in the login reply")?
        .to_string();
    let today = chrono::Utc::now().date_naive();
    let two_weeks = today + chrono::Days::new(13);
    let routes = [
        ("GET /healthz (baseline)", "/healthz".to_string()),
        ("GET /api/v1/auth/me", "/api/v1/auth/me".to_string()),
        (
            "GET …/menu/items",
            format!("/api/v1/restaurants/{rid}/menu/items"),
        ),
        (
            "GET …/forecast/demand (stored, 14 days, first page of 50)",
            format!("/api/v1/restaurants/{rid}/forecast/demand?from={today}&to={two_weeks}"),
        ),
    ];
    let wrk = !a.in_process && which("wrk");
    eprintln!(
        "load: {} for {} s per route, {} connections ({})",
        if wrk { "wrk" } else { "in-process generator" },
        a.seconds,
        a.connections,
        machine_note()
    );
    let mut measured = Vec::new();
    for (name, path) in &routes {
        let url = format!("{base}{path}");
        // A short warm-up: connections, prepared statements, caches.
        let _ = in_process(&client, &url, Some(&token), 4, Duration::from_secs(1)).await?;
        let m = if wrk {
            with_wrk(&url, &token, a.connections, a.seconds).await?
        } else {
            in_process(
                &client,
                &url,
                Some(&token),
                a.connections,
                Duration::from_secs(a.seconds),
            )
            .await?
        };
        measured.push(Measured {
            route: name.to_string(),
            ..m
        });
    }

    // The forecast POST: a real run of every dish, one at a time.
    let mut latencies = Vec::with_capacity(a.forecasts);
    let url = format!("{base}/api/v1/restaurants/{rid}/forecast/demand");
    for _ in 0..a.forecasts {
        let t = Instant::now();
        client
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({"days_ahead": 7}))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        latencies.push(t.elapsed().as_micros() as u64);
    }
    let _ = stop_tx.send(true);
    let _ = serving.await;
    pool.close().await;
    db.release()?;

    let baseline = measured.first().map_or(1.0, |m| m.rps.max(1e-9));
    println!();
    println!("| route | requests | rps | × /healthz | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    for m in &measured {
        println!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {:.2} |",
            m.route,
            m.requests,
            m.rps,
            m.rps / baseline,
            m.p50_ms,
            m.p99_ms
        );
    }
    latencies.sort_unstable();
    println!(
        "| POST …/forecast/demand (all dishes, 7 days; one at a time) | {} | {:.1} | | {:.1} | {:.1} |",
        latencies.len(),
        latencies.len() as f64 / (latencies.iter().sum::<u64>() as f64 / 1e6).max(1e-9),
        percentile(&latencies, 0.50) as f64 / 1e3,
        percentile(&latencies, 0.99) as f64 / 1e3,
    );
    Ok(())
}

fn which(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

fn machine_note() -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("server and load generator share {cores} cores")
}

/// The value at quantile `q` of sorted samples.
fn percentile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// `connections` tasks, each sending the next request when the last one's
/// body has arrived, for `length`.
pub(crate) async fn in_process(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    connections: usize,
    length: Duration,
) -> anyhow::Result<Measured> {
    let started = Instant::now();
    let until = started + length;
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, url, token) = (client.clone(), url.to_string(), token.map(str::to_owned));
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < until {
                let t = Instant::now();
                let mut req = client.get(&url);
                if let Some(token) = &token {
                    req = req.bearer_auth(token);
                }
                let resp = req.send().await?;
                let status = resp.status();
                resp.bytes().await?;
                anyhow::ensure!(status.is_success(), "{url} answered {status}");
                samples.push(t.elapsed().as_micros() as u64);
            }
            anyhow::Ok(samples)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort_unstable();
    Ok(Measured {
        route: String::new(),
        requests: all.len() as u64,
        rps: all.len() as f64 / secs,
        p50_ms: percentile(&all, 0.50) as f64 / 1e3,
        p99_ms: percentile(&all, 0.99) as f64 / 1e3,
    })
}

/// Runs wrk (two threads) and reads its summary.
async fn with_wrk(
    url: &str,
    token: &str,
    connections: usize,
    seconds: u64,
) -> anyhow::Result<Measured> {
    let out = tokio::process::Command::new("wrk")
        .args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s")])
        .args([
            "--latency",
            "-H",
            &format!("Authorization: Bearer {token}"),
            url,
        ])
        .output()
        .await
        .context("running wrk")?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    anyhow::ensure!(out.status.success(), "wrk failed: {text}");
    parse_wrk(&text).with_context(|| format!("unexpected wrk output:\n{text}"))
}

/// The request count, rate and 50th/99th latency percentiles of wrk's
/// `--latency` report. Non-2xx answers make the run fail: a benchmark of
/// errors measures nothing.
fn parse_wrk(text: &str) -> Option<Measured> {
    if text.contains("Non-2xx or 3xx responses") {
        return None;
    }
    let value_after = |label: &str| -> Option<&str> {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(label))
            .map(str::trim)
    };
    let ms = |v: &str| -> Option<f64> {
        let (number, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic())?);
        let n: f64 = number.parse().ok()?;
        Some(match unit {
            "us" => n / 1e3,
            "ms" => n,
            "s" => n * 1e3,
            "m" => n * 60e3,
            _ => return None,
        })
    };
    let requests = text
        .lines()
        .find(|l| l.contains("requests in"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(Measured {
        route: String::new(),
        requests,
        rps: value_after("Requests/sec:")?.parse().ok()?,
        p50_ms: ms(value_after("50%")?)?,
        p99_ms: ms(value_after("99%")?)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_latency_reports() {
        let report = "Running 10s test @ http://127.0.0.1:1/healthz
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   612.00us  301.00us  12.00ms   90.00%
    Req/Sec    12.00k     1.00k   14.00k    70.00%
  Latency Distribution
     50%  580.00us
     75%  700.00us
     90%  850.00us
     99%    2.10ms
  240000 requests in 10.00s, 30.00MB read
Requests/sec:  23999.50
Transfer/sec:      3.00MB
";
        let m = parse_wrk(report).expect("parsed");
        assert_eq!(m.requests, 240_000);
        assert!((m.rps - 23_999.5).abs() < 1e-6);
        assert!((m.p50_ms - 0.58).abs() < 1e-9);
        assert!((m.p99_ms - 2.1).abs() < 1e-9);
        let failing = format!("{report}  Non-2xx or 3xx responses: 5\n");
        assert!(parse_wrk(&failing).is_none(), "errors are not a result");
    }

    #[test]
    fn percentiles_of_sorted_samples() {
        let s: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&s, 0.5), 51);
        assert_eq!(percentile(&s, 0.99), 99);
        assert_eq!(percentile(&[], 0.5), 0);
    }
}
