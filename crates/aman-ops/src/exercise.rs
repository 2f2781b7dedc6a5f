//! Exercises: the **master events list** (MSEL) a trainer plays, the exercise's scenario
//! [`Clock`], and the after-action timing of what players did ([`after_action`]).
//!
//! An MSEL is the list of *injects* of an exercise, one row each, with the columns trainers
//! already use (US DHS *Homeland Security Exercise and Evaluation Program*, HSEEP 2020,
//! §"Master Scenario Events List"): scenario time, from, to, delivery method, text, expected
//! player action, objective. An inject is one of four kinds ([`InjectKind`]): a message to a
//! player, an incident, an OASIS CAP 1.2 alert, or a **crowd** — a scenario simulated and replayed
//! as the venue's sensor readings (crate `aman-inject`).
//!
//! Two file forms, the same columns ([`COLUMNS`]):
//! - TOML ([`Msel::from_toml`]): an `[exercise]` table (`name`, optional `venue`) and one
//!   `[[injects]]` table per inject;
//! - CSV ([`Msel::from_csv`], RFC 4180): a header row naming the columns, one row per inject;
//!   kind-specific columns may be left out, and an empty cell is an absent value.
//!
//! `at` is scenario time from the exercise's start: `"mm:ss"`, `"hh:mm:ss"` or seconds
//! (`90`, `"90.5"`). Injects are sorted by time (stable: the file's order among equal times),
//! not refused when out of order. Every error names the inject (its line in a CSV file, its
//! index in a TOML file, and its id when known) and the column ([`MselError`]).
//!
//! The [`Clock`] is a pure state machine over wall-clock instants (µs UTC,
//! [`aman_monitor::Timestamp`]): the server passes `now` to every call, so tests drive it with
//! numbers.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use aman_monitor::Timestamp;
use serde::{Deserialize, Serialize};

use crate::incident::{MAX_KIND_CHARS, MAX_TITLE_CHARS, Severity};
use crate::record::{MAX_ZONE_CHARS, check_text};

/// Most injects of one MSEL (a full-scale exercise has a few hundred).
pub const MAX_INJECTS: usize = 10_000;
/// Most characters of an inject's long text fields (`text`, `expected_action`, `objective`).
pub const MAX_TEXT_CHARS: usize = 4000;
/// Most characters of an inject id.
pub const MAX_ID_CHARS: usize = 64;
/// Most characters of the exercise's name and of a player (`from`, `to`).
pub const MAX_NAME_CHARS: usize = 120;
/// Most characters of a CAP inject's `event`.
pub const MAX_EVENT_CHARS: usize = 120;
/// Most characters of a CAP inject's `headline` (CAP 1.2 §3.2.2: "SHOULD be less than 160
/// characters").
pub const MAX_HEADLINE_CHARS: usize = 160;
/// Latest scenario time of an inject, s: 7 days.
pub const MAX_SCENARIO_S: f64 = 7.0 * 86_400.0;
/// Slowest and fastest speed of the scenario clock and of a crowd inject's replay (scenario
/// seconds per wall second).
pub const SPEED_RANGE: std::ops::RangeInclusive<f64> = 0.1..=100.0;

/// The columns of an MSEL, in the order of a CSV header written by aman. `id`, `at` and
/// `text` are required; `kind` defaults to `message`; the others depend on the kind
/// ([`InjectKind`]).
pub const COLUMNS: [&str; 19] = [
    "id",
    "at",
    "from",
    "to",
    "method",
    "kind",
    "text",
    "expected_action",
    "objective",
    "title",
    "incident_kind",
    "zone",
    "severity",
    "event",
    "headline",
    "urgency",
    "certainty",
    "scenario",
    "speed",
];

/// How an inject reaches its player.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// A message in aman (the dashboard's message list).
    Message,
    /// A telephone call by the exercise control.
    Phone,
    /// A radio call.
    Radio,
    /// An e-mail.
    Email,
    /// Told in person (a controller or role player on site).
    InPerson,
    /// Through the system itself: an alert, an incident or sensor readings appear.
    System,
}

impl Method {
    /// Every method, in the order of [`Method::name`]'s list.
    pub const ALL: [Method; 6] = [
        Method::Message,
        Method::Phone,
        Method::Radio,
        Method::Email,
        Method::InPerson,
        Method::System,
    ];

    /// The file and wire name (`message`, `phone`, `radio`, `email`, `in_person`, `system`).
    pub fn name(self) -> &'static str {
        match self {
            Method::Message => "message",
            Method::Phone => "phone",
            Method::Radio => "radio",
            Method::Email => "email",
            Method::InPerson => "in_person",
            Method::System => "system",
        }
    }

    /// The method named `s` (case-insensitive; `in-person` and `in person` are taken too).
    ///
    /// # Errors
    /// A message listing the allowed names.
    pub fn parse(s: &str) -> Result<Method, String> {
        let k = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Method::ALL
            .into_iter()
            .find(|m| m.name() == k)
            .ok_or_else(|| {
                let names: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
                format!(
                    "{s:?} is not a delivery method: one of {}",
                    names.join(", ")
                )
            })
    }
}

