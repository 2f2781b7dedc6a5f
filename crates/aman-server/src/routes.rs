//! The route table: every route of the server, its action and its scope, in one list from
//! which [`crate::router`] is built. The access check ([`authorize`]) is applied to each
//! route from its row, so a route cannot exist without saying who may call it, and the
//! access-control tests enumerate this same list (`tests/access.rs`).

use std::collections::BTreeMap;

use aman_ops::access::Action;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, patch, post};

use crate::app::AppState;
use crate::auth::{
    CSRF_FIELD, CSRF_HEADER, Principal, check_origin, csrf_matches, session, session_id, verified,
};
use crate::error::AppError;
use crate::{OPENAPI, api, dashboard, exercise, forecast, ingest, live, ops, users};

/// Whose objects a route reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Joint objects of the venue (zones, lines, sensors, readings, alerts, CAP messages,
    /// agencies), seen by every agency; or no object at all. Today every operational
    /// object is joint: both forces watch the same venue.
    Joint,
    /// An object owned by one agency (a user account; an incident, unit or task), seen by
    /// another agency only if shared with it ([`aman_ops::access::visible`],
    /// [`aman_ops::access::sees`]); otherwise answered 404, and absent from lists.
    Agency,
}

/// One route.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// `GET`, `POST` or `PATCH`.
    pub method: &'static str,
    /// axum path, `{param}` for parameters.
    pub path: &'static str,
    /// What it does (who may: [`aman_ops::access::can`]).
    pub action: Action,
    /// Whose objects it reaches.
    pub scope: Scope,
    /// The handler.
    pub handler: fn() -> MethodRouter<AppState>,
}

const fn r(
    method: &'static str,
    path: &'static str,
    action: Action,
    scope: Scope,
    handler: fn() -> MethodRouter<AppState>,
) -> Route {
    Route {
        method,
        path,
        action,
        scope,
        handler,
    }
}

use Action as A;
use Scope::{Agency, Joint};

