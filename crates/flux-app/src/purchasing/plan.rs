//! The morning recommendation: what to order, from whom, and how much.
//!
//! For each ingredient a supplier offers: the supplier's coverage window
//! (orders placed today arrive at its next delivery day after the lead
//! time and must last until the delivery after that), the forecast of
//! every dish using the ingredient on every day from today to the end of
//! that window, combined into one demand distribution (`flux-purchasing`
//! sums the dish-days' distributions; it does not add up their p90s), the
//! newsvendor quantity at a service level set by the ingredient's cost and
//! shelf life, minus stock on hand and on order, rounded up to packs.

use std::collections::HashMap;

use crate::costing::Kitchen;
use chrono::{Duration, NaiveDate, Weekday};
use flux_purchasing::{
    coverage_window, ingredient_demand, recommend as engine_recommend, Economics, Need, Offer,
    Plan, QuantileForecast, Supplier, Usage,
};
use flux_store::purchasing::{OfferRow, SupplierRow};
use flux_store::PgConnection;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::purchasing::orders::{self, LineInput};
use crate::purchasing::stock::{self, usage_per_portion};
use crate::purchasing::Result;

/// Monte Carlo draws per ingredient: enough for stable p90s (the engine's
/// error at this size is well under 1 % of the mean) and fast for hundreds
/// of ingredients.
const SAMPLES: usize = 4_000;

/// When each supplier's next two deliveries are.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupplierWindow {
    pub supplier_id: Uuid,
    pub supplier: String,
    pub first_delivery: NaiveDate,
    pub next_delivery: NaiveDate,
    /// Days from today until the delivery after next: what the order must cover.
    pub days: u32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recommendation {
    pub today: NaiveDate,
    pub windows: Vec<SupplierWindow>,
    pub plan: Plan,
    /// Gaps the operator should know about (no forecast for some days,
    /// ingredients never counted).
    pub warnings: Vec<String>,
}

fn weekday(iso: i16) -> Option<Weekday> {
    Weekday::try_from(u8::try_from(iso - 1).ok()?).ok()
}

/// The offer an ingredient is bought on: preferred, else cheapest per base unit.
fn chosen_offer<'a>(offers: &[&'a OfferRow]) -> Option<&'a OfferRow> {
    offers.iter().copied().find(|o| o.preferred).or_else(|| {
        offers
            .iter()
            .copied()
            .min_by_key(|o| o.pack_price / o.pack_base_units)
    })
}

fn window_of(s: &SupplierRow, today: NaiveDate) -> Option<SupplierWindow> {
    let days: Vec<Weekday> = s.delivery_days.iter().filter_map(|d| weekday(*d)).collect();
    let lead = u32::try_from(s.lead_time_days).unwrap_or(0);
    let w = coverage_window(today, &days, lead)?;
    Some(SupplierWindow {
        supplier_id: s.supplier_id,
        supplier: s.name.clone(),
        first_delivery: w.first_delivery,
        next_delivery: w.next_delivery,
        days: u32::try_from((w.next_delivery - today).num_days()).unwrap_or(0),
    })
}

/// Everything a recommendation is computed from, read once.
struct Inputs {
    suppliers: Vec<SupplierRow>,
    offers: Vec<OfferRow>,
    windows: Vec<SupplierWindow>,
    /// dish → its forecast days
    by_dish: HashMap<Uuid, Vec<(NaiveDate, QuantileForecast)>>,
    /// ingredient → [(dish, gross base units per portion)]
    uses: HashMap<Uuid, Vec<(Uuid, f64)>>,
    on_hand: HashMap<Uuid, stock::OnHand>,
    on_order: HashMap<Uuid, f64>,
    warnings: Vec<String>,
}

