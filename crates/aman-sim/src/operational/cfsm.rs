//! # Collision-Free Speed Model
//!
//! A. Tordeux, M. Chraibi, A. Seyfried, "Collision-free speed model for pedestrian dynamics",
//! in *Traffic and Granular Flow '15*, Springer 2016, pp. 225–232,
//! doi:10.1007/978-3-319-33482-0_29 (arXiv:1512.05597), in the form implemented by JuPedSim 1.4
//! (`CollisionFreeSpeedModel`), whose default parameters are ours so results compare.
//!
//! The model is first order: an agent's velocity is a speed times a direction,
//!
//! - (1) `ẋ_i = V(s_i) · e_i`
//! - speed: `V(s) = min(v0_i, max(0, s / T_i))`, where the spacing
//!   `s_i = min_j (|x_j − x_i| − (r_i + r_j))` runs over the neighbours `j` ahead of `i`
//!   (`e_i · (x_j − x_i) ≥ 0`) and inside its corridor (`|e_i^⊥ · (x_j − x_i)| ≤ r_i + r_j`);
//! - direction: `e_i = u(e_0 + Σ_j R_ij + Σ_w R_iw)`, with `u` the normalisation, `e_0` the
//!   desired direction from the routing field, neighbour repulsion
//!   `R_ij = −a · exp((r_i + r_j − |x_j − x_i|) / D) · (x_j − x_i)/|x_j − x_i|` and wall repulsion
//!   `R_iw = −a_w · exp((r_i − d_iw) / D_w) · (p_w − x_i)/d_iw`, `p_w` the closest wall point.
//!
//! Neighbours hidden behind a wall are ignored (as JuPedSim does). A wall corner repels once,
//! not once per wall meeting there (JuPedSim sums per segment, which doubles the push at every
//! corner and can trap an agent walking straight at one). Positions advance with the
//! explicit Euler step `x(t+dt) = x(t) + V·e·dt`. Interactions beyond the cut-off
//! (`max_i v0_i·T_i + 2·max_i r_i`, at least 1 m) are dropped: past it the spacing cannot limit
//! speed and the repulsion is below `a·e^{-10}`.

use aman_geometry::Vec2;

use super::{
    Kinematics, OperationalModel, StepContext, check_range, for_each_visible_neighbour,
    for_each_wall_point,
};
use crate::{Agents, SimError};

/// Visible neighbours kept per agent for the spacing pass without a second grid search.
const NEAR_BUFFER: usize = 160;

/// Parameters of the Collision-Free Speed Model shared by all agents (JuPedSim 1.4.2 defaults).
/// Per-agent parameters (desired speed v0, time gap T, radius r) live with the agents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CollisionFreeSpeedModel {
    /// `a`: strength of the repulsion between agents, dimensionless. Default 8.0, range [0, 100].
    pub strength_neighbor_repulsion: f64,
    /// `D`: range of the repulsion between agents, metres. Default 0.1 m, range (0, 5].
    pub range_neighbor_repulsion: f64,
    /// `a_w`: strength of the repulsion from walls, dimensionless. Default 5.0, range [0, 100].
    pub strength_geometry_repulsion: f64,
    /// `D_w`: range of the repulsion from walls, metres. Default 0.02 m, range (0, 5].
    pub range_geometry_repulsion: f64,
}

impl Default for CollisionFreeSpeedModel {
    fn default() -> Self {
        Self {
            strength_neighbor_repulsion: 8.0,
            range_neighbor_repulsion: 0.1,
            strength_geometry_repulsion: 5.0,
            range_geometry_repulsion: 0.02,
        }
    }
}

