//! Joint operations in the dashboard, incidents and their tasks: the list (`GET /incidents`,
//! filter by status) with the M/ETHANE form of a new incident (`POST /incidents`); an
//! incident's page (`GET /incidents/{id}`: every field, the buttons of the statuses it may
//! move to, the edit form, sharing, the alert it came from, its tasks and the form giving one
//! to a unit, its timeline, the ICS-201 link) and its forms (`POST /incidents/{id}`,
//! `…/status`, `…/share`, `…/tasks`, `POST /tasks/{id}`); and the alert board's one-click
//! incident (`POST /alerts/{id}/incident`).
//!
//! Everything goes through the functions the API uses ([`crate::ops`]) and the store, which
//! filters what the viewer sees: another agency's restricted record answers the page of an
//! unknown id ([`not_found_page`]) and is absent from lists and selects. Bad input answers
//! the page again, 422, with a `.form-error` naming the field in the user's language, and
//! stores nothing; a stale `version` answers 409 saying who changed the record and when, the
//! user's values kept in the form.

use aman_i18n::Arg;
use aman_ops::access::{Action, Visibility};
use aman_ops::incident::{
    Casualties, IncidentFields, MAX_CASUALTIES, STATUSES, Severity, Status, transition_allowed,
};
use aman_ops::record::{FieldError, Location};
use aman_ops::unit::{TaskState, task_transition_allowed};
use aman_store::{Incident, Meta, StoreError, Task, Unit};
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Map;

use super::html::{esc, num};
use super::{
    Viewer, field, form_fields, html_response, layout, not_found_page, open_count, see_other,
};
use crate::app::AppState;
use crate::auth::{Caller, Principal};
use crate::error::AppError;
use crate::exercise::Ctx;
use crate::ops::{actor, check_zone, open_from_alert, owner, seen_incident, store_err};

/// Most incidents the list shows (newest first).
pub const LIST_ROWS: usize = 500;
/// Most units a select or the units page lists.
pub const UNIT_ROWS: usize = 1000;

/// Form fields, as sent.
pub(super) type Fields = [(String, String)];

/// The message id of each form field's label.
fn label_of(name: &str) -> &'static str {
    match name {
        "title" => "inc-title",
        "zone" => "inc-zone",
        "x" => "inc-x",
        "y" => "inc-y",
        "kind" => "inc-kind",
        "hazards" => "inc-hazards",
        "access" => "inc-access",
        "rendezvous" => "inc-rendezvous",
        "immediate" => "inc-immediate",
        "urgent" => "inc-urgent",
        "delayed" => "inc-delayed",
        "dead" => "inc-dead",
        "services_present" => "inc-services-present",
        "services_required" => "inc-services-required",
        "severity" => "severity",
        "situation" => "inc-situation",
        "objectives" => "inc-objectives",
        "actions" => "inc-actions",
        "status" => "status",
        "version" => "inc-version",
        "unit" => "task-unit",
        "description" => "task-description",
        "state" => "task-state",
        "call_sign" => "unit-call-sign",
        "leader" => "unit-leader",
        "resources" => "unit-resources",
        "position" => "unit-position",
        _ => "unit-kind",
    }
}

/// A `.form-error` naming field `name` (its label in the user's language) and the problem
/// `problem` (a message id).
pub(super) fn field_error(v: &Viewer, name: &str, problem: &str) -> String {
    field_error_as(v, name, label_of(name), problem)
}

/// [`field_error`] with the label `label` (a message id).
pub(super) fn field_error_as(v: &Viewer, name: &str, label: &str, problem: &str) -> String {
    format!(
        "<p class=\"form-error\" role=\"alert\" data-field=\"{}\">{}</p>",
        esc(name),
        esc(&v.l.t_args(
            "form-error-field",
            &[
                ("field", Arg::Str(&v.l.t(label))),
                ("problem", Arg::Str(&v.l.t(problem))),
            ]
        ))
    )
}

/// The `.form-error` of a stale version: who changed the record, when, and its version now.
pub(super) fn stale_error(v: &Viewer, meta: &Meta) -> String {
    let time = v.l.date_times(meta.updated_at.0);
    let version = meta.version.to_string();
    format!(
        "<p class=\"form-error stale\" role=\"alert\" data-field=\"version\">{}</p>",
        esc(&v.l.t_args(
            "form-error-stale",
            &[
                ("who", Arg::Str(&meta.updated_by)),
                ("time", Arg::Str(&time)),
                ("version", Arg::Str(&version)),
            ]
        ))
    )
}

/// The form field and message id of a field the domain's checks refuse.
pub(super) fn field_problem(e: &FieldError) -> (&'static str, &'static str) {
    let empty = e.message.starts_with("empty");
    match e.field.as_str() {
        "location.point" | "position" => ("x", "form-error-point"),
        "location.zone" | "position.zone" => ("zone", "form-error-choice"),
        "casualties.immediate" => ("immediate", "form-error-number"),
        "casualties.urgent" => ("urgent", "form-error-number"),
        "casualties.delayed" => ("delayed", "form-error-number"),
        "casualties.dead" => ("dead", "form-error-number"),
        "note" => ("description", "form-error-text"),
        f => {
            let name = [
                "title",
                "kind",
                "hazards",
                "access",
                "rendezvous",
                "services_present",
                "services_required",
                "situation",
                "objectives",
                "actions",
                "call_sign",
                "leader",
                "resources",
            ]
            .into_iter()
            .find(|n| *n == f)
            .unwrap_or("title");
            (
                name,
                if empty {
                    "form-error-required"
                } else {
                    "form-error-text"
                },
            )
        }
    }
}

