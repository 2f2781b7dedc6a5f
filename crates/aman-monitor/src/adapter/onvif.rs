//! ONVIF analytics events as JSON over MQTT (ONVIF Profile M event broker, payload prefix
//! `onvif-ej`): the counters of the rule engine's `CountAggregation` topics.
//!
//! Sources: ONVIF Core Specification, "Event handling" — the `tt:Message` with its
//! `UtcTime` attribute, `Source`, `Key` and `Data` item lists and `PropertyOperation`
//! (Initialized, Changed, Deleted) — and its MQTT section (22.06 and later): topic
//! `TopicPrefix "/" PayloadPrefix "/" LocalTopic ["&" Source]`, the namespace prefix of the
//! ONVIF topic dropped (`tns1:RuleEngine/CountAggregation/Counter` →
//! `RuleEngine/CountAggregation/Counter`), the JSON payload of prefix `onvif-ej` carrying
//! each `SimpleItem` as a member `"Name": "Value"` (values as strings). ONVIF Analytics
//! Service Specification: the `CountAggregation` rule's `Counter` (cumulative, `Data.Count`)
//! and `OccupancyCounter` (persons inside, `Data.Count`) topics, `Source` `VideoSource`,
//! `Rule`. See `docs/serve.md`, section 3.
//!
//! ```json
//! {"UtcTime": "2022-12-10T21:38:09.000Z",
//!  "Source": {"VideoSource": "VideoSource_1", "Rule": "Counter1"},
//!  "Data": {"Count": "17"}}
//! ```
//! on topic `cam-7/onvif-ej/RuleEngine/CountAggregation/Counter/&1/Counter1`.

use serde_json::{Map, Value};

use super::{
    AdapterError, Decoded, Limits, Path, count, invalid, missing, object, parse_json, string,
};
use crate::{Reading, Timestamp, Value as Measured};

/// Which count an ONVIF topic carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountTopic {
    /// `RuleEngine/CountAggregation/Counter`: cumulative crossings since the last reset.
    Counter,
    /// `RuleEngine/CountAggregation/OccupancyCounter`: persons in the area now.
    Occupancy,
}

/// The count topic named in `topic`, if any: its segments are searched for
/// `CountAggregation` followed by `Counter` or `OccupancyCounter`, each with or without a
/// namespace prefix (`tns1:`), so both `prefix/onvif-ej/RuleEngine/CountAggregation/Counter/&1`
/// and `tns1:RuleEngine/CountAggregation/OccupancyCounter` are recognised.
pub fn count_topic(topic: &str) -> Option<CountTopic> {
    let mut previous = "";
    for seg in topic.split('/') {
        let local = seg.rsplit(':').next().unwrap_or(seg);
        if previous == "CountAggregation" {
            match local {
                "Counter" => return Some(CountTopic::Counter),
                "OccupancyCounter" => return Some(CountTopic::Occupancy),
                _ => {}
            }
        }
        previous = local;
    }
    None
}

