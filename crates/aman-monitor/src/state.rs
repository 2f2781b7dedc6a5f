//! The live state of a venue: every zone, line and sensor, updated reading by reading, and
//! the rules that watch them.
//!
//! [`Monitor::apply`] takes the readings in log order (the same log ⇒ the same state and the
//! same decisions); [`Monitor::tick`] advances the server's clock for sensor staleness.
//! Measures come from `aman-analysis`, never re-derived:
//!
//! - occupancy: an occupancy sensor's latest value; else the persons a track sensor sees
//!   strictly inside the zone in its latest frame (the count of
//!   [`aman_analysis::classic::classic_density`]); else the balance of the crossings of
//!   the lines into and out of the zone (never below 0);
//! - density: a density sensor's latest value; else occupancy / the zone's walkable area,
//!   1/m² (classic density, Zhang et al. 2011, Eq. 1);
//! - level of service: Fruin's table of the zone ([`aman_analysis::LosTable::level`]);
//! - crowd pressure from tracks: ρ · Var(v) over the zone
//!   ([`aman_analysis::pressure::area_pressure`], after Helbing et al. 2007), velocities by
//!   backward difference between a track's consecutive frames;
//! - line flow in and out over the venue's sliding window, 1/s, and specific flow
//!   (in + out) / clear width, 1/(m·s) ([`aman_analysis::specific_flow`]);
//! - trend: least-squares slope of the zone's density over the window, 1/(m²·s), and the
//!   time until the next threshold (the next worse level of service or a rule's raise
//!   threshold) at that slope.
//!
//! Sensor clocks and the server's clock are kept apart: zone and line measures and their
//! rules run on the sensor's time; staleness runs on the server's (receive time and
//! [`Monitor::tick`]).
//!
//! Late, duplicate and out-of-order readings are taken without double counting: a counter
//! reading older than the channel's latest is late and ignored (the later total already
//! includes it), one with the same time and total is a duplicate; a counter that goes down
//! was reset (its new total is the crossings since the reset); crossings events are counted
//! once per channel, direction and timestamp (a re-sent event has the same timestamp);
//! occupancy, density and track positions older than the latest are late and ignored.

use std::collections::{HashMap, HashSet, VecDeque};

use aman_analysis::classic::AreaTest;
use aman_analysis::crossing::{CrossingCounter, CrossingDirection};
use aman_analysis::pressure::area_pressure;
use aman_analysis::{FruinLevel, specific_flow};
use aman_geometry::{MeasurementLine, Vec2};
use serde::Serialize;

use crate::hysteresis::{Hysteresis, Transition};
use crate::venue::{Feed, Measure, Subject};
use crate::{Direction, Logged, ReadingError, Timestamp, Value, Venue};

/// Longest gap between two frames of a track for a velocity, s.
const TRACK_GAP: f64 = 2.0;
/// Trend samples closer than this are merged (the latest kept), s.
const TREND_STEP: f64 = 0.1;
/// A track sensor's frame is complete when no reading came for this long, s (server clock).
pub const FRAME_QUIET: f64 = 0.5;
/// Crossings events remembered per sensor for duplicate detection.
const SEEN_CROSSINGS: usize = 65_536;

/// Where a zone's occupancy comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OccupancySource {
    /// An occupancy sensor.
    Sensor,
    /// A density sensor (occupancy = density × walkable area).
    Density,
    /// Persons tracked inside the zone.
    Tracks,
    /// In minus out at the lines into and out of the zone.
    Lines,
}

/// The next threshold a zone's density reaches at its current trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextThreshold {
    /// What it is: `"LOS E"` or `"rule <id>"`.
    pub what: String,
    /// Its density, 1/m².
    pub density: f64,
    /// Seconds until it is reached at the current trend.
    pub seconds: f64,
}

/// The live state of a zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneState {
    /// Zone id.
    pub id: String,
    /// Sensor time of the latest update, if any.
    pub time: Option<Timestamp>,
    /// Persons.
    pub occupancy: Option<f64>,
    /// Where the occupancy comes from.
    pub source: Option<OccupancySource>,
    /// 1/m².
    pub density: Option<f64>,
    /// Fruin level of service in the zone's table.
    pub los: Option<FruinLevel>,
    /// Occupancy over capacity (1 = full), if the zone has a capacity.
    pub capacity_ratio: Option<f64>,
    /// Crowd pressure ρ·Var(v), 1/s², when tracked.
    pub pressure: Option<f64>,
    /// Density trend over the window, 1/(m²·s).
    pub trend: Option<f64>,
    /// The next threshold at the current trend, if rising.
    pub next_threshold: Option<NextThreshold>,
}

/// The live state of a line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineState {
    /// Line id.
    pub id: String,
    /// Sensor time of the latest update, if any.
    pub time: Option<Timestamp>,
    /// Persons counted in since the first reading.
    pub total_in: u64,
    /// Persons counted out since the first reading.
    pub total_out: u64,
    /// Flow in over the window, 1/s.
    pub flow_in: Option<f64>,
    /// Flow out over the window, 1/s.
    pub flow_out: Option<f64>,
    /// (in + out) / clear width over the window, 1/(m·s).
    pub specific_flow: Option<f64>,
    /// Counter resets detected.
    pub resets: u64,
}

