//! The exercises in the dashboard: the list (join, leave), an exercise's page (its injects
//! as delivered, and the trainer's clock controls), and the printable after-action report in
//! the viewer's language. Joining sets the `aman_exercise` cookie, which puts every page and
//! form of the dashboard in the exercise's context ([`crate::exercise`]); each page then
//! carries the exercise banner ([`super::layout`]).

use aman_ops::access::Action;
use aman_ops::exercise::format_time;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::html::esc;
use super::{Viewer, field, form_fields, html_response, layout, open_count, see_other};
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::AppError;
use crate::exercise::Ctx;
use crate::exercise::{ClockChange, EXERCISE_COOKIE, Exercise, after_action_of, change_clock};

fn cookie(value: Option<&str>) -> HeaderValue {
    let v = match value {
        Some(id) => format!("{EXERCISE_COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict"),
        None => format!("{EXERCISE_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    };
    HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static(""))
}

fn find(app: &AppState, id: &str) -> Result<std::sync::Arc<Exercise>, AppError> {
    app.exercises
        .get(id)
        .ok_or_else(|| AppError::NotFound(format!("exercise {} not found", crate::error::echo(id))))
}

fn state_word(v: &Viewer, state: &str) -> String {
    v.t(&format!("exercise-state-{state}"))
}

/// `GET /exercises`: every exercise, its state and clock, a button to join it (or leave).
///
/// # Errors
/// 503 if the store fails.
pub async fn list(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let all = app.exercises.all();
    let mut m = format!(
        "<section class=\"panel\"><h1>{}</h1>",
        v.t("exercises-title")
    );
    if all.is_empty() {
        m.push_str(&format!("<p class=\"empty\">{}</p>", v.t("exercises-none")));
    } else {
        m.push_str(&format!(
            "<table id=\"exercises\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
             <th>{}</th><th></th></tr></thead><tbody>",
            v.t("exercise-col-name"),
            v.t("exercise-col-state"),
            v.t("exercise-col-time"),
            v.t("exercise-col-speed"),
            v.t("exercise-col-delivered"),
        ));
        for e in &all {
            let s = e.status();
            let joined = v.exercise.as_deref() == Some(e.id.as_str());
            let action = if joined {
                format!("<span class=\"joined\">{}</span>", v.t("exercise-joined"))
            } else {
                format!(
                    "<form method=\"post\" action=\"/exercises/{id}/join\">{}\
                     <button type=\"submit\">{}</button></form>",
                    v.csrf_field(),
                    v.t("exercise-join"),
                    id = esc(&e.id)
                )
            };
            m.push_str(&format!(
                "<tr data-exercise=\"{id}\" data-state=\"{st}\"><td><a href=\"/exercises/{id}\">{}</a>\
                 <br><small dir=\"ltr\">{id}</small></td><td>{}</td><td dir=\"ltr\">{}</td>\
                 <td dir=\"ltr\">×{}</td><td>{} / {}</td><td>{action}</td></tr>",
                esc(&e.name),
                state_word(&v, s.state),
                format_time(s.scenario_s),
                s.speed,
                s.delivered,
                s.injects,
                id = esc(&e.id),
                st = s.state,
            ));
        }
        m.push_str("</tbody></table>");
    }
    m.push_str("</section>");
    let open = open_count(&app).await?;
    Ok(html_response(
        StatusCode::OK,
        layout(&v, "exercises", &v.l.t("exercises-title"), open, &m),
    ))
}

/// `POST /exercises/{id}/join`: the dashboard works in the exercise from now on (cookie);
/// to the map.
///
/// # Errors
/// 404 for an unknown exercise.
pub async fn join(
    State(app): State<AppState>,
    _: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    find(&app, &id)?;
    let mut r = see_other("/map");
    r.headers_mut()
        .append(header::SET_COOKIE, cookie(Some(&id)));
    Ok(r)
}

/// `POST /exercises/leave`: back to live operations; to the list.
pub async fn leave(_: Caller) -> Response {
    let mut r = see_other("/exercises");
    r.headers_mut().append(header::SET_COOKIE, cookie(None));
    r
}

/// `GET /exercises/{id}`: the exercise's injects, delivered or not, and for a trainer the
/// clock's controls.
///
/// # Errors
/// 404; 503 if the store fails.
pub async fn page(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let e = find(&app, &id)?;
    let s = e.status();
    let events = e.store.exercise_events(&e.id).await?;
    let mut m = format!(
        "<section class=\"panel exercise\" data-exercise=\"{id}\" data-state=\"{st}\">\
         <h1>{}</h1><p>{} · <span dir=\"ltr\">{}</span> · ×{} · {} / {}</p>\
         <p><a href=\"/exercises/{id}/report\">{}</a></p>",
        esc(&e.name),
        state_word(&v, s.state),
        format_time(s.scenario_s),
        s.speed,
        s.delivered,
        s.injects,
        v.t("exercise-report-link"),
        id = esc(&e.id),
        st = s.state,
    );
    if v.may(Action::RunExercise) && s.state != "ended" {
        let button = |action: &str, key: &str| {
            format!(
                "<form method=\"post\" action=\"/exercises/{id}/clock\">{}\
                 <input type=\"hidden\" name=\"action\" value=\"{action}\">\
                 <button type=\"submit\" data-action=\"{action}\">{}</button></form>",
                v.csrf_field(),
                v.t(key),
                id = esc(&e.id),
            )
        };
        m.push_str(&format!(
            "<div id=\"exercise-controls\" class=\"controls\" aria-label=\"{}\">",
            v.t("exercise-controls")
        ));
        match s.state {
            "ready" => m.push_str(&button("start", "exercise-start")),
            "running" => m.push_str(&button("pause", "exercise-pause")),
            _ => m.push_str(&button("resume", "exercise-resume")),
        }
        m.push_str(&format!(
            "<form method=\"post\" action=\"/exercises/{id}/clock\">{}\
             <input type=\"hidden\" name=\"action\" value=\"speed\">\
             <label>{}<input name=\"speed\" type=\"number\" min=\"0.1\" max=\"100\" step=\"0.1\" \
             value=\"{}\" dir=\"ltr\"></label><button type=\"submit\">{}</button></form>\
             <form method=\"post\" action=\"/exercises/{id}/clock\">{}\
             <input type=\"hidden\" name=\"action\" value=\"skip\">\
             <label>{}<input name=\"to\" pattern=\"[0-9]+:[0-9]{{2}}(:[0-9]{{2}})?\" dir=\"ltr\" \
             placeholder=\"05:00\"></label><button type=\"submit\">{}</button></form>",
            v.csrf_field(),
            v.t("exercise-col-speed"),
            s.speed,
            v.t("exercise-set-speed"),
            v.csrf_field(),
            v.t("exercise-skip-to"),
            v.t("exercise-skip"),
            id = esc(&e.id),
        ));
        m.push_str(&button("end", "exercise-end"));
        m.push_str("</div>");
    }
    // The MSEL is exercise control's: a player sees an inject once it is delivered, and
    // never the action expected of them.
    let control = v.may(Action::RunExercise);
    m.push_str(&format!(
        "<h2>{}</h2><table id=\"injects\" data-control=\"{control}\"><thead><tr><th>{}</th>\
         <th>{}</th><th>{}</th><th>{}</th><th>{}</th>{}</tr></thead><tbody>",
        v.t("exercise-injects"),
        v.t("exercise-inject-at"),
        v.t("exercise-inject-kind"),
        v.t("exercise-inject-from"),
        v.t("exercise-inject-to"),
        v.t("exercise-inject-text"),
        if control {
            format!("<th>{}</th>", v.t("exercise-inject-expected"))
        } else {
            String::new()
        },
    ));
    for i in &e.msel.injects {
        let delivered = events
            .iter()
            .any(|ev| ev.kind == "inject" && ev.inject.as_deref() == Some(i.id.as_str()));
        if !delivered && !control {
            continue;
        }
        m.push_str(&format!(
            "<tr data-inject=\"{}\" data-delivered=\"{delivered}\"><td dir=\"ltr\">{}</td>\
             <td>{}</td><td>{}<br><small>{}</small></td><td>{}</td><td>{}</td>{}</tr>",
            esc(&i.id),
            format_time(i.at),
            v.t(&format!("exercise-kind-{}", i.kind.name())),
            esc(&i.from),
            v.t(&format!("exercise-method-{}", i.method.name())),
            esc(&i.to),
            esc(&i.text),
            if control {
                format!("<td>{}</td>", esc(&i.expected_action))
            } else {
                String::new()
            },
        ));
    }
    m.push_str("</tbody></table></section>");
    let open = open_count(&app).await?;
    Ok(html_response(
        StatusCode::OK,
        layout(&v, "exercise", &e.name, open, &m),
    ))
}

/// `POST /exercises/{id}/clock`: a trainer's control (form fields `action`, and `speed` or
/// `to` as `mm:ss`); back to the exercise's page. A bad value or a change the state does not
/// allow gives the error page and changes nothing.
///
/// # Errors
/// 404, 409, 422 as `POST /api/v1/exercises/{id}/clock`.
pub async fn clock(
    State(app): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let e = find(&app, &id)?;
    let fields = form_fields(&headers, &body)?;
    let bad = |message: &str, f: &str| AppError::Unprocessable {
        message: message.into(),
        field: Some(f.into()),
    };
    let change = match field(&fields, "action").unwrap_or("") {
        "start" => ClockChange::Start,
        "pause" => ClockChange::Pause,
        "resume" => ClockChange::Resume,
        "end" => ClockChange::End,
        "speed" => ClockChange::Speed {
            speed: field(&fields, "speed")
                .and_then(|s| s.trim().replace(',', ".").parse().ok())
                .filter(|s: &f64| s.is_finite())
                .ok_or_else(|| bad("speed: a number from 0.1 to 100", "speed"))?,
        },
        "skip" => ClockChange::Skip {
            to_s: field(&fields, "to")
                .and_then(|t| aman_ops::exercise::parse_time(t.trim()).ok())
                .ok_or_else(|| bad("to: a scenario time, mm:ss", "to"))?,
        },
        other => {
            return Err(AppError::BadRequest {
                message: format!("action {other:?}: start, pause, resume, speed, skip or end"),
                field: Some("action".into()),
            });
        }
    };
    change_clock(&e, change, crate::audit::actor(&p)).await?;
    Ok(see_other(&format!("/exercises/{}", e.id)))
}

/// `GET /exercises/{id}/report`: the after-action report, one printable page in the
/// viewer's language: per inject, planned and delivered times, the seconds to the first
/// acknowledgement, incident and task, expected against actual actions; then the alerts.
///
/// # Errors
/// 404; 503 if the store fails.
pub async fn report(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let e = find(&app, &id)?;
    let r = after_action_of(&app, &e).await?;
    let l = v.l;
    let secs = |x: Option<f64>| match x {
        Some(s) => esc(&l.t_args("aar-seconds", &[("s", aman_i18n::Arg::Num(s.round()))])),
        None => v.t("aar-never"),
    };
    let title = l.t_args("aar-title", &[("name", aman_i18n::Arg::Str(&e.name))]);
    let mut m = format!(
        "<article class=\"panel report aar\" data-exercise=\"{}\"><h1>{}</h1><p>{}</p>\
         <table id=\"aar\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
         <th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(&e.id),
        esc(&title),
        esc(&l.t_args(
            "aar-made",
            &[(
                "time",
                aman_i18n::Arg::Str(&l.date_times(crate::app::now().0))
            )]
        )),
        v.t("aar-inject"),
        v.t("aar-planned"),
        v.t("aar-delivered"),
        v.t("aar-to-ack"),
        v.t("aar-to-incident"),
        v.t("aar-to-task"),
        v.t("aar-expected"),
        v.t("aar-actual"),
    );
    for o in &r.outcomes {
        let delivered = match o.delivered {
            Some((wall, _)) => esc(&l.times(wall.0)),
            None => v.t("aar-never"),
        };
        let actions = if o.actions.is_empty() {
            v.t("aar-no-actions")
        } else {
            o.actions
                .iter()
                .map(|a| {
                    // The act in the viewer's language; its record (ids) as the title.
                    format!(
                        "<li title=\"{}\"><span dir=\"ltr\">+{}</span> {} ({}): {}</li>",
                        esc(&a.detail),
                        esc(&l.t_args(
                            "aar-seconds",
                            &[("s", aman_i18n::Arg::Num(a.after_s.round()))]
                        )),
                        esc(&a.who),
                        esc(&a.agency),
                        v.t(&format!("aar-kind-{}", a.kind.name())),
                    )
                })
                .collect::<Vec<_>>()
                .join("")
        };
        m.push_str(&format!(
            "<tr data-inject=\"{}\"><td dir=\"ltr\">{}</td><td dir=\"ltr\">{}</td><td>{}</td>\
             <td class=\"to-ack\">{}</td><td class=\"to-incident\">{}</td><td class=\"to-task\">{}</td>\
             <td>{}</td><td><ul>{}</ul></td></tr>",
            esc(&o.id),
            esc(&o.id),
            format_time(o.planned),
            delivered,
            secs(o.to_acknowledgement),
            secs(o.to_incident),
            secs(o.to_task),
            esc(&o.expected_action),
            actions,
        ));
    }
    m.push_str(&format!("</tbody></table><h2>{}</h2>", v.t("aar-alerts")));
    if r.alerts.is_empty() {
        m.push_str(&format!("<p>{}</p>", v.t("aar-no-alerts")));
    } else {
        m.push_str("<ul id=\"aar-alerts\">");
        for a in &r.alerts {
            m.push_str(&format!(
                "<li dir=\"ltr\">{} · {} · {} · {} · {}</li>",
                esc(a["id"].as_str().unwrap_or("")),
                esc(a["rule"].as_str().unwrap_or("")),
                esc(a["severity"].as_str().unwrap_or("")),
                esc(a["status"].as_str().unwrap_or("")),
                esc(a["verdict"].as_str().unwrap_or("—")),
            ));
        }
        m.push_str("</ul>");
    }
    m.push_str("</article>");
    let open = open_count(&app).await?;
    Ok(html_response(
        StatusCode::OK,
        layout(&v, "exercise-report", &title, open, &m),
    )
    .into_response())
}
