//! Density and speed profiles: a measure on every cell of a grid over the walkable area, frame
//! by frame (PedPy 1.5.1's `profile_calculator`).
//!
//! | function | method | PedPy 1.5.1 |
//! |---|---|---|
//! | [`density_profile`] | [`DensityMethod::Classic`], [`DensityMethod::Voronoi`], [`DensityMethod::Gaussian`] | `compute_density_profile` |
//! | [`speed_profile`] | [`SpeedMethod::Arithmetic`], [`SpeedMethod::Voronoi`], [`SpeedMethod::Mean`], [`SpeedMethod::Gaussian`] | `compute_speed_profile` |
//!
//! # The grid
//!
//! PedPy builds two slightly different grids over the bounding box (x_min, y_min, x_max, y_max)
//! of the walkable area, both with `numpy.arange(start, stop, step)` edges (ceil((stop −
//! start)/step) edges, e₀ = start, e₁ = start + step, e_k = start + k·(e₁ − e₀); reproduced
//! exactly by [`ProfileGrid`]):
//!
//! - the **cell grid** of `get_grid_cells`, used by the Voronoi and Gaussian methods: columns
//!   from x_min to the right, rows from y_max **downwards** (x edges `arange(x_min, x_max + g,
//!   g)`, y edges `arange(y_max, y_min − g, −g)`), so the last row may reach below y_min;
//! - the **histogram grid** of the classic density and mean speed (`numpy.histogram2d`, then
//!   rotated by 90°): rows from y_min **upwards** (y edges `arange(y_min, y_max + g, g)`), so
//!   the top row may reach above y_max. When the extent is not a multiple of g, its rows are
//!   offset from the cell grid's — as in PedPy.
//!
//! Either way row 0 is the top row and values are stored row by row (index = row · cols +
//! col), the layout of PedPy's arrays and of an image. Cells outside the walkable area are
//! kept (classic and Voronoi give 0 there, mean speed the fill value), as in PedPy; use
//! [`ProfileGrid::walkable_fractions`] to mask them.
//!
//! # Frames
//!
//! A [`Profile`] holds one grid per frame (PedPy returns a list of arrays): every frame in
//! the requested range that has at least one usable row (a row with a Voronoi cell for the
//! Voronoi methods, with a finite speed for speed profiles — PedPy drops the others when
//! merging its inputs). [`Profile::mean`] averages them as `numpy.mean(profiles, axis=0)`.
//!
//! # Speed
//!
//! In parallel over frames (deterministic whatever the thread count). Voronoi cells are
//! rasterised exactly by clipping each polygon to the columns and rows of the cells its
//! bounding box covers; the Gaussian methods use the separable kernel
//! G(dx, dy) = g(dx)·g(dy): for the density each person adds to the cells within 8.6 σ in x
//! and y (a factor below 10⁻¹⁶ is dropped), for the speed every person counts in every cell (a
//! weighted mean far from everyone is still defined), with weights rescaled so that none
//! underflows where PedPy's do not.

use std::ops::{Bound, RangeBounds};

use aman_geometry::{Vec2, WalkableArea};
use geo::{Area, LineString, Polygon};
use rayon::prelude::*;
use serde::Serialize;

use crate::density::MAX_GRID_CELLS;
use crate::voronoi::VoronoiCells;
use crate::{AnalysisError, TrajectoryIndex};

/// The largest number of values (frames × cells) a [`Profile`] may hold: 2²⁸, 2 GiB.
pub const MAX_PROFILE_VALUES: usize = 1 << 28;

/// PedPy's threshold for "the Voronoi cell covers the grid cell" in the arithmetic speed
/// profile, m².
pub const ARITHMETIC_AREA_THRESHOLD: f64 = 1e-16;

/// A rectangular grid of cells: column edges ascending in x, row edges descending in y (row 0
/// at the top), as PedPy lays out its profiles. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileGrid {
    grid_size: f64,
    x_edges: Vec<f64>,
    /// Descending: row r spans `[y_edges[r + 1], y_edges[r]]`.
    y_edges: Vec<f64>,
    /// Cells per metre along x and y (first guesses in `locate`).
    #[serde(skip)]
    inv_step: (f64, f64),
}

/// `numpy.arange(start, stop, step)` for floats, exactly: ceil((stop − start)/step) values,
/// start, start + step, then start + k·((start + step) − start).
pub(crate) fn arange(start: f64, stop: f64, step: f64) -> Vec<f64> {
    let len = ((stop - start) / step).ceil();
    if len.is_nan() || len <= 0.0 {
        return Vec::new();
    }
    let len = len as usize;
    let mut v = Vec::with_capacity(len);
    v.push(start);
    if len > 1 {
        let second = start + step;
        v.push(second);
        let delta = second - start;
        for k in 2..len {
            v.push(start + k as f64 * delta);
        }
    }
    v
}

fn check_grid_size(grid_size: f64) -> Result<(), AnalysisError> {
    if grid_size > 0.0 && grid_size.is_finite() {
        Ok(())
    } else {
        Err(AnalysisError::InvalidCellSize { cell: grid_size })
    }
}

impl ProfileGrid {
    /// The cell grid of PedPy's `get_grid_cells(walkable_area, grid_size)` over the box from
    /// `lo` to `hi` (m): columns from `lo.x` rightwards, rows from `hi.y` downwards.
    ///
    /// # Errors
    /// [`AnalysisError::InvalidCellSize`] unless `grid_size` is positive and finite;
    /// [`AnalysisError::InvalidBounds`] for a box that is not finite or inverted;
    /// [`AnalysisError::GridTooLarge`] beyond [`MAX_GRID_CELLS`] cells.
    ///
    /// ```
    /// use aman_analysis::profiles::ProfileGrid;
    /// use aman_geometry::Vec2;
    /// let g = ProfileGrid::cells(Vec2::new(0.0, 0.0), Vec2::new(1.0, 0.5), 0.4).unwrap();
    /// assert_eq!((g.rows(), g.cols()), (2, 3));
    /// assert_eq!(g.y_edges()[0], 0.5); // row 0 at the top
    /// assert!((g.y_edges()[2] + 0.3).abs() < 1e-12); // reaches below y = 0
    /// ```
    pub fn cells(lo: Vec2, hi: Vec2, grid_size: f64) -> Result<ProfileGrid, AnalysisError> {
        Self::build(lo, hi, grid_size, false)
    }

