//! Supplier invoices and credit notes: entered by hand or imported from a
//! supplier's CSV, matched three ways against the purchase order and the
//! receipt (ordered vs received vs invoiced), and fed into the ingredient's
//! price history from the invoice date, with an alert when a price rises
//! more than [`PRICE_ALERT_PERCENT`].
//!
//! Lines are kept as printed (packs at a price per pack); the pack size in
//! the ingredient's base unit converts them. It comes from the request,
//! else from the purchase order's line, else from the supplier's offer. A
//! line no ingredient matches is kept as an unknown line and flagged; it
//! never changes a price.
//!
//! A credit note names the invoice it corrects. Its `return` lines are
//! goods sent back: they leave stock (a `return` stock event on the credit
//! note's date), which the variance report counts like a transfer out.
//! Shortage, price and damage credits change money only.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use flux_domain::{FieldError, Invalid};
use flux_purchasing::invoice::{self as engine, Billed, Ordered};
use flux_store::invoices::{InvoiceLineRow, InvoiceRow, NewInvoice, NewInvoiceLine};
use flux_store::status::{CreditReason, InvoiceKind};
use flux_store::{PgConnection, StoreError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::costing::Kitchen;
use crate::inventory::Result;
use crate::purchasing::orders::OrderStatus;
use crate::purchasing::stock::Kind;
use crate::AppError;

/// A price rise per base unit above this many percent is an alert.
pub const PRICE_ALERT_PERCENT: Decimal = Decimal::from_parts(5, 0, 0, false, 0);

/// The most lines one document holds.
pub const MAX_LINES: usize = 500;

/// One line as entered or imported.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct LineInput {
    /// The ingredient billed; without it the description is matched to an
    /// ingredient by name, and a line that matches none is kept as unknown.
    #[serde(default)]
    pub ingredient_id: Option<Uuid>,
    /// As printed; defaults to the ingredient's name.
    #[serde(default)]
    pub description: Option<String>,
    /// How many packs (cases, bags, bottles) were billed.
    #[schema(value_type = String, example = "2")]
    pub packs: Decimal,
    /// Price of one pack.
    #[schema(value_type = String, example = "11.50")]
    pub pack_price: Decimal,
    /// Base units in one pack; default from the order or the offer.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "5")]
    pub pack_size: Option<Decimal>,
    /// The line total as printed; default packs × pack price.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub amount: Option<Decimal>,
    /// Credit notes only: why the line is credited.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "shortage")]
    pub credit_reason: Option<CreditReason>,
}

/// An invoice as entered.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct InvoiceInput {
    pub supplier_id: Uuid,
    /// The supplier's invoice number: unique per supplier.
    pub number: String,
    pub invoice_date: NaiveDate,
    /// The purchase order it bills, to match against.
    #[serde(default)]
    pub purchase_order_id: Option<Uuid>,
    #[serde(default)]
    pub note: Option<String>,
    pub lines: Vec<LineInput>,
}

/// A credit note as entered, against an invoice.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CreditInput {
    pub number: String,
    pub date: NaiveDate,
    #[serde(default)]
    pub note: Option<String>,
    pub lines: Vec<LineInput>,
}

/// A stored invoice or credit note.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Invoice {
    pub id: Uuid,
    #[schema(value_type = String, example = "invoice")]
    pub kind: InvoiceKind,
    pub supplier_id: Uuid,
    pub supplier: String,
    pub number: String,
    pub invoice_date: NaiveDate,
    pub purchase_order_id: Option<Uuid>,
    pub credits_invoice_id: Option<Uuid>,
    pub note: Option<String>,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub lines: Vec<InvoiceLine>,
    /// Prices this invoice raised by more than the alert threshold.
    pub price_alerts: Vec<PriceAlert>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvoiceLine {
    pub line_no: i32,
    pub ingredient_id: Option<Uuid>,
    pub ingredient: Option<String>,
    pub base_unit: Option<String>,
    pub description: String,
    #[schema(value_type = String)]
    pub packs: Decimal,
    #[schema(value_type = String)]
    pub pack_price: Decimal,
    #[schema(value_type = Option<String>)]
    pub pack_size: Option<Decimal>,
    /// packs × pack size, in the base unit.
    #[schema(value_type = Option<String>)]
    pub quantity: Option<Decimal>,
    /// Per base unit.
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<Decimal>,
    #[schema(value_type = String)]
    pub amount: Decimal,
    #[schema(value_type = Option<String>)]
    pub credit_reason: Option<CreditReason>,
    /// The ingredient's cost per base unit before this invoice.
    #[schema(value_type = Option<String>)]
    pub previous_unit_cost: Option<Decimal>,
}

