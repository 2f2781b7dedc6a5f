//! The read and operator endpoints: venue, live state, history, sensors, alerts and their
//! CAP messages, the current-alerts feed. Who may call each: [`crate::routes::ROUTES`].

use aman_monitor::Timestamp;
use aman_monitor::venue::Subject;
use aman_store::{AlertFilter, AlertRecord, Resolution, Verdict};
use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json_, json};

use crate::app::{AppState, now};
use crate::auth::Caller;
use crate::error::AppError;
use crate::exercise::Ctx;

/// Most alerts or history rows one request lists.
pub const MAX_LIST: usize = 10_000;

/// `GET /health`: 200 while the server runs (no token needed).
pub async fn health() -> Json<Json_> {
    Json(json!({"status": "ok"}))
}

/// `GET /api/v1/venue`: zones, lines, sensors and rules.
pub async fn venue(Ctx(app): Ctx, _: Caller) -> Json<Json_> {
    let v = &app.venue;
    let subject = |s: Subject| match s {
        Subject::Zone(i) => json!({"zone": v.zones[i].id}),
        Subject::Line(i) => json!({"line": v.lines[i].id}),
        Subject::Sensor(i) => json!({"sensor": v.sensors[i].id}),
    };
    Json(json!({
        "id": v.id,
        "name": v.name,
        "mode": app.mode.name(),
        "window_s": v.window,
        "origin": v.origin,
        "walkable_area_m2": v.walkable.area(),
        "zones": v.zones.iter().map(|z| json!({
            "id": z.id, "name": z.name, "walkable_m2": z.walkable_m2,
            "capacity": z.capacity, "los": z.los.name(),
            "polygon": z.area.polygon().exterior().0.iter().map(|c| [c.x, c.y]).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "lines": v.lines.iter().map(|l| json!({
            "id": l.id, "name": l.name, "width_m": l.width,
            "line": [[l.segment.a.x, l.segment.a.y], [l.segment.b.x, l.segment.b.y]],
            "into": l.into.map(|i| &v.zones[i].id), "from": l.from.map(|i| &v.zones[i].id),
        })).collect::<Vec<_>>(),
        "sensors": v.sensors.iter().map(|s| json!({
            "id": s.id, "adapter": s.adapter, "period_s": s.period,
            "channels": s.channels.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "rules": v.rules.iter().map(|r| {
            let mut j = json!({"id": r.id, "measure": r.measure, "raise": r.raise,
                "clear": r.clear, "hold_s": r.hold, "severity": r.severity});
            if let (Some(o), Some(s)) = (j.as_object_mut(), subject(r.subject).as_object()) {
                o.extend(s.clone());
            }
            j
        }).collect::<Vec<_>>(),
    }))
}

/// `GET /api/v1/state`: the whole live state.
pub async fn state(Ctx(app): Ctx, _: Caller) -> Result<Response, AppError> {
    let state = app
        .pipeline
        .state()
        .await
        .ok_or_else(|| AppError::Unavailable("the server is shutting down".into()))?;
    Ok(Json(state).into_response())
}

/// Query of the history endpoints.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// `1s` (default) or `1min`.
    pub resolution: Option<String>,
    /// From (RFC 3339), default one hour before `to`.
    pub from: Option<String>,
    /// To (RFC 3339), default now.
    pub to: Option<String>,
}

/// A query string that does not fit the endpoint (unknown or malformed parameter): 400 in the
/// API's JSON shape, naming the parameter when serde says which.
fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, AppError> {
    q.map(|Query(t)| t).map_err(|e| {
        let text = e.body_text();
        let detail = text
            .strip_prefix("Failed to deserialize query string: ")
            .unwrap_or(&text);
        let field = detail
            .split_once(": ")
            .map(|(f, _)| f.to_string())
            .filter(|f| !f.is_empty() && !f.contains(' '))
            .or_else(|| {
                detail
                    .split_once("unknown field `")
                    .and_then(|(_, r)| r.split_once('`'))
                    .map(|(f, _)| f.to_string())
            });
        AppError::BadRequest {
            message: format!("query: {}", crate::error::bounded(detail, 300)),
            field: field.map(|f| crate::error::bounded(&f, crate::error::ECHO_CHARS)),
        }
    })
}

/// A path segment that does not parse (a message number that is not a number): 400 JSON.
fn path<T>(p: Result<Path<T>, PathRejection>) -> Result<T, AppError> {
    p.map(|Path(t)| t).map_err(|e| AppError::BadRequest {
        message: format!("path: {}", crate::error::bounded(&e.body_text(), 300)),
        field: None,
    })
}

fn time_param(name: &str, v: Option<&str>, default: Timestamp) -> Result<Timestamp, AppError> {
    match v {
        None => Ok(default),
        Some(t) => Timestamp::parse_rfc3339(t).map_err(|e| AppError::BadRequest {
            message: format!("{name}: {e}"),
            field: Some(name.into()),
        }),
    }
}

/// `GET /api/v1/{zones|lines}/{id}/history`.
pub async fn history(
    Ctx(app): Ctx,
    _: Caller,
    Path((kind, id)): Path<(String, String)>,
    q: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Json<Json_>, AppError> {
    let q = query(q)?;
    let known = match kind.as_str() {
        "zones" => app.venue.zone(&id).is_some(),
        "lines" => app.venue.line(&id).is_some(),
        _ => false,
    };
    if !known {
        return Err(AppError::NotFound(format!(
            "no {kind} {} in this venue",
            crate::error::echo(&id)
        )));
    }
    let resolution = match q.resolution.as_deref().unwrap_or("1s") {
        "1s" => Resolution::Second,
        "1min" => Resolution::Minute,
        other => {
            return Err(AppError::BadRequest {
                message: format!("resolution: {other:?} is not 1s or 1min"),
                field: Some("resolution".into()),
            });
        }
    };
    let to = time_param("to", q.to.as_deref(), now())?;
    let from = time_param("from", q.from.as_deref(), to.add_secs(-3600.0))?;
    let rows = app
        .store
        .history(&app.venue.id, &id, resolution, from, to)
        .await?;
    let points: Vec<Json_> = rows
        .iter()
        .take(MAX_LIST)
        .map(|r| {
            json!({"t": r.t, "occupancy": r.occupancy, "density": r.density,
                   "flow_in": r.flow_in, "flow_out": r.flow_out, "pressure": r.pressure})
        })
        .collect();
    Ok(Json(
        json!({"subject": id, "resolution": resolution.name(), "points": points}),
    ))
}

/// `GET /api/v1/sensors`: live state and refused payloads per sensor.
pub async fn sensors(Ctx(app): Ctx, _: Caller) -> Result<Json<Json_>, AppError> {
    let state = app
        .pipeline
        .state()
        .await
        .ok_or_else(|| AppError::Unavailable("the server is shutting down".into()))?;
    let rejections = app.store.rejections(&app.venue.id).await?;
    Ok(Json(json!({
        "sensors": state.sensors,
        "rejections": rejections.iter().map(|r| json!({
            "sensor": r.sensor, "kind": r.kind, "count": r.count,
            "last_message": r.last_message, "last_time": r.last_time,
        })).collect::<Vec<_>>(),
    })))
}

/// An alert as the API gives it.
pub fn alert_json(a: &AlertRecord) -> Json_ {
    json!({
        "id": a.id, "rule": a.rule, "subject": a.subject, "severity": a.severity,
        "mode": a.mode, "status": a.status.name(), "raised_at": a.raised_at,
        "acknowledged_at": a.acknowledged_at, "acknowledged_by": a.acknowledged_by,
        "resolved_at": a.resolved_at, "resolved_by": a.resolved_by,
        "verdict": a.verdict.map(|v| v.name()),
        "verdict_by": a.verdict_by,
    })
}

/// Query of `GET /api/v1/alerts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertsQuery {
    /// `open` (default) or `all`.
    pub status: Option<String>,
    /// At most this many, newest first (default 100, at most 10 000).
    pub limit: Option<usize>,
}

/// `GET /api/v1/alerts`.
pub async fn alerts(
    Ctx(app): Ctx,
    _: Caller,
    q: Result<Query<AlertsQuery>, QueryRejection>,
) -> Result<Json<Json_>, AppError> {
    let q = query(q)?;
    let filter = match q.status.as_deref().unwrap_or("open") {
        "open" => AlertFilter::Open,
        "all" => AlertFilter::All,
        other => {
            return Err(AppError::BadRequest {
                message: format!("status: {other:?} is not open or all"),
                field: Some("status".into()),
            });
        }
    };
    let limit = q.limit.unwrap_or(100).min(MAX_LIST);
    let list = app.store.alerts(&app.venue.id, filter, limit).await?;
    Ok(Json(
        json!({"alerts": list.iter().map(alert_json).collect::<Vec<_>>()}),
    ))
}

async fn find(app: &AppState, id: &str) -> Result<AlertRecord, AppError> {
    match app.store.alert(id).await? {
        Some(a) if a.venue == app.venue.id => Ok(a),
        _ => Err(AppError::NotFound(format!(
            "no alert {}",
            crate::error::echo(id)
        ))),
    }
}

/// `GET /api/v1/alerts/{id}`: the alert and its CAP messages (without XML).
pub async fn alert(
    Ctx(app): Ctx,
    _: Caller,
    Path(id): Path<String>,
) -> Result<Json<Json_>, AppError> {
    let a = find(&app, &id).await?;
    let messages = app.store.cap_messages(&id).await?;
    let mut j = alert_json(&a);
    j["cap"] = messages
        .iter()
        .map(|m| {
            json!({"n": m.n, "msg_type": m.msg_type.name(), "sent": m.sent,
                   "href": format!("/api/v1/alerts/{id}/cap/{}", m.n)})
        })
        .collect();
    Ok(Json(j))
}

/// `GET /api/v1/alerts/{id}/cap/{n}`: the n-th CAP 1.2 message of an alert, as sent.
pub async fn cap_xml(
    Ctx(app): Ctx,
    _: Caller,
    p: Result<Path<(String, u64)>, PathRejection>,
) -> Result<Response, AppError> {
    let (id, n) = path(p)?;
    find(&app, &id).await?;
    let messages = app.store.cap_messages(&id).await?;
    let m = messages.into_iter().find(|m| m.n == n).ok_or_else(|| {
        AppError::NotFound(format!(
            "alert {} has no message {n}",
            crate::error::echo(&id)
        ))
    })?;
    Ok((
        [(header::CONTENT_TYPE, "application/cap+xml; charset=utf-8")],
        m.xml,
    )
        .into_response())
}

async fn step(
    app: &AppState,
    who: &crate::auth::Principal,
    id: &str,
    step: crate::alert_actions::Step,
) -> Result<Json<Json_>, AppError> {
    let a = find(app, id).await?;
    let a = crate::alert_actions::apply(app, a, step, who).await?;
    Ok(Json(alert_json(&a)))
}

/// `POST /api/v1/alerts/{id}/acknowledge`: an operator has seen it.
pub async fn acknowledge(
    Ctx(app): Ctx,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> Result<Json<Json_>, AppError> {
    step(&app, &who, &id, crate::alert_actions::Step::Acknowledge).await
}

/// `POST /api/v1/alerts/{id}/resolve`: a commander resolves an open alert by hand (its CAP
/// `Cancel` is sent; the rule starts again from normal and raises a new alert if its measure
/// stays above the threshold). Resolving a resolved alert changes nothing.
pub async fn resolve(
    Ctx(app): Ctx,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> Result<Json<Json_>, AppError> {
    step(&app, &who, &id, crate::alert_actions::Step::Resolve).await
}

/// Body of `POST /api/v1/alerts/{id}/verdict`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictBody {
    /// `true_positive` or `false_positive`.
    pub verdict: String,
}

/// `POST /api/v1/alerts/{id}/verdict`: the operator's judgement, for precision statistics.
pub async fn verdict(
    Ctx(app): Ctx,
    Caller(who): Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Json_>, AppError> {
    let b: VerdictBody = serde_json::from_slice(&body).map_err(|e| AppError::BadRequest {
        message: format!(
            "body: {e}; expected {{\"verdict\": \"true_positive\" | \"false_positive\"}}"
        ),
        field: Some("verdict".into()),
    })?;
    let v = match b.verdict.as_str() {
        "true_positive" => Verdict::TruePositive,
        "false_positive" => Verdict::FalsePositive,
        other => {
            return Err(AppError::Unprocessable {
                message: format!("verdict: {other:?} is not true_positive or false_positive"),
                field: Some("verdict".into()),
            });
        }
    };
    let a = find(&app, &id).await?;
    let a = crate::alert_actions::judge(&app, a, v, None, &who).await?;
    Ok(Json(alert_json(&a)))
}

/// One row of `GET /api/v1/alerts/stats`.
#[derive(Debug, Serialize)]
struct StatsRow {
    rule: String,
    subject: String,
    raised: u64,
    acknowledged: u64,
    true_positive: u64,
    false_positive: u64,
    precision: Option<f64>,
}

/// `GET /api/v1/alerts/stats`: per rule and subject, alerts raised, acknowledged, verdicts
/// and precision TP / (TP + FP).
pub async fn stats(Ctx(app): Ctx, _: Caller) -> Result<Json<Json_>, AppError> {
    let rows: Vec<StatsRow> = app
        .store
        .alert_stats(&app.venue.id)
        .await?
        .into_iter()
        .map(|r| StatsRow {
            rule: r.rule,
            subject: r.subject,
            raised: r.raised,
            acknowledged: r.acknowledged,
            true_positive: r.true_pos,
            false_positive: r.false_pos,
            precision: r.precision,
        })
        .collect();
    Ok(Json(json!({"rules": rows})))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The open alerts with their latest CAP message: (alert, n, sent, msg type).
async fn current(app: &AppState) -> Result<Vec<(AlertRecord, u64, Timestamp, String)>, AppError> {
    let list = app
        .store
        .alerts(&app.venue.id, AlertFilter::Open, MAX_LIST)
        .await?;
    let mut out = Vec::new();
    for a in list {
        let messages = app.store.cap_messages(&a.id).await?;
        if let Some(m) = messages.last() {
            out.push((a.clone(), m.n, m.sent, m.msg_type.name().to_string()));
        }
    }
    Ok(out)
}

/// `GET /api/v1/cap/current.json`: index of the current alerts, each with the URL of its
/// latest CAP message.
pub async fn current_json(Ctx(app): Ctx, _: Caller) -> Result<Json<Json_>, AppError> {
    let items: Vec<Json_> = current(&app)
        .await?
        .iter()
        .map(|(a, n, sent, t)| {
            json!({"alert": a.id, "rule": a.rule, "subject": a.subject, "severity": a.severity,
                   "status": a.status.name(), "msg_type": t, "sent": sent,
                   "cap": format!("/api/v1/alerts/{}/cap/{n}", a.id)})
        })
        .collect();
    Ok(Json(
        json!({"venue": app.venue.id, "updated": now(), "alerts": items}),
    ))
}

/// `GET /api/v1/cap/feed.atom`: the current alerts as an Atom feed (RFC 4287), one entry per
/// alert linking to its latest CAP message — the form CAP aggregators poll.
pub async fn feed_atom(Ctx(app): Ctx, _: Caller) -> Result<Response, AppError> {
    let items = current(&app).await?;
    let updated = items.iter().map(|i| i.2).max().unwrap_or(now());
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!(
        "  <id>urn:aman:{}:alerts</id>\n  <title>aman — {}</title>\n  <updated>{}</updated>\n",
        xml_escape(&app.venue.id),
        xml_escape(&app.venue.name.en),
        updated
    ));
    for (a, n, sent, t) in &items {
        xml.push_str(&format!(
            "  <entry>\n    <id>urn:aman:alert:{id}:{n}</id>\n    <title>{rule} ({sev}, {t})</title>\n    \
             <updated>{sent}</updated>\n    <link rel=\"alternate\" type=\"application/cap+xml\" \
             href=\"/api/v1/alerts/{id}/cap/{n}\"/>\n  </entry>\n",
            id = xml_escape(&a.id),
            rule = xml_escape(&a.rule),
            sev = xml_escape(&a.severity),
        ));
    }
    xml.push_str("</feed>\n");
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}
