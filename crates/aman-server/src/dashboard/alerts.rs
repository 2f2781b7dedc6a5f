//! The alert board (`GET /alerts`): every alert with filters by zone, rule and status, the
//! acknowledge and resolve buttons, the verdict form (with a note), the CAP messages to
//! download, a sound option for new alerts; and the forms' routes,
//! `POST /alerts/{id}/acknowledge`, `POST /alerts/{id}/resolve` and
//! `POST /alerts/{id}/verdict`.

use aman_monitor::venue::Subject;
use aman_ops::access::Action;
use aman_store::{AlertFilter, AlertRecord, AlertStatus, Verdict};
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::html::esc;
use super::map::{status_code, subject_name};
use super::{
    MAX_NOTE_CHARS, Viewer, back_to, field, form_error, form_fields, html_response, layout,
    not_found_page, open_count, see_other, text_problem, wants_json,
};
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::AppError;
use crate::exercise::Ctx;

/// Most alerts the board lists (newest first).
pub const BOARD_ROWS: usize = 200;

/// Query of the board (the filter form).
#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    /// A zone id, or empty for all.
    pub zone: Option<String>,
    /// A rule id, or empty for all.
    pub rule: Option<String>,
    /// `open`, `acknowledged`, `resolved`, or empty for all.
    pub status: Option<String>,
}

/// An error to show on one alert's verdict form.
struct RowError<'a> {
    alert: &'a str,
    field: &'a str,
    message: &'a str,
    note: &'a str,
}

fn selected(a: &str, b: Option<&str>) -> &'static str {
    if Some(a) == b { " selected" } else { "" }
}

