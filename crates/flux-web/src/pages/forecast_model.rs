//! "How the forecast works": the restaurant's model card, in plain words:
//! what the model does, what of this restaurant's data it used, how
//! accurate it has been here (its backtest beside the naive baseline, and
//! its stored forecasts against what was sold), how people's overrides
//! did, its limits and how people stay in control. Every figure comes from
//! `flux_app::forecasts::transparency::card`, as the API serves it.

use axum::extract::State;
use axum::response::IntoResponse;
use flux_app::forecasts::transparency::{self, ModelCard, Scores};
use maud::{html, Markup};

use crate::error::WebResult;
use crate::extract::TenantPage;
use crate::format::Fmt;
use crate::{nav, WebState};

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map_or_else(|| "–".to_string(), f)
}

fn scores_row(fmt: &Fmt, label: &str, s: &Scores) -> Markup {
    html! {
        tr {
            th scope="row" { (label) }
            td.num data-label="Against last week (MASE)" { (fmt.num(s.mase, 2)) }
            td.num data-label="Range-aware error" { (fmt.num(s.scaled_pinball, 2)) }
            td.num data-label="Days inside the range" { (opt(s.coverage_80, |c| fmt.percent(c, 0))) }
            td.num data-label="Bias" { (fmt.percent(s.bias, 1)) }
        }
    }
}

fn accuracy(fmt: &Fmt, card: &ModelCard) -> Markup {
    let a = &card.accuracy;
    html! {
        section.card #accuracy {
            h2 { "How accurate it has been here" }
            @if let Some(b) = &a.backtest {
                p {
                    "Tested on your own history: from each of " (b.origins.len()) " past dates ("
                    (b.origins.first().map(|d| fmt.date(*d)).unwrap_or_default()) " to "
                    (b.origins.last().map(|d| fmt.date(*d)).unwrap_or_default())
                    "), the model forecast the next " (b.horizon_days) " days using only the sales before that date, and the forecasts were compared with what was then sold: "
                    (fmt.int(b.days_scored as i64)) " dish-days in " (fmt.int(b.forecasts_scored as i64)) " weekly forecasts."
                }
                table.table.stack.model-scores {
                    thead { tr {
                        th scope="col" { "Method" }
                        th.num scope="col" { "Against last week (MASE)" }
                        th.num scope="col" { "Range-aware error" }
                        th.num scope="col" { "Days inside the range" }
                        th.num scope="col" { "Bias" }
                    } }
                    tbody {
                        (scores_row(fmt, &format!("Flux ({})", card.model.name), &b.model))
                        (scores_row(fmt, "Same day last week", &b.baseline))
                    }
                }
                p.muted.small {
                    "Lower errors are better; below 1 against last week means better than repeating last week’s sales. "
                    "The range (10th–90th percentile) should hold about 80% of days. "
                    @if b.improvement_pct >= 0.0 {
                        "Here the model’s range-aware error is " (fmt.num(b.improvement_pct, 1)) "% lower than the baseline’s."
                    } @else {
                        "Here the model did " (fmt.num(-b.improvement_pct, 1)) "% worse than the baseline: check your sales history for gaps and closed days."
                    }
                }
            } @else if let Some(note) = &a.backtest_note {
                p.muted { "No test on your history yet: " (note) "." }
            }
            h3 { "Forecasts against what was sold" }
            @if a.live.days == 0 {
                p.muted { "No forecast day has passed with sales recorded yet." }
            } @else {
                p {
                    "Over " (fmt.int(a.live.days as i64)) " past dish-days, stored forecasts missed by "
                    (fmt.num(a.live.mae, 1)) " portions on average"
                    @if let Some(c) = a.live.coverage_80 { "; " (fmt.percent(c, 0)) " of busy dishes’ days fell inside the range" }
                    "."
                }
            }
            h3 { "Accuracy over time" }
            @if a.tracked.is_empty() {
                p.muted { "Each nightly run scores the last four weeks of forecasts; the first score appears after a night with past forecast days to score." }
            } @else {
                p.muted.small { "Each row: the forecasts of the four weeks before that day, scored by that night’s run." }
                table.table.stack.tracked {
                    thead { tr {
                        th scope="col" { "Measured" }
                        th.num scope="col" { "Dish-days" }
                        th.num scope="col" { "Average miss" }
                        th.num scope="col" { "Within the range" }
                        th.num scope="col" { "Against last week" }
                    } }
                    tbody {
                        @for s in &a.tracked {
                            tr {
                                td data-label="Measured" { (fmt.date(s.measured_on)) }
                                td.num data-label="Dish-days" { (fmt.int(i64::from(s.dish_days))) }
                                td.num data-label="Average miss" { (fmt.num(s.mae, 1)) }
                                td.num data-label="Within the range" { (s.coverage_80.map(|c| fmt.percent(c, 0)).unwrap_or_else(|| "–".into())) }
                                td.num data-label="Against last week" { (s.mase.map(|v| fmt.num(v, 2)).unwrap_or_else(|| "–".into())) }
                            }
                        }
                    }
                }
            }
            h3 { "Overrides against the model" }
            @match &a.overrides {
                None => { p.muted { "No overridden day has passed with sales recorded yet." } }
                Some(o) => {
                    p {
                        "On " (fmt.int(o.days as i64)) " past overridden dish-days, people’s numbers missed by "
                        (fmt.num(o.override_mae, 1)) " on average, the model’s by " (fmt.num(o.model_mae, 1)) "."
                    }
                }
            }
        }
    }
}

