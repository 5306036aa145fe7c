//! Ingredients and prices: a searchable, paginated list, a create/edit form
//! validated by `flux_app::costing::ingredients`, and each ingredient's price
//! history with a form to record a price change on any date.
//!
//! The forms only turn typed text into numbers and dates; every rule (and
//! every message about a taken name or a broken recipe) comes from the
//! same use cases the API calls.

use axum::extract::{Query, RawPathParams};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use flux_app::costing::ingredients::{self, IngredientInput, IngredientQuery, IngredientRow};
use flux_app::costing::Kitchen;
use flux_app::{AppError, Kind};
use flux_costing::{Unit, WasteFactor};
use flux_domain::role::Action;
use flux_domain::FieldError;
use maud::{html, Markup};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::extract::{path_uuid, CsrfForm, TenantPage};
use crate::format::{parse_decimal, url_encode, Fmt};
use crate::layout::{csrf_field, described_by, empty_state, field, notice_text};
use crate::nav;
use crate::pages::menu::{decode_cursor, encode_cursor};

const PAGE: i64 = 25;

/// Units offered in the forms, in the order a cook thinks of them.
pub const UNITS: [Unit; 12] = [
    Unit::Kilogram,
    Unit::Gram,
    Unit::Litre,
    Unit::Millilitre,
    Unit::Each,
    Unit::Dozen,
    Unit::Pound,
    Unit::Ounce,
    Unit::Cup,
    Unit::Tablespoon,
    Unit::Teaspoon,
    Unit::FluidOunce,
];

#[derive(Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
}

/// A price per base unit: cents are too coarse for a gram of saffron.
pub fn unit_price(fmt: &Fmt, currency: &str, value: Decimal) -> String {
    if value.abs() >= Decimal::new(1, 1) || value.is_zero() {
        fmt.money(value)
    } else {
        format!(
            "{}\u{a0}{currency}",
            fmt.num(value.to_f64().unwrap_or_default(), 4)
        )
    }
}

