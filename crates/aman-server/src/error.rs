//! The API's errors: one type, one JSON shape, one status per kind.
//!
//! Every error body is `{"error": "<message>", "field": "<dotted path>"?}` so a client (or a
//! person with curl) sees what is wrong and where.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error answered to a client.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the body cannot be read (not JSON, truncated, wrong types).
    #[error("{message}")]
    BadRequest {
        /// What is wrong.
        message: String,
        /// Where, if known.
        field: Option<String>,
    },
    /// 401: no token, or one that does not verify.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: a valid token that may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 403: a session's state-changing request without its CSRF token (or with another).
    #[error("{0}")]
    Csrf(String),
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 409: the request conflicts with the record's state.
    #[error("{0}")]
    Conflict(String),
    /// 413: the body is larger than the limit.
    #[error("{0}")]
    TooLarge(String),
    /// 422: well-formed readings that do not fit the venue or the allowed ranges.
    #[error("{message}")]
    Unprocessable {
        /// What is wrong.
        message: String,
        /// Where.
        field: Option<String>,
    },
    /// 429: the sensor sends faster than its rate limit.
    #[error("{message}")]
    TooMany {
        /// What the limit is.
        message: String,
        /// Seconds after which a retry fits the limit.
        retry_after_s: u64,
    },
    /// 503: shutting down, or the store is failing; retry later.
    #[error("{0}")]
    Unavailable(String),
    /// 500: a fault of the server (logged).
    #[error("{0}")]
    Internal(String),
}

/// Most characters of request input an error message repeats ([`echo`]).
pub const ECHO_CHARS: usize = 64;
/// Most characters of an error message (a safety net behind [`echo`]: a message longer than
/// this is cut, with `…`).
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// A value of the request (a path segment, a header, a JSON key) as an error message repeats
/// it: quoted and escaped (`{:?}`), at most its first [`ECHO_CHARS`] characters, then `…` if
/// it was longer. So a message never carries a client's megabyte, nor its control characters.
pub fn echo(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(ECHO_CHARS).collect();
    if chars.next().is_some() {
        format!("{head:?}…")
    } else {
        format!("{head:?}")
    }
}

/// `text` cut to at most `max` characters, with `…` if cut (for messages of a parser that
/// repeat the input, such as serde's).
pub fn bounded(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl AppError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::Csrf(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<aman_store::StoreError> for AppError {
    fn from(e: aman_store::StoreError) -> AppError {
        tracing::error!(error = %e, "store");
        AppError::Unavailable(format!("the store failed: {e}; retry later"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = bounded(&self.to_string(), MAX_MESSAGE_CHARS);
        let field = match &self {
            AppError::BadRequest { field, .. } | AppError::Unprocessable { field, .. } => {
                field.as_deref()
            }
            _ => None,
        };
        let mut response = (
            status,
            Json(Body {
                error: &message,
                field,
            }),
        )
            .into_response();
        match &self {
            AppError::Unauthorized(_) => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"aman\""),
                );
            }
            AppError::TooMany { retry_after_s, .. } => {
                if let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_input_is_quoted_escaped_and_bounded() {
        assert_eq!(echo("surge-1"), "\"surge-1\"");
        assert_eq!(echo("a\u{202e}b\n"), "\"a\\u{202e}b\\n\"");
        let long = "x".repeat(10_000);
        let e = echo(&long);
        assert_eq!(e, format!("\"{}\"…", "x".repeat(ECHO_CHARS)));
        assert_eq!(
            echo(&"é".repeat(ECHO_CHARS)).chars().count(),
            ECHO_CHARS + 2
        );
        assert_eq!(bounded("abc", 2), "ab…");
        assert_eq!(bounded("abc", 3), "abc");
    }
}
