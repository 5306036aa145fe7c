//! Monthly partitions of the sales tables (migration 0024): imports create
//! the months of their files, housekeeping creates the coming months, each
//! partition keeps row-level security, and the migration moved existing
//! sales into partitions intact.

use reqwest::StatusCode;
use sqlx::{ConnectOptions, Connection};
use uuid::Uuid;

use crate::helpers::spawn_app;

/// Partitions of `table`, by name.
async fn partitions(conn: &mut sqlx::PgConnection, table: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select c.relname::text from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent = $1::regclass order by 1",
    )
    .bind(table)
    .fetch_all(conn)
    .await
    .expect("partitions")
}

#[tokio::test]
async fn an_import_creates_its_months_and_each_partition_keeps_tenants_apart() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let other = app.register("other@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let theirs = app.create_restaurant(&other, "Elsewhere").await;
    let csv = "date,item,quantity,price\n2019-01-30,Paella,3,14.00\n2019-02-02,Paella,4,14.00\n2019-03-15,Tortilla,2,9.00\n";
    let (s, b) = app.upload(&owner, &r, "old.csv", csv.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");

    let mut admin = app.owner_db.connect().await.expect("owner");
    for table in ["transaction_items", "daily_item_sales"] {
        let names = partitions(&mut admin, table).await;
        for month in ["2019_01", "2019_02", "2019_03"] {
            assert!(
                names.contains(&format!("{table}_{month}")),
                "{table} has {month}: {names:?}"
            );
        }
    }
    let rows: i64 = sqlx::query_scalar("select count(*) from daily_item_sales_2019_02")
        .fetch_one(&mut admin)
        .await
        .expect("count");
    assert_eq!(rows, 1, "the February line went to February");

    // Read straight from a partition as the application role: only the
    // current tenant's rows, as through the parent.
    let rid: Uuid = r.parse().expect("id");
    let other_rid: Uuid = theirs.parse().expect("id");
    for (tenant, want) in [(rid, 1i64), (other_rid, 0)] {
        let mut tx = flux_store::tenant::begin(&app.pool, Uuid::nil(), tenant)
            .await
            .expect("tenant");
        let seen: i64 = sqlx::query_scalar("select count(*) from daily_item_sales_2019_01")
            .fetch_one(&mut *tx)
            .await
            .expect("read the partition");
        assert_eq!(seen, want, "tenant {tenant}");
        tx.rollback().await.expect("rollback");
    }
}

#[tokio::test]
async fn housekeeping_creates_the_coming_months_once_and_refuses_absurd_ranges() {
    let app = spawn_app().await;
    let day = chrono::NaiveDate::from_ymd_opt(2031, 5, 10).expect("date");
    let created = flux_app::retention::ensure_coming_partitions(&app.pool, day)
        .await
        .expect("ensure");
    assert_eq!(created, 6, "May to July 2031, for both tables");
    let again = flux_app::retention::ensure_coming_partitions(&app.pool, day)
        .await
        .expect("ensure again");
    assert_eq!(again, 0, "nothing twice");
    let mut admin = app.owner_db.connect().await.expect("owner");
    let names = partitions(&mut admin, "transaction_items").await;
    assert!(names.contains(&"transaction_items_2031_07".to_string()));
    assert!(!names.contains(&"transaction_items_2031_08".to_string()));

    // The application role may ask for partitions, within bounds only.
    let mut tx = app.pool.begin().await.expect("tx");
    let absurd = sqlx::query("select flux_ensure_sales_partitions('1900-01-01', '2100-01-01')")
        .execute(&mut *tx)
        .await;
    assert!(absurd.is_err(), "two centuries of partitions are refused");
    drop(tx);
    // ... and may not create a table itself.
    let mut tx = app.pool.begin().await.expect("tx");
    let own = sqlx::query(
        "create table transaction_items_2040_01 partition of transaction_items
         for values from ('2040-01-01') to ('2040-02-01')",
    )
    .execute(&mut *tx)
    .await;
    assert!(own.is_err(), "no DDL for the application role");
}

#[tokio::test]
async fn the_migration_moves_existing_sales_into_partitions_intact() {
    // A database at the version before partitioning, with sales in it.
    let db = flux_testkit::fresh_db().await;
    let mut admin = db
        .cluster
        .connect_options(flux_pg::ADMIN_ROLE, "postgres")
        .connect()
        .await
        .expect("admin");
    let name = format!("pre_partitions_{}", Uuid::new_v4().simple());
    sqlx::query(&format!("create database {name}"))
        .execute(&mut admin)
        .await
        .expect("create database");
    let earlier = tempfile::tempdir().expect("tempdir");
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../flux-store/migrations");
    for entry in std::fs::read_dir(&source).expect("migrations").flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        if file.as_str() < "0024" {
            std::fs::copy(entry.path(), earlier.path().join(&file)).expect("copy");
        }
    }
    let opts = db.cluster.connect_options(flux_pg::ADMIN_ROLE, &name);
    let mut conn = opts.connect().await.expect("connect");
    sqlx::migrate::Migrator::new(earlier.path())
        .await
        .expect("earlier migrations")
        .run(&mut conn)
        .await
        .expect("migrate to 0023");
    let (rid, dish, upload) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    sqlx::query(
        "insert into users (user_id, email, password_hash) values ($1, 'a@example.com', 'x')",
    )
    .bind(rid)
    .execute(&mut conn)
    .await
    .expect("user");
    sqlx::query(
        "insert into restaurants (restaurant_id, name, timezone, currency, locale, created_by)
         values ($1, 'Old', 'UTC', 'EUR', 'es-ES', $1)",
    )
    .bind(rid)
    .execute(&mut conn)
    .await
    .expect("restaurant");
    sqlx::query(
        "insert into transaction_items (restaurant_id, business_date, dedupe_key, upload_id, line_no,
                                        menu_item_id, occurred_at, quantity, line_total)
         select $1, date '2022-11-20' + g, decode(md5(g::text), 'hex'), $2, g, $3,
                (date '2022-11-20' + g)::timestamptz + interval '13 hours', 2, 10
         from generate_series(0, 59) g",
    )
    .bind(rid)
    .bind(upload)
    .bind(dish)
    .execute(&mut conn)
    .await
    .expect("lines");
    sqlx::query(
        "insert into daily_item_sales (restaurant_id, business_date, menu_item_id, quantity, revenue,
                                       promo_quantity, line_count, last_sale_at)
         select restaurant_id, business_date, menu_item_id, sum(quantity), sum(line_total), 0, count(*),
                max(occurred_at)
         from transaction_items group by 1, 2, 3",
    )
    .execute(&mut conn)
    .await
    .expect("roll-up");
    let before: (i64, f64) =
        sqlx::query_as("select count(*), sum(quantity)::float8 from daily_item_sales")
            .fetch_one(&mut conn)
            .await
            .expect("before");

    flux_store::migrate(&opts)
        .await
        .expect("migrate to the latest");
    let after: (i64, f64) =
        sqlx::query_as("select count(*), sum(quantity)::float8 from daily_item_sales")
            .fetch_one(&mut conn)
            .await
            .expect("after");
    assert_eq!(after, before, "every roll-up row moved");
    let lines: i64 = sqlx::query_scalar("select count(*) from transaction_items")
        .fetch_one(&mut conn)
        .await
        .expect("lines");
    assert_eq!(lines, 60);
    let months = partitions(&mut conn, "daily_item_sales").await;
    for m in ["2022_11", "2022_12", "2023_01"] {
        assert!(
            months.contains(&format!("daily_item_sales_{m}")),
            "{months:?}"
        );
    }
    let forced: bool = sqlx::query_scalar(
        "select relforcerowsecurity from pg_class where relname = 'daily_item_sales'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("rls");
    assert!(forced, "the new parent forces row-level security");
    conn.close().await.ok();
    sqlx::query(&format!("drop database {name}"))
        .execute(&mut admin)
        .await
        .ok();
}

