//! Individual Voronoi cells and the measures built on them: Voronoi density and Voronoi speed
//! in a measurement area (JPSreport's method D, PedPy's Voronoi method).
//!
//! # Method
//!
//! In each frame the plane is split into the Voronoi cells of the persons' positions: a
//! person's cell is every point closer to them than to anyone else in that frame. The cell is
//! then clipped to the walkable area and, optionally, to a circle around the person (the
//! cut-off, for sparse crowds, where cells would otherwise reach the walls). The cell's area
//! `A_i(t)` gives the person's individual density `ρ_i(t) = 1 / A_i(t)`, and averaging over a
//! measurement area `M` gives (Zhang, Klingsch, Schadschneider, Seyfried, "Transitions in
//! pedestrian fundamental diagrams of straight corridors and T-junctions", J. Stat. Mech.
//! (2011) P06004, doi:10.1088/1742-5468/2011/06/P06004, Sect. 3.4, method D: the density and
//! speed fields `ρ_xy = 1/A_i`, `v_xy = v_i` inside cell `i`, averaged over `M`; Eqs. (7)–(9)
//! there, numbering as cited by Vadere's implementation, not re-checked):
//!
//! ```text
//! ρ_V(t) = ∬_M ρ_xy dx dy / |M| = Σ_i |A_i(t) ∩ M| / |A_i(t)| / |M|      (1/m²)
//! v_V(t) = ∬_M v_xy dx dy / |M| = Σ_i |A_i(t) ∩ M| · v_i(t) / |M|         (m/s)
//! ```
//!
//! # Parity with PedPy 1.5.1
//!
//! [`individual_voronoi_cells`] gives the polygons of PedPy's
//! `compute_individual_voronoi_polygons` (GEOS Voronoi diagram extended to the walkable area,
//! intersected with it, then with the cut-off polygon; a cell that the clip splits into several
//! parts keeps the part that covers the person), [`voronoi_density`] PedPy's
//! `compute_voronoi_density` and [`voronoi_speed`] PedPy's `compute_voronoi_speed`. On the
//! reference data (bottleneck, corner, T-junction) cell areas and per-frame densities agree
//! with PedPy to better than 1e-8.
//!
//! # How it is computed
//!
//! Per frame, in parallel over frames (each frame is independent, so the result does not
//! depend on the thread count):
//!
//! 1. A Delaunay triangulation of the positions (spade, exact predicates). An inner person's
//!    cell is the polygon of the circumcentres of the triangles around them; a person on the
//!    hull gets a bounded start polygon (a rectangle around the walkable area, or the cut-off
//!    polygon) clipped by the bisector with each Delaunay neighbour. This handles any number
//!    of persons, collinear ones included.
//! 2. The cut-off: the cell is clipped to the cut-off polygon (both are convex).
//! 3. The walls touching the cell are looked up in a uniform grid. None: the cell is kept
//!    (most cells). Otherwise the walls inside the convex cell form chains and rings, and the
//!    part holding the person is traced exactly (Weiler–Atherton for a convex clip polygon).
//!    Only when a wall corner lies within ~1e-9 m of the cell's boundary (a person exactly on
//!    a wall line, a cut-off corner exactly on a wall corner) is the cell intersected by geo's
//!    `BooleanOps` instead, which rounds to a grid of about (extent of the inputs) / 2³⁰:
//!    such cells agree with PedPy to ~1e-8 m² only.
//!
//! ```
//! use aman_analysis::index::TrajectoryIndex;
//! use aman_analysis::voronoi::{individual_voronoi_cells, voronoi_density};
//! use aman_geometry::{import, MeasurementArea};
//! use aman_trajectory::TrajectoryData;
//!
//! let walkable = import::walkable_area_from_wkt("POLYGON ((0 0, 4 0, 4 2, 0 2, 0 0))", "doc")
//!     .unwrap();
//! let mut data = TrajectoryData::new(16.0);
//! data.push(1, 0, 1.0, 1.0);
//! data.push(2, 0, 3.0, 1.0);
//! let index = TrajectoryIndex::new(&data).unwrap();
//! let cells = individual_voronoi_cells(&index, &walkable, None, true).unwrap();
//! assert_eq!(cells.area(0), 4.0); // the left half, x < 2
//! let area = MeasurementArea::from_points("m", &[(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)])
//!     .unwrap();
//! let (density, share) = voronoi_density(&index, &cells, &area).unwrap();
//! assert_eq!(share, vec![1.0, 0.0]); // person 1's cell lies wholly in the area
//! assert_eq!(density.values, vec![0.25]); // 1 cell of 4 m² → 1/4 m⁻²
//! ```

use aman_geometry::{MeasurementArea, WalkableArea};
use geo::{Area, BooleanOps, BoundingRect, Coord, LineString, Polygon, TriangulateEarcut};
use rayon::prelude::*;
use spade::{DelaunayTriangulation, Point2, Triangulation};

use crate::AnalysisError;
use crate::index::{FrameSeries, TrajectoryIndex};

/// Each person's Voronoi cell, clipped to the walkable area, row-aligned with the
/// [`TrajectoryData`](aman_trajectory::TrajectoryData) it was computed from.
///
/// `cells[row]` is the cell of row `row` (metres), or `None` when no cell was computed for
/// that row (e.g. a frame with too few persons for a triangulation without blind points).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VoronoiCells {
    /// One cell per row, or `None`.
    pub cells: Vec<Option<geo::Polygon<f64>>>,
}

impl VoronoiCells {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// True if there are no rows.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The cell of `row`, if one was computed. Panics if `row >= len()`.
    pub fn get(&self, row: usize) -> Option<&Polygon<f64>> {
        self.cells[row].as_ref()
    }

    /// Area of the cell of `row` in m², NaN without a cell. Panics if `row >= len()`.
    pub fn area(&self, row: usize) -> f64 {
        self.cells[row]
            .as_ref()
            .map_or(f64::NAN, |p| p.unsigned_area())
    }

    /// Individual density `1 / A_i` of `row` in 1/m² (PedPy's `density` column of
    /// `compute_individual_voronoi_polygons`), NaN without a cell.
    pub fn individual_density(&self, row: usize) -> f64 {
        1.0 / self.area(row)
    }
}

/// The largest extent of a Voronoi cell: a circle of `radius` metres around the person,
/// approximated by a regular polygon with `quad_segments` edges per quarter circle (PedPy's
/// `Cutoff`; JPSreport's `cut_by_circle` with `edges = 4 · quad_segments`).
///
/// The polygon is the one shapely's `Point.buffer(radius, quad_segs)` builds (GEOS): its
/// `4 · quad_segments` corners lie on the circle, the first at angle 0 (east of the person),
/// so its area is `2 q r² sin(π / 2q)` (`3 r²` for the default `q = 3`), a little less than
/// `π r²`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cutoff {
    /// Radius, metres; positive and finite.
    pub radius: f64,
    /// Corners per quarter circle; at least 1 (PedPy's default is 3).
    pub quad_segments: u32,
}

impl Cutoff {
    /// A cut-off of `radius` metres with `quad_segments` corners per quarter circle.
    pub const fn new(radius: f64, quad_segments: u32) -> Self {
        Cutoff {
            radius,
            quad_segments,
        }
    }

