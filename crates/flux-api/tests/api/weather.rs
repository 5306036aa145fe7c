//! Weather: fetched from a local fake of Open-Meteo's forecast and archive
//! APIs (the query parameters and JSON they document), imported from
//! files, kept per tenant, and learnt by the forecast, whose explanation
//! then names the effect of rain.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::StatusCode as AxStatus;
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, spawn_app_with, TestApp, User};

/// How the fake answers (0, the default: as Open-Meteo does).
const DOWN: u8 = 1;
const GARBAGE: u8 = 2;

/// One request the fake saw: which API, and its query parameters.
type Call = (String, HashMap<String, String>);

#[derive(Clone, Default)]
struct Fake {
    calls: Arc<Mutex<Vec<Call>>>,
    mode: Arc<AtomicU8>,
}

/// The fake's weather: wet every third day of the year, a temperature
/// with an eleven-day cycle (neither lines up with the week).
fn fake_day(d: NaiveDate) -> (f64, f64, f64) {
    let doy = i64::from(d.ordinal());
    let max = 15.0 + ((doy * 5) % 11) as f64;
    let rain = if doy % 3 == 0 { 6.5 } else { 0.0 };
    (max, max - 8.0, rain)
}

fn is_wet(d: NaiveDate) -> bool {
    fake_day(d).2 >= 1.0
}

fn refusal(reason: &str) -> axum::response::Response {
    (
        AxStatus::BAD_REQUEST,
        axum::Json(json!({"error": true, "reason": reason})),
    )
        .into_response()
}

/// The answer Open-Meteo gives for `daily=...` over `from..=to`.
fn daily(q: &HashMap<String, String>, from: NaiveDate, to: NaiveDate) -> axum::response::Response {
    for p in ["latitude", "longitude", "daily", "timezone"] {
        if !q.contains_key(p) {
            return refusal(&format!("Parameter '{p}' is required"));
        }
    }
    let vars: Vec<&str> = q["daily"].split(',').collect();
    let days: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= to).collect();
    let mut out = serde_json::Map::new();
    out.insert(
        "time".into(),
        json!(days.iter().map(|d| d.to_string()).collect::<Vec<_>>()),
    );
    for v in &vars {
        let col: Vec<Value> = days
            .iter()
            .map(|d| {
                let (max, min, rain) = fake_day(*d);
                match *v {
                    "temperature_2m_max" => json!(max),
                    "temperature_2m_min" => json!(min),
                    "precipitation_sum" => json!(rain),
                    _ => Value::Null,
                }
            })
            .collect();
        out.insert((*v).to_string(), Value::Array(col));
    }
    axum::Json(json!({
        "latitude": q["latitude"].parse::<f64>().unwrap_or(0.0),
        "longitude": q["longitude"].parse::<f64>().unwrap_or(0.0),
        "timezone": q["timezone"],
        "utc_offset_seconds": 3600,
        "daily_units": {"time": "iso8601", "temperature_2m_max": "°C", "temperature_2m_min": "°C", "precipitation_sum": "mm"},
        "daily": out,
    }))
    .into_response()
}

fn local_today(q: &HashMap<String, String>) -> NaiveDate {
    let tz: chrono_tz::Tz = q
        .get("timezone")
        .and_then(|t| t.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    Utc::now().with_timezone(&tz).date_naive()
}

/// Records the call; the failure to answer with, when the fake is set to
/// fail.
fn record(f: &Fake, api: &str, q: &HashMap<String, String>) -> Option<axum::response::Response> {
    f.calls.lock().expect("lock").push((api.into(), q.clone()));
    match f.mode.load(Ordering::SeqCst) {
        DOWN => Some((AxStatus::INTERNAL_SERVER_ERROR, "upstream down").into_response()),
        GARBAGE => Some((AxStatus::OK, "<html>not json</html>").into_response()),
        _ => None,
    }
}

async fn forecast_api(
    State(f): State<Fake>,
    Query(q): Query<HashMap<String, String>>,
) -> axum::response::Response {
    if let Some(failure) = record(&f, "forecast", &q) {
        return failure;
    }
    let num = |k: &str, default: i64| {
        q.get(k)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(default)
    };
    let (past, ahead) = (num("past_days", 0), num("forecast_days", 7));
    if !(0..=92).contains(&past) || !(0..=16).contains(&ahead) {
        return refusal("past_days or forecast_days out of range");
    }
    let today = local_today(&q);
    daily(
        &q,
        today - Duration::days(past),
        today + Duration::days(ahead - 1),
    )
}

async fn archive_api(
    State(f): State<Fake>,
    Query(q): Query<HashMap<String, String>>,
) -> axum::response::Response {
    if let Some(failure) = record(&f, "archive", &q) {
        return failure;
    }
    let date = |k: &str| {
        q.get(k)
            .and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
    };
    let (Some(from), Some(to)) = (date("start_date"), date("end_date")) else {
        return refusal("start_date and end_date are required");
    };
    if to < from || to > local_today(&q) {
        return refusal("end_date out of allowed range");
    }
    daily(&q, from, to)
}

/// The fake, listening on loopback; its base URL.
async fn fake_open_meteo() -> (String, Fake) {
    let fake = Fake::default();
    let app = axum::Router::new()
        .route("/v1/forecast", get(forecast_api))
        .route("/v1/archive", get(archive_api))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), fake)
}