/// Decodes one ONVIF event of the authenticated `sensor`.
///
/// The kind of count comes from the MQTT `topic`; without one (over HTTP) from a string
/// member `Topic` of the payload (the ONVIF topic, as a bridge that forwards the event may
/// add it); without either the payload is refused, since a cumulative counter and an
/// occupancy look alike. A topic that names no count (another ONVIF event the broker
/// forwards) and an event with `PropertyOperation` `Deleted` (the rule was removed) are
/// ignored: no reading, `ignored` = 1.
///
/// # Errors
/// See [`AdapterError`]; e.g. `Data.Count: out of range: "17.5" is not a whole number`.
pub fn decode(
    sensor: &str,
    topic: Option<&str>,
    body: &[u8],
    limits: Limits,
) -> Result<Decoded, AdapterError> {
    let v = parse_json(body)?;
    let root = Path::ROOT;
    let msg = object(&v, &root)?;
    let kind = match topic {
        Some(t) => count_topic(t),
        None => {
            let p = root.key("Topic");
            let t = msg.get("Topic").ok_or_else(|| {
                invalid(
                    &p,
                    "missing: without an MQTT topic the payload must name its ONVIF topic \
                     (…/RuleEngine/CountAggregation/Counter or …/OccupancyCounter)",
                )
            })?;
            let t = string(t, &p)?;
            Some(count_topic(t).ok_or_else(|| {
                invalid(
                    &p,
                    format!("{t:?} is not a CountAggregation Counter or OccupancyCounter topic"),
                )
            })?)
        }
    };
    let Some(kind) = kind else {
        return Ok(Decoded {
            readings: Vec::new(),
            ignored: 1,
        });
    };
    let op_path = root.key("PropertyOperation");
    if let Some(op) = msg.get("PropertyOperation") {
        match string(op, &op_path)? {
            "Initialized" | "Changed" => {}
            "Deleted" => {
                return Ok(Decoded {
                    readings: Vec::new(),
                    ignored: 1,
                });
            }
            other => {
                return Err(invalid(
                    &op_path,
                    format!("{other:?} is not Initialized, Changed or Deleted"),
                ));
            }
        }
    }
    let time_path = root.key("UtcTime");
    let utc = string(item_of(msg, "UtcTime", &time_path)?, &time_path)?;
    let time = Timestamp::parse_rfc3339(utc).map_err(|e| invalid(&time_path, e))?;

    let source_path = root.key("Source");
    let source = object(item_of(msg, "Source", &source_path)?, &source_path)?;
    let rule_path = source_path.key("Rule");
    let rule = string(simple_item(source, "Rule", &rule_path)?, &rule_path)?;

    let data_path = root.key("Data");
    let data = object(item_of(msg, "Data", &data_path)?, &data_path)?;
    let count_path = data_path.key("Count");
    let n = count(simple_item(data, "Count", &count_path)?, &count_path, true)?;

    let reading = Reading {
        sensor: sensor.to_owned(),
        channel: rule.to_owned(),
        time,
        value: match kind {
            CountTopic::Counter => Measured::Counter {
                direction: None,
                total: n,
            },
            CountTopic::Occupancy => Measured::Occupancy { count: n },
        },
    };
    limits.check(&reading, |field| {
        match field {
            "time" => "UtcTime",
            "channel" => "Source.Rule",
            "value" => "Data.Count",
            _ => "(sensor id)",
        }
        .to_owned()
    })?;
    Ok(Decoded {
        readings: vec![reading],
        ignored: 0,
    })
}

/// Member `key` of the message, required.
fn item_of<'v>(
    msg: &'v Map<String, Value>,
    key: &str,
    path: &Path<'_>,
) -> Result<&'v Value, AdapterError> {
    msg.get(key).ok_or_else(|| missing(path))
}

