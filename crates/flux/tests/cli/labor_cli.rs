//! `flux labor …` from the shell: roles, staff with availability, approved
//! time off, the week built and published, and the payroll CSV; bad
//! arguments are named.

use sqlx::ConnectOptions;

/// Runs `flux labor ARGS…`; (success, stdout, stderr).
fn labor(
    db: &flux_testkit::TestDb,
    data: &std::path::Path,
    args: &[&str],
) -> (bool, String, String) {
    let all: Vec<&str> = std::iter::once("labor")
        .chain(args.iter().copied())
        .collect();
    crate::common::flux_on(db, data, &all)
}

#[tokio::test]
async fn roles_staff_time_off_a_published_week_and_payroll_from_the_shell() {
    let db = flux_testkit::fresh_db().await;
    let mut owner = db.owner.connect().await.expect("connect");
    let restaurant = crate::common::seed_restaurant(&mut owner).await;
    for d in 0..7 {
        sqlx::query(
            "insert into operating_hours (restaurant_id, day_of_week, position, open_time, close_time)
             values ($1, $2, 0, '08:00', '16:00')",
        )
        .bind(restaurant)
        .bind(d as i16)
        .execute(&mut owner)
        .await
        .expect("hours");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let r = restaurant.to_string();

    let (ok, out, err) = labor(
        &db,
        &data,
        &[
            "add-role",
            "--restaurant",
            &r,
            "--name",
            "Barista",
            "--wage",
            "12.50",
            "--driver",
            "covers",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("Barista"), "{out}");
    let (ok, _, err) = labor(
        &db,
        &data,
        &[
            "add-role",
            "--restaurant",
            &r,
            "--name",
            "Bad",
            "--wage",
            "10",
            "--driver",
            "vibes",
        ],
    );
    assert!(
        !ok && err.contains("items") && err.contains("covers"),
        "{err}"
    );
    let mut ids = Vec::new();
    for (name, extra) in [
        (
            "Ada",
            vec![
                "--available",
                "0 07:00-17:00",
                "--available",
                "1 07:00-17:00",
            ],
        ),
        ("Bo", vec![]),
        ("Cy", vec![]),
    ] {
        let mut args = vec![
            "add-staff",
            "--restaurant",
            &r,
            "--name",
            name,
            "--role",
            "barista:13.00",
            "--max-week-hours",
            "40",
        ];
        args.extend(extra);
        let (ok, out, err) = labor(&db, &data, &args);
        assert!(ok, "{err}");
        ids.push(out.split_whitespace().next().expect("id").to_string());
    }
    let (ok, _, err) = labor(
        &db,
        &data,
        &[
            "add-staff",
            "--restaurant",
            &r,
            "--name",
            "Dee",
            "--role",
            "Chef",
        ],
    );
    assert!(!ok && err.contains("no role of that name"), "{err}");
    let (ok, _, err) = labor(
        &db,
        &data,
        &[
            "add-staff",
            "--restaurant",
            &r,
            "--name",
            "Dee",
            "--role",
            "Barista",
            "--available",
            "9 10:00-12:00",
        ],
    );
    assert!(!ok && err.contains("availability.0.day_of_week"), "{err}");
    let (ok, out, _) = labor(&db, &data, &["staff", "--restaurant", &r]);
    assert!(
        ok && out.contains("Ada") && out.contains("Barista"),
        "{out}"
    );

    let today = chrono::Utc::now().date_naive();
    use chrono::Datelike;
    let monday =
        today + chrono::Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
    let tuesday = (monday + chrono::Duration::days(1)).to_string();
    let (ok, out, err) = labor(
        &db,
        &data,
        &[
            "time-off",
            "--restaurant",
            &r,
            "--staff",
            &ids[1],
            "--from",
            &tuesday,
            "--to",
            &tuesday,
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("approved"), "{out}");

    let week = monday.to_string();
    let (ok, out, err) = labor(
        &db,
        &data,
        &["schedule", "--restaurant", &r, "--week", &week, "--publish"],
    );
    assert!(ok, "{err}");
    assert!(out.contains("published"), "{out}");
    // Bo is off on Tuesday; nobody works outside 08:00–16:00 plus duties.
    let tuesday_lines: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with(&tuesday))
        .collect();
    assert!(!tuesday_lines.is_empty(), "{out}");
    assert!(tuesday_lines.iter().all(|l| !l.contains(" Bo ")), "{out}");
    let (ok, _, err) = labor(
        &db,
        &data,
        &["schedule", "--restaurant", &r, "--week", &tuesday],
    );
    assert!(!ok && err.contains("Monday"), "{err}");

    let (ok, out, err) = labor(&db, &data, &["roles", "--restaurant", &r]);
    assert!(ok && out.contains("Barista"), "{err}");
    let (ok, out, err) = labor(
        &db,
        &data,
        &[
            "payroll",
            "--restaurant",
            &r,
            "--from",
            &week,
            "--to",
            &week,
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.starts_with(
            "person,regular_hours,daily_overtime_hours,weekly_overtime_hours,rate,gross"
        ),
        "{out}"
    );
}
