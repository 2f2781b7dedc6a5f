//! # Generalized Centrifugal Force Model
//!
//! M. Chraibi, A. Seyfried, A. Schadschneider, "Generalized centrifugal-force model for
//! pedestrian dynamics", *Phys. Rev. E* 82 (2010) 046111, doi:10.1103/PhysRevE.82.046111
//! (arXiv:1008.4297), with JuPedSim 1.4.2's defaults (`GeneralizedCentrifugalForceModel`) so
//! results compare.
//!
//! **Sources, and what was checked.** The paper's full text could not be consulted here, so
//! this doc gives no equation or figure numbers of its own. What it states was checked against
//! (a) the paper's opening (its Eq. (1): the neighbours `j` that act on `i` are those within
//! the cut-off `r_c` whose line of centres crosses no wall); (b) the model's page of the
//! authors' group, pedestriandynamics.org/models/generalized_centrifugal_force_model (the
//! formulas of the axes, the driving force, the repulsion, `v_ij`, `k_ij`, and the effective
//! distance measured along the line of centres); (c) JuPedSim 1.4.2's source
//! (`libsimulator/src/GeneralizedCentrifugalForceModel.cpp`, `Mathematics.cpp`, and
//! `python_modules/jupedsim/jupedsim/models/generalized_centrifugal_force.py`: every default
//! value, the agent parameters' ranges, the interpolation). JuPedSim's docstrings refer the
//! cut-off, interpolation width and maximum force to "FIG. 7" of arXiv:1008.4297, and its
//! 0.9 documentation the strength `ν` (here `η`) to "Eq. (19)"; neither number was checked
//! against the paper.
//!
//! Newton's law for agent `i` of mass `m` at `x_i` with velocity `v_i`:
//!
//! `m dv_i/dt = m (v0_i e0_i − v_i)/τ + Σ_j F_ij + Σ_w F_iw`.
//!
//! Each agent is an ellipse centred at `x_i`, its semi-axis `a` along the walking direction (the
//! orientation: the direction of the velocity, kept while standing) and `b` across it, both
//! depending on the speed `|v_i|`:
//!
//! `a_i = a_min + τ_a |v_i|`, `b_i = b_max − (b_max − b_min) |v_i|/v0_i`
//!
//! (`b_i` kept ≥ `b_min` when `|v_i| > v0_i`). The repulsion of neighbour `j`:
//!
//! `F_ij = −m k_ij (η v0_i + v_ij)² / d_ij · e_ij`,
//!
//! with `e_ij` the unit vector from `i` to `j`, `k_ij = max(0, v_i·e_ij)/|v_i|` the vision
//! factor (0 for neighbours behind and for a standing agent), `v_ij = max(0, (v_i − v_j)·e_ij)`
//! the closing speed, and `d_ij` the effective distance: the distance between the centres minus
//! each ellipse's extent along the line joining them, `ρ(θ) = ab/√((b cos θ)² + (a sin θ)²)`
//! for the angle `θ` between that line and the ellipse's axis `a`. `d_ij` is negative for
//! overlapping ellipses. A wall point `p` repels the same way, with `η_w` in place of `η`, the
//! normal speed `v_n = max(0, v_i·e_iw)` towards it in place of `v_ij`, and
//! `d_iw = |p − x_i| − ρ_i`. The model's page describes the paper's walls as three static point
//! masses each; aman takes every closest wall point instead (difference (ii) below), JuPedSim
//! the closest point of each wall segment.
//!
//! The singular `1/d` is bounded by cubic Hermite interpolation on both sides (the model's
//! page: "a two-sided Hermite-interpolation"), with JuPedSim's scheme and constants: the force
//! is `f(d) = F/d` for `r_ε + Δ ≤ d ≤ r_c − Δ`; it is brought down to zero at `r_c` (the
//! interaction distance) by a cubic on `[r_c − Δ, r_c]` (matching value and slope at the left
//! end, zero value and slope at the right); it rises to `f_m F/(r_ε + Δ)` at `r_ε − Δ` by a
//! cubic on `[r_ε − Δ, r_ε + Δ]` (zero slope at the left end, matching slope at the right), and
//! stays at that maximum for `d ≤ r_ε − Δ`. `Δ` is the interpolation distance, `f_m` the
//! maximum repulsion factor, and `r_ε` = [`R_EPS`] = 0.5 m JuPedSim's fixed `mindist` ("for
//! performance reasons, it is assumed that this distance is about 50 cm"). With the defaults
//! the repulsion is at its maximum for gaps below 0.4 m and follows `F/d` from 0.6 m to 1.9 m.
//! (JuPedSim's docstrings call `Δ` the paper's `r_eps`; the names here are aman's.) Walls use
//! the same curve with their own `r_c`, `Δ` and `f_m`.
//!
//! Integration is semi-implicit Euler as in JuPedSim: `v ← v + a dt`, then `x ← x + v dt`.
//! The relaxation `(v0 e0 − v)/τ` integrated explicitly needs `dt < τ` not to overshoot the
//! desired velocity; the model rejects `dt > τ/2`.
//!
//! Differences from JuPedSim 1.4.2's code: (i) the effective distance takes each ellipse's
//! extent along the line of centres (as the model's page draws it) and is signed, where
//! JuPedSim takes the distance between the points of parameter angle `θ` on the two ellipses
//! (not on that line off the axes) and its absolute value; (ii) walls use the same interpolated
//! curve as neighbours and every closest wall point counts, corners included, where JuPedSim
//! pushes with a constant `f_m` newtons whenever `d_iw ≤ r_ε − Δ + ρ_i`, leaves out the walls'
//! end points and walls shorter than 10 cm, and omits the mass (neither is the paper's
//! three-point wall); (iii) the desired direction is the router's, not smoothed (JuPedSim
//! relaxes `e0` towards a new target with `1 − exp(−t/0.5 s)`); (iv) `b_i ≥ b_min`.
//!
//! Neighbours hidden behind a wall are ignored (the paper's Eq. (1), and JuPedSim). Interactions
//! beyond the cut-off `max(r_c, r_c,w) + 2 max_i max(a_i, b_max)` (m) are zero by construction
//! (JuPedSim queries neighbours within a fixed 4 m of the centre).

