//! Supplier invoices and stock transfers (`flux_app::inventory::invoices`
//! and `::transfers`): the invoice list with a CSV import, one invoice's
//! three-way match with its credit notes and a one-click credit request,
//! and the transfers page (send to another restaurant, ask a central
//! kitchen, send what was asked for).

use axum::extract::{Query, RawPathParams, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use flux_app::costing::Kitchen;
use flux_app::inventory::invoices::{self, CreditInput, InvoiceInput, LineInput};
use flux_app::inventory::transfers::{self, TransferInput};
use flux_app::inventory::{TransferDirection, TransferStatus};
use flux_app::AppError;
use flux_domain::role::Action;
use maud::{html, Markup};
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use crate::error::{WebError, WebResult};
use crate::extract::{path_uuid, CsrfForm, CsrfMultipart, TenantPage};
use crate::format::{parse_decimal, Fmt};
use crate::layout::csrf_field;
use crate::pages::inventory::subnav;
use crate::WebState;

/// A rejection worded for the page: its field messages, or its detail.
fn why(e: &AppError) -> String {
    match e {
        AppError::Rejected { errors, .. } if !errors.is_empty() => errors
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        _ => e.to_string(),
    }
}

/// A rejection the page shows; anything else is an error page.
fn shown(e: AppError) -> Result<String, WebError> {
    match &e {
        AppError::Rejected { .. } if e.kind() != Some(flux_app::Kind::NotFound) => Ok(why(&e)),
        _ => Err(e.into()),
    }
}

fn issue_label(kind: &str) -> &'static str {
    match kind {
        "short_delivery" => "Short delivery",
        "billed_not_received" => "Billed, not received",
        "received_not_billed" => "Received, not billed",
        "price_change" => "Price change",
        "not_invoiced" => "Not invoiced",
        "not_ordered" => "Not ordered",
        "unknown_line" => "Unknown line",
        "amount_mismatch" => "Amount ≠ qty × price",
        _ => "Difference",
    }
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn notice(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "imported" => "Invoice recorded.",
        "credited" => "Credit note recorded.",
        "sent" => "Transfer sent: both restaurants' stock moved.",
        "requested" => "Request sent to the other restaurant.",
        "cancelled" => "Request cancelled.",
        "deleted" => "Invoice deleted.",
        _ => return None,
    })
}

