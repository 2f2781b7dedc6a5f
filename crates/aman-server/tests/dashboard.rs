//! The dashboard's pages and forms over real HTTP: pages in each user's language and
//! direction, the login page and its errors, the language, acknowledge and verdict forms with
//! bad input (empty, too long, markup, direction controls) refused in the user's language with
//! nothing stored; and the check that no text of the interface is written outside the Fluent
//! files. On SQLite always, on PostgreSQL under `scripts/with-postgres`.

mod common;

use aman_i18n::{Lang, localizer};
use aman_ops::Mode;
use aman_ops::access::Role;
use aman_report::html::esc;
use aman_store::{AlertRecord, AlertStatus, Language, Timestamp};
use common::{Db, PW, TestApp, form, send};

on_both!(
    pages_render_in_the_users_language,
    login_page_and_its_errors,
    language_form_stores_or_refuses,
    alert_forms_refuse_bad_input_and_store_nothing,
);

/// A browser's session: its cookie and the CSRF token of its pages.
struct Browser {
    cookie: String,
    csrf: String,
}

impl Browser {
    fn headers(&self) -> Vec<(String, String)> {
        vec![("Cookie".to_string(), self.cookie.clone())]
    }
}

/// What precedes the CSRF token in a page's forms.
const CSRF_VALUE: &str = "name=\"csrf_token\" value=\"";

