//! Staff needed per role and 15-minute slot: demand at the chosen service
//! level divided by what one person serves in an hour, never below the
//! role's minimum while the restaurant is open, plus the minimum for the
//! opening and closing duties either side of each opening.

use serde::{Deserialize, Serialize};

use crate::{Slot, SLOTS_PER_HOUR, TIMELINE};

/// What a role's workload follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Driver {
    /// Dishes and drinks sold (the kitchen, the bar).
    Items,
    /// Guests or orders (the floor, the till).
    Covers,
}

/// A role's labor standard.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Standard {
    pub driver: Driver,
    /// Units one person handles in an hour; zero: the role is staffed at
    /// its minimum only.
    pub per_labor_hour: f64,
    /// People on duty in every open slot, however quiet.
    pub min_staff: u32,
    /// Slots before each opening the minimum is already on duty (opening duties).
    pub before_open: u32,
    /// Slots after each closing the minimum stays (closing duties).
    pub after_close: u32,
}

/// Demand per local hour of the timeline (hour 0 is Monday 00:00), at the
/// service level the requirement is built for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HourlyDemand {
    pub items: Vec<f64>,
    pub covers: Vec<f64>,
}

impl HourlyDemand {
    fn at(&self, driver: Driver, slot: Slot) -> f64 {
        let h = (slot / SLOTS_PER_HOUR) as usize;
        let line = match driver {
            Driver::Items => &self.items,
            Driver::Covers => &self.covers,
        };
        line.get(h).copied().unwrap_or(0.0)
    }
}

/// Staff needed per slot of the timeline for each standard (one per role,
/// in role order). `open` says, per slot, whether the restaurant is open.
pub fn requirement(standards: &[Standard], demand: &HourlyDemand, open: &[bool]) -> Vec<Vec<u32>> {
    let is_open = |k: i64| k >= 0 && open.get(k as usize).copied().unwrap_or(false);
    standards
        .iter()
        .map(|st| {
            (0..TIMELINE)
                .map(|k| {
                    let k64 = i64::from(k);
                    if is_open(k64) {
                        let units = demand.at(st.driver, k);
                        let by_demand = if st.per_labor_hour > 0.0 && units > 0.0 {
                            // A hair under a whole person is a whole person;
                            // float noise over one is not two.
                            (units / st.per_labor_hour - 1e-9).ceil().max(0.0) as u32
                        } else {
                            0
                        };
                        by_demand.max(st.min_staff)
                    } else {
                        let opening = (1..=i64::from(st.before_open)).any(|d| is_open(k64 + d));
                        let closing = (1..=i64::from(st.after_close)).any(|d| is_open(k64 - d));
                        if opening || closing {
                            st.min_staff.max(1)
                        } else {
                            0
                        }
                    }
                })
                .collect()
        })
        .collect()
}

/// Fewest past hours a suggested standard rests on.
pub const MIN_EVIDENCE_HOURS: usize = 8;

/// A labor standard suggested from the restaurant's own past: given, per
/// past hour, the units sold and the staff-hours a role had on duty, the
/// units one person handled per hour at the busy hours: the 75th
/// percentile of units per staff-hour. Quiet hours say how much slack
/// there was, not how much one person can do, so the median would
/// understate the standard; the busiest single hour may be a rush the team
/// could not keep up, so the maximum would overstate it. `None` with fewer
/// than [`MIN_EVIDENCE_HOURS`] hours with both staff and sales.
pub fn suggest_per_labor_hour(hours: &[(f64, f64)]) -> Option<f64> {
    let mut rates: Vec<f64> = hours
        .iter()
        .filter(|(units, staff)| {
            *units > 0.0 && *staff > 0.0 && units.is_finite() && staff.is_finite()
        })
        .map(|(units, staff)| units / staff)
        .collect();
    if rates.len() < MIN_EVIDENCE_HOURS {
        return None;
    }
    rates.sort_by(f64::total_cmp);
    // Nearest rank.
    let rank = ((0.75 * rates.len() as f64).ceil() as usize).clamp(1, rates.len());
    Some(rates[rank - 1])
}
