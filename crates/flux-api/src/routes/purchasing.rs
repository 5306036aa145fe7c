//! `/api/v1/restaurants/{id}/suppliers`, `/inventory` and `/purchasing/*`:
//! suppliers and offers, stock, order recommendations, purchase orders and
//! the prep list. Money and quantities are exact decimals (JSON strings in
//! responses); stock quantities are in each ingredient's base unit.

use axum::extract::RawPathParams;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use flux_app::costing::Kitchen;
use flux_app::purchasing::orders::{self, LineInput, Order, OrderStatus, Receipt};
use flux_app::purchasing::plan::{InventoryLine, ParLevel, Policy, Recommendation};
use flux_app::purchasing::prep::PrepList;
use flux_app::purchasing::stock::{self, EventInput, Kind};
use flux_app::purchasing::suppliers::{self, OfferInput, SupplierInput, SupplierOffers};
use flux_domain::role::Action;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::extract::{path_uuid, Json, Query, Tenant};

#[derive(Serialize, ToSchema)]
pub struct SupplierView {
    pub id: Uuid,
    pub name: String,
    pub contact_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub lead_time_days: i32,
    /// ISO weekdays it delivers on: 1 = Monday … 7 = Sunday.
    pub delivery_days: Vec<i16>,
    #[schema(value_type = String)]
    pub min_order_value: Decimal,
    pub offers: Vec<OfferView>,
}

#[derive(Serialize, ToSchema)]
pub struct OfferView {
    pub ingredient_id: Uuid,
    pub ingredient: String,
    /// Pack size in the ingredient's base unit.
    #[schema(value_type = String)]
    pub pack_base_units: Decimal,
    pub base_unit: String,
    #[schema(value_type = String)]
    pub pack_price: Decimal,
    pub preferred: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplierBody {
    #[schema(example = "Huerta Hermanos SL")]
    pub name: String,
    pub contact_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Days from order to delivery (default 1).
    pub lead_time_days: Option<i64>,
    /// ISO weekdays (1 = Monday … 7 = Sunday), default Monday–Friday.
    pub delivery_days: Option<Vec<i64>>,
    #[schema(value_type = Option<String>)]
    pub min_order_value: Option<Decimal>,
}

impl From<SupplierBody> for SupplierInput {
    fn from(b: SupplierBody) -> Self {
        SupplierInput {
            name: b.name,
            contact_name: b.contact_name,
            email: b.email,
            phone: b.phone,
            lead_time_days: b.lead_time_days,
            delivery_days: b.delivery_days,
            min_order_value: b.min_order_value,
        }
    }
}

fn supplier_view(kitchen: &Kitchen, s: SupplierOffers) -> SupplierView {
    let SupplierOffers {
        supplier: s,
        offers,
    } = s;
    let offers = offers
        .into_iter()
        .filter_map(|o| {
            let i = kitchen.ingredient(o.ingredient_id)?;
            Some(OfferView {
                ingredient_id: o.ingredient_id,
                ingredient: i.name.clone(),
                pack_base_units: o.pack_base_units.normalize(),
                base_unit: i.base_unit.clone(),
                pack_price: o.pack_price.normalize(),
                preferred: o.preferred,
            })
        })
        .collect();
    SupplierView {
        id: s.supplier_id,
        name: s.name,
        contact_name: s.contact_name,
        email: s.email,
        phone: s.phone,
        lead_time_days: s.lead_time_days,
        delivery_days: s.delivery_days,
        min_order_value: s.min_order_value.normalize(),
        offers,
    }
}

/// The supplier as stored now, with its offers.
async fn load_view(t: &mut Tenant, id: Uuid) -> ApiResult<SupplierView> {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let s = suppliers::get(&mut t.tx, t.restaurant_id, id).await?;
    Ok(supplier_view(&kitchen, s))
}

/// Every supplier with its offers (a restaurant has tens; not paginated).
#[utoipa::path(get, path = "/{restaurant_id}/suppliers", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = [SupplierView]), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_suppliers(mut t: Tenant) -> ApiResult<Json<Vec<SupplierView>>> {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let out = suppliers::list_with_offers(&mut t.tx, t.restaurant_id)
        .await?
        .into_iter()
        .map(|s| supplier_view(&kitchen, s))
        .collect();
    t.commit().await?;
    Ok(Json(out))
}

