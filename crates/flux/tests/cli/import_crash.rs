//! An import killed mid-way leaves no trace: the whole upload is one
//! transaction, so PostgreSQL rolls it back when the process dies.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::{ConnectOptions, Connection};

const ROWS: usize = 400_000;

fn write_sales_file(path: &std::path::Path) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    writeln!(f, "date,item,quantity,price").expect("write");
    let start = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).expect("date");
    for i in 0..ROWS {
        let day = start + chrono::Duration::days((i / 400) as i64);
        writeln!(f, "{day},Dish {},{},{}.50", i % 400, 1 + i % 7, 3 + i % 20).expect("write");
    }
}

async fn count(conn: &mut sqlx::PgConnection, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}"))
        .fetch_one(conn)
        .await
        .expect("count")
}

#[tokio::test]
async fn killing_an_import_mid_copy_leaves_no_partial_rows() {
    let db = flux_testkit::fresh_db().await;
    let mut owner = db.owner.connect().await.expect("connect");
    let restaurant = uuid::Uuid::new_v4();
    sqlx::query("insert into users (user_id, email, password_hash) values (gen_random_uuid(), 'o@x.com', 'x')")
        .execute(&mut owner)
        .await
        .expect("user");
    sqlx::query(
        "insert into restaurants (restaurant_id, name, timezone, currency, locale, created_by)
         select $1, 'Crash Test Bistro', 'Europe/Madrid', 'EUR', 'es-ES', user_id from users",
    )
    .bind(restaurant)
    .execute(&mut owner)
    .await
    .expect("restaurant");

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("sales.csv");
    write_sales_file(&file);
    let url = format!(
        "postgres://flux_admin@localhost/{}?host={}",
        db.name,
        db.cluster.socket_dir().display()
    );
    let run_import = || {
        Command::new(env!("CARGO_BIN_EXE_flux"))
            .args(["--data-dir"])
            .arg(dir.path().join("data"))
            .args([
                "--database-url",
                &url,
                "import",
                "--restaurant",
                &restaurant.to_string(),
            ])
            .arg(&file)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn flux import")
    };

    let mut child = run_import();
    // Wait until the import is streaming lines into PostgreSQL, then kill it
    // without any chance to clean up.
    let started = Instant::now();
    let mut seen_copy = false;
    while started.elapsed() < Duration::from_secs(120) {
        let busy: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity where datname = $1 and state = 'active'
               and (query ilike 'copy staged_items%' or query ilike 'insert into transaction_items%')",
        )
        .bind(&db.name)
        .fetch_one(&mut owner)
        .await
        .expect("activity");
        if busy > 0 {
            seen_copy = true;
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("import finished ({status}) before it could be killed; make the file bigger");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(seen_copy, "the import never reached the COPY stage");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .expect("kill");
    let _ = child.wait();

    // The server notices the dead client and rolls its transaction back.
    let started = Instant::now();
    loop {
        let others: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        )
        .bind(&db.name)
        .fetch_one(&mut owner)
        .await
        .expect("activity");
        if others == 0 || started.elapsed() > Duration::from_secs(30) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for table in [
        "transaction_items",
        "transactions",
        "daily_item_sales",
        "data_uploads",
        "menu_items",
    ] {
        assert_eq!(
            count(&mut owner, table).await,
            0,
            "{table} must be empty after the killed import"
        );
    }

    // And the same file then imports completely.
    let out = run_import().wait_with_output().expect("second import");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&mut owner, "transaction_items").await, ROWS as i64);
    assert_eq!(count(&mut owner, "data_uploads").await, 1);
    owner.close().await.ok();
}