use aman_geometry::Vec2;

use super::{
    Kinematics, OperationalModel, Scratch, StepContext, check_range, for_each_wall_point,
    wall_between,
};
use crate::{Agents, SimError};

/// One range check of [`GeneralizedCentrifugalForceModel::validate`]: key, value, lower
/// bound (and whether it is excluded), upper bound, the range as shown.
type Check = (&'static str, f64, (f64, bool), f64, &'static str);

/// `r_ε`, metres: the effective distance about which the repulsion is interpolated up to its
/// maximum (JuPedSim's fixed `mindist` of the model).
pub const R_EPS: f64 = 0.5;

/// Parameters of the Generalized Centrifugal Force Model, shared by all agents (JuPedSim
/// 1.4.2's model and agent defaults). Per-agent: the desired speed `v0` and the state (position,
/// velocity, orientation). The agent's radius is used only by the simulation's wall constraint
/// and the neighbour grid; the body is the ellipse of `a_min`, `a_v`, `b_min`, `b_max`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeneralizedCentrifugalForceModel {
    /// `m`: mass, kg. Default 1 kg, range [1, 100] (JuPedSim's default and check). Every force
    /// is proportional to it, so it changes nothing but is kept for JuPedSim's parameter set.
    pub mass: f64,
    /// `τ`: relaxation time of the driving force `m(v0 e0 − v)/τ`, s. Default 0.5 s, range
    /// [0.1, 10] (JuPedSim's default and check), and at least twice the time step.
    pub tau: f64,
    /// `η` (JuPedSim's `strength_neighbor_repulsion`, its 0.x `nu`): strength of the
    /// neighbours' repulsion `(η v0 + v_ij)²`, dimensionless. Default 0.3 (JuPedSim's); range
    /// [0, 10] (aman's: JuPedSim checks none of the model-level parameters).
    pub strength_neighbor_repulsion: f64,
    /// `η_w`: strength of the walls' repulsion, dimensionless. Default 0.2 (JuPedSim's), range
    /// [0, 10] (aman's).
    pub strength_geometry_repulsion: f64,
    /// `r_c`: effective distance beyond which neighbours do not repel, m. Default 2 m
    /// (JuPedSim's), range (2 `R_EPS`, 10] = (1, 10] m (aman's: the two interpolations must not
    /// overlap).
    pub max_neighbor_interaction_distance: f64,
    /// `r_c,w`: the same for walls, m. Default 2 m, range (1, 10] m.
    pub max_geometry_interaction_distance: f64,
    /// `Δ`: half-width of the interpolation at `r_ε` and width at `r_c`, m. Default 0.1 m
    /// (JuPedSim's), range (0, 0.5) m (aman's: below `r_ε`).
    pub max_neighbor_interpolation_distance: f64,
    /// `Δ_w`: the same for walls, m. Default 0.1 m, range (0, 0.5) m.
    pub max_geometry_interpolation_distance: f64,
    /// `f_m`: the largest neighbour repulsion, as a multiple of the unbounded force at
    /// `r_ε + Δ`. Default 9 (JuPedSim's), range [1, 100] (aman's).
    pub max_neighbor_repulsion_force: f64,
    /// `f_m,w`: the same for walls. Default 3 (JuPedSim's), range [1, 100].
    pub max_geometry_repulsion_force: f64,
    /// `τ_a` (JuPedSim's `a_v`): growth of the semi-axis along the motion with speed,
    /// `a = a_min + τ_a |v|`, s. Default 1 s, range [0, 10] (JuPedSim's default and check).
    pub a_v: f64,
    /// `a_min`: semi-axis along the motion at rest, m. Default 0.2 m, range [0.1, 1] m
    /// (JuPedSim's default and check).
    pub a_min: f64,
    /// `b_min`: semi-axis across the motion at the desired speed,
    /// `b = b_max − (b_max − b_min)|v|/v0`, m. Default 0.2 m, range [0.1, 1] m (JuPedSim's
    /// default and check).
    pub b_min: f64,
    /// `b_max`: semi-axis across the motion at rest, m. Default 0.4 m, range [b_min, 2] m
    /// (JuPedSim's default and check).
    pub b_max: f64,
}

