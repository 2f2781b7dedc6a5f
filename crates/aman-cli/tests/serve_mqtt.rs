//! `aman serve --mqtt` with a real Mosquitto broker: run with
//! `scripts/with-mosquitto cargo test -p aman-cli --release --test serve_mqtt`, which sets
//! `AMAN_TEST_MQTT=mqtt://127.0.0.1:PORT`; without it these tests say they were skipped.
//!
//! The server subscribes to `aman/sensors/+/#` at QoS 1 with a persistent session named after
//! the venue, so the two tests use two venues (Lyon 2022 and SiB2023) and can run together.

mod serve_support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, Event, EventLoop, LastWill, MqttOptions, Packet, QoS};
use serde_json::Value as Json;
use serve_support::{LYON, Serve, by_id, repo, token};

const SIB: &str = "venues/sib2023-entrance/venue.toml";

/// The broker's `mqtt://host:port`, or None (and why) when the tests should be skipped.
fn broker() -> Option<(String, String, u16)> {
    let Ok(url) = std::env::var("AMAN_TEST_MQTT") else {
        eprintln!(
            "skipped: AMAN_TEST_MQTT is not set; run under scripts/with-mosquitto to start a \
             Mosquitto broker"
        );
        return None;
    };
    let rest = url
        .strip_prefix("mqtt://")
        .expect("AMAN_TEST_MQTT=mqtt://…");
    let (host, port) = rest.trim_end_matches('/').rsplit_once(':').unwrap();
    Some((url.clone(), host.to_string(), port.parse().unwrap()))
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A connected MQTT client (CONNACK received).
async fn connect(
    id: &str,
    host: &str,
    port: u16,
    will: Option<LastWill>,
) -> (AsyncClient, EventLoop) {
    let mut o = MqttOptions::new(id, host, port);
    o.set_keep_alive(Duration::from_secs(30));
    if let Some(w) = will {
        o.set_last_will(w);
    }
    // Room for every message a test publishes before it polls the connection.
    let (client, mut events) = AsyncClient::new(o, 1024);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match tokio::time::timeout_at(deadline, events.poll()).await {
            Ok(Ok(Event::Incoming(Packet::ConnAck(_)))) => return (client, events),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("MQTT connect to {host}:{port}: {e}"),
            Err(_) => panic!("no CONNACK from {host}:{port} within 10 s"),
        }
    }
}

/// Publishes each `(topic, payload)` at QoS 1 and waits for the broker's PUBACK of every one.
fn publish(host: &str, port: u16, id: &str, messages: &[(String, Vec<u8>)]) {
    // A client id of its own per connection: the two tests run at once on one broker, and a
    // second client with the same id takes the first one's session over (the broker closes
    // the first connection).
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let id = format!("{id}-{}-{n}", std::process::id());
    rt().block_on(async {
        let (client, mut events) = connect(&id, host, port, None).await;
        for (topic, payload) in messages {
            client
                .publish(topic.clone(), QoS::AtLeastOnce, false, payload.clone())
                .await
                .unwrap();
        }
        let mut acked = 0;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while acked < messages.len() {
            match tokio::time::timeout_at(deadline, events.poll()).await {
                Ok(Ok(Event::Incoming(Packet::PubAck(_)))) => acked += 1,
                Ok(Ok(_)) => {}
                Ok(Err(e)) => panic!("MQTT publish: {e}"),
                Err(_) => panic!("{acked} of {} PUBACKs within 30 s", messages.len()),
            }
        }
        client.disconnect().await.unwrap();
        // Let the DISCONNECT go out.
        let _ = tokio::time::timeout(Duration::from_secs(1), events.poll()).await;
    });
}

/// The count of refusals of `sensor` of `kind` (0 if none).
fn rejections(server: &Serve, admin: &str, sensor: &str, kind: &str) -> u64 {
    let v = server.get("/api/v1/sensors", admin);
    v["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["sensor"] == sensor && r["kind"] == kind)
        .map_or(0, |r| r["count"].as_u64().unwrap())
}

/// Waits until the server is subscribed: publishes a truncated payload for `sensor` until
/// the server has counted one (messages before its SUBSCRIBE are not delivered to it).
fn wait_subscribed(server: &Serve, admin: &str, host: &str, port: u16, sensor: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let topic = format!("aman/sensors/{sensor}/readings");
    loop {
        publish(
            host,
            port,
            "aman-test-probe",
            &[(topic.clone(), b"{".to_vec())],
        );
        let seen = server.poll("/api/v1/sensors", admin, Duration::from_millis(500), |v| {
            v["rejections"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["sensor"] == sensor)
        });
        if seen.is_ok() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not subscribe within 30 s:\n{}",
            server.log()
        );
    }
}

