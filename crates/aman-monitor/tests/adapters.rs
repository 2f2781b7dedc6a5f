//! Property tests of the vendor adapters: generated readings round-trip through each
//! vendor's payload shape; arbitrary bytes, arbitrary JSON, truncated and mutated payloads
//! never panic and give either checked readings or an error naming a field.
//!
//! The decode-rate benchmark is `cargo test --release -p aman-monitor --test adapters --
//! --ignored --nocapture`.

use std::time::Instant;

use aman_monitor::adapter::{self, AdapterError, Decoded, MAX_BATCH};
use aman_monitor::reading::{MAX_COORDINATE, MAX_COUNT, MAX_DENSITY};
use aman_monitor::time::EARLIEST;
use aman_monitor::venue::AdapterKind;
use aman_monitor::wire::{WireBatch, WireReading};
use aman_monitor::{Direction, Reading, Timestamp, Value as Measured};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};

const NOW: Timestamp = Timestamp(1_670_708_300_000_000);
const AHEAD: f64 = 60.0;
const SENSOR: &str = "s-1";
const CASES: u32 = 2_000;

const ONVIF_COUNTER: &str = "p/onvif-ej/RuleEngine/CountAggregation/Counter/&1/r";
const ONVIF_OCCUPANCY: &str = "p/onvif-ej/RuleEngine/CountAggregation/OccupancyCounter/&1/r";

fn decode(kind: AdapterKind, topic: Option<&str>, body: &[u8]) -> Result<Decoded, AdapterError> {
    adapter::decode(kind, SENSOR, topic, body, NOW, AHEAD)
}

/// What every outcome must satisfy: readings of `SENSOR` that pass the range check, or an
/// error with a message and — unless it is about the whole body — a field path.
fn assert_sound(result: &Result<Decoded, AdapterError>) {
    match result {
        Ok(d) => {
            assert!(d.readings.len() <= MAX_BATCH);
            for r in &d.readings {
                assert_eq!(r.sensor, SENSOR);
                r.check(NOW, AHEAD).unwrap();
            }
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            match e {
                AdapterError::Syntax { line, column, .. }
                | AdapterError::Truncated { line, column } => {
                    assert!(*line >= 1, "{e}");
                    let _ = column;
                }
                AdapterError::TooMany { .. } => {}
                _ => assert!(e.field().is_some_and(|f| !f.is_empty()), "{e}"),
            }
        }
    }
}

// ---- generators -------------------------------------------------------------------------

/// Sensor times from 2000 to the server's clock, whole milliseconds (what Xovis and Axis
/// carry) or microseconds.
fn time_ms() -> impl Strategy<Value = Timestamp> {
    (EARLIEST.0 / 1000..=NOW.0 / 1000).prop_map(|ms| Timestamp(ms * 1000))
}

fn time_us() -> impl Strategy<Value = Timestamp> {
    (EARLIEST.0..=NOW.0).prop_map(Timestamp)
}

fn channel() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_ -]{0,24}"
}

fn direction() -> impl Strategy<Value = Option<Direction>> {
    prop_oneof![
        Just(None),
        Just(Some(Direction::In)),
        Just(Some(Direction::Out))
    ]
}

fn value() -> impl Strategy<Value = Measured> {
    prop_oneof![
        (direction(), 0..=MAX_COUNT)
            .prop_map(|(direction, total)| Measured::Counter { direction, total }),
        (direction(), 0..=MAX_COUNT)
            .prop_map(|(direction, count)| Measured::Crossings { direction, count }),
        (0..=MAX_COUNT).prop_map(|count| Measured::Occupancy { count }),
        (0.0..=MAX_DENSITY).prop_map(|density| Measured::Density { density }),
        (
            any::<u64>(),
            -MAX_COORDINATE..=MAX_COORDINATE,
            -MAX_COORDINATE..=MAX_COORDINATE
        )
            .prop_map(|(track, x, y)| Measured::Track { track, x, y }),
    ]
}

