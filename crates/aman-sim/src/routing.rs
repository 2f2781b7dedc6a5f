//! The tactical layer: one travel-time field per target, computed once, looked up in O(1).
//!
//! For each target region (an exit polygon, a waypoint disc) we solve the eikonal equation
//! `|∇T(x)| · F(x) = 1`, `T = 0` on the target, on a uniform grid with the first-order Fast
//! Marching Method (Sethian, "A fast marching level set method for monotonically advancing
//! fronts", PNAS 93(4), 1996, doi:10.1073/pnas.93.4.1591). Agents walk along `−∇T`, which leads
//! to the *nearest point* of the target around every obstacle (a 10 m gate is used over its whole
//! width), the floor-field approach of Vadere (Kleinmeier et al., "Vadere: an open-source
//! simulation framework…", Collective Dynamics 4, 2019, doi:10.17815/CD.2019.21).
//!
//! The speed `F` slows near walls so that routes keep a little distance from corners:
//! `F(d_w) = f_min + (1 − f_min) · min(1, d_w / d_ref)` with `d_w` the distance to the nearest
//! wall (itself computed by fast marching from the walls), `f_min = 0.25`,
//! `d_ref` = [`RoutingParams::wall_distance`]. Cells are `cell_size` metres square; a cell belongs
//! to the routing graph when its centre lies in the walkable area at least
//! [`RoutingParams::clearance`] from every wall (exact distance to the wall segments), so gaps
//! narrower than twice the clearance — between the posts of a fence, say — are closed to routing
//! whatever the cell size, and walls thinner than a cell cannot leak. Any gap at least
//! `2·clearance + cell_size` wide stays open.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use aman_geometry::{Vec2, WalkableArea};

/// Parameters of the routing grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoutingParams {
    /// Side of a grid cell, metres. Default: 0.1 m up to 40,000 m² of bounding box, coarser
    /// above so that a grid has at most about 4 million cells. Must be positive and at most a
    /// third of the narrowest opening that agents must pass, or the opening closes on the grid.
    pub cell_size: f64,
    /// Distance from walls, metres, below which travel is penalised (default 0.5 m, range ≥ 0).
    pub wall_distance: f64,
    /// Least distance (m) of a routing cell's centre from every wall: half the narrowest gap an
    /// agent can pass. Default 0.2 m (JuPedSim's default agent radius), range ≥ 0.
    pub clearance: f64,
}

impl RoutingParams {
    /// The default parameters for a walkable area (see the field docs).
    pub fn for_area(area: &WalkableArea) -> Self {
        let (lo, hi) = area.bounds();
        let bbox = (hi.x - lo.x) * (hi.y - lo.y);
        let cell_size = (bbox / 4.0e6).sqrt().max(0.1);
        Self {
            cell_size,
            wall_distance: 0.5,
            clearance: 0.2,
        }
    }
}

/// The grid shared by all fields of one walkable area: geometry, inside mask, wall speed.
#[derive(Debug, Clone)]
pub struct RoutingGrid {
    origin: Vec2,
    h: f64,
    inv_h: f64,
    nx: usize,
    ny: usize,
    inside: Vec<bool>,
    in_area: Vec<bool>,
    speed: Vec<f32>,
}

/// Travel time (s at unit speed, i.e. metres of walking) and walking direction towards one
/// target, per cell.
#[derive(Debug, Clone)]
pub struct RoutingField {
    distance: Vec<f32>,
    /// Unit directions in fixed point, components × 32767: half the memory of `f32`, so more of
    /// a large venue's field stays in cache (the bilinear sum is normalised, so the scale
    /// drops out; the angle is kept to about 3·10⁻⁵ rad). Stored in tiles of
    /// [`TILE`] × [`TILE`] cells, one cache line each, and only the tiles with a non-zero
    /// direction (see [`TiledDirections`]).
    direction: TiledDirections,
}

/// Scale of the fixed-point direction components.
const DIRECTION_SCALE: f32 = 32767.0;

/// Side of a direction tile, cells: 4 × 4 cells of `[i16; 2]` fill one 64-byte cache line.
const TILE: usize = 4;

/// One tile of directions, row-major within the tile (`(j % TILE) · TILE + i % TILE`), aligned
/// to a cache line.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[repr(align(64))]
struct Tile([[i16; 2]; TILE * TILE]);

