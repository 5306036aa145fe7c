//! Choosing the database: an external server from `DATABASE_URL`, or the
//! private cluster in the data directory; and the `flux db` commands
//! (status, start and stop, backup and restore).

use std::str::FromStr;

use anyhow::Context;
use flux_pg::{ClientGuard, Cluster, ADMIN_ROLE, APP_ROLE, DATABASE};
use flux_store::pool::AppRole;
use sqlx::postgres::PgConnectOptions;

use crate::cli::{BackupArgs, DbCommand, RestoreArgs};
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
    match cmd {
        DbCommand::Backup(args) => return backup(config, args).await,
        DbCommand::Restore(args) => return restore(config, args).await,
        _ => {}
    }
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
        DbCommand::Backup(_) | DbCommand::Restore(_) => unreachable!("handled above"),
    }
    Ok(())
}

/// Runs a PostgreSQL client tool, failing with its own words.
fn run_tool(tool: &std::path::Path, args: &[&std::ffi::OsStr]) -> anyhow::Result<()> {
    let out = std::process::Command::new(tool)
        .args(args)
        .output()
        .with_context(|| format!("cannot run {}", tool.display()))?;
    if !out.status.success() {
        anyhow::bail!(
            "{} failed: {}",
            tool.file_name().unwrap_or_default().to_string_lossy(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// `flux db backup`: pg_dump's custom format (compressed, restorable
/// table by table), taken in one snapshot while Flux keeps serving. Works
/// on the private cluster and on a `DATABASE_URL` server alike. The file
/// appears only once complete.
async fn backup(config: &Config, args: BackupArgs) -> anyhow::Result<()> {
    let (url, guard, pg_dump) = match &config.database_url {
        // A client-only machine (the container image) has pg_dump on PATH
        // and no server binaries.
        Some(url) => (
            url.clone(),
            None,
            flux_pg::find_binaries().map_or_else(|_| "pg_dump".into(), |b| b.pg_dump()),
        ),
        None => {
            let cluster = Cluster::new(&config.data_dir);
            let guard = cluster.attach()?;
            cluster.ensure_running().await?;
            let pg_dump = flux_pg::find_binaries()?.pg_dump();
            (cluster.psql_url(ADMIN_ROLE), Some(guard), pg_dump)
        }
    };
    let output = match args.output {
        Some(path) => path,
        None => config.data_dir.join("backups").join(format!(
            "flux-{}.dump",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        )),
    };
    if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let partial = output.with_extension("partial");
    let written = run_tool(
        &pg_dump,
        &[
            "--format=custom".as_ref(),
            "--file".as_ref(),
            partial.as_os_str(),
            "--dbname".as_ref(),
            url.as_ref(),
        ],
    )
    .and_then(|()| {
        // Everything is in it, password hashes included: owner only.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600))?;
        Ok(std::fs::rename(&partial, &output)?)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written?;
    if let Some(guard) = guard {
        guard.release_and_stop_if_last()?;
    }
    let size = std::fs::metadata(&output)?.len();
    println!(
        "backup written: {} ({:.1} MB)",
        output.display(),
        size as f64 / 1e6
    );
    Ok(())
}

/// `flux db restore`: loads the backup into a new database beside the
/// live one, then swaps the two, so a failed or interrupted restore
/// leaves the current data untouched; then migrates it to this version.
/// Private cluster only: on an external server, restore with its own
/// tools (the file is a plain pg_dump archive).
async fn restore(config: &Config, args: RestoreArgs) -> anyhow::Result<()> {
    if config.database_url.is_some() {
        anyhow::bail!(
            "DATABASE_URL is set: restore an external server with pg_restore (the backup is a pg_dump custom-format archive)"
        );
    }
    if !args.file.is_file() {
        anyhow::bail!("no backup at {}", args.file.display());
    }
    if !args.yes {
        anyhow::bail!(
            "this replaces all of the current data with {}; run again with --yes to go ahead",
            args.file.display()
        );
    }
    let bins = flux_pg::find_binaries()?;
    let cluster = Cluster::new(&config.data_dir);
    let guard = cluster.attach()?;
    cluster.ensure_running().await?;
    const SPARE: &str = "flux_restoring";
    cluster.create_spare_database(SPARE).await?;
    let loaded = run_tool(
        &bins.pg_restore(),
        &[
            "--exit-on-error".as_ref(),
            "--single-transaction".as_ref(),
            "--no-owner".as_ref(),
            "--dbname".as_ref(),
            cluster.url_of(ADMIN_ROLE, SPARE).as_ref(),
            args.file.as_os_str(),
        ],
    );
    let swapped = match loaded {
        Ok(()) => cluster.swap_in(SPARE).await.map_err(anyhow::Error::from),
        Err(e) => Err(e.context("the backup could not be loaded")),
    };
    if let Err(e) = swapped {
        let _ = cluster.drop_database(SPARE).await;
        return Err(e.context("the current data is unchanged"));
    }
    flux_store::migrate(&cluster.connect_options(ADMIN_ROLE, DATABASE))
        .await
        .context("migrating the restored database")?;
    guard.release_and_stop_if_last()?;
    println!("restored {}", args.file.display());
    Ok(())
}
