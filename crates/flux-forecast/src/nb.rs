//! The negative binomial distribution, parameterised by mean and size
//! (variance = mean + mean²/size), with exact quantiles and CDF.
//!
//! Quantiles are found by walking the CDF with the pmf recurrence
//! `pmf(k+1) = pmf(k)·(k+r)/(k+1)·q`, which costs a multiply and a divide
//! per step. Small means walk from zero; larger ones start at a
//! Cornish–Fisher guess whose exact CDF comes from the regularised
//! incomplete beta function, so only a handful of steps remain. This keeps
//! quantiles deterministic (no Monte Carlo) and cheap enough for millions of
//! series.
//!
//! Every search is bounded, whatever the parameters. The walk from a guess
//! takes at most 64 steps: a guess can be arbitrarily far off (a tiny size
//! makes the skewness term explode) and a pmf deep in a tail underflows to
//! zero, and either would turn the walk into billions of unit steps. Past
//! that, or when the pmf at the guess is zero or not finite, the search
//! brackets the answer by doubling steps from the guess and bisects on the
//! exact CDF: at most 64 CDF evaluations each, and the CDF itself is a
//! continued fraction capped at 10 000 terms. The walk from zero stops at
//! 100 000 steps (its means are below 400). Probabilities are clamped into
//! (0, 1) and quantiles into `0..=2⁵³`, so the result is always a finite,
//! non-negative integer, non-decreasing in `p`. Above a mean of 10⁶ the
//! Cornish–Fisher value itself is the answer (no search at all), under the
//! same clamps.

/// Natural log of the gamma function for `x > 0` (Lanczos, g = 7, n = 9;
/// about 15 significant digits).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the series in its accurate range.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEF[0];
    for (i, c) in COEF.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Regularised incomplete beta `I_x(a, b)` by its continued fraction
/// (modified Lentz), using the symmetry `I_x(a,b) = 1 − I_{1−x}(b,a)` on the
/// side where the fraction converges quickly.
pub fn reg_inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (-x).ln_1p();
    if x < (a + 1.0) / (a + b + 2.0) {
        (ln_front.exp() * beta_cf(a, b, x) / a).clamp(0.0, 1.0)
    } else {
        (1.0 - ln_front.exp() * beta_cf(b, a, 1.0 - x) / b).clamp(0.0, 1.0)
    }
}

fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-15;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..10_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// Standard normal quantile (Acklam's rational approximation, relative
/// error below 1.2e-9), used only to seed CDF walks.
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let plow = 0.02425;
    if p < plow {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - plow {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

/// Negative binomial with `mean` μ ≥ 0 and `size` r > 0:
/// `P(k) = Γ(k+r)/(Γ(r) k!) · pʳ (1−p)ᵏ` with `p = r/(r+μ)`.
///
/// A huge size is the Poisson limit; a zero mean is a point mass at zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NegBin {
    mean: f64,
    size: f64,
}

/// Means above this use the normal approximation with a skewness
/// correction: the relative error of a quantile there is far below the
/// forecast's own uncertainty, and walking would cost thousands of steps.
const NORMAL_APPROX_MEAN: f64 = 1e6;

/// Largest quantile ever reported, 2⁵³. Past it an `f64` no longer holds
/// every integer, so `k` and `k + 1` reach the CDF as the same number and
/// "the smallest k" stops being well defined; no real demand comes near.
pub const MAX_QUANTILE: f64 = 9_007_199_254_740_992.0;
const MAX_K: u64 = 1 << 53;

/// Steps a CDF walk may take before the search switches to bisection. A
/// Cornish–Fisher guess is usually within a handful of steps; when it is
/// not (extreme skewness, a pmf that underflowed) the distance can be up
/// to 2⁵³, and a walk of one unit per step would never be done.
const MAX_WALK_STEPS: u32 = 64;

/// Bound on the bracketing and bisection loops. Each halves or doubles a
/// distance of at most 2⁵³, so 64 rounds always suffice; the explicit bound
/// keeps that true even if the CDF misbehaves.
const MAX_SEARCH_STEPS: u32 = 64;

/// Slack when comparing an accumulated CDF with the target, so rounding
/// error does not push an exact hit one step too far.
const CDF_TOL: f64 = 1e-12;

/// Maps any probability into (0, 1). Out-of-range values would ask for a
/// quantile at −∞ or +∞ and NaN compares false everywhere, which turns
/// "walk until the CDF reaches p" into "walk forever"; NaN is read as the
/// median because no answer is right and this one is at least central.
fn clamp_prob(p: f64) -> f64 {
    if p.is_nan() {
        0.5
    } else {
        p.clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0)
    }
}

