//! Joining wall pieces (polylines, door lines) into closed rings.
//!
//! The JuPedSim geometry format describes a subroom by its walls, which may be one closed polyline
//! or many open ones, plus the crossings and transitions (doors) that close the gaps between them.
//! This module builds a planar graph from all those pieces: end points closer than a tolerance
//! are merged, a piece is split where another piece's end point lies on it or where two pieces
//! cross, and pieces drawn twice (a door over a wall) count once. Every corner of the graph must
//! then join an even number of pieces (usually two); the edges are walked into simple closed
//! rings, turning as far left as possible at each corner, so rings touch but never cross.
//! Together the rings describe a region by the even-odd rule: the outermost ring is the boundary,
//! a ring inside it is a hole, a ring inside that hole is walkable again.

use std::collections::{HashMap, HashSet};

use geo::{Coord, LineString};

/// Why pieces do not form closed rings.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RingError {
    /// Pieces end at these points without meeting another piece. Each end comes with the nearest
    /// other open end, if there is one, and its distance.
    OpenEnds(Vec<OpenEnd>),
    /// At `at`, an odd number (`pieces`, at least 3) of pieces meet: a wall branches off another.
    Branch {
        /// The branching point.
        at: Coord<f64>,
        /// How many pieces meet there.
        pieces: usize,
    },
    /// No piece at all (or only zero-length ones).
    Empty,
}

/// An end of a wall chain that joins nothing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OpenEnd {
    /// Where the chain ends.
    pub at: Coord<f64>,
    /// The nearest other open end and its distance, if there is one.
    pub nearest: Option<(Coord<f64>, f64)>,
}

/// Merges points closer than `tol` into one vertex (the first one seen keeps its coordinates).
struct Snapper {
    tol: f64,
    points: Vec<Coord<f64>>,
    grid: HashMap<(i64, i64), Vec<usize>>,
}

impl Snapper {
    fn new(tol: f64) -> Self {
        Self {
            tol,
            points: Vec::new(),
            grid: HashMap::new(),
        }
    }

    fn cell(&self, c: Coord<f64>) -> (i64, i64) {
        // `as` saturates, so even absurd (finite) coordinates cannot overflow.
        (
            (c.x / self.tol).floor() as i64,
            (c.y / self.tol).floor() as i64,
        )
    }

    fn id(&mut self, c: Coord<f64>) -> usize {
        let (cx, cy) = self.cell(c);
        let mut best: Option<(f64, usize)> = None;
        for dx in -1..=1_i64 {
            for dy in -1..=1_i64 {
                let key = (cx.saturating_add(dx), cy.saturating_add(dy));
                for &i in self.grid.get(&key).map(Vec::as_slice).unwrap_or(&[]) {
                    let d = dist(self.points[i], c);
                    if d <= self.tol && best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, i));
                    }
                }
            }
        }
        if let Some((_, i)) = best {
            return i;
        }
        let i = self.points.len();
        self.points.push(c);
        self.grid.entry((cx, cy)).or_default().push(i);
        i
    }
}

/// Area enclosed by a closed ring (shoelace formula), ignoring orientation. (geo gives a
/// `LineString` zero area, as a curve.)
pub(crate) fn ring_area(ring: &LineString<f64>) -> f64 {
    let twice: f64 = ring.lines().map(|l| cross(l.start, l.end)).sum();
    (twice / 2.0).abs()
}

