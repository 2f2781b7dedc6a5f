use super::*;

const TOML: &str = r#"
[exercise]
name = "Entrance surge"
venue = "sib2023-entrance"

[[injects]]
id = "INJ-02"
at = "00:30"
kind = "crowd"
text = "The crowd inject starts."
scenario = "scenario.toml"
speed = 2

[[injects]]
id = "INJ-01"
at = 0
from = "Exercise control"
to = "fr-pn commander"
method = "in-person"
text = "Briefing: the exercise starts."
expected_action = "Brief the operators."
objective = "O1 joint picture"

[[injects]]
id = "INJ-03"
at = "1:02:03.5"
kind = "cap"
zone = "south-end"
event = "Crowd surge"
headline = "Surge at the south gate"
severity = "severe"
urgency = "Immediate"
certainty = "Observed"
text = "A CAP alert from the prefecture."

[[injects]]
id = "INJ-04"
at = "02:00"
kind = "incident"
title = "Fall at the south gate"
incident_kind = "medical"
severity = "Severe"
text = "A steward reports persons down."
"#;

fn msel() -> Msel {
    Msel::from_toml(TOML).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn times() {
    assert_eq!(parse_time("00:30"), Ok(30.0));
    assert_eq!(parse_time("90"), Ok(90.0));
    assert_eq!(parse_time(" 90.5 "), Ok(90.5));
    assert_eq!(parse_time("12:05"), Ok(725.0));
    assert_eq!(parse_time("90:00"), Ok(5400.0));
    assert_eq!(parse_time("1:02:03.5"), Ok(3723.5));
    for bad in [
        "",
        "-5",
        "1:60",
        "1:61:00",
        "a:10",
        "1:2:3:4",
        "1.5:00",
        "nan",
        "200:00:00",
    ] {
        assert!(parse_time(bad).is_err(), "{bad:?} accepted");
    }
    assert_eq!(format_time(725.9), "12:05");
    assert_eq!(format_time(3723.5), "1:02:03");
}

#[test]
fn toml_parses_sorts_and_types() {
    let m = msel();
    assert_eq!(m.name, "Entrance surge");
    assert_eq!(m.venue.as_deref(), Some("sib2023-entrance"));
    let ids: Vec<&str> = m.injects.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["INJ-01", "INJ-02", "INJ-04", "INJ-03"]);
    let brief = &m.injects[0];
    assert_eq!(brief.at, 0.0);
    assert_eq!(brief.method, Method::InPerson);
    assert_eq!(brief.kind, InjectKind::Message);
    assert_eq!(brief.to, "fr-pn commander");
    assert_eq!(brief.objective, "O1 joint picture");
    assert_eq!(
        m.injects[1].kind,
        InjectKind::Crowd {
            scenario: PathBuf::from("scenario.toml"),
            speed: 2.0
        }
    );
    assert_eq!(m.injects[1].method, Method::System);
    assert_eq!(
        m.injects[2].kind,
        InjectKind::Incident {
            title: "Fall at the south gate".into(),
            kind: "medical".into(),
            zone: None,
            severity: Severity::Severe
        }
    );
    let InjectKind::Cap {
        severity,
        urgency,
        certainty,
        zone,
        ..
    } = &m.injects[3].kind
    else {
        panic!("{:?}", m.injects[3].kind)
    };
    assert_eq!(m.injects[3].at, 3723.5);
    assert_eq!(*severity, aman_cap::Severity::Severe);
    assert_eq!(*urgency, aman_cap::Urgency::Immediate);
    assert_eq!(*certainty, aman_cap::Certainty::Observed);
    assert_eq!(zone.as_deref(), Some("south-end"));
    assert_eq!(m.position("INJ-04"), Some(2));
    // JSON for the dashboard: the kind's fields beside the inject's, as in the file.
    let j = serde_json::to_value(&m.injects[2]).unwrap();
    assert_eq!(j["kind"], "incident");
    assert_eq!(j["incident_kind"], "medical");
    assert_eq!(j["severity"], "severe");
    assert_eq!(j["method"], "system");
    assert_eq!(j["at"], 120.0);
    let j = serde_json::to_value(&m.injects[3]).unwrap();
    assert_eq!(j["urgency"], "Immediate");
    assert_eq!(
        serde_json::to_value(&m.injects[1]).unwrap()["scenario"],
        "scenario.toml"
    );
}

