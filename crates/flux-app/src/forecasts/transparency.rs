//! What the forecasting model is, for the people it affects: the model
//! card each restaurant can read (the transparency duties of the EU AI
//! Act for a system that informs decisions).
//!
//! [`card`] says what the model does, what data of this restaurant the
//! newest run used, how accurate it has been here (a rolling-origin
//! backtest on the restaurant's own history, beside the seasonal-naive
//! baseline, and the stored forecasts against the sales that followed),
//! how people's overrides have done against it, and its limits. Every
//! number is computed from the restaurant's data when asked; nothing is
//! a fixed claim.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use flux_forecast::backtest::{backtest, BacktestConfig, ModelScore, NamedModel};
use flux_forecast::{Horizon, ModelKind};
use flux_store::PgPool;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::accuracy::Metrics;
use super::{load, DemandError};
use crate::{AppError, AppResult};

/// Forecast origins and days per origin of the card's backtest: four
/// weeks, one week at a time, as the restaurant plans.
pub const BACKTEST_ORIGINS: usize = 4;
pub const BACKTEST_HORIZON_DAYS: u32 = 7;
/// Weeks of tracked accuracy the card shows.
pub const TRACKED_WEEKS: usize = 12;
/// The backtest gives up after this long (a restaurant takes well under a
/// second); the card then says so instead of waiting.
pub const BACKTEST_BUDGET: Duration = Duration::from_secs(20);