/// A field's cell directions, sparse and tiled: the walking direction is read by every agent
/// every step at four cells around it, and a large venue's row-major field (2.8 million
/// cells of 4 bytes per target on the 676 m × 672 m entrance site, five targets) is far larger
/// than the cache, so each read was two cache misses (the two rows). In tiles, the four cells
/// share one line 9 times in 16; and only the tiles that hold a non-zero direction are stored
/// (the walkable cells and their three-cell rim; the others share the all-zero tile 0), a
/// seventh of the site's box, so that the five fields together mostly stay in the cache.
#[derive(Debug, Clone)]
struct TiledDirections {
    /// Tiles per row of the grid (`⌈nx / TILE⌉`).
    tiles_x: usize,
    /// For each tile of the grid (row-major), its index in `tiles` (0: all zero).
    index: Vec<u32>,
    /// The stored tiles; `tiles[0]` is all zero.
    tiles: Vec<Tile>,
}

impl TiledDirections {
    /// From row-major directions of an `nx` × `ny` grid.
    fn new(nx: usize, ny: usize, dense: &[[i16; 2]]) -> Self {
        let tiles_x = nx.div_ceil(TILE);
        let tiles_y = ny.div_ceil(TILE);
        let mut index = vec![0u32; tiles_x * tiles_y];
        let mut tiles = vec![Tile::default()];
        for tj in 0..tiles_y {
            for ti in 0..tiles_x {
                let mut t = Tile::default();
                for dj in 0..TILE {
                    for di in 0..TILE {
                        let (i, j) = (ti * TILE + di, tj * TILE + dj);
                        if i < nx && j < ny {
                            t.0[dj * TILE + di] = dense[j * nx + i];
                        }
                    }
                }
                if t != Tile::default() {
                    index[tj * tiles_x + ti] = tiles.len() as u32;
                    tiles.push(t);
                }
            }
        }
        Self {
            tiles_x,
            index,
            tiles,
        }
    }

    /// The direction of cell `(i, j)` (on the grid).
    #[inline]
    fn get(&self, i: usize, j: usize) -> [i16; 2] {
        let t = self.index[(j / TILE) * self.tiles_x + i / TILE] as usize;
        self.tiles[t].0[(j % TILE) * TILE + i % TILE]
    }
}

#[derive(Copy, Clone, PartialEq)]
struct HeapItem(f64, u32);
impl Eq for HeapItem {}
impl Ord for HeapItem {
    fn cmp(&self, o: &Self) -> Ordering {
        // min-heap on distance, ties by index for determinism
        o.0.total_cmp(&self.0).then_with(|| o.1.cmp(&self.1))
    }
}
impl PartialOrd for HeapItem {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl RoutingGrid {
    /// Rasterises `area` onto a grid of `params.cell_size` and computes the wall speed field.
    pub fn new(area: &WalkableArea, params: RoutingParams) -> Self {
        let h = params.cell_size;
        let (lo, hi) = area.bounds();
        let origin = lo - Vec2::new(h, h);
        let nx = ((hi.x - origin.x) / h).ceil() as usize + 2;
        let ny = ((hi.y - origin.y) / h).ceil() as usize + 2;
        let in_area = rasterize(area, origin, h, nx, ny);
        let mut inside = in_area.clone();
        if params.clearance > 0.0 {
            let c = params.clearance;
            let index = aman_geometry::WallIndex::new(area.segments(), (4.0 * h).max(1.0), c);
            for j in 0..ny {
                for i in 0..nx {
                    let k = j * nx + i;
                    if inside[k] {
                        let p = origin + Vec2::new((i as f64 + 0.5) * h, (j as f64 + 0.5) * h);
                        if index
                            .near(p)
                            .iter()
                            .any(|&s| index.segment(s).distance(p) < c)
                        {
                            inside[k] = false;
                        }
                    }
                }
            }
        }
        // wall distance: fast marching from every outside cell (speed 1)
        let seeds: Vec<usize> = (0..nx * ny).filter(|&c| !inside[c]).collect();
        let ones = vec![1.0f32; nx * ny];
        let all = vec![true; nx * ny];
        let wall_d = fast_march(nx, ny, h, &all, &ones, &seeds);
        let fmin = 0.25f64;
        let dref = params.wall_distance.max(1e-9);
        let speed = wall_d
            .iter()
            .map(|&d| {
                let d = (d as f64 - 0.5 * h).max(0.0);
                (fmin + (1.0 - fmin) * (d / dref).min(1.0)) as f32
            })
            .collect();
        Self {
            origin,
            h,
            inv_h: 1.0 / h,
            nx,
            ny,
            inside,
            in_area,
            speed,
        }
    }