async fn board(
    app: &AppState,
    v: &Viewer<'_>,
    q: &BoardQuery,
    err: Option<RowError<'_>>,
) -> Result<String, AppError> {
    let venue = &app.venue;
    let lang = v.code();
    let zone = q.zone.as_deref().filter(|s| !s.is_empty());
    let rule = q.rule.as_deref().filter(|s| !s.is_empty());
    let status = q.status.as_deref().filter(|s| !s.is_empty());
    let mut m = format!("<section class=\"panel\"><h1>{}</h1>", v.t("nav-alerts"));
    // The filter form.
    m.push_str(&format!(
        "<form id=\"alert-filter\" method=\"get\" action=\"/alerts\" class=\"filters\">\
         <label>{}<select name=\"zone\"><option value=\"\">{}</option>",
        v.t("zone"),
        v.t("filter-all")
    ));
    for z in &venue.zones {
        m.push_str(&format!(
            "<option value=\"{id}\"{}>{}</option>",
            selected(&z.id, zone),
            esc(z.name.get(lang)),
            id = esc(&z.id)
        ));
    }
    m.push_str(&format!(
        "</select></label><label>{}<select name=\"rule\"><option value=\"\">{}</option>",
        v.t("rule"),
        v.t("filter-all")
    ));
    for r in &venue.rules {
        let (_, sname) = subject_name(venue, r.subject, lang);
        m.push_str(&format!(
            "<option value=\"{id}\"{}>{} · {}</option>",
            selected(&r.id, rule),
            v.t(&format!("measure-{}", r.measure.name())),
            esc(&sname),
            id = esc(&r.id)
        ));
    }
    m.push_str(&format!(
        "</select></label><label>{}<select name=\"status\"><option value=\"\">{}</option>",
        v.t("status"),
        v.t("filter-all")
    ));
    for s in ["open", "acknowledged", "resolved"] {
        m.push_str(&format!(
            "<option value=\"{s}\"{}>{}</option>",
            selected(s, status),
            v.t(&format!("status-{s}"))
        ));
    }
    m.push_str(&format!(
        "</select></label><button type=\"submit\">{}</button></form>",
        v.t("filter-apply")
    ));
    let zone_ok = zone.is_none_or(|z| venue.zone(z).is_some());
    let rule_ok = rule.is_none_or(|r| venue.rules.iter().any(|x| x.id == r));
    let status_ok = status.is_none_or(|s| ["open", "acknowledged", "resolved"].contains(&s));
    for (ok, name) in [(zone_ok, "zone"), (rule_ok, "rule"), (status_ok, "status")] {
        if !ok {
            m.push_str(&form_error(v, name, "form-error-choice"));
        }
    }
    m.push_str(&format!(
        "<label class=\"sound\"><input type=\"checkbox\" id=\"sound\"> {}</label>",
        v.t("alert-sound")
    ));
    let list = app
        .store
        .alerts(&venue.id, AlertFilter::All, BOARD_ROWS)
        .await?;
    let zone_of = |a: &AlertRecord| {
        venue
            .rules
            .iter()
            .find(|r| r.id == a.rule)
            .and_then(|r| match r.subject {
                Subject::Zone(i) => Some(venue.zones[i].id.as_str()),
                _ => None,
            })
    };
    let rows: Vec<&AlertRecord> = list
        .iter()
        .filter(|a| zone.is_none_or(|z| zone_of(a) == Some(z)))
        .filter(|a| rule.is_none_or(|r| a.rule == r))
        .filter(|a| status.is_none_or(|s| status_code(a.status) == s))
        .collect();
    m.push_str(&format!(
        "<p class=\"count\">{}</p><table id=\"alert-board\" data-may-ack=\"{}\" data-may-resolve=\"{}\" data-may-incident=\"{}\"><thead><tr><th>{}</th><th>{}</th>\
         <th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(&v.l.count("alerts-listed", rows.len() as u64)),
        v.may(Action::AcknowledgeAlert),
        v.may(Action::ResolveAlert),
        v.may(Action::ManageIncidents),
        v.t("alert-raised-at"),
        v.t("zone"),
        v.t("rule"),
        v.t("severity"),
        v.t("status"),
        v.t("verdict"),
        v.t("cap"),
        v.t("actions"),
    ));
    for a in rows {
        m.push_str(&row(app, v, a, err.as_ref().filter(|e| e.alert == a.id)).await?);
    }
    m.push_str(&format!(
        "</tbody></table><p class=\"empty-note\">{}</p></section>\
         <script type=\"application/json\" id=\"venue-data\">{}</script>",
        v.t("live-alerts-none"),
        super::html::script_json(&super::map::venue_data(venue, lang))
    ));
    Ok(m)
}

