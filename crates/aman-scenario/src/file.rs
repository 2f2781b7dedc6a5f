//! The scenario file as written by users: TOML, every table with `deny_unknown_fields`.
//!
//! The full reference is `docs/scenario.md`; the README has a complete example.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Name and description.
    #[serde(default)]
    pub scenario: Meta,
    /// Time step, end time, seed.
    pub simulation: SimulationSection,
    /// The walkable area.
    pub geometry: GeometrySection,
    /// The pedestrian model.
    #[serde(default)]
    pub model: ModelSection,
    /// Stair areas.
    #[serde(default)]
    pub stairs: Vec<StairEntry>,
    /// Waypoints and exits.
    #[serde(default)]
    pub stages: Vec<StageEntry>,
    /// Sequences of stages.
    #[serde(default)]
    pub journeys: Vec<JourneyEntry>,
    /// Agents present at the start.
    #[serde(default)]
    pub populations: Vec<PopulationEntry>,
    /// Agents arriving over time.
    #[serde(default)]
    pub sources: Vec<SourceEntry>,
    /// Exits closing or opening at given times.
    #[serde(default)]
    pub events: Vec<EventEntry>,
    /// Lines where crossings are counted.
    #[serde(default)]
    pub measurement_lines: Vec<LineEntry>,
    /// What to write.
    #[serde(default)]
    pub output: OutputSection,
}

/// `[scenario]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Short name, used in reports. Default: the file's stem.
    pub name: Option<String>,
    /// Free text: what the scenario is and its sources.
    pub description: Option<String>,
}

/// `[simulation]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationSection {
    /// Time step, s. Default 0.01 (JuPedSim's).
    #[serde(default = "default_dt")]
    pub dt: f64,
    /// The run stops when everybody has left or at this simulated time, s.
    pub end_time: f64,
    /// Seed of all random draws. Default 0.
    #[serde(default)]
    pub seed: u64,
    /// Seconds of being blocked before an agent side-steps. Default 3.
    #[serde(default = "default_blocked")]
    pub blocked_time: f64,
}

fn default_dt() -> f64 {
    0.01
}
fn default_blocked() -> f64 {
    3.0
}

/// `[geometry]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeometrySection {
    /// A file (WKT, GeoJSON, JuPedSim XML), relative to the scenario file.
    pub file: Option<String>,
    /// Inline WKT polygon.
    pub wkt: Option<String>,
    /// Routing grid cell size, m. Default: chosen from the area's size.
    pub routing_cell_size: Option<f64>,
    /// Distance from walls below which routes are penalised, m. Default 0.5.
    pub routing_wall_distance: Option<f64>,
    /// Half the narrowest gap agents can pass, m. Default 0.2.
    pub routing_clearance: Option<f64>,
    /// What routes minimise: `time` (stairs cost their slower walking; default) or `distance`.
    #[serde(default)]
    pub route_cost: RouteCostEntry,
    /// Seconds between two updates of density-aware routing (see
    /// `aman_sim::SimConfig::dynamic_routing`); absent: routes are computed once.
    pub dynamic_routing: Option<f64>,
}

/// `[geometry] route_cost`
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum RouteCostEntry {
    /// Travel time: a route over slow stairs is taken only when it is quicker.
    #[default]
    Time,
    /// Walking distance: stairs cost as much as the flat.
    Distance,
}

/// `[[stairs]]`: an area where agents walk slower, by a factor depending on whether they go up
/// or down (see `aman_sim::Stair`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StairEntry {
    /// Unique name.
    pub name: String,
    /// Corners `[[x, y], …]`, m, drawn unfolded: the length along `up` is the walking distance
    /// on the stair.
    #[serde(deserialize_with = "points")]
    pub polygon: Vec<[f64; 2]>,
    /// Plan direction `[dx, dy]` in which the stair ascends (normalised on reading).
    #[serde(deserialize_with = "point")]
    pub up: [f64; 2],
    /// Speed factor going up, (0, 1]. Default 0.455 (Weidmann: 0.61 m/s of 1.34 m/s).
    pub up_factor: Option<f64>,
    /// Speed factor going down, (0, 1]. Default 0.518 (Weidmann: 0.694 m/s of 1.34 m/s).
    pub down_factor: Option<f64>,
}

