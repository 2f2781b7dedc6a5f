//! `aman replay`: plays a recorded trajectory file (as a track sensor) or a count CSV (as a
//! counting sensor) into a running `aman serve`, over HTTP or MQTT, in real time or faster.
//!
//! The file is read whole ([`source`]), its readings are stamped ([`Stamps`]) and cut into
//! batches ([`batches`]); each batch is sent in aman's own JSON
//! ([`aman_monitor::wire::WireBatch`]) when its first reading is due, recording time divided by
//! the speed after the start, measured from one start instant so that no drift accumulates.

pub(crate) mod sink;
mod source;

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aman_monitor::Timestamp;
use aman_monitor::wire::{WireBatch, WireReading, WireTime};
use anyhow::anyhow;

use crate::Failure;
use crate::args::ReplayArgs;
use sink::{Sink, Target};
use source::Recording;

/// Most readings in one batch (one request or message).
pub const MAX_BATCH: usize = 10_000;

/// Exit code of a replay stopped by SIGINT or SIGTERM.
const EXIT_INTERRUPTED: u8 = 130;

/// Wall time between two progress lines.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// Longest single sleep, so that Ctrl-C is noticed promptly.
const SLEEP_SLICE: Duration = Duration::from_millis(100);

/// Set by the first SIGINT or SIGTERM.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

fn input(message: String) -> Failure {
    Failure::Input(anyhow!(message))
}

/// What the file is played as.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Tracks,
    Counts,
}

/// How readings are stamped.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Times {
    /// Shifted to the wall clock, never in the future.
    Now,
    /// The file's own times.
    Original,
}

/// The checked options of a replay.
struct Plan {
    kind: Kind,
    target: Target,
    /// `None`: as fast as possible.
    speed: Option<f64>,
    sensor: String,
    channel: String,
    token: Option<String>,
    times: Times,
    /// For `--times original`: the timestamp of recording time 0.
    origin: Option<Timestamp>,
    batch_interval: Option<f64>,
}

/// Runs `aman replay`; returns the exit code (0, or 130 when interrupted).
///
/// # Errors
/// [`Failure::Input`] for bad options or a bad file (exit code 2), [`Failure::Other`] when the
/// server refuses a batch or cannot be reached (exit code 1).
pub fn run(args: &ReplayArgs) -> Result<u8, Failure> {
    let plan = plan(args)?;
    let roots = match &args.ca_cert {
        Some(path) => match &plan.target {
            Target::Http(base) if base.starts_with("https://") => Some(sink::read_ca(path)?),
            _ => {
                return Err(Failure::Input(anyhow!(
                    "--ca-cert is for an https:// server (--to {})",
                    args.to
                )));
            }
        },
        None => None,
    };
    let recording = match plan.kind {
        Kind::Tracks => source::load_tracks(&args.file, args.read.options()?)?,
        Kind::Counts => source::load_counts(&args.file)?,
    };
    if !args.quiet {
        for note in &recording.notes {
            errln!("note: {note}");
        }
    }
    let interval = plan
        .batch_interval
        .or(match (plan.speed, recording.frame_rate) {
            (None, _) => None,
            (Some(_), Some(fps)) => Some(1.0 / fps),
            (Some(_), None) => Some(0.1),
        });
    let times: Vec<f64> = recording.readings.iter().map(|r| r.0).collect();
    let batches = batches(&times, interval, MAX_BATCH);

    let mut sink = Sink::connect(&plan.target, &plan.sensor, plan.token.as_deref(), roots)?;
    install_interrupt_handler();
    let started = Instant::now();
    let stamps = Stamps::new(&plan, &recording, wall_clock());
    let first = recording.first();
    let mut sent = 0usize;
    let mut sent_batches = 0usize;
    let mut last_progress = started;
    let mut interrupted = false;
    for range in &batches {
        let t = recording.readings[range.start].0;
        if let Some(speed) = plan.speed {
            let due = Duration::try_from_secs_f64((t - first) / speed).unwrap_or(Duration::MAX);
            if !sleep_until(started.checked_add(due)) {
                interrupted = true;
                break;
            }
        } else if INTERRUPTED.load(Ordering::Relaxed) {
            interrupted = true;
            break;
        }
        let batch = WireBatch {
            readings: recording.readings[range.clone()]
                .iter()
                .map(|(t, value)| WireReading {
                    sensor: None,
                    channel: plan.channel.clone(),
                    time: WireTime::Seconds(stamps.at(*t).as_secs_f64()),
                    value: value.clone(),
                })
                .collect(),
        };
        let body = serde_json::to_vec(&batch)
            .map_err(|e| Failure::Other(anyhow!("cannot write a batch as JSON: {e}")))?;
        sink.send(body)?;
        sent += range.len();
        sent_batches += 1;
        if !args.quiet && last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = Instant::now();
            let secs = started.elapsed().as_secs_f64();
            errln!(
                "replay: {sent} of {} readings sent in {sent_batches} batches, {:.0} readings/s, \
                 recording at {} of {}",
                recording.readings.len(),
                sent as f64 / secs.max(1e-9),
                clock(t - first),
                clock(recording.duration())
            );
        }
    }
    sink.finish()?;
    let secs = started.elapsed().as_secs_f64();
    if !args.quiet {
        let span = if sent > 0 {
            let last = batches
                .get(sent_batches.saturating_sub(1))
                .map_or(0, |r| r.end.saturating_sub(1));
            format!(
                ", stamped {} to {}",
                stamps.at(first),
                stamps.at(recording.readings[last].0)
            )
        } else {
            String::new()
        };
        outln!(
            "{}replayed {sent} of {} readings ({}) in {sent_batches} batches to {} as sensor \
             {:?} in {secs:.1} s ({:.0} readings/s){span}",
            if interrupted { "interrupted: " } else { "" },
            recording.readings.len(),
            match plan.kind {
                Kind::Tracks => "track positions",
                Kind::Counts => "counter totals",
            },
            args.to,
            plan.sensor,
            sent as f64 / secs.max(1e-9)
        )?;
    }
    Ok(if interrupted { EXIT_INTERRUPTED } else { 0 })
}