    /// Checks the radius (positive, finite) and the corner count (1 to 10 000).
    ///
    /// # Errors
    /// [`AnalysisError::InvalidCutoff`].
    pub fn validate(&self) -> Result<(), AnalysisError> {
        if self.radius.is_finite()
            && self.radius > 0.0
            && (1..=10_000).contains(&self.quad_segments)
        {
            Ok(())
        } else {
            Err(AnalysisError::InvalidCutoff {
                radius: self.radius,
                quad_segments: self.quad_segments,
            })
        }
    }

    /// Corners of the cut-off polygon around `center`, counter-clockwise, ring not closed.
    pub fn corners(&self, center: Coord<f64>) -> Vec<Coord<f64>> {
        let n = 4 * self.quad_segments as usize;
        let mut out = Vec::with_capacity(n);
        let step = std::f64::consts::TAU / n as f64;
        // GEOS walks clockwise from angle 0 in steps of -step; the same corners, listed
        // counter-clockwise.
        out.push(Coord {
            x: center.x + self.radius,
            y: center.y,
        });
        for i in (1..n).rev() {
            let angle = -(i as f64) * step;
            out.push(Coord {
                x: center.x + self.radius * angle.cos(),
                y: center.y + self.radius * angle.sin(),
            });
        }
        out
    }
}

/// Each person's Voronoi cell in each frame, clipped to `walkable` and to the optional
/// `cut_off` circle (PedPy 1.5.1 `compute_individual_voronoi_polygons(traj_data,
/// walkable_area, cut_off, use_blind_points)`).
///
/// - Result: one cell per row of `index.data()` (metres), see [`VoronoiCells`].
/// - Cells are computed for every frame, whatever the number of persons (one person gets the
///   whole walkable area, or its cut-off circle), as PedPy 1.5.1 does. PedPy 1.5.1 ignores its
///   deprecated `use_blind_points` argument; here `use_blind_points = true` gives exactly
///   PedPy 1.5.1, and `false` reproduces PedPy ≤ 1.4 and JPSreport without blind points: frames
///   with fewer than 4 persons get no cells (`None`). Where cells are computed, blind points
///   (PedPy ≤ 1.4 put four points 100 walkable-area sizes away) do not change them.
/// - A cell that the walkable area splits into several parts (non-convex areas, obstacles)
///   keeps the part that covers the person, as PedPy.
/// - Empty data gives empty cells.
///
/// # Errors
/// - [`AnalysisError::InvalidCutoff`] for a radius ≤ 0 or not finite, or 0 corners.
/// - [`AnalysisError::CoincidentPositions`] when two persons share a position in a frame
///   (PedPy/GEOS fails there too).
/// - [`AnalysisError::OutsideWalkableArea`] for a person strictly outside the walkable area or
///   inside an obstacle (a person exactly on a wall is accepted). PedPy raises this only when
///   the clipped cell has several parts and otherwise returns a cell that does not contain the
///   person.
/// - [`AnalysisError::InvalidTrajectory`] for a position too large or too small for the
///   triangulation (beyond ±1e150 m or below 1e-140 m in magnitude, other than 0).
pub fn individual_voronoi_cells(
    index: &TrajectoryIndex<'_>,
    walkable: &WalkableArea,
    cut_off: Option<Cutoff>,
    use_blind_points: bool,
) -> Result<VoronoiCells, AnalysisError> {
    if let Some(c) = &cut_off {
        c.validate()?;
    }
    let data = index.data();
    if data.is_empty() {
        return Ok(VoronoiCells::default());
    }
    let walls = WallGrid::new(walkable.polygon());
    // A rectangle that holds the walkable area and every position, with a margin: the start
    // polygon of cells without a cut-off. Clipping it by the bisectors gives the Voronoi cell
    // inside the rectangle, which is all that survives the intersection with the walkable area.
    let (wlo, whi) = walkable.bounds();
    let (mut lo, mut hi) = (Coord { x: wlo.x, y: wlo.y }, Coord { x: whi.x, y: whi.y });
    for (&x, &y) in data.x.iter().zip(&data.y) {
        lo.x = lo.x.min(x);
        lo.y = lo.y.min(y);
        hi.x = hi.x.max(x);
        hi.y = hi.y.max(y);
    }
    let margin = 1.0 + 0.1 * (hi.x - lo.x).max(hi.y - lo.y);
    let frame_box = [
        Coord {
            x: lo.x - margin,
            y: lo.y - margin,
        },
        Coord {
            x: hi.x + margin,
            y: lo.y - margin,
        },
        Coord {
            x: hi.x + margin,
            y: hi.y + margin,
        },
        Coord {
            x: lo.x - margin,
            y: hi.y + margin,
        },
    ];
    let ctx = CellContext {
        index,
        walkable,
        walls: &walls,
        cut_off,
        circle: cut_off.map_or(Vec::new(), |c| c.corners(Coord { x: 0.0, y: 0.0 })),
        frame_box,
        use_blind_points,
    };
    let per_frame: Vec<Result<Vec<Option<Polygon<f64>>>, AnalysisError>> =
        (0..index.frames().len())
            .into_par_iter()
            .map_init(Scratch::default, |scratch, k| ctx.frame_cells(k, scratch))
            .collect();
    let mut cells = Vec::with_capacity(data.len());
    for frame in per_frame {
        cells.extend(frame?);
    }
    Ok(VoronoiCells { cells })
}

/// Voronoi density per frame in `area` (PedPy 1.5.1 `compute_voronoi_density`; JPSreport
/// method D), and each row's share of its cell inside the area.
///
/// ```text
/// ρ_V(t) = Σ_i |A_i(t) ∩ M| / |A_i(t)| / |M|      (1/m²)
/// ```
/// Zhang et al., J. Stat. Mech. (2011) P06004, method D, with `ρ_xy = 1 / A_i`; see the
/// [module documentation](self).
///
/// - Returns the series over every frame from the first to the last frame of the data (frames
///   without rows or without cells are 0, as PedPy's reindexing), and, row-aligned, the share
///   `|A_i ∩ M| / |A_i|` in [0, 1] (NaN for rows without a cell).
/// - The measurement area is not checked against the walkable area: parts of it outside give
///   no cell area but still count in `|M|`, as in PedPy; an area wholly outside gives 0.
///
/// # Errors
/// [`AnalysisError::EmptyTrajectory`] for empty data; [`AnalysisError::LengthMismatch`] when
/// `cells` was computed from other data.
pub fn voronoi_density(
    index: &TrajectoryIndex<'_>,
    cells: &VoronoiCells,
    area: &MeasurementArea,
) -> Result<(FrameSeries, Vec<f64>), AnalysisError> {
    let inter = intersection_areas(index, cells, area)?;
    Ok(voronoi_density_with_areas(index, cells, &inter, area))
}

/// [`voronoi_density`] from intersection areas already computed with [`intersection_areas`]
/// for the same `cells` and `area` (so the Voronoi density and speed of an area intersect the
/// cells once). Same values.
pub fn voronoi_density_with_areas(
    index: &TrajectoryIndex<'_>,
    cells: &VoronoiCells,
    inter: &[f64],
    area: &MeasurementArea,
) -> (FrameSeries, Vec<f64>) {
    let share: Vec<f64> = inter
        .iter()
        .zip(&cells.cells)
        .map(|(&a, c)| match c {
            Some(c) => a / c.unsigned_area(),
            None => f64::NAN,
        })
        .collect();
    let m = area.area();
    let series = per_frame_sum(index, |row| {
        let s = share[row];
        if s.is_nan() { 0.0 } else { s / m }
    });
    (series, share)
}

