//! Voronoi cells in small and degenerate configurations: 1–3 persons, collinear and coincident
//! positions, persons on walls and corners, cells split by a non-convex walkable area, an
//! obstacle, bad input.
//!
//! Expected areas come from PedPy 1.5.1 (shapely 2.2.0 / GEOS 3.14.1):
//! `compute_individual_voronoi_polygons(traj_data=TrajectoryData(data=df, frame_rate=16),
//! walkable_area=WalkableArea(WKT), cut_off=…)` on a one-frame DataFrame with ids 1, 2, … in
//! the order the positions are listed, then `shapely.area(polygon)`.

mod voronoi_support;

use aman_analysis::AnalysisError;
use aman_analysis::index::TrajectoryIndex;
use aman_analysis::voronoi::{
    Cutoff, VoronoiCells, individual_voronoi_cells, voronoi_density, voronoi_speed,
};
use aman_geometry::{MeasurementArea, WalkableArea, import};
use aman_trajectory::TrajectoryData;
use geo::Area;
use voronoi_support::CORNER;

const ROOM: &str = "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))";
const U_SHAPE: &str = "POLYGON ((0 0, 6 0, 6 4, 4 4, 4 1, 2 1, 2 4, 0 4, 0 0))";
const WITH_OBSTACLE: &str =
    "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0), (4 1.5, 6 1.5, 6 2.5, 4 2.5, 4 1.5))";

fn frame(points: &[(f64, f64)]) -> TrajectoryData {
    let mut d = TrajectoryData::new(16.0);
    for (i, &(x, y)) in points.iter().enumerate() {
        d.push(i as u64 + 1, 0, x, y);
    }
    d
}

fn cells_of(
    wkt: &str,
    points: &[(f64, f64)],
    cut: Option<Cutoff>,
) -> Result<VoronoiCells, AnalysisError> {
    let d = frame(points);
    let index = TrajectoryIndex::new(&d).unwrap();
    let walkable = walkable(wkt);
    individual_voronoi_cells(&index, &walkable, cut, true)
}

fn walkable(wkt: &str) -> WalkableArea {
    import::walkable_area_from_wkt(wkt, "test").unwrap()
}

fn assert_areas(cells: &VoronoiCells, expected: &[f64]) {
    assert_areas_within(cells, expected, 1e-9);
}

/// Where a wall corner lies exactly on a cell's edge, the clip falls back to geo's
/// `BooleanOps`, which rounds to a grid of about (extent of the inputs) / 2³⁰: areas then agree
/// to ~1e-8 m² only.
fn assert_areas_within(cells: &VoronoiCells, expected: &[f64], tol: f64) {
    assert_eq!(cells.len(), expected.len());
    for (row, &e) in expected.iter().enumerate() {
        let a = cells.area(row);
        assert!((a - e).abs() < tol, "row {row}: area {a}, expected {e}");
    }
}

#[test]
fn one_person_gets_the_whole_walkable_area() {
    let cells = cells_of(ROOM, &[(5.0, 2.0)], None).unwrap();
    assert_areas(&cells, &[40.0]);
    // With a cut-off: the 12-gon of radius 1 m, area 3 m² (PedPy: 3.0).
    let cells = cells_of(ROOM, &[(5.0, 2.0)], Some(Cutoff::new(1.0, 3))).unwrap();
    assert_areas(&cells, &[3.0]);
}

#[test]
fn two_and_three_collinear_persons() {
    let cells = cells_of(ROOM, &[(5.0, 2.0), (6.0, 2.0)], None).unwrap();
    assert_areas(&cells, &[22.0, 18.0]);
    let cells = cells_of(ROOM, &[(2.0, 2.0), (5.0, 2.0), (6.0, 2.0)], None).unwrap();
    assert_areas(&cells, &[14.0, 8.0, 18.0]);
    // Collinear along a diagonal, with more persons: the cells still tile the room.
    let pts: Vec<(f64, f64)> = (0..7)
        .map(|i| (1.0 + i as f64, 0.5 + 0.5 * i as f64))
        .collect();
    let cells = cells_of(ROOM, &pts, None).unwrap();
    let total: f64 = (0..cells.len()).map(|r| cells.area(r)).sum();
    assert!((total - 40.0).abs() < 1e-9, "{total}");
}

