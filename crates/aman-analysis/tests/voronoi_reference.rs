//! Voronoi density and speed against PedPy 1.5.1 and the JPSreport reference results on the
//! real data of the shared folder: the AO300 wide bottleneck, the L-shaped corner and the
//! T-junction.
//!
//! PedPy figures come from PedPy 1.5.1 (shapely 2.2.0, GEOS 3.14.1) with
//! `traj = load_trajectory(trajectory_file=…, default_unit=TrajectoryUnit.METER)`,
//! `iv = compute_individual_voronoi_polygons(traj_data=traj, walkable_area=WalkableArea(WKT))`
//! (plus `cut_off=Cutoff(radius=0.8, quad_segments=3)` where stated) and
//! `density, _ = compute_voronoi_density(individual_voronoi_data=iv, measurement_area=…)`; the
//! speeds from `compute_individual_speed(traj_data=traj, frame_step=5,
//! speed_calculation=SpeedCalculation.BORDER_SINGLE_SIDED)` and `compute_voronoi_speed(…)`.
//! JPSreport files are those PedPy's `tests/reference_tests/reference_test.py` compares with
//! (at atol 0.01); they are printed with 3 decimals, so agreement within 0.0005 is exact.

mod voronoi_support;

use aman_analysis::index::{FrameSeries, TrajectoryIndex};
use aman_analysis::voronoi::{
    Cutoff, VoronoiCells, individual_voronoi_cells, voronoi_density, voronoi_speed,
};
use aman_trajectory::TrajectoryData;
use voronoi_support::{AO300, CORNER, Case, T_JUNCTION, single_sided_velocity};

struct Run {
    data: TrajectoryData,
    case: &'static Case,
}

impl Run {
    fn new(case: &'static Case) -> Self {
        Run {
            data: case.data(),
            case,
        }
    }
    fn index(&self) -> TrajectoryIndex<'_> {
        TrajectoryIndex::new(&self.data).unwrap()
    }
    fn cells(&self, cut: Option<Cutoff>, blind: bool) -> VoronoiCells {
        individual_voronoi_cells(&self.index(), &self.case.walkable(), cut, blind).unwrap()
    }
    fn density(&self, cells: &VoronoiCells) -> FrameSeries {
        voronoi_density(&self.index(), cells, &self.case.area())
            .unwrap()
            .0
    }
    fn speed(&self, cells: &VoronoiCells) -> FrameSeries {
        let index = self.index();
        let (speed, _) = single_sided_velocity(&index, 5);
        voronoi_speed(&index, cells, &speed, &self.case.area()).unwrap()
    }
    /// The area of person `id`'s cell in `frame`.
    fn cell_area(&self, cells: &VoronoiCells, id: u64, frame: u64) -> f64 {
        let row = (0..self.data.len())
            .find(|&r| self.data.id[r] == id && self.data.frame[r] == frame)
            .unwrap();
        cells.area(row)
    }
}

fn value_at(s: &FrameSeries, frame: u64) -> f64 {
    s.values[(frame - s.frames[0]) as usize]
}

/// Largest |ours − JPSreport| over the frames of a JPSreport file (column 1 density, 2
/// velocity) below `before`, and the frame where it occurs.
fn max_diff(s: &FrameSeries, jps: &[(u64, f64, f64)], col: usize, before: u64) -> (f64, u64) {
    jps.iter()
        .filter(|r| r.0 < before)
        .map(|&(f, d, v)| {
            let r = if col == 1 { d } else { v };
            ((value_at(s, f) - r).abs(), f)
        })
        .fold((0.0, 0), |a, b| if b.0 > a.0 { b } else { a })
}

fn assert_close(ours: f64, reference: f64, tol: f64, what: &str) {
    assert!(
        (ours - reference).abs() <= tol,
        "{what}: ours {ours}, reference {reference}, tolerance {tol}"
    );
}

