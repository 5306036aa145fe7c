//! `/api/v1/restaurants/{id}/inventory/invoices/...` and
//! `/inventory/transfers/...`: supplier invoices and credit notes (entered
//! or imported from CSV, matched three ways) and stock transfers between
//! the user's restaurants.

use axum::extract::{RawPathParams, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use flux_app::costing::Kitchen;
use flux_app::inventory::invoices::{self, CreditInput, Invoice, InvoiceInput, Matched};
use flux_app::inventory::transfers::{self, Transfer, TransferInput};
use flux_domain::role::Action;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiResult, Problem};
use crate::extract::{path_uuid, Body, Json, Query, Tenant};
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceFilter {
    /// Only this supplier's documents.
    pub supplier_id: Option<Uuid>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct InvoicePage {
    pub items: Vec<Invoice>,
    pub next_cursor: Option<String>,
}

/// Invoices and credit notes, newest first by date.
#[utoipa::path(get, path = "/{restaurant_id}/inventory/invoices", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), InvoiceFilter),
    responses((status = 200, body = InvoicePage), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(mut t: Tenant, Query(q): Query<InvoiceFilter>) -> ApiResult<Json<InvoicePage>> {
    let page = crate::pagination::PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let before = page.decode::<(NaiveDate, Uuid)>()?;
    let items =
        invoices::list(&mut t.tx, t.restaurant_id, q.supplier_id, before, limit + 1).await?;
    t.commit().await?;
    let (items, next_cursor) = crate::pagination::trim(items, limit, |v| (v.invoice_date, v.id));
    Ok(Json(InvoicePage { items, next_cursor }))
}

/// Enter a supplier's invoice. Each ingredient's price history takes the
/// invoiced cost per base unit from the invoice date; rises above 5 % come
/// back as `price_alerts`. Lines without an ingredient are matched by
/// their description, and kept as unknown lines when nothing matches.
#[utoipa::path(post, path = "/{restaurant_id}/inventory/invoices", tag = "inventory",
    params(("restaurant_id" = Uuid, Path)), request_body = InvoiceInput,
    responses((status = 201, body = Invoice), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    mut t: Tenant,
    Json(b): Json<InvoiceInput>,
) -> ApiResult<(StatusCode, Json<Invoice>)> {
    t.require(Action::WriteData)?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let v = invoices::record(&mut t.tx, t.restaurant_id, &kitchen, &b, Some(t.user_id)).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    pub supplier_id: Uuid,
    /// The supplier's invoice number.
    pub number: String,
    pub invoice_date: NaiveDate,
    pub purchase_order_id: Option<Uuid>,
}

/// Import an invoice from the supplier's CSV (`text/csv`, at most 2 MiB):
/// columns found by name (description, quantity, unit price and/or
/// amount, in English, Spanish, French or German); subtotal, tax and
/// total rows are skipped. A photo or PDF of the invoice (JPEG, PNG,
/// WebP, TIFF, PDF) is read with the server's OCR instead: rows whose
/// numbers multiply out are its lines. Then as entering it.
#[utoipa::path(post, path = "/{restaurant_id}/inventory/invoices/import", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), ImportParams),
    request_body(content = String, content_type = "text/csv",
        example = "Description,Qty,Unit Price,Amount\nTomatoes 5kg,2,11.50,23.00\n"),
    responses((status = 201, body = Invoice), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem),
        (status = 503, body = Problem)),
    security(("bearer" = [])))]
