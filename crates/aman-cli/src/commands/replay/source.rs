//! What `aman replay` plays: the readings of a file, each with its recording time.
//!
//! A trajectory file (any format [`aman_trajectory::read_trajectory`] reads) gives one
//! [`Value::Track`] per row at `frame / frame_rate` seconds; a count CSV gives one
//! [`Value::Counter`] per row at its clock time, in seconds since midnight of its first day.

use std::path::Path;

use aman_monitor::Value;
use aman_trajectory::{LoadedTrajectory, ReadOptions};
use anyhow::anyhow;

use crate::Failure;

/// The readings of a file, sorted by recording time.
#[derive(Debug)]
pub struct Recording {
    /// (recording time in seconds, value), sorted by time. For tracks the time is
    /// `frame / frame_rate`; for counts, seconds after 00:00:00 of the CSV's first day.
    pub readings: Vec<(f64, Value)>,
    /// Frames per second for tracks; `None` for counts.
    pub frame_rate: Option<f64>,
    /// What the loader noted (format, frame rate and unit taken), one sentence each.
    pub notes: Vec<String>,
}

impl Recording {
    /// Recording time of the first reading, s.
    pub fn first(&self) -> f64 {
        self.readings.first().map_or(0.0, |r| r.0)
    }

    /// Recording time from the first to the last reading, s.
    pub fn duration(&self) -> f64 {
        self.readings.last().map_or(0.0, |r| r.0) - self.first()
    }
}

fn input(message: String) -> Failure {
    Failure::Input(anyhow!(message))
}

/// Whether `path` looks like a count CSV: its first line (a header) names the columns `time`
/// and `nb_people`. Unreadable files are not (the trajectory loader then says why).
pub fn looks_like_counts(path: &Path) -> bool {
    let Ok(text) = std::fs::read(path) else {
        return false;
    };
    let head = &text[..text.len().min(4096)];
    let first = String::from_utf8_lossy(head);
    let first = first.lines().next().unwrap_or("");
    let names: Vec<&str> = header_names(first);
    names.contains(&"time") && names.contains(&"nb_people")
}

fn header_names(line: &str) -> Vec<&str> {
    line.trim_start_matches('\u{feff}')
        .split(',')
        .map(|n| n.trim().trim_matches('"'))
        .collect()
}

/// Loads a trajectory file with the loader `aman analyze` uses.
///
/// # Errors
/// [`Failure::Input`] for a missing, unreadable, truncated or malformed file (the loader's
/// message: file, line or record), a file without a frame rate when `--frame-rate` is not
/// given, or a file without rows. (The flags themselves are checked by
/// [`crate::args::TrajectoryReadArgs::options`].)
pub fn load_tracks(path: &Path, options: ReadOptions) -> Result<Recording, Failure> {
    let LoadedTrajectory { data, notes, .. } = aman_trajectory::read_trajectory(path, &options)
        .map_err(|e| match e {
            aman_trajectory::TrajectoryError::MissingFrameRate { .. } => {
                Failure::Input(anyhow!("{e} (--frame-rate FPS)"))
            }
            e => Failure::Input(e.into()),
        })?;
    if data.is_empty() {
        return Err(input(format!(
            "{}: the file holds no trajectory rows",
            path.display()
        )));
    }
    let readings = (0..data.len())
        .map(|i| {
            (
                data.time(data.frame[i]),
                Value::Track {
                    track: data.id[i],
                    x: data.x[i],
                    y: data.y[i],
                },
            )
        })
        .collect();
    Ok(Recording {
        readings,
        frame_rate: Some(data.frame_rate),
        notes,
    })
}

/// Parses `HH:MM:SS` or `HH:MM:SS.fff` (hours 0–23) into seconds after midnight.
fn clock_time(text: &str) -> Option<f64> {
    let mut parts = text.split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let digits = |t: &str, max: u32| {
        (!t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse::<u32>().ok())
            .flatten()
            .filter(|v| *v <= max)
    };
    let h = digits(h, 23)?;
    let m = digits(m, 59)?;
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let whole = digits(whole, 60)?;
    let frac = if frac.is_empty() {
        if s.ends_with('.') {
            return None;
        }
        0.0
    } else if frac.bytes().all(|b| b.is_ascii_digit()) && frac.len() <= 6 {
        format!("0.{frac}").parse::<f64>().ok()?
    } else {
        return None;
    };
    Some(f64::from(h * 3600 + m * 60 + whole) + frac)
}

