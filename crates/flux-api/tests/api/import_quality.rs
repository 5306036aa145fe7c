//! What an upload does with files that are not plain sales lines: numbers
//! too large to be true, report summary rows, money columns it could not
//! place. Each case leaves the stored sales exactly as a person would expect.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{assert_problem, spawn_app, TestApp, User};
use crate::uploads::daily;

async fn setup() -> (TestApp, User, String) {
    let app = spawn_app().await;
    let user = app.register("owner@example.com").await;
    let r = app.create_restaurant(&user, "Bistro").await;
    (app, user, r)
}

async fn menu_names(app: &TestApp, user: &User, r: &str) -> Vec<String> {
    let (s, items) = app
        .get(
            &format!("/api/v1/restaurants/{r}/menu/items?limit=100"),
            user,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{items}");
    let mut names: Vec<String> = items["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

fn errors_by_column(rep: &Value) -> Vec<(u64, String)> {
    rep["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap_or_default(),
                e["column"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

const GOOD: &str = "date,item,quantity,price\n2024-03-01,Soup,3,4.50\n";

/// A quantity of 99999999999 or a price of 10000000000 does not fit any
/// plausible sale (nor the stored precision): each is a row error naming the
/// line and column, never a failed upload.
#[tokio::test]
async fn absurd_quantities_and_prices_are_row_errors_and_store_nothing_of_them() {
    let (app, user, r) = setup().await;
    let (s, rep) = app.upload(&user, &r, "good.csv", GOOD.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    let before = daily(&app, &user, &r).await;

    let bad = "date,item,quantity,price\n\
2024-03-02,Soup,99999999999,4.50\n\
2024-03-02,Stew,2,10000000000\n\
2024-03-02,Bread,-99999999999,1.00\n";
    let (s, b) = app
        .upload(&user, &r, "bad.csv", bad.into(), &[("policy", "strict")])
        .await;
    assert_problem(s, &b, 422, "rows_rejected");
    assert_eq!(
        errors_by_column(&b["report"]),
        [
            (2, "quantity".to_owned()),
            (3, "price".to_owned()),
            (4, "quantity".to_owned())
        ],
        "{b}"
    );
    assert_eq!(
        daily(&app, &user, &r).await,
        before,
        "strict stores nothing"
    );

    // Skipping invalid rows: the file has no valid row left, which is a
    // clear 4xx too, and the stored sales stay as they were.
    let (s, b) = app.upload(&user, &r, "bad.csv", bad.into(), &[]).await;
    assert!(s.is_client_error(), "{s} {b}");
    assert_eq!(daily(&app, &user, &r).await, before);
    assert_eq!(menu_names(&app, &user, &r).await, ["Soup"]);

    // Mixed with good rows, only the good ones are stored.
    let mixed = "order_id,timestamp,item,quantity,unit_price\n\
T1,2024-03-03 12:00:00,Soup,1,4.50\n\
T1,2024-03-03 12:00:00,Stew,99999999999,9.00\n\
T2,2024-03-03 13:00:00,Stew,1,10000000000\n";
    let (s, rep) = app.upload(&user, &r, "mixed.csv", mixed.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(
        (rep["rows_imported"].as_u64(), rep["rows_errored"].as_u64()),
        (Some(1), Some(2)),
        "{rep}"
    );
    let mut want = before.clone();
    want.push(("2024-03-03".into(), 1.0));
    assert_eq!(daily(&app, &user, &r).await, want);
}

/// Subtotal and total rows of a report are counted as skipped, never stored
/// as a dish, and do not inflate the day's totals.
#[tokio::test]
async fn subtotal_and_total_rows_are_skipped_and_counted() {
    let (app, user, r) = setup().await;
    let file = "date,item,quantity,price\n\
2024-03-01,Soup,3,4.50\n\
2024-03-01,Stew,2,9.00\n\
2024-03-01,,5,31.50\n\
2024-03-01,Total (Mains),5,31.50\n\
2024-03-01,TOTAL,5,31.50\n";
    let (s, rep) = app.upload(&user, &r, "report.csv", file.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(rep["rows_imported"], 2, "{rep}");
    assert_eq!(rep["skipped"]["summary_rows"], 3, "{rep}");
    assert_eq!(menu_names(&app, &user, &r).await, ["Soup", "Stew"]);
    assert_eq!(daily(&app, &user, &r).await, [("2024-03-01".into(), 5.0)]);
}

/// Data health names the dishes whose sales carry no money, so a file that
/// lost its revenue does not pass unnoticed.
#[tokio::test]
async fn data_health_names_dishes_sold_without_revenue() {
    let (app, user, r) = setup().await;
    let priced = "date,item,quantity,price\n2024-03-01,Soup,3,4.50\n";
    let unpriced = "date,item,quantity\n2024-03-02,Stew,2\n2024-03-02,Bread,5\n";
    for (name, body) in [("priced.csv", priced), ("unpriced.csv", unpriced)] {
        let (s, rep) = app.upload(&user, &r, name, body.into(), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{rep}");
    }
    let (s, h) = app
        .get(&format!("/api/v1/restaurants/{r}/data/health"), &user)
        .await;
    assert_eq!(s, StatusCode::OK, "{h}");
    let names: Vec<&str> = h["dishes_without_revenue"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert_eq!(names, ["Bread", "Stew"], "{h}");
    assert!(
        h["advice"].as_array().expect("advice").iter().any(|a| a
            .as_str()
            .is_some_and(|a| a.contains("Revenue missing for 2 dish"))),
        "{h}"
    );
}

/// A money column the importer cannot place is named in the preview and in
/// the import report (and so in the stored upload), never dropped silently.
#[tokio::test]
async fn money_columns_left_unused_are_warnings_in_the_preview_and_the_report() {
    let (app, user, r) = setup().await;
    let file = "date,item,quantity,price,Service revenue\n2024-03-01,Soup,3,4.50,2.00\n";
    let (s, p) = app
        .upload_to(&user, &r, "preview", "svc.csv", file.into(), &[])
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["unmapped_columns"][0]["header"], "Service revenue", "{p}");
    assert_eq!(p["unmapped_columns"][0]["kind"], "money", "{p}");
    assert!(p["warnings"][0]
        .as_str()
        .is_some_and(|w| w.contains("Service revenue")));
    let (s, rep) = app.upload(&user, &r, "svc.csv", file.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(rep["unmapped_columns"][0]["header"], "Service revenue");
    let id = rep["upload_id"].as_str().expect("id");
    let (_, stored) = app
        .get(&format!("/api/v1/restaurants/{r}/data/uploads/{id}"), &user)
        .await;
    assert!(stored.to_string().contains("Service revenue"), "{stored}");
}
