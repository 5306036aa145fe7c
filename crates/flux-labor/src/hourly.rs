//! Intraday demand: the share of a day's sales each hour takes, per
//! weekday, and hourly forecasts made from a day's forecast with it.
//!
//! An hour's expected value is the day's expected value times the hour's
//! share, so the hours of a day add up to the day exactly (coherent by
//! construction, whatever the day forecast is). The hour's distribution is
//! the day's negative binomial thinned to the hour: a day NB(μ, r) split by
//! fixed shares gives hours NB(sμ, r). Shares are themselves uncertain (a
//! quiet Tuesday lunch is not every Tuesday's), so the hour's variance adds
//! the dispersion of hours around their share measured on the history.
//! Quantiles of hours do not add up to the day's quantile and should not:
//! the sum of 90th percentiles is not the 90th percentile of the sum.

use chrono::{Datelike, NaiveDate};
use flux_forecast::nb::NegBin;
use serde::{Deserialize, Serialize};

/// One day of history: the units (items or covers) sold in each local hour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayHours {
    pub date: NaiveDate,
    pub hours: [f64; 24],
}

impl DayHours {
    pub fn total(&self) -> f64 {
        self.hours.iter().sum()
    }

    fn weekday(&self) -> usize {
        self.date.weekday().num_days_from_monday() as usize
    }
}

/// How much of the day each hour takes, per weekday (0 = Monday).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub shares: [[f64; 24]; 7],
    /// Days of history behind each weekday's shares.
    pub days: [u32; 7],
    /// Variance of an hour around its share of the day, relative to the
    /// binomial variance (1: hours scatter as if drawn at random).
    pub dispersion: f64,
}

/// Fitting knobs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProfileParams {
    /// Weight halves every this many days back: opening hours and habits change.
    pub half_life_days: f64,
    /// A weekday's shares count as this many days of its group's shares
    /// (Monday–Friday or the weekend) before its own days take over.
    pub prior_days: f64,
}

impl Default for ProfileParams {
    fn default() -> Self {
        ProfileParams {
            half_life_days: 56.0,
            prior_days: 1.0,
        }
    }
}

/// Dayparts operators talk about, as local hour ranges.
pub const DAYPARTS: [(&str, u32, u32); 5] = [
    ("breakfast", 6, 11),
    ("lunch", 11, 15),
    ("afternoon", 15, 17),
    ("dinner", 17, 22),
    ("late", 22, 30),
];

impl Profile {
    /// Fits the profile on the days given; days with no sales say nothing
    /// about the shape of a day and are skipped.
    pub fn fit(history: &[DayHours], params: ProfileParams) -> Profile {
        let last = history.iter().map(|d| d.date).max();
        let weight = |d: &DayHours| -> f64 {
            let back = last.map_or(0, |l| (l - d.date).num_days()).max(0) as f64;
            0.5f64.powf(back / params.half_life_days.max(1.0))
        };
        let mut by_day = [[0f64; 24]; 7];
        let mut mass = [0f64; 7];
        // The prior of a weekday is its group's shape: weekends are not
        // weekdays, and pooling them would blur both.
        let group = |wd: usize| usize::from(wd >= 5);
        let mut all = [[0f64; 24]; 2];
        let mut days = [0u32; 7];
        for d in history {
            let total = d.total();
            if total <= 0.0 {
                continue;
            }
            let w = weight(d);
            let wd = d.weekday();
            for h in 0..24 {
                by_day[wd][h] += w * d.hours[h] / total;
                all[group(wd)][h] += w * d.hours[h] / total;
            }
            mass[wd] += w;
            days[wd] += 1;
        }
        let group_mass = [mass[..5].iter().sum::<f64>(), mass[5..].iter().sum::<f64>()];
        let total_mass = group_mass[0] + group_mass[1];
        let mut shares = [[0f64; 24]; 7];
        for wd in 0..7 {
            let g = group(wd);
            for h in 0..24 {
                let pooled = if group_mass[g] > 0.0 {
                    all[g][h] / group_mass[g]
                } else if total_mass > 0.0 {
                    (all[0][h] + all[1][h]) / total_mass
                } else {
                    1.0 / 24.0
                };
                shares[wd][h] =
                    (by_day[wd][h] + params.prior_days * pooled) / (mass[wd] + params.prior_days);
            }
            let sum: f64 = shares[wd].iter().sum();
            if sum > 0.0 {
                shares[wd].iter_mut().for_each(|s| *s /= sum);
            }
        }
        let mut profile = Profile {
            shares,
            days,
            dispersion: 1.0,
        };
        profile.dispersion = profile.measure_dispersion(history);
        profile
    }