impl CollisionFreeSpeedModel {
    /// Checks every parameter against its documented range.
    ///
    /// # Errors
    /// [`SimError::ParameterOutOfRange`] naming the first offending parameter.
    pub fn validate(&self) -> Result<(), SimError> {
        check_range(
            "collision_free_speed.strength_neighbor_repulsion",
            self.strength_neighbor_repulsion,
            (0.0, false),
            100.0,
            "[0, 100]",
        )?;
        check_range(
            "collision_free_speed.range_neighbor_repulsion",
            self.range_neighbor_repulsion,
            (0.0, true),
            5.0,
            "(0, 5] m",
        )?;
        check_range(
            "collision_free_speed.strength_geometry_repulsion",
            self.strength_geometry_repulsion,
            (0.0, false),
            100.0,
            "[0, 100]",
        )?;
        check_range(
            "collision_free_speed.range_geometry_repulsion",
            self.range_geometry_repulsion,
            (0.0, true),
            5.0,
            "(0, 5] m",
        )?;
        Ok(())
    }
}

impl OperationalModel for CollisionFreeSpeedModel {
    fn cutoff(&self, agents: &Agents) -> f64 {
        let mut reach: f64 = 0.0;
        let mut rmax: f64 = 0.0;
        for i in 0..agents.len() {
            reach = reach.max(agents.desired_speed[i] * agents.time_gap[i]);
            rmax = rmax.max(agents.radius[i]);
        }
        (reach + 2.0 * rmax)
            .max(10.0 * self.range_neighbor_repulsion + 2.0 * rmax)
            .max(1.0)
    }

    fn next_state(&self, ctx: &StepContext<'_>, i: usize) -> Kinematics {
        let a = ctx.agents;
        let x = a.position[i];
        let r = a.radius[i];
        let e0 = ctx.desired[i];
        let near_walls = ctx.walls.near(x);
        // direction: desired + neighbour and wall repulsion (Tordeux et al. 2016, direction
        // model). The visible neighbours are kept in a stack buffer so that the spacing pass
        // neither searches the grid nor tests the walls again (a second search only if more
        // than NEAR_BUFFER neighbours are visible).
        let mut near = [(Vec2::ZERO, 0.0f64, 0.0f64); NEAR_BUFFER];
        let mut count = 0usize;
        let mut overflow = false;
        let mut dir = e0;
        // (an agent at the very same point is skipped: it is neither ahead nor behind, and
        // counting it would block both agents for good)
        for_each_visible_neighbour(ctx, i, near_walls, |j, d, dist2| {
            let dist = dist2.sqrt();
            let l = r + a.radius[j];
            let mag = self.strength_neighbor_repulsion
                * ((l - dist) / self.range_neighbor_repulsion).exp();
            dir -= d * (mag / dist);
            if count < NEAR_BUFFER {
                near[count] = (d, dist, l);
                count += 1;
            } else {
                overflow = true;
            }
        });
        for_each_wall_point(ctx.walls, near_walls, x, |p| {
            let d = p - x;
            let dist = d.norm();
            if dist > 0.0 {
                let mag = self.strength_geometry_repulsion
                    * ((r - dist) / self.range_geometry_repulsion).exp();
                dir -= d * (mag / dist);
            }
        });
        let mut e = dir.normalized();
        if e == Vec2::ZERO {
            e = a.orientation[i];
        }
        // spacing to the nearest neighbour ahead, in the corridor of width 2l (speed model)
        let left = e.perp();
        let ahead = |d: Vec2, l: f64| e.dot(d) >= 0.0 && left.dot(d).abs() <= l;
        let mut spacing = f64::MAX;
        if !overflow {
            for &(d, dist, l) in &near[..count] {
                if ahead(d, l) {
                    spacing = spacing.min(dist - l);
                }
            }
        } else {
            for_each_visible_neighbour(ctx, i, near_walls, |j, d, dist2| {
                let l = r + a.radius[j];
                if ahead(d, l) {
                    spacing = spacing.min(dist2.sqrt() - l);
                }
            });
        }
        let speed = (spacing / a.time_gap[i]).max(0.0).min(a.desired_speed[i]);
        let v = e * speed;
        Kinematics {
            position: x + v * ctx.dt,
            velocity: v,
            orientation: e,
        }
    }
}
