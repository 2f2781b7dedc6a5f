//! The simulation forecast: the venue's crowd run ahead in `aman-sim` from the live state, as
//! an ensemble of seeds, reported as per-zone density percentiles.
//!
//! - **Geometry, stages, journeys, model.** Those of a scenario file the venue names
//!   (`[venue] forecast_scenario`, docs/serve.md §1.4): its walkable area should be the
//!   venue's, its stages the venue's ways out. The scenario's populations, sources and events
//!   are not used (the live state replaces them); its `dt` and model are.
//! - **Agents now.** Where the caller has tracked positions, one agent at each (radius shrunk
//!   to fit between its neighbours and the walls, at least 5 cm; a position that does not fit
//!   is dropped and counted in the notes); otherwise each zone's measured occupancy (rounded)
//!   placed uniformly at random (seeded) in the zone's walkable part by the scenario's random
//!   sequential addition ([`aman_scenario::place`]).
//! - **Where each goes.** An agent takes the journey of the scenario's population or source
//!   whose area (its bounding box) is nearest its start, with that population's or source's
//!   parameters (desired speed, radius, time gap, pre-movement time); a scenario with neither
//!   gives its first journey and the model's shipped radius and time gap, 1.34 m/s (Weidmann
//!   1993's free speed) and no pre-movement time.
//! - **Arrivals.** Through each line from the outside at the rate measured through it over the
//!   venue's window (the network forecast's arrivals, [`crate::venue::VenueNetwork::with_state`]),
//!   as a Poisson process (seeded) over the horizon, each at a uniform point of the line 0.3 m
//!   inside; an arrival whose place is taken enters as soon as it is free (the queue at the
//!   gate). It counts as an "in" crossing of its line (the line's "out" for an arrival
//!   through a line whose `from` zone it enters) when it enters; other crossings are the
//!   simulator's measurement-line crossings of each line, and for a line at an exit, the
//!   persons who left by it.
//! - **What-ifs.** A line is matched to the scenario's exit stage at it (a door whose middle
//!   lies within 0.5 m of the line and the line's middle within 0.5 m of the door, or an exit
//!   area within 1 m of the line's middle). `close` closes that exit (a closed door is a wall)
//!   and stops the arrivals through the line; `hold` does so for its time, then reopens the
//!   exit and lets the arrivals that came meanwhile in as a queue; `open` reopens a line the
//!   state says is closed; `evacuate` sends the zone's people to the nearest open exit (a
//!   journey of every exit stage) and stops the arrivals into it. A line that is neither an
//!   exit of the scenario nor an entrance from the outside cannot be closed in the simulation
//!   (the simulator closes exits only): an error says so.
//! - **Ensemble and percentiles.** Each seed is one run; each zone's density (agents whose
//!   centre is in the zone / its walkable area) is sampled every `every` seconds; at each
//!   sample the 10th, 50th and 90th percentiles over the seeds (linear interpolation between
//!   order statistics, Hyndman & Fan 1996 definition 7, numpy's default). The summary (peak,
//!   time at LOS E and F, time to clear) is of the median, with the network forecast's
//!   definitions ([`crate::venue::ZoneSummary`]).
//! - **Stale or missing inputs.** Two more runs (the first seed), with every uncertain input
//!   at the low and at the high end of the network forecast's ranges ([`UncertainInput`]);
//!   the band `low`/`high` holds the 10th–90th percentiles and both runs.

use std::path::Path;

use aman_analysis::los::FruinLevel;
use aman_geometry::{MeasurementLine, Segment, Vec2};
use aman_monitor::Venue;
use aman_scenario::file::{
    ChoiceEntry, Distribution, JourneyEntry, ScenarioFile, SourceEntry, StageEntry, StepEntry,
};
use aman_sim::rng::{SplitMix64, mix64};
use aman_sim::{AgentSpec, Event, JourneyId, Simulation, StageId, StageKind};
use geo::{BooleanOps, BoundingRect};

use crate::live::Live;
use crate::venue::{
    BOTTLENECK_CAPACITY, Crossing, ForecastError, Target, UncertainInput, VenueNetwork, WhatIf,
    ZoneSummary,
};

/// Why a simulation forecast cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum SimForecastError {
    /// The live input or a what-if does not fit the venue (as the network forecast says).
    #[error("{0}")]
    Forecast(#[from] ForecastError),
    /// The venue names no scenario for its journeys.
    #[error(
        "venue {0:?} names no scenario for the simulation forecast: add `forecast_scenario = \"…/scenario.toml\"` to its [venue] table (docs/serve.md §1.4)"
    )]
    NoScenario(String),
    /// The scenario does not build, or the simulator refused an agent or an event.
    #[error("the forecast's scenario: {0}")]
    Scenario(String),
    /// A what-if the simulation cannot apply.
    #[error("what-if {what}: {why}")]
    WhatIf {
        /// The what-if, as written.
        what: String,
        /// Why.
        why: String,
    },
    /// A bad horizon, sampling period or number of seeds.
    #[error("{0}")]
    Parameter(String),
}

