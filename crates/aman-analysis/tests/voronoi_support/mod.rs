//! Helpers shared by the `voronoi_*`, `neighbours_*` and `line_fd_*` tests: a small reader for
//! the JPSreport/PeTrack txt trajectories of the shared data folder, JPSreport result files, the
//! reference geometries, and individual speeds as PedPy computes them (so these tests do not
//! depend on the reader and speed modules being written in parallel).
#![allow(dead_code)]

use std::path::Path;

use aman_analysis::index::TrajectoryIndex;
use aman_geometry::{MeasurementArea, Vec2, WalkableArea, import};
use aman_trajectory::TrajectoryData;

#[path = "../testdata/mod.rs"]
mod testdata;

/// A reference case: trajectory file, walkable area and measurement area (PedPy 1.5.1
/// reference-test geometries).
pub struct Case {
    pub folder: &'static str,
    pub traj: &'static str,
    pub walkable: &'static str,
    pub area: &'static [(f64, f64)],
}

pub const AO300: Case = Case {
    folder: "hermes2009-AO300-wide-bottleneck",
    traj: "traj_AO_300.txt",
    walkable: "POLYGON ((-2.25 -8.5, -2.25 -0.53, -0.6 -0.53, -0.6 0.53, -2.25 0.53, -2.25 6.25, \
               4 6.25, 4 0.53, 2.4 0.53, 2.4 -0.53, 4 -0.53, 4 -8.5, -2.25 -8.5))",
    area: &[(2.4, 0.53), (2.4, -0.53), (-0.6, -0.53), (-0.6, 0.53)],
};

pub const CORNER: Case = Case {
    folder: "jpsreport-reftest-corner",
    traj: "traj.txt",
    walkable: "POLYGON ((0 0, 0 5, -3 5, -3 -3, 5 -3, 5 0, 0 0))",
    area: &[(0.0, 0.0), (-3.0, 0.0), (-3.0, 2.0), (0.0, 2.0)],
};

pub const T_JUNCTION: Case = Case {
    folder: "hermes2009-T-junction-KO-240-050-240",
    traj: "traj_KO_240_050_240.txt",
    walkable: "POLYGON ((-5 -2.4, -5 0, -2.4 0, -2.4 4.5, 0 4.5, 0 0, 4 0, 4 -2.4, -5 -2.4))",
    area: &[(-2.4, 1.0), (-2.4, 3.0), (0.0, 3.0), (0.0, 1.0)],
};

impl Case {
    pub fn data(&self) -> TrajectoryData {
        read_txt(&testdata::dir(self.folder).join(self.traj))
    }
    pub fn walkable(&self) -> WalkableArea {
        import::walkable_area_from_wkt(self.walkable, self.folder).unwrap()
    }
    pub fn area(&self) -> MeasurementArea {
        MeasurementArea::from_points("area", self.area).unwrap()
    }
    /// A JPSreport result file of this case's `Classical_Voronoi` folder: (frame, density,
    /// velocity) rows.
    pub fn jpsreport_voronoi(&self, file: &str) -> Vec<(u64, f64, f64)> {
        let path = testdata::dir(self.folder)
            .join("jpsreport_results/Fundamental_Diagram/Classical_Voronoi")
            .join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        text.lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|l| {
                let v: Vec<&str> = l.split_whitespace().collect();
                (
                    v[0].parse().unwrap(),
                    v[1].parse().unwrap(),
                    v[2].parse().unwrap(),
                )
            })
            .collect()
    }
}

/// Reads a whitespace-separated `id frame x y [z]` file in metres; `#framerate: N` in the
/// header sets the frame rate (16 fps otherwise); other `#` lines are comments.
pub fn read_txt(path: &Path) -> TrajectoryData {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut fps = 16.0;
    let mut rows = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if let Some(c) = l.strip_prefix('#') {
            if let Some(v) = c.trim().strip_prefix("framerate:") {
                fps = v.trim().parse().unwrap();
            }
            continue;
        }
        if l.is_empty() {
            continue;
        }
        let v: Vec<&str> = l.split_whitespace().collect();
        rows.push((
            v[0].parse::<u64>().unwrap(),
            v[1].parse::<u64>().unwrap(),
            v[2].parse::<f64>().unwrap(),
            v[3].parse::<f64>().unwrap(),
        ));
    }
    let mut d = TrajectoryData::new(fps);
    for (id, frame, x, y) in rows {
        d.push(id, frame, x, y);
    }
    d.sort_rows();
    d.check().unwrap();
    d
}

/// Individual velocity as PedPy 1.5.1 `compute_individual_speed(frame_step,
/// compute_velocity=True, speed_calculation=BORDER_SINGLE_SIDED)`: displacement from the row
/// `frame_step` rows earlier to the row `frame_step` rows later in the person's track (the
/// current row where that does not exist) over the frames between them. Returns (speed,
/// velocity), m/s; NaN for a track of one row.
pub fn single_sided_velocity(
    index: &TrajectoryIndex<'_>,
    frame_step: usize,
) -> (Vec<f64>, Vec<Vec2>) {
    let d = index.data();
    let mut speed = vec![f64::NAN; d.len()];
    let mut vel = vec![Vec2::new(f64::NAN, f64::NAN); d.len()];
    for t in 0..index.ids().len() {
        let rows = index.track(t);
        for (k, &r) in rows.iter().enumerate() {
            let s = if k >= frame_step {
                rows[k - frame_step]
            } else {
                r
            } as usize;
            let e = *rows.get(k + frame_step).unwrap_or(&r) as usize;
            let dt = (d.frame[e] - d.frame[s]) as f64 / d.frame_rate;
            let v = Vec2::new((d.x[e] - d.x[s]) / dt, (d.y[e] - d.y[s]) / dt);
            speed[r as usize] = v.norm();
            vel[r as usize] = v;
        }
    }
    (speed, vel)
}
