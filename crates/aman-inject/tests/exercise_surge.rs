//! The shipped exercise `scenarios/exercise-entrance-surge/msel.toml` on the shipped venue
//! `venues/sib2023-entrance`: its crowd inject's feed, replayed into a monitor of the venue as
//! the server would (every reading logged, then applied), takes the zone `south-end` to Fruin
//! walkway level E, and a level-of-service rule on it raises its alert; the counters only rise,
//! and the persons counted out at the south gate, net, are those who left by it and those
//! between its line and the doors.
//!
//! Measured (`cargo test --release -p aman-inject --test exercise_surge -- --nocapture`
//! prints it): see the constants below.

use std::path::{Path, PathBuf};
use std::time::Instant;

use aman_analysis::los::FruinLevel;
use aman_inject::{FeedOptions, crowd_feed_file};
use aman_monitor::{DecisionKind, Logged, Monitor, Timestamp, Value, read_venue};
use aman_ops::exercise::{InjectKind, Msel};

/// 2026-06-21T20:00:30Z, µs: when the crowd inject fires (30 s into the exercise).
const BASE: i64 = 1_782_072_030_000_000;
/// Seconds between two reports of the replayed sensors.
const PERIOD: f64 = 5.0;
/// Measured: the first report (every 5 s) at which the monitor's `south-end` zone is at
/// level E, seconds of the crowd scenario (1.12 /m², 934 persons; it stays at E, 1.17 to
/// 1.23 /m², to the end at 180 s).
const LOS_E_AT: f64 = 95.0;
/// Margin on it, s.
const MARGIN: f64 = 15.0;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_shipped_surge_reaches_los_e_in_the_monitor() {
    let msel_path = repo().join("scenarios/exercise-entrance-surge/msel.toml");
    let msel = Msel::load(&msel_path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(msel.venue.as_deref(), Some("sib2023-entrance"));
    let crowd = msel
        .injects
        .iter()
        .find(|i| matches!(i.kind, InjectKind::Crowd { .. }))
        .unwrap_or_else(|| panic!("no crowd inject"));
    assert_eq!(crowd.at, 30.0);
    let InjectKind::Crowd { scenario, speed } = &crowd.kind else {
        unreachable!()
    };
    assert_eq!(*speed, 1.0);
    let venue_path = repo().join("venues/sib2023-entrance/venue.toml");
    // The shipped venue, whose rule `south-end-los` raises at walkway level E held 10 s
    // (its density and occupancy rules on the zone, 2 /m² and 90 %, are not reached).
    let venue = read_venue(&venue_path).unwrap_or_else(|e| panic!("{e}"));
    assert!(venue.rules.iter().any(|r| r.id == "south-end-los"));
    assert_eq!(msel.venue.as_deref(), Some(venue.id.as_str()));

    let cpu = Instant::now();
    let feed = crowd_feed_file(
        scenario,
        &venue,
        &FeedOptions {
            base: Timestamp(BASE),
            period_s: PERIOD,
            end_s: None,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let took = cpu.elapsed().as_secs_f64();
    println!(
        "feed: {} samples, {} persons, {} left, in {took:.1} s",
        feed.samples.len(),
        feed.persons,
        feed.exited
    );
    assert_eq!(feed.samples.len(), 37); // 0, 5, …, 180 s
    assert_eq!(feed.persons, 2947);

    let (zone, _) = venue.zone("south-end").unwrap_or_else(|| panic!("no zone"));
    let mut monitor = Monitor::new(venue.clone(), Timestamp(BASE));
    let mut seq = 0;
    let mut first_e = None;
    let mut peak: f64 = 0.0;
    let mut last: Vec<u64> = Vec::new();
    let mut decisions = Vec::new();
    for s in &feed.samples {
        assert_eq!(s.readings.len(), 17); // 5 gates × in/out, 7 zones
        let totals: Vec<u64> = s
            .readings
            .iter()
            .filter_map(|r| match r.value {
                Value::Counter { total, .. } => Some(total),
                _ => None,
            })
            .collect();
        if !last.is_empty() {
            for (k, (a, b)) in last.iter().zip(&totals).enumerate() {
                assert!(b >= a, "t = {} s: counter {k} fell from {a} to {b}", s.t);
            }
        }
        last = totals;
        for r in &s.readings {
            assert_eq!(r.time, Timestamp(BASE).add_secs(s.t));
            seq += 1;
            monitor
                .apply(&Logged {
                    seq,
                    received: r.time,
                    reading: r.clone(),
                })
                .unwrap_or_else(|e| panic!("t = {} s: {e}", s.t));
        }
        monitor.flush();
        decisions.extend(monitor.take_decisions());
        let z = monitor.zone(zone);
        let d = z.density.unwrap_or(0.0);
        peak = peak.max(d);
        println!(
            "  {:>5.0} s  south-end {:>4.0} persons  {d:.2} /m²  {:?}",
            s.t,
            z.occupancy.unwrap_or(0.0),
            z.los
        );
        if first_e.is_none() && z.los.is_some_and(|l| l >= FruinLevel::E) {
            first_e = Some(s.t);
        }
    }
    let first_e =
        first_e.unwrap_or_else(|| panic!("south-end never reached E (peak {peak:.2} /m²)"));
    println!("south-end at level E from {first_e} s (peak {peak:.2} /m²)");
    assert!(
        (first_e - LOS_E_AT).abs() <= MARGIN,
        "LOS E at {first_e} s, measured {LOS_E_AT} s"
    );
    // The rule raised one alert, 10 s (its hold) after the zone reached E, and no other rule
    // did.
    let raised: Vec<(String, f64)> = decisions
        .iter()
        .filter(|d| d.kind == DecisionKind::Raise)
        .map(|d| {
            (
                venue.rules[d.rule].id.clone(),
                d.at.secs_since(Timestamp(BASE)),
            )
        })
        .collect();
    println!("alerts raised: {raised:?}");
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(raised[0].0, "south-end-los");
    assert!(
        (raised[0].1 - first_e - 10.0).abs() <= PERIOD,
        "raised at {} s, level E from {first_e} s",
        raised[0].1
    );
    // The south gate's line is 3 m inside the street end: every crossing counts, and in the
    // packed queue persons cross it back and forth; net, those counted out are those who left
    // plus those between the line and the doors (88 m², at most ~5 /m²).
    let (gate, _) = venue
        .line("south-gate")
        .unwrap_or_else(|| panic!("no line"));
    let line = monitor.line(gate);
    let net = line.total_out - line.total_in;
    println!(
        "south-gate: in {}, out {}, net out {net}; exited {}",
        line.total_in, line.total_out, feed.exited
    );
    assert!(net >= feed.exited && net <= feed.exited + 450, "{line:?}");
}

/// The feeds of the shipped MSEL, as `aman exercise run` and the server's MSEL library make
/// them: one, of the crowd inject INJ-02, sampled every [`aman_inject::EXERCISE_PERIOD_S`]
/// from 0 to the scenario's end (180 s: 91 samples), equal to its scenario's own feed with
/// those options; as JSON, an object by inject id.
#[test]
fn the_feeds_of_the_shipped_msel() {
    let msel = Msel::load(&repo().join("scenarios/exercise-entrance-surge/msel.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let venue = read_venue(&repo().join("venues/sib2023-entrance/venue.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let cpu = Instant::now();
    let feeds = aman_inject::msel_feeds(&msel, &venue).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "the shipped MSEL's feeds: {:.2} s (release)",
        cpu.elapsed().as_secs_f64()
    );
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0].inject, "INJ-02");
    let f = &feeds[0].feed;
    assert_eq!(f.samples.len(), 91);
    assert_eq!(f.samples[1].t, aman_inject::EXERCISE_PERIOD_S);
    let InjectKind::Crowd { scenario, .. } = &msel.injects[1].kind else {
        panic!("INJ-02 is the crowd inject")
    };
    let own = crowd_feed_file(scenario, &venue, &FeedOptions::exercise()).unwrap();
    assert_eq!(*f, own);
    let json = aman_inject::feeds_json(&feeds);
    assert_eq!(json.as_object().map(|o| o.len()), Some(1));
    assert_eq!(json["INJ-02"].as_array().map(Vec::len), Some(91));

    // A scenario that cannot be read names its inject.
    let mut broken = msel.clone();
    if let InjectKind::Crowd { scenario, .. } = &mut broken.injects[1].kind {
        *scenario = repo().join("scenarios/exercise-entrance-surge/missing.toml");
    }
    let e = aman_inject::msel_feeds(&broken, &venue).unwrap_err();
    assert_eq!(e.inject, "INJ-02");
    assert!(e.to_string().contains("missing.toml"), "{e}");
}
