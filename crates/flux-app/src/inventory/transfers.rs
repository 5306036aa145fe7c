//! Stock moved between two restaurants where the user holds a role: sent
//! directly, or requested by the receiving restaurant (a central kitchen's
//! outlets ordering its preps) and then sent by the kitchen.
//!
//! Both sides are written in the caller's one transaction: the use case
//! writes its own restaurant's side, switches the transaction's tenant to
//! the other restaurant (after checking the user's role there), writes that
//! side, and switches back. Row-level security sees each write under the
//! tenant it belongs to, so neither restaurant can read the other's rows;
//! a failure on either side rolls both back.
//!
//! What moves is valued at the sender's cost on the transfer day. The
//! sender sends ingredients or preps (recipes without a menu item); a
//! prep's ingredients leave the sender's stock inside it, one
//! `transfer_out` event per ingredient through the recipe. The receiver
//! always receives an ingredient of the same name (the outlet buys the
//! kitchen's tomato sauce as an ingredient), converted to its base unit.

use std::collections::HashMap;

use chrono::NaiveDate;
use flux_costing::Unit;
use flux_domain::role::Action;
use flux_domain::{FieldError, Invalid};
use flux_store::status::{TransferDirection, TransferStatus};
use flux_store::transfers::{NewLine, NewSide, TransferLineRow, TransferRow};
use flux_store::PgConnection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::costing::Kitchen;
use crate::inventory::waste::{exploded, ingredient_value, recipe_value};
use crate::inventory::Result;
use crate::purchasing::stock::Kind;
use crate::{AppError, Kind as ErrorKind};

/// The most lines one transfer holds.
pub const MAX_LINES: usize = 200;

/// One line as entered: an ingredient or a prep of the restaurant acting,
/// in its base unit (a prep: its yield unit).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct LineInput {
    #[serde(default)]
    pub ingredient_id: Option<Uuid>,
    /// A prep recipe (sending only).
    #[serde(default)]
    pub recipe_id: Option<Uuid>,
    #[schema(value_type = String, example = "4")]
    pub quantity: Decimal,
}

/// A transfer as entered by the restaurant acting.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TransferInput {
    /// The other restaurant: where goods go (send) or come from (request).
    pub restaurant_id: Uuid,
    /// Default: the acting restaurant's today.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub note: Option<String>,
    pub lines: Vec<LineInput>,
}

/// One restaurant's side of a transfer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Transfer {
    pub id: Uuid,
    #[schema(value_type = String, example = "out")]
    pub direction: TransferDirection,
    #[schema(value_type = String, example = "sent")]
    pub status: TransferStatus,
    pub counterpart_id: Uuid,
    pub counterpart: String,
    pub date: NaiveDate,
    pub note: Option<String>,
    pub lines: Vec<TransferLine>,
    /// Σ quantity × unit cost, once sent.
    #[schema(value_type = Option<String>)]
    pub value: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransferLine {
    pub line_no: i32,
    pub ingredient_id: Option<Uuid>,
    pub recipe_id: Option<Uuid>,
    pub name: String,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    pub unit: String,
    #[schema(value_type = Option<String>)]
    pub unit_cost: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub value: Option<Decimal>,
}

fn from_rows(row: TransferRow, lines: Vec<TransferLineRow>) -> Transfer {
    let lines: Vec<TransferLine> = lines
        .into_iter()
        .map(|l| TransferLine {
            value: l
                .unit_cost
                .and_then(|c| c.checked_mul(l.quantity))
                .map(|v| v.round_dp(2).normalize()),
            line_no: l.line_no,
            ingredient_id: l.ingredient_id,
            recipe_id: l.recipe_id,
            name: l.name,
            quantity: l.quantity.normalize(),
            unit: l.unit,
            unit_cost: l.unit_cost.map(|c| c.round_dp(6).normalize()),
        })
        .collect();
    let value = lines
        .iter()
        .try_fold(Decimal::ZERO, |t, l| t.checked_add(l.value?))
        .filter(|_| row.status == TransferStatus::Sent);
    Transfer {
        id: row.transfer_id,
        direction: row.direction,
        status: row.status,
        counterpart_id: row.counterpart_id,
        counterpart: row.counterpart_name,
        date: row.transfer_date,
        note: row.note,
        lines,
        value,
    }
}

