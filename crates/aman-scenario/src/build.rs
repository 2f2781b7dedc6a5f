//! From a parsed [`ScenarioFile`] to a ready [`Scenario`]: geometry loaded, names resolved,
//! agents placed, every value checked with a message naming its key.

use std::path::{Path, PathBuf};

use aman_geometry::{MeasurementLine, Segment, Vec2, WalkableArea, import};
use aman_sim::rng::{SplitMix64, mix64};
use aman_sim::routing::RoutingParams;
use aman_sim::{
    AgentSpec, Event, Journey, JourneyId, RouteChoice, RouteCost, SimConfig, Simulation, Stage,
    StageId, StageKind, Stair,
};
use geo::{Area, BooleanOps, BoundingRect, Contains};

use crate::ScenarioError;
use crate::file::{
    AgentParams, Arrivals, ChoiceEntry, Distribution, OutputSection, RouteCostEntry, ScenarioFile,
    StageEntry, StepEntry,
};

/// The most agents a scenario may hold (placed plus arriving): far beyond any venue, low enough
/// that a typo such as `count = 1e12` is an error rather than an attempt to allocate.
pub const MAX_AGENTS: usize = 10_000_000;

/// A scenario ready to run.
#[derive(Debug)]
pub struct Scenario {
    /// Name (from `[scenario] name`, else the file stem).
    pub name: String,
    /// The scenario file.
    pub path: PathBuf,
    /// Free-text description.
    pub description: Option<String>,
    /// The simulation with its agents placed and arrivals and events scheduled.
    pub simulation: Simulation,
    /// Simulated time at which the run stops at the latest, s.
    pub end_time: f64,
    /// Output settings.
    pub output: OutputSection,
    /// Agents placed per population, in file order.
    pub populations: Vec<(String, usize)>,
    /// Arrivals scheduled per source, in file order.
    pub sources: Vec<(String, usize)>,
    /// What the build changed in what the file gives (radii shrunk so that given start
    /// positions do not overlap), for `aman simulate` to print.
    pub notes: Vec<String>,
}

impl Scenario {
    /// Agents in the scenario in all: placed plus scheduled.
    pub fn total_agents(&self) -> usize {
        self.populations.iter().map(|p| p.1).sum::<usize>()
            + self.sources.iter().map(|s| s.1).sum::<usize>()
    }
}

/// Most density snapshots `[output] snapshots` may ask for.
pub const MAX_SNAPSHOTS: usize = 12;

/// Reads, checks and builds the scenario at `path`.
///
/// # Errors
/// [`ScenarioError`] naming the file, the key and what would be valid.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    load_with(path, &Overrides::default())
}

/// What the command line may override in a scenario.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Replaces `simulation.seed`.
    pub seed: Option<u64>,
    /// Replaces the whole `[model]` table (e.g. `aman verify --model social_force` runs every
    /// scenario with the Social Force Model's defaults).
    pub model: Option<crate::file::ModelSection>,
    /// Replaces the shipped default parameter set: the model (with every parameter) and the
    /// radius and time gap of every population and source that leaves them out (`aman
    /// calibrate` runs each trial so; `aman verify --parameters FILE`).
    pub parameters: Option<crate::defaults::ParameterSet>,
}

/// Reads, checks and builds the scenario at `path`, with `overrides` applied.
///
/// # Errors
/// As [`load`].
pub fn load_with(path: &Path, overrides: &Overrides) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    load_str(&text, path, overrides)
}

/// Builds a scenario from its text; `path` names it in messages and anchors relative file paths.
///
/// # Errors
/// As [`load`].
pub fn load_str(text: &str, path: &Path, overrides: &Overrides) -> Result<Scenario, ScenarioError> {
    let mut file: ScenarioFile = crate::parse_str(text, path)?;
    if let Some(seed) = overrides.seed {
        file.simulation.seed = seed;
    }
    build(file, path, overrides)
}

/// Builds a scenario from an already parsed file (a program may change it first, e.g. the
/// population density of a fundamental-diagram run); `path` names it in messages and anchors
/// relative file paths. `overrides` apply as in [`load_with`].
///
/// # Errors
/// As [`load`].
pub fn build(
    mut file: ScenarioFile,
    path: &Path,
    overrides: &Overrides,
) -> Result<Scenario, ScenarioError> {
    if let Some(seed) = overrides.seed {
        file.simulation.seed = seed;
    }
    if let Some(model) = &overrides.model {
        file.model = model.clone();
    }
    if let Some(set) = &overrides.parameters {
        file.model = set.model.clone();
    }
    // every parameter left out takes the model's default: the given set's, or the shipped one
    let shipped = match &overrides.parameters {
        Some(set) => set,
        None => crate::defaults::shipped(&file.model),
    };
    file.model = file.model.clone().filled_from(&shipped.model);
    for p in &mut file.populations {
        p.radius
            .get_or_insert(Distribution::Constant(shipped.radius));
        p.time_gap
            .get_or_insert(Distribution::Constant(shipped.time_gap));
    }
    for s in &mut file.sources {
        s.radius
            .get_or_insert(Distribution::Constant(shipped.radius));
        s.time_gap
            .get_or_insert(Distribution::Constant(shipped.time_gap));
    }
    Builder { path }.build(file)
}

