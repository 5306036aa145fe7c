//! How much of the demand distribution to cover: the newsvendor critical
//! ratio Cu / (Cu + Co) from an ingredient's cost, shelf life and the
//! window an order must last.
//!
//! Being one unit short costs `Cu` (lost margin and goodwill); holding one
//! unit too many costs `Co`. Stocking up to the Cu / (Cu + Co) quantile of
//! demand minimises the expected sum of both. What makes ingredients differ
//! is `Co`: a perishable leftover is thrown away, a dry-goods leftover only
//! waits for the next order.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::demand::DemandDistribution;
use crate::format;

/// Lowest service level we recommend: below the median a regular menu
/// item would run out more often than not, which costs more than the margin
/// arithmetic sees (disappointed guests, a menu that looks unreliable).
pub const MIN_SERVICE_LEVEL: f64 = 0.5;
/// Highest service level we recommend: the top percent of a Monte Carlo
/// distribution is its least reliable part, and covering it buys little.
pub const MAX_SERVICE_LEVEL: f64 = 0.99;

const DEFAULT_STOCKOUT_MULTIPLIER: f64 = 3.0;
const DEFAULT_HOLDING_RATE_PER_DAY: f64 = 0.002;

/// The cost facts of one ingredient for one order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Economics {
    /// Cost per base unit. Only scales the reported costs: the service
    /// level depends on ratios of costs, in which it cancels.
    pub unit_cost: f64,
    /// Days a delivered unit stays usable; `None` keeps indefinitely (dry
    /// goods).
    pub shelf_life_days: Option<u32>,
    /// Days the order must last (see [`crate::coverage_window`]); 0 counts
    /// as 1.
    pub coverage_days: u32,
    /// Cost of being one unit short, as a multiple of unit cost (lost
    /// margin plus goodwill). Not finite or not positive falls back to 3.
    pub stockout_multiplier: f64,
    /// Cost of carrying a unit one day, as a share of unit cost. Not finite
    /// or negative falls back to 0.002.
    pub holding_rate_per_day: f64,
    /// Operator override, used as is when strictly between 0 and 1.
    pub override_level: Option<f64>,
}

impl Default for Economics {
    fn default() -> Self {
        Self {
            unit_cost: 1.0,
            shelf_life_days: None,
            coverage_days: 1,
            stockout_multiplier: DEFAULT_STOCKOUT_MULTIPLIER,
            holding_rate_per_day: DEFAULT_HOLDING_RATE_PER_DAY,
            override_level: None,
        }
    }
}

/// The service level to order at, with the costs behind it and a sentence
/// for the operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceLevel {
    /// Probability of not running out within the window, in (0, 1).
    pub value: f64,
    /// Cost of one unit short (money per base unit).
    pub underage_cost: f64,
    /// Cost of one unit left over (money per base unit).
    pub overage_cost: f64,
    /// Why, e.g. "perishable: 3-day shelf life within a 4-day window, 75 %
    /// service level".
    pub reason: String,
}

/// Economics with unusable figures replaced by defaults, costs per unit of
/// unit cost (so a missing price cannot break a ratio).
struct Costs {
    unit_cost: f64,
    underage: f64,
    /// Holding one leftover unit until the next window uses it.
    carry: f64,
    holding_rate: f64,
    coverage: u32,
}

impl Costs {
    fn of(e: &Economics) -> Self {
        let unit_cost = if e.unit_cost.is_finite() && e.unit_cost > 0.0 {
            e.unit_cost
        } else {
            0.0
        };
        let underage = if e.stockout_multiplier.is_finite() && e.stockout_multiplier > 0.0 {
            e.stockout_multiplier
        } else {
            DEFAULT_STOCKOUT_MULTIPLIER
        };
        let holding_rate = if e.holding_rate_per_day.is_finite() && e.holding_rate_per_day >= 0.0 {
            e.holding_rate_per_day
        } else {
            DEFAULT_HOLDING_RATE_PER_DAY
        };
        let coverage = e.coverage_days.max(1);
        Self {
            unit_cost,
            underage,
            // Carrying a unit never costs more than throwing it away.
            carry: (holding_rate * f64::from(coverage)).min(1.0),
            holding_rate,
            coverage,
        }
    }

    fn level(&self, overage: f64) -> f64 {
        self.underage / (self.underage + overage)
    }
}

/// "75 % service level", with a remark when clamped.
fn level_text(ratio: f64) -> (f64, String) {
    let value = ratio.clamp(MIN_SERVICE_LEVEL, MAX_SERVICE_LEVEL);
    let bound = if ratio > MAX_SERVICE_LEVEL {
        " (capped)"
    } else if ratio < MIN_SERVICE_LEVEL {
        " (raised to the floor)"
    } else {
        ""
    };
    (
        value,
        format!("{} service level{bound}", format::pct(value)),
    )
}

/// Applies a valid override, or notes an invalid one.
fn with_override(e: &Economics, value: f64, economic: String) -> (f64, String) {
    match e.override_level {
        Some(o) if o.is_finite() && o > 0.0 && o < 1.0 => (
            o,
            format!(
                "operator override: {} service level (economics alone: {economic})",
                format::pct(o)
            ),
        ),
        Some(o) => (
            value,
            format!("{economic}; override {o} ignored, it must lie strictly between 0 and 1"),
        ),
        None => (value, economic),
    }
}