async fn render_list(
    mut t: TenantPage,
    status: StatusCode,
    problem: Option<String>,
    done: Option<&str>,
) -> WebResult {
    let rid = t.restaurant_id;
    let list = invoices::list(&mut t.tx, rid, None, None, 100).await?;
    let suppliers = flux_app::purchasing::suppliers::list(&mut t.tx, rid).await?;
    let orders = flux_app::purchasing::orders::list(&mut t.tx, rid, None, None, 50).await?;
    let kitchen = Kitchen::load(&mut t.tx, rid).await?;
    let fmt = t.fmt();
    let editable = t.can(Action::WriteData);
    let base = t.href("/inventory/invoices");
    let body = html! {
        div.page-head { h1 { "Supplier invoices" } }
        (subnav(&t, "/inventory/invoices"))
        @if let Some(p) = &problem { div.alert role="alert" #problem { h2 { "The invoice was not recorded" } p { (p) } } }
        @if editable {
            @if suppliers.is_empty() {
                p.muted { "Add a supplier under Purchasing to record its invoices." }
            } @else {
                form.card #import-invoice method="post" action={ (base) "/import" } enctype="multipart/form-data" {
                    (csrf_field(&t.csrf))
                    h2 { "Import an invoice" }
                    p.muted.small { "A CSV with columns by name (description, quantity, unit price and/or amount), or a photo or PDF read by OCR. Subtotal, tax and total rows are skipped; lines no ingredient matches are kept and flagged." }
                    div.grid-2 {
                        label { "Supplier" select name="supplier_id" required { @for s in &suppliers { option value=(s.supplier_id) { (s.name) } } } }
                        label { "Purchase order (to match)"
                            select name="purchase_order_id" {
                                option value="" { "None" }
                                @for o in &orders { option value=(o.id) { (o.supplier) " · " (fmt.date_short(o.created_at.date_naive())) " · " (o.status) " · " (fmt.money(o.total)) } }
                            }
                        }
                        label { "Invoice number" input type="text" name="number" required maxlength="60"; }
                        label { "Invoice date" input type="date" name="invoice_date" required value=(kitchen.today); }
                    }
                    label { "File (CSV, or a photo or PDF of the invoice)" input type="file" name="file" accept=".csv,text/csv,image/*,application/pdf" required; }
                    button.btn.btn-primary type="submit" { "Import" }
                }
            }
        }
        section.card {
            h2 { "Invoices and credit notes" }
            @if list.is_empty() { p.muted { "No invoice recorded yet." } } @else {
                table.table.stack #invoices {
                    thead { tr { th { "Date" } th { "Supplier" } th { "Number" } th { "Kind" } th.num { "Total" } th { "Alerts" } } }
                    tbody {
                        @for v in &list {
                            tr {
                                td data-label="Date" { (fmt.date_short(v.invoice_date)) }
                                td data-label="Supplier" { (v.supplier) }
                                td data-label="Number" {
                                    @let target = v.credits_invoice_id.unwrap_or(v.id);
                                    a href={ (base) "/" (target) } { (v.number) }
                                }
                                td data-label="Kind" { @if v.credits_invoice_id.is_some() { "Credit note" } @else { "Invoice" } }
                                td.num data-label="Total" { (fmt.money(v.total)) }
                                td data-label="Alerts" {
                                    @for a in &v.price_alerts { span.badge.badge-warn { (a.ingredient) " +" (a.percent) "%" } " " }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let page = t.render(
        crate::nav::INVENTORY,
        "Supplier invoices",
        notice(done),
        body,
    );
    t.commit().await?;
    Ok((status, page).into_response())
}

pub async fn list_page(t: TenantPage, Query(q): Query<Done>) -> WebResult {
    render_list(t, StatusCode::OK, None, q.done.as_deref()).await
}

pub async fn import(
    State(state): State<WebState>,
    mut t: TenantPage,
    CsrfMultipart(mut mp): CsrfMultipart,
) -> WebResult {
    t.require(Action::WriteData)?;
    let mut fields = std::collections::HashMap::new();
    let mut file: Option<Vec<u8>> = None;
    let mut too_big = false;
    while let Ok(Some(mut field)) = mp.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let mut bytes = Vec::new();
            while let Ok(Some(chunk)) = field.chunk().await {
                if bytes.len() + chunk.len() > invoices::MAX_CSV_BYTES {
                    too_big = true;
                    break;
                }
                bytes.extend_from_slice(&chunk);
            }
            file = Some(bytes);
        } else if let Ok(v) = field.text().await {
            fields.insert(name, v.chars().take(200).collect::<String>());
        }
    }
    let text = |k: &str| {
        fields
            .get(k)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let problem = if too_big {
        Some(format!(
            "An invoice file has at most {} MB.",
            invoices::MAX_CSV_BYTES / 1024 / 1024
        ))
    } else {
        None
    };
    let supplier = Uuid::parse_str(&text("supplier_id")).ok();
    let order = Uuid::parse_str(&text("purchase_order_id")).ok();
    let date = NaiveDate::parse_from_str(&text("invoice_date"), "%Y-%m-%d").ok();
    let outcome = match (problem, supplier, date) {
        (Some(p), _, _) => Err(p),
        (None, None, _) => Err("Choose the supplier.".to_owned()),
        (None, _, None) => Err("Give the invoice date as YYYY-MM-DD.".to_owned()),
        (None, Some(supplier), Some(date)) => {
            let locale = t.restaurant.locale.as_str().to_string();
            // No transaction is held while a photo is read (seconds).
            let frame = t.suspend().await?;
            let read = invoices::read_file(
                file.as_deref().unwrap_or_default(),
                &locale,
                state.readers(),
            )
            .await;
            t = TenantPage::resume(frame, &state).await?;
            match read {
                Err(e) => Err(shown(e)?),
                Ok((lines, _)) => {
                    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
                    let input = InvoiceInput {
                        supplier_id: supplier,
                        number: text("number"),
                        invoice_date: date,
                        purchase_order_id: order,
                        note: None,
                        lines,
                    };
                    let rid = t.restaurant_id;
                    let mut tx = sqlx::Acquire::begin(&mut *t.tx).await?;
                    match invoices::record(&mut tx, rid, &kitchen, &input, Some(t.user_id)).await {
                        Ok(v) => {
                            tx.commit().await?;
                            Ok(v.id)
                        }
                        Err(e) => {
                            tx.rollback().await?;
                            Err(shown(e)?)
                        }
                    }
                }
            }
        }
    };
    match outcome {
        Ok(id) => {
            let to = t.href(&format!("/inventory/invoices/{id}?done=imported"));
            t.commit().await?;
            Ok(Redirect::to(&to).into_response())
        }
        Err(p) => render_list(t, StatusCode::UNPROCESSABLE_ENTITY, Some(p), None).await,
    }
}

async fn render_match(
    mut t: TenantPage,
    id: Uuid,
    status: StatusCode,
    problem: Option<String>,
    done: Option<&str>,
) -> WebResult {
    let m = invoices::matched(&mut t.tx, t.restaurant_id, id).await?;
    let fmt = t.fmt();
    let editable = t.can(Action::WriteData);
    let base = t.href(&format!("/inventory/invoices/{id}"));
    let qty = |v: Option<Decimal>| v.map_or_else(|| "—".to_owned(), |v| fmt.qty(v));
    let body = html! {
        div.page-head { h1 { "Invoice " (m.invoice.number) } p.muted { (m.invoice.supplier) " · " (fmt.date(m.invoice.invoice_date)) } }
        (subnav(&t, "/inventory/invoices"))
        @if let Some(p) = &problem { div.alert role="alert" #problem { p { (p) } } }
        div.kpis {
            div.kpi { span.kpi-label { "Net of credits" } span.kpi-value #net-amount { (fmt.money(m.net_amount)) } }
            div.kpi { span.kpi-label { "Credit due" } span.kpi-value #credit-due { (fmt.money(m.credit_due)) } }
            div.kpi { span.kpi-label { "Match" } span.kpi-value #match-state { @if m.clean { "Clean" } @else { "Differences" } } }
        }
        @if !m.invoice.price_alerts.is_empty() {
            section.card #price-alerts {
                h2 { "Price rises" }
                ul { @for a in &m.invoice.price_alerts { li { (a.ingredient) ": " (fmt.money(a.previous_unit_cost)) " → " (fmt.money(a.unit_cost)) " (+" (a.percent) " %)" } } }
            }
        }
        section.card {
            h2 { "Ordered, received, invoiced" }
            @if m.invoice.purchase_order_id.is_none() { p.muted { "This invoice names no purchase order: only its own lines are checked." } }
            table.table.stack #match-lines {
                thead { tr { th { "Item" } th.num { "Ordered" } th.num { "Received" } th.num { "Invoiced" } th.num { "Amount" } th { "Differences" } } }
                tbody {
                    @for l in &m.lines {
                        tr {
                            td data-label="Item" { (l.name) }
                            td.num data-label="Ordered" { (qty(l.ordered)) }
                            td.num data-label="Received" { (qty(l.received)) }
                            td.num data-label="Invoiced" { (fmt.qty(l.invoiced)) }
                            td.num data-label="Amount" { (fmt.money(l.amount)) }
                            td data-label="Differences" {
                                @for i in &l.issues {
                                    @let kind = serde_json::to_value(i).ok().and_then(|v| v["kind"].as_str().map(str::to_owned)).unwrap_or_default();
                                    span.badge.badge-warn { (issue_label(&kind)) } " "
                                }
                            }
                        }
                    }
                }
            }
        }
        @if editable && !m.suggested_credit.is_empty() {
            form.card #request-credit method="post" action={ (base) "/credit" } {
                (csrf_field(&t.csrf))
                h2 { "Record the supplier's credit note" }
                p { "For goods billed and not received: " (fmt.money(m.credit_due)) "." }
                ul { @for c in &m.suggested_credit { li { (c.description) ": " (fmt.qty(c.packs)) " × " (fmt.money(c.pack_price)) } } }
                div.grid-2 {
                    label { "Credit note number" input type="text" name="number" required maxlength="60"; }
                    label { "Date" input type="date" name="date" value=(m.invoice.invoice_date); }
                }
                button.btn.btn-primary type="submit" { "Record credit note" }
            }
        }
        @if !m.credit_notes.is_empty() {
            section.card #credit-notes {
                h2 { "Credit notes" }
                table.table { tbody { @for n in &m.credit_notes { tr { td { (n.number) } td { (fmt.date_short(n.invoice_date)) } td.num { (fmt.money(n.total)) } } } } }
            }
        }
        @if editable {
            form.inline method="post" action={ (base) "/delete" } {
                (csrf_field(&t.csrf))
                button.btn.btn-quiet type="submit" { "Delete this invoice" }
            }
        }
    };
    let title = format!("Invoice {}", m.invoice.number);
    let page = t.render(crate::nav::INVENTORY, &title, notice(done), body);
    t.commit().await?;
    Ok((status, page).into_response())
}

pub async fn match_page(t: TenantPage, params: RawPathParams, Query(q): Query<Done>) -> WebResult {
    let id = path_uuid(&params, "invoice_id")?;
    render_match(t, id, StatusCode::OK, None, q.done.as_deref()).await
}

#[derive(Deserialize)]
pub struct CreditForm {
    number: String,
    #[serde(default)]
    date: String,
}

/// Records the credit note the match suggests (goods billed, not received).
pub async fn credit(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<CreditForm>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "invoice_id")?;
    let rid = t.restaurant_id;
    let m = invoices::matched(&mut t.tx, rid, id).await?;
    let kitchen = Kitchen::load(&mut t.tx, rid).await?;
    let input = CreditInput {
        number: f.number,
        date: NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d")
            .unwrap_or(m.invoice.invoice_date),
        note: None,
        lines: m
            .suggested_credit
            .iter()
            .map(|c| LineInput {
                ingredient_id: Some(c.ingredient_id),
                description: Some(c.description.clone()),
                packs: c.packs,
                pack_price: c.pack_price,
                pack_size: Some(c.pack_size),
                amount: Some(c.amount),
                credit_reason: Some(c.credit_reason),
            })
            .collect(),
    };
    let mut tx = sqlx::Acquire::begin(&mut *t.tx).await?;
    match invoices::credit(&mut tx, rid, &kitchen, id, &input, Some(t.user_id)).await {
        Ok(_) => tx.commit().await?,
        Err(e) => {
            tx.rollback().await?;
            let p = shown(e)?;
            return render_match(t, id, StatusCode::UNPROCESSABLE_ENTITY, Some(p), None).await;
        }
    }
    let to = t.href(&format!("/inventory/invoices/{id}?done=credited"));
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

pub async fn delete(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(_): CsrfForm<crate::extract::Empty>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "invoice_id")?;
    invoices::delete(&mut t.tx, t.restaurant_id, id).await?;
    let to = t.href("/inventory/invoices?done=deleted");
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

fn transfer_state(fmt: &Fmt, t: &transfers::Transfer) -> Markup {
    html! {
        @match t.value { Some(v) => { (t.status) " · " (fmt.money(v)) }, None => { (t.status) } }
    }
}

async fn render_transfers(
    mut t: TenantPage,
    status: StatusCode,
    problem: Option<String>,
    done: Option<&str>,
) -> WebResult {
    let rid = t.restaurant_id;
    let list = transfers::list(&mut t.tx, rid, None, 100).await?;
    let kitchen = Kitchen::load(&mut t.tx, rid).await?;
    let mut others: Vec<(Uuid, String)> = flux_app::restaurants::mine(&mut t.tx, t.user_id)
        .await?
        .into_iter()
        .filter(|r| r.restaurant.restaurant_id != rid && r.role.can(Action::WriteData))
        .map(|r| (r.restaurant.restaurant_id, r.restaurant.name))
        .collect();
    others.sort_by(|a, b| a.1.cmp(&b.1));
    let preps: Vec<_> = kitchen
        .rows
        .recipes
        .iter()
        .filter(|r| r.menu_item_id.is_none())
        .collect();
    let fmt = t.fmt();
    let editable = t.can(Action::WriteData);
    let base = t.href("/inventory/transfers");
    let body = html! {
        div.page-head { h1 { "Transfers" } }
        (subnav(&t, "/inventory/transfers"))
        @if let Some(p) = &problem { div.alert role="alert" #problem { p { (p) } } }
        @if editable && others.is_empty() {
            p.muted { "Transfers move stock between restaurants where you hold a role; you have no other." }
        }
        @if editable && !others.is_empty() {
            div.grid-2 {
                form.card #send-transfer method="post" action=(base) {
                    (csrf_field(&t.csrf))
                    h2 { "Send stock" }
                    label { "To" select name="restaurant_id" required { @for (id, n) in &others { option value=(id) { (n) } } } }
                    label { "What"
                        select name="item" required {
                            optgroup label="Ingredients" { @for i in &kitchen.rows.ingredients { option value={ "i:" (i.ingredient_id) } { (i.name) " (" (i.base_unit) ")" } } }
                            @if !preps.is_empty() { optgroup label="Preps" { @for r in &preps { option value={ "r:" (r.recipe_id) } { (r.name) " (" (r.yield_unit) ")" } } } }
                        }
                    }
                    label { "How much" input type="text" inputmode="decimal" name="quantity" required; }
                    label { "Date" input type="date" name="date" value=(kitchen.today); }
                    button.btn.btn-primary type="submit" { "Send" }
                }
                form.card #request-transfer method="post" action={ (base) "/requests" } {
                    (csrf_field(&t.csrf))
                    h2 { "Order from another restaurant" }
                    p.muted.small { "A central kitchen sends what you ask for; it needs an ingredient or prep of the same name." }
                    label { "From" select name="restaurant_id" required { @for (id, n) in &others { option value=(id) { (n) } } } }
                    label { "What" select name="item" required { @for i in &kitchen.rows.ingredients { option value={ "i:" (i.ingredient_id) } { (i.name) " (" (i.base_unit) ")" } } } }
                    label { "How much" input type="text" inputmode="decimal" name="quantity" required; }
                    label { "For" input type="date" name="date" value=(kitchen.today); }
                    button.btn type="submit" { "Ask" }
                }
            }
        }
        section.card {
            h2 { "Transfers" }
            @if list.is_empty() { p.muted { "No transfer yet." } } @else {
                table.table.stack #transfers {
                    thead { tr { th { "Date" } th { "Direction" } th { "Items" } th { "Status" } @if editable { th { span.sr-only { "Actions" } } } } }
                    tbody {
                        @for x in &list {
                            tr {
                                td data-label="Date" { (fmt.date_short(x.date)) }
                                td data-label="Direction" { @if x.direction == TransferDirection::Out { "To " } @else { "From " } (x.counterpart) }
                                td.break data-label="Items" { @for l in &x.lines { (l.name) " " (fmt.qty(l.quantity)) " " (l.unit) br; } }
                                td data-label="Status" { (transfer_state(&fmt, x)) }
                                @if editable {
                                    td {
                                        @if x.status == TransferStatus::Requested {
                                            @if x.direction == TransferDirection::Out {
                                                form.inline method="post" action={ (base) "/" (x.id) "/send" } { (csrf_field(&t.csrf)) button.btn.btn-primary type="submit" { "Send" } }
                                            }
                                            form.inline method="post" action={ (base) "/" (x.id) "/cancel" } { (csrf_field(&t.csrf)) button.btn.btn-quiet type="submit" { "Cancel" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let page = t.render(crate::nav::INVENTORY, "Transfers", notice(done), body);
    t.commit().await?;
    Ok((status, page).into_response())
}

pub async fn transfers_page(t: TenantPage, Query(q): Query<Done>) -> WebResult {
    render_transfers(t, StatusCode::OK, None, q.done.as_deref()).await
}

#[derive(Deserialize)]
pub struct TransferForm {
    restaurant_id: String,
    item: String,
    quantity: String,
    #[serde(default)]
    date: String,
}

impl TransferForm {
    fn input(&self) -> TransferInput {
        let (ingredient_id, recipe_id) = match self.item.split_once(':') {
            Some(("i", id)) => (Uuid::parse_str(id).ok(), None),
            Some(("r", id)) => (None, Uuid::parse_str(id).ok()),
            _ => (None, None),
        };
        TransferInput {
            // A tampered id is refused by the use case as unknown.
            restaurant_id: Uuid::parse_str(self.restaurant_id.trim()).unwrap_or_default(),
            date: NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d").ok(),
            note: None,
            lines: vec![transfers::LineInput {
                ingredient_id,
                recipe_id,
                // Text that is not a number is refused as zero.
                quantity: parse_decimal(&self.quantity).unwrap_or(Decimal::ZERO),
            }],
        }
    }
}

async fn transfer_action(mut t: TenantPage, f: TransferForm, request: bool) -> WebResult {
    t.require(Action::WriteData)?;
    let rid = t.restaurant_id;
    let kitchen = Kitchen::load(&mut t.tx, rid).await?;
    let input = f.input();
    let mut tx = sqlx::Acquire::begin(&mut *t.tx).await?;
    let outcome = if request {
        transfers::request(&mut tx, rid, t.user_id, &kitchen, &input).await
    } else {
        transfers::send(&mut tx, rid, t.user_id, &kitchen, &input).await
    };
    match outcome {
        Ok(_) => tx.commit().await?,
        Err(e) => {
            tx.rollback().await?;
            let p = shown(e)?;
            return render_transfers(t, StatusCode::UNPROCESSABLE_ENTITY, Some(p), None).await;
        }
    }
    let to = t.href(if request {
        "/inventory/transfers?done=requested"
    } else {
        "/inventory/transfers?done=sent"
    });
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

pub async fn send(t: TenantPage, CsrfForm(f): CsrfForm<TransferForm>) -> WebResult {
    transfer_action(t, f, false).await
}

pub async fn request(t: TenantPage, CsrfForm(f): CsrfForm<TransferForm>) -> WebResult {
    transfer_action(t, f, true).await
}

async fn move_request(mut t: TenantPage, params: RawPathParams, fulfil: bool) -> WebResult {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "transfer_id")?;
    let rid = t.restaurant_id;
    let kitchen = Kitchen::load(&mut t.tx, rid).await?;
    let mut tx = sqlx::Acquire::begin(&mut *t.tx).await?;
    let outcome = if fulfil {
        transfers::fulfil(&mut tx, rid, t.user_id, &kitchen, id, None).await
    } else {
        transfers::cancel(&mut tx, rid, t.user_id, id).await
    };
    match outcome {
        Ok(_) => tx.commit().await?,
        Err(e) => {
            tx.rollback().await?;
            let p = shown(e)?;
            return render_transfers(t, StatusCode::CONFLICT, Some(p), None).await;
        }
    }
    let to = t.href(if fulfil {
        "/inventory/transfers?done=sent"
    } else {
        "/inventory/transfers?done=cancelled"
    });
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

pub async fn fulfil(
    t: TenantPage,
    params: RawPathParams,
    CsrfForm(_): CsrfForm<crate::extract::Empty>,
) -> WebResult {
    move_request(t, params, true).await
}

pub async fn cancel(
    t: TenantPage,
    params: RawPathParams,
    CsrfForm(_): CsrfForm<crate::extract::Empty>,
) -> WebResult {
    move_request(t, params, false).await
}
