//! The venue: the walkable area, its zones and lines (gates), the sensors that feed them and
//! the rules that watch them — the resolved form of a venue file (see [`crate::venue_file`]
//! and `docs/serve.md`). Indices, not names, link the parts; names are checked once, when the
//! file is read.

use aman_analysis::LosTable;
use aman_geometry::{MeasurementArea, Segment, Vec2, WalkableArea};
use serde::{Deserialize, Serialize};

/// A name in the three languages of the operations centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// French.
    pub fr: String,
    /// Arabic.
    pub ar: String,
    /// English.
    pub en: String,
}

impl Names {
    /// The name in `lang` (`"fr"`, `"ar"`, anything else: English).
    pub fn get(&self, lang: &str) -> &str {
        match lang {
            "fr" => &self.fr,
            "ar" => &self.ar,
            _ => &self.en,
        }
    }
}

/// A zone: a part of the walkable area whose occupancy, density and level of service are
/// watched.
#[derive(Debug, Clone)]
pub struct Zone {
    /// Id, unique among zones (letters, digits, `-`, `_`).
    pub id: String,
    /// Display name.
    pub name: Names,
    /// The zone's polygon as drawn (a measurement area: persons strictly inside count).
    pub area: MeasurementArea,
    /// Walkable area of the zone, m²: the polygon's area less the obstacles in it — the
    /// denominator of the zone's density.
    pub walkable_m2: f64,
    /// Most persons allowed in the zone (licensing, safety plan), if set.
    pub capacity: Option<u64>,
    /// Fruin table that applies (walkway, stairway or queue).
    pub los: LosTable,
}

/// A gate or counting line: crossings of it are counted in or out.
#[derive(Debug, Clone)]
pub struct Line {
    /// Id, unique among lines.
    pub id: String,
    /// Display name.
    pub name: Names,
    /// The line, m.
    pub segment: Segment,
    /// Clear width for specific flow, m (the gate's opening; may be less than the segment's
    /// length).
    pub width: f64,
    /// Unit normal of the segment pointing to its "in" side: a track crossing along it counts
    /// "in".
    pub in_normal: Vec2,
    /// The zone an "in" crossing enters, if any (its occupancy rises by one).
    pub into: Option<usize>,
    /// The zone an "in" crossing leaves, if any (its occupancy falls by one).
    pub from: Option<usize>,
}

/// Which vendor's payloads a sensor sends (one adapter each, in [`crate::adapter`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdapterKind {
    /// aman's own JSON (`docs/serve.md`).
    Aman,
    /// ONVIF analytics events as JSON over MQTT (CountAggregation counters, occupancy).
    Onvif,
    /// Xovis data push (`live_data`: COUNT events, tracked objects).
    Xovis,
    /// Axis Object Analytics occupancy over MQTT.
    Axis,
}

/// What one channel of a sensor measures and where it goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Feed {
    /// Crossings of a line; `direction` fixes it when the payload does not say (an ONVIF
    /// counter counts one direction).
    Line {
        /// Index into [`Venue::lines`].
        line: usize,
        /// Direction of this channel's crossings, if the channel counts one direction.
        direction: Option<crate::Direction>,
    },
    /// Occupancy or density of a zone.
    Zone {
        /// Index into [`Venue::zones`].
        zone: usize,
    },
    /// Anonymous tracks over the venue (positions are placed in zones and crossings of lines
    /// are detected by the monitor).
    Tracks,
}

/// One channel of a sensor: its rule, counter, line or scenario name in the payload, and what
/// it feeds.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// Name as it appears in the payload (ONVIF `Rule`, Xovis line name, Axis scenario); empty
    /// for the sensor's only channel.
    pub name: String,
    /// What it feeds.
    pub feed: Feed,
}

/// Similarity transform from a track sensor's coordinates to venue metres:
/// p_venue = translate + scale · R(rotation) · p_sensor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transform {
    /// Translation, m.
    pub translate: Vec2,
    /// Counter-clockwise rotation, rad.
    pub rotation: f64,
    /// Scale (sensor unit → m), > 0.
    pub scale: f64,
}

impl Transform {
    /// The identity.
    pub const IDENTITY: Transform = Transform {
        translate: Vec2 { x: 0.0, y: 0.0 },
        rotation: 0.0,
        scale: 1.0,
    };

    /// Venue coordinates of the sensor point (x, y).
    pub fn apply(&self, x: f64, y: f64) -> Vec2 {
        let (s, c) = self.rotation.sin_cos();
        Vec2 {
            x: self.translate.x + self.scale * (c * x - s * y),
            y: self.translate.y + self.scale * (s * x + c * y),
        }
    }
}

