//! Authentication: who is asking. Two kinds of credential, checked on the server for every
//! route that is not public (the route table, [`crate::routes`], says which action each
//! route is):
//!
//! - **bearer tokens** (`Authorization: Bearer aman_<id>_<secret>`) for sensors and scripts,
//!   as before: the store keeps only the SHA-256 of the secret (`aman-store`'s `tokens`);
//!   verified tokens are cached for [`CACHE_TTL`] so a sensor posting 50 times a second
//!   costs one database lookup every few seconds; a revoked token stops working within that
//!   time. They need no CSRF token (a browser never sends them by itself);
//! - **session cookies** for people ([`SESSION_COOKIE`], made only by [`session_cookie`]):
//!   `HttpOnly; Secure; SameSite=Strict; Path=/`, a random 256-bit id of which the store
//!   keeps the SHA-256, ending after [`SESSION_IDLE`] without requests or at the latest
//!   [`SESSION_ABSOLUTE`] after login. Every state-changing request (any method but GET,
//!   HEAD, OPTIONS) made with a session must carry the session's CSRF token in the
//!   [`CSRF_HEADER`] header or the [`CSRF_FIELD`] form field, and a request whose `Origin`
//!   is not this server is refused.
//!
//! When a request has both, the `Authorization` header is used.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aman_ops::access::{Action, Viewer, can};
use aman_store::{Session, TokenInfo, TokenRole};
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use subtle::ConstantTimeEq;

use crate::app::{AppState, now};
use crate::error::AppError;

/// How long a verified token is trusted without asking the store again.
pub const CACHE_TTL: Duration = Duration::from_secs(5);
/// Most tokens cached (the cache is cleared when full).
const CACHE_MAX: usize = 10_000;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "aman_session";
/// A session ends after this long without a request (30 min, OWASP Session Management
/// Cheat Sheet: 15–30 min for higher-risk applications).
pub const SESSION_IDLE: Duration = Duration::from_secs(30 * 60);
/// A session ends this long after login whatever its use (12 h: one shift).
pub const SESSION_ABSOLUTE: Duration = Duration::from_secs(12 * 3600);
/// Header carrying the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field carrying the CSRF token (HTML forms without script).
pub const CSRF_FIELD: &str = "csrf_token";

/// Verified tokens: token text → (info, when verified).
#[derive(Debug, Default)]
pub struct TokenCache {
    entries: std::sync::Mutex<HashMap<String, (TokenInfo, Instant)>>,
}

impl TokenCache {
    fn get(&self, text: &str) -> Option<TokenInfo> {
        let map = self.entries.lock().ok()?;
        map.get(text)
            .filter(|(_, at)| at.elapsed() < CACHE_TTL)
            .map(|(info, _)| info.clone())
    }

    fn put(&self, text: &str, info: &TokenInfo) {
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= CACHE_MAX {
                map.clear();
            }
            map.insert(text.to_string(), (info.clone(), Instant::now()));
        }
    }
}

/// The bearer token of a request, verified.
pub(crate) async fn verified(headers: &HeaderMap, app: &AppState) -> Result<TokenInfo, AppError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Err(AppError::Unauthorized(
            "no token: send 'Authorization: Bearer <token>' (create one with 'aman token create')"
                .into(),
        ));
    };
    let text = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            AppError::Unauthorized("the Authorization header is not 'Bearer <token>'".into())
        })?;
    if let Some(info) = app.tokens.get(text) {
        return Ok(info);
    }
    match app.store.verify_token(text).await? {
        Some(info) => {
            app.tokens.put(text, &info);
            Ok(info)
        }
        None => Err(AppError::Unauthorized(
            "the token is not valid (unknown, revoked or mistyped)".into(),
        )),
    }
}

/// Who made a request, once authenticated.
#[derive(Debug, Clone)]
pub enum Principal {
    /// A bearer token (admin or sensor).
    Token(TokenInfo),
    /// A person logged in, with the session's id as the browser sent it.
    User {
        /// The session id (cookie value), to end it at logout.
        session_id: String,
        /// The session and its user.
        session: Box<Session>,
    },
}

impl Principal {
    /// Who, for records (`acknowledged_by`, `verdict_by`): a token's label (its id when it
    /// has none, so a record never names nobody), or `login (agency)` for a user.
    pub fn label(&self) -> String {
        match self {
            Principal::Token(t) if t.label.trim().is_empty() => t.id.clone(),
            Principal::Token(t) => t.label.clone(),
            Principal::User { session, .. } => {
                format!("{} ({})", session.user.login, session.user.agency)
            }
        }
    }

