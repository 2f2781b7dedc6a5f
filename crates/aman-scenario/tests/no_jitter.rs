//! No jitter (issue 14, point 3): in a dense queue in front of a narrow door, a blocked agent
//! stands or steps aside; it does not walk backwards and forwards by centimetres.
//!
//! Two queues, each run with both pedestrian models:
//! - 75 persons at about 3.3 persons/m² in front of a 0.5 m wide, 0.4 m deep door (the
//!   narrow-door experiments of T. Kretz, A. Grünebohm, M. Schreckenberg, "Experimental study of
//!   pedestrian flow through a bottleneck", J. Stat. Mech. (2006) P10014, with widths from
//!   0.4 m);
//! - the shipped `wuppertal-2014-b080` scenario (46 persons, 0.80 m opening).
//!
//! Per person the test counts
//! - (a) the crossings of a line in front of the door (0.3 m before it, 0.5 m wider than it on
//!   each side), in each direction, computed here from the positions after every step, not by
//!   the simulator's or the analysis's crossing counters: everybody starts behind it and leaves
//!   through the door, so each person should cross it once, forwards. A few still cross it
//!   backwards (12 per run with the CFSM, 46 with the SFM at the 0.5 m door): by moving sideways
//!   to the route where it runs along the line, by being pushed back, or in a side step;
//! - (b) the reversals of the position along the desired direction: a maximal run of
//!   consecutive steps each moving against the route direction (the routing field's, at the
//!   position before the step), counted when the run adds up to more than 1 mm backwards. 1 mm
//!   lies far below the 1–4 cm back-and-forth the issue reports and below anything a person
//!   could perceive or a camera measure (the trajectories of ../shared/data are given to 1 mm,
//!   and their accuracy is a few centimetres), yet far above round-off; a person who only
//!   sways sideways, or stands, produces none. Steps of a side step (an agent blocked for
//!   longer than the blocked time, 3 s, turns up to 108° off its route to break the stand-off)
//!   are counted apart: they may back off.
//!
//! The figures measured before and after the change are given at the tests.
//!
//! **Status: ignored.** Issue 14 point 3 is open: both models still step back in dense queues.
//! Every fix tried for the collision-free speed model cost flow or left arches standing, and
//! was taken out again (docs/calibration.md, "What the model cannot do yet", gives every
//! figure): standing when the direction points against the route (the room of `door_flow`,
//! radius 0.2 m, time gap 1 s, took 262 s instead of 125 s to empty); stepping sideways instead
//! (199 s); heading on along e0 when pushed back (234 of 240 persons locked); stepping back no
//! further than the overlap with the persons ahead (0.4 m bottleneck at 25–44 % of the measured
//! flow); scaling the speed by `min(1, |e_0 + Σ R| / 0.5)` (commit d7c5437: −96 % reversals, the
//! Wuppertal opening −10 % over 8 seeds); "no overshoot", the move cut to half the linearised
//! distance to the balance of `e_0 + Σ R` (branch jitter2, commits 7650eda and b6c0334:
//! reversals 28346 → 1575 here and 5879 → 336 at Wuppertal, flows there as before, but arches at
//! a 0.8 m door stayed for good or held the last persons for minutes); and on top of it standing
//! while pushed back by less than 0.2 (868 / 115 reversals, but Wuppertal −6 % over 6 seeds and
//! Adrian's 0.5 m entrance −16 %). What no overshoot leaves are slow drifts (most backward runs
//! over 1 cm last 0.5 s or longer and are 2–20 cm long): a queued agent closer to the person
//! ahead than the model's balance gap backs off until it reaches it. Run these with `--ignored`
//! to measure the next attempt.

use std::collections::HashMap;
use std::path::Path;

use aman_geometry::Vec2;
use aman_scenario::{Overrides, Scenario, load_str};

mod common;

/// Per-person counts over a run.
#[derive(Debug, Default, Clone, Copy)]
struct Person {
    /// Crossings of the line in the walking direction.
    forward: u32,
    /// Crossings of the line against it.
    backward: u32,
    /// Reversals along the desired direction larger than [`REVERSAL`].
    reversals: u32,
    /// Backward distance in the current run of backward steps, m.
    run: f64,
    /// Whether the current run has been counted already.
    counted: bool,
    /// Total distance walked against the desired direction, m.
    back: f64,
    /// … of it in side steps, m.
    side_back: f64,
    /// Longest run of backward steps outside side steps, m.
    longest: f64,
    /// Runs of backward steps longer than 5 mm, and than 1 cm.
    over5mm: u32,
    over1cm: u32,
}

