//! Joint operations over the API: incidents (M/ETHANE, [`aman_ops::incident`]), units and
//! their tasks ([`aman_ops::unit`]), sharing between the two agencies, and the ICS-214
//! activity log as CSV (the printable ICS-201 and ICS-214 pages are the dashboard's,
//! [`crate::dashboard::ics`]).
//!
//! - A restricted record of another agency answers **404 with the same body as an id that
//!   does not exist**, and is absent from lists and counts (filtered in SQL by the store).
//! - Updates carry the `version` read: another change in between answers **409** naming who
//!   made it and when, and nothing is changed.
//! - Every write appends its audit entry in its own transaction (the store's `audited!`);
//!   a read of a restricted record appends `incident.read`, `unit.read` or
//!   `unit.ics214`/`incident.ics201`.
//! - Bodies are at most [`MAX_OPS_BODY`] bytes; a field that does not fit answers 422
//!   naming it; nothing is stored half.
//! - Every change is pushed on the live channel (`GET /api/v1/live`, [`crate::live`]) to
//!   the subscribers who may see the record only, by the store after its commit.

use aman_i18n::Arg;
use aman_ops::access::{Viewer, Visibility};
use aman_ops::incident::{IncidentFields, Severity, Status};
use aman_ops::record::Location;
use aman_ops::unit::{TaskState, UnitFields};
use aman_store::{Actor, Incident, StoreError, Task, Unit};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::{AppState, now};
use crate::auth::{Caller, Principal};
use crate::error::AppError;
use crate::exercise::Ctx;

/// Largest body of an incident, unit or task request, bytes.
pub const MAX_OPS_BODY: usize = 64 << 10;
/// Most records one list returns (default 100).
pub const MAX_OPS_LIST: usize = 1000;

/// The store's actor of a write by `p`, now.
pub(crate) fn actor(p: &Principal) -> Actor {
    let (label, agency) = crate::audit::actor(p);
    Actor {
        label,
        agency,
        at: now(),
    }
}

/// A store error as the API's: not found → 404, conflict → 409, invalid → 422 naming the
/// field, anything else 503.
pub(crate) fn store_err(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound { what } => AppError::NotFound(format!(
            "{} not found",
            crate::error::bounded(&what, 2 * crate::error::ECHO_CHARS)
        )),
        StoreError::Conflict(m) => AppError::Conflict(m),
        StoreError::Invalid { field, message } => AppError::Unprocessable {
            message: format!("{field}: {message}"),
            field: Some(field),
        },
        other => other.into(),
    }
}

pub(crate) fn not_found(kind: &str, id: &str) -> AppError {
    store_err(StoreError::NotFound {
        what: format!("{kind} {id:?}"),
    })
}

pub(crate) fn path(p: Result<Path<String>, PathRejection>) -> Result<String, AppError> {
    p.map(|Path(s)| s).map_err(|e| AppError::BadRequest {
        message: format!("path: {e}"),
        field: None,
    })
}

/// The body as a JSON object (at most [`MAX_OPS_BODY`] bytes).
fn object(body: &Bytes, expected: &str) -> Result<Map<String, Value>, AppError> {
    if body.len() > MAX_OPS_BODY {
        return Err(AppError::TooLarge(format!(
            "this body has {} bytes: at most {MAX_OPS_BODY}",
            body.len()
        )));
    }
    let v: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|e| AppError::BadRequest {
            message: format!("body: {e}; expected {expected}"),
            field: None,
        })?
    };
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(AppError::BadRequest {
            message: format!("body: not a JSON object; expected {expected}"),
            field: None,
        }),
    }
}

/// Parses `v` as `T`, a serde error answered 422 (the message names the field serde saw).
fn typed<T: serde::de::DeserializeOwned>(v: Value, what: &str) -> Result<T, AppError> {
    serde_json::from_value(v).map_err(|e| {
        let msg = e.to_string();
        let field = msg
            .split('`')
            .nth(1)
            .map(str::to_string)
            .unwrap_or_else(|| what.to_string());
        AppError::Unprocessable {
            message: format!("{what}: {msg}"),
            field: Some(field),
        }
    })
}