pub async fn get(conn: &mut PgConnection, rid: Uuid, id: Uuid) -> Result<Transfer> {
    let row = flux_store::transfers::get(conn, rid, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let lines = flux_store::transfers::lines_of(conn, rid, &[id]).await?;
    Ok(from_rows(row, lines))
}

/// A page of this restaurant's transfers, newest first.
pub async fn list(
    conn: &mut PgConnection,
    rid: Uuid,
    before: Option<(NaiveDate, Uuid)>,
    limit: i64,
) -> Result<Vec<Transfer>> {
    let rows = flux_store::transfers::list(conn, rid, before, limit).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.transfer_id).collect();
    let mut lines: HashMap<Uuid, Vec<TransferLineRow>> = HashMap::new();
    for l in flux_store::transfers::lines_of(conn, rid, &ids).await? {
        lines.entry(l.transfer_id).or_default().push(l);
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let l = lines.remove(&r.transfer_id).unwrap_or_default();
            from_rows(r, l)
        })
        .collect())
}

/// The other restaurant's name, when the user may write its stock; the
/// same answer (not found) whether it does not exist or is not theirs.
async fn counterpart(
    conn: &mut PgConnection,
    user_id: Uuid,
    acting: Uuid,
    other: Uuid,
) -> Result<String> {
    if other == acting {
        return Err(Invalid::one(
            "restaurant_id",
            "same_restaurant",
            "a transfer goes to another restaurant",
        )
        .into());
    }
    let mine = crate::restaurants::mine(conn, user_id).await?;
    let Some(r) = mine
        .into_iter()
        .find(|r| r.restaurant.restaurant_id == other)
    else {
        return Err(Invalid::one(
            "restaurant_id",
            "unknown",
            "no restaurant of yours has this id",
        )
        .into());
    };
    if !r.role.can(Action::WriteData) {
        return Err(AppError::new(
            ErrorKind::Forbidden,
            format!(
                "your role in {} ({}) does not allow moving its stock",
                r.restaurant.name, r.role
            ),
        ));
    }
    Ok(r.restaurant.name)
}

/// The acting restaurant's own name.
async fn own_name(conn: &mut PgConnection, rid: Uuid) -> Result<String> {
    Ok(crate::restaurants::get(conn, rid).await?.name)
}