#[test]
fn coincident_positions_are_an_error() {
    // PedPy/GEOS: "Multiple input coordinates in cell at 5 2".
    let e = cells_of(
        ROOM,
        &[(2.0, 2.0), (5.0, 2.0), (5.0, 2.0), (7.0, 1.0)],
        None,
    )
    .unwrap_err();
    assert_eq!(
        e,
        AnalysisError::CoincidentPositions {
            frame: 0,
            first_id: 2,
            second_id: 3,
            x: 5.0,
            y: 2.0
        }
    );
    assert!(e.to_string().contains("persons 2 and 3"), "{e}");
}

#[test]
fn persons_on_a_wall_and_in_a_corner() {
    let cells = cells_of(
        ROOM,
        &[(0.0, 2.0), (5.0, 2.0), (5.0, 3.0), (7.0, 1.0)],
        None,
    )
    .unwrap();
    assert_areas(&cells, &[9.775, 8.4375, 7.35, 14.4375]);
    let cells = cells_of(
        ROOM,
        &[(0.0, 0.0), (5.0, 2.0), (5.0, 3.0), (7.0, 1.0)],
        None,
    )
    .unwrap();
    assert_areas(&cells, &[8.175, 8.6875, 8.7, 14.4375]);
}

#[test]
fn person_outside_or_in_an_obstacle_is_an_error() {
    // PedPy returns a cell that does not contain the person here; we refuse.
    let e = cells_of(
        ROOM,
        &[(-1.0, 2.0), (5.0, 2.0), (5.0, 3.0), (7.0, 1.0)],
        None,
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            AnalysisError::OutsideWalkableArea {
                id: 1,
                frame: 0,
                ..
            }
        ),
        "{e:?}"
    );
    let e = cells_of(WITH_OBSTACLE, &[(5.0, 2.0), (1.0, 1.0)], None).unwrap_err();
    assert!(
        matches!(e, AnalysisError::OutsideWalkableArea { id: 1, .. }),
        "{e:?}"
    );
}

#[test]
fn cell_split_by_a_non_convex_area_keeps_the_persons_part() {
    // Person 1's cell reaches into both arms of the U: PedPy keeps the part with person 1.
    let cells = cells_of(U_SHAPE, &[(1.0, 3.0), (1.0, 0.5), (5.0, 0.5)], None).unwrap();
    assert_areas(&cells, &[4.5, 4.5, 8.86796875]);
    // The same, the person standing in the smaller part.
    let cells = cells_of(
        U_SHAPE,
        &[(4.05, 3.9), (1.0, 0.5), (5.0, 0.5), (1.0, 3.0)],
        None,
    )
    .unwrap();
    assert_areas(&cells, &[3.3345588235294117, 4.5, 5.665441176470589, 4.5]);
}

#[test]
fn obstacle_and_a_person_on_its_wall() {
    let pts = [(5.0, 1.5), (5.0, 3.5), (1.0, 2.0), (9.0, 2.0)];
    let cells = cells_of(WITH_OBSTACLE, &pts, None).unwrap();
    assert_areas(&cells, &[8.3125, 6.5625, 11.5625, 11.5625]);
    // The cut-off 12-gon of person 1 has corners exactly at the obstacle's corners (4, 1.5) and
    // (6, 1.5): the BooleanOps fallback.
    let cells = cells_of(WITH_OBSTACLE, &pts, Some(Cutoff::new(1.0, 3))).unwrap();
    assert_areas_within(&cells, &[1.5, 2.433012701892219, 3.0, 3.0], 1e-8);
    // Cells tile the walkable area (38 m²) without a cut-off.
    let cells = cells_of(WITH_OBSTACLE, &[(1.1, 0.9), (3.2, 3.1), (8.3, 2.2)], None).unwrap();
    let total: f64 = (0..cells.len()).map(|r| cells.area(r)).sum();
    assert!((total - 38.0).abs() < 1e-9, "{total}");
    // A cell wholly around the obstacle keeps it as a hole.
    let cells = cells_of(WITH_OBSTACLE, &[(3.5, 2.0), (9.5, 2.0)], None).unwrap();
    let c = cells.get(0).unwrap();
    assert_eq!(c.interiors().len(), 1);
    assert!((c.unsigned_area() - (6.5 * 4.0 - 2.0)).abs() < 1e-9);
}

#[test]
fn bad_cutoff_is_an_error() {
    for c in [
        Cutoff::new(0.0, 3),
        Cutoff::new(-1.0, 3),
        Cutoff::new(f64::INFINITY, 3),
        Cutoff::new(1.0, 0),
    ] {
        let e = cells_of(ROOM, &[(5.0, 2.0)], Some(c)).unwrap_err();
        assert!(matches!(e, AnalysisError::InvalidCutoff { .. }), "{e:?}");
    }
}