/// A real-valued count as an integer in `0..=MAX_K`. A bare `as u64`
/// would turn NaN into 0 silently and saturate ±∞ at the u64 range, far
/// beyond what the CDF can resolve.
fn to_count(x: f64) -> u64 {
    if x.is_nan() || x <= 0.0 {
        0
    } else if x >= MAX_QUANTILE {
        MAX_K
    } else {
        x as u64
    }
}

/// Longest walk from zero before [`NegBin::quantiles`] switches to
/// bisection.
const WALK_FROM_ZERO_MAX: u64 = 100_000;

impl NegBin {
    /// `mean` is clamped to `0..=MAX_QUANTILE` (NaN is 0) and `size` to
    /// `1e-6..=1e12` (NaN is the Poisson limit), so the distribution is
    /// always proper and its variance finite.
    pub fn new(mean: f64, size: f64) -> Self {
        // An infinite mean comes from an overflowing product of finite
        // factors: "enormous" is closer to the truth than "nothing".
        let mean = if mean.is_nan() {
            0.0
        } else {
            mean.clamp(0.0, MAX_QUANTILE)
        };
        let size = if size.is_nan() {
            1e12
        } else {
            size.clamp(1e-6, 1e12)
        };
        Self { mean, size }
    }

    /// The seed model's parameterisation NB(n, p): size n, success
    /// probability p, mean n(1−p)/p.
    pub fn from_n_p(n: f64, p: f64) -> Self {
        let p = p.clamp(1e-12, 1.0);
        Self::new(n * (1.0 - p) / p, n)
    }

    /// Expected value.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Size (dispersion) parameter.
    pub fn size(&self) -> f64 {
        self.size
    }

    /// Variance μ + μ²/r.
    pub fn variance(&self) -> f64 {
        self.mean + self.mean * self.mean / self.size
    }

    /// Failure probability per trial, `μ/(r+μ)`.
    fn q(&self) -> f64 {
        self.mean / (self.size + self.mean)
    }

    /// Natural log of P(Y = k).
    pub fn ln_pmf(&self, k: u64) -> f64 {
        if self.mean == 0.0 {
            return if k == 0 { 0.0 } else { f64::NEG_INFINITY };
        }
        let (r, m, k) = (self.size, self.mean, k as f64);
        let ln_p = -(m / r).ln_1p();
        let ln_q = (m / (r + m)).ln();
        ln_gamma(k + r) - ln_gamma(r) - ln_gamma(k + 1.0) + r * ln_p + k * ln_q
    }

