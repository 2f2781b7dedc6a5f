//! The API test suite of `aman serve`: a real server per test (port 0, its own database),
//! driven over HTTP and WebSocket like a sensor, an operator and an attacker would.
//!
//! Every test runs on SQLite; the same tests run on PostgreSQL when `AMAN_TEST_POSTGRES` is
//! set (`scripts/with-postgres cargo test -p aman-server --release`).

mod common;

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use aman_analysis::TrajectoryIndex;
use aman_analysis::classic::classic_density;
use aman_geometry::MeasurementArea;
use aman_monitor::Timestamp;
use aman_ops::Mode;
use aman_server::Limits;
use aman_store::TokenRole;
use aman_trajectory::{ReadOptions, TrajectoryData, read_trajectory};
use common::{Auth, Backend, Client, Db, Resp, TestApp, eventually, shared_data, wire_time};
use serde_json::{Value, json};

on_both!(
    topview_density_live_equals_offline,
    chenavard_counts_live_equal_the_file,
    hermes_alert_end_to_end,
    hermes_alert_in_exercise_mode,
    every_check_holds_against_attempts_around_it,
    bad_input_is_refused_counted_and_harmless,
    rate_limit_is_per_sensor,
    restart_rebuilds_the_same_state,
    alert_left_open_by_the_server_clock_is_resolved_at_restart,
    an_alert_resolved_by_hand_is_cancelled_raised_again_and_kept_at_restart,
    heat_map_is_the_gaussian_density_of_the_last_tracked_frame,
);

/// 2026-01-01T00:00:00Z: frame k of a replay is at T0 + k / fps.
const T0: i64 = 1_767_225_600_000_000;

fn frame_time(frame: u64, fps: f64) -> Timestamp {
    Timestamp(T0 + (frame as f64 * 1e6 / fps).round() as i64)
}

fn load(rel: &str, fps: f64) -> TrajectoryData {
    let options = ReadOptions {
        frame_rate: Some(fps),
        ..ReadOptions::default()
    };
    read_trajectory(&shared_data(rel), &options)
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .data
}

/// The readings of each frame, in frame order: (frame, readings).
fn track_frames(data: &TrajectoryData) -> Vec<(u64, Vec<Value>)> {
    let mut rows: Vec<usize> = (0..data.x.len()).collect();
    rows.sort_by_key(|&r| (data.frame[r], data.id[r]));
    let mut out: Vec<(u64, Vec<Value>)> = Vec::new();
    for r in rows {
        let f = data.frame[r];
        let reading = json!({"time": wire_time(frame_time(f, data.frame_rate)), "kind": "track",
            "track": data.id[r], "x": data.x[r], "y": data.y[r]});
        match out.last_mut() {
            Some((lf, v)) if *lf == f => v.push(reading),
            _ => out.push((f, vec![reading])),
        }
    }
    out
}

/// aman JSON bodies of `per_post` frames each: (last frame, body).
fn bodies(frames: &[(u64, Vec<Value>)], per_post: usize) -> Vec<(u64, Vec<u8>)> {
    frames
        .chunks(per_post)
        .map(|c| {
            let readings: Vec<&Value> = c.iter().flat_map(|(_, v)| v).collect();
            let last = c.last().map_or(0, |l| l.0);
            (
                last,
                json!({ "readings": readings }).to_string().into_bytes(),
            )
        })
        .collect()
}

/// Posts every body as `sensor`, as fast as the server answers; each must be 202.
async fn replay(client: &Client, sensor: &str, token: &str, bodies: Vec<(u64, Vec<u8>)>) {
    let (c, s, t) = (client.clone(), sensor.to_string(), token.to_string());
    tokio::task::spawn_blocking(move || {
        for (f, b) in bodies {
            let r = c.post_readings(&s, &t, &b);
            assert_eq!(r.status, 202, "frame {f}: {}", r.body);
        }
    })
    .await
    .expect("replay task");
}

/// Limits for replays as fast as the server answers: no rate limit in the way (the default,
/// 20 000 readings/s per sensor, is below what a loopback replay of HERMES reaches).
fn replay_limits() -> Limits {
    Limits {
        rate: 1e9,
        burst: 1e9,
        ..Limits::default()
    }
}

/// A float as a client reads it from the server's JSON (shortest round-trip text).
fn via_json(x: f64) -> f64 {
    serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap()
}

fn find<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {list}"))
}

// ---------------------------------------------------------------------------------------
// 1. Same numbers live as offline.

async fn topview_density_live_equals_offline(db: Db) {
    let app = TestApp::spawn_with(
        &db,
        "lyon2022-festival-of-lights",
        Mode::Actual,
        replay_limits(),
    )
    .await;
    let data = load("madras-lyon2022-festival-of-lights/Topview_2E.txt", 30.0);
    let area = [(-2.0, 1.5), (0.0, 1.5), (0.0, 4.5), (-2.0, 4.5)];
    let index = TrajectoryIndex::new(&data).unwrap();
    let offline =
        classic_density(&index, &MeasurementArea::from_points("a", &area).unwrap()).unwrap();
    let first = offline.values.iter().position(|&d| d > 0.0).unwrap();
    let expected: Vec<(Timestamp, f64)> = offline.frames[first..]
        .iter()
        .zip(&offline.values[first..])
        .map(|(&f, &d)| (frame_time(f, 30.0), via_json(d)))
        .collect();
    let last_time = expected.last().unwrap().0;

    // Subscribe first: the snapshot says the subscription is in place.
    let mut live = app.live(Auth::Bearer(app.admin.clone())).await.unwrap();
    let snap = live.next(Duration::from_secs(10)).await.unwrap();
    assert_eq!(snap["type"], "snapshot", "{snap}");
    let collector = tokio::spawn(async move {
        let mut seen: Vec<(Timestamp, f64)> = Vec::new();
        let mut updates = 0;
        while let Some(m) = live.next(Duration::from_secs(20)).await {
            let zones = match m["type"].as_str() {
                Some("update") => {
                    updates += 1;
                    m["zones"].clone()
                }
                Some("snapshot") => m["state"]["zones"].clone(),
                // The venue has a track camera: its heat maps come too.
                Some("heat") => continue,
                _ => panic!("unknown live message {m}"),
            };
            for z in zones.as_array().unwrap() {
                if z["id"] != "topview" || z["time"].is_null() || z["density"].is_null() {
                    continue;
                }
                let t: Timestamp = serde_json::from_value(z["time"].clone()).unwrap();
                let d = z["density"].as_f64().unwrap();
                if seen.last().is_none_or(|l| l.0 != t) {
                    seen.push((t, d));
                }
            }
            if seen.last().is_some_and(|l| l.0 == last_time) {
                break;
            }
        }
        (seen, updates)
    });
    let bodies = bodies(&track_frames(&data), 1);
    let frames = bodies.len();
    replay(
        &app.client,
        "topview-cam",
        &app.token("topview-cam"),
        bodies,
    )
    .await;
    let (seen, updates) = collector.await.unwrap();
    assert!(updates > 0);
    // From the first frame with somebody inside, every frame, exactly.
    let live: Vec<(Timestamp, f64)> = seen.into_iter().skip_while(|l| l.1 == 0.0).collect();
    assert_eq!(live.len(), expected.len(), "frames posted {frames}");
    for (k, (l, e)) in live.iter().zip(&expected).enumerate() {
        assert_eq!(l, e, "frame {} of the offline series", first + k);
    }
    // And the state over HTTP says the same of the last frame.
    let state = app.state().await;
    let z = find(&state["zones"], "topview");
    assert_eq!(z["density"].as_f64(), Some(expected.last().unwrap().1));
    app.stop().await;
}

