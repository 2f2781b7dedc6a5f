//! Vendor adapters: a sensor's payload in, checked [`Reading`]s out.
//!
//! [`decode`] is a closed match on [`AdapterKind`] dispatching to one pure function per
//! vendor ([`aman::decode`], [`onvif::decode`], [`xovis::decode`], [`axis::decode`]). No I/O,
//! no globals: the transport (HTTP or MQTT) hands over the authenticated sensor id, the MQTT
//! topic if any, the body and the server's clock, and gets back readings that have all passed
//! [`Reading::check`] — or one [`AdapterError`] naming the field path and the reason. A
//! payload is accepted or refused whole.
//!
//! The payload shapes, with their sources, are in `docs/serve.md`, section 3.

pub mod aman;
pub mod axis;
pub mod onvif;
pub mod xovis;

use std::fmt;

use serde_json::{Map, Value};

use crate::reading::ReadingError;
use crate::venue::AdapterKind;
use crate::{Reading, Timestamp};

/// Most readings one payload may carry; a larger payload is refused whole
/// ([`AdapterError::TooMany`]).
pub const MAX_BATCH: usize = 10_000;

/// What an adapter made of a payload.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decoded {
    /// The readings, in the payload's order, each checked with [`Reading::check`].
    pub readings: Vec<Reading>,
    /// Parts of the payload that are well-formed but carry nothing aman uses, skipped on
    /// purpose: Xovis events other than COUNT, ONVIF events on other topics or with
    /// `PropertyOperation` `Deleted`. Worth counting per sensor (a misconfigured rule).
    pub ignored: usize,
}

/// Why a payload is refused. Every variant but [`AdapterError::Syntax`],
/// [`AdapterError::Truncated`] and [`AdapterError::TooMany`] names the field by its path in
/// the payload, e.g. `readings[3].time`, `Data.Count`,
/// `live_data.frames[2].events[0].attributes.direction`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AdapterError {
    /// The body is not JSON.
    #[error("not JSON: {reason} at line {line}, column {column}")]
    Syntax {
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
        /// serde_json's description.
        reason: String,
    },
    /// The body ends in the middle of a JSON value.
    #[error("truncated JSON: the body ends at line {line}, column {column} inside a value")]
    Truncated {
        /// Line where the body ends.
        line: usize,
        /// Column where the body ends.
        column: usize,
    },
    /// A required field is absent.
    #[error("{field}: missing")]
    Missing {
        /// Path of the field.
        field: String,
    },
    /// A field has the wrong JSON type.
    #[error("{field}: wrong type: {reason}")]
    WrongType {
        /// Path of the field.
        field: String,
        /// What was found and what is expected.
        reason: String,
    },
    /// A value is of the right type but outside what a sensor can report: a negative or
    /// fractional count, NaN, a time in the far future, a name too long.
    #[error("{field}: out of range: {reason}")]
    OutOfRange {
        /// Path of the field.
        field: String,
        /// The value and the range allowed.
        reason: String,
    },
    /// A value is not one of those allowed (an unknown field, kind or direction, a malformed
    /// time, a topic that names no counter).
    #[error("{field}: {reason}")]
    Invalid {
        /// Path of the field.
        field: String,
        /// What is wrong and what is allowed.
        reason: String,
    },
    /// A reading names another sensor than the one the request is authenticated as.
    #[error("{field}: sensor {found:?} is not the authenticated sensor {expected:?}")]
    WrongSensor {
        /// Path of the field.
        field: String,
        /// The sensor id in the payload.
        found: String,
        /// The authenticated sensor id.
        expected: String,
    },
    /// More than [`MAX_BATCH`] readings in one payload.
    #[error("{count} readings in one payload; at most {max} are accepted: send smaller batches")]
    TooMany {
        /// Readings the payload holds (at least).
        count: usize,
        /// [`MAX_BATCH`].
        max: usize,
    },
}

impl AdapterError {
    /// Path of the offending field, if the error has one.
    pub fn field(&self) -> Option<&str> {
        match self {
            AdapterError::Missing { field }
            | AdapterError::WrongType { field, .. }
            | AdapterError::OutOfRange { field, .. }
            | AdapterError::Invalid { field, .. }
            | AdapterError::WrongSensor { field, .. } => Some(field),
            AdapterError::Syntax { .. }
            | AdapterError::Truncated { .. }
            | AdapterError::TooMany { .. } => None,
        }
    }

