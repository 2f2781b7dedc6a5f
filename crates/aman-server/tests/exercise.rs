//! An exercise through the API, end to end, and its separation from live operations: a
//! trainer makes the shipped exercise `scenarios/exercise-entrance-surge` on the shipped
//! venue `sib2023-entrance`, with the feed of its crowd inject simulated here (as `aman
//! exercise run` does); the runner replays it through the exercise's ingestion path, the
//! zone `south-end` reaches walkway level E, the rule `south-end-los` raises an alert whose
//! CAP message says `Exercise`; an operator of fr-pn acknowledges it and opens an incident
//! from it, tasks a unit of ma-dgsn; the after-action report gives the times. Every live
//! view and export shows none of it, and the exercise none of the live readings. On SQLite
//! always, on PostgreSQL under `scripts/with-postgres`.

mod common;

use std::collections::BTreeMap;

use aman_inject::{FeedOptions, crowd_feed_file, feed_json};
use aman_monitor::Timestamp;
use aman_ops::Mode;
use aman_ops::access::Role;
use aman_ops::exercise::{InjectKind, Msel};
use aman_store::Language;
use common::{Db, PW, Resp, Sess, TestApp, send};
use serde_json::{Value, json};

on_both!(
    an_exercise_end_to_end_never_mixes_with_live_operations,
    a_restart_mid_crowd_resumes_without_replaying_the_feed,
    a_trainer_makes_the_surge_from_the_msel_library,
    the_msel_library_refuses_bad_entries_and_paths,
    an_exercise_or_clock_change_whose_audit_entry_fails_stores_nothing,
);

async fn login(app: &TestApp, login: &str) -> Sess {
    common::login_as(app, login, PW).await
}

