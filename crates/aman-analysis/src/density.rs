//! Classic density on a uniform grid, and where and when it peaked.
//!
//! The classic density of a region M at one instant is ρ = N / A(M): the number of agents
//! inside divided by the area, in persons/m² (1/m²). [`DensityGrid`] applies it to every square
//! cell of a grid covering the venue, frame by frame, and keeps for each cell its highest
//! density and the time it occurred: the input of a peak-density map.
//!
//! With [`DensityGrid::new`], A is the full cell area c², exactly as PedPy 1.5.1's
//! `compute_density_profile(density_method=DensityMethod.CLASSIC, grid_size=c)` computes each
//! frame before averaging (a 2-D histogram of positions divided by c²; the grid starts at the
//! lower-left corner of the bounds, the cells are half-open and the far edges belong to the
//! last cells). PedPy averages the frames; this grid keeps the maximum instead. The per-frame
//! values themselves, PedPy's layout and its other methods are in
//! [`crate::profiles::density_profile`]; its classic profile's maximum over frames is this
//! grid's peak, cell for cell (test `profiles_density_grid`). The classic density of one
//! measurement area per frame is [`crate::classic`].
//!
//! With [`DensityGrid::with_walkable_area`], A is the walkable part of the cell instead (the
//! cell square intersected with the walkable area), so a cell half covered by a wall is not
//! reported at half its true density. Cells less than [`MIN_WALKABLE_FRACTION`] walkable are
//! not evaluated at all: their small area would turn the few agents standing along the wall
//! into an absurd density (five people in a 0.25 m strip of a 2 m cell read as 10 persons/m²).
//! PedPy does not do this.
//!
//! Each cell also accumulates the **time it spent at Fruin level of service E or worse**
//! (walkway table: density above 1/0.93 m² ≈ 1.08 persons/m², less than 0.93 m² per person;
//! J. J. Fruin, *Pedestrian Planning and Design*, 1971), in seconds: a frame at E or worse
//! adds the time until the next frame, at most the frame duration set with
//! [`DensityGrid::set_frame_duration`] (a sample-and-hold sum: a frame stands for the interval
//! that follows it; the last frame, with none after it, adds nothing, so no cell spends longer
//! at E than the frames span). This is how Pathfinder and
//! MassMotion show congestion ("time at LOS E/F" maps); a peak-density map, by contrast, is
//! LOS F wherever the crowd stood densely once, for example at its start.
//!
//! Cells are indexed row by row from the lower-left corner: index = iy · nx + ix, with
//! ix = ⌊(x − x₀)/c⌋ and iy = ⌊(y − y₀)/c⌋.

use aman_geometry::{Vec2, WalkableArea};
use geo::{Area, BooleanOps, Coord, MultiPolygon, Polygon, Rect};

use crate::AnalysisError;

/// The default cell side, m: 1 m × 1 m cells.
pub const DEFAULT_CELL: f64 = 1.0;

/// Cells whose walkable fraction is below this (50 %) are not evaluated by a grid built with
/// [`DensityGrid::with_walkable_area`].
pub const MIN_WALKABLE_FRACTION: f64 = 0.5;

/// The largest grid accepted: 4 million cells (a 2 km × 2 km site at 1 m, about 100 MB).
pub const MAX_GRID_CELLS: usize = 4_000_000;

/// Cells per block when clipping the walkable area row by row (see `walkable_fractions`).
const BLOCK: usize = 16;

/// Tolerance in cell units for positions on the far edge of the grid.
const EDGE_EPS: f64 = 1e-9;

/// The highest density of a grid: how much, when and where.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DensityPeak {
    /// Peak classic density, persons/m².
    pub density: f64,
    /// Time of the frame in which it occurred, s (as given to [`DensityGrid::add_frame`]).
    pub time: f64,
    /// Centre of the cell, m.
    pub centre: Vec2,
    /// Index of the cell (iy · nx + ix).
    pub index: usize,
}

