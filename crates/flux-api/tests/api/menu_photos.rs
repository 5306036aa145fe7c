//! Menu photos through the API: a rendered menu uploaded, proposed,
//! compared with the menu, confirmed once, and bad photos refused with
//! nothing stored.

use flux_app::menu_photos::{Readers, Tesseract};
use flux_menuscan::synthetic::{render, standard_set};
use flux_testkit::menu_images::{encode, fonts};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, json_of, spawn_app_with, TestApp, User};

async fn app_with_ocr() -> TestApp {
    let tesseract = Tesseract::detect().await.expect("tesseract is installed");
    spawn_app_with(move |c| {
        c.menu_readers = Readers {
            tesseract: Some(tesseract),
            vision: None,
        }
    })
    .await
}

async fn upload_photo(
    app: &TestApp,
    user: &User,
    r: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    let resp = app
        .req(
            Method::POST,
            &format!("/api/v1/restaurants/{r}/recipes/menu/upload-photo"),
            Some(&user.access),
        )
        .multipart(form)
        .send()
        .await
        .expect("upload");
    json_of(resp).await
}

async fn menu_count(app: &TestApp, user: &User, r: &str) -> u64 {
    let (s, b) = app
        .get(&format!("/api/v1/restaurants/{r}/menu/items"), user)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["total"].as_u64().expect("total")
}

#[tokio::test]
async fn a_photo_is_proposed_compared_with_the_menu_and_confirmed_once() {
    let app = app_with_ocr().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Trattoria").await;
    let fonts = fonts();
    let spec = &standard_set(fonts.len())[0];
    let page = render(spec, &fonts);
    // The menu already has the first dish, at another price.
    let first = &page.truth[0];
    app.create_item(&owner, &r, &first.name.to_uppercase(), "Old", 1.0)
        .await;

    let (s, p) = upload_photo(
        &app,
        &owner,
        &r,
        "menu.png",
        encode(&page.image, image::ImageFormat::Png),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["engine"], "local_ocr");
    assert_eq!(
        p["total_items"].as_u64(),
        Some(page.truth.len() as u64),
        "{p}"
    );
    assert!(
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("Nothing is saved")),
        "{p}"
    );
    let items = p["items"].as_array().expect("items");
    let known = items
        .iter()
        .find(|i| i["existing"].is_object())
        .expect("the dish on the menu is flagged");
    assert_eq!(known["existing"]["matched_on"], "name");
    assert_eq!(known["existing"]["price_differs"], true);
    assert_eq!(known["existing"]["price"], 1.0);
    // Nothing stored in the menu by reading.
    assert_eq!(menu_count(&app, &owner, &r).await, 1);

    let scan = p["scan_id"].as_str().expect("scan id");
    let (s, again) = app
        .get(
            &format!("/api/v1/restaurants/{r}/recipes/menu/photo-scans/{scan}"),
            &owner,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(again["total_items"], p["total_items"]);
    let photo = app
        .req(
            Method::GET,
            &format!("/api/v1/restaurants/{r}/recipes/menu/photo-scans/{scan}/photo"),
            Some(&owner.access),
        )
        .send()
        .await
        .expect("photo");
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers()["content-type"], "image/png");
    assert!(photo.bytes().await.expect("bytes").starts_with(b"\x89PNG"));

    // Another restaurant cannot see it.
    let other = app.register("other@example.com").await;
    let r2 = app.create_restaurant(&other, "Elsewhere").await;
    let (s, b) = app
        .get(
            &format!("/api/v1/restaurants/{r2}/recipes/menu/photo-scans/{scan}"),
            &other,
        )
        .await;
    assert_problem(s, &b, 404, "not_found");

    let confirm: Vec<Value> = items
        .iter()
        .map(|i| {
            json!({"name": i["name"], "category": i["category"], "price": i["price"],
                        "description": i["description"], "merge_into": i["existing"]["menu_item_id"]})
        })
        .collect();
    let url = format!("/api/v1/restaurants/{r}/recipes/menu/photo-scans/{scan}/confirm");
    let (s, done) = app.post(&url, &owner, json!({"items": confirm})).await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["updated"], 1, "{done}");
    assert_eq!(done["created"].as_u64(), Some(page.truth.len() as u64 - 1));
    assert_eq!(
        menu_count(&app, &owner, &r).await,
        page.truth.len() as u64,
        "merged, not doubled"
    );
    // The printed descriptions are kept on the dishes.
    let (_, menu) = app
        .get(
            &format!("/api/v1/restaurants/{r}/menu/items?limit=100"),
            &owner,
        )
        .await;
    let described = page
        .truth
        .iter()
        .filter(|t| t.description.is_some())
        .count();
    let stored = menu["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|m| m["description"].is_string())
        .count();
    assert!(
        described > 0 && stored + 1 >= described,
        "{stored} of {described} descriptions kept: {menu}"
    );
    let (s, b) = app.post(&url, &owner, json!({"items": confirm})).await;
    assert_problem(s, &b, 409, "conflict");
    assert_eq!(menu_count(&app, &owner, &r).await, page.truth.len() as u64);
    // The new dishes wait in the recipe queue.
    let (s, queue) = app
        .get(&format!("/api/v1/restaurants/{r}/recipes/confirm"), &owner)
        .await;
    assert_eq!(s, StatusCode::OK, "{queue}");
    assert!(queue.to_string().contains(&page.truth[1].name), "{queue}");
}

