//! # Social Force Model
//!
//! D. Helbing, I. Farkas, T. Vicsek, "Simulating dynamical features of escape panic",
//! Nature 407, 487–490 (2000), doi:10.1038/35035023, with the parameters of that paper.
//!
//! Newton's law for each agent (mass `m`, Eq. (1) of [1]):
//!
//! `m dv_i/dt = m (v0_i e_i − v_i)/τ + Σ_j f_ij + Σ_W f_iW`
//!
//! with, for `d_ij = |x_i − x_j|`, `r_ij = r_i + r_j`, `n_ij = (x_i − x_j)/d_ij`, `t_ij` its left
//! normal, `g(x) = max(x, 0)`, `Δv^t_ji = (v_j − v_i)·t_ij` (Eq. (2) of [1]):
//!
//! `f_ij = {A exp[(r_ij − d_ij)/B] + k g(r_ij − d_ij)} n_ij + κ g(r_ij − d_ij) Δv^t_ji t_ij`
//!
//! and, for the distance `d_iW` to wall `W`, `n_iW` pointing from the wall to the agent, `t_iW`
//! tangential (Eq. (3) of [1]):
//!
//! `f_iW = {A exp[(r_i − d_iW)/B] + k g(r_i − d_iW)} n_iW − κ g(r_i − d_iW) (v_i·t_iW) t_iW`.
//!
//! Integration is semi-implicit Euler: `v ← v + a dt`, then `x ← x + v dt`. With
//! `k/m = 1500 s⁻²` the body contact is stiff (`ω = 38.7 rad/s`), so the model is stable for
//! `dt ≤ 0.01 s` (ω·dt < 2 with margin); larger time steps are rejected. The friction terms are
//! clamped so that within one step they never more than cancel the tangential relative velocity
//! they act on (the exact behaviour of friction, which explicit Euler would overshoot when
//! `κ g dt / m > 1`). Speeds are capped at `1.3 v0_i`, the `v_max` of Helbing & Molnár,
//! Phys. Rev. E 51, 4282 (1995), Eq. (4). Interactions farther than `r_ij + 10 B` (force below
//! `A·e^{-10}` ≈ 0.09 N) are dropped.

use super::{
    Kinematics, OperationalModel, Scratch, StepContext, check_range, exp,
    for_each_visible_neighbour, for_each_wall_point,
};
use aman_geometry::Vec2;

use crate::{Agents, SimError};

/// Parameters of the Social Force Model (Helbing, Farkas & Vicsek 2000 values as defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SocialForceModel {
    /// `m`: mass of an agent, kg. Default 80 kg, range (0, 500].
    pub mass: f64,
    /// `τ`: relaxation time towards the desired velocity, s. Default 0.5 s, range (0, 10].
    pub relaxation_time: f64,
    /// `A`: strength of the social repulsion, N. Default 2000 N, range [0, 1e5].
    pub strength: f64,
    /// `B`: range of the social repulsion, m. Default 0.08 m, range (0, 5].
    pub range: f64,
    /// `k`: body compression coefficient, kg/s². Default 1.2e5, range [0, 1e7].
    pub body_force: f64,
    /// `κ`: sliding friction coefficient, kg/(m·s). Default 2.4e5, range [0, 1e7].
    pub friction: f64,
}

impl Default for SocialForceModel {
    fn default() -> Self {
        Self {
            mass: 80.0,
            relaxation_time: 0.5,
            strength: 2000.0,
            range: 0.08,
            body_force: 1.2e5,
            friction: 2.4e5,
        }
    }
}

impl SocialForceModel {
    /// The largest time step (s) at which these parameters integrate stably.
    pub fn max_dt(&self) -> f64 {
        // body contact: ω = sqrt(k/m); semi-implicit Euler needs ω dt < 2, keep a factor 5
        let omega = (self.body_force / self.mass).sqrt();
        (0.4 / omega.max(1e-9))
            .min(0.5 * self.relaxation_time)
            .max(1e-4)
    }