/// Declares [`ModelSection`] from one table: per model its variant, its `kind`, the
/// `aman_sim` model it builds and its keys in the order of the file (each key a field of that
/// model, of the same name). From that one list come the serde variant (so an unknown key gets
/// serde's "unknown field `x`, expected one of" the model's keys, which [`crate::syntax`]
/// places at the key's line and column), the default (the first model: every key unset), [`ModelSection::with_defaults`],
/// [`ModelSection::name`], [`ModelSection::parameters`], the slot a key sets, and
/// [`ModelSection::model`], the `aman_sim::Model` with every key not given at the model's
/// `Default`. Adding a key to a model is one line here and a field of its `aman_sim` struct.
macro_rules! model_sections {
    (@all $($(#[$m:meta])* $v:ident = $k:literal => $s:ident { $($f:ident),* }),*) => {
        /// `[model]`: the pedestrian model (`kind`) and those of its parameters the file gives.
        #[derive(Debug, Clone, Deserialize)]
        #[serde(tag = "kind", deny_unknown_fields)]
        pub enum ModelSection {
            $(
                $(#[$m])*
                #[serde(rename = $k)]
                $v {
                    $(
                        #[doc = concat!(
                            "See [`aman_sim::", stringify!($s), "::", stringify!($f), "`]."
                        )]
                        $f: Option<f64>,
                    )*
                },
            )*
        }

        impl ModelSection {
            /// Every model's `kind`, the default first.
            pub const KINDS: &'static [&'static str] = &[$($k),*];

            /// The model named `name` (one of [`ModelSection::KINDS`]) with no parameter given;
            /// `None` for another name.
            pub fn with_defaults(name: &str) -> Option<Self> {
                match name {
                    $($k => Some(ModelSection::$v { $($f: None),* }),)*
                    _ => None,
                }
            }

            /// The model's name as written in `[model] kind`.
            pub fn name(&self) -> &'static str {
                match self {
                    $(ModelSection::$v { .. } => $k,)*
                }
            }

            /// Every parameter of the model by its key in `[model]`, in the order of the file.
            pub fn parameters(&self) -> Vec<(&'static str, Option<f64>)> {
                match *self {
                    $(ModelSection::$v { $($f),* } => vec![$((stringify!($f), $f)),*],)*
                }
            }

            /// The parameter `key` of this model, if the model has it (given or not).
            fn slot(&mut self, key: &str) -> Option<&mut Option<f64>> {
                match self {
                    $(ModelSection::$v { $($f),* } => match key {
                        $(stringify!($f) => Some($f),)*
                        _ => None,
                    },)*
                }
            }

            /// The simulator's model: every parameter given here, the others at the
            /// `aman_sim` model's `Default` (its paper's or JuPedSim's value; the shipped
            /// sets of [`crate::defaults`] are filled in before, by [`ModelSection::filled_from`]).
            /// Ranges are checked by the simulation, which names the key.
            pub fn model(&self) -> aman_sim::Model {
                match *self {
                    $(ModelSection::$v { $($f),* } => {
                        let d = aman_sim::$s::default();
                        aman_sim::Model::$v(aman_sim::$s {
                            $($f: $f.unwrap_or(d.$f),)*
                        })
                    })*
                }
            }
        }
    };
    (
        $(#[$m0:meta])* $v0:ident = $k0:literal => $s0:ident { $($f0:ident),* $(,)? },
        $($(#[$m:meta])* $v:ident = $k:literal => $s:ident { $($f:ident),* $(,)? }),* $(,)?
    ) => {
        model_sections!(@all
            $(#[$m0])* $v0 = $k0 => $s0 { $($f0),* },
            $($(#[$m])* $v = $k => $s { $($f),* }),*
        );

        impl Default for ModelSection {
            /// The first model of the table, every key unset.
            fn default() -> Self {
                ModelSection::$v0 { $($f0: None),* }
            }
        }
    };
}

model_sections! {
    /// Collision-Free Speed Model (the default).
    CollisionFreeSpeed = "collision_free_speed" => CollisionFreeSpeedModel {
        strength_neighbor_repulsion,
        range_neighbor_repulsion,
        strength_geometry_repulsion,
        range_geometry_repulsion,
    },
    /// Social Force Model.
    SocialForce = "social_force" => SocialForceModel {
        mass,
        relaxation_time,
        strength,
        range,
        body_force,
        friction,
    },
    /// Anticipation Velocity Model.
    AnticipationVelocity = "anticipation_velocity" => AnticipationVelocityModel {
        strength_neighbor_repulsion,
        range_neighbor_repulsion,
        anticipation_time,
        reaction_time,
        wall_buffer_distance,
        pushout_strength,
    },
    /// Generalized Centrifugal Force Model.
    GeneralizedCentrifugalForce = "generalized_centrifugal_force"
        => GeneralizedCentrifugalForceModel {
        mass,
        tau,
        strength_neighbor_repulsion,
        strength_geometry_repulsion,
        max_neighbor_interaction_distance,
        max_geometry_interaction_distance,
        max_neighbor_interpolation_distance,
        max_geometry_interpolation_distance,
        max_neighbor_repulsion_force,
        max_geometry_repulsion_force,
        a_v,
        a_min,
        b_min,
        b_max,
    },
}

impl ModelSection {
    /// The model named `name` with no parameter given (each then takes the shipped default,
    /// [`crate::defaults::shipped`]); `None` for another name.
    pub fn with_kind(name: &str) -> Option<Self> {
        Self::with_defaults(name)
    }

    /// Sets parameter `key` to `value`.
    ///
    /// # Errors
    /// A message listing the model's parameters when it has no parameter `key`.
    pub fn set(&mut self, key: &str, value: f64) -> Result<(), String> {
        let name = self.name();
        let keys: Vec<&str> = self.parameters().iter().map(|p| p.0).collect();
        match self.slot(key) {
            Some(slot) => {
                *slot = Some(value);
                Ok(())
            }
            None => Err(format!(
                "the {name} model has no parameter '{key}' (it has {})",
                keys.join(", ")
            )),
        }
    }

    /// The parameter `key`, if given.
    pub fn get(&self, key: &str) -> Option<f64> {
        self.parameters()
            .into_iter()
            .find(|p| p.0 == key)
            .and_then(|p| p.1)
    }

    /// Every parameter not given here taken from `defaults` when it is the same model.
    pub fn filled_from(mut self, defaults: &ModelSection) -> Self {
        if self.name() == defaults.name() {
            for (key, value) in defaults.parameters() {
                if let (Some(slot), Some(v)) = (self.slot(key), value) {
                    slot.get_or_insert(v);
                }
            }
        }
        self
    }
}

/// `[[stages]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StageEntry {
    /// A point to pass near, or a door (a passage inside the walkable area) to pass through;
    /// exactly one of the two.
    Waypoint {
        /// Unique name.
        name: String,
        /// `[x, y]`, m.
        #[serde(default, deserialize_with = "opt_point")]
        position: Option<[f64; 2]>,
        /// Reached within this distance of `position`, m. Default 1.
        #[serde(default)]
        distance: Option<f64>,
        /// The passage's two ends `[[x1, y1], [x2, y2]]`, m: completed when crossed.
        #[serde(default, deserialize_with = "opt_door")]
        door: Option<[[f64; 2]; 2]>,
    },
    /// An exit: a door (a segment of the walkable area's boundary, crossed to leave) or an
    /// area (entered to leave); exactly one of the two.
    Exit {
        /// Unique name.
        name: String,
        /// The exit area's corners `[[x, y], …]`, m.
        #[serde(default, deserialize_with = "opt_points")]
        polygon: Option<Vec<[f64; 2]>>,
        /// The door's two ends `[[x1, y1], [x2, y2]]` on the boundary, m.
        #[serde(default, deserialize_with = "opt_door")]
        door: Option<[[f64; 2]; 2]>,
    },
}

impl StageEntry {
    /// The stage's name.
    pub fn name(&self) -> &str {
        match self {
            StageEntry::Waypoint { name, .. } | StageEntry::Exit { name, .. } => name,
        }
    }
}

/// One step of a journey: a stage name, or a list of alternatives.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum StepEntry {
    /// One stage.
    One(String),
    /// Alternatives: the nearest open one is taken.
    AnyOf(Vec<String>),
}

/// `[[journeys]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JourneyEntry {
    /// Unique name.
    pub name: String,
    /// Steps in order.
    pub stages: Vec<StepEntry>,
    /// How agents choose among a step's alternatives: `nearest` (default) or `quickest`
    /// (walking plus queueing time; see `aman_sim::RouteChoice`).
    #[serde(default)]
    pub choice: ChoiceEntry,
}

/// `[[journeys]] choice`
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceEntry {
    /// The nearest open alternative by travel time.
    #[default]
    Nearest,
    /// The quickest, counting the queue in front of each alternative.
    Quickest,
}

fn d_speed() -> Distribution {
    Distribution::Constant(1.2)
}
/// What [`AgentParams`] reads for a radius or time gap not yet filled in (the scenario's build
/// fills every one in from the model's shipped set first, [`crate::defaults`]).
static UNFILLED: Distribution = Distribution::Constant(f64::NAN);
fn d_zero() -> Distribution {
    Distribution::Constant(0.0)
}

/// Per-agent parameters of a population or source (`desired_speed`, `radius`, `time_gap`,
/// `premovement_time`), borrowed so that both are drawn by the same code.
#[derive(Debug, Clone, Copy)]
pub struct AgentParams<'a> {
    /// Desired speed, m/s.
    pub desired_speed: &'a Distribution,
    /// Radius, m.
    pub radius: &'a Distribution,
    /// CFSM time gap, s.
    pub time_gap: &'a Distribution,
    /// Pre-movement time, s.
    pub premovement_time: &'a Distribution,
}

/// `[[populations]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationEntry {
    /// Unique name.
    pub name: String,
    /// Journey name.
    pub journey: String,
    /// Where they stand: corners `[[x, y], …]`, m (intersected with the walkable area).
    #[serde(deserialize_with = "points")]
    pub area: Vec<[f64; 2]>,
    /// Number of agents (give this, `density` or `positions`).
    pub count: Option<u64>,
    /// Exact start positions `[[x, y], …]`, m, one agent each (instead of `count`/`density`);
    /// they must lie inside `area`.
    #[serde(default, deserialize_with = "opt_points")]
    pub positions: Option<Vec<[f64; 2]>>,
    /// Persons per m² of the walkable part of `area` (give this or `count`).
    pub density: Option<f64>,
    /// Desired speed, m/s. Default 1.2 (JuPedSim's).
    #[serde(default = "d_speed")]
    pub desired_speed: Distribution,
    /// Radius, m. Default: the model's shipped default ([`crate::defaults`]), filled in when
    /// the scenario is built.
    #[serde(default)]
    pub radius: Option<Distribution>,
    /// CFSM time gap, s. Default: the model's shipped default ([`crate::defaults`]), filled in
    /// when the scenario is built.
    #[serde(default)]
    pub time_gap: Option<Distribution>,
    /// Pre-movement time, s. Default 0.
    #[serde(default = "d_zero")]
    pub premovement_time: Distribution,
}

