//! Trajectories against the walkable area: which points lie outside it, and PedPy's correction
//! that moves them back in.
//!
//! | function | result | PedPy 1.5.1 |
//! |---|---|---|
//! | [`invalid_points`] | rows outside the walkable area, summarised per person | `is_trajectory_valid`, `get_invalid_trajectory` |
//! | [`correct_invalid_points`] | corrected copy of the data and what moved | `correct_invalid_trajectories` |
//!
//! A point is valid when it lies *strictly inside* the walkable area (shapely's `within`): a
//! point on a wall, inside an obstacle (a hole of the polygon) or outside the outer boundary is
//! invalid. Head trajectories of real experiments often lean a few centimetres over a wall
//! (the Wuppertal 2014 bottleneck has 16 such points), and Voronoi cells cannot be built for
//! them until they are corrected.

use aman_geometry::{Segment, Vec2, WalkableArea, WallIndex};
use aman_trajectory::TrajectoryData;
use geo::{Coord, LineString, Polygon};
use rayon::prelude::*;
use serde::Serialize;

use crate::AnalysisError;

/// Where an invalid point lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum PointLocation {
    /// Outside the outer boundary of the walkable area, or on it.
    OutsideBoundary,
    /// Inside obstacle `k` (the k-th hole of [`WalkableArea::polygon`], in its stored order), or
    /// on its boundary.
    InObstacle(usize),
}

/// One row of the trajectory that lies outside the walkable area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InvalidPoint {
    /// Row of the trajectory data.
    pub row: usize,
    /// Person id.
    pub id: u64,
    /// Frame.
    pub frame: u64,
    /// Position, m.
    pub position: Position,
    /// Where it lies.
    pub location: PointLocation,
}

/// A position, m, as reported in [`InvalidPoint`] and [`MovedPoint`] (serialises as
/// `{"x": …, "y": …}`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Position {
    /// x, m.
    pub x: f64,
    /// y, m.
    pub y: f64,
}

impl From<Vec2> for Position {
    fn from(v: Vec2) -> Self {
        Position { x: v.x, y: v.y }
    }
}

/// The invalid points of one person: how many and over which frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InvalidTrack {
    /// Person id.
    pub id: u64,
    /// Number of invalid rows of this person.
    pub count: usize,
    /// First frame with an invalid row.
    pub first_frame: u64,
    /// Last frame with an invalid row.
    pub last_frame: u64,
}

/// The result of [`invalid_points`]: every row outside the walkable area, and a compact
/// summary per person.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct InvalidPoints {
    /// The invalid rows, in row order (frame, then id).
    pub points: Vec<InvalidPoint>,
    /// One entry per person with at least one invalid row, by ascending id.
    pub tracks: Vec<InvalidTrack>,
    /// Number of rows checked.
    pub rows_checked: usize,
}

impl InvalidPoints {
    /// True if every row lies strictly inside the walkable area (PedPy's
    /// `is_trajectory_valid`).
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Number of invalid rows.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// The invalid rows (PedPy's `get_invalid_trajectory` index), ascending.
    pub fn rows(&self) -> Vec<usize> {
        self.points.iter().map(|p| p.row).collect()
    }

    /// Number of invalid rows inside obstacles (holes).
    pub fn in_obstacles(&self) -> usize {
        self.points
            .iter()
            .filter(|p| matches!(p.location, PointLocation::InObstacle(_)))
            .count()
    }

    /// Number of invalid rows outside (or on) the outer boundary.
    pub fn outside_boundary(&self) -> usize {
        self.len() - self.in_obstacles()
    }
}

/// Point-in-polygon test accelerated by horizontal slabs: each slab lists the edges that
/// overlap it in y, so a query counts ray crossings over a few edges only. Exact: a point on
/// an edge is reported as not inside (shapely's `within`).
pub(crate) struct SlabPip {
    edges: Vec<(Vec2, Vec2)>,
    lo: Vec2,
    hi: Vec2,
    y0: f64,
    slab: f64,
    starts: Vec<u32>,
    ids: Vec<u32>,
}