/// Voronoi speed per frame in `area` (PedPy 1.5.1 `compute_voronoi_speed`; JPSreport method D):
/// the individual speeds weighted by the part of each cell inside the area.
///
/// ```text
/// v_V(t) = Σ_i |A_i(t) ∩ M| · v_i(t) / |M|      (m/s)
/// ```
/// Zhang et al., J. Stat. Mech. (2011) P06004, method D, with `v_xy = v_i` inside cell `i`.
///
/// - `speeds`: row-aligned individual speeds, m/s, NaN where undefined (PedPy
///   `compute_individual_speed`; JPSreport's reference results use frame_step 5 with
///   single-sided borders).
/// - Returns the series over every frame from the first to the last frame of the data, 0 where
///   no cell overlaps the area (PedPy's reindexing).
///
/// # Errors
/// [`AnalysisError::EmptyTrajectory`]; [`AnalysisError::LengthMismatch`] for `cells` or `speeds`
/// of other data; [`AnalysisError::MissingSpeed`] for a NaN speed on a row whose cell overlaps
/// the area (PedPy refuses speed data with fewer rows than the cells).
pub fn voronoi_speed(
    index: &TrajectoryIndex<'_>,
    cells: &VoronoiCells,
    speeds: &[f64],
    area: &MeasurementArea,
) -> Result<FrameSeries, AnalysisError> {
    let data = index.data();
    if speeds.len() != data.len() {
        return Err(AnalysisError::LengthMismatch {
            what: "speeds",
            len: speeds.len(),
            rows: data.len(),
        });
    }
    let inter = intersection_areas(index, cells, area)?;
    voronoi_speed_with_areas(index, &inter, speeds, area)
}

/// [`voronoi_speed`] from intersection areas already computed with [`intersection_areas`].
/// Same values and errors (but for the cell-length check, done by [`intersection_areas`]).
pub fn voronoi_speed_with_areas(
    index: &TrajectoryIndex<'_>,
    inter: &[f64],
    speeds: &[f64],
    area: &MeasurementArea,
) -> Result<FrameSeries, AnalysisError> {
    let data = index.data();
    for (what, len) in [
        ("speeds", speeds.len()),
        ("intersection areas", inter.len()),
    ] {
        if len != data.len() {
            return Err(AnalysisError::LengthMismatch {
                what,
                len,
                rows: data.len(),
            });
        }
    }
    if let Some(row) = (0..data.len()).find(|&r| inter[r] > 0.0 && speeds[r].is_nan()) {
        return Err(AnalysisError::MissingSpeed {
            what: "speed",
            id: data.id[row],
            frame: data.frame[row],
        });
    }
    let m = area.area();
    Ok(per_frame_sum(index, |row| {
        let a = inter[row];
        if a > 0.0 { a * speeds[row] / m } else { 0.0 }
    }))
}

/// Row-aligned area of each cell inside `area`, `|A_i ∩ M|` in m² (NaN for rows without a
/// cell): PedPy's `compute_intersecting_polygons`, reduced to the areas.
///
/// # Errors
/// [`AnalysisError::EmptyTrajectory`]; [`AnalysisError::LengthMismatch`] when `cells` was
/// computed from other data.
pub fn intersection_areas(
    index: &TrajectoryIndex<'_>,
    cells: &VoronoiCells,
    area: &MeasurementArea,
) -> Result<Vec<f64>, AnalysisError> {
    let data = index.data();
    if data.is_empty() {
        return Err(AnalysisError::EmptyTrajectory);
    }
    if cells.len() != data.len() {
        return Err(AnalysisError::LengthMismatch {
            what: "Voronoi cells",
            len: cells.len(),
            rows: data.len(),
        });
    }
    let clip = ConvexPieces::new(area.polygon());
    let mut out = vec![0.0; data.len()];
    out.par_chunks_mut(CHUNK).enumerate().for_each_init(
        || (Vec::new(), Vec::new()),
        |(a, b), (chunk, slots)| {
            for (i, slot) in slots.iter_mut().enumerate() {
                *slot = match &cells.cells[chunk * CHUNK + i] {
                    Some(p) => clip.intersection_area(p, a, b),
                    None => f64::NAN,
                };
            }
        },
    );
    Ok(out)
}

/// Rows per parallel work item of the row-wise passes (fixed, so the split does not depend on
/// the thread count).
const CHUNK: usize = 4096;

/// Sum of `term(row)` over each frame's rows, over every frame from the first to the last.
fn per_frame_sum(index: &TrajectoryIndex<'_>, term: impl Fn(usize) -> f64) -> FrameSeries {
    let frames = index.frames();
    let (first, last) = (frames[0], frames[frames.len() - 1]);
    let n = (last - first + 1) as usize;
    let mut values = vec![0.0; n];
    for (k, &f) in frames.iter().enumerate() {
        values[(f - first) as usize] = index.frame_rows(k).map(&term).sum();
    }
    FrameSeries {
        frames: (first..=last).collect(),
        values,
    }
}

// ---------------------------------------------------------------------------------------------
// Cells of one frame.

struct CellContext<'a, 'd> {
    index: &'a TrajectoryIndex<'d>,
    walkable: &'a WalkableArea,
    walls: &'a WallGrid,
    cut_off: Option<Cutoff>,
    /// Corners of the cut-off polygon relative to the person (empty without a cut-off).
    circle: Vec<Coord<f64>>,
    frame_box: [Coord<f64>; 4],
    use_blind_points: bool,
}

/// Buffers reused across the frames one thread computes.
#[derive(Default)]
struct Scratch {
    centres: Vec<Coord<f64>>,
    poly: Vec<Coord<f64>>,
    tmp: Vec<Coord<f64>>,
    stamp: Vec<u32>,
    epoch: u32,
    hits: Vec<u32>,
    mark: Vec<u32>,
    mark_epoch: u32,
    chain_pts: Vec<Coord<f64>>,
    chains: Vec<Chain>,
    loops: Vec<(usize, usize, bool)>,
    ends: Vec<(f64, usize, bool)>,
}