/// A time as the pages show it: Paris and Casablanca.
pub(super) fn time_cell(v: &Viewer, t: aman_store::Timestamp) -> String {
    format!(
        "<span class=\"time-pair\" data-t=\"{}\">{}</span>",
        t.0,
        esc(&v.l.date_times(t.0))
    )
}

/// The shared or restricted badge.
pub(super) fn badge(v: &Viewer, vis: Visibility) -> String {
    format!(
        "<span class=\"badge vis-{n}\" data-visibility=\"{n}\">{}</span>",
        v.t(&format!("vis-{}", vis.name())),
        n = vis.name()
    )
}

/// A location in words: the zone's name in the user's language, or the point in metres.
pub(super) fn place(app: &AppState, v: &Viewer, loc: &Location) -> String {
    match loc {
        Location::Zone(z) => app
            .venue
            .zone(z)
            .map_or_else(|| esc(z), |(_, zone)| esc(zone.name.get(v.code()))),
        Location::Point([x, y]) => esc(&v.l.t_args(
            "inc-point-at",
            &[
                ("x", Arg::Str(&num(Some(*x), 1))),
                ("y", Arg::Str(&num(Some(*y), 1))),
            ],
        )),
    }
}

/// The venue's zone names in the viewer's language, `{id: name}` as JSON escaped for an
/// attribute (`data-zones`), so the script writes a location pushed live as the page does.
pub(super) fn zone_names(app: &AppState, v: &Viewer) -> String {
    let names: serde_json::Map<String, serde_json::Value> = app
        .venue
        .zones
        .iter()
        .map(|z| (z.id.clone(), z.name.get(v.code()).into()))
        .collect();
    esc(&serde_json::Value::Object(names).to_string())
}

/// Whether the viewer's agency owns a record (a token: the whole server does).
pub(super) fn owns(p: &Principal, meta: &Meta) -> bool {
    match p.viewer() {
        aman_ops::access::Viewer::Agency(a) => a == meta.agency,
        aman_ops::access::Viewer::Server => true,
    }
}

/// The page around `main` with `status`.
pub(super) async fn respond(
    app: &AppState,
    v: &Viewer<'_>,
    page: &str,
    title: &str,
    status: StatusCode,
    main: &str,
) -> Result<Response, AppError> {
    let open = open_count(app).await?;
    Ok(html_response(status, layout(v, page, title, open, main)))
}

/// The 404 page, the same for a record not seen and an id that does not exist.
pub(super) async fn missing(app: &AppState, v: &Viewer<'_>) -> Result<Response, AppError> {
    Ok(not_found_page(v, open_count(app).await?))
}

/// The `version` field of a form.
pub(super) fn version_of(fields: &Fields) -> Option<i64> {
    field(fields, "version")
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|&n| n >= 1)
}

/// `<option>`s of the venue's zones, `chosen` selected, after an empty option `empty`.
pub(super) fn zone_options(app: &AppState, v: &Viewer, chosen: &str, empty: &str) -> String {
    let mut h = format!("<option value=\"\">{}</option>", v.t(empty));
    for z in &app.venue.zones {
        h.push_str(&format!(
            "<option value=\"{id}\"{}>{}</option>",
            if z.id == chosen { " selected" } else { "" },
            esc(z.name.get(v.code())),
            id = esc(&z.id)
        ));
    }
    h
}

/// A location from the `zone`, `x` and `y` fields: a zone of the venue, else a point; none
/// when all three are empty.
pub(super) fn location_of(
    app: &AppState,
    fields: &Fields,
) -> Result<Option<Location>, (&'static str, &'static str)> {
    let zone = field(fields, "zone").unwrap_or("").trim();
    if !zone.is_empty() {
        if app.venue.zone(zone).is_none() {
            return Err(("zone", "form-error-choice"));
        }
        return Ok(Some(Location::Zone(zone.to_string())));
    }
    let x = field(fields, "x").unwrap_or("").trim();
    let y = field(fields, "y").unwrap_or("").trim();
    if x.is_empty() && y.is_empty() {
        return Ok(None);
    }
    match (x.parse::<f64>(), y.parse::<f64>()) {
        (Ok(x), Ok(y)) if x.is_finite() && y.is_finite() => Ok(Some(Location::Point([x, y]))),
        (Ok(_), _) => Err(("y", "form-error-point")),
        _ => Err(("x", "form-error-point")),
    }
}

/// The owning agency of a new record from a form (a person's own; an admin token names it in
/// `agency`, as in the API) and its visibility (`shared` ticked, else restricted).
///
/// # Errors
/// 422 as [`crate::ops::owner`].
pub(super) async fn owner_and_visibility(
    app: &AppState,
    p: &Principal,
    fields: &Fields,
) -> Result<(String, Visibility), AppError> {
    let mut m = Map::new();
    if let Some(a) = field(fields, "agency") {
        m.insert("agency".into(), a.into());
    }
    let agency = owner(app, p, &mut m).await?;
    let vis = if field(fields, "shared").is_some() {
        Visibility::Shared
    } else {
        Visibility::Restricted
    };
    Ok((agency, vis))
}

