//! # Anticipation Velocity Model
//!
//! Q. Xu, M. Chraibi, A. Seyfried, "Anticipation in a velocity-based model for pedestrian
//! dynamics", *Transportation Research Part C* 133 (2021) 103464,
//! doi:10.1016/j.trc.2021.103464 (arXiv:2107.00624), with JuPedSim 1.4's defaults
//! (`AnticipationVelocityModel`) so results compare. Equation numbers are the paper's.
//!
//! The model is the collision-free speed model ([`super::CollisionFreeSpeedModel`]) with an
//! anticipating direction. For agent `i` at `x_i` with velocity `v_i`, walking direction `e_i`
//! (its orientation), desired direction `e0_i`, radius `r_i`, and `e_ij` the unit vector from
//! `i` to `j`, `l = r_i + r_j`:
//!
//! - (1) perception: only neighbours in `N_i = {j : e_i·e_ij > 0 or e0_i·e_ij > 0}` turn `i`;
//! - (2) predicted distance after the anticipation time `t_a`:
//!   `s^a_ij = max(l, (x^a_j − x^a_i)·e_ij)` with `x^a_k = x_k + v_k·t_a`;
//! - (3) strength `R_ij = α_ij · exp((l − s^a_ij)/D)`, with
//!   (4) `α_ij = k·(1 + (1 − e0_i·e_j)/2)`: twice as strong from a neighbour walking against
//!   `i` as from one walking along;
//! - (5) direction of the influence, sideways only:
//!   `n_ij = −sgn((x^a_j − x_i)·e0_i^⊥) · e0_i^⊥`, away from where `j` will be; when `j`'s
//!   predicted position lies on `i`'s desired line (within 1 mm, JuPedSim's tolerance) the side
//!   is drawn at random — here once per pair of agents from the run's seed, so that a step is
//!   a pure function of the current generation and the pair does not flicker;
//! - (6) optimal direction `e^d_i = u(e0_i + Σ_{j∈N_i} R_ij n_ij)`, `u` the normalisation;
//! - (7) the walking direction relaxes to it with the reaction time `τ`:
//!   `de_i/dt = (e^d_i − e_i)/τ`, integrated by explicit Euler and normalised. As in JuPedSim,
//!   an agent whose direction points against its desired one (`e0_i·e_i < 0`: its route turned
//!   back) takes `e^d_i` at once — relaxing between opposite unit vectors would stall at zero;
//! - (8)–(10) speed as in the collision-free speed model: `v_i = min(v0_i, max(0, s_i/T_i))`,
//!   `s_i` the distance to the nearest neighbour ahead in the corridor of width `2l` along the
//!   new direction, minus `l`.
//!
//! Because every influence is perpendicular to `e0_i`, a neighbour never turns an agent
//! backwards: it stops instead (the paper's "no backward movement").
//!
//! Walls: the paper treats walls as static agents; JuPedSim 1.4 (whose results we compare
//! with) instead lets agents glide along them, as its model page describes
//! (pedestriandynamics.org, "Wall implementation in the Anticipation Velocity Model"), and so do
//! we. With `d` the distance to the nearest wall point, `n` the unit vector from it to the agent
//! and `c = r_i + b` (`b` the wall buffer distance): for `d < c` the direction becomes
//! `u(e − (e·n)n + p·n)` (`p` the push-out strength: along the wall and gently away); for
//! `c ≤ d < 2c`, if walking towards the wall (`e·n < 0`), the part towards it is scaled by
//! `(d − c)/c`, fading from none at `2c` to all at `c`. The wall's tangent is taken normal to
//! `n`, so a corner glides like a round post (JuPedSim projects onto the nearest segment's own
//! line). Walls change the direction only, never the speed; the simulation's move constraint
//! keeps every agent off them in any case.
//!
//! Neighbours hidden behind a wall are ignored (as JuPedSim does). Positions advance by
//! explicit Euler, `x(t+dt) = x(t) + v_i·e_i·dt`. Interactions beyond the cut-off are dropped:
//! `max(max_i v0_i·T_i + 2·max_i r_i, min(3 m, 10·D + 2·t_a·max_i |v_i| + 2·max_i r_i))`, at
//! least 1 m. Past the first term the spacing cannot limit speed; past the second, even with
//! the largest closing speed of the current generation, the predicted gap exceeds `10·D`, so
//! `R_ij < 2k·e^{−10}` — except that, like JuPedSim (whose cut-off is a fixed 3 m), no
//! influence is looked for beyond 3 m: with the defaults that leaves out only neighbours closing
//! in at more than about 0.8 m/s each, until they come within 3 m (it keeps the neighbour search
//! of a dense crowd at JuPedSim's size).

