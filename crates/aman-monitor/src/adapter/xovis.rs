//! Xovis PC-series data push, live data: frames of tracked persons and count events.
//!
//! Source: Xovis PC-Series User Manual (data push agents: "live data" / "person
//! coordinates" pushed over HTTP(S) with a granularity of 0.25–2.5 s, line counts as JSON),
//! and the shape given in aman issue 13. Xovis's own data-push API reference is not public;
//! the member names below follow the issue and must be checked against a real sensor's push
//! before production (see `docs/serve.md`, section 3).
//!
//! ```json
//! {"live_data": {"frames": [
//!   {"time": "2022-12-10T21:38:09.040Z",
//!    "tracked_objects": [{"id": 3172, "type": "PERSON", "position": [-125.0, 250.0, 172.0]}],
//!    "events": [{"type": "COUNT",
//!                "attributes": {"line_id": 1, "line_name": "north-gate", "direction": "fw"}}]}
//! ]}}
//! ```
//!
//! * a frame's `time` is RFC 3339 or milliseconds since 1970;
//! * a `COUNT` event is one crossing of the line (`count` if the event carries one) →
//!   [`Measured::Crossings`], channel = `line_name`, else `line_id`; `direction` `fw`/`in` →
//!   in, `bw`/`out` → out; other event types are ignored (counted in [`Decoded::ignored`]);
//! * a tracked object is one position of an anonymous track → [`Measured::Track`],
//!   channel "", `position` `[x, y]` or `[x, y, z]` in **centimetres** in the sensor's frame,
//!   converted to metres; an object whose optional `type` is not `PERSON` is ignored.

use serde_json::Value;

use super::{
    AdapterError, Decoded, EpochUnit, Limits, Path, array, check_batch, count, invalid, missing,
    number, object, parse_json, required, string, time, wrong_type,
};
use crate::{Direction, Reading, Timestamp, Value as Measured};

/// Metres per unit of a Xovis position (centimetres).
pub const POSITION_UNIT_M: f64 = 0.01;

/// Decodes a Xovis live-data push of the authenticated `sensor`.
///
/// # Errors
/// See [`AdapterError`]; e.g.
/// `live_data.frames[2].events[0].attributes.direction: "up" is not a direction`.
pub fn decode(sensor: &str, body: &[u8], limits: Limits) -> Result<Decoded, AdapterError> {
    let v = parse_json(body)?;
    let root = Path::ROOT;
    let top = object(&v, &root)?;
    let live = root.key("live_data");
    let live_obj = object(required(top, "live_data", &live)?, &live)?;
    let frames_path = live.key("frames");
    let frames = array(required(live_obj, "frames", &frames_path)?, &frames_path)?;
    let mut out = Decoded::default();
    for (i, frame) in frames.iter().enumerate() {
        let fp = frames_path.index(i);
        decode_frame(sensor, frame, &fp, limits, &mut out)?;
        check_batch(out.readings.len())?;
    }
    Ok(out)
}

fn decode_frame(
    sensor: &str,
    frame: &Value,
    fp: &Path<'_>,
    limits: Limits,
    out: &mut Decoded,
) -> Result<(), AdapterError> {
    let obj = object(frame, fp)?;
    let tp = fp.key("time");
    let t = time(required(obj, "time", &tp)?, &tp, EpochUnit::Millis)?;
    if let Some(objects) = obj.get("tracked_objects") {
        let op = fp.key("tracked_objects");
        for (j, o) in array(objects, &op)?.iter().enumerate() {
            let p = op.index(j);
            match track(sensor, o, &p, t)? {
                Some(r) => {
                    limits.check(&r, |f| {
                        check_path(f, &p, "position[0]", "position[1]", "id")
                    })?;
                    out.readings.push(r);
                }
                None => out.ignored += 1,
            }
        }
    }
    if let Some(events) = obj.get("events") {
        let ep = fp.key("events");
        for (j, e) in array(events, &ep)?.iter().enumerate() {
            let p = ep.index(j);
            match crossing(sensor, e, &p, t)? {
                Some(r) => {
                    limits.check(&r, |f| check_path(f, &p, "", "", "attributes.count"))?;
                    out.readings.push(r);
                }
                None => out.ignored += 1,
            }
        }
    }
    Ok(())
}