    /// The histogram grid of PedPy's classic density and mean speed profiles
    /// (`numpy.histogram2d` with edges `arange(min, max + g, g)` in x and y, rotated so that row
    /// 0 is the top): rows from `lo.y` upwards. Errors as [`ProfileGrid::cells`].
    ///
    /// ```
    /// use aman_analysis::profiles::ProfileGrid;
    /// use aman_geometry::Vec2;
    /// let g = ProfileGrid::histogram(Vec2::new(0.0, 0.0), Vec2::new(1.0, 0.5), 0.4).unwrap();
    /// assert_eq!((g.rows(), g.cols()), (2, 3));
    /// assert_eq!(*g.y_edges().last().unwrap(), 0.0); // bottom edge at y_min
    /// assert!((g.y_edges()[0] - 0.8).abs() < 1e-12); // reaches above y = 0.5
    /// ```
    pub fn histogram(lo: Vec2, hi: Vec2, grid_size: f64) -> Result<ProfileGrid, AnalysisError> {
        Self::build(lo, hi, grid_size, true)
    }

    fn build(lo: Vec2, hi: Vec2, g: f64, upwards: bool) -> Result<ProfileGrid, AnalysisError> {
        check_grid_size(g)?;
        let finite = [lo.x, lo.y, hi.x, hi.y].iter().all(|v| v.is_finite());
        if !finite || hi.x < lo.x || hi.y < lo.y {
            return Err(AnalysisError::InvalidBounds {
                lo_x: lo.x,
                lo_y: lo.y,
                hi_x: hi.x,
                hi_y: hi.y,
            });
        }
        // Check the size before allocating the edges.
        let nx = ((hi.x + g - lo.x) / g).ceil() - 1.0;
        let ny = if upwards {
            ((hi.y + g - lo.y) / g).ceil() - 1.0
        } else {
            (((lo.y - g) - hi.y) / -g).ceil() - 1.0
        };
        let cells = nx * ny;
        if cells.is_nan() || cells > MAX_GRID_CELLS as f64 {
            return Err(AnalysisError::GridTooLarge {
                nx: nx as usize,
                ny: ny as usize,
                cell: g,
                max: MAX_GRID_CELLS,
            });
        }
        let x_edges = arange(lo.x, hi.x + g, g);
        let y_edges = if upwards {
            let mut e = arange(lo.y, hi.y + g, g);
            e.reverse();
            e
        } else {
            arange(hi.y, lo.y - g, -g)
        };
        let inv = |e: &[f64]| {
            let n = e.len();
            if n < 2 {
                0.0
            } else {
                (n - 1) as f64 / (e[n - 1] - e[0]).abs()
            }
        };
        let inv_step = (inv(&x_edges), inv(&y_edges));
        Ok(ProfileGrid {
            grid_size: g,
            x_edges,
            y_edges,
            inv_step,
        })
    }

    /// The requested cell side, m (PedPy divides counts by its square).
    pub fn grid_size(&self) -> f64 {
        self.grid_size
    }

    /// Number of rows (top to bottom).
    pub fn rows(&self) -> usize {
        self.y_edges.len().saturating_sub(1)
    }

    /// Number of columns (left to right).
    pub fn cols(&self) -> usize {
        self.x_edges.len().saturating_sub(1)
    }

    /// Number of cells, rows × cols.
    pub fn len(&self) -> usize {
        self.rows() * self.cols()
    }

    /// True if the grid has no cell.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Column edges, m, ascending: column c spans `[x_edges[c], x_edges[c + 1]]`.
    pub fn x_edges(&self) -> &[f64] {
        &self.x_edges
    }

    /// Row edges, m, descending: row r spans `[y_edges[r + 1], y_edges[r]]`.
    pub fn y_edges(&self) -> &[f64] {
        &self.y_edges
    }

    /// Index of the cell at (`row`, `col`): row · cols + col.
    pub fn index(&self, row: usize, col: usize) -> usize {
        row * self.cols() + col
    }

    /// Centre of cell `index`, m; `None` if there is no such cell.
    pub fn centre(&self, index: usize) -> Option<Vec2> {
        (index < self.len()).then(|| {
            let (r, c) = (index / self.cols(), index % self.cols());
            Vec2::new(
                0.5 * (self.x_edges[c] + self.x_edges[c + 1]),
                0.5 * (self.y_edges[r] + self.y_edges[r + 1]),
            )
        })
    }

    /// Area of the first cell, m² (PedPy's `grid_cells[0].area`, the divisor of the Voronoi
    /// profiles).
    pub fn first_cell_area(&self) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        (self.x_edges[1] - self.x_edges[0]) * (self.y_edges[0] - self.y_edges[1])
    }

    /// The cell containing `p` with `numpy.histogram2d`'s rule: half-open cells [e_k, e_k+1),
    /// except that a value equal to the last edge belongs to the last cell; `None` outside
    /// (or for NaN).
    #[inline]
    pub fn locate(&self, p: Vec2) -> Option<usize> {
        let c = bin_ascending(&self.x_edges, self.inv_step.0, p.x)?;
        let r = bin_descending(&self.y_edges, self.inv_step.1, p.y)?;
        Some(self.index(r, c))
    }

    /// The fraction of each cell (in [0, 1]) that lies in `walkable`, indexed as the profile
    /// values; for masking cells outside the walkable area (PedPy keeps them).
    pub fn walkable_fractions(&self, walkable: &WalkableArea) -> Vec<f64> {
        use geo::{BooleanOps, Rect};
        let poly = walkable.polygon();
        let (cols, rows) = (self.cols(), self.rows());
        (0..rows)
            .into_par_iter()
            .flat_map_iter(|r| {
                let (y0, y1) = (self.y_edges[r + 1], self.y_edges[r]);
                let strip = Rect::new(
                    geo::coord! {x: self.x_edges[0], y: y0},
                    geo::coord! {x: self.x_edges[cols], y: y1},
                )
                .to_polygon();
                let part = poly.intersection(&strip);
                (0..cols).map(move |c| {
                    let (x0, x1) = (self.x_edges[c], self.x_edges[c + 1]);
                    let cell = Rect::new(geo::coord! {x: x0, y: y0}, geo::coord! {x: x1, y: y1})
                        .to_polygon();
                    let a = (x1 - x0) * (y1 - y0);
                    (cell.intersection(&part).unsigned_area() / a).clamp(0.0, 1.0)
                })
            })
            .collect()
    }
}

/// Bin of `v` among ascending, nearly evenly spaced `edges` (histogram rule), or `None`:
/// the k with edges[k] ≤ v < edges[k + 1] (searchsorted side='right' − 1), the last bin for
/// v = the last edge. A first guess from `inv_step` (bins per metre), corrected against the
/// edges themselves.
#[inline]
fn bin_ascending(edges: &[f64], inv_step: f64, v: f64) -> Option<usize> {
    let n = edges.len();
    if n < 2 || !(v >= edges[0] && v <= edges[n - 1]) {
        return None;
    }
    if v == edges[n - 1] {
        return Some(n - 2);
    }
    let mut k = (((v - edges[0]) * inv_step) as usize).min(n - 2);
    while k > 0 && edges[k] > v {
        k -= 1;
    }
    while k + 2 < n && edges[k + 1] <= v {
        k += 1;
    }
    Some(k)
}

