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

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use aman_analysis::stats::Stats;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::precision::round6;

use super::control::{self, RunControl};
use super::remaining::thousands;
use super::{Summary, simulate};
use crate::Failure;
use aman_report::html::esc;
use aman_report::simulation::ReportInput;

/// `--runs` accepts 1 to this many runs.
pub const MAX_RUNS: usize = 10_000;

/// How the statistics are computed, as `summary.json` states it.
const METHOD: &str = "over the complete runs only; sd: sample standard deviation (n − 1); \
     p95: 95th percentile by linear interpolation between closest ranks (Hyndman & Fan \
     definition 7, numpy.percentile's default)";

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

/// `summary.json`'s `runs` section: the key figures over the runs of `aman simulate --runs N`.
#[derive(Debug, Clone, Serialize)]
pub struct RunsSummary {
    /// Runs asked for (`--runs`).
    pub runs: usize,
    /// First and last seed: the runs use seed, seed + 1, …, seed + runs − 1.
    pub seeds: [u64; 2],
    /// Runs in which every person left; the statistics are over these.
    pub complete: usize,
    /// Runs that ended with persons inside or not yet entered, or were interrupted: named
    /// here, and left out of every statistic.
    pub incomplete: Vec<IncompleteRun>,
    /// Seeds of the runs not started because the command was interrupted.
    pub not_run: Vec<u64>,
    /// How the statistics are computed.
    pub method: &'static str,
    /// Evacuation time (the last person out), s.
    pub evacuation_time: Figure,
    /// Time at which 50 % had left, s.
    pub t50: Figure,
    /// Time at which 90 % had left, s.
    pub t90: Figure,
    /// Per exit, in the scenario's order.
    pub exits: Vec<ExitFigures>,
    /// Per measurement line, in the scenario's order.
    pub measurement_lines: Vec<LineFigures>,
    /// Highest classic density in a cell, persons/m².
    pub peak_density: Figure,
}

/// A run left out of the statistics.
#[derive(Debug, Clone, Serialize)]
pub struct IncompleteRun {
    /// Its seed.
    pub seed: u64,
    /// Why it stopped with persons inside.
    pub stopped_because: String,
    /// Whether it was stopped by SIGINT or SIGTERM.
    pub interrupted: bool,
    /// Persons still inside at its end.
    pub agents_remaining: usize,
    /// Persons that never entered.
    pub agents_not_arrived: usize,
    /// Simulated time at its end, s (to 1 µs).
    #[serde(serialize_with = "crate::precision::ser6")]
    pub simulated_time: f64,
}

/// One figure over the complete runs: statistics and the value of every run.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// Unit of the values.
    pub unit: &'static str,
    /// Runs with a value (complete runs where the figure exists: an exit nobody used has no
    /// last-out time, a line nobody crossed twice has no flow).
    pub n: usize,
    /// Mean.
    pub mean: Option<f64>,
    /// Sample standard deviation (n − 1); null for n < 2.
    pub sd: Option<f64>,
    /// Smallest value.
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// 95th percentile, linear interpolation between closest ranks (see `method`).
    pub p95: Option<f64>,
    /// Seed → value.
    pub per_run: BTreeMap<u64, f64>,
}

impl Figure {
    /// The figure from (seed, value) pairs; missing and non-finite values are left out. Times
    /// (unit `s`) are taken to 1 µs, as a single run's `summary.json` writes them
    /// ([`crate::precision`]), so that each run's value is the one its own summary shows.
    fn new(unit: &'static str, values: impl IntoIterator<Item = (u64, Option<f64>)>) -> Self {
        let per_run: BTreeMap<u64, f64> = values
            .into_iter()
            .filter_map(|(s, v)| v.filter(|v| v.is_finite()).map(|v| (s, v)))
            .map(|(s, v)| (s, if unit == "s" { round6(v) } else { v }))
            .collect();
        let v: Vec<f64> = per_run.values().copied().collect();
        let st = Stats::of(&v);
        Figure {
            unit,
            n: st.map_or(0, |s| s.n),
            mean: st.map(|s| s.mean),
            sd: st.and_then(|s| s.sd),
            min: st.map(|s| s.min),
            max: st.map(|s| s.max),
            p95: st.map(|s| s.p95),
            per_run,
        }
    }
}

/// One exit over the runs.
#[derive(Debug, Clone, Serialize)]
pub struct ExitFigures {
    /// Stage name.
    pub name: String,
    /// Persons who left through it.
    pub agents: Figure,
    /// Time of its last exit, s.
    pub last: Figure,
}

