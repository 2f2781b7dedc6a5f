//! An incident as responders report it: the **M/ETHANE** message of the UK Joint Emergency
//! Services Interoperability Programme (JESIP, *Joint Doctrine: the interoperability
//! framework*, edition 3, 2021, §"M/ETHANE"): **M**ajor incident declared?, **E**xact
//! location, **T**ype of incident, **H**azards present and potential, **A**ccess routes and
//! rendezvous point, **N**umber and severity of casualties, **E**mergency services present
//! and required; with a severity and a lifecycle status.
//!
//! - **Severity** is the scale of OASIS CAP 1.2 §3.2.2 (`severity`: Minor, Moderate,
//!   Severe, Extreme), so an incident raised from an alert keeps the alert's CAP severity
//!   unchanged.
//! - **Casualties** are counted by the triage priorities of the UK triage sieve (P1
//!   immediate, P2 urgent, P3 delayed) and the dead (JESIP asks "number and severity").
//! - **Status**: reported → confirmed → responding → contained → closed
//!   ([`transition_allowed`]).
//!
//! Text fields are bounded (the `MAX_*` constants) and checked by [`IncidentFields::check`].

use serde::{Deserialize, Serialize};

use crate::record::{FieldError, Location, check_text, forward};

/// Most characters of an incident's name.
pub const MAX_TITLE_CHARS: usize = 120;
/// Most characters of the type of incident.
pub const MAX_KIND_CHARS: usize = 120;
/// Most characters of each free-text field (hazards, access, services, situation, …).
pub const MAX_TEXT_CHARS: usize = 2000;
/// Most casualties of one category (a bound against typing errors, far above any event).
pub const MAX_CASUALTIES: u32 = 100_000;

/// Severity, OASIS CAP 1.2 §3.2.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Minimal to no known threat to life or property.
    Minor,
    /// Possible threat to life or property.
    Moderate,
    /// Significant threat to life or property.
    Severe,
    /// Extraordinary threat to life or property.
    Extreme,
}

impl Severity {
    /// The stored and wire name (`minor` …).
    pub fn name(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Moderate => "moderate",
            Severity::Severe => "severe",
            Severity::Extreme => "extreme",
        }
    }

    /// The severity of a CAP `severity` value (`Severe`, case-insensitive; `Unknown` and
    /// anything else: `None`).
    pub fn from_cap(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "minor" => Some(Severity::Minor),
            "moderate" => Some(Severity::Moderate),
            "severe" => Some(Severity::Severe),
            "extreme" => Some(Severity::Extreme),
            _ => None,
        }
    }
}

/// Where an incident is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Reported, not yet confirmed.
    Reported,
    /// Confirmed by someone on scene or on camera.
    Confirmed,
    /// Resources are responding.
    Responding,
    /// Under control; resources may still be on scene.
    Contained,
    /// Over (final).
    Closed,
}

/// The statuses in their order.
pub const STATUSES: [Status; 5] = [
    Status::Reported,
    Status::Confirmed,
    Status::Responding,
    Status::Contained,
    Status::Closed,
];

impl Status {
    /// The stored and wire name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Reported => "reported",
            Status::Confirmed => "confirmed",
            Status::Responding => "responding",
            Status::Contained => "contained",
            Status::Closed => "closed",
        }
    }

    /// The status named `s`.
    pub fn parse(s: &str) -> Option<Status> {
        STATUSES.into_iter().find(|x| x.name() == s)
    }
}

/// Whether an incident may go from `from` to `to`:
/// - forward to any later status (a report confirmed and responded to in one step; a false
///   report closed straight from `reported`);
/// - back from `contained` to `responding` (it flared up again);
/// - never out of `closed` (a new incident is raised instead, so a closed record stays as
///   it was closed), never to the same status.
pub fn transition_allowed(from: Status, to: Status) -> bool {
    forward(&STATUSES, from, to) || (from == Status::Contained && to == Status::Responding)
}

/// Casualties by triage priority (UK triage sieve) and the dead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Casualties {
    /// P1, immediate.
    pub immediate: u32,
    /// P2, urgent.
    pub urgent: u32,
    /// P3, delayed (walking wounded).
    pub delayed: u32,
    /// Dead.
    pub dead: u32,
}

impl Casualties {
    /// All of them.
    pub fn total(&self) -> u64 {
        [self.immediate, self.urgent, self.delayed, self.dead]
            .iter()
            .map(|&n| u64::from(n))
            .sum()
    }
}