    /// E[Y | Y ≥ c]: the expected demand of a day on which at least `c`
    /// were wanted (a sold-out day that sold `c`). Exact, from
    /// `k·P_r(k) = μ·P_{r+1}(k−1)` (the same success probability), so
    /// `Σ_{k≥c} k·P_r(k) = μ·P_{r+1}(Y ≥ c−1)`: two regularised incomplete
    /// beta values, no summation however large `c`. Never below `c`; where
    /// the tail beyond `c` underflows, `c` itself.
    pub fn mean_at_least(&self, c: f64) -> f64 {
        if c.is_nan() || c <= 0.0 {
            return self.mean;
        }
        let k = c.ceil().min(MAX_QUANTILE);
        if self.mean == 0.0 {
            return c;
        }
        let r = self.size;
        let q = self.q();
        // P_r(Y ≥ k) = I_q(k, r); P_{r+1}(Y ≥ k−1) likewise, 1 at k−1 = 0.
        let tail = reg_inc_beta(k, r, q);
        let shifted = if k <= 1.0 {
            1.0
        } else {
            reg_inc_beta(k - 1.0, r + 1.0, q)
        };
        let e = self.mean * shifted / tail;
        if tail > 1e-300 && e.is_finite() {
            e.max(c)
        } else {
            c
        }
    }

    /// P(Y ≤ k).
    pub fn cdf(&self, k: u64) -> f64 {
        if self.mean == 0.0 {
            return 1.0;
        }
        let p = self.size / (self.size + self.mean);
        reg_inc_beta(self.size, k as f64 + 1.0, p)
    }

    /// P(Y ≤ y) for a real `y` (the CDF is a step function).
    pub fn cdf_real(&self, y: f64) -> f64 {
        if y < 0.0 {
            0.0
        } else {
            self.cdf(y.floor() as u64)
        }
    }

    /// P(Y < y) for a real `y`.
    pub fn cdf_below(&self, y: f64) -> f64 {
        if y <= 0.0 {
            0.0
        } else {
            self.cdf((y.ceil() - 1.0) as u64)
        }
    }

    /// Smallest k with P(Y ≤ k) ≥ p.
    pub fn quantile(&self, p: f64) -> f64 {
        let mut out = [0.0];
        self.quantiles(&[p], &mut out);
        out[0]
    }

    /// Quantiles for probabilities `probs`, written to `out`. Ascending
    /// order is the fast case (one walk serves them all for small means)
    /// and gives non-decreasing results; any order is answered correctly.
    /// Probabilities are clamped into (0, 1), NaN reads as 0.5, and every
    /// result is an integer in `0..=MAX_QUANTILE`.
    pub fn quantiles(&self, probs: &[f64], out: &mut [f64]) {
        let n = probs.len().min(out.len());
        if self.mean == 0.0 {
            out[..n].fill(0.0);
            return;
        }
        let sd = self.variance().sqrt();
        let ln_pmf0 = -self.size * (self.mean / self.size).ln_1p();
        if self.mean > NORMAL_APPROX_MEAN {
            for i in 0..n {
                let x = self.cornish_fisher(clamp_prob(probs[i]), sd).round();
                out[i] = to_count(x) as f64;
            }
        } else if ln_pmf0 > -600.0 && self.mean + 6.0 * sd < 400.0 {
            self.walk_from_zero(ln_pmf0.exp(), &probs[..n], &mut out[..n]);
        } else {
            for i in 0..n {
                out[i] = self.search_from_guess(clamp_prob(probs[i]), sd) as f64;
            }
        }
        // Walks sum pmfs while bisection reads the CDF directly, and the
        // two round differently: two probabilities closer than that
        // rounding could come back one unit out of order without this.
        for i in 1..n {
            if clamp_prob(probs[i]) >= clamp_prob(probs[i - 1]) && out[i] < out[i - 1] {
                out[i] = out[i - 1];
            }
        }
    }

    /// Normal quantile corrected for skewness (first Cornish–Fisher term).
    fn cornish_fisher(&self, p: f64, sd: f64) -> f64 {
        let z = normal_quantile(p);
        let skew = (2.0 * self.mean + self.size)
            / ((self.mean * self.size * (self.mean + self.size)).sqrt());
        // `z + (z²−1)·γ/6` bottoms out at z = −3/γ and climbs again below:
        // for a very skewed distribution the 1% quantile would land above
        // the median. Holding it at the minimum keeps the result monotone.
        let z = if skew > 0.0 { z.max(-3.0 / skew) } else { z };
        self.mean + sd * (z + (z * z - 1.0) * skew / 6.0)
    }