/// Add a supplier.
#[utoipa::path(post, path = "/{restaurant_id}/suppliers", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path)), request_body = SupplierBody,
    responses((status = 201, body = SupplierView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_supplier(
    mut t: Tenant,
    Json(b): Json<SupplierBody>,
) -> ApiResult<(StatusCode, Json<SupplierView>)> {
    t.require(Action::WriteData)?;
    let row = suppliers::create(&mut t.tx, t.restaurant_id, &b.into()).await?;
    let view = load_view(&mut t, row.supplier_id).await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One supplier with its offers.
#[utoipa::path(get, path = "/{restaurant_id}/suppliers/{supplier_id}", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), ("supplier_id" = Uuid, Path)),
    responses((status = 200, body = SupplierView), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_supplier(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<SupplierView>> {
    let id = path_uuid(&params, "supplier_id")?;
    let view = load_view(&mut t, id).await?;
    t.commit().await?;
    Ok(Json(view))
}

/// Replace a supplier's details.
#[utoipa::path(put, path = "/{restaurant_id}/suppliers/{supplier_id}", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), ("supplier_id" = Uuid, Path)), request_body = SupplierBody,
    responses((status = 200, body = SupplierView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_supplier(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<SupplierBody>,
) -> ApiResult<Json<SupplierView>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "supplier_id")?;
    suppliers::update(&mut t.tx, t.restaurant_id, id, &b.into()).await?;
    let view = load_view(&mut t, id).await?;
    t.commit().await?;
    Ok(Json(view))
}

/// Delete a supplier (and its offers). 409 `in_use` while orders name it.
#[utoipa::path(delete, path = "/{restaurant_id}/suppliers/{supplier_id}", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), ("supplier_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_supplier(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "supplier_id")?;
    suppliers::delete(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferBody {
    /// Any unit the ingredient converts to, e.g. "5 kg" or "30 each".
    #[schema(example = "5 kg")]
    pub pack_size: String,
    #[schema(value_type = String, example = "11.50")]
    pub pack_price: Decimal,
    /// Buy this ingredient from this supplier (unsets the others).
    #[serde(default)]
    pub preferred: bool,
}

/// Set what a supplier sells an ingredient as.
#[utoipa::path(put, path = "/{restaurant_id}/suppliers/{supplier_id}/offers/{ingredient_id}", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), ("supplier_id" = Uuid, Path), ("ingredient_id" = Uuid, Path)),
    request_body = OfferBody,
    responses((status = 200, body = SupplierView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn set_offer(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<OfferBody>,
) -> ApiResult<Json<SupplierView>> {
    t.require(Action::WriteData)?;
    let supplier = path_uuid(&params, "supplier_id")?;
    let ingredient = path_uuid(&params, "ingredient_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let input = OfferInput {
        pack_size: b.pack_size,
        pack_price: b.pack_price,
        preferred: b.preferred,
    };
    suppliers::set_offer(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        supplier,
        ingredient,
        &input,
    )
    .await?;
    let view = supplier_view(
        &kitchen,
        suppliers::get(&mut t.tx, t.restaurant_id, supplier).await?,
    );
    t.commit().await?;
    Ok(Json(view))
}

/// Remove a supplier's offer for an ingredient.
#[utoipa::path(delete, path = "/{restaurant_id}/suppliers/{supplier_id}/offers/{ingredient_id}", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), ("supplier_id" = Uuid, Path), ("ingredient_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_offer(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    t.require(Action::WriteData)?;
    let supplier = path_uuid(&params, "supplier_id")?;
    let ingredient = path_uuid(&params, "ingredient_id")?;
    suppliers::delete_offer(&mut t.tx, t.restaurant_id, supplier, ingredient).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateParam {
    /// Default: today in the restaurant's time zone.
    pub date: Option<NaiveDate>,
    /// Service level 0.5–0.99 overriding the per-ingredient or restaurant default.
    pub service_level: Option<f64>,
}

fn check_level(level: Option<f64>) -> Result<(), ApiError> {
    match level {
        Some(l) if !(0.5..=0.99).contains(&l) => Err(ApiError::new(
            Code::InvalidQuery,
            "service_level must be between 0.5 and 0.99",
        )),
        _ => Ok(()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct Inventory {
    pub date: NaiveDate,
    pub items: Vec<InventoryLine>,
}

/// Stock on hand per ingredient (last count − usage from sales through
/// recipes + deliveries − waste), and low-stock alerts against the
/// forecast until the next delivery.
#[utoipa::path(get, path = "/{restaurant_id}/inventory", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), DateParam),
    responses((status = 200, body = Inventory), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn inventory(mut t: Tenant, Query(q): Query<DateParam>) -> ApiResult<Json<Inventory>> {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let date = q.date.unwrap_or(kitchen.today);
    let items =
        flux_app::purchasing::plan::inventory(&mut t.tx, t.restaurant_id, &kitchen, date).await?;
    t.commit().await?;
    Ok(Json(Inventory { date, items }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockBody {
    /// Default: today.
    pub date: Option<NaiveDate>,
    pub items: Vec<StockItem>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockItem {
    pub ingredient_id: Uuid,
    #[schema(value_type = String, example = "12.5")]
    pub quantity: Decimal,
    /// Default: the ingredient's base unit.
    pub unit: Option<String>,
    pub note: Option<String>,
    /// Waste only: why (default `other`).
    pub reason: Option<flux_app::inventory::WasteReason>,
}

/// How many stock events one request recorded, and as what.
#[derive(Serialize, ToSchema)]
pub struct StockRecorded {
    pub recorded: usize,
    pub date: NaiveDate,
    pub kind: Kind,
}

async fn record(
    mut t: Tenant,
    kind: Kind,
    b: StockBody,
) -> ApiResult<(StatusCode, Json<StockRecorded>)> {
    t.require(Action::WriteData)?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let date = b.date.unwrap_or(kitchen.today);
    let items: Vec<EventInput> = b
        .items
        .into_iter()
        .map(|i| EventInput {
            ingredient_id: i.ingredient_id,
            quantity: i.quantity,
            unit: i.unit,
            note: i.note,
            reason: i.reason,
        })
        .collect();
    let rows = stock::record(&mut t.tx, t.restaurant_id, &kitchen, kind, date, &items).await?;
    t.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(StockRecorded {
            recorded: rows.len(),
            date,
            kind,
        }),
    ))
}

/// Record a stock count (the stock at the end of the day), all items or none.
#[utoipa::path(post, path = "/{restaurant_id}/inventory/counts", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path)), request_body = StockBody,
    responses((status = 201, body = StockRecorded), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn counts(
    t: Tenant,
    Json(b): Json<StockBody>,
) -> ApiResult<(StatusCode, Json<StockRecorded>)> {
    record(t, Kind::Count, b).await
}

/// Record deliveries received outside a purchase order.
#[utoipa::path(post, path = "/{restaurant_id}/inventory/deliveries", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path)), request_body = StockBody,
    responses((status = 201, body = StockRecorded), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn deliveries(
    t: Tenant,
    Json(b): Json<StockBody>,
) -> ApiResult<(StatusCode, Json<StockRecorded>)> {
    record(t, Kind::Delivery, b).await
}

/// Record stock thrown away.
#[utoipa::path(post, path = "/{restaurant_id}/inventory/waste", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path)), request_body = StockBody,
    responses((status = 201, body = StockRecorded), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn waste(
    t: Tenant,
    Json(b): Json<StockBody>,
) -> ApiResult<(StatusCode, Json<StockRecorded>)> {
    record(t, Kind::Waste, b).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecommendParams {
    /// Default: today in the restaurant's time zone.
    pub date: Option<NaiveDate>,
    /// Service level 0.5–0.99 overriding the per-ingredient or restaurant default.
    pub service_level: Option<f64>,
    /// `forecast` (default): the newsvendor quantity for the forecast;
    /// `par`: fill to each ingredient's par level (set, else suggested).
    pub policy: Option<Policy>,
}

/// What to order today, per supplier, with an explanation per line.
#[utoipa::path(get, path = "/{restaurant_id}/purchasing/recommendations", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), RecommendParams),
    responses((status = 200, body = Recommendation), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn recommendations(
    mut t: Tenant,
    Query(q): Query<RecommendParams>,
) -> ApiResult<Json<Recommendation>> {
    check_level(q.service_level)?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let today = q.date.unwrap_or(kitchen.today);
    let r = flux_app::purchasing::plan::recommend(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        today,
        q.service_level,
        q.policy.unwrap_or_default(),
    )
    .await?;
    t.commit().await?;
    Ok(Json(r))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    /// Only these suppliers' recommendations (default: all with something to order).
    #[serde(default)]
    pub supplier_ids: Vec<Uuid>,
    pub service_level: Option<f64>,
    /// `forecast` (default) or `par`: fill to each ingredient's par level.
    #[serde(default)]
    pub policy: Policy,
}

/// The draft orders accepting the recommendations created.
#[derive(Serialize, ToSchema)]
pub struct AcceptedOrders {
    /// Ids of the new draft purchase orders.
    pub orders: Vec<Uuid>,
}

/// Turn today's recommendations into draft purchase orders, one per supplier.
#[utoipa::path(post, path = "/{restaurant_id}/purchasing/recommendations/accept", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path)), request_body = AcceptBody,
    responses((status = 201, body = AcceptedOrders), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn accept(
    mut t: Tenant,
    Json(b): Json<AcceptBody>,
) -> ApiResult<(StatusCode, Json<AcceptedOrders>)> {
    t.require(Action::WriteData)?;
    check_level(b.service_level)?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let created = flux_app::purchasing::plan::accept(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        kitchen.today,
        b.service_level,
        b.policy,
        &b.supplier_ids,
    )
    .await?;
    t.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(AcceptedOrders { orders: created }),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderFilter {
    /// draft, sent, received or cancelled.
    pub status: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<Order>,
    pub next_cursor: Option<String>,
}

/// Purchase orders, newest first.
#[utoipa::path(get, path = "/{restaurant_id}/purchasing/orders", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), OrderFilter),
    responses((status = 200, body = OrderPage), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_orders(
    mut t: Tenant,
    Query(q): Query<OrderFilter>,
) -> ApiResult<Json<OrderPage>> {
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(OrderStatus::parse(s).ok_or_else(|| {
            ApiError::new(
                Code::InvalidQuery,
                "status is draft, sent, received or cancelled",
            )
        })?),
    };
    let page = crate::pagination::PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let before = page.decode::<(chrono::DateTime<chrono::Utc>, Uuid)>()?;
    let mut items = orders::list(&mut t.tx, t.restaurant_id, status, before, limit + 1).await?;
    let more = items.len() as i64 > limit;
    items.truncate(usize::try_from(limit).unwrap_or(0));
    t.commit().await?;
    let next_cursor = if more {
        items
            .last()
            .map(|o| crate::pagination::encode(&(o.created_at, o.id)))
    } else {
        None
    };
    Ok(Json(OrderPage { items, next_cursor }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderBody {
    pub supplier_id: Uuid,
    pub delivery_date: Option<NaiveDate>,
    pub note: Option<String>,
    pub lines: Vec<OrderLineBody>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderLineBody {
    pub ingredient_id: Uuid,
    /// Whole packs, priced by the supplier's current offer.
    pub packs: i64,
}

fn lines(input: Vec<OrderLineBody>) -> Vec<LineInput> {
    input
        .into_iter()
        .map(|l| LineInput {
            ingredient_id: l.ingredient_id,
            packs: l.packs,
            explanation: None,
        })
        .collect()
}

/// Create a draft purchase order by hand.
#[utoipa::path(post, path = "/{restaurant_id}/purchasing/orders", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path)), request_body = OrderBody,
    responses((status = 201, body = Order), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_order(
    mut t: Tenant,
    Json(b): Json<OrderBody>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    t.require(Action::WriteData)?;
    let order = orders::create(
        &mut t.tx,
        t.restaurant_id,
        b.supplier_id,
        b.delivery_date,
        b.note.as_deref(),
        &lines(b.lines),
    )
    .await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(order)))
}

/// One purchase order with its lines.
#[utoipa::path(get, path = "/{restaurant_id}/purchasing/orders/{order_id}", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), ("order_id" = Uuid, Path)),
    responses((status = 200, body = Order), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_order(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<Order>> {
    let id = path_uuid(&params, "order_id")?;
    let order = orders::get(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(Json(order))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    pub lines: Vec<OrderLineBody>,
}

/// Replace a draft's lines (409 once sent).
#[utoipa::path(put, path = "/{restaurant_id}/purchasing/orders/{order_id}", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), ("order_id" = Uuid, Path)), request_body = EditBody,
    responses((status = 200, body = Order), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn edit_order(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<EditBody>,
) -> ApiResult<Json<Order>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "order_id")?;
    let order = orders::edit(&mut t.tx, t.restaurant_id, id, &lines(b.lines)).await?;
    t.commit().await?;
    Ok(Json(order))
}

/// Mark a draft as sent; its quantities now count as on order. With SMTP
/// configured and a supplier e-mail address, the order is e-mailed with its
/// CSV attached first (502 `mail_failed` leaves it a draft); otherwise the
/// supplier's copy is at `.../csv`.
#[utoipa::path(post, path = "/{restaurant_id}/purchasing/orders/{order_id}/send", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), ("order_id" = Uuid, Path)),
    responses((status = 200, body = Order), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 502, body = Problem)),
    security(("bearer" = [])))]
pub async fn send_order(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    mut t: Tenant,
    params: RawPathParams,
) -> ApiResult<Json<Order>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "order_id")?;
    // Mailed before the commit: if delivery fails, the order stays a draft.
    let order =
        orders::send_to_supplier(&mut t.tx, t.restaurant_id, id, state.mailer.as_ref()).await?;
    t.commit().await?;
    Ok(Json(order))
}

/// Cancel a draft or sent order.
#[utoipa::path(post, path = "/{restaurant_id}/purchasing/orders/{order_id}/cancel", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), ("order_id" = Uuid, Path)),
    responses((status = 200, body = Order), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn cancel_order(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<Order>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "order_id")?;
    let order = orders::cancel(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(Json(order))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiveBody {
    /// Default: today.
    pub date: Option<NaiveDate>,
    /// Lines that arrived short or over (base units); others as ordered.
    #[serde(default)]
    pub lines: Vec<ReceiptBody>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptBody {
    pub line_no: i32,
    #[schema(value_type = String)]
    pub received_quantity: Decimal,
}

/// Receive a sent order: received quantities become deliveries in stock.
#[utoipa::path(post, path = "/{restaurant_id}/purchasing/orders/{order_id}/receive", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), ("order_id" = Uuid, Path)), request_body = ReceiveBody,
    responses((status = 200, body = Order), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn receive_order(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<ReceiveBody>,
) -> ApiResult<Json<Order>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "order_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let receipts: Vec<Receipt> = b
        .lines
        .into_iter()
        .map(|r| Receipt {
            line_no: r.line_no,
            received_quantity: r.received_quantity,
        })
        .collect();
    let order = orders::receive(
        &mut t.tx,
        t.restaurant_id,
        id,
        b.date.unwrap_or(kitchen.today),
        &receipts,
    )
    .await?;
    t.commit().await?;
    Ok(Json(order))
}

/// The order as CSV for the supplier.
#[utoipa::path(get, path = "/{restaurant_id}/purchasing/orders/{order_id}/csv", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), ("order_id" = Uuid, Path)),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn order_csv(mut t: Tenant, params: RawPathParams) -> ApiResult<Response> {
    let id = path_uuid(&params, "order_id")?;
    let order = orders::get(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    let filename = format!("order-{}.csv", &order.id.to_string()[..8]);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        orders::to_csv(&order),
    )
        .into_response())
}

/// The day's prep list: portions per dish at the service level (default:
/// the restaurant's `service_level` setting) and the preps they need, net
/// of prepared stock still usable that day.
#[utoipa::path(get, path = "/{restaurant_id}/purchasing/prep-list", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), DateParam),
    responses((status = 200, body = PrepList), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn prep_list(mut t: Tenant, Query(q): Query<DateParam>) -> ApiResult<Json<PrepList>> {
    check_level(q.service_level)?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let level = q.service_level.unwrap_or_else(|| {
        flux_app::purchasing::prep::level_from_setting(kitchen.settings.service_level)
    });
    let date = q.date.unwrap_or(kitchen.today);
    let list =
        flux_app::purchasing::prep::prep_list(&mut t.tx, t.restaurant_id, &kitchen, date, level)
            .await?;
    t.commit().await?;
    Ok(Json(list))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrepCountBody {
    /// A prep (sub-recipe).
    pub recipe_id: Uuid,
    /// In the prep's yield unit.
    #[schema(value_type = String, example = "0.4")]
    pub quantity: Decimal,
    /// Default: today.
    pub counted_on: Option<NaiveDate>,
    pub usable_until: NaiveDate,
}

/// Count prepared stock of a prep; the prep list subtracts the latest
/// count while it is usable.
#[utoipa::path(post, path = "/{restaurant_id}/purchasing/prep-counts", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path)), request_body = PrepCountBody,
    responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn prep_count(mut t: Tenant, Json(b): Json<PrepCountBody>) -> ApiResult<StatusCode> {
    t.require(Action::WriteData)?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    flux_app::purchasing::prep::record_count(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        b.recipe_id,
        b.counted_on.unwrap_or(kitchen.today),
        b.quantity,
        b.usable_until,
    )
    .await?;
    t.commit().await?;
    Ok(StatusCode::CREATED)
}

#[derive(Serialize, ToSchema)]
pub struct ParList {
    pub items: Vec<ParLevel>,
}

/// Every ingredient's par level: the one set, and the one the forecast
/// suggests (p90 of use until the next delivery, up to the window's
/// order-up-to level).
#[utoipa::path(get, path = "/{restaurant_id}/purchasing/pars", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = ParList), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn pars(mut t: Tenant) -> ApiResult<Json<ParList>> {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let items =
        flux_app::purchasing::plan::par_levels(&mut t.tx, t.restaurant_id, &kitchen, kitchen.today)
            .await?;
    t.commit().await?;
    Ok(Json(ParList { items }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParBody {
    /// In the ingredient's base unit; `min` ≤ `max`.
    #[schema(value_type = String, example = "4")]
    pub min: Decimal,
    #[schema(value_type = String, example = "12")]
    pub max: Decimal,
}

/// Set an ingredient's par level (it then wins over the suggestion).
#[utoipa::path(put, path = "/{restaurant_id}/ingredients/{ingredient_id}/par", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), ("ingredient_id" = Uuid, Path)), request_body = ParBody,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn set_par(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<ParBody>,
) -> ApiResult<StatusCode> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "ingredient_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    flux_app::purchasing::plan::set_par(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        id,
        Some((b.min, b.max)),
    )
    .await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Clear an ingredient's par level (back to the suggestion).
#[utoipa::path(delete, path = "/{restaurant_id}/ingredients/{ingredient_id}/par", tag = "purchasing",
    params(("restaurant_id" = Uuid, Path), ("ingredient_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn clear_par(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "ingredient_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    flux_app::purchasing::plan::set_par(&mut t.tx, t.restaurant_id, &kitchen, id, None).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
