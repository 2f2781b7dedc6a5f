//! Access control, enumerated from the router's own table (`aman_server::ROUTES`, from which
//! `aman_server::router` is built): for every route, no credential → 401, an observer → 403
//! on every state-changing route (but its own session and password), another agency on an
//! agency's object → 404, a session without its CSRF token → 403. A new route is in the
//! table or does not exist, so it cannot be left out. Then login: Argon2 round trip, the
//! uniform error, the lock after 5 failures, rate limits, the session cookie's attributes,
//! and bad input refused with nothing stored. On SQLite always, on PostgreSQL under
//! `scripts/with-postgres`.

mod common;

use aman_ops::Mode;
use aman_ops::access::{Action, Role, can};
use aman_server::{Limits, ROUTES, Scope};
use aman_store::{Agency, AlertRecord, Language, NewUser, Password, Timestamp};
use common::{Db, PW, Resp, TestApp, send};
use serde_json::{Value, json};

on_both!(
    every_route_of_the_router_checks_access,
    roles_act_as_the_table_says,
    login_locks_after_five_failures_with_one_message,
    login_is_rate_limited_per_address,
    session_cookie_csrf_and_logout,
    bad_input_is_refused_and_nothing_stored,
    every_body_over_the_limit_is_413,
);

/// A logged-in person: cookie header and CSRF token.
#[derive(Clone, Debug)]
struct Sess {
    cookie: String,
    csrf: String,
}

impl Sess {
    /// Headers of a request with the session, with or without its CSRF token.
    fn headers(&self, with_csrf: bool) -> Vec<(String, String)> {
        let mut h = vec![("Cookie".to_string(), self.cookie.clone())];
        if with_csrf {
            h.push(("X-CSRF-Token".into(), self.csrf.clone()));
        }
        h
    }
}

async fn login_raw(app: &TestApp, login: &str, password: &str) -> Resp {
    let body = json!({"login": login, "password": password}).to_string();
    send(
        app,
        "POST",
        "/login",
        vec![],
        Some(("application/json", body.into_bytes())),
    )
    .await
}

async fn login(app: &TestApp, login: &str) -> Sess {
    let r = login_raw(app, login, PW).await;
    assert_eq!(r.status, 200, "login {login}: {}", r.body);
    let set = r.header("set-cookie").expect("Set-Cookie").to_string();
    let cookie = set.split(';').next().unwrap().trim().to_string();
    Sess {
        cookie,
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    }
}

async fn agencies_and_users(app: &TestApp, roles: &[(&str, &str, Role)]) {
    for (id, fr, ar, en) in [
        (
            "fr-pn",
            "Police nationale",
            "الشرطة الوطنية الفرنسية",
            "French National Police",
        ),
        (
            "ma-dgsn",
            "Sûreté nationale",
            "المديرية العامة للأمن الوطني",
            "Moroccan National Security",
        ),
    ] {
        app.store
            .create_agency(&Agency {
                id: id.into(),
                name_fr: fr.into(),
                name_ar: ar.into(),
                name_en: en.into(),
            })
            .await
            .unwrap();
    }
    for &(login, agency, role) in roles {
        app.store
            .create_user(
                &NewUser {
                    login: login.into(),
                    display_name: format!("{role} of {agency}"),
                    agency: agency.into(),
                    role,
                    language: if agency == "ma-dgsn" {
                        Language::Ar
                    } else {
                        Language::Fr
                    },
                },
                &Password::new(PW),
            )
            .await
            .unwrap();
    }
}

/// The concrete path of a route for the test's objects; panics on a parameter it does not
/// know, so a route with a new kind of object must be added here.
fn concrete(path: &str, sensor: &str, zone: &str, alert: &str, user: &str) -> String {
    let mut out = path.to_string();
    let id = if path.starts_with("/api/v1/alerts/") || path.starts_with("/alerts/") {
        alert
    } else {
        zone
    };
    for (param, value) in [
        ("{sensor}", sensor),
        ("{kind}", "zones"),
        ("{id}", id),
        ("{n}", "1"),
        ("{login}", user),
    ] {
        out = out.replace(param, value);
    }
    assert!(
        !out.contains('{'),
        "route {path}: a parameter this test does not know; add it to `concrete`"
    );
    out
}

