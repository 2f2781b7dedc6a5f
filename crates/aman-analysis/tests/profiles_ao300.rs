//! Density and speed profiles on the AO300 wide bottleneck (348 persons, 959 frames, 16 fps),
//! against PedPy 1.5.1 and JPSreport's frame-110 profile fields.
//!
//! PedPy reference values: run once with `/work/main/.venv` (PedPy 1.5.1) on
//! `traj_AO_300.txt` with the walkable area of PedPy's reference test (floor at y = −8.5), grid
//! size 0.2 m (74 × 32 cells):
//! - `np.mean(compute_density_profile(data=traj.data, walkable_area=wa, grid_size=0.2,
//!   density_method=DensityMethod.CLASSIC), axis=0)`, and the same with
//!   `DensityMethod.GAUSSIAN, gaussian_width=0.5`;
//! - with `sp = compute_individual_speed(traj_data=traj, frame_step=5,
//!   speed_calculation=SpeedCalculation.BORDER_SINGLE_SIDED)` merged on id and frame:
//!   `np.nanmean(compute_speed_profile(..., speed_method=SpeedMethod.MEAN), axis=0)` and
//!   `np.mean(compute_speed_profile(..., speed_method=SpeedMethod.GAUSSIAN,
//!   gaussian_width=0.5), axis=0)`;
//! - PedPy's `reference_test.py::test_profiles` set-up for the Voronoi profiles: frames 105–125,
//!   `compute_individual_voronoi_polygons(cut_off=Cutoff(radius=0.8, quad_segments=3))`, speed
//!   frame_step 5 single-sided, then `compute_profiles(grid_size=0.2, speed_method=ARITHMETIC |
//!   VORONOI)` on frames 110–120.
//!
//! Timings of PedPy on this machine (2 shared cores, best of 3 at low load): classic 0.132 s,
//! Gaussian density 0.150 s, mean speed 0.262 s, Gaussian speed 5.65 s (all 959 frames);
//! Voronoi profiles 5.8 s for 11 frames (each of `compute_density_profile` VORONOI and
//! `compute_speed_profile` VORONOI / ARITHMETIC). aman, release build, same conditions:
//! 1.8 ms, 11.6 ms, 3.1 ms, 167 ms, 1.3 ms. The times printed by this test are of the test
//! profile and vary with the load of the machine.

mod testdata;

use std::time::{Duration, Instant};

use aman_analysis::TrajectoryIndex;
use aman_analysis::profiles::{
    DensityMethod, GaussianField, Profile, SpeedMethod, density_profile, speed_profile,
};
use aman_analysis::speed::{SpeedBorder, individual_velocity};
use aman_analysis::voronoi::{Cutoff, individual_voronoi_cells};
use aman_geometry::import::walkable_area_from_wkt;
use aman_geometry::{Vec2, WalkableArea};
use aman_trajectory::{ReadOptions, TrajectoryData, read_trajectory};

fn ao300() -> (TrajectoryData, WalkableArea) {
    let path = testdata::dir("hermes2009-AO300-wide-bottleneck").join("traj_AO_300.txt");
    let data = read_trajectory(&path, &ReadOptions::default())
        .unwrap()
        .data;
    let area = walkable_area_from_wkt(
        "POLYGON ((4 6.25, 4 0.53, 2.4 0.53, 2.4 -0.53, 4 -0.53, 4 -8.5, -2.25 -8.5, \
         -2.25 -0.53, -0.6 -0.53, -0.6 0.53, -2.25 0.53, -2.25 6.25, 4 6.25))",
        "ao300",
    )
    .unwrap();
    (data, area)
}

/// Best of `n` runs of `f` and its result.
fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> (T, Duration) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..n {
        let start = Instant::now();
        out = Some(f());
        best = best.min(start.elapsed());
    }
    (out.unwrap(), best)
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol || (got.is_nan() && want.is_nan()),
        "{what}: {got} but PedPy gives {want}"
    );
}

fn nan_sum(v: &[f64]) -> f64 {
    v.iter().filter(|x| !x.is_nan()).sum()
}

fn argmax(v: &[f64]) -> (usize, f64) {
    v.iter().copied().enumerate().fold(
        (0, f64::NEG_INFINITY),
        |b, (i, x)| if x > b.1 { (i, x) } else { b },
    )
}

