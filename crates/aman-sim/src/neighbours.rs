//! Uniform-grid neighbour search for moving agents: a counting sort by cell every step into
//! reused buffers (no allocation once warmed up).

use aman_geometry::Vec2;

/// Agents binned into square cells of side `cell`; a query visits the 3 × 3 cells around a point,
/// so every agent within `cell` metres of it is found.
#[derive(Debug, Clone, Default)]
pub struct NeighbourGrid {
    origin: Vec2,
    cell: f64,
    nx: usize,
    ny: usize,
    start: Vec<u32>,
    sorted: Vec<u32>,
    cell_of: Vec<u32>,
    fill: Vec<u32>,
}

impl NeighbourGrid {
    /// Rebuilds the grid over the box `lo..hi` with cells of side `cell` (metres) for the given
    /// positions. Positions outside the box are clamped into the border cells.
    pub fn rebuild(&mut self, lo: Vec2, hi: Vec2, cell: f64, positions: &[Vec2]) {
        self.origin = lo;
        self.cell = cell;
        self.nx = (((hi.x - lo.x) / cell).ceil() as usize).max(1);
        self.ny = (((hi.y - lo.y) / cell).ceil() as usize).max(1);
        let ncell = self.nx * self.ny;
        self.start.clear();
        self.start.resize(ncell + 1, 0);
        self.cell_of.clear();
        for p in positions {
            let c = self.cell_index(*p);
            self.cell_of.push(c as u32);
            self.start[c + 1] += 1;
        }
        for c in 0..ncell {
            self.start[c + 1] += self.start[c];
        }
        self.sorted.clear();
        self.sorted.resize(positions.len(), 0);
        // stable counting sort: agents of a cell stay in slot order
        self.fill.clear();
        self.fill.extend_from_slice(&self.start[..ncell]);
        for (i, &c) in self.cell_of.iter().enumerate() {
            let k = &mut self.fill[c as usize];
            self.sorted[*k as usize] = i as u32;
            *k += 1;
        }
    }

    /// Number of agents indexed by the last rebuild.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Whether the grid indexes no agent.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// Side of the cells, metres (0 before the first rebuild).
    pub fn cell_size(&self) -> f64 {
        self.cell
    }

    #[inline]
    fn cell_coords(&self, p: Vec2) -> (usize, usize) {
        let fx = ((p.x - self.origin.x) / self.cell).max(0.0) as usize;
        let fy = ((p.y - self.origin.y) / self.cell).max(0.0) as usize;
        (fx.min(self.nx - 1), fy.min(self.ny - 1))
    }

    #[inline]
    fn cell_index(&self, p: Vec2) -> usize {
        let (i, j) = self.cell_coords(p);
        j * self.nx + i
    }

    /// Calls `f(k)` for every agent slot `k` in the 3 × 3 cells around `p` (including the agent
    /// at `p` itself, if any), in a fixed order.
    #[inline]
    pub fn for_each_near(&self, p: Vec2, mut f: impl FnMut(usize)) {
        let (i, j) = self.cell_coords(p);
        let (i0, i1) = (i.saturating_sub(1), (i + 1).min(self.nx - 1));
        let (j0, j1) = (j.saturating_sub(1), (j + 1).min(self.ny - 1));
        for jj in j0..=j1 {
            let row = jj * self.nx;
            let a = self.start[row + i0] as usize;
            let b = self.start[row + i1 + 1] as usize;
            for &k in &self.sorted[a..b] {
                f(k as usize);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_agent_within_one_cell_size() {
        let pts: Vec<Vec2> = (0..400)
            .map(|k| Vec2::new((k * 37 % 101) as f64 * 0.1, (k * 53 % 97) as f64 * 0.1))
            .collect();
        let mut g = NeighbourGrid::default();
        g.rebuild(Vec2::ZERO, Vec2::new(10.0, 10.0), 1.5, &pts);
        for (a, &p) in pts.iter().enumerate() {
            let mut found = vec![false; pts.len()];
            g.for_each_near(p, |k| found[k] = true);
            assert!(found[a]);
            for (b, &q) in pts.iter().enumerate() {
                if p.distance(q) <= 1.5 {
                    assert!(found[b], "{a} misses {b}");
                }
            }
        }
    }
}
