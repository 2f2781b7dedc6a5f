//! # aman-inject
//!
//! The **crowd inject** of an exercise (`aman_ops::exercise::InjectKind::Crowd`): a scenario
//! is simulated and seen through a venue's sensors, and what they would have reported is
//! returned as [`Reading`]s, to be replayed through the same ingestion path as live sensors
//! (the readings log, then the monitor), so operators rehearse a density build-up on the real
//! dashboard.
//!
//! For each channel of each sensor of the venue, every `period_s` seconds of simulated time
//! from 0 to the end:
//! - a channel that counts a **line** reports a [`Value::Counter`]: the cumulative number of
//!   persons who crossed the line in the channel's direction since the start (an ONVIF
//!   `CountAggregation` counter). A channel without a direction reports the "in" crossings,
//!   marked [`Direction::In`]. Each venue line is a measurement line of the run; "in" is the
//!   side its [`aman_monitor::venue::Line::in_normal`] points to. Every crossing counts (a
//!   person crossing back and forth counts each time, as a counting camera does).
//! - a channel of a **zone** reports a [`Value::Occupancy`]: the persons strictly inside the
//!   zone's polygon at that instant (an Axis occupancy scenario), whatever the channel's
//!   vendor; a zone's density is then the monitor's, from its walkable area.
//! - a **tracks** channel reports nothing (positions of simulated persons are not replayed).
//!
//! **Lines must lie inside the walkable area, before the exits**: a person leaves the
//! simulation when it reaches an exit stage, so a line drawn on or beyond an exit's door
//! never sees them (draw a gate's counting line a little inside the door). A line or zone that
//! does not meet the scenario's walkable area at all is refused ([`InjectError::LineOutside`],
//! [`InjectError::ZoneOutside`]).
//!
//! Times: sample `k` is at `t = k · period_s` seconds from the scenario's start; its
//! readings carry `time = base + t` (µs UTC), `base` given by the caller (the instant the
//! inject fired, or the exercise's start).
//!
//! Work is bounded: the run stops at the scenario's `end_time` (or the earlier `end_s`),
//! a scenario of more than [`MAX_PERSONS`] persons is refused, and at most [`MAX_SAMPLES`]
//! samples are produced.
//!
//! **The feeds of an exercise** ([`msel_feeds`], [`feeds_json`]): every crowd inject of a
//! master events list simulated with the exercise's options ([`FeedOptions::exercise`]), as
//! `POST /api/v1/exercises` takes them. `aman exercise run` and `aman serve`'s MSEL library
//! (docs/exercise.md) both call these, so an exercise plays the same whoever made it.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

use aman_monitor::venue::Feed as Channel;
use aman_monitor::{Direction, Reading, Timestamp, Value, Venue};
use aman_scenario::{Scenario, ScenarioError};
use geo::Intersects;

/// Most persons a crowd inject's scenario may hold (placed plus arriving).
pub const MAX_PERSONS: usize = 200_000;
/// Most samples of one feed (a day at a 1 s period is 86,401).
pub const MAX_SAMPLES: usize = 100_000;
/// Shortest and longest period between two reports, s.
pub const PERIOD_RANGE: std::ops::RangeInclusive<f64> = 0.1..=3600.0;
/// Seconds of scenario time between two samples of an exercise's crowd feed
/// ([`FeedOptions::exercise`]).
pub const EXERCISE_PERIOD_S: f64 = 2.0;