impl SlabPip {
    /// Rings of `polygon` (outer and holes), edges of zero length dropped.
    pub(crate) fn new(polygon: &Polygon<f64>) -> SlabPip {
        let mut edges = Vec::new();
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for l in ring.lines() {
                let (a, b) = (Vec2::new(l.start.x, l.start.y), Vec2::new(l.end.x, l.end.y));
                if a != b {
                    edges.push((a, b));
                }
            }
        }
        Self::from_edges(edges)
    }

    fn from_edges(edges: Vec<(Vec2, Vec2)>) -> SlabPip {
        let mut lo = Vec2::new(f64::INFINITY, f64::INFINITY);
        let mut hi = Vec2::new(f64::NEG_INFINITY, f64::NEG_INFINITY);
        for &(a, _) in &edges {
            lo = Vec2::new(lo.x.min(a.x), lo.y.min(a.y));
            hi = Vec2::new(hi.x.max(a.x), hi.y.max(a.y));
        }
        // About two edges per slab on average, at most 4096 slabs.
        let n_slabs = (edges.len() / 2).clamp(1, 4096);
        let slab = ((hi.y - lo.y) / n_slabs as f64).max(f64::MIN_POSITIVE);
        let slab_of = |y: f64| (((y - lo.y) / slab).floor().max(0.0) as usize).min(n_slabs - 1);
        let mut counts = vec![0u32; n_slabs + 1];
        for &(a, b) in &edges {
            for s in slab_of(a.y.min(b.y))..=slab_of(a.y.max(b.y)) {
                counts[s + 1] += 1;
            }
        }
        for s in 0..n_slabs {
            counts[s + 1] += counts[s];
        }
        let mut next = counts.clone();
        let mut ids = vec![0u32; counts[n_slabs] as usize];
        for (k, &(a, b)) in edges.iter().enumerate() {
            for s in slab_of(a.y.min(b.y))..=slab_of(a.y.max(b.y)) {
                ids[next[s] as usize] = k as u32;
                next[s] += 1;
            }
        }
        SlabPip {
            edges,
            lo,
            hi,
            y0: lo.y,
            slab,
            starts: counts,
            ids,
        }
    }

    /// Whether `p` lies strictly inside (not on an edge).
    pub(crate) fn contains(&self, p: Vec2) -> bool {
        if !(p.x > self.lo.x && p.x < self.hi.x && p.y > self.lo.y && p.y < self.hi.y) {
            return false;
        }
        let n = self.starts.len() - 1;
        let s = (((p.y - self.y0) / self.slab).floor() as usize).min(n - 1);
        let mut inside = false;
        for &k in &self.ids[self.starts[s] as usize..self.starts[s + 1] as usize] {
            let (a, b) = self.edges[k as usize];
            // On the edge: not within.
            if p.y >= a.y.min(b.y)
                && p.y <= a.y.max(b.y)
                && p.x >= a.x.min(b.x)
                && p.x <= a.x.max(b.x)
                && (b - a).cross(p - a) == 0.0
            {
                return false;
            }
            if (a.y > p.y) != (b.y > p.y) {
                let x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
                if x > p.x {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

/// [`SlabPip`] behind a uniform grid of cells whose status (inside, outside, or crossed by a
/// wall) is known beforehand, so most queries are one array read.
pub(crate) struct GridPip {
    slab: SlabPip,
    lo: Vec2,
    cell: Vec2,
    nx: usize,
    ny: usize,
    /// 0 outside, 1 inside, 2 crossed by an edge (ask the slab test).
    status: Vec<u8>,
}

impl GridPip {
    pub(crate) fn new(polygon: &Polygon<f64>) -> GridPip {
        let slab = SlabPip::new(polygon);
        let (lo, hi) = (slab.lo, slab.hi);
        let (w, h) = ((hi.x - lo.x).max(1e-9), (hi.y - lo.y).max(1e-9));
        let cells = (4 * slab.edges.len()).clamp(4096, 1 << 18) as f64;
        let side = (w * h / cells).sqrt();
        let nx = ((w / side).ceil() as usize).clamp(1, 4096);
        let ny = ((h / side).ceil() as usize).clamp(1, 4096);
        let cell = Vec2::new(w / nx as f64, h / ny as f64);
        let mut status = vec![3u8; nx * ny];
        // Mark the cells each edge passes through, column by column, with a margin.
        let col = |x: f64| (((x - lo.x) / cell.x).floor().max(0.0) as usize).min(nx - 1);
        let row = |y: f64| (((y - lo.y) / cell.y).floor().max(0.0) as usize).min(ny - 1);
        const MARGIN: f64 = 1e-6;
        for &(a, b) in &slab.edges {
            let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
            for c in col(x0 - MARGIN * cell.x)..=col(x1 + MARGIN * cell.x) {
                let (cx0, cx1) = (lo.x + c as f64 * cell.x, lo.x + (c + 1) as f64 * cell.x);
                let (sx0, sx1) = (x0.max(cx0), x1.min(cx1));
                let (y0, y1) = if (b.x - a.x).abs() < 1e-300 {
                    (a.y.min(b.y), a.y.max(b.y))
                } else {
                    let at = |x: f64| a.y + (x.clamp(x0, x1) - a.x) * (b.y - a.y) / (b.x - a.x);
                    let (u, v) = (at(sx0), at(sx1));
                    (u.min(v), u.max(v))
                };
                for r in row(y0 - MARGIN * cell.y)..=row(y1 + MARGIN * cell.y) {
                    status[r * nx + c] = 2;
                }
            }
        }
        for r in 0..ny {
            for c in 0..nx {
                let s = &mut status[r * nx + c];
                if *s == 3 {
                    let centre = Vec2::new(
                        lo.x + (c as f64 + 0.5) * cell.x,
                        lo.y + (r as f64 + 0.5) * cell.y,
                    );
                    *s = u8::from(slab.contains(centre));
                }
            }
        }
        GridPip {
            slab,
            lo,
            cell,
            nx,
            ny,
            status,
        }
    }

    /// Whether `p` lies strictly inside (not on an edge).
    #[inline]
    pub(crate) fn contains(&self, p: Vec2) -> bool {
        let fx = (p.x - self.lo.x) / self.cell.x;
        let fy = (p.y - self.lo.y) / self.cell.y;
        if !(fx >= 0.0 && fy >= 0.0) {
            return false;
        }
        let (c, r) = (fx as usize, fy as usize);
        if c >= self.nx || r >= self.ny {
            return self.slab.contains(p);
        }
        match self.status[r * self.nx + c] {
            0 => false,
            1 => true,
            _ => self.slab.contains(p),
        }
    }
}

/// Whether `p` is inside the closed ring `ring` or on it (even–odd rule plus an on-edge test).
fn in_or_on_ring(ring: &LineString<f64>, p: Vec2) -> bool {
    let mut inside = false;
    for l in ring.lines() {
        let (a, b) = (Vec2::new(l.start.x, l.start.y), Vec2::new(l.end.x, l.end.y));
        if Segment::new(a, b).distance(p) == 0.0 {
            return true;
        }
        if (a.y > p.y) != (b.y > p.y) {
            let x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
            if x > p.x {
                inside = !inside;
            }
        }
    }
    inside
}

fn check_data(data: &TrajectoryData) -> Result<(), AnalysisError> {
    data.check()
        .map_err(|e| AnalysisError::InvalidTrajectory(e.to_string()))
}

/// The rows of `data` that do not lie strictly inside `walkable`, as PedPy 1.5.1's
/// `get_invalid_trajectory(traj_data, walkable_area)` (rows where `shapely.within(point,
/// walkable_area.polygon)` is false); `is_empty()` is `is_trajectory_valid`.
///
/// Each invalid row is located: in (or on) obstacle k, or outside (or on) the outer boundary.
/// [`InvalidPoints::tracks`] summarises them per person (count, first and last frame). Empty
/// data gives an empty result.
///
/// Cost: O(rows · e) with e the edges in the point's horizontal slab of the walkable area
/// (a few), run in parallel over rows; the result does not depend on the thread count.
///
/// # Errors
/// [`AnalysisError::InvalidTrajectory`] if `data` breaks its invariants (see
/// `TrajectoryData::check`).
///
/// ```
/// use aman_analysis::validation::{invalid_points, PointLocation};
/// use aman_geometry::import::walkable_area_from_wkt;
/// use aman_trajectory::TrajectoryData;
/// let room = walkable_area_from_wkt(
///     "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0), (4 1, 6 1, 6 3, 4 3, 4 1))", "room").unwrap();
/// let mut d = TrajectoryData::new(10.0);
/// d.push(1, 0, 1.0, 1.0); // inside
/// d.push(2, 0, 5.0, 2.0); // in the obstacle
/// d.push(1, 1, 11.0, 1.0); // outside
/// d.push(2, 1, 0.0, 2.0); // on the outer wall
/// let bad = invalid_points(&d, &room).unwrap();
/// assert_eq!(bad.rows(), vec![1, 2, 3]);
/// assert_eq!(bad.points[0].location, PointLocation::InObstacle(0));
/// assert_eq!((bad.in_obstacles(), bad.outside_boundary()), (1, 2));
/// assert_eq!((bad.tracks[0].id, bad.tracks[0].count, bad.tracks[0].last_frame), (1, 1, 1));
/// ```
pub fn invalid_points(
    data: &TrajectoryData,
    walkable: &WalkableArea,
) -> Result<InvalidPoints, AnalysisError> {
    check_data(data)?;
    let pip = GridPip::new(walkable.polygon());
    let rows = invalid_rows(data, &pip);
    Ok(summarise(data, walkable, rows))
}

/// Rows not strictly inside, ascending; parallel over fixed-size chunks.
fn invalid_rows(data: &TrajectoryData, pip: &GridPip) -> Vec<usize> {
    const CHUNK: usize = 1 << 14;
    let n = data.len();
    (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .flat_map_iter(|c| {
            let range = c * CHUNK..((c + 1) * CHUNK).min(n);
            range.filter(|&r| !pip.contains(Vec2::new(data.x[r], data.y[r])))
        })
        .collect()
}

fn summarise(data: &TrajectoryData, walkable: &WalkableArea, rows: Vec<usize>) -> InvalidPoints {
    let holes = walkable.polygon().interiors();
    let points: Vec<InvalidPoint> = rows
        .iter()
        .map(|&row| {
            let p = Vec2::new(data.x[row], data.y[row]);
            let location = holes
                .iter()
                .position(|h| in_or_on_ring(h, p))
                .map_or(PointLocation::OutsideBoundary, PointLocation::InObstacle);
            InvalidPoint {
                row,
                id: data.id[row],
                frame: data.frame[row],
                position: p.into(),
                location,
            }
        })
        .collect();
    let mut by_id: Vec<(u64, u64)> = points.iter().map(|p| (p.id, p.frame)).collect();
    by_id.sort_unstable();
    let mut tracks: Vec<InvalidTrack> = Vec::new();
    for (id, frame) in by_id {
        match tracks.last_mut() {
            Some(t) if t.id == id => {
                t.count += 1;
                t.last_frame = frame;
            }
            _ => tracks.push(InvalidTrack {
                id,
                count: 1,
                first_frame: frame,
                last_frame: frame,
            }),
        }
    }
    InvalidPoints {
        points,
        tracks,
        rows_checked: data.len(),
    }
}

/// The distances of [`correct_invalid_points`], metres: PedPy 1.5.1's parameters of
/// `correct_invalid_trajectories`, with its defaults ([`Default`]).
///
/// For a point at signed distance d from a wall (d < 0 behind the wall, i.e. inside an obstacle
/// or outside the outer boundary), PedPy moves points with `back < d ≤ max` to the new distance
/// d' = (d − back) · (max − min) / (max − back) + min, so that a point at the back distance
/// lands at `min` and a point at `max` stays at `max`. Before that, points close to an
/// obstacle's corner with `back ≤ d ≤ min` are spread to d' = (max − back) / (min − back) ·
/// (d − back) + back ("adjusting around corners").
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CorrectionDistances {
    /// How far behind the outer walls points are still corrected, m; must be < 0. Default −1.
    pub back_distance_wall: f64,
    /// Distance from the outer walls that the deepest corrected point is moved to, m; must be
    /// > 0. Default 0.01.
    pub min_distance_wall: f64,
    /// Points closer than this to an outer wall are moved too, m; must be ≥ `min`. Default
    /// 0.05.
    pub max_distance_wall: f64,
    /// As `back_distance_wall`, for obstacles (holes). Default −1.
    pub back_distance_obst: f64,
    /// As `min_distance_wall`, for obstacles. Default 0.01.
    pub min_distance_obst: f64,
    /// As `max_distance_wall`, for obstacles. Default 0.05.
    pub max_distance_obst: f64,
}

impl Default for CorrectionDistances {
    fn default() -> Self {
        CorrectionDistances {
            back_distance_wall: -1.0,
            min_distance_wall: 0.01,
            max_distance_wall: 0.05,
            back_distance_obst: -1.0,
            min_distance_obst: 0.01,
            max_distance_obst: 0.05,
        }
    }
}

impl CorrectionDistances {
    fn check(&self) -> Result<(), AnalysisError> {
        let bad =
            |name, value, rule| Err(AnalysisError::InvalidCorrectionDistance { name, value, rule });
        const BACK: &str = "it must be a finite negative distance (behind the wall), e.g. -1";
        const MIN: &str = "it must be finite and > 0, e.g. 0.01";
        const MAX: &str = "it must be finite and at least the matching min distance, e.g. 0.05";
        for (name, back, min, max) in [
            (
                [
                    "back_distance_wall",
                    "min_distance_wall",
                    "max_distance_wall",
                ],
                self.back_distance_wall,
                self.min_distance_wall,
                self.max_distance_wall,
            ),
            (
                [
                    "back_distance_obst",
                    "min_distance_obst",
                    "max_distance_obst",
                ],
                self.back_distance_obst,
                self.min_distance_obst,
                self.max_distance_obst,
            ),
        ] {
            if !(back < 0.0 && back.is_finite()) {
                return bad(name[0], back, BACK);
            }
            if !(min > 0.0 && min.is_finite()) {
                return bad(name[1], min, MIN);
            }
            if !(max >= min && max.is_finite()) {
                return bad(name[2], max, MAX);
            }
        }
        Ok(())
    }
}

/// One point moved by [`correct_invalid_points`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MovedPoint {
    /// Row of the trajectory data.
    pub row: usize,
    /// Person id.
    pub id: u64,
    /// Frame.
    pub frame: u64,
    /// Position before, m.
    pub from: Position,
    /// Position after, m.
    pub to: Position,
}

/// What [`correct_invalid_points`] did.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Corrections {
    /// The invalid points of the input (empty: the data was returned unchanged).
    pub invalid_before: InvalidPoints,
    /// Rows considered for moving: invalid, or within the larger max distance of a wall.
    pub candidate_rows: usize,
    /// Every point whose position changed, in row order.
    pub moved: Vec<MovedPoint>,
    /// PedPy's returned id list: persons with at least two candidate rows, ascending.
    pub pedpy_ids: Vec<u64>,
    /// Rows still outside the walkable area after the correction (PedPy warns "Trajectory is
    /// still not valid" then; try smaller distances or a thicker geometry).
    pub still_invalid: InvalidPoints,
}

/// Moves the points of `data` that lie outside `walkable` back into it, exactly as PedPy
/// 1.5.1's `correct_invalid_trajectories(trajectory_data, walkable_area, back_distance_wall,
/// min_distance_wall, max_distance_wall, back_distance_obst, min_distance_obst,
/// max_distance_obst)` does (the parameters are [`CorrectionDistances`], with PedPy's
/// defaults −1, 0.01, 0.05 m for walls and obstacles alike).
///
/// If every point is valid, the data is returned unchanged. Otherwise every row that is
/// invalid or within max(max_distance_wall, max_distance_obst) of a wall is a candidate, and
/// each candidate is moved independently by PedPy's sequence of steps, on the walkable polygon
/// in GEOS normal form (outer ring clockwise, holes counter-clockwise, each ring starting at
/// its lowest x then y, holes sorted by descending first coordinate — `shapely.normalize`):
///
/// 1. for each obstacle, for each of its edges whose outside faces the coordinate origin:
///    points with back ≤ d ≤ min and near the edge (|p1p2|² + 4·max > |p1 x|² + |x p2|²) are
///    spread away from corners; then, for the same edges, points with back < d ≤ max and
///    strictly beside the edge (|p1p2|² > |p1 x|² + |x p2|², the Thales circle over the
///    edge) are moved to d' (see [`CorrectionDistances`]);
/// 2. for each edge of the outer ring, the same move with the wall distances;
/// 3. a fail-safe pass: points still strictly inside an obstacle are moved from each of its
///    edges whose L1 "triangle" contains them; then every point with back < d ≤ max_wall of an
///    outer edge is moved once more.
///
/// A move goes along the perpendicular from the point's closest point on the edge, shifted
/// 0.01 m along the edge when that closest point is within 0.05 m of a corner. Only points
/// are moved; rows, ids and frames stay.
///
/// Differences from PedPy, all below 0.1 mm: PedPy selects candidates with a polygon buffered
/// by shapely (arcs approximated by 16 segments per quarter circle), aman with exact distances;
/// and an edge of zero length is skipped (PedPy would produce NaN on it).
///
/// Beware, as in PedPy: whether an obstacle edge is used in step 1 depends on where the
/// origin (0, 0) lies, so the correction is best suited to geometries centred on their
/// bottleneck, as the experiments PedPy was written for.
///
/// # Errors
/// [`AnalysisError::InvalidCorrectionDistance`] for a back distance ≥ 0, a min distance ≤ 0,
/// a max distance below its min distance, or a value that is not finite;
/// [`AnalysisError::InvalidTrajectory`] if `data` breaks its invariants.
///
/// ```
/// use aman_analysis::validation::{correct_invalid_points, invalid_points, CorrectionDistances};
/// use aman_geometry::import::walkable_area_from_wkt;
/// use aman_trajectory::TrajectoryData;
/// // A 2 m wide corridor around the origin; one head leans 2 cm over the wall y = 1.
/// let corridor = walkable_area_from_wkt("POLYGON ((-5 -1, 5 -1, 5 1, -5 1, -5 -1))", "c").unwrap();
/// let mut d = TrajectoryData::new(25.0);
/// d.push(1, 0, 0.0, 0.5);
/// d.push(1, 1, 0.0, 1.02);
/// let (fixed, what) = correct_invalid_points(&d, &corridor, &CorrectionDistances::default()).unwrap();
/// assert!(invalid_points(&fixed, &corridor).unwrap().is_empty());
/// // d = −0.02 m → d' = (−0.02 + 1) · 0.04 / 1.05 + 0.01 ≈ 0.0473 m inside the wall; being
/// // still within 0.05 m of it, the fail-safe pass moves it again, to ≈ 0.0499 m (as PedPy).
/// let d1 = 0.98 * 0.04 / 1.05 + 0.01;
/// let d2 = (d1 + 1.0) * 0.04 / 1.05 + 0.01;
/// assert!((fixed.y[1] - (1.0 - d2)).abs() < 1e-12); // PedPy: 0.95010159
/// assert_eq!((what.moved.len(), what.moved[0].row), (1, 1));
/// assert!(what.pedpy_ids.is_empty()); // PedPy lists persons with ≥ 2 candidate rows
/// ```
pub fn correct_invalid_points(
    data: &TrajectoryData,
    walkable: &WalkableArea,
    distances: &CorrectionDistances,
) -> Result<(TrajectoryData, Corrections), AnalysisError> {
    check_data(data)?;
    distances.check()?;
    let pip = GridPip::new(walkable.polygon());
    let invalid_before = summarise(data, walkable, invalid_rows(data, &pip));
    if invalid_before.is_empty() {
        return Ok((
            data.clone(),
            Corrections {
                invalid_before,
                ..Default::default()
            },
        ));
    }

    // Candidates: not strictly inside, or within max_all of a wall.
    let max_all = distances.max_distance_wall.max(distances.max_distance_obst);
    let (lo, hi) = walkable.bounds();
    let candidates: Vec<usize> = if max_all >= (hi - lo).norm() {
        // Every point is within max_all of a wall.
        (0..data.len()).collect()
    } else {
        let walls = WallIndex::new(walkable.segments(), (4.0 * max_all).max(0.25), max_all);
        (0..data.len())
            .into_par_iter()
            .filter(|&r| {
                let p = Vec2::new(data.x[r], data.y[r]);
                let near = walls
                    .near(p)
                    .iter()
                    .any(|&k| walls.segment(k).distance(p) <= max_all);
                near || !pip.contains(p)
            })
            .collect()
    };

    let geometry = Normalised::new(walkable.polygon());
    let corrected: Vec<Vec2> = candidates
        .par_iter()
        .map(|&r| geometry.correct(Vec2::new(data.x[r], data.y[r]), distances))
        .collect();

    let mut out = data.clone();
    let mut moved = Vec::new();
    for (&row, &to) in candidates.iter().zip(&corrected) {
        let from = Vec2::new(data.x[row], data.y[row]);
        if to != from {
            out.x[row] = to.x;
            out.y[row] = to.y;
            moved.push(MovedPoint {
                row,
                id: data.id[row],
                frame: data.frame[row],
                from: from.into(),
                to: to.into(),
            });
        }
    }
    let mut ids: Vec<u64> = candidates.iter().map(|&r| data.id[r]).collect();
    ids.sort_unstable();
    let mut pedpy_ids: Vec<u64> = ids
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    pedpy_ids.dedup();
    let still_invalid = summarise(&out, walkable, invalid_rows(&out, &pip));
    Ok((
        out,
        Corrections {
            invalid_before,
            candidate_rows: candidates.len(),
            moved,
            pedpy_ids,
            still_invalid,
        },
    ))
}

/// The walkable polygon in GEOS normal form, as rings of points (closing point not repeated).
struct Normalised {
    exterior: Vec<Vec2>,
    holes: Vec<Vec<Vec2>>,
}

/// Lexicographic (x, then y) order of GEOS's `Coordinate::compareTo`.
fn cmp_xy(a: Vec2, b: Vec2) -> std::cmp::Ordering {
    a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y))
}

/// Twice the signed area (> 0 counter-clockwise).
fn signed_area2(ring: &[Vec2]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i] - ring[0], ring[(i + 1) % n] - ring[0]);
            a.cross(b)
        })
        .sum()
}

