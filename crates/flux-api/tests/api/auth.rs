//! Accounts, tokens, rotation and throttling.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app, PASSWORD, SECRET};

#[tokio::test]
async fn register_logs_in_and_me_shows_the_normalised_email() {
    let app = spawn_app().await;
    let user = app.register("  Chef@Restaurant.COM ").await;
    let (status, me) = app
        .call(Method::GET, "/api/v1/auth/me", Some(&user.access), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], "chef@restaurant.com");
    assert!(me["id"].as_str().is_some());
    assert!(me["created_at"].as_str().is_some());
}

#[tokio::test]
async fn the_same_email_in_another_case_cannot_register_twice() {
    let app = spawn_app().await;
    app.register("chef@example.com").await;
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "CHEF@example.com", "password": PASSWORD})),
        )
        .await;
    assert_problem(status, &body, 409, "email_taken");
    assert_eq!(body["errors"][0]["field"], "email");
}

#[tokio::test]
async fn registration_rejects_bad_emails_and_short_passwords_per_field() {
    let app = spawn_app().await;
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "not-an-email", "password": "x"})),
        )
        .await;
    assert_problem(status, &body, 422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "email");
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "a@b.com", "password": "short"})),
        )
        .await;
    assert_problem(status, &body, 422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "password");
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    app.register("chef@example.com").await;
    let (s1, b1) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "chef@example.com", "password": "wrong password"})),
        )
        .await;
    let (s2, b2) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "nobody@example.com", "password": "wrong password"})),
        )
        .await;
    assert_problem(s1, &b1, 401, "invalid_credentials");
    assert_eq!((s1, &b1), (s2, &b2));
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "CHEF@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["token_type"], "bearer");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    let app = spawn_app().await;
    app.register("chef@example.com").await;
    for _ in 0..5 {
        let (s, _) = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": "chef@example.com", "password": "guess guess"})),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let resp = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"email": "chef@example.com", "password": PASSWORD}))
        .send()
        .await
        .expect("send");
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (s, b) = crate::helpers::json_of(resp).await;
    assert_problem(s, &b, 429, "too_many_attempts");
    let secs: u64 = retry.expect("Retry-After header").parse().expect("seconds");
    assert!(secs > 0 && secs <= 900);
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_revokes_the_whole_family() {
    let app = spawn_app().await;
    let user = app.register("chef@example.com").await;
    let (s, first) = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": user.refresh})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{first}");
    let rotated = first["refresh_token"]
        .as_str()
        .expect("new refresh")
        .to_string();
    assert_ne!(rotated, user.refresh);
    let (s, me) = app
        .call(
            Method::GET,
            "/api/v1/auth/me",
            Some(first["access_token"].as_str().expect("access")),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{me}");

    // The old token was used once already: presenting it again is theft.
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": user.refresh})),
        )
        .await;
    assert_problem(s, &b, 401, "refresh_token_reused");
    // ...and the thief's or the owner's newer token dies with it.
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": rotated})),
        )
        .await;
    assert_problem(s, &b, 401, "invalid_token");
}

#[tokio::test]
async fn logout_revokes_the_refresh_token() {
    let app = spawn_app().await;
    let user = app.register("chef@example.com").await;
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&user.access),
            Some(json!({"refresh_token": user.refresh})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": user.refresh})),
        )
        .await;
    assert_problem(s, &b, 401, "invalid_token");
    // Logout without a body ends every session of the user.
    let other = app.register("sous@example.com").await;
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&other.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": other.refresh})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn missing_garbage_forged_and_expired_tokens_are_refused() {
    let app = spawn_app().await;
    let user = app.register("chef@example.com").await;
    let (s, b) = app.call(Method::GET, "/api/v1/auth/me", None, None).await;
    assert_problem(s, &b, 401, "unauthenticated");
    let (s, b) = app
        .call(Method::GET, "/api/v1/auth/me", Some("not.a.jwt"), None)
        .await;
    assert_problem(s, &b, 401, "invalid_token");

    let (_, me) = app
        .call(Method::GET, "/api/v1/auth/me", Some(&user.access), None)
        .await;
    let user_id: uuid::Uuid = me["id"].as_str().expect("id").parse().expect("uuid");
    let ttl = std::time::Duration::from_secs(900);
    let forged = flux_api::TokenKeys::new(b"some-other-secret-some-other-secret!!", ttl, ttl)
        .issue_access(user_id)
        .expect("sign");
    let (s, b) = app
        .call(Method::GET, "/api/v1/auth/me", Some(&forged), None)
        .await;
    assert_problem(s, &b, 401, "invalid_token");

    let expired = flux_api::TokenKeys::new(SECRET, ttl, ttl)
        .issue_access_at(user_id, chrono::Utc::now().timestamp() - 3600)
        .expect("sign");
    let (s, b) = app
        .call(Method::GET, "/api/v1/auth/me", Some(&expired), None)
        .await;
    assert_problem(s, &b, 401, "token_expired");
}

