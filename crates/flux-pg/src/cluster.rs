//! The cluster's life cycle: initialise once, start on demand, stop when the
//! last user leaves.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::binaries::{find_binaries, PgBinaries};
use crate::{io_err, spawn, PgError};

/// Superuser created by `initdb`; owns the schema and runs migrations.
pub const ADMIN_ROLE: &str = "flux_admin";
/// The role the server connects as: neither superuser nor table owner, so
/// row-level security applies to every query it makes.
pub const APP_ROLE: &str = "flux_app";
/// The application database inside the private cluster.
pub const DATABASE: &str = "flux";

/// Longest path the kernel accepts for a Unix socket (`sun_path` is 108 bytes
/// including the terminating NUL).
const MAX_SOCKET_PATH: usize = 107;
const START_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// A private cluster rooted at `<data-dir>/pg`.
#[derive(Debug, Clone)]
pub struct Cluster {
    root: PathBuf,
    durable: bool,
    /// Extra `-c name=value` server settings, for tests that need a
    /// preloaded extension.
    settings: Vec<String>,
}

/// Held while a process uses the cluster; see [`Cluster::attach`].
#[derive(Debug)]
pub struct ClientGuard {
    cluster: Cluster,
    file: Option<File>,
}

impl Cluster {
    /// A cluster in `data_dir/pg`. Nothing happens on disk until
    /// [`Cluster::ensure_running`].
    pub fn new(data_dir: &Path) -> Self {
        Self {
            root: data_dir.join("pg"),
            durable: true,
            settings: Vec::new(),
        }
    }

    /// Starts the server with `name = value` as well (when this call
    /// starts it; a running server keeps its settings).
    pub fn with_setting(mut self, name: &str, value: &str) -> Self {
        self.settings.push(format!("{name}={value}"));
        self
    }

    /// Trades durability for speed (no fsync): for throw-away test clusters only.
    pub fn non_durable(mut self) -> Self {
        self.durable = false;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    fn pgdata(&self) -> PathBuf {
        self.root.join("data")
    }
    /// Directory holding the server's Unix socket.
    pub fn socket_dir(&self) -> PathBuf {
        self.root.join("run")
    }
    /// The server log, the first place to look when something fails.
    pub fn log_path(&self) -> PathBuf {
        self.root.join("postgres.log")
    }

    /// Connection options for `role` on `database` through the private socket.
    pub fn connect_options(&self, role: &str, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(self.socket_dir())
            .username(role)
            .database(database)
            .log_statements(tracing::log::LevelFilter::Trace)
    }

    /// A libpq URL for `psql`, for humans poking at the database.
    pub fn psql_url(&self, role: &str) -> String {
        self.url_of(role, DATABASE)
    }

    /// A libpq URL for `role` on `database` (for the client tools).
    pub fn url_of(&self, role: &str, database: &str) -> String {
        format!(
            "postgresql:///{database}?host={}&user={role}",
            self.socket_dir().display()
        )
    }

    /// Creates an empty database `name` beside the application's, dropping
    /// a leftover of that name first (an earlier restore that failed).
    pub async fn create_spare_database(&self, name: &str) -> Result<(), PgError> {
        let mut conn = self
            .connect_options(ADMIN_ROLE, "postgres")
            .connect()
            .await?;
        sqlx::query(&format!("drop database if exists {name}"))
            .execute(&mut conn)
            .await?;
        sqlx::query(&format!("create database {name} owner {ADMIN_ROLE}"))
            .execute(&mut conn)
            .await?;
        Ok(())
    }

    pub async fn drop_database(&self, name: &str) -> Result<(), PgError> {
        let mut conn = self
            .connect_options(ADMIN_ROLE, "postgres")
            .connect()
            .await?;
        sqlx::query(&format!("drop database if exists {name}"))
            .execute(&mut conn)
            .await?;
        Ok(())
    }

    /// Makes the spare database `spare` the application's database and
    /// drops the one it replaces. Refused with [`PgError::InUse`], changing
    /// nothing, while anyone is connected to the application's database
    /// (renaming it would fail half-way, and they would keep writing to
    /// the old data).
    pub async fn swap_in(&self, spare: &str) -> Result<(), PgError> {
        const REPLACED: &str = "flux_replaced";
        let mut conn = self
            .connect_options(ADMIN_ROLE, "postgres")
            .connect()
            .await?;
        let others: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        )
        .bind(DATABASE)
        .fetch_one(&mut conn)
        .await?;
        if others > 0 {
            return Err(PgError::InUse(others));
        }
        for sql in [
            format!("drop database if exists {REPLACED}"),
            format!("alter database {DATABASE} rename to {REPLACED}"),
            format!("alter database {spare} rename to {DATABASE}"),
            format!("drop database {REPLACED}"),
        ] {
            sqlx::query(&sql).execute(&mut conn).await?;
        }
        Ok(())
    }