/// Row of `v` among descending `edges` (histogram rule on the ascending edges), or `None`:
/// the r with edges[r + 1] ≤ v < edges[r], row 0 for v = edges[0].
#[inline]
fn bin_descending(edges: &[f64], inv_step: f64, v: f64) -> Option<usize> {
    let n = edges.len();
    if n < 2 || !(v >= edges[n - 1] && v <= edges[0]) {
        return None;
    }
    if v == edges[0] {
        return Some(0);
    }
    let mut r = (((edges[0] - v) * inv_step) as usize).min(n - 2);
    while r > 0 && v >= edges[r] {
        r -= 1;
    }
    while r + 2 < n && v < edges[r + 1] {
        r += 1;
    }
    Some(r)
}

/// A profile: one grid of values per frame.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    /// The grid.
    pub grid: ProfileGrid,
    /// The frames, ascending.
    pub frames: Vec<u64>,
    /// `frames.len() × grid.len()` values: frame k's grid is `values[k · n .. (k + 1) · n]`
    /// with n = `grid.len()`, row by row from the top. Unit: 1/m² (density) or m/s (speed).
    pub values: Vec<f64>,
}

impl Profile {
    /// The grid of the k-th frame (row by row from the top). Panics if k ≥ `frames.len()`.
    pub fn frame(&self, k: usize) -> &[f64] {
        let n = self.grid.len();
        &self.values[k * n..(k + 1) * n]
    }

    /// The grid of frame number `frame`, if the profile has it.
    pub fn frame_of(&self, frame: u64) -> Option<&[f64]> {
        self.frames
            .binary_search(&frame)
            .ok()
            .map(|k| self.frame(k))
    }

    /// The mean over frames of each cell, as `numpy.mean(profiles, axis=0)`: a NaN in any
    /// frame makes the cell NaN; all NaN if there is no frame.
    pub fn mean(&self) -> Vec<f64> {
        self.reduce(false)
    }

    /// The mean over frames of each cell ignoring NaN (`numpy.nanmean`): NaN only where every
    /// frame is NaN. Use it for mean-speed profiles, whose empty cells are NaN.
    pub fn nan_mean(&self) -> Vec<f64> {
        self.reduce(true)
    }

    fn reduce(&self, skip_nan: bool) -> Vec<f64> {
        let n = self.grid.len();
        let mut sum = vec![0.0; n];
        let mut count = vec![0usize; n];
        for k in 0..self.frames.len() {
            for (i, &v) in self.frame(k).iter().enumerate() {
                if skip_nan && v.is_nan() {
                    continue;
                }
                sum[i] += v;
                count[i] += 1;
            }
        }
        sum.iter()
            .zip(&count)
            .map(|(&s, &c)| if c == 0 { f64::NAN } else { s / c as f64 })
            .collect()
    }
}

/// How [`density_profile`] computes the density of a cell M (PedPy's `DensityMethod`).
#[derive(Debug, Clone, Copy)]
pub enum DensityMethod<'a> {
    /// ρ = N / g²: the persons whose position falls in the cell (histogram grid), divided by
    /// the square of the grid size, 1/m².
    Classic,
    /// ρ = Σ_i |V_i ∩ M| / |V_i| / |M|, with V_i the Voronoi cells (row-aligned with the
    /// trajectory; rows without a cell are not used) and |M| the area of the first grid cell;
    /// 1/m² (Zhang et al. 2011, method D, as in `voronoi`).
    Voronoi(&'a VoronoiCells),
    /// ρ = Σ_i g(x_c − x_i) · g(y_c − y_i) at the cell centre c, with the Gaussian
    /// g(x) = exp(−x² / 2σ²) / (2.50662 σ) and σ = FWHM / 2.35482 (PedPy's rounded constants
    /// for √(2π) and 2√(2 ln 2)); 1/m². `fwhm` is the full width at half maximum, m. Terms
    /// with a factor below 10⁻¹⁶ of its peak (|dx| or |dy| > 8.6 σ) are left out.
    Gaussian {
        /// Full width at half maximum of the kernel, m (PedPy's `gaussian_width`).
        fwhm: f64,
    },
}

