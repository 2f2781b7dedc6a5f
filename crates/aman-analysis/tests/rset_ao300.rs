//! The RSET map of AO300 against PedPy 1.5.1's `compute_rset_map(traj_data=traj,
//! walkable_area=wa, grid_size=0.5, method=RsetMethod.MAX | MIN | MEAN)`, run once with
//! `/work/main/.venv` (PedPy's reference-test walkable area, floor at y = −8.5).

mod testdata;

use std::time::Instant;

use aman_analysis::rset::{RsetMethod, rset_map};
use aman_analysis::{AnalysisError, TrajectoryIndex};
use aman_geometry::import::walkable_area_from_wkt;
use aman_trajectory::{ReadOptions, TrajectoryData, read_trajectory};

fn area() -> aman_geometry::WalkableArea {
    walkable_area_from_wkt(
        "POLYGON ((-2.25 -8.5, -2.25 -0.53, -0.6 -0.53, -0.6 0.53, -2.25 0.53, -2.25 6.25, \
         4 6.25, 4 0.53, 2.4 0.53, 2.4 -0.53, 4 -0.53, 4 -8.5, -2.25 -8.5))",
        "ao300",
    )
    .unwrap()
}

fn nan_sum(v: &[f64]) -> f64 {
    v.iter().filter(|x| !x.is_nan()).sum()
}

#[test]
fn ao300_rset_map() {
    let path = testdata::dir("hermes2009-AO300-wide-bottleneck").join("traj_AO_300.txt");
    let data = read_trajectory(&path, &ReadOptions::default())
        .unwrap()
        .data;
    let ix = TrajectoryIndex::new(&data).unwrap();
    // Best of 5 runs (the first also starts the thread pool).
    let mut elapsed = std::time::Duration::MAX;
    let mut map = None;
    for _ in 0..5 {
        let start = Instant::now();
        map = Some(rset_map(&ix, &area(), 0.5, RsetMethod::Max).unwrap());
        elapsed = elapsed.min(start.elapsed());
    }
    let map = map.unwrap();
    assert_eq!((map.grid.rows(), map.grid.cols()), (30, 13));
    assert_eq!(map.values.iter().filter(|v| v.is_nan()).count(), 59);
    assert_eq!(nan_sum(&map.values), 13027.3125);
    assert_eq!(map.max().unwrap().0, 59.875);
    let at = |r, c| map.values[map.grid.index(r, c)];
    assert_eq!(at(0, 0), 51.6875);
    assert_eq!(at(10, 5), 54.25);
    assert_eq!(at(15, 4), 50.875);
    assert_eq!(at(20, 10), 33.1875);
    assert!(at(29, 12).is_nan());
    let mean = rset_map(&ix, &area(), 0.5, RsetMethod::Mean).unwrap();
    assert!((nan_sum(&mean.values) - 6721.933619030607).abs() < 1e-9);
    let min = rset_map(&ix, &area(), 0.5, RsetMethod::Min).unwrap();
    assert_eq!(nan_sum(&min.values), 845.125);
    eprintln!("rset_map, AO300: {elapsed:?} (PedPy 0.0118 s; aman release 0.57 ms)");
}

#[test]
fn bad_and_empty_input() {
    let empty = TrajectoryData::new(16.0);
    let ix = TrajectoryIndex::new(&empty).unwrap();
    let map = rset_map(&ix, &area(), 1.0, RsetMethod::Max).unwrap();
    assert!(map.values.iter().all(|v| v.is_nan()) && map.max().is_none());
    for g in [0.0, -0.5, f64::NAN, f64::INFINITY] {
        let e = rset_map(&ix, &area(), g, RsetMethod::Max).unwrap_err();
        assert!(matches!(e, AnalysisError::InvalidCellSize { .. }), "{e}");
    }
    let e = rset_map(&ix, &area(), 1e-4, RsetMethod::Max).unwrap_err();
    assert!(matches!(e, AnalysisError::GridTooLarge { .. }), "{e}");
}
