//! Suppliers, stock, recommendations, purchase orders and the prep list
//! through the API, with forecasts of known quantiles.

use chrono::{Duration, NaiveDate};
use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, dec, smtp_sink, spawn_app, spawn_app_with, TestApp, User};

/// The restaurant's local date, as the server computes it.
async fn today(app: &TestApp, user: &User, r: &str) -> NaiveDate {
    let (_, body) = app.get(&format!("/api/v1/restaurants/{r}"), user).await;
    let tz: chrono_tz::Tz = body["timezone"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("timezone");
    chrono::Utc::now().with_timezone(&tz).date_naive()
}

/// Stores a completed forecast run with the given dish-days, as the
/// forecasting job would.
async fn seed_forecast(app: &TestApp, r: &str, days: &[(Uuid, NaiveDate, f64)]) {
    let rid = Uuid::parse_str(r).expect("rid");
    let mut tx = flux_store::tenant::begin(&app.pool, Uuid::nil(), rid)
        .await
        .expect("tenant tx");
    let run = flux_store::forecasts::Run {
        forecast_run_id: Uuid::now_v7(),
        model: "test".into(),
        model_version: "1".into(),
        parameters: json!({}),
        trigger: "cli".into(),
        as_of: days.first().map(|d| d.1).expect("a day"),
        horizon_days: 7,
        status: flux_store::status::RunStatus::Completed,
        items: 1,
        load_ms: 0,
        engine_ms: 0,
        store_ms: 0,
        error: None,
        created_at: chrono::Utc::now(),
    };
    flux_store::forecasts::insert_run(&mut tx, rid, &run, None)
        .await
        .expect("run");
    let mut rows = flux_store::forecasts::ForecastRows::default();
    for (item, date, v) in days {
        rows.menu_item_id.push(*item);
        rows.date.push(*date);
        // A point forecast: every quantile the same.
        for col in [
            &mut rows.mean,
            &mut rows.p10,
            &mut rows.p50,
            &mut rows.p90,
            &mut rows.p99,
        ] {
            col.push(*v);
        }
        rows.confidence.push(0.9);
        rows.explanation.push(json!({}));
        rows.text.push("test".into());
    }
    flux_store::forecasts::insert_forecasts(&mut tx, rid, run.forecast_run_id, &rows)
        .await
        .expect("forecasts");
    tx.commit().await.expect("commit");
}

struct Kitchen {
    r: String,
    tomatoes: String,
    supplier: String,
    salad: String,
    today: NaiveDate,
}

/// Tomatoes at 2.00/kg (3-day shelf life) from a supplier delivering every
/// day with a one-day lead time in 5 kg packs at 10.00; a salad using
/// 200 g; 20 salads forecast for today and tomorrow; 3 kg counted last night.
async fn kitchen(app: &TestApp, chef: &User) -> Kitchen {
    let r = app.create_restaurant(chef, "Bistro").await;
    let base = format!("/api/v1/restaurants/{r}");
    let (s, t) = app
        .post(
            &format!("{base}/ingredients"),
            chef,
            json!({"name": "Tomatoes", "base_unit": "kg", "unit_cost": 2, "shelf_life_days": 3}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let tomatoes = t["id"].as_str().expect("id").to_string();
    let (s, sup) = app
        .post(
            &format!("{base}/suppliers"),
            chef,
            json!({"name": "Huerta", "lead_time_days": 1, "delivery_days": [1, 2, 3, 4, 5, 6, 7]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{sup}");
    let supplier = sup["id"].as_str().expect("id").to_string();
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("{base}/suppliers/{supplier}/offers/{tomatoes}"),
            Some(&chef.access),
            Some(json!({"pack_size": "5000 g", "pack_price": "10.00", "preferred": true})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        dec(&b["offers"][0]["pack_base_units"]),
        Decimal::from(5),
        "5000 g is 5 kg"
    );
    let salad = app.create_item(chef, &r, "Salad", "Salads", 9.0).await;
    let (s, b) = app
        .post(
            &format!("{base}/recipes"),
            chef,
            json!({"menu_item_id": salad, "lines": [{"ingredient_id": tomatoes, "quantity": 200, "unit": "g"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let today = today(app, chef, &r).await;
    let item = Uuid::parse_str(&salad).expect("uuid");
    seed_forecast(
        app,
        &r,
        &[(item, today, 20.0), (item, today + Duration::days(1), 20.0)],
    )
    .await;
    let (s, b) = app
        .post(
            &format!("{base}/inventory/counts"),
            chef,
            json!({"date": today - Duration::days(1), "items": [{"ingredient_id": tomatoes, "quantity": 3000, "unit": "g"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    Kitchen {
        r,
        tomatoes,
        supplier,
        salad,
        today,
    }
}

fn line<'a>(rec: &'a Value, name: &str) -> &'a Value {
    rec["plan"]["orders"]
        .as_array()
        .and_then(|o| {
            o.iter()
                .flat_map(|o| o["lines"].as_array().into_iter().flatten())
                .find(|l| l["name"] == name)
        })
        .unwrap_or(&Value::Null)
}

#[tokio::test]
async fn the_recommendation_orders_what_the_forecast_needs_net_of_stock_in_packs() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let base = format!("/api/v1/restaurants/{}", k.r);

    // Low stock: 3 kg on hand, 4 kg needed today before the delivery.
    let (s, inv) = app.get(&format!("{base}/inventory"), &chef).await;
    assert_eq!(s, StatusCode::OK, "{inv}");
    let t = &inv["items"][0];
    assert_eq!(t["on_hand"], 3.0, "{inv}");
    assert_eq!(t["low"], true, "{inv}");

    // The order arrives tomorrow and must last until the day after: two
    // days of 20 salads × 200 g = 8 kg at the median, 3 kg on hand → 5 kg
    // → one 5 kg pack.
    let (s, rec) = app
        .get(
            &format!("{base}/purchasing/recommendations?service_level=0.5"),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{rec}");
    assert_eq!(
        rec["windows"][0]["first_delivery"],
        (k.today + Duration::days(1)).to_string()
    );
    assert_eq!(rec["windows"][0]["days"], 2);
    let l = line(&rec, "Tomatoes");
    assert!(
        (l["target"].as_f64().unwrap_or(0.0) - 8.0).abs() < 1e-6,
        "{rec}"
    );
    assert_eq!(l["packs"], 1, "{rec}");
    assert_eq!(dec(&l["cost"]), Decimal::from(10));
    assert!(
        l["explanation"]
            .as_str()
            .unwrap_or_default()
            .contains("5 kg"),
        "{l}"
    );

    // Accept → a draft; send → on order; the next recommendation needs nothing.
    let (s, acc) = app
        .post(
            &format!("{base}/purchasing/recommendations/accept"),
            &chef,
            json!({"service_level": 0.5}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{acc}");
    let order = acc["orders"][0].as_str().expect("an order").to_string();
    let orders = format!("{base}/purchasing/orders/{order}");
    let (_, draft) = app.get(&orders, &chef).await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["lines"][0]["packs"], 1);
    let (s, sent) = app
        .post(&format!("{orders}/send"), &chef, json!(null))
        .await;
    assert_eq!(s, StatusCode::OK, "{sent}");
    assert_eq!(sent["status"], "sent");
    let (s, b) = app
        .call(
            Method::PUT,
            &orders,
            Some(&chef.access),
            Some(json!({"lines": []})),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");
    let (_, rec) = app
        .get(
            &format!("{base}/purchasing/recommendations?service_level=0.5"),
            &chef,
        )
        .await;
    assert!(
        rec["plan"]["nothing_needed"]
            .as_array()
            .is_some_and(|n| n.iter().any(|l| l["name"] == "Tomatoes")),
        "5 kg on order covers it: {rec}"
    );

    // The supplier's CSV.
    let resp = app
        .req(Method::GET, &format!("{orders}/csv"), Some(&chef.access))
        .send()
        .await
        .expect("csv");
    assert_eq!(resp.status(), StatusCode::OK);
    let csv = resp.text().await.expect("text");
    assert!(csv.contains("Tomatoes,1,5,kg,5,10"), "{csv}");

    // Receive 4.5 kg (short), record 0.5 kg waste and today's 10 salads
    // (2 kg): 3 + 4.5 − 0.5 − 2 = 5 kg on hand.
    let (s, got) = app
        .post(
            &format!("{orders}/receive"),
            &chef,
            json!({"lines": [{"line_no": 0, "received_quantity": "4.5"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{got}");
    assert_eq!(got["status"], "received");
    let (s, b) = app
        .post(
            &format!("{base}/inventory/waste"),
            &chef,
            json!({"items": [{"ingredient_id": k.tomatoes, "quantity": 500, "unit": "g", "note": "bruised"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let csv = format!("date,item,quantity,price\n{},Salad,10,9.00\n", k.today);
    let (s, b) = app
        .upload(&chef, &k.r, "today.csv", csv.into_bytes(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (_, inv) = app.get(&format!("{base}/inventory"), &chef).await;
    let on_hand = inv["items"][0]["on_hand"].as_f64().unwrap_or(-1.0);
    assert!((on_hand - 5.0).abs() < 1e-9, "{inv}");
    assert_eq!(
        inv["items"][0]["on_order"], 0.0,
        "received orders are no longer on order"
    );
    let _ = &k.salad;
}

#[tokio::test]
async fn bad_input_is_refused_with_reasons_and_stores_nothing() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let base = format!("/api/v1/restaurants/{}", k.r);
    let (s, b) = app
        .post(
            &format!("{base}/suppliers"),
            &chef,
            json!({"name": "", "delivery_days": [0], "lead_time_days": -1, "email": "nope"}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    // A pack in litres of tomatoes priced per kg: impossible without a density.
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("{base}/suppliers/{}/offers/{}", k.supplier, k.tomatoes),
            Some(&chef.access),
            Some(json!({"pack_size": "2 l", "pack_price": 4})),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["code"], "impossible_conversion", "{b}");
    // A count with one unknown ingredient stores none of its items.
    let (s, b) = app
        .post(
            &format!("{base}/inventory/counts"),
            &chef,
            json!({"items": [{"ingredient_id": k.tomatoes, "quantity": 99},
                             {"ingredient_id": Uuid::now_v7(), "quantity": 1}]}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "items.1.ingredient_id");
    let (_, inv) = app.get(&format!("{base}/inventory"), &chef).await;
    assert_eq!(
        inv["items"][0]["on_hand"], 3.0,
        "the count of 99 was not stored"
    );
    // An order line the supplier does not offer.
    let (s, b) = app
        .post(
            &format!("{base}/purchasing/orders"),
            &chef,
            json!({"supplier_id": k.supplier, "lines": [{"ingredient_id": Uuid::now_v7(), "packs": 1}]}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let (s, b) = app
        .get(
            &format!("{base}/purchasing/recommendations?service_level=1.5"),
            &chef,
        )
        .await;
    assert_problem(s, &b, 400, "invalid_query");
}

#[tokio::test]
async fn the_prep_list_scales_preps_to_the_forecast() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let base = format!("/api/v1/restaurants/{}", k.r);
    let (_, oil) = app
        .post(
            &format!("{base}/ingredients"),
            &chef,
            json!({"name": "Olive oil", "base_unit": "l", "unit_cost": 9}),
        )
        .await;
    let (s, dressing) = app
        .post(
            &format!("{base}/recipes"),
            &chef,
            json!({"name": "Dressing", "yield": {"amount": 1, "unit": "l"},
                   "lines": [{"ingredient_id": oil["id"], "quantity": 800, "unit": "ml"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{dressing}");
    let (_, recipes) = app.get(&format!("{base}/recipes"), &chef).await;
    let salad_recipe = recipes["items"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["name"] == "Salad"))
        .and_then(|r| r["id"].as_str())
        .expect("salad recipe")
        .to_string();
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("{base}/recipes/{salad_recipe}"),
            Some(&chef.access),
            Some(json!({"menu_item_id": k.salad, "lines": [
                {"ingredient_id": k.tomatoes, "quantity": 200, "unit": "g"},
                {"recipe_id": dressing["id"], "quantity": 50, "unit": "ml"}]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, list) = app
        .get(
            &format!(
                "{base}/purchasing/prep-list?date={}&service_level=0.5",
                k.today
            ),
            &chef,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["dishes"][0]["portions"], 20);
    // 20 × 50 ml = 1 l of dressing: one batch.
    assert_eq!(list["preps"][0]["prep"], "Dressing");
    assert_eq!(dec(&list["preps"][0]["quantity"]), Decimal::ONE);
    assert_eq!(dec(&list["preps"][0]["batches"]), Decimal::ONE);

    // 0.4 l already made and good until tomorrow: make 0.6 l.
    let prep_counts = format!("{base}/purchasing/prep-counts");
    let (s, b) = app
        .post(
            &prep_counts,
            &chef,
            json!({"recipe_id": dressing["id"], "quantity": "0.4",
                   "counted_on": k.today, "usable_until": k.today + Duration::days(1)}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let url = format!(
        "{base}/purchasing/prep-list?date={}&service_level=0.5",
        k.today
    );
    let (_, list) = app.get(&url, &chef).await;
    assert_eq!(dec(&list["preps"][0]["needed"]), Decimal::ONE);
    assert_eq!(dec(&list["preps"][0]["on_hand"]), Decimal::new(4, 1));
    assert_eq!(dec(&list["preps"][0]["quantity"]), Decimal::new(6, 1));
    // Two days later that batch is past its use-by date: make it all again.
    let later = k.today + Duration::days(2);
    seed_forecast(
        &app,
        &k.r,
        &[(Uuid::parse_str(&k.salad).expect("uuid"), later, 20.0)],
    )
    .await;
    let (_, list) = app
        .get(
            &format!("{base}/purchasing/prep-list?date={later}&service_level=0.5"),
            &chef,
        )
        .await;
    assert_eq!(dec(&list["preps"][0]["quantity"]), Decimal::ONE, "{list}");
    // Dishes are not preps; use-by before the count is refused.
    let (s, b) = app
        .post(
            &prep_counts,
            &chef,
            json!({"recipe_id": salad_recipe, "quantity": 1, "usable_until": k.today - Duration::days(1)}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"].as_array().map(Vec::len), Some(2), "{b}");
}

#[tokio::test]
async fn purchasing_is_tenant_isolated() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let (s, acc) = app
        .post(
            &format!(
                "/api/v1/restaurants/{}/purchasing/recommendations/accept",
                k.r
            ),
            &chef,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{acc}");
    let order = acc["orders"][0].as_str().expect("order").to_string();
    let other = app.register("other@example.com").await;
    let ro = app.create_restaurant(&other, "Other").await;
    let mine = format!("/api/v1/restaurants/{ro}");
    let theirs = format!("/api/v1/restaurants/{}", k.r);
    for (method, path) in [
        (Method::GET, format!("{theirs}/suppliers")),
        (Method::GET, format!("{theirs}/inventory")),
        (Method::GET, format!("{theirs}/purchasing/orders")),
        (Method::GET, format!("{mine}/suppliers/{}", k.supplier)),
        (Method::DELETE, format!("{mine}/suppliers/{}", k.supplier)),
        (Method::GET, format!("{mine}/purchasing/orders/{order}")),
        (
            Method::POST,
            format!("{mine}/purchasing/orders/{order}/send"),
        ),
        (Method::GET, format!("{mine}/purchasing/orders/{order}/csv")),
    ] {
        let (s, v) = app
            .call(method.clone(), &path, Some(&other.access), None)
            .await;
        assert_problem(s, &v, 404, "not_found");
    }
    let (s, v) = app
        .post(
            &format!("{mine}/purchasing/orders"),
            &other,
            json!({"supplier_id": k.supplier, "lines": [{"ingredient_id": k.tomatoes, "packs": 1}]}),
        )
        .await;
    assert_problem(s, &v, 422, "validation_failed");
    let (_, o) = app
        .get(&format!("{theirs}/purchasing/orders/{order}"), &chef)
        .await;
    assert_eq!(o["status"], "draft", "the other tenant could not send it");
}

#[tokio::test]
async fn sending_an_order_e_mails_it_to_the_supplier_with_its_csv() {
    let (url, sink) = smtp_sink().await;
    let mailer =
        flux_app::purchasing::mail::Mailer::from_url(&url, "Bistro <orders@bistro.example>")
            .expect("mailer");
    let app = spawn_app_with(move |c| c.mailer = Some(mailer)).await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let base = format!("/api/v1/restaurants/{}", k.r);
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("{base}/suppliers/{}", k.supplier),
            Some(&chef.access),
            Some(
                json!({"name": "Huerta", "email": "pedidos@huerta.example", "lead_time_days": 1,
                        "delivery_days": [1, 2, 3, 4, 5, 6, 7]}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, o) = app
        .post(
            &format!("{base}/purchasing/orders"),
            &chef,
            json!({"supplier_id": k.supplier, "lines": [{"ingredient_id": k.tomatoes, "packs": 2}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    let id = o["id"].as_str().expect("id");
    let (s, sent) = app
        .post(
            &format!("{base}/purchasing/orders/{id}/send"),
            &chef,
            json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{sent}");
    assert_eq!(sent["emailed_to"], "pedidos@huerta.example");
    let (rcpt, message) = tokio::time::timeout(std::time::Duration::from_secs(10), sink)
        .await
        .expect("the sink got the message in time")
        .expect("sink task");
    assert!(
        rcpt.iter().any(|r| r.contains("pedidos@huerta.example")),
        "{rcpt:?}"
    );
    assert!(
        message.contains("Subject: Purchase order from Bistro"),
        "{message}"
    );
    assert!(message.contains("order-"), "the CSV is attached: {message}");
    assert!(
        message.contains("2 =C3=97 5 kg Tomatoes") || message.contains("2 × 5 kg Tomatoes"),
        "{message}"
    );
}

#[tokio::test]
async fn an_unreachable_mail_server_leaves_the_order_a_draft() {
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let mailer = flux_app::purchasing::mail::Mailer::from_url(
        &format!("smtp://{closed}"),
        "orders@bistro.example",
    )
    .expect("mailer");
    let app = spawn_app_with(move |c| c.mailer = Some(mailer)).await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let base = format!("/api/v1/restaurants/{}", k.r);
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("{base}/suppliers/{}", k.supplier),
            Some(&chef.access),
            Some(json!({"name": "Huerta", "email": "pedidos@huerta.example"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, o) = app
        .post(
            &format!("{base}/purchasing/orders"),
            &chef,
            json!({"supplier_id": k.supplier, "lines": [{"ingredient_id": k.tomatoes, "packs": 1}]}),
        )
        .await;
    let id = o["id"].as_str().expect("id");
    let (s, b) = app
        .post(
            &format!("{base}/purchasing/orders/{id}/send"),
            &chef,
            json!(null),
        )
        .await;
    assert_problem(s, &b, 502, "mail_failed");
    let (_, again) = app
        .get(&format!("{base}/purchasing/orders/{id}"), &chef)
        .await;
    assert_eq!(again["status"], "draft");
}

#[tokio::test]
async fn orders_move_only_forward_and_receipts_are_checked() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let base = format!("/api/v1/restaurants/{}", k.r);
    let (_, o) = app
        .post(
            &format!("{base}/purchasing/orders"),
            &chef,
            json!({"supplier_id": k.supplier, "lines": [{"ingredient_id": k.tomatoes, "packs": 1}]}),
        )
        .await;
    let order = format!("{base}/purchasing/orders/{}", o["id"].as_str().expect("id"));
    // A draft cannot be received.
    let (s, b) = app
        .post(&format!("{order}/receive"), &chef, json!({}))
        .await;
    assert_problem(s, &b, 409, "conflict");
    let (s, _) = app.post(&format!("{order}/send"), &chef, json!(null)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, b) = app.post(&format!("{order}/send"), &chef, json!(null)).await;
    assert_problem(s, &b, 409, "conflict");
    let (s, b) = app
        .post(
            &format!("{order}/receive"),
            &chef,
            json!({"lines": [{"line_no": 7, "received_quantity": "1"},
                             {"line_no": 0, "received_quantity": "-1"}]}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"].as_array().map(Vec::len), Some(2), "{b}");
    let (_, still) = app.get(&order, &chef).await;
    assert_eq!(still["status"], "sent", "a refused receipt changes nothing");
    let (s, _) = app
        .post(&format!("{order}/receive"), &chef, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, b) = app
        .post(&format!("{order}/cancel"), &chef, json!(null))
        .await;
    assert_problem(s, &b, 409, "conflict");
    // Listing: filters and cursors are checked.
    let (s, b) = app
        .get(&format!("{base}/purchasing/orders?status=lost"), &chef)
        .await;
    assert_problem(s, &b, 400, "invalid_query");
    let (s, b) = app
        .get(&format!("{base}/purchasing/orders?cursor=forged"), &chef)
        .await;
    assert_problem(s, &b, 400, "invalid_query");
    let (s, page) = app
        .get(&format!("{base}/purchasing/orders?status=received"), &chef)
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(page["items"][0]["lines"][0]["packs"], 1, "{page}");
}

#[tokio::test]
async fn another_tenants_ingredients_and_preps_are_unknown_here() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let other = app.register("other@example.com").await;
    let ro = app.create_restaurant(&other, "Other").await;
    let mine = format!("/api/v1/restaurants/{ro}");
    let (_, sup) = app
        .post(
            &format!("{mine}/suppliers"),
            &other,
            json!({"name": "Mine"}),
        )
        .await;
    let supplier = sup["id"].as_str().expect("id");
    // An offer for the first restaurant's tomatoes, from the second's supplier.
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("{mine}/suppliers/{supplier}/offers/{}", k.tomatoes),
            Some(&other.access),
            Some(json!({"pack_size": "5 kg", "pack_price": 1})),
        )
        .await;
    assert_problem(s, &b, 404, "not_found");
    let (s, b) = app
        .post(
            &format!("{mine}/inventory/counts"),
            &other,
            json!({"items": [{"ingredient_id": k.tomatoes, "quantity": 1}]}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let (_, recipes) = app
        .get(&format!("/api/v1/restaurants/{}/recipes", k.r), &chef)
        .await;
    let salad_recipe = recipes["items"][0]["id"].as_str().expect("recipe");
    let (s, b) = app
        .post(
            &format!("{mine}/purchasing/prep-counts"),
            &other,
            json!({"recipe_id": salad_recipe, "quantity": 1, "usable_until": k.today}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["code"], "unknown", "{b}");
    let (_, inv) = app
        .get(&format!("/api/v1/restaurants/{}/inventory", k.r), &chef)
        .await;
    assert_eq!(
        inv["items"][0]["on_hand"], 3.0,
        "the first restaurant's stock is unchanged"
    );
}

#[tokio::test]
async fn a_taken_supplier_name_is_refused_on_create_and_on_rename() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let base = format!("/api/v1/restaurants/{}", k.r);
    // Names are compared ignoring case and spacing.
    let (s, b) = app
        .post(
            &format!("{base}/suppliers"),
            &chef,
            json!({"name": "  HUERTA "}),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");
    assert_eq!(b["errors"][0]["field"], "name", "{b}");
    assert_eq!(b["errors"][0]["code"], "taken", "{b}");
    let (s, other) = app
        .post(
            &format!("{base}/suppliers"),
            &chef,
            json!({"name": "Verduras"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{other}");
    let other = other["id"].as_str().expect("id");
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("{base}/suppliers/{other}"),
            Some(&chef.access),
            Some(json!({"name": "huerta"})),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");
    assert_eq!(b["errors"][0]["field"], "name", "{b}");
    assert_eq!(b["errors"][0]["code"], "taken", "{b}");
    let (_, kept) = app.get(&format!("{base}/suppliers/{other}"), &chef).await;
    assert_eq!(kept["name"], "Verduras", "a refused rename changes nothing");
}

#[tokio::test]
async fn a_stock_count_needs_an_item_and_quantities_that_are_not_negative() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let base = format!("/api/v1/restaurants/{}", k.r);
    let (s, b) = app
        .post(
            &format!("{base}/inventory/counts"),
            &chef,
            json!({"items": []}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "items", "{b}");
    assert_eq!(b["errors"][0]["code"], "required", "{b}");
    let (s, b) = app
        .post(
            &format!("{base}/inventory/counts"),
            &chef,
            json!({"items": [{"ingredient_id": k.tomatoes, "quantity": -2}]}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "items.0.quantity", "{b}");
    assert_eq!(b["errors"][0]["code"], "negative", "{b}");
    let (_, inv) = app.get(&format!("{base}/inventory"), &chef).await;
    assert_eq!(inv["items"][0]["on_hand"], 3.0, "nothing was counted");
}

#[tokio::test]
async fn an_override_of_the_forecast_changes_what_is_ordered() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let base = format!("/api/v1/restaurants/{}", k.r);
    let target = |rec: &Value| line(rec, "Tomatoes")["target"].as_f64().unwrap_or(0.0);
    let url = format!("{base}/purchasing/recommendations?service_level=0.5");
    let recommend = || app.get(&url, &chef);
    let (_, before) = recommend().await;
    assert!((target(&before) - 8.0).abs() < 1e-6, "{before}");

    // A party tomorrow: 45 salads instead of 20 → (20 + 45) × 200 g.
    let tomorrow = k.today + Duration::days(1);
    let (s, o) = app
        .post(
            &format!("{base}/forecast/overrides"),
            &chef,
            json!({"menu_item_id": k.salad, "date": tomorrow, "quantity": 45, "reason": "wedding party"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    let (_, after) = recommend().await;
    assert!((target(&after) - 13.0).abs() < 1e-6, "{after}");
    assert_eq!(
        line(&after, "Tomatoes")["packs"],
        2,
        "10 kg short: two 5 kg packs"
    );

    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("{base}/forecast/overrides/{}/{tomorrow}", k.salad),
            Some(&chef.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, restored) = recommend().await;
    assert!((target(&restored) - 8.0).abs() < 1e-6, "{restored}");
}

#[tokio::test]
async fn fill_to_par_orders_up_to_the_maximum_only_once_stock_reaches_the_minimum() {
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let k = kitchen(&app, &chef).await;
    let base = format!("/api/v1/restaurants/{}", k.r);

    // Suggested from the forecast: today's 20 salads × 200 g = 4 kg must
    // be on the shelf until tomorrow's delivery; the window's order-up-to
    // level is 8 kg (a point forecast: every quantile is the median).
    let (s, pars) = app.get(&format!("{base}/purchasing/pars"), &chef).await;
    assert_eq!(s, StatusCode::OK, "{pars}");
    let t = &pars["items"][0];
    assert!(
        (t["suggested"]["min"].as_f64().unwrap_or(0.0) - 4.0).abs() < 1e-6,
        "{t}"
    );
    assert!(
        (t["suggested"]["max"].as_f64().unwrap_or(0.0) - 8.0).abs() < 1e-6,
        "{t}"
    );
    assert_eq!(t["set"], Value::Null);

    let by_par = format!("{base}/purchasing/recommendations?policy=par");
    // 3 kg on hand ≤ 4 → up to 8: 5 kg, one pack.
    let (s, rec) = app.get(&by_par, &chef).await;
    assert_eq!(s, StatusCode::OK, "{rec}");
    let l = line(&rec, "Tomatoes");
    assert_eq!(l["packs"], 1, "{rec}");
    assert!(
        l["explanation"]
            .as_str()
            .unwrap_or_default()
            .contains("fill to par"),
        "{l}"
    );

    // A par the chef sets wins: above a minimum of 2 kg nothing is ordered…
    let par = format!("{base}/ingredients/{}/par", k.tomatoes);
    let (s, b) = app
        .call(
            Method::PUT,
            &par,
            Some(&chef.access),
            Some(json!({"min": 2, "max": 20})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let (_, rec) = app.get(&by_par, &chef).await;
    assert_eq!(
        line(&rec, "Tomatoes"),
        &Value::Null,
        "nothing to order: {rec}"
    );
    // …and at or below a minimum of 5 kg it orders up to 20: 17 kg, 4 packs.
    let (s, _) = app
        .call(
            Method::PUT,
            &par,
            Some(&chef.access),
            Some(json!({"min": "5", "max": "20"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, rec) = app.get(&by_par, &chef).await;
    assert_eq!(line(&rec, "Tomatoes")["packs"], 4, "{rec}");
    // The forecast policy is untouched by pars.
    let (_, rec) = app
        .get(
            &format!("{base}/purchasing/recommendations?service_level=0.5"),
            &chef,
        )
        .await;
    assert_eq!(line(&rec, "Tomatoes")["packs"], 1, "{rec}");
    // Accepting by par drafts the par quantity.
    let (s, acc) = app
        .post(
            &format!("{base}/purchasing/recommendations/accept"),
            &chef,
            json!({"policy": "par"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{acc}");
    let order = acc["orders"][0].as_str().expect("an order");
    let (_, o) = app
        .get(&format!("{base}/purchasing/orders/{order}"), &chef)
        .await;
    assert_eq!(o["lines"][0]["packs"], 4, "{o}");

    // Bad pars are refused with the field; another tenant's ingredient is 404.
    let (s, b) = app
        .call(
            Method::PUT,
            &par,
            Some(&chef.access),
            Some(json!({"min": 5, "max": 4})),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert_eq!(b["errors"][0]["field"], "max", "{b}");
    let (s, b) = app
        .call(
            Method::PUT,
            &par,
            Some(&chef.access),
            Some(json!({"min": -1, "max": 4})),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let other = app.register("other@example.com").await;
    let theirs = app.create_restaurant(&other, "Elsewhere").await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!(
                "/api/v1/restaurants/{theirs}/ingredients/{}/par",
                k.tomatoes
            ),
            Some(&other.access),
            Some(json!({"min": 1, "max": 2})),
        )
        .await;
    assert_problem(s, &b, 404, "not_found");
    let (s, _) = app
        .call(Method::DELETE, &par, Some(&chef.access), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, pars) = app.get(&format!("{base}/purchasing/pars"), &chef).await;
    assert_eq!(pars["items"][0]["set"], Value::Null, "cleared: {pars}");
}