/// How [`speed_profile`] computes the speed of a cell M (PedPy's `SpeedMethod`). Speeds are
/// the row-aligned individual speeds (m/s); rows with a NaN speed are not used.
#[derive(Debug, Clone, Copy)]
pub enum SpeedMethod<'a> {
    /// v = mean of v_i over the persons whose Voronoi cell overlaps M by more than
    /// [`ARITHMETIC_AREA_THRESHOLD`]; 0 where none does (PedPy's `ARITHMETIC`).
    Arithmetic(&'a VoronoiCells),
    /// v = Σ_i |V_i ∩ M| · v_i / |M| (PedPy's `VORONOI`; a cell partly covered by Voronoi
    /// cells gets a proportionally lower value).
    Voronoi(&'a VoronoiCells),
    /// v = mean of v_i over the persons in M (histogram grid); `fill` where M is empty (PedPy's
    /// `MEAN`, `fill_value`, default NaN).
    Mean {
        /// Value of empty cells (PedPy's `fill_value`).
        fill: f64,
    },
    /// v = Σ_i w_i v_i / Σ_i w_i with w_i = exp(−|r_i − c|² / 2σ²), σ = FWHM / (2√(2 ln 2)),
    /// at the cell centre c (PedPy's `GAUSSIAN`; PedPy's default width is 0.5 m). NaN where
    /// every weight underflows to 0 (farther than about 38 σ from everyone).
    Gaussian {
        /// Full width at half maximum of the kernel, m (PedPy's `gaussian_width`).
        fwhm: f64,
    },
}

fn range_contains(frames: &impl RangeBounds<u64>, f: u64) -> bool {
    (match frames.start_bound() {
        Bound::Included(&s) => f >= s,
        Bound::Excluded(&s) => f > s,
        Bound::Unbounded => true,
    }) && (match frames.end_bound() {
        Bound::Included(&e) => f <= e,
        Bound::Excluded(&e) => f < e,
        Bound::Unbounded => true,
    })
}

fn check_len(what: &'static str, len: usize, rows: usize) -> Result<(), AnalysisError> {
    if len == rows {
        Ok(())
    } else {
        Err(AnalysisError::LengthMismatch { what, len, rows })
    }
}

fn check_fwhm(fwhm: f64) -> Result<(), AnalysisError> {
    if fwhm > 0.0 && fwhm.is_finite() {
        Ok(())
    } else {
        Err(AnalysisError::InvalidLength {
            name: "gaussian_width (FWHM)",
            value: fwhm,
        })
    }
}

/// The frames (index k into `index.frames()`) in range with at least one usable row.
fn profile_frames(
    index: &TrajectoryIndex<'_>,
    frames: &impl RangeBounds<u64>,
    usable: &(dyn Fn(usize) -> bool + Sync),
) -> Vec<usize> {
    (0..index.frames().len())
        .filter(|&k| range_contains(frames, index.frames()[k]))
        .filter(|&k| index.frame_rows(k).any(usable))
        .collect()
}

/// Runs `per_frame(k, out)` for every selected frame in parallel into a fresh [`Profile`].
fn run(
    index: &TrajectoryIndex<'_>,
    grid: ProfileGrid,
    ks: Vec<usize>,
    per_frame: impl Fn(usize, &mut [f64]) + Sync,
) -> Result<Profile, AnalysisError> {
    let n = grid.len();
    if ks.len().saturating_mul(n) > MAX_PROFILE_VALUES {
        return Err(AnalysisError::ProfileTooLarge {
            frames: ks.len(),
            cells: n,
            max: MAX_PROFILE_VALUES,
        });
    }
    let mut values = vec![0.0; ks.len() * n];
    if n > 0 {
        values
            .par_chunks_mut(n)
            .zip(ks.par_iter())
            .for_each(|(out, &k)| per_frame(k, out));
    }
    Ok(Profile {
        frames: ks.iter().map(|&k| index.frames()[k]).collect(),
        grid,
        values,
    })
}

/// The density profile of `index`'s trajectory on a grid of side `grid_size` (m) over
/// `walkable`'s bounding box, for the frames in `frames` (`..` for all): PedPy 1.5.1's
/// `compute_density_profile(data, walkable_area, grid_size, density_method, gaussian_width)`.
/// See [`DensityMethod`] for the formulas and the [module docs](self) for the grids
/// (histogram grid for `Classic`, cell grid otherwise), the frames and the layout. Unit 1/m².
///
/// # Errors
/// [`AnalysisError::InvalidCellSize`] for a grid size that is not positive and finite;
/// [`AnalysisError::GridTooLarge`], [`AnalysisError::ProfileTooLarge`] for too many cells or
/// values; [`AnalysisError::InvalidLength`] for a Gaussian width that is not positive and
/// finite; [`AnalysisError::LengthMismatch`] if the Voronoi cells are not row-aligned with the
/// trajectory. Empty data gives a profile without frames.
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::profiles::{density_profile, DensityMethod};
/// use aman_geometry::import::walkable_area_from_wkt;
/// use aman_trajectory::TrajectoryData;
/// let room = walkable_area_from_wkt("POLYGON ((0 0, 2 0, 2 1, 0 1, 0 0))", "room").unwrap();
/// let mut d = TrajectoryData::new(10.0);
/// d.push(1, 0, 0.25, 0.75);
/// d.push(2, 0, 0.3, 0.6);
/// d.push(1, 1, 1.5, 0.2);
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let p = density_profile(&ix, &room, 0.5, DensityMethod::Classic, ..).unwrap();
/// assert_eq!((p.grid.rows(), p.grid.cols()), (2, 4));
/// assert_eq!(p.frame(0)[0], 8.0); // top-left cell: 2 persons / 0.25 m²
/// assert_eq!(p.frame(1)[4 + 3], 4.0); // bottom row, last column
/// assert_eq!(p.mean()[0], 4.0);
/// ```
pub fn density_profile(
    index: &TrajectoryIndex<'_>,
    walkable: &WalkableArea,
    grid_size: f64,
    method: DensityMethod<'_>,
    frames: impl RangeBounds<u64>,
) -> Result<Profile, AnalysisError> {
    let data = index.data();
    let (lo, hi) = walkable.bounds();
    match method {
        DensityMethod::Classic => {
            let grid = ProfileGrid::histogram(lo, hi, grid_size)?;
            let ks = profile_frames(index, &frames, &|_| true);
            let g2 = grid_size * grid_size;
            let grid2 = grid.clone();
            run(index, grid, ks, |k, out| {
                let mut touched = Vec::new();
                for r in index.frame_rows(k) {
                    if let Some(i) = grid2.locate(Vec2::new(data.x[r], data.y[r])) {
                        if out[i] == 0.0 {
                            touched.push(i);
                        }
                        out[i] += 1.0;
                    }
                }
                for i in touched {
                    out[i] /= g2;
                }
            })
        }
        DensityMethod::Voronoi(cells) => {
            check_len("Voronoi cells", cells.cells.len(), data.len())?;
            let grid = ProfileGrid::cells(lo, hi, grid_size)?;
            let ks = profile_frames(index, &frames, &|r| cells.cells[r].is_some());
            let area = grid.first_cell_area();
            let grid2 = grid.clone();
            run(index, grid, ks, |k, out| {
                let mut raster = Raster::default();
                for r in index.frame_rows(k) {
                    let Some(poly) = &cells.cells[r] else {
                        continue;
                    };
                    let a = poly.unsigned_area();
                    if a.is_nan() || a <= 0.0 {
                        continue;
                    }
                    raster.polygon(poly, &grid2, |i, part| out[i] += part / a);
                }
                for v in out.iter_mut() {
                    *v /= area;
                }
            })
        }
        DensityMethod::Gaussian { fwhm } => {
            check_fwhm(fwhm)?;
            let grid = ProfileGrid::cells(lo, hi, grid_size)?;
            let ks = profile_frames(index, &frames, &|_| true);
            // PedPy's constants: σ = FWHM / 2.35482, 1 / (2.50662 σ).
            let sigma = fwhm / 2.35482;
            let norm = 1.0 / (2.50662 * sigma);
            let kernel = Kernel::new(&grid, sigma, norm);
            run(index, grid, ks, |k, out| {
                kernel.density(index.frame_rows(k).map(|i| (data.x[i], data.y[i])), out);
            })
        }
    }
}

/// The Gaussian density of one set of positions — one frame, e.g. the live positions of a
/// venue's tracked persons — on the cell grid of `ProfileGrid::cells`: exactly
/// [`DensityMethod::Gaussian`] of [`density_profile`] for one frame (PedPy 1.5.1's
/// `compute_density_profile(density_method=GAUSSIAN)`; see that variant for the formula),
/// with the kernel set up once and no allocation per evaluation.
#[derive(Debug, Clone)]
pub struct GaussianField {
    grid: ProfileGrid,
    kernel: Kernel,
}

impl GaussianField {
    /// The field over the box `lo`–`hi` (m) with cells of `grid_size` m and a kernel of full
    /// width at half maximum `fwhm` m.
    ///
    /// # Errors
    /// [`AnalysisError::InvalidCellSize`], [`AnalysisError::InvalidLength`] for a size that is
    /// not positive and finite; the grid's errors for a box too large for it.
    pub fn new(
        lo: Vec2,
        hi: Vec2,
        grid_size: f64,
        fwhm: f64,
    ) -> Result<GaussianField, AnalysisError> {
        check_fwhm(fwhm)?;
        let grid = ProfileGrid::cells(lo, hi, grid_size)?;
        let sigma = fwhm / 2.35482;
        let kernel = Kernel::new(&grid, sigma, 1.0 / (2.50662 * sigma));
        Ok(GaussianField { grid, kernel })
    }

    /// The grid (row 0 at the top).
    pub fn grid(&self) -> &ProfileGrid {
        &self.grid
    }

    /// Writes the density of the persons at `points` into `out` (resized to the grid's
    /// cells, row-major, row 0 at the top), persons/m².
    pub fn evaluate(&self, points: impl Iterator<Item = Vec2>, out: &mut Vec<f64>) {
        out.clear();
        out.resize(self.grid.len(), 0.0);
        self.kernel.density(points.map(|p| (p.x, p.y)), out);
    }
}

/// The speed profile of `index`'s trajectory on a grid of side `grid_size` (m) over
/// `walkable`'s bounding box, for the frames in `frames` (`..` for all): PedPy 1.5.1's
/// `compute_speed_profile(data, walkable_area, grid_size, speed_method, fill_value,
/// gaussian_width)`. `speed` holds one individual speed per trajectory row (m/s, e.g.
/// `speed::individual_velocity(...).speed`); rows with a NaN speed are not used. See
/// [`SpeedMethod`] for the formulas and the [module docs](self) for the grids (histogram grid
/// for `Mean`, cell grid otherwise). Unit m/s.
///
/// # Errors
/// As [`density_profile`], and [`AnalysisError::LengthMismatch`] if `speed` is not
/// row-aligned.
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::profiles::{speed_profile, SpeedMethod};
/// use aman_geometry::import::walkable_area_from_wkt;
/// use aman_trajectory::TrajectoryData;
/// let room = walkable_area_from_wkt("POLYGON ((0 0, 2 0, 2 1, 0 1, 0 0))", "room").unwrap();
/// let mut d = TrajectoryData::new(10.0);
/// d.push(1, 0, 0.25, 0.75);
/// d.push(2, 0, 0.3, 0.6);
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let p = speed_profile(&ix, &room, 0.5, &[1.0, 2.0], SpeedMethod::Mean { fill: f64::NAN }, ..)
///     .unwrap();
/// assert_eq!(p.frame(0)[0], 1.5);
/// assert!(p.frame(0)[1].is_nan()); // empty cell
/// ```
pub fn speed_profile(
    index: &TrajectoryIndex<'_>,
    walkable: &WalkableArea,
    grid_size: f64,
    speed: &[f64],
    method: SpeedMethod<'_>,
    frames: impl RangeBounds<u64>,
) -> Result<Profile, AnalysisError> {
    let data = index.data();
    check_len("speed", speed.len(), data.len())?;
    let (lo, hi) = walkable.bounds();
    let has_speed = |r: usize| !speed[r].is_nan();
    match method {
        SpeedMethod::Mean { fill } => {
            let grid = ProfileGrid::histogram(lo, hi, grid_size)?;
            let ks = profile_frames(index, &frames, &has_speed);
            let grid2 = grid.clone();
            run(index, grid, ks, |k, out| {
                let mut count = vec![0u32; out.len()];
                for r in index.frame_rows(k).filter(|&r| has_speed(r)) {
                    if let Some(i) = grid2.locate(Vec2::new(data.x[r], data.y[r])) {
                        out[i] += speed[r];
                        count[i] += 1;
                    }
                }
                for (v, &c) in out.iter_mut().zip(&count) {
                    *v = if c == 0 { fill } else { *v / f64::from(c) };
                }
            })
        }
        SpeedMethod::Voronoi(cells) | SpeedMethod::Arithmetic(cells) => {
            check_len("Voronoi cells", cells.cells.len(), data.len())?;
            let arithmetic = matches!(method, SpeedMethod::Arithmetic(_));
            let grid = ProfileGrid::cells(lo, hi, grid_size)?;
            let usable = |r: usize| has_speed(r) && cells.cells[r].is_some();
            let ks = profile_frames(index, &frames, &usable);
            let area = grid.first_cell_area();
            let grid2 = grid.clone();
            run(index, grid, ks, |k, out| {
                let mut raster = Raster::default();
                let mut count = if arithmetic {
                    vec![0u32; out.len()]
                } else {
                    Vec::new()
                };
                for r in index.frame_rows(k).filter(|&r| usable(r)) {
                    let Some(poly) = &cells.cells[r] else {
                        continue;
                    };
                    let v = speed[r];
                    raster.polygon(poly, &grid2, |i, part| {
                        if arithmetic {
                            if part > ARITHMETIC_AREA_THRESHOLD {
                                out[i] += v;
                                count[i] += 1;
                            }
                        } else {
                            out[i] += part * v;
                        }
                    });
                }
                if arithmetic {
                    for (o, &c) in out.iter_mut().zip(&count) {
                        *o = if c == 0 { 0.0 } else { *o / f64::from(c) };
                    }
                } else {
                    for o in out.iter_mut() {
                        *o /= area;
                    }
                }
            })
        }
        SpeedMethod::Gaussian { fwhm } => {
            check_fwhm(fwhm)?;
            let grid = ProfileGrid::cells(lo, hi, grid_size)?;
            let ks = profile_frames(index, &frames, &has_speed);
            let sigma = fwhm / (2.0 * (2.0 * std::f64::consts::LN_2).sqrt());
            let kernel = Kernel::new(&grid, sigma, 1.0);
            let pedpy_norm = 1.0 / (sigma * (2.0 * std::f64::consts::PI).sqrt());
            run(index, grid, ks, |k, out| {
                let rows: Vec<usize> = index.frame_rows(k).filter(|&r| has_speed(r)).collect();
                kernel.speed(&rows, data, speed, pedpy_norm, out);
            })
        }
    }
}

/// Relative weight below which the Gaussian density kernel is cut: exp(−d²/2σ²) < 10⁻¹⁶,
/// i.e. |d| > 8.6 σ along x or y. A dropped term is below 10⁻¹⁶ · norm² (≈ 3.5·10⁻¹⁶ /m² for
/// a 0.5 m FWHM), so a cell misses less than N · 3.5·10⁻¹⁶ /m² for N persons in the frame.
const DENSITY_CUT: f64 = 1e-16;

/// The separable Gaussian kernel g(dx) · g(dy) at the cell centres of a grid.
#[derive(Debug, Clone)]
struct Kernel {
    cx: Vec<f64>,
    /// Descending (row 0 at the top).
    cy: Vec<f64>,
    two_sigma2: f64,
    norm: f64,
}

impl Kernel {
    fn new(grid: &ProfileGrid, sigma: f64, norm: f64) -> Kernel {
        let cx = (0..grid.cols())
            .map(|c| 0.5 * (grid.x_edges[c] + grid.x_edges[c + 1]))
            .collect();
        let cy = (0..grid.rows())
            .map(|r| 0.5 * (grid.y_edges[r] + grid.y_edges[r + 1]))
            .collect();
        Kernel {
            cx,
            cy,
            two_sigma2: 2.0 * sigma * sigma,
            norm,
        }
    }

    /// out[r, c] += Σ_i g(cx_c − x_i) · g(cy_r − y_i), g(d) = norm · exp(−d² / 2σ²), leaving
    /// out terms with a factor below [`DENSITY_CUT`] · norm (|dx| or |dy| > 8.6 σ; below
    /// the 1e-13 agreement with PedPy).
    fn density(&self, points: impl Iterator<Item = (f64, f64)>, out: &mut [f64]) {
        let (cols, nrows) = (self.cx.len(), self.cy.len());
        if cols == 0 || nrows == 0 {
            return;
        }
        let reach = (self.two_sigma2 * -DENSITY_CUT.ln()).sqrt();
        // Centres are evenly spaced (up to rounding): index ranges by division, then the
        // comparisons below make them exact.
        let (x0, y0) = (self.cx[0], self.cy[0]);
        let dx = if cols > 1 {
            (self.cx[cols - 1] - x0) / (cols - 1) as f64
        } else {
            1.0
        };
        let dy = if nrows > 1 {
            (y0 - self.cy[nrows - 1]) / (nrows - 1) as f64
        } else {
            1.0
        };
        // First index with centre ≥ lo and one past the last with centre ≤ hi (ascending);
        // a guess by division (truncation), corrected by comparisons.
        let clamp = |v: f64, n: usize| (v.max(0.0) as usize).min(n);
        let range_x = |lo: f64, hi: f64| {
            let mut a = clamp((lo - x0) / dx, cols);
            while a > 0 && self.cx[a - 1] >= lo {
                a -= 1;
            }
            while a < cols && self.cx[a] < lo {
                a += 1;
            }
            let mut b = clamp((hi - x0) / dx + 1.0, cols).max(a);
            while b > a && self.cx[b - 1] > hi {
                b -= 1;
            }
            while b < cols && self.cx[b] <= hi {
                b += 1;
            }
            (a, b)
        };
        // The same for the rows, whose centres descend.
        let range_y = |lo: f64, hi: f64| {
            let mut a = clamp((y0 - hi) / dy, nrows);
            while a > 0 && self.cy[a - 1] <= hi {
                a -= 1;
            }
            while a < nrows && self.cy[a] > hi {
                a += 1;
            }
            let mut b = clamp((y0 - lo) / dy + 1.0, nrows).max(a);
            while b > a && self.cy[b - 1] < lo {
                b -= 1;
            }
            while b < nrows && self.cy[b] >= lo {
                b += 1;
            }
            (a, b)
        };
        let (mut gx, mut gy) = (Vec::with_capacity(cols), Vec::with_capacity(nrows));
        let qx = (-2.0 * dx * dx / self.two_sigma2).exp();
        let qy = (-2.0 * dy * dy / self.two_sigma2).exp();
        for (x, y) in points {
            let (c0, c1) = range_x(x - reach, x + reach);
            let (r0, r1) = range_y(y - reach, y + reach);
            if c0 >= c1 || r0 >= r1 {
                continue;
            }
            gaussian_run(
                &mut gx,
                &self.cx[c0..c1],
                x,
                dx,
                qx,
                self.two_sigma2,
                self.norm,
            );
            gaussian_run(
                &mut gy,
                &self.cy[r0..r1],
                y,
                -dy,
                qy,
                self.two_sigma2,
                self.norm,
            );
            for (r, &wy) in (r0..r1).zip(&gy) {
                let row = &mut out[r * cols + c0..r * cols + c1];
                for (o, &g) in row.iter_mut().zip(&gx) {
                    *o += wy * g;
                }
            }
        }
    }

    /// out[r, c] = Σ_i w_i v_i / Σ_i w_i, w_i = exp(−‖r_i − c‖² / 2σ²), over all persons.
    ///
    /// The weights are scaled per column and row by the nearest person along that axis
    /// (the factor cancels), so the ratio is exact where PedPy's unscaled weights lose
    /// precision or underflow. The cell is NaN exactly where PedPy's weights
    /// `norm · exp(−e_min)` all underflow to 0 (e_min = min_i ‖r_i − c‖² / 2σ²), `norm` =
    /// 1 / (σ √(2π)) as in PedPy.
    fn speed(
        &self,
        rows: &[usize],
        data: &aman_trajectory::TrajectoryData,
        speed: &[f64],
        pedpy_norm: f64,
        out: &mut [f64],
    ) {
        let (cols, nrows, n) = (self.cx.len(), self.cy.len(), rows.len());
        let ex_of = |i: usize, c: usize| {
            let d = self.cx[c] - data.x[rows[i]];
            d * d / self.two_sigma2
        };
        let ey_of = |i: usize, r: usize| {
            let d = self.cy[r] - data.y[rows[i]];
            d * d / self.two_sigma2
        };
        // Shifts: the smallest exponent along each column and row.
        let a: Vec<f64> = (0..cols)
            .map(|c| (0..n).map(|i| ex_of(i, c)).fold(f64::INFINITY, f64::min))
            .collect();
        let b: Vec<f64> = (0..nrows)
            .map(|r| (0..n).map(|i| ey_of(i, r)).fold(f64::INFINITY, f64::min))
            .collect();
        // gx[i][c], gx·v[i][c] (person-major, so the inner loop runs over columns).
        let mut gx = vec![0.0; n * cols];
        let mut gxv = vec![0.0; n * cols];
        for i in 0..n {
            let v = speed[rows[i]];
            for c in 0..cols {
                let g = (-(ex_of(i, c) - a[c])).exp();
                gx[i * cols + c] = g;
                gxv[i * cols + c] = g * v;
            }
        }
        let mut num = vec![0.0; cols];
        let mut den = vec![0.0; cols];
        // PedPy's weight underflows to 0 beyond this exponent.
        let limit = -(f64::from_bits(1) / pedpy_norm).ln();
        for r in 0..nrows {
            num.fill(0.0);
            den.fill(0.0);
            for i in 0..n {
                let wy = (-(ey_of(i, r) - b[r])).exp();
                if wy == 0.0 {
                    continue;
                }
                let (g, gv) = (
                    &gx[i * cols..(i + 1) * cols],
                    &gxv[i * cols..(i + 1) * cols],
                );
                for c in 0..cols {
                    num[c] += wy * gv[c];
                    den[c] += wy * g[c];
                }
            }
            for c in 0..cols {
                // e_min lies in [base, base + ln n] with base = a + b − ln(den).
                let base = a[c] + b[r] - den[c].ln();
                let e_min = if base > limit + 1.0 || base + (n as f64).ln() < limit - 1.0 {
                    base
                } else {
                    (0..n)
                        .map(|i| {
                            let (dx, dy) =
                                (self.cx[c] - data.x[rows[i]], self.cy[r] - data.y[rows[i]]);
                            let d = (dx * dx + dy * dy).sqrt();
                            d * d / self.two_sigma2
                        })
                        .fold(f64::INFINITY, f64::min)
                };
                out[r * cols + c] = if pedpy_norm * (-e_min).exp() == 0.0 {
                    f64::NAN
                } else {
                    num[c] / den[c]
                };
            }
        }
    }
}

/// `out[k] = norm · exp(−(centres[k] − p)² / two_sigma2)` for `centres` evenly spaced by
/// `step` (negative if descending), with two exponentials and a recurrence: from
/// (d + Δ)² − d² = 2dΔ + Δ², each value is the previous one times r_k, and r_{k+1} = r_k · q
/// with `q` = exp(−2Δ² / two_sigma2). Over the ≤ 2 · 8.6 σ / Δ + 1 centres of a density window
/// the relative error stays below 10⁻¹³ (unit test against `exp`).
fn gaussian_run(
    out: &mut Vec<f64>,
    centres: &[f64],
    p: f64,
    step: f64,
    q: f64,
    two_sigma2: f64,
    norm: f64,
) {
    let n = centres.len();
    out.clear();
    out.resize(n, 0.0);
    if n == 0 {
        return;
    }
    let d0 = centres[0] - p;
    out[0] = norm * (-(d0 * d0) / two_sigma2).exp();
    if n == 1 {
        return;
    }
    // g_{k+1} = g_k · r_k with r_{k+1} = r_k · q, run as two interleaved chains (even and odd
    // k) so consecutive multiplications do not wait for each other: g_{k+2} = g_k · s_k with
    // s_k = r_k · r_{k+1} and s_{k+2} = s_k · q⁴.
    let r0 = (-(2.0 * d0 * step + step * step) / two_sigma2).exp();
    let r1 = r0 * q;
    out[1] = out[0] * r0;
    let q4 = (q * q) * (q * q);
    let (mut s_even, mut s_odd) = (r0 * r1, r1 * (r1 * q));
    let mut k = 0;
    while k + 3 < n {
        out[k + 2] = out[k] * s_even;
        out[k + 3] = out[k + 1] * s_odd;
        s_even *= q4;
        s_odd *= q4;
        k += 2;
    }
    if k + 2 < n {
        out[k + 2] = out[k] * s_even;
    }
}

/// Exact areas of a polygon within the cells of a grid, by clipping each ring to the grid's
/// columns and rows (Sutherland–Hodgman on half-planes; exact area for any simple ring).
#[derive(Default)]
pub(crate) struct Raster {
    ring: Vec<Vec2>,
    strip: Vec<Vec2>,
    tmp: Vec<Vec2>,
    piece: Vec<Vec2>,
    window: Vec<f64>,
}

impl Raster {
    /// Calls `emit(cell index, area in m²)` for every cell whose intersection with `poly`
    /// (outer ring minus holes) is non-zero, in ascending cell index.
    pub(crate) fn polygon(
        &mut self,
        poly: &Polygon<f64>,
        grid: &ProfileGrid,
        mut emit: impl FnMut(usize, f64),
    ) {
        let ext = poly.exterior();
        let (mut x0, mut x1, mut y0, mut y1) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for c in ext.coords() {
            x0 = x0.min(c.x);
            x1 = x1.max(c.x);
            y0 = y0.min(c.y);
            y1 = y1.max(c.y);
        }
        if !(x0 <= x1 && y0 <= y1) {
            return;
        }
        let xe = &grid.x_edges;
        let ye = &grid.y_edges;
        let (cols, rows) = (grid.cols(), grid.rows());
        if cols == 0 || rows == 0 {
            return;
        }
        // Columns with xe[c] < x1 and xe[c + 1] > x0; rows with ye[r + 1] < y1 and ye[r] > y0.
        let c_lo = xe.partition_point(|&e| e <= x0).saturating_sub(1);
        let c_hi = xe.partition_point(|&e| e < x1).min(cols); // exclusive
        let r_lo = ye.partition_point(|&e| e >= y1).saturating_sub(1);
        let r_hi = ye.partition_point(|&e| e > y0).min(rows); // exclusive
        if c_lo >= c_hi || r_lo >= r_hi {
            return;
        }
        let (w, h) = (c_hi - c_lo, r_hi - r_lo);
        self.window.clear();
        self.window.resize(w * h, 0.0);
        for (ring, sign) in
            std::iter::once((ext, 1.0)).chain(poly.interiors().iter().map(|r| (r, -1.0)))
        {
            self.load(ring);
            for c in c_lo..c_hi {
                clip(&self.ring, &mut self.tmp, 0, xe[c], true);
                clip(&self.tmp, &mut self.strip, 0, xe[c + 1], false);
                if self.strip.len() < 3 {
                    continue;
                }
                let (sy0, sy1) = self
                    .strip
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                        (a.min(p.y), b.max(p.y))
                    });
                for r in r_lo..r_hi {
                    if !(ye[r + 1] < sy1 && ye[r] > sy0) {
                        continue;
                    }
                    clip(&self.strip, &mut self.tmp, 1, ye[r + 1], true);
                    clip(&self.tmp, &mut self.piece, 1, ye[r], false);
                    let a = area(&self.piece);
                    self.window[(r - r_lo) * w + (c - c_lo)] += sign * a;
                }
            }
        }
        for r in 0..h {
            for c in 0..w {
                let a = self.window[r * w + c];
                if a != 0.0 {
                    emit((r + r_lo) * cols + c + c_lo, a);
                }
            }
        }
    }

    fn load(&mut self, ring: &LineString<f64>) {
        self.ring.clear();
        self.ring.extend(ring.coords().map(|c| Vec2::new(c.x, c.y)));
        if self.ring.len() > 1 && self.ring.first() == self.ring.last() {
            self.ring.pop();
        }
    }
}

