//! People: login and logout, one's own account, agencies, and the accounts an agency's
//! admin manages.
//!
//! Login (`POST /login`, JSON `{"login", "password"}` or an HTML form) is
//! - **rate-limited** per client address and per login name (token buckets,
//!   [`crate::Limits::login_burst`] attempts then [`crate::Limits::login_per_min`] a minute;
//!   429 with `Retry-After`). The client address is the TCP peer: `X-Forwarded-For` is not
//!   trusted (put a proxy's own limit in front if there is one);
//! - **locked** after [`MAX_FAILURES`] consecutive failures for [`LOCK_TIME`] (OWASP
//!   Authentication Cheat Sheet, account lockout), counted in the store so a restart does not
//!   reset it; a password change by an admin (`aman user passwd`) lifts the lock. Logins that
//!   name no user are locked the same way in memory, so the lock does not tell which logins
//!   exist;
//! - **uniform**: an unknown login, a wrong password and a disabled account get the same
//!   401 "invalid login or password", and an unknown login is still checked against a dummy
//!   Argon2 hash so the time taken does not tell either.
//!
//! The password is never logged, echoed or stored in clear.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aman_ops::access::{ROLES, Role, visible};
use aman_store::password::{self, MAX_PASSWORD_BYTES, MAX_PASSWORD_CHARS};
use aman_store::{Language, MAX_LOGIN_CHARS, NewUser, Password, StoreError, Timestamp, User};
use axum::Json;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::{AppState, RateLimiter, now};
use crate::auth::{
    Caller, Principal, SESSION_ABSOLUTE, check_origin, clear_session_cookie, session_cookie,
};
use crate::error::AppError;

/// Consecutive failed logins that lock an account.
pub const MAX_FAILURES: u32 = 5;
/// How long a lock lasts (15 min).
pub const LOCK_TIME: Duration = Duration::from_secs(15 * 60);
/// Largest body of `POST /login`, bytes.
const MAX_LOGIN_BODY: usize = 16 << 10;
/// The one answer to a failed login.
const INVALID: &str = "invalid login or password";
/// Most unknown logins whose failures are remembered (then forgotten at once).
const PHANTOM_MAX: usize = 100_000;

/// Login throttling state: rate limits per address and per login, and the failure counts of
/// logins that name no user.
#[derive(Debug, Default)]
pub struct LoginGuard {
    by_addr: RateLimiter,
    by_login: RateLimiter,
    phantom: Mutex<HashMap<String, (u32, Option<Instant>)>>,
}

impl LoginGuard {
    /// The lock of an unknown login, if locked: seconds left.
    fn phantom_locked(&self, login: &str) -> Option<u64> {
        let map = self.phantom.lock().ok()?;
        let (_, until) = map.get(login)?;
        let until = (*until)?;
        let left = until.saturating_duration_since(Instant::now());
        (!left.is_zero()).then(|| left.as_secs().max(1))
    }

    /// Counts a failure of an unknown login; seconds of lock if it now locks.
    fn phantom_failure(&self, login: &str) -> Option<u64> {
        let mut map = self.phantom.lock().ok()?;
        if map.len() >= PHANTOM_MAX {
            map.clear();
        }
        let e = map.entry(login.to_string()).or_insert((0, None));
        e.0 += 1;
        if e.0 >= MAX_FAILURES {
            e.0 = 0;
            e.1 = Some(Instant::now() + LOCK_TIME);
            return Some(LOCK_TIME.as_secs());
        }
        None
    }
}

/// Body of `POST /login`.
#[derive(Deserialize)]
struct LoginBody {
    login: String,
    password: String,
    /// The language of the login page a form was sent from (for its error message).
    #[serde(default)]
    lang: Option<String>,
}

fn locked(until: Timestamp, secs: u64) -> AppError {
    AppError::TooMany {
        message: format!(
            "{LOCKED_PREFIX}: this account is locked until {until} ({} min); an admin \
             can unlock it by setting a new password (aman user passwd)",
            secs.div_ceil(60)
        ),
        retry_after_s: secs,
    }
}

fn secs_until(t: Timestamp, now: Timestamp) -> u64 {
    u64::try_from((t.0 - now.0).max(0) / 1_000_000)
        .unwrap_or(0)
        .max(1)
}