/// A sensor: its id, payload format, reporting period and channels.
#[derive(Debug, Clone)]
pub struct Sensor {
    /// Id, unique among sensors; the `sensor` of its readings and the subject of its token.
    pub id: String,
    /// Payload format.
    pub adapter: AdapterKind,
    /// Longest expected silence, s: a sensor silent longer than this is stale.
    pub period: f64,
    /// Channels; a reading whose channel is not listed is refused.
    pub channels: Vec<Channel>,
    /// For track sensors: sensor frame → venue metres.
    pub transform: Transform,
}

impl Sensor {
    /// The channel called `name`, or the only channel when `name` is empty and there is one.
    pub fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.name == name).or(
            match (name.is_empty(), self.channels.as_slice()) {
                (true, [only]) => Some(only),
                _ => None,
            },
        )
    }
}

/// What a rule watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Zone density, 1/m².
    Density,
    /// Zone level of service, as a number: A = 0 … F = 5 (threshold given as a letter).
    Los,
    /// Zone crowd pressure ρ·Var(v), 1/s² (Helbing et al. 2007), from tracks.
    Pressure,
    /// Zone occupancy over capacity, as a fraction (0.9 = 90 %).
    Occupancy,
    /// Line specific flow, 1/(m·s), over the venue's flow window.
    SpecificFlow,
    /// Sensor silence: raised when the sensor is stale (threshold and clear unused).
    Stale,
}

impl Measure {
    /// The name used in venue files and CAP parameters: `density`, `los`, `pressure`,
    /// `occupancy`, `specific_flow`, `stale`.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Density => "density",
            Measure::Los => "los",
            Measure::Pressure => "pressure",
            Measure::Occupancy => "occupancy",
            Measure::SpecificFlow => "specific_flow",
            Measure::Stale => "stale",
        }
    }
}

/// What a rule is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// Index into [`Venue::zones`].
    Zone(usize),
    /// Index into [`Venue::lines`].
    Line(usize),
    /// Index into [`Venue::sensors`].
    Sensor(usize),
}

/// CAP severity of the alerts a rule raises (CAP 1.2 §3.2.2 `severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Extraordinary threat to life or property.
    Extreme,
    /// Significant threat to life or property.
    Severe,
    /// Possible threat to life or property.
    Moderate,
    /// Minimal to no known threat.
    Minor,
}

/// An early-warning rule with hysteresis: raised when the measure has been at or above
/// `raise` for at least `hold` seconds, resolved when it has been below `clear` for at least
/// `hold` seconds (`clear` ≤ `raise`), so a value flickering around the threshold raises one
/// alert, not fifty.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Id, unique among rules.
    pub id: String,
    /// What it watches.
    pub subject: Subject,
    /// Which measure.
    pub measure: Measure,
    /// Raise threshold, in the measure's unit.
    pub raise: f64,
    /// Clear threshold, in the measure's unit.
    pub clear: f64,
    /// Minimum duration above (to raise) and below (to clear), s.
    pub hold: f64,
    /// Severity of its alerts.
    pub severity: Severity,
}

/// A whole venue, resolved and checked.
#[derive(Debug, Clone)]
pub struct Venue {
    /// Id (file stem unless given), used in URLs and CAP identifiers.
    pub id: String,
    /// Display name.
    pub name: Names,
    /// The walkable area.
    pub walkable: WalkableArea,
    /// Zones.
    pub zones: Vec<Zone>,
    /// Lines and gates.
    pub lines: Vec<Line>,
    /// Sensors.
    pub sensors: Vec<Sensor>,
    /// Rules.
    pub rules: Vec<Rule>,
    /// Sliding window of flows and trends, s (default 60).
    pub window: f64,
    /// WGS84 latitude and longitude of the venue's origin (x = 0, y = 0), degrees, with x
    /// east and y north, if georeferenced: CAP alert areas are then given as polygons.
    pub origin: Option<(f64, f64)>,
    /// The scenario file whose stages, journeys and model the simulation forecast uses
    /// (`[venue] forecast_scenario`, resolved against the venue file's folder; not read here),
    /// if the venue names one.
    pub forecast_scenario: Option<std::path::PathBuf>,
    /// What the venue file reader noticed but accepted (a zone partly outside the walkable
    /// area, a zone or line no sensor feeds, a sensor no stale rule watches, repairs of the
    /// walkable area): one sentence each, naming the part. Empty when built by hand.
    pub warnings: Vec<String>,
}

