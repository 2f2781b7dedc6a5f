//! The CAP 1.2 message structure (CAP 1.2 §3.1 document object model, §3.2 data dictionary).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::codes::{Category, Certainty, MsgType, ResponseType, Scope, Severity, Status, Urgency};
use crate::error::{CapError, value_err};
use crate::time::CapTime;

/// The namespace of CAP 1.2 (CAP 1.2 §3.4, the schema's `targetNamespace`).
pub const CAP_1_2_NAMESPACE: &str = "urn:oasis:names:tc:emergency:cap:1.2";

/// A CAP 1.2 alert message: the `alert` element and its sub-elements (CAP 1.2 §3.2.1).
///
/// Fields follow the schema's sequence; optional elements are `Option`, repeatable ones `Vec`
/// (empty = absent). Build one with [`Alert::new`], then fill in the rest; check it with
/// [`Alert::validate`] before sending.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Alert {
    /// `identifier`: uniquely identifies this message, assigned by the sender; no spaces,
    /// commas, `<` or `&` (CAP 1.2 §3.2.1 `identifier`).
    pub identifier: String,
    /// `sender`: globally unique identifier of the originator, e.g. based on an Internet
    /// domain name; no spaces, commas, `<` or `&` (CAP 1.2 §3.2.1 `sender`).
    pub sender: String,
    /// `sent`: time of origination (CAP 1.2 §3.2.1 `sent`).
    pub sent: CapTime,
    /// `status`: appropriate handling (CAP 1.2 §3.2.1 `status`).
    pub status: Status,
    /// `msgType`: nature of the message (CAP 1.2 §3.2.1 `msgType`).
    pub msg_type: MsgType,
    /// `source`: the particular source of this message, e.g. an operator (CAP 1.2 §3.2.1
    /// `source`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `scope`: intended distribution (CAP 1.2 §3.2.1 `scope`).
    pub scope: Scope,
    /// `restriction`: the rule for limiting distribution; used when `scope` is `Restricted`
    /// (CAP 1.2 §3.2.1 `restriction`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restriction: Option<String>,
    /// `addresses`: space-delimited intended recipients, each quoted if it contains
    /// whitespace; required when `scope` is `Private` (CAP 1.2 §3.2.1 `addresses`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<String>,
    /// `code`*: special handling codes, e.g. a profile identifier (CAP 1.2 §3.2.1 `code`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
    /// `note`: message note, e.g. the exercise identifier or the reason of an `Error`
    /// (CAP 1.2 §3.2.1 `note`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `references`: the earlier messages this one refers to, written as whitespace-separated
    /// `sender,identifier,sent` triples (CAP 1.2 §3.2.1 `references`). Empty = absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// `incidents`: space-delimited incident identifiers collating related messages, each
    /// quoted if it contains whitespace (CAP 1.2 §3.2.1 `incidents`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incidents: Option<String>,
    /// `info`*: the information blocks, e.g. one per language (CAP 1.2 §3.2.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub infos: Vec<Info>,
}

impl Alert {
    /// An alert with the required elements only (no `info` block yet).
    pub fn new(
        identifier: impl Into<String>,
        sender: impl Into<String>,
        sent: CapTime,
        status: Status,
        msg_type: MsgType,
        scope: Scope,
    ) -> Self {
        Self {
            identifier: identifier.into(),
            sender: sender.into(),
            sent,
            status,
            msg_type,
            source: None,
            scope,
            restriction: None,
            addresses: None,
            codes: Vec::new(),
            note: None,
            references: Vec::new(),
            incidents: None,
            infos: Vec::new(),
        }
    }

    /// The extended message identifier of this alert, `sender,identifier,sent`
    /// (CAP 1.2 §3.2.1 `references` (1)): put it in the `references` of an `Update`,
    /// `Cancel`, `Ack` or `Error` that refers to this alert.
    pub fn reference(&self) -> Reference {
        Reference {
            sender: self.sender.clone(),
            identifier: self.identifier.clone(),
            sent: self.sent,
        }
    }
}