/// Checks the options (nothing is read or sent yet).
fn plan(args: &ReplayArgs) -> Result<Plan, Failure> {
    let target = Target::parse(&args.to).map_err(|e| input(format!("--to {e}")))?;
    let speed = match args.speed.trim() {
        "max" => None,
        text => match text.parse::<f64>() {
            Ok(0.0) => None,
            Ok(x) if x.is_finite() && (0.001..=1.0e6).contains(&x) => Some(x),
            _ => {
                return Err(input(format!(
                    "--speed {text:?}: give a factor from 0.001 to 1000000 (1 is real time), or \
                     0 or max for as fast as possible"
                )));
            }
        },
    };
    if !args.file.exists() {
        return Err(input(format!(
            "{}: no such file; give a trajectory file or a count CSV",
            args.file.display()
        )));
    }
    let kind = match args.kind.as_deref() {
        Some("tracks") => Kind::Tracks,
        Some("counts") => Kind::Counts,
        Some(other) => {
            return Err(input(format!("--as {other:?}: use tracks or counts")));
        }
        None if source::looks_like_counts(&args.file) => Kind::Counts,
        None => Kind::Tracks,
    };
    let sensor = match &args.sensor {
        Some(s) => s.clone(),
        None => args
            .file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    check_name("--sensor", &sensor, false)?;
    let channel = args.channel.clone().unwrap_or_default();
    check_name("--channel", &channel, true)?;
    let token = match &args.token {
        Some(t) => Some(t.clone()),
        None => std::env::var("AMAN_TOKEN").ok().filter(|t| !t.is_empty()),
    };
    if let Some(t) = &token
        && (t.is_empty() || !t.bytes().all(|b| b.is_ascii_graphic()))
    {
        return Err(input(
            "--token (or AMAN_TOKEN): a token is printable ASCII without spaces".to_owned(),
        ));
    }
    let times = match args.times.as_str() {
        "now" => Times::Now,
        "original" => Times::Original,
        other => return Err(input(format!("--times {other:?}: use now or original"))),
    };
    let counts_original = kind == Kind::Counts && times == Times::Original;
    let tracks_original = kind == Kind::Tracks && times == Times::Original;
    for (flag, given, applies) in [
        ("--date", args.date.is_some(), counts_original),
        ("--utc-offset", args.utc_offset.is_some(), counts_original),
        ("--start", args.start.is_some(), tracks_original),
    ] {
        if given && !applies {
            return Err(input(format!(
                "{flag} applies only with --times original, {} (this replay is {} with \
                 --times {})",
                if flag == "--start" {
                    "to a trajectory file"
                } else {
                    "to a count CSV"
                },
                if kind == Kind::Tracks {
                    "tracks"
                } else {
                    "counts"
                },
                args.times
            )));
        }
    }
    for (flag, given) in [
        ("--format", args.read.format.is_some()),
        ("--frame-rate", args.read.frame_rate.is_some()),
        ("--unit", args.read.unit.is_some()),
    ] {
        if given && kind == Kind::Counts {
            return Err(input(format!(
                "{flag} applies to a trajectory file, not to a count CSV"
            )));
        }
    }
    let origin = if counts_original {
        let (Some(date), Some(offset)) = (&args.date, &args.utc_offset) else {
            return Err(input(
                "--times original with a count CSV needs the date and UTC offset of its clock \
                 times: --date YYYY-MM-DD --utc-offset +HH:MM (the Lyon 2022 files: --date \
                 2022-12-10 --utc-offset +01:00)"
                    .to_owned(),
            ));
        };
        let date_ok = date.len() == 10
            && date.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !date_ok {
            return Err(input(format!("--date {date:?}: give YYYY-MM-DD")));
        }
        let offset_ok = offset.len() == 6
            && offset.bytes().enumerate().all(|(i, b)| match i {
                0 => b == b'+' || b == b'-',
                3 => b == b':',
                _ => b.is_ascii_digit(),
            });
        if !offset_ok {
            return Err(input(format!(
                "--utc-offset {offset:?}: give +HH:MM or -HH:MM (e.g. +01:00)"
            )));
        }
        Some(
            Timestamp::parse_rfc3339(&format!("{date}T00:00:00{offset}"))
                .map_err(|e| input(format!("--date {date} --utc-offset {offset}: {e}")))?,
        )
    } else if tracks_original {
        let start = args.start.as_deref().unwrap_or("2000-01-01T00:00:00Z");
        Some(Timestamp::parse_rfc3339(start).map_err(|e| input(format!("--start: {e}")))?)
    } else {
        None
    };
    if let Some(s) = args
        .batch_interval
        .filter(|s| !(s.is_finite() && (1e-6..=3600.0).contains(s)))
    {
        return Err(input(format!(
            "--batch-interval {s}: give a time from 0.000001 to 3600 s"
        )));
    }
    Ok(Plan {
        kind,
        target,
        speed,
        sensor,
        channel,
        token,
        times,
        origin,
        batch_interval: args.batch_interval,
    })
}

/// A sensor id or channel name must fit in a URL path segment and an MQTT topic level:
/// at most 128 bytes of letters, digits and `.-_:~@` (the sensor id non-empty).
fn check_name(flag: &str, name: &str, may_be_empty: bool) -> Result<(), Failure> {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '~' | '@');
    if (name.is_empty() && !may_be_empty)
        || name.len() > aman_monitor::reading::MAX_NAME_LEN
        || !name.chars().all(ok)
    {
        return Err(input(format!(
            "{flag} {name:?}: give 1 to {} letters, digits or .-_:~@ (the id of the venue \
             file){}",
            aman_monitor::reading::MAX_NAME_LEN,
            if flag == "--sensor" {
                "; the default is the file name without its extension"
            } else {
                ""
            }
        )));
    }
    Ok(())
}

