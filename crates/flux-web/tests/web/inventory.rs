//! The inventory pages: waste logged from the quick form (an ingredient
//! and a dish) with a refused entry changing nothing, the allergen review
//! and matrix, the recipe editor's allergen warning, and the variance
//! report.

use chrono::Duration;
use flux_app::costing::ingredients::IngredientInput;
use flux_app::costing::recipes::{LineInput, RecipeInput};
use flux_app::costing::Kitchen;
use flux_app::menu::MenuItemInput;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::helpers::spawn_app;

struct Setup {
    cheese: Uuid,
    flour: Uuid,
    toast: Uuid,
    item: Uuid,
}

/// Cheese (10.00/kg) and flour (1.00/kg); a cheese toast of 50 g cheese
/// and 100 g flour.
async fn setup(pool: &flux_store::PgPool, owner: Uuid, r: Uuid) -> Setup {
    let mut tx = flux_store::tenant::begin(pool, owner, r).await.expect("tx");
    let kitchen = Kitchen::load(&mut tx, r).await.expect("kitchen");
    let ingredient = |name: &str, cost: i64| IngredientInput {
        name: name.into(),
        base_unit: "kg".into(),
        unit_cost: Decimal::from(cost),
        ..Default::default()
    };
    let cheese =
        flux_app::costing::ingredients::create(&mut tx, r, &kitchen, &ingredient("Cheese", 10))
            .await
            .expect("cheese")
            .ingredient_id;
    let flour =
        flux_app::costing::ingredients::create(&mut tx, r, &kitchen, &ingredient("Flour", 1))
            .await
            .expect("flour")
            .ingredient_id;
    let item = flux_app::menu::create(
        &mut tx,
        r,
        &MenuItemInput {
            name: "Cheese toast".into(),
            price: Some(Decimal::from(6)),
            ..Default::default()
        },
    )
    .await
    .expect("item");
    let kitchen = Kitchen::load(&mut tx, r).await.expect("kitchen");
    let line = |id: Uuid, g: i64| LineInput {
        ingredient_id: Some(id),
        recipe_id: None,
        quantity: Decimal::from(g),
        unit: "g".into(),
        prep: None,
    };
    let toast = flux_app::costing::recipes::create(
        &mut tx,
        r,
        &kitchen,
        &RecipeInput {
            menu_item_id: Some(item.menu_item_id),
            name: None,
            portions: None,
            yields: None,
            lines: vec![line(cheese, 50), line(flour, 100)],
            acknowledge_allergen_change: false,
        },
    )
    .await
    .expect("recipe");
    tx.commit().await.expect("commit");
    Setup {
        cheese,
        flour,
        toast,
        item: item.menu_item_id,
    }
}

