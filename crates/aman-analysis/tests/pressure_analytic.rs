//! Helbing's crowd pressure on configurations with a known answer, and bad input.

use aman_analysis::pressure::crowd_pressure;
use aman_analysis::{AnalysisError, TrajectoryIndex};
use aman_geometry::import::walkable_area_from_wkt;
use aman_trajectory::TrajectoryData;

fn square(side: f64) -> aman_geometry::WalkableArea {
    walkable_area_from_wkt(
        &format!("POLYGON ((0 0, {side} 0, {side} {side}, 0 {side}, 0 0))"),
        "square",
    )
    .unwrap()
}

/// A square lattice of spacing `a` over [0, side]², for `frames` frames; row k of the
/// lattice walks at velocity `v(k)`.
fn lattice(
    side: f64,
    a: f64,
    frames: u64,
    v: impl Fn(usize) -> (f64, f64),
) -> (TrajectoryData, Vec<f64>, Vec<f64>) {
    let n = (side / a).round() as usize;
    let mut d = TrajectoryData::new(10.0);
    let (mut vx, mut vy) = (Vec::new(), Vec::new());
    for f in 0..frames {
        for k in 0..n {
            for j in 0..n {
                d.push(
                    (k * n + j) as u64,
                    f,
                    (j as f64 + 0.5) * a,
                    (k as f64 + 0.5) * a,
                );
                let (x, y) = v(k);
                vx.push(x);
                vy.push(y);
            }
        }
    }
    // Rows must be sorted by (frame, id): ids k·n + j ascend within a frame.
    d.check().unwrap();
    (d, vx, vy)
}

#[test]
fn uniform_flow_has_no_pressure() {
    let (d, vx, vy) = lattice(10.0, 0.5, 3, |_| (1.3, -0.4));
    let ix = TrajectoryIndex::new(&d).unwrap();
    let p = crowd_pressure(&ix, &square(10.0), 0.5, 0.8, &vx, &vy, ..).unwrap();
    assert_eq!(p.frames, vec![0, 1, 2]);
    // 0 up to rounding: U = Σ w v / Σ w equals v to the last bit or two.
    let max = p.pressure.iter().copied().fold(0.0, f64::max);
    assert!(max < 1e-20, "uniform flow: P must be 0, got {max}");
    assert!(p.peak().is_none_or(|pk| pk.pressure < 1e-20));
    assert!(p.time_averaged.iter().all(|&v| v.abs() < 1e-12));
}

/// Rows of the lattice walk in opposite directions (lanes of counter-flow): away from the
/// edges the local velocity U is ≈ 0 and every person deviates from it by v0, so
/// Var = v0² and P = ρ v0² with ρ = 1/a² (the Gaussian sum over a lattice of spacing a equals
/// 1/a² up to exp(−π² R² / a²) ≈ 1e-17 for R = 2a; the alternation leaves |U| ≈ v0 ·
/// exp(−π² R² / 4a²) ≈ 5e-5 v0).
#[test]
fn counter_flowing_lanes() {
    let (a, v0, r) = (0.5, 1.2, 1.0);
    let (d, vx, vy) = lattice(
        20.0,
        a,
        2,
        |k| if k % 2 == 0 { (v0, 0.0) } else { (-v0, 0.0) },
    );
    let ix = TrajectoryIndex::new(&d).unwrap();
    let p = crowd_pressure(&ix, &square(20.0), 0.5, r, &vx, &vy, ..).unwrap();
    let expected = v0 * v0 / (a * a); // 5.76 /s²
    // Cells at least 5 R from every edge.
    let mut checked = 0;
    for cell in 0..p.grid.len() {
        let c = p.grid.centre(cell).unwrap();
        if c.x < 5.0 || c.x > 15.0 || c.y < 5.0 || c.y > 15.0 {
            continue;
        }
        for k in 0..2 {
            let got = p.frame(k)[cell];
            assert!(
                ((got - expected) / expected).abs() < 1e-6,
                "cell {cell} at ({}, {}): P = {got}, expected {expected}",
                c.x,
                c.y
            );
        }
        checked += 1;
    }
    assert!(checked > 300, "{checked}");
    // A steady state: the local velocity does not change over time, so the paper's
    // time-averaged pressure (temporal variance of U) is 0.
    assert!(p.time_averaged.iter().all(|&v| v.abs() < 1e-12));
    let peak = p.peak().unwrap();
    assert!(peak.pressure >= expected * (1.0 - 1e-6));
    assert_eq!(peak.frame, 0); // the same in both frames: the earliest
}