/// The wall clock now.
fn wall_clock() -> Timestamp {
    let us = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    Timestamp(us)
}

/// Turns recording times into timestamps.
#[derive(Debug, Clone, Copy)]
struct Stamps {
    /// The timestamp of recording time `zero`.
    at_zero: Timestamp,
    /// The recording time stamped `at_zero`, s.
    zero: f64,
}

impl Stamps {
    /// `--times original`: `plan.origin` + recording time. `--times now`: the first reading at
    /// `now − D·max(0, 1 − 1/speed)` (`now − D` at full speed), so that the last reading is
    /// stamped when the replay ends and none is stamped after the moment it is sent.
    fn new(plan: &Plan, recording: &Recording, now: Timestamp) -> Stamps {
        match (plan.times, plan.origin) {
            (Times::Original, Some(origin)) => Stamps {
                at_zero: origin,
                zero: 0.0,
            },
            _ => {
                let d = recording.duration();
                let lead = match plan.speed {
                    None => d,
                    Some(x) => d * (1.0 - 1.0 / x).max(0.0),
                };
                Stamps {
                    at_zero: now.add_secs(-lead),
                    zero: recording.first(),
                }
            }
        }
    }

    /// The timestamp of recording time `t`.
    fn at(&self, t: f64) -> Timestamp {
        self.at_zero.add_secs(t - self.zero)
    }
}