/// What a crowd inject cannot do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InjectError {
    /// The scenario cannot be read or built (the error names the file and the key).
    #[error("crowd inject: {0}")]
    Scenario(#[from] ScenarioError),
    /// The period is not a number of seconds in [`PERIOD_RANGE`].
    #[error("crowd inject: period {0} s: the sensors report every 0.1 to 3600 s")]
    Period(f64),
    /// The end time is not a positive number of seconds.
    #[error("crowd inject: end {0} s: give a positive time, at most the scenario's end_time")]
    End(f64),
    /// Too many samples (`end / period + 1` above [`MAX_SAMPLES`]).
    #[error(
        "crowd inject: {samples} samples (end {end} s every {period} s): at most {MAX_SAMPLES}; \
         report less often or stop earlier"
    )]
    TooManySamples {
        /// How many.
        samples: u64,
        /// End, s.
        end: f64,
        /// Period, s.
        period: f64,
    },
    /// The scenario holds more than [`MAX_PERSONS`] persons.
    #[error("crowd inject: scenario {path}: {persons} persons, at most {MAX_PERSONS}")]
    TooManyPersons {
        /// The scenario file.
        path: PathBuf,
        /// Placed plus arriving.
        persons: usize,
    },
    /// A line fed by a sensor channel does not meet the scenario's walkable area.
    #[error(
        "crowd inject: line {line:?} of venue {venue:?} lies outside the walkable area of \
         scenario {scenario}: draw the venue's lines across the scenario's walkable area, \
         or use the venue's own scenario"
    )]
    LineOutside {
        /// The line's id.
        line: String,
        /// The venue's id.
        venue: String,
        /// The scenario file.
        scenario: PathBuf,
    },
    /// A zone fed by a sensor channel does not meet the scenario's walkable area.
    #[error(
        "crowd inject: zone {zone:?} of venue {venue:?} lies outside the walkable area of \
         scenario {scenario}: nobody of the scenario can be in it"
    )]
    ZoneOutside {
        /// The zone's id.
        zone: String,
        /// The venue's id.
        venue: String,
        /// The scenario file.
        scenario: PathBuf,
    },
    /// No sensor channel of the venue counts a line or a zone's occupancy.
    #[error(
        "crowd inject: venue {venue:?} has no sensor channel of a line or a zone: nothing to report"
    )]
    NothingToReport {
        /// The venue's id.
        venue: String,
    },
}

/// The readings of all the venue's line and zone channels at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Seconds of simulated time from the scenario's start.
    pub t: f64,
    /// One reading per line or zone channel, sensors and channels in the venue's order, each
    /// with `time = base + t`.
    pub readings: Vec<Reading>,
}

/// A whole crowd feed: the samples in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    /// Samples at `0, period, 2·period, …` up to the end.
    pub samples: Vec<Sample>,
    /// Persons the scenario created by the end.
    pub persons: u64,
    /// Persons who left by an exit by the end.
    pub exited: u64,
}

/// Options of a crowd feed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeedOptions {
    /// Instant of scenario time 0 (the readings' `time` is `base + t`), µs UTC.
    pub base: Timestamp,
    /// Seconds of simulated time between two samples, in [`PERIOD_RANGE`].
    pub period_s: f64,
    /// Stop at this simulated time, s (at most the scenario's `end_time`; `None`: at it).
    pub end_s: Option<f64>,
}

impl FeedOptions {
    /// The options of an exercise's crowd feed: `base` 0 (the server stamps each sample when
    /// it replays it, so the feed carries scenario time only), a sample every
    /// [`EXERCISE_PERIOD_S`] seconds, up to the scenario's `end_time`.
    pub fn exercise() -> FeedOptions {
        FeedOptions {
            base: Timestamp(0),
            period_s: EXERCISE_PERIOD_S,
            end_s: None,
        }
    }
}

/// What one channel reports.
#[derive(Debug, Clone)]
enum Probe {
    /// Crossings of measurement line `k` of the run in direction `sign` (+1 right → left).
    Line {
        k: usize,
        sign: i8,
        direction: Direction,
    },
    /// Persons in zone `z`.
    Zone { z: usize },
}

/// A crowd feed being produced: steps the simulation one period at a time. An iterator of
/// [`Sample`]s (so a server can replay them as they come, from a blocking task); [`crowd_feed`]
/// collects it.
pub struct FeedRun<'v> {
    scenario: Scenario,
    venue: &'v Venue,
    /// (sensor, channel name, probe) per reporting channel.
    probes: Vec<(String, String, Probe)>,
    /// Crossings of the run counted so far, per measurement line of the run and sign
    /// (`[right → left, left → right]`).
    counted: Vec<[u64; 2]>,
    /// Index into the simulation's crossings up to which they are counted.
    seen: usize,
    base: Timestamp,
    period: f64,
    next: u64,
    samples: u64,
}

