//! `/api/v1/restaurants/{id}/inventory/...` for inventory control: the
//! actual-against-theoretical report and its trend, the waste log (with
//! reasons, for ingredients, preps and dishes), and allergens (the matrix
//! and each ingredient's declaration).

use axum::extract::RawPathParams;
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use flux_app::costing::Kitchen;
use flux_app::inventory::allergens::{self, Overview};
use flux_app::inventory::variance::{self, TrendPoint, VarianceReport};
use flux_app::inventory::waste::{self, WasteInput, WasteLog};
use flux_costing::Allergen;
use flux_domain::role::Action;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiResult, Problem};
use crate::extract::{path_uuid, AuthUser, Json, Query, Tenant};
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// First day; default 27 days before `to`.
    pub from: Option<NaiveDate>,
    /// Last day; default yesterday in the restaurant's time zone.
    pub to: Option<NaiveDate>,
}

fn period(kitchen: &Kitchen, p: &PeriodParams) -> (NaiveDate, NaiveDate) {
    let to = p.to.unwrap_or(kitchen.today - Duration::days(1));
    let from = p.from.unwrap_or(to - Duration::days(27));
    (from, to)
}

/// The report with the id of each line's ingredient.
#[derive(Serialize, ToSchema)]
pub struct VarianceView {
    #[serde(flatten)]
    pub report: VarianceReport,
    /// Ingredient ids in the order of `lines`.
    pub ingredient_ids: Vec<Uuid>,
}

