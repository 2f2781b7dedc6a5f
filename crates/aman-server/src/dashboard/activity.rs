//! An entry of an incident's timeline or a unit's activity log in the viewer's language.
//!
//! The store keeps each entry's words as written when it happened (English, the record of
//! the ICS-214 CSV and the audit log) with the record before and after the change
//! ([`aman_store::Event`]). A page describes the change again from those two records in the
//! viewer's language (`act-*` messages): created (reported, or raised from an alert), status
//! from → to, shared, fields edited; a unit's status, position and call sign; a task given to
//! a unit and its states. An entry whose records do not say what changed is shown in its
//! stored words. The stored words stay in the entry's `title`.

use aman_i18n::Arg;
use aman_store::Event;
use serde_json::Value;

use super::Viewer;
use super::html::{esc, num};

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The entry `e` as escaped HTML in `v`'s language, its stored words as the title;
/// `call_sign` names a unit by its id (`None`: the id is shown).
pub fn describe(v: &Viewer, e: &Event, call_sign: &dyn Fn(&str) -> Option<String>) -> String {
    let words = translate(v, e, call_sign).unwrap_or_else(|| e.what.clone());
    format!(
        "<span class=\"activity\" dir=\"auto\" title=\"{}\">{}</span>",
        esc(&e.what),
        esc(&words)
    )
}

fn translate(v: &Viewer, e: &Event, call_sign: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let l = v.l;
    let after = e.after.as_ref()?;
    let before = e.before.as_ref();
    // A task (it names its unit), a unit (its call sign), else an incident.
    if after.get("unit_id").is_some() {
        let unit_id = text(after, "unit_id");
        let unit = call_sign(unit_id).unwrap_or_else(|| unit_id.to_string());
        let args = |state: String| {
            l.t_args(
                if before.is_none() {
                    "act-task-assigned"
                } else {
                    "act-task-state"
                },
                &[
                    ("unit", Arg::Str(&unit)),
                    ("incident", Arg::Str(text(after, "incident_id"))),
                    ("task", Arg::Str(text(after, "id"))),
                    ("state", Arg::Str(&state)),
                ],
            )
        };
        let state = v.t(&format!("task-state-{}", text(after, "state")));
        let mut s = args(state);
        let note = text(after, "note");
        if before.is_none() && !note.is_empty() {
            s = format!("{s} — {note}");
        }
        return Some(s);
    }
    let status = |key: &str, x: &Value| v.t(&format!("{key}-{}", text(x, "status")));
    if after.get("call_sign").is_some() {
        let Some(b) = before else {
            return Some(l.t_args(
                "act-unit-created",
                &[
                    ("unit", Arg::Str(text(after, "call_sign"))),
                    ("status", Arg::Str(&status("unit-status", after))),
                ],
            ));
        };
        let mut parts = Vec::new();
        if b.get("status") != after.get("status") {
            parts.push(l.t_args(
                "act-status",
                &[
                    ("from", Arg::Str(&status("unit-status", b))),
                    ("to", Arg::Str(&status("unit-status", after))),
                ],
            ));
        }
        if b.get("position") != after.get("position") {
            parts.push(position(v, after.get("position")));
        }
        if b.get("call_sign") != after.get("call_sign") {
            parts.push(l.t_args(
                "act-call-sign",
                &[
                    ("from", Arg::Str(text(b, "call_sign"))),
                    ("to", Arg::Str(text(after, "call_sign"))),
                ],
            ));
        }
        if ["leader", "resources", "kind"]
            .iter()
            .any(|k| b.get(*k) != after.get(*k))
        {
            parts.push(v.t("act-details"));
        }
        if parts.is_empty() {
            parts.push(v.t("act-no-change"));
        }
        return Some(parts.join("; "));
    }
    let Some(b) = before else {
        return Some(match after.get("alert_id").and_then(Value::as_str) {
            Some(a) => l.t_args("act-from-alert", &[("alert", Arg::Str(a))]),
            None => v.t("act-reported"),
        });
    };
    Some(if b.get("status") != after.get("status") {
        l.t_args(
            "act-status",
            &[
                ("from", Arg::Str(&status("inc-status", b))),
                ("to", Arg::Str(&status("inc-status", after))),
            ],
        )
    } else if b.get("visibility") != after.get("visibility") {
        v.t("act-shared")
    } else {
        v.t("act-edited")
    })
}

/// A unit's new position: `{"zone": id}`, `{"point": [x, y]}` or none.
fn position(v: &Viewer, p: Option<&Value>) -> String {
    let l = v.l;
    if let Some(z) = p.and_then(|p| p.get("zone")).and_then(Value::as_str) {
        return l.t_args("act-position-zone", &[("zone", Arg::Str(z))]);
    }
    if let Some([x, y]) = p
        .and_then(|p| p.get("point"))
        .and_then(Value::as_array)
        .map(|a| [a.first(), a.get(1)].map(|c| c.and_then(Value::as_f64)))
        && let (Some(x), Some(y)) = (x, y)
    {
        return l.t_args(
            "act-position-point",
            &[
                ("x", Arg::Str(&num(Some(x), 1))),
                ("y", Arg::Str(&num(Some(y), 1))),
            ],
        );
    }
    v.t("act-position-none")
}
