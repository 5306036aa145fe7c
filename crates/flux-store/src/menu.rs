//! Menu items.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, QueryBuilder};
use uuid::Uuid;

use crate::{Result, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MenuItem {
    pub menu_item_id: Uuid,
    pub name: String,
    pub name_key: String,
    pub category: Option<String>,
    pub description: Option<String>,
    pub price: Option<Decimal>,
    pub active: bool,
    pub auto_created: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Fields of a new or updated item (already validated).
#[derive(Debug, Clone)]
pub struct MenuItemData {
    pub name: String,
    pub category: Option<String>,
    pub description: Option<String>,
    pub price: Option<Decimal>,
    pub active: bool,
    pub auto_created: bool,
}

/// Filters and keyset position for listing.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub category: Option<String>,
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
    pub active: Option<bool>,
    /// Keyset cursor: the last row of the previous page.
    pub after: Option<(String, Uuid)>,
    pub limit: i64,
}

const COLUMNS: &str =
    "menu_item_id, name, name_key, category, description, price, active, auto_created, created_at, updated_at";

pub async fn insert(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    d: &MenuItemData,
) -> Result<MenuItem> {
    sqlx::query_as(&format!(
        "insert into menu_items (restaurant_id, menu_item_id, name, name_key, category, price, active, auto_created, description)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning {COLUMNS}"
    ))
    .bind(restaurant_id)
    .bind(Uuid::now_v7())
    .bind(&d.name)
    .bind(flux_domain::menu::name_key(&d.name))
    .bind(&d.category)
    .bind(d.price)
    .bind(d.active)
    .bind(d.auto_created)
    .bind(&d.description)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

pub async fn get(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    id: Uuid,
) -> Result<Option<MenuItem>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from menu_items where restaurant_id = $1 and menu_item_id = $2"
    ))
    .bind(restaurant_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn update(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    id: Uuid,
    d: &MenuItemData,
) -> Result<Option<MenuItem>> {
    sqlx::query_as(&format!(
        "update menu_items set name = $3, name_key = $4, category = $5, price = $6, active = $7,
                auto_created = $8, description = $9, updated_at = now()
         where restaurant_id = $1 and menu_item_id = $2 returning {COLUMNS}"
    ))
    .bind(restaurant_id)
    .bind(id)
    .bind(&d.name)
    .bind(flux_domain::menu::name_key(&d.name))
    .bind(&d.category)
    .bind(d.price)
    .bind(d.active)
    .bind(d.auto_created)
    .bind(&d.description)
    .fetch_optional(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

pub async fn delete(conn: &mut PgConnection, restaurant_id: Uuid, id: Uuid) -> Result<bool> {
    Ok(
        sqlx::query("delete from menu_items where restaurant_id = $1 and menu_item_id = $2")
            .bind(restaurant_id)
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected()
            == 1,
    )
}

fn push_filters(qb: &mut QueryBuilder<'_, sqlx::Postgres>, restaurant_id: Uuid, q: &ListQuery) {
    qb.push(" where restaurant_id = ").push_bind(restaurant_id);
    if let Some(c) = &q.category {
        qb.push(" and lower(category) = lower(")
            .push_bind(c.clone())
            .push(")");
    }
    if let Some(s) = &q.search {
        qb.push(" and name ilike ")
            .push_bind(crate::contains_pattern(s));
    }
    if let Some(a) = q.active {
        qb.push(" and active = ").push_bind(a);
    }
}

/// A page row with the total the filters match, counted in the same
/// statement.
#[derive(sqlx::FromRow)]
struct Counted {
    #[sqlx(flatten)]
    item: MenuItem,
    total: i64,
}

/// One page of items ordered by name key, and the total matching the filters.
///
/// The total rides on each row of the page (a scalar subquery, computed
/// once): the menu list is one of the most requested routes, and a second
/// statement was a round trip on every request. Only a page past the end,
/// which has no row to carry it, counts separately.
pub async fn list(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    q: &ListQuery,
) -> Result<(Vec<MenuItem>, i64)> {
    let mut page = QueryBuilder::new(format!(
        "select {COLUMNS}, (select count(*) from menu_items"
    ));
    push_filters(&mut page, restaurant_id, q);
    page.push(") as total from menu_items");
    push_filters(&mut page, restaurant_id, q);
    if let Some((key, id)) = &q.after {
        page.push(" and (name_key, menu_item_id) > (")
            .push_bind(key.clone())
            .push(", ")
            .push_bind(*id)
            .push(")");
    }
    page.push(" order by name_key, menu_item_id limit ")
        .push_bind(q.limit);
    let rows: Vec<Counted> = page.build_query_as().fetch_all(&mut *conn).await?;
    let total = match rows.first() {
        Some(r) => r.total,
        None => {
            let mut count = QueryBuilder::new("select count(*) from menu_items");
            push_filters(&mut count, restaurant_id, q);
            count.build_query_scalar().fetch_one(&mut *conn).await?
        }
    };
    Ok((rows.into_iter().map(|r| r.item).collect(), total))
}

/// Every row of the table visible to the current transaction, with no
/// `restaurant_id` filter at all. Exists so tests can prove that row-level
/// security, not the query text, keeps tenants apart.
pub async fn all_visible_unfiltered(conn: &mut PgConnection) -> Result<Vec<MenuItem>> {
    Ok(sqlx::query_as(&format!("select {COLUMNS} from menu_items"))
        .fetch_all(conn)
        .await?)
}

/// Every name key (and alias key) of the restaurant's menu, for matching
/// imported item names.
pub async fn keys(conn: &mut PgConnection, restaurant_id: Uuid) -> Result<Vec<(String, Uuid)>> {
    Ok(sqlx::query_as(
        "select name_key, menu_item_id from menu_items where restaurant_id = $1
         union all
         select alias_key, menu_item_id from menu_item_aliases where restaurant_id = $1",
    )
    .bind(restaurant_id)
    .fetch_all(conn)
    .await?)
}

/// Creates menu items for names an import met for the first time
/// (`auto_created = true`), returning their ids. Existing keys are kept.
pub async fn create_auto(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    items: &[(String, String, Option<String>)],
) -> Result<Vec<(String, Uuid)>> {
    let names: Vec<&str> = items.iter().map(|(n, _, _)| n.as_str()).collect();
    let keys: Vec<&str> = items.iter().map(|(_, k, _)| k.as_str()).collect();
    let cats: Vec<Option<&str>> = items.iter().map(|(_, _, c)| c.as_deref()).collect();
    Ok(sqlx::query_as(
        "insert into menu_items (restaurant_id, menu_item_id, name, name_key, category, auto_created)
         select $1, gen_random_uuid(), n, k, c, true
         from unnest($2::text[], $3::text[], $4::text[]) as t(n, k, c)
         on conflict (restaurant_id, name_key) do update set updated_at = menu_items.updated_at
         returning name_key, menu_item_id",
    )
    .bind(restaurant_id)
    .bind(names)
    .bind(keys)
    .bind(cats)
    .fetch_all(conn)
    .await?)
}

/// Adds an alias spelling for an item.
pub async fn add_alias(
    conn: &mut PgConnection,
    restaurant_id: Uuid,
    id: Uuid,
    alias_key: &str,
) -> Result<()> {
    sqlx::query("insert into menu_item_aliases (restaurant_id, alias_key, menu_item_id) values ($1, $2, $3)")
        .bind(restaurant_id)
        .bind(alias_key)
        .bind(id)
        .execute(conn)
        .await
        .map_err(StoreError::from_sqlx)?;
    Ok(())
}