pub async fn import(
    State(s): State<AppState>,
    mut t: Tenant,
    Query(q): Query<ImportParams>,
    Body(body): Body,
) -> ApiResult<(StatusCode, Json<Invoice>)> {
    t.require(Action::WriteData)?;
    let (rid, user) = (t.restaurant_id, t.user_id);
    let locale = flux_app::restaurants::get(&mut t.tx, rid)
        .await?
        .locale
        .as_str()
        .to_string();
    // No transaction is held while a photo is read (seconds).
    t.commit().await?;
    let (lines, _skipped) = invoices::read_file(&body, &locale, &s.menu_readers).await?;
    let mut tx = flux_store::tenant::begin(&s.pool, user, rid).await?;
    let kitchen = Kitchen::load(&mut tx, rid).await?;
    let input = InvoiceInput {
        supplier_id: q.supplier_id,
        number: q.number,
        invoice_date: q.invoice_date,
        purchase_order_id: q.purchase_order_id,
        note: None,
        lines,
    };
    let v = invoices::record(&mut tx, rid, &kitchen, &input, Some(user)).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// One invoice or credit note as printed.
#[utoipa::path(get, path = "/{restaurant_id}/inventory/invoices/{invoice_id}", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), ("invoice_id" = Uuid, Path)),
    responses((status = 200, body = Invoice), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<Invoice>> {
    let id = path_uuid(&params, "invoice_id")?;
    let v = invoices::get(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(Json(v))
}

/// Delete an invoice entered by mistake, with its credit notes and the
/// returns they recorded. Prices it set stay in the price history.
#[utoipa::path(delete, path = "/{restaurant_id}/inventory/invoices/{invoice_id}", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), ("invoice_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "invoice_id")?;
    invoices::delete(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The three-way match: per ingredient ordered, received and invoiced
/// (net of credit notes), with every difference (short delivery, billed
/// but not received, price change, not ordered, unknown line), the credit
/// still due and a credit note that would settle it.
#[utoipa::path(get, path = "/{restaurant_id}/inventory/invoices/{invoice_id}/match", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), ("invoice_id" = Uuid, Path)),
    responses((status = 200, body = Matched), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn matched(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<Matched>> {
    let id = path_uuid(&params, "invoice_id")?;
    let m = invoices::matched(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(Json(m))
}

/// Record the supplier's credit note against an invoice; `return` lines
/// take the goods out of stock on the credit note's date.
#[utoipa::path(post, path = "/{restaurant_id}/inventory/invoices/{invoice_id}/credit-notes", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), ("invoice_id" = Uuid, Path)), request_body = CreditInput,
    responses((status = 201, body = Invoice), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn credit(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<CreditInput>,
) -> ApiResult<(StatusCode, Json<Invoice>)> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "invoice_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let v = invoices::credit(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        id,
        &b,
        Some(t.user_id),
    )
    .await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransferFilter {
    /// 1–200, default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TransferPage {
    pub items: Vec<Transfer>,
    pub next_cursor: Option<String>,
}

/// This restaurant's side of its transfers, newest first.
#[utoipa::path(get, path = "/{restaurant_id}/inventory/transfers", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), TransferFilter),
    responses((status = 200, body = TransferPage), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_transfers(
    mut t: Tenant,
    Query(q): Query<TransferFilter>,
) -> ApiResult<Json<TransferPage>> {
    let page = crate::pagination::PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let before = page.decode::<(NaiveDate, Uuid)>()?;
    let items = transfers::list(&mut t.tx, t.restaurant_id, before, limit + 1).await?;
    t.commit().await?;
    let (items, next_cursor) = crate::pagination::trim(items, limit, |v| (v.date, v.id));
    Ok(Json(TransferPage { items, next_cursor }))
}

/// Send ingredients or preps to another of your restaurants now: both
/// restaurants' stock moves, valued at this restaurant's cost. The other
/// restaurant needs an ingredient of each item's name.
#[utoipa::path(post, path = "/{restaurant_id}/inventory/transfers", tag = "inventory",
    params(("restaurant_id" = Uuid, Path)), request_body = TransferInput,
    responses((status = 201, body = Transfer), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn send(
    mut t: Tenant,
    Json(b): Json<TransferInput>,
) -> ApiResult<(StatusCode, Json<Transfer>)> {
    t.require(Action::WriteData)?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let v = transfers::send(&mut t.tx, t.restaurant_id, t.user_id, &kitchen, &b).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Ask another of your restaurants (a central kitchen) for stock: this
/// restaurant's ingredients; the sender's ingredient or prep of the same
/// name is found. Nothing moves until the sender sends it.
#[utoipa::path(post, path = "/{restaurant_id}/inventory/transfers/requests", tag = "inventory",
    params(("restaurant_id" = Uuid, Path)), request_body = TransferInput,
    responses((status = 201, body = Transfer), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn request(
    mut t: Tenant,
    Json(b): Json<TransferInput>,
) -> ApiResult<(StatusCode, Json<Transfer>)> {
    t.require(Action::WriteData)?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let v = transfers::request(&mut t.tx, t.restaurant_id, t.user_id, &kitchen, &b).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// One transfer, as this restaurant sees it.
#[utoipa::path(get, path = "/{restaurant_id}/inventory/transfers/{transfer_id}", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), ("transfer_id" = Uuid, Path)),
    responses((status = 200, body = Transfer), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_transfer(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<Transfer>> {
    let id = path_uuid(&params, "transfer_id")?;
    let v = transfers::get(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(Json(v))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct FulfilBody {
    /// Default: today.
    pub date: Option<NaiveDate>,
}

/// Send a request made to this restaurant: both stocks move.
#[utoipa::path(post, path = "/{restaurant_id}/inventory/transfers/{transfer_id}/send", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), ("transfer_id" = Uuid, Path)), request_body = FulfilBody,
    responses((status = 200, body = Transfer), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn fulfil(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<FulfilBody>,
) -> ApiResult<Json<Transfer>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "transfer_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let v = transfers::fulfil(&mut t.tx, t.restaurant_id, t.user_id, &kitchen, id, b.date).await?;
    t.commit().await?;
    Ok(Json(v))
}

/// Cancel a request, from either side.
#[utoipa::path(post, path = "/{restaurant_id}/inventory/transfers/{transfer_id}/cancel", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), ("transfer_id" = Uuid, Path)),
    responses((status = 200, body = Transfer), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn cancel(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<Transfer>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "transfer_id")?;
    let v = transfers::cancel(&mut t.tx, t.restaurant_id, t.user_id, id).await?;
    t.commit().await?;
    Ok(Json(v))
}