fn at(p: &Profile, cells: &[f64], r: usize, c: usize) -> f64 {
    cells[p.grid.index(r, c)]
}

#[test]
fn classic_and_gaussian_density() {
    let (data, area) = ao300();
    let ix = TrajectoryIndex::new(&data).unwrap();

    let (p, t) = best_of(3, || {
        density_profile(&ix, &area, 0.2, DensityMethod::Classic, ..).unwrap()
    });
    assert_eq!(
        (p.grid.rows(), p.grid.cols(), p.frames.len()),
        (74, 32, 959)
    );
    let m = p.mean();
    close(m.iter().sum(), 3357.2210636079244, 1e-9, "classic sum");
    let (i, max) = argmax(&m);
    assert_eq!(i, p.grid.index(45, 12));
    close(max, 6.647549530761209, 1e-12, "classic max");
    close(
        at(&p, &m, 30, 10),
        2.0594369134515116,
        1e-12,
        "classic (30, 10)",
    );
    close(
        at(&p, &m, 40, 15),
        4.040667361835244,
        1e-12,
        "classic (40, 15)",
    );
    close(
        at(&p, &m, 45, 16),
        2.9979144942648586,
        1e-12,
        "classic (45, 16)",
    );
    close(
        at(&p, &m, 60, 5),
        0.44316996871741393,
        1e-12,
        "classic (60, 5)",
    );
    eprintln!("classic density profile, 959 frames: {t:?} (PedPy 0.132 s)");

    let (p, t) = best_of(3, || {
        density_profile(&ix, &area, 0.2, DensityMethod::Gaussian { fwhm: 0.5 }, ..).unwrap()
    });
    let m = p.mean();
    close(m.iter().sum(), 3344.436706934054, 1e-8, "Gaussian sum");
    let (i, max) = argmax(&m);
    assert_eq!(i, p.grid.index(38, 9));
    close(max, 4.2554198030101755, 1e-10, "Gaussian max");
    close(
        at(&p, &m, 30, 10),
        2.4117272094144515,
        1e-10,
        "Gaussian (30, 10)",
    );
    close(
        at(&p, &m, 40, 15),
        3.996918532934513,
        1e-10,
        "Gaussian (40, 15)",
    );
    close(
        at(&p, &m, 45, 16),
        3.5350784878867674,
        1e-10,
        "Gaussian (45, 16)",
    );
    close(
        at(&p, &m, 60, 5),
        1.0416092888753101,
        1e-10,
        "Gaussian (60, 5)",
    );
    eprintln!("Gaussian density profile, 959 frames: {t:?} (PedPy 0.150 s)");
}

/// The one-frame field (the live heat map's) frame by frame: its mean over the 959 frames is
/// PedPy's Gaussian density profile, as in [`classic_and_gaussian_density`].
#[test]
fn gaussian_field_of_each_frame_is_pedpys_profile() {
    let (data, area) = ao300();
    let ix = TrajectoryIndex::new(&data).unwrap();
    let (lo, hi) = area.bounds();
    let field = GaussianField::new(lo, hi, 0.2, 0.5).unwrap();
    assert_eq!((field.grid().rows(), field.grid().cols()), (74, 32));
    let mut sum = vec![0.0; field.grid().len()];
    let mut out = Vec::new();
    for k in 0..ix.frames().len() {
        let points = ix.frame_rows(k).map(|r| Vec2::new(data.x[r], data.y[r]));
        field.evaluate(points, &mut out);
        for (s, v) in sum.iter_mut().zip(&out) {
            *s += v;
        }
    }
    let m: Vec<f64> = sum.iter().map(|s| s / 959.0).collect();
    close(m.iter().sum(), 3344.436706934054, 1e-8, "Gaussian sum");
    let (i, max) = argmax(&m);
    assert_eq!(i, field.grid().index(38, 9));
    close(max, 4.2554198030101755, 1e-10, "Gaussian max");
    close(
        m[field.grid().index(45, 16)],
        3.5350784878867674,
        1e-10,
        "Gaussian (45, 16)",
    );
    // Nobody: zero everywhere; bad sizes are refused.
    field.evaluate(std::iter::empty(), &mut out);
    assert!(out.iter().all(|v| *v == 0.0));
    assert!(GaussianField::new(lo, hi, 0.2, 0.0).is_err());
    assert!(GaussianField::new(lo, hi, f64::NAN, 0.5).is_err());
}

