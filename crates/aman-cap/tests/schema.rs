//! Every kind of message aman sends is valid against the OASIS CAP 1.2 schema, as checked by
//! `xmllint` (Debian package libxml2-utils; `scripts/install-test-tools` installs it).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use aman_cap::{Alert, MsgType, Status};
use common::{GEOMETRIES, message};

fn schema() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/standards/cap-1.2/CAP-v1.2.xsd");
    assert!(
        path.is_file(),
        "the CAP 1.2 schema is missing at {}: ../shared must sit beside the repository",
        path.display()
    );
    path
}

/// Runs `xmllint --noout --schema CAP-v1.2.xsd FILES…`; returns (success, stderr).
/// Fails the test, never skips it, when xmllint is not installed.
fn xmllint(files: &[PathBuf]) -> (bool, String) {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema())
        .args(files)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run xmllint ({e}): it validates CAP messages against the OASIS schema; \
                 install it with scripts/install-test-tools (Debian package libxml2-utils)"
            )
        });
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_message_kind_is_schema_valid() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for msg_type in [
        MsgType::Alert,
        MsgType::Update,
        MsgType::Cancel,
        MsgType::Ack,
        MsgType::Error,
    ] {
        for status in Status::ALL {
            for geometry in GEOMETRIES {
                let alert = message(msg_type, *status, geometry);
                let xml = alert.to_valid_xml().unwrap();
                let file = dir
                    .path()
                    .join(format!("{msg_type}-{status}-{geometry:?}.xml"));
                std::fs::write(&file, xml).unwrap();
                files.push(file);
            }
        }
    }
    // A bare message: required elements only, no info block.
    let bare = Alert::new(
        "bare-1",
        common::SENDER,
        common::at(0),
        Status::Test,
        MsgType::Alert,
        aman_cap::Scope::Public,
    );
    let file = dir.path().join("bare.xml");
    std::fs::write(&file, bare.to_valid_xml().unwrap()).unwrap();
    files.push(file);

    let (ok, stderr) = xmllint(&files);
    assert!(ok, "xmllint rejected messages:\n{stderr}");
    // xmllint reports "<file> validates" once per file.
    assert_eq!(
        stderr.matches(" validates").count(),
        files.len(),
        "{stderr}"
    );
}

#[test]
fn xmllint_rejects_broken_messages() {
    let good = message(MsgType::Update, Status::Actual, common::Geometry::Both).to_xml();
    let broken = [
        (
            "bad-status",
            good.replace("<status>Actual</status>", "<status>Real</status>"),
        ),
        ("utc-as-z", good.replacen("-00:00</sent>", "Z</sent>", 1)),
        (
            "out-of-order",
            good.replacen("<scope>Public</scope>", "", 1).replacen(
                "<incidents>",
                "<scope>Public</scope>\n  <incidents>",
                1,
            ),
        ),
        (
            "wrong-namespace",
            good.replace("emergency:cap:1.2", "emergency:cap:1.1"),
        ),
        (
            "missing-event",
            good.replacen("<event>Densité de foule</event>", "", 1),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, xml) in broken {
        assert_ne!(xml, good, "{name}: the edit did not apply");
        let file = dir.path().join(format!("{name}.xml"));
        std::fs::write(&file, &xml).unwrap();
        let (ok, stderr) = xmllint(&[file]);
        assert!(!ok, "{name}: xmllint accepted a broken message");
        assert!(stderr.contains("fails to validate"), "{name}: {stderr}");
        // Our reader refuses them too.
        assert!(
            Alert::from_xml(&xml).is_err(),
            "{name}: from_xml accepted it"
        );
    }
}
