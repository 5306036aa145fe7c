//! Menu items: CRUD, uniqueness, filters and keyset pagination.

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn menu_items_are_created_read_updated_and_deleted() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let id = app
        .create_item(&chef, &r, "Caesar  Salad", "Starters", 12.5)
        .await;
    let path = format!("/api/v1/restaurants/{r}/menu/items/{id}");
    let (s, item) = app.get(&path, &chef).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        item["name"], "Caesar Salad",
        "inner whitespace is collapsed"
    );
    assert_eq!(item["price"], 12.5);
    assert_eq!(item["auto_created"], false);

    let (s, updated) = app
        .call(
            Method::PUT,
            &path,
            Some(&chef.access),
            Some(
                json!({"name": "Caesar Salad", "category": "Salads", "price": 13, "active": false}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{updated}");
    assert_eq!(
        (updated["category"].as_str(), updated["active"].as_bool()),
        (Some("Salads"), Some(false))
    );

    let (s, _) = app
        .call(Method::DELETE, &path, Some(&chef.access), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = app.get(&path, &chef).await;
    assert_problem(s, &b, 404, "not_found");
}

#[tokio::test]
async fn names_are_unique_ignoring_case_and_spacing() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    app.create_item(&chef, &r, "Caesar Salad", "Starters", 12.5)
        .await;
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/menu/items"),
            &chef,
            json!({"name": " caesar   SALAD "}),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");
    assert_eq!(b["errors"][0]["field"], "name");
}

#[tokio::test]
async fn invalid_items_get_field_errors() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/menu/items"),
            &chef,
            json!({"name": "  ", "price": -1}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["name", "price"]);
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/menu/items"),
            &chef,
            json!({"name": "Soup", "colour": "red"}),
        )
        .await;
    assert_problem(s, &b, 422, "invalid_body");
}

#[tokio::test]
async fn listing_pages_through_every_item_once_with_filters_and_totals() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    for (name, cat) in [
        ("Patatas Bravas", "Tapas"),
        ("Croquetas", "Tapas"),
        ("Paella", "Mains"),
        ("Gazpacho", "Starters"),
        ("Tortilla", "Tapas"),
    ] {
        app.create_item(&chef, &r, name, cat, 6.0).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("?limit=2&cursor={c}"),
            None => "?limit=2".to_string(),
        };
        let (s, page) = app
            .get(&format!("/api/v1/restaurants/{r}/menu/items{q}"), &chef)
            .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert_eq!(page["total"], 5);
        for it in page["items"].as_array().expect("items") {
            seen.push(it["name"].as_str().expect("name").to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "Croquetas",
            "Gazpacho",
            "Paella",
            "Patatas Bravas",
            "Tortilla"
        ]
    );
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 5);

    let (_, tapas) = app
        .get(
            &format!("/api/v1/restaurants/{r}/menu/items?category=tapas"),
            &chef,
        )
        .await;
    assert_eq!(tapas["total"], 3);
    let (_, search) = app
        .get(&format!("/api/v1/restaurants/{r}/menu/items?q=PAT"), &chef)
        .await;
    assert_eq!(search["items"][0]["name"], "Patatas Bravas");
    assert_eq!(search["total"], 1);
    let (_, none) = app
        .get(&format!("/api/v1/restaurants/{r}/menu/items?q=%25"), &chef)
        .await;
    assert_eq!(none["total"], 0, "LIKE wildcards in a search are literal");

    for bad in [
        "?limit=0",
        "?limit=500",
        "?limit=abc",
        "?cursor=%21%21",
        "?active=maybe",
    ] {
        let (s, b) = app
            .get(&format!("/api/v1/restaurants/{r}/menu/items{bad}"), &chef)
            .await;
        assert_problem(s, &b, 400, "invalid_query");
    }
}
