//! The upload history pages: undo is idempotent and kept to roles that
//! write data, and another restaurant's uploads are not found, as through
//! the API.

use reqwest::StatusCode;

use crate::helpers::{csrf_of, spawn_app, Visitor};

const SALES: &str = "date,item,quantity,price\n\
2024-03-01,Caesar Salad,3,12.50\n\
2024-03-02,Tiramisu,2,6.00\n";

/// The status badges of an imported and an undone upload.
const IMPORTED: &str = r#"<span class="badge ok">Imported</span>"#;
const UNDONE: &str = r#"<span class="badge muted">Undone</span>"#;

/// Uploads `SALES` and returns the upload's page (without the query).
async fn upload(v: &Visitor, rid: &str) -> String {
    let token = csrf_of(&v.get(&format!("/app/r/{rid}/uploads")).await.body);
    let up = v
        .upload(rid, Some(&token), "march.csv", SALES.as_bytes())
        .await;
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.body);
    up.location
        .expect("redirect to the upload")
        .split('?')
        .next()
        .expect("path")
        .to_string()
}

/// Posts the undo form of the upload at `detail` (the token comes from the
/// history page, which every member can open).
async fn undo(v: &Visitor, rid: &str, detail: &str) -> crate::helpers::Page {
    v.submit(
        &format!("/app/r/{rid}/uploads"),
        &format!("{detail}/undo"),
        &[],
    )
    .await
}

#[tokio::test]
async fn undoing_an_undone_upload_again_leaves_the_reimported_file_alone() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Casa Pepe").await;
    let first = upload(&v, &rid).await;
    let undone = undo(&v, &rid, &first).await;
    assert_eq!(undone.status, StatusCode::SEE_OTHER, "{}", undone.body);
    assert_eq!(
        undone.location.as_deref(),
        Some(format!("{first}?done=undone").as_str())
    );

    // The same file can be imported again once its upload is undone.
    let again = upload(&v, &rid).await;
    assert_ne!(again, first);
    let twice = undo(&v, &rid, &first).await;
    assert_eq!(twice.status, StatusCode::SEE_OTHER, "{}", twice.body);
    assert_eq!(
        twice.location.as_deref(),
        Some(format!("{first}?done=undone").as_str())
    );

    let overview = v.get(&format!("/app/r/{rid}")).await;
    assert!(
        overview.body.contains("Caesar Salad"),
        "the re-import's sales stay: {}",
        overview.body
    );
    let current = v.get(&again).await.body;
    assert!(current.contains(IMPORTED) && current.contains("Undo upload"));
    let old = v.get(&first).await.body;
    assert!(old.contains(UNDONE) && !old.contains("Undo upload"));
    let history = v.get(&format!("/app/r/{rid}/uploads")).await.body;
    assert!(
        history.contains(IMPORTED) && history.contains(UNDONE),
        "both uploads are listed with their status: {history}"
    );
}

#[tokio::test]
async fn a_viewer_sees_the_upload_without_an_undo_button_and_cannot_undo() {
    let app = spawn_app().await;
    let owner = app.visitor();
    owner.sign_up("owner@example.com").await;
    let rid = owner.create_restaurant("Casa Pepe").await;
    let detail = upload(&owner, &rid).await;
    let viewer = app.visitor();
    viewer.sign_up("viewer@example.com").await;
    app.add_member("owner@example.com", &rid, "viewer@example.com", "viewer")
        .await;

    let page = viewer.get(&detail).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(IMPORTED) && !page.body.contains("Undo upload"));
    let refused = undo(&viewer, &rid, &detail).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(owner.get(&detail).await.body.contains("Undo upload"));
}

#[tokio::test]
async fn another_restaurants_upload_is_not_found_and_stays_imported() {
    let app = spawn_app().await;
    let owner = app.visitor();
    owner.sign_up("owner@example.com").await;
    let rid = owner.create_restaurant("Casa Pepe").await;
    let detail = upload(&owner, &rid).await;
    let upload_id = detail.rsplit('/').next().expect("id").to_string();

    let other = app.visitor();
    other.sign_up("other@example.com").await;
    let mine = other.create_restaurant("Other").await;
    let theirs = format!("/app/r/{mine}/uploads/{upload_id}");
    assert_eq!(other.get(&theirs).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        undo(&other, &mine, &theirs).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(owner.get(&detail).await.body.contains("Undo upload"));
}
