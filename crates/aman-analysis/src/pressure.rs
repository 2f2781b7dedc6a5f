//! Crowd "pressure" after Helbing, Johansson and Al-Abideen: local density times the local
//! variance of velocities, the indicator of crowd turbulence found in the video analysis of
//! the 2006 Hajj disaster.
//!
//! D. Helbing, A. Johansson, H. Z. Al-Abideen, "Dynamics of crowd disasters: An empirical
//! study", Phys. Rev. E 75, 046109 (2007), arXiv:physics/0701203. With the Gaussian,
//! distance-dependent weight (Eq. 2 there)
//!
//! ```text
//! f(r_j − r) = 1 / (π R²) · exp(−‖r_j − r‖² / R²)                       (1/m²)
//! ```
//!
//! of a person j at r_j seen from place r, and R the smoothing length (the paper's
//! "measurement parameter"), the paper defines the local density (Eq. 1) and the local
//! velocity (Eq. 3)
//!
//! ```text
//! ρ(r, t) = Σ_j f(r_j(t) − r)                                            (1/m²)
//! U(r, t) = Σ_j v_j f(r_j(t) − r) / Σ_j f(r_j(t) − r)                    (m/s)
//! ```
//!
//! and the "pressure" P = ρ · Var(V), density times the local velocity variance. This module
//! computes it per frame, with the variance of the individual velocities around the local
//! velocity, weighted by the same Gaussian:
//!
//! ```text
//! Var_r(v)(t) = Σ_j f(r_j − r) ‖v_j − U(r, t)‖² / Σ_j f(r_j − r)         (m²/s²)
//! P(r, t)     = ρ(r, t) · Var_r(v)(t)                                    (1/s²)
//! ```
//!
//! The paper's figures average over time at a fixed place instead: P(r) = ρ̄(r) ·
//! ⟨‖U(r, t) − Ū(r)‖²⟩_t, the temporal variance of the local velocity; that version is
//! [`PressureGrid::time_averaged`]. Values of about 0.02 /s² (onset of crowd turbulence) and
//! above are commonly cited from the paper's Hajj data as critical; they depend on R, on how
//! velocities were obtained and on which of the two definitions is used, so compare like with
//! like. (Equations and their numbers as recalled from the arXiv version; the text was not
//! available to re-check when this was written.)
//!
//! # Computation
//!
//! On the cell centres of PedPy's cell grid over the walkable area's bounding box
//! ([`crate::profiles::ProfileGrid::cells`]). Persons farther than [`CUTOFF_RADII`] · R = 6 R
//! from a centre are left out: their weight is below e⁻³⁶ ≈ 2.3·10⁻¹⁶ of a person at the
//! centre, so ρ changes by less than N · 7·10⁻¹⁷ / R² (N persons in the frame) and P by less
//! than that times the largest ‖v_i − v_j‖² — invisible in f64 except where nobody is within
//! 6 R, where P is 0 instead of a value of order N · 10⁻¹⁶ /s². The weight is separable,
//! exp(−dx²/R²) · exp(−dy²/R²), so the exponentials are taken once per column and row. Two
//! passes per frame (U first, then the variance around it), so a uniform flow gives 0 up to
//! rounding (below 10⁻³⁰ /s², no cancellation of large sums). In parallel over frames,
//! deterministic whatever the thread count.

use std::ops::RangeBounds;

use aman_geometry::{Vec2, WalkableArea};
use rayon::prelude::*;
use serde::Serialize;

use crate::profiles::{MAX_PROFILE_VALUES, ProfileGrid};
use crate::{AnalysisError, TrajectoryIndex};

/// Persons farther than this many smoothing lengths from a cell centre are left out (see the
/// [module docs](self) for the error this makes).
pub const CUTOFF_RADII: f64 = 6.0;

/// The result of [`crowd_pressure`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PressureGrid {
    /// The grid (PedPy's cell grid: row 0 at the top, values row by row).
    pub grid: ProfileGrid,
    /// The smoothing length R, m.
    pub smoothing_length: f64,
    /// The frames, ascending (every frame in the requested range with at least one person).
    pub frames: Vec<u64>,
    /// `frames.len() × grid.len()` values of P(r, t), 1/s²: frame k's grid is
    /// `pressure[k · n .. (k + 1) · n]`, n = `grid.len()`. 0 where nobody is within the
    /// cut-off; NaN where persons are near but none has a velocity.
    pub pressure: Vec<f64>,
    /// The highest P(r, t) of each cell over the frames, 1/s² (0 if never positive).
    pub peak: Vec<f64>,
    /// The frame of each cell's peak (the earliest if several), `None` if never positive.
    pub peak_frame: Vec<Option<u64>>,
    /// The paper's time-averaged pressure of each cell, 1/s²: ρ̄(r) · ⟨‖U(r, t) − Ū(r)‖²⟩_t,
    /// with ρ̄ the mean local density over all frames and the variance of the local velocity
    /// taken over the frames where it is well defined: Σ_j exp(−‖r_j − r‖²/R²) ≥ e⁻⁹ over
    /// the persons with a velocity (as if one stood within 3 R), so that the cut-off changes
    /// U by less than N · e⁻²⁷ relatively. NaN where that never holds.
    pub time_averaged: Vec<f64>,
}

