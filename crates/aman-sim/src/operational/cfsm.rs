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
//! explicit Euler step `x(t+dt) = x(t) + V·e·dt`; the exponentials are [`super::exp`], within
//! about 2 units in the last place of `f64::exp`. Interactions beyond an agent's own cut-off
//! `max(v0_i·T_i, 10·D) + r_i + max_j r_j` are dropped: past it the spacing cannot limit its
//! speed and the repulsion is below `a·e^{-10}`. (The neighbour grid is built for the largest
//! of these, `max_i v0_i·T_i + 2·max_i r_i`, at least 1 m; an agent of mean speed scans half
//! the pairs of the fastest one.)

use aman_geometry::Vec2;

use super::{
    Kinematics, OperationalModel, Scratch, StepContext, check_range, exp, for_each_wall_point,
    wall_between, walls_within,
};
use crate::{Agents, SimError};

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

    fn next_state(
        &self,
        ctx: &StepContext<'_>,
        i: usize,
        k: usize,
        e0: Vec2,
        v0: f64,
        scratch: &mut Scratch,
    ) -> Kinematics {
        // the same scalar code, compiled once more for the widest vector instructions the
        // processor has (AVX2 and FMA where available, detected at run time by `pulp`, safe):
        // the neighbour loops then take four lanes at a time instead of two. Rust never fuses
        // a multiply and an add on its own, so every lane computes the same bits as before.
        pulp::Arch::new().dispatch(Step {
            model: self,
            ctx,
            i,
            k,
            e0,
            v0,
            scratch,
        })
    }
}

/// One call of [`CollisionFreeSpeedModel::next_state`], as a `pulp` operation: its body is
/// compiled for each instruction set `pulp` dispatches to.
struct Step<'a, 'c> {
    model: &'a CollisionFreeSpeedModel,
    ctx: &'a StepContext<'c>,
    i: usize,
    k: usize,
    e0: Vec2,
    v0: f64,
    scratch: &'a mut Scratch,
}

impl pulp::WithSimd for Step<'_, '_> {
    type Output = Kinematics;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) -> Kinematics {
        self.model
            .state(self.ctx, self.i, self.k, self.e0, self.v0, self.scratch)
    }
}

