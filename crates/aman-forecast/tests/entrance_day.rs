//! Accuracy of both forecasts over a venue day: `scenarios/event-entrance-day` (the south
//! street of the SiB2023 entrance site at the evening's end: 9 persons/s come down the street
//! for 10 minutes to two 1.8 m gates at its end; gate `south-b` is shut at 240 s and a queue
//! builds in front of `south-a`) is simulated and taken as the truth. A monitor of the venue
//! `tests/entrance-day.toml` is fed what its sensors would have reported — the counters of the
//! four lines and the occupancy of the two zones every 10 s, **no tracks** — and at several
//! moments `t₀` both forecasts run from its state, 5 and 10 minutes ahead. From `t₀ = 240 s`
//! on, the live input says that `gate-b` is closed (the operators know they shut it); before,
//! nobody can know it will be.
//!
//! For each zone and moment: the density at `t₀ + 5 min` and `t₀ + 10 min` against the true
//! one (persons in the zone / its walkable area), and the time at which the zone first reaches
//! Fruin walkway level E (more than 1.08 persons/m²) against the true time, both counted from
//! `t₀` ("never" when not within the 10 minutes).
//!
//! **Measured** (`cargo test --release -p aman-forecast --test entrance_day -- --nocapture`
//! prints the table; docs/forecast.md "A venue day"): see the asserts at the end of each test,
//! which pin the errors with a margin, so that a change that makes a forecast worse fails.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aman_analysis::los::FruinLevel;
use aman_forecast::Live;
use aman_forecast::sim::{SimOptions, simulate};
use aman_forecast::venue::{BOTTLENECK_CAPACITY, VenueNetwork, forecast};
use aman_inject::{FeedOptions, FeedRun};
use aman_monitor::reading::{Direction, Value};
use aman_monitor::venue::Feed;
use aman_monitor::{Logged, Monitor, Reading, Timestamp, Venue, parse_venue};

