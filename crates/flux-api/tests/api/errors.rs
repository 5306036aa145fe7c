//! Malformed requests get problem+json answers, never a 500 or a raw string.

use reqwest::{Method, StatusCode};

use crate::helpers::{assert_problem, json_of, spawn_app};

#[tokio::test]
async fn malformed_json_wrong_types_and_missing_content_type_are_problems() {
    let app = spawn_app().await;
    let resp = app
        .req(Method::POST, "/api/v1/auth/register", None)
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .expect("send");
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let (s, b) = json_of(resp).await;
    assert_problem(s, &b, 400, "malformed_json");

    let resp = app
        .req(Method::POST, "/api/v1/auth/register", None)
        .header("content-type", "application/json")
        .body(r#"{"email": 42, "password": true}"#)
        .send()
        .await
        .expect("send");
    let (s, b) = json_of(resp).await;
    assert_problem(s, &b, 422, "invalid_body");
    assert!(
        b["detail"]
            .as_str()
            .is_some_and(|d| d.contains("invalid type")),
        "{b}"
    );

    let resp = app
        .req(Method::POST, "/api/v1/auth/register", None)
        .body(r#"{"email": "a@b.com", "password": "password123"}"#)
        .send()
        .await
        .expect("send");
    let (s, b) = json_of(resp).await;
    assert_problem(s, &b, 415, "unsupported_media_type");
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app().await;
    let huge = format!(
        r#"{{"email": "a@b.com", "password": "{}"}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let resp = app
        .req(Method::POST, "/api/v1/auth/register", None)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("send");
    let (s, b) = json_of(resp).await;
    assert_problem(s, &b, 413, "payload_too_large");
}

#[tokio::test]
async fn unknown_routes_and_malformed_ids_are_404_problems() {
    let app = spawn_app().await;
    let user = app.register("chef@example.com").await;
    let (s, b) = app.call(Method::GET, "/api/v1/nope", None, None).await;
    assert_problem(s, &b, 404, "not_found");
    let (s, b) = app
        .get("/api/v1/restaurants/not-a-uuid/menu/items", &user)
        .await;
    assert_problem(s, &b, 404, "not_found");
}

#[tokio::test]
async fn request_ids_are_echoed_generated_and_sanitised() {
    let app = spawn_app().await;
    let resp = app
        .req(Method::GET, "/healthz", None)
        .header("x-request-id", "abc-123")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.headers()["x-request-id"], "abc-123");
    let resp = app
        .req(Method::GET, "/healthz", None)
        .send()
        .await
        .expect("send");
    let generated = resp.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(uuid::Uuid::parse_str(&generated).is_ok());
    let resp = app
        .req(Method::GET, "/healthz", None)
        .header("x-request-id", "evil value\twith\tcontrol")
        .send()
        .await
        .expect("send");
    assert_ne!(resp.headers()["x-request-id"], "evil value\twith\tcontrol");
}

#[tokio::test]
async fn probes_docs_and_openapi_are_served() {
    let app = spawn_app().await;
    let (s, b) = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!((s, b["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (s, b) = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!((s, b["status"].as_str()), (StatusCode::OK, Some("ready")));
    let (s, spec) = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(spec["openapi"], "3.1.0");
    for path in [
        "/api/v1/auth/register",
        "/api/v1/restaurants/{restaurant_id}/menu/items",
        "/api/v1/restaurants/{restaurant_id}/settings",
        "/api/v1/restaurants/{restaurant_id}/operating-hours",
    ] {
        assert!(
            spec["paths"][path].is_object(),
            "{path} missing from OpenAPI"
        );
    }
    // Swagger UI is served from the binary: the page and its script, no CDN.
    let page = app
        .req(Method::GET, "/docs/", None)
        .send()
        .await
        .expect("send");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "the docs page must not load anything from the internet"
    );
    let js = app
        .req(Method::GET, "/docs/swagger-ui-bundle.js", None)
        .send()
        .await
        .expect("send");
    assert_eq!(js.status(), StatusCode::OK);
    assert!(js.bytes().await.expect("js").len() > 100_000);
}
