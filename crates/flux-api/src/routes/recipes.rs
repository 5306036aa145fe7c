//! `/api/v1/restaurants/{id}/recipes`: dishes and preps with their lines,
//! their cost breakdown, and the seed's confirmation workflow
//! (`/recipes/confirm`).

use axum::extract::RawPathParams;
use axum::http::StatusCode;
use chrono::NaiveDate;
use flux_app::costing::recipes::{self, LineInput, RecipeInput, RecipeRow, YieldInput};
use flux_app::costing::suggest::Pending;
use flux_app::costing::Kitchen;
use flux_domain::role::Action;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{path_uuid, Json, Query, Tenant};

/// A recipe to create or replace: a dish (`menu_item_id`, `portions`) or a
/// prep (`name`, `yield`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecipeBody {
    pub menu_item_id: Option<Uuid>,
    #[schema(example = "Tomato sauce")]
    pub name: Option<String>,
    /// Portions one batch of a dish makes (default 1).
    #[schema(value_type = Option<String>, example = "1")]
    pub portions: Option<Decimal>,
    /// What one batch of a prep makes.
    #[serde(rename = "yield")]
    pub yields: Option<YieldBody>,
    pub lines: Vec<LineBody>,
    /// Save a change that alters the allergens a dish declares (this
    /// dish, or one using this prep). Without it such a change answers
    /// `409 allergens_changed` listing each dish's added and removed
    /// allergens, and nothing is saved.
    #[serde(default)]
    pub acknowledge_allergen_change: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YieldBody {
    #[schema(value_type = String, example = "2")]
    pub amount: Decimal,
    #[schema(example = "l")]
    pub unit: String,
}

/// One line: an ingredient or a prep (`recipe_id`), so much of it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    pub ingredient_id: Option<Uuid>,
    pub recipe_id: Option<Uuid>,
    #[schema(value_type = String, example = "150")]
    pub quantity: Decimal,
    #[schema(example = "g")]
    pub unit: String,
    /// How the ingredient is prepared, one of its yields
    /// (`…/ingredients/{id}/yields`): `quantity` is then the prepared
    /// amount and the purchase is `quantity ÷ yield`.
    #[schema(example = "diced")]
    pub prep: Option<String>,
}

impl From<LineBody> for LineInput {
    fn from(l: LineBody) -> Self {
        LineInput {
            ingredient_id: l.ingredient_id,
            recipe_id: l.recipe_id,
            quantity: l.quantity,
            unit: l.unit,
            prep: l.prep,
        }
    }
}

