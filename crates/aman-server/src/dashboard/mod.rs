//! The operations dashboard: server-rendered pages in French, Arabic or English (the user's
//! language, [`aman_i18n`]), a small script (`static/app.js`) that keeps them live over the
//! WebSocket `/api/v1/live`, and a style sheet (`static/app.css`). Nothing is loaded from
//! outside the server. Every route is in [`crate::routes::ROUTES`].
//!
//! Pages: the venue map (`/map`), the alert board (`/alerts`), the incidents (`/incidents`,
//! `/incidents/{id}`, [`incidents`]) and units (`/units`, [`units`]) of joint operations with
//! their printable ICS-201 and ICS-214 forms ([`ics`]), the sensors (`/sensors`), a zone's
//! time series (`/zones/{id}`), the day report (`/report/day`, [`day`]), the forecast and its
//! what-if form (`/forecast`, [`forecast`]), the exercises, an exercise's injects and clock
//! controls, and its after-action report (`/exercises`, [`exercise`]), the login page
//! (`/login`). Forms (language, acknowledge, verdict, incident, unit, task, what-if, clock)
//! carry the session's CSRF token in the `csrf_token` field; their bad input is answered with
//! the page again and a `.form-error` in the user's language, nothing stored.
//!
//! Every text comes from the Fluent files of `aman-i18n` (a test scans this module for text
//! written in it); every figure is in Latin digits; every time in Paris and Casablanca time.

pub mod activity;
pub mod alerts;
pub mod day;
pub mod exercise;
pub mod forecast;
pub mod html;
pub mod ics;
pub mod incidents;
pub mod map;
pub mod sensors;
pub mod units;
pub mod zone;

use aman_i18n::{Lang, Localizer, localizer};
use aman_ops::access::{Action, can};
use aman_store::{AlertFilter, Language, User};
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::app::{AppState, now};
use crate::auth::{CSRF_FIELD, Caller, Principal};
use crate::error::AppError;
use crate::exercise::Ctx;
use html::{esc, script_json};

/// The script of the pages.
pub const APP_JS: &str = include_str!("static/app.js");
/// The style sheet of the pages.
pub const APP_CSS: &str = include_str!("static/app.css");

/// Most characters of a free-text field of a form (a verdict's note).
pub const MAX_NOTE_CHARS: usize = 500;

/// Who a page is rendered for: their language, account and CSRF token.
pub struct Viewer<'a> {
    /// The messages of the page's language.
    pub l: &'static Localizer,
    /// The logged-in person (none for an admin token or the login page).
    pub user: Option<&'a User>,
    /// The session's CSRF token, for the forms.
    pub csrf: &'a str,
    /// The exercise the request works in (its id), if any: every page then says so.
    pub exercise: Option<String>,
}

impl<'a> Viewer<'a> {
    /// The viewer of a request by `p`; a token (no person) reads the language of
    /// `Accept-Language`.
    pub fn of(p: &'a Principal, headers: &HeaderMap) -> Viewer<'a> {
        match p {
            Principal::User { session, .. } => Viewer {
                l: localizer(lang_of(session.user.language)),
                user: Some(&session.user),
                csrf: &session.csrf_token,
                exercise: crate::exercise::named(headers),
            },
            Principal::Token(_) => Viewer {
                l: localizer(accept_language(headers)),
                user: None,
                csrf: "",
                exercise: crate::exercise::named(headers),
            },
        }
    }

    /// Whether the viewer may do `action` (a token may do what the route table let in).
    pub fn may(&self, action: Action) -> bool {
        self.user.is_none_or(|u| can(u.role, action))
    }

    /// The language code, for names from the venue file.
    pub fn code(&self) -> &'static str {
        self.l.lang().code()
    }

    /// The hidden CSRF field of a form.
    pub fn csrf_field(&self) -> String {
        format!(
            "<input type=\"hidden\" name=\"{CSRF_FIELD}\" value=\"{}\">",
            esc(self.csrf)
        )
    }

    /// `t(id)`, escaped.
    pub fn t(&self, id: &str) -> String {
        esc(&self.l.t(id))
    }
}

/// The interface language of a stored language.
pub fn lang_of(l: Language) -> Lang {
    match l {
        Language::Fr => Lang::Fr,
        Language::Ar => Lang::Ar,
        Language::En => Lang::En,
    }
}

/// The first of the three languages named in `Accept-Language`, else French.
pub fn accept_language(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .filter_map(|part| part.split(';').next())
                .filter_map(|tag| Lang::parse(tag.trim().split('-').next().unwrap_or("")))
                .next()
        })
        .unwrap_or(Lang::Fr)
}

/// An HTML response.
pub fn html_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// A 303 to `to`.
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