use aman_geometry::Vec2;

use super::{Kinematics, OperationalModel, Scratch, StepContext, check_range, exp, wall_between};
use crate::{Agents, SimError, rng};

/// Salt of the random stream that picks the side of a head-on neighbour (Eq. (5)).
const SIDE_STREAM: u64 = 0x4156_4d5f_5349_4445;

/// Farthest neighbour (m) whose influence (Eqs. (2)–(5)) is considered: JuPedSim 1.4's fixed
/// cut-off radius of the model.
const INFLUENCE_REACH: f64 = 3.0;

/// Predicted lateral offsets below this (m) count as "on the desired line" (Eq. (5));
/// JuPedSim's `J_EPS`.
const ALIGNED: f64 = 1e-3;

/// Parameters of the Anticipation Velocity Model shared by all agents (JuPedSim 1.4.2's agent
/// defaults). Per-agent parameters (desired speed v0, time gap T, radius r) live with the
/// agents, and so does the state the model relaxes (the walking direction, `Agents::orientation`,
/// and the velocity the neighbours' predictions use).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnticipationVelocityModel {
    /// `k`: strength of the influence of neighbours, dimensionless (Eq. (4)). Default 8.0,
    /// range [0, 20] (JuPedSim's).
    pub strength_neighbor_repulsion: f64,
    /// `D`: range of the influence of neighbours, metres (Eq. (3)). Default 0.1 m, range (0, 5].
    pub range_neighbor_repulsion: f64,
    /// `t_a`: anticipation (prediction) time, seconds (Eq. (2)). Default 1.0 s, range [0, 5].
    pub anticipation_time: f64,
    /// `τ`: reaction time of the turn towards the optimal direction, seconds (Eq. (7)).
    /// Default 0.3 s, range (0, 1], and at least the time step.
    pub reaction_time: f64,
    /// `b`: distance beyond its radius at which an agent starts to glide along a wall, metres.
    /// Default 0.1 m, range [0, 1].
    pub wall_buffer_distance: f64,
    /// `p`: weight of the push away from a wall closer than `r + b`, dimensionless. Default
    /// 0.3 (JuPedSim's `pushout_strength`), range (0, 10].
    pub pushout_strength: f64,
}

impl Default for AnticipationVelocityModel {
    fn default() -> Self {
        Self {
            strength_neighbor_repulsion: 8.0,
            range_neighbor_repulsion: 0.1,
            anticipation_time: 1.0,
            reaction_time: 0.3,
            wall_buffer_distance: 0.1,
            pushout_strength: 0.3,
        }
    }
}

impl AnticipationVelocityModel {
    /// Checks every parameter against its documented range, and the reaction time against the
    /// time step `dt` (s): Eq. (7) integrated with `dt > τ` would overshoot the optimal
    /// direction.
    ///
    /// # Errors
    /// [`SimError::ParameterOutOfRange`] naming the first offending parameter;
    /// [`SimError::Config`] if `reaction_time < dt`.
    pub fn validate(&self, dt: f64) -> Result<(), SimError> {
        check_range(
            "anticipation_velocity.strength_neighbor_repulsion",
            self.strength_neighbor_repulsion,
            (0.0, false),
            20.0,
            "[0, 20]",
        )?;
        check_range(
            "anticipation_velocity.range_neighbor_repulsion",
            self.range_neighbor_repulsion,
            (0.0, true),
            5.0,
            "(0, 5] m",
        )?;
        check_range(
            "anticipation_velocity.anticipation_time",
            self.anticipation_time,
            (0.0, false),
            5.0,
            "[0, 5] s",
        )?;
        check_range(
            "anticipation_velocity.reaction_time",
            self.reaction_time,
            (0.0, true),
            1.0,
            "(0, 1] s",
        )?;
        check_range(
            "anticipation_velocity.wall_buffer_distance",
            self.wall_buffer_distance,
            (0.0, false),
            1.0,
            "[0, 1] m",
        )?;
        check_range(
            "anticipation_velocity.pushout_strength",
            self.pushout_strength,
            (0.0, true),
            10.0,
            "(0, 10]",
        )?;
        if self.reaction_time < dt - 1e-12 {
            return Err(SimError::Config(format!(
                "anticipation_velocity.reaction_time = {} s is shorter than the time step \
                 dt = {dt} s: the turn towards the optimal direction would overshoot; give a \
                 reaction time >= dt or a smaller dt",
                self.reaction_time
            )));
        }
        Ok(())
    }