    /// Short name of the kind of error, for counting per sensor: `syntax`, `truncated`,
    /// `missing`, `wrong_type`, `out_of_range`, `invalid`, `wrong_sensor`, `too_many`.
    pub fn kind(&self) -> &'static str {
        match self {
            AdapterError::Syntax { .. } => "syntax",
            AdapterError::Truncated { .. } => "truncated",
            AdapterError::Missing { .. } => "missing",
            AdapterError::WrongType { .. } => "wrong_type",
            AdapterError::OutOfRange { .. } => "out_of_range",
            AdapterError::Invalid { .. } => "invalid",
            AdapterError::WrongSensor { .. } => "wrong_sensor",
            AdapterError::TooMany { .. } => "too_many",
        }
    }
}

/// Decodes one payload of a sensor whose adapter is `kind`.
///
/// `sensor` is the authenticated sensor id (every reading gets it); `topic` the MQTT topic
/// when the payload came over MQTT, `None` over HTTP; `now` the server's clock and
/// `max_ahead_s` how far ahead of it a sensor's clock may be (see [`Reading::check`]).
///
/// # Errors
/// The first problem found, naming the field path; nothing of the payload is kept.
pub fn decode(
    kind: AdapterKind,
    sensor: &str,
    topic: Option<&str>,
    body: &[u8],
    now: Timestamp,
    max_ahead_s: f64,
) -> Result<Decoded, AdapterError> {
    let limits = Limits { now, max_ahead_s };
    match kind {
        AdapterKind::Aman => aman::decode(sensor, body, limits),
        AdapterKind::Onvif => onvif::decode(sensor, topic, body, limits),
        AdapterKind::Xovis => xovis::decode(sensor, body, limits),
        AdapterKind::Axis => axis::decode(sensor, topic, body, limits),
    }
}

/// The server's clock and how far ahead of it a sensor's clock may be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// The server's clock.
    pub now: Timestamp,
    /// Seconds a sensor's time may be after `now`.
    pub max_ahead_s: f64,
}

impl Limits {
    /// Checks `reading`; `path` maps the field [`Reading::check`] names (`time`, `channel`,
    /// `value`, `value.x`, …) to its path in the payload.
    pub(crate) fn check(
        &self,
        reading: &Reading,
        path: impl Fn(&str) -> String,
    ) -> Result<(), AdapterError> {
        reading.check(self.now, self.max_ahead_s).map_err(
            |ReadingError::Field { field, reason }| AdapterError::OutOfRange {
                field: path(&field),
                reason,
            },
        )
    }
}

/// A path into a JSON payload, built on the stack as the decoder descends and written out
/// only for an error: `live_data.frames[2].events[0]`.
#[derive(Clone, Copy)]
pub(crate) struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

