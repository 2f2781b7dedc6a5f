//! Local times of the two forces: Europe/Paris and Africa/Casablanca.
//!
//! Times are stored as UTC microseconds since the Unix epoch; they are turned into local
//! wall-clock time only for display, from the IANA tz database (the system's
//! `/usr/share/zoneinfo` where there is one, else the copy compiled into the binary by
//! `jiff`). The database carries every change of offset: Paris's summer time (EU Directive
//! 2000/84/EC: last Sunday of March to last Sunday of October, 01:00 UTC), and Morocco's
//! return from UTC+01:00 to UTC+00:00 during Ramadan (decree 2-18-855 of 2018 and the
//! yearly announcements; in 2024 from 10 March 02:00 UTC to 14 April 02:00 UTC).

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The IANA name of Paris's zone.
pub const PARIS: &str = "Europe/Paris";
/// The IANA name of Casablanca's zone.
pub const CASABLANCA: &str = "Africa/Casablanca";

/// Local wall-clock time of a UTC instant in a tz zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Local {
    /// Year, month (1–12), day (1–31).
    pub date: (i16, i8, i8),
    /// Hour (0–23), minute, second.
    pub time: (i8, i8, i8),
    /// Offset from UTC, s (e.g. 3600 for UTC+01:00).
    pub offset_s: i32,
}

/// The local time of `utc_micros` in the zone named `zone` (IANA name); `None` for an
/// unknown zone or an instant outside −9999..9999.
pub fn local(utc_micros: i64, zone: &str) -> Option<Local> {
    let tz = TimeZone::get(zone).ok()?;
    let z = Timestamp::from_microsecond(utc_micros)
        .ok()?
        .to_zoned_datetime(tz);
    Some(Local {
        date: (z.year(), z.month(), z.day()),
        time: (z.hour(), z.minute(), z.second()),
        offset_s: z.offset().seconds(),
    })
}

fn hms(l: Option<Local>) -> String {
    match l {
        Some(Local {
            time: (h, m, s), ..
        }) => format!("{h:02}:{m:02}:{s:02}"),
        None => "--:--:--".to_owned(),
    }
}

fn ymd_hm(l: Option<Local>) -> String {
    match l {
        Some(Local {
            date: (y, mo, d),
            time: (h, mi, _),
            ..
        }) => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}"),
        None => "----------".to_owned(),
    }
}

/// `HH:MM:SS` in Paris and in Casablanca (Latin digits, 24-hour clock).
pub fn clock_pair(utc_micros: i64) -> (String, String) {
    (
        hms(local(utc_micros, PARIS)),
        hms(local(utc_micros, CASABLANCA)),
    )
}

/// `YYYY-MM-DD HH:MM` in Paris and in Casablanca.
pub fn date_time_pair(utc_micros: i64) -> (String, String) {
    (
        ymd_hm(local(utc_micros, PARIS)),
        ymd_hm(local(utc_micros, CASABLANCA)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// µs of an RFC 3339 UTC instant.
    fn us(s: &str) -> i64 {
        s.parse::<Timestamp>()
            .map(|t| t.as_microsecond())
            .unwrap_or(0)
    }

    #[test]
    fn ramadan_2024_morocco_goes_back_to_utc_while_paris_goes_to_summer_time() {
        // Before Ramadan: Paris UTC+1 (winter), Casablanca UTC+1.
        assert_eq!(
            clock_pair(us("2024-03-01T12:00:00Z")),
            ("13:00:00".into(), "13:00:00".into())
        );
        // 10 March 2024 02:00 UTC Morocco goes to UTC+0 for Ramadan.
        assert_eq!(
            local(us("2024-03-10T01:59:00Z"), CASABLANCA).map(|l| l.offset_s),
            Some(3600)
        );
        assert_eq!(
            local(us("2024-03-10T02:00:00Z"), CASABLANCA).map(|l| l.offset_s),
            Some(0)
        );
        // In Ramadan, before Paris's summer time: one hour apart.
        assert_eq!(
            clock_pair(us("2024-03-20T12:00:00Z")),
            ("13:00:00".into(), "12:00:00".into())
        );
        // 31 March 01:00 UTC Paris goes to UTC+2: two hours apart until Ramadan ends.
        assert_eq!(
            clock_pair(us("2024-04-05T21:30:00Z")),
            ("23:30:00".into(), "21:30:00".into())
        );
        assert_eq!(
            date_time_pair(us("2024-04-05T22:30:00Z")),
            ("2024-04-06 00:30".into(), "2024-04-05 22:30".into())
        );
        // 14 April 2024 02:00 UTC Morocco is back at UTC+1.
        assert_eq!(
            local(us("2024-04-14T01:59:59Z"), CASABLANCA).map(|l| l.offset_s),
            Some(0)
        );
        assert_eq!(
            local(us("2024-04-14T02:00:00Z"), CASABLANCA).map(|l| l.offset_s),
            Some(3600)
        );
        assert_eq!(
            clock_pair(us("2024-05-01T12:00:00Z")),
            ("14:00:00".into(), "13:00:00".into())
        );
        // The Paris 2024 Olympic opening ceremony, 26 July 2024 19:30 Paris.
        assert_eq!(
            clock_pair(us("2024-07-26T17:30:00Z")),
            ("19:30:00".into(), "18:30:00".into())
        );
    }

    #[test]
    fn unknown_zone_is_none() {
        assert_eq!(local(0, "Mars/Olympus_Mons"), None);
    }
}
