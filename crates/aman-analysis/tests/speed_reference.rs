//! Individual speed, velocity, acceleration and the mean speed in an area on real data,
//! against PedPy 1.5.1 (figures computed with the `.venv` PedPy, call given with each) and
//! JPSreport's classic velocity column.
//!
//! PedPy figures were computed on the same files loaded as `TrajectoryData(data=df,
//! frame_rate=fps)` with columns id, frame, x, y.

#[path = "speed_testdata/mod.rs"]
mod data;

use aman_analysis::TrajectoryIndex;
use aman_analysis::classic::classic_density;
use aman_analysis::speed::{
    SpeedBorder, individual_acceleration, individual_velocity, individual_velocity_along,
    mean_acceleration, mean_speed,
};
use aman_geometry::Vec2;
use data::{AO300_BOTTLENECK, area, close};

const AO300: &str = "hermes2009-AO300-wide-bottleneck";

/// Mean, median (pandas: NaN skipped) and count of the finite values.
fn stats(v: &[f64]) -> (f64, f64, usize) {
    let mut f: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    f.sort_by(f64::total_cmp);
    let n = f.len();
    let mean = f.iter().sum::<f64>() / n as f64;
    let median = if n % 2 == 1 {
        f[n / 2]
    } else {
        (f[n / 2 - 1] + f[n / 2]) / 2.0
    };
    (mean, median, n)
}

fn mean_finite(v: &[f64]) -> f64 {
    stats(v).0
}

#[test]
fn ao300_individual_speed_all_borders() {
    let d = data::load(AO300, "traj_AO_300.txt", None);
    let ix = TrajectoryIndex::new(&d).unwrap();
    // compute_individual_speed(traj_data=t, frame_step=5, compute_velocity=True,
    //     speed_calculation=SpeedCalculation.<border>): rows, speed mean/median, v_x, v_y means.
    let cases = [
        (
            SpeedBorder::Exclude,
            125303,
            0.478757049,
            0.318442369,
            -0.005204446,
            0.418765239,
        ),
        (
            SpeedBorder::Adaptive,
            128087,
            0.483898302,
            0.320190024,
            -0.009061537,
            0.422856671,
        ),
        (
            SpeedBorder::SingleSided,
            128783,
            0.485117195,
            0.320569613,
            -0.009808359,
            0.424029731,
        ),
    ];
    for (border, rows, mean, median, vx, vy) in cases {
        let v = individual_velocity(&ix, 5, border).unwrap();
        let (m, med, n) = stats(&v.speed);
        assert_eq!(n, rows, "{border:?}");
        close(m, mean, 1e-8, "mean speed");
        close(med, median, 1e-8, "median speed");
        close(mean_finite(&v.vx), vx, 1e-8, "mean v_x");
        close(mean_finite(&v.vy), vy, 1e-8, "mean v_y");
        // Person 10 at frame 100 (inside all windows): 1.334714 m/s, v = (−0.09456, 1.33136).
        let t = ix.track_index(10).unwrap();
        let r = ix.row_at(t, 100).unwrap();
        close(v.speed[r], 1.334714, 1e-6, "id 10 frame 100");
        close(v.vx[r], -0.09456, 1e-9, "id 10 frame 100 v_x");
        close(v.vy[r], 1.33136, 1e-9, "id 10 frame 100 v_y");
        // Person 10 at frames 0 and 3 (border): PedPy values per method.
        let (r0, r3) = (ix.row_at(t, 0).unwrap(), ix.row_at(t, 3).unwrap());
        match border {
            SpeedBorder::Exclude => assert!(v.speed[r0].is_nan() && v.speed[r3].is_nan()),
            SpeedBorder::Adaptive => {
                assert!(v.speed[r0].is_nan());
                close(v.speed[r3], 0.032306, 1e-6, "adaptive frame 3");
                close(v.vx[r3], 0.0016, 1e-9, "adaptive frame 3 v_x");
            }
            SpeedBorder::SingleSided => {
                close(v.speed[r0], 0.032478, 1e-6, "single-sided frame 0");
                close(v.vy[r0], 0.03232, 1e-9, "single-sided frame 0 v_y");
                close(v.speed[r3], 0.037527, 1e-6, "single-sided frame 3");
            }
        }
    }
}