/// `[[sources]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    /// Unique name.
    pub name: String,
    /// Journey name.
    pub journey: String,
    /// Where arrivals appear: corners `[[x, y], …]`, m.
    #[serde(deserialize_with = "points")]
    pub area: Vec<[f64; 2]>,
    /// Arrivals per second.
    pub rate: f64,
    /// First arrival time, s. Default 0.
    #[serde(default)]
    pub start: f64,
    /// No arrivals after this time, s.
    pub end: f64,
    /// `regular` (every 1/rate s, default) or `poisson`.
    #[serde(default)]
    pub arrivals: Arrivals,
    /// Desired speed, m/s. Default 1.2 (JuPedSim's).
    #[serde(default = "d_speed")]
    pub desired_speed: Distribution,
    /// Radius, m. Default: the model's shipped default ([`crate::defaults`]), filled in when
    /// the scenario is built.
    #[serde(default)]
    pub radius: Option<Distribution>,
    /// CFSM time gap, s. Default: the model's shipped default ([`crate::defaults`]), filled in
    /// when the scenario is built.
    #[serde(default)]
    pub time_gap: Option<Distribution>,
    /// Pre-movement time, s. Default 0.
    #[serde(default = "d_zero")]
    pub premovement_time: Distribution,
}

macro_rules! agent_params {
    ($t:ty) => {
        impl $t {
            /// The per-agent parameters.
            pub fn params(&self) -> AgentParams<'_> {
                AgentParams {
                    desired_speed: &self.desired_speed,
                    radius: self.radius.as_ref().unwrap_or(&UNFILLED),
                    time_gap: self.time_gap.as_ref().unwrap_or(&UNFILLED),
                    premovement_time: &self.premovement_time,
                }
            }
        }
    };
}
agent_params!(PopulationEntry);
agent_params!(SourceEntry);

