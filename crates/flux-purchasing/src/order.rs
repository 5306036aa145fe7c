//! From ingredient needs to supplier orders: offer choice, pack rounding,
//! grouping by supplier and topping up to minimum order values.
//!
//! Demand figures are `f64` (forecasts are floats); anything that is
//! bought or paid for is an exact [`Decimal`]. The two meet only in
//! [`packs_for`], which turns a float need into a whole number of packs.

use std::collections::BTreeMap;

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::demand::DemandDistribution;
use crate::format;
use crate::service_level::{newsvendor_quantity, service_level_for, Economics};

/// Top-ups for goods without a shelf life stop at this many days of mean
/// use: past that, money sits on the shelf for little gain.
pub const MAX_TOP_UP_DAYS: u32 = 28;

/// Relative slack when dividing a need into packs: 10.000000001 kg against
/// 5 kg packs is float noise from interpolation, not a third pack.
const PACK_SLACK: f64 = 1e-9;

/// A supplier's offer of one ingredient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    pub supplier: Uuid,
    /// Base units in one pack; offers with a size ≤ 0 are ignored.
    pub pack_base_units: Decimal,
    /// Price of one pack; offers with a negative price are ignored.
    pub pack_price: Decimal,
    /// Chosen over cheaper offers when usable.
    pub preferred: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Supplier {
    pub id: Uuid,
    pub name: String,
    /// Orders below this value are topped up or flagged; 0 for none.
    pub min_order_value: Decimal,
}

/// One ingredient to decide on.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub ingredient: Uuid,
    pub name: String,
    /// Unit the demand and stock are in ("kg", "l", "each").
    pub base_unit: String,
    /// Demand over the coverage window (see [`crate::ingredient_demand`]).
    pub demand: DemandDistribution,
    pub economics: Economics,
    /// Stock now; negative or non-finite counts as none.
    pub on_hand: f64,
    /// Stock ordered and arriving before the window starts; negative or
    /// non-finite counts as none.
    pub on_order: f64,
    pub offers: Vec<Offer>,
    /// Order by par instead of the newsvendor target: nothing above `min`,
    /// up to `max` at or below it.
    pub par: Option<crate::par::Par>,
}

/// The recommendation for one ingredient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Named for the document: `Line` alone says nothing among the API's schemas.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = PlanLine))]
pub struct Line {
    pub ingredient: Uuid,
    pub name: String,
    pub base_unit: String,
    /// Median demand over the window.
    pub p50: f64,
    /// 90th percentile of demand over the window.
    pub p90: f64,
    /// Service level ordered at.
    pub service_level: f64,
    /// Newsvendor order-up-to stock.
    pub target: f64,
    pub on_hand: f64,
    pub on_order: f64,
    /// `max(0, target − on_hand − on_order)`.
    pub net: f64,
    pub packs: u32,
    pub pack_base_units: Decimal,
    /// `packs × pack_base_units`.
    pub quantity: Decimal,
    /// `packs × pack_price`.
    pub cost: Decimal,
    /// e.g. "need 12.4 kg p50 / 15.1 kg p90 over 3 days; at a 90 % service
    /// level hold 14.2 kg; 6 kg on hand, 2 kg on order; order 1 pack of
    /// 5 kg", with ", plus 2 to reach the 150.00 minimum" after a top-up.
    pub explanation: String,
}

/// Everything to order from one supplier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplierOrder {
    pub supplier: Uuid,
    pub name: String,
    /// Sorted by ingredient name.
    pub lines: Vec<Line>,
    pub total: Decimal,
    pub minimum: Decimal,
    /// The total is still below the minimum after topping up.
    pub below_minimum: bool,
    /// What was topped up, or how far below the minimum the order is.
    pub note: Option<String>,
}

/// A morning's recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    /// Sorted by supplier name.
    pub orders: Vec<SupplierOrder>,
    /// Ingredients with enough stock, sorted by name.
    pub nothing_needed: Vec<Line>,
    /// Ingredients without a usable offer (none, or only offers from
    /// unknown suppliers or with invalid packs), sorted by name: pairs of
    /// ingredient id and name.
    pub no_offer: Vec<(Uuid, String)>,
}

/// A line before grouping, with what top-ups need to know.
struct Draft<'a> {
    line: Line,
    need: &'a Need,
    offer: &'a Offer,
    supplier: &'a Supplier,
}

