//! Fresh databases for tests, on a real PostgreSQL server.
//!
//! One private cluster serves the whole test run (it lives in
//! `target/flux-test-pg`, or `$FLUX_TEST_PG_DIR`, and is started on first
//! use by whichever test process gets there first). Migrations run once into
//! a template database named after a hash of the migrations; every test then
//! gets its own database cloned from that template with
//! `CREATE DATABASE ... TEMPLATE`, which takes milliseconds instead of
//! re-running every migration.
//!
//! The cluster is left running between test processes (a test runner starts
//! one process per test); `flux db stop --data-dir target/flux-test-pg` or
//! `.ci/run` stops it.

pub mod fake_model;
pub mod menu_images;

use std::path::PathBuf;

use flux_pg::{Cluster, ADMIN_ROLE, APP_ROLE};
use sha2::{Digest, Sha256};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use tokio::sync::OnceCell;

/// A database of one's own, migrated and empty.
#[derive(Debug, Clone)]
pub struct TestDb {
    pub name: String,
    /// Logs in as the schema owner (superuser in the test cluster).
    pub owner: PgConnectOptions,
    /// Logs in as the application role, which is subject to row-level security.
    pub app: PgConnectOptions,
    pub cluster: Cluster,
}

/// Where the shared test cluster lives.
pub fn cluster_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FLUX_TEST_PG_DIR") {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("flux-test-pg")
}

static STARTED: OnceCell<Cluster> = OnceCell::const_new();

async fn cluster() -> Cluster {
    STARTED
        .get_or_init(|| async {
            let cluster = Cluster::new(&cluster_dir()).non_durable();
            cluster
                .ensure_running()
                .await
                .unwrap_or_else(|e| panic!("cannot start the test PostgreSQL cluster: {e}"));
            cluster
        })
        .await
        .clone()
}

fn template_name() -> String {
    let mut hash = Sha256::new();
    for m in flux_store::MIGRATOR.iter() {
        hash.update(m.version.to_le_bytes());
        hash.update(&*m.checksum);
    }
    format!("flux_tmpl_{}", &hex::encode(hash.finalize())[..16])
}

/// Creates the template database once per migration set. Guarded by a file
/// lock because many test processes race for it.
async fn ensure_template(cluster: &Cluster) -> String {
    let name = template_name();
    let lock_path = cluster.root().join("template.lock");
    let lock = tokio::task::spawn_blocking(move || {
        let f = std::fs::File::create(&lock_path).expect("template lock file");
        f.lock().expect("template lock");
        f
    })
    .await
    .expect("lock task");
    let mut admin = cluster
        .connect_options(ADMIN_ROLE, "postgres")
        .connect()
        .await
        .expect("connect as admin");
    let exists: bool =
        sqlx::query_scalar("select exists(select 1 from pg_database where datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await
            .expect("query templates");
    if !exists {
        let building = format!("{name}_building");
        sqlx::query(&format!("drop database if exists {building}"))
            .execute(&mut admin)
            .await
            .expect("drop stale template");
        sqlx::query(&format!("create database {building}"))
            .execute(&mut admin)
            .await
            .expect("create template");
        flux_store::migrate(&cluster.connect_options(ADMIN_ROLE, &building))
            .await
            .expect("migrations apply to an empty database");
        // Renaming last makes the template appear atomically, fully migrated.
        sqlx::query(&format!("alter database {building} rename to {name}"))
            .execute(&mut admin)
            .await
            .expect("publish template");
    }
    admin.close().await.ok();
    drop(lock);
    name
}

/// A fresh database cloned from the migrated template.
pub async fn fresh_db() -> TestDb {
    let cluster = cluster().await;
    let template = ensure_template(&cluster).await;
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = cluster
        .connect_options(ADMIN_ROLE, "postgres")
        .connect()
        .await
        .expect("connect as admin");
    let sql = format!("create database {name} template {template}");
    // Cloning fails if another session is connected to the template at that
    // instant (e.g. a concurrent clone); retry briefly.
    let mut attempt = 0;
    loop {
        match sqlx::query(&sql).execute(&mut admin).await {
            Ok(_) => break,
            Err(e) if attempt < 50 => {
                attempt += 1;
                let _ = e;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(e) => panic!("cannot create test database: {e}"),
        }
    }
    admin.close().await.ok();
    TestDb {
        owner: cluster.connect_options(ADMIN_ROLE, &name),
        app: cluster.connect_options(APP_ROLE, &name),
        name,
        cluster,
    }
}