    /// Cell side in metres.
    pub fn cell_size(&self) -> f64 {
        self.h
    }

    /// Number of cells `(nx, ny)`.
    pub fn dims(&self) -> (usize, usize) {
        (self.nx, self.ny)
    }

    /// Centre of cell `(i, j)`.
    #[inline]
    pub fn centre(&self, i: usize, j: usize) -> Vec2 {
        self.origin + Vec2::new((i as f64 + 0.5) * self.h, (j as f64 + 0.5) * self.h)
    }

    /// The cell containing `p`, if on the grid.
    #[inline]
    pub fn cell_of(&self, p: Vec2) -> Option<(usize, usize)> {
        let fx = (p.x - self.origin.x) * self.inv_h;
        let fy = (p.y - self.origin.y) * self.inv_h;
        if fx >= 0.0 && fy >= 0.0 && (fx as usize) < self.nx && (fy as usize) < self.ny {
            Some((fx as usize, fy as usize))
        } else {
            None
        }
    }

    /// Whether the centre of cell `(i, j)` lies in the walkable area (whatever its distance to
    /// the walls).
    pub fn in_area(&self, i: usize, j: usize) -> bool {
        self.in_area[j * self.nx + i]
    }

    /// Whether cell `(i, j)` is walkable.
    pub fn is_inside(&self, i: usize, j: usize) -> bool {
        self.inside[j * self.nx + i]
    }

    /// Computes the field towards the cells of the walkable area for which `in_target(centre)`
    /// is true (the clearance does not apply to the target itself, so an exit strip along a wall
    /// works). Returns `None` if no cell of the walkable area is in the target.
    pub fn field(&self, in_target: impl Fn(Vec2) -> bool) -> Option<RoutingField> {
        self.field_scaled(in_target, None)
    }