fn take_version(m: &mut Map<String, Value>, required: bool) -> Result<Option<i64>, AppError> {
    match m.remove("version") {
        Some(v) => {
            v.as_i64()
                .filter(|&n| n >= 1)
                .map(Some)
                .ok_or_else(|| AppError::Unprocessable {
                    message: "version: the record's version as read (an integer ≥ 1)".into(),
                    field: Some("version".into()),
                })
        }
        None if required => Err(AppError::Unprocessable {
            message: "version: missing: send the version you read (optimistic locking), so a \
                      change made meanwhile by someone else is not overwritten"
                .into(),
            field: Some("version".into()),
        }),
        None => Ok(None),
    }
}

fn take_visibility(m: &mut Map<String, Value>) -> Result<Option<Visibility>, AppError> {
    match m.remove("visibility") {
        None => Ok(None),
        Some(v) => v
            .as_str()
            .and_then(Visibility::parse)
            .map(Some)
            .ok_or_else(|| AppError::Unprocessable {
                message: "visibility: shared or restricted".into(),
                field: Some("visibility".into()),
            }),
    }
}

/// The owning agency of a new record: a user's own (an `agency` field naming another is
/// refused), or the `agency` field for an admin token.
pub(crate) async fn owner(
    app: &AppState,
    who: &Principal,
    m: &mut Map<String, Value>,
) -> Result<String, AppError> {
    let given = m.remove("agency");
    let given = match given {
        None => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => {
            return Err(AppError::Unprocessable {
                message: "agency: an agency id (text)".into(),
                field: Some("agency".into()),
            });
        }
    };
    match (who.viewer(), given) {
        (Viewer::Agency(a), None) => Ok(a.to_string()),
        (Viewer::Agency(a), Some(g)) if g == a => Ok(g),
        (Viewer::Agency(a), Some(_)) => Err(AppError::Unprocessable {
            message: format!("agency: you create records of your own agency ({a}) only"),
            field: Some("agency".into()),
        }),
        (Viewer::Server, None) => Err(AppError::Unprocessable {
            message: "agency: missing: an admin token names the owning agency".into(),
            field: Some("agency".into()),
        }),
        (Viewer::Server, Some(g)) => {
            let known = app.store.agencies().await?;
            if known.iter().any(|k| k.id == g) {
                Ok(g)
            } else {
                Err(AppError::Unprocessable {
                    message: format!("agency: {g:?} is not an agency of this server"),
                    field: Some("agency".into()),
                })
            }
        }
    }
}

/// Checks that a zone location names a zone of the venue.
pub(crate) fn check_zone(
    app: &AppState,
    loc: Option<&Location>,
    field: &str,
) -> Result<(), AppError> {
    if let Some(Location::Zone(z)) = loc
        && !app.venue.zones.iter().any(|v| &v.id == z)
    {
        return Err(AppError::Unprocessable {
            message: format!("{field}: {z:?} is not a zone of venue {}", app.venue.id),
            field: Some(field.into()),
        });
    }
    Ok(())
}

/// The JSON of an incident as the API answers it (lists, creation, changes) and as it is
/// pushed live ([`crate::live`]).
pub(crate) fn incident_json(i: &Incident) -> Value {
    serde_json::to_value(i).unwrap_or(Value::Null)
}

/// Appends the audit entry of a read of a restricted record.
async fn audit_read(
    app: &AppState,
    who: &Principal,
    action: &str,
    object: String,
) -> Result<(), AppError> {
    crate::audit::record(app, crate::audit::actor(who), action, object, None, None).await
}

/// Query of the lists.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// At most this many (default 100, at most [`MAX_OPS_LIST`]).
    pub limit: Option<usize>,
}

