//! The audit log page: owners see who changed what; others may not look.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn audit_page_shows_owners_the_changes_with_their_author_and_filters() {
    let app = spawn_app().await;
    let owner = app.visitor();
    owner.sign_up("owner@example.com").await;
    let rid = owner.create_restaurant("Bistro").await;
    let settings = owner.get(&format!("/app/r/{rid}/settings")).await;
    assert!(
        settings.body.contains(&format!("/app/r/{rid}/audit")),
        "linked from settings"
    );

    let page = owner.get(&format!("/app/r/{rid}/audit")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("insert restaurants"), "{}", page.body);
    assert!(page.body.contains("owner@example.com"));
    let filtered = owner
        .get(&format!("/app/r/{rid}/audit?entity=menu_items"))
        .await;
    assert!(
        filtered.body.contains("No changes found"),
        "{}",
        filtered.body
    );
    let bad = owner.get(&format!("/app/r/{rid}/audit?entity=users")).await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("must be one of"), "{}", bad.body);

    let chef = app.visitor();
    chef.sign_up("chef@example.com").await;
    app.add_member("owner@example.com", &rid, "chef@example.com", "chef")
        .await;
    assert_eq!(
        chef.get(&format!("/app/r/{rid}/audit")).await.status,
        StatusCode::FORBIDDEN
    );
    let chef_settings = chef.get(&format!("/app/r/{rid}/settings")).await;
    assert!(
        !chef_settings.body.contains("/audit\""),
        "no link for non-owners"
    );
    // The chef's joining is in the owner's log, under the chef's name.
    let page = owner
        .get(&format!("/app/r/{rid}/audit?entity=memberships"))
        .await;
    assert!(page.body.contains("chef@example.com"), "{}", page.body);
}
