//! `aman forecast`: the network forecast of a venue from a live state, and what-ifs; with
//! `--simulate`, the simulation forecast next to it.

use anyhow::anyhow;
use serde_json::{Value, json};

use aman_forecast::report::InputReport;
use aman_forecast::sim::{SimForecast, SimForecastError, SimOptions, simulate};
use aman_forecast::venue::{VenueForecast, VenueNetwork, WhatIf, ZoneSummary, forecast};
use aman_forecast::{ForecastReport, InputKind, Live, UncertainInput, Uncertainty, fd::Weidmann};
use aman_monitor::Venue;

use crate::Failure;
use crate::args::ForecastArgs;

/// Sample interval of the printed and JSON forecast, s.
const EVERY: f64 = 10.0;
/// Sample interval of the simulation forecast's zone counts, s (its JSON keeps every
/// `EVERY / SIM_EVERY`-th).
const SIM_EVERY: f64 = 2.0;
/// Largest step of the model, s (cut further by each zone's CFL bound).
const DT: f64 = 0.5;
/// Most bytes of a state file (a state of 100,000 zones is about 10 MB).
const MAX_STATE_BYTES: u64 = 64 << 20;

/// Runs `aman forecast`.
pub fn run(args: &ForecastArgs) -> Result<(), Failure> {
    let input = |e: String| Failure::Input(anyhow!(e));
    if !(args.horizon.is_finite() && args.horizon > 0.0 && args.horizon <= 3600.0) {
        return Err(input(format!(
            "--horizon {}: give seconds in (0, 3600]",
            args.horizon
        )));
    }
    if !(args.capacity.is_finite() && args.capacity > 0.0 && args.capacity <= 10.0) {
        return Err(input(format!(
            "--capacity {}: give persons/(m·s) in (0, 10]",
            args.capacity
        )));
    }
    let venue =
        aman_monitor::venue_file::read_venue(&args.venue).map_err(|e| input(e.to_string()))?;
    let live = read_state(args)?;
    let what_ifs: Vec<WhatIf> = args
        .what_if
        .iter()
        .map(|w| {
            w.parse::<WhatIf>()
                .map_err(|e| input(format!("--what-if {e}")))
        })
        .collect::<Result<_, _>>()?;
    let vn = VenueNetwork::new(&venue, args.capacity).map_err(|e| input(e.to_string()))?;
    let run = |w: &[WhatIf]| {
        forecast(&vn, &venue, &live, w, args.horizon, DT, EVERY).map_err(|e| {
            input(format!(
                "{} with {}: {e}",
                args.venue.display(),
                args.state.display()
            ))
        })
    };
    let base = run(&[])?;
    let alt = if what_ifs.is_empty() {
        None
    } else {
        Some(run(&what_ifs)?)
    };
    let sim = if args.simulate {
        Some(simulation(args, &venue, &live, &what_ifs)?)
    } else {
        None
    };
    if args.json {
        let mut v = json!({
            "venue": venue.id,
            "model": "cell-transmission (Daganzo 1994, 1995) on Weidmann's fundamental diagram",
            "horizon_s": args.horizon,
            "capacity_per_m_s": args.capacity,
            "free_speed_m_s": Weidmann::default().free_speed,
            "unknown": base.unknown,
            "uncertain": base.uncertain.iter().map(uncertain_json).collect::<Vec<_>>(),
            "notes": base.notes,
            "t_s": base.t,
            "forecast": forecast_json(&venue, &base),
        });
        if let Some(a) = &alt {
            v["what_if"] = json!({"changes": args.what_if, "forecast": forecast_json(&venue, a)});
        }
        if let Some((b, a)) = &sim {
            v["simulation"] = sim_json(&venue, b, args);
            if let Some(a) = a {
                v["simulation"]["what_if"] =
                    json!({"changes": args.what_if, "forecast": sim_json(&venue, a, args)});
            }
        }
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(anyhow::Error::from)?
        )?;
        return Ok(());
    }
    outln!(
        "Forecast of {} over {} s from {} (network model, bottleneck capacity {} /(m·s)):",
        venue.id,
        args.horizon,
        args.state.display(),
        args.capacity
    )?;
    print_table(&venue, &base, None)?;
    if let Some(a) = &alt {
        outln!(
            "\nWith {} (difference against doing nothing):",
            args.what_if.join(", ")
        )?;
        print_table(&venue, a, Some(&base))?;
    }
    if let Some((b, a)) = &sim {
        outln!(
            "\nSimulation forecast ({} runs of aman-sim, seeds {}; median and 10th–90th percentile over the runs):",
            b.runs.len(),
            b.runs
                .iter()
                .map(|r| r.seed.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        print_sim_table(&venue, b, None)?;
        if let Some(a) = a {
            outln!(
                "\nSimulated with {} (difference against doing nothing):",
                args.what_if.join(", ")
            )?;
            print_sim_table(&venue, a, Some(b))?;
        }
        for note in &b.notes {
            outln!("note (simulation): {note}")?;
        }
    }
    let queues = alt.as_ref().unwrap_or(&base);
    let waiting: Vec<String> = queues
        .gates
        .iter()
        .filter_map(|g| {
            let w = g.waiting.last().copied().unwrap_or(0.0);
            (w >= 1.0).then(|| format!("{} {:.0}", g.id, w))
        })
        .collect();
    if !waiting.is_empty() {
        outln!(
            "\nPersons waiting outside after {} s: {}",
            args.horizon,
            waiting.join(", ")
        )?;
    }
    for note in &base.notes {
        outln!("note: {note}")?;
    }
    if !base.unknown.is_empty() {
        outln!(
            "\nNot known (taken as 0 or as unmeasured): {}",
            base.unknown.join("; ")
        )?;
    }
    if !base.uncertain.is_empty() {
        outln!("\nUncertain inputs (the band runs each from low to high):")?;
        for u in &base.uncertain {
            outln!("  {}", uncertain_text(u))?;
        }
    }
    Ok(())
}

fn uncertain_json(u: &UncertainInput) -> Value {
    serde_json::to_value(InputReport::from(u)).unwrap_or(Value::Null)
}

fn uncertain_text(u: &UncertainInput) -> String {
    let (what, unit) = match u.kind {
        InputKind::Occupancy => (format!("zone {} occupancy", u.id), "persons"),
        InputKind::Arrivals => (format!("line {} arrivals", u.id), "/s"),
    };
    let why = match u.why {
        Uncertainty::Missing => "not given".to_string(),
        Uncertainty::Stale => format!(
            "stale sensor {} (silent at least {:.0} s)",
            u.sensors.join(", "),
            u.silent_s
        ),
    };
    format!(
        "{what}: {why}; taken as {:.1}, band {:.1}–{:.1} {unit}",
        u.value, u.low, u.high
    )
}

fn read_state(args: &ForecastArgs) -> Result<Live, Failure> {
    let path = &args.state;
    let meta = std::fs::metadata(path)
        .map_err(|e| Failure::Input(anyhow!("--state {}: {e}", path.display())))?;
    if meta.len() > MAX_STATE_BYTES {
        return Err(Failure::Input(anyhow!(
            "--state {}: {} bytes; a state file has at most {MAX_STATE_BYTES}",
            path.display(),
            meta.len()
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Input(anyhow!("--state {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::Input(anyhow!(
            "--state {}: {e}; expected the JSON of GET /api/v1/state \
             or {{\"venue\": \"ID\", \"zones\": [{{\"id\": …, \"occupancy\": …}}], …}}",
            path.display()
        ))
    })
}

fn summaries(venue: &Venue, f: &VenueForecast) -> Vec<ZoneSummary> {
    (0..venue.zones.len())
        .map(|i| f.summary(i, venue.zones[i].walkable_m2))
        .collect()
}

/// The forecast's JSON, in the shape `aman serve`'s API gives it ([`aman_forecast::report`]).
fn forecast_json(venue: &Venue, f: &VenueForecast) -> Value {
    let areas: Vec<f64> = venue.zones.iter().map(|z| z.walkable_m2).collect();
    serde_json::to_value(ForecastReport::new(f, &areas)).unwrap_or(Value::Null)
}

fn secs(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |t| format!("{t:.0} s"))
}

fn delta(a: f64, b: f64, unit: &str, digits: usize) -> String {
    format!("{:+.*}{unit}", digits, a - b)
}

fn print_table(
    venue: &Venue,
    f: &VenueForecast,
    against: Option<&VenueForecast>,
) -> Result<(), Failure> {
    let sums = summaries(venue, f);
    let base = against.map(|b| summaries(venue, b));
    let w = venue
        .zones
        .iter()
        .map(|z| z.id.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let banded = !f.uncertain.is_empty();
    outln!(
        "{:<w$}  {:>10}  {:>10}  {:>9}  {:>10}  {:>8}{}",
        "zone",
        "now",
        "peak",
        "LOS E in",
        "at E or F",
        "clear",
        if banded { "   peak band" } else { "" }
    )?;
    for (i, (z, s)) in f.zones.iter().zip(&sums).enumerate() {
        let now = z.density.first().copied().unwrap_or(0.0);
        let now_los = z.los.first().map_or("-", |l| l.label());
        let peak_los = z.los.iter().max().map_or("-", |l| l.label());
        let e_at = z
            .reached
            .iter()
            .find(|r| r.what == "LOS E")
            .and_then(|r| r.at);
        let mut line = format!(
            "{:<w$}  {:>8.2} {}  {:>8.2} {}  {:>9}  {:>8.0} s  {:>8}",
            z.id,
            now,
            now_los,
            s.peak,
            peak_los,
            secs(e_at),
            s.above[0],
            secs(s.clear)
        );
        if banded {
            let peak = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
            line.push_str(&format!("   {:.2}–{:.2}", peak(&z.low), peak(&z.high)));
        }
        if let Some(b) = base.as_ref().map(|b| b[i]) {
            line.push_str(&format!(
                "   (peak {} /m², at E or F {})",
                delta(s.peak, b.peak, "", 2),
                delta(s.above[0], b.above[0], " s", 0)
            ));
        }
        outln!("{line}")?;
    }
    Ok(())
}

/// The simulation forecast, of doing nothing and with the what-ifs.
type SimPair = (SimForecast, Option<SimForecast>);

fn simulation(
    args: &ForecastArgs,
    venue: &Venue,
    live: &Live,
    what_ifs: &[WhatIf],
) -> Result<SimPair, Failure> {
    let input = |e: String| Failure::Input(anyhow!(e));
    if !(1..=100).contains(&args.seeds) {
        return Err(input(format!("--seeds {}: give 1 to 100 runs", args.seeds)));
    }
    let Some(path) = &venue.forecast_scenario else {
        return Err(input(format!(
            "--simulate: {}",
            SimForecastError::NoScenario(venue.id.clone())
        )));
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        input(format!(
            "--simulate: the venue's forecast_scenario {}: {e}",
            path.display()
        ))
    })?;
    let file = aman_scenario::parse_str(&text, path).map_err(|e| input(e.to_string()))?;
    let opts = SimOptions {
        horizon: args.horizon,
        seeds: (1..=args.seeds).collect(),
        every: SIM_EVERY,
        ..SimOptions::default()
    };
    let run = |w: &[WhatIf]| {
        simulate(venue, &file, path, live, None, w, &opts).map_err(|e| {
            input(format!(
                "--simulate: {} with {}: {e}",
                args.venue.display(),
                args.state.display()
            ))
        })
    };
    let base = run(&[])?;
    let alt = if what_ifs.is_empty() {
        None
    } else {
        Some(run(what_ifs)?)
    };
    Ok((base, alt))
}

/// Every `k`-th sample, for JSON at the network forecast's interval.
fn thin(v: &[f64]) -> Vec<f64> {
    let k = (EVERY / SIM_EVERY).round().max(1.0) as usize;
    v.iter().step_by(k).copied().collect()
}

fn sim_json(venue: &Venue, f: &SimForecast, args: &ForecastArgs) -> Value {
    json!({
        "model": "aman-sim, the venue's forecast_scenario's stages, journeys and model",
        "scenario": venue.forecast_scenario.as_ref().map(|p| p.display().to_string()),
        "seeds": f.runs.iter().map(|r| r.seed).collect::<Vec<_>>(),
        "horizon_s": args.horizon,
        "t_s": thin(&f.t),
        "runs": f.runs.iter().map(|r| json!({
            "seed": r.seed, "placed": r.placed, "arrivals": r.scheduled, "entered": r.entered,
            "left": r.left, "at_end": r.at_end,
        })).collect::<Vec<_>>(),
        "uncertain": f.uncertain.iter().map(uncertain_json).collect::<Vec<_>>(),
        "notes": f.notes,
        "zones": f.zones.iter().map(|z| json!({
            "id": z.id,
            "p10": thin(&z.p10),
            "p50": thin(&z.p50),
            "p90": thin(&z.p90),
            "low": thin(&z.low),
            "high": thin(&z.high),
            "peak_density": z.summary.peak,
            "seconds_at_los_e_or_worse": z.summary.above[0],
            "seconds_at_los_f": z.summary.above[1],
            "clear_s": z.summary.clear,
        })).collect::<Vec<_>>(),
        "lines": f.lines.iter().map(|l| json!({
            "id": l.id, "passed_in": thin(&l.passed_in), "passed_out": thin(&l.passed_out),
        })).collect::<Vec<_>>(),
    })
}

fn print_sim_table(
    venue: &Venue,
    f: &SimForecast,
    against: Option<&SimForecast>,
) -> Result<(), Failure> {
    let w = venue
        .zones
        .iter()
        .map(|z| z.id.len())
        .max()
        .unwrap_or(4)
        .max(4);
    outln!(
        "{:<w$}  {:>10}  {:>10}  {:>11}  {:>10}  {:>8}",
        "zone",
        "now",
        "peak",
        "peak p10–90",
        "at E or F",
        "clear"
    )?;
    for (i, z) in f.zones.iter().enumerate() {
        let s = z.summary;
        let peak = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        let mut line = format!(
            "{:<w$}  {:>8.2} {}  {:>8.2} {}  {:>11}  {:>8.0} s  {:>8}",
            z.id,
            z.p50.first().copied().unwrap_or(0.0),
            z.los.first().map_or("-", |l| l.label()),
            s.peak,
            z.los.iter().max().map_or("-", |l| l.label()),
            format!("{:.2}–{:.2}", peak(&z.low), peak(&z.high)),
            s.above[0],
            secs(s.clear)
        );
        if let Some(b) = against.map(|b| b.zones[i].summary) {
            line.push_str(&format!(
                "   (peak {} /m², at E or F {})",
                delta(s.peak, b.peak, "", 2),
                delta(s.above[0], b.above[0], " s", 0)
            ));
        }
        outln!("{line}")?;
    }
    Ok(())
}