/// What an inject does when it fires. In JSON: `{"kind": "incident", "title": …,
/// "incident_kind": …, …}`, the columns' names.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InjectKind {
    /// A message delivered to the player `to` (the default).
    Message,
    /// An incident appears in the log, as if reported (columns `title`, `incident_kind`,
    /// `zone`, `severity`).
    Incident {
        /// The incident's name, 1 to [`MAX_TITLE_CHARS`].
        title: String,
        /// Type of incident (M/ETHANE "T"), up to [`MAX_KIND_CHARS`] (column `incident_kind`).
        #[serde(rename = "incident_kind")]
        kind: String,
        /// The zone of the venue, if any (the server checks it exists).
        zone: Option<String>,
        /// Severity (`minor` … `extreme`, or the CAP spelling).
        severity: Severity,
    },
    /// A CAP 1.2 alert is issued with `status` Exercise (columns `zone`, `event`, `headline`,
    /// `severity`, `urgency`, `certainty`, CAP 1.2 §3.2.2 with their exact code lists).
    Cap {
        /// The zone of the venue the alert's area is, if any.
        zone: Option<String>,
        /// CAP `event`, 1 to [`MAX_EVENT_CHARS`].
        event: String,
        /// CAP `headline`, 1 to [`MAX_HEADLINE_CHARS`].
        headline: String,
        /// CAP `severity`.
        severity: aman_cap::Severity,
        /// CAP `urgency`.
        urgency: aman_cap::Urgency,
        /// CAP `certainty`.
        certainty: aman_cap::Certainty,
    },
    /// A crowd: the scenario is simulated and its sensor readings replayed through the
    /// ingestion path (columns `scenario`, `speed`).
    Crowd {
        /// The scenario file. As written in the MSEL by [`Msel::from_toml`] and
        /// [`Msel::from_csv`]; relative to the MSEL file's folder, and made so by
        /// [`Msel::load`].
        scenario: PathBuf,
        /// Replay speed: seconds of the crowd scenario per second of exercise (scenario)
        /// time, in [`SPEED_RANGE`], default 1 (2: the crowd's 3 minutes play in 1.5); the
        /// exercise clock's own speed applies on top.
        speed: f64,
    },
}

impl InjectKind {
    /// The file name of the kind: `message`, `incident`, `cap`, `crowd`.
    pub fn name(&self) -> &'static str {
        match self {
            InjectKind::Message => "message",
            InjectKind::Incident { .. } => "incident",
            InjectKind::Cap { .. } => "cap",
            InjectKind::Crowd { .. } => "crowd",
        }
    }
}

/// One inject of an MSEL. Serialised (JSON for the dashboard) with its kind's fields
/// flattened, as in the file; there is no `Deserialize`: a stored MSEL is kept as its text and
/// parsed again, so that every check applies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inject {
    /// Id, unique in the MSEL, 1 to [`MAX_ID_CHARS`] (`"1"`, `"INJ-03"`).
    pub id: String,
    /// Scenario time from the exercise's start, s, in [0, [`MAX_SCENARIO_S`]].
    pub at: f64,
    /// Who the inject comes from (a role played by the exercise control), free text, up to
    /// [`MAX_NAME_CHARS`]; may be empty.
    pub from: String,
    /// The player: an agency id and/or a role, free text (`"fr-pn operator"`), up to
    /// [`MAX_NAME_CHARS`]; required for a message.
    pub to: String,
    /// Delivery method (default: `message` for a message, `system` for the other kinds).
    pub method: Method,
    /// What the player is told or what happens, 1 to [`MAX_TEXT_CHARS`].
    pub text: String,
    /// The action the player is expected to take, up to [`MAX_TEXT_CHARS`].
    pub expected_action: String,
    /// The exercise objective the inject tests, up to [`MAX_TEXT_CHARS`].
    pub objective: String,
    /// What it does.
    #[serde(flatten)]
    pub kind: InjectKind,
}

/// A master events list: the exercise's name, its venue and its injects in time order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Msel {
    /// Name, 1 to [`MAX_NAME_CHARS`].
    pub name: String,
    /// Venue id, if the MSEL names one.
    pub venue: Option<String>,
    /// Injects, sorted by [`Inject::at`] (stable).
    pub injects: Vec<Inject>,
}

/// What is wrong with an MSEL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MselError {
    /// The file could not be read.
    #[error("cannot read MSEL file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file's extension is neither `.toml` nor `.csv`.
    #[error("MSEL file {path}: unknown extension: name it .toml or .csv")]
    Extension {
        /// The file.
        path: PathBuf,
    },
    /// The text is not valid TOML, or a key is unknown or of the wrong type (the message
    /// carries the line and column).
    #[error("MSEL (TOML): {0}")]
    Toml(String),
    /// The CSV text is malformed at `line` (an unclosed quote, a quote inside an unquoted
    /// cell, a row with more or fewer cells than the header, no header).
    #[error("MSEL (CSV) line {line}: {message}")]
    Csv {
        /// Line of the file, from 1.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A CSV header names a column that is not one of [`COLUMNS`], or names one twice.
    #[error("MSEL (CSV) header: {message}")]
    Column {
        /// What is wrong, with the allowed columns.
        message: String,
    },
    /// A field of an inject (or of `[exercise]`) does not fit.
    #[error("{place}: {field}: {message}")]
    Field {
        /// Where: `line 4 (inject "INJ-03")` in a CSV file, `injects[2] (inject "INJ-03")`
        /// in a TOML file, `exercise` for the `[exercise]` table.
        place: String,
        /// The column.
        field: String,
        /// What is wrong and what fits.
        message: String,
    },
    /// Two injects have the same id.
    #[error("inject id {id:?} is given twice: {first} and {second}; ids must be unique")]
    DuplicateId {
        /// The id.
        id: String,
        /// The first place.
        first: String,
        /// The second place.
        second: String,
    },
    /// More than [`MAX_INJECTS`] injects.
    #[error("{count} injects: at most {MAX_INJECTS}; split the exercise")]
    TooMany {
        /// How many the file has (at least).
        count: usize,
    },
}