/// A uniform grid of square cells counting agents frame by frame, keeping each cell's peak
/// classic density (see the [module docs](self) for the formula and PedPy correspondence).
///
/// ```
/// use aman_analysis::density::DensityGrid;
/// use aman_geometry::Vec2;
/// // 4 m × 2 m, 1 m cells: 4 × 2 cells.
/// let mut grid = DensityGrid::new(Vec2::new(0.0, 0.0), Vec2::new(4.0, 2.0), 1.0).unwrap();
/// assert_eq!(grid.dims(), (4, 2));
/// grid.add_frame(0.0, [Vec2::new(0.2, 0.3), Vec2::new(0.7, 0.9)]);
/// grid.add_frame(0.5, [Vec2::new(3.5, 1.5), Vec2::new(3.1, 1.2), Vec2::new(3.9, 1.8)]);
/// let peak = grid.peak().unwrap();
/// assert_eq!(peak.density, 3.0); // 3 persons in 1 m²
/// assert_eq!(peak.time, 0.5);
/// assert_eq!(peak.centre, Vec2::new(3.5, 1.5));
/// assert_eq!(grid.peak_densities()[0], 2.0); // cell (0, 0)
/// ```
#[derive(Debug, Clone)]
pub struct DensityGrid {
    origin: Vec2,
    cell: f64,
    nx: usize,
    ny: usize,
    /// Area each cell's count is divided by, m²; NaN for cells not evaluated.
    divisor: Vec<f64>,
    /// Walkable fraction of each cell, if built from a walkable area.
    fraction: Option<Vec<f64>>,
    /// Peak density per cell, 1/m²; 0 if never occupied, NaN if not evaluated.
    peak: Vec<f64>,
    /// Time of each cell's peak, s; NaN if never occupied.
    peak_time: Vec<f64>,
    /// Agents per cell in the current frame (scratch, zero between frames).
    counts: Vec<u32>,
    /// Cells with a non-zero count in the last frame added; their counts stay in `counts`
    /// until the next frame starts, so [`DensityGrid::last_frame`] can read them.
    touched: Vec<usize>,
    frames: usize,
    /// Seconds each frame stands for in `time_at_e` (0 until set).
    frame_duration: f64,
    /// Seconds each cell spent at walkway LOS E or worse; NaN if not evaluated.
    time_at_e: Vec<f64>,
    /// Cells at E or worse in the last frame added, credited when the next frame comes.
    at_e: Vec<usize>,
    /// Time of the last frame added, s.
    last_time: Option<f64>,
}

/// Density above which a cell is at Fruin walkway level of service E or worse, persons/m²:
/// 1 / 0.93 m² per person (J. J. Fruin, *Pedestrian Planning and Design*, 1971). A density
/// equal to it is still level D.
pub const LOS_E_DENSITY: f64 = 1.0 / 0.93;

