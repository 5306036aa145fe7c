//! `flux serve`: migrate, then serve HTTP (and, when asked, metrics) and
//! run the job worker until SIGINT or SIGTERM; then drain within the
//! configured grace period.

use std::time::Duration;

use anyhow::Context;
use flux_api::{Application, ServerConfig};
use rand::RngCore;

use crate::config::Config;
use crate::database;

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let (db, pool) = prepare(config).await?;
    serve(config, db, pool).await
}

/// Opens the database, applies migrations and connects the server's pool.
pub async fn prepare(config: &Config) -> anyhow::Result<(database::Database, flux_store::PgPool)> {
    let db = database::open(config).await?;
    flux_store::migrate(&db.owner)
        .await
        .context("applying migrations")?;
    let pool = flux_store::connect_app(db.app.clone(), db.app_role, 20)
        .await
        .context("connecting as the application role")?;
    Ok((db, pool))
}

/// Serves the API, the dashboard and the job worker until a signal.
pub async fn serve(
    config: &Config,
    db: database::Database,
    pool: flux_store::PgPool,
) -> anyhow::Result<()> {
    let mut server = ServerConfig::new(config.addr, jwt_secret(config)?);
    server.trust_forwarded_for = config.trust_forwarded_for;
    server.public_url = config.public_url.clone();
    server
        .allow_cors_origins(&config.cors_allowed_origins)
        .map_err(anyhow::Error::msg)?;
    server.mailer = match (&config.smtp_url, &config.smtp_from) {
        (None, _) => None,
        (Some(url), Some(from)) => {
            Some(flux_app::purchasing::mail::Mailer::from_url(url, from).context("SMTP settings")?)
        }
        (Some(_), None) => anyhow::bail!(
            "--smtp-url needs --smtp-from (FLUX_SMTP_FROM): the address orders are sent from"
        ),
    };
    server.weather = match (&config.weather_url, &config.weather_archive_url) {
        (Some(url), Some(archive)) => Some(
            flux_app::weather::Provider::new(url, archive, config.weather_key.clone())
                .map_err(anyhow::Error::msg)
                .context("weather provider settings")?,
        ),
        _ => None,
    };
    server.menu_readers = menu_readers(config).await;
    let app = application(&server, &pool)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let addr = app.local_addr()?;
    // One signal stops the HTTP server, the metrics listener and the job
    // worker together.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let metrics = match config.metrics_addr {
        Some(metrics_addr) => {
            let handle = crate::metrics::install()?;
            let (bound, serving) = crate::metrics::listen(
                metrics_addr,
                handle,
                pool.clone(),
                stopped(stop_rx.clone()),
            )
            .await?;
            tracing::info!(addr = %bound, "metrics at /metrics");
            Some(tokio::spawn(serving))
        }
        None => None,
    };
    tracing::info!(%addr, "flux is listening");
    println!("Flux is running at http://{addr}  (API docs: http://{addr}/docs)");
    let worker = tokio::spawn(
        flux_jobs::Worker::new(pool.clone())
            .weather(server.weather.clone())
            .poll(config.job_poll)
            .grace(config.shutdown_grace)
            .sales_retention_months(config.sales_retention_months)
            .run_until(stop_rx.clone()),
    );
    let server = tokio::spawn(app.run_until(stopped(stop_rx)));
    shutdown_signal().await;
    let grace = config.shutdown_grace;
    tracing::info!(
        grace_secs = grace.as_secs(),
        "shutting down: finishing requests and the running job (a second signal stops at once)"
    );
    let _ = stop_tx.send(true);
    // The worker enforces the grace itself (then hands its job back);
    // requests get the same bound, plus a moment for that hand-back.
    let drained = async {
        let deadline = tokio::time::Instant::now() + grace + Duration::from_secs(2);
        match tokio::time::timeout_at(deadline, server).await {
            Ok(served) => served??,
            Err(_) => tracing::warn!("requests still running after the grace period; closing them"),
        }
        if tokio::time::timeout_at(deadline, worker).await.is_err() {
            tracing::warn!("the job worker did not stop in time");
        }
        if let Some(metrics) = metrics {
            let _ = tokio::time::timeout_at(deadline, metrics).await;
        }
        anyhow::Ok(())
    };
    tokio::select! {
        done = drained => done?,
        _ = shutdown_signal() => tracing::warn!("second signal: stopping now"),
    }
    tracing::info!("shutting down");
    tokio::time::timeout(Duration::from_secs(5), pool.close())
        .await
        .ok();
    db.release()
}

/// The API and the dashboard on one listener, bound but not yet serving.
pub async fn application(
    server: &ServerConfig,
    pool: &flux_store::PgPool,
) -> std::io::Result<Application> {
    let pages = flux_web::router(
        flux_web::WebState::new(
            pool.clone(),
            &server.jwt_secret,
            server.max_upload_bytes as u64,
        )
        .trust_forwarded_for(server.trust_forwarded_for)
        .mailer(server.mailer.clone())
        .weather(server.weather.clone())
        .menu_readers(server.menu_readers.clone()),
    );
    Application::build_with_pages(server, pool.clone(), pages).await
}

/// The access-token secret: configured, or generated once and kept in the
/// data directory (mode 0600) so tokens survive restarts. Several instances
/// behind a load balancer must share one: configure it.
fn jwt_secret(config: &Config) -> anyhow::Result<Vec<u8>> {
    if let Some(s) = &config.jwt_secret {
        anyhow::ensure!(
            s.len() >= 32,
            "FLUX_JWT_SECRET must be at least 32 characters"
        );
        return Ok(s.as_bytes().to_vec());
    }
    let path = config.data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    std::fs::create_dir_all(&config.data_dir)?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    Ok(secret.into_bytes())
}

fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())
}

async fn stopped(mut rx: tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// The menu photo readers of this server: the local Tesseract when it is
/// installed, and the configured vision model. Missing Tesseract is a
/// warning, not a failure: everything else works, and photo uploads say
/// what to install.
pub(crate) async fn menu_readers(config: &Config) -> flux_app::menu_photos::Readers {
    let tesseract = match flux_app::menu_photos::Tesseract::detect().await {
        Ok(t) => {
            tracing::info!(languages = ?t.languages(), "menu photos: local OCR available");
            Some(t)
        }
        Err(e) => {
            tracing::warn!("menu photos: {e}; install tesseract-ocr to read menu photos locally");
            None
        }
    };
    let vision = config.menu_vision_url.as_deref().map(|url| {
        flux_app::menu_photos::VisionModel::new(
            url,
            config.menu_vision_key.clone(),
            &config.menu_vision_model,
        )
    });
    flux_app::menu_photos::Readers { tesseract, vision }
}