struct Builder<'a> {
    path: &'a Path,
}

impl Builder<'_> {
    fn invalid(&self, key: impl Into<String>, message: impl Into<String>) -> ScenarioError {
        ScenarioError::Invalid {
            path: self.path.to_path_buf(),
            key: key.into(),
            message: message.into(),
        }
    }
    fn sim_err(&self, key: impl Into<String>, source: aman_sim::SimError) -> ScenarioError {
        ScenarioError::Simulation {
            path: self.path.to_path_buf(),
            key: key.into(),
            source,
        }
    }
    fn geo_err(&self, source: aman_geometry::GeometryError) -> ScenarioError {
        ScenarioError::Geometry {
            path: self.path.to_path_buf(),
            source,
        }
    }

    fn polygon(&self, key: &str, pts: &[[f64; 2]]) -> Result<geo::Polygon<f64>, ScenarioError> {
        import::polygon_from_points(pts, key).map_err(|e| self.geo_err(e))
    }

    fn build(&self, f: ScenarioFile) -> Result<Scenario, ScenarioError> {
        let name = f.scenario.name.clone().unwrap_or_else(|| {
            self.path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        let sim = &f.simulation;
        if !(sim.end_time.is_finite() && sim.end_time > 0.0 && sim.end_time <= 1e6) {
            return Err(self.invalid(
                "simulation.end_time",
                format!(
                    "{} s: give a time in (0, 1000000] s (up to 11.6 days)",
                    sim.end_time
                ),
            ));
        }
        let out = &f.output;
        if !(out.fps.is_finite() && out.fps > 0.0) {
            return Err(self.invalid(
                "output.fps",
                format!("{}: give a positive number of frames per second", out.fps),
            ));
        }
        if sim.dt.is_finite() && sim.dt > 0.0 {
            let per_frame = 1.0 / (out.fps * sim.dt);
            if (per_frame - per_frame.round()).abs() > 1e-6 || per_frame.round() < 1.0 {
                let rate = 1.0 / sim.dt;
                // the output rates that divide the step rate evenly, nearest first
                let mut options: Vec<f64> = (1..=(rate.round() as u64).min(10_000))
                    .map(|k| rate / k as f64)
                    .filter(|f| (f - f.round()).abs() < 1e-9)
                    .collect();
                options.sort_by(|a, b| (a - out.fps).abs().total_cmp(&(b - out.fps).abs()));
                let shown: Vec<String> = options.iter().take(3).map(|f| format!("{f}")).collect();
                return Err(self.invalid(
                    "output.fps",
                    format!(
                        "{} frames/s does not divide the step rate 1/dt = {rate} steps/s evenly; \
                         choose fps = {} or change dt to 1/(fps·k) s for a whole number k",
                        out.fps,
                        if shown.is_empty() {
                            "1/dt".to_string()
                        } else {
                            shown.join(" or ")
                        }
                    ),
                ));
            }
        }
        if !(out.density_cell_size.is_finite() && out.density_cell_size > 0.0) {
            return Err(self.invalid(
                "output.density_cell_size",
                format!("{}: give a positive size in metres", out.density_cell_size),
            ));
        }
        if let Some(times) = &out.snapshots {
            if times.len() > MAX_SNAPSHOTS {
                return Err(self.invalid(
                    "output.snapshots",
                    format!(
                        "{} times: give at most {MAX_SNAPSHOTS} (each is a map in the report)",
                        times.len()
                    ),
                ));
            }
            for (k, &t) in times.iter().enumerate() {
                if !(t.is_finite() && t >= 0.0 && t <= sim.end_time) {
                    return Err(self.invalid(
                        format!("output.snapshots[{k}]"),
                        format!(
                            "{t}: give a time in s between 0 and simulation.end_time = {} s",
                            sim.end_time
                        ),
                    ));
                }
                if k > 0 && t <= times[k - 1] {
                    return Err(self.invalid(
                        format!("output.snapshots[{k}]"),
                        format!(
                            "{t} s after {} s: give the times in increasing order, each once",
                            times[k - 1]
                        ),
                    ));
                }
            }
        }
        // geometry
        let g = &f.geometry;
        let area: WalkableArea = match (&g.file, &g.wkt) {
            (Some(file), None) => {
                let p = self.path.parent().unwrap_or(Path::new(".")).join(file);
                import::walkable_area_from_file(&p).map_err(|e| self.geo_err(e))?
            }
            (None, Some(wkt)) => import::walkable_area_from_wkt(wkt, "geometry.wkt").map_err(|e| self.geo_err(e))?,
            _ => return Err(self.invalid("geometry", "give exactly one of `file = \"venue.wkt\"` (WKT, GeoJSON or JuPedSim XML, relative to this file) or `wkt = \"POLYGON (...)\"`")),
        };
        let mut routing = RoutingParams::for_area(&area);
        if let Some(c) = g.routing_cell_size {
            if !(c.is_finite() && c > 0.0) {
                return Err(self.invalid(
                    "geometry.routing_cell_size",
                    format!("{c}: give a positive size in metres (e.g. 0.1)"),
                ));
            }
            routing.cell_size = c;
        }
        if let Some(d) = g.routing_wall_distance {
            if !(d.is_finite() && d >= 0.0) {
                return Err(self.invalid(
                    "geometry.routing_wall_distance",
                    format!("{d}: give a distance >= 0 m"),
                ));
            }
            routing.wall_distance = d;
        }
        if let Some(c) = g.routing_clearance {
            if !(c.is_finite() && c >= 0.0) {
                return Err(self.invalid(
                    "geometry.routing_clearance",
                    format!("{c}: give a distance >= 0 m (half the narrowest passable gap)"),
                ));
            }
            routing.clearance = c;
        }
        // model
        let model = f.model.model();
        // stairs
        let mut stairs = Vec::new();
        for (k, st) in f.stairs.iter().enumerate() {
            let key = format!("stairs[{k}] ('{}')", st.name);
            if f.stairs[..k].iter().any(|o| o.name == st.name) {
                return Err(
                    self.invalid(key, "another stair has the same name; names must be unique")
                );
            }
            let polygon = self.polygon(&format!("{key}.polygon"), &st.polygon)?;
            let up = Vec2::new(st.up[0], st.up[1]);
            let n = up.norm();
            if !(n.is_finite() && n > 1e-9) {
                return Err(self.invalid(
                    format!("{key}.up"),
                    "give the plan direction in which the stair ascends, e.g. [1, 0]",
                ));
            }
            let factor = |what: &str, v: Option<f64>, d: f64| {
                let v = v.unwrap_or(d);
                if v.is_finite() && v > 0.0 && v <= 1.0 {
                    Ok(v)
                } else {
                    Err(self.invalid(
                        format!("{key}.{what}"),
                        format!("{v}: give a factor of the desired speed in (0, 1]"),
                    ))
                }
            };
            let up_factor = factor("up_factor", st.up_factor, Stair::DEFAULT_UP_FACTOR)?;
            let down_factor = factor("down_factor", st.down_factor, Stair::DEFAULT_DOWN_FACTOR)?;
            stairs.push(Stair {
                name: st.name.clone(),
                polygon,
                up: up * (1.0 / n),
                up_factor,
                down_factor,
            });
        }
        // stages
        let mut stages = Vec::new();
        for (k, s) in f.stages.iter().enumerate() {
            let key = format!("stages[{k}] ('{}')", s.name());
            if f.stages[..k].iter().any(|o| o.name() == s.name()) {
                return Err(
                    self.invalid(key, "another stage has the same name; names must be unique")
                );
            }
            let kind = match s {
                StageEntry::Waypoint {
                    position,
                    distance,
                    door,
                    ..
                } => match (position, door) {
                    (Some(position), None) => StageKind::Waypoint {
                        position: Vec2::new(position[0], position[1]),
                        distance: distance.unwrap_or(1.0),
                    },
                    (None, Some([a, b])) if distance.is_none() => StageKind::Passage {
                        segment: Segment::new(Vec2::new(a[0], a[1]), Vec2::new(b[0], b[1])),
                    },
                    (None, Some(_)) => {
                        return Err(self.invalid(
                            format!("{key}.distance"),
                            "a waypoint given as a door is reached by crossing it: remove \
                             distance (it belongs to a waypoint given by its position)",
                        ));
                    }
                    (Some(_), Some(_)) => {
                        return Err(self.invalid(
                            key,
                            "give the waypoint either a position (a point to pass near) or a \
                             door (a passage to pass through), not both",
                        ));
                    }
                    (None, None) => {
                        return Err(self.invalid(
                            key,
                            "a waypoint needs a position = [x, y] (a point to pass within \
                             distance of) or a door = [[x1, y1], [x2, y2]] (a passage inside the \
                             walkable area, passed by crossing it)",
                        ));
                    }
                },
                StageEntry::Exit { polygon, door, .. } => match (polygon, door) {
                    (Some(polygon), None) => {
                        let poly = self.polygon(&format!("{key}.polygon"), polygon)?;
                        StageKind::Exit { polygon: poly }
                    }
                    (None, Some([a, b])) => StageKind::Door {
                        segment: Segment::new(Vec2::new(a[0], a[1]), Vec2::new(b[0], b[1])),
                    },
                    (Some(_), Some(_)) => {
                        return Err(self.invalid(
                            key,
                            "give the exit either a door (two points on the boundary) or a \
                             polygon (an area), not both",
                        ));
                    }
                    (None, None) => {
                        return Err(self.invalid(
                            key,
                            "an exit needs a door = [[x1, y1], [x2, y2]] (two points on the \
                             walkable area's boundary: the opening agents leave through) or a \
                             polygon = [[x, y], …] (an area agents leave when they enter it)",
                        ));
                    }
                },
            };
            stages.push(Stage {
                name: s.name().to_string(),
                kind,
            });
        }
        let stage_id = |key: &str, name: &str| -> Result<StageId, ScenarioError> {
            f.stages
                .iter()
                .position(|s| s.name() == name)
                .map(|i| StageId(i as u32))
                .ok_or_else(|| {
                    let known: Vec<&str> = f.stages.iter().map(|s| s.name()).collect();
                    self.invalid(
                        key,
                        format!(
                            "unknown stage '{name}'; the stages are: {}",
                            if known.is_empty() {
                                "(none defined)".to_string()
                            } else {
                                known.join(", ")
                            }
                        ),
                    )
                })
        };
        // journeys
        let mut journeys = Vec::new();
        for (k, j) in f.journeys.iter().enumerate() {
            let key = format!("journeys[{k}] ('{}')", j.name);
            if f.journeys[..k].iter().any(|o| o.name == j.name) {
                return Err(self.invalid(
                    key,
                    "another journey has the same name; names must be unique",
                ));
            }
            if j.stages.is_empty() {
                return Err(self.invalid(
                    format!("{key}.stages"),
                    "a journey needs at least one stage, ending with an exit",
                ));
            }
            let mut steps = Vec::new();
            for (n, step) in j.stages.iter().enumerate() {
                let skey = format!("{key}.stages[{n}]");
                let ids = match step {
                    StepEntry::One(s) => vec![stage_id(&skey, s)?],
                    StepEntry::AnyOf(v) if v.is_empty() => {
                        return Err(self.invalid(
                            skey,
                            "an empty list of alternatives; name at least one stage",
                        ));
                    }
                    StepEntry::AnyOf(v) => v
                        .iter()
                        .map(|s| stage_id(&skey, s))
                        .collect::<Result<_, _>>()?,
                };
                steps.push(ids);
            }
            journeys.push(Journey {
                name: j.name.clone(),
                steps,
                choice: match j.choice {
                    ChoiceEntry::Nearest => RouteChoice::Nearest,
                    ChoiceEntry::Quickest => RouteChoice::Quickest,
                },
            });
        }
        let journey_id = |key: &str, name: &str| -> Result<JourneyId, ScenarioError> {
            f.journeys
                .iter()
                .position(|j| j.name == name)
                .map(|i| JourneyId(i as u32))
                .ok_or_else(|| {
                    let known: Vec<&str> = f.journeys.iter().map(|j| j.name.as_str()).collect();
                    self.invalid(
                        key,
                        format!(
                            "unknown journey '{name}'; the journeys are: {}",
                            if known.is_empty() {
                                "(none defined)".to_string()
                            } else {
                                known.join(", ")
                            }
                        ),
                    )
                })
        };
        // resolve populations' and sources' references before the (slow) routing set-up
        for (k, p) in f.populations.iter().enumerate() {
            journey_id(
                &format!("populations[{k}] ('{}').journey", p.name),
                &p.journey,
            )?;
        }
        for (k, s) in f.sources.iter().enumerate() {
            journey_id(&format!("sources[{k}] ('{}').journey", s.name), &s.journey)?;
        }
        if f.populations.is_empty() && f.sources.is_empty() {
            return Err(self.invalid(
                "populations",
                "the scenario has no agents: add a [[populations]] or [[sources]] table",
            ));
        }
        let config = SimConfig {
            dt: sim.dt,
            seed: sim.seed,
            model,
            routing: Some(routing),
            blocked_time: sim.blocked_time,
            stairs,
            dynamic_routing: g.dynamic_routing,
            route_cost: match g.route_cost {
                RouteCostEntry::Time => RouteCost::Time,
                RouteCostEntry::Distance => RouteCost::Distance,
            },
        };
        let mut simulation = Simulation::new(area, stages, journeys, config).map_err(|e| {
            let key = match &e {
                aman_sim::SimError::Stage { stage, .. } => f
                    .stages
                    .iter()
                    .position(|s| s.name() == stage)
                    .map_or("stages".to_string(), |i| format!("stages[{i}]")),
                aman_sim::SimError::Journey { journey, .. } => f
                    .journeys
                    .iter()
                    .position(|j| &j.name == journey)
                    .map_or("journeys".to_string(), |i| format!("journeys[{i}]")),
                aman_sim::SimError::ParameterOutOfRange { what, .. }
                    if what == "dt" || what == "blocked_time" =>
                {
                    "simulation".to_string()
                }
                aman_sim::SimError::ParameterOutOfRange { what, .. }
                    if what.starts_with("routing") =>
                {
                    "geometry".to_string()
                }
                aman_sim::SimError::ParameterOutOfRange { what, .. }
                    if what == "dynamic_routing" =>
                {
                    "geometry.dynamic_routing".to_string()
                }
                aman_sim::SimError::ParameterOutOfRange { what, .. }
                    if what.starts_with("stair") =>
                {
                    "stairs".to_string()
                }
                aman_sim::SimError::Config(m) if m.contains("dt =") => "simulation.dt".to_string(),
                aman_sim::SimError::Config(m) if m.starts_with("stair") => "stairs".to_string(),
                aman_sim::SimError::Config(_) => "geometry.routing_cell_size".to_string(),
                _ => "model".to_string(),
            };
            self.sim_err(key, e)
        })?;
        // populations
        let mut populations = Vec::new();
        let mut notes = Vec::new();
        for (k, p) in f.populations.iter().enumerate() {
            let key = format!("populations[{k}] ('{}')", p.name);
            let journey = journey_id(&format!("{key}.journey"), &p.journey)?;
            self.check_params(&key, p.params())?;
            let region = self.region(&key, &p.area, &simulation)?;
            let walkable = region.unsigned_area();
            let mut rng = SplitMix64::new(mix64(sim.seed ^ mix64(0x5050 + k as u64)));
            let count = match (p.count, p.density, &p.positions) {
                (Some(c), None, None) if c as usize <= MAX_AGENTS => c as usize,
                (Some(c), None, None) => {
                    return Err(self.invalid(
                        format!("{key}.count"),
                        format!("{c} agents: a scenario holds at most {MAX_AGENTS}"),
                    ));
                }
                (None, Some(d), None) if d.is_finite() && d > 0.0 => {
                    (d * walkable).round() as usize
                }
                (None, Some(d), None) => {
                    return Err(self.invalid(
                        format!("{key}.density"),
                        format!("{d}: give a density in (0, 10] persons per m²"),
                    ));
                }
                (None, None, Some(list)) if list.is_empty() => {
                    return Err(self.invalid(
                        format!("{key}.positions"),
                        "an empty list: give at least one [x, y]",
                    ));
                }
                (None, None, Some(list)) if list.len() > MAX_AGENTS => {
                    return Err(self.invalid(
                        format!("{key}.positions"),
                        format!("a scenario holds at most {MAX_AGENTS} agents"),
                    ));
                }
                (None, None, Some(list)) => {
                    let mut specs = Vec::with_capacity(list.len());
                    for (n, xy) in list.iter().enumerate() {
                        let pos = Vec2::new(xy[0], xy[1]);
                        if !region.contains(&geo::Coord { x: pos.x, y: pos.y }) {
                            return Err(self.invalid(
                                format!("{key}.positions[{n}]"),
                                format!("({}, {}) is not inside the walkable part of the population's area", xy[0], xy[1]),
                            ));
                        }
                        specs.push(AgentSpec {
                            position: pos,
                            ..draw_params(journey, p.params(), k as u32, &mut rng)
                        });
                    }
                    // Measured positions (heads of a dense crowd) may be closer than two
                    // radii: shrink the radii of the persons concerned to fit, and say so.
                    let shrunk = shrink_to_fit(&mut specs, simulation.agents());
                    for (n, spec) in specs.iter().enumerate() {
                        if spec.radius < MIN_FITTED_RADIUS {
                            let xy = list[n];
                            return Err(self.invalid(
                                format!("{key}.positions[{n}]"),
                                format!(
                                    "({}, {}) is {:.3} m from another agent's centre: even with radii shrunk to fit, a radius would be below {MIN_FITTED_RADIUS} m; move the points apart",
                                    xy[0],
                                    xy[1],
                                    2.0 * spec.radius
                                ),
                            ));
                        }
                    }
                    if let Some((count, smallest)) = shrunk {
                        notes.push(format!(
                            "{key}: {count} of {} given positions are closer than the sum of the radii; their radii were shrunk to fit (smallest {smallest:.3} m)",
                            list.len()
                        ));
                    }
                    for (n, spec) in specs.into_iter().enumerate() {
                        simulation
                            .add_agent(spec)
                            .map_err(|e| self.sim_err(format!("{key}.positions[{n}]"), e))?;
                    }
                    populations.push((p.name.clone(), list.len()));
                    continue;
                }
                _ => {
                    return Err(self.invalid(
                        &key,
                        "give exactly one of `count` (persons), `density` (persons/m²) or `positions` ([[x, y], …])",
                    ));
                }
            };
            if count == 0 {
                return Err(self.invalid(&key, "a population needs at least one agent"));
            }
            let jam = jam_density(p.params().radius);
            if count as f64 > 1.1 * jam * walkable + 10.0 {
                return Err(self.invalid(
                    &key,
                    format!(
                        "{count} agents cannot fit into the walkable part of its area ({walkable:.1} m²): random placement \
                         jams near {jam:.1} persons/m² for these radii, at most about {:.0} agents; enlarge `area` or lower `count`/`density`",
                        jam * walkable
                    ),
                ));
            }
            let (placed, last_problem) = place(
                &simulation,
                &region,
                count,
                journey,
                p.params(),
                k as u32,
                &mut rng,
            );
            if let (true, Some(e)) = (placed.is_empty() && count > 0, last_problem) {
                return Err(self.sim_err(&key, e));
            }
            if placed.len() < count {
                return Err(self.invalid(
                    &key,
                    format!(
                        "only {} of {count} agents fit into the walkable part of its area ({walkable:.1} m²) without overlapping \
                         each other or the walls; enlarge `area` or lower `count`/`density` (random placement jams near {:.1} persons/m² for these radii)",
                        placed.len(),
                        jam_density(p.params().radius)
                    ),
                ));
            }
            for spec in placed {
                simulation
                    .add_agent(spec)
                    .map_err(|e| self.sim_err(&key, e))?;
            }
            populations.push((p.name.clone(), count));
        }
        // sources
        let mut sources = Vec::new();
        for (k, s) in f.sources.iter().enumerate() {
            let key = format!("sources[{k}] ('{}')", s.name);
            let journey = journey_id(&format!("{key}.journey"), &s.journey)?;
            self.check_params(&key, s.params())?;
            let expected = s.rate * (s.end - s.start);
            if expected.is_finite() && expected > MAX_AGENTS as f64 {
                return Err(self.invalid(
                    &key,
                    format!(
                        "rate {} /s from {} s to {} s makes {expected:.0} arrivals: a scenario holds at most {MAX_AGENTS}",
                        s.rate, s.start, s.end
                    ),
                ));
            }
            if !(s.rate.is_finite() && s.rate > 0.0) {
                return Err(self.invalid(
                    format!("{key}.rate"),
                    format!("{}: give a positive number of arrivals per second", s.rate),
                ));
            }
            if !(s.start.is_finite() && s.end.is_finite() && s.start >= 0.0 && s.end >= s.start) {
                return Err(self.invalid(
                    &key,
                    format!(
                        "start = {} s, end = {} s: need 0 <= start <= end",
                        s.start, s.end
                    ),
                ));
            }
            let region = self.region(&key, &s.area, &simulation)?;
            let group = (f.populations.len() + k) as u32;
            let mut rng = SplitMix64::new(mix64(sim.seed ^ mix64(0xA0A0 + k as u64)));
            let mut t = s.start;
            let mut n = 0usize;
            while t <= s.end + 1e-9 {
                let spec = draw_spec(&simulation, &region, journey, s.params(), group, &mut rng, 1000)
                    .ok_or_else(|| self.invalid(format!("{key}.area"), "no place in the area is far enough from the walls for an agent; enlarge it"))?;
                simulation
                    .schedule_agent(t, spec)
                    .map_err(|e| self.sim_err(&key, e))?;
                n += 1;
                t += match s.arrivals {
                    Arrivals::Regular => 1.0 / s.rate,
                    Arrivals::Poisson => -(1.0 - rng.uniform()).ln() / s.rate,
                };
            }
            sources.push((s.name.clone(), n));
        }
        // events
        for (k, e) in f.events.iter().enumerate() {
            let key = format!("events[{k}]");
            if !(e.time.is_finite() && e.time >= 0.0) {
                return Err(self.invalid(
                    format!("{key}.time"),
                    format!("{}: give a time >= 0 s", e.time),
                ));
            }
            let ev = match (&e.close, &e.open) {
                (Some(s), None) => Event::Close(stage_id(&format!("{key}.close"), s)?),
                (None, Some(s)) => Event::Open(stage_id(&format!("{key}.open"), s)?),
                _ => {
                    return Err(self.invalid(
                        &key,
                        "give exactly one of `close = \"stage\"` or `open = \"stage\"`",
                    ));
                }
            };
            simulation
                .schedule_event(e.time, ev)
                .map_err(|er| self.sim_err(&key, er))?;
        }
        // measurement lines
        for (k, l) in f.measurement_lines.iter().enumerate() {
            let key = format!("measurement_lines[{k}] ('{}')", l.name);
            let [a, b] = l.line;
            let seg = Segment::new(Vec2::new(a[0], a[1]), Vec2::new(b[0], b[1]));
            if !(a.iter().chain(b.iter()).all(|v| v.is_finite())) || seg.length() <= 0.0 {
                return Err(self.invalid(
                    format!("{key}.line"),
                    "give two different points [[x1, y1], [x2, y2]] in metres",
                ));
            }
            {
                use geo::Intersects;
                let ls = geo::LineString::from(vec![(a[0], a[1]), (b[0], b[1])]);
                if !ls.intersects(simulation.walkable_area().polygon()) {
                    return Err(self.invalid(
                        format!("{key}.line"),
                        "the line does not touch the walkable area: nobody could cross it; move it into the venue",
                    ));
                }
            }
            if f.measurement_lines[..k].iter().any(|o| o.name == l.name) {
                return Err(self.invalid(
                    key,
                    "another measurement line has the same name; names must be unique",
                ));
            }
            simulation.add_measurement_line(MeasurementLine {
                name: l.name.clone(),
                segment: seg,
            });
        }
        Ok(Scenario {
            name,
            path: self.path.to_path_buf(),
            description: f.scenario.description.clone(),
            simulation,
            end_time: sim.end_time,
            output: f.output.clone(),
            populations,
            sources,
            notes,
        })
    }

    /// The walkable part of a population's or source's area.
    /// The walkable part of a population's or source's area, exits excluded (an agent placed
    /// inside an exit would leave at once).
    fn region(
        &self,
        key: &str,
        pts: &[[f64; 2]],
        sim: &Simulation,
    ) -> Result<geo::MultiPolygon<f64>, ScenarioError> {
        let poly = self.polygon(&format!("{key}.area"), pts)?;
        let mut region = poly.intersection(sim.walkable_area().polygon());
        if region.unsigned_area() < 1e-6 {
            return Err(self.invalid(
                format!("{key}.area"),
                "the area lies outside the walkable area; move it inside",
            ));
        }
        for stage in sim.stages() {
            if let StageKind::Exit { polygon } = &stage.kind {
                region = region.difference(polygon);
            }
        }
        if region.unsigned_area() < 1e-6 {
            return Err(self.invalid(
                format!("{key}.area"),
                "the area lies entirely inside exits; agents must start outside them",
            ));
        }
        Ok(region)
    }

    fn check_params(&self, key: &str, p: AgentParams<'_>) -> Result<(), ScenarioError> {
        let checks: [(&str, &Distribution, f64, bool, f64, &str); 4] = [
            (
                "desired_speed",
                p.desired_speed,
                0.0,
                true,
                10.0,
                "(0, 10] m/s",
            ),
            ("radius", p.radius, 0.0, true, 2.0, "(0, 2] m"),
            ("time_gap", p.time_gap, 0.1, false, 10.0, "[0.1, 10] s"),
            (
                "premovement_time",
                p.premovement_time,
                0.0,
                false,
                f64::MAX,
                "[0, ∞) s",
            ),
        ];
        for (name, d, lo, lo_open, hi, range) in checks {
            let k = format!("{key}.{name}");
            let (min, max) = match *d {
                Distribution::Constant(v) if !v.is_finite() => {
                    return Err(self.invalid(
                        k,
                        format!("{v} is not a number: {name} must lie in {range}"),
                    ));
                }
                Distribution::Constant(v) => (v, v),
                Distribution::Uniform { min, max } => (min, max),
                Distribution::Rimea { group, .. } if name != "desired_speed" => {
                    return Err(self.invalid(
                        k,
                        format!(
                            "the rimea distribution (group '{group}') gives walking speeds: use it \
                             for desired_speed only"
                        ),
                    ));
                }
                Distribution::Rimea { min, max, .. } => (min, max),
                Distribution::Normal { mean, sd, min, max } => {
                    if !(sd.is_finite() && sd >= 0.0 && mean.is_finite()) {
                        return Err(self.invalid(k, format!("normal distribution with mean = {mean}, sd = {sd}: need a finite mean and sd >= 0")));
                    }
                    if mean < min || mean > max {
                        return Err(self.invalid(k, format!("normal distribution: mean = {mean} lies outside [min, max] = [{min}, {max}]")));
                    }
                    (min, max)
                }
            };
            if !(min.is_finite() && max.is_finite()) || min > max {
                return Err(self.invalid(
                    k,
                    format!("min = {min} > max = {max}, or not a number: give min <= max"),
                ));
            }
            let lo_ok = if lo_open { min > lo } else { min >= lo };
            if !lo_ok || max > hi {
                let given = if min == max {
                    format!("{min}")
                } else {
                    format!("values from {min} to {max}")
                };
                return Err(self.invalid(
                    k,
                    format!("{given} is not allowed: {name} must lie in {range}"),
                ));
            }
        }
        Ok(())
    }
}

/// Rough jamming density of random sequential placement (packing fraction 0.547), persons/m².
fn jam_density(radius: &Distribution) -> f64 {
    let r = match *radius {
        Distribution::Constant(v) => v,
        Distribution::Uniform { min, max } | Distribution::Rimea { min, max, .. } => {
            0.5 * (min + max)
        }
        Distribution::Normal { mean, .. } => mean,
    };
    0.547 / (std::f64::consts::PI * r * r)
}

fn sample(d: &Distribution, rng: &mut SplitMix64) -> f64 {
    match *d {
        Distribution::Constant(v) => v,
        Distribution::Uniform { min, max } | Distribution::Rimea { min, max, .. } => {
            min + (max - min) * rng.uniform()
        }
        Distribution::Normal { mean, sd, min, max } => {
            for _ in 0..1000 {
                let v = mean + sd * rng.normal();
                if (min..=max).contains(&v) {
                    return v;
                }
            }
            mean.clamp(min, max)
        }
    }
}

/// Smallest radius a start position's agent may be shrunk to, m: below it the points are
/// taken for a mistake (two persons on one spot), not a dense crowd.
pub const MIN_FITTED_RADIUS: f64 = 0.05;

/// Shrinks the radii of `specs` (start positions given in the file) so that no two agents
/// overlap, neither among themselves nor with the `placed` agents (whose radii stay): a pair
/// of new agents closer than r_i + r_j gets r = d/2 each (both as large as they can be,
/// equal), a new agent closer to a placed one than r_i + r_j gets r_i = d − r_j. Each radius
/// only shrinks (the smallest bound wins). Returns how many radii shrank and the smallest
/// one, m, or `None` if nothing overlapped. A radius may end below [`MIN_FITTED_RADIUS`]
/// (or at 0 for coincident points): the caller rejects that.
fn shrink_to_fit(specs: &mut [AgentSpec], placed: &aman_sim::Agents) -> Option<(usize, f64)> {
    let original: Vec<f64> = specs.iter().map(|s| s.radius).collect();
    for spec in specs.iter_mut() {
        for j in 0..placed.len() {
            let d = placed.position[j].distance(spec.position);
            if d < placed.radius[j] + spec.radius {
                spec.radius = (d - placed.radius[j]).max(0.0);
            }
        }
    }
    // Pairs among the new agents: a grid of cells as large as the largest diameter keeps this
    // linear for large lists.
    let cell = 2.0 * original.iter().copied().fold(0.0, f64::max).max(1e-6);
    let mut grid: std::collections::HashMap<(i64, i64), Vec<usize>> =
        std::collections::HashMap::new();
    let key = |p: Vec2| ((p.x / cell).floor() as i64, (p.y / cell).floor() as i64);
    for (i, s) in specs.iter().enumerate() {
        grid.entry(key(s.position)).or_default().push(i);
    }
    for i in 0..specs.len() {
        let (cx, cy) = key(specs[i].position);
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &j in grid.get(&(cx + dx, cy + dy)).map_or(&[][..], |v| &v[..]) {
                    if j == i {
                        continue;
                    }
                    let d = specs[i].position.distance(specs[j].position);
                    if d < original[i] + original[j] {
                        specs[i].radius = specs[i].radius.min(d / 2.0);
                    }
                }
            }
        }
    }
    let changed: Vec<f64> = specs
        .iter()
        .zip(&original)
        .filter(|(s, r)| s.radius < **r)
        .map(|(s, _)| s.radius)
        .collect();
    (!changed.is_empty()).then(|| {
        (
            changed.len(),
            changed.iter().copied().fold(f64::MAX, f64::min),
        )
    })
}

