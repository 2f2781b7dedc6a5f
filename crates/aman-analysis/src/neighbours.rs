//! Voronoi neighbours: the persons whose Voronoi cells touch, and how far apart they stand
//! (PedPy 1.5.1 `compute_neighbors(…, as_list=False)` and `compute_neighbor_distance`).
//!
//! Two persons are neighbours in a frame when their cells (as clipped by
//! [`individual_voronoi_cells`](crate::voronoi::individual_voronoi_cells): walkable area, cut-off)
//! come within 1e-9 m of each other, PedPy's threshold (`shapely.dwithin(a, b, 1e-9)`). Cells
//! that meet at a single corner count. Walls and cut-offs can separate persons whose
//! unclipped cells would touch: those are not neighbours.
//!
//! The result is stored compressed-sparse-row, row-aligned with the trajectory: the neighbours
//! of row `r` are the rows `neighbour_rows[offsets[r]..offsets[r + 1]]` (same frame, sorted by
//! id), and `distances[…]` holds the distance between the two positions in metres. The
//! relation is symmetric, so each pair appears twice, as in PedPy.
//!
//! ```
//! use aman_analysis::index::TrajectoryIndex;
//! use aman_analysis::neighbours::neighbours;
//! use aman_analysis::voronoi::individual_voronoi_cells;
//! use aman_geometry::import;
//! use aman_trajectory::TrajectoryData;
//!
//! let walkable = import::walkable_area_from_wkt("POLYGON ((0 0, 9 0, 9 2, 0 2, 0 0))", "doc")
//!     .unwrap();
//! let mut data = TrajectoryData::new(16.0);
//! for (id, x) in [(1, 1.0), (2, 4.0), (3, 8.0)] {
//!     data.push(id, 0, x, 1.0);
//! }
//! let index = TrajectoryIndex::new(&data).unwrap();
//! let cells = individual_voronoi_cells(&index, &walkable, None, true).unwrap();
//! let n = neighbours(&index, &cells).unwrap();
//! assert_eq!(n.of(1), &[0, 2]); // the middle person touches both others
//! assert_eq!(n.distances_of(1), &[3.0, 4.0]);
//! assert_eq!(n.of(0), &[1]);
//! ```

use geo::{BoundingRect, Coord, Polygon};
use rayon::prelude::*;

use crate::AnalysisError;
use crate::index::TrajectoryIndex;
use crate::voronoi::{Location, VoronoiCells, polygon_location};

/// Cells closer than this (metres) touch: PedPy's `dwithin` threshold.
pub const TOUCH_DISTANCE: f64 = 1e-9;

/// Who neighbours whom in each frame, row-aligned, compressed-sparse-row (see the
/// [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Neighbours {
    /// `offsets[r]..offsets[r + 1]` indexes the neighbours of row `r`; length rows + 1.
    pub offsets: Vec<usize>,
    /// Row of each neighbour (same frame as the row it belongs to), sorted by id per row.
    pub neighbour_rows: Vec<u32>,
    /// Distance between the two persons' positions, metres, aligned with `neighbour_rows`.
    pub distances: Vec<f64>,
}

