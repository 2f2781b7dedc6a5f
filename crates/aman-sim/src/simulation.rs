//! The simulation: state plus the fixed order of systems that advance it by one step.

use std::time::{Duration, Instant};

use aman_geometry::{MeasurementLine, Segment, Vec2, WalkableArea, WallIndex};
use geo::{BoundingRect, Contains};
use rayon::prelude::*;

use crate::agents::{BLOCKED_RADIUS, kept_runs, retain_runs};
use crate::journey::RouteChoice;
use crate::neighbours::NeighbourGrid;
use crate::operational::{Kinematics, Model, OperationalModel, Scratch, StepContext};
use crate::routing::{DirectionMemo, RoutingField, RoutingGrid, RoutingParams};
use crate::stairs::{Stair, StairMap};
use crate::{
    AgentId, AgentSpec, Agents, Journey, JourneyId, SimError, Stage, StageId, StageKind, rng,
};

/// Specific flow of a door at capacity, 1/(m·s) (Weidmann 1993): the capacity estimate of
/// [`RouteChoice::Quickest`].
const SPECIFIC_CAPACITY: f64 = 1.3;

/// Salt of the random stream of [`RouteChoice::Quickest`]'s switches.
const QUICKEST_STREAM: u64 = 0x5155_4943_4b45_5354;

/// Arrivals whose time has come that are tried per step, at most.
const MAX_ARRIVAL_TRIES: usize = 256;

/// Settings of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Time step, seconds, in [0.0001, 0.1]. JuPedSim's default is 0.01 s; the social force
    /// model needs ≤ 0.01 s.
    pub dt: f64,
    /// Seed of every random draw during the run (blocked agents' side steps).
    pub seed: u64,
    /// The pedestrian model and its parameters.
    pub model: Model,
    /// Routing grid parameters; `None` picks [`RoutingParams::for_area`].
    pub routing: Option<RoutingParams>,
    /// Seconds an agent must be blocked (wanting to move but staying within 0.1 m of where it
    /// last made progress: frozen, or oscillating in place) before it side-steps to break the
    /// stand-off, at a random angle of 45° to 108° left or right of its route, drawn afresh for
    /// each blocked period. Default 3 s, range (0, 600].
    pub blocked_time: f64,
    /// Stair areas, where agents walk at a fraction of their desired speed ([`Stair`]).
    pub stairs: Vec<Stair>,
    /// What routes minimise: travel time (stairs cost their slower walking; default) or
    /// distance.
    pub route_cost: RouteCost,
    /// Density-aware routing: every this many seconds, each stage's routing field is solved
    /// again with the walking speed of every place slowed by the crowd there, so that agents
    /// spread over the width of a corridor and go around crowded places instead of all
    /// heading for the nearest point of their target (a dynamic floor field after Kretz,
    /// "Pedestrian traffic: on the quickest path", J. Stat. Mech. P03012, 2009). The slowing
    /// factor is Weidmann's fundamental diagram over his free speed,
    /// `v(ρ)/v_free = 1 − exp(−1.913 · (1/ρ − 1/5.4))` (at least 0.05), with `ρ` the agents
    /// per m² of walkable area in the 3 m × 3 m around each 1 m block. `None` (default):
    /// routing fields are computed once. Range [0.1, 600] s; each update costs one
    /// fast-marching solve per stage (on the 63,000 m² event site with five exits, 1 s doubles
    /// the run time).
    pub dynamic_routing: Option<f64>,
}

/// What the routing fields minimise, which decides between a short route over stairs and a
/// longer one on the flat (RiMEA 3.0, test 14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RouteCost {
    /// Travel time: each stair's cells are slowed by the factor of the direction in which the
    /// route crosses it (up or down), so a route over stairs is taken only when it is quicker.
    #[default]
    Time,
    /// Walking distance: stairs cost as much as the flat.
    Distance,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            dt: 0.01,
            seed: 0,
            model: Model::CollisionFreeSpeed(Default::default()),
            routing: None,
            blocked_time: 3.0,
            stairs: Vec::new(),
            route_cost: RouteCost::Time,
            dynamic_routing: None,
        }
    }
}

/// Something that happens at a given simulated time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// The stage closes: nobody targets it any more; agents heading there choose again.
    Close(StageId),
    /// The stage opens again and can be chosen.
    Open(StageId),
}

/// An agent crossing a measurement line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Crossing {
    /// Index of the line, in order of [`Simulation::add_measurement_line`].
    pub line: usize,
    /// The agent.
    pub agent: AgentId,
    /// Time of the crossing (interpolated within the step), seconds.
    pub time: f64,
    /// +1 when crossing from the right of the line (seen from its first to its second point)
    /// to its left, −1 the other way.
    pub direction: i8,
}

/// An agent leaving through an exit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExitRecord {
    /// The agent.
    pub agent: AgentId,
    /// The exit stage.
    pub stage: StageId,
    /// Simulated time it left, seconds.
    pub time: f64,
    /// Its group label.
    pub group: u32,
}

/// Wall-clock time spent in each system, summed over all steps (rapier's stage counters).
#[derive(Debug, Clone, Copy, Default)]
pub struct StepCounters {
    /// Events, arrivals, stage completion, removal.
    pub strategic: Duration,
    /// Neighbour grid rebuild.
    pub neighbours: Duration,
    /// Desired directions from routing fields, and the pedestrian model (one pass over the
    /// agents in cell order).
    pub operational: Duration,
    /// Wall constraint, line crossings, swap.
    pub movement: Duration,
}

/// A pedestrian simulation: walkable area, stages, journeys, agents, and the systems that move
/// them, in JuPedSim's order (`Simulation::Iterate`): events and arrivals → stage completion and
/// removal → neighbour grid → tactical (desired directions) and operational (model) in one
/// parallel pass from the frozen current generation, agents visited in the grid's cell order →
/// movement (wall constraint, crossings) → clock.
///
/// Same inputs and seed give bit-identical results whatever the number of threads.
///
/// A clone is an independent simulation in the same state; with [`Simulation::set_seed`] it
/// runs as another member of an ensemble without solving the routing fields again (the
/// costly part of [`Simulation::new`] on a large venue).
#[derive(Clone)]
pub struct Simulation {
    config: SimConfig,
    area: WalkableArea,
    walls: WallIndex,
    /// Every wall within this distance of a point is in `walls.near(point)`: at least the
    /// interaction cut-off, so that line-of-sight tests see every wall between neighbours.
    wall_margin: f64,
    grid: RoutingGrid,
    /// [`RoutingParams::clearance`] of the grid, m.
    routing_clearance: f64,
    stages: Vec<Stage>,
    stage_open: Vec<bool>,
    stage_bbox: Vec<(Vec2, Vec2)>,
    /// A point inside each stage: the waypoint, or the exit polygon's interior point.
    stage_anchor: Vec<Vec2>,
    /// Per stage, its door (exit doors and passages).
    doors: Vec<Option<Door>>,
    /// Whether some stage is a passage.
    any_passage: bool,
    /// The stretches of wall cut out for the open doors, with their stage: crossing one is
    /// leaving through that door.
    openings: Vec<(StageId, Segment)>,
    fields: Vec<RoutingField>,
    /// Estimated capacity of each stage, persons/s ([`RouteChoice::Quickest`]).
    stage_capacity: Vec<f64>,
    /// Whether some journey chooses by [`RouteChoice::Quickest`].
    any_quickest: bool,
    stairs: StairMap,
    journeys: Vec<Journey>,
    agents: Agents,
    desired: Vec<Vec2>,
    next: Vec<Kinematics>,
    /// `next` and `desired` in the neighbour grid's cell order, as the operational pass
    /// computes them.
    next_sorted: Vec<Planned>,
    /// The desired speed (m/s, stair factor included) in cell order, from the tactical pass.
    speed_sorted: Vec<f64>,
    /// The time gaps (s) in cell order, from the tactical pass.
    gap_sorted: Vec<f64>,
    /// The routing-field cells each agent read last, per slot, kept with the agents when
    /// slots move ([`retain_runs`]; a memo is keyed by target and cell, so a memo left with
    /// another agent would only read right but miss); reset when the fields change.
    route_memo: Vec<DirectionMemo>,
    /// The tactical pass's desired direction and desired speed (m/s) per agent slot.
    tactical_slot: Vec<(Vec2, f64)>,
    keep: Vec<bool>,
    /// The runs of slots of `keep` that stay ([`kept_runs`]).
    runs: Vec<(usize, usize)>,
    /// Where each agent slot was before the last move (m), read for the flagged ones.
    from: Vec<Vec2>,
    /// The agent slots flagged in `attention`, in order (or, after an event, every slot: the
    /// strategic pass visits them all).
    flagged: Vec<u32>,
    /// Per agent slot, whether the serial part of a step has something to do for it (found in
    /// parallel first): at its target or lost, in the strategic pass; across a measurement
    /// line, in the movement pass.
    attention: Vec<bool>,
    neighbours: NeighbourGrid,
    pending: Vec<(f64, AgentSpec)>,
    pending_head: usize,
    events: Vec<(f64, Event)>,
    events_head: usize,
    lines: Vec<MeasurementLine>,
    crossings: Vec<Crossing>,
    exits: Vec<ExitRecord>,
    time: f64,
    iteration: u64,
    next_id: u64,
    counters: StepCounters,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("time", &self.time)
            .field("agents", &self.agents.len())
            .field("stages", &self.stages.len())
            .finish_non_exhaustive()
    }
}

