//! Authentication: bearer tokens checked on the server for every endpoint but `/health`.
//!
//! A token is `aman_<id>_<secret>`; the store keeps only the SHA-256 of the secret
//! (`aman-store`'s `tokens`). Verified tokens are cached for [`CACHE_TTL`] so a sensor
//! posting 50 times a second costs one database lookup every few seconds; a revoked token
//! stops working within that time. Handlers state what they need in their signature:
//! [`Admin`] or [`SensorToken`].

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aman_store::{TokenInfo, TokenRole};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::app::AppState;
use crate::error::AppError;

/// How long a verified token is trusted without asking the store again.
pub const CACHE_TTL: Duration = Duration::from_secs(5);
/// Most tokens cached (the cache is cleared when full).
const CACHE_MAX: usize = 10_000;

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
async fn verified(parts: &Parts, app: &AppState) -> Result<TokenInfo, AppError> {
    let Some(value) = parts.headers.get(AUTHORIZATION) else {
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

/// A request made with an admin token.
#[derive(Debug, Clone)]
pub struct Admin(pub TokenInfo);

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, AppError> {
        let info = verified(parts, app).await?;
        match info.role {
            TokenRole::Admin => Ok(Admin(info)),
            _ => Err(AppError::Forbidden(
                "this endpoint needs an admin token; sensor tokens may only post readings".into(),
            )),
        }
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
        let info = verified(parts, app).await?;
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