fn toml_err(text: &str) -> String {
    Msel::from_toml(text).unwrap_err().to_string()
}

fn one(inject: &str) -> String {
    format!("[exercise]\nname = \"X\"\n[[injects]]\n{inject}\n")
}

#[test]
fn toml_errors_name_inject_and_field() {
    let e = toml_err(&one(
        "id = \"A\"\nat = \"0:00\"\nto = \"p\"\ntext = \"t\"\ntxet = \"t\"",
    ));
    assert!(
        e.starts_with("injects[0] (inject \"A\"): txet: unknown column"),
        "{e}"
    );
    let e = toml_err(&one("id = \"A\"\nat = \"0:61\"\nto = \"p\"\ntext = \"t\""));
    assert_eq!(
        e,
        "injects[0] (inject \"A\"): at: \"0:61\": seconds must be below 60"
    );
    let e = toml_err(&one(
        "id = \"A\"\nat = 0\nto = \"p\"\nmethod = \"pigeon\"\ntext = \"t\"",
    ));
    assert!(
        e.contains("method: \"pigeon\" is not a delivery method: one of message, phone, radio, email, in_person, system"),
        "{e}"
    );
    let e = toml_err(&one("id = \"A\"\nat = 0\nto = \"p\""));
    assert!(
        e.starts_with("injects[0] (inject \"A\"): text: missing"),
        "{e}"
    );
    let e = toml_err(&one("id = \"A\"\nat = 0\nto = \"p\"\ntext = \"  \""));
    assert!(e.contains("text: missing"), "{e}");
    let long = "x".repeat(MAX_TEXT_CHARS + 1);
    let e = toml_err(&one(&format!(
        "id = \"A\"\nat = 0\nto = \"p\"\ntext = \"{long}\""
    )));
    assert!(
        e.contains("text: too long (4001 characters): at most 4000"),
        "{e}"
    );
    let e = toml_err(&one("id = \"A\"\nat = 0\ntext = \"t\""));
    assert!(
        e.contains("to: missing: the player a message is for"),
        "{e}"
    );
    let e = toml_err(&one("at = 0\nto = \"p\"\ntext = \"t\""));
    assert_eq!(e, "injects[0]: id: missing: every inject has an id");
    let e = toml_err(&one("id = \"A\"\nat = 0\ntext = \"t\"\nkind = \"fire\""));
    assert!(e.contains("kind: \"fire\" is not an inject kind"), "{e}");
    // A column of another kind is refused, not ignored.
    let e = toml_err(&one(
        "id = \"A\"\nat = 0\nto = \"p\"\ntext = \"t\"\ntitle = \"T\"",
    ));
    assert!(e.contains("title: not a column of a message inject"), "{e}");
    let e = toml_err(&one(
        "id = \"A\"\nat = 0\ntext = \"t\"\nkind = \"incident\"\ntitle = \"T\"\nseverity = \"bad\"",
    ));
    assert!(e.contains("severity: \"bad\" is not a severity"), "{e}");
    let e = toml_err(&one(
        "id = \"A\"\nat = 0\ntext = \"t\"\nkind = \"cap\"\nevent = \"E\"\nheadline = \"H\"\nseverity = \"Severe\"\nurgency = \"Now\"\ncertainty = \"Observed\"",
    ));
    assert!(e.contains("urgency: \"Now\" is not a CAP 1.2 urgency: one of Immediate, Expected, Future, Past, Unknown"), "{e}");
    let e = toml_err(&one(
        "id = \"A\"\nat = 0\ntext = \"t\"\nkind = \"crowd\"\nscenario = \"s.toml\"\nspeed = 500",
    ));
    assert!(e.contains("speed: 500 is outside 0.1 to 100"), "{e}");
    let e = toml_err(&one("id = \"A\"\nat = 0\ntext = \"t\"\nkind = \"crowd\""));
    assert!(e.contains("scenario: missing"), "{e}");
    let e = toml_err("[exercise]\nname = \"X\"\nvenu = \"v\"\n");
    assert!(e.starts_with("MSEL (TOML): ") && e.contains("venu"), "{e}");
    let e = toml_err("[exercise]\nname = \"\"\n");
    assert!(e.starts_with("exercise: name: empty"), "{e}");
}

