//! Suppliers and offers, stock events, purchase orders, and the reads
//! purchasing needs (daily sales per dish, forecast quantiles per dish-day).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{Result, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SupplierRow {
    pub supplier_id: Uuid,
    pub name: String,
    pub name_key: String,
    pub contact_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub lead_time_days: i32,
    /// ISO weekdays, 1 = Monday.
    pub delivery_days: Vec<i16>,
    pub min_order_value: Decimal,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A supplier's writable fields, validated.
#[derive(Debug, Clone)]
pub struct SupplierData {
    pub name: String,
    pub name_key: String,
    pub contact_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub lead_time_days: i32,
    pub delivery_days: Vec<i16>,
    pub min_order_value: Decimal,
}

const SUPPLIER_COLUMNS: &str =
    "supplier_id, name, name_key, contact_name, email, phone, lead_time_days, \
     delivery_days, min_order_value, created_at, updated_at";

pub async fn insert_supplier(
    conn: &mut PgConnection,
    rid: Uuid,
    d: &SupplierData,
) -> Result<SupplierRow> {
    sqlx::query_as(&format!(
        "insert into suppliers (restaurant_id, supplier_id, name, name_key, contact_name, email, phone,
             lead_time_days, delivery_days, min_order_value)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning {SUPPLIER_COLUMNS}"
    ))
    .bind(rid)
    .bind(Uuid::now_v7())
    .bind(&d.name)
    .bind(&d.name_key)
    .bind(&d.contact_name)
    .bind(&d.email)
    .bind(&d.phone)
    .bind(d.lead_time_days)
    .bind(&d.delivery_days)
    .bind(d.min_order_value)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