/// `method path` as `s`, in exercise `ex` (header) or live (`None`).
async fn call(
    app: &TestApp,
    s: &Sess,
    ex: Option<&str>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Resp {
    let mut headers = vec![
        ("Cookie".to_string(), s.cookie.clone()),
        ("X-CSRF-Token".to_string(), s.csrf.clone()),
    ];
    if let Some(ex) = ex {
        headers.push(("Aman-Exercise".to_string(), ex.to_string()));
    }
    let body = body.map(|b| ("application/json", b.to_string().into_bytes()));
    send(app, method, path, headers, body).await
}

async fn ok(
    app: &TestApp,
    s: &Sess,
    ex: Option<&str>,
    method: &str,
    path: &str,
    body: Option<Value>,
    status: u16,
) -> Value {
    let r = call(app, s, ex, method, path, body).await;
    assert_eq!(r.status, status, "{method} {path} ({ex:?}): {}", r.body);
    serde_json::from_str(&r.body).unwrap_or(Value::Null)
}

/// The shipped MSEL and the feeds of its crowd injects, as the API takes them.
fn shipped() -> (String, Value) {
    let path = common::repo().join("scenarios/exercise-entrance-surge/msel.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let msel = Msel::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let venue = common::venue("sib2023-entrance");
    let mut feeds = BTreeMap::new();
    for inject in &msel.injects {
        if let InjectKind::Crowd { scenario, .. } = &inject.kind {
            let feed = crowd_feed_file(
                scenario,
                &venue,
                &FeedOptions {
                    base: Timestamp(0),
                    period_s: 2.0,
                    end_s: None,
                },
            )
            .unwrap_or_else(|e| panic!("{e}"));
            feeds.insert(inject.id.clone(), feed_json(&feed));
        }
    }
    assert_eq!(feeds.len(), 1, "the shipped MSEL has one crowd inject");
    (text, json!(feeds))
}

/// `feeds` with its first occupancy reading's `field` set to `value` (`density` makes it a
/// density reading), as a creation body.
fn bad_feed(feeds: &Value, field: &str, value: Value) -> Value {
    let mut f = feeds.clone();
    let readings = f["INJ-02"][0]["readings"].as_array_mut().unwrap();
    let r = readings
        .iter_mut()
        .find(|r| r["kind"] == "occupancy")
        .unwrap();
    if field == "density" {
        r["kind"] = json!("density");
        r.as_object_mut().unwrap().remove("count");
    }
    r[field] = value;
    let msel =
        std::fs::read_to_string(common::repo().join("scenarios/exercise-entrance-surge/msel.toml"))
            .unwrap();
    json!({"msel": msel, "feeds": f})
}

async fn setup(db: &Db) -> TestApp {
    common::staffed(
        db,
        "sib2023-entrance",
        Mode::Actual,
        &[
            ("fr-trainer", "fr-pn", Role::Trainer, Language::Fr),
            ("fr-op", "fr-pn", Role::Operator, Language::Fr),
            ("ma-op", "ma-dgsn", Role::Operator, Language::Fr),
        ],
    )
    .await
}

async fn an_exercise_end_to_end_never_mixes_with_live_operations(db: Db) {
    let (msel, feeds) = tokio::task::spawn_blocking(shipped).await.unwrap();
    let app = setup(&db).await;
    let trainer = login(&app, "fr-trainer").await;
    let fr = login(&app, "fr-op").await;
    let ma = login(&app, "ma-op").await;
    const EX: &str = "surge-1";
    let ex = Some(EX);

    // Bad input: nothing is made.
    let r = call(
        &app,
        &fr,
        None,
        "POST",
        "/api/v1/exercises",
        Some(json!({"msel": msel})),
    )
    .await;
    assert_eq!(
        r.status, 403,
        "an operator may not run an exercise: {}",
        r.body
    );
    for (body, says) in [
        (
            json!({"msel": "[exercise]\nname = 'x'\n[[injects]]\nid = '1'\nat = 'soon'\ntext = 'a'\nto = 'b'"}),
            "at",
        ),
        (json!({"msel": msel, "feeds": {}}), "has no feed"),
        (json!({"msel": msel, "feeds": feeds, "id": "Bad Id"}), "id"),
        (
            json!({"msel": msel, "feeds": {"INJ-01": []}}),
            "not a crowd inject",
        ),
        // A crowd inject with nothing to replay.
        (
            json!({"msel": msel, "feeds": {"INJ-02": []}}),
            "feeds.INJ-02: crowd inject \"INJ-02\" has an empty feed",
        ),
        // An incident inject for an agency the server does not have (it went to the first).
        (
            json!({"msel": msel.replace(
                "to = \"fr-pn commander\"\ntitle",
                "to = \"xx-police commander\"\ntitle"), "feeds": feeds}),
            "inject \"INJ-05\": to: agency \"xx-police\" is not an agency of this server \
             (its agencies: fr-pn, ma-dgsn)",
        ),
        (
            json!({"msel": msel.replace(
                "zone = \"south-end\"\nevent",
                "zone = \"south-endd\"\nevent"), "feeds": feeds}),
            "inject \"INJ-04\": zone: venue \"sib2023-entrance\" has no zone \"south-endd\"",
        ),
        // Unknown fields are named; a TOML MSEL names itself.
        (
            json!({"msel": msel, "feeds": feeds, "colour": "red"}),
            "colour: unknown field",
        ),
        (
            json!({"msel": msel, "feeds": feeds, "name": "other"}),
            "name: a TOML MSEL names its exercise",
        ),
        // What is echoed of the input is bounded.
        (
            json!({"msel": msel, "feeds": {"x".repeat(5000): []}}),
            &format!("the MSEL has no inject \"{}\"…", "x".repeat(64)),
        ),
        // A feed's readings pass the checks of a live sensor's.
        (bad_feed(&feeds, "density", json!(-1.0)), "value.density"),
        (bad_feed(&feeds, "density", json!(50.0)), "value.density"),
        (
            bad_feed(&feeds, "count", json!(1_000_000_000_000_000u64)),
            "is above",
        ),
    ] {
        let r = call(
            &app,
            &trainer,
            None,
            "POST",
            "/api/v1/exercises",
            Some(body),
        )
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
        let error = r.json()["error"].as_str().unwrap_or_default().to_string();
        assert!(error.contains(says), "{says}: {}", r.body);
        assert!(r.body.len() < 1500, "{}", r.body);
    }
    // (A body over the limit is 413: tests/access.rs, every_body_over_the_limit_is_413.)
    // A CSV MSEL has no [exercise] table: its name is given (the file's stem by `aman
    // exercise run`), its venue is the server's.
    let csv = "id,at,to,text\n1,00:00,fr-pn operator,Radio check.\n";
    let made = ok(
        &app,
        &trainer,
        None,
        "POST",
        "/api/v1/exercises",
        Some(json!({"id": "night-drill", "msel": csv, "format": "csv", "name": "night-drill"})),
        201,
    )
    .await;
    assert_eq!(made["name"], "night-drill", "{made}");
    let r = call(
        &app,
        &trainer,
        None,
        "POST",
        "/api/v1/exercises",
        Some(json!("garbage")),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    let list = ok(&app, &fr, None, "GET", "/api/v1/exercises", None, 200).await;
    assert_eq!(list["exercises"].as_array().unwrap().len(), 1, "{list}");
    // An exercise that does not exist is not a context; its name is echoed bounded.
    let r = call(&app, &fr, Some("nope"), "GET", "/api/v1/state", None).await;
    assert_eq!(r.status, 404, "{}", r.body);
    let long = "a".repeat(4000);
    let r = call(&app, &fr, Some(&long), "GET", "/api/v1/state", None).await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .starts_with(&format!("exercise \"{}\"… not found", "a".repeat(64)))
            && r.body.len() < 500,
        "{}",
        r.body
    );
    for path in [
        format!("/api/v1/exercises/{long}"),
        format!("/exercises/{long}"),
    ] {
        let r = call(&app, &fr, None, "GET", &path, None).await;
        assert_eq!(r.status, 404, "{}", r.body);
        assert!(!r.body.contains(&"a".repeat(65)), "{path} is echoed whole");
    }

    // A live reading, which the exercise must not see.
    // (The venue's occupancy sensor is an AXIS camera: its MQTT event payload.)
    let live_reading = json!({"topic": "axis:CameraApplicationPlatform/ObjectAnalytics/south-end",
        "timestamp": aman_server::app::now().0 / 1000,
        "message": {"source": {}, "key": {}, "data": {"totalHuman": "7"}}});
    let r = app
        .post_readings("occupancy", live_reading.to_string())
        .await;
    assert_eq!(r.status, 202, "{}", r.body);

    // The trainer makes it, skips to just before the crowd inject and runs it ten times
    // faster: the surge's level E lasts 85 s of scenario time, 8.5 s of wall time, less than
    // the rule's 10 s hold in wall seconds; the hold counts scenario seconds (the feed's
    // readings are stamped on the exercise's timeline), so the rule raises.
    let made = ok(
        &app,
        &trainer,
        None,
        "POST",
        "/api/v1/exercises",
        Some(json!({"id": EX, "msel": msel, "feeds": feeds, "start": true})),
        201,
    )
    .await;
    assert_eq!(made["state"], "running", "{made}");
    assert_eq!(made["injects"], 7, "{made}");
    let r = call(
        &app,
        &trainer,
        None,
        "POST",
        "/api/v1/exercises",
        Some(json!({"id": EX, "msel": msel, "feeds": feeds})),
    )
    .await;
    assert_eq!(r.status, 409, "the id is taken: {}", r.body);
    let clock = |b: Value| {
        let (app, trainer) = (&app, &trainer);
        async move {
            call(
                app,
                trainer,
                None,
                "POST",
                &format!("/api/v1/exercises/{EX}/clock"),
                Some(b),
            )
            .await
        }
    };
    assert_eq!(
        clock(json!({"action": "skip", "to_s": 29})).await.status,
        200
    );
    let r = clock(json!({"action": "speed", "speed": 1000})).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = clock(json!({"action": "resume"})).await;
    assert_eq!(r.status, 409, "resume while running: {}", r.body);
    let r = clock(json!({"action": "warp"})).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["field"], "action", "{}", r.body);
    // Unknown fields, and fields of another action, are named.
    for (body, field) in [
        (json!({"action": "pause", "colour": 1}), "colour"),
        (json!({"action": "speed", "speed": 2, "to_s": 3}), "to_s"),
        (json!({"action": "resume", "speed": 2}), "speed"),
        (json!({"action": "skip"}), "to_s"),
        (json!({"speed": 2}), "action"),
    ] {
        let r = clock(body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {}", r.body);
        assert_eq!(r.json()["field"], field, "{body}: {}", r.body);
    }
    let r = clock(json!("garbage")).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = call(
        &app,
        &fr,
        None,
        "POST",
        &format!("/api/v1/exercises/{EX}/clock"),
        Some(json!({"action": "end"})),
    )
    .await;
    assert_eq!(r.status, 403, "players do not drive the clock: {}", r.body);
    assert_eq!(
        clock(json!({"action": "speed", "speed": 10})).await.status,
        200
    );

    // Both operators see the zone reach level E and the alert, in the exercise.
    let alert = common::eventually(60.0, "the exercise's south-end-los alert", || async {
        let v = ok(&app, &ma, ex, "GET", "/api/v1/alerts", None, 200).await;
        v["alerts"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["rule"] == "south-end-los").cloned())
    })
    .await;
    let alert_id = alert["id"].as_str().unwrap().to_string();
    assert_eq!(alert["mode"], "Exercise", "{alert}");
    assert!(alert_id.contains("-exercise-surge-1-"), "{alert_id}");
    let state = ok(&app, &fr, ex, "GET", "/api/v1/state", None, 200).await;
    let zone = state["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["id"] == "south-end")
        .unwrap()
        .clone();
    assert!(zone["density"].as_f64().unwrap() > 1.08, "{zone}");
    let cap = call(
        &app,
        &fr,
        ex,
        "GET",
        &format!("/api/v1/alerts/{alert_id}/cap/1"),
        None,
    )
    .await;
    assert_eq!(cap.status, 200, "{}", cap.body);
    assert!(
        cap.body.contains("<status>Exercise</status>"),
        "{}",
        cap.body
    );

    // fr-pn acknowledges it and opens an incident from it; ma-dgsn's shared unit is tasked.
    ok(
        &app,
        &fr,
        ex,
        "POST",
        &format!("/api/v1/alerts/{alert_id}/acknowledge"),
        None,
        200,
    )
    .await;
    let inc = ok(
        &app,
        &fr,
        ex,
        "POST",
        &format!("/api/v1/alerts/{alert_id}/incident"),
        Some(json!({"visibility": "shared"})),
        201,
    )
    .await;
    let inc_id = inc["id"].as_str().unwrap().to_string();
    let unit = ok(
        &app,
        &ma,
        ex,
        "POST",
        "/api/v1/units",
        Some(json!({
        "call_sign": "Atlas 1", "kind": "foot_patrol", "visibility": "shared",
        "position": {"zone": "south-end"}})),
        201,
    )
    .await;
    let unit_id = unit["id"].as_str().unwrap().to_string();
    ok(
        &app,
        &fr,
        ex,
        "POST",
        &format!("/api/v1/incidents/{inc_id}/tasks"),
        Some(json!({"unit_id": unit_id, "note": "hold the flow at the top of the south street"})),
        201,
    )
    .await;

    // Live operations see none of it.
    // (Live has its own alerts: the occupancy camera, silent since its one reading, is stale.)
    let v = ok(&app, &fr, None, "GET", "/api/v1/alerts", None, 200).await;
    assert!(
        v["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["mode"] == "Actual" && !a["id"].as_str().unwrap().contains("exercise")),
        "live alerts: {v}"
    );
    for (path, empty) in [
        ("/api/v1/incidents", "incidents"),
        ("/api/v1/units", "units"),
    ] {
        let v = ok(&app, &fr, None, "GET", path, None, 200).await;
        assert_eq!(v[empty], json!([]), "live {path}: {v}");
    }
    for path in [
        format!("/api/v1/alerts/{alert_id}"),
        format!("/api/v1/alerts/{alert_id}/cap/1"),
        format!("/api/v1/incidents/{inc_id}"),
        format!("/api/v1/units/{unit_id}"),
        format!("/incidents/{inc_id}/ics201"),
        format!("/units/{unit_id}/ics214"),
    ] {
        let r = call(&app, &fr, None, "GET", &path, None).await;
        assert_eq!(r.status, 404, "live {path}: {}", r.body);
    }
    for path in [
        "/api/v1/cap/current.json",
        "/api/v1/cap/feed.atom",
        "/api/v1/alerts/stats",
        "/alerts",
    ] {
        let r = call(&app, &fr, None, "GET", path, None).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert!(!r.body.contains(&alert_id), "live {path}: {}", r.body);
        // (The alerts page names every rule of the venue in its filter.)
        if path.starts_with("/api/") {
            assert!(!r.body.contains("south-end-los"), "live {path}: {}", r.body);
        }
    }
    let live = ok(&app, &fr, None, "GET", "/api/v1/state", None, 200).await;
    let z = live["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["id"] == "south-end")
        .unwrap()
        .clone();
    assert_eq!(
        z["occupancy"], 7.0,
        "live state is the live reading only: {z}"
    );
    // Nor does the exercise see the live reading: its south-end came from the feed.
    assert_ne!(zone["occupancy"], 7.0, "{zone}");
    // Acting on the exercise's alert from live is like acting on no alert.
    let r = call(
        &app,
        &ma,
        None,
        "POST",
        &format!("/api/v1/alerts/{alert_id}/acknowledge"),
        None,
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);

    // The after-action report: the crowd inject's times, in the order of the players' acts.
    let report = ok(
        &app,
        &trainer,
        None,
        "GET",
        &format!("/api/v1/exercises/{EX}/report"),
        None,
        200,
    )
    .await;
    let crowd = report["injects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "INJ-02")
        .unwrap()
        .clone();
    let ack = crowd["to_acknowledgement"]
        .as_f64()
        .unwrap_or_else(|| panic!("{crowd}"));
    let to_inc = crowd["to_incident"]
        .as_f64()
        .unwrap_or_else(|| panic!("{crowd}"));
    let to_task = crowd["to_task"]
        .as_f64()
        .unwrap_or_else(|| panic!("{crowd}"));
    assert!(
        0.0 < ack && ack <= to_inc && to_inc <= to_task && to_task < 120.0,
        "{crowd}"
    );
    assert!(
        report["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == json!(alert_id))
    );
    let briefing = report["injects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "INJ-01")
        .unwrap()
        .clone();
    assert!(
        !briefing["delivered"].is_null(),
        "the skip delivered INJ-01: {briefing}"
    );

    // In the dashboard: joining puts every page in the exercise, with its banner; the
    // after-action report is a page in the trainer's language (French here).
    let r = call(
        &app,
        &ma,
        None,
        "POST",
        &format!("/exercises/{EX}/join"),
        None,
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let set = r
        .header("set-cookie")
        .expect("the exercise cookie")
        .to_string();
    assert!(
        set.starts_with(&format!("aman_exercise={EX};")) && set.contains("HttpOnly"),
        "{set}"
    );
    let mut in_ex = ma.clone();
    in_ex.cookie = format!("{}; aman_exercise={EX}", ma.cookie);
    let page = call(&app, &in_ex, None, "GET", "/alerts", None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("id=\"exercise-banner\"") && page.body.contains(&alert_id),
        "{}",
        page.body
    );
    let page = call(&app, &ma, None, "GET", "/alerts", None).await;
    assert!(!page.body.contains("id=\"exercise-banner\"") && !page.body.contains(&alert_id));
    let r = call(&app, &in_ex, None, "POST", "/exercises/leave", None).await;
    assert_eq!(r.status, 303);
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    let aar = call(
        &app,
        &trainer,
        None,
        "GET",
        &format!("/exercises/{EX}/report"),
        None,
    )
    .await;
    assert_eq!(aar.status, 200, "{}", aar.body);
    assert!(
        aar.body.contains("lang=\"fr\"") && aar.body.contains("Retour d’expérience"),
        "{}",
        aar.body
    );
    let row = aar
        .body
        .split("<tr data-inject=\"INJ-02\">")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        row.contains(&format!(
            "<td class=\"to-ack\">\u{2068}{}\u{2069} s</td>",
            ack.round()
        )),
        "{row}"
    );
    let exercise_page = call(
        &app,
        &trainer,
        None,
        "GET",
        &format!("/exercises/{EX}"),
        None,
    )
    .await;
    assert!(
        exercise_page.body.contains("id=\"exercise-controls\""),
        "{}",
        exercise_page.body
    );
    let exercise_page = call(&app, &fr, None, "GET", &format!("/exercises/{EX}"), None).await;
    assert!(
        !exercise_page.body.contains("id=\"exercise-controls\""),
        "players get no controls"
    );

    // The trainer pauses and ends it; the events say so, in order.
    assert_eq!(clock(json!({"action": "pause"})).await.status, 200);
    assert_eq!(clock(json!({"action": "pause"})).await.status, 409);
    assert_eq!(clock(json!({"action": "end"})).await.status, 200);
    // Once ended, every change conflicts with its state, whatever its value.
    for body in [
        json!({"action": "speed", "speed": 2}),
        json!({"action": "speed", "speed": 1000}),
        json!({"action": "skip", "to_s": 600}),
        json!({"action": "end"}),
    ] {
        let r = clock(body.clone()).await;
        assert_eq!(r.status, 409, "{body}: {}", r.body);
    }
    let detail = ok(
        &app,
        &ma,
        None,
        "GET",
        &format!("/api/v1/exercises/{EX}"),
        None,
        200,
    )
    .await;
    assert_eq!(detail["status"]["state"], "ended", "{detail}");
    let controls: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "control")
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert_eq!(
        controls,
        ["start", "skip to 00:29", "speed ×10", "pause", "end"],
        "{detail}"
    );
    // Every delivery is an event, though the runner and the trainer write at the same moments.
    let injects = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "inject")
        .count();
    assert_eq!(detail["status"]["delivered"], injects, "{detail}");

    // The audit entries of the exercise's writes carry it; live entries do not.
    let entries = app.store.audit_entries(0, 10_000).await.unwrap();
    let acks: Vec<_> = entries
        .iter()
        .filter(|e| e.record.action == "alert.acknowledge")
        .collect();
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].record.exercise.as_deref(), Some(EX));
    assert!(
        entries
            .iter()
            .filter(|e| e.record.action.starts_with("incident."))
            .all(|e| e.record.exercise.as_deref() == Some(EX))
    );

    // A restart reopens it, ended, with its records.
    app.stop().await;
    let app = TestApp::spawn(&db, "sib2023-entrance", Mode::Actual).await;
    let list = app.get_json("/api/v1/exercises").await;
    let surge = list["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == EX)
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(surge["state"], "ended", "{list}");
    assert_eq!(
        surge["name"],
        "South gate surge (SiB2023 entrance, joint fr-pn / ma-dgsn)"
    );
    let r = app
        .request(
            "GET",
            "/api/v1/alerts",
            common::Auth::Bearer(app.admin.clone()),
            None,
        )
        .await;
    assert!(
        !r.body.contains(&alert_id),
        "live after restart: {}",
        r.body
    );
    app.stop().await;
}

/// A server stopped while a crowd inject plays, and started again: the exercise runs on
/// from its clock, and the feed's samples already in the log are not sent again (only the
/// latest due one, so the state is the scenario's now).
async fn a_restart_mid_crowd_resumes_without_replaying_the_feed(db: Db) {
    let (msel, feeds) = tokio::task::spawn_blocking(shipped).await.unwrap();
    let per_sample = feeds["INJ-02"][0]["readings"].as_array().unwrap().len() as u64;
    let app = setup(&db).await;
    let trainer = login(&app, "fr-trainer").await;
    const EX: &str = "restart-1";
    ok(
        &app,
        &trainer,
        None,
        "POST",
        "/api/v1/exercises",
        Some(json!({"id": EX, "msel": msel, "feeds": feeds, "start": true})),
        201,
    )
    .await;
    let path = format!("/api/v1/exercises/{EX}/clock");
    ok(
        &app,
        &trainer,
        None,
        "POST",
        &path,
        Some(json!({"action": "skip", "to_s": 29})),
        200,
    )
    .await;
    ok(
        &app,
        &trainer,
        None,
        "POST",
        &path,
        Some(json!({"action": "speed", "speed": 10})),
        200,
    )
    .await;
    let store = app.store.in_exercise(EX).unwrap();
    let venue = app.venue.id.clone();
    let before = common::eventually(60.0, "15 samples of the crowd", || async {
        let n = store.reading_count(&venue).await.unwrap();
        (n >= 15 * per_sample).then_some(n)
    })
    .await;
    app.stop().await;
    let app = TestApp::spawn(&db, "sib2023-entrance", Mode::Actual).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let store = app.store.in_exercise(EX).unwrap();
    let after = store.reading_count(&venue).await.unwrap();
    // At speed 10 a sample is due every 0.2 s: a few since the restart, never the 15+ again.
    assert!(
        after - before <= 12 * per_sample,
        "{before} readings before the restart, {after} after: the feed was sent again"
    );
    let status = app.get_json(&format!("/api/v1/exercises/{EX}")).await;
    assert_eq!(status["status"]["state"], "running", "{status}");
    app.stop().await;
}

// ---- The MSEL library (`aman serve --exercises DIR`, dashboard `POST /exercises`) ----

/// A dashboard form post as `s` (cookie and CSRF token in the form), redirects not followed.
async fn post_form(app: &TestApp, s: &Sess, path: &str, pairs: &[(&str, &str)]) -> Resp {
    let mut all: Vec<(&str, &str)> = pairs.to_vec();
    all.push(("csrf_token", s.csrf.as_str()));
    send(
        app,
        "POST",
        path,
        vec![("Cookie".to_string(), s.cookie.clone())],
        common::form(&all),
    )
    .await
}

async fn page(app: &TestApp, s: &Sess, path: &str) -> Resp {
    send(
        app,
        "GET",
        path,
        vec![("Cookie".to_string(), s.cookie.clone())],
        None,
    )
    .await
}

/// [`setup`] with the MSEL library `dir`.
async fn setup_library(db: &Db, dir: std::path::PathBuf) -> TestApp {
    let app = TestApp::spawn_library(
        db,
        common::venue("sib2023-entrance"),
        Mode::Actual,
        common::many_logins(),
        Some(dir),
    )
    .await;
    common::people(
        &app.store,
        &[
            ("fr-trainer", "fr-pn", Role::Trainer, Language::Fr),
            ("en-trainer", "ma-dgsn", Role::Trainer, Language::En),
            ("fr-op", "fr-pn", Role::Operator, Language::Fr),
        ],
        PW,
    )
    .await;
    app
}

/// The `data-field` of the `.form-error` of a page, if any.
fn error_field(body: &str) -> Option<String> {
    let i = body.find("class=\"form-error\"")?;
    let rest = &body[i..];
    let j = rest.find("data-field=\"")? + "data-field=\"".len();
    Some(rest[j..].split('"').next()?.to_string())
}

/// With the shipped `scenarios` folder as its library, the server offers the surge MSEL to
/// a trainer; the trainer makes it in the dashboard (the server simulates its crowd inject),
/// lands on its page, which lists its seven injects, and starts it there. The stored feed is
/// the one `aman exercise run` sends (`aman_inject`, same scenario and options): the same
/// samples and readings. An operator gets 403 and sees no form; a second creation while one
/// is prepared is refused (429); a taken or bad id is refused (422) with the values kept.
async fn a_trainer_makes_the_surge_from_the_msel_library(db: Db) {
    const KEY: &str = "exercise-entrance-surge/msel.toml";
    let app = setup_library(&db, common::repo().join("scenarios")).await;
    let trainer = login(&app, "fr-trainer").await;
    let op = login(&app, "fr-op").await;

    // The form, for a trainer only; the library's one MSEL for this venue.
    let r = page(&app, &trainer, "/exercises").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("id=\"library-form\""), "{}", r.body);
    assert_eq!(r.body.matches("<option value=").count(), 1);
    assert!(r.body.contains(&format!("<option value=\"{KEY}\"")));
    let r = page(&app, &op, "/exercises").await;
    assert!(!r.body.contains("library-form"), "an operator sees no form");
    let r = post_form(&app, &op, "/exercises", &[("msel", KEY), ("id", "op-1")]).await;
    assert_eq!(r.status, 403, "{}", r.body);

    // A bad id, an unknown entry: refused before any simulation, values kept.
    let r = post_form(
        &app,
        &trainer,
        "/exercises",
        &[("msel", KEY), ("id", "Bad Id")],
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(error_field(&r.body).as_deref(), Some("id"));
    assert!(r.body.contains("value=\"Bad Id\""), "the value is kept");
    assert!(
        r.body.contains("1 à 40 caractères"),
        "in French: {}",
        r.body
    );
    let r = post_form(
        &app,
        &trainer,
        "/exercises",
        &[("msel", KEY), ("name", "x")],
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(error_field(&r.body).as_deref(), Some("name"));
    assert!(
        app.get_json("/api/v1/exercises").await["exercises"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The trainer makes it; a second one meanwhile is refused, not queued.
    let first = {
        let started = std::time::Instant::now();
        let f = post_form(
            &app,
            &trainer,
            "/exercises",
            &[("msel", KEY), ("id", "surge-lib")],
        );
        let second = async {
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            post_form(
                &app,
                &trainer,
                "/exercises",
                &[("msel", KEY), ("id", "surge-two")],
            )
            .await
        };
        let (r, r2) = tokio::join!(f, second);
        println!(
            "made from the library (the surge simulated): {:.1} s",
            started.elapsed().as_secs_f64()
        );
        assert_eq!(r2.status, 429, "{}", r2.body);
        assert_eq!(error_field(&r2.body).as_deref(), Some("msel"));
        r
    };
    assert_eq!(first.status, 303, "{}", first.body);
    assert_eq!(first.header("location"), Some("/exercises/surge-lib"));
    let r = page(&app, &trainer, "/exercises/surge-lib").await;
    assert_eq!(r.status, 200);
    for i in 1..=7 {
        assert!(
            r.body.contains(&format!("data-inject=\"INJ-0{i}\"")),
            "INJ-0{i}"
        );
    }
    assert!(r.body.contains("data-action=\"start\""), "{}", r.body);
    let status = app.get_json("/api/v1/exercises/surge-lib").await;
    assert_eq!(status["status"]["state"], "ready");
    assert_eq!(status["status"]["injects"], 7);
    assert_eq!(status["status"]["created_by"], "fr-trainer (fr-pn)");

    // The feed stored is the one `aman exercise run` sends.
    let (_, sent) = tokio::task::spawn_blocking(shipped).await.unwrap();
    let stored: Value = serde_json::from_str(
        &app.store
            .exercise_feeds("surge-lib")
            .await
            .unwrap()
            .expect("a feed is stored"),
    )
    .unwrap();
    let samples = |v: &Value| v["INJ-02"].as_array().map_or(0, Vec::len);
    let readings = |v: &Value| -> usize {
        v["INJ-02"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["readings"].as_array().unwrap().len())
            .sum()
    };
    assert_eq!(samples(&stored), 91);
    assert_eq!(samples(&stored), samples(&sent));
    assert_eq!(readings(&stored), readings(&sent));
    assert_eq!(stored, sent, "the same feed, reading for reading");
    // Audited as through the API.
    let log = app.store.audit_entries(0, 1000).await.unwrap();
    let made: Vec<_> = log
        .iter()
        .filter(|e| e.record.action == "exercise.create")
        .collect();
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].record.object, "exercise/surge-lib");
    assert_eq!(made[0].record.actor, "fr-trainer (fr-pn)");

    // Its id is taken now: refused before any simulation.
    let r = post_form(
        &app,
        &trainer,
        "/exercises",
        &[("msel", KEY), ("id", "surge-lib")],
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(error_field(&r.body).as_deref(), Some("id"));

    // The trainer starts it on its page; the crowd inject plays.
    let r = post_form(
        &app,
        &trainer,
        "/exercises/surge-lib/clock",
        &[("action", "start")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let status = app.get_json("/api/v1/exercises/surge-lib").await;
    assert_eq!(status["status"]["state"], "running");
    app.stop().await;
}

/// A library of a temporary folder: an MSEL for another venue is listed apart and refused; a
/// key that is a path (`../../etc/passwd`, absolute) is an unknown entry (422) and reads
/// nothing; a crowd inject whose scenario lies outside the folder is refused naming the inject
/// (the file outside is never read); one whose scenario does not load is refused naming it;
/// a CSV MSEL takes the name given (and only a CSV one). Without a library, no form, and the
/// POST answers 404.
async fn the_msel_library_refuses_bad_entries_and_paths(db: Db) {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("library");
    let put = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let crowd = |name: &str, scenario: &str| {
        format!(
            "[exercise]\nname = \"{name}\"\nvenue = \"sib2023-entrance\"\n\n[[injects]]\n\
             id = \"CROWD-1\"\nat = \"00:10\"\nkind = \"crowd\"\ntext = \"A crowd\"\n\
             scenario = \"{scenario}\"\n"
        )
    };
    // A file outside the library that a scenario path points to: its content is not a
    // scenario, and would be named in the error if it were ever read.
    std::fs::write(t.path().join("outside.toml"), "SECRET = 1\n").unwrap();
    put("escape/msel.toml", &crowd("Escape", "../../outside.toml"));
    put("absolute/msel.toml", &crowd("Absolute", "/etc/passwd"));
    put("broken/msel.toml", &crowd("Broken", "scenario.toml"));
    put("broken/scenario.toml", "[simulation\nnot toml");
    put(
        "elsewhere/msel.toml",
        "[exercise]\nname = \"Elsewhere\"\nvenue = \"other-venue\"\n\n[[injects]]\nid = \"A\"\n\
         at = \"00:10\"\nto = \"fr-pn operator\"\ntext = \"Hello\"\n",
    );
    put(
        "drills/radio.csv",
        "id,at,from,to,method,text\nR-1,00:05,Control,fr-pn operator,radio,Radio check\n",
    );
    let app = setup_library(&db, root.clone()).await;
    let trainer = login(&app, "en-trainer").await;

    let r = page(&app, &trainer, "/exercises").await;
    assert_eq!(r.body.matches("<option value=").count(), 4, "{}", r.body);
    assert!(r.body.contains("id=\"library-other\""));
    assert!(r.body.contains("data-key=\"elsewhere/msel.toml\""));
    assert!(!r.body.contains("<option value=\"elsewhere/msel.toml\""));

    let count = || async {
        app.store
            .exercise_rows("sib2023-entrance")
            .await
            .unwrap()
            .len()
    };
    for (pairs, field, says) in [
        (
            vec![("msel", "elsewhere/msel.toml")],
            "msel",
            "this list is for venue",
        ),
        (
            vec![("msel", "../../etc/passwd")],
            "msel",
            "choose a master events list",
        ),
        (
            vec![("msel", "/etc/passwd")],
            "msel",
            "choose a master events list",
        ),
        (
            vec![("msel", "../outside.toml")],
            "msel",
            "choose a master events list",
        ),
        (vec![("msel", "")], "msel", "choose a master events list"),
        (
            vec![("msel", "escape/msel.toml")],
            "msel",
            "inject \u{2068}CROWD-1\u{2069}: its scenario file lies outside the library",
        ),
        (
            vec![("msel", "absolute/msel.toml")],
            "msel",
            "inject \u{2068}CROWD-1\u{2069}: its scenario file lies outside the library",
        ),
        (
            vec![("msel", "broken/msel.toml")],
            "msel",
            "inject \u{2068}CROWD-1\u{2069}: its scenario cannot be simulated",
        ),
        (
            vec![("msel", "drills/radio.csv"), ("id", "-x")],
            "id",
            "1 to 40 characters",
        ),
        (
            vec![("msel", "escape/msel.toml"), ("name", "Renamed")],
            "name",
            "a name is for a CSV list only",
        ),
        (
            vec![("msel", "drills/radio.csv"), ("name", "<b>bold</b>")],
            "name",
            "Name",
        ),
    ] {
        let r = post_form(&app, &trainer, "/exercises", &pairs).await;
        assert_eq!(r.status, 422, "{pairs:?}: {}", r.body);
        assert_eq!(error_field(&r.body).as_deref(), Some(field), "{pairs:?}");
        assert!(r.body.contains(says), "{pairs:?}: {says:?} in {}", r.body);
        assert!(
            !r.body.contains("SECRET"),
            "{pairs:?}: the outside file was read"
        );
        assert_eq!(count().await, 0, "{pairs:?}: nothing stored");
    }

    // A CSV MSEL, named in the form, without a crowd: made at once.
    let r = post_form(
        &app,
        &trainer,
        "/exercises",
        &[("msel", "drills/radio.csv"), ("name", "Radio drill")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id = r
        .header("location")
        .unwrap()
        .trim_start_matches("/exercises/")
        .to_string();
    assert!(id.starts_with("ex-"), "{id}");
    let status = app.get_json(&format!("/api/v1/exercises/{id}")).await;
    assert_eq!(status["status"]["name"], "Radio drill");
    assert_eq!(status["injects"][0]["id"], "R-1");
    app.stop().await;

    // No library: no form, and the POST says so.
    let app = TestApp::spawn(&db, "sib2023-entrance", Mode::Actual).await;
    let trainer = login(&app, "en-trainer").await;
    let r = page(&app, &trainer, "/exercises").await;
    assert!(!r.body.contains("library-form"));
    let r = post_form(
        &app,
        &trainer,
        "/exercises",
        &[("msel", "drills/radio.csv")],
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(error_field(&r.body).as_deref(), Some("msel"));
    assert!(r.body.contains("no MSEL library"), "{}", r.body);
    assert!(r.body.contains("--exercises"), "{}", r.body);
    app.stop().await;
}

/// An exercise is stored with its `exercise.create` entry, and a trainer's clock change with
/// its `exercise.clock` entry (in the exercise's context), each in one transaction: when the
/// database refuses the entry, nothing of the write is stored.
async fn an_exercise_or_clock_change_whose_audit_entry_fails_stores_nothing(db: Db) {
    let app = setup(&db).await;
    let trainer = login(&app, "fr-trainer").await;
    let csv = "id,at,to,text\n1,00:00,fr-pn operator,Radio check.\n";
    let make = |id: &'static str| {
        let (app, trainer) = (&app, &trainer);
        async move {
            call(
                app,
                trainer,
                None,
                "POST",
                "/api/v1/exercises",
                Some(json!({"id": id, "msel": csv, "format": "csv", "name": "drill"})),
            )
            .await
        }
    };
    let clock = |id: &'static str, b: Value| {
        let (app, trainer) = (&app, &trainer);
        async move {
            call(
                app,
                trainer,
                None,
                "POST",
                &format!("/api/v1/exercises/{id}/clock"),
                Some(b),
            )
            .await
        }
    };
    // Made and started: both audited, the start in the exercise's context.
    assert_eq!(make("drill-1").await.status, 201);
    assert_eq!(
        clock("drill-1", json!({"action": "start"})).await.status,
        200
    );
    let log = app.store.audit_entries(0, 1000).await.unwrap();
    let of = |action: &str| {
        log.iter()
            .filter(|e| e.record.action == action)
            .map(|e| (e.record.object.clone(), e.record.exercise.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of("exercise.create"),
        [("exercise/drill-1".to_string(), None)]
    );
    assert_eq!(
        of("exercise.clock"),
        [("exercise/drill-1".to_string(), Some("drill-1".to_string()))]
    );

    // The clock's entries refused: the pause is not stored, nor its event.
    common::refuse_audit(&db, "refuse_clock", &["exercise.clock"]).await;
    let r = clock("drill-1", json!({"action": "pause"})).await;
    assert_eq!(r.status, 503, "{}", r.body);
    let detail = ok(
        &app,
        &trainer,
        None,
        "GET",
        "/api/v1/exercises/drill-1",
        None,
        200,
    )
    .await;
    assert_eq!(detail["status"]["state"], "running", "{detail}");
    let controls = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "control")
        .count();
    assert_eq!(controls, 1, "only the start: {detail}");

    // The creation's entries refused: the exercise is not stored.
    common::refuse_audit(&db, "refuse_create", &["exercise.create"]).await;
    let r = make("drill-2").await;
    assert_eq!(r.status, 503, "{}", r.body);
    let list = ok(&app, &trainer, None, "GET", "/api/v1/exercises", None, 200).await;
    assert!(
        list["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["id"] != "drill-2"),
        "{list}"
    );
    let log = app.store.audit_entries(0, 1000).await.unwrap();
    aman_ops::audit::verify(&log).expect("the chain verifies");
    app.stop().await;
}