#[test]
fn ao300_density_matches_pedpy_and_jpsreport() {
    let run = Run::new(&AO300);
    let cells = run.cells(None, true);
    let d = run.density(&cells);
    assert_eq!(d.frames.len(), 959);
    // SOURCE.md: 2.4852; PedPy 1.5.1 gives 2.485174347303706 (max 4.1130803734127515).
    assert_close(d.mean().unwrap(), 2.485174347303706, 1e-8, "mean density");
    assert_close(d.max().unwrap(), 4.1130803734127515, 1e-8, "max density");
    for (frame, pedpy) in [
        (0, 0.35969406925209213),
        (97, 3.1461016623172577),
        (388, 3.920464986581531),
        (679, 2.5537656836699703),
        (873, 0.03207195404111288),
    ] {
        assert_close(value_at(&d, frame), pedpy, 1e-8, &format!("frame {frame}"));
    }
    // Individual cells (PedPy: shapely.area of iv.polygon for the row of id, frame).
    for (id, frame, pedpy) in [
        (1, 0, 0.2680556342409032),
        (48, 33, 3.202313763237337),
        (113, 137, 1.497215106956147),
        (50, 228, 0.8742358166233823),
        (262, 767, 0.8387484593836361),
    ] {
        let ours = run.cell_area(&cells, id, frame);
        assert_close(ours, pedpy, 1e-8, &format!("cell of {id} in frame {frame}"));
    }
    // Sum of all cell areas, PedPy: shapely.area(iv.polygon).sum().
    let total: f64 = (0..cells.len()).map(|r| cells.area(r)).sum();
    assert_close(total, 84878.08517263227, 1e-3, "sum of cell areas");

    // JPSreport without blind points: exact (≤ 0.0005) on every frame it wrote.
    let jps = AO300.jpsreport_voronoi("rho_v_Voronoi_Voronoi_traj.txt_id_1.dat");
    assert_eq!(jps.len(), 931);
    let (diff, at) = max_diff(&d, &jps, 1, u64::MAX);
    assert!(diff <= 0.0005 + 1e-12, "max diff {diff} at frame {at}");
    // JPSreport with blind points: PedPy's reference test ignores frames ≥ 930 (a JPSreport
    // bug there) and compares at atol 0.01; up to frame 930 we agree within 0.0005.
    let jps = AO300.jpsreport_voronoi("rho_v_Voronoi_Voronoi_traj.txt_id_1_blind_points.dat");
    assert_eq!(jps.len(), 959);
    let (diff, at) = max_diff(&d, &jps, 1, 930);
    assert!(diff <= 0.0005 + 1e-12, "max diff {diff} at frame {at}");
}

#[test]
fn ao300_density_with_cutoff_matches_pedpy_and_jpsreport() {
    let run = Run::new(&AO300);
    let cells = run.cells(Some(Cutoff::new(0.8, 3)), true);
    let d = run.density(&cells);
    // SOURCE.md: 2.5793; PedPy 1.5.1: 2.5793493565777705.
    assert_close(d.mean().unwrap(), 2.5793493565777705, 1e-8, "mean density");
    for (frame, pedpy) in [
        (0, 1.1605554373913383),
        (291, 3.647725002691564),
        (776, 1.5818157671024633),
        (873, 0.0),
    ] {
        assert_close(value_at(&d, frame), pedpy, 1e-8, &format!("frame {frame}"));
    }
    for (id, frame, pedpy) in [
        (48, 33, 0.7790740131166656),
        (113, 137, 1.4442893949674704),
        (270, 399, 0.5407312881935675),
    ] {
        let ours = run.cell_area(&cells, id, frame);
        assert_close(ours, pedpy, 1e-8, &format!("cell of {id} in frame {frame}"));
    }
    let total: f64 = (0..cells.len()).map(|r| cells.area(r)).sum();
    assert_close(total, 52828.5022427466, 1e-3, "sum of cell areas");
    // JPSreport `cut_by_circle radius=0.8 edges=12` with blind points: every frame within 0.0005.
    let jps =
        AO300.jpsreport_voronoi("rho_v_Voronoi_Voronoi_traj.txt_id_1_blind_points_cut_off.dat");
    let (diff, at) = max_diff(&d, &jps, 1, u64::MAX);
    assert!(diff <= 0.0005 + 1e-12, "max diff {diff} at frame {at}");
}

#[test]
fn ao300_speed_matches_pedpy_and_jpsreport() {
    let run = Run::new(&AO300);
    let cells = run.cells(None, true);
    let v = run.speed(&cells);
    assert_eq!(v.frames.len(), 959);
    // PedPy 1.5.1 compute_voronoi_speed mean over all frames: 0.7800629612095074.
    assert_close(v.mean().unwrap(), 0.7800629612095074, 1e-8, "mean speed");
    for (frame, pedpy) in [(0, 0.07990049151555799), (485, 0.6563799043944332)] {
        assert_close(value_at(&v, frame), pedpy, 1e-8, &format!("frame {frame}"));
    }
    let jps = AO300.jpsreport_voronoi("rho_v_Voronoi_Voronoi_traj.txt_id_1.dat");
    let (diff, at) = max_diff(&v, &jps, 2, u64::MAX);
    assert!(
        diff <= 0.0005 + 1e-12,
        "max velocity diff {diff} at frame {at}"
    );
}

#[test]
fn ao300_without_blind_points_skips_frames_like_jpsreport() {
    // JPSreport (and PedPy ≤ 1.4 with use_blind_points=False) write no result for frames with
    // fewer than 4 persons; PedPy's reference test requires those frames to be 0.
    let run = Run::new(&AO300);
    let cells = run.cells(None, false);
    let d = run.density(&cells);
    let jps = AO300.jpsreport_voronoi("rho_v_Voronoi_Voronoi_traj.txt_id_1.dat");
    let (diff, at) = max_diff(&d, &jps, 1, u64::MAX);
    assert!(diff <= 0.0005 + 1e-12, "max diff {diff} at frame {at}");
    let written: std::collections::HashSet<u64> = jps.iter().map(|r| r.0).collect();
    let index = run.index();
    for (k, &f) in index.frames().iter().enumerate() {
        if !written.contains(&f) {
            assert_eq!(value_at(&d, f), 0.0, "frame {f}");
            assert!(index.frame_rows(k).len() < 4, "frame {f}");
        }
    }
}