/// A price that rose by more than [`PRICE_ALERT_PERCENT`].
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PriceAlert {
    pub ingredient_id: Uuid,
    pub ingredient: String,
    #[schema(value_type = String)]
    pub previous_unit_cost: Decimal,
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
    #[schema(value_type = String)]
    pub percent: Decimal,
}

/// The three-way match of an invoice with its credit notes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Matched {
    pub invoice: Invoice,
    pub credit_notes: Vec<Invoice>,
    /// The order's status when the invoice names one.
    #[schema(value_type = Option<String>)]
    pub order_status: Option<OrderStatus>,
    #[schema(value_type = Vec<Object>)]
    pub lines: Vec<engine::Line<Uuid>>,
    #[schema(value_type = String)]
    pub net_amount: Decimal,
    /// What the supplier still owes back for goods billed and not received.
    #[schema(value_type = String)]
    pub credit_due: Decimal,
    pub clean: bool,
    /// A credit note that would settle `credit_due`, ready to send.
    pub suggested_credit: Vec<SuggestedCredit>,
    /// Other invoices naming the same purchase order: the order may be
    /// billed twice.
    pub other_invoices: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuggestedCredit {
    pub ingredient_id: Uuid,
    pub description: String,
    #[schema(value_type = String)]
    pub packs: Decimal,
    #[schema(value_type = String)]
    pub pack_price: Decimal,
    #[schema(value_type = String)]
    pub pack_size: Decimal,
    #[schema(value_type = String)]
    pub amount: Decimal,
    #[schema(value_type = String, example = "shortage")]
    pub credit_reason: CreditReason,
}

fn from_rows(row: InvoiceRow, lines: Vec<InvoiceLineRow>) -> Invoice {
    let mut price_alerts = Vec::new();
    let lines: Vec<InvoiceLine> = lines
        .into_iter()
        .map(|l| {
            let quantity = l.pack_base_units.and_then(|s| l.packs.checked_mul(s));
            let unit_price = l
                .pack_base_units
                .and_then(|s| l.pack_price.checked_div(s))
                .map(|p| p.round_dp(6).normalize());
            InvoiceLine {
                line_no: l.line_no,
                ingredient_id: l.ingredient_id,
                ingredient: l.ingredient,
                base_unit: l.base_unit,
                description: l.description,
                packs: l.packs.normalize(),
                pack_price: l.pack_price.normalize(),
                pack_size: l.pack_base_units.map(|d| d.normalize()),
                quantity: quantity.map(|d| d.normalize()),
                unit_price,
                amount: l.amount.normalize(),
                credit_reason: l.credit_reason.0,
                previous_unit_cost: l.previous_unit_cost.map(|d| d.normalize()),
            }
        })
        .collect();
    if row.kind == InvoiceKind::Invoice {
        for (id, (name, previous, price)) in weighted_prices(&lines) {
            if let Some(percent) = engine::price_rise(previous, price, PRICE_ALERT_PERCENT) {
                price_alerts.push(PriceAlert {
                    ingredient_id: id,
                    ingredient: name,
                    previous_unit_cost: previous.normalize(),
                    unit_cost: price,
                    percent,
                });
            }
        }
    }
    Invoice {
        id: row.invoice_id,
        kind: row.kind,
        supplier_id: row.supplier_id,
        supplier: row.supplier_name,
        number: row.number,
        invoice_date: row.invoice_date,
        purchase_order_id: row.purchase_order_id,
        credits_invoice_id: row.credits_invoice_id,
        note: row.note,
        total: row.total.normalize(),
        lines,
        price_alerts,
    }
}

/// Per ingredient of an invoice: its name, the cost before the invoice and
/// the quantity-weighted invoiced cost per base unit (to 6 places).
fn weighted_prices(lines: &[InvoiceLine]) -> BTreeMap<Uuid, (String, Decimal, Decimal)> {
    let mut sums: BTreeMap<Uuid, (String, Decimal, Decimal, Decimal)> = BTreeMap::new();
    for l in lines {
        let (Some(id), Some(q), Some(p)) = (l.ingredient_id, l.quantity, l.unit_price) else {
            continue;
        };
        let slot = sums.entry(id).or_insert_with(|| {
            (
                l.ingredient.clone().unwrap_or_default(),
                l.previous_unit_cost.unwrap_or_default(),
                Decimal::ZERO,
                Decimal::ZERO,
            )
        });
        slot.2 += q;
        slot.3 += q * p;
    }
    sums.into_iter()
        .filter(|(_, s)| !s.2.is_zero())
        .map(|(id, (name, previous, q, v))| (id, (name, previous, (v / q).round_dp(6).normalize())))
        .collect()
}