/// One extended message identifier, `sender,identifier,sent` (CAP 1.2 §3.2.1 `references`).
///
/// Its text form (`Display`, `FromStr`, serde) is the triple joined by commas, e.g.
/// `aman@example.org,zone-3-density-1,2022-12-10T21:38:00-00:00`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference {
    /// `sender` of the referenced message.
    pub sender: String,
    /// `identifier` of the referenced message.
    pub identifier: String,
    /// `sent` of the referenced message.
    pub sent: CapTime,
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{}", self.sender, self.identifier, self.sent)
    }
}

impl FromStr for Reference {
    type Err = CapError;
    /// Parses one `sender,identifier,sent` triple.
    fn from_str(s: &str) -> Result<Self, CapError> {
        let parts: Vec<&str> = s.split(',').collect();
        let [sender, identifier, sent] = parts[..] else {
            return Err(value_err(
                "reference",
                s,
                "expected sender,identifier,sent (three fields separated by commas)",
            ));
        };
        if sender.is_empty() || identifier.is_empty() {
            return Err(value_err(
                "reference",
                s,
                "sender and identifier must not be empty",
            ));
        }
        let sent = CapTime::parse(sent).map_err(|e| value_err("reference", s, e.to_string()))?;
        Ok(Self {
            sender: sender.to_owned(),
            identifier: identifier.to_owned(),
            sent,
        })
    }
}

impl TryFrom<String> for Reference {
    type Error = CapError;
    fn try_from(s: String) -> Result<Self, CapError> {
        s.parse()
    }
}

impl From<Reference> for String {
    fn from(r: Reference) -> String {
        r.to_string()
    }
}

/// Parses the text of a `references` element: whitespace-separated triples
/// (CAP 1.2 §3.2.1 `references` (2)).
pub fn parse_references(text: &str) -> Result<Vec<Reference>, CapError> {
    text.split_whitespace().map(str::parse).collect()
}

/// The text of a `references` element: the triples separated by single spaces.
pub fn format_references(refs: &[Reference]) -> String {
    refs.iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An `info` block: the subject event of the alert in one language (CAP 1.2 §3.2.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Info {
    /// `language`: RFC 3066 language tag, e.g. `fr`, `ar`, `en-US` (CAP 1.2 §3.2.2
    /// `language`). Always written; read as `en-US` when absent, as the clause prescribes.
    pub language: String,
    /// `category`+: at least one (CAP 1.2 §3.2.2 `category`).
    pub categories: Vec<Category>,
    /// `event`: text denoting the type of the subject event (CAP 1.2 §3.2.2 `event`).
    pub event: String,
    /// `responseType`*: recommended actions (CAP 1.2 §3.2.2 `responseType`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_types: Vec<ResponseType>,
    /// `urgency` (CAP 1.2 §3.2.2 `urgency`).
    pub urgency: Urgency,
    /// `severity` (CAP 1.2 §3.2.2 `severity`).
    pub severity: Severity,
    /// `certainty` (CAP 1.2 §3.2.2 `certainty`).
    pub certainty: Certainty,
    /// `audience`: the intended audience (CAP 1.2 §3.2.2 `audience`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// `eventCode`*: system-specific codes of the event type (CAP 1.2 §3.2.2 `eventCode`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_codes: Vec<ValuePair>,
    /// `effective`: when the information becomes effective; `sent` if absent (CAP 1.2 §3.2.2
    /// `effective`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<CapTime>,
    /// `onset`: expected beginning of the subject event (CAP 1.2 §3.2.2 `onset`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset: Option<CapTime>,
    /// `expires`: expiry of the information (CAP 1.2 §3.2.2 `expires`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<CapTime>,
    /// `senderName`: human-readable name of the issuing agency (CAP 1.2 §3.2.2 `senderName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_name: Option<String>,
    /// `headline`: brief human-readable headline, ideally ≤ 160 characters (CAP 1.2 §3.2.2
    /// `headline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// `description`: extended description of the hazard or event (CAP 1.2 §3.2.2
    /// `description`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `instruction`: recommended action (CAP 1.2 §3.2.2 `instruction`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instruction: Option<String>,
    /// `web`: a full absolute URI for additional information (CAP 1.2 §3.2.2 `web`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<String>,
    /// `contact`: follow-up and confirmation contact (CAP 1.2 §3.2.2 `contact`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// `parameter`*: system-specific additional parameters (CAP 1.2 §3.2.2 `parameter`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<ValuePair>,
    /// `resource`*: additional files (CAP 1.2 §3.2.3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<Resource>,
    /// `area`*: the affected areas (CAP 1.2 §3.2.4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<Area>,
}

impl Info {
    /// An info block with the required elements only: one category, the event, urgency,
    /// severity and certainty, in `language` (an RFC 3066 tag such as `fr`, `ar`, `en`).
    pub fn new(
        language: impl Into<String>,
        category: Category,
        event: impl Into<String>,
        urgency: Urgency,
        severity: Severity,
        certainty: Certainty,
    ) -> Self {
        Self {
            language: language.into(),
            categories: vec![category],
            event: event.into(),
            response_types: Vec::new(),
            urgency,
            severity,
            certainty,
            audience: None,
            event_codes: Vec::new(),
            effective: None,
            onset: None,
            expires: None,
            sender_name: None,
            headline: None,
            description: None,
            instruction: None,
            web: None,
            contact: None,
            parameters: Vec::new(),
            resources: Vec::new(),
            areas: Vec::new(),
        }
    }
}

/// A `valueName`/`value` pair, as used by `eventCode`, `parameter` and `geocode`
/// (CAP 1.2 §3.2.2, §3.2.4).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ValuePair {
    /// `valueName`: a user-assigned name designating the domain of the code.
    pub value_name: String,
    /// `value`: the value.
    pub value: String,
}

impl ValuePair {
    /// A pair from its name and value.
    pub fn new(value_name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            value_name: value_name.into(),
            value: value.into(),
        }
    }
}

