//! Joint operations in the dashboard over real HTTP: incidents raised by the M/ETHANE form
//! and from an alert in one click, their page (status buttons, edit, sharing, tasks, timeline),
//! units and their status; another agency's restricted records exactly like ids that do not
//! exist (the same 404 page, absent from lists and selects); bad input on every form refused
//! with a `.form-error` naming the field in the user's language, nothing stored; a stale
//! version refused saying who changed it and when, the user's values kept; an observer shown
//! no form and refused every one; an exercise's incidents kept off the live pages. On SQLite
//! always, on PostgreSQL under `scripts/with-postgres`.

mod common;

use aman_i18n::{Arg, Lang, localizer};
use aman_ops::Mode;
use aman_ops::access::{Role, Visibility};
use aman_ops::incident::{IncidentFields, Severity};
use aman_ops::record::Location;
use aman_report::html::esc;
use aman_store::{Actor, Language, Timestamp};
use common::{Db, PW, Resp, Sess, TestApp, form, send};
use serde_json::{Value, json};

on_both!(
    incidents_and_units_by_form_seen_by_their_agency_only,
    open_incident_from_an_alert_carries_the_zone,
    bad_input_on_every_form_is_refused_and_nothing_stored,
    a_stale_version_says_who_and_changes_nothing,
    an_observer_sees_no_form_and_is_refused,
    exercise_incidents_stay_off_the_live_pages,
);

/// A server on the hermes-ao300 venue with agencies fr-pn and ma-dgsn: a commander, an
/// operator and an observer of fr-pn (French), a commander and an operator of ma-dgsn
/// (Arabic), a trainer; alert `a1` on the first zone (CAP severity Severe).
async fn setup(db: &Db) -> TestApp {
    let app = common::staffed(
        db,
        "hermes-ao300",
        Mode::Actual,
        &[
            ("fr-cmd", "fr-pn", Role::Commander, Language::Fr),
            ("fr-op", "fr-pn", Role::Operator, Language::Fr),
            ("fr-obs", "fr-pn", Role::Observer, Language::Fr),
            ("fr-trainer", "fr-pn", Role::Trainer, Language::Fr),
            ("ma-cmd", "ma-dgsn", Role::Commander, Language::Ar),
            ("ma-op", "ma-dgsn", Role::Operator, Language::Ar),
        ],
    )
    .await;
    common::raise_a1(&app).await;
    app
}

async fn login(app: &TestApp, login: &str) -> Sess {
    common::login_as(app, login, PW).await
}

/// `GET path` as `s`, in exercise `ex` if given.
async fn get_in(app: &TestApp, s: &Sess, path: &str, ex: Option<&str>) -> Resp {
    let mut h = vec![("Cookie".to_string(), s.cookie.clone())];
    if let Some(e) = ex {
        h.push(("Aman-Exercise".into(), e.into()));
    }
    send(app, "GET", path, h, None).await
}

async fn get(app: &TestApp, s: &Sess, path: &str) -> Resp {
    get_in(app, s, path, None).await
}

/// A form posted as a browser does: the session's cookie, the CSRF field, `pairs`.
async fn post_in(
    app: &TestApp,
    s: &Sess,
    path: &str,
    pairs: &[(&str, &str)],
    ex: Option<&str>,
) -> Resp {
    let mut all: Vec<(&str, &str)> = vec![("csrf_token", s.csrf.as_str())];
    all.extend_from_slice(pairs);
    let mut h = vec![("Cookie".to_string(), s.cookie.clone())];
    if let Some(e) = ex {
        h.push(("Aman-Exercise".into(), e.into()));
    }
    send(app, "POST", path, h, form(&all)).await
}

async fn post(app: &TestApp, s: &Sess, path: &str, pairs: &[(&str, &str)]) -> Resp {
    post_in(app, s, path, pairs, None).await
}

/// The API's JSON of `path` as `s`.
async fn api(app: &TestApp, s: &Sess, path: &str) -> Value {
    let r = get(app, s, path).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.json()
}

/// The id a 303 goes to, after `prefix`.
fn redirected(r: &Resp, prefix: &str) -> String {
    assert_eq!(r.status, 303, "{}", r.body);
    let to = r.header("location").expect("Location");
    to.strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{to} is not under {prefix}"))
        .to_string()
}

/// The `.form-error` an invalid `field` gets in French: "<label> : <problem>".
fn fr_error(field_label: &str, problem: &str) -> String {
    let l = localizer(Lang::Fr);
    esc(&l.t_args(
        "form-error-field",
        &[
            ("field", Arg::Str(&l.t(field_label))),
            ("problem", Arg::Str(&l.t(problem))),
        ],
    ))
}

/// The number of incidents and units `s` sees (the API's counts).
async fn counts(app: &TestApp, s: &Sess) -> (u64, u64) {
    (
        api(app, s, "/api/v1/incidents").await["count"]
            .as_u64()
            .unwrap(),
        api(app, s, "/api/v1/units").await["count"]
            .as_u64()
            .unwrap(),
    )
}

const GOOD: &[(&str, &str)] = &[
    ("title", "Bousculade porte 3"),
    ("major_incident", "1"),
    ("severity", "severe"),
    ("kind", "mouvement de foule"),
    ("hazards", "barrières renversées"),
    ("access", "rue de Lille"),
    ("rendezvous", "parvis nord"),
    ("immediate", "2"),
    ("urgent", "1"),
    ("delayed", ""),
    ("dead", "0"),
    ("services_present", "police"),
    ("services_required", "SAMU"),
];