impl CellContext<'_, '_> {
    fn frame_cells(
        &self,
        k: usize,
        s: &mut Scratch,
    ) -> Result<Vec<Option<Polygon<f64>>>, AnalysisError> {
        let data = self.index.data();
        let rows = self.index.frame_rows(k);
        let n = rows.len();
        if !self.use_blind_points && n < 4 {
            return Ok(vec![None; n]);
        }
        let points: Vec<Point2<f64>> = rows
            .clone()
            .map(|r| Point2::new(data.x[r], data.y[r]))
            .collect();
        let tri = DelaunayTriangulation::<Point2<f64>>::bulk_load_stable(points).map_err(|e| {
            let row = rows
                .clone()
                .find(|&r| {
                    spade::validate_coordinate(data.x[r]).is_err()
                        || spade::validate_coordinate(data.y[r]).is_err()
                })
                .unwrap_or(rows.start);
            AnalysisError::InvalidTrajectory(format!(
                "row {row} (id {}, frame {}): position ({}, {}) cannot be triangulated: {e}",
                data.id[row], data.frame[row], data.x[row], data.y[row]
            ))
        })?;
        if tri.num_vertices() < n {
            return Err(coincident(data, rows));
        }
        // Voronoi vertices: the circumcentre of each triangle, by face index.
        s.centres.clear();
        s.centres
            .resize(tri.num_all_faces(), Coord { x: 0.0, y: 0.0 });
        for f in tri.inner_faces() {
            let c = f.circumcenter();
            s.centres[f.fix().index()] = Coord { x: c.x, y: c.y };
        }
        let mut out = Vec::with_capacity(n);
        for (j, row) in rows.enumerate() {
            let site = Coord {
                x: data.x[row],
                y: data.y[row],
            };
            if self.walls.locate(site) == Location::Outside {
                return Err(AnalysisError::OutsideWalkableArea {
                    id: data.id[row],
                    frame: data.frame[row],
                    x: site.x,
                    y: site.y,
                });
            }
            let v = tri.vertex(spade::handles::FixedVertexHandle::from_index(j));
            // An inner vertex's cell is the polygon of the circumcentres of the triangles
            // around it (counter-clockwise, as the out-going edges); a hull vertex's cell is
            // unbounded: clip a bounded start polygon by the bisectors instead.
            s.poly.clear();
            let mut bounded = true;
            for e in v.out_edges() {
                let f = e.face();
                if f.is_outer() {
                    bounded = false;
                    break;
                }
                s.poly.push(s.centres[f.fix().index()]);
            }
            if bounded && s.poly.len() >= 3 {
                if let Some(c) = &self.cut_off {
                    self.clip_to_circle(c, site, s);
                }
            } else {
                match &self.cut_off {
                    Some(_) => {
                        s.poly.clear();
                        s.poly.extend(self.circle.iter().map(|o| Coord {
                            x: site.x + o.x,
                            y: site.y + o.y,
                        }));
                    }
                    None => {
                        s.poly.clear();
                        s.poly.extend_from_slice(&self.frame_box);
                    }
                }
                for e in v.out_edges() {
                    let q = e.to().position();
                    clip_bisector(&mut s.poly, &mut s.tmp, site, Coord { x: q.x, y: q.y });
                }
            }
            out.push(self.clip_to_walkable(site, s));
        }
        Ok(out)
    }

    /// Clips the bounded convex cell in `s.poly` to the cut-off polygon around `site`, unless
    /// it lies within the polygon's inscribed circle.
    fn clip_to_circle(&self, c: &Cutoff, site: Coord<f64>, s: &mut Scratch) {
        let q = c.quad_segments as f64;
        let r_in = c.radius * (std::f64::consts::FRAC_PI_4 / q).cos() * (1.0 - 1e-9);
        let r2 = r_in * r_in;
        if s.poly.iter().all(|p| {
            let (dx, dy) = (p.x - site.x, p.y - site.y);
            dx * dx + dy * dy <= r2
        }) {
            return;
        }
        let n = self.circle.len();
        for k in 0..n {
            let (a, b) = (self.circle[k], self.circle[(k + 1) % n]);
            let a = Coord {
                x: site.x + a.x,
                y: site.y + a.y,
            };
            let b = Coord {
                x: site.x + b.x,
                y: site.y + b.y,
            };
            let (ex, ey) = (b.x - a.x, b.y - a.y);
            clip_halfplane(&mut s.poly, &mut s.tmp, |p| {
                -(ex * (p.y - a.y) - ey * (p.x - a.x))
            });
        }
    }

    /// The convex cell in `s.poly` intersected with the walkable area; the part covering
    /// `site` when the intersection has several parts.
    fn clip_to_walkable(&self, site: Coord<f64>, s: &mut Scratch) -> Option<Polygon<f64>> {
        if s.poly.len() < 3 {
            return None;
        }
        s.epoch = s.epoch.wrapping_add(1);
        if s.epoch == 0 {
            s.stamp.iter_mut().for_each(|x| *x = 0);
            s.epoch = 1;
        }
        self.walls
            .hits_convex(&s.poly, &mut s.stamp, s.epoch, &mut s.hits);
        if s.hits.is_empty() {
            // No wall touches the closed cell and the person is inside the walkable area, so
            // the whole cell is.
            return Some(closed_polygon(&s.poly));
        }
        if let Some(part) = self.clip_exact(site, s) {
            return Some(part);
        }
        let cell = closed_polygon(&s.poly);
        let parts = cell.intersection(self.walkable.polygon());
        let mut parts = parts.0;
        match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => {
                let pick = parts
                    .iter()
                    .position(|p| polygon_location(p, site) != Location::Outside)
                    .unwrap_or_else(|| {
                        // Rounding in the overlay: take the part nearest to the person.
                        let mut best = (f64::INFINITY, 0);
                        for (i, p) in parts.iter().enumerate() {
                            let d = polygon_boundary_distance(p, site);
                            if d < best.0 {
                                best = (d, i);
                            }
                        }
                        best.1
                    });
                Some(parts.swap_remove(pick))
            }
        }
    }
}

