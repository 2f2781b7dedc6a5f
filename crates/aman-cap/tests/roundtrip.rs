//! to_xml → from_xml gives back the same message; validate's rules, each with its clause.

mod common;

use aman_cap::{
    Alert, CapError, CapTime, Category, Certainty, Info, MsgType, Scope, Severity, Status, Urgency,
};
use common::{GEOMETRIES, Geometry, at, message, reference};

#[test]
fn every_kind_round_trips() {
    let mut n = 0;
    for msg_type in MsgType::ALL {
        for status in Status::ALL {
            for geometry in GEOMETRIES {
                let alert = message(*msg_type, *status, geometry);
                alert.validate().unwrap();
                let xml = alert.to_xml();
                let back = Alert::from_xml(&xml)
                    .unwrap_or_else(|e| panic!("{msg_type} {status} {geometry:?}: {e}\n{xml}"));
                assert_eq!(back, alert, "{msg_type} {status} {geometry:?}");
                // Writing is deterministic: the same message gives the same bytes.
                assert_eq!(back.to_xml(), xml);
                n += 1;
            }
        }
    }
    assert_eq!(n, 5 * 5 * 4);
}

#[test]
fn arabic_french_english_text_is_kept_as_utf8() {
    let alert = message(MsgType::Alert, Status::Actual, Geometry::Polygon);
    let xml = alert.to_xml();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    assert!(xml.contains("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">"));
    assert!(xml.contains("<language>ar</language>"));
    assert!(xml.contains("<headline>كثافة حرجة: ٤٫٦ شخص/م² في شارع الجمهورية</headline>"));
    assert!(xml.contains("<event>Densité de foule</event>"));
    assert!(
        !xml.contains("&#"),
        "no character references for non-ASCII text"
    );
    let back = Alert::from_xml(&xml).unwrap();
    assert_eq!(back.infos[1].language, "ar");
    assert_eq!(back.infos[1].event, "كثافة الحشد");
    assert_eq!(
        back.infos[0].areas[0].area_desc,
        "Rue de la République, tronçon nord"
    );
}

#[test]
fn markup_characters_are_escaped_and_come_back() {
    let mut alert = message(MsgType::Alert, Status::Test, Geometry::None);
    let nasty = "a < b && c > d \"quoted\" 'single' </headline><injected/> ]]> \r\n\ttab";
    alert.infos[2].headline = Some(nasty.into());
    alert.note = Some("&amp; stays literal".into());
    let xml = alert.to_xml();
    assert!(xml.contains(
        "a &lt; b &amp;&amp; c &gt; d &quot;quoted&quot; &apos;single&apos; \
         &lt;/headline&gt;&lt;injected/&gt; ]]&gt; &#13;\n\ttab"
    ));
    assert!(xml.contains("<note>&amp;amp; stays literal</note>"));
    assert!(!xml.contains("<injected/>"));
    let back = Alert::from_xml(&xml).unwrap();
    assert_eq!(back.infos[2].headline.as_deref(), Some(nasty));
    assert_eq!(back.note.as_deref(), Some("&amp; stays literal"));
    assert_eq!(back, alert);
}

#[test]
fn minimal_message_and_empty_optional_text() {
    let mut alert = Alert::new(
        "x",
        "y",
        at(0),
        Status::System,
        MsgType::Alert,
        Scope::Public,
    );
    alert.validate().unwrap(); // no info block needed
    assert_eq!(Alert::from_xml(&alert.to_xml()).unwrap(), alert);
    alert.note = Some(String::new());
    alert.source = Some("  spaces kept  ".into());
    assert_eq!(Alert::from_xml(&alert.to_xml()).unwrap(), alert);
}

#[test]
fn reads_what_other_writers_produce() {
    // A namespace prefix, comments, CDATA, a character reference, an offset other than UTC,
    // an info without language, a self-closing empty element, and an XML signature.
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- from another system -->
<cap:alert xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2">
  <cap:identifier>KSTO1055887203</cap:identifier>
  <cap:sender>KSTO@NWS.NOAA.GOV</cap:sender>
  <cap:sent>2003-06-17T14:57:00-07:00</cap:sent>
  <cap:status>Actual</cap:status>
  <cap:msgType>Alert</cap:msgType>
  <cap:scope>Public</cap:scope>
  <cap:note/>
  <cap:info>
    <cap:category>Met</cap:category>
    <cap:event><![CDATA[SEVERE <THUNDERSTORM>]]></cap:event>
    <cap:urgency>Immediate</cap:urgency>
    <cap:severity>Severe</cap:severity>
    <cap:certainty>Observed</cap:certainty>
    <cap:headline>caf&#233; &amp; co</cap:headline>
    <cap:area>
      <cap:areaDesc>EXTREME NORTH SACRAMENTO COUNTY</cap:areaDesc>
      <cap:polygon>38.47,-120.14 38.34,-119.95 38.52,-119.74 38.62,-119.89 38.47,-120.14</cap:polygon>
    </cap:area>
  </cap:info>
  <Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature>
</cap:alert>
"#;
    let a = Alert::from_xml(xml).unwrap();
    assert_eq!(a.sent.to_string(), "2003-06-17T21:57:00-00:00");
    assert_eq!(a.note.as_deref(), Some(""));
    assert_eq!(a.infos[0].language, "en-US");
    assert_eq!(a.infos[0].event, "SEVERE <THUNDERSTORM>");
    assert_eq!(a.infos[0].headline.as_deref(), Some("café & co"));
    assert_eq!(a.infos[0].areas[0].polygons[0].points().len(), 5);
    a.validate().unwrap();
}

#[test]
fn update_and_cancel_reference_the_first_message() {
    let first = message(MsgType::Alert, Status::Actual, Geometry::Polygon);
    for t in [MsgType::Update, MsgType::Cancel] {
        let m = message(t, Status::Actual, Geometry::Polygon);
        assert_eq!(m.references, vec![first.reference()]);
        let xml = m.to_xml();
        assert!(xml.contains(
            "<references>aman@ops.lyon.example,zone-7-density-1,2022-12-10T21:38:00-00:00</references>"
        ));
    }
}

#[test]
fn json_form_round_trips() {
    let alert = message(MsgType::Update, Status::Exercise, Geometry::Both);
    let json = serde_json::to_string(&alert).unwrap();
    assert!(json.contains("\"msgType\":\"Update\""));
    assert!(json.contains("\"sent\":\"2022-12-10T21:43:00-00:00\""));
    assert!(json.contains("\"categories\":[\"Safety\",\"Transport\"]"));
    let back: Alert = serde_json::from_str(&json).unwrap();
    assert_eq!(back, alert);
    let bad = json.replace("\"Exercise\"", "\"exercise\"");
    assert!(serde_json::from_str::<Alert>(&bad).is_err());
}

fn violations(alert: &Alert) -> Vec<(String, &'static str)> {
    match alert.validate() {
        Ok(()) => Vec::new(),
        Err(CapError::Invalid(v)) => v.into_iter().map(|v| (v.path, v.clause)).collect(),
        Err(other) => panic!("unexpected error {other}"),
    }
}

#[test]
fn validate_states_each_rule_with_its_clause() {
    let base = || message(MsgType::Alert, Status::Actual, Geometry::Polygon);

    let mut a = base();
    a.identifier = "zone 7,1".into();
    a.sender = "ops<&>".into();
    assert_eq!(
        violations(&a),
        vec![
            ("alert/identifier".into(), "CAP 1.2 §3.2.1 identifier (2)"),
            ("alert/sender".into(), "CAP 1.2 §3.2.1 sender (3)"),
        ]
    );

    for t in [
        MsgType::Update,
        MsgType::Cancel,
        MsgType::Ack,
        MsgType::Error,
    ] {
        let mut a = base();
        a.msg_type = t;
        assert_eq!(
            violations(&a),
            vec![("alert/references".into(), "CAP 1.2 §3.2.1 msgType")],
            "{t}"
        );
        a.references.push(reference("zone-7-density-0"));
        assert!(violations(&a).is_empty());
        a.references.push(a.reference());
        assert_eq!(
            violations(&a),
            vec![("alert/references".into(), "CAP 1.2 §3.2.1 references (1)")]
        );
    }

    let mut a = base();
    a.references.push(aman_cap::Reference {
        sender: "a b".into(),
        identifier: "c,d".into(),
        sent: at(0),
    });
    assert_eq!(violations(&a).len(), 2);

    let mut a = base();
    a.scope = Scope::Restricted;
    assert_eq!(
        violations(&a),
        vec![("alert/restriction".into(), "CAP 1.2 §3.2.1 restriction (1)")]
    );
    a.restriction = Some("police only".into());
    assert!(violations(&a).is_empty());

    let mut a = base();
    a.scope = Scope::Private;
    assert_eq!(
        violations(&a),
        vec![("alert/addresses".into(), "CAP 1.2 §3.2.1 addresses (1)")]
    );
    a.addresses = Some("\"PC Lyon\" police@lyon.example".into());
    assert!(violations(&a).is_empty());

    let mut a = base();
    a.infos[1].language = "arabic language".into();
    a.infos[1].categories.clear();
    a.infos[1].web = Some("/relative/path".into());
    a.infos[1].areas[0].ceiling = Some(10.0);
    a.infos[2].areas[0].altitude = Some(f64::NAN);
    a.infos[0].description = Some("bell \u{7}".into());
    assert_eq!(
        violations(&a),
        vec![
            ("alert/info[1]/description".into(), "XML 1.0 §2.2"),
            (
                "alert/info[2]/language".into(),
                "CAP 1.2 §3.2.2 language (1)"
            ),
            ("alert/info[2]/category".into(), "CAP 1.2 §3.2.2 category"),
            ("alert/info[2]/web".into(), "CAP 1.2 §3.2.2 web (1)"),
            (
                "alert/info[2]/area[1]/ceiling".into(),
                "CAP 1.2 §3.2.4 ceiling (1)"
            ),
            (
                "alert/info[3]/area[1]/altitude".into(),
                "CAP 1.2 §3.2.4 altitude, ceiling"
            ),
        ]
    );
    let e = a.to_valid_xml().unwrap_err().to_string();
    assert!(
        e.starts_with("the CAP message breaks 6 rule(s): <alert/info[1]/description>"),
        "{e}"
    );

    let mut a = base();
    a.infos[0].areas[0].altitude = Some(100.0);
    a.infos[0].areas[0].ceiling = Some(50.0);
    assert_eq!(
        violations(&a),
        vec![(
            "alert/info[1]/area[1]/ceiling".into(),
            "CAP 1.2 §3.2.4 altitude (1)"
        )]
    );
}

#[test]
fn info_constructor_defaults_read_back() {
    let mut a = Alert::new(
        "i",
        "s",
        CapTime::from_unix_micros(0).unwrap(),
        Status::Draft,
        MsgType::Alert,
        Scope::Public,
    );
    a.infos.push(Info::new(
        "en-GB",
        Category::Cbrne,
        "e",
        Urgency::Unknown,
        Severity::Unknown,
        Certainty::Unknown,
    ));
    let xml = a.to_xml();
    assert!(xml.contains("<category>CBRNE</category>"));
    assert!(xml.contains("<sent>1970-01-01T00:00:00-00:00</sent>"));
    assert_eq!(Alert::from_xml(&xml).unwrap(), a);
}
