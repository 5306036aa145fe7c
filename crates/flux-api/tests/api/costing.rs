//! Ingredients, recipes, COGS, explosion and profitability through the API,
//! against hand-computed figures.

use std::str::FromStr;

use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, dec, spawn_app, TestApp, User};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("literal")
}

async fn ingredient(app: &TestApp, user: &User, r: &str, body: Value) -> String {
    let (s, b) = app
        .post(&format!("/api/v1/restaurants/{r}/ingredients"), user, body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "create ingredient: {b}");
    b["id"].as_str().expect("id").to_string()
}

async fn recipe(app: &TestApp, user: &User, r: &str, body: Value) -> Value {
    let (s, b) = app
        .post(&format!("/api/v1/restaurants/{r}/recipes"), user, body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "create recipe: {b}");
    b
}

#[tokio::test]
async fn cogs_with_and_without_waste_match_the_seed_formula() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    // The seed's example: 10 kg tomatoes at 2/kg with 15 % waste cost 23,
    // or 20 without waste.
    let tomatoes = ingredient(
        &app,
        &chef,
        &r,
        json!({"name": "Tomatoes", "base_unit": "kg", "unit_cost": "2.00", "waste_factor": 0.15}),
    )
    .await;
    // Cross-dimension: onions bought per kg, used by the piece (150 g each).
    let onions = ingredient(
        &app,
        &chef,
        &r,
        json!({"name": "Onion", "base_unit": "kg", "unit_cost": 1.6, "grams_per_each": 150}),
    )
    .await;
    let item = app
        .create_item(&chef, &r, "Tomato feast", "Mains", 50.0)
        .await;
    let dish = recipe(
        &app,
        &chef,
        &r,
        json!({"menu_item_id": item, "lines": [
            {"ingredient_id": tomatoes, "quantity": 10, "unit": "kg"},
            {"ingredient_id": onions, "quantity": 2, "unit": "each"},
        ]}),
    )
    .await;
    // 10 × 2 × 1.15 + 0.3 kg × 1.60 = 23.48
    assert_eq!(dec(&dish["cost"]["unit_cost"]), d("23.48"), "{dish}");
    assert_eq!(
        dec(&dish["cost"]["margin"]),
        d("0.5304"),
        "(50 − 23.48) / 50"
    );
    let lines = dish["cost"]["lines"].as_array().expect("breakdown");
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["ingredient"], "Tomatoes");
    assert_eq!(dec(&lines[0]["cost"]), d("23"));
    assert_eq!(dec(&lines[0]["cost_without_waste"]), d("20"));
    assert_eq!(dec(&lines[1]["quantity"]), d("0.3"), "2 each × 150 g in kg");

    let id = dish["id"].as_str().expect("id");
    let (s, no_waste) = app
        .get(
            &format!("/api/v1/restaurants/{r}/recipes/{id}/cost?waste=false"),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{no_waste}");
    assert_eq!(dec(&no_waste["unit_cost"]), d("20.48"));

    // The restaurant setting turns the waste term off by default.
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/restaurants/{r}/settings"),
            Some(&chef.access),
            Some(json!({"waste_factor_enabled": false})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, dishes) = app
        .get(&format!("/api/v1/restaurants/{r}/costing/dishes"), &chef)
        .await;
    assert_eq!(s, StatusCode::OK, "{dishes}");
    assert_eq!(dishes["include_waste"], false);
    assert_eq!(dec(&dishes["items"][0]["portion_cost"]), d("20.48"));
}

