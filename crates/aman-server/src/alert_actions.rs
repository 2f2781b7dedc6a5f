//! What a person does to an alert — acknowledge it, resolve it, give the verdict — done once
//! for the API and the dashboard: stored, then pushed to every live subscriber as
//! `{"type": "alert", "alert": {…}}` (the alert as `GET /api/v1/alerts/{id}` gives it), so the
//! other operators' pages, of either agency, show it without reloading; and each change is
//! appended to the audit log in the change's own transaction (`alert.acknowledge`, `alert.resolve`,
//! `alert.verdict`, the alert before and after).

use aman_store::{AlertChange, AlertRecord, AlertStatus, Verdict};
use serde_json::json;

use crate::api::alert_json;
use crate::app::{AppState, now};
use crate::auth::Principal;
use crate::error::AppError;

/// A step of an alert's handling that needs no input but the alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// [`acknowledge`].
    Acknowledge,
    /// [`resolve`].
    Resolve,
}

/// [`acknowledge`] or [`resolve`] `a` on behalf of `who`.
///
/// # Errors
/// Theirs.
pub async fn apply(
    app: &AppState,
    a: AlertRecord,
    step: Step,
    who: &Principal,
) -> Result<AlertRecord, AppError> {
    match step {
        Step::Acknowledge => acknowledge(app, a, who).await,
        Step::Resolve => resolve(app, a, who).await,
    }
}

/// Pushes alert `a` as it now is to the live subscribers.
pub fn push(app: &AppState, a: &AlertRecord) {
    app.pipeline
        .push(json!({"type": "alert", "alert": alert_json(a)}).to_string());
}

async fn reread(app: &AppState, a: AlertRecord) -> Result<AlertRecord, AppError> {
    Ok(app.store.alert(&a.id).await?.unwrap_or(a))
}

/// The audit entry of `who`'s `action` on an alert, from the alert before and after (the
/// verdict's note with the after).
fn entry(
    who: &Principal,
    action: &'static str,
    note: Option<&str>,
) -> impl Fn(&AlertRecord, &AlertRecord) -> aman_ops::audit::AuditRecord + Send + Sync + 'static {
    let who = crate::audit::actor(who);
    let note = note.map(str::to_string);
    move |before, after| {
        let mut after_json = alert_json(after);
        if let Some(n) = &note {
            after_json["verdict_note"] = n.as_str().into();
        }
        crate::audit::entry(
            who.clone(),
            action,
            format!("alert/{}", after.id),
            Some(alert_json(before)),
            Some(after_json),
        )
    }
}

/// Acknowledges `a` on behalf of `who` if it is still raised (acknowledging an acknowledged or
/// resolved alert changes nothing), and pushes it. Returns the alert as stored.
///
/// # Errors
/// [`AppError`] from the store.
pub async fn acknowledge(
    app: &AppState,
    a: AlertRecord,
    who: &Principal,
) -> Result<AlertRecord, AppError> {
    if a.status != AlertStatus::Raised {
        return Ok(a);
    }
    let label = who.label();
    let change = AlertChange::Acknowledge {
        at: now(),
        by: &label,
    };
    let (after, _) = app
        .store
        .change_alert(&a.id, change, entry(who, "alert.acknowledge", None))
        .await?;
    tracing::info!(alert = %a.id, by = %label, "alert acknowledged");
    push(app, &after);
    Ok(after)
}

