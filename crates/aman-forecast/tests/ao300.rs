//! Accuracy of the network forecast against what really happened: the HERMES wide-bottleneck
//! experiment 2009_AO_300 (348 persons through a 3.00 m bottleneck, 16 fps; Liao et al.,
//! Transportation Research Procedia 2, 2014; data and PedPy figures in
//! `../shared/data/hermes2009-AO300-wide-bottleneck/SOURCE.md`).
//!
//! The venue is `tests/ao300.toml`: the zone in front of the bottleneck, the bottleneck and
//! the room behind it as one zone, the line at the bottleneck's entrance between them, and
//! three entry lines where the waiting crowd walks into the camera field. At a start `t₀`
//! (s after the first frame) the live input is what a monitor of this venue would have said:
//! each zone's occupancy at that frame (classic density × area, aman-analysis) and each
//! entry line's inflow over the venue's window of 10 s before it (first crossings inward,
//! aman-analysis's counting rule). The forecast runs 20 s ahead with the default bottleneck
//! capacity (2.0 persons/(m·s), from the validation set, not from this run) and is compared
//! over `[t₀, t₀ + 20 s]` with
//! (a) the flow through the bottleneck: inward first crossings of the bottleneck line / 20 s;
//! (b) the mean density of the front zone: persons strictly inside / its area, averaged over
//!     the frames (PedPy's classic density).
//!
//! **Measured** (t₀ = 20 s, the case; 10 s and 30 s so it is not one instant):
//!
//! | t₀ | flow measured → forecast | density measured → forecast | same, arrivals as they came |
//! |---|---|---|---|
//! | 10 s | 7.30 → 6.00 /s (−17.8 %) | 3.72 → 3.79 /m² (+1.6 %) | 3.69 (−1.0 %) |
//! | 20 s | 7.05 → 6.00 /s (−14.9 %) | 2.69 → 3.54 /m² (+31.7 %) | 2.77 (+2.9 %) |
//! | 30 s | 5.75 → 6.00 /s (+4.3 %) | 1.34 → 1.85 /m² (+38.2 %) | 1.39 (+3.9 %) |
//!
//! **The aim (within 15 %) is met for the flow at t₀ = 20 s (just) and 30 s, missed at 10 s,
//! and missed for the density from 20 s on**, for two reasons this test shows apart:
//! - the flow: the run passed 2.35–2.43 persons/(m·s) from 10 to 40 s (2.22 on average over
//!   the whole run), the highest specific flow of the wide bottlenecks known to aman; the
//!   forecast's capacity is the validation set's mean, 2.0 (1.79–2.22 over Kretz 2006,
//!   Seyfried 2009, Liddle 2011). Fitting it to this run would make the test say nothing.
//! - the density: the forecast holds the inflow of the last window constant, but the crowd
//!   outside ran out (at t₀ = 20 s, 5.1 /s came in over the 10 s before, 1.8 /s over the 20 s
//!   after). Given the arrivals as they really came (the last column, a diagnosis, not a
//!   forecast), the network model is within 4 % at every start: the model of the zone and
//!   the bottleneck holds; what misses is knowing the arrivals ahead.
//!
//! The simulation forecast from the same input, with the persons at their tracked positions
//! at t₀ (`simulation_forecast_of_the_ao300_bottleneck_against_the_recorded_run`, 5 seeds,
//! medians; docs/forecast.md §6):
//!
//! | t₀ | flow measured → simulated | density measured → simulated |
//! |---|---|---|
//! | 10 s | 7.30 → 7.75 /s (+6.2 %) | 3.72 → 3.45 /m² (−7.3 %) |
//! | 20 s | 7.05 → 7.85 /s (+11.3 %) | 2.69 → 2.42 /m² (−9.9 %) |
//! | 30 s | 5.75 → 7.35 /s (+27.8 %) | 1.34 → 1.28 /m² (−3.9 %) |
//!
//! The asserts pin these figures with a margin, so a change of the model that makes them
//! worse fails, and one that makes them better must update them here and in
//! docs/forecast.md ("Measured accuracy"). Run with
//! `cargo test --release -p aman-forecast --test ao300 -- --nocapture` to print the table.

use std::path::{Path, PathBuf};

