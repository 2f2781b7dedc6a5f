//! Voronoi neighbours and their distances against PedPy 1.5.1 on the AO300 bottleneck.
//!
//! PedPy figures: `iv = compute_individual_voronoi_polygons(traj_data=traj,
//! walkable_area=WalkableArea(WKT))`, `nb = compute_neighbors(iv, as_list=False)`,
//! `nd = compute_neighbor_distance(traj_data=traj, neighborhood=nb)` (PedPy 1.5.1, shapely
//! 2.2.0), with `traj` loaded by `load_trajectory(…, default_unit=TrajectoryUnit.METER)`.

mod voronoi_support;

use aman_analysis::AnalysisError;
use aman_analysis::index::TrajectoryIndex;
use aman_analysis::neighbours::neighbours;
use aman_analysis::voronoi::{Cutoff, VoronoiCells, individual_voronoi_cells};
use aman_geometry::import;
use aman_trajectory::TrajectoryData;
use voronoi_support::AO300;

#[test]
fn ao300_neighbours_match_pedpy() {
    let data = AO300.data();
    let index = TrajectoryIndex::new(&data).unwrap();
    let cells = individual_voronoi_cells(&index, &AO300.walkable(), None, true).unwrap();
    let t = std::time::Instant::now();
    let n = neighbours(&index, &cells).unwrap();
    println!(
        "neighbours of AO300: {:?} (PedPy 1.5.1: 2.1 s + 0.23 s)",
        t.elapsed()
    );
    assert_eq!(n.rows(), data.len());
    // len(nb) = 704390 entries in all.
    assert_eq!(n.len(), 704390);
    // Entries per frame: nb.groupby("frame").size().
    for (frame, pedpy) in [(0, 810), (100, 1112), (500, 852), (900, 32)] {
        let k = index.frame_index(frame).unwrap();
        let entries: usize = index.frame_rows(k).map(|r| n.count(r)).sum();
        assert_eq!(entries, pedpy, "frame {frame}");
    }
    let row = |id: u64, frame: u64| index.row_at(index.track_index(id).unwrap(), frame).unwrap();
    let ids = |r: usize| -> Vec<u64> { n.of(r).iter().map(|&q| data.id[q as usize]).collect() };
    // Frame 300: 1148 entries; person 100 has [85, 91, 177, 196, 238], 150 has 7, 200 has 5.
    let k = index.frame_index(300).unwrap();
    assert_eq!(index.frame_rows(k).map(|r| n.count(r)).sum::<usize>(), 1148);
    assert_eq!(ids(row(100, 300)), vec![85, 91, 177, 196, 238]);
    assert_eq!(ids(row(150, 300)), vec![23, 30, 90, 188, 202, 220, 260]);
    assert_eq!(n.count(row(200, 300)), 5);
    let pedpy_dist = [
        0.3681006655794036,
        0.4409140165610524,
        0.5370931017989341,
        0.37072853950026574,
        0.47883794753548936,
    ];
    for (d, p) in n.distances_of(row(100, 300)).iter().zip(pedpy_dist) {
        assert!((d - p).abs() < 1e-12, "{d} vs {p}");
    }
    // nd.distance.mean() and .sum().
    let sum: f64 = n.distances.iter().sum();
    assert!((sum - 451570.84898553457).abs() < 1e-6, "{sum}");
    assert!((sum / n.len() as f64 - 0.6410807208869157).abs() < 1e-12);
    // Symmetric.
    for r in 0..n.rows() {
        for &q in n.of(r) {
            assert!(n.of(q as usize).contains(&(r as u32)));
            assert_eq!(data.frame[q as usize], data.frame[r]);
        }
    }
}

fn walkable(wkt: &str) -> aman_geometry::WalkableArea {
    import::walkable_area_from_wkt(wkt, "test").unwrap()
}

fn one_frame(points: &[(f64, f64)]) -> TrajectoryData {
    let mut d = TrajectoryData::new(16.0);
    for (i, &(x, y)) in points.iter().enumerate() {
        d.push(i as u64 + 1, 0, x, y);
    }
    d
}

#[test]
fn walls_and_cutoffs_separate_neighbours() {
    // Two persons either side of a long obstacle: their unclipped cells touch along y = 2,
    // inside the obstacle; clipped, they meet only beyond its ends.
    let w = walkable("POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0), (1 1.9, 9 1.9, 9 2.1, 1 2.1, 1 1.9))");
    let d = one_frame(&[(5.0, 1.0), (5.0, 3.0)]);
    let index = TrajectoryIndex::new(&d).unwrap();
    let cells = individual_voronoi_cells(&index, &w, None, true).unwrap();
    assert_eq!(neighbours(&index, &cells).unwrap().of(0), &[1]);
    // With a 1 m cut-off the cells stop at the obstacle: no neighbours.
    let cells = individual_voronoi_cells(&index, &w, Some(Cutoff::new(1.0, 3)), true).unwrap();
    let n = neighbours(&index, &cells).unwrap();
    assert!(n.is_empty());
    assert_eq!(n.offsets, vec![0, 0, 0]);
    // Far apart with a cut-off: cells do not touch.
    let d = one_frame(&[(2.0, 1.0), (8.0, 1.0)]);
    let index = TrajectoryIndex::new(&d).unwrap();
    let w = walkable("POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))");
    let cells = individual_voronoi_cells(&index, &w, Some(Cutoff::new(1.0, 3)), true).unwrap();
    assert!(neighbours(&index, &cells).unwrap().is_empty());
    let cells = individual_voronoi_cells(&index, &w, None, true).unwrap();
    let n = neighbours(&index, &cells).unwrap();
    assert_eq!((n.of(0), n.distances_of(0)), (&[1u32][..], &[6.0][..]));
}

#[test]
fn corner_contact_counts_and_missing_cells_have_none() {
    // Four persons on a square: every cell is a quarter of the room, the diagonal pairs meet
    // only at the centre point (PedPy's dwithin counts them).
    let w = walkable("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))");
    let d = one_frame(&[(1.0, 1.0), (3.0, 1.0), (1.0, 3.0), (3.0, 3.0)]);
    let index = TrajectoryIndex::new(&d).unwrap();
    let cells = individual_voronoi_cells(&index, &w, None, true).unwrap();
    let n = neighbours(&index, &cells).unwrap();
    assert_eq!(n.of(0), &[1, 2, 3]);
    assert!((n.distances_of(0)[2] - 8f64.sqrt()).abs() < 1e-15);
    // Without blind points fewer than 4 persons have no cells, hence no neighbours.
    let d = one_frame(&[(1.0, 1.0), (3.0, 1.0), (1.0, 3.0)]);
    let index = TrajectoryIndex::new(&d).unwrap();
    let cells = individual_voronoi_cells(&index, &w, None, false).unwrap();
    assert!(neighbours(&index, &cells).unwrap().is_empty());
    // Cells of other data are refused; empty data gives an empty result.
    let e = neighbours(&index, &VoronoiCells::default()).unwrap_err();
    assert!(matches!(e, AnalysisError::LengthMismatch { .. }), "{e:?}");
    let empty = TrajectoryData::new(16.0);
    let index = TrajectoryIndex::new(&empty).unwrap();
    let n = neighbours(&index, &VoronoiCells::default()).unwrap();
    assert_eq!((n.rows(), n.len()), (0, 0));
}
