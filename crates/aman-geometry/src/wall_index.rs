//! Walls binned into a uniform grid (JuPedSim's `CollisionGeometry` idea), stored
//! compressed-sparse-row so that a query is two array reads and returns a slice.

use crate::{Segment, Vec2};

/// The wall segments of a walkable area, binned into square cells.
///
/// Each cell lists every segment whose distance to the cell (as a rectangle) is at most
/// `margin`. So for any point `p` inside a cell, [`WallIndex::near`] returns every wall within
/// `margin` of `p` (and possibly a few farther ones). Points outside the grid get an empty slice.
///
/// ```
/// use aman_geometry::{Segment, Vec2, WallIndex};
/// let walls = vec![Segment::new(Vec2::new(0.0, 0.0), Vec2::new(10.0, 0.0))];
/// let index = WallIndex::new(&walls, 1.0, 0.5);
/// assert_eq!(index.near(Vec2::new(5.0, 0.3)), &[0]);
/// assert!(index.near(Vec2::new(5.0, 3.0)).is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct WallIndex {
    segments: Vec<Segment>,
    origin: Vec2,
    inv_cell: f64,
    nx: usize,
    ny: usize,
    start: Vec<u32>,
    ids: Vec<u32>,
}

/// Distance between a segment and an axis-aligned rectangle (0 if they touch or overlap).
fn segment_rect_distance(s: &Segment, lo: Vec2, hi: Vec2) -> f64 {
    let inside = |p: Vec2| p.x >= lo.x && p.x <= hi.x && p.y >= lo.y && p.y <= hi.y;
    if inside(s.a) || inside(s.b) {
        return 0.0;
    }
    let corners = [lo, Vec2::new(hi.x, lo.y), hi, Vec2::new(lo.x, hi.y)];
    let mut best = f64::INFINITY;
    for k in 0..4 {
        let e = Segment::new(corners[k], corners[(k + 1) % 4]);
        if e.intersects(s) {
            return 0.0;
        }
        best = best
            .min(s.distance(e.a))
            .min(s.distance(e.b))
            .min(e.distance(s.a))
            .min(e.distance(s.b));
    }
    best
}

impl WallIndex {
    /// Bins `segments` into cells of side `cell` metres, each listing the segments within
    /// `margin` metres of it. `cell` and `margin` must be positive and finite.
    pub fn new(segments: &[Segment], cell: f64, margin: f64) -> Self {
        let cell = if cell.is_finite() && cell > 0.0 {
            cell
        } else {
            1.0
        };
        let margin = if margin.is_finite() && margin >= 0.0 {
            margin
        } else {
            0.0
        };
        let (mut lo, mut hi) = (Vec2::new(f64::MAX, f64::MAX), Vec2::new(f64::MIN, f64::MIN));
        for s in segments {
            for p in [s.a, s.b] {
                lo = Vec2::new(lo.x.min(p.x), lo.y.min(p.y));
                hi = Vec2::new(hi.x.max(p.x), hi.y.max(p.y));
            }
        }
        if segments.is_empty() {
            lo = Vec2::ZERO;
            hi = Vec2::ZERO;
        }
        let origin = lo - Vec2::new(margin + cell, margin + cell);
        let nx = (((hi.x - origin.x) + margin + cell) / cell).ceil() as usize + 1;
        let ny = (((hi.y - origin.y) + margin + cell) / cell).ceil() as usize + 1;
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); nx * ny];
        for (k, s) in segments.iter().enumerate() {
            let smin = Vec2::new(s.a.x.min(s.b.x) - margin, s.a.y.min(s.b.y) - margin);
            let smax = Vec2::new(s.a.x.max(s.b.x) + margin, s.a.y.max(s.b.y) + margin);
            let (i0, j0) = (
                ((smin.x - origin.x) / cell).floor().max(0.0) as usize,
                ((smin.y - origin.y) / cell).floor().max(0.0) as usize,
            );
            let (i1, j1) = (
                (((smax.x - origin.x) / cell).floor() as usize).min(nx - 1),
                (((smax.y - origin.y) / cell).floor() as usize).min(ny - 1),
            );
            for j in j0..=j1 {
                for i in i0..=i1 {
                    let clo = origin + Vec2::new(i as f64 * cell, j as f64 * cell);
                    let chi = clo + Vec2::new(cell, cell);
                    if segment_rect_distance(s, clo, chi) <= margin {
                        lists[j * nx + i].push(k as u32);
                    }
                }
            }
        }
        let mut start = Vec::with_capacity(nx * ny + 1);
        let mut ids = Vec::new();
        start.push(0);
        for l in &lists {
            ids.extend_from_slice(l);
            start.push(ids.len() as u32);
        }
        Self {
            segments: segments.to_vec(),
            origin,
            inv_cell: 1.0 / cell,
            nx,
            ny,
            start,
            ids,
        }
    }

    /// Indices (into [`WallIndex::segments`]) of the walls near `p`: every wall within the
    /// index's margin of `p` is included. O(1).
    #[inline]
    pub fn near(&self, p: Vec2) -> &[u32] {
        let fx = (p.x - self.origin.x) * self.inv_cell;
        let fy = (p.y - self.origin.y) * self.inv_cell;
        if !(fx >= 0.0 && fy >= 0.0) {
            return &[];
        }
        let (i, j) = (fx as usize, fy as usize);
        if i >= self.nx || j >= self.ny {
            return &[];
        }
        let c = j * self.nx + i;
        &self.ids[self.start[c] as usize..self.start[c + 1] as usize]
    }

    /// All indexed segments.
    #[inline]
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The segment with index `k`.
    #[inline]
    pub fn segment(&self, k: u32) -> &Segment {
        &self.segments[k as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every wall within the margin is returned, for many points on a grid (brute-force check).
    #[test]
    fn near_returns_every_wall_within_margin() {
        let pts = [(0.0, 0.0), (7.0, 0.5), (7.5, 6.0), (1.0, 5.0), (0.0, 0.0)];
        let walls: Vec<Segment> = pts
            .windows(2)
            .map(|w| Segment::new(Vec2::new(w[0].0, w[0].1), Vec2::new(w[1].0, w[1].1)))
            .collect();
        let margin = 0.7;
        let index = WallIndex::new(&walls, 1.3, margin);
        for a in 0..100 {
            for b in 0..100 {
                let p = Vec2::new(-1.0 + a as f64 * 0.095, -1.0 + b as f64 * 0.085);
                let near = index.near(p);
                for (k, w) in walls.iter().enumerate() {
                    if w.distance(p) <= margin {
                        assert!(near.contains(&(k as u32)), "wall {k} missing at {p:?}");
                    }
                }
            }
        }
    }
}
