//! `POST /api/v1/sensors/{sensor}/readings`: a sensor's payload in its vendor's format,
//! authenticated with the sensor's own token, decoded by its adapter, checked against the
//! venue, stored durably, then acknowledged (202).
//!
//! The same path serves MQTT ([`crate::mqtt`]): [`accept`] is shared.

use aman_monitor::adapter::{AdapterError, decode};
use aman_monitor::{Reading, Timestamp};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::app::{AppState, now};
use crate::auth::SensorToken;
use crate::error::AppError;
use crate::pipeline::{Accepted, SubmitError};

/// Decodes and checks a payload of `sensor`; the readings, or the error a client gets.
/// Rejections are counted per sensor in the store.
///
/// # Errors
/// 400 for a payload that cannot be read, 422 for readings that do not fit the venue, 404
/// for an unknown sensor, 429 above the sensor's rate.
pub async fn decode_checked(
    app: &AppState,
    sensor: &str,
    topic: Option<&str>,
    body: &[u8],
    received: Timestamp,
) -> Result<Vec<Reading>, AppError> {
    let Some((_, cfg)) = app.venue.sensor(sensor) else {
        return Err(AppError::NotFound(format!(
            "{} is not a sensor of venue {:?}",
            crate::error::echo(sensor),
            app.venue.id
        )));
    };
    let decoded = match decode(
        cfg.adapter,
        sensor,
        topic,
        body,
        received,
        app.limits.max_ahead_s,
    ) {
        Ok(d) => d,
        Err(e) => {
            reject(app, sensor, e.kind(), &e.to_string()).await;
            let field = e.field().map(str::to_string);
            return Err(match e {
                AdapterError::OutOfRange { .. } | AdapterError::WrongSensor { .. } => {
                    AppError::Unprocessable {
                        message: e.to_string(),
                        field,
                    }
                }
                _ => AppError::BadRequest {
                    message: e.to_string(),
                    field,
                },
            });
        }
    };
    for (i, r) in decoded.readings.iter().enumerate() {
        if let Err(e) = app.venue.resolve(r) {
            let aman_monitor::ReadingError::Field { field, reason } = e;
            let message = format!("readings[{i}].{field}: {reason}");
            reject(app, sensor, "venue", &message).await;
            return Err(AppError::Unprocessable {
                message,
                field: Some(format!("readings[{i}].{field}")),
            });
        }
    }
    if let Err(wait) = app.rates.take(sensor, decoded.readings.len(), &app.limits) {
        reject(app, sensor, "rate", "rate limit").await;
        return Err(AppError::TooMany {
            message: format!(
                "sensor {sensor:?} sends more than {} readings/s; retry in {wait:.1} s",
                app.limits.rate
            ),
            retry_after_s: wait.ceil() as u64,
        });
    }
    Ok(decoded.readings)
}

async fn reject(app: &AppState, sensor: &str, kind: &str, message: &str) {
    tracing::debug!(sensor, kind, message, "reading rejected");
    if let Err(e) = app
        .store
        .count_rejection(&app.venue.id, sensor, kind, message, now())
        .await
    {
        tracing::error!(error = %e, "counting a rejection failed");
    }
}

/// Stores checked readings; their place in the log once durable.
///
/// # Errors
/// 503 if the pipeline is busy or stopping, or the store failed.
pub async fn accept(
    app: &AppState,
    received: Timestamp,
    readings: Vec<Reading>,
) -> Result<Accepted, AppError> {
    if readings.is_empty() {
        return Ok(Accepted {
            accepted: 0,
            first_seq: None,
            last_seq: None,
        });
    }
    app.pipeline
        .submit(received, readings)
        .await
        .map_err(|e| match e {
            SubmitError::Unavailable => AppError::Unavailable(e.to_string()),
            SubmitError::Store(_) => AppError::Unavailable(format!("{e}; retry later")),
        })
}

/// The handler. A refused token is counted against the sensor in the path (when the venue
/// has it), so a sensor whose token was revoked or mistyped shows up in its rejections.
pub async fn post_readings(
    State(app): State<AppState>,
    Path(sensor): Path<String>,
    token: Result<SensorToken, AppError>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Accepted>), AppError> {
    let known = app.venue.sensor(&sensor).is_some();
    let token = match token {
        Ok(t) => t,
        Err(e) => {
            if known {
                reject(&app, &sensor, "token", &e.to_string()).await;
            }
            return Err(e);
        }
    };
    if token.venue != app.venue.id || token.sensor != sensor {
        if known {
            let message = format!("a token of sensor {:?} was used", token.sensor);
            reject(&app, &sensor, "token", &message).await;
        }
        return Err(AppError::Forbidden(format!(
            "this token posts as sensor {:?} of venue {:?}, not as {sensor:?}",
            token.sensor, token.venue
        )));
    }
    // A body refused while it is read (over the size limit, cut off) is answered in the
    // API's JSON shape and counted like any refused payload.
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            let too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
            let message = if too_large {
                format!(
                    "the body is larger than {} bytes: send smaller batches",
                    app.limits.max_body
                )
            } else {
                format!("the body cannot be read: {e}")
            };
            if known {
                let kind = if too_large { "too_large" } else { "body" };
                reject(&app, &sensor, kind, &message).await;
            }
            return Err(if too_large {
                AppError::TooLarge(message)
            } else {
                AppError::BadRequest {
                    message,
                    field: None,
                }
            });
        }
    };
    let received = now();
    let readings = decode_checked(&app, &sensor, None, &body, received).await?;
    let accepted = accept(&app, received, readings).await?;
    Ok((StatusCode::ACCEPTED, Json(accepted)))
}
