//! `aman simulate`: run a scenario, write trajectories, `summary.json` and `report.html`.
//!
//! Around the stepping loop ([`simulate`]): [`runs`] (`--runs N`: several seeds in parallel and
//! their statistics), [`control`] (stop on SIGINT/SIGTERM, plain progress lines), [`outputs`]
//! (a previous run's files removed first), [`remaining`] (where the persons still inside are).

mod control;
mod outputs;
mod remaining;
mod runs;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use aman_analysis::{
    DensityGrid, EvacuationTimes, FruinLevel, crossing::CrossingCounter, evacuation_times,
    specific_flow,
};
use aman_report::simulation::{EventReport, SnapshotReport};
use aman_sim::{AgentId, Event, Simulation, StageId, StageKind};
use aman_trajectory::{JupedsimSqliteWriter, ThreadedWriter};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::Failure;
use crate::args::SimulateArgs;
pub use aman_report::notice::{RemainingGroup, RunEnd, notice_section};
pub use aman_report::runs::{RunsSummary, runs_section};
use aman_report::simulation::{
    DensityReport, ExitReport, ExtraSections, LineReport, ReportInput, render_report_with,
};
use control::{EXIT_INTERRUPTED, RunControl};
pub use remaining::EXIT_PERSONS_INSIDE;

/// Agents whose paths are drawn in the report, at most.
const MAX_PATHS: u64 = 300;

/// Queue zone of an exit: agents heading for it within this walking distance (along the
/// routing field, around obstacles) count as queueing, m.
pub const QUEUE_ZONE_M: f64 = 5.0;

/// Trajectory frames waiting for the writer thread, at most: beyond this the stepping loop waits
/// for the disk rather than holding more frames in memory (a frame of 20 000 agents is 0.8 MB).
const TRAJECTORY_QUEUE_FRAMES: usize = 4;

/// `summary.json`: the key figures of a run.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Scenario file.
    pub scenario_file: String,
    /// Model name.
    pub model: String,
    /// Seed used.
    pub seed: u64,
    /// Time step, s.
    pub dt: f64,
    /// Whether every agent left before `end_time` (false for an interrupted run).
    pub complete: bool,
    /// Why the run stopped before everybody left (null when complete).
    pub stopped_because: Option<String>,
    /// Whether SIGINT or SIGTERM stopped the run: every figure covers the simulated time only.
    pub interrupted: bool,
    /// Agents in the run (placed plus arrived).
    pub agents_total: u64,
    /// Agents still inside at the end.
    pub agents_remaining: usize,
    /// Agents that never entered (arrival place never free).
    pub agents_not_arrived: usize,
    /// Time at which the last agent left, s (null if not all left; times to 1 µs:
    /// [`crate::precision`]).
    #[serde(serialize_with = "crate::precision::ser6_opt")]
    pub evacuation_time: Option<f64>,
    /// Time at which 50 % had left, s.
    #[serde(serialize_with = "crate::precision::ser6_opt")]
    pub t50: Option<f64>,
    /// Time at which 90 % had left, s.
    #[serde(serialize_with = "crate::precision::ser6_opt")]
    pub t90: Option<f64>,
    /// Simulated time, s.
    #[serde(serialize_with = "crate::precision::ser6")]
    pub simulated_time: f64,
    /// Wall-clock time of the stepping loop, s.
    pub wall_time: f64,
    /// Per exit.
    pub exits: Vec<ExitSummary>,
    /// Per measurement line.
    pub measurement_lines: Vec<LineSummary>,
    /// Highest classic density in a cell over all written frames.
    pub peak_density: Option<PeakDensity>,
    /// The persons still inside at the end, grouped by the stage they were heading for, largest
    /// group first (empty when everybody left).
    pub still_inside: Vec<RemainingGroup>,
    /// `--runs N` with N > 1: the figures over the N seeds (absent for a single run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs: Option<RunsSummary>,
}

/// How `aman simulate` ended, when it did not fail: each maps to an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every person left, in every run: exit code 0.
    Complete,
    /// A run ended with persons inside or not yet entered: exit code [`EXIT_PERSONS_INSIDE`].
    PersonsInside,
    /// SIGINT or SIGTERM stopped the run: exit code [`EXIT_INTERRUPTED`].
    Interrupted,
}

impl Outcome {
    /// The process exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Complete => 0,
            Outcome::PersonsInside => EXIT_PERSONS_INSIDE,
            Outcome::Interrupted => EXIT_INTERRUPTED,
        }
    }
}

/// One exit in the summary.
#[derive(Debug, Serialize)]
pub struct ExitSummary {
    /// Stage name.
    pub name: String,
    /// Agents that left through it.
    pub agents: usize,
    /// Time of its first and last exit, s (to 1 µs).
    #[serde(serialize_with = "crate::precision::ser6_opt")]
    pub first: Option<f64>,
    /// Time of its last exit, s (to 1 µs).
    #[serde(serialize_with = "crate::precision::ser6_opt")]
    pub last: Option<f64>,
}

