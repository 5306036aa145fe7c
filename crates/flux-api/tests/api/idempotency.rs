//! `Idempotency-Key` on POST: a retried request returns the first
//! response instead of running twice; the same key on another request is a
//! 422; a key in use is a 409; keys expire after 24 hours and belong to
//! their user.

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, json_of, spawn_app, TestApp, User};

const KEY: &str = "idem-5f0c8c1e-7d5b-4c1a-9d55-0d9a3f3b2a11";

async fn post_with_key(app: &TestApp, user: &User, path: &str, key: &str, body: Value) -> Response {
    app.req(Method::POST, path, Some(&user.access))
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .expect("request")
}

/// [`post_with_key`], read as status and JSON body.
async fn post_json_with_key(
    app: &TestApp,
    user: &User,
    path: &str,
    key: &str,
    body: Value,
) -> (StatusCode, Value) {
    json_of(post_with_key(app, user, path, key, body).await).await
}

fn replayed(resp: &Response) -> bool {
    resp.headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true")
}

async fn restaurant_names(app: &TestApp, user: &User) -> Vec<String> {
    let (s, body) = app.get("/api/v1/restaurants", user).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let items = body["items"]
        .as_array()
        .or(body.as_array())
        .cloned()
        .unwrap_or_default();
    items
        .iter()
        .filter_map(|r| r["name"].as_str().map(str::to_string))
        .collect()
}

