//! CAP dateTime values (CAP 1.2 §3.2.1 `sent`, §3.2.2 `effective`/`onset`/`expires`, §3.3.2).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{CapError, value_err};

const WHAT: &str = "CAP dateTime";
const SECS_PER_DAY: i64 = 86_400;
const MICROS_PER_SEC: i64 = 1_000_000;

/// A CAP dateTime: an instant in UTC with whole-second resolution.
///
/// CAP 1.2 §3.2.1 `sent` (1)–(2) and §3.3.2: times are written
/// `YYYY-MM-DDThh:mm:ss` followed by an explicit offset `±hh:mm`; alphabetic designators such
/// as `Z` MUST NOT be used, and "the timezone for UTC MUST be represented as `-00:00`". The
/// schema's pattern `\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[-,+]\d\d:\d\d` also leaves no room for
/// fractional seconds. So a `CapTime` holds whole seconds since the Unix epoch (UTC) and always
/// formats as UTC with `-00:00`, e.g. `2022-12-10T21:38:00-00:00`. Parsing accepts any offset
/// (`+01:00`, `+00:00`, …) and converts to UTC; the original offset is not kept.
///
/// The range is the one of a four-digit year: 0001-01-01T00:00:00 to 9999-12-31T23:59:59 UTC.
/// The civil-date conversion is Howard Hinnant's days-from-civil algorithm (proleptic
/// Gregorian calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CapTime {
    /// Seconds since 1970-01-01T00:00:00 UTC.
    secs: i64,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400; // [0, 399]
    let mp = i64::from((month + 9) % 12); // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

const MIN_SECS: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
const MAX_SECS: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

impl CapTime {
    /// The instant `unix_micros` microseconds after 1970-01-01T00:00:00 UTC, floored to the
    /// whole second (CAP times have no fractional seconds). Errors outside years 1–9999.
    pub fn from_unix_micros(unix_micros: i64) -> Result<Self, CapError> {
        Self::from_unix_seconds(unix_micros.div_euclid(MICROS_PER_SEC))
    }

    /// The instant `unix_seconds` seconds after 1970-01-01T00:00:00 UTC. Errors outside
    /// years 1–9999.
    pub fn from_unix_seconds(unix_seconds: i64) -> Result<Self, CapError> {
        if !(MIN_SECS..=MAX_SECS).contains(&unix_seconds) {
            return Err(value_err(
                WHAT,
                format!("{unix_seconds} s since 1970"),
                "outside years 0001–9999, which a four-digit CAP year can hold",
            ));
        }
        Ok(Self { secs: unix_seconds })
    }

    /// The instant of a UTC civil date and time (`month` 1–12, `day` 1–31, `hour` 0–23,
    /// `minute` 0–59, `second` 0–59). Errors on an impossible date or time.
    pub fn from_utc(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Result<Self, CapError> {
        let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
        if !(1..=9999).contains(&year) {
            return Err(value_err(WHAT, text, "year must be 0001–9999"));
        }
        if !(1..=12).contains(&month) {
            return Err(value_err(WHAT, text, "month must be 01–12"));
        }
        if day < 1 || day > days_in_month(year, month) {
            return Err(value_err(WHAT, text, "no such day in that month"));
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(value_err(WHAT, text, "time must be 00:00:00–23:59:59"));
        }
        let secs = days_from_civil(year, month, day) * SECS_PER_DAY
            + i64::from(hour) * 3600
            + i64::from(minute) * 60
            + i64::from(second);
        Ok(Self { secs })
    }

    /// Seconds since 1970-01-01T00:00:00 UTC.
    pub fn unix_seconds(self) -> i64 {
        self.secs
    }

    /// Microseconds since 1970-01-01T00:00:00 UTC (always a whole number of seconds).
    pub fn unix_micros(self) -> i64 {
        self.secs * MICROS_PER_SEC
    }

    /// The UTC civil date and time: `(year, month 1–12, day 1–31, hour, minute, second)`.
    pub fn to_utc(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.secs.div_euclid(SECS_PER_DAY);
        let sod = self.secs.rem_euclid(SECS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        (
            y,
            m,
            d,
            (sod / 3600) as u32,
            (sod / 60 % 60) as u32,
            (sod % 60) as u32,
        )
    }

    /// Parses a CAP dateTime, `YYYY-MM-DDThh:mm:ss±hh:mm` (CAP 1.2 §3.3.2 and the schema's
    /// pattern): an explicit offset is required, `Z` and fractional seconds are refused; the
    /// offset must lie within ±14:00 (XML Schema dateTime).
    pub fn parse(text: &str) -> Result<Self, CapError> {
        let err = |reason: &str| value_err(WHAT, text, reason);
        let b = text.as_bytes();
        if text.ends_with('Z') || text.ends_with('z') {
            return Err(err(
                "CAP 1.2 §3.2.1 `sent` (2) forbids the designator Z: write UTC as -00:00",
            ));
        }
        if b.len() > 19 && b[19] == b'.' {
            return Err(err(
                "fractional seconds are not allowed by the CAP 1.2 schema's dateTime pattern",
            ));
        }
        if b.len() != 25 {
            return Err(err("expected YYYY-MM-DDThh:mm:ss±hh:mm (25 characters)"));
        }
        let shape_ok = b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b'T',
            13 | 16 | 22 => c == b':',
            19 => c == b'+' || c == b'-',
            _ => c.is_ascii_digit(),
        });
        if !shape_ok {
            return Err(err("expected YYYY-MM-DDThh:mm:ss±hh:mm"));
        }
        let num = |from: usize, to: usize| -> u32 {
            b[from..to]
                .iter()
                .fold(0, |acc, &c| acc * 10 + u32::from(c - b'0'))
        };
        let local = Self::from_utc(
            i64::from(num(0, 4)),
            num(5, 7),
            num(8, 10),
            num(11, 13),
            num(14, 16),
            num(17, 19),
        )
        .map_err(|e| match e {
            CapError::Value { reason, .. } => err(&reason),
            other => other,
        })?;
        let (oh, om) = (num(20, 22), num(23, 25));
        if om > 59 || oh > 14 || (oh == 14 && om != 0) {
            return Err(err("offset must lie within -14:00 and +14:00"));
        }
        let offset = i64::from(oh * 3600 + om * 60) * if b[19] == b'-' { -1 } else { 1 };
        Self::from_unix_seconds(local.secs - offset)
            .map_err(|_| err("outside years 0001–9999 in UTC"))
    }
}

