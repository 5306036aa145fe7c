//! Sales uploads through the API: exactly once, atomic, undoable.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{assert_problem, spawn_app, TestApp, User, MAX_UPLOAD};

async fn setup() -> (TestApp, User, String) {
    let app = spawn_app().await;
    let user = app.register("chef@example.com").await;
    let r = app.create_restaurant(&user, "Bistro").await;
    (app, user, r)
}

/// The daily totals of 2024, as (date, quantity).
pub(crate) async fn daily(app: &TestApp, user: &User, r: &str) -> Vec<(String, f64)> {
    daily_in(app, user, r, 2024).await
}

/// The daily totals of one year, as (date, quantity).
pub(crate) async fn daily_in(app: &TestApp, user: &User, r: &str, year: i32) -> Vec<(String, f64)> {
    let (s, v) = app
        .get(
            &format!("/api/v1/restaurants/{r}/sales/daily?from={year}-01-01&to={year}-12-31"),
            user,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| {
            let q = d["quantity"]
                .as_str()
                .and_then(|q| q.parse().ok())
                .or_else(|| d["quantity"].as_f64())
                .unwrap_or(-1.0);
            (d["date"].as_str().unwrap_or_default().to_string(), q)
        })
        .collect()
}

const SEED: &str = "date,item,quantity,price\n\
2024-03-01,Caesar Salad,15,12.50\n\
2024-03-01,Ribeye Steak,8,42.00\n\
2024-03-02,caesar  salad,10,12.50\n";