fn user_json(u: &User) -> Value {
    json!({
        "login": u.login, "display_name": u.display_name, "agency": u.agency,
        "role": u.role.name(), "language": u.language.code(),
        "disabled": u.disabled_at.is_some(), "disabled_at": u.disabled_at,
        "locked_until": u.locked_until, "created_at": u.created_at,
    })
}

/// Parses a JSON or URL-encoded body into `T`.
fn parse_body<T: serde::de::DeserializeOwned>(
    content_type: &str,
    bytes: &[u8],
    expected: &str,
) -> Result<T, AppError> {
    let parsed = if content_type.starts_with("application/x-www-form-urlencoded") {
        serde_urlencoded::from_bytes::<T>(bytes).map_err(|e| e.to_string())
    } else {
        serde_json::from_slice::<T>(bytes).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| AppError::BadRequest {
        message: format!("body: {e}; expected {expected}"),
        field: None,
    })
}

/// `POST /login`: a session cookie and the session's CSRF token, or 401/429.
///
/// A JSON client gets JSON. A form (the login page) gets a 303 to the map with the cookie, or
/// the login page again with the reason (`#login-error`) in the page's language.
pub async fn login(State(app): State<AppState>, req: Request) -> Result<Response, AppError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let accept_lang = crate::dashboard::accept_language(req.headers());
    if !is_form {
        let (user, id, csrf, t) = login_checked(&app, req, &mut None).await?;
        let body = json!({"user": user_json(&user), "csrf_token": csrf,
                          "expires_at": t.add_secs(SESSION_ABSOLUTE.as_secs_f64())});
        return Ok((
            StatusCode::OK,
            [(header::SET_COOKIE, session_cookie(&id))],
            Json(body),
        )
            .into_response());
    }
    let mut given = None;
    match login_checked(&app, req, &mut given).await {
        Ok((_, id, _, _)) => Ok((
            StatusCode::SEE_OTHER,
            [
                (header::SET_COOKIE, session_cookie(&id)),
                (header::LOCATION, header::HeaderValue::from_static("/map")),
            ],
        )
            .into_response()),
        Err(e @ AppError::Forbidden(_)) => Err(e),
        Err(e) => {
            use crate::dashboard::LoginError as L;
            let kind = match &e {
                AppError::TooMany { message, .. } if message.starts_with(LOCKED_PREFIX) => {
                    L::Locked
                }
                AppError::TooMany { .. } => L::RateLimited,
                AppError::Unauthorized(_) | AppError::Unprocessable { .. } => L::BadCredentials,
                AppError::BadRequest { .. } => L::BadCredentials,
                _ => return Err(e),
            };
            let (login, lang) = given.unwrap_or_default();
            let lang = aman_i18n::Lang::parse(&lang).unwrap_or(accept_lang);
            let login = if login.chars().count() > MAX_LOGIN_CHARS {
                String::new()
            } else {
                login
            };
            let page = crate::dashboard::login_page(lang, Some(kind), &login);
            let mut r = crate::dashboard::html_response(e.status(), page);
            if let AppError::TooMany { retry_after_s, .. } = e
                && let Ok(v) = header::HeaderValue::from_str(&retry_after_s.to_string())
            {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(r)
        }
    }
}

/// The start of the message of a locked account.
const LOCKED_PREFIX: &str = "too many failed logins";

