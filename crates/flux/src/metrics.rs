//! The Prometheus endpoint: `GET /metrics` on its own listener
//! (`--metrics-addr`), so scrapes never queue behind user requests and the
//! port can stay inside the cluster network.
//!
//! Request, job, import and forecast figures are recorded where the work
//! happens through the `metrics` facade; this module installs the
//! recorder, and samples at each scrape what is a state rather than an
//! event (the database pool, the job queue).

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

/// Seconds: from a cached read (1 ms) to a nightly run of a big menu.
const SECONDS: [f64; 16] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];
/// Rows per second of an import: a small upload to a bulk history load.
const ROWS_PER_SECOND: [f64; 8] = [1e3, 1e4, 3e4, 1e5, 3e5, 1e6, 3e6, 1e7];

/// Installs the process-wide recorder. Call once, before serving.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets(&SECONDS)
        .context("metric buckets")?
        .set_buckets_for_metric(
            Matcher::Full("flux_import_rows_per_second".into()),
            &ROWS_PER_SECOND,
        )
        .context("metric buckets")?
        .install_recorder()
        .context("installing the metrics recorder")?;
    // Histograms keep raw samples until upkeep folds them into buckets.
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}

#[derive(Clone)]
struct Scrape {
    handle: PrometheusHandle,
    pool: flux_store::PgPool,
}

/// Binds `addr`; the returned future serves scrapes until `stop`.
pub async fn listen(
    addr: SocketAddr,
    handle: PrometheusHandle,
    pool: flux_store::PgPool,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<(
    SocketAddr,
    impl std::future::Future<Output = std::io::Result<()>>,
)> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen for metrics on {addr}"))?;
    let local = listener.local_addr()?;
    let router = Router::new()
        .route("/metrics", get(scrape))
        .with_state(Scrape { handle, pool });
    Ok((
        local,
        axum::serve(listener, router)
            .with_graceful_shutdown(stop)
            .into_future(),
    ))
}

async fn scrape(State(s): State<Scrape>) -> impl IntoResponse {
    let (open, idle) = flux_app::operations::pool_use(&s.pool);
    metrics::gauge!("flux_db_pool_connections", "state" => "open").set(f64::from(open));
    metrics::gauge!("flux_db_pool_connections", "state" => "idle").set(f64::from(idle));
    match flux_app::operations::queue_depth(&s.pool).await {
        Ok(depth) => {
            for kind in flux_app::operations::JOB_KINDS {
                let d = depth.iter().find(|d| d.kind == kind);
                let (due, running) = d.map_or((0, 0), |d| (d.due, d.running));
                metrics::gauge!("flux_jobs", "kind" => kind, "state" => "due").set(due as f64);
                metrics::gauge!("flux_jobs", "kind" => kind, "state" => "running")
                    .set(running as f64);
            }
            metrics::gauge!("flux_jobs_queue_up").set(1.0);
        }
        // The database is down: say so rather than fail the scrape, which
        // would hide every other figure.
        Err(_) => metrics::gauge!("flux_jobs_queue_up").set(0.0),
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.handle.render(),
    )
}
