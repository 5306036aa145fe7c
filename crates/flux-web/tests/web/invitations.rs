//! The invitation link in the dashboard: a visitor is sent to sign up and
//! comes back to the invitation, accepts it once, and lands in the
//! restaurant; the wrong account and a used link get a page saying why.

use reqwest::StatusCode;

use crate::helpers::{csrf_of, spawn_app};

#[tokio::test]
async fn invitation_link_sign_up_come_back_accept_and_land_in_the_restaurant() {
    let app = spawn_app().await;
    let owner = app.visitor();
    owner.sign_up("owner@example.com").await;
    let rid = owner.create_restaurant("Bistro").await;
    let token = app
        .invite("owner@example.com", &rid, "chef@example.com", "chef")
        .await;
    let link = format!("/app/invitations/{token}");

    let invitee = app.visitor();
    let page = invitee.get(&link).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let login = page.location.expect("to login");
    assert!(login.starts_with("/login?next="), "{login}");
    // The login page offers sign-up, keeping the way back.
    let login_page = invitee.get(&login).await;
    let signup_href = login_page
        .body
        .split("href=\"")
        .find(|h| h.starts_with("/signup"))
        .and_then(|h| h.split('"').next())
        .expect("sign-up link")
        .replace("&amp;", "&");
    assert!(signup_href.contains("next="), "{signup_href}");
    let form = invitee.get(&signup_href).await;
    let csrf = csrf_of(&form.body);
    let next = format!("/app/invitations/{token}");
    let done = invitee
        .post(
            "/signup",
            &[
                ("csrf", &csrf),
                ("email", "chef@example.com"),
                ("password", crate::helpers::PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location.as_deref(),
        Some(link.as_str()),
        "back to the invitation"
    );

    let offer = invitee.get(&link).await;
    assert_eq!(offer.status, StatusCode::OK, "{}", offer.body);
    assert!(
        offer.body.contains("Bistro") && offer.body.contains("chef"),
        "{}",
        offer.body
    );
    let joined = invitee.submit(&link, &link, &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    assert_eq!(
        joined.location.as_deref(),
        Some(format!("/app/r/{rid}").as_str())
    );
    let inside = invitee.get(&format!("/app/r/{rid}")).await;
    assert_eq!(inside.status, StatusCode::OK);

    // Used once: the link now says so, without a form.
    let again = invitee.get(&link).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(
        again.body.contains("already been accepted"),
        "{}",
        again.body
    );
}

#[tokio::test]
async fn invitation_link_opened_by_another_account_says_so_and_joins_nobody() {
    let app = spawn_app().await;
    let owner = app.visitor();
    owner.sign_up("owner@example.com").await;
    let rid = owner.create_restaurant("Bistro").await;
    let token = app
        .invite("owner@example.com", &rid, "chef@example.com", "chef")
        .await;
    let link = format!("/app/invitations/{token}");
    let other = app.visitor();
    other.sign_up("other@example.com").await;
    let page = other.get(&link).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.body.contains("another e-mail address"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("chef@example.com"),
        "the invited address stays private"
    );
    // Posting anyway (with the CSRF of another page) changes nothing.
    let csrf = csrf_of(&other.get("/app").await.body);
    let post = other.post(&link, &[("csrf", &csrf)]).await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    assert_eq!(
        other.get(&format!("/app/r/{rid}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.get("/app/invitations/nonsense").await.status,
        StatusCode::NOT_FOUND
    );
}
