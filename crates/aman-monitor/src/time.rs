//! UTC timestamps: microseconds since the Unix epoch, parsed from and written as RFC 3339.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time, UTC, in microseconds since 1970-01-01T00:00:00Z (leap seconds not
/// counted, as in Unix time). Enough for ±292,000 years and for 30 fps frames (33,333 µs
/// apart) without collisions.
///
/// In JSON it is RFC 3339 text in UTC ([`Timestamp::to_rfc3339`]); reading also takes an
/// integer number of microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Micros(i64),
            Text(String),
        }
        match Either::deserialize(d)? {
            Either::Micros(us) => Ok(Timestamp(us)),
            Either::Text(t) => Timestamp::parse_rfc3339(&t).map_err(serde::de::Error::custom),
        }
    }
}

/// Earliest time a reading may carry: 2000-01-01T00:00:00Z. Earlier sensor clocks are unset.
pub const EARLIEST: Timestamp = Timestamp(946_684_800_000_000);

impl Timestamp {
    /// From seconds since the epoch (rounded to the microsecond); `None` if not finite or out
    /// of range.
    pub fn from_secs_f64(s: f64) -> Option<Timestamp> {
        let us = (s * 1e6).round();
        (us.is_finite() && us.abs() < 9.0e18).then_some(Timestamp(us as i64))
    }

    /// Seconds since the epoch.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 * 1e-6
    }

    /// Seconds from `earlier` to `self` (negative if `earlier` is later).
    pub fn secs_since(self, earlier: Timestamp) -> f64 {
        (self.0 - earlier.0) as f64 * 1e-6
    }

    /// `self` plus `s` seconds (saturating).
    pub fn add_secs(self, s: f64) -> Timestamp {
        Timestamp(self.0.saturating_add((s * 1e6).round() as i64))
    }

    /// Parses an RFC 3339 date-time (`2022-12-10T21:38:09Z`, `…T21:38:09.125+01:00`): the
    /// form ONVIF's `UtcTime`, Xovis and aman's own JSON use. Fractions below a microsecond
    /// are truncated.
    ///
    /// # Errors
    /// A message naming what is wrong with `text`.
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, String> {
        let t =
            ::time::OffsetDateTime::parse(text, &::time::format_description::well_known::Rfc3339)
                .map_err(|e| format!("{text:?} is not an RFC 3339 date-time ({e})"))?;
        let us = t.unix_timestamp_nanos() / 1000;
        i64::try_from(us)
            .map(Timestamp)
            .map_err(|_| format!("{text:?} is out of range"))
    }

    /// RFC 3339 in UTC with `Z` and microseconds when not whole seconds, e.g.
    /// `2022-12-10T21:38:09Z`, `2022-12-10T21:38:09.033333Z`.
    pub fn to_rfc3339(self) -> String {
        let secs = self.0.div_euclid(1_000_000);
        let micros = self.0.rem_euclid(1_000_000);
        let Ok(t) = ::time::OffsetDateTime::from_unix_timestamp(secs) else {
            return format!("@{}us", self.0);
        };
        let (y, mo, d) = (t.year(), t.month() as u8, t.day());
        let (h, mi, s) = (t.hour(), t.minute(), t.second());
        if micros == 0 {
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
        } else {
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{micros:06}Z")
        }
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip_and_offsets() {
        let t = Timestamp::parse_rfc3339("2022-12-10T21:38:09Z").unwrap();
        assert_eq!(t.0, 1_670_708_289_000_000);
        assert_eq!(t.to_rfc3339(), "2022-12-10T21:38:09Z");
        let u = Timestamp::parse_rfc3339("2022-12-10T22:38:09.5+01:00").unwrap();
        assert_eq!(u.secs_since(t), 0.5);
        assert_eq!(u.to_rfc3339(), "2022-12-10T21:38:09.500000Z");
        assert!(Timestamp::parse_rfc3339("2022-13-10T21:38:09Z").is_err());
        assert!(Timestamp::parse_rfc3339("yesterday").is_err());
        assert_eq!(Timestamp(-1).to_rfc3339(), "1969-12-31T23:59:59.999999Z");
    }

    #[test]
    fn seconds() {
        assert_eq!(Timestamp::from_secs_f64(1.5), Some(Timestamp(1_500_000)));
        assert_eq!(Timestamp::from_secs_f64(f64::NAN), None);
        assert_eq!(Timestamp::from_secs_f64(1e300), None);
        assert_eq!(Timestamp(2_000_000).add_secs(-0.5), Timestamp(1_500_000));
    }
}