    /// Whose objects it sees: the whole server for a token, its agency for a user.
    pub fn viewer(&self) -> Viewer<'_> {
        match self {
            Principal::Token(_) => Viewer::Server,
            Principal::User { session, .. } => Viewer::Agency(&session.user.agency),
        }
    }

    /// Whether it may do `action`: a user per its role ([`aman_ops::access::can`]); an admin
    /// token anything but post readings; a sensor token only post readings.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] saying what is missing.
    pub fn allows(&self, action: Action) -> Result<(), AppError> {
        match self {
            Principal::Token(t) => match (&t.role, action) {
                (TokenRole::Admin, Action::PostReadings) => Err(AppError::Forbidden(
                    "readings are posted with the sensor's own token, not an admin token: \
                     create one with 'aman token create --sensor <id>'"
                        .into(),
                )),
                (TokenRole::Admin, _) => Ok(()),
                (TokenRole::Sensor { .. }, Action::PostReadings | Action::Public) => Ok(()),
                (TokenRole::Sensor { .. }, _) => Err(AppError::Forbidden(
                    "this endpoint needs an admin token; sensor tokens may only post readings"
                        .into(),
                )),
            },
            Principal::User { session, .. } => {
                if can(session.user.role, action) {
                    Ok(())
                } else {
                    Err(AppError::Forbidden(format!(
                        "the role {} may not {}",
                        session.user.role,
                        action.describe()
                    )))
                }
            }
        }
    }
}

/// The authenticated caller of a route, put in the request by the route table's check
/// ([`crate::routes`]). A handler of a route missing from the table cannot get one: it
/// answers 401.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(Caller)
            .ok_or_else(|| AppError::Unauthorized("not authenticated".into()))
    }
}

/// A request made with a sensor's token: the venue and sensor it may post as.
#[derive(Debug, Clone)]
pub struct SensorToken {
    /// Venue id of the token.
    pub venue: String,
    /// Sensor id of the token.
    pub sensor: String,
}

impl FromRequestParts<AppState> for SensorToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, AppError> {
        let info = verified(&parts.headers, app).await?;
        match info.role {
            TokenRole::Sensor { venue, sensor } => Ok(SensorToken { venue, sensor }),
            TokenRole::Admin => Err(AppError::Forbidden(
                "readings are posted with the sensor's own token, not an admin token: \
                 create one with 'aman token create --sensor <id>'"
                    .into(),
            )),
        }
    }
}

/// The session id in the request's cookies, if any.
pub fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.trim().to_string())
}

/// The `Set-Cookie` value giving the browser session `id`: `HttpOnly` (no script reads it),
/// `Secure` (HTTPS only; browsers also accept it from `http://localhost`), `SameSite=Strict`
/// (never sent with a request started by another site), `Path=/`, and a `Max-Age` of
/// [`SESSION_ABSOLUTE`].
pub fn session_cookie(id: &str) -> HeaderValue {
    let v = format!(
        "{SESSION_COOKIE}={id}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={}",
        SESSION_ABSOLUTE.as_secs()
    );
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value removing the session cookie. Same attributes and path as
/// [`session_cookie`]: a browser replaces a cookie only when name, domain and path match.
pub fn clear_session_cookie() -> HeaderValue {
    HeaderValue::from_static("aman_session=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0")
}

/// Refuses a request whose `Origin` header names another site than its `Host` (a
/// cross-site form post, or a WebSocket opened by another site's page). No `Origin`
/// (curl, same-origin GET) passes: `SameSite=Strict` and the CSRF token cover it.
///
/// # Errors
/// [`AppError::Forbidden`].
pub fn check_origin(headers: &HeaderMap) -> Result<(), AppError> {
    let Some(origin) = headers.get(ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("");
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split_once("://").map_or("", |(_, h)| h);
    if origin_host.is_empty() || !origin_host.eq_ignore_ascii_case(host) {
        return Err(AppError::Forbidden(format!(
            "cross-site request refused: Origin {origin:?} is not this server ({host:?})"
        )));
    }
    Ok(())
}

/// Whether `given` is the session's CSRF token (constant-time comparison).
pub fn csrf_matches(session: &Session, given: &str) -> bool {
    given.len() == session.csrf_token.len()
        && bool::from(given.as_bytes().ct_eq(session.csrf_token.as_bytes()))
}

/// The live session of `id` now.
///
/// # Errors
/// [`AppError::Unauthorized`] if it has ended; the store's error.
pub async fn session(app: &AppState, id: &str) -> Result<Session, AppError> {
    let idle = i64::try_from(SESSION_IDLE.as_micros()).unwrap_or(i64::MAX);
    app.store.session(id, now(), idle).await?.ok_or_else(|| {
        AppError::Unauthorized(
            "your session has ended (expired, logged out or account disabled): log in again \
             (POST /login)"
                .into(),
        )
    })
}