impl Neighbours {
    /// Number of trajectory rows covered.
    pub fn rows(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Number of (person, neighbour) entries over all rows: PedPy's row count of
    /// `compute_neighbors(…, as_list=False)`.
    pub fn len(&self) -> usize {
        self.neighbour_rows.len()
    }

    /// True if nobody has a neighbour.
    pub fn is_empty(&self) -> bool {
        self.neighbour_rows.is_empty()
    }

    /// Rows of the neighbours of `row`. Panics if `row >= rows()`.
    pub fn of(&self, row: usize) -> &[u32] {
        &self.neighbour_rows[self.offsets[row]..self.offsets[row + 1]]
    }

    /// Distances (m) to the neighbours of `row`, aligned with [`Neighbours::of`].
    pub fn distances_of(&self, row: usize) -> &[f64] {
        &self.distances[self.offsets[row]..self.offsets[row + 1]]
    }

    /// Number of neighbours of `row`.
    pub fn count(&self, row: usize) -> usize {
        self.offsets[row + 1] - self.offsets[row]
    }
}

/// The neighbours of every person in every frame and the distances to them (PedPy 1.5.1
/// `compute_neighbors(individual_voronoi_data, as_list=False)` followed by
/// `compute_neighbor_distance(traj_data, neighborhood)`).
///
/// `cells` must come from [`individual_voronoi_cells`](crate::voronoi::individual_voronoi_cells)
/// on the same data: each cell is assumed to lie on its person's side of the bisector with
/// every other person (true of Voronoi cells and of anything clipped from them), so two cells
/// can meet only along that bisector and only the boundary segments near it are compared.
/// Candidate pairs come from a sweep over the cells' bounding boxes. Rows without a cell have
/// no neighbours. Empty data gives an empty result.
///
/// # Errors
/// [`AnalysisError::LengthMismatch`] when `cells` was computed from other data.
pub fn neighbours(
    index: &TrajectoryIndex<'_>,
    cells: &VoronoiCells,
) -> Result<Neighbours, AnalysisError> {
    let data = index.data();
    if cells.len() != data.len() {
        return Err(AnalysisError::LengthMismatch {
            what: "Voronoi cells",
            len: cells.len(),
            rows: data.len(),
        });
    }
    let per_frame: Vec<FrameNeighbours> = (0..index.frames().len())
        .into_par_iter()
        .map(|k| frame_neighbours(index, cells, k))
        .collect();
    let mut out = Neighbours {
        offsets: Vec::with_capacity(data.len() + 1),
        neighbour_rows: Vec::new(),
        distances: Vec::new(),
    };
    out.offsets.push(0);
    for (counts, entries) in per_frame {
        for c in counts {
            let last = *out.offsets.last().expect("starts with 0");
            out.offsets.push(last + c as usize);
        }
        for (r, d) in entries {
            out.neighbour_rows.push(r);
            out.distances.push(d);
        }
    }
    Ok(out)
}

/// Neighbour counts per row of one frame, and the (neighbour row, distance) entries sorted by
/// row, then neighbour.
type FrameNeighbours = (Vec<u32>, Vec<(u32, f64)>);

/// The neighbours in frame `k`.
fn frame_neighbours(
    index: &TrajectoryIndex<'_>,
    cells: &VoronoiCells,
    k: usize,
) -> FrameNeighbours {
    let data = index.data();
    let rows = index.frame_rows(k);
    let tol = TOUCH_DISTANCE;
    // Rows with a cell, sorted by the left edge of the cell's bounding box.
    let mut boxes: Vec<(usize, Coord<f64>, Coord<f64>)> = rows
        .clone()
        .filter_map(|r| {
            let b = cells.get(r)?.bounding_rect()?;
            Some((r, b.min(), b.max()))
        })
        .collect();
    boxes.sort_by(|a, b| a.1.x.total_cmp(&b.1.x).then(a.0.cmp(&b.0)));
    let mut pairs: Vec<(u32, u32, f64)> = Vec::new();
    let mut near: Vec<[Coord<f64>; 2]> = Vec::new();
    for (i, &(ri, lo_i, hi_i)) in boxes.iter().enumerate() {
        for &(rj, lo_j, hi_j) in &boxes[i + 1..] {
            if lo_j.x > hi_i.x + tol {
                break;
            }
            if lo_j.y > hi_i.y + tol || hi_j.y < lo_i.y - tol {
                continue;
            }
            let (pi, pj) = (
                Coord {
                    x: data.x[ri],
                    y: data.y[ri],
                },
                Coord {
                    x: data.x[rj],
                    y: data.y[rj],
                },
            );
            let (a, b) = (cells.get(ri).expect("boxed"), cells.get(rj).expect("boxed"));
            if touch_on_bisector(a, b, pi, pj, tol, &mut near) {
                let d = ((pi.x - pj.x).powi(2) + (pi.y - pj.y).powi(2)).sqrt();
                pairs.push((ri as u32, rj as u32, d));
            }
        }
    }
    // Both directions of each pair, grouped by row (counting sort), each row sorted.
    let mut counts = vec![0u32; rows.len()];
    for p in &pairs {
        counts[p.0 as usize - rows.start] += 1;
        counts[p.1 as usize - rows.start] += 1;
    }
    let mut next: Vec<usize> = Vec::with_capacity(rows.len());
    let mut acc = 0usize;
    for &c in &counts {
        next.push(acc);
        acc += c as usize;
    }
    let mut entries = vec![(0u32, 0.0f64); acc];
    for &(a, b, d) in &pairs {
        for (from, to) in [(a, b), (b, a)] {
            let slot = &mut next[from as usize - rows.start];
            entries[*slot] = (to, d);
            *slot += 1;
        }
    }
    let mut start = 0usize;
    for &c in &counts {
        let end = start + c as usize;
        entries[start..end].sort_unstable_by_key(|e| e.0);
        start = end;
    }
    (counts, entries)
}

/// Do cells `a` (person at `pa`) and `b` (person at `pb`) come within `tol`?
///
/// A Voronoi cell lies on its own side of the bisector with any other person, so two cells can
/// only meet near that bisector: the closest points lie on boundary segments that reach
/// within `tol` of it (a linear function along a segment peaks at an end), and only those
/// segments are compared. `near` is a reused buffer.
fn touch_on_bisector(
    a: &Polygon<f64>,
    b: &Polygon<f64>,
    pa: Coord<f64>,
    pb: Coord<f64>,
    tol: f64,
    near: &mut Vec<[Coord<f64>; 2]>,
) -> bool {
    let (dx, dy) = (pb.x - pa.x, pb.y - pa.y);
    let len = (dx * dx + dy * dy).sqrt();
    if len == 0.0 {
        return polygons_within(a, b, tol);
    }
    let (ux, uy) = (dx / len, dy / len);
    let (mx, my) = (0.5 * (pa.x + pb.x), 0.5 * (pa.y + pb.y));
    // Signed distance to the bisector, positive towards `pb`.
    let s = |v: Coord<f64>| (v.x - mx) * ux + (v.y - my) * uy;
    near.clear();
    for r in std::iter::once(a.exterior()).chain(a.interiors()) {
        for w in r.0.windows(2) {
            if s(w[0]) >= -tol || s(w[1]) >= -tol {
                near.push([w[0], w[1]]);
            }
        }
    }
    if near.is_empty() {
        return false;
    }
    let tol2 = tol * tol;
    for r in std::iter::once(b.exterior()).chain(b.interiors()) {
        for w in r.0.windows(2) {
            if s(w[0]) > tol && s(w[1]) > tol {
                continue;
            }
            if near
                .iter()
                .any(|&[p, q]| segments_within(p, q, w[0], w[1], tol2))
            {
                return true;
            }
        }
    }
    false
}

/// True if the closed polygons `a` and `b` come within `tol` of each other.
pub(crate) fn polygons_within(a: &Polygon<f64>, b: &Polygon<f64>, tol: f64) -> bool {
    let tol2 = tol * tol;
    for ra in std::iter::once(a.exterior()).chain(a.interiors()) {
        for s in ra.0.windows(2) {
            let (s0, s1) = (s[0], s[1]);
            let (lox, hix) = (s0.x.min(s1.x) - tol, s0.x.max(s1.x) + tol);
            let (loy, hiy) = (s0.y.min(s1.y) - tol, s0.y.max(s1.y) + tol);
            for rb in std::iter::once(b.exterior()).chain(b.interiors()) {
                for t in rb.0.windows(2) {
                    let (t0, t1) = (t[0], t[1]);
                    if t0.x.max(t1.x) < lox
                        || t0.x.min(t1.x) > hix
                        || t0.y.max(t1.y) < loy
                        || t0.y.min(t1.y) > hiy
                    {
                        continue;
                    }
                    if segments_within(s0, s1, t0, t1, tol2) {
                        return true;
                    }
                }
            }
        }
    }
    // No boundaries within reach: touching only if one lies inside the other.
    let inside = |p: &Polygon<f64>, q: &Polygon<f64>| {
        q.exterior()
            .0
            .first()
            .is_some_and(|&v| polygon_location(p, v) != Location::Outside)
    };
    inside(a, b) || inside(b, a)
}

/// True if segments `a0`–`a1` and `b0`–`b1` cross or come within `sqrt(tol2)`.
fn segments_within(
    a0: Coord<f64>,
    a1: Coord<f64>,
    b0: Coord<f64>,
    b1: Coord<f64>,
    tol2: f64,
) -> bool {
    let orient = |p: Coord<f64>, q: Coord<f64>, r: Coord<f64>| {
        (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
    };
    let (d1, d2) = (orient(b0, b1, a0), orient(b0, b1, a1));
    let (d3, d4) = (orient(a0, a1, b0), orient(a0, a1, b1));
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    dist2(a0, b0, b1) <= tol2
        || dist2(a1, b0, b1) <= tol2
        || dist2(b0, a0, a1) <= tol2
        || dist2(b1, a0, a1) <= tol2
}

/// Squared distance from `p` to the segment `a`–`b`.
fn dist2(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (a.x + t * dx - p.x, a.y + t * dy - p.y);
    cx * cx + cy * cy
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::LineString;

    fn square(x0: f64, y0: f64, s: f64) -> Polygon<f64> {
        Polygon::new(
            LineString::from(vec![(x0, y0), (x0 + s, y0), (x0 + s, y0 + s), (x0, y0 + s)]),
            vec![],
        )
    }

    #[test]
    fn touching_polygons() {
        let a = square(0.0, 0.0, 1.0);
        assert!(polygons_within(&a, &square(1.0, 0.0, 1.0), 1e-9)); // shared edge
        assert!(polygons_within(&a, &square(1.0, 1.0, 1.0), 1e-9)); // shared corner
        assert!(polygons_within(&a, &square(1.0 + 5e-10, 0.5, 1.0), 1e-9));
        assert!(!polygons_within(&a, &square(1.0 + 2e-9, 0.5, 1.0), 1e-9));
        assert!(polygons_within(&a, &square(0.25, 0.25, 0.5), 1e-9)); // inside
    }
}