/// One document with its lines; not found when it is not this restaurant's.
pub async fn get(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<Invoice> {
    let row = flux_store::invoices::get(conn, rid, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let lines = flux_store::invoices::lines_of(conn, rid, &[id]).await?;
    Ok(from_rows(row, lines))
}

/// A page of documents, newest first (two queries whatever the size).
pub async fn list(
    conn: &mut PgConnection,
    rid: Uuid,
    supplier: Option<Uuid>,
    before: Option<(NaiveDate, Uuid)>,
    limit: i64,
) -> Result<Vec<Invoice>> {
    let rows = flux_store::invoices::list(conn, rid, supplier, before, limit).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.invoice_id).collect();
    let mut lines: HashMap<Uuid, Vec<InvoiceLineRow>> = HashMap::new();
    for l in flux_store::invoices::lines_of(conn, rid, &ids).await? {
        lines.entry(l.invoice_id).or_default().push(l);
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let l = lines.remove(&r.invoice_id).unwrap_or_default();
            from_rows(r, l)
        })
        .collect())
}

/// Checks the header fields every document has.
fn check_header(number: &str, note: Option<&str>, lines: usize, errors: &mut Vec<FieldError>) {
    let number = number.trim();
    if number.is_empty() || number.chars().count() > 60 || number.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "number",
            "invalid",
            "give the supplier's number, at most 60 characters",
        ));
    }
    if note
        .is_some_and(|n| n.chars().count() > 500 || n.chars().any(|c| c.is_control() && c != '\n'))
    {
        errors.push(FieldError::new(
            "note",
            "invalid",
            "at most 500 characters without control characters",
        ));
    }
    if lines == 0 {
        errors.push(FieldError::new(
            "lines",
            "required",
            "a document needs at least one line",
        ));
    }
    if lines > MAX_LINES {
        errors.push(FieldError::new(
            "lines",
            "too_many",
            format!("at most {MAX_LINES} lines"),
        ));
    }
}

/// Pack sizes known for each ingredient: the order's line first, then the
/// supplier's offer.
async fn known_pack_sizes(
    conn: &mut PgConnection,
    rid: Uuid,
    supplier: Uuid,
    order: Option<Uuid>,
) -> Result<HashMap<Uuid, Decimal>> {
    let mut sizes: HashMap<Uuid, Decimal> = flux_store::purchasing::offers(conn, rid)
        .await?
        .into_iter()
        .filter(|o| o.supplier_id == supplier)
        .map(|o| (o.ingredient_id, o.pack_base_units))
        .collect();
    if let Some(order) = order {
        for l in flux_store::purchasing::order_lines(conn, rid, order).await? {
            sizes.insert(l.ingredient_id, l.pack_base_units);
        }
    }
    Ok(sizes)
}

/// The words of a name as compared: alphanumeric runs, lower-case, with
/// accents and a plural `s` folded ("TOMATOES, vine" → tomato vine).
fn words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .map(flux_ingest::normalize_header)
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.len() > 3 && w.ends_with("oes") {
                w[..w.len() - 2].to_owned()
            } else if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
                w[..w.len() - 1].to_owned()
            } else {
                w
            }
        })
        .collect()
}

/// The ingredient a printed description names: all of the ingredient's
/// words in a row ("TOMATOES VINE 5KG" → Tomato), the longest such name,
/// preferring what this supplier offers.
pub fn match_description(
    kitchen: &Kitchen,
    offered: &HashMap<Uuid, Decimal>,
    description: &str,
) -> Option<Uuid> {
    let printed = words(description);
    if printed.is_empty() {
        return None;
    }
    kitchen
        .rows
        .ingredients
        .iter()
        .filter_map(|i| {
            let theirs = words(&i.name);
            let found = !theirs.is_empty()
                && printed
                    .windows(theirs.len())
                    .any(|w| w == theirs.as_slice());
            found.then_some((i, theirs.len()))
        })
        .max_by_key(|(i, n)| {
            (
                offered.contains_key(&i.ingredient_id),
                *n,
                std::cmp::Reverse(i.name_key.clone()),
            )
        })
        .map(|(i, _)| i.ingredient_id)
}