/// Parses `HH:MM:SS` local time on 2022-12-10 at UTC+1 (Lyon in December).
fn lyon_time(hms: &str) -> Timestamp {
    let p: Vec<i64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
    let midnight = Timestamp::parse_rfc3339("2022-12-10T00:00:00+01:00").unwrap();
    Timestamp(midnight.0 + (p[0] * 3600 + p[1] * 60 + p[2]) * 1_000_000)
}

fn chenavard_rows() -> Vec<(Timestamp, u64)> {
    let text = std::fs::read_to_string(shared_data(
        "madras-lyon2022-festival-of-lights/chenavard_2022_1210.csv",
    ))
    .unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (lyon_time(f[0]), f[1].parse().unwrap())
        })
        .collect()
}

fn counter_body(t: Timestamp, total: u64) -> Vec<u8> {
    json!({"readings": [{"time": wire_time(t), "kind": "counter", "total": total}]})
        .to_string()
        .into_bytes()
}

/// Posts the Chenavard rows; after each, the state's `chenavard.total_in` is the row's count.
async fn replay_chenavard(app: &TestApp) {
    let rows = chenavard_rows();
    assert_eq!(rows.len(), 85);
    for (k, &(t, total)) in rows.iter().enumerate() {
        let r = app
            .post_readings("chenavard-count", counter_body(t, total))
            .await;
        assert_eq!(r.status, 202, "row {}: {}", k + 2, r.body);
        assert_eq!(r.json()["accepted"], 1);
        let state = app.state().await;
        let line = find(&state["lines"], "chenavard");
        assert_eq!(line["total_in"], total, "row {}", k + 2);
        assert_eq!(line["time"], wire_time(t), "row {}", k + 2);
    }
}

async fn chenavard_counts_live_equal_the_file(db: Db) {
    let app = TestApp::spawn(&db, "lyon2022-festival-of-lights", Mode::Actual).await;
    replay_chenavard(&app).await;
    let state = app.state().await;
    let line = find(&state["lines"], "chenavard");
    assert_eq!(line["total_out"], 0);
    assert_eq!(line["resets"], 0);
    assert_eq!(find(&state["lines"], "constantine")["total_in"], 0);
    // History: a 1 s bucket closes when a later second arrives, so every row but the last
    // has its point, at the row's time (whole seconds); 1 min buckets 20:38 to 20:43 UTC.
    let rows = chenavard_rows();
    let range = "from=2022-12-10T20:00:00Z&to=2022-12-10T21:00:00Z";
    let h = app
        .get_json(&format!(
            "/api/v1/lines/chenavard/history?resolution=1s&{range}"
        ))
        .await;
    let points = h["points"].as_array().unwrap();
    let times: Vec<Timestamp> = points
        .iter()
        .map(|p| Timestamp::parse_rfc3339(p["t"].as_str().unwrap()).unwrap())
        .collect();
    let expected: Vec<Timestamp> = rows[..rows.len() - 1].iter().map(|r| r.0).collect();
    assert_eq!(times, expected);
    assert!(
        points
            .iter()
            .skip(1)
            .all(|p| p["flow_in"].as_f64().unwrap() > 0.0)
    );
    let h = app
        .get_json(&format!(
            "/api/v1/lines/chenavard/history?resolution=1min&{range}"
        ))
        .await;
    let minutes: Vec<&str> = h["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["t"].as_str().unwrap())
        .collect();
    assert_eq!(
        minutes,
        [
            "2022-12-10T20:38:00Z",
            "2022-12-10T20:39:00Z",
            "2022-12-10T20:40:00Z",
            "2022-12-10T20:41:00Z",
            "2022-12-10T20:42:00Z",
            "2022-12-10T20:43:00Z"
        ]
    );
    app.stop().await;
}

// ---------------------------------------------------------------------------------------
// 2. HERMES alert end to end.

const HERMES: &str = "hermes2009-AO300-wide-bottleneck/traj_AO_300.txt";
const RULE: &str = "bottleneck-density";

fn cap_xsd() -> std::path::PathBuf {
    common::repo().join("../shared/standards/cap-1.2/CAP-v1.2.xsd")
}

/// Validates a CAP message with xmllint against the CAP 1.2 schema.
fn assert_valid_cap(xml: &str, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cap.xml");
    std::fs::write(&file, xml).unwrap();
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(cap_xsd())
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint cannot run ({e}): install it with scripts/install-test-tools")
        });
    assert!(
        out.status.success(),
        "{what} is not valid CAP 1.2: {}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The text of every `<tag>` element, in order.
fn elements(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let j = after.find(&close).expect("closed element");
        out.push(after[..j].to_string());
        rest = &after[j..];
    }
    out
}