/// Raises an incident with the form as `s` in zone `zone`; its id.
async fn raise(app: &TestApp, s: &Sess, zone: &str, shared: bool) -> String {
    let mut pairs = GOOD.to_vec();
    pairs.push(("zone", zone));
    if shared {
        pairs.push(("shared", "1"));
    }
    redirected(&post(app, s, "/incidents", &pairs).await, "/incidents/")
}

/// Makes a unit with the form as `s`; its id (read back from the API by call sign).
async fn make_unit(app: &TestApp, s: &Sess, call_sign: &str, shared: bool) -> String {
    let mut pairs = vec![("call_sign", call_sign), ("kind", "foot_patrol")];
    if shared {
        pairs.push(("shared", "1"));
    }
    let r = post(app, s, "/units", &pairs).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/units"));
    let list = api(app, s, "/api/v1/units").await;
    list["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["call_sign"] == call_sign)
        .map(|u| u["id"].as_str().unwrap().to_string())
        .expect("the new unit is listed")
}

/// The value of attribute `attr` of the element whose opening tag holds `marker`.
fn attr_of(body: &str, marker: &str, attr: &str) -> Option<String> {
    let i = body.find(marker)?;
    let start = body[..i].rfind('<')?;
    let end = i + body[i..].find('>')?;
    let tag = &body[start..end];
    let key = format!("{attr}=\"");
    let k = tag.find(&key)? + key.len();
    Some(tag[k..].split('"').next()?.to_string())
}

async fn incidents_and_units_by_form_seen_by_their_agency_only(db: Db) {
    let app = setup(&db).await;
    let fr = login(&app, "fr-op").await;
    let fr_cmd = login(&app, "fr-cmd").await;
    let ma = login(&app, "ma-op").await;
    let zone = app.venue.zones[0].id.clone();
    let zone_name = app.venue.zones[0].name.get("fr").to_string();

    // The list and its form, in French, with the nav links.
    let r = get(&app, &fr, "/incidents").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("<html lang=\"fr\" dir=\"ltr\""));
    assert!(r.body.contains("<table id=\"incidents\""));
    assert!(r.body.contains("<form id=\"incident-form\""));
    assert!(
        r.body
            .contains("href=\"/incidents\" aria-current=\"page\">Incidents</a>")
    );
    assert!(r.body.contains("href=\"/units\">Unités</a>"));
    assert_eq!(
        attr_of(&r.body, "class=\"count\"", "data-n").as_deref(),
        Some("0")
    );

    // Raised by form: listed, with every field stored.
    let id = raise(&app, &fr, &zone, false).await;
    assert!(id.starts_with("inc-"), "{id}");
    let r = get(&app, &fr, "/incidents").await;
    assert!(
        r.body.contains(&format!(
            "<tr data-incident=\"{id}\" data-status=\"reported\" data-severity=\"severe\">"
        )),
        "{}",
        r.body
    );
    assert!(r.body.contains("Bousculade porte 3") && r.body.contains(&esc(&zone_name)));
    assert!(
        r.body
            .contains("data-visibility=\"restricted\">Restreint</span>")
    );
    assert_eq!(
        attr_of(&r.body, "class=\"count\"", "data-n").as_deref(),
        Some("1")
    );
    let j = api(&app, &fr, &format!("/api/v1/incidents/{id}")).await;
    assert_eq!(j["title"], "Bousculade porte 3");
    assert_eq!(j["major_incident"], true);
    assert_eq!(j["location"], json!({"zone": zone}));
    assert_eq!(j["severity"], "severe");
    assert_eq!(
        j["casualties"],
        json!({"immediate": 2, "urgent": 1, "delayed": 0, "dead": 0})
    );
    assert_eq!(j["services_required"], "SAMU");
    assert_eq!(j["visibility"], "restricted");
    assert_eq!(j["agency"], "fr-pn");
    // Filtered by status.
    let r = get(&app, &fr, "/incidents?status=closed").await;
    assert!(!r.body.contains(&format!("data-incident=\"{id}\"")));
    let r = get(&app, &fr, "/incidents?status=reported").await;
    assert!(r.body.contains(&format!("data-incident=\"{id}\"")));

    // Its page: the status, the allowed next statuses only, the ICS-201 link.
    let page = get(&app, &fr, &format!("/incidents/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        attr_of(&page.body, "id=\"incident-status\"", "data-status").as_deref(),
        Some("reported")
    );
    for s in ["confirmed", "responding", "contained", "closed"] {
        assert!(
            page.body
                .contains(&format!("name=\"status\" value=\"{s}\"")),
            "{s}"
        );
    }
    assert!(!page.body.contains("name=\"status\" value=\"reported\""));
    assert!(
        page.body
            .contains(&format!("href=\"/incidents/{id}/ics201\""))
    );
    assert!(page.body.contains("<form id=\"task-form\""));
    // An operator may not share; the commander may, on a restricted incident.
    assert!(!page.body.contains("class=\"share-form\""));
    let cpage = get(&app, &fr_cmd, &format!("/incidents/{id}")).await;
    assert!(cpage.body.contains("class=\"share-form\""));

    // Units: fr's restricted, ma's shared and restricted.
    let alpha = make_unit(&app, &fr, "Alpha 1", false).await;
    let bravo = make_unit(&app, &ma, "Bravo 2", true).await;
    let charlie = make_unit(&app, &ma, "Charlie 3", false).await;
    let r = get(&app, &fr, "/units").await;
    assert!(r.body.contains(&format!("<tr data-unit=\"{alpha}\"")));
    assert!(r.body.contains(&format!("<tr data-unit=\"{bravo}\"")));
    assert!(!r.body.contains(&charlie) && !r.body.contains("Charlie 3"));
    assert_eq!(
        attr_of(&r.body, "class=\"count\"", "data-n").as_deref(),
        Some("2")
    );
    assert!(r.body.contains(&format!("href=\"/units/{alpha}/ics214\"")));
    assert!(
        r.body
            .contains(&format!("href=\"/api/v1/units/{alpha}/ics214.csv\""))
    );
    // fr changes its own unit's status, not ma's shared one.
    let own = r
        .body
        .split(&format!("data-unit=\"{alpha}\""))
        .nth(1)
        .unwrap();
    assert!(
        own.split("</tr>")
            .next()
            .unwrap()
            .contains("class=\"unit-status-form\"")
    );
    let other = r
        .body
        .split(&format!("data-unit=\"{bravo}\""))
        .nth(1)
        .unwrap();
    assert!(
        !other
            .split("</tr>")
            .next()
            .unwrap()
            .contains("class=\"unit-status-form\"")
    );
    // The task form's select on the restricted incident: fr's own unit only; ma's shared
    // one is offered once the incident is shared (below), ma's restricted one never.
    let page = get(&app, &fr, &format!("/incidents/{id}")).await;
    assert!(page.body.contains(&format!(
        "<option value=\"{alpha}\">Alpha 1 · fr-pn</option>"
    )));
    assert!(!page.body.contains(&format!("<option value=\"{bravo}\"")));
    assert!(!page.body.contains(&charlie));

    // The other agency: the restricted incident is absent and its page is an unknown id's.
    let r = get(&app, &ma, "/incidents").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<html lang=\"ar\" dir=\"rtl\""));
    assert!(!r.body.contains(&id) && !r.body.contains("Bousculade"));
    assert_eq!(
        attr_of(&r.body, "class=\"count\"", "data-n").as_deref(),
        Some("0")
    );
    let hidden = get(&app, &ma, &format!("/incidents/{id}")).await;
    let unknown = get(&app, &ma, "/incidents/inc-0000000000000000").await;
    assert_eq!(hidden.status, 404);
    assert_eq!(unknown.status, 404);
    assert_eq!(
        common::without_clock(&hidden.body),
        common::without_clock(&unknown.body)
    );
    for path in [
        format!("/incidents/{id}/status"),
        format!("/incidents/{id}/tasks"),
    ] {
        let a = post(&app, &ma, &path, &[("status", "closed"), ("unit", &bravo)]).await;
        let b = post(
            &app,
            &ma,
            &path.replace(&id, "inc-0000000000000000"),
            &[("status", "closed"), ("unit", &bravo)],
        )
        .await;
        assert_eq!((a.status, b.status), (404, 404), "{path}: {}", a.body);
        assert_eq!(
            common::without_clock(&a.body),
            common::without_clock(&b.body),
            "{path}"
        );
    }
    let ma_page_units = get(&app, &ma, "/units").await;
    assert!(!ma_page_units.body.contains(&alpha));
    let a = post(
        &app,
        &ma,
        &format!("/units/{alpha}"),
        &[("status", "on_scene"), ("version", "1")],
    )
    .await;
    let b = post(
        &app,
        &ma,
        "/units/unit-0000000000000000",
        &[("status", "on_scene"), ("version", "1")],
    )
    .await;
    assert_eq!((a.status, b.status), (404, 404));
    assert_eq!(
        common::without_clock(&a.body),
        common::without_clock(&b.body)
    );
    assert_eq!(
        api(&app, &fr, &format!("/api/v1/units/{alpha}")).await["status"],
        "available"
    );

    // Restricted, it takes a task for fr's own unit only: ma's shared unit is refused.
    let r = post(
        &app,
        &fr,
        &format!("/incidents/{id}/tasks"),
        &[("unit", &bravo), ("description", "Renfort porte 3")],
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains(&fr_error("task-unit", "form-error-task-refused"))
    );
    assert!(r.body.contains("Renfort porte 3</textarea>"));
    let r = post(
        &app,
        &fr,
        &format!("/incidents/{id}/tasks"),
        &[("unit", &alpha), ("description", "Garder la porte 3")],
    )
    .await;
    assert_eq!(redirected(&r, "/incidents/"), id);
    let r = post(
        &app,
        &fr,
        &format!("/incidents/{id}/status"),
        &[("status", "confirmed"), ("version", "1")],
    )
    .await;
    assert_eq!(redirected(&r, "/incidents/"), id);
    let page = get(&app, &fr, &format!("/incidents/{id}")).await;
    assert_eq!(
        attr_of(&page.body, "id=\"incident-status\"", "data-status").as_deref(),
        Some("confirmed")
    );
    assert!(!page.body.contains("name=\"status\" value=\"confirmed\""));
    assert!(page.body.contains("name=\"status\" value=\"responding\""));

    // Shared by the commander: now ma sees it, in the list and on its page.
    let r = post(&app, &fr_cmd, &format!("/incidents/{id}/share"), &[]).await;
    assert_eq!(redirected(&r, "/incidents/"), id);
    let r = get(&app, &ma, "/incidents").await;
    assert!(r.body.contains(&format!("<tr data-incident=\"{id}\"")));
    assert!(r.body.contains("data-visibility=\"shared\""));
    let r = get(&app, &ma, &format!("/incidents/{id}")).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Bousculade porte 3"));
    assert!(
        !get(&app, &fr_cmd, &format!("/incidents/{id}"))
            .await
            .body
            .contains("class=\"share-form\"")
    );
    let page = get(&app, &fr, &format!("/incidents/{id}")).await;
    assert!(page.body.contains(&format!(
        "<option value=\"{bravo}\">Bravo 2 · ma-dgsn</option>"
    )));
    assert!(!page.body.contains(&charlie));

    // Shared, it takes a task for ma's shared unit, moved on by fr.
    let r = post(
        &app,
        &fr,
        &format!("/incidents/{id}/tasks"),
        &[("unit", &bravo), ("description", "Renfort porte 3")],
    )
    .await;
    assert_eq!(redirected(&r, "/incidents/"), id);
    let tasks = api(&app, &fr, &format!("/api/v1/incidents/{id}")).await["tasks"].clone();
    let task = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["unit_id"] == bravo.as_str())
        .unwrap();
    assert_eq!(task["note"], "Renfort porte 3");
    let task = task["id"].as_str().unwrap().to_string();
    let page = get(&app, &fr, &format!("/incidents/{id}")).await;
    assert!(
        page.body
            .contains(&format!("<tr data-task=\"{task}\" data-state=\"assigned\"")),
        "{}",
        page.body
    );
    let r = post(
        &app,
        &fr,
        &format!("/tasks/{task}"),
        &[("state", "accepted"), ("version", "1")],
    )
    .await;
    assert_eq!(redirected(&r, "/incidents/"), id);
    let page = get(&app, &fr, &format!("/incidents/{id}")).await;
    assert!(
        page.body
            .contains(&format!("<tr data-task=\"{task}\" data-state=\"accepted\""))
    );
    // The timeline has every change: created, task, status, shared, task.
    let timeline = page.body.split("<table id=\"timeline\"").nth(1).unwrap();
    assert!(timeline.matches("<tr data-n=").count() >= 4, "{timeline}");
    // In the viewer's language, described from the records before and after; the stored
    // (English) words kept as the title.
    for s in [
        ">Signalé</span>",
        ">Statut \u{2068}Signalé\u{2069} → \u{2068}Confirmé\u{2069}</span>",
        ">Partagé avec le commandement conjoint</span>",
        "title=\"shared with the joint command\"",
        &format!(
            ">\u{2068}Bravo 2\u{2069} sur l’incident \u{2068}{id}\u{2069} (\u{2068}{task}\u{2069}) : \
             \u{2068}Acceptée\u{2069}</span>"
        ),
    ] {
        assert!(timeline.contains(s), "the timeline lacks {s:?}: {timeline}");
    }
    // The unit's own agency sees it assigned through its task.
    let r = get(&app, &ma, "/units").await;
    assert_eq!(
        attr_of(
            &r.body,
            &format!("<tr data-unit=\"{bravo}\""),
            "data-status"
        )
        .as_deref(),
        Some("assigned")
    );

    // The printable ICS forms, in each viewer's language: the briefing for fr (French), the
    // activity log of ma's unit for ma (Arabic, right to left).
    let r = get(&app, &fr, &format!("/incidents/{id}/ics201")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("<html lang=\"fr\" dir=\"ltr\""));
    for s in [
        "<h1>ICS 201 — Briefing d’incident</h1>",
        "1. Nom de l’incident</th><td dir=\"auto\">Bousculade porte 3</td>",
        "10. Récapitulatif des moyens",
        "Service responsable : \u{2068}fr-pn\u{2069}",
        "Confirmé / ",
    ] {
        assert!(r.body.contains(s), "ICS-201 lacks {s:?}: {}", r.body);
    }
    let resources = r.body.split("<table id=\"resources\"").nth(1).unwrap();
    assert!(
        resources.contains(&format!("<tr data-task=\"{task}\"")) && resources.contains("Bravo 2"),
        "{resources}"
    );
    assert!(resources.contains("Acceptée: "), "{resources}");
    let r = get(&app, &ma, &format!("/units/{bravo}/ics214")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("<html lang=\"ar\" dir=\"rtl\""));
    for s in [
        "ICS 214 — سجل النشاط",
        "3. الاسم (رمز نداء الوحدة)",
        "Bravo 2",
    ] {
        assert!(r.body.contains(s), "ICS-214 lacks {s:?}: {}", r.body);
    }
    let log = r.body.split("<table id=\"activity\"").nth(1).unwrap();
    assert!(log.matches("<tr><td>").count() >= 3, "{log}");
    for s in [
        ">أُنشئت الوحدة \u{2068}Bravo 2\u{2069}، \u{2068}متاحة\u{2069}</span>",
        &format!(
            ">كُلّفت \u{2068}Bravo 2\u{2069} في الحادث \u{2068}{id}\u{2069} (\u{2068}{task}\u{2069}) — Renfort porte 3</span>"
        ),
    ] {
        assert!(log.contains(s), "the activity log lacks {s:?}: {log}");
    }
    // fr does not see ma's restricted unit's log: the page of an unknown id.
    let hidden = get(&app, &fr, &format!("/units/{charlie}/ics214")).await;
    let unknown = get(&app, &fr, "/units/unit-0000000000000000/ics214").await;
    assert_eq!((hidden.status, unknown.status), (404, 404));
    assert_eq!(
        common::without_clock(&hidden.body),
        common::without_clock(&unknown.body)
    );
    app.stop().await;
}

