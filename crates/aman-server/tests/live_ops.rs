//! Incidents, units and tasks pushed on the live stream (`GET /api/v1/live`, issue 16), to
//! exactly those who may see them: two agencies, each with a restricted and a shared
//! incident, unit and task (and a restricted task of one agency on the other's shared
//! incident); subscribers of each agency (an operator of each, an observer of ma-dgsn, an
//! admin token) live, and an operator of each inside an exercise. Each subscriber's record
//! messages are compared, in order, with the list written here by hand of what it may see,
//! up to a marker record every subscriber of its context sees, written last: a record that
//! must not arrive but did stands in the list before the marker, and the comparison fails.
//! The ids of the restricted records never shared appear nowhere in the other agency's
//! stream (not in any message), nor exercise ids in a live stream, nor live ids in an
//! exercise's. A share delivers the record to the other agency; an exercise's incident
//! inject reaches its players. On SQLite always, on PostgreSQL under `scripts/with-postgres`.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use aman_ops::Mode;
use aman_ops::access::Role;
use aman_server::Limits;
use aman_store::Language;
use common::{Db, Live, Sess, TestApp, send};
use serde_json::{Value, json};

on_both!(each_subscriber_gets_exactly_the_records_it_may_see);

const PW: &str = "correct horse battery";
const EX: &str = "live-push-1";

/// An MSEL whose one inject, at the start, is an incident for ma-dgsn's operator.
const MSEL: &str = r#"
[exercise]
name = "Live push of records"

[[injects]]
id = "INJ-01"
at = "00:00"
kind = "incident"
from = "Exercise control"
to = "ma-dgsn operator"
title = "Injected incident"
incident_kind = "crowd crush"
severity = "severe"
text = "An incident injected by exercise control."
"#;

/// The subscribers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Sub {
    /// fr-op, live.
    Fr,
    /// ma-op, live.
    Ma,
    /// ma-obs (observer of ma-dgsn), live.
    MaObs,
    /// The admin token, live.
    Admin,
    /// fr-op in the exercise.
    XFr,
    /// ma-op in the exercise.
    XMa,
}
use Sub::*;

/// Live subscribers who see a shared live record, an fr-pn restricted one, a ma-dgsn one.
const ALL: &[Sub] = &[Fr, Ma, MaObs, Admin];
const FR: &[Sub] = &[Fr, Admin];
const MA: &[Sub] = &[Ma, MaObs, Admin];
const X_ALL: &[Sub] = &[XFr, XMa];

/// One record message as compared: kind, id, visibility, and its status or state.
type Msg = (String, String, String, String);

fn msg(kind: &str, v: &Value) -> Msg {
    let state = if kind == "task" { "state" } else { "status" };
    (
        kind.to_string(),
        v["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{kind} id in {v}"))
            .to_string(),
        v["visibility"].as_str().unwrap_or("").to_string(),
        v[state].as_str().unwrap_or("").to_string(),
    )
}

/// Who writes: a person's session or the admin token; in the exercise or live.
#[derive(Clone, Copy)]
enum By<'a> {
    S(&'a Sess),
    Admin,
}

struct World {
    app: TestApp,
    expected: HashMap<Sub, Vec<Msg>>,
}

impl World {
    /// `method path` by `by` (in the exercise if `ex`), expecting `status`; the JSON body.
    async fn call(
        &self,
        by: By<'_>,
        ex: bool,
        method: &str,
        path: &str,
        body: Value,
        status: u16,
    ) -> Value {
        let mut headers = match by {
            By::S(s) => vec![
                ("Cookie".to_string(), s.cookie.clone()),
                ("X-CSRF-Token".to_string(), s.csrf.clone()),
            ],
            By::Admin => vec![(
                "Authorization".to_string(),
                format!("Bearer {}", self.app.admin),
            )],
        };
        if ex {
            headers.push(("Aman-Exercise".to_string(), EX.to_string()));
        }
        let body = (method != "GET").then(|| ("application/json", body.to_string().into_bytes()));
        let r = send(&self.app, method, path, headers, body).await;
        assert_eq!(r.status, status, "{method} {path} (ex {ex}): {}", r.body);
        r.json()
    }