/// The incident of a form, checked as the API checks it.
fn parse_incident(
    app: &AppState,
    fields: &Fields,
) -> Result<IncidentFields, (&'static str, &'static str)> {
    let text = |name: &str| field(fields, name).unwrap_or("").trim_end().to_string();
    let title = text("title").trim().to_string();
    if title.is_empty() {
        return Err(("title", "form-error-required"));
    }
    let location = location_of(app, fields)?.ok_or(("zone", "form-error-required"))?;
    let severity = Severity::from_cap(field(fields, "severity").unwrap_or(""))
        .ok_or(("severity", "form-error-choice"))?;
    let count = |name: &'static str| -> Result<u32, (&'static str, &'static str)> {
        let s = field(fields, name).unwrap_or("").trim();
        if s.is_empty() {
            return Ok(0);
        }
        s.parse::<u32>()
            .ok()
            .filter(|&n| n <= MAX_CASUALTIES)
            .ok_or((name, "form-error-number"))
    };
    let f = IncidentFields {
        title,
        major_incident: matches!(field(fields, "major_incident"), Some("1" | "on" | "true")),
        location,
        kind: text("kind"),
        hazards: text("hazards"),
        access: text("access"),
        rendezvous: text("rendezvous"),
        casualties: Casualties {
            immediate: count("immediate")?,
            urgent: count("urgent")?,
            delayed: count("delayed")?,
            dead: count("dead")?,
        },
        services_present: text("services_present"),
        services_required: text("services_required"),
        severity,
        situation: text("situation"),
        objectives: text("objectives"),
        actions: text("actions"),
    };
    f.check().map_err(|e| field_problem(&e))?;
    check_zone(app, Some(&f.location), "location.zone")
        .map_err(|_| ("zone", "form-error-choice"))?;
    Ok(f)
}

/// An `<input>` (or a `<textarea>` when `rows` > 0) in its label.
pub(super) fn input(v: &Viewer, name: &str, value: &str, kind: &str, rows: usize) -> String {
    let label = v.t(label_of(name));
    if rows > 0 {
        format!(
            "<label>{label}<textarea name=\"{name}\" rows=\"{rows}\">{}</textarea></label>",
            esc(value)
        )
    } else {
        format!(
            "<label>{label}<input type=\"{kind}\" name=\"{name}\" value=\"{}\"{}></label>",
            esc(value),
            if kind == "number" {
                " min=\"0\" step=\"1\" inputmode=\"numeric\" dir=\"ltr\""
            } else {
                ""
            }
        )
    }
}

/// The M/ETHANE form: a new incident (`cur` none) or the edit of `cur`; the user's `draft`
/// values win over the record's.
#[allow(clippy::too_many_arguments)]
fn incident_form(
    app: &AppState,
    v: &Viewer,
    form_id: &str,
    action: &str,
    cur: Option<&Incident>,
    draft: Option<&Fields>,
    error: &str,
) -> String {
    let f = cur.map(|i| &i.fields);
    let val = |name: &str, dflt: String| -> String {
        draft
            .and_then(|d| field(d, name))
            .map_or(dflt, str::to_string)
    };
    let text = |name: &str, get: fn(&IncidentFields) -> &String| {
        val(name, f.map(|f| get(f).clone()).unwrap_or_default())
    };
    let (zone, x, y) = match f.map(|f| &f.location) {
        Some(Location::Zone(z)) => (z.clone(), String::new(), String::new()),
        Some(Location::Point([x, y])) => (String::new(), x.to_string(), y.to_string()),
        None => (String::new(), String::new(), String::new()),
    };
    let c = f.map(|f| f.casualties).unwrap_or_default();
    let mut h = format!(
        "<form id=\"{form_id}\" class=\"incident-form\" method=\"post\" action=\"{}\">{}",
        esc(action),
        v.csrf_field()
    );
    if let Some(i) = cur {
        // The record's version: after a conflict, the user's values are sent again on the
        // version they have now seen.
        h.push_str(&format!(
            "<input type=\"hidden\" name=\"version\" value=\"{}\">",
            i.meta.version
        ));
    }
    h.push_str(error);
    h.push_str("<div class=\"grid\">");
    h.push_str(&input(v, "title", &text("title", |f| &f.title), "text", 0));
    let major = match draft {
        Some(d) => matches!(field(d, "major_incident"), Some("1" | "on" | "true")),
        None => f.is_some_and(|f| f.major_incident),
    };
    h.push_str(&format!(
        "<label class=\"check\"><input type=\"checkbox\" name=\"major_incident\" value=\"1\"{}> {}</label>",
        if major { " checked" } else { "" },
        v.t("inc-major")
    ));
    let chosen_sev = val(
        "severity",
        f.map_or("moderate", |f| f.severity.name()).into(),
    );
    h.push_str(&format!(
        "<label>{}<select name=\"severity\">",
        v.t("severity")
    ));
    for s in [
        Severity::Minor,
        Severity::Moderate,
        Severity::Severe,
        Severity::Extreme,
    ] {
        h.push_str(&format!(
            "<option value=\"{n}\"{}>{}</option>",
            if chosen_sev == s.name() {
                " selected"
            } else {
                ""
            },
            v.t(&format!("severity-{}", s.name())),
            n = s.name()
        ));
    }
    h.push_str("</select></label>");
    h.push_str(&input(v, "kind", &text("kind", |f| &f.kind), "text", 0));
    h.push_str(&format!(
        "</div><fieldset><legend>{}</legend><label>{}<select name=\"zone\">{}</select></label>\
         <span class=\"point\">{}{}{}</span></fieldset>",
        v.t("inc-location"),
        v.t("inc-zone"),
        zone_options(app, v, &val("zone", zone), "inc-point-instead"),
        v.t("inc-point"),
        input(v, "x", &val("x", x), "text", 0),
        input(v, "y", &val("y", y), "text", 0),
    ));
    h.push_str(&format!(
        "<fieldset><legend>{}</legend>",
        v.t("inc-casualties")
    ));
    for (name, n) in [
        ("immediate", c.immediate),
        ("urgent", c.urgent),
        ("delayed", c.delayed),
        ("dead", c.dead),
    ] {
        h.push_str(&input(v, name, &val(name, n.to_string()), "number", 0));
    }
    h.push_str("</fieldset><div class=\"grid\">");
    for (name, get) in [
        (
            "hazards",
            (|f: &IncidentFields| &f.hazards) as fn(&IncidentFields) -> &String,
        ),
        ("access", |f| &f.access),
        ("rendezvous", |f| &f.rendezvous),
        ("services_present", |f| &f.services_present),
        ("services_required", |f| &f.services_required),
        ("situation", |f| &f.situation),
        ("objectives", |f| &f.objectives),
        ("actions", |f| &f.actions),
    ] {
        h.push_str(&input(v, name, &text(name, get), "text", 2));
    }
    h.push_str("</div>");
    if cur.is_none() {
        let shared = draft.is_some_and(|d| field(d, "shared").is_some());
        h.push_str(&format!(
            "<label class=\"check\"><input type=\"checkbox\" name=\"shared\" value=\"1\"{}> {}</label>",
            if shared { " checked" } else { "" },
            v.t("inc-shared")
        ));
    }
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        v.t(if cur.is_some() {
            "inc-save"
        } else {
            "inc-create"
        })
    ));
    h
}

