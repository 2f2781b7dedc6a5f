//! The operational layer: pedestrian models that turn a desired direction into motion.
//!
//! Contract (JuPedSim's `OperationalModel`): a model reads the *current* generation of all agents
//! only, and returns the next state of one agent. The simulation computes every agent from the
//! same frozen state, then swaps, so update order does not matter and the pass runs in parallel
//! with bit-identical results for any thread count.

mod cfsm;
mod sfm;

pub use cfsm::CollisionFreeSpeedModel;
pub use sfm::SocialForceModel;

use aman_geometry::{Vec2, WallIndex};

use crate::{Agents, neighbours::NeighbourGrid};

/// Everything a model may read while computing one step.
#[derive(Debug, Clone, Copy)]
pub struct StepContext<'a> {
    /// The current generation of agents.
    pub agents: &'a Agents,
    /// Desired walking direction of each agent (unit vector), or zero for an agent that stands
    /// (pre-movement, or no open target).
    pub desired: &'a [Vec2],
    /// Neighbour search over `agents.position`, cell side ≥ the model's cut-off.
    pub neighbours: &'a NeighbourGrid,
    /// Walls near each point.
    pub walls: &'a WallIndex,
    /// Time step, seconds.
    pub dt: f64,
    /// Interaction cut-off, metres (the model's [`OperationalModel::cutoff`]).
    pub cutoff: f64,
}

/// The next state of one agent.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Kinematics {
    /// Position, metres.
    pub position: Vec2,
    /// Velocity, m/s.
    pub velocity: Vec2,
    /// Unit orientation.
    pub orientation: Vec2,
}

/// A pedestrian model.
pub trait OperationalModel: Send + Sync {
    /// Distance (metres) beyond which other agents have no (or negligible, documented) effect.
    /// The neighbour grid uses it as its cell size.
    fn cutoff(&self, agents: &Agents) -> f64;
    /// The next state of agent `i`, from the current generation only. Called only for agents
    /// with a non-zero desired direction; standing agents are kept in place by the simulation.
    fn next_state(&self, ctx: &StepContext<'_>, i: usize) -> Kinematics;
}

/// The models an aman scenario can choose, with their parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    /// Collision-Free Speed Model (Tordeux, Chraibi & Seyfried 2016).
    CollisionFreeSpeed(CollisionFreeSpeedModel),
    /// Social Force Model (Helbing, Farkas & Vicsek 2000).
    SocialForce(SocialForceModel),
}

impl Model {
    /// The model's name as used in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            Model::CollisionFreeSpeed(_) => "collision_free_speed",
            Model::SocialForce(_) => "social_force",
        }
    }
}

/// Whether the straight line from `a` to `b` crosses any of the walls listed in `near`.
#[inline]
pub(crate) fn wall_between(walls: &WallIndex, near: &[u32], a: Vec2, b: Vec2) -> bool {
    let s = aman_geometry::Segment::new(a, b);
    near.iter().any(|&k| walls.segment(k).intersects(&s))
}

/// Calls `f(closest_point, k)` for each wall `k` in `near`, except that a closest point shared
/// by several walls (the corner where they meet) is reported once: a corner repels like one
/// obstacle, not like two. Allocation-free for up to 32 distinct points.
#[inline]
pub(crate) fn for_each_wall_point(
    walls: &WallIndex,
    near: &[u32],
    x: Vec2,
    mut f: impl FnMut(Vec2),
) {
    let mut seen = [Vec2::ZERO; 32];
    let mut n = 0usize;
    for &k in near {
        let p = walls.segment(k).closest_point(x);
        if seen[..n]
            .iter()
            .any(|q| (q.x - p.x).abs() < 1e-9 && (q.y - p.y).abs() < 1e-9)
        {
            continue;
        }
        if n < seen.len() {
            seen[n] = p;
            n += 1;
        }
        f(p);
    }
}

/// `Ok` if `value` is finite and lies in the range from `lo` (excluded when `lo_open`) to `hi`
/// (included); else [`SimError::ParameterOutOfRange`] naming `what` and showing `range`.
pub(crate) fn check_range(
    what: &str,
    value: f64,
    (lo, lo_open): (f64, bool),
    hi: f64,
    range: &'static str,
) -> Result<(), crate::SimError> {
    let above = if lo_open { value > lo } else { value >= lo };
    if value.is_finite() && above && value <= hi {
        Ok(())
    } else {
        Err(crate::SimError::ParameterOutOfRange {
            what: what.to_string(),
            value,
            range,
        })
    }
}

/// Calls `f(j, d, dist²)` for every other agent `j` within the cut-off of agent `i`, with
/// `d = x_j − x_i`, skipping an agent at the very same point and agents hidden behind a wall
/// (JuPedSim removes those from the neighbourhood too). `near_walls` are the walls near `x_i`.
#[inline]
pub(crate) fn for_each_visible_neighbour(
    ctx: &StepContext<'_>,
    i: usize,
    near_walls: &[u32],
    mut f: impl FnMut(usize, Vec2, f64),
) {
    let a = ctx.agents;
    let x = a.position[i];
    let cutoff2 = ctx.cutoff * ctx.cutoff;
    ctx.neighbours.for_each_near(x, |j| {
        if j == i {
            return;
        }
        let d = a.position[j] - x;
        let dist2 = d.norm_sq();
        if dist2 > cutoff2 || dist2 == 0.0 {
            return;
        }
        if !near_walls.is_empty() && wall_between(ctx.walls, near_walls, x, a.position[j]) {
            return;
        }
        f(j, d, dist2);
    });
}