fn body_of(path: &str) -> Option<(&'static str, Vec<u8>)> {
    let b = if path.ends_with("/verdict") {
        json!({"verdict": "true_positive"})
    } else if path == "/api/v1/users" {
        json!({"login": "new-user", "display_name": "New", "role": "observer", "password": PW})
    } else if path.ends_with("/password") {
        json!({"current_password": "wrong wrong wrong", "new_password": "whatever whatever"})
    } else if path.ends_with("/readings") {
        json!({"readings": []})
    } else {
        json!({})
    };
    Some(("application/json", b.to_string().into_bytes()))
}

fn state_changing(method: &str) -> bool {
    !matches!(method, "GET" | "HEAD" | "OPTIONS")
}

async fn every_route_of_the_router_checks_access(db: Db) {
    // The router is built from the table only: no `.route(` of its own.
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).unwrap();
    let body = &src[src.find("pub fn router(").unwrap()..];
    let body = &body[..body.find("\n}\n").unwrap()];
    assert!(
        !body.contains(".route(\""),
        "a route outside ROUTES:\n{body}"
    );
    assert!(
        !body.contains(".nest(") && !body.contains(".merge("),
        "{body}"
    );
    assert!(ROUTES.len() >= 25, "{}", ROUTES.len());

    let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Actual, common::many_logins()).await;
    agencies_and_users(
        &app,
        &[
            ("fr-obs", "fr-pn", Role::Observer),
            ("fr-admin", "fr-pn", Role::Admin),
            ("ma-admin", "ma-dgsn", Role::Admin),
            ("ma-obs", "ma-dgsn", Role::Observer),
        ],
    )
    .await;
    let sensor = app.venue.sensors[0].id.clone();
    let zone = app.venue.zones[0].id.clone();
    let alert = AlertRecord::raised(
        "a1",
        &app.venue.id,
        "r",
        &zone,
        "Severe",
        "Actual",
        Timestamp(1),
    );
    assert!(app.store.insert_alert(&alert).await.unwrap());
    let obs = login(&app, "fr-obs").await;
    let fr_admin = login(&app, "fr-admin").await;
    let ma_admin = login(&app, "ma-admin").await;
    let ma_obs = login(&app, "ma-obs").await;

    let mut checked = 0;
    for route in ROUTES {
        let path = concrete(route.path, &sensor, &zone, "a1", "fr-obs");
        let what = format!("{} {}", route.method, route.path);
        let writes = state_changing(route.method);
        let body = || if writes { body_of(route.path) } else { None };
        // Routes reaching an agency's object must say so.
        if route.path.contains("{login}") {
            assert_eq!(route.scope, Scope::Agency, "{what}");
        }

        // 1. No credential.
        let r = send(&app, route.method, &path, vec![], body()).await;
        if route.action == Action::Public {
            assert_ne!(r.status, 401, "{what} is public: {}", r.body);
        } else {
            assert_eq!(r.status, 401, "{what} without credential: {}", r.body);
            if aman_server::routes::is_page(route) {
                // A person sees the login form.
                assert!(
                    r.header("content-type")
                        .is_some_and(|c| c.starts_with("text/html"))
                        && r.body.contains("<form id=\"login\""),
                    "{what}: {}",
                    r.body
                );
            } else {
                assert!(r.json()["error"].is_string(), "{what}");
            }
        }

        // 2. A session without its CSRF token, on every state-changing route.
        if writes && route.action != Action::Public {
            let r = send(&app, route.method, &path, fr_admin.headers(false), body()).await;
            assert_eq!(r.status, 403, "{what} without CSRF token: {}", r.body);
            if route.action != Action::PostReadings {
                // A person's form gets a page saying so, a program the API's error.
                let says = if aman_server::routes::is_page(route) {
                    "data-error=\"error-csrf\""
                } else {
                    "CSRF"
                };
                assert!(r.body.contains(says), "{what}: {}", r.body);
                let mut wrong = fr_admin.clone();
                wrong.csrf = "0".repeat(64);
                let r = send(&app, route.method, &path, wrong.headers(true), body()).await;
                assert_eq!(r.status, 403, "{what} with a wrong CSRF token: {}", r.body);
            }
        }

        // 3. An observer (with its CSRF token): refused every state-changing route but its
        //    own session and password, and whatever its role may not do.
        if route.action != Action::Public {
            let own = route.action == Action::OwnAccount;
            let r = if own && writes {
                // Logging out or changing the password would end the shared session.
                let fresh = login(&app, "fr-obs").await;
                send(&app, route.method, &path, fresh.headers(true), body()).await
            } else {
                send(&app, route.method, &path, obs.headers(true), body()).await
            };
            let refused = r.status == 403 && !r.body.contains("current password");
            // Observers change nothing but their own session and password.
            let must_refuse = (writes && !own)
                || route.action == Action::PostReadings
                || !can(Role::Observer, route.action);
            if must_refuse {
                assert!(refused, "{what} by an observer: {} {}", r.status, r.body);
            } else {
                assert!(
                    !refused && r.status != 401,
                    "{what} by an observer: {} {}",
                    r.status,
                    r.body
                );
            }
        }

        // 4. Another agency: an agency's object (a user of fr-pn) is not found by ma-dgsn's
        //    admin, though its role may manage users; joint objects answer both agencies alike.
        if route.action != Action::Public && route.action != Action::PostReadings {
            match route.scope {
                // A list or a creation reaches no one record: the lists' filtering is
                // tested record by record in tests/incidents.rs.
                Scope::Agency if !route.path.contains('{') => {}
                Scope::Agency => {
                    let r = send(&app, route.method, &path, ma_admin.headers(true), body()).await;
                    assert!(
                        matches!(r.status, 403 | 404),
                        "{what} by another agency: {} {}",
                        r.status,
                        r.body
                    );
                    let mine = send(
                        &app,
                        "GET",
                        "/api/v1/users/fr-obs",
                        fr_admin.headers(true),
                        None,
                    )
                    .await;
                    assert_eq!(mine.status, 200, "{}", mine.body);
                    assert!(
                        mine.json()["disabled_at"].is_null(),
                        "{what} changed another agency's user"
                    );
                }
                Scope::Joint if !writes => {
                    let a = send(&app, route.method, &path, obs.headers(true), None).await;
                    let b = send(&app, route.method, &path, ma_obs.headers(true), None).await;
                    assert_eq!(
                        a.status, b.status,
                        "{what}: joint objects are seen alike: {} / {}",
                        a.body, b.body
                    );
                }
                Scope::Joint => {}
            }
        }
        checked += 1;
    }
    assert_eq!(checked, ROUTES.len());
    // Listing users is restricted to one's agency.
    let r = send(&app, "GET", "/api/v1/users", ma_admin.headers(true), None).await;
    let logins: Vec<String> = r.json()["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(logins, ["ma-admin", "ma-obs"]);
    // Bearer tokens work as before and need no CSRF token.
    let r = app
        .post_admin("/api/v1/alerts/a1/acknowledge", &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.stop().await;
}

async fn roles_act_as_the_table_says(db: Db) {
    let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Actual, common::many_logins()).await;
    agencies_and_users(
        &app,
        &[
            ("op", "fr-pn", Role::Operator),
            ("cmd", "ma-dgsn", Role::Commander),
            ("ana", "fr-pn", Role::Analyst),
            ("adm", "fr-pn", Role::Admin),
        ],
    )
    .await;
    let zone = app.venue.zones[0].id.clone();
    let a = AlertRecord::raised(
        "a1",
        &app.venue.id,
        "r",
        &zone,
        "Severe",
        "Actual",
        Timestamp(1),
    );
    app.store.insert_alert(&a).await.unwrap();
    let (op, cmd, ana, adm) = (
        login(&app, "op").await,
        login(&app, "cmd").await,
        login(&app, "ana").await,
        login(&app, "adm").await,
    );
    let verdict = || {
        Some((
            "application/json",
            br#"{"verdict":"false_positive"}"#.to_vec(),
        ))
    };
    let ack = "/api/v1/alerts/a1/acknowledge";
    let vpath = "/api/v1/alerts/a1/verdict";
    for (who, s, path, status) in [
        ("analyst", &ana, ack, 403),
        ("admin", &adm, ack, 403),
        ("operator", &op, vpath, 403),
        ("operator", &op, ack, 200),
        ("commander", &cmd, vpath, 200),
    ] {
        let body = if path == vpath { verdict() } else { None };
        let r = send(&app, "POST", path, s.headers(true), body).await;
        assert_eq!(r.status, status, "{who} POST {path}: {}", r.body);
    }
    let alert = app.store.alert("a1").await.unwrap().unwrap();
    assert_eq!(alert.acknowledged_by.as_deref(), Some("op (fr-pn)"));
    assert_eq!(alert.verdict_by.as_deref(), Some("cmd (ma-dgsn)"));
    // An admin creates users of its own agency only.
    let mk = |agency: Option<&str>| {
        let mut b = json!({"login": "new-op", "display_name": "Nouvel opérateur",
                            "role": "operator", "language": "fr", "password": PW});
        if let Some(a) = agency {
            b["agency"] = json!(a);
        }
        Some(("application/json", b.to_string().into_bytes()))
    };
    let r = send(
        &app,
        "POST",
        "/api/v1/users",
        adm.headers(true),
        mk(Some("ma-dgsn")),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = send(&app, "POST", "/api/v1/users", adm.headers(true), mk(None)).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["agency"], "fr-pn");
    let new = login(&app, "new-op").await;
    let me = send(&app, "GET", "/api/v1/me", new.headers(false), None).await;
    assert_eq!(me.json()["user"]["role"], "operator");
    assert_eq!(
        me.json()["may"],
        json!([
            "read",
            "acknowledge_alert",
            "what_if",
            "manage_incidents",
            "manage_units",
            "task_units"
        ])
    );
    // Disabling ends its sessions at once.
    let r = send(
        &app,
        "POST",
        "/api/v1/users/new-op/disable",
        adm.headers(true),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let me = send(&app, "GET", "/api/v1/me", new.headers(false), None).await;
    assert_eq!(me.status, 401, "{}", me.body);
    assert_eq!(login_raw(&app, "new-op", PW).await.status, 401);
    app.stop().await;
}

async fn login_locks_after_five_failures_with_one_message(db: Db) {
    let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Actual, common::many_logins()).await;
    agencies_and_users(&app, &[("amina", "ma-dgsn", Role::Operator)]).await;
    let unknown = login_raw(&app, "nobody", PW).await;
    assert_eq!(unknown.status, 401);
    for k in 1..=4 {
        let r = login_raw(&app, "amina", "wrong password!!").await;
        assert_eq!(r.status, 401, "failure {k}: {}", r.body);
        // One message for an unknown login and a wrong password.
        assert_eq!(r.json(), unknown.json());
        assert_eq!(r.json()["error"], "invalid login or password");
    }
    let r = login_raw(&app, "amina", "wrong password!!").await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("locked until"), "{}", r.body);
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((899..=900).contains(&retry), "{retry}");
    // Locked: even the right password is refused, without a session.
    let r = login_raw(&app, "amina", PW).await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.header("set-cookie").is_none());
    let u = app.store.user("amina").await.unwrap().unwrap();
    let lock_s = (u.locked_until.unwrap().0 - aman_server::app::now().0) as f64 / 1e6;
    assert!((890.0..=900.0).contains(&lock_s), "{lock_s}");
    // An unknown login locks the same way: the lock does not tell who exists.
    for _ in 0..4 {
        assert_eq!(
            login_raw(&app, "ghost", "wrong password!!").await.status,
            401
        );
    }
    let r = login_raw(&app, "ghost", "wrong password!!").await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("locked until"), "{}", r.body);
    // A new password (an admin's `aman user passwd`) lifts the lock.
    app.store
        .set_password("amina", &Password::new(PW))
        .await
        .unwrap();
    login(&app, "amina").await;
    app.stop().await;
}

