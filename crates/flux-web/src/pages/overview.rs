//! The restaurant's home: a sales overview, or onboarding when there are no
//! sales yet.

use std::collections::HashMap;

use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use flux_app::sales::{DailyTotal, Overview};
use maud::{html, Markup};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::charts::{self, BarChart, LineChart};
use crate::error::WebResult;
use crate::extract::TenantPage;
use crate::format::Fmt;
use crate::layout::notice_text;
use crate::nav;
use crate::pages::uploads;

#[derive(Deserialize, Default)]
pub struct OverviewQuery {
    days: Option<String>,
    done: Option<String>,
}

const PERIODS: [(i64, &str); 3] = [(30, "30 days"), (90, "90 days"), (365, "12 months")];

pub async fn page(mut t: TenantPage, Query(q): Query<OverviewQuery>) -> WebResult<Response> {
    let notice = notice_text(q.done.as_deref());
    let days = q
        .days
        .as_deref()
        .and_then(|d| d.parse::<i64>().ok())
        .filter(|d| PERIODS.iter().any(|(p, _)| p == d))
        .unwrap_or(90);
    let Some(sales) = flux_app::sales::overview(&mut t.tx, t.restaurant_id, days).await? else {
        let page = t.render(nav::OVERVIEW, "Get started", notice, onboarding(&t));
        t.commit().await?;
        return Ok(page.into_response());
    };
    let fmt = t.fmt();
    let body = overview(&t, &fmt, days, &sales);
    let page = t.render(nav::OVERVIEW, "Sales", notice, body);
    t.commit().await?;
    Ok(page.into_response())
}

fn onboarding(t: &TenantPage) -> Markup {
    html! {
        div.page-head { h1 { "Welcome to " (t.restaurant.name) } }
        div.empty.onboarding {
            h2 { "Upload a sales file to get started" }
            p {
                "Export your sales from your point-of-sale system (CSV, TSV or Excel; "
                "Toast, Square, Clover, Lightspeed and plain date/item/quantity/price files work) "
                "and upload it here. Flux will show what sells, on which days, and check whether "
                "your history is good enough to forecast from."
            }
            @if t.can(flux_domain::role::Action::WriteData) {
                (uploads::upload_form(t, true))
            } @else {
                p.muted { "Ask an owner, manager or chef of this restaurant to upload the first file." }
            }
        }
    }
}

/// Every day of `from..=to` with its total (0 for days without sales).
fn fill_days(daily: &[DailyTotal], from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, f64)> {
    let by_day: HashMap<NaiveDate, f64> = daily
        .iter()
        .map(|d| (d.date, d.quantity.to_f64().unwrap_or_default()))
        .collect();
    from.iter_days()
        .take_while(|d| *d <= to)
        .map(|d| (d, by_day.get(&d).copied().unwrap_or(0.0)))
        .collect()
}

/// The usual range of each day: lowest to highest total among days of the
/// same weekday with sales in the period. A day outside its band was
/// unusual for that weekday.
fn weekday_band(series: &[(NaiveDate, f64)]) -> Vec<(f64, f64)> {
    let mut range = [(f64::INFINITY, f64::NEG_INFINITY); 7];
    for (d, v) in series.iter().filter(|(_, v)| *v > 0.0) {
        let r = &mut range[d.weekday().num_days_from_monday() as usize];
        *r = (r.0.min(*v), r.1.max(*v));
    }
    series
        .iter()
        .map(|(d, _)| {
            let (lo, hi) = range[d.weekday().num_days_from_monday() as usize];
            if lo.is_finite() {
                (lo, hi)
            } else {
                (0.0, 0.0)
            }
        })
        .collect()
}

fn kpi(label: &str, value: String, sub: Option<String>) -> Markup {
    html! {
        div.kpi {
            span.kpi-label { (label) }
            span.kpi-value { (value) }
            @if let Some(s) = sub { span.kpi-sub { (s) } }
        }
    }
}

