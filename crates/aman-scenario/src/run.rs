//! Running a scenario to the end while checking, after every step (or every n-th), that no
//! agent is outside the walkable area and that no move crossed a wall: the check every
//! verification test and every real-scenario test makes.

use aman_geometry::{Segment, Vec2, WallIndex};
use aman_sim::Simulation;

use crate::Scenario;

/// What happened during a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunLog {
    /// Agent positions found outside the walkable area (summed over all steps).
    pub outside: usize,
    /// Moves that crossed a wall segment (summed over all steps).
    pub crossed_wall: usize,
    /// Agents inside or still to arrive when the run stopped.
    pub remaining: usize,
    /// Simulated time when the run stopped, s.
    pub time: f64,
    /// Whether the run stopped at the scenario's end time with agents remaining.
    pub timed_out: bool,
}

impl RunLog {
    /// Nobody left outside the area or crossed a wall, and everybody left.
    pub fn clean(&self) -> bool {
        self.outside == 0 && self.crossed_wall == 0 && self.remaining == 0
    }

    /// One line for a report: "all left at 154.2 s, no position outside, no wall crossed" or
    /// what went wrong.
    pub fn summary(&self) -> String {
        let left = if self.remaining == 0 {
            format!("all left by {:.2} s", self.time)
        } else {
            format!(
                "{} agents still inside at {:.2} s (end time)",
                self.remaining, self.time
            )
        };
        format!(
            "{left}; {} positions outside the walkable area; {} moves across a wall",
            self.outside, self.crossed_wall
        )
    }
}

/// Runs `sc` until everybody has left or its end time, calling `observe` after every step, and
/// checking after every `check_every`-th step (1: every step) that every agent is inside the
/// walkable area and that no move of that step crossed a wall.
pub fn run_checked(
    sc: &mut Scenario,
    check_every: u64,
    mut observe: impl FnMut(&Simulation),
) -> RunLog {
    let mut log = RunLog::default();
    let sim = &mut sc.simulation;
    let end = (sc.end_time / sim.config().dt).round() as u64;
    let walls: Vec<Segment> = sim.walkable_area().segments().to_vec();
    let index = WallIndex::new(&walls, 2.0, 1.0);
    let mut before: Vec<(u64, Vec2)> = Vec::new();
    let every = check_every.max(1);
    while !sim.is_finished() && sim.iteration() < end {
        let check = sim.iteration().is_multiple_of(every);
        if !check {
            sim.step();
            observe(sim);
            continue;
        }
        before.clear();
        before.extend(
            sim.agents()
                .id
                .iter()
                .map(|i| i.0)
                .zip(sim.agents().position.iter().copied()),
        );
        sim.step();
        let a = sim.agents();
        // agents keep their relative order (ids ascend), so one merge pass pairs them
        let mut k = 0;
        for i in 0..a.len() {
            let p = a.position[i];
            if !sim.walkable_area().contains(p) {
                log.outside += 1;
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
                    log.crossed_wall += 1;
                }
            }
        }
        observe(sim);
    }
    log.remaining = sim.agents().len() + sim.pending();
    log.time = sim.time();
    log.timed_out = log.remaining > 0;
    log
}
