//! `aman check`: load and validate a scenario without running it.

use crate::Failure;
use crate::args::CheckArgs;

/// Runs `aman check`.
pub fn run(args: &CheckArgs) -> Result<(), Failure> {
    let sc = aman_scenario::load(&args.scenario)?;
    let sim = &sc.simulation;
    let area = sim.walkable_area();
    let exits = sim.stages().iter().filter(|s| s.kind.is_exit()).count();
    let warnings = sim.exit_area_warnings();
    if args.json {
        let v = serde_json::json!({
            "warnings": warnings,
            "scenario": sc.name,
            "valid": true,
            "walkable_area_m2": area.area(),
            "obstacles": area.hole_count(),
            "stages": sim.stages().len(),
            "exits": exits,
            "journeys": sim.journeys().len(),
            "stairs": sim.stairs().len(),
            "route_cost": format!("{:?}", sim.config().route_cost).to_lowercase(),
            "dynamic_routing_s": sim.config().dynamic_routing,
            "agents_at_start": sim.agents().len(),
            "agents_arriving": sim.pending(),
            "model": sim.config().model.name(),
            "dt": sim.config().dt,
            "end_time": sc.end_time,
            "geometry_notes": area.notes(),
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(anyhow::Error::from)?
        )?;
    } else {
        let routing = match sim.config().dynamic_routing {
            Some(t) => format!(
                "routes by {}, updated for congestion every {t} s",
                cost(sim)
            ),
            None => format!("routes by {}", cost(sim)),
        };
        outln!(
            "{}: valid. Walkable area {:.1} m² with {} and {}; {}; {} ({}), {}; {} at the \
             start, {} arriving later; model {}, dt {} s, end {} s.",
            args.scenario.display(),
            area.area(),
            count(area.hole_count(), "obstacle"),
            count(sim.stairs().len(), "stair"),
            routing,
            count(sim.stages().len(), "stage"),
            count(exits, "exit"),
            count(sim.journeys().len(), "journey"),
            count(sim.agents().len(), "agent"),
            sim.pending(),
            sim.config().model.name(),
            sim.config().dt,
            sc.end_time
        )?;
        for note in area.notes() {
            outln!("  note: {note}")?;
        }
        for w in &warnings {
            outln!("warning: {w}")?;
        }
    }
    Ok(())
}

/// "travel time" or "distance".
fn cost(sim: &aman_sim::Simulation) -> &'static str {
    match sim.config().route_cost {
        aman_sim::RouteCost::Time => "travel time",
        aman_sim::RouteCost::Distance => "distance",
    }
}

/// "1 exit", "2 exits".
fn count(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
