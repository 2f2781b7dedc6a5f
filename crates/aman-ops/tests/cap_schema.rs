//! Every kind of alert message aman sends — raise, update, resolve; actual, exercise, test;
//! zone, line and sensor rules, with and without a georeferenced venue — is valid against
//! the OASIS CAP 1.2 schema (`../shared/standards/cap-1.2/CAP-v1.2.xsd`, checked with
//! xmllint) and reads back unchanged.

use std::path::Path;
use std::process::Command;

use aman_analysis::{FruinLevel, LosTable};
use aman_cap::{Alert, MsgType, Status};
use aman_geometry::import::walkable_area_from_wkt;
use aman_geometry::{MeasurementArea, Segment, Vec2};
use aman_monitor::venue::{
    AdapterKind, Channel, Feed, Line, Measure, Names, Rule, Sensor, Severity, Subject, Transform,
    Zone,
};
use aman_monitor::{Decision, DecisionKind, Timestamp, Venue};
use aman_ops::{CapContext, Mode, cap_message};

fn names(fr: &str, ar: &str, en: &str) -> Names {
    Names {
        fr: fr.into(),
        ar: ar.into(),
        en: en.into(),
    }
}

fn venue(origin: Option<(f64, f64)>) -> Venue {
    let area = MeasurementArea::from_points("z", &[(0.0, 0.0), (4.0, 0.0), (4.0, 3.0), (0.0, 3.0)])
        .unwrap();
    let rule = |id: &str, subject, measure, raise| Rule {
        id: id.into(),
        subject,
        measure,
        raise,
        clear: raise * 0.8,
        hold: 2.0,
        severity: Severity::Severe,
    };
    Venue {
        id: "lyon2022".into(),
        name: names("Fête des Lumières", "عيد الأنوار", "Festival of Lights"),
        walkable: walkable_area_from_wkt(
            "POLYGON ((-10 -10, 10 -10, 10 10, -10 10, -10 -10))",
            "t",
        )
        .unwrap(),
        zones: vec![Zone {
            id: "terreaux".into(),
            name: names(
                "Place des Terreaux <nord> & \"sud\"",
                "ساحة التيرو",
                "Terreaux square",
            ),
            walkable_m2: area.area(),
            area,
            capacity: Some(100),
            los: LosTable::Walkway,
        }],
        lines: vec![Line {
            id: "chenavard".into(),
            name: names("Rue Chenavard", "شارع شينافار", "Chenavard street"),
            segment: Segment::new(Vec2::new(0.0, 5.0), Vec2::new(4.0, 5.0)),
            width: 4.0,
            in_normal: Vec2::new(0.0, 1.0),
            into: None,
            from: None,
        }],
        sensors: vec![Sensor {
            id: "cam-1".into(),
            adapter: AdapterKind::Onvif,
            period: 10.0,
            channels: vec![Channel {
                name: String::new(),
                feed: Feed::Zone { zone: 0 },
            }],
            transform: Transform::IDENTITY,
        }],
        rules: vec![
            rule("terreaux-density", Subject::Zone(0), Measure::Density, 2.0),
            rule("terreaux-los", Subject::Zone(0), Measure::Los, 4.0),
            rule(
                "chenavard-flow",
                Subject::Line(0),
                Measure::SpecificFlow,
                1.5,
            ),
            rule("cam-1-stale", Subject::Sensor(0), Measure::Stale, 1.0),
        ],
        window: 60.0,
        forecast_scenario: None,
        origin,
        warnings: Vec::new(),
    }
}

fn xsd() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/standards/cap-1.2/CAP-v1.2.xsd")
}