async fn open_incident_from_an_alert_carries_the_zone(db: Db) {
    let app = setup(&db).await;
    let fr = login(&app, "fr-op").await;
    let obs = login(&app, "fr-obs").await;
    let zone = app.venue.zones[0].clone();

    let board = get(&app, &fr, "/alerts").await;
    assert!(board.body.contains("data-may-incident=\"true\""));
    assert!(
        board.body.contains(
            "<form class=\"open-incident\" method=\"post\" action=\"/alerts/a1/incident\">"
        )
    );
    let row = board.body.split("data-alert=\"a1\"").nth(1).unwrap();
    assert!(
        row.split("</tr>").next().unwrap().contains(
            "<button class=\"open-incident\" type=\"submit\">Ouvrir un incident</button>"
        )
    );
    let board = get(&app, &obs, "/alerts").await;
    assert!(board.body.contains("data-may-incident=\"false\""));
    assert!(!board.body.contains("class=\"open-incident\""));
    let r = post(&app, &obs, "/alerts/a1/incident", &[]).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(counts(&app, &fr).await.0, 0);
    let r = post(&app, &fr, "/alerts/nope/incident", &[]).await;
    assert_eq!(r.status, 404);
    assert_eq!(counts(&app, &fr).await.0, 0);

    let id = redirected(
        &post(&app, &fr, "/alerts/a1/incident", &[]).await,
        "/incidents/",
    );
    let j = api(&app, &fr, &format!("/api/v1/incidents/{id}")).await;
    assert_eq!(j["location"], json!({"zone": zone.id}));
    assert_eq!(j["alert_id"], "a1");
    assert_eq!(j["severity"], "severe");
    assert_eq!(j["agency"], "fr-pn");
    // The texts it writes are in the language of the operator who opened it (French),
    // stored without bidi isolates.
    let situation = j["situation"].as_str().unwrap();
    let rule = &app.venue.rules[0];
    assert!(
        situation.starts_with("Ouvert depuis l’alerte a1 sur ")
            && situation.contains(&format!("règle {} (", rule.id))
            && situation.contains(&format!("maintien {} s.", rule.hold))
            && !situation.contains(['\u{2068}', '\u{2069}']),
        "{situation}"
    );
    assert_eq!(
        j["title"].as_str().unwrap(),
        format!("Alerte a1 : {} à {}", rule.id, zone.id)
    );
    assert_eq!(j["kind"], "densité de foule");
    let page = get(&app, &fr, &format!("/incidents/{id}")).await;
    assert!(page.body.contains("data-from-alert=\"a1\""));
    assert!(page.body.contains(&esc(zone.name.get("fr"))));
    assert_eq!(counts(&app, &fr).await.0, 1);
    app.stop().await;
}

