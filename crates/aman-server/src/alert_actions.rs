//! What a person does to an alert — acknowledge it, resolve it, give the verdict — done once
//! for the API and the dashboard: stored, then pushed to every live subscriber as
//! `{"type": "alert", "alert": {…}}` (the alert as `GET /api/v1/alerts/{id}` gives it), so the
//! other operators' pages, of either agency, show it without reloading.

use aman_store::{AlertRecord, AlertStatus, Verdict};
use serde_json::json;

use crate::api::alert_json;
use crate::app::{AppState, now};
use crate::error::AppError;

/// Pushes alert `a` as it now is to the live subscribers.
pub fn push(app: &AppState, a: &AlertRecord) {
    app.pipeline
        .push(json!({"type": "alert", "alert": alert_json(a)}).to_string());
}

async fn reread(app: &AppState, a: AlertRecord) -> Result<AlertRecord, AppError> {
    Ok(app.store.alert(&a.id).await?.unwrap_or(a))
}

/// Acknowledges `a` on behalf of `who` if it is still raised (acknowledging an acknowledged or
/// resolved alert changes nothing), and pushes it. Returns the alert as stored.
///
/// # Errors
/// [`AppError`] from the store.
pub async fn acknowledge(
    app: &AppState,
    a: AlertRecord,
    who: &str,
) -> Result<AlertRecord, AppError> {
    if a.status != AlertStatus::Raised {
        return Ok(a);
    }
    app.store
        .update_alert_status(&a.id, AlertStatus::Acknowledged, now(), Some(who))
        .await?;
    tracing::info!(alert = %a.id, by = %who, "alert acknowledged");
    let a = reread(app, a).await?;
    push(app, &a);
    Ok(a)
}

/// Resolves `a` by hand on behalf of `who` if it is still open: the live state lets go of
/// it (its rule starts again from normal, see `aman_monitor::Monitor::resolve`), its CAP
/// `Cancel` message is stored, and it is pushed. Resolving a resolved alert changes nothing.
///
/// # Errors
/// [`AppError::Conflict`] if the alert is open in the store but no rule of the live state
/// holds it (it cannot be, but a store edited by hand could say so); [`AppError`] from the
/// store or a stopped pipeline.
pub async fn resolve(app: &AppState, a: AlertRecord, who: &str) -> Result<AlertRecord, AppError> {
    if a.status == AlertStatus::Resolved {
        return Ok(a);
    }
    let done = app
        .pipeline
        .resolve(&a.id, who)
        .await
        .map_err(|e| AppError::Unavailable(e.to_string()))?;
    let a = reread(app, a).await?;
    if !done && a.status != AlertStatus::Resolved {
        return Err(AppError::Conflict(format!(
            "alert {:?} is not held open by the live state",
            a.id
        )));
    }
    push(app, &a);
    Ok(a)
}

/// Records `who`'s verdict on `a` with an optional note (stored together), and pushes it.
///
/// # Errors
/// [`AppError`] from the store.
pub async fn judge(
    app: &AppState,
    a: AlertRecord,
    verdict: Verdict,
    note: Option<&str>,
    who: &str,
) -> Result<AlertRecord, AppError> {
    app.store
        .set_verdict_noted(&a.id, verdict, note, who, now())
        .await?;
    tracing::info!(alert = %a.id, by = %who, verdict = verdict.name(), "alert verdict");
    let a = reread(app, a).await?;
    push(app, &a);
    Ok(a)
}
