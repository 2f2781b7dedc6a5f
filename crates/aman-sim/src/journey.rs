//! The strategic layer as data: stages (where agents go) and journeys (in what order).

use aman_geometry::Vec2;

/// Index of a stage within its simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct StageId(pub u32);

/// Index of a journey within its simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct JourneyId(pub u32);

/// What a stage is.
#[derive(Debug, Clone, PartialEq)]
pub enum StageKind {
    /// A point to pass near: completed when the agent is within `distance` metres of `position`.
    Waypoint {
        /// The point, metres.
        position: Vec2,
        /// Radius around it that counts as reached, metres (> 0).
        distance: f64,
    },
    /// An exit: an agent whose centre enters the polygon leaves the simulation.
    Exit {
        /// The exit area, metres. It must overlap the walkable area.
        polygon: geo::Polygon<f64>,
    },
}

/// A named stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// Name used in scenarios and results.
    pub name: String,
    /// What it is.
    pub kind: StageKind,
}

/// A journey: a sequence of steps; each step is one stage or a choice among alternatives.
///
/// At each step an agent targets the *open* alternative nearest to it by walking distance (from
/// the routing fields), and chooses again when its target closes. The last step must consist of
/// exits. If every alternative of an exit step is closed, the agent heads to the nearest open
/// exit of the whole simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct Journey {
    /// Name used in scenarios and results.
    pub name: String,
    /// The steps, in order; each is a non-empty list of alternative stages.
    pub steps: Vec<Vec<StageId>>,
}