/// Actual against theoretical usage per ingredient (counts, deliveries
/// and waste against sales through recipes), ranked by the money logged
/// waste does not explain, with actual and theoretical food cost.
#[utoipa::path(get, path = "/{restaurant_id}/inventory/variance", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), PeriodParams),
    responses((status = 200, body = VarianceView), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn variance_report(
    mut t: Tenant,
    Query(p): Query<PeriodParams>,
) -> ApiResult<Json<VarianceView>> {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let (from, to) = period(&kitchen, &p);
    let r = variance::report(&mut t.tx, t.restaurant_id, &kitchen, from, to).await?;
    t.commit().await?;
    Ok(Json(VarianceView {
        report: r.report,
        ingredient_ids: r.ingredient_ids,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendParams {
    /// Last day of the last period; default yesterday.
    pub to: Option<NaiveDate>,
    /// Days per period, 1–92; default 7.
    pub days: Option<u32>,
    /// Periods, 1–12; default 6.
    pub periods: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct TrendView {
    /// Oldest first.
    pub periods: Vec<TrendPoint>,
}

/// The report's totals over consecutive periods: is the variance shrinking?
#[utoipa::path(get, path = "/{restaurant_id}/inventory/variance/trend", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), TrendParams),
    responses((status = 200, body = TrendView), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn variance_trend(
    mut t: Tenant,
    Query(p): Query<TrendParams>,
) -> ApiResult<Json<TrendView>> {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let to = p.to.unwrap_or(kitchen.today - Duration::days(1));
    let periods = variance::trend(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        to,
        p.days.unwrap_or(7),
        p.periods.unwrap_or(6),
    )
    .await?;
    t.commit().await?;
    Ok(Json(TrendView { periods }))
}

/// The waste log of a period, costed, with totals by reason and the
/// costliest items, and waste as a share of sales.
#[utoipa::path(get, path = "/{restaurant_id}/inventory/waste", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), PeriodParams),
    responses((status = 200, body = WasteLog), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn waste_log(mut t: Tenant, Query(p): Query<PeriodParams>) -> ApiResult<Json<WasteLog>> {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let (from, to) = match (p.from, p.to) {
        // The log's own default: the last week up to today.
        (None, None) => (kitchen.today - Duration::days(6), kitchen.today),
        _ => period(&kitchen, &p),
    };
    let log = waste::log(&mut t.tx, t.restaurant_id, &kitchen, from, to).await?;
    t.commit().await?;
    Ok(Json(log))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WasteBody {
    /// Default: today.
    pub date: Option<NaiveDate>,
    pub items: Vec<WasteInput>,
}

#[derive(Serialize, ToSchema)]
pub struct WasteRecorded {
    pub date: NaiveDate,
    /// One per entry, in order (use it to remove an entry).
    pub ids: Vec<Uuid>,
}

/// Log waste of ingredients, preps or dishes (each with a reason), all
/// entries or none.
#[utoipa::path(post, path = "/{restaurant_id}/inventory/waste/entries", tag = "inventory",
    params(("restaurant_id" = Uuid, Path)), request_body = WasteBody,
    responses((status = 201, body = WasteRecorded), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn record_waste(
    mut t: Tenant,
    Json(b): Json<WasteBody>,
) -> ApiResult<(StatusCode, Json<WasteRecorded>)> {
    t.require(Action::WriteData)?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let date = b.date.unwrap_or(kitchen.today);
    let ids = waste::record(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        date,
        &b.items,
        Some(t.user_id),
    )
    .await?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(WasteRecorded { date, ids })))
}

/// Remove a waste entry recorded by mistake.
#[utoipa::path(delete, path = "/{restaurant_id}/inventory/waste/entries/{waste_id}", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), ("waste_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_waste(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "waste_id")?;
    waste::delete(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One allergen as the lists name it.
#[derive(Serialize, ToSchema)]
pub struct AllergenInfo {
    pub allergen: Allergen,
    pub label: &'static str,
    /// One of the EU's fourteen (regulation 1169/2011, Annex II).
    pub eu: bool,
    /// One of the US major nine.
    pub us: bool,
}

#[derive(Serialize, ToSchema)]
pub struct AllergenMatrix {
    pub allergens: Vec<AllergenInfo>,
    #[serde(flatten)]
    pub overview: Overview,
}

/// The allergen matrix: every dish and prep with its allergens (through
/// sub-recipes, each with its source), the ingredients nobody reviewed
/// yet, and each ingredient's declaration.
#[utoipa::path(get, path = "/{restaurant_id}/inventory/allergens", tag = "inventory",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = AllergenMatrix), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn allergen_matrix(mut t: Tenant) -> ApiResult<Json<AllergenMatrix>> {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let overview = allergens::overview(&mut t.tx, t.restaurant_id, &kitchen).await?;
    t.commit().await?;
    Ok(Json(AllergenMatrix {
        allergens: Allergen::ALL
            .iter()
            .map(|&a| AllergenInfo {
                allergen: a,
                label: a.label(),
                eu: a.eu(),
                us: a.us(),
            })
            .collect(),
        overview,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllergensBody {
    /// Every allergen the ingredient contains (empty: reviewed, none).
    #[schema(example = json!(["milk", "eggs"]))]
    pub allergens: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AllergensSet {
    pub ingredient_id: Uuid,
    /// As stored: wheat brings gluten with it.
    pub allergens: Vec<Allergen>,
}

/// Record the review of an ingredient's allergens.
#[utoipa::path(put, path = "/{restaurant_id}/ingredients/{ingredient_id}/allergens", tag = "inventory",
    params(("restaurant_id" = Uuid, Path), ("ingredient_id" = Uuid, Path)), request_body = AllergensBody,
    responses((status = 200, body = AllergensSet), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn set_allergens(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<AllergensBody>,
) -> ApiResult<Json<AllergensSet>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "ingredient_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let set = allergens::set(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        id,
        &b.allergens,
        Some(t.user_id),
    )
    .await?;
    t.commit().await?;
    Ok(Json(AllergensSet {
        ingredient_id: id,
        allergens: set.into_iter().collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupParams {
    /// First day; default 27 days before `to`.
    pub from: Option<NaiveDate>,
    /// Last day; default yesterday (UTC).
    pub to: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct GroupOverview {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Each restaurant where the caller holds a role, by name (at most 100).
    pub sites: Vec<flux_app::inventory::group::Site>,
}

/// The caller's restaurants side by side over one period: sales, actual
/// and theoretical food cost, waste, unexplained variance and (for owners
/// and managers) labor. Only restaurants where the caller holds a role.
#[utoipa::path(get, path = "/overview", tag = "inventory",
    params(GroupParams),
    responses((status = 200, body = GroupOverview), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn group_overview(
    axum::extract::State(s): axum::extract::State<AppState>,
    user: AuthUser,
    Query(p): Query<GroupParams>,
) -> ApiResult<Json<GroupOverview>> {
    let to =
        p.to.unwrap_or_else(|| chrono::Utc::now().date_naive() - Duration::days(1));
    let from = p.from.unwrap_or(to - Duration::days(27));
    let sites = flux_app::inventory::group::overview(&s.pool, user.user_id, from, to).await?;
    Ok(Json(GroupOverview { from, to, sites }))
}
