//! The restaurant's calendar of events: entered, listed, removed, audited,
//! and learnt by the forecast as labelled special days.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn an_event_seen_before_lifts_the_forecast_of_its_next_occurrence() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Madrid)
        .date_naive();
    // Ten weeks of steady soup; on four earlier market days it sold double.
    let market_days = [10, 24, 38, 52];
    let mut csv = String::from("date,item,quantity,price\n");
    for back in (1..=70).rev() {
        let d = today - Duration::days(back);
        let q = if market_days.contains(&back) {
            40
        } else {
            20 + back % 3
        };
        csv.push_str(&format!("{d},Soup,{q},5.00\n"));
    }
    let (s, rep) = app
        .upload(&chef, &r, "sales.csv", csv.into_bytes(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    let url = format!("/api/v1/restaurants/{r}/events");
    let next = today + Duration::days(3);
    for day in market_days
        .iter()
        .map(|b| today - Duration::days(*b))
        .chain([next])
    {
        let (s, b) = app
            .post(
                &url,
                &chef,
                json!({"name": "Street market", "starts_on": day, "ends_on": day}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["name"], "Street market");
    }

    let (s, body) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/demand"),
            &chef,
            json!({"menu_item_name": "soup", "days_ahead": 7}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let days = body["forecasts"].as_array().expect("forecasts");
    let p50 = |d: &serde_json::Value| d["p50"].as_f64().unwrap_or(f64::NAN);
    let (market, others): (Vec<_>, Vec<_>) = days
        .iter()
        .partition(|d| d["forecast_date"] == next.to_string() || d["date"] == next.to_string());
    assert_eq!(market.len(), 1, "{body}");
    let usual = others.iter().map(|d| p50(d)).sum::<f64>() / others.len() as f64;
    assert!(
        p50(market[0]) > 1.4 * usual,
        "the market day is forecast higher: {} vs {usual}",
        p50(market[0])
    );
    assert!(
        market[0]["logic_trigger"]
            .as_str()
            .is_some_and(|t| t.contains("special day +")),
        "the explanation names the effect: {}",
        market[0]
    );

    let (s, list) = app.get(&url, &chef).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 5);
    assert_eq!(
        items[0]["starts_on"],
        (today - Duration::days(52)).to_string(),
        "soonest first"
    );
    let (_, log) = app
        .get(
            &format!("/api/v1/restaurants/{r}/audit?entity=restaurant_events"),
            &chef,
        )
        .await;
    assert_eq!(log["items"].as_array().map(Vec::len), Some(5), "{log}");

    let id = items[4]["id"].as_str().expect("id");
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("{url}/{id}"),
            Some(&chef.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = app
        .call(
            Method::DELETE,
            &format!("{url}/{id}"),
            Some(&chef.access),
            None,
        )
        .await;
    assert_problem(s, &b, 404, "not_found");
}

#[tokio::test]
async fn events_are_validated_and_belong_to_their_restaurant() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let url = format!("/api/v1/restaurants/{r}/events");
    let today = Utc::now().date_naive();
    let (s, b) = app
        .post(
            &url,
            &chef,
            json!({"name": " ", "starts_on": today, "ends_on": today - Duration::days(1)}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["name", "ends_on"], "{b}");
    for body in [
        json!({"name": "Too long", "starts_on": today, "ends_on": today + Duration::days(40)}),
        json!({"name": "a\u{0}b", "starts_on": today, "ends_on": today}),
        json!({"name": "x".repeat(101), "starts_on": today, "ends_on": today}),
        json!({"name": "Bad", "starts_on": "soon", "ends_on": today}),
        json!({"name": "Extra", "starts_on": today, "ends_on": today, "x": 1}),
    ] {
        let (s, b) = app.post(&url, &chef, body).await;
        assert!(s.is_client_error(), "{s}: {b}");
    }
    let other = app.register("other@example.com").await;
    let theirs = app.create_restaurant(&other, "Elsewhere").await;
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{theirs}/events"),
            &other,
            json!({"name": "Their fair", "starts_on": today, "ends_on": today}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let their_event = b["id"].as_str().expect("id").to_string();
    let (s, b) = app
        .call(
            Method::DELETE,
            &format!("{url}/{their_event}"),
            Some(&chef.access),
            None,
        )
        .await;
    assert_problem(s, &b, 404, "not_found");
    let viewer = app.register("viewer@example.com").await;
    app.add_member(&chef, &r, &viewer, "viewer").await;
    let (s, b) = app
        .post(
            &url,
            &viewer,
            json!({"name": "Fair", "starts_on": today, "ends_on": today}),
        )
        .await;
    assert_problem(s, &b, 403, "forbidden");
    let (_, list) = app.get(&url, &chef).await;
    assert_eq!(list["items"], json!([]), "nothing was stored here");
    // The period asked for: in order, and real dates.
    let (s, b) = app
        .get(&format!("{url}?from=2026-05-02&to=2026-05-01"), &chef)
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "from", "{b}");
    for q in [
        "from=2026-13-01",
        "to=yesterday",
        "from=%00",
        "to=99999999-01-01",
    ] {
        let (s, b) = app.get(&format!("{url}?{q}"), &chef).await;
        assert!(s.is_client_error(), "{q}: {s} {b}");
    }
    let (_, theirs_list) = app
        .get(&format!("/api/v1/restaurants/{theirs}/events"), &other)
        .await;
    assert_eq!(theirs_list["items"].as_array().map(Vec::len), Some(1));
}