/// One measurement line in the summary.
#[derive(Debug, Serialize)]
pub struct LineSummary {
    /// Line name.
    pub name: String,
    /// Line length, m (to 1 µm, as every written geometric figure: [`crate::precision`]).
    #[serde(serialize_with = "crate::precision::ser6")]
    pub width: f64,
    /// Persons counted: each person once, at their first crossing in either direction, in
    /// the trajectory's frames (`aman_analysis::crossing::CrossingCounter`, PedPy's
    /// `compute_n_t` rule: `aman analyze` counts the same at the same line).
    pub crossings: usize,
    /// Of `crossings`, persons whose first crossing went backward (from the left of the line,
    /// seen from its first to its second point, to its right).
    pub backward: usize,
    /// Crossings after a person's first (swaying in a queue, turning back): not in
    /// `crossings` nor in the flow.
    pub recrossings: usize,
    /// Mean flow (N − 1)/(t_last − t_first) over the first crossings, at the frame times
    /// (frame / fps), 1/s.
    pub flow: Option<f64>,
    /// Flow per metre of line, 1/(m·s).
    pub specific_flow: Option<f64>,
}

/// The peak density.
#[derive(Debug, Serialize)]
pub struct PeakDensity {
    /// Persons per m².
    pub density: f64,
    /// Cell centre x, m (to 1 µm).
    #[serde(serialize_with = "crate::precision::ser6")]
    pub x: f64,
    /// Cell centre y, m (to 1 µm).
    #[serde(serialize_with = "crate::precision::ser6")]
    pub y: f64,
    /// Time, s (to 1 µs).
    #[serde(serialize_with = "crate::precision::ser6")]
    pub time: f64,
    /// Fruin walkway level of service at that density.
    pub level_of_service: String,
    /// Side of the density cells, m (to 1 µm).
    #[serde(serialize_with = "crate::precision::ser6")]
    pub cell_size: f64,
}

/// Runs `aman simulate`: one run, or `--runs N` runs with consecutive seeds; writes the first
/// run's outputs (with the statistics of all runs) and says how it ended.
pub fn run(args: &SimulateArgs) -> Result<Outcome, Failure> {
    let overrides = aman_scenario::Overrides {
        seed: args.seed,
        ..Default::default()
    };
    if let Some(n) = args.threads.filter(|n| !(1..=1024).contains(n)) {
        return Err(Failure::Input(anyhow::anyhow!(
            "--threads {n}: give between 1 and 1024 threads (results are the same for any number)"
        )));
    }
    if !(1..=runs::MAX_RUNS).contains(&args.runs) {
        return Err(Failure::Input(anyhow::anyhow!(
            "--runs {}: give between 1 and {} runs (seeds seed, seed + 1, …)",
            args.runs,
            runs::MAX_RUNS
        )));
    }
    control::install_interrupt_handler();
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start the worker threads")?;
    let setup = Instant::now();
    let sc = pool.install(|| aman_scenario::load_with(&args.scenario, &overrides))?;
    drop(pool);
    let seed = sc.simulation.config().seed;
    let Some(last_seed) = seed.checked_add(args.runs as u64 - 1) else {
        return Err(Failure::Input(anyhow::anyhow!(
            "--runs {} from seed {seed}: the last seed would pass {}; give a smaller --seed",
            args.runs,
            u64::MAX
        )));
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(sanitize(&sc.name)));
    super::check_out_for(&out, "simulate")?;
    super::prepare_out(&out)?;
    // Before anything is written: no file of a previous run may stay beside this run's.
    outputs::remove_previous_outputs(&out)?;
    let talk = !args.quiet && !args.json;
    let interactive = talk && std::io::stderr().is_terminal();
    if talk {
        let stages = sc.simulation.stages().len();
        let runs = if args.runs > 1 {
            format!("; {} runs, seeds {seed} to {last_seed}", args.runs)
        } else {
            String::new()
        };
        errln!(
            "{}: {} agent{}, {} stage{}, set up in {:.1} s{runs}",
            sc.name,
            sc.total_agents(),
            if sc.total_agents() == 1 { "" } else { "s" },
            stages,
            if stages == 1 { "" } else { "s" },
            setup.elapsed().as_secs_f64()
        );
        for note in sc.simulation.walkable_area().notes() {
            errln!("  note: {note}");
        }
        for note in &sc.notes {
            errln!("  note: {note}");
        }
        for w in sc.simulation.exit_area_warnings() {
            errln!("warning: {w}");
        }
    }
    let plan = runs::Plan {
        scenario: &args.scenario,
        seed,
        runs: args.runs,
        threads,
        out: &out,
        interactive,
        lines: talk && !interactive,
        chatty: talk,
    };
    let mut results = runs::execute(sc, &plan)?;
    let stats = (args.runs > 1).then(|| runs::summarise(&results, seed));
    let Some(first) = results.first_mut().and_then(Option::take) else {
        return Err(Failure::Other(anyhow::anyhow!(
            "the first run (seed {seed}) did not run"
        )));
    };
    let mut summary = first.summary;
    summary.runs = stats;
    let Some(report) = first.report else {
        return Err(Failure::Other(anyhow::anyhow!(
            "the first run (seed {seed}) has no report data"
        )));
    };
    let summary_path = out.join(outputs::SUMMARY);
    std::fs::write(
        &summary_path,
        serde_json::to_string_pretty(&summary).map_err(anyhow::Error::from)?,
    )
    .with_context(|| format!("cannot write {}", summary_path.display()))?;
    // The run's notice (interrupted, persons inside) under the page header, the runs'
    // statistics at its end.
    let extra = ExtraSections {
        after_header: notice_section(&run_end(&summary)),
        before_footer: summary.runs.as_ref().map(runs_section).unwrap_or_default(),
    };
    let html = render_report_with(&report, &extra);
    let report_path = out.join(outputs::REPORT);
    std::fs::write(&report_path, html)
        .with_context(|| format!("cannot write {}", report_path.display()))?;
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&summary).map_err(anyhow::Error::from)?
        )?;
    } else if !args.quiet {
        print_summary(&summary, &out)?;
        if let Some(r) = &summary.runs {
            runs::print(r)?;
        }
    }
    Ok(outcome(&summary, &results))
}

