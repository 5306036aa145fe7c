//! The dashboard lets an owner leave currency and format to the timezone,
//! and override, for one upload, how its dates are read and its zone; the
//! preview says what applies.

use reqwest::StatusCode;

use crate::helpers::{csrf_of, spawn_app, Visitor};

/// One ambiguous date: month first reads 5 January, day first 1 May.
const AMBIGUOUS: &str = "date,item,quantity,price\n1/5/2025,Bagel,3,4.00\n";

/// Posts the upload form with `fields` besides the file; (status, body).
async fn post_upload(v: &Visitor, rid: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let token = csrf_of(&v.get(&format!("/app/r/{rid}/uploads")).await.body);
    let mut form = reqwest::multipart::Form::new().text("csrf", token).part(
        "file",
        reqwest::multipart::Part::bytes(AMBIGUOUS.as_bytes().to_vec()).file_name("sales.csv"),
    );
    for (k, val) in fields {
        form = form.text(k.to_string(), val.to_string());
    }
    let resp = v
        .http
        .post(format!("{}/app/r/{rid}/uploads", v.base))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = resp.status();
    (status, resp.text().await.expect("body"))
}

async fn new_york(v: &Visitor) -> String {
    let page = v
        .submit(
            "/app",
            "/app/restaurants",
            &[
                ("name", "Lower East Deli"),
                ("timezone", "America/New_York"),
                ("currency", ""),
                ("locale", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location
        .expect("redirect")
        .trim_start_matches("/app/r/")
        .split('?')
        .next()
        .expect("id")
        .to_string()
}

#[tokio::test]
async fn the_create_form_leaves_currency_and_format_to_the_timezone() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("deli@example.com").await;
    let form = v.get("/app").await;
    assert_eq!(form.status, StatusCode::OK);
    for needle in [
        r#"name="timezone""#,
        r#"name="currency" value="""#,
        r#"name="locale""#,
        r#"<option value="" selected>From the timezone</option>"#,
    ] {
        assert!(
            form.body.contains(needle),
            "{needle} missing: {}",
            form.body
        );
    }

    new_york(&v).await;
    let list = v.get("/app").await;
    assert!(
        list.body.contains("America/New_York · USD"),
        "a New York restaurant gets dollars: {}",
        list.body
    );

    let bad = v
        .submit(
            "/app",
            "/app/restaurants",
            &[
                ("name", "Bad"),
                ("timezone", "Mars/Olympus"),
                ("currency", "EURO"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="timezone-error""#), "{}", bad.body);
    assert!(bad.body.contains(r#"id="currency-error""#), "{}", bad.body);
}

#[tokio::test]
async fn the_upload_form_offers_date_order_and_timezone_and_the_preview_shows_them() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("deli@example.com").await;
    let rid = new_york(&v).await;

    let form = v.get(&format!("/app/r/{rid}/uploads")).await;
    for needle in [
        r#"name="date_order""#,
        r#"<option value="auto" selected>Detect</option>"#,
        r#"<option value="dmy">"#,
        r#"<option value="mdy">"#,
        r#"name="timezone""#,
        r#"name="intent" value="preview""#,
    ] {
        assert!(
            form.body.contains(needle),
            "{needle} missing: {}",
            form.body
        );
    }

    // Detected: the restaurant's en-US reads month first.
    let (status, body) = post_upload(&v, &rid, &[("intent", "preview")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains(r#"data-date-order="mdy""#), "{body}");
    assert!(
        body.contains("the restaurant’s number and date format"),
        "{body}"
    );
    assert!(body.contains(r#"datetime="2025-01-05""#), "{body}");
    assert!(
        body.contains("America/New_York (the restaurant’s)"),
        "{body}"
    );
    assert!(body.contains("en-US"), "{body}");

    // Chosen: day first, another zone; the form keeps the choices.
    let (status, body) = post_upload(
        &v,
        &rid,
        &[
            ("intent", "preview"),
            ("date_order", "dmy"),
            ("timezone", "Europe/London"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains(r#"data-date-order="dmy""#), "{body}");
    assert!(body.contains("you chose it for this upload"), "{body}");
    assert!(body.contains(r#"datetime="2025-05-01""#), "{body}");
    assert!(
        body.contains("Europe/London (chosen for this upload)"),
        "{body}"
    );
    assert!(body.contains(r#"<option value="dmy" selected>"#), "{body}");

    // Nothing was stored by the previews; a bad choice names its field.
    let history = v.get(&format!("/app/r/{rid}/uploads")).await;
    assert!(history.body.contains("No uploads yet"), "{}", history.body);
    let (status, body) = post_upload(&v, &rid, &[("date_order", "dym")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("Date order: unknown date order"), "{body}");
    let (status, body) = post_upload(&v, &rid, &[("timezone", "Mars/Olympus")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("Timezone of the file’s times"), "{body}");

    // Importing with the choice stores 1 May (en-US writes it "May 1, 2025").
    let token = csrf_of(&v.get(&format!("/app/r/{rid}/uploads")).await.body);
    let form = reqwest::multipart::Form::new()
        .text("csrf", token)
        .part(
            "file",
            reqwest::multipart::Part::bytes(AMBIGUOUS.as_bytes().to_vec()).file_name("sales.csv"),
        )
        .text("date_order", "dmy");
    let resp = v
        .http
        .post(format!("{}/app/r/{rid}/uploads", v.base))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let detail = resp
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .expect("redirect to the upload")
        .to_string();
    let detail = v.get(&detail).await;
    assert!(detail.body.contains("May 1, 2025"), "{}", detail.body);
    assert!(
        detail.body.contains("chosen by the user"),
        "{}",
        detail.body
    );
}