/// The whole page: `<html lang dir>`, the header (who, open alerts, clock, navigation,
/// language and logout forms, live status), `main`, the messages for the script.
pub fn layout(v: &Viewer, page: &str, title: &str, open_alerts: u64, main: &str) -> String {
    let l = v.l;
    let lang = l.lang();
    let mut h = String::with_capacity(main.len() + 8192);
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · {}</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>\
         <body data-page=\"{page}\">",
        lang.code(),
        lang.dir(),
        esc(title),
        v.t("app-name"),
    ));
    h.push_str("<header class=\"top\">");
    h.push_str(&format!(
        "<a class=\"brand\" href=\"/map\">{}</a>",
        v.t("app-name")
    ));
    if let Some(u) = v.user {
        h.push_str("<nav class=\"main-nav\">");
        for (href, id) in [
            ("/map", "nav-map"),
            ("/alerts", "nav-alerts"),
            ("/incidents", "nav-incidents"),
            ("/units", "nav-units"),
            ("/sensors", "nav-sensors"),
            ("/report/day", "nav-report"),
            ("/forecast", "nav-forecast"),
            ("/exercises", "nav-exercises"),
        ] {
            let current = if href == format!("/{page}") {
                " aria-current=\"page\""
            } else {
                ""
            };
            h.push_str(&format!("<a href=\"{href}\"{current}>{}</a>", v.t(id)));
        }
        h.push_str("</nav><div class=\"status\">");
        h.push_str(&format!(
            "<span id=\"who\" dir=\"ltr\">{} · {}</span>",
            esc(&u.login),
            esc(&u.agency)
        ));
        h.push_str(&format!(
            "<a id=\"alert-count\" href=\"/alerts\" data-n=\"{open_alerts}\">{}</a>",
            esc(&l.count("alerts-open", open_alerts))
        ));
        let t = now().0;
        let offset = |zone| aman_i18n::time::local(t, zone).map_or(0, |l| l.offset_s);
        h.push_str(&format!(
            "<span id=\"clock\" data-offsets=\"{},{}\">{}</span>",
            offset(aman_i18n::time::PARIS),
            offset(aman_i18n::time::CASABLANCA),
            esc(&l.times(t))
        ));
        h.push_str(&format!(
            "<span id=\"live-status\" data-state=\"reconnecting\">{}</span>",
            v.t("live-reconnecting")
        ));
        h.push_str("</div><div class=\"account\">");
        h.push_str(&format!(
            "<form id=\"lang-form\" method=\"post\" action=\"/me/language\" aria-label=\"{}\">{}",
            v.t("lang-choose"),
            v.csrf_field()
        ));
        for other in Lang::ALL {
            let pressed = if other == lang { "true" } else { "false" };
            h.push_str(&format!(
                "<button type=\"submit\" name=\"language\" value=\"{c}\" lang=\"{c}\" \
                 aria-pressed=\"{pressed}\">{}</button>",
                v.t(&format!("lang-{}", other.code())),
                c = other.code()
            ));
        }
        h.push_str("</form>");
        h.push_str(&format!(
            "<form id=\"logout\" method=\"post\" action=\"/logout\">{}\
             <button type=\"submit\">{}</button></form>",
            v.csrf_field(),
            v.t("logout")
        ));
        h.push_str("</div>");
    }
    h.push_str("</header>");
    if let Some(id) = &v.exercise {
        // Every page of an exercise says so, in words and colour, with the way out.
        h.push_str(&format!(
            "<div id=\"exercise-banner\" class=\"exercise-banner\" role=\"status\" \
             data-exercise=\"{e}\"><span>{}</span> <a href=\"/exercises/{e}\">{}</a>\
             <form method=\"post\" action=\"/exercises/leave\">{}<button type=\"submit\">{}\
             </button></form></div>",
            esc(&v
                .l
                .t_args("exercise-banner", &[("name", aman_i18n::Arg::Str(id))])),
            v.t("exercise-injects"),
            v.csrf_field(),
            v.t("exercise-leave"),
            e = esc(id),
        ));
        // Where the script shows each inject as it is delivered (a message to the players).
        h.push_str(&format!(
            "<ol id=\"inject-pops\" class=\"inject-pops\" aria-live=\"assertive\" \
             aria-label=\"{}\"></ol>",
            v.t("inject-pops")
        ));
    }
    h.push_str("<main>");
    h.push_str(main);
    h.push_str("</main>");
    h.push_str(&format!(
        "<script type=\"application/json\" id=\"i18n\">{}</script>\
         <script src=\"/static/app.js\" defer></script></body></html>",
        script_json(&l.catalog())
    ));
    h
}

