//! Inventory control pages (`flux_app::inventory`): the variance report
//! (actual against theoretical usage, food cost, the weekly trend), the
//! waste log with a quick entry form that fits a phone, and the allergen
//! matrix with each ingredient's declaration and a printable sheet.

use axum::extract::{Query, RawPathParams};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::{Duration, NaiveDate};
use flux_app::costing::Kitchen;
use flux_app::inventory::allergens;
use flux_app::inventory::variance;
use flux_app::inventory::waste::{self, WasteInput};
use flux_app::inventory::WasteReason;
use flux_app::AppError;
use flux_costing::Allergen;
use flux_domain::role::Action;
use maud::{html, Markup};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

use crate::charts::{self, BarChart};
use crate::error::{WebError, WebResult};
use crate::extract::{path_uuid, CsrfForm, TenantPage};
use crate::format::{parse_decimal, Fmt};
use crate::layout::csrf_field;

pub(crate) fn subnav(t: &TenantPage, active: &str) -> Markup {
    let links = [
        ("/inventory", "Variance"),
        ("/inventory/waste", "Waste"),
        ("/inventory/invoices", "Invoices"),
        ("/inventory/transfers", "Transfers"),
        ("/inventory/allergens", "Allergens"),
    ];
    html! {
        nav.subnav.no-print aria-label="Inventory" {
            @for (path, label) in links {
                a href=(t.href(path)) aria-current=[(path == active).then_some("page")] { (label) }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
    done: Option<String>,
}

/// A date typed in the filter form; blank means the default.
fn date_param(raw: Option<&str>, name: &str) -> Result<Option<NaiveDate>, WebError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| WebError::BadRequest(format!("{name} must be a date as YYYY-MM-DD"))),
    }
}

fn money_opt(fmt: &Fmt, v: Option<Decimal>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| fmt.money(v))
}

fn qty_opt(fmt: &Fmt, v: Option<Decimal>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| fmt.qty(v))
}

fn pct(fmt: &Fmt, v: Option<Decimal>) -> String {
    v.map_or_else(
        || "—".to_owned(),
        |v| fmt.percent(v.to_f64().unwrap_or_default() / 100.0, 1),
    )
}

