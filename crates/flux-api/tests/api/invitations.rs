//! Invitations, the only way in: invite by e-mail with a role, accept a
//! single-use, expiring link while logged in with that address; pending
//! invitations listed, resent (new link) and revoked. Inviting never tells
//! whether an account exists.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, smtp_sink, spawn_app, spawn_app_with, TestApp, User};

async fn invite(
    app: &TestApp,
    owner: &User,
    r: &str,
    email: &str,
    role: &str,
) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/restaurants/{r}/invitations"),
        owner,
        json!({"email": email, "role": role}),
    )
    .await
}

async fn accept(app: &TestApp, user: &User, token: &str) -> (StatusCode, Value) {
    app.post("/api/v1/invitations/accept", user, json!({"token": token}))
        .await
}

async fn member_emails(app: &TestApp, owner: &User, r: &str) -> Vec<String> {
    let (s, b) = app
        .get(&format!("/api/v1/restaurants/{r}/members"), owner)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m["email"].as_str().map(str::to_string))
        .collect()
}

async fn open_invitations(app: &TestApp, owner: &User, r: &str) -> Value {
    let (s, b) = app
        .get(&format!("/api/v1/restaurants/{r}/invitations"), owner)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

#[tokio::test]
async fn invitations_someone_without_an_account_signs_up_and_joins_once() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let (s, issued) = invite(&app, &owner, &r, "New.Chef@Example.com", "chef").await;
    assert_eq!(s, StatusCode::CREATED, "{issued}");
    assert_eq!(issued["emailed"], false);
    assert_eq!(issued["invitation"]["email"], "new.chef@example.com");
    assert_eq!(issued["invitation"]["role"], "chef");
    let token = issued["token"].as_str().expect("token").to_string();
    assert_eq!(issued["accept_path"], format!("/app/invitations/{token}"));
    let listed = open_invitations(&app, &owner, &r).await;
    assert_eq!(listed["total"], 1, "{listed}");
    assert!(
        listed.to_string().find(&token).is_none(),
        "the list never shows tokens"
    );

    let chef = app.register("new.chef@example.com").await;
    let (s, joined) = accept(&app, &chef, &token).await;
    assert_eq!(s, StatusCode::OK, "{joined}");
    assert_eq!(
        (joined["restaurant_name"].as_str(), joined["role"].as_str()),
        (Some("Bistro"), Some("chef"))
    );
    assert_eq!(joined["restaurant_id"], r.as_str());
    assert_eq!(
        member_emails(&app, &owner, &r).await,
        ["new.chef@example.com", "owner@example.com"]
    );
    let (s, _) = app
        .get(&format!("/api/v1/restaurants/{r}/menu/items"), &chef)
        .await;
    assert_eq!(s, StatusCode::OK, "the new member is in");

    let (s, b) = accept(&app, &chef, &token).await;
    assert_problem(s, &b, 410, "invitation_unusable");
    assert_eq!(open_invitations(&app, &owner, &r).await["total"], 0);
}

#[tokio::test]
async fn invitations_a_forwarded_link_makes_nobody_else_a_member() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let (_, issued) = invite(&app, &owner, &r, "chef@example.com", "chef").await;
    let token = issued["token"].as_str().expect("token");
    let stranger = app.register("stranger@example.com").await;
    let (s, b) = accept(&app, &stranger, token).await;
    assert_problem(s, &b, 403, "forbidden");
    assert!(
        !b.to_string().contains("chef@example.com"),
        "the invited address is not revealed: {b}"
    );
    let (s, _) = app
        .get(&format!("/api/v1/restaurants/{r}"), &stranger)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The right person still can.
    let chef = app.register("chef@example.com").await;
    let (s, b) = accept(&app, &chef, token).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // Nonsense tokens and anonymous callers get nothing.
    let (s, b) = accept(&app, &chef, "not-a-token").await;
    assert_problem(s, &b, 404, "not_found");
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/invitations/accept",
            None,
            Some(json!({"token": token})),
        )
        .await;
    assert_problem(s, &b, 401, "unauthenticated");
}