fn limit(
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<usize, AppError> {
    let q = q.map_err(|e| AppError::BadRequest {
        message: format!("query: {e}"),
        field: None,
    })?;
    Ok(q.0.limit.unwrap_or(100).min(MAX_OPS_LIST))
}

// ----- incidents -----

/// `GET /api/v1/incidents`: the incidents the caller sees, newest first, and their count.
pub async fn list_incidents(
    Ctx(app): Ctx,
    Caller(who): Caller,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, AppError> {
    let n = limit(q)?;
    let (list, count) = app
        .store
        .incidents(who.viewer(), n)
        .await
        .map_err(store_err)?;
    Ok(Json(json!({
        "count": count,
        "incidents": list.iter().map(incident_json).collect::<Vec<_>>(),
    })))
}

const INCIDENT_BODY: &str = "{\"title\", \"location\": {\"zone\": id} | {\"point\": [x, y]}, \
    \"severity\": minor|moderate|severe|extreme, \"visibility\"?: shared|restricted, …}";

/// `POST /api/v1/incidents`: raises an incident by hand (status `reported`, restricted
/// unless `visibility` says shared). 201 and the incident.
pub async fn create_incident(
    Ctx(app): Ctx,
    Caller(who): Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let mut m = object(&body, INCIDENT_BODY)?;
    let agency = owner(&app, &who, &mut m).await?;
    let vis = take_visibility(&mut m)?.unwrap_or(Visibility::Restricted);
    let fields: IncidentFields = typed(Value::Object(m), "body")?;
    check_zone(&app, Some(&fields.location), "location.zone")?;
    let inc = app
        .store
        .create_incident(&actor(&who), &agency, vis, &fields, None)
        .await
        .map_err(store_err)?;
    Ok((StatusCode::CREATED, Json(incident_json(&inc))).into_response())
}

/// Incident `id` as `who` sees it (404 if not seen, with the body of an unknown id); a
/// read of a restricted one appends audit entry `read` (`incident.read`, `incident.ics201`).
pub(crate) async fn seen_incident(
    app: &AppState,
    who: &Principal,
    id: &str,
    read: &str,
) -> Result<Incident, AppError> {
    let inc = app
        .store
        .incident(id, who.viewer())
        .await
        .map_err(store_err)?
        .ok_or_else(|| not_found("incident", id))?;
    if inc.meta.visibility == Visibility::Restricted {
        audit_read(app, who, read, format!("incident/{id}")).await?;
    }
    Ok(inc)
}

/// `GET /api/v1/incidents/{id}`: the incident, its tasks (those the caller sees) and its
/// timeline.
pub async fn get_incident(
    Ctx(app): Ctx,
    Caller(who): Caller,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, AppError> {
    let id = path(id)?;
    let inc = seen_incident(&app, &who, &id, "incident.read").await?;
    let tasks = app
        .store
        .tasks_of(Some(&id), None, who.viewer())
        .await
        .map_err(store_err)?;
    let events = app
        .store
        .incident_events(&id, who.viewer())
        .await
        .map_err(store_err)?;
    let mut j = incident_json(&inc);
    j["tasks"] = serde_json::to_value(&tasks).unwrap_or_default();
    j["timeline"] = serde_json::to_value(&events).unwrap_or_default();
    Ok(Json(j))
}

/// `PATCH /api/v1/incidents/{id}`: changes the fields given (the others kept), with the
/// `version` read; 409 if another change came first.
pub async fn patch_incident(
    Ctx(app): Ctx,
    Caller(who): Caller,
    id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let id = path(id)?;
    let mut m = object(&body, "{\"version\": n, fields to change…}")?;
    let version = take_version(&mut m, true)?.unwrap_or(0);
    for k in ["status", "visibility", "agency", "id", "alert_id"] {
        if m.contains_key(k) {
            return Err(AppError::Unprocessable {
                message: format!(
                    "{k}: not changed by PATCH (status: POST …/status; visibility: POST \
                     …/share; owner, id and alert never change)"
                ),
                field: Some(k.into()),
            });
        }
    }
    let cur = app
        .store
        .incident(&id, who.viewer())
        .await
        .map_err(store_err)?
        .ok_or_else(|| not_found("incident", &id))?;
    let mut merged = serde_json::to_value(&cur.fields).unwrap_or_default();
    if let Some(o) = merged.as_object_mut() {
        o.extend(m);
    }
    let fields: IncidentFields = typed(merged, "body")?;
    check_zone(&app, Some(&fields.location), "location.zone")?;
    let inc = app
        .store
        .update_incident(&actor(&who), &id, version, &fields)
        .await
        .map_err(store_err)?;
    Ok(Json(incident_json(&inc)))
}

/// `POST /api/v1/incidents/{id}/status`: `{"status": …, "version"?: n}`; a transition the
/// lifecycle refuses answers 422 naming `status`.
pub async fn set_status(
    Ctx(app): Ctx,
    Caller(who): Caller,
    id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let id = path(id)?;
    let mut m = object(&body, "{\"status\": …, \"version\"?: n}")?;
    let version = take_version(&mut m, false)?;
    let status = m
        .remove("status")
        .and_then(|v| v.as_str().and_then(Status::parse))
        .ok_or_else(|| AppError::Unprocessable {
            message: "status: one of reported, confirmed, responding, contained, closed".into(),
            field: Some("status".into()),
        })?;
    if let Some(k) = m.keys().next() {
        return Err(AppError::Unprocessable {
            message: format!("{k}: unknown field (status and version only)"),
            field: Some(k.clone()),
        });
    }
    let inc = app
        .store
        .set_incident_status(&actor(&who), &id, version, status)
        .await
        .map_err(store_err)?;
    Ok(Json(incident_json(&inc)))
}

/// `POST /api/v1/incidents/{id}/share`: a commander shares a restricted incident of their
/// own agency with the joint command.
pub async fn share(
    Ctx(app): Ctx,
    Caller(who): Caller,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, AppError> {
    let id = path(id)?;
    let inc = app
        .store
        .share_incident(&actor(&who), &id)
        .await
        .map_err(store_err)?;
    Ok(Json(incident_json(&inc)))
}

/// `POST /api/v1/alerts/{id}/incident`: raises an incident from an alert in one call: the
/// alert's zone (location), time, severity (CAP) and figures (rule, measure, thresholds)
/// carried over, the alert linked. Optional body: `visibility`, `title`, `agency` (tokens).
pub async fn from_alert(
    Ctx(app): Ctx,
    Caller(who): Caller,
    headers: axum::http::HeaderMap,
    id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = path(id)?;
    let mut m = object(&body, "{\"visibility\"?, \"title\"?}")?;
    let alert = app.store.alert(&id).await?.ok_or_else(|| {
        AppError::NotFound(format!("alert {} not found", crate::error::echo(&id)))
    })?;
    let agency = owner(&app, &who, &mut m).await?;
    let vis = take_visibility(&mut m)?.unwrap_or(Visibility::Restricted);
    let title = match m.remove("title") {
        None => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => {
            return Err(AppError::Unprocessable {
                message: "title: text".into(),
                field: Some("title".into()),
            });
        }
    };
    if let Some(k) = m.keys().next() {
        return Err(AppError::Unprocessable {
            message: format!("{k}: unknown field (visibility, title, agency)"),
            field: Some(k.clone()),
        });
    }
    let l = crate::dashboard::Viewer::of(&who, &headers).l;
    let inc = open_from_alert(&app, &who, &alert, &agency, vis, title, l).await?;
    Ok((StatusCode::CREATED, Json(incident_json(&inc))).into_response())
}

/// Raises an incident of `agency` (with `visibility`) from `alert`: its zone as the location
/// (a line's alert: the line's midpoint), its CAP severity, its time and its rule's figures
/// (measure, raise and clear thresholds, hold) in the situation, the alert linked. `title`
/// defaults to "Alert <id>: <rule> at <subject>". The texts it writes (title, type,
/// situation) are in `l`'s language, the caller's: they are stored as written, like text a
/// person typed. The API's [`from_alert`] and the dashboard's one-click form both call it.
///
/// # Errors
/// 422 for an alert about neither a zone nor a line of the venue, or fields that do not
/// fit; 503 if the store fails.
pub(crate) async fn open_from_alert(
    app: &AppState,
    who: &Principal,
    alert: &aman_store::AlertRecord,
    agency: &str,
    vis: Visibility,
    title: Option<String>,
    l: &aman_i18n::Localizer,
) -> Result<Incident, AppError> {
    let id = &alert.id;
    let rule = app.venue.rules.iter().find(|r| r.id == alert.rule);
    // Stored text: without the bidi isolates the dashboard puts around names.
    let say = |key: &str, args: &[(&str, Arg<'_>)]| {
        l.t_args(key, args).replace(['\u{2068}', '\u{2069}'], "")
    };
    let figures = match rule {
        Some(r) => say(
            "inc-from-alert-figures",
            &[
                ("rule", Arg::Str(&r.id)),
                ("measure", Arg::Str(r.measure.name())),
                (
                    "raise",
                    Arg::Str(&aman_ops::alert::show(r.measure, r.raise)),
                ),
                (
                    "clear",
                    Arg::Str(&aman_ops::alert::show(r.measure, r.clear)),
                ),
                ("hold", Arg::Num(r.hold)),
            ],
        ),
        None => say("inc-from-alert-rule", &[("rule", Arg::Str(&alert.rule))]),
    };
    let location = if app.venue.zones.iter().any(|z| z.id == alert.subject) {
        Location::Zone(alert.subject.clone())
    } else if let Some(l) = app.venue.lines.iter().find(|l| l.id == alert.subject) {
        // A line's alert: its midpoint.
        let (a, b) = (l.segment.a, l.segment.b);
        Location::Point([(a.x + b.x) / 2.0, (a.y + b.y) / 2.0])
    } else {
        return Err(AppError::Unprocessable {
            message: format!(
                "alert {id} is about {:?}, neither a zone nor a line of the venue: raise the \
                 incident by hand (POST /api/v1/incidents) with its location",
                alert.subject
            ),
            field: None,
        });
    };
    let fields = IncidentFields {
        title: title.unwrap_or_else(|| {
            say(
                "inc-from-alert-title",
                &[
                    ("alert", Arg::Str(&alert.id)),
                    ("rule", Arg::Str(&alert.rule)),
                    ("subject", Arg::Str(&alert.subject)),
                ],
            )
        }),
        major_incident: false,
        location,
        kind: say("inc-from-alert-kind", &[]),
        hazards: String::new(),
        access: String::new(),
        rendezvous: String::new(),
        casualties: Default::default(),
        services_present: String::new(),
        services_required: String::new(),
        severity: Severity::from_cap(&alert.severity).unwrap_or(Severity::Moderate),
        situation: say(
            "inc-from-alert-situation",
            &[
                ("alert", Arg::Str(&alert.id)),
                ("subject", Arg::Str(&alert.subject)),
                ("time", Arg::Str(&alert.raised_at.to_string())),
                ("severity", Arg::Str(&alert.severity)),
                ("status", Arg::Str(&alert.mode)),
                ("figures", Arg::Str(&figures)),
            ],
        ),
        objectives: String::new(),
        actions: String::new(),
    };
    app.store
        .create_incident(&actor(who), agency, vis, &fields, Some(&alert.id))
        .await
        .map_err(store_err)
}

// ----- units -----

/// The JSON of a unit as the API answers it (lists, creation, changes) and as it is
/// pushed live ([`crate::live`]).
pub(crate) fn unit_json(u: &Unit) -> Value {
    serde_json::to_value(u).unwrap_or(Value::Null)
}

/// `GET /api/v1/units`: the units the caller sees and their count.
pub async fn list_units(
    Ctx(app): Ctx,
    Caller(who): Caller,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, AppError> {
    let n = limit(q)?;
    let (list, count) = app.store.units(who.viewer(), n).await.map_err(store_err)?;
    Ok(Json(json!({
        "count": count,
        "units": list.iter().map(unit_json).collect::<Vec<_>>(),
    })))
}

/// `POST /api/v1/units`: `{"call_sign", "kind", "status"?, "position"?, "leader"?,
/// "resources"?, "visibility"?}` (restricted unless shared). 201.
pub async fn create_unit(
    Ctx(app): Ctx,
    Caller(who): Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let mut m = object(&body, "{\"call_sign\", \"kind\", …}")?;
    let agency = owner(&app, &who, &mut m).await?;
    let vis = take_visibility(&mut m)?.unwrap_or(Visibility::Restricted);
    let fields: UnitFields = typed(Value::Object(m), "body")?;
    check_zone(&app, fields.position.as_ref(), "position.zone")?;
    let u = app
        .store
        .create_unit(&actor(&who), &agency, vis, &fields)
        .await
        .map_err(store_err)?;
    Ok((StatusCode::CREATED, Json(unit_json(&u))).into_response())
}

/// `GET /api/v1/units/{id}`: the unit, its tasks the caller sees and its activity log.
pub async fn get_unit(
    Ctx(app): Ctx,
    Caller(who): Caller,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, AppError> {
    let id = path(id)?;
    let u = seen_unit(&app, &who, &id, "unit.read").await?;
    let tasks = app
        .store
        .tasks_of(None, Some(&id), who.viewer())
        .await
        .map_err(store_err)?;
    let events = app
        .store
        .unit_events(&id, who.viewer())
        .await
        .map_err(store_err)?;
    let mut j = unit_json(&u);
    j["tasks"] = serde_json::to_value(&tasks).unwrap_or_default();
    j["activity"] = serde_json::to_value(&events).unwrap_or_default();
    Ok(Json(j))
}

/// Unit `id` as `who` sees it (404 if not seen, as an unknown id); a read of a restricted
/// one appends audit entry `read` (`unit.read`, `unit.ics214`).
pub(crate) async fn seen_unit(
    app: &AppState,
    who: &Principal,
    id: &str,
    read: &str,
) -> Result<Unit, AppError> {
    let u = app
        .store
        .unit(id, who.viewer())
        .await
        .map_err(store_err)?
        .ok_or_else(|| not_found("unit", id))?;
    if u.meta.visibility == Visibility::Restricted {
        audit_read(app, who, read, format!("unit/{id}")).await?;
    }
    Ok(u)
}

/// Whether `who` may edit unit `u`: a shared unit is seen, and tasked, by both agencies, but
/// only its own agency edits it (its call sign, status, position); the other agency moves
/// it through its tasks.
///
/// # Errors
/// 403 naming the owning agency.
pub(crate) fn edits_unit(who: &Principal, u: &Unit) -> Result<(), AppError> {
    if let Viewer::Agency(a) = who.viewer()
        && a != u.meta.agency
    {
        return Err(AppError::Forbidden(format!(
            "unit {} belongs to {}: only its own agency edits it; give it a task instead",
            u.meta.id, u.meta.agency
        )));
    }
    Ok(())
}

/// `PATCH /api/v1/units/{id}`: changes the fields given, with the `version` read; only the
/// owning agency (403 for the other agency's shared unit).
pub async fn patch_unit(
    Ctx(app): Ctx,
    Caller(who): Caller,
    id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let id = path(id)?;
    let mut m = object(&body, "{\"version\": n, fields to change…}")?;
    let version = take_version(&mut m, true)?.unwrap_or(0);
    for k in ["visibility", "agency", "id"] {
        if m.contains_key(k) {
            return Err(AppError::Unprocessable {
                message: format!("{k}: not changed by PATCH"),
                field: Some(k.into()),
            });
        }
    }
    let cur = app
        .store
        .unit(&id, who.viewer())
        .await
        .map_err(store_err)?
        .ok_or_else(|| not_found("unit", &id))?;
    edits_unit(&who, &cur)?;
    let mut merged = serde_json::to_value(&cur.fields).unwrap_or_default();
    if let Some(o) = merged.as_object_mut() {
        o.extend(m);
    }
    let fields: UnitFields = typed(merged, "body")?;
    check_zone(&app, fields.position.as_ref(), "position.zone")?;
    let u = app
        .store
        .update_unit(&actor(&who), &id, version, &fields)
        .await
        .map_err(store_err)?;
    Ok(Json(unit_json(&u)))
}

// ----- tasks -----

/// `POST /api/v1/incidents/{id}/tasks`: `{"unit_id", "note"?}`; both the incident and the
/// unit must be visible to the caller. 201 and the task.
pub async fn create_task(
    Ctx(app): Ctx,
    Caller(who): Caller,
    id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = path(id)?;
    let mut m = object(&body, "{\"unit_id\", \"note\"?}")?;
    let unit_id = match m.remove("unit_id") {
        Some(Value::String(s)) => s,
        _ => {
            return Err(AppError::Unprocessable {
                message: "unit_id: the id of the unit to task (text)".into(),
                field: Some("unit_id".into()),
            });
        }
    };
    let note = match m.remove("note") {
        None => String::new(),
        Some(Value::String(s)) => s,
        Some(_) => {
            return Err(AppError::Unprocessable {
                message: "note: text".into(),
                field: Some("note".into()),
            });
        }
    };
    if let Some(k) = m.keys().next() {
        return Err(AppError::Unprocessable {
            message: format!("{k}: unknown field (unit_id, note)"),
            field: Some(k.clone()),
        });
    }
    let t = app
        .store
        .create_task(&actor(&who), &id, &unit_id, &note)
        .await
        .map_err(store_err)?;
    Ok((StatusCode::CREATED, Json(task_json(&t))).into_response())
}

/// The JSON of a task as the API answers it (lists, creation, changes) and as it is
/// pushed live ([`crate::live`]).
pub(crate) fn task_json(t: &Task) -> Value {
    serde_json::to_value(t).unwrap_or(Value::Null)
}

/// `PATCH /api/v1/tasks/{id}`: `{"version": n, "state": …}`.
pub async fn patch_task(
    Ctx(app): Ctx,
    Caller(who): Caller,
    id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let id = path(id)?;
    let mut m = object(&body, "{\"version\": n, \"state\": …}")?;
    let version = take_version(&mut m, true)?.unwrap_or(0);
    let state: TaskState = match m.remove("state") {
        Some(v) => typed(v, "state").map_err(|_| AppError::Unprocessable {
            message: "state: one of assigned, accepted, en_route, on_scene, done, cancelled".into(),
            field: Some("state".into()),
        })?,
        None => {
            return Err(AppError::Unprocessable {
                message: "state: missing".into(),
                field: Some("state".into()),
            });
        }
    };
    if let Some(k) = m.keys().next() {
        return Err(AppError::Unprocessable {
            message: format!("{k}: unknown field (version, state)"),
            field: Some(k.clone()),
        });
    }
    let t = app
        .store
        .update_task(&actor(&who), &id, version, state)
        .await
        .map_err(store_err)?;
    Ok(Json(task_json(&t)))
}

// ----- exports -----

/// A CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading
/// `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet does not run it as a formula
/// (OWASP CSV injection).
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// `GET /api/v1/units/{id}/ics214.csv`: the unit's activity log as the rows of an ICS-214
/// (FEMA ICS Form 214, block 7 "Activity Log": date/time, notable activities), in time
/// order; header `date_time_utc,notable_activities,by`.
pub async fn ics214_csv(
    Ctx(app): Ctx,
    Caller(who): Caller,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, AppError> {
    let id = path(id)?;
    seen_unit(&app, &who, &id, "unit.ics214").await?;
    let events = app
        .store
        .unit_events(&id, who.viewer())
        .await
        .map_err(store_err)?;
    let mut out = String::from("date_time_utc,notable_activities,by\r\n");
    for e in &events {
        out.push_str(&format!(
            "{},{},{}\r\n",
            e.at,
            csv_field(&e.what),
            csv_field(&e.actor)
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ics214-{id}.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}

/// Delivers incident inject `inject` of `exercise` (`app` is the exercise's state): an
/// incident, shared with the joint command, owned by the first agency named in the inject's
/// `to` (else the trainer's, else the first agency), reported by exercise control, with the
/// inject's text as its situation. Returns its id.
///
/// # Errors
/// 422 for fields that do not fit; 503 if the store fails.
pub async fn inject_incident(
    app: &AppState,
    exercise: &crate::exercise::Exercise,
    inject: &aman_ops::exercise::Inject,
    title: &str,
    kind: &str,
    zone: Option<&str>,
    severity: Severity,
) -> Result<String, AppError> {
    let agencies = app.store.agencies().await.map_err(store_err)?;
    // The agency `to` names (checked when the exercise was made); a `to` naming roles only
    // gives the trainer's agency, else the server's first.
    let agency = match aman_ops::exercise::agency_named(&inject.to) {
        Some(a) if agencies.iter().any(|x| x.id == a) => Some(a.to_string()),
        Some(a) => {
            return Err(AppError::Unprocessable {
                message: format!(
                    "inject {:?}: to: agency {a:?} is not an agency of this server",
                    inject.id
                ),
                field: Some("to".into()),
            });
        }
        None => exercise
            .agency
            .clone()
            .or_else(|| agencies.first().map(|a| a.id.clone())),
    }
    .ok_or_else(|| AppError::Unprocessable {
        message: "an incident inject needs an agency: the server has none".into(),
        field: None,
    })?;
    let location = match zone {
        Some(z) => Location::Zone(z.to_string()),
        None => Location::Zone(
            app.venue
                .zones
                .first()
                .map(|z| z.id.clone())
                .unwrap_or_default(),
        ),
    };
    let fields = IncidentFields {
        title: title.to_string(),
        major_incident: false,
        location,
        kind: kind.to_string(),
        hazards: String::new(),
        access: String::new(),
        rendezvous: String::new(),
        casualties: Default::default(),
        services_present: String::new(),
        services_required: String::new(),
        severity,
        situation: inject.text.clone(),
        objectives: String::new(),
        actions: String::new(),
    };
    let actor = Actor {
        label: format!("exercise control ({})", inject.from),
        agency: None,
        at: now(),
    };
    let inc = app
        .store
        .create_incident(&actor, &agency, Visibility::Shared, &fields, None)
        .await
        .map_err(store_err)?;
    Ok(inc.meta.id)
}