impl Simulation {
    /// Sets up a simulation: validates the configuration, stages and journeys, rasterises the
    /// walkable area and computes one routing field per stage (in parallel).
    ///
    /// # Errors
    /// [`SimError`] naming the offending stage, journey or parameter: a stage with no walkable
    /// cell, a journey that is empty, refers to an unknown stage, or does not end at exits.
    pub fn new(
        area: WalkableArea,
        stages: Vec<Stage>,
        journeys: Vec<Journey>,
        config: SimConfig,
    ) -> Result<Self, SimError> {
        if !(config.dt.is_finite() && (1e-4..=0.1).contains(&config.dt)) {
            return Err(SimError::ParameterOutOfRange {
                what: "dt".into(),
                value: config.dt,
                range: "[0.0001, 0.1] s",
            });
        }
        if !(config.blocked_time.is_finite()
            && config.blocked_time > 0.0
            && config.blocked_time <= 600.0)
        {
            return Err(SimError::ParameterOutOfRange {
                what: "blocked_time".into(),
                value: config.blocked_time,
                range: "(0, 600] s",
            });
        }
        if let Some(t) = config.dynamic_routing
            && !(t.is_finite() && (0.1..=600.0).contains(&t))
        {
            return Err(SimError::ParameterOutOfRange {
                what: "dynamic_routing".into(),
                value: t,
                range: "[0.1, 600] s (each update solves every stage's routing again)",
            });
        }
        match &config.model {
            Model::CollisionFreeSpeed(m) => m.validate()?,
            Model::SocialForce(m) => m.validate(config.dt)?,
            Model::AnticipationVelocity(m) => m.validate(config.dt)?,
            Model::GeneralizedCentrifugalForce(m) => m.validate(config.dt)?,
        }
        let routing = config
            .routing
            .unwrap_or_else(|| RoutingParams::for_area(&area));
        if !(routing.cell_size.is_finite() && routing.cell_size > 0.0) {
            return Err(SimError::ParameterOutOfRange {
                what: "routing.cell_size".into(),
                value: routing.cell_size,
                range: "(0, ∞) m",
            });
        }
        let (lo, hi) = area.bounds();
        let cells = ((hi.x - lo.x) / routing.cell_size) * ((hi.y - lo.y) / routing.cell_size);
        if cells > 6.0e7 {
            return Err(SimError::Config(format!(
                "a routing cell size of {} m gives {:.0} million grid cells for this {:.0} m x {:.0} m \
                 area (at most 60 million); choose a cell size of at least {:.3} m",
                routing.cell_size,
                cells / 1e6,
                hi.x - lo.x,
                hi.y - lo.y,
                routing.cell_size * (cells / 6.0e7).sqrt()
            )));
        }
        for (si, s) in stages.iter().enumerate() {
            if stages[..si].iter().any(|o| o.name == s.name) {
                return Err(SimError::Stage {
                    stage: s.name.clone(),
                    problem: "two stages have this name".into(),
                });
            }
            if let StageKind::Waypoint { position, distance } = &s.kind {
                if !(distance.is_finite() && *distance > 0.0) {
                    return Err(SimError::Stage {
                        stage: s.name.clone(),
                        problem: format!(
                            "distance = {distance} must be a positive number of metres"
                        ),
                    });
                }
                if !area.contains(*position) {
                    return Err(SimError::Stage {
                        stage: s.name.clone(),
                        problem: format!(
                            "waypoint ({}, {}) is outside the walkable area",
                            position.x, position.y
                        ),
                    });
                }
            }
            if let StageKind::Door { segment } = &s.kind {
                check_door(&area, &s.name, segment)?;
            }
            if let StageKind::Passage { segment } = &s.kind {
                check_passage(&area, &s.name, segment)?;
            }
        }
        for j in &journeys {
            if j.steps.is_empty() || j.steps.iter().any(|s| s.is_empty()) {
                return Err(SimError::Journey {
                    journey: j.name.clone(),
                    problem: "it has no stages, or a step with no stage".into(),
                });
            }
            for step in &j.steps {
                for s in step {
                    if s.0 as usize >= stages.len() {
                        return Err(SimError::Journey {
                            journey: j.name.clone(),
                            problem: format!("stage index {} does not exist", s.0),
                        });
                    }
                }
            }
            for (n, step) in j.steps.iter().enumerate() {
                if let Some(d) = step
                    .iter()
                    .enumerate()
                    .find_map(|(k, s)| step[..k].contains(s).then_some(s))
                {
                    return Err(SimError::Journey {
                        journey: j.name.clone(),
                        problem: format!(
                            "step {} names '{}' twice among its alternatives",
                            n + 1,
                            stages[d.0 as usize].name
                        ),
                    });
                }
                if n + 1 < j.steps.len()
                    && let Some(s) = step.iter().find(|s| stages[s.0 as usize].kind.is_exit())
                {
                    return Err(SimError::Journey {
                        journey: j.name.clone(),
                        problem: format!(
                            "step {} of {} names the exit '{}': an agent that reaches an exit \
                             leaves, so exits belong in the last step only",
                            n + 1,
                            j.steps.len(),
                            stages[s.0 as usize].name
                        ),
                    });
                }
            }
            if j.choice == RouteChoice::Quickest && j.steps.iter().all(|s| s.len() < 2) {
                return Err(SimError::Journey {
                    journey: j.name.clone(),
                    problem: "choice = quickest needs a step with two or more alternatives to \
                              choose among; this journey has none"
                        .into(),
                });
            }
            let last = j.steps.last().map(Vec::as_slice).unwrap_or(&[]);
            if let Some(s) = last.iter().find(|s| !stages[s.0 as usize].kind.is_exit()) {
                return Err(SimError::Journey {
                    journey: j.name.clone(),
                    problem: format!(
                        "its last step must be an exit, but '{}' is a waypoint",
                        stages[s.0 as usize].name
                    ),
                });
            }
        }
        let grid = RoutingGrid::new(&area, routing);
        let stairs = StairMap::new(&grid, config.stairs.clone())?;
        let route_cost = config.route_cost;
        let fields: Vec<Option<RoutingField>> = stages
            .par_iter()
            .map(|s| stage_field(&grid, &stairs, route_cost, s, routing.clearance, None))
            .collect();
        let mut out = Vec::with_capacity(stages.len());
        for (s, f) in stages.iter().zip(fields) {
            match f {
                Some(f) => out.push(f),
                None => {
                    return Err(SimError::Stage {
                        stage: s.name.clone(),
                        problem: format!(
                            "it does not overlap the walkable area (no centre of a {} m routing cell \
                             lies in it); move it inside the area, make it larger, or choose a \
                             smaller routing cell size",
                            grid.cell_size()
                        ),
                    });
                }
            }
        }
        let stage_bbox = stages
            .iter()
            .map(|s| match &s.kind {
                StageKind::Waypoint { position, distance } => (
                    *position - Vec2::new(*distance, *distance),
                    *position + Vec2::new(*distance, *distance),
                ),
                StageKind::Exit { polygon } => {
                    let r = polygon.bounding_rect().map(|r| {
                        (
                            Vec2::new(r.min().x, r.min().y),
                            Vec2::new(r.max().x, r.max().y),
                        )
                    });
                    r.unwrap_or((Vec2::ZERO, Vec2::ZERO))
                }
                StageKind::Door { segment: d } | StageKind::Passage { segment: d } => (
                    Vec2::new(d.a.x.min(d.b.x), d.a.y.min(d.b.y)),
                    Vec2::new(d.a.x.max(d.b.x), d.a.y.max(d.b.y)),
                ),
            })
            .collect();
        let stage_anchor = stages
            .iter()
            .map(|s| match &s.kind {
                StageKind::Waypoint { position, .. } => *position,
                StageKind::Exit { polygon } => {
                    use geo::InteriorPoint;
                    polygon
                        .interior_point()
                        .map_or(Vec2::ZERO, |c| Vec2::new(c.x(), c.y()))
                }
                StageKind::Door { segment } | StageKind::Passage { segment } => {
                    (segment.a + segment.b) * 0.5
                }
            })
            .collect();
        let doors: Vec<Option<Door>> = stages
            .iter()
            .map(|s| match &s.kind {
                StageKind::Door { segment } => Some(Door::new(
                    &area,
                    *segment,
                    routing.clearance + grid.cell_size(),
                )),
                StageKind::Passage { segment } => Some(Door {
                    segment: *segment,
                    out: Vec2::ZERO,
                    reach: routing.clearance + grid.cell_size(),
                }),
                _ => None,
            })
            .collect();
        let any_quickest = journeys
            .iter()
            .any(|j| j.choice == RouteChoice::Quickest && j.steps.iter().any(|s| s.len() > 1));
        let stage_capacity = if any_quickest {
            stages
                .iter()
                .map(|s| SPECIFIC_CAPACITY * entrance_width(&area, &s.kind))
                .collect()
        } else {
            Vec::new()
        };
        let wall_margin = 2.5;
        let stage_open = vec![true; stages.len()];
        let (wall_segments, openings) = walls_with_open_doors(&area, &doors, &stage_open);
        let walls = WallIndex::new(&wall_segments, 2.0, wall_margin);
        Ok(Self {
            any_passage: stages
                .iter()
                .any(|s| matches!(s.kind, StageKind::Passage { .. })),
            doors,
            openings,
            routing_clearance: routing.clearance,
            stage_open,
            stage_bbox,
            stage_anchor,
            fields: out,
            stage_capacity,
            any_quickest,
            stairs,
            config,
            area,
            walls,
            wall_margin,
            grid,
            stages,
            journeys,
            agents: Agents::default(),
            desired: Vec::new(),
            next: Vec::new(),
            next_sorted: Vec::new(),
            speed_sorted: Vec::new(),
            route_memo: Vec::new(),
            tactical_slot: Vec::new(),
            gap_sorted: Vec::new(),
            keep: Vec::new(),
            runs: Vec::new(),
            from: Vec::new(),
            flagged: Vec::new(),
            attention: Vec::new(),
            neighbours: NeighbourGrid::default(),
            pending: Vec::new(),
            pending_head: 0,
            events: Vec::new(),
            events_head: 0,
            lines: Vec::new(),
            crossings: Vec::new(),
            exits: Vec::new(),
            time: 0.0,
            iteration: 0,
            next_id: 0,
            counters: StepCounters::default(),
        })
    }