/// The live state of a sensor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensorState {
    /// Sensor id.
    pub id: String,
    /// Server time of its latest reading.
    pub last_received: Option<Timestamp>,
    /// Sensor time of its latest reading.
    pub last_time: Option<Timestamp>,
    /// Silent longer than its period (or offline by its MQTT last will).
    pub stale: bool,
    /// Readings taken.
    pub readings: u64,
    /// Readings older than what was already known (ignored).
    pub late: u64,
    /// Readings received twice (ignored).
    pub duplicates: u64,
    /// Counter resets.
    pub resets: u64,
}

/// An open alert of a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenAlert {
    /// Alert id: `<venue>-<rule>-<raise time in µs>`, or
    /// `<venue>-exercise-<exercise>-<rule>-<raise time in µs>` in an exercise
    /// ([`Monitor::in_exercise`]).
    pub id: String,
    /// Rule id.
    pub rule: String,
    /// When it was raised (the rule's clock).
    pub raised_at: Timestamp,
    /// The measure's value when raised.
    pub value: f64,
}

/// The whole live state, as pushed to subscribers and returned by the API.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VenueState {
    /// Venue id.
    pub venue: String,
    /// Sequence number of the latest reading applied.
    pub seq: u64,
    /// Zones, in venue order.
    pub zones: Vec<ZoneState>,
    /// Lines, in venue order.
    pub lines: Vec<LineState>,
    /// Sensors, in venue order.
    pub sensors: Vec<SensorState>,
    /// Open alerts, in rule order.
    pub alerts: Vec<OpenAlert>,
}

/// What an alert decision is (CAP 1.2 §3.2.1 `msgType`: Alert, Update, Cancel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// A new alert.
    Raise,
    /// The alert's situation worsened (the zone's level of service got worse).
    Update,
    /// The alert is resolved.
    Resolve,
}

/// A rule's decision: raise, update or resolve an alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// What.
    pub kind: DecisionKind,
    /// Index into [`Venue::rules`].
    pub rule: usize,
    /// Alert id (the same for its raise, updates and resolve).
    pub alert: String,
    /// When (the rule's clock).
    pub at: Timestamp,
    /// The measure's value then.
    pub value: f64,
    /// The zone's level of service then, for zone rules.
    pub los: Option<FruinLevel>,
}

/// One bucket of a zone's or line's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryPoint {
    /// Zone or line id.
    pub subject: String,
    /// Bucket length: 1 or 60 s.
    pub resolution_s: u32,
    /// Bucket start (sensor time).
    pub t: Timestamp,
    /// Occupancy at the end of the bucket (zones).
    pub occupancy: Option<f64>,
    /// Density at the end of the bucket, 1/m² (zones).
    pub density: Option<f64>,
    /// Pressure at the end of the bucket, 1/s² (zones).
    pub pressure: Option<f64>,
    /// Flow in at the end of the bucket, 1/s (lines).
    pub flow_in: Option<f64>,
    /// Flow out at the end of the bucket, 1/s (lines).
    pub flow_out: Option<f64>,
}

#[derive(Debug, Clone, Copy)]
struct Counter {
    time: Timestamp,
    total: u64,
}

#[derive(Debug, Clone, Copy)]
struct Track {
    pos: Vec2,
    time: Timestamp,
    /// The track's observation number: the frame the line counters see (consecutive while
    /// the track has no gap longer than [`TRACK_GAP`]).
    frame: u64,
}

#[derive(Debug, Default)]
struct SensorLive {
    state: Option<SensorState>,
    counters: HashMap<(usize, Direction), Counter>,
    levels: HashMap<usize, Timestamp>,
    seen: HashSet<(usize, Direction, Timestamp)>,
    seen_order: VecDeque<(usize, Direction, Timestamp)>,
    frame: Option<Timestamp>,
    points: Vec<(u64, Vec2)>,
    /// The positions of the last closed frame, and its time.
    last_frame: Option<(Timestamp, Vec<Vec2>)>,
    tracks: HashMap<u64, Track>,
    /// Per venue line, this sensor's tracks counted at it with the one rule of
    /// `aman_analysis::crossing` (`None`: a zero-length line, never crossed).
    line_counters: Vec<Option<CrossingCounter>>,
    covers: Vec<bool>,
}

#[derive(Debug, Clone, Copy)]
struct Tracked {
    count: usize,
    pressure: f64,
}

#[derive(Debug)]
struct ZoneLive {
    occupancy: Option<(Timestamp, f64)>,
    density: Option<(Timestamp, f64)>,
    tracked: Vec<Option<Tracked>>,
    balance: f64,
    has_lines: bool,
    samples: VecDeque<(Timestamp, f64)>,
    buckets: [Option<i64>; 2],
}

