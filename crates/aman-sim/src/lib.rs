//! # aman-sim
//!
//! The pedestrian simulator, in JuPedSim's three layers:
//!
//! - *strategic*: [`Journey`]s of [`Stage`]s (waypoints, exits), with exit choice by walking
//!   distance and re-choice when an exit closes ([`Event`]);
//! - *tactical*: [`routing`] fields, one per stage, solved once by fast marching and looked up in
//!   O(1) per agent per step;
//! - *operational*: the pedestrian models in [`operational`] — the Collision-Free Speed Model, the
//!   Anticipation Velocity Model and the Social Force Model.
//!
//! Agents are stored struct-of-arrays ([`Agents`]); neighbours are found on a uniform grid rebuilt
//! every step; the model runs in parallel over agents with rayon from a frozen generation, so a
//! run is bit-identical for any thread count.
#![forbid(unsafe_code)]

mod agents;
pub mod benchmark;
mod error;
mod journey;
pub mod neighbours;
pub mod operational;
pub mod rng;
pub mod routing;
mod simulation;
pub mod stairs;

pub use agents::{AgentId, AgentSpec, Agents, BLOCKED_RADIUS};
pub use error::SimError;
pub use journey::{Journey, JourneyId, RouteChoice, Stage, StageId, StageKind};
pub use operational::{
    AnticipationVelocityModel, CollisionFreeSpeedModel, GeneralizedCentrifugalForceModel, Model,
    SocialForceModel,
};
pub use simulation::{Crossing, Event, ExitRecord, RouteCost, SimConfig, Simulation, StepCounters};
pub use stairs::Stair;