fn reading() -> impl Strategy<Value = Reading> {
    (channel(), time_us(), value()).prop_map(|(channel, time, value)| Reading {
        sensor: SENSOR.to_owned(),
        channel,
        time,
        value,
    })
}

/// Arbitrary JSON, its keys biased towards those the adapters look for.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just("17".to_owned()),
            Just("-3".to_owned()),
            Just("NaN".to_owned()),
            Just("COUNT".to_owned()),
            Just("fw".to_owned()),
            Just("2022-12-10T21:38:09Z".to_owned()),
            ".{0,12}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "readings",
            "time",
            "kind",
            "count",
            "total",
            "density",
            "track",
            "x",
            "y",
            "channel",
            "sensor",
            "direction",
            "UtcTime",
            "Source",
            "Rule",
            "Data",
            "Count",
            "Topic",
            "PropertyOperation",
            "live_data",
            "frames",
            "events",
            "type",
            "attributes",
            "line_name",
            "line_id",
            "tracked_objects",
            "id",
            "position",
            "timestamp",
            "topic",
            "message",
            "data",
            "totalHuman",
            "SimpleItem",
            "Name",
            "Value",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z]{1,8}",
    ]
}

/// A change to one node of a valid payload.
#[derive(Debug, Clone)]
enum Mutation {
    Remove,
    Replace(Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Remove),
        prop::sample::select(vec![
            Value::Null,
            json!("NaN"),
            json!("Infinity"),
            json!("-Infinity"),
            json!("-3"),
            json!("17.5"),
            json!("abc"),
            json!(""),
            json!(-1),
            json!(-0.5),
            json!(1e308),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(true),
            json!([]),
            json!({}),
            json!("2099-01-01T00:00:00Z"),
            json!(4_102_444_800_000_u64),
        ])
        .prop_map(Mutation::Replace),
        json_value().prop_map(Mutation::Replace),
    ]
}

/// Applies `m` to the `target`-th node of `v` in pre-order (the root is node 0; removing
/// the root replaces it with null). Returns whether the caller must remove `v`.
fn mutate(v: &mut Value, target: usize, seen: &mut usize, m: &Mutation) -> bool {
    if *seen == target {
        *seen += 1;
        return match m {
            Mutation::Remove => true,
            Mutation::Replace(r) => {
                *v = r.clone();
                false
            }
        };
    }
    *seen += 1;
    match v {
        Value::Array(items) => {
            let mut i = 0;
            while i < items.len() {
                if mutate(&mut items[i], target, seen, m) {
                    items.remove(i);
                } else {
                    i += 1;
                }
            }
        }
        Value::Object(members) => {
            let keys: Vec<String> = members.keys().cloned().collect();
            for k in keys {
                let remove = members
                    .get_mut(&k)
                    .is_some_and(|c| mutate(c, target, seen, m));
                if remove {
                    members.remove(&k);
                }
            }
        }
        _ => {}
    }
    false
}

fn nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(nodes).sum(),
        Value::Object(members) => members.values().map(nodes).sum(),
        _ => 0,
    }
}

fn mutated(mut v: Value, at: Index, m: &Mutation) -> Vec<u8> {
    let target = at.index(nodes(&v));
    if mutate(&mut v, target, &mut 0, m) {
        v = Value::Null;
    }
    serde_json::to_vec(&v).unwrap()
}

// ---- vendor encoders (test side) --------------------------------------------------------

fn aman_batch(readings: &[Reading]) -> Vec<u8> {
    let batch = WireBatch {
        readings: readings.iter().map(WireReading::from_reading).collect(),
    };
    serde_json::to_vec(&batch).unwrap()
}