#[derive(Debug, Default)]
struct LineLive {
    first: Option<Timestamp>,
    latest: Option<Timestamp>,
    events: VecDeque<(Timestamp, Direction, u64)>,
    buckets: [Option<i64>; 2],
}

#[derive(Debug)]
struct RuleLive {
    switch: Hysteresis,
    open: Option<OpenAlert>,
    worst: Option<FruinLevel>,
}

/// The live state of one venue and its rules: see the [module docs](self).
#[derive(Debug)]
pub struct Monitor {
    venue: Venue,
    /// What alert ids start with: the venue id, and the exercise's for an exercise.
    alert_prefix: String,
    /// Whether sensors go stale on the server's clock (not in an exercise).
    staleness: bool,
    started: Timestamp,
    seq: u64,
    sensors: Vec<SensorLive>,
    zones: Vec<ZoneLive>,
    lines: Vec<LineLive>,
    rules: Vec<RuleLive>,
    zone_states: Vec<ZoneState>,
    line_states: Vec<LineState>,
    decisions: Vec<Decision>,
    history: Vec<HistoryPoint>,
    changed: Vec<Subject>,
}

impl Monitor {
    /// A monitor for `venue`, its clock started at `started` (server time: a sensor silent
    /// since then for longer than its period is stale).
    pub fn new(venue: Venue, started: Timestamp) -> Monitor {
        let n_zones = venue.zones.len();
        let n_sensors = venue.sensors.len();
        let sensors = venue
            .sensors
            .iter()
            .map(|s| SensorLive {
                state: Some(SensorState {
                    id: s.id.clone(),
                    last_received: None,
                    last_time: None,
                    stale: false,
                    readings: 0,
                    late: 0,
                    duplicates: 0,
                    resets: 0,
                }),
                covers: vec![false; n_zones],
                line_counters: venue
                    .lines
                    .iter()
                    .map(|l| {
                        CrossingCounter::new(&MeasurementLine {
                            name: l.id.clone(),
                            segment: l.segment,
                        })
                        .ok()
                    })
                    .collect(),
                ..SensorLive::default()
            })
            .collect();
        let zones = (0..n_zones)
            .map(|z| ZoneLive {
                occupancy: None,
                density: None,
                tracked: vec![None; n_sensors],
                balance: 0.0,
                has_lines: venue
                    .lines
                    .iter()
                    .any(|l| l.into == Some(z) || l.from == Some(z)),
                samples: VecDeque::new(),
                buckets: [None; 2],
            })
            .collect();
        let zone_states = venue
            .zones
            .iter()
            .map(|z| ZoneState {
                id: z.id.clone(),
                time: None,
                occupancy: None,
                source: None,
                density: None,
                los: None,
                capacity_ratio: None,
                pressure: None,
                trend: None,
                next_threshold: None,
            })
            .collect();
        let line_states = venue
            .lines
            .iter()
            .map(|l| LineState {
                id: l.id.clone(),
                time: None,
                total_in: 0,
                total_out: 0,
                flow_in: None,
                flow_out: None,
                specific_flow: None,
                resets: 0,
            })
            .collect();
        let lines = venue.lines.iter().map(|_| LineLive::default()).collect();
        let rules = venue
            .rules
            .iter()
            .map(|r| RuleLive {
                switch: Hysteresis::new(r.raise, r.clear, r.hold),
                open: None,
                worst: None,
            })
            .collect();
        Monitor {
            alert_prefix: venue.id.clone(),
            staleness: true,
            venue,
            started,
            seq: 0,
            sensors,
            zones,
            lines,
            rules,
            zone_states,
            line_states,
            decisions: Vec::new(),
            history: Vec::new(),
            changed: Vec::new(),
        }
    }

    /// This monitor for exercise `exercise` (an id of `[a-z0-9-]`): its alert ids become
    /// `<venue>-exercise-<exercise>-<rule>-<raise time in µs>`, so an exercise's alerts never
    /// share an id with live ones raised at the same instant; and its sensors never go stale
    /// ([`Monitor::tick`], [`Monitor::set_offline`] change nothing), so no `stale` rule
    /// raises: an exercise's readings come from its crowd injects' feeds, which start and
    /// end with the inject, and there is no device to lose. Everything else is the same.
    pub fn in_exercise(mut self, exercise: &str) -> Monitor {
        self.alert_prefix = format!("{}-exercise-{exercise}", self.venue.id);
        self.staleness = false;
        self
    }

    /// The venue.
    pub fn venue(&self) -> &Venue {
        &self.venue
    }

    /// Sequence number of the latest reading applied (0 before any).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Zone `i`'s state.
    pub fn zone(&self, i: usize) -> &ZoneState {
        &self.zone_states[i]
    }

    /// Line `i`'s state.
    pub fn line(&self, i: usize) -> &LineState {
        &self.line_states[i]
    }

    /// Sensor `i`'s state.
    pub fn sensor(&self, i: usize) -> &SensorState {
        self.sensors[i]
            .state
            .as_ref()
            .expect("sensor states are made in Monitor::new")
    }