/// The variance report.
pub async fn variance_page(mut t: TenantPage, Query(q): Query<PeriodQuery>) -> WebResult {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let to = date_param(q.to.as_deref(), "to")?.unwrap_or(kitchen.today - Duration::days(1));
    let from = date_param(q.from.as_deref(), "from")?.unwrap_or(to - Duration::days(27));
    let report = match variance::report(&mut t.tx, t.restaurant_id, &kitchen, from, to).await {
        Ok(r) => Ok(r),
        Err(e @ AppError::Rejected { .. }) if e.kind() == Some(flux_app::Kind::Validation) => {
            Err(e.to_string())
        }
        Err(e) => return Err(e.into()),
    };
    let trend = variance::trend(&mut t.tx, t.restaurant_id, &kitchen, to, 7, 6).await?;
    let fmt = t.fmt();
    let bars: Vec<(String, f64)> = trend
        .iter()
        .map(|p| {
            (
                fmt.date_short(p.to),
                p.totals.unexplained_cost.to_f64().unwrap_or_default(),
            )
        })
        .collect();
    let body = html! {
        div.page-head { h1 { "Where the food went" } }
        (subnav(&t, "/inventory"))
        form.filters.no-print method="get" {
            label { "From " input type="date" name="from" value=(from); }
            label { "To " input type="date" name="to" value=(to); }
            button.btn type="submit" { "Show" }
        }
        @match &report {
            Err(problem) => { p.alert role="alert" { (problem) } }
            Ok(r) => {
                @let totals = &r.report.totals;
                div.kpis #variance-kpis {
                    div.kpi { span.kpi-label { "Actual food cost" } span.kpi-value #actual-pct { (pct(&fmt, totals.actual_food_cost_pct)) } }
                    div.kpi { span.kpi-label { "Theoretical food cost" } span.kpi-value #theoretical-pct { (pct(&fmt, totals.theoretical_food_cost_pct)) } }
                    div.kpi { span.kpi-label { "Logged waste" } span.kpi-value { (fmt.money(totals.waste_cost)) } }
                    div.kpi { span.kpi-label { "Unexplained" } span.kpi-value #unexplained { (fmt.money(totals.unexplained_cost)) } }
                }
                p.muted.small {
                    "Actual usage is opening count + deliveries − closing count; theoretical is what the recipes say the dishes sold took. "
                    "Counted ingredients: " (totals.counted_ingredients) "; not counted twice in the period: " (totals.uncounted_ingredients) ". "
                    "Sales " (fmt.money(totals.revenue)) "."
                }
                section.card {
                    h2 { "By ingredient, largest unexplained first" }
                    @let counted: Vec<_> = r.report.lines.iter().filter(|l| l.actual.is_some()).collect();
                    @if counted.is_empty() {
                        p.muted { "No ingredient has two stock counts in this period. Count at the start and at the end of the period to see where the food went." }
                    } @else {
                        table.table.stack #variance {
                            thead { tr {
                                th scope="col" { "Ingredient" }
                                th.num scope="col" { "Opening" }
                                th.num scope="col" { "Delivered" }
                                th.num scope="col" { "Closing" }
                                th.num scope="col" { "Actual" }
                                th.num scope="col" { "Theoretical" }
                                th.num scope="col" { "Waste" }
                                th.num scope="col" { "Unexplained" }
                                th.num scope="col" { "Value" }
                                th scope="col" { "Used by" }
                            } }
                            tbody {
                                @for l in &counted {
                                    tr {
                                        td data-label="Ingredient" {
                                            (l.ingredient)
                                            @if let Some(w) = l.window { @if w.opening_count != from - Duration::days(1) || w.closing_count != to {
                                                br; span.muted.small { (fmt.date_short(w.opening_count)) " – " (fmt.date_short(w.closing_count)) }
                                            } }
                                        }
                                        td.num data-label="Opening" { (qty_opt(&fmt, l.opening)) " " (l.base_unit) }
                                        td.num data-label="Delivered" { (fmt.qty(l.deliveries)) }
                                        td.num data-label="Closing" { (qty_opt(&fmt, l.closing)) }
                                        td.num data-label="Actual" { (qty_opt(&fmt, l.actual)) }
                                        td.num data-label="Theoretical" { (fmt.qty(l.theoretical)) }
                                        td.num data-label="Waste" { (fmt.qty(l.waste)) }
                                        td.num data-label="Unexplained" { (qty_opt(&fmt, l.unexplained)) }
                                        td.num data-label="Value" { (money_opt(&fmt, l.unexplained_value)) }
                                        td.small data-label="Used by" {
                                            @for (i, d) in l.drivers.iter().take(3).enumerate() { @if i > 0 { ", " } (d.dish) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @let uncounted: Vec<_> = r.report.lines.iter().filter(|l| l.actual.is_none() && (l.theoretical > Decimal::ZERO || l.deliveries > Decimal::ZERO)).collect();
                @if !uncounted.is_empty() {
                    section.card {
                        h2 { "Used but not counted twice" }
                        p.muted.small { "Their theoretical use in the period, for reference; without a count at each end there is no actual usage to compare." }
                        ul.columns #uncounted { @for l in &uncounted { li { (l.ingredient) " — " (fmt.qty(l.theoretical)) " " (l.base_unit) } } }
                    }
                }
            }
        }
        section.card {
            h2 { "Unexplained variance, last six weeks" }
            (charts::bars(&BarChart {
                title: "Unexplained variance per week",
                description: "Money of counted ingredients that left the shelf beyond what sales and logged waste explain, per week ending on the date shown.",
                bars: &bars,
                value_label: &|v| fmt.money_f64(v),
            }))
        }
    };
    let page = t.render(crate::nav::INVENTORY, "Inventory", None, body);
    t.commit().await?;
    Ok(page.into_response())
}

fn waste_notice(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "logged" => "Waste logged.",
        "removed" => "Entry removed.",
        _ => return None,
    })
}

async fn render_waste(
    mut t: TenantPage,
    status: StatusCode,
    q: &PeriodQuery,
    problem: Option<String>,
) -> WebResult {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let to = date_param(q.to.as_deref(), "to")?.unwrap_or(kitchen.today);
    let from = date_param(q.from.as_deref(), "from")?.unwrap_or(to - Duration::days(6));
    let log = waste::log(&mut t.tx, t.restaurant_id, &kitchen, from, to).await?;
    let fmt = t.fmt();
    let editable = t.can(Action::WriteData);
    let mut dishes: Vec<(Uuid, String)> = Vec::new();
    let mut preps: Vec<(Uuid, String)> = Vec::new();
    for r in &kitchen.rows.recipes {
        let name = kitchen.book_name(r.recipe_id).unwrap_or(&r.name).to_owned();
        if r.menu_item_id.is_some() {
            dishes.push((r.recipe_id, name));
        } else {
            preps.push((r.recipe_id, format!("{name} ({})", r.yield_unit)));
        }
    }
    dishes.sort_by(|a, b| a.1.cmp(&b.1));
    preps.sort_by(|a, b| a.1.cmp(&b.1));
    let base = t.href("/inventory/waste");
    let body = html! {
        div.page-head { h1 { "Waste" } }
        (subnav(&t, "/inventory/waste"))
        @if let Some(p) = &problem { p.alert role="alert" #problem { (p) } }
        @if editable {
            form.card.waste-entry #log-waste method="post" action=(base) {
                h2 { "Log waste" }
                (csrf_field(&t.csrf))
                label { "What"
                    select name="item" required {
                        optgroup label="Ingredients" {
                            @for i in &kitchen.rows.ingredients { option value={ "i:" (i.ingredient_id) } { (i.name) " (" (i.base_unit) ")" } }
                        }
                        @if !preps.is_empty() { optgroup label="Preps" { @for (id, n) in &preps { option value={ "r:" (id) } { (n) } } } }
                        @if !dishes.is_empty() { optgroup label="Dishes (portions)" { @for (id, n) in &dishes { option value={ "r:" (id) } { (n) } } } }
                    }
                }
                div.grid-2 {
                    label { "How much" input type="text" inputmode="decimal" name="quantity" required; }
                    label { "Unit (blank: as listed)" input type="text" name="unit" maxlength="20"; }
                }
                label { "Why"
                    select name="reason" {
                        @for r in WasteReason::ALL { option value=(r.as_str()) { (r.label()) } }
                    }
                }
                label { "Date" input type="date" name="date" value=(kitchen.today); }
                label { "Note" input type="text" name="note" maxlength="500"; }
                button.btn.btn-primary type="submit" { "Log waste" }
            }
        }
        form.filters.no-print method="get" {
            label { "From " input type="date" name="from" value=(from); }
            label { "To " input type="date" name="to" value=(to); }
            button.btn type="submit" { "Show" }
        }
        div.kpis {
            div.kpi { span.kpi-label { "Wasted" } span.kpi-value #waste-total { (fmt.money(log.total_value)) } }
            div.kpi { span.kpi-label { "Of sales" } span.kpi-value #waste-pct { (pct(&fmt, log.waste_pct)) } }
        }
        div.grid-2 {
            section.card {
                h2 { "By reason" }
                @if log.by_reason.is_empty() { p.muted { "Nothing logged." } }
                table.table #by-reason { tbody { @for r in &log.by_reason { tr { td { (r.name) } td.num { (fmt.money(r.value)) } } } } }
            }
            section.card {
                h2 { "Costliest" }
                @if log.by_item.is_empty() { p.muted { "Nothing logged." } }
                table.table #by-item { tbody { @for r in &log.by_item { tr { td { (r.name) } td.num { (fmt.money(r.value)) } } } } }
            }
        }
        section.card {
            h2 { "Entries" }
            @if log.entries.is_empty() { p.muted { "No waste logged in this period." } } @else {
                table.table.stack #waste-entries {
                    thead { tr { th { "Day" } th { "What" } th.num { "Quantity" } th { "Why" } th.num { "Cost" } @if editable { th { span.sr-only { "Remove" } } } } }
                    tbody {
                        @for e in &log.entries {
                            tr {
                                td data-label="Day" { (fmt.date_short(e.date)) }
                                td.break data-label="What" { (e.item) @if let Some(n) = &e.note { br; span.muted.small { (n) } } }
                                td.num data-label="Quantity" { (fmt.qty(e.quantity)) " " (e.unit) }
                                td data-label="Why" { (e.reason.label()) }
                                td.num data-label="Cost" { (money_opt(&fmt, e.value)) }
                                @if editable {
                                    td {
                                        form.inline method="post" action=(format!("{base}/{}/delete", e.waste_id)) {
                                            (csrf_field(&t.csrf))
                                            button.btn.btn-quiet type="submit" { "Remove" }
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
        crate::nav::INVENTORY,
        "Waste",
        waste_notice(q.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok((status, page).into_response())
}

pub async fn waste_page(t: TenantPage, Query(q): Query<PeriodQuery>) -> WebResult {
    render_waste(t, StatusCode::OK, &q, None).await
}

#[derive(Deserialize)]
pub struct WasteForm {
    item: String,
    quantity: String,
    #[serde(default)]
    unit: String,
    reason: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
}

pub async fn log_waste(mut t: TenantPage, CsrfForm(f): CsrfForm<WasteForm>) -> WebResult {
    if !t.can(Action::WriteData) {
        return Err(WebError::Forbidden);
    }
    let (ingredient_id, recipe_id) = match f.item.split_once(':') {
        Some(("i", id)) => (Uuid::parse_str(id).ok(), None),
        Some(("r", id)) => (None, Uuid::parse_str(id).ok()),
        _ => (None, None),
    };
    let reason = WasteReason::try_from(f.reason.clone())
        .map_err(|_| WebError::BadRequest("choose why it was wasted".into()))?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let date = date_param(Some(&f.date), "date")?.unwrap_or(kitchen.today);
    let input = WasteInput {
        ingredient_id,
        recipe_id,
        // Text that is not a number is refused by the use case as zero.
        quantity: parse_decimal(&f.quantity).unwrap_or(Decimal::ZERO),
        unit: Some(f.unit),
        reason,
        note: Some(f.note),
    };
    let rid = t.restaurant_id;
    let mut tx = sqlx::Acquire::begin(&mut *t.tx).await?;
    match waste::record(&mut tx, rid, &kitchen, date, &[input], Some(t.user_id)).await {
        Ok(_) => tx.commit().await?,
        Err(e @ AppError::Rejected { .. }) if e.kind() == Some(flux_app::Kind::Validation) => {
            tx.rollback().await?;
            let why = match &e {
                AppError::Rejected { errors, .. } if !errors.is_empty() => errors
                    .iter()
                    .map(|f| f.message.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => e.to_string(),
            };
            return render_waste(
                t,
                StatusCode::UNPROCESSABLE_ENTITY,
                &PeriodQuery::default(),
                Some(why),
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    }
    let to = t.href("/inventory/waste?done=logged");
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

pub async fn delete_waste(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(_): CsrfForm<crate::extract::Empty>,
) -> WebResult {
    if !t.can(Action::WriteData) {
        return Err(WebError::Forbidden);
    }
    let id = path_uuid(&params, "waste_id")?;
    waste::delete(&mut t.tx, t.restaurant_id, id).await?;
    let to = t.href("/inventory/waste?done=removed");
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

/// The allergen matrix (and, with `sheet`, the printable sheet).
async fn render_allergens(mut t: TenantPage, sheet: bool, note: Option<&str>) -> WebResult {
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let overview = allergens::overview(&mut t.tx, t.restaurant_id, &kitchen).await?;
    let dishes: Vec<_> = overview
        .recipes
        .iter()
        .filter(|r| r.menu_item_id.is_some())
        .collect();
    let editable = t.can(Action::WriteData);
    let unreviewed = overview.ingredients.iter().filter(|i| !i.reviewed).count();
    let words = |r: &allergens::RecipeAllergens| {
        r.contains
            .iter()
            .map(|c| c.allergen.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let body = if sheet {
        html! {
            div.page-head { h1 { "Allergens in our dishes" } }
            p.no-print { a.btn href=(t.href("/inventory/allergens")) { "Back to the matrix" } " Print this page from the browser." }
            p.small { "The 14 allergens of EU regulation 1169/2011 and the US major nine, from each ingredient's declaration through every recipe. Ask us if you have any allergy." }
            table.table.allergen-sheet #allergen-sheet {
                thead { tr { th { "Dish" } th { "Contains" } } }
                tbody {
                    @for d in &dishes {
                        tr {
                            td { (d.name) }
                            td {
                                @if d.contains.is_empty() && d.unreviewed.is_empty() { "None of the listed allergens" }
                                @else { (words(d)) }
                                @if !d.unreviewed.is_empty() { br; strong { "Not yet checked: ask staff." } }
                            }
                        }
                    }
                }
            }
        }
    } else {
        html! {
            div.page-head { h1 { "Allergens" } }
            (subnav(&t, "/inventory/allergens"))
            p { a.btn href=(t.href("/inventory/allergens/sheet")) { "Printable sheet" } }
            @if unreviewed > 0 {
                p.notice.warn role="status" #unreviewed-count {
                    @if unreviewed == 1 { "1 ingredient has" } @else { (unreviewed) " ingredients have" }
                    " not been reviewed yet; the dishes using them are marked incomplete."
                }
            }
            section.card.wide {
                h2 { "Dishes" }
                div.table-scroll {
                    table.table.allergen-matrix #allergen-matrix {
                        thead { tr {
                            th scope="col" { "Dish" }
                            @for a in Allergen::ALL { th scope="col" title=(a.label()) { span.rotate { (a.label()) } } }
                            th scope="col" { "Unreviewed" }
                        } }
                        tbody {
                            @for d in &dishes {
                                tr data-dish=(d.name) {
                                    th scope="row" { (d.name) }
                                    @for a in Allergen::ALL {
                                        @let c = d.contains.iter().find(|c| c.allergen == a);
                                        td.mark data-allergen=(a.as_str()) title=[c.map(|c| c.sources.join("; "))] {
                                            @if c.is_some() { "●" span.sr-only { (a.label()) } }
                                        }
                                    }
                                    td.small { @for (i, n) in d.unreviewed.iter().enumerate() { @if i > 0 { ", " } (n) } }
                                }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { "Ingredients" }
                table.table.stack #ingredient-allergens {
                    thead { tr { th { "Ingredient" } th { "Declares" } @if editable { th { span.sr-only { "Review" } } } } }
                    tbody {
                        @for i in &overview.ingredients {
                            tr {
                                td data-label="Ingredient" { (i.name) }
                                td data-label="Declares" {
                                    @if !i.reviewed { span.muted { "not reviewed" } }
                                    @else if i.allergens.is_empty() { "none" }
                                    @else { @for (k, a) in i.allergens.iter().enumerate() { @if k > 0 { ", " } (a.label()) } }
                                }
                                @if editable { td { a href=(t.href(&format!("/inventory/allergens/ingredients/{}", i.ingredient_id))) { "Review" } } }
                            }
                        }
                    }
                }
            }
        }
    };
    let page = t.render(crate::nav::INVENTORY, "Allergens", note, body);
    t.commit().await?;
    Ok(page.into_response())
}

pub async fn allergens_page(t: TenantPage, Query(q): Query<Done>) -> WebResult {
    let note = match q.done.as_deref() {
        Some("reviewed") => Some("Declaration saved."),
        _ => None,
    };
    render_allergens(t, false, note).await
}

pub async fn allergen_sheet(t: TenantPage) -> WebResult {
    render_allergens(t, true, None).await
}

/// The review form of one ingredient: a box per allergen.
pub async fn ingredient_allergens(mut t: TenantPage, params: RawPathParams) -> WebResult {
    let id = path_uuid(&params, "ingredient_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let overview = allergens::overview(&mut t.tx, t.restaurant_id, &kitchen).await?;
    let Some(i) = overview.ingredients.iter().find(|i| i.ingredient_id == id) else {
        return Err(WebError::NotFound);
    };
    let body = html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/inventory/allergens")) { "Allergens" } " / " }
        h1.break { (i.name) }
        form.card #declare method="post" action=(t.href(&format!("/inventory/allergens/ingredients/{id}"))) {
            (csrf_field(&t.csrf))
            fieldset {
                legend { "Contains (tick none if it contains none of them)" }
                @for a in Allergen::ALL {
                    label.check {
                        input type="checkbox" name=(a.as_str()) value="on" checked[i.allergens.contains(&a)];
                        " " (a.label())
                        @if !a.eu() { span.muted.small { " (US list)" } }
                    }
                }
            }
            button.btn.btn-primary type="submit" { "Save declaration" }
        }
    };
    let page = t.render(crate::nav::INVENTORY, &i.name, None, body);
    t.commit().await?;
    Ok(page.into_response())
}

pub async fn declare_allergens(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> WebResult {
    if !t.can(Action::WriteData) {
        return Err(WebError::Forbidden);
    }
    let id = path_uuid(&params, "ingredient_id")?;
    let kitchen = Kitchen::load(&mut t.tx, t.restaurant_id).await?;
    let names: Vec<String> = Allergen::ALL
        .iter()
        .filter(|a| f.contains_key(a.as_str()))
        .map(|a| a.as_str().to_owned())
        .collect();
    allergens::set(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        id,
        &names,
        Some(t.user_id),
    )
    .await?;
    let to = t.href("/inventory/allergens?done=reviewed");
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}
