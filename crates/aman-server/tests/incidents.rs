//! Joint operations through the API: incidents raised from an alert and by hand, their
//! lifecycle, sharing between the two agencies, units of one agency tasked on the other's
//! incident, the ICS-214 and ICS-201 exports, optimistic locking, and — systematically,
//! over every route of `aman_server::ROUTES` that reaches these records — that a restricted
//! record of one agency is, for the other, exactly like a record that does not exist (404,
//! the same body, absent from lists, counts, timelines and exports). Every write's audit
//! entry is in its transaction: the chain verifies, one entry per write, and a write whose
//! entry cannot be appended leaves neither. On SQLite always, on PostgreSQL under
//! `scripts/with-postgres`.

mod common;

use aman_ops::Mode;
use aman_ops::access::Role;
use aman_server::ROUTES;
use aman_store::Language;
use common::{Db, PW, Resp, Sess, TestApp, send};
use serde_json::{Value, json};

on_both!(
    workflow_from_alert_to_closed_with_a_unit_of_the_other_agency,
    two_edits_of_one_version_the_second_is_refused_and_the_first_kept,
    restricted_records_do_not_exist_for_the_other_agency,
    a_write_whose_audit_entry_fails_stores_nothing,
    an_alert_or_account_change_whose_audit_entry_fails_stores_nothing,
);

async fn login(app: &TestApp, login: &str) -> Sess {
    common::login_as(app, login, PW).await
}

/// `method path` as `s`, with a JSON body if given.
async fn call(app: &TestApp, s: &Sess, method: &str, path: &str, body: Option<Value>) -> Resp {
    let headers = vec![
        ("Cookie".to_string(), s.cookie.clone()),
        ("X-CSRF-Token".to_string(), s.csrf.clone()),
    ];
    let body = body.map(|b| ("application/json", b.to_string().into_bytes()));
    send(app, method, path, headers, body).await
}

/// `call` expecting `status`; the JSON body (or `Null` for a non-JSON body).
async fn ok(
    app: &TestApp,
    s: &Sess,
    method: &str,
    path: &str,
    body: Option<Value>,
    status: u16,
) -> Value {
    let r = call(app, s, method, path, body).await;
    assert_eq!(r.status, status, "{method} {path}: {}", r.body);
    serde_json::from_str(&r.body).unwrap_or(Value::Null)
}