    /// The whole state.
    pub fn state(&self) -> VenueState {
        VenueState {
            venue: self.venue.id.clone(),
            seq: self.seq,
            zones: self.zone_states.clone(),
            lines: self.line_states.clone(),
            sensors: (0..self.sensors.len())
                .map(|i| self.sensor(i).clone())
                .collect(),
            alerts: self.rules.iter().filter_map(|r| r.open.clone()).collect(),
        }
    }

    /// The positions of the persons seen by the track sensors in their last closed frame
    /// (m, venue coordinates), leaving out the sensors gone stale: the input of a live
    /// density field. With the latest of those frames' times (`None` without any).
    pub fn track_positions(&self) -> (Option<Timestamp>, impl Iterator<Item = Vec2> + '_) {
        let live = |i: &usize| !self.sensor(*i).stale;
        let frames = (0..self.sensors.len())
            .filter(live)
            .filter_map(|i| self.sensors[i].last_frame.as_ref());
        let latest = frames.clone().map(|f| f.0).max();
        (latest, frames.flat_map(|f| f.1.iter().copied()))
    }

    /// Whether a rule holds alert `alert` open.
    pub fn is_open(&self, alert: &str) -> bool {
        self.rules
            .iter()
            .any(|r| r.open.as_ref().is_some_and(|o| o.id == alert))
    }

    /// A person resolved open alert `alert` at `at`: its rule's switch goes back to normal at
    /// once (no waiting for the value to clear) and a [`DecisionKind::Resolve`] is made, as
    /// when the rule clears. If the rule's measure is still at or above its threshold, the
    /// rule starts rising again with its next value and raises a *new* alert after its hold
    /// time: resolving by hand closes the operators' handling of an alert, it does not
    /// silence the rule. Returns `false`, and changes nothing, if no rule holds `alert` open.
    pub fn resolve(&mut self, alert: &str, at: Timestamp) -> bool {
        let Some(ri) = self
            .rules
            .iter()
            .position(|r| r.open.as_ref().is_some_and(|o| o.id == alert))
        else {
            return false;
        };
        let rl = &mut self.rules[ri];
        let Some(open) = rl.open.take() else {
            return false;
        };
        rl.switch.reset();
        rl.worst = None;
        self.decisions.push(Decision {
            kind: DecisionKind::Resolve,
            rule: ri,
            alert: open.id,
            at,
            value: f64::NAN,
            los: None,
        });
        true
    }

    /// Decisions made since the last call (raise, update, resolve), in the order made.
    pub fn take_decisions(&mut self) -> Vec<Decision> {
        std::mem::take(&mut self.decisions)
    }

    /// History buckets closed since the last call.
    pub fn take_history(&mut self) -> Vec<HistoryPoint> {
        std::mem::take(&mut self.history)
    }

    /// Zones, lines and sensors whose state changed since the last call (each once).
    pub fn take_changes(&mut self) -> Vec<Subject> {
        let mut c = std::mem::take(&mut self.changed);
        c.sort_by_key(|s| match *s {
            Subject::Zone(i) => (0, i),
            Subject::Line(i) => (1, i),
            Subject::Sensor(i) => (2, i),
        });
        c.dedup();
        c
    }

    /// Applies one logged reading. Readings must come in log order (`seq` ascending); one
    /// already applied (`seq` ≤ [`Monitor::seq`]) is skipped, so replaying an overlapping
    /// log is harmless.
    ///
    /// # Errors
    /// The venue's [`Venue::resolve`] error if the reading does not fit the venue (the
    /// server checks this before storing; a log written under another venue file can hold
    /// such readings). The state is unchanged then.
    pub fn apply(&mut self, logged: &Logged) -> Result<(), ReadingError> {
        if logged.seq != 0 && logged.seq <= self.seq {
            return Ok(());
        }
        let reading = &logged.reading;
        let route = self.venue.resolve(reading)?;
        self.seq = self.seq.max(logged.seq);
        let si = route.sensor;
        let t = reading.time;
        {
            let st = self.sensors[si].state.as_mut().expect("made in new");
            st.readings += 1;
            st.last_received = Some(
                st.last_received
                    .map_or(logged.received, |r| r.max(logged.received)),
            );
            st.last_time = Some(st.last_time.map_or(t, |l| l.max(t)));
        }
        self.changed.push(Subject::Sensor(si));
        if self.sensor(si).stale {
            self.set_stale(si, false, logged.received);
        }
        let feed = self.venue.sensors[si].channels[route.channel].feed.clone();
        match (&reading.value, feed) {
            (&Value::Counter { total, .. }, Feed::Line { line, .. }) => {
                let dir = route.direction.unwrap_or(Direction::In);
                self.counter(si, route.channel, dir, line, t, total);
            }
            (&Value::Crossings { count, .. }, Feed::Line { line, .. }) => {
                let dir = route.direction.unwrap_or(Direction::In);
                let key = (route.channel, dir, t);
                let s = &mut self.sensors[si];
                if s.seen.contains(&key) {
                    s.state.as_mut().expect("made in new").duplicates += 1;
                } else {
                    s.seen.insert(key);
                    s.seen_order.push_back(key);
                    if s.seen_order.len() > SEEN_CROSSINGS
                        && let Some(old) = s.seen_order.pop_front()
                    {
                        s.seen.remove(&old);
                    }
                    self.crossing(line, t, dir, count);
                }
            }
            (&Value::Occupancy { count }, Feed::Zone { zone }) => {
                if self.level_is_new(si, route.channel, t) {
                    self.zones[zone].occupancy = Some((t, count as f64));
                    self.refresh_zone(zone, t);
                }
            }
            (&Value::Density { density }, Feed::Zone { zone }) => {
                if self.level_is_new(si, route.channel, t) {
                    self.zones[zone].density = Some((t, density));
                    self.refresh_zone(zone, t);
                }
            }
            (&Value::Track { track, x, y }, Feed::Tracks) => {
                let pos = self.venue.sensors[si].transform.apply(x, y);
                match self.sensors[si].frame {
                    Some(f) if t < f => self.late(si),
                    Some(f) if t == f => self.sensors[si].points.push((track, pos)),
                    _ => {
                        self.close_frame(si);
                        let s = &mut self.sensors[si];
                        s.frame = Some(t);
                        s.points.push((track, pos));
                    }
                }
            }
            _ => unreachable!("Venue::resolve checks that the value fits the feed"),
        }
        Ok(())
    }

