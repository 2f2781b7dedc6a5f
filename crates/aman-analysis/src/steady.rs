//! Automatic detection of the steady state of a time series (density, speed) of a pedestrian
//! experiment: the modified CUSUM of W. Liao, A. Tordeux, A. Seyfried, M. Chraibi,
//! K. Drzycimski, X. Zheng, Y. Zhao, "Measuring the steady state of pedestrian flow in
//! bottleneck experiments", Physica A 461 (2016) 248–261 (arXiv:1506.02433), the method the
//! authors of JPSreport and PedPy use to pick the frames their figures are averaged over.
//!
//! # Method (Liao et al. 2016, section 3)
//!
//! 1. A *reference process*: a part of the series believed steady (by default the middle
//!    third, see [`default_reference`]), with mean μ, standard deviation σ (population, as
//!    `numpy.std`) and lag-1 autocorrelation c (Pearson correlation of x_k with x_{k+1}).
//! 2. The statistic, for every sample x_k of the series (eq. 2–3 of the paper):
//!
//!    S_0 = s_max, S_k = min(s_max, max(0, S_{k−1} + F((x_k − μ)/σ))),
//!    F(z) = +1 if |z| > q, −1 otherwise, with q = Φ⁻¹(α), α = 0.99 (q ≈ 2.326).
//!
//!    S grows by one per sample outside the reference band and falls by one per sample
//!    inside; it starts at the cap s_max = 100 (the state at the start is not steady).
//! 3. The threshold θ (section 3.2): for a steady series, modelled as the autoregressive
//!    process of the reference, x_{k+1} = c·x_k + √(1 − c²)·ε_k with ε_k ~ N(0, 1) (so
//!    x ~ N(0, 1) with autocorrelation c), θ is the smallest integer ≥ 1 with
//!    P(S ≤ θ) ≥ γ, γ = 0.99. The paper (and its script) solves the stationary distribution
//!    of the Markov chain (S, x) on a grid; here it is estimated from a long simulated run of
//!    the process (2·10⁶ samples, fixed seed, so the result is reproducible), see
//!    [`cusum_threshold`].
//! 4. Samples with S_k < θ are steady. A run of them from index a to b is the steady state
//!    [a − (s_max − θ), b − (θ − 1)]: S needs s_max − θ steady samples to fall from the cap
//!    below θ, and θ − 1 unsteady ones to climb back to θ, so the raw run lags the true one by
//!    those *reaction times* (the paper's T_r).
//! 5. The steady state of an experiment is where both the density and the speed series are
//!    steady: the intersection of their intervals ([`intersect`]).

use std::ops::RangeInclusive;

use crate::AnalysisError;

/// Parameters of the detection; the defaults are the paper's (α = γ = 0.99, s_max = 100).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SteadyParams {
    /// Confidence of the band: a sample is inside when |x − μ|/σ ≤ Φ⁻¹(α). In (0.5, 1).
    pub alpha: f64,
    /// Quantile of the statistic of a steady process that sets the threshold θ. In (0, 1).
    pub gamma: f64,
    /// Cap of the statistic, samples (also its start value).
    pub s_max: u32,
}

impl Default for SteadyParams {
    fn default() -> Self {
        SteadyParams {
            alpha: 0.99,
            gamma: 0.99,
            s_max: 100,
        }
    }
}

/// Result of [`detect_steady`] on one series.
#[derive(Debug, Clone, PartialEq)]
pub struct SteadyDetection {
    /// Mean μ of the reference process, in the unit of the series.
    pub reference_mean: f64,
    /// Standard deviation σ of the reference process (population), unit of the series.
    pub reference_std: f64,
    /// Lag-1 autocorrelation c of the reference process.
    pub reference_acf: f64,
    /// Threshold θ of the statistic, samples.
    pub theta: u32,
    /// The statistic S_k after each sample (same length as the series).
    pub statistic: Vec<u32>,
    /// Steady intervals, inclusive sample indices, ascending and disjoint (empty when the
    /// series never settles).
    pub intervals: Vec<(usize, usize)>,
}

/// The default reference process of a series of `n` samples: its middle third (at least
/// 3 samples), where a bottleneck or corridor experiment that reaches a steady state is in
/// it; the paper chooses the reference by eye and shows the result barely depends on it.
pub fn default_reference(n: usize) -> RangeInclusive<usize> {
    let a = n / 3;
    let b = (2 * n / 3).max(a + 3).min(n.max(1)) - 1;
    a..=b
}

/// Standard normal quantile Φ⁻¹(p) (Acklam's rational approximation, relative error below
/// 1.2·10⁻⁹), for p in (0, 1).
fn normal_quantile(p: f64) -> f64 {
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
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// A small deterministic generator (SplitMix64) with Box–Muller normals: the calibration
/// must give the same θ on every run and machine.
struct Normals {
    state: u64,
    spare: Option<f64>,
}

impl Normals {
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let r = (-2.0 * self.uniform().ln()).sqrt();
        let phi = 2.0 * std::f64::consts::PI * self.uniform();
        self.spare = Some(r * phi.sin());
        r * phi.cos()
    }
}

