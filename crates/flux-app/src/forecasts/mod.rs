//! Forecasting a restaurant from its stored sales.
//!
//! [`run`] reads the daily roll-up, the menu, the opening hours and the
//! settings inside the restaurant's tenant transaction, runs the pure engine
//! (`flux-forecast`) off the async executor, and stores the run and every
//! forecast day in one transaction. The same function serves the API, the
//! job worker (nightly and after imports) and benchmarks.
//!
//! The engine runs under a time budget, [`ENGINE_TIME_BUDGET`]: a run that
//! exceeds it fails with [`DemandError::TimeBudgetExceeded`] rather than
//! keeping a blocking thread (and every core rayon can reach) busy for as
//! long as some input makes it take. The job worker retries such a run
//! with its usual backoff.

pub mod accuracy;
pub mod feedback;
pub mod overrides;
pub mod stockouts;
pub mod stored;
pub mod transparency;

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use flux_domain::forecast::Quantiles;
use flux_forecast::assemble::{restaurant_from_daily, DailyTotal};
use flux_forecast::{Country, ForecastError, ForecastRequest, Horizon, ItemForecast, ModelKind};
use flux_store::forecasts::{ForecastRows, Run};
use flux_store::PgPool;
use uuid::Uuid;

/// How long the engine may work on one run. A restaurant takes
/// milliseconds (a million series take about ten seconds), so this only
/// trips on pathological input or a starved machine. It stays below the job worker's ten-minute lease so a
/// run that gives up is recorded as failed (and retried with backoff)
/// before another worker could claim the same job and start it twice.
pub const ENGINE_TIME_BUDGET: Duration = Duration::from_secs(5 * 60);

