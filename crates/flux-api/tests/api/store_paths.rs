//! The two store paths give the same stored sales: a file imported into a
//! restaurant with no lines in its date range (plain inserts) and the same
//! file imported over an earlier upload of part of it (duplicates set
//! aside, roll-up and orders upserted).

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{spawn_app, TestApp};

type Line = (
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    Option<String>,
);
type Daily = (String, String, String, Option<String>, String, i64);
type Order = (String, String, Option<String>, i32, Option<String>, bool);

/// Every stored line, roll-up row and order, without ids that differ
/// between restaurants and uploads, in a stable order.
async fn stored(app: &TestApp, r: &str) -> (Vec<Line>, Vec<Daily>, Vec<Order>) {
    let rid: Uuid = r.parse().expect("restaurant id");
    let mut tx = flux_store::tenant::begin(&app.pool, Uuid::nil(), rid)
        .await
        .expect("tenant");
    let lines: Vec<Line> = sqlx::query_as(
        "select i.business_date::text, i.order_ref, m.name, i.occurred_at::text,
                i.quantity::text, i.line_total::text
         from transaction_items i join menu_items m using (restaurant_id, menu_item_id)
         order by i.business_date, i.dedupe_key",
    )
    .fetch_all(&mut *tx)
    .await
    .expect("lines");
    let daily: Vec<Daily> = sqlx::query_as(
        "select d.business_date::text, m.name, d.quantity::text, d.revenue::text,
                d.promo_quantity::text, d.line_count
         from daily_item_sales d join menu_items m using (restaurant_id, menu_item_id)
         order by 1, 2",
    )
    .fetch_all(&mut *tx)
    .await
    .expect("daily");
    let orders: Vec<Order> = sqlx::query_as(
        "select business_date::text, order_ref, occurred_at::text, line_count,
                total_amount::text, is_promo
         from transactions order by 1, 2",
    )
    .fetch_all(&mut *tx)
    .await
    .expect("orders");
    tx.commit().await.expect("commit");
    (lines, daily, orders)
}

#[tokio::test]
async fn the_plain_and_the_careful_store_paths_store_the_same_sales() {
    let app = spawn_app().await;
    let user = app.register("paths@example.com").await;
    let full = "order_id,timestamp,item,quantity,unit_price\n\
                A1,2024-03-01 12:00,Paella,2,14.50\n\
                A1,2024-03-01 12:00,Sangria,1,6\n\
                A2,2024-03-01 13:10,Paella,-1,14.50\n\
                B1,2024-03-02 20:05,Tortilla,3,\n\
                B1,2024-03-02 20:05,Tortilla,1,9.25\n\
                B2,2024-03-03 21:00,Sangria,4,6\n";
    // The first lines of every order, as an earlier partial export.
    let part = "order_id,timestamp,item,quantity,unit_price\n\
                A1,2024-03-01 12:00,Paella,2,14.50\n\
                B1,2024-03-02 20:05,Tortilla,3,\n";

    let direct = app.create_restaurant(&user, "Direct").await;
    let (s, rep) = app
        .upload(&user, &direct, "full.csv", full.into(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(rep["rows_imported"].as_u64(), Some(6), "{rep}");

    let careful = app.create_restaurant(&user, "Careful").await;
    let (s, rep) = app
        .upload(&user, &careful, "part.csv", part.into(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    let (s, rep) = app
        .upload(&user, &careful, "full.csv", full.into(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(
        (
            rep["rows_imported"].as_u64(),
            rep["rows_duplicate"].as_u64()
        ),
        (Some(4), Some(2)),
        "{rep}"
    );

    let want = stored(&app, &direct).await;
    assert_eq!(want.0.len(), 6, "every line stored once");
    assert_eq!(want.2.len(), 4, "four orders");
    assert_eq!(stored(&app, &careful).await, want);
}

#[tokio::test]
async fn a_daily_totals_file_stores_the_same_roll_up_by_either_path_and_in_any_order() {
    let app = spawn_app().await;
    let user = app.register("daily-paths@example.com").await;
    // One line per day and dish, in day order: the lines are the roll-up.
    let sorted = "date,item,quantity,price\n\
                  2024-03-01,Soup,3,4.00\n2024-03-01,Bread,2,\n\
                  2024-03-02,Soup,-1,4.00\n2024-03-03,Bread,5,1.50\n";
    // The same lines, days out of order: aggregated instead.
    let shuffled = "date,item,quantity,price\n\
                    2024-03-03,Bread,5,1.50\n2024-03-01,Soup,3,4.00\n\
                    2024-03-02,Soup,-1,4.00\n2024-03-01,Bread,2,\n";
    let part = "date,item,quantity,price\n2024-03-01,Soup,3,4.00\n";

    let direct = app.create_restaurant(&user, "Sorted").await;
    let (s, rep) = app
        .upload(&user, &direct, "sorted.csv", sorted.into(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    let want = stored(&app, &direct).await;
    assert_eq!((want.0.len(), want.1.len()), (4, 4), "{want:?}");

    let careful = app.create_restaurant(&user, "Part first").await;
    let (s, rep) = app
        .upload(&user, &careful, "part.csv", part.into(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    let (s, rep) = app
        .upload(&user, &careful, "sorted.csv", sorted.into(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(rep["rows_duplicate"].as_u64(), Some(1), "{rep}");
    assert_eq!(stored(&app, &careful).await, want);

    let aggregated = app.create_restaurant(&user, "Shuffled").await;
    let (s, rep) = app
        .upload(&user, &aggregated, "shuffled.csv", shuffled.into(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    assert_eq!(stored(&app, &aggregated).await, want);
}
