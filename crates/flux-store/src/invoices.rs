//! Supplier invoices and credit notes (migration 0030): the documents and
//! their lines as printed.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::status::{CreditReason, InvoiceKind};
use crate::{Result, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceRow {
    pub invoice_id: Uuid,
    pub supplier_id: Uuid,
    pub supplier_name: String,
    #[sqlx(try_from = "String")]
    pub kind: InvoiceKind,
    pub number: String,
    pub invoice_date: NaiveDate,
    pub purchase_order_id: Option<Uuid>,
    pub credits_invoice_id: Option<Uuid>,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub total: Decimal,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceLineRow {
    pub invoice_id: Uuid,
    pub line_no: i32,
    pub ingredient_id: Option<Uuid>,
    pub ingredient: Option<String>,
    pub base_unit: Option<String>,
    pub description: String,
    pub packs: Decimal,
    pub pack_price: Decimal,
    pub pack_base_units: Option<Decimal>,
    pub amount: Decimal,
    #[sqlx(try_from = "Option<String>")]
    pub credit_reason: OptionalReason,
    pub previous_unit_cost: Option<Decimal>,
}

/// A nullable [`CreditReason`] column, decoded strictly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OptionalReason(pub Option<CreditReason>);

impl TryFrom<Option<String>> for OptionalReason {
    type Error = flux_domain::restaurant::InvalidStored;
    fn try_from(s: Option<String>) -> std::result::Result<Self, Self::Error> {
        s.map(CreditReason::try_from)
            .transpose()
            .map(OptionalReason)
    }
}

/// A document to write.
#[derive(Debug, Clone)]
pub struct NewInvoice<'a> {
    pub supplier_id: Uuid,
    pub kind: InvoiceKind,
    pub number: &'a str,
    pub invoice_date: NaiveDate,
    pub purchase_order_id: Option<Uuid>,
    pub credits_invoice_id: Option<Uuid>,
    pub note: Option<&'a str>,
    pub recorded_by: Option<Uuid>,
}

/// A line to write, as printed.
#[derive(Debug, Clone)]
pub struct NewInvoiceLine {
    pub ingredient_id: Option<Uuid>,
    pub description: String,
    pub packs: Decimal,
    pub pack_price: Decimal,
    pub pack_base_units: Option<Decimal>,
    pub amount: Decimal,
    pub credit_reason: Option<CreditReason>,
    pub previous_unit_cost: Option<Decimal>,
}

const INVOICE_SELECT: &str = "select v.invoice_id, v.supplier_id, s.name as supplier_name, v.kind,
        v.number, v.invoice_date, v.purchase_order_id, v.credits_invoice_id, v.note, v.recorded_at,
        coalesce((select sum(l.amount) from supplier_invoice_lines l
                  where l.restaurant_id = v.restaurant_id and l.invoice_id = v.invoice_id), 0) as total
     from supplier_invoices v
     join suppliers s on s.restaurant_id = v.restaurant_id and s.supplier_id = v.supplier_id";

/// Writes a document and its lines; [`StoreError::Conflict`] on
/// `supplier_invoices_number_unique` when the supplier's number is taken.
pub async fn insert(
    conn: &mut PgConnection,
    rid: Uuid,
    v: &NewInvoice<'_>,
    lines: &[NewInvoiceLine],
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into supplier_invoices (restaurant_id, invoice_id, supplier_id, kind, number,
             invoice_date, purchase_order_id, credits_invoice_id, note, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(rid)
    .bind(id)
    .bind(v.supplier_id)
    .bind(v.kind.as_str())
    .bind(v.number)
    .bind(v.invoice_date)
    .bind(v.purchase_order_id)
    .bind(v.credits_invoice_id)
    .bind(v.note)
    .bind(v.recorded_by)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    let ingredients: Vec<Option<Uuid>> = lines.iter().map(|l| l.ingredient_id).collect();
    let descriptions: Vec<&str> = lines.iter().map(|l| l.description.as_str()).collect();
    let packs: Vec<Decimal> = lines.iter().map(|l| l.packs).collect();
    let prices: Vec<Decimal> = lines.iter().map(|l| l.pack_price).collect();
    let sizes: Vec<Option<Decimal>> = lines.iter().map(|l| l.pack_base_units).collect();
    let amounts: Vec<Decimal> = lines.iter().map(|l| l.amount).collect();
    let reasons: Vec<Option<&str>> = lines
        .iter()
        .map(|l| l.credit_reason.map(CreditReason::as_str))
        .collect();
    let previous: Vec<Option<Decimal>> = lines.iter().map(|l| l.previous_unit_cost).collect();
    sqlx::query(
        "insert into supplier_invoice_lines (restaurant_id, invoice_id, line_no, ingredient_id,
             description, packs, pack_price, pack_base_units, amount, credit_reason, previous_unit_cost)
         select $1, $2, (t.ord - 1)::int, t.i, t.d, t.p, t.c, t.s, t.a, t.r, t.v
         from unnest($3::uuid[], $4::text[], $5::numeric[], $6::numeric[], $7::numeric[],
                     $8::numeric[], $9::text[], $10::numeric[])
              with ordinality as t(i, d, p, c, s, a, r, v, ord)",
    )
    .bind(rid)
    .bind(id)
    .bind(ingredients)
    .bind(descriptions)
    .bind(packs)
    .bind(prices)
    .bind(sizes)
    .bind(amounts)
    .bind(reasons)
    .bind(previous)
    .execute(conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    Ok(id)
}

pub async fn get(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<Option<InvoiceRow>> {
    Ok(sqlx::query_as(&format!(
        "{INVOICE_SELECT} where v.restaurant_id = $1 and v.invoice_id = $2"
    ))
    .bind(rid)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The credit notes written against an invoice, oldest first.
pub async fn credit_notes_of(
    conn: &mut PgConnection,
    rid: Uuid,
    invoice: Uuid,
) -> Result<Vec<InvoiceRow>> {
    Ok(sqlx::query_as(&format!(
        "{INVOICE_SELECT} where v.restaurant_id = $1 and v.credits_invoice_id = $2
         order by v.invoice_date, v.invoice_id"
    ))
    .bind(rid)
    .bind(invoice)
    .fetch_all(conn)
    .await?)
}

/// Every document naming a purchase order.
pub async fn for_order(conn: &mut PgConnection, rid: Uuid, order: Uuid) -> Result<Vec<InvoiceRow>> {
    Ok(sqlx::query_as(&format!(
        "{INVOICE_SELECT} where v.restaurant_id = $1 and v.purchase_order_id = $2
         order by v.invoice_date, v.invoice_id"
    ))
    .bind(rid)
    .bind(order)
    .fetch_all(conn)
    .await?)
}

/// Documents, newest first by date; keyset on (invoice_date, id).
pub async fn list(
    conn: &mut PgConnection,
    rid: Uuid,
    supplier: Option<Uuid>,
    before: Option<(NaiveDate, Uuid)>,
    limit: i64,
) -> Result<Vec<InvoiceRow>> {
    let (at, id) = before.unzip();
    Ok(sqlx::query_as(&format!(
        "{INVOICE_SELECT} where v.restaurant_id = $1 and ($2::uuid is null or v.supplier_id = $2)
           and ($3::date is null or (v.invoice_date, v.invoice_id) < ($3, $4))
         order by v.invoice_date desc, v.invoice_id desc limit $5"
    ))
    .bind(rid)
    .bind(supplier)
    .bind(at)
    .bind(id)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// The lines of several documents, by document and line number.
pub async fn lines_of(
    conn: &mut PgConnection,
    rid: Uuid,
    ids: &[Uuid],
) -> Result<Vec<InvoiceLineRow>> {
    Ok(sqlx::query_as(
        "select l.invoice_id, l.line_no, l.ingredient_id, i.name as ingredient, i.base_unit,
                l.description, l.packs, l.pack_price, l.pack_base_units, l.amount, l.credit_reason,
                l.previous_unit_cost
         from supplier_invoice_lines l
         left join ingredients i on i.restaurant_id = l.restaurant_id and i.ingredient_id = l.ingredient_id
         where l.restaurant_id = $1 and l.invoice_id = any($2)
         order by l.invoice_id, l.line_no",
    )
    .bind(rid)
    .bind(ids)
    .fetch_all(conn)
    .await?)
}

/// Deletes a document (and the credit notes against it); the stock events
/// its returns recorded go with it.
pub async fn delete(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<bool> {
    sqlx::query(
        "delete from stock_events where restaurant_id = $1 and invoice_id in
             (select invoice_id from supplier_invoices
              where restaurant_id = $1 and (invoice_id = $2 or credits_invoice_id = $2))",
    )
    .bind(rid)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(
        sqlx::query("delete from supplier_invoices where restaurant_id = $1 and invoice_id = $2")
            .bind(rid)
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}
