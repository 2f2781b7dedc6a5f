//! RiMEA 3.0, test 10: "Allocation of exits".
//!
//! Geometry (`scenarios/rimea/10-exit-allocation.toml`): a corridor 30 m long and 2 m wide with
//! an exit at each end (west, east) and eight rooms 4 m × 3.8 m off it, four on each side, each
//! with a 1 m door; six persons per room. Allocation (one journey per population): the persons
//! of the four lower rooms must use the east exit, those of the four upper rooms the west exit,
//! whichever is nearer — so the two streams meet head-on in the corridor.
//!
//! Criterion (RiMEA 3.0, test 10): every person leaves by its allocated exit; everybody leaves
//! by the end time, no position outside, no wall crossed.

use aman_scenario::file::StepEntry;

use super::util::{base_details, no_wall_problems};
use crate::{Options, Outcome, Verdict, VerifyError, harness};

/// The scenario, relative to `scenarios/`.
pub const SCENARIO: &str = "rimea/10-exit-allocation.toml";

/// Runs test 10.
///
/// # Errors
/// [`VerifyError`] if the scenario cannot be loaded, or a journey does not end in one exit.
pub fn run(opts: &Options) -> Result<Outcome, VerifyError> {
    let (file, path) = harness::parse(opts, SCENARIO)?;
    // allocated exit (stage name) per population, in file order
    let mut allocated = Vec::new();
    for p in &file.populations {
        let j = file
            .journeys
            .iter()
            .find(|j| j.name == p.journey)
            .ok_or_else(|| VerifyError::Data(format!("no journey '{}'", p.journey)))?;
        match j.stages.last() {
            Some(StepEntry::One(s)) => allocated.push((p.name.clone(), s.clone())),
            _ => {
                return Err(VerifyError::Data(format!(
                    "journey '{}' must end in one exit",
                    j.name
                )));
            }
        }
    }
    let mut sc = harness::build(opts, file, &path)?;
    let total = sc.total_agents();
    let log = harness::run(&mut sc, |_| {});
    let sim = &sc.simulation;
    let stage_names: Vec<&str> = sim.stages().iter().map(|s| s.name.as_str()).collect();
    let mut right = 0usize;
    let mut wrong = 0usize;
    let mut details = base_details(opts, &[&path], &[("", &log)]);
    let mut per_exit: Vec<(String, usize)> =
        stage_names.iter().map(|n| (n.to_string(), 0)).collect();
    let mut per_pop = vec![(0usize, 0usize); allocated.len()];
    for e in sim.exits() {
        let used = stage_names.get(e.stage.0 as usize).copied().unwrap_or("?");
        if let Some(c) = per_exit.get_mut(e.stage.0 as usize) {
            c.1 += 1;
        }
        match allocated.get(e.group as usize) {
            Some((_, want)) if want == used => {
                right += 1;
                per_pop[e.group as usize].0 += 1;
            }
            _ => {
                wrong += 1;
                if let Some(p) = per_pop.get_mut(e.group as usize) {
                    p.1 += 1;
                }
            }
        }
    }
    for ((name, want), (r, w)) in allocated.iter().zip(&per_pop) {
        details.push(format!(
            "room {name}: allocated {want}; {r} left by it, {w} by another exit"
        ));
    }
    let counts = per_exit
        .iter()
        .map(|(n, c)| format!("{n} {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    details.push(format!("persons per exit: {counts}"));
    let ok = log.remaining == 0 && wrong == 0 && right == total && no_wall_problems(&log);
    Ok(Outcome {
        id: "RiMEA 10".into(),
        title: "allocation of exits".into(),
        criterion: format!(
            "all {total} persons leave, each by its room's allocated exit (lower rooms east, upper rooms west)"
        ),
        measured: format!(
            "{right} of {total} by the allocated exit, {wrong} by another ({counts}); done at {:.1} s",
            log.time
        ),
        verdict: Verdict::from_bool(ok),
        details,
        figures: Vec::new(),
    })
}