async fn row(
    app: &AppState,
    v: &Viewer<'_>,
    a: &AlertRecord,
    err: Option<&RowError<'_>>,
) -> Result<String, AppError> {
    let venue = &app.venue;
    let r = venue.rules.iter().find(|r| r.id == a.rule);
    let (sid, sname) = r.map_or_else(
        || (a.subject.clone(), a.subject.clone()),
        |r| subject_name(venue, r.subject, v.code()),
    );
    let subject = match r.map(|r| r.subject) {
        Some(Subject::Zone(_)) => format!("<a href=\"/zones/{}\">{}</a>", esc(&sid), esc(&sname)),
        _ => esc(&sname),
    };
    let status = status_code(a.status);
    let mut h = format!(
        "<tr class=\"alert\" data-alert=\"{id}\" data-status=\"{status}\" data-severity=\"{}\">\
         <td><span class=\"time-pair\" data-t=\"{}\">{}</span></td><td>{subject}</td>\
         <td>{}</td><td class=\"sev\">{}</td><td class=\"status-text\">{}",
        esc(&a.severity),
        a.raised_at.0,
        esc(&v.l.date_times(a.raised_at.0)),
        v.t(&format!(
            "measure-{}",
            r.map_or(
                if a.rule == "inject" {
                    "inject"
                } else {
                    "unknown"
                },
                |r| r.measure.name()
            )
        )),
        v.t(&format!("severity-{}", a.severity.to_ascii_lowercase())),
        v.t(&format!("status-{status}")),
        id = esc(&a.id),
    );
    for (id, by) in [
        ("acknowledged-by", &a.acknowledged_by),
        ("resolved-by", &a.resolved_by),
    ] {
        if let Some(by) = by {
            h.push_str(&format!(
                "<br><small class=\"{id}\">{}</small>",
                esc(&v.l.t_args(id, &[("who", aman_i18n::Arg::Str(by))]))
            ));
        }
    }
    h.push_str("</td><td class=\"verdict-cell\">");
    if let Some(verdict) = a.verdict {
        h.push_str(&v.t(&format!("verdict-{}", verdict.name().replace('_', "-"))));
        if let Some(note) = app.store.verdict_note(&a.id).await? {
            h.push_str(&format!("<br><q class=\"note\">{}</q>", esc(&note)));
        }
    }
    if v.may(Action::JudgeAlert) {
        let note = err.map_or("", |e| e.note);
        h.push_str(&format!(
            "<form class=\"verdict\" method=\"post\" action=\"/alerts/{}/verdict\">{}\
             <select name=\"verdict\"><option value=\"\">{}</option>\
             <option value=\"true_positive\">{}</option><option value=\"false_positive\">{}</option></select>\
             <textarea name=\"note\" rows=\"2\" placeholder=\"{}\">{}</textarea>\
             <button type=\"submit\">{}</button>",
            esc(&a.id),
            v.csrf_field(),
            v.t("verdict-choose"),
            v.t("verdict-true-positive"),
            v.t("verdict-false-positive"),
            v.t("verdict-note"),
            esc(note),
            v.t("verdict-save"),
        ));
        if let Some(e) = err {
            h.push_str(&form_error(v, e.field, e.message));
        }
        h.push_str("</form>");
    }
    h.push_str("</td><td>");
    for c in app.store.cap_messages(&a.id).await? {
        h.push_str(&format!(
            "<a class=\"cap\" href=\"/api/v1/alerts/{id}/cap/{n}\" download=\"{id}-{n}.xml\">{}</a> ",
            esc(&v.l.t_args(
                "cap-message",
                &[("num", aman_i18n::Arg::Str(&c.n.to_string()))]
            )),
            id = esc(&a.id),
            n = c.n
        ));
    }
    h.push_str("</td><td>");
    h.push_str(&action_forms(v, a));
    h.push_str(&open_incident_form(v, a));
    h.push_str("</td></tr>");
    Ok(h)
}

/// `GET /alerts`: the board.
pub async fn page(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    q: Result<Query<BoardQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let main = board(&app, &v, &q, None).await?;
    let open = open_count(&app).await?;
    Ok(html_response(
        StatusCode::OK,
        layout(&v, "alerts", &v.l.t("nav-alerts"), open, &main),
    ))
}

async fn find(app: &AppState, id: &str) -> Result<Option<AlertRecord>, AppError> {
    Ok(app
        .store
        .alert(id)
        .await?
        .filter(|a| a.venue == app.venue.id))
}

fn done(headers: &HeaderMap, a: &AlertRecord) -> Response {
    if wants_json(headers) {
        axum::Json(json!({"alert": a.id, "status": status_code(a.status),
                          "verdict": a.verdict.map(|v| v.name())}))
        .into_response()
    } else {
        see_other(&back_to(headers))
    }
}

/// The one-click incident of alert `a` for who may raise incidents: a form posting to
/// `/alerts/{id}/incident` ([`super::incidents::from_alert`]).
pub fn open_incident_form(v: &Viewer, a: &AlertRecord) -> String {
    if !v.may(Action::ManageIncidents) {
        return String::new();
    }
    format!(
        "<form class=\"open-incident\" method=\"post\" action=\"/alerts/{}/incident\">{}\
         <button class=\"open-incident\" type=\"submit\">{}</button></form>",
        esc(&a.id),
        v.csrf_field(),
        v.t("alert-open-incident")
    )
}