    /// Closes every track sensor's open frame (normally closed by the sensor's next frame):
    /// call at the end of a replay, or when a sensor's frame is known complete.
    pub fn flush(&mut self) {
        for si in 0..self.sensors.len() {
            self.close_frame(si);
        }
    }

    /// Advances the server's clock to `now`: a track sensor's open frame whose latest reading
    /// arrived more than [`FRAME_QUIET`] s ago is complete and closed (its next frame would
    /// close it otherwise); sensors silent for longer than their period (since their latest
    /// reading, or since the monitor started) become stale, and their stale rules run (not in
    /// an exercise: [`Monitor::in_exercise`]).
    pub fn tick(&mut self, now: Timestamp) {
        for si in 0..self.sensors.len() {
            let quiet = self
                .sensor(si)
                .last_received
                .is_some_and(|r| now.secs_since(r) > FRAME_QUIET);
            if quiet && self.sensors[si].frame.is_some() {
                self.close_frame(si);
            }
        }
        if !self.staleness {
            return;
        }
        for si in 0..self.sensors.len() {
            let since = self.sensor(si).last_received.unwrap_or(self.started);
            let silent = now.secs_since(since) > self.venue.sensors[si].period;
            if silent && !self.sensor(si).stale {
                self.set_stale(si, true, now);
            }
        }
    }

    /// Marks sensor `i` offline now (its MQTT last will arrived): stale until its next
    /// reading. Nothing in an exercise ([`Monitor::in_exercise`]).
    pub fn set_offline(&mut self, sensor: usize, now: Timestamp) {
        if self.staleness && !self.sensor(sensor).stale {
            self.set_stale(sensor, true, now);
        }
    }

    fn set_stale(&mut self, si: usize, stale: bool, now: Timestamp) {
        self.sensors[si].state.as_mut().expect("made in new").stale = stale;
        self.changed.push(Subject::Sensor(si));
        self.run_rules(Subject::Sensor(si), now);
    }

    fn late(&mut self, si: usize) {
        self.sensors[si].state.as_mut().expect("made in new").late += 1;
    }

    /// True if a level reading (occupancy, density) at `t` is newer than the channel's
    /// latest; counts it as late or duplicate otherwise.
    fn level_is_new(&mut self, si: usize, channel: usize, t: Timestamp) -> bool {
        let s = &mut self.sensors[si];
        let st = s.state.as_mut().expect("made in new");
        match s.levels.get(&channel) {
            Some(&last) if t < last => {
                st.late += 1;
                false
            }
            Some(&last) if t == last => {
                st.duplicates += 1;
                false
            }
            _ => {
                s.levels.insert(channel, t);
                true
            }
        }
    }

    fn counter(
        &mut self,
        si: usize,
        channel: usize,
        dir: Direction,
        line: usize,
        t: Timestamp,
        total: u64,
    ) {
        let s = &mut self.sensors[si];
        let st = s.state.as_mut().expect("made in new");
        let delta = match s.counters.get(&(channel, dir)).copied() {
            None => 0,
            Some(c) if t < c.time => {
                st.late += 1;
                return;
            }
            Some(c) if t == c.time && total == c.total => {
                st.duplicates += 1;
                return;
            }
            Some(c) if total >= c.total => total - c.total,
            Some(_) => {
                st.resets += 1;
                self.line_states[line].resets += 1;
                total
            }
        };
        s.counters
            .insert((channel, dir), Counter { time: t, total });
        self.crossing(line, t, dir, delta);
    }

