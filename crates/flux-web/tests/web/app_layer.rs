//! The dashboard's menu, settings, opening hours and profile forms follow
//! the same rules as the JSON API (they call the same use cases): what an
//! edit does to a dish from a sales upload, how a taken name is worded,
//! how filters treat spaces, and that a rejected form stores nothing and
//! lists every problem.

use reqwest::StatusCode;

use crate::helpers::{csrf_of, spawn_app, Visitor};

const SALES: &str = "date,item,quantity,price\n2024-03-01,Caesar Salad,3,12.50\n";

/// The ids of the dishes linked from a menu page, in page order.
fn dish_ids(rid: &str, html: &str) -> Vec<String> {
    let marker = format!("href=\"/app/r/{rid}/menu/");
    html.match_indices(&marker)
        .filter_map(|(at, _)| html.get(at + marker.len()..at + marker.len() + 36))
        .filter(|id| uuid::Uuid::parse_str(id).is_ok())
        .map(str::to_string)
        .collect()
}

async fn owner_with_restaurant(v: &Visitor) -> String {
    v.sign_up("owner@example.com").await;
    v.create_restaurant("Casa Pepe").await
}

async fn add_dish(v: &Visitor, rid: &str, name: &str, category: &str) {
    let page = v
        .submit(
            &format!("/app/r/{rid}/menu/new"),
            &format!("/app/r/{rid}/menu"),
            &[("name", name), ("category", category), ("active", "on")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

#[tokio::test]
async fn a_dashboard_edit_keeps_the_from_sales_mark_until_the_dish_is_renamed() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = owner_with_restaurant(&v).await;
    let token = csrf_of(&v.get(&format!("/app/r/{rid}/uploads")).await.body);
    let up = v
        .upload(&rid, Some(&token), "march.csv", SALES.as_bytes())
        .await;
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.body);
    let menu = v.get(&format!("/app/r/{rid}/menu")).await.body;
    let id = dish_ids(&rid, &menu).pop().expect("the imported dish");
    let edit = format!("/app/r/{rid}/menu/{id}");

    let priced = v
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Caesar Salad"),
                ("price", "13,00"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(priced.status, StatusCode::SEE_OTHER, "{}", priced.body);
    assert!(
        v.get(&edit).await.body.contains("from sales"),
        "a price fix does not change where the dish came from"
    );

    let renamed = v
        .submit(
            &edit,
            &edit,
            &[("name", "Caesar Salad XL"), ("active", "on")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.body);
    assert!(
        !v.get(&edit).await.body.contains("from sales"),
        "renaming makes the dish the operator's own"
    );
}

#[tokio::test]
async fn renaming_a_dish_to_a_taken_name_is_shown_beside_the_name() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = owner_with_restaurant(&v).await;
    add_dish(&v, &rid, "Tortilla", "Tapas").await;
    add_dish(&v, &rid, "Paella", "Mains").await;
    let menu = v.get(&format!("/app/r/{rid}/menu")).await.body;
    let paella = dish_ids(&rid, &menu)
        .into_iter()
        .next()
        .expect("Paella, first by name");
    let edit = format!("/app/r/{rid}/menu/{paella}");
    let page = v.submit(&edit, &edit, &[("name", " TORTILLA ")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains(r#"id="name-error""#)
            && page
                .body
                .contains("The name is already used by another dish"),
        "{}",
        page.body
    );
    assert!(v.get(&edit).await.body.contains("Paella"), "nothing saved");
}

#[tokio::test]
async fn menu_filters_ignore_spaces_around_them() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = owner_with_restaurant(&v).await;
    add_dish(&v, &rid, "Croquetas", "Tapas").await;
    add_dish(&v, &rid, "Paella", "Mains").await;
    let page = v
        .get(&format!("/app/r/{rid}/menu?category=%20tapas%20&q=%20"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Croquetas") && !page.body.contains("Paella"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_rejected_settings_form_lists_every_problem_and_stores_nothing() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = owner_with_restaurant(&v).await;
    let settings = format!("/app/r/{rid}/settings");
    let fields = |cutoff: &'static str, level: &'static str| {
        [
            ("day_cutoff_hour", cutoff),
            ("forecast_horizon_days", "21"),
            ("service_level", level),
            ("forecast_confidence_threshold", "0,7"),
            ("holiday_country", "ES"),
        ]
    };
    let bad = v.submit(&settings, &settings, &fields("four", "2")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("This must be a whole number.")
            && bad.body.contains("This must be between 0.5 and 0.999."),
        "text and out-of-range values are reported together: {}",
        bad.body
    );
    assert!(
        !v.get(&settings).await.body.contains(r#"value="21""#),
        "nothing was stored"
    );

    let ok = v.submit(&settings, &settings, &fields("6", "0.95")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = v.get(&settings).await.body;
    assert!(
        page.contains(r#"value="21""#) && page.contains(r#"value="6""#),
        "{page}"
    );
}

#[tokio::test]
async fn a_rejected_hours_form_lists_every_problem_and_stores_nothing() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = owner_with_restaurant(&v).await;
    let settings = format!("/app/r/{rid}/settings");
    let hours = format!("/app/r/{rid}/settings/hours");
    let bad = v
        .submit(
            &settings,
            &hours,
            &[
                ("d0_0_open", "12:00"),
                ("d0_0_close", "16:00"),
                ("d0_1_open", "15:00"),
                ("d0_1_close", "18:00"),
                ("d2_0_open", "09:00"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body
            .contains("Give both an opening and a closing time.")
            && bad
                .body
                .contains("Ranges must be in order and must not overlap."),
        "{}",
        bad.body
    );
    assert!(!v.get(&settings).await.body.contains(r#"value="12:00""#));

    let ok = v
        .submit(
            &settings,
            &hours,
            &[
                ("d0_0_open", "12:00"),
                ("d0_0_close", "16:00"),
                ("d0_1_open", "20:00"),
                ("d0_1_close", "23:30"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = v.get(&settings).await.body;
    assert!(
        page.contains(r#"value="12:00""#) && page.contains(r#"value="23:30""#),
        "{page}"
    );
}

#[tokio::test]
async fn the_profile_form_normalises_and_rejects_like_the_api() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = owner_with_restaurant(&v).await;
    let settings = format!("/app/r/{rid}/settings");
    let profile = format!("/app/r/{rid}/settings/profile");
    let bad = v
        .submit(
            &settings,
            &profile,
            &[
                ("name", "Casa Pepe"),
                ("timezone", "Mars/Base"),
                ("currency", "EURO"),
                ("locale", "es-ES"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains(r#"id="timezone-error""#) && bad.body.contains(r#"id="currency-error""#),
        "{}",
        bad.body
    );

    let ok = v
        .submit(
            &settings,
            &profile,
            &[
                ("name", " Casa Pepe Dos "),
                ("timezone", "Europe/London"),
                ("currency", " gbp "),
                ("locale", "en-GB"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = v.get(&settings).await.body;
    assert!(
        page.contains(r#"value="Casa Pepe Dos""#) && page.contains(r#"value="GBP""#),
        "{page}"
    );
}