async fn login_is_rate_limited_per_address(db: Db) {
    let app = TestApp::spawn(&db, "hermes-ao300", Mode::Actual).await;
    agencies_and_users(&app, &[]).await;
    let burst = Limits::default().login_burst as usize;
    for k in 0..burst {
        // Different unknown logins: only the per-address limit applies.
        let r = login_raw(&app, &format!("user{k}"), PW).await;
        assert_eq!(r.status, 401, "attempt {k}: {}", r.body);
    }
    let r = login_raw(&app, "user-last", PW).await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("from this address"), "{}", r.body);
    assert!(r.header("retry-after").is_some());
    app.stop().await;
}

async fn session_cookie_csrf_and_logout(db: Db) {
    let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Actual, common::many_logins()).await;
    agencies_and_users(&app, &[("op", "fr-pn", Role::Operator)]).await;
    let r = login_raw(&app, "op", PW).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let set = r.header("set-cookie").unwrap().to_string();
    let attrs: Vec<&str> = set.split(';').map(str::trim).collect();
    let (name, id) = attrs[0].split_once('=').unwrap();
    assert_eq!(name, "aman_session");
    assert!(
        id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    for a in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(attrs.contains(&a), "{a} missing from {set}");
    }
    assert!(attrs.contains(&"Max-Age=43200"), "{set}");
    assert!(!r.body.contains(id), "the session id is only in the cookie");
    let s = Sess {
        cookie: attrs[0].to_string(),
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    };
    // A form login works too, and gives another session.
    let form = send(
        &app,
        "POST",
        "/login",
        vec![],
        Some((
            "application/x-www-form-urlencoded",
            format!("login=op&password={}", PW.replace(' ', "+")).into_bytes(),
        )),
    )
    .await;
    // The login page's form: to the map, with the session cookie.
    assert_eq!(form.status, 303, "{}", form.body);
    assert_eq!(form.header("location"), Some("/map"));
    assert_ne!(form.header("set-cookie").unwrap(), set);
    // GET needs no CSRF token; the CSRF token is the one login gave.
    let me = send(&app, "GET", "/api/v1/me", s.headers(false), None).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["csrf_token"], s.csrf.as_str());
    // A cross-site request is refused even with the token.
    let mut h = s.headers(true);
    h.push(("Origin".into(), "https://evil.example".into()));
    let r = send(&app, "POST", "/logout", h, None).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("cross-site"), "{}", r.body);
    let r = send(
        &app,
        "POST",
        "/login",
        vec![("Origin".into(), "https://evil.example".into())],
        Some((
            "application/json",
            json!({"login": "op", "password": PW})
                .to_string()
                .into_bytes(),
        )),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // Logout without the token: refused, still logged in.
    let r = send(&app, "POST", "/logout", s.headers(false), None).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(
        send(&app, "GET", "/api/v1/me", s.headers(false), None)
            .await
            .status,
        200
    );
    // Logout with the token in a form field: the session is gone and the cookie cleared.
    let r = send(
        &app,
        "POST",
        "/logout",
        s.headers(false),
        Some((
            "application/x-www-form-urlencoded",
            format!("csrf_token={}", s.csrf).into_bytes(),
        )),
    )
    .await;
    // A form (the page's logout button): back to the login page.
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/login"));
    let clear = r.header("set-cookie").unwrap();
    assert!(
        clear.starts_with("aman_session=;")
            && clear.contains("Max-Age=0")
            && clear.contains("Path=/"),
        "{clear}"
    );
    let r = send(&app, "GET", "/api/v1/me", s.headers(false), None).await;
    assert_eq!(r.status, 401, "{}", r.body);
    // A forged cookie is no session.
    let forged = Sess {
        cookie: format!("aman_session={}", "a".repeat(64)),
        csrf: s.csrf.clone(),
    };
    assert_eq!(
        send(&app, "GET", "/api/v1/state", forged.headers(false), None)
            .await
            .status,
        401
    );
    app.stop().await;
}