    /// Records `count` crossings of `line` at `t` and updates the line, its zones and rules.
    fn crossing(&mut self, li: usize, t: Timestamp, dir: Direction, count: u64) {
        let line = &self.venue.lines[li];
        let (into, from) = (line.into, line.from);
        let ll = &mut self.lines[li];
        ll.first.get_or_insert(t);
        if count > 0 {
            ll.events.push_back((t, dir, count));
            let ls = &mut self.line_states[li];
            match dir {
                Direction::In => ls.total_in += count,
                Direction::Out => ls.total_out += count,
            }
        }
        let latest = ll.latest.map_or(t, |l| l.max(t));
        ll.latest = Some(latest);
        self.refresh_line(li, latest);
        let signed = match dir {
            Direction::In => count as f64,
            Direction::Out => -(count as f64),
        };
        if count > 0 {
            if let Some(z) = into {
                self.zones[z].balance += signed;
                self.refresh_zone(z, t);
            }
            if let Some(z) = from {
                self.zones[z].balance -= signed;
                self.refresh_zone(z, t);
            }
        }
    }

    fn refresh_line(&mut self, li: usize, t: Timestamp) {
        let w = self.venue.window;
        let ll = &mut self.lines[li];
        while ll
            .events
            .front()
            .is_some_and(|&(te, _, _)| t.secs_since(te) >= w)
        {
            ll.events.pop_front();
        }
        let span = ll.first.map_or(0.0, |f| t.secs_since(f)).min(w);
        let (mut n_in, mut n_out) = (0u64, 0u64);
        for &(te, d, c) in &ll.events {
            if te > t {
                continue;
            }
            match d {
                Direction::In => n_in += c,
                Direction::Out => n_out += c,
            }
        }
        let width = self.venue.lines[li].width;
        let ls = &mut self.line_states[li];
        ls.time = Some(t);
        if span > 0.0 {
            let (fi, fo) = (n_in as f64 / span, n_out as f64 / span);
            ls.flow_in = Some(fi);
            ls.flow_out = Some(fo);
            ls.specific_flow = Some(specific_flow(fi + fo, width));
        }
        self.changed.push(Subject::Line(li));
        self.bucket(Subject::Line(li), t);
        self.run_rules(Subject::Line(li), t);
    }

    /// Ends track sensor `si`'s open frame: velocities, line crossings, zone counts.
    fn close_frame(&mut self, si: usize) {
        let Some(ft) = self.sensors[si].frame.take() else {
            return;
        };
        let points = std::mem::take(&mut self.sensors[si].points);
        // Line crossings and velocities against each track's previous position. Crossings are
        // counted with aman's one rule (`aman_analysis::crossing`): each track once per line,
        // at its first crossing, confirmed by the track's next position (so one frame late);
        // a track swaying across a line in a queue is not counted again.
        let mut velocity: Vec<Option<(f64, f64)>> = Vec::with_capacity(points.len());
        let mut crossings: Vec<(usize, Direction)> = Vec::new();
        let sensor = &mut self.sensors[si];
        for &(id, pos) in &points {
            let prev = sensor.tracks.get(&id).copied();
            let v = prev.and_then(|p| {
                let dt = ft.secs_since(p.time);
                (dt > 0.0 && dt <= TRACK_GAP)
                    .then(|| ((pos.x - p.pos.x) / dt, (pos.y - p.pos.y) / dt))
            });
            velocity.push(v);
            let frame = match prev {
                Some(p) if ft.secs_since(p.time) <= TRACK_GAP => p.frame + 1,
                Some(_) => {
                    // A gap: the id starts a new person at every line.
                    for c in sensor.line_counters.iter_mut().flatten() {
                        c.forget(id);
                    }
                    0
                }
                None => 0,
            };
            for (li, c) in sensor.line_counters.iter_mut().enumerate() {
                let Some(c) = c else { continue };
                if let Some(k) = c.observe(id, frame, pos) {
                    let line = &self.venue.lines[li];
                    let d = line.segment.b - line.segment.a;
                    // Forward is towards the left of a→b, the normal (−d.y, d.x).
                    let left_is_in = (-d.y * line.in_normal.x + d.x * line.in_normal.y) > 0.0;
                    let forward = k.direction == CrossingDirection::Forward;
                    crossings.push((
                        li,
                        if forward == left_is_in {
                            Direction::In
                        } else {
                            Direction::Out
                        },
                    ));
                }
                // The monitor keeps no list of counted persons: it only needs the live count.
                c.drain_counted();
            }
            sensor.tracks.insert(
                id,
                Track {
                    pos,
                    time: ft,
                    frame,
                },
            );
        }
        let counters = &mut sensor.line_counters;
        sensor.tracks.retain(|id, tr| {
            let keep = ft.secs_since(tr.time) <= TRACK_GAP;
            if !keep {
                for c in counters.iter_mut().flatten() {
                    c.forget(*id);
                }
            }
            keep
        });
        let last = self.sensors[si]
            .last_frame
            .get_or_insert_with(|| (ft, Vec::new()));
        last.0 = ft;
        last.1.clear();
        last.1.extend(points.iter().map(|&(_, p)| p));
        for (li, dir) in crossings {
            self.crossing(li, ft, dir, 1);
        }
        // Zone counts, exactly as classic density counts.
        let mut vels: Vec<(f64, f64)> = Vec::new();
        for zi in 0..self.venue.zones.len() {
            let zone = &self.venue.zones[zi];
            let test = AreaTest::new(&zone.area);
            vels.clear();
            let mut count = 0;
            for (k, &(_, p)) in points.iter().enumerate() {
                if test.contains(p.x, p.y) {
                    count += 1;
                    if let Some(v) = velocity[k] {
                        vels.push(v);
                    }
                }
            }
            let covers = &mut self.sensors[si].covers[zi];
            *covers |= count > 0;
            if !*covers {
                continue;
            }
            let density = count as f64 / zone.walkable_m2;
            self.zones[zi].tracked[si] = Some(Tracked {
                count,
                pressure: area_pressure(density, &vels),
            });
            self.refresh_zone(zi, ft);
        }
    }