    /// As [`RoutingGrid::field`], with the local walking speed multiplied by `factor[cell]`
    /// (one value in (0, 1] per cell, row-major `j * nx + i`): slower cells such as stairs cost
    /// more, so the field measures travel time, not distance.
    pub fn field_scaled(
        &self,
        in_target: impl Fn(Vec2) -> bool,
        factor: Option<&[f32]>,
    ) -> Option<RoutingField> {
        let (nx, ny) = (self.nx, self.ny);
        let mut seeds = Vec::new();
        for j in 0..ny {
            for i in 0..nx {
                let c = j * nx + i;
                if self.in_area[c] && in_target(self.centre(i, j)) {
                    seeds.push(c);
                }
            }
        }
        if seeds.is_empty() {
            return None;
        }
        let scaled: Vec<f32>;
        let speed = match factor {
            Some(f) => {
                scaled = self.speed.iter().zip(f).map(|(s, f)| s * f).collect();
                &scaled
            }
            None => &self.speed,
        };
        let t = fast_march(nx, ny, self.h, &self.inside, speed, &seeds);
        let mut direction = vec![[0.0f32; 2]; nx * ny];
        let get = |i: isize, j: isize| -> Option<f64> {
            if i < 0 || j < 0 || i >= nx as isize || j >= ny as isize {
                return None;
            }
            let v = t[j as usize * nx + i as usize];
            v.is_finite().then_some(v as f64)
        };
        for j in 0..ny {
            for i in 0..nx {
                let c = j * nx + i;
                let Some(tc) = get(i as isize, j as isize) else {
                    continue;
                };
                let (ii, jj) = (i as isize, j as isize);
                // upwind (towards decreasing T) one-sided differences: robust at walls
                let gx = upwind_slope(get(ii - 1, jj), tc, get(ii + 1, jj));
                let gy = upwind_slope(get(ii, jj - 1), tc, get(ii, jj + 1));
                let d = Vec2::new(-gx, -gy).normalized();
                direction[c] = [d.x as f32, d.y as f32];
            }
        }
        // Cells outside the area but next to it (agents near a wall may sit in one): copy the
        // direction and distance of walkable neighbours, three rings deep.
        let mut dist = t;
        for _ in 0..3 {
            let snapshot = dist.clone();
            for j in 0..ny {
                for i in 0..nx {
                    let c = j * nx + i;
                    if snapshot[c].is_finite() {
                        continue;
                    }
                    let mut best: Option<(f32, usize)> = None;
                    for (di, dj) in [
                        (-1i64, 0i64),
                        (1, 0),
                        (0, -1),
                        (0, 1),
                        (-1, -1),
                        (1, 1),
                        (-1, 1),
                        (1, -1),
                    ] {
                        let (a, b) = (i as i64 + di, j as i64 + dj);
                        if a < 0 || b < 0 || a >= nx as i64 || b >= ny as i64 {
                            continue;
                        }
                        let n = b as usize * nx + a as usize;
                        if snapshot[n].is_finite() && best.is_none_or(|(v, _)| snapshot[n] < v) {
                            best = Some((snapshot[n], n));
                        }
                    }
                    if let Some((v, n)) = best {
                        dist[c] = v + self.h as f32;
                        let towards =
                            (self.centre(n % nx, n / nx) - self.centre(i, j)).normalized();
                        let own = direction[n];
                        let d = (towards + Vec2::new(own[0] as f64, own[1] as f64)).normalized();
                        direction[c] = [d.x as f32, d.y as f32];
                    }
                }
            }
        }
        let direction: Vec<[i16; 2]> = direction
            .iter()
            .map(|d| {
                [
                    (d[0] * DIRECTION_SCALE).round() as i16,
                    (d[1] * DIRECTION_SCALE).round() as i16,
                ]
            })
            .collect();
        let direction = TiledDirections::new(nx, ny, &direction);
        Some(RoutingField {
            distance: dist,
            direction,
        })
    }
}

impl RoutingField {
    /// Walking distance (metres, weighted by the wall speed) from `p` to the target, by bilinear
    /// interpolation; `f64::INFINITY` where the target cannot be reached.
    #[inline]
    pub fn distance(&self, grid: &RoutingGrid, p: Vec2) -> f64 {
        let mut acc = 0.0;
        let mut w = 0.0;
        let mut any = false;
        let nx = grid.nx;
        self.bilinear(grid, p, |(i, j), wt| {
            let v = self.distance[j * nx + i];
            if v.is_finite() {
                acc += v as f64 * wt;
                w += wt;
                any = true;
            }
        });
        if any && w > 0.0 {
            acc / w
        } else if any {
            0.0
        } else {
            f64::INFINITY
        }
    }

    /// Unit walking direction at `p` (negative gradient of the travel time), by bilinear
    /// interpolation of the cell directions; zero inside the target or off the grid. O(1).
    #[inline]
    pub fn direction(&self, grid: &RoutingGrid, p: Vec2) -> Vec2 {
        self.direction_memo(grid, p, 0, &mut DirectionMemo::default())
    }

    /// [`RoutingField::direction`], the same bits, with the four cell directions it reads kept
    /// in `memo` under the key (`target`, cell): an agent crosses a routing cell in several
    /// steps (0.4 m at 1.34 m/s is 6 steps of 0.05 s), and each read of a large venue's field
    /// is a cache miss. `target` must name this field among the fields whose lookups share
    /// `memo` (the simulation's stage index), and a memo must be reset
    /// ([`DirectionMemo::default`]) when the field changes.
    #[inline]
    pub(crate) fn direction_memo(
        &self,
        grid: &RoutingGrid,
        p: Vec2,
        target: u32,
        memo: &mut DirectionMemo,
    ) -> Vec2 {
        let Some((i, j, tx, ty)) = bilinear_cell(grid, p) else {
            return Vec2::ZERO;
        };
        let key = (u64::from(target) << 32) | (j * grid.nx + i) as u64;
        if memo.key != key {
            let dirs = &self.direction;
            memo.corners = [
                dirs.get(i, j),
                dirs.get(i + 1, j),
                dirs.get(i, j + 1),
                dirs.get(i + 1, j + 1),
            ];
            memo.key = key;
        }
        // (the weights and the order of the sum of `bilinear`)
        let weights = [
            (1.0 - tx) * (1.0 - ty),
            tx * (1.0 - ty),
            (1.0 - tx) * ty,
            tx * ty,
        ];
        let mut acc = Vec2::ZERO;
        for (d, wt) in memo.corners.iter().zip(weights) {
            acc += Vec2::new(d[0] as f64, d[1] as f64) * wt;
        }
        acc.normalized()
    }