/// Recommends what to order from whom.
///
/// Per need: stock up to the newsvendor target at the ingredient's service
/// level ([`service_level_for`]), net of stock on hand and on order, from the preferred offer if
/// there is a usable one, else the cheapest per base unit; whole packs,
/// rounded up. Then per supplier, below its minimum order value, packs are
/// added to the lines that keep longest (no shelf life first, then longest
/// shelf life) among those that outlast their window, up to
/// [`MAX_TOP_UP_DAYS`] (or the shelf life, if shorter) of mean use. If that
/// is not enough, the order is flagged with a note.
pub fn recommend(needs: &[Need], suppliers: &[Supplier]) -> Plan {
    let mut by_supplier: BTreeMap<Uuid, Vec<Draft<'_>>> = BTreeMap::new();
    let mut nothing_needed = Vec::new();
    let mut no_offer = Vec::new();
    for need in needs {
        let Some((offer, supplier)) = choose_offer(need, suppliers) else {
            no_offer.push((need.ingredient, need.name.clone()));
            continue;
        };
        let line = plan_line(need, offer);
        if line.packs == 0 {
            nothing_needed.push(line);
        } else {
            by_supplier.entry(supplier.id).or_default().push(Draft {
                line,
                need,
                offer,
                supplier,
            });
        }
    }

    let mut orders: Vec<SupplierOrder> =
        by_supplier.into_values().filter_map(build_order).collect();
    orders.sort_by(|a, b| a.name.cmp(&b.name).then(a.supplier.cmp(&b.supplier)));
    nothing_needed.sort_by(|a, b| a.name.cmp(&b.name).then(a.ingredient.cmp(&b.ingredient)));
    no_offer.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Plan {
        orders,
        nothing_needed,
        no_offer,
    }
}

/// Whole packs covering `net` base units: `ceil(net / pack)`, 0 for no
/// need, saturating at `u32::MAX`.
pub fn packs_for(net: f64, pack_base_units: Decimal) -> u32 {
    let Some(pack) = pack_base_units.to_f64().filter(|p| *p > 0.0) else {
        return 0;
    };
    if net.is_nan() || net <= 0.0 {
        return 0;
    }
    let packs = (net / pack * (1.0 - PACK_SLACK)).ceil();
    if packs >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        // In range and integral: the cast is exact.
        packs as u32
    }
}

fn choose_offer<'a>(
    need: &'a Need,
    suppliers: &'a [Supplier],
) -> Option<(&'a Offer, &'a Supplier)> {
    let usable: Vec<(&Offer, &Supplier)> = need
        .offers
        .iter()
        .filter(|o| o.pack_base_units > Decimal::ZERO && o.pack_price >= Decimal::ZERO)
        .filter_map(|o| {
            suppliers
                .iter()
                .find(|s| s.id == o.supplier)
                .map(|s| (o, s))
        })
        .collect();
    let preferred = usable.iter().any(|(o, _)| o.preferred);
    usable
        .into_iter()
        .filter(|(o, _)| o.preferred || !preferred)
        .min_by(|(a, sa), (b, sb)| {
            unit_price(a)
                .cmp(&unit_price(b))
                .then_with(|| sa.name.cmp(&sb.name))
                .then_with(|| sa.id.cmp(&sb.id))
        })
}

fn unit_price(o: &Offer) -> Decimal {
    o.pack_price
        .checked_div(o.pack_base_units)
        .unwrap_or(Decimal::MAX)
}

fn stock(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 {
        x
    } else {
        0.0
    }
}

fn plan_line(need: &Need, offer: &Offer) -> Line {
    let level = service_level_for(&need.economics, &need.demand).value;
    let on_hand = stock(need.on_hand);
    let on_order = stock(need.on_order);
    let (target, net) = match need.par {
        Some(par) => (par.max, crate::par::fill_to_par(par, on_hand, on_order)),
        None => {
            let target = newsvendor_quantity(&need.demand, level);
            (target, (target - on_hand - on_order).max(0.0))
        }
    };
    let mut line = Line {
        ingredient: need.ingredient,
        name: need.name.clone(),
        base_unit: need.base_unit.clone(),
        p50: need.demand.p50(),
        p90: need.demand.p90(),
        service_level: level,
        target,
        on_hand,
        on_order,
        net,
        packs: 0,
        pack_base_units: offer.pack_base_units,
        quantity: Decimal::ZERO,
        cost: Decimal::ZERO,
        explanation: String::new(),
    };
    set_packs(&mut line, offer, packs_for(net, offer.pack_base_units));
    line.explanation = explain(&line, need.economics.coverage_days.max(1), need.par);
    line
}

fn set_packs(line: &mut Line, offer: &Offer, packs: u32) {
    line.packs = packs;
    line.quantity = times(packs, offer.pack_base_units);
    line.cost = times(packs, offer.pack_price);
}

/// `packs × x`, saturating instead of overflowing.
fn times(packs: u32, x: Decimal) -> Decimal {
    Decimal::from(packs).checked_mul(x).unwrap_or(Decimal::MAX)
}