/// A form sent with bad input: its path, its fields, and the field its error names with the
/// label and problem (message ids) it gives.
type BadCase<'a> = (&'a str, Vec<(&'a str, String)>, &'a str, &'a str, &'a str);

async fn bad_input_on_every_form_is_refused_and_nothing_stored(db: Db) {
    let app = setup(&db).await;
    let fr = login(&app, "fr-op").await;
    let ma = login(&app, "ma-op").await;
    let zone = app.venue.zones[0].id.clone();
    let id = raise(&app, &fr, &zone, false).await;
    let unit = make_unit(&app, &fr, "Alpha 1", false).await;
    let theirs = make_unit(&app, &ma, "Charlie 3", false).await;
    let r = post(
        &app,
        &fr,
        &format!("/incidents/{id}/tasks"),
        &[("unit", &unit), ("description", "garder la porte")],
    )
    .await;
    assert_eq!(r.status, 303);
    let task = api(&app, &fr, &format!("/api/v1/incidents/{id}")).await["tasks"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = counts(&app, &fr).await;
    let snapshot = api(&app, &fr, &format!("/api/v1/incidents/{id}")).await;
    let unit_snapshot = api(&app, &fr, &format!("/api/v1/units/{unit}")).await;
    let long = "x".repeat(121);
    let incident_path = format!("/incidents/{id}");
    let status_path = format!("/incidents/{id}/status");
    let tasks_path = format!("/incidents/{id}/tasks");
    let task_path = format!("/tasks/{task}");
    let unit_path = format!("/units/{unit}");
    let with = |changes: &[(&'static str, &'static str)]| -> Vec<(&'static str, String)> {
        let mut v: Vec<(&'static str, String)> =
            GOOD.iter().map(|(k, v)| (*k, v.to_string())).collect();
        v.push(("zone", zone.clone()));
        for (k, x) in changes {
            v.retain(|(name, _)| name != k);
            v.push((k, x.to_string()));
        }
        v
    };
    // (path, fields, field named, label, problem)
    let cases: Vec<BadCase> = vec![
        (
            "/incidents",
            with(&[("title", "  ")]),
            "title",
            "inc-title",
            "form-error-required",
        ),
        (
            "/incidents",
            with(&[("zone", "nowhere")]),
            "zone",
            "inc-zone",
            "form-error-choice",
        ),
        (
            "/incidents",
            with(&[("zone", ""), ("x", "abc"), ("y", "2")]),
            "x",
            "inc-x",
            "form-error-point",
        ),
        (
            "/incidents",
            with(&[("zone", "")]),
            "zone",
            "inc-zone",
            "form-error-required",
        ),
        (
            "/incidents",
            with(&[("severity", "huge")]),
            "severity",
            "severity",
            "form-error-choice",
        ),
        (
            "/incidents",
            with(&[("immediate", "-1")]),
            "immediate",
            "inc-immediate",
            "form-error-number",
        ),
        (
            "/incidents",
            with(&[("dead", "200000")]),
            "dead",
            "inc-dead",
            "form-error-number",
        ),
        (
            "/incidents",
            with(&[("hazards", "a\u{202E}b")]),
            "hazards",
            "inc-hazards",
            "form-error-text",
        ),
        (
            "/incidents",
            {
                let mut v = with(&[]);
                v.retain(|(k, _)| *k != "title");
                v.push(("title", long.clone()));
                v
            },
            "title",
            "inc-title",
            "form-error-text",
        ),
        (
            &incident_path,
            with(&[]),
            "version",
            "inc-version",
            "form-error-required",
        ),
        (
            &incident_path,
            {
                let mut v = with(&[("title", "")]);
                v.push(("version", "1".into()));
                v
            },
            "title",
            "inc-title",
            "form-error-required",
        ),
        (
            &status_path,
            vec![("status", "bogus".into()), ("version", "1".into())],
            "status",
            "status",
            "form-error-choice",
        ),
        (
            &status_path,
            vec![("status", "reported".into()), ("version", "1".into())],
            "status",
            "status",
            "form-error-transition",
        ),
        (
            &tasks_path,
            vec![("unit", "".into()), ("description", "x".into())],
            "unit",
            "task-unit",
            "form-error-required",
        ),
        (
            &tasks_path,
            vec![("unit", theirs.clone()), ("description", "x".into())],
            "unit",
            "task-unit",
            "form-error-choice",
        ),
        (
            &tasks_path,
            vec![("unit", unit.clone()), ("description", "a\u{7}b".into())],
            "description",
            "task-description",
            "form-error-text",
        ),
        (
            &task_path,
            vec![("state", "flying".into()), ("version", "1".into())],
            "state",
            "task-state",
            "form-error-choice",
        ),
        (
            &task_path,
            vec![("state", "accepted".into())],
            "version",
            "inc-version",
            "form-error-required",
        ),
        (
            "/units",
            vec![("call_sign", " ".into()), ("kind", "medical".into())],
            "call_sign",
            "unit-call-sign",
            "form-error-required",
        ),
        (
            "/units",
            vec![("call_sign", "Delta".into()), ("kind", "tank".into())],
            "kind",
            "unit-kind",
            "form-error-choice",
        ),
        (
            "/units",
            vec![
                ("call_sign", "Delta".into()),
                ("kind", "medical".into()),
                ("zone", "nowhere".into()),
            ],
            "zone",
            "inc-zone",
            "form-error-choice",
        ),
        (
            &unit_path,
            vec![("status", "asleep".into()), ("version", "1".into())],
            "status",
            "status",
            "form-error-choice",
        ),
    ];
    for (path, fields, name, label, problem) in &cases {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = post(&app, &fr, path, &pairs).await;
        assert_eq!(r.status, 422, "{path} {name}: {}", r.body);
        let marker = format!("<p class=\"form-error\" role=\"alert\" data-field=\"{name}\">");
        let at = r
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("{path} {name}: no {marker}"));
        let text = r.body[at + marker.len()..].split("</p>").next().unwrap();
        assert_eq!(text, fr_error(label, problem), "{path} {name}");
        assert_eq!(
            r.body.matches("class=\"form-error").count(),
            1,
            "{path} {name}"
        );
        assert!(r.body.contains("<html lang=\"fr\""));
    }
    // The user's values are kept in the form.
    let r = post(
        &app,
        &fr,
        "/incidents",
        &[
            ("title", "Garder ce titre"),
            ("zone", "nowhere"),
            ("hazards", "<b>verre</b>"),
        ],
    )
    .await;
    assert!(r.body.contains("value=\"Garder ce titre\""));
    assert!(r.body.contains("&lt;b&gt;verre&lt;/b&gt;</textarea>") && !r.body.contains("<b>verre"));
    // Nothing stored.
    assert_eq!(counts(&app, &fr).await, before);
    let after = api(&app, &fr, &format!("/api/v1/incidents/{id}")).await;
    assert_eq!(after, snapshot);
    assert_eq!(after["tasks"][0]["state"], "assigned");
    assert_eq!(
        api(&app, &fr, &format!("/api/v1/units/{unit}")).await,
        unit_snapshot
    );
    // The filter's bad choice.
    let r = get(&app, &fr, "/incidents?status=lost").await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("data-field=\"status\""));
    app.stop().await;
}

