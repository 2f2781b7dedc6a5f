//! Bad input to `validation`: an error naming the problem, or a documented empty result.

use aman_analysis::AnalysisError;
use aman_analysis::validation::{CorrectionDistances, correct_invalid_points, invalid_points};
use aman_geometry::import::walkable_area_from_wkt;
use aman_trajectory::TrajectoryData;

fn room() -> aman_geometry::WalkableArea {
    walkable_area_from_wkt("POLYGON ((0 0, 4 0, 4 2, 0 2, 0 0))", "room").unwrap()
}

#[test]
fn empty_data_is_valid_and_unchanged() {
    let d = TrajectoryData::new(10.0);
    let bad = invalid_points(&d, &room()).unwrap();
    assert!(bad.is_empty() && bad.tracks.is_empty() && bad.rows_checked == 0);
    let (same, what) =
        correct_invalid_points(&d, &room(), &CorrectionDistances::default()).unwrap();
    assert!(same.is_empty() && what.moved.is_empty());
}

#[test]
fn broken_data_is_rejected() {
    let mut d = TrajectoryData::new(10.0);
    d.push(2, 1, 1.0, 1.0);
    d.push(1, 0, 1.0, 1.0); // not sorted by frame
    let e = invalid_points(&d, &room()).unwrap_err();
    assert!(matches!(e, AnalysisError::InvalidTrajectory(_)), "{e}");
    assert!(e.to_string().contains("sorted"), "{e}");
    let mut d = TrajectoryData::new(0.0);
    d.push(1, 0, 1.0, 1.0);
    assert!(matches!(
        correct_invalid_points(&d, &room(), &CorrectionDistances::default()),
        Err(AnalysisError::InvalidTrajectory(_))
    ));
}

#[test]
fn bad_distances_are_rejected_with_their_rule() {
    let mut d = TrajectoryData::new(10.0);
    d.push(1, 0, 5.0, 1.0);
    let check = |c: CorrectionDistances, name: &str| {
        let e = correct_invalid_points(&d, &room(), &c).unwrap_err();
        match &e {
            AnalysisError::InvalidCorrectionDistance { name: n, .. } => assert_eq!(*n, name),
            other => panic!("{other}"),
        }
        e.to_string()
    };
    let base = CorrectionDistances::default();
    let msg = check(
        CorrectionDistances {
            back_distance_wall: 0.0,
            ..base
        },
        "back_distance_wall",
    );
    assert_eq!(
        msg,
        "correction distance back_distance_wall = 0 m is not valid: it must be a finite \
         negative distance (behind the wall), e.g. -1"
    );
    check(
        CorrectionDistances {
            min_distance_wall: -0.01,
            ..base
        },
        "min_distance_wall",
    );
    check(
        CorrectionDistances {
            max_distance_wall: 0.005,
            ..base
        },
        "max_distance_wall",
    );
    check(
        CorrectionDistances {
            back_distance_obst: f64::NEG_INFINITY,
            ..base
        },
        "back_distance_obst",
    );
    check(
        CorrectionDistances {
            min_distance_obst: f64::NAN,
            ..base
        },
        "min_distance_obst",
    );
    check(
        CorrectionDistances {
            max_distance_obst: f64::INFINITY,
            ..base
        },
        "max_distance_obst",
    );
    // The distances are checked even when every point is valid (as PedPy does).
    let mut ok = TrajectoryData::new(10.0);
    ok.push(1, 0, 1.0, 1.0);
    assert!(
        correct_invalid_points(
            &ok,
            &room(),
            &CorrectionDistances {
                back_distance_wall: 1.0,
                ..base
            }
        )
        .is_err()
    );
}

#[test]
fn points_far_behind_a_wall_stay_and_are_reported() {
    // 2 m outside: beyond the back distance (−1 m), PedPy leaves it; it stays invalid.
    let mut d = TrajectoryData::new(10.0);
    d.push(1, 0, 1.0, 1.0);
    d.push(2, 0, 6.0, 1.0);
    let (fixed, what) =
        correct_invalid_points(&d, &room(), &CorrectionDistances::default()).unwrap();
    assert_eq!((fixed.x[1], fixed.y[1]), (6.0, 1.0));
    assert_eq!(what.still_invalid.rows(), vec![1]);
    assert_eq!(what.invalid_before.rows(), vec![1]);
}

#[test]
fn huge_distances_do_not_break() {
    // Every point is then a candidate; the result is whatever PedPy's formula gives, but
    // nothing panics and the data keeps its rows.
    let mut d = TrajectoryData::new(10.0);
    d.push(1, 0, 1.0, 1.0);
    d.push(2, 0, 4.5, 1.0);
    let c = CorrectionDistances {
        max_distance_wall: 1e300,
        max_distance_obst: 1e300,
        ..CorrectionDistances::default()
    };
    let (fixed, what) = correct_invalid_points(&d, &room(), &c).unwrap();
    assert_eq!(fixed.len(), 2);
    assert_eq!(what.candidate_rows, 2);
}
