//! Alerts as the operations centre sees them, and their CAP 1.2 messages.
//!
//! A rule's [`Decision`] becomes one CAP message (OASIS CAP 1.2):
//!
//! | decision | `msgType` | `urgency` | `responseType` | `references` |
//! |---|---|---|---|---|
//! | raise | `Alert` | `Immediate` | `Monitor` | — |
//! | update (worse level of service) | `Update` | `Immediate` | `Prepare` | the raise |
//! | resolve | `Cancel` | `Past` | `AllClear` | the raise |
//!
//! `status` is `Actual`, or `Exercise` / `Test` when the server runs in that mode (§3.2.1);
//! `identifier` is `<alert id>-<n>` (n = 1 for the raise); one `info` block per language
//! (fr-FR, ar, en-GB; §3.2.2) with category `Safety`, certainty `Observed`, the rule's
//! severity, the zone's or line's name as `areaDesc` and, when the venue is georeferenced,
//! the zone's outline as `polygon` (WGS 84, §3.2.4) or a circle around a line. Parameters
//! carry the rule, measure, value, threshold and level of service for machines.

use aman_cap::{
    Alert, Area, CapError, CapTime, Category, Certainty, Circle, Info, MsgType, Polygon, Reference,
    ResponseType, Scope, Severity as CapSeverity, Status, Urgency, ValuePair,
};
use aman_monitor::venue::{Measure, Severity, Subject};
use aman_monitor::{Decision, DecisionKind, Timestamp, Venue};
use serde::{Deserialize, Serialize};

use crate::georef::to_wgs84;
use crate::text::{LANGUAGES, WORDS, event, instruction, short, unit};

/// What the server's records are: real operations, an exercise, or a test (CAP 1.2 §3.2.1
/// `status`). Every alert and message carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Real operations: CAP `Actual`.
    #[default]
    Actual,
    /// A training exercise: CAP `Exercise`.
    Exercise,
    /// A technical test: CAP `Test`.
    Test,
}

impl Mode {
    /// The CAP status of this mode's messages.
    pub fn status(self) -> Status {
        match self {
            Mode::Actual => Status::Actual,
            Mode::Exercise => Status::Exercise,
            Mode::Test => Status::Test,
        }
    }

    /// `"actual"`, `"exercise"` or `"test"`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Actual => "actual",
            Mode::Exercise => "exercise",
            Mode::Test => "test",
        }
    }
}

/// What a CAP message needs besides the decision.
#[derive(Debug, Clone, Copy)]
pub struct CapContext<'a> {
    /// The venue (names, zone outlines, origin).
    pub venue: &'a Venue,
    /// CAP `sender` (§3.2.1: no spaces, commas or `<`, `&`), e.g. `aman@lyon2022`.
    pub sender: &'a str,
    /// Actual, exercise or test.
    pub mode: Mode,
}

fn cap_severity(s: Severity) -> CapSeverity {
    match s {
        Severity::Extreme => CapSeverity::Extreme,
        Severity::Severe => CapSeverity::Severe,
        Severity::Moderate => CapSeverity::Moderate,
        Severity::Minor => CapSeverity::Minor,
    }
}

/// A rule's value as written in texts: a Fruin level letter for `los` (its index 0–5 as the
/// monitor stores it), nothing for `stale`, else 2 decimals in the measure's unit.
pub fn show(m: Measure, v: f64) -> String {
    match m {
        Measure::Los => aman_analysis::FruinLevel::ALL
            .get(v.round().clamp(0.0, 5.0) as usize)
            .map_or_else(|| format!("{v}"), |l| l.to_string()),
        Measure::Stale => String::new(),
        _ => format!("{v:.2}"),
    }
}