use aman_analysis::TrajectoryIndex;
use aman_analysis::classic::classic_density;
use aman_analysis::crossing::{CrossingDirection, LineCount, count_crossings};
use aman_forecast::venue::{BOTTLENECK_CAPACITY, VenueForecast, VenueNetwork, forecast};
use aman_forecast::{Live, live::LiveLine, live::LiveZone};
use aman_geometry::MeasurementLine;
use aman_monitor::{Venue, parse_venue};
use aman_trajectory::{TrajectoryData, read_txt};

/// The forecast horizon and the comparison span, s.
const HORIZON: f64 = 20.0;

fn data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/hermes2009-AO300-wide-bottleneck");
    assert!(
        dir.is_dir(),
        "test data folder {} is missing: this test reads the shared real-data folder \
         ../shared/data next to the repository (see DESIGN.md, \"Real data\")",
        dir.display()
    );
    dir
}

fn venue() -> Venue {
    parse_venue(include_str!("ao300.toml"), Path::new("."), "ao300.toml")
        .unwrap_or_else(|e| panic!("{e}"))
}

fn trajectory() -> TrajectoryData {
    read_txt(&data_dir().join("traj_AO_300.txt"), None, None)
        .unwrap_or_else(|e| panic!("{e}"))
        .data
}

/// The recorded run seen through the venue: per-frame density of each zone, and the persons
/// counted at each line with the direction that is "in".
struct Recorded {
    fps: f64,
    /// Classic density of each zone at every frame from 0, persons/m².
    density: Vec<Vec<f64>>,
    /// Each line's count and whether [`CrossingDirection::Forward`] is its "in".
    counts: Vec<(LineCount, bool)>,
}

impl Recorded {
    fn new(venue: &Venue, data: &TrajectoryData) -> Recorded {
        let ix = TrajectoryIndex::new(data).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ix.frames()[0], 0);
        let density = venue
            .zones
            .iter()
            .map(|z| {
                // The zones lie inside the walkable area: the polygon's area is the zone's.
                assert!((z.area.area() - z.walkable_m2).abs() < 1e-9);
                classic_density(&ix, &z.area)
                    .unwrap_or_else(|e| panic!("{e}"))
                    .values
            })
            .collect();
        let counts = venue
            .lines
            .iter()
            .map(|l| {
                let line = MeasurementLine {
                    name: l.id.clone(),
                    segment: l.segment,
                };
                let count = count_crossings(&ix, &line).unwrap_or_else(|e| panic!("{e}"));
                // Forward moves to the side where `Segment::side` grows.
                let probe = l.segment.a + l.in_normal;
                let forward_is_in = l.segment.side(probe) > 0.0;
                (count, forward_is_in)
            })
            .collect();
        Recorded {
            fps: data.frame_rate,
            density,
            counts,
        }
    }

    /// Persons crossing line `line` inward in frames `(from, to]`.
    fn inward(&self, line: usize, from: u64, to: u64) -> usize {
        let (count, forward_is_in) = &self.counts[line];
        count
            .counted
            .iter()
            .filter(|c| c.frame > from && c.frame <= to)
            .filter(|c| (c.direction == CrossingDirection::Forward) == *forward_is_in)
            .count()
    }

    fn frame(&self, t: f64) -> u64 {
        (t * self.fps).round() as u64
    }

    /// The live input at `t0`: occupancies at that frame, entry inflows over the `window`
    /// before it (persons/s).
    fn live_at(&self, venue: &Venue, t0: f64, window: f64) -> Live {
        let f0 = self.frame(t0);
        let from = f0.saturating_sub(self.frame(window));
        let span = (f0 - from) as f64 / self.fps;
        Live {
            venue: venue.id.clone(),
            zones: venue
                .zones
                .iter()
                .enumerate()
                .map(|(i, z)| LiveZone {
                    id: z.id.clone(),
                    occupancy: Some((self.density[i][f0 as usize] * z.walkable_m2).round()),
                })
                .collect(),
            lines: venue
                .lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.from.is_none())
                .map(|(i, l)| LiveLine {
                    id: l.id.clone(),
                    flow_in: Some(self.inward(i, from, f0) as f64 / span),
                    flow_out: Some(0.0),
                })
                .collect(),
            sensors: Vec::new(),
            closed: Vec::new(),
        }
    }

    /// Mean density of zone `zone` over the frames of `[t0, t0 + HORIZON]`.
    fn mean_density(&self, zone: usize, t0: f64) -> f64 {
        let (a, b) = (self.frame(t0) as usize, self.frame(t0 + HORIZON) as usize);
        let d = &self.density[zone][a..=b];
        d.iter().sum::<f64>() / d.len() as f64
    }
}

