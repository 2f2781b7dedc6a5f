//! AXIS Object Analytics "Occupancy in area" scenario events, as the camera's MQTT event
//! bridge publishes them.
//!
//! Sources: Axis developer documentation, "AXIS Object Analytics counting data" (the
//! Occupancy in area scenario, AXIS OS 11.5 and later, sends a stateless event with the
//! number of objects of each selected class inside its include area; topic
//! `tnsaxis:CameraApplicationPlatform/ObjectAnalytics/Device1Scenario<N>`), and the AXIS OS
//! MQTT event bridge, which publishes each event as
//! `{"topic": …, "timestamp": <ms since 1970>, "serial": …, "message": {"source": {},
//! "key": {}, "data": {…}}}` on `<device topic prefix>/event/…/ObjectAnalytics/Device1Scenario<N>`.
//! See `docs/serve.md`, section 3, for what could and could not be confirmed.
//!
//! ```json
//! {"topic": "axis:CameraApplicationPlatform/ObjectAnalytics/Device1Scenario2",
//!  "timestamp": 1670708289033, "serial": "ACCC8E000000",
//!  "message": {"source": {}, "key": {},
//!              "data": {"total": "4", "totalHuman": "3", "totalCar": "1"}}}
//! ```
//!
//! Persons are `message.data.totalHuman` (an integer or a string of digits; the other
//! classes are ignored) → [`Measured::Occupancy`]; the channel is the scenario
//! (`Device1Scenario2`) from the payload's `topic`, else from the MQTT topic. The compact form
//! `{"occupancy": {"Human": 3, "Car": 1}, "timestamp": …}` (persons = `occupancy.Human`) is
//! read too.

use super::{
    AdapterError, Decoded, EpochUnit, Limits, Path, count, object, parse_json, required, string,
    time,
};
use crate::{Reading, Value as Measured};

/// The scenario named in an Axis event topic: the segment after `ObjectAnalytics`
/// (`Device1Scenario2`), else the last segment; `""` for an empty topic.
pub fn scenario(topic: &str) -> &str {
    let mut segments = topic.split('/');
    while let Some(seg) = segments.next() {
        if seg.rsplit(':').next() == Some("ObjectAnalytics") {
            return segments.next().unwrap_or("");
        }
    }
    topic.rsplit('/').next().unwrap_or("")
}