// ----- the list -----

/// Query of `GET /incidents`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `reported`, `confirmed`, `responding`, `contained`, `closed`, or empty for all.
    pub status: Option<String>,
}

async fn list_main(
    app: &AppState,
    v: &Viewer<'_>,
    p: &Principal,
    status: Option<&str>,
    form: Option<(&Fields, String)>,
) -> Result<(String, bool), AppError> {
    let mut ok = true;
    let mut m = format!(
        "<section class=\"panel\"><h1>{}</h1>\
         <form id=\"incident-filter\" method=\"get\" action=\"/incidents\" class=\"filters\">\
         <label>{}<select name=\"status\"><option value=\"\">{}</option>",
        v.t("nav-incidents"),
        v.t("status"),
        v.t("filter-all")
    );
    for s in STATUSES {
        m.push_str(&format!(
            "<option value=\"{n}\"{}>{}</option>",
            if status == Some(s.name()) {
                " selected"
            } else {
                ""
            },
            v.t(&format!("inc-status-{}", s.name())),
            n = s.name()
        ));
    }
    m.push_str(&format!(
        "</select></label><button type=\"submit\">{}</button></form>",
        v.t("filter-apply")
    ));
    let wanted = match status {
        None => None,
        Some(s) => match Status::parse(s) {
            Some(s) => Some(s),
            None => {
                ok = false;
                m.push_str(&field_error(v, "status", "form-error-choice"));
                None
            }
        },
    };
    let (list, _) = app
        .store
        .incidents(p.viewer(), LIST_ROWS)
        .await
        .map_err(store_err)?;
    let rows: Vec<&Incident> = list
        .iter()
        .filter(|i| wanted.is_none_or(|s| i.status == s))
        .collect();
    m.push_str(&format!(
        "<p class=\"count\" data-n=\"{}\">{}</p><table id=\"incidents\" data-filter=\"{}\" \
         data-zones=\"{}\"><thead><tr><th>{}</th>\
         <th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
         </tr></thead><tbody>",
        rows.len(),
        esc(&v.l.count("incidents-listed", rows.len() as u64)),
        wanted.map_or("", |s| s.name()),
        zone_names(app, v),
        v.t("inc-id"),
        v.t("inc-title"),
        v.t("inc-kind"),
        v.t("severity"),
        v.t("status"),
        v.t("inc-location"),
        v.t("inc-agency"),
        v.t("vis-shared"),
        v.t("inc-updated"),
    ));
    for i in &rows {
        m.push_str(&format!(
            "<tr data-incident=\"{id}\" data-status=\"{st}\" data-severity=\"{sev}\">\
             <td><a href=\"/incidents/{id}\" dir=\"ltr\">{id}</a></td><td>{}</td><td>{}</td>\
             <td class=\"sev\">{}</td><td>{}</td><td>{}</td><td dir=\"ltr\">{}</td><td>{}</td>\
             <td>{}</td></tr>",
            esc(&i.fields.title),
            esc(&i.fields.kind),
            v.t(&format!("severity-{}", i.fields.severity.name())),
            v.t(&format!("inc-status-{}", i.status.name())),
            place(app, v, &i.fields.location),
            esc(&i.meta.agency),
            badge(v, i.meta.visibility),
            time_cell(v, i.meta.updated_at),
            id = esc(&i.meta.id),
            st = i.status.name(),
            sev = i.fields.severity.name(),
        ));
    }
    m.push_str("</tbody></table>");
    if rows.is_empty() {
        m.push_str(&format!("<p class=\"ops-empty\">{}</p>", v.t("inc-none")));
    }
    m.push_str("</section>");
    if v.may(Action::ManageIncidents) {
        let (draft, error) = match &form {
            Some((d, e)) => (Some(*d), e.as_str()),
            None => (None, ""),
        };
        m.push_str(&format!(
            "<section class=\"panel\"><h2>{}</h2>{}</section>",
            v.t("inc-new"),
            incident_form(app, v, "incident-form", "/incidents", None, draft, error)
        ));
    }
    Ok((m, ok))
}

