//! Hostile input at the dashboard's edge: login `next` values that try to
//! leave the site or inject headers, and control characters in queries
//! and forms, which must be a 4xx page naming the field, never a 500.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, PASSWORD};

#[tokio::test]
async fn hardening_login_follows_next_only_within_the_site() {
    let app = spawn_app().await;
    app.visitor().sign_up("chef@example.com").await;

    let hostile = [
        "//evil.example",
        "https://evil.example",
        "/\\evil",
        "/app\\evil.example",
        "/ok\r\nSet-Cookie:x",
        // Passes a prefix check; the line break would make the redirect
        // header unbuildable after the session was issued.
        "/app/ok\r\nSet-Cookie: x=1",
        "/app/a\0b",
        "javascript:alert(1)",
        "/app//evil.example",
    ];
    for next in hostile {
        let v = app.visitor();
        let login = v
            .submit(
                "/login",
                "/login",
                &[
                    ("email", "chef@example.com"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(
            login.status,
            StatusCode::SEE_OTHER,
            "{next:?}: {}",
            login.body
        );
        assert_eq!(login.location.as_deref(), Some("/"), "{next:?}");
        assert!(
            login.set_cookie.iter().all(|c| !c.starts_with("x=")),
            "{next:?}: {:?}",
            login.set_cookie
        );
        // Signed in despite the bad target: the dashboard opens.
        let home = v.get("/app").await;
        assert_eq!(home.status, StatusCode::OK, "{next:?}");

        // Signed in, the login page bounces to the same safe place.
        let encoded = flux_web::format::url_encode(next);
        let again = v.get(&format!("/login?next={encoded}")).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(again.location.as_deref(), Some("/"), "{next:?}");

        // Signed out, the form does not carry the value along.
        let fresh = app.visitor();
        let form = fresh.get(&format!("/login?next={encoded}")).await;
        assert_eq!(form.status, StatusCode::OK, "{next:?}");
        assert!(
            !form.body.contains("name=\"next\""),
            "{next:?}: {}",
            form.body
        );
    }

    // A dashboard path is followed.
    let v = app.visitor();
    let login = v
        .submit(
            "/login",
            "/login",
            &[
                ("email", "chef@example.com"),
                ("password", PASSWORD),
                ("next", "/app/restaurants/new"),
            ],
        )
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.body);
    assert_eq!(login.location.as_deref(), Some("/app/restaurants/new"));
}

#[tokio::test]
async fn hardening_control_characters_in_queries_and_forms_are_a_422_naming_the_field() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("chef@example.com").await;
    let rid = v.create_restaurant("Bistro").await;

    let search = v.get(&format!("/app/r/{rid}/ingredients?q=a%00b")).await;
    assert_eq!(
        search.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        search.body
    );
    assert!(search.body.contains("“q”"), "{}", search.body);
    // Ordinary searches still work.
    let fine = v.get(&format!("/app/r/{rid}/ingredients?q=tom")).await;
    assert_eq!(fine.status, StatusCode::OK);

    let created = v
        .submit(
            "/app",
            "/app/restaurants",
            &[
                ("name", "Zebra\0grass"),
                ("timezone", "Europe/Madrid"),
                ("currency", "EUR"),
                ("locale", "es-ES"),
            ],
        )
        .await;
    assert_eq!(
        created.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        created.body
    );
    assert!(created.body.contains("“name”"), "{}", created.body);
    assert!(!v.get("/app").await.body.contains("Zebra"));

    // NUL in the login form's e-mail: refused, nobody signed in.
    let stranger = app.visitor();
    let login = stranger
        .submit(
            "/login",
            "/login",
            &[("email", "chef@example.com\0"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        login.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        login.body
    );
    let app_page = stranger.get("/app").await;
    assert_eq!(app_page.status, StatusCode::SEE_OTHER, "still signed out");
}