impl fmt::Display for CapTime {
    /// `YYYY-MM-DDThh:mm:ss-00:00` (UTC written as CAP 1.2 §3.2.1 `sent` (2) requires).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.to_utc();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}-00:00")
    }
}

impl FromStr for CapTime {
    type Err = CapError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CapTime {
    type Error = CapError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CapTime> for String {
    fn from(t: CapTime) -> String {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        // (unix seconds, civil) pairs checked with `date -u -d @…`.
        let cases = [
            (0, "1970-01-01T00:00:00-00:00"),
            (951_782_400, "2000-02-29T00:00:00-00:00"),
            (951_868_800, "2000-03-01T00:00:00-00:00"),
            (1_670_708_280, "2022-12-10T21:38:00-00:00"),
            (-1, "1969-12-31T23:59:59-00:00"),
            (-2_208_988_800, "1900-01-01T00:00:00-00:00"),
            (4_107_542_400, "2100-03-01T00:00:00-00:00"),
            (MIN_SECS, "0001-01-01T00:00:00-00:00"),
            (MAX_SECS, "9999-12-31T23:59:59-00:00"),
        ];
        for (secs, text) in cases {
            let t = CapTime::from_unix_seconds(secs).unwrap();
            assert_eq!(t.to_string(), text);
            assert_eq!(CapTime::parse(text).unwrap(), t, "{text}");
        }
    }

    #[test]
    fn every_day_for_1000_years_round_trips() {
        let mut days = days_from_civil(1600, 1, 1);
        for year in 1600..2600 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    assert_eq!(days_from_civil(year, month, day), days);
                    assert_eq!(civil_from_days(days), (year, month, day));
                    days += 1;
                }
            }
        }
    }

    #[test]
    fn micros_floor_to_seconds() {
        let t = CapTime::from_unix_micros(1_670_708_280_999_999).unwrap();
        assert_eq!(t.unix_seconds(), 1_670_708_280);
        assert_eq!(t.unix_micros(), 1_670_708_280_000_000);
        let t = CapTime::from_unix_micros(-1).unwrap();
        assert_eq!(t.to_string(), "1969-12-31T23:59:59-00:00");
    }

    #[test]
    fn offsets_convert_to_utc() {
        let a = CapTime::parse("2002-05-24T16:49:00-07:00").unwrap();
        assert_eq!(a.to_string(), "2002-05-24T23:49:00-00:00");
        let b = CapTime::parse("2022-12-10T22:38:00+01:00").unwrap();
        let c = CapTime::parse("2022-12-10T21:38:00+00:00").unwrap();
        assert_eq!(b, c);
        assert_eq!(c.to_string(), "2022-12-10T21:38:00-00:00");
    }

    #[test]
    fn bad_times_are_refused_with_a_reason() {
        for (text, needle) in [
            ("2022-12-10T21:38:00Z", "Z"),
            ("2022-12-10T21:38:00.5+00:00", "fractional"),
            ("2022-12-10T21:38:00", "25 characters"),
            ("2022-13-10T21:38:00+00:00", "month"),
            ("2023-02-29T21:38:00+00:00", "day"),
            ("2022-12-10T24:00:00+00:00", "time"),
            ("2022-12-10T21:38:00+15:00", "offset"),
            ("2022/12/10T21:38:00+00:00", "expected"),
            ("0000-01-01T00:00:00+00:00", "year"),
            ("0001-01-01T00:00:00+01:00", "0001"),
        ] {
            let e = CapTime::parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
        assert!(CapTime::from_unix_seconds(MAX_SECS + 1).is_err());
        assert!(CapTime::from_unix_micros(i64::MIN).is_err());
    }
}