/// The CAP message of step `n` of an alert (n = 1: the raise), sent at `sent`: see the
/// [module docs](self). `first` is the raise's reference, required for updates and resolves.
///
/// # Errors
/// [`CapError`] if the message breaks a CAP rule (e.g. a sender with a space, an update
/// without `first`): it is validated before it is returned.
pub fn cap_message(
    ctx: &CapContext<'_>,
    decision: &Decision,
    n: u32,
    first: Option<&Reference>,
    sent: Timestamp,
) -> Result<Alert, CapError> {
    let venue = ctx.venue;
    let rule = &venue.rules[decision.rule];
    let msg_type = match decision.kind {
        DecisionKind::Raise => MsgType::Alert,
        DecisionKind::Update => MsgType::Update,
        DecisionKind::Resolve => MsgType::Cancel,
    };
    let mut alert = Alert::new(
        format!("{}-{n}", decision.alert),
        ctx.sender,
        CapTime::from_unix_micros(sent.0)?,
        ctx.mode.status(),
        msg_type,
        Scope::Public,
    );
    if let (MsgType::Update | MsgType::Cancel, Some(r)) = (msg_type, first) {
        alert.references.push(r.clone());
    }
    let onset = CapTime::from_unix_micros(decision.at.0)?;
    for (li, &lang) in LANGUAGES.iter().enumerate() {
        let words = &WORDS[li];
        let (urgency, response) = match decision.kind {
            DecisionKind::Raise => (Urgency::Immediate, ResponseType::Monitor),
            DecisionKind::Update => (Urgency::Immediate, ResponseType::Prepare),
            DecisionKind::Resolve => (Urgency::Past, ResponseType::AllClear),
        };
        let mut info = Info::new(
            lang,
            Category::Safety,
            event(rule.measure, li),
            urgency,
            cap_severity(rule.severity),
            Certainty::Observed,
        );
        info.response_types.push(response);
        info.onset = Some(onset);
        info.sender_name = Some(format!("aman — {}", venue.name.get(short(lang))));
        let (place, area) = subject_area(venue, rule.subject, short(lang));
        let prefix = match decision.kind {
            DecisionKind::Raise => String::new(),
            DecisionKind::Update => format!("{} : ", words.worsened),
            DecisionKind::Resolve => format!("{} : ", words.resolved),
        };
        info.headline = Some(format!("{prefix}{} — {place}", event(rule.measure, li)));
        let mut description = if rule.measure == Measure::Stale {
            format!("{} {place}", words.sensor)
        } else if !decision.value.is_finite() {
            // Resolved without a value: the rule's state was lost (a restart).
            format!(
                "{} {} {}",
                words.threshold,
                show(rule.measure, rule.raise),
                unit(rule.measure)
            )
        } else {
            format!(
                "{} {} {}; {} {} {}",
                words.value,
                show(rule.measure, decision.value),
                unit(rule.measure),
                words.threshold,
                show(rule.measure, rule.raise),
                unit(rule.measure),
            )
        };
        if let Some(los) = decision.los {
            description.push_str(&format!("; {} {los}", words.los));
        }
        description.push_str(&format!("; {} {}", words.since, decision.at));
        info.description = Some(description);
        info.instruction = Some(instruction(rule.measure, li).to_string());
        info.parameters = vec![
            ValuePair::new("aman:alert", decision.alert.clone()),
            ValuePair::new("aman:rule", rule.id.clone()),
            ValuePair::new("aman:measure", rule.measure.name()),
            ValuePair::new("aman:threshold", format!("{}", rule.raise)),
        ];
        if decision.value.is_finite() {
            info.parameters.insert(
                3,
                ValuePair::new("aman:value", format!("{}", decision.value)),
            );
        }
        if let Some(los) = decision.los {
            info.parameters
                .push(ValuePair::new("aman:los", los.to_string()));
        }
        info.areas.push(area);
        alert.infos.push(info);
    }
    alert.validate()?;
    Ok(alert)
}

/// The name of a rule's subject in `lang` and its CAP area.
fn subject_area(venue: &Venue, subject: Subject, lang: &str) -> (String, Area) {
    match subject {
        Subject::Zone(z) => {
            let zone = &venue.zones[z];
            let name = zone.name.get(lang).to_string();
            let mut area = Area::new(name.clone());
            if let Some(origin) = venue.origin {
                let ring: Vec<(f64, f64)> = zone
                    .area
                    .polygon()
                    .exterior()
                    .0
                    .iter()
                    .map(|c| to_wgs84(origin, c.x, c.y))
                    .collect();
                if let Ok(p) = Polygon::from_ring(ring) {
                    area.polygons.push(p);
                }
            }
            (name, area)
        }
        Subject::Line(l) => {
            let line = &venue.lines[l];
            let name = line.name.get(lang).to_string();
            let mut area = Area::new(name.clone());
            if let Some(origin) = venue.origin {
                let s = &line.segment;
                let mid = ((s.a.x + s.b.x) / 2.0, (s.a.y + s.b.y) / 2.0);
                let radius_m = (s.length() / 2.0).max(10.0);
                if let Ok(c) = Circle::new(to_wgs84(origin, mid.0, mid.1), radius_m / 1000.0) {
                    area.circles.push(c);
                }
            }
            (name, area)
        }
        Subject::Sensor(s) => {
            let id = venue.sensors[s].id.clone();
            (id, Area::new(venue.name.get(lang).to_string()))
        }
    }
}
