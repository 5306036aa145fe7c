//! Sold-out days (censored demand): marked by a chef, inferred from the
//! times of sales, listed, and read by the forecast as lower bounds.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::forecast::with_history;
use crate::helpers::{assert_problem, spawn_app};

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

async fn soup_id(app: &crate::helpers::TestApp, user: &crate::helpers::User, r: &str) -> String {
    let (_, items) = app
        .get(&format!("/api/v1/restaurants/{r}/menu/items?q=soup"), user)
        .await;
    items["items"][0]["id"].as_str().expect("soup").to_string()
}

/// The mean forecast of Soup over the next week, from a fresh run.
async fn soup_week(app: &crate::helpers::TestApp, user: &crate::helpers::User, r: &str) -> f64 {
    let (s, body) = app
        .post(
            &format!("/api/v1/restaurants/{r}/forecast/demand"),
            user,
            json!({"menu_item_name": "soup", "days_ahead": 7}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["forecasts"]
        .as_array()
        .expect("forecasts")
        .iter()
        .map(|d| num(&d["p50"]))
        .sum::<f64>()
}

#[tokio::test]
async fn marked_sold_out_days_raise_the_forecast_and_are_listed_audited_and_removable() {
    let (app, chef, r) = with_history().await;
    let soup = soup_id(&app, &chef, &r).await;
    let before = soup_week(&app, &chef, &r).await;
    let url = format!("/api/v1/restaurants/{r}/forecast/stockouts");

    // Soup ran out on every day of the last three weeks.
    let today = Utc::now().date_naive();
    for back in 1..=21 {
        let date = today - Duration::days(back);
        let (s, b) = app
            .post(
                &url,
                &chef,
                json!({"menu_item_id": soup, "date": date, "note": "gone by 9 pm"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["menu_item_name"], "Soup");
    }
    let after = soup_week(&app, &chef, &r).await;
    assert!(
        after > before * 1.03,
        "sales on sold-out days are lower bounds: {before} → {after}"
    );
    let (_, card) = app
        .get(&format!("/api/v1/restaurants/{r}/forecast/model"), &chef)
        .await;
    assert_eq!(card["data"]["sold_out_days"], 21, "{}", card["data"]);

    let (s, list) = app.get(&format!("{url}?menu_item_id={soup}"), &chef).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 21);
    assert_eq!(items[0]["source"], "marked");
    assert_eq!(items[0]["note"], "gone by 9 pm");
    assert_eq!(
        items[0]["date"],
        (today - Duration::days(1)).to_string(),
        "newest first"
    );
    let (_, log) = app
        .get(
            &format!("/api/v1/restaurants/{r}/audit?entity=stockouts&limit=5"),
            &chef,
        )
        .await;
    assert_eq!(log["items"].as_array().map(Vec::len), Some(5), "{log}");

    let day = (today - Duration::days(1)).to_string();
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("{url}/{soup}/{day}"),
            Some(&chef.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = app
        .call(
            Method::DELETE,
            &format!("{url}/{soup}/{day}"),
            Some(&chef.access),
            None,
        )
        .await;
    assert_problem(s, &b, 404, "not_found");
    let (_, list) = app.get(&url, &chef).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(20));
}

#[tokio::test]
async fn a_sold_out_day_is_a_day_that_has_come_of_this_restaurants_dish() {
    let (app, chef, r) = with_history().await;
    let soup = soup_id(&app, &chef, &r).await;
    let url = format!("/api/v1/restaurants/{r}/forecast/stockouts");
    let tomorrow = (Utc::now().date_naive() + Duration::days(2)).to_string();
    let (s, b) = app
        .post(&url, &chef, json!({"menu_item_id": soup, "date": tomorrow}))
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "date", "{b}");
    let yesterday = (Utc::now().date_naive() - Duration::days(1)).to_string();
    for body in [
        json!({"menu_item_id": soup, "date": yesterday, "note": "a\u{0}b"}),
        json!({"menu_item_id": soup, "date": yesterday, "note": "x".repeat(501)}),
        json!({"menu_item_id": soup, "date": "yesterday"}),
        json!({"menu_item_id": soup, "date": yesterday, "extra": true}),
    ] {
        let (s, b) = app.post(&url, &chef, body).await;
        assert!(s.is_client_error(), "{s}: {b}");
    }
    let other = app.register("other@example.com").await;
    let theirs = app.create_restaurant(&other, "Elsewhere").await;
    let their_item = app.create_item(&other, &theirs, "Soup", "Soups", 5.0).await;
    let (s, b) = app
        .post(
            &url,
            &chef,
            json!({"menu_item_id": their_item, "date": yesterday}),
        )
        .await;
    assert_problem(s, &b, 404, "not_found");
    let viewer = app.register("viewer@example.com").await;
    app.add_member(&chef, &r, &viewer, "viewer").await;
    let (s, b) = app
        .post(
            &url,
            &viewer,
            json!({"menu_item_id": soup, "date": yesterday}),
        )
        .await;
    assert_problem(s, &b, 403, "forbidden");
    let (_, list) = app.get(&url, &chef).await;
    assert_eq!(list["items"], json!([]), "nothing was stored");
    let (s, b) = app
        .get(&format!("{url}?from=2026-05-02&to=2026-05-01"), &chef)
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    for q in [
        "from=2026-02-30",
        "menu_item_id=not-a-uuid",
        "to=%00",
        "from=99999999-01-01",
    ] {
        let (s, b) = app.get(&format!("{url}?{q}"), &chef).await;
        assert!(s.is_client_error(), "{q}: {s} {b}");
    }
    // Another restaurant's dish id lists nothing of theirs.
    let (s, b) = app
        .get(&format!("{url}?menu_item_id={their_item}"), &chef)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["items"], json!([]));
}

/// Three weeks of timed sales: Paella and Wine sell from noon to ten at
/// night, except on three days when Paella's last sale is at two.
fn timed_sales(today: NaiveDate) -> (String, Vec<NaiveDate>) {
    let mut csv = String::from("order_id,timestamp,item,quantity,unit_price\n");
    let mut gone = Vec::new();
    let mut order = 0;
    for back in (1..=21).rev() {
        let d = today - Duration::days(back);
        let early = matches!(back, 4 | 9 | 15);
        if early {
            gone.push(d);
        }
        for hour in 12..=22 {
            order += 1;
            csv.push_str(&format!("T{order},{d} {hour}:15:00,Wine,1,5.00\n"));
            if hour <= 14 || !early {
                order += 1;
                csv.push_str(&format!("T{order},{d} {hour}:40:00,Paella,2,14.00\n"));
            }
        }
        // A weekday-only dish sold at lunch: a long gap every day is its
        // habit, not a sell-out.
        if d.weekday().num_days_from_monday() < 5 {
            order += 1;
            csv.push_str(&format!("T{order},{d} 13:05:00,Lunch menu,4,11.00\n"));
        }
    }
    (csv, gone)
}

#[tokio::test]
async fn days_a_dish_stopped_selling_hours_before_the_rest_are_inferred_sold_out() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    // Europe/Madrid is the restaurant's default timezone; the file's times
    // are local, so "today" is the restaurant's.
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Madrid)
        .date_naive();
    let (csv, gone) = timed_sales(today);
    let (s, rep) = app
        .upload(&chef, &r, "orders.csv", csv.into_bytes(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");

    let (s, list) = app
        .get(
            &format!("/api/v1/restaurants/{r}/forecast/stockouts"),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let items = list["items"].as_array().expect("items");
    let found: Vec<(String, String, String)> = items
        .iter()
        .map(|i| {
            (
                i["menu_item_name"].as_str().unwrap_or_default().to_string(),
                i["date"].as_str().unwrap_or_default().to_string(),
                i["source"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let mut want: Vec<(String, String, String)> = gone
        .iter()
        .rev()
        .map(|d| ("Paella".to_string(), d.to_string(), "inferred".to_string()))
        .collect();
    want.sort_by(|a, b| b.1.cmp(&a.1));
    assert_eq!(found, want, "only Paella's early days: {list}");
}