/// The highest pressure of a [`PressureGrid`]: how much, when and where.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PressurePeak {
    /// P, 1/s².
    pub pressure: f64,
    /// Frame.
    pub frame: u64,
    /// Cell index (row · cols + col).
    pub cell: usize,
    /// Cell centre, m.
    pub centre: (f64, f64),
}

impl PressureGrid {
    /// P(r, t) of the k-th frame, row by row from the top. Panics if k ≥ `frames.len()`.
    pub fn frame(&self, k: usize) -> &[f64] {
        let n = self.grid.len();
        &self.pressure[k * n..(k + 1) * n]
    }

    /// The highest P(r, t) over all cells and frames (ties: earliest frame, then lowest cell);
    /// `None` if it is never positive.
    pub fn peak(&self) -> Option<PressurePeak> {
        let mut best: Option<PressurePeak> = None;
        for (cell, (&p, &f)) in self.peak.iter().zip(&self.peak_frame).enumerate() {
            let Some(frame) = f else { continue };
            let better = match best {
                None => true,
                Some(b) => p > b.pressure || (p == b.pressure && frame < b.frame),
            };
            if better {
                let c = self.grid.centre(cell).unwrap_or_default();
                best = Some(PressurePeak {
                    pressure: p,
                    frame,
                    cell,
                    centre: (c.x, c.y),
                });
            }
        }
        best
    }
}

/// Weight Σ_j exp(−‖r_j − r‖²/R²) of the persons with a velocity above which the local
/// velocity enters the time average: e⁻⁹, one person at 3 R.
const WELL_DEFINED: f64 = 1.2340980408667956e-4;

/// Per-frame fields of one frame.
struct FrameFields {
    pressure: Vec<f64>,
    density: Vec<f64>,
    ux: Vec<f64>,
    uy: Vec<f64>,
    /// Σ_j exp(−‖r_j − r‖²/R²) over the persons with a velocity.
    velocity_weight: Vec<f64>,
}

