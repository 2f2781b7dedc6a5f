//! `aman simulate --runs N`: the scenario with seeds seed, seed + 1, …, seed + N − 1, in
//! parallel, and the statistics of its key figures over the runs.
//!
//! One run is one seed, simulated exactly as a single run with `--seed` gives it (each run is
//! deterministic for its seed whatever the thread count), so the per-run values do not depend on
//! `--threads` or on which runs ran side by side. The first run (the scenario's seed) writes the
//! outputs; the others keep only their figures.
//!
//! Scheduling: `--threads` T worker threads are split into W = min(T, N) workers, each with a
//! rayon pool of its share of the threads, taking the next run when it is done with one. So at
//! most W simulations are in memory at once (a rayon pool shared by all runs would let a thread
//! waiting inside one simulation start another, without bound).

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::control::{self, RunControl};
use super::{Summary, simulate};
use crate::Failure;
use aman_report::html::thousands;
use aman_report::runs::{ExitFigures, Figure, IncompleteRun, LineFigures, METHOD, RunsSummary};
use aman_report::simulation::ReportInput;

/// `--runs` accepts 1 to this many runs.
pub const MAX_RUNS: usize = 10_000;

/// What `aman simulate` asked for.
pub(super) struct Plan<'a> {
    /// The scenario file, loaded again for every seed after the first.
    pub scenario: &'a Path,
    /// The first seed (the scenario's, or `--seed`).
    pub seed: u64,
    /// Runs (≥ 1).
    pub runs: usize,
    /// Worker threads in all (≥ 1).
    pub threads: usize,
    /// The output directory of the first run.
    pub out: &'a Path,
    /// A progress bar on the terminal.
    pub interactive: bool,
    /// Plain progress lines (standard error is not a terminal).
    pub lines: bool,
    /// A line as each run ends (several runs, neither `--quiet` nor `--json`).
    pub chatty: bool,
}

/// One run's results.
pub(super) struct RunResult {
    /// Its seed.
    pub seed: u64,
    /// Its key figures.
    pub summary: Summary,
    /// Its report data: the first run's only.
    pub report: Option<ReportInput>,
}

/// Runs `first` (already loaded with `plan.seed`) and the scenario with each further seed, on
/// `plan.threads` threads. Returns one entry per seed, in seed order; `None` for a run not
/// started because the command was interrupted. The first error of any run stops the others and
/// is returned.
pub(super) fn execute(
    first: aman_scenario::Scenario,
    plan: &Plan,
) -> Result<Vec<Option<RunResult>>, Failure> {
    let n = plan.runs;
    let workers = plan.threads.min(n).max(1);
    let next = AtomicUsize::new(0);
    let abort = AtomicBool::new(false);
    let first = Mutex::new(Some(first));
    let slots: Vec<Mutex<Option<Result<RunResult, Failure>>>> =
        (0..n).map(|_| Mutex::new(None)).collect();
    let bar = (plan.interactive && n > 1).then(|| {
        let b = ProgressBar::new(n as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} runs done, {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    });
    let done = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for w in 0..workers {
            let threads = plan.threads / workers + usize::from(w < plan.threads % workers);
            let (next, abort, first, slots, bar, done) =
                (&next, &abort, &first, &slots, &bar, &done);
            scope.spawn(move || {
                let pool = match rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .context("cannot start the worker threads")
                {
                    Ok(p) => p,
                    Err(e) => {
                        abort.store(true, Ordering::SeqCst);
                        if let Some(slot) = slots.first() {
                            let mut s = slot.lock().unwrap_or_else(|e| e.into_inner());
                            if s.is_none() {
                                *s = Some(Err(Failure::Other(e)));
                            }
                        }
                        return;
                    }
                };
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    // The first run always runs: it writes the outputs (at once, marked
                    // interrupted, if a signal came during set-up).
                    let stopping = control::interrupted() || abort.load(Ordering::SeqCst);
                    if k >= n || (k > 0 && stopping) {
                        break;
                    }
                    let seed = plan.seed + k as u64;
                    let sc = if k == 0 {
                        first.lock().unwrap_or_else(|e| e.into_inner()).take()
                    } else {
                        None
                    };
                    let result = pool.install(|| run_one(k, seed, sc, plan, abort, bar.clone()));
                    match &result {
                        Ok(r) => {
                            let d = done.fetch_add(1, Ordering::SeqCst) + 1;
                            if plan.chatty && n > 1 && !r.summary.interrupted {
                                let line = finished_line(k, d, n, &r.summary);
                                match bar {
                                    Some(b) => b.println(line),
                                    None => errln!("{line}"),
                                }
                            }
                            if let Some(b) = bar {
                                b.inc(1);
                            }
                        }
                        Err(_) => abort.store(true, Ordering::SeqCst),
                    }
                    *slots[k].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                }
            });
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let mut results = Vec::with_capacity(n);
    let mut failure = None;
    for slot in slots {
        match slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(Ok(r)) => results.push(Some(r)),
            Some(Err(e)) => {
                failure.get_or_insert(e);
                results.push(None);
            }
            None => results.push(None),
        }
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(results),
    }
}

