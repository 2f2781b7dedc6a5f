//! MQTT ingestion: the server subscribes to `aman/sensors/+/#` with QoS 1 and acknowledges a
//! message (PUBACK) only after its readings are stored, so a message the broker considers
//! delivered is durable.
//!
//! Topics: `aman/sensors/<sensor>/<rest>`. The payload is decoded by the sensor's adapter
//! with `<rest>` as the topic (an ONVIF device's rule path, e.g.
//! `tns1:RuleEngine/CountAggregation/Counter`); aman's own JSON uses `readings`.
//! `aman/sensors/<sensor>/status` with payload `offline` (a sensor's MQTT last will) marks
//! the sensor stale at once. A payload that is refused is counted for its sensor and
//! acknowledged (a retry would be refused again). The broker authenticates publishers
//! (its ACLs decide who may publish under a sensor's topic).

use std::time::Duration;

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS};

use crate::app::{AppState, now};
use crate::error::AppError;
use crate::ingest::decode_checked;
use crate::pipeline::{Accepted, SubmitError};

/// The subscription.
pub const TOPIC_FILTER: &str = "aman/sensors/+/#";

/// Host and port of an `mqtt://host:port` URL (port 1883 by default).
///
/// # Errors
/// A message naming what is wrong.
pub fn parse_mqtt_url(url: &str) -> Result<(String, u16), String> {
    let rest = url
        .strip_prefix("mqtt://")
        .or_else(|| url.strip_prefix("tcp://"))
        .ok_or_else(|| format!("{url:?} is not an mqtt://host:port URL"))?;
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>()
                .map_err(|_| format!("{url:?}: port {p:?} is not a number from 1 to 65535"))?,
        ),
        None => (rest, 1883),
    };
    if host.is_empty() {
        return Err(format!("{url:?} has no host"));
    }
    Ok((host.to_string(), port))
}

/// Runs the subscription until `shutdown` resolves; reconnects after broker errors.
pub async fn run(
    app: AppState,
    host: String,
    port: u16,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let mut options = MqttOptions::new(format!("aman-serve-{}", app.venue.id), host, port);
    options
        .set_keep_alive(Duration::from_secs(10))
        .set_clean_session(false)
        .set_manual_acks(true)
        .set_max_packet_size(app.limits.max_body, app.limits.max_body);
    let (client, mut events) = AsyncClient::new(options, 1024);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            event = events.poll() => match event {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    tracing::info!("MQTT connected; subscribing to {TOPIC_FILTER}");
                    if let Err(e) = client.subscribe(TOPIC_FILTER, QoS::AtLeastOnce).await {
                        tracing::error!(error = %e, "MQTT subscribe");
                    }
                }
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    // Decoded and queued in arrival order, so a sensor's messages keep their
                    // order in the log (a counter's later value never overtakes an earlier
                    // one); the commit is awaited and the message acknowledged concurrently.
                    let stored = handle(&app, &p).await;
                    let client = client.clone();
                    tokio::spawn(async move {
                        if stored.await
                            && let Err(e) = client.ack(&p).await
                        {
                            tracing::error!(error = %e, "MQTT ack");
                        }
                    });
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "MQTT connection; retrying in 1 s");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
    let _ = client.disconnect().await;
}

/// Decodes one message and queues its readings (or counts its refusal); the returned
/// future says, once they are stored, whether to acknowledge it. False if it could not be
/// stored for a reason of the server's (store failing, shutting down): it is not
/// acknowledged then, and the broker delivers it again.
async fn handle(app: &AppState, p: &Publish) -> impl Future<Output = bool> + use<> {
    let queued = queue(app, p).await;
    let sensor = p.topic.clone();
    async move {
        let result = match queued {
            Ok(Some(stored)) => stored.await.map(|_| ()).map_err(|e| match e {
                SubmitError::Unavailable => AppError::Unavailable(e.to_string()),
                SubmitError::Store(_) => AppError::Unavailable(format!("{e}; retry later")),
            }),
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => true,
            Err(e @ AppError::Unavailable(_)) => {
                tracing::warn!(topic = %sensor, error = %e, "MQTT payload not stored; not acknowledged");
                false
            }
            Err(e) => {
                tracing::debug!(topic = %sensor, error = %e, "MQTT payload refused");
                true
            }
        }
    }
}

/// The pending commit of a message's readings (None: nothing to store).
type Queued = Option<std::pin::Pin<Box<dyn Future<Output = Result<Accepted, SubmitError>> + Send>>>;

async fn queue(app: &AppState, p: &Publish) -> Result<Queued, AppError> {
    let Some(rest) = p.topic.strip_prefix("aman/sensors/") else {
        return Ok(None);
    };
    let (sensor, sub) = rest.split_once('/').unwrap_or((rest, ""));
    if sub == "status" {
        if p.payload.as_ref() == b"offline"
            && let Some((i, _)) = app.venue.sensor(sensor)
        {
            tracing::warn!(sensor, "sensor offline (MQTT last will)");
            app.pipeline.offline(i).await;
        }
        return Ok(None);
    }
    let received = now();
    let readings = decode_checked(app, sensor, Some(sub), &p.payload, received).await?;
    if readings.is_empty() {
        return Ok(None);
    }
    let stored = app
        .pipeline
        .enqueue(received, readings)
        .map_err(|e| AppError::Unavailable(e.to_string()))?;
    Ok(Some(Box::pin(stored)))
}
