//! The precondition of distributing the schema (docs/distribution.md):
//! every statement the application sends to a tenant table names the
//! tenant, `restaurant_id`, so a distributed database can route it to one
//! shard. Statements are captured with `pg_stat_statements` on a server of
//! this test's own while a journey exercises the API: an upload, a
//! forecast, undo, and every `GET` route that takes only a restaurant id.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::json;
use sqlx::ConnectOptions;

use crate::helpers::spawn_app_on;

/// Statements that deliberately span tenants, each with its reason. A
/// distributed database runs them on every shard; they are rare and small.
/// Each must still occur in the journey, so the list cannot rot.
const FAN_OUT: [(&str, &str); 1] = [(
    "join memberships m on m.restaurant_id = r.restaurant_id where m.user_id = $1",
    "the signed-in user's restaurants (the restaurant list): a co-located join on every shard, one row per membership",
)];

/// Tables holding one restaurant's data: every public table with a
/// `restaurant_id` column (partitioned ones once, not per month).
async fn tenant_tables(conn: &mut sqlx::PgConnection) -> BTreeSet<String> {
    // Partitions follow their parent (on Citus too), so only parents count.
    sqlx::query_scalar(
        "select c.relname::text from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
         join pg_attribute a on a.attrelid = c.oid and a.attname = 'restaurant_id'
         where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition",
    )
    .fetch_all(conn)
    .await
    .expect("tables")
    .into_iter()
    .collect()
}