/// Checks a login request; the session started: (user, session id, CSRF token, now).
/// `given` gets the login and page language sent, once the body is read.
async fn login_checked(
    app: &AppState,
    req: Request,
    given: &mut Option<(String, String)>,
) -> Result<(User, String, String, Timestamp), AppError> {
    check_origin(req.headers())?;
    let addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string());
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = axum::body::to_bytes(req.into_body(), MAX_LOGIN_BODY)
        .await
        .map_err(|_| {
            AppError::TooLarge(format!("a login body has at most {MAX_LOGIN_BODY} bytes"))
        })?;
    let b: LoginBody = parse_body(
        &content_type,
        &bytes,
        "{\"login\": \"…\", \"password\": \"…\"} (JSON or a form)",
    )?;
    *given = Some((b.login.clone(), b.lang.clone().unwrap_or_default()));
    if b.login.chars().count() > MAX_LOGIN_CHARS {
        return Err(AppError::Unprocessable {
            message: format!("login: too long: a login has at most {MAX_LOGIN_CHARS} characters"),
            field: Some("login".into()),
        });
    }
    if b.password.chars().count() > MAX_PASSWORD_CHARS || b.password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::Unprocessable {
            message: format!(
                "password: too long: a password has at most {MAX_PASSWORD_CHARS} characters"
            ),
            field: Some("password".into()),
        });
    }
    let (per_min, burst) = (app.limits.login_per_min, app.limits.login_burst);
    for (limiter, key, what) in [
        (&app.logins.by_addr, addr.as_str(), "from this address"),
        (&app.logins.by_login, b.login.as_str(), "for this login"),
    ] {
        if let Err(wait) = limiter.take_with(key, 1, per_min / 60.0, burst) {
            return Err(AppError::TooMany {
                message: format!(
                    "too many login attempts {what}: at most {per_min} a minute after a burst \
                     of {burst}; retry later"
                ),
                retry_after_s: wait.ceil().max(1.0) as u64,
            });
        }
    }
    let t = now();
    let found = app.store.user_and_hash(&b.login).await?;
    match &found {
        Some((u, _)) => {
            if let Some(until) = u.locked_until.filter(|l| l.0 > t.0) {
                return Err(locked(until, secs_until(until, t)));
            }
        }
        None => {
            if let Some(s) = app.logins.phantom_locked(&b.login) {
                return Err(locked(t.add_secs(s as f64), s));
            }
        }
    }
    let phc = found
        .as_ref()
        .map_or_else(|| password::dummy_hash().to_string(), |(_, h)| h.clone());
    let given = Password::new(b.password);
    let ok = tokio::task::spawn_blocking(move || password::verify_password(&given, &phc))
        .await
        .unwrap_or(false);
    let user = match found {
        Some((u, _)) if ok && u.disabled_at.is_none() => u,
        Some((u, _)) => {
            tracing::info!(login = %u.login, %addr, "failed login");
            let lock_us = i64::try_from(LOCK_TIME.as_micros()).unwrap_or(i64::MAX);
            if let Some(until) = app
                .store
                .record_login_failure(&u.login, t, MAX_FAILURES, lock_us)
                .await?
            {
                return Err(locked(until, secs_until(until, t)));
            }
            return Err(AppError::Unauthorized(INVALID.into()));
        }
        None => {
            tracing::info!(%addr, "failed login (unknown login)");
            if let Some(s) = app.logins.phantom_failure(&b.login) {
                return Err(locked(t.add_secs(s as f64), s));
            }
            return Err(AppError::Unauthorized(INVALID.into()));
        }
    };
    app.store.record_login_success(&user.login).await?;
    let absolute = i64::try_from(SESSION_ABSOLUTE.as_micros()).unwrap_or(i64::MAX);
    let (id, csrf) = app.store.create_session(&user.login, t, absolute).await?;
    tracing::info!(login = %user.login, agency = %user.agency, %addr, "login");
    crate::audit::record(
        app,
        (
            format!("{} ({})", user.login, user.agency),
            Some(user.agency.clone()),
        ),
        "session.login",
        format!("user/{}", user.login),
        None,
        None,
    )
    .await?;
    Ok((user, id, csrf, t))
}

