//! Connection pools and migrations.

use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Executor, PgPool};

/// The migrations in `crates/flux-store/migrations`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Applies pending migrations as the schema owner. Concurrent callers are
/// safe: sqlx serialises them with an advisory lock.
pub async fn migrate(owner: &PgConnectOptions) -> Result<(), sqlx::migrate::MigrateError> {
    let mut conn = owner.connect().await?;
    MIGRATOR.run(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// How the server's pool authenticates as the application role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppRole {
    /// The options already log in as `flux_app` (private cluster, or an
    /// explicit `FLUX_APP_DATABASE_URL`).
    Direct,
    /// The options log in as a more privileged user (a single external
    /// `DATABASE_URL`); every connection drops to `flux_app` with
    /// `SET ROLE` so row-level security still applies.
    SetRole,
}

/// How long a pooled connection may sit unused before it is pinged on
/// checkout.
const IDLE_CHECK: Duration = Duration::from_secs(1);

/// Opens the pool the server uses for every request.
pub async fn connect_app(
    opts: PgConnectOptions,
    role: AppRole,
    max_connections: u32,
) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        // A ping on every checkout is a round trip on every request. Only
        // a connection that sat idle (where a server restart or a network
        // drop may have broken it unnoticed) is checked; a busy one that
        // breaks fails its request with a 503 and is closed.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > IDLE_CHECK {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if role == AppRole::SetRole {
                    conn.execute("set role flux_app").await?;
                }
                Ok(())
            })
        })
        // Bulk imports legitimately run statements for many seconds; only
        // flag the truly slow ones.
        .connect_with(
            opts.log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(60)),
        )
        .await
}