/// What to run.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Seconds ahead, in (0, 86400].
    pub horizon: f64,
    /// Seeds, one run each (at least one; the percentiles need several).
    pub seeds: Vec<u64>,
    /// Sampling period of the zone densities, s (> 0).
    pub every: f64,
    /// Time step of the runs, s, in place of the scenario's `[simulation] dt` (`None`, the
    /// default: the scenario's). Same range as the scenario's, [0.0001, 0.1] s. A larger step
    /// makes a forecast of a large site faster but is not free: on the event entrance site
    /// (20,000 persons) 0.05 s instead of the scenario's 0.02 s moves the times at which 10 to
    /// 99 % have left by at most 2.4 % over three seeds (the seeds themselves spread them by
    /// about 1 %) and halves the cost, but on the HERMES AO300
    /// bottleneck 0.05 s instead of its validated 0.0125 s lowers the simulated flow by about
    /// 7 % (docs/forecast.md, "What it costs"). Check a venue's scenario at the step first.
    pub dt: Option<f64>,
}

impl Default for SimOptions {
    /// 600 s ahead, seeds 1–5, a sample every 2 s, the scenario's time step.
    fn default() -> Self {
        SimOptions {
            horizon: 600.0,
            seeds: (1..=5).collect(),
            every: 2.0,
            dt: None,
        }
    }
}

/// A zone's simulation forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct SimZone {
    /// Zone id.
    pub id: String,
    /// 10th percentile over the seeds of the density at each sample, persons/m².
    pub p10: Vec<f64>,
    /// Median, persons/m².
    pub p50: Vec<f64>,
    /// 90th percentile, persons/m².
    pub p90: Vec<f64>,
    /// The band's low end at each sample, persons/m²: `p10`, or lower where a run with the
    /// uncertain inputs at their low or high end is.
    pub low: Vec<f64>,
    /// The band's high end, persons/m².
    pub high: Vec<f64>,
    /// Fruin level of the median at each sample, in the zone's table.
    pub los: Vec<FruinLevel>,
    /// Each seed's density at each sample (`runs[seed][sample]`), persons/m².
    pub runs: Vec<Vec<f64>>,
    /// Peak, time at LOS E and F and time to clear of the median.
    pub summary: ZoneSummary,
}

/// A line's simulated crossings.
#[derive(Debug, Clone, PartialEq)]
pub struct SimLine {
    /// Line id.
    pub id: String,
    /// Median over the seeds of the persons who crossed "in" since now, at each sample
    /// (cumulative).
    pub passed_in: Vec<f64>,
    /// Same, "out".
    pub passed_out: Vec<f64>,
}

/// One run's head count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunCount {
    /// The seed.
    pub seed: u64,
    /// Agents placed at the start.
    pub placed: usize,
    /// Arrivals scheduled over the horizon.
    pub scheduled: usize,
    /// Arrivals that entered.
    pub entered: usize,
    /// Agents that left by an exit.
    pub left: usize,
    /// Agents in the simulation at the horizon.
    pub at_end: usize,
}

/// A venue's simulation forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct SimForecast {
    /// Sample times, s from now.
    pub t: Vec<f64>,
    /// One per zone, in venue order.
    pub zones: Vec<SimZone>,
    /// One per line, in venue order.
    pub lines: Vec<SimLine>,
    /// One per seed.
    pub runs: Vec<RunCount>,
    /// What the live state did not say (as the network forecast's `unknown`).
    pub unknown: Vec<String>,
    /// The inputs missing or from stale sensors, with the range the two extra runs take.
    pub uncertain: Vec<UncertainInput>,
    /// What the simulation did differently from what was asked, one sentence each (persons
    /// that could not be placed, tracked positions dropped).
    pub notes: Vec<String>,
}

/// Where the agents start, if known: tracked positions, m (all of the venue's persons now).
pub type Tracks<'a> = Option<&'a [Vec2]>;

/// The scenario's journeys for a start point: the population or source nearest.
struct Origins {
    /// (bounding box min, max, journey, params' owner index: population i or source i).
    boxes: Vec<(Vec2, Vec2, JourneyId, Params)>,
    default: JourneyId,
}

#[derive(Debug, Clone)]
struct Params {
    desired_speed: Distribution,
    radius: Distribution,
    time_gap: Distribution,
    premovement_time: Distribution,
}