/// Helbing's crowd pressure on a grid of side `cell_size` (m) over `walkable`'s bounding box,
/// frame by frame, with smoothing length `smoothing_length` = R (m): see the
/// [module docs](self) for the equations. `vx`, `vy` are the row-aligned velocities (m/s,
/// e.g. from `speed::individual_velocity`); a row with a NaN component counts for the
/// density but not for U and the variance. Frames: those in `frames` (`..` for all) with at
/// least one person. Unit 1/s².
///
/// # Errors
/// [`AnalysisError::InvalidCellSize`] for a cell size that is not positive and finite;
/// [`AnalysisError::InvalidLength`] for a smoothing length that is not positive and finite;
/// [`AnalysisError::LengthMismatch`] if `vx` or `vy` is not row-aligned;
/// [`AnalysisError::GridTooLarge`], [`AnalysisError::ProfileTooLarge`] for too many cells or
/// values. Empty data gives a result without frames.
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::pressure::crowd_pressure;
/// use aman_geometry::import::walkable_area_from_wkt;
/// use aman_trajectory::TrajectoryData;
/// let room = walkable_area_from_wkt("POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))", "room").unwrap();
/// // Two persons at the same place, walking in opposite directions at 1 m/s.
/// let mut d = TrajectoryData::new(10.0);
/// d.push(1, 0, 1.0, 1.0);
/// d.push(2, 0, 1.0, 1.0);
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let p = crowd_pressure(&ix, &room, 1.0, 0.7, &[1.0, -1.0], &[0.0, 0.0], ..).unwrap();
/// // At a cell centre (0.5, 0.5): U = 0, Var = 1 m²/s², ρ = 2 f(0.5·√2).
/// let f = (-(0.5f64 * 0.5 * 2.0) / 0.49).exp() / (std::f64::consts::PI * 0.49);
/// assert!((p.frame(0)[2] - 2.0 * f).abs() < 1e-12);
/// ```
pub fn crowd_pressure(
    index: &TrajectoryIndex<'_>,
    walkable: &WalkableArea,
    cell_size: f64,
    smoothing_length: f64,
    vx: &[f64],
    vy: &[f64],
    frames: impl RangeBounds<u64>,
) -> Result<PressureGrid, AnalysisError> {
    let data = index.data();
    if !(smoothing_length > 0.0 && smoothing_length.is_finite()) {
        return Err(AnalysisError::InvalidLength {
            name: "smoothing length R",
            value: smoothing_length,
        });
    }
    for (what, len) in [("vx", vx.len()), ("vy", vy.len())] {
        if len != data.len() {
            return Err(AnalysisError::LengthMismatch {
                what,
                len,
                rows: data.len(),
            });
        }
    }
    let (lo, hi) = walkable.bounds();
    let grid = ProfileGrid::cells(lo, hi, cell_size)?;
    let n = grid.len();
    let ks: Vec<usize> = (0..index.frames().len())
        .filter(|&k| frames.contains(&index.frames()[k]))
        .collect();
    if ks.len().saturating_mul(n) > MAX_PROFILE_VALUES {
        return Err(AnalysisError::ProfileTooLarge {
            frames: ks.len(),
            cells: n,
            max: MAX_PROFILE_VALUES,
        });
    }
    let field = Field::new(&grid, smoothing_length);

    let mut pressure = Vec::with_capacity(ks.len() * n);
    let mut peak = vec![0.0; n];
    let mut peak_frame: Vec<Option<u64>> = vec![None; n];
    // Time statistics: Σρ, and over frames with U defined: count, ΣU, Σ‖U‖².
    let mut sum_rho = vec![0.0; n];
    let mut count_u = vec![0u32; n];
    let mut sum_ux = vec![0.0; n];
    let mut sum_uy = vec![0.0; n];
    let mut sum_u2 = vec![0.0; n];
    // Frames in chunks, so the per-frame densities and velocities need not all be held.
    const CHUNK: usize = 64;
    for chunk in ks.chunks(CHUNK) {
        let fields: Vec<FrameFields> = chunk
            .par_iter()
            .map(|&k| {
                let rows: Vec<usize> = index.frame_rows(k).collect();
                field.frame(data, &rows, vx, vy)
            })
            .collect();
        for (&k, f) in chunk.iter().zip(fields) {
            let frame = index.frames()[k];
            for i in 0..n {
                let p = f.pressure[i];
                if p > peak[i] {
                    peak[i] = p;
                    peak_frame[i] = Some(frame);
                }
                sum_rho[i] += f.density[i];
                if f.velocity_weight[i] >= WELL_DEFINED {
                    count_u[i] += 1;
                    sum_ux[i] += f.ux[i];
                    sum_uy[i] += f.uy[i];
                    sum_u2[i] += f.ux[i] * f.ux[i] + f.uy[i] * f.uy[i];
                }
            }
            pressure.extend_from_slice(&f.pressure);
        }
    }
    let frames_n = ks.len() as f64;
    let time_averaged = (0..n)
        .map(|i| {
            if count_u[i] == 0 {
                return f64::NAN;
            }
            let c = f64::from(count_u[i]);
            let (mx, my) = (sum_ux[i] / c, sum_uy[i] / c);
            let var = (sum_u2[i] / c - (mx * mx + my * my)).max(0.0);
            sum_rho[i] / frames_n * var
        })
        .collect();
    Ok(PressureGrid {
        frames: ks.iter().map(|&k| index.frames()[k]).collect(),
        grid,
        smoothing_length,
        pressure,
        peak,
        peak_frame,
        time_averaged,
    })
}

/// The Gaussian field on the cell centres of a grid.
struct Field {
    cx: Vec<f64>,
    /// Descending (row 0 at the top).
    cy: Vec<f64>,
    r2: f64,
    cut: f64,
    norm: f64,
}

impl Field {
    fn new(grid: &ProfileGrid, r: f64) -> Field {
        let xe = grid.x_edges();
        let ye = grid.y_edges();
        Field {
            cx: (0..grid.cols())
                .map(|c| 0.5 * (xe[c] + xe[c + 1]))
                .collect(),
            cy: (0..grid.rows())
                .map(|k| 0.5 * (ye[k] + ye[k + 1]))
                .collect(),
            r2: r * r,
            cut: CUTOFF_RADII * r,
            norm: 1.0 / (std::f64::consts::PI * r * r),
        }
    }

    /// Calls `visit(cell, weight)` for every cell centre within the cut-off of `p`, with the
    /// unnormalised weight exp(−‖p − c‖² / R²).
    fn for_cells(&self, p: Vec2, ex: &mut Vec<f64>, mut visit: impl FnMut(usize, f64)) {
        let cols = self.cx.len();
        let c0 = self.cx.partition_point(|&c| c < p.x - self.cut);
        let c1 = self.cx.partition_point(|&c| c <= p.x + self.cut);
        // cy descending.
        let r0 = self.cy.partition_point(|&c| c > p.y + self.cut);
        let r1 = self.cy.partition_point(|&c| c >= p.y - self.cut);
        if c0 >= c1 || r0 >= r1 {
            return;
        }
        let cut2 = self.cut * self.cut;
        ex.clear();
        ex.extend(self.cx[c0..c1].iter().map(|&c| {
            let d = c - p.x;
            (-(d * d) / self.r2).exp()
        }));
        for r in r0..r1 {
            let dy = self.cy[r] - p.y;
            let dy2 = dy * dy;
            let ey = (-dy2 / self.r2).exp();
            for (j, c) in (c0..c1).enumerate() {
                let dx = self.cx[c] - p.x;
                if dx * dx + dy2 > cut2 {
                    continue;
                }
                visit(r * cols + c, ey * ex[j]);
            }
        }
    }