    /// Calls `f((i, j), weight)` for the four cells around `p` whose centres bound it, in the
    /// order (i, j), (i+1, j), (i, j+1), (i+1, j+1), with the bilinear weights; not at all off
    /// the grid.
    #[inline]
    fn bilinear(&self, g: &RoutingGrid, p: Vec2, mut f: impl FnMut((usize, usize), f64)) {
        let Some((i, j, tx, ty)) = bilinear_cell(g, p) else {
            return;
        };
        f((i, j), (1.0 - tx) * (1.0 - ty));
        f((i + 1, j), tx * (1.0 - ty));
        f((i, j + 1), (1.0 - tx) * ty);
        f((i + 1, j + 1), tx * ty);
    }
}

/// The cell `(i, j)` whose centre is the lower left of the four around `p`, and the fractions
/// `(tx, ty)` of the way from its centre to the next ones; `None` off the grid (or where the
/// four are not all on it).
#[inline]
fn bilinear_cell(g: &RoutingGrid, p: Vec2) -> Option<(usize, usize, f64, f64)> {
    let fx = (p.x - g.origin.x) * g.inv_h - 0.5;
    let fy = (p.y - g.origin.y) * g.inv_h - 0.5;
    if !(fx >= 0.0 && fy >= 0.0) {
        return None;
    }
    let (i, j) = (fx as usize, fy as usize);
    if i + 1 >= g.nx || j + 1 >= g.ny {
        return None;
    }
    Some((i, j, fx - i as f64, fy - j as f64))
}

/// The four cell directions last read by [`RoutingField::direction_memo`] for one agent, with
/// their key (target, cell); the default holds none.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DirectionMemo {
    key: u64,
    corners: [[i16; 2]; 4],
}

impl Default for DirectionMemo {
    fn default() -> Self {
        Self {
            // (no target has index u32::MAX)
            key: u64::MAX,
            corners: [[0; 2]; 4],
        }
    }
}

/// The one-sided difference `T(centre) − T(lower neighbour)` towards the neighbour with the
/// smaller travel time (signed along the axis), or 0 if neither is smaller: upwind
/// differences stay correct next to walls, where the other side has no value.
#[inline]
fn upwind_slope(before: Option<f64>, tc: f64, after: Option<f64>) -> f64 {
    match (before, after) {
        (Some(a), Some(b)) if a < tc && b < tc => {
            if a < b {
                tc - a
            } else {
                b - tc
            }
        }
        (Some(a), _) if a < tc => tc - a,
        (_, Some(b)) if b < tc => b - tc,
        _ => 0.0,
    }
}

/// Marks the cells whose centre lies inside `area` (even–odd rule over all rings, scanline).
fn rasterize(area: &WalkableArea, origin: Vec2, h: f64, nx: usize, ny: usize) -> Vec<bool> {
    let mut inside = vec![false; nx * ny];
    let segs = area.segments();
    let mut xs: Vec<f64> = Vec::new();
    for j in 0..ny {
        let y = origin.y + (j as f64 + 0.5) * h;
        xs.clear();
        for s in segs {
            let (a, b) = (s.a, s.b);
            if (a.y <= y) != (b.y <= y) {
                xs.push(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x));
            }
        }
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks_exact(2) {
            let i0 = ((pair[0] - origin.x) / h - 0.5).ceil().max(0.0) as usize;
            let i1 = ((pair[1] - origin.x) / h - 0.5).floor();
            if i1 < 0.0 {
                continue;
            }
            let i1 = (i1 as usize).min(nx - 1);
            for i in i0..=i1 {
                inside[j * nx + i] = true;
            }
        }
    }
    inside
}

