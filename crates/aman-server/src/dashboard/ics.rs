//! The printable ICS forms, in the viewer's language: an incident's briefing in the shape of
//! an ICS-201 (`GET /incidents/{id}/ics201`) and a unit's activity log in the shape of an
//! ICS-214 (`GET /units/{id}/ics214`; its CSV is `GET /api/v1/units/{id}/ics214.csv`,
//! [`crate::ops::ics214_csv`]). The blocks are numbered as on the FEMA forms (ICS 201,
//! Incident Briefing; ICS 214, Activity Log; National Incident Management System, 2010
//! editions); the labels come from the Fluent files (`ics201-*`, `ics214-*`), the times are
//! Paris and Casablanca time like every page. Either page reads a record the viewer sees:
//! another agency's restricted record answers the 404 of an unknown id
//! ([`crate::ops::seen_incident`], [`crate::ops::seen_unit`], each read audited).

use aman_i18n::Arg;
use aman_ops::unit::TaskState;
use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::html::esc;
use super::incidents::{place, time_cell};
use super::{Viewer, html_response, layout, open_count};
use crate::auth::Caller;
use crate::error::AppError;
use crate::exercise::Ctx;
use crate::ops::{path as path_id, seen_incident, seen_unit, store_err};

/// Two texts as "a / b", or nothing when both are empty (escaped).
fn pair(a: &str, b: &str) -> String {
    if a.is_empty() && b.is_empty() {
        String::new()
    } else {
        format!("{} / {}", esc(a), esc(b))
    }
}

/// A row of label and (escaped) value.
fn row(label: &str, value: &str) -> String {
    format!("<tr><th scope=\"row\">{label}</th><td dir=\"auto\">{value}</td></tr>")
}