/// The alerts of rule `rule` among all alerts.
async fn alerts_of(app: &TestApp, rule: &str) -> Vec<Value> {
    let all = app.get_json("/api/v1/alerts?status=all").await;
    all["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["rule"] == rule)
        .cloned()
        .collect()
}

/// The ids of the alerts in current.json and feed.atom; each must equal the open alerts.
async fn current_ids(app: &TestApp) -> BTreeSet<String> {
    let open: BTreeSet<String> = app.get_json("/api/v1/alerts").await["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    let current: BTreeSet<String> = app.get_json("/api/v1/cap/current.json").await["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["alert"].as_str().unwrap().to_string())
        .collect();
    let atom = app.get("/api/v1/cap/feed.atom").await;
    assert_eq!(atom.status, 200);
    assert!(
        atom.header("content-type")
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed: BTreeSet<String> = elements(&atom.body, "id")
        .iter()
        .filter_map(|id| id.strip_prefix("urn:aman:alert:"))
        .map(|id| id.rsplit_once(':').unwrap().0.to_string())
        .collect();
    // The alert list is read first; a stale alert may be raised in between, not resolved.
    assert!(
        open.is_subset(&current),
        "open {open:?}, current.json {current:?}"
    );
    assert_eq!(current, feed, "current.json and feed.atom");
    current
}

/// Checks the CAP messages of a resolved HERMES alert: Alert then Cancel referencing it,
/// three languages, `status`, valid against the schema.
async fn check_cap(app: &TestApp, id: &str, status: &str) {
    let a = app.get_json(&format!("/api/v1/alerts/{id}")).await;
    let cap = a["cap"].as_array().unwrap();
    let kinds: Vec<&str> = cap
        .iter()
        .map(|m| m["msg_type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Alert", "Cancel"], "{a}");
    let mut xmls = Vec::new();
    for m in cap {
        let r = app.get(m["href"].as_str().unwrap()).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.header("content-type")
                .unwrap()
                .starts_with("application/cap+xml")
        );
        assert_valid_cap(&r.body, m["href"].as_str().unwrap());
        assert_eq!(elements(&r.body, "status"), [status]);
        assert_eq!(elements(&r.body, "language"), ["fr-FR", "ar", "en-GB"]);
        xmls.push(r.body);
    }
    assert_eq!(elements(&xmls[0], "msgType"), ["Alert"]);
    assert_eq!(elements(&xmls[1], "msgType"), ["Cancel"]);
    assert!(elements(&xmls[0], "references").is_empty());
    let first = format!(
        "{},{},{}",
        elements(&xmls[0], "sender")[0],
        elements(&xmls[0], "identifier")[0],
        elements(&xmls[0], "sent")[0]
    );
    assert_eq!(elements(&xmls[1], "references"), [first]);
    assert_ne!(
        elements(&xmls[0], "identifier"),
        elements(&xmls[1], "identifier")
    );
    // A message that does not exist is a 404, not a 500.
    assert_eq!(
        app.get(&format!("/api/v1/alerts/{id}/cap/3")).await.status,
        404
    );
}

async fn hermes_alert_end_to_end(db: Db) {
    let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Actual, replay_limits()).await;
    let data = load(HERMES, 16.0);
    // Half a second of frames per request (the alert is decided frame by frame anyway).
    let mut frames = track_frames(&data);
    let split = frames.iter().position(|(f, _)| *f > 420).unwrap();
    let rest = bodies(&frames.split_off(split), 8);
    let head = bodies(&frames, 8);
    let token = app.token("hermes-cam");
    replay(&app.client, "hermes-cam", &token, head).await;

    // Raised at frame 380 (23.75 s), still open at frame 420.
    let alerts = alerts_of(&app, RULE).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let a = &alerts[0];
    let id = a["id"].as_str().unwrap().to_string();
    assert_eq!(a["status"], "raised");
    assert_eq!(a["raised_at"], wire_time(frame_time(380, 16.0)));
    assert_eq!(a["subject"], "bottleneck");
    assert_eq!(a["mode"], "Actual");
    assert!(a["resolved_at"].is_null());
    assert!(current_ids(&app).await.contains(&id));
    let state = app.state().await;
    assert!(
        state["alerts"].to_string().contains(&id),
        "the live state lists the open alert: {}",
        state["alerts"]
    );

    // A live subscriber's snapshot lists the open alert as stored.
    let mut live = app.live(Auth::Bearer(app.admin.clone())).await.unwrap();
    let snap = live.next(Duration::from_secs(10)).await.unwrap();
    assert_eq!(snap["type"], "snapshot", "{snap}");
    assert_eq!(snap["alerts"][0]["id"], id.as_str(), "{snap}");
    assert_eq!(snap["alerts"][0]["status"], "raised", "{snap}");

    // An operator acknowledges it.
    let r = app
        .post_admin(&format!("/api/v1/alerts/{id}/acknowledge"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let acked = r.json();
    assert_eq!(acked["status"], "acknowledged");
    assert_eq!(acked["acknowledged_by"], common::ADMIN_LABEL);
    // ... and every live subscriber is told, with the alert as the API gives it.
    let pushed = loop {
        let m = live
            .next(Duration::from_secs(10))
            .await
            .expect("the acknowledgement is pushed live");
        if m["type"] == "alert" {
            break m;
        }
    };
    assert_eq!(pushed["alert"], acked, "{pushed}");
    assert!(
        current_ids(&app).await.contains(&id),
        "acknowledged is still open"
    );

    // The rest of the run: resolved at frame 484 (30.25 s).
    replay(&app.client, "hermes-cam", &token, rest).await;
    let a = eventually(10.0, "the alert is resolved", || async {
        let a = alerts_of(&app, RULE).await;
        (a.len() == 1 && !a[0]["resolved_at"].is_null()).then(|| a[0].clone())
    })
    .await;
    assert_eq!(alerts_of(&app, RULE).await.len(), 1, "exactly one alert");
    assert_eq!(a["id"], id.as_str());
    assert_eq!(a["status"], "resolved");
    assert_eq!(a["resolved_at"], wire_time(frame_time(484, 16.0)));
    assert_eq!(a["acknowledged_by"], common::ADMIN_LABEL);
    assert!(
        !current_ids(&app).await.contains(&id),
        "resolved is not current"
    );
    check_cap(&app, &id, "Actual").await;

    // The operator's verdict: a false positive, so the rule's precision is 0.
    let r = app
        .post_admin(
            &format!("/api/v1/alerts/{id}/verdict"),
            &json!({"verdict": "false_positive"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["verdict"], "false_positive");
    let stats = app.get_json("/api/v1/alerts/stats").await;
    let row = stats["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == RULE)
        .unwrap_or_else(|| panic!("{stats}"))
        .clone();
    assert_eq!(row["precision"], 0.0, "{row}");
    assert_eq!(
        (row["raised"].clone(), row["false_positive"].clone()),
        (json!(1), json!(1))
    );
    let bad = app
        .post_admin(
            &format!("/api/v1/alerts/{id}/verdict"),
            &json!({"verdict": "maybe"}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(bad.json()["field"], "verdict");

    // The day report of the replay's day (2026-01-01 UTC) lists the zone, its peak and the
    // alert with its times and verdict, in French (no Accept-Language, no user).
    let r = app.get("/report/day?date=2026-01-01").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let page = &r.body;
    assert!(page.contains("<html lang=\"fr\" dir=\"ltr\""), "{page}");
    assert!(page.contains("Rapport de la journée"), "{page}");
    assert!(page.contains("<bdi>Goulot</bdi>"), "{page}");
    assert!(
        page.contains(RULE) && page.contains("Fausse alerte"),
        "{page}"
    );
    // Raised at 00:00:23.75 UTC: 01:00:23 in Paris and Casablanca (both UTC+1 in January).
    assert!(page.contains("01:00:23"), "{page}");
    // A day with nothing, a day not begun, and garbage.
    let r = app.get("/report/day?date=2025-12-31").await;
    assert_eq!(r.status, 200);
    assert!(!r.body.contains(RULE));
    for (q, what) in [
        ("date=2999-01-01", "Ce jour n’a pas commencé"),
        ("date=2026-02-30", "Ce n’est pas un jour"),
        ("date=%3Cscript%3E", "Ce n’est pas un jour"),
        ("day=2026-01-01", "Ce n’est pas un jour"),
    ] {
        let r = app.get(&format!("/report/day?{q}")).await;
        assert_eq!(r.status, 400, "{q}: {}", r.body);
        assert!(r.body.contains(what), "{q}: {}", r.body);
        assert!(!r.body.contains("<script>"), "{q}: {}", r.body);
    }

    // 6. After a restart the alert is neither raised again nor its messages repeated.
    let before = app.get_json(&format!("/api/v1/alerts/{id}")).await;
    app.stop().await;
    let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Actual, replay_limits()).await;
    let alerts = alerts_of(&app, RULE).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let after = app.get_json(&format!("/api/v1/alerts/{id}")).await;
    assert_eq!(
        after, before,
        "the alert and its CAP messages after a restart"
    );
    app.stop().await;
}

/// A commander resolves the HERMES bottleneck alert by hand while the bottleneck is still
/// dense: its Cancel goes out, the rule starts again and raises a new alert after its hold
/// time, and a restart (which rebuilds the state from the log) keeps both as they were.
async fn an_alert_resolved_by_hand_is_cancelled_raised_again_and_kept_at_restart(db: Db) {
    let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Actual, replay_limits()).await;
    let data = load(HERMES, 16.0);
    let mut frames = track_frames(&data);
    let split = frames.iter().position(|(f, _)| *f > 400).unwrap();
    let mut rest = bodies(&frames.split_off(split), 8);
    let head = bodies(&frames, 8);
    let token = app.token("hermes-cam");
    replay(&app.client, "hermes-cam", &token, head).await;
    let alerts = alerts_of(&app, RULE).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let id = alerts[0]["id"].as_str().unwrap().to_string();
    assert_eq!(alerts[0]["raised_at"], wire_time(frame_time(380, 16.0)));
    let mut live = app.live(Auth::Bearer(app.admin.clone())).await.unwrap();
    assert_eq!(
        live.next(Duration::from_secs(10)).await.unwrap()["type"],
        "snapshot"
    );

    // Resolved by hand (the admin token may: every action but posting readings).
    let r = app
        .post_admin(&format!("/api/v1/alerts/{id}/resolve"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let resolved = r.json();
    assert_eq!(resolved["status"], "resolved", "{resolved}");
    assert_eq!(resolved["resolved_by"], common::ADMIN_LABEL);
    assert!(!resolved["resolved_at"].is_null());
    // Pushed live: the Cancel decision in an update, and the alert as the API gives it.
    let (mut cancel_seen, mut pushed) = (false, None);
    while !(cancel_seen && pushed.is_some()) {
        let m = live
            .next(Duration::from_secs(10))
            .await
            .expect("the resolution is pushed live");
        if m["type"] == "update" {
            cancel_seen |= m["decisions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["kind"] == "resolve" && d["alert"] == id.as_str());
        } else if m["type"] == "alert" {
            pushed = Some(m["alert"].clone());
        }
    }
    assert_eq!(pushed.unwrap(), resolved);
    // The Cancel references the Alert, valid against the CAP schema.
    check_cap(&app, &id, "Actual").await;
    assert!(!current_ids(&app).await.contains(&id));
    assert!(
        app.state().await["alerts"].as_array().unwrap().is_empty(),
        "the live state holds no open alert"
    );
    // Again: nothing changes, no third message.
    let r = app
        .post_admin(&format!("/api/v1/alerts/{id}/resolve"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), resolved);
    let r = app
        .post_admin("/api/v1/alerts/no-such-alert/resolve", &json!({}))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    // One audit entry for the resolution (none for the second call), in an intact chain.
    let log = app.store.audit_entries(0, 1000).await.unwrap();
    aman_ops::audit::verify(&log).expect("the audit chain");
    let entries: Vec<_> = log
        .iter()
        .filter(|e| e.record.action == "alert.resolve")
        .collect();
    assert_eq!(entries.len(), 1, "{log:?}");
    let e = &entries[0].record;
    assert_eq!(e.object, format!("alert/{id}"));
    assert_eq!(e.actor, format!("token {}", common::ADMIN_LABEL));
    let before: Value = serde_json::from_str(e.before.as_deref().unwrap()).unwrap();
    let after: Value = serde_json::from_str(e.after.as_deref().unwrap()).unwrap();
    assert_eq!(
        (before["status"].as_str(), after["status"].as_str()),
        (Some("raised"), Some("resolved"))
    );

    // The bottleneck stays dense: the rule rises again and raises a new alert, at least
    // its hold time (0.25 s) after the last frame it had seen (offline: frame 426).
    let tail = rest.split_off(rest.iter().position(|(f, _)| *f > 460).unwrap());
    replay(&app.client, "hermes-cam", &token, rest).await;
    let second = eventually(10.0, "a second alert", || async {
        let a = alerts_of(&app, RULE).await;
        a.into_iter().find(|a| a["id"] != id.as_str())
    })
    .await;
    let t = |v: &Value| Timestamp::parse_rfc3339(v.as_str().unwrap()).unwrap();
    assert!(
        t(&second["raised_at"]).0 >= frame_time(400, 16.0).add_secs(0.25).0,
        "{second}"
    );
    assert_eq!(second["status"], "raised", "{second}");
    let second_id = second["id"].as_str().unwrap().to_string();

    // A restart replays the log and the resolution at its place: the first alert stays
    // resolved, the second stays open and held by the live state (were the resolution not
    // replayed, the state would hold the first and the second would be cancelled).
    let before = (
        app.get_json(&format!("/api/v1/alerts/{id}")).await,
        app.get_json(&format!("/api/v1/alerts/{second_id}")).await,
        app.state().await,
    );
    app.stop().await;
    let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Actual, replay_limits()).await;
    let after = (
        app.get_json(&format!("/api/v1/alerts/{id}")).await,
        app.get_json(&format!("/api/v1/alerts/{second_id}")).await,
        app.state().await,
    );
    assert_eq!(after.0, before.0, "the alert resolved by hand");
    assert_eq!(after.1, before.1, "the alert raised again");
    assert_eq!(after.1["cap"].as_array().unwrap().len(), 1, "{}", after.1);
    assert_eq!(after.2["seq"], before.2["seq"]);
    let held: Vec<&Value> = after.2["alerts"].as_array().unwrap().iter().collect();
    assert_eq!(held.len(), 1, "{}", after.2["alerts"]);
    assert_eq!(held[0]["id"], second_id.as_str());

    // The rest: the second alert is resolved by its rule (offline: frame 484).
    replay(&app.client, "hermes-cam", &token, tail).await;
    let second = eventually(10.0, "the second alert resolved by its rule", || async {
        let a = app.get_json(&format!("/api/v1/alerts/{second_id}")).await;
        (a["status"] == "resolved").then_some(a)
    })
    .await;
    assert!(
        second["resolved_by"].is_null(),
        "its rule resolved it: {second}"
    );
    assert_eq!(second["resolved_at"], wire_time(frame_time(484, 16.0)));
    check_cap(&app, &second_id, "Actual").await;
    assert_eq!(alerts_of(&app, RULE).await.len(), 2);
    app.stop().await;
}

/// The heat map's JSON in the map page (`<script id="heat-data">`), if any.
fn heat_data(page: &str) -> Option<Value> {
    const TAG: &str = "<script type=\"application/json\" id=\"heat-data\">";
    let at = page.find(TAG)? + TAG.len();
    let end = page[at..].find("</script>")? + at;
    Some(serde_json::from_str(&page[at..end]).unwrap())
}

/// The map page's heat map is PedPy's Gaussian density (aman-analysis's `GaussianField`,
/// tested against PedPy) of the positions of the last frame the camera saw, computed here
/// from the trajectory file; it is pushed live too. A venue without tracks has none.
async fn heat_map_is_the_gaussian_density_of_the_last_tracked_frame(db: Db) {
    let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Actual, replay_limits()).await;
    let page = app.get("/map").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"heat-toggle\""));
    assert!(heat_data(&page.body).is_none(), "no frame yet, no heat map");
    let mut live = app.live(Auth::Bearer(app.admin.clone())).await.unwrap();
    let data = load(HERMES, 16.0);
    let mut frames = track_frames(&data);
    frames.truncate(frames.iter().position(|(f, _)| *f > 300).unwrap());
    let token = app.token("hermes-cam");
    replay(&app.client, "hermes-cam", &token, bodies(&frames, 8)).await;
    let page = app.get("/map").await;
    let heat = heat_data(&page.body).expect("a heat map once frames came");
    let t = Timestamp::parse_rfc3339(heat["t"].as_str().unwrap()).unwrap();
    let frame = ((t.0 - T0) as f64 * 16.0 / 1e6).round() as u64;
    assert!(
        (295..=300).contains(&frame),
        "the last closed frame: {frame}"
    );
    let points: Vec<aman_geometry::Vec2> = (0..data.x.len())
        .filter(|&r| data.frame[r] == frame)
        .map(|r| aman_geometry::Vec2::new(data.x[r], data.y[r]))
        .collect();
    let (lo, hi) = app.venue.walkable.bounds();
    let cell = heat["cell"].as_f64().unwrap();
    assert_eq!(
        cell,
        aman_server::heat::MIN_CELL,
        "a small venue gets the finest grid"
    );
    let field = aman_analysis::profiles::GaussianField::new(lo, hi, cell, 1.0).unwrap();
    let mut want = Vec::new();
    field.evaluate(points.iter().copied(), &mut want);
    assert_eq!(heat["cols"], field.grid().cols());
    assert_eq!(heat["rows"], field.grid().rows());
    assert_eq!(heat["x0"], field.grid().x_edges()[0]);
    assert_eq!(heat["y1"], field.grid().y_edges()[0]);
    let cells = heat["cells"].as_array().unwrap();
    let listed: Vec<usize> = cells
        .iter()
        .map(|c| c[0].as_u64().unwrap() as usize)
        .collect();
    let dense: Vec<usize> = (0..want.len()).filter(|&i| want[i] >= 0.05).collect();
    assert_eq!(listed, dense);
    for c in cells {
        let (i, v) = (c[0].as_u64().unwrap() as usize, c[1].as_f64().unwrap());
        assert!((v - want[i]).abs() <= 0.005, "cell {i}: {v} vs {}", want[i]);
    }
    let max = want.iter().copied().fold(0.0, f64::max);
    assert!((heat["max"].as_f64().unwrap() - max).abs() <= 0.005);
    // The crowd in front of the bottleneck at 18.5–18.75 s: a dense crowd at its densest
    // (PedPy's mean over the run, with a narrower kernel, peaks at 4.3 persons/m²).
    assert!((2.0..8.0).contains(&max), "max {max}");
    // Pushed live.
    let pushed = loop {
        let m = live
            .next(Duration::from_secs(10))
            .await
            .expect("a heat map is pushed live");
        if m["type"] == "heat" {
            break m;
        }
    };
    assert_eq!(pushed["cell"], heat["cell"]);
    assert!(!pushed["cells"].as_array().unwrap().is_empty());
    app.stop().await;
    // A venue without track sensors has no heat map.
    let app = TestApp::spawn(&db, "sib2023-entrance", Mode::Actual).await;
    let page = app.get("/map").await;
    assert!(!page.body.contains("heat-toggle") && heat_data(&page.body).is_none());
    app.stop().await;
}

async fn hermes_alert_in_exercise_mode(db: Db) {
    let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Exercise, replay_limits()).await;
    let data = load(HERMES, 16.0);
    let mut frames = track_frames(&data);
    frames.retain(|(f, _)| *f <= 520);
    let bodies = bodies(&frames, 8);
    replay(&app.client, "hermes-cam", &app.token("hermes-cam"), bodies).await;
    let a = eventually(10.0, "the alert is resolved", || async {
        let a = alerts_of(&app, RULE).await;
        (a.len() == 1 && !a[0]["resolved_at"].is_null()).then(|| a[0].clone())
    })
    .await;
    assert_eq!(a["mode"], "Exercise");
    check_cap(&app, a["id"].as_str().unwrap(), "Exercise").await;
    app.stop().await;
}

// ---------------------------------------------------------------------------------------
// 3. Security.

/// Every endpoint that needs a token: (method, path, admin-only).
const GUARDED: &[(&str, &str)] = &[
    ("GET", "/api/v1/venue"),
    ("GET", "/api/v1/state"),
    ("GET", "/api/v1/live"),
    ("GET", "/api/v1/sensors"),
    ("GET", "/api/v1/zones/topview/history"),
    ("GET", "/api/v1/lines/chenavard/history"),
    ("GET", "/api/v1/alerts"),
    ("GET", "/api/v1/alerts/stats"),
    ("GET", "/api/v1/alerts/a1"),
    ("GET", "/api/v1/alerts/a1/cap/1"),
    ("POST", "/api/v1/alerts/a1/acknowledge"),
    ("POST", "/api/v1/alerts/a1/verdict"),
    ("GET", "/api/v1/cap/current.json"),
    ("GET", "/api/v1/cap/feed.atom"),
    ("POST", "/api/v1/sensors/chenavard-count/readings"),
];

fn body_for(method: &str, path: &str) -> Option<Vec<u8>> {
    (method == "POST").then(|| {
        if path.ends_with("/readings") {
            counter_body(Timestamp(T0), 5)
        } else {
            br#"{"verdict":"true_positive"}"#.to_vec()
        }
    })
}

fn assert_json_error(r: &Resp, status: u16, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    let j: Value = serde_json::from_str(&r.body)
        .unwrap_or_else(|_| panic!("{what}: error body is not JSON: {:?}", r.body));
    assert!(
        j["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{what}: {j}"
    );
}

async fn every_check_holds_against_attempts_around_it(db: Db) {
    let app = TestApp::spawn(&db, "lyon2022-festival-of-lights", Mode::Actual).await;
    let (revoked_info, revoked) = app
        .store
        .create_token(TokenRole::Admin, "revoked admin")
        .await
        .unwrap();
    app.store.revoke_token(&revoked_info.id).await.unwrap();
    // The admin token with its secret changed in its last character.
    let mut forged = app.admin.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'a' { 'b' } else { 'a' });
    let bad_auths: Vec<(&str, Auth)> = vec![
        ("no token", Auth::None),
        ("empty header", Auth::Raw(b"".to_vec())),
        ("scheme only", Auth::Raw(b"Bearer".to_vec())),
        ("Basic", Auth::Raw(b"Basic YWRtaW46YWRtaW4=".to_vec())),
        (
            "token without scheme",
            Auth::Raw(app.admin.clone().into_bytes()),
        ),
        ("garbage", Auth::Bearer("garbage".into())),
        (
            "unknown id",
            Auth::Bearer("aman_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into()),
        ),
        ("forged secret", Auth::Bearer(forged)),
        (
            "admin token truncated",
            Auth::Bearer(app.admin[..app.admin.len() - 1].into()),
        ),
        ("revoked", Auth::Bearer(revoked.clone())),
        ("SQL", Auth::Bearer("aman_' OR '1'='1_x".into())),
    ];
    for (method, path) in GUARDED {
        for (what, auth) in &bad_auths {
            let r = app
                .request(method, path, auth.clone(), body_for(method, path))
                .await;
            assert_json_error(&r, 401, &format!("{method} {path} with {what}"));
            assert!(
                r.header("www-authenticate")
                    .is_some_and(|h| h.starts_with("Bearer"))
            );
        }
    }
    // A header that is not text (ureq refuses to send one).
    for (method, path) in GUARDED {
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\
             Authorization: Bearer aman_"
        );
        let mut request = request.into_bytes();
        request.extend(b"\xff\xfe\x80\r\n\r\n");
        let addr = app.addr;
        let status = tokio::task::spawn_blocking(move || common::raw_http(addr, &request))
            .await
            .unwrap();
        assert_eq!(
            status, 401,
            "{method} {path} with a header that is not UTF-8"
        );
    }
    // Only /health and the API document are open.
    for path in ["/health", "/api/openapi.json"] {
        let r = app.request("GET", path, Auth::None, None).await;
        assert_eq!(r.status, 200, "{path}");
        r.json();
    }
    // A sensor token reads nothing.
    let sensor = app.token("chenavard-count");
    for (method, path) in GUARDED.iter().filter(|(_, p)| !p.ends_with("/readings")) {
        let r = app
            .request(
                method,
                path,
                Auth::Bearer(sensor.clone()),
                body_for(method, path),
            )
            .await;
        assert_json_error(&r, 403, &format!("{method} {path} with a sensor token"));
    }
    // A sensor posts as itself only; an admin posts no readings.
    let body = counter_body(Timestamp(T0), 5);
    let r = app
        .post_readings_as("constantine-count", &sensor, body.clone())
        .await;
    assert_json_error(&r, 403, "a sensor posting as another");
    let r = app
        .post_readings_as("chenavard-count", &app.admin, body.clone())
        .await;
    assert_json_error(&r, 403, "an admin posting readings");
    // A token of the same sensor id but another venue.
    let (_, elsewhere) = app
        .store
        .create_token(
            TokenRole::Sensor {
                venue: "hermes-ao300".into(),
                sensor: "chenavard-count".into(),
            },
            "other venue",
        )
        .await
        .unwrap();
    let r = app
        .post_readings_as("chenavard-count", &elsewhere, body.clone())
        .await;
    assert_json_error(&r, 403, "a sensor of another venue");
    let state = app.state().await;
    assert_eq!(state["seq"], 0, "nothing refused was stored");
    assert_eq!(find(&state["lines"], "chenavard")["total_in"], 0);

    // The live WebSocket: refused without a token, with a bad one, with a sensor's.
    assert_eq!(app.live(Auth::None).await.err(), Some(401));
    assert_eq!(
        app.live(Auth::Bearer("garbage".into())).await.err(),
        Some(401)
    );
    assert_eq!(
        app.live(Auth::Bearer(revoked.clone())).await.err(),
        Some(401)
    );
    assert_eq!(
        app.live(Auth::Bearer(sensor.clone())).await.err(),
        Some(403)
    );
    assert!(app.live(Auth::Bearer(app.admin.clone())).await.is_ok());

    // A token revoked while in use stops working within the cache time.
    let (info, t) = app
        .store
        .create_token(TokenRole::Admin, "soon revoked")
        .await
        .unwrap();
    let r = app
        .request("GET", "/api/v1/venue", Auth::Bearer(t.clone()), None)
        .await;
    assert_eq!(r.status, 200);
    app.store.revoke_token(&info.id).await.unwrap();
    tokio::time::sleep(aman_server::auth::CACHE_TTL + Duration::from_millis(200)).await;
    let r = app
        .request("GET", "/api/v1/venue", Auth::Bearer(t), None)
        .await;
    assert_json_error(&r, 401, "revoked while cached");

    // Unknown endpoints: 404 JSON.
    for (method, path) in [
        ("GET", "/nope"),
        ("GET", "/api/v2/state"),
        ("POST", "/api/v1/state/x"),
    ] {
        let r = app
            .request(method, path, Auth::Bearer(app.admin.clone()), None)
            .await;
        assert_json_error(&r, 404, &format!("{method} {path}"));
    }

    // No token's secret is stored anywhere.
    let mut secrets: Vec<String> = vec![app.admin.clone(), revoked.clone(), sensor.clone()];
    secrets.extend(app.sensors.values().cloned());
    let secrets: Vec<String> = secrets
        .iter()
        .map(|t| {
            t.splitn(3, '_')
                .nth(2)
                .expect("aman_<id>_<secret>")
                .to_string()
        })
        .collect();
    let store = app.store.clone();
    app.stop().await;
    match db.backend {
        Backend::Sqlite => {
            let dir = db.dir.as_ref().unwrap().path();
            let mut files = 0;
            for e in std::fs::read_dir(dir).unwrap() {
                let bytes = std::fs::read(e.unwrap().path()).unwrap();
                files += 1;
                for s in &secrets {
                    assert!(
                        !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                        "a token secret is in the store's files"
                    );
                }
            }
            assert!(files > 0);
        }
        Backend::Postgres => {
            let _ = store;
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
            let dump: String =
                sqlx::query_scalar("SELECT coalesce(string_agg(t::text, ' '), '') FROM tokens t")
                    .fetch_one(&mut c)
                    .await
                    .unwrap();
            assert!(dump.len() > 100, "the tokens are there: {dump}");
            for s in &secrets {
                assert!(
                    !dump.contains(s.as_str()),
                    "a token secret is in the tokens table"
                );
            }
            c.close().await.unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------
// 4. Bad input.

/// What must not change when a payload is refused.
fn unchanged(state: &Value) -> Value {
    json!({"seq": state["seq"], "zones": state["zones"], "lines": state["lines"]})
}

/// Refused payloads of `sensor` as counted by `GET /api/v1/sensors`.
async fn rejections(app: &TestApp, sensor: &str) -> u64 {
    let s = app.get_json("/api/v1/sensors").await;
    s["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["sensor"] == sensor)
        .map(|r| r["count"].as_u64().unwrap())
        .sum()
}

/// A refused payload: (what, sensor, body, statuses allowed, a word the field must contain).
type Case = (
    &'static str,
    &'static str,
    Vec<u8>,
    &'static [u16],
    &'static str,
);

async fn bad_input_is_refused_counted_and_harmless(db: Db) {
    let app = TestApp::spawn(&db, "lyon2022-festival-of-lights", Mode::Actual).await;
    let t = |s: f64| wire_time(Timestamp(T0).add_secs(s));
    let ok = app
        .post_readings("chenavard-count", counter_body(Timestamp(T0), 10))
        .await;
    assert_eq!(ok.status, 202, "{}", ok.body);
    let ok = app
        .post_readings(
            "topview-cam",
            json!({"readings": [{"time": t(0.0), "kind": "track", "track": 1, "x": -1.0, "y": 2.0}]})
                .to_string(),
        )
        .await;
    assert_eq!(ok.status, 202, "{}", ok.body);
    let far = wire_time(common_now().add_secs(86_400.0));
    let many: Vec<Value> = (0..10_001)
        .map(|k| json!({"time": t(1.0 + k as f64 * 1e-3), "kind": "counter", "total": 10 + k}))
        .collect();
    let mut huge =
        br#"{"readings":[{"time":1767225600,"kind":"counter","total":11,"sensor":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'x', Limits::default().max_body));
    huge.extend(br#""}]}"#);
    let counter = |v: Value| json!({"readings": [v]}).to_string().into_bytes();
    let cases: Vec<Case> = vec![
        (
            "garbage bytes",
            "chenavard-count",
            b"\x00\xff\xfe garbage \x89PNG".to_vec(),
            &[400],
            "",
        ),
        (
            "not an object",
            "chenavard-count",
            b"[1,2,3]".to_vec(),
            &[400],
            "",
        ),
        ("empty body", "chenavard-count", Vec::new(), &[400], ""),
        (
            "truncated JSON",
            "chenavard-count",
            br#"{"readings":[{"time":1767225601,"kind":"counter","tot"#.to_vec(),
            &[400],
            "",
        ),
        (
            "readings not a list",
            "chenavard-count",
            br#"{"readings":{}}"#.to_vec(),
            &[400],
            "readings",
        ),
        (
            "count as text",
            "chenavard-count",
            counter(json!({"time": t(1.0), "kind": "counter", "total": "12"})),
            &[400, 422],
            "total",
        ),
        (
            "time as bool",
            "chenavard-count",
            counter(json!({"time": true, "kind": "counter", "total": 12})),
            &[400, 422],
            "time",
        ),
        (
            "missing total",
            "chenavard-count",
            counter(json!({"time": t(1.0), "kind": "counter"})),
            &[400, 422],
            "total",
        ),
        (
            "unknown field",
            "chenavard-count",
            counter(json!({"time": t(1.0), "kind": "counter", "total": 12, "face": "x"})),
            &[400, 422],
            "face",
        ),
        (
            "unknown kind",
            "chenavard-count",
            counter(json!({"time": t(1.0), "kind": "image", "total": 12})),
            &[400, 422],
            "kind",
        ),
        (
            "NaN token",
            "topview-cam",
            format!(
                r#"{{"readings":[{{"time":{},"kind":"track","track":1,"x":NaN,"y":1}}]}}"#,
                t(1.0)
            )
            .into_bytes(),
            &[400],
            "",
        ),
        (
            "Infinity token",
            "topview-cam",
            format!(
                r#"{{"readings":[{{"time":{},"kind":"track","track":1,"x":Infinity,"y":1}}]}}"#,
                t(1.0)
            )
            .into_bytes(),
            &[400],
            "",
        ),
        (
            "overflowing number",
            "topview-cam",
            format!(
                r#"{{"readings":[{{"time":{},"kind":"track","track":1,"x":1e999,"y":1}}]}}"#,
                t(1.0)
            )
            .into_bytes(),
            &[400, 422],
            "",
        ),
        (
            "NaN string",
            "topview-cam",
            counter(json!({"time": t(1.0), "kind": "track", "track": 1, "x": "NaN", "y": 1.0})),
            &[400, 422],
            "x",
        ),
        (
            "Infinity string",
            "topview-cam",
            counter(
                json!({"time": t(1.0), "kind": "track", "track": 1, "x": 0.0, "y": "-Infinity"}),
            ),
            &[400, 422],
            "y",
        ),
        (
            "NaN time",
            "chenavard-count",
            counter(json!({"time": "NaN", "kind": "counter", "total": 12})),
            &[400, 422],
            "time",
        ),
        (
            "Infinity time",
            "chenavard-count",
            counter(json!({"time": "Infinity", "kind": "counter", "total": 12})),
            &[400, 422],
            "time",
        ),
        (
            "negative count",
            "chenavard-count",
            counter(json!({"time": t(1.0), "kind": "counter", "total": -3})),
            &[400, 422],
            "total",
        ),
        (
            "fractional count",
            "chenavard-count",
            counter(json!({"time": t(1.0), "kind": "counter", "total": 3.5})),
            &[400, 422],
            "total",
        ),
        (
            "count too large",
            "chenavard-count",
            counter(json!({"time": t(1.0), "kind": "counter", "total": u64::MAX})),
            &[400, 422],
            "total",
        ),
        (
            "far future",
            "chenavard-count",
            counter(json!({"time": far, "kind": "counter", "total": 12})),
            &[422],
            "time",
        ),
        (
            "before 2000",
            "chenavard-count",
            counter(json!({"time": 0, "kind": "counter", "total": 12})),
            &[422],
            "time",
        ),
        (
            "malformed time",
            "chenavard-count",
            counter(json!({"time": "2026-13-45T99:00:00Z", "kind": "counter", "total": 12})),
            &[400, 422],
            "time",
        ),
        (
            "unknown channel",
            "chenavard-count",
            counter(json!({"time": t(1.0), "channel": "nope", "kind": "counter", "total": 12})),
            &[422],
            "channel",
        ),
        (
            "occupancy to a line",
            "chenavard-count",
            counter(json!({"time": t(1.0), "kind": "occupancy", "count": 3})),
            &[422],
            "",
        ),
        (
            "track to a line",
            "chenavard-count",
            counter(json!({"time": t(1.0), "kind": "track", "track": 1, "x": 0.0, "y": 0.0})),
            &[422],
            "",
        ),
        (
            "counter to a track sensor",
            "topview-cam",
            counter(json!({"time": t(1.0), "kind": "counter", "total": 4})),
            &[422],
            "",
        ),
        (
            "another sensor named",
            "chenavard-count",
            counter(
                json!({"sensor": "constantine-count", "time": t(1.0), "kind": "counter", "total": 12}),
            ),
            &[403, 422],
            "sensor",
        ),
        (
            "10 001 readings",
            "chenavard-count",
            json!({"readings": many}).to_string().into_bytes(),
            &[400, 413],
            "",
        ),
        ("body over the limit", "chenavard-count", huge, &[413], ""),
    ];
    let mut refused: HashMap<&str, u64> = HashMap::new();
    let before = unchanged(&app.state().await);
    for (what, sensor, body, statuses, word) in cases {
        let r = app.post_readings(sensor, body).await;
        assert!(
            statuses.contains(&r.status),
            "{what}: {} {}",
            r.status,
            r.body
        );
        let j: Value = serde_json::from_str(&r.body)
            .unwrap_or_else(|_| panic!("{what}: error body is not JSON: {:?}", r.body));
        let message = j["error"].as_str().unwrap_or_else(|| panic!("{what}: {j}"));
        assert!(message.len() > 10, "{what}: says why: {j}");
        if !word.is_empty() {
            let field = j["field"]
                .as_str()
                .unwrap_or_else(|| panic!("{what}: no field: {j}"));
            assert!(
                field.contains(word),
                "{what}: field {field:?} should name {word}: {j}"
            );
        }
        *refused.entry(sensor).or_default() += 1;
        assert_eq!(
            unchanged(&app.state().await),
            before,
            "{what} changed the state"
        );
    }
    for (sensor, n) in &refused {
        assert_eq!(
            rejections(&app, sensor).await,
            *n,
            "refused payloads of {sensor}"
        );
    }
    assert_eq!(rejections(&app, "constantine-count").await, 0);

    // Unknown sensor in the path (its token exists, the venue has no such sensor): 404.
    let (_, ghost) = app
        .store
        .create_token(
            TokenRole::Sensor {
                venue: app.venue.id.clone(),
                sensor: "ghost-cam".into(),
            },
            "ghost",
        )
        .await
        .unwrap();
    let r = app
        .post_readings_as("ghost-cam", &ghost, counter_body(Timestamp(T0), 1))
        .await;
    assert_json_error(&r, 404, "unknown sensor");
    assert_eq!(unchanged(&app.state().await), before);

    // Query parameters: unknown or malformed ones are 400 with a JSON body naming them.
    for (path, field) in [
        ("/api/v1/alerts?bogus=1", "bogus"),
        ("/api/v1/alerts?status=nope", "status"),
        ("/api/v1/alerts?limit=many", "limit"),
        ("/api/v1/zones/topview/history?resolution=1h", "resolution"),
        ("/api/v1/zones/topview/history?from=yesterday", "from"),
        ("/api/v1/zones/topview/history?bogus=1", "bogus"),
    ] {
        let r = app.get(path).await;
        assert_json_error(&r, 400, path);
        assert_eq!(r.json()["field"], field, "{path}: {}", r.body);
    }
    for path in [
        "/api/v1/zones/nowhere/history",
        "/api/v1/people/topview/history",
        "/api/v1/alerts/nope",
        "/api/v1/alerts/nope/cap/1",
    ] {
        assert_json_error(&app.get(path).await, 404, path);
    }
    let r = app.get("/api/v1/alerts/nope/cap/first").await;
    assert_json_error(&r, 400, "a message number that is not one");
    let r = app
        .request(
            "POST",
            "/api/v1/alerts/nope/verdict",
            Auth::Bearer(app.admin.clone()),
            Some(b"{not json".to_vec()),
        )
        .await;
    assert!(r.status == 400 || r.status == 404, "{}", r.body);

    // A counter that jumps backwards is a reset (the sensor restarted), not a negative count.
    let r = app
        .post_readings(
            "chenavard-count",
            counter_body(Timestamp(T0).add_secs(10.0), 4),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    let state = app.state().await;
    let line = find(&state["lines"], "chenavard");
    assert_eq!(line["resets"], 1, "{line}");
    // The first reading (10) is the counter's baseline; after the reset it counts from 0.
    assert_eq!(line["total_in"], 4, "0 before the reset, 4 after: {line}");
    let s = app.get_json("/api/v1/sensors").await;
    assert_eq!(find(&s["sensors"], "chenavard-count")["resets"], 1, "{s}");
    app.stop().await;
}

/// The server's clock (what "far in the future" is measured against).
fn common_now() -> Timestamp {
    aman_server::app::now()
}

// ---------------------------------------------------------------------------------------
// 5. Rate limit.

async fn rate_limit_is_per_sensor(db: Db) {
    let limits = Limits {
        rate: 100.0,
        burst: 200.0,
        ..Limits::default()
    };
    let app = TestApp::spawn_with(&db, "lyon2022-festival-of-lights", Mode::Actual, limits).await;
    let batch = |n: u64, from: f64| {
        let v: Vec<Value> = (0..n)
            .map(|k| {
                json!({"time": wire_time(Timestamp(T0).add_secs(from + k as f64 * 0.01)),
                       "kind": "counter", "total": k})
            })
            .collect();
        json!({ "readings": v }).to_string().into_bytes()
    };
    let r = app.post_readings("chenavard-count", batch(500, 0.0)).await;
    assert_json_error(&r, 429, "500 readings at once");
    let retry: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=4).contains(&retry), "Retry-After {retry}");
    // Nothing of the refused batch is stored, and the other sensor is unaffected.
    let r = app
        .post_readings("constantine-count", batch(150, 0.0))
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(r.json()["accepted"], 150);
    let state = app.state().await;
    assert_eq!(find(&state["lines"], "chenavard")["total_in"], 0);
    assert_eq!(find(&state["lines"], "constantine")["total_in"], 149);
    // Within its burst the limited sensor still gets through; beyond it, refused again.
    let r = app.post_readings("chenavard-count", batch(150, 0.0)).await;
    assert_eq!(r.status, 202, "{}", r.body);
    let r = app.post_readings("chenavard-count", batch(150, 10.0)).await;
    assert_json_error(&r, 429, "beyond the burst");
    assert_eq!(rejections(&app, "chenavard-count").await, 2);
    assert_eq!(rejections(&app, "constantine-count").await, 0);
    app.stop().await;
}

// ---------------------------------------------------------------------------------------
// 6. Restart.

async fn restart_rebuilds_the_same_state(db: Db) {
    let app = TestApp::spawn(&db, "lyon2022-festival-of-lights", Mode::Actual).await;
    replay_chenavard(&app).await;
    let before = app.state().await;
    app.stop().await;
    let app = TestApp::spawn(&db, "lyon2022-festival-of-lights", Mode::Actual).await;
    let after = app.state().await;
    assert_eq!(after["seq"], before["seq"]);
    assert_eq!(after["zones"], before["zones"]);
    assert_eq!(after["lines"], before["lines"]);
    assert_eq!(
        find(&after["lines"], "chenavard")["total_in"],
        chenavard_rows().last().unwrap().1
    );
    // The log goes on from where it was.
    let last = chenavard_rows().last().copied().unwrap();
    let r = app
        .post_readings(
            "chenavard-count",
            counter_body(last.0.add_secs(5.0), last.1 + 7),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(
        r.json()["first_seq"].as_u64(),
        before["seq"].as_u64().map(|s| s + 1)
    );
    let state = app.state().await;
    assert_eq!(find(&state["lines"], "chenavard")["total_in"], last.1 + 7);
    app.stop().await;
}

/// A stale-sensor alert is raised on the server's clock, which the readings log does not
/// hold: a restart cannot rebuild it, so it is resolved (with its Cancel message) instead of
/// staying open for ever.
async fn alert_left_open_by_the_server_clock_is_resolved_at_restart(db: Db) {
    let app = TestApp::spawn(&db, "lyon2022-festival-of-lights", Mode::Actual).await;
    let venue = app.venue.clone();
    let rule = venue
        .rules
        .iter()
        .position(|r| r.id == "topview-cam-stale")
        .unwrap();
    let at = Timestamp::parse_rfc3339("2026-01-01T00:00:30Z").unwrap();
    let id = format!("{}-topview-cam-stale-{}", venue.id, at.0);
    let raise = aman_monitor::Decision {
        kind: aman_monitor::DecisionKind::Raise,
        rule,
        alert: id.clone(),
        at,
        value: 1.0,
        los: None,
    };
    let ctx = aman_ops::CapContext {
        venue: &venue,
        sender: "aman@lyon2022-festival-of-lights",
        mode: Mode::Actual,
    };
    let first = aman_ops::cap_message(&ctx, &raise, 1, None, at).unwrap();
    let record = aman_store::AlertRecord::raised(
        id.clone(),
        venue.id.clone(),
        "topview-cam-stale",
        "topview-cam",
        "Minor",
        "Actual",
        at,
    );
    assert!(app.store.insert_alert(&record).await.unwrap());
    app.store
        .add_cap_message(&id, aman_store::MsgType::Alert, at, &first.to_xml())
        .await
        .unwrap();
    app.stop().await;
    let app = TestApp::spawn(&db, "lyon2022-festival-of-lights", Mode::Actual).await;
    let a = app.get_json(&format!("/api/v1/alerts/{id}")).await;
    assert_eq!(a["status"], "resolved", "{a}");
    let cap = a["cap"].as_array().unwrap();
    assert_eq!(cap.len(), 2, "{a}");
    assert_eq!(cap[1]["msg_type"], "Cancel");
    let r = app.get(&format!("/api/v1/alerts/{id}/cap/2")).await;
    assert_eq!(r.status, 200);
    assert_valid_cap(&r.body, "the Cancel of an orphaned alert");
    let cancel = aman_cap::Alert::from_xml(&r.body).unwrap();
    assert_eq!(cancel.references, vec![first.reference()]);
    // Restarting again changes nothing.
    app.stop().await;
    let app = TestApp::spawn(&db, "lyon2022-festival-of-lights", Mode::Actual).await;
    let again = app.get_json(&format!("/api/v1/alerts/{id}")).await;
    assert_eq!(again["cap"].as_array().unwrap().len(), 2);
    app.stop().await;
}

// ---------------------------------------------------------------------------------------
// 7. OpenAPI.

/// The (method, path) routes of `aman_server::router` that belong to the API: its table
/// [`aman_server::ROUTES`] less the dashboard's pages, forms and static files
/// ([`aman_server::routes::is_dashboard`], documented in docs/serve.md §2.9), so a route
/// added without documentation fails [`openapi_documents_every_route`] or
/// [`the_docs_name_every_dashboard_route`]. (That the router has no route outside the table
/// is checked in `tests/access.rs`.)
fn routes_in_source() -> BTreeSet<(String, String)> {
    aman_server::ROUTES
        .iter()
        .filter(|r| !aman_server::routes::is_dashboard(r))
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect()
}

/// Every route of the dashboard is named in docs/serve.md.
#[test]
fn the_docs_name_every_dashboard_route() {
    let docs = std::fs::read_to_string(common::repo().join("docs/serve.md")).unwrap();
    let pages: Vec<_> = aman_server::ROUTES
        .iter()
        .filter(|r| aman_server::routes::is_dashboard(r))
        .collect();
    assert!(pages.len() >= 8, "{}", pages.len());
    for r in pages {
        let (m, p) = (r.method, r.path);
        assert!(
            docs.contains(&format!("`{m} {p}`")) || docs.contains(&format!("`{p}`")),
            "docs/serve.md does not name {m} {p}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_documents_every_route() {
    let routes = routes_in_source();
    assert!(routes.len() >= 16, "{routes:?}");
    common::on(Backend::Sqlite, |db| async move {
        let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Actual, replay_limits()).await;
        let r = app
            .request("GET", "/api/openapi.json", Auth::None, None)
            .await;
        assert_eq!(r.status, 200);
        assert!(
            r.header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
        let doc = r.json();
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3.1"),
            "{}",
            doc["openapi"]
        );
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                if ["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                    documented.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        assert_eq!(
            documented, routes,
            "routes documented in openapi.json = the API routes of the router"
        );
        app.stop().await;
    })
    .await;
}