impl std::fmt::Debug for FeedRun<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedRun")
            .field("scenario", &self.scenario.path)
            .field("venue", &self.venue.id)
            .field("next", &self.next)
            .field("samples", &self.samples)
            .finish()
    }
}

/// Reads and builds the scenario at `path` (see `aman_scenario::load`).
///
/// # Errors
/// [`InjectError::Scenario`] naming the file (a missing file, a bad key).
pub fn load_scenario(path: &Path) -> Result<Scenario, InjectError> {
    Ok(aman_scenario::load(path)?)
}

impl<'v> FeedRun<'v> {
    /// Checks the scenario against the venue and the options, and adds the venue's lines to
    /// the simulation as measurement lines. Nothing is simulated yet.
    ///
    /// # Errors
    /// [`InjectError::Period`], [`InjectError::End`], [`InjectError::TooManySamples`],
    /// [`InjectError::TooManyPersons`], [`InjectError::LineOutside`],
    /// [`InjectError::ZoneOutside`], [`InjectError::NothingToReport`].
    pub fn new(
        mut scenario: Scenario,
        venue: &'v Venue,
        options: &FeedOptions,
    ) -> Result<FeedRun<'v>, InjectError> {
        let period = options.period_s;
        if !PERIOD_RANGE.contains(&period) {
            return Err(InjectError::Period(period));
        }
        let end = match options.end_s {
            None => scenario.end_time,
            Some(e) if e.is_finite() && e > 0.0 => e.min(scenario.end_time),
            Some(e) => return Err(InjectError::End(e)),
        };
        let samples = (end / period + 1e-9).floor() as u64 + 1;
        if samples > MAX_SAMPLES as u64 {
            return Err(InjectError::TooManySamples {
                samples,
                end,
                period,
            });
        }
        let persons = scenario.total_agents();
        if persons > MAX_PERSONS {
            return Err(InjectError::TooManyPersons {
                path: scenario.path.clone(),
                persons,
            });
        }
        let walkable = scenario.simulation.walkable_area().polygon().clone();
        let mut line_k: Vec<Option<usize>> = vec![None; venue.lines.len()];
        let mut probes = Vec::new();
        for s in &venue.sensors {
            for c in &s.channels {
                let probe = match c.feed {
                    Channel::Line { line, direction } => {
                        let l = &venue.lines[line];
                        let k = match line_k[line] {
                            Some(k) => k,
                            None => {
                                let ls = geo::Line::new(
                                    geo::coord! { x: l.segment.a.x, y: l.segment.a.y },
                                    geo::coord! { x: l.segment.b.x, y: l.segment.b.y },
                                );
                                if !ls.intersects(&walkable) {
                                    return Err(InjectError::LineOutside {
                                        line: l.id.clone(),
                                        venue: venue.id.clone(),
                                        scenario: scenario.path.clone(),
                                    });
                                }
                                let k = scenario.simulation.add_measurement_line(
                                    aman_geometry::MeasurementLine {
                                        name: l.id.clone(),
                                        segment: l.segment,
                                    },
                                );
                                line_k[line] = Some(k);
                                k
                            }
                        };
                        // The simulator's +1 is from the line's right to its left.
                        let in_is_left = l.segment.side(l.segment.a + l.in_normal) > 0.0;
                        let direction = direction.unwrap_or(Direction::In);
                        let sign = match (in_is_left, direction) {
                            (true, Direction::In) | (false, Direction::Out) => 1,
                            _ => -1,
                        };
                        Probe::Line { k, sign, direction }
                    }
                    Channel::Zone { zone } => {
                        let z = &venue.zones[zone];
                        if !z.area.polygon().intersects(&walkable) {
                            return Err(InjectError::ZoneOutside {
                                zone: z.id.clone(),
                                venue: venue.id.clone(),
                                scenario: scenario.path.clone(),
                            });
                        }
                        Probe::Zone { z: zone }
                    }
                    Channel::Tracks => continue,
                };
                probes.push((s.id.clone(), c.name.clone(), probe));
            }
        }
        if probes.is_empty() {
            return Err(InjectError::NothingToReport {
                venue: venue.id.clone(),
            });
        }
        let lines = scenario.simulation.measurement_lines().len();
        Ok(FeedRun {
            scenario,
            venue,
            probes,
            counted: vec![[0, 0]; lines],
            seen: 0,
            base: options.base,
            period,
            next: 0,
            samples,
        })
    }

    /// Samples in all (`floor(end / period) + 1`).
    pub fn len(&self) -> usize {
        self.samples as usize
    }

    /// Whether there are no samples (never: the sample at 0 is always there).
    pub fn is_empty(&self) -> bool {
        self.samples == 0
    }

    /// The simulation (its time, agents, exits so far).
    pub fn simulation(&self) -> &aman_sim::Simulation {
        &self.scenario.simulation
    }

    /// Steps the simulation to `t` (s) and counts the new crossings.
    fn advance(&mut self, t: f64) {
        let sim = &mut self.scenario.simulation;
        let target = (t / sim.config().dt).round() as u64;
        while sim.iteration() < target && !sim.is_finished() {
            sim.step();
        }
        let crossings = sim.crossings();
        for c in &crossings[self.seen..] {
            if let Some(n) = self.counted.get_mut(c.line) {
                n[usize::from(c.direction < 0)] += 1;
            }
        }
        self.seen = crossings.len();
    }

    fn sample(&self, t: f64) -> Sample {
        let time = self.base.add_secs(t);
        let positions = &self.scenario.simulation.agents().position;
        let readings = self
            .probes
            .iter()
            .map(|(sensor, channel, probe)| Reading {
                sensor: sensor.clone(),
                channel: channel.clone(),
                time,
                value: match *probe {
                    Probe::Line { k, sign, direction } => Value::Counter {
                        direction: Some(direction),
                        total: self.counted[k][usize::from(sign < 0)],
                    },
                    Probe::Zone { z } => {
                        let area = &self.venue.zones[z].area;
                        Value::Occupancy {
                            count: positions.iter().filter(|p| area.contains(**p)).count() as u64,
                        }
                    }
                },
            })
            .collect();
        Sample { t, readings }
    }
}