    /// Checks every parameter against its documented range, and `dt` against [`Self::max_dt`].
    ///
    /// # Errors
    /// [`SimError::ParameterOutOfRange`] naming the first offending parameter, or
    /// [`SimError::Config`] if `dt` is too large for stable integration.
    pub fn validate(&self, dt: f64) -> Result<(), SimError> {
        check_range(
            "social_force.mass",
            self.mass,
            (0.0, true),
            500.0,
            "(0, 500] kg",
        )?;
        check_range(
            "social_force.relaxation_time",
            self.relaxation_time,
            (0.0, true),
            10.0,
            "(0, 10] s",
        )?;
        check_range(
            "social_force.strength",
            self.strength,
            (0.0, false),
            1e5,
            "[0, 100000] N",
        )?;
        check_range(
            "social_force.range",
            self.range,
            (0.0, true),
            5.0,
            "(0, 5] m",
        )?;
        check_range(
            "social_force.body_force",
            self.body_force,
            (0.0, false),
            1e7,
            "[0, 1e7] kg/s²",
        )?;
        check_range(
            "social_force.friction",
            self.friction,
            (0.0, false),
            1e7,
            "[0, 1e7] kg/(m·s)",
        )?;
        let max = self.max_dt();
        if dt > max + 1e-12 {
            return Err(SimError::Config(format!(
                "dt = {dt} s is too large for the social force model with these parameters: \
                 it integrates stably only for dt <= {max:.4} s; set dt = 0.01 or smaller"
            )));
        }
        Ok(())
    }
}

impl OperationalModel for SocialForceModel {
    fn cutoff(&self, agents: &Agents) -> f64 {
        let rmax = agents.radius.iter().copied().fold(0.0, f64::max);
        (2.0 * rmax + 10.0 * self.range).max(0.5)
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
        let a = ctx.agents;
        let x = a.position[i];
        let v = a.velocity[i];
        let r = a.radius[i];
        let m = self.mass;
        let dt = ctx.dt;
        let mut force = (e0 * v0 - v) * (m / self.relaxation_time);
        let near_walls = ctx.walls.near(x);
        for_each_visible_neighbour(ctx, i, near_walls, |j, to_j, d2| {
            let diff = -to_j;
            let d = d2.sqrt();
            let n = diff * (1.0 / d);
            let rij = r + a.radius[j];
            let overlap = (rij - d).max(0.0);
            let mut f =
                n * (self.strength * exp((rij - d) / self.range) + self.body_force * overlap);
            if overlap > 0.0 {
                let t = n.perp();
                let dvt = (a.velocity[j] - v).dot(t);
                // friction, clamped to at most cancel the relative tangential velocity this step
                let fmax = 0.5 * m * dvt.abs() / dt;
                let ft = (self.friction * overlap * dvt).clamp(-fmax, fmax);
                f += t * ft;
            }
            force += f;
        });
        for_each_wall_point(ctx.walls, near_walls, x, |p| {
            let diff = x - p;
            let d = diff.norm();
            if d <= 0.0 || d > r + 10.0 * self.range {
                return;
            }
            let n = diff * (1.0 / d);
            let overlap = (r - d).max(0.0);
            force += n * (self.strength * exp((r - d) / self.range) + self.body_force * overlap);
            if overlap > 0.0 {
                let t = n.perp();
                let vt = v.dot(t);
                let fmax = m * vt.abs() / dt;
                let ft = (self.friction * overlap * vt).clamp(-fmax, fmax);
                force -= t * ft;
            }
        });
        let mut nv = v + force * (dt / m);
        let vmax = 1.3 * v0;
        let s = nv.norm();
        if s > vmax {
            nv = nv * (vmax / s);
        }
        let orientation = if s > 1e-6 {
            nv.normalized()
        } else {
            a.orientation[i]
        };
        Kinematics {
            position: x + nv * dt,
            velocity: nv,
            orientation,
        }
    }
}