impl CollisionFreeSpeedModel {
    /// [`OperationalModel::next_state`]; always inlined, into each of the instruction-set
    /// variants of [`Step`].
    #[inline(always)]
    fn state(
        &self,
        ctx: &StepContext<'_>,
        i: usize,
        k: usize,
        e0: Vec2,
        v0: f64,
        scratch: &mut Scratch,
    ) -> Kinematics {
        let a = ctx.agents;
        // (the cell-order copies: the same values, read in order)
        let g = ctx.neighbours;
        let x = Vec2::new(g.xs()[k], g.ys()[k]);
        let r = g.radii()[k];
        let near_walls = ctx.walls.near(x);
        let (gx, gy, gr) = (g.xs(), g.ys(), g.radii());
        // this agent's own cut-off: a neighbour farther than `v0·T + r + r_max` cannot limit its
        // speed (the spacing `s = dist − l` is then above `v0·T`), and one farther than
        // `10·D + r + r_max` repels it by less than `a·e^{-10}`: the global cut-off is the
        // largest of these over the agents, which made every agent scan the disc of the
        // fastest one (2.4 m against 1.7 m for one of mean speed: twice the pairs)
        let own =
            ((v0 * ctx.time_gap[k]).max(10.0 * self.range_neighbor_repulsion) + r + ctx.max_radius)
                .min(ctx.cutoff);
        let cutoff2 = own * own;
        let strength = self.strength_neighbor_repulsion;
        let range = self.range_neighbor_repulsion;
        // direction: desired + neighbour and wall repulsion (Tordeux et al. 2016, direction
        // model). The visible neighbours are kept in `scratch` so that the spacing pass
        // neither searches the grid nor tests the walls again. An agent at the very same
        // point (and the agent itself) is skipped: it is neither ahead nor behind, and counting
        // it would block both agents for good.
        // Three passes over the neighbours: gather the visible ones (branchy), the repulsion
        // factor of each (independent iterations: pipelined, vectorisable), then the sum in
        // the fixed gather order.
        let runs = g.runs_near(x);
        let total: usize = runs.iter().map(|(s, e)| e - s).sum();
        scratch.reserve_len(total);
        // only the walls within the cut-off can hide a neighbour within it
        walls_within(ctx.walls, near_walls, x, own, &mut scratch.walls);
        let hiding = &scratch.walls[..];
        let (bx, by, bd, bl) = (
            &mut scratch.dx[..total],
            &mut scratch.dy[..total],
            &mut scratch.dist[..total],
            &mut scratch.l[..total],
        );
        let mut m = 0usize;
        for (s, e) in runs {
            if hiding.is_empty() {
                // branch-free compaction: every candidate is written at slot m, and m moves
                // on only for those within the cut-off
                for ((&px, &py), &pr) in gx[s..e].iter().zip(&gy[s..e]).zip(&gr[s..e]) {
                    let (dx, dy) = (px - x.x, py - x.y);
                    let dist2 = dx * dx + dy * dy;
                    bx[m] = dx;
                    by[m] = dy;
                    bd[m] = dist2;
                    bl[m] = r + pr;
                    m += usize::from(dist2 <= cutoff2 && dist2 != 0.0);
                }
            } else {
                for k in s..e {
                    let (dx, dy) = (gx[k] - x.x, gy[k] - x.y);
                    let dist2 = dx * dx + dy * dy;
                    if dist2 > cutoff2
                        || dist2 == 0.0
                        || wall_between(ctx.walls, hiding, x, Vec2::new(gx[k], gy[k]))
                    {
                        continue;
                    }
                    bx[m] = dx;
                    by[m] = dy;
                    bd[m] = dist2;
                    bl[m] = r + gr[k];
                    m += 1;
                }
            }
        }
        let inv_range = 1.0 / range;
        repulsion_factors(
            &mut scratch.dist[..m],
            &scratch.l[..m],
            &mut scratch.f[..m],
            strength,
            inv_range,
        );
        let mut dir = e0;
        for ((dx, dy), f) in scratch.dx[..m]
            .iter()
            .zip(&scratch.dy[..m])
            .zip(&scratch.f[..m])
        {
            dir.x -= dx * f;
            dir.y -= dy * f;
        }
        for_each_wall_point(ctx.walls, near_walls, x, |p| {
            let d = p - x;
            let dist = d.norm();
            if dist > 0.0 {
                let mag = self.strength_geometry_repulsion
                    * exp((r - dist) / self.range_geometry_repulsion);
                dir -= d * (mag / dist);
            }
        });
        let mut e = dir.normalized();
        if e == Vec2::ZERO {
            e = a.orientation[i];
        }
        speed_step(x, e, v0, ctx.time_gap[k], ctx.dt, scratch, m)
    }
}

/// The model's speed step, shared with the anticipation velocity model (its Eqs. (8)–(10)):
/// the spacing `s` to the nearest neighbour ahead of `x` along the unit direction `e`
/// (`e·d ≥ 0`) and inside the corridor of half-width `l` (`|e^⊥·d| ≤ l`), minus `l`; the speed
/// `V(s) = min(v0, max(0, s/T))` (m/s, `T` the time gap in s); and the explicit Euler move over
/// `dt` seconds. The neighbours are the first `m` entries of `near`: offsets `dx`, `dy`
/// (`x_j − x`, m), distances `dist` (m) and sums of radii `l` (`r_i + r_j`, m).
#[inline(always)]
pub(super) fn speed_step(
    x: Vec2,
    e: Vec2,
    v0: f64,
    time_gap: f64,
    dt: f64,
    near: &Scratch,
    m: usize,
) -> Kinematics {
    let spacing = spacing(e, near, m);
    let speed = (spacing / time_gap).max(0.0).min(v0);
    let v = e * speed;
    Kinematics {
        position: x + v * dt,
        velocity: v,
        orientation: e,
    }
}