impl Venue {
    /// The density at which `rule`, a rule of a zone, is raised, persons/m² of the zone's
    /// walkable area: a `density` rule's threshold; a `los` rule's lowest density of that
    /// level in the zone's Fruin table ([`LosTable::min_density`]);
    /// an `occupancy` rule's fraction × capacity / walkable area. `None` for rules of lines
    /// and sensors and for other measures.
    pub fn rule_density(&self, rule: &Rule) -> Option<f64> {
        let Subject::Zone(i) = rule.subject else {
            return None;
        };
        let z = self.zones.get(i)?;
        match rule.measure {
            Measure::Density => Some(rule.raise),
            Measure::Los => aman_analysis::los::FruinLevel::ALL
                .get(rule.raise.round() as usize)
                .map(|&l| z.los.min_density(l)),
            Measure::Occupancy => z.capacity.map(|c| rule.raise * c as f64 / z.walkable_m2),
            _ => None,
        }
    }

    /// The sensor with id `id`.
    pub fn sensor(&self, id: &str) -> Option<(usize, &Sensor)> {
        self.sensors.iter().enumerate().find(|(_, s)| s.id == id)
    }

    /// The zone with id `id`.
    pub fn zone(&self, id: &str) -> Option<(usize, &Zone)> {
        self.zones.iter().enumerate().find(|(_, z)| z.id == id)
    }

    /// The line with id `id`.
    pub fn line(&self, id: &str) -> Option<(usize, &Line)> {
        self.lines.iter().enumerate().find(|(_, l)| l.id == id)
    }
}

/// Where a reading goes, once its sensor and channel are known: the result of
/// [`Venue::resolve`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Route {
    /// Index into [`Venue::sensors`].
    pub sensor: usize,
    /// Index into the sensor's channels.
    pub channel: usize,
    /// For crossings and counters: the direction (the channel's, or the payload's).
    pub direction: Option<crate::Direction>,
}

impl Venue {
    /// Checks that `reading` has a known sensor and channel, that its kind fits what the
    /// channel feeds (tracks to a tracks channel, counters and crossings to a line, occupancy
    /// and density to a zone) and that a crossing's direction is known; returns where it goes.
    ///
    /// # Errors
    /// [`crate::ReadingError::Field`] naming `sensor`, `channel`, `value.kind` or
    /// `value.direction` and what the venue expects.
    pub fn resolve(&self, reading: &crate::Reading) -> Result<Route, crate::ReadingError> {
        use crate::{ReadingError, Value};
        let Some((si, sensor)) = self.sensor(&reading.sensor) else {
            return Err(ReadingError::field(
                "sensor",
                format!(
                    "{:?} is not a sensor of venue {:?}",
                    reading.sensor, self.id
                ),
            ));
        };
        let Some(ci) = sensor
            .channels
            .iter()
            .position(|c| c.name == reading.channel)
            .or_else(|| (reading.channel.is_empty() && sensor.channels.len() == 1).then_some(0))
        else {
            let names: Vec<&str> = sensor.channels.iter().map(|c| c.name.as_str()).collect();
            return Err(ReadingError::field(
                "channel",
                format!(
                    "{:?} is not a channel of sensor {:?} (its channels: {names:?})",
                    reading.channel, sensor.id
                ),
            ));
        };
        let feed = &sensor.channels[ci].feed;
        let fits = matches!(
            (&reading.value, feed),
            (Value::Track { .. }, Feed::Tracks)
                | (
                    Value::Counter { .. } | Value::Crossings { .. },
                    Feed::Line { .. }
                )
                | (
                    Value::Occupancy { .. } | Value::Density { .. },
                    Feed::Zone { .. }
                )
        );
        if !fits {
            let expects = match feed {
                Feed::Tracks => "track",
                Feed::Line { .. } => "counter or crossings",
                Feed::Zone { .. } => "occupancy or density",
            };
            return Err(ReadingError::field(
                "value.kind",
                format!(
                    "{:?} readings do not fit channel {:?} of sensor {:?}, which takes {expects}",
                    reading.value.kind(),
                    sensor.channels[ci].name,
                    sensor.id
                ),
            ));
        }
        let direction = match (&reading.value, feed) {
            (
                Value::Counter { direction, .. } | Value::Crossings { direction, .. },
                Feed::Line {
                    direction: fixed, ..
                },
            ) => match (fixed, direction) {
                (Some(f), Some(d)) if f != d => {
                    return Err(ReadingError::field(
                        "value.direction",
                        format!(
                            "{:?}, but channel {:?} of sensor {:?} counts {:?} only",
                            d.name(),
                            sensor.channels[ci].name,
                            sensor.id,
                            f.name()
                        ),
                    ));
                }
                (Some(f), _) => Some(*f),
                (None, Some(d)) => Some(*d),
                (None, None) => {
                    return Err(ReadingError::field(
                        "value.direction",
                        format!(
                            "missing: channel {:?} of sensor {:?} counts both directions; \
                             give \"in\" or \"out\", or set the channel's direction in the venue",
                            sensor.channels[ci].name, sensor.id
                        ),
                    ));
                }
            },
            _ => None,
        };
        Ok(Route {
            sensor: si,
            channel: ci,
            direction,
        })
    }
}