    /// `msg` is expected by each of `to`, next.
    fn expect(&mut self, to: &[Sub], m: Msg) {
        for s in to {
            self.expected.entry(*s).or_default().push(m.clone());
        }
    }

    /// Creates an incident (`vis`) by `by`; expected by `to`. Its id.
    async fn incident(&mut self, by: By<'_>, ex: bool, vis: &str, to: &[Sub]) -> String {
        let mut body = json!({"title": format!("incident {vis}"), "severity": "moderate",
                              "location": {"point": [1.0, 2.0]}, "visibility": vis});
        if matches!(by, By::Admin) {
            body["agency"] = json!("fr-pn");
        }
        let v = self
            .call(by, ex, "POST", "/api/v1/incidents", body, 201)
            .await;
        self.expect(to, msg("incident", &v));
        v["id"].as_str().unwrap().to_string()
    }

    /// Creates a unit (`vis`) by `by`; expected by `to`. Its id.
    async fn unit(&mut self, by: By<'_>, ex: bool, vis: &str, to: &[Sub]) -> String {
        let body = json!({"call_sign": format!("unit {vis}"), "kind": "foot_patrol",
                          "visibility": vis});
        let v = self.call(by, ex, "POST", "/api/v1/units", body, 201).await;
        self.expect(to, msg("unit", &v));
        v["id"].as_str().unwrap().to_string()
    }

    /// Tasks `unit` on `incident` by `by`: the task and then the unit (now assigned), both
    /// expected by `to`. The task's id.
    async fn task(&mut self, by: By<'_>, incident: &str, unit: &str, to: &[Sub]) -> String {
        let v = self
            .call(
                by,
                false,
                "POST",
                &format!("/api/v1/incidents/{incident}/tasks"),
                json!({"unit_id": unit, "note": "go"}),
                201,
            )
            .await;
        self.expect(to, msg("task", &v));
        let u = self
            .call(
                By::Admin,
                false,
                "GET",
                &format!("/api/v1/units/{unit}"),
                json!({}),
                200,
            )
            .await;
        assert_eq!(u["status"], "assigned", "{u}");
        self.expect(to, msg("unit", &u));
        v["id"].as_str().unwrap().to_string()
    }
}

/// The record messages `live` receives up to and including incident `marker`, and every
/// message's text.
async fn received(live: &mut Live, marker: &str, who: Sub) -> (Vec<Msg>, String) {
    let mut records = Vec::new();
    let mut all = String::new();
    loop {
        let m = live
            .next(Duration::from_secs(20))
            .await
            .unwrap_or_else(|| panic!("{who:?}: the marker {marker} did not arrive"));
        all.push_str(&m.to_string());
        all.push('\n');
        let kind = m["type"].as_str().unwrap_or("").to_string();
        if ["incident", "unit", "task"].contains(&kind.as_str()) {
            let r = msg(&kind, &m[kind.as_str()]);
            let done = kind == "incident" && r.1 == marker;
            records.push(r);
            if done {
                return (records, all);
            }
        }
        assert_ne!(kind, "records_lagged", "{who:?} lagged");
    }
}