impl Origins {
    fn new(file: &ScenarioFile) -> Origins {
        let shipped = aman_scenario::defaults::shipped(&file.model);
        let journey = |name: &str| {
            file.journeys
                .iter()
                .position(|j| j.name == name)
                .map_or(JourneyId(0), |i| JourneyId(i as u32))
        };
        let bbox = |pts: &[[f64; 2]]| {
            let mut lo = Vec2::new(f64::INFINITY, f64::INFINITY);
            let mut hi = Vec2::new(f64::NEG_INFINITY, f64::NEG_INFINITY);
            for p in pts {
                lo = Vec2::new(lo.x.min(p[0]), lo.y.min(p[1]));
                hi = Vec2::new(hi.x.max(p[0]), hi.y.max(p[1]));
            }
            (lo, hi)
        };
        let fill =
            |d: &Option<Distribution>, v: f64| d.clone().unwrap_or(Distribution::Constant(v));
        let mut boxes = Vec::new();
        for p in &file.populations {
            let (lo, hi) = bbox(&p.area);
            boxes.push((
                lo,
                hi,
                journey(&p.journey),
                Params {
                    desired_speed: p.desired_speed.clone(),
                    radius: fill(&p.radius, shipped.radius),
                    time_gap: fill(&p.time_gap, shipped.time_gap),
                    premovement_time: p.premovement_time.clone(),
                },
            ));
        }
        for s in &file.sources {
            let (lo, hi) = bbox(&s.area);
            boxes.push((
                lo,
                hi,
                journey(&s.journey),
                Params {
                    desired_speed: s.desired_speed.clone(),
                    radius: fill(&s.radius, shipped.radius),
                    time_gap: fill(&s.time_gap, shipped.time_gap),
                    premovement_time: Distribution::Constant(0.0),
                },
            ));
        }
        if boxes.is_empty() {
            boxes.push((
                Vec2::new(f64::INFINITY, f64::INFINITY),
                Vec2::new(f64::INFINITY, f64::INFINITY),
                JourneyId(0),
                Params {
                    desired_speed: Distribution::Constant(1.34),
                    radius: Distribution::Constant(shipped.radius),
                    time_gap: Distribution::Constant(shipped.time_gap),
                    premovement_time: Distribution::Constant(0.0),
                },
            ));
        }
        Origins {
            boxes,
            default: JourneyId(0),
        }
    }

    /// The journey and parameters for a start at `p`.
    fn at(&self, p: Vec2) -> (JourneyId, &Params) {
        let mut best = (f64::INFINITY, 0);
        for (i, (lo, hi, _, _)) in self.boxes.iter().enumerate() {
            if !lo.x.is_finite() {
                continue;
            }
            let dx = (lo.x - p.x).max(p.x - hi.x).max(0.0);
            let dy = (lo.y - p.y).max(p.y - hi.y).max(0.0);
            let d = dx.hypot(dy);
            if d < best.0 {
                best = (d, i);
            }
        }
        let b = &self.boxes[best.1];
        let j = if best.0.is_finite() {
            b.2
        } else {
            self.default
        };
        (j, &b.3)
    }
}

impl Params {
    fn draw(&self, journey: JourneyId, rng: &mut SplitMix64) -> AgentSpec {
        aman_scenario::draw_params(
            journey,
            aman_scenario::file::AgentParams {
                desired_speed: &self.desired_speed,
                radius: &self.radius,
                time_gap: &self.time_gap,
                premovement_time: &self.premovement_time,
            },
            0,
            rng,
        )
    }
}

/// Name of the journey added for `evacuate`.
const EVACUATE_JOURNEY: &str = "forecast-evacuate";

/// What one run starts from: occupancies (persons), arrival rate per network link (persons/s),
/// and what happens to lines and zones.
#[derive(Debug, Clone)]
struct Plan {
    occupancy: Vec<f64>,
    arrivals: Vec<f64>,
    /// Per network link: arrivals wait until this time (s; 0 = none, ∞ = never).
    held_until: Vec<f64>,
    /// Exit events (stage index, at, open?).
    events: Vec<(usize, f64, bool)>,
    /// Zones evacuated.
    evacuate: Vec<bool>,
}

