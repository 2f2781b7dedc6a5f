//! Time and distance to a line on AO300, against PedPy 1.5.1's
//! `compute_time_distance_line(traj_data=traj, measurement_line=MeasurementLine(wkt))`, run
//! once with `/work/main/.venv` (sums over its `distance` and `time` columns).

mod testdata;

use std::time::Instant;

use aman_analysis::time_distance::time_distance_line;
use aman_analysis::{AnalysisError, TrajectoryIndex};
use aman_geometry::{MeasurementLine, Segment, Vec2};
use aman_trajectory::{ReadOptions, TrajectoryData, read_trajectory};

fn ao300() -> TrajectoryData {
    let path = testdata::dir("hermes2009-AO300-wide-bottleneck").join("traj_AO_300.txt");
    read_trajectory(&path, &ReadOptions::default())
        .unwrap()
        .data
}

fn line(x0: f64, y0: f64, x1: f64, y1: f64) -> MeasurementLine {
    MeasurementLine {
        name: "line".into(),
        segment: Segment::new(Vec2::new(x0, y0), Vec2::new(x1, y1)),
    }
}

#[test]
fn line_behind_the_bottleneck() {
    let data = ao300();
    let ix = TrajectoryIndex::new(&data).unwrap();
    let mut elapsed = std::time::Duration::MAX;
    let mut td = Default::default();
    for _ in 0..5 {
        let start = Instant::now();
        td = time_distance_line(&ix, &line(-2.25, 0.5, 4.0, 0.5)).unwrap();
        elapsed = elapsed.min(start.elapsed());
    }
    let td: aman_analysis::time_distance::TimeDistance = td;
    // PedPy: 99 589 rows, 348 persons, each crossing once.
    assert_eq!(td.len(), 99_589);
    assert!(td.multiple_crossings.is_empty());
    let mut ids = td.id.clone();
    ids.dedup();
    assert_eq!(ids.len(), 348);
    let dist: f64 = td.distance.iter().sum();
    let time: f64 = td.time.iter().sum();
    assert!((dist - 342712.1032).abs() < 1e-6, "{dist}");
    assert!((time - 1248736.5625).abs() < 1e-9, "{time}");
    assert_eq!(td.time.iter().copied().fold(0.0, f64::max), 47.4375);
    assert!((td.distance.iter().copied().fold(0.0, f64::max) - 8.504).abs() < 1e-12);
    // Person 17: 125 rows from frame 0 (3.3582 m, 7.75 s) to the crossing at frame 124.
    let rows: Vec<usize> = (0..td.len()).filter(|&k| td.id[k] == 17).collect();
    assert_eq!(rows.len(), 125);
    let (first, last) = (rows[0], *rows.last().unwrap());
    assert_eq!((td.frame[first], td.time[first]), (0, 7.75));
    assert!((td.distance[first] - 3.3582).abs() < 1e-12);
    assert_eq!((td.frame[last], td.time[last]), (124, 0.0));
    assert!((td.distance[last] - 0.0453).abs() < 1e-12);
    eprintln!("time_distance_line, AO300: {elapsed:?} (PedPy 0.193 s; aman release 2.6 ms)");
}

/// The bottleneck entrance, which person 332 crosses three times (frames 540, 547, 551).
/// PedPy pairs each row with every later crossing (92 096 rows); aman keeps the first
/// crossing: PedPy's 91 697 rows of the other persons plus person 332's 127 rows up to frame
/// 540 (sums of those computed with shapely from the same data).
#[test]
fn line_crossed_several_times() {
    let data = ao300();
    let ix = TrajectoryIndex::new(&data).unwrap();
    let td = time_distance_line(&ix, &line(-0.6, -0.53, 2.4, -0.53)).unwrap();
    assert_eq!(td.multiple_crossings, vec![332]);
    assert_eq!(td.len(), 91_697 + 127);
    let dist: f64 = td.distance.iter().sum();
    let time: f64 = td.time.iter().sum();
    assert!(
        (dist - (250469.43114820227 + 86.46463716000054)).abs() < 1e-6,
        "{dist}"
    );
    assert!((time - (1109193.8125 + 500.0625)).abs() < 1e-9, "{time}");
    let p332: Vec<usize> = (0..td.len()).filter(|&k| td.id[k] == 332).collect();
    assert_eq!(td.frame[*p332.last().unwrap()], 540);
    // Sorted by id, then frame.
    assert!((1..td.len()).all(|k| (td.id[k - 1], td.frame[k - 1]) < (td.id[k], td.frame[k])));
}

#[test]
fn bad_and_empty_input() {
    let data = TrajectoryData::new(16.0);
    let ix = TrajectoryIndex::new(&data).unwrap();
    assert!(
        time_distance_line(&ix, &line(0.0, 0.0, 1.0, 0.0))
            .unwrap()
            .is_empty()
    );
    let e = time_distance_line(&ix, &line(1.0, 1.0, 1.0, 1.0)).unwrap_err();
    assert!(matches!(e, AnalysisError::DegenerateLine { .. }), "{e}");
    assert!(e.to_string().contains("zero length"), "{e}");
    // Nobody crosses a line far away.
    let data = ao300();
    let ix = TrajectoryIndex::new(&data).unwrap();
    assert!(
        time_distance_line(&ix, &line(10.0, 0.0, 11.0, 0.0))
            .unwrap()
            .is_empty()
    );
}