async fn each_subscriber_gets_exactly_the_records_it_may_see(db: Db) {
    let limits = Limits {
        login_burst: 1e6,
        login_per_min: 1e6,
        ..Limits::default()
    };
    let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Actual, limits).await;
    common::people(
        &app.store,
        &[
            ("fr-cmd", "fr-pn", Role::Commander, Language::En),
            ("fr-op", "fr-pn", Role::Operator, Language::En),
            ("fr-trainer", "fr-pn", Role::Trainer, Language::En),
            ("ma-op", "ma-dgsn", Role::Operator, Language::En),
            ("ma-obs", "ma-dgsn", Role::Observer, Language::En),
        ],
        PW,
    )
    .await;
    let login = |l: &'static str| common::login_as(&app, l, PW);
    let (fr_cmd, fr_op, trainer, ma_op, ma_obs) = (
        login("fr-cmd").await,
        login("fr-op").await,
        login("fr-trainer").await,
        login("ma-op").await,
        login("ma-obs").await,
    );
    let mut w = World {
        app,
        expected: HashMap::new(),
    };
    // The exercise exists (not started) before its players subscribe.
    let made = w
        .call(
            By::S(&trainer),
            false,
            "POST",
            "/api/v1/exercises",
            json!({"id": EX, "msel": MSEL, "feeds": {}}),
            201,
        )
        .await;
    assert_eq!(made["state"], "ready", "{made}");

    let admin_auth = format!("Bearer {}", w.app.admin);
    let mut subs: Vec<(Sub, Live)> = Vec::new();
    for (who, s, ex) in [
        (Fr, Some(&fr_op), false),
        (Ma, Some(&ma_op), false),
        (MaObs, Some(&ma_obs), false),
        (Admin, None, false),
        (XFr, Some(&fr_op), true),
        (XMa, Some(&ma_op), true),
    ] {
        let mut h: Vec<(&str, &str)> = match s {
            Some(s) => vec![("Cookie", s.cookie.as_str())],
            None => vec![("Authorization", admin_auth.as_str())],
        };
        if ex {
            h.push(("Aman-Exercise", EX));
        }
        let mut live = w.app.live_with(&h).await.expect("live opens");
        let first = live.next(Duration::from_secs(10)).await.expect("snapshot");
        assert_eq!(first["type"], "snapshot", "{who:?}: {first}");
        subs.push((who, live));
    }
    let (fr, ma) = (By::S(&fr_op), By::S(&ma_op));

    // Live: a restricted and a shared incident of each agency.
    let i_fr_r = w.incident(fr, false, "restricted", FR).await;
    let i_fr_s = w.incident(fr, false, "shared", ALL).await;
    let i_ma_r = w.incident(ma, false, "restricted", MA).await;
    let _i_ma_s = w.incident(ma, false, "shared", ALL).await;

    // The exercise starts: its incident inject (shared, of ma-dgsn) reaches both players.
    w.call(
        By::S(&trainer),
        false,
        "POST",
        &format!("/api/v1/exercises/{EX}/clock"),
        json!({"action": "start"}),
        200,
    )
    .await;
    let injected = common::eventually(20.0, "the incident inject", || {
        let w = &w;
        async move {
            let l = w
                .call(By::Admin, true, "GET", "/api/v1/incidents", json!({}), 200)
                .await;
            l["incidents"].as_array().and_then(|a| a.first()).cloned()
        }
    })
    .await;
    assert_eq!(injected["agency"], "ma-dgsn", "{injected}");
    assert_eq!(injected["visibility"], "shared", "{injected}");
    w.expect(X_ALL, msg("incident", &injected));
    // Records of the exercise, by its players.
    let x_fr_r = w.incident(fr, true, "restricted", &[XFr]).await;
    let x_ma_s = w.incident(ma, true, "shared", X_ALL).await;
    let x_fr_u = w.unit(fr, true, "restricted", &[XFr]).await;

    // Live: a restricted and a shared unit of each agency.
    let u_fr_r = w.unit(fr, false, "restricted", FR).await;
    let u_fr_s = w.unit(fr, false, "shared", ALL).await;
    let u_ma_r = w.unit(ma, false, "restricted", MA).await;
    let u_ma_s = w.unit(ma, false, "shared", ALL).await;

    // Tasks: restricted on a restricted incident, shared on a shared one, a unit of ma-dgsn
    // on fr-pn's shared incident, and ma-dgsn's restricted unit on it (a restricted task of
    // ma-dgsn on a shared incident of fr-pn: fr-pn does not see it).
    let t_fr_r = w.task(fr, &i_fr_r, &u_fr_r, FR).await;
    let _t_fr_s = w.task(fr, &i_fr_s, &u_fr_s, ALL).await;
    let t_ma_r = w.task(ma, &i_ma_r, &u_ma_r, MA).await;
    let _t_ma_s = w.task(ma, &i_fr_s, &u_ma_s, ALL).await;
    let t_ma_r2 = w.task(ma, &i_fr_s, &u_ma_r, MA).await;

    // A restricted task moves on: the task and its unit, to fr-pn only.
    let t = w
        .call(
            fr,
            false,
            "PATCH",
            &format!("/api/v1/tasks/{t_fr_r}"),
            json!({"version": 1, "state": "en_route"}),
            200,
        )
        .await;
    w.expect(FR, msg("task", &t));
    let u = w
        .call(
            By::Admin,
            false,
            "GET",
            &format!("/api/v1/units/{u_fr_r}"),
            json!({}),
            200,
        )
        .await;
    assert_eq!(u["status"], "en_route", "{u}");
    w.expect(FR, msg("unit", &u));

    // The restricted incident is confirmed (fr-pn only), then shared by fr-pn's commander:
    // from then on ma-dgsn gets it, the share first.
    let v = w
        .call(
            fr,
            false,
            "POST",
            &format!("/api/v1/incidents/{i_fr_r}/status"),
            json!({"status": "confirmed"}),
            200,
        )
        .await;
    w.expect(FR, msg("incident", &v));
    let v = w
        .call(
            By::S(&fr_cmd),
            false,
            "POST",
            &format!("/api/v1/incidents/{i_fr_r}/share"),
            json!({}),
            200,
        )
        .await;
    assert_eq!(v["visibility"], "shared");
    w.expect(ALL, msg("incident", &v));
    let v = w
        .call(
            fr,
            false,
            "POST",
            &format!("/api/v1/incidents/{i_fr_r}/status"),
            json!({"status": "responding"}),
            200,
        )
        .await;
    w.expect(ALL, msg("incident", &v));

    // The markers, last: a shared incident in each context.
    let marker = w.incident(By::Admin, false, "shared", ALL).await;
    let x_marker = w.incident(By::Admin, true, "shared", X_ALL).await;

    let live_ids = [
        &i_fr_r, &i_fr_s, &i_ma_r, &u_fr_r, &u_fr_s, &u_ma_r, &u_ma_s, &t_fr_r, &t_ma_r, &t_ma_r2,
        &marker,
    ];
    let exercise_ids = [
        injected["id"].as_str().unwrap().to_string(),
        x_fr_r.clone(),
        x_ma_s,
        x_fr_u.clone(),
        x_marker.clone(),
    ];
    for (who, mut live) in subs {
        let exercise = matches!(who, XFr | XMa);
        let m = if exercise { &x_marker } else { &marker };
        let (got, text) = received(&mut live, m, who).await;
        let want = w.expected.remove(&who).unwrap_or_default();
        assert_eq!(
            got.len(),
            want.len(),
            "{who:?}: got {got:#?}\nexpected {want:#?}"
        );
        for (k, (g, e)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g, e, "{who:?}, record message {k}");
        }
        // Not even as an id, anywhere in the stream.
        let hidden: Vec<&String> = match who {
            Fr => vec![&u_ma_r, &t_ma_r, &t_ma_r2, &i_ma_r],
            Ma | MaObs => vec![&u_fr_r, &t_fr_r],
            XMa => vec![&x_fr_r, &x_fr_u],
            Admin | XFr => vec![],
        };
        let foreign: Vec<&String> = if exercise {
            live_ids.to_vec()
        } else {
            exercise_ids.iter().collect()
        };
        for id in hidden.into_iter().chain(foreign) {
            assert!(
                !text.contains(id.as_str()),
                "{who:?} received {id} in its stream:\n{text}"
            );
        }
    }
    w.app.stop().await;
}
