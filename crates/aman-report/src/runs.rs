//! The figures of `aman simulate --runs N` over its N seeds (the `runs` section of
//! `summary.json`), and their section of the simulation report.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use aman_analysis::stats::Stats;
use serde::Serialize;

use crate::html::{esc, thousands};
use crate::precision::round6;

/// How the statistics are computed, as `summary.json` states it.
pub const METHOD: &str = "over the complete runs only; sd: sample standard deviation (n − 1); \
     p95: 95th percentile by linear interpolation between closest ranks (Hyndman & Fan \
     definition 7, numpy.percentile's default)";

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
    pub fn new(unit: &'static str, values: impl IntoIterator<Item = (u64, Option<f64>)>) -> Self {
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