#[test]
fn empty_data() {
    let d = TrajectoryData::new(16.0);
    let index = TrajectoryIndex::new(&d).unwrap();
    let cells = individual_voronoi_cells(&index, &walkable(ROOM), None, true).unwrap();
    assert!(cells.is_empty());
    let area = MeasurementArea::from_points("a", &[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]).unwrap();
    assert_eq!(
        voronoi_density(&index, &cells, &area).unwrap_err(),
        AnalysisError::EmptyTrajectory
    );
}

#[test]
fn without_blind_points_small_frames_have_no_cells() {
    let mut d = TrajectoryData::new(16.0);
    for (id, f, x, y) in [
        (1, 0, 1.0, 1.0),
        (2, 0, 2.0, 1.0),
        (3, 0, 3.0, 3.0),
        (1, 2, 1.0, 1.0),
        (2, 2, 2.0, 1.0),
        (3, 2, 3.0, 3.0),
        (4, 2, 8.0, 2.0),
    ] {
        d.push(id, f, x, y);
    }
    let index = TrajectoryIndex::new(&d).unwrap();
    let cells = individual_voronoi_cells(&index, &walkable(ROOM), None, false).unwrap();
    assert!((0..3).all(|r| cells.get(r).is_none()));
    assert!((3..7).all(|r| cells.get(r).is_some()));
    let area = MeasurementArea::from_points("a", &[(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)])
        .unwrap();
    let (density, share) = voronoi_density(&index, &cells, &area).unwrap();
    // Frames 0..=2; frame 0 has no cells, frame 1 no rows: both 0.
    assert_eq!(density.frames, vec![0, 1, 2]);
    assert_eq!(density.values[0], 0.0);
    assert_eq!(density.values[1], 0.0);
    assert!(density.values[2] > 0.0);
    assert!(share[0].is_nan());
    let speed = voronoi_speed(&index, &cells, &[1.0; 7], &area).unwrap();
    assert_eq!(speed.values[0], 0.0);
    // The cells inside the area cover it: speed 1 everywhere → 1. (The bisector of persons 1
    // and 3 runs exactly through the room's corner (0, 4): a BooleanOps fallback, ~1e-9.)
    assert!((speed.values[2] - 1.0).abs() < 1e-8, "{:?}", speed.values);
}

#[test]
fn speed_inputs_are_checked() {
    let d = frame(&[(1.0, 1.0), (8.0, 2.0)]);
    let index = TrajectoryIndex::new(&d).unwrap();
    let cells = individual_voronoi_cells(&index, &walkable(ROOM), None, true).unwrap();
    let area = MeasurementArea::from_points("a", &[(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)])
        .unwrap();
    let e = voronoi_speed(&index, &cells, &[1.0], &area).unwrap_err();
    assert!(
        matches!(
            e,
            AnalysisError::LengthMismatch {
                len: 1,
                rows: 2,
                ..
            }
        ),
        "{e:?}"
    );
    let e = voronoi_speed(&index, &cells, &[f64::NAN, 1.0], &area).unwrap_err();
    assert!(
        matches!(
            e,
            AnalysisError::MissingSpeed {
                id: 1,
                frame: 0,
                ..
            }
        ),
        "{e:?}"
    );
    // Person 2's cell does not reach the area, so its missing speed is not needed.
    let v = voronoi_speed(&index, &cells, &[2.0, f64::NAN], &area).unwrap();
    assert!((v.values[0] - 2.0).abs() < 1e-12);
}

#[test]
fn non_convex_measurement_area() {
    // PedPy only takes convex measurement areas; the figure is PedPy's formula evaluated with
    // shapely on PedPy 1.5.1's cells of the corner data:
    // Σ area(polygon ∩ M) / area(polygon) per frame / area(M), reindexed over all frames.
    let data = CORNER.data();
    let index = TrajectoryIndex::new(&data).unwrap();
    let cells = individual_voronoi_cells(&index, &CORNER.walkable(), None, true).unwrap();
    let l_shape = MeasurementArea::from_points(
        "L",
        &[
            (-3.0, -3.0),
            (2.0, -3.0),
            (2.0, 0.0),
            (0.0, 0.0),
            (0.0, 2.0),
            (-3.0, 2.0),
        ],
    )
    .unwrap();
    let (d, _) = voronoi_density(&index, &cells, &l_shape).unwrap();
    assert!((d.mean().unwrap() - 0.6490478516712519).abs() < 1e-8);
    assert!((d.values[(500 - d.frames[0]) as usize] - 0.8275208067928052).abs() < 1e-8);
}
