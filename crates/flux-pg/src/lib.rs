//! A private PostgreSQL cluster that lives inside Flux's data directory.
//!
//! Flux needs PostgreSQL, but a newcomer should not have to create roles,
//! databases or passwords before the first run. When no `DATABASE_URL` is
//! configured, this crate finds the machine's PostgreSQL server binaries,
//! creates a cluster under `<data-dir>/pg`, and runs it listening only on a
//! Unix socket inside that directory (no TCP port, so it cannot clash with a
//! system PostgreSQL and is reachable only by the owner of the directory).
//!
//! Invariants:
//! - Every operation that may initialise, start or stop the cluster holds an
//!   exclusive lock on `<data-dir>/pg/flux.lock`, so concurrent `flux`
//!   processes never double-start or corrupt it.
//! - Processes that *use* the cluster hold a shared lock on
//!   `<data-dir>/pg/clients.lock` (see [`ClientGuard`]); the last one to leave
//!   stops the server, unless it was asked to keep it running.
//! - PostgreSQL refuses to run as root. As root we start it inside a new user
//!   namespace, where it runs as an unprivileged (unmapped) user but still owns
//!   the files it creates (see [`spawn`]).

mod binaries;
mod cluster;
mod spawn;

pub use binaries::{find_binaries, PgBinaries};
pub use cluster::{ClientGuard, Cluster, ADMIN_ROLE, APP_ROLE, DATABASE};

/// Everything that can go wrong while managing the private cluster.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error(
        "no PostgreSQL server binaries found (looked for `initdb` and `postgres` on PATH, \
         in `pg_config --bindir` and in /usr/lib/postgresql/*/bin). Install them \
         (Debian/Ubuntu: `apt-get install postgresql`) or set DATABASE_URL to use an existing server"
    )]
    BinariesNotFound,
    #[error("PostgreSQL {found} found in {dir}, but Flux needs 15 or newer; install a newer `postgresql` package or set DATABASE_URL")]
    TooOld { found: u32, dir: String },
    #[error("the socket path {0} is too long for a Unix socket (max 107 bytes); choose a shorter --data-dir")]
    SocketPathTooLong(String),
    #[error("`{command}` failed ({status}); see {log}")]
    CommandFailed {
        command: String,
        status: String,
        log: String,
    },
    #[error("PostgreSQL did not become ready within {secs}s; see {log}")]
    StartTimeout { secs: u64, log: String },
    #[error("the private cluster in {0} is not running")]
    NotRunning(String),
    #[error("I/O error on {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} connection(s) are using the database (is flux serve running?); stop them and try again")]
    InUse(i64),
    #[error("database error in the private cluster: {0}")]
    Sql(#[from] sqlx::Error),
}

pub(crate) fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> PgError + '_ {
    move |source| PgError::Io {
        path: path.display().to_string(),
        source,
    }
}