/// Sutherland–Hodgman clip of `input` to the half-plane `coord ≥ k` (`keep_above`) or
/// `coord ≤ k`, along axis 0 (x) or 1 (y). Crossing points get the coordinate k exactly.
fn clip(input: &[Vec2], out: &mut Vec<Vec2>, axis: usize, k: f64, keep_above: bool) {
    out.clear();
    let n = input.len();
    if n == 0 {
        return;
    }
    let coord = |p: Vec2| if axis == 0 { p.x } else { p.y };
    let inside = |p: Vec2| {
        if keep_above {
            coord(p) >= k
        } else {
            coord(p) <= k
        }
    };
    let cut = |a: Vec2, b: Vec2| {
        let t = (k - coord(a)) / (coord(b) - coord(a));
        if axis == 0 {
            Vec2::new(k, a.y + t * (b.y - a.y))
        } else {
            Vec2::new(a.x + t * (b.x - a.x), k)
        }
    };
    let mut prev = input[n - 1];
    let mut prev_in = inside(prev);
    for &cur in input {
        let cur_in = inside(cur);
        if cur_in {
            if !prev_in {
                out.push(cut(prev, cur));
            }
            out.push(cur);
        } else if prev_in {
            out.push(cut(prev, cur));
        }
        prev = cur;
        prev_in = cur_in;
    }
}