/// Validates lines and resolves ingredients and pack sizes; every problem
/// is reported at once.
fn resolve_lines(
    kitchen: &Kitchen,
    sizes: &HashMap<Uuid, Decimal>,
    lines: &[LineInput],
    credit: bool,
    errors: &mut Vec<FieldError>,
) -> Vec<NewInvoiceLine> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let field = |f: &str| format!("lines.{i}.{f}");
        let description = l
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty());
        let ingredient = match l.ingredient_id {
            Some(id) => match kitchen.ingredient(id) {
                Some(row) => Some(row),
                None => {
                    errors.push(FieldError::new(
                        field("ingredient_id"),
                        "unknown",
                        "no such ingredient in this restaurant",
                    ));
                    continue;
                }
            },
            None => description
                .and_then(|d| match_description(kitchen, sizes, d))
                .and_then(|id| kitchen.ingredient(id)),
        };
        let Some(description) = description
            .map(str::to_owned)
            .or_else(|| ingredient.map(|r| r.name.clone()))
        else {
            errors.push(FieldError::new(
                field("description"),
                "required",
                "give an ingredient or a description",
            ));
            continue;
        };
        if description.chars().count() > 200 || description.chars().any(char::is_control) {
            errors.push(FieldError::new(
                field("description"),
                "invalid",
                "at most 200 characters without control characters",
            ));
            continue;
        }
        if l.packs <= Decimal::ZERO || l.packs > Decimal::from(1_000_000) {
            errors.push(FieldError::new(
                field("packs"),
                "out_of_range",
                "must be more than 0 and at most 1000000",
            ));
            continue;
        }
        if l.pack_price < Decimal::ZERO || l.pack_price > Decimal::from(1_000_000) {
            errors.push(FieldError::new(
                field("pack_price"),
                "out_of_range",
                "must be from 0 to 1000000",
            ));
            continue;
        }
        if l.pack_size
            .is_some_and(|s| s <= Decimal::ZERO || s > Decimal::from(1_000_000))
        {
            errors.push(FieldError::new(
                field("pack_size"),
                "out_of_range",
                "must be more than 0 and at most 1000000",
            ));
            continue;
        }
        let pack_size = match ingredient {
            None => None,
            Some(row) => match l
                .pack_size
                .or_else(|| sizes.get(&row.ingredient_id).copied())
            {
                Some(s) => Some(s),
                None => {
                    errors.push(FieldError::new(
                        field("pack_size"),
                        "required",
                        format!(
                            "neither the order nor an offer of this supplier says how many {} a pack of {} holds",
                            row.base_unit, row.name
                        ),
                    ));
                    continue;
                }
            },
        };
        match (credit, l.credit_reason) {
            (true, None) => {
                errors.push(FieldError::new(
                    field("credit_reason"),
                    "required",
                    "say why the line is credited: shortage, return, price or damaged",
                ));
                continue;
            }
            (false, Some(_)) => {
                errors.push(FieldError::new(
                    field("credit_reason"),
                    "not_credit",
                    "only credit notes have a credit reason",
                ));
                continue;
            }
            _ => {}
        }
        if credit && l.credit_reason == Some(CreditReason::Return) && ingredient.is_none() {
            errors.push(FieldError::new(
                field("ingredient_id"),
                "required",
                "a return takes goods out of stock: name the ingredient",
            ));
            continue;
        }
        let amount = match l.amount {
            Some(a) if a.abs() > Decimal::from(100_000_000) || a.normalize().scale() > 4 => {
                errors.push(FieldError::new(
                    field("amount"),
                    "out_of_range",
                    "at most 100000000, with at most 4 decimals",
                ));
                continue;
            }
            Some(a) => a,
            None => (l.packs * l.pack_price).round_dp(2),
        };
        out.push(NewInvoiceLine {
            ingredient_id: ingredient.map(|r| r.ingredient_id),
            description,
            packs: l.packs.normalize(),
            pack_price: l.pack_price.normalize(),
            pack_base_units: pack_size.map(|d| d.normalize()),
            amount: amount.normalize(),
            credit_reason: l.credit_reason,
            previous_unit_cost: None,
        });
    }
    out
}

fn number_taken(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(c) if c == "supplier_invoices_number_unique" => Invalid::one(
            "number",
            "taken",
            "this supplier already has a document with this number",
        )
        .into(),
        other => other.into(),
    }
}