async fn gather(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    today: NaiveDate,
) -> Result<Inputs> {
    let suppliers = flux_store::purchasing::suppliers(conn, rid).await?;
    let offers = flux_store::purchasing::offers(conn, rid).await?;
    let windows: Vec<SupplierWindow> = suppliers
        .iter()
        .filter_map(|s| window_of(s, today))
        .collect();
    let horizon_end = windows
        .iter()
        .map(|w| w.next_delivery)
        .max()
        .unwrap_or(today);
    let forecasts = flux_store::purchasing::forecast_days(conn, rid, today, horizon_end).await?;
    let mut by_dish: HashMap<Uuid, Vec<(NaiveDate, QuantileForecast)>> = HashMap::new();
    for f in &forecasts {
        by_dish.entry(f.menu_item_id).or_default().push((
            f.date,
            QuantileForecast {
                mean: f.mean,
                p10: f.p10,
                p50: f.p50,
                p90: f.p90,
                p99: f.p99,
            },
        ));
    }
    let mut warnings = Vec::new();
    match forecasts.iter().map(|f| f.date).max() {
        None => warnings.push("no forecast covers the coming days: refresh the forecast".to_string()),
        Some(last) if last < horizon_end - Duration::days(1) => warnings.push(format!(
            "the forecast ends {last}; demand after it is not counted (raise the forecast horizon in settings)"
        )),
        _ => {}
    }
    let mut uses: HashMap<Uuid, Vec<(Uuid, f64)>> = HashMap::new();
    for (dish, per) in usage_per_portion(kitchen) {
        for (ingredient, amount) in per {
            uses.entry(ingredient).or_default().push((dish, amount));
        }
    }
    let on_hand = stock::on_hand(conn, rid, kitchen, today)
        .await?
        .into_iter()
        .map(|o| (o.ingredient_id, o))
        .collect();
    let on_order = flux_store::purchasing::on_order(conn, rid)
        .await?
        .into_iter()
        .map(|(i, q)| (i, q.to_f64().unwrap_or_default()))
        .collect();
    Ok(Inputs {
        suppliers,
        offers,
        windows,
        by_dish,
        uses,
        on_hand,
        on_order,
        warnings,
    })
}

impl Inputs {
    fn offers_of(&self, ingredient: Uuid) -> Vec<&OfferRow> {
        self.offers
            .iter()
            .filter(|o| o.ingredient_id == ingredient)
            .collect()
    }

    /// The ingredient's dish-day usages on days `from..until`.
    fn usages(&self, ingredient: Uuid, from: NaiveDate, until: NaiveDate) -> Vec<Usage> {
        let mut out = Vec::new();
        for (dish, per_unit) in self.uses.get(&ingredient).map(Vec::as_slice).unwrap_or(&[]) {
            for (date, forecast) in self.by_dish.get(dish).map(Vec::as_slice).unwrap_or(&[]) {
                if *date >= from && *date < until {
                    out.push(Usage {
                        forecast: *forecast,
                        per_unit: *per_unit,
                    });
                }
            }
        }
        out
    }

    fn stock(&self, ingredient: Uuid) -> Option<f64> {
        self.on_hand.get(&ingredient).and_then(|o| o.on_hand)
    }
}

/// A reproducible Monte Carlo seed per ingredient.
fn seed(id: Uuid) -> u64 {
    u64::from_le_bytes(id.as_bytes()[..8].try_into().unwrap_or([0; 8]))
}

/// How the order quantity is decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// The newsvendor quantity for the coverage window's forecast demand.
    #[default]
    Forecast,
    /// Fill to par: nothing above an ingredient's minimum, up to its
    /// maximum at or below it (the par an operator set, else the one the
    /// forecast suggests).
    Par,
}

/// One ingredient's par level: the one set, and the one the forecast
/// suggests for today's order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParLevel {
    pub ingredient_id: Uuid,
    pub ingredient: String,
    pub base_unit: String,
    /// Set by someone; wins over the suggestion.
    pub set: Option<flux_purchasing::Par>,
    /// From the forecast; `None` without an offer from a supplier who
    /// delivers.
    pub suggested: Option<flux_purchasing::Par>,
    pub on_hand: Option<f64>,
}

/// The par the forecast suggests for an ingredient bought through
/// `window`: p90 of use until the delivery arrives, up to the window's
/// order-up-to level.
fn suggested_par(
    inputs: &Inputs,
    ingredient: Uuid,
    today: NaiveDate,
    window: &SupplierWindow,
    demand: &flux_purchasing::DemandDistribution,
    economics: &Economics,
) -> Result<flux_purchasing::Par> {
    let before = ingredient_demand(
        &inputs.usages(ingredient, today, window.first_delivery),
        SAMPLES,
        seed(ingredient) ^ 0x5eed,
    )?;
    let level = flux_purchasing::service_level_for(economics, demand).value;
    let target = flux_purchasing::newsvendor_quantity(demand, level);
    Ok(flux_purchasing::par::suggest(&before, target))
}

fn stored_par(row: &flux_store::purchasing::ParRow) -> Option<flux_purchasing::Par> {
    flux_purchasing::Par::new(
        row.min_quantity.to_f64().unwrap_or(-1.0),
        row.max_quantity.to_f64().unwrap_or(-1.0),
    )
}

