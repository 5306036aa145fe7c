//! A restaurant's locale follows its timezone, and one upload can say how
//! its dates are read: `1/5/2025` is 5 January in New York unless the
//! upload says day first.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, json_of, spawn_app, TestApp, User};

/// One ambiguous date: month first reads 5 January, day first 1 May.
const AMBIGUOUS: &str = "date,item,quantity,price\n1/5/2025,Bagel,3,4.00\n";

async fn new_york(app: &TestApp, user: &User) -> String {
    let (s, r) = app
        .post(
            "/api/v1/restaurants",
            user,
            json!({"name": "Lower East Deli", "timezone": "America/New_York"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["locale"], "en-US", "{r}");
    assert_eq!(r["currency"], "USD", "{r}");
    r["id"].as_str().expect("id").to_string()
}

/// Dates and quantities stored for 2025.
async fn days_of_2025(app: &TestApp, user: &User, r: &str) -> Vec<(String, f64)> {
    crate::uploads::daily_in(app, user, r, 2025).await
}

async fn preview(
    app: &TestApp,
    user: &User,
    r: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(AMBIGUOUS.as_bytes().to_vec()).file_name("sales.csv"),
    );
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    let resp = app
        .req(
            Method::POST,
            &format!("/api/v1/restaurants/{r}/data/uploads/preview"),
            Some(&user.access),
        )
        .multipart(form)
        .send()
        .await
        .expect("preview");
    json_of(resp).await
}

#[tokio::test]
async fn a_new_york_restaurant_reads_month_first_unless_the_upload_says_day_first() {
    let app = spawn_app().await;
    let user = app.register("deli@example.com").await;
    let r = new_york(&app, &user).await;

    let (s, rep) = app
        .upload(&user, &r, "sales.csv", AMBIGUOUS.into(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(
        days_of_2025(&app, &user, &r).await,
        [("2025-01-05".into(), 3.0)],
        "en-US reads 1/5 as 5 January: {rep}"
    );

    // Undo, then the same file read day first.
    let id = rep["upload_id"].as_str().expect("upload id");
    let (s, undone) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/restaurants/{r}/data/uploads/{id}"),
            Some(&user.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{undone}");
    let (s, rep) = app
        .upload(
            &user,
            &r,
            "sales.csv",
            AMBIGUOUS.into(),
            &[("date_order", "dmy")],
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(
        days_of_2025(&app, &user, &r).await,
        [("2025-05-01".into(), 3.0)],
        "date_order=dmy reads 1/5 as 1 May: {rep}"
    );
}

#[tokio::test]
async fn the_preview_says_which_date_order_timezone_and_locale_apply_and_why() {
    let app = spawn_app().await;
    let user = app.register("deli@example.com").await;
    let r = new_york(&app, &user).await;

    let (s, p) = preview(&app, &user, &r, &[]).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["date_order_used"], "mdy", "{p}");
    assert_eq!(p["date_order_reason"], "locale", "{p}");
    assert_eq!(p["locale"], "en-US", "{p}");
    assert_eq!(p["timezone"], "America/New_York", "{p}");
    assert_eq!(p["timezone_from"], "restaurant", "{p}");
    assert_eq!(p["rows"][0]["line"]["business_date"], "2025-01-05", "{p}");

    let (s, p) = preview(
        &app,
        &user,
        &r,
        &[("date_order", "dmy"), ("timezone", "Europe/London")],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["date_order_used"], "dmy", "{p}");
    assert_eq!(p["date_order_reason"], "chosen", "{p}");
    assert!(
        p["date_order"]
            .as_str()
            .is_some_and(|d| d.contains("day/month/year")),
        "{p}"
    );
    assert_eq!(p["timezone"], "Europe/London", "{p}");
    assert_eq!(p["timezone_from"], "upload", "{p}");
    assert_eq!(p["rows"][0]["line"]["business_date"], "2025-05-01", "{p}");

    // Evidence in the file is reported as such.
    let mut form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(
            b"date,item,quantity,price\n1/5/2025,Bagel,3,4.00\n25/5/2025,Bagel,1,4.00\n".to_vec(),
        )
        .file_name("may.csv"),
    );
    form = form.text("date_order", "auto");
    let (s, p) = json_of(
        app.req(
            Method::POST,
            &format!("/api/v1/restaurants/{r}/data/uploads/preview"),
            Some(&user.access),
        )
        .multipart(form)
        .send()
        .await
        .expect("preview"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["date_order_used"], "dmy", "{p}");
    assert_eq!(p["date_order_reason"], "file_evidence", "{p}");
}

#[tokio::test]
async fn bad_reading_options_are_problems_naming_the_field_and_store_nothing() {
    let app = spawn_app().await;
    let user = app.register("deli@example.com").await;
    let r = new_york(&app, &user).await;
    for (field, value) in [("date_order", "dym"), ("timezone", "Mars/Olympus")] {
        let (s, b) = app
            .upload(&user, &r, "sales.csv", AMBIGUOUS.into(), &[(field, value)])
            .await;
        assert_problem(s, &b, 422, "validation_failed");
        assert_eq!(b["errors"][0]["field"], field, "{b}");
        let (s, b) = preview(&app, &user, &r, &[(field, value)]).await;
        assert_problem(s, &b, 422, "validation_failed");
        assert_eq!(b["errors"][0]["field"], field, "{b}");
    }
    assert!(days_of_2025(&app, &user, &r).await.is_empty());
}

#[tokio::test]
async fn currency_and_locale_default_from_the_timezone_and_an_owner_can_set_them() {
    let app = spawn_app().await;
    let user = app.register("owner@example.com").await;
    for (timezone, locale, currency) in [
        ("Europe/London", "en-GB", "GBP"),
        ("Asia/Tokyo", "ja-JP", "JPY"),
        ("UTC", "en-001", "USD"),
    ] {
        let (s, r) = app
            .post(
                "/api/v1/restaurants",
                &user,
                json!({"name": "Somewhere", "timezone": timezone, "currency": "", "locale": " "}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(
            (r["locale"].as_str(), r["currency"].as_str()),
            (Some(locale), Some(currency)),
            "{timezone}: {r}"
        );
    }
    let (s, r) = app
        .post(
            "/api/v1/restaurants",
            &user,
            json!({"name": "Tex-Mex", "timezone": "America/New_York", "currency": "mxn", "locale": "es-MX"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(
        (r["locale"].as_str(), r["currency"].as_str()),
        (Some("es-MX"), Some("MXN"))
    );
    let (s, b) = app
        .post(
            "/api/v1/restaurants",
            &user,
            json!({"name": "Bad", "timezone": "America/New_York", "locale": "english!"}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "locale", "{b}");
    let (s, b) = app
        .post(
            "/api/v1/restaurants",
            &user,
            json!({"name": "Bad", "timezone": "Mars/Olympus", "currency": "EURO"}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let fields: Vec<_> = b["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(fields, ["timezone", "currency"], "{b}");
}