    fn frame(
        &self,
        data: &aman_trajectory::TrajectoryData,
        rows: &[usize],
        vx: &[f64],
        vy: &[f64],
    ) -> FrameFields {
        let n = self.cx.len() * self.cy.len();
        let mut w = vec![0.0; n];
        let mut wv = vec![0.0; n];
        let mut sx = vec![0.0; n];
        let mut sy = vec![0.0; n];
        let mut ex = Vec::new();
        for &r in rows {
            let p = Vec2::new(data.x[r], data.y[r]);
            let has_v = !(vx[r].is_nan() || vy[r].is_nan());
            let (vxr, vyr) = (vx[r], vy[r]);
            self.for_cells(p, &mut ex, |i, g| {
                w[i] += g;
                if has_v {
                    wv[i] += g;
                    sx[i] += g * vxr;
                    sy[i] += g * vyr;
                }
            });
        }
        let ux: Vec<f64> = (0..n)
            .map(|i| if wv[i] > 0.0 { sx[i] / wv[i] } else { f64::NAN })
            .collect();
        let uy: Vec<f64> = (0..n)
            .map(|i| if wv[i] > 0.0 { sy[i] / wv[i] } else { f64::NAN })
            .collect();
        let mut var = vec![0.0; n];
        for &r in rows {
            if vx[r].is_nan() || vy[r].is_nan() {
                continue;
            }
            let p = Vec2::new(data.x[r], data.y[r]);
            let (vxr, vyr) = (vx[r], vy[r]);
            self.for_cells(p, &mut ex, |i, g| {
                let (dx, dy) = (vxr - ux[i], vyr - uy[i]);
                var[i] += g * (dx * dx + dy * dy);
            });
        }
        let density: Vec<f64> = w.iter().map(|&s| s * self.norm).collect();
        let pressure: Vec<f64> = (0..n)
            .map(|i| {
                if w[i] == 0.0 {
                    0.0
                } else if wv[i] == 0.0 {
                    f64::NAN
                } else {
                    density[i] * var[i] / wv[i]
                }
            })
            .collect();
        FrameFields {
            pressure,
            density,
            ux,
            uy,
            velocity_weight: wv,
        }
    }
}

/// Crowd pressure over a whole area (a monitored zone) from the persons in it: the area
/// version of Helbing et al.'s P = ρ · Var(V) (module docs), with a uniform weight over the
/// area instead of the Gaussian:
///
/// ```text
/// ρ       = N / A                                        (1/m², the classic density)
/// v̄       = (1/n) Σ_j v_j                                (m/s)
/// Var(v)  = (1/n) Σ_j ‖v_j − v̄‖²                         (m²/s²)
/// P       = ρ · Var(v)                                   (1/s²)
/// ```
///
/// with the sums over the n persons in the area that have a velocity. `density` is ρ (1/m²),
/// `velocities` their (vx, vy) (m/s). Returns 0 for fewer than two velocities (no spread to
/// measure) and NaN if ρ is NaN. Two passes (mean first), so a uniform flow gives exactly 0.
///
/// ```
/// use aman_analysis::pressure::area_pressure;
/// assert_eq!(area_pressure(2.0, &[(1.0, 0.0), (1.0, 0.0)]), 0.0);
/// // speeds 0.5 and 1.5 m/s along x: variance 0.25 m²/s², ρ = 4 /m² → P = 1 /s²
/// assert_eq!(area_pressure(4.0, &[(0.5, 0.0), (1.5, 0.0)]), 1.0);
/// ```
pub fn area_pressure(density: f64, velocities: &[(f64, f64)]) -> f64 {
    let n = velocities.len();
    if n < 2 {
        return if density.is_nan() { f64::NAN } else { 0.0 };
    }
    let (sx, sy) = velocities
        .iter()
        .fold((0.0, 0.0), |(ax, ay), &(x, y)| (ax + x, ay + y));
    let (mx, my) = (sx / n as f64, sy / n as f64);
    let var = velocities
        .iter()
        .map(|&(x, y)| (x - mx).powi(2) + (y - my).powi(2))
        .sum::<f64>()
        / n as f64;
    density * var
}