#[tokio::test]
async fn impossible_conversions_and_bad_fields_are_refused_with_their_reason() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let path = format!("/api/v1/restaurants/{r}/ingredients");
    let (s, b) = app
        .post(
            &path,
            &chef,
            json!({"name": "Saffron", "base_unit": "bushel", "unit_cost": -1, "waste_factor": 0.7,
                   "pack_size": "2 l"}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["base_unit", "unit_cost", "waste_factor"], "{b}");

    // A pack in litres for an ingredient counted in pieces, with no density.
    let (s, b) = app
        .post(
            &path,
            &chef,
            json!({"name": "Eggs", "base_unit": "each", "unit_cost": 0.25, "pack_size": "2 l"}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["code"], "impossible_conversion", "{b}");

    // A recipe line in millilitres of an ingredient priced per piece.
    let eggs = ingredient(
        &app,
        &chef,
        &r,
        json!({"name": "Eggs", "base_unit": "each", "unit_cost": 0.25}),
    )
    .await;
    let item = app.create_item(&chef, &r, "Omelette", "Mains", 9.0).await;
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/recipes"),
            &chef,
            json!({"menu_item_id": item, "lines": [{"ingredient_id": eggs, "quantity": 100, "unit": "ml"}]}),
        )
        .await;
    assert_problem(s, &b, 422, "invalid_recipe");
    assert!(
        b["detail"].as_str().unwrap_or_default().contains("Eggs"),
        "the detail names the ingredient: {b}"
    );
    let (s, list) = app
        .get(&format!("/api/v1/restaurants/{r}/recipes"), &chef)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"], json!([]), "nothing was stored");

    // Changing a used ingredient's unit to one its recipes cannot convert
    // to is refused too.
    recipe(
        &app,
        &chef,
        &r,
        json!({"menu_item_id": item, "lines": [{"ingredient_id": eggs, "quantity": 3, "unit": "each"}]}),
    )
    .await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("{path}/{eggs}"),
            Some(&chef.access),
            Some(json!({"name": "Eggs", "base_unit": "l", "unit_cost": 3})),
        )
        .await;
    assert_problem(s, &b, 422, "invalid_recipe");
    // ... and an ingredient in use cannot be deleted.
    let (s, b) = app
        .call(
            Method::DELETE,
            &format!("{path}/{eggs}"),
            Some(&chef.access),
            None,
        )
        .await;
    assert_problem(s, &b, 409, "in_use");
}