/// How the command ended, from the first run's `summary` and the other runs; prints why to
/// standard error when it is not a success (whatever `--quiet`: it explains the exit code).
/// The figures of `s` the report's notice shows.
fn run_end(s: &Summary) -> RunEnd<'_> {
    RunEnd {
        complete: s.complete,
        interrupted: s.interrupted,
        simulated_time: s.simulated_time,
        agents_remaining: s.agents_remaining,
        agents_not_arrived: s.agents_not_arrived,
        stopped_because: s.stopped_because.as_deref(),
        still_inside: &s.still_inside,
    }
}

fn outcome(summary: &Summary, others: &[Option<runs::RunResult>]) -> Outcome {
    let interrupted = summary.interrupted
        || summary
            .runs
            .as_ref()
            .is_some_and(|r| !r.not_run.is_empty() || r.incomplete.iter().any(|i| i.interrupted));
    if interrupted {
        errln!(
            "interrupted at {:.1} s: the outputs hold what was simulated until then (summary.json: \"interrupted\": true)",
            summary.simulated_time
        );
        return Outcome::Interrupted;
    }
    let mut inside = false;
    if !summary.complete {
        errln!("{}", remaining::message(summary));
        inside = true;
    }
    for r in others.iter().flatten() {
        if !r.summary.complete {
            errln!("seed {}: {}", r.seed, remaining::message(&r.summary));
            inside = true;
        }
    }
    if inside {
        Outcome::PersonsInside
    } else {
        Outcome::Complete
    }
}

/// The backward persons and re-crossings of a line in the printed summary, when there are.
fn line_notes(l: &LineSummary) -> String {
    let mut notes = Vec::new();
    if l.backward > 0 {
        notes.push(format!("{} of them backward", l.backward));
    }
    if l.recrossings > 0 {
        notes.push(format!("{} re-crossings not counted", l.recrossings));
    }
    if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join(", "))
    }
}

fn sanitize(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() { "scenario".into() } else { s }
}

