//! aman's own JSON: the [`crate::wire`] format (`docs/serve.md`, "Sensor payloads"), as a
//! batch `{"readings": [...]}` or — handy over MQTT — one reading object unwrapped.
//!
//! Source: this repository's `crates/aman-monitor/src/wire.rs`. The fast path deserialises
//! straight into [`WireBatch`] / [`WireReading`]; only when that fails is the payload walked
//! as a JSON tree to name the offending field (`readings[3].time`) and the reason.

use serde_json::{Map, Value};

use super::{
    AdapterError, Decoded, EpochUnit, Limits, Path, array, check_batch, count, invalid, missing,
    number, object, parse_json, required, string, time, wrong_type,
};
use crate::wire::{WireBatch, WireReading};
use crate::{Reading, Timestamp, Value as Measured};

/// Decodes an aman payload of the authenticated `sensor`.
///
/// # Errors
/// See [`AdapterError`]; a reading whose `sensor` differs from `sensor` is
/// [`AdapterError::WrongSensor`].
pub fn decode(sensor: &str, body: &[u8], limits: Limits) -> Result<Decoded, AdapterError> {
    let root = Path::ROOT;
    // Fast path: a borrowing parse of a batch (see [`fast`]); what it does not take goes
    // to the typed parse of `crate::wire`, which decides.
    if let Ok(batch) = serde_json::from_slice::<fast::Batch<'_>>(body)
        && let Some(values) = batch.values()
    {
        check_batch(values.len())?;
        let list = root.key("readings");
        let mut readings = Vec::with_capacity(values.len());
        for (i, (r, value)) in batch.readings.into_iter().zip(values).enumerate() {
            let time = r.time.resolve();
            readings.push(convert(
                sensor,
                r.sensor.as_deref(),
                r.channel.into_owned(),
                time,
                value,
                &list.index(i),
                limits,
            )?);
        }
        return Ok(Decoded {
            readings,
            ignored: 0,
        });
    }
    if let Ok(batch) = serde_json::from_slice::<WireBatch>(body) {
        check_batch(batch.readings.len())?;
        let list = root.key("readings");
        let mut readings = Vec::with_capacity(batch.readings.len());
        for (i, w) in batch.readings.into_iter().enumerate() {
            readings.push(convert_wire(sensor, w, &list.index(i), limits)?);
        }
        return Ok(Decoded {
            readings,
            ignored: 0,
        });
    }
    if let Ok(one) = serde_json::from_slice::<WireReading>(body) {
        let reading = convert_wire(sensor, one, &root, limits)?;
        return Ok(Decoded {
            readings: vec![reading],
            ignored: 0,
        });
    }
    Err(diagnose(body))
}

fn convert_wire(
    sensor: &str,
    w: WireReading,
    path: &Path<'_>,
    limits: Limits,
) -> Result<Reading, AdapterError> {
    let time = w.time.resolve();
    convert(
        sensor,
        w.sensor.as_deref(),
        w.channel,
        time,
        w.value,
        path,
        limits,
    )
}

/// A reading of `sensor` as a checked [`Reading`]; `found` is the sensor id the payload
/// names, if any; `path` is where the reading sits.
fn convert(
    sensor: &str,
    found: Option<&str>,
    channel: String,
    time: Result<Timestamp, String>,
    value: Measured,
    path: &Path<'_>,
    limits: Limits,
) -> Result<Reading, AdapterError> {
    if let Some(found) = found
        && found != sensor
    {
        return Err(AdapterError::WrongSensor {
            field: path.join("sensor"),
            found: found.to_owned(),
            expected: sensor.to_owned(),
        });
    }
    let time = time.map_err(|reason| AdapterError::Invalid {
        field: path.join("time"),
        reason,
    })?;
    let reading = Reading {
        sensor: sensor.to_owned(),
        channel,
        time,
        value,
    };
    limits.check(&reading, |field| {
        path.join(&wire_field(field, &reading.value))
    })?;
    Ok(reading)
}

/// The ingest hot path: the batch of [`crate::wire`] parsed without `serde(flatten)` or
/// untagged buffering, borrowing names from the body. It takes only what `crate::wire`
/// takes, with the same meaning (checked by the round-trip property tests); anything else
/// — another field, a field that does not belong to the reading's kind — makes it step
/// aside, and the typed parse of `crate::wire` decides.
mod fast {
    use std::borrow::Cow;
    use std::fmt;

    use serde::Deserialize;
    use serde::de::{self, Deserializer, Visitor};