/// Parses a scenario time: `"mm:ss"`, `"hh:mm:ss"` (minutes and seconds below 60 after the
/// first part; the seconds may have a fraction) or seconds (`"90"`, `"90.5"`), in
/// [0, [`MAX_SCENARIO_S`]].
///
/// # Errors
/// A message saying which forms are accepted.
pub fn parse_time(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let bad =
        || format!("{s:?} is not a scenario time: \"mm:ss\", \"hh:mm:ss\" or seconds (\"90\")");
    let num = |p: &str| -> Result<f64, String> {
        let p = p.trim();
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err(bad());
        }
        p.parse::<f64>().map_err(|_| bad())
    };
    let parts: Vec<&str> = t.split(':').collect();
    let whole = |p: &str| -> Result<f64, String> {
        let v = num(p)?;
        if v.fract() != 0.0 { Err(bad()) } else { Ok(v) }
    };
    let secs = match parts.as_slice() {
        [x] => num(x)?,
        [m, sec] => {
            let sec = num(sec)?;
            if sec >= 60.0 {
                return Err(format!("{s:?}: seconds must be below 60"));
            }
            whole(m)? * 60.0 + sec
        }
        [h, m, sec] => {
            let (m, sec) = (whole(m)?, num(sec)?);
            if m >= 60.0 || sec >= 60.0 {
                return Err(format!("{s:?}: minutes and seconds must be below 60"));
            }
            whole(h)? * 3600.0 + m * 60.0 + sec
        }
        _ => return Err(bad()),
    };
    if !(secs.is_finite() && (0.0..=MAX_SCENARIO_S).contains(&secs)) {
        return Err(format!(
            "{s:?} is beyond the longest exercise ({MAX_SCENARIO_S} s, 7 days)"
        ));
    }
    Ok(secs)
}

/// Writes a scenario time as `mm:ss` (or `h:mm:ss` from one hour), whole seconds rounded
/// down: the form of a printed MSEL and of the after-action report.
pub fn format_time(s: f64) -> String {
    let s = if s.is_finite() { s.max(0.0) as u64 } else { 0 };
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m:02}:{sec:02}")
    }
}

/// One inject's cells as read from either form, before checking: column → value (an empty
/// CSV cell is absent).
struct RawInject {
    place: String,
    cells: HashMap<&'static str, String>,
}

impl RawInject {
    fn take(&mut self, col: &'static str) -> Option<String> {
        self.cells.remove(col).filter(|v| !v.trim().is_empty())
    }
}

fn field_err(place: &str, field: &str, message: impl Into<String>) -> MselError {
    MselError::Field {
        place: place.to_string(),
        field: field.to_string(),
        message: message.into(),
    }
}

fn checked(
    place: &str,
    field: &str,
    value: Option<String>,
    min: usize,
    max: usize,
    multiline: bool,
) -> Result<String, MselError> {
    let v = value.unwrap_or_default().trim().to_string();
    check_text(field, &v, min, max, multiline).map_err(|e| field_err(place, field, e.message))?;
    Ok(v)
}

fn parse_cap<T: std::str::FromStr + Copy>(
    place: &str,
    field: &str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
    value: Option<String>,
) -> Result<T, MselError> {
    let v = value.ok_or_else(|| field_err(place, field, "missing: required for a cap inject"))?;
    all.iter()
        .copied()
        .find(|x| name(*x).eq_ignore_ascii_case(v.trim()))
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|x| name(*x)).collect();
            field_err(
                place,
                field,
                format!(
                    "{v:?} is not a CAP 1.2 {field}: one of {}",
                    names.join(", ")
                ),
            )
        })
}