pub async fn list(mut t: TenantPage, Query(p): Query<ListParams>) -> WebResult {
    let search =
        p.q.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
    let q = IngredientQuery {
        category: None,
        search: search.clone(),
        after: p.cursor.as_deref().and_then(decode_cursor),
        limit: PAGE + 1,
    };
    let (mut rows, total) = ingredients::list(&mut t.tx, t.restaurant_id, &q).await?;
    let next = if rows.len() as i64 > PAGE {
        rows.truncate(PAGE as usize);
        rows.last()
            .map(|r| encode_cursor(&r.name_key, r.ingredient_id))
    } else {
        None
    };
    let fmt = t.fmt();
    let currency = t.restaurant.currency.to_string();
    let base = format!(
        "{}?q={}",
        t.href("/ingredients"),
        url_encode(search.as_deref().unwrap_or_default())
    );
    let body = html! {
        div.page-head {
            h1 { "Ingredients" }
            @if t.can(Action::WriteData) {
                a.btn.btn-primary href=(t.href("/ingredients/new")) { "Add an ingredient" }
            }
        }
        form.filters role="search" method="get" action=(t.href("/ingredients")) {
            div.field {
                label for="q" { "Search ingredients" }
                input #q type="search" name="q" value=(search.as_deref().unwrap_or_default()) placeholder="e.g. tomato";
            }
            div.filter-actions { button.btn type="submit" { "Search" } }
        }
        @if rows.is_empty() && search.is_none() && p.cursor.is_none() {
            (empty_state(
                "No ingredients yet",
                "Add them one by one, import a CSV through the API, or accept a suggested recipe: its ingredients are created at typical prices.",
                Some((&t.href("/recipes"), "See suggested recipes")),
            ))
        } @else if rows.is_empty() {
            p.empty { "No ingredient matches. " a href=(t.href("/ingredients")) { "Show all" } }
        } @else {
            p.muted.small { (fmt.int(total)) " ingredient(s)" }
            table.table.stack {
                thead { tr {
                    th scope="col" { "Ingredient" }
                    th scope="col" { "Category" }
                    th.num scope="col" { "Price" }
                    th.num scope="col" { "Waste" }
                    th scope="col" { "Pack" }
                    th scope="col" { "Supplier" }
                } }
                tbody {
                    @for r in &rows {
                        tr {
                            td data-label="Ingredient" { a href=(t.href(&format!("/ingredients/{}", r.ingredient_id))) { (r.name) } }
                            td data-label="Category" { (r.category.replace('_', " ")) }
                            td.num data-label="Price" { (unit_price(&fmt, &currency, r.unit_cost)) " / " (r.base_unit) }
                            td.num data-label="Waste" { (fmt.percent(r.waste_factor.to_f64().unwrap_or_default(), 0)) }
                            td data-label="Pack" { (pack_text(r).unwrap_or_else(|| "–".into())) }
                            td data-label="Supplier" { (r.supplier.as_deref().unwrap_or("–")) }
                        }
                    }
                }
            }
            nav.pager aria-label="Pages" {
                @if p.cursor.is_some() { a.btn href=(base) { "← First page" } }
                @if let Some(n) = next { a.btn href={ (base) "&cursor=" (url_encode(&n)) } { "Next page →" } }
            }
        }
    };
    let page = t.render(
        nav::INGREDIENTS,
        "Ingredients",
        notice_text(p.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok(page.into_response())
}

fn pack_text(r: &IngredientRow) -> Option<String> {
    Some(format!(
        "{} {}",
        r.pack_amount?.normalize(),
        r.pack_unit.as_deref()?
    ))
}

/// The form's values, as typed.
#[derive(Deserialize, Default)]
pub struct IngredientForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    base_unit: String,
    #[serde(default)]
    unit_cost: String,
    #[serde(default)]
    waste: String,
    #[serde(default)]
    shelf_life_days: String,
    #[serde(default)]
    supplier: String,
    #[serde(default)]
    pack_size: String,
    #[serde(default)]
    grams_per_each: String,
    #[serde(default)]
    grams_per_ml: String,
}

impl IngredientForm {
    fn from_row(r: &IngredientRow) -> Self {
        Self {
            name: r.name.clone(),
            category: r.category.clone(),
            base_unit: r.base_unit.clone(),
            unit_cost: r.unit_cost.normalize().to_string(),
            waste: format!("{}%", (r.waste_factor * Decimal::ONE_HUNDRED).normalize()),
            shelf_life_days: r.shelf_life_days.map(|d| d.to_string()).unwrap_or_default(),
            supplier: r.supplier.clone().unwrap_or_default(),
            pack_size: pack_text(r).unwrap_or_default(),
            grams_per_each: r
                .grams_per_each
                .map(|d| d.normalize().to_string())
                .unwrap_or_default(),
            grams_per_ml: r
                .grams_per_ml
                .map(|d| d.normalize().to_string())
                .unwrap_or_default(),
        }
    }

    /// The use case's input, or every problem with the form: numbers that
    /// do not parse, and what the shared rules say about the other fields.
    fn input(&self) -> Result<IngredientInput, Vec<FieldError>> {
        let (input, mut errors) = self.parse();
        if errors.is_empty() {
            return Ok(input);
        }
        if let Err(e) = ingredients::validate(&input, "") {
            errors.extend(form_fields(e.0));
        }
        Err(errors)
    }

    /// What the form holds, valid or not.
    #[cfg(test)]
    fn validate(&self) -> Result<ingredients::ValidIngredient, Vec<FieldError>> {
        let input = self.input()?;
        ingredients::validate(&input, "").map_err(|e| form_fields(e.0))
    }

    /// Turns the text fields into the use case's input; number problems
    /// are reported beside their field.
    fn parse(&self) -> (IngredientInput, Vec<FieldError>) {
        let mut errors = Vec::new();
        let mut number = |name: &str, raw: &str| -> Option<Decimal> {
            if raw.trim().is_empty() {
                return None;
            }
            let parsed = parse_decimal(raw);
            if parsed.is_none() {
                errors.push(FieldError::new(
                    name,
                    "invalid",
                    "must be a number such as 2.40",
                ));
            }
            parsed
        };
        let unit_cost = number("unit_cost", &self.unit_cost);
        let grams_per_each = number("grams_per_each", &self.grams_per_each);
        let grams_per_ml = number("grams_per_ml", &self.grams_per_ml);
        if unit_cost.is_none() && self.unit_cost.trim().is_empty() {
            errors.push(FieldError::new("unit_cost", "required", "is required"));
        }
        let waste = if self.waste.trim().is_empty() {
            None
        } else {
            match WasteFactor::parse(&self.waste.replace(',', ".")) {
                Ok(w) => Some(w.value()),
                Err(e) => {
                    errors.push(FieldError::new("waste", "invalid", e.to_string()));
                    None
                }
            }
        };
        let shelf_life_days = if self.shelf_life_days.trim().is_empty() {
            None
        } else {
            match self.shelf_life_days.trim().parse::<i64>() {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(FieldError::new(
                        "shelf_life_days",
                        "invalid",
                        "must be a whole number of days",
                    ));
                    None
                }
            }
        };
        let input = IngredientInput {
            name: self.name.clone(),
            category: Some(self.category.clone()).filter(|c| !c.trim().is_empty()),
            base_unit: self.base_unit.clone(),
            unit_cost: unit_cost.unwrap_or_default(),
            waste_factor: waste,
            shelf_life_days,
            supplier: Some(self.supplier.clone()),
            pack_size: Some(self.pack_size.clone()),
            grams_per_each,
            grams_per_ml,
        };
        (input, errors)
    }
}

