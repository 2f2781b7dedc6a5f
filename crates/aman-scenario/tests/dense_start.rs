//! Start positions closer than two radii (heads measured in a dense crowd): the radii of the
//! persons concerned are shrunk to fit, with a note, and the scenario runs (docs/scenario.md,
//! "Populations").

use std::path::Path;

mod common;

/// A 10 m × 3 m corridor with an exit at the east end and one population at `positions`, of
/// radius 0.18 m.
fn corridor(positions: &str) -> Result<aman_scenario::Scenario, aman_scenario::ScenarioError> {
    let text = format!(
        r#"
[simulation]
end_time = 120.0
seed = 3

[geometry]
wkt = "POLYGON ((0 0, 10 0, 10 3, 0 3, 0 0))"

[[stages]]
kind = "exit"
name = "east"
polygon = [[9.5, 0], [10, 0], [10, 3], [9.5, 3]]

[[journeys]]
name = "out"
stages = ["east"]

[[populations]]
name = "dense"
journey = "out"
area = [[1, 0.5], [4, 0.5], [4, 2.5], [1, 2.5]]
radius = 0.18
positions = {positions}
"#
    );
    aman_scenario::load_str(&text, Path::new("dense.toml"), &Default::default())
}

#[test]
fn two_persons_closer_than_two_radii_are_shrunk_and_run() {
    // 0.2 m apart with r = 0.18 m: 0.36 m needed, so each gets r = 0.2 / 2 = 0.1 m.
    let mut sc = corridor("[[2, 1.5], [2.2, 1.5], [3.5, 1.5]]").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.notes.len(), 1, "{:?}", sc.notes);
    let note = &sc.notes[0];
    assert!(note.contains("populations[0] ('dense')"), "{note}");
    assert!(note.contains("2 of 3 given positions"), "{note}");
    assert!(note.contains("smallest 0.100 m"), "{note}");
    let radii = sc.simulation.agents().radius.clone();
    assert_eq!(radii.len(), 3);
    assert!(
        (radii[0] - 0.1).abs() < 1e-12 && (radii[1] - 0.1).abs() < 1e-12,
        "{radii:?}"
    );
    // The third person, 1.3 m from the others, keeps its radius.
    assert_eq!(radii[2], 0.18);
    let log = common::run_checked(&mut sc, 1);
    assert_eq!((log.outside, log.crossed_wall), (0, 0));
    assert!(
        sc.simulation.is_finished(),
        "not out by {} s",
        sc.simulation.time()
    );
}

#[test]
fn positions_two_radii_apart_are_kept() {
    let sc = corridor("[[2, 1.5], [2.4, 1.5]]").unwrap_or_else(|e| panic!("{e}"));
    assert!(sc.notes.is_empty(), "{:?}", sc.notes);
    assert_eq!(sc.simulation.agents().radius, vec![0.18, 0.18]);
}

#[test]
fn positions_on_one_spot_are_an_error() {
    // 4 cm apart: radii of 2 cm would be needed, below the 5 cm accepted.
    let e = corridor("[[2, 1.5], [2.04, 1.5]]").unwrap_err().to_string();
    assert!(e.contains("populations[0] ('dense').positions[0]"), "{e}");
    assert!(e.contains("move the points apart"), "{e}");
}