    /// Recomputes zone `zi`'s state at sensor time `t` and runs its rules.
    fn refresh_zone(&mut self, zi: usize, t: Timestamp) {
        let zone = &self.venue.zones[zi];
        let zl = &self.zones[zi];
        let tracked = zl
            .tracked
            .iter()
            .flatten()
            .fold(None, |acc: Option<Tracked>, tr| {
                Some(match acc {
                    None => *tr,
                    Some(a) => Tracked {
                        count: a.count + tr.count,
                        pressure: a.pressure.max(tr.pressure),
                    },
                })
            });
        let (occupancy, source) = if let Some((_, n)) = zl.occupancy {
            (Some(n), Some(OccupancySource::Sensor))
        } else if let Some((_, d)) = zl.density {
            (Some(d * zone.walkable_m2), Some(OccupancySource::Density))
        } else if let Some(tr) = tracked {
            (Some(tr.count as f64), Some(OccupancySource::Tracks))
        } else if zl.has_lines {
            (Some(zl.balance.max(0.0)), Some(OccupancySource::Lines))
        } else {
            (None, None)
        };
        let density = match (zl.density, occupancy) {
            (Some((_, d)), _) => Some(d),
            (None, Some(n)) => Some(n / zone.walkable_m2),
            _ => None,
        };
        let los = density.map(|d| zone.los.level(d));
        let zs = &mut self.zone_states[zi];
        let time = zs.time.map_or(t, |old| old.max(t));
        zs.time = Some(time);
        zs.occupancy = occupancy;
        zs.source = source;
        zs.density = density;
        zs.los = los;
        zs.capacity_ratio = zone
            .capacity
            .zip(occupancy)
            .map(|(c, n)| if c == 0 { f64::INFINITY } else { n / c as f64 });
        zs.pressure = tracked.map(|tr| tr.pressure);
        // Trend over the window.
        let window = self.venue.window;
        let zl = &mut self.zones[zi];
        if let Some(d) = density {
            // One sample per TREND_STEP bucket of sensor time: the latest value in it.
            let bucket = |ts: Timestamp| ts.0.div_euclid((TREND_STEP * 1e6) as i64);
            match zl.samples.back_mut() {
                Some(last) if bucket(t) == bucket(last.0) && t >= last.0 => *last = (t, d),
                Some(last) if t < last.0 => {}
                _ => zl.samples.push_back((t, d)),
            }
            while zl
                .samples
                .front()
                .is_some_and(|&(ts, _)| time.secs_since(ts) > window)
            {
                zl.samples.pop_front();
            }
        }
        let trend = slope(&zl.samples);
        let zs = &mut self.zone_states[zi];
        zs.trend = trend;
        zs.next_threshold = match (density, trend) {
            (Some(d), Some(s)) if s > 0.0 => {
                next_threshold(&self.venue, zi, d).map(|(what, rho)| NextThreshold {
                    what,
                    density: rho,
                    seconds: (rho - d) / s,
                })
            }
            _ => None,
        };
        self.changed.push(Subject::Zone(zi));
        self.bucket(Subject::Zone(zi), time);
        self.run_rules(Subject::Zone(zi), t);
    }

    /// Closes the 1 s and 1 min history buckets of `subject` that `t` has left.
    fn bucket(&mut self, subject: Subject, t: Timestamp) {
        for (k, res) in [1i64, 60].into_iter().enumerate() {
            let b = t.0.div_euclid(res * 1_000_000);
            let slot = match subject {
                Subject::Zone(i) => &mut self.zones[i].buckets[k],
                Subject::Line(i) => &mut self.lines[i].buckets[k],
                Subject::Sensor(_) => return,
            };
            match *slot {
                None => *slot = Some(b),
                Some(open) if b > open => {
                    *slot = Some(b);
                    // The state before this update is the bucket's last.
                    let point =
                        self.history_point(subject, res as u32, Timestamp(open * res * 1_000_000));
                    self.history.push(point);
                }
                _ => {}
            }
        }
    }