/// Time average of a sampled series (trapezoids).
fn time_mean(t: &[f64], y: &[f64]) -> f64 {
    let area: f64 = t
        .windows(2)
        .zip(y.windows(2))
        .map(|(t, y)| (t[1] - t[0]) * (y[0] + y[1]) / 2.0)
        .sum();
    area / (t[t.len() - 1] - t[0])
}

/// One start: (measured flow, forecast flow, measured density, forecast density, forecast
/// density with the arrivals as they came).
struct Compared {
    t0: f64,
    flow: (f64, f64),
    density: (f64, f64),
    density_known_arrivals: f64,
    /// Inflow through the entry lines, persons/s: over the window before t₀ (the forecast's
    /// input) and over the horizon (what came).
    arrivals: (f64, f64),
}

fn compare(venue: &Venue, rec: &Recorded, t0: f64) -> Compared {
    let vn = VenueNetwork::new(venue, BOTTLENECK_CAPACITY).unwrap_or_else(|e| panic!("{e}"));
    let (front, _) = venue.zone("front").unwrap_or_else(|| panic!("no front"));
    let (bottleneck, _) = venue
        .line("bottleneck")
        .unwrap_or_else(|| panic!("no bottleneck line"));
    let run = |live: &Live| -> VenueForecast {
        forecast(&vn, venue, live, &[], HORIZON, 0.25, 0.25).unwrap_or_else(|e| panic!("{e}"))
    };
    let live = rec.live_at(venue, t0, venue.window);
    let f = run(&live);
    let line = f
        .lines
        .iter()
        .find(|l| l.id == "bottleneck")
        .unwrap_or_else(|| panic!("no bottleneck forecast"));
    let forecast_flow = line.passed_in.last().copied().unwrap_or(f64::NAN) / HORIZON;
    let measured_flow =
        rec.inward(bottleneck, rec.frame(t0), rec.frame(t0 + HORIZON)) as f64 / HORIZON;
    let forecast_density = time_mean(&f.t, &f.zones[front].density);
    let measured_density = rec.mean_density(front, t0);
    // Diagnosis: the same start with the arrivals that really came over the horizon.
    let mut known = live.clone();
    for l in &mut known.lines {
        let (i, _) = venue.line(&l.id).unwrap_or_else(|| panic!("{}", l.id));
        l.flow_in = Some(rec.inward(i, rec.frame(t0), rec.frame(t0 + HORIZON)) as f64 / HORIZON);
    }
    let k = run(&known);
    let total = |l: &Live| l.lines.iter().filter_map(|l| l.flow_in).sum::<f64>();
    Compared {
        t0,
        flow: (measured_flow, forecast_flow),
        density: (measured_density, forecast_density),
        density_known_arrivals: time_mean(&k.t, &k.zones[front].density),
        arrivals: (total(&live), total(&known)),
    }
}

fn rel(measured: f64, forecast: f64) -> f64 {
    (forecast - measured) / measured
}

#[test]
fn forecast_of_the_ao300_bottleneck_against_the_recorded_run() {
    let venue = venue();
    let rec = Recorded::new(&venue, &trajectory());
    // The counting agrees with PedPy's figures of the run (SOURCE.md): 348 persons pass.
    let (bottleneck, _) = venue
        .line("bottleneck")
        .unwrap_or_else(|| panic!("no bottleneck line"));
    assert_eq!(rec.inward(bottleneck, 0, u64::MAX), 348);

    println!(
        "t0    flow meas → fc (err)      density meas → fc (err)   known arrivals (err)   arrivals before / after"
    );
    let mut rows = Vec::new();
    for t0 in [10.0, 20.0, 30.0] {
        let c = compare(&venue, &rec, t0);
        println!(
            "{:>3} s  {:.2} → {:.2} /s ({:+.1} %)   {:.2} → {:.2} /m² ({:+.1} %)   {:.2} ({:+.1} %)   {:.2} / {:.2} /s",
            c.t0,
            c.flow.0,
            c.flow.1,
            100.0 * rel(c.flow.0, c.flow.1),
            c.density.0,
            c.density.1,
            100.0 * rel(c.density.0, c.density.1),
            c.density_known_arrivals,
            100.0 * rel(c.density.0, c.density_known_arrivals),
            c.arrivals.0,
            c.arrivals.1,
        );
        rows.push(c);
    }
    // Measured (see the module doc), each with a margin of a few points.
    // (t0, flow error, density error, density error with the arrivals known): bounds on |err|.
    let bounds = [
        (10.0, 0.21, 0.05, 0.04),
        (20.0, 0.18, 0.35, 0.05),
        (30.0, 0.07, 0.42, 0.06),
    ];
    for (c, (t0, flow, density, known)) in rows.iter().zip(bounds) {
        assert_eq!(c.t0, t0);
        let e = (
            rel(c.flow.0, c.flow.1).abs(),
            rel(c.density.0, c.density.1).abs(),
            rel(c.density.0, c.density_known_arrivals).abs(),
        );
        assert!(
            e.0 < flow && e.1 < density && e.2 < known,
            "t0 = {t0} s: errors {e:?}"
        );
    }
}