/// A `resource` block: a digital asset that supplements the info (CAP 1.2 §3.2.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resource {
    /// `resourceDesc`: human-readable description, e.g. "map" (CAP 1.2 §3.2.3).
    pub resource_desc: String,
    /// `mimeType`: MIME content type, e.g. `image/png` (CAP 1.2 §3.2.3 `mimeType`).
    pub mime_type: String,
    /// `size`: approximate size in bytes (CAP 1.2 §3.2.3 `size`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// `uri`: a full absolute URI where the resource can be retrieved (CAP 1.2 §3.2.3 `uri`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// `derefUri`: the resource content as Base64 (CAP 1.2 §3.2.3 `derefUri`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deref_uri: Option<String>,
    /// `digest`: SHA-1 hash of the resource content (CAP 1.2 §3.2.3 `digest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// An `area` block: a geographic area the info applies to (CAP 1.2 §3.2.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Area {
    /// `areaDesc`: text description of the area (CAP 1.2 §3.2.4 `areaDesc`).
    pub area_desc: String,
    /// `polygon`*: closed rings in WGS 84 (CAP 1.2 §3.2.4 `polygon`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub polygons: Vec<Polygon>,
    /// `circle`*: centre and radius in km (CAP 1.2 §3.2.4 `circle`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub circles: Vec<Circle>,
    /// `geocode`*: system-specific area codes (CAP 1.2 §3.2.4 `geocode`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub geocodes: Vec<ValuePair>,
    /// `altitude`: in feet above mean sea level (WGS 84); the lower limit when `ceiling` is
    /// given, else a specific altitude (CAP 1.2 §3.2.4 `altitude`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub altitude: Option<f64>,
    /// `ceiling`: upper limit in feet above mean sea level (WGS 84); only together with
    /// `altitude` (CAP 1.2 §3.2.4 `ceiling`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<f64>,
}

impl Area {
    /// An area with its description only.
    pub fn new(area_desc: impl Into<String>) -> Self {
        Self {
            area_desc: area_desc.into(),
            polygons: Vec::new(),
            circles: Vec::new(),
            geocodes: Vec::new(),
            altitude: None,
            ceiling: None,
        }
    }
}

/// Checks one WGS 84 coordinate pair: finite, latitude in [-90, 90], longitude in
/// [-180, 180] degrees (CAP 1.2 §3.3.1 and the "coordinate pair" of §1.5 Terminology).
fn check_point(what: &'static str, text: &str, (lat, lon): (f64, f64)) -> Result<(), CapError> {
    if !(lat.is_finite() && lon.is_finite()) {
        return Err(value_err(what, text, "coordinates must be finite numbers"));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(value_err(
            what,
            text,
            format!("latitude {lat} outside -90..90"),
        ));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(value_err(
            what,
            text,
            format!("longitude {lon} outside -180..180"),
        ));
    }
    Ok(())
}