/// Unsigned shoelace area, coordinates taken relative to the first vertex (so a degenerate
/// piece on a grid line has area 0 exactly).
fn area(ring: &[Vec2]) -> f64 {
    if ring.len() < 3 {
        return 0.0;
    }
    let o = ring[0];
    let mut s = 0.0;
    for i in 1..ring.len() - 1 {
        s += (ring[i] - o).cross(ring[i + 1] - o);
    }
    0.5 * s.abs()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Rect, coord};

    #[test]
    fn arange_is_numpy() {
        // numpy.arange(-2.25, 4.0 + 0.2, 0.2): 33 values, the last 4.15 (≈).
        let e = arange(-2.25, 4.0 + 0.2, 0.2);
        assert_eq!(e.len(), 33);
        assert_eq!(e[1], -2.25 + 0.2);
        assert!((e[32] - 4.15).abs() < 1e-12);
        assert!(arange(1.0, 1.0, 0.5).is_empty());
        assert_eq!(arange(0.0, 0.4, -0.1), Vec::<f64>::new());
    }

    #[test]
    fn histogram_rule_at_edges() {
        let g = ProfileGrid::histogram(Vec2::new(0.0, 0.0), Vec2::new(2.0, 1.0), 0.5).unwrap();
        assert_eq!((g.rows(), g.cols()), (2, 4));
        // Lower-left corner: bottom row, first column.
        assert_eq!(g.locate(Vec2::new(0.0, 0.0)), Some(4));
        // An inner edge belongs to the cell above/right.
        assert_eq!(g.locate(Vec2::new(0.5, 0.5)), Some(1));
        // The last edge belongs to the last cell.
        assert_eq!(g.locate(Vec2::new(2.0, 1.0)), Some(3));
        assert_eq!(g.locate(Vec2::new(2.0 + 1e-12, 0.2)), None);
        assert_eq!(g.locate(Vec2::new(f64::NAN, 0.2)), None);
    }

    #[test]
    fn bins_agree_with_a_binary_search() {
        let up = arange(-8.5, 6.25 + 0.2, 0.2);
        let mut down = up.clone();
        down.reverse();
        let reference_up = |v: f64| {
            let n = up.len();
            if !(v >= up[0] && v <= up[n - 1]) {
                None
            } else if v == up[n - 1] {
                Some(n - 2)
            } else {
                Some(up.partition_point(|&e| e <= v) - 1)
            }
        };
        let mut probes: Vec<f64> = up.clone();
        probes.extend(up.iter().map(|e| e - 1e-12));
        probes.extend(up.iter().map(|e| e + 1e-12));
        probes.extend((0..3000).map(|k| -9.0 + k as f64 * 0.0053));
        for v in probes {
            let k = reference_up(v);
            let inv = (up.len() - 1) as f64 / (up[up.len() - 1] - up[0]);
            assert_eq!(bin_ascending(&up, inv, v), k, "{v}");
            assert_eq!(
                bin_descending(&down, inv, v),
                k.map(|k| up.len() - 2 - k),
                "{v}"
            );
        }
    }

    #[test]
    fn gaussian_recurrence_matches_exp() {
        let centres = arange(-2.15, 4.1, 0.2);
        let (sigma, norm) = (0.5 / 2.35482, 1.0 / (2.50662 * 0.5 / 2.35482));
        let two_sigma2 = 2.0 * sigma * sigma;
        let mut out = Vec::new();
        let step = (centres[24] - centres[3]) / 21.0;
        let q = (-2.0 * step * step / two_sigma2).exp();
        for p in [-2.3, 0.0, 1.234, 4.2] {
            gaussian_run(&mut out, &centres[3..25], p, step, q, two_sigma2, norm);
            for (k, &c) in centres[3..25].iter().enumerate() {
                let want = norm * (-((c - p) * (c - p)) / two_sigma2).exp();
                assert!((out[k] - want).abs() <= 1e-13 * want + 1e-300, "{p} {k}");
            }
        }
    }

    #[test]
    fn raster_areas_are_exact() {
        let g = ProfileGrid::cells(Vec2::new(0.0, 0.0), Vec2::new(2.0, 2.0), 0.5).unwrap();
        // A square 0.3..1.3 × 0.2..0.7 minus a hole 0.6..0.9 × 0.3..0.6.
        let poly = Polygon::new(
            Rect::new(coord! {x: 0.3, y: 0.2}, coord! {x: 1.3, y: 0.7})
                .to_polygon()
                .exterior()
                .clone(),
            vec![
                Rect::new(coord! {x: 0.6, y: 0.3}, coord! {x: 0.9, y: 0.6})
                    .to_polygon()
                    .exterior()
                    .clone(),
            ],
        );
        let mut raster = Raster::default();
        let mut got = vec![0.0; g.len()];
        raster.polygon(&poly, &g, |i, a| got[i] += a);
        let total: f64 = got.iter().sum();
        assert!((total - (0.5 - 0.09)).abs() < 1e-12, "{total}");
        // Rows from y = 2 down: y 0.5..1.0 is row 2, y 0..0.5 is row 3.
        let at = |r: usize, c: usize| got[g.index(r, c)];
        assert!((at(2, 0) - 0.2 * 0.2).abs() < 1e-12);
        assert!((at(3, 0) - 0.2 * 0.3).abs() < 1e-12);
        assert!((at(3, 1) - (0.5 * 0.3 - 0.3 * 0.2)).abs() < 1e-12);
        assert!((at(2, 2) - 0.3 * 0.2).abs() < 1e-12);
        assert_eq!(at(0, 0), 0.0);
    }
}