impl RawInject {
    /// Checks every cell and builds the inject.
    fn build(mut self) -> Result<Inject, MselError> {
        let id = self.take("id").map(|s| s.trim().to_string());
        let id =
            id.ok_or_else(|| field_err(&self.place, "id", "missing: every inject has an id"))?;
        self.place = format!("{} (inject {id:?})", self.place);
        let p = self.place.clone();
        check_text("id", &id, 1, MAX_ID_CHARS, false)
            .map_err(|e| field_err(&p, "id", e.message))?;
        let at = self
            .take("at")
            .ok_or_else(|| field_err(&p, "at", "missing: the inject's scenario time"))?;
        let at = parse_time(&at).map_err(|m| field_err(&p, "at", m))?;
        let text = self.take("text");
        if text.is_none() {
            return Err(field_err(
                &p,
                "text",
                "missing: what the player is told or what happens",
            ));
        }
        let text = checked(&p, "text", text, 1, MAX_TEXT_CHARS, true)?;
        let from = checked(&p, "from", self.take("from"), 0, MAX_NAME_CHARS, false)?;
        let to = checked(&p, "to", self.take("to"), 0, MAX_NAME_CHARS, false)?;
        let expected_action = checked(
            &p,
            "expected_action",
            self.take("expected_action"),
            0,
            MAX_TEXT_CHARS,
            true,
        )?;
        let objective = checked(
            &p,
            "objective",
            self.take("objective"),
            0,
            MAX_TEXT_CHARS,
            true,
        )?;
        let kind_name = self
            .take("kind")
            .map(|k| k.trim().to_ascii_lowercase())
            .unwrap_or_else(|| "message".into());
        let method = self
            .take("method")
            .map(|m| Method::parse(&m).map_err(|e| field_err(&p, "method", e)))
            .transpose()?;
        let zone = |s: &mut RawInject| -> Result<Option<String>, MselError> {
            s.take("zone")
                .map(|z| checked(&p, "zone", Some(z), 1, MAX_ZONE_CHARS, false))
                .transpose()
        };
        let kind = match kind_name.as_str() {
            "message" => {
                if to.is_empty() {
                    return Err(field_err(&p, "to", "missing: the player a message is for"));
                }
                InjectKind::Message
            }
            "incident" => {
                let title = self.take("title");
                if title.is_none() {
                    return Err(field_err(
                        &p,
                        "title",
                        "missing: required for an incident inject",
                    ));
                }
                let title = checked(&p, "title", title, 1, MAX_TITLE_CHARS, false)?;
                let kind = checked(
                    &p,
                    "incident_kind",
                    self.take("incident_kind"),
                    0,
                    MAX_KIND_CHARS,
                    false,
                )?;
                let zone = zone(&mut self)?;
                let sev = self.take("severity").ok_or_else(|| {
                    field_err(&p, "severity", "missing: required for an incident inject")
                })?;
                let severity = Severity::from_cap(sev.trim()).ok_or_else(|| {
                    field_err(
                        &p,
                        "severity",
                        format!("{sev:?} is not a severity: minor, moderate, severe or extreme"),
                    )
                })?;
                InjectKind::Incident {
                    title,
                    kind,
                    zone,
                    severity,
                }
            }
            "cap" => {
                let zone = zone(&mut self)?;
                let event = self.take("event");
                if event.is_none() {
                    return Err(field_err(&p, "event", "missing: required for a cap inject"));
                }
                let event = checked(&p, "event", event, 1, MAX_EVENT_CHARS, false)?;
                let headline = self.take("headline");
                if headline.is_none() {
                    return Err(field_err(
                        &p,
                        "headline",
                        "missing: required for a cap inject",
                    ));
                }
                let headline = checked(&p, "headline", headline, 1, MAX_HEADLINE_CHARS, false)?;
                let severity = parse_cap(
                    &p,
                    "severity",
                    aman_cap::Severity::ALL,
                    aman_cap::Severity::as_str,
                    self.take("severity"),
                )?;
                let urgency = parse_cap(
                    &p,
                    "urgency",
                    aman_cap::Urgency::ALL,
                    aman_cap::Urgency::as_str,
                    self.take("urgency"),
                )?;
                let certainty = parse_cap(
                    &p,
                    "certainty",
                    aman_cap::Certainty::ALL,
                    aman_cap::Certainty::as_str,
                    self.take("certainty"),
                )?;
                InjectKind::Cap {
                    zone,
                    event,
                    headline,
                    severity,
                    urgency,
                    certainty,
                }
            }
            "crowd" => {
                let scenario = self.take("scenario").ok_or_else(|| {
                    field_err(
                        &p,
                        "scenario",
                        "missing: the scenario file a crowd inject runs",
                    )
                })?;
                let scenario = checked(&p, "scenario", Some(scenario), 1, 1000, false)?;
                let speed = match self.take("speed") {
                    None => 1.0,
                    Some(v) => {
                        let s: f64 = v.trim().parse().map_err(|_| {
                            field_err(&p, "speed", format!("{v:?} is not a number"))
                        })?;
                        if !SPEED_RANGE.contains(&s) {
                            return Err(field_err(
                                &p,
                                "speed",
                                format!("{s} is outside 0.1 to 100 (scenario seconds per second)"),
                            ));
                        }
                        s
                    }
                };
                InjectKind::Crowd {
                    scenario: PathBuf::from(scenario),
                    speed,
                }
            }
            other => {
                return Err(field_err(
                    &p,
                    "kind",
                    format!("{other:?} is not an inject kind: message, incident, cap or crowd"),
                ));
            }
        };
        // What is left belongs to another kind: refused, not ignored (a typo in `kind`).
        let mut left: Vec<&str> = self
            .cells
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, _)| *k)
            .collect();
        left.sort_by_key(|c| COLUMNS.iter().position(|x| x == c));
        if let Some(c) = left.first() {
            return Err(field_err(
                &p,
                c,
                format!("not a column of a {kind_name} inject: leave it empty or check `kind`"),
            ));
        }
        Ok(Inject {
            id,
            at,
            from,
            to,
            method: method.unwrap_or(match kind {
                InjectKind::Message => Method::Message,
                _ => Method::System,
            }),
            text,
            expected_action,
            objective,
            kind,
        })
    }
}

/// Checks the ids, sorts by time, builds the MSEL.
fn assemble(name: String, venue: Option<String>, raws: Vec<RawInject>) -> Result<Msel, MselError> {
    if raws.len() > MAX_INJECTS {
        return Err(MselError::TooMany { count: raws.len() });
    }
    check_text("name", name.trim(), 1, MAX_NAME_CHARS, false)
        .map_err(|e| field_err("exercise", "name", e.message))?;
    if let Some(v) = &venue {
        check_text("venue", v, 1, MAX_ZONE_CHARS, false)
            .map_err(|e| field_err("exercise", "venue", e.message))?;
    }
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut injects = Vec::with_capacity(raws.len());
    for raw in raws {
        let place = raw.place.clone();
        let inject = raw.build()?;
        if let Some(first) = seen.insert(inject.id.clone(), place.clone()) {
            return Err(MselError::DuplicateId {
                id: inject.id,
                first,
                second: place,
            });
        }
        injects.push(inject);
    }
    injects.sort_by(|a, b| a.at.total_cmp(&b.at));
    Ok(Msel {
        name: name.trim().to_string(),
        venue,
        injects,
    })
}

/// A TOML cell: text or a number (`at = 90`, `speed = 2`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Cell {
    Text(String),
    Int(i64),
    Float(f64),
}

impl Cell {
    fn text(self) -> String {
        match self {
            Cell::Text(s) => s,
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) => f.to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    exercise: TomlExercise,
    #[serde(default)]
    injects: Vec<HashMap<String, Cell>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlExercise {
    name: String,
    #[serde(default)]
    venue: Option<String>,
}

fn column(name: &str) -> Option<&'static str> {
    COLUMNS.iter().copied().find(|c| *c == name)
}

fn unknown_column(name: &str) -> String {
    format!(
        "unknown column {name:?}: the columns are {}",
        COLUMNS.join(", ")
    )
}

impl Msel {
    /// Reads an MSEL from TOML:
    ///
    /// ```toml
    /// [exercise]
    /// name = "Entrance surge"
    /// venue = "sib2023-entrance"      # optional
    ///
    /// [[injects]]
    /// id = "1"
    /// at = "00:00"                    # or 0
    /// to = "fr-pn commander"
    /// text = "Exercise starts."
    /// ```
    ///
    /// Keys of `[[injects]]` are the [`COLUMNS`]; `at` and `speed` may be numbers.
    ///
    /// # Errors
    /// [`MselError::Toml`] (syntax, an unknown key of `[exercise]`), [`MselError::Field`]
    /// (`injects[k] (inject "id")`, an unknown column among them), [`MselError::DuplicateId`],
    /// [`MselError::TooMany`].
    pub fn from_toml(text: &str) -> Result<Msel, MselError> {
        let file: TomlFile = toml::from_str(text).map_err(|e| MselError::Toml(e.to_string()))?;
        if file.injects.len() > MAX_INJECTS {
            return Err(MselError::TooMany {
                count: file.injects.len(),
            });
        }
        let mut raws = Vec::with_capacity(file.injects.len());
        for (k, table) in file.injects.into_iter().enumerate() {
            let place = match table.get("id") {
                Some(Cell::Text(id)) => format!("injects[{k}] (inject {:?})", id.trim()),
                _ => format!("injects[{k}]"),
            };
            let mut cells = HashMap::new();
            let mut keys: Vec<(String, Cell)> = table.into_iter().collect();
            keys.sort_by(|a, b| a.0.cmp(&b.0));
            for (key, cell) in keys {
                let Some(c) = column(&key) else {
                    return Err(field_err(&place, &key, unknown_column(&key)));
                };
                cells.insert(c, cell.text());
            }
            raws.push(RawInject {
                place: format!("injects[{k}]"),
                cells,
            });
        }
        assemble(file.exercise.name, file.exercise.venue, raws)
    }

