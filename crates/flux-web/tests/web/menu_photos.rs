//! The menu photo page: upload a rendered menu, review the dishes beside
//! the photo, confirm them into the menu; a bad price is refused with
//! nothing added.

use flux_app::menu_photos::{Readers, Tesseract};
use flux_menuscan::synthetic::{render, standard_set};
use flux_testkit::menu_images::{encode, fonts};
use reqwest::StatusCode;

use crate::helpers::{csrf_of, page_of, spawn_app_with};

#[tokio::test]
async fn a_menu_photo_is_reviewed_beside_its_dishes_and_confirmed() {
    let tesseract = Tesseract::detect().await.expect("tesseract is installed");
    let app = spawn_app_with(move |s| {
        s.menu_readers(Readers {
            tesseract: Some(tesseract),
            vision: None,
        })
    })
    .await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Trattoria").await;
    let form = v.get(&format!("/app/r/{rid}/menu/photo")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("local OCR (Tesseract)"), "{}", form.body);
    let csrf = csrf_of(&form.body);

    let fonts = fonts();
    let page = render(&standard_set(fonts.len())[2], &fonts);
    let multipart = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(encode(&page.image, image::ImageFormat::Png))
                .file_name("menu.png"),
        );
    let done = page_of(
        v.http
            .post(format!("{}/app/r/{rid}/menu/photo", v.base))
            .multipart(multipart)
            .send()
            .await
            .expect("upload"),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let review_url = done.location.expect("location");
    let review = v.get(&review_url).await;
    assert_eq!(review.status, StatusCode::OK);
    for t in &page.truth {
        assert!(review.body.contains(&t.name), "{} missing", t.name);
    }
    assert!(review.body.contains("Confirm all into the menu"));
    assert!(review.body.contains("alt=\"The uploaded menu\""));
    let img = v.get(&format!("{review_url}/photo")).await;
    assert_eq!(img.status, StatusCode::OK);

    // A price that is not a number: nothing is added, the review is shown
    // again with the reason.
    let confirm = format!("{review_url}/confirm");
    let bad = v
        .submit(
            &review_url,
            &confirm,
            &[
                ("count", "2"),
                ("include_0", "on"),
                ("name_0", "Soup of the Day"),
                ("price_0", "4,50"),
                ("include_1", "on"),
                ("name_1", "Bread"),
                ("price_1", "cheap"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("not a number: cheap"), "{}", bad.body);
    let menu = v.get(&format!("/app/r/{rid}/menu")).await;
    assert!(!menu.body.contains("Soup of the Day"));

    // A dish refused half-way (a name over 100 characters) undoes the
    // dishes before it: nothing is added and the scan can still be
    // confirmed.
    let long = "x".repeat(300);
    let half = v
        .submit(
            &review_url,
            &confirm,
            &[
                ("count", "2"),
                ("include_0", "on"),
                ("name_0", "Soup of the Day"),
                ("price_0", "4,50"),
                ("include_1", "on"),
                ("name_1", long.as_str()),
                ("price_1", "2"),
            ],
        )
        .await;
    assert_eq!(
        half.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        half.body
    );
    let menu = v.get(&format!("/app/r/{rid}/menu")).await;
    assert!(
        !menu.body.contains("Soup of the Day"),
        "the first dish was kept"
    );
    assert!(half.body.contains("Confirm all into the menu"));

    // Unticked rows are left out.
    let ok = v
        .submit(
            &review_url,
            &confirm,
            &[
                ("count", "2"),
                ("include_0", "on"),
                ("name_0", "Soup of the Day"),
                ("price_0", "4,50"),
                ("name_1", "Bread"),
                ("price_1", "2"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let menu = v.get(&format!("/app/r/{rid}/menu")).await;
    assert!(menu.body.contains("Soup of the Day"));
    assert!(!menu.body.contains(">Bread<"));
    let review = v.get(&review_url).await;
    assert!(review.body.contains("Confirmed"));
    assert!(!review.body.contains("Confirm all into the menu"));
    let list = v.get(&format!("/app/r/{rid}/menu/photo")).await;
    assert!(
        list.body.contains("menu.png") && list.body.contains("confirmed"),
        "{}",
        list.body
    );
}