/// Every ingredient's par level, set and suggested.
pub async fn par_levels(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    today: NaiveDate,
) -> Result<Vec<ParLevel>> {
    let inputs = gather(conn, rid, kitchen, today).await?;
    let set = flux_store::purchasing::pars(conn, rid).await?;
    let mut out = Vec::new();
    for ingredient in &kitchen.rows.ingredients {
        let id = ingredient.ingredient_id;
        let list = inputs.offers_of(id);
        let suggested = match chosen_offer(&list).and_then(|o| {
            inputs
                .windows
                .iter()
                .find(|w| w.supplier_id == o.supplier_id)
        }) {
            Some(window) => {
                let demand = ingredient_demand(
                    &inputs.usages(id, today, window.next_delivery),
                    SAMPLES,
                    seed(id),
                )?;
                let economics = economics_of(ingredient, window, None);
                Some(suggested_par(
                    &inputs, id, today, window, &demand, &economics,
                )?)
            }
            None => None,
        };
        out.push(ParLevel {
            ingredient_id: id,
            ingredient: ingredient.name.clone(),
            base_unit: ingredient.base_unit.clone(),
            set: set
                .iter()
                .find(|p| p.ingredient_id == id)
                .and_then(stored_par),
            suggested,
            on_hand: inputs.stock(id),
        });
    }
    Ok(out)
}

/// The largest par accepted, in any base unit: far above any kitchen's
/// shelf, and it keeps the arithmetic finite.
const MAX_PAR: i64 = 1_000_000_000;

/// Sets (or, with `None`, clears) an ingredient's par level.
pub async fn set_par(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    ingredient_id: Uuid,
    par: Option<(rust_decimal::Decimal, rust_decimal::Decimal)>,
) -> Result<()> {
    if kitchen.ingredient(ingredient_id).is_none() {
        return Err(crate::AppError::not_found());
    }
    if let Some((min, max)) = par {
        let limit = rust_decimal::Decimal::from(MAX_PAR);
        let mut errors = Vec::new();
        if min < rust_decimal::Decimal::ZERO || min > limit {
            errors.push(flux_domain::FieldError::new(
                "min",
                "out_of_range",
                format!("must be between 0 and {MAX_PAR}"),
            ));
        }
        if max < min || max > limit {
            errors.push(flux_domain::FieldError::new(
                "max",
                "out_of_range",
                "must be at least min",
            ));
        }
        if !errors.is_empty() {
            return Err(flux_domain::Invalid(errors).into());
        }
    }
    flux_store::purchasing::set_par(
        conn,
        rid,
        ingredient_id,
        par.map(|(a, b)| (a.normalize(), b.normalize())),
    )
    .await?;
    Ok(())
}

fn economics_of(
    ingredient: &crate::costing::IngredientRow,
    window: &SupplierWindow,
    service_level: Option<f64>,
) -> Economics {
    Economics {
        unit_cost: ingredient.unit_cost.to_f64().unwrap_or_default(),
        shelf_life_days: ingredient
            .shelf_life_days
            .and_then(|d| u32::try_from(d).ok()),
        coverage_days: window.days,
        override_level: service_level,
        ..Economics::default()
    }
}

/// Builds the recommendation for `today`. `service_level` overrides the
/// per-ingredient level for every ingredient; `policy` says whether to
/// order the forecast's quantity or fill to par.
pub async fn recommend(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    today: NaiveDate,
    service_level: Option<f64>,
    policy: Policy,
) -> Result<Recommendation> {
    let inputs = gather(conn, rid, kitchen, today).await?;
    let set_pars = match policy {
        Policy::Par => flux_store::purchasing::pars(conn, rid).await?,
        Policy::Forecast => Vec::new(),
    };
    let mut warnings = inputs.warnings.clone();
    let mut needs = Vec::new();
    let mut never_counted = Vec::new();
    for ingredient in &kitchen.rows.ingredients {
        let list = inputs.offers_of(ingredient.ingredient_id);
        let Some(offer) = chosen_offer(&list) else {
            continue;
        };
        let Some(window) = inputs
            .windows
            .iter()
            .find(|w| w.supplier_id == offer.supplier_id)
        else {
            continue;
        };
        let usages = inputs.usages(ingredient.ingredient_id, today, window.next_delivery);
        let demand = ingredient_demand(&usages, SAMPLES, seed(ingredient.ingredient_id))?;
        let stock = inputs.stock(ingredient.ingredient_id);
        if stock.is_none() {
            never_counted.push(ingredient.name.clone());
        }
        let economics = economics_of(ingredient, window, service_level);
        let par = match policy {
            Policy::Forecast => None,
            Policy::Par => match set_pars
                .iter()
                .find(|p| p.ingredient_id == ingredient.ingredient_id)
                .and_then(stored_par)
            {
                Some(p) => Some(p),
                None => Some(suggested_par(
                    &inputs,
                    ingredient.ingredient_id,
                    today,
                    window,
                    &demand,
                    &economics,
                )?),
            },
        };
        needs.push(Need {
            ingredient: ingredient.ingredient_id,
            name: ingredient.name.clone(),
            base_unit: ingredient.base_unit.clone(),
            demand,
            economics,
            par,
            // Never counted: assume nothing on hand, and say so.
            on_hand: stock.unwrap_or(0.0),
            on_order: inputs
                .on_order
                .get(&ingredient.ingredient_id)
                .copied()
                .unwrap_or(0.0),
            offers: list
                .iter()
                .map(|o| Offer {
                    supplier: o.supplier_id,
                    pack_base_units: o.pack_base_units,
                    pack_price: o.pack_price,
                    preferred: std::ptr::eq(*o, offer),
                })
                .collect(),
        });
    }
    if !never_counted.is_empty() {
        never_counted.sort();
        warnings.push(format!(
            "never counted, so assumed empty: {}",
            never_counted.join(", ")
        ));
    }
    let engine_suppliers: Vec<Supplier> = inputs
        .suppliers
        .iter()
        .map(|s| Supplier {
            id: s.supplier_id,
            name: s.name.clone(),
            min_order_value: s.min_order_value,
        })
        .collect();
    let plan = engine_recommend(&needs, &engine_suppliers);
    Ok(Recommendation {
        today,
        windows: inputs.windows,
        plan,
        warnings,
    })
}