/// The newsvendor service level for `e`, from its economics alone.
///
/// Underage costs `stockout_multiplier × unit_cost`. Overage costs the whole
/// unit if it spoils before it can be used, i.e. the shelf life is not
/// longer than the coverage window (perishables lean to less); otherwise it
/// costs holding the unit about one more window until the next order uses
/// it (dry goods lean to more). The ratio is clamped to
/// [[`MIN_SERVICE_LEVEL`], [`MAX_SERVICE_LEVEL`]]. A valid
/// `override_level` wins, and the reason says so.
///
/// The split is binary: an item that keeps only a little longer than the
/// window (fish with a 2-day shelf life delivered daily) counts as keeping,
/// although a generous leftover often spoils before the next window uses
/// it. [`service_level_for`] weighs that risk with the demand distribution;
/// [`crate::recommend`] uses it.
pub fn service_level(e: &Economics) -> ServiceLevel {
    let c = Costs::of(e);
    let (overage, why) = match e.shelf_life_days {
        Some(shelf) if shelf <= c.coverage => (
            1.0,
            format!(
                "perishable: {shelf}-day shelf life within a {}-day window, leftovers spoil",
                c.coverage
            ),
        ),
        shelf => (c.carry, keeps_text(shelf, &c)),
    };
    let (value, level) = level_text(c.level(overage));
    let (value, reason) = with_override(e, value, format!("{why}, {level}"));
    ServiceLevel {
        value,
        underage_cost: c.underage * c.unit_cost,
        overage_cost: overage * c.unit_cost,
        reason,
    }
}

fn keeps_text(shelf: Option<u32>, c: &Costs) -> String {
    let keeps = match shelf {
        Some(shelf) => format!(
            "keeps: {shelf}-day shelf life outlasts the {}-day window",
            c.coverage
        ),
        None => "keeps: no shelf limit".to_owned(),
    };
    format!(
        "{keeps}, leftovers wait about {} at {}/day",
        format::days(c.coverage),
        format::pct(c.holding_rate)
    )
}

/// Seed of the fixed pairing that stands in for an independent copy of the
/// window's demand; any constant works, a constant keeps results stable.
const PAIRING_SEED: u64 = 0x6e65_7773_7665_6e64;

/// The service level for `e` given the window's `demand`: as
/// [`service_level`], except for goods that outlast the window by less
/// than they would need to be safe.
///
/// A leftover unit is used first in the next window (first in, first out)
/// and spoils only if the demand over the `shelf − coverage` days it has
/// left is smaller than the leftover. The marginal unit of stock `T`
/// therefore spoils when `D + D′ < T`, where `D` is this window's demand and
/// `D′` the demand of those extra days, taken as `(shelf − coverage) /
/// coverage` times an independent copy of `D` (the next window is assumed
/// to look like this one). The target is the smallest `T` with
///
/// `Cu·P(D > T) ≤ c·P(D + D′ < T) + carry·P(D < T ≤ D + D′)`,
///
/// the newsvendor condition with an overage cost that is the unit cost when
/// the leftover spoils and the carrying cost when it is used. With no extra
/// days this is the perishable ratio, with endless ones the dry-goods
/// ratio; in between it finds what the binary rule cannot. The level
/// reported is the share of demand the target covers, clamped as usual and
/// never above [`service_level`]'s. A valid override still wins.
pub fn service_level_for(e: &Economics, demand: &DemandDistribution) -> ServiceLevel {
    let base = service_level(e);
    let c = Costs::of(e);
    let overridden = matches!(e.override_level, Some(o) if o.is_finite() && o > 0.0 && o < 1.0);
    let shelf = match e.shelf_life_days {
        Some(shelf) if shelf > c.coverage && !overridden => shelf,
        _ => return base,
    };
    let d = demand.samples();
    let n = d.len();
    let lambda = f64::from(shelf - c.coverage) / f64::from(c.coverage);
    let mut pairing: Vec<usize> = (0..n).collect();
    pairing.shuffle(&mut ChaCha8Rng::seed_from_u64(PAIRING_SEED));
    let mut until_spoiled: Vec<f64> = d
        .iter()
        .zip(&pairing)
        .map(|(x, &j)| x + lambda * d[j])
        .collect();
    until_spoiled.sort_by(f64::total_cmp);

    let share = |sorted: &[f64], pred: &dyn Fn(f64) -> bool| {
        sorted.partition_point(|x| pred(*x)) as f64 / n as f64
    };
    // Positive once one more unit costs more in spoilage and carrying than
    // it saves in shortage; increasing in `t`, so a binary search finds it.
    let excess_cost = |t: f64| {
        let short = 1.0 - share(d, &|x| x <= t);
        let left = share(d, &|x| x < t);
        let spoiled = share(&until_spoiled, &|x| x < t);
        c.carry * (left - spoiled) + spoiled - c.underage * short
    };
    let k = d.partition_point(|t| excess_cost(*t) < 0.0).min(n - 1);
    let target = d[k];
    let covered = share(d, &|x| x <= target);
    let left = share(d, &|x| x < target);
    let spoil_given_left = if left > 0.0 {
        share(&until_spoiled, &|x| x < target) / left
    } else {
        0.0
    };
    let (value, level) = level_text(covered.min(base.value));
    let why = format!(
        "keeps {} past the {}-day window, but a leftover spoils {} of the time before the next delivery uses it",
        format::days(shelf - c.coverage),
        c.coverage,
        format::pct(spoil_given_left)
    );
    let overage = spoil_given_left + (1.0 - spoil_given_left) * c.carry;
    ServiceLevel {
        value,
        underage_cost: c.underage * c.unit_cost,
        overage_cost: overage * c.unit_cost,
        reason: format!("{why}, {level}"),
    }
}

/// The newsvendor order-up-to stock: the `level`-quantile of demand.
pub fn newsvendor_quantity(d: &DemandDistribution, level: f64) -> f64 {
    d.quantile(level)
}
