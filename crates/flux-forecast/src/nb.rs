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

impl NegBin {
    /// `mean` is clamped to ≥ 0 and `size` to a tiny positive number, so
    /// the distribution is always proper.
    pub fn new(mean: f64, size: f64) -> Self {
        let mean = if mean.is_finite() { mean.max(0.0) } else { 0.0 };
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

    /// Quantiles for probabilities in ascending order, written to `out`.
    pub fn quantiles(&self, probs: &[f64], out: &mut [f64]) {
        debug_assert!(probs.windows(2).all(|w| w[0] <= w[1]));
        let n = probs.len().min(out.len());
        if self.mean == 0.0 {
            out[..n].fill(0.0);
            return;
        }
        let sd = self.variance().sqrt();
        let ln_pmf0 = -self.size * (self.mean / self.size).ln_1p();
        if self.mean > NORMAL_APPROX_MEAN {
            for i in 0..n {
                out[i] = self.cornish_fisher(probs[i], sd).round().max(0.0);
            }
        } else if ln_pmf0 > -600.0 && self.mean + 6.0 * sd < 400.0 {
            self.walk_from_zero(ln_pmf0.exp(), &probs[..n], &mut out[..n]);
        } else {
            for i in 0..n {
                out[i] = self.walk_from_guess(probs[i], sd);
            }
        }
    }

    /// Normal quantile corrected for skewness (first Cornish–Fisher term).
    fn cornish_fisher(&self, p: f64, sd: f64) -> f64 {
        let z = normal_quantile(p);
        let skew = (2.0 * self.mean + self.size)
            / ((self.mean * self.size * (self.mean + self.size)).sqrt());
        self.mean + sd * (z + (z * z - 1.0) * skew / 6.0)
    }

    fn walk_from_zero(&self, pmf0: f64, probs: &[f64], out: &mut [f64]) {
        let (r, q) = (self.size, self.q());
        let (mut k, mut pmf, mut cdf) = (0u64, pmf0, pmf0);
        for (p, o) in probs.iter().zip(out.iter_mut()) {
            // The tolerance stops rounding error from pushing an exact hit
            // one step too far.
            while cdf < p - 1e-12 && k < 100_000 {
                k += 1;
                pmf *= (k as f64 - 1.0 + r) / k as f64 * q;
                cdf += pmf;
            }
            *o = k as f64;
        }
    }

    fn walk_from_guess(&self, p: f64, sd: f64) -> f64 {
        let (r, q) = (self.size, self.q());
        let mut k = self.cornish_fisher(p, sd).floor().max(0.0) as u64;
        let mut cdf = self.cdf(k);
        let mut pmf = self.ln_pmf(k).exp();
        if cdf >= p {
            // Step down while the previous value still reaches p.
            while k > 0 && cdf - pmf >= p {
                cdf -= pmf;
                pmf *= k as f64 / ((k as f64 - 1.0 + r) * q);
                k -= 1;
            }
        } else {
            let limit = k + 1_000_000;
            while cdf < p - 1e-12 && k < limit {
                k += 1;
                pmf *= (k as f64 - 1.0 + r) / k as f64 * q;
                cdf += pmf;
            }
        }
        k as f64
    }
}
