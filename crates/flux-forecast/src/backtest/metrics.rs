//! Accuracy and calibration metrics accumulated over forecast days, and
//! their serialisable summary.

use serde::{Deserialize, Serialize};

/// Pinball (quantile) loss of predicting `q` for probability `p`.
pub fn pinball(p: f64, q: f64, y: f64) -> f64 {
    if y >= q {
        p * (y - q)
    } else {
        (1.0 - p) * (q - y)
    }
}

/// Randomised PIT histogram and how far it is from uniform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PitSummary {
    /// Share of PIT values in each tenth of [0, 1] (ideal: 0.1 each).
    pub deciles: [f64; 10],
    /// Number of PIT values.
    pub count: usize,
    /// Largest |share − 0.1| over the deciles.
    pub max_abs_deviation: f64,
    /// Pearson χ² statistic against uniform (9 degrees of freedom; the 5%
    /// critical value is 16.9, but with many days even small, harmless
    /// deviations exceed it, so read it comparatively).
    pub chi_square: f64,
}

/// Scores of one model over all origins and series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelScore {
    /// Model label.
    pub model: String,
    /// Series × origins that were scored.
    pub evaluated_series: usize,
    /// Forecast days that were scored.
    pub evaluated_days: usize,
    /// Mean absolute scaled error of the median forecast, averaged over
    /// series × origins (scale: in-sample MAE of the weekly naive).
    pub mase: f64,
    /// Pinball loss averaged over p10/p50/p90 and days, same scaling and
    /// averaging as MASE.
    pub scaled_pinball: f64,
    /// Weighted quantile loss: twice the pinball loss summed over days
    /// and series, averaged over p10/p50/p90, divided by the sum of the
    /// actuals. Busy series weigh by their volume, unlike MASE.
    pub wql: f64,
    /// Share of days with p10 ≤ actual ≤ p90, on items selling ≥ the
    /// configured mean per day (None when there are none).
    pub coverage_80: Option<f64>,
    /// The coverage the model itself expects on those days,
    /// mean of `P(p10 ≤ Y ≤ p90)` under its predictive distribution. With
    /// integer quantiles of a discrete distribution this exceeds 0.8, so
    /// a calibrated model's `coverage_80` should match this, not 0.8.
    pub expected_coverage_80: Option<f64>,
    /// Days behind `coverage_80`.
    pub coverage_days: usize,
    /// Randomised PIT on the low-volume items (None when there are none).
    pub pit: Option<PitSummary>,
    /// Σ(mean − actual) / Σ actual: positive means over-forecasting.
    pub bias: f64,
}

/// Running sums behind a [`ModelScore`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Accumulator {
    pub series: usize,
    pub days: usize,
    pub mase_sum: f64,
    pub spl_sum: f64,
    pub covered: usize,
    pub coverage_days: usize,
    pub expected_covered: f64,
    pub expected_days: usize,
    pub pinball_sum: f64,
    pub pit: [usize; 10],
    pub err_sum: f64,
    pub actual_sum: f64,
}

impl Accumulator {
    pub fn merge(&mut self, o: &Accumulator) {
        self.series += o.series;
        self.days += o.days;
        self.mase_sum += o.mase_sum;
        self.spl_sum += o.spl_sum;
        self.covered += o.covered;
        self.coverage_days += o.coverage_days;
        self.expected_covered += o.expected_covered;
        self.expected_days += o.expected_days;
        self.pinball_sum += o.pinball_sum;
        for (a, b) in self.pit.iter_mut().zip(o.pit) {
            *a += b;
        }
        self.err_sum += o.err_sum;
        self.actual_sum += o.actual_sum;
    }

    pub fn add_pit(&mut self, u: f64) {
        let bin = ((u * 10.0).floor() as usize).min(9);
        self.pit[bin] += 1;
    }

    pub fn finish(&self, model: String) -> ModelScore {
        let per_series = |x: f64| {
            if self.series > 0 {
                x / self.series as f64
            } else {
                f64::NAN
            }
        };
        let pit_n: usize = self.pit.iter().sum();
        let pit = (pit_n > 0).then(|| {
            let deciles = self.pit.map(|c| c as f64 / pit_n as f64);
            let max_abs_deviation = deciles.iter().map(|d| (d - 0.1).abs()).fold(0.0, f64::max);
            let expected = pit_n as f64 / 10.0;
            let chi_square = self
                .pit
                .iter()
                .map(|&c| (c as f64 - expected).powi(2) / expected)
                .sum();
            PitSummary {
                deciles,
                count: pit_n,
                max_abs_deviation,
                chi_square,
            }
        });
        ModelScore {
            model,
            evaluated_series: self.series,
            evaluated_days: self.days,
            mase: per_series(self.mase_sum),
            scaled_pinball: per_series(self.spl_sum),
            wql: if self.actual_sum > 0.0 {
                2.0 * self.pinball_sum / self.actual_sum
            } else {
                f64::NAN
            },
            coverage_80: (self.coverage_days > 0)
                .then(|| self.covered as f64 / self.coverage_days as f64),
            expected_coverage_80: (self.expected_days > 0)
                .then(|| self.expected_covered / self.expected_days as f64),
            coverage_days: self.coverage_days,
            pit,
            bias: if self.actual_sum > 0.0 {
                self.err_sum / self.actual_sum
            } else {
                f64::NAN
            },
        }
    }
}