impl DensityGrid {
    /// A grid covering the box from `lo` (lower left) to `hi` (upper right), in metres, with
    /// square cells of side `cell` m ([`DEFAULT_CELL`] is 1 m). The grid starts at `lo`; it
    /// has nx = ⌈(hi.x − lo.x)/cell⌉ columns and ny = ⌈(hi.y − lo.y)/cell⌉ rows (at least one
    /// each), so it may reach a little beyond `hi`. Every cell counts with its full area.
    ///
    /// ```
    /// use aman_analysis::density::DensityGrid;
    /// use aman_geometry::Vec2;
    /// let grid = DensityGrid::new(Vec2::new(-1.0, 0.0), Vec2::new(1.5, 1.0), 1.0).unwrap();
    /// assert_eq!(grid.dims(), (3, 1));
    /// assert!(DensityGrid::new(Vec2::new(0.0, 0.0), Vec2::new(1.0, 1.0), 0.0).is_err());
    /// ```
    ///
    /// # Errors
    /// [`AnalysisError::InvalidCellSize`] unless `cell` is positive and finite,
    /// [`AnalysisError::InvalidBounds`] if a corner is not finite or `hi` is below or left of
    /// `lo`, [`AnalysisError::GridTooLarge`] beyond [`MAX_GRID_CELLS`] cells.
    pub fn new(lo: Vec2, hi: Vec2, cell: f64) -> Result<Self, AnalysisError> {
        if !(cell > 0.0 && cell.is_finite()) {
            return Err(AnalysisError::InvalidCellSize { cell });
        }
        let finite = [lo.x, lo.y, hi.x, hi.y].iter().all(|v| v.is_finite());
        if !finite || hi.x < lo.x || hi.y < lo.y {
            return Err(AnalysisError::InvalidBounds {
                lo_x: lo.x,
                lo_y: lo.y,
                hi_x: hi.x,
                hi_y: hi.y,
            });
        }
        let count = |extent: f64| ((extent / cell - EDGE_EPS).ceil()).max(1.0);
        let (nx_f, ny_f) = (count(hi.x - lo.x), count(hi.y - lo.y));
        if nx_f * ny_f > MAX_GRID_CELLS as f64 {
            return Err(AnalysisError::GridTooLarge {
                nx: nx_f as usize,
                ny: ny_f as usize,
                cell,
                max: MAX_GRID_CELLS,
            });
        }
        let (nx, ny) = (nx_f as usize, ny_f as usize);
        let n = nx * ny;
        Ok(Self {
            origin: lo,
            cell,
            nx,
            ny,
            divisor: vec![cell * cell; n],
            fraction: None,
            peak: vec![0.0; n],
            peak_time: vec![f64::NAN; n],
            counts: vec![0; n],
            touched: Vec::new(),
            frames: 0,
            frame_duration: 0.0,
            time_at_e: vec![0.0; n],
            at_e: Vec::new(),
            last_time: None,
        })
    }

    /// A grid over the bounding box of `area` whose cells know their walkable part.
    ///
    /// Each cell's walkable area A_w is the area of the cell square intersected with the
    /// walkable polygon (holes removed), computed with `geo`'s [`BooleanOps`]; the density of a
    /// cell is then ρ = N / A_w. Cells with A_w < [`MIN_WALKABLE_FRACTION`] · cell² are not
    /// evaluated: agents in them are not counted and their peak is NaN. Cells crossed by no
    /// wall are classified by their centre (fully walkable or not at all) without a polygon
    /// operation, so large venues stay fast.
    ///
    /// ```
    /// use aman_analysis::density::DensityGrid;
    /// use aman_geometry::{import::walkable_area_from_wkt, Vec2};
    /// // A 3 m × 2.5 m room: the top row of 1 m cells is half walkable.
    /// let room = walkable_area_from_wkt("POLYGON ((0 0, 3 0, 3 2.5, 0 2.5, 0 0))", "room").unwrap();
    /// let mut grid = DensityGrid::with_walkable_area(&room, 1.0).unwrap();
    /// assert_eq!(grid.dims(), (3, 3));
    /// assert_eq!(grid.walkable_fractions().unwrap()[6], 0.5);
    /// grid.add_frame(2.0, [Vec2::new(0.5, 2.2)]);
    /// assert_eq!(grid.peak().unwrap().density, 2.0); // 1 person in 0.5 m²
    /// ```
    ///
    /// # Errors
    /// As [`DensityGrid::new`] for the bounding box of `area`.
    pub fn with_walkable_area(area: &WalkableArea, cell: f64) -> Result<Self, AnalysisError> {
        let (lo, hi) = area.bounds();
        let mut grid = Self::new(lo, hi, cell)?;
        let fraction = walkable_fractions(area.polygon(), grid.origin, cell, grid.nx, grid.ny);
        let cell_area = cell * cell;
        for (i, &f) in fraction.iter().enumerate() {
            if f >= MIN_WALKABLE_FRACTION {
                grid.divisor[i] = f * cell_area;
            } else {
                grid.divisor[i] = f64::NAN;
                grid.peak[i] = f64::NAN;
                grid.time_at_e[i] = f64::NAN;
            }
        }
        grid.fraction = Some(fraction);
        Ok(grid)
    }