/// Run `k` (seed `seed`): the first with `sc`, loaded by the caller; others load the scenario
/// with their seed and write no trajectories.
fn run_one(
    k: usize,
    seed: u64,
    sc: Option<aman_scenario::Scenario>,
    plan: &Plan,
    abort: &AtomicBool,
    bar: Option<ProgressBar>,
) -> Result<RunResult, Failure> {
    let mut sc = match sc {
        Some(sc) => sc,
        None => {
            let overrides = aman_scenario::Overrides {
                seed: Some(seed),
                ..Default::default()
            };
            let mut sc = aman_scenario::load_with(plan.scenario, &overrides)?;
            sc.output.trajectories = false;
            sc
        }
    };
    let several = plan.runs > 1;
    let mut ctl = RunControl::new(
        abort,
        several.then(|| format!("seed {seed}")),
        plan.lines,
        bar,
        seed,
        sc.end_time,
    );
    let (summary, report) = simulate(&mut sc, plan.out, plan.interactive && !several, &mut ctl)?;
    Ok(RunResult {
        seed,
        summary,
        report: (k == 0).then_some(report),
    })
}

/// "run 3 of 20 (seed 44), 5 done: evacuation time 771.2 s (t50 231.0 s, t90 484.0 s)".
fn finished_line(k: usize, done: usize, n: usize, s: &Summary) -> String {
    let head = format!("run {} of {n} (seed {}), {done} done:", k + 1, s.seed);
    match s.evacuation_time {
        Some(t) if s.complete => format!(
            "{head} evacuation time {t:.1} s (t50 {}, t90 {}), {:.1} s wall time",
            opt_s(s.t50),
            opt_s(s.t90),
            s.wall_time
        ),
        _ => format!(
            "{head} {} still inside and {} not entered at {:.1} s ({})",
            thousands(s.agents_remaining),
            thousands(s.agents_not_arrived),
            s.simulated_time,
            s.stopped_because.as_deref().unwrap_or("end_time reached")
        ),
    }
}

fn opt_s(v: Option<f64>) -> String {
    v.map_or_else(|| "not reached".to_string(), |t| format!("{t:.1} s"))
}

