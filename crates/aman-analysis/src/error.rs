//! The one error type of this crate.

/// Everything an analysis can reject.
///
/// Each variant carries the offending input and its `Display` says what would be valid, so the
/// CLI can print it unchanged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AnalysisError {
    /// A density grid's cell side is not a positive finite number of metres.
    #[error("grid cell size {cell} m is not valid; use a positive finite size such as 1.0 m")]
    InvalidCellSize {
        /// The rejected side length, metres.
        cell: f64,
    },
    /// A bounding box is not finite or has its corners the wrong way round.
    #[error(
        "bounding box from ({lo_x}, {lo_y}) to ({hi_x}, {hi_y}) m is not valid; both corners \
         must be finite and the first must be lower-left of the second"
    )]
    InvalidBounds {
        /// x of the lower-left corner, metres.
        lo_x: f64,
        /// y of the lower-left corner, metres.
        lo_y: f64,
        /// x of the upper-right corner, metres.
        hi_x: f64,
        /// y of the upper-right corner, metres.
        hi_y: f64,
    },
    /// The grid would have more cells than [`MAX_GRID_CELLS`](crate::density::MAX_GRID_CELLS).
    #[error(
        "a {nx} × {ny} grid of {cell} m cells has more than {max} cells; use a larger cell size"
    )]
    GridTooLarge {
        /// Cells along x.
        nx: usize,
        /// Cells along y.
        ny: usize,
        /// The requested cell side, metres.
        cell: f64,
        /// The largest number of cells accepted.
        max: usize,
    },
    /// The trajectory data breaks its invariants (see `TrajectoryData::check`).
    #[error("invalid trajectory data: {0}")]
    InvalidTrajectory(String),
}