    /// Warnings about exit areas that pass more than their opening: an exit area (polygon)
    /// that agents can enter from its sides as well as its front — a strip lying against the
    /// wall at an opening, say — passes more people than a door of that opening would (an area
    /// 0.8 m wide and 0.5 m deep passed 2.2 times a 0.8 m door: `tests/door_flow.rs` of
    /// aman-scenario). One message per such exit, naming it, its usable width (its edges
    /// inside the walkable area) against its opening (the walkable area's boundary inside it),
    /// and the door to draw instead where the opening is one straight stretch.
    pub fn exit_area_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for s in &self.stages {
            let StageKind::Exit { polygon } = &s.kind else {
                continue;
            };
            let usable = entrance_width(&self.area, &s.kind);
            let (opening, door) = boundary_inside(&self.area, polygon);
            if opening < 0.05 {
                out.push(format!(
                    "exit '{}': the exit area does not touch the walkable area's boundary, so \
                     agents enter it from every side ({usable:.2} m of its edges face the \
                     walkable area) and it passes more than a door would; draw the opening as a \
                     door (door = [[x1, y1], [x2, y2]] on the boundary)",
                    s.name
                ));
            } else if usable > 1.1 * opening + 0.05 {
                let hint = match door {
                    Some(d) => format!(
                        "give it as a door: door = [[{}, {}], [{}, {}]]",
                        round_mm(d.a.x),
                        round_mm(d.a.y),
                        round_mm(d.b.x),
                        round_mm(d.b.y)
                    ),
                    None => "draw its opening as a door (door = [[x1, y1], [x2, y2]] on the \
                             boundary)"
                        .to_string(),
                };
                out.push(format!(
                    "exit '{}': the exit area can be entered from its sides: {usable:.2} m of \
                     its edges face the walkable area against an opening of {opening:.2} m in \
                     the boundary ({:.1} times), so it passes more than a door of that opening; \
                     {hint}",
                    s.name,
                    usable / opening
                ));
            }
        }
        out
    }

    /// Checks an agent before it enters: parameters in range, position inside the walkable area
    /// and at least its radius from every wall, target reachable.
    ///
    /// # Errors
    /// [`SimError::ParameterOutOfRange`], [`SimError::AgentPlacement`], [`SimError::Journey`] or
    /// [`SimError::Unreachable`], naming the agent's position.
    pub fn validate_agent(&self, spec: &AgentSpec) -> Result<(), SimError> {
        let p = spec.position;
        let range = |what: &str, v: f64, ok: bool, range: &'static str| {
            if ok {
                Ok(())
            } else {
                Err(SimError::ParameterOutOfRange {
                    what: format!("agent at ({}, {}): {what}", p.x, p.y),
                    value: v,
                    range,
                })
            }
        };
        let v0 = spec.desired_speed;
        range(
            "desired_speed",
            v0,
            v0.is_finite() && v0 > 0.0 && v0 <= 10.0,
            "(0, 10] m/s",
        )?;
        let r = spec.radius;
        range(
            "radius",
            r,
            r.is_finite() && r > 0.0 && r <= 2.0,
            "(0, 2] m",
        )?;
        let t = spec.time_gap;
        range(
            "time_gap",
            t,
            t.is_finite() && (0.1..=10.0).contains(&t),
            "[0.1, 10] s",
        )?;
        let pm = spec.premovement_time;
        range(
            "premovement_time",
            pm,
            pm.is_finite() && pm >= 0.0,
            "[0, ∞) s",
        )?;
        if !(p.x.is_finite() && p.y.is_finite() && self.area.contains(p)) {
            return Err(SimError::AgentPlacement {
                x: p.x,
                y: p.y,
                problem: "outside the walkable area".into(),
            });
        }
        let dw = self.area.distance_to_wall(p);
        if dw < r {
            return Err(SimError::AgentPlacement {
                x: p.x,
                y: p.y,
                problem: format!("{dw:.3} m from a wall, closer than its radius {r} m"),
            });
        }
        let Some(j) = self.journeys.get(spec.journey.0 as usize) else {
            return Err(SimError::Journey {
                journey: format!("#{}", spec.journey.0),
                problem: "no such journey".into(),
            });
        };
        // every stage of the journey must be reachable from here (the area is connected
        // through open stages only in the sense of the routing grid)
        for step in &j.steps {
            if step.iter().all(|s| {
                !self.fields[s.0 as usize]
                    .distance(&self.grid, p)
                    .is_finite()
            }) {
                let s = step[0];
                return Err(SimError::Unreachable {
                    stage: self.stages[s.0 as usize].name.clone(),
                    x: p.x,
                    y: p.y,
                });
            }
        }
        Ok(())
    }

    /// Adds an agent now. Agents overlapping others are allowed only for the social force model
    /// (the collision-free speed model needs a positive spacing).
    ///
    /// # Errors
    /// As [`Simulation::validate_agent`].
    pub fn add_agent(&mut self, spec: AgentSpec) -> Result<AgentId, SimError> {
        self.validate_agent(&spec)?;
        Ok(self.insert(spec))
    }

    /// Schedules an agent to enter at `time` (seconds) or as soon after as its place is free
    /// (no other agent within the sum of radii): arrivals of a source.
    ///
    /// # Errors
    /// As [`Simulation::validate_agent`].
    pub fn schedule_agent(&mut self, time: f64, spec: AgentSpec) -> Result<(), SimError> {
        self.validate_agent(&spec)?;
        if !time.is_finite() || time < 0.0 {
            return Err(SimError::Config(format!(
                "arrival time {time} s must be a non-negative number"
            )));
        }
        let pos = self.pending[self.pending_head..].partition_point(|(t, _)| *t <= time)
            + self.pending_head;
        self.pending.insert(pos, (time, spec));
        Ok(())
    }

    /// Schedules an event at `time` seconds.
    ///
    /// # Errors
    /// [`SimError::Config`] for a negative or non-finite time or an unknown stage.
    pub fn schedule_event(&mut self, time: f64, event: Event) -> Result<(), SimError> {
        let (Event::Close(s) | Event::Open(s)) = event;
        if s.0 as usize >= self.stages.len() {
            return Err(SimError::Config(format!(
                "event refers to unknown stage index {}",
                s.0
            )));
        }
        if !time.is_finite() || time < 0.0 {
            return Err(SimError::Config(format!(
                "event time {time} s must be a non-negative number"
            )));
        }
        let pos =
            self.events[self.events_head..].partition_point(|(t, _)| *t <= time) + self.events_head;
        self.events.insert(pos, (time, event));
        Ok(())
    }

    /// Adds a measurement line at which crossings are recorded; returns its index.
    pub fn add_measurement_line(&mut self, line: MeasurementLine) -> usize {
        self.lines.push(line);
        self.lines.len() - 1
    }

    fn insert(&mut self, spec: AgentSpec) -> AgentId {
        let id = AgentId(self.next_id);
        self.next_id += 1;
        let target = self.choose(spec.journey, 0, spec.position, None);
        let dir = self.fields[target.0 as usize].direction(&self.grid, spec.position);
        let a = &mut self.agents;
        a.id.push(id);
        a.position.push(spec.position);
        a.velocity.push(Vec2::ZERO);
        a.radius.push(spec.radius);
        a.desired_speed.push(spec.desired_speed);
        a.time_gap.push(spec.time_gap);
        a.journey.push(spec.journey);
        a.journey_step.push(0);
        a.target.push(target);
        a.moves_from.push(self.time + spec.premovement_time);
        a.created_at.push(self.time);
        a.group.push(spec.group);
        a.blocked_for.push(0.0);
        a.anchor.push(spec.position);
        a.walked.push(0.0);
        a.orientation.push(if dir == Vec2::ZERO {
            Vec2::new(1.0, 0.0)
        } else {
            dir
        });
        id
    }

    /// The open alternative of step `step` of `journey` nearest to `p` by walking distance;
    /// if all are closed, the nearest open exit anywhere; if none, `fallback` or the first.
    fn choose(&self, journey: JourneyId, step: u32, p: Vec2, fallback: Option<StageId>) -> StageId {
        let steps = &self.journeys[journey.0 as usize].steps;
        let alts = &steps[(step as usize).min(steps.len() - 1)];
        let nearest = |it: &mut dyn Iterator<Item = StageId>| {
            let mut best: Option<(f64, StageId)> = None;
            for s in it {
                if !self.stage_open[s.0 as usize] {
                    continue;
                }
                let d = self.fields[s.0 as usize].distance(&self.grid, p);
                if d.is_finite() && best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, s));
                }
            }
            best.map(|b| b.1)
        };
        if let Some(s) = nearest(&mut alts.iter().copied()) {
            return s;
        }
        let is_exit_step = alts
            .iter()
            .all(|s| self.stages[s.0 as usize].kind.is_exit());
        if is_exit_step {
            let mut exits = (0..self.stages.len() as u32)
                .map(StageId)
                .filter(|s| self.stages[s.0 as usize].kind.is_exit());
            if let Some(s) = nearest(&mut exits) {
                return s;
            }
        }
        fallback.unwrap_or(alts[0])
    }

    /// [`SimConfig::dynamic_routing`]: solves every stage's field again with the speed of each
    /// routing cell slowed by the local density.
    fn update_routing_for_congestion(&mut self) {
        let factor = congestion_factors(&self.grid, &self.agents.position);
        let (grid, stairs, cost) = (&self.grid, &self.stairs, self.config.route_cost);
        let clearance = self.routing_clearance;
        let fresh: Vec<Option<RoutingField>> = self
            .stages
            .par_iter()
            .map(|s| stage_field(grid, stairs, cost, s, clearance, Some(&factor)))
            .collect();
        for (old, new) in self.fields.iter_mut().zip(fresh) {
            if let Some(f) = new {
                *old = f;
            }
        }
        // the memos hold cells of the old fields
        self.route_memo.clear();
    }

    /// Steps between two reconsiderations of [`RouteChoice::Quickest`]: one second.
    fn reconsider_every(&self) -> u64 {
        ((1.0 / self.config.dt).round() as u64).max(1)
    }

    /// [`RouteChoice::Quickest`]: each agent at a step with alternatives compares its estimated
    /// time through every open alternative, `d / v0 + (agents nearer to it heading there) / C`,
    /// and may switch (see the variant's docs).
    fn reconsider_quickest(&mut self) {
        let n = self.agents.len();
        let a = &self.agents;
        // per stage: the sorted distances of the agents heading there
        let own: Vec<f64> = (0..n)
            .map(|i| self.fields[a.target[i].0 as usize].distance(&self.grid, a.position[i]))
            .collect();
        let mut heading: Vec<Vec<f64>> = vec![Vec::new(); self.stages.len()];
        for (&d, t) in own.iter().zip(&a.target) {
            if d.is_finite() {
                heading[t.0 as usize].push(d);
            }
        }
        for h in &mut heading {
            h.sort_by(f64::total_cmp);
        }
        let estimate = |s: StageId, d: f64, v0: f64| {
            let ahead = heading[s.0 as usize].partition_point(|&x| x < d);
            d / v0 + ahead as f64 / self.stage_capacity[s.0 as usize]
        };
        let mut switch = Vec::new();
        for (i, &d_own) in own.iter().enumerate() {
            let journey = &self.journeys[a.journey[i].0 as usize];
            if journey.choice != RouteChoice::Quickest {
                continue;
            }
            let step = (a.journey_step[i] as usize).min(journey.steps.len() - 1);
            let alts = &journey.steps[step];
            let current = a.target[i];
            if alts.len() < 2 || !alts.contains(&current) || !d_own.is_finite() {
                continue;
            }
            let v0 = a.desired_speed[i].max(0.1);
            let now = estimate(current, d_own, v0);
            let mut best = (now, current);
            for &s in alts {
                if s == current || !self.stage_open[s.0 as usize] {
                    continue;
                }
                let d = self.fields[s.0 as usize].distance(&self.grid, a.position[i]);
                if d.is_finite() {
                    let t = estimate(s, d, v0);
                    if t < best.0 {
                        best = (t, s);
                    }
                }
            }
            let gain = now - best.0;
            if best.1 != current
                && gain > 1.0
                && gain > 0.1 * now
                && rng::uniform(
                    self.config.seed ^ QUICKEST_STREAM,
                    a.id[i].0,
                    self.iteration,
                ) < 0.25
            {
                switch.push((i, best.1));
            }
        }
        for (i, s) in switch {
            self.agents.target[i] = s;
        }
    }

    fn stage_reached(&self, s: StageId, p: Vec2) -> bool {
        let (lo, hi) = self.stage_bbox[s.0 as usize];
        if p.x < lo.x || p.y < lo.y || p.x > hi.x || p.y > hi.y {
            return false;
        }
        match &self.stages[s.0 as usize].kind {
            StageKind::Waypoint { position, distance } => p.distance(*position) <= *distance,
            StageKind::Exit { polygon } => polygon.contains(&geo::Coord { x: p.x, y: p.y }),
            // left when crossed, in the movement system
            StageKind::Door { .. } | StageKind::Passage { .. } => false,
        }
    }

    /// Whether agent slot `i` is lost at time `now`: it wants to move, got a zero desired
    /// direction last step, and its target cannot be reached from where it stands (pushed
    /// through a gap that routing treats as closed). Only agents with a zero direction are
    /// looked up: an agent still in its pre-movement time got one because it waits, and it
    /// stands where its target was chosen (looking all of those up, one cache miss each, was
    /// an eighth of a forecast whose crowd starts over a minute).
    #[inline]
    fn lost(&self, i: usize, now: f64) -> bool {
        now >= self.agents.moves_from[i]
            && self.desired.get(i).is_some_and(|d| *d == Vec2::ZERO)
            && self.fields[self.agents.target[i].0 as usize]
                .distance(&self.grid, self.agents.position[i])
                .is_infinite()
    }

    /// Advances the simulation by one time step `dt`.
    pub fn step(&mut self) {
        // The step's eight parallel loops, called from a thread outside rayon's pool, would
        // each hand their work to the pool and sleep until it is done, and the pool's threads
        // would sleep between loops: run from within the pool, the caller's thread shares the
        // work, and one hand-over per step is left (7–10 % of a 20,000-person forecast's wall
        // time on two cores; the same results). Called from within the pool, it runs in place.
        rayon::scope(|_| self.step_in_pool());
    }

    /// [`Simulation::step`], on a thread of rayon's pool.
    fn step_in_pool(&mut self) {
        let t0 = Instant::now();
        let now = self.time;
        // events
        let mut rechoose = false;
        let mut opened = false;
        let mut doors_changed = false;
        while self.events_head < self.events.len() && self.events[self.events_head].0 <= now + 1e-9
        {
            let (_, ev) = self.events[self.events_head];
            self.events_head += 1;
            let s = match ev {
                Event::Close(s) => {
                    self.stage_open[s.0 as usize] = false;
                    s
                }
                Event::Open(s) => {
                    self.stage_open[s.0 as usize] = true;
                    opened = true;
                    s
                }
            };
            doors_changed |= self.doors[s.0 as usize].is_some();
            rechoose = true;
        }
        if doors_changed {
            // a closed door is a wall again, an opened one a gap
            let (segments, openings) =
                walls_with_open_doors(&self.area, &self.doors, &self.stage_open);
            self.walls = WallIndex::new(&segments, 2.0, self.wall_margin);
            self.openings = openings;
        }
        // arrivals: enter when the place is free
        if self.pending_head < self.pending.len() && self.pending[self.pending_head].0 <= now + 1e-9
        {
            let mut k = self.pending_head;
            let mut waiting = Vec::new();
            // agents indexed by last step's neighbour grid (they moved at most a few cm since)
            let indexed = if self.neighbours.len() == self.agents.len() {
                self.agents.len()
            } else {
                0
            };
            let rmax = self.agents.radius.iter().copied().fold(0.0, f64::max);
            // at most MAX_ARRIVAL_TRIES waiting arrivals are tried per step (in order), so a
            // long queue of arrivals into a full area does not make every step slow
            let last = self
                .pending
                .len()
                .min(self.pending_head + MAX_ARRIVAL_TRIES);
            while k < last && self.pending[k].0 <= now + 1e-9 {
                let spec = self.pending[k].1.clone();
                let clear = |j: usize| {
                    self.agents.position[j].distance(spec.position)
                        > self.agents.radius[j] + spec.radius
                };
                let free = if indexed > 0 && rmax + spec.radius + 0.1 <= self.neighbours.reach() {
                    let mut ok = true;
                    self.neighbours
                        .for_each_near(spec.position, |j| ok &= clear(j));
                    ok && (indexed..self.agents.len()).all(clear)
                } else {
                    (0..self.agents.len()).all(clear)
                };
                if free {
                    self.insert(spec);
                } else {
                    waiting.push(self.pending[k].clone());
                }
                k += 1;
            }
            // keep the ones still waiting at the head, in order
            let start = k - waiting.len();
            for (o, w) in waiting.into_iter().enumerate() {
                self.pending[start + o] = w;
            }
            self.pending_head = start;
        }
        // stage completion, choice, removal
        let n = self.agents.len();
        self.keep.clear();
        self.keep.resize(n, true);
        let mut any_left = false;
        // The agents the loop below has something to do for: after an event every one (each
        // may choose again), else those lost or at their target, found in parallel first (the
        // tests, a polygon's for an exit, were most of this serial loop, with the other core
        // idle), then visited in slot order as before.
        let mut attention = std::mem::take(&mut self.attention);
        let mut visit = std::mem::take(&mut self.flagged);
        visit.clear();
        if rechoose || opened {
            visit.extend(0..n as u32);
        } else {
            attention.clear();
            attention.resize(n, false);
            let me = &*self;
            attention
                .par_iter_mut()
                .enumerate()
                .with_min_len(2048)
                .for_each(|(i, a)| {
                    let target = me.agents.target[i];
                    *a = me.lost(i, now)
                        || (me.stage_open[target.0 as usize]
                            && me.stage_reached(target, me.agents.position[i]));
                });
            visit.extend(flagged(&attention));
        }
        for &i in &visit {
            let i = i as usize;
            let p = self.agents.position[i];
            let mut target = self.agents.target[i];
            // choose again when the target closed or a stage opened, or when the agent got
            // where its target cannot be reached (pushed through a gap that routing treats as
            // closed); an exit that opens is a new alternative for everybody: all choose again
            if (rechoose && !self.stage_open[target.0 as usize]) || opened || self.lost(i, now) {
                target = self.choose(
                    self.agents.journey[i],
                    self.agents.journey_step[i],
                    p,
                    Some(target),
                );
                self.agents.target[i] = target;
            }
            if self.stage_open[target.0 as usize] && self.stage_reached(target, p) {
                match self.stages[target.0 as usize].kind {
                    StageKind::Exit { .. } | StageKind::Door { .. } => {
                        self.keep[i] = false;
                        any_left = true;
                        self.exits.push(ExitRecord {
                            agent: self.agents.id[i],
                            stage: target,
                            time: now,
                            group: self.agents.group[i],
                        });
                    }
                    StageKind::Waypoint { .. } | StageKind::Passage { .. } => {
                        let step = self.agents.journey_step[i] + 1;
                        self.agents.journey_step[i] = step;
                        self.agents.target[i] = self.choose(self.agents.journey[i], step, p, None);
                    }
                }
            }
        }
        self.attention = attention;
        self.flagged = visit;
        if any_left {
            kept_runs(&self.keep, &mut self.runs);
            self.agents.retain(&self.runs);
            retain_runs(&mut self.route_memo, &self.runs);
        }
        if let Some(t) = self.config.dynamic_routing {
            let every = ((t / self.config.dt).round() as u64).max(1);
            if self.iteration.is_multiple_of(every) && !self.agents.is_empty() {
                self.update_routing_for_congestion();
            }
        }
        if self.any_quickest && self.iteration.is_multiple_of(self.reconsider_every()) {
            self.reconsider_quickest();
        }
        let t1 = Instant::now();
        // neighbour grid
        let cutoff = match &self.config.model {
            Model::CollisionFreeSpeed(m) => m.cutoff(&self.agents),
            Model::SocialForce(m) => m.cutoff(&self.agents),
            Model::AnticipationVelocity(m) => m.cutoff(&self.agents),
            Model::GeneralizedCentrifugalForce(m) => m.cutoff(&self.agents),
        };
        if cutoff > self.wall_margin {
            // agents with a longer reach than the wall index covers: widen it (rare, once)
            self.wall_margin = cutoff.ceil();
            let (segments, _) = walls_with_open_doors(&self.area, &self.doors, &self.stage_open);
            self.walls = WallIndex::new(&segments, 2.0, self.wall_margin);
        }
        let (lo, hi) = self.area.bounds();
        self.neighbours
            .rebuild(lo, hi, cutoff, &self.agents.position, &self.agents.radius);
        let t2 = Instant::now();
        let n = self.agents.len();
        self.desired.resize(n, Vec2::ZERO);
        // operational: every agent from the frozen current generation
        self.next.resize(n, Kinematics::default());
        self.next_sorted.resize(n, Planned::default());
        self.speed_sorted.resize(n, 0.0);
        self.gap_sorted.resize(n, 0.0);
        self.route_memo.resize(n, DirectionMemo::default());
        self.tactical_slot.resize(n, (Vec2::ZERO, 0.0));
        {
            let tactical = Tactical {
                agents: &self.agents,
                fields: &self.fields,
                stairs: &self.stairs,
                anchors: &self.stage_anchor,
                doors: &self.doors,
                grid: &self.grid,
                open: &self.stage_open,
                seed: self.config.seed,
                blocked_time: self.config.blocked_time,
                now,
            };
            let out = &mut self.next_sorted[..];
            tactical_pass(
                self.neighbours.sorted(),
                &tactical,
                (&mut self.route_memo, &mut self.tactical_slot),
                out,
                &mut self.speed_sorted,
                &mut self.gap_sorted,
            );
            let ctx = StepContext {
                agents: &self.agents,
                neighbours: &self.neighbours,
                walls: &self.walls,
                dt: self.config.dt,
                cutoff,
                max_radius: self.agents.radius.iter().copied().fold(0.0, f64::max),
                seed: self.config.seed,
                time_gap: &self.gap_sorted,
            };
            let speed = &self.speed_sorted[..];
            match &self.config.model {
                Model::CollisionFreeSpeed(m) => operational_pass(m, &ctx, speed, out),
                Model::SocialForce(m) => operational_pass(m, &ctx, speed, out),
                Model::AnticipationVelocity(m) => operational_pass(m, &ctx, speed, out),
                Model::GeneralizedCentrifugalForce(m) => operational_pass(m, &ctx, speed, out),
            }
        }
        let t4 = Instant::now();
        // movement: wall constraint, crossings, swap
        {
            let (rank, sorted) = (self.neighbours.rank(), &self.next_sorted);
            // back from cell order to slot order: a gather, so it runs in parallel, one cache
            // line per agent, in a loop of its own so that many of those loads are in flight
            (&mut self.next, &mut self.desired, rank)
                .into_par_iter()
                .with_min_len(4096)
                .for_each(|(k, desired, &r)| {
                    let planned = &sorted[r as usize];
                    *k = planned.next;
                    *desired = planned.desired;
                });
        }
        // Wall constraint and the swap to the next state in one parallel pass over the agents
        // (two passes, each reading the next states again, were a sixth of a step); each
        // agent's own position is the only one it reads, so the swap may follow at once. The
        // moves that cross a measurement line, a door's opening or the agent's target passage
        // are flagged, with where they came from, for the serial loops below (few agents a
        // step: they visit only those).
        let dt = self.config.dt;
        {
            let walls = &self.walls;
            let lines = &self.lines;
            let openings = &self.openings;
            let (stages, open) = (&self.stages, &self.stage_open);
            let any_passage = self.any_passage;
            let crosses_passage = |t: StageId, mv: &Segment| {
                matches!(&stages[t.0 as usize].kind, StageKind::Passage { segment }
                    if open[t.0 as usize] && mv.intersects(segment))
            };
            self.attention.clear();
            self.attention.resize(n, false);
            self.from.resize(n, Vec2::ZERO);
            let a = &mut self.agents;
            (
                (&mut a.position, &mut a.velocity, &mut a.orientation),
                (&mut a.walked, &mut a.anchor, &mut a.blocked_for),
                (&self.next, &self.desired, &a.moves_from),
                (&a.radius, &a.target, (&mut self.attention, &mut self.from)),
            )
                .into_par_iter()
                .with_min_len(1024)
                .for_each(
                    |(
                        (pos, vel, ori),
                        (walked, anchor, blocked),
                        (k, desired, moves_from),
                        (radius, target, (flag, came_from)),
                    )| {
                        let from = *pos;
                        let (to, ok) = constrain(walls, from, k.position, 0.1 * radius);
                        let velocity = if !ok {
                            Vec2::ZERO
                        } else if to != k.position {
                            (to - from) * (1.0 / dt)
                        } else {
                            k.velocity
                        };
                        let mv = Segment::new(from, to);
                        *flag = lines.iter().any(|l| crosses(&l.segment, from, to))
                            || (from != to
                                && openings
                                    .iter()
                                    .any(|(_, g)| !boxes_apart(&mv, g) && mv.intersects(g)))
                            || (any_passage && crosses_passage(*target, &mv));
                        *came_from = from;
                        *walked += to.distance(from);
                        let wants = now >= *moves_from && *desired != Vec2::ZERO;
                        if !wants || to.distance(*anchor) > BLOCKED_RADIUS {
                            *anchor = to;
                            *blocked = 0.0;
                        } else {
                            *blocked += dt;
                        }
                        *pos = to;
                        *vel = velocity;
                        *ori = k.orientation;
                    },
                );
        }
        self.flagged.clear();
        self.flagged.extend(flagged(&self.attention));
        for (li, line) in self.lines.iter().enumerate() {
            let seg = line.segment;
            for &i in &self.flagged {
                let i = i as usize;
                let (a, b) = (self.from[i], self.agents.position[i]);
                let (sa, sb) = (seg.side(a), seg.side(b));
                if crosses(&seg, a, b) {
                    let frac = if sa != sb { sa / (sa - sb) } else { 0.0 };
                    self.crossings.push(Crossing {
                        line: li,
                        agent: self.agents.id[i],
                        time: now + frac.clamp(0.0, 1.0) * dt,
                        direction: if sa < 0.0 { 1 } else { -1 },
                    });
                }
            }
        }
        // doors: a move across an open door's opening leaves through it
        let mut any_left = false;
        let first_new_exit = self.exits.len();
        if !self.openings.is_empty() {
            self.keep.clear();
            self.keep.resize(n, true);
            for &i in &self.flagged {
                let i = i as usize;
                let (a, b) = (self.from[i], self.agents.position[i]);
                if a == b {
                    continue;
                }
                let mv = Segment::new(a, b);
                if let Some((stage, gap)) = self
                    .openings
                    .iter()
                    .find(|(_, g)| !boxes_apart(&mv, g) && mv.intersects(g))
                {
                    let (sa, sb) = (gap.side(a), gap.side(b));
                    let frac = if sa != sb { sa / (sa - sb) } else { 0.0 };
                    self.keep[i] = false;
                    any_left = true;
                    self.exits.push(ExitRecord {
                        agent: self.agents.id[i],
                        stage: *stage,
                        time: now + frac.clamp(0.0, 1.0) * dt,
                        group: self.agents.group[i],
                    });
                }
            }
        }
        // passages: a move across its target passage takes an agent to its journey's next step
        if self.any_passage {
            for &i in &self.flagged {
                let i = i as usize;
                let target = self.agents.target[i];
                let to = self.agents.position[i];
                if let StageKind::Passage { segment } = &self.stages[target.0 as usize].kind
                    && self.stage_open[target.0 as usize]
                    && Segment::new(self.from[i], to).intersects(segment)
                {
                    let step = self.agents.journey_step[i] + 1;
                    self.agents.journey_step[i] = step;
                    self.agents.target[i] = self.choose(self.agents.journey[i], step, to, None);
                }
            }
        }
        // times interpolated within the step: keep the records in time order
        self.exits[first_new_exit..].sort_by(|x, y| x.time.total_cmp(&y.time));
        if any_left {
            // gone through a door: out before anybody sees the position beyond it
            kept_runs(&self.keep, &mut self.runs);
            self.agents.retain(&self.runs);
            retain_runs(&mut self.route_memo, &self.runs);
            retain_runs(&mut self.desired, &self.runs);
        }
        self.iteration += 1;
        self.time = self.iteration as f64 * dt;
        let t5 = Instant::now();
        let c = &mut self.counters;
        c.strategic += t1 - t0;
        c.neighbours += t2 - t1;
        c.operational += t4 - t2;
        c.movement += t5 - t4;
    }

    /// Replaces the seed of every random draw from now on ([`SimConfig::seed`]). A clone of
    /// a simulation set up once, given another seed, runs exactly as a simulation built from
    /// scratch with that seed and the same agents, stages and events.
    pub fn set_seed(&mut self, seed: u64) {
        self.config.seed = seed;
    }

    /// Simulated time, seconds.
    pub fn time(&self) -> f64 {
        self.time
    }
    /// Steps done.
    pub fn iteration(&self) -> u64 {
        self.iteration
    }
    /// The configuration.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }
    /// The agents now in the simulation.
    pub fn agents(&self) -> &Agents {
        &self.agents
    }
    /// The walkable area.
    pub fn walkable_area(&self) -> &WalkableArea {
        &self.area
    }
    /// The stages.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }
    /// Whether a stage is open now.
    pub fn is_open(&self, s: StageId) -> bool {
        self.stage_open[s.0 as usize]
    }
    /// The stairs.
    pub fn stairs(&self) -> &[Stair] {
        self.stairs.stairs()
    }
    /// The stair under `p`, if any.
    pub fn stair_at(&self, p: Vec2) -> Option<&Stair> {
        self.stairs.at(&self.grid, p)
    }
    /// The journeys.
    pub fn journeys(&self) -> &[Journey] {
        &self.journeys
    }
    /// Measurement lines.
    pub fn measurement_lines(&self) -> &[MeasurementLine] {
        &self.lines
    }
    /// Every line crossing so far, in time order.
    pub fn crossings(&self) -> &[Crossing] {
        &self.crossings
    }
    /// The times (s, ascending) at which agents first crossed measurement line `line` (its
    /// index in [`Simulation::measurement_lines`]), in either direction, one per agent: the rule
    /// of `aman_analysis::crossing` (PedPy's `compute_n_t`: each person's first crossing; later
    /// crossings of the same person are not counted). Empty for an unknown index.
    /// [`Simulation::crossings`] keeps every crossing.
    pub fn crossing_times(&self, line: usize) -> Vec<f64> {
        let mut seen = std::collections::HashSet::new();
        // crossings are recorded in time order, so the first of each agent comes first
        let mut t: Vec<f64> = self
            .crossings
            .iter()
            .filter(|c| c.line == line && seen.insert(c.agent))
            .map(|c| c.time)
            .collect();
        t.sort_by(f64::total_cmp);
        t
    }
    /// Every exit so far, in time order.
    pub fn exits(&self) -> &[ExitRecord] {
        &self.exits
    }
    /// The events that have taken place so far, with their times (s), in time order.
    pub fn past_events(&self) -> &[(f64, Event)] {
        &self.events[..self.events_head]
    }
    /// Agents scheduled but not yet entered.
    pub fn pending(&self) -> usize {
        self.pending.len() - self.pending_head
    }
    /// Total agents created so far.
    pub fn created(&self) -> u64 {
        self.next_id
    }
    /// Time spent per system.
    pub fn counters(&self) -> &StepCounters {
        &self.counters
    }
    /// Walking distance (metres) from `p` to stage `s` along its routing field.
    pub fn walking_distance(&self, s: StageId, p: Vec2) -> f64 {
        self.fields[s.0 as usize].distance(&self.grid, p)
    }
    /// Unit walking direction at `p` towards stage `s` (the routing field's), zero if none.
    pub fn walking_direction(&self, s: StageId, p: Vec2) -> Vec2 {
        self.fields[s.0 as usize].direction(&self.grid, p)
    }
    /// Whether some exit is open now, or an event will open one later: false means agents can
    /// no longer leave, whatever happens.
    pub fn any_exit_open_now_or_later(&self) -> bool {
        let is_exit = |s: StageId| self.stages[s.0 as usize].kind.is_exit();
        (0..self.stages.len()).any(|k| self.stage_open[k] && is_exit(StageId(k as u32)))
            || self.events[self.events_head..]
                .iter()
                .any(|(_, e)| matches!(e, Event::Open(s) if is_exit(*s)))
    }
    /// Every event scheduled with [`Simulation::schedule_event`], past and future, in time
    /// order: `(time in s, event)`. Events that have happened stay in the list (reports show
    /// them as a timeline).
    pub fn scheduled_events(&self) -> &[(f64, Event)] {
        &self.events
    }
    /// Whether nothing remains to simulate: no agent inside, none pending.
    pub fn is_finished(&self) -> bool {
        self.agents.is_empty() && self.pending() == 0
    }
}

