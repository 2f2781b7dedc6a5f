//! Crossings and N–t diagrams on real data against PedPy 1.5.1 (`compute_n_t`,
//! `compute_crossing_frames`) and JPSreport's `Flow_NT` files (cumulative count per frame,
//! compared exactly).

#[path = "speed_testdata/mod.rs"]
mod data;

use aman_analysis::TrajectoryIndex;
use aman_analysis::crossing::{crossing_frames, n_t};
use data::{close, line};

/// Checks count, first and last crossing frame and mean flow; returns the diagram's
/// (frames, cumulative).
fn check(
    folder: &str,
    traj: &str,
    fps: Option<f64>,
    l: ((f64, f64), (f64, f64)),
    expected: (usize, u64, u64, f64),
) -> (Vec<u64>, Vec<usize>) {
    let d = data::load(folder, traj, fps);
    let ix = TrajectoryIndex::new(&d).unwrap();
    let nt = n_t(&ix, &line(l.0, l.1)).unwrap();
    let (n, first, last, flow) = expected;
    assert_eq!(nt.total(), n, "{folder}/{traj}");
    assert_eq!(nt.crossings[0].frame, first);
    assert_eq!(nt.crossings.last().unwrap().frame, last);
    assert_eq!(*nt.cumulative.last().unwrap(), n);
    close(nt.mean_flow().unwrap(), flow, 1e-6, "mean flow");
    assert_eq!(nt.frames.len(), nt.cumulative.len());
    (nt.frames, nt.cumulative)
}

/// The JPSreport N–t file as (frames, cumulative).
fn jps_nt(folder: &str, file: &str) -> (Vec<u64>, Vec<usize>) {
    let c = data::jps(folder, &format!("FlowVelocity/{file}"));
    (
        c[0].iter().map(|&f| f as u64).collect(),
        c[2].iter().map(|&n| n as usize).collect(),
    )
}

#[test]
fn ao300_line_y_0_5_matches_jpsreport_exactly() {
    let folder = "hermes2009-AO300-wide-bottleneck";
    // compute_n_t(measurement_line=LINESTRING (-2.25 0.5, 4 0.5)): 348, frames 19–854,
    // 347 / (835 / 16 s) = 6.649102 1/s.
    let ours = check(
        folder,
        "traj_AO_300.txt",
        None,
        ((-2.25, 0.5), (4.0, 0.5)),
        (348, 19, 854, 6.649102),
    );
    assert_eq!(ours, jps_nt(folder, "Flow_NT_traj_AO_300.txt_id_4.dat"));
    // compute_crossing_frames: every crossing — each person crosses exactly once here.
    let d = data::load(folder, "traj_AO_300.txt", None);
    let ix = TrajectoryIndex::new(&d).unwrap();
    let all = crossing_frames(&ix, &line((-2.25, 0.5), (4.0, 0.5))).unwrap();
    assert_eq!(all.len(), 348);
    // Line y = 0: 348 crossings, frames 14–844, 6.689157 1/s.
    check(
        folder,
        "traj_AO_300.txt",
        None,
        ((-2.25, 0.0), (4.0, 0.0)),
        (348, 14, 844, 6.689157),
    );
}

#[test]
fn corner_matches_jpsreport_exactly() {
    let folder = "jpsreport-reftest-corner";
    // compute_n_t(LINESTRING (-3 0, 0 0)): 137, frames 98–828, 2.980822 1/s.
    let ours = check(
        folder,
        "traj.txt",
        None,
        ((-3.0, 0.0), (0.0, 0.0)),
        (137, 98, 828, 2.980822),
    );
    assert_eq!(ours, jps_nt(folder, "Flow_NT_traj.txt_id_2.dat"));
}

#[test]
fn t_junction() {
    // compute_n_t(LINESTRING (-2.4 1, 0 1)): 134, frames 147–1051, 2.353982 1/s.
    check(
        "hermes2009-T-junction-KO-240-050-240",
        "traj_KO_240_050_240.txt",
        None,
        ((-2.4, 1.0), (0.0, 1.0)),
        (134, 147, 1051, 2.353982),
    );
}

#[test]
fn madras() {
    // compute_n_t(LINESTRING (-1 0, -1 6)), 30 fps.
    for (file, expected) in [
        ("Topview_2E.txt", (153, 27, 2172, 2.125874)),
        ("Topview_2F.txt", (133, 24, 2395, 1.670181)),
    ] {
        check(
            "madras-lyon2022-festival-of-lights",
            file,
            Some(30.0),
            ((-1.0, 0.0), (-1.0, 6.0)),
            expected,
        );
    }
}

#[test]
fn reversed_line_gives_the_same_diagram() {
    let folder = "jpsreport-reftest-corner";
    let a = check(
        folder,
        "traj.txt",
        None,
        ((0.0, 0.0), (-3.0, 0.0)),
        (137, 98, 828, 2.980822),
    );
    assert_eq!(a, jps_nt(folder, "Flow_NT_traj.txt_id_2.dat"));
}
