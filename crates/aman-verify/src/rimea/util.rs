//! Small helpers shared by the RiMEA tests: rectangles, counting agents in an area, the common
//! lines of an outcome's details.

use std::path::Path;

use aman_geometry::Vec2;
use aman_sim::Simulation;

use crate::{Options, RunLog, VerifyError};

/// An axis-aligned measurement area, m.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Area {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Area {
    /// `[x0, x1] × [y0, y1]`.
    pub(crate) fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Self {
        Self { x0, y0, x1, y1 }
    }
    /// Its area, m².
    pub(crate) fn size(&self) -> f64 {
        (self.x1 - self.x0) * (self.y1 - self.y0)
    }
    /// Whether `p` lies inside (boundary included).
    pub(crate) fn contains(&self, p: Vec2) -> bool {
        p.x >= self.x0 && p.x <= self.x1 && p.y >= self.y0 && p.y <= self.y1
    }
    /// Agents of `sim` whose centre lies inside.
    pub(crate) fn count(&self, sim: &Simulation) -> usize {
        sim.agents()
            .position
            .iter()
            .filter(|p| self.contains(**p))
            .count()
    }
    /// Text such as "[8, 10] × [4, 6] m".
    pub(crate) fn describe(&self) -> String {
        format!("[{}, {}] × [{}, {}] m", self.x0, self.x1, self.y0, self.y1)
    }
}

/// No position outside the walkable area and no move across a wall.
pub(crate) fn no_wall_problems(log: &RunLog) -> bool {
    log.outside == 0 && log.crossed_wall == 0
}

/// The details every test reports: model, seed, scenario file, the run's summary.
pub(crate) fn base_details(
    opts: &Options,
    files: &[&Path],
    logs: &[(&str, &RunLog)],
) -> Vec<String> {
    let mut d = vec![format!("model {}, seed {}", opts.model, opts.seed)];
    for f in files {
        let shown = f.strip_prefix(&opts.root).unwrap_or(f);
        d.push(format!("scenario: {}", shown.display()));
    }
    for (name, log) in logs {
        if name.is_empty() {
            d.push(log.summary());
        } else {
            d.push(format!("{name}: {}", log.summary()));
        }
    }
    d
}

/// The index of the population called `name` (its exit records' group).
pub(crate) fn population_index(
    file: &aman_scenario::file::ScenarioFile,
    name: &str,
) -> Result<usize, VerifyError> {
    file.populations
        .iter()
        .position(|p| p.name == name)
        .ok_or_else(|| VerifyError::Data(format!("the scenario has no population '{name}'")))
}

/// Mean of `v`; `None` when empty.
pub(crate) fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// Uniform in [−a, a] from `rng` (the jitter of test 4's lattices).
pub(crate) fn symmetric(rng: &mut aman_sim::rng::SplitMix64, a: f64) -> f64 {
    (2.0 * rng.uniform() - 1.0) * a
}

/// The walls of `sim` as one polyline per ring (consecutive segments joined), for figures.
pub(crate) fn wall_series(sim: &Simulation) -> Vec<crate::Series> {
    let mut rings: Vec<Vec<(f64, f64)>> = Vec::new();
    for s in sim.walkable_area().segments() {
        match rings.last_mut() {
            Some(r) if r.last().is_some_and(|&(x, y)| x == s.a.x && y == s.a.y) => {
                r.push((s.b.x, s.b.y));
            }
            _ => rings.push(vec![(s.a.x, s.a.y), (s.b.x, s.b.y)]),
        }
    }
    rings
        .into_iter()
        .enumerate()
        .map(|(k, points)| crate::Series {
            name: if k == 0 {
                "walls".into()
            } else {
                format!("walls {}", k + 1)
            },
            points,
            style: crate::SeriesStyle::Line,
        })
        .collect()
}

/// A histogram of `values` over bins of width `bin` from `lo`, as a staircase: one point per bin
/// at its lower edge, plus the upper edge of the last.
pub(crate) fn histogram(values: &[f64], lo: f64, hi: f64, bin: f64) -> Vec<(f64, f64)> {
    let n = ((hi - lo) / bin).ceil().max(1.0) as usize;
    let mut counts = vec![0usize; n];
    for &v in values {
        if v >= lo && v < lo + n as f64 * bin {
            counts[(((v - lo) / bin) as usize).min(n - 1)] += 1;
        }
    }
    let mut pts: Vec<(f64, f64)> = counts
        .iter()
        .enumerate()
        .map(|(k, &c)| (lo + k as f64 * bin, c as f64))
        .collect();
    pts.push((lo + n as f64 * bin, *counts.last().unwrap_or(&0) as f64));
    pts
}
