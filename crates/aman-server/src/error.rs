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
        let message = self.to_string();
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
