//! Resolved configuration: command-line flags and environment variables
//! (merged by clap), then `flux.toml`, then defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use serde::Deserialize;

use crate::cli::{Cli, Command, LogFormat, ServeArgs};

/// The optional `flux.toml`; every key mirrors a flag.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    app_database_url: Option<String>,
    log_format: Option<LogFormat>,
    addr: Option<SocketAddr>,
    jwt_secret: Option<String>,
    trust_forwarded_for: Option<bool>,
    cors_allowed_origins: Option<Vec<String>>,
    smtp_url: Option<String>,
    smtp_from: Option<String>,
    public_url: Option<String>,
    weather_url: Option<String>,
    weather_archive_url: Option<String>,
    weather_key: Option<String>,
    menu_vision_url: Option<String>,
    menu_vision_key: Option<String>,
    menu_vision_model: Option<String>,
    metrics_addr: Option<SocketAddr>,
    shutdown_grace: Option<u64>,
    job_poll: Option<u64>,
    sales_retention_months: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub app_database_url: Option<String>,
    pub log_format: LogFormat,
    pub addr: SocketAddr,
    pub jwt_secret: Option<String>,
    pub trust_forwarded_for: bool,
    /// Origins allowed to call the API from a browser; empty: none.
    pub cors_allowed_origins: Vec<String>,
    pub smtp_url: Option<String>,
    pub smtp_from: Option<String>,
    /// Where people reach the server, for links in e-mails.
    pub public_url: Option<String>,
    /// Weather provider base URL, `None` when turned off.
    pub weather_url: Option<String>,
    pub weather_archive_url: Option<String>,
    pub weather_key: Option<String>,
    /// A vision model for menu photos: its API's base URL, key and model.
    pub menu_vision_url: Option<String>,
    pub menu_vision_key: Option<String>,
    pub menu_vision_model: String,
    /// Where `/metrics` is served; `None`: nowhere.
    pub metrics_addr: Option<SocketAddr>,
    /// How long shutdown waits for requests and the running job.
    pub shutdown_grace: Duration,
    /// The job worker's longest idle sleep.
    pub job_poll: Duration,
    /// Whole months of sales kept; `None`: all.
    pub sales_retention_months: Option<u32>,
}

pub const DEFAULT_ADDR: &str = "127.0.0.1:8000";
/// The longest grace period or poll interval accepted, in seconds.
const MAX_SECONDS: u64 = 86_400;

impl Config {
    pub fn load(cli: &Cli) -> anyhow::Result<Self> {
        let g = &cli.global;
        let file = match &g.config {
            Some(path) => read_file(path)?,
            None if Path::new("flux.toml").exists() => read_file(Path::new("flux.toml"))?,
            None => FileConfig::default(),
        };
        // Server flags exist only on the commands that serve.
        let serve = match &cli.command {
            Command::Serve(s) | Command::Demo(s) => Some(s),
            _ => None,
        };
        let flag = |get: fn(&ServeArgs) -> Option<String>| serve.and_then(get);
        let (addr, trust) = (
            serve.and_then(|s| s.addr),
            serve.and_then(|s| s.trust_forwarded_for),
        );
        let (jwt, smtp_url, smtp_from, public_url) = (
            flag(|s| s.jwt_secret.clone()),
            flag(|s| s.smtp_url.clone()),
            flag(|s| s.smtp_from.clone()),
            flag(|s| s.public_url.clone()),
        );
        let cors = serve
            .map(|s| s.cors_allowed_origins.clone())
            .filter(|o| !o.is_empty());
        let (weather_url, weather_archive_url, weather_key) = (
            flag(|s| s.weather_url.clone()),
            flag(|s| s.weather_archive_url.clone()),
            flag(|s| s.weather_key.clone()),
        );
        // A day at most: longer is surely a typo, and the deadlines built
        // from these must not overflow.
        let seconds = |flag: Option<u64>, file: Option<u64>, default: u64| {
            Duration::from_secs(flag.or(file).unwrap_or(default).min(MAX_SECONDS))
        };
        let sales_retention_months = serve
            .and_then(|s| s.sales_retention_months)
            .or(file.sales_retention_months);
        // The flag's parser refuses 0; the file is checked here: 0 would
        // drop every month before the current one.
        anyhow::ensure!(
            sales_retention_months != Some(0),
            "sales_retention_months must be at least 1 (leave it out to keep all sales)"
        );
        let weather_url = weather_url.or(file.weather_url);
        let weather_archive_url = weather_archive_url.or(file.weather_archive_url);
        let (weather_url, weather_archive_url) = match weather_url.as_deref().map(str::trim) {
            Some("off" | "") => (None, None),
            Some(u) => (
                Some(u.to_string()),
                Some(weather_archive_url.unwrap_or_else(|| u.to_string())),
            ),
            None => (
                Some(flux_app::weather::provider::DEFAULT_FORECAST_URL.to_string()),
                Some(weather_archive_url.unwrap_or_else(|| {
                    flux_app::weather::provider::DEFAULT_ARCHIVE_URL.to_string()
                })),
            ),
        };
        let data_dir = g
            .data_dir
            .clone()
            .or(file.data_dir)
            .or_else(|| dirs::data_dir().map(|d| d.join("flux")))
            .context("cannot work out a data directory; pass --data-dir")?;
        Ok(Self {
            data_dir,
            database_url: g.database_url.clone().or(file.database_url),
            app_database_url: g.app_database_url.clone().or(file.app_database_url),
            log_format: g.log_format.or(file.log_format).unwrap_or(LogFormat::Text),
            addr: addr
                .or(file.addr)
                .map_or_else(|| DEFAULT_ADDR.parse(), Ok)
                .context("default address")?,
            jwt_secret: jwt.or(file.jwt_secret),
            trust_forwarded_for: trust.or(file.trust_forwarded_for).unwrap_or(false),
            cors_allowed_origins: cors.or(file.cors_allowed_origins).unwrap_or_default(),
            smtp_url: smtp_url.or(file.smtp_url),
            smtp_from: smtp_from.or(file.smtp_from),
            public_url: public_url.or(file.public_url),
            weather_url,
            weather_archive_url,
            weather_key: weather_key.or(file.weather_key),
            menu_vision_url: flag(|s| s.menu_vision_url.clone())
                .or(file.menu_vision_url)
                .filter(|u| !u.trim().is_empty()),
            menu_vision_key: flag(|s| s.menu_vision_key.clone()).or(file.menu_vision_key),
            menu_vision_model: flag(|s| s.menu_vision_model.clone())
                .or(file.menu_vision_model)
                .unwrap_or_else(|| "gpt-4o-mini".to_string()),
            metrics_addr: serve.and_then(|s| s.metrics_addr).or(file.metrics_addr),
            shutdown_grace: seconds(
                serve.and_then(|s| s.shutdown_grace),
                file.shutdown_grace,
                flux_jobs::DEFAULT_GRACE.as_secs(),
            ),
            job_poll: seconds(
                serve.and_then(|s| s.job_poll),
                file.job_poll,
                flux_jobs::DEFAULT_POLL.as_secs(),
            ),
            sales_retention_months,
        })
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
}

/// Logs go to stderr, as text for people or JSON for machines; the level
/// comes from `RUST_LOG` (default `info`).
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
