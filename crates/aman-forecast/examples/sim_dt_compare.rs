//! Evacuation times of the event entrance site (`scenarios/event-entrance-evacuation`: 20,000
//! persons, pre-movement uniform over 0–60 s, five street ends) at a given time step, to check
//! that a larger step than the scenario's 0.02 s gives the same evacuation (the simulation
//! forecast's time step, docs/forecast.md "What it costs").
//!
//! `cargo run --release -p aman-forecast --example sim_dt_compare [DT] [END] [SEED]`
//! (defaults 0.02 s, 900 s, the scenario's seed) prints the times (s) at which 10, 50, 90 and
//! 99 % of those placed have left and the last left, the persons left at every minute, and
//! the wall time of the run, then where each person still inside is (a person caught
//! between the thin barriers of the entrance lanes, whose gaps the 0.4 m routing grid does
//! not resolve, shows here). A benchmark to read, not a timed test.

use std::path::Path;
use std::time::Instant;

fn main() {
    let arg = |i: usize| std::env::args().nth(i).and_then(|s| s.parse::<f64>().ok());
    let dt = arg(1).unwrap_or(0.02);
    let end = arg(2).unwrap_or(900.0);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join("scenarios/event-entrance-evacuation/scenario.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut file = aman_scenario::parse_str(&text, &path).unwrap_or_else(|e| panic!("{e}"));
    file.simulation.dt = dt;
    let overrides = aman_scenario::Overrides {
        seed: arg(3).map(|s| s as u64),
        ..Default::default()
    };
    let t0 = Instant::now();
    let mut sim = aman_scenario::build(file, &path, &overrides)
        .unwrap_or_else(|e| panic!("{e}"))
        .simulation;
    let setup = t0.elapsed().as_secs_f64();
    let n = sim.agents().len();
    let mut minute = 60.0;
    let mut per_minute = Vec::new();
    while !sim.is_finished() && sim.time() < end - 0.5 * dt {
        sim.step();
        if sim.time() + 0.5 * dt >= minute {
            per_minute.push((minute, sim.exits().len()));
            minute += 60.0;
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let times: Vec<f64> = sim.exits().iter().map(|e| e.time).collect();
    let at = |q: f64| {
        let k = ((q * n as f64).ceil() as usize).max(1);
        times.get(k - 1).map_or(f64::NAN, |t| *t)
    };
    println!(
        "dt = {dt} s: {n} placed, {} left by {:.1} s; 10 % {:.2} s, 50 % {:.2} s, 90 % {:.2} s, \
         99 % {:.2} s, last {:.2} s; {:.1} s wall ({setup:.1} s set-up)",
        times.len(),
        sim.time(),
        at(0.1),
        at(0.5),
        at(0.9),
        at(0.99),
        times.last().copied().unwrap_or(f64::NAN),
        wall
    );
    let row: Vec<String> = per_minute
        .iter()
        .map(|(t, k)| format!("{t:.0} s: {k}"))
        .collect();
    println!("left by: {}", row.join(", "));
    // who is still inside, and where (a person stuck at a corner shows here)
    let a = sim.agents();
    for i in 0..a.len() {
        println!(
            "inside: ({:.2}, {:.2}) target {:?}, blocked for {:.1} s, walked {:.1} m",
            a.position[i].x, a.position[i].y, a.target[i], a.blocked_for[i], a.walked[i]
        );
    }
}
