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
    /// A frame count parameter (`frame_step`, `delta_frame`) is zero.
    #[error("{name} = {value} frames is not valid; use a positive number of frames such as 5")]
    InvalidFrameCount {
        /// The parameter's name.
        name: &'static str,
        /// The rejected value, frames.
        value: u64,
    },
    /// A measurement line has (numerically) zero length.
    #[error(
        "measurement line {name:?} has zero length; give two distinct end points, e.g. \
         LINESTRING (0 0, 2 0)"
    )]
    DegenerateLine {
        /// The line's name.
        name: String,
    },
    /// The trajectory has no rows, so there is no frame range to analyse.
    #[error("the trajectory has no rows; there is nothing to analyse")]
    EmptyTrajectory,
    /// A row-aligned input (speeds, …) does not have one value per trajectory row.
    #[error(
        "{what} has {len} values but the trajectory has {rows} rows; compute it from the same \
         trajectory"
    )]
    LengthMismatch {
        /// What the input is.
        what: &'static str,
        /// Its length.
        len: usize,
        /// Rows of the trajectory.
        rows: usize,
    },
    /// A direction vector is zero or not finite.
    #[error("direction ({x}, {y}) is not valid; use a finite non-zero vector such as (1, 0)")]
    InvalidDirection {
        /// x component.
        x: f64,
        /// y component.
        y: f64,
    },
    /// A length parameter (a passing area's width, a distance) is zero or not finite.
    #[error("{name} {value} m is not valid; use a finite non-zero length such as 1.0 m")]
    InvalidLength {
        /// The parameter's name.
        name: &'static str,
        /// The rejected value, metres.
        value: f64,
    },
}