#[tokio::test]
async fn changing_the_password_ends_every_other_login() {
    let app = crate::helpers::spawn_app().await;
    let user = app.register("chef@example.com").await;
    let uid = flux_app::accounts::user_id_by_email(&app.pool, "chef@example.com")
        .await
        .expect("lookup")
        .expect("user");
    let dashboard = flux_app::accounts::sessions::start(&app.pool, uid)
        .await
        .expect("session");
    let change = |current: &str, new: &str| serde_json::json!({"current_password": current, "new_password": new});

    let (s, b) = app
        .post(
            "/api/v1/auth/password",
            &user,
            change("wrong password", "a new long password"),
        )
        .await;
    crate::helpers::assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "current_password", "{b}");
    let (s, b) = app
        .post(
            "/api/v1/auth/password",
            &user,
            change(crate::helpers::PASSWORD, "short"),
        )
        .await;
    crate::helpers::assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "new_password", "{b}");

    let (s, fresh) = app
        .post(
            "/api/v1/auth/password",
            &user,
            change(crate::helpers::PASSWORD, "a new long password"),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::OK, "{fresh}");
    // The old refresh token and the dashboard session are dead.
    let (s, b) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(serde_json::json!({"refresh_token": user.refresh})),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::UNAUTHORIZED, "{b}");
    assert_eq!(
        flux_app::accounts::sessions::check(&app.pool, &dashboard.secret)
            .await
            .expect("check"),
        None
    );
    // The new pair works; the old password does not, the new one does.
    let (s, _) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(serde_json::json!({"refresh_token": fresh["refresh_token"]})),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::OK);
    let login = |pw: &str| serde_json::json!({"email": "chef@example.com", "password": pw});
    let (s, _) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(login(crate::helpers::PASSWORD)),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(login("a new long password")),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::OK);
}

#[tokio::test]
async fn a_user_downloads_all_of_their_own_data_as_json_in_a_zip() {
    use std::io::Read;
    let app = crate::helpers::spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let other = app.register("other@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    app.create_item(&owner, &r, "Paella", "Mains", 14.0).await;
    let theirs = app.create_restaurant(&other, "Elsewhere").await;
    app.create_item(&other, &theirs, "Secret dish", "Mains", 9.0)
        .await;

    let resp = app
        .req(
            reqwest::Method::GET,
            "/api/v1/auth/me/export",
            Some(&owner.access),
        )
        .send()
        .await
        .expect("export");
    assert_eq!(resp.status(), reqwest::StatusCode::OK);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/zip")
    );
    assert!(resp
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("attachment; filename=\"flux-data-")));
    let bytes = resp.bytes().await.expect("body");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .expect(name)
            .read_to_string(&mut text)
            .expect("read");
        text
    };
    let account: serde_json::Value = serde_json::from_str(&read("account.json")).expect("json");
    assert_eq!(account["email"], "owner@example.com");
    let memberships: serde_json::Value =
        serde_json::from_str(&read("memberships.json")).expect("json");
    assert_eq!(memberships[0]["restaurant"], "Bistro");
    assert_eq!(memberships[0]["role"], "owner");
    assert_eq!(memberships.as_array().map(Vec::len), Some(1));
    let changes = read("changes.json");
    assert!(changes.contains("Paella"), "their own edits");
    assert!(!changes.contains("Secret dish"), "nobody else's");
    let logins = read("logins.json");
    let all = format!(
        "{account}{memberships}{changes}{logins}{}",
        read("README.txt")
    );
    assert!(
        !all.contains("argon2") && !all.contains("token_hash") && !all.contains(&owner.refresh),
        "no secrets"
    );
    let (s, _) = app
        .call(reqwest::Method::GET, "/api/v1/auth/me/export", None, None)
        .await;
    assert_eq!(s, reqwest::StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_user_corrects_their_e_mail_address_and_logs_in_with_the_new_one() {
    let app = spawn_app().await;
    let me = app.register("old@example.com").await;
    app.register("taken@example.com").await;
    let change = |body: serde_json::Value| {
        let app = &app;
        let access = me.access.clone();
        async move {
            app.call(Method::PATCH, "/api/v1/auth/me", Some(&access), Some(body))
                .await
        }
    };

    let (s, b) = change(json!({"email": "New@Example.com", "current_password": "wrong one"})).await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "current_password", "{b}");
    let (s, b) = change(json!({"email": "not an address", "current_password": PASSWORD})).await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "email", "{b}");
    let (s, b) = change(json!({"email": "TAKEN@example.com", "current_password": PASSWORD})).await;
    assert_problem(s, &b, 409, "email_taken");
    let (s, b) =
        change(json!({"email": "a\u{0}b@example.com", "current_password": PASSWORD})).await;
    assert!(s.is_client_error(), "{s} {b}");
    let (_, unchanged) = app.get("/api/v1/auth/me", &me).await;
    assert_eq!(
        unchanged["email"], "old@example.com",
        "refusals change nothing"
    );

    let (s, b) = change(json!({"email": "New@Example.com", "current_password": PASSWORD})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["email"], "new@example.com", "normalised");
    let (_, shown) = app.get("/api/v1/auth/me", &me).await;
    assert_eq!(shown["email"], "new@example.com", "this login stays open");

    let login = |email: &'static str| {
        let app = &app;
        async move {
            app.call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": email, "password": PASSWORD})),
            )
            .await
            .0
        }
    };
    assert_eq!(login("new@example.com").await, StatusCode::OK);
    assert_eq!(login("old@example.com").await, StatusCode::UNAUTHORIZED);
    // The old address is free again.
    app.register("old@example.com").await;
}
