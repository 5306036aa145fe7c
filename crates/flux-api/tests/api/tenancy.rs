//! Cross-tenant isolation: for every tenant endpoint, a member of
//! restaurant A using B's ids gets 404 and B's data is unchanged.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp, User};

/// Everything B has, as B sees it.
async fn snapshot(app: &TestApp, b: &User, rb: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for path in [
        "",
        "/menu/items",
        "/members",
        "/invitations",
        "/settings",
        "/operating-hours",
    ] {
        let (s, v) = app.get(&format!("/api/v1/restaurants/{rb}{path}"), b).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
        out.push(v);
    }
    out
}

#[tokio::test]
async fn a_member_of_one_restaurant_cannot_touch_another_through_any_endpoint() {
    let app = spawn_app().await;
    let a = app.register("a@example.com").await;
    let b = app.register("b@example.com").await;
    let ra = app.create_restaurant(&a, "A's").await;
    let rb = app.create_restaurant(&b, "B's").await;
    let item_b = app
        .create_item(&b, &rb, "Secret Sauce", "Mains", 20.0)
        .await;
    let item_a = app.create_item(&a, &ra, "Open Sauce", "Mains", 10.0).await;
    let (_, me_b) = app.get("/api/v1/auth/me", &b).await;
    let user_b = me_b["id"].as_str().expect("id").to_string();
    app.post(
        &format!("/api/v1/restaurants/{rb}/operating-hours"),
        &b,
        json!({"days": [{"day_of_week": 2, "ranges": [{"open": "10:00", "close": "22:00"}]}]}),
    )
    .await;
    let before = snapshot(&app, &b, &rb).await;

    let item = json!({"name": "Hijacked", "price": 1});
    let cases: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/api/v1/restaurants/{rb}"), None),
        (
            Method::PATCH,
            format!("/api/v1/restaurants/{rb}"),
            Some(json!({"name": "pwned"})),
        ),
        (
            Method::GET,
            format!("/api/v1/restaurants/{rb}/members"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/restaurants/{rb}/invitations"),
            Some(json!({"email": "a@example.com", "role": "owner"})),
        ),
        (
            Method::GET,
            format!("/api/v1/restaurants/{rb}/invitations"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/restaurants/{rb}/members/{user_b}"),
            Some(json!({"role": "viewer"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/restaurants/{rb}/members/{user_b}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/restaurants/{rb}/settings"),
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/restaurants/{rb}/settings"),
            Some(json!({"waste_factor_enabled": false})),
        ),
        (
            Method::GET,
            format!("/api/v1/restaurants/{rb}/operating-hours"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/restaurants/{rb}/operating-hours"),
            Some(json!({"days": []})),
        ),
        (
            Method::GET,
            format!("/api/v1/restaurants/{rb}/menu/items"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/restaurants/{rb}/menu/items"),
            Some(item.clone()),
        ),
        (
            Method::GET,
            format!("/api/v1/restaurants/{rb}/menu/items/{item_b}"),
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/restaurants/{rb}/menu/items/{item_b}"),
            Some(item.clone()),
        ),
        (
            Method::DELETE,
            format!("/api/v1/restaurants/{rb}/menu/items/{item_b}"),
            None,
        ),
        // A's own restaurant with B's item id: the item is not A's either.
        (
            Method::GET,
            format!("/api/v1/restaurants/{ra}/menu/items/{item_b}"),
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/restaurants/{ra}/menu/items/{item_b}"),
            Some(item.clone()),
        ),
        (
            Method::DELETE,
            format!("/api/v1/restaurants/{ra}/menu/items/{item_b}"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/restaurants/{ra}/members/{user_b}"),
            Some(json!({"role": "viewer"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/restaurants/{ra}/members/{user_b}"),
            None,
        ),
    ];
    for (method, path, body) in cases {
        let (s, v) = app.call(method.clone(), &path, Some(&a.access), body).await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "{method} {path} must be 404 for another tenant, got {v}"
        );
        assert_eq!(v["code"], "not_found");
    }
    assert_eq!(
        snapshot(&app, &b, &rb).await,
        before,
        "B's data must be unchanged"
    );
    let (_, list) = app.get("/api/v1/restaurants", &a).await;
    assert_eq!(list["total"], 1, "A sees only A's restaurant");
    let (s, _) = app
        .get(&format!("/api/v1/restaurants/{ra}/menu/items/{item_a}"), &a)
        .await;
    assert_eq!(s, StatusCode::OK);
}

/// A path of the OpenAPI document made concrete: the restaurant is `rb`,
/// a dish id is B's dish, a date is a date, any other id a random one.
fn concrete(template: &str, rb: &str, item_b: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let name = &rest[open + 1..close];
        let value = match name {
            "restaurant_id" => rb.to_string(),
            n if n.contains("item") => item_b.to_string(),
            n if n.contains("date") => "2025-01-06".to_string(),
            _ => uuid::Uuid::now_v7().to_string(),
        };
        out.push_str(&value);
        rest = &rest[(close + 1).min(rest.len())..];
    }
    out.push_str(rest);
    out
}

/// Every operation the OpenAPI document lists under a restaurant, tried by
/// a member of another restaurant, by a visitor without a token and with a
/// forged token: never a success, never a server error, and B's data as it
/// was. The outsider gets 404 on every one, writes included (membership is
/// checked before the body is read, so nothing tells that B's ids exist).
#[tokio::test]
async fn every_tenant_route_refuses_an_outsider_a_visitor_and_a_forged_token() {
    let app = spawn_app().await;
    let a = app.register("a@example.com").await;
    let b = app.register("b@example.com").await;
    app.create_restaurant(&a, "A's").await;
    let rb = app.create_restaurant(&b, "B's").await;
    let item_b = app
        .create_item(&b, &rb, "Secret Sauce", "Mains", 20.0)
        .await;
    let before = snapshot(&app, &b, &rb).await;
    let (s, spec) = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let paths = spec["paths"].as_object().expect("paths");

    let forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged";
    let mut routes = 0;
    let mut probes = 0;
    for (template, ops) in paths {
        if !template.contains("{restaurant_id}") {
            continue;
        }
        for method in ops.as_object().expect("operations").keys() {
            let Ok(method) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            if ![
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ]
            .contains(&method)
            {
                continue;
            }
            routes += 1;
            let path = concrete(template, &rb, &item_b);
            let body = (method != Method::GET && method != Method::DELETE).then(|| json!({}));
            for (who, token) in [
                ("outsider", Some(a.access.as_str())),
                ("visitor", None),
                ("forged", Some(forged)),
            ] {
                probes += 1;
                let (s, v) = app.call(method.clone(), &path, token, body.clone()).await;
                let what = format!("{who}: {method} {path} -> {s} {v}");
                assert!(s.is_client_error(), "{what}");
                match who {
                    "outsider" => assert_eq!(s, StatusCode::NOT_FOUND, "{what}"),
                    _ => assert_eq!(s, StatusCode::UNAUTHORIZED, "{what}"),
                }
            }
        }
    }
    assert!(routes >= 60, "only {routes} tenant operations found");
    eprintln!("cross-tenant probe: {routes} operations x 3 callers = {probes} requests");
    assert_eq!(
        snapshot(&app, &b, &rb).await,
        before,
        "B's data must be unchanged"
    );
    let (_, items) = app
        .get(&format!("/api/v1/restaurants/{rb}/menu/items"), &b)
        .await;
    assert_eq!(items["total"], 1, "B's dish is still there: {items}");
}
