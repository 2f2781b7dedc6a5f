//! The live input of a forecast: what the monitor knows now, in a form that `aman serve`
//! fills from its state and `aman forecast --state` reads from a file.
//!
//! The file is JSON: the body of `GET /api/v1/state` is one as it is (other fields are
//! ignored), and a planner can write one by hand:
//!
//! ```json
//! {"venue": "sib2023-entrance",
//!  "zones": [{"id": "forecourt-north", "occupancy": 850}],
//!  "lines": [{"id": "east-gate", "flow_in": 4.2, "flow_out": 0.1}],
//!  "sensors": [{"id": "axis-occupancy", "stale": false}],
//!  "closed": ["west-gate"]}
//! ```
//!
//! Occupancy in persons, flows in persons/s; `closed` lists the lines closed now (they
//! carry nobody until a what-if opens them). A sensor may say how long it has been silent,
//! `"silent_for": 90` (s): a stale sensor's inputs widen the forecast's bands by what could
//! have changed in that time ([`crate::venue`]).

use aman_monitor::{Timestamp, Venue, VenueState};
use serde::Deserialize;

/// A zone's live figures.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LiveZone {
    /// Zone id.
    pub id: String,
    /// Persons, if known.
    #[serde(default)]
    pub occupancy: Option<f64>,
}

/// A line's live figures.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LiveLine {
    /// Line id.
    pub id: String,
    /// Flow of "in" crossings over the venue's window, persons/s, if known.
    #[serde(default)]
    pub flow_in: Option<f64>,
    /// Flow of "out" crossings, persons/s, if known.
    #[serde(default)]
    pub flow_out: Option<f64>,
}

/// A sensor's health.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LiveSensor {
    /// Sensor id.
    pub id: String,
    /// Silent longer than its period.
    #[serde(default)]
    pub stale: bool,
    /// Seconds since its latest reading, if the state says (a stale sensor without it is
    /// taken as silent for its period, the least it can have been). Widens the forecast's
    /// bands ([`crate::venue`]).
    #[serde(default)]
    pub silent_for: Option<f64>,
}

/// What the monitor knows now.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Live {
    /// The venue's id: a state of another venue is refused.
    pub venue: String,
    /// Zones (any subset, any order).
    #[serde(default)]
    pub zones: Vec<LiveZone>,
    /// Lines.
    #[serde(default)]
    pub lines: Vec<LiveLine>,
    /// Sensors.
    #[serde(default)]
    pub sensors: Vec<LiveSensor>,
    /// Ids of the lines closed now.
    #[serde(default)]
    pub closed: Vec<String>,
}

/// A live input that does not fit the venue.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LiveError {
    /// The state is of another venue.
    #[error("the state is of venue {state:?}, not {venue:?}")]
    OtherVenue {
        /// The state's venue.
        state: String,
        /// The venue forecast.
        venue: String,
    },
    /// A zone, line or sensor the venue does not have, given twice, or a bad figure.
    #[error("{what} {id:?}: {why}")]
    Item {
        /// `zone`, `line`, `sensor` or `closed line`.
        what: &'static str,
        /// Its id.
        id: String,
        /// What is wrong.
        why: String,
    },
}

/// The live input, checked and indexed in venue order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resolved {
    /// Persons per zone, if known.
    pub occupancy: Vec<Option<f64>>,
    /// (in, out) flow per line, persons/s, if known.
    pub flows: Vec<(Option<f64>, Option<f64>)>,
    /// Ids of the stale sensors.
    pub stale: Vec<String>,
    /// The stale sensors (index into the venue's sensors) and how long each has been silent
    /// (s), if the state says.
    pub stale_sensors: Vec<(usize, Option<f64>)>,
    /// Whether each line is closed now.
    pub closed: Vec<bool>,
}

fn figure(what: &'static str, id: &str, name: &str, x: Option<f64>) -> Result<(), LiveError> {
    match x {
        Some(v) if !(v.is_finite() && v >= 0.0) => Err(LiveError::Item {
            what,
            id: id.to_owned(),
            why: format!("{name} {v} is not a non-negative number"),
        }),
        _ => Ok(()),
    }
}