impl Default for GeneralizedCentrifugalForceModel {
    fn default() -> Self {
        Self {
            mass: 1.0,
            tau: 0.5,
            strength_neighbor_repulsion: 0.3,
            strength_geometry_repulsion: 0.2,
            max_neighbor_interaction_distance: 2.0,
            max_geometry_interaction_distance: 2.0,
            max_neighbor_interpolation_distance: 0.1,
            max_geometry_interpolation_distance: 0.1,
            max_neighbor_repulsion_force: 9.0,
            max_geometry_repulsion_force: 3.0,
            a_v: 1.0,
            a_min: 0.2,
            b_min: 0.2,
            b_max: 0.4,
        }
    }
}

/// Cubic Hermite polynomial on `[x1, x2]` with values `y1`, `y2` and slopes `s1`, `s2` at the
/// ends, at `t` (the two-sided interpolation of the module doc).
#[inline]
pub fn hermite(t: f64, (x1, x2): (f64, f64), (y1, y2): (f64, f64), (s1, s2): (f64, f64)) -> f64 {
    let h = x2 - x1;
    let u = (t - x1) / h;
    let (u2, u3) = (u * u, u * u * u);
    y1 * (2.0 * u3 - 3.0 * u2 + 1.0)
        + y2 * (3.0 * u2 - 2.0 * u3)
        + h * (s1 * (u3 - 2.0 * u2 + u) + s2 * (u3 - u2))
}