#[tokio::test]
async fn sub_recipes_are_costed_through_and_cycles_are_refused() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Trattoria").await;
    let tomatoes = ingredient(
        &app,
        &chef,
        &r,
        json!({"name": "Tomatoes", "base_unit": "kg", "unit_cost": 2, "waste_factor": 0.1,
               "pack_size": "5 kg"}),
    )
    .await;
    let oil = ingredient(
        &app,
        &chef,
        &r,
        json!({"name": "Olive oil", "base_unit": "l", "unit_cost": 9}),
    )
    .await;
    let pasta = ingredient(
        &app,
        &chef,
        &r,
        json!({"name": "Spaghetti", "base_unit": "kg", "unit_cost": 2.5}),
    )
    .await;
    let sauce = recipe(
        &app,
        &chef,
        &r,
        json!({"name": "Tomato sauce", "yield": {"amount": 2, "unit": "l"}, "lines": [
            {"ingredient_id": tomatoes, "quantity": 3, "unit": "kg"},
            {"ingredient_id": oil, "quantity": 100, "unit": "ml"},
        ]}),
    )
    .await;
    let sauce_id = sauce["id"].as_str().expect("id").to_string();
    // Batch with waste: 3 × 2 × 1.1 + 0.1 × 9 = 7.5 for 2 l → 3.75 per l.
    assert_eq!(dec(&sauce["cost"]["unit_cost"]), d("3.75"), "{sauce}");
    let item = app
        .create_item(&chef, &r, "Spaghetti al pomodoro", "Pasta", 12.0)
        .await;
    let dish = recipe(
        &app,
        &chef,
        &r,
        json!({"menu_item_id": item, "lines": [
            {"ingredient_id": pasta, "quantity": 120, "unit": "g"},
            {"recipe_id": sauce_id, "quantity": 250, "unit": "ml"},
        ]}),
    )
    .await;
    // 0.12 × 2.5 + 0.25 × 3.75 = 0.3 + 0.9375
    assert_eq!(dec(&dish["cost"]["unit_cost"]), d("1.2375"), "{dish}");
    let dish_id = dish["id"].as_str().expect("id").to_string();

    // The sauce using the dish would loop: refused, nothing changed.
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/restaurants/{r}/recipes/{sauce_id}"),
            Some(&chef.access),
            Some(
                json!({"name": "Tomato sauce", "yield": {"amount": 2, "unit": "l"}, "lines": [
                    {"ingredient_id": tomatoes, "quantity": 3, "unit": "kg"},
                    {"recipe_id": dish_id, "quantity": 1, "unit": "each"},
                ]}),
            ),
        )
        .await;
    assert_problem(s, &b, 422, "recipe_cycle");
    let (_, again) = app
        .get(
            &format!("/api/v1/restaurants/{r}/recipes/{sauce_id}"),
            &chef,
        )
        .await;
    assert_eq!(again["lines"].as_array().map(Vec::len), Some(2));

    // A sub-recipe in use cannot be deleted.
    let (s, b) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/restaurants/{r}/recipes/{sauce_id}"),
            Some(&chef.access),
            None,
        )
        .await;
    assert_problem(s, &b, 409, "in_use");

    // Explosion of 8 plates through the sauce, plus a dish with no recipe.
    let other = app
        .create_item(&chef, &r, "Tiramisu", "Desserts", 6.0)
        .await;
    let (s, ex) = app
        .post(
            &format!("/api/v1/restaurants/{r}/costing/explode"),
            &chef,
            json!({"dishes": [{"menu_item_id": item, "quantity": 8}, {"menu_item_id": other, "quantity": 3}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{ex}");
    let need = |name: &str| {
        ex["needs"]
            .as_array()
            .and_then(|n| n.iter().find(|n| n["ingredient"] == name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    // 8 × 250 ml = 2 l of sauce = one batch = 3 kg tomatoes, 3.3 kg with waste.
    let t = need("Tomatoes");
    assert_eq!(dec(&t["net_quantity"]), d("3"), "{ex}");
    assert_eq!(dec(&t["gross_quantity"]), d("3.3"));
    assert_eq!(dec(&t["packs"]), d("1"), "one 5 kg pack");
    assert_eq!(dec(&need("Spaghetti")["net_quantity"]), d("0.96"));
    assert_eq!(dec(&need("Olive oil")["net_quantity"]), d("0.1"));
    assert_eq!(ex["uncovered"][0]["menu_item_id"], other.as_str());
}

#[tokio::test]
async fn cost_history_answers_as_of_any_date() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let beef = ingredient(
        &app,
        &chef,
        &r,
        json!({"name": "Beef", "base_unit": "kg", "unit_cost": 20}),
    )
    .await;
    let costs = format!("/api/v1/restaurants/{r}/ingredients/{beef}/costs");
    for (date, cost) in [("2025-01-01", "15"), ("2025-06-01", "17.5")] {
        let (s, b) = app
            .post(
                &costs,
                &chef,
                json!({"unit_cost": cost, "effective_from": date}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(
            dec(&b["unit_cost"]),
            d("20"),
            "past prices leave today's cost alone"
        );
    }
    let (s, h) = app.get(&format!("{costs}?as_of=2025-03-15"), &chef).await;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(h["history"].as_array().map(Vec::len), Some(3));
    assert_eq!(dec(&h["cost_as_of"]), d("15"));
    let (_, h) = app.get(&format!("{costs}?as_of=2025-06-01"), &chef).await;
    assert_eq!(dec(&h["cost_as_of"]), d("17.5"));
    let (s, b) = app.get(&format!("{costs}?as_of=2024-12-31"), &chef).await;
    assert_problem(s, &b, 422, "no_cost_as_of");

    // A dish costed at last spring's prices.
    let item = app.create_item(&chef, &r, "Steak", "Mains", 30.0).await;
    let dish = recipe(
        &app,
        &chef,
        &r,
        json!({"menu_item_id": item, "lines": [{"ingredient_id": beef, "quantity": 250, "unit": "g"}]}),
    )
    .await;
    let id = dish["id"].as_str().expect("id");
    let (s, c) = app
        .get(
            &format!("/api/v1/restaurants/{r}/recipes/{id}/cost?date=2025-03-15"),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(dec(&c["unit_cost"]), d("3.75"), "0.25 kg × 15");
    assert_eq!(
        dec(&dish["cost"]["unit_cost"]),
        d("5"),
        "today: 0.25 kg × 20"
    );

    // A price change through PUT becomes history effective today.
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/restaurants/{r}/ingredients/{beef}"),
            Some(&chef.access),
            Some(json!({"name": "Beef", "base_unit": "kg", "unit_cost": 22})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, h) = app.get(&costs, &chef).await;
    assert_eq!(
        h["history"].as_array().map(Vec::len),
        Some(3),
        "same day replaces: {h}"
    );
    assert_eq!(dec(&h["history"][2]["unit_cost"]), d("22"));
}

#[tokio::test]
async fn menu_engineering_classifies_a_worked_example() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    // One "plate cost" ingredient at 1.00 each keeps the arithmetic visible.
    let unit = ingredient(
        &app,
        &chef,
        &r,
        json!({"name": "Plate cost", "base_unit": "each", "unit_cost": 1}),
    )
    .await;
    // dish, price, food cost, units sold (previous period, this period)
    let dishes = [
        ("Alpha", 20.0, 5, 60, 100),
        ("Bravo", 10.0, 6, 100, 100),
        ("Charlie", 30.0, 8, 10, 10),
        ("Delta", 8.0, 6, 10, 10),
    ];
    let mut csv = String::from("date,item,quantity,price\n");
    for (name, price, cost, before, now) in dishes {
        let item = app.create_item(&chef, &r, name, "Mains", price).await;
        recipe(
            &app,
            &chef,
            &r,
            json!({"menu_item_id": item, "lines": [{"ingredient_id": unit, "quantity": cost, "unit": "each"}]}),
        )
        .await;
        csv.push_str(&format!("2025-03-01,{name},{before},{price}\n"));
        csv.push_str(&format!("2025-03-08,{name},{now},{price}\n"));
    }
    let (s, b) = app
        .upload(&chef, &r, "sales.csv", csv.into_bytes(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, rep) = app
        .get(
            &format!(
                "/api/v1/restaurants/{r}/costing/profitability?from=2025-03-08&to=2025-03-14&waste=false"
            ),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{rep}");
    // 220 plates; popular at ≥ 0.7 / 4 = 17.5 % of the mix. Contribution:
    // 1500 + 400 + 220 + 20 = 2140, 9.727 per plate on average.
    assert_eq!(dec(&rep["popularity_threshold"]), d("0.175"));
    let class = |dish: &str| {
        rep["dishes"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["dish"] == dish))
            .map(|d| d["class"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    assert_eq!(class("Alpha"), "star");
    assert_eq!(class("Bravo"), "plowhorse");
    assert_eq!(class("Charlie"), "puzzle");
    assert_eq!(class("Delta"), "dog");
    assert_eq!(rep["dishes"][0]["dish"], "Alpha", "best contribution first");
    // Revenue 2000 + 1000 + 300 + 80; food cost 500 + 600 + 80 + 60.
    assert_eq!(dec(&rep["totals"]["revenue"]), d("3380"));
    assert_eq!(dec(&rep["totals"]["food_cost"]), d("1240"));
    assert_eq!(dec(&rep["totals"]["contribution"]), d("2140"));
    // Theoretical food cost: 1240 / 3380.
    let ratio = dec(&rep["totals"]["food_cost_ratio"]);
    assert_eq!(ratio.round_dp(4), d("0.3669"));
    // The previous week (60 Alphas) is compared dish by dish.
    assert_eq!(rep["previous_period"]["from"], "2025-03-01");
    let alpha = rep["changes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["dish"] == "Alpha"))
        .cloned()
        .expect("alpha change");
    assert_eq!(alpha["units_sold_delta"], 40);
}

#[tokio::test]
async fn the_confirm_workflow_starts_from_a_library_suggestion() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let item = app
        .create_item(&chef, &r, "Chicken Caesar Salad", "Salads", 12.5)
        .await;
    let confirm = format!("/api/v1/restaurants/{r}/recipes/confirm");
    let (s, pending) = app.get(&confirm, &chef).await;
    assert_eq!(s, StatusCode::OK, "{pending}");
    assert_eq!(pending["total"], 1);
    let suggestion = &pending["items"][0]["suggestion"];
    assert_eq!(suggestion["library_dish"], "Caesar salad", "{pending}");
    assert!(suggestion["lines"]
        .as_array()
        .is_some_and(|l| !l.is_empty()));

    let (s, made) = app
        .post(
            &confirm,
            &chef,
            json!({"menu_item_id": item, "accept_suggestion": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    assert_eq!(made["kind"], "dish");
    assert!(dec(&made["cost"]["unit_cost"]) > Decimal::ZERO);
    let (_, pending) = app.get(&confirm, &chef).await;
    assert_eq!(pending["total"], 0, "confirmed dishes leave the queue");
    let (_, ingredients) = app
        .get(&format!("/api/v1/restaurants/{r}/ingredients"), &chef)
        .await;
    let created = ingredients["total"].as_i64().unwrap_or(0);
    assert_eq!(
        created as usize,
        suggestion["lines"].as_array().map_or(0, Vec::len)
    );

    // The chef's own version replaces it, in the seed's request shape.
    let lettuce = ingredients["items"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["name"] == "Romaine lettuce"))
        .and_then(|i| i["id"].as_str())
        .expect("lettuce was created");
    let (s, mine) = app
        .post(
            &confirm,
            &chef,
            json!({"menu_item_id": item, "ingredients": [{"ingredient_id": lettuce, "quantity": 100, "unit": "g"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{mine}");
    assert_eq!(mine["id"], made["id"], "the same recipe, replaced");
    assert_eq!(mine["lines"].as_array().map(Vec::len), Some(1));
    let (_, list) = app
        .get(&format!("/api/v1/restaurants/{r}/recipes"), &chef)
        .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn ingredient_csv_import_is_all_or_nothing_with_row_errors() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let path = format!("/api/v1/restaurants/{r}/ingredients/import");
    let send = |body: &'static str| {
        app.req(Method::POST, &path, Some(&chef.access))
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let good = "name,category,base_unit,unit_cost,waste_factor,pack_size,supplier\n\
                Tomatoes,vegetables,kg,2.40,10%,5 kg,Huerta SL\n\
                Olive oil,oil,l,9.00,0.02,,\n";
    let (s, b) = crate::helpers::json_of(send(good).await.expect("send")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        (b["created"].as_i64(), b["updated"].as_i64()),
        (Some(2), Some(0))
    );

    let bad = "name,base_unit,unit_cost,waste_factor\n\
               Tomatoes,kg,2.60,0.1\n\
               Saffron,bushel,4000,0\n\
               Basil,g,abc,0.9\n";
    let (s, b) = crate::helpers::json_of(send(bad).await.expect("send")).await;
    assert_problem(s, &b, 422, "validation_failed");
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(fields.contains(&"row 3.base_unit"), "{b}");
    assert!(fields.contains(&"row 4.unit_cost"), "{b}");
    assert!(fields.contains(&"row 4.waste_factor"), "{b}");

    // Nothing from the bad file landed, not even its good first row.
    let (_, list) = app
        .get(
            &format!("/api/v1/restaurants/{r}/ingredients?q=tomato"),
            &chef,
        )
        .await;
    assert_eq!(dec(&list["items"][0]["unit_cost"]), d("2.4"));
    assert_eq!(list["items"][0]["pack_size"], "5 kg");
    assert_eq!(list["items"][0]["category"], "produce");

    let (s, b) = crate::helpers::json_of(send("name,unit_cost\nX,1\n").await.expect("send")).await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["code"], "missing_column");
}

#[tokio::test]
async fn ingredients_paginate_by_name() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    for i in 0..5 {
        ingredient(
            &app,
            &chef,
            &r,
            json!({"name": format!("Spice {i}"), "base_unit": "g", "unit_cost": "0.01"}),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = cursor
            .as_ref()
            .map(|c| format!("&cursor={c}"))
            .unwrap_or_default();
        let (s, page) = app
            .get(
                &format!("/api/v1/restaurants/{r}/ingredients?limit=2{q}"),
                &chef,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert_eq!(page["total"], 5);
        for i in page["items"].as_array().expect("items") {
            seen.push(i["name"].as_str().unwrap_or_default().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["Spice 0", "Spice 1", "Spice 2", "Spice 3", "Spice 4"]
    );
}

#[tokio::test]
async fn costing_is_tenant_isolated_and_viewers_cannot_write() {
    let app = spawn_app().await;
    let a = app.register("a@example.com").await;
    let b = app.register("b@example.com").await;
    let ra = app.create_restaurant(&a, "A").await;
    let rb = app.create_restaurant(&b, "B").await;
    let secret = ingredient(
        &app,
        &b,
        &rb,
        json!({"name": "Truffle", "base_unit": "g", "unit_cost": 3}),
    )
    .await;
    let b_item = app
        .create_item(&b, &rb, "Truffle pasta", "Pasta", 30.0)
        .await;
    let b_recipe = recipe(
        &app,
        &b,
        &rb,
        json!({"menu_item_id": b_item, "lines": [{"ingredient_id": secret, "quantity": 5, "unit": "g"}]}),
    )
    .await;
    let b_recipe = b_recipe["id"].as_str().expect("id").to_string();
    let body = json!({"name": "Truffle", "base_unit": "g", "unit_cost": 0});
    let cases = [
        (
            Method::GET,
            format!("/api/v1/restaurants/{rb}/ingredients"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/restaurants/{rb}/recipes"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/restaurants/{rb}/costing/profitability"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/restaurants/{ra}/ingredients/{secret}"),
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/restaurants/{ra}/ingredients/{secret}"),
            Some(body.clone()),
        ),
        (
            Method::DELETE,
            format!("/api/v1/restaurants/{ra}/ingredients/{secret}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/restaurants/{ra}/ingredients/{secret}/costs"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/restaurants/{ra}/recipes/{b_recipe}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/restaurants/{ra}/recipes/{b_recipe}/cost"),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/v1/restaurants/{ra}/recipes/{b_recipe}"),
            None,
        ),
    ];
    for (method, path, body) in cases {
        let (s, v) = app.call(method.clone(), &path, Some(&a.access), body).await;
        assert_problem(s, &v, 404, "not_found");
    }
    // B's ids are unknown inside A's restaurant.
    let a_item = app.create_item(&a, &ra, "Pasta", "Pasta", 10.0).await;
    let (s, v) = app
        .post(
            &format!("/api/v1/restaurants/{ra}/recipes"),
            &a,
            json!({"menu_item_id": a_item, "lines": [{"ingredient_id": secret, "quantity": 5, "unit": "g"},
                                                     {"recipe_id": b_recipe, "quantity": 1, "unit": "each"}]}),
        )
        .await;
    assert_problem(s, &v, 422, "validation_failed");
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(2), "{v}");
    let (s, v) = app
        .post(
            &format!("/api/v1/restaurants/{ra}/costing/explode"),
            &a,
            json!({"dishes": [{"menu_item_id": b_item, "quantity": 10}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["needs"], json!([]), "nothing of B's recipe leaks: {v}");

    // B's data is untouched.
    let (_, still) = app
        .get(
            &format!("/api/v1/restaurants/{rb}/ingredients/{secret}"),
            &b,
        )
        .await;
    assert_eq!(dec(&still["unit_cost"]), d("3"));

    // A viewer reads but cannot write.
    let viewer = app.register("viewer@example.com").await;
    app.add_member(&b, &rb, &viewer, "viewer").await;
    let (s, _) = app
        .get(&format!("/api/v1/restaurants/{rb}/recipes"), &viewer)
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = app
        .post(
            &format!("/api/v1/restaurants/{rb}/ingredients"),
            &viewer,
            json!({"name": "Salt", "base_unit": "kg", "unit_cost": 1}),
        )
        .await;
    assert_problem(s, &v, 403, "forbidden");
}

#[tokio::test]
async fn malformed_costing_requests_say_what_is_wrong() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let base = format!("/api/v1/restaurants/{r}");
    let item = app.create_item(&chef, &r, "Soup", "Starters", 6.0).await;
    let explode = format!("{base}/costing/explode");
    for (body, field) in [
        (json!({}), "dishes"),
        (json!({"source": "sales"}), "from"),
        (
            json!({"source": "weather", "from": "2025-01-01", "to": "2025-01-07"}),
            "source",
        ),
        (
            json!({"source": "sales", "level": "p90", "from": "2025-01-01", "to": "2025-01-07"}),
            "level",
        ),
        (
            json!({"source": "forecast", "level": "p75", "from": "2025-01-01", "to": "2025-01-07"}),
            "level",
        ),
        (
            json!({"dishes": [{"menu_item_id": item, "quantity": -1}]}),
            "quantity",
        ),
    ] {
        let (s, b) = app.post(&explode, &chef, body.clone()).await;
        assert_problem(s, &b, 422, "validation_failed");
        assert_eq!(b["errors"][0]["field"], field, "{body} → {b}");
    }
    let (s, b) = app
        .post(
            &explode,
            &chef,
            json!({"source": "sales", "from": "2025-02-01", "to": "2025-01-01"}),
        )
        .await;
    assert_problem(s, &b, 400, "invalid_query");
    let (s, b) = app
        .get(
            &format!("{base}/costing/profitability?from=2025-03-01&to=2025-01-01"),
            &chef,
        )
        .await;
    assert_problem(s, &b, 400, "invalid_query");
    let (s, b) = app
        .get(
            &format!("{base}/costing/profitability?from=yesterday"),
            &chef,
        )
        .await;
    assert_problem(s, &b, 400, "invalid_query");

    let salt = ingredient(
        &app,
        &chef,
        &r,
        json!({"name": "Salt", "base_unit": "kg", "unit_cost": 1}),
    )
    .await;
    let (s, b) = app
        .post(
            &format!("{base}/ingredients/{salt}/costs"),
            &chef,
            json!({"unit_cost": -2}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let (s, b) = app
        .post(
            &format!("{base}/recipes"),
            &chef,
            json!({"menu_item_id": item, "lines": [], "colour": "red"}),
        )
        .await;
    assert_eq!(s.as_u16(), 422, "unknown fields are refused: {b}");
    let (s, b) = app
        .post(
            &format!("{base}/recipes"),
            &chef,
            json!({"menu_item_id": item, "name": "Both", "lines": []}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["menu_item_id", "lines"], "{b}");
}

#[tokio::test]
async fn a_second_recipe_for_a_dish_is_refused_and_the_first_is_kept() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let tomatoes = ingredient(
        &app,
        &chef,
        &r,
        json!({"name": "Tomatoes", "base_unit": "kg", "unit_cost": 2}),
    )
    .await;
    let salad = app.create_item(&chef, &r, "Salad", "Salads", 9.0).await;
    let first = recipe(
        &app,
        &chef,
        &r,
        json!({"menu_item_id": salad, "lines": [{"ingredient_id": tomatoes, "quantity": 200, "unit": "g"}]}),
    )
    .await;
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/recipes"),
            &chef,
            json!({"menu_item_id": salad, "lines": [{"ingredient_id": tomatoes, "quantity": 900, "unit": "g"}]}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "menu_item_id", "{b}");
    assert_eq!(b["errors"][0]["code"], "taken", "{b}");
    let (_, list) = app
        .get(&format!("/api/v1/restaurants/{r}/recipes"), &chef)
        .await;
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["id"], first["id"]);
    let (_, kept) = app
        .get(
            &format!(
                "/api/v1/restaurants/{r}/recipes/{}",
                first["id"].as_str().expect("id")
            ),
            &chef,
        )
        .await;
    assert_eq!(dec(&kept["lines"][0]["quantity"]), d("200"), "{kept}");
}

#[tokio::test]
async fn renaming_an_ingredient_to_a_taken_name_is_a_field_conflict() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    ingredient(
        &app,
        &chef,
        &r,
        json!({"name": "Tomatoes", "base_unit": "kg", "unit_cost": 2}),
    )
    .await;
    let onions = ingredient(
        &app,
        &chef,
        &r,
        json!({"name": "Onions", "base_unit": "kg", "unit_cost": 1}),
    )
    .await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/restaurants/{r}/ingredients/{onions}"),
            Some(&chef.access),
            Some(json!({"name": " TOMATOES", "base_unit": "kg", "unit_cost": 1})),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");
    assert_eq!(b["errors"][0]["field"], "name", "{b}");
    assert_eq!(b["errors"][0]["code"], "taken", "{b}");
    let (_, kept) = app
        .get(
            &format!("/api/v1/restaurants/{r}/ingredients/{onions}"),
            &chef,
        )
        .await;
    assert_eq!(kept["name"], "Onions", "a refused rename changes nothing");
}

#[tokio::test]
async fn a_taken_prep_name_is_a_field_conflict_on_create_and_on_rename() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Bistro").await;
    let tomatoes = ingredient(
        &app,
        &chef,
        &r,
        json!({"name": "Tomatoes", "base_unit": "kg", "unit_cost": 2}),
    )
    .await;
    let prep = |name: &str| {
        json!({"name": name, "yield": {"amount": 2, "unit": "l"},
               "lines": [{"ingredient_id": tomatoes, "quantity": 1, "unit": "kg"}]})
    };
    recipe(&app, &chef, &r, prep("Tomato sauce")).await;
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r}/recipes"),
            &chef,
            prep("tomato  SAUCE"),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");
    assert_eq!(b["errors"][0]["field"], "name", "{b}");
    assert_eq!(b["errors"][0]["code"], "taken", "{b}");
    let other = recipe(&app, &chef, &r, prep("Salsa")).await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!(
                "/api/v1/restaurants/{r}/recipes/{}",
                other["id"].as_str().expect("id")
            ),
            Some(&chef.access),
            Some(prep("Tomato sauce")),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");
    assert_eq!(b["errors"][0]["code"], "taken", "{b}");
    // Keeping its own name is no clash.
    let (s, b) = app
        .call(
            Method::PUT,
            &format!(
                "/api/v1/restaurants/{r}/recipes/{}",
                other["id"].as_str().expect("id")
            ),
            Some(&chef.access),
            Some(prep("Salsa")),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}
