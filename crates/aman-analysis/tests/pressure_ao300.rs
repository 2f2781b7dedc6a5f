//! Crowd pressure on the AO300 wide bottleneck (348 persons, 16 fps), R = 1 m, 0.5 m cells.
//!
//! Cross-checked once by an independent numpy computation (`/tmp` script, not kept): the
//! trajectory read with pandas, velocities by the same central difference, and for every
//! frame and cell centre the full Gaussian sums over all persons (no cut-off), two-pass
//! variance; for the time average, U(r, t) counted where Σ_j exp(−d_j²/R²) ≥ e⁻⁹ over the
//! persons with a velocity (aman's definition). It gave: peak P = 1.410922784380535 /s² at
//! frame 14, row 13, column 4 (centre (0, −0.5), the bottleneck entrance, as the crowd starts
//! to move); sum of the per-cell peaks 106.08201471203621; P at frame 400, cell (17, 6) =
//! 0.21686527672741404; time-averaged P: max 0.16005236823509644 at cell (16, 9), sum
//! 19.56127922740984.

mod testdata;

use std::time::Instant;

use aman_analysis::TrajectoryIndex;
use aman_analysis::pressure::crowd_pressure;
use aman_geometry::import::walkable_area_from_wkt;
use aman_trajectory::{ReadOptions, read_trajectory};

#[test]
fn ao300_peak_pressure() {
    let path = testdata::dir("hermes2009-AO300-wide-bottleneck").join("traj_AO_300.txt");
    let data = read_trajectory(&path, &ReadOptions::default())
        .unwrap()
        .data;
    let area = walkable_area_from_wkt(
        "POLYGON ((-2.25 -8.5, -2.25 -0.53, -0.6 -0.53, -0.6 0.53, -2.25 0.53, -2.25 6.25, \
         4 6.25, 4 0.53, 2.4 0.53, 2.4 -0.53, 4 -0.53, 4 -8.5, -2.25 -8.5))",
        "ao300",
    )
    .unwrap();
    let ix = TrajectoryIndex::new(&data).unwrap();
    // Central difference over the neighbouring frames of the same person, NaN at track ends.
    let (mut vx, mut vy) = (vec![f64::NAN; data.len()], vec![f64::NAN; data.len()]);
    for t in 0..ix.ids().len() {
        let rows = ix.track(t);
        for w in rows.windows(3) {
            let (a, m, b) = (w[0] as usize, w[1] as usize, w[2] as usize);
            if data.frame[a] + 1 == data.frame[m] && data.frame[m] + 1 == data.frame[b] {
                vx[m] = (data.x[b] - data.x[a]) * data.frame_rate / 2.0;
                vy[m] = (data.y[b] - data.y[a]) * data.frame_rate / 2.0;
            }
        }
    }
    let start = Instant::now();
    let p = crowd_pressure(&ix, &area, 0.5, 1.0, &vx, &vy, ..).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(
        (p.grid.rows(), p.grid.cols(), p.frames.len()),
        (30, 13, 959)
    );

    let peak = p.peak().unwrap();
    assert!(
        (peak.pressure - 1.410922784380535).abs() < 1e-12,
        "{peak:?}"
    );
    assert_eq!((peak.frame, peak.cell), (14, p.grid.index(13, 4)));
    assert_eq!(peak.centre, (0.0, -0.5));
    let sum_peaks: f64 = p.peak.iter().sum();
    assert!((sum_peaks - 106.08201471203621).abs() < 1e-9, "{sum_peaks}");
    let k400 = p.frames.iter().position(|&f| f == 400).unwrap();
    let v = p.frame(k400)[p.grid.index(17, 6)];
    assert!((v - 0.21686527672741404).abs() < 1e-12, "{v}");
    let (i, max_t) = p
        .time_averaged
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, v)| !v.is_nan())
        .fold(
            (0, f64::NEG_INFINITY),
            |b, (i, v)| if v > b.1 { (i, v) } else { b },
        );
    assert_eq!(i, p.grid.index(16, 9));
    assert!((max_t - 0.16005236823509644).abs() < 1e-9, "{max_t}");
    let sum_t: f64 = p.time_averaged.iter().filter(|v| !v.is_nan()).sum();
    assert!((sum_t - 19.56127922740984).abs() < 1e-8, "{sum_t}");
    eprintln!("crowd_pressure, AO300, 959 frames × 390 cells, R = 1 m: {elapsed:?}");
}
