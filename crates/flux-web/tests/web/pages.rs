//! The pages do what they say: sign-up, onboarding, uploads with row
//! errors and undo, menu validation.

use reqwest::StatusCode;

use crate::helpers::{csrf_of, spawn_app};

const SALES: &str = "date,item,quantity,price\n\
2024-03-01,Caesar Salad,3,12.50\n\
2024-03-01,Tiramisu,2,6.00\n\
2024-03-02,Caesar Salad,4,12.50\n\
2024-03-02,Tiramisu,three,6.00\n\
2024-03-03,Caesar Salad,5,12.50\n";

#[tokio::test]
async fn signing_up_sets_a_session_cookie_and_leads_to_onboarding() {
    let app = spawn_app().await;
    let v = app.visitor();
    assert_eq!(v.get("/").await.location.as_deref(), Some("/login"));
    let signed_up = v.sign_up("Chef@Example.com").await;
    let cookie = signed_up
        .set_cookie
        .iter()
        .find(|c| c.starts_with("flux_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http on localhost cannot keep Secure cookies"
    );

    let rid = v.create_restaurant("Casa Pepe").await;
    let home = v.get(&format!("/app/r/{rid}?done=created")).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("Upload a sales file to get started"),
        "{}",
        home.body
    );
    assert_eq!(
        v.get("/").await.location,
        Some(format!("/app/r/{rid}")),
        "a user with one restaurant lands on it"
    );
}

#[tokio::test]
async fn wrong_password_shows_an_error_and_logging_out_ends_the_session() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("cook@example.com").await;
    let out = v.submit("/app", "/logout", &[]).await;
    assert_eq!(out.location.as_deref(), Some("/login"));
    assert_eq!(v.get("/app").await.location.as_deref(), Some("/login"));

    let bad = v
        .submit(
            "/login",
            "/login",
            &[("email", "cook@example.com"), ("password", "nope-nope")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Wrong e-mail or password."));
    let ok = v
        .submit(
            "/login",
            "/login",
            &[
                ("email", "cook@example.com"),
                ("password", crate::helpers::PASSWORD),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(v.get("/app").await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_upload_with_a_bad_row_lists_the_row_error_and_can_be_undone() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Casa Pepe").await;
    let token = csrf_of(&v.get(&format!("/app/r/{rid}/uploads")).await.body);
    let up = v
        .upload(&rid, Some(&token), "march.csv", SALES.as_bytes())
        .await;
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.body);
    let detail_path = up.location.expect("redirect to the upload");
    let detail = v.get(&detail_path).await;
    assert!(detail.body.contains("Rows with errors"));
    assert!(
        detail.body.contains("<code>three</code>"),
        "the bad value is shown: {}",
        detail.body
    );

    let overview = v.get(&format!("/app/r/{rid}")).await;
    assert!(overview.body.contains("<svg"), "the overview draws charts");
    assert!(overview.body.contains("Caesar Salad"));

    let undo_path = format!("{}/undo", detail_path.split('?').next().expect("path"));
    let undone = v.submit(&detail_path, &undo_path, &[]).await;
    assert_eq!(undone.status, StatusCode::SEE_OTHER);
    assert!(v.get(&detail_path).await.body.contains("Undone"));
    assert!(v
        .get(&format!("/app/r/{rid}"))
        .await
        .body
        .contains("Upload a sales file to get started"));
}

#[tokio::test]
async fn menu_form_shows_errors_beside_the_fields() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Casa Pepe").await;
    let new = format!("/app/r/{rid}/menu/new");
    let action = format!("/app/r/{rid}/menu");
    let bad = v
        .submit(&new, &action, &[("name", " "), ("price", "cheap")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains(r#"id="name-error""#) && bad.body.contains(r#"id="price-error""#),
        "{}",
        bad.body
    );

    let ok = v
        .submit(
            &new,
            &action,
            &[("name", "Tortilla"), ("price", "7,50"), ("active", "on")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let again = v.submit(&new, &action, &[("name", "  tortilla ")]).await;
    assert!(again.body.contains("is already used by another dish"));
    let list = v.get(&format!("/app/r/{rid}/menu?q=tort")).await;
    assert!(
        list.body.contains("Tortilla") && list.body.contains("7,50"),
        "es-ES money format"
    );
}

#[tokio::test]
async fn an_owner_schedules_and_cancels_the_restaurants_deletion_from_settings() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Casa Pepe").await;
    let settings = format!("/app/r/{rid}/settings");
    let page = v.get(&settings).await.body;
    assert!(page.contains("Delete this restaurant"), "{page}");

    let action = format!("{settings}/delete");
    let forged = v.post(&action, &[("name", "Casa Pepe")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let wrong = v.submit(&settings, &action, &[("name", "Casa Pep")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("Type the restaurant’s name exactly"),
        "{}",
        wrong.body
    );

    let done = v.submit(&settings, &action, &[("name", "casa pepe")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let shown = v.get(&done.location.expect("redirect")).await.body;
    assert!(shown.contains("Deletion scheduled"), "{shown}");
    assert!(shown.contains("will be deleted on"));
    assert!(shown.contains("Keep this restaurant"));

    let kept = v
        .submit(&settings, &format!("{settings}/delete/cancel"), &[])
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
    let after = v.get(&kept.location.expect("redirect")).await.body;
    assert!(after.contains("Deletion cancelled") && !after.contains("will be deleted on"));
}