fn explain(line: &Line, coverage_days: u32, par: Option<crate::par::Par>) -> String {
    let u = &line.base_unit;
    let hold = match par {
        Some(p) => format!(
            "fill to par: order when at or below {} {u}, up to {} {u}",
            format::qty(p.min),
            format::qty(p.max)
        ),
        None => format!(
            "at a {} service level hold {} {u}",
            format::pct(line.service_level),
            format::qty(line.target)
        ),
    };
    let mut s = format!(
        "need {} {u} p50 / {} {u} p90 over {}; {hold}; {} {u} on hand",
        format::qty(line.p50),
        format::qty(line.p90),
        format::days(coverage_days),
        format::qty(line.on_hand),
    );
    if line.on_order > 0.0 {
        s.push_str(&format!(", {} {u} on order", format::qty(line.on_order)));
    }
    match line.packs {
        0 => s.push_str("; nothing to order"),
        1 => s.push_str(&format!(
            "; order 1 pack of {} {u}",
            format::dec(line.pack_base_units)
        )),
        n => s.push_str(&format!(
            "; order {n} packs of {} {u}",
            format::dec(line.pack_base_units)
        )),
    }
    s
}

fn build_order(mut drafts: Vec<Draft<'_>>) -> Option<SupplierOrder> {
    let supplier = drafts.first()?.supplier;
    let minimum = supplier.min_order_value;
    let mut total = sum_costs(&drafts);
    let mut topped_up = Vec::new();
    if total < minimum {
        let mut order: Vec<usize> = (0..drafts.len())
            .filter(|&i| outlasts_window(&drafts[i].need.economics))
            .collect();
        // Longest-keeping first; `None` (keeps forever) sorts last ascending.
        order.sort_by(|&a, &b| {
            let (da, db) = (&drafts[a], &drafts[b]);
            keep_rank(&db.need.economics)
                .cmp(&keep_rank(&da.need.economics))
                .then_with(|| da.line.name.cmp(&db.line.name))
        });
        for i in order {
            if total >= minimum {
                break;
            }
            let draft = &mut drafts[i];
            let added = top_up_packs(draft, minimum - total);
            if added > 0 {
                let packs = draft.line.packs.saturating_add(added);
                set_packs(&mut draft.line, draft.offer, packs);
                draft.line.explanation.push_str(&format!(
                    ", plus {added} to reach the {} minimum",
                    format::money(minimum)
                ));
                topped_up.push(format!("{added} × {}", draft.line.name));
                total = sum_costs(&drafts);
            }
        }
    }

    let below_minimum = total < minimum;
    let note = match (below_minimum, topped_up.is_empty()) {
        (true, _) => Some(format!(
            "below the {} minimum by {}{}: add items or combine with the next order",
            format::money(minimum),
            format::money(minimum - total),
            if topped_up.is_empty() {
                String::new()
            } else {
                format!(" after topping up {}", topped_up.join(", "))
            }
        )),
        (false, false) => Some(format!(
            "topped up {} to reach the {} minimum",
            topped_up.join(", "),
            format::money(minimum)
        )),
        (false, true) => None,
    };
    let mut lines: Vec<Line> = drafts.into_iter().map(|d| d.line).collect();
    lines.sort_by(|a, b| a.name.cmp(&b.name).then(a.ingredient.cmp(&b.ingredient)));
    Some(SupplierOrder {
        supplier: supplier.id,
        name: supplier.name.clone(),
        lines,
        total,
        minimum,
        below_minimum,
        note,
    })
}

fn sum_costs(drafts: &[Draft<'_>]) -> Decimal {
    drafts.iter().fold(Decimal::ZERO, |acc, d| {
        acc.checked_add(d.line.cost).unwrap_or(Decimal::MAX)
    })
}

/// Extra stock only makes sense for goods that survive past the window;
/// a perishable top-up would be paid for twice, once now and once in the bin.
fn outlasts_window(e: &Economics) -> bool {
    e.shelf_life_days
        .is_none_or(|shelf| shelf > e.coverage_days.max(1))
}

/// Higher keeps longer.
fn keep_rank(e: &Economics) -> u64 {
    e.shelf_life_days.map_or(u64::MAX, u64::from)
}

/// Packs to add to `draft` towards closing `gap`: enough to close it, but
/// no more stock than mean use empties within the shelf life or
/// [`MAX_TOP_UP_DAYS`], whichever is shorter.
fn top_up_packs(draft: &Draft<'_>, gap: Decimal) -> u32 {
    let price = draft.offer.pack_price;
    if price <= Decimal::ZERO {
        return 0;
    }
    let wanted = gap
        .checked_div(price)
        .map(|x| x.ceil())
        .and_then(|x| x.to_u32())
        .unwrap_or(u32::MAX);

    let e = &draft.need.economics;
    let days = e
        .shelf_life_days
        .map_or(MAX_TOP_UP_DAYS, |s| s.min(MAX_TOP_UP_DAYS));
    let daily = draft.need.demand.mean() / f64::from(e.coverage_days.max(1));
    let ceiling = daily * f64::from(days);
    let held =
        draft.line.on_hand + draft.line.on_order + draft.line.quantity.to_f64().unwrap_or(f64::MAX);
    let room = Decimal::from_f64((ceiling - held).max(0.0))
        .and_then(|r| r.checked_div(draft.offer.pack_base_units))
        .map(|x| x.floor())
        .and_then(|x| x.to_u32())
        .unwrap_or(0);
    wanted.min(room)
}
