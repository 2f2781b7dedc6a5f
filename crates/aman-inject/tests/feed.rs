//! A crowd feed on a small corridor, counted by hand, and the errors: a scenario that cannot
//! be read, a venue line or zone outside the scenario's walkable area, bad options.

use std::path::Path;

use aman_inject::{FeedOptions, FeedRun, InjectError, crowd_feed, crowd_feed_file, load_scenario};
use aman_monitor::{Direction, Timestamp, Value, Venue, parse_venue};

/// A 20 m × 4 m corridor left to right; ten persons placed in its first 4 m walk to the door
/// at its right end.
const SCENARIO: &str = r#"
[scenario]
name = "corridor"

[simulation]
dt = 0.02
end_time = 40.0
seed = 7

[geometry]
wkt = "POLYGON ((0 0, 20 0, 20 4, 0 4, 0 0))"

[[stages]]
kind = "exit"
name = "end"
door = [[20, 0], [20, 4]]

[[journeys]]
name = "walk"
stages = ["end"]

[[populations]]
name = "group"
journey = "walk"
area = [[0.5, 0.5], [4, 0.5], [4, 3.5], [0.5, 3.5]]
count = 10
desired_speed = 1.3
"#;

/// The venue over the corridor (its walkable area 40 m long, as if the corridor went on):
/// the line "mid" across it at 10 m, "in" to the right; the zone "right" from 12 to 18 m.
fn venue_text(extra: &str) -> String {
    format!(
        r#"
[venue]
id = "corridor"
name = {{ fr = "Couloir", ar = "ممر", en = "Corridor" }}
walkable_wkt = "POLYGON ((0 0, 40 0, 40 4, 0 4, 0 0))"

[[zones]]
id = "right"
polygon = [[12, 0], [18, 0], [18, 4], [12, 4]]

[[lines]]
id = "mid"
line = [[10, 0], [10, 4]]
in_side = [11, 2]

[[sensors]]
id = "counter"
adapter = "onvif"
period = 10
[[sensors.channels]]
name = "mid-in"
line = "mid"
direction = "in"
[[sensors.channels]]
name = "mid-out"
line = "mid"
direction = "out"

[[sensors]]
id = "occupancy"
adapter = "axis"
period = 10
[[sensors.channels]]
name = "right"
zone = "right"
{extra}"#
    )
}

fn make_venue(extra: &str) -> Venue {
    parse_venue(&venue_text(extra), Path::new("."), "corridor.toml")
        .unwrap_or_else(|e| panic!("{e}"))
}

fn scenario_file(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("corridor.toml");
    std::fs::write(&p, SCENARIO).unwrap_or_else(|e| panic!("{e}"));
    p
}

const BASE: Timestamp = Timestamp(1_782_072_000_000_000);

fn options(period_s: f64, end_s: Option<f64>) -> FeedOptions {
    FeedOptions {
        base: BASE,
        period_s,
        end_s,
    }
}

