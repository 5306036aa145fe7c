//! Negative binomial maths against values computed by hand.

use flux_forecast::nb::{ln_gamma, reg_inc_beta, NegBin};

const P: [f64; 4] = [0.1, 0.5, 0.9, 0.99];

fn quantiles(nb: NegBin) -> [f64; 4] {
    let mut q = [0.0; 4];
    nb.quantiles(&P, &mut q);
    q
}

#[test]
fn ln_gamma_matches_factorials_and_sqrt_pi() {
    assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
    assert!((ln_gamma(11.0) - 3_628_800f64.ln()).abs() < 1e-10);
    assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
}

#[test]
fn incomplete_beta_matches_closed_forms() {
    // I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a.
    assert!((reg_inc_beta(1.0, 3.0, 0.2) - (1.0 - 0.8f64.powi(3))).abs() < 1e-12);
    assert!((reg_inc_beta(2.5, 1.0, 0.7) - 0.7f64.powf(2.5)).abs() < 1e-12);
}

#[test]
fn geometric_case_quantiles_are_exact() {
    // Size 1, mean 1: P(Y ≤ k) = 1 − 0.5^(k+1).
    assert_eq!(quantiles(NegBin::new(1.0, 1.0)), [0.0, 0.0, 3.0, 6.0]);
    // Size 1, mean 9: P(Y ≤ k) = 1 − 0.9^(k+1).
    assert_eq!(quantiles(NegBin::new(9.0, 1.0)), [0.0, 6.0, 21.0, 43.0]);
}

#[test]
fn huge_size_is_poisson() {
    // Poisson(10): P(≤5)=.067, P(≤6)=.130, P(≤9)=.458, P(≤10)=.583,
    // P(≤13)=.865, P(≤14)=.917, P(≤17)=.986, P(≤18)=.993.
    assert_eq!(quantiles(NegBin::new(10.0, 1e12)), [6.0, 10.0, 14.0, 18.0]);
}

#[test]
fn zero_mean_is_a_point_mass() {
    assert_eq!(quantiles(NegBin::new(0.0, 3.0)), [0.0; 4]);
    assert_eq!(NegBin::new(0.0, 3.0).cdf(0), 1.0);
}

#[test]
fn seed_parameterisation_has_the_right_mean() {
    // NB(n=2, p=1/3): mean n(1−p)/p = 4, variance 4 + 16/2 = 12.
    let nb = NegBin::from_n_p(2.0, 1.0 / 3.0);
    assert!((nb.mean() - 4.0).abs() < 1e-12);
    assert!((nb.variance() - 12.0).abs() < 1e-9);
}

/// Quantiles from brute-force summation of the pmf.
fn brute(nb: NegBin) -> [f64; 4] {
    let mut out = [0.0; 4];
    let (mut cdf, mut k, mut j) = (0.0, 0u64, 0);
    while j < 4 {
        cdf += nb.ln_pmf(k).exp();
        while j < 4 && cdf >= P[j] - 1e-12 {
            out[j] = k as f64;
            j += 1;
        }
        k += 1;
    }
    out
}

#[test]
fn every_code_path_agrees_with_brute_force() {
    for (mean, size) in [
        (0.3, 0.5),
        (4.0, 2.0),
        (35.0, 8.0),
        (300.0, 50.0),
        (2500.0, 20.0),
        (900.0, 1e5),
    ] {
        let nb = NegBin::new(mean, size);
        assert_eq!(quantiles(nb), brute(nb), "mean {mean} size {size}");
    }
}

#[test]
fn cdf_is_consistent_with_quantiles() {
    let nb = NegBin::new(1234.5, 7.0);
    for p in P {
        let q = nb.quantile(p) as u64;
        assert!(nb.cdf(q) >= p - 1e-9);
        assert!(nb.cdf(q - 1) < p);
    }
}
