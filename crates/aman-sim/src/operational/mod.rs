//! The operational layer: pedestrian models that turn a desired direction into motion.
//!
//! Contract (JuPedSim's `OperationalModel`): a model reads the *current* generation of all agents
//! only, and returns the next state of one agent. The simulation computes every agent from the
//! same frozen state, then swaps, so update order does not matter and the pass runs in parallel
//! with bit-identical results for any thread count.

mod avm;
mod cfsm;
mod gcfm;
mod sfm;

pub use avm::AnticipationVelocityModel;
pub use cfsm::CollisionFreeSpeedModel;
pub use gcfm::GeneralizedCentrifugalForceModel;
pub use sfm::SocialForceModel;

use aman_geometry::{Vec2, WallIndex};

use crate::{Agents, neighbours::NeighbourGrid};

/// Everything a model may read while computing one step.
#[derive(Debug, Clone, Copy)]
pub struct StepContext<'a> {
    /// The current generation of agents.
    pub agents: &'a Agents,
    /// Neighbour search over `agents.position`, its reach ≥ the model's cut-off; it also holds
    /// the positions and radii in cell order.
    pub neighbours: &'a NeighbourGrid,
    /// Walls near each point.
    pub walls: &'a WallIndex,
    /// Time step, seconds.
    pub dt: f64,
    /// Interaction cut-off, metres (the model's [`OperationalModel::cutoff`]).
    pub cutoff: f64,
    /// The largest agent radius, metres (0 with no agent).
    pub max_radius: f64,
    /// The agents' time gaps (s, [`Agents::time_gap`]) in the neighbour grid's cell order:
    /// entry `k` belongs to agent slot `neighbours.sorted()[k]`.
    pub time_gap: &'a [f64],
    /// Seed of the run ([`crate::SimConfig::seed`]), for a model's random choices (made with
    /// [`crate::rng::uniform`], so that they depend on no thread or order).
    pub seed: u64,
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

/// Per-thread working memory of a model, reused from agent to agent so that a step allocates
/// nothing once warmed up. Only the first `m` entries written for the current agent mean
/// anything.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    /// Visible neighbours of the current agent, x offset `x_j − x_i`, metres.
    pub dx: Vec<f64>,
    /// … y offset, metres.
    pub dy: Vec<f64>,
    /// … squared distance (m²), then distance (m).
    pub dist: Vec<f64>,
    /// … sum of radii `r_i + r_j`, metres.
    pub l: Vec<f64>,
    /// … a per-neighbour factor of the model.
    pub f: Vec<f64>,
    /// … the neighbour's agent slot.
    pub slot: Vec<u32>,
    /// The walls that can hide a neighbour of the current agent ([`walls_within`]).
    pub walls: Vec<u32>,
}

impl Scratch {
    /// Makes every list at least `n` long (they never shrink: their contents are overwritten,
    /// not cleared, so that a warmed-up scratch costs nothing per agent).
    #[inline]
    pub fn reserve_len(&mut self, n: usize) {
        if self.dx.len() < n {
            for v in [
                &mut self.dx,
                &mut self.dy,
                &mut self.dist,
                &mut self.l,
                &mut self.f,
            ] {
                v.resize(n, 0.0);
            }
            self.slot.resize(n, 0);
        }
    }
}

/// A pedestrian model.
pub trait OperationalModel: Send + Sync {
    /// Distance (metres) beyond which other agents have no (or negligible, documented) effect.
    /// The neighbour grid uses it as its cell size.
    fn cutoff(&self, agents: &Agents) -> f64;
    /// The next state of agent `i`, from the current generation only, given its desired walking
    /// direction `e0` (unit vector, from the tactical layer) and desired speed `v0` (m/s: the
    /// agent's own, times the factor of a stair it is on). Called only for agents with a
    /// non-zero desired direction; standing agents are kept in place by the simulation.
    /// `k` is the agent's place in the neighbour grid's cell order
    /// (`ctx.neighbours.sorted()[k] == i`): its position, radius and time gap are also at
    /// `ctx.neighbours.xs()[k]`, `ys()[k]`, `radii()[k]` and `ctx.time_gap[k]`, which the
    /// simulation walks in order, where the slot-order arrays of [`Agents`] are read out of
    /// order (a cache miss each on a large crowd).
    /// `scratch` is working memory whose contents on entry are of no meaning.
    fn next_state(
        &self,
        ctx: &StepContext<'_>,
        i: usize,
        k: usize,
        e0: Vec2,
        v0: f64,
        scratch: &mut Scratch,
    ) -> Kinematics;
}