pub async fn page(State(state): State<WebState>, t: TenantPage) -> WebResult {
    let (rid, user) = (t.restaurant_id, t.user_id);
    // The backtest runs for a moment on a blocking thread: hold no transaction.
    let frame = t.suspend().await?;
    let card = transparency::card(state.pool(), rid, user).await?;
    let t = TenantPage::resume(frame, &state).await?;
    let fmt = t.fmt();
    let d = &card.data;
    let body = html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/forecast")) { "Forecast" } " / " }
        h1 { "How the forecast works" }
        section.card #model {
            h2 { "What it does" }
            p { (card.model.summary) }
            ol { @for step in &card.model.how_it_works { li { (step) } } }
            p.muted.small {
                (card.model.explanation) " Model: " code { (card.model.name) }
                @if let Some(v) = &card.model.version { ", Flux " (v) }
                "."
            }
        }
        section.card #data {
            h2 { "What data it used" }
            @if d.days_with_sales == 0 {
                p.muted { "No sales imported yet: the forecast has nothing to learn from." }
            } @else {
                dl.facts {
                    dt { "Sales history" }
                    dd {
                        (d.first_day.map(|x| fmt.date(x)).unwrap_or_default()) " to " (d.last_day.map(|x| fmt.date(x)).unwrap_or_default())
                        ": " (fmt.int(d.days_with_sales)) " days with sales, " (fmt.int(d.dishes_with_sales)) " dishes, "
                        (fmt.num(d.units_sold, 0)) " portions sold"
                    }
                    dt { "Dishes forecast" }
                    dd {
                        (fmt.int(d.dishes_forecast as i64)) " active dish(es)"
                        @if d.dishes_with_short_history > 0 {
                            "; " (fmt.int(d.dishes_with_short_history as i64)) " with under 30 days of their own sales (partly based on their category)"
                        }
                    }
                    dt { "Public holidays" }
                    dd { @match &d.holiday_country { Some(c) => { (c) } None => { "not used (set a country in Settings)" } } }
                    dt { "Closed days" }
                    dd { @if d.closed_weekdays.is_empty() { "none in the opening hours" } @else { (d.closed_weekdays.join(", ")) } }
                    @if let (Some(at), Some(as_of)) = (d.run_at, d.run_as_of) {
                        dt { "Newest forecast" }
                        dd {
                            "made " (fmt.datetime(at, t.restaurant.timezone)) " from sales before " (fmt.date(as_of))
                            @if let Some(trigger) = &d.run_trigger { " (" (trigger) ")" }
                        }
                    }
                }
            }
            p { "It never uses: " (d.not_used.join("; ")) "." }
        }
        (accuracy(&fmt, &card))
        section.card #limits {
            h2 { "Its limits" }
            ul { @for l in &card.limits { li { (l) } } }
        }
        section.card #oversight {
            h2 { "People stay in control" }
            ul { @for o in &card.human_oversight { li { (o) } } }
            p.muted.small { "Open a dish from the " a href=(t.href("/forecast")) { "forecast" } " to override it for a day." }
        }
    };
    let page = t.render(nav::FORECAST, "How the forecast works", None, body);
    t.commit().await?;
    Ok(page.into_response())
}
