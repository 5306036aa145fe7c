//! Ingredients, their price history, and recipes (dishes and preps).
//!
//! Rows only: validation and costing happen in the costing service, which
//! loads a restaurant's whole recipe book with [`book_rows`] (a few hundred
//! rows for a real kitchen) and checks every write against it before
//! calling the writers here.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, QueryBuilder};
use uuid::Uuid;

use crate::{Result, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IngredientRow {
    pub ingredient_id: Uuid,
    pub name: String,
    pub name_key: String,
    pub category: String,
    pub base_unit: String,
    pub unit_cost: Decimal,
    pub waste_factor: Decimal,
    pub shelf_life_days: Option<i32>,
    pub supplier: Option<String>,
    pub pack_amount: Option<Decimal>,
    pub pack_unit: Option<String>,
    pub grams_per_each: Option<Decimal>,
    pub grams_per_ml: Option<Decimal>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The writable fields of an ingredient, already validated. `unit_cost` is
/// not here: prices change only through [`set_cost`], which keeps history.
#[derive(Debug, Clone)]
pub struct IngredientData {
    pub name: String,
    pub name_key: String,
    pub category: String,
    pub base_unit: String,
    pub waste_factor: Decimal,
    pub shelf_life_days: Option<i32>,
    pub supplier: Option<String>,
    pub pack_amount: Option<Decimal>,
    pub pack_unit: Option<String>,
    pub grams_per_each: Option<Decimal>,
    pub grams_per_ml: Option<Decimal>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CostRow {
    pub ingredient_id: Uuid,
    pub effective_from: NaiveDate,
    pub unit_cost: Decimal,
    pub recorded_at: DateTime<Utc>,
}

/// A recipe with the name and price it takes from its menu item, if a dish.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecipeRow {
    pub recipe_id: Uuid,
    pub menu_item_id: Option<Uuid>,
    pub name: String,
    pub yield_amount: Decimal,
    pub yield_unit: String,
    pub menu_price: Option<Decimal>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineRow {
    pub recipe_id: Uuid,
    pub line_no: i32,
    pub ingredient_id: Option<Uuid>,
    pub sub_recipe_id: Option<Uuid>,
    pub quantity: Decimal,
    pub unit: String,
    /// The preparation (a yield's `action_key`) of an ingredient line.
    pub prep_key: Option<String>,
}

/// A preparation yield of an ingredient.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct YieldRow {
    pub ingredient_id: Uuid,
    pub action: String,
    pub action_key: String,
    pub edible_share: Decimal,
}

/// A recipe to write: a dish (`menu_item_id`) or a named prep.
#[derive(Debug, Clone)]
pub struct RecipeData {
    pub menu_item_id: Option<Uuid>,
    /// Prep name and its key; `None` for dishes.
    pub name: Option<(String, String)>,
    pub yield_amount: Decimal,
    pub yield_unit: String,
    pub lines: Vec<LineData>,
}

#[derive(Debug, Clone)]
pub struct LineData {
    pub ingredient_id: Option<Uuid>,
    pub sub_recipe_id: Option<Uuid>,
    pub quantity: Decimal,
    pub unit: String,
    pub prep_key: Option<String>,
}

/// Everything the recipe book is built from.
#[derive(Debug, Clone, Default)]
pub struct BookRows {
    pub ingredients: Vec<IngredientRow>,
    pub costs: Vec<CostRow>,
    pub recipes: Vec<RecipeRow>,
    pub lines: Vec<LineRow>,
    pub yields: Vec<YieldRow>,
}

const INGREDIENT_COLUMNS: &str = "ingredient_id, name, name_key, category, base_unit, unit_cost, waste_factor, \
     shelf_life_days, supplier, pack_amount, pack_unit, grams_per_each, grams_per_ml, created_at, updated_at";

const RECIPE_SELECT: &str = "select r.recipe_id, r.menu_item_id, coalesce(m.name, r.name) as name,
            r.yield_amount, r.yield_unit, m.price as menu_price, r.created_at, r.updated_at
     from recipes r
     left join menu_items m on m.restaurant_id = r.restaurant_id and m.menu_item_id = r.menu_item_id";

/// Inserts an ingredient and its first price, effective `effective_from`.
pub async fn insert_ingredient(
    conn: &mut PgConnection,
    rid: Uuid,
    d: &IngredientData,
    unit_cost: Decimal,
    effective_from: NaiveDate,
) -> Result<IngredientRow> {
    let id = Uuid::now_v7();
    let row = sqlx::query_as(&format!(
        "insert into ingredients (restaurant_id, ingredient_id, name, name_key, category, base_unit, unit_cost,
             waste_factor, shelf_life_days, supplier, pack_amount, pack_unit, grams_per_each, grams_per_ml)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning {INGREDIENT_COLUMNS}"
    ))
    .bind(rid)
    .bind(id)
    .bind(&d.name)
    .bind(&d.name_key)
    .bind(&d.category)
    .bind(&d.base_unit)
    .bind(unit_cost)
    .bind(d.waste_factor)
    .bind(d.shelf_life_days)
    .bind(&d.supplier)
    .bind(d.pack_amount)
    .bind(&d.pack_unit)
    .bind(d.grams_per_each)
    .bind(d.grams_per_ml)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    sqlx::query(
        "insert into ingredient_costs (restaurant_id, ingredient_id, effective_from, unit_cost)
         values ($1, $2, $3, $4)",
    )
    .bind(rid)
    .bind(id)
    .bind(effective_from)
    .bind(unit_cost)
    .execute(conn)
    .await?;
    Ok(row)
}

pub async fn get_ingredient(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
) -> Result<Option<IngredientRow>> {
    Ok(sqlx::query_as(&format!(
        "select {INGREDIENT_COLUMNS} from ingredients where restaurant_id = $1 and ingredient_id = $2"
    ))
    .bind(rid)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn update_ingredient(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
    d: &IngredientData,
) -> Result<Option<IngredientRow>> {
    sqlx::query_as(&format!(
        "update ingredients set name = $3, name_key = $4, category = $5, base_unit = $6, waste_factor = $7,
                shelf_life_days = $8, supplier = $9, pack_amount = $10, pack_unit = $11,
                grams_per_each = $12, grams_per_ml = $13, updated_at = now()
         where restaurant_id = $1 and ingredient_id = $2 returning {INGREDIENT_COLUMNS}"
    ))
    .bind(rid)
    .bind(id)
    .bind(&d.name)
    .bind(&d.name_key)
    .bind(&d.category)
    .bind(&d.base_unit)
    .bind(d.waste_factor)
    .bind(d.shelf_life_days)
    .bind(&d.supplier)
    .bind(d.pack_amount)
    .bind(&d.pack_unit)
    .bind(d.grams_per_each)
    .bind(d.grams_per_ml)
    .fetch_optional(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

/// Records a price effective `effective_from` (replacing one recorded for
/// the same day), then sets the ingredient's current `unit_cost` to the
/// price effective on `today`, so a price announced for next week does not
/// change today's costs.
pub async fn set_cost(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
    effective_from: NaiveDate,
    unit_cost: Decimal,
    today: NaiveDate,
) -> Result<()> {
    sqlx::query(
        "insert into ingredient_costs (restaurant_id, ingredient_id, effective_from, unit_cost)
         values ($1, $2, $3, $4)
         on conflict (restaurant_id, ingredient_id, effective_from)
         do update set unit_cost = excluded.unit_cost, recorded_at = now()",
    )
    .bind(rid)
    .bind(id)
    .bind(effective_from)
    .bind(unit_cost)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "update ingredients i set unit_cost = c.unit_cost, updated_at = now()
         from (select unit_cost from ingredient_costs
               where restaurant_id = $1 and ingredient_id = $2 and effective_from <= $3
               order by effective_from desc limit 1) c
         where i.restaurant_id = $1 and i.ingredient_id = $2",
    )
    .bind(rid)
    .bind(id)
    .bind(today)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes an ingredient; [`StoreError::InUse`] if a recipe uses it.
pub async fn delete_ingredient(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<bool> {
    Ok(
        sqlx::query("delete from ingredients where restaurant_id = $1 and ingredient_id = $2")
            .bind(rid)
            .bind(id)
            .execute(conn)
            .await
            .map_err(StoreError::from_sqlx)?
            .rows_affected()
            == 1,
    )
}

/// Filters and keyset position for listing ingredients.
#[derive(Debug, Clone, Default)]
pub struct IngredientQuery {
    pub category: Option<String>,
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
    pub after: Option<(String, Uuid)>,
    pub limit: i64,
}

fn push_ingredient_filters(
    qb: &mut QueryBuilder<'_, sqlx::Postgres>,
    rid: Uuid,
    q: &IngredientQuery,
) {
    qb.push(" where restaurant_id = ").push_bind(rid);
    if let Some(c) = &q.category {
        qb.push(" and category = ").push_bind(c.clone());
    }
    if let Some(s) = &q.search {
        qb.push(" and name ilike ")
            .push_bind(crate::contains_pattern(s));
    }
}

/// One page of ingredients by name key, and the total matching the filters.
pub async fn list_ingredients(
    conn: &mut PgConnection,
    rid: Uuid,
    q: &IngredientQuery,
) -> Result<(Vec<IngredientRow>, i64)> {
    let mut count = QueryBuilder::new("select count(*) from ingredients");
    push_ingredient_filters(&mut count, rid, q);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
    let mut page = QueryBuilder::new(format!("select {INGREDIENT_COLUMNS} from ingredients"));
    push_ingredient_filters(&mut page, rid, q);
    if let Some((key, id)) = &q.after {
        page.push(" and (name_key, ingredient_id) > (")
            .push_bind(key.clone())
            .push(", ")
            .push_bind(*id)
            .push(")");
    }
    page.push(" order by name_key, ingredient_id limit ")
        .push_bind(q.limit);
    Ok((page.build_query_as().fetch_all(&mut *conn).await?, total))
}

/// An ingredient's prices, oldest first.
pub async fn cost_history(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<Vec<CostRow>> {
    Ok(sqlx::query_as(
        "select ingredient_id, effective_from, unit_cost, recorded_at from ingredient_costs
         where restaurant_id = $1 and ingredient_id = $2 order by effective_from",
    )
    .bind(rid)
    .bind(id)
    .fetch_all(conn)
    .await?)
}

/// The restaurant's whole recipe book, in stable orders.
pub async fn book_rows(conn: &mut PgConnection, rid: Uuid) -> Result<BookRows> {
    let ingredients = sqlx::query_as(&format!(
        "select {INGREDIENT_COLUMNS} from ingredients where restaurant_id = $1 order by name_key"
    ))
    .bind(rid)
    .fetch_all(&mut *conn)
    .await?;
    let costs = sqlx::query_as(
        "select ingredient_id, effective_from, unit_cost, recorded_at from ingredient_costs
         where restaurant_id = $1 order by ingredient_id, effective_from",
    )
    .bind(rid)
    .fetch_all(&mut *conn)
    .await?;
    let recipes = sqlx::query_as(&format!(
        "{RECIPE_SELECT} where r.restaurant_id = $1 order by lower(coalesce(m.name, r.name)), r.recipe_id"
    ))
    .bind(rid)
    .fetch_all(&mut *conn)
    .await?;
    let lines = sqlx::query_as(
        "select recipe_id, line_no, ingredient_id, sub_recipe_id, quantity, unit, prep_key from recipe_lines
         where restaurant_id = $1 order by recipe_id, line_no",
    )
    .bind(rid)
    .fetch_all(&mut *conn)
    .await?;
    let yields = sqlx::query_as(
        "select ingredient_id, action, action_key, edible_share from ingredient_yields
         where restaurant_id = $1 order by ingredient_id, action_key",
    )
    .bind(rid)
    .fetch_all(&mut *conn)
    .await?;
    Ok(BookRows {
        ingredients,
        costs,
        recipes,
        lines,
        yields,
    })
}

/// Creates (`recipe_id` None) or replaces a recipe and all its lines.
/// Returns the recipe's id.
pub async fn save_recipe(
    conn: &mut PgConnection,
    rid: Uuid,
    recipe_id: Option<Uuid>,
    d: &RecipeData,
) -> Result<Uuid> {
    let (name, key) = match &d.name {
        Some((n, k)) => (Some(n.as_str()), Some(k.as_str())),
        None => (None, None),
    };
    let id = match recipe_id {
        None => {
            let id = Uuid::now_v7();
            sqlx::query(
                "insert into recipes (restaurant_id, recipe_id, menu_item_id, name, name_key, yield_amount, yield_unit)
                 values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(rid)
            .bind(id)
            .bind(d.menu_item_id)
            .bind(name)
            .bind(key)
            .bind(d.yield_amount)
            .bind(&d.yield_unit)
            .execute(&mut *conn)
            .await
            .map_err(StoreError::from_sqlx)?;
            id
        }
        Some(id) => {
            sqlx::query(
                "update recipes set menu_item_id = $3, name = $4, name_key = $5, yield_amount = $6,
                        yield_unit = $7, updated_at = now()
                 where restaurant_id = $1 and recipe_id = $2",
            )
            .bind(rid)
            .bind(id)
            .bind(d.menu_item_id)
            .bind(name)
            .bind(key)
            .bind(d.yield_amount)
            .bind(&d.yield_unit)
            .execute(&mut *conn)
            .await
            .map_err(StoreError::from_sqlx)?;
            sqlx::query("delete from recipe_lines where restaurant_id = $1 and recipe_id = $2")
                .bind(rid)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            id
        }
    };
    let ingredients: Vec<Option<Uuid>> = d.lines.iter().map(|l| l.ingredient_id).collect();
    let subs: Vec<Option<Uuid>> = d.lines.iter().map(|l| l.sub_recipe_id).collect();
    let quantities: Vec<Decimal> = d.lines.iter().map(|l| l.quantity).collect();
    let units: Vec<&str> = d.lines.iter().map(|l| l.unit.as_str()).collect();
    let preps: Vec<Option<&str>> = d.lines.iter().map(|l| l.prep_key.as_deref()).collect();
    sqlx::query(
        "insert into recipe_lines (restaurant_id, recipe_id, line_no, ingredient_id, sub_recipe_id, quantity, unit, prep_key)
         select $1, $2, (t.ord - 1)::int, t.i, t.s, t.q, t.u, t.p
         from unnest($3::uuid[], $4::uuid[], $5::numeric[], $6::text[], $7::text[])
              with ordinality as t(i, s, q, u, p, ord)",
    )
    .bind(rid)
    .bind(id)
    .bind(ingredients)
    .bind(subs)
    .bind(quantities)
    .bind(units)
    .bind(preps)
    .execute(conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    Ok(id)
}

/// Deletes a recipe; [`StoreError::InUse`] if another recipe uses it.
pub async fn delete_recipe(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<bool> {
    Ok(
        sqlx::query("delete from recipes where restaurant_id = $1 and recipe_id = $2")
            .bind(rid)
            .bind(id)
            .execute(conn)
            .await
            .map_err(StoreError::from_sqlx)?
            .rows_affected()
            == 1,
    )
}

/// Units sold and revenue per menu item over a date range (inclusive).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemSales {
    pub menu_item_id: Uuid,
    pub quantity: Decimal,
    pub revenue: Option<Decimal>,
}

pub async fn item_sales(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ItemSales>> {
    Ok(sqlx::query_as(
        "select menu_item_id, sum(quantity) as quantity, sum(revenue) as revenue
         from daily_item_sales where restaurant_id = $1 and business_date between $2 and $3
         group by menu_item_id order by menu_item_id",
    )
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// Forecast demand per menu item over a date range, from the newest
/// completed forecast run with people's overrides applied: the sum of
/// daily means and of daily p90s.
#[derive(Debug, Clone)]
pub struct ItemForecast {
    pub menu_item_id: Uuid,
    pub mean: f64,
    pub p90: f64,
}

pub async fn item_forecasts(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ItemForecast>> {
    let days = crate::purchasing::forecast_days(conn, rid, from, to).await?;
    // Days come ordered by dish, so each dish's days are adjacent.
    let mut out: Vec<ItemForecast> = Vec::new();
    for d in days {
        match out.last_mut() {
            Some(last) if last.menu_item_id == d.menu_item_id => {
                last.mean += d.mean;
                last.p90 += d.p90;
            }
            _ => out.push(ItemForecast {
                menu_item_id: d.menu_item_id,
                mean: d.mean,
                p90: d.p90,
            }),
        }
    }
    Ok(out)
}

/// Replaces an ingredient's preparation yields: `(action, key, share)`.
/// Removing one a recipe line uses is [`StoreError::InUse`].
pub async fn set_yields(
    conn: &mut PgConnection,
    rid: Uuid,
    ingredient_id: Uuid,
    yields: &[(String, String, Decimal)],
) -> Result<()> {
    let keys: Vec<&str> = yields.iter().map(|y| y.1.as_str()).collect();
    sqlx::query(
        "delete from ingredient_yields
         where restaurant_id = $1 and ingredient_id = $2 and not (action_key = any($3))",
    )
    .bind(rid)
    .bind(ingredient_id)
    .bind(&keys)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    let actions: Vec<&str> = yields.iter().map(|y| y.0.as_str()).collect();
    let shares: Vec<Decimal> = yields.iter().map(|y| y.2).collect();
    sqlx::query(
        "insert into ingredient_yields (restaurant_id, ingredient_id, action, action_key, edible_share)
         select $1, $2, t.a, t.k, t.s from unnest($3::text[], $4::text[], $5::numeric[]) as t(a, k, s)
         on conflict (restaurant_id, ingredient_id, action_key) do update
             set action = excluded.action, edible_share = excluded.edible_share, updated_at = now()",
    )
    .bind(rid)
    .bind(ingredient_id)
    .bind(&actions)
    .bind(&keys)
    .bind(&shares)
    .execute(conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    Ok(())
}