/// Whether a request's body is an HTML form (a page's form, answered with a redirect).
fn req_is_form(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

fn session_only(p: &Principal) -> Result<(&str, &User), AppError> {
    match p {
        Principal::User {
            session_id,
            session,
        } => Ok((session_id, &session.user)),
        Principal::Token(_) => Err(AppError::BadRequest {
            message: "this acts on a user's session; tokens are revoked with 'aman token revoke'"
                .into(),
            field: None,
        }),
    }
}

/// `POST /logout`: ends the session and removes the cookie.
pub async fn logout(
    State(app): State<AppState>,
    Caller(p): Caller,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let (id, user) = session_only(&p)?;
    app.store.delete_session(id).await?;
    tracing::info!(login = %user.login, "logout");
    crate::audit::record(
        &app,
        crate::audit::actor(&p),
        "session.logout",
        format!("user/{}", user.login),
        None,
        None,
    )
    .await?;
    if req_is_form(&headers) {
        return Ok((
            StatusCode::SEE_OTHER,
            [
                (header::SET_COOKIE, clear_session_cookie()),
                (header::LOCATION, header::HeaderValue::from_static("/login")),
            ],
        )
            .into_response());
    }
    Ok((
        StatusCode::OK,
        [(header::SET_COOKIE, clear_session_cookie())],
        Json(json!({"status": "logged out"})),
    )
        .into_response())
}

/// `GET /api/v1/me`: the caller, its permissions and (for a session) the CSRF token.
pub async fn me(Caller(p): Caller) -> Json<Value> {
    match &p {
        Principal::Token(t) => Json(json!({"token": {"id": t.id, "label": t.label,
            "role": match &t.role { aman_store::TokenRole::Admin => "admin", _ => "sensor" }}})),
        Principal::User { session, .. } => {
            // `own_account` is every user's: not listed.
            let actions: Vec<&str> = aman_ops::access::USER_ACTIONS
                .into_iter()
                .filter(|a| *a != aman_ops::access::Action::OwnAccount)
                .filter(|a| aman_ops::access::can(session.user.role, *a))
                .map(aman_ops::access::Action::code)
                .collect();
            Json(
                json!({"user": user_json(&session.user), "csrf_token": session.csrf_token,
                        "expires_at": session.expires_at, "may": actions}),
            )
        }
    }
}

/// Body of `POST /api/v1/me/password`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordBody {
    current_password: String,
    new_password: String,
    #[serde(default, rename = "csrf_token")]
    _csrf: Option<String>,
}

/// `POST /api/v1/me/password`: changes one's password (the current one is asked again);
/// every session of the user ends, this one included.
pub async fn change_password(
    State(app): State<AppState>,
    Caller(p): Caller,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let (_, user) = session_only(&p)?;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let b: PasswordBody = parse_body(
        ct,
        &body,
        "{\"current_password\": \"…\", \"new_password\": \"…\"}",
    )?;
    let (_, phc) = app
        .store
        .user_and_hash(&user.login)
        .await?
        .ok_or_else(|| AppError::Unauthorized("no such user any more".into()))?;
    let current = Password::new(b.current_password);
    let ok = tokio::task::spawn_blocking(move || password::verify_password(&current, &phc))
        .await
        .unwrap_or(false);
    if !ok {
        return Err(AppError::Forbidden(
            "current_password: this is not your current password".into(),
        ));
    }
    // Never the password or its hash in the entry: only that it changed.
    let who = crate::audit::actor(&p);
    app.store
        .set_password_audited(
            &user.login,
            &Password::new(b.new_password),
            &|u: &aman_store::User| {
                crate::audit::entry(
                    who.clone(),
                    "user.password",
                    format!("user/{}", u.login),
                    None,
                    None,
                )
            },
        )
        .await
        .map_err(store_error)?;
    tracing::info!(login = %user.login, "password changed");
    Ok((
        StatusCode::OK,
        [(header::SET_COOKIE, clear_session_cookie())],
        Json(json!({"status": "password changed; log in again"})),
    )
        .into_response())
}

/// `GET /api/v1/agencies`: the agencies and their names in the three languages.
pub async fn agencies(State(app): State<AppState>, _: Caller) -> Result<Json<Value>, AppError> {
    let list = app.store.agencies().await?;
    Ok(Json(json!({"agencies": list.iter().map(|a| json!({
        "id": a.id, "name": {"fr": a.name_fr, "ar": a.name_ar, "en": a.name_en}
    })).collect::<Vec<_>>()})))
}

/// A store error from a user's input: 422 naming the field, 409 for a duplicate, 404.
fn store_error(e: StoreError) -> AppError {
    match e {
        StoreError::Invalid { field, message } => AppError::Unprocessable {
            message: format!("{field}: {message}"),
            field: Some(field),
        },
        StoreError::Conflict(_) => AppError::Conflict("this login exists already".into()),
        StoreError::NotFound { what } => AppError::NotFound(format!(
            "{} not found",
            crate::error::bounded(&what, 2 * crate::error::ECHO_CHARS)
        )),
        other => AppError::from(other),
    }
}

/// `GET /api/v1/users`: the users of the caller's agency (all agencies for an admin token).
pub async fn list(State(app): State<AppState>, Caller(p): Caller) -> Result<Json<Value>, AppError> {
    let agency = match &p {
        Principal::User { session, .. } => Some(session.user.agency.clone()),
        Principal::Token(_) => None,
    };
    let users = app.store.users(agency.as_deref()).await?;
    Ok(Json(
        json!({"users": users.iter().map(user_json).collect::<Vec<_>>()}),
    ))
}