/// Records an invoice: stores it as printed, then moves each ingredient's
/// price history to the invoiced cost per base unit from the invoice date.
pub async fn record(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    input: &InvoiceInput,
    recorded_by: Option<Uuid>,
) -> Result<Invoice> {
    let mut errors = Vec::new();
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    check_header(&input.number, note, input.lines.len(), &mut errors);
    if flux_store::purchasing::get_supplier(conn, rid, input.supplier_id)
        .await?
        .is_none()
    {
        errors.push(FieldError::new(
            "supplier_id",
            "unknown",
            "no such supplier in this restaurant",
        ));
        return Err(Invalid(errors).into());
    }
    if let Some(order) = input.purchase_order_id {
        match flux_store::purchasing::get_order(conn, rid, order).await? {
            None => errors.push(FieldError::new(
                "purchase_order_id",
                "unknown",
                "no such purchase order in this restaurant",
            )),
            Some(o) if o.supplier_id != input.supplier_id => errors.push(FieldError::new(
                "purchase_order_id",
                "other_supplier",
                format!("that order is to {}", o.supplier_name),
            )),
            Some(_) => {}
        }
    }
    let sizes = if errors.is_empty() {
        known_pack_sizes(conn, rid, input.supplier_id, input.purchase_order_id).await?
    } else {
        HashMap::new()
    };
    let mut lines = resolve_lines(kitchen, &sizes, &input.lines, false, &mut errors);
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    // The price before this invoice, for the alert and its explanation:
    // the one in effect on the invoice date, from the loaded price history
    // (as waste is costed), so no query per line.
    let previous: HashMap<Uuid, Option<Decimal>> = lines
        .iter()
        .filter_map(|l| l.ingredient_id)
        .map(|id| {
            let cost = kitchen.ingredient(id).and_then(|row| {
                crate::inventory::waste::ingredient_value(
                    kitchen,
                    &row.name,
                    Decimal::ONE,
                    input.invoice_date,
                )
            });
            (id, cost)
        })
        .collect();
    for l in &mut lines {
        l.previous_unit_cost = l
            .ingredient_id
            .and_then(|id| previous.get(&id).copied().flatten());
    }
    let id = flux_store::invoices::insert(
        conn,
        rid,
        &NewInvoice {
            supplier_id: input.supplier_id,
            kind: InvoiceKind::Invoice,
            number: input.number.trim(),
            invoice_date: input.invoice_date,
            purchase_order_id: input.purchase_order_id,
            credits_invoice_id: None,
            note,
            recorded_by,
        },
        &lines,
    )
    .await
    .map_err(number_taken)?;
    let invoice = get(conn, rid, id).await?;
    for (ingredient, (_, _, price)) in weighted_prices(&invoice.lines) {
        // A free sample or a line given away is not the ingredient's price.
        if price > Decimal::ZERO && previous.get(&ingredient).copied().flatten() != Some(price) {
            flux_store::costing::set_cost(
                conn,
                rid,
                ingredient,
                input.invoice_date,
                price,
                kitchen.today,
            )
            .await?;
        }
    }
    Ok(invoice)
}

/// Records a credit note against an invoice; its return lines take the
/// goods out of stock on the credit note's date.
pub async fn credit(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    invoice_id: Uuid,
    input: &CreditInput,
    recorded_by: Option<Uuid>,
) -> Result<Invoice> {
    let invoice = get(conn, rid, invoice_id).await?;
    if invoice.kind != InvoiceKind::Invoice {
        return Err(AppError::new(
            crate::Kind::Conflict,
            "a credit note corrects an invoice, not another credit note",
        ));
    }
    let mut errors = Vec::new();
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    check_header(&input.number, note, input.lines.len(), &mut errors);
    let mut sizes =
        known_pack_sizes(conn, rid, invoice.supplier_id, invoice.purchase_order_id).await?;
    for l in &invoice.lines {
        if let (Some(id), Some(s)) = (l.ingredient_id, l.pack_size) {
            sizes.insert(id, s);
        }
    }
    let lines = resolve_lines(kitchen, &sizes, &input.lines, true, &mut errors);
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let id = flux_store::invoices::insert(
        conn,
        rid,
        &NewInvoice {
            supplier_id: invoice.supplier_id,
            kind: InvoiceKind::CreditNote,
            number: input.number.trim(),
            invoice_date: input.date,
            purchase_order_id: invoice.purchase_order_id,
            credits_invoice_id: Some(invoice.id),
            note,
            recorded_by,
        },
        &lines,
    )
    .await
    .map_err(number_taken)?;
    for l in &lines {
        let (Some(ingredient), Some(size), Some(CreditReason::Return)) =
            (l.ingredient_id, l.pack_base_units, l.credit_reason)
        else {
            continue;
        };
        let quantity = l.packs.checked_mul(size).ok_or_else(|| {
            AppError::from(Invalid::one("lines", "out_of_range", "quantity too large"))
        })?;
        flux_store::purchasing::insert_event(
            conn,
            rid,
            &flux_store::purchasing::NewEvent {
                ingredient_id: ingredient,
                kind: Kind::Return.as_str(),
                date: input.date,
                quantity: quantity.normalize(),
                note: Some("returned to the supplier"),
                purchase_order_id: invoice.purchase_order_id,
                reason: None,
                transfer_id: None,
                invoice_id: Some(id),
            },
        )
        .await?;
    }
    get(conn, rid, id).await
}

