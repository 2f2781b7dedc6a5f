//! from_xml on bad input: a clear CapError naming the element and the reason, never a panic.

mod common;

use aman_cap::{Alert, CapError, MsgType, Status};
use common::{Geometry, message};

fn good() -> String {
    message(MsgType::Update, Status::Exercise, Geometry::Both).to_xml()
}

/// from_xml must fail; returns (path or "", message).
fn fails(xml: &str) -> (String, String) {
    match Alert::from_xml(xml) {
        Ok(a) => panic!("accepted: {a:?}\n{xml}"),
        Err(e) => {
            let path = match &e {
                CapError::Element { path, .. } => path.clone(),
                _ => String::new(),
            };
            (path, e.to_string())
        }
    }
}

#[test]
fn garbage_is_not_xml() {
    for garbage in [
        "",
        "   \n",
        "hello world",
        "{\"identifier\": \"x\"}",
        "<<<>>>",
        "<alert",
        "\u{0}\u{1}\u{2}",
        "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"></alert><alert/>",
        "<a></b>",
        "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><note>&bogus;</note></alert>",
        "<!DOCTYPE alert [<!ENTITY x \"y\">]><alert/>",
        "<x:alert/>",
    ] {
        let (path, msg) = fails(garbage);
        assert!(
            matches!(Alert::from_xml(garbage), Err(CapError::Xml { .. })),
            "{garbage:?}: {msg} ({path})"
        );
    }
}

#[test]
fn deep_nesting_is_refused() {
    let n = 200_000;
    let xml = format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
    let (_, msg) = fails(&xml);
    assert!(msg.contains("nested deeper than 32 levels"), "{msg}");
}

#[test]
fn truncated_documents_fail_at_every_cut_without_panicking() {
    let xml = good();
    let mut cuts = 0;
    for (i, _) in xml.char_indices().skip(1) {
        let head = &xml[..i];
        // Cuts inside the trailing newline after </alert> leave a whole document.
        if head.trim_end().ends_with("</alert>") {
            continue;
        }
        let err = Alert::from_xml(head).expect_err("truncated document accepted");
        let msg = err.to_string();
        assert!(!msg.is_empty());
        cuts += 1;
    }
    assert!(cuts > 3000, "{cuts}");
    let (_, msg) = fails(&xml[..xml.find("<urgency>").unwrap()]);
    assert!(msg.contains("truncated: <info> is not closed"), "{msg}");
}