#[tokio::test]
async fn a_seed_file_imports_creates_dishes_and_fills_the_daily_totals() {
    let (app, user, r) = setup().await;
    let (s, rep) = app.upload(&user, &r, "sales.csv", SEED.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(rep["format"], "seed");
    assert_eq!(rep["rows_imported"], 3);
    assert_eq!(
        rep["new_menu_items"], 2,
        "spelling variants are one dish: {rep}"
    );
    assert_eq!(rep["first_date"], "2024-03-01");
    assert_eq!(
        daily(&app, &user, &r).await,
        [("2024-03-01".into(), 23.0), ("2024-03-02".into(), 10.0)]
    );
    let (_, items) = app
        .get(&format!("/api/v1/restaurants/{r}/menu/items"), &user)
        .await;
    assert_eq!(items["total"], 2);
    assert_eq!(items["items"][0]["auto_created"], true);
    let (_, top) = app
        .get(
            &format!("/api/v1/restaurants/{r}/sales/items?from=2024-01-01&to=2024-12-31"),
            &user,
        )
        .await;
    assert_eq!(top["items"][0]["name"], "Caesar Salad");
    let (_, history) = app
        .get(&format!("/api/v1/restaurants/{r}/data/uploads"), &user)
        .await;
    assert_eq!(history["total"], 1);
}

#[tokio::test]
async fn the_same_file_twice_is_refused_naming_the_first_upload() {
    let (app, user, r) = setup().await;
    let (_, first) = app.upload(&user, &r, "sales.csv", SEED.into(), &[]).await;
    let (s, b) = app.upload(&user, &r, "again.csv", SEED.into(), &[]).await;
    assert_problem(s, &b, 409, "duplicate_upload");
    assert_eq!(b["upload_id"], first["upload_id"]);
    assert_eq!(
        daily(&app, &user, &r).await.len(),
        2,
        "nothing was counted twice"
    );
}

#[tokio::test]
async fn transactions_seen_before_are_not_counted_twice() {
    let (app, user, r) = setup().await;
    let a = "order_id,timestamp,item,quantity,unit_price\n\
T1,2024-03-01 12:00:00,Paella,2,14.00\nT1,2024-03-01 12:00:00,Sangria,1,6.00\nT2,2024-03-01 13:00:00,Paella,1,14.00\n";
    // The next export overlaps: T2 again, plus T3.
    let b = "order_id,timestamp,item,quantity,unit_price\n\
T2,2024-03-01 13:00:00,Paella,1,14.00\nT3,2024-03-02 20:00:00,Paella,3,14.00\n";
    let (s, r1) = app.upload(&user, &r, "a.csv", a.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{r1}");
    assert_eq!(r1["orders"], 2);
    let (s, r2) = app.upload(&user, &r, "b.csv", b.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{r2}");
    assert_eq!(
        (r2["rows_imported"].as_u64(), r2["rows_duplicate"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        daily(&app, &user, &r).await,
        [("2024-03-01".into(), 4.0), ("2024-03-02".into(), 3.0)]
    );
}

#[tokio::test]
async fn strict_uploads_reject_the_whole_file_and_skip_invalid_reports_each_bad_row() {
    let (app, user, r) = setup().await;
    let bad = "date,item,quantity,price\n2024-03-01,Soup,3,4.50\n2024-03-01,Soup,three,4.50\n2024-03-02,Soup,2,4.50\n";
    let (s, b) = app
        .upload(&user, &r, "bad.csv", bad.into(), &[("policy", "strict")])
        .await;
    assert_problem(s, &b, 422, "rows_rejected");
    assert_eq!(b["report"]["rows_errored"], 1);
    assert_eq!(b["report"]["errors"][0]["line"], 3);
    assert_eq!(b["report"]["errors"][0]["column"], "quantity");
    assert_eq!(b["report"]["errors"][0]["value"], "three");
    assert!(
        daily(&app, &user, &r).await.is_empty(),
        "strict rejection stores nothing"
    );
    let (_, items) = app
        .get(&format!("/api/v1/restaurants/{r}/menu/items"), &user)
        .await;
    assert_eq!(items["total"], 0, "not even the menu items");

    let (s, rep) = app.upload(&user, &r, "bad.csv", bad.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(
        (rep["rows_imported"].as_u64(), rep["rows_errored"].as_u64()),
        (Some(2), Some(1))
    );
    let id = rep["upload_id"].as_str().expect("id");
    let (_, stored) = app
        .get(&format!("/api/v1/restaurants/{r}/data/uploads/{id}"), &user)
        .await;
    assert_eq!(stored["errors"][0]["line"], 3);
    assert_eq!(stored["rows_errored"], 1);
}

#[tokio::test]
async fn undo_removes_exactly_what_an_upload_added() {
    let (app, user, r) = setup().await;
    let (_, first) = app.upload(&user, &r, "a.csv", SEED.into(), &[]).await;
    let before = daily(&app, &user, &r).await;
    let more =
        "date,item,quantity,price\n2024-03-02,Caesar Salad,5,12.50\n2024-03-03,Tiramisu,4,6.00\n";
    let (_, second) = app.upload(&user, &r, "b.csv", more.into(), &[]).await;
    assert_eq!(daily(&app, &user, &r).await.len(), 3);
    let id = second["upload_id"].as_str().expect("id");
    let (s, undone) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/restaurants/{r}/data/uploads/{id}"),
            Some(&user.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{undone}");
    assert_eq!(undone["status"], "undone");
    assert_eq!(daily(&app, &user, &r).await, before);
    // The file can be imported again after an undo.
    let (s, _) = app.upload(&user, &r, "b.csv", more.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_ne!(first["upload_id"], Value::Null);
}

#[tokio::test]
async fn unknown_layouts_list_their_headers_and_a_mapping_is_remembered() {
    let (app, user, r) = setup().await;
    let odd = "Fecha;Plato;Unidades\n01/03/2024;Tortilla;4\n02/03/2024;Tortilla;6\n";
    let (s, b) = app.upload(&user, &r, "odd.csv", odd.into(), &[]).await;
    assert_problem(s, &b, 422, "unrecognised_layout");
    assert_eq!(
        b["headers"],
        serde_json::json!(["Fecha", "Plato", "Unidades"])
    );
    let mapping = r#"{"date": "Fecha", "item": "Plato", "quantity": "Unidades"}"#;
    let (s, rep) = app
        .upload(&user, &r, "odd.csv", odd.into(), &[("mapping", mapping)])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert!(
        rep["date_order"]
            .as_str()
            .is_some_and(|d| d.contains("day")),
        "es-ES restaurants read day first: {rep}"
    );
    assert_eq!(
        daily(&app, &user, &r).await,
        [("2024-03-01".into(), 4.0), ("2024-03-02".into(), 6.0)]
    );
    let next = "Fecha;Plato;Unidades\n03/03/2024;Tortilla;5\n";
    let (s, rep) = app.upload(&user, &r, "next.csv", next.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(rep["used_saved_mapping"], true);
}

#[tokio::test]
async fn toast_exports_drop_voids_and_a_late_night_sale_counts_for_the_previous_day() {
    let (app, user, r) = setup().await;
    let toast = "Order Id,Order Date,Menu Item,Menu Group,Qty,Gross Price,Discount,Net Price,Void?,Deferred\n\
1001,03/01/2024 20:15:00,Burger,Mains,2,24.00,0,24.00,false,false\n\
1001,03/01/2024 20:15:00,Fries,Sides,1,4.00,0,4.00,true,false\n\
1002,03/02/2024 01:30:00,Burger,Mains,1,12.00,2.00,10.00,false,false\n\
1003,03/02/2024 12:00:00,Gift Card,Other,1,50.00,0,50.00,false,true\n";
    let (s, rep) = app
        .upload(&user, &r, "ItemSelectionDetails.csv", toast.into(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(rep["format"], "toast");
    assert_eq!(rep["skipped"]["voided"], 1);
    assert_eq!(rep["skipped"]["deferred"], 1);
    assert_eq!(
        daily(&app, &user, &r).await,
        [("2024-03-01".into(), 3.0)],
        "01:30 belongs to the 1st"
    );
}

#[tokio::test]
async fn empty_oversized_and_missing_files_are_clear_4xx_and_store_nothing() {
    let (app, user, r) = setup().await;
    let (s, b) = app.upload(&user, &r, "empty.csv", Vec::new(), &[]).await;
    assert_problem(s, &b, 422, "empty_file");
    let (s, b) = app
        .upload(
            &user,
            &r,
            "header-only.csv",
            b"date,item,quantity,price\n".to_vec(),
            &[],
        )
        .await;
    assert_problem(s, &b, 422, "no_valid_rows");
    let huge = vec![b'x'; MAX_UPLOAD + 1024];
    let (s, b) = app.upload(&user, &r, "huge.csv", huge, &[]).await;
    assert_problem(s, &b, 413, "payload_too_large");
    let (s, b) = app
        .upload(&user, &r, "x.csv", SEED.into(), &[("policy", "yolo")])
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let (_, history) = app
        .get(&format!("/api/v1/restaurants/{r}/data/uploads"), &user)
        .await;
    assert_eq!(history["total"], 0);
}

#[tokio::test]
async fn an_alias_maps_a_new_spelling_to_an_existing_dish() {
    let (app, user, r) = setup().await;
    let id = app
        .create_item(&user, &r, "Caesar Salad", "Salads", 12.5)
        .await;
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/menu/items/{id}/aliases"),
            &user,
            serde_json::json!({"alias": "Ensalada César"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let csv = "date,item,quantity,price\n2024-03-01,ensalada  césar,4,12.50\n";
    let (s, rep) = app.upload(&user, &r, "a.csv", csv.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(rep["new_menu_items"], 0, "the alias matched: {rep}");
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/menu/items/{id}/aliases"),
            &user,
            serde_json::json!({"alias": "caesar salad"}),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");
}

#[tokio::test]
async fn another_tenants_uploads_and_sales_are_not_found_and_stay_unchanged() {
    let (app, user, r) = setup().await;
    let (_, rep) = app.upload(&user, &r, "a.csv", SEED.into(), &[]).await;
    let upload = rep["upload_id"].as_str().expect("id").to_string();
    let before = daily(&app, &user, &r).await;
    let other = app.register("other@example.com").await;
    let mine = app.create_restaurant(&other, "Other").await;
    for (m, path) in [
        (Method::GET, format!("/api/v1/restaurants/{r}/data/uploads")),
        (
            Method::GET,
            format!("/api/v1/restaurants/{r}/data/uploads/{upload}"),
        ),
        (
            Method::DELETE,
            format!("/api/v1/restaurants/{r}/data/uploads/{upload}"),
        ),
        (Method::GET, format!("/api/v1/restaurants/{r}/data/health")),
        (Method::GET, format!("/api/v1/restaurants/{r}/sales/daily")),
        (Method::GET, format!("/api/v1/restaurants/{r}/sales/items")),
        (
            Method::GET,
            format!("/api/v1/restaurants/{r}/sales/weekday"),
        ),
        // Their own restaurant, someone else's upload id.
        (
            Method::GET,
            format!("/api/v1/restaurants/{mine}/data/uploads/{upload}"),
        ),
        (
            Method::DELETE,
            format!("/api/v1/restaurants/{mine}/data/uploads/{upload}"),
        ),
    ] {
        let (s, b) = app.call(m.clone(), &path, Some(&other.access), None).await;
        assert_problem(s, &b, 404, "not_found");
    }
    let (s, b) = app.upload(&other, &r, "evil.csv", SEED.into(), &[]).await;
    assert_problem(s, &b, 404, "not_found");
    assert_eq!(daily(&app, &user, &r).await, before);
}

async fn undo_upload(app: &TestApp, user: &User, r: &str, id: &str) -> (StatusCode, Value) {
    app.call(
        Method::DELETE,
        &format!("/api/v1/restaurants/{r}/data/uploads/{id}"),
        Some(&user.access),
        None,
    )
    .await
}

#[tokio::test]
async fn undoing_an_undone_upload_again_leaves_the_reimported_file_alone() {
    let (app, user, r) = setup().await;
    let (_, first) = app.upload(&user, &r, "a.csv", SEED.into(), &[]).await;
    let first_id = first["upload_id"].as_str().expect("id").to_string();
    let (s, undone) = undo_upload(&app, &user, &r, &first_id).await;
    assert_eq!(s, StatusCode::OK, "{undone}");
    assert_eq!(undone["status"], "undone");
    let (s, again) = app.upload(&user, &r, "a.csv", SEED.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{again}");
    let stored = daily(&app, &user, &r).await;
    assert_eq!(stored.len(), 2);

    // A repeated undo (a retry, a second click) is answered with the
    // upload as it stands and touches nothing.
    let (s, twice) = undo_upload(&app, &user, &r, &first_id).await;
    assert_eq!(s, StatusCode::OK, "{twice}");
    assert_eq!(twice["upload_id"], first["upload_id"]);
    assert_eq!(twice["status"], "undone");
    assert_eq!(
        daily(&app, &user, &r).await,
        stored,
        "the sales of the re-import stay"
    );
    let (_, current) = app
        .get(
            &format!(
                "/api/v1/restaurants/{r}/data/uploads/{}",
                again["upload_id"].as_str().expect("id")
            ),
            &user,
        )
        .await;
    assert_eq!(current["status"], "completed");
}

#[tokio::test]
async fn a_viewer_reads_the_history_but_cannot_undo() {
    let (app, user, r) = setup().await;
    let (_, rep) = app.upload(&user, &r, "a.csv", SEED.into(), &[]).await;
    let id = rep["upload_id"].as_str().expect("id").to_string();
    let viewer = app.register("viewer@example.com").await;
    app.add_member(&user, &r, &viewer, "viewer").await;
    let (s, history) = app
        .get(&format!("/api/v1/restaurants/{r}/data/uploads"), &viewer)
        .await;
    assert_eq!(s, StatusCode::OK, "{history}");
    assert_eq!(history["total"], 1);
    let (s, b) = undo_upload(&app, &viewer, &r, &id).await;
    assert_problem(s, &b, 403, "forbidden");
    let (_, stored) = app
        .get(&format!("/api/v1/restaurants/{r}/data/uploads/{id}"), &user)
        .await;
    assert_eq!(stored["status"], "completed");
    assert_eq!(daily(&app, &user, &r).await.len(), 2);
}

#[tokio::test]
async fn the_history_pages_newest_first_with_a_cursor() {
    let (app, user, r) = setup().await;
    let mut ids = Vec::new();
    for day in 1..=3 {
        let csv = format!("date,item,quantity,price\n2024-03-0{day},Soup,{day},4.50\n");
        let (s, rep) = app
            .upload(&user, &r, &format!("{day}.csv"), csv.into(), &[])
            .await;
        assert_eq!(s, StatusCode::CREATED, "{rep}");
        ids.push(rep["upload_id"].clone());
    }
    let (s, page1) = app
        .get(
            &format!("/api/v1/restaurants/{r}/data/uploads?limit=2"),
            &user,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{page1}");
    assert_eq!(page1["total"], 3);
    let items = page1["items"].as_array().expect("items");
    assert_eq!(
        (items.len(), &items[0]["upload_id"], &items[1]["upload_id"]),
        (2, &ids[2], &ids[1])
    );
    let cursor = page1["next_cursor"].as_str().expect("a cursor").to_string();
    let (s, page2) = app
        .get(
            &format!("/api/v1/restaurants/{r}/data/uploads?limit=2&cursor={cursor}"),
            &user,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{page2}");
    assert_eq!(page2["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(page2["items"][0]["upload_id"], ids[0]);
    assert_eq!(page2["next_cursor"], Value::Null, "the last page");
    let (_, exact) = app
        .get(
            &format!("/api/v1/restaurants/{r}/data/uploads?limit=3"),
            &user,
        )
        .await;
    assert_eq!(
        exact["next_cursor"],
        Value::Null,
        "a page that ends on the last upload has no cursor"
    );
}
