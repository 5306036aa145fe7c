//! Supplier invoices and stock transfers through the API: an invoice
//! imported from a supplier's CSV matched against a short delivery, with a
//! price rise and an unknown line; credit notes for the shortage and a
//! return; transfers and a central kitchen's prep request keeping both
//! sites' stock consistent; tenancy and bad input.

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

async fn ingredient(
    app: &TestApp,
    user: &User,
    base: &str,
    name: &str,
    unit: &str,
    cost: &str,
) -> String {
    created(
        app,
        user,
        &format!("{base}/ingredients"),
        json!({"name": name, "base_unit": unit, "unit_cost": cost}),
    )
    .await
}

async fn on_hand(app: &TestApp, user: &User, base: &str, date: &str, name: &str) -> Decimal {
    let (s, inv) = app
        .get(&format!("{base}/inventory?date={date}"), user)
        .await;
    assert_eq!(s, StatusCode::OK, "{inv}");
    let item = inv["items"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["ingredient"] == name))
        .unwrap_or_else(|| panic!("no {name}: {inv}"));
    Decimal::try_from(item["on_hand"].as_f64().expect("counted")).expect("finite")
}

async fn stock(app: &TestApp, user: &User, base: &str, kind: &str, date: &str, items: Value) {
    let (s, b) = app
        .post(
            &format!("{base}/inventory/{kind}"),
            user,
            json!({"date": date, "items": items}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{kind}: {b}");
}

fn issues(line: &Value) -> Vec<&str> {
    line["issues"]
        .as_array()
        .map(|i| i.iter().filter_map(|i| i["kind"].as_str()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn an_imported_invoice_is_matched_against_a_short_delivery_a_price_rise_and_an_unknown_line()
{
    let app = spawn_app().await;
    let chef = app.register("chef@example.com").await;
    let r = app.create_restaurant(&chef, "Huerta Bistro").await;
    let base = format!("/api/v1/restaurants/{r}");
    let tomatoes = ingredient(&app, &chef, &base, "Tomatoes", "kg", "2.00").await;
    let cream = ingredient(&app, &chef, &base, "Cream", "l", "3.20").await;
    let supplier = created(
        &app,
        &chef,
        &format!("{base}/suppliers"),
        json!({"name": "Fresh Co", "lead_time_days": 1}),
    )
    .await;
    for (ingredient, size, price) in [(&tomatoes, "5 kg", "10.00"), (&cream, "1 l", "3.20")] {
        let (s, b) = app
            .call(
                Method::PUT,
                &format!("{base}/suppliers/{supplier}/offers/{ingredient}"),
                Some(&chef.access),
                Some(json!({"pack_size": size, "pack_price": price})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    // Ordered 2 × 5 kg tomatoes and 6 × 1 l cream; 8 kg tomatoes arrived.
    let order = created(
        &app,
        &chef,
        &format!("{base}/purchasing/orders"),
        json!({"supplier_id": supplier, "lines": [
            {"ingredient_id": tomatoes, "packs": 2}, {"ingredient_id": cream, "packs": 6}]}),
    )
    .await;
    let orders = format!("{base}/purchasing/orders/{order}");
    let (s, b) = app
        .post(&format!("{orders}/send"), &chef, json!(null))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = app
        .post(
            &format!("{orders}/receive"),
            &chef,
            json!({"date": "2026-03-02", "lines": [{"line_no": 0, "received_quantity": "8"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // The supplier bills both tomato packs, cream at 3.52 (+10 %) and a
    // delivery charge nobody stocks.
    let csv = "Item Code,Description,Qty,Unit Price,Ext Price\n\
               T-5,TOMATOES VINE 5KG,2,10.00,20.00\n\
               C-1,\"Cream, double 1L\",6,3.52,21.12\n\
               D-0,Delivery charge,1,5.00,5.00\n\
               ,Subtotal,,,46.12\n";
    let resp = app
        .req(
            Method::POST,
            &format!(
                "{base}/inventory/invoices/import?supplier_id={supplier}&number=INV-1001&invoice_date=2026-03-02&purchase_order_id={order}"
            ),
            Some(&chef.access),
        )
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("import");
    assert_eq!(resp.status(), StatusCode::CREATED);
    let inv: Value = resp.json().await.expect("json");
    let id = inv["id"].as_str().expect("id").to_string();
    assert_eq!(dec(&inv["total"]), d("46.12"));
    assert_eq!(inv["lines"][0]["ingredient_id"], json!(tomatoes), "{inv}");
    assert_eq!(inv["lines"][1]["ingredient_id"], json!(cream), "{inv}");
    assert_eq!(inv["lines"][2]["ingredient_id"], Value::Null, "{inv}");
    assert_eq!(inv["price_alerts"][0]["ingredient"], "Cream", "{inv}");
    assert_eq!(dec(&inv["price_alerts"][0]["percent"]), d("10"));
    assert_eq!(inv["price_alerts"].as_array().map(Vec::len), Some(1));

    // The invoiced price is the cream's cost from the invoice date (the
    // ingredient's entry today, later, still rules today).
    let (_, costs) = app
        .get(
            &format!("{base}/ingredients/{cream}/costs?as_of=2026-03-05"),
            &chef,
        )
        .await;
    assert_eq!(dec(&costs["cost_as_of"]), d("3.52"), "{costs}");
    assert!(
        costs["history"]
            .as_array()
            .is_some_and(|h| h.iter().any(|c| c["effective_from"] == "2026-03-02")),
        "{costs}"
    );

    let (s, m) = app
        .get(&format!("{base}/inventory/invoices/{id}/match"), &chef)
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    let lines = m["lines"].as_array().expect("lines");
    assert_eq!(lines[0]["name"], "Tomatoes");
    assert_eq!(
        issues(&lines[0]),
        ["short_delivery", "billed_not_received"],
        "{m}"
    );
    assert_eq!(dec(&lines[0]["ordered"]), d("10"));
    assert_eq!(dec(&lines[0]["received"]), d("8"));
    assert_eq!(dec(&lines[0]["invoiced"]), d("10"));
    assert_eq!(issues(&lines[1]), ["price_change"], "{m}");
    assert_eq!(dec(&lines[1]["issues"][0]["percent"]), d("10"));
    assert_eq!(lines[2]["name"], "Delivery charge");
    assert_eq!(issues(&lines[2]), ["unknown_line"]);
    assert_eq!(dec(&m["credit_due"]), d("4"), "2 kg at 2.00/kg");
    assert_eq!(m["clean"], false);
    let suggested = &m["suggested_credit"][0];
    assert_eq!(dec(&suggested["packs"]), d("0.4"), "{m}");
    assert_eq!(dec(&suggested["amount"]), d("4"));

    // The supplier's credit note for the shortage settles it; a second
    // for a returned litre of cream takes it out of stock.
    stock(
        &app,
        &chef,
        &base,
        "counts",
        "2026-03-02",
        json!([{"ingredient_id": cream, "quantity": 6}]),
    )
    .await;
    let credits = format!("{base}/inventory/invoices/{id}/credit-notes");
    created(
        &app,
        &chef,
        &credits,
        json!({"number": "CN-77", "date": "2026-03-03", "lines": [
            {"ingredient_id": tomatoes, "packs": "0.4", "pack_price": "10.00", "credit_reason": "shortage"}]}),
    )
    .await;
    created(
        &app,
        &chef,
        &credits,
        json!({"number": "CN-78", "date": "2026-03-03", "lines": [
            {"ingredient_id": cream, "packs": 1, "pack_price": "3.52", "credit_reason": "return"}]}),
    )
    .await;
    let (_, m) = app
        .get(&format!("{base}/inventory/invoices/{id}/match"), &chef)
        .await;
    assert_eq!(dec(&m["credit_due"]), d("0"), "{m}");
    assert_eq!(issues(&m["lines"][0]), ["short_delivery"], "{m}");
    assert_eq!(dec(&m["net_amount"]), d("38.60"), "46.12 − 4.00 − 3.52");
    assert_eq!(m["credit_notes"].as_array().map(Vec::len), Some(2));
    // The returned litre left after arriving: 5 billed net against 6 − 1.
    assert_eq!(issues(&m["lines"][1]), ["price_change"], "{m}");
    assert_eq!(
        on_hand(&app, &chef, &base, "2026-03-03", "Cream").await,
        d("5")
    );

    // Bad input changes nothing.
    let before = app
        .get(&format!("{base}/inventory/invoices"), &chef)
        .await
        .1;
    let (s, b) = app
        .post(
            &format!("{base}/inventory/invoices"),
            &chef,
            json!({"supplier_id": supplier, "number": "INV-1001", "invoice_date": "2026-03-04",
                   "lines": [{"ingredient_id": tomatoes, "packs": 1, "pack_price": 10}]}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert!(b.to_string().contains("number"), "{b}");
    let (s, b) = app
        .post(
            &format!("{base}/inventory/invoices"),
            &chef,
            json!({"supplier_id": supplier, "number": "INV-2", "invoice_date": "2026-03-04",
                   "lines": [{"ingredient_id": tomatoes, "packs": -1, "pack_price": 10},
                             {"description": "Saffron", "packs": 1, "pack_price": 10, "credit_reason": "price"}]}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let text = b.to_string();
    assert!(
        text.contains("lines.0.packs") && text.contains("lines.1.credit_reason"),
        "{b}"
    );
    let resp = app
        .req(
            Method::POST,
            &format!("{base}/inventory/invoices/import?supplier_id={supplier}&number=X&invoice_date=2026-03-04"),
            Some(&chef.access),
        )
        .header("content-type", "text/csv")
        .body("Date,Reference\n2026-01-01,X\n")
        .send()
        .await
        .expect("import");
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (s, b) = app
        .post(
            &format!("{base}/inventory/invoices/{}/credit-notes", m["credit_notes"][0]["id"].as_str().expect("id")),
            &chef,
            json!({"number": "CN-9", "date": "2026-03-04", "lines": [
                {"ingredient_id": tomatoes, "packs": 1, "pack_price": 1, "credit_reason": "shortage"}]}),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");
    assert_eq!(
        app.get(&format!("{base}/inventory/invoices"), &chef)
            .await
            .1,
        before
    );

    // Another restaurant sees none of it and cannot bill against its order.
    let other = app.register("other@example.com").await;
    let theirs = app.create_restaurant(&other, "Elsewhere").await;
    let (s, _) = app
        .get(
            &format!("/api/v1/restaurants/{theirs}/inventory/invoices/{id}"),
            &other,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .get(&format!("{base}/inventory/invoices/{id}"), &other)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn transfers_and_a_central_kitchen_request_keep_both_sites_stock_consistent() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let central = app.create_restaurant(&owner, "Central Kitchen").await;
    let outlet = app.create_restaurant(&owner, "Outlet").await;
    let ck = format!("/api/v1/restaurants/{central}");
    let out = format!("/api/v1/restaurants/{outlet}");
    let ck_tomatoes = ingredient(&app, &owner, &ck, "Tomatoes", "kg", "2.00").await;
    ingredient(&app, &owner, &ck, "Basil", "kg", "20").await;
    let sauce = created(
        &app,
        &owner,
        &format!("{ck}/recipes"),
        json!({"name": "Tomato sauce", "yield": {"amount": 2, "unit": "l"},
               "lines": [{"ingredient_id": ck_tomatoes, "quantity": 1, "unit": "kg"}]}),
    )
    .await;
    // The outlet counts tomatoes in grams' parent unit too, and buys the
    // kitchen's sauce as an ingredient.
    let out_tomatoes = ingredient(&app, &owner, &out, "Tomatoes", "kg", "2.50").await;
    let out_sauce = ingredient(&app, &owner, &out, "Tomato sauce", "l", "0").await;
    stock(
        &app,
        &owner,
        &ck,
        "counts",
        "2026-03-01",
        json!([{"ingredient_id": ck_tomatoes, "quantity": 10}]),
    )
    .await;
    stock(&app, &owner, &out, "counts", "2026-03-01", json!([
        {"ingredient_id": out_tomatoes, "quantity": 0}, {"ingredient_id": out_sauce, "quantity": 0}])).await;

    // 3 kg of tomatoes sent from the kitchen: out of one, into the other.
    let (s, t) = app
        .post(
            &format!("{ck}/inventory/transfers"),
            &owner,
            json!({"restaurant_id": outlet, "date": "2026-03-02",
                   "lines": [{"ingredient_id": ck_tomatoes, "quantity": 3}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    assert_eq!(t["direction"], "out");
    assert_eq!(dec(&t["value"]), d("6"), "3 kg at the sender's 2.00");
    let transfer = t["id"].as_str().expect("id").to_string();
    let (s, theirs) = app
        .get(&format!("{out}/inventory/transfers/{transfer}"), &owner)
        .await;
    assert_eq!(s, StatusCode::OK, "{theirs}");
    assert_eq!(theirs["direction"], "in");
    assert_eq!(theirs["counterpart"], "Central Kitchen");
    assert_eq!(dec(&theirs["value"]), d("6"), "both sides value it alike");

    // The outlet orders 4 l of sauce; the kitchen sends it: 2 kg of its
    // tomatoes leave inside the sauce, 4 l arrive at 1.00/l.
    let (s, req) = app
        .post(
            &format!("{out}/inventory/transfers/requests"),
            &owner,
            json!({"restaurant_id": central, "date": "2026-03-02",
                   "lines": [{"ingredient_id": out_sauce, "quantity": 4}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{req}");
    assert_eq!(req["status"], "requested");
    let request = req["id"].as_str().expect("id").to_string();
    let (_, at_kitchen) = app
        .get(&format!("{ck}/inventory/transfers/{request}"), &owner)
        .await;
    assert_eq!(
        at_kitchen["lines"][0]["recipe_id"],
        json!(sauce),
        "{at_kitchen}"
    );
    assert_eq!(
        on_hand(&app, &owner, &out, "2026-03-02", "Tomato sauce").await,
        d("0"),
        "nothing moved yet"
    );
    let (s, b) = app
        .post(
            &format!("{out}/inventory/transfers/{request}/send"),
            &owner,
            json!({}),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");
    let (s, sent) = app
        .post(
            &format!("{ck}/inventory/transfers/{request}/send"),
            &owner,
            json!({"date": "2026-03-02"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{sent}");
    assert_eq!(sent["status"], "sent");
    assert_eq!(dec(&sent["value"]), d("4"));
    let (_, arrived) = app
        .get(&format!("{out}/inventory/transfers/{request}"), &owner)
        .await;
    assert_eq!(arrived["status"], "sent");
    assert_eq!(dec(&arrived["lines"][0]["unit_cost"]), d("1"), "{arrived}");

    assert_eq!(
        on_hand(&app, &owner, &ck, "2026-03-02", "Tomatoes").await,
        d("5"),
        "10 − 3 − 2"
    );
    assert_eq!(
        on_hand(&app, &owner, &out, "2026-03-02", "Tomatoes").await,
        d("3")
    );
    assert_eq!(
        on_hand(&app, &owner, &out, "2026-03-02", "Tomato sauce").await,
        d("4")
    );
    let (_, v) = app
        .get(
            &format!("{ck}/inventory/variance?from=2026-03-02&to=2026-03-02"),
            &owner,
        )
        .await;
    let line = v["lines"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["ingredient"] == "Tomatoes"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(dec(&line["transfers_out"]), d("5"), "{v}");

    // A request cancelled by the outlet is cancelled on both sides, once.
    let (_, req2) = app
        .post(
            &format!("{out}/inventory/transfers/requests"),
            &owner,
            json!({"restaurant_id": central, "lines": [{"ingredient_id": out_sauce, "quantity": 1}]}),
        )
        .await;
    let req2 = req2["id"].as_str().expect("id").to_string();
    let (s, c) = app
        .post(
            &format!("{out}/inventory/transfers/{req2}/cancel"),
            &owner,
            json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "cancelled");
    let (_, k) = app
        .get(&format!("{ck}/inventory/transfers/{req2}"), &owner)
        .await;
    assert_eq!(k["status"], "cancelled", "{k}");
    let (s, b) = app
        .post(
            &format!("{ck}/inventory/transfers/{req2}/send"),
            &owner,
            json!({}),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");
    let (s, b) = app
        .post(
            &format!("{out}/inventory/transfers/{req2}/cancel"),
            &owner,
            json!(null),
        )
        .await;
    assert_problem(s, &b, 409, "conflict");

    // An item the outlet does not stock is refused, and neither side keeps
    // anything of the attempt.
    let (_, basil) = app.get(&format!("{ck}/ingredients?q=Basil"), &owner).await;
    let basil = basil["items"][0]["id"].as_str().expect("basil").to_string();
    let (s, b) = app
        .post(
            &format!("{ck}/inventory/transfers"),
            &owner,
            json!({"restaurant_id": outlet, "lines": [{"ingredient_id": basil, "quantity": 1}]}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    assert!(
        b.to_string().contains("Outlet has no ingredient named"),
        "{b}"
    );
    let count = |v: &Value| v["items"].as_array().map(Vec::len);
    assert_eq!(
        count(
            &app.get(&format!("{ck}/inventory/transfers"), &owner)
                .await
                .1
        ),
        Some(3)
    );
    assert_eq!(
        count(
            &app.get(&format!("{out}/inventory/transfers"), &owner)
                .await
                .1
        ),
        Some(3)
    );

    // Tenancy: a stranger's restaurant is unknown, a viewer there may not
    // move stock, and nobody else sees either side.
    let other = app.register("other@example.com").await;
    let elsewhere = app.create_restaurant(&other, "Elsewhere").await;
    let (s, b) = app
        .post(
            &format!("{ck}/inventory/transfers"),
            &owner,
            json!({"restaurant_id": elsewhere, "lines": [{"ingredient_id": ck_tomatoes, "quantity": 1}]}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    app.add_member(&other, &elsewhere, &owner, "viewer").await;
    let (s, b) = app
        .post(
            &format!("{ck}/inventory/transfers"),
            &owner,
            json!({"restaurant_id": elsewhere, "lines": [{"ingredient_id": ck_tomatoes, "quantity": 1}]}),
        )
        .await;
    assert_problem(s, &b, 403, "forbidden");
    let (s, _) = app
        .get(
            &format!("/api/v1/restaurants/{elsewhere}/inventory/transfers/{transfer}"),
            &other,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(
        on_hand(&app, &owner, &ck, "2026-03-02", "Tomatoes").await,
        d("5")
    );
}

#[tokio::test]
async fn a_photo_of_an_invoice_is_read_and_its_lines_matched_to_ingredients() {
    use flux_app::menu_photos::{Readers, Tesseract};
    let tesseract = Tesseract::detect().await.expect("tesseract is installed");
    let app = crate::helpers::spawn_app_with(move |c| {
        c.menu_readers = Readers {
            tesseract: Some(tesseract),
            vision: None,
        }
    })
    .await;
    let chef = app.register("chef@example.com").await;
    let (s, b) = app
        .post(
            "/api/v1/restaurants",
            &chef,
            json!({"name": "Photo Bistro", "timezone": "Europe/London", "currency": "GBP", "locale": "en-GB"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let r = b["id"].as_str().expect("id").to_string();
    let base = format!("/api/v1/restaurants/{r}");
    let supplier = created(
        &app,
        &chef,
        &format!("{base}/suppliers"),
        json!({"name": "Fresh Co"}),
    )
    .await;
    let fonts = flux_testkit::menu_images::fonts();
    let (image, truth) = flux_menuscan::synthetic::render_invoice(4, &fonts);
    // The first product is stocked here, bought by the unit.
    let first = truth[0].description.clone();
    let stocked = ingredient(&app, &chef, &base, &first, "each", "1").await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("{base}/suppliers/{supplier}/offers/{stocked}"),
            Some(&chef.access),
            Some(json!({"pack_size": "1 each", "pack_price": "1"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let resp = app
        .req(
            Method::POST,
            &format!("{base}/inventory/invoices/import?supplier_id={supplier}&number=PH-1&invoice_date=2026-03-02"),
            Some(&chef.access),
        )
        .header("content-type", "image/png")
        .body(flux_testkit::menu_images::encode(&image, image::ImageFormat::Png))
        .send()
        .await
        .expect("import");
    assert_eq!(resp.status(), StatusCode::CREATED);
    let inv: Value = resp.json().await.expect("json");
    let lines = inv["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), truth.len(), "{inv}");
    let total: Decimal = truth.iter().map(|t| t.amount).sum();
    assert_eq!(dec(&inv["total"]), total, "{inv}");
    assert_eq!(lines[0]["ingredient_id"], json!(stocked), "{inv}");
    assert!(
        lines[1..].iter().all(|l| l["ingredient_id"].is_null()),
        "{inv}"
    );
}
