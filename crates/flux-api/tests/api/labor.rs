//! Labor over HTTP: roles, staff, the schedule built from timestamped
//! sales, rule checks on edits, copy and publish, what a member who is not
//! a manager may see, the time clock and pay, tenancy and bad input.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, TestApp, User};

fn next_monday() -> NaiveDate {
    let today = Utc::now().date_naive();
    today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()))
}

/// Eight weeks of orders with timestamps: a lunch and a dinner peak.
fn sales(until: NaiveDate) -> Vec<u8> {
    let mut csv = String::from("order_id,timestamp,item,quantity,price\n");
    let mut order = 0;
    for back in (1..=56).rev() {
        let d = until - Duration::days(back);
        for (hour, orders) in [
            (12, 14),
            (13, 10),
            (14, 3),
            (18, 6),
            (19, 14),
            (20, 12),
            (21, 4),
        ] {
            for k in 0..orders {
                order += 1;
                let minute = (k * 7) % 60;
                csv.push_str(&format!(
                    "o{order},{d} {hour:02}:{minute:02},Burger,1,12.00\n"
                ));
                if k % 2 == 0 {
                    csv.push_str(&format!("o{order},{d} {hour:02}:{minute:02},Beer,2,5.00\n"));
                }
            }
        }
    }
    csv.into_bytes()
}

struct Setup {
    r: String,
    owner: User,
    kitchen: String,
    floor: String,
    staff: Vec<String>,
}

