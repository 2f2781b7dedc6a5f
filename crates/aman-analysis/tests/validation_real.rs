//! Trajectories against their walkable area on real experiments, and PedPy's correction.
//!
//! Expected values: PedPy 1.5.1 (`/work/main/.venv`), run once on the same files:
//! `pedpy.get_invalid_trajectory(traj_data=t, walkable_area=wa)` and
//! `pedpy.correct_invalid_trajectories(t, wa)` (default distances), comparing `t.data` with the
//! corrected data to list the moved rows.

mod testdata;

use std::path::Path;
use std::time::Instant;

use aman_analysis::validation::{
    CorrectionDistances, PointLocation, correct_invalid_points, invalid_points,
};
use aman_geometry::WalkableArea;
use aman_geometry::import::{walkable_area_from_file, walkable_area_from_wkt};
use aman_trajectory::{ReadOptions, TrajectoryData, read_trajectory};

fn load(folder: &str, file: &str) -> (TrajectoryData, Option<String>) {
    let path = testdata::dir(folder).join(file);
    let loaded = read_trajectory(Path::new(&path), &ReadOptions::default()).unwrap();
    (loaded.data, loaded.walkable_area_wkt)
}

/// Row of (id, frame).
fn row(d: &TrajectoryData, id: u64, frame: u64) -> usize {
    (0..d.len())
        .find(|&r| d.id[r] == id && d.frame[r] == frame)
        .unwrap()
}

fn assert_at(d: &TrajectoryData, id: u64, frame: u64, x: f64, y: f64) {
    let r = row(d, id, frame);
    assert!(
        (d.x[r] - x).abs() < 1e-9 && (d.y[r] - y).abs() < 1e-9,
        "id {id} frame {frame}: ({}, {}) but PedPy gives ({x}, {y})",
        d.x[r],
        d.y[r]
    );
}

#[test]
fn wuppertal_heads_over_the_walls() {
    let (data, wkt) = load("wuppertal2014-bottleneck-social-groups-hdf5", "00_01a.h5");
    let area = walkable_area_from_wkt(&wkt.unwrap(), "00_01a.h5").unwrap();
    let bad = invalid_points(&data, &area).unwrap();
    // SOURCE.md: 16 points inside the wall holes. PedPy: all of person 10, frames 747–762.
    assert_eq!(bad.len(), 16);
    assert_eq!(bad.rows_checked, 30701);
    assert!(
        bad.points
            .iter()
            .all(|p| p.location == PointLocation::InObstacle(0))
    );
    assert_eq!((bad.in_obstacles(), bad.outside_boundary()), (16, 0));
    assert_eq!(bad.tracks.len(), 1);
    let t = bad.tracks[0];
    assert_eq!(
        (t.id, t.count, t.first_frame, t.last_frame),
        (10, 16, 747, 762)
    );
    assert_eq!(bad.points[0].position.x, 0.44257199999999997);

    let (fixed, what) =
        correct_invalid_points(&data, &area, &CorrectionDistances::default()).unwrap();
    // PedPy: 19 rows moved (frames 747–765 of person 10), returned ids [10, 36].
    assert_eq!(what.moved.len(), 19);
    assert!(what.moved.iter().all(|m| m.id == 10));
    assert_eq!(what.moved.first().unwrap().frame, 747);
    assert_eq!(what.moved.last().unwrap().frame, 765);
    assert_eq!(what.pedpy_ids, vec![10, 36]);
    assert!(what.still_invalid.is_empty());
    assert!(invalid_points(&fixed, &area).unwrap().is_empty());
    assert_at(&fixed, 10, 747, 0.3827396171508327, 0.2150876314359432);
    assert_at(&fixed, 10, 749, 0.3952768510794405, 0.28366905199349723);
    assert_at(&fixed, 10, 752, 0.3527879766948075, 0.24148127885936616);
    assert_at(&fixed, 10, 758, 0.35944956493242997, 0.26221451270030693);
    assert_at(&fixed, 10, 762, 0.3529188357841626, 0.23155353649358262);
    // Valid before, but within 5 cm of the obstacle: moved too.
    assert_at(&fixed, 10, 763, 0.3789410723496524, 0.31420194854456873);
    assert_at(&fixed, 10, 765, 0.3572532405541377, 0.3041757185435925);
    // Everything else is unchanged.
    let changed = (0..data.len())
        .filter(|&r| data.x[r] != fixed.x[r] || data.y[r] != fixed.y[r])
        .count();
    assert_eq!(changed, 19);
    assert_eq!(
        (fixed.id.clone(), fixed.frame.clone()),
        (data.id.clone(), data.frame.clone())
    );
}

