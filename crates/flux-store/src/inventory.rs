//! Inventory control (migration 0029): the stock events and sales of a
//! period for the actual-against-theoretical report, waste of preps and
//! dishes, and ingredients' allergen declarations.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::purchasing::{StockEventRow, EVENT_COLUMNS};
use crate::status::WasteReason;
use crate::{Result, StoreError};

/// The stock events a report of `[from, to]` needs: for each ingredient,
/// from its last count before `from` (or from `from` if it has none) up
/// to `to`, in date and recording order.
pub async fn period_events(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StockEventRow>> {
    Ok(sqlx::query_as(&format!(
        "with opening as (
             select ingredient_id, max(event_date) as d from stock_events
             where restaurant_id = $1 and kind = 'count' and event_date < $2
             group by ingredient_id)
         select {EVENT_COLUMNS} from stock_events e
         left join opening o using (ingredient_id)
         where e.restaurant_id = $1 and e.event_date <= $3
           and e.event_date >= coalesce(o.d, $2)
         order by ingredient_id, event_date, recorded_at"
    ))
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// Sales of `[from, to]` (dishes with no price count as nothing).
pub async fn revenue(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Decimal> {
    Ok(sqlx::query_scalar(
        "select coalesce(sum(revenue), 0) from daily_item_sales
         where restaurant_id = $1 and business_date between $2 and $3",
    )
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await?)
}

/// A prep or dish thrown away.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RecipeWaste {
    pub waste_id: Uuid,
    pub recipe_id: Uuid,
    pub waste_date: NaiveDate,
    /// In the recipe's yield unit (portions for a dish).
    pub quantity: Decimal,
    #[sqlx(try_from = "String")]
    pub reason: WasteReason,
    pub note: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

const WASTE_COLUMNS: &str =
    "waste_id, recipe_id, waste_date, quantity, reason, note, recorded_by, recorded_at";

#[allow(clippy::too_many_arguments)]
pub async fn insert_recipe_waste(
    conn: &mut PgConnection,
    rid: Uuid,
    recipe_id: Uuid,
    date: NaiveDate,
    quantity: Decimal,
    reason: WasteReason,
    note: Option<&str>,
    recorded_by: Option<Uuid>,
) -> Result<RecipeWaste> {
    sqlx::query_as(&format!(
        "insert into recipe_waste (restaurant_id, waste_id, recipe_id, waste_date, quantity, reason, note, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning {WASTE_COLUMNS}"
    ))
    .bind(rid)
    .bind(Uuid::now_v7())
    .bind(recipe_id)
    .bind(date)
    .bind(quantity)
    .bind(reason.as_str())
    .bind(note)
    .bind(recorded_by)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

/// Prep and dish waste of `[from, to]`, oldest first.
pub async fn recipe_waste_between(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<RecipeWaste>> {
    Ok(sqlx::query_as(&format!(
        "select {WASTE_COLUMNS} from recipe_waste
         where restaurant_id = $1 and waste_date between $2 and $3
         order by waste_date, recorded_at"
    ))
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// Ingredient waste events of `[from, to]`, oldest first.
pub async fn ingredient_waste_between(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StockEventRow>> {
    Ok(sqlx::query_as(&format!(
        "select {EVENT_COLUMNS} from stock_events
         where restaurant_id = $1 and kind = 'waste' and event_date between $2 and $3
         order by event_date, recorded_at"
    ))
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// Removes one waste entry (an ingredient's or a recipe's) recorded by
/// mistake. Returns whether one was found.
pub async fn delete_waste(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<bool> {
    let recipe = sqlx::query("delete from recipe_waste where restaurant_id = $1 and waste_id = $2")
        .bind(rid)
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if recipe > 0 {
        return Ok(true);
    }
    let ingredient = sqlx::query(
        "delete from stock_events where restaurant_id = $1 and event_id = $2 and kind = 'waste'",
    )
    .bind(rid)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(ingredient > 0)
}

/// An ingredient's reviewed allergen declaration.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AllergenRow {
    pub ingredient_id: Uuid,
    /// Stored names (see `flux_costing::Allergen::as_str`).
    pub allergens: Vec<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: DateTime<Utc>,
}

pub async fn allergens(conn: &mut PgConnection, rid: Uuid) -> Result<Vec<AllergenRow>> {
    Ok(sqlx::query_as(
        "select ingredient_id, allergens, reviewed_by, reviewed_at from ingredient_allergens
         where restaurant_id = $1 order by ingredient_id",
    )
    .bind(rid)
    .fetch_all(conn)
    .await?)
}

/// Records a review of an ingredient's allergens (replacing the last).
pub async fn set_allergens(
    conn: &mut PgConnection,
    rid: Uuid,
    ingredient_id: Uuid,
    allergens: &[&str],
    reviewed_by: Option<Uuid>,
) -> Result<AllergenRow> {
    sqlx::query_as(
        "insert into ingredient_allergens (restaurant_id, ingredient_id, allergens, reviewed_by)
         values ($1, $2, $3, $4)
         on conflict (restaurant_id, ingredient_id) do update
             set allergens = excluded.allergens, reviewed_by = excluded.reviewed_by,
                 reviewed_at = now()
         returning ingredient_id, allergens, reviewed_by, reviewed_at",
    )
    .bind(rid)
    .bind(ingredient_id)
    .bind(allergens)
    .bind(reviewed_by)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from_sqlx)
}
