//! Dashboard sessions live in the database: a cookie kept from before a
//! logout, a "log out everywhere", a revocation of every token or its
//! expiry opens nothing, and a forged or garbage cookie is a visitor who
//! must log in, never an error.

use std::time::Duration;

use flux_app::accounts::tokens::TokenKeys;
use flux_app::Kind;
use flux_web::session::{Keys, Session};
use reqwest::{header, StatusCode};
use uuid::Uuid;

use crate::helpers::{spawn_app, Page, TestApp, PASSWORD, SECRET};

/// The `flux_session` value a response set.
fn session_cookie(page: &Page) -> String {
    page.set_cookie
        .iter()
        .find_map(|c| c.strip_prefix("flux_session="))
        .and_then(|c| c.split(';').next())
        .filter(|v| !v.is_empty())
        .expect("a session cookie")
        .to_string()
}

/// The secret field of a cookie value (`v2.user.expires.secret.mac`).
fn secret_of(cookie: &str) -> &str {
    cookie.split('.').nth(3).expect("secret field")
}

/// A GET sent with exactly `cookie` and nothing remembered, as an attacker
/// replaying a copied cookie would.
async fn replay(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, Option<String>, String) {
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
        .get(format!("{}{path}", app.base))
        .header(header::COOKIE, format!("flux_session={cookie}"))
        .send()
        .await
        .expect("GET");
    let status = resp.status();
    let location = resp
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (status, location, resp.text().await.expect("body"))
}

/// `cookie` opens the restaurant list.
async fn assert_signed_in(app: &TestApp, cookie: &str) {
    let (status, location, body) = replay(app, cookie, "/app").await;
    assert_eq!(status, StatusCode::OK, "{location:?} {body}");
    assert!(body.contains("Log out everywhere"), "the signed-in chrome");
}

/// `cookie` is only good for the login page.
async fn assert_signed_out(app: &TestApp, cookie: &str) {
    let (status, location, body) = replay(app, cookie, "/app").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location.as_deref(), Some("/login"));
    let (status, _, body) = replay(app, cookie, "/login").await;
    assert_eq!(status, StatusCode::OK, "the login form, not a redirect");
    assert!(body.contains("Log in to Flux"), "{body}");
}

async fn user_id(app: &TestApp, email: &str) -> Uuid {
    flux_app::accounts::user_id_by_email(&app.pool, email)
        .await
        .expect("look up")
        .expect("account")
}

