//! Nothing acknowledged is lost: the real `aman serve` under load from several clients is
//! SIGKILLed (or stopped with SIGTERM); every reading it answered 2xx for must be in the
//! SQLite log at the `seq` it was given, with exactly the values sent, and a restarted server
//! must rebuild the same zone and line state as a `Monitor` fed the stored log.

mod serve_support;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aman_monitor::wire::WireTime;
use aman_monitor::{Logged, Monitor, Timestamp, Value};
use serde_json::json;
use serve_support::{LYON, Serve, agent, by_id, post, repo, sensor_token, token};

/// A reading as sent: sensor, time (as the server resolves the wire seconds), value.
type Sent = (String, Timestamp, Value);

/// One acknowledged batch: its place in the log and what was sent.
struct Acked {
    first_seq: u64,
    last_seq: u64,
    readings: Vec<Sent>,
}

/// Seconds since the epoch, an hour ago (sensor times stay in the past).
fn base_time() -> f64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    (now.as_secs() as f64 - 3600.0).floor()
}

/// The body and the expected readings of client `client`'s `n`-th batch.
///
/// Clients 0 and 1 are the two count sensors (counters of increasing totals), the others
/// the Topview camera (one frame of 12 tracks per batch, some inside the Topview zone).
fn batch(client: usize, n: u64, base: f64) -> (String, String, Vec<Sent>) {
    let mut wire = Vec::new();
    let mut sent = Vec::new();
    let sensor = match client {
        0 => "chenavard-count",
        1 => "constantine-count",
        _ => "topview-cam",
    };
    if client < 2 {
        for k in 0..20u64 {
            let i = n * 20 + k;
            let secs = base + i as f64 * 0.05;
            let total = i * 2 + (i % 3);
            wire.push(json!({"time": secs, "kind": "counter", "total": total}));
            sent.push((
                sensor.to_string(),
                WireTime::Seconds(secs).resolve().unwrap(),
                Value::Counter {
                    direction: None,
                    total,
                },
            ));
        }
    } else {
        // Interleaved frames of the camera threads: 25 frames/s each, offset per thread.
        let secs = base + n as f64 * 0.04 + (client - 2) as f64 * 0.013;
        for track in 0..12u64 {
            let x = -3.0 + 0.37 * track as f64 + 0.001 * (n % 50) as f64;
            let y = 1.0 + 0.29 * track as f64 + 0.002 * (n % 17) as f64;
            wire.push(json!({"time": secs, "kind": "track", "track": track, "x": x, "y": y}));
            sent.push((
                sensor.to_string(),
                WireTime::Seconds(secs).resolve().unwrap(),
                Value::Track { track, x, y },
            ));
        }
    }
    (
        sensor.to_string(),
        json!({ "readings": wire }).to_string(),
        sent,
    )
}

/// Client threads posting as fast as they can until `stop` or the server goes away; every
/// 2xx batch with its seqs.
fn load(
    url: &str,
    tokens: &[String; 3],
    clients: usize,
    stop: &Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<Vec<Acked>>> {
    let base = base_time();
    (0..clients)
        .map(|c| {
            let url = url.to_string();
            let token = tokens[c.min(2)].clone();
            let stop = Arc::clone(stop);
            std::thread::spawn(move || {
                let agent = agent();
                let mut acked = Vec::new();
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let (sensor, body, sent) = batch(c, n, base);
                    n += 1;
                    let endpoint = format!("{url}/api/v1/sensors/{sensor}/readings");
                    match post(&agent, &endpoint, &token, &body) {
                        Ok((status, answer)) if (200..300).contains(&status) => {
                            let a: serde_json::Value = serde_json::from_str(&answer)
                                .unwrap_or_else(|e| panic!("{e}: {answer}"));
                            let first = a["first_seq"].as_u64().expect("first_seq");
                            let last = a["last_seq"].as_u64().expect("last_seq");
                            assert_eq!(a["accepted"], sent.len(), "{answer}");
                            assert_eq!(last - first + 1, sent.len() as u64, "{answer}");
                            acked.push(Acked {
                                first_seq: first,
                                last_seq: last,
                                readings: sent,
                            });
                        }
                        // Busy or rate-limited: not acknowledged; go on.
                        Ok((429 | 503, _)) => {}
                        Ok((status, answer)) => panic!("{endpoint}: {status} {answer}"),
                        // The server is gone (killed or stopped).
                        Err(_) => break,
                    }
                }
                acked
            })
        })
        .collect()
}

/// The whole stored log of the Lyon venue, in seq order.
fn stored_log(rt: &tokio::runtime::Runtime, data: &Path) -> Vec<Logged> {
    rt.block_on(async {
        let store = aman_store::Store::open(data.to_str().unwrap())
            .await
            .expect("open the store");
        let mut all = Vec::new();
        loop {
            let after = all.last().map_or(0, |l: &Logged| l.seq);
            let chunk = store
                .readings_after("lyon2022-festival-of-lights", after, 100_000)
                .await
                .expect("read the log");
            if chunk.is_empty() {
                break;
            }
            all.extend(chunk);
        }
        store.close().await;
        all
    })
}