/// The statistics of `results` (one entry per seed, in seed order; `None` for a run not
/// started). `runs` is the number asked for, `first_seed` the first seed.
pub(super) fn summarise(results: &[Option<RunResult>], first_seed: u64) -> RunsSummary {
    let runs = results.len();
    let done: Vec<(u64, &Summary)> = results
        .iter()
        .flatten()
        .map(|r| (r.seed, &r.summary))
        .collect();
    let complete: Vec<(u64, &Summary)> = done
        .iter()
        .copied()
        .filter(|(_, s)| s.complete && !s.interrupted)
        .collect();
    let incomplete = done
        .iter()
        .filter(|(_, s)| !s.complete || s.interrupted)
        .map(|(seed, s)| IncompleteRun {
            seed: *seed,
            stopped_because: s
                .stopped_because
                .clone()
                .unwrap_or_else(|| "interrupted".into()),
            interrupted: s.interrupted,
            agents_remaining: s.agents_remaining,
            agents_not_arrived: s.agents_not_arrived,
            simulated_time: s.simulated_time,
        })
        .collect();
    let not_run = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_none())
        .map(|(k, _)| first_seed + k as u64)
        .collect();
    let fig = |unit, f: &dyn Fn(&Summary) -> Option<f64>| {
        Figure::new(unit, complete.iter().map(|(seed, s)| (*seed, f(s))))
    };
    // Names from the first run that has them: every run of a scenario has the same exits and
    // lines, in the same order.
    let template = done.first().map(|(_, s)| *s);
    let exits = template
        .map(|t| {
            t.exits
                .iter()
                .enumerate()
                .map(|(k, e)| ExitFigures {
                    name: e.name.clone(),
                    agents: fig("persons", &|s| s.exits.get(k).map(|e| e.agents as f64)),
                    last: fig("s", &|s| s.exits.get(k).and_then(|e| e.last)),
                })
                .collect()
        })
        .unwrap_or_default();
    let measurement_lines = template
        .map(|t| {
            t.measurement_lines
                .iter()
                .enumerate()
                .map(|(k, l)| LineFigures {
                    name: l.name.clone(),
                    flow: fig("1/s", &|s| s.measurement_lines.get(k).and_then(|l| l.flow)),
                })
                .collect()
        })
        .unwrap_or_default();
    RunsSummary {
        runs,
        seeds: [first_seed, first_seed + runs.saturating_sub(1) as u64],
        complete: complete.len(),
        incomplete,
        not_run,
        method: METHOD,
        evacuation_time: fig("s", &|s| s.evacuation_time),
        t50: fig("s", &|s| s.t50),
        t90: fig("s", &|s| s.t90),
        exits,
        measurement_lines,
        peak_density: fig("persons/m²", &|s| {
            s.peak_density.as_ref().map(|p| p.density)
        }),
    }
}

/// The terminal lines for several runs: mean, sd and p95 of the evacuation time, and the runs
/// left out.
pub(super) fn print(r: &RunsSummary) -> std::io::Result<()> {
    let e = &r.evacuation_time;
    outln!(
        "Over {} runs (seeds {}–{}), {} complete:",
        r.runs,
        r.seeds[0],
        r.seeds[1],
        r.complete
    )?;
    match (e.mean, e.p95) {
        (Some(mean), Some(p95)) => outln!(
            "  evacuation time mean {mean:.1} s, sd {}, p95 {p95:.1} s (min {:.1} s, max {:.1} s)",
            e.sd.map_or_else(|| "—".to_string(), |sd| format!("{sd:.1} s")),
            e.min.unwrap_or(f64::NAN),
            e.max.unwrap_or(f64::NAN),
        )?,
        _ => outln!("  evacuation time: no complete run")?,
    }
    for (name, f) in [("t50", &r.t50), ("t90", &r.t90)] {
        if let (Some(mean), Some(p95)) = (f.mean, f.p95) {
            outln!(
                "  {name} mean {mean:.1} s, sd {}, p95 {p95:.1} s",
                f.sd.map_or_else(|| "—".to_string(), |sd| format!("{sd:.1} s")),
            )?;
        }
    }
    for i in &r.incomplete {
        outln!(
            "  left out: seed {} ({}; {} inside, {} not entered at {:.1} s)",
            i.seed,
            i.stopped_because,
            thousands(i.agents_remaining),
            thousands(i.agents_not_arrived),
            i.simulated_time
        )?;
    }
    if !r.not_run.is_empty() {
        outln!("  not run (interrupted): {} seeds", r.not_run.len())?;
    }
    Ok(())
}