/// GEOS `Polygon::normalize(ring, clockwise)`: start at the smallest coordinate, then reverse
/// if the orientation is not the wanted one.
fn normalise_ring(ring: &LineString<f64>, clockwise: bool) -> Vec<Vec2> {
    let mut pts: Vec<Vec2> = ring
        .coords()
        .map(|c: &Coord<f64>| Vec2::new(c.x, c.y))
        .collect();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    if pts.is_empty() {
        return pts;
    }
    let first_min = (0..pts.len())
        .min_by(|&i, &j| cmp_xy(pts[i], pts[j]).then(i.cmp(&j)))
        .unwrap_or(0);
    pts.rotate_left(first_min);
    let ccw = signed_area2(&pts) > 0.0;
    if ccw == clockwise {
        // Reverse, keeping the first point first.
        pts[1..].reverse();
    }
    pts
}

impl Normalised {
    fn new(polygon: &Polygon<f64>) -> Normalised {
        let exterior = normalise_ring(polygon.exterior(), true);
        let mut holes: Vec<Vec<Vec2>> = polygon
            .interiors()
            .iter()
            .map(|h| normalise_ring(h, false))
            .collect();
        // GEOS sorts holes by descending LineString::compareTo: coordinates pairwise, then
        // length (a closed ring includes its closing point).
        holes.sort_by(|a, b| {
            let closed = |r: &Vec<Vec2>| {
                r.iter()
                    .copied()
                    .chain(r.first().copied())
                    .collect::<Vec<_>>()
            };
            let (ca, cb) = (closed(a), closed(b));
            let ord = ca
                .iter()
                .zip(&cb)
                .map(|(&p, &q)| cmp_xy(p, q))
                .find(|o| o.is_ne())
                .unwrap_or(ca.len().cmp(&cb.len()));
            ord.reverse()
        });
        Normalised { exterior, holes }
    }