#[test]
fn duplicate_ids_and_too_many() {
    let text = format!(
        "{}[[injects]]\nid = \"A\"\nat = 5\nto = \"p\"\ntext = \"u\"\n",
        one("id = \"A\"\nat = 0\nto = \"p\"\ntext = \"t\"")
    );
    let e = toml_err(&text);
    assert_eq!(
        e,
        "inject id \"A\" is given twice: injects[0] and injects[1]; ids must be unique"
    );
    let mut csv = String::from("id,at,to,text\n");
    for k in 0..=MAX_INJECTS {
        csv.push_str(&format!("{k},0,p,t\n"));
    }
    let e = Msel::from_csv("x", &csv).unwrap_err();
    assert!(matches!(e, MselError::TooMany { .. }), "{e}");
    // Exactly the bound is taken.
    let mut csv = String::from("id,at,to,text\n");
    for k in 0..MAX_INJECTS {
        csv.push_str(&format!("{k},{},p,t\n", MAX_INJECTS - k));
    }
    let m = Msel::from_csv("x", &csv).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.injects.len(), MAX_INJECTS);
    assert_eq!(m.injects[0].id, "9999");
    assert_eq!(m.injects[0].at, 1.0);
}

#[test]
fn csv_reads_rfc4180_and_kinds() {
    let csv = "\u{feff}id,at,kind,to,method,text,scenario,speed,title,severity\r\n\
               1,00:00,,fr-pn operator,radio,\"Briefing, part 1: \"\"go\"\"\nsecond line\",,,,\r\n\
               \r\n\
               2,0:30,crowd,,,Surge,scenario.toml,,,\r\n\
               3,60,incident,,phone,Report,,,Fall,minor";
    let m = Msel::from_csv("drill", csv).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.name, "drill");
    assert_eq!(m.venue, None);
    assert_eq!(m.injects.len(), 3);
    assert_eq!(m.injects[0].text, "Briefing, part 1: \"go\"\nsecond line");
    assert_eq!(m.injects[0].method, Method::Radio);
    assert_eq!(
        m.injects[1].kind,
        InjectKind::Crowd {
            scenario: "scenario.toml".into(),
            speed: 1.0
        }
    );
    assert_eq!(m.injects[2].at, 60.0);
    assert_eq!(m.injects[2].method, Method::Phone);
    assert!(matches!(
        m.injects[2].kind,
        InjectKind::Incident {
            severity: Severity::Minor,
            ..
        }
    ));
}

fn csv_err(text: &str) -> String {
    Msel::from_csv("x", text).unwrap_err().to_string()
}

