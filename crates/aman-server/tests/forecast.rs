//! The forecast in `aman serve`: `GET /api/v1/forecast` follows the live state and agrees with
//! `aman_forecast::venue::forecast` run directly on that state; the live stream carries it;
//! `POST /api/v1/forecast/what-if` compares a change against doing nothing, refuses what the
//! venue does not have (422) and observers (403); the dashboard's forecast page, what-if form
//! (CSRF, bad input in the user's language) and the zone page's forecast. The venue is the
//! corridor of the forecast's own tests (`aman-forecast/tests/corridor.toml`: entry → hall →
//! opening → front → exit) with an occupancy sensor and an entry counter added.

mod common;

use std::path::Path;
use std::time::Duration;

use aman_forecast::Live;
use aman_forecast::venue::{BOTTLENECK_CAPACITY, VenueNetwork, forecast};
use aman_i18n::{Lang, localizer};
use aman_monitor::{Timestamp, Venue};
use aman_ops::Mode;
use aman_ops::access::Role;
use aman_server::forecast::{DT_S, EVERY_S, HORIZON_S};
use aman_store::{Agency, Language, NewUser, Password};
use common::{Auth, Db, PW, Resp, TestApp, eventually, form, send, wire_time};
use serde_json::{Value, json};

on_both!(
    forecast_follows_the_live_state_and_is_pushed,
    what_if_compares_and_refuses,
    dashboard_forecast_and_what_if_form,
    a_stale_sensor_widens_the_band_in_the_api_and_on_the_zone_page,
);

/// The corridor of aman-forecast's tests with an occupancy sensor on both zones and a
/// counter on the entry.
fn corridor() -> Venue {
    corridor_with_period(3600)
}

/// [`corridor`] with the occupancy sensor's period `period` s.
fn corridor_with_period(period: u32) -> Venue {
    let base = include_str!("../../aman-forecast/tests/corridor.toml");
    let sensors = r#"
[[sensors]]
id = "occupancy"
adapter = "aman"
period = PERIOD
[[sensors.channels]]
name = "hall"
zone = "hall"
[[sensors.channels]]
name = "front"
zone = "front"

[[sensors]]
id = "entry-count"
adapter = "aman"
period = 3600
[[sensors.channels]]
line = "entry"
direction = "in"
"#;
    let sensors = sensors.replace("PERIOD", &period.to_string());
    aman_monitor::venue_file::parse_venue(&format!("{base}{sensors}"), Path::new("."), "corridor")
        .unwrap_or_else(|e| panic!("{e}"))
}