fn parse_point(what: &'static str, whole: &str, pair: &str) -> Result<(f64, f64), CapError> {
    let (lat, lon) = pair
        .split_once(',')
        .ok_or_else(|| value_err(what, whole, format!("{pair:?} is not a lat,lon pair")))?;
    let num = |s: &str| {
        s.parse::<f64>()
            .map_err(|_| value_err(what, whole, format!("{s:?} is not a number")))
    };
    let p = (num(lat)?, num(lon)?);
    check_point(what, whole, p)?;
    Ok(p)
}

/// A CAP polygon: a closed ring of WGS 84 `(latitude, longitude)` pairs in degrees
/// (CAP 1.2 §3.2.4 `polygon`): at least 4 pairs, the first and last pairs the same.
///
/// Text form: the pairs as `lat,lon`, separated by single spaces, e.g.
/// `45.75,4.83 45.76,4.83 45.76,4.84 45.75,4.83`. Numbers are written with Rust's shortest
/// exact representation, so they read back bit for bit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Polygon {
    points: Vec<(f64, f64)>,
}

impl Polygon {
    /// A polygon from its ring of `(lat, lon)` pairs, already closed (last = first).
    /// Errors with fewer than 4 pairs, an open ring, or a coordinate out of range.
    pub fn new(points: Vec<(f64, f64)>) -> Result<Self, CapError> {
        let text = format_points(&points);
        for &p in &points {
            check_point("polygon", &text, p)?;
        }
        if points.len() < 4 {
            return Err(value_err(
                "polygon",
                text,
                format!(
                    "{} coordinate pairs; CAP 1.2 §3.2.4 requires at least 4",
                    points.len()
                ),
            ));
        }
        if points.first() != points.last() {
            return Err(value_err(
                "polygon",
                text,
                "the first and last pairs must be the same (CAP 1.2 §3.2.4)",
            ));
        }
        Ok(Self { points })
    }

    /// A polygon from an open ring of `(lat, lon)` pairs: the first pair is appended to
    /// close it unless it is already closed. Needs at least 3 distinct corners.
    pub fn from_ring(mut points: Vec<(f64, f64)>) -> Result<Self, CapError> {
        if let (Some(&first), Some(&last)) = (points.first(), points.last())
            && (first != last || points.len() == 1)
        {
            points.push(first);
        }
        Self::new(points)
    }

    /// The `(latitude, longitude)` pairs in degrees, first = last.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// Parses the text of a `polygon` element (pairs separated by whitespace).
    pub fn parse(text: &str) -> Result<Self, CapError> {
        let points = text
            .split_whitespace()
            .map(|pair| parse_point("polygon", text, pair))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(points).map_err(|e| match e {
            CapError::Value { reason, .. } => value_err("polygon", text, reason),
            other => other,
        })
    }
}

fn format_points(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .map(|(lat, lon)| format!("{lat},{lon}"))
        .collect::<Vec<_>>()
        .join(" ")
}

impl fmt::Display for Polygon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_points(&self.points))
    }
}

impl TryFrom<String> for Polygon {
    type Error = CapError;
    fn try_from(s: String) -> Result<Self, CapError> {
        Self::parse(&s)
    }
}

impl From<Polygon> for String {
    fn from(p: Polygon) -> String {
        p.to_string()
    }
}

/// A CAP circle: a WGS 84 centre `(latitude, longitude)` in degrees and a radius in
/// kilometres (CAP 1.2 §3.2.4 `circle`). Text form: `lat,lon radius`, e.g. `45.76,4.83 0.2`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Circle {
    center: (f64, f64),
    radius_km: f64,
}