/// Loads a count CSV: a header line naming the columns, among them `time` (local clock time,
/// `HH:MM:SS`) and `nb_people` (the cumulative count, a whole number ≥ 0); other columns
/// (`people_passed`) are ignored. Empty lines are skipped. A clock time earlier than the row
/// before it is taken as the next day (a count over midnight).
///
/// # Errors
/// [`Failure::Input`] naming the file, and for a bad row its line and column, what was found
/// and what is expected; a file without rows is refused too.
pub fn load_counts(path: &Path) -> Result<Recording, Failure> {
    let file = path.display();
    let bytes =
        std::fs::read(path).map_err(|e| input(format!("cannot read count file {file}: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| input(format!("{file}: not UTF-8 text ({e}); a count CSV is text")))?;
    let mut lines = text.lines().enumerate();
    let header = lines
        .next()
        .map(|(_, l)| l)
        .filter(|l| !l.trim().is_empty())
        .ok_or_else(|| {
            input(format!(
                "{file}: empty; a count CSV starts with the header time,nb_people"
            ))
        })?;
    let names = header_names(header);
    let column = |name: &str| {
        names.iter().position(|n| *n == name).ok_or_else(|| {
            input(format!(
                "{file}: line 1: no column {name:?} in the header {header:?}; a count CSV has \
                 the columns time,nb_people[,people_passed]"
            ))
        })
    };
    let (time_col, count_col) = (column("time")?, column("nb_people")?);
    let mut readings = Vec::new();
    let mut day = 0.0;
    let mut previous: Option<f64> = None;
    for (k, line) in lines {
        let n = k + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let field = |col: usize, name: &str| {
            fields.get(col).copied().ok_or_else(|| {
                input(format!(
                    "{file}: line {n}, column {} ({name}): missing; the row has {} field(s), \
                     the header {}",
                    col + 1,
                    fields.len(),
                    names.len()
                ))
            })
        };
        let t_text = field(time_col, "time")?;
        let clock = clock_time(t_text).ok_or_else(|| {
            input(format!(
                "{file}: line {n}, column {} (time): {t_text:?} is not a clock time HH:MM:SS",
                time_col + 1
            ))
        })?;
        let c_text = field(count_col, "nb_people")?;
        let total: u64 = c_text
            .parse()
            .ok()
            .filter(|c| *c <= aman_monitor::reading::MAX_COUNT)
            .ok_or_else(|| {
                input(format!(
                    "{file}: line {n}, column {} (nb_people): {c_text:?} is not a count (a whole \
                 number from 0 to {})",
                    count_col + 1,
                    aman_monitor::reading::MAX_COUNT
                ))
            })?;
        if previous.is_some_and(|p| clock + day < p) {
            day += 86_400.0;
        }
        let t = clock + day;
        previous = Some(t);
        readings.push((
            t,
            Value::Counter {
                direction: None,
                total,
            },
        ));
    }
    if readings.is_empty() {
        return Err(input(format!(
            "{file}: no rows below the header; nothing to replay"
        )));
    }
    Ok(Recording {
        readings,
        frame_rate: None,
        notes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times() {
        assert_eq!(clock_time("21:38:09"), Some(77_889.0));
        assert_eq!(clock_time("0:00:00.5"), Some(0.5));
        for bad in [
            "24:00:00",
            "21:60:00",
            "21:38",
            "21:38:09:1",
            "a:b:c",
            "21:38:9.",
            "",
        ] {
            assert_eq!(clock_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn counts_over_midnight_and_bad_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.csv");
        std::fs::write(
            &p,
            "time,nb_people,people_passed\n23:59:50,1,1\n\n00:00:10,3,2\n",
        )
        .unwrap();
        let r = load_counts(&p).unwrap();
        assert_eq!(r.readings.len(), 2);
        assert_eq!(r.duration(), 20.0);
        std::fs::write(&p, "time,nb_people\n21:00:00,1\n21:00:05,-2\n").unwrap();
        let Err(Failure::Input(e)) = load_counts(&p) else {
            panic!("bad row accepted")
        };
        assert!(
            e.to_string().contains("line 3, column 2 (nb_people)"),
            "{e}"
        );
        std::fs::write(&p, "time,nb_people\n21:00:00\n").unwrap();
        let Err(Failure::Input(e)) = load_counts(&p) else {
            panic!("short row accepted")
        };
        assert!(
            e.to_string()
                .contains("line 2, column 2 (nb_people): missing"),
            "{e}"
        );
        assert!(looks_like_counts(&p));
    }
}