async fn log_in(app: &TestApp, email: &str) -> String {
    let page = app
        .visitor()
        .submit(
            "/login",
            "/login",
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    session_cookie(&page)
}

#[tokio::test]
async fn a_cookie_kept_from_before_logout_opens_nothing_after_it() {
    let app = spawn_app().await;
    let v = app.visitor();
    let kept = session_cookie(&v.sign_up("chef@example.com").await);
    let rid = v.create_restaurant("Casa Pepe").await;
    assert_signed_in(&app, &kept).await;
    let (status, _, _) = replay(&app, &kept, &format!("/app/r/{rid}")).await;
    assert_eq!(status, StatusCode::OK, "the copy works before logout");

    let out = v.submit("/app", "/logout", &[]).await;
    assert_eq!(out.location.as_deref(), Some("/login"));

    assert_signed_out(&app, &kept).await;
    let (status, location, body) = replay(&app, &kept, &format!("/app/r/{rid}")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location.as_deref().is_some_and(|l| l.starts_with("/login")),
        "{location:?}"
    );
    assert!(!body.contains("Casa Pepe"), "no restaurant content: {body}");
    assert_eq!(v.get("/app").await.location.as_deref(), Some("/login"));
}

#[tokio::test]
async fn logging_out_everywhere_ends_every_session_and_refresh_token() {
    let app = spawn_app().await;
    let email = "owner@example.com";
    let first = app.visitor();
    let first_cookie = session_cookie(&first.sign_up(email).await);
    let second_cookie = log_in(&app, email).await;
    assert_ne!(first_cookie, second_cookie);
    // A token pair issued to the same account, as the API's login does.
    let keys = TokenKeys::new(
        SECRET,
        Duration::from_secs(900),
        Duration::from_secs(86_400),
    );
    let issued = flux_app::accounts::login(&app.pool, &keys, email, PASSWORD, None)
        .await
        .expect("API login");
    // Someone else's session must survive.
    let bystander = app.visitor();
    let bystander_cookie = session_cookie(&bystander.sign_up("other@example.com").await);
    assert_signed_in(&app, &first_cookie).await;
    assert_signed_in(&app, &second_cookie).await;

    let out = first
        .submit("/app", "/logout", &[("scope", "everywhere")])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    assert_eq!(out.location.as_deref(), Some("/login"));

    assert_signed_out(&app, &first_cookie).await;
    assert_signed_out(&app, &second_cookie).await;
    let refused = flux_app::accounts::refresh(&app.pool, &keys, &issued.refresh_token)
        .await
        .expect_err("the refresh token is revoked");
    assert_eq!(refused.kind(), Some(Kind::InvalidToken));
    assert_signed_in(&app, &bystander_cookie).await;
}

#[tokio::test]
async fn revoking_every_token_of_a_user_also_ends_their_dashboard_sessions() {
    let app = spawn_app().await;
    let cookie = session_cookie(&app.visitor().sign_up("cook@example.com").await);
    assert_signed_in(&app, &cookie).await;
    // What the API's logout without a refresh token does.
    let user = user_id(&app, "cook@example.com").await;
    flux_app::accounts::logout(&app.pool, user, None)
        .await
        .expect("revoke all");
    assert_signed_out(&app, &cookie).await;
}

#[tokio::test]
async fn an_expired_session_leads_to_the_login_page() {
    let app = spawn_app().await;
    let cookie = session_cookie(&app.visitor().sign_up("late@example.com").await);
    assert_signed_in(&app, &cookie).await;
    // The cookie still claims a week; the database has the last word.
    let aged = flux_app::accounts::sessions::set_expiry(
        &app.pool,
        secret_of(&cookie),
        chrono::Utc::now() - chrono::Duration::seconds(1),
    )
    .await
    .expect("age the session");
    assert!(aged, "the cookie's secret names a stored session");
    assert_signed_out(&app, &cookie).await;
}

#[tokio::test]
async fn forged_and_garbage_cookies_lead_to_the_login_page_never_an_error() {
    let app = spawn_app().await;
    let real = session_cookie(&app.visitor().sign_up("real@example.com").await);
    let user = user_id(&app, "real@example.com").await;
    let keys = Keys::derive(SECRET);
    let far = chrono::Utc::now().timestamp() + 3600;
    // Validly signed, but no session was ever started with these secrets:
    // only the database can tell.
    let unknown_secret = Session::signed_in(user, "A".repeat(43), far).encode(&keys);
    let unknown_user =
        Session::signed_in(Uuid::now_v7(), format!("{}A", "B".repeat(42)), far).encode(&keys);
    // The real cookie with another user's id swapped in.
    let mut fields: Vec<&str> = real.split('.').collect();
    let other = Uuid::now_v7().simple().to_string();
    fields[1] = &other;
    let swapped = fields.join(".");
    let flipped_mac = format!("{}x", &real[..real.len() - 1]);
    let old_format = real.replacen("v2.", "v1.", 1);
    let long = "v2.".to_string() + &"z".repeat(3000);
    let garbage = [
        "garbage",
        "",
        "v2....",
        "v2.-.99999999999.x.y",
        "v2.not-a-uuid.1.2.3.4.5",
        &long,
        &unknown_secret,
        &unknown_user,
        &swapped,
        &flipped_mac,
        &old_format,
    ];
    for cookie in garbage {
        let (status, location, body) = replay(&app, cookie, "/app").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{cookie}: {body}");
        assert_eq!(location.as_deref(), Some("/login"), "{cookie}");
        let (status, _, body) = replay(&app, cookie, "/login").await;
        assert_eq!(status, StatusCode::OK, "{cookie}");
        assert!(body.contains("Log in to Flux"), "{cookie}");
    }
    assert_signed_in(&app, &real).await;
}

#[tokio::test]
async fn logging_in_again_ends_the_session_the_browser_held() {
    let app = spawn_app().await;
    let v = app.visitor();
    let before = session_cookie(&v.sign_up("again@example.com").await);
    let again = v
        .submit(
            "/app",
            "/login",
            &[("email", "again@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let after = session_cookie(&again);
    assert_ne!(before, after, "a new session, with a new secret");
    assert_signed_out(&app, &before).await;
    assert_signed_in(&app, &after).await;
}
