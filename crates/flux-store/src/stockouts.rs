//! Days a dish ran out: marked by people (`stockouts`, migration 0018) or
//! inferred from transaction-level sales, where a dish's last sale of the
//! day came hours before the restaurant's and far earlier than the dish's
//! own habit.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;

/// A sold-out day marked by a person.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Stockout {
    pub menu_item_id: Uuid,
    pub menu_item_name: String,
    pub business_date: NaiveDate,
    pub note: String,
    /// Who marked it; none once that account is erased.
    pub user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "s.menu_item_id, m.name as menu_item_name, s.business_date, s.note, \
     s.user_id, s.created_at";

/// Marks (or re-marks, replacing the note) a dish's day as sold out.
pub async fn upsert(
    conn: &mut PgConnection,
    rid: Uuid,
    item: Uuid,
    date: NaiveDate,
    note: &str,
    user_id: Uuid,
) -> Result<Stockout> {
    sqlx::query(
        "insert into stockouts (restaurant_id, menu_item_id, business_date, note, user_id)
         values ($1, $2, $3, $4, $5)
         on conflict (restaurant_id, menu_item_id, business_date)
         do update set note = excluded.note, user_id = excluded.user_id, updated_at = now()",
    )
    .bind(rid)
    .bind(item)
    .bind(date)
    .bind(note)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from stockouts s
         join menu_items m on m.restaurant_id = s.restaurant_id and m.menu_item_id = s.menu_item_id
         where s.restaurant_id = $1 and s.menu_item_id = $2 and s.business_date = $3"
    ))
    .bind(rid)
    .bind(item)
    .bind(date)
    .fetch_one(conn)
    .await?)
}

/// Removes a mark; `false` when there was none.
pub async fn delete(
    conn: &mut PgConnection,
    rid: Uuid,
    item: Uuid,
    date: NaiveDate,
) -> Result<bool> {
    Ok(sqlx::query(
        "delete from stockouts where restaurant_id = $1 and menu_item_id = $2 and business_date = $3",
    )
    .bind(rid)
    .bind(item)
    .bind(date)
    .execute(conn)
    .await?
    .rows_affected()
        > 0)
}

/// Marked days from `from` to `to` (inclusive), of one dish or all,
/// newest first, at most `limit`.
pub async fn list(
    conn: &mut PgConnection,
    rid: Uuid,
    item: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> Result<Vec<Stockout>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from stockouts s
         join menu_items m on m.restaurant_id = s.restaurant_id and m.menu_item_id = s.menu_item_id
         where s.restaurant_id = $1 and ($2::uuid is null or s.menu_item_id = $2)
           and s.business_date between $3 and $4
         order by s.business_date desc, m.name
         limit $5"
    ))
    .bind(rid)
    .bind(item)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// What the inference needs to call a day sold out.
#[derive(Debug, Clone, Copy)]
pub struct InferRule {
    /// The restaurant kept selling at least this long after the dish's
    /// last sale of the day.
    pub min_gap_secs: f64,
    /// ... and the gap is this many times the dish's median gap (a dish
    /// only sold at lunch has a long gap every day: not sold out).
    pub habit_factor: f64,
    /// The dish sold at least this much that day (a dish that sold one
    /// portion says little).
    pub min_quantity: f64,
    /// Days with timed sales the dish needs for its habit to be known.
    pub min_days: i64,
}

/// Dish-days from `since` to before `before` that look sold out by the
/// times of their sales (see [`InferRule`]): each dish-day's last timed
/// sale is kept in the roll-up (`last_sale_at`, migration 0023) and the
/// day's sold quantity is its roll-up total. Files without times infer
/// nothing.
pub async fn inferred(
    conn: &mut PgConnection,
    rid: Uuid,
    since: NaiveDate,
    before: NaiveDate,
    rule: &InferRule,
) -> Result<Vec<(Uuid, NaiveDate)>> {
    Ok(sqlx::query_as(
        "with dish_days as (
             select menu_item_id, business_date, last_sale_at as last_sale, quantity::float8 as sold
             from daily_item_sales
             where restaurant_id = $1 and business_date >= $2 and business_date < $3
               and last_sale_at is not null
         ), service as (
             select business_date, max(last_sale) as last_sale from dish_days group by business_date
         ), gaps as (
             select d.menu_item_id, d.business_date, d.sold,
                    extract(epoch from s.last_sale - d.last_sale)::float8 as gap
             from dish_days d join service s using (business_date)
         ), habit as (
             select menu_item_id, percentile_cont(0.5) within group (order by gap) as median_gap,
                    count(*) as days
             from gaps group by menu_item_id
         )
         select g.menu_item_id, g.business_date
         from gaps g join habit h using (menu_item_id)
         where h.days >= $7 and g.sold >= $6 and g.gap >= $4 and g.gap >= $5 * h.median_gap
         order by g.menu_item_id, g.business_date",
    )
    .bind(rid)
    .bind(since)
    .bind(before)
    .bind(rule.min_gap_secs)
    .bind(rule.habit_factor)
    .bind(rule.min_quantity)
    .bind(rule.min_days)
    .fetch_all(conn)
    .await?)
}

/// Marked days before `before`, for the forecaster.
pub async fn marked_before(
    conn: &mut PgConnection,
    rid: Uuid,
    before: NaiveDate,
) -> Result<Vec<(Uuid, NaiveDate)>> {
    Ok(sqlx::query_as(
        "select menu_item_id, business_date from stockouts
         where restaurant_id = $1 and business_date < $2",
    )
    .bind(rid)
    .bind(before)
    .fetch_all(conn)
    .await?)
}