/// An agent's parameters drawn from a population's or source's distributions (`p`, with the
/// radius and time gap filled in: [`crate::defaults::shipped`]); position zero. Used by the
/// scenario's build and by the simulation forecast (`aman-forecast`), which places persons
/// from a live state with the scenario's parameters.
pub fn draw_params(
    journey: JourneyId,
    p: AgentParams<'_>,
    group: u32,
    rng: &mut SplitMix64,
) -> AgentSpec {
    AgentSpec {
        position: Vec2::ZERO,
        journey,
        desired_speed: sample(p.desired_speed, rng),
        radius: sample(p.radius, rng),
        time_gap: sample(p.time_gap, rng),
        premovement_time: sample(p.premovement_time, rng),
        group,
    }
}

/// A uniformly drawn valid agent in `region` (inside, clear of walls, reachable target).
fn draw_spec(
    sim: &Simulation,
    region: &geo::MultiPolygon<f64>,
    journey: JourneyId,
    p: AgentParams<'_>,
    group: u32,
    rng: &mut SplitMix64,
    tries: usize,
) -> Option<AgentSpec> {
    let bb = region.bounding_rect()?;
    let spec = draw_params(journey, p, group, rng);
    for _ in 0..tries {
        let pos = Vec2::new(
            bb.min().x + rng.uniform() * bb.width(),
            bb.min().y + rng.uniform() * bb.height(),
        );
        if !region.contains(&geo::Coord { x: pos.x, y: pos.y }) {
            continue;
        }
        if sim.walkable_area().distance_to_wall(pos) < spec.radius + 0.01 {
            continue;
        }
        return Some(AgentSpec {
            position: pos,
            ..spec
        });
    }
    None
}