/// The simulation forecast of `venue` from `live`, with the what-ifs applied (none: doing
/// nothing), using the stages, journeys and model of `scenario` (a parsed scenario file;
/// `scenario_path` names it in messages and anchors its relative geometry file). Runs one
/// simulation per seed, plus two when inputs are uncertain (see the [module docs](self)).
///
/// # Errors
/// [`SimForecastError`]: a live input of another venue or naming what the venue does not
/// have, a what-if naming an unknown line or zone or one the simulation cannot apply, a
/// scenario that does not build, a horizon outside (0, 86400] s, a non-positive sampling
/// period, no seeds.
pub fn simulate(
    venue: &Venue,
    scenario: &ScenarioFile,
    scenario_path: &Path,
    live: &Live,
    tracks: Tracks<'_>,
    what_ifs: &[WhatIf],
    opts: &SimOptions,
) -> Result<SimForecast, SimForecastError> {
    if !(opts.horizon.is_finite() && opts.horizon > 0.0 && opts.horizon <= 86_400.0) {
        return Err(SimForecastError::Parameter(format!(
            "horizon {} s: give a time in (0, 86400] s",
            opts.horizon
        )));
    }
    if !(opts.every.is_finite() && opts.every > 0.0) {
        return Err(SimForecastError::Parameter(format!(
            "sampling period {} s: give a positive time",
            opts.every
        )));
    }
    if opts.seeds.is_empty() {
        return Err(SimForecastError::Parameter(
            "no seeds: give at least one".into(),
        ));
    }
    let resolved = live.resolve(venue).map_err(ForecastError::from)?;
    let mut vn = VenueNetwork::new(venue, BOTTLENECK_CAPACITY).map_err(ForecastError::from)?;
    let start = vn.with_state(venue, &resolved);
    let uncertain = vn.uncertain(venue, &resolved, &start);

    // The scenario, without its own people and events, with the evacuation journey.
    let mut file = scenario.clone();
    let origins = Origins::new(&file);
    // The scenario must have someone: one arrival far beyond any horizon (1e6 s) stands in
    // for its populations and sources, and never enters.
    let placeholder = file
        .sources
        .first()
        .cloned()
        .or_else(|| {
            file.populations.first().map(|p| SourceEntry {
                name: p.name.clone(),
                journey: p.journey.clone(),
                area: p.area.clone(),
                rate: 1.0,
                start: 0.0,
                end: 0.0,
                arrivals: Default::default(),
                desired_speed: p.desired_speed.clone(),
                radius: p.radius.clone(),
                time_gap: p.time_gap.clone(),
                premovement_time: p.premovement_time.clone(),
            })
        })
        .map(|s| SourceEntry {
            name: "forecast-placeholder".into(),
            rate: 1.0,
            start: 1e6,
            end: 1e6,
            ..s
        });
    file.populations.clear();
    file.sources = placeholder.into_iter().collect();
    file.events.clear();
    file.measurement_lines.clear();
    file.simulation.end_time = opts.horizon;
    // The scenario's report settings are of its own run: its density snapshots may lie
    // beyond the horizon (the scenario would then not build).
    file.output.snapshots = None;
    if let Some(dt) = opts.dt {
        file.simulation.dt = dt;
        // the forecast writes no trajectories: the scenario's frame rate need not divide the
        // forecast's step rate
        file.output.fps = 1.0 / dt;
    }
    let exits: Vec<String> = file
        .stages
        .iter()
        .filter(|s| matches!(s, StageEntry::Exit { .. }))
        .map(|s| s.name().to_owned())
        .collect();
    let evacuate_journey = if exits.is_empty() {
        None
    } else {
        file.journeys.push(JourneyEntry {
            name: EVACUATE_JOURNEY.into(),
            stages: vec![StepEntry::AnyOf(exits)],
            choice: ChoiceEntry::default(),
        });
        Some(JourneyId((file.journeys.len() - 1) as u32))
    };
    // Built once (routing fields included: the costly part on a large venue): to match lines
    // with stages and check the what-ifs, and as the start of every run, cloned with the
    // run's seed (the same as building it with that seed: the seed only draws the
    // placeholder arrival, which never enters).
    let o = aman_scenario::Overrides {
        seed: Some(opts.seeds[0]),
        ..Default::default()
    };
    let probe = aman_scenario::build(file.clone(), scenario_path, &o)
        .map(|s| s.simulation)
        .map_err(|e| SimForecastError::Scenario(e.to_string()))?;
    let exit_of: Vec<Option<usize>> = venue
        .lines
        .iter()
        .map(|l| exit_at(probe.stages(), l.segment))
        .collect();

    let mut plan = Plan {
        occupancy: start.state.occupancy.clone(),
        arrivals: start.arrivals.clone(),
        held_until: vec![0.0; vn.links.len()],
        events: Vec::new(),
        evacuate: vec![false; venue.zones.len()],
    };
    for (line, closed) in resolved.closed.iter().enumerate() {
        if *closed {
            close_line(&vn, &mut plan, exit_of[line], line, 0.0, f64::INFINITY);
        }
    }
    for w in what_ifs {
        let line_of = |id: &str| {
            venue
                .line(id)
                .map(|(i, _)| i)
                .ok_or_else(|| ForecastError::WhatIf {
                    what: w.to_string(),
                    kind: "line",
                    id: id.to_owned(),
                    venue: venue.id.clone(),
                })
        };
        let entrance = |line: usize| vn.links_of(line).any(|l| vn.net.links[l].from.is_none());
        let cannot = |line: usize| SimForecastError::WhatIf {
            what: w.to_string(),
            why: format!(
                "line {} is neither an exit of the forecast's scenario nor an entrance from the \
                 outside: the simulator can only close exits (the network forecast can close it)",
                venue.lines[line].id
            ),
        };
        match w {
            WhatIf::Close(id) | WhatIf::Hold(id, _) => {
                let line = line_of(id)?;
                if exit_of[line].is_none() && !entrance(line) {
                    return Err(cannot(line));
                }
                let until = match w {
                    WhatIf::Hold(_, s) => *s,
                    _ => f64::INFINITY,
                };
                close_line(&vn, &mut plan, exit_of[line], line, 0.0, until);
            }
            WhatIf::Open(id) => {
                let line = line_of(id)?;
                if exit_of[line].is_none() && !entrance(line) {
                    return Err(cannot(line));
                }
                for l in vn.links_of(line) {
                    plan.held_until[l] = 0.0;
                }
                if let Some(s) = exit_of[line] {
                    plan.events.push((s, 0.0, true));
                }
            }
            WhatIf::Evacuate(id) => {
                let Some((z, _)) = venue.zone(id) else {
                    return Err(ForecastError::WhatIf {
                        what: w.to_string(),
                        kind: "zone",
                        id: id.to_owned(),
                        venue: venue.id.clone(),
                    }
                    .into());
                };
                if evacuate_journey.is_none() {
                    return Err(SimForecastError::WhatIf {
                        what: w.to_string(),
                        why: "the forecast's scenario has no exit to evacuate to".into(),
                    });
                }
                plan.evacuate[z] = true;
                for (l, k) in vn.net.links.iter().enumerate() {
                    if k.to == Some(z) {
                        plan.arrivals[l] = 0.0;
                    }
                }
            }
        }
    }
    let ctx = Ctx {
        venue,
        vn: &vn,
        origins: &origins,
        evacuate_journey,
        exit_of: &exit_of,
        tracks,
        opts,
        base: &probe,
    };
    let mut notes = Vec::new();
    let mut runs = Vec::new();
    for &seed in &opts.seeds {
        runs.push(ctx.run(seed, &plan, &mut notes)?);
    }
    // The extra runs for the bands.
    let mut extremes = Vec::new();
    if !uncertain.is_empty() {
        for high in [false, true] {
            let mut p = plan.clone();
            for (u, target) in &uncertain {
                let x = if high { u.high } else { u.low };
                match *target {
                    Target::Zone(z) => p.occupancy[z] = x,
                    Target::Link(l) if !zeroed(&plan, &vn, l) => p.arrivals[l] = x,
                    Target::Link(_) => {}
                }
            }
            let mut ignored = Vec::new();
            // Tracks say where everyone is: the occupancy bands do not apply to them.
            let c = Ctx {
                tracks: if uncertain.iter().any(|(_, t)| matches!(t, Target::Zone(_))) {
                    None
                } else {
                    tracks
                },
                ..ctx
            };
            extremes.push(c.run(opts.seeds[0], &p, &mut ignored)?);
        }
    }
    notes.sort();
    notes.dedup();

    let t = runs[0].t.clone();
    let zones = venue
        .zones
        .iter()
        .enumerate()
        .map(|(i, z)| {
            let per_run: Vec<Vec<f64>> = runs.iter().map(|r| r.density[i].clone()).collect();
            let at = |k: usize| -> Vec<f64> { per_run.iter().map(|r| r[k]).collect() };
            let (mut p10, mut p50, mut p90) = (Vec::new(), Vec::new(), Vec::new());
            for k in 0..t.len() {
                let mut xs = at(k);
                xs.sort_by(f64::total_cmp);
                p10.push(percentile(&xs, 0.1));
                p50.push(percentile(&xs, 0.5));
                p90.push(percentile(&xs, 0.9));
            }
            let mut low = p10.clone();
            let mut high = p90.clone();
            for e in &extremes {
                for k in 0..t.len() {
                    low[k] = low[k].min(e.density[i][k]);
                    high[k] = high[k].max(e.density[i][k]);
                }
            }
            let los: Vec<FruinLevel> = p50.iter().map(|&d| z.los.level(d)).collect();
            let summary = summarize(&t, &p50, &los, z.walkable_m2);
            SimZone {
                id: z.id.clone(),
                p10,
                p50,
                p90,
                low,
                high,
                los,
                runs: per_run,
                summary,
            }
        })
        .collect();
    let lines = venue
        .lines
        .iter()
        .enumerate()
        .map(|(li, l)| {
            let median = |dir: usize| -> Vec<f64> {
                (0..t.len())
                    .map(|k| {
                        let mut xs: Vec<f64> = runs.iter().map(|r| r.passed[li][dir][k]).collect();
                        xs.sort_by(f64::total_cmp);
                        percentile(&xs, 0.5)
                    })
                    .collect()
            };
            SimLine {
                id: l.id.clone(),
                passed_in: median(0),
                passed_out: median(1),
            }
        })
        .collect();
    Ok(SimForecast {
        t,
        zones,
        lines,
        runs: runs.iter().map(|r| r.count).collect(),
        unknown: start.unknown,
        uncertain: uncertain.into_iter().map(|(u, _)| u).collect(),
        notes,
    })
}