impl Iterator for FeedRun<'_> {
    type Item = Sample;

    fn next(&mut self) -> Option<Sample> {
        if self.next >= self.samples {
            return None;
        }
        let t = self.next as f64 * self.period;
        self.next += 1;
        self.advance(t);
        Some(self.sample(t))
    }
}

/// Simulates `scenario` and returns what the sensors of `venue` would have reported, every
/// `options.period_s` seconds from 0 to the end (see the crate doc for what each channel
/// reports). Same scenario (and seed) and options ⇒ the same feed.
///
/// # Errors
/// As [`FeedRun::new`].
pub fn crowd_feed(
    scenario: Scenario,
    venue: &Venue,
    options: &FeedOptions,
) -> Result<Feed, InjectError> {
    let mut run = FeedRun::new(scenario, venue, options)?;
    let samples: Vec<Sample> = run.by_ref().collect();
    let sim = run.simulation();
    Ok(Feed {
        samples,
        persons: sim.created(),
        exited: sim.exits().len() as u64,
    })
}

/// `feed` as the body of an exercise's crowd feed in `aman serve`'s API (`POST
/// /api/v1/exercises`, `feeds.<inject>`, docs/serve.md §2.13): a JSON array of samples
/// `{"t": s, "readings": [{"sensor", "channel", "kind", …}]}`, each reading's value in aman's
/// own JSON (`{"kind": "occupancy", "count": 12}`, `{"kind": "counter", "direction": "in",
/// "total": 40}`), without its time: the server stamps each sample when it replays it.
/// `t` is seconds of the crowd scenario from the inject, as [`Sample::t`].
pub fn feed_json(feed: &Feed) -> serde_json::Value {
    use serde_json::{Value, json};
    let samples = feed
        .samples
        .iter()
        .map(|s| {
            let readings: Vec<Value> = s
                .readings
                .iter()
                .map(|r| {
                    let mut v = serde_json::to_value(&r.value).unwrap_or(Value::Null);
                    if let Value::Object(m) = &mut v {
                        m.insert("sensor".into(), json!(r.sensor));
                        m.insert("channel".into(), json!(r.channel));
                    }
                    v
                })
                .collect();
            json!({"t": s.t, "readings": readings})
        })
        .collect();
    Value::Array(samples)
}

