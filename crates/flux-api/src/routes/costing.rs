//! `/api/v1/restaurants/{id}/costing/*`: COGS per dish, ingredient
//! explosion, and profitability with the menu-engineering matrix.

use chrono::NaiveDate;
use flux_app::costing::Kitchen;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::extract::{Json, Query, Tenant};
use crate::routes::recipes::CostParams;

#[derive(Serialize, ToSchema)]
pub struct DishCost {
    pub menu_item_id: Uuid,
    pub recipe_id: Uuid,
    pub dish: String,
    #[schema(value_type = Option<String>)]
    pub menu_price: Option<Decimal>,
    /// COGS of one portion.
    #[schema(value_type = String)]
    pub portion_cost: Decimal,
    /// (price − COGS) ÷ price.
    #[schema(value_type = Option<String>)]
    pub margin: Option<Decimal>,
}

#[derive(Serialize, ToSchema)]
pub struct DishCosts {
    pub items: Vec<DishCost>,
    pub include_waste: bool,
    pub prices_as_of: Option<NaiveDate>,
}

/// COGS and margin of every dish with a recipe (seed formula: Σ qty × unit
/// cost × (1 + waste factor), the waste term per `waste_factor_enabled`
/// unless `waste` says otherwise).
#[utoipa::path(get, path = "/{restaurant_id}/costing/dishes", tag = "costing",
    params(("restaurant_id" = Uuid, Path), CostParams),
    responses((status = 200, body = DishCosts), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn dishes(mut t: Tenant, Query(q): Query<CostParams>) -> ApiResult<Json<DishCosts>> {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    t.commit().await?;
    let options = kitchen.options(q.waste, q.date);
    let mut items = Vec::new();
    for r in &kitchen.rows.recipes {
        let Some(item) = r.menu_item_id else { continue };
        let cost = kitchen.cost(r.recipe_id, &options)?;
        items.push(DishCost {
            menu_item_id: item,
            recipe_id: r.recipe_id,
            dish: r.name.clone(),
            menu_price: r.menu_price,
            portion_cost: cost.unit_cost.rounded(),
            margin: cost.margin.map(|m| m.round_dp(4)),
        });
    }
    Ok(Json(DishCosts {
        items,
        include_waste: options.include_waste,
        prices_as_of: q.date,
    }))
}

/// What to explode: explicit dishes, or the sales or forecast of a period.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplodeBody {
    /// Explicit demand. Give this or `source`.
    #[serde(default)]
    pub dishes: Vec<DemandLine>,
    /// `sales` (units sold in the period) or `forecast` (the newest
    /// forecast run over the period).
    pub source: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// For `forecast`: plan for the `mean` (default) or the busy `p90`.
    pub level: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandLine {
    pub menu_item_id: Uuid,
    #[schema(value_type = String, example = "40")]
    pub quantity: Decimal,
}

/// Ingredient quantities needed for a demand, with and without waste,
/// through sub-recipes, in purchase units and whole packs. Dishes without
/// a recipe are listed under `uncovered`.
#[utoipa::path(post, path = "/{restaurant_id}/costing/explode", tag = "costing",
    params(("restaurant_id" = Uuid, Path)), request_body = ExplodeBody,
    responses((status = 200, body = flux_app::costing::explode::ExplosionReport), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn explode(
    mut t: Tenant,
    Json(b): Json<ExplodeBody>,
) -> ApiResult<Json<flux_app::costing::explode::ExplosionReport>> {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let demand = match (b.source.as_deref(), b.dishes.is_empty()) {
        (None, false) => b
            .dishes
            .iter()
            .map(|d| (d.menu_item_id, d.quantity))
            .collect(),
        (Some(source), true) => {
            let (Some(from), Some(to)) = (b.from, b.to) else {
                return Err(ApiError::field(
                    Code::ValidationFailed,
                    "from",
                    "required",
                    "`source` needs `from` and `to`",
                ));
            };
            super::check_period(from, to)?;
            match (source, b.level.as_deref()) {
                ("sales", None) => {
                    flux_app::costing::explode::sales_demand(&mut t.tx, t.restaurant_id, from, to)
                        .await?
                }
                ("forecast", level @ (None | Some("mean") | Some("p90"))) => {
                    flux_app::costing::explode::forecast_demand(
                        &mut t.tx,
                        t.restaurant_id,
                        from,
                        to,
                        level == Some("p90"),
                    )
                    .await?
                }
                ("forecast", Some(_)) => {
                    return Err(ApiError::field(
                        Code::ValidationFailed,
                        "level",
                        "invalid",
                        "level is `mean` or `p90`",
                    ))
                }
                ("sales", Some(_)) => {
                    return Err(ApiError::field(
                        Code::ValidationFailed,
                        "level",
                        "not_allowed",
                        "level applies to forecasts only",
                    ))
                }
                _ => {
                    return Err(ApiError::field(
                        Code::ValidationFailed,
                        "source",
                        "invalid",
                        "source is `sales` or `forecast`",
                    ))
                }
            }
        }
        _ => {
            return Err(ApiError::field(
                Code::ValidationFailed,
                "dishes",
                "dishes_or_source",
                "give either `dishes` or `source` (with `from` and `to`)",
            ))
        }
    };
    t.commit().await?;
    Ok(Json(kitchen.explode_items(&demand)?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// First day (default: 27 days before `to`).
    pub from: Option<NaiveDate>,
    /// Last day (default: yesterday, the restaurant's local date).
    pub to: Option<NaiveDate>,
    /// Cost at the prices effective on this date (default: today's).
    pub date: Option<NaiveDate>,
    /// Include waste factors (default: the `waste_factor_enabled` setting).
    pub waste: Option<bool>,
}

/// Profitability per dish over a period (units sold, revenue, COGS,
/// contribution, food-cost %), the theoretical food-cost %, the
/// menu-engineering class of each dish (star, plowhorse, puzzle, dog) and
/// the changes since the previous period of the same length.
#[utoipa::path(get, path = "/{restaurant_id}/costing/profitability", tag = "costing",
    params(("restaurant_id" = Uuid, Path), ReportParams),
    responses((status = 200, body = flux_app::costing::report::Profitability), (status = 400, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn profitability(
    mut t: Tenant,
    Query(q): Query<ReportParams>,
) -> ApiResult<Json<flux_app::costing::report::Profitability>> {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let (from, to) = flux_app::costing::report::default_period(kitchen.today, q.from, q.to);
    super::check_period(from, to)?;
    let options = kitchen.options(q.waste, q.date);
    let report = flux_app::costing::report::profitability(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        from,
        to,
        &options,
    )
    .await?;
    t.commit().await?;
    Ok(Json(report))
}