impl GeneralizedCentrifugalForceModel {
    /// Checks every parameter against its documented range, and the time step `dt` (s)
    /// against the relaxation time.
    ///
    /// # Errors
    /// [`SimError::ParameterOutOfRange`] naming the first offending parameter;
    /// [`SimError::Config`] if `dt > τ/2`.
    pub fn validate(&self, dt: f64) -> Result<(), SimError> {
        let p = "generalized_centrifugal_force.";
        let checks: [Check; 14] = [
            ("mass", self.mass, (1.0, false), 100.0, "[1, 100] kg"),
            ("tau", self.tau, (0.1, false), 10.0, "[0.1, 10] s"),
            (
                "strength_neighbor_repulsion",
                self.strength_neighbor_repulsion,
                (0.0, false),
                10.0,
                "[0, 10]",
            ),
            (
                "strength_geometry_repulsion",
                self.strength_geometry_repulsion,
                (0.0, false),
                10.0,
                "[0, 10]",
            ),
            (
                "max_neighbor_interaction_distance",
                self.max_neighbor_interaction_distance,
                (2.0 * R_EPS, true),
                10.0,
                "(1, 10] m",
            ),
            (
                "max_geometry_interaction_distance",
                self.max_geometry_interaction_distance,
                (2.0 * R_EPS, true),
                10.0,
                "(1, 10] m",
            ),
            (
                "max_neighbor_repulsion_force",
                self.max_neighbor_repulsion_force,
                (1.0, false),
                100.0,
                "[1, 100]",
            ),
            (
                "max_geometry_repulsion_force",
                self.max_geometry_repulsion_force,
                (1.0, false),
                100.0,
                "[1, 100]",
            ),
            ("a_v", self.a_v, (0.0, false), 10.0, "[0, 10] s"),
            ("a_min", self.a_min, (0.1, false), 1.0, "[0.1, 1] m"),
            ("b_min", self.b_min, (0.1, false), 1.0, "[0.1, 1] m"),
            ("b_max", self.b_max, (0.1, false), 2.0, "[b_min, 2] m"),
            (
                "max_neighbor_interpolation_distance",
                self.max_neighbor_interpolation_distance,
                (0.0, true),
                R_EPS,
                "(0, 0.5) m",
            ),
            (
                "max_geometry_interpolation_distance",
                self.max_geometry_interpolation_distance,
                (0.0, true),
                R_EPS,
                "(0, 0.5) m",
            ),
        ];
        for (name, v, lo, hi, range) in checks {
            check_range(&format!("{p}{name}"), v, lo, hi, range)?;
        }
        for (name, v) in [
            (
                "max_neighbor_interpolation_distance",
                self.max_neighbor_interpolation_distance,
            ),
            (
                "max_geometry_interpolation_distance",
                self.max_geometry_interpolation_distance,
            ),
        ] {
            if v >= R_EPS {
                return Err(SimError::ParameterOutOfRange {
                    what: format!("{p}{name}"),
                    value: v,
                    range: "(0, 0.5) m",
                });
            }
        }
        if self.b_max < self.b_min {
            return Err(SimError::Config(format!(
                "{p}b_max = {} m is smaller than b_min = {} m: the ellipse's semi-axis across \
                 the motion shrinks from b_max at rest to b_min at the desired speed",
                self.b_max, self.b_min
            )));
        }
        if dt > 0.5 * self.tau + 1e-12 {
            return Err(SimError::Config(format!(
                "dt = {dt} s is too large for the generalized centrifugal force model: the \
                 relaxation time tau = {} s needs dt <= tau/2 = {} s; set dt = 0.01",
                self.tau,
                0.5 * self.tau
            )));
        }
        Ok(())
    }

    /// Semi-axes `(a, b)` (m) of the ellipse of an agent at speed `speed` (m/s) with desired
    /// speed `v0` (m/s): `a = a_min + τ_a·speed`, `b = b_max − (b_max − b_min)·speed/v0`, `b`
    /// kept in `[b_min, b_max]`.
    #[inline]
    pub fn semi_axes(&self, speed: f64, v0: f64) -> (f64, f64) {
        let a = self.a_min + self.a_v * speed;
        let frac = if v0 > 0.0 {
            (speed / v0).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (a, self.b_max - (self.b_max - self.b_min) * frac)
    }

    /// Extent (m) of an ellipse of semi-axes `a` (along the unit `axis`) and `b` in the unit
    /// direction `dir`: `ab/√((b cos θ)² + (a sin θ)²)`, `θ` the angle between `dir` and `axis`.
    #[inline]
    pub fn extent(a: f64, b: f64, axis: Vec2, dir: Vec2) -> f64 {
        let c = axis.dot(dir);
        let s = axis.cross(dir);
        a * b / ((b * c).powi(2) + (a * s).powi(2)).sqrt()
    }

    /// Magnitude (m/s² times `m`, i.e. newtons) of the repulsion at effective distance `d` (m)
    /// for the unbounded force `F/d` (`f` = `F`, N·m): the interpolated curve of the module
    /// doc with interaction distance `rc`, interpolation distance `w`, maximum factor `fm`.
    #[inline]
    pub fn repulsion(f: f64, d: f64, rc: f64, w: f64, fm: f64) -> f64 {
        let left = R_EPS + w;
        let right = rc - w;
        if d >= rc {
            0.0
        } else if d >= right {
            let y = f / right;
            hermite(d, (right, rc), (y, 0.0), (-y / right, 0.0))
        } else if d >= left {
            f / d
        } else if d > R_EPS - w {
            let y = f / left;
            hermite(d, (R_EPS - w, left), (fm * y, y), (0.0, -y / left))
        } else {
            fm * f / left
        }
    }

    /// Largest semi-axis (m) among `agents` at their current speeds.
    fn largest_extent(&self, agents: &Agents) -> f64 {
        let vmax = agents.velocity.iter().map(|v| v.norm()).fold(0.0, f64::max);
        (self.a_min + self.a_v * vmax).max(self.b_max)
    }
}

impl OperationalModel for GeneralizedCentrifugalForceModel {
    fn cutoff(&self, agents: &Agents) -> f64 {
        let rc = self.max_neighbor_interaction_distance;
        rc + 2.0 * self.largest_extent(agents)
    }

