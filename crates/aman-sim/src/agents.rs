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

    /// Keeps the agents for which `keep[i]` is true, preserving order.
    pub(crate) fn retain(&mut self, keep: &[bool]) {
        fn r<T: Copy>(v: &mut Vec<T>, keep: &[bool]) {
            let mut k = 0;
            for i in 0..v.len() {
                if keep[i] {
                    v[k] = v[i];
                    k += 1;
                }
            }
            v.truncate(k);
        }
        r(&mut self.id, keep);
        r(&mut self.position, keep);
        r(&mut self.velocity, keep);
        r(&mut self.orientation, keep);
        r(&mut self.radius, keep);
        r(&mut self.desired_speed, keep);
        r(&mut self.time_gap, keep);
        r(&mut self.journey, keep);
        r(&mut self.journey_step, keep);
        r(&mut self.target, keep);
        r(&mut self.moves_from, keep);
        r(&mut self.created_at, keep);
        r(&mut self.group, keep);
        r(&mut self.blocked_for, keep);
        r(&mut self.anchor, keep);
        r(&mut self.walked, keep);
    }
}
