//! `[model] kind = "generalized_centrifugal_force"` in a scenario file: its keys reach the
//! model, a parameter out of range or a time step too large for it is a clear error, and a
//! small crowd walks out of a corridor.

use std::path::Path;

/// A 10 m × 3 m corridor with an exit at the east end, 10 persons, and `model` as the body of
/// `[model]` after its kind; `dt` the time step.
fn corridor(model: &str, dt: f64) -> Result<aman_scenario::Scenario, aman_scenario::ScenarioError> {
    let text = format!(
        r#"
[simulation]
end_time = 60.0
dt = {dt}
seed = 1

[geometry]
wkt = "POLYGON ((0 0, 10 0, 10 3, 0 3, 0 0))"

[model]
kind = "generalized_centrifugal_force"
{model}

[[stages]]
kind = "exit"
name = "east"
polygon = [[9.5, 0], [10, 0], [10, 3], [9.5, 3]]

[[journeys]]
name = "out"
stages = ["east"]

[[populations]]
name = "crowd"
journey = "out"
area = [[1, 0.5], [4, 0.5], [4, 2.5], [1, 2.5]]
count = 10
"#
    );
    aman_scenario::load_str(&text, Path::new("gcfm.toml"), &Default::default())
}

#[test]
fn keys_reach_the_model_and_the_crowd_walks_out() {
    let mut sc = corridor("b_max = 0.3\nstrength_neighbor_repulsion = 0.2", 0.01)
        .unwrap_or_else(|e| panic!("{e}"));
    match &sc.simulation.config().model {
        aman_sim::Model::GeneralizedCentrifugalForce(m) => {
            assert_eq!(m.b_max, 0.3);
            assert_eq!(m.strength_neighbor_repulsion, 0.2);
            // the others from calibrated/generalized_centrifugal_force.toml: JuPedSim's
            assert_eq!(m.a_v, 1.0);
            assert_eq!(m.max_neighbor_repulsion_force, 9.0);
        }
        other => panic!("model {}", other.name()),
    }
    while !sc.simulation.is_finished() && sc.simulation.time() < 60.0 {
        sc.simulation.step();
    }
    let out = sc.simulation.exits();
    assert_eq!(out.len(), 10, "{} of 10 out after 60 s", out.len());
    // 10 persons from 1–4 m to 9.5 m at v0 ≈ 1.34 m/s: the first out after several seconds
    let first = out.iter().map(|e| e.time).fold(f64::INFINITY, f64::min);
    assert!(first > 3.0, "first out at {first} s");
}

#[test]
fn out_of_range_parameters_and_a_coarse_time_step_are_clear_errors() {
    let e = corridor("a_min = 0.05", 0.01).err().unwrap().to_string();
    assert!(
        e.contains("generalized_centrifugal_force.a_min = 0.05") && e.contains("[0.1, 1] m"),
        "{e}"
    );
    let e = corridor("b_min = 0.3\nb_max = 0.25", 0.01)
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("b_max = 0.25 m is smaller than b_min = 0.3 m"),
        "{e}"
    );
    let e = corridor("tau = 0.1", 0.1).err().unwrap().to_string();
    assert!(e.contains("tau/2 = 0.05"), "{e}");
    let e = corridor("eta = 0.3", 0.01).err().unwrap().to_string();
    assert!(e.contains("eta"), "{e}");
}
