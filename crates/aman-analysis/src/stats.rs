//! Statistics of one figure over repeated runs (seeds): n, mean, standard deviation, minimum,
//! maximum and the 95th percentile.

use serde::{Deserialize, Serialize};

/// Summary statistics of a sample, in the unit of its values.
///
/// - `sd` is the sample standard deviation, with Bessel's correction:
///   s = √(Σ (xᵢ − x̄)² / (n − 1)); `None` for n = 1, where it is undefined.
/// - `p95` is the 95th percentile by linear interpolation between closest ranks (Hyndman &
///   Fan 1996, definition 7; NumPy's and R's default, PedPy uses NumPy's): see [`quantile`].
///
/// ```
/// use aman_analysis::stats::Stats;
/// let s = Stats::of(&[3.0, 1.0, 2.0, 4.0]).unwrap();
/// assert_eq!((s.n, s.mean, s.min, s.max), (4, 2.5, 1.0, 4.0));
/// assert!((s.sd.unwrap() - 1.290_994_448_735_805_6).abs() < 1e-12); // √(5/3)
/// assert!((s.p95 - 3.85).abs() < 1e-12); // 3 + 0.85 · (4 − 3)
/// assert_eq!(Stats::of(&[]), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Values in the sample.
    pub n: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (denominator n − 1); `None` when n = 1.
    pub sd: Option<f64>,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// 95th percentile, linear interpolation between closest ranks ([`quantile`]).
    pub p95: f64,
}

impl Stats {
    /// The statistics of `values`, in any order; non-finite values are left out. `None` when
    /// no finite value remains.
    pub fn of(values: &[f64]) -> Option<Stats> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let mean = v.iter().sum::<f64>() / n as f64;
        let sd = (n > 1).then(|| {
            let ss: f64 = v.iter().map(|x| (x - mean) * (x - mean)).sum();
            (ss / (n - 1) as f64).sqrt()
        });
        Some(Stats {
            n,
            mean,
            sd,
            min: v[0],
            max: v[n - 1],
            p95: quantile(&v, 0.95),
        })
    }
}

/// The `p`-quantile (0 ≤ p ≤ 1) of `sorted` (ascending, finite, not empty) by linear
/// interpolation between closest ranks (Hyndman & Fan 1996, definition 7; `numpy.quantile`'s
/// default): with h = (n − 1)·p, Q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎), indices from 0.
/// Q(0) is the minimum, Q(1) the maximum; p outside [0, 1] is clamped. NaN for an empty slice.
///
/// ```
/// use aman_analysis::stats::quantile;
/// let x: Vec<f64> = (1..=20).map(f64::from).collect();
/// assert!((quantile(&x, 0.95) - 19.05).abs() < 1e-12); // numpy.percentile(range(1, 21), 95)
/// assert_eq!(quantile(&x, 0.5), 10.5);
/// assert_eq!(quantile(&[7.0], 0.95), 7.0);
/// ```
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Figures of 1, 2, …, 20 as NumPy gives them (`np.mean`, `np.std(ddof=1)`,
    /// `np.percentile(…, 95)`).
    #[test]
    fn one_to_twenty_as_numpy() {
        let x: Vec<f64> = (1..=20).rev().map(f64::from).collect();
        let s = Stats::of(&x).unwrap();
        assert_eq!(s.n, 20);
        assert_eq!(s.mean, 10.5);
        assert!((s.sd.unwrap() - 35f64.sqrt()).abs() < 1e-12); // Σ(x − 10.5)² = 665, /19 = 35
        assert_eq!((s.min, s.max), (1.0, 20.0));
        assert!((s.p95 - 19.05).abs() < 1e-12);
    }

    /// Evacuation times of five runs: p95 lies between the two largest.
    #[test]
    fn five_evacuation_times() {
        let s = Stats::of(&[771.2, 760.0, 802.5, 755.1, 790.0]).unwrap();
        assert!((s.mean - 775.76).abs() < 1e-9);
        // sorted 755.1 760.0 771.2 790.0 802.5; h = 4 · 0.95 = 3.8 → 790 + 0.8 · 12.5 = 800.0
        assert!((s.p95 - 800.0).abs() < 1e-9);
        // Σ(x − x̄)² = 1613.812, /4 = 403.453
        assert!((s.sd.unwrap() - 403.453f64.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn one_value_has_no_sd_and_non_finite_values_are_left_out() {
        let s = Stats::of(&[f64::NAN, 4.0, f64::INFINITY]).unwrap();
        assert_eq!(
            (s.n, s.mean, s.sd, s.min, s.max, s.p95),
            (1, 4.0, None, 4.0, 4.0, 4.0)
        );
        assert_eq!(Stats::of(&[f64::NAN]), None);
        assert!(quantile(&[], 0.5).is_nan());
        assert_eq!(quantile(&[1.0, 3.0], 2.0), 3.0);
    }
}
