//! Forecasts through the API, and the job worker that makes them nightly
//! and after imports.

use chrono::{Datelike, Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app, TestApp, User};

/// Ten weeks of sales up to yesterday: soup sells more at weekends.
pub(crate) fn history() -> String {
    let today = Utc::now().date_naive();
    let mut csv = String::from("date,item,quantity,price\n");
    for back in (1..=70).rev() {
        let d = today - Duration::days(back);
        let weekend = d.weekday().num_days_from_monday() >= 5;
        let soup = if weekend { 30 } else { 12 } + (back % 3) as i32;
        csv.push_str(&format!(
            "{d},Soup,{soup},5.00\n{d},Cake,{},4.00\n",
            3 + back % 2
        ));
    }
    csv
}

pub(crate) async fn with_history() -> (TestApp, User, String) {
    let app = spawn_app().await;
    let user = app.register("chef@example.com").await;
    let r = app.create_restaurant(&user, "Bistro").await;
    let (s, rep) = app
        .upload(&user, &r, "history.csv", history().into_bytes(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    (app, user, r)
}

#[tokio::test]
async fn a_forecast_has_ordered_quantiles_explanations_and_is_stored() {
    let (app, user, r) = with_history().await;
    let (s, body) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/demand"),
            &user,
            json!({"menu_item_name": "soup", "days_ahead": 7}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let days = body["forecasts"].as_array().expect("forecasts");
    assert_eq!(days.len(), 7, "one dish, seven days");
    for d in days {
        let (p10, p50, p90, p99) = (
            d["p10"].as_f64(),
            d["p50"].as_f64(),
            d["p90"].as_f64(),
            d["p99"].as_f64(),
        );
        assert!(p10 <= p50 && p50 <= p90 && p90 <= p99, "{d}");
        assert_eq!(d["menu_item_name"], "Soup");
        assert!(d["logic_trigger"].as_str().is_some_and(|t| !t.is_empty()));
        let c = d["confidence_score"].as_f64().unwrap_or(-1.0);
        assert!((0.0..=1.0).contains(&c));
    }
    // Weekends were busier: the forecast must know.
    let mean_of = |weekend: bool| {
        let v: Vec<f64> = days
            .iter()
            .filter(|d| {
                let date: chrono::NaiveDate = d["date"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .expect("date");
                (date.weekday().num_days_from_monday() >= 5) == weekend
            })
            .filter_map(|d| d["mean"].as_f64())
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(
        mean_of(true) > 1.5 * mean_of(false),
        "weekend {} vs weekday {}",
        mean_of(true),
        mean_of(false)
    );

    let (s, stored) = app
        .get(
            &format!("/api/v1/restaurants/{r}/forecast/demand?limit=5"),
            &user,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{stored}");
    assert_eq!(stored["forecasts"].as_array().map(Vec::len), Some(5));
    assert!(
        stored["next_cursor"].as_str().is_some(),
        "two dishes × 7 days do not fit in 5"
    );
    let (_, runs) = app
        .get(&format!("/api/v1/restaurants/{r}/forecast/runs"), &user)
        .await;
    assert_eq!(runs["items"][0]["trigger"], "api");
    assert_eq!(runs["items"][0]["model"], "production");
    assert_eq!(runs["items"][0]["items"], 2);

    let item = days[0]["menu_item_id"].as_str().expect("id");
    let date = days[0]["date"].as_str().expect("date");
    let (s, why) = app
        .get(
            &format!(
                "/api/v1/restaurants/{r}/forecast/explanation?menu_item_id={item}&date={date}"
            ),
            &user,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{why}");
    assert!(why["explanation"].is_object());
}

#[tokio::test]
async fn every_model_runs_and_bad_requests_are_rejected() {
    let (app, user, r) = with_history().await;
    for model in ["seasonal-naive", "seed", "production"] {
        let (s, b) = app
            .post(
                &format!("/api/v1/restaurants/{r}/forecast/demand"),
                &user,
                json!({"days_ahead": 3, "model": model}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{model}: {b}");
        assert_eq!(b["forecasts"].as_array().map(Vec::len), Some(6), "{model}");
    }
    for bad in [
        json!({"days_ahead": 0}),
        json!({"days_ahead": 91}),
        json!({"model": "crystal-ball"}),
    ] {
        let (s, b) = app
            .post(
                &format!("/api/v1/restaurants/{r}/forecast/demand"),
                &user,
                bad,
            )
            .await;
        assert_problem(s, &b, 422, "validation_failed");
    }
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/demand"),
            &user,
            json!({"menu_item_name": "Unicorn steak"}),
        )
        .await;
    assert_problem(s, &b, 404, "not_found");
}

#[tokio::test]
async fn a_restaurant_without_sales_gets_a_clear_answer() {
    let app = spawn_app().await;
    let user = app.register("chef@example.com").await;
    let r = app.create_restaurant(&user, "Empty").await;
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/demand"),
            &user,
            json!({}),
        )
        .await;
    assert_problem(s, &b, 422, "no_valid_rows");
}

#[tokio::test]
async fn feedback_is_stored_and_listed() {
    let (app, user, r) = with_history().await;
    let (_, body) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/demand"),
            &user,
            json!({"days_ahead": 2}),
        )
        .await;
    let item = body["forecasts"][0]["menu_item_id"]
        .as_str()
        .expect("id")
        .to_string();
    let date = body["forecasts"][0]["date"]
        .as_str()
        .expect("date")
        .to_string();
    let (s, fb) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/feedback"),
            &user,
            json!({"menu_item_id": item, "date": date, "verdict": "too_high", "note": "rain all day"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{fb}");
    assert!(
        fb["forecast_run_id"].as_str().is_some(),
        "feedback is tied to the forecast it judges"
    );
    let (_, list) = app
        .get(&format!("/api/v1/restaurants/{r}/forecast/feedback"), &user)
        .await;
    assert_eq!(list["items"][0]["note"], "rain all day");
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/feedback"),
            &user,
            json!({"menu_item_id": item, "date": date, "verdict": "meh"}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
}

#[tokio::test]
async fn accuracy_compares_stored_forecasts_with_the_sales_that_followed() {
    let (app, user, r) = with_history().await;
    let rid: uuid::Uuid = r.parse().expect("uuid");
    // A run made three weeks ago, as if it had happened then.
    let as_of = Utc::now().date_naive() - Duration::days(21);
    flux_app::forecasts::run(
        &app.pool,
        rid,
        &flux_app::forecasts::RunOptions {
            model: flux_forecast::ModelKind::Production,
            horizon: Some(14),
            as_of: Some(as_of),
            trigger: flux_app::forecasts::Trigger::Cli,
            user_id: None,
        },
    )
    .await
    .expect("backdated run");
    let (s, acc) = app
        .get(&format!("/api/v1/restaurants/{r}/forecast/accuracy"), &user)
        .await;
    assert_eq!(s, StatusCode::OK, "{acc}");
    assert_eq!(
        acc["restaurant"]["days"], 28,
        "2 dishes × 14 past days: {acc}"
    );
    let mase = acc["restaurant"]["mase"].as_f64().expect("mase");
    assert!(mase > 0.0 && mase < 2.0, "{acc}");
    let soup = acc["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["name"] == "Soup")
        .expect("soup");
    assert!(
        soup["coverage_80"].as_f64().is_some(),
        "soup sells ≥ 5/day, so coverage is scored"
    );
}

#[tokio::test]
async fn imports_queue_a_forecast_that_the_worker_runs_once() {
    let (app, user, r) = with_history().await;
    let counts = flux_store::jobs::counts(&app.pool).await.expect("counts");
    assert!(
        counts.contains(&("forecast".into(), "queued".into(), 1)),
        "{counts:?}"
    );
    assert!(
        counts.contains(&("nightly_forecast".into(), "queued".into(), 1)),
        "{counts:?}"
    );
    // Two workers race; the forecast job runs exactly once.
    let w1 = flux_jobs::Worker::new(app.pool.clone());
    let w2 = flux_jobs::Worker::new(app.pool.clone());
    let (a, b) = tokio::join!(w1.run_once(), w2.run_once());
    let ran: Vec<_> = [a.expect("w1"), b.expect("w2")]
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(ran.len(), 1, "one due job, one run: {ran:?}");
    assert!(matches!(&ran[0], flux_jobs::Outcome::Done { kind, .. } if kind == "forecast"));
    assert!(
        w1.run_once().await.expect("idle").is_none(),
        "the nightly job is not due yet"
    );
    let (_, runs) = app
        .get(&format!("/api/v1/restaurants/{r}/forecast/runs"), &user)
        .await;
    assert_eq!(runs["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(runs["items"][0]["trigger"], "import");
}

#[tokio::test]
async fn the_nightly_job_runs_at_two_local_and_schedules_the_next_night() {
    let (app, _user, r) = with_history().await;
    let due: chrono::DateTime<Utc> =
        sqlx::query_scalar("select run_at from jobs where kind = 'nightly_forecast'")
            .fetch_one(&app.pool)
            .await
            .expect("nightly job");
    let local = due.with_timezone(&chrono_tz::Europe::Madrid);
    assert_eq!(
        chrono::Timelike::hour(&local),
        2,
        "02:00 in the restaurant's timezone"
    );
    assert!(due > Utc::now() && due <= Utc::now() + Duration::hours(25));
    // Make it due now, run it, and a new one is queued for the next night.
    for sql in [
        "update jobs set run_at = now() where kind = 'nightly_forecast'",
        "update jobs set status = 'done' where kind = 'forecast'",
    ] {
        sqlx::query(sql).execute(&app.pool).await.expect("make due");
    }
    let w = flux_jobs::Worker::new(app.pool.clone());
    let out = w.run_once().await.expect("run").expect("a job");
    assert!(
        matches!(out, flux_jobs::Outcome::Done { ref kind, .. } if kind == "nightly_forecast"),
        "{out:?}"
    );
    let next: Vec<(String, chrono::DateTime<Utc>)> = sqlx::query_as(
        "select status, run_at from jobs where kind = 'nightly_forecast' order by created_at",
    )
    .fetch_all(&app.pool)
    .await
    .expect("jobs");
    assert_eq!(next.len(), 2);
    assert_eq!(next[0].0, "done");
    assert_eq!(next[1].0, "queued");
    assert!(next[1].1 > Utc::now());
    let _ = r;
}

#[tokio::test]
async fn failing_jobs_are_retried_with_backoff_then_given_up() {
    let app = spawn_app().await;
    let mut conn = app.pool.acquire().await.expect("conn");
    // A job whose payload cannot run.
    flux_store::jobs::enqueue(
        &mut conn,
        "forecast",
        &json!({"trigger": "api"}),
        None,
        Utc::now(),
    )
    .await
    .expect("enqueue");
    sqlx::query("update jobs set max_attempts = 2")
        .execute(&mut *conn)
        .await
        .expect("limit");
    let w = flux_jobs::Worker::new(app.pool.clone());
    let first = w.run_once().await.expect("run").expect("job");
    assert!(
        matches!(first, flux_jobs::Outcome::Retry { in_secs: 10, .. }),
        "{first:?}"
    );
    assert!(
        w.run_once().await.expect("run").is_none(),
        "not due again before the backoff"
    );
    sqlx::query("update jobs set run_at = now()")
        .execute(&mut *conn)
        .await
        .expect("due");
    let second = w.run_once().await.expect("run").expect("job");
    assert!(
        matches!(second, flux_jobs::Outcome::Failed { .. }),
        "{second:?}"
    );
    let status: String = sqlx::query_scalar("select status from jobs")
        .fetch_one(&mut *conn)
        .await
        .expect("status");
    assert_eq!(status, "failed");
}

#[tokio::test]
async fn the_restaurant_total_is_stored_and_equals_the_sum_of_its_dishes() {
    let (app, user, r) = with_history().await;
    let (s, body) = app
        .get(&format!("/api/v1/restaurants/{r}/forecast/totals"), &user)
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body["forecast_run_id"].is_null() && body["restaurant"] == json!([]));

    let (s, run) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/demand"),
            &user,
            json!({"days_ahead": 7}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{run}");
    let (s, totals) = app
        .get(&format!("/api/v1/restaurants/{r}/forecast/totals"), &user)
        .await;
    assert_eq!(s, StatusCode::OK, "{totals}");
    assert_eq!(totals["forecast_run_id"], run["forecast_run_id"]);
    let days = totals["restaurant"].as_array().expect("days");
    assert_eq!(days.len(), 7);
    // Soup and Cake have no category: the total is the only upper level.
    assert_eq!(totals["categories"], json!([]));
    let dishes = run["forecasts"].as_array().expect("forecasts");
    for d in days {
        let date = d["date"].as_str().expect("date");
        let sum: f64 = dishes
            .iter()
            .filter(|f| f["date"] == date)
            .filter_map(|f| f["mean"].as_f64())
            .sum();
        let mean = d["mean"].as_f64().expect("mean");
        assert!(
            (sum - mean).abs() < 1e-6 * mean.max(1.0),
            "{date}: {sum} vs {mean}"
        );
        let q: Vec<f64> = ["p10", "p50", "p90", "p99"]
            .iter()
            .filter_map(|k| d[*k].as_f64())
            .collect();
        assert!(q.windows(2).all(|w| w[0] <= w[1]), "{d}");
    }
    let first = days[0]["date"].as_str().expect("date");
    let (_, one) = app
        .get(
            &format!("/api/v1/restaurants/{r}/forecast/totals?from={first}&to={first}"),
            &user,
        )
        .await;
    assert_eq!(one["restaurant"].as_array().map(Vec::len), Some(1));
    let (s, b) = app
        .get(
            &format!("/api/v1/restaurants/{r}/forecast/totals?from=2026-02-02&to=2026-02-01"),
            &user,
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let (s, b) = app
        .get(
            &format!("/api/v1/restaurants/{r}/forecast/totals?from=yesterday"),
            &user,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
}

#[tokio::test]
async fn another_tenants_forecasts_are_not_found() {
    let (app, _user, r) = with_history().await;
    let other = app.register("other@example.com").await;
    app.create_restaurant(&other, "Elsewhere").await;
    for (m, path, body) in [
        (Method::POST, "forecast/demand", Some(json!({}))),
        (Method::GET, "forecast/demand", None),
        (Method::GET, "forecast/runs", None),
        (Method::GET, "forecast/totals", None),
        (Method::GET, "forecast/accuracy", None),
        (Method::GET, "forecast/feedback", None),
    ] {
        let (s, b) = app
            .call(
                m,
                &format!("/api/v1/restaurants/{r}/{path}"),
                Some(&other.access),
                body,
            )
            .await;
        assert_problem(s, &b, 404, "not_found");
    }
}

async fn model_card(app: &TestApp, user: &User, r: &str) -> serde_json::Value {
    let (s, card) = app
        .get(&format!("/api/v1/restaurants/{r}/forecast/model"), user)
        .await;
    assert_eq!(s, StatusCode::OK, "{card}");
    card
}

#[tokio::test]
async fn the_nightly_run_tracks_accuracy_over_time_on_the_model_card() {
    let (app, user, r) = with_history().await;
    let rid: uuid::Uuid = r.parse().expect("uuid");
    assert_eq!(
        model_card(&app, &user, &r).await["accuracy"]["tracked"],
        json!([]),
        "nothing tracked before a nightly run"
    );
    // Forecasts made three weeks ago for two weeks, so the nightly run has
    // past forecast days with sales to score.
    flux_app::forecasts::run(
        &app.pool,
        rid,
        &flux_app::forecasts::RunOptions {
            model: flux_forecast::ModelKind::Production,
            horizon: Some(14),
            as_of: Some(Utc::now().date_naive() - Duration::days(21)),
            trigger: flux_app::forecasts::Trigger::Cli,
            user_id: None,
        },
    )
    .await
    .expect("backdated run");
    let mut tx = app.pool.begin().await.expect("tx");
    flux_store::jobs::bring_forward(&mut tx, &format!("nightly:{rid}"))
        .await
        .expect("bring forward");
    tx.commit().await.expect("commit");
    let worker = flux_jobs::Worker::new(app.pool.clone());
    let mut ran = Vec::new();
    while let Some(outcome) = worker.run_once().await.expect("worker") {
        ran.push(outcome);
    }
    assert!(
        ran.iter().any(
            |o| matches!(o, flux_jobs::Outcome::Done { kind, .. } if kind == "nightly_forecast")
        ),
        "{ran:?}"
    );

    let card = model_card(&app, &user, &r).await;
    let tracked = card["accuracy"]["tracked"].as_array().expect("tracked");
    assert_eq!(tracked.len(), 1, "one night, one snapshot: {card}");
    let snap = &tracked[0];
    assert_eq!(snap["window_days"], 28);
    assert_eq!(snap["dish_days"], 28, "2 dishes × 14 scored days: {snap}");
    // The snapshot is the live report over the same days.
    let (_, acc) = app
        .get(&format!("/api/v1/restaurants/{r}/forecast/accuracy"), &user)
        .await;
    for k in ["mae", "mase", "coverage_80"] {
        let (a, b) = (
            snap[k].as_f64().expect("tracked value"),
            acc["restaurant"][k].as_f64().expect("live value"),
        );
        assert!((a - b).abs() < 1e-9, "{k}: {a} vs {b}");
    }
    // Another night on the same day replaces, never duplicates.
    let again = flux_app::forecasts::accuracy::track(&app.pool, rid)
        .await
        .expect("track")
        .expect("a snapshot");
    assert_eq!(again.dish_days, 28);
    let (_, card) = app
        .get(&format!("/api/v1/restaurants/{r}/forecast/model"), &user)
        .await;
    assert_eq!(
        card["accuracy"]["tracked"].as_array().map(Vec::len),
        Some(1)
    );
}