async fn app_with_weather() -> (TestApp, Fake) {
    let (url, fake) = fake_open_meteo().await;
    let app = spawn_app_with(|c| {
        c.weather = Some(flux_app::weather::Provider::new(&url, &url, None).expect("provider"));
    })
    .await;
    (app, fake)
}

async fn locate(app: &TestApp, user: &User, r: &str) {
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/restaurants/{r}/settings"),
            Some(&user.access),
            Some(json!({"latitude": 54.3233, "longitude": 10.1228})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn import(app: &TestApp, user: &User, r: &str, csv: &str) -> (StatusCode, Value) {
    let resp = app
        .req(
            Method::POST,
            &format!("/api/v1/restaurants/{r}/weather/import"),
            Some(&user.access),
        )
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .expect("request");
    crate::helpers::json_of(resp).await
}

fn madrid_today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Madrid)
        .date_naive()
}

#[tokio::test]
async fn rain_learnt_from_fetched_weather_is_named_in_the_forecast() {
    let (app, fake) = app_with_weather().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let today = madrid_today();
    // Four months of soup, 30 % less on wet days.
    let mut csv = String::from("date,item,quantity,price\n");
    for back in (1..=120).rev() {
        let d = today - Duration::days(back);
        let base = 40.0 + (back % 4) as f64;
        let q = if is_wet(d) { base * 0.7 } else { base };
        csv.push_str(&format!("{d},Soup,{},5.00\n", q.round()));
    }
    let (s, rep) = app
        .upload(&chef, &r, "sales.csv", csv.into_bytes(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");

    let refresh = format!("/api/v1/restaurants/{r}/weather/refresh");
    let (s, b) = app.post(&refresh, &chef, json!({})).await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "latitude", "{b}");
    locate(&app, &chef, &r).await;

    let (s, rep) = app.post(&refresh, &chef, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{rep}");
    assert_eq!(
        rep["backfilled"], true,
        "a first fetch fills two years: {rep}"
    );
    assert!(rep["days_stored"].as_u64().unwrap_or(0) > 700, "{rep}");
    {
        let calls = fake.calls.lock().expect("lock");
        let kinds: Vec<&str> = calls.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(kinds, ["archive", "forecast"]);
        let f = &calls[1].1;
        assert_eq!(f["timezone"], "Europe/Madrid");
        assert_eq!(f["latitude"], "54.3233");
        assert_eq!(f["forecast_days"], "16");
        assert!(f["daily"].contains("precipitation_sum"), "{f:?}");
        assert!(!f.contains_key("apikey"), "no key configured, none sent");
    }
    // The second fetch only asks for the recent days and the forecast.
    let (s, rep) = app.post(&refresh, &chef, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{rep}");
    assert_eq!(rep["backfilled"], false);
    assert_eq!(fake.calls.lock().expect("lock").len(), 3);

    let (s, list) = app
        .get(&format!("/api/v1/restaurants/{r}/weather"), &chef)
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let items = list["items"].as_array().expect("items");
    // Four weeks back, then the sixteen forecast days from today on.
    assert_eq!(items.len(), 28 + 16, "{list}");
    assert_eq!(items[0]["source"], "provider");

    let (s, body) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/demand"),
            &chef,
            json!({"menu_item_name": "soup", "days_ahead": 14}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let days = body["forecasts"].as_array().expect("forecasts");
    let date_of = |d: &Value| {
        d["forecast_date"]
            .as_str()
            .or(d["date"].as_str())
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    let (wet, dry): (Vec<&Value>, Vec<&Value>) =
        days.iter().partition(|d| date_of(d).is_some_and(is_wet));
    assert!(!wet.is_empty() && !dry.is_empty(), "{body}");
    for d in &wet {
        let text = d["logic_trigger"].as_str().unwrap_or_default();
        assert!(text.contains("rain -"), "a wet day names rain: {d}");
    }
    let effect = |d: &Value| {
        // "rain -29%": the learnt effect as the explanation states it.
        let t = d["logic_trigger"].as_str().unwrap_or_default();
        t.split("rain ")
            .nth(1)
            .and_then(|r| r.split('%').next())
            .and_then(|n| n.parse::<f64>().ok())
    };
    let learnt = effect(wet[0]).expect("effect");
    assert!(
        (-40.0..=-20.0).contains(&learnt),
        "rain {learnt}% against a truth of -30%"
    );
    assert!(
        dry.iter().all(|d| effect(d).is_none()),
        "dry days name no rain"
    );
}

#[tokio::test]
async fn a_failing_provider_is_a_502_and_stores_nothing() {
    let (app, fake) = app_with_weather().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    locate(&app, &chef, &r).await;
    let refresh = format!("/api/v1/restaurants/{r}/weather/refresh");
    for mode in [DOWN, GARBAGE] {
        fake.mode.store(mode, Ordering::SeqCst);
        let (s, b) = app.post(&refresh, &chef, json!({})).await;
        assert_problem(s, &b, 502, "weather_provider_failed");
        assert!(
            !b["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("latitude="),
            "{b}"
        );
    }
    let (_, list) = app
        .get(&format!("/api/v1/restaurants/{r}/weather"), &chef)
        .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0), "{list}");

    // A server without a provider says so.
    let plain = spawn_app().await;
    let chef = plain.register("chef@example.com").await;
    let r = plain.create_restaurant(&chef, "Bistro").await;
    let (s, b) = plain
        .post(
            &format!("/api/v1/restaurants/{r}/weather/refresh"),
            &chef,
            json!({}),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");
}

#[tokio::test]
async fn imported_days_replace_fetched_ones_and_are_kept_by_later_fetches() {
    let (app, _fake) = app_with_weather().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    locate(&app, &chef, &r).await;
    let today = madrid_today();
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/weather/refresh"),
            &chef,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let y = today - Duration::days(1);
    // Open-Meteo's own CSV download: metadata lines, then the table.
    let csv = format!(
        "latitude,longitude,elevation,utc_offset_seconds,timezone,timezone_abbreviation\n\
         54.32,10.12,5.0,3600,Europe/Madrid,CET\n\n\
         time,temperature_2m_mean (°C),precipitation_sum (mm)\n{y},3.5,12.0\n"
    );
    let (s, rep) = import(&app, &chef, &r, &csv).await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(rep["days_stored"], 1);
    let (s, _) = app
        .post(
            &format!("/api/v1/restaurants/{r}/weather/refresh"),
            &chef,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, list) = app
        .get(
            &format!("/api/v1/restaurants/{r}/weather?from={y}&to={y}"),
            &chef,
        )
        .await;
    assert_eq!(list["items"][0]["source"], "import", "{list}");
    assert_eq!(list["items"][0]["precipitation_mm"], 12.0);
    assert_eq!(list["items"][0]["temperature_c"], 3.5);

    let (s, b) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/restaurants/{r}/weather?from={y}&to={y}"),
            Some(&chef.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["deleted"], 1);
}

#[tokio::test]
async fn bad_weather_files_are_refused_line_by_line_and_store_nothing() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let today = madrid_today();
    let d = |n: i64| today - Duration::days(n);
    let bad = format!(
        "date,temperature_c,precipitation_mm\n{},10,0\n{},hot,0\nsoon,1,1\n{},12,-4\n",
        d(3),
        d(2),
        d(1)
    );
    let (s, b) = import(&app, &chef, &r, &bad).await;
    assert_problem(s, &b, 422, "rows_rejected");
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|x| x["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["line 3", "line 4", "line 5"], "{b}");
    let (s, b) = import(&app, &chef, &r, "item,qty\nsoup,3\n").await;
    assert_problem(s, &b, 422, "unrecognised_layout");
    // NUL bytes and a number no f32 holds are bad lines, not crashes.
    let hostile = format!("date,tavg,prcp\n{}\u{0},1,1\n{},1e40,0\n", d(3), d(2));
    let (s, b) = import(&app, &chef, &r, &hostile).await;
    assert_problem(s, &b, 422, "rows_rejected");
    assert_eq!(b["errors"].as_array().map(Vec::len), Some(2), "{b}");
    // A body past the JSON limit (1 MiB) is refused before it is read.
    let huge = format!("date,prcp\n{}", "x".repeat(2 << 20));
    let (s, b) = import(&app, &chef, &r, &huge).await;
    assert_problem(s, &b, 413, "payload_too_large");
    let (s, b) = import(&app, &chef, &r, "").await;
    assert_problem(s, &b, 422, "empty_file");
    let far = format!("date,prcp\n{},1\n", today + Duration::days(400));
    let (s, b) = import(&app, &chef, &r, &far).await;
    assert_problem(s, &b, 422, "validation_failed");
    let (_, list) = app
        .get(
            &format!(
                "/api/v1/restaurants/{r}/weather?from={}&to={}",
                d(30),
                today
            ),
            &chef,
        )
        .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0), "{list}");

    // Another tenant's restaurant does not exist for this user; a viewer
    // may read but not import.
    let other = app.register("other@example.com").await;
    let (s, b) = import(&app, &other, &r, "date,prcp\n2026-01-01,1\n").await;
    assert_problem(s, &b, 404, "not_found");
    app.add_member(&chef, &r, &other, "viewer").await;
    let (s, b) = import(&app, &other, &r, "date,prcp\n2026-01-01,1\n").await;
    assert_problem(s, &b, 403, "forbidden");
    let (s, _) = app
        .get(&format!("/api/v1/restaurants/{r}/weather"), &other)
        .await;
    assert_eq!(s, StatusCode::OK);
    // A listing is bounded.
    let (s, b) = app
        .get(
            &format!("/api/v1/restaurants/{r}/weather?from=2020-01-01&to=2026-01-01"),
            &chef,
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
}

#[tokio::test]
async fn the_nightly_run_fetches_the_weather_before_it_forecasts() {
    let (url, fake) = fake_open_meteo().await;
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let today = madrid_today();
    let csv: String = std::iter::once("date,item,quantity,price\n".to_string())
        .chain((1..=30).map(|b| format!("{},Soup,20,5.00\n", today - Duration::days(b))))
        .collect();
    let (s, rep) = app
        .upload(&chef, &r, "sales.csv", csv.into_bytes(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    locate(&app, &chef, &r).await;
    for sql in [
        "update jobs set run_at = now() where kind = 'nightly_forecast'",
        "update jobs set status = 'done' where kind <> 'nightly_forecast'",
    ] {
        sqlx::query(sql).execute(&app.pool).await.expect("make due");
    }
    let provider =
        flux_app::weather::Provider::new(&url, &url, Some("k-123".into())).expect("provider");
    let w = flux_jobs::Worker::new(app.pool.clone()).weather(Some(provider));
    let out = w.run_once().await.expect("run").expect("a job");
    assert!(
        matches!(out, flux_jobs::Outcome::Done { ref kind, .. } if kind == "nightly_forecast"),
        "{out:?}"
    );
    let calls = fake.calls.lock().expect("lock").clone();
    assert_eq!(calls.len(), 2, "archive, then the forecast: {calls:?}");
    assert_eq!(calls[0].1["apikey"], "k-123", "a configured key is sent");
    let (_, list) = app
        .get(&format!("/api/v1/restaurants/{r}/weather"), &chef)
        .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(44), "{list}");

    // With the provider down the nightly forecast still runs.
    fake.mode.store(DOWN, Ordering::SeqCst);
    sqlx::query(
        "update jobs set run_at = now() where kind = 'nightly_forecast' and status = 'queued'",
    )
    .execute(&app.pool)
    .await
    .expect("make due");
    let out = w.run_once().await.expect("run").expect("a job");
    assert!(matches!(out, flux_jobs::Outcome::Done { .. }), "{out:?}");
}