/// The simulation forecast from the same live input, with the persons placed at their
/// tracked positions at t₀ and the stages, journey and model of `scenarios/hermes-ao300`
/// (everyone through the bottleneck to the door at the top, the collision-free speed model
/// as aman verifies it against this run), 5 seeds: (measured flow, median forecast flow,
/// measured density, forecast density: time mean of the median).
fn compare_simulation(
    venue: &Venue,
    rec: &Recorded,
    data: &TrajectoryData,
    t0: f64,
) -> ((f64, f64), (f64, f64)) {
    use aman_forecast::sim::{SimOptions, simulate};
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/hermes-ao300/scenario.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let file = aman_scenario::parse_str(&text, &path).unwrap_or_else(|e| panic!("{e}"));
    let f0 = rec.frame(t0);
    let tracks: Vec<aman_geometry::Vec2> = (0..data.frame.len())
        .filter(|&r| data.frame[r] == f0)
        .map(|r| aman_geometry::Vec2::new(data.x[r], data.y[r]))
        .collect();
    let live = rec.live_at(venue, t0, venue.window);
    let opts = SimOptions {
        horizon: HORIZON,
        seeds: (1..=5).collect(),
        every: 0.25,
        ..SimOptions::default()
    };
    let f = simulate(venue, &file, &path, &live, Some(&tracks), &[], &opts)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(f.notes.is_empty(), "{:?}", f.notes);
    let (front, _) = venue.zone("front").unwrap_or_else(|| panic!("no front"));
    let (bottleneck, _) = venue
        .line("bottleneck")
        .unwrap_or_else(|| panic!("no bottleneck line"));
    let passed = f.lines[bottleneck]
        .passed_in
        .last()
        .copied()
        .unwrap_or(f64::NAN);
    let measured_flow =
        rec.inward(bottleneck, rec.frame(t0), rec.frame(t0 + HORIZON)) as f64 / HORIZON;
    (
        (measured_flow, passed / HORIZON),
        (
            rec.mean_density(front, t0),
            time_mean(&f.t, &f.zones[front].p50),
        ),
    )
}

#[test]
fn simulation_forecast_of_the_ao300_bottleneck_against_the_recorded_run() {
    let venue = venue();
    let data = trajectory();
    let rec = Recorded::new(&venue, &data);
    println!("t0    flow meas → network / simulation        density meas → network / simulation");
    let mut rows = Vec::new();
    for t0 in [10.0, 20.0, 30.0] {
        let c = compare(&venue, &rec, t0);
        let (flow, density) = compare_simulation(&venue, &rec, &data, t0);
        println!(
            "{:>3} s  {:.2} → {:.2} ({:+.1} %) / {:.2} ({:+.1} %) /s   {:.2} → {:.2} ({:+.1} %) / {:.2} ({:+.1} %) /m²",
            t0,
            flow.0,
            c.flow.1,
            100.0 * rel(c.flow.0, c.flow.1),
            flow.1,
            100.0 * rel(flow.0, flow.1),
            density.0,
            c.density.1,
            100.0 * rel(c.density.0, c.density.1),
            density.1,
            100.0 * rel(density.0, density.1),
        );
        rows.push((t0, rel(flow.0, flow.1), rel(density.0, density.1)));
    }
    // Measured (docs/forecast.md §6), each with a margin of a few points: (t0, bound on the
    // flow error, bound on the density error).
    let bounds = [(10.0, 0.10, 0.11), (20.0, 0.15, 0.13), (30.0, 0.31, 0.07)];
    for ((t0, flow, density), (b0, fb, db)) in rows.into_iter().zip(bounds) {
        assert_eq!(t0, b0);
        assert!(
            flow.abs() < fb && density.abs() < db,
            "t0 = {t0} s: errors {flow} {density}"
        );
    }
}