    use crate::{Direction, Timestamp, Value as Measured};

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Batch<'a> {
        #[serde(borrow)]
        pub(super) readings: Vec<Reading<'a>>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Reading<'a> {
        #[serde(default, borrow)]
        pub(super) sensor: Option<Cow<'a, str>>,
        #[serde(default, borrow)]
        pub(super) channel: Cow<'a, str>,
        #[serde(borrow)]
        pub(super) time: Time<'a>,
        #[serde(borrow)]
        kind: Cow<'a, str>,
        // Each value field: absent → None; present → Some (null refused, as by
        // `crate::wire` for a field its kind does not have).
        #[serde(default, deserialize_with = "present")]
        direction: Option<Option<Direction>>,
        #[serde(default, deserialize_with = "present")]
        total: Option<u64>,
        #[serde(default, deserialize_with = "present")]
        count: Option<u64>,
        #[serde(default, deserialize_with = "present")]
        density: Option<f64>,
        #[serde(default, deserialize_with = "present")]
        track: Option<u64>,
        #[serde(default, deserialize_with = "present")]
        x: Option<f64>,
        #[serde(default, deserialize_with = "present")]
        y: Option<f64>,
    }

    fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        T::deserialize(d).map(Some)
    }

    impl Batch<'_> {
        /// Every reading's value, or `None` if one has fields its kind does not.
        pub(super) fn values(&self) -> Option<Vec<Measured>> {
            self.readings.iter().map(Reading::value).collect()
        }
    }

    impl Reading<'_> {
        fn value(&self) -> Option<Measured> {
            let r = self;
            let none_of_count = r.count.is_none() && r.total.is_none();
            let no_track = r.track.is_none() && r.x.is_none() && r.y.is_none();
            match (&*r.kind, r.direction) {
                ("counter", direction) if r.count.is_none() && no_track && r.density.is_none() => {
                    Some(Measured::Counter {
                        direction: direction.flatten(),
                        total: r.total?,
                    })
                }
                ("crossings", direction)
                    if r.total.is_none() && no_track && r.density.is_none() =>
                {
                    Some(Measured::Crossings {
                        direction: direction.flatten(),
                        count: r.count?,
                    })
                }
                ("occupancy", None) if r.total.is_none() && no_track && r.density.is_none() => {
                    Some(Measured::Occupancy { count: r.count? })
                }
                ("density", None) if none_of_count && no_track => Some(Measured::Density {
                    density: r.density?,
                }),
                ("track", None) if none_of_count && r.density.is_none() => Some(Measured::Track {
                    track: r.track?,
                    x: r.x?,
                    y: r.y?,
                }),
                _ => None,
            }
        }
    }

    /// `crate::wire::WireTime`, borrowed: seconds since 1970 or RFC 3339 text.
    pub(super) enum Time<'a> {
        Seconds(f64),
        Text(Cow<'a, str>),
    }

    impl Time<'_> {
        pub(super) fn resolve(&self) -> Result<Timestamp, String> {
            match self {
                Time::Seconds(s) => Timestamp::from_secs_f64(*s)
                    .ok_or_else(|| format!("{s} is not a time in seconds since 1970")),
                Time::Text(t) => Timestamp::parse_rfc3339(t),
            }
        }
    }

    impl<'de: 'a, 'a> Deserialize<'de> for Time<'a> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Time<'de>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("seconds since 1970 or an RFC 3339 date-time")
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<Time<'de>, E> {
                    Ok(Time::Seconds(v))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Time<'de>, E> {
                    Ok(Time::Seconds(v as f64))
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<Time<'de>, E> {
                    Ok(Time::Seconds(v as f64))
                }
                fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Time<'de>, E> {
                    Ok(Time::Text(Cow::Borrowed(v)))
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Time<'de>, E> {
                    Ok(Time::Text(Cow::Owned(v.to_owned())))
                }
            }
            d.deserialize_any(V)
        }
    }
}

/// The wire name of a field [`Reading::check`] names: the value's fields are flattened.
fn wire_field(field: &str, value: &Measured) -> String {
    match field {
        "value" => match value {
            Measured::Counter { .. } => "total".to_owned(),
            _ => "count".to_owned(),
        },
        _ => field.strip_prefix("value.").unwrap_or(field).to_owned(),
    }
}

