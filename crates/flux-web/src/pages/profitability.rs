//! Profitability: what each dish sold, cost and earned over a period, the
//! theoretical food-cost %, the menu-engineering matrix as a chart and a
//! table, and which dishes changed class since the period before.

use axum::extract::Query;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use flux_costing::MenuClass;
use maud::{html, Markup};
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;

use crate::charts::{self, MatrixChart, MatrixPoint};
use crate::error::{WebError, WebResult};
use crate::extract::TenantPage;
use crate::layout::empty_state;
use crate::nav;
use crate::pages::ingredients::load_kitchen;

#[derive(Deserialize, Default)]
pub struct Params {
    from: Option<String>,
    to: Option<String>,
}

fn class_name(c: MenuClass) -> &'static str {
    match c {
        MenuClass::Star => "star",
        MenuClass::Plowhorse => "plowhorse",
        MenuClass::Puzzle => "puzzle",
        MenuClass::Dog => "dog",
    }
}

fn advice(c: MenuClass) -> &'static str {
    match c {
        MenuClass::Star => "Keep: popular and profitable.",
        MenuClass::Plowhorse => "Popular but earns little: review portion or price.",
        MenuClass::Puzzle => "Earns well but sells little: promote or reposition.",
        MenuClass::Dog => "Sells little and earns little: rework or remove.",
    }
}

fn date(raw: Option<&str>) -> Option<NaiveDate> {
    raw.and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
}