    /// PedPy's correction of one candidate point (see [`correct_invalid_points`]).
    fn correct(&self, mut p: Vec2, c: &CorrectionDistances) -> Vec2 {
        let edges = |ring: &[Vec2]| -> Vec<(Vec2, Vec2)> {
            (0..ring.len())
                .map(|i| (ring[i], ring[(i + 1) % ring.len()]))
                .filter(|(a, b)| a != b)
                .collect()
        };
        // Step 1: obstacles.
        for hole in &self.holes {
            let facing: Vec<(Vec2, Vec2)> = edges(hole)
                .into_iter()
                .filter(|&(a, b)| faces_origin(a, b))
                .collect();
            // Adjusting around corners.
            for &(a, b) in &facing {
                let d = obstacle_distance(p, hole, a, b);
                let (back, min, max) = (
                    c.back_distance_obst,
                    c.min_distance_obst,
                    c.max_distance_obst,
                );
                if d >= back && d <= min && close_to_edge(p, a, b, 4.0 * max) {
                    let nd = ((max - back) / (min - back)) * (d - back) + back;
                    p = move_from_wall(p, a, b, nd, d);
                }
            }
            // Pushing out of the obstacle.
            for &(a, b) in &facing {
                let d = obstacle_distance(p, hole, a, b);
                p = obstacle_move(p, a, b, d, c, false);
            }
        }
        // Step 2: outer walls.
        for (a, b) in edges(&self.exterior) {
            let d = wall_distance(p, &self.exterior, a, b);
            p = wall_move(p, a, b, d, c, false);
        }
        // Step 3: fail-safe.
        for hole in &self.holes {
            if inside_ring(p, hole) {
                for (a, b) in edges(hole) {
                    let d = obstacle_distance(p, hole, a, b);
                    p = obstacle_move(p, a, b, d, c, true);
                }
            }
        }
        for (a, b) in edges(&self.exterior) {
            let d = wall_distance(p, &self.exterior, a, b);
            p = wall_move(p, a, b, d, c, true);
        }
        p
    }
}