/// The simulation's default blocked time, s: an agent blocked for longer side-steps.
const BLOCKED_TIME: f64 = 3.0;

/// Smallest backward run counted as a reversal, m (see the module documentation).
const REVERSAL: f64 = 1e-3;

/// What one run measured.
#[derive(Debug)]
struct Counts {
    persons: usize,
    /// Persons who crossed the line exactly once, forwards.
    once: usize,
    /// Crossings in all, forwards and backwards.
    forward: u32,
    backward: u32,
    /// Most crossings by one person.
    most: u32,
    /// Reversals in all, and most by one person.
    reversals: u32,
    most_reversals: u32,
    /// Largest total backward distance of one person, m.
    most_back: f64,
    /// Largest total backward distance of one person in side steps, m.
    most_side_back: f64,
    /// Persons who left.
    left: usize,
    /// Longest backward run of one person outside side steps, m.
    longest: f64,
    /// Backward runs longer than 5 mm, and than 1 cm, of everybody.
    over5mm: u32,
    over1cm: u32,
}

/// Runs `sc` to its end, with the line `y = line_y` for `x` in `span`, walked across towards
/// `−y`, and counts per person; reversals while upstream of `y = queue_y` (the door's far
/// face).
fn measure(mut sc: Scenario, line_y: f64, span: (f64, f64), queue_y: f64) -> Counts {
    let persons = sc.total_agents();
    let mut people: HashMap<u64, Person> = HashMap::new();
    // id → (position, route direction there) after the previous step
    let mut prev: HashMap<u64, (Vec2, Vec2, f64)> = HashMap::new();
    let snapshot = |sim: &aman_sim::Simulation, out: &mut HashMap<u64, (Vec2, Vec2, f64)>| {
        out.clear();
        let a = sim.agents();
        for i in 0..a.len() {
            let p = a.position[i];
            out.insert(
                a.id[i].0,
                (p, sim.walking_direction(a.target[i], p), a.blocked_for[i]),
            );
        }
    };
    snapshot(&sc.simulation, &mut prev);
    let mut next = HashMap::new();
    let log = aman_scenario::run_checked(&mut sc, 10, |sim| {
        let a = sim.agents();
        for i in 0..a.len() {
            let id = a.id[i].0;
            let Some(&(p0, e0, b0)) = prev.get(&id) else {
                continue;
            };
            let p1 = a.position[i];
            let who = people.entry(id).or_default();
            // (a) crossings of the line
            let (s0, s1) = (p0.y < line_y, p1.y < line_y);
            if s0 != s1 {
                let f = (line_y - p0.y) / (p1.y - p0.y);
                let x = p0.x + f * (p1.x - p0.x);
                if x >= span.0 && x <= span.1 {
                    if s1 {
                        who.forward += 1;
                    } else {
                        who.backward += 1;
                    }
                }
            }
            // (b) reversals along the desired direction, in the queue (upstream of the door:
            // beyond it the tactical layer aims at the exit door instead of following the
            // routing field, whose direction there is not the desired one)
            let along = if p0.y > queue_y {
                (p1 - p0).dot(e0)
            } else {
                0.0
            };
            if b0 > BLOCKED_TIME {
                // a side step (blocked for longer than the blocked time): counted apart
                if along < 0.0 {
                    who.side_back -= along;
                }
                continue;
            }
            if along < 0.0 {
                who.run -= along;
                who.back -= along;
                who.longest = who.longest.max(who.run);
                if who.run > REVERSAL && !who.counted {
                    who.reversals += 1;
                    who.counted = true;
                }
            } else if along > 0.0 {
                if who.run > 5e-3 {
                    who.over5mm += 1;
                }
                if who.run > 1e-2 {
                    who.over1cm += 1;
                }
                who.run = 0.0;
                who.counted = false;
            }
        }
        snapshot(sim, &mut next);
        std::mem::swap(&mut prev, &mut next);
    });
    assert!(
        log.outside == 0 && log.crossed_wall == 0,
        "{}",
        log.summary()
    );
    let left = sc.simulation.exits().len();
    let mut c = Counts {
        persons,
        once: 0,
        forward: 0,
        backward: 0,
        most: 0,
        reversals: 0,
        most_reversals: 0,
        most_back: 0.0,
        most_side_back: 0.0,
        left,
        longest: 0.0,
        over5mm: 0,
        over1cm: 0,
    };
    for p in people.values() {
        c.once += usize::from(p.forward == 1 && p.backward == 0);
        c.forward += p.forward;
        c.backward += p.backward;
        c.most = c.most.max(p.forward + p.backward);
        c.reversals += p.reversals;
        c.most_reversals = c.most_reversals.max(p.reversals);
        c.most_back = c.most_back.max(p.back);
        c.most_side_back = c.most_side_back.max(p.side_back);
        c.longest = c.longest.max(p.longest);
        c.over5mm += p.over5mm;
        c.over1cm += p.over1cm;
    }
    c
}