/// Turns the recommendation into draft orders, one per supplier with
/// something to order (optionally only `only` suppliers). Returns their ids.
pub async fn accept(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    today: NaiveDate,
    service_level: Option<f64>,
    policy: Policy,
    only: &[Uuid],
) -> Result<Vec<Uuid>> {
    let r = recommend(conn, rid, kitchen, today, service_level, policy).await?;
    let mut created = Vec::new();
    for order in &r.plan.orders {
        if !only.is_empty() && !only.contains(&order.supplier) {
            continue;
        }
        let lines: Vec<LineInput> = order
            .lines
            .iter()
            .filter(|l| l.packs > 0)
            .map(|l| LineInput {
                ingredient_id: l.ingredient,
                packs: i64::from(l.packs),
                explanation: Some(l.explanation.clone()),
            })
            .collect();
        if lines.is_empty() {
            continue;
        }
        let delivery = r
            .windows
            .iter()
            .find(|w| w.supplier_id == order.supplier)
            .map(|w| w.first_delivery);
        let note = format!("recommended on {today}");
        let o = orders::create(conn, rid, order.supplier, delivery, Some(&note), &lines).await?;
        created.push(o.id);
    }
    Ok(created)
}

/// One ingredient's stock position.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InventoryLine {
    pub ingredient_id: Uuid,
    pub ingredient: String,
    pub base_unit: String,
    pub last_count: Option<NaiveDate>,
    /// Estimated stock now; `None` until first counted.
    pub on_hand: Option<f64>,
    /// Ordered (sent) and not yet received.
    pub on_order: f64,
    pub supplier: Option<String>,
    pub next_delivery: Option<NaiveDate>,
    /// Median forecast use until that delivery arrives.
    pub need_until_delivery_p50: Option<f64>,
    /// On hand is below that median: order now or run out.
    pub low: bool,
}

/// Stock on hand per ingredient with low-stock alerts.
pub async fn inventory(
    conn: &mut PgConnection,
    rid: Uuid,
    kitchen: &Kitchen,
    today: NaiveDate,
) -> Result<Vec<InventoryLine>> {
    let inputs = gather(conn, rid, kitchen, today).await?;
    let mut out = Vec::new();
    for i in &kitchen.rows.ingredients {
        let list = inputs.offers_of(i.ingredient_id);
        let window = chosen_offer(&list).and_then(|o| {
            inputs
                .windows
                .iter()
                .find(|w| w.supplier_id == o.supplier_id)
        });
        let need = match window {
            Some(w) => {
                let usages = inputs.usages(i.ingredient_id, today, w.first_delivery);
                Some(ingredient_demand(&usages, SAMPLES, seed(i.ingredient_id))?.p50())
            }
            None => None,
        };
        let on_hand = inputs.stock(i.ingredient_id);
        out.push(InventoryLine {
            ingredient_id: i.ingredient_id,
            ingredient: i.name.clone(),
            base_unit: i.base_unit.clone(),
            last_count: inputs
                .on_hand
                .get(&i.ingredient_id)
                .and_then(|o| o.last_count),
            on_hand,
            on_order: inputs
                .on_order
                .get(&i.ingredient_id)
                .copied()
                .unwrap_or(0.0),
            supplier: window.map(|w| w.supplier.clone()),
            next_delivery: window.map(|w| w.first_delivery),
            need_until_delivery_p50: need,
            low: matches!((on_hand, need), (Some(h), Some(n)) if h < n),
        });
    }
    Ok(out)
}