/// `GET /incidents/{id}/ics201`: the incident's ICS-201 briefing as one printable page:
/// 1 incident name, 2 incident number, 3 date/time initiated, 4 map/sketch (the location),
/// 5 situation summary and health and safety briefing (with the M/ETHANE fields),
/// 6 prepared by, 7 current and planned objectives, 8 current and planned actions,
/// 9 current organisation (owning agency), 10 resource summary (each task: resource,
/// identifier, date/time ordered, arrived, notes).
///
/// # Errors
/// 404 for an unknown id or another agency's restricted incident; 503 if the store fails.
pub async fn ics201(
    Ctx(app): Ctx,
    Caller(who): Caller,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, AppError> {
    let id = path_id(id)?;
    let inc = seen_incident(&app, &who, &id, "incident.ics201").await?;
    let tasks = app
        .store
        .tasks_of(Some(&id), None, who.viewer())
        .await
        .map_err(store_err)?;
    let v = Viewer::of(&who, &headers);
    let l = v.l;
    let f = &inc.fields;
    let c = &f.casualties;
    let title = l.t("ics201-title");
    let mut h = format!(
        "<article class=\"panel report ics\" data-form=\"ics201\"><h1>{}</h1><table>",
        esc(&title)
    );
    h += &row(&v.t("ics201-name"), &esc(&f.title));
    h += &row(
        &v.t("ics201-number"),
        &format!("<span dir=\"ltr\">{}</span>", esc(&inc.meta.id)),
    );
    h += &row(
        &v.t("ics201-initiated"),
        &time_cell(&v, inc.meta.created_at),
    );
    h += &row(&v.t("ics201-map"), &place(&app, &v, &f.location));
    h += &format!("</table><h2>{}</h2><table>", v.t("ics201-situation"));
    h += &row(&v.t("inc-situation"), &esc(&f.situation));
    h += &row(
        &v.t("ics201-status-severity"),
        &format!(
            "{} / {}",
            v.t(&format!("inc-status-{}", inc.status.name())),
            v.t(&format!("severity-{}", f.severity.name()))
        ),
    );
    h += &row(
        &v.t("inc-major"),
        &v.t(if f.major_incident {
            "inc-yes"
        } else {
            "inc-no"
        }),
    );
    h += &row(&v.t("inc-kind"), &esc(&f.kind));
    h += &row(&v.t("inc-hazards"), &esc(&f.hazards));
    h += &row(
        &v.t("ics201-access-rendezvous"),
        &pair(&f.access, &f.rendezvous),
    );
    h += &row(
        &v.t("ics201-casualties"),
        &format!(
            "<span dir=\"ltr\">{}, {}, {}, {}</span>",
            c.immediate, c.urgent, c.delayed, c.dead
        ),
    );
    h += &row(
        &v.t("ics201-services"),
        &pair(&f.services_present, &f.services_required),
    );
    h += "</table><table>";
    h += &row(&v.t("ics201-prepared"), &esc(&who.label()));
    h += &row(&v.t("ics201-objectives"), &esc(&f.objectives));
    h += &row(&v.t("ics201-actions"), &esc(&f.actions));
    h += &row(
        &v.t("ics201-organisation"),
        &esc(&l.t_args(
            "ics201-owning-agency",
            &[("agency", Arg::Str(&inc.meta.agency))],
        )),
    );
    h += &format!(
        "</table><h2>{}</h2><table id=\"resources\"><thead><tr><th>{}</th><th>{}</th>\
         <th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        v.t("ics201-resources"),
        v.t("ics201-resource"),
        v.t("ics201-resource-id"),
        v.t("ics201-ordered"),
        v.t("ics201-arrived"),
        v.t("ics201-notes"),
    );
    for t in &tasks {
        let unit = app
            .store
            .unit(&t.unit_id, who.viewer())
            .await
            .map_err(store_err)?;
        let call = unit.map(|u| u.fields.call_sign).unwrap_or_default();
        let arrived = t
            .times
            .iter()
            .find(|x| x.state == TaskState::OnScene)
            .map(|x| time_cell(&v, x.at))
            .unwrap_or_default();
        h += &format!(
            "<tr data-task=\"{}\"><td dir=\"auto\">{}</td><td dir=\"ltr\">{}</td><td>{}</td>\
             <td>{}</td><td>{}: <span dir=\"auto\">{}</span></td></tr>",
            esc(&t.meta.id),
            esc(&call),
            esc(&t.unit_id),
            time_cell(&v, t.meta.created_at),
            arrived,
            v.t(&format!("task-state-{}", t.state.name())),
            esc(&t.note)
        );
    }
    h += "</tbody></table></article>";
    let open = open_count(&app).await?;
    Ok(html_response(
        StatusCode::OK,
        layout(&v, "ics201", &format!("{title} · {}", f.title), open, &h),
    ))
}

/// `GET /units/{id}/ics214`: the unit's ICS-214 activity log as one printable page: block 1
/// incident name(s), 2 operational period (first to last entry), 3 name (call sign), 4 ICS
/// position (leader), 5 home agency (and unit), 6 resources assigned, 7 activity log
/// (date/time, notable activities in the viewer's language ([`super::activity`]), by whom),
/// 8 prepared by.
///
/// # Errors
/// 404 for an unknown id or another agency's restricted unit; 503 if the store fails.
pub async fn ics214(
    Ctx(app): Ctx,
    Caller(who): Caller,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, AppError> {
    let id = path_id(id)?;
    let u = seen_unit(&app, &who, &id, "unit.ics214").await?;
    let events = app
        .store
        .unit_events(&id, who.viewer())
        .await
        .map_err(store_err)?;
    let tasks = app
        .store
        .tasks_of(None, Some(&id), who.viewer())
        .await
        .map_err(store_err)?;
    let mut incidents: Vec<String> = Vec::new();
    for t in &tasks {
        if let Some(i) = app
            .store
            .incident(&t.incident_id, who.viewer())
            .await
            .map_err(store_err)?
            && !incidents.contains(&i.fields.title)
        {
            incidents.push(i.fields.title);
        }
    }
    let v = Viewer::of(&who, &headers);
    let period = match (events.first(), events.last()) {
        (Some(a), Some(b)) => format!("{} – {}", time_cell(&v, a.at), time_cell(&v, b.at)),
        _ => "–".into(),
    };
    let title = v.l.t("ics214-title");
    let mut h = format!(
        "<article class=\"panel report ics\" data-form=\"ics214\"><h1>{}</h1><table>",
        esc(&title)
    );
    h += &row(&v.t("ics214-incidents"), &esc(&incidents.join("; ")));
    h += &row(&v.t("ics214-period"), &period);
    h += &row(&v.t("ics214-name"), &esc(&u.fields.call_sign));
    h += &row(&v.t("ics214-position"), &esc(&u.fields.leader));
    h += &row(
        &v.t("ics214-agency"),
        &format!(
            "<span dir=\"ltr\">{} ({})</span>",
            esc(&u.meta.agency),
            esc(&u.meta.id)
        ),
    );
    h += &row(&v.t("ics214-resources"), &esc(&u.fields.resources));
    h += &format!(
        "</table><h2>{}</h2><table id=\"activity\"><thead><tr><th>{}</th><th>{}</th></tr>\
         </thead><tbody>",
        v.t("ics214-log"),
        v.t("ics214-time"),
        v.t("ics214-activities"),
    );
    let call_sign = |uid: &str| (uid == u.meta.id).then(|| u.fields.call_sign.clone());
    for e in &events {
        h += &format!(
            "<tr><td>{}</td><td>{} <small dir=\"ltr\">({})</small></td></tr>",
            time_cell(&v, e.at),
            super::activity::describe(&v, e, &call_sign),
            esc(&e.actor)
        );
    }
    h += &format!(
        "</tbody></table><table>{}</table></article>",
        row(&v.t("ics214-prepared"), &esc(&who.label()))
    );
    let open = open_count(&app).await?;
    Ok(html_response(
        StatusCode::OK,
        layout(
            &v,
            "ics214",
            &format!("{title} · {}", u.fields.call_sign),
            open,
            &h,
        ),
    ))
}
