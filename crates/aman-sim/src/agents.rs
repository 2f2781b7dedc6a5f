//! Agents as struct-of-arrays, with ids handed out per simulation.

use aman_geometry::Vec2;

use crate::{JourneyId, StageId};

/// Distance (m) an agent must get away from where it last made progress to count as moving:
/// an agent that stays within it for the simulation's `blocked_time` is blocked (frozen, or
/// oscillating in place) and side-steps.
pub const BLOCKED_RADIUS: f64 = 0.1;

/// An agent's id, unique within one simulation, handed out in order of creation from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct AgentId(pub u64);

/// What is needed to put an agent into a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSpec {
    /// Start position, metres.
    pub position: Vec2,
    /// The journey it follows.
    pub journey: JourneyId,
    /// Desired (free-walking) speed v0, m/s, in (0, 10].
    pub desired_speed: f64,
    /// Body radius, metres, in (0, 2] (JuPedSim's range).
    pub radius: f64,
    /// CFSM time gap T, seconds, in [0.1, 10] (JuPedSim's range); ignored by the SFM.
    pub time_gap: f64,
    /// Pre-movement time: seconds after its creation during which the agent stands still
    /// (RiMEA: reaction plus pre-evacuation time), ≥ 0.
    pub premovement_time: f64,
    /// A label (population or source name) carried into results.
    pub group: u32,
}

/// The agents of a simulation, struct-of-arrays: slot `i` of every vector is one agent.
///
/// Slots are compacted (order kept) when agents leave, so slot order is creation order, which
/// makes every reduction over agents deterministic.
#[derive(Debug, Clone, Default)]
pub struct Agents {
    /// Id of each agent.
    pub id: Vec<AgentId>,
    /// Position, metres.
    pub position: Vec<Vec2>,
    /// Velocity, m/s.
    pub velocity: Vec<Vec2>,
    /// Unit orientation (walking direction).
    pub orientation: Vec<Vec2>,
    /// Radius, metres.
    pub radius: Vec<f64>,
    /// Desired speed, m/s.
    pub desired_speed: Vec<f64>,
    /// CFSM time gap, s.
    pub time_gap: Vec<f64>,
    /// Journey followed.
    pub journey: Vec<JourneyId>,
    /// Index of the current step in the journey.
    pub journey_step: Vec<u32>,
    /// Current target stage.
    pub target: Vec<StageId>,
    /// Simulated time (s) at which the agent starts to move.
    pub moves_from: Vec<f64>,
    /// Simulated time (s) the agent was created.
    pub created_at: Vec<f64>,
    /// Group label.
    pub group: Vec<u32>,
    /// Seconds the agent has wanted to move but stayed within [`BLOCKED_RADIUS`] of its
    /// `anchor`; reset when it gets farther.
    pub blocked_for: Vec<f64>,
    /// Where the agent was when it last made progress, metres.
    pub anchor: Vec<Vec2>,
    /// Distance walked, metres.
    pub walked: Vec<f64>,
}

impl Agents {
    /// Number of agents.
    #[inline]
    pub fn len(&self) -> usize {
        self.id.len()
    }
    /// Whether there are none.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// Keeps the agents in the slot ranges `runs` (from [`kept_runs`]), preserving order.
    /// The two halves of the arrays are moved in parallel.
    pub(crate) fn retain(&mut self, runs: &[(usize, usize)]) {
        rayon::join(
            || {
                retain_runs(&mut self.id, runs);
                retain_runs(&mut self.position, runs);
                retain_runs(&mut self.velocity, runs);
                retain_runs(&mut self.orientation, runs);
                retain_runs(&mut self.radius, runs);
                retain_runs(&mut self.desired_speed, runs);
                retain_runs(&mut self.time_gap, runs);
                retain_runs(&mut self.journey, runs);
            },
            || {
                retain_runs(&mut self.journey_step, runs);
                retain_runs(&mut self.target, runs);
                retain_runs(&mut self.moves_from, runs);
                retain_runs(&mut self.created_at, runs);
                retain_runs(&mut self.group, runs);
                retain_runs(&mut self.blocked_for, runs);
                retain_runs(&mut self.anchor, runs);
                retain_runs(&mut self.walked, runs);
            },
        );
    }
}

/// The runs `start..end` of consecutive slots `i` with `keep[i]` true, in order, into `runs`
/// (cleared first).
pub(crate) fn kept_runs(keep: &[bool], runs: &mut Vec<(usize, usize)>) {
    runs.clear();
    let mut i = 0;
    while i < keep.len() {
        while i < keep.len() && !keep[i] {
            i += 1;
        }
        let start = i;
        while i < keep.len() && keep[i] {
            i += 1;
        }
        if i > start {
            runs.push((start, i));
        }
    }
}

/// Keeps the elements of `v` in the slot ranges `runs` ([`kept_runs`], in order), moving
/// each run down with one copy: a few agents leave in a step, and moving the others one
/// element at a time, sixteen arrays in a serial loop, was a twelfth of a 20,000-person
/// evacuation's step. Ranges past the end of `v` (slots it does not have yet) are cut.
pub(crate) fn retain_runs<T: Copy>(v: &mut Vec<T>, runs: &[(usize, usize)]) {
    let mut k = 0;
    for &(start, end) in runs {
        let (start, end) = (start.min(v.len()), end.min(v.len()));
        if start != k {
            v.copy_within(start..end, k);
        }
        k += end - start;
    }
    v.truncate(k);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retained_runs_keep_what_a_retain_keeps_in_order() {
        let mut rng = crate::rng::SplitMix64::new(5);
        let mut runs = Vec::new();
        for case in 0..500 {
            let n = case % 70;
            // a few leave (the usual step), many leave, or all or none
            let p = [0.02, 0.5, 0.0, 1.0][case % 4];
            let keep: Vec<bool> = (0..n).map(|_| rng.uniform() >= p).collect();
            kept_runs(&keep, &mut runs);
            // runs are ascending, disjoint, non-empty, and cover exactly the kept slots
            assert!(runs.windows(2).all(|w| w[0].1 < w[1].0), "{runs:?}");
            assert!(runs.iter().all(|(s, e)| s < e));
            let covered: usize = runs.iter().map(|(s, e)| e - s).sum();
            assert_eq!(covered, keep.iter().filter(|k| **k).count());
            // a vector as long as the mask, and one shorter (slots added this step)
            for len in [n, n / 2] {
                let v: Vec<usize> = (0..len).collect();
                let mut got = v.clone();
                retain_runs(&mut got, &runs);
                let want: Vec<usize> = v.into_iter().filter(|&i| keep[i]).collect();
                assert_eq!(got, want, "case {case}, {len} of {n}");
            }
        }
    }
}