/// `GET /incidents`: the incidents the viewer sees (their agency's and the shared ones),
/// newest first, filtered by status; the new incident form for who may raise one.
pub async fn list(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let status = q.status.as_deref().filter(|s| !s.is_empty());
    let (main, ok) = list_main(&app, &v, &p, status, None).await?;
    let code = if ok {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    respond(&app, &v, "incidents", &v.l.t("nav-incidents"), code, &main).await
}

/// `POST /incidents`: raises an incident from the M/ETHANE form (restricted to the agency
/// unless `shared`), then to its page (303).
pub async fn create(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let fields = form_fields(&headers, &body)?;
    let refuse = |name: &str, problem: &str| field_error(&v, name, problem);
    let error = match parse_incident(&app, &fields) {
        Ok(f) => {
            let (agency, vis) = owner_and_visibility(&app, &p, &fields).await?;
            match app
                .store
                .create_incident(&actor(&p), &agency, vis, &f, None)
                .await
            {
                Ok(inc) => return Ok(see_other(&format!("/incidents/{}", inc.meta.id))),
                Err(StoreError::Invalid { field, message }) => {
                    let (name, problem) = field_problem(&FieldError { field, message });
                    refuse(name, problem)
                }
                Err(e) => return Err(store_err(e)),
            }
        }
        Err((name, problem)) => refuse(name, problem),
    };
    let (main, _) = list_main(&app, &v, &p, None, Some((&fields, error))).await?;
    respond(
        &app,
        &v,
        "incidents",
        &v.l.t("nav-incidents"),
        StatusCode::UNPROCESSABLE_ENTITY,
        &main,
    )
    .await
}

// ----- one incident -----

/// A form's error on the incident page: which form (`edit`, `status`, `share`, `task`, or a
/// task's id), its HTML, and the user's values.
pub(super) struct PageError<'a> {
    form: String,
    html: String,
    draft: Option<&'a Fields>,
}

fn error_for<'a>(err: &'a Option<PageError<'_>>, form: &str) -> &'a str {
    err.as_ref()
        .filter(|e| e.form == form)
        .map_or("", |e| e.html.as_str())
}