#[tokio::test]
async fn invitations_resend_replaces_the_link_and_revoke_ends_it() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let chef = app.register("chef@example.com").await;
    let (_, first) = invite(&app, &owner, &r, "chef@example.com", "chef").await;
    let id = first["invitation"]["id"].as_str().expect("id").to_string();
    let old = first["token"].as_str().expect("token").to_string();
    // A second open invitation to the same address is refused.
    let (s, b) = invite(&app, &owner, &r, "chef@example.com", "viewer").await;
    assert_problem(s, &b, 409, "conflict");

    let (s, again) = app
        .post(
            &format!("/api/v1/restaurants/{r}/invitations/{id}/resend"),
            &owner,
            json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{again}");
    let new = again["token"].as_str().expect("token").to_string();
    assert_ne!(new, old);
    let (s, b) = accept(&app, &chef, &old).await;
    assert_problem(s, &b, 404, "not_found");

    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/restaurants/{r}/invitations/{id}"),
            Some(&owner.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = accept(&app, &chef, &new).await;
    assert_problem(s, &b, 410, "invitation_unusable");
    assert!(
        b["detail"]
            .as_str()
            .is_some_and(|d| d.contains("withdrawn")),
        "{b}"
    );
    assert_eq!(open_invitations(&app, &owner, &r).await["total"], 0);
    assert_eq!(member_emails(&app, &owner, &r).await, ["owner@example.com"]);
    // Revoking twice, or resending a revoked one, is a 404.
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/restaurants/{r}/invitations/{id}"),
            Some(&owner.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A new invitation after the revoked one is fine.
    let (s, b) = invite(&app, &owner, &r, "chef@example.com", "viewer").await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

#[tokio::test]
async fn invitations_an_expired_link_is_refused_until_resent() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let chef = app.register("chef@example.com").await;
    let (_, issued) = invite(&app, &owner, &r, "chef@example.com", "chef").await;
    let id: uuid::Uuid = issued["invitation"]["id"]
        .as_str()
        .and_then(|i| i.parse().ok())
        .expect("id");
    let rid: uuid::Uuid = r.parse().expect("rid");
    let (_, me) = app.get("/api/v1/auth/me", &owner).await;
    let owner_id: uuid::Uuid = me["id"]
        .as_str()
        .and_then(|i| i.parse().ok())
        .expect("owner id");
    let mut tx = flux_store::tenant::begin(&app.pool, owner_id, rid)
        .await
        .expect("tenant");
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    assert!(flux_app::invitations::set_expiry(&mut tx, rid, id, past)
        .await
        .expect("age"));
    tx.commit().await.expect("commit");

    let listed = open_invitations(&app, &owner, &r).await;
    assert_eq!(listed["items"][0]["expired"], true, "{listed}");
    let (s, b) = accept(&app, &chef, issued["token"].as_str().expect("token")).await;
    assert_problem(s, &b, 410, "invitation_unusable");
    assert!(
        b["detail"].as_str().is_some_and(|d| d.contains("expired")),
        "{b}"
    );

    let (_, again) = app
        .post(
            &format!("/api/v1/restaurants/{r}/invitations/{id}/resend"),
            &owner,
            json!(null),
        )
        .await;
    let (s, b) = accept(&app, &chef, again["token"].as_str().expect("token")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

#[tokio::test]
async fn invitations_are_e_mailed_with_an_absolute_link_when_smtp_is_configured() {
    let (url, sink) = smtp_sink().await;
    let mailer = flux_app::purchasing::mail::Mailer::from_url(&url, "Flux <team@flux.example>")
        .expect("mailer");
    let app = spawn_app_with(move |c| {
        c.mailer = Some(mailer);
        c.public_url = Some("https://flux.example/".into());
    })
    .await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let (s, issued) = invite(&app, &owner, &r, "chef@example.com", "manager").await;
    assert_eq!(s, StatusCode::CREATED, "{issued}");
    assert_eq!(issued["emailed"], true);
    assert!(
        issued.get("token").is_none() && issued.get("accept_path").is_none(),
        "the link went to the invitee only: {issued}"
    );
    let (rcpt, data) = sink.await.expect("sink");
    assert!(
        rcpt.iter().any(|r| r.contains("chef@example.com")),
        "{rcpt:?}"
    );
    let unfolded = data.replace("=\n", "");
    assert!(unfolded.contains("Join Bistro on Flux"), "{data}");
    let link_at = unfolded
        .find("https://flux.example/app/invitations/")
        .expect("absolute link");
    let token: String = unfolded[link_at + "https://flux.example/app/invitations/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let chef = app.register("chef@example.com").await;
    let (s, b) = accept(&app, &chef, &token).await;
    assert_eq!(s, StatusCode::OK, "the e-mailed link works: {b}");
    assert_eq!(b["role"], "manager");
}

#[tokio::test]
async fn invitations_members_are_no_longer_added_directly() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let other = app.register("other@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let (s, _) = app
        .post(
            &format!("/api/v1/restaurants/{r}/members"),
            &owner,
            json!({"email": other.email, "role": "chef"}),
        )
        .await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(member_emails(&app, &owner, &r).await, ["owner@example.com"]);
}

#[tokio::test]
async fn invitations_of_another_restaurant_cannot_be_seen_resent_or_revoked() {
    let app = spawn_app().await;
    let a = app.register("a@example.com").await;
    let b = app.register("b@example.com").await;
    let ra = app.create_restaurant(&a, "A's").await;
    let rb = app.create_restaurant(&b, "B's").await;
    let (_, issued) = invite(&app, &a, &ra, "chef@example.com", "chef").await;
    let id = issued["invitation"]["id"].as_str().expect("id").to_string();
    for base in [&ra, &rb] {
        let (s, body) = app
            .post(
                &format!("/api/v1/restaurants/{base}/invitations/{id}/resend"),
                &b,
                json!(null),
            )
            .await;
        assert_problem(s, &body, 404, "not_found");
        let (s, body) = app
            .call(
                Method::DELETE,
                &format!("/api/v1/restaurants/{base}/invitations/{id}"),
                Some(&b.access),
                None,
            )
            .await;
        assert_problem(s, &body, 404, "not_found");
    }
    let (s, body) = app
        .get(&format!("/api/v1/restaurants/{ra}/invitations"), &b)
        .await;
    assert_problem(s, &body, 404, "not_found");
    assert_eq!(open_invitations(&app, &b, &rb).await["total"], 0);
    // Hostile input is refused by name and stores nothing.
    let (s, body) = invite(&app, &a, &ra, "x\u{0}@example.com", "chef").await;
    assert_problem(s, &body, 422, "control_characters");
    let (s, body) = invite(
        &app,
        &a,
        &ra,
        &format!("{}@example.com", "a".repeat(5000)),
        "chef",
    )
    .await;
    assert_problem(s, &body, 422, "validation_failed");
    let listed = open_invitations(&app, &a, &ra).await;
    assert_eq!(
        listed["total"], 1,
        "A's one invitation, untouched: {listed}"
    );
    let chef = app.register("chef@example.com").await;
    let (s, body) = accept(&app, &chef, issued["token"].as_str().expect("token")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
}