/// `_calculate_movement_obstacle` for one point.
fn obstacle_move(
    p: Vec2,
    a: Vec2,
    b: Vec2,
    d: f64,
    c: &CorrectionDistances,
    failsafe: bool,
) -> Vec2 {
    let (back, min, max) = (
        c.back_distance_obst,
        c.min_distance_obst,
        c.max_distance_obst,
    );
    let near = if failsafe {
        in_l1_triangle(p, a, b)
    } else {
        close_to_edge(p, a, b, 0.0)
    };
    if d > back && d <= max && near {
        let nd = (d - back) * ((max - min) / (max - back)) + min;
        move_from_wall(p, a, b, nd, d)
    } else {
        p
    }
}

/// `_calculate_movement_wall` for one point.
fn wall_move(p: Vec2, a: Vec2, b: Vec2, d: f64, c: &CorrectionDistances, failsafe: bool) -> Vec2 {
    let (back, min, max) = (
        c.back_distance_wall,
        c.min_distance_wall,
        c.max_distance_wall,
    );
    if d > back && d <= max && (failsafe || close_to_edge(p, a, b, 0.0)) {
        let nd = (d - back) * ((max - min) / (max - back)) + min;
        move_from_wall(p, a, b, nd, d)
    } else {
        p
    }
}