/// Why a forecast could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DemandError {
    #[error("restaurant not found")]
    NoRestaurant,
    #[error("no sales history yet: import sales first")]
    NoHistory,
    /// The engine did not finish within [`ENGINE_TIME_BUDGET`]. Not an
    /// input error: kept apart from [`DemandError::Engine`] so callers do
    /// not report it as one, and worth retrying later.
    #[error("the forecast of {items} items did not finish within {} s", .budget.as_secs())]
    TimeBudgetExceeded { items: usize, budget: Duration },
    #[error(transparent)]
    Engine(#[from] flux_forecast::ForecastError),
    #[error(transparent)]
    Store(#[from] flux_store::StoreError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Api,
    Nightly,
    Import,
    Cli,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Api => "api",
            Trigger::Nightly => "nightly",
            Trigger::Import => "import",
            Trigger::Cli => "cli",
        }
    }
    pub fn parse(s: &str) -> Trigger {
        match s {
            "nightly" => Trigger::Nightly,
            "import" => Trigger::Import,
            "cli" => Trigger::Cli,
            _ => Trigger::Api,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub model: ModelKind,
    /// Days to forecast; `None` uses the restaurant's setting.
    pub horizon: Option<u32>,
    /// First forecast day; `None` means today in the restaurant's timezone.
    pub as_of: Option<NaiveDate>,
    pub trigger: Trigger,
    pub user_id: Option<Uuid>,
}

/// A stored run with its forecasts, keyed by menu item.
#[derive(Debug)]
pub struct Outcome {
    pub run: Run,
    /// The model's forecasts, as the engine made them.
    pub forecasts: Vec<(Uuid, String, ItemForecast)>,
    /// People's overrides of days in the run's horizon.
    pub overrides: HashMap<(Uuid, NaiveDate), overrides::Override>,
}

impl Outcome {
    /// A day of a dish as Flux uses it: the model's quantiles, or what an
    /// override makes of them, and the override.
    pub fn effective(
        &self,
        item: Uuid,
        day: &flux_forecast::DayForecast,
    ) -> (Quantiles, Option<&overrides::Override>) {
        let model = Quantiles {
            mean: day.mean,
            p10: day.p10,
            p50: day.p50,
            p90: day.p90,
            p99: day.p99,
        };
        match self.overrides.get(&(item, day.date)) {
            Some(o) => (model.overridden(o.quantity), Some(o)),
            None => (model, None),
        }
    }
}

/// What a run (or a backtest) reads from the store, turned into the
/// engine's input.
pub(crate) struct Loaded {
    pub as_of: NaiveDate,
    pub horizon: Horizon,
    /// ISO weekdays − 1 on which the restaurant is closed.
    pub closed: HashSet<u32>,
    /// Name, category and whether active, per menu item.
    pub meta: HashMap<Uuid, (String, Option<String>, bool)>,
    pub holiday_country: Option<String>,
    /// Dish-days read as sold out (lower bounds on demand).
    pub stockout_days: usize,
    pub engine_input: flux_forecast::Restaurant,
}

/// Flags the sold-out days of `sold_out` in the engine's input (series are
/// keyed by menu item id); returns how many history days were flagged.
fn mark_sold_out(
    input: &mut flux_forecast::Restaurant,
    sold_out: &HashSet<(Uuid, NaiveDate)>,
) -> usize {
    if sold_out.is_empty() {
        return 0;
    }
    let mut by_item: HashMap<Uuid, Vec<NaiveDate>> = HashMap::new();
    for (item, date) in sold_out {
        by_item.entry(*item).or_default().push(*date);
    }
    let mut flagged = 0;
    for s in &mut input.series {
        let Some(dates) = Uuid::parse_str(&s.item)
            .ok()
            .and_then(|id| by_item.get(&id))
        else {
            continue;
        };
        let n = s.quantities.len();
        if s.flags.is_empty() {
            s.flags = vec![flux_forecast::DayFlags::OPEN; n];
        }
        for d in dates {
            let i = (*d - s.start).num_days();
            if let Some(f) = usize::try_from(i).ok().and_then(|i| s.flags.get_mut(i)) {
                f.stockout = true;
                flagged += 1;
            }
        }
    }
    flagged
}

/// Reads the daily roll-up, the menu, the opening hours and the settings
/// in one tenant transaction. Only active dishes are forecast.
pub(crate) async fn load(
    pool: &PgPool,
    rid: Uuid,
    actor: Uuid,
    as_of: Option<NaiveDate>,
    horizon: Option<u32>,
) -> Result<Loaded, DemandError> {
    let mut tx = flux_store::tenant::begin(pool, actor, rid).await?;
    let restaurant = flux_store::restaurants::get(&mut tx, rid)
        .await?
        .ok_or(DemandError::NoRestaurant)?;
    let tz = restaurant.timezone.tz();
    let settings_rows = flux_store::settings::load(&mut tx, rid).await?;
    let settings = flux_domain::settings::Settings::from_stored(
        settings_rows.iter().map(|(k, v)| (k.as_str(), v)),
    );
    let hours = flux_store::hours::load(&mut tx, rid).await?;
    // A restaurant that never entered opening hours is not "closed every day".
    let closed: HashSet<u32> = if hours.days.iter().all(Vec::is_empty) {
        HashSet::new()
    } else {
        (0..7u32).filter(|d| hours.is_closed(*d as usize)).collect()
    };
    let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().with_timezone(&tz).date_naive());
    let horizon = Horizon::new(horizon.unwrap_or(u32::from(settings.forecast_horizon_days)))?;
    let items = flux_store::menu::list(
        &mut tx,
        rid,
        &flux_store::menu::ListQuery {
            limit: 100_000,
            ..Default::default()
        },
    )
    .await?
    .0;
    let series = flux_store::forecasts::daily_series(&mut tx, rid, as_of).await?;
    let sold_out = stockouts::for_forecast(&mut tx, rid, as_of).await?;
    let special_days = crate::events::special_days(&mut tx, rid, as_of, horizon.days()).await?;
    let weather = crate::weather::for_forecast(&mut tx, rid, as_of, horizon.days()).await?;
    tx.commit().await?;
    if series.is_empty() {
        return Err(DemandError::NoHistory);
    }
    let meta: HashMap<Uuid, (String, Option<String>, bool)> = items
        .into_iter()
        .map(|m| (m.menu_item_id, (m.name, m.category, m.active)))
        .collect();
    let mut totals: Vec<DailyTotal> = Vec::new();
    for s in series {
        let Some((_, category, true)) = meta.get(&s.menu_item_id) else {
            continue;
        };
        let item = s.menu_item_id.to_string();
        for ((date, quantity), promo) in s.dates.into_iter().zip(s.quantity).zip(s.promo_quantity) {
            totals.push(DailyTotal {
                item: item.clone(),
                category: category.clone(),
                date,
                quantity,
                promo_share: if quantity > 0.0 {
                    promo / quantity
                } else {
                    0.0
                },
            });
        }
    }
    let mut engine_input = restaurant_from_daily(totals, &closed, Some(as_of));
    let stockout_days = mark_sold_out(&mut engine_input, &sold_out);
    engine_input.special_days = special_days;
    engine_input.weather = weather;
    engine_input.country = settings
        .holiday_country
        .as_deref()
        .and_then(|c| Country::from_str(c).ok());
    Ok(Loaded {
        as_of,
        horizon,
        closed,
        meta,
        holiday_country: settings.holiday_country,
        stockout_days,
        engine_input,
    })
}