async fn incident_main(
    app: &AppState,
    v: &Viewer<'_>,
    p: &Principal,
    inc: &Incident,
    err: Option<PageError<'_>>,
) -> Result<String, AppError> {
    let id = &inc.meta.id;
    let f = &inc.fields;
    let mut m = format!(
        "<section class=\"panel incident\" data-incident=\"{eid}\" data-version=\"{}\">\
         <h1 dir=\"auto\">{}</h1><p class=\"incident-head\"><span id=\"incident-status\" class=\"status-badge\" \
         data-status=\"{st}\">{}</span> <span class=\"sev\" data-severity=\"{sev}\">{}</span> {} \
         <span dir=\"ltr\">{eid}</span> · <span dir=\"ltr\">{}</span></p>",
        inc.meta.version,
        esc(&f.title),
        v.t(&format!("inc-status-{}", inc.status.name())),
        v.t(&format!("severity-{}", f.severity.name())),
        badge(v, inc.meta.visibility),
        esc(&inc.meta.agency),
        eid = esc(id),
        st = inc.status.name(),
        sev = f.severity.name(),
    );
    // Status buttons: the statuses the lifecycle allows from here.
    if v.may(Action::ManageIncidents) {
        let next: Vec<Status> = STATUSES
            .into_iter()
            .filter(|s| transition_allowed(inc.status, *s))
            .collect();
        if !next.is_empty() {
            m.push_str(&format!(
                "<form class=\"status-form\" method=\"post\" action=\"/incidents/{eid}/status\">{}\
                 <input type=\"hidden\" name=\"version\" value=\"{}\"><span>{}</span> ",
                v.csrf_field(),
                inc.meta.version,
                v.t("inc-status-to"),
                eid = esc(id)
            ));
            for s in next {
                m.push_str(&format!(
                    "<button type=\"submit\" name=\"status\" value=\"{n}\">{}</button> ",
                    v.t(&format!("inc-status-{}", s.name())),
                    n = s.name()
                ));
            }
            m.push_str(error_for(&err, "status"));
            m.push_str("</form>");
        }
    }
    if v.may(Action::ShareRecord)
        && inc.meta.visibility == Visibility::Restricted
        && owns(p, &inc.meta)
    {
        m.push_str(&format!(
            "<form class=\"share-form\" method=\"post\" action=\"/incidents/{}/share\">{}\
             <button type=\"submit\">{}</button>{}</form>",
            esc(id),
            v.csrf_field(),
            v.t("inc-share"),
            error_for(&err, "share")
        ));
    }
    // Every field.
    let c = &f.casualties;
    let yes_no = |b: bool| v.t(if b { "inc-yes" } else { "inc-no" });
    let mut dl = String::from("<dl class=\"fields\">");
    let mut item = |label: &str, value: String| {
        dl.push_str(&format!(
            "<dt>{}</dt><dd dir=\"auto\">{value}</dd>",
            v.t(label)
        ));
    };
    item("inc-major", yes_no(f.major_incident));
    item("inc-location", place(app, v, &f.location));
    item("inc-kind", esc(&f.kind));
    item("inc-hazards", esc(&f.hazards));
    item("inc-access", esc(&f.access));
    item("inc-rendezvous", esc(&f.rendezvous));
    item(
        "inc-casualties",
        format!(
            "<span class=\"casualties\" data-immediate=\"{a}\" data-urgent=\"{b}\" \
             data-delayed=\"{c}\" data-dead=\"{d}\">{} {a} · {} {b} · {} {c} · {} {d}</span>",
            v.t("inc-immediate"),
            v.t("inc-urgent"),
            v.t("inc-delayed"),
            v.t("inc-dead"),
            a = c.immediate,
            b = c.urgent,
            c = c.delayed,
            d = c.dead
        ),
    );
    item("inc-services-present", esc(&f.services_present));
    item("inc-services-required", esc(&f.services_required));
    item("inc-situation", esc(&f.situation));
    item("inc-objectives", esc(&f.objectives));
    item("inc-actions", esc(&f.actions));
    item(
        "inc-created",
        format!(
            "{} · {}",
            time_cell(v, inc.meta.created_at),
            esc(&inc.meta.created_by)
        ),
    );
    item(
        "inc-updated",
        format!(
            "{} · {}",
            time_cell(v, inc.meta.updated_at),
            esc(&inc.meta.updated_by)
        ),
    );
    item("inc-version", inc.meta.version.to_string());
    if let Some(a) = &inc.alert_id {
        item(
            "inc-from-alert",
            format!(
                "<a class=\"from-alert\" href=\"/alerts\" dir=\"ltr\" data-from-alert=\"{a}\">{a}</a>",
                a = esc(a)
            ),
        );
    }
    dl.push_str("</dl>");
    m.push_str(&dl);
    m.push_str(&format!(
        "<p><a class=\"ics201\" href=\"/incidents/{}/ics201\">{}</a></p></section>",
        esc(id),
        v.t("inc-ics201")
    ));
    // Tasks.
    let (units, _) = app
        .store
        .units(p.viewer(), UNIT_ROWS)
        .await
        .map_err(store_err)?;
    let tasks = app
        .store
        .tasks_of(Some(id), None, p.viewer())
        .await
        .map_err(store_err)?;
    m.push_str(&tasks_table(v, id, &units, &tasks, &err));
    if v.may(Action::TaskUnits) && inc.status != Status::Closed {
        let draft = err
            .as_ref()
            .filter(|e| e.form == "task")
            .and_then(|e| e.draft);
        let chosen = draft.and_then(|d| field(d, "unit")).unwrap_or("");
        let note = draft.and_then(|d| field(d, "description")).unwrap_or("");
        let mut h = format!(
            "<form id=\"task-form\" method=\"post\" action=\"/incidents/{}/tasks\">{}{}\
             <label>{}<select name=\"unit\"><option value=\"\">{}</option>",
            esc(id),
            v.csrf_field(),
            error_for(&err, "task"),
            v.t("task-unit"),
            v.t("task-choose-unit")
        );
        // A unit of another agency takes a task only on a shared incident
        // (`Store::create_task`): on a restricted one the list offers the agency's own.
        let takes = |u: &&Unit| {
            u.meta.agency == inc.meta.agency || inc.meta.visibility == Visibility::Shared
        };
        for u in units.iter().filter(takes) {
            h.push_str(&format!(
                "<option value=\"{uid}\"{}>{} · {}</option>",
                if u.meta.id == chosen { " selected" } else { "" },
                esc(&u.fields.call_sign),
                esc(&u.meta.agency),
                uid = esc(&u.meta.id)
            ));
        }
        h.push_str(&format!(
            "</select></label><label>{}<textarea name=\"description\" rows=\"2\">{}</textarea>\
             </label><button type=\"submit\">{}</button></form>",
            v.t("task-description"),
            esc(note),
            v.t("task-create")
        ));
        m.push_str(&h);
    }
    m.push_str("</section>");
    // The edit form.
    if v.may(Action::ManageIncidents) {
        let draft = err
            .as_ref()
            .filter(|e| e.form == "edit")
            .and_then(|e| e.draft);
        m.push_str(&format!(
            "<section class=\"panel\"><h2>{}</h2>{}</section>",
            v.t("inc-edit"),
            incident_form(
                app,
                v,
                "incident-edit",
                &format!("/incidents/{id}"),
                Some(inc),
                draft,
                error_for(&err, "edit")
            )
        ));
    }
    // The timeline.
    let events = app
        .store
        .incident_events(id, p.viewer())
        .await
        .map_err(store_err)?;
    m.push_str(&format!(
        "<section class=\"panel\"><h2>{}</h2><table id=\"timeline\"><thead><tr><th>{}</th>\
         <th>{}</th><th>{}</th></tr></thead><tbody>",
        v.t("inc-timeline"),
        v.t("inc-updated"),
        v.t("inc-by"),
        v.t("inc-what")
    ));
    let call_sign = |id: &str| {
        units
            .iter()
            .find(|u| u.meta.id == id)
            .map(|u| u.fields.call_sign.clone())
    };
    for e in &events {
        m.push_str(&format!(
            "<tr data-n=\"{}\"><td>{}</td><td dir=\"auto\">{}</td><td>{}</td></tr>",
            e.n,
            time_cell(v, e.at),
            esc(&e.actor),
            super::activity::describe(v, e, &call_sign)
        ));
    }
    m.push_str("</tbody></table></section>");
    Ok(m)
}

