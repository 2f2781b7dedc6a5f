//! `aman verify`: bad options give exit code 2 with a message; the experiments suite runs,
//! prints one line per experiment and writes report.html and results.json.

use std::process::Output;

mod common;
use common::{aman, repo};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn unknown_model_is_bad_input() {
    let o = aman(&["verify", "rimea", "--model", "magic"], &repo());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("unknown model 'magic'") && e.contains("social_force"),
        "{e}"
    );
}

#[test]
fn unknown_test_is_bad_input() {
    let o = aman(&["verify", "rimea", "--only", "99"], &repo());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("unknown rimea test '99'"),
        "{}",
        stderr(&o)
    );
    let o = aman(
        &["verify", "experiments", "--only", "hermes-ao301"],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("hermes-ao300"), "{}", stderr(&o));
    let o = aman(&["verify", "everything"], &repo());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn outside_the_repository_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let o = aman(&["verify", "experiments"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no scenarios/ directory"),
        "{}",
        stderr(&o)
    );
}

/// Cases of the validation set (docs/calibration.md).
const CASES: usize = 22;

#[test]
fn experiments_suite_writes_report_and_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("v");
    // run from a subdirectory: the root is found upwards
    let o = aman(
        &["verify", "experiments", "--out", out.to_str().unwrap()],
        &repo().join("crates"),
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    // 0 if every experiment passes, 1 if one fails; never 2 or a crash
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{stdout}\n{}",
        stderr(&o)
    );
    // the validation set: 7 recorded experiments (5 bottlenecks, the T-junction, the corner),
    // 14 published cases (Kretz, Seyfried, Liddle, Adrian), the Weidmann corridor
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), CASES + 1, "{stdout}");
    assert!(lines[0].contains("HERMES AO300") && lines[0].contains("measured: flow"));
    assert!(lines[1].contains("Wuppertal 2014 b080"));
    assert!(lines[2].contains("HERMES corridor 300"));
    assert!(lines[5].contains("HERMES T-junction"));
    assert!(lines[6].contains("Corner (reference test)"));
    assert!(lines[7].contains("Kretz 2006 b040"));
    assert!(lines[CASES - 2].contains("Adrian 2020 b050"));
    assert!(lines[CASES - 1].contains("Weidmann corridor"));
    assert!(lines[CASES].starts_with("22 tests: "), "{stdout}");
    let failed = lines[..CASES].iter().any(|l| !l.starts_with("PASS"));
    assert_eq!(o.status.code(), Some(i32::from(failed)), "{stdout}");

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for s in [
        "HERMES AO300",
        "Wuppertal 2014 b080",
        "collision_free_speed",
        "strength_neighbor_repulsion",
        "<svg",
        env!("CARGO_PKG_VERSION"),
    ] {
        assert!(html.contains(s), "report.html lacks {s}");
    }
    let problems = aman_report::check::page_problems(&html);
    assert!(problems.is_empty(), "{problems:#?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let ids: Vec<&str> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), CASES);
    assert_eq!(ids[..2], ["HERMES AO300", "Wuppertal 2014 b080"]);
    assert_eq!(json["run"]["suite"], "experiments");
    assert_eq!(json["run"]["seed"], 0);
    assert_eq!(json["totals"]["tests"], CASES);

    // --only selects one experiment
    let o = aman(
        &[
            "verify",
            "experiments",
            "--only",
            "wuppertal-2014-b080",
            "--out",
            out.to_str().unwrap(),
        ],
        &repo(),
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout.starts_with("PASS  Wuppertal") || stdout.starts_with("FAIL  Wuppertal"));
}

/// The RiMEA report (tests with N–t, start-time and speed-histogram figures) draws every
/// figure, with whole numbers on the axes that count persons, and prints no NaN or infinity.
#[test]
fn rimea_report_draws_every_figure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = aman(
        &[
            "verify",
            "rimea",
            "--only",
            "1,5,7",
            "--out",
            out.to_str().unwrap(),
        ],
        &repo(),
    );
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let problems = aman_report::check::page_problems(&html);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(html.matches("<svg").count() >= 3);
    // Ticks are written without a trailing ".0" ("350", never "350.0"), and persons axes
    // show whole numbers only.
    for text in html.split("</text>") {
        let tick = text.rsplit('>').next().unwrap_or("").trim();
        let whole_with_zero = tick.strip_suffix(".0").is_some_and(|d| {
            !d.is_empty()
                && d.trim_start_matches('-')
                    .chars()
                    .all(|c| c.is_ascii_digit())
        });
        assert!(!whole_with_zero, "tick {tick}");
    }
}

/// Empty names in `--only` and an unwritable `--out` are bad input, found before any test runs.
#[test]
fn empty_only_and_bad_out_are_bad_input_before_running() {
    for only in ["", ",", " ", "1,,2"] {
        let o = aman(&["verify", "rimea", "--only", only], &repo());
        assert_eq!(o.status.code(), Some(2), "--only '{only}': {}", stderr(&o));
        assert!(
            stderr(&o).contains("--only: an empty test name"),
            "{}",
            stderr(&o)
        );
        assert!(o.stdout.is_empty(), "no test may run");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    for out in [file.clone(), file.join("sub")] {
        let o = aman(
            &["verify", "rimea", "--out", out.to_str().unwrap()],
            &repo(),
        );
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
        assert!(o.stdout.is_empty(), "no test may run");
    }
}