#[test]
fn mean_and_gaussian_speed() {
    let (data, area) = ao300();
    let ix = TrajectoryIndex::new(&data).unwrap();
    let speed = individual_velocity(&ix, 5, SpeedBorder::SingleSided)
        .unwrap()
        .speed;

    let (p, t) = best_of(3, || {
        speed_profile(
            &ix,
            &area,
            0.2,
            &speed,
            SpeedMethod::Mean { fill: f64::NAN },
            ..,
        )
        .unwrap()
    });
    assert_eq!(p.frames.len(), 959);
    let m = p.nan_mean();
    close(nan_sum(&m), 1091.28780360997, 1e-8, "mean speed nansum");
    assert_eq!(m.iter().filter(|v| v.is_nan()).count(), 514);
    close(
        at(&p, &m, 30, 10),
        0.7971162925041607,
        1e-12,
        "mean speed (30, 10)",
    );
    close(
        at(&p, &m, 40, 15),
        0.36454791123715613,
        1e-12,
        "mean speed (40, 15)",
    );
    close(
        at(&p, &m, 45, 16),
        0.2919504210698295,
        1e-12,
        "mean speed (45, 16)",
    );
    close(
        at(&p, &m, 60, 5),
        0.2854783941887557,
        1e-12,
        "mean speed (60, 5)",
    );
    eprintln!("mean speed profile, 959 frames: {t:?} (PedPy 0.262 s)");

    let (p, t) = best_of(2, || {
        speed_profile(
            &ix,
            &area,
            0.2,
            &speed,
            SpeedMethod::Gaussian { fwhm: 0.5 },
            ..,
        )
        .unwrap()
    });
    // numpy.mean: a cell NaN in any frame (every weight underflowed) is NaN. Per frame, aman
    // and PedPy agree to 1e-14 and have the same NaN cells (68 437 of 2.27 M values), except
    // in 237 values far from everyone (min ‖r_i − c‖²/2σ² in 733…745) where PedPy's weights
    // are subnormal and lose precision: there aman equals the exactly rescaled weighted mean
    // to 1e-14 (checked once with numpy); those cells are NaN in the mean.
    let m = p.mean();
    assert_eq!(m.iter().filter(|v| v.is_nan()).count(), 1080);
    close(
        nan_sum(&m),
        1199.7284895859307,
        1e-8,
        "Gaussian speed nansum",
    );
    close(
        at(&p, &m, 30, 10),
        0.784916404393701,
        1e-10,
        "Gaussian speed (30, 10)",
    );
    close(
        at(&p, &m, 40, 15),
        0.4502488470545506,
        1e-10,
        "Gaussian speed (40, 15)",
    );
    close(
        at(&p, &m, 0, 0),
        1.1769136881103703,
        1e-10,
        "Gaussian speed (0, 0)",
    );
    assert!(at(&p, &m, 45, 16).is_nan() && at(&p, &m, 73, 31).is_nan());
    let f500 = p.frame_of(500).unwrap();
    close(
        f500[p.grid.index(45, 16)],
        0.20596231568130935,
        1e-10,
        "frame 500 (45, 16)",
    );
    eprintln!("Gaussian speed profile, 959 frames: {t:?} (PedPy 5.65 s)");
}

fn read_field(name: &str) -> Vec<f64> {
    let path = testdata::dir("hermes2009-AO300-wide-bottleneck")
        .join("jpsreport_results/Fundamental_Diagram/Classical_Voronoi/field")
        .join(name);
    std::fs::read_to_string(path)
        .unwrap()
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect()
}