/// The buttons of alert `a` the viewer may press (forms, so they work without script):
/// acknowledge while it is raised (commander, operator), resolve while it is open
/// (commander). The board and the map's panel use it.
pub fn action_forms(v: &Viewer, a: &AlertRecord) -> String {
    let mut h = String::new();
    let buttons = [
        (
            "ack",
            "acknowledge",
            "alert-acknowledge",
            a.status == AlertStatus::Raised && v.may(Action::AcknowledgeAlert),
        ),
        (
            "resolve",
            "resolve",
            "alert-resolve",
            a.status != AlertStatus::Resolved && v.may(Action::ResolveAlert),
        ),
    ];
    for (class, path, label, shown) in buttons {
        if shown {
            h.push_str(&format!(
                "<form class=\"alert-action {class}-form\" method=\"post\" action=\"/alerts/{}/{path}\">{}\
                 <button class=\"{class}\" type=\"submit\">{}</button></form>",
                esc(&a.id),
                v.csrf_field(),
                v.t(label)
            ));
        }
    }
    h
}

/// The acknowledge and resolve forms: `step` on alert `id`, then back to the page (or JSON
/// for the script).
async fn act(
    app: &AppState,
    p: &crate::auth::Principal,
    headers: &HeaderMap,
    id: &str,
    step: crate::alert_actions::Step,
) -> Result<Response, AppError> {
    let Some(a) = find(app, id).await? else {
        let v = Viewer::of(p, headers);
        return Ok(not_found_page(&v, open_count(app).await?));
    };
    let a = crate::alert_actions::apply(app, a, step, p).await?;
    Ok(done(headers, &a))
}

/// `POST /alerts/{id}/acknowledge`: the operator has seen it; back to the page.
pub async fn acknowledge(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    act(
        &app,
        &p,
        &headers,
        &id,
        crate::alert_actions::Step::Acknowledge,
    )
    .await
}

/// `POST /alerts/{id}/resolve`: a commander resolves the alert by hand; back to the page.
pub async fn resolve(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    act(&app, &p, &headers, &id, crate::alert_actions::Step::Resolve).await
}

/// `POST /alerts/{id}/verdict`: the verdict (`true_positive` or `false_positive`) and an
/// optional note of at most [`MAX_NOTE_CHARS`] characters, stored together; bad input gives
/// the board again with the error on that alert's form and stores nothing.
pub async fn verdict(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let fields = form_fields(&headers, &body)?;
    let Some(a) = find(&app, &id).await? else {
        return Ok(not_found_page(&v, open_count(&app).await?));
    };
    let note = field(&fields, "note").unwrap_or("").trim().to_string();
    let verdict = match field(&fields, "verdict").unwrap_or("") {
        "true_positive" => Ok(Verdict::TruePositive),
        "false_positive" => Ok(Verdict::FalsePositive),
        "" => Err(("verdict", "form-error-verdict-empty")),
        _ => Err(("verdict", "form-error-choice")),
    };
    let problem = match verdict {
        Err(e) => Some(e),
        Ok(_) => text_problem(&note, MAX_NOTE_CHARS).map(|m| ("note", m)),
    };
    if let Some((field_name, message)) = problem {
        if wants_json(&headers) {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                axum::Json(json!({"error": v.l.t(message), "field": field_name})),
            )
                .into_response());
        }
        let err = RowError {
            alert: &a.id,
            field: field_name,
            message,
            note: &note,
        };
        let main = board(&app, &v, &BoardQuery::default(), Some(err)).await?;
        let open = open_count(&app).await?;
        return Ok(html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            layout(&v, "alerts", &v.l.t("nav-alerts"), open, &main),
        ));
    }
    let Ok(verdict) = verdict else {
        return Err(AppError::Internal("verdict checked above".into()));
    };
    let note = (!note.is_empty()).then_some(note.as_str());
    let a = crate::alert_actions::judge(&app, a, verdict, note, &p).await?;
    Ok(done(&headers, &a))
}