async fn a_stale_version_says_who_and_changes_nothing(db: Db) {
    let app = setup(&db).await;
    let fr = login(&app, "fr-op").await;
    let cmd = login(&app, "fr-cmd").await;
    let zone = app.venue.zones[0].id.clone();
    let id = raise(&app, &fr, &zone, false).await;
    let path = format!("/incidents/{id}");
    let mut edit: Vec<(&str, String)> = GOOD.iter().map(|(k, v)| (*k, v.to_string())).collect();
    edit.push(("zone", zone.clone()));
    edit.push(("version", "1".into()));
    // The commander saves first.
    let mut first = edit.clone();
    first.retain(|(k, _)| *k != "title");
    first.push(("title", "Titre du commandant".into()));
    let pairs: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(post(&app, &cmd, &path, &pairs).await.status, 303);
    let after_first = api(&app, &fr, &format!("/api/v1/incidents/{id}")).await;
    assert_eq!(after_first["version"], 2);
    // The operator's edit of version 1: refused, saying who and when; values kept.
    let mut second = edit.clone();
    second.retain(|(k, _)| *k != "title");
    second.push(("title", "Mon titre à moi".into()));
    let pairs: Vec<(&str, &str)> = second.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = post(&app, &fr, &path, &pairs).await;
    assert_eq!(r.status, 409, "{}", r.body);
    let at = r
        .body
        .find("class=\"form-error stale\"")
        .expect("the stale message");
    let msg = r.body[at..].split("</p>").next().unwrap();
    assert!(msg.contains("fr-cmd"), "{msg}");
    assert!(msg.contains("Non enregistré"), "{msg}");
    let updated =
        aman_monitor::Timestamp::parse_rfc3339(after_first["updated_at"].as_str().unwrap())
            .unwrap();
    assert!(
        msg.contains(&esc(&localizer(Lang::Fr).date_times(updated.0))),
        "{msg}"
    );
    let form = r.body.split("<form id=\"incident-edit\"").nth(1).unwrap();
    assert!(form.contains("value=\"Mon titre à moi\""));
    assert!(form.contains("<input type=\"hidden\" name=\"version\" value=\"2\">"));
    assert_eq!(
        api(&app, &fr, &format!("/api/v1/incidents/{id}")).await,
        after_first
    );
    // The status of version 1.
    let r = post(
        &app,
        &fr,
        &format!("{path}/status"),
        &[("status", "closed"), ("version", "1")],
    )
    .await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("class=\"form-error stale\""));
    assert_eq!(
        api(&app, &fr, &format!("/api/v1/incidents/{id}")).await["status"],
        "reported"
    );
    // A task's and a unit's.
    let unit = make_unit(&app, &fr, "Alpha 1", false).await;
    assert_eq!(
        post(
            &app,
            &fr,
            &format!("{path}/tasks"),
            &[("unit", &unit), ("description", "")]
        )
        .await
        .status,
        303
    );
    let task = api(&app, &fr, &format!("/api/v1/incidents/{id}")).await["tasks"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        post(
            &app,
            &cmd,
            &format!("/tasks/{task}"),
            &[("state", "accepted"), ("version", "1")]
        )
        .await
        .status,
        303
    );
    let r = post(
        &app,
        &fr,
        &format!("/tasks/{task}"),
        &[("state", "cancelled"), ("version", "1")],
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let row = r
        .body
        .split(&format!("data-task=\"{task}\""))
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        row.contains("class=\"form-error stale\"") && row.contains("fr-cmd"),
        "{row}"
    );
    assert_eq!(
        api(&app, &fr, &format!("/api/v1/incidents/{id}")).await["tasks"][0]["state"],
        "accepted"
    );
    let uv = api(&app, &fr, &format!("/api/v1/units/{unit}")).await["version"]
        .as_i64()
        .unwrap();
    let stale = (uv - 1).to_string();
    let r = post(
        &app,
        &fr,
        &format!("/units/{unit}"),
        &[("status", "out_of_service"), ("version", &stale)],
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("class=\"form-error stale\""));
    assert_eq!(
        api(&app, &fr, &format!("/api/v1/units/{unit}")).await["status"],
        "assigned"
    );
    let current = uv.to_string();
    let r = post(
        &app,
        &fr,
        &format!("/units/{unit}"),
        &[("status", "out_of_service"), ("version", &current)],
    )
    .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        api(&app, &fr, &format!("/api/v1/units/{unit}")).await["status"],
        "out_of_service"
    );
    app.stop().await;
}