#[test]
fn ao300_movement_direction_and_acceleration() {
    let d = data::load(AO300, "traj_AO_300.txt", None);
    let ix = TrajectoryIndex::new(&d).unwrap();
    // compute_individual_speed(frame_step=5, movement_direction=np.array([0.0, 1.0]),
    //     compute_velocity=True, speed_calculation=BORDER_ADAPTIVE): mean 0.422856671,
    //     min −0.30752, mean v_x 0, mean v_y 0.422856671.
    let v = individual_velocity_along(&ix, 5, SpeedBorder::Adaptive, Vec2::new(0.0, 1.0)).unwrap();
    close(mean_finite(&v.speed), 0.422856671, 1e-8, "projected speed");
    let min = v
        .speed
        .iter()
        .copied()
        .filter(|x| !x.is_nan())
        .fold(f64::INFINITY, f64::min);
    close(min, -0.30752, 1e-9, "min projected speed");
    close(mean_finite(&v.vx), 0.0, 1e-12, "projected v_x");
    close(mean_finite(&v.vy), 0.422856671, 1e-8, "projected v_y");
    // A non-unit direction names the same direction (PedPy would scale by |d|³).
    let w = individual_velocity_along(&ix, 5, SpeedBorder::Adaptive, Vec2::new(0.0, 3.0)).unwrap();
    close(
        mean_finite(&w.speed),
        0.422856671,
        1e-8,
        "normalised direction",
    );

    // compute_individual_acceleration(traj_data=t, frame_step=5,
    //     compute_acceleration_components=True): 125303 rows, mean 0.627643441,
    //     median 0.574850836, a_x −0.017097130, a_y 0.046535559.
    let a = individual_acceleration(&ix, 5, None).unwrap();
    let (m, med, n) = stats(&a.acceleration);
    assert_eq!(n, 125303);
    close(m, 0.627643441, 1e-8, "mean acceleration");
    close(med, 0.574850836, 1e-8, "median acceleration");
    close(mean_finite(&a.ax), -0.017097130, 1e-8, "a_x");
    close(mean_finite(&a.ay), 0.046535559, 1e-8, "a_y");
    // ... movement_direction=np.array([0.0, 1.0]): mean 0.046535559.
    let a = individual_acceleration(&ix, 5, Some(Vec2::new(0.0, 1.0))).unwrap();
    close(
        mean_finite(&a.acceleration),
        0.046535559,
        1e-8,
        "projected acceleration",
    );
    let in_area = mean_acceleration(&ix, &a.acceleration, &area(&AO300_BOTTLENECK)).unwrap();
    assert_eq!(in_area.values.len(), 959);
}

/// Mean speed in the area vs JPSreport's `rho_v_Classic` velocity column: JPSreport's
/// `frame_step` with PedPy's single-sided border (as PedPy's reference_test.py does).
fn check_classic_speed(
    folder: &str,
    traj: &str,
    jps_file: &str,
    corners: &[(f64, f64)],
    pedpy_mean: f64,
) {
    let d = data::load(folder, traj, None);
    let ix = TrajectoryIndex::new(&d).unwrap();
    let v = individual_velocity(&ix, 5, SpeedBorder::SingleSided).unwrap();
    let ms = mean_speed(&ix, &v.speed, &area(corners)).unwrap();
    // compute_mean_speed_per_frame(individual_speed=compute_individual_speed(frame_step=5,
    //     speed_calculation=BORDER_SINGLE_SIDED), ...).speed.mean()
    close(
        ms.mean().unwrap(),
        pedpy_mean,
        1e-6,
        "mean speed over all frames",
    );
    let jps = data::jps(folder, jps_file);
    let frames: Vec<u64> = jps[0].iter().map(|&f| f as u64).collect();
    assert_eq!(ms.frames, frames);
    let max = ms
        .values
        .iter()
        .zip(&jps[2])
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    // JPSreport writes 3 decimals: ≤ 0.0005 is exact agreement.
    assert!(max <= 0.0005 + 1e-9, "max |ours − JPSreport| = {max}");
    close(mean_finite(&jps[2]), pedpy_mean, 1e-4, "JPSreport mean");
}