    /// Reads an MSEL from CSV (RFC 4180: comma-separated, cells with commas, quotes or line
    /// breaks in double quotes, `""` for a quote; LF or CRLF; a UTF-8 byte-order mark is
    /// skipped; blank lines are skipped). The first row names the columns ([`COLUMNS`], in
    /// any order; `id`, `at` and `text` are required); the exercise is called `name` and
    /// names no venue.
    ///
    /// # Errors
    /// [`MselError::Csv`] (malformed, with its line), [`MselError::Column`] (unknown,
    /// repeated or missing column), [`MselError::Field`] (`line N (inject "id")`),
    /// [`MselError::DuplicateId`], [`MselError::TooMany`].
    pub fn from_csv(name: &str, text: &str) -> Result<Msel, MselError> {
        let rows = read_csv(text)?;
        let mut rows = rows.into_iter();
        let Some((_, header)) = rows.next() else {
            return Err(MselError::Csv {
                line: 1,
                message: "empty: the first row names the columns (id, at, text, …)".into(),
            });
        };
        let mut cols: Vec<&'static str> = Vec::with_capacity(header.len());
        for h in &header {
            let h = h.trim();
            let c = column(h).ok_or_else(|| MselError::Column {
                message: unknown_column(h),
            })?;
            if cols.contains(&c) {
                return Err(MselError::Column {
                    message: format!("column {c:?} is named twice"),
                });
            }
            cols.push(c);
        }
        for required in ["id", "at", "text"] {
            if !cols.contains(&required) {
                return Err(MselError::Column {
                    message: format!("no column {required:?}: id, at and text are required"),
                });
            }
        }
        let mut raws = Vec::new();
        for (line, cells) in rows {
            if raws.len() == MAX_INJECTS {
                return Err(MselError::TooMany {
                    count: MAX_INJECTS + 1,
                });
            }
            if cells.len() != cols.len() {
                return Err(MselError::Csv {
                    line,
                    message: format!(
                        "{} cells, but the header names {} columns",
                        cells.len(),
                        cols.len()
                    ),
                });
            }
            raws.push(RawInject {
                place: format!("line {line}"),
                cells: cols.iter().copied().zip(cells).collect(),
            });
        }
        assemble(name.to_string(), None, raws)
    }

    /// Reads the MSEL file at `path`: `.toml` or `.csv` by its extension (a CSV MSEL is
    /// named after the file's stem). Crowd injects' relative scenario paths are resolved
    /// against the file's folder.
    ///
    /// # Errors
    /// [`MselError::Io`], [`MselError::Extension`], and those of the parsers.
    pub fn load(path: &Path) -> Result<Msel, MselError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let read = || {
            std::fs::read_to_string(path).map_err(|source| MselError::Io {
                path: path.to_path_buf(),
                source,
            })
        };
        let mut msel = match ext.as_deref() {
            Some("toml") => Msel::from_toml(&read()?)?,
            Some("csv") => {
                let stem = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("exercise");
                Msel::from_csv(stem, &read()?)?
            }
            _ => {
                return Err(MselError::Extension {
                    path: path.to_path_buf(),
                });
            }
        };
        let dir = path.parent().unwrap_or(Path::new(""));
        for inject in &mut msel.injects {
            if let InjectKind::Crowd { scenario, .. } = &mut inject.kind {
                *scenario = dir.join(&*scenario);
            }
        }
        Ok(msel)
    }