    /// Counts the agents at `positions` in one frame at `time` (s) and updates each cell's
    /// peak density N / A (1/m²). Positions outside the grid or not finite are not counted, nor
    /// are agents in cells that are not evaluated. A cell's peak moves to a later frame only if
    /// the density there is strictly higher; an equal density at an earlier `time` (frames
    /// added out of order) takes its place.
    ///
    /// Each cell at walkway level E or worse in the previous frame (density >
    /// [`LOS_E_DENSITY`]) adds the time from that frame to this one, at most the frame duration
    /// (see [`DensityGrid::set_frame_duration`]), to its time at E or worse.
    /// No allocation once the grid has seen its most crowded frame.
    pub fn add_frame(&mut self, time: f64, positions: impl IntoIterator<Item = Vec2>) {
        if let Some(t0) = self.last_time {
            let held = (time - t0).min(self.frame_duration);
            if held > 0.0 {
                for &i in &self.at_e {
                    self.time_at_e[i] += held;
                }
            }
        }
        self.at_e.clear();
        self.last_time = Some(time);
        for &i in &self.touched {
            self.counts[i] = 0;
        }
        self.touched.clear();
        for p in positions {
            let Some(i) = self.cell_of(p) else { continue };
            if self.divisor[i].is_nan() {
                continue;
            }
            if self.counts[i] == 0 {
                self.touched.push(i);
            }
            self.counts[i] = self.counts[i].saturating_add(1);
        }
        for &i in &self.touched {
            let density = f64::from(self.counts[i]) / self.divisor[i];
            if density > self.peak[i] || (density == self.peak[i] && time < self.peak_time[i]) {
                self.peak[i] = density;
                self.peak_time[i] = time;
            }
            if density > LOS_E_DENSITY {
                self.at_e.push(i);
            }
        }
        self.frames += 1;
    }

    /// Sets the longest time a frame stands for, s (the interval between frames, 1/fps): a frame
    /// at E or worse adds the time until the next frame, at most this, to a cell's time at E or
    /// worse. 0 until set; a negative or non-finite value counts as 0.
    ///
    /// ```
    /// use aman_analysis::density::DensityGrid;
    /// use aman_geometry::Vec2;
    /// let mut grid = DensityGrid::new(Vec2::new(0.0, 0.0), Vec2::new(2.0, 1.0), 1.0).unwrap();
    /// grid.set_frame_duration(0.1);
    /// let two = [Vec2::new(0.5, 0.5), Vec2::new(0.6, 0.5)]; // 2 /m² in cell 0: LOS F
    /// let one = [Vec2::new(0.5, 0.5), Vec2::new(1.5, 0.5)]; // 1 /m² each: LOS D
    /// for k in 0..30 { grid.add_frame(f64::from(k) * 0.1, two); }
    /// for k in 30..40 { grid.add_frame(f64::from(k) * 0.1, one); }
    /// assert!((grid.time_at_los_e_or_worse()[0] - 3.0).abs() < 1e-9); // 30 frames × 0.1 s
    /// // the last frame stands for no time: 10 frames at E, then the run ends
    /// let mut end = DensityGrid::new(Vec2::new(0.0, 0.0), Vec2::new(2.0, 1.0), 1.0).unwrap();
    /// end.set_frame_duration(0.1);
    /// for k in 0..10 { end.add_frame(f64::from(k) * 0.1, two); }
    /// assert!((end.time_at_los_e_or_worse()[0] - 0.9).abs() < 1e-9);
    /// assert_eq!(grid.time_at_los_e_or_worse()[1], 0.0);
    /// ```
    pub fn set_frame_duration(&mut self, seconds: f64) {
        self.frame_duration = if seconds.is_finite() && seconds > 0.0 {
            seconds
        } else {
            0.0
        };
    }

