//! Erasing an account (GDPR): every login ends at once, logging in during
//! the 30-day grace period cancels it, and afterwards the account, its
//! memberships and its address in the audit log are gone while the
//! restaurant's data stays. The only owner of a restaurant cannot leave it
//! orphaned.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app, PASSWORD};

#[tokio::test]
async fn erasure_ends_logins_waits_out_the_grace_period_then_forgets_the_person() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    app.add_member(&owner, &r, &chef, "chef").await;
    app.create_item(&chef, &r, "Paella", "Mains", 14.0).await;
    let chef_id = app.user_id("chef@example.com").await;

    let (s, b) = app
        .post(
            "/api/v1/auth/me/erase",
            &owner,
            json!({"password": PASSWORD}),
        )
        .await;
    assert_problem(s, &b, 409, "last_owner");
    assert!(
        b["detail"].as_str().is_some_and(|d| d.contains("Bistro")),
        "{b}"
    );
    let (s, b) = app
        .post(
            "/api/v1/auth/me/erase",
            &chef,
            json!({"password": "not it"}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");

    let (s, b) = app
        .post(
            "/api/v1/auth/me/erase",
            &chef,
            json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    let at: chrono::DateTime<chrono::Utc> = b["erase_after"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("erase_after");
    assert!(at > chrono::Utc::now() + chrono::Duration::days(29), "{at}");
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": chef.refresh})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "every login ended");
    let worker = flux_jobs::Worker::new(app.pool.clone());
    assert!(
        worker.run_once().await.expect("worker").is_none(),
        "nothing due before the grace period ends"
    );

    flux_app::accounts::erasure::make_due(&app.pool, chef_id)
        .await
        .expect("due");
    let ran = worker.run_once().await.expect("worker").expect("a job");
    assert!(
        matches!(ran, flux_jobs::Outcome::Done { ref kind, .. } if kind == "erase_account"),
        "{ran:?}"
    );

    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "chef@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the account is gone");
    let (_, members) = app
        .get(&format!("/api/v1/restaurants/{r}/members"), &owner)
        .await;
    assert_eq!(members["total"], 1, "{members}");
    let (_, items) = app
        .get(&format!("/api/v1/restaurants/{r}/menu/items"), &owner)
        .await;
    assert_eq!(items["total"], 1, "the restaurant keeps its data: {items}");
    let (_, log) = app
        .get(&format!("/api/v1/restaurants/{r}/audit?limit=200"), &owner)
        .await;
    assert!(
        !log.to_string().contains("chef@example.com"),
        "the address is gone from the log: {log}"
    );
    // The same address may sign up afresh, as a new person.
    app.register("chef@example.com").await;
}

#[tokio::test]
async fn erasure_is_cancelled_by_logging_in_during_the_grace_period() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let viewer = app.register("viewer@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    app.add_member(&owner, &r, &viewer, "viewer").await;
    let (s, _) = app
        .post(
            "/api/v1/auth/me/erase",
            &viewer,
            json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "viewer@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let id = app.user_id("viewer@example.com").await;
    flux_app::accounts::erasure::make_due(&app.pool, id)
        .await
        .expect("due");
    let worker = flux_jobs::Worker::new(app.pool.clone());
    worker
        .run_once()
        .await
        .expect("worker")
        .expect("the job runs");
    let (_, members) = app
        .get(&format!("/api/v1/restaurants/{r}/members"), &owner)
        .await;
    assert_eq!(members["total"], 2, "still a member: {members}");
}

#[tokio::test]
async fn an_erasure_cancelled_and_asked_for_again_still_happens() {
    let app = spawn_app().await;
    let person = app.register("twice@example.com").await;
    let id = app.user_id("twice@example.com").await;
    let erase = |access: String| {
        let app = &app;
        async move {
            app.call(
                Method::POST,
                "/api/v1/auth/me/erase",
                Some(&access),
                Some(json!({"password": PASSWORD})),
            )
            .await
        }
    };
    let (s, _) = erase(person.access.clone()).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let (s, login) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "twice@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "logging in cancels: {login}");
    let access = login["access_token"].as_str().expect("token").to_string();
    let (s, _) = erase(access).await;
    assert_eq!(s, StatusCode::ACCEPTED);

    // The job of the first request comes due first and finds the second
    // not due yet: it must leave a job for the second's time.
    let mut tx = app.pool.begin().await.expect("tx");
    flux_store::jobs::bring_forward(&mut tx, &format!("erase:{id}"))
        .await
        .expect("bring forward");
    tx.commit().await.expect("commit");
    let worker = flux_jobs::Worker::new(app.pool.clone());
    worker
        .run_once()
        .await
        .expect("worker")
        .expect("the first job runs");
    assert!(
        flux_app::accounts::user_id_by_email(&app.pool, "twice@example.com")
            .await
            .expect("lookup")
            .is_some(),
        "not erased before its time"
    );

    flux_app::accounts::erasure::make_due(&app.pool, id)
        .await
        .expect("due");
    worker
        .run_once()
        .await
        .expect("worker")
        .expect("the second job runs");
    assert!(
        flux_app::accounts::user_id_by_email(&app.pool, "twice@example.com")
            .await
            .expect("lookup")
            .is_none(),
        "erased at the second request's time"
    );
}

#[tokio::test]
async fn erasure_scrubs_the_address_from_invitations_of_restaurants_never_joined() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let other = app.register("other@example.com").await;
    let person = app.register("person@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let elsewhere = app.create_restaurant(&other, "Elsewhere").await;
    let untouched = app.create_restaurant(&other, "Untouched").await;
    for (who, rid, email) in [
        (&owner, &r, "person@example.com"),
        (&other, &elsewhere, "person@example.com"),
        (&other, &untouched, "someone@example.com"),
    ] {
        let (s, b) = app
            .post(
                &format!("/api/v1/restaurants/{rid}/invitations"),
                who,
                json!({"email": email, "role": "chef"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let id = app.user_id("person@example.com").await;
    let (s, b) = app
        .post(
            "/api/v1/auth/me/erase",
            &person,
            json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    flux_app::accounts::erasure::make_due(&app.pool, id)
        .await
        .expect("due");
    flux_jobs::Worker::new(app.pool.clone())
        .run_once()
        .await
        .expect("worker")
        .expect("a job");

    for (who, rid) in [(&owner, &r), (&other, &elsewhere)] {
        let (_, open) = app
            .get(&format!("/api/v1/restaurants/{rid}/invitations"), who)
            .await;
        assert_eq!(open["total"], 0, "withdrawn with the address: {open}");
        let (_, log) = app
            .get(&format!("/api/v1/restaurants/{rid}/audit?limit=200"), who)
            .await;
        assert!(
            !log.to_string().contains("person@example.com"),
            "the address is gone from {rid}'s log: {log}"
        );
    }
    let (_, open) = app
        .get(
            &format!("/api/v1/restaurants/{untouched}/invitations"),
            &other,
        )
        .await;
    assert_eq!(open["total"], 1, "other people's invitations stay: {open}");
    assert_eq!(open["items"][0]["email"], "someone@example.com");
}

#[tokio::test]
async fn wrong_passwords_for_erasure_count_against_the_login_throttle() {
    let app = spawn_app().await;
    let person = app.register("guess@example.com").await;
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        let (s, _) = app
            .post(
                "/api/v1/auth/me/erase",
                &person,
                json!({"password": "a wrong guess"}),
            )
            .await;
        last = s;
    }
    assert_eq!(
        last,
        StatusCode::TOO_MANY_REQUESTS,
        "a stolen token cannot guess on"
    );
    let (s, b) = app
        .post(
            "/api/v1/auth/me/erase",
            &person,
            json!({"password": PASSWORD}),
        )
        .await;
    assert_problem(s, &b, 429, "too_many_attempts");
}
