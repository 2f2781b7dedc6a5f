//! The exercises in the dashboard: the list (join, leave), an exercise's page (its injects
//! as delivered, and the trainer's clock controls), and the printable after-action report in
//! the viewer's language. Joining sets the `aman_exercise` cookie, which puts every page and
//! form of the dashboard in the exercise's context ([`crate::exercise`]); each page then
//! carries the exercise banner ([`super::layout`]).
//!
//! With an MSEL library (`aman serve --exercises DIR`, [`crate::library`]) the list offers a
//! trainer the **new exercise** form (`POST /exercises`): an MSEL of the library (by its key,
//! never a path), an optional id, and for a CSV MSEL an optional name. The server simulates
//! each crowd inject's scenario itself (`aman_inject::msel_feeds`, off the executor, one
//! creation at a time), then makes the exercise through [`crate::exercise::make`], the path
//! of `POST /api/v1/exercises`, and goes to its page, where the trainer starts it. Bad input
//! answers the list again, 422, with a `.form-error` naming the field in the user's language,
//! the values kept, nothing stored; a creation while another is being prepared answers 429.

use aman_ops::access::Action;
use aman_ops::exercise::format_time;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::html::esc;
use super::{
    Viewer, field, form_fields, html_response, layout, open_count, see_other, text_problem,
};
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::AppError;
use crate::exercise::Ctx;
use crate::exercise::{
    ClockChange, EXERCISE_COOKIE, Exercise, Feeds, NewExercise, after_action_of, change_clock,
};
use crate::library::{Entry, Library, LoadError};

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

/// `GET /exercises`: every exercise, its state and clock, a button to join it (or leave);
/// for a trainer, the new exercise form when the server has an MSEL library.
///
/// # Errors
/// 503 if the store fails.
pub async fn list(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    list_page(&app, &v, StatusCode::OK, None).await
}

/// The new exercise form's values and its error (HTML), when the page answers a POST.
type Draft<'a> = (&'a [(String, String)], String);

/// The list page, with `draft` in the new exercise form, answered with `status`.
async fn list_page(
    app: &AppState,
    v: &Viewer<'_>,
    status: StatusCode,
    draft: Option<Draft<'_>>,
) -> Result<Response, AppError> {
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
                state_word(v, s.state),
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
    match (&app.library, draft) {
        (Some(lib), draft) if v.may(Action::RunExercise) => {
            m.push_str(&library_form(v, lib, draft));
        }
        // A form posted to a server without a library: only the reason.
        (_, Some((_, error))) => {
            m.push_str(&format!(
                "<section class=\"panel\" id=\"new-exercise\">{error}</section>"
            ));
        }
        _ => {}
    }
    let open = open_count(app).await?;
    Ok(html_response(
        status,
        layout(v, "exercises", &v.l.t("exercises-title"), open, &m),
    ))
}

/// The new exercise form over `lib` (the MSELs offered, those of other venues listed apart).
fn library_form(v: &Viewer, lib: &Library, draft: Option<Draft<'_>>) -> String {
    let (fields, error): (&[(String, String)], &str) = match &draft {
        Some((f, e)) => (f, e.as_str()),
        None => (&[], ""),
    };
    let value = |name: &str| esc(field(fields, name).unwrap_or(""));
    let chosen = field(fields, "msel").unwrap_or("");
    let mut m = format!(
        "<section class=\"panel\" id=\"new-exercise\"><h2>{}</h2>{error}",
        v.t("exercise-new")
    );
    if lib.entries.is_empty() {
        m.push_str(&format!(
            "<p class=\"empty\">{}</p>",
            v.t("exercise-library-empty")
        ));
    } else {
        let options: String = lib
            .entries
            .iter()
            .map(|e| {
                format!(
                    "<option value=\"{key}\"{sel}>{}</option>",
                    esc(&entry_words(v, e)),
                    key = esc(&e.key),
                    sel = if e.key == chosen { " selected" } else { "" },
                )
            })
            .collect();
        m.push_str(&format!(
            "<form method=\"post\" action=\"/exercises\" id=\"library-form\">{}\
             <label>{}<select name=\"msel\" required>{options}</select></label>\
             <label>{}<input name=\"id\" value=\"{}\" maxlength=\"{}\" dir=\"ltr\" \
             autocomplete=\"off\"></label>\
             <label>{}<input name=\"name\" value=\"{}\" maxlength=\"{}\"></label>\
             <p>{}</p><button type=\"submit\">{}</button></form>",
            v.csrf_field(),
            v.t("exercise-new-msel"),
            v.t("exercise-new-id"),
            value("id"),
            aman_store::MAX_EXERCISE_ID_CHARS,
            v.t("exercise-new-name"),
            value("name"),
            aman_ops::exercise::MAX_NAME_CHARS,
            v.t("exercise-new-help"),
            v.t("exercise-new-submit"),
        ));
    }
    if !lib.other.is_empty() {
        m.push_str(&format!(
            "<h3>{}</h3><ul id=\"library-other\">",
            v.t("exercise-library-other")
        ));
        for e in &lib.other {
            m.push_str(&format!(
                "<li data-key=\"{}\">{}</li>",
                esc(&e.key),
                esc(&v.l.t_args(
                    "exercise-library-other-venue",
                    &[
                        ("name", aman_i18n::Arg::Str(&e.name)),
                        ("key", aman_i18n::Arg::Str(&e.key)),
                        (
                            "venue",
                            aman_i18n::Arg::Str(e.venue.as_deref().unwrap_or(""))
                        ),
                    ]
                ))
            ));
        }
        m.push_str("</ul>");
    }
    m.push_str("</section>");
    m
}