/// First-order fast marching on a grid (Sethian 1996, Eq. (3)): arrival times from `seeds`
/// (time 0) with speed `speed` over the cells where `mask` is true; `f32::INFINITY` elsewhere.
fn fast_march(
    nx: usize,
    ny: usize,
    h: f64,
    mask: &[bool],
    speed: &[f32],
    seeds: &[usize],
) -> Vec<f32> {
    let n = nx * ny;
    let mut t = vec![f64::INFINITY; n];
    let mut done = vec![false; n];
    let mut heap = BinaryHeap::with_capacity(seeds.len() * 4);
    for &s in seeds {
        t[s] = 0.0;
        heap.push(HeapItem(0.0, s as u32));
    }
    while let Some(HeapItem(tv, c)) = heap.pop() {
        let c = c as usize;
        if done[c] || tv > t[c] {
            continue;
        }
        done[c] = true;
        let (i, j) = (c % nx, c / nx);
        let mut visit = |ni: usize, nj: usize| {
            let nc = nj * nx + ni;
            if done[nc] || !mask[nc] {
                return;
            }
            let tx = {
                let a = if ni > 0 { t[nc - 1] } else { f64::INFINITY };
                let b = if ni + 1 < nx {
                    t[nc + 1]
                } else {
                    f64::INFINITY
                };
                a.min(b)
            };
            let ty = {
                let a = if nj > 0 { t[nc - nx] } else { f64::INFINITY };
                let b = if nj + 1 < ny {
                    t[nc + nx]
                } else {
                    f64::INFINITY
                };
                a.min(b)
            };
            let f = (speed[nc] as f64).max(1e-6);
            let hf = h / f;
            let (a, b) = (tx.min(ty), tx.max(ty));
            let new = if !b.is_finite() || b - a >= hf {
                a + hf
            } else {
                0.5 * (a + b + (2.0 * hf * hf - (a - b) * (a - b)).sqrt())
            };
            if new < t[nc] {
                t[nc] = new;
                heap.push(HeapItem(new, nc as u32));
            }
        };
        if i > 0 {
            visit(i - 1, j);
        }
        if i + 1 < nx {
            visit(i + 1, j);
        }
        if j > 0 {
            visit(i, j - 1);
        }
        if j + 1 < ny {
            visit(i, j + 1);
        }
    }
    t.into_iter().map(|v| v as f32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect_area(w: f64, h: f64, holes: &[[f64; 4]]) -> WalkableArea {
        let ring = |x0: f64, y0: f64, x1: f64, y1: f64| {
            geo::LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
        };
        let poly = geo::Polygon::new(
            ring(0.0, 0.0, w, h),
            holes.iter().map(|r| ring(r[0], r[1], r[2], r[3])).collect(),
        );
        WalkableArea::new(poly, "test").unwrap()
    }

    /// In an open room the travel distance to a wide target is the straight distance to its
    /// nearest point (first-order FMM is within a few cells), and the direction is straight at it.
    #[test]
    fn distance_is_to_nearest_point_of_target() {
        let area = rect_area(20.0, 20.0, &[]);
        let params = RoutingParams {
            cell_size: 0.1,
            wall_distance: 0.0,
            clearance: 0.0,
        };
        let grid = RoutingGrid::new(&area, params);
        // target: the strip x in [5, 15], y in [19, 20] (a 10 m wide gate on the top wall)
        let field = grid
            .field(|p| p.y >= 19.0 && p.x >= 5.0 && p.x <= 15.0)
            .unwrap();
        // from (14, 5): nearest point (14, 19): 14 m straight up, not towards the centre (10, 19)
        let d = field.distance(&grid, Vec2::new(14.0, 5.0));
        assert!((d - 14.0).abs() < 0.35, "distance {d}");
        let dir = field.direction(&grid, Vec2::new(14.0, 5.0));
        assert!(dir.y > 0.999, "direction {dir:?}");
        // from (1, 5): nearest point (5, 19): sqrt(16+196) = 14.56 m
        let d = field.distance(&grid, Vec2::new(1.0, 5.0));
        assert!((d - 212f64.sqrt()).abs() < 0.4, "distance {d}");
    }

    /// Around an obstacle the direction leads around it, and the distance is the geodesic one.
    #[test]
    fn routes_around_an_obstacle() {
        // 10 x 10 room, wall block x in [0.5, 8], y in [4.5, 5.5]; target at the top; from
        // (6, 3) the way right of the block (7.5 m) is shorter than the left gap (10.7 m)
        let area = rect_area(10.0, 10.0, &[[0.5, 4.5, 8.0, 5.5]]);
        let grid = RoutingGrid::new(
            &area,
            RoutingParams {
                cell_size: 0.05,
                wall_distance: 0.0,
                clearance: 0.2,
            },
        );
        let field = grid.field(|p| p.y > 9.5).unwrap();
        let start = Vec2::new(6.0, 3.0);
        let dir = field.direction(&grid, start);
        assert!(dir.x > 0.5, "must head right around the block, got {dir:?}");
        // geodesic: (6,3) -> corner (8,4.5) -> corner (8,5.5) -> straight up to y=9.5
        let geo = Vec2::new(6.0, 3.0).distance(Vec2::new(8.0, 4.5)) + 1.0 + 4.0;
        let d = field.distance(&grid, start);
        assert!(
            d > geo - 0.2 && d < geo + 0.5,
            "distance {d} vs geodesic {geo}"
        );
    }

    /// A fence of posts with 0.3 m gaps (narrower than an agent) is a wall to routing, even on
    /// a grid coarser than the gaps; a 1 m gap in it is used.
    #[test]
    fn fence_gaps_narrower_than_an_agent_are_closed() {
        // 20 x 10 room; fence along y = 5 from x = 0.1 to 19.9: posts 0.5 m long, 0.3 m gaps,
        // except one 1.0 m gap at x = 16..17
        let mut holes = Vec::new();
        let mut x = 0.1;
        while x < 19.5 {
            if !(15.6..17.0).contains(&x) {
                holes.push([x, 4.95, x + 0.5, 5.05]);
            }
            x += 0.8;
        }
        let area = rect_area(20.0, 10.0, &holes);
        let grid = RoutingGrid::new(
            &area,
            RoutingParams {
                cell_size: 0.4,
                wall_distance: 0.0,
                clearance: 0.2,
            },
        );
        let field = grid.field(|p| p.y > 9.5).unwrap();
        // from (4, 2) straight up would be 7.5 m; through the 1 m gap at x ~ 16.5 it is ~ 16 m
        let d = field.distance(&grid, Vec2::new(4.0, 2.0));
        assert!(d > 14.0, "routed through a 0.3 m gap: distance {d}");
        let dir = field.direction(&grid, Vec2::new(4.0, 2.0));
        assert!(dir.x > 0.7, "should head for the wide gap, got {dir:?}");
    }

    /// The tiled store gives every cell the direction of the row-major field it was built
    /// from, on a grid whose sides are not multiples of the tile, and stores only the tiles
    /// with a non-zero direction.
    #[test]
    fn tiled_directions_equal_the_dense_field() {
        let (nx, ny) = (11, 7);
        let mut dense = vec![[0i16; 2]; nx * ny];
        // non-zero in the first tile column and in the last (partial) tile
        for j in 0..ny {
            dense[j * nx] = [j as i16 + 1, -(j as i16)];
        }
        dense[6 * nx + 10] = [-5, 9];
        let t = TiledDirections::new(nx, ny, &dense);
        for j in 0..ny {
            for i in 0..nx {
                assert_eq!(t.get(i, j), dense[j * nx + i], "cell ({i}, {j})");
            }
        }
        // 3 x 2 tiles: (0, 0), (0, 1) and (2, 1) stored, after the shared zero tile
        assert_eq!(t.index.len(), 6);
        assert_eq!(t.tiles.len(), 4);
        assert_eq!(t.index[1], 0);
    }

    #[test]
    fn unreachable_target_gives_infinite_distance() {
        // a wall across the whole room leaves two parts: build as two holes touching? Use a
        // closed inner ring instead: the inside of the hole is not walkable.
        let area = rect_area(10.0, 10.0, &[[2.0, 2.0, 8.0, 8.0]]);
        let grid = RoutingGrid::new(
            &area,
            RoutingParams {
                cell_size: 0.1,
                wall_distance: 0.5,
                clearance: 0.2,
            },
        );
        assert!(
            grid.field(|p| p.x > 4.0 && p.x < 6.0 && p.y > 4.0 && p.y < 6.0)
                .is_none()
        );
    }
}