    /// The index of the inject with id `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.injects.iter().position(|i| i.id == id)
    }

    /// Checks the MSEL against `venue`: the venue it names (if any) is `venue`, and the zone
    /// of every incident and CAP inject is a zone of it. (A crowd inject's readings come
    /// from the venue's own sensors, and no other column names a sensor.) Every error is
    /// collected, not the first only; each names the inject and the zone.
    ///
    /// # Errors
    /// [`MselError::Field`]s: `exercise: venue: …`, `inject "INJ-04": zone: …`.
    pub fn check_venue(&self, venue: &aman_monitor::Venue) -> Result<(), Vec<MselError>> {
        let mut errors = Vec::new();
        if let Some(v) = &self.venue
            && *v != venue.id
        {
            errors.push(field_err(
                "exercise",
                "venue",
                format!("the MSEL is for venue {v:?}, not {:?}", venue.id),
            ));
        }
        for inject in &self.injects {
            let zone = match &inject.kind {
                InjectKind::Incident { zone, .. } | InjectKind::Cap { zone, .. } => zone,
                _ => &None,
            };
            if let Some(z) = zone
                && venue.zone(z).is_none()
            {
                let zones: Vec<&str> = venue.zones.iter().map(|z| z.id.as_str()).collect();
                errors.push(field_err(
                    &format!("inject {:?}", inject.id),
                    "zone",
                    format!(
                        "venue {:?} has no zone {z:?} (its zones: {})",
                        venue.id,
                        zones.join(", ")
                    ),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The agency a `to` cell names: the first word of its first player (players are separated
/// by `,` or `;`, as in `"fr-pn commander, ma-dgsn commander"`) that is not a role name
/// (`commander`, `operator`, …, [`crate::access::ROLES`]); `None` when it names roles only
/// or nothing. An incident inject's incident is owned by this agency, which the server
/// checks it has when the exercise is made.
pub fn agency_named(to: &str) -> Option<&str> {
    to.split([',', ';']).next()?.split_whitespace().find(|w| {
        !crate::access::ROLES
            .iter()
            .any(|r| r.name().eq_ignore_ascii_case(w))
    })
}

/// Splits RFC 4180 text into rows of cells, each with the line its row starts on (from 1);
/// blank lines are skipped.
fn read_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, MselError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut line = 1;
    let mut row_line = 1;
    let mut chars = text.chars().peekable();
    // Whether the current cell was quoted (then it is complete at its closing quote).
    let mut quoted = false;
    let mut in_quotes = false;
    let mut quote_line = 0;
    let end_row = |row: &mut Vec<String>, rows: &mut Vec<(usize, Vec<String>)>, at: usize| {
        let r = std::mem::take(row);
        if !(r.len() == 1 && r[0].is_empty()) {
            rows.push((at, r));
        }
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    cell.push('\n');
                }
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() && !quoted => {
                in_quotes = true;
                quoted = true;
                quote_line = line;
            }
            '"' => {
                return Err(MselError::Csv {
                    line,
                    message: "a quote inside a cell: put the whole cell in quotes and double \
                              the quote (\"\")"
                        .into(),
                });
            }
            ',' => {
                row.push(std::mem::take(&mut cell));
                quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut cell));
                quoted = false;
                end_row(&mut row, &mut rows, row_line);
                line += 1;
                row_line = line;
            }
            _ if quoted => {
                return Err(MselError::Csv {
                    line,
                    message: format!(
                        "{c:?} after a quoted cell's closing quote: expected , or a line end"
                    ),
                });
            }
            _ => cell.push(c),
        }
    }
    if in_quotes {
        return Err(MselError::Csv {
            line: quote_line,
            message: "a quote opened here is never closed".into(),
        });
    }
    if !cell.is_empty() || quoted || !row.is_empty() {
        row.push(cell);
        end_row(&mut row, &mut rows, row_line);
    }
    Ok(rows)
}

/// Where the exercise's clock is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Not started: scenario time 0.
    Ready,
    /// Scenario time runs at the clock's speed.
    Running,
    /// Scenario time stands still.
    Paused,
    /// Over (final): scenario time stands still.
    Ended,
}

impl ClockState {
    /// The stored and wire name.
    pub fn name(self) -> &'static str {
        match self {
            ClockState::Ready => "ready",
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Ended => "ended",
        }
    }
}

/// Why the clock refuses a step.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ClockError {
    /// The step is not allowed in the clock's state.
    #[error("cannot {action} the exercise: it is {}", state.name())]
    Transition {
        /// `start`, `pause`, `resume`, `set the speed of`, `skip`, `end`.
        action: &'static str,
        /// The clock's state.
        state: ClockState,
    },
    /// A speed outside [`SPEED_RANGE`] or not finite.
    #[error("speed {0}: the scenario clock runs 0.1 to 100 times real time")]
    Speed(f64),
    /// A skip backwards, or to a time that is not one.
    #[error(
        "cannot skip to {to} s: the scenario is at {now:.1} s and skips forward only, up to {MAX_SCENARIO_S} s"
    )]
    Skip {
        /// The time asked, s.
        to: f64,
        /// The scenario time now, s.
        now: f64,
    },
}

/// The scenario clock of an exercise: scenario time runs at `speed` × wall time while
/// running, stands still while paused, and never goes back (a skip jumps forward; a wall
/// clock that steps back holds it). Pure: every call takes the wall-clock `now`.
///
/// Scenario time = `anchor_scenario + speed · (now − anchor_wall)` while running, rebased at
/// every step (pause, resume, speed, skip) so that a speed change does not move it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Clock {
    /// State.
    pub state: ClockState,
    /// Scenario seconds per wall second, in [`SPEED_RANGE`] (default 1).
    pub speed: f64,
    /// Scenario time at `anchor_wall`, s.
    pub anchor_scenario: f64,
    /// The wall-clock instant of the last step (start, resume, speed, skip), µs UTC.
    pub anchor_wall: Timestamp,
    /// The exercise's **scenario epoch**: the instant scenario time 0 stands for, µs UTC,
    /// set at the start (the start's wall instant less the scenario time a skip before the
    /// start gave), `None` before. Readings of crowd injects are stamped
    /// [`Clock::stamp`] = epoch + their scenario time, so that the monitor's holds, flows
    /// and trends count scenario seconds whatever the clock's speed (docs/exercise.md).
    /// Absent in a clock stored before it existed (then `None`).
    #[serde(default)]
    pub epoch: Option<Timestamp>,
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

impl Clock {
    /// A clock ready to start, at scenario time 0, speed 1.
    pub fn new() -> Clock {
        Clock {
            state: ClockState::Ready,
            speed: 1.0,
            anchor_scenario: 0.0,
            anchor_wall: Timestamp(0),
            epoch: None,
        }
    }

    /// The instant that stands for scenario time `scenario_s` on the exercise's timeline:
    /// [`Clock::epoch`] + `scenario_s` (µs UTC); `None` before the start. It runs at scenario
    /// pace: at speed 10 it advances 10 s per wall second, and stands still while paused.
    pub fn stamp(&self, scenario_s: f64) -> Option<Timestamp> {
        self.epoch.map(|e| e.add_secs(scenario_s))
    }