#[test]
fn every_message_kind_is_valid_cap_1_2() {
    assert!(
        Command::new("xmllint").arg("--version").output().is_ok(),
        "xmllint is missing: run scripts/install-test-tools"
    );
    let dir = tempfile::tempdir().unwrap();
    let t0 = Timestamp::parse_rfc3339("2022-12-10T21:38:09Z").unwrap();
    let mut files = Vec::new();
    for origin in [None, Some((45.7676, 4.8336))] {
        let v = venue(origin);
        for mode in [Mode::Actual, Mode::Exercise, Mode::Test] {
            let ctx = CapContext {
                venue: &v,
                sender: "aman@lyon2022",
                mode,
            };
            for rule in 0..v.rules.len() {
                let id = format!("lyon2022-{}-{}", v.rules[rule].id, t0.0);
                let decision = |kind, value| Decision {
                    kind,
                    rule,
                    alert: id.clone(),
                    at: t0,
                    value,
                    los: (rule < 2).then_some(FruinLevel::E),
                };
                let raise =
                    cap_message(&ctx, &decision(DecisionKind::Raise, 2.5), 1, None, t0).unwrap();
                let first = raise.reference();
                let later = t0.add_secs(30.0);
                let update = cap_message(
                    &ctx,
                    &decision(DecisionKind::Update, 3.5),
                    2,
                    Some(&first),
                    later,
                )
                .unwrap();
                let cancel = cap_message(
                    &ctx,
                    &decision(DecisionKind::Resolve, 1.0),
                    3,
                    Some(&first),
                    later,
                )
                .unwrap();
                assert_eq!(raise.msg_type, MsgType::Alert);
                assert_eq!(update.references, vec![first.clone()]);
                assert_eq!(cancel.msg_type, MsgType::Cancel);
                assert_eq!(raise.status, mode.status());
                assert_eq!(
                    raise
                        .infos
                        .iter()
                        .map(|i| i.language.as_str())
                        .collect::<Vec<_>>(),
                    ["fr-FR", "ar", "en-GB"]
                );
                for (k, m) in [raise, update, cancel].into_iter().enumerate() {
                    let xml = m.to_xml();
                    assert_eq!(Alert::from_xml(&xml).unwrap(), m);
                    let path = dir
                        .path()
                        .join(format!("{}-{k}-{}.xml", files.len(), mode.name()));
                    std::fs::write(&path, xml).unwrap();
                    files.push(path);
                }
            }
        }
    }
    assert_eq!(files.len(), 2 * 3 * 4 * 3);
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd())
        .args(&files)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr.matches(" validates").count(),
        files.len(),
        "{stderr}"
    );
}

#[test]
fn texts_name_the_place_and_value_in_each_language() {
    let v = venue(Some((45.7676, 4.8336)));
    let ctx = CapContext {
        venue: &v,
        sender: "aman@lyon2022",
        mode: Mode::Exercise,
    };
    let t0 = Timestamp::parse_rfc3339("2022-12-10T21:38:09Z").unwrap();
    let d = Decision {
        kind: DecisionKind::Raise,
        rule: 0,
        alert: "lyon2022-terreaux-density-1".into(),
        at: t0,
        value: 2.345,
        los: Some(FruinLevel::F),
    };
    let m = cap_message(&ctx, &d, 1, None, t0).unwrap();
    assert_eq!(m.status, Status::Exercise);
    assert_eq!(m.identifier, "lyon2022-terreaux-density-1-1");
    let ar = &m.infos[1];
    assert_eq!(ar.event, "كثافة حشد مرتفعة");
    assert_eq!(ar.areas[0].area_desc, "ساحة التيرو");
    assert!(ar.description.as_deref().unwrap().contains("2.35 /m²"));
    let fr = &m.infos[0];
    assert_eq!(
        fr.headline.as_deref(),
        Some("Densité de foule élevée — Place des Terreaux <nord> & \"sud\"")
    );
    // The zone outline in WGS 84: 5 points (closed), the origin first.
    let poly = &fr.areas[0].polygons[0];
    assert_eq!(poly.points().len(), 5);
    assert_eq!(poly.points()[0], (45.7676, 4.8336));
    assert!(m.to_xml().contains("&lt;nord&gt; &amp;"));
    // An update without the reference of the raise is refused.
    let up = Decision {
        kind: DecisionKind::Update,
        ..d
    };
    assert!(cap_message(&ctx, &up, 2, None, t0).is_err());
}