fn simulate(
    sc: &mut aman_scenario::Scenario,
    out: &Path,
    interactive: bool,
    ctl: &mut RunControl,
) -> Result<(Summary, ReportInput), Failure> {
    let total_expected = sc.total_agents() as u64;
    let sim: &mut Simulation = &mut sc.simulation;
    let dt = sim.config().dt;
    let steps_per_frame = (1.0 / (sc.output.fps * dt)).round().max(1.0) as u64;
    let end_steps = (sc.end_time / dt).round() as u64;
    let area_wkt = sim.walkable_area().to_wkt();
    let mut writer = if sc.output.trajectories {
        let path = out.join(outputs::TRAJECTORIES);
        let writer = JupedsimSqliteWriter::create(&path, sc.output.fps, &area_wkt)
            .with_context(|| format!("cannot create {}", path.display()))?;
        // SQLite works on its own thread; the loop only copies the frame's columns.
        Some(
            ThreadedWriter::spawn(writer, TRAJECTORY_QUEUE_FRAMES)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )
    } else {
        None
    };
    let mut density =
        DensityGrid::with_walkable_area(sim.walkable_area(), sc.output.density_cell_size)
            .map_err(|e| Failure::Input(anyhow::anyhow!("output.density_cell_size: {e}")))?;
    let frame_interval = steps_per_frame as f64 * dt;
    density.set_frame_duration(frame_interval);
    let mut queues = ExitQueues::new(sim);
    let mut snapshots = Snapshots::new(sc.output.snapshots.as_deref(), total_expected);
    let path_every = (total_expected / MAX_PATHS).max(1);
    let mut paths: std::collections::BTreeMap<u64, Vec<[f64; 2]>> = Default::default();
    // a path point every second, or every end_time/1000 s for long runs: bounded memory
    let path_steps = ((sc.end_time.max(1000.0) / 1000.0 / dt).round() as u64).max(1);
    let bar = if interactive {
        let b = ProgressBar::new(end_steps);
        b.set_style(
            ProgressStyle::with_template("{bar:30} t = {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let started = Instant::now();
    let mut stalled = false;
    let mut interrupted = false;
    let mut frame = 0u64;
    // The measurement lines are counted in the frames written to the trajectory, with the one
    // rule of `aman analyze` (`aman_analysis::crossing`), so both give the same count and flow.
    let mut counters = sim
        .measurement_lines()
        .iter()
        .map(CrossingCounter::new)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Input(anyhow::anyhow!("measurement line: {e}")))?;
    let mut sampled_last;
    loop {
        let it = sim.iteration();
        sampled_last = it.is_multiple_of(steps_per_frame);
        if sampled_last {
            let a = sim.agents();
            density.add_frame(sim.time(), a.position.iter().copied());
            queues.sample(sim);
            snapshots.sample(sim, &density);
            for c in &mut counters {
                for i in 0..a.len() {
                    c.observe(a.id[i].0, frame, a.position[i]);
                }
            }
            if let Some(w) = writer.as_mut() {
                let mut buffer = w.buffer();
                for i in 0..a.len() {
                    let (p, o) = (a.position[i], a.orientation[i]);
                    buffer.push(a.id[i].0, p.x, p.y, o.x, o.y);
                }
                // An error of the writer thread (disk full, …) comes back here or at `finish`.
                w.send(frame, buffer).context("cannot write trajectories")?;
            }
            frame += 1;
        }
        if it.is_multiple_of(path_steps) {
            let a = sim.agents();
            for i in 0..a.len() {
                if a.id[i].0.is_multiple_of(path_every) {
                    paths
                        .entry(a.id[i].0)
                        .or_default()
                        .push([a.position[i].x, a.position[i].y]);
                }
            }
        }
        if it.is_multiple_of(100) && interactive {
            let el = started.elapsed().as_secs_f64().max(1e-9);
            bar.set_position(it);
            bar.set_message(format!(
                "{:.1} s, {} agents inside, {} waiting to enter, {:.1}x real time",
                sim.time(),
                sim.agents().len(),
                sim.pending(),
                sim.time() / el
            ));
        }
        ctl.tick(sim); // plain progress lines (control.rs)
        if sim.is_finished() || it >= end_steps {
            break;
        }
        if !sim.agents().is_empty() && !sim.any_exit_open_now_or_later() {
            stalled = true;
            break;
        }
        if ctl.stop_requested() {
            interrupted = true; // SIGINT or SIGTERM: keep what was simulated (control.rs)
            break;
        }
        sim.step();
    }
    bar.finish_and_clear();
    if !sampled_last {
        // The state at the end, for the queues and the snapshots due at the end (it ends the
        // time the last frame stands for at LOS E).
        density.add_frame(sim.time(), sim.agents().position.iter().copied());
        queues.sample(sim);
        snapshots.sample(sim, &density);
    }
    let wall_time = started.elapsed().as_secs_f64();
    if let Some(w) = writer {
        // Writes the last queued frames (at most TRAJECTORY_QUEUE_FRAMES + 1), so an error of
        // any frame can show here.
        w.finish().context("cannot write trajectories")?;
    }
    let exit_times: Vec<f64> = sim.exits().iter().map(|e| e.time).collect();
    let total = sim.created() as usize + sim.pending();
    let ev: EvacuationTimes = evacuation_times(&exit_times, total);
    let mut exits = Vec::new();
    let mut exit_reports = Vec::new();
    let (queue_times, mut exit_queues) = queues.finish(sim);
    for (x, (stage, outline)) in exit_outlines(sim).into_iter().enumerate() {
        let s = &sim.stages()[stage.0 as usize];
        let times: Vec<f64> = sim
            .exits()
            .iter()
            .filter(|e| e.stage == stage)
            .map(|e| e.time)
            .collect();
        let (queue, waiting_times) = std::mem::take(&mut exit_queues[x]);
        exits.push(ExitSummary {
            name: s.name.clone(),
            agents: times.len(),
            first: times.first().copied(),
            last: times.last().copied(),
        });
        exit_reports.push(ExitReport {
            name: s.name.clone(),
            polygon: outline,
            agents: times.len(),
            exit_times: times,
            queue,
            waiting_times,
        });
    }
    let mut lines = Vec::new();
    let mut line_reports = Vec::new();
    for (l, counter) in sim.measurement_lines().iter().zip(counters) {
        let count = counter.finish();
        let times = count.crossing_times(sc.output.fps);
        let flow = count.mean_flow(sc.output.fps);
        let sf = flow.map(|f| specific_flow(f, l.width()));
        lines.push(LineSummary {
            name: l.name.clone(),
            width: l.width(),
            crossings: count.total(),
            backward: count.backward(),
            recrossings: count.recrossings,
            flow,
            specific_flow: sf,
        });
        line_reports.push(LineReport {
            name: l.name.clone(),
            segment: [
                [l.segment.a.x, l.segment.a.y],
                [l.segment.b.x, l.segment.b.y],
            ],
            crossing_times: times,
            flow,
            specific_flow: sf,
        });
    }
    let peak = density.peak().map(|p| PeakDensity {
        density: p.density,
        x: p.centre.x,
        y: p.centre.y,
        time: p.time,
        level_of_service: FruinLevel::walkway(p.density).label().to_string(),
        cell_size: sc.output.density_cell_size,
    });
    let complete = sim.agents().is_empty() && sim.pending() == 0;
    let summary = Summary {
        scenario: sc.name.clone(),
        scenario_file: sc.path.display().to_string(),
        model: sim.config().model.name().to_string(),
        seed: sim.config().seed,
        dt,
        complete: complete && !interrupted,
        interrupted,
        stopped_because: if interrupted {
            Some("interrupted by SIGINT or SIGTERM".to_string())
        } else if complete {
            None
        } else if stalled {
            Some("every exit is closed and none opens again".to_string())
        } else {
            Some("end_time reached".to_string())
        },
        agents_total: sim.created(),
        agents_remaining: sim.agents().len(),
        agents_not_arrived: sim.pending(),
        evacuation_time: if complete { ev.t100 } else { None },
        t50: ev.t50,
        t90: ev.t90,
        simulated_time: sim.time(),
        wall_time,
        exits,
        measurement_lines: lines,
        peak_density: peak,
        still_inside: remaining::groups(sim),
        runs: None,
    };
    let poly = sim.walkable_area().polygon();
    let rings: Vec<Vec<[f64; 2]>> = std::iter::once(poly.exterior())
        .chain(poly.interiors())
        .map(|r| r.coords().map(|c| [c.x, c.y]).collect())
        .collect();
    let (origin, cell, (nx, ny)) = (density.origin(), density.cell(), density.dims());
    let report = ReportInput {
        scenario_name: sc.name.clone(),
        scenario_path: sc.path.display().to_string(),
        model: summary.model.clone(),
        seed: summary.seed,
        dt,
        agents_total: total,
        agents_left: sim.agents().len() + sim.pending(),
        simulated_time: sim.time(),
        wall_time,
        evacuation: ev,
        walkable_area: rings,
        exits: exit_reports,
        lines: line_reports,
        density: density.peak().map(|p| DensityReport {
            origin: [origin.x, origin.y],
            cell,
            nx,
            ny,
            peak: density.peak_densities().to_vec(),
            peak_density: p.density,
            peak_time: p.time,
            peak_at: [p.centre.x, p.centre.y],
            time_at_e: density.time_at_los_e_or_worse().to_vec(),
        }),
        paths: paths.into_values().filter(|p| p.len() > 1).collect(),
        aman_version: env!("CARGO_PKG_VERSION").to_string(),
        model_parameters: crate::commands::verify::sim_model_parameters(&sim.config().model),
        end_time: sc.end_time,
        frame_interval,
        populations: sc.populations.clone(),
        arrivals: sc.sources.clone(),
        events: sim
            .scheduled_events()
            .iter()
            .map(|&(time, e)| {
                let (Event::Close(stage) | Event::Open(stage)) = e;
                EventReport {
                    time,
                    stage: sim.stages()[stage.0 as usize].name.clone(),
                    opens: matches!(e, Event::Open(_)),
                }
            })
            .collect(),
        queue_zone: QUEUE_ZONE_M,
        queue_times,
        snapshots: snapshots.finish(),
    };
    Ok((summary, report))
}

/// The exits of `sim` in stage order, with their outline as `[x, y]` points (m). The one
/// place that knows which stage kinds are exits: a new kind (a door) is added here.
fn exit_outlines(sim: &Simulation) -> Vec<(StageId, Vec<[f64; 2]>)> {
    sim.stages()
        .iter()
        .enumerate()
        .filter_map(|(k, s)| match &s.kind {
            StageKind::Exit { polygon } => Some((
                StageId(k as u32),
                polygon.exterior().coords().map(|c| [c.x, c.y]).collect(),
            )),
            // a door is drawn as a bar on its outer side
            StageKind::Door { segment } => Some((
                StageId(k as u32),
                door_outline(sim.walkable_area(), segment),
            )),
            _ => None,
        })
        .collect()
}

/// One exit's queue: persons in its zone per sample, and the waiting time of each person who
/// left through it, s.
type QueueSeries = (Vec<u32>, Vec<f64>);

/// Queue lengths and waiting times in front of every exit, sampled every output frame.
///
/// An agent is in the queue zone of exit k when it has started to move (its pre-movement time
/// is over: standing still before is not queueing), heads for k (its current target) and its
/// walking distance to k along the routing field is at most [`QUEUE_ZONE_M`]. Its waiting
/// time is the time from the first frame of its last uninterrupted stay in that zone to its
/// exit record; agents never sampled in the zone are not counted. No allocation per frame
/// beyond the growth of the series.
struct ExitQueues {
    /// Exit index of each stage (`None` for other stages).
    exit_of_stage: Vec<Option<usize>>,
    /// Stage of each exit.
    stages: Vec<StageId>,
    /// Per agent id: the exit whose zone it is in and since when (s), or `None`.
    inside_since: Vec<Option<(u32, f64)>>,
    /// Exit records already read.
    exits_read: usize,
    /// Sample times, s.
    times: Vec<f64>,
    /// Per exit: agents in its zone per sample, and the waiting times, s.
    per_exit: Vec<QueueSeries>,
    /// Scratch: agents in each zone in the current sample.
    counts: Vec<u32>,
}

impl ExitQueues {
    fn new(sim: &Simulation) -> Self {
        let stages: Vec<StageId> = exit_outlines(sim).into_iter().map(|(s, _)| s).collect();
        let mut exit_of_stage = vec![None; sim.stages().len()];
        for (x, s) in stages.iter().enumerate() {
            exit_of_stage[s.0 as usize] = Some(x);
        }
        ExitQueues {
            exit_of_stage,
            per_exit: vec![(Vec::new(), Vec::new()); stages.len()],
            counts: vec![0; stages.len()],
            stages,
            inside_since: Vec::new(),
            exits_read: 0,
            times: Vec::new(),
        }
    }

    fn slot(&mut self, id: AgentId) -> &mut Option<(u32, f64)> {
        let i = id.0 as usize;
        if i >= self.inside_since.len() {
            self.inside_since.resize(i + 1, None);
        }
        &mut self.inside_since[i]
    }

    /// Reads the exits since the last sample, then counts the agents in each zone now.
    fn sample(&mut self, sim: &Simulation) {
        if self.stages.is_empty() {
            return;
        }
        self.read_exits(sim);
        let now = sim.time();
        self.counts.fill(0);
        let a = sim.agents();
        for i in 0..a.len() {
            let target = a.target[i];
            let zone = self
                .exit_of_stage
                .get(target.0 as usize)
                .copied()
                .flatten()
                .filter(|_| {
                    now >= a.moves_from[i]
                        && sim.walking_distance(target, a.position[i]) <= QUEUE_ZONE_M
                });
            let slot = self.slot(a.id[i]);
            match zone {
                Some(x) => {
                    if !matches!(*slot, Some((z, _)) if z as usize == x) {
                        *slot = Some((x as u32, now));
                    }
                    self.counts[x] += 1;
                }
                None => *slot = None,
            }
        }
        self.times.push(now);
        for (x, &n) in self.counts.iter().enumerate() {
            self.per_exit[x].0.push(n);
        }
    }

    /// Turns the exit records since the last call into waiting times.
    fn read_exits(&mut self, sim: &Simulation) {
        for r in &sim.exits()[self.exits_read..] {
            let Some(x) = self.exit_of_stage[r.stage.0 as usize] else {
                continue;
            };
            if let Some((zone, since)) = self.slot(r.agent).take()
                && zone as usize == x
            {
                self.per_exit[x].1.push((r.time - since).max(0.0));
            }
        }
        self.exits_read = sim.exits().len();
    }

    /// The sample times and, per exit, the queue series and the waiting times (the exits
    /// after the last sample included).
    fn finish(mut self, sim: &Simulation) -> (Vec<f64>, Vec<QueueSeries>) {
        if !self.stages.is_empty() {
            self.read_exits(sim);
        }
        (self.times, self.per_exit)
    }
}

/// Density snapshots: at the scenario's `[output] snapshots` times, or else at the first
/// frames at which 10 %, 50 % and 90 % of the agents had left.
struct Snapshots {
    /// `(time, reason)` for requested times; `(share, reason)` for the default moments.
    wanted: Vec<(f64, String)>,
    /// Whether `wanted` holds shares of agents out rather than times.
    by_share: bool,
    /// Agents expected in the run.
    total: u64,
    taken: Vec<SnapshotReport>,
}

impl Snapshots {
    fn new(times: Option<&[f64]>, total: u64) -> Self {
        match times {
            Some(t) => Snapshots {
                wanted: t
                    .iter()
                    .map(|&t| (t, format!("requested at {t} s")))
                    .collect(),
                by_share: false,
                total,
                taken: Vec::new(),
            },
            None => Snapshots {
                wanted: [0.1, 0.5, 0.9]
                    .iter()
                    .map(|&f| (f, format!("{:.0} % of the persons out", f * 100.0)))
                    .collect(),
                by_share: true,
                total,
                taken: Vec::new(),
            },
        }
    }

    /// Takes the snapshots due at this frame (the density grid has just counted it).
    fn sample(&mut self, sim: &Simulation, density: &DensityGrid) {
        while let Some((v, reason)) = self.wanted.get(self.taken.len()) {
            let due = if self.by_share {
                let need = ((v * self.total as f64) - 1e-9).ceil().max(1.0) as usize;
                self.total > 0 && sim.exits().len() >= need
            } else {
                sim.time() >= v - 1e-9
            };
            if !due {
                return;
            }
            let mut cells: Vec<(u32, f32)> = density
                .last_frame()
                .map(|(i, d)| (i as u32, d as f32))
                .collect();
            cells.sort_by_key(|c| c.0);
            self.taken.push(SnapshotReport {
                time: sim.time(),
                reason: reason.clone(),
                agents_inside: sim.agents().len(),
                cells,
            });
        }
    }

    fn finish(self) -> Vec<SnapshotReport> {
        self.taken
    }
}

/// The outline of a door for the map: the opening with a bar on its outer side, 0.2 m deep or
/// 0.5 % of the venue's larger side, whichever is more (so that it shows on the map of a large
/// venue too).
fn door_outline(area: &aman_geometry::WalkableArea, d: &aman_geometry::Segment) -> Vec<[f64; 2]> {
    let n = (d.b - d.a).normalized().perp();
    let mid = (d.a + d.b) * 0.5;
    let (lo, hi) = area.bounds();
    let depth = (0.005 * (hi.x - lo.x).max(hi.y - lo.y)).max(0.2);
    let out = if area.contains(mid + n * 0.1) {
        n * -depth
    } else {
        n * depth
    };
    let (c, e) = (d.a + out, d.b + out);
    vec![
        [d.a.x, d.a.y],
        [d.b.x, d.b.y],
        [e.x, e.y],
        [c.x, c.y],
        [d.a.x, d.a.y],
    ]
}

fn print_summary(s: &Summary, out: &Path) -> std::io::Result<()> {
    let f = |v: Option<f64>| {
        v.map(|x| format!("{x:.1} s"))
            .unwrap_or_else(|| "not reached".into())
    };
    // "at 12.3 s", or "not reached"
    let at =
        |v: Option<f64>| v.map_or_else(|| "not reached".to_string(), |x| format!("at {x:.1} s"));
    let agents = |n: usize| format!("{n} agent{}", if n == 1 { "" } else { "s" });
    if s.complete {
        outln!(
            "Evacuation complete: {} agents left in {}.",
            s.agents_total,
            f(s.evacuation_time)
        )?;
    } else {
        outln!(
            "Stopped at {:.1} s with {} still inside and {} not yet arrived: {}.",
            s.simulated_time,
            agents(s.agents_remaining),
            s.agents_not_arrived,
            s.stopped_because.as_deref().unwrap_or("end_time reached")
        )?;
    }
    outln!("  50 % out {}, 90 % out {}.", at(s.t50), at(s.t90))?;
    for e in &s.exits {
        outln!("  exit {:<20} {:>7} agents", e.name, e.agents)?;
    }
    for l in &s.measurement_lines {
        match (l.flow, l.specific_flow) {
            (Some(fl), Some(sf)) => outln!(
                "  line {:<20} {:>7} persons, flow {:.2} 1/s, specific flow {:.2} 1/(m·s) over {:.2} m{}",
                l.name,
                l.crossings,
                fl,
                sf,
                l.width,
                line_notes(l)
            )?,
            _ => outln!(
                "  line {:<20} {:>7} persons{}",
                l.name,
                l.crossings,
                line_notes(l)
            )?,
        }
    }
    if let Some(p) = &s.peak_density {
        outln!(
            "  peak density {:.2} persons/m² (Fruin level {}) at ({:.1}, {:.1}) m, t = {:.1} s",
            p.density,
            p.level_of_service,
            p.x,
            p.y,
            p.time
        )?;
    }
    outln!(
        "  simulated {:.1} s in {:.2} s wall time ({:.0}x real time). Outputs in {}",
        s.simulated_time,
        s.wall_time,
        s.simulated_time / s.wall_time.max(1e-9),
        out.display()
    )?;
    if out.join("trajectories.sqlite").is_file() {
        outln!(
            "  density, speed, flow and maps of this run: aman analyze {} --area ... --line ...",
            out.join("trajectories.sqlite").display()
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aman_report::check::page_problems;
    use aman_report::render_report;

    /// A run control that prints nothing and is never aborted.
    fn quiet_control(sc: &aman_scenario::Scenario) -> RunControl<'static> {
        static NEVER: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        RunControl::new(
            &NEVER,
            None,
            false,
            None,
            sc.simulation.config().seed,
            sc.end_time,
        )
    }

    /// A shipped scenario with more agents than this runs [`SHORT_RUN_S`] s only.
    const SHORT_RUN_AGENTS: usize = 2_000;
    /// Simulated time of a shortened run, s.
    const SHORT_RUN_S: f64 = 60.0;
    /// The same for a large scenario whose crowd arrives over time (sources): its first
    /// arrivals need longer to reach an exit (event-entrance-day: 106 s).
    const SHORT_RUN_ARRIVING_S: f64 = 150.0;

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// Every `scenarios/**/scenario.toml` of the repository.
    fn shipped_scenarios() -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut dirs = vec![repo().join("scenarios")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.file_name().is_some_and(|n| n == "scenario.toml") {
                    found.push(path);
                }
            }
        }
        found.sort();
        found
    }

    /// The report of every shipped scenario (large ones for [`SHORT_RUN_S`] s, with a snapshot
    /// halfway) draws every figure with data, and prints no NaN or infinity.
    #[test]
    fn every_shipped_scenario_report_draws_every_figure() {
        let scenarios = shipped_scenarios();
        assert!(scenarios.len() >= 4, "{scenarios:?}");
        for path in scenarios {
            let mut sc = aman_scenario::load(&path).unwrap();
            sc.output.trajectories = false;
            let short = sc.total_agents() > SHORT_RUN_AGENTS;
            if short {
                let short_run = if sc.sources.is_empty() {
                    SHORT_RUN_S
                } else {
                    SHORT_RUN_ARRIVING_S
                };
                sc.end_time = sc.end_time.min(short_run);
                sc.output.snapshots = Some(vec![sc.end_time / 2.0]);
            }
            let dir = tempfile::tempdir().unwrap();
            let (summary, report) = {
                let mut ctl = quiet_control(&sc);
                simulate(&mut sc, dir.path(), false, &mut ctl).unwrap()
            };
            let name = path.display();
            assert!(short || summary.complete, "{name}: not everybody left");
            assert!(
                report.exits.iter().any(|e| !e.exit_times.is_empty()),
                "{name}: nobody left, the exit charts would be flat"
            );
            let expected_snapshots = if short { 1 } else { 3 };
            assert_eq!(report.snapshots.len(), expected_snapshots, "{name}");
            assert!(!report.queue_times.is_empty(), "{name}");
            let html = render_report(&report);
            let problems = page_problems(&html);
            assert!(problems.is_empty(), "{name}: {problems:#?}");
            // N–t, flow and queue charts, peak map, time-at-E map, the snapshots.
            assert_eq!(
                html.matches("<svg").count(),
                5 + expected_snapshots,
                "{name}"
            );
        }
    }

    /// Runs `rest` (populations, output) in a 20 m × 4 m corridor with an exit area across its
    /// east end, for `end_time` s, without a trajectory file.
    fn run_corridor(end_time: f64, rest: &str) -> (Summary, ReportInput) {
        let text = format!(
            r#"
[simulation]
dt = 0.01
end_time = {end_time}

[geometry]
wkt = "POLYGON ((0 0, 20 0, 20 4, 0 4, 0 0))"

[[stages]]
kind = "exit"
name = "door"
polygon = [[19.5, 0], [20, 0], [20, 4], [19.5, 4]]

[[journeys]]
name = "out"
stages = ["door"]
{rest}"#
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("corridor.toml");
        std::fs::write(&file, text).unwrap();
        let mut sc = aman_scenario::load(&file).unwrap();
        sc.output.trajectories = false;
        let mut ctl = quiet_control(&sc);
        simulate(&mut sc, dir.path(), false, &mut ctl).unwrap()
    }

    /// One person walks at 1 m/s straight to an exit 15 m away: in its 5 m queue zone for
    /// 5 s, alone; the LOS-E time map stays empty (one person in a 2 m cell is 0.25 /m²).
    #[test]
    fn queue_and_waiting_time_of_one_walker() {
        let (summary, report) = run_corridor(
            60.0,
            r#"
[[populations]]
name = "walker"
journey = "out"
area = [[4.4, 1.9], [4.6, 1.9], [4.6, 2.1], [4.4, 2.1]]
count = 1
desired_speed = 1.0
"#,
        );
        assert!(summary.complete);
        let exit = &report.exits[0];
        // Out after about 15 m / 1 m/s.
        let out = exit.exit_times[0];
        assert!((out - 15.0).abs() < 0.3, "left at {out} s");
        // In the zone from about 10 m to 15 m: 5 s, counted at 10 frames per second.
        assert_eq!(exit.waiting_times.len(), 1);
        let wait = exit.waiting_times[0];
        assert!((wait - 5.0).abs() < 0.2, "waited {wait} s");
        assert_eq!(exit.queue.iter().copied().max(), Some(1));
        let frames_in_queue = exit.queue.iter().filter(|&&q| q == 1).count();
        assert!(
            (48..=52).contains(&frames_in_queue),
            "{frames_in_queue} frames"
        );
        let first = exit.queue.iter().position(|&q| q == 1).unwrap();
        let entered = report.queue_times[first];
        assert!((entered - 10.0).abs() < 0.3, "entered at {entered} s");
        let d = report.density.as_ref().unwrap();
        assert!(d.time_at_e.iter().all(|t| t.is_nan() || *t == 0.0));
        // Default snapshots: the one person out is 10 %, 50 % and 90 % at once, taken at the
        // first frames after it left, one frame each.
        assert_eq!(report.snapshots.len(), 3);
        assert!(
            report
                .snapshots
                .iter()
                .all(|s| s.time >= out && s.agents_inside == 0)
        );
    }

    /// A group standing in one cell until its pre-movement time is over: the time its cell
    /// spent at LOS E or worse is the frames at E or worse × the frame interval.
    #[test]
    fn time_at_los_e_of_a_standing_group() {
        // 12 persons in the 2 m × 2 m cell (0, 0) standing for 20 s: 3 persons/m², LOS F.
        let (_, report) = run_corridor(
            40.0,
            r#"
[[populations]]
name = "group"
journey = "out"
area = [[0.1, 0.1], [1.9, 0.1], [1.9, 1.9], [0.1, 1.9]]
count = 12
premovement_time = 20.0

[output]
density_cell_size = 2.0
"#,
        );
        let d = report.density.as_ref().unwrap();
        // 12 persons in cell (0, 0) of 4 m²: 3 /m² > 1.08 /m² for the 20 s of pre-movement
        // (frames at t = 0, 0.1, …, 19.9 s: 200 frames × 0.1 s), then they walk off.
        let t0 = d.time_at_e[0];
        assert!((20.0..=22.0).contains(&t0), "cell (0, 0): {t0} s");
        assert!(d.peak[0] >= 3.0);
    }
}