/// Distance to the edge, negative when strictly inside the obstacle ring.
fn obstacle_distance(p: Vec2, ring: &[Vec2], a: Vec2, b: Vec2) -> f64 {
    let d = Segment::new(a, b).distance(p);
    if inside_ring(p, ring) { -d } else { d }
}

/// Distance to the edge, negative when not strictly inside the outer ring.
fn wall_distance(p: Vec2, ring: &[Vec2], a: Vec2, b: Vec2) -> f64 {
    let d = Segment::new(a, b).distance(p);
    if inside_ring(p, ring) { d } else { -d }
}

/// Strictly inside a ring (on an edge is not inside), even–odd rule.
fn inside_ring(p: Vec2, ring: &[Vec2]) -> bool {
    let n = ring.len();
    let mut inside = false;
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        if Segment::new(a, b).distance(p) == 0.0 {
            return false;
        }
        if (a.y > p.y) != (b.y > p.y) {
            let x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
            if x > p.x {
                inside = !inside;
            }
        }
    }
    inside
}

/// PedPy's `_close_from_wall`: |p1p2|² + bias > |p1 x|² + |x p2|².
fn close_to_edge(x: Vec2, p1: Vec2, p2: Vec2, bias: f64) -> bool {
    let a = (p1.x - p2.x).powi(2) + (p1.y - p2.y).powi(2);
    let b = (p1.x - x.x).powi(2) + (p1.y - x.y).powi(2);
    let c = (x.x - p2.x).powi(2) + (x.y - p2.y).powi(2);
    a + bias > b + c
}