/// Every route of the server.
pub static ROUTES: &[Route] = &[
    r("GET", "/health", A::Public, Joint, || get(api::health)),
    r("GET", "/api/openapi.json", A::Public, Joint, || {
        get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) })
    }),
    r("POST", "/login", A::Public, Joint, || post(users::login)),
    r("GET", "/login", A::Public, Joint, || {
        get(dashboard::login_form)
    }),
    r("GET", "/static/app.js", A::Public, Joint, || {
        get(dashboard::app_js)
    }),
    r("GET", "/static/app.css", A::Public, Joint, || {
        get(dashboard::app_css)
    }),
    r("GET", "/", A::Read, Joint, || get(dashboard::root)),
    r("GET", "/map", A::Read, Joint, || get(dashboard::map::page)),
    r("GET", "/report/day", A::Read, Joint, || {
        get(dashboard::day::page)
    }),
    r("GET", "/alerts", A::Read, Joint, || {
        get(dashboard::alerts::page)
    }),
    r("GET", "/sensors", A::Read, Joint, || {
        get(dashboard::sensors::page)
    }),
    r("GET", "/zones/{id}", A::Read, Joint, || {
        get(dashboard::zone::page)
    }),
    r(
        "POST",
        "/alerts/{id}/acknowledge",
        A::AcknowledgeAlert,
        Joint,
        || post(dashboard::alerts::acknowledge),
    ),
    r("POST", "/alerts/{id}/verdict", A::JudgeAlert, Joint, || {
        post(dashboard::alerts::verdict)
    }),
    r(
        "POST",
        "/alerts/{id}/resolve",
        A::ResolveAlert,
        Joint,
        || post(dashboard::alerts::resolve),
    ),
    r("POST", "/me/language", A::OwnAccount, Joint, || {
        post(dashboard::set_language)
    }),
    r("POST", "/logout", A::OwnAccount, Joint, || {
        post(users::logout)
    }),
    r("GET", "/api/v1/me", A::OwnAccount, Joint, || get(users::me)),
    r("POST", "/api/v1/me/password", A::OwnAccount, Joint, || {
        post(users::change_password)
    }),
    r("GET", "/api/v1/agencies", A::Read, Joint, || {
        get(users::agencies)
    }),
    r("GET", "/api/v1/users", A::ManageUsers, Joint, || {
        get(users::list)
    }),
    r("POST", "/api/v1/users", A::ManageUsers, Joint, || {
        post(users::create)
    }),
    r(
        "GET",
        "/api/v1/users/{login}",
        A::ManageUsers,
        Agency,
        || get(users::get_user),
    ),
    r(
        "POST",
        "/api/v1/users/{login}/disable",
        A::ManageUsers,
        Agency,
        || post(users::disable),
    ),
    r(
        "POST",
        "/api/v1/sensors/{sensor}/readings",
        A::PostReadings,
        Joint,
        || post(ingest::post_readings),
    ),
    r("GET", "/api/v1/venue", A::Read, Joint, || get(api::venue)),
    r("GET", "/api/v1/state", A::Read, Joint, || get(api::state)),
    // The joint state and alerts, and the incidents, units and tasks the caller sees.
    r("GET", "/api/v1/live", A::Read, Agency, || get(live::live)),
    r("GET", "/api/v1/sensors", A::Read, Joint, || {
        get(api::sensors)
    }),
    r("GET", "/api/v1/{kind}/{id}/history", A::Read, Joint, || {
        get(api::history)
    }),
    r("GET", "/api/v1/alerts", A::Read, Joint, || get(api::alerts)),
    r("GET", "/api/v1/alerts/stats", A::Read, Joint, || {
        get(api::stats)
    }),
    r("GET", "/api/v1/alerts/{id}", A::Read, Joint, || {
        get(api::alert)
    }),
    r("GET", "/api/v1/alerts/{id}/cap/{n}", A::Read, Joint, || {
        get(api::cap_xml)
    }),
    r(
        "POST",
        "/api/v1/alerts/{id}/acknowledge",
        A::AcknowledgeAlert,
        Joint,
        || post(api::acknowledge),
    ),
    r(
        "POST",
        "/api/v1/alerts/{id}/verdict",
        A::JudgeAlert,
        Joint,
        || post(api::verdict),
    ),
    r(
        "POST",
        "/api/v1/alerts/{id}/resolve",
        A::ResolveAlert,
        Joint,
        || post(api::resolve),
    ),
    r("GET", "/api/v1/cap/current.json", A::Read, Joint, || {
        get(api::current_json)
    }),
    r("GET", "/api/v1/cap/feed.atom", A::Read, Joint, || {
        get(api::feed_atom)
    }),
    r("GET", "/api/v1/forecast", A::Read, Joint, || {
        get(forecast::latest)
    }),
    r("POST", "/api/v1/forecast/what-if", A::WhatIf, Joint, || {
        post(forecast::what_if)
    }),
    r("GET", "/forecast", A::Read, Joint, || {
        get(dashboard::forecast::page)
    }),
    r("POST", "/forecast/what-if", A::WhatIf, Joint, || {
        post(dashboard::forecast::what_if)
    }),
    // Joint operations: records of an agency, shared or restricted (crate::ops).
    r("GET", "/api/v1/incidents", A::Read, Agency, || {
        get(ops::list_incidents)
    }),
    r(
        "POST",
        "/api/v1/incidents",
        A::ManageIncidents,
        Agency,
        || post(ops::create_incident),
    ),
    r("GET", "/api/v1/incidents/{id}", A::Read, Agency, || {
        get(ops::get_incident)
    }),
    r(
        "PATCH",
        "/api/v1/incidents/{id}",
        A::ManageIncidents,
        Agency,
        || patch(ops::patch_incident),
    ),
    r(
        "POST",
        "/api/v1/incidents/{id}/status",
        A::ManageIncidents,
        Agency,
        || post(ops::set_status),
    ),
    r(
        "POST",
        "/api/v1/incidents/{id}/share",
        A::ShareRecord,
        Agency,
        || post(ops::share),
    ),
    r(
        "POST",
        "/api/v1/incidents/{id}/tasks",
        A::TaskUnits,
        Agency,
        || post(ops::create_task),
    ),
    r(
        "POST",
        "/api/v1/alerts/{id}/incident",
        A::ManageIncidents,
        Agency,
        || post(ops::from_alert),
    ),
    r("GET", "/api/v1/units", A::Read, Agency, || {
        get(ops::list_units)
    }),
    r("POST", "/api/v1/units", A::ManageUnits, Agency, || {
        post(ops::create_unit)
    }),
    r("GET", "/api/v1/units/{id}", A::Read, Agency, || {
        get(ops::get_unit)
    }),
    r(
        "PATCH",
        "/api/v1/units/{id}",
        A::ManageUnits,
        Agency,
        || patch(ops::patch_unit),
    ),
    r(
        "GET",
        "/api/v1/units/{id}/ics214.csv",
        A::Read,
        Agency,
        || get(ops::ics214_csv),
    ),
    r("PATCH", "/api/v1/tasks/{id}", A::TaskUnits, Agency, || {
        patch(ops::patch_task)
    }),
    r("GET", "/units/{id}/ics214", A::Read, Agency, || {
        get(dashboard::ics::ics214)
    }),
    r("GET", "/incidents/{id}/ics201", A::Read, Agency, || {
        get(dashboard::ics::ics201)
    }),
    // Joint operations in the dashboard (crate::dashboard::incidents, ::units).
    r("GET", "/incidents", A::Read, Agency, || {
        get(dashboard::incidents::list)
    }),
    r("POST", "/incidents", A::ManageIncidents, Agency, || {
        post(dashboard::incidents::create)
    }),
    r("GET", "/incidents/{id}", A::Read, Agency, || {
        get(dashboard::incidents::page)
    }),
    r(
        "POST",
        "/incidents/{id}",
        A::ManageIncidents,
        Agency,
        || post(dashboard::incidents::edit),
    ),
    r(
        "POST",
        "/incidents/{id}/status",
        A::ManageIncidents,
        Agency,
        || post(dashboard::incidents::set_status),
    ),
    r(
        "POST",
        "/incidents/{id}/share",
        A::ShareRecord,
        Agency,
        || post(dashboard::incidents::share),
    ),
    r(
        "POST",
        "/incidents/{id}/tasks",
        A::TaskUnits,
        Agency,
        || post(dashboard::incidents::create_task),
    ),
    r("POST", "/tasks/{id}", A::TaskUnits, Agency, || {
        post(dashboard::incidents::task_state)
    }),
    r(
        "POST",
        "/alerts/{id}/incident",
        A::ManageIncidents,
        Agency,
        || post(dashboard::incidents::from_alert),
    ),
    r("GET", "/units", A::Read, Agency, || {
        get(dashboard::units::page)
    }),
    r("POST", "/units", A::ManageUnits, Agency, || {
        post(dashboard::units::create)
    }),
    r("POST", "/units/{id}", A::ManageUnits, Agency, || {
        post(dashboard::units::set_status)
    }),
    // Exercises (crate::exercise): made and driven by a trainer; anyone may join one.
    r("GET", "/api/v1/exercises", A::Read, Joint, || {
        get(exercise::list)
    }),
    r("POST", "/api/v1/exercises", A::RunExercise, Joint, || {
        post(exercise::create)
    }),
    r("GET", "/api/v1/exercises/{id}", A::Read, Joint, || {
        get(exercise::get)
    }),
    r(
        "POST",
        "/api/v1/exercises/{id}/clock",
        A::RunExercise,
        Joint,
        || post(exercise::clock),
    ),
    r(
        "GET",
        "/api/v1/exercises/{id}/report",
        A::Read,
        Joint,
        || get(exercise::report),
    ),
    r("GET", "/exercises", A::Read, Joint, || {
        get(dashboard::exercise::list)
    }),
    r("POST", "/exercises", A::RunExercise, Joint, || {
        post(dashboard::exercise::create)
    }),
    r("GET", "/exercises/{id}", A::Read, Joint, || {
        get(dashboard::exercise::page)
    }),
    r("GET", "/exercises/{id}/report", A::Read, Joint, || {
        get(dashboard::exercise::report)
    }),
    r("POST", "/exercises/{id}/join", A::OwnAccount, Joint, || {
        post(dashboard::exercise::join)
    }),
    r("POST", "/exercises/leave", A::OwnAccount, Joint, || {
        post(dashboard::exercise::leave)
    }),
    r(
        "POST",
        "/exercises/{id}/clock",
        A::RunExercise,
        Joint,
        || post(dashboard::exercise::clock),
    ),
];