#[test]
fn csv_errors_name_line_and_field() {
    let e = csv_err("id,at,to,text,colour\n1,0,p,t,red\n");
    assert!(
        e.starts_with("MSEL (CSV) header: unknown column \"colour\": the columns are id, at,"),
        "{e}"
    );
    assert_eq!(
        csv_err("id,at,id,text\n"),
        "MSEL (CSV) header: column \"id\" is named twice"
    );
    assert!(csv_err("id,to,text\n").contains("no column \"at\""));
    assert_eq!(
        csv_err(""),
        "MSEL (CSV) line 1: empty: the first row names the columns (id, at, text, …)"
    );
    // The row's line, counted with the line breaks inside quoted cells.
    let e = csv_err("id,at,to,text\n1,0,p,\"a\nb\"\n2,1:5x,p,t\n");
    assert_eq!(
        e,
        "line 4 (inject \"2\"): at: \"1:5x\" is not a scenario time: \"mm:ss\", \"hh:mm:ss\" or seconds (\"90\")"
    );
    assert_eq!(
        csv_err("id,at,to,text\n1,0,p\n"),
        "MSEL (CSV) line 2: 3 cells, but the header names 4 columns"
    );
    assert_eq!(
        csv_err("id,at,to,text\n1,0,p,\"open\n"),
        "MSEL (CSV) line 2: a quote opened here is never closed"
    );
    assert!(
        csv_err("id,at,to,text\n1,0,p,ab\"c\n")
            .starts_with("MSEL (CSV) line 2: a quote inside a cell")
    );
    assert!(
        csv_err("id,at,to,text\n1,0,p,\"ab\"c\n").contains("after a quoted cell's closing quote")
    );
    assert_eq!(
        csv_err("id,at,to,text,method\n1,0,p,t,fax\n"),
        "line 2 (inject \"1\"): method: \"fax\" is not a delivery method: one of message, phone, radio, email, in_person, system"
    );
    assert!(csv_err("id,at,to,text\n1,0,p,\n").contains("line 2 (inject \"1\"): text: missing"));
    assert!(
        csv_err("id,at,to,text\n1,0,p,t\n2,5,p,t\n1,9,p,t\n")
            .contains("\"1\" is given twice: line 2 and line 4")
    );
}

#[test]
fn load_picks_by_extension_and_resolves_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("msel.toml");
    std::fs::write(&p, TOML).unwrap();
    let m = Msel::load(&p).unwrap_or_else(|e| panic!("{e}"));
    let InjectKind::Crowd { scenario, .. } = &m.injects[1].kind else {
        panic!()
    };
    assert_eq!(scenario, &dir.path().join("scenario.toml"));
    let c = dir.path().join("night-drill.CSV");
    std::fs::write(&c, "id,at,to,text\n1,0,p,t\n").unwrap();
    assert_eq!(Msel::load(&c).unwrap().name, "night-drill");
    let x = dir.path().join("msel.xlsx");
    std::fs::write(&x, "").unwrap();
    assert!(matches!(Msel::load(&x), Err(MselError::Extension { .. })));
    assert!(matches!(
        Msel::load(&dir.path().join("none.toml")),
        Err(MselError::Io { .. })
    ));
}

/// 2026-06-21T20:00:00Z plus `s` seconds.
fn wall(s: f64) -> Timestamp {
    Timestamp(1_782_072_000_000_000).add_secs(s)
}

#[test]
fn clock_runs_pauses_speeds_and_skips() {
    let mut c = Clock::new();
    assert_eq!(c.scenario_time(wall(50.0)), 0.0);
    c.start(wall(10.0)).unwrap();
    assert_eq!(c.state, ClockState::Running);
    assert_eq!(c.scenario_time(wall(40.0)), 30.0);
    // A wall clock stepping back does not take the scenario back.
    assert_eq!(c.scenario_time(wall(5.0)), 0.0);
    c.pause(wall(40.0)).unwrap();
    assert_eq!(c.scenario_time(wall(100.0)), 30.0);
    c.resume(wall(100.0)).unwrap();
    assert_eq!(c.scenario_time(wall(110.0)), 40.0);
    c.set_speed(wall(110.0), 4.0).unwrap();
    assert_eq!(c.scenario_time(wall(110.0)), 40.0);
    assert_eq!(c.scenario_time(wall(115.0)), 60.0);
    c.skip_to(wall(115.0), 300.0).unwrap();
    assert_eq!(c.scenario_time(wall(116.0)), 304.0);
    // Speed while paused applies on resume.
    c.pause(wall(116.0)).unwrap();
    c.set_speed(wall(120.0), 0.5).unwrap();
    assert_eq!(c.scenario_time(wall(130.0)), 304.0);
    c.resume(wall(130.0)).unwrap();
    assert_eq!(c.scenario_time(wall(140.0)), 309.0);
    c.end(wall(150.0)).unwrap();
    assert_eq!(c.state, ClockState::Ended);
    assert_eq!(c.scenario_time(wall(500.0)), 314.0);
}

