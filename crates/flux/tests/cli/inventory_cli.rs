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

#[tokio::test]
async fn an_invoice_is_imported_and_stock_transferred_from_the_shell() {
    let db = flux_testkit::fresh_db().await;
    let mut owner = db.owner.connect().await.expect("connect");
    let restaurant = crate::common::seed_restaurant(&mut owner).await;
    let second = uuid::Uuid::new_v4();
    sqlx::query(
        "insert into restaurants (restaurant_id, name, timezone, currency, locale, created_by)
         select $1, 'Corner Café Two', 'Europe/London', 'GBP', 'en-GB', user_id from users",
    )
    .bind(second)
    .execute(&mut owner)
    .await
    .expect("second restaurant");
    sqlx::query(
        "insert into memberships (restaurant_id, user_id, role) select r, user_id, 'owner'
         from users, unnest($1::uuid[]) as r",
    )
    .bind(vec![restaurant, second])
    .execute(&mut owner)
    .await
    .expect("memberships");
    let butter = uuid::Uuid::new_v4();
    for (r, id, cost) in [(restaurant, butter, 8), (second, uuid::Uuid::new_v4(), 9)] {
        sqlx::query(
            "insert into ingredients (restaurant_id, ingredient_id, name, name_key, base_unit, unit_cost)
             values ($1, $2, 'Butter', 'butter', 'kg', $3)",
        )
        .bind(r)
        .bind(id)
        .bind(cost)
        .execute(&mut owner)
        .await
        .expect("ingredient");
    }
    let supplier = uuid::Uuid::new_v4();
    sqlx::query(
        "insert into suppliers (restaurant_id, supplier_id, name, name_key) values ($1, $2, 'Dairy Ltd', 'dairy ltd')",
    )
    .bind(restaurant)
    .bind(supplier)
    .execute(&mut owner)
    .await
    .expect("supplier");
    sqlx::query(
        "insert into supplier_offers (restaurant_id, supplier_id, ingredient_id, pack_base_units, pack_price)
         values ($1, $2, $3, 2.5, 20)",
    )
    .bind(restaurant)
    .bind(supplier)
    .bind(butter)
    .execute(&mut owner)
    .await
    .expect("offer");
    let data = tempfile::tempdir().expect("dir");
    let file = data.path().join("dairy.csv");
    std::fs::write(
        &file,
        "Product,Quantity,Price,Total\nBUTTER UNSALTED 2.5KG,4,22.00,88.00\nFuel surcharge,1,3.50,3.50\nTOTAL,,,91.50\n",
    )
    .expect("csv");
    let r = restaurant.to_string();
    let path = file.to_string_lossy().to_string();
    let (ok, out, err) = inventory(
        &db,
        data.path(),
        &[
            "invoice-import",
            "--restaurant",
            &r,
            "--supplier",
            "dairy ltd",
            "--number",
            "D-55",
            "--date",
            "2026-02-10",
            &path,
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("recorded 2 lines (1 summary rows skipped)"),
        "{out}"
    );
    // 22.00 / 2.5 kg = 8.80/kg against 8: +10 %.
    assert!(out.contains("price rise: Butter 8 → 8.8 (+10 %)"), "{out}");
    assert!(out.contains("unknown line"), "{out}");
    let (ok, _, err) = inventory(
        &db,
        data.path(),
        &[
            "invoice-import",
            "--restaurant",
            &r,
            "--supplier",
            "Nobody",
            "--number",
            "X",
            "--date",
            "2026-02-10",
            &path,
        ],
    );
    assert!(!ok && err.contains("no supplier named \"Nobody\""), "{err}");

    let to = second.to_string();
    let (ok, out, err) = inventory(
        &db,
        data.path(),
        &[
            "transfer",
            "--restaurant",
            &r,
            "--to",
            &to,
            "--as",
            "o@x.com",
            "--item",
            "Butter",
            "--quantity",
            "1.5",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("sent 1.5 kg of Butter to Corner Café Two"),
        "{out}"
    );
    let moved: Vec<(String, rust_decimal::Decimal)> = sqlx::query_as(
        "select kind, quantity from stock_events where transfer_id is not null order by kind",
    )
    .fetch_all(&mut owner)
    .await
    .expect("events");
    assert_eq!(
        moved,
        vec![
            ("transfer_in".to_owned(), rust_decimal::Decimal::new(15, 1)),
            ("transfer_out".to_owned(), rust_decimal::Decimal::new(15, 1)),
        ]
    );
    let (ok, _, err) = inventory(
        &db,
        data.path(),
        &[
            "transfer",
            "--restaurant",
            &r,
            "--to",
            &to,
            "--as",
            "nobody@x.com",
            "--item",
            "Butter",
            "--quantity",
            "1",
        ],
    );
    assert!(!ok && err.contains("no account has the e-mail"), "{err}");
}

#[tokio::test]
async fn yields_and_a_par_are_set_from_the_shell() {
    let db = flux_testkit::fresh_db().await;
    let mut owner = db.owner.connect().await.expect("connect");
    let restaurant = crate::common::seed_restaurant(&mut owner).await;
    sqlx::query(
        "insert into ingredients (restaurant_id, ingredient_id, name, name_key, base_unit, unit_cost)
         values ($1, gen_random_uuid(), 'Onion', 'onion', 'kg', 1.2)",
    )
    .bind(restaurant)
    .execute(&mut owner)
    .await
    .expect("ingredient");
    let data = tempfile::tempdir().expect("dir");
    let r = restaurant.to_string();
    let base = ["--restaurant", r.as_str(), "--ingredient", "onion"];
    let run = |extra: &[&str], cmd: &str| {
        let mut args = vec![cmd];
        args.extend_from_slice(&base);
        args.extend_from_slice(extra);
        inventory(&db, data.path(), &args)
    };
    let (ok, out, err) = run(&["--set", "diced=0.70,peeled=85%"], "yields");
    assert!(ok, "{err}");
    assert!(
        out.contains("Onion, diced: 0.7") && out.contains("Onion, peeled: 0.85"),
        "{out}"
    );
    let (ok, out, _) = run(&[], "yields");
    assert!(ok && out.contains("diced: 0.7"), "{out}");
    let (ok, _, err) = run(&["--set", "diced"], "yields");
    assert!(!ok && err.contains("not action=yield"), "{err}");
    let (ok, _, err) = run(&["--set", "diced=1.5"], "yields");
    assert!(!ok && err.contains("yields"), "{err}");

    let (ok, out, err) = run(&["--min", "2", "--max", "5"], "par");
    assert!(ok, "{err}");
    assert!(out.contains("Onion: par 2–5 kg"), "{out}");
    let stored: (rust_decimal::Decimal, rust_decimal::Decimal) =
        sqlx::query_as("select min_quantity, max_quantity from ingredient_pars")
            .fetch_one(&mut owner)
            .await
            .expect("par");
    assert_eq!(
        stored,
        (
            rust_decimal::Decimal::from(2),
            rust_decimal::Decimal::from(5)
        )
    );
    let (ok, _, err) = run(&["--min", "5", "--max", "2"], "par");
    assert!(!ok, "a minimum above the maximum is refused");
    assert!(err.contains("max"), "{err}");
    let (ok, out, _) = run(&["--clear"], "par");
    assert!(ok && out.contains("par removed"), "{out}");
}