#[derive(Clone, Copy)]
enum Seg<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    /// The payload itself.
    pub(crate) const ROOT: Path<'static> = Path {
        parent: None,
        seg: Seg::Root,
    };

    /// Member `key` of this object.
    pub(crate) fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Key(key),
        }
    }

    /// Element `i` of this array.
    pub(crate) fn index(&'a self, i: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Index(i),
        }
    }

    fn is_root(&self) -> bool {
        matches!(self.seg, Seg::Root)
    }

    /// `self` then `.rest` (or `rest` alone at the root), e.g. for the fields
    /// [`Reading::check`] names.
    pub(crate) fn join(&self, rest: &str) -> String {
        if self.is_root() {
            rest.to_owned()
        } else {
            format!("{self}.{rest}")
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        match self.seg {
            Seg::Root => Ok(()),
            Seg::Key(k) => {
                if self.parent.is_some_and(|p| !p.is_root()) {
                    f.write_str(".")?;
                }
                f.write_str(k)
            }
            Seg::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// `(payload)` for the root, else the path.
pub(crate) fn name(path: &Path<'_>) -> String {
    if path.is_root() {
        "(payload)".to_owned()
    } else {
        path.to_string()
    }
}

/// Parses `body` as JSON, telling a truncated body from one that is not JSON.
pub(crate) fn parse_json(body: &[u8]) -> Result<Value, AdapterError> {
    serde_json::from_slice(body).map_err(|e| json_error(&e))
}

/// An [`AdapterError`] for a serde_json error, with its line and column.
pub(crate) fn json_error(e: &serde_json::Error) -> AdapterError {
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        serde_json::error::Category::Eof => AdapterError::Truncated { line, column },
        _ => {
            // serde_json appends " at line L column C"; keep only its reason.
            let text = e.to_string();
            let reason = match text.rfind(" at line ") {
                Some(i) => text[..i].to_owned(),
                None => text,
            };
            AdapterError::Syntax {
                line,
                column,
                reason,
            }
        }
    }
}

/// JSON type name of `v`, for messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn wrong_type(path: &Path<'_>, v: &Value, expected: &str) -> AdapterError {
    AdapterError::WrongType {
        field: name(path),
        reason: format!("{} where {expected} is expected", type_name(v)),
    }
}

pub(crate) fn missing(path: &Path<'_>) -> AdapterError {
    AdapterError::Missing { field: name(path) }
}

pub(crate) fn invalid(path: &Path<'_>, reason: impl Into<String>) -> AdapterError {
    AdapterError::Invalid {
        field: name(path),
        reason: reason.into(),
    }
}

pub(crate) fn out_of_range(path: &Path<'_>, reason: impl Into<String>) -> AdapterError {
    AdapterError::OutOfRange {
        field: name(path),
        reason: reason.into(),
    }
}

/// `v` as an object.
pub(crate) fn object<'v>(
    v: &'v Value,
    path: &Path<'_>,
) -> Result<&'v Map<String, Value>, AdapterError> {
    v.as_object()
        .ok_or_else(|| wrong_type(path, v, "an object"))
}

/// `v` as an array.
pub(crate) fn array<'v>(v: &'v Value, path: &Path<'_>) -> Result<&'v Vec<Value>, AdapterError> {
    v.as_array().ok_or_else(|| wrong_type(path, v, "an array"))
}

/// `v` as a string.
pub(crate) fn string<'v>(v: &'v Value, path: &Path<'_>) -> Result<&'v str, AdapterError> {
    v.as_str().ok_or_else(|| wrong_type(path, v, "a string"))
}

/// Member `key` of `obj`, required; `path` is the member's path.
pub(crate) fn required<'v>(
    obj: &'v Map<String, Value>,
    key: &str,
    path: &Path<'_>,
) -> Result<&'v Value, AdapterError> {
    obj.get(key).ok_or_else(|| missing(path))
}

/// A count: a JSON integer ≥ 0, or — with `strings` — a string of decimal digits (ONVIF
/// serialises every `SimpleItem` value as a string). Negative, fractional, non-numeric
/// ("abc", "NaN", "Infinity") and over-long values are refused with the reason.
pub(crate) fn count(v: &Value, path: &Path<'_>, strings: bool) -> Result<u64, AdapterError> {
    match v {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Ok(u)
            } else if n.as_i64().is_some() {
                Err(out_of_range(
                    path,
                    format!("{n} is negative; a count is ≥ 0"),
                ))
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f < 0.0 {
                    Err(out_of_range(
                        path,
                        format!("{n} is negative; a count is ≥ 0"),
                    ))
                } else if f.fract() == 0.0 {
                    Err(out_of_range(path, format!("{n} is too large for a count")))
                } else {
                    Err(out_of_range(
                        path,
                        format!("{n} is not a whole number of persons"),
                    ))
                }
            }
        }
        Value::String(s) if strings => count_text(s, path),
        _ if strings => Err(wrong_type(
            path,
            v,
            "a count (a string of digits, e.g. \"17\")",
        )),
        _ => Err(wrong_type(path, v, "a count (an integer ≥ 0)")),
    }
}