/// 75 persons in a 6 m × 5 m room in front of a 0.5 m door in a 0.4 m thick wall; beyond it a
/// 6 m × 4 m room whose far wall is the exit.
fn narrow_door(model: &str) -> Scenario {
    let text = format!(
        r#"
[simulation]
dt = 0.01
end_time = 300.0
seed = 75

[geometry]
wkt = "POLYGON ((-3 -4.2, 3 -4.2, 3 -0.2, 0.25 -0.2, 0.25 0.2, 3 0.2, 3 5.2, -3 5.2, -3 0.2, -0.25 0.2, -0.25 -0.2, -3 -0.2, -3 -4.2))"
routing_cell_size = 0.05
routing_clearance = 0.2

[model]
kind = "{model}"

[[stages]]
kind = "exit"
name = "out"
door = [[-3, -4.2], [3, -4.2]]

[[journeys]]
name = "leave"
stages = ["out"]

[[populations]]
name = "queue"
journey = "leave"
area = [[-2.8, 0.9], [2.8, 0.9], [2.8, 5.0], [-2.8, 5.0]]
count = 75
desired_speed = {{ distribution = "normal", mean = 1.34, sd = 0.26, min = 0.8, max = 1.9 }}
radius = 0.18
time_gap = 1.0
"#
    );
    load_str(&text, Path::new("narrow-door.toml"), &Overrides::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The shipped Wuppertal 2014 scenario (0.80 m opening at y in [−0.26, 0.3], walked towards
/// −y) with `model`.
fn wuppertal(model: &str) -> Scenario {
    let path = common::scenario("wuppertal-2014-b080");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace(
        "kind = \"collision_free_speed\"\n\n[[stages]]",
        &format!("kind = \"{model}\"\n\n[[stages]]"),
    );
    assert!(text.contains(&format!("kind = \"{model}\"")));
    load_str(&text, &path, &Overrides::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// What a run may show at most.
struct Limits {
    /// Reversals outside side steps.
    reversals: u32,
    /// Largest total backward distance of one person outside side steps, m.
    most_back: f64,
    /// Backward crossings of the line.
    backward: u32,
}

/// The goal of issue 14 point 3: no reversal, no backward distance beyond round-off (1e-9 m),
/// at most `backward` backward crossings.
fn none(backward: u32) -> Limits {
    Limits {
        reversals: 0,
        most_back: 1e-9,
        backward,
    }
}

/// The assertions: everybody but `stuck` left, and the counts within `limits`.
fn check(name: &str, c: &Counts, stuck: usize, limits: &Limits) {
    eprintln!("{name}: {c:?}");
    assert_eq!(c.left + stuck, c.persons, "{name}: {c:?}");
    assert!(
        c.reversals <= limits.reversals,
        "{name}: {} reversals (at most {}): {c:?}",
        c.reversals,
        limits.reversals
    );
    assert!(
        c.most_back <= limits.most_back,
        "{name}: walked backwards: {c:?}"
    );
    assert!(
        c.backward <= limits.backward,
        "{name}: {} backward crossings (at most {}): {c:?}",
        c.backward,
        limits.backward
    );
}

// Measured before the change (line and queue as below, reversals counted over every step, side
// steps included): narrow door CFSM: 45 of 75 crossed once, 150 forward and 75 backward
// crossings, 28578 reversals (987 by one person), up to 8.5 m walked backwards; narrow door
// SFM: 3 persons stuck at 300 s; Wuppertal CFSM: 26 of 46 once, 89/43 crossings, 5499
// reversals; Wuppertal SFM: 37 of 46 once, 58/12 crossings, 256 reversals.
//
// With the CFSM as published (side steps counted apart, as now): narrow door 65 of 75 once,
// 94 forward and 12 backward crossings, 28346 reversals (986 by one person; 2193 backward
// runs over 1 cm, the longest 0.43 m at Wuppertal), up to 8.39 m backwards; Wuppertal 32 of
// 46 once, 66/4 crossings, 5879 reversals, up to 3.92 m backwards.
//
// With no overshoot (commit 7650eda, not shipped): narrow door 65 of 75 once, 87 forward and 5 backward
// crossings, 1575 reversals (94 by one person; 991 runs over 5 mm, 852 over 1 cm, the longest
// 0.65 m), up to 3.35 m backwards; Wuppertal 37 of 46 once, 63/6 crossings, 336 reversals (40
// by one person; 189 runs over 1 cm, the longest 0.60 m), up to 1.52 m backwards.

#[test]
#[ignore = "issue 14 point 3 is open: the CFSM still steps back in dense queues (docs/calibration.md)"]
fn narrow_door_cfsm() {
    let c = measure(
        narrow_door("collision_free_speed"),
        0.5,
        (-0.75, 0.75),
        -0.2,
    );
    // the goal: no reversal outside side steps, and at most the 3 backward crossings (lateral
    // moves and side steps) that the fix of standing when pushed back left
    check("narrow door, CFSM", &c, 0, &none(3));
}

#[test]
#[ignore = "issue 14 point 3 is open for the SFM: it still steps back in dense queues (docs/calibration.md)"]
fn narrow_door_sfm() {
    let c = measure(narrow_door("social_force"), 0.5, (-0.75, 0.75), -0.2);
    // the SFM jams in the 0.5 m door for good (3 persons stuck at 300 s). Measured as it is:
    // 59 of 75 once, 130 forward and 46 backward crossings, 2064 reversals, up to 11.8 m
    // backwards. The goal asserted: none
    check("narrow door, SFM", &c, 3, &none(97));
}

#[test]
#[ignore = "issue 14 point 3 is open: the CFSM still steps back in dense queues (docs/calibration.md)"]
fn wuppertal_cfsm() {
    let c = measure(wuppertal("collision_free_speed"), 0.6, (-0.9, 0.9), -0.26);
    // the goal: no reversal, at most the 2 backward crossings the standing fix left
    check("wuppertal b080, CFSM", &c, 0, &none(2));
}

#[test]
#[ignore = "issue 14 point 3 is open for the SFM: it still steps back in dense queues (docs/calibration.md)"]
fn wuppertal_sfm() {
    let c = measure(wuppertal("social_force"), 0.6, (-0.9, 0.9), -0.26);
    // measured as it is: 41 of 46 once, 68 forward and 20 backward crossings, 221 reversals,
    // up to 1.16 m backwards. The goal asserted: none
    check("wuppertal b080, SFM", &c, 0, &none(13));
}

#[test]
#[ignore = "the anticipation velocity model locks in arches at narrow doors (measured below); run with --ignored"]
fn narrow_door_avm() {
    let c = measure(
        narrow_door("anticipation_velocity"),
        0.5,
        (-0.75, 0.75),
        -0.2,
    );
    // measured (JuPedSim's AVM defaults, radius 0.18 m and time gap 1 s as above): the queue
    // locks in front of the door: 1 of 75 left in 300 s; 2 forward and 1 backward crossings;
    // 23 reversals (one person), up to 8 cm walked backwards outside side steps (pushed off the
    // door's corner by the wall glide), 6.8 m in side steps
    check("narrow door, AVM", &c, 0, &none(0));
}

#[test]
#[ignore = "the anticipation velocity model locks in arches at narrow doors (measured below); run with --ignored"]
fn wuppertal_avm() {
    let c = measure(wuppertal("anticipation_velocity"), 0.6, (-0.9, 0.9), -0.26);
    // measured (shipped AVM set, JuPedSim's defaults): 30 of 46 left by the scenario's end, the
    // rest locked in an arch; 31 forward and 0 backward crossings, every crossing person once;
    // 0 reversals, 0 m backwards outside side steps (2.4 m in side steps)
    check("wuppertal b080, AVM", &c, 0, &none(0));
}