/// The tactical layer for one step: each agent's desired walking direction.
struct Tactical<'a> {
    agents: &'a Agents,
    fields: &'a [RoutingField],
    stairs: &'a StairMap,
    anchors: &'a [Vec2],
    doors: &'a [Option<Door>],
    grid: &'a RoutingGrid,
    open: &'a [bool],
    seed: u64,
    blocked_time: f64,
    now: f64,
}

impl Tactical<'_> {
    /// Unit desired direction of agent `i`: down its target's routing field, into the target
    /// at its edge, turned aside when blocked; up to a closed target (none of its alternatives
    /// open) and no further; zero for an agent that stands (pre-movement, at its closed
    /// target, or lost: the target cannot be reached from here, and the strategic pass
    /// chooses again next step).
    #[inline]
    fn desired(&self, i: usize, memo: &mut DirectionMemo) -> Vec2 {
        let agents = self.agents;
        let target = agents.target[i];
        if self.now < agents.moves_from[i] {
            return Vec2::ZERO;
        }
        // A closed target (no open alternative was left to choose): walk up to it and wait
        // there, as a crowd does at a closed gate, never through it (its door is a wall).
        let closed = !self.open[target.0 as usize];
        let p = agents.position[i];
        let field = &self.fields[target.0 as usize];
        let door = self.doors[target.0 as usize].as_ref();
        // in front of its door: straight through it (beyond the door the routing cells point
        // back inside, so the field is not read there)
        let mut dir = match door {
            Some(d) if !closed && d.in_front(p) => (d.aim(p, agents.radius[i]) - p).normalized(),
            _ => field.direction_memo(self.grid, p, target.0, memo),
        };
        if dir == Vec2::ZERO {
            if closed || field.distance(self.grid, p).is_infinite() {
                return Vec2::ZERO;
            }
            // at the target's edge (its cells have no gradient): head into it, or through
            // the door
            dir = match door {
                Some(door) => door.aim(p, agents.radius[i]) - p,
                None => self.anchors[target.0 as usize] - p,
            }
            .normalized();
            if dir == Vec2::ZERO {
                dir = agents.orientation[i];
            }
        }
        let blocked = agents.blocked_for[i];
        let tb = self.blocked_time;
        if blocked > tb {
            // side step to break a stand-off: a fresh random angle each blocked period
            let episode = (blocked / tb) as u64;
            let u = rng::uniform(self.seed, agents.id[i].0, episode);
            let angle = (if u < 0.5 { 1.0 } else { -1.0 })
                * (0.25 + (u * 2.0).fract() * 0.35)
                * std::f64::consts::PI;
            dir = dir.rotated(angle);
        }
        dir
    }
}

