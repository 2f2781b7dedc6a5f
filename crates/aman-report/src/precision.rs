//! The precision of the geometric figures aman writes.
//!
//! A length computed from coordinates carries floating-point noise: the line from x = 10.3 to
//! x = 11.5 is `11.5 - 10.3 = 1.1999999999999993` m long, and a cell centre `origin + 2.5 ·
//! cell` ends in …0000001. Written out, such a figure looks like a measurement of a
//! millionth of a nanometre. Every geometric length, coordinate and area that `simulate` and
//! `analyze` write (summary.json, CSV) is therefore rounded to 6 decimals: 1 µm for lengths and
//! coordinates in metres, 1 mm² (10⁻⁶ m²) for areas. Computations keep full precision; only the
//! written figure is rounded. The simulated times of `simulate`'s summary.json (evacuation
//! time, 50 % and 90 % times, first and last exit, time of the peak density) are sums of time
//! steps, `82 × 0.01 = 0.8200000000000001` s: they are rounded the same way, to 1 µs. Values beyond ±10⁹ (not produced by valid input) and
//! non-finite values are written unchanged.

use serde::Serializer;

/// `v` rounded to 6 decimals (1 µm in metres, 1 mm² in m²): the nearest double to the rounded
/// decimal, so `1.1999999999999993` becomes `1.2` and prints as `1.2`.
pub fn round6(v: f64) -> f64 {
    if !v.is_finite() || v.abs() >= 1e9 {
        return v;
    }
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 { 0.0 } else { r } // no "-0"
}

/// serde `serialize_with` for a length, coordinate or area: [`round6`].
pub fn ser6<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round6(*v))
}

/// serde `serialize_with` for an optional time in seconds or length in metres: [`round6`].
pub fn ser6_opt<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_some(&round6(*v)),
        None => s.serialize_none(),
    }
}

/// serde `serialize_with` for a point `[x, y]` in metres: [`round6`] on each.
pub fn ser6_point<S: Serializer>(v: &[f64; 2], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_some(&[round6(v[0]), round6(v[1])])
}

/// serde `serialize_with` for an optional place and time `(x, y, t)`: x and y by [`round6`],
/// the time as it is.
pub fn ser6_place<S: Serializer>(v: &Option<(f64, f64, f64)>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some((x, y, t)) => s.serialize_some(&(round6(*x), round6(*y), *t)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_removed_and_figures_are_kept() {
        assert_eq!(round6(11.5 - 10.3), 1.2);
        assert_eq!((11.5f64 - 10.3).to_string(), "1.1999999999999993");
        assert_eq!(round6(11.5 - 10.3).to_string(), "1.2");
        assert_eq!(round6(1.2000000000000028).to_string(), "1.2");
        assert_eq!(round6(-2.0 + 2.5 * 0.1).to_string(), "-1.75");
        assert_eq!(round6(-1e-9).to_string(), "0");
        assert_eq!(round6(0.1234564), 0.123456);
        assert_eq!(round6(-2316.64), -2316.64);
        assert_eq!(round6(62975.512345678), 62975.512346);
        assert!(round6(f64::NAN).is_nan());
        assert_eq!(round6(3e9 + 0.1), 3e9 + 0.1);
    }
}