#[test]
fn ao300_classic_speed_matches_jpsreport() {
    check_classic_speed(
        AO300,
        "traj_AO_300.txt",
        "Classical_Voronoi/rho_v_Classic_traj.txt_id_1.dat",
        &AO300_BOTTLENECK,
        0.677753,
    );
}

#[test]
fn corner_classic_speed_matches_jpsreport() {
    check_classic_speed(
        "jpsreport-reftest-corner",
        "traj.txt",
        "Classical_Voronoi/rho_v_Classic_traj.txt_id_1.dat",
        &[(0.0, 0.0), (-3.0, 0.0), (-3.0, 2.0), (0.0, 2.0)],
        1.060473,
    );
}

/// Mean of the mean speed over the frames with somebody inside (classic density > 0).
fn occupied_mean(ix: &TrajectoryIndex<'_>, speeds: &[f64], corners: &[(f64, f64)]) -> f64 {
    let a = area(corners);
    let ms = mean_speed(ix, speeds, &a).unwrap();
    let rho = classic_density(ix, &a).unwrap();
    let occupied: Vec<f64> = ms
        .values
        .iter()
        .zip(&rho.values)
        .filter(|(_, r)| **r > 0.0)
        .map(|(v, _)| *v)
        .collect();
    mean_finite(&occupied)
}

#[test]
fn t_junction_mean_speed_over_occupied_frames() {
    let d = data::load(
        "hermes2009-T-junction-KO-240-050-240",
        "traj_KO_240_050_240.txt",
        None,
    );
    let ix = TrajectoryIndex::new(&d).unwrap();
    let corners = [(-2.4, 1.0), (-2.4, 3.0), (0.0, 3.0), (0.0, 1.0)];
    // SOURCE.md: 1.3116 m/s, frame_step not stated. PedPy reproduces it with frame_step=5,
    // BORDER_SINGLE_SIDED (1.311628; frame_step=10 gives 1.304865, the ini's value).
    let v = individual_velocity(&ix, 5, SpeedBorder::SingleSided).unwrap();
    close(
        occupied_mean(&ix, &v.speed, &corners),
        1.311628,
        1e-6,
        "fs 5",
    );
    let v = individual_velocity(&ix, 10, SpeedBorder::SingleSided).unwrap();
    close(
        occupied_mean(&ix, &v.speed, &corners),
        1.304865,
        1e-6,
        "fs 10",
    );
}

#[test]
fn madras_speeds() {
    let corners = [(-2.0, 1.5), (0.0, 1.5), (0.0, 4.5), (-2.0, 4.5)];
    // SOURCE.md table; PedPy: compute_individual_speed(frame_step=15,
    //     speed_calculation=BORDER_SINGLE_SIDED); mean speed over occupied frames, median of
    //     the individual speeds (NaN for tracks of ≤ 15 rows: 172 and 46 rows).
    for (file, occupied, median, nan) in [
        ("Topview_2E.txt", 0.905098, 0.795484, 172),
        ("Topview_2F.txt", 1.019750, 1.029055, 46),
    ] {
        let d = data::load("madras-lyon2022-festival-of-lights", file, Some(30.0));
        let ix = TrajectoryIndex::new(&d).unwrap();
        let v = individual_velocity(&ix, 15, SpeedBorder::SingleSided).unwrap();
        let (_, med, n) = stats(&v.speed);
        assert_eq!(d.len() - n, nan, "{file}");
        close(med, median, 1e-6, file);
        close(occupied_mean(&ix, &v.speed, &corners), occupied, 1e-6, file);
    }
}

#[test]
fn eth_median_speed() {
    let d = data::load_eth();
    let ix = TrajectoryIndex::new(&d).unwrap();
    // compute_individual_speed(frame_step=1, speed_calculation=BORDER_SINGLE_SIDED):
    // median 1.470142, mean 1.378585.
    let v = individual_velocity(&ix, 1, SpeedBorder::SingleSided).unwrap();
    let (mean, median, n) = stats(&v.speed);
    assert_eq!(n, d.len());
    close(median, 1.470142, 1e-6, "median");
    close(mean, 1.378585, 1e-6, "mean");
}