fn overview(t: &TenantPage, fmt: &Fmt, days: i64, sales: &Overview) -> Markup {
    let Overview {
        from,
        to,
        daily,
        weekdays,
        top,
    } = sales;
    let (from, to) = (*from, *to);
    let series = fill_days(daily, from, to);
    let band = weekday_band(&series);
    let points: Vec<(String, f64)> = series
        .iter()
        .map(|(d, v)| (fmt.date_short(*d), *v))
        .collect();
    let total_qty: Decimal = daily.iter().map(|d| d.quantity).sum();
    let revenues: Vec<Decimal> = daily.iter().filter_map(|d| d.revenue).collect();
    let revenue: Option<Decimal> = (!revenues.is_empty()).then(|| revenues.iter().copied().sum());
    let selling_days = daily.len().max(1);
    let bars: Vec<(String, f64)> = (0..7)
        .map(|i| {
            let v = weekdays
                .iter()
                .find(|w| w.day_of_week == i as i32)
                .map_or(0.0, |w| w.avg_quantity.to_f64().unwrap_or_default());
            (fmt.weekday(i).to_string(), v)
        })
        .collect();
    let busiest = weekdays
        .iter()
        .max_by(|a, b| a.avg_quantity.cmp(&b.avg_quantity))
        .map(|w| crate::format::WEEKDAY_NAMES[w.day_of_week.clamp(0, 6) as usize]);
    let qty_label = |v: f64| fmt.compact(v);
    html! {
        div.page-head {
            h1 { "Sales" }
            nav.segmented aria-label="Period" {
                @for (d, label) in PERIODS {
                    a href={ (t.href("")) "?days=" (d) } aria-current=[(d == days).then_some("page")] { (label) }
                }
            }
        }
        p.muted.period { (fmt.date(from)) " – " (fmt.date(to)) }
        div.kpis {
            (kpi("Items sold", fmt.qty(total_qty), Some(format!("{} days with sales", fmt.int(daily.len() as i64)))))
            @if let Some(r) = revenue {
                (kpi("Revenue", fmt.money(r), Some(format!("{} per selling day", fmt.money(r / Decimal::from(selling_days as i64))))))
            }
            (kpi("Average per day", fmt.num(total_qty.to_f64().unwrap_or_default() / selling_days as f64, 1), Some("items, on days with sales".into())))
            @if let Some(b) = busiest {
                (kpi("Busiest day", b.to_string(), Some("by average items sold".into())))
            }
        }
        section.card {
            h2 { "Items sold per day" }
            p.muted.small { "The line is each day’s total; the shaded band is the usual range for that weekday in this period." }
            (charts::line(&LineChart {
                title: "Items sold per day",
                description: "Daily total items sold, with the lowest-to-highest range of the same weekday shaded.",
                points: &points,
                band: Some(&band),
                y_label: &qty_label,
            }))
            details.chart-data {
                summary { "Show the numbers" }
                table.table {
                    thead { tr { th scope="col" { "Date" } th.num scope="col" { "Items sold" } th.num scope="col" { "Revenue" } } }
                    tbody {
                        @for d in daily.iter().rev() {
                            tr {
                                td { (fmt.date(d.date)) }
                                td.num { (fmt.qty(d.quantity)) }
                                td.num { (d.revenue.map(|r| fmt.money(r)).unwrap_or_else(|| "–".into())) }
                            }
                        }
                    }
                }
            }
        }
        div.two-col {
            section.card {
                h2 { "By weekday" }
                p.muted.small { "Average items sold on days with sales." }
                (charts::bars(&BarChart {
                    title: "Average items sold by weekday",
                    description: "Average daily items sold for each weekday, Monday to Sunday.",
                    bars: &bars,
                    value_label: &|v| fmt.num(v, if v < 10.0 { 1 } else { 0 }),
                }))
            }
            section.card {
                h2 { "Top dishes" }
                @if top.is_empty() {
                    p.muted { "No dish sales in this period." }
                } @else {
                    table.table.stack {
                        thead { tr {
                            th scope="col" { "Dish" }
                            th.num scope="col" { "Sold" }
                            th.num scope="col" { "Revenue" }
                            th.num scope="col" { "Days" }
                        } }
                        tbody {
                            @for i in top {
                                tr {
                                    td data-label="Dish" {
                                        (i.name)
                                        @if let Some(c) = &i.category { span.muted.small.block { (c) } }
                                    }
                                    td.num data-label="Sold" { (fmt.qty(i.quantity)) }
                                    td.num data-label="Revenue" { (i.revenue.map(|r| fmt.money(r)).unwrap_or_else(|| "–".into())) }
                                    td.num data-label="Days" { (fmt.int(i.days_sold)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        p.muted.small {
            "Is this history enough to forecast from? "
            a href=(t.href("/health")) { "Check data health" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn missing_days_are_zero_and_band_is_per_weekday() {
        let daily = vec![
            DailyTotal {
                date: d("2024-01-01"),
                quantity: Decimal::from(10),
                revenue: None,
            },
            DailyTotal {
                date: d("2024-01-08"),
                quantity: Decimal::from(20),
                revenue: None,
            },
        ];
        let s = fill_days(&daily, d("2024-01-01"), d("2024-01-08"));
        assert_eq!(s.len(), 8);
        assert_eq!(s[1].1, 0.0);
        let band = weekday_band(&s);
        assert_eq!(band[0], (10.0, 20.0));
        assert_eq!(band[7], (10.0, 20.0));
        assert_eq!(band[1], (0.0, 0.0));
    }
}