/// An incident's content: the M/ETHANE fields, severity, and the ICS-201 briefing's text
/// (situation, objectives, current actions). Status, owner and visibility are kept apart
/// (they change through their own steps).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentFields {
    /// The incident's name (ICS-201 "incident name"), 1 to [`MAX_TITLE_CHARS`].
    pub title: String,
    /// M: a major incident has been declared.
    #[serde(default)]
    pub major_incident: bool,
    /// E: exact location.
    pub location: Location,
    /// T: type of incident ("crowd crush", "fight", "medical"…), up to [`MAX_KIND_CHARS`].
    #[serde(default)]
    pub kind: String,
    /// H: hazards present and potential.
    #[serde(default)]
    pub hazards: String,
    /// A: access routes.
    #[serde(default)]
    pub access: String,
    /// A: rendezvous point.
    #[serde(default)]
    pub rendezvous: String,
    /// N: casualties.
    #[serde(default)]
    pub casualties: Casualties,
    /// E: emergency services present.
    #[serde(default)]
    pub services_present: String,
    /// E: emergency services required.
    #[serde(default)]
    pub services_required: String,
    /// Severity.
    pub severity: Severity,
    /// Situation summary (ICS-201 §"situation summary").
    #[serde(default)]
    pub situation: String,
    /// Objectives (ICS-201 §"current and planned objectives").
    #[serde(default)]
    pub objectives: String,
    /// Current and planned actions (ICS-201 §"current and planned actions").
    #[serde(default)]
    pub actions: String,
}

impl IncidentFields {
    /// Checks every field's bounds.
    ///
    /// # Errors
    /// The first [`FieldError`], naming the field as in the API.
    pub fn check(&self) -> Result<(), FieldError> {
        check_text("title", self.title.trim(), 1, MAX_TITLE_CHARS, false)?;
        match &self.location {
            Location::Point(_) => self.location.check("location.point")?,
            Location::Zone(_) => self.location.check("location.zone")?,
        }
        check_text("kind", &self.kind, 0, MAX_KIND_CHARS, false)?;
        for (name, value) in [
            ("hazards", &self.hazards),
            ("access", &self.access),
            ("rendezvous", &self.rendezvous),
            ("services_present", &self.services_present),
            ("services_required", &self.services_required),
            ("situation", &self.situation),
            ("objectives", &self.objectives),
            ("actions", &self.actions),
        ] {
            check_text(name, value, 0, MAX_TEXT_CHARS, true)?;
        }
        let c = &self.casualties;
        for (name, n) in [
            ("casualties.immediate", c.immediate),
            ("casualties.urgent", c.urgent),
            ("casualties.delayed", c.delayed),
            ("casualties.dead", c.dead),
        ] {
            if n > MAX_CASUALTIES {
                return Err(FieldError::new(
                    name,
                    format!("{n}: at most {MAX_CASUALTIES}"),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> IncidentFields {
        serde_json::from_str(
            r#"{"title": "Crush at gate 3", "location": {"zone": "gate-3"},
                "severity": "severe", "casualties": {"urgent": 2}}"#,
        )
        .unwrap()
    }

    #[test]
    fn lifecycle() {
        use Status::*;
        assert!(transition_allowed(Reported, Confirmed));
        assert!(transition_allowed(Reported, Responding));
        assert!(transition_allowed(Reported, Closed));
        assert!(transition_allowed(Contained, Responding));
        assert!(!transition_allowed(Confirmed, Reported));
        assert!(!transition_allowed(Responding, Confirmed));
        assert!(!transition_allowed(Responding, Responding));
        for s in STATUSES {
            assert!(!transition_allowed(Closed, s), "closed → {s:?}");
            assert_eq!(Status::parse(s.name()), Some(s));
        }
    }

    #[test]
    fn fields_are_checked() {
        let f = fields();
        assert!(f.check().is_ok());
        assert_eq!(f.casualties.total(), 2);
        let mut g = f.clone();
        g.title = "  ".into();
        assert_eq!(g.check().unwrap_err().field, "title");
        let mut g = f.clone();
        g.hazards = "x".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(g.check().unwrap_err().field, "hazards");
        let mut g = f.clone();
        g.casualties.dead = MAX_CASUALTIES + 1;
        assert_eq!(g.check().unwrap_err().field, "casualties.dead");
        let mut g = f;
        g.location = Location::Point([f64::INFINITY, 0.0]);
        assert_eq!(g.check().unwrap_err().field, "location.point");
        // Unknown fields are refused, not ignored.
        assert!(
            serde_json::from_str::<IncidentFields>(
                r#"{"title": "t", "location": {"zone": "z"}, "severity": "minor", "sevrity": 1}"#
            )
            .is_err()
        );
    }

    #[test]
    fn severity_from_cap() {
        assert_eq!(Severity::from_cap("Severe"), Some(Severity::Severe));
        assert_eq!(Severity::from_cap("Extreme"), Some(Severity::Extreme));
        assert_eq!(Severity::from_cap("Unknown"), None);
    }
}
