//! An owner deletes a restaurant: scheduled with a grace period, cancellable,
//! and when it runs, no row of the restaurant is left in any table while
//! every other restaurant is untouched.

use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

use crate::forecast::with_history;
use crate::helpers::{assert_problem, TestApp};

/// Rows of `rid` in every table with a `restaurant_id` column, read inside
/// that restaurant's tenant transaction (row-level security shows exactly
/// its rows), by table.
async fn rows_by_table(app: &TestApp, rid: &str) -> Vec<(String, i64)> {
    let rid = Uuid::parse_str(rid).expect("rid");
    let mut tx = flux_store::tenant::begin(&app.pool, Uuid::nil(), rid)
        .await
        .expect("tx");
    let tables: Vec<String> = sqlx::query_scalar(
        "select c.table_name::text from information_schema.columns c
         join information_schema.tables t using (table_schema, table_name)
         where c.table_schema = current_schema() and c.column_name = 'restaurant_id'
           and t.table_type = 'BASE TABLE' order by 1",
    )
    .fetch_all(&mut *tx)
    .await
    .expect("tables");
    let mut out = Vec::new();
    for t in tables {
        let n: i64 = sqlx::query_scalar(&format!(
            "select count(*) from {t} where restaurant_id = $1"
        ))
        .bind(rid)
        .fetch_one(&mut *tx)
        .await
        .expect("count");
        out.push((t, n));
    }
    out
}

async fn drain(worker: &flux_jobs::Worker) -> Vec<String> {
    let mut kinds = Vec::new();
    while let Some(ran) = worker.run_once().await.expect("worker") {
        if let flux_jobs::Outcome::Done { kind, .. } = ran {
            kinds.push(kind);
        }
    }
    kinds
}

#[tokio::test]
async fn a_deleted_restaurant_leaves_no_row_behind_and_others_keep_theirs() {
    let (app, owner, r) = with_history().await;
    let base = format!("/api/v1/restaurants/{r}");
    // Something in most areas: forecasts with feedback and an override,
    // a recipe on an ingredient, a supplier with an order, members.
    let (_, fc) = app
        .post(
            &format!("{base}/forecast/demand"),
            &owner,
            json!({"days_ahead": 3}),
        )
        .await;
    let day = &fc["forecasts"][1];
    for (path, body) in [
        (
            "forecast/feedback",
            json!({"menu_item_id": day["menu_item_id"], "date": day["date"], "verdict": "too_high"}),
        ),
        (
            "forecast/overrides",
            json!({"menu_item_id": day["menu_item_id"], "date": day["date"], "quantity": 9, "reason": "party"}),
        ),
    ] {
        let (s, b) = app.post(&format!("{base}/{path}"), &owner, body).await;
        assert_eq!(s, StatusCode::CREATED, "{path}: {b}");
    }
    let (s, ing) = app
        .post(
            &format!("{base}/ingredients"),
            &owner,
            json!({"name": "Leeks", "base_unit": "kg", "unit_cost": 2.5}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{ing}");
    let (s, rec) = app
        .post(
            &format!("{base}/recipes"),
            &owner,
            json!({"menu_item_id": day["menu_item_id"], "lines": [{"ingredient_id": ing["id"], "quantity": 100, "unit": "g"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rec}");
    let chef = app.register("cook@example.com").await;
    app.add_member(&owner, &r, &chef, "manager").await;

    // Another owner's restaurant with the same kind of data.
    let (app2_owner, r2) = {
        let other = app.register("other@example.com").await;
        let r2 = app.create_restaurant(&other, "Elsewhere").await;
        let (s, rep) = app
            .upload(
                &other,
                &r2,
                "sales.csv",
                crate::forecast::history().into_bytes(),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{rep}");
        (other, r2)
    };
    // The imports' forecasts run first, so what follows changes nothing else.
    let worker = flux_jobs::Worker::new(app.pool.clone());
    drain(&worker).await;
    let theirs_before = rows_by_table(&app, &r2).await;
    let mine = rows_by_table(&app, &r).await;
    assert!(
        mine.iter().filter(|(_, n)| *n > 0).count() >= 12,
        "the test restaurant holds data in many tables: {mine:?}"
    );

    // Only owners, and only with the name typed again.
    let (s, b) = app
        .post(
            &format!("{base}/deletion"),
            &chef,
            json!({"name": "Bistro"}),
        )
        .await;
    assert_problem(s, &b, 403, "forbidden");
    let (s, b) = app
        .post(
            &format!("{base}/deletion"),
            &owner,
            json!({"name": "Bistr0"}),
        )
        .await;
    assert_problem(s, &b, 422, "validation_failed");
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{r2}/deletion"),
            &owner,
            json!({"name": "Elsewhere"}),
        )
        .await;
    assert_problem(s, &b, 404, "not_found");

    // Scheduled, cancelled, scheduled again.
    let (s, b) = app
        .post(
            &format!("{base}/deletion"),
            &owner,
            json!({"name": " bistro "}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    let at: chrono::DateTime<chrono::Utc> = b["delete_after"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("delete_after");
    assert!(at > chrono::Utc::now() + chrono::Duration::days(29));
    let (_, shown) = app.get(&base, &owner).await;
    assert_eq!(shown["delete_after"], b["delete_after"]);
    let cancel = format!("{base}/deletion");
    let (s, _) = app
        .call(Method::DELETE, &cancel, Some(&owner.access), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = app
        .call(Method::DELETE, &cancel, Some(&owner.access), None)
        .await;
    assert_problem(s, &b, 404, "not_found");
    let (_, shown) = app.get(&base, &owner).await;
    assert!(shown["delete_after"].is_null(), "{shown}");

    drain(&worker).await;
    let (s, _) = app
        .post(
            &format!("{base}/deletion"),
            &owner,
            json!({"name": "Bistro"}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let scheduled = rows_by_table(&app, &r).await;
    assert!(
        !drain(&worker)
            .await
            .contains(&"delete_restaurant".to_string()),
        "nothing is deleted before the grace period ends"
    );
    assert_eq!(
        rows_by_table(&app, &r).await,
        scheduled,
        "nothing changed meanwhile"
    );

    let rid = Uuid::parse_str(&r).expect("rid");
    flux_app::restaurants::deletion::make_due(&app.pool, rid)
        .await
        .expect("due");
    assert!(drain(&worker)
        .await
        .contains(&"delete_restaurant".to_string()));

    let left: Vec<_> = rows_by_table(&app, &r)
        .await
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect();
    assert!(left.is_empty(), "rows left behind: {left:?}");
    let (s, b) = app.get(&base, &owner).await;
    assert_problem(s, &b, 404, "not_found");
    let (_, list) = app.get("/api/v1/restaurants", &chef).await;
    assert_eq!(
        list["total"], 0,
        "the member keeps an account, not the restaurant"
    );
    let (s, _) = app.get("/api/v1/auth/me", &chef).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        rows_by_table(&app, &r2).await,
        theirs_before,
        "the other restaurant is untouched"
    );
    let (s, _) = app
        .get(&format!("/api/v1/restaurants/{r2}"), &app2_owner)
        .await;
    assert_eq!(s, StatusCode::OK);
}