    /// Eqs. (2)–(5): the signed sideways influence of neighbour `j` on agent `i`, along
    /// `e0_i^⊥` (the left normal of the desired direction `e0`), or `None` when `j` is out of
    /// `i`'s perception (Eq. (1)).
    ///
    /// `d = x_j − x_i` (m), `dist = |d|` (m, > 0), `l = r_i + r_j` (m), `e_i` the walking
    /// direction of `i`, `v_i`, `v_j` the velocities (m/s), `e_j` the walking direction of `j`;
    /// `coin` gives the side (±1) taken when `j`'s predicted position is on `i`'s desired line
    /// (called only then).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub fn influence(
        &self,
        e0: Vec2,
        e_i: Vec2,
        v_i: Vec2,
        d: Vec2,
        dist: f64,
        l: f64,
        v_j: Vec2,
        e_j: Vec2,
        coin: impl FnOnce() -> f64,
    ) -> Option<f64> {
        let e_ij = d * (1.0 / dist);
        // (1)
        if !(e_i.dot(e_ij) > 0.0 || e0.dot(e_ij) > 0.0) {
            return None;
        }
        let ta = self.anticipation_time;
        // (2): (x_j + v_j t_a − x_i − v_i t_a)·e_ij = |d| + (v_j − v_i)·e_ij t_a
        let s_a = (dist + (v_j - v_i).dot(e_ij) * ta).max(l);
        // (4), (3)
        let alpha = self.strength_neighbor_repulsion * (1.0 + 0.5 * (1.0 - e0.dot(e_j)));
        let strength = alpha * exp((l - s_a) / self.range_neighbor_repulsion);
        // (5): away from the side of e0 on which j will be
        let side = (d + v_j * ta).dot(e0.perp());
        let sign = if side.abs() < ALIGNED {
            coin()
        } else {
            -side.signum()
        };
        Some(strength * sign)
    }

    /// Eq. (7) by one explicit Euler step of `dt` from the walking direction `e` towards the
    /// optimal direction `ed`, normalised; `ed` itself when `e` points against the desired
    /// direction `e0` (see the module doc).
    #[inline]
    pub fn relax(&self, e: Vec2, ed: Vec2, e0: Vec2, dt: f64) -> Vec2 {
        if e0.dot(ed) * e0.dot(e) < 0.0 {
            return ed;
        }
        let next = (e + (ed - e) * (dt / self.reaction_time)).normalized();
        if next == Vec2::ZERO { ed } else { next }
    }

    /// The walking direction `e` of an agent of radius `r` at `x`, glided along the nearest
    /// wall point `p` (see the module doc); `e` unchanged when no wall is within `2(r + b)`.
    #[inline]
    pub fn glide(&self, e: Vec2, x: Vec2, r: f64, p: Option<Vec2>) -> Vec2 {
        let Some(p) = p else {
            return e;
        };
        let away = x - p;
        let d = away.norm();
        if d <= 0.0 {
            return e;
        }
        let n = away * (1.0 / d);
        let c = r + self.wall_buffer_distance;
        let towards = e.dot(n);
        let along = e - n * towards;
        if d < c {
            (along + n * self.pushout_strength).normalized()
        } else if d < 2.0 * c && towards < 0.0 {
            let keep = if c > 0.0 { (d - c) / c } else { 1.0 };
            (along + n * (towards * keep)).normalized()
        } else {
            e
        }
    }
}

