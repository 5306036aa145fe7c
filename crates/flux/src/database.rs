//! Choosing the database: an external server from `DATABASE_URL`, or the
//! private cluster in the data directory.

use std::str::FromStr;

use anyhow::Context;
use flux_pg::{ClientGuard, Cluster, ADMIN_ROLE, APP_ROLE, DATABASE};
use flux_store::pool::AppRole;
use sqlx::postgres::PgConnectOptions;

use crate::cli::DbCommand;
use crate::config::Config;

/// Connection options for the schema owner and the application role.
pub struct Database {
    pub owner: PgConnectOptions,
    pub app: PgConnectOptions,
    pub app_role: AppRole,
    /// Held while we use the private cluster.
    guard: Option<ClientGuard>,
}

impl Database {
    /// Leaves the private cluster, stopping it if nobody else uses it.
    pub fn release(self) -> anyhow::Result<()> {
        if let Some(guard) = self.guard {
            guard.release_and_stop_if_last()?;
        }
        Ok(())
    }
}

pub async fn open(config: &Config) -> anyhow::Result<Database> {
    if let Some(url) = &config.database_url {
        let owner = PgConnectOptions::from_str(url)
            .context("DATABASE_URL is not a valid PostgreSQL URL")?;
        let (app, app_role) = match &config.app_database_url {
            Some(app) => (
                PgConnectOptions::from_str(app)
                    .context("FLUX_APP_DATABASE_URL is not a valid PostgreSQL URL")?,
                AppRole::Direct,
            ),
            None => (owner.clone(), AppRole::SetRole),
        };
        return Ok(Database {
            owner,
            app,
            app_role,
            guard: None,
        });
    }
    let cluster = Cluster::new(&config.data_dir);
    let guard = cluster.attach()?;
    cluster.ensure_running().await?;
    Ok(Database {
        owner: cluster.connect_options(ADMIN_ROLE, DATABASE),
        app: cluster.connect_options(APP_ROLE, DATABASE),
        app_role: AppRole::Direct,
        guard: Some(guard),
    })
}

pub async fn command(config: &Config, cmd: DbCommand) -> anyhow::Result<()> {
    if config.database_url.is_some() {
        anyhow::bail!(
            "DATABASE_URL is set: flux is using an external server, not its private cluster"
        );
    }
    let cluster = Cluster::new(&config.data_dir);
    match cmd {
        DbCommand::Status => match cluster.running_pid() {
            Some(pid) => {
                println!("running (pid {pid})");
                println!("data:   {}", cluster.root().display());
                println!("psql:   psql '{}'", cluster.psql_url(ADMIN_ROLE));
                println!("log:    {}", cluster.log_path().display());
            }
            None => println!("not running (data: {})", cluster.root().display()),
        },
        DbCommand::Url => println!("{}", cluster.psql_url(ADMIN_ROLE)),
        DbCommand::Start => {
            cluster.ensure_running().await?;
            println!(
                "running; connect with: psql '{}'",
                cluster.psql_url(ADMIN_ROLE)
            );
        }
        DbCommand::Stop => {
            if cluster.stop()? {
                println!("stopped");
            } else {
                println!("was not running");
            }
        }
    }
    Ok(())
}
