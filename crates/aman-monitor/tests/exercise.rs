//! A monitor in an exercise (`Monitor::in_exercise`): its sensors are the crowd injects'
//! feeds, which stop when a feed ends, so none goes stale on the server's clock and no
//! `stale` rule raises; a live monitor of the same venue does.

use std::path::Path;

use aman_monitor::{DecisionKind, Logged, Monitor, Reading, Timestamp, Value, read_venue};

/// 2026-06-21T20:00:00Z, µs.
const T0: i64 = 1_782_072_000_000_000;

#[test]
fn an_exercise_s_sensors_never_go_stale() {
    let venue = read_venue(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../venues/sib2023-entrance/venue.toml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let stale_rules = venue
        .rules
        .iter()
        .filter(|r| r.id.ends_with("-stale"))
        .count();
    assert_eq!(stale_rules, 6, "a stale rule per sensor");
    let t0 = Timestamp(T0);
    let mut raised = Vec::new();
    for exercise in [false, true] {
        let mut m = Monitor::new(venue.clone(), t0);
        if exercise {
            m = m.in_exercise("surge-1");
        }
        // One sample of a feed, then silence for an hour (the feed ended).
        let reading = Reading {
            sensor: "occupancy".into(),
            channel: "south-end".into(),
            time: t0,
            value: Value::Occupancy { count: 40 },
        };
        m.apply(&Logged {
            seq: 1,
            received: t0,
            reading,
        })
        .unwrap();
        for s in 1..=3600 {
            m.tick(t0.add_secs(f64::from(s)));
        }
        let sensor = venue.sensor("occupancy").unwrap().0;
        m.set_offline(sensor, t0.add_secs(3600.0));
        let n = m
            .take_decisions()
            .iter()
            .filter(|d| d.kind == DecisionKind::Raise)
            .count();
        let stale = (0..venue.sensors.len())
            .filter(|&i| m.sensor(i).stale)
            .count();
        raised.push((n, stale));
    }
    assert_eq!(raised[0], (6, 6), "live: every silent sensor is stale");
    assert_eq!(raised[1], (0, 0), "exercise: none");
}
