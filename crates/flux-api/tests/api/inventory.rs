//! Inventory control through the API: a worked actual-against-theoretical
//! example computed by hand, the waste log, allergens rolled up through a
//! prep, the refusal of an unacknowledged allergen change, and bad input.

use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, dec, spawn_app, TestApp, User};

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).expect("literal")
}

async fn created(app: &TestApp, user: &User, path: &str, body: Value) -> String {
    let (s, b) = app.post(path, user, body).await;
    assert_eq!(s, StatusCode::CREATED, "{path}: {b}");
    b["id"].as_str().expect("id").to_string()
}

struct Kitchen {
    base: String,
    flour: String,
    tomatoes: String,
    mozzarella: String,
    sauce: String,
    pizza_recipe: String,
}

/// Flour 1.00/kg, tomatoes 2.00/kg with 10 % trim, mozzarella 10.00/kg; a
/// tomato sauce (1 kg tomatoes → 2 l); a pizza (200 g flour, 100 ml sauce,
/// 100 g mozzarella) at 10.00 and a bread (300 g flour) at 3.00. Sold:
/// 40 pizzas and 10 breads on 2 March, 60 and 10 on 5 March.
async fn kitchen(app: &TestApp, chef: &User) -> Kitchen {
    let r = app.create_restaurant(chef, "Forno").await;
    let base = format!("/api/v1/restaurants/{r}");
    let ing = |name: &str, cost: &str, waste: &str| json!({"name": name, "base_unit": "kg", "unit_cost": cost, "waste_factor": waste});
    let flour = created(
        app,
        chef,
        &format!("{base}/ingredients"),
        ing("Flour", "1.00", "0"),
    )
    .await;
    let tomatoes = created(
        app,
        chef,
        &format!("{base}/ingredients"),
        ing("Tomatoes", "2.00", "0.10"),
    )
    .await;
    let mozzarella = created(
        app,
        chef,
        &format!("{base}/ingredients"),
        ing("Mozzarella", "10.00", "0"),
    )
    .await;
    let sauce = created(
        app,
        chef,
        &format!("{base}/recipes"),
        json!({"name": "Tomato sauce", "yield": {"amount": 2, "unit": "l"},
               "lines": [{"ingredient_id": tomatoes, "quantity": 1, "unit": "kg"}]}),
    )
    .await;
    let pizza = app.create_item(chef, &r, "Pizza", "Mains", 10.0).await;
    let bread = app.create_item(chef, &r, "Bread", "Sides", 3.0).await;
    let pizza_recipe = created(
        app,
        chef,
        &format!("{base}/recipes"),
        json!({"menu_item_id": pizza, "lines": [
            {"ingredient_id": flour, "quantity": 200, "unit": "g"},
            {"recipe_id": sauce, "quantity": 100, "unit": "ml"},
            {"ingredient_id": mozzarella, "quantity": 100, "unit": "g"},
        ]}),
    )
    .await;
    created(
        app,
        chef,
        &format!("{base}/recipes"),
        json!({"menu_item_id": bread, "lines": [{"ingredient_id": flour, "quantity": 300, "unit": "g"}]}),
    )
    .await;
    let csv = "date,item,quantity,total\n\
               2025-03-02,Pizza,40,400\n2025-03-02,Bread,10,30\n\
               2025-03-05,Pizza,60,600\n2025-03-05,Bread,10,30\n";
    let (s, b) = app
        .upload(chef, &r, "sales.csv", csv.as_bytes().to_vec(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    Kitchen {
        base,
        flour,
        tomatoes,
        mozzarella,
        sauce,
        pizza_recipe,
    }
}

async fn stock(app: &TestApp, chef: &User, k: &Kitchen, kind: &str, date: &str, items: Value) {
    let (s, b) = app
        .post(
            &format!("{}/inventory/{kind}", k.base),
            chef,
            json!({"date": date, "items": items}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{kind}: {b}");
}

fn line<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["lines"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["ingredient"] == name))
        .unwrap_or_else(|| panic!("no line for {name}: {report}"))
}

#[tokio::test]
async fn the_variance_report_matches_a_hand_computed_week() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let (f, t, m) = (&k.flour, &k.tomatoes, &k.mozzarella);
    // Counted the night before the week and at its end; one delivery.
    stock(&app, &chef, &k, "counts", "2025-03-01", json!([
        {"ingredient_id": f, "quantity": 10}, {"ingredient_id": t, "quantity": 2}, {"ingredient_id": m, "quantity": 3}])).await;
    stock(&app, &chef, &k, "deliveries", "2025-03-03", json!([
        {"ingredient_id": f, "quantity": 25}, {"ingredient_id": t, "quantity": 6000, "unit": "g"}, {"ingredient_id": m, "quantity": 10}])).await;
    stock(&app, &chef, &k, "counts", "2025-03-08", json!([
        {"ingredient_id": f, "quantity": 8.2}, {"ingredient_id": t, "quantity": 1.8}, {"ingredient_id": m, "quantity": 2.3}])).await;
    // Waste: 400 g of tomatoes went off; two pizzas were made and not sold.
    let (s, b) = app
        .post(
            &format!("{}/inventory/waste/entries", k.base),
            &chef,
            json!({"date": "2025-03-04", "items": [
                {"ingredient_id": t, "quantity": 400, "unit": "g", "reason": "spoiled"},
            ]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = app
        .post(
            &format!("{}/inventory/waste/entries", k.base),
            &chef,
            json!({"date": "2025-03-06", "items": [
                {"recipe_id": k.pizza_recipe, "quantity": 2, "reason": "over_production", "note": "Friday rush that never came"},
            ]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");

    let (s, r) = app
        .get(
            &format!(
                "{}/inventory/variance?from=2025-03-02&to=2025-03-08",
                k.base
            ),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    // By hand, per ingredient: actual = opening + delivered − closing;
    // theoretical = sales through recipes as purchased; waste includes the
    // two pizzas through their recipe.
    //   flour:      10 + 25 − 8.2 = 26.8; 100 × 0.2 + 20 × 0.3 = 26;
    //               waste 2 × 0.2 = 0.4 → unexplained 0.4 × 1 = 0.40
    //   tomatoes:   2 + 6 − 1.8 = 6.2; 100 × 0.05 l/2 l × 1 kg × 1.10 = 5.5;
    //               waste 0.4 + 2 × 0.055 = 0.51 → 0.19 × 2 = 0.38
    //   mozzarella: 3 + 10 − 2.3 = 10.7; 100 × 0.1 = 10;
    //               waste 2 × 0.1 = 0.2 → 0.5 × 10 = 5.00
    let expect = [
        ("Mozzarella", "10.7", "10", "0.2", "0.5", "5.00"),
        ("Flour", "26.8", "26", "0.4", "0.4", "0.40"),
        ("Tomatoes", "6.2", "5.5", "0.51", "0.19", "0.38"),
    ];
    for (name, actual, theory, waste, unexplained, value) in expect {
        let l = line(&r, name);
        assert_eq!(dec(&l["actual"]), d(actual), "{name} actual: {l}");
        assert_eq!(dec(&l["theoretical"]), d(theory), "{name} theoretical: {l}");
        assert_eq!(dec(&l["waste"]), d(waste), "{name} waste: {l}");
        assert_eq!(
            dec(&l["unexplained"]),
            d(unexplained),
            "{name} unexplained: {l}"
        );
        assert_eq!(dec(&l["unexplained_value"]), d(value), "{name} value: {l}");
        assert_eq!(l["window"]["opening_count"], "2025-03-01", "{l}");
        assert_eq!(l["window"]["closing_count"], "2025-03-08", "{l}");
    }
    // Ranked by money unexplained, largest first.
    let names: Vec<&str> = r["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter_map(|l| l["ingredient"].as_str())
        .collect();
    assert_eq!(names, ["Mozzarella", "Flour", "Tomatoes"]);
    assert_eq!(
        line(&r, "Flour")["drivers"][0]["dish"],
        "Pizza",
        "pizza uses 20 kg of the 26"
    );
    let totals = &r["totals"];
    // 26.8 + 12.4 + 107 = 146.2 and 26 + 11 + 100 = 137 against 1,060 of sales.
    assert_eq!(dec(&totals["actual_cost"]), d("146.2"));
    assert_eq!(dec(&totals["theoretical_cost"]), d("137"));
    assert_eq!(dec(&totals["waste_cost"]), d("3.42"));
    assert_eq!(dec(&totals["unexplained_cost"]), d("5.78"));
    assert_eq!(dec(&totals["revenue"]), d("1060"));
    assert_eq!(
        dec(&totals["actual_food_cost_pct"]).round_dp(2),
        d("13.79"),
        "{totals}"
    );
    assert_eq!(
        dec(&totals["theoretical_food_cost_pct"]).round_dp(2),
        d("12.92")
    );

    // The waste log: the tomatoes at 2.00/kg, the pizzas at their recipe
    // cost of 1.31 each (0.20 flour + 0.11 tomatoes + 1.00 mozzarella).
    let (s, w) = app
        .get(
            &format!("{}/inventory/waste?from=2025-03-02&to=2025-03-08", k.base),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert_eq!(dec(&w["total_value"]), d("3.42"), "{w}");
    assert_eq!(w["by_reason"][0]["name"], "Over-production", "{w}");
    assert_eq!(dec(&w["by_reason"][0]["value"]), d("2.62"));
    assert_eq!(dec(&w["waste_pct"]), d("0.32"));
    assert_eq!(w["entries"][0]["kind"], "dish");
    assert_eq!(w["entries"][0]["note"], "Friday rush that never came");

    // Removing the pizzas' entry takes their ingredients out of the waste
    // and so into the unexplained part.
    let id = w["entries"][0]["waste_id"].as_str().expect("id");
    let (s, b) = app
        .call(
            Method::DELETE,
            &format!("{}/inventory/waste/entries/{id}", k.base),
            Some(&chef.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let (_, r) = app
        .get(
            &format!(
                "{}/inventory/variance?from=2025-03-02&to=2025-03-08",
                k.base
            ),
            &chef,
        )
        .await;
    assert_eq!(dec(&line(&r, "Mozzarella")["unexplained"]), d("0.7"));
    assert_eq!(dec(&r["totals"]["unexplained_cost"]), d("8.40"));

    // The trend: one period of the seven days holds all of it.
    let (s, tr) = app
        .get(
            &format!(
                "{}/inventory/variance/trend?to=2025-03-08&days=7&periods=2",
                k.base
            ),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{tr}");
    assert_eq!(tr["periods"][1]["from"], "2025-03-02");
    assert_eq!(
        dec(&tr["periods"][1]["totals"]["unexplained_cost"]),
        d("8.40")
    );
    assert_eq!(tr["periods"][0]["totals"]["counted_ingredients"], 0);
}

#[tokio::test]
async fn an_ingredient_counted_once_has_no_actual_usage() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    stock(
        &app,
        &chef,
        &k,
        "counts",
        "2025-03-01",
        json!([{"ingredient_id": k.flour, "quantity": 10}]),
    )
    .await;
    let (s, r) = app
        .get(
            &format!(
                "{}/inventory/variance?from=2025-03-02&to=2025-03-08",
                k.base
            ),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let l = line(&r, "Flour");
    assert_eq!(l["uncounted"], "one_count");
    assert_eq!(l["actual"], Value::Null);
    assert_eq!(dec(&l["theoretical"]), d("26"), "still shown for reference");
    assert_eq!(line(&r, "Mozzarella")["uncounted"], "no_count");
    assert_eq!(r["totals"]["counted_ingredients"], 0);
    assert_eq!(r["totals"]["actual_food_cost_pct"], Value::Null);
}

#[tokio::test]
async fn allergens_roll_up_through_the_sauce_and_a_change_is_flagged_before_it_is_saved() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let declare = |id: &str, list: Value| {
        let path = format!("{}/ingredients/{id}/allergens", k.base);
        let token = chef.access.clone();
        let app = &app;
        async move {
            app.call(
                Method::PUT,
                &path,
                Some(&token),
                Some(json!({"allergens": list})),
            )
            .await
        }
    };
    let (s, b) = declare(&k.flour, json!(["Wheat"])).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        b["allergens"],
        json!(["gluten", "wheat"]),
        "wheat declares gluten"
    );
    let (s, _) = declare(&k.mozzarella, json!(["dairy"])).await;
    assert_eq!(s, StatusCode::OK);

    let (s, m) = app
        .get(&format!("{}/inventory/allergens", k.base), &chef)
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["allergens"].as_array().map(Vec::len), Some(15));
    let recipe = |m: &Value, name: &str| -> Value {
        m["recipes"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["name"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {m}"))
    };
    let pizza = recipe(&m, "Pizza");
    let has: Vec<&str> = pizza["contains"]
        .as_array()
        .expect("contains")
        .iter()
        .filter_map(|c| c["allergen"].as_str())
        .collect();
    assert_eq!(has, ["gluten", "milk", "wheat"], "{pizza}");
    assert_eq!(pizza["unreviewed"], json!(["Tomatoes"]), "{pizza}");
    let bread = recipe(&m, "Bread");
    assert_eq!(bread["unreviewed"], json!([]));

    // Anchovies in the sauce would put fish in the pizza: refused until
    // acknowledged, and nothing is saved meanwhile.
    let anchovies = created(
        &app,
        &chef,
        &format!("{}/ingredients", k.base),
        json!({"name": "Anchovies", "base_unit": "kg", "unit_cost": 20}),
    )
    .await;
    let (s, _) = declare(&anchovies, json!(["fish"])).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = declare(&k.tomatoes, json!([])).await;
    assert_eq!(s, StatusCode::OK, "reviewed: none");
    let sauce = |ack: bool| {
        json!({"name": "Tomato sauce", "yield": {"amount": 2, "unit": "l"},
               "acknowledge_allergen_change": ack,
               "lines": [{"ingredient_id": k.tomatoes, "quantity": 1, "unit": "kg"},
                         {"ingredient_id": anchovies, "quantity": 50, "unit": "g"}]})
    };
    let path = format!("{}/recipes/{}", k.base, k.sauce);
    let (s, b) = app
        .call(Method::PUT, &path, Some(&chef.access), Some(sauce(false)))
        .await;
    assert_problem(s, &b, 409, "allergens_changed");
    let changes = b["allergen_changes"].as_array().expect("changes");
    let pizza_change = changes
        .iter()
        .find(|c| c["dish"] == "Pizza")
        .unwrap_or_else(|| panic!("{b}"));
    assert_eq!(pizza_change["added"], json!(["fish"]));
    assert!(
        b["detail"]
            .as_str()
            .is_some_and(|d| d.contains("Pizza: adds fish")),
        "{b}"
    );
    let (_, stored) = app.get(&path, &chef).await;
    assert_eq!(
        stored["lines"].as_array().map(Vec::len),
        Some(1),
        "{stored}"
    );

    let (s, b) = app
        .call(Method::PUT, &path, Some(&chef.access), Some(sauce(true)))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, m) = app
        .get(&format!("{}/inventory/allergens", k.base), &chef)
        .await;
    let pizza = recipe(&m, "Pizza");
    let fish = pizza["contains"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["allergen"] == "fish"))
        .unwrap_or_else(|| panic!("{pizza}"));
    assert_eq!(fish["sources"], json!(["Tomato sauce › Anchovies"]));
    assert_eq!(pizza["unreviewed"], json!([]));

    // A change that leaves allergens as they were needs no acknowledgement.
    let (s, b) = app
        .call(
            Method::PUT,
            &path,
            Some(&chef.access),
            Some(
                json!({"name": "Tomato sauce", "yield": {"amount": 2, "unit": "l"},
                   "lines": [{"ingredient_id": k.tomatoes, "quantity": 1.2, "unit": "kg"},
                             {"ingredient_id": anchovies, "quantity": 60, "unit": "g"}]}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

#[tokio::test]
async fn bad_inventory_input_is_refused_with_the_field_and_changes_nothing() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let other = app.register("other@example.com").await;
    let theirs = app.create_restaurant(&other, "Elsewhere").await;
    let their_ingredient = created(
        &app,
        &other,
        &format!("/api/v1/restaurants/{theirs}/ingredients"),
        json!({"name": "Saffron", "base_unit": "g", "unit_cost": 5}),
    )
    .await;
    let waste = format!("{}/inventory/waste/entries", k.base);
    let cases = [
        (
            json!({"items": [{"ingredient_id": k.flour, "quantity": 0, "reason": "trim"}]}),
            422,
            "validation_failed",
            Some("items.0.quantity"),
        ),
        (
            json!({"items": [{"ingredient_id": k.flour, "quantity": 1, "reason": "stolen"}]}),
            422,
            "",
            None,
        ),
        (
            json!({"items": [{"ingredient_id": their_ingredient, "quantity": 1, "reason": "trim"}]}),
            422,
            "validation_failed",
            Some("items.0.ingredient_id"),
        ),
        (
            json!({"items": [{"ingredient_id": k.flour, "recipe_id": k.sauce, "quantity": 1, "reason": "trim"}]}),
            422,
            "validation_failed",
            Some("items.0.ingredient_id"),
        ),
        (
            json!({"items": [{"recipe_id": k.pizza_recipe, "quantity": 1, "unit": "kg", "reason": "dropped"}]}),
            422,
            "validation_failed",
            Some("items.0.unit"),
        ),
        (
            json!({"items": [{"ingredient_id": k.flour, "quantity": 1, "reason": "trim", "note": "\u{0}"}]}),
            422,
            "",
            None,
        ),
    ];
    for (body, status, code, field) in cases {
        let (s, b) = app.post(&waste, &chef, body.clone()).await;
        assert_eq!(s.as_u16(), status, "{body}: {b}");
        if !code.is_empty() {
            assert_problem(s, &b, status, code);
        }
        if let Some(field) = field {
            assert!(
                b["errors"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|e| e["field"] == field)),
                "{field} in {b}"
            );
        }
    }
    let (_, log) = app
        .get(
            &format!("{}/inventory/waste?from=2025-01-01&to=2025-12-31", k.base),
            &chef,
        )
        .await;
    assert_eq!(log["entries"], json!([]), "nothing was stored: {log}");

    let (s, b) = app
        .call(
            Method::PUT,
            &format!("{}/ingredients/{}/allergens", k.base, k.flour),
            Some(&chef.access),
            Some(json!({"allergens": ["gluten", "pollen"]})),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "allergens.1", "{b}");
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("{}/ingredients/{their_ingredient}/allergens", k.base),
            Some(&chef.access),
            Some(json!({"allergens": ["gluten"]})),
        )
        .await;
    assert_problem(s, &b, 404, "not_found");

    let (s, b) = app
        .get(
            &format!(
                "{}/inventory/variance?from=2025-03-08&to=2025-03-01",
                k.base
            ),
            &chef,
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let (s, b) = app
        .get(
            &format!(
                "{}/inventory/variance?from=2023-01-01&to=2025-03-01",
                k.base
            ),
            &chef,
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let (s, b) = app
        .get(
            &format!("/api/v1/restaurants/{theirs}/inventory/variance"),
            &chef,
        )
        .await;
    assert_problem(s, &b, 404, "not_found");
    let (s, b) = app
        .get(
            &format!("{}/inventory/variance/trend?periods=13", k.base),
            &chef,
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
}

#[tokio::test]
async fn a_wasted_dish_takes_its_ingredients_off_the_stock_estimate() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let (_, r) = app.get(&k.base, &chef).await;
    let tz: chrono_tz::Tz = r["timezone"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("timezone");
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let counted = (today - chrono::Duration::days(2)).to_string();
    stock(
        &app,
        &chef,
        &k,
        "counts",
        &counted,
        json!([{"ingredient_id": k.mozzarella, "quantity": 3}]),
    )
    .await;
    let (s, b) = app
        .post(
            &format!("{}/inventory/waste/entries", k.base),
            &chef,
            json!({"date": today - chrono::Duration::days(1), "items": [
                {"recipe_id": k.pizza_recipe, "quantity": 5, "reason": "returned"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, inv) = app.get(&format!("{}/inventory", k.base), &chef).await;
    assert_eq!(s, StatusCode::OK, "{inv}");
    let m = inv["items"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["ingredient"] == "Mozzarella"))
        .unwrap_or_else(|| panic!("{inv}"));
    // 3 kg − 5 pizzas × 100 g.
    assert_eq!(m["on_hand"], 2.5, "{m}");
}

#[tokio::test]
async fn a_preparation_yield_is_what_recipes_and_the_variance_report_buy_through() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let yields = format!("{}/ingredients/{}/yields", k.base, k.mozzarella);
    let put = |body: Value| {
        let (app, path, token) = (&app, yields.clone(), chef.access.clone());
        async move { app.call(Method::PUT, &path, Some(&token), Some(body)).await }
    };
    let (s, b) = put(json!({"yields": [{"action": " Grated ", "yield": "80%"}]})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["yields"], json!([{"action": "Grated", "yield": "0.8"}]));
    for (body, field) in [
        (
            json!({"yields": [{"action": "grated", "yield": "1.5"}]}),
            "yields.0.yield",
        ),
        (
            json!({"yields": [{"action": "", "yield": "0.5"}]}),
            "yields.0.action",
        ),
        (
            json!({"yields": [{"action": "grated", "yield": "0.5"}, {"action": "GRATED", "yield": "0.6"}]}),
            "yields.1.action",
        ),
    ] {
        let (s, b) = put(body).await;
        assert_problem(s, &b, 422, "validation_failed");
        assert_eq!(b["errors"][0]["field"], field, "{b}");
    }

    // The pizza's 100 g of mozzarella, grated: 125 g bought per pizza.
    let path = format!("{}/recipes/{}", k.base, k.pizza_recipe);
    let pizza = |prep: &str| {
        json!({"menu_item_id": Value::Null, "portions": 1, "lines": [
            {"ingredient_id": k.flour, "quantity": 200, "unit": "g"},
            {"recipe_id": k.sauce, "quantity": 100, "unit": "ml"},
            {"ingredient_id": k.mozzarella, "quantity": 100, "unit": "g", "prep": prep},
        ]})
    };
    let (_, current) = app.get(&path, &chef).await;
    let item = current["menu_item_id"].clone();
    let mut body = pizza("shredded");
    body["menu_item_id"] = item.clone();
    let (s, b) = app
        .call(Method::PUT, &path, Some(&chef.access), Some(body))
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "lines.2.prep", "{b}");
    let mut body = pizza("grated");
    body["menu_item_id"] = item;
    let (s, b) = app
        .call(Method::PUT, &path, Some(&chef.access), Some(body))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["lines"][2]["prep"], "Grated", "{b}");
    // 0.20 flour + 0.11 tomatoes + 0.125 × 10 mozzarella
    assert_eq!(dec(&b["cost"]["unit_cost"]), d("1.56"), "{b}");

    stock(
        &app,
        &chef,
        &k,
        "counts",
        "2025-03-01",
        json!([{"ingredient_id": k.mozzarella, "quantity": 3}]),
    )
    .await;
    stock(
        &app,
        &chef,
        &k,
        "counts",
        "2025-03-08",
        json!([{"ingredient_id": k.mozzarella, "quantity": 0.3}]),
    )
    .await;
    let (_, r) = app
        .get(
            &format!(
                "{}/inventory/variance?from=2025-03-02&to=2025-03-08",
                k.base
            ),
            &chef,
        )
        .await;
    let m = line(&r, "Mozzarella");
    // 100 pizzas × 0.125 kg as bought.
    assert_eq!(dec(&m["theoretical"]), d("12.5"), "{m}");
    assert_eq!(dec(&m["actual"]), d("2.7"), "{m}");

    // The yield is in use: removing it is refused and nothing changes.
    let (s, b) = put(json!({"yields": []})).await;
    assert_problem(s, &b, 409, "in_use");
    let (_, b) = app.get(&yields, &chef).await;
    assert_eq!(b["yields"][0]["action"], "Grated", "{b}");
}

#[tokio::test]
async fn the_group_view_shows_only_the_restaurants_where_the_caller_holds_a_role() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let k = kitchen(&app, &owner).await; // "Forno", with March sales
    let second = app.create_restaurant(&owner, "Forno Due").await;
    let other = app.register("other@example.com").await;
    let theirs = app.create_restaurant(&other, "Elsewhere").await;
    let hidden = app.create_restaurant(&other, "Not yours").await;
    app.add_member(&other, &theirs, &owner, "chef").await;
    let _ = (&second, &hidden);

    let (s, g) = app
        .get(
            "/api/v1/group/overview?from=2025-03-01&to=2025-03-08",
            &owner,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{g}");
    let names: Vec<&str> = g["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, ["Elsewhere", "Forno", "Forno Due"], "{g}");
    let forno = &g["sites"][1];
    assert_eq!(dec(&forno["sales"]), d("1060"), "{forno}");
    assert_eq!(forno["role"], "owner");
    assert_eq!(dec(&forno["labor_cost"]), d("0"), "an owner sees labor");
    let elsewhere = &g["sites"][0];
    assert_eq!(elsewhere["role"], "chef");
    assert_eq!(
        elsewhere["labor_cost"],
        Value::Null,
        "a chef sees no one's pay"
    );
    assert!(k
        .base
        .contains(forno["restaurant_id"].as_str().expect("id")));

    let stranger = app.register("stranger@example.com").await;
    let (s, g) = app.get("/api/v1/group/overview", &stranger).await;
    assert_eq!(s, StatusCode::OK, "{g}");
    assert_eq!(g["sites"], json!([]));
    let resp = app
        .req(Method::GET, "/api/v1/group/overview", None)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let (s, b) = app
        .get(
            "/api/v1/group/overview?from=2025-03-08&to=2025-03-01",
            &owner,
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
}
