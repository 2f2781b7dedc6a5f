//! The social force model against JuPedSim 1.4.2's `SocialForceModel` on one same scenario.
//!
//! Scenario: a 10 m × 10 m room with a 1 m wide, 2 m long exit corridor (x in [10, 12],
//! y in [4.5, 5.5]); 256 agents on a 16 × 16 lattice, agent (i, j) at
//! (0.7 + 0.55 i, 5 + 0.55 (j − 7.5)); every agent v0 = 1.34 m/s, r = 0.2 m, Helbing, Farkas &
//! Vicsek (2000)'s parameters (m = 80 kg, τ = 0.5 s, A = 2000 N, B = 0.08 m, k = 1.2e5 kg/s²),
//! dt = 0.01 s; flow (N − 1)/(t_N − t_1) over the first crossings of x = 11.
//!
//! JuPedSim's figures (python `jupedsim` 1.4.2, `jps.SocialForceModel(friction=0)`, agents
//! `SocialForceModelAgentParameters(desired_speed=1.34, radius=0.2)`, exit stage the polygon
//! x in [11.4, 12] of the corridor, positions read every step):
//! - the lattice: flow 3.446 1/s, last crossing of x = 11 at 75.40 s (aman: 3.433 1/s, 75.73 s);
//! - the lattice with every point moved by uniform ±5 cm in x and y (five draws): flows 3.487,
//!   3.413, 3.393, 3.452, 3.305 1/s (mean 3.41, sd 0.07); aman on the same five: 3.446, 3.527,
//!   3.498, 3.316, 3.346 (mean 3.43);
//! - r = 0.25 m, v0 = 1.0 m/s, lattice and five draws: JuPedSim mean 1.59 1/s (sd 0.06), aman
//!   1.56 (sd 0.03).
//!
//! The sliding friction κ is 0 in this comparison because JuPedSim 1.4.2 cannot run the
//! scenario with it: its wall force passes the agent's own velocity where Eq. (3) of the paper
//! has `−κ g(r − d)(v·t)t`, so the tangential term pushes an agent in contact with a wall along
//! it, faster and faster (a growth rate κ g/m, 30 1/s at 1 cm overlap), until it leaves the
//! area (`RuntimeError: Point (0.065, 10.399) is outside of accessible area` with κ = 2.4e5
//! at every radius and speed tried). aman keeps the paper's sign; with κ = 2.4e5 the same
//! lattice empties (test below).
//!
//! aman side-steps agents blocked for `blocked_time`; JuPedSim has no such rule, so it is set
//! beyond the run here.

use std::path::Path;

use aman_scenario::{Overrides, load_str};

mod common;

fn scenario(friction: f64) -> String {
    let mut pts = Vec::new();
    for i in 0..16 {
        for j in 0..16 {
            pts.push(format!(
                "[{}, {}]",
                0.7 + 0.55 * f64::from(i),
                5.0 + 0.55 * (f64::from(j) - 7.5)
            ));
        }
    }
    format!(
        r#"
[simulation]
dt = 0.01
end_time = 300.0
blocked_time = 600
[geometry]
wkt = "POLYGON ((0 0, 10 0, 10 4.5, 12 4.5, 12 5.5, 10 5.5, 10 10, 0 10, 0 0))"
routing_clearance = 0.2
[model]
kind = "social_force"
mass = 80.0
relaxation_time = 0.5
strength = 2000.0
range = 0.08
body_force = 120000.0
friction = {friction}
[[stages]]
kind = "exit"
name = "out"
door = [[12, 4.5], [12, 5.5]]
[[journeys]]
name = "j"
stages = ["out"]
[[populations]]
name = "lattice"
journey = "j"
area = [[0, 0], [10, 0], [10, 10], [0, 10]]
desired_speed = 1.34
radius = 0.2
positions = [{}]
[[measurement_lines]]
name = "corridor"
line = [[11, 5.5], [11, 4.5]]
"#,
        pts.join(", ")
    )
}

fn run(friction: f64) -> (usize, f64, f64) {
    let mut sc = load_str(
        &scenario(friction),
        Path::new("sfm-vs-jupedsim.toml"),
        &Overrides::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let v = common::run_checked(&mut sc, 10);
    assert_eq!((v.outside, v.crossed_wall), (0, 0));
    assert!(sc.simulation.is_finished(), "agents left inside at 300 s");
    let (n, flow) = common::mean_flow(&sc, 0);
    let last = *sc.simulation.crossing_times(0).last().unwrap();
    (n, flow, last)
}

/// Same model, same parameters, same start: the flow within 5 % of JuPedSim's lattice figure
/// (the spread over ±5 cm start draws is 2 % in either program) and the last crossing within
/// 5 % of its time.
#[test]
fn flow_through_a_1m_corridor_matches_jupedsim() {
    let (n, flow, last) = run(0.0);
    println!(
        "aman: {n} crossings, flow {flow:.3} 1/s, last at {last:.2} s; JuPedSim 3.446, 75.40 s"
    );
    assert_eq!(n, 256);
    let rel = (flow - 3.446) / 3.446;
    assert!(
        rel.abs() <= 0.05,
        "flow {flow:.3} 1/s vs JuPedSim 3.446 ({:+.1} %)",
        100.0 * rel
    );
    let rel = (last - 75.40) / 75.40;
    assert!(
        rel.abs() <= 0.05,
        "last crossing {last:.2} s vs JuPedSim 75.40 s ({:+.1} %)",
        100.0 * rel
    );
}

/// With the paper's friction (κ = 2.4e5 kg/(m·s)), where JuPedSim 1.4.2 pushes agents out of
/// the area, everybody stays inside and gets out, at about the flow without friction (measured
/// here: 3.42 1/s on the lattice against 3.43 without; 3.34 against 3.45 on the first ±5 cm draw).
#[test]
fn with_the_papers_friction_everybody_gets_out() {
    let (n, flow, _) = run(2.4e5);
    println!("aman with friction: {n} crossings, flow {flow:.3} 1/s");
    assert_eq!(n, 256);
    assert!((2.9..3.6).contains(&flow), "flow {flow:.3} 1/s");
}