/// The method routers of [`ROUTES`], each behind its access check, grouped by path.
pub(crate) fn method_routers(state: &AppState) -> BTreeMap<&'static str, MethodRouter<AppState>> {
    let mut by_path: BTreeMap<&'static str, MethodRouter<AppState>> = BTreeMap::new();
    for route in ROUTES {
        let checked =
            (route.handler)().route_layer(from_fn_with_state((state.clone(), route), authorize));
        let merged = match by_path.remove(route.path) {
            Some(m) => m.merge(checked),
            None => checked,
        };
        by_path.insert(route.path, merged);
    }
    by_path
}

/// Whether a route is a page of the dashboard (or one of its forms), answered in HTML: not
/// the API, not the static files, not login and logout.
pub fn is_page(route: &Route) -> bool {
    !route.path.starts_with("/api/")
        && !route.path.starts_with("/static/")
        && !matches!(route.path, "/health" | "/login" | "/logout")
}

/// Whether a route belongs to the dashboard — its pages and forms, the login page, the static
/// files — documented in `docs/serve.md` §2.9 rather than in the API's OpenAPI description.
pub fn is_dashboard(route: &Route) -> bool {
    is_page(route)
        || route.path.starts_with("/static/")
        || (route.path == "/login" && route.method == "GET")
}