/// A count written as text: `"17"`, with optional surrounding spaces.
pub(crate) fn count_text(s: &str, path: &Path<'_>) -> Result<u64, AdapterError> {
    let t = s.trim();
    let digits = t.strip_prefix('+').unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits
            .parse::<u64>()
            .map_err(|_| out_of_range(path, format!("{s:?} is too large for a count")));
    }
    let shown: String = s.chars().take(40).collect();
    let reason = if t.starts_with('-') && t[1..].parse::<f64>().is_ok_and(|f| f > 0.0) {
        format!("{shown:?} is negative; a count is ≥ 0")
    } else if t.parse::<f64>().is_ok_and(f64::is_finite) {
        format!("{shown:?} is not a whole number of persons")
    } else {
        format!("{shown:?} is not a count (digits only, e.g. \"17\")")
    };
    Err(out_of_range(path, reason))
}

/// A finite JSON number.
pub(crate) fn number(v: &Value, path: &Path<'_>) -> Result<f64, AdapterError> {
    let f = v.as_f64().ok_or_else(|| wrong_type(path, v, "a number"))?;
    if f.is_finite() {
        Ok(f)
    } else {
        Err(out_of_range(path, format!("{f} is not a finite number")))
    }
}

/// A time given as RFC 3339 text, or as a number of `unit`s since the Unix epoch
/// (seconds for aman, milliseconds for Xovis and Axis).
pub(crate) fn time(v: &Value, path: &Path<'_>, unit: EpochUnit) -> Result<Timestamp, AdapterError> {
    match v {
        Value::String(s) => Timestamp::parse_rfc3339(s).map_err(|e| invalid(path, e)),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            let secs = match unit {
                EpochUnit::Seconds => f,
                EpochUnit::Millis => f / 1000.0,
            };
            Timestamp::from_secs_f64(secs)
                .ok_or_else(|| out_of_range(path, format!("{n} is not a time since 1970")))
        }
        _ => Err(wrong_type(
            path,
            v,
            match unit {
                EpochUnit::Seconds => "an RFC 3339 string or seconds since 1970",
                EpochUnit::Millis => "an RFC 3339 string or milliseconds since 1970",
            },
        )),
    }
}

/// Unit of a time given as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EpochUnit {
    /// Seconds since 1970 (aman).
    Seconds,
    /// Milliseconds since 1970 (Xovis, Axis).
    Millis,
}

/// Refuses a payload of more than [`MAX_BATCH`] readings.
pub(crate) fn check_batch(count: usize) -> Result<(), AdapterError> {
    if count > MAX_BATCH {
        Err(AdapterError::TooMany {
            count,
            max: MAX_BATCH,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_written_as_in_the_payload() {
        let root = Path::ROOT;
        let a = root.key("live_data");
        let b = a.key("frames");
        let c = b.index(2);
        let d = c.key("events");
        let e = d.index(0);
        assert_eq!(e.to_string(), "live_data.frames[2].events[0]");
        assert_eq!(
            e.join("attributes.direction"),
            "live_data.frames[2].events[0].attributes.direction"
        );
        let r = root.key("readings");
        assert_eq!(r.index(3).join("time"), "readings[3].time");
        assert_eq!(root.join("time"), "time");
        assert_eq!(name(&root), "(payload)");
    }

    #[test]
    fn counts_as_text() {
        let p = Path::ROOT;
        assert_eq!(count_text("17", &p), Ok(17));
        assert_eq!(count_text(" 17 ", &p), Ok(17));
        for (bad, says) in [
            ("17.5", "not a whole number"),
            ("-3", "negative"),
            ("abc", "not a count"),
            ("NaN", "not a count"),
            ("Infinity", "not a count"),
            ("", "not a count"),
            ("99999999999999999999999", "too large"),
        ] {
            let e = count_text(bad, &p).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn json_errors_tell_truncation_from_garbage() {
        let e = parse_json(b"{\"a\": [1, 2").unwrap_err();
        assert!(matches!(e, AdapterError::Truncated { line: 1, .. }), "{e}");
        let e = parse_json(b"\x00\xff garbage").unwrap_err();
        assert!(
            matches!(
                e,
                AdapterError::Syntax {
                    line: 1,
                    column: 1,
                    ..
                }
            ),
            "{e}"
        );
        let e = parse_json(b"{\"a\": NaN}").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("not JSON: expected value at line 1, column 7"),
            "{e}"
        );
    }
}