/// Seconds between two reports of the sensors.
const PERIOD: usize = 10;
/// When gate `south-b` is shut in the scenario, s.
const SHUT_AT: f64 = 240.0;
/// The two horizons, s.
const HORIZONS: [f64; 2] = [300.0, 600.0];
/// 2026-06-21T20:00:00Z, µs: the scenario's time 0.
const T0_UTC: i64 = 1_782_072_000_000_000;

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn venue() -> Venue {
    let dir = tests_dir();
    let text =
        std::fs::read_to_string(dir.join("entrance-day.toml")).unwrap_or_else(|e| panic!("{e}"));
    parse_venue(&text, &dir, "entrance-day.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// The day, simulated once for all the tests of this file.
fn truth(venue: &Venue) -> &'static Truth {
    static TRUTH: OnceLock<Truth> = OnceLock::new();
    TRUTH.get_or_init(|| {
        let t = Truth::simulate(venue);
        let (a, _) = venue.line("gate-a").unwrap_or_else(|| panic!("no gate-a"));
        let (b, _) = venue.line("gate-b").unwrap_or_else(|| panic!("no gate-b"));
        let (e, _) = venue
            .line("south-entry")
            .unwrap_or_else(|| panic!("no south-entry"));
        let flow = |l: usize, from: usize, to: usize| {
            (t.passed[to][l] - t.passed[from][l]) as f64 / (to - from) as f64
        };
        println!(
            "the day: {} s; entering {:.2} /s over 0-600 s; gates a + b {:.2} /s over 120-240 s, \
             gate a alone {:.2} /s over 300-600 s",
            t.occupancy.len() - 1,
            flow(e, 0, 600),
            flow(a, 120, 240) + flow(b, 120, 240),
            flow(a, 300, 600),
        );
        t
    })
}

fn scenario_path(venue: &Venue) -> PathBuf {
    let path = venue.forecast_scenario.clone();
    path.unwrap_or_else(|| panic!("the test venue names no forecast_scenario"))
}

/// The simulated day seen through the venue, second by second from 0.
struct Truth {
    /// Persons in each zone at each second (`occupancy[t][zone]`).
    occupancy: Vec<Vec<u64>>,
    /// Persons who crossed each line "in" since 0, at each second (`passed[t][line]`).
    passed: Vec<Vec<u64>>,
}

impl Truth {
    /// Runs the scenario to its end, seen through the venue's sensors every second
    /// (`aman_inject`'s crowd feed: a counter per line, an occupancy per zone).
    fn simulate(venue: &Venue) -> Truth {
        let path = scenario_path(venue);
        let sc = aman_scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
        // A line at a gate counts the persons who left by the exit stage of the same name
        // ("gate-a" ↔ "south-a"): its line is drawn 0.4 m inside the door, and a person may be
        // taken out by the exit before crossing it; the other lines count crossings.
        let exit_of: Vec<Option<u32>> = venue
            .lines
            .iter()
            .map(|l| {
                l.id.strip_prefix("gate-").map(|g| {
                    let name = format!("south-{g}");
                    let stage = sc.simulation.stages().iter().position(|s| s.name == name);
                    stage.unwrap_or_else(|| panic!("no stage {name}")) as u32
                })
            })
            .collect();
        let dt = sc.simulation.config().dt;
        let options = FeedOptions {
            base: Timestamp(T0_UTC),
            period_s: 1.0,
            end_s: None,
        };
        let mut run = FeedRun::new(sc, venue, &options).unwrap_or_else(|e| panic!("{e}"));
        let mut truth = Truth {
            occupancy: Vec::new(),
            passed: Vec::new(),
        };
        while let Some(sample) = run.next() {
            let sim = run.simulation();
            if sim.iteration() != (sample.t / dt).round() as u64 {
                break; // the day ended before this second
            }
            let mut occupancy = vec![0; venue.zones.len()];
            let mut passed = vec![0; venue.lines.len()];
            for r in &sample.readings {
                let feed = venue
                    .sensor(&r.sensor)
                    .and_then(|(_, s)| s.channel(&r.channel))
                    .map(|c| &c.feed);
                match (feed, &r.value) {
                    (Some(Feed::Zone { zone }), Value::Occupancy { count }) => {
                        occupancy[*zone] = *count;
                    }
                    (Some(Feed::Line { line, .. }), Value::Counter { total, .. }) => {
                        passed[*line] = match exit_of[*line] {
                            Some(s) => sim.exits().iter().filter(|x| x.stage.0 == s).count() as u64,
                            None => *total,
                        };
                    }
                    other => panic!("reading {r:?} of {other:?}"),
                }
            }
            truth.occupancy.push(occupancy);
            truth.passed.push(passed);
            if sim.is_finished() {
                break;
            }
        }
        let sim = run.simulation();
        assert!(
            sim.is_finished(),
            "the day did not end: {} inside",
            sim.agents().id.len()
        );
        truth
    }

    fn density(&self, venue: &Venue, zone: usize, t: f64) -> f64 {
        let t = (t.round() as usize).min(self.occupancy.len() - 1);
        self.occupancy[t][zone] as f64 / venue.zones[zone].walkable_m2
    }

    /// Seconds from `t0` until zone `zone` first reaches walkway level E, within `horizon`.
    fn los_e_after(&self, venue: &Venue, zone: usize, t0: f64, horizon: f64) -> Option<f64> {
        let table = venue.zones[zone].los;
        (t0.round() as usize..=(t0 + horizon).round() as usize)
            .find(|&t| table.level(self.density(venue, zone, t as f64)) >= FruinLevel::E)
            .map(|t| t as f64 - t0)
    }

    /// The monitor fed with every report of the sensors up to `t0` (inclusive), every
    /// [`PERIOD`] seconds: counters as cumulative totals (ONVIF), zones as occupancies (Axis).
    fn monitor_at(&self, venue: &Venue, t0: f64) -> Monitor {
        let mut m = Monitor::new(venue.clone(), Timestamp(T0_UTC));
        let mut seq = 0;
        for t in (0..=t0.round() as usize).step_by(PERIOD) {
            let time = Timestamp(T0_UTC + t as i64 * 1_000_000);
            let mut readings = Vec::new();
            for s in &venue.sensors {
                for c in &s.channels {
                    let value = if let Some((line, _)) = venue.line(&c.name) {
                        Value::Counter {
                            direction: Some(Direction::In),
                            total: self.passed[t][line],
                        }
                    } else {
                        let (zone, _) = venue
                            .zone(&c.name)
                            .unwrap_or_else(|| panic!("channel {} is of no line or zone", c.name));
                        Value::Occupancy {
                            count: self.occupancy[t][zone],
                        }
                    };
                    readings.push(Reading {
                        sensor: s.id.clone(),
                        channel: c.name.clone(),
                        time,
                        value,
                    });
                }
            }
            for reading in readings {
                seq += 1;
                m.apply(&Logged {
                    seq,
                    received: time,
                    reading,
                })
                .unwrap_or_else(|e| panic!("t = {t} s: {e}"));
            }
            m.flush();
        }
        m
    }

    /// The live input at `t0`, as `aman serve` would give it.
    fn live_at(&self, venue: &Venue, t0: f64) -> Live {
        let mut live = Live::from_state(&self.monitor_at(venue, t0).state());
        if t0 >= SHUT_AT {
            live.closed.push("gate-b".into());
        }
        live
    }
}

/// One forecast against the truth: per zone, (true, forecast) density at each horizon and
/// (true, forecast) seconds to LOS E.
#[derive(Debug)]
struct Row {
    t0: f64,
    zone: String,
    density: [(f64, f64); 2],
    los_e: (Option<f64>, Option<f64>),
}

fn show(what: &str, rows: &[Row]) {
    let when = |x: Option<f64>| x.map_or("never".to_owned(), |s| format!("{s:.0} s"));
    println!(
        "{what}: t0, zone, density at +5 min, at +10 min (true → forecast), LOS E (true → forecast)"
    );
    for r in rows {
        println!(
            "  {:>4} s  {:<13} {:.2} → {:.2} /m²   {:.2} → {:.2} /m²   {} → {}",
            r.t0,
            r.zone,
            r.density[0].0,
            r.density[0].1,
            r.density[1].0,
            r.density[1].1,
            when(r.los_e.0),
            when(r.los_e.1),
        );
    }
}

/// The forecast's density at `t` s ahead (linear between samples).
fn at(t: &[f64], y: &[f64], x: f64) -> f64 {
    let k = t.partition_point(|s| *s < x);
    if k == 0 {
        return y[0];
    }
    if k >= t.len() {
        return y[t.len() - 1];
    }
    let f = (x - t[k - 1]) / (t[k] - t[k - 1]);
    y[k - 1] + f * (y[k] - y[k - 1])
}

fn first_e(venue: &Venue, zone: usize, t: &[f64], y: &[f64]) -> Option<f64> {
    let table = venue.zones[zone].los;
    t.iter()
        .zip(y)
        .find(|(_, d)| table.level(**d) >= FruinLevel::E)
        .map(|(t, _)| *t)
}

/// Holds each row's errors to what was measured with a margin: `bounds[k]` is, for row `k`,
/// the measured absolute error of the density at +5 and +10 min (persons/m²) and of the time
/// to LOS E (s, `None` when neither the truth nor the forecast reaches E within 10 min, which
/// must stay so). Margins: 0.15 /m² and 20 s.
fn hold(what: &str, rows: &[Row], bounds: &[(f64, f64, Option<f64>)]) {
    assert_eq!(rows.len(), bounds.len(), "{what}: rows");
    for (r, b) in rows.iter().zip(bounds) {
        let e5 = (r.density[0].1 - r.density[0].0).abs();
        let e10 = (r.density[1].1 - r.density[1].0).abs();
        assert!(
            e5 <= b.0 + 0.15 && e10 <= b.1 + 0.15,
            "{what}, t0 = {} s, {}: density errors {e5:.2}, {e10:.2} /m² against {:.2}, {:.2} measured",
            r.t0,
            r.zone,
            b.0,
            b.1
        );
        match (r.los_e, b.2) {
            ((None, None), None) => {}
            ((Some(t), Some(f)), Some(e)) => assert!(
                (f - t).abs() <= e + 20.0,
                "{what}, t0 = {} s, {}: LOS E at {f} s, truly at {t} s (measured error {e} s)",
                r.t0,
                r.zone
            ),
            (got, _) => panic!(
                "{what}, t0 = {} s, {}: LOS E (true, forecast) {got:?}, measured {:?}",
                r.t0, r.zone, b.2
            ),
        }
    }
}

#[test]
fn network_forecast_of_a_venue_day_against_the_simulated_truth() {
    let venue = venue();
    let truth = truth(&venue);
    let vn = VenueNetwork::new(&venue, BOTTLENECK_CAPACITY).unwrap_or_else(|e| panic!("{e}"));
    let mut rows = Vec::new();
    for t0 in [120.0, 240.0, 360.0, 480.0] {
        let live = truth.live_at(&venue, t0);
        let f = forecast(&vn, &venue, &live, &[], HORIZONS[1], 1.0, 5.0)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(f.uncertain.is_empty(), "{:?}", f.uncertain);
        for (z, zone) in venue.zones.iter().enumerate() {
            let zf = &f.zones[z];
            rows.push(Row {
                t0,
                zone: zone.id.clone(),
                density: HORIZONS
                    .map(|h| (truth.density(&venue, z, t0 + h), at(&f.t, &zf.density, h))),
                los_e: (
                    truth.los_e_after(&venue, z, t0, HORIZONS[1]),
                    first_e(&venue, z, &f.t, &zf.density),
                ),
            });
        }
    }
    show("network forecast", &rows);
    // Measured (t0 120, 240, 360, 480 s; street, end): the network overstates the queue at
    // the street end, from three causes (docs/forecast.md, "A venue day").
    hold(
        "network forecast",
        &rows,
        &[
            (0.17, 0.03, None),
            (1.24, 1.15, Some(226.0)),
            (0.17, 0.35, None),
            (2.73, 3.30, Some(141.0)),
            (0.01, 0.52, None),
            (2.67, 4.71, Some(41.0)),
            (0.14, 0.44, None),
            (2.56, 5.07, Some(0.0)),
        ],
    );
}

#[test]
fn simulation_forecast_of_a_venue_day_against_the_simulated_truth() {
    let venue = venue();
    let truth = truth(&venue);
    let path = scenario_path(&venue);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let file = aman_scenario::parse_str(&text, &path).unwrap_or_else(|e| panic!("{e}"));
    let opts = SimOptions {
        horizon: HORIZONS[1],
        seeds: vec![1, 2, 3],
        every: 5.0,
        ..SimOptions::default()
    };
    let mut rows = Vec::new();
    for t0 in [240.0, 360.0] {
        let live = truth.live_at(&venue, t0);
        let f = simulate(&venue, &file, &path, &live, None, &[], &opts)
            .unwrap_or_else(|e| panic!("{e}"));
        println!("t0 = {t0} s: {:?}; notes {:?}", f.runs, f.notes);
        for (z, zone) in venue.zones.iter().enumerate() {
            let zf = &f.zones[z];
            rows.push(Row {
                t0,
                zone: zone.id.clone(),
                density: HORIZONS.map(|h| (truth.density(&venue, z, t0 + h), at(&f.t, &zf.p50, h))),
                los_e: (
                    truth.los_e_after(&venue, z, t0, HORIZONS[1]),
                    first_e(&venue, z, &f.t, &zf.p50),
                ),
            });
        }
    }
    show("simulation forecast (median of 3 seeds)", &rows);
    // Measured (t0 240, 360 s; street, end): within a quarter of a person per m² and a few
    // seconds of LOS E at +5 min; at +10 min it overstates what the arrivals, held at their
    // last rate, no longer bring (they stop at 600 s).
    hold(
        "simulation forecast",
        &rows,
        &[
            (0.01, 0.25, None),
            (0.24, 0.96, Some(1.0)),
            (0.08, 0.30, None),
            (0.07, 3.46, Some(6.0)),
        ],
    );
}