/// Two persons at one place walking in opposite directions: U = 0, Var = v², and
/// P = 2 f(d) v² with f(d) = exp(−d²/R²) / (π R²) at distance d from them.
#[test]
fn two_opposite_walkers() {
    let mut d = TrajectoryData::new(10.0);
    d.push(1, 0, 2.25, 2.25);
    d.push(2, 0, 2.25, 2.25);
    let ix = TrajectoryIndex::new(&d).unwrap();
    let (v, r) = (1.5, 0.7);
    let p = crowd_pressure(&ix, &square(6.0), 0.5, r, &[v, -v], &[0.0, 0.0], ..).unwrap();
    for cell in 0..p.grid.len() {
        let c = p.grid.centre(cell).unwrap();
        let d2 = (c.x - 2.25).powi(2) + (c.y - 2.25).powi(2);
        let f = (-d2 / (r * r)).exp() / (std::f64::consts::PI * r * r);
        let expected = if d2.sqrt() > 6.0 * r {
            0.0
        } else {
            2.0 * f * v * v
        };
        assert!((p.frame(0)[cell] - expected).abs() < 1e-12, "{cell}");
    }
    // Cells beyond the cut-off 6 R = 4.2 m see nobody: P = 0.
    assert_eq!(p.frame(0)[p.grid.index(0, 11)], 0.0); // centre (5.75, 5.75), 4.95 m away
}

#[test]
fn persons_without_velocity_count_for_the_density_only() {
    let mut d = TrajectoryData::new(10.0);
    d.push(1, 0, 1.0, 1.0);
    d.push(2, 0, 1.0, 1.0);
    d.push(3, 0, 1.0, 1.0);
    let ix = TrajectoryIndex::new(&d).unwrap();
    let nan = f64::NAN;
    let p = crowd_pressure(
        &ix,
        &square(2.0),
        1.0,
        1.0,
        &[1.0, -1.0, nan],
        &[0.0, 0.0, 0.0],
        ..,
    )
    .unwrap();
    // ρ counts 3 persons, the variance (= 1) only the two with a velocity.
    let f = (-0.5f64).exp() / std::f64::consts::PI;
    assert!((p.frame(0)[0] - 3.0 * f).abs() < 1e-12);
    // Nobody with a velocity: NaN.
    let p = crowd_pressure(&ix, &square(2.0), 1.0, 1.0, &[nan; 3], &[nan; 3], ..).unwrap();
    assert!(p.frame(0).iter().all(|v| v.is_nan()));
    assert!(p.peak().is_none());
}

#[test]
fn bad_and_empty_input() {
    let empty = TrajectoryData::new(10.0);
    let ix = TrajectoryIndex::new(&empty).unwrap();
    let p = crowd_pressure(&ix, &square(2.0), 0.5, 1.0, &[], &[], ..).unwrap();
    assert!(p.frames.is_empty() && p.pressure.is_empty() && p.peak().is_none());
    assert!(p.time_averaged.iter().all(|v| v.is_nan()));

    let mut d = TrajectoryData::new(10.0);
    d.push(1, 0, 1.0, 1.0);
    let ix = TrajectoryIndex::new(&d).unwrap();
    for r in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let e = crowd_pressure(&ix, &square(2.0), 0.5, r, &[0.0], &[0.0], ..).unwrap_err();
        assert!(
            matches!(
                e,
                AnalysisError::InvalidLength {
                    name: "smoothing length R",
                    ..
                }
            ),
            "{e}"
        );
    }
    for c in [0.0, -0.5, f64::NAN] {
        let e = crowd_pressure(&ix, &square(2.0), c, 1.0, &[0.0], &[0.0], ..).unwrap_err();
        assert!(matches!(e, AnalysisError::InvalidCellSize { .. }), "{e}");
    }
    let e = crowd_pressure(&ix, &square(2.0), 1e-4, 1.0, &[0.0], &[0.0], ..).unwrap_err();
    assert!(matches!(e, AnalysisError::GridTooLarge { .. }), "{e}");
    let e = crowd_pressure(&ix, &square(2.0), 0.5, 1.0, &[0.0, 1.0], &[0.0], ..).unwrap_err();
    assert_eq!(
        e,
        AnalysisError::LengthMismatch {
            what: "vx",
            len: 2,
            rows: 1
        }
    );
    let e = crowd_pressure(&ix, &square(2.0), 0.5, 1.0, &[0.0], &[], ..).unwrap_err();
    assert!(
        matches!(e, AnalysisError::LengthMismatch { what: "vy", .. }),
        "{e}"
    );
    // Frames outside the range: no frames.
    let p = crowd_pressure(&ix, &square(2.0), 0.5, 1.0, &[0.0], &[0.0], 5..).unwrap();
    assert!(p.frames.is_empty());
}