impl CellContext<'_, '_> {
    /// Exact intersection of the convex cell `s.poly` with the walkable area, part covering
    /// `site`, without a general boolean operation (Weiler–Atherton for a convex clip polygon).
    ///
    /// The walls touching the cell (`s.hits`) form chains that enter the cell, run inside and
    /// leave it (walkable area on their left), and rings wholly inside the cell (obstacles, or
    /// the whole walkable area). The parts of the intersection are traced by following a
    /// chain to its exit and the cell boundary counter-clockwise to the next entry; rings
    /// inside become holes of the part that holds them. Returns `None` for configurations
    /// this does not decide robustly (a wall corner within ~1e-9 of the cell boundary, two
    /// crossings at the same place, a person on no part): the caller then uses `BooleanOps`.
    fn clip_exact(&self, site: Coord<f64>, s: &mut Scratch) -> Option<Polygon<f64>> {
        let walls = self.walls;
        let cell = &s.poly;
        let n = cell.len();
        let (lo, hi) = bounds(cell);
        let tol = 1e-9 * (1.0 + (hi.x - lo.x).max(hi.y - lo.y));
        // Classify corners of the touching walls: strictly inside, strictly outside, or near
        // the boundary (give up).
        let classify = |p: Coord<f64>| -> Option<bool> {
            let mut inside = true;
            for k in 0..n {
                let (c, d) = (cell[k], cell[(k + 1) % n]);
                let (ex, ey) = (d.x - c.x, d.y - c.y);
                let len = (ex * ex + ey * ey).sqrt();
                let f = ex * (p.y - c.y) - ey * (p.x - c.x);
                if f < -tol * len {
                    return Some(false);
                }
                if f <= tol * len {
                    inside = false;
                }
            }
            if inside { Some(true) } else { None }
        };
        // Where segment a→b crosses the cell boundary: (entry t, entry edge, exit t, exit
        // edge), t along the segment.
        let crossings = |a: Coord<f64>, b: Coord<f64>| -> Option<(f64, usize, f64, usize)> {
            let (mut t0, mut t1, mut e0, mut e1) = (0.0f64, 1.0f64, usize::MAX, usize::MAX);
            for k in 0..n {
                let (c, d) = (cell[k], cell[(k + 1) % n]);
                let (ex, ey) = (d.x - c.x, d.y - c.y);
                let fa = ex * (a.y - c.y) - ey * (a.x - c.x);
                let fb = ex * (b.y - c.y) - ey * (b.x - c.x);
                if fa < 0.0 && fb < 0.0 {
                    return None;
                }
                if fa < 0.0 {
                    let t = fa / (fa - fb);
                    if t > t0 {
                        (t0, e0) = (t, k);
                    }
                } else if fb < 0.0 {
                    let t = fa / (fa - fb);
                    if t < t1 {
                        (t1, e1) = (t, k);
                    }
                }
            }
            (t0 < t1).then_some((t0, e0, t1, e1))
        };
        // Position along the cell boundary of a point on edge k: k + fraction.
        let param = |k: usize, p: Coord<f64>| -> f64 {
            let (c, d) = (cell[k], cell[(k + 1) % n]);
            let (ex, ey) = (d.x - c.x, d.y - c.y);
            let l2 = ex * ex + ey * ey;
            let u = if l2 > 0.0 {
                ((p.x - c.x) * ex + (p.y - c.y) * ey) / l2
            } else {
                0.0
            };
            k as f64 + u.clamp(0.0, 1.0)
        };

        s.chain_pts.clear();
        s.chains.clear();
        s.loops.clear();
        s.mark_epoch = s.mark_epoch.wrapping_add(1);
        if s.mark_epoch == 0 {
            s.mark.iter_mut().for_each(|x| *x = 0);
            s.mark_epoch = 1;
        }
        if s.mark.len() < walls.segs.len() {
            s.mark.resize(walls.segs.len(), 0);
        }
        let epoch = s.mark_epoch;
        for &i in &s.hits {
            let [a, b] = walls.segs[i as usize];
            classify(a)?;
            classify(b)?;
        }
        // Chains: start at each touching wall that enters the cell from outside.
        for h in 0..s.hits.len() {
            let i = s.hits[h];
            let [a, b] = walls.segs[i as usize];
            if classify(a) != Some(false) {
                continue;
            }
            s.mark[i as usize] = epoch;
            let Some((t0, e0, t1, e1)) = crossings(a, b) else {
                continue; // within the tolerance but not touching: irrelevant
            };
            if e0 == usize::MAX || t1 - t0 <= 1e-12 {
                return None;
            }
            let start = s.chain_pts.len();
            let entry = lerp(a, b, t0);
            s.chain_pts.push(entry);
            let entry_param = param(e0, entry);
            let (mut j, mut jb, mut exit) = (i, b, None);
            if classify(b) == Some(false) {
                if e1 == usize::MAX {
                    return None;
                }
                exit = Some((lerp(a, b, t1), e1));
            }
            while exit.is_none() {
                s.chain_pts.push(jb);
                j = walls.next(j);
                if s.mark[j as usize] == epoch && j != i {
                    return None;
                }
                s.mark[j as usize] = epoch;
                let [ja, nb] = walls.segs[j as usize];
                jb = nb;
                match classify(jb)? {
                    true => {}
                    false => {
                        let (_, _, t1, e1) = crossings(ja, jb)?;
                        if e1 == usize::MAX {
                            return None;
                        }
                        exit = Some((lerp(ja, jb, t1), e1));
                    }
                }
            }
            let (x, e1) = exit?;
            s.chain_pts.push(x);
            s.chains.push(Chain {
                pts: (start, s.chain_pts.len()),
                entry: entry_param,
                exit: param(e1, x),
            });
        }
        // Rings wholly inside the cell.
        for h in 0..s.hits.len() {
            let i = s.hits[h];
            if s.mark[i as usize] == epoch {
                continue;
            }
            let [a, _] = walls.segs[i as usize];
            if classify(a) != Some(true) {
                continue; // touches only within the tolerance
            }
            let ring = walls.ring_of[i as usize] as usize;
            let start = s.chain_pts.len();
            let mut j = i;
            loop {
                if s.mark[j as usize] == epoch {
                    return None;
                }
                s.mark[j as usize] = epoch;
                let [ja, jb] = walls.segs[j as usize];
                s.chain_pts.push(ja);
                if classify(jb) != Some(true) {
                    return None;
                }
                j = walls.next(j);
                if j == i {
                    break;
                }
            }
            s.loops
                .push((start, s.chain_pts.len(), walls.rings[ring].2));
        }

        if s.chains.is_empty() {
            if s.loops.iter().any(|l| l.2) {
                // The whole walkable area lies in the cell.
                return Some(self.walkable.polygon().clone());
            }
            let holes = s
                .loops
                .iter()
                .map(|&(a, b, _)| closed_ring(&s.chain_pts[a..b]))
                .collect();
            return Some(Polygon::new(LineString::new(closed_vec(cell)), holes));
        }
        if s.loops.iter().any(|l| l.2) {
            return None;
        }
        // Crossing points in boundary order.
        s.ends.clear();
        for (c, ch) in s.chains.iter().enumerate() {
            s.ends.push((ch.entry, c, true));
            s.ends.push((ch.exit, c, false));
        }
        s.ends.sort_by(|a, b| a.0.total_cmp(&b.0));
        let m = s.ends.len();
        let ptol = 1e-9;
        for k in 0..m {
            let next = if k + 1 < m {
                s.ends[k + 1].0
            } else {
                s.ends[0].0 + n as f64
            };
            if next - s.ends[k].0 <= ptol {
                return None;
            }
        }
        let mut exit_pos = vec![0usize; s.chains.len()];
        for (k, e) in s.ends.iter().enumerate() {
            if !e.2 {
                exit_pos[e.1] = k;
            }
        }
        // Trace the parts; keep the one covering the person.
        let mut used = vec![false; s.chains.len()];
        for first in 0..s.chains.len() {
            if used[first] {
                continue;
            }
            let mut ring: Vec<Coord<f64>> = Vec::new();
            let mut c = first;
            loop {
                if used[c] {
                    return None;
                }
                used[c] = true;
                let (a, b) = s.chains[c].pts;
                ring.extend_from_slice(&s.chain_pts[a..b]);
                let k = exit_pos[c];
                let (np, nc, is_entry) = s.ends[(k + 1) % m];
                if !is_entry {
                    return None;
                }
                // Cell corners passed going counter-clockwise from the exit to the next entry.
                let from = s.chains[c].exit;
                let to = if np > from { np } else { np + n as f64 };
                let mut j = from.floor() as usize + 1;
                while (j as f64) < to {
                    ring.push(cell[j % n]);
                    j += 1;
                }
                if nc == first {
                    break;
                }
                c = nc;
            }
            if ring.len() < 3 {
                continue;
            }
            let exterior = closed_ring(&ring);
            let outer = Polygon::new(exterior, vec![]);
            if polygon_location(&outer, site) == Location::Outside {
                continue;
            }
            let (exterior, _) = outer.into_inner();
            let holes: Vec<LineString<f64>> = s
                .loops
                .iter()
                .filter(|&&(a, _, _)| {
                    ring_location(&exterior.0, s.chain_pts[a]) == Location::Inside
                })
                .map(|&(a, b, _)| closed_ring(&s.chain_pts[a..b]))
                .collect();
            let part = Polygon::new(exterior, holes);
            if polygon_location(&part, site) == Location::Outside {
                return None;
            }
            return Some(part);
        }
        None
    }
}

/// A wall chain through a cell: its points in `Scratch::chain_pts[pts.0..pts.1]` (entry,
/// corners inside, exit) and where it enters and leaves along the cell boundary.
struct Chain {
    pts: (usize, usize),
    entry: f64,
    exit: f64,
}

/// Location of `p` relative to one closed ring given as a (closed or open) point list.
fn ring_location(ring: &[Coord<f64>], p: Coord<f64>) -> Location {
    let n = ring.len();
    let mut inside = false;
    for i in 0..n {
        match crossing(p, ring[i], ring[(i + 1) % n]) {
            None => return Location::Boundary,
            Some(true) => inside = !inside,
            Some(false) => {}
        }
    }
    if inside {
        Location::Inside
    } else {
        Location::Outside
    }
}

