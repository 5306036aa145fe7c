//! `flux inventory …` from the shell: an allergen review, the matrix it
//! changes, par levels, and refusals that name what is wrong.

use sqlx::ConnectOptions;

/// Runs `flux inventory ARGS…`; (success, stdout, stderr).
fn inventory(
    db: &flux_testkit::TestDb,
    data: &std::path::Path,
    args: &[&str],
) -> (bool, String, String) {
    let all: Vec<&str> = std::iter::once("inventory")
        .chain(args.iter().copied())
        .collect();
    crate::common::flux_on(db, data, &all)
}

#[tokio::test]
async fn allergens_are_declared_and_listed_and_pars_shown_from_the_shell() {
    let db = flux_testkit::fresh_db().await;
    let mut owner = db.owner.connect().await.expect("connect");
    let restaurant = crate::common::seed_restaurant(&mut owner).await;
    let cheese = uuid::Uuid::new_v4();
    sqlx::query(
        "insert into ingredients (restaurant_id, ingredient_id, name, name_key, base_unit, unit_cost)
         values ($1, $2, 'Cheddar', 'cheddar', 'kg', 9)",
    )
    .bind(restaurant)
    .bind(cheese)
    .execute(&mut owner)
    .await
    .expect("ingredient");
    let item = uuid::Uuid::new_v4();
    sqlx::query(
        "insert into menu_items (restaurant_id, menu_item_id, name, name_key, price)
         values ($1, $2, 'Cheese toastie', 'cheese toastie', 6)",
    )
    .bind(restaurant)
    .bind(item)
    .execute(&mut owner)
    .await
    .expect("menu item");
    let recipe = uuid::Uuid::new_v4();
    sqlx::query(
        "insert into recipes (restaurant_id, recipe_id, menu_item_id, yield_amount, yield_unit)
         values ($1, $2, $3, 1, 'each')",
    )
    .bind(restaurant)
    .bind(recipe)
    .bind(item)
    .execute(&mut owner)
    .await
    .expect("recipe");
    sqlx::query(
        "insert into recipe_lines (restaurant_id, recipe_id, line_no, ingredient_id, quantity, unit)
         values ($1, $2, 0, $3, 60, 'g')",
    )
    .bind(restaurant)
    .bind(recipe)
    .bind(cheese)
    .execute(&mut owner)
    .await
    .expect("line");
    let data = tempfile::tempdir().expect("data dir");
    let r = restaurant.to_string();

    let (ok, out, err) = inventory(&db, data.path(), &["allergens", "--restaurant", &r]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Cheese toastie") && out.contains("not reviewed: Cheddar"),
        "{out}"
    );

    let (ok, _, err) = inventory(
        &db,
        data.path(),
        &[
            "declare",
            "--restaurant",
            &r,
            "--ingredient",
            "Cheddar",
            "--allergens",
            "milk, pollen",
        ],
    );
    assert!(!ok, "an unknown allergen is refused");
    assert!(err.contains("\"pollen\""), "{err}");
    let (ok, _, err) = inventory(
        &db,
        data.path(),
        &[
            "declare",
            "--restaurant",
            &r,
            "--ingredient",
            "Gouda",
            "--allergens",
            "milk",
        ],
    );
    assert!(
        !ok && err.contains("no ingredient named \"Gouda\""),
        "{err}"
    );
    let (ok, out, err) = inventory(
        &db,
        data.path(),
        &[
            "declare",
            "--restaurant",
            &r,
            "--ingredient",
            "cheddar",
            "--allergens",
            "Dairy",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("Cheddar: Milk"), "{out}");
    let (ok, out, err) = inventory(
        &db,
        data.path(),
        &["allergens", "--restaurant", &r, "--json"],
    );
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["recipes"][0]["contains"][0]["allergen"], "milk", "{v}");
    assert_eq!(v["recipes"][0]["unreviewed"], serde_json::json!([]));

    let (ok, out, err) = inventory(&db, data.path(), &["pars", "--restaurant", &r]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Cheddar") && out.contains("not counted"),
        "{out}"
    );
}