fn check_common(note: Option<&str>, lines: usize, errors: &mut Vec<FieldError>) {
    if note.is_some_and(|n| n.chars().count() > 500) {
        errors.push(FieldError::new(
            "note",
            "too_long",
            "at most 500 characters",
        ));
    }
    if lines == 0 {
        errors.push(FieldError::new(
            "lines",
            "required",
            "a transfer needs at least one line",
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

/// From 0.0001 to a million, with at most 4 decimals: products and
/// conversions stay far from Decimal's limits and never round to zero.
fn quantity_ok(q: Decimal) -> bool {
    q >= Decimal::new(1, 4) && q <= Decimal::from(1_000_000) && q.normalize().scale() <= 4
}

/// A sender's item, resolved: what it is called and its unit.
#[derive(Debug, Clone)]
struct Item {
    ingredient_id: Option<Uuid>,
    recipe_id: Option<Uuid>,
    name: String,
    unit: String,
}

fn sender_item(
    kitchen: &Kitchen,
    l: &LineInput,
    field: &dyn Fn(&str) -> String,
) -> Result<Item, FieldError> {
    match (l.ingredient_id, l.recipe_id) {
        (Some(id), None) => kitchen
            .ingredient(id)
            .map(|r| Item {
                ingredient_id: Some(id),
                recipe_id: None,
                name: r.name.clone(),
                unit: r.base_unit.clone(),
            })
            .ok_or_else(|| {
                FieldError::new(field("ingredient_id"), "unknown", "no such ingredient in this restaurant")
            }),
        (None, Some(id)) => match kitchen.recipe(id) {
            Some(r) if r.menu_item_id.is_none() => Ok(Item {
                ingredient_id: None,
                recipe_id: Some(id),
                name: r.name.clone(),
                unit: r.yield_unit.clone(),
            }),
            Some(_) => Err(FieldError::new(
                field("recipe_id"),
                "not_prep",
                "only preps (recipes without a menu item) are transferred; a dish is sold, not sent",
            )),
            None => Err(FieldError::new(field("recipe_id"), "unknown", "no such recipe in this restaurant")),
        },
        _ => Err(FieldError::new(
            field("ingredient_id"),
            "one_item",
            "give an ingredient or a prep recipe, not both",
        )),
    }
}

/// The sender's cost of one unit of `item` on `date`.
fn unit_cost(kitchen: &Kitchen, item: &Item, date: NaiveDate) -> Option<Decimal> {
    match (item.ingredient_id, item.recipe_id) {
        (Some(_), _) => ingredient_value(kitchen, &item.name, Decimal::ONE, date),
        (_, Some(r)) => recipe_value(kitchen, r, Decimal::ONE, date),
        _ => None,
    }
}

/// The receiver's ingredient for a sender's item, with the quantity in its
/// base unit.
fn receiver_line(
    kitchen: &Kitchen,
    item: &Item,
    quantity: Decimal,
    there: &str,
    field: &dyn Fn(&str) -> String,
) -> Result<(Uuid, String, Decimal, String), FieldError> {
    let Some(row) = kitchen.ingredient_named(&item.name) else {
        return Err(FieldError::new(
            field("ingredient_id"),
            "missing_there",
            format!(
                "{there} has no ingredient named {:?}; add it there first",
                item.name
            ),
        ));
    };
    match in_base_unit(kitchen, &row.name, quantity, &item.unit) {
        Ok(q) => Ok((
            row.ingredient_id,
            row.name.clone(),
            q,
            row.base_unit.clone(),
        )),
        Err(e) => Err(FieldError::new(
            field("quantity"),
            "unit_mismatch",
            format!(
                "{} is counted in {} here and in {} at {there}: {e}",
                item.name, item.unit, row.base_unit
            ),
        )),
    }
}

/// `quantity` in `unit`, in the base unit of the ingredient `name` of
/// `kitchen`: more than zero (to 6 places), or why not.
fn in_base_unit(
    kitchen: &Kitchen,
    name: &str,
    quantity: Decimal,
    unit: &str,
) -> Result<Decimal, String> {
    let unit = Unit::parse(unit).map_err(|e| e.to_string())?;
    let q = kitchen
        .book
        .ingredient(name)
        .ok_or_else(|| "not in the recipe book".to_owned())?
        .to_base(quantity, unit)
        .map_err(|e| e.to_string())?
        .round_dp(6);
    if q > Decimal::ZERO {
        Ok(q)
    } else {
        Err(format!("too little to count in {name}'s unit"))
    }
}

/// What `send` and `request` check first: the note, the lines' count and
/// quantities, and the other restaurant (the user's role there).
struct Checked<'a> {
    note: Option<&'a str>,
    there: String,
    here: String,
    date: NaiveDate,
    errors: Vec<FieldError>,
}

async fn check_input<'a>(
    conn: &mut PgConnection,
    rid: Uuid,
    user_id: Uuid,
    kitchen: &Kitchen,
    input: &'a TransferInput,
) -> Result<Checked<'a>> {
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let mut errors = Vec::new();
    check_common(note, input.lines.len(), &mut errors);
    for (i, l) in input.lines.iter().enumerate() {
        if !quantity_ok(l.quantity) {
            errors.push(FieldError::new(
                format!("lines.{i}.quantity"),
                "out_of_range",
                "must be from 0.0001 to 1000000, with at most 4 decimals",
            ));
        }
    }
    let there = counterpart(conn, user_id, rid, input.restaurant_id).await?;
    let here = own_name(conn, rid).await?;
    Ok(Checked {
        note,
        there,
        here,
        date: input.date.unwrap_or(kitchen.today),
        errors,
    })
}

/// Sends stock from `rid` to another restaurant now: both sides are
/// recorded and both stocks move.
pub async fn send(
    conn: &mut PgConnection,
    rid: Uuid,
    user_id: Uuid,
    kitchen: &Kitchen,
    input: &TransferInput,
) -> Result<Transfer> {
    let Checked {
        note,
        there,
        here,
        date,
        mut errors,
    } = check_input(conn, rid, user_id, kitchen, input).await?;
    let mut items = Vec::new();
    for (i, l) in input.lines.iter().enumerate() {
        let field = |f: &str| format!("lines.{i}.{f}");
        match sender_item(kitchen, l, &field) {
            Ok(item) => items.push((item, l.quantity)),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let transfer_id = Uuid::now_v7();
    let lines: Vec<NewLine> = items
        .iter()
        .map(|(item, quantity)| NewLine {
            ingredient_id: item.ingredient_id,
            recipe_id: item.recipe_id,
            name: item.name.clone(),
            quantity: quantity.normalize(),
            unit: item.unit.clone(),
            unit_cost: unit_cost(kitchen, item, date),
        })
        .collect();
    write_receiving_side(
        conn,
        rid,
        input.restaurant_id,
        &here,
        &there,
        transfer_id,
        TransferStatus::Sent,
        date,
        note,
        user_id,
        &lines,
    )
    .await?;
    flux_store::transfers::insert_side(
        conn,
        rid,
        &NewSide {
            transfer_id,
            counterpart_id: input.restaurant_id,
            counterpart_name: &there,
            direction: TransferDirection::Out,
            status: TransferStatus::Sent,
            date,
            note,
            created_by: Some(user_id),
        },
        &lines,
    )
    .await?;
    sender_events(conn, rid, kitchen, transfer_id, date, &lines).await?;
    get(conn, rid, transfer_id).await
}

/// Switches to the receiver, writes its side (and, when sent, its
/// `transfer_in` events), and switches back to `rid`.
#[allow(clippy::too_many_arguments)]
async fn write_receiving_side(
    conn: &mut PgConnection,
    rid: Uuid,
    receiver: Uuid,
    sender_name: &str,
    receiver_name: &str,
    transfer_id: Uuid,
    status: TransferStatus,
    date: NaiveDate,
    note: Option<&str>,
    user_id: Uuid,
    sent: &[NewLine],
) -> Result<()> {
    flux_store::tenant::set_restaurant(conn, receiver).await?;
    let outcome = async {
        let theirs = Kitchen::load(conn, receiver).await?;
        let mut errors = Vec::new();
        let mut lines = Vec::new();
        for (i, l) in sent.iter().enumerate() {
            let field = |f: &str| format!("lines.{i}.{f}");
            let item = Item {
                ingredient_id: l.ingredient_id,
                recipe_id: l.recipe_id,
                name: l.name.clone(),
                unit: l.unit.clone(),
            };
            match receiver_line(&theirs, &item, l.quantity, receiver_name, &field) {
                Ok((id, name, quantity, unit)) => lines.push(NewLine {
                    ingredient_id: Some(id),
                    recipe_id: None,
                    name,
                    unit_cost: l
                        .unit_cost
                        .and_then(|c| c.checked_mul(l.quantity))
                        .and_then(|v| v.checked_div(quantity))
                        .map(|c| c.round_dp(6)),
                    quantity: quantity.normalize(),
                    unit,
                }),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::from(Invalid(errors)));
        }
        flux_store::transfers::insert_side(
            conn,
            receiver,
            &NewSide {
                transfer_id,
                counterpart_id: rid,
                counterpart_name: sender_name,
                direction: TransferDirection::In,
                status,
                date,
                note,
                created_by: Some(user_id),
            },
            &lines,
        )
        .await?;
        if status == TransferStatus::Sent {
            receiver_events(conn, receiver, transfer_id, date, &lines).await?;
        }
        Ok(())
    }
    .await;
    back_to(conn, rid, outcome).await
}

/// Switches the transaction back to `rid` after the other side's work.
/// The other side's error comes first: after a failed statement the
/// transaction is aborted and the switch fails too, which would hide why.
async fn back_to<T>(conn: &mut PgConnection, rid: Uuid, outcome: Result<T>) -> Result<T> {
    let back = flux_store::tenant::set_restaurant(conn, rid).await;
    let value = outcome?;
    back?;
    Ok(value)
}

async fn event(
    conn: &mut PgConnection,
    rid: Uuid,
    (ingredient, quantity): (Uuid, Decimal),
    kind: Kind,
    date: NaiveDate,
    note: &str,
    transfer_id: Uuid,
) -> Result<()> {
    flux_store::purchasing::insert_event(
        conn,
        rid,
        &flux_store::purchasing::NewEvent {
            ingredient_id: ingredient,
            kind: kind.as_str(),
            date,
            quantity: quantity.normalize(),
            note: Some(note),
            purchase_order_id: None,
            reason: None,
            transfer_id: Some(transfer_id),
            invoice_id: None,
        },
    )
    .await?;
    Ok(())
}

/// The sender's stock leaves: ingredients as they are, preps as the
/// ingredients inside them.
async fn sender_events(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    transfer_id: Uuid,
    date: NaiveDate,
    lines: &[NewLine],
) -> Result<()> {
    for l in lines {
        match (l.ingredient_id, l.recipe_id) {
            (Some(i), _) => {
                event(
                    conn,
                    rid,
                    (i, l.quantity),
                    Kind::TransferOut,
                    date,
                    "transfer",
                    transfer_id,
                )
                .await?
            }
            (_, Some(r)) => {
                let note = format!("in {}", l.name);
                let inside = exploded(kitchen, r, l.quantity);
                // A prep whose ingredients cannot be worked out would
                // arrive without leaving: refuse it.
                if inside.is_empty() {
                    return Err(Invalid::one(
                        "lines",
                        "no_ingredients",
                        format!("{} has no ingredients to send through its recipe", l.name),
                    )
                    .into());
                }
                for (ingredient, quantity) in inside {
                    event(
                        conn,
                        rid,
                        (ingredient, quantity),
                        Kind::TransferOut,
                        date,
                        &note,
                        transfer_id,
                    )
                    .await?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

async fn receiver_events(
    conn: &mut PgConnection,
    rid: Uuid,
    transfer_id: Uuid,
    date: NaiveDate,
    lines: &[NewLine],
) -> Result<()> {
    for l in lines {
        if let Some(i) = l.ingredient_id {
            event(
                conn,
                rid,
                (i, l.quantity),
                Kind::TransferIn,
                date,
                "transfer",
                transfer_id,
            )
            .await?;
        }
    }
    Ok(())
}

/// Asks another restaurant (a central kitchen) for stock: lines are this
/// restaurant's ingredients in their base unit; the sender's side names
/// its ingredient or prep of the same name. Nothing moves until the
/// sender sends it.
pub async fn request(
    conn: &mut PgConnection,
    rid: Uuid,
    user_id: Uuid,
    kitchen: &Kitchen,
    input: &TransferInput,
) -> Result<Transfer> {
    let Checked {
        note,
        there,
        here,
        date,
        mut errors,
    } = check_input(conn, rid, user_id, kitchen, input).await?;
    let mut mine = Vec::new();
    for (i, l) in input.lines.iter().enumerate() {
        let field = |f: &str| format!("lines.{i}.{f}");
        if l.recipe_id.is_some() {
            errors.push(FieldError::new(field("recipe_id"), "not_ingredient", "request ingredients of this restaurant; the sender's prep of the same name is found for you"));
            continue;
        }
        match l.ingredient_id.and_then(|id| kitchen.ingredient(id)) {
            Some(row) => mine.push(NewLine {
                ingredient_id: Some(row.ingredient_id),
                recipe_id: None,
                name: row.name.clone(),
                quantity: l.quantity.normalize(),
                unit: row.base_unit.clone(),
                unit_cost: None,
            }),
            None => errors.push(FieldError::new(
                field("ingredient_id"),
                "unknown",
                "no such ingredient in this restaurant",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let transfer_id = Uuid::now_v7();
    // The sender's side, under the sender's tenancy.
    flux_store::tenant::set_restaurant(conn, input.restaurant_id).await?;
    let outcome = async {
        let theirs = Kitchen::load(conn, input.restaurant_id).await?;
        let mut errors = Vec::new();
        let mut lines = Vec::new();
        for (i, l) in mine.iter().enumerate() {
            let field = |f: &str| format!("lines.{i}.{f}");
            let key = flux_costing::name::key_of(&l.name);
            if let Some(row) = theirs.ingredient_named(&l.name) {
                match in_base_unit(&theirs, &row.name, l.quantity, &l.unit) {
                    Ok(q) => lines.push(NewLine {
                        ingredient_id: Some(row.ingredient_id),
                        recipe_id: None,
                        name: row.name.clone(),
                        quantity: q.normalize(),
                        unit: row.base_unit.clone(),
                        unit_cost: None,
                    }),
                    Err(e) => errors.push(FieldError::new(field("quantity"), "unit_mismatch", e)),
                }
            } else if let Some(r) =
                theirs.rows.recipes.iter().find(|r| {
                    r.menu_item_id.is_none() && flux_costing::name::key_of(&r.name) == key
                })
            {
                if !r.yield_unit.eq_ignore_ascii_case(&l.unit) {
                    errors.push(FieldError::new(
                        field("quantity"),
                        "unit_mismatch",
                        format!(
                            "{there} makes {} in {}, counted here in {}",
                            r.name, r.yield_unit, l.unit
                        ),
                    ));
                    continue;
                }
                lines.push(NewLine {
                    ingredient_id: None,
                    recipe_id: Some(r.recipe_id),
                    name: r.name.clone(),
                    quantity: l.quantity,
                    unit: r.yield_unit.clone(),
                    unit_cost: None,
                });
            } else {
                errors.push(FieldError::new(
                    field("ingredient_id"),
                    "missing_there",
                    format!("{there} has no ingredient or prep named {:?}", l.name),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::from(Invalid(errors)));
        }
        flux_store::transfers::insert_side(
            conn,
            input.restaurant_id,
            &NewSide {
                transfer_id,
                counterpart_id: rid,
                counterpart_name: &here,
                direction: TransferDirection::Out,
                status: TransferStatus::Requested,
                date,
                note,
                created_by: Some(user_id),
            },
            &lines,
        )
        .await?;
        Ok(())
    }
    .await;
    back_to(conn, rid, outcome).await?;
    flux_store::transfers::insert_side(
        conn,
        rid,
        &NewSide {
            transfer_id,
            counterpart_id: input.restaurant_id,
            counterpart_name: &there,
            direction: TransferDirection::In,
            status: TransferStatus::Requested,
            date,
            note,
            created_by: Some(user_id),
        },
        &mine,
    )
    .await?;
    get(conn, rid, transfer_id).await
}

/// The sender fulfils a request on `date` (default today): costs are set
/// on both sides and both stocks move.
pub async fn fulfil(
    conn: &mut PgConnection,
    rid: Uuid,
    user_id: Uuid,
    kitchen: &Kitchen,
    id: Uuid,
    date: Option<NaiveDate>,
) -> Result<Transfer> {
    let mine = get(conn, rid, id).await?;
    if mine.direction != TransferDirection::Out || mine.status != TransferStatus::Requested {
        return Err(AppError::new(
            ErrorKind::Conflict,
            format!(
                "only a request to this restaurant can be sent; this transfer is {} ({})",
                mine.status,
                if mine.direction == TransferDirection::In {
                    "incoming"
                } else {
                    "outgoing"
                }
            ),
        ));
    }
    counterpart(conn, user_id, rid, mine.counterpart_id).await?;
    let date = date.unwrap_or(kitchen.today);
    let mut costs = Vec::new();
    let mut lines = Vec::new();
    for l in &mine.lines {
        let item = Item {
            ingredient_id: l.ingredient_id,
            recipe_id: l.recipe_id,
            name: l.name.clone(),
            unit: l.unit.clone(),
        };
        let cost = unit_cost(kitchen, &item, date);
        if let Some(c) = cost {
            costs.push((l.line_no, c));
        }
        lines.push(NewLine {
            ingredient_id: l.ingredient_id,
            recipe_id: l.recipe_id,
            name: l.name.clone(),
            quantity: l.quantity,
            unit: l.unit.clone(),
            unit_cost: cost,
        });
    }
    if !flux_store::transfers::transition(
        conn,
        rid,
        id,
        TransferStatus::Requested,
        TransferStatus::Sent,
        date,
    )
    .await?
    {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "this request was already sent or cancelled",
        ));
    }
    flux_store::transfers::set_costs(conn, rid, id, &costs).await?;
    sender_events(conn, rid, kitchen, id, date, &lines).await?;
    // The receiver's side: its lines are its own ingredients already.
    let receiver = mine.counterpart_id;
    flux_store::tenant::set_restaurant(conn, receiver).await?;
    let outcome = async {
        let theirs = get(conn, receiver, id).await?;
        if !flux_store::transfers::transition(
            conn,
            receiver,
            id,
            TransferStatus::Requested,
            TransferStatus::Sent,
            date,
        )
        .await?
        {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "this request was already sent or cancelled",
            ));
        }
        let mut their_costs = Vec::new();
        let mut arriving = Vec::new();
        for (mine_line, their_line) in lines.iter().zip(&theirs.lines) {
            let cost = mine_line
                .unit_cost
                .and_then(|c| c.checked_mul(mine_line.quantity))
                .and_then(|v| v.checked_div(their_line.quantity))
                .map(|c| c.round_dp(6));
            if let Some(c) = cost {
                their_costs.push((their_line.line_no, c));
            }
            arriving.push(NewLine {
                ingredient_id: their_line.ingredient_id,
                recipe_id: None,
                name: their_line.name.clone(),
                quantity: their_line.quantity,
                unit: their_line.unit.clone(),
                unit_cost: cost,
            });
        }
        flux_store::transfers::set_costs(conn, receiver, id, &their_costs).await?;
        receiver_events(conn, receiver, id, date, &arriving).await
    }
    .await;
    back_to(conn, rid, outcome).await?;
    get(conn, rid, id).await
}

/// Cancels a request from either side; a sent transfer stands (send one
/// back instead).
pub async fn cancel(
    conn: &mut PgConnection,
    rid: Uuid,
    user_id: Uuid,
    id: Uuid,
) -> Result<Transfer> {
    let mine = get(conn, rid, id).await?;
    if mine.status != TransferStatus::Requested {
        return Err(AppError::new(
            ErrorKind::Conflict,
            format!(
                "only a request can be cancelled; this transfer is {}",
                mine.status
            ),
        ));
    }
    let date = mine.date;
    let already = || {
        AppError::new(
            ErrorKind::Conflict,
            "this request was already sent or cancelled",
        )
    };
    // Without a role in the other restaurant any more (or with that
    // restaurant gone), only this side is cancelled: the other side can
    // then never be sent, since this side is no longer requested.
    let Ok(_) = counterpart(conn, user_id, rid, mine.counterpart_id).await else {
        if !cancel_side(conn, rid, id, date).await? {
            return Err(already());
        }
        return get(conn, rid, id).await;
    };
    // Rows are locked sender first, as `fulfil` does, so a cancel and a
    // send racing each other wait instead of deadlocking.
    let (sender, receiver) = match mine.direction {
        TransferDirection::Out => (rid, mine.counterpart_id),
        TransferDirection::In => (mine.counterpart_id, rid),
    };
    for side in [sender, receiver] {
        if side != rid {
            flux_store::tenant::set_restaurant(conn, side).await?;
        }
        let outcome = cancel_side(conn, side, id, date).await;
        let moved = back_to(conn, rid, outcome).await?;
        if !moved {
            return Err(already());
        }
    }
    get(conn, rid, id).await
}

/// Cancels one side's request; false if it was no longer requested.
async fn cancel_side(
    conn: &mut PgConnection,
    side: Uuid,
    id: Uuid,
    date: NaiveDate,
) -> Result<bool> {
    Ok(flux_store::transfers::transition(
        conn,
        side,
        id,
        TransferStatus::Requested,
        TransferStatus::Cancelled,
        date,
    )
    .await?)
}