/// Places `count` non-overlapping agents uniformly at random in `region` (random sequential
/// addition), each at least its radius + 1 cm from walls and 2 cm from other agents. Returns
/// the agents placed (fewer than `count` when the region is full: it gives up after 20,000 +
/// 50 per agent placed draws in a row that do not fit) and the last reason the simulation
/// refused a drawn agent, if any.
pub fn place(
    sim: &Simulation,
    region: &geo::MultiPolygon<f64>,
    count: usize,
    journey: JourneyId,
    p: AgentParams<'_>,
    group: u32,
    rng: &mut SplitMix64,
) -> (Vec<AgentSpec>, Option<aman_sim::SimError>) {
    let mut out: Vec<AgentSpec> = Vec::with_capacity(count);
    let mut last_problem = None;
    let Some(bb) = region.bounding_rect() else {
        return (out, None);
    };
    let cell = 1.0f64;
    let nx = (bb.width() / cell).ceil() as usize + 1;
    let ny = (bb.height() / cell).ceil() as usize + 1;
    let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); nx * ny];
    let cell_of = |q: Vec2| {
        let i = (((q.x - bb.min().x) / cell) as usize).min(nx - 1);
        let j = (((q.y - bb.min().y) / cell) as usize).min(ny - 1);
        (i, j)
    };
    let mut failures = 0usize;
    // give up after many draws in a row that do not fit (the area is full)
    while out.len() < count && failures < 20_000 + 50 * out.len() {
        let Some(spec) = draw_spec(sim, region, journey, p, group, rng, 200) else {
            break;
        };
        let (i, j) = cell_of(spec.position);
        let mut free = true;
        'outer: for jj in j.saturating_sub(1)..=(j + 1).min(ny - 1) {
            for ii in i.saturating_sub(1)..=(i + 1).min(nx - 1) {
                for &o in &buckets[jj * nx + ii] {
                    let other = &out[o as usize];
                    if other.position.distance(spec.position) < other.radius + spec.radius + 0.02 {
                        free = false;
                        break 'outer;
                    }
                }
            }
        }
        if !free {
            failures += 1;
            continue;
        }
        if let Err(e) = sim.validate_agent(&spec) {
            last_problem = Some(e);
            failures += 1;
            continue;
        }
        buckets[j * nx + i].push(out.len() as u32);
        out.push(spec);
    }
    (out, last_problem)
}