#[test]
fn a_corridor_counted_by_hand() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let venue = make_venue("");
    let feed = crowd_feed_file(&scenario_file(dir.path()), &venue, &options(1.0, None))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(feed.samples.len(), 41);
    assert_eq!(feed.persons, 10);
    assert_eq!(feed.exited, 10);
    let first = &feed.samples[0];
    assert_eq!(first.t, 0.0);
    let names: Vec<(&str, &str)> = first
        .readings
        .iter()
        .map(|r| (r.sensor.as_str(), r.channel.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("counter", "mid-in"),
            ("counter", "mid-out"),
            ("occupancy", "right")
        ]
    );
    let value = |k: usize, s: usize| feed.samples[s].readings[k].value.clone();
    assert_eq!(
        value(0, 0),
        Value::Counter {
            direction: Some(Direction::In),
            total: 0
        }
    );
    assert_eq!(value(2, 0), Value::Occupancy { count: 0 });
    // Everybody crossed "mid" in its "in" direction, nobody back; the zone filled and emptied.
    assert_eq!(
        value(0, 40),
        Value::Counter {
            direction: Some(Direction::In),
            total: 10
        }
    );
    assert_eq!(
        value(1, 40),
        Value::Counter {
            direction: Some(Direction::Out),
            total: 0
        }
    );
    assert_eq!(value(2, 40), Value::Occupancy { count: 0 });
    let occupancy: Vec<u64> = feed
        .samples
        .iter()
        .map(|s| match s.readings[2].value {
            Value::Occupancy { count } => count,
            _ => unreachable!(),
        })
        .collect();
    let peak = occupancy.iter().max().copied().unwrap_or(0);
    assert!((5..=10).contains(&peak), "{occupancy:?}");
    // Persons starting 6 to 9.5 m from "mid" at ~1.3 m/s cross it between ~4 and ~10 s.
    let crossed_at = |n: u64| {
        feed.samples
            .iter()
            .position(|s| matches!(s.readings[0].value, Value::Counter { total, .. } if total >= n))
    };
    let (a, b) = (crossed_at(1), crossed_at(10));
    assert!(matches!(a, Some(3..=6)), "first crossing at {a:?} s");
    assert!(matches!(b, Some(7..=14)), "last crossing at {b:?} s");
    assert_eq!(
        feed.samples[7].readings[0].time,
        Timestamp(BASE.0 + 7_000_000)
    );

    // The same run, step by step, with an earlier end: the same samples.
    let sc = load_scenario(&scenario_file(dir.path())).unwrap_or_else(|e| panic!("{e}"));
    let run = FeedRun::new(sc, &venue, &options(1.0, Some(12.5))).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run.len(), 13);
    let samples: Vec<_> = run.collect();
    assert_eq!(samples.as_slice(), &feed.samples[..13]);
}

#[test]
fn errors_name_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let venue = make_venue("");
    let missing = dir.path().join("nowhere.toml");
    let e = crowd_feed_file(&missing, &venue, &options(10.0, None)).unwrap_err();
    assert!(matches!(e, InjectError::Scenario(_)), "{e}");
    let msg = e.to_string();
    assert!(
        msg.starts_with("crowd inject: cannot read scenario file") && msg.contains("nowhere.toml"),
        "{msg}"
    );

    // A line of the venue beyond the corridor's end.
    let far = make_venue(
        r#"
[[lines]]
id = "far"
line = [[30, 0], [30, 4]]
in_side = [31, 2]

[[sensors]]
id = "far-counter"
adapter = "onvif"
period = 10
[[sensors.channels]]
name = "far"
line = "far"
direction = "in"
"#,
    );
    let path = scenario_file(dir.path());
    let e = crowd_feed_file(&path, &far, &options(10.0, None)).unwrap_err();
    assert!(
        matches!(&e, InjectError::LineOutside { line, .. } if line == "far"),
        "{e}"
    );
    assert!(
        e.to_string().starts_with(
            "crowd inject: line \"far\" of venue \"corridor\" lies outside the walkable area of scenario"
        ),
        "{e}"
    );
    // A zone there.
    let zone = make_venue(
        r#"
[[zones]]
id = "beyond"
polygon = [[25, 0], [35, 0], [35, 4], [25, 4]]

[[sensors]]
id = "cam"
adapter = "axis"
period = 10
[[sensors.channels]]
name = "beyond"
zone = "beyond"
"#,
    );
    let e = crowd_feed_file(&path, &zone, &options(10.0, None)).unwrap_err();
    assert!(
        matches!(&e, InjectError::ZoneOutside { zone, .. } if zone == "beyond"),
        "{e}"
    );

    for (opts, what) in [
        (options(0.0, None), "period 0 s"),
        (options(f64::NAN, None), "period NaN s"),
        (options(5000.0, None), "period 5000 s"),
        (options(10.0, Some(-1.0)), "end -1 s"),
        (options(10.0, Some(f64::INFINITY)), "end inf s"),
        (options(0.1, None), "401 samples"),
    ] {
        let sc = load_scenario(&path).unwrap_or_else(|e| panic!("{e}"));
        let got = crowd_feed(sc, &venue, &opts);
        match (what, got) {
            ("401 samples", Ok(f)) => assert_eq!(f.samples.len(), 401),
            (_, Err(e)) => assert!(e.to_string().contains(what), "{e}"),
            (_, Ok(_)) => panic!("{what}: accepted"),
        }
    }
}