/// What the operational pass gives one agent: its next state and its desired direction, side
/// by side and 64-byte aligned, so that gathering them back from cell order into slot order
/// reads one cache line per agent (two separate arrays, or a 48-byte record straddling lines,
/// cost about a seventh of a large forecast's step in cache misses).
#[derive(Debug, Clone, Copy, Default)]
#[repr(align(64))]
struct Planned {
    next: Kinematics,
    desired: Vec2,
}

/// The tactical layer for every agent, in slot order (each with its memo of the routing
/// cells it read last, `memo[i]`: an agent stays several steps in a routing cell, so most
/// agents read no field at all; `slot[i]` receives the desired direction and desired speed),
/// then gathered into the neighbour grid's cell order `order` for the operational pass:
/// `out[k].desired` receives the desired direction, `speed[k]` the desired speed (m/s, times
/// the factor of a stair it is on) and `gap[k]` the time gap (s) of agent slot `order[k]`.
///
/// The reads of the routing fields (tens of megabytes on a large venue, so a cache miss each)
/// were a tenth of a 20,000-person forecast's time before the memo.
fn tactical_pass(
    order: &[u32],
    tactical: &Tactical<'_>,
    (memo, slot): (&mut [DirectionMemo], &mut [(Vec2, f64)]),
    out: &mut [Planned],
    speed: &mut [f64],
    gap: &mut [f64],
) {
    let a = tactical.agents;
    (&mut *memo, &mut *slot)
        .into_par_iter()
        .enumerate()
        .with_min_len(1024)
        .for_each(|(i, (memo, slot))| {
            let d = tactical.desired(i, memo);
            let v0 = a.desired_speed[i] * tactical.stairs.factor(tactical.grid, a.position[i], d);
            *slot = (d, v0);
        });
    let slot = &*slot;
    (out, speed, gap, order)
        .into_par_iter()
        .with_min_len(4096)
        .for_each(|(out, v0, gap, &i)| {
            let i = i as usize;
            (out.desired, *v0) = slot[i];
            *gap = a.time_gap[i];
        });
}