/// Why the typed parse failed, found by walking the payload: the first bad field with its
/// path. Falls back to serde's own message (with line and column) if the walk finds none.
fn diagnose(body: &[u8]) -> AdapterError {
    let v = match parse_json(body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let root = Path::ROOT;
    let walked = match &v {
        Value::Object(obj) if obj.contains_key("readings") => walk_batch(obj, &root),
        Value::Object(_) => walk_reading(&v, &root),
        _ => Err(wrong_type(
            &root,
            &v,
            "an object: {\"readings\": [...]} or one reading",
        )),
    };
    match walked {
        Err(e) => e,
        Ok(()) => {
            // The walk accepts what the typed parse refused: report serde's reason.
            let e = serde_json::from_slice::<WireBatch>(body)
                .err()
                .map(|e| super::json_error(&e));
            e.unwrap_or_else(|| invalid(&root, "not an aman payload"))
        }
    }
}

fn walk_batch(obj: &Map<String, Value>, root: &Path<'_>) -> Result<(), AdapterError> {
    for key in obj.keys() {
        if key != "readings" {
            return Err(invalid(
                &root.key(key),
                "unknown field; a batch has only \"readings\"",
            ));
        }
    }
    let list = root.key("readings");
    let items = array(required(obj, "readings", &list)?, &list)?;
    check_batch(items.len())?;
    for (i, item) in items.iter().enumerate() {
        walk_reading(item, &list.index(i))?;
    }
    Ok(())
}

const KINDS: &str = "counter, crossings, occupancy, density or track";

fn walk_reading(v: &Value, path: &Path<'_>) -> Result<(), AdapterError> {
    let obj = object(v, path)?;
    let kind_path = path.key("kind");
    let kind = string(required(obj, "kind", &kind_path)?, &kind_path)?;
    let fields: &[&str] = match kind {
        "counter" => &["direction", "total"],
        "crossings" => &["direction", "count"],
        "occupancy" => &["count"],
        "density" => &["density"],
        "track" => &["track", "x", "y"],
        other => {
            return Err(invalid(
                &kind_path,
                format!("{other:?} is not a kind of reading; one of {KINDS}"),
            ));
        }
    };
    for (key, value) in obj {
        let p = path.key(key);
        match key.as_str() {
            "sensor" | "channel" => {
                string(value, &p)?;
            }
            "time" => {
                time(value, &p, EpochUnit::Seconds)?;
            }
            "kind" => {}
            "direction" if fields.contains(&"direction") => match value.as_str() {
                Some("in" | "out") => {}
                Some(other) => {
                    return Err(invalid(
                        &p,
                        format!("{other:?} is not a direction; \"in\" or \"out\""),
                    ));
                }
                None => return Err(wrong_type(&p, value, "\"in\" or \"out\"")),
            },
            "total" | "count" | "track" if fields.contains(&key.as_str()) => {
                count(value, &p, false)?;
            }
            "density" | "x" | "y" if fields.contains(&key.as_str()) => {
                number(value, &p)?;
            }
            _ => {
                return Err(invalid(
                    &p,
                    format!(
                        "unknown field for kind {kind:?} (its fields: time, channel, sensor, kind, {})",
                        fields.join(", ")
                    ),
                ));
            }
        }
    }
    let time_path = path.key("time");
    if !obj.contains_key("time") {
        return Err(missing(&time_path));
    }
    for field in fields {
        if *field != "direction" && !obj.contains_key(*field) {
            return Err(missing(&path.key(field)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Direction;

    const NOW: Timestamp = Timestamp(1_670_708_300_000_000);
    const LIMITS: Limits = Limits {
        now: NOW,
        max_ahead_s: 60.0,
    };

    fn err(body: &str) -> String {
        decode("cam-1", body.as_bytes(), LIMITS)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn batch_and_single_reading() {
        let d = decode(
            "cam-1",
            br#"{"readings": [
              {"time": "2022-12-10T21:38:09Z", "channel": "in", "kind": "counter", "total": 26},
              {"time": 1670708289.0333, "kind": "track", "track": 3, "x": -1.25, "y": 2.5, "sensor": "cam-1"}
            ]}"#,
            LIMITS,
        )
        .unwrap();
        assert_eq!(d.readings.len(), 2);
        assert_eq!(d.readings[0].sensor, "cam-1");
        assert_eq!(d.readings[0].channel, "in");
        let one = decode(
            "cam-1",
            br#"{"time": 1670708289, "kind": "crossings", "direction": "out", "count": 2}"#,
            LIMITS,
        )
        .unwrap();
        assert_eq!(
            one.readings[0].value,
            Measured::Crossings {
                direction: Some(Direction::Out),
                count: 2
            }
        );
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (
                r#"{"readings":[{"time":1670708289,"kind":"occupancy","count":-1}]}"#,
                "readings[0].count: out of range: -1 is negative",
            ),
            (
                r#"{"readings":[{"time":1670708289,"kind":"occupancy","count":1},{"time":"yesterday","kind":"occupancy","count":1}]}"#,
                "readings[1].time: \"yesterday\" is not an RFC 3339",
            ),
            (
                r#"{"readings":[{"kind":"occupancy","count":1}]}"#,
                "readings[0].time: missing",
            ),
            (
                r#"{"readings":[{"time":1670708289,"kind":"occupancy","count":"3"}]}"#,
                "readings[0].count: wrong type: a string",
            ),
            (
                r#"{"readings":[{"time":1670708289,"kind":"occupancy","count":2.5}]}"#,
                "readings[0].count: out of range: 2.5 is not a whole number",
            ),
            (
                r#"{"readings":[{"time":1670708289,"kind":"face","image":"..."}]}"#,
                "readings[0].kind: \"face\" is not a kind",
            ),
            (
                r#"{"readings":[{"time":1670708289,"kind":"track","track":1,"x":1,"y":2,"z":3}]}"#,
                "readings[0].z: unknown field",
            ),
            (
                r#"{"readings":[{"time":1670708289,"kind":"density","density":25}]}"#,
                "readings[0].density: out of range: 25 is not a density",
            ),
            (
                r#"{"readings":[{"time":1670708289,"kind":"occupancy","count":1,"sensor":"cam-2"}]}"#,
                "readings[0].sensor: sensor \"cam-2\" is not the authenticated sensor \"cam-1\"",
            ),
            (
                r#"{"readings":[{"time":1770708289,"kind":"occupancy","count":1}]}"#,
                "readings[0].time: out of range: 2026-02-10",
            ),
            (
                r#"{"readings":[{"time":1670708289,"kind":"counter","total":1000000001}]}"#,
                "readings[0].total: out of range: count 1000000001 is above",
            ),
            (
                r#"{"readings":{}}"#,
                "readings: wrong type: an object where an array is expected",
            ),
            (
                r#"{"readings":[{"time":1670708289,"kind":"occupancy","count":1,"direction":null}]}"#,
                "readings[0].direction: unknown field for kind \"occupancy\"",
            ),
            (
                r#"{"readings":[{"time":1670708289,"kind":"occupancy","count":1,"total":null}]}"#,
                "readings[0].total: unknown field",
            ),
            (r#"{"readings":[],"extra":1}"#, "extra: unknown field"),
            (r#"[1,2]"#, "(payload): wrong type: an array"),
            (
                r#"{"readings":[{"time":1670708289,"kind":"occupancy","count":1}"#,
                "truncated JSON",
            ),
            (
                r#"{"readings":[{"time":NaN,"kind":"density","density":1}]}"#,
                "not JSON: expected value at line 1, column 22",
            ),
        ];
        for (body, expected) in cases {
            let e = err(body);
            assert!(
                e.starts_with(expected),
                "{body}\n  gave {e}\n  want {expected}"
            );
        }
    }

    #[test]
    fn too_many_readings() {
        let one = r#"{"time":1670708289,"kind":"occupancy","count":1}"#;
        let body = format!(
            "{{\"readings\":[{}]}}",
            vec![one; super::super::MAX_BATCH + 1].join(",")
        );
        assert!(err(&body).starts_with("10001 readings in one payload"));
        let body = format!(
            "{{\"readings\":[{}]}}",
            vec![one; super::super::MAX_BATCH].join(",")
        );
        assert_eq!(
            decode("cam-1", body.as_bytes(), LIMITS)
                .unwrap()
                .readings
                .len(),
            10_000
        );
    }

    #[test]
    fn fixtures() {
        let body = include_bytes!("../../tests/fixtures/adapters/aman-batch.json");
        let d = decode("lyon-topview", body, LIMITS).unwrap();
        let got: Vec<(&str, i64, &Measured)> = d
            .readings
            .iter()
            .map(|r| (r.channel.as_str(), r.time.0, &r.value))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "chenavard-in",
                    1_670_708_289_000_000,
                    &Measured::Counter {
                        direction: Some(Direction::In),
                        total: 26
                    }
                ),
                (
                    "topview",
                    1_670_708_289_500_000,
                    &Measured::Occupancy { count: 41 }
                ),
                (
                    "topview",
                    1_670_708_289_500_000,
                    &Measured::Density { density: 1.75 }
                ),
                (
                    "",
                    1_670_708_289_040_000,
                    &Measured::Track {
                        track: 3,
                        x: -1.25,
                        y: 2.5
                    }
                ),
                (
                    "constantine",
                    1_670_708_289_040_000,
                    &Measured::Crossings {
                        direction: Some(Direction::Out),
                        count: 2
                    }
                ),
            ]
        );
        assert!(d.readings.iter().all(|r| r.sensor == "lyon-topview"));
        let e = decode("cam-1", body, LIMITS).unwrap_err();
        assert_eq!(e.field(), Some("readings[4].sensor"));
        let one = decode(
            "hall-cam",
            include_bytes!("../../tests/fixtures/adapters/aman-single.json"),
            LIMITS,
        )
        .unwrap();
        assert_eq!(one.readings[0].value, Measured::Occupancy { count: 117 });
        assert_eq!(one.readings[0].time, Timestamp(1_670_708_289_033_000));
    }
}