/// Whether the plan stopped arrivals on link `l` (closed or evacuated): then the bands do
/// not bring them back.
fn zeroed(plan: &Plan, vn: &VenueNetwork, l: usize) -> bool {
    plan.held_until[l] > 0.0 || vn.net.links[l].to.is_some_and(|z| plan.evacuate[z])
}

/// Closes `line` from `at` until `until` (∞: for the horizon): its exit, if any, and its
/// arrivals.
fn close_line(
    vn: &VenueNetwork,
    plan: &mut Plan,
    exit: Option<usize>,
    line: usize,
    at: f64,
    until: f64,
) {
    for l in vn.links_of(line) {
        plan.held_until[l] = until;
    }
    if let Some(s) = exit {
        plan.events.push((s, at, false));
        if until.is_finite() {
            plan.events.push((s, until, true));
        }
    }
}

/// The exit stage at a venue line (see the [module docs](self)).
fn exit_at(stages: &[aman_sim::Stage], line: Segment) -> Option<usize> {
    let mid = |s: &Segment| Vec2::new(0.5 * (s.a.x + s.b.x), 0.5 * (s.a.y + s.b.y));
    stages.iter().position(|s| match &s.kind {
        StageKind::Door { segment } => {
            segment.distance(mid(&line)) < 0.5 && line.distance(mid(segment)) < 0.5
        }
        StageKind::Exit { polygon } => polygon.bounding_rect().is_some_and(|r| {
            let m = mid(&line);
            let dx = (r.min().x - m.x).max(m.x - r.max().x).max(0.0);
            let dy = (r.min().y - m.y).max(m.y - r.max().y).max(0.0);
            dx.hypot(dy) < 1.0
        }),
        _ => false,
    })
}