/// Path of a field [`Reading::check`] names, for a reading decoded at `p`.
fn check_path(field: &str, p: &Path<'_>, x: &str, y: &str, value: &str) -> String {
    match field {
        "value.x" => p.join(x),
        "value.y" => p.join(y),
        "value" => p.join(value),
        "channel" => p.join("attributes.line_name"),
        "time" => {
            // The frame's time: drop the last two segments (`.events[j]`).
            let s = p.to_string();
            match s.rfind('.') {
                Some(k) => format!("{}.time", &s[..k]),
                None => "time".to_owned(),
            }
        }
        other => p.join(other),
    }
}

fn track(
    sensor: &str,
    o: &Value,
    p: &Path<'_>,
    time: Timestamp,
) -> Result<Option<Reading>, AdapterError> {
    let obj = object(o, p)?;
    if let Some(kind) = obj.get("type")
        && string(kind, &p.key("type"))? != "PERSON"
    {
        return Ok(None);
    }
    let idp = p.key("id");
    let id = count(required(obj, "id", &idp)?, &idp, false)?;
    let pp = p.key("position");
    let pos = array(required(obj, "position", &pp)?, &pp)?;
    if !(2..=3).contains(&pos.len()) {
        return Err(invalid(
            &pp,
            format!(
                "{} coordinates; [x, y] or [x, y, z] in cm is expected",
                pos.len()
            ),
        ));
    }
    let x = number(&pos[0], &pp.index(0))? * POSITION_UNIT_M;
    let y = number(&pos[1], &pp.index(1))? * POSITION_UNIT_M;
    Ok(Some(Reading {
        sensor: sensor.to_owned(),
        channel: String::new(),
        time,
        value: Measured::Track { track: id, x, y },
    }))
}

