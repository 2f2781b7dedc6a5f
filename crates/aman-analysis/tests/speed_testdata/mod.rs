//! Small loaders for the real-data tests of speed, classic density, crossings, flow and
//! passing (`tests/{speed,classic,crossing,passing}_*.rs`, `tests/reference_flow.rs`): a
//! whitespace-separated `id frame x y …` trajectory, the ETH obsmat file, and JPSreport result
//! columns. Kept local so these tests do not depend on the readers in `aman-trajectory`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use aman_trajectory::TrajectoryData;

/// The folder `name` of the shared data directory (`../shared/data` next to the repository).
pub fn dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(name);
    assert!(
        dir.is_dir(),
        "test data folder {} is missing: these tests read the shared real-data folder \
         ../shared/data next to the repository (see DESIGN.md, \"Real data\")",
        dir.display()
    );
    dir
}

/// A JPSreport/PeTrack txt trajectory (`id frame x y [z]`, metres, `#` comments). The frame
/// rate is read from a `#framerate:` line, else `fps` (which must then be given).
pub fn load_txt(path: &Path, fps: Option<f64>) -> TrajectoryData {
    let text = std::fs::read_to_string(path).unwrap();
    let header = text.lines().find_map(|l| {
        l.strip_prefix('#')?
            .trim()
            .strip_prefix("framerate:")
            .map(|r| r.trim().parse::<f64>().unwrap())
    });
    let mut d = TrajectoryData::new(fps.or(header).expect("frame rate"));
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let c: Vec<&str> = line.split_whitespace().collect();
        d.push(
            c[0].parse::<f64>().unwrap() as u64,
            c[1].parse::<f64>().unwrap() as u64,
            c[2].parse().unwrap(),
            c[3].parse().unwrap(),
        );
    }
    d.sort_rows();
    d
}

/// A txt file of the shared data folder.
pub fn load(folder: &str, file: &str, fps: Option<f64>) -> TrajectoryData {
    load_txt(&dir(folder).join(file), fps)
}

/// ETH/BIWI `seq_eth` obsmat (`frame id x z y vx vz vy`), frames normalised with frame // 6,
/// 2.5 fps (SOURCE.md).
pub fn load_eth() -> TrajectoryData {
    let text = std::fs::read_to_string(dir("eth-biwi-seq_eth").join("obsmat.txt")).unwrap();
    let mut d = TrajectoryData::new(2.5);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let c: Vec<f64> = line
            .split_whitespace()
            .map(|v| v.parse().unwrap())
            .collect();
        d.push(c[1] as u64, c[0] as u64 / 6, c[2], c[4]);
    }
    d.sort_rows();
    d
}

/// Numeric columns of a JPSreport result file (tab/space separated, `#` comments).
pub fn columns(path: &Path) -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut cols: Vec<Vec<f64>> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        for (k, v) in line.split_whitespace().enumerate() {
            if cols.len() <= k {
                cols.push(Vec::new());
            }
            cols[k].push(v.parse().unwrap());
        }
    }
    cols
}

/// A JPSreport result file of a shared data folder.
pub fn jps(folder: &str, file: &str) -> Vec<Vec<f64>> {
    columns(
        &dir(folder)
            .join("jpsreport_results/Fundamental_Diagram")
            .join(file),
    )
}

/// A measurement area from its corners.
pub fn area(corners: &[(f64, f64)]) -> aman_geometry::MeasurementArea {
    aman_geometry::MeasurementArea::from_points("test area", corners).unwrap()
}

/// A measurement line from its end points.
pub fn line(a: (f64, f64), b: (f64, f64)) -> aman_geometry::MeasurementLine {
    use aman_geometry::{MeasurementLine, Segment, Vec2};
    MeasurementLine {
        name: "test line".into(),
        segment: Segment::new(Vec2::new(a.0, a.1), Vec2::new(b.0, b.1)),
    }
}

/// Asserts |actual − expected| ≤ tol with a readable message.
#[track_caller]
pub fn close(actual: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: {actual} vs {expected} (tolerance {tol})"
    );
}

/// The bottleneck of the AO 300 experiment, 3.18 m².
pub const AO300_BOTTLENECK: [(f64, f64); 4] =
    [(2.4, 0.53), (2.4, -0.53), (-0.6, -0.53), (-0.6, 0.53)];