/// The shared validation names the stored fields; the form calls the waste
/// field `waste`.
fn form_fields(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|mut f| {
            if f.field == "waste_factor" {
                f.field = "waste".into();
            }
            f
        })
        .collect()
}

/// A use case's field errors, to show beside the form's fields; any other
/// failure becomes the page its kind calls for.
pub fn rejected_fields(e: AppError) -> Result<Vec<FieldError>, WebError> {
    match e {
        AppError::Rejected { errors, .. } if !errors.is_empty() => Ok(errors),
        other => Err(other.into()),
    }
}

fn message(name: &str, errors: &[FieldError]) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == name)
        .map(|e| format!("{}.", capitalise(&e.message)))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn text_field(
    name: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    errors: &[FieldError],
    mode: &str,
) -> Markup {
    let e = message(name, errors);
    field(
        name,
        label,
        hint,
        e.as_deref(),
        html! {
            input id=(name) type="text" name=(name) value=(value) inputmode=(mode) maxlength="200"
                aria-invalid=[e.as_ref().map(|_| "true")]
                aria-describedby=[described_by(name, hint.is_some(), e.as_deref())];
        },
    )
}

fn ingredient_form(
    t: &TenantPage,
    action: &str,
    v: &IngredientForm,
    errors: &[FieldError],
    submit: &str,
) -> Markup {
    let editable = t.can(Action::WriteData);
    let currency = t.restaurant.currency.as_str();
    let ue = message("base_unit", errors);
    html! {
        form.card method="post" action=(action) novalidate {
            (csrf_field(&t.csrf))
            @if !errors.is_empty() {
                p.alert role="alert" { "Please correct the fields marked below." }
            }
            fieldset disabled[!editable] {
                (text_field("name", "Name", None, &v.name, errors, "text"))
                div.grid-2 {
                    (field("base_unit", "Bought and priced per", None, ue.as_deref(), html! {
                        select #base_unit name="base_unit" aria-invalid=[ue.as_ref().map(|_| "true")]
                            aria-describedby=[described_by("base_unit", false, ue.as_deref())] {
                            @for u in UNITS {
                                option value=(u.symbol()) selected[v.base_unit == u.symbol()] { (u.symbol()) }
                            }
                        }
                    }))
                    (text_field("unit_cost", &format!("Price per unit ({currency})"), None, &v.unit_cost, errors, "decimal"))
                }
                div.grid-2 {
                    (text_field("waste", "Waste", Some("Trim and spoilage, 0 to 60 %, e.g. 15%."), &v.waste, errors, "decimal"))
                    (text_field("category", "Category", Some("e.g. produce, meat, dairy."), &v.category, errors, "text"))
                }
                div.grid-2 {
                    (text_field("pack_size", "Purchase pack", Some("Optional, e.g. 5 kg."), &v.pack_size, errors, "text"))
                    (text_field("shelf_life_days", "Shelf life (days)", None, &v.shelf_life_days, errors, "numeric"))
                }
                (text_field("supplier", "Supplier", None, &v.supplier, errors, "text"))
                div.grid-2 {
                    (text_field("grams_per_each", "Grams per piece", Some("Lets recipes use pieces of an ingredient priced by weight."), &v.grams_per_each, errors, "decimal"))
                    (text_field("grams_per_ml", "Density (g per ml)", Some("Lets recipes use volumes of an ingredient priced by weight."), &v.grams_per_ml, errors, "decimal"))
                }
                @if editable {
                    div.actions {
                        button.btn.btn-primary type="submit" { (submit) }
                        a.btn.btn-quiet href=(t.href("/ingredients")) { "Cancel" }
                    }
                }
            }
        }
    }
}