async fn bad_input_is_refused_and_nothing_stored(db: Db) {
    let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Actual, common::many_logins()).await;
    agencies_and_users(&app, &[("adm", "fr-pn", Role::Admin)]).await;
    let adm = login(&app, "adm").await;
    let good = json!({"login": "karim", "display_name": "Karim Benali", "role": "operator",
                      "language": "ar", "password": PW});
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (
            with("login", json!("k".repeat(65))),
            422,
            "login",
            "2 to 64",
        ),
        (with("login", json!("")), 422, "login", "2 to 64"),
        (with("login", json!("<script>")), 422, "login", "lowercase"),
        (
            with("password", json!("p".repeat(129))),
            422,
            "password",
            "at most 128",
        ),
        (
            with("password", json!("short")),
            422,
            "password",
            "at least 12",
        ),
        (
            with("display_name", json!("n".repeat(81))),
            422,
            "display_name",
            "too long",
        ),
        (
            with("display_name", json!("")),
            422,
            "display_name",
            "empty",
        ),
        (
            with("display_name", json!("Karim\u{202E}exe.gpj")),
            422,
            "display_name",
            "U+202E",
        ),
        (
            with("display_name", json!("كريم\u{2067}x")),
            422,
            "display_name",
            "U+2067",
        ),
        (
            with("display_name", json!("<script>alert(1)</script>")),
            422,
            "display_name",
            "markup",
        ),
        (
            with("display_name", json!("a\u{0000}b")),
            422,
            "display_name",
            "U+0000",
        ),
        (with("role", json!("root")), 422, "role", "not one of"),
        (
            with("language", json!("de")),
            422,
            "language",
            "not fr, ar or en",
        ),
    ];
    for (body, status, field, says) in cases {
        let r = send(
            &app,
            "POST",
            "/api/v1/users",
            adm.headers(true),
            Some(("application/json", body.to_string().into_bytes())),
        )
        .await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
        let j = r.json();
        assert_eq!(j["field"], field, "{body}: {j}");
        assert!(j["error"].as_str().unwrap().contains(says), "{body}: {j}");
        assert!(
            !j["error"].as_str().unwrap().contains("<script>"),
            "input echoed: {j}"
        );
    }
    let r = send(
        &app,
        "POST",
        "/api/v1/users",
        adm.headers(true),
        Some(("application/json", b"{not json".to_vec())),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    // Nothing stored by any of them.
    let logins: Vec<String> = app
        .store
        .users(None)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.login)
        .collect();
    assert_eq!(logins, ["adm"]);
    // Over-long login or password at login: 422, before any lookup.
    let r = login_raw(&app, &"k".repeat(65), PW).await;
    assert_eq!(
        (r.status, r.json()["field"].as_str()),
        (422, Some("login")),
        "{}",
        r.body
    );
    let r = login_raw(&app, "adm", &"p".repeat(10_000)).await;
    assert_eq!(
        (r.status, r.json()["field"].as_str()),
        (422, Some("password")),
        "{}",
        r.body
    );
    assert_eq!(
        app.store.user("adm").await.unwrap().unwrap().failed_logins,
        0
    );
    // The good one is stored, with an Arabic name kept as given.
    let arabic = with("display_name", json!("كريم بن علي"));
    let r = send(
        &app,
        "POST",
        "/api/v1/users",
        adm.headers(true),
        Some(("application/json", arabic.to_string().into_bytes())),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["display_name"], "كريم بن علي");
    assert_eq!(r.json()["language"], "ar");
    let r = send(
        &app,
        "POST",
        "/api/v1/users",
        adm.headers(true),
        Some(("application/json", good.to_string().into_bytes())),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    app.stop().await;
}