/// 300 persons in the hall (1 /m²), nobody in the front, 300 through the entry over the last
/// minute (5 /s).
async fn busy(app: &TestApp) {
    let now = aman_server::app::now();
    let t0 = wire_time(Timestamp(now.0 - 61_000_000));
    let t1 = wire_time(Timestamp(now.0 - 1_000_000));
    let r = app
        .post_readings(
            "occupancy",
            json!({"readings": [
                {"time": t1, "channel": "hall", "kind": "occupancy", "count": 300},
                {"time": t1, "channel": "front", "kind": "occupancy", "count": 0},
            ]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    let r = app
        .post_readings(
            "entry-count",
            json!({"readings": [
                {"time": t0, "kind": "counter", "total": 0},
                {"time": t1, "kind": "counter", "total": 300},
            ]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
}

/// The latest forecast once it is of the state with readings up to `seq`.
async fn forecast_at(app: &TestApp, seq: u64) -> Value {
    eventually(15.0, "a forecast of the new state", || async {
        let f = app.get_json("/api/v1/forecast").await;
        (f["seq"].as_u64() == Some(seq)).then_some(f)
    })
    .await
}

fn zone<'a>(f: &'a Value, id: &str) -> &'a Value {
    f["zones"]
        .as_array()
        .and_then(|z| z.iter().find(|z| z["id"] == id))
        .unwrap_or_else(|| panic!("no zone {id} in {f}"))
}

fn reached(z: &Value, what: &str) -> Option<f64> {
    z["reached"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["what"] == what))
        .and_then(|r| r["at_s"].as_f64())
}

async fn forecast_follows_the_live_state_and_is_pushed(db: Db) {
    let app = TestApp::spawn_venue(&db, corridor(), Mode::Exercise, common::many_logins()).await;
    // Before any reading: a forecast that says what it does not know.
    let f = app.get_json("/api/v1/forecast").await;
    assert_eq!(f["venue"], "corridor");
    assert_eq!(f["horizon_s"], HORIZON_S);
    let unknown: Vec<&str> = f["unknown"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(unknown.contains(&"zone hall: no occupancy"), "{unknown:?}");
    // The live stream carries it: right after the snapshot, and every 5 s.
    let mut live = app.live(Auth::Bearer(app.admin.clone())).await.unwrap();
    let first = live.next(Duration::from_secs(10)).await.unwrap();
    assert_eq!(first["type"], "snapshot");
    let pushed = live.next(Duration::from_secs(10)).await.unwrap();
    assert_eq!(pushed["type"], "forecast", "{pushed}");
    assert_eq!(pushed["forecast"]["venue"], "corridor");
    assert_eq!(
        pushed["forecast"]["t_s"].as_array().map(Vec::len),
        Some((HORIZON_S / EVERY_S) as usize + 1)
    );

    busy(&app).await;
    let state = app.state().await;
    let seq = state["seq"].as_u64().unwrap();
    let f = forecast_at(&app, seq).await;
    // The same forecast run directly on the same state (the body of GET /api/v1/state is a
    // live input as it is).
    let venue = corridor();
    let live_input: Live = serde_json::from_value(state).unwrap();
    let vn = VenueNetwork::new(&venue, BOTTLENECK_CAPACITY).unwrap();
    let direct = forecast(&vn, &venue, &live_input, &[], HORIZON_S, DT_S, EVERY_S).unwrap();
    let front = zone(&f, "front");
    let e_served = reached(front, "LOS E");
    let e_direct = direct.zones[1]
        .reached
        .iter()
        .find(|r| r.what == "LOS E")
        .and_then(|r| r.at);
    assert_eq!(e_served, e_direct);
    // The hall's 300 persons pour into the 95 m² front, which lets 4 /s out: it reaches
    // level E (102 persons) within the first minute.
    assert!(
        e_served.is_some_and(|t| t > 0.0 && t < 60.0),
        "{e_served:?}"
    );
    assert!(
        (front["peak_density"].as_f64().unwrap() - direct.zones[1].peak).abs() < 1e-12,
        "{front}"
    );
    assert!(reached(front, "rule front-density").is_some(), "{front}");
    let unknown = f["unknown"].to_string();
    assert!(!unknown.contains("zone hall"), "{unknown}");
    // A forecast of the new state is pushed too.
    let end = tokio::time::Instant::now() + Duration::from_secs(15);
    let pushed = loop {
        let m = live
            .next(Duration::from_secs(10))
            .await
            .expect("a live message");
        if m["type"] == "forecast" && m["forecast"]["seq"].as_u64() == Some(seq) {
            break m;
        }
        assert!(
            tokio::time::Instant::now() < end,
            "no pushed forecast of the new state"
        );
    };
    assert_eq!(
        reached(zone(&pushed["forecast"], "front"), "LOS E"),
        e_direct
    );
    app.stop().await;
}

async fn people(app: &TestApp) {
    app.store
        .create_agency(&Agency {
            id: "fr-pn".into(),
            name_fr: "Police nationale".into(),
            name_ar: "الشرطة الوطنية الفرنسية".into(),
            name_en: "French National Police".into(),
        })
        .await
        .unwrap();
    for (login, role, language) in [
        ("obs", Role::Observer, Language::Fr),
        ("ana", Role::Analyst, Language::En),
        ("claire", Role::Operator, Language::Fr),
        ("amina", Role::Operator, Language::Ar),
    ] {
        app.store
            .create_user(
                &NewUser {
                    login: login.into(),
                    display_name: login.into(),
                    agency: "fr-pn".into(),
                    role,
                    language,
                },
                &Password::new(PW),
            )
            .await
            .unwrap();
    }
}

/// Logs in: (cookie, CSRF token).
async fn login(app: &TestApp, login: &str) -> (String, String) {
    let body = json!({"login": login, "password": PW}).to_string();
    let r = send(
        app,
        "POST",
        "/login",
        vec![],
        Some(("application/json", body.into_bytes())),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let cookie = r.header("set-cookie").unwrap().split(';').next().unwrap();
    (
        cookie.to_string(),
        r.json()["csrf_token"].as_str().unwrap().to_string(),
    )
}

async fn what_if_as(app: &TestApp, who: &(String, String), body: &Value) -> Resp {
    send(
        app,
        "POST",
        "/api/v1/forecast/what-if",
        vec![
            ("Cookie".into(), who.0.clone()),
            ("X-CSRF-Token".into(), who.1.clone()),
        ],
        Some(("application/json", body.to_string().into_bytes())),
    )
    .await
}

async fn what_if_compares_and_refuses(db: Db) {
    let app = TestApp::spawn_venue(&db, corridor(), Mode::Exercise, common::many_logins()).await;
    busy(&app).await;
    let r = app
        .post_admin(
            "/api/v1/forecast/what-if",
            &json!({"changes": ["close:entry"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let w = r.json();
    assert_eq!(w["changes"], json!(["close:entry"]));
    // Closing the entry: the hall's 300 persons pass through the front and out; doing nothing
    // 5 /s keep coming in while 4 /s leave, so the front's peak is lower with the entry closed.
    let base = zone(&w["base"], "front")["peak_density"].as_f64().unwrap();
    let alt = zone(&w["what_if"], "front")["peak_density"]
        .as_f64()
        .unwrap();
    assert!(alt < base, "closed {alt} vs doing nothing {base}");
    let diff = w["difference"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["zone"] == "front")
        .unwrap();
    assert!((diff["peak_density"].as_f64().unwrap() - (alt - base)).abs() < 1e-12);
    assert!(
        diff["seconds_at_los_e_or_worse"].as_f64().unwrap() < 0.0,
        "{diff}"
    );
    assert!(diff["clear_s"]["what_if"].is_number(), "{diff}");
    assert!(diff["clear_s"]["base"].is_null(), "{diff}");

    // Refusals.
    for (body, status, field, says) in [
        (
            json!({"changes": ["close:west-gate"]}),
            422,
            "changes[0]",
            "west-gate",
        ),
        (
            json!({"changes": ["close:entry", "evacuate:lobby"]}),
            422,
            "changes[1]",
            "lobby",
        ),
        (
            json!({"changes": ["shut:entry"]}),
            422,
            "changes[0]",
            "expected",
        ),
        (
            json!({"changes": ["hold:entry:-5"]}),
            422,
            "changes[0]",
            "hold time",
        ),
        (json!({"changes": []}), 422, "changes", "at least one"),
        (
            json!({"changes": vec!["close:entry"; 9]}),
            422,
            "changes",
            "at most 8",
        ),
        (
            json!({"changes": [format!("close:{}", "x".repeat(200))]}),
            422,
            "changes[0]",
            "longer than",
        ),
        (
            json!({"change": ["close:entry"]}),
            400,
            "changes",
            "unknown field",
        ),
    ] {
        let r = app.post_admin("/api/v1/forecast/what-if", &body).await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
        let e = r.json();
        assert_eq!(e["field"], field, "{body}: {e}");
        assert!(e["error"].as_str().unwrap().contains(says), "{body}: {e}");
    }
    let big = json!({"changes": ["x".repeat(5000)]});
    let r = app.post_admin("/api/v1/forecast/what-if", &big).await;
    assert_eq!(r.status, 413, "{}", r.body);

    // Roles: every signed-in role reads the forecast; what-if is refused to observers.
    people(&app).await;
    let (obs, ana) = (login(&app, "obs").await, login(&app, "ana").await);
    let r = send(
        &app,
        "GET",
        "/api/v1/forecast",
        vec![("Cookie".into(), obs.0.clone())],
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let change = json!({"changes": ["hold:entry:120"]});
    let r = what_if_as(&app, &obs, &change).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = what_if_as(&app, &ana, &change).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Held for 2 minutes at 5 /s: 600 persons wait outside the entry at its end.
    let waiting = r.json()["what_if"]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "entry")
        .map(|g| g["waiting"][12].as_f64().unwrap());
    assert!(
        waiting.is_some_and(|w| (w - 600.0).abs() < 1.0),
        "{waiting:?}"
    );
    app.stop().await;
}

async fn dashboard_forecast_and_what_if_form(db: Db) {
    let app = TestApp::spawn_venue(&db, corridor(), Mode::Exercise, common::many_logins()).await;
    people(&app).await;
    busy(&app).await;
    let seq = app.state().await["seq"].as_u64().unwrap();
    forecast_at(&app, seq).await;
    let fr = localizer(Lang::Fr);
    let ar = localizer(Lang::Ar);
    let claire = login(&app, "claire").await;
    let cookie = |s: &(String, String)| vec![("Cookie".to_string(), s.0.clone())];

    // The zone page draws the forecast after the measured series and says when the front
    // reaches level E.
    let r = send(&app, "GET", "/zones/front", cookie(&claire), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains(
            "<path class=\"forecast\" data-forecast-zone=\"front\" data-series=\"density\" d=\"M"
        ),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"forecast-reached\""));
    assert!(r.body.contains("data-what=\"LOS E\" data-reached=\"true\""));
    let label = fr.t_args(
        "forecast-chart-label",
        &[("min", aman_i18n::Arg::Str("10"))],
    );
    assert!(r.body.contains(&aman_server::dashboard::html::esc(&label)));

    // The forecast page and its form.
    let r = send(&app, "GET", "/forecast", cookie(&claire), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("<form id=\"what-if\""), "{}", r.body);
    assert!(r.body.contains("data-forecast-row=\"front\""));
    // What the live state does not say, in the user's language: nobody counts the exit.
    let exit = fr.t_args(
        "forecast-unknown-flow",
        &[("id", aman_i18n::Arg::Str("exit"))],
    );
    assert!(
        r.body.contains(&aman_server::dashboard::html::esc(&exit)),
        "{}",
        r.body
    );
    let post = |s: &(String, String), fields: &[(&str, &str)], with_csrf: bool| {
        let mut pairs: Vec<(&str, &str)> = fields.to_vec();
        if with_csrf {
            pairs.push(("csrf_token", s.1.as_str()));
        }
        let body = form(&pairs);
        let headers = cookie(s);
        let app = &app;
        async move { send(app, "POST", "/forecast/what-if", headers, body).await }
    };
    // Without the CSRF token: refused.
    let r = post(&claire, &[("kind", "close"), ("target", "entry")], false).await;
    assert_eq!(r.status, 403, "{}", r.body);
    // A change: the table of differences.
    let r = post(&claire, &[("kind", "close"), ("target", "entry")], true).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("id=\"what-if-table\""), "{}", r.body);
    assert!(r.body.contains("data-what-if-row=\"front\""));
    let r = post(
        &claire,
        &[("kind", "hold"), ("target", "entry"), ("seconds", "120")],
        true,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Bad input: the page again with the reason in the user's language, no script.
    let script = "<script>alert(1)</script>";
    for (who, lang, fields, message) in [
        (
            &claire,
            &fr,
            vec![("kind", ""), ("target", "entry")],
            "what-if-error-kind",
        ),
        (
            &claire,
            &fr,
            vec![("kind", "close"), ("target", "")],
            "what-if-error-target",
        ),
        (
            &claire,
            &fr,
            vec![("kind", "close"), ("target", "west-gate")],
            "what-if-error-unknown-gate",
        ),
        (
            &claire,
            &fr,
            vec![("kind", "evacuate"), ("target", "entry")],
            "what-if-error-unknown-zone",
        ),
        (
            &claire,
            &fr,
            vec![("kind", "close"), ("target", script)],
            "form-error-markup",
        ),
        (
            &claire,
            &fr,
            vec![("kind", "hold"), ("target", "entry"), ("seconds", "soon")],
            "what-if-error-seconds",
        ),
        (
            &claire,
            &fr,
            vec![("kind", "shut"), ("target", "entry")],
            "form-error-choice",
        ),
    ] {
        let r = post(who, &fields, true).await;
        assert_eq!(r.status, 422, "{fields:?}: {}", r.body);
        let expected = aman_server::dashboard::html::esc(&lang.t(message));
        assert!(r.body.contains(&expected), "{fields:?}: {message}");
        assert!(!r.body.contains("<script>alert"), "{fields:?}");
    }
    let long = "g".repeat(65);
    let r = post(&claire, &[("kind", "close"), ("target", &long)], true).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains(&aman_server::dashboard::html::esc(
        &fr.t("form-error-too-long")
    )));
    // In Arabic.
    let amina = login(&app, "amina").await;
    let r = post(&amina, &[("kind", "close"), ("target", "west-gate")], true).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(r.body.contains(&aman_server::dashboard::html::esc(
        &ar.t("what-if-error-unknown-gate")
    )));
    // An observer sees the forecast but not the form, and its post is refused.
    let obs = login(&app, "obs").await;
    let r = send(&app, "GET", "/forecast", cookie(&obs), None).await;
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("<form id=\"what-if\""));
    assert!(r.body.contains(&aman_server::dashboard::html::esc(
        &fr.t("what-if-not-allowed")
    )));
    let r = post(&obs, &[("kind", "close"), ("target", "entry")], true).await;
    assert_eq!(r.status, 403, "{}", r.body);
    app.stop().await;
}

async fn a_stale_sensor_widens_the_band_in_the_api_and_on_the_zone_page(db: Db) {
    // The occupancy sensor reports every 2 s; after its readings it falls silent.
    let app = TestApp::spawn_venue(
        &db,
        corridor_with_period(2),
        Mode::Exercise,
        common::many_logins(),
    )
    .await;
    people(&app).await;
    busy(&app).await;
    let f = eventually(
        20.0,
        "a forecast with the occupancy sensor stale",
        || async {
            let f = app.get_json("/api/v1/forecast").await;
            let stale = f["uncertain"].as_array().is_some_and(|u| {
                u.iter().any(|u| {
                    u["id"] == "hall" && u["why"] == "stale" && u["sensors"][0] == "occupancy"
                })
            });
            stale.then_some(f)
        },
    )
    .await;
    let u = f["uncertain"]
        .as_array()
        .and_then(|u| u.iter().find(|u| u["id"] == "hall"))
        .unwrap_or_else(|| panic!("{f}"));
    // Silent since its reading 1 s before the first post: at least its period, 2 s.
    assert!(u["silent_s"].as_f64().unwrap_or(0.0) >= 2.0, "{u}");
    assert_eq!(
        (&u["kind"], &u["unit"]),
        (&json!("occupancy"), &json!("persons"))
    );
    let hall = zone(&f, "hall");
    let series = |k: &str| -> Vec<f64> {
        hall[k]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let (low, density, high) = (series("low"), series("density"), series("high"));
    assert_eq!((low.len(), high.len()), (density.len(), density.len()));
    assert!(
        low.iter()
            .zip(&density)
            .zip(&high)
            .all(|((l, d), h)| l <= d && d <= h),
        "{hall}"
    );
    assert!(
        high[0] - low[0] > 0.5,
        "the hall's start is uncertain: {hall}"
    );
    // The zone page draws the band.
    let claire = login(&app, "claire").await;
    let r = send(
        &app,
        "GET",
        "/zones/hall",
        vec![("Cookie".to_string(), claire.0.clone())],
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains("<path class=\"forecast-band\" data-forecast-zone=\"hall\" d=\"M"),
        "{}",
        r.body
    );
    // ... and says what it is, in the user's language: the silent sensor.
    let note = r
        .body
        .split("<p class=\"forecast-band-note\">")
        .nth(1)
        .and_then(|s| s.split("</p>").next())
        .unwrap_or_else(|| panic!("no band note: {}", r.body));
    assert!(
        note.starts_with("Zone ombrée") && note.contains("occupancy"),
        "{note}"
    );
}