async fn user_id(app: &TestApp, user: &User) -> Uuid {
    let (s, me) = app.get("/api/v1/auth/me", user).await;
    assert_eq!(s, StatusCode::OK, "{me}");
    me["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("user id")
}

#[tokio::test]
async fn idempotency_a_retried_create_returns_the_first_response_and_creates_once() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let first = post_with_key(
        &app,
        &owner,
        "/api/v1/restaurants",
        KEY,
        json!({"name": "Bistro"}),
    )
    .await;
    assert!(!replayed(&first));
    let first_location = first.headers().get("location").cloned();
    let (s1, b1) = json_of(first).await;
    assert_eq!(s1, StatusCode::CREATED, "{b1}");

    let again = post_with_key(
        &app,
        &owner,
        "/api/v1/restaurants",
        KEY,
        json!({"name": "Bistro"}),
    )
    .await;
    assert!(replayed(&again), "the retry is answered from storage");
    assert_eq!(again.headers().get("location").cloned(), first_location);
    assert_eq!(
        again
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let (s2, b2) = json_of(again).await;
    assert_eq!(s2, StatusCode::CREATED);
    assert_eq!(b2, b1, "byte for byte the first response");
    assert_eq!(
        restaurant_names(&app, &owner).await,
        vec!["Bistro".to_string()]
    );
}

#[tokio::test]
async fn idempotency_the_same_key_on_a_different_request_is_a_422_and_runs_nothing() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let (s, b) = post_json_with_key(
        &app,
        &owner,
        "/api/v1/restaurants",
        KEY,
        json!({"name": "Bistro"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = post_json_with_key(
        &app,
        &owner,
        "/api/v1/restaurants",
        KEY,
        json!({"name": "Other"}),
    )
    .await;
    assert_problem(s, &b, 422, "idempotency_key_reused");
    // Another path with the key is another request too.
    let (s, b) = post_json_with_key(
        &app,
        &owner,
        "/api/v1/restaurants?x=1",
        KEY,
        json!({"name": "Bistro"}),
    )
    .await;
    assert_problem(s, &b, 422, "idempotency_key_reused");
    assert_eq!(
        restaurant_names(&app, &owner).await,
        vec!["Bistro".to_string()]
    );
}

#[tokio::test]
async fn idempotency_a_retried_upload_with_a_new_multipart_boundary_is_replayed() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let csv = "date,item,quantity,price\n2025-01-01,Tea,3,2.50\n2025-01-02,Tea,4,2.50\n";
    let send = || async {
        // reqwest draws a fresh random boundary for every form.
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("sales.csv"),
        );
        app.req(
            Method::POST,
            &format!("/api/v1/restaurants/{r}/data/uploads"),
            Some(&owner.access),
        )
        .header("idempotency-key", KEY)
        .multipart(form)
        .send()
        .await
        .expect("upload")
    };
    let first = send().await;
    let (s1, b1) = json_of(first).await;
    assert_eq!(s1, StatusCode::CREATED, "{b1}");
    let again = send().await;
    assert!(replayed(&again));
    let (s2, b2) = json_of(again).await;
    assert_eq!(
        (s2, &b2),
        (StatusCode::CREATED, &b1),
        "the first import's report, not a 409 duplicate"
    );
    let (s, list) = app
        .get(&format!("/api/v1/restaurants/{r}/data/uploads"), &owner)
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let items = list["items"]
        .as_array()
        .or(list.as_array())
        .cloned()
        .unwrap_or_default();
    assert_eq!(items.len(), 1, "one upload stored: {list}");
    // Without the key the same file is refused as a duplicate, as before.
    let (s, b) = app
        .upload(&owner, &r, "sales.csv", csv.as_bytes().to_vec(), &[])
        .await;
    assert_problem(s, &b, 409, "duplicate_upload");
}

#[tokio::test]
async fn idempotency_a_key_still_in_use_is_a_409_with_retry_after() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let uid = user_id(&app, &owner).await;
    // Claim the key as a request that is still running would.
    let key = flux_app::idempotency::Key::parse(KEY).expect("key");
    let begun = flux_app::idempotency::begin(&app.pool, uid, &key)
        .await
        .expect("claim");
    assert!(matches!(begun, flux_app::idempotency::Begin::Run));
    let resp = post_with_key(
        &app,
        &owner,
        "/api/v1/restaurants",
        KEY,
        json!({"name": "Bistro"}),
    )
    .await;
    assert_eq!(
        resp.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let (s, b) = json_of(resp).await;
    assert_problem(s, &b, 409, "idempotency_key_in_use");
    assert!(
        restaurant_names(&app, &owner).await.is_empty(),
        "nothing ran"
    );

    // A claim left by a server that died is taken over once stale.
    assert!(flux_app::idempotency::age_key(
        &app.pool,
        uid,
        &key,
        flux_app::idempotency::STALE_SECS + 60
    )
    .await
    .expect("age"));
    let (s, b) = post_json_with_key(
        &app,
        &owner,
        "/api/v1/restaurants",
        KEY,
        json!({"name": "Bistro"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

#[tokio::test]
async fn idempotency_keys_expire_after_a_day_and_belong_to_their_user() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let other = app.register("other@example.com").await;
    let (s, _) = post_json_with_key(
        &app,
        &owner,
        "/api/v1/restaurants",
        KEY,
        json!({"name": "Bistro"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);

    // Another user's identical request with the same key is theirs alone.
    let resp = post_with_key(
        &app,
        &other,
        "/api/v1/restaurants",
        KEY,
        json!({"name": "Bistro"}),
    )
    .await;
    assert!(!replayed(&resp), "never another user's stored response");
    let (s, _) = json_of(resp).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(
        restaurant_names(&app, &other).await,
        vec!["Bistro".to_string()]
    );

    let uid = user_id(&app, &owner).await;
    let key = flux_app::idempotency::Key::parse(KEY).expect("key");
    assert!(flux_app::idempotency::age_key(
        &app.pool,
        uid,
        &key,
        flux_app::idempotency::TTL_SECS + 60
    )
    .await
    .expect("age"));
    let resp = post_with_key(
        &app,
        &owner,
        "/api/v1/restaurants",
        KEY,
        json!({"name": "Bistro"}),
    )
    .await;
    assert!(!replayed(&resp), "an expired key runs the request again");
    let (s, _) = json_of(resp).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(restaurant_names(&app, &owner).await.len(), 2);
}

#[tokio::test]
async fn idempotency_client_errors_are_replayed_and_bad_keys_are_named() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let (s1, b1) = post_json_with_key(
        &app,
        &owner,
        "/api/v1/restaurants",
        KEY,
        json!({"name": ""}),
    )
    .await;
    assert_problem(s1, &b1, 422, "validation_failed");
    let again = post_with_key(
        &app,
        &owner,
        "/api/v1/restaurants",
        KEY,
        json!({"name": ""}),
    )
    .await;
    assert!(replayed(&again), "a refusal is an answer too");
    let (s2, b2) = json_of(again).await;
    assert_eq!((s2, b2), (s1, b1));

    for bad in ["has space", &"k".repeat(256)] {
        let (s, b) = post_json_with_key(
            &app,
            &owner,
            "/api/v1/restaurants",
            bad,
            json!({"name": "Bistro"}),
        )
        .await;
        assert_problem(s, &b, 422, "validation_failed");
        assert_eq!(b["errors"][0]["field"], "Idempotency-Key", "{b}");
    }
    assert!(restaurant_names(&app, &owner).await.is_empty());
}

#[tokio::test]
async fn idempotency_token_endpoints_ignore_the_key_and_store_no_credentials() {
    let app = spawn_app().await;
    app.register("owner@example.com").await;
    let login = || async {
        let resp = app
            .req(Method::POST, "/api/v1/auth/login", None)
            .header("idempotency-key", KEY)
            .json(&json!({"email": "owner@example.com", "password": crate::helpers::PASSWORD}))
            .send()
            .await
            .expect("login");
        assert!(!replayed(&resp));
        let (s, b) = json_of(resp).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        b["refresh_token"].as_str().expect("refresh").to_string()
    };
    assert_ne!(
        login().await,
        login().await,
        "each login issues its own tokens"
    );
    let stored: i64 = sqlx::query_scalar("select count(*) from idempotency_keys")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(stored, 0);
}