    /// Seconds each cell spent at Fruin walkway level of service E or worse (density above
    /// [`LOS_E_DENSITY`]), indexed iy · nx + ix; NaN for a cell not evaluated.
    pub fn time_at_los_e_or_worse(&self) -> &[f64] {
        &self.time_at_e
    }

    /// The cells occupied in the last frame added, with their density there:
    /// `(cell index, persons/m²)`, in no particular order. Empty before the first frame.
    ///
    /// ```
    /// use aman_analysis::density::DensityGrid;
    /// use aman_geometry::Vec2;
    /// let mut grid = DensityGrid::new(Vec2::new(0.0, 0.0), Vec2::new(2.0, 1.0), 1.0).unwrap();
    /// grid.add_frame(0.0, [Vec2::new(0.5, 0.5)]);
    /// grid.add_frame(1.0, [Vec2::new(1.5, 0.5), Vec2::new(1.2, 0.2)]);
    /// assert_eq!(grid.last_frame().collect::<Vec<_>>(), vec![(1, 2.0)]);
    /// ```
    pub fn last_frame(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.touched
            .iter()
            .map(|&i| (i, f64::from(self.counts[i]) / self.divisor[i]))
    }

    /// The highest density of any cell over all frames so far; ties go to the earliest time,
    /// then to the lowest cell index. `None` if no agent has been counted yet.
    pub fn peak(&self) -> Option<DensityPeak> {
        let mut best: Option<DensityPeak> = None;
        for (index, (&density, &time)) in self.peak.iter().zip(&self.peak_time).enumerate() {
            if density.is_nan() || density <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some(b) => density > b.density || (density == b.density && time < b.time),
            };
            if better {
                best = Some(DensityPeak {
                    density,
                    time,
                    centre: self.cell_centre(index).unwrap_or(self.origin),
                    index,
                });
            }
        }
        best
    }

    /// Number of cells along x and y, `(nx, ny)`.
    pub fn dims(&self) -> (usize, usize) {
        (self.nx, self.ny)
    }

    /// Lower-left corner of the grid, m.
    pub fn origin(&self) -> Vec2 {
        self.origin
    }

    /// Cell side, m.
    pub fn cell(&self) -> f64 {
        self.cell
    }

    /// Number of frames added so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Peak density of each cell, persons/m², indexed iy · nx + ix: 0 for a cell never
    /// occupied, NaN for a cell not evaluated (less than 50 % walkable).
    pub fn peak_densities(&self) -> &[f64] {
        &self.peak
    }

    /// Time of each cell's peak density, s; NaN for a cell never occupied.
    pub fn peak_times(&self) -> &[f64] {
        &self.peak_time
    }

    /// Walkable fraction of each cell in [0, 1], if the grid was built with
    /// [`with_walkable_area`](Self::with_walkable_area).
    pub fn walkable_fractions(&self) -> Option<&[f64]> {
        self.fraction.as_deref()
    }

    /// The cell containing `p`, or `None` outside the grid (the far edges belong to the last
    /// row and column).
    ///
    /// ```
    /// use aman_analysis::density::DensityGrid;
    /// use aman_geometry::Vec2;
    /// let grid = DensityGrid::new(Vec2::new(0.0, 0.0), Vec2::new(3.0, 2.0), 1.0).unwrap();
    /// assert_eq!(grid.cell_of(Vec2::new(2.5, 1.5)), Some(5)); // ix 2, iy 1
    /// assert_eq!(grid.cell_of(Vec2::new(3.0, 2.0)), Some(5)); // far corner
    /// assert_eq!(grid.cell_of(Vec2::new(-0.1, 1.0)), None);
    /// ```
    pub fn cell_of(&self, p: Vec2) -> Option<usize> {
        let gx = (p.x - self.origin.x) / self.cell;
        let gy = (p.y - self.origin.y) / self.cell;
        let inside = |g: f64, n: usize| g >= 0.0 && g <= n as f64 + EDGE_EPS;
        if !(inside(gx, self.nx) && inside(gy, self.ny)) {
            return None;
        }
        let ix = (gx.floor() as usize).min(self.nx - 1);
        let iy = (gy.floor() as usize).min(self.ny - 1);
        Some(iy * self.nx + ix)
    }

    /// Centre of cell `index`, m; `None` if there is no such cell.
    pub fn cell_centre(&self, index: usize) -> Option<Vec2> {
        (index < self.nx * self.ny).then(|| {
            let (ix, iy) = (index % self.nx, index / self.nx);
            Vec2::new(
                self.origin.x + (ix as f64 + 0.5) * self.cell,
                self.origin.y + (iy as f64 + 0.5) * self.cell,
            )
        })
    }
}

