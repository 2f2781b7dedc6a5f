//! `aman replay` against a tiny in-test HTTP server (it records every request and answers as
//! told) and, when `AMAN_TEST_MQTT` names a broker (`scripts/with-mosquitto`), a real MQTT
//! subscriber. Real data from ../shared/data: the Lyon 2022 Chenavard count CSV and the
//! Topview_2E trajectories.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aman_monitor::wire::WireBatch;
use aman_monitor::{Timestamp, Value};

/// One request the test server received.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    /// Header names lower-cased.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A minimal HTTP/1.1 server on a free loopback port: keeps connections alive, records each
/// request, and answers the `k`-th (from 0) with `answer(k)`.
struct Server {
    url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

type Answer = fn(usize) -> (u16, &'static str);

impl Server {
    fn start(answer: Answer) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                std::thread::spawn(move || {
                    let _ = connection(stream, &log, answer);
                });
            }
        });
        Server { url, requests }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// Every reading of every request, decoded as aman's wire format.
    fn readings(&self) -> Vec<(Timestamp, Value)> {
        self.requests()
            .iter()
            .flat_map(|r| batch(&r.body))
            .collect()
    }
}

fn connection(stream: TcpStream, log: &Mutex<Vec<Request>>, answer: Answer) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let path = parts.next().unwrap_or_default().to_owned();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            reader.read_line(&mut h)?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                headers.push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let k = {
            let mut log = log.lock().unwrap();
            log.push(Request {
                method,
                path,
                headers,
                body,
            });
            log.len() - 1
        };
        let (status, text) = answer(k);
        write!(
            out,
            "HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{text}",
            text.len()
        )?;
        out.flush()?;
    }
}

fn accepted(_: usize) -> (u16, &'static str) {
    (202, "")
}

fn batch(body: &[u8]) -> Vec<(Timestamp, Value)> {
    let b: WireBatch = serde_json::from_slice(body).expect("aman's wire JSON");
    b.readings
        .into_iter()
        .map(|r| {
            assert!(r.sensor.is_none());
            (r.time.resolve().unwrap(), r.value)
        })
        .collect()
}

fn lyon() -> PathBuf {
    common::repo().join("../shared/data/madras-lyon2022-festival-of-lights")
}

fn chenavard() -> PathBuf {
    lyon().join("chenavard_2022_1210.csv")
}

fn replay(args: &[&str]) -> Output {
    let out = common::aman(&[&["replay"], args].concat(), &common::repo());
    eprintln!(
        "aman replay {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The (time as seconds after midnight, nb_people) rows of a count CSV.
fn count_rows(path: &Path) -> Vec<(i64, u64)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let hms: Vec<i64> = f[0].split(':').map(|x| x.parse().unwrap()).collect();
            (hms[0] * 3600 + hms[1] * 60 + hms[2], f[1].parse().unwrap())
        })
        .collect()
}

fn totals(readings: &[(Timestamp, Value)]) -> Vec<u64> {
    readings
        .iter()
        .map(|(_, v)| match v {
            Value::Counter {
                direction: None,
                total,
            } => *total,
            other => panic!("not a counter without direction: {other:?}"),
        })
        .collect()
}