/// The `q` quantile of sorted `xs` (Hyndman & Fan 1996, definition 7).
fn percentile(xs: &[f64], q: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let h = (xs.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo])
}

/// The network forecast's summary ([`crate::venue::VenueForecast::summary`]) of a density
/// series: peak, seconds at E or worse and at F (each sample holding until the next), and
/// when the zone holds under one person after its peak.
pub fn summarize(t: &[f64], density: &[f64], los: &[FruinLevel], area: f64) -> ZoneSummary {
    let mut above = [0.0; 2];
    for (k, w) in t.windows(2).enumerate() {
        let dt = w[1] - w[0];
        if los[k] >= FruinLevel::E {
            above[0] += dt;
        }
        if los[k] >= FruinLevel::F {
            above[1] += dt;
        }
    }
    let peak = density.iter().copied().fold(0.0, f64::max);
    let peak_at = density.iter().position(|d| *d >= peak).unwrap_or(0);
    ZoneSummary {
        peak,
        above,
        clear: density[peak_at..]
            .iter()
            .position(|d| d * area < 1.0)
            .map(|k| t[peak_at + k]),
    }
}

/// One run's result.
struct Run {
    t: Vec<f64>,
    /// `density[zone][sample]`.
    density: Vec<Vec<f64>>,
    /// `passed[line][0 in / 1 out][sample]`, cumulative.
    passed: Vec<[Vec<f64>; 2]>,
    count: RunCount,
}

#[derive(Clone, Copy)]
struct Ctx<'a> {
    venue: &'a Venue,
    vn: &'a VenueNetwork,
    origins: &'a Origins,
    evacuate_journey: Option<JourneyId>,
    exit_of: &'a [Option<usize>],
    tracks: Tracks<'a>,
    opts: &'a SimOptions,
    /// The scenario's simulation before the first step, cloned for each run.
    base: &'a Simulation,
}