fn onvif(r: &Reading) -> (Vec<u8>, &'static str) {
    let (n, topic) = match r.value {
        Measured::Counter { total, .. } => (total, ONVIF_COUNTER),
        Measured::Occupancy { count } => (count, ONVIF_OCCUPANCY),
        _ => unreachable!("ONVIF carries counters and occupancy"),
    };
    let body = json!({
        "UtcTime": r.time.to_rfc3339(),
        "Source": {"VideoSource": "VideoSource_1", "Rule": r.channel},
        "Data": {"Count": n.to_string()},
    });
    (serde_json::to_vec(&body).unwrap(), topic)
}

/// One Xovis frame: tracks (id, x cm, y cm) and COUNT events (line, direction, count).
type XovisFrame = (
    Timestamp,
    Vec<(u64, f64, f64)>,
    Vec<(String, Direction, u64)>,
);

fn xovis(frames: &[XovisFrame]) -> Vec<u8> {
    let frames: Vec<Value> = frames
        .iter()
        .map(|(t, tracks, counts)| {
            json!({
                "time": t.0 / 1000,
                "tracked_objects": tracks.iter().map(|(id, x, y)| json!({"id": id, "type": "PERSON", "position": [x, y, 170.0]})).collect::<Vec<_>>(),
                "events": counts.iter().map(|(line, d, n)| json!({"type": "COUNT", "attributes": {
                    "line_name": line, "direction": if *d == Direction::In { "fw" } else { "bw" }, "count": n}})).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_vec(&json!({"live_data": {"frames": frames}})).unwrap()
}

fn xovis_readings(frames: &[XovisFrame]) -> Vec<Reading> {
    let mut out = Vec::new();
    for (t, tracks, counts) in frames {
        for (id, x, y) in tracks {
            out.push(Reading {
                sensor: SENSOR.to_owned(),
                channel: String::new(),
                time: *t,
                value: Measured::Track {
                    track: *id,
                    x: x * adapter::xovis::POSITION_UNIT_M,
                    y: y * adapter::xovis::POSITION_UNIT_M,
                },
            });
        }
        for (line, d, n) in counts {
            out.push(Reading {
                sensor: SENSOR.to_owned(),
                channel: line.clone(),
                time: *t,
                value: Measured::Crossings {
                    direction: Some(*d),
                    count: *n,
                },
            });
        }
    }
    out
}

fn axis(t: Timestamp, scenario: u32, humans: u64, as_text: bool) -> Vec<u8> {
    let h = if as_text {
        json!(humans.to_string())
    } else {
        json!(humans)
    };
    serde_json::to_vec(&json!({
        "topic": format!("axis:CameraApplicationPlatform/ObjectAnalytics/Device1Scenario{scenario}"),
        "timestamp": t.0 / 1000,
        "serial": "ACCC8E000000",
        "message": {"source": {}, "key": {}, "data": {"total": humans.to_string(), "totalHuman": h, "totalCar": "0"}},
    }))
    .unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/adapters/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).unwrap()
}

/// Each adapter with a valid payload of it and the topic it comes on.
fn valid_payloads() -> Vec<(AdapterKind, Option<&'static str>, Vec<u8>)> {
    vec![
        (
            AdapterKind::Aman,
            None,
            // The fixture's last reading names its sensor: make it ours.
            String::from_utf8(fixture("aman-batch.json"))
                .unwrap()
                .replace("lyon-topview", SENSOR)
                .into_bytes(),
        ),
        (AdapterKind::Aman, None, fixture("aman-single.json")),
        (
            AdapterKind::Onvif,
            Some(ONVIF_COUNTER),
            fixture("onvif-counter.json"),
        ),
        (
            AdapterKind::Onvif,
            Some(ONVIF_OCCUPANCY),
            fixture("onvif-occupancy.json"),
        ),
        (AdapterKind::Xovis, None, fixture("xovis-live.json")),
        (AdapterKind::Axis, None, fixture("axis-occupancy.json")),
    ]
}

const KINDS: [AdapterKind; 4] = [
    AdapterKind::Aman,
    AdapterKind::Onvif,
    AdapterKind::Xovis,
    AdapterKind::Axis,
];

// ---- round trips --------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn aman_round_trip(readings in prop::collection::vec(reading(), 0..20)) {
        let d = decode(AdapterKind::Aman, None, &aman_batch(&readings)).unwrap();
        prop_assert_eq!(d.readings, readings.clone());
        if let Some(first) = readings.first() {
            let one = serde_json::to_vec(&WireReading::from_reading(first)).unwrap();
            let d = decode(AdapterKind::Aman, Some("sensors/s-1"), &one).unwrap();
            prop_assert_eq!(&d.readings[0], first);
        }
    }

    #[test]
    fn onvif_round_trip(
        time in time_us(),
        rule in channel(),
        n in 0..=MAX_COUNT,
        occupancy in any::<bool>(),
        http in any::<bool>(),
    ) {
        let value = if occupancy {
            Measured::Occupancy { count: n }
        } else {
            Measured::Counter { direction: None, total: n }
        };
        let r = Reading { sensor: SENSOR.to_owned(), channel: rule, time, value };
        let (body, topic) = onvif(&r);
        let d = if http {
            // Over HTTP the payload names its topic.
            let mut v: Value = serde_json::from_slice(&body).unwrap();
            v["Topic"] = json!(topic.replace("p/onvif-ej/", "tns1:"));
            decode(AdapterKind::Onvif, None, &serde_json::to_vec(&v).unwrap()).unwrap()
        } else {
            decode(AdapterKind::Onvif, Some(topic), &body).unwrap()
        };
        prop_assert_eq!(d.readings, vec![r]);
    }

    #[test]
    fn xovis_round_trip(
        frames in prop::collection::vec(
            (
                time_ms(),
                prop::collection::vec((any::<u64>(), -1.0e8..1.0e8, -1.0e8..1.0e8), 0..8),
                prop::collection::vec(
                    (channel(), prop_oneof![Just(Direction::In), Just(Direction::Out)], 0..=1000_u64),
                    0..4,
                ),
            ),
            0..6,
        )
    ) {
        let d = decode(AdapterKind::Xovis, None, &xovis(&frames)).unwrap();
        prop_assert_eq!(d.readings, xovis_readings(&frames));
        prop_assert_eq!(d.ignored, 0);
    }

    #[test]
    fn axis_round_trip(time in time_ms(), scenario in 1..100_u32, humans in 0..=MAX_COUNT, as_text in any::<bool>()) {
        let d = decode(AdapterKind::Axis, None, &axis(time, scenario, humans, as_text)).unwrap();
        let want = Reading {
            sensor: SENSOR.to_owned(),
            channel: format!("Device1Scenario{scenario}"),
            time,
            value: Measured::Occupancy { count: humans },
        };
        prop_assert_eq!(d.readings, vec![want]);
    }
}

// ---- robustness ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..256), topic in prop::option::of(".{0,40}")) {
        for kind in KINDS {
            assert_sound(&decode(kind, topic.as_deref(), &body));
        }
    }

    #[test]
    fn arbitrary_json_never_panics(v in json_value()) {
        let body = serde_json::to_vec(&v).unwrap();
        for kind in KINDS {
            assert_sound(&decode(kind, None, &body));
            assert_sound(&decode(kind, Some(ONVIF_COUNTER), &body));
        }
    }

    #[test]
    fn mutated_payloads_never_panic(which in any::<Index>(), at in any::<Index>(), m in mutation()) {
        let payloads = valid_payloads();
        let (kind, topic, body) = &payloads[which.index(payloads.len())];
        let v: Value = serde_json::from_slice(body).unwrap();
        let bad = mutated(v, at, &m);
        let result = decode(*kind, *topic, &bad);
        assert_sound(&result);
    }

    #[test]
    fn mutated_generated_batches_never_panic(readings in prop::collection::vec(reading(), 1..8), at in any::<Index>(), m in mutation()) {
        let v: Value = serde_json::from_slice(&aman_batch(&readings)).unwrap();
        let bad = mutated(v, at, &m);
        let result = decode(AdapterKind::Aman, None, &bad);
        assert_sound(&result);
        // The adapter's fast path takes only what `wire` takes, with the same meaning.
        if let Ok(d) = result {
            let wire: Vec<WireReading> = match serde_json::from_slice::<WireBatch>(&bad) {
                Ok(b) => b.readings,
                Err(_) => vec![serde_json::from_slice::<WireReading>(&bad).unwrap()],
            };
            prop_assert_eq!(d.readings.len(), wire.len());
            for (r, w) in d.readings.iter().zip(&wire) {
                prop_assert_eq!(&r.value, &w.value);
                prop_assert_eq!(&r.channel, &w.channel);
                prop_assert_eq!(Ok(r.time), w.time.resolve());
            }
        }
    }
}

