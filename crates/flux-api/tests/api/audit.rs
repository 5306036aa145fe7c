//! The audit log: every write to what people edit is recorded by the
//! database with who, when, which row, before and after; owners read it
//! with filters and pages; old entries are swept by the retention setting.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, TestApp, User};

async fn audit(app: &TestApp, user: &User, r: &str, query: &str) -> (StatusCode, Value) {
    app.get(&format!("/api/v1/restaurants/{r}/audit{query}"), user)
        .await
}

#[tokio::test]
async fn audit_records_who_changed_what_with_before_and_after() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let item = app.create_item(&owner, &r, "Paella", "Mains", 14.0).await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/restaurants/{r}/menu/items/{item}"),
            Some(&owner.access),
            Some(json!({"name": "Paella", "category": "Mains", "price": 15.5})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/restaurants/{r}/settings"),
            Some(&owner.access),
            Some(json!({"service_level": 0.95})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/restaurants/{r}/menu/items/{item}"),
            Some(&owner.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    let (s, page) = audit(&app, &owner, &r, "?entity=menu_items").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let items = page["items"].as_array().expect("items");
    let actions: Vec<&str> = items.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        actions,
        ["delete", "update", "insert"],
        "newest first: {page}"
    );
    let update = &items[1];
    assert_eq!(update["entity_key"], json!({"menu_item_id": item}));
    assert_eq!(update["actor_email"], "owner@example.com");
    assert_eq!(update["before"]["price"], json!(14.0));
    assert_eq!(update["after"]["price"], json!(15.5));
    assert!(items[0]["after"].is_null() && items[0]["before"]["name"] == "Paella");

    let (_, settings) = audit(&app, &owner, &r, "?entity=settings&action=update").await;
    let change = settings["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["entity_key"]["key"] == "service_level")
        .cloned()
        .expect("the service level change");
    assert_eq!(
        (
            change["before"]["value"].clone(),
            change["after"]["value"].clone()
        ),
        (json!(0.9), json!(0.95))
    );
    // Creating the restaurant is there too, by its creator.
    let (_, created) = audit(&app, &owner, &r, "?entity=restaurants&action=insert").await;
    assert_eq!(created["items"][0]["after"]["name"], "Bistro");
}

#[tokio::test]
async fn audit_is_for_owners_of_this_restaurant_only_and_never_holds_secrets() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let manager = app.register("manager@example.com").await;
    let outsider = app.register("outsider@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    app.add_member(&owner, &r, &manager, "manager").await;
    let (s, b) = audit(&app, &manager, &r, "").await;
    assert_problem(s, &b, 403, "forbidden");
    let (s, b) = audit(&app, &outsider, &r, "").await;
    assert_problem(s, &b, 404, "not_found");

    let (_, page) = audit(&app, &owner, &r, "?entity=invitations").await;
    let text = page.to_string();
    assert!(text.contains("manager@example.com"), "{page}");
    assert!(
        !text.contains("token_hash"),
        "token hashes are never copied: {page}"
    );
    // The invitee's acceptance is theirs, and their membership is logged.
    let (_, members) = audit(&app, &owner, &r, "?entity=memberships&action=insert").await;
    assert!(
        members["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|e| e["actor_email"] == "manager@example.com"),
        "{members}"
    );
}

#[tokio::test]
async fn audit_pages_and_filters_are_checked() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    for n in 0..5 {
        app.create_item(&owner, &r, &format!("Dish {n}"), "Mains", 10.0)
            .await;
    }
    let mut seen = Vec::new();
    let mut query = "?entity=menu_items&limit=2".to_string();
    loop {
        let (s, page) = audit(&app, &owner, &r, &query).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= 2);
        seen.extend(items.iter().filter_map(|e| e["id"].as_i64()));
        match page["next_cursor"].as_str() {
            Some(c) => query = format!("?entity=menu_items&limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5, "{seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "strictly newest first, no repeats: {seen:?}"
    );

    let (s, b) = audit(&app, &owner, &r, "?entity=users").await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "entity");
    let (s, b) = audit(&app, &owner, &r, "?action=drop").await;
    assert_problem(s, &b, 422, "validation_failed");
    let (s, b) = audit(
        &app,
        &owner,
        &r,
        "?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z",
    )
    .await;
    assert_problem(s, &b, 422, "validation_failed");
    let (s, b) = audit(&app, &owner, &r, "?since=yesterday").await;
    assert_problem(s, &b, 400, "invalid_query");
    let (s, b) = audit(&app, &owner, &r, "?cursor=bogus").await;
    assert_problem(s, &b, 400, "invalid_query");
    let (s, page) = audit(&app, &owner, &r, "?since=2999-01-01T00:00:00Z").await;
    assert_eq!(
        (s, page["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(0))
    );
}

#[tokio::test]
async fn audit_an_upload_is_one_entry_not_one_per_sale_line() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let mut csv = String::from("date,item,quantity,price\n");
    for d in 1..=28 {
        csv.push_str(&format!(
            "2025-02-{d:02},Tea,3,2.50\n2025-02-{d:02},Scone,2,3.00\n"
        ));
    }
    let (s, b) = app
        .upload(&owner, &r, "feb.csv", csv.into_bytes(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (_, page) = audit(&app, &owner, &r, "?limit=200").await;
    let entities: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["entity"].as_str())
        .collect();
    assert_eq!(
        entities.iter().filter(|e| **e == "data_uploads").count(),
        1,
        "{entities:?}"
    );
    assert_eq!(
        entities.iter().filter(|e| **e == "menu_items").count(),
        2,
        "the two dishes it created"
    );
    assert!(entities.len() < 20, "no entry per sale line: {entities:?}");
}

#[tokio::test]
async fn audit_entries_past_the_retention_setting_are_swept() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let rid: uuid::Uuid = r.parse().expect("rid");
    app.create_item(&owner, &r, "Old dish", "Mains", 9.0).await;
    flux_app::audit::age_entries(&app.pool, rid, 400)
        .await
        .expect("age");
    app.create_item(&owner, &r, "New dish", "Mains", 9.0).await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/restaurants/{r}/settings"),
            Some(&owner.access),
            Some(json!({"audit_retention_days": 10})),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/restaurants/{r}/settings"),
            Some(&owner.access),
            Some(json!({"audit_retention_days": 365})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let swept = flux_app::audit::sweep(&app.pool, rid).await.expect("sweep");
    assert!(
        swept >= 2,
        "the restaurant's creation and the old dish: {swept}"
    );
    let (_, page) = audit(&app, &owner, &r, "?entity=menu_items").await;
    let names: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["after"]["name"].as_str())
        .collect();
    assert_eq!(names, ["New dish"]);
}