/// [`crowd_feed`] of the scenario file at `path`.
///
/// # Errors
/// [`InjectError::Scenario`] for a file that cannot be read or built; then as
/// [`FeedRun::new`].
pub fn crowd_feed_file(
    path: &Path,
    venue: &Venue,
    options: &FeedOptions,
) -> Result<Feed, InjectError> {
    crowd_feed(load_scenario(path)?, venue, options)
}

/// The feed of one crowd inject of an MSEL.
#[derive(Debug, Clone, PartialEq)]
pub struct InjectFeed {
    /// The inject's id.
    pub inject: String,
    /// Its feed.
    pub feed: Feed,
}

/// A crowd inject of an MSEL whose feed cannot be made.
#[derive(Debug, thiserror::Error)]
#[error("inject {inject:?}: {source}")]
pub struct MselFeedError {
    /// The inject's id.
    pub inject: String,
    /// Why (the scenario file and key, a line or zone outside it, too many persons); boxed,
    /// as a scenario error is large.
    #[source]
    pub source: Box<InjectError>,
}

/// The feeds of every crowd inject of `msel` (`aman_ops::exercise::InjectKind::Crowd`), in
/// MSEL order: its scenario file (the path as it stands in `msel`: [`Msel::load`] resolves a
/// relative one against the MSEL's folder) simulated on `venue` with
/// [`FeedOptions::exercise`]. Other injects have no feed. Work: one simulation per crowd
/// inject, bounded as [`crowd_feed`]; run it off an async executor.
///
/// [`Msel::load`]: aman_ops::exercise::Msel::load
///
/// # Errors
/// The first inject whose feed cannot be made, with why ([`MselFeedError`]).
pub fn msel_feeds(
    msel: &aman_ops::exercise::Msel,
    venue: &Venue,
) -> Result<Vec<InjectFeed>, MselFeedError> {
    let mut out = Vec::new();
    for inject in &msel.injects {
        let aman_ops::exercise::InjectKind::Crowd { scenario, .. } = &inject.kind else {
            continue;
        };
        let feed =
            crowd_feed_file(scenario, venue, &FeedOptions::exercise()).map_err(|source| {
                MselFeedError {
                    inject: inject.id.clone(),
                    source: Box::new(source),
                }
            })?;
        out.push(InjectFeed {
            inject: inject.id.clone(),
            feed,
        });
    }
    Ok(out)
}

/// `feeds` as the `feeds` object of `POST /api/v1/exercises`: each inject's id → its
/// [`feed_json`].
pub fn feeds_json(feeds: &[InjectFeed]) -> serde_json::Value {
    serde_json::Value::Object(
        feeds
            .iter()
            .map(|f| (f.inject.clone(), feed_json(&f.feed)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_as_the_api_takes_it() {
        let reading = |channel: &str, value: Value| Reading {
            sensor: "cam".into(),
            channel: channel.into(),
            time: Timestamp(1_782_072_000_000_000),
            value,
        };
        let feed = Feed {
            samples: vec![
                Sample {
                    t: 0.0,
                    readings: vec![
                        reading("zone-a", Value::Occupancy { count: 3 }),
                        reading(
                            "gate-in",
                            Value::Counter {
                                direction: Some(Direction::In),
                                total: 7,
                            },
                        ),
                    ],
                },
                Sample {
                    t: 2.5,
                    readings: vec![],
                },
            ],
            persons: 10,
            exited: 0,
        };
        assert_eq!(
            feed_json(&feed),
            serde_json::json!([
                {"t": 0.0, "readings": [
                    {"sensor": "cam", "channel": "zone-a", "kind": "occupancy", "count": 3},
                    {"sensor": "cam", "channel": "gate-in", "kind": "counter",
                     "direction": "in", "total": 7},
                ]},
                {"t": 2.5, "readings": []},
            ])
        );
    }
}