async fn setup(app: &TestApp) -> Setup {
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let days: Vec<Value> = (0..7)
        .map(|d| json!({"day_of_week": d, "ranges": [{"open": "11:30", "close": "22:00"}]}))
        .collect();
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/operating-hours"),
            &owner,
            json!({"days": days}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = app
        .upload(&owner, &r, "orders.csv", sales(next_monday()), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let roles = format!("/api/v1/restaurants/{r}/labor/roles");
    let (s, k) = app
        .post(&roles, &owner, json!({"name": "Kitchen", "hourly_wage": "16.00", "driver": "items",
            "per_labor_hour": "25", "min_staff": 1, "before_open_minutes": 30, "after_close_minutes": 30}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let (s, f) = app
        .post(
            &roles,
            &owner,
            json!({"name": "Floor", "hourly_wage": "14.00", "driver": "covers",
            "per_labor_hour": "12", "min_staff": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    let (kitchen, floor) = (
        k["id"].as_str().expect("id").to_string(),
        f["id"].as_str().expect("id").to_string(),
    );
    let mut staff = Vec::new();
    for i in 0..10 {
        let role = if i % 2 == 0 { &kitchen } else { &floor };
        let (s, p) = app
            .post(
                &format!("/api/v1/restaurants/{r}/labor/staff"),
                &owner,
                json!({
                    "name": format!("Person {i}"),
                    "roles": [{"role_id": role, "hourly_wage": format!("{}.00", 14 + i % 3)}],
                    "max_week_hours": 40,
                }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        staff.push(p["id"].as_str().expect("id").to_string());
    }
    Setup {
        r,
        owner,
        kitchen,
        floor,
        staff,
    }
}

#[tokio::test]
async fn a_manager_builds_the_week_and_a_cook_sees_only_their_own_published_shifts() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let week = next_monday();
    let base = format!("/api/v1/restaurants/{}/labor/schedule/{week}", s.r);

    let (st, before) = app.get(&base, &s.owner).await;
    assert_eq!(st, StatusCode::OK, "{before}");
    assert_eq!(before["demand_source"], "history");
    let hours = before["hours"].as_array().expect("hours");
    let peak = hours
        .iter()
        .filter(|h| h["hour"] == 19)
        .map(|h| h["need"].as_u64().unwrap_or(0))
        .max();
    let quiet = hours
        .iter()
        .filter(|h| h["hour"] == 16)
        .map(|h| h["need"].as_u64().unwrap_or(0))
        .max();
    assert!(
        peak > quiet,
        "dinner needs more than the afternoon: {peak:?} vs {quiet:?}"
    );
    // Opening duties: the kitchen is on at 11:00 for an 11:30 opening.
    assert!(hours
        .iter()
        .any(|h| h["hour"] == 11 && h["role_id"] == s.kitchen.as_str() && h["need"] == 1));

    let (st, built) = app
        .post(&format!("{base}/build"), &s.owner, json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{built}");
    let w = &built["week"];
    let shifts = w["shifts"].as_array().expect("shifts");
    assert!(shifts.len() >= 14, "{}", shifts.len());
    assert_eq!(
        w["rule_breaks"].as_array().map(Vec::len),
        Some(0),
        "{}",
        w["rule_breaks"]
    );
    assert!(w["labor_cost"].as_f64().unwrap_or(0.0) > 0.0);
    assert!(
        w["labor_share_of_forecast"]
            .as_f64()
            .is_some_and(|x| x > 0.0 && x < 1.0),
        "{}",
        w["labor_share_of_forecast"]
    );
    // Every hour shows its over- and under-staffing.
    for h in w["hours"].as_array().expect("hours") {
        assert!(h["over_hours"].is_number() && h["under_hours"].is_number());
    }

    // A cook linked to one staff record.
    let cook = app.register("cook@example.com").await;
    app.add_member(&s.owner, &s.r, &cook, "chef").await;
    let cook_id = app.user_id("cook@example.com").await;
    let me = &s.staff[0];
    let (st, p) = app
        .get(
            &format!("/api/v1/restaurants/{}/labor/staff/{me}", s.r),
            &s.owner,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{p}");
    let mut body = p.clone();
    body["user_id"] = json!(cook_id);
    for k in ["id", "contracted_hours"] {
        body.as_object_mut().expect("object").remove(k);
    }
    let (st, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/restaurants/{}/labor/staff/{me}", s.r),
            Some(&s.owner.access),
            Some(body),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");

    // Unpublished: the cook sees nothing.
    let (st, v) = app.get(&base, &cook).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["shifts"].as_array().map(Vec::len), Some(0));
    let (st, _) = app
        .post(&format!("{base}/publish"), &s.owner, json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, v) = app.get(&base, &cook).await;
    let mine = v["shifts"].as_array().expect("shifts");
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|x| x["staff_id"] == me.as_str()), "{v}");
    assert_eq!(v["hours"].as_array().map(Vec::len), Some(0));
    assert!(v["forecast_sales"].is_null());

    // The cook cannot build, edit or read others.
    let (st, b) = app.post(&format!("{base}/build"), &cook, json!({})).await;
    assert_problem(st, &b, 403, "forbidden");
    let (st, list) = app
        .get(&format!("/api/v1/restaurants/{}/labor/staff", s.r), &cook)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    let other = &s.staff[1];
    let (st, b) = app
        .get(
            &format!("/api/v1/restaurants/{}/labor/staff/{other}", s.r),
            &cook,
        )
        .await;
    assert_problem(st, &b, 404, "not_found");
    let (st, b) = app
        .post(
            &format!("/api/v1/restaurants/{}/labor/clock/in", s.r),
            &cook,
            json!({"staff_id": other}),
        )
        .await;
    assert_problem(st, &b, 404, "not_found");
    // … but clocks in and out themselves, once.
    let clock = format!("/api/v1/restaurants/{}/labor/clock", s.r);
    let (st, b) = app
        .post(&format!("{clock}/in"), &cook, json!({"staff_id": me}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let (st, b) = app
        .post(&format!("{clock}/in"), &cook, json!({"staff_id": me}))
        .await;
    assert_problem(st, &b, 409, "conflict");
    let (st, b) = app
        .post(&format!("{clock}/out"), &cook, json!({"staff_id": me}))
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert!(b["clock_out"].is_string());
    let (st, b) = app
        .post(&format!("{clock}/out"), &cook, json!({"staff_id": me}))
        .await;
    assert_problem(st, &b, 409, "conflict");
}

#[tokio::test]
async fn every_broken_rule_in_a_manual_edit_is_refused_and_the_week_is_unchanged() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let week = next_monday();
    let base = format!("/api/v1/restaurants/{}/labor/schedule/{week}", s.r);
    let d = |days: i64, hm: &str| format!("{}T{hm}", week + Duration::days(days));
    let person = &s.staff[0];
    // Only Monday to Wednesday, 10:00–23:00.
    let (_, p) = app
        .get(
            &format!("/api/v1/restaurants/{}/labor/staff/{person}", s.r),
            &s.owner,
        )
        .await;
    let mut body = p.clone();
    for k in ["id", "contracted_hours", "user_id", "email"] {
        body.as_object_mut().expect("object").remove(k);
    }
    body["availability"] = json!((0..3)
        .map(|d| json!({"day_of_week": d, "from": "10:00", "to": "23:00"}))
        .collect::<Vec<_>>());
    body["max_week_hours"] = json!(20);
    let (st, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/restaurants/{}/labor/staff/{person}", s.r),
            Some(&s.owner.access),
            Some(body),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");

    let shift = |start: String, end: String| json!({"staff_id": person, "role_id": s.kitchen, "start": start, "end": end});
    let (st, ok) = app
        .post(
            &format!("{base}/shifts"),
            &s.owner,
            shift(d(0, "14:00"), d(0, "22:00")),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{ok}");
    let count = |v: &Value| v["shifts"].as_array().map(Vec::len);
    assert_eq!(count(&ok), Some(1));

    let cases = [
        (shift(d(3, "12:00"), d(3, "18:00")), "unavailable"),
        (shift(d(1, "10:00"), d(1, "12:00")), "too_short"),
        (shift(d(1, "10:00"), d(1, "22:00")), "too_long"),
        (shift(d(0, "10:00"), d(0, "14:00")), "second_shift_same_day"),
        (shift(d(0, "20:00"), d(1, "02:00")), "overlap"),
        (shift(d(1, "06:00"), d(1, "12:00")), "rest_too_short"),
        (
            json!({"staff_id": person, "role_id": s.floor, "start": d(2, "12:00"), "end": d(2, "18:00")}),
            "role_not_worked",
        ),
    ];
    for (body, rule) in cases {
        let (st, b) = app
            .post(&format!("{base}/shifts"), &s.owner, body.clone())
            .await;
        assert_problem(st, &b, 422, "validation_failed");
        let rules: Vec<&str> = b["rule_breaks"]
            .as_array()
            .expect("rule_breaks")
            .iter()
            .filter_map(|r| r["rule"].as_str())
            .collect();
        assert!(rules.contains(&rule), "{body} gave {b}");
    }
    // The week's limit: 8 h on Monday, then 8 and 8 would make 22.5 paid hours.
    let (st, _) = app
        .post(
            &format!("{base}/shifts"),
            &s.owner,
            shift(d(1, "14:00"), d(1, "22:00")),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, b) = app
        .post(
            &format!("{base}/shifts"),
            &s.owner,
            shift(d(2, "14:00"), d(2, "22:00")),
        )
        .await;
    assert_problem(st, &b, 422, "validation_failed");
    assert_eq!(b["rule_breaks"][0]["rule"], "week_too_long", "{b}");

    // Approved time off makes the day unavailable; pending does not.
    let (st, off) = app
        .post(&format!("/api/v1/restaurants/{}/labor/time-off", s.r), &s.owner,
            json!({"staff_id": person, "starts_on": week + Duration::days(2), "ends_on": week + Duration::days(2)}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{off}");
    assert_eq!(off["status"], "pending");
    let (st, b) = app
        .post(
            &format!(
                "/api/v1/restaurants/{}/labor/time-off/{}/decision",
                s.r,
                off["id"].as_str().expect("id")
            ),
            &s.owner,
            json!({"approve": true}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (st, b) = app
        .post(
            &format!(
                "/api/v1/restaurants/{}/labor/time-off/{}/decision",
                s.r,
                off["id"].as_str().expect("id")
            ),
            &s.owner,
            json!({"approve": false}),
        )
        .await;
    assert_problem(st, &b, 409, "conflict");
    let (st, b) = app
        .post(
            &format!("{base}/shifts"),
            &s.owner,
            shift(d(2, "10:00"), d(2, "12:00")),
        )
        .await;
    assert_problem(st, &b, 422, "validation_failed");
    assert!(
        b["rule_breaks"]
            .as_array()
            .expect("rb")
            .iter()
            .any(|r| r["rule"] == "unavailable"),
        "{b}"
    );

    // Bad input is named, never a 500.
    for (body, field) in [
        (shift(d(0, "14:10"), d(0, "20:00")), "start"),
        (shift("tomorrow".into(), d(0, "20:00")), "start"),
        (shift(d(9, "10:00"), d(9, "16:00")), "start"),
        (shift(d(0, "20:00"), d(0, "14:00")), "end"),
    ] {
        let (st, b) = app.post(&format!("{base}/shifts"), &s.owner, body).await;
        assert_problem(st, &b, 422, "validation_failed");
        assert_eq!(b["errors"][0]["field"], field, "{b}");
    }
    let tuesday = week + Duration::days(1);
    let (st, b) = app
        .get(
            &format!("/api/v1/restaurants/{}/labor/schedule/{tuesday}", s.r),
            &s.owner,
        )
        .await;
    assert_problem(st, &b, 422, "validation_failed");
    let (st, b) = app
        .get(
            &format!("/api/v1/restaurants/{}/labor/schedule/soon", s.r),
            &s.owner,
        )
        .await;
    assert_problem(st, &b, 422, "validation_failed");

    let (_, v) = app.get(&base, &s.owner).await;
    assert_eq!(count(&v), Some(2), "only the two valid shifts were stored");

    // Copying into the next week leaves out what breaks its rules there.
    let next = week + Duration::days(7);
    let (st, b) = app
        .post(
            &format!("/api/v1/restaurants/{}/labor/time-off", s.r),
            &s.owner,
            json!({"staff_id": person, "starts_on": next, "ends_on": next}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    app.post(
        &format!(
            "/api/v1/restaurants/{}/labor/time-off/{}/decision",
            s.r,
            b["id"].as_str().expect("id")
        ),
        &s.owner,
        json!({"approve": true}),
    )
    .await;
    let (st, copied) = app
        .post(
            &format!(
                "/api/v1/restaurants/{}/labor/schedule/{next}/copy-previous",
                s.r
            ),
            &s.owner,
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{copied}");
    assert_eq!(count(&copied), Some(1), "{copied}");
    assert!(copied["warnings"]
        .as_array()
        .expect("w")
        .iter()
        .any(|w| w.as_str().is_some_and(|w| w.starts_with("not copied"))));
    assert_eq!(copied["shifts"][0]["source"], "copied");
}

#[tokio::test]
async fn pay_follows_the_overtime_rule_and_the_payroll_export_adds_up_by_hand() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let rules = format!("/api/v1/restaurants/{}/labor/rules", s.r);
    let (_, mut r) = app.get(&rules, &s.owner).await;
    r["overtime_daily_hours"] = json!(10);
    r["overtime_weekly_hours"] = json!(40);
    r["overtime_multiplier"] = json!("1.5");
    let (st, b) = app
        .call(Method::PUT, &rules, Some(&s.owner.access), Some(r))
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    // Person 0 earns 14.00 an hour in the kitchen.
    let who = &s.staff[0];
    let today = Utc::now().date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()) + 14);
    let entries = format!("/api/v1/restaurants/{}/labor/clock/entries", s.r);
    // Monday–Friday 08:00–19:30 with a 30-minute break: 11 h a day, 1 h daily
    // overtime each; 50 regular hours, 10 of them past the weekly 40.
    for day in 0..5 {
        let d = monday + Duration::days(day);
        let (st, b) = app
            .post(
                &entries,
                &s.owner,
                json!({"staff_id": who, "clock_in": format!("{d}T08:00:00Z"),
                "clock_out": format!("{d}T19:30:00Z"), "break_minutes": 30}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{b}");
    }
    let d = monday;
    let (st, b) = app
        .post(&entries, &s.owner, json!({"staff_id": who, "clock_in": format!("{d}T12:00:00Z"), "clock_out": format!("{d}T13:00:00Z")}))
        .await;
    assert_problem(st, &b, 409, "conflict");
    let (st, b) = app
        .post(&entries, &s.owner, json!({"staff_id": who, "clock_in": format!("{d}T22:00:00Z"), "clock_out": format!("{d}T21:00:00Z")}))
        .await;
    assert_problem(st, &b, 422, "validation_failed");

    let sunday = monday + Duration::days(6);
    let (st, pay) = app
        .get(
            &format!(
                "/api/v1/restaurants/{}/labor/pay?from={monday}&to={sunday}",
                s.r
            ),
            &s.owner,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{pay}");
    let line = pay["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["staff_id"] == who.as_str())
        .expect("line")
        .clone();
    assert_eq!(line["worked_hours"], 55.0);
    assert_eq!(line["daily_overtime_hours"], 5.0);
    assert_eq!(line["regular_hours"], 40.0);
    assert_eq!(line["weekly_overtime_hours"], 10.0);
    assert_eq!(line["rate"], "14.00");
    // 40 × 14 + 15 × 21 = 560 + 315
    assert_eq!(line["gross"], "875.00");

    let resp = app
        .req(
            Method::GET,
            &format!(
                "/api/v1/restaurants/{}/labor/pay?from={monday}&to={sunday}&format=csv",
                s.r
            ),
            Some(&s.owner.access),
        )
        .send()
        .await
        .expect("csv");
    assert_eq!(resp.status(), StatusCode::OK);
    let csv = resp.text().await.expect("text");
    assert!(
        csv.starts_with(
            "person,regular_hours,daily_overtime_hours,weekly_overtime_hours,rate,gross\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("Person 0,40.00,5.00,10.00,14.00,875.00"),
        "{csv}"
    );
    let (st, b) = app
        .get(
            &format!(
                "/api/v1/restaurants/{}/labor/pay?from={sunday}&to={monday}",
                s.r
            ),
            &s.owner,
        )
        .await;
    assert_problem(st, &b, 422, "validation_failed");
}

#[tokio::test]
async fn another_restaurants_staff_roles_and_schedule_are_out_of_reach() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let other = app.register("other@example.com").await;
    let r2 = app.create_restaurant(&other, "Elsewhere").await;
    let week = next_monday();
    for path in [
        format!("/api/v1/restaurants/{}/labor/staff", s.r),
        format!("/api/v1/restaurants/{}/labor/schedule/{week}", s.r),
        format!("/api/v1/restaurants/{}/labor/pay", s.r),
    ] {
        let (st, b) = app.get(&path, &other).await;
        assert_problem(st, &b, 404, "not_found");
    }
    // The other owner's own restaurant does not know the first one's ids.
    let (st, b) = app
        .post(&format!("/api/v1/restaurants/{r2}/labor/schedule/{week}/shifts"), &other,
            json!({"staff_id": s.staff[0], "role_id": s.kitchen, "start": format!("{week}T10:00"), "end": format!("{week}T16:00")}))
        .await;
    assert_problem(st, &b, 422, "validation_failed");
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["staff_id", "role_id"], "{b}");
    let (st, b) = app
        .post(
            &format!("/api/v1/restaurants/{r2}/labor/staff"),
            &other,
            json!({"name": "Poacher", "roles": [{"role_id": s.kitchen}]}),
        )
        .await;
    assert_problem(st, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["code"], "unknown_role");
    let (st, b) = app
        .get(
            &format!("/api/v1/restaurants/{r2}/labor/staff/{}", s.staff[0]),
            &other,
        )
        .await;
    assert_problem(st, &b, 404, "not_found");
    let (st, b) = app
        .post(
            &format!("/api/v1/restaurants/{r2}/labor/clock/in"),
            &other,
            json!({"staff_id": s.staff[0]}),
        )
        .await;
    assert_problem(st, &b, 404, "not_found");
    // Hostile and oversized input.
    let (st, b) = app
        .post(&format!("/api/v1/restaurants/{r2}/labor/roles"), &other,
            json!({"name": "x".repeat(500), "hourly_wage": "-3", "driver": "items", "min_staff": 1000}))
        .await;
    assert_problem(st, &b, 422, "validation_failed");
    assert_eq!(b["errors"].as_array().map(Vec::len), Some(3), "{b}");
    // A NUL byte in a name, an hours figure far out of range, and time off
    // for another restaurant's person.
    let (st, b) = app
        .post(
            &format!("/api/v1/restaurants/{r2}/labor/roles"),
            &other,
            json!({"name": "Bar\u{0}", "hourly_wage": "12", "driver": "items"}),
        )
        .await;
    assert_problem(st, &b, 422, "control_characters");
    assert_eq!(b["errors"][0]["field"], "name", "{b}");
    let (st, b) = app
        .post(
            &format!("/api/v1/restaurants/{r2}/labor/time-off"),
            &other,
            json!({"staff_id": s.staff[0], "starts_on": week, "ends_on": week}),
        )
        .await;
    assert_problem(st, &b, 404, "not_found");
    let (st, b) = app
        .post(
            &format!("/api/v1/restaurants/{r2}/labor/staff"),
            &other,
            json!({"name": "Big", "roles": [], "max_week_hours": 1e300}),
        )
        .await;
    assert_problem(st, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "max_week_hours", "{b}");
    let (st, b) = app
        .post(
            &format!("/api/v1/restaurants/{r2}/labor/roles"),
            &other,
            json!({"name": "Bar", "hourly_wage": "12", "driver": "vibes"}),
        )
        .await;
    assert!(st.is_client_error(), "{st} {b}");
}

#[tokio::test]
async fn standards_are_suggested_from_past_shifts_and_sales() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let url = format!("/api/v1/restaurants/{}/labor/roles/suggestions", s.r);
    let (st, b) = app.get(&url, &s.owner).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert!(
        b["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|r| r["suggested_per_labor_hour"].is_null()),
        "no past shifts yet: {b}"
    );
    // Two weeks ago, one cook each day 12:00–16:00 and another 18:00–22:00.
    let today = Utc::now().date_naive();
    let week = today - Duration::days(i64::from(today.weekday().num_days_from_monday()) + 14);
    for day in 0..7 {
        let d = week + Duration::days(day);
        for (who, from, to) in [(0, "12:00", "16:00"), (2, "18:00", "22:00")] {
            let (st, b) = app
                .post(&format!("/api/v1/restaurants/{}/labor/schedule/{week}/shifts", s.r), &s.owner,
                    json!({"staff_id": s.staff[who], "role_id": s.kitchen, "start": format!("{d}T{from}"), "end": format!("{d}T{to}")}))
                .await;
            assert_eq!(st, StatusCode::CREATED, "{b}");
        }
    }
    let (st, b) = app.get(&url, &s.owner).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let kitchen = b["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["role_id"] == s.kitchen.as_str())
        .expect("kitchen")
        .clone();
    // Items per hour in the generated sales (a burger per order, two beers
    // every other order): 28 (12h), 20 (13h), 7 (14h), 12 (18h), 28 (19h),
    // 24 (20h), 8 (21h); 15h has none. One cook on duty each: 49 hours,
    // and the 37th of them sorted (the 75th percentile) is 28.
    assert_eq!(kitchen["hours_seen"], 49, "{kitchen}");
    assert_eq!(kitchen["suggested_per_labor_hour"], 28.0, "{kitchen}");
    let floor = b["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["role_id"] == s.floor.as_str())
        .expect("floor")
        .clone();
    assert!(floor["suggested_per_labor_hour"].is_null());
    let cook = app.register("cook@example.com").await;
    app.add_member(&s.owner, &s.r, &cook, "chef").await;
    let (st, b) = app.get(&url, &cook).await;
    assert_problem(st, &b, 403, "forbidden");
}