fn safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The access check of one route: authenticates the request (bearer token or session
/// cookie), checks the Origin and the CSRF token of a session's state-changing request,
/// checks the route's action against the caller's role, and hands the caller to the
/// handler ([`crate::auth::Caller`]). Agency scoping of a route's object is checked by its
/// handler, which loads the object.
async fn authorize(
    State((app, route)): State<(AppState, &'static Route)>,
    req: Request,
    next: Next,
) -> Response {
    // A person's page or form (not the script's JSON calls) is answered with a page.
    let headers =
        (is_page(route) && !dashboard::wants_json(req.headers())).then(|| req.headers().clone());
    match check(&app, route, req).await {
        Ok(req) => {
            let who = headers
                .as_ref()
                .and_then(|_| req.extensions().get::<Principal>().cloned());
            let response = too_large_as_json(&app, next.run(req).await);
            let Some(headers) = headers else {
                return response;
            };
            if response.status().is_success() || response.status().is_redirection() {
                return response;
            }
            let is_json = response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json"));
            if !is_json {
                return response;
            }
            let status = response.status();
            dashboard::error_page(&app, who.as_ref(), &headers, status, false).await
        }
        Err(e) => {
            // Every refusal is logged (route and status, never the credential or the body);
            // an audit log in the store comes with the joint log.
            tracing::info!(
                method = route.method,
                route = route.path,
                status = e.status().as_u16(),
                "access refused"
            );
            let Some(headers) = headers else {
                return e.into_response();
            };
            if let AppError::Unauthorized(_) = e {
                // A person sees the login form; the status still says 401.
                return dashboard::unauthorized_page(&headers);
            }
            // The page in the language of the session, if the request has a live one.
            let who = match session_id(&headers) {
                Some(id) => session(&app, &id).await.ok().map(|s| Principal::User {
                    session_id: id,
                    session: Box::new(s),
                }),
                None => None,
            };
            let csrf = matches!(e, AppError::Csrf(_));
            dashboard::error_page(&app, who.as_ref(), &headers, e.status(), csrf).await
        }
    }
}

async fn check(app: &AppState, route: &Route, mut req: Request) -> Result<Request, AppError> {
    if route.action == Action::Public {
        return Ok(req);
    }
    let has_bearer = req.headers().contains_key(header::AUTHORIZATION);
    let cookie = session_id(req.headers());
    if route.action == Action::PostReadings {
        if !has_bearer && cookie.is_some() {
            return Err(AppError::Forbidden(
                "readings are posted by sensors with their own token (aman token create \
                 --sensor), not with a user's session"
                    .into(),
            ));
        }
        // The handler verifies the sensor's token itself, counting refusals per sensor.
        return Ok(req);
    }
    let principal = if has_bearer {
        Principal::Token(verified(req.headers(), app).await?)
    } else if let Some(id) = cookie {
        let s = session(app, &id).await?;
        check_origin(req.headers())?;
        if !safe(req.method()) {
            let (r, given) = csrf_token_of(req, app.limits.max_body).await?;
            req = r;
            if !given.as_deref().is_some_and(|g| csrf_matches(&s, g)) {
                return Err(AppError::Csrf(format!(
                    "{} the CSRF token of your session: send it in the {CSRF_HEADER} header \
                     or the {CSRF_FIELD} form field (GET /api/v1/me gives it)",
                    if given.is_some() {
                        "this request has not"
                    } else {
                        "this request lacks"
                    }
                )));
            }
        }
        Principal::User {
            session_id: id,
            session: Box::new(s),
        }
    } else {
        return Err(AppError::Unauthorized(
            "no token or session: log in (POST /login) or send 'Authorization: Bearer \
             <token>' (create one with 'aman token create')"
                .into(),
        ));
    };
    principal.allows(route.action)?;
    // The exercise the request works in, if it names one: the handler gets its context.
    if let Some(id) = exercise::named(req.headers()) {
        let Some(e) = app.exercises.get(&id) else {
            return Err(AppError::NotFound(format!(
                "exercise {} not found: leave it (remove the {} header or the {} \
                 cookie) or name one of GET /api/v1/exercises",
                crate::error::echo(&id),
                exercise::EXERCISE_HEADER,
                exercise::EXERCISE_COOKIE
            )));
        };
        req.extensions_mut().insert(e);
    }
    req.extensions_mut().insert(principal);
    Ok(req)
}

/// A body over the limit refused by an extractor before its handler ran (axum answers 413
/// in plain text) in the API's JSON shape, like every other error: 413 on every route that
/// reads a body, whatever extractor it uses.
fn too_large_as_json(app: &AppState, response: Response) -> Response {
    let plain = response.status() == StatusCode::PAYLOAD_TOO_LARGE
        && !response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
    if !plain {
        return response;
    }
    AppError::TooLarge(format!(
        "the body is larger than {} bytes",
        app.limits.max_body
    ))
    .into_response()
}

/// The CSRF token of a request: its header, else the form field of a URL-encoded body
/// (read, then put back for the handler).
async fn csrf_token_of(
    req: Request,
    max_body: usize,
) -> Result<(Request, Option<String>), AppError> {
    if let Some(v) = req.headers().get(CSRF_HEADER) {
        let v = v.to_str().unwrap_or("").to_string();
        return Ok((req, Some(v)));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((req, None));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, max_body)
        .await
        .map_err(|_| AppError::TooLarge(format!("the body is larger than {max_body} bytes")))?;
    let given = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v)
        });
    Ok((
        Request::from_parts(parts, axum::body::Body::from(bytes)),
        given,
    ))
}