fn dist(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

fn cross(a: Coord<f64>, b: Coord<f64>) -> f64 {
    a.x * b.y - a.y * b.x
}

/// Parameter of the point of segment `a`–`b` closest to `p` (0 at `a`, 1 at `b`), and the
/// distance to it.
fn project(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> (f64, f64) {
    let ab = b - a;
    let len2 = ab.x * ab.x + ab.y * ab.y;
    if len2 <= 0.0 {
        return (0.0, dist(p, a));
    }
    let t = (((p - a).x * ab.x + (p - a).y * ab.y) / len2).clamp(0.0, 1.0);
    (t, dist(p, a + ab * t))
}

/// Joins `pieces` (each a polyline of two or more points) into closed rings, merging end points
/// closer than `tol`. Rings are returned closed, with at least three distinct corners.
pub(crate) fn close_rings(
    pieces: &[Vec<Coord<f64>>],
    tol: f64,
) -> Result<Vec<LineString<f64>>, RingError> {
    let mut snap = Snapper::new(tol);
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for piece in pieces {
        for w in piece.windows(2) {
            let (a, b) = (snap.id(w[0]), snap.id(w[1]));
            if a != b {
                edges.push((a, b));
            }
        }
    }
    if edges.is_empty() {
        return Err(RingError::Empty);
    }
    let edges = node(&mut snap, &edges);
    let pts = snap.points;

    // Every vertex must join an even number of edges.
    let mut adjacency: Vec<Vec<(usize, usize)>> = vec![Vec::new(); pts.len()];
    for (e, &(a, b)) in edges.iter().enumerate() {
        adjacency[a].push((b, e));
        adjacency[b].push((a, e));
    }
    let open: Vec<usize> = (0..pts.len())
        .filter(|&v| adjacency[v].len() == 1)
        .collect();
    if !open.is_empty() {
        let ends = open
            .iter()
            .map(|&v| OpenEnd {
                at: pts[v],
                nearest: open
                    .iter()
                    .filter(|&&w| w != v)
                    .map(|&w| (pts[w], dist(pts[v], pts[w])))
                    .min_by(|a, b| a.1.total_cmp(&b.1)),
            })
            .collect();
        return Err(RingError::OpenEnds(ends));
    }
    if let Some(v) = (0..pts.len()).find(|&v| adjacency[v].len() % 2 == 1) {
        return Err(RingError::Branch {
            at: pts[v],
            pieces: adjacency[v].len(),
        });
    }

    // Neighbours counter-clockwise by angle.
    for (v, list) in adjacency.iter_mut().enumerate() {
        let p = pts[v];
        list.sort_by(|&(a, _), &(b, _)| {
            let (da, db) = (pts[a] - p, pts[b] - p);
            da.y.atan2(da.x).total_cmp(&db.y.atan2(db.x))
        });
    }

    // Walk the edges into rings: from each unused edge, turn as far left as possible at every
    // vertex; whenever the walk comes back to a vertex already on its path, the loop since then
    // is a ring of its own.
    let mut used = vec![false; edges.len()];
    let mut position: Vec<Option<usize>> = vec![None; pts.len()];
    let mut rings = Vec::new();
    for e0 in 0..edges.len() {
        if used[e0] {
            continue;
        }
        used[e0] = true;
        let (start, first) = edges[e0];
        let mut path = vec![start];
        position[start] = Some(0);
        let (mut prev, mut cur) = (start, first);
        loop {
            if let Some(i) = position[cur] {
                let mut ring: Vec<Coord<f64>> = path[i..].iter().map(|&v| pts[v]).collect();
                ring.push(pts[cur]);
                rings.push(LineString::new(ring));
                for &v in &path[i + 1..] {
                    position[v] = None;
                }
                path.truncate(i + 1);
            } else {
                position[cur] = Some(path.len());
                path.push(cur);
            }
            let list = &adjacency[cur];
            let back = list.iter().position(|&(w, _)| w == prev).unwrap_or(0);
            let n = list.len();
            // Clockwise from the way back = the leftmost turn.
            let next = (1..n)
                .map(|k| list[(back + n - k) % n])
                .find(|&(_, e)| !used[e]);
            match next {
                Some((w, e)) => {
                    used[e] = true;
                    prev = cur;
                    cur = w;
                }
                None => break,
            }
        }
        for &v in &path {
            position[v] = None;
        }
    }
    rings.retain(|r| ring_area(r) > tol * tol);
    if rings.is_empty() {
        return Err(RingError::Empty);
    }
    Ok(rings)
}

/// Splits edges where a vertex lies on them or where two edges cross, and drops duplicates.
fn node(snap: &mut Snapper, edges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let tol = snap.tol;
    let mut splits: Vec<Vec<usize>> = vec![Vec::new(); edges.len()];

    // Edges sorted by their smallest x, for a sweep.
    let min_x = |e: &(usize, usize), p: &[Coord<f64>]| p[e.0].x.min(p[e.1].x);
    let max_x = |e: &(usize, usize), p: &[Coord<f64>]| p[e.0].x.max(p[e.1].x);
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by(|&i, &j| {
        min_x(&edges[i], &snap.points).total_cmp(&min_x(&edges[j], &snap.points))
    });

    // Crossings of two edges.
    for (k, &i) in order.iter().enumerate() {
        let (a, b) = edges[i];
        let reach = max_x(&edges[i], &snap.points) + tol;
        for &j in &order[k + 1..] {
            if min_x(&edges[j], &snap.points) > reach {
                break;
            }
            let (c, d) = edges[j];
            if a == c || a == d || b == c || b == d {
                continue;
            }
            let (pa, pb, pc, pd) = (
                snap.points[a],
                snap.points[b],
                snap.points[c],
                snap.points[d],
            );
            let (r, s) = (pb - pa, pd - pc);
            let denom = cross(r, s);
            if denom.abs() <= 1e-12 * dist(pa, pb) * dist(pc, pd) {
                continue; // parallel; overlaps are handled by the vertex-on-edge pass
            }
            let t = cross(pc - pa, s) / denom;
            let u = cross(pc - pa, r) / denom;
            if !(0.0..=1.0).contains(&t) || !(0.0..=1.0).contains(&u) {
                continue;
            }
            let w = snap.id(pa + r * t);
            if w != a && w != b {
                splits[i].push(w);
            }
            if w != c && w != d {
                splits[j].push(w);
            }
        }
    }

    // Vertices lying on an edge (T-junctions, a door drawn over a wall).
    let mut by_x: Vec<usize> = (0..snap.points.len()).collect();
    by_x.sort_by(|&i, &j| snap.points[i].x.total_cmp(&snap.points[j].x));
    let xs: Vec<f64> = by_x.iter().map(|&v| snap.points[v].x).collect();
    for (i, &(a, b)) in edges.iter().enumerate() {
        let lo = min_x(&edges[i], &snap.points) - tol;
        let hi = max_x(&edges[i], &snap.points) + tol;
        let from = xs.partition_point(|&x| x < lo);
        for &v in &by_x[from..] {
            if snap.points[v].x > hi {
                break;
            }
            if v == a || v == b {
                continue;
            }
            let (_, d) = project(snap.points[v], snap.points[a], snap.points[b]);
            if d <= tol {
                splits[i].push(v);
            }
        }
    }

    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, &(a, b)) in edges.iter().enumerate() {
        let (pa, pb) = (snap.points[a], snap.points[b]);
        let mut chain = std::mem::take(&mut splits[i]);
        chain.sort_by(|&v, &w| {
            project(snap.points[v], pa, pb)
                .0
                .total_cmp(&project(snap.points[w], pa, pb).0)
        });
        chain.insert(0, a);
        chain.push(b);
        chain.dedup();
        for w in chain.windows(2) {
            let (u, v) = (w[0], w[1]);
            if u != v && seen.insert((u.min(v), u.max(v))) {
                out.push((u, v));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    fn areas(rings: &[LineString<f64>]) -> Vec<f64> {
        let mut a: Vec<f64> = rings.iter().map(ring_area).collect();
        a.sort_by(f64::total_cmp);
        a
    }

    #[test]
    fn one_closed_polyline() {
        let rings = close_rings(
            &[vec![
                c(0.0, 0.0),
                c(4.0, 0.0),
                c(4.0, 3.0),
                c(0.0, 3.0),
                c(0.0, 0.0),
            ]],
            1e-3,
        )
        .unwrap();
        assert_eq!(areas(&rings), vec![12.0]);
        assert_eq!(rings[0].0.len(), 5);
    }

    #[test]
    fn open_polylines_and_a_door_join_within_tolerance() {
        let rings = close_rings(
            &[
                vec![c(0.0, 0.0), c(4.0, 0.0), c(4.0, 3.0)],
                vec![c(0.0, 3.0005), c(0.0, 0.0)],
                // the door, drawn in the other direction, ending 0.4 mm off the wall end
                vec![c(4.0, 3.0004), c(0.0, 3.0)],
            ],
            1e-3,
        )
        .unwrap();
        assert_eq!(rings.len(), 1);
        assert!((ring_area(&rings[0]) - 12.0).abs() < 1e-2);
    }

    #[test]
    fn door_over_a_wall_and_t_junction_are_noded() {
        // The top wall runs the whole width; the door lies on it (duplicate) — one ring.
        let rings = close_rings(
            &[
                vec![
                    c(0.0, 0.0),
                    c(4.0, 0.0),
                    c(4.0, 3.0),
                    c(0.0, 3.0),
                    c(0.0, 0.0),
                ],
                vec![c(1.0, 3.0), c(2.0, 3.0)],
            ],
            1e-3,
        )
        .unwrap();
        assert_eq!(areas(&rings), vec![12.0]);
    }

    #[test]
    fn gap_is_reported_with_both_ends() {
        let err = close_rings(
            &[vec![
                c(0.0, 0.0),
                c(4.0, 0.0),
                c(4.0, 3.0),
                c(0.0, 3.0),
                c(0.0, 0.5),
            ]],
            1e-3,
        )
        .unwrap_err();
        match err {
            RingError::OpenEnds(ends) => {
                assert_eq!(ends.len(), 2);
                let (near, d) = ends[0].nearest.unwrap();
                assert_eq!(d, 0.5);
                assert!(
                    (ends[0].at == c(0.0, 0.0) && near == c(0.0, 0.5))
                        || (ends[0].at == c(0.0, 0.5) && near == c(0.0, 0.0))
                );
            }
            other => panic!("expected open ends, got {other:?}"),
        }
    }

    #[test]
    fn dividing_wall_is_a_branch() {
        let err = close_rings(
            &[
                vec![
                    c(0.0, 0.0),
                    c(4.0, 0.0),
                    c(4.0, 3.0),
                    c(0.0, 3.0),
                    c(0.0, 0.0),
                ],
                vec![c(2.0, 0.0), c(2.0, 3.0)],
            ],
            1e-3,
        )
        .unwrap_err();
        assert!(
            matches!(err, RingError::Branch { pieces: 3, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn nested_and_touching_rings_are_separated() {
        // Outer square with a pillar drawn as walls, and a triangle touching the outer ring at a
        // corner (the corner joins four edges).
        let rings = close_rings(
            &[
                vec![
                    c(0.0, 0.0),
                    c(10.0, 0.0),
                    c(10.0, 10.0),
                    c(0.0, 10.0),
                    c(0.0, 0.0),
                ],
                vec![
                    c(4.0, 4.0),
                    c(6.0, 4.0),
                    c(6.0, 6.0),
                    c(4.0, 6.0),
                    c(4.0, 4.0),
                ],
                vec![c(10.0, 10.0), c(12.0, 10.0), c(12.0, 12.0), c(10.0, 10.0)],
            ],
            1e-3,
        )
        .unwrap();
        assert_eq!(areas(&rings), vec![2.0, 4.0, 100.0]);
        for r in &rings {
            assert_eq!(r.0.first(), r.0.last());
        }
    }

    #[test]
    fn crossing_walls_are_split_at_the_crossing() {
        // A figure eight drawn as one closed polyline: two triangles meeting at (1, 1).
        let rings = close_rings(
            &[vec![
                c(0.0, 0.0),
                c(2.0, 2.0),
                c(2.0, 0.0),
                c(0.0, 2.0),
                c(0.0, 0.0),
            ]],
            1e-3,
        )
        .unwrap();
        assert_eq!(areas(&rings), vec![1.0, 1.0]);
    }

    #[test]
    fn nothing_is_empty() {
        assert_eq!(close_rings(&[], 1e-3), Err(RingError::Empty));
        assert_eq!(
            close_rings(&[vec![c(1.0, 1.0), c(1.0, 1.0)]], 1e-3),
            Err(RingError::Empty)
        );
    }
}