    /// The postmaster's pid if a server is running on this cluster.
    pub fn running_pid(&self) -> Option<i32> {
        let text = std::fs::read_to_string(self.pgdata().join("postmaster.pid")).ok()?;
        let pid: i32 = text.lines().next()?.trim().parse().ok()?;
        let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
        alive.then_some(pid)
    }

    fn is_ready(&self) -> bool {
        let Ok(text) = std::fs::read_to_string(self.pgdata().join("postmaster.pid")) else {
            return false;
        };
        // Line 8 of postmaster.pid is the server status ("ready" once it
        // accepts connections); documented in PostgreSQL's pidfile.h.
        text.lines().nth(7).map(str::trim) == Some("ready")
            && self.socket_dir().join(".s.PGSQL.5432").exists()
    }

    /// Registers this process as a user of the cluster (shared lock). Take it
    /// *before* [`Cluster::ensure_running`], so a departing process cannot
    /// stop the server between our start and our first connection.
    pub fn attach(&self) -> Result<ClientGuard, PgError> {
        std::fs::create_dir_all(&self.root).map_err(io_err(&self.root))?;
        let path = self.root.join("clients.lock");
        let file = File::create(&path).map_err(io_err(&path))?;
        file.lock_shared().map_err(io_err(&path))?;
        Ok(ClientGuard {
            cluster: self.clone(),
            file: Some(file),
        })
    }

    fn lock_ops(&self) -> Result<File, PgError> {
        std::fs::create_dir_all(&self.root).map_err(io_err(&self.root))?;
        let path = self.root.join("flux.lock");
        let file = File::create(&path).map_err(io_err(&path))?;
        file.lock().map_err(io_err(&path))?;
        Ok(file)
    }

    /// Initialises the cluster if needed, starts it if it is not running and
    /// makes sure the application role and database exist. Safe to call from
    /// many processes at once.
    pub async fn ensure_running(&self) -> Result<(), PgError> {
        let this = self.clone();
        // The ops lock is held until bootstrap is done, so concurrent callers
        // see either no server or a fully bootstrapped one.
        let ops = tokio::task::spawn_blocking(move || this.ensure_running_blocking())
            .await
            .map_err(|e| PgError::Io {
                path: "<start task>".into(),
                source: std::io::Error::other(e),
            })??;
        let result = self.bootstrap().await;
        drop(ops);
        result
    }