/// Asserts every acknowledged reading is in `log` at its seq with the values sent; the
/// number of acknowledged readings.
fn check_acked(acked: &[Acked], log: &[Logged]) -> usize {
    let by_seq: std::collections::HashMap<u64, &Logged> = log.iter().map(|l| (l.seq, l)).collect();
    let mut n = 0;
    for a in acked {
        for (k, (sensor, time, value)) in a.readings.iter().enumerate() {
            let seq = a.first_seq + k as u64;
            assert!(seq <= a.last_seq);
            let l = by_seq
                .get(&seq)
                .unwrap_or_else(|| panic!("acknowledged reading seq {seq} is not stored"));
            assert_eq!(&l.reading.sensor, sensor, "seq {seq}");
            assert_eq!(l.reading.time, *time, "seq {seq}");
            assert_eq!(&l.reading.value, value, "seq {seq}");
            n += 1;
        }
    }
    n
}

fn tokens(data: &Path) -> (String, [String; 3]) {
    let admin = token(data, &["--admin"]);
    let sensors = [
        sensor_token(data, LYON, "chenavard-count"),
        sensor_token(data, LYON, "constantine-count"),
        sensor_token(data, LYON, "topview-cam"),
    ];
    (admin, sensors)
}

#[test]
fn sigkill_under_load_loses_no_acknowledged_reading_and_restart_rebuilds_the_state() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (admin, sensor_tokens) = tokens(&data);
    let mut server = Serve::start(LYON, &data, &["--rate", "1000000"]);
    let stop = Arc::new(AtomicBool::new(false));
    let clients = load(&server.url, &sensor_tokens, 4, &stop);
    // The load runs ~2 s; the kill lands while requests are in flight.
    std::thread::sleep(Duration::from_secs(2));
    server.child.kill().expect("SIGKILL");
    let status = server.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    assert!(!status.success(), "killed: {status}");
    let acked: Vec<Acked> = clients
        .into_iter()
        .flat_map(|c| c.join().expect("client thread"))
        .collect();
    let batches = acked.len();

    let rt = tokio::runtime::Runtime::new().unwrap();
    let log = stored_log(&rt, &data);
    let n = check_acked(&acked, &log);
    println!(
        "SIGKILL: {n} readings in {batches} batches acknowledged, all found; {} stored",
        log.len()
    );
    assert!(n >= 1000, "only {n} readings acknowledged in 2 s of load");
    // The log has no gaps.
    for (i, l) in log.iter().enumerate() {
        assert_eq!(l.seq, i as u64 + 1);
    }

    // What a monitor fed the stored log computes.
    let venue = aman_monitor::read_venue(&repo().join(LYON)).unwrap();
    let mut monitor = Monitor::new(venue, Timestamp(0));
    for l in &log {
        monitor.apply(l).unwrap();
    }
    monitor.flush();
    let expected = serde_json::to_value(monitor.state()).unwrap();
    assert!(
        expected["lines"][0]["total_in"].as_u64().unwrap() > 0,
        "{expected}"
    );
    assert!(
        expected["zones"][0]["occupancy"].as_f64().is_some(),
        "{expected}"
    );

    // The restarted server rebuilds the same state (its clock closes the last open camera
    // frame on its first tick, as flush does).
    let restarted = Serve::start(LYON, &data, &[]);
    let same = |s: &serde_json::Value| {
        s["seq"] == expected["seq"]
            && s["zones"] == expected["zones"]
            && s["lines"] == expected["lines"]
    };
    let state = restarted
        .poll("/api/v1/state", &admin, Duration::from_secs(10), same)
        .unwrap_or_else(|s| {
            assert_eq!(s["zones"], expected["zones"]);
            assert_eq!(s["lines"], expected["lines"]);
            panic!("seq {} != {}", s["seq"], expected["seq"])
        });
    assert_eq!(state["seq"], log.len());
    for line in ["chenavard", "constantine"] {
        let l = by_id(&state, "lines", line);
        assert_eq!(l, by_id(&expected, "lines", line));
    }
    let zone = by_id(&state, "zones", "topview");
    println!("rebuilt: {zone} {}", state["lines"]);
}

#[test]
fn sigterm_exits_0_and_stores_every_acknowledged_reading() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (_, sensor_tokens) = tokens(&data);
    let mut server = Serve::start(LYON, &data, &["--rate", "1000000"]);
    let stop = Arc::new(AtomicBool::new(false));
    let clients = load(&server.url, &sensor_tokens, 4, &stop);
    std::thread::sleep(Duration::from_secs(1));
    server.terminate();
    let status = server.wait_for_exit(Duration::from_secs(10));
    stop.store(true, Ordering::Relaxed);
    let status = status.unwrap_or_else(|| panic!("still running 10 s after SIGTERM"));
    assert_eq!(status.code(), Some(0), "{}", server.log());
    let acked: Vec<Acked> = clients
        .into_iter()
        .flat_map(|c| c.join().expect("client thread"))
        .collect();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let log = stored_log(&rt, &data);
    let n = check_acked(&acked, &log);
    println!(
        "SIGTERM: {n} readings in {} batches acknowledged, all found; {} stored",
        acked.len(),
        log.len()
    );
    assert!(n >= 500, "only {n} readings acknowledged in 1 s of load");
    // A graceful stop stores nothing it did not acknowledge.
    assert_eq!(n, log.len());
}
