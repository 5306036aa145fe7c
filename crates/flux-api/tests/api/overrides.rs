//! Human oversight of the forecast: a person overrides a dish-day, every
//! reader of forecasts uses it, it is logged, and removing it restores the
//! model; the model card says what the model is and how it has done here.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::forecast::with_history;
use crate::helpers::{assert_problem, TestApp, User};

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Forecasts a week and returns Soup's second day (id, date, model p50).
async fn soup_tomorrow(app: &TestApp, user: &User, r: &str) -> (String, String, f64) {
    let (s, body) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/demand"),
            user,
            json!({"menu_item_name": "Soup", "days_ahead": 7}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let day = &body["forecasts"][1];
    (
        day["menu_item_id"].as_str().expect("id").to_string(),
        day["date"].as_str().expect("date").to_string(),
        num(&day["p50"]),
    )
}

async fn stored_day(app: &TestApp, user: &User, r: &str, item: &str, date: &str) -> Value {
    let (s, b) = app
        .get(
            &format!(
                "/api/v1/restaurants/{r}/forecast/demand?menu_item_id={item}&from={date}&to={date}"
            ),
            user,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["forecasts"][0].clone()
}

#[tokio::test]
async fn an_override_replaces_the_median_everywhere_until_removed() {
    let (app, chef, r) = with_history().await;
    let (item, date, model) = soup_tomorrow(&app, &chef, &r).await;
    let target = (model * 3.0).round() + 10.0;

    let (s, o) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/overrides"),
            &chef,
            json!({"menu_item_id": item, "date": date, "quantity": target, "reason": "party of 40 booked"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    assert_eq!(num(&o["quantity"]), target);
    assert_eq!(num(&o["model_p50"]), model, "what the model said is kept");
    assert_eq!(o["menu_item_name"], "Soup");

    let day = stored_day(&app, &chef, &r, &item, &date).await;
    assert_eq!(num(&day["p50"]), target, "{day}");
    assert_eq!(num(&day["model_p50"]), model);
    assert_eq!(day["override_reason"], "party of 40 booked");
    assert!(
        num(&day["p10"]) <= target
            && target <= num(&day["p90"])
            && num(&day["p90"]) <= num(&day["p99"]),
        "the range moves with the median: {day}"
    );
    assert!(num(&day["p90"]) > target, "a range is kept above: {day}");

    // A later run does not undo a person's decision.
    let (s, again) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/demand"),
            &chef,
            json!({"menu_item_id": item, "days_ahead": 7}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{again}");
    let fresh = again["forecasts"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["date"] == date.as_str()))
        .expect("the day");
    assert_eq!(num(&fresh["p50"]), target, "{fresh}");
    assert_eq!(num(&fresh["override_quantity"]), target);
    assert_eq!(
        num(&stored_day(&app, &chef, &r, &item, &date).await["p50"]),
        target
    );

    // Replacing it keeps one override per day.
    let (s, _) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/overrides"),
            &chef,
            json!({"menu_item_id": item, "date": date, "quantity": target + 1.0, "reason": "party of 41"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, list) = app
        .get(
            &format!("/api/v1/restaurants/{r}/forecast/overrides"),
            &chef,
        )
        .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(num(&list["items"][0]["quantity"]), target + 1.0);

    // Logged with who and before/after (the owner reads the log).
    let (s, log) = app
        .get(
            &format!("/api/v1/restaurants/{r}/audit?entity=forecast_overrides"),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{log}");
    let actions: Vec<&str> = log["items"]
        .as_array()
        .map(|i| i.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(actions, ["update", "insert"], "{log}");
    assert_eq!(log["items"][0]["actor_email"], "chef@example.com");
    assert_eq!(num(&log["items"][0]["before"]["quantity"]), target);

    // Removed: the model's forecast applies again; twice is a 404.
    let path = format!("/api/v1/restaurants/{r}/forecast/overrides/{item}/{date}");
    let (s, _) = app
        .call(Method::DELETE, &path, Some(&chef.access), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let day = stored_day(&app, &chef, &r, &item, &date).await;
    assert_eq!(num(&day["p50"]), model, "{day}");
    assert!(day["override_quantity"].is_null());
    let (s, b) = app
        .call(Method::DELETE, &path, Some(&chef.access), None)
        .await;
    assert_problem(s, &b, 404, "not_found");
}

#[tokio::test]
async fn bad_overrides_are_refused_and_change_nothing() {
    let (app, chef, r) = with_history().await;
    let (item, date, model) = soup_tomorrow(&app, &chef, &r).await;
    let url = format!("/api/v1/restaurants/{r}/forecast/overrides");
    let past = (chrono::Utc::now().date_naive() - chrono::Duration::days(3)).to_string();
    let invalid = "validation_failed";
    for (body, field, code) in [
        (
            json!({"menu_item_id": item, "date": past, "quantity": 5, "reason": "x"}),
            "date",
            invalid,
        ),
        (
            json!({"menu_item_id": item, "date": "2999-01-01", "quantity": 5, "reason": "x"}),
            "date",
            invalid,
        ),
        (
            json!({"menu_item_id": item, "date": date, "quantity": -1, "reason": "x"}),
            "quantity",
            invalid,
        ),
        (
            json!({"menu_item_id": item, "date": date, "quantity": 1e12, "reason": "x"}),
            "quantity",
            invalid,
        ),
        (
            json!({"menu_item_id": item, "date": date, "quantity": 5, "reason": "  "}),
            "reason",
            invalid,
        ),
        (
            json!({"menu_item_id": item, "date": date, "quantity": 5, "reason": "a\u{0}b"}),
            "reason",
            "control_characters",
        ),
        (
            json!({"menu_item_id": item, "date": date, "quantity": 5, "reason": "r".repeat(501)}),
            "reason",
            invalid,
        ),
    ] {
        let (s, b) = app.post(&url, &chef, body.clone()).await;
        assert_problem(s, &b, 422, code);
        assert!(b.to_string().contains(field), "{field} named: {b}");
    }
    for body in [
        json!({"menu_item_id": item, "date": date, "quantity": "lots", "reason": "x"}),
        json!({"menu_item_id": item, "date": "tomorrow", "quantity": 5, "reason": "x"}),
        json!({"menu_item_id": item, "date": date, "quantity": 5, "reason": "x", "extra": 1}),
    ] {
        let (s, b) = app.post(&url, &chef, body).await;
        assert!(s.is_client_error(), "{s}: {b}");
    }

    // Another restaurant's dish, or another restaurant's route: not found.
    let other = app.register("other@example.com").await;
    let theirs = app.create_restaurant(&other, "Elsewhere").await;
    let their_item = app.create_item(&other, &theirs, "Soup", "Soups", 5.0).await;
    let (s, b) = app
        .post(
            &url,
            &chef,
            json!({"menu_item_id": their_item, "date": date, "quantity": 5, "reason": "x"}),
        )
        .await;
    assert_problem(s, &b, 404, "not_found");
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{theirs}/forecast/overrides"),
            &chef,
            json!({"menu_item_id": their_item, "date": date, "quantity": 5, "reason": "x"}),
        )
        .await;
    assert_problem(s, &b, 404, "not_found");
    let (s, b) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/restaurants/{r}/forecast/overrides/{item}/not-a-date"),
            Some(&chef.access),
            None,
        )
        .await;
    assert_problem(s, &b, 404, "not_found");

    // A viewer reads but does not override.
    let viewer = app.register("viewer@example.com").await;
    app.add_member(&chef, &r, &viewer, "viewer").await;
    let (s, b) = app
        .post(
            &url,
            &viewer,
            json!({"menu_item_id": item, "date": date, "quantity": 5, "reason": "x"}),
        )
        .await;
    assert_problem(s, &b, 403, "forbidden");

    let (_, list) = app.get(&url, &chef).await;
    assert_eq!(list["items"], json!([]), "nothing was stored");
    assert_eq!(
        num(&stored_day(&app, &chef, &r, &item, &date).await["p50"]),
        model
    );
}

#[tokio::test]
async fn the_model_card_reports_the_data_its_accuracy_here_and_its_limits() {
    let (app, chef, r) = with_history().await;
    soup_tomorrow(&app, &chef, &r).await;
    let (s, card) = app
        .get(&format!("/api/v1/restaurants/{r}/forecast/model"), &chef)
        .await;
    assert_eq!(s, StatusCode::OK, "{card}");
    assert_eq!(card["model"]["name"], "production");
    assert!(card["model"]["how_it_works"]
        .as_array()
        .is_some_and(|s| s.len() >= 3));
    let data = &card["data"];
    assert_eq!(data["days_with_sales"], 70, "{data}");
    assert_eq!(data["dishes_with_sales"], 2);
    assert_eq!(data["dishes_forecast"], 2);
    assert!(num(&data["units_sold"]) > 1000.0);
    let bt = &card["accuracy"]["backtest"];
    assert_eq!(bt["origins"].as_array().map(Vec::len), Some(4), "{card}");
    assert_eq!(bt["horizon_days"], 7);
    assert_eq!(
        bt["forecasts_scored"], 8,
        "two dishes from four origins: {bt}"
    );
    assert!(bt["days_scored"].as_u64().is_some_and(|d| d >= 40), "{bt}");
    for who in ["model", "baseline"] {
        let m = num(&bt[who]["mase"]);
        assert!(m.is_finite() && m > 0.0, "{who}: {bt}");
    }
    let (model, baseline) = (
        num(&bt["model"]["scaled_pinball"]),
        num(&bt["baseline"]["scaled_pinball"]),
    );
    assert!(
        (num(&bt["improvement_pct"]) - 100.0 * (1.0 - model / baseline)).abs() < 1e-9,
        "the improvement is the two scores' ratio: {bt}"
    );
    assert!(card["limits"].as_array().is_some_and(|l| l.len() >= 4));
    assert!(card["human_oversight"]
        .as_array()
        .is_some_and(|l| !l.is_empty()));

    // A restaurant without sales gets the card, with nothing measured yet.
    let empty = app.create_restaurant(&chef, "New place").await;
    let (s, card) = app
        .get(
            &format!("/api/v1/restaurants/{empty}/forecast/model"),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{card}");
    assert!(card["accuracy"]["backtest"].is_null());
    assert!(card["accuracy"]["backtest_note"].as_str().is_some());
    assert_eq!(card["data"]["days_with_sales"], 0);
}