/// Logs in with the login page's form, then reads the CSRF token off the map page.
async fn log_in(app: &TestApp, login: &str) -> Browser {
    let r = send(
        app,
        "POST",
        "/login",
        vec![],
        form(&[("login", login), ("password", PW), ("lang", "fr")]),
    )
    .await;
    assert_eq!(r.status, 303, "login {login}: {}", r.body);
    assert_eq!(r.header("location"), Some("/map"));
    let cookie = r
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("cookie")
        .to_string();
    let page = send(
        app,
        "GET",
        "/map",
        vec![("Cookie".into(), cookie.clone())],
        None,
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let at = page.body.find(CSRF_VALUE).expect("csrf field") + CSRF_VALUE.len();
    Browser {
        cookie,
        csrf: page.body[at..at + 64].to_string(),
    }
}

async fn setup(db: &Db) -> TestApp {
    common::staffed(
        db,
        "sib2023-entrance",
        Mode::Exercise,
        &[
            ("claire", "fr-pn", Role::Operator, Language::Fr),
            ("amina", "ma-dgsn", Role::Operator, Language::Ar),
            ("chef", "fr-pn", Role::Commander, Language::En),
            ("qaid", "ma-dgsn", Role::Commander, Language::Ar),
            ("obs", "fr-pn", Role::Observer, Language::Fr),
        ],
    )
    .await
}

async fn pages_render_in_the_users_language(db: Db) {
    let app = setup(&db).await;
    let fr = log_in(&app, "claire").await;
    let ar = log_in(&app, "amina").await;
    let west = &app.venue.zones[0];
    for (b, lang) in [(&fr, Lang::Fr), (&ar, Lang::Ar)] {
        let l = localizer(lang);
        let r = send(&app, "GET", "/map", b.headers(), None).await;
        assert_eq!(r.status, 200);
        assert!(
            r.body.contains(&format!(
                "<html lang=\"{}\" dir=\"{}\">",
                lang.code(),
                lang.dir()
            )),
            "{lang:?}"
        );
        assert!(r.body.contains("<body data-page=\"map\">"));
        for needle in [
            "<svg id=\"venue-map\"",
            "class=\"walkable\"",
            &format!("class=\"zone\" data-zone=\"{}\"", west.id),
            "class=\"los-letter\"",
            "class=\"line\" data-line=\"west-gate\"",
            "class=\"sensor\" data-sensor=\"counter-west\" data-health=\"stale\"",
            "<ul id=\"live-alerts\"",
            "id=\"zoom-in\"",
            "form id=\"lang-form\"",
            "form id=\"logout\"",
            "id=\"live-status\" data-state=\"reconnecting\"",
            "<script type=\"application/json\" id=\"i18n\">",
            "a href=\"/report/day\"",
        ] {
            assert!(r.body.contains(needle), "{lang:?}: {needle}");
        }
        // Zone names in the user's language; the open-alert count in its plural form.
        assert!(r.body.contains(west.name.get(lang.code())), "{lang:?}");
        assert!(r.body.contains(&l.count("alerts-open", 0)), "{lang:?}");
        for page in ["/alerts", "/sensors", &format!("/zones/{}", west.id)] {
            let r = send(&app, "GET", page, b.headers(), None).await;
            assert_eq!(r.status, 200, "{page}: {}", r.body);
            assert!(
                r.body.contains(&format!("dir=\"{}\"", lang.dir())),
                "{page}"
            );
        }
    }
    // Arabic: zero open alerts is its own form, without a figure.
    let r = send(&app, "GET", "/map", ar.headers(), None).await;
    assert!(r.body.contains("لا توجد تنبيهات مفتوحة"), "Arabic zero form");
    assert!(r.body.contains("الطرف الغربي للشارع"));
    // The zone page draws the rule thresholds of the zone.
    let ruled = app
        .venue
        .rules
        .iter()
        .find_map(|r| match r.subject {
            aman_monitor::venue::Subject::Zone(i) => Some(&app.venue.zones[i].id),
            _ => None,
        })
        .expect("a zone rule");
    let r = send(&app, "GET", &format!("/zones/{ruled}"), fr.headers(), None).await;
    assert!(r.body.contains("class=\"threshold raise\""), "{}", r.body);
    for s in ["occupancy", "density", "los", "flow", "pressure"] {
        assert!(
            r.body
                .contains(&format!("data-series=\"{s}\" data-span=\"30min\""))
        );
        assert!(
            r.body
                .contains(&format!("data-series=\"{s}\" data-span=\"day\""))
        );
    }
    let r = send(&app, "GET", "/zones/nowhere", fr.headers(), None).await;
    assert_eq!(r.status, 404);
    // The root goes to the map; static files are served from the binary.
    let r = send(&app, "GET", "/", fr.headers(), None).await;
    assert_eq!((r.status, r.header("location")), (303, Some("/map")));
    let js = send(&app, "GET", "/static/app.js", vec![], None).await;
    assert_eq!(js.status, 200);
    assert!(
        js.header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(js.body.contains("/api/v1/live"));
    let css = send(&app, "GET", "/static/app.css", vec![], None).await;
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    // No session: 401 with the login page, in the browser's language.
    let r = send(
        &app,
        "GET",
        "/alerts",
        vec![("Accept-Language".into(), "ar-MA,ar;q=0.9,fr;q=0.5".into())],
        None,
    )
    .await;
    assert_eq!(r.status, 401);
    assert!(r.body.contains("<form id=\"login\"") && r.body.contains("dir=\"rtl\""));
    app.stop().await;
}

async fn login_page_and_its_errors(db: Db) {
    let app = setup(&db).await;
    let r = send(&app, "GET", "/login?lang=en", vec![], None).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(r.body.contains("<body data-page=\"login\">"));
    assert!(r.body.contains("<input name=\"login\""));
    assert!(
        r.body
            .contains("<input name=\"password\" type=\"password\"")
    );
    // A wrong password: the page again with the reason in its language.
    for (lang, text) in [
        ("fr", "Identifiant ou mot de passe incorrect."),
        ("ar", "اسم المستخدم أو كلمة المرور غير صحيحة."),
    ] {
        let r = send(
            &app,
            "POST",
            "/login",
            vec![],
            form(&[
                ("login", "claire"),
                ("password", "wrong wrong wrong"),
                ("lang", lang),
            ]),
        )
        .await;
        assert_eq!(r.status, 401);
        assert!(r.body.contains("id=\"login-error\""), "{}", r.body);
        assert!(r.body.contains("data-error=\"bad-credentials\""));
        assert!(r.body.contains(text), "{lang}");
        assert!(r.header("set-cookie").is_none());
    }
    // The login typed is given back, escaped.
    let r = send(
        &app,
        "POST",
        "/login",
        vec![],
        form(&[
            ("login", "<script>x</script>"),
            ("password", "whatever at all"),
            ("lang", "en"),
        ]),
    )
    .await;
    assert_eq!(r.status, 401);
    assert!(!r.body.contains("<script>x"), "{}", r.body);
    assert!(r.body.contains("&lt;script&gt;x"));
    // Five failures lock the account: the sixth attempt, right password or not, says so.
    for _ in 0..3 {
        send(
            &app,
            "POST",
            "/login",
            vec![],
            form(&[
                ("login", "claire"),
                ("password", "wrong wrong wrong"),
                ("lang", "fr"),
            ]),
        )
        .await;
    }
    let r = send(
        &app,
        "POST",
        "/login",
        vec![],
        form(&[("login", "claire"), ("password", PW), ("lang", "ar")]),
    )
    .await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("data-error=\"locked\""));
    assert!(
        r.body
            .contains(&localizer(Lang::Ar).t("login-error-locked"))
    );
    // JSON clients still get JSON.
    let r = send(
        &app,
        "POST",
        "/login",
        vec![],
        Some((
            "application/json",
            serde_json::json!({"login": "amina", "password": PW})
                .to_string()
                .into_bytes(),
        )),
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(r.json()["csrf_token"].is_string());
    app.stop().await;
}

async fn language_form_stores_or_refuses(db: Db) {
    let app = setup(&db).await;
    let b = log_in(&app, "claire").await;
    let lang_of = |app: &TestApp| {
        let store = app.store.clone();
        async move { store.user("claire").await.unwrap().unwrap().language }
    };
    // Without the CSRF token: refused, unchanged.
    let r = send(
        &app,
        "POST",
        "/me/language",
        b.headers(),
        form(&[("language", "ar")]),
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(lang_of(&app).await, Language::Fr);
    // Bad values: the page with the error in the user's language, nothing stored.
    for bad in [
        "",
        "de",
        "<script>alert(1)</script>",
        "a\u{202E}r",
        &"ar".repeat(500),
    ] {
        let r = send(
            &app,
            "POST",
            "/me/language",
            b.headers(),
            form(&[("csrf_token", &b.csrf), ("language", bad)]),
        )
        .await;
        assert_eq!(r.status, 422, "{bad:?}");
        assert!(r.body.contains("class=\"form-error\""), "{bad:?}");
        assert!(r.body.contains("data-field=\"language\""));
        assert!(
            r.body
                .contains(&localizer(Lang::Fr).t("form-error-language"))
        );
        assert!(!r.body.contains("<script>alert"));
        assert_eq!(lang_of(&app).await, Language::Fr);
    }
    // A good one: stored, back to the page, which is now in Arabic.
    let mut h = b.headers();
    h.push(("Referer".into(), format!("{}/alerts", app.client.base)));
    let r = send(
        &app,
        "POST",
        "/me/language",
        h,
        form(&[("csrf_token", &b.csrf), ("language", "ar")]),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/alerts"));
    assert_eq!(lang_of(&app).await, Language::Ar);
    let r = send(&app, "GET", "/alerts", b.headers(), None).await;
    assert!(r.body.contains("<html lang=\"ar\" dir=\"rtl\">"));
    app.stop().await;
}

async fn alert_forms_refuse_bad_input_and_store_nothing(db: Db) {
    let app = setup(&db).await;
    let rule = &app.venue.rules[0];
    let alert = AlertRecord::raised(
        "a1",
        &app.venue.id,
        &rule.id,
        "west-end",
        "Severe",
        "Exercise",
        Timestamp(1_712_000_000_000_000),
    );
    assert!(app.store.insert_alert(&alert).await.unwrap());
    let chef = log_in(&app, "chef").await;
    let qaid = log_in(&app, "qaid").await;
    let obs = log_in(&app, "obs").await;
    // The board lists it with its CAP link place, filters and forms.
    let r = send(&app, "GET", "/alerts", chef.headers(), None).await;
    for needle in [
        "form id=\"alert-filter\"",
        "select name=\"zone\"",
        "select name=\"rule\"",
        "select name=\"status\"",
        "table id=\"alert-board\"",
        "tr class=\"alert\" data-alert=\"a1\" data-status=\"open\"",
        "form class=\"verdict\"",
        "textarea name=\"note\"",
        "id=\"sound\"",
        "class=\"ack\"",
    ] {
        assert!(r.body.contains(needle), "{needle}");
    }
    // An observer sees no form, and the server refuses it anyway, with a page in French.
    let r = send(&app, "GET", "/alerts", obs.headers(), None).await;
    assert!(!r.body.contains("form class=\"verdict\"") && !r.body.contains("class=\"ack\""));
    assert!(!r.body.contains("class=\"resolve\""));
    for path in ["/alerts/a1/acknowledge", "/alerts/a1/resolve"] {
        let r = send(
            &app,
            "POST",
            path,
            obs.headers(),
            form(&[("csrf_token", &obs.csrf)]),
        )
        .await;
        assert_eq!(r.status, 403, "{path}");
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        assert!(
            r.body.contains("data-error=\"error-forbidden\""),
            "{}",
            r.body
        );
        assert!(
            r.body
                .contains(&esc(&localizer(Lang::Fr).t("error-forbidden")))
        );
    }
    // Only a commander resolves by hand: an operator sees no button and is refused.
    let claire = log_in(&app, "claire").await;
    let r = send(&app, "GET", "/alerts", claire.headers(), None).await;
    assert!(r.body.contains("class=\"ack\"") && !r.body.contains("class=\"resolve\""));
    let r = send(
        &app,
        "POST",
        "/alerts/a1/resolve",
        claire.headers(),
        form(&[("csrf_token", &claire.csrf)]),
    )
    .await;
    assert_eq!(r.status, 403);
    // A form without its CSRF token: a page saying so in the user's language (English).
    let r = send(
        &app,
        "POST",
        "/alerts/a1/acknowledge",
        chef.headers(),
        form(&[]),
    )
    .await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("data-error=\"error-csrf\""), "{}", r.body);
    assert!(r.body.contains(&esc(&localizer(Lang::En).t("error-csrf"))));
    // ... which the script, asking for JSON, gets as the API's error.
    let mut h = chef.headers();
    h.push(("Accept".into(), "application/json".into()));
    let r = send(&app, "POST", "/alerts/a1/acknowledge", h, form(&[])).await;
    assert_eq!(r.status, 403);
    assert!(r.json()["error"].as_str().unwrap().contains("CSRF"));
    // The commander sees the button; this alert was stored by hand, not raised by a rule of
    // the live state, so resolving it is a conflict, said in Arabic to qaid, and changes
    // nothing.
    let r = send(&app, "GET", "/alerts", chef.headers(), None).await;
    assert!(r.body.contains("class=\"resolve\""));
    let r = send(
        &app,
        "POST",
        "/alerts/a1/resolve",
        qaid.headers(),
        form(&[("csrf_token", &qaid.csrf)]),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("dir=\"rtl\"") && r.body.contains("data-error=\"error-conflict\""));
    assert!(
        r.body
            .contains(&esc(&localizer(Lang::Ar).t("error-conflict")))
    );
    assert_eq!(
        app.store.alert("a1").await.unwrap().unwrap().status,
        AlertStatus::Raised
    );
    // Bad verdicts, in English and in Arabic: 422, the error on the field, nothing stored.
    let long = "n".repeat(501);
    let cases: [BadCase; 6] = [
        (
            &[("verdict", ""), ("note", "ok")],
            "verdict",
            "form-error-verdict-empty",
        ),
        (
            &[("verdict", "maybe"), ("note", "")],
            "verdict",
            "form-error-choice",
        ),
        (
            &[("verdict", "true_positive"), ("note", &long)],
            "note",
            "form-error-too-long",
        ),
        (
            &[
                ("verdict", "true_positive"),
                ("note", "<script>alert(1)</script>"),
            ],
            "note",
            "form-error-markup",
        ),
        (
            &[("verdict", "false_positive"), ("note", "abc\u{202E}fed")],
            "note",
            "form-error-bidi",
        ),
        (
            &[("verdict", "false_positive"), ("note", "x\u{0007}")],
            "note",
            "form-error-control",
        ),
    ];
    for (who, lang) in [(&chef, Lang::En), (&qaid, Lang::Ar)] {
        for (fields, field, message) in &cases {
            let mut pairs = vec![("csrf_token", who.csrf.as_str())];
            pairs.extend_from_slice(fields);
            let r = send(
                &app,
                "POST",
                "/alerts/a1/verdict",
                who.headers(),
                form(&pairs),
            )
            .await;
            assert_eq!(r.status, 422, "{fields:?}");
            assert!(
                r.body.contains(&format!(
                    "class=\"form-error\" role=\"alert\" data-field=\"{field}\""
                )),
                "{fields:?}"
            );
            assert!(
                r.body.contains(&localizer(lang).t(message)),
                "{lang:?} {message}"
            );
            assert!(!r.body.contains("<script>alert"), "no script echoed");
            let a = app.store.alert("a1").await.unwrap().unwrap();
            assert_eq!(a.verdict, None, "{fields:?}");
            assert_eq!(app.store.verdict_note("a1").await.unwrap(), None);
        }
    }
    // Acknowledge (the script asks for JSON), then a good verdict with a note.
    let mut h = chef.headers();
    h.push(("Accept".into(), "application/json".into()));
    let r = send(
        &app,
        "POST",
        "/alerts/a1/acknowledge",
        h,
        form(&[("csrf_token", &chef.csrf)]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "acknowledged");
    let a = app.store.alert("a1").await.unwrap().unwrap();
    assert_eq!(a.status, AlertStatus::Acknowledged);
    assert_eq!(a.acknowledged_by.as_deref(), Some("chef (fr-pn)"));
    let note = "Foule dense confirmée — الحشد كثيف";
    let r = send(
        &app,
        "POST",
        "/alerts/a1/verdict",
        chef.headers(),
        form(&[
            ("csrf_token", &chef.csrf),
            ("verdict", "true_positive"),
            ("note", note),
        ]),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let a = app.store.alert("a1").await.unwrap().unwrap();
    assert_eq!(a.verdict, Some(aman_store::Verdict::TruePositive));
    assert_eq!(
        app.store.verdict_note("a1").await.unwrap().as_deref(),
        Some(note)
    );
    // The audit log holds who did it, with the note, in an intact chain; and the logins.
    let log = app.store.audit_entries(0, 1000).await.unwrap();
    aman_ops::audit::verify(&log).expect("the audit chain");
    let verdict = log
        .iter()
        .find(|e| e.record.action == "alert.verdict")
        .expect("the verdict's entry");
    assert_eq!(verdict.record.actor, "chef (fr-pn)");
    assert_eq!(verdict.record.agency.as_deref(), Some("fr-pn"));
    assert_eq!(verdict.record.object, "alert/a1");
    assert!(verdict.record.after.as_deref().unwrap().contains(note));
    assert!(
        log.iter()
            .any(|e| e.record.action == "alert.acknowledge" && e.record.actor == "chef (fr-pn)")
    );
    assert!(
        log.iter()
            .filter(|e| e.record.action == "session.login")
            .count()
            >= 4
    );
    // Refused attempts change nothing and append nothing (their logins only).
    assert!(!log.iter().any(|e| (e.record.actor.starts_with("obs ")
        || e.record.actor.starts_with("claire "))
        && e.record.action != "session.login"));
    let r = send(
        &app,
        "GET",
        "/alerts?status=acknowledged",
        qaid.headers(),
        None,
    )
    .await;
    assert!(r.body.contains(note) && r.body.contains("data-status=\"acknowledged\""));
    let r = send(&app, "GET", "/alerts?status=resolved", qaid.headers(), None).await;
    assert!(!r.body.contains("data-alert=\"a1\""));
    let r = send(
        &app,
        "GET",
        "/alerts?zone=%3Cscript%3E",
        qaid.headers(),
        None,
    )
    .await;
    assert!(r.body.contains("data-field=\"zone\"") && !r.body.contains("<script>"));
    app.stop().await;
}

/// Form fields sent, the field the error names, the message id of the error.
type BadCase<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);

/// The string literals of Rust source (escapes kept as written; enough for this scan).
fn rust_literals(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = src.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        if c == '/' && chars.peek() == Some(&'/') {
            for c in chars.by_ref() {
                if c == '\n' {
                    break;
                }
            }
            continue;
        }
        if c == '\'' {
            // A char literal ('"', '\'') or a lifetime: skip what a char literal can hold.
            let mut look = chars.clone();
            let a = look.next();
            let b = look.next();
            if a == Some('\\') || b == Some('\'') {
                while let Some(c) = chars.next() {
                    if c == '\\' {
                        chars.next();
                    } else if c == '\'' {
                        break;
                    }
                }
            }
            prev = c;
            continue;
        }
        if c == '"' && prev != '\\' {
            let mut s = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        s.push(c);
                        if let Some(n) = chars.next() {
                            s.push(n);
                        }
                    }
                    '"' => break,
                    c => s.push(c),
                }
            }
            out.push(s);
        }
        prev = c;
    }
    out
}