pub async fn update_supplier(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
    d: &SupplierData,
) -> Result<Option<SupplierRow>> {
    sqlx::query_as(&format!(
        "update suppliers set name = $3, name_key = $4, contact_name = $5, email = $6, phone = $7,
                lead_time_days = $8, delivery_days = $9, min_order_value = $10, updated_at = now()
         where restaurant_id = $1 and supplier_id = $2 returning {SUPPLIER_COLUMNS}"
    ))
    .bind(rid)
    .bind(id)
    .bind(&d.name)
    .bind(&d.name_key)
    .bind(&d.contact_name)
    .bind(&d.email)
    .bind(&d.phone)
    .bind(d.lead_time_days)
    .bind(&d.delivery_days)
    .bind(d.min_order_value)
    .fetch_optional(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

pub async fn get_supplier(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
) -> Result<Option<SupplierRow>> {
    Ok(sqlx::query_as(&format!(
        "select {SUPPLIER_COLUMNS} from suppliers where restaurant_id = $1 and supplier_id = $2"
    ))
    .bind(rid)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Every supplier, by name (a restaurant has tens, not thousands).
pub async fn suppliers(conn: &mut PgConnection, rid: Uuid) -> Result<Vec<SupplierRow>> {
    Ok(sqlx::query_as(&format!(
        "select {SUPPLIER_COLUMNS} from suppliers where restaurant_id = $1 order by name_key"
    ))
    .bind(rid)
    .fetch_all(conn)
    .await?)
}

/// Deletes a supplier; [`StoreError::InUse`] while purchase orders name it.
pub async fn delete_supplier(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<bool> {
    Ok(
        sqlx::query("delete from suppliers where restaurant_id = $1 and supplier_id = $2")
            .bind(rid)
            .bind(id)
            .execute(conn)
            .await
            .map_err(StoreError::from_sqlx)?
            .rows_affected()
            == 1,
    )
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfferRow {
    pub supplier_id: Uuid,
    pub ingredient_id: Uuid,
    pub pack_base_units: Decimal,
    pub pack_price: Decimal,
    pub preferred: bool,
}

/// Creates or replaces the supplier's offer for an ingredient. A preferred
/// offer makes the ingredient's other offers not preferred.
pub async fn upsert_offer(conn: &mut PgConnection, rid: Uuid, o: &OfferRow) -> Result<()> {
    if o.preferred {
        sqlx::query(
            "update supplier_offers set preferred = false
             where restaurant_id = $1 and ingredient_id = $2 and supplier_id <> $3",
        )
        .bind(rid)
        .bind(o.ingredient_id)
        .bind(o.supplier_id)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "insert into supplier_offers (restaurant_id, supplier_id, ingredient_id, pack_base_units, pack_price, preferred)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (restaurant_id, supplier_id, ingredient_id) do update
         set pack_base_units = excluded.pack_base_units, pack_price = excluded.pack_price,
             preferred = excluded.preferred, updated_at = now()",
    )
    .bind(rid)
    .bind(o.supplier_id)
    .bind(o.ingredient_id)
    .bind(o.pack_base_units)
    .bind(o.pack_price)
    .bind(o.preferred)
    .execute(conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    Ok(())
}

pub async fn delete_offer(
    conn: &mut PgConnection,
    rid: Uuid,
    supplier: Uuid,
    ingredient: Uuid,
) -> Result<bool> {
    Ok(sqlx::query(
        "delete from supplier_offers where restaurant_id = $1 and supplier_id = $2 and ingredient_id = $3",
    )
    .bind(rid)
    .bind(supplier)
    .bind(ingredient)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

pub async fn offers(conn: &mut PgConnection, rid: Uuid) -> Result<Vec<OfferRow>> {
    Ok(sqlx::query_as(
        "select supplier_id, ingredient_id, pack_base_units, pack_price, preferred
         from supplier_offers where restaurant_id = $1 order by supplier_id, ingredient_id",
    )
    .bind(rid)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StockEventRow {
    pub event_id: Uuid,
    pub ingredient_id: Uuid,
    pub kind: String,
    pub event_date: NaiveDate,
    pub quantity: Decimal,
    pub note: Option<String>,
    pub purchase_order_id: Option<Uuid>,
    /// Why, for waste (see `WasteReason` in the status module).
    pub reason: Option<String>,
    pub recorded_at: DateTime<Utc>,
    /// The transfer this event is one side of.
    pub transfer_id: Option<Uuid>,
    /// The credit note a return belongs to.
    pub invoice_id: Option<Uuid>,
}

pub(crate) const EVENT_COLUMNS: &str =
    "event_id, ingredient_id, kind, event_date, quantity, note, \
     purchase_order_id, reason, recorded_at, transfer_id, invoice_id";

/// One stock event to record, in the ingredient's base unit.
#[derive(Debug, Clone, Copy)]
pub struct NewEvent<'a> {
    pub ingredient_id: Uuid,
    pub kind: &'a str,
    pub date: NaiveDate,
    pub quantity: Decimal,
    pub note: Option<&'a str>,
    pub purchase_order_id: Option<Uuid>,
    pub reason: Option<&'a str>,
    pub transfer_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
}

pub async fn insert_event(
    conn: &mut PgConnection,
    rid: Uuid,
    e: &NewEvent<'_>,
) -> Result<StockEventRow> {
    sqlx::query_as(&format!(
        "insert into stock_events (restaurant_id, event_id, ingredient_id, kind, event_date, quantity,
                                   note, purchase_order_id, reason, transfer_id, invoice_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning {EVENT_COLUMNS}"
    ))
    .bind(rid)
    .bind(Uuid::now_v7())
    .bind(e.ingredient_id)
    .bind(e.kind)
    .bind(e.date)
    .bind(e.quantity)
    .bind(e.note)
    .bind(e.purchase_order_id)
    .bind(e.reason)
    .bind(e.transfer_id)
    .bind(e.invoice_id)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from_sqlx)
}

/// Stock events, newest first, optionally of one ingredient.
pub async fn events(
    conn: &mut PgConnection,
    rid: Uuid,
    ingredient: Option<Uuid>,
    limit: i64,
) -> Result<Vec<StockEventRow>> {
    Ok(sqlx::query_as(&format!(
        "select {EVENT_COLUMNS} from stock_events
         where restaurant_id = $1 and ($2::uuid is null or ingredient_id = $2)
         order by event_date desc, recorded_at desc limit $3"
    ))
    .bind(rid)
    .bind(ingredient)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Every ingredient's events from its latest count on (and everything for
/// ingredients never counted): what on-hand projection needs.
pub async fn events_since_last_count(
    conn: &mut PgConnection,
    rid: Uuid,
) -> Result<Vec<StockEventRow>> {
    Ok(sqlx::query_as(&format!(
        "with last_count as (
             select ingredient_id, max(event_date) as d from stock_events
             where restaurant_id = $1 and kind = 'count' group by ingredient_id)
         select {EVENT_COLUMNS} from stock_events e
         left join last_count c using (ingredient_id)
         where e.restaurant_id = $1 and (c.d is null or e.event_date >= c.d)
         order by ingredient_id, event_date, recorded_at"
    ))
    .bind(rid)
    .fetch_all(conn)
    .await?)
}

/// Units sold per dish per day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DishDay {
    pub menu_item_id: Uuid,
    pub date: NaiveDate,
    pub quantity: Decimal,
}

pub async fn dish_days(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DishDay>> {
    Ok(sqlx::query_as(
        "select menu_item_id, business_date as date, quantity from daily_item_sales
         where restaurant_id = $1 and business_date between $2 and $3",
    )
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// One dish-day of the newest completed forecast run, with any override a
/// person made applied (see `forecast_overrides`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ForecastDay {
    pub menu_item_id: Uuid,
    pub date: NaiveDate,
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub override_quantity: Option<f64>,
}

pub async fn forecast_days(
    conn: &mut PgConnection,
    rid: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ForecastDay>> {
    let mut days: Vec<ForecastDay> = sqlx::query_as(
        "with run as (select forecast_run_id from forecast_runs
                      where restaurant_id = $1 and status = 'completed'
                      order by created_at desc limit 1)
         select f.menu_item_id, f.forecast_date as date, f.mean, f.p10, f.p50, f.p90, f.p99,
                o.quantity::float8 as override_quantity
         from demand_forecasts f join run on run.forecast_run_id = f.forecast_run_id
         left join forecast_overrides o on o.restaurant_id = f.restaurant_id and o.menu_item_id = f.menu_item_id
                                       and o.forecast_date = f.forecast_date
         where f.restaurant_id = $1 and f.forecast_date between $2 and $3
         order by f.menu_item_id, f.forecast_date",
    )
    .bind(rid)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    for d in &mut days {
        let ForecastDay {
            mean,
            p10,
            p50,
            p90,
            p99,
            override_quantity,
            ..
        } = d;
        crate::forecasts::apply_override(*override_quantity, [mean, p10, p50, p90, p99]);
    }
    Ok(days)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRow {
    pub purchase_order_id: Uuid,
    pub supplier_id: Uuid,
    pub supplier_name: String,
    pub status: String,
    pub delivery_date: Option<NaiveDate>,
    pub note: Option<String>,
    pub total: Decimal,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderLineRow {
    pub purchase_order_id: Uuid,
    pub line_no: i32,
    pub ingredient_id: Uuid,
    pub ingredient: String,
    pub base_unit: String,
    pub packs: i32,
    pub pack_base_units: Decimal,
    pub pack_price: Decimal,
    pub received_quantity: Option<Decimal>,
    pub explanation: String,
}

/// A line to write.
#[derive(Debug, Clone)]
pub struct NewLine {
    pub ingredient_id: Uuid,
    pub packs: i32,
    pub pack_base_units: Decimal,
    pub pack_price: Decimal,
    pub explanation: String,
}

const ORDER_SELECT: &str = "select o.purchase_order_id, o.supplier_id, s.name as supplier_name, o.status,
        o.delivery_date, o.note,
        coalesce((select sum(l.packs * l.pack_price) from purchase_order_lines l
                  where l.restaurant_id = o.restaurant_id and l.purchase_order_id = o.purchase_order_id), 0) as total,
        o.created_at, o.sent_at, o.received_at
     from purchase_orders o
     join suppliers s on s.restaurant_id = o.restaurant_id and s.supplier_id = o.supplier_id";

pub async fn insert_order(
    conn: &mut PgConnection,
    rid: Uuid,
    supplier: Uuid,
    delivery_date: Option<NaiveDate>,
    note: Option<&str>,
    lines: &[NewLine],
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into purchase_orders (restaurant_id, purchase_order_id, supplier_id, delivery_date, note)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(rid)
    .bind(id)
    .bind(supplier)
    .bind(delivery_date)
    .bind(note)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    replace_lines(conn, rid, id, lines).await?;
    Ok(id)
}

/// Replaces a draft's lines.
pub async fn replace_lines(
    conn: &mut PgConnection,
    rid: Uuid,
    order: Uuid,
    lines: &[NewLine],
) -> Result<()> {
    sqlx::query(
        "delete from purchase_order_lines where restaurant_id = $1 and purchase_order_id = $2",
    )
    .bind(rid)
    .bind(order)
    .execute(&mut *conn)
    .await?;
    let ingredients: Vec<Uuid> = lines.iter().map(|l| l.ingredient_id).collect();
    let packs: Vec<i32> = lines.iter().map(|l| l.packs).collect();
    let sizes: Vec<Decimal> = lines.iter().map(|l| l.pack_base_units).collect();
    let prices: Vec<Decimal> = lines.iter().map(|l| l.pack_price).collect();
    let why: Vec<&str> = lines.iter().map(|l| l.explanation.as_str()).collect();
    sqlx::query(
        "insert into purchase_order_lines (restaurant_id, purchase_order_id, line_no, ingredient_id, packs,
             pack_base_units, pack_price, explanation)
         select $1, $2, (t.ord - 1)::int, t.i, t.p, t.s, t.c, t.w
         from unnest($3::uuid[], $4::int[], $5::numeric[], $6::numeric[], $7::text[])
              with ordinality as t(i, p, s, c, w, ord)",
    )
    .bind(rid)
    .bind(order)
    .bind(ingredients)
    .bind(packs)
    .bind(sizes)
    .bind(prices)
    .bind(why)
    .execute(conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    Ok(())
}

pub async fn get_order(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<Option<OrderRow>> {
    Ok(sqlx::query_as(&format!(
        "{ORDER_SELECT} where o.restaurant_id = $1 and o.purchase_order_id = $2"
    ))
    .bind(rid)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn order_lines(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
) -> Result<Vec<OrderLineRow>> {
    lines_of_orders(conn, rid, &[id]).await
}

/// The lines of several orders in one query (a page of orders), by order
/// and line number.
pub async fn lines_of_orders(
    conn: &mut PgConnection,
    rid: Uuid,
    ids: &[Uuid],
) -> Result<Vec<OrderLineRow>> {
    Ok(sqlx::query_as(
        "select l.purchase_order_id, l.line_no, l.ingredient_id, i.name as ingredient, i.base_unit, l.packs,
                l.pack_base_units, l.pack_price, l.received_quantity, l.explanation
         from purchase_order_lines l
         join ingredients i on i.restaurant_id = l.restaurant_id and i.ingredient_id = l.ingredient_id
         where l.restaurant_id = $1 and l.purchase_order_id = any($2)
         order by l.purchase_order_id, l.line_no",
    )
    .bind(rid)
    .bind(ids)
    .fetch_all(conn)
    .await?)
}

/// Orders, newest first; keyset on (created_at, id).
pub async fn orders(
    conn: &mut PgConnection,
    rid: Uuid,
    status: Option<&str>,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<OrderRow>> {
    let (at, id) = match before {
        Some((a, i)) => (Some(a), Some(i)),
        None => (None, None),
    };
    Ok(sqlx::query_as(&format!(
        "{ORDER_SELECT} where o.restaurant_id = $1 and ($2::text is null or o.status = $2)
           and ($3::timestamptz is null or (o.created_at, o.purchase_order_id) < ($3, $4))
         order by o.created_at desc, o.purchase_order_id desc limit $5"
    ))
    .bind(rid)
    .bind(status)
    .bind(at)
    .bind(id)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Moves an order from `from` to `to` status; false if it was not in `from`.
pub async fn transition(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
    from: &str,
    to: &str,
) -> Result<bool> {
    Ok(sqlx::query(
        "update purchase_orders set status = $4,
                sent_at = case when $4 = 'sent' then now() else sent_at end,
                received_at = case when $4 = 'received' then now() else received_at end
         where restaurant_id = $1 and purchase_order_id = $2 and status = $3",
    )
    .bind(rid)
    .bind(id)
    .bind(from)
    .bind(to)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

pub async fn set_received_quantity(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
    line_no: i32,
    quantity: Decimal,
) -> Result<()> {
    sqlx::query(
        "update purchase_order_lines set received_quantity = $4
         where restaurant_id = $1 and purchase_order_id = $2 and line_no = $3",
    )
    .bind(rid)
    .bind(id)
    .bind(line_no)
    .bind(quantity)
    .execute(conn)
    .await?;
    Ok(())
}

/// Base units ordered and not yet received, per ingredient (sent orders).
pub async fn on_order(conn: &mut PgConnection, rid: Uuid) -> Result<Vec<(Uuid, Decimal)>> {
    Ok(sqlx::query_as(
        "select l.ingredient_id, sum(l.packs * l.pack_base_units)
         from purchase_order_lines l
         join purchase_orders o on o.restaurant_id = l.restaurant_id and o.purchase_order_id = l.purchase_order_id
         where l.restaurant_id = $1 and o.status = 'sent'
         group by l.ingredient_id",
    )
    .bind(rid)
    .fetch_all(conn)
    .await?)
}

/// Records how much of a prep is on hand (in its yield unit).
pub async fn insert_prep_count(
    conn: &mut PgConnection,
    rid: Uuid,
    recipe: Uuid,
    counted_on: NaiveDate,
    quantity: Decimal,
    usable_until: NaiveDate,
) -> Result<()> {
    sqlx::query(
        "insert into prep_counts (restaurant_id, count_id, recipe_id, counted_on, quantity, usable_until)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(rid)
    .bind(Uuid::now_v7())
    .bind(recipe)
    .bind(counted_on)
    .bind(quantity)
    .bind(usable_until)
    .execute(conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    Ok(())
}

/// Per prep, what its latest count made on or before `date` says is
/// usable on `date` (zero once that count's use-by date has passed: a later
/// count supersedes earlier ones, expired or not).
pub async fn usable_prep_stock(
    conn: &mut PgConnection,
    rid: Uuid,
    date: NaiveDate,
) -> Result<Vec<(Uuid, Decimal)>> {
    Ok(sqlx::query_as(
        "select recipe_id, case when usable_until >= $2 then quantity else 0 end
         from (select distinct on (recipe_id) recipe_id, quantity, usable_until from prep_counts
               where restaurant_id = $1 and counted_on <= $2
               order by recipe_id, counted_on desc, recorded_at desc) latest",
    )
    .bind(rid)
    .bind(date)
    .fetch_all(conn)
    .await?)
}

/// A par level an operator set, in the ingredient's base unit.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ParRow {
    pub ingredient_id: Uuid,
    pub min_quantity: Decimal,
    pub max_quantity: Decimal,
    pub updated_at: DateTime<Utc>,
}

pub async fn pars(conn: &mut PgConnection, rid: Uuid) -> Result<Vec<ParRow>> {
    Ok(sqlx::query_as(
        "select ingredient_id, min_quantity, max_quantity, updated_at from ingredient_pars
         where restaurant_id = $1 order by ingredient_id",
    )
    .bind(rid)
    .fetch_all(conn)
    .await?)
}

/// Sets (`Some((min, max))`) or clears an ingredient's par level.
pub async fn set_par(
    conn: &mut PgConnection,
    rid: Uuid,
    ingredient_id: Uuid,
    par: Option<(Decimal, Decimal)>,
) -> Result<()> {
    match par {
        None => {
            sqlx::query(
                "delete from ingredient_pars where restaurant_id = $1 and ingredient_id = $2",
            )
            .bind(rid)
            .bind(ingredient_id)
            .execute(conn)
            .await?;
        }
        Some((min, max)) => {
            sqlx::query(
                "insert into ingredient_pars (restaurant_id, ingredient_id, min_quantity, max_quantity)
                 values ($1, $2, $3, $4)
                 on conflict (restaurant_id, ingredient_id) do update
                     set min_quantity = excluded.min_quantity,
                         max_quantity = excluded.max_quantity, updated_at = now()",
            )
            .bind(rid)
            .bind(ingredient_id)
            .bind(min)
            .bind(max)
            .execute(conn)
            .await
            .map_err(StoreError::from_sqlx)?;
        }
    }
    Ok(())
}
