//! Stock transfers between restaurants (migration 0030). Each restaurant
//! holds its own side of a transfer under its own tenancy; the use case
//! writes both sides in one transaction, switching tenant in between.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::status::{TransferDirection, TransferStatus};
use crate::{Result, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TransferRow {
    pub transfer_id: Uuid,
    pub counterpart_id: Uuid,
    pub counterpart_name: String,
    #[sqlx(try_from = "String")]
    pub direction: TransferDirection,
    #[sqlx(try_from = "String")]
    pub status: TransferStatus,
    pub transfer_date: NaiveDate,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TransferLineRow {
    pub transfer_id: Uuid,
    pub line_no: i32,
    pub ingredient_id: Option<Uuid>,
    pub recipe_id: Option<Uuid>,
    pub name: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_cost: Option<Decimal>,
}

/// One side to write.
#[derive(Debug, Clone)]
pub struct NewSide<'a> {
    pub transfer_id: Uuid,
    pub counterpart_id: Uuid,
    pub counterpart_name: &'a str,
    pub direction: TransferDirection,
    pub status: TransferStatus,
    pub date: NaiveDate,
    pub note: Option<&'a str>,
    pub created_by: Option<Uuid>,
}

/// A line to write: an ingredient or (on a sending side) a prep recipe.
#[derive(Debug, Clone)]
pub struct NewLine {
    pub ingredient_id: Option<Uuid>,
    pub recipe_id: Option<Uuid>,
    pub name: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_cost: Option<Decimal>,
}

pub async fn insert_side(
    conn: &mut PgConnection,
    rid: Uuid,
    side: &NewSide<'_>,
    lines: &[NewLine],
) -> Result<()> {
    sqlx::query(
        "insert into stock_transfers (restaurant_id, transfer_id, counterpart_id, counterpart_name,
             direction, status, transfer_date, note, created_by, sent_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, case when $6 = 'sent' then now() end)",
    )
    .bind(rid)
    .bind(side.transfer_id)
    .bind(side.counterpart_id)
    .bind(side.counterpart_name)
    .bind(side.direction.as_str())
    .bind(side.status.as_str())
    .bind(side.date)
    .bind(side.note)
    .bind(side.created_by)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    let ingredients: Vec<Option<Uuid>> = lines.iter().map(|l| l.ingredient_id).collect();
    let recipes: Vec<Option<Uuid>> = lines.iter().map(|l| l.recipe_id).collect();
    let names: Vec<&str> = lines.iter().map(|l| l.name.as_str()).collect();
    let quantities: Vec<Decimal> = lines.iter().map(|l| l.quantity).collect();
    let units: Vec<&str> = lines.iter().map(|l| l.unit.as_str()).collect();
    let costs: Vec<Option<Decimal>> = lines.iter().map(|l| l.unit_cost).collect();
    sqlx::query(
        "insert into stock_transfer_lines (restaurant_id, transfer_id, line_no, ingredient_id,
             recipe_id, name, quantity, unit, unit_cost)
         select $1, $2, (t.ord - 1)::int, t.i, t.r, t.n, t.q, t.u, t.c
         from unnest($3::uuid[], $4::uuid[], $5::text[], $6::numeric[], $7::text[], $8::numeric[])
              with ordinality as t(i, r, n, q, u, c, ord)",
    )
    .bind(rid)
    .bind(side.transfer_id)
    .bind(ingredients)
    .bind(recipes)
    .bind(names)
    .bind(quantities)
    .bind(units)
    .bind(costs)
    .execute(conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    Ok(())
}

const TRANSFER_COLUMNS: &str = "transfer_id, counterpart_id, counterpart_name, direction, status, \
     transfer_date, note, created_at, sent_at";

pub async fn get(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<Option<TransferRow>> {
    Ok(sqlx::query_as(&format!(
        "select {TRANSFER_COLUMNS} from stock_transfers where restaurant_id = $1 and transfer_id = $2"
    ))
    .bind(rid)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Transfers, newest first by date; keyset on (transfer_date, id).
pub async fn list(
    conn: &mut PgConnection,
    rid: Uuid,
    before: Option<(NaiveDate, Uuid)>,
    limit: i64,
) -> Result<Vec<TransferRow>> {
    let (at, id) = before.unzip();
    Ok(sqlx::query_as(&format!(
        "select {TRANSFER_COLUMNS} from stock_transfers where restaurant_id = $1
           and ($2::date is null or (transfer_date, transfer_id) < ($2, $3))
         order by transfer_date desc, transfer_id desc limit $4"
    ))
    .bind(rid)
    .bind(at)
    .bind(id)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

pub async fn lines_of(
    conn: &mut PgConnection,
    rid: Uuid,
    ids: &[Uuid],
) -> Result<Vec<TransferLineRow>> {
    Ok(sqlx::query_as(
        "select transfer_id, line_no, ingredient_id, recipe_id, name, quantity, unit, unit_cost
         from stock_transfer_lines where restaurant_id = $1 and transfer_id = any($2)
         order by transfer_id, line_no",
    )
    .bind(rid)
    .bind(ids)
    .fetch_all(conn)
    .await?)
}

/// Moves this side from `from` to `to` on `date`; false if it was not in
/// `from` (another request moved it first).
pub async fn transition(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
    from: TransferStatus,
    to: TransferStatus,
    date: NaiveDate,
) -> Result<bool> {
    Ok(sqlx::query(
        "update stock_transfers set status = $4, transfer_date = $5,
                sent_at = case when $4 = 'sent' then now() else sent_at end
         where restaurant_id = $1 and transfer_id = $2 and status = $3",
    )
    .bind(rid)
    .bind(id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(date)
    .execute(conn)
    .await?
    .rows_affected()
        > 0)
}

/// Sets the cost per unit of each line, by line number.
pub async fn set_costs(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
    costs: &[(i32, Decimal)],
) -> Result<()> {
    let nos: Vec<i32> = costs.iter().map(|c| c.0).collect();
    let values: Vec<Decimal> = costs.iter().map(|c| c.1).collect();
    sqlx::query(
        "update stock_transfer_lines l set unit_cost = t.c
         from unnest($3::int[], $4::numeric[]) as t(n, c)
         where l.restaurant_id = $1 and l.transfer_id = $2 and l.line_no = t.n",
    )
    .bind(rid)
    .bind(id)
    .bind(nos)
    .bind(values)
    .execute(conn)
    .await?;
    Ok(())
}