/// Decodes one Axis Object Analytics occupancy event of the authenticated `sensor`.
///
/// # Errors
/// See [`AdapterError`]; e.g. `message.data.totalHuman: out of range: "-1" is negative`.
pub fn decode(
    sensor: &str,
    topic: Option<&str>,
    body: &[u8],
    limits: Limits,
) -> Result<Decoded, AdapterError> {
    let v = parse_json(body)?;
    let root = Path::ROOT;
    let top = object(&v, &root)?;
    let tp = root.key("timestamp");
    let t = time(required(top, "timestamp", &tp)?, &tp, EpochUnit::Millis)?;
    let topic_path = root.key("topic");
    let channel = match top.get("topic") {
        Some(t) => scenario(string(t, &topic_path)?),
        None => topic.map(scenario).unwrap_or(""),
    };
    // The compact form `{"occupancy": {"Human": 3, …}, "timestamp": …}` (the occupancy
    // per class, as the scenario's MQTT publication shows it), or the event bridge's
    // `message.data.totalHuman`.
    let op = root.key("occupancy");
    let (humans, value_field) = if let Some(occupancy) = top.get("occupancy") {
        let occupancy = object(occupancy, &op)?;
        let hp = op.key("Human");
        (
            count(required(occupancy, "Human", &hp)?, &hp, true)?,
            "occupancy.Human",
        )
    } else {
        let mp = root.key("message");
        let message = object(required(top, "message", &mp)?, &mp)?;
        let dp = mp.key("data");
        let data = object(required(message, "data", &dp)?, &dp)?;
        let hp = dp.key("totalHuman");
        (
            count(required(data, "totalHuman", &hp)?, &hp, true)?,
            "message.data.totalHuman",
        )
    };
    let reading = Reading {
        sensor: sensor.to_owned(),
        channel: channel.to_owned(),
        time: t,
        value: Measured::Occupancy { count: humans },
    };
    limits.check(&reading, |field| {
        match field {
            "time" => "timestamp",
            "channel" => "topic",
            "value" => value_field,
            _ => "(sensor id)",
        }
        .to_owned()
    })?;
    Ok(Decoded {
        readings: vec![reading],
        ignored: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;

    const LIMITS: Limits = Limits {
        now: Timestamp(1_670_708_300_000_000),
        max_ahead_s: 60.0,
    };

    #[test]
    fn compact_occupancy_form() {
        let body = br#"{"occupancy":{"Human":3,"Car":1},"timestamp":1670708289033}"#;
        let d = decode(
            "ax-1",
            Some("aman/sensors/ax-1/ObjectAnalytics/Device1Scenario1"),
            body,
            LIMITS,
        )
        .unwrap();
        assert_eq!(d.readings[0].value, Measured::Occupancy { count: 3 });
        assert_eq!(d.readings[0].channel, "Device1Scenario1");
        assert_eq!(d.readings[0].time, Timestamp(1_670_708_289_033_000));
        let e = decode(
            "ax-1",
            None,
            br#"{"occupancy":{"Car":1},"timestamp":1670708289033}"#,
            LIMITS,
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("occupancy.Human"));
        let e = decode(
            "ax-1",
            None,
            br#"{"occupancy":{"Human":-2},"timestamp":1670708289033}"#,
            LIMITS,
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("occupancy.Human"), "{e}");
    }

    #[test]
    fn scenario_names() {
        assert_eq!(
            scenario("axis:CameraApplicationPlatform/ObjectAnalytics/Device1Scenario2"),
            "Device1Scenario2"
        );
        assert_eq!(
            scenario(
                "axis/ACCC8E/event/tns:axis/CameraApplicationPlatform/ObjectAnalytics/Device1Scenario3"
            ),
            "Device1Scenario3"
        );
        assert_eq!(scenario("a/b/hall"), "hall");
        assert_eq!(scenario(""), "");
    }

    #[test]
    fn occupancy_and_errors() {
        let body = |human: &str| {
            format!(
                r#"{{"topic":"axis:CameraApplicationPlatform/ObjectAnalytics/Device1Scenario2","timestamp":1670708289033,"serial":"ACCC8E000000","message":{{"source":{{}},"key":{{}},"data":{{"total":"4","totalHuman":{human},"totalCar":"1"}}}}}}"#
            )
        };
        let d = decode("ax-1", None, body("\"3\"").as_bytes(), LIMITS).unwrap();
        assert_eq!(d.readings[0].value, Measured::Occupancy { count: 3 });
        assert_eq!(d.readings[0].channel, "Device1Scenario2");
        assert_eq!(d.readings[0].time, Timestamp(1_670_708_289_033_000));
        assert_eq!(
            decode("ax-1", None, body("3").as_bytes(), LIMITS)
                .unwrap()
                .readings[0]
                .value,
            Measured::Occupancy { count: 3 }
        );
        for (human, want) in [
            (
                "\"-1\"",
                "message.data.totalHuman: out of range: \"-1\" is negative",
            ),
            (
                "\"2.5\"",
                "message.data.totalHuman: out of range: \"2.5\" is not a whole number",
            ),
            ("null", "message.data.totalHuman: wrong type: null"),
        ] {
            let e = decode("ax-1", None, body(human).as_bytes(), LIMITS)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(want), "{human}: {e}");
        }
        let e = decode(
            "ax-1",
            None,
            br#"{"timestamp":1670708289033,"message":{"data":{}}}"#,
            LIMITS,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(e, "message.data.totalHuman: missing");
        let e = decode(
            "ax-1",
            None,
            br#"{"timestamp":"1670708289033","message":{"data":{}}}"#,
            LIMITS,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("timestamp: \"1670708289033\" is not an RFC 3339"),
            "{e}"
        );
    }

    #[test]
    fn fixture() {
        let d = decode(
            "ax-1",
            Some("axis/ACCC8E000000/event/tns:axis/CameraApplicationPlatform/ObjectAnalytics/Device1Scenario2"),
            include_bytes!("../../tests/fixtures/adapters/axis-occupancy.json"),
            LIMITS,
        )
        .unwrap();
        assert_eq!(d.readings.len(), 1);
        let r = &d.readings[0];
        assert_eq!(
            (r.sensor.as_str(), r.channel.as_str()),
            ("ax-1", "Device1Scenario2")
        );
        assert_eq!(r.time, Timestamp(1_670_708_289_033_000));
        assert_eq!(r.value, Measured::Occupancy { count: 14 });
    }
}