fn closed_vec(ring: &[Coord<f64>]) -> Vec<Coord<f64>> {
    let mut v = Vec::with_capacity(ring.len() + 1);
    v.extend_from_slice(ring);
    v.push(ring[0]);
    v
}

fn closed_ring(ring: &[Coord<f64>]) -> LineString<f64> {
    LineString::new(closed_vec(ring))
}

/// The first pair of rows (in row order) of one frame at the same position.
fn coincident(
    data: &aman_trajectory::TrajectoryData,
    rows: std::ops::Range<usize>,
) -> AnalysisError {
    let mut order: Vec<usize> = rows.collect();
    order.sort_by(|&a, &b| {
        data.x[a]
            .total_cmp(&data.x[b])
            .then(data.y[a].total_cmp(&data.y[b]))
            .then(a.cmp(&b))
    });
    let mut best: Option<(usize, usize)> = None;
    for w in order.windows(2) {
        let (a, b) = (w[0], w[1]);
        if data.x[a] == data.x[b] && data.y[a] == data.y[b] {
            let pair = (a.min(b), a.max(b));
            if best.is_none_or(|p| pair.1 < p.1 || (pair.1 == p.1 && pair.0 < p.0)) {
                best = Some(pair);
            }
        }
    }
    let (a, b) = best.unwrap_or((0, 0));
    AnalysisError::CoincidentPositions {
        frame: data.frame[a],
        first_id: data.id[a],
        second_id: data.id[b],
        x: data.x[a],
        y: data.y[a],
    }
}

/// Clips the convex polygon `poly` (counter-clockwise) to the half-plane of points at least as
/// close to `site` as to `other`.
fn clip_bisector(
    poly: &mut Vec<Coord<f64>>,
    tmp: &mut Vec<Coord<f64>>,
    site: Coord<f64>,
    other: Coord<f64>,
) {
    let d = Coord {
        x: other.x - site.x,
        y: other.y - site.y,
    };
    let m = Coord {
        x: 0.5 * (site.x + other.x),
        y: 0.5 * (site.y + other.y),
    };
    clip_halfplane(poly, tmp, |p| (p.x - m.x) * d.x + (p.y - m.y) * d.y);
}

/// Sutherland–Hodgman step: keeps the part of the ring `poly` where `f ≤ 0` (f affine).
pub(crate) fn clip_halfplane(
    poly: &mut Vec<Coord<f64>>,
    tmp: &mut Vec<Coord<f64>>,
    f: impl Fn(Coord<f64>) -> f64,
) {
    let Some(&last) = poly.last() else {
        return;
    };
    // Quick accept: every corner inside.
    if poly.iter().all(|&p| f(p) <= 0.0) {
        return;
    }
    tmp.clear();
    let mut prev = last;
    let mut fp = f(prev);
    for &cur in poly.iter() {
        let fc = f(cur);
        if fc <= 0.0 {
            if fp > 0.0 {
                tmp.push(lerp(prev, cur, fp / (fp - fc)));
            }
            tmp.push(cur);
        } else if fp < 0.0 {
            tmp.push(lerp(prev, cur, fp / (fp - fc)));
        }
        prev = cur;
        fp = fc;
    }
    std::mem::swap(poly, tmp);
}

/// A polygon from an open ring, allocated once.
fn closed_polygon(ring: &[Coord<f64>]) -> Polygon<f64> {
    Polygon::new(closed_ring(ring), vec![])
}

fn lerp(a: Coord<f64>, b: Coord<f64>, t: f64) -> Coord<f64> {
    Coord {
        x: a.x + (b.x - a.x) * t,
        y: a.y + (b.y - a.y) * t,
    }
}

/// Signed area of an open or closed ring (counter-clockwise positive), shoelace formula.
pub(crate) fn ring_signed_area(ring: &[Coord<f64>]) -> f64 {
    let n = ring.len();
    if n < 3 {
        return 0.0;
    }
    let o = ring[0];
    let mut s = 0.0;
    for i in 1..n - 1 {
        let (a, b) = (ring[i], ring[i + 1]);
        s += (a.x - o.x) * (b.y - o.y) - (b.x - o.x) * (a.y - o.y);
    }
    0.5 * s
}

// ---------------------------------------------------------------------------------------------
// Point location and wall queries.

/// Where a point lies relative to a closed polygon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Inside,
    Boundary,
    Outside,
}