impl Circle {
    /// A circle from its centre `(lat, lon)` in degrees and radius in km (finite, ≥ 0).
    pub fn new(center: (f64, f64), radius_km: f64) -> Result<Self, CapError> {
        let text = format!("{},{} {}", center.0, center.1, radius_km);
        check_point("circle", &text, center)?;
        if !(radius_km.is_finite() && radius_km >= 0.0) {
            return Err(value_err(
                "circle",
                text,
                "the radius must be a finite number of km, at least 0",
            ));
        }
        Ok(Self { center, radius_km })
    }

    /// The centre, `(latitude, longitude)` in degrees.
    pub fn center(&self) -> (f64, f64) {
        self.center
    }

    /// The radius in kilometres.
    pub fn radius_km(&self) -> f64 {
        self.radius_km
    }

    /// Parses the text of a `circle` element, `lat,lon radius`.
    pub fn parse(text: &str) -> Result<Self, CapError> {
        let mut parts = text.split_whitespace();
        let (Some(pair), Some(radius), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(value_err(
                "circle",
                text,
                "expected `lat,lon radius` (CAP 1.2 §3.2.4)",
            ));
        };
        let center = parse_point("circle", text, pair)?;
        let radius_km = radius
            .parse::<f64>()
            .map_err(|_| value_err("circle", text, format!("radius {radius:?} is not a number")))?;
        Self::new(center, radius_km).map_err(|e| match e {
            CapError::Value { reason, .. } => value_err("circle", text, reason),
            other => other,
        })
    }
}

impl fmt::Display for Circle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{} {}", self.center.0, self.center.1, self.radius_km)
    }
}

impl TryFrom<String> for Circle {
    type Error = CapError;
    fn try_from(s: String) -> Result<Self, CapError> {
        Self::parse(&s)
    }
}

impl From<Circle> for String {
    fn from(c: Circle) -> String {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygon_rules() {
        let ring = vec![(45.75, 4.83), (45.76, 4.83), (45.76, 4.84)];
        let p = Polygon::from_ring(ring.clone()).unwrap();
        assert_eq!(p.points().len(), 4);
        assert_eq!(p.to_string(), "45.75,4.83 45.76,4.83 45.76,4.84 45.75,4.83");
        assert_eq!(Polygon::parse(&p.to_string()).unwrap(), p);
        let e = Polygon::new(ring.clone()).unwrap_err().to_string();
        assert!(e.contains("at least 4"), "{e}");
        let mut open = ring.clone();
        open.push((45.0, 4.0));
        let e = Polygon::new(open).unwrap_err().to_string();
        assert!(e.contains("first and last"), "{e}");
        let e = Polygon::from_ring(vec![(91.0, 0.0), (0.0, 0.0), (0.0, 1.0)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("latitude 91"), "{e}");
        let e = Polygon::parse("1,2 3;4 1,2 1,2").unwrap_err().to_string();
        assert!(e.contains("not a lat,lon pair"), "{e}");
        assert!(Polygon::new(vec![(f64::NAN, 0.0); 4]).is_err());
    }

    #[test]
    fn circle_rules() {
        let c = Circle::new((45.7601, 4.8325), 0.25).unwrap();
        assert_eq!(c.to_string(), "45.7601,4.8325 0.25");
        assert_eq!(Circle::parse(" 45.7601,4.8325  0.25 ").unwrap(), c);
        assert!(Circle::new((0.0, 181.0), 1.0).is_err());
        assert!(Circle::new((0.0, 0.0), -1.0).is_err());
        assert!(Circle::parse("45,4").is_err());
        assert!(Circle::parse("45,4 1 2").is_err());
    }

    #[test]
    fn references_parse_and_format() {
        let text = "a@x.org,id-1,2022-12-10T21:38:00-00:00  b@y.org,id-2,2022-12-10T22:38:00+01:00";
        let refs = parse_references(text).unwrap();
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[1].identifier, "id-2");
        assert_eq!(refs[0].sent, refs[1].sent);
        assert_eq!(
            format_references(&refs),
            "a@x.org,id-1,2022-12-10T21:38:00-00:00 b@y.org,id-2,2022-12-10T21:38:00-00:00"
        );
        for bad in [
            "a,b",
            "a,b,c,d",
            ",id,2022-12-10T21:38:00-00:00",
            "a,b,yesterday",
        ] {
            assert!(bad.parse::<Reference>().is_err(), "{bad}");
        }
    }
}
