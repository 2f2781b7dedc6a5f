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

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use aman_store::AlertFilter;

use crate::api::alert_json;
use crate::app::AppState;
use crate::auth::Caller;
use crate::exercise::Ctx;

/// The handler.
pub async fn live(Ctx(app): Ctx, _: Caller, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| serve(app, socket))
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

async fn serve(app: AppState, mut socket: WebSocket) {
    // Subscribe before the snapshot, so nothing between the two is missed.
    let mut rx = app.pipeline.subscribe();
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
            incoming = socket.recv() => {
                match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                }
            }
        }
    }
}