/// The number of open (raised or acknowledged) alerts of the venue.
pub async fn open_count(app: &AppState) -> Result<u64, AppError> {
    Ok(app
        .store
        .alerts(&app.venue.id, AlertFilter::Open, crate::api::MAX_LIST)
        .await?
        .len() as u64)
}

/// Why a login failed, as the page shows it (`data-error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginError {
    /// Wrong login or password (or a disabled account: the same answer).
    BadCredentials,
    /// The account is locked after repeated failures.
    Locked,
    /// Too many attempts from this address or for this login.
    RateLimited,
}

impl LoginError {
    fn code(self) -> &'static str {
        match self {
            LoginError::BadCredentials => "bad-credentials",
            LoginError::Locked => "locked",
            LoginError::RateLimited => "rate-limited",
        }
    }
}

/// The login page in `lang`, with the error of a failed attempt.
pub fn login_page(lang: Lang, error: Option<LoginError>, login: &str) -> String {
    let v = Viewer {
        l: localizer(lang),
        user: None,
        csrf: "",
        exercise: None,
    };
    let mut m = String::new();
    m.push_str(&format!(
        "<section class=\"login-box\"><h1>{}</h1><p class=\"tagline\">{}</p>",
        v.t("login-title"),
        v.t("app-tagline")
    ));
    if let Some(e) = error {
        m.push_str(&format!(
            "<p id=\"login-error\" class=\"form-error\" role=\"alert\" data-error=\"{}\">{}</p>",
            e.code(),
            v.t(&format!("login-error-{}", e.code()))
        ));
    }
    m.push_str(&format!(
        "<form id=\"login\" method=\"post\" action=\"/login\">\
         <input type=\"hidden\" name=\"lang\" value=\"{code}\">\
         <label>{}<input name=\"login\" autocomplete=\"username\" required maxlength=\"64\" \
         dir=\"ltr\" value=\"{}\"></label>\
         <label>{}<input name=\"password\" type=\"password\" autocomplete=\"current-password\" \
         required dir=\"ltr\"></label>\
         <button type=\"submit\">{}</button></form>",
        v.t("login-name"),
        esc(login),
        v.t("login-password"),
        v.t("login-submit"),
        code = lang.code(),
    ));
    m.push_str("<nav class=\"login-langs\">");
    for other in Lang::ALL {
        m.push_str(&format!(
            "<a href=\"/login?lang={c}\" lang=\"{c}\">{}</a>",
            v.t(&format!("lang-{}", other.code())),
            c = other.code()
        ));
    }
    m.push_str("</nav></section>");
    layout(&v, "login", &v.l.t("login-title"), 0, &m)
}

/// Query of `GET /login`.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    /// `fr`, `ar` or `en`.
    pub lang: Option<String>,
}

/// `GET /login`: the login form, in `?lang=` or the browser's language.
pub async fn login_form(
    headers: HeaderMap,
    q: Result<Query<LoginQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let lang = q
        .ok()
        .and_then(|Query(q)| q.lang)
        .and_then(|c| Lang::parse(&c))
        .unwrap_or_else(|| accept_language(&headers));
    html_response(StatusCode::OK, login_page(lang, None, ""))
}

/// The answer to a page asked without a session: 401 with the login form.
pub fn unauthorized_page(headers: &HeaderMap) -> Response {
    html_response(
        StatusCode::UNAUTHORIZED,
        login_page(accept_language(headers), None, ""),
    )
}

/// `GET /`: to the map.
pub async fn root(_: Caller) -> Response {
    see_other("/map")
}

/// `GET /static/app.js`.
pub async fn app_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        APP_JS,
    )
        .into_response()
}

/// `GET /static/app.css`.
pub async fn app_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        APP_CSS,
    )
        .into_response()
}

/// The fields of a form body (URL-encoded or a JSON object of strings); duplicate names keep
/// the last.
pub fn form_fields(headers: &HeaderMap, body: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.starts_with("application/json") {
        let v: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| AppError::BadRequest {
                message: format!("body: {e}"),
                field: None,
            })?;
        return Ok(v
            .as_object()
            .map(|o| {
                o.iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                    .collect()
            })
            .unwrap_or_default());
    }
    serde_urlencoded::from_bytes(body).map_err(|e| AppError::BadRequest {
        message: format!("form: {e}"),
        field: None,
    })
}

/// The value of field `name`.
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Why a free text is refused, as a message id: Unicode bidirectional controls (which can
/// reorder what others read, Unicode TR #9 and CVE-2021-42574), other control characters,
/// markup, or more than `max` characters.
pub fn text_problem(s: &str, max: usize) -> Option<&'static str> {
    if s.chars().count() > max {
        return Some("form-error-too-long");
    }
    if s.chars().any(|c| {
        matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{2028}' | '\u{2029}')
    }) {
        return Some("form-error-bidi");
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Some("form-error-control");
    }
    if s.contains('<') || s.contains('>') {
        return Some("form-error-markup");
    }
    None
}