impl Live {
    /// From the monitor's state, without saying how long stale sensors have been silent (a
    /// stale sensor is then taken as silent for its period: [`LiveSensor::silent_for`]).
    pub fn from_state(s: &VenueState) -> Live {
        Live {
            venue: s.venue.clone(),
            zones: s
                .zones
                .iter()
                .map(|z| LiveZone {
                    id: z.id.clone(),
                    occupancy: z.occupancy,
                })
                .collect(),
            lines: s
                .lines
                .iter()
                .map(|l| LiveLine {
                    id: l.id.clone(),
                    flow_in: l.flow_in,
                    flow_out: l.flow_out,
                })
                .collect(),
            sensors: s
                .sensors
                .iter()
                .map(|x| LiveSensor {
                    id: x.id.clone(),
                    stale: x.stale,
                    silent_for: None,
                })
                .collect(),
            closed: Vec::new(),
        }
    }

    /// From the monitor's state at server time `now`: as [`Live::from_state`], and each
    /// stale sensor silent for the seconds since the server received its latest reading
    /// (`now − last_received`; a sensor never heard from is left at its period).
    pub fn from_state_at(s: &VenueState, now: Timestamp) -> Live {
        let mut live = Live::from_state(s);
        for (l, x) in live.sensors.iter_mut().zip(&s.sensors) {
            if x.stale {
                l.silent_for = x.last_received.map(|t| now.secs_since(t).max(0.0));
            }
        }
        live
    }

    /// Checks the input against `venue` and indexes it.
    ///
    /// # Errors
    /// [`LiveError::OtherVenue`]; [`LiveError::Item`] for an id the venue does not have, an
    /// id given twice, or a negative or non-finite occupancy or flow.
    pub fn resolve(&self, venue: &Venue) -> Result<Resolved, LiveError> {
        if self.venue != venue.id {
            return Err(LiveError::OtherVenue {
                state: self.venue.clone(),
                venue: venue.id.clone(),
            });
        }
        let mut r = Resolved {
            occupancy: vec![None; venue.zones.len()],
            flows: vec![(None, None); venue.lines.len()],
            stale: Vec::new(),
            stale_sensors: Vec::new(),
            closed: vec![false; venue.lines.len()],
        };
        let mut seen = vec![false; venue.zones.len()];
        for z in &self.zones {
            let Some((i, _)) = venue.zone(&z.id) else {
                return Err(unknown("zone", &z.id, venue));
            };
            twice("zone", &z.id, &mut seen[i])?;
            figure("zone", &z.id, "occupancy", z.occupancy)?;
            r.occupancy[i] = z.occupancy;
        }
        let mut seen = vec![false; venue.lines.len()];
        for l in &self.lines {
            let Some((i, _)) = venue.line(&l.id) else {
                return Err(unknown("line", &l.id, venue));
            };
            twice("line", &l.id, &mut seen[i])?;
            figure("line", &l.id, "flow_in", l.flow_in)?;
            figure("line", &l.id, "flow_out", l.flow_out)?;
            r.flows[i] = (l.flow_in, l.flow_out);
        }
        let mut seen = vec![false; venue.sensors.len()];
        for s in &self.sensors {
            let Some((i, _)) = venue.sensor(&s.id) else {
                return Err(unknown("sensor", &s.id, venue));
            };
            twice("sensor", &s.id, &mut seen[i])?;
            figure("sensor", &s.id, "silent_for", s.silent_for)?;
            if s.stale {
                r.stale.push(s.id.clone());
                r.stale_sensors.push((i, s.silent_for));
            }
        }
        for id in &self.closed {
            let Some((i, _)) = venue.line(id) else {
                return Err(unknown("closed line", id, venue));
            };
            r.closed[i] = true;
        }
        Ok(r)
    }
}

fn unknown(what: &'static str, id: &str, venue: &Venue) -> LiveError {
    LiveError::Item {
        what,
        id: id.to_owned(),
        why: format!(
            "venue {:?} has no such {}",
            venue.id,
            what.trim_start_matches("closed ")
        ),
    }
}

fn twice(what: &'static str, id: &str, seen: &mut bool) -> Result<(), LiveError> {
    if std::mem::replace(seen, true) {
        return Err(LiveError::Item {
            what,
            id: id.to_owned(),
            why: "given twice".into(),
        });
    }
    Ok(())
}
