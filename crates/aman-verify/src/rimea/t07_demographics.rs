//! RiMEA 3.0, test 7: "Allocation of demographic parameters".
//!
//! The guideline's table of walking speeds by group (after Weidmann 1993): under 30 years
//! 0.58–1.61 m/s, 30–50 years 1.41–1.54 m/s, over 50 years 0.68–1.41 m/s, persons with limited
//! mobility 0.46–0.76 m/s; speeds drawn uniformly in the range.
//!
//! Geometry (`scenarios/rimea/07-demographics.toml`): a free area 20 m long (x) and 201 m wide;
//! 50 persons per group start at x = 1 m, one per metre of width, so nobody interacts, and walk
//! along x past measurement lines at x = 4 m and x = 16 m.
//!
//! Criterion (RiMEA 3.0, test 7): every person's speed, measured as 12 m over the time between
//! the two lines, lies within its group's range (tolerance 0.01 m/s); everybody leaves by the end
//! time, no position outside, no wall crossed.

use std::collections::HashMap;

use super::util::{base_details, histogram, no_wall_problems};
use crate::{Figure, Options, Outcome, Series, SeriesStyle, Verdict, VerifyError, harness};

/// The scenario, relative to `scenarios/`.
pub const SCENARIO: &str = "rimea/07-demographics.toml";
/// The groups (population names) and their speed ranges, m/s (RiMEA 3.0, test 7).
pub const GROUPS: [(&str, f64, f64); 4] = [
    ("under_30", 0.58, 1.61),
    ("30_to_50", 1.41, 1.54),
    ("over_50", 0.68, 1.41),
    ("limited_mobility", 0.46, 0.76),
];
/// Tolerance on the range, m/s.
pub const TOLERANCE: f64 = 0.01;
/// Distance between the measurement lines, m.
const LINE_DISTANCE: f64 = 12.0;

/// Runs test 7.
///
/// # Errors
/// [`VerifyError`] if the scenario cannot be loaded or lacks a group's population.
pub fn run(opts: &Options) -> Result<Outcome, VerifyError> {
    let (file, path) = harness::parse(opts, SCENARIO)?;
    let mut group_of_population = Vec::new();
    for (name, _, _) in GROUPS {
        group_of_population.push(super::util::population_index(&file, name)?);
    }
    let mut sc = harness::build(opts, file, &path)?;
    let a = sc.simulation.agents();
    let group: HashMap<u64, usize> =
        a.id.iter()
            .zip(&a.group)
            .map(|(i, g)| (i.0, *g as usize))
            .collect();
    let log = harness::run(&mut sc, |_| {});
    let mut first: HashMap<u64, f64> = HashMap::new();
    let mut second: HashMap<u64, f64> = HashMap::new();
    for c in sc.simulation.crossings() {
        let m = if c.line == 0 { &mut first } else { &mut second };
        m.entry(c.agent.0).or_insert(c.time);
    }
    let mut speeds: Vec<Vec<f64>> = vec![Vec::new(); GROUPS.len()];
    let mut unmeasured = 0usize;
    for (id, pop) in &group {
        let Some(g) = group_of_population.iter().position(|p| p == pop) else {
            continue;
        };
        match (first.get(id), second.get(id)) {
            (Some(t0), Some(t1)) if t1 > t0 => speeds[g].push(LINE_DISTANCE / (t1 - t0)),
            _ => unmeasured += 1,
        }
    }
    let mut ok = log.remaining == 0 && unmeasured == 0 && no_wall_problems(&log);
    let mut details = base_details(opts, &[&path], &[("", &log)]);
    let mut measured = Vec::new();
    let mut figure = Vec::new();
    for (g, (name, lo, hi)) in GROUPS.iter().enumerate() {
        let v = &mut speeds[g];
        v.sort_by(f64::total_cmp);
        let outside = v
            .iter()
            .filter(|s| **s < lo - TOLERANCE || **s > hi + TOLERANCE)
            .count();
        ok &= outside == 0 && !v.is_empty();
        let (min, max) = (
            v.first().copied().unwrap_or(f64::NAN),
            v.last().copied().unwrap_or(f64::NAN),
        );
        measured.push(format!("{name} {min:.3}–{max:.3} m/s"));
        details.push(format!(
            "{name}: {} persons measured, speeds {min:.3}–{max:.3} m/s (range {lo}–{hi}), mean {:.3} m/s, {outside} outside the range",
            v.len(),
            super::util::mean(v).unwrap_or(f64::NAN)
        ));
        figure.push(Series {
            name: format!("{name} ({lo}–{hi} m/s)"),
            points: histogram(v, 0.4, 1.7, 0.05),
            style: SeriesStyle::Step,
        });
    }
    details.push(format!("{unmeasured} persons without both line crossings"));
    Ok(Outcome {
        id: "RiMEA 7".into(),
        title: "allocation of demographic parameters".into(),
        criterion: format!(
            "each person's speed between two lines 12 m apart lies in its group's range ±{TOLERANCE} m/s: \
             under 30 0.58–1.61, 30–50 1.41–1.54, over 50 0.68–1.41, limited mobility 0.46–0.76 m/s"
        ),
        measured: measured.join("; "),
        verdict: Verdict::from_bool(ok),
        details,
        figures: vec![Figure {
            title: "Measured walking speeds per group".into(),
            x_label: "speed (m/s)".into(),
            y_label: "persons per 0.05 m/s".into(),
            series: figure,
        }],
    })
}
