//! Data health: is the sales history good enough to forecast from, and if
//! not, what to do about it (`flux_app::uploads::health::report`).

use axum::response::IntoResponse;
use maud::html;

use crate::error::WebResult;
use crate::extract::TenantPage;
use crate::layout::empty_state;
use crate::nav;

pub async fn page(mut t: TenantPage) -> WebResult {
    let r = flux_app::uploads::health::report(&mut t.tx, t.restaurant_id).await?;
    let fmt = t.fmt();
    let body = html! {
        div.page-head {
            h1 { "Data health" }
            @if r.first_sale.is_some() {
                @if r.ready_to_forecast { span.badge.ok { "Ready to forecast" } }
                @else { span.badge.warn { "Not enough history yet" } }
            }
        }
        @if r.first_sale.is_none() {
            (empty_state(
                "No sales yet",
                "Upload a sales export and Flux will check whether your history is long and complete enough to forecast from.",
                Some((&t.href("/uploads"), "Upload sales")),
            ))
        } @else {
            div.kpis {
                div.kpi { span.kpi-label { "History" } span.kpi-value { (fmt.int(r.days_in_span)) " days" }
                    span.kpi-sub { (r.first_sale.map(|d| fmt.date(d)).unwrap_or_default()) " – " (r.last_sale.map(|d| fmt.date(d)).unwrap_or_default()) } }
                div.kpi { span.kpi-label { "Days without sales" } span.kpi-value { (fmt.int(r.days_without_sales)) } span.kpi-sub { "closed, or missing data" } }
                div.kpi { span.kpi-label { "Gaps" } span.kpi-value { (r.gaps.len()) } span.kpi-sub { "3+ days in a row without sales" } }
                div.kpi { span.kpi-label { "Last upload" } span.kpi-value.small-value {
                    (r.last_upload_at.map(|t2| fmt.datetime(t2, t.restaurant.timezone)).unwrap_or_else(|| "–".into())) } }
            }
            @if !r.advice.is_empty() {
                section.card {
                    h2 { "What to do next" }
                    ul.advice { @for a in &r.advice { li { (a) } } }
                }
            }
            @if !r.gaps.is_empty() {
                section.card {
                    h2 { "Gaps in the data" }
                    table.table.stack {
                        thead { tr { th scope="col" { "From" } th scope="col" { "To" } th.num scope="col" { "Days" } } }
                        tbody {
                            @for g in &r.gaps {
                                tr {
                                    td data-label="From" { (fmt.date(g.from)) }
                                    td data-label="To" { (fmt.date(g.to)) }
                                    td.num data-label="Days" { (fmt.int(g.days)) }
                                }
                            }
                        }
                    }
                }
            }
            @if !r.dishes_without_revenue.is_empty() {
                section.card {
                    h2 { "Dishes without revenue" }
                    p.muted.small { "Sold, but no upload gave them a price or an amount: money reports leave them out until an export with prices is uploaded." }
                    ul.compact {
                        @for d in &r.dishes_without_revenue {
                            li { a href=(t.href(&format!("/menu/{}", d.menu_item_id))) { (d.name) } }
                        }
                    }
                }
            }
            @if !r.thin_items.is_empty() {
                section.card {
                    h2 { "Dishes with little history" }
                    p.muted.small { "Fewer than " (flux_app::uploads::health::MIN_DAYS_TO_FORECAST) " days with sales: their forecasts lean on their category." }
                    table.table.stack {
                        thead { tr { th scope="col" { "Dish" } th.num scope="col" { "Days with sales" } } }
                        tbody {
                            @for i in &r.thin_items {
                                tr {
                                    td data-label="Dish" { a href=(t.href(&format!("/menu/{}", i.menu_item_id))) { (i.name) } }
                                    td.num data-label="Days with sales" { (fmt.int(i.days_with_sales)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let page = t.render(nav::HEALTH, "Data health", None, body);
    t.commit().await?;
    Ok(page.into_response())
}