#[tokio::test]
async fn waste_is_logged_from_the_quick_form_and_a_bad_entry_changes_nothing() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Bistro").await;
    let r: Uuid = rid.parse().expect("uuid");
    let owner = app.user_id("owner@example.com").await;
    let s = setup(&app.pool, owner, r).await;
    let page = format!("/app/r/{rid}/inventory/waste");

    let form = v.get(&page).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("id=\"log-waste\""), "{}", form.body);
    assert!(form.body.contains("Staff meal"));

    // 200 g of cheese went off; three toasts were dropped.
    let cheese = format!("i:{}", s.cheese);
    let done = v
        .submit(
            &page,
            &page,
            &[
                ("item", &cheese),
                ("quantity", "200"),
                ("unit", "g"),
                ("reason", "spoiled"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let toast = format!("r:{}", s.toast);
    let done = v
        .submit(
            &page,
            &page,
            &[
                ("item", &toast),
                ("quantity", "3"),
                ("reason", "dropped"),
                ("note", "tray fell"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    // 0.2 kg × 10 = 2.00; 3 × (0.05 × 10 + 0.1 × 1) = 1.80.
    let log = v.get(&format!("{page}?done=logged")).await;
    assert!(log.body.contains("Waste logged."), "{}", log.body);
    let total = log.body.split("id=\"waste-total\"").nth(1).expect("total");
    // In the restaurant's locale: "3,80 €" or "€3.80".
    let head: String = total.chars().take(120).collect();
    assert!(head.contains("3,80") || head.contains("3.80"), "{head}");
    assert!(log.body.contains("tray fell"));
    assert!(log.body.contains("Dropped or burnt"));

    // Text for a quantity: refused beside the form, nothing stored.
    let refused = v
        .submit(
            &page,
            &page,
            &[("item", &cheese), ("quantity", "lots"), ("reason", "trim")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("must be greater than zero"),
        "{}",
        refused.body
    );
    let mut tx = flux_store::tenant::begin(&app.pool, owner, r)
        .await
        .expect("tx");
    let kitchen = Kitchen::load(&mut tx, r).await.expect("kitchen");
    let today = kitchen.today;
    let log =
        flux_app::inventory::waste::log(&mut tx, r, &kitchen, today - Duration::days(6), today)
            .await
            .expect("log");
    assert_eq!(log.entries.len(), 2, "the refused entry was not stored");
    tx.commit().await.expect("commit");
}

#[tokio::test]
async fn allergens_are_reviewed_shown_in_the_matrix_and_a_recipe_change_asks_first() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Bistro").await;
    let r: Uuid = rid.parse().expect("uuid");
    let owner = app.user_id("owner@example.com").await;
    let s = setup(&app.pool, owner, r).await;

    let matrix = v.get(&format!("/app/r/{rid}/inventory/allergens")).await;
    assert_eq!(matrix.status, StatusCode::OK);
    assert!(
        matrix.body.contains("2 ingredients have not been reviewed"),
        "{}",
        matrix.body
    );
    let review = format!("/app/r/{rid}/inventory/allergens/ingredients/{}", s.cheese);
    let done = v.submit(&review, &review, &[("milk", "on")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let review_flour = format!("/app/r/{rid}/inventory/allergens/ingredients/{}", s.flour);
    let done = v
        .submit(&review_flour, &review_flour, &[("wheat", "on")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);

    let matrix = v.get(&format!("/app/r/{rid}/inventory/allergens")).await;
    assert!(
        !matrix.body.contains("have not been reviewed"),
        "{}",
        matrix.body
    );
    let row = matrix
        .body
        .split("data-dish=\"Cheese toast\"")
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .expect("the toast's row");
    for a in ["milk", "gluten", "wheat"] {
        assert!(
            row.contains(&format!("data-allergen=\"{a}\" title=")),
            "{a} marked in {row}"
        );
    }
    assert!(!row.contains("data-allergen=\"eggs\" title="), "{row}");
    let sheet = v
        .get(&format!("/app/r/{rid}/inventory/allergens/sheet"))
        .await;
    assert!(
        sheet
            .body
            .contains("Cereals containing gluten, Milk, Wheat"),
        "{}",
        sheet.body
    );

    // Taking the cheese out of the toast removes milk: the editor says so
    // and saves only once the box is ticked.
    let editor = format!("/app/r/{rid}/recipes/{}", s.toast);
    let flour = format!("i:{}", s.flour);
    let item = s.item.to_string();
    let fields = [
        ("intent", "save"),
        ("menu_item_id", item.as_str()),
        ("portions", "1"),
        ("line0_component", flour.as_str()),
        ("line0_quantity", "100"),
        ("line0_unit", "g"),
    ];
    let warned = v.submit(&editor, &editor, &fields).await;
    assert_eq!(
        warned.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        warned.body
    );
    assert!(
        warned.body.contains("Cheese toast: removes milk"),
        "{}",
        warned.body
    );
    assert!(warned.body.contains("name=\"acknowledge_allergen_change\""));
    let mut ticked = fields.to_vec();
    ticked.push(("acknowledge_allergen_change", "on"));
    let saved = v.submit(&editor, &editor, &ticked).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let matrix = v.get(&format!("/app/r/{rid}/inventory/allergens")).await;
    let row = matrix
        .body
        .split("data-dish=\"Cheese toast\"")
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .expect("row");
    assert!(!row.contains("data-allergen=\"milk\" title="), "{row}");
}

#[tokio::test]
async fn the_variance_page_shows_the_counted_ingredients_and_the_food_cost() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Bistro").await;
    let r: Uuid = rid.parse().expect("uuid");
    let owner = app.user_id("owner@example.com").await;
    let s = setup(&app.pool, owner, r).await;
    let page = v.get(&format!("/app/r/{rid}/inventory")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("No ingredient has two stock counts"),
        "{}",
        page.body
    );

    let mut tx = flux_store::tenant::begin(&app.pool, owner, r)
        .await
        .expect("tx");
    let kitchen = Kitchen::load(&mut tx, r).await.expect("kitchen");
    let end = kitchen.today - Duration::days(1);
    let start = end - Duration::days(7);
    for (date, q) in [(start, 5), (end, 2)] {
        flux_app::purchasing::stock::record(
            &mut tx,
            r,
            &kitchen,
            flux_app::purchasing::stock::Kind::Count,
            date,
            &[flux_app::purchasing::stock::EventInput {
                ingredient_id: s.cheese,
                quantity: Decimal::from(q),
                unit: None,
                note: None,
                reason: None,
            }],
        )
        .await
        .expect("count");
    }
    tx.commit().await.expect("commit");
    let page = v
        .get(&format!(
            "/app/r/{rid}/inventory?from={}&to={end}",
            start + Duration::days(1)
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let table = page
        .body
        .split("id=\"variance\"")
        .nth(1)
        .expect("the variance table");
    // 5 − 2 = 3 kg left the shelf with nothing sold: 30.00 unexplained.
    assert!(table.contains("Cheese"), "{table}");
    assert!(
        table.contains("30,00") || table.contains("30.00"),
        "{table}"
    );
    let bad = v
        .get(&format!("/app/r/{rid}/inventory?from=yesterday"))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn preparation_yields_are_saved_from_the_ingredient_page_and_a_bad_one_is_explained() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Bistro").await;
    let r: Uuid = rid.parse().expect("uuid");
    let owner = app.user_id("owner@example.com").await;
    let s = setup(&app.pool, owner, r).await;
    let page = format!("/app/r/{rid}/ingredients/{}", s.cheese);
    let action = format!("{page}/yields");
    let saved = v
        .submit(
            &page,
            &action,
            &[
                ("action0", "grated"),
                ("yield0", "0,8"),
                ("action1", ""),
                ("yield1", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let shown = v.get(&page).await;
    assert!(shown.body.contains("value=\"grated\""), "{}", shown.body);
    assert!(shown.body.contains("value=\"0.8\""));
    let refused = v
        .submit(&page, &action, &[("action0", "grated"), ("yield0", "2")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"yield-problem\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("at most 1"));
    let editor = v.get(&format!("/app/r/{rid}/recipes/{}", s.toast)).await;
    assert!(
        editor.body.contains("<option value=\"grated\">"),
        "the editor offers it"
    );
}

#[tokio::test]
async fn par_levels_are_set_on_their_page_and_the_order_page_fills_to_them() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Bistro").await;
    let r: Uuid = rid.parse().expect("uuid");
    let owner = app.user_id("owner@example.com").await;
    let s = setup(&app.pool, owner, r).await;
    let page = format!("/app/r/{rid}/purchasing/pars");
    let shown = v.get(&page).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("no supplier"), "{}", shown.body);
    let action = format!("{page}/{}", s.cheese);
    let saved = v
        .submit(&page, &action, &[("min", "2"), ("max", "6,5")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let shown = v.get(&page).await;
    assert!(
        ["6.5", "6,5", "6.50", "6,50"]
            .iter()
            .any(|v| shown.body.contains(&format!("value=\"{v}\""))),
        "{}",
        shown.body
    );
    let refused = v
        .submit(&page, &action, &[("min", "9"), ("max", "1")])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let by_par = v.get(&format!("/app/r/{rid}/purchasing?policy=par")).await;
    assert_eq!(by_par.status, StatusCode::OK);
    assert!(
        by_par.body.contains("aria-current=\"page\">Fill to par"),
        "{}",
        by_par.body
    );
}

#[tokio::test]
async fn the_group_page_lists_the_users_restaurants_and_no_one_elses() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    v.create_restaurant("Bistro Uno").await;
    v.create_restaurant("Bistro Dos").await;
    let w = app.visitor();
    w.sign_up("other@example.com").await;
    w.create_restaurant("Somebody Else's").await;
    let list = v.get("/app").await;
    assert!(list.body.contains("href=\"/app/group\""), "{}", list.body);
    let page = v.get("/app/group?from=2026-01-01&to=2026-01-31").await;
    assert_eq!(page.status, StatusCode::OK);
    let table = page.body.split("id=\"group\"").nth(1).expect("table");
    assert!(
        table.contains("Bistro Uno") && table.contains("Bistro Dos"),
        "{table}"
    );
    assert!(!page.body.contains("Somebody Else"), "{}", page.body);
    let bad = v.get("/app/group?from=soon").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