#[test]
fn clock_refuses_illegal_steps() {
    let mut c = Clock::new();
    assert_eq!(
        c.pause(wall(0.0)).unwrap_err().to_string(),
        "cannot pause the exercise: it is ready"
    );
    assert!(c.resume(wall(0.0)).is_err());
    c.start(wall(0.0)).unwrap();
    assert_eq!(
        c.start(wall(1.0)).unwrap_err(),
        ClockError::Transition {
            action: "start",
            state: ClockState::Running
        }
    );
    assert!(c.resume(wall(1.0)).is_err());
    assert_eq!(c.set_speed(wall(1.0), 0.05), Err(ClockError::Speed(0.05)));
    assert_eq!(c.set_speed(wall(1.0), 101.0), Err(ClockError::Speed(101.0)));
    assert!(c.set_speed(wall(1.0), f64::NAN).is_err());
    assert_eq!(c.speed, 1.0);
    let e = c.skip_to(wall(20.0), 10.0).unwrap_err();
    assert_eq!(
        e,
        ClockError::Skip {
            to: 10.0,
            now: 20.0
        }
    );
    assert!(e.to_string().contains("skips forward only"), "{e}");
    assert!(c.skip_to(wall(20.0), f64::INFINITY).is_err());
    assert!(c.skip_to(wall(20.0), MAX_SCENARIO_S + 1.0).is_err());
    assert_eq!(c.scenario_time(wall(20.0)), 20.0);
    c.end(wall(20.0)).unwrap();
    for e in [
        c.end(wall(21.0)),
        c.pause(wall(21.0)),
        c.set_speed(wall(21.0), 2.0),
        c.skip_to(wall(21.0), 30.0),
        c.start(wall(21.0)),
    ] {
        assert!(
            matches!(
                e,
                Err(ClockError::Transition {
                    state: ClockState::Ended,
                    ..
                })
            ),
            "{e:?}"
        );
    }
}

#[test]
fn due_injects_and_next() {
    let m = msel(); // at 0, 30, 120, 3723.5
    let mut c = Clock::new();
    let none = [false; 4];
    assert!(c.due(&m, wall(0.0), &none).is_empty());
    assert_eq!(c.next_due_in(&m, wall(0.0), &none), None);
    c.start(wall(0.0)).unwrap();
    assert_eq!(c.due(&m, wall(0.0), &none), [0]);
    assert_eq!(c.due(&m, wall(29.9), &none), [0]);
    assert_eq!(c.due(&m, wall(30.0), &none), [0, 1]);
    assert_eq!(c.due(&m, wall(30.0), &[true]), [1]);
    assert_eq!(c.next_due_in(&m, wall(10.0), &[true]), Some(20.0));
    c.set_speed(wall(10.0), 2.0).unwrap();
    // 20 s of scenario left at double speed: 10 wall seconds.
    assert_eq!(c.next_due_in(&m, wall(10.0), &[true]), Some(10.0));
    assert_eq!(c.next_due_in(&m, wall(15.0), &[true]), Some(5.0));
    assert_eq!(c.next_due_in(&m, wall(20.0), &[true]), Some(0.0));
    c.skip_to(wall(20.0), 200.0).unwrap();
    assert_eq!(c.due(&m, wall(20.0), &[true, true]), [2]);
    c.pause(wall(20.0)).unwrap();
    assert_eq!(c.due(&m, wall(9000.0), &[true, true]), [2]);
    assert_eq!(c.next_due_in(&m, wall(20.0), &[true, true]), None);
    c.end(wall(30.0)).unwrap();
    assert!(c.due(&m, wall(30.0), &none).is_empty());
    let all = [true; 4];
    let mut d = Clock::new();
    d.start(wall(0.0)).unwrap();
    assert_eq!(d.next_due_in(&m, wall(0.0), &all), None);
}