/// Samples of the simulated reference process in [`cusum_threshold`].
const CALIBRATION_SAMPLES: usize = 2_000_000;

/// Threshold θ of the statistic for a steady series with lag-1 autocorrelation `acf`
/// (Liao et al. 2016, section 3.2): the smallest integer θ ≥ 1 with P(S ≤ θ) ≥ γ for the
/// statistic S of the AR(1) process x_{k+1} = c·x_k + √(1 − c²)·ε_k, estimated over
/// 2·10⁶ simulated samples after a burn-in of 10⁴ (fixed seed). `acf` is clamped to
/// [−0.9999, 0.9999]. At most `s_max`.
pub fn cusum_threshold(acf: f64, params: &SteadyParams) -> u32 {
    let c = acf.clamp(-0.9999, 0.9999);
    let noise = (1.0 - c * c).sqrt();
    let q = normal_quantile(params.alpha);
    let mut rng = Normals {
        state: 0x5EED_2016_0051,
        spare: None,
    };
    let mut x = rng.normal();
    let mut s: u32 = 0;
    let mut counts = vec![0usize; params.s_max as usize + 1];
    for k in 0..(10_000 + CALIBRATION_SAMPLES) {
        x = c * x + noise * rng.normal();
        s = if x.abs() > q {
            (s + 1).min(params.s_max)
        } else {
            s.saturating_sub(1)
        };
        if k >= 10_000 {
            counts[s as usize] += 1;
        }
    }
    let need = params.gamma * CALIBRATION_SAMPLES as f64;
    let mut cumulative = counts[0];
    let mut theta = 1;
    while (theta as usize) < params.s_max as usize
        && ((cumulative + counts[theta as usize]) as f64) < need
    {
        cumulative += counts[theta as usize];
        theta += 1;
    }
    theta
}

/// Detects the steady state of `series` (one value per frame, any unit) with the modified
/// CUSUM of Liao et al. (2016), against the reference process `reference` (inclusive sample
/// indices). See the [module documentation](self) for the equations.
///
/// # Errors
/// [`AnalysisError::SteadyState`] when the parameters are out of range, the reference lies
/// outside the series or holds fewer than 3 samples, a value is not finite, or the reference
/// is constant (σ = 0: no band can be drawn).
pub fn detect_steady(
    series: &[f64],
    reference: RangeInclusive<usize>,
    params: &SteadyParams,
) -> Result<SteadyDetection, AnalysisError> {
    let bad = |m: String| Err(AnalysisError::SteadyState(m));
    let alpha_ok = params.alpha > 0.5 && params.alpha < 1.0;
    let gamma_ok = params.gamma > 0.0 && params.gamma < 1.0;
    if !alpha_ok || !gamma_ok || params.s_max < 2 {
        return bad(format!(
            "alpha {} must lie in (0.5, 1), gamma {} in (0, 1) and s_max {} be at least 2",
            params.alpha, params.gamma, params.s_max
        ));
    }
    let (a, b) = (*reference.start(), *reference.end());
    if b >= series.len() || b < a + 2 {
        return bad(format!(
            "the reference process, samples {a}–{b}, must hold at least 3 samples of the \
             series' {}",
            series.len()
        ));
    }
    if let Some(k) = series.iter().position(|v| !v.is_finite()) {
        return bad(format!("sample {k} is {}, not a finite number", series[k]));
    }
    let r = &series[a..=b];
    let n = r.len() as f64;
    let mean = r.iter().sum::<f64>() / n;
    let std = (r.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    if std <= 1e-12 * mean.abs().max(1.0) {
        return bad(format!(
            "the reference process, samples {a}–{b}, is constant ({mean}); choose a part of \
             the series that varies"
        ));
    }
    // Pearson correlation of (x_k, x_{k+1}) over the reference.
    let (u, v) = (&r[..r.len() - 1], &r[1..]);
    let mu = u.iter().sum::<f64>() / u.len() as f64;
    let mv = v.iter().sum::<f64>() / v.len() as f64;
    let cov: f64 = u.iter().zip(v).map(|(p, q)| (p - mu) * (q - mv)).sum();
    let su = u.iter().map(|p| (p - mu).powi(2)).sum::<f64>().sqrt();
    let sv = v.iter().map(|q| (q - mv).powi(2)).sum::<f64>().sqrt();
    let acf = if su > 0.0 && sv > 0.0 {
        cov / (su * sv)
    } else {
        0.0
    };
    let theta = cusum_threshold(acf, params);
    let q = normal_quantile(params.alpha);
    let mut s = params.s_max;
    let statistic: Vec<u32> = series
        .iter()
        .map(|x| {
            s = if ((x - mean) / std).abs() > q {
                (s + 1).min(params.s_max)
            } else {
                s.saturating_sub(1)
            };
            s
        })
        .collect();
    let mut intervals = Vec::new();
    let mut k = 0;
    while k < statistic.len() {
        if statistic[k] < theta {
            let first = k;
            while k + 1 < statistic.len() && statistic[k + 1] < theta {
                k += 1;
            }
            let start = first.saturating_sub((params.s_max - theta) as usize);
            let end = k.saturating_sub(theta as usize - 1);
            if end >= start {
                intervals.push((start, end));
            }
        }
        k += 1;
    }
    // The reaction-time shifts can make neighbouring runs overlap: merge them.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s0, e0) in intervals {
        match merged.last_mut() {
            Some((_, e)) if s0 <= *e + 1 => *e = (*e).max(e0),
            _ => merged.push((s0, e0)),
        }
    }
    Ok(SteadyDetection {
        reference_mean: mean,
        reference_std: std,
        reference_acf: acf,
        theta,
        statistic,
        intervals: merged,
    })
}