/// PedPy's reference test for profiles: frame 110 against JPSreport's fields (which are
/// rounded to 0.001; PedPy's reference test accepts 0.01), and the PedPy values themselves.
#[test]
fn voronoi_profiles_against_jpsreport_and_pedpy() {
    let (full, area) = ao300();
    let mut data = TrajectoryData::new(full.frame_rate);
    for r in 0..full.len() {
        if (105..=125).contains(&full.frame[r]) {
            data.push(full.id[r], full.frame[r], full.x[r], full.y[r]);
        }
    }
    let ix = TrajectoryIndex::new(&data).unwrap();
    // PedPy 1.5.1 ignores its use_blind_points argument: `true` is PedPy 1.5.1 here.
    let cells = individual_voronoi_cells(&ix, &area, Some(Cutoff::new(0.8, 3)), true).unwrap();
    let speed = individual_velocity(&ix, 5, SpeedBorder::SingleSided)
        .unwrap()
        .speed;

    let (dens, t_dens) = best_of(3, || {
        density_profile(&ix, &area, 0.2, DensityMethod::Voronoi(&cells), 110..=120).unwrap()
    });
    let (vor, t_vor) = best_of(3, || {
        speed_profile(
            &ix,
            &area,
            0.2,
            &speed,
            SpeedMethod::Voronoi(&cells),
            110..=120,
        )
        .unwrap()
    });
    let (ari, t_ari) = best_of(3, || {
        speed_profile(
            &ix,
            &area,
            0.2,
            &speed,
            SpeedMethod::Arithmetic(&cells),
            110..=120,
        )
        .unwrap()
    });
    assert_eq!(dens.frames, (110..=120).collect::<Vec<u64>>());
    assert_eq!((dens.grid.rows(), dens.grid.cols()), (74, 32));

    for (name, profile, file, pedpy_sum) in [
        (
            "density",
            &dens,
            "density/Profile_rho_Voronoi_traj.txt_00110.dat",
            5124.999999999991,
        ),
        (
            "arithmetic speed",
            &ari,
            "velocity/Profile_v_Arithmetic_traj.txt_00110.dat",
            1353.976726507355,
        ),
        (
            "Voronoi speed",
            &vor,
            "velocity/Profile_v_Voronoi_traj.txt_00110.dat",
            1252.8763171902065,
        ),
    ] {
        let jps = read_field(file);
        let ours = profile.frame_of(110).unwrap();
        assert_eq!(jps.len(), ours.len());
        let worst = ours
            .iter()
            .zip(&jps)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        // PedPy vs JPSreport: max |diff| 0.000498 (density), 0.000499 (arithmetic), 0.0005
        // (Voronoi speed): JPSreport's rounding.
        assert!(
            worst <= 0.000501,
            "{name}: max |ours − JPSreport| = {worst}"
        );
        close(ours.iter().sum(), pedpy_sum, 1e-6, name);
        eprintln!("{name}, frame 110: max |aman − JPSreport| = {worst:.6}");
    }
    let f = |p: &Profile, r, c| p.frame_of(110).unwrap()[p.grid.index(r, c)];
    for (r, c, d, a, v) in [
        (
            10,
            12,
            1.3409006951753302,
            1.511129090987238,
            1.5127543657420401,
        ),
        (
            40,
            10,
            5.367119230722691,
            0.3456452689651664,
            0.2924932140534616,
        ),
        (
            45,
            11,
            4.016434684554083,
            0.3458803007551955,
            0.32419491347803714,
        ),
        (
            50,
            15,
            3.261182860629227,
            0.4204711715365342,
            0.39214506585554526,
        ),
        (
            60,
            20,
            3.8091753603089296,
            0.2552225770970717,
            0.26247450051123306,
        ),
    ] {
        close(f(&dens, r, c), d, 1e-7, "Voronoi density cell");
        close(f(&ari, r, c), a, 1e-9, "arithmetic speed cell");
        close(f(&vor, r, c), v, 1e-7, "Voronoi speed cell");
    }
    // Means over the 11 frames.
    close(
        dens.mean().iter().sum(),
        5238.636363636355,
        1e-6,
        "density mean sum",
    );
    close(
        vor.mean().iter().sum(),
        1285.3381668142183,
        1e-6,
        "Voronoi speed mean sum",
    );
    close(
        ari.mean().iter().sum(),
        1385.219566915192,
        1e-6,
        "arithmetic mean sum",
    );
    eprintln!(
        "Voronoi profiles, 11 frames: density {t_dens:?}, Voronoi speed {t_vor:?}, arithmetic \
         {t_ari:?} (PedPy 5.8 s each)"
    );
}