/// Body of `POST /api/v1/users`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    login: String,
    display_name: String,
    role: String,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    agency: Option<String>,
    password: String,
}

/// `POST /api/v1/users`: creates a user of the caller's agency (an admin token names it).
pub async fn create(
    State(app): State<AppState>,
    Caller(p): Caller,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let b: CreateBody = parse_body(
        "application/json",
        &body,
        "{\"login\", \"display_name\", \"role\", \"language\"?, \"agency\"?, \"password\"}",
    )?;
    let agency = match (&p, b.agency) {
        (Principal::User { session, .. }, None) => session.user.agency.clone(),
        (Principal::User { session, .. }, Some(a)) => {
            if a != session.user.agency {
                return Err(AppError::Forbidden(format!(
                    "an admin creates users of its own agency ({}) only",
                    session.user.agency
                )));
            }
            a
        }
        (Principal::Token(_), Some(a)) => a,
        (Principal::Token(_), None) => {
            return Err(AppError::Unprocessable {
                message: "agency: give the new user's agency".into(),
                field: Some("agency".into()),
            });
        }
    };
    let role = Role::parse(&b.role).ok_or_else(|| AppError::Unprocessable {
        message: format!(
            "role: {:?} is not one of {}",
            b.role,
            ROLES.map(Role::name).join(", ")
        ),
        field: Some("role".into()),
    })?;
    let language = match b.language.as_deref() {
        None => Language::Fr,
        Some(l) => Language::parse(l).ok_or_else(|| AppError::Unprocessable {
            message: format!("language: {l:?} is not fr, ar or en"),
            field: Some("language".into()),
        })?,
    };
    let new = NewUser {
        login: b.login,
        display_name: b.display_name,
        agency,
        role,
        language,
    };
    let who = crate::audit::actor(&p);
    let (user, _) = app
        .store
        .create_user_audited(&new, &Password::new(b.password), &|u: &aman_store::User| {
            crate::audit::entry(
                who.clone(),
                "user.create",
                format!("user/{}", u.login),
                None,
                Some(user_json(u)),
            )
        })
        .await
        .map_err(store_error)?;
    tracing::info!(login = %user.login, agency = %user.agency, role = %user.role,
                   by = %p.label(), "user created");
    Ok((StatusCode::CREATED, Json(user_json(&user))))
}

/// The user `login` if the caller may see it (its agency, or an admin token); else 404.
async fn visible_user(app: &AppState, p: &Principal, login: &str) -> Result<User, AppError> {
    let not_found = || {
        AppError::NotFound(format!(
            "no user {} in your agency",
            crate::error::echo(login)
        ))
    };
    let user = app.store.user(login).await?.ok_or_else(not_found)?;
    if !visible(Some(&user.agency), &[], p.viewer()) {
        return Err(not_found());
    }
    Ok(user)
}

/// `GET /api/v1/users/{login}`.
pub async fn get_user(
    State(app): State<AppState>,
    Caller(p): Caller,
    Path(login): Path<String>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(user_json(&visible_user(&app, &p, &login).await?)))
}

/// `POST /api/v1/users/{login}/disable`: the user can no longer log in; its sessions end.
pub async fn disable(
    State(app): State<AppState>,
    Caller(p): Caller,
    Path(login): Path<String>,
) -> Result<Json<Value>, AppError> {
    let user = visible_user(&app, &p, &login).await?;
    if let Principal::User { session, .. } = &p
        && session.user.login == user.login
    {
        return Err(AppError::Conflict(
            "you cannot disable your own account; ask another admin".into(),
        ));
    }
    let who = crate::audit::actor(&p);
    let before = user_json(&user);
    app.store
        .disable_user_audited(&user.login, &|after: &aman_store::User| {
            crate::audit::entry(
                who.clone(),
                "user.disable",
                format!("user/{}", after.login),
                Some(before.clone()),
                Some(user_json(after)),
            )
        })
        .await
        .map_err(store_error)?;
    tracing::info!(login = %user.login, by = %p.label(), "user disabled");
    let after = visible_user(&app, &p, &login).await?;
    Ok(Json(user_json(&after)))
}