/// Intersection of two lists of inclusive intervals (each ascending and disjoint): where
/// both series are steady (Liao et al. 2016, section 3.3).
pub fn intersect(a: &[(usize, usize)], b: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for &(a0, a1) in a {
        for &(b0, b1) in b {
            let (s, e) = (a0.max(b0), a1.min(b1));
            if s <= e {
                out.push((s, e));
            }
        }
    }
    out.sort_unstable();
    out
}

/// The longest interval of a list (the earliest among equals), or `None` if it is empty.
pub fn longest(intervals: &[(usize, usize)]) -> Option<(usize, usize)> {
    intervals
        .iter()
        .copied()
        .fold(None, |best: Option<(usize, usize)>, i| match best {
            Some(b) if b.1 - b.0 >= i.1 - i.0 => Some(b),
            _ => Some(i),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_matches_tables() {
        // Φ⁻¹(0.99) = 2.326348, Φ⁻¹(0.975) = 1.959964, Φ⁻¹(0.5) = 0, Φ⁻¹(0.01) = −2.326348.
        assert!((normal_quantile(0.99) - 2.326_348).abs() < 1e-6);
        assert!((normal_quantile(0.975) - 1.959_964).abs() < 1e-6);
        assert!(normal_quantile(0.5).abs() < 1e-12);
        assert!((normal_quantile(0.01) + 2.326_348).abs() < 1e-6);
    }

    #[test]
    fn threshold_of_white_noise() {
        // Uncorrelated samples: each step leaves the band with p = 0.02, so S is a random
        // walk with a strong drift to 0, reflected there: P(S = 0) is about 0.96 and
        // P(S ≤ 1) ≥ 0.99, hence θ = 1 (the loop starts at θ = 1).
        assert_eq!(cusum_threshold(0.0, &SteadyParams::default()), 1);
        // Strongly correlated samples leave the band in long excursions: θ grows.
        let t9 = cusum_threshold(0.9, &SteadyParams::default());
        let t99 = cusum_threshold(0.99, &SteadyParams::default());
        assert!(t9 > 1 && t99 > t9, "θ(0.9) = {t9}, θ(0.99) = {t99}");
    }

    /// A deterministic "experiment": a ramp up (transient), a noisy plateau, a ramp down.
    fn ramp_plateau_ramp() -> Vec<f64> {
        let mut rng = Normals {
            state: 7,
            spare: None,
        };
        let mut v = Vec::new();
        for k in 0..300 {
            v.push(2.0 * k as f64 / 300.0);
        }
        for _ in 0..1000 {
            v.push(2.0 + 0.1 * rng.normal());
        }
        for k in 0..300 {
            v.push(2.0 - 2.0 * k as f64 / 300.0);
        }
        v
    }

    #[test]
    fn finds_the_plateau() {
        let v = ramp_plateau_ramp();
        let d = detect_steady(&v, default_reference(v.len()), &SteadyParams::default()).unwrap();
        assert_eq!(d.intervals.len(), 1, "{:?}", d.intervals);
        let (s, e) = d.intervals[0];
        // The band is μ ± 2.33σ ≈ 2 ± 0.23: the ramp enters it at 2 − 0.23, i.e. sample
        // 300·(1 − 0.117) ≈ 265, and leaves it symmetrically ≈ 35 samples after 1300.
        assert!((255..=300).contains(&s), "start {s}");
        assert!((1300..=1345).contains(&e), "end {e}");
        assert!((d.reference_mean - 2.0).abs() < 0.02);
        assert!((d.reference_std - 0.1).abs() < 0.01);
    }

    #[test]
    fn bad_input_is_an_error() {
        let p = SteadyParams::default();
        assert!(detect_steady(&[1.0, 2.0], 0..=1, &p).is_err());
        assert!(detect_steady(&[1.0; 10], 2..=8, &p).is_err());
        assert!(detect_steady(&[1.0, f64::NAN, 2.0, 3.0], 0..=3, &p).is_err());
        assert!(detect_steady(&[1.0, 2.0, 3.0], 0..=5, &p).is_err());
    }

    #[test]
    fn intersection_and_longest() {
        let i = intersect(&[(0, 10), (20, 30)], &[(5, 25)]);
        assert_eq!(i, vec![(5, 10), (20, 25)]);
        assert_eq!(longest(&i), Some((5, 10)));
        assert_eq!(longest(&[]), None);
    }
}