    fn measure_dispersion(&self, history: &[DayHours]) -> f64 {
        let (mut sq, mut expected) = (0.0, 0.0);
        for d in history {
            let total = d.total();
            if total <= 0.0 {
                continue;
            }
            for h in 0..24 {
                let s = self.shares[d.weekday()][h];
                sq += (d.hours[h] - s * total).powi(2);
                expected += s * (1.0 - s) * total;
            }
        }
        if expected > 0.0 {
            (sq / expected).max(1.0)
        } else {
            1.0
        }
    }

    /// Share of a weekday's sales in each daypart.
    pub fn dayparts(&self, weekday: usize) -> Vec<(&'static str, f64)> {
        let shares = &self.shares[weekday.min(6)];
        DAYPARTS
            .iter()
            .map(|&(name, from, to)| (name, (from..to).map(|h| shares[(h % 24) as usize]).sum()))
            .collect()
    }

    /// The hours of a day whose forecast has expected value `mean` and
    /// 90th percentile `p90`.
    pub fn split(&self, date: NaiveDate, mean: f64, p90: f64) -> [HourForecast; 24] {
        let wd = date.weekday().num_days_from_monday() as usize;
        let size = size_for(mean, p90);
        let day_var = if mean > 0.0 {
            mean + mean * mean / size
        } else {
            0.0
        };
        std::array::from_fn(|h| {
            let s = self.shares[wd][h];
            let m = s * mean;
            let var = s * s * day_var + self.dispersion * s * (1.0 - s) * mean;
            HourForecast::new(h as u32, m, var)
        })
    }
}

/// One hour's forecast.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HourForecast {
    /// Local hour of the day, 0–23.
    pub hour: u32,
    /// Expected units; a day's hours add up to the day's expected value.
    pub mean: f64,
    /// Negative-binomial size of the hour's distribution.
    pub size: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

impl HourForecast {
    fn new(hour: u32, mean: f64, variance: f64) -> Self {
        let size = if variance > mean && mean > 0.0 {
            mean * mean / (variance - mean)
        } else {
            1e12
        };
        let nb = NegBin::new(mean, size);
        let mut q = [0.0; 3];
        nb.quantiles(&[0.1, 0.5, 0.9], &mut q);
        HourForecast {
            hour,
            mean,
            size,
            p10: q[0],
            p50: q[1],
            p90: q[2],
        }
    }

    /// Any quantile of the hour (a service level of 0.75 staffs for the p75).
    pub fn quantile(&self, p: f64) -> f64 {
        NegBin::new(self.mean, self.size).quantile(p)
    }
}

/// The negative-binomial size whose 90th percentile at this mean is `p90`:
/// the day forecast's own spread. A p90 at or below the Poisson one means
/// no extra spread.
fn size_for(mean: f64, p90: f64) -> f64 {
    if mean <= 0.0 || !p90.is_finite() || p90 <= mean {
        return 1e12;
    }
    // A larger size narrows the distribution; bisect on its logarithm.
    // Below a size of 1 the 90th percentile falls again (the mass piles
    // up at zero), so the search stays above it: a day forecast wider
    // than that is read as size 1.
    let (mut lo, mut hi) = (0.0f64, 12.0f64);
    if NegBin::new(mean, 10f64.powf(hi)).quantile(0.9) >= p90 {
        return 1e12;
    }
    if NegBin::new(mean, 1.0).quantile(0.9) <= p90 {
        return 1.0;
    }
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        if NegBin::new(mean, 10f64.powf(mid)).quantile(0.9) > p90 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    10f64.powf(hi)
}

/// Pinball (quantile) loss of forecasting `q` at level `p` when `y` happened.
pub fn pinball(p: f64, q: f64, y: f64) -> f64 {
    if y >= q {
        p * (y - q)
    } else {
        (1.0 - p) * (q - y)
    }
}