/// How arrival times are spread.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Arrivals {
    /// Evenly, every 1/rate seconds.
    #[default]
    Regular,
    /// A Poisson process of the given rate.
    Poisson,
}

/// `[[events]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventEntry {
    /// When, s.
    pub time: f64,
    /// Stage to close.
    pub close: Option<String>,
    /// Stage to open.
    pub open: Option<String>,
}

/// `[[measurement_lines]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineEntry {
    /// Unique name.
    pub name: String,
    /// `[[x1, y1], [x2, y2]]`, m.
    #[serde(deserialize_with = "line")]
    pub line: [[f64; 2]; 2],
}

/// `[output]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSection {
    /// Frames per second of the written trajectories. Default 10; must divide 1/dt evenly.
    #[serde(default = "d_fps")]
    pub fps: f64,
    /// Write `trajectories.sqlite`. Default true.
    #[serde(default = "d_true")]
    pub trajectories: bool,
    /// Side of the density cells in the report, m. Default 2 (a lone person in a 1 m cell
    /// would already read as 1 person/m², Fruin level D).
    #[serde(default = "d_cell")]
    pub density_cell_size: f64,
    /// Times at which the report shows the density of every cell, s, increasing, within
    /// `[0, end_time]`, at most 12. Default (absent): the moments 10 %, 50 % and 90 % of the
    /// agents had left.
    #[serde(default)]
    pub snapshots: Option<Vec<f64>>,
}