/// The model card of one restaurant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelCard {
    pub model: ModelInfo,
    pub data: DataUsed,
    pub accuracy: Accuracy,
    /// What the model cannot know or do, in plain words.
    pub limits: Vec<String>,
    /// How people stay in control.
    pub human_oversight: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelInfo {
    /// The model of the newest run (`production` when there is none yet).
    pub name: String,
    /// Flux version that produced the newest run.
    pub version: Option<String>,
    pub summary: String,
    /// How it works, step by step.
    pub how_it_works: Vec<String>,
    /// What each forecast day is stored with.
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DataUsed {
    /// Sales history the newest run read: first and last day with sales.
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub days_with_sales: i64,
    pub dishes_with_sales: i64,
    pub units_sold: f64,
    /// Active dishes forecast.
    pub dishes_forecast: usize,
    /// Dishes with under 30 days of their own history: forecast partly or
    /// wholly from their category's and the restaurant's pattern.
    pub dishes_with_short_history: usize,
    /// Public holidays of this country are taken into account.
    pub holiday_country: Option<String>,
    /// Weekdays the opening hours mark closed (forecast as zero).
    pub closed_weekdays: Vec<String>,
    /// Dish-days read as sold out (marked, or inferred from the times of
    /// sales): their sales are taken as the least that was wanted.
    pub sold_out_days: usize,
    /// The newest run: first forecast day, when and why it ran.
    pub run_as_of: Option<NaiveDate>,
    pub run_at: Option<DateTime<Utc>>,
    pub run_trigger: Option<String>,
    /// What the model never uses.
    pub not_used: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Scores {
    /// Mean absolute error over the seasonal-naive in-sample error (below 1
    /// beats "same day last week").
    pub mase: f64,
    /// Pinball loss over p10/p50/p90, scaled like MASE (lower is better).
    pub scaled_pinball: f64,
    /// Share of days of busy dishes (≥ 5 a day) inside [p10, p90]; 0.8 is
    /// the aim.
    pub coverage_80: Option<f64>,
    /// (forecast − actual) / actual over all scored days.
    pub bias: f64,
}

impl From<&ModelScore> for Scores {
    fn from(s: &ModelScore) -> Self {
        Scores {
            mase: s.mase,
            scaled_pinball: s.scaled_pinball,
            coverage_80: s.coverage_80,
            bias: s.bias,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Backtest {
    /// Forecast origins, oldest first; each forecasts `horizon_days` days
    /// from only the data before it.
    pub origins: Vec<NaiveDate>,
    pub horizon_days: u32,
    /// Forecasts scored: one per dish and origin with enough history.
    pub forecasts_scored: usize,
    /// Dish-days scored.
    pub days_scored: usize,
    pub model: Scores,
    /// Same weekday last week, with its own error quantiles.
    pub baseline: Scores,
    /// How much lower the model's scaled pinball loss is than the
    /// baseline's, in per cent (negative: worse).
    pub improvement_pct: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverrideScore {
    /// Past overridden dish-days with sales recorded.
    pub days: usize,
    /// Mean absolute error of the model's median on those days.
    pub model_mae: f64,
    /// Mean absolute error of the people's quantities on those days.
    pub override_mae: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Accuracy {
    /// On the restaurant's own history; none when it is too short.
    pub backtest: Option<Backtest>,
    /// Why there is no backtest, when there is none.
    pub backtest_note: Option<String>,
    /// Stored forecasts against the sales that followed.
    pub live: Metrics,
    /// Accuracy tracked by the nightly runs, each over the
    /// [`super::accuracy::TRACK_WINDOW_DAYS`] days before it: the newest
    /// snapshot of each of the last [`TRACKED_WEEKS`] weeks, newest first.
    pub tracked: Vec<flux_store::forecasts::AccuracySnapshot>,
    /// Overrides against the model, once overridden days have passed.
    pub overrides: Option<OverrideScore>,
}

const SUMMARY: &str = "Forecasts how many portions of each dish will sell on each of the \
    coming days, as a range (p10 to p90: 8 days in 10 should fall inside) around a most likely \
    value (p50). Flux uses it for the prep list, ingredient needs, purchase recommendations and \
    costing.";

const HOW_IT_WORKS: [&str; 6] = [
    "Recent level: each dish's recent daily sales, weighting recent weeks more (how much more \
     is chosen per dish from its own past errors).",
    "Weekday pattern: how each weekday compares with an average day, from the dish itself, \
     pooled with its category and the whole restaurant when the dish has little history.",
    "Holidays and special days: the effect of each public holiday (when a country is set) and \
     of the restaurant's own events (its Events calendar), each learnt from its earlier occurrences across all dishes.",
    "Promotions: the lift of planned promotions, learnt from past promoted sales.",
    "Uncertainty: a negative binomial distribution whose spread is estimated from the dish's \
     own forecast errors one and seven days ahead, wider while the dish has little history.",
    "Closed days (opening hours) are forecast as exactly zero and never count as low demand.",
];

const EXPLANATION: &str = "Every forecast day is stored with its parts: the weekday multiplier, \
    the recent level, any holiday, special-day or promotion effect, and how much of the dish's \
    own history stands behind it (the dish page and the explanation endpoint show them).";

const NOT_USED: [&str; 5] = [
    "weather",
    "local events the restaurant has not entered in its Events calendar",
    "prices and price changes",
    "reservations and bookings",
    "any personal data about guests or staff",
];

const LIMITS: [&str; 6] = [
    "It only knows the past: a new competitor, roadworks or a booked party are invisible to it \
     until they show in sales. Override the forecast for such days.",
    "A sold-out day is only known as one when someone marks it (dish page or API) or when timed \
     sales show the dish stopping hours before the rest of the restaurant; then its sales count \
     as the least that was wanted. An unmarked sell-out still counts as low demand.",
    "New dishes start from their category's pattern and need about a month of sales before the \
     forecast rests on their own history.",
    "The range is honest on average, not every day: about 1 day in 5 falls outside p10–p90 by \
     design, and more after a sudden change in the restaurant.",
    "Gaps in imported sales look like days without demand unless the restaurant was marked closed.",
    "It forecasts dishes, not ingredients: ingredient needs follow from recipes, which must be \
     right for them to be.",
];

const OVERSIGHT: [&str; 4] = [
    "Any manager or chef can override a dish's forecast for a day with a reason; the override \
     replaces the median everywhere Flux uses the forecast and the range moves with it.",
    "Every override is recorded in the audit log (who, when, before and after) and can be \
     removed, which restores the model's forecast.",
    "Feedback (too high, too low, about right) is kept with the run it judged.",
    "Forecasts inform orders and prep; Flux never orders or schedules by itself.",
];

fn weekday_name(d: u32) -> String {
    u8::try_from(d)
        .ok()
        .and_then(|d| Weekday::try_from(d).ok())
        .map_or_else(|| d.to_string(), |w| format!("{w:?}"))
}

fn override_score(outcomes: &[flux_store::forecasts::OverrideOutcome]) -> Option<OverrideScore> {
    if outcomes.is_empty() {
        return None;
    }
    let n = outcomes.len() as f64;
    Some(OverrideScore {
        days: outcomes.len(),
        model_mae: outcomes
            .iter()
            .map(|o| (o.model_p50 - o.actual).abs())
            .sum::<f64>()
            / n,
        override_mae: outcomes
            .iter()
            .map(|o| (o.quantity - o.actual).abs())
            .sum::<f64>()
            / n,
    })
}

/// Runs the backtest off the async executor, within [`BACKTEST_BUDGET`].
async fn run_backtest(
    input: flux_forecast::Restaurant,
    model: ModelKind,
) -> Result<Backtest, String> {
    let horizon = Horizon::new(BACKTEST_HORIZON_DAYS).map_err(|e| e.to_string())?;
    let cfg = BacktestConfig::new(BACKTEST_ORIGINS, horizon);
    let models = [
        NamedModel::from(model),
        NamedModel::from(ModelKind::SeasonalNaive),
    ];
    // On timeout the blocking task is left to finish on its own (it cannot
    // be cancelled); the engine's searches are bounded, so it does finish.
    let job = tokio::task::spawn_blocking(move || backtest(&[input], &models, &cfg));
    let report = match tokio::time::timeout(BACKTEST_BUDGET, job).await {
        Err(_) => {
            return Err(format!(
                "the backtest did not finish within {} s",
                BACKTEST_BUDGET.as_secs()
            ))
        }
        Ok(Err(e)) => return Err(format!("the backtest failed: {e}")),
        Ok(Ok(Err(e))) => return Err(format!("not enough history for a backtest yet ({e})")),
        Ok(Ok(Ok(r))) => r,
    };
    let [m, b] = report.scores.as_slice() else {
        return Err("the backtest scored no model".into());
    };
    if m.evaluated_days == 0 {
        return Err(format!(
            "not enough history for a backtest yet: a dish needs 28 days of sales before the \
             first of {BACKTEST_ORIGINS} weekly origins"
        ));
    }
    Ok(Backtest {
        origins: report.origins,
        horizon_days: report.horizon,
        forecasts_scored: m.evaluated_series,
        days_scored: m.evaluated_days,
        improvement_pct: if b.scaled_pinball > 0.0 {
            100.0 * (1.0 - m.scaled_pinball / b.scaled_pinball)
        } else {
            0.0
        },
        model: m.into(),
        baseline: b.into(),
    })
}

/// The restaurant's model card. A restaurant without sales gets the
/// card with no data and no accuracy yet.
pub async fn card(pool: &PgPool, restaurant_id: Uuid, user_id: Uuid) -> AppResult<ModelCard> {
    let mut tx = flux_store::tenant::begin(pool, user_id, restaurant_id).await?;
    let restaurant = flux_store::restaurants::get(&mut tx, restaurant_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let today = restaurant.timezone.today();
    let run = super::stored::latest_run(&mut tx, restaurant_id).await?;
    let before = run.as_ref().map_or(today, |r| r.as_of);
    let span = flux_store::forecasts::history_span(&mut tx, restaurant_id, before).await?;
    let live = super::accuracy::report(&mut tx, restaurant_id, today)
        .await?
        .restaurant;
    let outcomes = flux_store::forecasts::override_outcomes(&mut tx, restaurant_id, today).await?;
    let tracked = super::accuracy::history(&mut tx, restaurant_id, TRACKED_WEEKS).await?;
    tx.commit().await?;

    let model = run
        .as_ref()
        .and_then(|r| r.model.parse::<ModelKind>().ok())
        .unwrap_or(ModelKind::Production);
    let (loaded, backtest, backtest_note) =
        match load(pool, restaurant_id, user_id, Some(before), None).await {
            Ok(l) => {
                let short = l
                    .engine_input
                    .series
                    .iter()
                    .filter(|s| s.quantities.len() < 30)
                    .count();
                let facts = (
                    l.engine_input.series.len(),
                    short,
                    l.closed.clone(),
                    l.holiday_country.clone(),
                    l.stockout_days,
                );
                match run_backtest(l.engine_input, model).await {
                    Ok(b) => (Some(facts), Some(b), None),
                    Err(note) => (Some(facts), None, Some(note)),
                }
            }
            Err(DemandError::NoHistory) => (None, None, Some("no sales imported yet".to_string())),
            Err(e) => return Err(e.into()),
        };
    let (dishes_forecast, dishes_with_short_history, closed, holiday_country, sold_out_days) =
        loaded.unwrap_or((0, 0, HashSet::new(), None, 0));
    let mut closed: Vec<u32> = closed.into_iter().collect();
    closed.sort_unstable();
    Ok(ModelCard {
        model: ModelInfo {
            name: model.name().to_string(),
            version: run.as_ref().map(|r| r.model_version.clone()),
            summary: SUMMARY.to_string(),
            how_it_works: HOW_IT_WORKS.iter().map(|s| s.to_string()).collect(),
            explanation: EXPLANATION.to_string(),
        },
        data: DataUsed {
            first_day: span.first,
            last_day: span.last,
            days_with_sales: span.days,
            dishes_with_sales: span.dishes,
            units_sold: span.units,
            dishes_forecast,
            dishes_with_short_history,
            holiday_country,
            sold_out_days,
            closed_weekdays: closed.into_iter().map(weekday_name).collect(),
            run_as_of: run.as_ref().map(|r| r.as_of),
            run_at: run.as_ref().map(|r| r.created_at),
            run_trigger: run.as_ref().map(|r| r.trigger.clone()),
            not_used: NOT_USED.iter().map(|s| s.to_string()).collect(),
        },
        accuracy: Accuracy {
            backtest,
            backtest_note,
            live,
            tracked,
            overrides: override_score(&outcomes),
        },
        limits: LIMITS.iter().map(|s| s.to_string()).collect(),
        human_oversight: OVERSIGHT.iter().map(|s| s.to_string()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flux_store::forecasts::OverrideOutcome;

    #[test]
    fn overrides_are_scored_against_the_model_on_the_same_days() {
        let o = |quantity, model_p50, actual| OverrideOutcome {
            quantity,
            model_p50,
            actual,
        };
        let s = override_score(&[o(30.0, 20.0, 28.0), o(10.0, 12.0, 14.0)]);
        let s = s.map(|s| (s.days, s.model_mae, s.override_mae));
        assert_eq!(s, Some((2, 5.0, 3.0)));
        assert!(override_score(&[]).is_none());
    }

    #[test]
    fn weekdays_are_named_monday_first() {
        assert_eq!(weekday_name(0), "Mon");
        assert_eq!(weekday_name(6), "Sun");
    }
}
