//! Response headers (nosniff, no-store, the docs' content security policy,
//! HSTS behind a trusted TLS proxy, no CORS by default) and control
//! characters in input, which must be a 4xx naming the field, never a 500.

use reqwest::header::{self, HeaderMap};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, json_of, spawn_app, spawn_app_with, TestApp, User};

fn assert_api_headers(what: &str, headers: &HeaderMap) {
    assert_eq!(
        headers
            .get(header::X_CONTENT_TYPE_OPTIONS)
            .and_then(|v| v.to_str().ok()),
        Some("nosniff"),
        "{what}: {headers:?}"
    );
    assert_eq!(
        headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "{what}: {headers:?}"
    );
    assert!(
        headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
        "{what}: no HSTS over plain HTTP: {headers:?}"
    );
    assert!(
        !headers
            .keys()
            .any(|k| k.as_str().starts_with("access-control-")),
        "{what}: no CORS headers unless origins are configured: {headers:?}"
    );
}

async fn send(app: &TestApp, method: Method, path: &str, token: Option<&str>) -> Response {
    app.req(method, path, token)
        .header(header::ORIGIN, "https://evil.example")
        .send()
        .await
        .expect("request")
}

/// A restaurant with one ingredient, a supplier offering it and a draft
/// order.
struct Kitchen {
    base: String,
    order: String,
    supplier: String,
    tomatoes: String,
}