fn sensor<'a>(state: &'a Json, id: &str) -> &'a Json {
    by_id(state, "sensors", id)
}

#[test]
fn lyon_over_mqtt_last_will_refusals_replay_and_qos1_across_a_kill() {
    let Some((url, host, port)) = broker() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let admin = token(&data, &["--admin"]);
    let started = Instant::now();
    let mut server = Serve::start(LYON, &data, &["--mqtt", &url]);
    wait_subscribed(&server, &admin, &host, port, "topview-cam");

    // Last will: a client of constantine-count dies without DISCONNECT; the broker publishes
    // its will and the server marks the sensor stale at once (its period is 30 s).
    rt().block_on(async {
        let will = LastWill::new(
            "aman/sensors/constantine-count/status",
            "offline",
            QoS::AtLeastOnce,
            false,
        );
        let (client, events) = connect("constantine-count-device", &host, port, Some(will)).await;
        // Drop the connection abruptly: no DISCONNECT is sent.
        drop(events);
        drop(client);
    });
    let state = server
        .poll("/api/v1/state", &admin, Duration::from_secs(10), |s| {
            sensor(s, "constantine-count")["stale"] == true
        })
        .unwrap_or_else(|s| panic!("constantine-count not stale after its last will: {s}"));
    let stale_after = started.elapsed();
    assert!(
        stale_after < Duration::from_secs(25),
        "the will took {stale_after:?}: the sensor's 30 s period may have made it stale"
    );
    // chenavard-count, silent as long with the same period, is not stale: the will did it.
    assert_eq!(sensor(&state, "chenavard-count")["stale"], false, "{state}");
    let alerts = server
        .poll("/api/v1/alerts", &admin, Duration::from_secs(10), |a| {
            a["alerts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["rule"] == "constantine-count-stale")
        })
        .unwrap_or_else(|a| panic!("no stale alert for constantine-count: {a}"));
    let alert = alerts["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["rule"] == "constantine-count-stale")
        .unwrap();
    assert_eq!(alert["subject"], "constantine-count");
    assert_eq!(alert["status"], "raised");
    println!("last will: stale and alert raised {stale_after:?} after the server started");

    // A refused payload is acknowledged by the broker and counted for its sensor.
    assert_eq!(rejections(&server, &admin, "topview-cam", "syntax"), 0);
    publish(
        &host,
        port,
        "aman-test-garbage",
        &[(
            "aman/sensors/topview-cam/readings".into(),
            b"garbage, not JSON".to_vec(),
        )],
    );
    server
        .poll("/api/v1/sensors", &admin, Duration::from_secs(10), |_| {
            rejections(&server, &admin, "topview-cam", "syntax") == 1
        })
        .unwrap_or_else(|v| panic!("garbage not counted once: {v}"));

    // aman replay of the Chenavard count CSV over MQTT, as fast as the broker takes it.
    let csv =
        repo().join("../shared/data/madras-lyon2022-festival-of-lights/chenavard_2022_1210.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let last_total: u64 = rows
        .last()
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!((rows.len(), last_total), (85, 2030));
    let out = Command::new(env!("CARGO_BIN_EXE_aman"))
        .arg("replay")
        .arg(&csv)
        .args(["--sensor", "chenavard-count", "--to", &url, "--speed", "0"])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "aman replay: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let state = server
        .poll("/api/v1/state", &admin, Duration::from_secs(30), |s| {
            by_id(s, "lines", "chenavard")["total_in"] == last_total
                && sensor(s, "chenavard-count")["readings"] == rows.len()
        })
        .unwrap_or_else(|s| panic!("replay not counted: {s}"));
    let line = by_id(&state, "lines", "chenavard");
    assert_eq!(line["total_out"], 0);
    assert_eq!(line["resets"], 0);
    assert_eq!(sensor(&state, "chenavard-count")["late"], 0);
    assert_eq!(sensor(&state, "chenavard-count")["duplicates"], 0);

    // QoS 1 across a SIGKILL: one crossing per message on constantine-count, published while
    // the server stores them; the server is killed, restarted on the same data, and the
    // broker delivers again what it had not acknowledged. Acknowledged = stored: every
    // crossing ends up counted once. (A server acknowledging before its commit loses the
    // messages acknowledged but not yet committed when it is killed.)
    let n = 400u64;
    let t0 = 1_670_708_000.0;
    let messages: Vec<(String, Vec<u8>)> = (0..n)
        .map(|i| {
            let body = serde_json::json!({"readings": [
                {"time": t0 + i as f64 * 0.25, "kind": "crossings", "count": 1}
            ]});
            (
                "aman/sensors/constantine-count/readings".to_string(),
                body.to_string().into_bytes(),
            )
        })
        .collect();
    let before = server.get("/api/v1/state", &admin)["seq"].as_u64().unwrap();
    publish(&host, port, "constantine-count-device", &messages);
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let stored_at_kill = stored(&data, before);
    println!("QoS 1: {stored_at_kill} of {n} messages stored when the server was killed");
    let restarted = Serve::start(LYON, &data, &["--mqtt", &url]);
    let state = restarted
        .poll("/api/v1/state", &admin, Duration::from_secs(30), |s| {
            by_id(s, "lines", "constantine")["total_in"] == n
        })
        .unwrap_or_else(|s| {
            panic!(
                "after the restart {} of {n} crossings counted: {s}",
                by_id(&s, "lines", "constantine")["total_in"]
            )
        });
    let s = sensor(&state, "constantine-count");
    assert_eq!(s["late"], 0, "{s}");
    assert_eq!(
        s["readings"].as_u64().unwrap(),
        n + s["duplicates"].as_u64().unwrap(),
        "{s}"
    );
    assert_eq!(s["stale"], false);
}

/// Readings of the Lyon venue stored after `seq`.
fn stored(data: &Path, after: u64) -> usize {
    rt().block_on(async {
        let store = aman_store::Store::open(data.to_str().unwrap())
            .await
            .unwrap();
        let n = store
            .readings_after("lyon2022-festival-of-lights", after, 1_000_000)
            .await
            .unwrap()
            .len();
        store.close().await;
        n
    })
}

#[test]
fn onvif_counters_over_mqtt_count_on_their_gate_line() {
    let Some((url, host, port)) = broker() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let admin = token(&data, &["--admin"]);
    let server = Serve::start(SIB, &data, &["--mqtt", &url]);
    wait_subscribed(&server, &admin, &host, port, "counter-south");

    // counter-west's ONVIF rule engine: cumulative counters "west-in" and "west-out" of the
    // west gate, as its event broker publishes them (counts as strings). The first value of
    // a counter is its baseline; published back to back, in order.
    let t = |s: u32| format!("2026-01-01T10:00:{s:02}.000Z");
    let onvif = |rule: &str, time: String, count: &str| {
        (
            format!(
                "aman/sensors/counter-west/onvif-ej/RuleEngine/CountAggregation/Counter/&1/{rule}"
            ),
            serde_json::json!({
                "UtcTime": time,
                "Source": {"VideoSource": "VideoSource_1", "Rule": rule},
                "Data": {"Count": count}
            })
            .to_string()
            .into_bytes(),
        )
    };
    let messages = vec![
        onvif("west-in", t(0), "1700"),
        onvif("west-out", t(0), "40"),
        onvif("west-in", t(1), "1709"),
        onvif("west-in", t(2), "1717"),
        onvif("west-out", t(2), "45"),
    ];
    publish(&host, port, "counter-west-device", &messages);
    let state = server
        .poll("/api/v1/state", &admin, Duration::from_secs(10), |s| {
            sensor(s, "counter-west")["readings"] == messages.len()
        })
        .unwrap_or_else(|s| panic!("ONVIF messages not all applied: {s}"));
    let gate = by_id(&state, "lines", "west-gate");
    assert_eq!(gate["total_in"], 17, "{gate}");
    assert_eq!(gate["total_out"], 5, "{gate}");
    assert_eq!(gate["resets"], 0, "{gate}");
    let s = sensor(&state, "counter-west");
    assert_eq!(
        (s["late"].as_u64(), s["duplicates"].as_u64()),
        (Some(0), Some(0)),
        "{s}"
    );
    // Another gate is untouched.
    assert_eq!(by_id(&state, "lines", "east-gate")["total_in"], 0);

    // A refused ONVIF payload ("17.5" persons) is counted, the line unchanged.
    publish(
        &host,
        port,
        "counter-west-device",
        &[onvif("west-in", t(3), "17.5")],
    );
    server
        .poll("/api/v1/sensors", &admin, Duration::from_secs(10), |_| {
            rejections(&server, &admin, "counter-west", "out_of_range") == 1
        })
        .unwrap_or_else(|v| panic!("\"17.5\" not refused once: {v}"));
    let state = server.get("/api/v1/state", &admin);
    assert_eq!(by_id(&state, "lines", "west-gate")["total_in"], 17);
}