/// The tasks of incident `incident`. The table carries the incident's id and the units' names
/// (`data-units`: `{id: "call sign · agency"}`), for the tasks pushed live.
fn tasks_table(
    v: &Viewer,
    incident: &str,
    units: &[Unit],
    tasks: &[Task],
    err: &Option<PageError<'_>>,
) -> String {
    let names: serde_json::Map<String, serde_json::Value> = units
        .iter()
        .map(|u| {
            (
                u.meta.id.clone(),
                format!("{} · {}", u.fields.call_sign, u.meta.agency).into(),
            )
        })
        .collect();
    let mut h = format!(
        "<section class=\"panel\"><h2>{}</h2><table id=\"tasks\" data-incident=\"{}\" \
         data-units=\"{}\"><thead><tr><th>{}</th><th>{}</th>\
         <th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        v.t("inc-tasks"),
        esc(incident),
        esc(&serde_json::Value::Object(names).to_string()),
        v.t("task-unit"),
        v.t("task-description"),
        v.t("task-state"),
        v.t("inc-updated"),
        v.t("actions"),
    );
    for t in tasks {
        let unit = units.iter().find(|u| u.meta.id == t.unit_id).map_or_else(
            || esc(&t.unit_id),
            |u| format!("{} · {}", esc(&u.fields.call_sign), esc(&u.meta.agency)),
        );
        h.push_str(&format!(
            "<tr data-task=\"{tid}\" data-state=\"{st}\" data-unit=\"{}\"><td dir=\"auto\">{unit}</td>\
             <td>{}</td><td class=\"state\">{}</td><td>{}</td><td>",
            esc(&t.unit_id),
            esc(&t.note),
            v.t(&format!("task-state-{}", t.state.name())),
            time_cell(v, t.meta.updated_at),
            tid = esc(&t.meta.id),
            st = t.state.name(),
        ));
        let next: Vec<TaskState> = [
            TaskState::Accepted,
            TaskState::EnRoute,
            TaskState::OnScene,
            TaskState::Done,
            TaskState::Cancelled,
        ]
        .into_iter()
        .filter(|s| task_transition_allowed(t.state, *s))
        .collect();
        if v.may(Action::TaskUnits) && !next.is_empty() {
            h.push_str(&format!(
                "<form class=\"task-state-form\" method=\"post\" action=\"/tasks/{}\">{}\
                 <input type=\"hidden\" name=\"version\" value=\"{}\">",
                esc(&t.meta.id),
                v.csrf_field(),
                t.meta.version
            ));
            for s in next {
                h.push_str(&format!(
                    "<button type=\"submit\" name=\"state\" value=\"{n}\">{}</button> ",
                    v.t(&format!("task-state-{}", s.name())),
                    n = s.name()
                ));
            }
            h.push_str(error_for(err, &t.meta.id));
            h.push_str("</form>");
        }
        h.push_str("</td></tr>");
    }
    h.push_str("</tbody></table>");
    if tasks.is_empty() {
        h.push_str(&format!(
            "<p class=\"ops-empty\">{}</p>",
            v.t("inc-no-tasks")
        ));
    }
    h
}

/// The incident page with `status` and a form's error.
async fn incident_page(
    app: &AppState,
    v: &Viewer<'_>,
    p: &Principal,
    inc: &Incident,
    status: StatusCode,
    err: Option<PageError<'_>>,
) -> Result<Response, AppError> {
    let main = incident_main(app, v, p, inc, err).await?;
    respond(app, v, "incidents", &inc.fields.title, status, &main).await
}

/// The incident page again with `status` and the error `html` on form `form` (`edit`,
/// `status`, `share`, `task`, or a task's id), the user's values `draft` kept.
#[allow(clippy::too_many_arguments)]
async fn refused(
    app: &AppState,
    v: &Viewer<'_>,
    p: &Principal,
    inc: &Incident,
    status: StatusCode,
    form: &str,
    html: String,
    draft: Option<&Fields>,
) -> Result<Response, AppError> {
    let err = PageError {
        form: form.to_string(),
        html,
        draft,
    };
    incident_page(app, v, p, inc, status, Some(err)).await
}

