//! Recipes: the queue of dishes to confirm (with the library's suggestion,
//! accepted in one click), the confirmed recipes with their cost and
//! margin, and the recipe editor with live COGS.
//!
//! The editor works without JavaScript: "Preview cost" re-renders the page
//! with the cost of the recipe as typed, nothing stored. With JavaScript,
//! `app.js` posts the form to the `/preview` URL as the cook types and
//! swaps in the returned cost panel, so the COGS follows every keystroke.
//!
//! Saving goes through the same use cases as the API: a dish that already
//! has a recipe is edited on that recipe's page, never replaced from the
//! "new recipe" form.

use std::collections::HashMap;

use axum::extract::{Query, RawPathParams};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use flux_app::costing::recipes::{self, LineInput, RecipeInput, YieldInput};
use flux_app::costing::Kitchen;
use flux_app::{AppError, Kind};
use flux_costing::RecipeCost;
use flux_domain::role::Action;
use flux_domain::FieldError;
use maud::{html, Markup};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use crate::error::{WebError, WebResult};
use crate::extract::{path_uuid, CsrfForm, TenantPage};
use crate::format::parse_decimal;
use crate::layout::{csrf_field, empty_state, notice_text};
use crate::nav;
use crate::pages::ingredients::{load_kitchen, rejected_fields, unit_price, UNITS};

/// Blank line rows offered below a recipe's lines.
const BLANK_LINES: usize = 3;
/// Most line rows a form may carry.
const MAX_LINES: usize = 60;

#[derive(Deserialize, Default)]
pub struct ListParams {
    done: Option<String>,
}

