//! `flux import --date-order` and `--timezone` reach the parser: the same
//! ambiguous date is read month first in a New York restaurant, and day
//! first when the flag says so.

use std::process::{Command, Stdio};

use sqlx::ConnectOptions;

/// Runs `flux import --json` with `flags`; (success, stdout, stderr).
fn import(
    db: &flux_testkit::TestDb,
    data: &std::path::Path,
    restaurant: uuid::Uuid,
    file: &std::path::Path,
    flags: &[&str],
) -> (bool, serde_json::Value, String) {
    let url = format!(
        "postgres://flux_admin@localhost/{}?host={}",
        db.name,
        db.cluster.socket_dir().display()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_flux"))
        .arg("--data-dir")
        .arg(data)
        .args([
            "--database-url",
            &url,
            "import",
            "--json",
            "--restaurant",
            &restaurant.to_string(),
        ])
        .args(flags)
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .expect("run flux import");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.success(),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_date_order_flag_decides_how_an_ambiguous_date_is_read() {
    let db = flux_testkit::fresh_db().await;
    let mut owner = db.owner.connect().await.expect("connect");
    let restaurant = uuid::Uuid::new_v4();
    sqlx::query("insert into users (user_id, email, password_hash) values (gen_random_uuid(), 'o@x.com', 'x')")
        .execute(&mut owner)
        .await
        .expect("user");
    sqlx::query(
        "insert into restaurants (restaurant_id, name, timezone, currency, locale, created_by)
         select $1, 'Lower East Deli', 'America/New_York', 'USD', 'en-US', user_id from users",
    )
    .bind(restaurant)
    .execute(&mut owner)
    .await
    .expect("restaurant");

    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let detected = dir.path().join("detected.csv");
    std::fs::write(
        &detected,
        "date,item,quantity,price\n1/5/2025,Bagel,3,4.00\n",
    )
    .expect("write");
    let chosen = dir.path().join("chosen.csv");
    std::fs::write(&chosen, "date,item,quantity,price\n1/5/2025,Lox,2,9.00\n").expect("write");

    let (ok, report, err) = import(&db, &data, restaurant, &detected, &[]);
    assert!(ok, "{err}");
    assert_eq!(report["first_date"], "2025-01-05", "{report}");

    let (ok, report, err) = import(
        &db,
        &data,
        restaurant,
        &chosen,
        &["--date-order", "dmy", "--timezone", "Europe/London"],
    );
    assert!(ok, "{err}");
    assert_eq!(report["first_date"], "2025-05-01", "{report}");
    assert!(
        report["date_order"]
            .as_str()
            .is_some_and(|d| d.contains("chosen")),
        "{report}"
    );

    let (ok, _, err) = import(&db, &data, restaurant, &chosen, &["--date-order", "dym"]);
    assert!(!ok);
    assert!(err.contains("--date-order"), "{err}");
}
