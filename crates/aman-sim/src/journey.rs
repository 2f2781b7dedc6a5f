//! The strategic layer as data: stages (where agents go) and journeys (in what order).

use aman_geometry::{Segment, Vec2};

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
    /// An exit through a door: a segment of the walkable area's boundary, its clear opening.
    /// The boundary is open there (the walls are cut, [`aman_geometry::opening`]) and an agent
    /// leaves when its centre crosses it, so the door passes as many persons as its width
    /// allows — an exit area against a wall is also entered from its sides. A closed door is a
    /// wall.
    Door {
        /// The opening, metres: both ends on the boundary, the segment along it (within
        /// [`aman_geometry::opening::ON_WALL_TOLERANCE`]).
        segment: Segment,
    },
    /// A waypoint given as a door inside the walkable area: a segment across a passage (a
    /// doorway between two rooms, a gate), walkable on both sides; completed when the agent's
    /// centre crosses it, whichever way.
    Passage {
        /// The opening, metres: its middle inside the walkable area.
        segment: Segment,
    },
}

impl StageKind {
    /// Whether agents leave the simulation here (an exit area or an exit door).
    pub fn is_exit(&self) -> bool {
        matches!(self, StageKind::Exit { .. } | StageKind::Door { .. })
    }
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
/// the routing fields), and chooses again when its target closes or a stage opens. With [`RouteChoice::Quickest`]
/// it also reconsiders, every second, whether another alternative would be quicker given the
/// queues. The last step must consist of exits. If every alternative of an exit step is closed,
/// the agent heads to the nearest open exit of the whole simulation; if none is open (or every
/// alternative of another step is closed), it walks up to the target it had and waits there,
/// as a crowd gathers at a closed gate, until one opens.
#[derive(Debug, Clone, PartialEq)]
pub struct Journey {
    /// Name used in scenarios and results.
    pub name: String,
    /// The steps, in order; each is a non-empty list of alternative stages.
    pub steps: Vec<Vec<StageId>>,
    /// How an agent chooses among the alternatives of a step.
    pub choice: RouteChoice,
}

/// How an agent chooses among the alternatives of a journey step (exits, or waypoints that
/// start different routes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RouteChoice {
    /// The open alternative with the least travel time at the agent's own speed, queues
    /// ignored (the nearest exit, stairs counted as slower: [`crate::RouteCost`]).
    #[default]
    Nearest,
    /// The open alternative with the least estimated time to get through it: walking time plus
    /// waiting time, `T_s = d_s / v0 + n_s / C_s`, with `d_s` the routing field's travel
    /// distance to the stage, `v0` the agent's desired speed, `n_s` the agents already heading
    /// for `s` that are nearer to it, and `C_s = 1.3 1/(m·s) × w_s` its capacity (the specific
    /// flow of a door at capacity, Weidmann 1993; `w_s` the length of the stage polygon's
    /// edges inside the walkable area — edges along walls excluded, so a 1 m × 0.5 m strip
    /// against a wall counts 2 m, its front and both sides — or a waypoint's diameter). Reconsidered every second; an agent
    /// switches when the gain is over 10 % and over 1 s, and then only with probability 1/4 per
    /// second, so that a crowd does not swing from one exit to the other all at once. After the
    /// quickest-route idea of Kemloh Wagoum, Seyfried & Holl, "Modeling the dynamic route choice
    /// of pedestrians to assess the criticality of building evacuation", Advances in Complex
    /// Systems 15(7), 2012.
    Quickest,
}