/// Every route that reads a body answers 413 for one over the server's limit (in the API's
/// JSON shape for the API, a page for the dashboard's forms), whatever extractor its handler
/// uses; no route reads a cut body as bad input (400, 422).
async fn every_body_over_the_limit_is_413(db: Db) {
    let limits = Limits {
        max_body: 4096,
        ..common::many_logins()
    };
    let app = TestApp::spawn_with(&db, "hermes-ao300", Mode::Actual, limits).await;
    agencies_and_users(&app, &[("fr-admin", "fr-pn", Role::Admin)]).await;
    let sensor = app.venue.sensors[0].id.clone();
    let zone = app.venue.zones[0].id.clone();
    // An exercise, so that its routes reach their handlers.
    let made = app
        .post_admin(
            "/api/v1/exercises",
            &json!({"id": "ex-1", "msel": "[exercise]\nname = 'x'\n[[injects]]\nid = '1'\nat = 0\ntext = 'a'\nto = 'b'"}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    // Over the server's limit and login's own (16 KiB).
    let big = json!({"text": "x".repeat(20_000)}).to_string().into_bytes();
    let mut too_large = Vec::new();
    for route in ROUTES.iter().filter(|r| state_changing(r.method)) {
        let path = if route.path.contains("exercises/{id}") {
            route.path.replace("{id}", "ex-1")
        } else {
            concrete(route.path, &sensor, &zone, "a1", "fr-admin")
        };
        let what = format!("{} {}", route.method, route.path);
        let token = if route.action == Action::PostReadings {
            app.token(&sensor)
        } else {
            app.admin.clone()
        };
        let headers = vec![("Authorization".to_string(), format!("Bearer {token}"))];
        let r = send(
            &app,
            route.method,
            &path,
            headers.clone(),
            Some(("application/json", big.clone())),
        )
        .await;
        if matches!(r.status, 400 | 415 | 422 | 500) {
            // Only for a refusal that has nothing to do with the body (a token on a
            // session's route): the same with a small body.
            let small = send(
                &app,
                route.method,
                &path,
                headers,
                Some(("application/json", b"{}".to_vec())),
            )
            .await;
            assert_eq!(
                (small.status, &small.body),
                (r.status, &r.body),
                "{what}: a body over the limit answered {}",
                r.status
            );
        }
        if r.status == 413 {
            if !aman_server::routes::is_page(route) {
                assert!(
                    r.json()["error"]
                        .as_str()
                        .is_some_and(|e| e.contains("larger than 4096 bytes")
                            || (route.path == "/login" && e.contains("at most 16384 bytes"))),
                    "{what}: {}",
                    r.body
                );
            }
            too_large.push(route.path);
        }
    }
    for path in [
        "/login",
        "/api/v1/sensors/{sensor}/readings",
        "/api/v1/users",
        "/api/v1/incidents",
        "/api/v1/forecast/what-if",
        "/api/v1/exercises",
        "/api/v1/exercises/{id}/clock",
        "/exercises/{id}/clock",
    ] {
        assert!(too_large.contains(&path), "{path}: not 413 ({too_large:?})");
    }
    app.stop().await;
}