#[tokio::test]
async fn bad_photos_are_refused_naming_why_and_nothing_is_stored() {
    let app = app_with_ocr().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Trattoria").await;
    let (s, b) = upload_photo(
        &app,
        &owner,
        &r,
        "menu.jpg",
        b"\xff\xd8\xff not a jpeg".to_vec(),
    )
    .await;
    assert_problem(s, &b, 422, "invalid_file");
    assert!(
        b["detail"]
            .as_str()
            .is_some_and(|d| d.contains("JPEG, PNG or WebP")),
        "{b}"
    );
    let (s, b) = upload_photo(&app, &owner, &r, "menu.png", Vec::new()).await;
    assert_problem(s, &b, 422, "empty_file");
    let huge = encode(&image::RgbImage::new(9000, 5000), image::ImageFormat::Png);
    let (s, b) = upload_photo(&app, &owner, &r, "huge.png", huge).await;
    assert_problem(s, &b, 422, "invalid_file");
    assert!(
        b["detail"]
            .as_str()
            .is_some_and(|d| d.contains("9000×5000")),
        "{b}"
    );
    let (s, b) = app
        .post(
            &format!(
                "/api/v1/restaurants/{r}/recipes/menu/photo-scans/{}/confirm",
                uuid::Uuid::now_v7()
            ),
            &owner,
            json!({"items": [{"name": "Soup"}]}),
        )
        .await;
    assert_problem(s, &b, 404, "not_found");
    assert_eq!(menu_count(&app, &owner, &r).await, 0);

    // A viewer may look but not upload.
    let viewer = app.register("viewer@example.com").await;
    app.add_member(&owner, &r, &viewer, "viewer").await;
    let (s, b) = upload_photo(&app, &viewer, &r, "menu.png", b"x".to_vec()).await;
    assert_problem(s, &b, 403, "forbidden");
}

#[tokio::test]
async fn without_a_reader_the_upload_says_what_to_install() {
    let app = spawn_app_with(|_| {}).await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Trattoria").await;
    let fonts = fonts();
    let page = render(&standard_set(fonts.len())[0], &fonts);
    let (s, b) = upload_photo(
        &app,
        &owner,
        &r,
        "menu.png",
        encode(&page.image, image::ImageFormat::Png),
    )
    .await;
    assert_problem(s, &b, 503, "menu_reader_unavailable");
    assert!(
        b["detail"]
            .as_str()
            .is_some_and(|d| d.contains("tesseract")),
        "{b}"
    );
}

#[tokio::test]
async fn a_vision_model_reads_the_menu_and_proposes_recipes_the_library_lacks() {
    use flux_testkit::fake_model::{self, completion, http};
    let menu = json!({"items": [
        {"name": "Caesar Salad", "category": "Starters", "description": "romaine, croutons",
         "prices": [{"label": null, "price": 11.5}], "confidence": 0.96},
        {"name": "Grandma's Thursday Stew", "category": "Mains", "description": null,
         "prices": [{"label": null, "price": 17}], "confidence": 0.9}
    ]})
    .to_string();
    let recipes = json!({"dishes": [
        {"dish": "Grandma's Thursday Stew", "ingredients": [
            {"ingredient": "Beef chuck", "quantity": 220, "unit": "g"},
            {"ingredient": "Carrot", "quantity": 80, "unit": "g"},
            {"ingredient": "Red wine", "quantity": 60, "unit": "ml"}]}
    ]})
    .to_string();
    let (url, _server) = fake_model::serve(
        move |request| match fake_model::schema_name(request) {
            "menu" => completion(&menu),
            "starter_recipes" => completion(&recipes),
            _ => http(400, "{}"),
        },
        std::time::Duration::ZERO,
    )
    .await;
    let app = spawn_app_with(move |c| {
        c.menu_readers = Readers {
            tesseract: None,
            vision: Some(flux_app::menu_photos::VisionModel::new(
                &url,
                Some("k".into()),
                "m",
            )),
        }
    })
    .await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Trattoria").await;
    let fonts = fonts();
    let page = render(&standard_set(fonts.len())[0], &fonts);
    let (s, p) = upload_photo(
        &app,
        &owner,
        &r,
        "menu.png",
        encode(&page.image, image::ImageFormat::Png),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["engine"], "vision_model");
    assert_eq!(p["total_items"], 2);
    let scan = p["scan_id"].as_str().expect("scan");
    let items: Vec<Value> = p["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| json!({"name": i["name"], "category": i["category"], "price": i["price"], "description": i["description"]}))
        .collect();
    let (s, done) = app
        .post(
            &format!("/api/v1/restaurants/{r}/recipes/menu/photo-scans/{scan}/confirm"),
            &owner,
            json!({"items": items}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    let (s, queue) = app
        .get(&format!("/api/v1/restaurants/{r}/recipes/confirm"), &owner)
        .await;
    assert_eq!(s, StatusCode::OK, "{queue}");
    let pending = queue["items"].as_array().expect("items");
    let stew = pending
        .iter()
        .find(|d| d["name"] == "Grandma's Thursday Stew")
        .expect("stew waits");
    assert!(
        stew["suggestion"].is_null(),
        "the library does not know it: {stew}"
    );
    let lines = stew["model_suggestion"]
        .as_array()
        .expect("the model's proposal");
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["ingredient"], "Beef chuck");
    assert_eq!(lines[0]["unit"], "g");
    let caesar = pending
        .iter()
        .find(|d| d["name"] == "Caesar Salad")
        .expect("caesar waits");
    assert!(
        caesar["suggestion"].is_object(),
        "the library knows it: {caesar}"
    );
    assert!(caesar["model_suggestion"].is_null());
}