#[test]
fn wrong_or_missing_namespace() {
    let (path, msg) = fails(&good().replace("emergency:cap:1.2", "emergency:cap:1.1"));
    assert_eq!(path, "alert");
    assert!(msg.contains("\"urn:oasis:names:tc:emergency:cap:1.1\", expected urn:oasis:names:tc:emergency:cap:1.2"), "{msg}");
    let (path, msg) = fails(&good().replace(" xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"", ""));
    assert_eq!(path, "alert");
    assert!(msg.contains("namespace is (none)"), "{msg}");
    let (path, msg) = fails("<html><body/></html>");
    assert_eq!(path, "html");
    assert!(msg.contains("root element must be <alert>"), "{msg}");
    let foreign = good().replace(
        "<note>",
        "<x:note xmlns:x=\"urn:example\">n</x:note>\n  <note>",
    );
    let (path, msg) = fails(&foreign);
    assert_eq!(path, "alert/note");
    assert!(msg.contains("namespace \"urn:example\""), "{msg}");
}

#[test]
fn each_missing_required_element_is_named() {
    let xml = good();
    for (element, path) in [
        ("identifier", "alert/identifier"),
        ("sender", "alert/sender"),
        ("sent", "alert/sent"),
        ("status", "alert/status"),
        ("msgType", "alert/msgType"),
        ("scope", "alert/scope"),
        ("category", "alert/info[1]/category"),
        ("event", "alert/info[1]/event"),
        ("urgency", "alert/info[1]/urgency"),
        ("severity", "alert/info[1]/severity"),
        ("certainty", "alert/info[1]/certainty"),
        ("areaDesc", "alert/info[1]/area[1]/areaDesc"),
        ("valueName", "alert/info[1]/eventCode[1]/valueName"),
    ] {
        // Remove every occurrence of the element in the first place it appears.
        let start = xml.find(&format!("<{element}>")).unwrap();
        let end_tag = format!("</{element}>");
        let end = xml[start..].find(&end_tag).unwrap() + start + end_tag.len();
        let mut broken = format!("{}{}", &xml[..start], &xml[end..]);
        // Both categories of the first info go.
        if element == "category" {
            broken = broken.replacen("<category>Transport</category>", "", 1);
        }
        let (p, msg) = fails(&broken);
        assert_eq!(p, path, "{element}: {msg}");
        assert!(msg.contains("required element missing"), "{element}: {msg}");
    }
}

#[test]
fn bad_values_name_the_element_and_the_reason() {
    let xml = good();
    for (from, to, path, reason) in [
        (
            "<status>Exercise</status>",
            "<status>Real</status>",
            "alert/status",
            "expected one of: Actual Exercise System Test Draft",
        ),
        (
            "<msgType>Update</msgType>",
            "<msgType>update</msgType>",
            "alert/msgType",
            "expected one of",
        ),
        (
            "-00:00</sent>",
            "Z</sent>",
            "alert/sent",
            "forbids the designator Z",
        ),
        (
            "<urgency>Immediate</urgency>",
            "<urgency>Now</urgency>",
            "alert/info[1]/urgency",
            "Immediate Expected Future Past Unknown",
        ),
        (
            "<category>Transport</category>",
            "<category>Traffic</category>",
            "alert/info[1]/category[2]",
            "expected one of",
        ),
        (
            "<responseType>Monitor</responseType>",
            "<responseType>Run</responseType>",
            "alert/info[1]/responseType[2]",
            "expected one of",
        ),
        (
            "4.8366 45.7601,4.8357</polygon>",
            "4.8366</polygon>",
            "alert/info[1]/area[1]/polygon[1]",
            "first and last",
        ),
        (
            "<altitude>558</altitude>",
            "<altitude>1e3</altitude>",
            "alert/info[1]/area[1]/altitude",
            "decimal",
        ),
        (
            "<circle>45.76065,4.83615 0.08</circle>",
            "<circle>45.76065 4.83615 0.08</circle>",
            "alert/info[1]/area[1]/circle[1]",
            "expected `lat,lon radius`",
        ),
        (
            "<size>20480</size>",
            "<size>-5</size>",
            "alert/info[3]/resource[1]/size",
            "whole number",
        ),
        (
            "2022-12-10T21:38:00-00:00</references>",
            "yesterday</references>",
            "alert/references",
            "invalid CAP dateTime \"yesterday\"",
        ),
        (
            "<expires>2022-12-10T22:38:00-00:00</expires>",
            "<expires>2022-12-10 22:38</expires>",
            "alert/info[1]/expires",
            "expected YYYY-MM-DDThh:mm:ss",
        ),
    ] {
        assert!(xml.contains(from), "{from}");
        let (p, msg) = fails(&xml.replacen(from, to, 1));
        assert_eq!(p, path, "{to}: {msg}");
        assert!(msg.contains(reason), "{to}: {msg}");
    }
}

#[test]
fn structure_errors_name_the_element() {
    let xml = good();
    // Out of schema order.
    let moved = xml.replacen("<scope>Public</scope>", "", 1).replacen(
        "<incidents>",
        "<scope>Public</scope>\n  <incidents>",
        1,
    );
    let (p, msg) = fails(&moved);
    assert_eq!(p, "alert/scope");
    assert!(msg.contains("found <code> in its place"), "{msg}");
    // Unknown element.
    let (p, msg) = fails(&xml.replacen("<incidents>", "<priority>1</priority>\n  <incidents>", 1));
    assert_eq!(p, "alert/priority");
    assert!(msg.contains("unexpected element"), "{msg}");
    // Repeated single element.
    let (p, _) = fails(&xml.replacen("<note>", "<note>one</note><note>", 1));
    assert_eq!(p, "alert/note");
    // Element inside a text element.
    let (p, msg) = fails(&xml.replacen(
        "<event>Densité de foule</event>",
        "<event><b>x</b></event>",
        1,
    ));
    assert_eq!(p, "alert/info[1]/event");
    assert!(msg.contains("holds text only"), "{msg}");
    // Text inside a container element.
    let (p, msg) = fails(&xml.replacen("<area>", "<area>stray text", 1));
    assert_eq!(p, "alert/info[1]/area[1]");
    assert!(msg.contains("holds elements, not text"), "{msg}");
    // A signature before an info block is out of order.
    let (p, _) = fails(&xml.replacen(
        "<info>",
        "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"/>\n  <info>",
        1,
    ));
    assert_eq!(p, "alert/info");
}