fn event(
    s: f64,
    kind: ActionKind,
    who: &str,
    inject: Option<&str>,
    alert: Option<&str>,
    incident: Option<&str>,
) -> PlayerEvent {
    PlayerEvent {
        time: wall(s),
        kind,
        who: who.into(),
        agency: if who == "amina" { "ma-dgsn" } else { "fr-pn" }.into(),
        inject: inject.map(Into::into),
        alert: alert.map(Into::into),
        incident: incident.map(Into::into),
        detail: format!("{} by {who}", kind.name()),
    }
}

#[test]
fn after_action_times() {
    let m = msel(); // 0 INJ-01 brief, 1 INJ-02 crowd, 2 INJ-04 incident, 3 INJ-03 cap
    let fired = [
        Fired {
            inject: 0,
            wall: wall(0.0),
            scenario: 0.0,
        },
        Fired {
            inject: 1,
            wall: wall(31.0),
            scenario: 31.0,
        },
        Fired {
            inject: 2,
            wall: wall(120.5),
            scenario: 120.0,
        },
    ];
    // The crowd raised alert A-7 (at 150 s); the incident inject made incident I-1.
    let alerts = [("A-7".to_string(), 1)];
    let incidents = [("I-1".to_string(), 2)];
    let events = [
        // out of order on purpose
        event(
            250.0,
            ActionKind::TaskedUnit,
            "amina",
            None,
            None,
            Some("I-9"),
        ),
        event(
            12.0,
            ActionKind::Acknowledged,
            "jean",
            Some("INJ-01"),
            None,
            None,
        ),
        event(
            171.0,
            ActionKind::Acknowledged,
            "amina",
            None,
            Some("A-7"),
            None,
        ),
        event(
            200.0,
            ActionKind::OpenedIncident,
            "jean",
            None,
            Some("A-7"),
            Some("I-9"),
        ),
        event(
            160.0,
            ActionKind::Acknowledged,
            "jean",
            None,
            Some("A-7"),
            None,
        ),
        event(
            130.0,
            ActionKind::TaskedUnit,
            "jean",
            None,
            None,
            Some("I-1"),
        ),
        event(140.0, ActionKind::Other, "jean", None, None, Some("I-1")),
        // related to nothing, and an action on an inject that never fired
        event(
            50.0,
            ActionKind::Acknowledged,
            "jean",
            None,
            Some("A-99"),
            None,
        ),
        event(
            60.0,
            ActionKind::Acknowledged,
            "jean",
            Some("INJ-03"),
            None,
            None,
        ),
        // before the inject's delivery: cannot answer it
        event(
            20.0,
            ActionKind::Acknowledged,
            "jean",
            Some("INJ-02"),
            None,
            None,
        ),
    ];
    let out = after_action(&AfterActionInput {
        msel: &m,
        fired: &fired,
        alerts: &alerts,
        incidents: &incidents,
        events: &events,
    });
    assert_eq!(out.len(), 4);
    assert_eq!(out[0].id, "INJ-01");
    assert_eq!(out[0].to_acknowledgement, Some(12.0));
    assert_eq!(out[0].to_incident, None);
    assert_eq!(out[0].expected_action, "Brief the operators.");
    let crowd = &out[1];
    assert_eq!(crowd.delivered, Some((wall(31.0), 31.0)));
    assert_eq!(crowd.to_acknowledgement, Some(129.0)); // 160 − 31
    assert_eq!(crowd.to_incident, Some(169.0)); // 200 − 31
    // The task on I-9, the incident opened from the crowd's alert.
    assert_eq!(crowd.to_task, Some(219.0)); // 250 − 31
    let who: Vec<(&str, &str)> = crowd
        .actions
        .iter()
        .map(|a| (a.who.as_str(), a.agency.as_str()))
        .collect();
    assert_eq!(
        who,
        [
            ("jean", "fr-pn"),
            ("amina", "ma-dgsn"),
            ("jean", "fr-pn"),
            ("amina", "ma-dgsn")
        ]
    );
    assert_eq!(crowd.actions[1].after_s, 140.0);
    let inc = &out[2];
    assert_eq!(inc.to_task, Some(9.5)); // 130 − 120.5
    assert_eq!(inc.to_acknowledgement, None);
    assert_eq!(inc.actions.len(), 2);
    assert_eq!(inc.actions[1].kind, ActionKind::Other);
    let cap = &out[3];
    assert_eq!(cap.delivered, None);
    assert!(cap.actions.is_empty());
    assert_eq!(cap.to_acknowledgement, None);
}