impl Ctx<'_> {
    fn zone_of(&self, p: Vec2) -> Option<usize> {
        self.venue.zones.iter().position(|z| z.area.contains(p))
    }

    fn journey_at(&self, p: Vec2, zone: Option<usize>, plan: &Plan) -> (JourneyId, &Params) {
        let (j, params) = self.origins.at(p);
        match (zone, self.evacuate_journey) {
            (Some(z), Some(e)) if plan.evacuate[z] => (e, params),
            _ => (j, params),
        }
    }

    fn run(
        &self,
        seed: u64,
        plan: &Plan,
        notes: &mut Vec<String>,
    ) -> Result<Run, SimForecastError> {
        let venue = self.venue;
        let mut sim = self.base.clone();
        sim.set_seed(seed);
        let sim_err = |e: aman_sim::SimError| SimForecastError::Scenario(e.to_string());
        let mut rng = SplitMix64::new(mix64(seed ^ 0x005E_EDF0_CA57));
        let mut placed = 0usize;
        match self.tracks {
            Some(points) => {
                placed = place_tracks(self, &mut sim, points, plan, &mut rng, notes);
            }
            None => {
                for (zi, z) in venue.zones.iter().enumerate() {
                    let n = plan.occupancy[zi].round().max(0.0) as usize;
                    if n == 0 {
                        continue;
                    }
                    let region = z.area.polygon().intersection(sim.walkable_area().polygon());
                    let c = z
                        .area
                        .polygon()
                        .bounding_rect()
                        .map_or(Vec2::ZERO, |r| Vec2::new(r.center().x, r.center().y));
                    let (journey, params) = self.journey_at(c, Some(zi), plan);
                    let p = aman_scenario::file::AgentParams {
                        desired_speed: &params.desired_speed,
                        radius: &params.radius,
                        time_gap: &params.time_gap,
                        premovement_time: &params.premovement_time,
                    };
                    let (specs, why) =
                        aman_scenario::place(&sim, &region, n, journey, p, 0, &mut rng);
                    if specs.len() < n {
                        notes.push(format!(
                            "zone {}: {} of {n} persons placed (the zone is full{})",
                            z.id,
                            specs.len(),
                            why.map(|e| format!("; {e}")).unwrap_or_default()
                        ));
                    }
                    placed += specs.len();
                    for s in specs {
                        // Journey by position for a zone that several populations share.
                        let (j, _) = self.journey_at(s.position, Some(zi), plan);
                        sim.add_agent(AgentSpec { journey: j, ..s })
                            .map_err(sim_err)?;
                    }
                }
            }
        }
        // Arrivals: a Poisson process on each link from the outside.
        let mut scheduled = 0usize;
        for (l, k) in self.vn.net.links.iter().enumerate() {
            let rate = plan.arrivals[l];
            if k.from.is_some() || rate <= 0.0 {
                continue;
            }
            let (line, dir) = self.vn.links[l];
            let vl = &venue.lines[line];
            let inward = match dir {
                Crossing::In => vl.in_normal,
                Crossing::Out => -vl.in_normal,
            };
            let mut t = 0.0;
            loop {
                t += -(1.0 - rng.uniform()).ln() / rate;
                if t >= self.opts.horizon {
                    break;
                }
                let at = t.max(plan.held_until[l]);
                if at >= self.opts.horizon {
                    continue;
                }
                let mut spec = None;
                for _ in 0..50 {
                    let u = rng.uniform();
                    let p = vl.segment.a + (vl.segment.b - vl.segment.a) * u + inward * 0.3;
                    let (j, params) = self.journey_at(p, k.to, plan);
                    let s = AgentSpec {
                        position: p,
                        group: arrival_group(line, dir),
                        ..params.draw(j, &mut rng)
                    };
                    if sim.validate_agent(&s).is_ok() {
                        spec = Some(s);
                        break;
                    }
                }
                let Some(s) = spec else {
                    return Err(SimForecastError::Scenario(format!(
                        "line {}: no place 0.3 m inside it where an arriving person can stand \
                         in the scenario's walkable area",
                        vl.id
                    )));
                };
                sim.schedule_agent(at, s).map_err(sim_err)?;
                scheduled += 1;
            }
        }
        for &(s, at, open) in &plan.events {
            let ev = if open {
                Event::Open(StageId(s as u32))
            } else {
                Event::Close(StageId(s as u32))
            };
            sim.schedule_event(at, ev).map_err(sim_err)?;
        }
        let first_line = sim.measurement_lines().len();
        for l in &venue.lines {
            sim.add_measurement_line(MeasurementLine {
                name: l.id.clone(),
                segment: l.segment,
            });
        }
        let created0 = sim.created();
        // Sampling.
        let every = self.opts.every;
        let n_samples = (self.opts.horizon / every).floor() as usize + 1;
        let mut t = Vec::with_capacity(n_samples);
        let mut density = vec![Vec::with_capacity(n_samples); venue.zones.len()];
        let mut passed = vec![[Vec::new(), Vec::new()]; venue.lines.len()];
        let dt = sim.config().dt;
        for k in 0..n_samples {
            let at = k as f64 * every;
            while sim.time() + 0.5 * dt < at {
                sim.step();
            }
            t.push(at);
            let mut counts = vec![0usize; venue.zones.len()];
            for p in &sim.agents().position {
                if let Some(z) = self.zone_of(*p) {
                    counts[z] += 1;
                }
            }
            for (zi, z) in venue.zones.iter().enumerate() {
                density[zi].push(counts[zi] as f64 / z.walkable_m2);
            }
            let (ins, outs) = self.crossings(&sim, first_line);
            for li in 0..venue.lines.len() {
                passed[li][0].push(ins[li]);
                passed[li][1].push(outs[li]);
            }
        }
        let left = sim.exits().len();
        Ok(Run {
            t,
            density,
            passed,
            count: RunCount {
                seed,
                placed,
                scheduled,
                entered: (sim.created() - created0) as usize,
                left,
                at_end: sim.agents().len(),
            },
        })
    }

    /// Crossings of each venue line so far, (in, out): the exit records of its exit stage,
    /// else its measurement line's crossings.
    fn crossings(&self, sim: &Simulation, first_line: usize) -> (Vec<f64>, Vec<f64>) {
        let venue = self.venue;
        let n = venue.lines.len();
        let (mut ins, mut outs) = (vec![0.0; n], vec![0.0; n]);
        for c in sim.crossings() {
            let Some(li) = c.line.checked_sub(first_line) else {
                continue;
            };
            if li >= n || self.exit_of[li].is_some() {
                continue;
            }
            let l = &venue.lines[li];
            // +1: from the right of a→b to its left, i.e. along perp(b − a).
            let left_is_in = (l.segment.b - l.segment.a).perp().dot(l.in_normal) > 0.0;
            if (c.direction > 0) == left_is_in {
                ins[li] += 1.0;
            } else {
                outs[li] += 1.0;
            }
        }
        // Arrivals enter 0.3 m inside their line: each counts as a crossing of it when it
        // enters (whether still inside or gone by an exit since).
        let mut arrived = |g: u32| {
            if let Some((li, dir)) = arrival_of(g).filter(|(li, _)| *li < n) {
                match dir {
                    Crossing::In => ins[li] += 1.0,
                    Crossing::Out => outs[li] += 1.0,
                }
            }
        };
        for &g in &sim.agents().group {
            arrived(g);
        }
        for e in sim.exits() {
            arrived(e.group);
        }
        for e in sim.exits() {
            for (li, s) in self.exit_of.iter().enumerate() {
                if *s == Some(e.stage.0 as usize) {
                    // Leaving the venue: "in" when the line leads out of its `from` zone.
                    if venue.lines[li].into.is_none() {
                        ins[li] += 1.0;
                    } else {
                        outs[li] += 1.0;
                    }
                }
            }
        }
        (ins, outs)
    }
}