#[test]
fn counts_csv_sends_every_total_at_its_clock_time_with_the_token() {
    let server = Server::start(accepted);
    let out = replay(&[
        chenavard().to_str().unwrap(),
        "--to",
        &server.url,
        "--sensor",
        "chenavard",
        "--speed",
        "max",
        "--times",
        "original",
        "--date",
        "2022-12-10",
        "--utc-offset",
        "+01:00",
        "--token",
        "s3cret-token",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let rows = count_rows(&chenavard());
    // 85 data rows below the header (the last line has no line break, so `wc -l` says 85).
    assert_eq!(rows.len(), 85);
    let readings = server.readings();
    assert_eq!(readings.len(), rows.len());
    assert_eq!(
        totals(&readings),
        rows.iter().map(|r| r.1).collect::<Vec<_>>()
    );
    assert_eq!(readings[0].0.to_rfc3339(), "2022-12-10T20:38:00Z");
    let midnight = Timestamp::parse_rfc3339("2022-12-10T00:00:00+01:00").unwrap();
    for ((t, _), (secs, _)) in readings.iter().zip(&rows) {
        assert_eq!(*t, midnight.add_secs(*secs as f64));
    }
    for r in server.requests() {
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/api/v1/sensors/chenavard/readings");
        assert_eq!(r.header("authorization"), Some("Bearer s3cret-token"));
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("replayed 85 of 85 readings"), "{summary}");
}

#[test]
fn trajectory_sends_one_track_reading_per_row_frame_by_frame() {
    let file = lyon().join("Topview_2E.txt");
    // The file's rows: id frame x y z.
    let mut rows: Vec<(u64, u64, f64, f64)> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (
                f[1].parse().unwrap(),
                f[0].parse().unwrap(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
            )
        })
        .collect();
    rows.sort_by_key(|a| (a.0, a.1));
    let server = Server::start(accepted);
    let started = Instant::now();
    let out = replay(&[
        file.to_str().unwrap(),
        "--frame-rate",
        "30",
        "--to",
        &server.url,
        "--sensor",
        "topview",
        "--speed",
        "0",
        "--times",
        "original",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "--speed 0 is not paced"
    );
    let readings = server.readings();
    assert_eq!(readings.len(), rows.len());
    let zero = Timestamp::parse_rfc3339("2000-01-01T00:00:00Z").unwrap();
    for ((t, v), (frame, id, x, y)) in readings.iter().zip(&rows) {
        assert_eq!(
            v,
            &Value::Track {
                track: *id,
                x: *x,
                y: *y
            }
        );
        assert_eq!(*t, zero.add_secs(*frame as f64 / 30.0), "frame {frame}");
    }
    // At full speed the batches are as large as allowed, frames whole.
    let requests = server.requests();
    let fewest = rows.len().div_ceil(10_000);
    assert!(
        (fewest..=2 * fewest).contains(&requests.len()),
        "{} batches",
        requests.len()
    );
    assert!(requests.iter().all(|r| batch(&r.body).len() <= 10_000));
}

#[test]
fn times_now_are_never_in_the_future_and_keep_the_gaps() {
    let server = Server::start(accepted);
    let before = Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros() as i64,
    );
    let out = replay(&[
        chenavard().to_str().unwrap(),
        "--to",
        &server.url,
        "--speed",
        "max",
    ]);
    let after = Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros() as i64,
    );
    assert_eq!(out.status.code(), Some(0));
    let requests = server.requests();
    // The default sensor is the file's name.
    assert_eq!(
        requests[0].path,
        "/api/v1/sensors/chenavard_2022_1210/readings"
    );
    assert_eq!(requests[0].header("authorization"), None);
    let readings = server.readings();
    let rows = count_rows(&chenavard());
    let last = readings.last().unwrap().0;
    assert!(before <= last && last <= after, "{before} {last} {after}");
    for ((t, _), (secs, _)) in readings.iter().zip(&rows) {
        assert_eq!(t.secs_since(readings[0].0), (secs - rows[0].0) as f64);
    }
}

#[test]
fn speed_paces_the_replay() {
    // 392 s of counts at 200× take at least 1.96 s.
    let server = Server::start(accepted);
    let started = Instant::now();
    let out = replay(&[
        chenavard().to_str().unwrap(),
        "--to",
        &server.url,
        "--speed",
        "200",
    ]);
    let took = started.elapsed().as_secs_f64();
    assert_eq!(out.status.code(), Some(0));
    assert!(took >= 392.0 / 200.0, "{took} s");
    assert_eq!(server.readings().len(), 85);
}

#[test]
fn a_401_stops_the_replay_with_the_servers_message() {
    let server = Server::start(|_| (401, "unknown token for sensor \"chenavard\""));
    let out = replay(&[
        chenavard().to_str().unwrap(),
        "--to",
        &server.url,
        "--sensor",
        "chenavard",
        "--speed",
        "max",
        "--token",
        "wrong",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("401"), "{e}");
    assert!(e.contains("unknown token for sensor \"chenavard\""), "{e}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_503_is_retried() {
    let server = Server::start(|k| if k < 2 { (503, "busy") } else { (202, "") });
    let out = replay(&[
        chenavard().to_str().unwrap(),
        "--to",
        &server.url,
        "--speed",
        "max",
    ]);
    assert_eq!(out.status.code(), Some(0));
    // All 85 rows in one batch at full speed, sent three times.
    assert_eq!(server.requests().len(), 3);
    assert_eq!(batch(&server.requests()[2].body).len(), 85);
}

#[test]
fn no_server_is_a_clear_failure() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let out = replay(&[chenavard().to_str().unwrap(), "--to", &url]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(
        e.contains(&format!("is aman serve running at {url}?")),
        "{e}"
    );
}

#[test]
fn bad_input_is_exit_code_2_with_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "time,nb_people,people_passed\n21:38:00,0,0\n21:38:09,26,26\n21:38:24,many,31\n",
    )
    .unwrap();
    let truncated = dir.path().join("cut.txt");
    std::fs::write(&truncated, "#id frame x y\n1 0 0.5 1.0\n1 1 0.6").unwrap();
    let url = "http://127.0.0.1:9";
    let lyon_counts = chenavard();
    let counts = lyon_counts.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["/no/such/file.csv", "--to", url], "no such file"),
        (
            vec![bad.to_str().unwrap(), "--to", url],
            "line 4, column 2 (nb_people)",
        ),
        (
            vec![
                truncated.to_str().unwrap(),
                "--frame-rate",
                "10",
                "--to",
                url,
            ],
            "line 3",
        ),
        (vec![counts, "--as", "faces", "--to", url], "--as \"faces\""),
        (vec![counts, "--to", "localhost:8080"], "--to"),
        (vec![counts, "--to", url, "--speed", "-1"], "--speed"),
        (
            vec![counts, "--to", url, "--times", "original"],
            "--date YYYY-MM-DD",
        ),
        (vec![counts, "--to", url, "--sensor", "a/b"], "--sensor"),
    ];
    for (args, needle) in cases {
        let out = replay(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let e = stderr(&out);
        assert!(e.contains(needle), "{args:?}: {e}");
    }
}

