//! Readings: what a sensor reports, after its vendor adapter, before the venue gives it a
//! meaning.
//!
//! A [`Reading`] is aggregate only — counts, occupancy, a density, or one anonymous position
//! of a track. The data model has no field for an image, a face or any other personal data,
//! by construction: an adapter that receives one drops it.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// Longest sensor id and channel name, bytes.
pub const MAX_NAME_LEN: usize = 128;

/// Highest count a reading may carry: 10⁹ persons (a counter above it is broken).
pub const MAX_COUNT: u64 = 1_000_000_000;

/// Highest density a reading may carry, 1/m²: 20 (no crowd exceeds ≈ 10; above is an error).
pub const MAX_DENSITY: f64 = 20.0;

/// Largest |coordinate| of a track position, m (sensor coordinates, before the venue's
/// transform).
pub const MAX_COORDINATE: f64 = 1.0e6;

/// Direction of a line crossing, relative to the line's "in" side (see
/// [`crate::venue::Line`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Towards the line's "in" side.
    In,
    /// Away from it.
    Out,
}

impl Direction {
    /// `"in"` or `"out"`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// What a sensor measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Value {
    /// A cumulative crossing counter as the sensor shows it: persons counted since the
    /// counter's last reset (ONVIF `CountAggregation`, a Xovis line's total, a manual tally).
    /// The raw value is kept; the monitor derives the crossings between two readings and
    /// treats a decrease as a reset. `direction` may be left to the venue's channel.
    Counter {
        /// Crossing direction, if the payload says it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        direction: Option<Direction>,
        /// The counter, persons.
        total: u64,
    },
    /// Crossings since the sensor's previous report of this channel (Xovis COUNT events).
    Crossings {
        /// Crossing direction, if the payload says it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        direction: Option<Direction>,
        /// Persons.
        count: u64,
    },
    /// Persons in the zone now (ONVIF `OccupancyCounter`, Axis occupancy).
    Occupancy {
        /// Persons.
        count: u64,
    },
    /// Density the sensor estimated over its zone, 1/m².
    Density {
        /// 1/m².
        density: f64,
    },
    /// One position of an anonymous track: the sensor's own track number and coordinates in
    /// metres in the sensor's frame (the venue's transform takes them to venue metres).
    Track {
        /// Track number, unique per sensor while the person is in view.
        track: u64,
        /// m, sensor frame.
        x: f64,
        /// m, sensor frame.
        y: f64,
    },
}

impl Value {
    /// Short name of the kind: `counter`, `crossings`, `occupancy`, `density`, `track`.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Counter { .. } => "counter",
            Value::Crossings { .. } => "crossings",
            Value::Occupancy { .. } => "occupancy",
            Value::Density { .. } => "density",
            Value::Track { .. } => "track",
        }
    }
}

/// One reading of one sensor: who, which of its channels (rule, counter, line, scenario),
/// when by the sensor's clock, and what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    /// Sensor id, as in the venue file.
    pub sensor: String,
    /// The sensor's channel: its rule, counter, line or scenario name (ONVIF `Rule`, Xovis
    /// line name, Axis scenario); empty for a sensor with one channel.
    #[serde(default)]
    pub channel: String,
    /// When the sensor measured it (the sensor's clock), UTC. Kept apart from the time the
    /// server received it.
    pub time: Timestamp,
    /// What it measured.
    pub value: Value,
}

/// Why a reading is refused (checked before it is stored).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadingError {
    /// A field is missing, of the wrong type or out of range.
    #[error("{field}: {reason}")]
    Field {
        /// Dotted path of the field, e.g. `readings[3].value.density`.
        field: String,
        /// What is wrong and what is allowed.
        reason: String,
    },
}