    fn walk_from_zero(&self, pmf0: f64, probs: &[f64], out: &mut [f64]) {
        let (r, q) = (self.size, self.q());
        let (mut k, mut pmf, mut cdf) = (0u64, pmf0, pmf0);
        for (p, o) in probs.iter().zip(out.iter_mut()) {
            let p = clamp_prob(*p);
            // Already past the answer (a smaller probability after a larger
            // one): start over rather than report the larger quantile.
            // Never true for ascending probabilities.
            if k > 0 && cdf - pmf >= p - CDF_TOL {
                (k, pmf, cdf) = (0, pmf0, pmf0);
            }
            // The tolerance stops rounding error from pushing an exact hit
            // one step too far.
            while cdf < p - CDF_TOL && k < WALK_FROM_ZERO_MAX {
                k += 1;
                pmf *= (k as f64 - 1.0 + r) / k as f64 * q;
                cdf += pmf;
            }
            // A tail too heavy to walk (a tiny size puts mass far out even
            // for a small mean): the cap is not the answer, so search on.
            *o = if cdf < p - CDF_TOL {
                self.bisect(p, k, self.cdf(k), k.max(1)) as f64
            } else {
                k as f64
            };
        }
    }

    /// Walks a few steps from the Cornish–Fisher guess, which is all a
    /// well-behaved distribution needs, and bisects on the exact CDF when
    /// the walk would be long or cannot be trusted.
    fn search_from_guess(&self, p: f64, sd: f64) -> u64 {
        let (r, q) = (self.size, self.q());
        let guess = to_count(self.cornish_fisher(p, sd).floor());
        let cdf_guess = self.cdf(guess);
        let (mut k, mut cdf) = (guess, cdf_guess);
        let mut pmf = self.ln_pmf(k).exp();
        // A pmf that underflowed (a guess deep in a tail) makes every step
        // look free: "cdf − pmf ≥ p" would stay true all the way down.
        if !(cdf.is_finite() && pmf.is_finite() && pmf > 0.0) {
            return self.bisect(p, guess, cdf_guess, 1);
        }
        let mut steps = 0;
        if cdf >= p {
            // Step down while the previous value still reaches p.
            while k > 0 && cdf - pmf >= p {
                if steps == MAX_WALK_STEPS {
                    return self.bisect(p, guess, cdf_guess, u64::from(MAX_WALK_STEPS));
                }
                cdf -= pmf;
                pmf *= k as f64 / ((k as f64 - 1.0 + r) * q);
                k -= 1;
                steps += 1;
            }
        } else {
            while cdf < p - CDF_TOL && k < MAX_K {
                if steps == MAX_WALK_STEPS {
                    return self.bisect(p, guess, cdf_guess, u64::from(MAX_WALK_STEPS));
                }
                k += 1;
                pmf *= (k as f64 - 1.0 + r) / k as f64 * q;
                cdf += pmf;
                steps += 1;
            }
        }
        k
    }