pub async fn new_page(t: TenantPage) -> WebResult {
    t.require(Action::WriteData)?;
    let v = IngredientForm {
        base_unit: "kg".into(),
        ..Default::default()
    };
    let body = html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/ingredients")) { "Ingredients" } " / " }
        div.page-head { h1 { "Add an ingredient" } }
        (ingredient_form(&t, &t.href("/ingredients"), &v, &[], "Add ingredient"))
    };
    let page = t.render(nav::INGREDIENTS, "Add an ingredient", None, body);
    t.commit().await?;
    Ok(page.into_response())
}

/// Turns a use case's rejection into field errors where it concerns the
/// form: a change the recipe book refuses is the base unit's problem.
fn form_errors(e: AppError) -> Result<Vec<FieldError>, WebError> {
    match e.kind() {
        Some(Kind::InvalidRecipe | Kind::RecipeCycle | Kind::NoCostAsOf) => {
            Ok(vec![FieldError::new(
                "base_unit",
                "breaks_recipe",
                e.to_string(),
            )])
        }
        _ => rejected_fields(e).map(form_fields),
    }
}

pub async fn create(mut t: TenantPage, CsrfForm(f): CsrfForm<IngredientForm>) -> WebResult {
    t.require(Action::WriteData)?;
    let errors = match f.input() {
        Ok(input) => {
            let kitchen = load_kitchen(&mut t).await?;
            match ingredients::create(&mut t.tx, t.restaurant_id, &kitchen, &input).await {
                Ok(row) => {
                    let to = t.href(&format!("/ingredients/{}?done=saved", row.ingredient_id));
                    t.commit().await?;
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(e) => form_errors(e)?,
            }
        }
        Err(e) => e,
    };
    let body = html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/ingredients")) { "Ingredients" } " / " }
        div.page-head { h1 { "Add an ingredient" } }
        (ingredient_form(&t, &t.href("/ingredients"), &f, &errors, "Add ingredient"))
    };
    let page = t.render(nav::INGREDIENTS, "Add an ingredient", None, body);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn load_kitchen(t: &mut TenantPage) -> WebResult<Kitchen> {
    Kitchen::load(&mut t.tx, t.restaurant_id)
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!(e)))
}

async fn load_row(t: &mut TenantPage, params: &RawPathParams) -> WebResult<IngredientRow> {
    let id = path_uuid(params, "ingredient_id")?;
    Ok(ingredients::get(&mut t.tx, t.restaurant_id, id).await?)
}

/// A price change as typed.
#[derive(Deserialize, Default)]
pub struct PriceForm {
    #[serde(default)]
    price: String,
    #[serde(default)]
    effective_from: String,
}

