//! Coherent forecasts of a restaurant's hierarchy: dishes, their
//! categories and the restaurant total.
//!
//! Each level is forecast on its own (a total is smoother than any dish
//! and has its own weekday shape and noise), then the means are reconciled
//! so that every category's mean is the sum of its dishes' and the total's
//! the sum of everything: weighted least squares with each node's forecast
//! variance as its weight (the diagonal "MinT" of Wickramasuriya, Athanasopoulos
//! and Hyndman, 2019). On a tree that solution has a closed form in two
//! passes, one up and one down, so it costs O(dishes) per day instead of a
//! dense solve: going up, each category combines its own forecast with the
//! sum of its dishes by inverse variance; going down, each node's
//! difference to the sum of its children is shared among them in
//! proportion to their variances. Quantiles are then recomputed from the
//! reconciled mean with each node's own dispersion: quantiles do not add
//! up, and a total's interval comes from the total's own errors, not from
//! dishes assumed independent (which would make it far too narrow).
//!
//! Categories get a node when they hold at least two dishes and the
//! restaurant has at least two groups; a category of one dish is that
//! dish, and a restaurant of one category is its total.

use std::collections::BTreeMap;

use crate::context::Job;
use crate::error::Result;
use crate::models::{ItemPrediction, Model, Predictive};
use crate::output::ItemForecast;
use crate::types::{DayFlags, ForecastRequest, ItemSeries, Restaurant};

/// Name of the restaurant-total series.
pub const TOTAL: &str = "(restaurant total)";

/// Forecasts of every level, coherent in their means.
#[derive(Debug, Clone, PartialEq)]
pub struct HierarchyForecast {
    /// One per dish, in input order.
    pub items: Vec<ItemForecast>,
    /// One per category node (its `item` is the category's name).
    pub categories: Vec<ItemForecast>,
    /// The restaurant total (`item` is [`TOTAL`]).
    pub total: ItemForecast,
}

/// Where each dish sits, and the aggregated series of the upper levels.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    /// Per dish: index of its category node in `upper`, or `None` when it
    /// hangs directly under the total.
    pub item_parent: Vec<Option<usize>>,
    /// Category nodes, then the total (last).
    pub upper: Restaurant,
}

impl Tree {
    /// Builds the upper levels of `r` by summing its dishes day by day.
    pub fn build(r: &Restaurant) -> Tree {
        let mut by_cat: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, s) in r.series.iter().enumerate() {
            if let Some(c) = s.category.as_deref() {
                by_cat.entry(c).or_default().push(i);
            }
        }
        let mut item_parent = vec![None; r.series.len()];
        let mut series = Vec::new();
        let nodes: Vec<(&str, Vec<usize>)> = by_cat
            .into_iter()
            .filter(|(_, members)| members.len() >= 2)
            .collect();
        // Children of the total: the category nodes and the dishes in none.
        let groups =
            nodes.len() + r.series.len() - nodes.iter().map(|(_, m)| m.len()).sum::<usize>();
        if !nodes.is_empty() && groups >= 2 {
            for (name, members) in &nodes {
                for &m in members {
                    item_parent[m] = Some(series.len());
                }
                series.push(sum_series(name, r, members));
            }
        }
        let all: Vec<usize> = (0..r.series.len()).collect();
        series.push(sum_series(TOTAL, r, &all));
        Tree {
            item_parent,
            upper: Restaurant {
                series,
                special_days: r.special_days.clone(),
                country: r.country,
                weather: r.weather.clone(),
            },
        }
    }

    fn total_index(&self) -> usize {
        self.upper.series.len() - 1
    }
}

/// The sum of `members` day by day. A day is closed when every member
/// present that day is, and missing when any is (the sum is then
/// unknown). Sold-out flags are not carried up: one dish running out
/// does not censor a category's demand, which moves to other dishes.
fn sum_series(name: &str, r: &Restaurant, members: &[usize]) -> ItemSeries {
    let start = members
        .iter()
        .map(|&i| r.series[i].start)
        .min()
        .unwrap_or_default();
    let end = members
        .iter()
        .map(|&i| crate::context::day_num(r.series[i].start) + r.series[i].quantities.len() as i32)
        .max()
        .unwrap_or(0);
    let first = crate::context::day_num(start);
    let len = (end - first).max(0) as usize;
    let mut quantities = vec![0.0; len];
    let mut open = vec![false; len];
    let mut missing = vec![false; len];
    for &m in members {
        let s = &r.series[m];
        let off = (crate::context::day_num(s.start) - first) as usize;
        for (i, q) in s.quantities.iter().enumerate() {
            let f = s.flag(i);
            quantities[off + i] += q;
            open[off + i] |= !f.closed;
            missing[off + i] |= f.missing;
        }
    }
    let flags = (0..len)
        .map(|i| {
            if missing[i] {
                DayFlags::MISSING
            } else if open[i] {
                DayFlags::OPEN
            } else {
                DayFlags::CLOSED
            }
        })
        .collect();
    ItemSeries {
        item: name.to_owned(),
        category: None,
        start,
        quantities,
        flags,
    }
}

/// Forecasts every level of `restaurant` with `model` and reconciles them.
pub fn forecast_hierarchy(
    model: &Model,
    restaurant: &Restaurant,
    request: &ForecastRequest,
) -> Result<HierarchyForecast> {
    let tree = Tree::build(restaurant);
    let (mut items, mut upper) = base(model, restaurant, &tree, request, false)?;
    reconcile(&tree, &mut items, &mut upper);
    let mut upper: Vec<ItemForecast> = upper.into_iter().map(|p| p.forecast).collect();
    let total = upper.pop().unwrap_or_else(|| ItemForecast {
        item: TOTAL.to_owned(),
        category: None,
        days: Vec::new(),
    });
    Ok(HierarchyForecast {
        items: items.into_iter().map(|p| p.forecast).collect(),
        categories: upper,
        total,
    })
}

