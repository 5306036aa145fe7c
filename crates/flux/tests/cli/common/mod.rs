//! Helpers for the tests that run real `flux serve` processes, each over
//! a private PostgreSQL cluster in a temporary data directory.
#![allow(dead_code)] // each test binary uses its own share of them

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// Starts `flux serve` on `data_dir` and waits until it is ready.
pub async fn serve(data_dir: &std::path::Path) -> Server {
    serve_with(data_dir, &[]).await
}

/// [`serve`] with extra `flux serve` flags.
pub async fn serve_with(data_dir: &std::path::Path, flags: &[&str]) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_flux"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .args(flags)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn flux serve");
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    wait_ready(&server, Duration::from_secs(90)).await;
    server
}

pub async fn readyz(server: &Server) -> Option<u16> {
    client()
        .get(format!("{}/readyz", server.base))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .ok()
        .map(|r| r.status().as_u16())
}

pub async fn wait_ready(server: &Server, within: Duration) {
    let started = Instant::now();
    while started.elapsed() < within {
        if readyz(server).await == Some(200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("flux serve not ready within {within:?}");
}

pub async fn call(
    base: &str,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut rb = client().request(method, format!("{base}{path}"));
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    match rb.send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            (status, resp.json().await.unwrap_or(Value::Null))
        }
        Err(_) => (0, Value::Null),
    }
}

pub async fn register(server: &Server, email: &str) -> String {
    let (s, b) = call(
        &server.base,
        reqwest::Method::POST,
        "/api/v1/auth/register",
        None,
        Some(json!({"email": email, "password": "correct horse battery"})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["access_token"].as_str().expect("token").to_string()
}

/// Creates a restaurant in UTC; returns its id.
pub async fn create_restaurant(server: &Server, token: &str, name: &str) -> String {
    let (s, r) = call(
        &server.base,
        reqwest::Method::POST,
        "/api/v1/restaurants",
        Some(token),
        Some(json!({"name": name, "timezone": "UTC"})),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    r["id"].as_str().expect("id").to_string()
}

/// 120 days of two dishes up to yesterday: enough to forecast.
pub fn sales_csv() -> String {
    let mut csv = String::from("date,item,quantity\n");
    let today = chrono::Utc::now().date_naive();
    for back in 1..=120 {
        let d = today - chrono::Duration::days(back);
        csv.push_str(&format!(
            "{d},Paella,{}\n{d},Tortilla,{}\n",
            10 + back % 7,
            5 + back % 3
        ));
    }
    csv
}

/// Uploads a sales file (which queues a forecast job).
pub async fn upload(server: &Server, token: &str, rid: &str, csv: String) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("sales.csv"),
    );
    let resp = client()
        .post(format!(
            "{}/api/v1/restaurants/{rid}/data/uploads",
            server.base
        ))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(resp.status().as_u16(), 201);
}

/// Polls `query` (one bigint) until it returns `want`, for up to `within`.
pub async fn wait_for_count(
    conn: &mut sqlx::PgConnection,
    query: &str,
    want: i64,
    within: Duration,
) -> bool {
    let started = Instant::now();
    while started.elapsed() < within {
        let n: i64 = sqlx::query_scalar(query)
            .fetch_one(&mut *conn)
            .await
            .expect("count");
        if n == want {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Holds `forecast_runs` locked from another connection: a forecast job
/// then computes and waits at its final write, mid-way, until released.
pub async fn block_forecast_writes(cluster: &flux_pg::Cluster) -> sqlx::PgConnection {
    use sqlx::ConnectOptions;
    let mut blocker = cluster
        .connect_options(flux_pg::ADMIN_ROLE, flux_pg::DATABASE)
        .connect()
        .await
        .expect("blocker connection");
    sqlx::query("begin")
        .execute(&mut blocker)
        .await
        .expect("begin");
    sqlx::query("lock table forecast_runs in share row exclusive mode")
        .execute(&mut blocker)
        .await
        .expect("lock");
    blocker
}

/// The query counting forecast jobs waiting at the blocked write.
pub const BLOCKED_FORECASTS: &str = "select count(*) from pg_stat_activity
     where wait_event_type = 'Lock' and query ilike 'insert into forecast_runs%'";

/// Runs `flux ARGS…` against the test database `db` (as its owner) with
/// `data` as the data directory; (success, stdout, stderr).
pub fn flux_on(
    db: &flux_testkit::TestDb,
    data: &std::path::Path,
    args: &[&str],
) -> (bool, String, String) {
    let url = format!(
        "postgres://flux_admin@localhost/{}?host={}",
        db.name,
        db.cluster.socket_dir().display()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_flux"))
        .arg("--data-dir")
        .arg(data)
        .args(["--database-url", &url])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run flux");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A user and one restaurant ("Corner Café", London, GBP) written
/// directly as the schema owner; returns the restaurant's id.
pub async fn seed_restaurant(owner: &mut sqlx::PgConnection) -> uuid::Uuid {
    let restaurant = uuid::Uuid::new_v4();
    sqlx::query("insert into users (user_id, email, password_hash) values (gen_random_uuid(), 'o@x.com', 'x')")
        .execute(&mut *owner)
        .await
        .expect("user");
    sqlx::query(
        "insert into restaurants (restaurant_id, name, timezone, currency, locale, created_by)
         select $1, 'Corner Café', 'Europe/London', 'GBP', 'en-GB', user_id from users",
    )
    .bind(restaurant)
    .execute(&mut *owner)
    .await
    .expect("restaurant");
    restaurant
}