impl From<RecipeBody> for RecipeInput {
    fn from(b: RecipeBody) -> Self {
        RecipeInput {
            menu_item_id: b.menu_item_id,
            name: b.name,
            portions: b.portions,
            yields: b.yields.map(|y| YieldInput {
                amount: y.amount,
                unit: y.unit,
            }),
            lines: b.lines.into_iter().map(LineInput::from).collect(),
            acknowledge_allergen_change: b.acknowledge_allergen_change,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RecipeLineView {
    pub ingredient_id: Option<Uuid>,
    pub recipe_id: Option<Uuid>,
    /// The ingredient's or prep's name.
    pub name: String,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    pub unit: String,
    /// The ingredient's preparation, if the line names one.
    pub prep: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RecipeView {
    pub id: Uuid,
    /// `dish` or `prep`.
    pub kind: String,
    pub menu_item_id: Option<Uuid>,
    pub name: String,
    /// Portions (dish) or amount (prep) per batch.
    #[schema(value_type = String)]
    pub yield_amount: Decimal,
    /// `each` (portions) for dishes.
    pub yield_unit: String,
    #[schema(value_type = Option<String>)]
    pub menu_price: Option<Decimal>,
    pub lines: Vec<RecipeLineView>,
    /// The cost with its breakdown by ingredient (through sub-recipes) at
    /// today's prices, waste as the `waste_factor_enabled` setting says:
    /// `batch_cost`, `unit_cost` (per portion or per yield unit), `margin`
    /// ((price − cost) ÷ price), `lines`.
    pub cost: flux_costing::RecipeCost,
}

/// `dish` (made for a menu item) or `prep` (a sub-recipe).
fn kind(r: &RecipeRow) -> String {
    if r.menu_item_id.is_some() {
        "dish"
    } else {
        "prep"
    }
    .into()
}

fn view(kitchen: &Kitchen, id: Uuid) -> Result<RecipeView, ApiError> {
    let r = kitchen.recipe(id).ok_or_else(ApiError::not_found)?;
    let lines = kitchen
        .rows
        .lines
        .iter()
        .filter(|l| l.recipe_id == id)
        .map(|l| RecipeLineView {
            ingredient_id: l.ingredient_id,
            recipe_id: l.sub_recipe_id,
            name: match (l.ingredient_id, l.sub_recipe_id) {
                (Some(i), _) => kitchen.ingredient(i).map(|i| i.name.clone()),
                (None, Some(s)) => kitchen.recipe(s).map(|r| r.name.clone()),
                _ => None,
            }
            .unwrap_or_default(),
            quantity: l.quantity.normalize(),
            unit: l.unit.clone(),
            prep: l.prep_key.as_ref().and_then(|key| {
                kitchen
                    .rows
                    .yields
                    .iter()
                    .find(|y| Some(y.ingredient_id) == l.ingredient_id && &y.action_key == key)
                    .map(|y| y.action.clone())
            }),
        })
        .collect();
    let cost = kitchen.cost(id, &kitchen.options(None, None))?;
    Ok(RecipeView {
        id,
        kind: kind(r),
        menu_item_id: r.menu_item_id,
        name: r.name.clone(),
        yield_amount: r.yield_amount.normalize(),
        yield_unit: r.yield_unit.clone(),
        menu_price: r.menu_price,
        lines,
        cost,
    })
}

#[derive(Serialize, ToSchema)]
pub struct RecipeSummary {
    pub id: Uuid,
    pub kind: String,
    pub menu_item_id: Option<Uuid>,
    pub name: String,
    #[schema(value_type = String)]
    pub yield_amount: Decimal,
    pub yield_unit: String,
    #[schema(value_type = Option<String>)]
    pub menu_price: Option<Decimal>,
    /// Food cost of one portion (dish) or one yield unit (prep).
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
    /// (price − cost) ÷ price, for priced dishes.
    #[schema(value_type = Option<String>)]
    pub margin: Option<Decimal>,
    pub line_count: usize,
}

#[derive(Serialize, ToSchema)]
pub struct RecipeList {
    pub items: Vec<RecipeSummary>,
    pub include_waste: bool,
    /// The date whose prices were used; absent for today's.
    pub prices_as_of: Option<NaiveDate>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CostParams {
    /// Cost at the prices effective on this date (default: today's).
    pub date: Option<NaiveDate>,
    /// Include waste factors (default: the `waste_factor_enabled` setting).
    pub waste: Option<bool>,
}

/// Confirmed recipes (dishes and preps) with their cost and margin. A
/// kitchen has at most a few hundred, so the list is not paginated.
#[utoipa::path(get, path = "/{restaurant_id}/recipes", tag = "costing",
    params(("restaurant_id" = Uuid, Path), CostParams),
    responses((status = 200, body = RecipeList), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(mut t: Tenant, Query(q): Query<CostParams>) -> ApiResult<Json<RecipeList>> {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    t.commit().await?;
    let options = kitchen.options(q.waste, q.date);
    let mut items = Vec::new();
    for r in &kitchen.rows.recipes {
        let cost = kitchen.cost(r.recipe_id, &options)?;
        items.push(RecipeSummary {
            id: r.recipe_id,
            kind: kind(r),
            menu_item_id: r.menu_item_id,
            name: r.name.clone(),
            yield_amount: r.yield_amount.normalize(),
            yield_unit: r.yield_unit.clone(),
            menu_price: r.menu_price,
            unit_cost: cost.unit_cost.amount().normalize(),
            margin: cost.margin.map(|m| m.round_dp(4)),
            line_count: kitchen
                .rows
                .lines
                .iter()
                .filter(|l| l.recipe_id == r.recipe_id)
                .count(),
        });
    }
    Ok(Json(RecipeList {
        items,
        include_waste: options.include_waste,
        prices_as_of: q.date,
    }))
}

/// Create a dish or prep recipe. 422 `recipe_cycle` if sub-recipes would
/// loop, `invalid_recipe` if a unit cannot be converted.
#[utoipa::path(post, path = "/{restaurant_id}/recipes", tag = "costing",
    params(("restaurant_id" = Uuid, Path)), request_body = RecipeBody,
    responses((status = 201, body = RecipeView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    mut t: Tenant,
    Json(b): Json<RecipeBody>,
) -> ApiResult<(StatusCode, Json<RecipeView>)> {
    t.require(Action::WriteData)?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let id = recipes::create(&mut t.tx, t.restaurant_id, &kitchen, &b.into()).await?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let view = view(&kitchen, id)?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One recipe with its lines and cost breakdown.
#[utoipa::path(get, path = "/{restaurant_id}/recipes/{recipe_id}", tag = "costing",
    params(("restaurant_id" = Uuid, Path), ("recipe_id" = Uuid, Path)),
    responses((status = 200, body = RecipeView), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(mut t: Tenant, params: RawPathParams) -> ApiResult<Json<RecipeView>> {
    let id = path_uuid(&params, "recipe_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    t.commit().await?;
    Ok(Json(view(&kitchen, id)?))
}

/// Replace a recipe's yield and lines.
#[utoipa::path(put, path = "/{restaurant_id}/recipes/{recipe_id}", tag = "costing",
    params(("restaurant_id" = Uuid, Path), ("recipe_id" = Uuid, Path)), request_body = RecipeBody,
    responses((status = 200, body = RecipeView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    mut t: Tenant,
    params: RawPathParams,
    Json(b): Json<RecipeBody>,
) -> ApiResult<Json<RecipeView>> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "recipe_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    recipes::update(&mut t.tx, t.restaurant_id, &kitchen, id, &b.into()).await?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let view = view(&kitchen, id)?;
    t.commit().await?;
    Ok(Json(view))
}

/// Delete a recipe. 409 `in_use` while another recipe uses it.
#[utoipa::path(delete, path = "/{restaurant_id}/recipes/{recipe_id}", tag = "costing",
    params(("restaurant_id" = Uuid, Path), ("recipe_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(mut t: Tenant, params: RawPathParams) -> ApiResult<StatusCode> {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "recipe_id")?;
    recipes::delete(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A recipe's cost at any date's prices, with or without waste, broken
/// down by ingredient (each line's `path` shows the sub-recipes it came
/// through).
#[utoipa::path(get, path = "/{restaurant_id}/recipes/{recipe_id}/cost", tag = "costing",
    params(("restaurant_id" = Uuid, Path), ("recipe_id" = Uuid, Path), CostParams),
    responses((status = 200, body = flux_costing::RecipeCost), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn cost(
    mut t: Tenant,
    params: RawPathParams,
    Query(q): Query<CostParams>,
) -> ApiResult<Json<flux_costing::RecipeCost>> {
    let id = path_uuid(&params, "recipe_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    t.commit().await?;
    Ok(Json(kitchen.cost(id, &kitchen.options(q.waste, q.date))?))
}

#[derive(Serialize, ToSchema)]
pub struct PendingList {
    pub items: Vec<Pending>,
    pub total: usize,
}

/// Active dishes without a recipe, each with the built-in library's
/// suggestion (ingredient lines, typical prices, estimated portion cost).
#[utoipa::path(get, path = "/{restaurant_id}/recipes/confirm", tag = "costing",
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = PendingList), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn pending(mut t: Tenant) -> ApiResult<Json<PendingList>> {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let items = flux_app::costing::suggest::pending(&mut t.tx, t.restaurant_id, &kitchen).await?;
    t.commit().await?;
    Ok(Json(PendingList {
        total: items.len(),
        items,
    }))
}

/// The seed's confirmation: a dish's ingredients with quantities.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    pub menu_item_id: Uuid,
    /// The lines as the chef confirmed them.
    #[serde(default)]
    pub ingredients: Vec<ConfirmLine>,
    /// Preps used by the dish.
    #[serde(default)]
    pub sub_recipes: Vec<ConfirmSubRecipe>,
    #[schema(value_type = Option<String>)]
    pub portions: Option<Decimal>,
    /// Take the library's suggestion as is instead of `ingredients`:
    /// missing ingredients are created at typical prices.
    #[serde(default)]
    pub accept_suggestion: bool,
    /// As for a recipe update: save a confirmation that alters the dish's
    /// declared allergens.
    #[serde(default)]
    pub acknowledge_allergen_change: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmLine {
    pub ingredient_id: Uuid,
    #[schema(value_type = String, example = "150")]
    pub quantity: Decimal,
    #[schema(example = "g")]
    pub unit: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmSubRecipe {
    pub recipe_id: Uuid,
    #[schema(value_type = String, example = "120")]
    pub quantity: Decimal,
    #[schema(example = "ml")]
    pub unit: String,
}

/// Confirm a dish's recipe (replacing any earlier one).
#[utoipa::path(post, path = "/{restaurant_id}/recipes/confirm", tag = "costing",
    params(("restaurant_id" = Uuid, Path)), request_body = ConfirmBody,
    responses((status = 201, body = RecipeView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn confirm(
    mut t: Tenant,
    Json(b): Json<ConfirmBody>,
) -> ApiResult<(StatusCode, Json<RecipeView>)> {
    t.require(Action::WriteData)?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let id = if b.accept_suggestion {
        if !b.ingredients.is_empty() || !b.sub_recipes.is_empty() {
            return Err(flux_domain::Invalid::one(
                "accept_suggestion",
                "conflicting",
                "give either `ingredients` or `accept_suggestion`, not both",
            )
            .into());
        }
        flux_app::costing::suggest::accept(&mut t.tx, t.restaurant_id, &kitchen, b.menu_item_id)
            .await?
            .ok_or_else(|| {
                ApiError::field(
                    crate::error::Code::NotFound,
                    "menu_item_id",
                    "no_suggestion",
                    "no such menu item, or the library has no recipe close to its name",
                )
            })?
    } else {
        let lines = b
            .ingredients
            .into_iter()
            .map(|l| LineInput {
                ingredient_id: Some(l.ingredient_id),
                recipe_id: None,
                quantity: l.quantity,
                unit: l.unit,
                prep: None,
            })
            .chain(b.sub_recipes.into_iter().map(|s| LineInput {
                ingredient_id: None,
                recipe_id: Some(s.recipe_id),
                quantity: s.quantity,
                unit: s.unit,
                prep: None,
            }))
            .collect();
        let input = RecipeInput {
            menu_item_id: Some(b.menu_item_id),
            name: None,
            portions: b.portions,
            yields: None,
            lines,
            acknowledge_allergen_change: b.acknowledge_allergen_change,
        };
        recipes::confirm(&mut t.tx, t.restaurant_id, &kitchen, &input).await?
    };
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let view = view(&kitchen, id)?;
    t.commit().await?;
    Ok((StatusCode::CREATED, Json(view)))
}