/// Whether `query` names `table` as a word.
fn names(query: &str, table: &str) -> bool {
    query.match_indices(table).any(|(i, _)| {
        let before = query[..i].chars().next_back();
        let after = query[i + table.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !word(before) && !word(after)
    })
}

/// Whether a statement names its tenant the way a distributed planner can
/// route on: `restaurant_id` equal to a parameter (`restaurant_id = $1`,
/// `t.restaurant_id = $1`; joins on it then stay on that shard by
/// co-location), or an insert whose columns include it. A join on
/// `restaurant_id` alone does not count: without a value it runs on every
/// shard. Table definitions copied for a temporary table are not queries.
fn routable(q: &str) -> bool {
    if q.starts_with("create temporary table") {
        return true;
    }
    let flat: String = q.split_whitespace().collect::<Vec<_>>().join(" ");
    let filters = flat.match_indices("restaurant_id").any(|(i, _)| {
        let rest = flat[i + "restaurant_id".len()..].trim_start();
        let value = rest.strip_prefix('=').map(str::trim_start);
        value.is_some_and(|v| v.starts_with('$') || v.starts_with("flux_current_restaurant()"))
    });
    filters || (flat.starts_with("insert into") && flat.contains("(restaurant_id"))
}

#[tokio::test]
async fn every_statement_on_a_tenant_table_filters_on_restaurant_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cluster = flux_pg::Cluster::new(dir.path())
        .non_durable()
        .with_setting("shared_preload_libraries", "pg_stat_statements")
        .with_setting("pg_stat_statements.track", "all")
        .with_setting("pg_stat_statements.max", "10000");
    cluster.ensure_running().await.expect("cluster");
    let owner = cluster.connect_options(flux_pg::ADMIN_ROLE, flux_pg::DATABASE);
    flux_store::migrate(&owner).await.expect("migrate");
    let mut admin = owner.connect().await.expect("admin");
    sqlx::query("create extension if not exists pg_stat_statements")
        .execute(&mut admin)
        .await
        .expect("extension");
    let app = spawn_app_on(
        cluster.connect_options(flux_pg::APP_ROLE, flux_pg::DATABASE),
        owner.clone(),
        |_| {},
    )
    .await;
    sqlx::query("select pg_stat_statements_reset()")
        .execute(&mut admin)
        .await
        .expect("reset");

    // The journey.
    let user = app.register("owner@example.com").await;
    let rid = app.create_restaurant(&user, "Bistro").await;
    let mut csv = String::from("order_id,timestamp,item,quantity,unit_price\n");
    let today = chrono::Utc::now().date_naive();
    for back in 1..=60 {
        let d = today - chrono::Duration::days(back);
        csv.push_str(&format!(
            "A{back},{d} 12:30,Paella,{},14.00\nA{back},{d} 12:30,Sangria,2,6.00\nB{back},{d} 20:10,Tortilla,{},9.00\n",
            1 + back % 3,
            1 + back % 2
        ));
    }
    let (s, upload) = app
        .upload(&user, &rid, "sales.csv", csv.into_bytes(), &[])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{upload}");
    let (s, b) = app
        .post(
            &format!("/api/v1/restaurants/{rid}/forecast/demand"),
            &user,
            json!({"days_ahead": 7}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, spec) = app
        .call(reqwest::Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    let mut visited = 0;
    for (path, item) in spec["paths"].as_object().expect("paths") {
        let only_restaurant = path.matches('{').count() == path.matches("{restaurant_id}").count();
        if item.get("get").is_none() || !only_restaurant {
            continue;
        }
        let url = path.replace("{restaurant_id}", &rid);
        let (s, b) = app.get(&url, &user).await;
        assert!(s.as_u16() < 500, "GET {url}: {s} {b}");
        visited += 1;
    }
    assert!(visited > 30, "the journey reads most of the API: {visited}");
    let upload_id = upload["upload_id"].as_str().expect("upload id");
    let (s, b) = app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/restaurants/{rid}/data/uploads/{upload_id}"),
            Some(&user.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    let tables = tenant_tables(&mut admin).await;
    assert!(tables.contains("transaction_items") && tables.contains("daily_item_sales"));
    let statements: Vec<String> = sqlx::query_scalar(
        "select s.query from pg_stat_statements s
         join pg_roles r on r.oid = s.userid
         where s.dbid = (select oid from pg_database where datname = current_database())
           and r.rolname = $1",
    )
    .bind(flux_pg::APP_ROLE)
    .fetch_all(&mut admin)
    .await
    .expect("statements");
    assert!(statements.len() > 50, "captured {}", statements.len());
    let mut unrouted = Vec::new();
    let mut fanned_out = BTreeSet::new();
    for q in &statements {
        let lower = q.to_lowercase();
        let touched: Vec<&String> = tables.iter().filter(|t| names(&lower, t)).collect();
        if touched.is_empty() || routable(&lower) {
            continue;
        }
        let flat: String = lower.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some((pattern, _)) = FAN_OUT.iter().find(|(p, _)| flat.contains(p)) {
            fanned_out.insert(*pattern);
            continue;
        }
        unrouted.push(format!("{touched:?}: {q}"));
    }
    assert!(
        unrouted.is_empty(),
        "statements on tenant tables without restaurant_id:\n{}",
        unrouted.join("\n\n")
    );
    assert_eq!(
        fanned_out.len(),
        FAN_OUT.len(),
        "every allowed fan-out still occurs: {fanned_out:?}"
    );
    drop(admin);
    let _ = cluster.stop();
}

/// The schema side of the precondition: a distributed table's unique
/// constraints must contain the distribution column, and a foreign key
/// between two distributed tables must join on it.
#[tokio::test]
async fn every_unique_key_and_tenant_foreign_key_includes_restaurant_id() {
    let db = flux_testkit::fresh_db().await;
    let mut conn = db.owner.connect().await.expect("owner");
    let tables: Vec<String> = tenant_tables(&mut conn).await.into_iter().collect();
    assert!(tables.len() > 30, "{tables:?}");
    let unique_without: Vec<String> = sqlx::query_scalar(
        "select i.indexrelid::regclass::text
         from pg_index i join pg_class c on c.oid = i.indrelid
         where i.indisunique and c.relname = any($1)
           and not exists (select 1 from pg_attribute a
                           where a.attrelid = c.oid and a.attname = 'restaurant_id'
                             and a.attnum = any(i.indkey))",
    )
    .bind(&tables)
    .fetch_all(&mut conn)
    .await
    .expect("indexes");
    assert!(
        unique_without.is_empty(),
        "unique indexes without restaurant_id: {unique_without:?}"
    );
    let keys_without: Vec<String> = sqlx::query_scalar(
        "select k.conname::text
         from pg_constraint k
         join pg_class c on c.oid = k.conrelid
         join pg_class f on f.oid = k.confrelid
         where k.contype = 'f' and c.relname = any($1) and f.relname = any($1)
           and not exists (
               select 1 from unnest(k.conkey, k.confkey) as u(mine, theirs)
               join pg_attribute x on x.attrelid = k.conrelid and x.attnum = u.mine
               join pg_attribute y on y.attrelid = k.confrelid and y.attnum = u.theirs
               where x.attname = 'restaurant_id' and y.attname = 'restaurant_id')",
    )
    .bind(&tables)
    .fetch_all(&mut conn)
    .await
    .expect("foreign keys");
    assert!(
        keys_without.is_empty(),
        "foreign keys between tenant tables not joining on restaurant_id: {keys_without:?}"
    );
    // The script that distributes the schema names every tenant table.
    let script = include_str!("../../../../deploy/citus/distribute.sql");
    let missing: Vec<&String> = tables
        .iter()
        .filter(|t| !script.contains(&format!("'{t}'")))
        .collect();
    assert!(
        missing.is_empty(),
        "deploy/citus/distribute.sql misses {missing:?}"
    );
}
