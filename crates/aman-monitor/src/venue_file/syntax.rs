//! The venue file as written: TOML tables, every one with `deny_unknown_fields`. Values are
//! read loosely typed where the checks can say more than serde would (points as lists of
//! numbers, thresholds as a number or a letter); `build` checks them.

use serde::Deserialize;

use crate::Direction;
use crate::venue::{AdapterKind, Measure, Names, Severity};

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VenueFile {
    /// `[venue]`
    pub venue: VenueSection,
    /// `[[zones]]`
    #[serde(default)]
    pub zones: Vec<ZoneEntry>,
    /// `[[lines]]`
    #[serde(default)]
    pub lines: Vec<LineEntry>,
    /// `[[sensors]]`
    #[serde(default)]
    pub sensors: Vec<SensorEntry>,
    /// `[[rules]]`
    #[serde(default)]
    pub rules: Vec<RuleEntry>,
}

/// `[venue]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VenueSection {
    /// Id, `[a-z0-9_-]`; default: the file's stem (the folder's name for `venue.toml`).
    pub id: Option<String>,
    /// Display name in fr, ar, en.
    pub name: Names,
    /// Walkable area file, relative to the venue file (exactly one of this and
    /// `walkable_wkt`).
    pub walkable_area: Option<String>,
    /// Walkable area inline, as WKT.
    pub walkable_wkt: Option<String>,
    /// Sliding window of flows and trends, s. Default 60.
    pub window: Option<f64>,
    /// WGS84 `[latitude, longitude]` of x = 0, y = 0, degrees.
    pub origin: Option<Vec<f64>>,
    /// A scenario file, relative to the venue file, whose stages, journeys and model the
    /// simulation forecast uses (`aman forecast --simulate`); its populations, sources and
    /// events are not.
    pub forecast_scenario: Option<String>,
}

/// `[[zones]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneEntry {
    /// Unique id.
    pub id: String,
    /// Display name; default: the id in every language.
    pub name: Option<Names>,
    /// Corners `[[x, y], …]`, m (exactly one of this and `wkt`).
    pub polygon: Option<Vec<Vec<f64>>>,
    /// The polygon as WKT.
    pub wkt: Option<String>,
    /// Most persons allowed.
    pub capacity: Option<u64>,
    /// Fruin table; default walkway.
    pub los: Option<LosName>,
}

/// A Fruin table as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LosName {
    /// Walkways.
    Walkway,
    /// Stairways.
    Stairway,
    /// Queues.
    Queue,
}

/// `[[lines]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineEntry {
    /// Unique id.
    pub id: String,
    /// Display name; default: the id in every language.
    pub name: Option<Names>,
    /// The two ends `[[x1, y1], [x2, y2]]`, m.
    pub line: Vec<Vec<f64>>,
    /// Clear width, m; default: the segment's length.
    pub width: Option<f64>,
    /// A point `[x, y]` on the "in" side, m.
    pub in_side: Vec<f64>,
    /// Zone an "in" crossing enters.
    pub into: Option<String>,
    /// Zone an "in" crossing leaves.
    pub from: Option<String>,
}

/// `[[sensors]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensorEntry {
    /// Unique id (the `sensor` of its readings).
    pub id: String,
    /// Payload format.
    pub adapter: AdapterKind,
    /// Longest expected silence, s. Default 60.
    pub period: Option<f64>,
    /// Sensor frame → venue metres (track sensors). Default: the identity.
    pub transform: Option<TransformEntry>,
    /// `[[sensors.channels]]`
    #[serde(default)]
    pub channels: Vec<ChannelEntry>,
}

/// `transform = { translate = [x, y], rotate = deg, scale = s }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformEntry {
    /// m; default `[0, 0]`.
    pub translate: Option<Vec<f64>>,
    /// Counter-clockwise, degrees; default 0.
    pub rotate: Option<f64>,
    /// Sensor unit → m; default 1.
    pub scale: Option<f64>,
}

/// `[[sensors.channels]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelEntry {
    /// Name in the payload; default `""` (the sensor's only channel).
    pub name: Option<String>,
    /// `true`: anonymous tracks.
    pub tracks: Option<bool>,
    /// Line id: crossings of it.
    pub line: Option<String>,
    /// Direction of the line's crossings, if the channel counts one.
    pub direction: Option<Direction>,
    /// Zone id: its occupancy or density.
    pub zone: Option<String>,
}

/// `[[rules]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleEntry {
    /// Unique id.
    pub id: String,
    /// Zone id (exactly one of zone, line, sensor).
    pub zone: Option<String>,
    /// Line id.
    pub line: Option<String>,
    /// Sensor id.
    pub sensor: Option<String>,
    /// What is watched.
    pub measure: Measure,
    /// Raise threshold: a number, or a letter A–F for `los`.
    pub above: Option<toml::Value>,
    /// Clear threshold; default `above`.
    pub below: Option<toml::Value>,
    /// Minimum duration, s; default 0.
    pub hold: Option<f64>,
    /// CAP severity.
    pub severity: Severity,
}

/// Parses the text; the error is `toml`'s message (line, column, snippet, what was expected).
pub(crate) fn parse(text: &str) -> Result<VenueFile, String> {
    toml::from_str(text).map_err(|e| e.to_string())
}
