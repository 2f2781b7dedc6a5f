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
    /// A Voronoi cut-off circle with a radius that is not a positive finite number of metres, or
    /// with no segment per quarter circle.
    #[error(
        "Voronoi cut-off radius {radius} m with {quad_segments} segments per quarter circle is \
         not valid; use a positive finite radius and at least 1 segment, e.g. Cutoff {{ radius: \
         0.8, quad_segments: 3 }}"
    )]
    InvalidCutoff {
        /// The rejected radius, metres.
        radius: f64,
        /// The rejected number of segments per quarter circle.
        quad_segments: u32,
    },
    /// Two persons stand at exactly the same position in one frame, so they have no Voronoi cells.
    #[error(
        "persons {first_id} and {second_id} stand at the same position ({x}, {y}) in frame \
         {frame}, so their Voronoi cells are undefined; fix or drop one of the two rows"
    )]
    CoincidentPositions {
        /// The frame.
        frame: u64,
        /// Id of the first person (smaller row).
        first_id: u64,
        /// Id of the second person.
        second_id: u64,
        /// x, metres.
        x: f64,
        /// y, metres.
        y: f64,
    },
    /// A person stands outside the walkable area (or inside an obstacle).
    #[error(
        "person {id} at ({x}, {y}) in frame {frame} is outside the walkable area; check that \
         the trajectory and the geometry belong together (same units, same origin)"
    )]
    OutsideWalkableArea {
        /// Person id.
        id: u64,
        /// Frame.
        frame: u64,
        /// x, metres.
        x: f64,
        /// y, metres.
        y: f64,
    },
    /// A row needed by a measure has no speed or velocity (NaN), e.g. at a track's border when
    /// the speed was computed with border exclusion.
    #[error(
        "person {id} has no {what} in frame {frame} but is needed there; compute it with a \
         border method that covers every frame (single-sided) or drop those rows"
    )]
    MissingSpeed {
        /// What is missing ("speed", "velocity").
        what: &'static str,
        /// Person id.
        id: u64,
        /// Frame.
        frame: u64,
    },
    /// Line species do not belong to the Voronoi cells and line they are used with.
    #[error(
        "person {id}'s Voronoi cell touches the measurement line in frame {frame} but the \
         species has no direction for this person; compute the species from the same cells and \
         line"
    )]
    SpeciesMismatch {
        /// Person id.
        id: u64,
        /// Frame.
        frame: u64,
    },
    /// A distance of `validation::correct_invalid_points` breaks its rule (PedPy's
    /// `correct_invalid_trajectories` checks the same).
    #[error("correction distance {name} = {value} m is not valid: {rule}")]
    InvalidCorrectionDistance {
        /// The parameter's name.
        name: &'static str,
        /// The rejected value, metres.
        value: f64,
        /// What a valid value looks like.
        rule: &'static str,
    },
    /// A per-frame grid result (profile, pressure) would hold too many values.
    #[error(
        "{frames} frames × {cells} grid cells is more than {max} values; use a larger cell \
         size or fewer frames"
    )]
    ProfileTooLarge {
        /// Frames in the result.
        frames: usize,
        /// Cells of the grid.
        cells: usize,
        /// The largest number of values accepted.
        max: usize,
    },
    /// A time series cannot go through the steady-state detection ([`crate::steady`]).
    #[error("steady-state detection: {0}")]
    SteadyState(String),
}
