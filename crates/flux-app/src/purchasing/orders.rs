//! Purchase orders: draft → sent → received (or cancelled). Only drafts
//! can be edited; receiving records what arrived as deliveries in stock.

use std::collections::HashMap;

use chrono::NaiveDate;
use flux_domain::{FieldError, Invalid};
use flux_store::purchasing::{NewLine, OrderLineRow, OrderRow};
use flux_store::PgConnection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::purchasing::mail::Mailer;
use crate::purchasing::stock::Kind;
use crate::purchasing::{undecodable, wrong_state, Result};
use crate::{AppError, Kind as ErrorKind};

/// Where an order is in its life. Stored as its lower-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Being put together; lines can still change.
    Draft,
    /// With the supplier: its quantities count as on order.
    Sent,
    /// Arrived; the receipts are deliveries in stock.
    Received,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 4] = [
        OrderStatus::Draft,
        OrderStatus::Sent,
        OrderStatus::Received,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Draft => "draft",
            OrderStatus::Sent => "sent",
            OrderStatus::Received => "received",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// The status named `s` exactly as stored (`draft`, `sent`, ...).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// Drafts and sent orders can still be cancelled; the others are final.
    pub fn is_open(self) -> bool {
        matches!(self, OrderStatus::Draft | OrderStatus::Sent)
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An order with its lines.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Order {
    pub id: Uuid,
    pub supplier_id: Uuid,
    pub supplier: String,
    pub status: OrderStatus,
    pub delivery_date: Option<NaiveDate>,
    pub note: Option<String>,
    pub total: Decimal,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    pub received_at: Option<chrono::DateTime<chrono::Utc>>,
    pub lines: Vec<OrderLine>,
    /// Set when sending e-mailed the order to the supplier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emailed_to: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderLine {
    pub line_no: i32,
    pub ingredient_id: Uuid,
    pub ingredient: String,
    pub base_unit: String,
    pub packs: i32,
    pub pack_base_units: Decimal,
    pub pack_price: Decimal,
    /// packs × pack size, in the base unit.
    pub quantity: Decimal,
    pub cost: Decimal,
    pub received_quantity: Option<Decimal>,
    pub explanation: String,
}

impl Order {
    fn from_rows(o: OrderRow, lines: Vec<OrderLineRow>) -> Result<Self> {
        let status =
            OrderStatus::parse(&o.status).ok_or_else(|| undecodable("order status", &o.status))?;
        Ok(Order {
            id: o.purchase_order_id,
            supplier_id: o.supplier_id,
            supplier: o.supplier_name,
            status,
            delivery_date: o.delivery_date,
            note: o.note,
            total: o.total.normalize(),
            created_at: o.created_at,
            sent_at: o.sent_at,
            received_at: o.received_at,
            emailed_to: None,
            lines: lines
                .into_iter()
                .map(|l| OrderLine {
                    quantity: (Decimal::from(l.packs) * l.pack_base_units).normalize(),
                    cost: (Decimal::from(l.packs) * l.pack_price).normalize(),
                    line_no: l.line_no,
                    ingredient_id: l.ingredient_id,
                    ingredient: l.ingredient,
                    base_unit: l.base_unit,
                    packs: l.packs,
                    pack_base_units: l.pack_base_units.normalize(),
                    pack_price: l.pack_price.normalize(),
                    received_quantity: l.received_quantity.map(|q| q.normalize()),
                    explanation: l.explanation,
                })
                .collect(),
        })
    }
}

/// One order with its lines; not found when it is not this restaurant's.
pub async fn get(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<Order> {
    let o = flux_store::purchasing::get_order(conn, rid, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let lines = flux_store::purchasing::order_lines(conn, rid, id).await?;
    Order::from_rows(o, lines)
}

/// A page of orders, newest first, with their lines (two queries whatever
/// the page size).
pub async fn list(
    conn: &mut PgConnection,
    rid: Uuid,
    status: Option<OrderStatus>,
    before: Option<(chrono::DateTime<chrono::Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<Order>> {
    let status = status.map(OrderStatus::as_str);
    let rows = flux_store::purchasing::orders(conn, rid, status, before, limit).await?;
    let ids: Vec<Uuid> = rows.iter().map(|o| o.purchase_order_id).collect();
    let mut lines: HashMap<Uuid, Vec<OrderLineRow>> = HashMap::new();
    for l in flux_store::purchasing::lines_of_orders(conn, rid, &ids).await? {
        lines.entry(l.purchase_order_id).or_default().push(l);
    }
    rows.into_iter()
        .map(|o| {
            let l = lines.remove(&o.purchase_order_id).unwrap_or_default();
            Order::from_rows(o, l)
        })
        .collect()
}

/// A line as received: so many packs of an ingredient, priced by the
/// supplier's current offer.
#[derive(Debug, Clone, Deserialize)]
pub struct LineInput {
    pub ingredient_id: Uuid,
    pub packs: i64,
    #[serde(default)]
    pub explanation: Option<String>,
}

/// Builds lines from the supplier's offers; every problem is reported.
async fn lines_from_offers(
    conn: &mut PgConnection,
    rid: Uuid,
    supplier: Uuid,
    input: &[LineInput],
) -> Result<Vec<NewLine>> {
    let offers: HashMap<Uuid, _> = flux_store::purchasing::offers(conn, rid)
        .await?
        .into_iter()
        .filter(|o| o.supplier_id == supplier)
        .map(|o| (o.ingredient_id, o))
        .collect();
    let mut errors = Vec::new();
    let mut lines = Vec::new();
    if input.is_empty() {
        errors.push(FieldError::new(
            "lines",
            "required",
            "an order needs at least one line",
        ));
    }
    for (i, l) in input.iter().enumerate() {
        let Some(offer) = offers.get(&l.ingredient_id) else {
            errors.push(FieldError::new(
                format!("lines.{i}.ingredient_id"),
                "no_offer",
                "this supplier has no offer for this ingredient",
            ));
            continue;
        };
        let Some(packs) = i32::try_from(l.packs)
            .ok()
            .filter(|p| (1..=100_000).contains(p))
        else {
            errors.push(FieldError::new(
                format!("lines.{i}.packs"),
                "out_of_range",
                "must be a whole number of packs from 1 to 100000",
            ));
            continue;
        };
        lines.push(NewLine {
            ingredient_id: l.ingredient_id,
            packs,
            pack_base_units: offer.pack_base_units,
            pack_price: offer.pack_price,
            explanation: l.explanation.clone().unwrap_or_default(),
        });
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    Ok(lines)
}

/// Creates a draft order.
pub async fn create(
    conn: &mut PgConnection,
    rid: Uuid,
    supplier: Uuid,
    delivery_date: Option<NaiveDate>,
    note: Option<&str>,
    input: &[LineInput],
) -> Result<Order> {
    flux_store::purchasing::get_supplier(conn, rid, supplier)
        .await?
        .ok_or_else(|| {
            Invalid::one(
                "supplier_id",
                "unknown",
                "no such supplier in this restaurant",
            )
        })?;
    let lines = lines_from_offers(conn, rid, supplier, input).await?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    let id = flux_store::purchasing::insert_order(conn, rid, supplier, delivery_date, note, &lines)
        .await?;
    get(conn, rid, id).await
}

/// Replaces a draft's lines.
pub async fn edit(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
    input: &[LineInput],
) -> Result<Order> {
    let order = get(conn, rid, id).await?;
    if order.status != OrderStatus::Draft {
        return Err(wrong_state(format!(
            "only draft orders can be edited; this one is {}",
            order.status
        )));
    }
    let lines = lines_from_offers(conn, rid, order.supplier_id, input).await?;
    flux_store::purchasing::replace_lines(conn, rid, id, &lines).await?;
    get(conn, rid, id).await
}

/// Moves an order from one status to another; false if it was not in `from`.
async fn transition(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
    from: OrderStatus,
    to: OrderStatus,
) -> Result<bool> {
    Ok(flux_store::purchasing::transition(conn, rid, id, from.as_str(), to.as_str()).await?)
}

/// Marks a draft as sent: from now on its quantities count as on order.
pub async fn send(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<Order> {
    let order = get(conn, rid, id).await?;
    if !transition(conn, rid, id, OrderStatus::Draft, OrderStatus::Sent).await? {
        return Err(wrong_state(format!(
            "only draft orders can be sent; this one is {}",
            order.status
        )));
    }
    get(conn, rid, id).await
}

/// Cancels a draft or sent order.
pub async fn cancel(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<Order> {
    let order = get(conn, rid, id).await?;
    let moved = order.status.is_open()
        && transition(conn, rid, id, order.status, OrderStatus::Cancelled).await?;
    if !moved {
        return Err(wrong_state(format!(
            "a {} order cannot be cancelled",
            order.status
        )));
    }
    get(conn, rid, id).await
}

/// What arrived for one line, in base units (default: as ordered).
#[derive(Debug, Clone, Deserialize)]
pub struct Receipt {
    pub line_no: i32,
    pub received_quantity: Decimal,
}

/// Receives a sent order on `date`: each line's received quantity (as
/// ordered unless given) becomes a delivery in stock.
pub async fn receive(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
    date: NaiveDate,
    receipts: &[Receipt],
) -> Result<Order> {
    let order = get(conn, rid, id).await?;
    if order.status != OrderStatus::Sent {
        return Err(wrong_state(format!(
            "only sent orders can be received; this one is {}",
            order.status
        )));
    }
    let mut errors = Vec::new();
    for (i, r) in receipts.iter().enumerate() {
        if !order.lines.iter().any(|l| l.line_no == r.line_no) {
            errors.push(FieldError::new(
                format!("lines.{i}.line_no"),
                "unknown",
                "no such line on this order",
            ));
        }
        if r.received_quantity < Decimal::ZERO {
            errors.push(FieldError::new(
                format!("lines.{i}.received_quantity"),
                "negative",
                "must not be negative",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    for line in &order.lines {
        let received = receipts
            .iter()
            .find(|r| r.line_no == line.line_no)
            .map_or(line.quantity, |r| r.received_quantity);
        flux_store::purchasing::set_received_quantity(conn, rid, id, line.line_no, received)
            .await?;
        if received > Decimal::ZERO {
            flux_store::purchasing::insert_event(
                conn,
                rid,
                &flux_store::purchasing::NewEvent {
                    ingredient_id: line.ingredient_id,
                    kind: Kind::Delivery.as_str(),
                    date,
                    quantity: received,
                    note: Some("purchase order"),
                    purchase_order_id: Some(id),
                    reason: None,
                    transfer_id: None,
                    invoice_id: None,
                },
            )
            .await?;
        }
    }
    transition(conn, rid, id, OrderStatus::Sent, OrderStatus::Received).await?;
    get(conn, rid, id).await
}

/// Sends a draft to its supplier: marks it sent and, when a mailer is
/// configured and the supplier has an e-mail address, e-mails it with its
/// CSV. The mail goes out before the caller commits, so a delivery failure
/// (`Kind::MailFailed`) leaves the order a draft once the caller rolls back.
pub async fn send_to_supplier(
    conn: &mut PgConnection,
    rid: Uuid,
    id: Uuid,
    mailer: Option<&Mailer>,
) -> Result<Order> {
    let mut order = send(conn, rid, id).await?;
    let Some(mailer) = mailer else {
        return Ok(order);
    };
    let supplier = flux_store::purchasing::get_supplier(conn, rid, order.supplier_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let Some(to) = supplier.email else {
        return Ok(order);
    };
    let restaurant = flux_store::restaurants::get(conn, rid)
        .await?
        .ok_or_else(AppError::not_found)?;
    mailer
        .send_order(&restaurant.name, &order, &to)
        .await
        .map_err(|e| AppError::new(ErrorKind::MailFailed, e.to_string()))?;
    order.emailed_to = Some(to);
    Ok(order)
}

/// The order as the supplier's CSV: one row per line.
pub fn to_csv(order: &Order) -> String {
    fn cell(s: &str) -> String {
        // Quote when needed, and defuse spreadsheet formulas in names.
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_owned()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let mut out = String::from("ingredient,packs,pack_size,unit,quantity,pack_price,line_total\n");
    for l in &order.lines {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            cell(&l.ingredient),
            l.packs,
            l.pack_base_units,
            cell(&l.base_unit),
            l.quantity,
            l.pack_price,
            l.cost
        ));
    }
    out.push_str(&format!(",,,,,total,{}\n", order.total));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_hostile_names() {
        let order = Order {
            id: Uuid::nil(),
            supplier_id: Uuid::nil(),
            supplier: "S".into(),
            status: OrderStatus::Sent,
            delivery_date: None,
            note: None,
            total: Decimal::new(2300, 2),
            created_at: chrono::DateTime::UNIX_EPOCH,
            sent_at: None,
            received_at: None,
            emailed_to: None,
            lines: vec![OrderLine {
                line_no: 0,
                ingredient_id: Uuid::nil(),
                ingredient: "=HYPERLINK(\"x\"), tomatoes".into(),
                base_unit: "kg".into(),
                packs: 2,
                pack_base_units: Decimal::from(5),
                pack_price: Decimal::new(1150, 2),
                quantity: Decimal::from(10),
                cost: Decimal::new(2300, 2),
                received_quantity: None,
                explanation: String::new(),
            }],
        };
        let csv = to_csv(&order);
        let row = csv.lines().nth(1).expect("a line");
        assert_eq!(
            row,
            "\"'=HYPERLINK(\"\"x\"\"), tomatoes\",2,5,kg,10,11.50,23.00"
        );
        assert!(csv.ends_with(",,,,,total,23.00\n"));
    }

    #[test]
    fn statuses_read_back_as_stored() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_value(status).ok(),
                Some(serde_json::Value::String(status.as_str().into()))
            );
        }
        assert_eq!(OrderStatus::parse("lost"), None);
        assert!(OrderStatus::Sent.is_open() && !OrderStatus::Received.is_open());
    }
}