/// A `.form-error` for field `name`.
pub fn form_error(v: &Viewer, name: &str, id: &str) -> String {
    format!(
        "<p class=\"form-error\" role=\"alert\" data-field=\"{}\">{}</p>",
        esc(name),
        v.t(id)
    )
}

/// `POST /me/language`: stores the user's language and goes back to the page (or the map).
pub async fn set_language(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = form_fields(&headers, &body)?;
    let chosen = field(&fields, "language").and_then(Language::parse);
    let Principal::User { session, .. } = &p else {
        return Err(AppError::BadRequest {
            message: "a token has no language; log in as a person".into(),
            field: None,
        });
    };
    let Some(language) = chosen else {
        let v = Viewer::of(&p, &headers);
        let main = format!(
            "<section class=\"panel\"><h1>{}</h1>{}</section>",
            v.t("lang-choose"),
            form_error(&v, "language", "form-error-language")
        );
        let open = open_count(&app).await?;
        return Ok(html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            layout(&v, "account", &v.l.t("lang-choose"), open, &main),
        ));
    };
    let who = crate::audit::actor(&p);
    let before = session.user.language.code();
    app.store
        .set_language_audited(&session.user.login, language, &|u: &User| {
            crate::audit::entry(
                who.clone(),
                "user.language",
                format!("user/{}", u.login),
                Some(serde_json::json!({ "language": before })),
                Some(serde_json::json!({"language": u.language.code()})),
            )
        })
        .await?;
    tracing::info!(login = %session.user.login, language = language.code(), "language set");
    Ok(see_other(&back_to(&headers)))
}

/// The page to go back to after a form: the `Referer`'s path if it is one of this server's
/// pages, else the map.
pub fn back_to(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.strip_prefix(host))
        .filter(|path| {
            path.starts_with('/')
                && !path.starts_with("//")
                && path
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/-_.?=&%".contains(c))
        })
        .map_or_else(|| "/map".to_string(), str::to_string)
}

/// Whether the client asked for JSON (the script's form posts).
pub fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// The message id of a refusal with `status`, for a person (the API's JSON error says more,
/// in English, for programs): `csrf` for a form without its session's token.
pub fn refusal_message(status: StatusCode, csrf: bool) -> &'static str {
    match status {
        StatusCode::FORBIDDEN if csrf => "error-csrf",
        StatusCode::FORBIDDEN => "error-forbidden",
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::CONFLICT => "error-conflict",
        StatusCode::PAYLOAD_TOO_LARGE => "error-too-large",
        StatusCode::TOO_MANY_REQUESTS => "error-too-many",
        s if s.is_client_error() => "error-bad-request",
        _ => "error-unavailable",
    }
}

/// A refused page or form, as a page in the person's language (the session's, else the
/// browser's) with `status`, saying why in one sentence and linking back: what a person sees
/// instead of the API's JSON error (e.g. a form sent after its session's CSRF token changed,
/// or by a role that may not).
pub async fn error_page(
    app: &AppState,
    who: Option<&Principal>,
    headers: &HeaderMap,
    status: StatusCode,
    csrf: bool,
) -> Response {
    let anonymous = Viewer {
        l: localizer(accept_language(headers)),
        user: None,
        csrf: "",
        exercise: None,
    };
    let v = who.map_or(anonymous, |p| Viewer::of(p, headers));
    let id = refusal_message(status, csrf);
    let main = format!(
        "<section class=\"panel error-page\" role=\"alert\" data-status=\"{}\" data-error=\"{id}\">\
         <h1>{}</h1><p><a href=\"{}\">{}</a></p></section>",
        status.as_u16(),
        v.t(id),
        esc(&back_to(headers)),
        v.t("error-back"),
    );
    // The count in the header is a nicety: a failing store must not hide the refusal.
    let open = if v.user.is_some() {
        open_count(app).await.unwrap_or(0)
    } else {
        0
    };
    let page = if v.user.is_some() { "error" } else { "login" };
    html_response(status, layout(&v, page, &v.l.t(id), open, &main))
}

/// A 404 page.
pub fn not_found_page(v: &Viewer, open: u64) -> Response {
    let main = format!(
        "<section class=\"panel\"><h1>{}</h1><p><a href=\"/map\">{}</a></p></section>",
        v.t("not-found"),
        v.t("nav-map")
    );
    html_response(
        StatusCode::NOT_FOUND,
        layout(v, "map", &v.l.t("not-found"), open, &main),
    )
}