/// An entry as the select shows it: its name, key and injects.
fn entry_words(v: &Viewer, e: &Entry) -> String {
    v.l.t_args(
        "exercise-library-entry",
        &[
            ("name", aman_i18n::Arg::Str(&e.name)),
            ("key", aman_i18n::Arg::Str(&e.key)),
            ("injects", aman_i18n::Arg::Num(e.injects as f64)),
            ("crowd", aman_i18n::Arg::Num(e.crowd as f64)),
        ],
    )
}

/// A `.form-error` for field `name` of the new exercise form: its label (a message id) and
/// the problem, already in the viewer's language.
fn library_error(v: &Viewer, name: &str, label: &str, problem: &str) -> String {
    format!(
        "<p class=\"form-error\" role=\"alert\" data-field=\"{}\">{}</p>",
        esc(name),
        esc(&v.l.t_args(
            "form-error-field",
            &[
                ("field", aman_i18n::Arg::Str(&v.l.t(label))),
                ("problem", aman_i18n::Arg::Str(problem)),
            ]
        ))
    )
}

/// Why the library's entry could not be prepared.
enum Prep {
    Load(LoadError),
    Feed(aman_inject::MselFeedError),
}

/// `POST /exercises`: a trainer makes an exercise from the MSEL library (form fields `msel`:
/// an entry's key; `id`, optional; `name`, optional, for a CSV MSEL). The entry's crowd
/// injects are simulated here, then the exercise is made as by `POST /api/v1/exercises`
/// ([`crate::exercise::make`]); to its page (303), where the trainer starts it.
///
/// # Errors
/// 404 without a library (the list with the reason); bad input answers the list again
/// (422, `.form-error`), nothing stored; 429 while another exercise is being prepared; 503
/// if the store fails.
pub async fn create(
    State(live): State<AppState>,
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let fields = form_fields(&headers, &body)?;
    let refuse = async |status: StatusCode, name: &str, label: &str, problem: String| {
        let error = library_error(&v, name, label, &problem);
        list_page(&app, &v, status, Some((&fields, error))).await
    };
    let Some(lib) = live.library.clone() else {
        // No library (`--exercises`): nothing to make, 404 saying so.
        let problem = v.t("exercise-error-no-library");
        return refuse(StatusCode::NOT_FOUND, "msel", "exercise-new-msel", problem).await;
    };
    let key = field(&fields, "msel").unwrap_or("").trim();
    let Some(entry) = lib.entry(key).cloned() else {
        let problem = match lib.other_venue(key) {
            Some(e) => v.l.t_args(
                "exercise-error-other-venue",
                &[(
                    "venue",
                    aman_i18n::Arg::Str(e.venue.as_deref().unwrap_or("")),
                )],
            ),
            None => v.t("exercise-error-msel"),
        };
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "msel",
            "exercise-new-msel",
            problem,
        )
        .await;
    };
    let id = field(&fields, "id")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(id) = id {
        let problem = if aman_store::check_exercise_id(id).is_err() {
            Some("exercise-error-id")
        } else if live.exercises.get(id).is_some() {
            Some("exercise-error-id-taken")
        } else {
            None
        };
        if let Some(problem) = problem {
            let problem = v.t(problem);
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "id",
                "exercise-new-id",
                problem,
            )
            .await;
        }
    }
    let name = field(&fields, "name")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(n) = name {
        let problem = if entry.format != "csv" {
            Some("exercise-error-name-toml")
        } else {
            text_problem(n, aman_ops::exercise::MAX_NAME_CHARS)
        };
        if let Some(problem) = problem {
            let problem = v.t(problem);
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "name",
                "exercise-new-name",
                problem,
            )
            .await;
        }
    }
    // One preparation at a time: the simulation takes the CPU for seconds.
    let Ok(permit) = live.preparing.clone().try_acquire_owned() else {
        let problem = v.t("exercise-error-busy");
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "msel",
            "exercise-new-msel",
            problem,
        )
        .await;
    };
    let venue = live.venue.clone();
    let (lib2, entry2, name2) = (lib.clone(), entry.clone(), name.map(str::to_string));
    // The permit goes with the simulation: were this request dropped (the browser gone), it
    // is released when the simulation ends, not before.
    let prepared = tokio::task::spawn_blocking(move || {
        let made = lib2
            .load(&entry2, name2.as_deref())
            .map_err(Prep::Load)
            .and_then(|loaded| {
                let feeds = aman_inject::msel_feeds(&loaded.msel, &venue).map_err(Prep::Feed)?;
                Ok((loaded, aman_inject::feeds_json(&feeds)))
            });
        (made, permit)
    })
    .await
    .map_err(|e| AppError::Internal(format!("preparing the exercise: {e}")))?;
    let bounded = |s: String| crate::error::bounded(&s, 400);
    let ((loaded, feeds), permit) = match prepared {
        (Ok(x), permit) => (x, permit),
        (Err(e), permit) => {
            drop(permit);
            let problem = match e {
                Prep::Load(LoadError::Escapes { inject, .. }) => v.l.t_args(
                    "exercise-error-escapes",
                    &[("inject", aman_i18n::Arg::Str(&inject))],
                ),
                Prep::Load(LoadError::Scenario {
                    inject, message, ..
                }) => v.l.t_args(
                    "exercise-error-scenario",
                    &[
                        ("inject", aman_i18n::Arg::Str(&inject)),
                        ("reason", aman_i18n::Arg::Str(&bounded(message))),
                    ],
                ),
                Prep::Feed(f) => v.l.t_args(
                    "exercise-error-scenario",
                    &[
                        ("inject", aman_i18n::Arg::Str(&f.inject)),
                        (
                            "reason",
                            aman_i18n::Arg::Str(&bounded(f.source.to_string())),
                        ),
                    ],
                ),
                Prep::Load(other) => v.l.t_args(
                    "exercise-error-unfit",
                    &[("reason", aman_i18n::Arg::Str(&bounded(other.to_string())))],
                ),
            };
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "msel",
                "exercise-new-msel",
                problem,
            )
            .await;
        }
    };
    let feeds: Feeds = serde_json::from_value(feeds)
        .map_err(|e| AppError::Internal(format!("a crowd feed of the library: {e}")))?;
    let new = NewExercise {
        id: id.map(str::to_string),
        // A CSV MSEL is named by the form or after its file, as `aman exercise run` does.
        name: (entry.format == "csv").then(|| loaded.msel.name.clone()),
        msel: loaded.text,
        format: Some(entry.format.to_string()),
        feeds,
        start: false,
    };
    let made = crate::exercise::make(&live, &p, new).await;
    drop(permit);
    match made {
        Ok(status) => Ok(see_other(&format!("/exercises/{}", status.id))),
        Err(AppError::Conflict(_)) => {
            let problem = v.t("exercise-error-id-taken");
            refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "id",
                "exercise-new-id",
                problem,
            )
            .await
        }
        Err(AppError::Unprocessable { field: Some(f), .. }) if f == "id" => {
            let problem = v.t("exercise-error-id");
            refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "id",
                "exercise-new-id",
                problem,
            )
            .await
        }
        Err(AppError::Unprocessable { message, .. }) => {
            let problem = v.l.t_args(
                "exercise-error-unfit",
                &[("reason", aman_i18n::Arg::Str(&bounded(message)))],
            );
            refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "msel",
                "exercise-new-msel",
                problem,
            )
            .await
        }
        Err(e) => Err(e),
    }
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