/// The operational layer for every agent, in the neighbour grid's cell order (consecutive
/// agents share neighbours in cache), after [`tactical_pass`]: from the desired direction in
/// `out[k].desired` and the desired speed `speed[k]`, `out[k].next` receives the next state of
/// agent slot `ctx.neighbours.sorted()[k]`.
fn operational_pass<M: OperationalModel>(
    m: &M,
    ctx: &StepContext<'_>,
    speed: &[f64],
    out: &mut [Planned],
) {
    let order = ctx.neighbours.sorted();
    out.par_iter_mut()
        .enumerate()
        .with_min_len(256)
        .for_each_init(Scratch::default, |scratch, (k, out)| {
            let i = order[k] as usize;
            let d = out.desired;
            let a = ctx.agents;
            out.next = if d == Vec2::ZERO {
                // standing (pre-movement, at its closed target, lost): the same for every model
                Kinematics {
                    position: a.position[i],
                    velocity: Vec2::ZERO,
                    orientation: a.orientation[i],
                }
            } else {
                m.next_state(ctx, i, k, d, speed[k], scratch)
            }
        });
}

/// The agent slots whose flag is set, in order.
fn flagged(flags: &[bool]) -> impl Iterator<Item = u32> + '_ {
    flags
        .iter()
        .enumerate()
        .filter(|(_, f)| **f)
        .map(|(i, _)| i as u32)
}

/// Whether the move from `a` to `b` crosses the measurement line `seg`: from one side of it to
/// the other (a start on the line counts as the positive side) through the segment itself.
#[inline]
fn crosses(seg: &Segment, a: Vec2, b: Vec2) -> bool {
    (seg.side(a) < 0.0) != (seg.side(b) < 0.0) && Segment::new(a, b).intersects(seg)
}

/// Whether the bounding boxes of two segments lie more than 1 nm apart, so that the segments
/// share no point ([`Segment::intersects`] is false): a cheap test that passes over most
/// pairs before the exact one.
#[inline]
pub(crate) fn boxes_apart(s: &Segment, t: &Segment) -> bool {
    const M: f64 = 1e-9;
    s.a.x.max(s.b.x) + M < t.a.x.min(t.b.x)
        || t.a.x.max(t.b.x) + M < s.a.x.min(s.b.x)
        || s.a.y.max(s.b.y) + M < t.a.y.min(t.b.y)
        || t.a.y.max(t.b.y) + M < s.a.y.min(s.b.y)
}

/// Keeps a move from `from` to `to` off the walls: the move may not cross a wall nor end closer
/// than `clearance` to one. A violating move slides along the wall (normal part removed); if that
/// still violates, the agent stays. Returns the allowed position and whether it moved as asked
/// or slid (true) or was stopped (false).
fn constrain(walls: &WallIndex, from: Vec2, to: Vec2, clearance: f64) -> (Vec2, bool) {
    let near = walls.near(from);
    let violates = |p: Vec2| -> Option<u32> {
        let mv = Segment::new(from, p);
        // a wall that violates comes within `clearance` of the move's bounding box: the
        // others are passed over with four comparisons (the same answer, found sooner)
        let m = clearance + 1e-9;
        let (lo, hi) = (
            Vec2::new(from.x.min(p.x) - m, from.y.min(p.y) - m),
            Vec2::new(from.x.max(p.x) + m, from.y.max(p.y) + m),
        );
        near.iter().copied().find(|&k| {
            let w = walls.segment(k);
            if w.a.x.max(w.b.x) < lo.x
                || w.a.x.min(w.b.x) > hi.x
                || w.a.y.max(w.b.y) < lo.y
                || w.a.y.min(w.b.y) > hi.y
            {
                return false;
            }
            w.distance(p) < clearance && w.distance(p) < w.distance(from) + 1e-12
                || w.intersects(&mv)
        })
    };
    let Some(k) = violates(to) else {
        return (to, true);
    };
    let w = walls.segment(k);
    let tangent = (w.b - w.a).normalized();
    let mv = to - from;
    let slid = from + tangent * mv.dot(tangent);
    if violates(slid).is_none() {
        return (slid, true);
    }
    (from, false)
}