#[test]
fn the_timeline_runs_at_scenario_pace_from_the_start() {
    let mut c = Clock::new();
    assert_eq!(c.stamp(5.0), None, "no timeline before the start");
    // A skip before the start: the start's instant stands for scenario time 20.
    c.skip_to(wall(0.0), 20.0).unwrap();
    c.start(wall(10.0)).unwrap();
    assert_eq!(c.epoch, Some(wall(-10.0)));
    assert_eq!(c.stamp(20.0), Some(wall(10.0)));
    // At speed 10, 100 scenario seconds are 10 wall seconds and 100 seconds of the timeline:
    // a rule's 10 s hold counts scenario seconds.
    c.set_speed(wall(10.0), 10.0).unwrap();
    let t = c.scenario_time(wall(20.0));
    assert_eq!(t, 120.0);
    assert_eq!(c.stamp(t), Some(wall(110.0)));
    // Pauses, speed changes and skips never move the epoch.
    c.pause(wall(20.0)).unwrap();
    c.resume(wall(60.0)).unwrap();
    c.skip_to(wall(60.0), 500.0).unwrap();
    assert_eq!(c.epoch, Some(wall(-10.0)));
    // A clock stored before the epoch existed still reads.
    let old: Clock = serde_json::from_str(
        r#"{"state":"running","speed":1.0,"anchor_scenario":3.0,"anchor_wall":5}"#,
    )
    .unwrap();
    assert_eq!(old.epoch, None);
}

#[test]
fn the_agency_an_inject_names() {
    assert_eq!(agency_named("fr-pn commander"), Some("fr-pn"));
    assert_eq!(agency_named("commander fr-pn"), Some("fr-pn"));
    assert_eq!(
        agency_named("ma-dgsn operator, fr-pn commander"),
        Some("ma-dgsn")
    );
    assert_eq!(agency_named("Operator; fr-pn"), None);
    assert_eq!(agency_named("commander"), None);
    assert_eq!(agency_named(""), None);
    assert_eq!(agency_named("xx-police commander"), Some("xx-police"));
}

#[test]
fn the_zones_of_injects_are_checked_against_the_venue() {
    let venue = aman_monitor::read_venue(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../venues/sib2023-entrance/venue.toml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    msel().check_venue(&venue).unwrap();
    let bad = TOML
        .replace("zone = \"south-end\"", "zone = \"south-endd\"")
        .replace("venue = \"sib2023-entrance\"", "venue = \"elsewhere\"")
        .replace(
            "incident_kind = \"medical\"",
            "incident_kind = \"medical\"\nzone = \"nowhere\"",
        );
    let errors = Msel::from_toml(&bad)
        .unwrap()
        .check_venue(&venue)
        .unwrap_err();
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(text.len(), 3, "{text:?}");
    assert_eq!(
        text[0],
        "exercise: venue: the MSEL is for venue \"elsewhere\", not \"sib2023-entrance\""
    );
    // In time order: INJ-04 at 2:00, INJ-03 at 1:02:03.5.
    assert!(
        text[1].starts_with(
            "inject \"INJ-04\": zone: venue \"sib2023-entrance\" has no zone \"nowhere\""
        ),
        "{text:?}"
    );
    assert!(
        text[2].starts_with("inject \"INJ-03\": zone: venue \"sib2023-entrance\" has no zone \"south-endd\" (its zones: "),
        "{text:?}"
    );
}