async fn edit_body(
    t: &mut TenantPage,
    row: &IngredientRow,
    v: &IngredientForm,
    errors: &[FieldError],
    price: &PriceForm,
    price_errors: &[FieldError],
    yield_problem: Option<&str>,
) -> WebResult<Markup> {
    let history = ingredients::cost_history(&mut t.tx, t.restaurant_id, row.ingredient_id).await?;
    let kitchen = load_kitchen(t).await?;
    let yields = ingredients::yields_of(&kitchen, row.ingredient_id);
    let fmt = t.fmt();
    let currency = t.restaurant.currency.to_string();
    let pe = message("price", price_errors);
    let de = message("effective_from", price_errors);
    let editable = t.can(Action::WriteData);
    Ok(html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/ingredients")) { "Ingredients" } " / " }
        div.page-head { h1.break { (row.name) } }
        (ingredient_form(t, &t.href(&format!("/ingredients/{}", row.ingredient_id)), v, errors, "Save changes"))
        section.card aria-labelledby="prices-h" {
            h2 #prices-h { "Price history" }
            p.muted.small { "Costs for any date use the price in effect then. A price for a future date takes effect on that day." }
            table.table.stack {
                thead { tr { th scope="col" { "From" } th.num scope="col" { "Price per " (row.base_unit) } } }
                tbody {
                    @for h in history.iter().rev() {
                        tr {
                            td data-label="From" { (fmt.date(h.effective_from)) }
                            td.num data-label="Price" { (unit_price(&fmt, &currency, h.unit_cost)) }
                        }
                    }
                }
            }
            @if editable {
                form.price-form method="post" action=(t.href(&format!("/ingredients/{}/prices", row.ingredient_id))) novalidate {
                    (csrf_field(&t.csrf))
                    div.grid-2 {
                        (field("price", &format!("New price per {} ({currency})", row.base_unit), None, pe.as_deref(), html! {
                            input #price type="text" name="price" value=(price.price) inputmode="decimal"
                                aria-invalid=[pe.as_ref().map(|_| "true")]
                                aria-describedby=[described_by("price", false, pe.as_deref())];
                        }))
                        (field("effective_from", "Effective from", None, de.as_deref(), html! {
                            input #effective_from type="date" name="effective_from" value=(price.effective_from)
                                aria-invalid=[de.as_ref().map(|_| "true")]
                                aria-describedby=[described_by("effective_from", false, de.as_deref())];
                        }))
                    }
                    div.actions { button.btn type="submit" { "Record price" } }
                }
            }
        }
        section.card aria-labelledby="yields-h" {
            h2 #yields-h { "Preparation yields" }
            p.muted.small { "What share of what you buy is left after each preparation (onion, diced: 0.70). A recipe line that names the preparation buys quantity ÷ yield, instead of the waste factor." }
            @if let Some(p) = yield_problem { p.alert role="alert" #yield-problem { (p) } }
            form #yields method="post" action=(t.href(&format!("/ingredients/{}/yields", row.ingredient_id))) {
                (csrf_field(&t.csrf))
                table.table {
                    thead { tr { th scope="col" { "Preparation" } th scope="col" { "Yield" } } }
                    tbody {
                        @for i in 0..(yields.len() + 2) {
                            @let y = yields.get(i);
                            tr {
                                td { input type="text" name={ "action" (i) } maxlength="60" aria-label={ "Preparation " (i + 1) } value=[y.map(|y| y.action.as_str())] disabled[!editable]; }
                                td { input type="text" inputmode="decimal" name={ "yield" (i) } aria-label={ "Yield " (i + 1) } value=[y.map(|y| y.edible_share.normalize().to_string())] disabled[!editable]; }
                            }
                        }
                    }
                }
                @if editable { div.actions { button.btn type="submit" { "Save yields" } } }
            }
        }
    })
}