/// Letters of a piece of markup that are outside `{…}` placeholders.
fn has_letters(text: &str) -> bool {
    let mut depth = 0;
    text.chars().any(|c| {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        depth == 0 && c.is_alphabetic()
    })
}

/// Text nodes (between `>` and the next `<`) and text attributes of HTML in a literal.
fn hard_coded(lit: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lit = lit.replace("\\\"", "\"").replace("\\n", " ");
    if !lit.contains('<') && !lit.contains('>') {
        return found;
    }
    let mut rest = lit.as_str();
    while let Some(i) = rest.find('>') {
        let after = &rest[i + 1..];
        let text = after.split('<').next().unwrap_or("");
        if has_letters(text) {
            found.push(text.to_string());
        }
        rest = after;
    }
    for attr in ["placeholder=\"", "aria-label=\"", "title=\"", "alt=\""] {
        for part in lit.split(attr).skip(1) {
            let value = part.split('"').next().unwrap_or("");
            if has_letters(value) {
                found.push(format!("{attr}{value}"));
            }
        }
    }
    found
}

fn dashboard_sources() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/dashboard");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(out.len() >= 5, "{out:?}");
    out
}

/// No text of the interface is written in the page code: every text node and text attribute
/// of its HTML is a placeholder filled from the Fluent files; the script writes no text of
/// its own either.
#[test]
fn no_hard_coded_text_in_pages_or_script() {
    let mut problems = Vec::new();
    for (path, src) in dashboard_sources() {
        let code = src.split("#[cfg(test)]").next().unwrap_or("");
        for lit in rust_literals(code) {
            for text in hard_coded(&lit) {
                problems.push(format!("{path}: {text:?} in {lit:?}"));
            }
        }
    }
    let js = aman_server::dashboard::APP_JS;
    for line in js.lines() {
        for key in ["textContent = '", "textContent = \"", "innerHTML"] {
            if let Some(i) = line.find(key) {
                let rest = &line[i + key.len()..];
                let text = rest.split(['\'', '"']).next().unwrap_or("");
                if key == "innerHTML" || has_letters(text) {
                    problems.push(format!("app.js: {}", line.trim()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // The scan finds what it looks for.
    assert_eq!(hard_coded("<h1>Carte</h1>"), ["Carte"]);
    assert!(hard_coded("<h1>{}</h1><p title=\"{}\">{}</p>").is_empty());
    assert_eq!(
        hard_coded("<i aria-label=\"Zoom\">+</i>"),
        ["aria-label=\"Zoom"]
    );
}

/// The ids following each of `keys` in `src`, between `quote`s (built ids left out).
fn push_after(ids: &mut Vec<String>, src: &str, keys: &[&str], quote: char) {
    for key in keys {
        for part in src.split(key).skip(1) {
            let part = part.trim_start_matches(['\n', ' ']).trim_start_matches('&');
            if let Some(rest) = part.strip_prefix(quote) {
                let id: String = rest.chars().take_while(|c| *c != quote).collect();
                if !id.contains('{') && !id.ends_with('-') {
                    ids.push(id);
                }
            }
        }
    }
}

/// Every message the pages and the script ask for exists in French, Arabic and English (the
/// families built from a prefix are listed in full), and the three files agree.
#[test]
fn every_message_used_exists_in_all_three_languages() {
    let mut ids: Vec<String> = Vec::new();
    for (_, src) in dashboard_sources() {
        push_after(
            &mut ids,
            &src,
            &[
                "v.t(",
                "l.t(",
                "l.count(",
                "t_args(",
                ".t_args(",
                "form_error(&v, \"",
                "form_error(v, \"",
            ],
            '"',
        );
        // Ids passed around as values.
        for lit in rust_literals(&src) {
            if lit.starts_with("form-error-")
                || lit.starts_with("chart-")
                || lit.starts_with("nav-")
                || lit.starts_with("what-if-")
                || lit.starts_with("forecast-")
            {
                ids.push(lit);
            }
        }
    }
    push_after(
        &mut ids,
        aman_server::dashboard::APP_JS,
        &["T(", "C("],
        '\'',
    );
    let families: &[(&str, &[&str])] = &[
        ("severity-", &["extreme", "severe", "moderate", "minor"]),
        (
            "measure-",
            &[
                "density",
                "los",
                "pressure",
                "occupancy",
                "specific_flow",
                "stale",
                "unknown",
            ],
        ),
        ("status-", &["open", "acknowledged", "resolved"]),
        ("los-", &["a", "b", "c", "d", "e", "f"]),
        ("lang-", &["fr", "ar", "en"]),
        (
            "login-error-",
            &["bad-credentials", "locked", "rate-limited"],
        ),
        ("health-", &["live", "stale"]),
        ("verdict-", &["true-positive", "false-positive"]),
        ("live-", &["connected", "reconnecting"]),
    ];
    for (prefix, rest) in families {
        for r in *rest {
            ids.push(format!("{prefix}{r}"));
        }
    }
    ids.sort();
    ids.dedup();
    assert!(ids.len() > 60, "{}: {ids:?}", ids.len());
    let mut missing = Vec::new();
    for id in &ids {
        for lang in Lang::ALL {
            if !localizer(lang).has(id) {
                missing.push(format!("{}: {id}", lang.code()));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
    assert_eq!(aman_i18n::check_sources(), Vec::new());
}