/// Base and reconciled predictions of both levels.
pub(crate) struct Run {
    pub items_base: Vec<ItemPrediction>,
    pub upper_base: Vec<ItemPrediction>,
    pub items: Vec<ItemPrediction>,
    pub upper: Vec<ItemPrediction>,
}

/// The model's own forecasts of the dishes and of the upper levels, with
/// their distributions; quantiles only when `quantiles` (a backtest scores
/// the base forecasts too; a forecast run does not need them).
fn base(
    model: &Model,
    restaurant: &Restaurant,
    tree: &Tree,
    request: &ForecastRequest,
    quantiles: bool,
) -> Result<(Vec<ItemPrediction>, Vec<ItemPrediction>)> {
    let mut job = Job::new(restaurant, request)?;
    job.quantiles = quantiles;
    let items = model.run(&job, true)?;
    let mut upper_job = Job::new(&tree.upper, request)?;
    upper_job.quantiles = quantiles;
    Ok((items, model.run(&upper_job, true)?))
}

/// Both levels before and after reconciliation, for backtests.
pub(crate) fn run(
    model: &Model,
    restaurant: &Restaurant,
    tree: &Tree,
    request: &ForecastRequest,
) -> Result<Run> {
    let (items_base, upper_base) = base(model, restaurant, tree, request, true)?;
    let (mut items, mut upper) = (items_base.clone(), upper_base.clone());
    reconcile(tree, &mut items, &mut upper);
    Ok(Run {
        items_base,
        upper_base,
        items,
        upper,
    })
}

/// Inverse-variance combination of two estimates of one quantity. A zero
/// variance is certainty (a closed day's zero).
fn combine(a: f64, va: f64, b: f64, vb: f64) -> (f64, f64) {
    const TINY: f64 = 1e-12;
    match (va <= TINY, vb <= TINY) {
        (true, _) => (a, 0.0),
        (false, true) => (b, 0.0),
        _ => {
            let (wa, wb) = (1.0 / va, 1.0 / vb);
            ((a * wa + b * wb) / (wa + wb), 1.0 / (wa + wb))
        }
    }
}

/// Shares `diff` among children in proportion to their variances.
fn share(diff: f64, var: f64, var_sum: f64) -> f64 {
    if var_sum > 0.0 {
        diff * var / var_sum
    } else {
        0.0
    }
}

/// The two-pass tree solution of the variance-weighted reconciliation,
/// day by day, in place. Within a day every base value is read before any
/// is written, so the base need not be copied.
fn reconcile(tree: &Tree, items: &mut [ItemPrediction], upper: &mut [ItemPrediction]) {
    let root = tree.total_index();
    let n_cat = root;
    let horizon = upper.get(root).map_or(0, |p| p.predictive.len());
    let moments = |p: &ItemPrediction, h: usize| {
        p.predictive
            .get(h)
            .map_or((0.0, 0.0), |d| (p.forecast.days[h].mean, d.variance()))
    };
    let mut cat_sum = vec![(0.0, 0.0); n_cat];
    let mut cat_est = vec![(0.0, 0.0); n_cat];
    for h in 0..horizon {
        // Up: each category's evidence about its own sum.
        cat_sum.fill((0.0, 0.0));
        let (mut s, mut w) = (0.0, 0.0);
        for (i, p) in items.iter().enumerate() {
            let (m, v) = moments(p, h);
            match tree.item_parent[i] {
                Some(c) => {
                    cat_sum[c].0 += m;
                    cat_sum[c].1 += v;
                }
                None => {
                    s += m;
                    w += v;
                }
            }
        }
        for c in 0..n_cat {
            let (m, v) = moments(&upper[c], h);
            cat_est[c] = combine(m, v, cat_sum[c].0, cat_sum[c].1);
            s += cat_est[c].0;
            w += cat_est[c].1;
        }
        let (t, vt) = moments(&upper[root], h);
        let (total, _) = combine(t, vt, s, w);
        // Down: the total's difference to its children's sum, shared by
        // variance; then each category's to its dishes'.
        let diff = total - s;
        for (c, p) in upper.iter_mut().take(n_cat).enumerate() {
            let (m, v) = cat_est[c];
            let new = (m + share(diff, v, w)).max(0.0);
            cat_est[c].0 = new;
            set_mean(p, h, new);
        }
        for (i, p) in items.iter_mut().enumerate() {
            let (m, v) = moments(p, h);
            let new = match tree.item_parent[i] {
                None => m + share(diff, v, w),
                Some(c) => m + share(cat_est[c].0 - cat_sum[c].0, v, cat_sum[c].1),
            };
            set_mean(p, h, new);
        }
        set_mean(&mut upper[root], h, total);
    }
}

/// Moves day `h` of a prediction to a new mean and recomputes its
/// quantiles. Means are kept non-negative; a clamp (a tiny dish asked to
/// absorb a large negative difference) is the only way coherence is lost,
/// and only by what was clamped.
fn set_mean(p: &mut ItemPrediction, h: usize, mean: f64) {
    let (Some(dist), Some(day)) = (p.predictive.get(h), p.forecast.days.get_mut(h)) else {
        return;
    };
    if matches!(dist, Predictive::Zero) || day.explanation.closed {
        return;
    }
    let mean = mean.max(0.0);
    let new = dist.with_mean(mean);
    let q = new.quantiles();
    day.mean = mean;
    day.p10 = q[0];
    day.p50 = q[1];
    day.p90 = q[2];
    day.p99 = q[3];
    p.predictive[h] = new;
}