/// The AO300 run against JPSreport's demo geometry, whose floor is at y = −8 (PedPy's reference
/// test uses −8.5): one head steps 4 mm beyond it.
#[test]
fn ao300_against_the_jpsreport_demo_geometry() {
    let (data, _) = load("hermes2009-AO300-wide-bottleneck", "traj_AO_300.txt");
    let dir = testdata::dir("hermes2009-AO300-wide-bottleneck");
    let demo = walkable_area_from_file(&dir.join("geo_AO_300.xml")).unwrap();
    let bad = invalid_points(&data, &demo).unwrap();
    assert_eq!(bad.len(), 1);
    let p = bad.points[0];
    assert_eq!(
        (p.id, p.frame, p.location),
        (313, 127, PointLocation::OutsideBoundary)
    );
    assert_eq!((p.position.x, p.position.y), (0.3078, -8.004));

    let (fixed, what) =
        correct_invalid_points(&data, &demo, &CorrectionDistances::default()).unwrap();
    // PedPy: 19 rows moved, ids [248, 313].
    assert_eq!(what.moved.len(), 19);
    assert_eq!(what.pedpy_ids, vec![248, 313]);
    assert!(what.still_invalid.is_empty());
    assert_at(&fixed, 313, 127, 0.30779999999999785, -7.950078367346939);
    assert_at(&fixed, 248, 114, -0.2527000000000133, -7.9500722721088435);
    assert_at(&fixed, 248, 124, -0.0945, -7.950002612244898);
    assert_at(&fixed, 180, 69, -2.200000290249433, -1.6426);
    assert_at(&fixed, 273, 85, 3.9500037732426305, -7.7065);
    assert_at(&fixed, 313, 921, 1.0069, 6.200016544217687);
    let (sx, sy) = what
        .moved
        .iter()
        .fold((0.0, 0.0), |(a, b), m| (a + m.to.x, b + m.to.y));
    // PedPy: sums of the moved coordinates 3.0768034829931827, −116.19952884353741.
    assert!((sx - 3.0768034829931827).abs() < 1e-9, "{sx}");
    assert!((sy + 116.19952884353741).abs() < 1e-9, "{sy}");
}

/// All points of AO300 lie inside PedPy's reference geometry (SOURCE.md); the correction then
/// returns the data unchanged. Timings against PedPy 1.5.1 on this machine (best of 3 at low
/// load): `get_invalid_trajectory` 0.051 s; `correct_invalid_trajectories` with the demo
/// geometry 0.290 s; aman (release build) 0.6 ms and 2.4 ms.
#[test]
fn ao300_is_valid_in_the_reference_geometry() {
    let (data, _) = load("hermes2009-AO300-wide-bottleneck", "traj_AO_300.txt");
    let area: WalkableArea = walkable_area_from_wkt(
        "POLYGON ((-2.25 -8.5, -2.25 -0.53, -0.6 -0.53, -0.6 0.53, -2.25 0.53, -2.25 6.25, \
         4 6.25, 4 0.53, 2.4 0.53, 2.4 -0.53, 4 -0.53, 4 -8.5, -2.25 -8.5))",
        "ao300",
    )
    .unwrap();
    // Best of 5 runs (the first also starts the thread pool).
    let mut t_check = std::time::Duration::MAX;
    let mut bad = Default::default();
    for _ in 0..5 {
        let start = Instant::now();
        bad = invalid_points(&data, &area).unwrap();
        t_check = t_check.min(start.elapsed());
    }
    let bad: aman_analysis::validation::InvalidPoints = bad;
    assert!(bad.is_empty());
    assert_eq!(bad.rows_checked, 128_783);
    let (same, what) =
        correct_invalid_points(&data, &area, &CorrectionDistances::default()).unwrap();
    assert_eq!(same, data);
    assert!(what.moved.is_empty() && what.candidate_rows == 0);

    let dir = testdata::dir("hermes2009-AO300-wide-bottleneck");
    let demo = walkable_area_from_file(&dir.join("geo_AO_300.xml")).unwrap();
    let mut t_correct = std::time::Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        correct_invalid_points(&data, &demo, &CorrectionDistances::default()).unwrap();
        t_correct = t_correct.min(start.elapsed());
    }
    eprintln!(
        "AO300 ({} rows): invalid_points {t_check:?} (PedPy 0.051 s), correct_invalid_points \
         {t_correct:?} (PedPy 0.290 s)",
        data.len()
    );
}
