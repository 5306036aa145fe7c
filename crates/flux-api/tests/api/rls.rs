//! Row-level security, tested below the HTTP layer: isolation must hold
//! even for a query that forgets its tenant filter.

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_query_without_a_tenant_filter_still_sees_only_the_current_tenant() {
    let app = spawn_app().await;
    let a = app.register("a@example.com").await;
    let b = app.register("b@example.com").await;
    let ra = app.create_restaurant(&a, "A's").await;
    let rb = app.create_restaurant(&b, "B's").await;
    app.create_item(&a, &ra, "Alpha", "X", 1.0).await;
    app.create_item(&a, &ra, "Beta", "X", 1.0).await;
    app.create_item(&b, &rb, "Gamma", "X", 1.0).await;
    let (_, me) = app.get("/api/v1/auth/me", &a).await;
    let user_a: uuid::Uuid = me["id"].as_str().expect("id").parse().expect("uuid");
    let ra: uuid::Uuid = ra.parse().expect("uuid");

    let mut tx = flux_store::tenant::begin(&app.pool, user_a, ra)
        .await
        .expect("tx");
    let rows = flux_store::menu::all_visible_unfiltered(&mut tx)
        .await
        .expect("query");
    let mut names: Vec<_> = rows.iter().map(|r| r.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["Alpha", "Beta"]);
    tx.rollback().await.expect("rollback");

    // No tenant set at all: nothing, rather than everything.
    let mut conn = app.pool.acquire().await.expect("conn");
    let rows = flux_store::menu::all_visible_unfiltered(&mut conn)
        .await
        .expect("query");
    assert!(
        rows.is_empty(),
        "without a tenant no tenant rows are visible"
    );

    // And writes into another tenant are refused by the database itself.
    let mut tx = flux_store::tenant::begin(&app.pool, user_a, ra)
        .await
        .expect("tx");
    let err = sqlx::query("insert into menu_items (restaurant_id, menu_item_id, name, name_key) values ($1, gen_random_uuid(), 'x', 'x')")
        .bind(rb.parse::<uuid::Uuid>().expect("uuid"))
        .execute(&mut *tx)
        .await
        .expect_err("RLS must reject a row for another tenant");
    assert!(err.to_string().contains("row-level security"), "{err}");
}

#[tokio::test]
async fn the_server_role_is_neither_superuser_nor_owner_nor_exempt_from_rls() {
    let app = spawn_app().await;
    let (superuser, bypass): (bool, bool) =
        sqlx::query_as("select rolsuper, rolbypassrls from pg_roles where rolname = current_user")
            .fetch_one(&app.pool)
            .await
            .expect("query");
    assert!(!superuser && !bypass);
    let owned: i64 = sqlx::query_scalar(
        "select count(*) from pg_tables where schemaname = 'public' and tableowner = current_user",
    )
    .fetch_one(&app.pool)
    .await
    .expect("query");
    assert_eq!(owned, 0);
    let unprotected: Vec<String> = sqlx::query_scalar(
        "select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p')
           and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'restaurant_id')
           and not (c.relrowsecurity and c.relforcerowsecurity)",
    )
    .fetch_all(&app.pool)
    .await
    .expect("query");
    assert!(
        unprotected.is_empty(),
        "tenant tables without forced RLS: {unprotected:?}"
    );
}