/// The walkable fraction of every cell of an `nx` × `ny` grid of side `cell` from `origin`.
///
/// 1. Cells crossed by an edge of the polygon ("boundary cells") are marked, column by column
///    along each edge, with a small margin (marking too many only costs time).
/// 2. Every other cell is entirely inside or entirely outside; its centre decides, by an
///    even–odd scanline along the row's centre line (holes are rings like the outer one).
/// 3. Boundary cells are intersected with the polygon using `BooleanOps`. To keep each
///    operation small, the polygon is first clipped to the row's strip, then to blocks of
///    [`BLOCK`] cells, and each cell is intersected with its block's part.
fn walkable_fractions(
    polygon: &Polygon<f64>,
    origin: Vec2,
    cell: f64,
    nx: usize,
    ny: usize,
) -> Vec<f64> {
    let rings: Vec<&geo::LineString<f64>> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .collect();
    let edges: Vec<(Coord<f64>, Coord<f64>)> = rings
        .iter()
        .flat_map(|r| r.lines().map(|l| (l.start, l.end)))
        .filter(|(a, b)| a != b)
        .collect();

    // 1. Boundary cells.
    let mut boundary = vec![false; nx * ny];
    let to_grid = |c: Coord<f64>| ((c.x - origin.x) / cell, (c.y - origin.y) / cell);
    const MARGIN: f64 = 1e-7;
    let clamp_index = |g: f64, n: usize| (g.floor().max(0.0) as usize).min(n - 1);
    for &(a, b) in &edges {
        let (ax, ay) = to_grid(a);
        let (bx, by) = to_grid(b);
        let (x_min, x_max) = (ax.min(bx) - MARGIN, ax.max(bx) + MARGIN);
        for ix in clamp_index(x_min, nx)..=clamp_index(x_max, nx) {
            // The part of the edge within this column, as a y range.
            let (x0, x1) = (x_min.max(ix as f64), x_max.min(ix as f64 + 1.0));
            let (y0, y1) = if (bx - ax).abs() < 1e-12 {
                (ay, by)
            } else {
                let y_at =
                    |x: f64| ay + (x.clamp(ax.min(bx), ax.max(bx)) - ax) * (by - ay) / (bx - ax);
                (y_at(x0), y_at(x1))
            };
            let (y_min, y_max) = (y0.min(y1) - MARGIN, y0.max(y1) + MARGIN);
            for iy in clamp_index(y_min, ny)..=clamp_index(y_max, ny) {
                boundary[iy * nx + ix] = true;
            }
        }
    }

    let mut fraction = vec![0.0; nx * ny];
    let cell_area = cell * cell;
    let mut crossings: Vec<f64> = Vec::new();
    for iy in 0..ny {
        let row = iy * nx..(iy + 1) * nx;
        // 2. Interior cells of this row by an even–odd scanline through the cell centres.
        let yc = origin.y + (iy as f64 + 0.5) * cell;
        crossings.clear();
        for &(a, b) in &edges {
            if (a.y > yc) != (b.y > yc) {
                crossings.push(a.x + (yc - a.y) * (b.x - a.x) / (b.y - a.y));
            }
        }
        crossings.sort_by(f64::total_cmp);
        let mut passed = 0;
        for ix in 0..nx {
            let xc = origin.x + (ix as f64 + 0.5) * cell;
            while passed < crossings.len() && crossings[passed] < xc {
                passed += 1;
            }
            if !boundary[iy * nx + ix] && passed % 2 == 1 {
                fraction[iy * nx + ix] = 1.0;
            }
        }
        // 3. Boundary cells of this row by polygon intersection.
        if !boundary[row.clone()].iter().any(|&b| b) {
            continue;
        }
        let y0 = origin.y + iy as f64 * cell;
        let strip = Rect::new(
            Coord { x: origin.x, y: y0 },
            Coord {
                x: origin.x + nx as f64 * cell,
                y: y0 + cell,
            },
        )
        .to_polygon();
        let strip_part: MultiPolygon<f64> = polygon.intersection(&strip);
        for block in (0..nx).step_by(BLOCK) {
            let columns = block..(block + BLOCK).min(nx);
            if !boundary[iy * nx + block..iy * nx + columns.end]
                .iter()
                .any(|&b| b)
            {
                continue;
            }
            let rect = |from: usize, to: usize| {
                Rect::new(
                    Coord {
                        x: origin.x + from as f64 * cell,
                        y: y0,
                    },
                    Coord {
                        x: origin.x + to as f64 * cell,
                        y: y0 + cell,
                    },
                )
                .to_polygon()
            };
            let block_part = strip_part.intersection(&rect(columns.start, columns.end));
            for ix in columns {
                if boundary[iy * nx + ix] {
                    let walkable = rect(ix, ix + 1).intersection(&block_part).unsigned_area();
                    fraction[iy * nx + ix] = (walkable / cell_area).clamp(0.0, 1.0);
                }
            }
        }
    }
    fraction
}