/// One measurement line over the runs.
#[derive(Debug, Clone, Serialize)]
pub struct LineFigures {
    /// Line name.
    pub name: String,
    /// Mean flow (N − 1)/(t_last − t_first), 1/s.
    pub flow: Figure,
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

/// The report's section for several runs: a self-contained HTML `<section>` (a table of the
/// statistics, the runs left out, and every run's values), to place in the simulation report.
pub fn runs_section(r: &RunsSummary) -> String {
    let mut h = String::from("<section class=\"runs\">\n<h2>Results over seeds</h2>\n");
    let _ = writeln!(
        h,
        "<p class=\"note\">{} runs of this scenario with seeds {} to {}; {} complete. \
         The statistics are over the complete runs: sd is the sample standard deviation \
         (n − 1), p95 the 95th percentile by linear interpolation between closest ranks \
         (Hyndman &amp; Fan definition 7).</p>",
        r.runs, r.seeds[0], r.seeds[1], r.complete
    );
    h.push_str(
        "<table>\n<tr><th>figure</th><th>unit</th><th>n</th><th>mean</th><th>sd</th>\
         <th>min</th><th>max</th><th>p95</th></tr>\n",
    );
    let mut row = |name: String, f: &Figure| {
        let v = |x: Option<f64>| x.map_or_else(|| "—".to_string(), |x| format!("{x:.2}"));
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td></tr>",
            name,
            esc(f.unit),
            f.n,
            v(f.mean),
            v(f.sd),
            v(f.min),
            v(f.max),
            v(f.p95)
        );
    };
    row("evacuation time".into(), &r.evacuation_time);
    row("t50 (50 % out)".into(), &r.t50);
    row("t90 (90 % out)".into(), &r.t90);
    for e in &r.exits {
        row(
            format!("exit <bdi>{}</bdi>: persons", esc(&e.name)),
            &e.agents,
        );
        row(
            format!("exit <bdi>{}</bdi>: last out", esc(&e.name)),
            &e.last,
        );
    }
    for l in &r.measurement_lines {
        row(format!("line <bdi>{}</bdi>: flow", esc(&l.name)), &l.flow);
    }
    row("peak density".into(), &r.peak_density);
    h.push_str("</table>\n");
    if !r.incomplete.is_empty() {
        h.push_str("<p><b>Left out of the statistics</b> (persons inside at the end):</p>\n<ul>\n");
        for i in &r.incomplete {
            let _ = writeln!(
                h,
                "<li>seed {}: {}, {} inside and {} not entered at {:.1} s</li>",
                i.seed,
                esc(&i.stopped_because),
                thousands(i.agents_remaining),
                thousands(i.agents_not_arrived),
                i.simulated_time
            );
        }
        h.push_str("</ul>\n");
    }
    if !r.not_run.is_empty() {
        let _ = writeln!(
            h,
            "<p>Not run (the command was interrupted): {} seeds.</p>",
            r.not_run.len()
        );
    }
    h.push_str(
        "<details><summary>Every run</summary>\n<table>\n<tr><th>seed</th>\
         <th>evacuation time, s</th><th>t50, s</th><th>t90, s</th>\
         <th>peak density, persons/m²</th></tr>\n",
    );
    let v = |f: &Figure, seed: u64| {
        f.per_run
            .get(&seed)
            .map_or_else(|| "—".to_string(), |x| format!("{x:.2}"))
    };
    for &seed in r.evacuation_time.per_run.keys() {
        let _ = writeln!(
            h,
            "<tr><td>{seed}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            v(&r.evacuation_time, seed),
            v(&r.t50, seed),
            v(&r.t90, seed),
            v(&r.peak_density, seed)
        );
    }
    h.push_str("</table>\n</details>\n</section>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_of_known_values() {
        let f = Figure::new(
            "s",
            [(1, Some(10.0)), (2, None), (3, Some(30.0)), (4, Some(20.0))],
        );
        assert_eq!(f.n, 3);
        assert_eq!(f.mean, Some(20.0));
        assert_eq!(f.sd, Some(10.0)); // √((100 + 0 + 100) / 2)
        assert_eq!((f.min, f.max), (Some(10.0), Some(30.0)));
        assert!((f.p95.unwrap() - 29.0).abs() < 1e-12); // h = 1.9: 20 + 0.9 · 10
        assert_eq!(f.per_run.keys().copied().collect::<Vec<_>>(), [1, 3, 4]);
        let none = Figure::new("s", [(1, None)]);
        assert_eq!((none.n, none.mean, none.p95), (0, None, None));
    }
}