impl ReadingError {
    /// An error for `field`.
    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> ReadingError {
        ReadingError::Field {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl Reading {
    /// Checks the ranges a sensor cannot exceed: names non-empty (sensor) and at most
    /// [`MAX_NAME_LEN`] bytes without control characters, counts ≤ [`MAX_COUNT`], density
    /// finite in [0, [`MAX_DENSITY`]], coordinates finite with |x|, |y| ≤ [`MAX_COORDINATE`],
    /// time not before [`crate::time::EARLIEST`] and not more than `max_ahead_s` seconds
    /// after `now` (a sensor clock in the future).
    ///
    /// # Errors
    /// [`ReadingError::Field`] naming the first bad field (relative to the reading, e.g.
    /// `value.density`).
    pub fn check(&self, now: Timestamp, max_ahead_s: f64) -> Result<(), ReadingError> {
        check_name("sensor", &self.sensor, false)?;
        check_name("channel", &self.channel, true)?;
        if self.time < crate::time::EARLIEST {
            return Err(ReadingError::field(
                "time",
                format!(
                    "{} is before 2000-01-01: the sensor's clock is not set",
                    self.time
                ),
            ));
        }
        if self.time.secs_since(now) > max_ahead_s {
            return Err(ReadingError::field(
                "time",
                format!(
                    "{} is {:.0} s after the server's clock ({now}); at most {max_ahead_s} s \
                     ahead is accepted: set the sensor's clock (NTP)",
                    self.time,
                    self.time.secs_since(now)
                ),
            ));
        }
        match self.value {
            Value::Counter { total: n, .. }
            | Value::Crossings { count: n, .. }
            | Value::Occupancy { count: n } => {
                if n > MAX_COUNT {
                    return Err(ReadingError::field(
                        "value",
                        format!("count {n} is above {MAX_COUNT}"),
                    ));
                }
            }
            Value::Density { density } => {
                if !(density.is_finite() && (0.0..=MAX_DENSITY).contains(&density)) {
                    return Err(ReadingError::field(
                        "value.density",
                        format!("{density} is not a density in [0, {MAX_DENSITY}] 1/m²"),
                    ));
                }
            }
            Value::Track { x, y, .. } => {
                for (name, v) in [("value.x", x), ("value.y", y)] {
                    if !(v.is_finite() && v.abs() <= MAX_COORDINATE) {
                        return Err(ReadingError::field(
                            name,
                            format!("{v} is not a coordinate within ±{MAX_COORDINATE} m"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

fn check_name(field: &str, name: &str, may_be_empty: bool) -> Result<(), ReadingError> {
    if name.is_empty() && !may_be_empty {
        return Err(ReadingError::field(field, "is empty"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(ReadingError::field(
            field,
            format!("is {} bytes long, at most {MAX_NAME_LEN}", name.len()),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(ReadingError::field(field, "contains a control character"));
    }
    Ok(())
}

/// A reading as the server logged it: its place in the log and when it arrived. The monitor
/// works on these, in `seq` order, so the same log gives the same state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logged {
    /// Position in the append-only readings log (1, 2, …), assigned when stored.
    pub seq: u64,
    /// When the server received it (its clock), UTC.
    pub received: Timestamp,
    /// The reading.
    pub reading: Reading,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(value: Value) -> Reading {
        Reading {
            sensor: "cam-1".into(),
            channel: String::new(),
            time: Timestamp(1_670_708_289_000_000),
            value,
        }
    }

    #[test]
    fn ranges_are_checked_and_named() {
        let now = Timestamp(1_670_708_289_000_000);
        assert!(at(Value::Density { density: 2.0 }).check(now, 60.0).is_ok());
        let e = at(Value::Density { density: f64::NAN })
            .check(now, 60.0)
            .unwrap_err();
        assert!(e.to_string().starts_with("value.density: NaN"), "{e}");
        let e = at(Value::Track {
            track: 1,
            x: f64::INFINITY,
            y: 0.0,
        })
        .check(now, 60.0)
        .unwrap_err();
        assert!(e.to_string().starts_with("value.x: inf"), "{e}");
        let mut r = at(Value::Occupancy { count: 3 });
        r.time = now.add_secs(3600.0);
        let e = r.check(now, 60.0).unwrap_err();
        assert!(e.to_string().contains("3600 s after"), "{e}");
        r.time = Timestamp(0);
        assert!(
            r.check(now, 60.0)
                .unwrap_err()
                .to_string()
                .contains("before 2000")
        );
        let mut r = at(Value::Occupancy {
            count: MAX_COUNT + 1,
        });
        assert!(r.check(now, 60.0).is_err());
        r.value = Value::Occupancy { count: 1 };
        r.sensor = String::new();
        assert_eq!(
            r.check(now, 60.0).unwrap_err().to_string(),
            "sensor: is empty"
        );
    }

    #[test]
    fn json_shape() {
        let r = at(Value::Counter {
            direction: Some(Direction::In),
            total: 17,
        });
        let j = serde_json::to_string(&r).unwrap();
        assert_eq!(
            j,
            r#"{"sensor":"cam-1","channel":"","time":"2022-12-10T21:38:09Z","value":{"kind":"counter","direction":"in","total":17}}"#
        );
        assert_eq!(serde_json::from_str::<Reading>(&j).unwrap(), r);
        let bad = j.replace("\"total\"", "\"totl\"");
        assert!(serde_json::from_str::<Reading>(&bad).is_err());
    }
}