/// The three-way match of an invoice (ordered, received, invoiced net of
/// its credit notes).
pub async fn matched(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<Matched> {
    let invoice = get(conn, rid, id).await?;
    if invoice.kind != InvoiceKind::Invoice {
        return Err(AppError::new(
            crate::Kind::Conflict,
            "only invoices are matched; open the invoice this credit note corrects",
        ));
    }
    let notes = flux_store::invoices::credit_notes_of(conn, rid, id).await?;
    let note_ids: Vec<Uuid> = notes.iter().map(|n| n.invoice_id).collect();
    let mut note_lines: HashMap<Uuid, Vec<InvoiceLineRow>> = HashMap::new();
    for l in flux_store::invoices::lines_of(conn, rid, &note_ids).await? {
        note_lines.entry(l.invoice_id).or_default().push(l);
    }
    let credit_notes: Vec<Invoice> = notes
        .into_iter()
        .map(|n| {
            let l = note_lines.remove(&n.invoice_id).unwrap_or_default();
            from_rows(n, l)
        })
        .collect();

    // Goods sent back or thrown away on arrival were received and then
    // left: they are compared as not received.
    let gone_back = |l: &&InvoiceLine| {
        matches!(
            l.credit_reason,
            Some(CreditReason::Return | CreditReason::Damaged)
        )
    };
    let mut returned: HashMap<Uuid, Decimal> = HashMap::new();
    for l in credit_notes
        .iter()
        .flat_map(|n| n.lines.iter())
        .filter(gone_back)
    {
        if let (Some(id), Some(q)) = (l.ingredient_id, l.quantity) {
            *returned.entry(id).or_default() += q;
        }
    }
    let mut ordered: Vec<Ordered<Uuid>> = Vec::new();
    let mut order_status = None;
    let mut other_invoices = Vec::new();
    if let Some(order) = invoice.purchase_order_id {
        let o = crate::purchasing::orders::get(conn, rid, order).await?;
        order_status = Some(o.status);
        let received = o.status == OrderStatus::Received;
        // One entry per ingredient: an order may list one twice.
        for l in &o.lines {
            let got = received.then(|| l.received_quantity.unwrap_or(Decimal::ZERO));
            match ordered.iter_mut().find(|e| e.key == l.ingredient_id) {
                Some(e) => {
                    let total = e.quantity + l.quantity;
                    if !total.is_zero() {
                        e.unit_price = (e.unit_price * e.quantity + l.cost) / total;
                    }
                    e.quantity = total;
                    e.received = e.received.zip(got).map(|(a, b)| a + b);
                }
                None => ordered.push(Ordered {
                    key: l.ingredient_id,
                    name: l.ingredient.clone(),
                    quantity: l.quantity,
                    unit_price: l
                        .pack_price
                        .checked_div(l.pack_base_units)
                        .unwrap_or_default(),
                    received: got,
                    returned: returned.get(&l.ingredient_id).copied().unwrap_or_default(),
                }),
            }
        }
        other_invoices = flux_store::invoices::for_order(conn, rid, order)
            .await?
            .into_iter()
            .filter(|v| v.invoice_id != invoice.id && v.kind == InvoiceKind::Invoice)
            .map(|v| v.number)
            .collect();
    }
    // The exact price per base unit (the stored line's is rounded for
    // display), so quantity × price gives back the printed amount.
    let billed = |l: &InvoiceLine| Billed {
        key: l.ingredient_id,
        description: l
            .ingredient
            .clone()
            .unwrap_or_else(|| l.description.clone()),
        quantity: l.quantity.unwrap_or(l.packs),
        unit_price: l
            .pack_size
            .and_then(|s| l.pack_price.checked_div(s))
            .unwrap_or(l.pack_price),
        amount: l.amount,
    };
    let invoiced: Vec<Billed<Uuid>> = invoice.lines.iter().map(billed).collect();
    let credited: Vec<Billed<Uuid>> = credit_notes
        .iter()
        .flat_map(|n| n.lines.iter())
        .filter(|l| l.credit_reason != Some(CreditReason::Price))
        .map(billed)
        .collect();
    // Price credits lower the money owed but not the quantity billed.
    let price_credits: Decimal = credit_notes
        .iter()
        .flat_map(|n| n.lines.iter())
        .filter(|l| l.credit_reason == Some(CreditReason::Price))
        .map(|l| l.amount)
        .sum();
    let m = engine::match_invoice(&ordered, &invoiced, &credited);
    let suggested_credit = m
        .lines
        .iter()
        .filter_map(|line| {
            let key = line.key?;
            let (quantity, amount) = line.issues.iter().find_map(|i| match i {
                engine::Issue::BilledNotReceived { quantity, amount } => Some((*quantity, *amount)),
                _ => None,
            })?;
            let printed = invoice
                .lines
                .iter()
                .find(|l| l.ingredient_id == Some(key))?;
            let size = printed.pack_size?;
            Some(SuggestedCredit {
                ingredient_id: key,
                description: printed.description.clone(),
                packs: quantity.checked_div(size)?.round_dp(4).normalize(),
                pack_price: printed.pack_price,
                pack_size: size,
                amount,
                credit_reason: CreditReason::Shortage,
            })
        })
        .collect();
    Ok(Matched {
        invoice,
        credit_notes,
        order_status,
        net_amount: (m.net_amount - price_credits).normalize(),
        credit_due: m.credit_due,
        clean: m.clean && other_invoices.is_empty(),
        lines: m.lines,
        suggested_credit,
        other_invoices,
    })
}

/// Deletes a document with its credit notes and the returns they
/// recorded. The prices it put into ingredients' histories stay there: a
/// later price corrects them, and deleting a paper record must not move
/// today's costs behind the operator's back.
pub async fn delete(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<()> {
    if flux_store::invoices::delete(conn, rid, id).await? {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// The most bytes an imported invoice file may have.
pub const MAX_CSV_BYTES: usize = 2 * 1024 * 1024;

/// Reads a supplier's invoice CSV into lines: a header naming at least a
/// description, a quantity and a unit price or amount (in English,
/// Spanish, French or German, as suppliers print them), comma-, semicolon-
/// or tab-separated, UTF-8 or Windows-1252. Rows without a description or
/// quantity (subtotals, VAT, totals) are skipped and counted.
pub fn parse_csv(bytes: &[u8]) -> Result<(Vec<LineInput>, usize)> {
    use flux_ingest::numbers::{parse_decimal, DecimalSeparator};
    if bytes.is_empty() {
        return Err(AppError::new(crate::Kind::EmptyFile, "the file is empty"));
    }
    if bytes.len() > MAX_CSV_BYTES {
        return Err(AppError::new(
            crate::Kind::InvalidFile,
            format!("an invoice file has at most {MAX_CSV_BYTES} bytes"),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => flux_ingest::TextEncoding::Windows1252.decode(bytes).0,
    };
    let first = text.lines().next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let sep = DecimalSeparator::infer(delimiter, None);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        _ => return Err(AppError::new(crate::Kind::InvalidFile, "no header row")),
    };
    let find = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(&flux_ingest::normalize_header(h).as_str()))
    };
    let description = find(&[
        "description",
        "item",
        "product",
        "article",
        "name",
        "itemdescription",
        "productname",
        "productdescription",
        "descripcion",
        "articulo",
        "producto",
        "designation",
        "libelle",
        "bezeichnung",
        "artikel",
    ]);
    let quantity = find(&[
        "qty",
        "quantity",
        "qtyshipped",
        "quantityshipped",
        "shipped",
        "cases",
        "units",
        "qtyinvoiced",
        "cantidad",
        "unidades",
        "quantite",
        "qte",
        "menge",
        "anzahl",
    ]);
    let price = find(&[
        "unitprice",
        "price",
        "priceeach",
        "unitcost",
        "rate",
        "caseprice",
        "packprice",
        "preciounitario",
        "precio",
        "prixunitaire",
        "prix",
        "einzelpreis",
        "preis",
    ]);
    let amount = find(&[
        "amount",
        "total",
        "linetotal",
        "extended",
        "extprice",
        "extendedprice",
        "netamount",
        "value",
        "importe",
        "montant",
        "betrag",
        "gesamt",
    ]);
    let pack_size = find(&["packsize", "packbaseunits", "unitsperpack"]);
    let (Some(description), Some(quantity)) = (description, quantity) else {
        let found: Vec<&str> = header.iter().collect();
        return Err(AppError::new(
            crate::Kind::UnrecognisedLayout,
            format!(
                "an invoice file needs a description and a quantity column; found {}",
                found.join(", ")
            ),
        ));
    };
    if price.is_none() && amount.is_none() {
        return Err(AppError::new(
            crate::Kind::UnrecognisedLayout,
            "an invoice file needs a unit price or an amount column",
        ));
    }
    let mut lines = Vec::new();
    let mut skipped = 0;
    let mut errors = Vec::new();
    for (n, record) in records.enumerate() {
        let row = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(FieldError::new(
                    format!("row {row}"),
                    "invalid",
                    e.to_string(),
                ));
                continue;
            }
        };
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).map(str::trim).unwrap_or("");
        let number = |i: Option<usize>| parse_decimal(cell(i), sep);
        let text = cell(Some(description));
        let packs = number(Some(quantity));
        let (Some(packs), false) = (packs, text.is_empty()) else {
            skipped += 1;
            continue;
        };
        if packs <= Decimal::ZERO {
            skipped += 1;
            continue;
        }
        let amount = number(amount);
        let Some(pack_price) = number(price).or_else(|| {
            amount
                .and_then(|a| a.checked_div(packs))
                .map(|p| p.round_dp(4))
        }) else {
            errors.push(FieldError::new(
                format!("row {row}"),
                "no_price",
                "neither a unit price nor an amount",
            ));
            continue;
        };
        lines.push(LineInput {
            ingredient_id: None,
            description: Some(text.to_owned()),
            packs,
            pack_price,
            pack_size: number(pack_size),
            amount,
            credit_reason: None,
        });
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    if lines.is_empty() {
        return Err(AppError::new(
            crate::Kind::NoValidRows,
            "no row of the file has a description, a quantity and a price",
        ));
    }
    Ok((lines, skipped))
}

/// Lines of an invoice read from a photo or PDF with the local OCR
/// (`flux_menuscan::invoice`): rows whose numbers multiply out. Nothing is
/// stored; the caller records them like an entered invoice.
pub async fn read_photo(
    bytes: &[u8],
    locale: &str,
    readers: &crate::menu_photos::Readers,
) -> Result<Vec<LineInput>> {
    let words = crate::menu_photos::read_words(
        bytes,
        locale,
        readers,
        crate::menu_photos::PhotoLimits::default(),
    )
    .await?;
    let rows = flux_menuscan::invoice::parse_invoice(&words);
    if rows.is_empty() {
        return Err(AppError::new(
            crate::Kind::NoValidRows,
            "no line with a description, a quantity and a price was read; try a sharper, straighter photo of one page",
        ));
    }
    Ok(rows
        .into_iter()
        .map(|r| LineInput {
            ingredient_id: None,
            description: Some(r.description.chars().take(200).collect()),
            packs: r.quantity,
            pack_price: r.unit_price,
            pack_size: None,
            amount: Some(r.amount),
            credit_reason: None,
        })
        .collect())
}

/// The lines of an invoice file: a photo or PDF through the OCR, anything
/// else as CSV; with the count of summary rows a CSV skipped.
pub async fn read_file(
    bytes: &[u8],
    locale: &str,
    readers: &crate::menu_photos::Readers,
) -> Result<(Vec<LineInput>, usize)> {
    if crate::menu_photos::is_image_or_pdf(bytes) {
        Ok((read_photo(bytes, locale, readers).await?, 0))
    } else {
        parse_csv(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_supplier_csv_becomes_lines_and_skips_its_totals() {
        let csv = "Item Code,Description,Qty,Unit Price,Ext Price\n\
                   T-5,TOMATOES VINE 5KG,2,11.50,23.00\n\
                   C-1,\"Cream, double 1L\",6,3.52,21.12\n\
                   ,Subtotal,,,44.12\n\
                   ,VAT 10%,,,4.41\n";
        let (lines, skipped) = parse_csv(csv.as_bytes()).expect("parsed");
        assert_eq!(skipped, 2);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].description.as_deref(), Some("Cream, double 1L"));
        assert_eq!(lines[1].packs, Decimal::from(6));
        assert_eq!(lines[1].pack_price, Decimal::new(352, 2));
        assert_eq!(lines[1].amount, Some(Decimal::new(2112, 2)));
    }

    #[test]
    fn a_european_csv_with_decimal_commas_and_only_amounts() {
        let csv = "Descripción;Cantidad;Importe\nHarina 25 kg;2;38,50\n";
        let (lines, _) = parse_csv(csv.as_bytes()).expect("parsed");
        assert_eq!(lines[0].pack_price, Decimal::new(1925, 2));
    }

    #[test]
    fn a_windows_1252_file_keeps_its_accents() {
        // "Jamón ibérico" in Windows-1252: not valid UTF-8.
        let mut bytes = b"Producto;Cantidad;Importe\nJam".to_vec();
        bytes.extend_from_slice(&[0xF3]);
        bytes.extend_from_slice(b"n ib");
        bytes.extend_from_slice(&[0xE9]);
        bytes.extend_from_slice(b"rico;1;42,00\n");
        let (lines, _) = parse_csv(&bytes).expect("parsed");
        assert_eq!(lines[0].description.as_deref(), Some("Jamón ibérico"));
        assert_eq!(lines[0].amount, Some(Decimal::from(42)));
    }

    #[test]
    fn an_oversized_or_empty_file_is_refused_before_it_is_read() {
        let huge = vec![b'a'; MAX_CSV_BYTES + 1];
        assert_eq!(
            parse_csv(&huge).expect_err("too big").kind(),
            Some(crate::Kind::InvalidFile)
        );
        assert_eq!(
            parse_csv(b"").expect_err("empty").kind(),
            Some(crate::Kind::EmptyFile)
        );
    }

    #[test]
    fn a_file_without_the_needed_columns_names_what_it_found() {
        let e = parse_csv(b"Date,Reference\n2026-01-01,X\n").expect_err("refused");
        assert!(e.to_string().contains("Date, Reference"), "{e}");
    }
}