    /// Smallest k in `0..=MAX_K` with `cdf(k) ≥ p − CDF_TOL` by integer
    /// bisection, starting from `guess` whose CDF is `cdf_guess`.
    ///
    /// The bracket grows from the guess in steps of `first_step`, doubling
    /// each time (at most [`MAX_SEARCH_STEPS`] CDF evaluations), and is then
    /// halved (as many again). Bisection keeps "below the target at `lo`,
    /// at or above it at `hi`", so the answer satisfies both sides of the
    /// definition with respect to [`NegBin::cdf`] even where rounding makes
    /// that CDF slightly non-monotone.
    fn bisect(&self, p: f64, guess: u64, cdf_guess: f64, first_step: u64) -> u64 {
        let target = p - CDF_TOL;
        let reaches = |k: u64| self.cdf(k) >= target;
        // Doubling steps cover 2⁵³ in at most 54 rounds, so the loops below
        // end by reaching 0 or MAX_K long before their bound.
        let mut step = first_step.max(1);
        let (mut lo, mut hi) = if cdf_guess >= target {
            let mut hi = guess;
            let mut lo = None;
            for _ in 0..MAX_SEARCH_STEPS {
                if hi == 0 {
                    return 0;
                }
                let cand = hi.saturating_sub(step);
                if !reaches(cand) {
                    lo = Some(cand);
                    break;
                }
                hi = cand;
                step = step.saturating_mul(2);
            }
            match lo {
                Some(lo) => (lo, hi),
                None => return hi,
            }
        } else {
            let mut lo = guess;
            let mut hi = None;
            for _ in 0..MAX_SEARCH_STEPS {
                if lo >= MAX_K {
                    break;
                }
                let cand = lo.saturating_add(step).min(MAX_K);
                if reaches(cand) {
                    hi = Some(cand);
                    break;
                }
                lo = cand;
                step = step.saturating_mul(2);
            }
            match hi {
                Some(hi) => (lo, hi),
                // The answer lies beyond what can be reported.
                None => return MAX_K,
            }
        };
        for _ in 0..MAX_SEARCH_STEPS {
            if hi - lo <= 1 {
                break;
            }
            let mid = lo + (hi - lo) / 2;
            if reaches(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Log-uniform on `[lo, hi]`: every order of magnitude gets its share.
    fn log_uniform(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
        (lo.ln()..=hi.ln()).prop_map(f64::exp)
    }

    /// Means from nothing to counts near the import limit.
    fn means() -> impl Strategy<Value = f64> {
        prop_oneof![
            1 => Just(0.0),
            1 => Just(NORMAL_APPROX_MEAN),
            1 => Just(99_999_999_999.0),
            1 => Just(1e12),
            8 => log_uniform(1e-9, 1e12),
        ]
    }

    /// Sizes over the whole clamped range, endpoints included.
    fn sizes() -> impl Strategy<Value = f64> {
        prop_oneof![
            1 => Just(1e-6),
            1 => Just(1e12),
            8 => log_uniform(1e-6, 1e12),
        ]
    }

    fn probs() -> impl Strategy<Value = Vec<f64>> {
        let p = prop_oneof![
            Just(1e-12),
            Just(0.5),
            Just(1.0 - 1e-12),
            0.0..1.0,
            log_uniform(1e-15, 1e-2),
            log_uniform(1e-15, 1e-2).prop_map(|e| 1.0 - e),
        ];
        prop::collection::vec(p, 1..8).prop_map(|mut v| {
            v.sort_by(f64::total_cmp);
            v
        })
    }

    /// Slack for checking a quantile against [`NegBin::cdf`], or `None`
    /// where that check means nothing. Above [`NORMAL_APPROX_MEAN`] the
    /// quantile is an approximation by design, and a saturated one is not
    /// the answer. Elsewhere a walk sums pmfs while `cdf` is evaluated
    /// afresh; both inherit the rounding of `ln_gamma`, which grows like
    /// `x·ln x` in its argument, so the slack does too, and once it is no
    /// longer small the CDF is not computable well enough to judge by.
    fn slack(nb: &NegBin, q: f64) -> Option<f64> {
        if nb.mean > NORMAL_APPROX_MEAN || q >= MAX_QUANTILE {
            return None;
        }
        let x = nb.size + q + 2.0;
        let slack = 1e-9 + 1e-14 * x * x.ln();
        (slack < 1e-6).then_some(slack)
    }

    fn check(nb: &NegBin, probs: &[f64]) -> Result<(), TestCaseError> {
        let mut out = vec![f64::NAN; probs.len()];
        nb.quantiles(probs, &mut out);
        for w in out.windows(2) {
            prop_assert!(w[0] <= w[1], "{nb:?} {probs:?} -> {out:?}");
        }
        for (&p, &q) in probs.iter().zip(&out) {
            prop_assert!(
                q.is_finite() && (0.0..=MAX_QUANTILE).contains(&q) && q.fract() == 0.0,
                "{nb:?} p={p} -> {q}"
            );
            if let Some(tol) = slack(nb, q) {
                let k = q as u64;
                let (at, below) = (nb.cdf(k), if k > 0 { nb.cdf(k - 1) } else { 0.0 });
                prop_assert!(at >= p - tol, "{nb:?} p={p} q={q} cdf(q)={at}");
                prop_assert!(
                    k == 0 || below < p + tol,
                    "{nb:?} p={p} q={q} cdf(q-1)={below}"
                );
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn quantiles_of_extreme_distributions_are_bounded_ordered_and_exact(
            mean in means(),
            size in sizes(),
            probs in probs(),
        ) {
            check(&NegBin::new(mean, size), &probs)?;
        }

        #[test]
        fn one_probability_at_a_time_agrees_with_the_slice(
            mean in means(),
            size in sizes(),
            probs in probs(),
        ) {
            let nb = NegBin::new(mean, size);
            let mut out = vec![0.0; probs.len()];
            nb.quantiles(&probs, &mut out);
            for (p, q) in probs.iter().zip(&out) {
                // The slice may only lift a value to keep the order.
                prop_assert!(nb.quantile(*p) <= *q);
            }
        }
    }

    /// The inputs of the hang: a tiny size makes the Cornish–Fisher guess
    /// enormous, and the pmf far out in the tail underflows to zero.
    #[test]
    fn tiny_sizes_and_underflowing_pmfs_finish() {
        let probs = [1e-12, 0.1, 0.5, 0.9, 0.99, 1.0 - 1e-12];
        for mean in [0.5, 30.0, 401.0, 5e3, 1e5, 1e6, 1e6 + 1.0, 1e9, 1e12] {
            for size in [1e-6, 1e-4, 1e-2, 0.3] {
                let nb = NegBin::new(mean, size);
                if let Err(e) = check(&nb, &probs) {
                    panic!("mean {mean} size {size}: {e}");
                }
                let guess = nb.cornish_fisher(0.99, nb.variance().sqrt());
                assert!(guess.is_finite(), "mean {mean} size {size}: {guess}");
            }
        }
    }

    #[test]
    fn degenerate_parameters_give_a_proper_distribution() {
        let specials = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 0.0, 1e300];
        let probs = [0.1, 0.5, 0.9, 0.99];
        for x in specials {
            for nb in [NegBin::new(x, 2.0), NegBin::new(50.0, x), NegBin::new(x, x)] {
                assert!(nb.mean().is_finite() && nb.mean() >= 0.0, "{nb:?}");
                assert!(nb.size().is_finite() && nb.size() > 0.0, "{nb:?}");
                assert!(nb.variance().is_finite(), "{nb:?}");
                if let Err(e) = check(&nb, &probs) {
                    panic!("{e}");
                }
            }
        }
        // An overflowing mean is enormous, not zero.
        assert_eq!(NegBin::new(f64::INFINITY, 2.0).mean(), MAX_QUANTILE);
    }

    #[test]
    fn bad_probabilities_are_clamped_not_propagated() {
        for (mean, size) in [(3.0, 2.0), (900.0, 4.0), (500.0, 1e-6), (5e7, 10.0)] {
            let nb = NegBin::new(mean, size);
            let q = |p: f64| nb.quantile(p);
            if mean <= NORMAL_APPROX_MEAN {
                assert_eq!(q(0.0), 0.0);
            }
            assert_eq!(q(-1.0), q(0.0));
            assert_eq!(q(f64::NEG_INFINITY), q(0.0));
            assert_eq!(q(f64::NAN), q(0.5));
            assert_eq!(q(1.0), q(2.0));
            assert_eq!(q(f64::INFINITY), q(1.0));
            assert!(q(1.0).is_finite() && q(1.0) >= q(0.99), "{nb:?}");
            let mut out = [0.0; 3];
            nb.quantiles(&[f64::NAN, 0.5, f64::NAN], &mut out);
            assert!(out.iter().all(|x| x.is_finite()), "{out:?}");
        }
    }

    #[test]
    fn unordered_probabilities_are_answered_one_by_one() {
        for (mean, size) in [(4.0, 2.0), (35.0, 8.0), (2500.0, 20.0)] {
            let nb = NegBin::new(mean, size);
            let probs = [0.9, 0.1, 0.99, 0.5];
            let mut out = [0.0; 4];
            nb.quantiles(&probs, &mut out);
            assert_eq!(out, probs.map(|p| nb.quantile(p)), "{nb:?}");
        }
    }

    #[test]
    fn long_walks_give_the_same_answer_by_bisection() {
        // Far enough from the guess that the old walk took thousands of
        // steps: the bisection must land where the walk would have.
        let nb = NegBin::new(1e4, 1.0);
        let (r, q) = (nb.size(), nb.q());
        let (mut k, mut cdf) = (0u64, nb.ln_pmf(0).exp());
        let mut pmf = cdf;
        for p in [0.1, 0.5, 0.9, 0.99] {
            while cdf < p - CDF_TOL {
                k += 1;
                pmf *= (k as f64 - 1.0 + r) / k as f64 * q;
                cdf += pmf;
            }
            assert_eq!(nb.quantile(p), k as f64, "p {p}");
        }
    }

    #[test]
    fn counts_are_clamped_before_casting() {
        assert_eq!(to_count(f64::NAN), 0);
        assert_eq!(to_count(-3.5), 0);
        assert_eq!(to_count(f64::INFINITY), MAX_K);
        assert_eq!(to_count(1e30), MAX_K);
        assert_eq!(to_count(41.9), 41);
    }

    #[test]
    fn mean_at_least_matches_a_direct_sum_and_never_drops_below_the_bound() {
        for (mean, size) in [(10.0, 3.0), (2.5, 0.7), (40.0, 50.0), (6.0, 1e5)] {
            let nb = NegBin::new(mean, size);
            for c in [1.0f64, 3.0, 7.5, 10.0, 25.0] {
                let (mut num, mut den) = (0.0, 0.0);
                for k in c.ceil() as u64..5_000 {
                    let p = nb.ln_pmf(k).exp();
                    num += k as f64 * p;
                    den += p;
                }
                let want = num / den;
                let got = nb.mean_at_least(c);
                assert!(
                    (got - want).abs() <= 1e-6 * want.max(1.0),
                    "NB({mean}, {size}) c={c}: {got} vs {want}"
                );
                assert!(got >= c && got >= mean.min(c));
            }
            assert_eq!(nb.mean_at_least(0.0), nb.mean());
            assert_eq!(nb.mean_at_least(f64::NAN), nb.mean());
        }
        // The Poisson limit: E[Y | Y ≥ 1] = λ / (1 − e^−λ). The incomplete
        // beta at a size of 1e12 is good to about 1e-5, far inside any
        // forecast's uncertainty.
        let poisson = NegBin::new(6.0, 1e12).mean_at_least(1.0);
        let exact = 6.0 / (1.0 - (-6.0f64).exp());
        assert!(
            (poisson - exact).abs() < 1e-4 * exact,
            "{poisson} vs {exact}"
        );
        // Far in the tail, the bound itself; huge bounds stay finite.
        let nb = NegBin::new(3.0, 5.0);
        let far = nb.mean_at_least(1e6);
        assert!(far.is_finite() && (1e6..1e6 + 10.0).contains(&far), "{far}");
        assert!(nb.mean_at_least(1e300).is_finite());
    }
}