pub async fn run(pool: &PgPool, rid: Uuid, opts: &RunOptions) -> Result<Outcome, DemandError> {
    let started = Instant::now();
    let actor = opts.user_id.unwrap_or(Uuid::nil());
    let Loaded {
        as_of,
        horizon,
        closed,
        meta,
        holiday_country,
        stockout_days,
        engine_input,
    } = load(pool, rid, actor, opts.as_of, opts.horizon).await?;
    let mut request = ForecastRequest::new(as_of, horizon, opts.model);
    request.closed_days = (0..horizon.days())
        .map(|i| as_of + chrono::Days::new(u64::from(i)))
        .filter(|d| closed.contains(&d.weekday().num_days_from_monday()))
        .collect();
    let load_ms = started.elapsed().as_millis() as i64;

    let t = Instant::now();
    let request = request.with_deadline(t + ENGINE_TIME_BUDGET);
    // Every level of the menu (dishes, categories, the restaurant) is
    // forecast and reconciled, so dish means add up to the totals.
    let model = flux_forecast::Model::from_kind(opts.model);
    let result = tokio::task::spawn_blocking(move || {
        flux_forecast::forecast_hierarchy(&model, &engine_input, &request)
    })
    .await
    .map_err(|e| DemandError::Internal(e.to_string()))?
    .map_err(|e| match e {
        ForecastError::TimeBudgetExceeded { items } => DemandError::TimeBudgetExceeded {
            items,
            budget: ENGINE_TIME_BUDGET,
        },
        e => DemandError::Engine(e),
    })?;
    let engine_ms = t.elapsed().as_millis() as i64;

    let t = Instant::now();
    let mut rows = ForecastRows::default();
    let totals = total_rows(&result);
    let mut forecasts = Vec::with_capacity(result.items.len());
    for f in result.items {
        let Ok(id) = Uuid::parse_str(&f.item) else {
            continue;
        };
        for d in &f.days {
            rows.menu_item_id.push(id);
            rows.date.push(d.date);
            rows.mean.push(d.mean);
            rows.p10.push(d.p10);
            rows.p50.push(d.p50);
            rows.p90.push(d.p90);
            rows.p99.push(d.p99);
            rows.confidence.push(d.confidence);
            rows.explanation
                .push(serde_json::to_value(d.explanation).unwrap_or_default());
            rows.text.push(d.explanation.to_string());
        }
        let name = meta.get(&id).map(|m| m.0.clone()).unwrap_or_default();
        forecasts.push((id, name, f));
    }
    let run = Run {
        forecast_run_id: Uuid::now_v7(),
        model: opts.model.name().to_string(),
        model_version: env!("CARGO_PKG_VERSION").to_string(),
        parameters: serde_json::json!({"horizon": horizon.days(), "country": holiday_country, "closed_weekdays": closed, "stockout_days": stockout_days}),
        trigger: opts.trigger.as_str().to_string(),
        as_of,
        horizon_days: horizon.days() as i32,
        status: flux_store::status::RunStatus::Completed,
        items: forecasts.len() as i32,
        load_ms,
        engine_ms,
        store_ms: 0,
        error: None,
        created_at: chrono::Utc::now(),
    };
    let mut tx = flux_store::tenant::begin(pool, actor, rid).await?;
    flux_store::forecasts::insert_run(&mut tx, rid, &run, opts.user_id).await?;
    flux_store::forecasts::insert_forecasts(&mut tx, rid, run.forecast_run_id, &rows).await?;
    flux_store::forecasts::insert_totals(&mut tx, rid, run.forecast_run_id, &totals).await?;
    let store_ms = t.elapsed().as_millis() as i64;
    flux_store::forecasts::set_store_ms(&mut tx, rid, run.forecast_run_id, store_ms).await?;
    let last_day = as_of + chrono::Days::new(u64::from(horizon.days().saturating_sub(1)));
    let overrides = flux_store::forecasts::list_overrides(
        &mut tx,
        rid,
        None,
        Some(as_of),
        Some(last_day),
        i64::MAX,
    )
    .await?
    .into_iter()
    .map(|o| ((o.menu_item_id, o.forecast_date), o))
    .collect();
    tx.commit().await?;
    tracing::info!(%rid, items = run.items, load_ms, engine_ms, store_ms, trigger = run.trigger, "forecast run stored");
    metrics::histogram!("flux_forecast_run_seconds", "trigger" => opts.trigger.as_str())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("flux_forecast_series_total").increment(run.items as u64);
    Ok(Outcome {
        run: Run { store_ms, ..run },
        forecasts,
        overrides,
    })
}

/// The upper levels of a hierarchy forecast as rows to store.
fn total_rows(h: &flux_forecast::HierarchyForecast) -> flux_store::forecasts::TotalRows {
    use flux_store::status::TotalLevel;
    let mut rows = flux_store::forecasts::TotalRows::default();
    let levels = std::iter::once((TotalLevel::Restaurant, "", &h.total)).chain(
        h.categories
            .iter()
            .map(|c| (TotalLevel::Category, c.item.as_str(), c)),
    );
    for (level, name, f) in levels {
        for d in &f.days {
            rows.level.push(level);
            rows.name.push(name.to_owned());
            rows.date.push(d.date);
            rows.mean.push(d.mean);
            rows.p10.push(d.p10);
            rows.p50.push(d.p50);
            rows.p90.push(d.p90);
            rows.p99.push(d.p99);
        }
    }
    rows
}