/// The spacing of [`speed_step`]: the least `dist − l` over the first `m` neighbours of `near`
/// ahead of `x` along `e` and inside its corridor, `f64::MAX` if none. Branch-free, over four
/// lanes of partial minima, so that it vectorises: the minimum of a set does not depend on the
/// order in which it is taken, and a NaN operand is passed over as `f64::min` passes it over,
/// so the value is exactly that of the serial loop `spacing = spacing.min(dist − l)`.
#[inline(always)]
fn spacing(e: Vec2, near: &Scratch, m: usize) -> f64 {
    const LANES: usize = 4;
    let left = e.perp();
    let (dx, dy, dist, l) = (&near.dx[..m], &near.dy[..m], &near.dist[..m], &near.l[..m]);
    // `dist − l` of a neighbour that limits the spacing, f64::MAX of any other
    let gap = |dx: f64, dy: f64, dist: f64, l: f64| {
        let ahead = e.x * dx + e.y * dy >= 0.0;
        let in_corridor = (left.x * dx + left.y * dy).abs() <= l;
        if ahead && in_corridor {
            dist - l
        } else {
            f64::MAX
        }
    };
    // (`if b < a { b } else { a }`: one minpd per lane, where f64::min also handles NaN)
    let least = |a: f64, b: f64| if b < a { b } else { a };
    let mut acc = [f64::MAX; LANES];
    let (cx, cy, cd, cl) = (
        dx.chunks_exact(LANES),
        dy.chunks_exact(LANES),
        dist.chunks_exact(LANES),
        l.chunks_exact(LANES),
    );
    let full = m - m % LANES;
    for (((x, y), d), l) in cx.zip(cy).zip(cd).zip(cl) {
        for j in 0..LANES {
            acc[j] = least(acc[j], gap(x[j], y[j], d[j], l[j]));
        }
    }
    for k in full..m {
        acc[0] = least(acc[0], gap(dx[k], dy[k], dist[k], l[k]));
    }
    least(least(acc[0], acc[1]), least(acc[2], acc[3]))
}

/// For each visible neighbour: `dist ← √dist²` and `f = a·exp((l − dist)/D) / dist`, the
/// magnitude of the repulsion per metre of offset. Independent lanes, so it vectorises.
#[inline(always)]
fn repulsion_factors(dist: &mut [f64], l: &[f64], f: &mut [f64], a: f64, inv_range: f64) {
    let n = dist.len().min(l.len()).min(f.len());
    let (dist, l, f) = (&mut dist[..n], &l[..n], &mut f[..n]);
    for k in 0..n {
        let d = dist[k].sqrt();
        dist[k] = d;
        f[k] = a * exp((l[k] - d) * inv_range) / d;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The serial loop that [`spacing`] replaces, as the model states it.
    fn spacing_serial(e: Vec2, near: &Scratch, m: usize) -> f64 {
        let left = e.perp();
        let mut spacing = f64::MAX;
        for k in 0..m {
            let (dx, dy) = (near.dx[k], near.dy[k]);
            if e.x * dx + e.y * dy >= 0.0 && (left.x * dx + left.y * dy).abs() <= near.l[k] {
                spacing = spacing.min(near.dist[k] - near.l[k]);
            }
        }
        spacing
    }

    #[test]
    fn vectorised_spacing_equals_the_serial_loop_bit_for_bit() {
        let mut rng = crate::rng::SplitMix64::new(17);
        let mut near = Scratch::default();
        near.reserve_len(64);
        let mut limited = 0;
        for case in 0..2000 {
            // every length up to 63: full chunks of four and every remainder
            let m = case % 64;
            for k in 0..m {
                let (dx, dy) = (4.0 * rng.uniform() - 2.0, 4.0 * rng.uniform() - 2.0);
                near.dx[k] = dx;
                near.dy[k] = dy;
                near.dist[k] = (dx * dx + dy * dy).sqrt();
                near.l[k] = 0.3 + 0.2 * rng.uniform();
            }
            if case % 7 == 0 && m > 0 {
                // a NaN distance is passed over by both
                near.dist[case % m] = f64::NAN;
            }
            let angle = std::f64::consts::TAU * rng.uniform();
            let e = Vec2::new(angle.cos(), angle.sin());
            let (a, b) = (spacing(e, &near, m), spacing_serial(e, &near, m));
            assert_eq!(a.to_bits(), b.to_bits(), "case {case}, m = {m}: {a} vs {b}");
            limited += usize::from(a < f64::MAX);
        }
        // most cases have a neighbour ahead in the corridor, so the minimum was really taken
        assert!(limited > 1500, "{limited}");
        // nobody ahead: no limit
        near.dx[0] = -1.0;
        near.dy[0] = 0.0;
        near.dist[0] = 1.0;
        near.l[0] = 0.4;
        assert_eq!(spacing(Vec2::new(1.0, 0.0), &near, 1), f64::MAX);
        assert_eq!(spacing(Vec2::new(-1.0, 0.0), &near, 1), 1.0 - 0.4);
    }
}
