//! Individual Voronoi cells and the measures built on them (being written).

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
