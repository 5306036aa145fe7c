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

#[tokio::test]
async fn an_edit_keeps_the_from_sales_mark_until_the_dish_is_renamed() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let csv = "date,item,quantity,price\n2024-03-01,Caesar Salad,15,12.50\n";
    let (s, rep) = app.upload(&chef, &r, "sales.csv", csv.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    let (_, items) = app
        .get(&format!("/api/v1/restaurants/{r}/menu/items"), &chef)
        .await;
    let id = items["items"][0]["id"].as_str().expect("id");
    let path = format!("/api/v1/restaurants/{r}/menu/items/{id}");

    let (s, priced) = app
        .call(
            Method::PUT,
            &path,
            Some(&chef.access),
            Some(json!({"name": "Caesar Salad", "category": "Starters", "price": 12.5})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{priced}");
    assert_eq!(
        priced["auto_created"], true,
        "a price or category fix does not change where the dish came from"
    );

    let (s, renamed) = app
        .call(
            Method::PUT,
            &path,
            Some(&chef.access),
            Some(json!({"name": "Caesar Salad with Anchovies", "price": 12.5})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{renamed}");
    assert_eq!(
        renamed["auto_created"], false,
        "renaming makes it the operator's"
    );
}

#[tokio::test]
async fn a_taken_name_reads_as_a_sentence_about_the_field() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    app.create_item(&chef, &r, "Tortilla", "Tapas", 7.5).await;
    let other = app.create_item(&chef, &r, "Paella", "Mains", 14.0).await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/restaurants/{r}/menu/items/{other}"),
            Some(&chef.access),
            Some(json!({"name": "  TORTILLA "})),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");
    assert_eq!(b["errors"][0]["field"], "name");
    assert_eq!(b["errors"][0]["code"], "taken");
    assert!(
        b["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("is already used by another dish")),
        "the same words as the dashboard's form: {b}"
    );
}

#[tokio::test]
async fn list_filters_ignore_spaces_around_them() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    app.create_item(&chef, &r, "Croquetas", "Tapas", 6.0).await;
    app.create_item(&chef, &r, "Paella", "Mains", 14.0).await;
    let (s, tapas) = app
        .get(
            &format!("/api/v1/restaurants/{r}/menu/items?category=%20tapas%20"),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{tapas}");
    assert_eq!(tapas["total"], 1, "{tapas}");
    assert_eq!(tapas["items"][0]["name"], "Croquetas");
    let (_, blank) = app
        .get(
            &format!("/api/v1/restaurants/{r}/menu/items?category=%20&q=%20"),
            &chef,
        )
        .await;
    assert_eq!(blank["total"], 2, "blank filters match everything");
}

#[tokio::test]
async fn an_alias_is_checked_and_refused_when_it_already_names_a_dish() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let id = app
        .create_item(&chef, &r, "Caesar Salad", "Starters", 12.5)
        .await;
    app.create_item(&chef, &r, "Tiramisu", "Desserts", 6.0)
        .await;
    let path = format!("/api/v1/restaurants/{r}/menu/items/{id}/aliases");
    let (s, b) = app.post(&path, &chef, json!({"alias": "  "})).await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "alias");
    let (s, b) = app.post(&path, &chef, json!({"alias": " tiramisu"})).await;
    assert_problem(s, &b, 409, "conflict");
    assert_eq!(b["errors"][0]["field"], "alias");
    let (s, b) = app
        .post(&path, &chef, json!({"alias": "Caesar  salad (L)"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["alias"], "Caesar salad (L)");
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/menu/items/{NO_SUCH_ID}/aliases"),
            &chef,
            json!({"alias": "Soup"}),
        )
        .await;
    assert_problem(s, &b, 404, "not_found");
}

/// An id no restaurant has.
const NO_SUCH_ID: &str = "01890000-0000-7000-8000-000000000000";