async fn kitchen_with_order(app: &TestApp, chef: &User) -> Kitchen {
    let r = app.create_restaurant(chef, "Bistro").await;
    let base = format!("/api/v1/restaurants/{r}");
    let (s, t) = app
        .post(
            &format!("{base}/ingredients"),
            chef,
            json!({"name": "Tomatoes", "base_unit": "kg", "unit_cost": 2}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let tomatoes = t["id"].as_str().expect("id").to_string();
    let (s, sup) = app
        .post(
            &format!("{base}/suppliers"),
            chef,
            json!({"name": "Huerta", "lead_time_days": 1, "delivery_days": [1, 2, 3, 4, 5, 6, 7]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{sup}");
    let supplier = sup["id"].as_str().expect("id").to_string();
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("{base}/suppliers/{supplier}/offers/{tomatoes}"),
            Some(&chef.access),
            Some(json!({"pack_size": "5 kg", "pack_price": "10.00", "preferred": true})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, order) = app
        .post(
            &format!("{base}/purchasing/orders"),
            chef,
            json!({"supplier_id": supplier, "note": "Back door",
                   "lines": [{"ingredient_id": tomatoes, "packs": 1}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{order}");
    let id = order["id"].as_str().expect("order id");
    let order = format!("{base}/purchasing/orders/{id}");
    Kitchen {
        base,
        order,
        supplier,
        tomatoes,
    }
}

#[tokio::test]
async fn hardening_api_responses_are_nosniff_and_never_cached() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let Kitchen { base, order, .. } = kitchen_with_order(&app, &chef).await;

    let json_reply = send(&app, Method::GET, &base, Some(&chef.access)).await;
    assert_eq!(json_reply.status(), StatusCode::OK);
    assert_api_headers("JSON", json_reply.headers());

    let problem = send(&app, Method::GET, &base, None).await;
    assert_eq!(problem.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        problem.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert_api_headers("problem", problem.headers());

    let unknown = send(&app, Method::GET, "/api/v1/nowhere", None).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_api_headers("fallback 404", unknown.headers());

    let csv = send(
        &app,
        Method::GET,
        &format!("{order}/csv"),
        Some(&chef.access),
    )
    .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()[header::CONTENT_TYPE]
            .to_str()
            .is_ok_and(|ct| ct.starts_with("text/csv")),
        "{:?}",
        csv.headers()
    );
    assert_api_headers("CSV export", csv.headers());

    let tokens = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .header(header::ORIGIN, "https://evil.example")
        .json(&json!({"email": chef.email, "password": crate::helpers::PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(tokens.status(), StatusCode::OK);
    assert_api_headers("token reply", tokens.headers());
    let (_, body) = json_of(tokens).await;
    assert!(body["access_token"].is_string(), "{body}");

    // A CORS preflight gets nothing that would let another origin in.
    let preflight = app
        .req(Method::OPTIONS, &base, None)
        .header(header::ORIGIN, "https://evil.example")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
        .send()
        .await
        .expect("preflight");
    assert!(
        preflight
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none(),
        "{:?}",
        preflight.headers()
    );
}

/// The `src`/`href` values of `<script>` and `<link>` tags.
fn assets_of(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
    }
    out
}

#[tokio::test]
async fn hardening_docs_have_a_csp_allowing_only_their_own_files_and_no_framing() {
    let app = spawn_app().await;
    let page = app
        .req(Method::GET, "/docs/", None)
        .send()
        .await
        .expect("docs");
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    let csp = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'sha256-",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    let html = page.text().await.expect("html");
    assert!(
        !html.contains("<script>") && !html.contains("<style"),
        "no inline script or style, which the policy would block: {html}"
    );
    let assets = assets_of(&html);
    assert!(
        assets.iter().any(|a| a.ends_with("swagger-ui-bundle.js")),
        "{assets:?}"
    );
    for asset in &assets {
        assert!(
            !asset.contains("//") && !asset.starts_with("data:"),
            "everything is loaded from /docs itself: {asset}"
        );
        let path = format!("/docs/{}", asset.trim_start_matches("./"));
        let resp = app
            .req(Method::GET, &path, None)
            .send()
            .await
            .expect("asset");
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert!(
            resp.headers()
                .get(header::CONTENT_SECURITY_POLICY)
                .is_some(),
            "{path}"
        );
    }
    let init = app
        .req(Method::GET, "/docs/swagger-initializer.js", None)
        .send()
        .await
        .expect("initializer")
        .text()
        .await
        .expect("js");
    assert!(
        init.contains("/api/v1/openapi-ui.json"),
        "the spec comes from this origin: {init}"
    );
    assert!(
        init.contains("\"validatorUrl\": \"none\""),
        "no badge from another site: {init}"
    );
}

const CHROMIUM: &str = "/usr/bin/chromium";

/// Swagger UI really runs under its policy: headless Chromium renders the
/// operations and reports no violation. Like the dashboard's browser
/// test, a missing Chromium fails rather than silently skipping.
#[tokio::test(flavor = "multi_thread")]
async fn hardening_browser_docs_render_under_their_csp() {
    assert!(
        std::path::Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is required (apt-get install chromium)"
    );
    let app = spawn_app().await;
    let profile = tempfile::tempdir().expect("profile dir");
    let out = tokio::process::Command::new(CHROMIUM)
        .arg("--headless")
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--enable-logging=stderr")
        .arg("--v=0")
        .arg("--virtual-time-budget=5000")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("{}/docs/", app.base))
        .output()
        .await
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        dom.contains("opblock") && dom.contains("Flux API"),
        "Swagger UI rendered the operations; log: {log}"
    );
    let violations: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("Content Security Policy"))
        .collect();
    assert!(violations.is_empty(), "{violations:#?}");
}

#[tokio::test]
async fn hardening_hsts_only_when_a_trusted_proxy_reports_https() {
    let untrusted = spawn_app().await;
    let resp = untrusted
        .req(Method::GET, "/healthz", None)
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("healthz");
    assert!(
        resp.headers()
            .get(header::STRICT_TRANSPORT_SECURITY)
            .is_none(),
        "an untrusted X-Forwarded-Proto is ignored"
    );

    let proxied = spawn_app_with(|c| c.trust_forwarded_for = true).await;
    let resp = proxied
        .req(Method::GET, "/healthz", None)
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("healthz");
    let hsts = resp
        .headers()
        .get(header::STRICT_TRANSPORT_SECURITY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(hsts.starts_with("max-age="), "{hsts}");
    let resp = proxied
        .req(Method::GET, "/healthz", None)
        .header("x-forwarded-proto", "http")
        .send()
        .await
        .expect("healthz");
    assert!(resp
        .headers()
        .get(header::STRICT_TRANSPORT_SECURITY)
        .is_none());
}

fn assert_names_field(body: &Value, field: &str) {
    assert_eq!(body["errors"][0]["field"], field, "{body}");
    assert_eq!(body["errors"][0]["code"], "control_character", "{body}");
}

#[tokio::test]
async fn hardening_nul_in_a_query_parameter_is_a_422_naming_it() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    for path in [
        format!("/api/v1/restaurants/{r}/ingredients?q=a%00b"),
        format!("/api/v1/restaurants/{r}/menu/items?q=x%01"),
    ] {
        let (s, b) = app.get(&path, &chef).await;
        assert_problem(s, &b, 422, "control_characters");
        assert_names_field(&b, "q");
    }
    // Line breaks are text, not an attack.
    let (s, b) = app
        .get(
            &format!("/api/v1/restaurants/{r}/ingredients?q=a%0Ab"),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

#[tokio::test]
async fn hardening_nul_in_a_json_string_is_a_422_naming_the_field_and_stores_nothing() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen_with_order(&app, &chef).await;
    let base = &k.base;

    let (s, b) = app
        .post(
            &format!("{base}/ingredients"),
            &chef,
            json!({"name": "Ba\u{0}sil", "base_unit": "kg", "unit_cost": 2}),
        )
        .await;
    assert_problem(s, &b, 422, "control_characters");
    assert_names_field(&b, "name");
    let (_, list) = app.get(&format!("{base}/ingredients"), &chef).await;
    let names: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["name"].as_str())
        .collect();
    assert_eq!(names, ["Tomatoes"], "{list}");

    // A nested string: an order's note.
    let (s, b) = app
        .post(
            &format!("{base}/purchasing/orders"),
            &chef,
            json!({"supplier_id": k.supplier, "note": "Front\u{0} door",
                   "lines": [{"ingredient_id": k.tomatoes, "packs": 2}]}),
        )
        .await;
    assert_problem(s, &b, 422, "control_characters");
    assert_names_field(&b, "note");
    let (_, orders) = app.get(&format!("{base}/purchasing/orders"), &chef).await;
    assert_eq!(
        orders["items"].as_array().map(Vec::len),
        Some(1),
        "only the first order exists: {orders}"
    );
    let (_, first) = app.get(&k.order, &chef).await;
    assert_eq!(first["note"], "Back door", "{first}");

    // The restaurant's name.
    let (s, b) = app
        .call(
            Method::PATCH,
            base,
            Some(&chef.access),
            Some(json!({"name": "Bis\u{0}tro"})),
        )
        .await;
    assert_problem(s, &b, 422, "control_characters");
    assert_names_field(&b, "name");
    let (_, restaurant) = app.get(base, &chef).await;
    assert_eq!(restaurant["name"], "Bistro", "{restaurant}");
}

#[tokio::test]
async fn hardening_nul_in_an_upload_mapping_is_a_422_naming_it_and_imports_nothing() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let odd = "Fecha;Plato;Unidades\n01/03/2024;Tortilla;4\n";
    // Raw NUL in the form field, and a JSON escape that decodes to one.
    for (mapping, field) in [
        (
            "{\"date\": \"Fecha\u{0}\", \"item\": \"Plato\", \"quantity\": \"Unidades\"}",
            "mapping",
        ),
        (
            r#"{"date": "Fecha", "item": "Pla\u0000to", "quantity": "Unidades"}"#,
            "mapping.item",
        ),
    ] {
        let (s, b) = app
            .upload(&chef, &r, "odd.csv", odd.into(), &[("mapping", mapping)])
            .await;
        assert_problem(s, &b, 422, "control_characters");
        assert_names_field(&b, field);
    }
    let (s, b) = app
        .upload(
            &chef,
            &r,
            "odd.csv",
            odd.into(),
            &[("location", "Centro\u{0}")],
        )
        .await;
    assert_problem(s, &b, 422, "control_characters");
    assert_names_field(&b, "location");

    let (_, history) = app
        .get(&format!("/api/v1/restaurants/{r}/data/uploads"), &chef)
        .await;
    assert_eq!(history["items"], json!([]), "nothing imported: {history}");

    // A NUL in the file name breaks the multipart framing itself: a 4xx.
    // Other control characters are dropped from the stored name.
    let seed = "date,item,quantity,price\n2024-03-01,Caesar Salad,15,12.50\n";
    let upload_named = |name: &str| {
        let form = reqwest::multipart::Form::new().percent_encode_noop().part(
            "file",
            reqwest::multipart::Part::bytes(seed.as_bytes().to_vec()).file_name(name.to_string()),
        );
        app.req(
            Method::POST,
            &format!("/api/v1/restaurants/{r}/data/uploads"),
            Some(&chef.access),
        )
        .multipart(form)
        .send()
    };
    let (s, b) = json_of(upload_named("sales\u{0}.csv").await.expect("upload")).await;
    assert!(s.is_client_error(), "{s}: {b}");
    let (s, rep) = json_of(upload_named("sales\u{85}.csv").await.expect("upload")).await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    let (_, history) = app
        .get(&format!("/api/v1/restaurants/{r}/data/uploads"), &chef)
        .await;
    assert_eq!(history["items"][0]["filename"], "sales.csv", "{history}");
}

#[tokio::test]
async fn hardening_nul_in_an_ingredient_csv_is_a_422() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let resp = app
        .req(
            Method::POST,
            &format!("/api/v1/restaurants/{r}/ingredients/import"),
            Some(&chef.access),
        )
        .header(header::CONTENT_TYPE, "text/csv")
        .body("name,base_unit,unit_cost\nBa\0sil,kg,2\n")
        .send()
        .await
        .expect("import");
    let (s, b) = json_of(resp).await;
    assert_problem(s, &b, 422, "control_characters");
    let (_, list) = app
        .get(&format!("/api/v1/restaurants/{r}/ingredients"), &chef)
        .await;
    assert_eq!(list["items"], json!([]), "{list}");
}

/// With an allow-list configured, exactly the listed origins get CORS
/// headers, on preflights and on the real request; others get none.
#[tokio::test]
async fn hardening_cors_answers_only_the_configured_origins() {
    let app = spawn_app_with(|c| {
        c.allow_cors_origins(&["https://app.example".to_owned()])
            .expect("valid origin");
    })
    .await;
    let chef = app.register("cors@example.com").await;
    for (origin, allowed) in [
        ("https://app.example", true),
        ("https://evil.example", false),
    ] {
        let preflight = app
            .req(Method::OPTIONS, "/api/v1/restaurants", None)
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "authorization,content-type",
            )
            .send()
            .await
            .expect("preflight");
        let got = preflight
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        assert_eq!(
            got.as_deref(),
            allowed.then_some(origin),
            "preflight from {origin}"
        );
        let reply = app
            .req(Method::GET, "/api/v1/restaurants", Some(&chef.access))
            .header(header::ORIGIN, origin)
            .send()
            .await
            .expect("request");
        assert_eq!(reply.status(), StatusCode::OK);
        assert_eq!(
            reply
                .headers()
                .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                .is_some(),
            allowed,
            "request from {origin}"
        );
    }
    let mut bad = flux_api::ServerConfig::new("127.0.0.1:0".parse().expect("addr"), vec![0; 32]);
    assert!(bad
        .allow_cors_origins(&["https://a\nb".to_owned()])
        .is_err());
}