impl Default for OutputSection {
    fn default() -> Self {
        Self {
            fps: d_fps(),
            trajectories: true,
            density_cell_size: d_cell(),
            snapshots: None,
        }
    }
}

fn d_fps() -> f64 {
    10.0
}
fn d_true() -> bool {
    true
}
fn d_cell() -> f64 {
    2.0
}

/// A value drawn per agent: a number, or a table with `distribution = "…"`.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    /// Always this value.
    Constant(f64),
    /// Uniform in `[min, max]`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// A RiMEA group's desired walking speeds (`{ distribution = "rimea", group = … }`): uniform
    /// in the group's range of [`RIMEA_SPEED_GROUPS`]; for `desired_speed` only.
    Rimea {
        /// The group's name.
        group: &'static str,
        /// Lower bound, m/s.
        min: f64,
        /// Upper bound, m/s.
        max: f64,
    },
    /// Normal, truncated to `[min, max]` by redrawing.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
}

#[derive(Deserialize)]
#[serde(tag = "distribution", rename_all = "snake_case", deny_unknown_fields)]
enum DistTable {
    Constant {
        value: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
        min: Option<f64>,
        max: Option<f64>,
    },
    Rimea {
        group: String,
    },
}

/// The desired walking speeds on the flat of the RiMEA 3.0 guideline's table for test 7
/// (section 2.3, after Weidmann 1993), m/s: `(group, min, max)`. A `rimea` distribution draws
/// uniformly in its group's range.
pub const RIMEA_SPEED_GROUPS: [(&str, f64, f64); 4] = [
    ("under_30", 0.58, 1.61),
    ("30_to_50", 1.41, 1.54),
    ("over_50", 0.68, 1.41),
    ("limited_mobility", 0.46, 0.76),
];