/// Crossing-number step for `p` against segment `a`–`b` (half-open in y); `None` when `p` lies
/// on the segment.
#[inline]
fn crossing(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> Option<bool> {
    let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
    if cross == 0.0
        && p.x >= a.x.min(b.x)
        && p.x <= a.x.max(b.x)
        && p.y >= a.y.min(b.y)
        && p.y <= a.y.max(b.y)
    {
        return None;
    }
    if (a.y > p.y) != (b.y > p.y) {
        // The ray to +x crosses when p is left of the upward edge (or right of the downward).
        Some((cross > 0.0) == (b.y > a.y))
    } else {
        Some(false)
    }
}

/// Location of `p` in `poly` (holes respected), O(vertices).
pub(crate) fn polygon_location(poly: &Polygon<f64>, p: Coord<f64>) -> Location {
    even_odd(
        p,
        std::iter::once(poly.exterior())
            .chain(poly.interiors())
            .flat_map(|ring| ring.lines().map(|l| (l.start, l.end))),
    )
}

/// Even–odd rule over the edges `(a, b)`: [`Location::Boundary`] on an edge, else inside when
/// a ray from `p` crosses an odd number of them (see [`crossing`]).
fn even_odd(p: Coord<f64>, edges: impl Iterator<Item = (Coord<f64>, Coord<f64>)>) -> Location {
    let mut inside = false;
    for (a, b) in edges {
        match crossing(p, a, b) {
            None => return Location::Boundary,
            Some(true) => inside = !inside,
            Some(false) => {}
        }
    }
    if inside {
        Location::Inside
    } else {
        Location::Outside
    }
}

fn polygon_boundary_distance(poly: &Polygon<f64>, p: Coord<f64>) -> f64 {
    std::iter::once(poly.exterior())
        .chain(poly.interiors())
        .flat_map(|r| r.lines())
        .map(|l| point_segment_distance(p, l.start, l.end))
        .fold(f64::INFINITY, f64::min)
}

/// Euclidean distance from `p` to the segment `a`–`b`.
pub(crate) fn point_segment_distance(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (a.x + t * dx - p.x, a.y + t * dy - p.y);
    (cx * cx + cy * cy).sqrt()
}

/// The walls (all ring edges) of the walkable area in a uniform grid, for "which walls touch
/// this cell" and "is this point inside" queries in time independent of the venue's size.
struct WallGrid {
    segs: Vec<[Coord<f64>; 2]>,
    /// Ring of each segment (index into `rings`).
    ring_of: Vec<u32>,
    /// Per ring: its segments `first..end` (consecutive, in ring order) and whether it is the
    /// outer ring.
    rings: Vec<(u32, u32, bool)>,
    origin: Coord<f64>,
    cell: f64,
    nx: usize,
    ny: usize,
    /// CSR: grid cell → segments whose bounding box overlaps it.
    start: Vec<u32>,
    ids: Vec<u32>,
    /// CSR: grid row → segments whose y-range overlaps it (for the crossing-number test).
    row_start: Vec<u32>,
    row_ids: Vec<u32>,
}

impl WallGrid {
    fn new(poly: &Polygon<f64>) -> Self {
        // Rings oriented so that the walkable area is left of every segment: the outer ring
        // counter-clockwise, holes clockwise. Zero-length edges dropped.
        let mut segs = Vec::new();
        let mut ring_of = Vec::new();
        let mut rings = Vec::new();
        for (k, ring) in std::iter::once(poly.exterior())
            .chain(poly.interiors())
            .enumerate()
        {
            let mut pts: Vec<Coord<f64>> = ring.0.clone();
            pts.dedup();
            if pts.len() > 1 && pts.first() == pts.last() {
                pts.pop();
            }
            if pts.len() < 3 {
                continue;
            }
            let ccw = ring_signed_area(&pts) > 0.0;
            if ccw != (k == 0) {
                pts.reverse();
            }
            let first = segs.len() as u32;
            for i in 0..pts.len() {
                segs.push([pts[i], pts[(i + 1) % pts.len()]]);
                ring_of.push(rings.len() as u32);
            }
            rings.push((first, segs.len() as u32, k == 0));
        }
        let rect = poly.bounding_rect().unwrap_or(geo::Rect::new(
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 0.0, y: 0.0 },
        ));
        let (w, h) = (rect.width(), rect.height());
        let target = segs.len().clamp(1, 1 << 20) as f64;
        let mut cell = ((w * h) / target).sqrt();
        if !(cell.is_finite() && cell > 0.0) {
            cell = w.max(h).max(1.0);
        }
        cell = cell.max(w.max(h) / 2048.0);
        let origin = rect.min();
        let nx = ((w / cell).floor() as usize + 1).max(1);
        let ny = ((h / cell).floor() as usize + 1).max(1);
        let mut grid = WallGrid {
            segs,
            ring_of,
            rings,
            origin,
            cell,
            nx,
            ny,
            start: Vec::new(),
            ids: Vec::new(),
            row_start: Vec::new(),
            row_ids: Vec::new(),
        };
        let mut cells: Vec<(u32, u32)> = Vec::new();
        let mut rows: Vec<(u32, u32)> = Vec::new();
        for (i, s) in grid.segs.iter().enumerate() {
            let (ix0, iy0) = grid.cell_of(Coord {
                x: s[0].x.min(s[1].x),
                y: s[0].y.min(s[1].y),
            });
            let (ix1, iy1) = grid.cell_of(Coord {
                x: s[0].x.max(s[1].x),
                y: s[0].y.max(s[1].y),
            });
            for iy in iy0..=iy1 {
                rows.push((iy as u32, i as u32));
                for ix in ix0..=ix1 {
                    cells.push(((iy * nx + ix) as u32, i as u32));
                }
            }
        }
        (grid.start, grid.ids) = csr(cells, nx * ny);
        (grid.row_start, grid.row_ids) = csr(rows, ny);
        grid
    }

    fn cell_of(&self, p: Coord<f64>) -> (usize, usize) {
        let fx = ((p.x - self.origin.x) / self.cell).floor();
        let fy = ((p.y - self.origin.y) / self.cell).floor();
        let ix = if fx > 0.0 { fx as usize } else { 0 }.min(self.nx - 1);
        let iy = if fy > 0.0 { fy as usize } else { 0 }.min(self.ny - 1);
        (ix, iy)
    }

    /// The segment after `i` in its ring.
    fn next(&self, i: u32) -> u32 {
        let (first, end, _) = self.rings[self.ring_of[i as usize] as usize];
        if i + 1 == end { first } else { i + 1 }
    }

    /// Location of `p` in the walkable area (closed: walls are [`Location::Boundary`]).
    fn locate(&self, p: Coord<f64>) -> Location {
        let top = self.origin.y + self.cell * self.ny as f64;
        if !(p.y >= self.origin.y && p.y <= top) {
            return Location::Outside;
        }
        let (_, iy) = self.cell_of(p);
        let row = &self.row_ids[self.row_start[iy] as usize..self.row_start[iy + 1] as usize];
        even_odd(
            p,
            row.iter().map(|&i| {
                let [a, b] = self.segs[i as usize];
                (a, b)
            }),
        )
    }

    /// The walls that touch or enter the closed convex polygon `poly` (counter-clockwise), into
    /// `hits`. Conservative: walls within ~1e-9 of the polygon count as touching.
    fn hits_convex(
        &self,
        poly: &[Coord<f64>],
        stamp: &mut Vec<u32>,
        epoch: u32,
        hits: &mut Vec<u32>,
    ) {
        hits.clear();
        if stamp.len() < self.segs.len() {
            stamp.resize(self.segs.len(), 0);
        }
        let (lo, hi) = bounds(poly);
        let (ix0, iy0) = self.cell_of(lo);
        let (ix1, iy1) = self.cell_of(hi);
        let tol = 1e-9 * (1.0 + (hi.x - lo.x).max(hi.y - lo.y));
        for iy in iy0..=iy1 {
            for ix in ix0..=ix1 {
                let c = iy * self.nx + ix;
                for &i in &self.ids[self.start[c] as usize..self.start[c + 1] as usize] {
                    if stamp[i as usize] == epoch {
                        continue;
                    }
                    stamp[i as usize] = epoch;
                    let [a, b] = self.segs[i as usize];
                    if a.x.max(b.x) < lo.x - tol
                        || a.x.min(b.x) > hi.x + tol
                        || a.y.max(b.y) < lo.y - tol
                        || a.y.min(b.y) > hi.y + tol
                    {
                        continue;
                    }
                    if segment_hits_convex(a, b, poly, tol) {
                        hits.push(i);
                    }
                }
            }
        }
        // Grid order depends on the cells visited; clip in segment order.
        hits.sort_unstable();
    }
}

/// Compressed rows from (bucket, value) pairs.
fn csr(mut pairs: Vec<(u32, u32)>, buckets: usize) -> (Vec<u32>, Vec<u32>) {
    pairs.sort_unstable();
    let mut start = vec![0u32; buckets + 1];
    for &(b, _) in &pairs {
        start[b as usize + 1] += 1;
    }
    for i in 0..buckets {
        start[i + 1] += start[i];
    }
    (start, pairs.into_iter().map(|(_, v)| v).collect())
}