fn crossing(
    sensor: &str,
    e: &Value,
    p: &Path<'_>,
    time: Timestamp,
) -> Result<Option<Reading>, AdapterError> {
    let obj = object(e, p)?;
    let tp = p.key("type");
    if string(required(obj, "type", &tp)?, &tp)? != "COUNT" {
        return Ok(None);
    }
    let ap = p.key("attributes");
    let attrs = object(required(obj, "attributes", &ap)?, &ap)?;
    let np = ap.key("line_name");
    let channel = match (attrs.get("line_name"), attrs.get("line_id")) {
        (Some(name), _) => string(name, &np)?.to_owned(),
        (None, Some(Value::String(id))) => id.clone(),
        (None, Some(id)) => count(id, &ap.key("line_id"), false)?.to_string(),
        (None, None) => return Err(missing(&np)),
    };
    let dp = ap.key("direction");
    let d = required(attrs, "direction", &dp)?;
    let direction = match d.as_str() {
        Some("fw" | "in") => Direction::In,
        Some("bw" | "out") => Direction::Out,
        Some(other) => {
            return Err(invalid(
                &dp,
                format!("{other:?} is not a direction; \"fw\" (in) or \"bw\" (out)"),
            ));
        }
        None => return Err(wrong_type(&dp, d, "\"fw\" or \"bw\"")),
    };
    let n = match attrs.get("count") {
        Some(c) => count(c, &ap.key("count"), false)?,
        None => 1,
    };
    Ok(Some(Reading {
        sensor: sensor.to_owned(),
        channel,
        time,
        value: Measured::Crossings {
            direction: Some(direction),
            count: n,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        now: Timestamp(1_670_708_300_000_000),
        max_ahead_s: 60.0,
    };

    fn err(body: &str) -> String {
        decode("x-1", body.as_bytes(), LIMITS)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn tracks_in_metres_and_crossings() {
        let d = decode(
            "x-1",
            br#"{"live_data":{"frames":[{"time":1670708289040,
              "tracked_objects":[{"id":7,"position":[-125,250,172]},{"id":8,"type":"GROUP","position":[0,0]}],
              "events":[{"type":"COUNT","attributes":{"line_id":2,"direction":"bw"}},{"type":"ZONE_ENTRY"}]}]}}"#,
            LIMITS,
        )
        .unwrap();
        assert_eq!(d.ignored, 2);
        assert_eq!(
            d.readings[0].value,
            Measured::Track {
                track: 7,
                x: -1.25,
                y: 2.5
            }
        );
        assert_eq!(d.readings[0].time, Timestamp(1_670_708_289_040_000));
        assert_eq!(d.readings[1].channel, "2");
        assert_eq!(
            d.readings[1].value,
            Measured::Crossings {
                direction: Some(Direction::Out),
                count: 1
            }
        );
    }

    #[test]
    fn errors_name_the_field() {
        let frame = |inner: &str| {
            format!(
                r#"{{"live_data":{{"frames":[{{"time":1670708289000}},{{"time":1670708289000}},{{"time":1670708289000,{inner}}}]}}}}"#
            )
        };
        let cases = [
            (frame(r#""events":[{"type":"COUNT","attributes":{"line_name":"n","direction":"up"}}]"#), "live_data.frames[2].events[0].attributes.direction: \"up\" is not a direction"),
            (frame(r#""events":[{"type":"COUNT","attributes":{"direction":"fw"}}]"#), "live_data.frames[2].events[0].attributes.line_name: missing"),
            (frame(r#""events":[{"type":"COUNT","attributes":{"line_name":"n","direction":"fw","count":-2}}]"#), "live_data.frames[2].events[0].attributes.count: out of range: -2 is negative"),
            (frame(r#""tracked_objects":[{"id":1,"position":[1]}]"#), "live_data.frames[2].tracked_objects[0].position: 1 coordinates"),
            (frame(r#""tracked_objects":[{"id":1,"position":["1",2]}]"#), "live_data.frames[2].tracked_objects[0].position[0]: wrong type: a string"),
            (frame(r#""tracked_objects":[{"id":1,"position":[1e300,2]}]"#), "live_data.frames[2].tracked_objects[0].position[0]: out of range: "),
            (frame(r#""tracked_objects":[{"position":[1,2]}]"#), "live_data.frames[2].tracked_objects[0].id: missing"),
            (r#"{"live_data":{"frames":[{"time":"soon"}]}}"#.to_owned(), "live_data.frames[0].time: \"soon\" is not an RFC 3339"),
            (r#"{"live_data":{"frames":[{"time":1990708289000,"events":[{"type":"COUNT","attributes":{"line_name":"n","direction":"fw"}}]}]}}"#.to_owned(), "live_data.frames[0].time: out of range"),
            (r#"{"live_data":{}}"#.to_owned(), "live_data.frames: missing"),
            (r#"{"frames":[]}"#.to_owned(), "live_data: missing"),
        ];
        for (body, want) in cases {
            let e = err(&body);
            assert!(e.starts_with(want), "{body}\n  gave {e}\n  want {want}");
        }
    }

    #[test]
    fn fixture() {
        let d = decode(
            "x-1",
            include_bytes!("../../tests/fixtures/adapters/xovis-live.json"),
            LIMITS,
        )
        .unwrap();
        assert_eq!(d.ignored, 1);
        let got: Vec<(&str, i64, &Measured)> = d
            .readings
            .iter()
            .map(|r| (r.channel.as_str(), r.time.0, &r.value))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "",
                    1_670_708_289_040_000,
                    &Measured::Track {
                        track: 3172,
                        x: -1.25,
                        y: 2.5
                    }
                ),
                (
                    "",
                    1_670_708_289_040_000,
                    &Measured::Track {
                        track: 3175,
                        x: 40.5 * 0.01,
                        y: -310.25 * 0.01
                    }
                ),
                (
                    "",
                    1_670_708_289_280_000,
                    &Measured::Track {
                        track: 3172,
                        x: -118.0 * 0.01,
                        y: 262.0 * 0.01
                    }
                ),
                (
                    "north-gate",
                    1_670_708_289_280_000,
                    &Measured::Crossings {
                        direction: Some(Direction::In),
                        count: 1
                    }
                ),
            ]
        );
    }
}