pub async fn list(mut t: TenantPage, Query(p): Query<ListParams>) -> WebResult {
    let kitchen = load_kitchen(&mut t).await?;
    let pending = flux_app::costing::suggest::pending(&mut t.tx, t.restaurant_id, &kitchen)
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!(e)))?;
    let fmt = t.fmt();
    let options = kitchen.options(None, None);
    let editable = t.can(Action::WriteData);
    let body = html! {
        div.page-head {
            h1 { "Recipes" }
            @if editable {
                a.btn href=(t.href("/recipes/new?kind=prep")) { "New prep (sub-recipe)" }
            }
        }
        @if kitchen.rows.recipes.is_empty() && pending.is_empty() {
            (empty_state("No dishes yet", "Recipes belong to dishes. Upload sales or add dishes to the menu first.", Some((&t.href("/menu"), "Open the menu"))))
        }
        @if !kitchen.rows.recipes.is_empty() {
            section.card aria-labelledby="confirmed-h" {
                h2 #confirmed-h { "Confirmed recipes" }
                p.muted.small {
                    "Cost per portion at today's prices, "
                    @if options.include_waste { "including waste." } @else { "without waste (see settings)." }
                }
                table.table.stack.recipes {
                    thead { tr {
                        th scope="col" { "Recipe" }
                        th.num scope="col" { "Cost" }
                        th.num scope="col" { "Price" }
                        th.num scope="col" { "Margin" }
                    } }
                    tbody {
                        @for r in &kitchen.rows.recipes {
                            @let cost = kitchen.cost(r.recipe_id, &options).ok();
                            tr {
                                td data-label="Recipe" {
                                    a href=(t.href(&format!("/recipes/{}", r.recipe_id))) { (r.name) }
                                    @if r.menu_item_id.is_none() { span.badge.muted { "prep" } }
                                }
                                td.num data-label="Cost" {
                                    @match &cost {
                                        Some(c) if r.menu_item_id.is_some() => { (fmt.money(c.unit_cost.amount())) " / portion" }
                                        Some(c) => { (unit_price(&fmt, t.restaurant.currency.as_str(), c.unit_cost.amount())) " / " (r.yield_unit) }
                                        None => { "–" }
                                    }
                                }
                                td.num data-label="Price" { (r.menu_price.map(|p| fmt.money(p)).unwrap_or_else(|| "–".into())) }
                                td.num data-label="Margin" {
                                    (cost.and_then(|c| c.margin).map(|m| fmt.percent(m.to_f64().unwrap_or_default(), 1)).unwrap_or_else(|| "–".into()))
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !pending.is_empty() {
            section.card aria-labelledby="pending-h" {
                h2 #pending-h { "Dishes without a recipe (" (pending.len()) ")" }
                p.muted.small { "Start from a typical recipe and adjust it, or write your own. Suggested ingredients are created at typical prices: check them on the Ingredients page." }
                table.table.stack.pending {
                    thead { tr {
                        th scope="col" { "Dish" }
                        th scope="col" { "Suggestion" }
                        th.num scope="col" { "Typical cost" }
                        th scope="col" { span.sr-only { "Actions" } }
                    } }
                    tbody {
                        @for d in &pending {
                            tr {
                                td data-label="Dish" { (d.name) }
                                td data-label="Suggestion" {
                                    @match &d.suggestion {
                                        Some(s) => { (s.library_dish) " (" (s.lines.len()) " ingredients)" }
                                        None => {
                                            @if let Some(lines) = &d.model_suggestion {
                                                span title="Proposed by the model from the menu photo; not confirmed" {
                                                    "proposed: "
                                                    (lines.iter().map(|l| format!("{} {} {}", l.quantity.normalize(), l.unit, l.ingredient)).collect::<Vec<_>>().join(", "))
                                                }
                                            } @else {
                                                span.muted { "none in the library" }
                                            }
                                        }
                                    }
                                }
                                td.num data-label="Typical cost" {
                                    (d.suggestion.as_ref().and_then(|s| s.estimated_portion_cost).map(|c| fmt.money(c.amount())).unwrap_or_else(|| "–".into()))
                                }
                                td data-label="Actions" {
                                    @if editable {
                                        div.row-actions {
                                            @if d.suggestion.is_some() {
                                                form.accept method="post" action=(t.href("/recipes/accept")) {
                                                    (csrf_field(&t.csrf))
                                                    input type="hidden" name="menu_item_id" value=(d.menu_item_id);
                                                    button.btn.btn-small type="submit" { "Use suggestion" }
                                                }
                                            }
                                            a.btn.btn-quiet.btn-small href=(t.href(&format!("/recipes/new?menu_item_id={}", d.menu_item_id))) { "Write my own" }
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
    let page = t.render(
        nav::RECIPES,
        "Recipes",
        notice_text(p.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok(page.into_response())
}

#[derive(Deserialize)]
pub struct AcceptForm {
    menu_item_id: Uuid,
}

pub async fn accept(mut t: TenantPage, CsrfForm(f): CsrfForm<AcceptForm>) -> WebResult {
    t.require(Action::WriteData)?;
    let kitchen = load_kitchen(&mut t).await?;
    let id =
        flux_app::costing::suggest::accept(&mut t.tx, t.restaurant_id, &kitchen, f.menu_item_id)
            .await
            .map_err(|e| WebError::BadRequest(e.to_string()))?
            .ok_or(WebError::NotFound)?;
    let to = t.href(&format!("/recipes/{id}?done=saved"));
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

/// The editor's state: what the form holds, as typed.
#[derive(Debug, Clone, Default)]
struct Draft {
    menu_item_id: Option<Uuid>,
    name: String,
    portions: String,
    yield_amount: String,
    yield_unit: String,
    /// (component "i:<id>" or "r:<id>", quantity, unit, preparation)
    lines: Vec<(String, String, String, String)>,
    /// Ticked after the editor warned that the change alters allergens.
    acknowledge_allergens: bool,
}

impl Draft {
    fn is_dish(&self) -> bool {
        self.menu_item_id.is_some()
    }

    fn from_stored(kitchen: &Kitchen, id: Uuid) -> Option<Draft> {
        let r = kitchen.recipe(id)?;
        Some(Draft {
            menu_item_id: r.menu_item_id,
            name: r.name.clone(),
            portions: r.yield_amount.normalize().to_string(),
            yield_amount: r.yield_amount.normalize().to_string(),
            yield_unit: r.yield_unit.clone(),
            lines: kitchen
                .rows
                .lines
                .iter()
                .filter(|l| l.recipe_id == id)
                .map(|l| {
                    let component = match (l.ingredient_id, l.sub_recipe_id) {
                        (Some(i), _) => format!("i:{i}"),
                        (None, Some(s)) => format!("r:{s}"),
                        _ => String::new(),
                    };
                    let prep = l
                        .prep_key
                        .as_ref()
                        .and_then(|key| {
                            kitchen.rows.yields.iter().find(|y| {
                                Some(y.ingredient_id) == l.ingredient_id && &y.action_key == key
                            })
                        })
                        .map(|y| y.action.clone())
                        .unwrap_or_default();
                    (
                        component,
                        l.quantity.normalize().to_string(),
                        l.unit.clone(),
                        prep,
                    )
                })
                .collect(),
            acknowledge_allergens: false,
        })
    }

    fn from_form(f: &HashMap<String, String>) -> Draft {
        let get = |k: &str| f.get(k).cloned().unwrap_or_default();
        let lines = (0..MAX_LINES)
            .filter_map(|i| {
                let c = get(&format!("line{i}_component"));
                let q = get(&format!("line{i}_quantity"));
                let u = get(&format!("line{i}_unit"));
                let p = get(&format!("line{i}_prep"));
                // A row left blank is not a line.
                (!(c.is_empty() && q.trim().is_empty())).then_some((c, q, u, p))
            })
            .collect();
        Draft {
            menu_item_id: f.get("menu_item_id").and_then(|v| Uuid::parse_str(v).ok()),
            name: get("name"),
            portions: get("portions"),
            yield_amount: get("yield_amount"),
            yield_unit: get("yield_unit"),
            lines,
            acknowledge_allergens: f.get("acknowledge_allergen_change").is_some(),
        }
    }

    /// The service's input; numbers that do not parse are reported here,
    /// beside their row.
    fn to_input(&self) -> Result<RecipeInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut number = |field: String, raw: &str| -> Decimal {
            match parse_decimal(raw) {
                Some(d) => d,
                None => {
                    errors.push(FieldError::new(
                        field,
                        "invalid",
                        "must be a number such as 150",
                    ));
                    Decimal::ZERO
                }
            }
        };
        let mut lines = Vec::new();
        for (i, (component, quantity, unit, prep)) in self.lines.iter().enumerate() {
            let quantity = number(format!("lines.{i}.quantity"), quantity);
            let (ingredient_id, recipe_id) = match component.split_once(':') {
                Some(("i", id)) => (Uuid::parse_str(id).ok(), None),
                Some(("r", id)) => (None, Uuid::parse_str(id).ok()),
                _ => (None, None),
            };
            lines.push(LineInput {
                ingredient_id,
                recipe_id,
                quantity,
                unit: unit.clone(),
                prep: Some(prep.trim().to_owned()).filter(|p| !p.is_empty()),
            });
        }
        let (portions, yields) = if self.is_dish() {
            (Some(number("portions".into(), &self.portions)), None)
        } else {
            let amount = number("yield.amount".into(), &self.yield_amount);
            (
                None,
                Some(YieldInput {
                    amount,
                    unit: self.yield_unit.clone(),
                }),
            )
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(RecipeInput {
            menu_item_id: self.menu_item_id,
            name: (!self.is_dish()).then(|| self.name.clone()),
            portions,
            yields,
            lines,
            acknowledge_allergen_change: self.acknowledge_allergens,
        })
    }
}

/// The form field that acknowledges an allergen change.
const ACKNOWLEDGE: &str = "acknowledge_allergen_change";

/// Field errors, and one message for problems of the recipe as a whole.
fn explain(e: impl Into<AppError>) -> Result<(Vec<FieldError>, Option<String>), WebError> {
    let e = e.into();
    match e.kind() {
        Some(Kind::InvalidRecipe | Kind::RecipeCycle | Kind::NoCostAsOf) => {
            Ok((Vec::new(), Some(e.to_string())))
        }
        // Shown beside a box to tick, which the next save sends.
        Some(Kind::AllergensChanged) => Ok((
            vec![FieldError::new(
                ACKNOWLEDGE,
                "allergens_changed",
                e.to_string(),
            )],
            None,
        )),
        _ => Ok((rejected_fields(e)?, None)),
    }
}

fn error_for<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field || e.field.starts_with(&format!("{field}.")))
        .map(|e| e.message.as_str())
}

/// The cost panel the editor shows and the preview URL returns.
fn cogs_panel(t: &TenantPage, cost: Option<&RecipeCost>, problem: Option<&str>) -> Markup {
    let fmt = t.fmt();
    html! {
        section #cogs.card.cogs aria-live="polite" aria-labelledby="cogs-h" {
            h2 #cogs-h { "Cost of goods" }
            @if let Some(p) = problem {
                p.alert role="alert" { (p) }
            }
            @if let Some(c) = cost {
                @let portion = matches!(c.yields, flux_costing::Yield::Portions(_));
                div.kpis {
                    div.kpi {
                        span.kpi-label { @if portion { "Per portion" } @else { "Per " (c.yields.unit()) } }
                        strong.kpi-value.portion-cost { (unit_price(&fmt, t.restaurant.currency.as_str(), c.unit_cost.amount())) }
                    }
                    div.kpi {
                        span.kpi-label { "Per batch" }
                        strong.kpi-value { (fmt.money(c.batch_cost.amount())) }
                    }
                    @if let Some(price) = c.menu_price {
                        div.kpi {
                            span.kpi-label { "Menu price" }
                            strong.kpi-value { (fmt.money(price.amount())) }
                        }
                    }
                    @if let Some(m) = c.margin {
                        div.kpi {
                            span.kpi-label { "Margin" }
                            strong.kpi-value.margin { (fmt.percent(m.to_f64().unwrap_or_default(), 1)) }
                        }
                    }
                }
                p.muted.small { @if c.options.include_waste { "Including each ingredient's waste factor." } @else { "Without waste factors (see settings)." } }
                table.table.stack.breakdown {
                    thead { tr {
                        th scope="col" { "Ingredient" }
                        th.num scope="col" { "Quantity" }
                        th.num scope="col" { "Price" }
                        th.num scope="col" { "Waste" }
                        th.num scope="col" { "Cost" }
                    } }
                    tbody {
                        @for l in &c.lines {
                            tr {
                                td data-label="Ingredient" {
                                    (l.ingredient)
                                    @if l.path.len() > 1 { span.muted.small { " via " (l.path[1..].join(" → ")) } }
                                }
                                td.num data-label="Quantity" { (fmt.qty(l.quantity)) " " (l.base_unit) }
                                td.num data-label="Price" { (unit_price(&fmt, t.restaurant.currency.as_str(), l.unit_cost.amount())) }
                                td.num data-label="Waste" { (fmt.percent(l.waste_factor.value().to_f64().unwrap_or_default(), 0)) }
                                td.num data-label="Cost" { (unit_price(&fmt, t.restaurant.currency.as_str(), l.cost.amount())) }
                            }
                        }
                    }
                }
            } @else if problem.is_none() {
                p.muted { "Add ingredient lines to see what the recipe costs." }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn editor(
    t: &TenantPage,
    kitchen: &Kitchen,
    action: &str,
    title: &str,
    draft: &Draft,
    errors: &[FieldError],
    cost: Option<&RecipeCost>,
    problem: Option<&str>,
) -> Markup {
    let editable = t.can(Action::WriteData);
    let rows = draft.lines.len() + BLANK_LINES;
    let blank = (String::new(), String::new(), "g".to_string(), String::new());
    let own_id = action
        .rsplit('/')
        .next()
        .and_then(|s| Uuid::parse_str(s).ok());
    html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/recipes")) { "Recipes" } " / " }
        div.page-head { h1.break { (title) } }
        form.card.recipe-form method="post" action=(action) novalidate data-live-cogs={ (action) "/preview" } {
            (csrf_field(&t.csrf))
            @if !errors.is_empty() {
                p.alert role="alert" { "Please correct the fields marked below." }
            }
            fieldset disabled[!editable] {
                @if let Some(item) = draft.menu_item_id {
                    input type="hidden" name="menu_item_id" value=(item);
                    @if let Some(e) = error_for(errors, "menu_item_id") {
                        p.field-error { (e) }
                        @if let Some(existing) = kitchen.recipe_for_item(item) {
                            p { a href=(t.href(&format!("/recipes/{}", existing.recipe_id))) { "Open the dish's recipe" } }
                        }
                    }
                    div.field.invalid[error_for(errors, "portions").is_some()] {
                        label for="portions" { "Portions per batch" }
                        input #portions type="text" name="portions" inputmode="decimal" value=(draft.portions);
                        @if let Some(e) = error_for(errors, "portions") { p.field-error { (e) } }
                    }
                } @else {
                    div.field.invalid[error_for(errors, "name").is_some()] {
                        label for="name" { "Prep name" }
                        input #name type="text" name="name" maxlength="200" value=(draft.name);
                        @if let Some(e) = error_for(errors, "name") { p.field-error { (e) } }
                    }
                    div.grid-2 {
                        div.field.invalid[error_for(errors, "yield").is_some()] {
                            label for="yield_amount" { "One batch makes" }
                            input #yield_amount type="text" name="yield_amount" inputmode="decimal" value=(draft.yield_amount);
                            @if let Some(e) = error_for(errors, "yield") { p.field-error { (e) } }
                        }
                        div.field {
                            label for="yield_unit" { "Unit" }
                            select #yield_unit name="yield_unit" {
                                @for u in UNITS { option value=(u.symbol()) selected[draft.yield_unit == u.symbol()] { (u.symbol()) } }
                            }
                        }
                    }
                }
                @if let Some(e) = error_for(errors, "lines").filter(|_| errors.iter().any(|f| f.field == "lines")) {
                    p.field-error { (e) }
                }
                table.table.lines-table {
                    caption.sr-only { "Recipe lines" }
                    thead { tr {
                        th scope="col" { "Ingredient or prep" }
                        th scope="col" { "Quantity" }
                        th scope="col" { "Unit" }
                        th scope="col" { "Preparation" }
                    } }
                    tbody {
                        @for i in 0..rows {
                            @let (component, quantity, unit, prep) = draft.lines.get(i).unwrap_or(&blank);
                            @let err = error_for(errors, &format!("lines.{i}"));
                            tr.invalid[err.is_some()] {
                                td {
                                    label.sr-only for={ "line" (i) "_component" } { "Line " (i + 1) " ingredient" }
                                    select id={ "line" (i) "_component" } name={ "line" (i) "_component" } {
                                        option value="" { "—" }
                                        optgroup label="Ingredients" {
                                            @for ing in &kitchen.rows.ingredients {
                                                @let v = format!("i:{}", ing.ingredient_id);
                                                option value=(v) selected[*component == v] { (ing.name) " (" (ing.base_unit) ")" }
                                            }
                                        }
                                        optgroup label="Preps" {
                                            @for r in kitchen.rows.recipes.iter().filter(|r| r.menu_item_id.is_none() && Some(r.recipe_id) != own_id) {
                                                @let v = format!("r:{}", r.recipe_id);
                                                option value=(v) selected[*component == v] { (r.name) }
                                            }
                                        }
                                    }
                                    @if let Some(e) = err { p.field-error { (e) } }
                                }
                                td {
                                    label.sr-only for={ "line" (i) "_quantity" } { "Line " (i + 1) " quantity" }
                                    input id={ "line" (i) "_quantity" } type="text" name={ "line" (i) "_quantity" } inputmode="decimal" value=(quantity);
                                }
                                td {
                                    label.sr-only for={ "line" (i) "_unit" } { "Line " (i + 1) " unit" }
                                    select id={ "line" (i) "_unit" } name={ "line" (i) "_unit" } {
                                        @for u in UNITS { option value=(u.symbol()) selected[*unit == u.symbol()] { (u.symbol()) } }
                                    }
                                }
                                td {
                                    label.sr-only for={ "line" (i) "_prep" } { "Line " (i + 1) " preparation" }
                                    input id={ "line" (i) "_prep" } type="text" name={ "line" (i) "_prep" } maxlength="60" placeholder="e.g. diced" list="preparations" value=(prep);
                                }
                            }
                        }
                    }
                }
                datalist #preparations {
                    @for action in kitchen.rows.yields.iter().map(|y| y.action.as_str()).collect::<std::collections::BTreeSet<_>>() { option value=(action) {} }
                }
                p.muted.small { "Save to get more empty lines. A preparation is one of the ingredient's yields (Ingredients page); the quantity is then the prepared amount." }
                @if let Some(warning) = error_for(errors, ACKNOWLEDGE) {
                    div.allergen-warning role="alert" {
                        p { (warning) }
                        label {
                            input type="checkbox" name=(ACKNOWLEDGE) value="on";
                            " I have checked the allergen change; save it"
                        }
                    }
                }
                @if editable {
                    div.actions {
                        button.btn.btn-primary type="submit" name="intent" value="save" { "Save recipe" }
                        button.btn type="submit" name="intent" value="preview" { "Preview cost" }
                        a.btn.btn-quiet href=(t.href("/recipes")) { "Cancel" }
                    }
                }
            }
        }
        (cogs_panel(t, cost, problem))
    }
}

#[derive(Deserialize, Default)]
pub struct NewParams {
    menu_item_id: Option<Uuid>,
    kind: Option<String>,
}

pub async fn new_page(mut t: TenantPage, Query(p): Query<NewParams>) -> WebResult {
    t.require(Action::WriteData)?;
    let kitchen = load_kitchen(&mut t).await?;
    let (title, draft) = match (p.menu_item_id, p.kind.as_deref()) {
        (Some(item), _) => {
            if let Some(existing) = kitchen.recipe_for_item(item) {
                let to = t.href(&format!("/recipes/{}", existing.recipe_id));
                return Ok(Redirect::to(&to).into_response());
            }
            let name = recipes::dish_name(&mut t.tx, t.restaurant_id, item).await?;
            (
                format!("Recipe for {name}"),
                Draft {
                    menu_item_id: Some(item),
                    portions: "1".into(),
                    ..Draft::default()
                },
            )
        }
        (None, Some("prep")) => (
            "New prep".to_string(),
            Draft {
                yield_unit: "l".into(),
                ..Draft::default()
            },
        ),
        _ => return Err(WebError::NotFound),
    };
    let body = editor(
        &t,
        &kitchen,
        &t.href("/recipes/new"),
        &title,
        &draft,
        &[],
        None,
        None,
    );
    let page = t.render(nav::RECIPES, &title, None, body);
    t.commit().await?;
    Ok(page.into_response())
}

/// Saves, or (intent `preview`) re-renders with the cost as typed.
async fn submit(
    mut t: TenantPage,
    recipe_id: Option<Uuid>,
    f: HashMap<String, String>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let kitchen = load_kitchen(&mut t).await?;
    let draft = Draft::from_form(&f);
    let preview_only = f.get("intent").map(String::as_str) == Some("preview");
    let action = match recipe_id {
        Some(id) => t.href(&format!("/recipes/{id}")),
        None => t.href("/recipes/new"),
    };
    let title = match (
        recipe_id.and_then(|id| kitchen.recipe(id)),
        draft.menu_item_id,
    ) {
        (Some(r), _) => r.name.clone(),
        (None, Some(_)) => "New recipe".to_string(),
        (None, None) => "New prep".to_string(),
    };
    let (errors, problem, cost) = match draft.to_input() {
        Err(errors) => (errors, None, None),
        Ok(input) if preview_only => {
            match recipes::preview(&mut t.tx, t.restaurant_id, &kitchen, recipe_id, &input).await {
                Ok(cost) => (Vec::new(), None, Some(cost)),
                Err(e) => {
                    let (errors, problem) = explain(e)?;
                    (errors, problem, None)
                }
            }
        }
        Ok(input) => {
            let saved = match recipe_id {
                Some(id) => recipes::update(&mut t.tx, t.restaurant_id, &kitchen, id, &input).await,
                None => recipes::create(&mut t.tx, t.restaurant_id, &kitchen, &input).await,
            };
            match saved {
                Ok(id) => {
                    let to = t.href(&format!("/recipes/{id}?done=saved"));
                    t.commit().await?;
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(e) => {
                    let (errors, problem) = explain(e)?;
                    (errors, problem, None)
                }
            }
        }
    };
    let status = if preview_only && errors.is_empty() && problem.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = editor(
        &t,
        &kitchen,
        &action,
        &title,
        &draft,
        &errors,
        cost.as_ref(),
        problem.as_deref(),
    );
    let page = t.render(nav::RECIPES, &title, None, body);
    Ok((status, page).into_response())
}

pub async fn create(t: TenantPage, CsrfForm(f): CsrfForm<HashMap<String, String>>) -> WebResult {
    submit(t, None, f).await
}

pub async fn update(
    t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> WebResult {
    let id = path_uuid(&params, "recipe_id")?;
    submit(t, Some(id), f).await
}

pub async fn edit_page(
    mut t: TenantPage,
    params: RawPathParams,
    Query(p): Query<ListParams>,
) -> WebResult {
    let id = path_uuid(&params, "recipe_id")?;
    let kitchen = load_kitchen(&mut t).await?;
    let draft = Draft::from_stored(&kitchen, id).ok_or(WebError::NotFound)?;
    let (cost, problem) = match kitchen.cost(id, &kitchen.options(None, None)) {
        Ok(c) => (Some(c), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let title = kitchen
        .recipe(id)
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let body = editor(
        &t,
        &kitchen,
        &t.href(&format!("/recipes/{id}")),
        &title,
        &draft,
        &[],
        cost.as_ref(),
        problem.as_deref(),
    );
    let page = t.render(nav::RECIPES, &title, notice_text(p.done.as_deref()), body);
    t.commit().await?;
    Ok(page.into_response())
}

/// The cost panel alone, for the editor's script: the recipe as typed,
/// costed, nothing stored.
async fn preview_panel(
    mut t: TenantPage,
    recipe_id: Option<Uuid>,
    f: HashMap<String, String>,
) -> WebResult {
    let kitchen = load_kitchen(&mut t).await?;
    let draft = Draft::from_form(&f);
    let panel = match draft.to_input() {
        Err(errors) => cogs_panel(
            &t,
            None,
            errors
                .first()
                .map(|e| format!("{}: {}", e.field, e.message))
                .as_deref(),
        ),
        Ok(input) => {
            match recipes::preview(&mut t.tx, t.restaurant_id, &kitchen, recipe_id, &input).await {
                Ok(cost) => cogs_panel(&t, Some(&cost), None),
                Err(e) => {
                    let (errors, problem) = explain(e)?;
                    let text = problem.or_else(|| {
                        errors
                            .first()
                            .map(|e| format!("{}: {}", e.field, e.message))
                    });
                    cogs_panel(&t, None, text.as_deref())
                }
            }
        }
    };
    Ok(panel.into_response())
}

pub async fn preview_new(
    t: TenantPage,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> WebResult {
    preview_panel(t, None, f).await
}

pub async fn preview_existing(
    t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> WebResult {
    let id = path_uuid(&params, "recipe_id")?;
    preview_panel(t, Some(id), f).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_rows_are_ignored_and_bad_numbers_are_reported_by_row() {
        let id = Uuid::now_v7();
        let form: HashMap<String, String> = [
            ("menu_item_id", id.to_string()),
            ("portions", "2".into()),
            ("line0_component", format!("i:{id}")),
            ("line0_quantity", "1,5".into()),
            ("line0_unit", "kg".into()),
            ("line1_component", "".into()),
            ("line1_quantity", "".into()),
            ("line1_unit", "g".into()),
            ("line2_component", format!("r:{id}")),
            ("line2_quantity", "lots".into()),
            ("line2_unit", "ml".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let draft = Draft::from_form(&form);
        assert_eq!(draft.lines.len(), 2, "the blank row is not a line");
        let errors = draft.to_input().expect_err("`lots` is not a number");
        assert_eq!(errors[0].field, "lines.1.quantity");
        let mut fixed = form.clone();
        fixed.insert("line2_quantity".into(), "250".into());
        let input = Draft::from_form(&fixed).to_input().expect("valid");
        assert_eq!(input.lines[0].quantity, Decimal::new(15, 1));
        assert_eq!(input.lines[0].ingredient_id, Some(id));
        assert_eq!(input.lines[1].recipe_id, Some(id));
        assert_eq!(input.portions, Some(Decimal::from(2)));
    }
}