#[tokio::test]
async fn a_sales_retention_limit_drops_whole_months_past_it_and_nothing_else() {
    let app = spawn_app().await;
    let owner = app.register("owner@example.com").await;
    let r = app.create_restaurant(&owner, "Bistro").await;
    let csv = "date,item,quantity\n2019-02-27,Paella,3\n2019-03-01,Paella,4\n2019-04-02,Paella,5\n";
    let (s, b) = app.upload(&owner, &r, "old.csv", csv.into(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // 24 whole months kept on 15 March 2021: the months before March 2019
    // go, March 2019 stays.
    let today = chrono::NaiveDate::from_ymd_opt(2021, 3, 15).expect("date");
    let dropped = flux_app::retention::drop_expired_sales(&app.pool, today, 24)
        .await
        .expect("drop");
    assert_eq!(dropped, 2, "February 2019 of both tables");
    let mut admin = app.owner_db.connect().await.expect("owner");
    let days: Vec<String> =
        sqlx::query_scalar("select business_date::text from daily_item_sales order by 1")
            .fetch_all(&mut admin)
            .await
            .expect("days");
    assert_eq!(days, ["2019-03-01", "2019-04-02"]);
    let names = partitions(&mut admin, "transaction_items").await;
    assert!(!names.contains(&"transaction_items_2019_02".to_string()));
    assert!(names.contains(&"transaction_items_2019_03".to_string()));
}
