//! Shared helpers of the scenario tests: locate shipped scenarios and run them.

#![allow(dead_code)]

use std::path::PathBuf;

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
    let t = sc.simulation.crossing_times(line);
    let n = t.len();
    assert!(n >= 2, "fewer than two crossings of line {line}");
    (n, (n - 1) as f64 / (t[n - 1] - t[0]))
}

/// Runs until everybody left or end time, checking every position after every `every`-th step:
/// inside the walkable area and no move across a wall.
pub fn run_checked(sc: &mut Scenario, every: u64) -> aman_scenario::RunLog {
    aman_scenario::run_checked(sc, every, |_| {})
}