/// A server on the hermes-ao300 venue with agencies fr-pn and ma-dgsn, a commander and an
/// operator in each (`fr-cmd`, `fr-op`, `ma-cmd`, `ma-op`), and alert `a1` on its first
/// zone (CAP severity Severe).
async fn setup(db: &Db) -> TestApp {
    let app = common::staffed(
        db,
        "hermes-ao300",
        Mode::Actual,
        &[
            ("fr-cmd", "fr-pn", Role::Commander, Language::En),
            ("fr-op", "fr-pn", Role::Operator, Language::En),
            ("ma-cmd", "ma-dgsn", Role::Commander, Language::En),
            ("ma-op", "ma-dgsn", Role::Operator, Language::En),
        ],
    )
    .await;
    common::raise_a1(&app).await;
    app
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

/// The audit actions of the incident, unit and task writes and reads, in order.
async fn ops_audit(app: &TestApp) -> Vec<String> {
    let log = app.store.audit_entries(0, 100_000).await.unwrap();
    aman_ops::audit::verify(&log).expect("the audit chain verifies");
    log.iter()
        .map(|e| e.record.action.clone())
        .filter(|a| {
            ["incident.", "unit.", "task."]
                .iter()
                .any(|p| a.starts_with(p))
        })
        .collect()
}

async fn workflow_from_alert_to_closed_with_a_unit_of_the_other_agency(db: Db) {
    let app = setup(&db).await;
    let zone = app.venue.zones[0].id.clone();
    let (fr_cmd, fr_op, ma_cmd, ma_op) = (
        login(&app, "fr-cmd").await,
        login(&app, "fr-op").await,
        login(&app, "ma-cmd").await,
        login(&app, "ma-op").await,
    );

    // Raised from the alert in one call: its zone, severity, time and rule carried over.
    let inc = ok(
        &app,
        &fr_op,
        "POST",
        "/api/v1/alerts/a1/incident",
        None,
        201,
    )
    .await;
    let iid = id(&inc);
    assert_eq!(inc["location"], json!({"zone": zone}));
    assert_eq!(inc["severity"], "severe");
    assert_eq!(inc["alert_id"], "a1");
    assert_eq!(inc["status"], "reported");
    assert_eq!(inc["visibility"], "restricted");
    assert_eq!(inc["agency"], "fr-pn");
    assert_eq!(inc["created_by"], "fr-op (fr-pn)");
    let situation = inc["situation"].as_str().unwrap();
    assert!(
        situation.contains("alert a1")
            && situation.contains(&app.venue.rules[0].id)
            && situation.contains("2026-05-28T"),
        "{situation}"
    );
    // An unknown alert: 404.
    let r = call(&app, &fr_op, "POST", "/api/v1/alerts/nope/incident", None).await;
    assert_eq!(r.status, 404, "{}", r.body);

    // Status: forward; back is refused, naming the field.
    let path = format!("/api/v1/incidents/{iid}/status");
    ok(
        &app,
        &fr_op,
        "POST",
        &path,
        Some(json!({"status": "confirmed"})),
        200,
    )
    .await;
    let r = call(
        &app,
        &fr_op,
        "POST",
        &path,
        Some(json!({"status": "reported"})),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["field"], "status");
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("confirmed to reported")
    );

    // A shared medical unit of the other agency.
    let unit = ok(
        &app,
        &ma_op,
        "POST",
        "/api/v1/units",
        Some(
            json!({"call_sign": "Bravo 2", "kind": "medical", "visibility": "shared",
                    "leader": "Lt. Amrani", "resources": "2 paramedics",
                    "position": {"zone": zone}}),
        ),
        201,
    )
    .await;
    let uid = id(&unit);
    // fr-pn sees the shared unit but does not edit it.
    let r = call(
        &app,
        &fr_op,
        "PATCH",
        &format!("/api/v1/units/{uid}"),
        Some(json!({"version": 1, "status": "out_of_service"})),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // Not on a restricted incident: share it first (an operator may not; the other
    // agency's commander may not either).
    let tpath = format!("/api/v1/incidents/{iid}/tasks");
    let r = call(&app, &fr_op, "POST", &tpath, Some(json!({"unit_id": uid}))).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.json()["error"].as_str().unwrap().contains("share"),
        "{}",
        r.body
    );
    let spath = format!("/api/v1/incidents/{iid}/share");
    assert_eq!(call(&app, &fr_op, "POST", &spath, None).await.status, 403);
    let r = call(&app, &ma_cmd, "POST", &spath, None).await;
    assert_eq!(
        r.status, 404,
        "restricted: not found for ma-dgsn: {}",
        r.body
    );
    let shared = ok(&app, &fr_cmd, "POST", &spath, None, 200).await;
    assert_eq!(shared["visibility"], "shared");
    let r = call(&app, &ma_cmd, "POST", &spath, None).await;
    assert_eq!(r.status, 409, "{}", r.body);
    // Now the other agency sees it.
    ok(
        &app,
        &ma_op,
        "GET",
        &format!("/api/v1/incidents/{iid}"),
        None,
        200,
    )
    .await;

    // Task the unit of ma-dgsn; ma-dgsn's operator moves the task along.
    let task = ok(
        &app,
        &fr_op,
        "POST",
        &tpath,
        Some(json!({"unit_id": uid, "note": "triage point at gate"})),
        201,
    )
    .await;
    let tid = id(&task);
    assert_eq!(task["state"], "assigned");
    assert_eq!(task["visibility"], "shared");
    let u = ok(
        &app,
        &ma_op,
        "GET",
        &format!("/api/v1/units/{uid}"),
        None,
        200,
    )
    .await;
    assert_eq!(u["status"], "assigned");
    let mut version = 1;
    for state in ["accepted", "en_route", "on_scene", "done"] {
        let t = ok(
            &app,
            &ma_op,
            "PATCH",
            &format!("/api/v1/tasks/{tid}"),
            Some(json!({"version": version, "state": state})),
            200,
        )
        .await;
        version = t["version"].as_i64().unwrap();
        assert_eq!(t["state"], state);
    }
    let t = call(
        &app,
        &ma_op,
        "PATCH",
        &format!("/api/v1/tasks/{tid}"),
        Some(json!({"version": version, "state": "cancelled"})),
    )
    .await;
    assert_eq!(t.status, 422, "done is final: {}", t.body);
    let u = ok(
        &app,
        &ma_op,
        "GET",
        &format!("/api/v1/units/{uid}"),
        None,
        200,
    )
    .await;
    assert_eq!(u["status"], "available");

    // The ICS-214 CSV: the unit's activity, in time order.
    let r = call(
        &app,
        &fr_op,
        "GET",
        &format!("/api/v1/units/{uid}/ics214.csv"),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = r.body.lines().collect();
    assert_eq!(lines[0], "date_time_utc,notable_activities,by");
    let rows = &lines[1..];
    assert_eq!(rows.len(), 6, "{}", r.body);
    let expect = [
        "Unit Bravo 2 created",
        "assigned — triage point at gate",
        ": accepted",
        ": en_route",
        ": on_scene",
        ": done",
    ];
    for (row, want) in rows.iter().zip(expect) {
        assert!(row.contains(want), "{row:?} should say {want:?}");
    }
    let times: Vec<&str> = rows.iter().map(|r| r.split(',').next().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "in time order");
    // The printable ICS-214 and ICS-201.
    let r = call(&app, &ma_op, "GET", &format!("/units/{uid}/ics214"), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    for s in [
        "ICS 214",
        "Bravo 2",
        "Lt. Amrani",
        "2 paramedics",
        "Notable activities",
    ] {
        assert!(r.body.contains(s), "ICS-214 page lacks {s}");
    }
    let r = call(
        &app,
        &ma_op,
        "GET",
        &format!("/incidents/{iid}/ics201"),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    for s in [
        "ICS 201",
        "Incident name",
        "Resource summary",
        "Bravo 2",
        &iid,
    ] {
        assert!(r.body.contains(s), "ICS-201 page lacks {s}");
    }

    // To the end of the lifecycle; closed is final.
    for s in [
        "responding",
        "contained",
        "responding",
        "contained",
        "closed",
    ] {
        ok(
            &app,
            &fr_cmd,
            "POST",
            &path,
            Some(json!({"status": s})),
            200,
        )
        .await;
    }
    let r = call(
        &app,
        &fr_cmd,
        "POST",
        &path,
        Some(json!({"status": "responding"})),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let full = ok(
        &app,
        &fr_op,
        "GET",
        &format!("/api/v1/incidents/{iid}"),
        None,
        200,
    )
    .await;
    assert_eq!(full["status"], "closed");
    assert_eq!(full["version"], 8, "created, 6 status changes, shared");
    assert_eq!(full["tasks"].as_array().unwrap().len(), 1);
    // Timeline: raised, confirmed, shared, tasked, 4 task steps, 5 more status changes.
    assert_eq!(
        full["timeline"].as_array().unwrap().len(),
        13,
        "{}",
        full["timeline"]
    );

    // One audit entry per write, in order, in a chain that verifies; the reads of the
    // restricted incident (none: it was shared before anyone read it) add none.
    let mut want = vec![
        "incident.raise_from_alert",
        "incident.status",
        "unit.create",
        "incident.share",
        "task.create",
        "task.update",
        "task.update",
        "task.update",
        "task.update",
    ];
    want.extend(["incident.status"; 5]);
    assert_eq!(ops_audit(&app).await, want);
    app.stop().await;
}

async fn two_edits_of_one_version_the_second_is_refused_and_the_first_kept(db: Db) {
    let app = setup(&db).await;
    let (fr_cmd, fr_op) = (login(&app, "fr-cmd").await, login(&app, "fr-op").await);
    let inc = ok(
        &app,
        &fr_op,
        "POST",
        "/api/v1/incidents",
        Some(
            json!({"title": "Fight near the east stand", "location": {"point": [12.5, 3.0]},
                    "severity": "moderate"}),
        ),
        201,
    )
    .await;
    let path = format!("/api/v1/incidents/{}", id(&inc));
    // Both read version 1.
    let a = ok(&app, &fr_op, "GET", &path, None, 200).await;
    let b = ok(&app, &fr_cmd, "GET", &path, None, 200).await;
    assert_eq!(
        (a["version"].as_i64(), b["version"].as_i64()),
        (Some(1), Some(1))
    );
    ok(
        &app,
        &fr_op,
        "PATCH",
        &path,
        Some(json!({"version": 1, "hazards": "bottles thrown"})),
        200,
    )
    .await;
    let r = call(
        &app,
        &fr_cmd,
        "PATCH",
        &path,
        Some(json!({"version": 1, "hazards": "none"})),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let msg = r.json()["error"].as_str().unwrap().to_string();
    assert!(
        msg.contains("changed by fr-op (fr-pn)") && msg.contains("now version 2"),
        "{msg}"
    );
    let now = ok(&app, &fr_cmd, "GET", &path, None, 200).await;
    assert_eq!(now["hazards"], "bottles thrown");
    assert_eq!(now["version"], 2);
    // Without a version, and with bad fields: refused, naming the field; nothing changes.
    for (body, field) in [
        (json!({"hazards": "x"}), "version"),
        (json!({"version": 2, "title": ""}), "title"),
        (
            json!({"version": 2, "casualties": {"dead": 100_001}}),
            "casualties.dead",
        ),
        (
            json!({"version": 2, "location": {"zone": "no-such-zone"}}),
            "location.zone",
        ),
        (json!({"version": 2, "sevrity": "minor"}), "sevrity"),
        (json!({"version": 2, "status": "closed"}), "status"),
    ] {
        let r = call(&app, &fr_cmd, "PATCH", &path, Some(body.clone())).await;
        assert_eq!(r.status, 422, "{body}: {}", r.body);
        assert_eq!(r.json()["field"], field, "{body}: {}", r.body);
    }
    let r = call(&app, &fr_cmd, "PATCH", &path, None).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let big = json!({"version": 2, "hazards": "x".repeat(70_000)});
    assert_eq!(
        call(&app, &fr_cmd, "PATCH", &path, Some(big)).await.status,
        413
    );
    let after = ok(&app, &fr_cmd, "GET", &path, None, 200).await;
    assert_eq!(after["version"], 2);
    // Create, update (the refused ones wrote nothing); plus the reads of the restricted
    // incident (three GETs before, one after the refusals, one now).
    let audit = ops_audit(&app).await;
    assert_eq!(
        audit
            .iter()
            .filter(|a| !a.ends_with(".read"))
            .collect::<Vec<_>>(),
        ["incident.create", "incident.update"]
    );
    assert_eq!(audit.iter().filter(|a| *a == "incident.read").count(), 4);
    app.stop().await;
}

/// One agency's records: a restricted and a shared incident, a restricted and a shared
/// unit, and tasks that are restricted (its restricted unit on its shared incident, its
/// shared unit on its restricted incident) and shared.
struct Records {
    restricted_incident: String,
    shared_incident: String,
    restricted_unit: String,
    shared_unit: String,
    restricted_tasks: Vec<String>,
    shared_task: String,
    /// Text that only the agency may see (titles, call signs, ids of restricted records).
    secrets: Vec<String>,
}

async fn records(app: &TestApp, s: &Sess, tag: &str) -> Records {
    let zone = app.venue.zones[0].id.clone();
    let mut secrets = Vec::new();
    let incident = |title: String, vis: &str| {
        json!({"title": title, "location": {"zone": zone}, "severity": "minor",
               "visibility": vis, "hazards": format!("hazard-{tag}")})
    };
    let ri = id(&ok(
        app,
        s,
        "POST",
        "/api/v1/incidents",
        Some(incident(format!("SECRET-INC-{tag}"), "restricted")),
        201,
    )
    .await);
    let si = id(&ok(
        app,
        s,
        "POST",
        "/api/v1/incidents",
        Some(incident(format!("open-inc-{tag}"), "shared")),
        201,
    )
    .await);
    let unit = |call: String, vis: &str| json!({"call_sign": call, "kind": "foot_patrol", "visibility": vis});
    let ru = id(&ok(
        app,
        s,
        "POST",
        "/api/v1/units",
        Some(unit(format!("SECRET-U-{tag}"), "restricted")),
        201,
    )
    .await);
    let su = id(&ok(
        app,
        s,
        "POST",
        "/api/v1/units",
        Some(unit(format!("open-u-{tag}"), "shared")),
        201,
    )
    .await);
    let task = |inc: &str, unit: &str| {
        (
            format!("/api/v1/incidents/{inc}/tasks"),
            json!({"unit_id": unit, "note": format!("SECRET-NOTE-{tag}")}),
        )
    };
    let mut restricted_tasks = Vec::new();
    for (inc, unit) in [(&si, &ru), (&ri, &su)] {
        let (p, b) = task(inc, unit);
        let t = ok(app, s, "POST", &p, Some(b), 201).await;
        assert_eq!(t["visibility"], "restricted", "{t}");
        restricted_tasks.push(id(&t));
    }
    let t = ok(
        app,
        s,
        "POST",
        &format!("/api/v1/incidents/{si}/tasks"),
        Some(json!({"unit_id": su, "note": format!("open-note-{tag}")})),
        201,
    )
    .await;
    assert_eq!(t["visibility"], "shared");
    secrets.extend([
        format!("SECRET-INC-{tag}"),
        format!("SECRET-U-{tag}"),
        format!("SECRET-NOTE-{tag}"),
        ri.clone(),
        ru.clone(),
    ]);
    secrets.extend(restricted_tasks.iter().cloned());
    Records {
        restricted_incident: ri,
        shared_incident: si,
        restricted_unit: ru,
        shared_unit: su,
        restricted_tasks,
        shared_task: id(&t),
        secrets,
    }
}

/// The not-found body of `kind` `id`, as for an id that never existed.
fn not_found_body(kind: &str, id: &str) -> Value {
    json!({"error": format!("{kind} {id:?} not found")})
}

async fn restricted_records_do_not_exist_for_the_other_agency(db: Db) {
    let app = setup(&db).await;
    let (fr, ma) = (login(&app, "fr-cmd").await, login(&app, "ma-cmd").await);
    let fr_rec = records(&app, &fr, "fr").await;
    let ma_rec = records(&app, &ma, "ma").await;

    // Every route of the table reaching these records, as the other agency's commander
    // (who may do every operation on its own and shared records): a restricted record is
    // 404 with the body of an id that never existed, whatever the method.
    let mut checked = 0;
    for (viewer, other_rec) in [(&fr, &ma_rec), (&ma, &fr_rec)] {
        for route in ROUTES {
            let p = route.path;
            let kind =
                if p.starts_with("/api/v1/incidents/{id}") || p.starts_with("/incidents/{id}") {
                    "incident"
                } else if p.starts_with("/api/v1/units/{id}") || p.starts_with("/units/{id}") {
                    "unit"
                } else if p.starts_with("/api/v1/tasks/{id}") {
                    "task"
                } else {
                    continue;
                };
            let targets: Vec<&String> = match kind {
                "incident" => vec![&other_rec.restricted_incident],
                "unit" => vec![&other_rec.restricted_unit],
                _ => other_rec.restricted_tasks.iter().collect(),
            };
            let body = match (route.method, p.rsplit('/').next().unwrap()) {
                ("PATCH", _) if kind == "task" => Some(json!({"version": 1, "state": "accepted"})),
                ("PATCH", _) if kind == "unit" => Some(json!({"version": 1, "status": "on_scene"})),
                ("PATCH", _) => Some(json!({"version": 1, "hazards": "overwritten"})),
                (_, "status") => Some(json!({"status": "confirmed"})),
                (_, "tasks") => Some(json!({"unit_id": other_rec.shared_unit})),
                ("POST", _) => Some(json!({})),
                _ => None,
            };
            for target in targets {
                let path = p.replace("{id}", target);
                let r = call(&app, viewer, route.method, &path, body.clone()).await;
                let what = format!(
                    "{} {} on a restricted {kind} of the other agency",
                    route.method, p
                );
                assert_eq!(r.status, 404, "{what}: {}", r.body);
                let never = format!("{kind}-{}", "0".repeat(16));
                let r2 = call(
                    &app,
                    viewer,
                    route.method,
                    &p.replace("{id}", &never),
                    body.clone(),
                )
                .await;
                assert_eq!(r2.status, 404, "{what} (unknown id): {}", r2.body);
                if route.path.starts_with("/api/") {
                    assert_eq!(r.json(), not_found_body(kind, target), "{what}");
                    assert_eq!(r2.json(), not_found_body(kind, &never), "{what}");
                } else {
                    // A page: the same error page as for an unknown id.
                    // (The header's clock may turn a second between the two.)
                    assert_eq!(
                        common::without_clock(&r.body.replace(target.as_str(), "")),
                        common::without_clock(&r2.body.replace(&never, "")),
                        "{what}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 2 * 12, "{checked} routes × records checked");

    // Nothing was changed by those attempts.
    for (s, rec) in [(&fr, &fr_rec), (&ma, &ma_rec)] {
        let i = ok(
            &app,
            s,
            "GET",
            &format!("/api/v1/incidents/{}", rec.restricted_incident),
            None,
            200,
        )
        .await;
        assert_eq!(
            (i["version"].as_i64(), i["status"].as_str()),
            (Some(1), Some("reported"))
        );
        let u = ok(
            &app,
            s,
            "GET",
            &format!("/api/v1/units/{}", rec.restricted_unit),
            None,
            200,
        )
        .await;
        assert_eq!(u["version"], 2, "created, then assigned by its task");
        assert!(u["tasks"].as_array().unwrap().len() == 1);
    }

    // Lists and counts, timelines, exports of shared records: nothing restricted of the
    // other agency, not even a hint (its titles, call signs, notes or ids).
    for (s, own, other) in [(&fr, &fr_rec, &ma_rec), (&ma, &ma_rec, &fr_rec)] {
        let mut seen = String::new();
        let list = ok(&app, s, "GET", "/api/v1/incidents", None, 200).await;
        assert_eq!(
            list["count"], 3,
            "own two and the other's shared one: {list}"
        );
        let ids: Vec<&str> = list["incidents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 3);
        assert!(ids.contains(&own.restricted_incident.as_str()));
        assert!(ids.contains(&other.shared_incident.as_str()));
        seen += &list.to_string();
        let list = ok(&app, s, "GET", "/api/v1/units", None, 200).await;
        assert_eq!(list["count"], 3, "{list}");
        seen += &list.to_string();
        let list = ok(&app, s, "GET", "/api/v1/incidents?limit=1", None, 200).await;
        assert_eq!(
            (
                list["count"].as_u64(),
                list["incidents"].as_array().unwrap().len()
            ),
            (Some(3), 1)
        );
        for path in [
            format!("/api/v1/incidents/{}", other.shared_incident),
            format!("/api/v1/units/{}", other.shared_unit),
            format!("/api/v1/units/{}/ics214.csv", other.shared_unit),
            format!("/units/{}/ics214", other.shared_unit),
            format!("/incidents/{}/ics201", other.shared_incident),
        ] {
            let r = call(&app, s, "GET", &path, None).await;
            assert_eq!(r.status, 200, "{path}: {}", r.body);
            seen += &r.body;
        }
        // The other's shared task is seen, on its shared incident.
        assert!(seen.contains(&other.shared_task));
        for secret in &other.secrets {
            assert!(
                !seen.contains(secret.as_str()),
                "{secret} leaked to the other agency"
            );
        }
        // Its own records are whole.
        let mine = ok(
            &app,
            s,
            "GET",
            &format!("/api/v1/incidents/{}", own.shared_incident),
            None,
            200,
        )
        .await;
        assert_eq!(mine["tasks"].as_array().unwrap().len(), 2);
    }

    // A task of the other agency's shared unit on one's own shared incident is fine; on a
    // restricted one it is refused with a reason that names no record of the other agency.
    ok(
        &app,
        &fr,
        "POST",
        &format!("/api/v1/incidents/{}/tasks", fr_rec.shared_incident),
        Some(json!({"unit_id": ma_rec.shared_unit})),
        201,
    )
    .await;
    let r = call(
        &app,
        &fr,
        "POST",
        &format!("/api/v1/incidents/{}/tasks", fr_rec.shared_incident),
        Some(json!({"unit_id": ma_rec.restricted_unit})),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(r.json(), not_found_body("unit", &ma_rec.restricted_unit));
    app.stop().await;
}

async fn a_write_whose_audit_entry_fails_stores_nothing(db: Db) {
    let app = setup(&db).await;
    let fr = login(&app, "fr-op").await;
    let inc = ok(
        &app,
        &fr,
        "POST",
        "/api/v1/incidents",
        Some(
            json!({"title": "Before", "location": {"zone": app.venue.zones[0].id},
                    "severity": "minor"}),
        ),
        201,
    )
    .await;
    let before = app.store.audit_entries(0, 100_000).await.unwrap();
    common::refuse_audit(&db, "refuse", &["incident.create"]).await;
    let r = call(
        &app,
        &fr,
        "POST",
        "/api/v1/incidents",
        Some(
            json!({"title": "Lost", "location": {"zone": app.venue.zones[0].id},
                    "severity": "minor"}),
        ),
    )
    .await;
    assert_eq!(r.status, 503, "{}", r.body);
    let r = call(&app, &fr, "POST", "/api/v1/alerts/a1/incident", None).await;
    assert_eq!(r.status, 201, "another action is still audited: {}", r.body);
    common::refuse_audit(&db, "refuse_update", &["incident.update"]).await;
    let path = format!("/api/v1/incidents/{}", id(&inc));
    let r = call(
        &app,
        &fr,
        "PATCH",
        &path,
        Some(json!({"version": 1, "title": "Changed"})),
    )
    .await;
    assert_eq!(r.status, 503, "{}", r.body);
    // Neither the incident nor its entry; the update neither changed the incident nor left
    // a timeline line or an entry.
    let list = ok(&app, &fr, "GET", "/api/v1/incidents", None, 200).await;
    assert_eq!(list["count"], 2, "{list}");
    assert!(!list.to_string().contains("Lost"));
    let now = ok(&app, &fr, "GET", &path, None, 200).await;
    assert_eq!(
        (now["title"].as_str(), now["version"].as_i64()),
        (Some("Before"), Some(1))
    );
    assert_eq!(now["timeline"].as_array().unwrap().len(), 1);
    let after = app.store.audit_entries(0, 100_000).await.unwrap();
    aman_ops::audit::verify(&after).expect("the chain");
    let new: Vec<&str> = after[before.len()..]
        .iter()
        .map(|e| e.record.action.as_str())
        .collect();
    assert_eq!(
        new,
        ["incident.raise_from_alert", "incident.read"],
        "{new:?}"
    );
    app.stop().await;
}

/// A person's change of an alert or of an account whose audit entry cannot be appended
/// leaves nothing: the alert stays raised and without a verdict, the user is not created nor
/// disabled, the password not changed (each was written first and audited after, in a
/// transaction of its own, until the store wrote both in one).
async fn an_alert_or_account_change_whose_audit_entry_fails_stores_nothing(db: Db) {
    let app = setup(&db).await;
    let fr = login(&app, "fr-op").await;
    let cmd = login(&app, "fr-cmd").await;
    let before = app.store.audit_entries(0, 100_000).await.unwrap();
    common::refuse_audit(
        &db,
        "refuse_people",
        &[
            "alert.acknowledge",
            "alert.verdict",
            "user.create",
            "user.disable",
            "user.password",
            "user.language",
        ],
    )
    .await;
    for (path, body) in [
        ("/api/v1/alerts/a1/acknowledge", None),
        (
            "/api/v1/alerts/a1/verdict",
            Some(json!({"verdict": "false_positive"})),
        ),
    ] {
        let r = call(&app, &cmd, "POST", path, body).await;
        assert_eq!(r.status, 503, "{path}: {}", r.body);
    }
    let a1 = app.store.alert("a1").await.unwrap().unwrap();
    assert_eq!(a1.status, aman_store::AlertStatus::Raised, "{a1:?}");
    assert_eq!(a1.acknowledged_by, None, "{a1:?}");
    assert_eq!(a1.verdict, None, "{a1:?}");
    // Accounts: made by the API's admin token, changed by their owner.
    let r = app
        .post_admin(
            "/api/v1/users",
            &json!({"login": "lost", "display_name": "Lost", "agency": "fr-pn",
                    "role": "operator", "language": "en", "password": PW}),
        )
        .await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(app.store.user("lost").await.unwrap().is_none());
    let r = app
        .post_admin("/api/v1/users/ma-op/disable", &json!({}))
        .await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        app.store
            .user("ma-op")
            .await
            .unwrap()
            .unwrap()
            .disabled_at
            .is_none()
    );
    let r = call(
        &app,
        &fr,
        "POST",
        "/api/v1/me/password",
        Some(json!({"current_password": PW, "new_password": "another long passphrase"})),
    )
    .await;
    assert_eq!(r.status, 503, "{}", r.body);
    // The dashboard's language form.
    let r = send(
        &app,
        "POST",
        "/me/language",
        vec![("Cookie".to_string(), fr.cookie.clone())],
        common::form(&[("language", "ar"), ("csrf_token", &fr.csrf)]),
    )
    .await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(
        app.store.user("fr-op").await.unwrap().unwrap().language,
        Language::En
    );
    // The old password still logs in, and the session was not ended.
    login(&app, "fr-op").await;
    let r = call(&app, &fr, "GET", "/api/v1/me", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let after = app.store.audit_entries(0, 100_000).await.unwrap();
    aman_ops::audit::verify(&after).expect("the chain");
    let new: Vec<&str> = after[before.len()..]
        .iter()
        .map(|e| e.record.action.as_str())
        .collect();
    assert_eq!(new, ["session.login"], "{new:?}");
    app.stop().await;
}