#[test]
fn corner_matches_pedpy_and_jpsreport() {
    let run = Run::new(&CORNER);
    let cells = run.cells(None, true);
    let d = run.density(&cells);
    // SOURCE.md: 0.7644; PedPy 1.5.1: mean 0.7644441723913473, max 1.5128799883358697.
    assert_close(d.mean().unwrap(), 0.7644441723913473, 1e-8, "mean density");
    assert_close(d.max().unwrap(), 1.5128799883358697, 1e-8, "max density");
    assert_close(value_at(&d, 635), 1.369715386162806, 1e-8, "frame 635");
    // One person alone in frame 53: the whole L-shaped walkable area (39 m²).
    assert_close(run.cell_area(&cells, 1, 53), 39.0, 1e-9, "lone person");
    assert_close(
        run.cell_area(&cells, 119, 674),
        1.2500836144007894,
        1e-8,
        "cell of 119 in 674",
    );
    let jps = CORNER.jpsreport_voronoi("rho_v_Voronoi_Voronoi_traj.txt_id_1.dat");
    let (diff, at) = max_diff(&d, &jps, 1, u64::MAX);
    assert!(diff <= 0.0006, "max diff {diff} at frame {at}");
    // With blind points JPSreport differs by up to 0.0084 here (PedPy's test: atol 0.01).
    let jps = CORNER.jpsreport_voronoi("rho_v_Voronoi_Voronoi_traj.txt_id_1_blind_points.dat");
    let (diff, at) = max_diff(&d, &jps, 1, u64::MAX);
    assert!(diff <= 0.01, "max diff {diff} at frame {at}");

    let v = run.speed(&cells);
    // PedPy 1.5.1 compute_voronoi_speed mean: 1.2029887604594054.
    assert_close(v.mean().unwrap(), 1.2029887604594054, 1e-8, "mean speed");
    let jps = CORNER.jpsreport_voronoi("rho_v_Voronoi_Voronoi_traj.txt_id_1.dat");
    let (diff, at) = max_diff(&v, &jps, 2, u64::MAX);
    assert!(diff <= 0.0006, "max velocity diff {diff} at frame {at}");

    let cut = run.cells(Some(Cutoff::new(0.8, 3)), true);
    let dc = run.density(&cut);
    // PedPy 1.5.1 with Cutoff(0.8, 3): 0.7886614613319305.
    assert_close(
        dc.mean().unwrap(),
        0.7886614613319305,
        1e-8,
        "mean density, cut-off",
    );
    assert_close(
        run.cell_area(&cut, 1, 53),
        1.92,
        1e-9,
        "lone person, cut-off",
    );
    let jps =
        CORNER.jpsreport_voronoi("rho_v_Voronoi_Voronoi_traj.txt_id_1_blind_points_cut_off.dat");
    let (diff, at) = max_diff(&dc, &jps, 1, u64::MAX);
    assert!(diff <= 0.0006, "max diff {diff} at frame {at}");
}

#[test]
fn t_junction_matches_pedpy() {
    let run = Run::new(&T_JUNCTION);
    let cells = run.cells(None, true);
    let d = run.density(&cells);
    assert_eq!(d.frames.len(), 1000);
    // SOURCE.md: 0.6663; PedPy 1.5.1: mean 0.6663421762903339, max 1.0970719740796848.
    assert_close(d.mean().unwrap(), 0.6663421762903339, 1e-8, "mean density");
    assert_close(d.max().unwrap(), 1.0970719740796848, 1e-8, "max density");
    assert_close(value_at(&d, 380), 0.9577888718026534, 1e-8, "frame 380");
    assert_close(run.cell_area(&cells, 1, 89), 32.4, 1e-9, "lone person");
    assert_close(
        run.cell_area(&cells, 55, 479),
        3.7774467139835695,
        1e-8,
        "cell of 55 in 479",
    );
    let v = run.speed(&cells);
    // PedPy 1.5.1 compute_voronoi_speed mean: 1.3215463254237187.
    assert_close(v.mean().unwrap(), 1.3215463254237187, 1e-8, "mean speed");
    let cut = run.cells(Some(Cutoff::new(0.8, 3)), true);
    // PedPy 1.5.1 with Cutoff(0.8, 3): 0.6893750266711504.
    assert_close(
        run.density(&cut).mean().unwrap(),
        0.6893750266711504,
        1e-8,
        "mean density, cut-off",
    );
    assert_close(
        run.cell_area(&cut, 1, 89),
        1.2847783822775882,
        1e-9,
        "cut-off at wall",
    );
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let run = Run::new(&CORNER);
    let many = run.cells(Some(Cutoff::new(0.8, 3)), true);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| run.cells(Some(Cutoff::new(0.8, 3)), true));
    assert_eq!(many, one);
}