    fn history_point(&self, subject: Subject, res: u32, t: Timestamp) -> HistoryPoint {
        match subject {
            Subject::Zone(i) => {
                let z = &self.zone_states[i];
                HistoryPoint {
                    subject: z.id.clone(),
                    resolution_s: res,
                    t,
                    occupancy: z.occupancy,
                    density: z.density,
                    pressure: z.pressure,
                    flow_in: None,
                    flow_out: None,
                }
            }
            Subject::Line(i) | Subject::Sensor(i) => {
                let l = &self.line_states[i];
                HistoryPoint {
                    subject: l.id.clone(),
                    resolution_s: res,
                    t,
                    occupancy: None,
                    density: None,
                    pressure: None,
                    flow_in: l.flow_in,
                    flow_out: l.flow_out,
                }
            }
        }
    }

    /// Runs the rules of `subject` at time `t` on its current state.
    fn run_rules(&mut self, subject: Subject, t: Timestamp) {
        for ri in 0..self.venue.rules.len() {
            let rule = &self.venue.rules[ri];
            if rule.subject != subject {
                continue;
            }
            let (value, los) = match (subject, rule.measure) {
                (Subject::Zone(z), m) => {
                    let zs = &self.zone_states[z];
                    let v = match m {
                        Measure::Density => zs.density,
                        Measure::Los => zs.los.map(|l| l as u8 as f64),
                        Measure::Pressure => zs.pressure,
                        Measure::Occupancy => zs.capacity_ratio,
                        _ => None,
                    };
                    (v, zs.los)
                }
                (Subject::Line(l), Measure::SpecificFlow) => {
                    (self.line_states[l].specific_flow, None)
                }
                (Subject::Sensor(s), Measure::Stale) => {
                    (Some(if self.sensor(s).stale { 1.0 } else { 0.0 }), None)
                }
                _ => (None, None),
            };
            let Some(value) = value else { continue };
            let venue_id = &self.alert_prefix;
            let rl = &mut self.rules[ri];
            match rl.switch.step(t, value) {
                Some(Transition::Raise) => {
                    let alert = OpenAlert {
                        id: format!("{venue_id}-{}-{}", rule.id, t.0),
                        rule: rule.id.clone(),
                        raised_at: t,
                        value,
                    };
                    self.decisions.push(Decision {
                        kind: DecisionKind::Raise,
                        rule: ri,
                        alert: alert.id.clone(),
                        at: t,
                        value,
                        los,
                    });
                    rl.open = Some(alert);
                    rl.worst = los;
                }
                Some(Transition::Clear) => {
                    if let Some(open) = rl.open.take() {
                        self.decisions.push(Decision {
                            kind: DecisionKind::Resolve,
                            rule: ri,
                            alert: open.id,
                            at: t,
                            value,
                            los,
                        });
                    }
                    rl.worst = None;
                }
                None => {
                    if let (Some(open), Some(l)) = (&rl.open, los)
                        && rl.worst.is_some_and(|w| l > w)
                    {
                        self.decisions.push(Decision {
                            kind: DecisionKind::Update,
                            rule: ri,
                            alert: open.id.clone(),
                            at: t,
                            value,
                            los,
                        });
                        rl.worst = Some(l);
                    }
                }
            }
        }
    }
}

/// Least-squares slope of (t, value) samples, per second; `None` for fewer than two samples
/// or no time spread.
fn slope(samples: &VecDeque<(Timestamp, f64)>) -> Option<f64> {
    let n = samples.len();
    if n < 2 {
        return None;
    }
    let t0 = samples[0].0;
    let (mut st, mut sv) = (0.0, 0.0);
    for &(t, v) in samples {
        st += t.secs_since(t0);
        sv += v;
    }
    let (mt, mv) = (st / n as f64, sv / n as f64);
    let (mut num, mut den) = (0.0, 0.0);
    for &(t, v) in samples {
        let dt = t.secs_since(t0) - mt;
        num += dt * (v - mv);
        den += dt * dt;
    }
    (den > 0.0).then(|| num / den)
}

/// The lowest threshold above density `d` of zone `zi`: the upper bound of its current level
/// of service, or a density rule's raise threshold.
fn next_threshold(venue: &Venue, zi: usize, d: f64) -> Option<(String, f64)> {
    let zone = &venue.zones[zi];
    let mut best: Option<(String, f64)> = None;
    let mut consider = |what: String, rho: f64| {
        if rho > d && best.as_ref().is_none_or(|b| rho < b.1) {
            best = Some((what, rho));
        }
    };
    for (k, rho) in zone.los.max_density().into_iter().enumerate() {
        consider(format!("LOS {}", FruinLevel::ALL[k + 1]), rho);
    }
    for rule in &venue.rules {
        if rule.subject == Subject::Zone(zi) && rule.measure == Measure::Density {
            consider(format!("rule {}", rule.id), rule.raise);
        }
    }
    best
}