#[test]
fn every_truncation_is_an_error() {
    for (kind, topic, body) in valid_payloads() {
        let body = body.trim_ascii_end();
        assert_sound(&decode(kind, topic, body));
        assert!(decode(kind, topic, body).is_ok());
        for len in 0..body.len() {
            let result = decode(kind, topic, &body[..len]);
            assert_sound(&result);
            let e = result.expect_err("a proper prefix of an object is not JSON");
            assert!(
                matches!(
                    e,
                    AdapterError::Truncated { .. } | AdapterError::Syntax { .. }
                ),
                "{kind:?} prefix {len}: {e}"
            );
        }
    }
}

#[test]
fn batches_above_the_cap_are_refused() {
    let r = Reading {
        sensor: SENSOR.to_owned(),
        channel: String::new(),
        time: NOW,
        value: Measured::Track {
            track: 1,
            x: 0.5,
            y: 0.5,
        },
    };
    let e = decode(
        AdapterKind::Aman,
        None,
        &aman_batch(&vec![r.clone(); MAX_BATCH + 1]),
    )
    .unwrap_err();
    assert!(
        matches!(e, AdapterError::TooMany { count, .. } if count == MAX_BATCH + 1),
        "{e}"
    );
    let frame = (NOW, vec![(1_u64, 1.0, 1.0); MAX_BATCH + 1], Vec::new());
    let e = decode(AdapterKind::Xovis, None, &xovis(&[frame])).unwrap_err();
    assert!(matches!(e, AdapterError::TooMany { .. }), "{e}");
}