/// Cyrus–Beck: does the segment `a`–`b` meet the closed convex polygon `poly`
/// (counter-clockwise), grown by `tol`?
fn segment_hits_convex(a: Coord<f64>, b: Coord<f64>, poly: &[Coord<f64>], tol: f64) -> bool {
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    let n = poly.len();
    for k in 0..n {
        let c = poly[k];
        let d = poly[(k + 1) % n];
        let (ex, ey) = (d.x - c.x, d.y - c.y);
        let len = (ex * ex + ey * ey).sqrt();
        if len == 0.0 {
            continue;
        }
        // Inside is left of the edge: cross(e, p - c) ≥ -tol·|e|.
        let fa = ex * (a.y - c.y) - ey * (a.x - c.x) + tol * len;
        let fb = ex * (b.y - c.y) - ey * (b.x - c.x) + tol * len;
        if fa < 0.0 && fb < 0.0 {
            return false;
        }
        if fa < 0.0 {
            t0 = t0.max(fa / (fa - fb));
        } else if fb < 0.0 {
            t1 = t1.min(fa / (fa - fb));
        }
        if t0 > t1 {
            return false;
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Areas inside a measurement area.

/// A simple polygon split into convex pieces (itself when convex, else ear-clipped triangles),
/// so that the area of any polygon inside it is a sum of convex clips.
pub(crate) struct ConvexPieces {
    /// Each piece counter-clockwise, with its bounding box (min, max corner).
    pieces: Vec<ConvexPiece>,
}

type ConvexPiece = (Vec<Coord<f64>>, Coord<f64>, Coord<f64>);

impl ConvexPieces {
    pub(crate) fn new(poly: &Polygon<f64>) -> Self {
        let mut ring: Vec<Coord<f64>> = poly.exterior().0.clone();
        if ring.len() > 1 && ring.first() == ring.last() {
            ring.pop();
        }
        if ring_signed_area(&ring) < 0.0 {
            ring.reverse();
        }
        let pieces: Vec<Vec<Coord<f64>>> = if is_convex_ccw(&ring) {
            vec![ring]
        } else {
            poly.earcut_triangles()
                .into_iter()
                .map(|t| {
                    let mut v = vec![t.v1(), t.v2(), t.v3()];
                    if ring_signed_area(&v) < 0.0 {
                        v.reverse();
                    }
                    v
                })
                .collect()
        };
        ConvexPieces {
            pieces: pieces
                .into_iter()
                .map(|p| {
                    let (lo, hi) = bounds(&p);
                    (p, lo, hi)
                })
                .collect(),
        }
    }

    /// `|poly ∩ self|` in m² (holes of `poly` respected).
    pub(crate) fn intersection_area(
        &self,
        poly: &Polygon<f64>,
        a: &mut Vec<Coord<f64>>,
        b: &mut Vec<Coord<f64>>,
    ) -> f64 {
        let Some(r) = poly.bounding_rect() else {
            return 0.0;
        };
        let (plo, phi) = (r.min(), r.max());
        let mut total = 0.0;
        for (piece, lo, hi) in &self.pieces {
            if phi.x < lo.x || plo.x > hi.x || phi.y < lo.y || plo.y > hi.y {
                continue;
            }
            for (k, ring) in std::iter::once(poly.exterior())
                .chain(poly.interiors())
                .enumerate()
            {
                a.clear();
                a.extend_from_slice(&ring.0);
                if a.len() > 1 && a.first() == a.last() {
                    a.pop();
                }
                clip_convex(a, b, piece);
                let s = ring_signed_area(a).abs();
                total += if k == 0 { s } else { -s };
            }
        }
        total.max(0.0)
    }
}

fn bounds(p: &[Coord<f64>]) -> (Coord<f64>, Coord<f64>) {
    let (mut lo, mut hi) = (p[0], p[0]);
    for c in p {
        lo.x = lo.x.min(c.x);
        lo.y = lo.y.min(c.y);
        hi.x = hi.x.max(c.x);
        hi.y = hi.y.max(c.y);
    }
    (lo, hi)
}

fn is_convex_ccw(ring: &[Coord<f64>]) -> bool {
    let n = ring.len();
    (0..n).all(|i| {
        let (a, b, c) = (ring[i], ring[(i + 1) % n], ring[(i + 2) % n]);
        (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x) >= 0.0
    })
}

/// Clips the ring `ring` (any simple ring) to the convex counter-clockwise polygon `clip`
/// (Sutherland–Hodgman; the result may hold zero-width bridges, which add no area).
pub(crate) fn clip_convex(
    ring: &mut Vec<Coord<f64>>,
    tmp: &mut Vec<Coord<f64>>,
    clip: &[Coord<f64>],
) {
    let n = clip.len();
    for k in 0..n {
        if ring.is_empty() {
            return;
        }
        let (c, d) = (clip[k], clip[(k + 1) % n]);
        let (ex, ey) = (d.x - c.x, d.y - c.y);
        // Keep the left side: f = -cross(e, p - c) ≤ 0.
        clip_halfplane(ring, tmp, |p| -(ex * (p.y - c.y) - ey * (p.x - c.x)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sq(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Coord<f64>> {
        vec![
            Coord { x: x0, y: y0 },
            Coord { x: x1, y: y0 },
            Coord { x: x1, y: y1 },
            Coord { x: x0, y: y1 },
        ]
    }

    #[test]
    fn cutoff_polygon_is_shapely_buffer() {
        let c = Cutoff::new(1.0, 3);
        let ring = c.corners(Coord { x: 5.0, y: 2.0 });
        assert_eq!(ring.len(), 12);
        assert_eq!(ring[0], Coord { x: 6.0, y: 2.0 });
        assert!((ring_signed_area(&ring) - 3.0).abs() < 1e-12);
        assert!(Cutoff::new(0.0, 3).validate().is_err());
        assert!(Cutoff::new(f64::NAN, 3).validate().is_err());
        assert!(Cutoff::new(1.0, 0).validate().is_err());
    }

    #[test]
    fn convex_clip_areas() {
        let mut a = sq(0.0, 0.0, 2.0, 2.0);
        let mut t = Vec::new();
        clip_convex(&mut a, &mut t, &sq(1.0, 1.0, 3.0, 3.0));
        assert!((ring_signed_area(&a) - 1.0).abs() < 1e-15);
        // A non-convex subject (U shape) clipped by a band that cuts both arms.
        let mut u = vec![
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 3.0, y: 0.0 },
            Coord { x: 3.0, y: 3.0 },
            Coord { x: 2.0, y: 3.0 },
            Coord { x: 2.0, y: 1.0 },
            Coord { x: 1.0, y: 1.0 },
            Coord { x: 1.0, y: 3.0 },
            Coord { x: 0.0, y: 3.0 },
        ];
        clip_convex(&mut u, &mut t, &sq(-1.0, 2.0, 4.0, 4.0));
        assert!((ring_signed_area(&u) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn non_convex_measurement_area() {
        let l = Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (2.0, 0.0),
                (2.0, 1.0),
                (1.0, 1.0),
                (1.0, 2.0),
                (0.0, 2.0),
            ]),
            vec![],
        );
        let pieces = ConvexPieces::new(&l);
        let cell = Polygon::new(LineString::from(sq(0.5, 0.5, 3.0, 3.0)), vec![]);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        // L ∩ [0.5,3]² = [0.5,2]×[0.5,1] ∪ [0.5,1]×[1,2] = 0.75 + 0.5.
        assert!((pieces.intersection_area(&cell, &mut a, &mut b) - 1.25).abs() < 1e-12);
    }

    #[test]
    fn point_location() {
        let p = Polygon::new(
            LineString::from(sq(0.0, 0.0, 4.0, 4.0)),
            vec![LineString::from(sq(1.0, 1.0, 2.0, 2.0))],
        );
        assert_eq!(
            polygon_location(&p, Coord { x: 0.5, y: 0.5 }),
            Location::Inside
        );
        assert_eq!(
            polygon_location(&p, Coord { x: 1.5, y: 1.5 }),
            Location::Outside
        );
        assert_eq!(
            polygon_location(&p, Coord { x: 0.0, y: 2.0 }),
            Location::Boundary
        );
        assert_eq!(
            polygon_location(&p, Coord { x: 2.0, y: 1.5 }),
            Location::Boundary
        );
        let g = WallGrid::new(&p);
        for (pt, loc) in [
            ((0.5, 0.5), Location::Inside),
            ((1.5, 1.5), Location::Outside),
            ((0.0, 2.0), Location::Boundary),
            ((4.0, 4.0), Location::Boundary),
            ((5.0, 1.0), Location::Outside),
            ((3.0, 3.9), Location::Inside),
        ] {
            assert_eq!(g.locate(Coord { x: pt.0, y: pt.1 }), loc, "{pt:?}");
        }
    }
}