/// Group label of the arrivals through venue line `line` in direction `dir` (persons placed
/// now have group 0).
fn arrival_group(line: usize, dir: Crossing) -> u32 {
    1 + 2 * line as u32 + u32::from(dir == Crossing::Out)
}

/// The line and direction of an arrival's group label, if it is one.
fn arrival_of(group: u32) -> Option<(usize, Crossing)> {
    let g = group.checked_sub(1)?;
    let dir = if g % 2 == 0 {
        Crossing::In
    } else {
        Crossing::Out
    };
    Some(((g / 2) as usize, dir))
}

/// Places one agent at each tracked position that fits; returns how many.
fn place_tracks(
    ctx: &Ctx<'_>,
    sim: &mut Simulation,
    points: &[Vec2],
    plan: &Plan,
    rng: &mut SplitMix64,
    notes: &mut Vec<String>,
) -> usize {
    let mut placed = 0;
    let mut dropped = 0;
    // Neighbours on a grid of 1 m cells (a radius is at most 1 m here: only neighbours
    // within 2 m can shrink it).
    let key = |p: Vec2| (p.x.floor() as i64, p.y.floor() as i64);
    let mut grid: std::collections::HashMap<(i64, i64), Vec<usize>> =
        std::collections::HashMap::new();
    for (i, &p) in points.iter().enumerate() {
        grid.entry(key(p)).or_default().push(i);
    }
    for (i, &p) in points.iter().enumerate() {
        let zone = ctx.zone_of(p);
        let (j, params) = ctx.journey_at(p, zone, plan);
        let mut spec = AgentSpec {
            position: p,
            ..params.draw(j, rng)
        };
        let mut r = spec
            .radius
            .min(1.0)
            .min(sim.walkable_area().distance_to_wall(p) - 0.01);
        let (cx, cy) = key(p);
        for dx in -2..=2 {
            for dy in -2..=2 {
                for &k in grid.get(&(cx + dx, cy + dy)).map_or(&[][..], |v| &v[..]) {
                    if k != i {
                        r = r.min(0.5 * p.distance(points[k]) - 0.005);
                    }
                }
            }
        }
        spec.radius = r;
        if r < 0.05 || sim.add_agent(spec).is_err() {
            dropped += 1;
            continue;
        }
        placed += 1;
    }
    if dropped > 0 {
        notes.push(format!(
            "{dropped} of {} tracked positions dropped (outside the walkable area, closer than \
             5 cm to a wall or another person, or with no route to the journey's stages)",
            points.len()
        ));
    }
    placed
}
