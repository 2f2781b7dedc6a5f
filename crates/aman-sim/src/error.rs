//! The one error type of the simulator.

/// What can go wrong when setting up or running a simulation.
///
/// Every variant names the offending item (agent, stage, journey) and the allowed values, in the
/// manner of JuPedSim's `validateConstraint`.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum SimError {
    /// A model or agent parameter lies outside its documented range.
    #[error("{what} = {value} is not in the allowed range {range}")]
    ParameterOutOfRange {
        /// Which parameter, e.g. `agent 3: desired_speed` or `cfsm.range_neighbor_repulsion`.
        what: String,
        /// The value given.
        value: f64,
        /// The allowed range, as text, e.g. `(0, 10] m/s`.
        range: &'static str,
    },
    /// An agent's start position is not inside the walkable area, or too close to a wall.
    #[error("agent at ({x}, {y}) is {problem}")]
    AgentPlacement {
        /// x of the agent, metres.
        x: f64,
        /// y of the agent, metres.
        y: f64,
        /// What is wrong with the position.
        problem: String,
    },
    /// A stage cannot be used: outside the walkable area, or no walkable cell inside it.
    #[error("stage '{stage}': {problem}")]
    Stage {
        /// The stage's name.
        stage: String,
        /// What is wrong.
        problem: String,
    },
    /// A journey refers to something that does not exist, or is empty.
    #[error("journey '{journey}': {problem}")]
    Journey {
        /// The journey's name.
        journey: String,
        /// What is wrong.
        problem: String,
    },
    /// No walkable path leads from an agent's position to its target.
    #[error("stage '{stage}' cannot be reached from ({x}, {y}): no walkable path leads there")]
    Unreachable {
        /// The stage's name.
        stage: String,
        /// x of the start, metres.
        x: f64,
        /// y of the start, metres.
        y: f64,
    },
    /// The configuration of the run itself (dt, end time, threads…) is invalid.
    #[error("{0}")]
    Config(String),
}
