//! CSRF, tenancy and escaping: the ways a dashboard gets attacked.

use reqwest::StatusCode;

use crate::helpers::{csrf_of, spawn_app};

#[tokio::test]
async fn posts_without_a_valid_csrf_token_are_rejected() {
    let app = spawn_app().await;
    let v = app.visitor();
    // Even the login form needs one (login CSRF).
    let login = v
        .post(
            "/login",
            &[("email", "a@example.com"), ("password", "whatever1")],
        )
        .await;
    assert_eq!(login.status, StatusCode::FORBIDDEN);

    v.sign_up("owner@example.com").await;
    let no_token = v.post("/app/restaurants", &[("name", "Forged")]).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let wrong = v
        .post("/app/restaurants", &[("csrf", "AAAA"), ("name", "Forged")])
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);

    // A token from another session is worthless.
    let other = app.visitor();
    other.sign_up("other@example.com").await;
    let foreign = csrf_of(&other.get("/app").await.body);
    let stolen = v
        .post(
            "/app/restaurants",
            &[("csrf", &foreign), ("name", "Forged")],
        )
        .await;
    assert_eq!(stolen.status, StatusCode::FORBIDDEN);

    let rid = v.create_restaurant("Real").await;
    let upload = v
        .upload(
            &rid,
            None,
            "s.csv",
            b"date,item,quantity\n2024-01-01,Soup,1\n",
        )
        .await;
    assert_eq!(upload.status, StatusCode::FORBIDDEN);
    assert!(!v.get("/app").await.body.contains("Forged"));
}

#[tokio::test]
async fn another_restaurants_pages_are_not_found() {
    let app = spawn_app().await;
    let alice = app.visitor();
    alice.sign_up("alice@example.com").await;
    let rid = alice.create_restaurant("Alice's").await;

    let mallory = app.visitor();
    mallory.sign_up("mallory@example.com").await;
    mallory.create_restaurant("Mallory's").await;
    for path in ["", "/uploads", "/menu", "/menu/new", "/settings", "/health"] {
        let page = mallory.get(&format!("/app/r/{rid}{path}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.body.contains("Alice"), "{path} leaks the name");
    }
    let token = csrf_of(&mallory.get("/app").await.body);
    let write = mallory
        .post(
            &format!("/app/r/{rid}/menu"),
            &[("csrf", &token), ("name", "Planted")],
        )
        .await;
    assert_eq!(write.status, StatusCode::NOT_FOUND);
    assert_eq!(
        mallory.get("/app/r/not-a-uuid/menu").await.status,
        StatusCode::NOT_FOUND
    );
    // Signed-out visitors are sent to log in instead.
    let anon = app.visitor().get(&format!("/app/r/{rid}/menu")).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert!(anon
        .location
        .unwrap_or_default()
        .starts_with("/login?next="));
}

#[tokio::test]
async fn hostile_dish_names_are_escaped() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("<img src=x onerror=alert(2)>").await;
    let hostile = "<script>alert(1)</script>";
    let created = v
        .submit(
            &format!("/app/r/{rid}/menu/new"),
            &format!("/app/r/{rid}/menu"),
            &[("name", hostile), ("category", "\"><b>x</b>")],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let list = v.get(&format!("/app/r/{rid}/menu")).await;
    assert!(list.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!list.body.contains(hostile));
    assert!(!list.body.contains("<b>x</b>"));
    assert!(!list.body.contains("<img src=x"));
    // A sales file can name dishes too.
    let token = csrf_of(&v.get(&format!("/app/r/{rid}/uploads")).await.body);
    let csv = "date,item,quantity\n2024-01-01,<svg onload=alert(3)>,2\n";
    let up = v
        .upload(&rid, Some(&token), "<i>evil</i>.csv", csv.as_bytes())
        .await;
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.body);
    let overview = v.get(&format!("/app/r/{rid}")).await;
    assert!(overview.body.contains("&lt;svg onload=alert(3)&gt;"));
    assert!(!overview.body.contains("<svg onload"));
    let uploads = v.get(&format!("/app/r/{rid}/uploads")).await;
    assert!(!uploads.body.contains("<i>evil</i>"));
}
