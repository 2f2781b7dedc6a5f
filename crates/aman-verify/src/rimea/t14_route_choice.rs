//! RiMEA 3.0 test 14: route choice between a short route over stairs and a long one on the
//! level; the guideline asks that the chosen route (short, long, mixed) be reported and that it
//! can be configured.
//!
//! Scenario `rimea/14-route-choice.toml` (see its header for the layout): ten persons, a short
//! route of about 42 m with 20 m of stairs (47.2 s at 1.34 m/s with Weidmann's stair speeds) and
//! a long route of about 54 m on the level (40.3 s). Three configurations are run:
//!
//! 1. `route_cost = "time"` (the default): routes minimise travel time, so everybody takes the
//!    long route;
//! 2. `route_cost = "distance"`: routes minimise distance, so everybody takes the short route;
//! 3. the journey through the waypoint "lower level": everybody takes the short route.
//!
//! A person took the short route if it was ever on a stair. PASS when each configuration gives
//! its expected route for every person and everybody leaves.

use aman_scenario::file::RouteCostEntry;
use aman_sim::Simulation;

use crate::harness::{self, Options, RunLog};
use crate::{Outcome, Verdict, VerifyError};

/// Runs the test.
///
/// # Errors
/// [`VerifyError`] if the scenario does not load.
pub fn run(opts: &Options) -> Result<Outcome, VerifyError> {
    let file = "rimea/14-route-choice.toml";
    let configs: [(&str, bool, Option<RouteCostEntry>, Option<&str>); 3] = [
        (
            "route_cost = \"time\"",
            false,
            Some(RouteCostEntry::Time),
            None,
        ),
        (
            "route_cost = \"distance\"",
            true,
            Some(RouteCostEntry::Distance),
            None,
        ),
        (
            "journey via the waypoint \"lower level\"",
            true,
            None,
            Some("via the lower level"),
        ),
    ];
    let mut ok = true;
    let mut measured = Vec::new();
    let mut details = vec![format!("scenario: scenarios/{file}")];
    for (name, short_expected, cost, journey) in configs {
        let (mut f, path) = harness::parse(opts, file)?;
        if let Some(c) = cost {
            f.geometry.route_cost = c;
        }
        if let Some(j) = journey {
            for p in &mut f.populations {
                p.journey = j.to_string();
            }
        }
        let mut sc = harness::build(opts, f, &path)?;
        let (short, long, log) = routes(&mut sc);
        let expected_ok = if short_expected {
            long == 0
        } else {
            short == 0
        };
        ok &= expected_ok && log.clean();
        let label = match (short, long) {
            (_, 0) => "short",
            (0, _) => "long",
            _ => "mixed",
        };
        measured.push(format!("{name}: {label}"));
        details.push(format!(
            "{name}: {short} persons took the short route (stairs), {long} the long one; \
             expected: all {}; {}",
            if short_expected { "short" } else { "long" },
            log.summary()
        ));
    }
    Ok(Outcome {
        id: "RiMEA 14".into(),
        title: "route choice: short over stairs or long on the level".into(),
        criterion: "the chosen route is reported and follows the configuration (time: long; \
                    distance: short; waypoint: short)"
            .into(),
        measured: measured.join("; "),
        verdict: Verdict::from_bool(ok),
        details,
        figures: Vec::new(),
    })
}

/// Runs to the end; returns how many persons took the short route (were on a stair at some
/// step), how many the long one, and the run's log.
fn routes(sc: &mut aman_scenario::Scenario) -> (usize, usize, RunLog) {
    let n = sc.simulation.agents().len();
    let first_id = sc.simulation.agents().id.first().map_or(0, |i| i.0);
    let mut on_stairs = vec![false; n];
    let log = harness::run(sc, |s: &Simulation| {
        let a = s.agents();
        for (id, p) in a.id.iter().zip(&a.position) {
            if s.stair_at(*p).is_some()
                && let Some(seen) = on_stairs.get_mut((id.0 - first_id) as usize)
            {
                *seen = true;
            }
        }
    });
    let short = on_stairs.iter().filter(|&&s| s).count();
    (short, n - short, log)
}