    /// Scenario time at wall instant `now`, s (the anchor's if `now` is before it).
    pub fn scenario_time(&self, now: Timestamp) -> f64 {
        match self.state {
            ClockState::Running => {
                self.anchor_scenario + self.speed * secs(now, self.anchor_wall).max(0.0)
            }
            _ => self.anchor_scenario,
        }
    }

    fn rebase(&mut self, now: Timestamp) {
        self.anchor_scenario = self.scenario_time(now);
        self.anchor_wall = now;
    }

    fn refuse(&self, action: &'static str) -> ClockError {
        ClockError::Transition {
            action,
            state: self.state,
        }
    }

    /// Starts the exercise at `now` (scenario time 0, or where a skip before the start put it).
    ///
    /// # Errors
    /// [`ClockError::Transition`] unless ready.
    pub fn start(&mut self, now: Timestamp) -> Result<(), ClockError> {
        if self.state != ClockState::Ready {
            return Err(self.refuse("start"));
        }
        self.anchor_wall = now;
        self.epoch = Some(now.add_secs(-self.anchor_scenario));
        self.state = ClockState::Running;
        Ok(())
    }

    /// Pauses it.
    ///
    /// # Errors
    /// [`ClockError::Transition`] unless running.
    pub fn pause(&mut self, now: Timestamp) -> Result<(), ClockError> {
        if self.state != ClockState::Running {
            return Err(self.refuse("pause"));
        }
        self.rebase(now);
        self.state = ClockState::Paused;
        Ok(())
    }

    /// Resumes it.
    ///
    /// # Errors
    /// [`ClockError::Transition`] unless paused.
    pub fn resume(&mut self, now: Timestamp) -> Result<(), ClockError> {
        if self.state != ClockState::Paused {
            return Err(self.refuse("resume"));
        }
        self.anchor_wall = now;
        self.state = ClockState::Running;
        Ok(())
    }

    /// Sets the speed from `now` on (scenario time so far is kept).
    ///
    /// # Errors
    /// [`ClockError::Speed`] outside [`SPEED_RANGE`]; [`ClockError::Transition`] once ended.
    pub fn set_speed(&mut self, now: Timestamp, speed: f64) -> Result<(), ClockError> {
        if self.state == ClockState::Ended {
            return Err(self.refuse("set the speed of"));
        }
        if !SPEED_RANGE.contains(&speed) {
            return Err(ClockError::Speed(speed));
        }
        if self.state == ClockState::Running {
            self.rebase(now);
        }
        self.speed = speed;
        Ok(())
    }

    /// Jumps to scenario time `scenario_s`, forward only (the injects in between become due).
    ///
    /// # Errors
    /// [`ClockError::Skip`] backwards, not finite or beyond [`MAX_SCENARIO_S`];
    /// [`ClockError::Transition`] once ended.
    pub fn skip_to(&mut self, now: Timestamp, scenario_s: f64) -> Result<(), ClockError> {
        if self.state == ClockState::Ended {
            return Err(self.refuse("skip"));
        }
        let t = self.scenario_time(now);
        if !(scenario_s.is_finite() && scenario_s >= t && scenario_s <= MAX_SCENARIO_S) {
            return Err(ClockError::Skip {
                to: scenario_s,
                now: t,
            });
        }
        self.anchor_scenario = scenario_s;
        self.anchor_wall = now;
        Ok(())
    }

    /// Ends the exercise (scenario time stops where it is).
    ///
    /// # Errors
    /// [`ClockError::Transition`] when already ended.
    pub fn end(&mut self, now: Timestamp) -> Result<(), ClockError> {
        if self.state == ClockState::Ended {
            return Err(self.refuse("end"));
        }
        self.rebase(now);
        self.state = ClockState::Ended;
        Ok(())
    }

    /// The injects of `msel` whose time has come at `now` and that have not fired
    /// (`fired[k]` for inject `k`; missing entries are not fired), in MSEL order. None before
    /// the start or once ended; while paused, those due up to the paused time.
    pub fn due(&self, msel: &Msel, now: Timestamp, fired: &[bool]) -> Vec<usize> {
        if matches!(self.state, ClockState::Ready | ClockState::Ended) {
            return Vec::new();
        }
        let t = self.scenario_time(now);
        msel.injects
            .iter()
            .enumerate()
            .take_while(|(_, i)| i.at <= t)
            .filter(|(k, _)| !fired.get(*k).copied().unwrap_or(false))
            .map(|(k, _)| k)
            .collect()
    }

    /// Wall seconds from `now` until the next inject not yet fired is due (0 if one is due
    /// already), while running; `None` when not running or nothing is left.
    pub fn next_due_in(&self, msel: &Msel, now: Timestamp, fired: &[bool]) -> Option<f64> {
        if self.state != ClockState::Running {
            return None;
        }
        let t = self.scenario_time(now);
        msel.injects
            .iter()
            .enumerate()
            .find(|(k, _)| !fired.get(*k).copied().unwrap_or(false))
            .map(|(_, i)| ((i.at - t) / self.speed).max(0.0))
    }
}

/// Seconds from `earlier` to `later` (µs divided, so whole microseconds give exact seconds).
fn secs(later: Timestamp, earlier: Timestamp) -> f64 {
    later.0.saturating_sub(earlier.0) as f64 / 1e6
}

/// When an inject fired.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fired {
    /// Index of the inject in the MSEL.
    pub inject: usize,
    /// Wall-clock instant it was delivered, µs UTC.
    pub wall: Timestamp,
    /// Scenario time it was delivered, s.
    pub scenario: f64,
}

/// What a player did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Acknowledged an alert (or a message inject).
    Acknowledged,
    /// Opened (raised) an incident.
    OpenedIncident,
    /// Gave a unit a task.
    TaskedUnit,
    /// Anything else worth listing (a verdict, a status change, a CAP message sent).
    Other,
}

impl ActionKind {
    /// The stored and wire name.
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::Acknowledged => "acknowledged",
            ActionKind::OpenedIncident => "opened_incident",
            ActionKind::TaskedUnit => "tasked_unit",
            ActionKind::Other => "other",
        }
    }
}