/// PedPy's `_close_from_wall_triangle`: within the L1 length of the edge from both ends.
fn in_l1_triangle(x: Vec2, p1: Vec2, p2: Vec2) -> bool {
    let a = (p2.x - p1.x).abs() + (p2.y - p1.y).abs();
    a >= (x.x - p1.x).abs() + (x.y - p1.y).abs() && a >= (x.x - p2.x).abs() + (x.y - p2.y).abs()
}

/// PedPy's `_wall_facing_zero_point(line, obstacle)`: the origin lies on the right of
/// p1 → p2 or on its line (h ≥ 0), computed with PedPy's formula.
fn faces_origin(p1: Vec2, p2: Vec2) -> bool {
    let det = (p2.x - p1.x) * (0.0 - p1.y) - (p2.y - p1.y) * (0.0 - p1.x);
    let sin_p = -det;
    let a = (p2.x - p1.x).powi(2) + (p2.y - p1.y).powi(2);
    let b = p1.x.powi(2) + p1.y.powi(2);
    let c = p2.x.powi(2) + p2.y.powi(2);
    if a == 0.0 {
        return true;
    }
    let x_sq = (a + b - c).powi(2) / (4.0 * a);
    let sign = if sin_p > 0.0 {
        1.0
    } else if sin_p < 0.0 {
        -1.0
    } else {
        0.0
    };
    sign * (b - x_sq).abs().sqrt() >= 0.0
}