/// The value of the item `name` of an item list: the member `"name": value` (the `onvif-ej`
/// form), or — as some devices publish the XML `tt:ItemList` literally — the element of
/// `"SimpleItem": [{"Name": name, "Value": value}, …]`.
fn simple_item<'v>(
    list: &'v Map<String, Value>,
    name: &str,
    path: &Path<'_>,
) -> Result<&'v Value, AdapterError> {
    if let Some(v) = list.get(name) {
        return Ok(v);
    }
    if let Some(items) = list.get("SimpleItem").and_then(Value::as_array) {
        for item in items {
            if item.get("Name").and_then(Value::as_str) == Some(name)
                && let Some(v) = item.get("Value")
            {
                return Ok(v);
            }
        }
    }
    Err(missing(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        now: Timestamp(1_670_708_300_000_000),
        max_ahead_s: 60.0,
    };
    const COUNTER: &str = "cam-7/onvif-ej/RuleEngine/CountAggregation/Counter/&1/Counter1";

    fn payload(count: &str) -> String {
        format!(
            r#"{{"UtcTime":"2022-12-10T21:38:09.000Z","Source":{{"VideoSource":"VideoSource_1","Rule":"Counter1"}},"Data":{{"Count":{count}}}}}"#
        )
    }

    #[test]
    fn topics() {
        assert_eq!(count_topic(COUNTER), Some(CountTopic::Counter));
        assert_eq!(
            count_topic("x/onvif-ej/RuleEngine/CountAggregation/OccupancyCounter/&1/Hall"),
            Some(CountTopic::Occupancy)
        );
        assert_eq!(
            count_topic("tns1:RuleEngine/tns1:CountAggregation/tns1:Counter"),
            Some(CountTopic::Counter)
        );
        assert_eq!(
            count_topic("x/onvif-ej/RuleEngine/LineDetector/Crossed"),
            None
        );
        assert_eq!(count_topic("Counter"), None);
    }

    #[test]
    fn counter_occupancy_and_item_lists() {
        let d = decode("cam-7", Some(COUNTER), payload("\"17\"").as_bytes(), LIMITS).unwrap();
        assert_eq!(d.readings[0].channel, "Counter1");
        assert_eq!(
            d.readings[0].value,
            Measured::Counter {
                direction: None,
                total: 17
            }
        );
        let listed = r#"{"UtcTime":"2022-12-10T21:38:09Z","Source":{"SimpleItem":[{"Name":"Rule","Value":"Hall"}]},"Data":{"SimpleItem":[{"Name":"Count","Value":"4"}]}}"#;
        let d = decode(
            "cam-7",
            Some("p/onvif-ej/RuleEngine/CountAggregation/OccupancyCounter"),
            listed.as_bytes(),
            LIMITS,
        )
        .unwrap();
        assert_eq!(d.readings[0].value, Measured::Occupancy { count: 4 });
        assert_eq!(d.readings[0].channel, "Hall");
        let other = decode(
            "cam-7",
            Some("p/onvif-ej/VideoSource/MotionAlarm"),
            b"{}",
            LIMITS,
        )
        .unwrap();
        assert_eq!((other.readings.len(), other.ignored), (0, 1));
    }

    #[test]
    fn bad_counts_and_fields_are_named() {
        let cases = [
            (
                "\"17.5\"",
                "Data.Count: out of range: \"17.5\" is not a whole number",
            ),
            ("\"-3\"", "Data.Count: out of range: \"-3\" is negative"),
            (
                "\"abc\"",
                "Data.Count: out of range: \"abc\" is not a count",
            ),
            (
                "\"NaN\"",
                "Data.Count: out of range: \"NaN\" is not a count",
            ),
            (
                "\"Infinity\"",
                "Data.Count: out of range: \"Infinity\" is not a count",
            ),
            ("-3", "Data.Count: out of range: -3 is negative"),
            ("true", "Data.Count: wrong type: a boolean"),
            (
                "\"2000000000\"",
                "Data.Count: out of range: count 2000000000 is above",
            ),
        ];
        for (count, want) in cases {
            let e = decode("cam-7", Some(COUNTER), payload(count).as_bytes(), LIMITS)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(want), "{count}: {e}");
        }
        let e = |body: &str| {
            decode("cam-7", Some(COUNTER), body.as_bytes(), LIMITS)
                .unwrap_err()
                .to_string()
        };
        assert!(
            e(r#"{"UtcTime":"2022-12-10T21:38:09Z","Source":{"Rule":"a"}}"#)
                .starts_with("Data: missing")
        );
        assert!(
            e(r#"{"UtcTime":"2022-12-10T21:38:09Z","Source":{},"Data":{"Count":"1"}}"#)
                .starts_with("Source.Rule: missing")
        );
        assert!(
            e(r#"{"UtcTime":"2032-12-10T21:38:09Z","Source":{"Rule":"a"},"Data":{"Count":"1"}}"#)
                .starts_with("UtcTime: out of range")
        );
        assert!(
            e(r#"{"UtcTime":"10/12/2022","Source":{"Rule":"a"},"Data":{"Count":"1"}}"#)
                .starts_with("UtcTime: \"10/12/2022\" is not an RFC 3339")
        );
        assert!(
            e(r#"{"UtcTime":"2022-12-10T21:38:09Z","Source":"a","Data":{"Count":"1"}}"#)
                .starts_with("Source: wrong type: a string")
        );
        assert!(e(r#"{"UtcTime":"2022-12-10T21:"#).starts_with("truncated JSON"));
        let http = decode("cam-7", None, payload("\"1\"").as_bytes(), LIMITS)
            .unwrap_err()
            .to_string();
        assert!(http.starts_with("Topic: missing"), "{http}");
    }

    #[test]
    fn fixtures() {
        let d = decode(
            "cam-7",
            Some("lyon/cam-7/onvif-ej/RuleEngine/CountAggregation/Counter/&1/NorthGateIn"),
            include_bytes!("../../tests/fixtures/adapters/onvif-counter.json"),
            LIMITS,
        )
        .unwrap();
        assert_eq!(d.readings.len(), 1);
        let r = &d.readings[0];
        assert_eq!(
            (r.sensor.as_str(), r.channel.as_str()),
            ("cam-7", "NorthGateIn")
        );
        assert_eq!(r.time, Timestamp(1_670_708_289_000_000));
        assert_eq!(
            r.value,
            Measured::Counter {
                direction: None,
                total: 1742
            }
        );
        let d = decode(
            "cam-7",
            Some("lyon/cam-7/onvif-ej/RuleEngine/CountAggregation/OccupancyCounter/&1/ForecourtOccupancy"),
            include_bytes!("../../tests/fixtures/adapters/onvif-occupancy.json"),
            LIMITS,
        )
        .unwrap();
        assert_eq!(d.readings[0].value, Measured::Occupancy { count: 312 });
        assert_eq!(d.readings[0].channel, "ForecourtOccupancy");
        assert_eq!(d.readings[0].time, Timestamp(1_670_708_290_250_000));
    }
}