/// Decode rate of aman JSON track batches, one core. Not a timed assertion: it prints.
#[test]
#[ignore = "benchmark: run with --ignored --nocapture"]
fn bench_aman_track_decode_rate() {
    let readings: Vec<Reading> = (0..MAX_BATCH)
        .map(|i| Reading {
            sensor: SENSOR.to_owned(),
            channel: String::new(),
            time: Timestamp(NOW.0 - 60_000_000 + (i as i64 / 100) * 40_000),
            value: Measured::Track {
                track: (i % 100) as u64,
                x: (i % 37) as f64 * 0.25 - 4.0,
                y: (i % 53) as f64 * 0.125 + 1.0,
            },
        })
        .collect();
    let body = aman_batch(&readings);
    let rounds = 100;
    let start = Instant::now();
    let mut total = 0;
    for _ in 0..rounds {
        total += decode(AdapterKind::Aman, None, &body)
            .unwrap()
            .readings
            .len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "aman JSON, batches of {MAX_BATCH} tracks ({} bytes, {:.0} B/reading): {:.2} M readings/s, {:.0} MB/s",
        body.len(),
        body.len() as f64 / MAX_BATCH as f64,
        total as f64 / secs / 1e6,
        (body.len() * rounds) as f64 / secs / 1e6
    );
}