/// Per routing cell, the walking-speed factor of the crowd around it
/// ([`SimConfig::dynamic_routing`]): agents are counted in 1 m blocks (at least one routing
/// cell), the density of a block is the count of the 3 × 3 blocks around it over their
/// walkable area (routing cells inside the area: blocks cut by a wall are not read as emptier),
/// and the factor is Weidmann's `v(ρ)/v_free`, at least 0.05.
fn congestion_factors(grid: &RoutingGrid, positions: &[Vec2]) -> Vec<f32> {
    /// Blocks on each side of a block that its density is averaged over.
    const RAD: isize = 1;
    let (nx, ny) = grid.dims();
    let h = grid.cell_size();
    let origin = grid.centre(0, 0) - Vec2::new(0.5 * h, 0.5 * h);
    let b = h.max(1.0);
    let (bx, by) = (
        ((nx as f64 * h) / b).ceil() as usize + 1,
        ((ny as f64 * h) / b).ceil() as usize + 1,
    );
    let mut count = vec![0u32; bx * by];
    for p in positions {
        let (fx, fy) = ((p.x - origin.x) / b, (p.y - origin.y) / b);
        if fx >= 0.0 && fy >= 0.0 && (fx as usize) < bx && (fy as usize) < by {
            count[fy as usize * bx + fx as usize] += 1;
        }
    }
    // the walkable area of each block, so that blocks cut by walls are not read as emptier
    let mut walkable = vec![0.0f64; bx * by];
    for j in 0..ny {
        for i in 0..nx {
            if grid.is_inside(i, j) {
                let p = grid.centre(i, j);
                let (fi, fj) = (
                    ((p.x - origin.x) / b) as usize,
                    ((p.y - origin.y) / b) as usize,
                );
                walkable[fj.min(by - 1) * bx + fi.min(bx - 1)] += h * h;
            }
        }
    }
    let block_factor: Vec<f32> = (0..bx * by)
        .map(|k| {
            let (i, j) = ((k % bx) as isize, (k / bx) as isize);
            let mut n = 0u32;
            let mut area = 0.0;
            for dj in -RAD..=RAD {
                for di in -RAD..=RAD {
                    let (a, c) = (i + di, j + dj);
                    if a >= 0 && c >= 0 && (a as usize) < bx && (c as usize) < by {
                        n += count[c as usize * bx + a as usize];
                        area += walkable[c as usize * bx + a as usize];
                    }
                }
            }
            let rho = if area > 0.0 {
                n as f64 / area.max(b * b)
            } else {
                0.0
            };
            let v = if rho <= 0.0 {
                1.0
            } else {
                1.0 - (-1.913 * (1.0 / rho - 1.0 / 5.4)).exp()
            };
            v.clamp(0.05, 1.0) as f32
        })
        .collect();
    (0..nx * ny)
        .map(|c| {
            let p = grid.centre(c % nx, c / nx);
            let (i, j) = (
                ((p.x - origin.x) / b) as usize,
                ((p.y - origin.y) / b) as usize,
            );
            block_factor[j.min(by - 1) * bx + i.min(bx - 1)]
        })
        .collect()
}

/// The routing field of one stage: travel time (stairs slowed, see [`stair_field`]) or
/// distance, each cell's speed also multiplied by `base[cell]` if given.
fn stage_field(
    grid: &RoutingGrid,
    stairs: &StairMap,
    route_cost: RouteCost,
    stage: &Stage,
    clearance: f64,
    base: Option<&[f32]>,
) -> Option<RoutingField> {
    let h = grid.cell_size();
    let in_target: Box<dyn Fn(Vec2) -> bool + Sync> = match &stage.kind {
        StageKind::Waypoint { position, distance } => {
            let (p, d) = (*position, distance.max(0.5 * h));
            Box::new(move |c: Vec2| c.distance(p) <= d)
        }
        StageKind::Exit { polygon } => {
            let poly = polygon.clone();
            Box::new(move |c: Vec2| {
                poly.contains(&geo::Coord { x: c.x, y: c.y }) || geo_distance(&poly, c) <= 0.5 * h
            })
        }
        StageKind::Door { segment } | StageKind::Passage { segment } => {
            // the cells in front of the opening, out to the first ones routing may use (the
            // clearance keeps routing cells off the door's line as off any wall); not those
            // beside it along the wall
            let (d, reach) = (*segment, clearance + h);
            let ab = d.b - d.a;
            let len2 = ab.norm_sq();
            Box::new(move |c: Vec2| {
                let t = (c - d.a).dot(ab) / len2;
                (0.0..=1.0).contains(&t) && d.distance(c) <= reach
            })
        }
    };
    if stairs.is_empty() || route_cost == RouteCost::Distance {
        grid.field_scaled(in_target, base)
    } else {
        stair_field(grid, stairs, in_target, base)
    }
}

/// The travel-time field towards `in_target` with stairs slowed by the factor of the direction
/// in which routes cross them: a first field with each stair at the mean of its two factors
/// tells, from the direction of descent of the field over the stair's cells, whether routes
/// towards this target go up or down it; the second field uses that direction's factor.
/// `base` (one factor per cell, e.g. the congestion of [`SimConfig::dynamic_routing`])
/// multiplies the stairs' factors.
fn stair_field(
    grid: &RoutingGrid,
    stairs: &StairMap,
    in_target: impl Fn(Vec2) -> bool,
    base: Option<&[f32]>,
) -> Option<RoutingField> {
    let cells = stairs.cells();
    let list = stairs.stairs();
    let factors = |f: &dyn Fn(&Stair, usize) -> f64| -> Vec<f32> {
        cells
            .iter()
            .enumerate()
            .map(|(c, &k)| {
                let b = base.map_or(1.0, |b| b[c]);
                if k == 0 {
                    b
                } else {
                    b * f(&list[k as usize - 1], k as usize - 1) as f32
                }
            })
            .collect()
    };
    let mean = factors(&|s, _| 0.5 * (s.up_factor + s.down_factor));
    let first = grid.field_scaled(&in_target, Some(&mean))?;
    // per stair: the sum over its cells of the walking direction's component along `up`
    let mut along = vec![0.0f64; list.len()];
    let nx = grid.dims().0;
    for (c, &k) in cells.iter().enumerate() {
        if k > 0 {
            let s = &list[k as usize - 1];
            along[k as usize - 1] += first.direction(grid, grid.centre(c % nx, c / nx)).dot(s.up);
        }
    }
    let chosen = factors(&|s, k| {
        if along[k] >= 0.0 {
            s.up_factor
        } else {
            s.down_factor
        }
    });
    grid.field_scaled(in_target, Some(&chosen))
}

/// The width (m) through which agents enter a stage: for an exit, the length of its polygon's
/// edges that lies inside the walkable area (sampled every 2 cm; an edge along a wall does
/// not count), at least 0.1 m; for a waypoint, its diameter.
fn entrance_width(area: &WalkableArea, kind: &StageKind) -> f64 {
    match kind {
        StageKind::Door { segment } | StageKind::Passage { segment } => segment.length(),
        StageKind::Waypoint { distance, .. } => 2.0 * distance,
        StageKind::Exit { polygon } => {
            let step = 0.02;
            let mut inside = 0.0;
            for l in polygon.exterior().lines() {
                let (a, b) = (Vec2::new(l.start.x, l.start.y), Vec2::new(l.end.x, l.end.y));
                let len = a.distance(b);
                let k = (len / step).ceil().max(1.0) as usize;
                for j in 0..k {
                    let p = a + (b - a) * ((j as f64 + 0.5) / k as f64);
                    if area.contains(p) && area.distance_to_wall(p) > 0.01 {
                        inside += len / k as f64;
                    }
                }
            }
            inside.max(0.1)
        }
    }
}

/// An exit door's or a passage's geometry, for steering agents through it.
#[derive(Debug, Clone, Copy)]
struct Door {
    segment: Segment,
    /// Unit normal of the segment pointing out of the walkable area; zero for a passage
    /// (walkable on both sides: agents go through to the side they are not on).
    out: Vec2,
    /// Depth (m) of the band in front of the door that is the routing target.
    reach: f64,
}

impl Door {
    fn new(area: &WalkableArea, segment: Segment, reach: f64) -> Self {
        let n = (segment.b - segment.a).normalized().perp();
        let mid = (segment.a + segment.b) * 0.5;
        // `check_door` made sure one side is walkable
        let out = if area.contains(mid + n * 0.1) { -n } else { n };
        Self {
            segment,
            out,
            reach,
        }
    }

    /// Whether `p` lies in the band in front of the door that is its routing target: within
    /// `reach` of the opening and between its ends.
    #[inline]
    fn in_front(&self, p: Vec2) -> bool {
        let d = self.segment;
        let ab = d.b - d.a;
        let t = (p - d.a).dot(ab) / ab.norm_sq();
        (0.0..=1.0).contains(&t) && d.distance(p) <= self.reach
    }

    /// Where an agent of radius `r` at `p` heads once in front of the door: straight out
    /// through the opening, at least `r` from the jambs (or through the middle of a door
    /// narrower than `2r`).
    #[inline]
    fn aim(&self, p: Vec2, r: f64) -> Vec2 {
        let d = self.segment;
        let len = d.length();
        let e = (d.b - d.a) * (1.0 / len);
        let t = (p - d.a).dot(e);
        let t = if len > 2.0 * r {
            t.clamp(r, len - r)
        } else {
            0.5 * len
        };
        let through = if self.out != Vec2::ZERO {
            self.out
        } else if d.side(p) > 0.0 {
            -e.perp()
        } else {
            e.perp()
        };
        d.a + e * t + through * 0.5
    }
}