async fn an_observer_sees_no_form_and_is_refused(db: Db) {
    let app = setup(&db).await;
    let fr = login(&app, "fr-op").await;
    let obs = login(&app, "fr-obs").await;
    let zone = app.venue.zones[0].id.clone();
    let id = raise(&app, &fr, &zone, false).await;
    let unit = make_unit(&app, &fr, "Alpha 1", false).await;
    assert_eq!(
        post(
            &app,
            &fr,
            &format!("/incidents/{id}/tasks"),
            &[("unit", &unit), ("description", "")]
        )
        .await
        .status,
        303
    );
    let task = api(&app, &fr, &format!("/api/v1/incidents/{id}")).await["tasks"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = counts(&app, &fr).await;
    let snapshot = api(&app, &fr, &format!("/api/v1/incidents/{id}")).await;
    // The observer sees everything of the agency, and no form but language and logout.
    for path in [
        "/incidents".to_string(),
        format!("/incidents/{id}"),
        "/units".into(),
    ] {
        let r = get(&app, &obs, &path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(r.body.contains(&id) || r.body.contains(&unit), "{path}");
        // Language and logout, and the list's filter.
        let forms = r.body.matches("<form").count();
        let expected = if path == "/incidents" { 3 } else { 2 };
        assert_eq!(forms, expected, "{path}: {}", r.body);
        for f in [
            "incident-form",
            "incident-edit",
            "task-form",
            "status-form",
            "share-form",
            "task-state-form",
            "unit-form",
            "unit-status-form",
        ] {
            assert!(!r.body.contains(f), "{path}: {f}");
        }
    }
    for (path, pairs) in [
        (
            "/incidents".to_string(),
            vec![
                ("title", "x"),
                ("zone", zone.as_str()),
                ("severity", "minor"),
            ],
        ),
        (
            format!("/incidents/{id}"),
            vec![("title", "x"), ("version", "1")],
        ),
        (
            format!("/incidents/{id}/status"),
            vec![("status", "closed")],
        ),
        (format!("/incidents/{id}/share"), vec![]),
        (
            format!("/incidents/{id}/tasks"),
            vec![("unit", unit.as_str())],
        ),
        (
            format!("/tasks/{task}"),
            vec![("state", "done"), ("version", "1")],
        ),
        (
            "/units".to_string(),
            vec![("call_sign", "Z"), ("kind", "other")],
        ),
        (
            format!("/units/{unit}"),
            vec![("status", "on_scene"), ("version", "1")],
        ),
        ("/alerts/a1/incident".to_string(), vec![]),
    ] {
        let r = post(&app, &obs, &path, &pairs).await;
        assert_eq!(r.status, 403, "{path}: {}", r.body);
        assert!(r.body.contains("data-error=\"error-forbidden\""), "{path}");
    }
    assert_eq!(counts(&app, &fr).await, before);
    assert_eq!(
        api(&app, &fr, &format!("/api/v1/incidents/{id}")).await,
        snapshot
    );
    app.stop().await;
}

async fn exercise_incidents_stay_off_the_live_pages(db: Db) {
    let app = setup(&db).await;
    let fr = login(&app, "fr-op").await;
    let trainer = login(&app, "fr-trainer").await;
    let zone = app.venue.zones[0].id.clone();
    // An exercise made through the API.
    let msel = format!(
        "[exercise]\nname = 'Drill'\nvenue = '{}'\n[[injects]]\nid = 'INJ-01'\nat = '00:00'\n\
         from = 'control'\nto = 'fr-pn'\nmethod = 'message'\ntext = 'STARTEX'\n",
        app.venue.id
    );
    let r = send(
        &app,
        "POST",
        "/api/v1/exercises",
        vec![
            ("Cookie".into(), trainer.cookie.clone()),
            ("X-CSRF-Token".into(), trainer.csrf.clone()),
        ],
        Some((
            "application/json",
            json!({"id": "drill-1", "msel": msel})
                .to_string()
                .into_bytes(),
        )),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // Raised by the form inside the exercise: on the exercise's pages only.
    let mut pairs = GOOD.to_vec();
    pairs.push(("zone", zone.as_str()));
    let r = post_in(&app, &fr, "/incidents", &pairs, Some("drill-1")).await;
    let id = redirected(&r, "/incidents/");
    let r = get_in(&app, &fr, "/incidents", Some("drill-1")).await;
    assert!(r.body.contains(&format!("<tr data-incident=\"{id}\"")));
    assert!(r.body.contains("id=\"exercise-banner\""));
    assert_eq!(
        get_in(&app, &fr, &format!("/incidents/{id}"), Some("drill-1"))
            .await
            .status,
        200
    );
    let live = get(&app, &fr, "/incidents").await;
    assert!(!live.body.contains(&id));
    assert_eq!(
        attr_of(&live.body, "class=\"count\"", "data-n").as_deref(),
        Some("0")
    );
    assert_eq!(
        get(&app, &fr, &format!("/incidents/{id}")).await.status,
        404
    );
    // One written in the store's exercise context directly: the same.
    let ex = app.store.in_exercise("drill-1").unwrap();
    let fields = IncidentFields {
        title: "Exercice seulement".into(),
        major_incident: false,
        location: Location::Zone(zone.clone()),
        kind: String::new(),
        hazards: String::new(),
        access: String::new(),
        rendezvous: String::new(),
        casualties: Default::default(),
        services_present: String::new(),
        services_required: String::new(),
        severity: Severity::Minor,
        situation: String::new(),
        objectives: String::new(),
        actions: String::new(),
    };
    let actor = Actor {
        label: "control".into(),
        agency: None,
        at: Timestamp(1_780_000_000_000_000),
    };
    let inc = ex
        .create_incident(&actor, "fr-pn", Visibility::Shared, &fields, None)
        .await
        .unwrap();
    let live = get(&app, &fr, "/incidents").await;
    assert!(!live.body.contains(&inc.meta.id) && !live.body.contains("Exercice seulement"));
    let r = get_in(&app, &fr, "/incidents", Some("drill-1")).await;
    assert!(r.body.contains(&inc.meta.id));
    assert_eq!(
        attr_of(&r.body, "class=\"count\"", "data-n").as_deref(),
        Some("2")
    );
    app.stop().await;
}
