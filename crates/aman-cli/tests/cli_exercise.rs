//! `aman exercise`, run as the real binary: `check` checks the injects' zones against the
//! venue and names the inject and the zone; a CSV MSEL is named after its file (or `--name`)
//! and is for `--venue`; `run` exits 2 when the server refuses the MSEL as bad input (422),
//! 1 when the server fails. The server is a stand-in answering one request.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::mpsc;

mod common;
use common::{aman, repo};

fn venue() -> String {
    repo()
        .join("venues/sib2023-entrance/venue.toml")
        .to_string_lossy()
        .into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

const TOML: &str = r#"
[exercise]
name = "Zones"
venue = "sib2023-entrance"

[[injects]]
id = "INJ-01"
at = "00:00"
to = "fr-pn operator"
text = "Radio check."

[[injects]]
id = "INJ-02"
at = "00:30"
kind = "cap"
zone = "south-endd"
event = "Crowd surge"
headline = "Surge"
severity = "Severe"
urgency = "Immediate"
certainty = "Observed"
text = "A CAP alert."

[[injects]]
id = "INJ-03"
at = "01:00"
kind = "incident"
to = "fr-pn commander"
title = "Fall"
zone = "north-pole"
severity = "severe"
text = "Persons down."
"#;

#[test]
fn check_names_the_inject_and_the_zone_the_venue_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let msel = write(dir.path(), "zones.toml", TOML);
    let o = aman(
        &[
            "exercise",
            "check",
            msel.to_str().unwrap(),
            "--venue",
            &venue(),
        ],
        dir.path(),
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    for says in [
        "(2 errors)",
        "inject \"INJ-02\": zone: venue \"sib2023-entrance\" has no zone \"south-endd\"",
        "inject \"INJ-03\": zone: venue \"sib2023-entrance\" has no zone \"north-pole\"",
    ] {
        assert!(err.contains(says), "{says}: {err}");
    }
    // Mended, it passes.
    let good = TOML
        .replace("south-endd", "south-end")
        .replace("north-pole", "forecourt-north");
    let msel = write(dir.path(), "zones.toml", &good);
    let o = aman(
        &[
            "exercise",
            "check",
            msel.to_str().unwrap(),
            "--venue",
            &venue(),
        ],
        dir.path(),
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(
        out.starts_with("Zones: 3 injects over 01:00, on venue sib2023-entrance"),
        "{out}"
    );
}

const CSV: &str = "id,at,to,kind,zone,title,severity,text\n\
                   1,00:00,fr-pn operator,,,,,Radio check.\n\
                   2,00:40,fr-pn commander,incident,south-end,Fall,severe,Persons down.\n";

#[test]
fn a_csv_msel_is_named_after_its_file_or_name_and_is_for_the_venue() {
    let dir = tempfile::tempdir().unwrap();
    let msel = write(dir.path(), "night-drill.csv", CSV);
    let m = msel.to_str().unwrap();
    let o = aman(&["exercise", "check", m, "--venue", &venue()], dir.path());
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(
        out.starts_with("night-drill: 2 injects over 00:40, on venue sib2023-entrance"),
        "{out}"
    );
    let o = aman(
        &[
            "exercise",
            "check",
            m,
            "--venue",
            &venue(),
            "--name",
            "Night drill",
        ],
        dir.path(),
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(out.starts_with("Night drill: 2 injects"), "{out}");
    // A zone the venue lacks, in CSV: named with the inject.
    let bad = write(
        dir.path(),
        "bad.csv",
        &CSV.replace("incident,south-end", "incident,south-endd"),
    );
    let o = aman(
        &[
            "exercise",
            "check",
            bad.to_str().unwrap(),
            "--venue",
            &venue(),
        ],
        dir.path(),
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("inject \"2\": zone:"), "{err}");
    // --name is for CSV: a TOML MSEL names itself.
    let toml = write(
        dir.path(),
        "zones.toml",
        &TOML
            .replace("south-endd", "south-end")
            .replace("north-pole", "forecourt-north"),
    );
    let o = aman(
        &[
            "exercise",
            "check",
            toml.to_str().unwrap(),
            "--venue",
            &venue(),
            "--name",
            "x",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o).1);
}

/// A stand-in server: answers the first request with `status` and `body`, and hands over
/// what it was sent (request line and body).
fn stand_in(
    status: &'static str,
    body: &'static str,
) -> (String, mpsc::Receiver<(String, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap();
            }
        }
        let mut sent = vec![0u8; length];
        reader.read_exact(&mut sent).unwrap();
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let _ = tx.send((first.trim().to_string(), String::from_utf8(sent).unwrap()));
    });
    (url, rx)
}

#[test]
fn run_exits_2_when_the_server_refuses_the_msel_and_1_when_it_fails() {
    let dir = tempfile::tempdir().unwrap();
    let msel = write(dir.path(), "night-drill.csv", CSV);
    let m = msel.to_str().unwrap();
    let run = |url: &str| {
        let o = aman(
            &[
                "exercise",
                "run",
                m,
                "--venue",
                &venue(),
                "--server",
                url,
                "--token",
                "t",
            ],
            dir.path(),
        );
        let (out, err) = text(&o);
        (o.status.code(), format!("{out}{err}"), err)
    };
    // What the server refused as sent (the MSEL, the id, the size) is bad input: exit 2.
    for (status, body, says) in [
        (
            "422 Unprocessable Entity",
            r#"{"error":"msel: inject \"2\": to: agency \"fr-pn\" is not an agency of this server","field":"msel"}"#,
            "is not an agency of this server",
        ),
        (
            "409 Conflict",
            r#"{"error":"exercise id \"night-drill\" is taken: give another id"}"#,
            "is taken",
        ),
        (
            "413 Payload Too Large",
            r#"{"error":"the body is over 1048576 bytes"}"#,
            "413",
        ),
    ] {
        let (url, sent) = stand_in(status, body);
        let (code, all, err) = run(&url);
        assert_eq!(code, Some(2), "{status}: {all}");
        assert!(
            err.contains(&status[..3]) && err.contains(says),
            "{status}: {err}"
        );
        let (line, body) = sent.recv().unwrap();
        assert_eq!(line, "POST /api/v1/exercises HTTP/1.1");
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["format"], "csv");
        assert_eq!(body["name"], "night-drill", "the file's stem");
        assert_eq!(body["msel"], CSV);
    }
    // The server failing is not the input's fault: exit 1.
    let (url, _sent) = stand_in("503 Service Unavailable", r#"{"error":"the store failed"}"#);
    let (code, all, _) = run(&url);
    assert_eq!(code, Some(1), "{all}");
}
