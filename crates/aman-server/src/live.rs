//! `GET /api/v1/live`: the live state over WebSocket.
//!
//! The first message is the whole state (`{"type": "snapshot", "state": …, "alerts": […]}`,
//! `alerts` the open alerts as stored, with their acknowledgements); then one
//! `{"type": "update", …}` per group of readings or clock tick, with the zones, lines and
//! sensors that changed and the alert decisions made, and one `{"type": "alert", "alert": …}`
//! per alert a person acknowledged, resolved or judged ([`crate::alert_actions`]); where the
//! venue has track sensors a `{"type": "heat", …}` density map at most once a second
//! ([`crate::heat`]); and the latest forecast right after the snapshot and each new one as
//! `{"type": "forecast", "forecast": …}` ([`crate::forecast`], every 5 s). A subscriber too
//! slow to keep up gets a new snapshot and continues with updates (it never silently misses a
//! change).
//!
//! Zones, alerts and forecasts are joint: every subscriber gets them. **Incidents, units and
//! tasks** are not: each one created or changed (by any write path: the API, the dashboard's
//! forms, the one-click incident from an alert, status, share and task changes, an exercise's
//! incident inject — the store publishes every committed write, [`aman_store::changes`]) is
//! sent as
//!
//! - `{"type": "incident", "incident": …}`,
//! - `{"type": "unit", "unit": …}` (also when a task changes the unit's status),
//! - `{"type": "task", "task": …}`,
//!
//! the record as it is after the write, in the JSON of the API's answers to that write and of
//! its lists (`GET /api/v1/incidents`' items; `GET /api/v1/incidents/{id}` adds `tasks` and
//! `timeline`, which are not pushed: each task comes as its own message) — **only to a
//! subscriber whose principal may see it**, decided by [`aman_store::seen`] for the
//! principal's viewer, the rule of the GET routes' SQL filter: its own agency's records, the
//! shared ones, everything for an admin token. A restricted record of another agency is
//! never sent, not its id nor that it changed. A share is sent like any change, so the other
//! agency receives the record, now shared, as new to it. Each context has its own channel:
//! a subscriber in an exercise (`Aman-Exercise` header or cookie) gets that exercise's
//! records only, a live subscriber live records only. Records carry `version`: two changes
//! of one record committed at the same moment may arrive in either order, keep the higher
//! version. A subscriber too slow to keep up with the changes of its context gets
//! `{"type": "records_lagged"}` (nothing more: the number missed would count the other
//! agency's records too) and should read the lists again.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use aman_store::AlertFilter;

use aman_store::Change;

use crate::api::alert_json;
use crate::app::AppState;
use crate::auth::{Caller, Principal};
use crate::exercise::Ctx;

/// The handler.
pub async fn live(Ctx(app): Ctx, Caller(who): Caller, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| serve(app, who, socket))
}

/// The message of `change` for `who`: `{"type": "incident", "incident": …}` (or `unit`,
/// `task`) with the record's JSON as the API answers it, or `None` if `who` may not see
/// the record ([`aman_store::seen`]: the GET routes' rule).
pub fn record_message(change: &Change, who: &Principal) -> Option<String> {
    if !aman_store::seen(change.meta(), who.viewer()) {
        return None;
    }
    let record = match change {
        Change::Incident(i) => crate::ops::incident_json(i),
        Change::Unit(u) => crate::ops::unit_json(u),
        Change::Task(t) => crate::ops::task_json(t),
    };
    let kind = change.kind();
    let mut m = serde_json::Map::new();
    m.insert("type".into(), kind.into());
    m.insert(kind.into(), record);
    serde_json::to_string(&m).ok()
}

/// Most open alerts listed with a snapshot.
const SNAPSHOT_ALERTS: usize = 1000;

async fn snapshot(app: &AppState) -> Option<String> {
    let state = app.pipeline.state().await?;
    // The open alerts as stored (their acknowledgements), so a page that reconnects
    // catches up what people did while it was away.
    let alerts = match app
        .store
        .alerts(&app.venue.id, AlertFilter::Open, SNAPSHOT_ALERTS)
        .await
    {
        Ok(list) => list.iter().map(alert_json).collect::<Vec<_>>(),
        Err(e) => {
            tracing::warn!(error = %e, "reading the open alerts for a live snapshot");
            Vec::new()
        }
    };
    serde_json::to_string(&json!({"type": "snapshot", "state": state, "alerts": alerts})).ok()
}

async fn serve(app: AppState, who: Principal, mut socket: WebSocket) {
    // Subscribe before the snapshot, so nothing between the two is missed.
    let mut rx = app.pipeline.subscribe();
    let mut changes = app.store.subscribe_changes();
    let Some(first) = snapshot(&app).await else {
        return;
    };
    if socket.send(Message::Text(first.into())).await.is_err() {
        return;
    }
    if let Some(latest) = app.forecast.latest() {
        let text = crate::forecast::message(&app.venue, &latest);
        if socket.send(Message::Text(text.into())).await.is_err() {
            return;
        }
    }
    loop {
        tokio::select! {
            update = rx.recv() => {
                let text = match update {
                    Ok(t) => t.to_string(),
                    Err(RecvError::Lagged(n)) => {
                        tracing::debug!(missed = n, "live subscriber lagged; sending a snapshot");
                        match snapshot(&app).await { Some(s) => s, None => break }
                    }
                    Err(RecvError::Closed) => break,
                };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
            change = changes.recv() => {
                let text = match change {
                    Ok(c) => match record_message(&c, &who) {
                        Some(t) => t,
                        None => continue,
                    },
                    Err(RecvError::Lagged(_)) => {
                        tracing::debug!("live subscriber lagged behind the record changes");
                        json!({"type": "records_lagged"}).to_string()
                    }
                    Err(RecvError::Closed) => break,
                };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
            incoming = socket.recv() => {
                match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                }
            }
        }
    }
}