/// Checks that an exit door lies on the walkable area's boundary with walkable area on one side.
fn check_door(area: &WalkableArea, name: &str, d: &Segment) -> Result<(), SimError> {
    use aman_geometry::opening::{ON_WALL_TOLERANCE, length_along_walls};
    let err = |problem: String| SimError::Stage {
        stage: name.to_string(),
        problem,
    };
    let len = d.length();
    if !(len.is_finite() && len >= 0.3) {
        return Err(err(format!(
            "the door from ({}, {}) to ({}, {}) is {len:.3} m wide; a door must be at least 0.3 m",
            d.a.x, d.a.y, d.b.x, d.b.y
        )));
    }
    let along = length_along_walls(area.segments(), d, ON_WALL_TOLERANCE);
    // (its ends may reach up to the tolerance past a corner, as drawn by hand)
    if along < len - 2.0 * ON_WALL_TOLERANCE {
        let far = (0..=20)
            .map(|k| d.a + (d.b - d.a) * (f64::from(k) / 20.0))
            .map(|p| (p, area.distance_to_wall(p)))
            .max_by(|x, y| x.1.total_cmp(&y.1))
            .unwrap_or((d.a, 0.0));
        return Err(err(format!(
            "a door must lie on the walkable area's boundary (within {ON_WALL_TOLERANCE} m of one \
             straight wall), but only {along:.2} m of its {len:.2} m do; ({:.2}, {:.2}) is {:.2} m \
             from the nearest wall. Draw the door over one straight stretch of the boundary, \
             or give the exit as a polygon",
            far.0.x, far.0.y, far.1
        )));
    }
    let n = (d.b - d.a).normalized().perp();
    let mid = (d.a + d.b) * 0.5;
    if area.contains(mid + n * 0.1) == area.contains(mid - n * 0.1) {
        return Err(err(format!(
            "the door from ({}, {}) to ({}, {}) does not have the walkable area on exactly one \
             side: it lies on a wall between two walkable places or along an obstacle's edge",
            d.a.x, d.a.y, d.b.x, d.b.y
        )));
    }
    Ok(())
}

/// Checks that a passage is at least 0.3 m wide with its middle inside the walkable area and
/// walkable area on both sides there.
fn check_passage(area: &WalkableArea, name: &str, d: &Segment) -> Result<(), SimError> {
    let len = d.length();
    let at = format!("({}, {}) to ({}, {})", d.a.x, d.a.y, d.b.x, d.b.y);
    let err = |problem: String| SimError::Stage {
        stage: name.to_string(),
        problem,
    };
    if !(len.is_finite() && len >= 0.3) {
        return Err(err(format!(
            "the passage from {at} is {len:.3} m wide; a passage must be at least 0.3 m"
        )));
    }
    let n = (d.b - d.a).normalized().perp();
    let mid = (d.a + d.b) * 0.5;
    if !(area.contains(mid) && area.contains(mid + n * 0.1) && area.contains(mid - n * 0.1)) {
        return Err(err(format!(
            "the passage from {at} must cross the walkable area with walkable area on both \
             sides of its middle; for an exit in the boundary give an exit door instead"
        )));
    }
    Ok(())
}

/// The walls with the open doors cut out, and the cut-out stretches with their stage.
fn walls_with_open_doors(
    area: &WalkableArea,
    doors: &[Option<Door>],
    open: &[bool],
) -> (Vec<Segment>, Vec<(StageId, Segment)>) {
    use aman_geometry::opening::{ON_WALL_TOLERANCE, cut_openings};
    let mut walls = area.segments().to_vec();
    let mut openings = Vec::new();
    for (k, d) in doors.iter().enumerate() {
        if let Some(d) = d
            && open[k]
            && d.out != Vec2::ZERO
        {
            let (rest, cut) = cut_openings(&walls, &[d.segment], ON_WALL_TOLERANCE);
            walls = rest;
            openings.extend(cut.into_iter().map(|g| (StageId(k as u32), g)));
        }
    }
    (walls, openings)
}

/// `v` rounded to the millimetre (for coordinates in messages).
fn round_mm(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The length (m) of the walkable area's boundary that lies in `polygon` or beside one of its
/// edges within [`aman_geometry::opening::ON_WALL_TOLERANCE`] (sampled every 2 cm),
/// and, when all of it lies on one straight line, the segment from its first to its last point
/// (the door to draw instead of the exit area).
fn boundary_inside(area: &WalkableArea, polygon: &geo::Polygon<f64>) -> (f64, Option<Segment>) {
    use geo::{Distance, Euclidean};
    let step = 0.02;
    let mut total = 0.0;
    let mut points: Vec<Vec2> = Vec::new();
    for w in area.segments() {
        let len = w.length();
        let k = (len / step).ceil().max(1.0) as usize;
        for j in 0..k {
            let p = w.a + (w.b - w.a) * ((j as f64 + 0.5) / k as f64);
            let pt = geo::Point::new(p.x, p.y);
            // on the polygon, or beside one of its edges within the tolerance (not beyond a
            // corner: the wall past the area's end is not part of its opening)
            let beside = || {
                polygon.exterior().lines().any(|l| {
                    let e =
                        Segment::new(Vec2::new(l.start.x, l.start.y), Vec2::new(l.end.x, l.end.y));
                    let ab = e.b - e.a;
                    let t = (p - e.a).dot(ab) / ab.norm_sq();
                    t > 0.0 && t < 1.0 && e.distance(p) < aman_geometry::opening::ON_WALL_TOLERANCE
                })
            };
            if polygon.contains(&pt) || Euclidean.distance(&pt, polygon) < 1e-9 || beside() {
                total += len / k as f64;
                points.push(p);
            }
        }
    }
    let (Some(&first), Some(_)) = (points.first(), points.last()) else {
        return (total, None);
    };
    // the two points farthest apart, and whether every point lies on their line
    let far = points
        .iter()
        .copied()
        .max_by(|a, b| a.distance(first).total_cmp(&b.distance(first)))
        .unwrap_or(first);
    let other = points
        .iter()
        .copied()
        .max_by(|a, b| a.distance(far).total_cmp(&b.distance(far)))
        .unwrap_or(first);
    let line = Segment::new(other, far);
    let straight = line.length() > 0.0
        && points.iter().all(|p| {
            let e = (line.b - line.a).normalized();
            e.cross(*p - line.a).abs() < 0.01
        });
    // extend by half a sample at each end (samples sit at the middle of their 2 cm)
    let door = straight.then(|| {
        let e = (line.b - line.a).normalized();
        let half = 0.5 * step;
        Segment::new(line.a - e * half, line.b + e * half)
    });
    (total, door)
}

fn geo_distance(poly: &geo::Polygon<f64>, p: Vec2) -> f64 {
    use geo::{Distance, Euclidean};
    Euclidean.distance(&geo::Point::new(p.x, p.y), poly)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::routing::RoutingParams;

    /// The rectangle `[x0, x1] × [y0, y1]`.
    pub(crate) fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> geo::Polygon<f64> {
        geo::Polygon::new(
            geo::LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
            vec![],
        )
    }

    /// Density-aware routing reads Weidmann's speed ratio at the local density: 1 /m² over
    /// the 3 m × 3 m around a block gives 1 − exp(−1.913 · (1 − 1/5.4)) = 0.7896, an empty
    /// place 1, and a wall-cut block counts only its walkable part.
    #[test]
    fn congestion_factor_is_weidmann_at_the_local_density() {
        let area = WalkableArea::new(rect(0.0, 0.0, 20.0, 20.0), "room").unwrap();
        let grid = RoutingGrid::new(
            &area,
            RoutingParams {
                cell_size: 0.1,
                wall_distance: 0.5,
                clearance: 0.0,
            },
        );
        // one agent per m² over x, y in [5, 14]
        let crowd: Vec<Vec2> = (5..14)
            .flat_map(|i| (5..14).map(move |j| Vec2::new(i as f64 + 0.5, j as f64 + 0.5)))
            .collect();
        let f = congestion_factors(&grid, &crowd);
        let at = |x: f64, y: f64| {
            let (i, j) = grid.cell_of(Vec2::new(x, y)).unwrap();
            f[j * grid.dims().0 + i]
        };
        let weidmann_1 = 1.0 - (-1.913f64 * (1.0 - 1.0 / 5.4)).exp();
        assert!(
            (at(9.5, 9.5) as f64 - weidmann_1).abs() < 1e-4,
            "{}",
            at(9.5, 9.5)
        );
        assert_eq!(at(2.5, 2.5), 1.0);
        // 27 agents against the wall x = 0. Blocks start at the grid's origin, one cell
        // outside the area (x = −0.1), so the 3 × 3 blocks around (1.5, 16.5) span
        // x ∈ [−0.1, 2.9), y ∈ [14.9, 17.9): 2.9 m × 3 m of it walkable, 27 / 8.7 /m²
        // (read over all 9 m² it would be 3 /m²)
        let wall: Vec<Vec2> = (0..3)
            .flat_map(|i| (0..9).map(move |k| Vec2::new(i as f64 + 0.5, 15.0 + k as f64 / 3.0)))
            .collect();
        let g = congestion_factors(&grid, &wall);
        let weidmann_3 = 1.0 - (-1.913f64 * (8.7 / 27.0 - 1.0 / 5.4)).exp();
        let (i, j) = grid.cell_of(Vec2::new(1.5, 16.5)).unwrap();
        assert!((g[j * grid.dims().0 + i] as f64 - weidmann_3).abs() < 1e-4);
    }

    /// The capacity estimate of quickest route choice sees the width agents enter through.
    #[test]
    fn entrance_width_of_exits_and_waypoints() {
        let area = WalkableArea::new(rect(0.0, 0.0, 30.0, 20.0), "room").unwrap();
        let exit = |p| StageKind::Exit { polygon: p };
        // a strip across the end of the room: one edge of 20 m inside (three along walls)
        let w = entrance_width(&area, &exit(rect(29.5, 0.0, 30.0, 20.0)));
        assert!((w - 20.0).abs() < 0.05, "{w}");
        // a 1 m door strip along the left wall: the 1 m edge plus its two 0.5 m sides inside
        let w = entrance_width(&area, &exit(rect(0.0, 9.5, 0.5, 10.5)));
        assert!((w - 2.0).abs() < 0.05, "{w}");
        // a door drawn beyond the wall: only the part inside counts
        let w = entrance_width(&area, &exit(rect(-1.0, 9.5, 0.0, 10.5)));
        assert!(w <= 0.1 + 1e-12, "{w}");
        let wp = StageKind::Waypoint {
            position: Vec2::new(5.0, 5.0),
            distance: 1.5,
        };
        assert_eq!(entrance_width(&area, &wp), 3.0);
    }
}
