//! aman's own JSON for readings: the body of `POST …/readings` and the payload of an MQTT
//! message from a sensor whose adapter is `aman` (documented in `docs/serve.md`).
//!
//! ```json
//! {"readings": [
//!   {"time": "2022-12-10T21:38:09Z", "channel": "in", "kind": "counter", "total": 26},
//!   {"time": 1670708289.0333, "kind": "track", "track": 3, "x": -1.25, "y": 2.5}
//! ]}
//! ```
//!
//! `time` is an RFC 3339 date-time or seconds since the Unix epoch (UTC); `channel` may be
//! left out for a sensor with one channel; `sensor` may be left out (the URL or the MQTT
//! topic names it) and, if given, must be the sensor the request is authenticated as. The
//! other fields are those of [`Value`], tagged by `kind`.

use serde::{Deserialize, Serialize};

use crate::{Reading, Timestamp, Value};

/// Sensor time on the wire: RFC 3339 text or seconds since the epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum WireTime {
    /// Seconds since 1970-01-01T00:00:00Z.
    Seconds(f64),
    /// RFC 3339, e.g. `2022-12-10T21:38:09.033Z`.
    Text(String),
}

impl WireTime {
    /// The timestamp.
    ///
    /// # Errors
    /// A message saying why the time is not one.
    pub fn resolve(&self) -> Result<Timestamp, String> {
        match self {
            WireTime::Seconds(s) => Timestamp::from_secs_f64(*s)
                .ok_or_else(|| format!("{s} is not a time in seconds since 1970")),
            WireTime::Text(t) => Timestamp::parse_rfc3339(t),
        }
    }
}

/// One reading on the wire. Unknown fields are refused (by [`Value`], which receives every
/// field not named here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireReading {
    /// Sensor id; optional (the URL or topic names it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensor: Option<String>,
    /// Channel name; empty for a sensor's only channel.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub channel: String,
    /// Sensor time.
    pub time: WireTime,
    /// The value, flattened (`kind` and its fields).
    #[serde(flatten)]
    pub value: Value,
}

/// A batch of readings on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireBatch {
    /// The readings, in the sensor's order.
    pub readings: Vec<WireReading>,
}

impl WireReading {
    /// The wire form of `reading`, with its time in seconds and without the sensor id.
    pub fn from_reading(reading: &Reading) -> WireReading {
        WireReading {
            sensor: None,
            channel: reading.channel.clone(),
            time: WireTime::Seconds(reading.time.as_secs_f64()),
            value: reading.value.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Direction;

    #[test]
    fn parses_the_documented_example_and_round_trips() {
        let body = r#"{"readings": [
          {"time": "2022-12-10T21:38:09Z", "channel": "in", "kind": "counter", "total": 26},
          {"time": 1670708289.0333, "kind": "track", "track": 3, "x": -1.25, "y": 2.5}
        ]}"#;
        let b: WireBatch = serde_json::from_str(body).unwrap();
        assert_eq!(b.readings.len(), 2);
        assert_eq!(
            b.readings[0].value,
            Value::Counter {
                direction: None,
                total: 26
            }
        );
        assert_eq!(
            b.readings[0].time.resolve().unwrap().0,
            1_670_708_289_000_000
        );
        assert_eq!(
            b.readings[1].time.resolve().unwrap().0,
            1_670_708_289_033_300
        );
        let r = Reading {
            sensor: "s".into(),
            channel: "c".into(),
            time: Timestamp(1_670_708_289_033_333),
            value: Value::Crossings {
                direction: Some(Direction::Out),
                count: 2,
            },
        };
        let w = WireReading::from_reading(&r);
        let back: WireReading = serde_json::from_str(&serde_json::to_string(&w).unwrap()).unwrap();
        assert_eq!(back.time.resolve().unwrap(), r.time);
        assert_eq!(back.value, r.value);
    }

    #[test]
    fn unknown_fields_and_kinds_are_refused() {
        for bad in [
            r#"{"readings":[{"time":1.0,"kind":"counter","total":1,"totl":2}]}"#,
            r#"{"readings":[{"time":1.0,"kind":"face","image":"..."}]}"#,
            r#"{"readings":[{"time":1.0,"kind":"occupancy","count":-1}]}"#,
            r#"{"readings":[],"extra":1}"#,
        ] {
            assert!(serde_json::from_str::<WireBatch>(bad).is_err(), "{bad}");
        }
    }
}