/// PedPy's `_move_from_wall`: put `p` at `new_distance` from the edge, on the side given by
/// the sign of `distance`, along the perpendicular through its closest point on the edge
/// (moved 0.01 m along the edge when within 0.05 m of a corner).
fn move_from_wall(p: Vec2, p1: Vec2, p2: Vec2, new_distance: f64, distance: f64) -> Vec2 {
    const CRITICAL: f64 = 0.05;
    const SHIFT: f64 = 0.01;
    let mut base = Segment::new(p1, p2).closest_point(p);
    if p1.distance(base) < CRITICAL {
        let r = p2 - base;
        let n = r.norm();
        if n > 0.0 {
            base += r * (SHIFT / n);
        }
    }
    if p2.distance(base) < CRITICAL {
        let r = p1 - base;
        let n = r.norm();
        if n > 0.0 {
            base += r * (SHIFT / n);
        }
    }
    let mut v = base - p;
    let mut norm = v.norm();
    if norm < 1e-5 {
        let dir = p1 - p2;
        v = Vec2::new(-dir.y, dir.x);
        norm = v.norm();
    }
    let v = v * (new_distance / norm);
    // −sign(distance), and 1 for a point on the wall.
    let sign = if distance > 0.0 { -1.0 } else { 1.0 };
    base + v * sign
}

#[cfg(test)]
mod tests {
    use super::*;
    use aman_geometry::import::walkable_area_from_wkt;

    #[test]
    fn slab_test_matches_geo_on_a_venue_like_polygon() {
        let area = walkable_area_from_wkt(
            "POLYGON ((0 0, 10 0, 10 4, 6 4, 6 8, 0 8, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1), \
             (3 5, 4 5, 3.5 6, 3 5))",
            "t",
        )
        .unwrap();
        let pip = SlabPip::new(area.polygon());
        let grid = GridPip::new(area.polygon());
        let mut k = 0u64;
        for i in -5..=110 {
            for j in -5..=90 {
                let p = Vec2::new(i as f64 * 0.1 + 0.003, j as f64 * 0.1 - 0.002);
                assert_eq!(pip.contains(p), area.contains(p), "{p:?}");
                assert_eq!(grid.contains(p), area.contains(p), "{p:?}");
                k += 1;
            }
        }
        assert!(k > 10_000);
        // On walls and corners: not inside.
        for p in [
            Vec2::new(0.0, 3.0),
            Vec2::new(1.5, 1.0),
            Vec2::new(2.0, 2.0),
            Vec2::new(3.25, 5.5),
            Vec2::new(8.0, 4.0),
        ] {
            assert!(!pip.contains(p), "{p:?}");
            assert!(!grid.contains(p), "{p:?}");
        }
    }

    #[test]
    fn geos_normal_form() {
        // The Wuppertal polygon as stored in the HDF5 file and as shapely.normalize gives it.
        let area = walkable_area_from_wkt(
            "POLYGON ((-4 -4, -4 6, 4 6, 4 -4, -4 -4), (0.41 -0.26, 2.39 -0.26, 2.39 0.31, \
             0.4 0.295, 0.41 -0.26), (-2.39 -0.26, -0.4 -0.26, -0.4 0.295, -2.39 0.31, \
             -2.39 -0.26))",
            "w",
        )
        .unwrap();
        let n = Normalised::new(area.polygon());
        let v = |x, y| Vec2::new(x, y);
        assert_eq!(
            n.exterior,
            vec![v(-4.0, -4.0), v(-4.0, 6.0), v(4.0, 6.0), v(4.0, -4.0)]
        );
        assert_eq!(
            n.holes[0],
            vec![v(0.4, 0.295), v(0.41, -0.26), v(2.39, -0.26), v(2.39, 0.31)]
        );
        assert_eq!(
            n.holes[1],
            vec![
                v(-2.39, -0.26),
                v(-0.4, -0.26),
                v(-0.4, 0.295),
                v(-2.39, 0.31)
            ]
        );
        // A counter-clockwise outer ring is reversed, keeping its smallest corner first.
        let ccw = walkable_area_from_wkt("POLYGON ((1 1, 0 1, 0 0, 1 0, 1 1))", "c").unwrap();
        let n = Normalised::new(ccw.polygon());
        assert_eq!(
            n.exterior,
            vec![v(0.0, 0.0), v(0.0, 1.0), v(1.0, 1.0), v(1.0, 0.0)]
        );
    }

    #[test]
    fn facing_the_origin() {
        // Counter-clockwise hole right of the origin: its left edge (going down) faces it.
        assert!(faces_origin(Vec2::new(1.0, 1.0), Vec2::new(1.0, -1.0)));
        assert!(!faces_origin(Vec2::new(2.0, -1.0), Vec2::new(2.0, 1.0)));
        assert!(faces_origin(Vec2::new(1.0, 0.0), Vec2::new(1.0, 0.0)));
    }
}