#[test]
fn counts_over_mqtt_reach_a_subscriber() {
    let Ok(url) = std::env::var("AMAN_TEST_MQTT") else {
        eprintln!(
            "skipped: AMAN_TEST_MQTT is not set (run under scripts/with-mosquitto for a broker)"
        );
        return;
    };
    let hostport = url.strip_prefix("mqtt://").expect("mqtt:// URL");
    let (host, port) = hostport.rsplit_once(':').unwrap();
    let sensor = format!("chenavard-{}", std::process::id());
    let topic = format!("aman/sensors/{sensor}/readings");
    let mut options = rumqttc::MqttOptions::new("aman-replay-test", host, port.parse().unwrap());
    options.set_max_packet_size(16 << 20, 16 << 20);
    let (client, mut connection) = rumqttc::Client::new(options, 16);
    client
        .subscribe("aman/sensors/+/readings", rumqttc::QoS::AtLeastOnce)
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for event in connection.iter() {
            match event {
                Ok(rumqttc::Event::Incoming(rumqttc::Packet::SubAck(_))) => {
                    let _ = tx.send(None);
                }
                Ok(rumqttc::Event::Incoming(rumqttc::Packet::Publish(p))) => {
                    let _ = tx.send(Some((p.topic.clone(), p.qos, p.payload.to_vec())));
                }
                Ok(_) => {}
                Err(e) => panic!("subscriber: {e}"),
            }
        }
    });
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), None);
    let out = replay(&[
        chenavard().to_str().unwrap(),
        "--to",
        &url,
        "--sensor",
        &sensor,
        "--speed",
        "0",
        "--batch-interval",
        "30",
        "--times",
        "original",
        "--date",
        "2022-12-10",
        "--utc-offset",
        "+01:00",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let mut readings = Vec::new();
    let mut messages = 0;
    while readings.len() < 85 {
        let Some((t, qos, payload)) = rx.recv_timeout(Duration::from_secs(10)).unwrap() else {
            continue;
        };
        assert_eq!(t, topic);
        assert_eq!(qos, rumqttc::QoS::AtLeastOnce);
        readings.extend(batch(&payload));
        messages += 1;
    }
    assert!(messages > 1, "--batch-interval 30 cuts several batches");
    assert_eq!(readings.len(), 85);
    assert_eq!(
        totals(&readings),
        count_rows(&chenavard())
            .iter()
            .map(|r| r.1)
            .collect::<Vec<_>>()
    );
    assert_eq!(readings[0].0.to_rfc3339(), "2022-12-10T20:38:00Z");
}

#[test]
fn trajectory_over_mqtt_in_full_batches() {
    let Ok(url) = std::env::var("AMAN_TEST_MQTT") else {
        eprintln!(
            "skipped: AMAN_TEST_MQTT is not set (run under scripts/with-mosquitto for a broker)"
        );
        return;
    };
    let file = lyon().join("Topview_2E.txt");
    let rows = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .count();
    let hostport = url.strip_prefix("mqtt://").expect("mqtt:// URL");
    let (host, port) = hostport.rsplit_once(':').unwrap();
    let sensor = format!("topview-{}", std::process::id());
    let mut options =
        rumqttc::MqttOptions::new("aman-replay-test-tracks", host, port.parse().unwrap());
    options.set_max_packet_size(16 << 20, 16 << 20);
    let (client, mut connection) = rumqttc::Client::new(options, 16);
    client
        .subscribe(
            format!("aman/sensors/{sensor}/readings"),
            rumqttc::QoS::AtLeastOnce,
        )
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for event in connection.iter() {
            match event {
                Ok(rumqttc::Event::Incoming(rumqttc::Packet::SubAck(_))) => {
                    let _ = tx.send(None);
                }
                Ok(rumqttc::Event::Incoming(rumqttc::Packet::Publish(p))) => {
                    let _ = tx.send(Some(p.payload.to_vec()));
                }
                Ok(_) => {}
                Err(e) => panic!("subscriber: {e}"),
            }
        }
    });
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), None);
    let out = replay(&[
        file.to_str().unwrap(),
        "--frame-rate",
        "30",
        "--to",
        &url,
        "--sensor",
        &sensor,
        "--speed",
        "max",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let mut readings = Vec::new();
    while readings.len() < rows {
        let Some(payload) = rx.recv_timeout(Duration::from_secs(10)).unwrap() else {
            continue;
        };
        let b = batch(&payload);
        assert!(b.len() <= 10_000);
        readings.extend(b);
    }
    assert_eq!(readings.len(), rows);
    assert!(
        readings
            .iter()
            .all(|(_, v)| matches!(v, Value::Track { .. }))
    );
}

#[test]
fn no_broker_is_a_clear_failure() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("mqtt://127.0.0.1:{port}");
    let out = replay(&[chenavard().to_str().unwrap(), "--to", &url]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("is it running there?"), "{e}");
}
