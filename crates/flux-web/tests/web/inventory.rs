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

/// A supplier "Fresh Co" offering the cheese in 1 kg packs at 10.00.
async fn supplier(pool: &flux_store::PgPool, owner: Uuid, r: Uuid, cheese: Uuid) -> Uuid {
    use flux_app::purchasing::suppliers::{self, OfferInput, SupplierInput};
    let mut tx = flux_store::tenant::begin(pool, owner, r).await.expect("tx");
    let kitchen = Kitchen::load(&mut tx, r).await.expect("kitchen");
    let s = suppliers::create(
        &mut tx,
        r,
        &SupplierInput {
            name: "Fresh Co".into(),
            contact_name: None,
            email: None,
            phone: None,
            lead_time_days: None,
            delivery_days: None,
            min_order_value: None,
        },
    )
    .await
    .expect("supplier");
    suppliers::set_offer(
        &mut tx,
        r,
        &kitchen,
        s.supplier_id,
        cheese,
        &OfferInput {
            pack_size: "1 kg".into(),
            pack_price: Decimal::from(10),
            preferred: true,
        },
    )
    .await
    .expect("offer");
    tx.commit().await.expect("commit");
    s.supplier_id
}

#[tokio::test]
async fn an_invoice_is_imported_from_the_page_matched_and_a_transfer_sent() {
    let app = spawn_app().await;
    let v = app.visitor();
    v.sign_up("owner@example.com").await;
    let rid = v.create_restaurant("Bistro").await;
    let second = v.create_restaurant("Bistro Dos").await;
    let r: Uuid = rid.parse().expect("uuid");
    let owner = app.user_id("owner@example.com").await;
    let s = setup(&app.pool, owner, r).await;
    let supplier = supplier(&app.pool, owner, r, s.cheese).await;
    let page = format!("/app/r/{rid}/inventory/invoices");

    let list = v.get(&page).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("id=\"import-invoice\""), "{}", list.body);
    let csrf = crate::helpers::csrf_of(&list.body);
    let import = |number: &'static str, csv: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("supplier_id", supplier.to_string())
            .text("purchase_order_id", "")
            .text("number", number)
            .text("invoice_date", "2026-03-02")
            .part(
                "file",
                reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("inv.csv"),
            );
        v.http
            .post(format!("{}{page}/import", v.base))
            .multipart(form)
            .send()
    };
    // The cheese went up 20 %; the pallet deposit matches nothing.
    let done = crate::helpers::page_of(
        import(
            "F-1",
            "Description;Qty;Unit price\nCHEESE CHEDDAR 1KG;3;12,00\nPallet deposit;1;8,00\n",
        )
        .await
        .expect("import"),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let shown = v.get(&done.location.expect("to the invoice")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("Invoice recorded."), "{}", shown.body);
    assert!(shown.body.contains("id=\"price-alerts\""), "{}", shown.body);
    assert!(shown.body.contains("+20"), "{}", shown.body);
    assert!(shown.body.contains("Unknown line"), "{}", shown.body);

    // A file that is no invoice is refused beside the form, and nothing
    // is stored.
    let refused = crate::helpers::page_of(
        import("F-2", "Date,Reference\n2026-03-02,X\n")
            .await
            .expect("import"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("needs a description and a quantity"),
        "{}",
        refused.body
    );
    let mut tx = flux_store::tenant::begin(&app.pool, owner, r)
        .await
        .expect("tx");
    let stored = flux_app::inventory::invoices::list(&mut tx, r, None, None, 10)
        .await
        .expect("list");
    assert_eq!(stored.len(), 1);
    tx.commit().await.expect("commit");

    // The second restaurant stocks cheese too; 2 kg go there.
    let r2: Uuid = second.parse().expect("uuid");
    let mut tx = flux_store::tenant::begin(&app.pool, owner, r2)
        .await
        .expect("tx");
    let kitchen = Kitchen::load(&mut tx, r2).await.expect("kitchen");
    flux_app::costing::ingredients::create(
        &mut tx,
        r2,
        &kitchen,
        &IngredientInput {
            name: "Cheese".into(),
            base_unit: "kg".into(),
            unit_cost: Decimal::from(11),
            ..Default::default()
        },
    )
    .await
    .expect("cheese there");
    tx.commit().await.expect("commit");
    let transfers = format!("/app/r/{rid}/inventory/transfers");
    let form = v.get(&transfers).await;
    assert!(form.body.contains("id=\"send-transfer\""), "{}", form.body);
    assert!(form.body.contains("Bistro Dos"));
    let item = format!("i:{}", s.cheese);
    let sent = v
        .submit(
            &transfers,
            &transfers,
            &[
                ("restaurant_id", &second),
                ("item", &item),
                ("quantity", "2"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let theirs = v.get(&format!("/app/r/{second}/inventory/transfers")).await;
    assert!(theirs.body.contains("From Bistro"), "{}", theirs.body);
    let bad = v
        .submit(
            &transfers,
            &transfers,
            &[
                ("restaurant_id", &second),
                ("item", &item),
                ("quantity", "none"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
}