/// Cuts readings at recording `times` (sorted) into batches: a batch takes whole groups of
/// equal time (frames) while they start less than `interval` after its first reading (`None`:
/// no limit) and it holds at most `max` readings; a group larger than `max` is split.
fn batches(times: &[f64], interval: Option<f64>, max: usize) -> Vec<Range<usize>> {
    let max = max.max(1);
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < times.len() {
        let mut end = i + 1;
        while end < times.len() && times[end] == times[i] {
            end += 1;
        }
        // The group i..end; close the open batch start..i first if the group does not join it.
        if start < i {
            let late = interval.is_some_and(|s| times[i] >= times[start] + s - 1e-9);
            if late || i - start + (end - i) > max {
                out.push(start..i);
                start = i;
            }
        }
        while end - start > max {
            out.push(start..start + max);
            start += max;
        }
        i = end;
    }
    if start < times.len() {
        out.push(start..times.len());
    }
    out
}

/// Sleeps until `due` (`None`: forever), in slices so that Ctrl-C is noticed; `false` if
/// interrupted.
fn sleep_until(due: Option<Instant>) -> bool {
    loop {
        if INTERRUPTED.load(Ordering::Relaxed) {
            return false;
        }
        let left = due.map_or(SLEEP_SLICE, |d| d.saturating_duration_since(Instant::now()));
        if left.is_zero() {
            return true;
        }
        std::thread::sleep(left.min(SLEEP_SLICE));
    }
}

/// `H:MM:SS` of a duration in seconds.
fn clock(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Installs the SIGINT/SIGTERM handler: the first signal stops the replay after the batch
/// being sent; the second ends the process at once.
fn install_interrupt_handler() {
    static SIGNALS: AtomicUsize = AtomicUsize::new(0);
    let installed = ctrlc::set_handler(|| {
        if SIGNALS.fetch_add(1, Ordering::SeqCst) == 0 {
            INTERRUPTED.store(true, Ordering::SeqCst);
            errln!("\ninterrupted: stopping after this batch (interrupt again to abort at once)");
        } else {
            errln!("aborted");
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
    });
    if let Err(e) = installed {
        errln!("warning: cannot catch Ctrl-C ({e}); an interrupt ends the replay at once");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_keep_frames_whole() {
        let t = [0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 2.5, 3.0];
        assert_eq!(batches(&t, Some(1.0), 100), vec![0..3, 3..5, 5..7, 7..8]);
        assert_eq!(batches(&t, None, 100), vec![0..8]);
        assert_eq!(batches(&t, None, 4), vec![0..3, 3..7, 7..8]);
        assert_eq!(batches(&t, None, 2), vec![0..2, 2..3, 3..5, 5..7, 7..8]);
        assert_eq!(batches(&[], None, 2), Vec::<Range<usize>>::new());
        // Frames at 30 fps, one per batch.
        let f: Vec<f64> = (0..90).map(|k| f64::from(k / 3) / 30.0).collect();
        assert_eq!(batches(&f, Some(1.0 / 30.0), MAX_BATCH).len(), 30);
    }

    #[test]
    fn clock_text() {
        assert_eq!(clock(392.4), "0:06:32");
        assert_eq!(clock(3600.0 * 25.0), "25:00:00");
    }
}