    fn next_state(
        &self,
        ctx: &StepContext<'_>,
        i: usize,
        _k: usize,
        e0: Vec2,
        v0: f64,
        _scratch: &mut Scratch,
    ) -> Kinematics {
        let ag = ctx.agents;
        let x = ag.position[i];
        let v = ag.velocity[i];
        let speed = v.norm();
        let axis = ag.orientation[i];
        let m = self.mass;
        let (a_i, b_i) = self.semi_axes(speed, ag.desired_speed[i]);
        let mut force = (e0 * v0 - v) * (m / self.tau);
        let near_walls = ctx.walls.near(x);
        if speed > 1e-9 {
            let inv_speed = 1.0 / speed;
            // the neighbour loop of `for_each_visible_neighbour`, with the cheap tests first:
            // most neighbours within the cut-off are behind (k_ij = 0) or beyond r_c, and need
            // no line-of-sight test against the walls
            let g = ctx.neighbours;
            let (xs, ys, slots) = (g.xs(), g.ys(), g.sorted());
            let cutoff2 = ctx.cutoff * ctx.cutoff;
            let rc = self.max_neighbor_interaction_distance;
            for (s, e_run) in g.runs_near(x) {
                for k in s..e_run {
                    let d = Vec2::new(xs[k] - x.x, ys[k] - x.y);
                    let d2 = d.norm_sq();
                    if d2 > cutoff2 || d2 == 0.0 {
                        continue;
                    }
                    let ve = v.dot(d);
                    if ve <= 0.0 {
                        continue; // behind: k_ij = 0
                    }
                    let dist = d2.sqrt();
                    let e = d * (1.0 / dist);
                    let j = slots[k] as usize;
                    let vj = ag.velocity[j];
                    let (a_j, b_j) = self.semi_axes(vj.norm(), ag.desired_speed[j]);
                    let gap = dist
                        - Self::extent(a_i, b_i, axis, e)
                        - Self::extent(a_j, b_j, ag.orientation[j], e);
                    if gap >= rc {
                        continue;
                    }
                    if !near_walls.is_empty() && wall_between(ctx.walls, near_walls, x, x + d) {
                        continue; // hidden behind a wall
                    }
                    let kij = ve / dist * inv_speed;
                    let closing = (v - vj).dot(e).max(0.0);
                    let num = self.strength_neighbor_repulsion * v0 + closing;
                    let f = Self::repulsion(
                        m * kij * num * num,
                        gap,
                        rc,
                        self.max_neighbor_interpolation_distance,
                        self.max_neighbor_repulsion_force,
                    );
                    force -= e * f;
                }
            }
            for_each_wall_point(ctx.walls, near_walls, x, |p| {
                let to = p - x;
                let dist = to.norm();
                if dist <= 0.0 {
                    return;
                }
                let e = to * (1.0 / dist);
                let vn = v.dot(e);
                if vn <= 0.0 {
                    return;
                }
                let k = vn * inv_speed;
                let gap = dist - Self::extent(a_i, b_i, axis, e);
                let num = self.strength_geometry_repulsion * v0 + vn;
                let f = Self::repulsion(
                    m * k * num * num,
                    gap,
                    self.max_geometry_interaction_distance,
                    self.max_geometry_interpolation_distance,
                    self.max_geometry_repulsion_force,
                );
                force -= e * f;
            });
        }
        let nv = v + force * (ctx.dt / m);
        let s = nv.norm();
        let orientation = if s > 1e-9 { nv * (1.0 / s) } else { axis };
        Kinematics {
            position: x + nv * ctx.dt,
            velocity: nv,
            orientation,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn semi_axes_follow_eqs_8_and_9() {
        let m = GeneralizedCentrifugalForceModel::default();
        // at rest: a = a_min = 0.2, b = b_max = 0.4
        assert_eq!(m.semi_axes(0.0, 1.2), (0.2, 0.4));
        // at 0.6 m/s of 1.2: a = 0.2 + 1·0.6 = 0.8, b = 0.4 − 0.2·0.5 = 0.3
        let (a, b) = m.semi_axes(0.6, 1.2);
        assert!(close(a, 0.8, 1e-12) && close(b, 0.3, 1e-12), "{a} {b}");
        // faster than desired: b stays at b_min
        assert!(close(m.semi_axes(2.4, 1.2).1, 0.2, 1e-12));
    }

    #[test]
    fn extent_along_the_axes_and_at_45_degrees() {
        let ax = Vec2::new(1.0, 0.0);
        let (a, b) = (0.8, 0.3);
        let ext = GeneralizedCentrifugalForceModel::extent;
        assert!(close(ext(a, b, ax, ax), 0.8, 1e-12));
        assert!(close(ext(a, b, ax, Vec2::new(0.0, -1.0)), 0.3, 1e-12));
        // 45°: ab/√((a² + b²)/2) = 0.24/√0.365 = 0.397249...
        let d = Vec2::new(1.0, 1.0).normalized();
        assert!(close(ext(a, b, ax, d), 0.24 / 0.365f64.sqrt(), 1e-12));
    }

    #[test]
    fn repulsion_curve_is_continuous_and_bounded() {
        let rep = GeneralizedCentrifugalForceModel::repulsion;
        let (f, rc, w, fm) = (0.1296, 2.0, 0.1, 9.0);
        // the unbounded 1/d part
        assert!(close(rep(f, 1.0, rc, w, fm), 0.1296, 1e-15));
        // both ends of each interpolation meet the neighbouring pieces
        assert!(close(rep(f, 1.9, rc, w, fm), f / 1.9, 1e-12));
        assert!(close(rep(f, 2.0 - 1e-12, rc, w, fm), 0.0, 1e-9));
        assert_eq!(rep(f, 2.0, rc, w, fm), 0.0);
        assert!(close(rep(f, 0.6, rc, w, fm), f / 0.6, 1e-12));
        // at and below r_ε − Δ = 0.4: f_m F/(r_ε + Δ) = 9·0.1296/0.6 = 1.944
        assert!(close(rep(f, 0.4, rc, w, fm), 1.944, 1e-12));
        assert!(close(rep(f, -0.3, rc, w, fm), 1.944, 1e-12));
        // midway in [0.4, 0.6]: the Hermite cubic at u = 1/2 is (y1 + y2)/2 + h(s1 − s2)/8
        // = (1.944 + 0.216)/2 + 0.2·(0 + 0.216/0.6)/8 = 1.08 + 0.009 = 1.089
        assert!(close(rep(f, 0.5, rc, w, fm), 1.089, 1e-12));
        // midway in [1.9, 2]: y/2 + h·s1/8 = 0.0682105/2 + 0.1·(−0.0359003)/8
        let y = f / 1.9;
        assert!(close(
            rep(f, 1.95, rc, w, fm),
            y / 2.0 - 0.1 * (y / 1.9) / 8.0,
            1e-12
        ));
    }

    #[test]
    fn validate_names_the_offending_parameter_and_the_time_step() {
        let m = GeneralizedCentrifugalForceModel::default();
        assert!(m.validate(0.01).is_ok());
        let bad = GeneralizedCentrifugalForceModel { a_min: 0.05, ..m };
        assert_eq!(
            bad.validate(0.01).unwrap_err().to_string(),
            "generalized_centrifugal_force.a_min = 0.05 is not in the allowed range [0.1, 1] m"
        );
        let inverted = GeneralizedCentrifugalForceModel {
            b_min: 0.3,
            b_max: 0.25,
            ..m
        };
        assert!(
            inverted
                .validate(0.01)
                .unwrap_err()
                .to_string()
                .contains("b_max")
        );
        let coarse = m.validate(0.3).unwrap_err().to_string();
        assert!(coarse.contains("tau/2 = 0.25"), "{coarse}");
        let nan = GeneralizedCentrifugalForceModel { tau: f64::NAN, ..m };
        assert!(nan.validate(0.01).is_err());
        let wide = GeneralizedCentrifugalForceModel {
            max_neighbor_interpolation_distance: 0.5,
            ..m
        };
        assert!(wide.validate(0.01).is_err());
    }
}