impl OperationalModel for AnticipationVelocityModel {
    fn cutoff(&self, agents: &Agents) -> f64 {
        let mut reach: f64 = 0.0;
        let mut rmax: f64 = 0.0;
        let mut vmax: f64 = 0.0;
        for i in 0..agents.len() {
            reach = reach.max(agents.desired_speed[i] * agents.time_gap[i]);
            rmax = rmax.max(agents.radius[i]);
            vmax = vmax.max(agents.velocity[i].norm());
        }
        let predicted = (10.0 * self.range_neighbor_repulsion
            + 2.0 * vmax * self.anticipation_time
            + 2.0 * rmax)
            .min(INFLUENCE_REACH);
        (reach + 2.0 * rmax).max(predicted).max(1.0)
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
        let a = ctx.agents;
        // (the cell-order copies: the same values, read in order)
        let g = ctx.neighbours;
        let x = Vec2::new(g.xs()[k], g.ys()[k]);
        let r = g.radii()[k];
        let e_i = a.orientation[i];
        let v_i = a.velocity[i];
        let id_i = a.id[i].0;
        let near_walls = ctx.walls.near(x);
        let (gx, gy, gr, slots) = (g.xs(), g.ys(), g.radii(), g.sorted());
        let cutoff2 = ctx.cutoff * ctx.cutoff;
        // gather the visible neighbours once: the direction and the spacing both use them
        let runs = g.runs_near(x);
        let total: usize = runs.iter().map(|(s, e)| e - s).sum();
        scratch.reserve_len(total);
        let mut m = 0usize;
        for (s, e) in runs {
            for k in s..e {
                let (dx, dy) = (gx[k] - x.x, gy[k] - x.y);
                let dist2 = dx * dx + dy * dy;
                if dist2 > cutoff2
                    || dist2 == 0.0
                    || (!near_walls.is_empty()
                        && wall_between(ctx.walls, near_walls, x, Vec2::new(gx[k], gy[k])))
                {
                    continue;
                }
                scratch.dx[m] = dx;
                scratch.dy[m] = dy;
                scratch.dist[m] = dist2.sqrt();
                scratch.l[m] = r + gr[k];
                scratch.slot[m] = slots[k];
                m += 1;
            }
        }
        // (1)–(6): the optimal direction, e0 plus a sideways sum
        let mut lateral = 0.0;
        for k in 0..m {
            let j = scratch.slot[k] as usize;
            let coin = || {
                if rng::uniform(ctx.seed ^ SIDE_STREAM, id_i, a.id[j].0) < 0.5 {
                    1.0
                } else {
                    -1.0
                }
            };
            if let Some(f) = self.influence(
                e0,
                e_i,
                v_i,
                Vec2::new(scratch.dx[k], scratch.dy[k]),
                scratch.dist[k],
                scratch.l[k],
                a.velocity[j],
                a.orientation[j],
                coin,
            ) {
                lateral += f;
            }
        }
        let ed = (e0 + e0.perp() * lateral).normalized();
        // (7), then the walls
        let mut e = self.relax(e_i, ed, e0, ctx.dt);
        let mut nearest: Option<(Vec2, f64)> = None;
        for &w in near_walls {
            let p = ctx.walls.segment(w).closest_point(x);
            let d2 = (p - x).norm_sq();
            if nearest.is_none_or(|(_, b)| d2 < b) {
                nearest = Some((p, d2));
            }
        }
        e = self.glide(e, x, r, nearest.map(|(p, _)| p));
        if e == Vec2::ZERO {
            return Kinematics {
                position: x,
                velocity: Vec2::ZERO,
                orientation: e_i,
            };
        }
        // (8)–(10): the collision-free speed model's speed along the new direction
        super::cfsm::speed_step(x, e, v0, ctx.time_gap[k], ctx.dt, scratch, m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn head_on_neighbour_ahead_to_the_left_turns_right() {
        // i at the origin walking +x at 1 m/s; j 1 m ahead, 0.1 m to the left, walking −x at
        // 1 m/s; radii 0.2 (l = 0.4), t_a = 1, k = 8, D = 0.1.
        let m = AnticipationVelocityModel::default();
        let e0 = Vec2::new(1.0, 0.0);
        let d = Vec2::new(1.0, 0.1);
        let dist = d.norm();
        let f = m
            .influence(
                e0,
                e0,
                e0,
                d,
                dist,
                0.4,
                Vec2::new(-1.0, 0.0),
                Vec2::new(-1.0, 0.0),
                || 1.0,
            )
            .unwrap();
        // (2): s^a = |d| + (v_j − v_i)·e_ij t_a = |d| − 2·(1/|d|) = 1.00499 − 1.99007 < l → l
        // (3): exp(0) = 1; (4): α = 8·(1 + (1 − (−1))/2) = 16
        // (5): predicted offset (d + v_j t_a)·e0⊥ = 0.1 > 0 (left) → push right: −16
        assert!(close(f, -16.0), "{f}");
    }

    #[test]
    fn follower_is_turned_weakly_and_by_the_gap_it_will_have() {
        // j 1 m straight ahead, 0.3 m left, both walking +x at 1.2 m/s: the gap stays as it is
        let m = AnticipationVelocityModel::default();
        let e0 = Vec2::new(1.0, 0.0);
        let v = Vec2::new(1.2, 0.0);
        let d = Vec2::new(1.0, 0.3);
        let dist = d.norm();
        let f = m.influence(e0, e0, v, d, dist, 0.4, v, e0, || 1.0).unwrap();
        // s^a = |d| = 1.04403; α = 8; R = 8·exp((0.4 − 1.04403)/0.1) = 8·e^{−6.4403}
        let want = -8.0 * (-(dist - 0.4) / 0.1f64).exp();
        assert!((f - want).abs() < 1e-15, "{f} {want}");
        assert!((want + 0.012_76).abs() < 1e-4, "{want}");
    }

    #[test]
    fn neighbours_behind_are_not_perceived_and_aligned_ones_take_the_coin() {
        let m = AnticipationVelocityModel::default();
        let e0 = Vec2::new(1.0, 0.0);
        let behind = Vec2::new(-0.5, 0.1);
        assert!(
            m.influence(e0, e0, e0, behind, behind.norm(), 0.4, e0, e0, || 1.0)
                .is_none()
        );
        // straight ahead, standing: predicted offset 0 → the coin's side, at full strength
        // since s^a = 0.4 = l → R = k·α = 8
        let ahead = Vec2::new(0.4, 0.0);
        let f = m.influence(e0, e0, Vec2::ZERO, ahead, 0.4, 0.4, Vec2::ZERO, e0, || -1.0);
        assert!(close(f.unwrap(), -8.0));
    }

    #[test]
    fn direction_relaxes_with_the_reaction_time() {
        let m = AnticipationVelocityModel::default();
        let e0 = Vec2::new(1.0, 0.0);
        let e = Vec2::new(1.0, 0.0);
        let ed = Vec2::new(0.0, 1.0);
        // e + (ed − e)·0.01/0.3 = (1 − 1/30, 1/30), normalised
        let got = m.relax(e, ed, e0, 0.01);
        let (x, y): (f64, f64) = (1.0 - 1.0 / 30.0, 1.0 / 30.0);
        let n = (x * x + y * y).sqrt();
        assert!(close(got.x, x / n) && close(got.y, y / n), "{got:?}");
        // walking against the desired direction: the optimal direction at once
        let back = m.relax(Vec2::new(-1.0, 0.0), Vec2::new(0.6, 0.8), e0, 0.01);
        assert_eq!(back, Vec2::new(0.6, 0.8));
    }

    #[test]
    fn walls_make_agents_glide() {
        let m = AnticipationVelocityModel::default();
        let r = 0.2; // c = 0.3, influence from 0.6
        let x = Vec2::new(0.0, 0.0);
        let e = Vec2::new(0.6, -0.8); // towards a wall below
        // wall point 0.45 m below: the part towards it scaled by (0.45 − 0.3)/0.3 = 0.5
        let got = m.glide(e, x, r, Some(Vec2::new(0.0, -0.45)));
        let want = Vec2::new(0.6, -0.4).normalized();
        assert!(close(got.x, want.x) && close(got.y, want.y), "{got:?}");
        // 0.2 m below (inside c): along the wall plus 0.3 away
        let got = m.glide(e, x, r, Some(Vec2::new(0.0, -0.2)));
        let want = Vec2::new(0.6, 0.3).normalized();
        assert!(close(got.x, want.x) && close(got.y, want.y), "{got:?}");
        // walking away, or far: unchanged
        assert_eq!(m.glide(e, x, r, Some(Vec2::new(0.0, 0.45))), e);
        assert_eq!(m.glide(e, x, r, Some(Vec2::new(0.0, -0.7))), e);
        assert_eq!(m.glide(e, x, r, None), e);
    }

    #[test]
    fn parameters_are_checked() {
        assert!(AnticipationVelocityModel::default().validate(0.01).is_ok());
        let bad = AnticipationVelocityModel {
            anticipation_time: 6.0,
            ..Default::default()
        };
        let e = bad.validate(0.01).unwrap_err().to_string();
        assert_eq!(
            e,
            "anticipation_velocity.anticipation_time = 6 is not in the allowed range [0, 5] s"
        );
        let slow = AnticipationVelocityModel {
            reaction_time: 0.05,
            ..Default::default()
        };
        let e = slow.validate(0.1).unwrap_err().to_string();
        assert!(e.contains("shorter than the time step"), "{e}");
        let nan = AnticipationVelocityModel {
            range_neighbor_repulsion: f64::NAN,
            ..Default::default()
        };
        assert!(nan.validate(0.01).is_err());
    }
}
