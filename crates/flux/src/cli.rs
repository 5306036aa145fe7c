//! The command-line interface: one binary, many roles.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::{
    bench, costing, database, demo, import, inventory, labor, menu_photos, offline, purchasing,
    serve,
};

#[derive(Debug, Parser)]
#[command(
    name = "flux",
    version,
    about = "Restaurant demand forecasting, costing and purchasing"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command understands. Precedence: flag, then environment
/// variable, then `flux.toml`, then the default.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Where flux keeps its private database, keys and files.
    #[arg(long, env = "FLUX_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Use this PostgreSQL server instead of the private one (schema owner).
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Connect the server as this (non-owner) role instead of `SET ROLE flux_app`.
    #[arg(
        long,
        env = "FLUX_APP_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub app_database_url: Option<String>,
    /// Configuration file (default: ./flux.toml if present).
    #[arg(long, env = "FLUX_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Log format.
    #[arg(long, env = "FLUX_LOG_FORMAT", value_enum, global = true)]
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, Clone, Copy, ValueEnum, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the API server (migrates the database first).
    Serve(ServeArgs),
    /// Create a demo restaurant with a year of sales (once), forecast it and serve.
    Demo(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage the private PostgreSQL cluster.
    #[command(subcommand)]
    Db(DbCommand),
    /// Import a sales file into a restaurant (exactly once, atomically).
    Import(import::ImportArgs),
    /// Report gaps and thin history in a restaurant's sales data.
    DataHealth(import::HealthArgs),
    /// The menu: read a photo of the printed menu into dishes.
    #[command(subcommand)]
    Menu(menu_photos::MenuCommand),
    /// Costing reports and ingredient imports.
    #[command(subcommand)]
    Costing(costing::CostingCommand),
    /// Purchase recommendations and the ordering-policy backtest.
    #[command(subcommand, alias = "procurement")]
    Purchasing(purchasing::PurchasingCommand),
    /// Actual against theoretical usage, and the waste log.
    #[command(subcommand)]
    Inventory(inventory::InventoryCommand),
    /// Staff schedules and payroll.
    #[command(subcommand)]
    Labor(labor::LaborCommand),
    /// Run a benchmark.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Forecast from a sales file, without a database.
    Forecast(offline::ForecastArgs),
    /// Rolling-origin backtest of the models on a sales file.
    Backtest(offline::BacktestArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "FLUX_ADDR")]
    pub addr: Option<SocketAddr>,
    /// Secret for signing access tokens (default: generated once, kept in the data dir).
    #[arg(long, env = "FLUX_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Trust X-Forwarded-For for client addresses (only behind a proxy).
    #[arg(long, env = "FLUX_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: Option<bool>,
    /// Browser origin allowed to call the API cross-origin (repeat, or
    /// comma-separate in the variable); default none.
    #[arg(
        long = "cors-allowed-origin",
        env = "FLUX_CORS_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_allowed_origins: Vec<String>,
    /// SMTP server for e-mailing purchase orders and invitations, e.g.
    /// smtps://user:pass@mail.example:465 (default: no e-mail).
    #[arg(long, env = "FLUX_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender address of those e-mails, e.g. "Bistro <orders@bistro.example>".
    #[arg(long, env = "FLUX_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// The address people open Flux at, e.g. https://flux.example, for the
    /// links in invitation e-mails (default: the e-mail gives the path).
    #[arg(long, env = "FLUX_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Weather provider (Open-Meteo's API or a self-hosted instance) that
    /// restaurants with a location get their weather from; `off` turns
    /// fetching off (imports still work). Default: the public service.
    #[arg(long, env = "FLUX_WEATHER_URL")]
    pub weather_url: Option<String>,
    /// The provider's historical archive (default: the public one, or the
    /// weather URL when that is set).
    #[arg(long, env = "FLUX_WEATHER_ARCHIVE_URL")]
    pub weather_archive_url: Option<String>,
    /// API key of a commercial plan, sent as `apikey`.
    #[arg(long, env = "FLUX_WEATHER_KEY", hide_env_values = true)]
    pub weather_key: Option<String>,
    /// OpenAI-compatible API of a vision model that reads menu photos, e.g.
    /// https://api.openai.com/v1 (default: none; the local OCR engine reads
    /// them).
    #[arg(long, env = "FLUX_MENU_VISION_URL")]
    pub menu_vision_url: Option<String>,
    /// The vision model's API key, sent as a bearer token.
    #[arg(long, env = "FLUX_MENU_VISION_KEY", hide_env_values = true)]
    pub menu_vision_key: Option<String>,
    /// The model to ask (default: gpt-4o-mini).
    #[arg(long, env = "FLUX_MENU_VISION_MODEL")]
    pub menu_vision_model: Option<String>,
    /// Serve Prometheus metrics at `/metrics` on this address, a listener
    /// of its own (default: off). Keep it off the public network.
    #[arg(long, env = "FLUX_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Seconds in-flight requests and a running job get to finish after
    /// SIGTERM before they are stopped (the job goes back to the queue).
    #[arg(long, env = "FLUX_SHUTDOWN_GRACE")]
    pub shutdown_grace: Option<u64>,
    /// Longest idle sleep of the job worker between looks at the queue, in
    /// seconds; queued jobs wake it at once through LISTEN/NOTIFY.
    #[arg(long, env = "FLUX_JOB_POLL")]
    pub job_poll: Option<u64>,
    /// Keep this many whole months of sales before the current month and
    /// drop older months nightly, for every restaurant (default: keep
    /// sales until their restaurant is deleted).
    #[arg(long, env = "FLUX_SALES_RETENTION_MONTHS", value_parser = clap::value_parser!(u32).range(1..))]
    pub sales_retention_months: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Say whether the private cluster is running, and where.
    Status,
    /// Print a `psql` connection URL for the private cluster.
    Url,
    /// Start the private cluster and leave it running.
    Start,
    /// Stop the private cluster.
    Stop,
    /// Write a consistent backup of the database (pg_dump, custom format)
    /// while Flux keeps running.
    Backup(BackupArgs),
    /// Replace the database with a backup, in one transaction. Stop every
    /// `flux serve` first.
    Restore(RestoreArgs),
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write it (default: <data-dir>/backups/flux-<UTC time>.dump).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file written by `flux db backup`.
    pub file: PathBuf,
    /// Confirm that the current data is to be replaced.
    #[arg(long)]
    pub yes: bool,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(&cli)?;
    crate::config::init_logging(config.log_format);
    match cli.command {
        Command::Serve(_) => serve::run(&config).await,
        Command::Demo(_) => demo::run(&config).await,
        Command::Migrate => {
            let db = database::open(&config).await?;
            flux_store::migrate(&db.owner).await?;
            println!("migrations applied");
            db.release()
        }
        Command::Db(cmd) => database::command(&config, cmd).await,
        Command::Import(args) => import::run(&config, args).await,
        Command::DataHealth(args) => import::health(&config, args).await,
        Command::Costing(cmd) => costing::run(&config, cmd).await,
        Command::Menu(cmd) => menu_photos::run(&config, cmd).await,
        Command::Purchasing(cmd) => purchasing::run(&config, cmd).await,
        Command::Inventory(cmd) => inventory::run(&config, cmd).await,
        Command::Labor(cmd) => labor::run(&config, cmd).await,
        Command::Bench(cmd) => bench::run(&config, cmd).await,
        Command::Forecast(args) => offline::forecast(args),
        Command::Backtest(args) => offline::run_backtest(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
