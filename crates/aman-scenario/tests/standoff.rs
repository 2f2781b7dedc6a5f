//! Agents never freeze forever in a symmetric stand-off: two persons meeting head-on on exactly
//! the same line in a corridor (the pure stand-off of first-order models: every force is along
//! the line), and a crowd facing a crowd, get past each other.

use std::path::Path;

mod common;

/// A corridor `length` × `width` m with an exit strip at each end, an eastbound and a
/// westbound population (`east` and `west`: the TOML keys placing them), and `model`.
fn corridor(
    length: f64,
    width: f64,
    model: &str,
    east: &str,
    west: &str,
) -> aman_scenario::Scenario {
    let text = format!(
        r#"
[simulation]
end_time = 300.0
seed = 5

[geometry]
wkt = "POLYGON ((0 0, {length} 0, {length} {width}, 0 {width}, 0 0))"

[model]
kind = "{model}"

[[stages]]
kind = "exit"
name = "east"
polygon = [[{x1}, 0], [{length}, 0], [{length}, {width}], [{x1}, {width}]]

[[stages]]
kind = "exit"
name = "west"
polygon = [[0, 0], [0.5, 0], [0.5, {width}], [0, {width}]]

[[journeys]]
name = "to-east"
stages = ["east"]

[[journeys]]
name = "to-west"
stages = ["west"]

[[populations]]
name = "eastbound"
journey = "to-east"
{east}

[[populations]]
name = "westbound"
journey = "to-west"
{west}
"#,
        x1 = length - 0.5
    );
    aman_scenario::load_str(&text, Path::new("corridor.toml"), &Default::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// One person each way, on exactly the line y = 1.5.
fn head_on(model: &str) -> aman_scenario::Scenario {
    corridor(
        20.0,
        3.0,
        model,
        "area = [[4, 1], [6, 1], [6, 2], [4, 2]]\npositions = [[5, 1.5]]",
        "area = [[14, 1], [16, 1], [16, 2], [14, 2]]\npositions = [[15, 1.5]]",
    )
}

#[test]
fn two_agents_head_on_pass_each_other_cfsm() {
    let mut sc = head_on("collision_free_speed");
    let v = common::run_checked(&mut sc, 1);
    assert_eq!((v.outside, v.crossed_wall), (0, 0));
    assert!(
        sc.simulation.is_finished(),
        "stand-off not resolved by {} s",
        sc.simulation.time()
    );
    // 10 m to walk at 1.2 m/s (≈ 8 s) plus at most a few blocked periods of 3 s
    assert!(
        sc.simulation.time() < 40.0,
        "took {} s",
        sc.simulation.time()
    );
}

#[test]
fn two_agents_head_on_pass_each_other_sfm() {
    let mut sc = head_on("social_force");
    let v = common::run_checked(&mut sc, 1);
    assert_eq!((v.outside, v.crossed_wall), (0, 0));
    assert!(
        sc.simulation.is_finished(),
        "stand-off not resolved by {} s",
        sc.simulation.time()
    );
}

/// Two groups of 30 walking into each other in a 3 m corridor (counter-flow): everybody gets
/// through.
#[test]
fn counter_flow_in_a_corridor_resolves() {
    let mut sc = corridor(
        30.0,
        3.0,
        "collision_free_speed",
        "area = [[1, 0], [9, 0], [9, 3], [1, 3]]\ncount = 30",
        "area = [[21, 0], [29, 0], [29, 3], [21, 3]]\ncount = 30",
    );
    let v = common::run_checked(&mut sc, 5);
    assert_eq!((v.outside, v.crossed_wall), (0, 0));
    assert!(
        sc.simulation.is_finished(),
        "{} agents still inside after {} s",
        sc.simulation.agents().len(),
        sc.simulation.time()
    );
}