#[cfg(test)]
mod tests {
    use super::*;
    use aman_geometry::import::walkable_area_from_wkt;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-8
    }

    #[test]
    fn classic_density_by_hand() {
        // 0.5 m cells: 2 agents in one cell = 2 / 0.25 m² = 8 /m².
        let mut g = DensityGrid::new(Vec2::new(0.0, 0.0), Vec2::new(2.0, 1.0), 0.5).unwrap();
        assert_eq!(g.dims(), (4, 2));
        g.add_frame(
            1.0,
            [
                Vec2::new(0.1, 0.1),
                Vec2::new(0.4, 0.4),
                Vec2::new(1.9, 0.9),
            ],
        );
        assert_eq!(g.peak_densities()[0], 8.0);
        assert_eq!(g.peak_densities()[7], 4.0);
        // Later, a lower density in cell 0 does not replace its peak; a higher one does.
        g.add_frame(2.0, [Vec2::new(0.1, 0.1)]);
        assert_eq!((g.peak_densities()[0], g.peak_times()[0]), (8.0, 1.0));
        g.add_frame(3.0, [Vec2::new(0.1, 0.1); 3]);
        assert_eq!((g.peak_densities()[0], g.peak_times()[0]), (12.0, 3.0));
        assert_eq!(g.frames(), 3);
        assert!(g.peak_times()[1].is_nan());
    }

    #[test]
    fn peak_ties_go_to_earliest_time_then_lowest_index() {
        let mut g = DensityGrid::new(Vec2::new(0.0, 0.0), Vec2::new(3.0, 1.0), 1.0).unwrap();
        assert_eq!(g.peak(), None);
        g.add_frame(5.0, [Vec2::new(2.5, 0.5)]);
        g.add_frame(4.0, [Vec2::new(1.5, 0.5)]);
        g.add_frame(4.0, [Vec2::new(0.5, 0.5)]);
        let p = g.peak().unwrap();
        assert_eq!((p.density, p.time, p.index), (1.0, 4.0, 0));
        assert_eq!(p.centre, Vec2::new(0.5, 0.5));
        // Equal density in a cell at an earlier time (frames out of order) takes its place.
        g.add_frame(1.0, [Vec2::new(2.5, 0.5)]);
        assert_eq!(g.peak().unwrap().index, 2);
    }

    #[test]
    fn outside_and_non_finite_positions_are_ignored() {
        let mut g = DensityGrid::new(Vec2::new(0.0, 0.0), Vec2::new(1.0, 1.0), 1.0).unwrap();
        g.add_frame(
            0.0,
            [
                Vec2::new(f64::NAN, 0.5),
                Vec2::new(2.0, 0.5),
                Vec2::new(0.5, -1.0),
            ],
        );
        assert_eq!(g.peak(), None);
    }

    #[test]
    fn rejects_bad_grids() {
        let o = Vec2::new(0.0, 0.0);
        assert_eq!(
            DensityGrid::new(o, Vec2::new(1.0, 1.0), f64::NAN)
                .unwrap_err()
                .to_string(),
            "grid cell size NaN m is not valid; use a positive finite size such as 1.0 m"
        );
        assert!(matches!(
            DensityGrid::new(Vec2::new(1.0, 0.0), Vec2::new(0.0, 1.0), 1.0),
            Err(AnalysisError::InvalidBounds { .. })
        ));
        assert!(matches!(
            DensityGrid::new(o, Vec2::new(700.0, 700.0), 0.01),
            Err(AnalysisError::GridTooLarge {
                nx: 70000,
                ny: 70000,
                ..
            })
        ));
        // A degenerate box still has one cell.
        assert_eq!(DensityGrid::new(o, o, 1.0).unwrap().dims(), (1, 1));
    }

    #[test]
    fn walkable_fractions_by_hand() {
        // Right triangle with legs 2 m: cell (0,0) full, (1,0) and (0,1) half, (1,1) empty.
        let tri = walkable_area_from_wkt("POLYGON ((0 0, 2 0, 0 2, 0 0))", "triangle").unwrap();
        let mut g = DensityGrid::with_walkable_area(&tri, 1.0).unwrap();
        let f = g.walkable_fractions().unwrap().to_vec();
        assert!(close(f[0], 1.0) && close(f[1], 0.5) && close(f[2], 0.5) && close(f[3], 0.0));
        assert!(g.peak_densities()[3].is_nan());
        g.add_frame(0.0, [Vec2::new(1.2, 0.3), Vec2::new(1.5, 1.5)]);
        assert!(close(g.peak_densities()[1], 2.0)); // 1 person in 0.5 m²
        assert!(g.peak_densities()[3].is_nan()); // not evaluated, agent not counted
    }

    #[test]
    fn holes_and_slivers() {
        // 4 × 2.05 room with a 1 × 1 pillar at (1..2, 0.5..1.5) and a 5 % sliver on top.
        let room = walkable_area_from_wkt(
            "POLYGON ((0 0, 4 0, 4 2.05, 0 2.05, 0 0), (1 0.5, 2 0.5, 2 1.5, 1 1.5, 1 0.5))",
            "room",
        )
        .unwrap();
        let g = DensityGrid::with_walkable_area(&room, 1.0).unwrap();
        assert_eq!(g.dims(), (4, 3));
        let f = g.walkable_fractions().unwrap();
        assert!(close(f[0], 1.0) && close(f[1], 0.5) && close(f[5], 0.5) && close(f[2], 1.0));
        // Top row: 5 % walkable, below the 50 % threshold.
        assert!(close(f[8], 0.05));
        assert!((8..12).all(|i| g.peak_densities()[i].is_nan()));
        let total: f64 = f.iter().sum();
        assert!(close(total, room.area()), "{total} {f:?}");
    }
}
