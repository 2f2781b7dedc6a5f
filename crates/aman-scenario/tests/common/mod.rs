//! Shared helpers of the scenario tests: locate shipped scenarios and run them.

#![allow(dead_code)]

use std::path::PathBuf;

use aman_geometry::Segment;
use aman_scenario::Scenario;

/// A shipped scenario, `scenarios/<name>/scenario.toml` at the repository root. Fails with a
/// message naming the missing file. Scenarios that read `../shared/data` need it beside the
/// repository.
pub fn scenario(name: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(name)
        .join("scenario.toml");
    assert!(p.exists(), "shipped scenario missing: {}", p.display());
    p
}

/// Fails with a clear message if `../shared/data/<folder>` (beside the repository) is absent.
pub fn require_data(folder: &str) {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(folder);
    assert!(
        p.is_dir(),
        "real data folder missing: {} (../shared must sit beside the repository)",
        p.display()
    );
}

/// Loads a shipped scenario, panicking with the scenario error's message.
pub fn load(name: &str) -> Scenario {
    aman_scenario::load(&scenario(name)).unwrap_or_else(|e| panic!("{e}"))
}

/// Mean flow (N − 1)/(t_last − t_first), 1/s, of the crossings of line `line`: the convention
/// of PedPy's figures in the datasets' SOURCE.md.
pub fn mean_flow(sc: &Scenario, line: usize) -> (usize, f64) {
    let mut t: Vec<f64> = sc
        .simulation
        .crossings()
        .iter()
        .filter(|c| c.line == line)
        .map(|c| c.time)
        .collect();
    t.sort_by(f64::total_cmp);
    let n = t.len();
    assert!(n >= 2, "fewer than two crossings of line {line}");
    (n, (n - 1) as f64 / (t[n - 1] - t[0]))
}

/// What went wrong with positions during a run, checked after every step.
#[derive(Debug, Default)]
pub struct Violations {
    /// Positions not strictly inside the walkable area.
    pub outside: usize,
    /// Moves that crossed a wall segment.
    pub crossed_wall: usize,
}

/// Runs until everybody left or end time, checking every position after every step: inside the
/// walkable area and no move across a wall. `every` > 1 checks only every n-th step.
pub fn run_checked(sc: &mut Scenario, every: u64) -> Violations {
    let mut v = Violations::default();
    let sim = &mut sc.simulation;
    let end = (sc.end_time / sim.config().dt).round() as u64;
    let walls: Vec<Segment> = sim.walkable_area().segments().to_vec();
    let index = aman_geometry::WallIndex::new(&walls, 2.0, 1.0);
    let mut before: Vec<(u64, aman_geometry::Vec2)> = Vec::new();
    while !sim.is_finished() && sim.iteration() < end {
        let check = sim.iteration().is_multiple_of(every);
        if check {
            before.clear();
            before.extend(
                sim.agents()
                    .id
                    .iter()
                    .map(|i| i.0)
                    .zip(sim.agents().position.iter().copied()),
            );
        }
        sim.step();
        if check {
            let a = sim.agents();
            let mut k = 0;
            for i in 0..a.len() {
                let p = a.position[i];
                if !sim.walkable_area().contains(p) {
                    v.outside += 1;
                }
                while k < before.len() && before[k].0 < a.id[i].0 {
                    k += 1;
                }
                if k < before.len() && before[k].0 == a.id[i].0 {
                    let mv = Segment::new(before[k].1, p);
                    if index
                        .near(p)
                        .iter()
                        .any(|&s| index.segment(s).intersects(&mv))
                    {
                        v.crossed_wall += 1;
                    }
                }
            }
        }
    }
    v
}
