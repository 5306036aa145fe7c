//! Data health (seed workflow 7): is this restaurant's history good enough
//! to forecast from, and if not, why.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::AppResult;

/// Dishes need this many days with sales before their own history drives
/// the forecast (below it the forecaster leans on category priors).
pub const MIN_DAYS_TO_FORECAST: i64 = 14;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Gap {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ThinItem {
    pub menu_item_id: Uuid,
    pub name: String,
    pub days_with_sales: i64,
}

/// A dish whose stored sales have no money.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DishWithoutRevenue {
    pub menu_item_id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HealthReport {
    pub first_sale: Option<NaiveDate>,
    pub last_sale: Option<NaiveDate>,
    pub days_in_span: i64,
    /// Days inside the span without any sale (closed, or missing data).
    pub days_without_sales: i64,
    /// Runs of 3+ consecutive days without sales: likely missing exports.
    pub gaps: Vec<Gap>,
    pub thin_items: Vec<ThinItem>,
    /// Dishes sold with no revenue on any day: their files had no price or
    /// amount column Flux could place, so money reports leave them out.
    pub dishes_without_revenue: Vec<DishWithoutRevenue>,
    pub last_upload_at: Option<DateTime<Utc>>,
    pub ready_to_forecast: bool,
    pub advice: Vec<String>,
}

/// The health of the restaurant's sales history, with advice on what to
/// upload next.
pub async fn report(conn: &mut flux_store::PgConnection, rid: Uuid) -> AppResult<HealthReport> {
    use flux_store::sales as a;
    let span = a::sales_span(conn, rid).await?;
    let empty_days = a::days_without_sales(conn, rid).await?;
    let thin = a::thin_items(conn, rid, MIN_DAYS_TO_FORECAST).await?;
    let last_upload_at = a::last_upload_at(conn, rid).await?;
    let no_revenue = a::dishes_without_revenue(conn, rid).await?;
    let gaps = gaps(&empty_days, 3);
    let days_in_span = span.map_or(0, |(f, l)| (l - f).num_days() + 1);
    let mut advice = Vec::new();
    if span.is_none() {
        advice.push("No sales yet: upload a sales export to start forecasting.".to_string());
    } else if days_in_span < 28 {
        advice.push(format!(
            "Only {days_in_span} days of history: forecasts improve a lot with 8 weeks or more."
        ));
    }
    for g in &gaps {
        advice.push(format!(
            "No sales from {} to {} ({} days): missing export, or closed?",
            g.from, g.to, g.days
        ));
    }
    if !thin.is_empty() {
        advice.push(format!(
            "{} dish(es) have fewer than {MIN_DAYS_TO_FORECAST} days of sales; their forecasts lean on their category.",
            thin.len()
        ));
    }
    if !no_revenue.is_empty() {
        advice.push(format!(
            "Revenue missing for {} dish(es): their uploads had no price or amount column that could be read. Upload an export with prices, or map its money column.",
            no_revenue.len()
        ));
    }
    Ok(HealthReport {
        first_sale: span.map(|s| s.0),
        last_sale: span.map(|s| s.1),
        days_in_span,
        days_without_sales: empty_days.len() as i64,
        gaps,
        thin_items: thin
            .into_iter()
            .map(|(menu_item_id, name, days_with_sales)| ThinItem {
                menu_item_id,
                name,
                days_with_sales,
            })
            .collect(),
        dishes_without_revenue: no_revenue
            .into_iter()
            .map(|(menu_item_id, name)| DishWithoutRevenue { menu_item_id, name })
            .collect(),
        last_upload_at,
        ready_to_forecast: days_in_span >= 28,
        advice,
    })
}

/// Groups sorted dates into runs of at least `min_len` consecutive days.
pub fn gaps(days: &[NaiveDate], min_len: i64) -> Vec<Gap> {
    let mut out = Vec::new();
    let mut run: Option<(NaiveDate, NaiveDate)> = None;
    for &d in days {
        run = match run {
            Some((s, e)) if (d - e).num_days() == 1 => Some((s, d)),
            Some((s, e)) => {
                push_gap(&mut out, s, e, min_len);
                Some((d, d))
            }
            None => Some((d, d)),
        };
    }
    if let Some((s, e)) = run {
        push_gap(&mut out, s, e, min_len);
    }
    out
}

fn push_gap(out: &mut Vec<Gap>, from: NaiveDate, to: NaiveDate, min_len: i64) {
    let days = (to - from).num_days() + 1;
    if days >= min_len {
        out.push(Gap { from, to, days });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn groups_consecutive_empty_days_into_gaps() {
        let days = [
            d("2024-01-01"),
            d("2024-01-02"),
            d("2024-01-03"),
            d("2024-01-07"),
            d("2024-01-10"),
            d("2024-01-11"),
        ];
        let g = gaps(&days, 2);
        assert_eq!(g.len(), 2);
        assert_eq!(
            (g[0].from, g[0].to, g[0].days),
            (d("2024-01-01"), d("2024-01-03"), 3)
        );
        assert_eq!((g[1].from, g[1].days), (d("2024-01-10"), 2));
        assert!(gaps(&days, 4).is_empty());
    }
}