    fn ensure_running_blocking(&self) -> Result<File, PgError> {
        let ops = self.lock_ops()?;
        let socket = self.socket_dir().join(".s.PGSQL.5432");
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            return Err(PgError::SocketPathTooLong(socket.display().to_string()));
        }
        if self.running_pid().is_some() && self.is_ready() {
            return Ok(ops);
        }
        let bins = find_binaries()?;
        if !self.pgdata().join("PG_VERSION").exists() {
            self.initdb(&bins)?;
        }
        self.start(&bins)?;
        Ok(ops)
    }

    fn initdb(&self, bins: &PgBinaries) -> Result<(), PgError> {
        let pgdata = self.pgdata();
        // A half-made directory from an interrupted initdb would make every
        // later attempt fail; it holds no data yet, so start over.
        if pgdata.exists() {
            std::fs::remove_dir_all(&pgdata).map_err(io_err(&pgdata))?;
        }
        let log = self.root.join("initdb.log");
        tracing::info!(dir = %pgdata.display(), "creating private PostgreSQL cluster");
        let mut cmd = spawn::command(&bins.initdb(), &log, false)?;
        cmd.arg("-D").arg(&pgdata).args([
            "-U",
            ADMIN_ROLE,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
        ]);
        if !self.durable {
            cmd.arg("--no-sync");
        }
        spawn::run(cmd, &log)
    }

    fn start(&self, bins: &PgBinaries) -> Result<(), PgError> {
        let run = self.socket_dir();
        std::fs::create_dir_all(&run).map_err(io_err(&run))?;
        let log = self.log_path();
        let mut cmd = spawn::command(&bins.postgres(), &log, true)?;
        cmd.arg("-D").arg(self.pgdata());
        let mut settings = vec![
            "listen_addresses=".to_string(),
            format!("unix_socket_directories={}", run.display()),
            "max_connections=200".to_string(),
        ];
        if !self.durable {
            settings.extend(
                [
                    "fsync=off",
                    "synchronous_commit=off",
                    "full_page_writes=off",
                ]
                .map(String::from),
            );
        }
        settings.extend(self.settings.iter().cloned());
        for s in settings {
            cmd.arg("-c").arg(s);
        }
        let mut child = spawn::start(cmd, &log)?;
        tracing::info!(pid = child.id(), "started private PostgreSQL");
        let started = Instant::now();
        while !self.is_ready() {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(PgError::CommandFailed {
                    command: "postgres".into(),
                    status: status.to_string(),
                    log: log.display().to_string(),
                });
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(PgError::StartTimeout {
                    secs: START_TIMEOUT.as_secs(),
                    log: log.display().to_string(),
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    /// Creates the application role and database if they are missing.
    async fn bootstrap(&self) -> Result<(), PgError> {
        let mut conn = self
            .connect_options(ADMIN_ROLE, "postgres")
            .connect()
            .await?;
        let role_exists: bool =
            sqlx::query_scalar("select exists(select 1 from pg_roles where rolname = $1)")
                .bind(APP_ROLE)
                .fetch_one(&mut conn)
                .await?;
        if !role_exists {
            // LOGIN but no password: the socket lives in a directory only the
            // data directory's owner can reach, and pg_hba trusts it.
            let sql = format!(
                "create role {APP_ROLE} login nosuperuser nocreatedb nocreaterole nobypassrls"
            );
            ignore_duplicate(sqlx::query(&sql).execute(&mut conn).await)?;
        }
        let db_exists: bool =
            sqlx::query_scalar("select exists(select 1 from pg_database where datname = $1)")
                .bind(DATABASE)
                .fetch_one(&mut conn)
                .await?;
        if !db_exists {
            let sql = format!("create database {DATABASE} owner {ADMIN_ROLE}");
            ignore_duplicate(sqlx::query(&sql).execute(&mut conn).await)?;
        }
        conn.close().await?;
        Ok(())
    }

    /// Stops the server (fast shutdown: open transactions roll back, committed
    /// data is safe). Does nothing if it is not running.
    pub fn stop(&self) -> Result<bool, PgError> {
        let _ops = self.lock_ops()?;
        self.stop_locked()
    }

    fn stop_locked(&self) -> Result<bool, PgError> {
        let Some(pid) = self.running_pid() else {
            return Ok(false);
        };
        let pid = nix::unistd::Pid::from_raw(pid);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT);
        let started = Instant::now();
        loop {
            // If we started the server ourselves it is our child: reap it, or
            // it lingers as a zombie that still "exists" for kill(0).
            let _ = nix::sys::wait::waitpid(pid, Some(nix::sys::wait::WaitPidFlag::WNOHANG));
            if nix::sys::signal::kill(pid, None).is_err() {
                break;
            }
            if started.elapsed() > STOP_TIMEOUT {
                let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGQUIT);
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        tracing::info!("stopped private PostgreSQL");
        Ok(true)
    }
}

/// Another process bootstrapping at the same moment may win the race to
/// create the role or database; that is success, not failure.
fn ignore_duplicate<T>(r: Result<T, sqlx::Error>) -> Result<(), sqlx::Error> {
    match r {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e))
            if matches!(e.code().as_deref(), Some("42710") | Some("42P04")) =>
        {
            Ok(())
        }
        Err(e) => Err(e),
    }
}

impl ClientGuard {
    /// Leaves the cluster and stops it if no other process is using it.
    pub fn release_and_stop_if_last(mut self) -> Result<bool, PgError> {
        drop(self.file.take());
        let _ops = self.cluster.lock_ops()?;
        let path = self.cluster.root.join("clients.lock");
        let file = File::create(&path).map_err(io_err(&path))?;
        match file.try_lock() {
            Ok(()) => self.cluster.stop_locked(),
            Err(_) => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn starts_bootstraps_reuses_and_stops_a_private_cluster() {
        let dir = tempfile::Builder::new()
            .prefix("fluxpg")
            .tempdir_in(std::env::temp_dir())
            .expect("tempdir");
        let cluster = Cluster::new(dir.path()).non_durable();
        let guard = cluster.attach().expect("attach");
        cluster.ensure_running().await.expect("start");
        let pid = cluster.running_pid().expect("running");

        // A second start is a no-op on the same postmaster.
        cluster.ensure_running().await.expect("second start");
        assert_eq!(cluster.running_pid(), Some(pid));

        let mut conn = cluster
            .connect_options(APP_ROLE, DATABASE)
            .connect()
            .await
            .expect("app role can log in");
        let (is_super,): (bool,) =
            sqlx::query_as("select rolsuper from pg_roles where rolname = current_user")
                .fetch_one(&mut conn)
                .await
                .expect("query");
        assert!(!is_super, "the application role must not be a superuser");
        conn.close().await.expect("close");

        // Another user keeps it alive when we leave...
        let other = cluster.attach().expect("second client");
        assert!(!guard.release_and_stop_if_last().expect("release"));
        assert_eq!(cluster.running_pid(), Some(pid));
        // ...and the last one out stops it.
        assert!(other.release_and_stop_if_last().expect("release last"));
        assert_eq!(cluster.running_pid(), None);
    }

    #[tokio::test]
    async fn concurrent_starts_share_one_server() {
        let dir = tempfile::Builder::new()
            .prefix("fluxpg")
            .tempdir_in(std::env::temp_dir())
            .expect("tempdir");
        let a = Cluster::new(dir.path()).non_durable();
        let b = a.clone();
        let (ra, rb) = tokio::join!(a.ensure_running(), b.ensure_running());
        ra.expect("first");
        rb.expect("second");
        assert!(a.running_pid().is_some());
        assert!(a.stop().expect("stop"));
    }
}