/// Incident `id` as the viewer sees it, or `None` (not seen, or no such id: the same).
async fn find(
    app: &AppState,
    p: &Principal,
    id: &str,
    read: Option<&str>,
) -> Result<Option<Incident>, AppError> {
    let found = match read {
        Some(read) => seen_incident(app, p, id, read).await,
        None => app
            .store
            .incident(id, p.viewer())
            .await
            .map_err(store_err)?
            .ok_or_else(|| AppError::NotFound(String::new())),
    };
    match found {
        Ok(i) => Ok(Some(i)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `GET /incidents/{id}`: the incident (404, as an unknown id, when not seen).
pub async fn page(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let Some(inc) = find(&app, &p, &id, Some("incident.read")).await? else {
        return missing(&app, &v).await;
    };
    incident_page(&app, &v, &p, &inc, StatusCode::OK, None).await
}

/// `POST /incidents/{id}`: the edit form, with the `version` read.
pub async fn edit(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let fields = form_fields(&headers, &body)?;
    let Some(inc) = find(&app, &p, &id, None).await? else {
        return missing(&app, &v).await;
    };
    let problem = match (version_of(&fields), parse_incident(&app, &fields)) {
        (None, _) => ("version", "form-error-required"),
        (_, Err(e)) => e,
        (Some(version), Ok(f)) => {
            match app
                .store
                .update_incident(&actor(&p), &id, version, &f)
                .await
            {
                Ok(_) => return Ok(see_other(&format!("/incidents/{id}"))),
                Err(StoreError::Conflict(_)) => {
                    let now = find(&app, &p, &id, None).await?.unwrap_or(inc);
                    return refused(
                        &app,
                        &v,
                        &p,
                        &now,
                        StatusCode::CONFLICT,
                        "edit",
                        stale_error(&v, &now.meta),
                        Some(&fields),
                    )
                    .await;
                }
                Err(StoreError::NotFound { .. }) => return missing(&app, &v).await,
                Err(StoreError::Invalid { field, message }) => {
                    field_problem(&FieldError { field, message })
                }
                Err(e) => return Err(store_err(e)),
            }
        }
    };
    refused(
        &app,
        &v,
        &p,
        &inc,
        StatusCode::UNPROCESSABLE_ENTITY,
        "edit",
        field_error(&v, problem.0, problem.1),
        Some(&fields),
    )
    .await
}

/// `POST /incidents/{id}/status`: `status` (one the lifecycle allows) and `version`.
pub async fn set_status(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let fields = form_fields(&headers, &body)?;
    let Some(inc) = find(&app, &p, &id, None).await? else {
        return missing(&app, &v).await;
    };
    let problem = match field(&fields, "status").and_then(Status::parse) {
        None => field_error(&v, "status", "form-error-choice"),
        Some(s) => {
            match app
                .store
                .set_incident_status(&actor(&p), &id, version_of(&fields), s)
                .await
            {
                Ok(_) => return Ok(see_other(&format!("/incidents/{id}"))),
                Err(StoreError::Conflict(_)) => {
                    let now = find(&app, &p, &id, None).await?.unwrap_or(inc);
                    return refused(
                        &app,
                        &v,
                        &p,
                        &now,
                        StatusCode::CONFLICT,
                        "status",
                        stale_error(&v, &now.meta),
                        None,
                    )
                    .await;
                }
                Err(StoreError::NotFound { .. }) => return missing(&app, &v).await,
                Err(StoreError::Invalid { .. }) => {
                    field_error(&v, "status", "form-error-transition")
                }
                Err(e) => return Err(store_err(e)),
            }
        }
    };
    refused(
        &app,
        &v,
        &p,
        &inc,
        StatusCode::UNPROCESSABLE_ENTITY,
        "status",
        problem,
        None,
    )
    .await
}

/// `POST /incidents/{id}/share`: a commander shares their agency's restricted incident with
/// the joint command.
pub async fn share(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    if find(&app, &p, &id, None).await?.is_none() {
        return missing(&app, &v).await;
    }
    match app.store.share_incident(&actor(&p), &id).await {
        Ok(_) => Ok(see_other(&format!("/incidents/{id}"))),
        Err(StoreError::NotFound { .. }) => missing(&app, &v).await,
        Err(e) => Err(store_err(e)),
    }
}

/// `POST /incidents/{id}/tasks`: gives a task (`description`) to a `unit` the viewer sees.
pub async fn create_task(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let fields = form_fields(&headers, &body)?;
    let Some(inc) = find(&app, &p, &id, None).await? else {
        return missing(&app, &v).await;
    };
    let unit = field(&fields, "unit").unwrap_or("").trim();
    let note = field(&fields, "description").unwrap_or("").trim_end();
    let problem = if unit.is_empty() {
        field_error(&v, "unit", "form-error-required")
    } else if app
        .store
        .unit(unit, p.viewer())
        .await
        .map_err(store_err)?
        .is_none()
    {
        field_error(&v, "unit", "form-error-choice")
    } else {
        match app.store.create_task(&actor(&p), &id, unit, note).await {
            Ok(_) => return Ok(see_other(&format!("/incidents/{id}"))),
            Err(StoreError::Invalid { field, message }) => {
                let (name, problem) = field_problem(&FieldError { field, message });
                field_error(&v, name, problem)
            }
            Err(StoreError::Conflict(_)) => field_error(&v, "unit", "form-error-task-refused"),
            Err(StoreError::NotFound { .. }) => field_error(&v, "unit", "form-error-choice"),
            Err(e) => return Err(store_err(e)),
        }
    };
    refused(
        &app,
        &v,
        &p,
        &inc,
        StatusCode::UNPROCESSABLE_ENTITY,
        "task",
        problem,
        Some(&fields),
    )
    .await
}

/// `POST /tasks/{id}`: moves a task to `state` (one its lifecycle allows), with `version`.
pub async fn task_state(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let fields = form_fields(&headers, &body)?;
    let Some(task) = app.store.task(&id, p.viewer()).await.map_err(store_err)? else {
        return missing(&app, &v).await;
    };
    let Some(inc) = find(&app, &p, &task.incident_id, None).await? else {
        return missing(&app, &v).await;
    };
    let state: Option<TaskState> = field(&fields, "state")
        .and_then(|s| serde_json::from_value(serde_json::Value::String(s.into())).ok());
    let (status, html) = match (state, version_of(&fields)) {
        (None, _) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_error(&v, "state", "form-error-choice"),
        ),
        (_, None) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_error(&v, "version", "form-error-required"),
        ),
        (Some(s), Some(version)) => {
            match app.store.update_task(&actor(&p), &id, version, s).await {
                Ok(_) => return Ok(see_other(&format!("/incidents/{}", inc.meta.id))),
                Err(StoreError::Conflict(_)) => {
                    let now = app
                        .store
                        .task(&id, p.viewer())
                        .await
                        .map_err(store_err)?
                        .unwrap_or(task);
                    (StatusCode::CONFLICT, stale_error(&v, &now.meta))
                }
                Err(StoreError::NotFound { .. }) => return missing(&app, &v).await,
                Err(StoreError::Invalid { .. }) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    field_error(&v, "state", "form-error-transition"),
                ),
                Err(e) => return Err(store_err(e)),
            }
        }
    };
    refused(&app, &v, &p, &inc, status, &id, html, None).await
}

/// `POST /alerts/{id}/incident`: the alert board's one click: an incident of the viewer's
/// agency raised from the alert (zone, time, severity and figures carried over, as the
/// API's [`crate::ops::from_alert`]), then to its page (303).
pub async fn from_alert(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let Some(alert) = app
        .store
        .alert(&id)
        .await?
        .filter(|a| a.venue == app.venue.id)
    else {
        return missing(&app, &v).await;
    };
    let agency = owner(&app, &p, &mut Map::new()).await?;
    let inc = open_from_alert(&app, &p, &alert, &agency, Visibility::Restricted, None, v.l).await?;
    Ok(see_other(&format!("/incidents/{}", inc.meta.id)))
}