/// `e^x`, to within 2 units in the last place for all `x` (checked against `f64::exp` in the
/// tests), inline and branch-light so that the models' neighbour loops vectorise: the
/// argument is reduced as `x = k·ln 2 + r`, `|r| ≤ ln 2 / 2` (Cody & Waite, *Software Manual
/// for the Elementary Functions*, 1980, ch. 6), `e^r` is its Taylor polynomial of degree 12
/// (truncation error below `r^13/13! < 2·10⁻¹⁶`), and `2^k` is put into the exponent bits.
/// Below −708 it returns 0, above 709 infinity; NaN stays NaN.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    // ln 2 split as in fdlibm's exp: the high part has its last 32 mantissa bits zero, so
    // k·LN2_HI is exact for |k| < 2^20
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    // adding and subtracting 1.5·2^52 rounds to the nearest integer (|v| < 2^51)
    const ROUND: f64 = 6_755_399_441_055_744.0;
    // (no branch, no float-to-integer conversion: the loop around it vectorises; NaN passes
    // through the clamp and the polynomial as NaN)
    let xc = x.clamp(-708.0, 709.0);
    let t = xc * std::f64::consts::LOG2_E + ROUND;
    let kf = t - ROUND;
    let r = (xc - kf * LN2_HI) - kf * LN2_LO;
    let mut p = 1.0 / 479_001_600.0; // 1/12!
    for c in [
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = p * r + c;
    }
    // the low mantissa bits of t hold k = kf in two's complement; k + 1023 in [2, 2046] is the
    // biased exponent of 2^k
    let scale = f64::from_bits(t.to_bits().wrapping_add(1023) << 52);
    let y = p * scale;
    if x < -708.0 {
        0.0
    } else if x > 709.0 {
        f64::INFINITY
    } else {
        y
    }
}

/// The models an aman scenario can choose, with their parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    /// Collision-Free Speed Model (Tordeux, Chraibi & Seyfried 2016).
    CollisionFreeSpeed(CollisionFreeSpeedModel),
    /// Social Force Model (Helbing, Farkas & Vicsek 2000).
    SocialForce(SocialForceModel),
    /// Anticipation Velocity Model (Xu, Chraibi & Seyfried 2021).
    AnticipationVelocity(AnticipationVelocityModel),
    /// Generalized Centrifugal Force Model (Chraibi, Seyfried & Schadschneider 2010).
    GeneralizedCentrifugalForce(GeneralizedCentrifugalForceModel),
}

impl Model {
    /// The model's name as used in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            Model::CollisionFreeSpeed(_) => "collision_free_speed",
            Model::SocialForce(_) => "social_force",
            Model::AnticipationVelocity(_) => "anticipation_velocity",
            Model::GeneralizedCentrifugalForce(_) => "generalized_centrifugal_force",
        }
    }
}

/// Whether the straight line from `a` to `b` crosses any of the walls listed in `near`.
#[inline]
pub(crate) fn wall_between(walls: &WallIndex, near: &[u32], a: Vec2, b: Vec2) -> bool {
    let s = aman_geometry::Segment::new(a, b);
    near.iter().any(|&k| {
        let w = walls.segment(k);
        !crate::simulation::boxes_apart(w, &s) && w.intersects(&s)
    })
}

/// Writes into `out` the walls of `near` at most `reach` metres from `x`: the only ones a
/// straight line from `x` to a point within `reach` of it can meet, so [`wall_between`] over
/// them gives the same answer as over all of `near` for such lines, with fewer tests.
#[inline]
pub(crate) fn walls_within(
    walls: &WallIndex,
    near: &[u32],
    x: Vec2,
    reach: f64,
    out: &mut Vec<u32>,
) {
    out.clear();
    // (a hair wider than `reach`: rounding never drops a wall at exactly that distance)
    let r2 = reach * reach * (1.0 + 1e-9) + 1e-12;
    out.extend(
        near.iter()
            .copied()
            .filter(|&k| (x - walls.segment(k).closest_point(x)).norm_sq() <= r2),
    );
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
    if near.is_empty() {
        return;
    }
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
/// The agent itself (distance 0) is skipped with the agents at its very point.
#[inline]
pub(crate) fn for_each_visible_neighbour(
    ctx: &StepContext<'_>,
    i: usize,
    near_walls: &[u32],
    mut f: impl FnMut(usize, Vec2, f64),
) {
    let g = ctx.neighbours;
    let (xs, ys, slots) = (g.xs(), g.ys(), g.sorted());
    let x = ctx.agents.position[i];
    let cutoff2 = ctx.cutoff * ctx.cutoff;
    for (s, e) in g.runs_near(x) {
        for k in s..e {
            let d = Vec2::new(xs[k] - x.x, ys[k] - x.y);
            let dist2 = d.norm_sq();
            if dist2 > cutoff2 || dist2 == 0.0 {
                continue;
            }
            if !near_walls.is_empty() && wall_between(ctx.walls, near_walls, x, x + d) {
                continue;
            }
            f(slots[k] as usize, d, dist2);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn exp_matches_the_standard_library() {
        let mut worst: f64 = 0.0;
        for k in 0..=200_000 {
            let x = -708.0 + 1417.0 * k as f64 / 200_000.0;
            let (a, b) = (super::exp(x), x.exp());
            if b.is_finite() && b > 0.0 {
                worst = worst.max(((a - b) / b).abs());
            }
        }
        // the repulsion range of the models' arguments, finely
        for k in 0..=100_000 {
            let x = -20.0 + 25.0 * k as f64 / 100_000.0;
            worst = worst.max(((super::exp(x) - x.exp()) / x.exp()).abs());
        }
        assert!(worst < 5e-16, "worst relative error {worst:e}");
        assert_eq!(super::exp(0.0), 1.0);
        assert_eq!(super::exp(-1000.0), 0.0);
        assert_eq!(super::exp(1000.0), f64::INFINITY);
        assert!(super::exp(f64::NAN).is_nan());
    }
}