pub async fn page(mut t: TenantPage, Query(p): Query<Params>) -> WebResult {
    let kitchen = load_kitchen(&mut t).await?;
    let (from, to) = flux_app::costing::report::default_period(
        kitchen.today,
        date(p.from.as_deref()),
        date(p.to.as_deref()),
    );
    if from > to || (to - from).num_days() > 3660 {
        return Err(WebError::BadRequest(
            "the period must start before it ends and span at most 10 years".into(),
        ));
    }
    let options = kitchen.options(None, None);
    let r = flux_app::costing::report::profitability(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        from,
        to,
        &options,
    )
    .await
    .map_err(|e| WebError::BadRequest(e.to_string()))?;
    let fmt = t.fmt();
    let money = |m: flux_costing::Money| fmt.money(m.amount());
    let pct = |d: Option<rust_decimal::Decimal>| {
        d.map(|d| fmt.percent(d.to_f64().unwrap_or_default(), 1))
            .unwrap_or_else(|| "–".into())
    };
    let points: Vec<MatrixPoint> = r
        .dishes
        .iter()
        .map(|d| MatrixPoint {
            label: d.dish.clone(),
            popularity: d.mix_share.to_f64().unwrap_or_default(),
            contribution: d
                .contribution_per_unit
                .and_then(|c| c.amount().to_f64())
                .unwrap_or_default(),
            class: class_name(d.class),
        })
        .collect();
    let moved: Vec<_> = r
        .changes
        .iter()
        .filter(|c| c.class_changed && c.previous.is_some() && c.current.is_some())
        .collect();
    let chart: Option<Markup> = r.totals.as_ref().map(|_| {
        charts::matrix(&MatrixChart {
            title: "Menu-engineering matrix",
            description: "Each dish placed by its share of units sold (across) and its contribution per plate (up); the dashed lines are the popularity and contribution thresholds.",
            points: &points,
            popularity_threshold: r.popularity_threshold.and_then(|v| v.to_f64()).unwrap_or_default(),
            contribution_threshold: r.contribution_threshold.and_then(|v| v.amount().to_f64()).unwrap_or_default(),
            x_label: &|v| fmt.percent(v, 1),
            y_label: &|v| fmt.money_f64(v),
        })
    });
    let body = html! {
        div.page-head { h1 { "Profitability" } }
        form.filters method="get" action=(t.href("/profitability")) {
            div.field {
                label for="from" { "From" }
                input #from type="date" name="from" value=(from);
            }
            div.field {
                label for="to" { "To" }
                input #to type="date" name="to" value=(to);
            }
            div.filter-actions { button.btn type="submit" { "Show" } }
        }
        @match &r.totals {
            None => {
                (empty_state(
                    "Nothing to analyse in this period",
                    "Profitability needs sales of dishes that have a recipe. Confirm recipes, or pick a period with sales.",
                    Some((&t.href("/recipes"), "Confirm recipes")),
                ))
            }
            Some(totals) => {
                div.kpis {
                    div.kpi { span.kpi-label { "Revenue" } span.kpi-value { (money(totals.revenue)) } }
                    div.kpi { span.kpi-label { "Food cost" } span.kpi-value { (money(totals.food_cost)) } }
                    div.kpi { span.kpi-label { "Theoretical food cost" } span.kpi-value.food-cost { (pct(totals.food_cost_ratio)) }
                        span.kpi-sub { "what the recipes say, as a share of revenue" } }
                    div.kpi { span.kpi-label { "Contribution" } span.kpi-value { (money(totals.contribution)) }
                        @if let Some(prev) = &r.previous_totals {
                            span.kpi-sub { "previous period " (money(prev.contribution)) }
                        }
                    }
                }
                section.card aria-labelledby="matrix-h" {
                    h2 #matrix-h { "Menu engineering" }
                    p.muted.small {
                        "Popular: at least " (pct(r.popularity_threshold)) " of plates sold. Profitable: at least "
                        (r.contribution_threshold.map(money).unwrap_or_default()) " contribution per plate."
                    }
                    @if let Some(c) = &chart { (c) }
                    ul.matrix-legend {
                        @for c in [MenuClass::Star, MenuClass::Plowhorse, MenuClass::Puzzle, MenuClass::Dog] {
                            li { span class={ "badge " (class_name(c)) } { (class_name(c)) } " " span.muted.small { (advice(c)) } }
                        }
                    }
                    @if !moved.is_empty() {
                        h3 { "Changed since " (fmt.date(r.previous_period.from)) " – " (fmt.date(r.previous_period.to)) }
                        ul.changes {
                            @for c in &moved {
                                li {
                                    (c.dish) ": "
                                    @if let Some(p) = c.previous { span class={ "badge " (class_name(p)) } { (class_name(p)) } }
                                    " → "
                                    @if let Some(n) = c.current { span class={ "badge " (class_name(n)) } { (class_name(n)) } }
                                }
                            }
                        }
                    }
                }
                section.card aria-labelledby="dishes-h" {
                    h2 #dishes-h { "Dishes" }
                    table.table.stack.profit {
                        thead { tr {
                            th scope="col" { "Dish" }
                            th.num scope="col" { "Sold" }
                            th.num scope="col" { "Revenue" }
                            th.num scope="col" { "Food cost" }
                            th.num scope="col" { "Cost %" }
                            th.num scope="col" { "Contribution" }
                            th scope="col" { "Class" }
                        } }
                        tbody {
                            @for d in &r.dishes {
                                tr {
                                    td data-label="Dish" { (d.dish) }
                                    td.num data-label="Sold" { (fmt.int(i64::try_from(d.units_sold).unwrap_or(i64::MAX))) }
                                    td.num data-label="Revenue" { (money(d.revenue)) }
                                    td.num data-label="Food cost" { (money(d.food_cost)) }
                                    td.num data-label="Cost %" { (pct(d.food_cost_ratio)) }
                                    td.num data-label="Contribution" { (money(d.contribution)) }
                                    td data-label="Class" { span class={ "badge " (class_name(d.class)) } { (class_name(d.class)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !r.uncosted.is_empty() {
            section.card aria-labelledby="uncosted-h" {
                h2 #uncosted-h { "Sold but not costed (" (r.uncosted.len()) ")" }
                p.muted.small { "These dishes are left out of the figures above. " a href=(t.href("/recipes")) { "Confirm their recipes" } " to include them." }
                ul.uncosted {
                    @for u in r.uncosted.iter().take(12) {
                        li { (u.dish) " — " (fmt.qty(u.units_sold)) " sold (" (u.reason) ")" }
                    }
                }
            }
        }
    };
    let page = t.render(nav::PROFITABILITY, "Profitability", None, body);
    t.commit().await?;
    Ok(page.into_response())
}
