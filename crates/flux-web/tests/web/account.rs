//! The person's own account page: correct the address, change the
//! password (other browsers are logged out, this one stays), download
//! their data, and erase the account, each proven with the password.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, PASSWORD};

#[tokio::test]
async fn a_person_corrects_their_address_and_changes_their_password_from_the_account_page() {
    let app = spawn_app().await;
    let here = app.visitor();
    here.sign_up("old@example.com").await;
    let other = app.visitor();
    other.sign_up("taken@example.com").await;

    let page = here.get("/app/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("old@example.com"), "{}", page.body);
    assert!(
        page.body.contains(r#"href="/app/account""#),
        "linked from the top bar"
    );

    let wrong = here
        .submit(
            "/app/account",
            "/app/account/email",
            &[("email", "new@example.com"), ("current_password", "not it")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .body
            .contains("is not the account&#39;s current password")
            || wrong.body.contains("is not the account's current password"),
        "{}",
        wrong.body
    );
    assert!(
        wrong.body.contains(r#"value="new@example.com""#),
        "what was typed is kept"
    );
    let taken = here
        .submit(
            "/app/account",
            "/app/account/email",
            &[
                ("email", "taken@example.com"),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("already exists"), "{}", taken.body);

    let done = here
        .submit(
            "/app/account",
            "/app/account/email",
            &[("email", "New@Example.com"), ("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = here.get("/app/account?done=email-changed").await;
    assert!(
        page.body
            .contains("Signed in as <strong>new@example.com</strong>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("E-mail address saved"));

    // A second browser of the same person.
    let laptop = app.visitor();
    let login = laptop
        .submit(
            "/login",
            "/login",
            &[("email", "new@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        login.status,
        StatusCode::SEE_OTHER,
        "logs in with the new address"
    );
    assert_eq!(laptop.get("/app").await.status, StatusCode::OK);

    let short = here
        .submit(
            "/app/account",
            "/app/account/password",
            &[("current_password", PASSWORD), ("new_password", "short")],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short.body.contains("at least 8 characters"),
        "{}",
        short.body
    );
    let changed = here
        .submit(
            "/app/account",
            "/app/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(
        changed.location.as_deref(),
        Some("/app/account?done=password-changed")
    );
    assert_eq!(
        here.get("/app").await.status,
        StatusCode::OK,
        "this browser stays signed in"
    );
    let laptop_now = laptop.get("/app").await;
    assert_eq!(
        laptop_now.status,
        StatusCode::SEE_OTHER,
        "the other browser was logged out"
    );
    assert!(laptop_now.location.is_some_and(|l| l.starts_with("/login")));
}

#[tokio::test]
async fn a_person_downloads_their_data_and_erases_their_account_from_the_account_page() {
    let app = spawn_app().await;
    let owner = app.visitor();
    owner.sign_up("owner@example.com").await;
    owner.create_restaurant("Bistro").await;

    let export = owner.get("/app/account/export").await;
    assert_eq!(export.status, StatusCode::OK);
    let zip = owner
        .http
        .get(format!("{}/app/account/export", owner.base))
        .send()
        .await
        .expect("export");
    assert_eq!(
        zip.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/zip")
    );
    let bytes = zip.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"PK"), "a zip archive");

    let sole = owner
        .submit(
            "/app/account",
            "/app/account/erase",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(sole.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sole.body.contains("only owner of Bistro"), "{}", sole.body);

    let person = app.visitor();
    person.sign_up("leaving@example.com").await;
    let wrong = person
        .submit(
            "/app/account",
            "/app/account/erase",
            &[("password", "not it")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        person.get("/app").await.status,
        StatusCode::OK,
        "nothing happened"
    );
    let erased = person
        .submit(
            "/app/account",
            "/app/account/erase",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(erased.status, StatusCode::OK, "{}", erased.body);
    assert!(erased.body.contains("will be erased"), "{}", erased.body);
    assert_eq!(
        person.get("/app").await.status,
        StatusCode::SEE_OTHER,
        "logged out at once"
    );
}