impl<'de> Deserialize<'de> for Distribution {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Distribution;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number, or a table such as { distribution = \"normal\", mean = 1.34, sd = 0.26 }, \
                     { distribution = \"uniform\", min = 0.5, max = 1.5 } \
                     or { distribution = \"rimea\", group = \"over_50\" }",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Distribution, E> {
                Ok(Distribution::Constant(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Distribution, E> {
                Ok(Distribution::Constant(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Distribution, E> {
                Ok(Distribution::Constant(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Distribution, A::Error> {
                let t = DistTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(match t {
                    DistTable::Constant { value } => Distribution::Constant(value),
                    DistTable::Uniform { min, max } => Distribution::Uniform { min, max },
                    DistTable::Normal { mean, sd, min, max } => Distribution::Normal {
                        mean,
                        sd,
                        min: min.unwrap_or(mean - 3.0 * sd),
                        max: max.unwrap_or(mean + 3.0 * sd),
                    },
                    DistTable::Rimea { group } => {
                        let Some(&(group, min, max)) =
                            RIMEA_SPEED_GROUPS.iter().find(|g| g.0 == group)
                        else {
                            return Err(de::Error::custom(format!(
                                "unknown RiMEA group '{group}': use one of {}",
                                RIMEA_SPEED_GROUPS
                                    .iter()
                                    .map(|g| format!("\"{}\"", g.0))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )));
                        };
                        Distribution::Rimea { group, min, max }
                    }
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Points are read strictly: `[x, y]`, exactly two numbers (serde's fixed-size arrays would
/// silently drop a third one in some positions of a TOML file).
fn to_point<E: de::Error>(v: &[f64]) -> Result<[f64; 2], E> {
    match v {
        [x, y] => Ok([*x, *y]),
        _ => Err(E::custom(format!(
            "a point is [x, y] in metres: found {} number{}",
            v.len(),
            if v.len() == 1 { "" } else { "s" }
        ))),
    }
}

fn point<'de, D: Deserializer<'de>>(d: D) -> Result<[f64; 2], D::Error> {
    to_point(&Vec::<f64>::deserialize(d)?)
}

fn points<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[f64; 2]>, D::Error> {
    Vec::<Vec<f64>>::deserialize(d)?
        .iter()
        .map(|p| to_point(p))
        .collect()
}

fn opt_points<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<[f64; 2]>>, D::Error> {
    points(d).map(Some)
}

fn opt_point<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[f64; 2]>, D::Error> {
    point(d).map(Some)
}

fn opt_door<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[[f64; 2]; 2]>, D::Error> {
    let pts = points(d)?;
    match pts.as_slice() {
        [a, b] => Ok(Some([*a, *b])),
        _ => Err(de::Error::custom(format!(
            "a door is its two ends [[x1, y1], [x2, y2]]: found {} points",
            pts.len()
        ))),
    }
}

fn line<'de, D: Deserializer<'de>>(d: D) -> Result<[[f64; 2]; 2], D::Error> {
    let pts = points(d)?;
    match pts.as_slice() {
        [a, b] => Ok([*a, *b]),
        _ => Err(de::Error::custom(format!(
            "a measurement line is two points [[x1, y1], [x2, y2]]: found {} points",
            pts.len()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// A scenario whose `[model]` holds `model` (TOML lines).
    fn with_model(model: &str) -> String {
        format!(
            "[simulation]\nend_time = 10\n[geometry]\nwkt = \"POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))\"\n\
             [model]\n{model}\n"
        )
    }

    #[test]
    fn every_key_of_every_model_reaches_the_simulators_model() {
        for kind in ModelSection::KINDS {
            let empty = ModelSection::with_defaults(kind).unwrap();
            assert_eq!(empty.name(), *kind);
            let keys: Vec<&str> = empty.parameters().iter().map(|p| p.0).collect();
            assert!(!keys.is_empty(), "{kind}");
            // each key given a distinct value in a file: read back by `get`, and carried into
            // the simulator's model (its Debug output holds the value under the same name)
            let lines: Vec<String> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| format!("{k} = {}", 0.125 + i as f64))
                .collect();
            let text = with_model(&format!("kind = \"{kind}\"\n{}", lines.join("\n")));
            let file = crate::parse_str(&text, Path::new("s.toml")).unwrap();
            let debug = format!("{:?}", file.model.model());
            for (i, k) in keys.iter().enumerate() {
                let v = 0.125 + i as f64;
                assert_eq!(file.model.get(k), Some(v), "{kind}.{k}");
                assert!(
                    debug.contains(&format!("{k}: {v:?}")),
                    "{kind}.{k}: {debug}"
                );
            }
        }
        assert!(ModelSection::with_defaults("helbing").is_none());
        assert_eq!(ModelSection::default().name(), "collision_free_speed");
    }

    #[test]
    fn unset_keys_take_the_simulators_defaults() {
        let m = ModelSection::with_defaults("generalized_centrifugal_force").unwrap();
        match m.model() {
            aman_sim::Model::GeneralizedCentrifugalForce(g) => {
                assert_eq!(g, aman_sim::GeneralizedCentrifugalForceModel::default());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unknown_model_key_is_named_with_the_models_keys() {
        let text = with_model("kind = \"generalized_centrifugal_force\"\nb_maxx = 0.3");
        let err = crate::parse_str(&text, Path::new("s.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `b_maxx`"), "{err}");
        assert!(err.contains("`b_max`") && err.contains("`a_min`"), "{err}");
        let mut m = ModelSection::with_defaults("social_force").unwrap();
        let e = m.set("tau", 0.5).unwrap_err();
        assert_eq!(
            e,
            "the social_force model has no parameter 'tau' (it has mass, relaxation_time, \
             strength, range, body_force, friction)"
        );
    }
}