/// Resolves `a` by hand on behalf of `who` if it is still open: the live state lets go of
/// it (its rule starts again from normal, see `aman_monitor::Monitor::resolve`), its CAP
/// `Cancel` message is stored, and it is pushed. Resolving a resolved alert changes nothing.
///
/// # Errors
/// [`AppError::Conflict`] if the alert is open in the store but no rule of the live state
/// holds it (it cannot be, but a store edited by hand could say so); [`AppError`] from the
/// store or a stopped pipeline.
pub async fn resolve(
    app: &AppState,
    a: AlertRecord,
    who: &Principal,
) -> Result<AlertRecord, AppError> {
    if a.status == AlertStatus::Resolved {
        return Ok(a);
    }
    let done = app
        .pipeline
        .resolve(
            &a.id,
            &who.label(),
            std::sync::Arc::new(entry(who, "alert.resolve", None)),
        )
        .await
        .map_err(|e| AppError::Unavailable(e.to_string()))?;
    let after = reread(app, a.clone()).await?;
    if !done && after.status != AlertStatus::Resolved {
        return Err(AppError::Conflict(format!(
            "alert {:?} is not held open by the live state",
            after.id
        )));
    }
    push(app, &after);
    Ok(after)
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
    who: &Principal,
) -> Result<AlertRecord, AppError> {
    let label = who.label();
    let change = AlertChange::Verdict {
        verdict,
        note,
        by: &label,
        at: now(),
    };
    let (after, _) = app
        .store
        .change_alert(&a.id, change, entry(who, "alert.verdict", note))
        .await?;
    tracing::info!(alert = %a.id, by = %label, verdict = verdict.name(), "alert verdict");
    push(app, &after);
    Ok(after)
}

/// Delivers CAP inject `inject` of `exercise` (the state `app` is the exercise's): stores an
/// alert of rule `inject` on the inject's zone (or the venue) with its first CAP 1.2 message,
/// `status` Exercise (§3.2.1), `note` the exercise's id, one `info` block in the inject's
/// words (its `event`, `headline`, `severity`, `urgency`, `certainty`, the text as
/// `description`, the zone's name as `areaDesc`), and pushes it live. Returns the alert's id.
///
/// # Errors
/// 422 if the CAP message is not valid; 503 if the store fails.
pub async fn inject_cap(
    app: &AppState,
    exercise: &crate::exercise::Exercise,
    inject: &aman_ops::exercise::Inject,
    t: aman_monitor::Timestamp,
) -> Result<String, AppError> {
    use aman_cap::{Alert, Area, CapTime, Category, Info, MsgType, Scope, Status};
    let aman_ops::exercise::InjectKind::Cap {
        zone,
        event,
        headline,
        severity,
        urgency,
        certainty,
    } = &inject.kind
    else {
        return Err(AppError::Unprocessable {
            message: format!("inject {:?} is not a CAP inject", inject.id),
            field: None,
        });
    };
    let n = exercise.msel.position(&inject.id).unwrap_or(0) + 1;
    let id = format!("{}-exercise-{}-inject-{n}", app.venue.id, exercise.id);
    let subject = zone.clone().unwrap_or_else(|| app.venue.id.clone());
    let area_name = zone
        .as_deref()
        .and_then(|z| app.venue.zone(z))
        .map(|(_, z)| z.name.en.clone())
        .unwrap_or_else(|| app.venue.name.en.clone());
    let bad = |e: aman_cap::CapError| AppError::Unprocessable {
        message: format!("inject {:?}: CAP: {e}", inject.id),
        field: None,
    };
    let mut alert = Alert::new(
        format!("{id}-1"),
        app.sender.clone(),
        CapTime::from_unix_micros(t.0).map_err(bad)?,
        Status::Exercise,
        MsgType::Alert,
        Scope::Public,
    );
    alert.note = Some(format!("exercise {}", exercise.id));
    let mut info = Info::new(
        "en",
        Category::Safety,
        event.clone(),
        *urgency,
        *severity,
        *certainty,
    );
    info.headline = Some(headline.clone());
    info.description = Some(inject.text.clone());
    info.sender_name = (!inject.from.is_empty()).then(|| inject.from.clone());
    info.areas.push(Area::new(area_name));
    alert.infos.push(info);
    alert.validate().map_err(bad)?;
    let record = AlertRecord::raised(
        id.clone(),
        app.venue.id.clone(),
        "inject",
        subject,
        severity.as_str(),
        app.mode.status().as_str(),
        t,
    );
    app.store.insert_alert(&record).await?;
    app.store
        .add_cap_message(&id, aman_store::MsgType::Alert, t, &alert.to_xml())
        .await?;
    push(app, &record);
    Ok(id)
}