/// Saves the preparation yields as listed (blank rows dropped).
pub async fn save_yields(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<std::collections::HashMap<String, String>>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let row = load_row(&mut t, &params).await?;
    let kitchen = load_kitchen(&mut t).await?;
    let input: Vec<ingredients::YieldInput> = (0..32)
        .filter_map(|i| {
            let action = f.get(&format!("action{i}")).map(|a| a.trim()).unwrap_or("");
            let share = f.get(&format!("yield{i}")).map(|a| a.trim()).unwrap_or("");
            (!action.is_empty() || !share.is_empty()).then(|| ingredients::YieldInput {
                action: action.to_owned(),
                // Local decimal commas ("0,7") read as in every other form.
                share: parse_decimal(share).map_or_else(|| share.to_owned(), |d| d.to_string()),
            })
        })
        .collect();
    let mut savepoint = sqlx::Acquire::begin(&mut *t.tx).await?;
    match ingredients::set_yields(
        &mut savepoint,
        t.restaurant_id,
        &kitchen,
        row.ingredient_id,
        &input,
    )
    .await
    {
        Ok(_) => {
            savepoint.commit().await?;
            let to = t.href(&format!("/ingredients/{}?done=saved", row.ingredient_id));
            t.commit().await?;
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ AppError::Rejected { .. }) if e.kind() != Some(flux_app::Kind::NotFound) => {
            savepoint.rollback().await?;
            let why = match &e {
                AppError::Rejected { errors, .. } if !errors.is_empty() => errors
                    .iter()
                    .map(|f| f.message.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => e.to_string(),
            };
            let price = PriceForm {
                price: String::new(),
                effective_from: kitchen.today.to_string(),
            };
            let body = edit_body(
                &mut t,
                &row,
                &IngredientForm::from_row(&row),
                &[],
                &price,
                &[],
                Some(&why),
            )
            .await?;
            let page = t.render(nav::INGREDIENTS, &row.name, None, body);
            t.commit().await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_page(
    mut t: TenantPage,
    params: RawPathParams,
    Query(p): Query<ListParams>,
) -> WebResult {
    let row = load_row(&mut t, &params).await?;
    let today = load_kitchen(&mut t).await?.today;
    let price = PriceForm {
        price: String::new(),
        effective_from: today.to_string(),
    };
    let body = edit_body(
        &mut t,
        &row,
        &IngredientForm::from_row(&row),
        &[],
        &price,
        &[],
        None,
    )
    .await?;
    let page = t.render(
        nav::INGREDIENTS,
        &row.name,
        notice_text(p.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok(page.into_response())
}

pub async fn update(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<IngredientForm>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let row = load_row(&mut t, &params).await?;
    let kitchen = load_kitchen(&mut t).await?;
    let errors = match f.input() {
        Ok(input) => match ingredients::update(
            &mut t.tx,
            t.restaurant_id,
            &kitchen,
            row.ingredient_id,
            &input,
        )
        .await
        {
            Ok(_) => {
                let to = t.href(&format!("/ingredients/{}?done=saved", row.ingredient_id));
                t.commit().await?;
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => form_errors(e)?,
        },
        Err(e) => e,
    };
    let price = PriceForm {
        price: String::new(),
        effective_from: kitchen.today.to_string(),
    };
    let body = edit_body(&mut t, &row, &f, &errors, &price, &[], None).await?;
    let page = t.render(nav::INGREDIENTS, &row.name, None, body);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn record_price(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<PriceForm>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let row = load_row(&mut t, &params).await?;
    let kitchen = load_kitchen(&mut t).await?;
    let mut errors = Vec::new();
    let price = parse_decimal(&f.price);
    if price.is_none() {
        errors.push(FieldError::new(
            "price",
            "invalid",
            "must be a number such as 2.40",
        ));
    }
    let date = NaiveDate::parse_from_str(f.effective_from.trim(), "%Y-%m-%d").ok();
    if date.is_none() {
        errors.push(FieldError::new(
            "effective_from",
            "invalid",
            "must be a date",
        ));
    }
    if let (Some(price), Some(date)) = (price, date) {
        match ingredients::change_price(
            &mut t.tx,
            t.restaurant_id,
            &kitchen,
            row.ingredient_id,
            price,
            date,
        )
        .await
        {
            Ok(_) => {
                let to = t.href(&format!("/ingredients/{}?done=saved", row.ingredient_id));
                t.commit().await?;
                return Ok(Redirect::to(&to).into_response());
            }
            // The use case names the stored field; the form calls it `price`.
            Err(e) => errors.extend(rejected_fields(e)?.into_iter().map(|mut f| {
                if f.field == "unit_cost" {
                    f.field = "price".into();
                }
                f
            })),
        }
    }
    let body = edit_body(
        &mut t,
        &row,
        &IngredientForm::from_row(&row),
        &[],
        &f,
        &errors,
        None,
    )
    .await?;
    let page = t.render(nav::INGREDIENTS, &row.name, None, body);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_accepts_percentages_and_local_decimals_and_reports_each_field() {
        let ok = IngredientForm {
            name: "Tomatoes".into(),
            base_unit: "kg".into(),
            unit_cost: "2,40".into(),
            waste: "15 %".into(),
            pack_size: "5 kg".into(),
            ..Default::default()
        }
        .validate()
        .expect("valid");
        assert_eq!(ok.unit_cost, Decimal::new(240, 2));
        assert_eq!(ok.data.waste_factor, Decimal::new(15, 2));
        let errs = IngredientForm {
            name: "".into(),
            base_unit: "kg".into(),
            unit_cost: "abc".into(),
            waste: "70%".into(),
            ..Default::default()
        }
        .validate()
        .expect_err("invalid");
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["unit_cost", "waste", "name"]);
    }
}