/// One action of a player during the exercise, with what it relates to. The relation to an
/// inject is found, in this order, from `inject` (an inject id), `alert` (an alert an inject
/// raised, [`AfterActionInput::alerts`]) or `incident` (an incident an inject raised, or one a
/// player opened from such an alert or for such an inject).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlayerEvent {
    /// When, µs UTC.
    pub time: Timestamp,
    /// What.
    pub kind: ActionKind,
    /// Who (`login`).
    pub who: String,
    /// The player's agency id.
    pub agency: String,
    /// The inject it answers, by id, if the player's record names it.
    pub inject: Option<String>,
    /// The alert it concerns (acknowledged; an incident opened from it), if any.
    pub alert: Option<String>,
    /// The incident it concerns (opened; a task given on it), if any.
    pub incident: Option<String>,
    /// A short description for the report ("task T-3 to unit Alpha 1").
    pub detail: String,
}

/// What [`after_action`] needs.
#[derive(Debug, Clone, Copy)]
pub struct AfterActionInput<'a> {
    /// The MSEL played.
    pub msel: &'a Msel,
    /// The injects that fired, with their times.
    pub fired: &'a [Fired],
    /// Alerts raised because of an inject: `(alert id, inject index)` (a CAP inject's alert;
    /// the alerts the monitor raised from a crowd inject's readings).
    pub alerts: &'a [(String, usize)],
    /// Incidents an incident inject created: `(incident id, inject index)`.
    pub incidents: &'a [(String, usize)],
    /// What the players did, in any order.
    pub events: &'a [PlayerEvent],
}

/// One action listed in the after-action report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// When, µs UTC.
    pub time: Timestamp,
    /// Wall seconds after the inject was delivered.
    pub after_s: f64,
    /// What.
    pub kind: ActionKind,
    /// Who.
    pub who: String,
    /// Their agency.
    pub agency: String,
    /// The event's description.
    pub detail: String,
}

/// The after-action line of one inject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InjectOutcome {
    /// Index of the inject in the MSEL.
    pub inject: usize,
    /// Its id.
    pub id: String,
    /// Its planned scenario time, s.
    pub planned: f64,
    /// When it was delivered (wall µs UTC and scenario s), `None` if it never fired.
    pub delivered: Option<(Timestamp, f64)>,
    /// Wall seconds from delivery to the first acknowledgement, `None` if none.
    pub to_acknowledgement: Option<f64>,
    /// Wall seconds from delivery to the first incident opened, `None` if none.
    pub to_incident: Option<f64>,
    /// Wall seconds from delivery to the first task given, `None` if none.
    pub to_task: Option<f64>,
    /// The expected player action (from the MSEL).
    pub expected_action: String,
    /// What the players did about it, in time order (actions before the delivery are left
    /// out: they cannot answer it).
    pub actions: Vec<Action>,
}

/// The timeline of an exercise's injects against what players did: for each inject of the
/// MSEL (in MSEL order), when it was delivered, the wall seconds from delivery to the first
/// acknowledgement, the first incident opened and the first task, and every related action.
///
/// Player events are taken in time order; an event relates to an inject by its `inject` id,
/// else by its `alert` (an alert of [`AfterActionInput::alerts`]), else by its `incident` (an
/// incident of [`AfterActionInput::incidents`], or one opened by an earlier event related to
/// an inject: a task given on an incident opened from an inject's alert counts for that
/// inject). Events related to nothing are left out; an inject that fired twice keeps its first
/// delivery.
pub fn after_action(input: &AfterActionInput) -> Vec<InjectOutcome> {
    let msel = input.msel;
    let mut delivered: Vec<Option<(Timestamp, f64)>> = vec![None; msel.injects.len()];
    for f in input.fired {
        if let Some(d) = delivered.get_mut(f.inject)
            && d.is_none_or(|(w, _)| f.wall < w)
        {
            *d = Some((f.wall, f.scenario));
        }
    }
    let alerts: HashMap<&str, usize> = input.alerts.iter().map(|(a, k)| (a.as_str(), *k)).collect();
    let mut incidents: HashMap<String, usize> = input.incidents.iter().cloned().collect();
    let mut events: Vec<&PlayerEvent> = input.events.iter().collect();
    events.sort_by_key(|e| e.time);
    let mut out: Vec<InjectOutcome> = msel
        .injects
        .iter()
        .enumerate()
        .map(|(k, i)| InjectOutcome {
            inject: k,
            id: i.id.clone(),
            planned: i.at,
            delivered: delivered[k],
            to_acknowledgement: None,
            to_incident: None,
            to_task: None,
            expected_action: i.expected_action.clone(),
            actions: Vec::new(),
        })
        .collect();
    for e in events {
        let k = e
            .inject
            .as_deref()
            .and_then(|id| msel.position(id))
            .or_else(|| e.alert.as_deref().and_then(|a| alerts.get(a).copied()))
            .or_else(|| e.incident.as_ref().and_then(|i| incidents.get(i).copied()));
        let Some(k) = k else { continue };
        if let (ActionKind::OpenedIncident, Some(i)) = (e.kind, &e.incident) {
            incidents.entry(i.clone()).or_insert(k);
        }
        let o = &mut out[k];
        let Some((wall, _)) = o.delivered else {
            continue;
        };
        let after = secs(e.time, wall);
        if after < 0.0 {
            continue;
        }
        let first = match e.kind {
            ActionKind::Acknowledged => Some(&mut o.to_acknowledgement),
            ActionKind::OpenedIncident => Some(&mut o.to_incident),
            ActionKind::TaskedUnit => Some(&mut o.to_task),
            ActionKind::Other => None,
        };
        if let Some(first) = first
            && first.is_none()
        {
            *first = Some(after);
        }
        o.actions.push(Action {
            time: e.time,
            after_s: after,
            kind: e.kind,
            who: e.who.clone(),
            agency: e.agency.clone(),
            detail: e.detail.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests;
