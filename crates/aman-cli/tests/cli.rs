//! The real `aman` binary in temporary directories: exit codes, messages, outputs (ripgrep's
//! way). Every bad scenario must give exit code 2 and a message naming the file, the key and
//! what would be valid — never a panic.

use std::process::Command;

mod common;
use common::{aman, repo};

/// A valid small scenario: a 10 m x 4 m room with an exit strip at x = 9.5..10.
const GOOD: &str = r#"
[simulation]
end_time = 60.0

[geometry]
wkt = "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))"

[[stages]]
kind = "exit"
name = "door"
polygon = [[9.5, 1], [10, 1], [10, 3], [9.5, 3]]

[[journeys]]
name = "out"
stages = ["door"]

[[populations]]
name = "crowd"
journey = "out"
area = [[1, 1], [4, 1], [4, 3], [1, 3]]
count = 10

[[measurement_lines]]
name = "middle"
line = [[6, 0], [6, 4]]
"#;

struct Case {
    name: &'static str,
    /// The scenario text, made from GOOD by replacing `from` by `to`.
    edit: (&'static str, &'static str),
    /// Pieces the error message must contain.
    expect: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "unknown key (typo)",
        edit: ("end_time = 60.0", "end_tme = 60.0"),
        expect: &["unknown field `end_tme`", "end_time", "line"],
    },
    Case {
        name: "TOML syntax error",
        edit: ("count = 10", "count = = 10"),
        expect: &["TOML parse error", "line"],
    },
    Case {
        name: "invalid polygon (self-intersecting)",
        edit: (
            "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))",
            "POLYGON ((0 0, 10 4, 10 0, 0 4, 0 0))",
        ),
        expect: &["geometry.wkt", "invalid polygon"],
    },
    Case {
        name: "agents outside the area",
        edit: (
            "[[1, 1], [4, 1], [4, 3], [1, 3]]",
            "[[20, 1], [24, 1], [24, 3], [20, 3]]",
        ),
        expect: &["populations[0] ('crowd').area", "outside the walkable area"],
    },
    Case {
        name: "exit outside the area",
        edit: (
            "[[9.5, 1], [10, 1], [10, 3], [9.5, 3]]",
            "[[19.5, 1], [20, 1], [20, 3], [19.5, 3]]",
        ),
        expect: &["stages[0]", "'door'", "does not overlap the walkable area"],
    },
    Case {
        name: "negative speed",
        edit: ("count = 10", "count = 10\ndesired_speed = -1.2"),
        expect: &[
            "populations[0] ('crowd').desired_speed",
            "-1.2 is not allowed",
            "(0, 10] m/s",
        ],
    },
    Case {
        name: "unknown journey",
        edit: ("journey = \"out\"", "journey = \"outt\""),
        expect: &[
            "populations[0] ('crowd').journey",
            "unknown journey 'outt'",
            "out",
        ],
    },
    Case {
        name: "unknown stage in a journey",
        edit: ("stages = [\"door\"]", "stages = [\"dor\"]"),
        expect: &[
            "journeys[0] ('out').stages[0]",
            "unknown stage 'dor'",
            "door",
        ],
    },
    Case {
        name: "missing geometry file",
        edit: (
            "wkt = \"POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))\"",
            "file = \"no-such-venue.wkt\"",
        ),
        expect: &["cannot read geometry file", "no-such-venue.wkt"],
    },
    Case {
        // An obstacle reaching outside is cut from the area (with a note); one across the
        // whole room cuts it in two, which is an error naming the parts and the cut.
        name: "obstacle cutting the area in two",
        edit: (
            "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))",
            "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0), (6 -0.0001, 6.2 -0.0001, 6.2 4.1, 6 4.1, 6 -0.0001))",
        ),
        expect: &[
            "invalid polygon",
            "2 separate parts",
            "x 0…6, y 0…4 (24 m²)",
            "hole 1 (first corner (6, -0.0001)) crosses the outer boundary",
        ],
    },
    Case {
        name: "unreachable exit behind a fence",
        edit: (
            "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))",
            "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0), (6 0.15, 6.2 0.15, 6.2 1.85, 6 1.85, 6 0.15), (6 2.15, 6.2 2.15, 6.2 3.85, 6 3.85, 6 2.15))",
        ),
        expect: &["populations[0] ('crowd')", "cannot be reached", "door"],
    },
    Case {
        name: "social force with too large dt",
        edit: (
            "[simulation]",
            "[model]\nkind = \"social_force\"\n[simulation]\ndt = 0.05",
        ),
        expect: &["simulation.dt", "too large for the social force model"],
    },
    Case {
        name: "unknown model",
        edit: ("[simulation]", "[model]\nkind = \"magic\"\n[simulation]"),
        expect: &[
            "unknown variant `magic`",
            "collision_free_speed",
            "social_force",
        ],
    },
    Case {
        name: "too many agents for the area",
        edit: ("count = 10", "count = 500"),
        expect: &[
            "populations[0] ('crowd')",
            "500 agents cannot fit",
            "at most about 32",
        ],
    },
    Case {
        name: "event on an unknown stage",
        edit: (
            "[[measurement_lines]]",
            "[[events]]\ntime = 5.0\nclose = \"gate\"\n\n[[measurement_lines]]",
        ),
        expect: &["events[0].close", "unknown stage 'gate'"],
    },
    Case {
        name: "distribution with min > max",
        edit: (
            "count = 10",
            "count = 10\nradius = { distribution = \"uniform\", min = 0.3, max = 0.1 }",
        ),
        expect: &["populations[0] ('crowd').radius", "min = 0.3 > max = 0.1"],
    },
    Case {
        name: "output rate not dividing the step rate",
        edit: (
            "[[measurement_lines]]",
            "[output]\nfps = 16.0\n\n[[measurement_lines]]",
        ),
        expect: &["output.fps", "does not divide", "fps = 20"],
    },
    Case {
        name: "snapshot after the end time",
        edit: (
            "[[measurement_lines]]",
            "[output]\nsnapshots = [10.0, 90.0]\n\n[[measurement_lines]]",
        ),
        expect: &["output.snapshots[1]", "90", "end_time = 60 s"],
    },
    Case {
        name: "snapshots out of order",
        edit: (
            "[[measurement_lines]]",
            "[output]\nsnapshots = [30.0, 20.0]\n\n[[measurement_lines]]",
        ),
        expect: &["output.snapshots[1]", "increasing order"],
    },
    Case {
        name: "snapshot that is not a time",
        edit: (
            "[[measurement_lines]]",
            "[output]\nsnapshots = [\"noon\"]\n\n[[measurement_lines]]",
        ),
        expect: &["snapshots", "noon"],
    },
    Case {
        name: "journey ending at a waypoint",
        edit: (
            "[[journeys]]",
            "[[stages]]\nkind = \"waypoint\"\nname = \"mid\"\nposition = [5, 2]\n\n[[journeys]]\nname = \"loop\"\nstages = [\"mid\"]\n\n[[journeys]]",
        ),
        expect: &["journeys[0]", "'loop'", "last step must be an exit"],
    },
    Case {
        name: "duplicate stage names",
        edit: (
            "[[journeys]]",
            "[[stages]]\nkind = \"exit\"\nname = \"door\"\npolygon = [[0, 1], [0.5, 1], [0.5, 3], [0, 3]]\n\n[[journeys]]",
        ),
        expect: &["stages[1] ('door')", "same name"],
    },
    Case {
        name: "absurd count",
        edit: ("count = 10", "count = 1000000000000"),
        expect: &["populations[0] ('crowd').count", "at most 10000000"],
    },
    Case {
        name: "absurd time step",
        edit: ("end_time = 60.0", "end_time = 60.0\ndt = 1e-12"),
        expect: &["dt = 0.000000000001", "[0.0001, 0.1] s"],
    },
    Case {
        name: "absurd arrival rate",
        edit: (
            "[[measurement_lines]]",
            "[[sources]]\nname = \"flood\"\njourney = \"out\"\narea = [[1, 1], [4, 1], [4, 3], [1, 3]]\nrate = 1e9\nend = 1e9\n\n[[measurement_lines]]",
        ),
        expect: &["sources[0] ('flood')", "at most 10000000"],
    },
    Case {
        name: "overlapping start positions",
        edit: ("count = 10", "positions = [[3, 2], [3, 2]]"),
        expect: &[
            "populations[0] ('crowd').positions[0]",
            "even with radii shrunk to fit",
            "move the points apart",
        ],
    },
    Case {
        name: "empty population",
        edit: ("count = 10", "count = 0"),
        expect: &["populations[0] ('crowd')", "at least one agent"],
    },
    Case {
        name: "far more agents than fit",
        edit: ("count = 10", "count = 9000000"),
        expect: &["populations[0] ('crowd')", "cannot fit", "at most about"],
    },
    Case {
        name: "a few more agents than fit",
        edit: ("count = 10", "count = 40"),
        expect: &["populations[0] ('crowd')", "of 40 agents fit"],
    },
    Case {
        name: "measurement line outside the venue",
        edit: ("line = [[6, 0], [6, 4]]", "line = [[60, 0], [60, 4]]"),
        expect: &[
            "measurement_lines[0] ('middle').line",
            "does not touch the walkable area",
        ],
    },
    Case {
        name: "measurement line of three points",
        edit: ("line = [[6, 0], [6, 4]]", "line = [[6, 0], [6, 4], [7, 4]]"),
        expect: &["line 25", "found 3 points"],
    },
    Case {
        name: "point of three numbers",
        edit: ("[[9.5, 1], [10, 1]", "[[9.5, 1, 7], [10, 1]"),
        expect: &["a point is [x, y]", "found 3 numbers"],
    },
    Case {
        name: "radius not a number",
        edit: ("count = 10", "count = 10\nradius = nan"),
        expect: &[
            "populations[0] ('crowd').radius",
            "NaN is not a number",
            "(0, 2] m",
        ],
    },
];

#[test]
fn good_scenario_checks_and_simulates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), GOOD).unwrap();
    let out = aman(&["check", "s.toml"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("10 agents at the start"));
    let out = aman(
        &["simulate", "s.toml", "--out", "res", "--json"],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("--json prints the summary");
    assert_eq!(summary["complete"], true);
    assert_eq!(summary["agents_total"], 10);
    assert_eq!(summary["exits"][0]["agents"], 10);
    assert_eq!(summary["measurement_lines"][0]["crossings"], 10);
    let ev = summary["evacuation_time"].as_f64().unwrap();
    // 10 agents from x in [1, 4] to x = 9.5 at 1.2 m/s: between 5.4 and ~20 s
    assert!((5.0..20.0).contains(&ev), "evacuation time {ev}");
    for f in ["summary.json", "report.html", "trajectories.sqlite"] {
        assert!(dir.path().join("res").join(f).exists(), "{f} missing");
    }
    let (traj, wkt) =
        aman_trajectory::read_jupedsim_sqlite(&dir.path().join("res/trajectories.sqlite")).unwrap();
    assert_eq!(traj.frame_rate, 10.0);
    assert_eq!(traj.id_count(), 10);
    assert!(wkt.unwrap().starts_with("POLYGON"));
    let html = std::fs::read_to_string(dir.path().join("res/report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("door"));
}

#[test]
fn bad_scenarios_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in CASES {
        assert!(
            GOOD.contains(case.edit.0),
            "case '{}': pattern not in GOOD",
            case.name
        );
        std::fs::write(
            dir.path().join("bad.toml"),
            GOOD.replacen(case.edit.0, case.edit.1, 1),
        )
        .unwrap();
        let out = aman(&["check", "bad.toml"], dir.path());
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        // no part of the message may be said twice (an error chain printing its source again)
        let repeated = err.lines().next().is_some_and(|l| {
            let parts: Vec<&str> = l.split(": ").filter(|p| p.len() > 20).collect();
            parts
                .iter()
                .enumerate()
                .any(|(i, p)| parts[..i].contains(p))
        });
        let ok = out.status.code() == Some(2)
            && !repeated
            && err.contains("bad.toml")
            && !err.contains("panicked")
            && case.expect.iter().all(|e| err.contains(e));
        if !ok {
            failures.push(format!(
                "{}: exit {:?}\n{err}",
                case.name,
                out.status.code()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n---\n")
    );
}

#[test]
fn missing_and_garbage_files_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = aman(&["simulate", "nope.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read scenario file nope.toml"), "{err}");
    std::fs::write(
        dir.path().join("garbage.toml"),
        [0u8, 159, 146, 150, 255, 10, 1, 2],
    )
    .unwrap();
    let out = aman(&["check", "garbage.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    let out = aman(&["simulate", "x.toml", "--threads", "0"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let out = aman(&["frobnicate"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn shipped_self_contained_scenarios_check() {
    for s in [
        "hermes-ao300/scenario.toml",
        "wuppertal-2014-b080/scenario.toml",
        "rimea/01-corridor.toml",
        "rimea/06-corner.toml",
    ] {
        let out = aman(&["check", &format!("scenarios/{s}")], &repo());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{s}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The complete example in the README is a valid scenario that runs to the end.
#[test]
fn readme_example_scenario_runs() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme.find("```toml\n").expect("README has a TOML example") + 8;
    let end = start + readme[start..].find("```").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hall.toml"), &readme[start..end]).unwrap();
    let out = aman(
        &["simulate", "hall.toml", "--out", "o", "--json"],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["complete"], true, "{s}");
    // The report draws every figure: the timeline holds the door closing, and the two
    // snapshots asked for are there.
    let html = std::fs::read_to_string(dir.path().join("o/report.html")).unwrap();
    let problems = aman_report::check::page_problems(&html);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(html.contains("<b><bdi>east-door</bdi> closes</b>"));
    assert!(html.contains("— requested at 10 s") && html.contains("— requested at 20 s"));
    // 0.5 persons/m² of (26 x 16 − 6 x 4) m² = 196 placed, plus about 60 Poisson arrivals
    // (2/s over 30 s); all of them leave
    let total = s["agents_total"].as_u64().unwrap();
    assert!((196 + 30..196 + 100).contains(&total), "{total}");
    // the east door closes at 20 s: nobody leaves by it afterwards
    let east = s["exits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "east-door")
        .unwrap();
    assert!(east["last"].as_f64().unwrap() <= 20.0 + 1e-9, "{east}");
    // the line runs across the hall 1 m inside the west door: it counts exactly who left by
    // that door
    let west = s["exits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "west-door")
        .unwrap();
    assert_eq!(
        s["measurement_lines"][0]["crossings"], west["agents"],
        "{s}"
    );
    // its exits are doors: no warning about exit areas
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("warning"), "{err}");
}

/// Output to a closed pipe or a full disk ends the program with an error code, never a panic.
#[test]
fn closed_stdout_is_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), GOOD).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_aman"))
        .args(["simulate", "s.toml", "--json", "--out", "o"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before aman prints
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "a closed pipe is a normal end: {err}"
    );
    if std::path::Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_aman"))
            .args(["check", "s.toml"])
            .current_dir(dir.path())
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("No space left on device"));
    }
}

/// When every exit is closed for good, the run stops at once and says why, instead of running
/// to `end_time`, with exit code 3 (persons inside).
#[test]
fn run_stops_when_every_exit_is_closed_for_good() {
    let dir = tempfile::tempdir().unwrap();
    let text = GOOD
        .replace("end_time = 60.0", "end_time = 100000.0")
        .replace(
            "[[measurement_lines]]",
            "[[events]]\ntime = 1.0\nclose = \"door\"\n\n[[measurement_lines]]",
        );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let out = aman(&["simulate", "s.toml", "--json", "--out", "o"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["complete"], false);
    assert_eq!(
        s["stopped_because"],
        "every exit is closed and none opens again"
    );
    assert!(s["simulated_time"].as_f64().unwrap() < 2.0, "{s}");
    let out = aman(&["simulate", "s.toml", "--threads", "5000"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

/// `--out` naming a file (or a folder below a file) is bad input for every command: exit code
/// 2, the same message, given before any work (no simulation, analysis or test runs).
#[test]
fn out_that_is_a_file_is_bad_input_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), GOOD).unwrap();
    std::fs::write(
        dir.path().join("t.txt"),
        "# framerate: 10\n# x/cm y/cm\n1 0 100 100\n1 1 110 100\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("taken"), "x").unwrap();
    let root = repo();
    let scenario = dir.path().join("s.toml");
    let trajectory = dir.path().join("t.txt");
    for (out, what) in [
        (
            "taken",
            "--out taken: is a file, not a folder; give a folder",
        ),
        (
            "taken/sub",
            "--out taken/sub: taken is a file, not a folder; give a folder",
        ),
    ] {
        let out_path = dir.path().join(out);
        let runs: [(&str, Vec<&str>, &std::path::Path); 3] = [
            (
                "simulate",
                vec!["simulate", scenario.to_str().unwrap(), "--out", out],
                dir.path(),
            ),
            (
                "analyze",
                vec!["analyze", trajectory.to_str().unwrap(), "--out", out],
                dir.path(),
            ),
            (
                "verify",
                vec![
                    "verify",
                    "rimea",
                    "--only",
                    "1",
                    "--out",
                    out_path.to_str().unwrap(),
                ],
                &root,
            ),
        ];
        for (command, args, cwd) in runs {
            let o = aman(&args, cwd);
            let e = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{command} --out {out}: {e}");
            let what = if command == "verify" {
                what.replace(
                    &format!("--out {out}"),
                    &format!("--out {}", out_path.display()),
                )
                .replace(
                    "taken is",
                    &format!("{} is", dir.path().join("taken").display()),
                )
            } else {
                what.to_string()
            };
            assert!(e.contains(&what), "{command}: {what:?} not in {e}");
            assert!(
                o.stdout.is_empty(),
                "{command}: nothing may run: {}",
                String::from_utf8_lossy(&o.stdout)
            );
        }
    }
}

/// Geometric figures are written without floating-point noise: a measurement line from
/// y = 1.4 to y = 2.6 is 1.2000000000000002 m long in floating point, written as `1.2`.
#[test]
fn summary_lengths_have_no_floating_point_noise() {
    let dir = tempfile::tempdir().unwrap();
    let text = GOOD.replace("line = [[6, 0], [6, 4]]", "line = [[6, 1.4], [6, 2.6]]");
    assert_ne!(text, GOOD);
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let o = aman(&["simulate", "s.toml", "--out", "o", "--quiet"], dir.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let summary = std::fs::read_to_string(dir.path().join("o/summary.json")).unwrap();
    assert!(summary.contains("\"width\": 1.2,"), "{summary}");
    let v: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(v["measurement_lines"][0]["width"].as_f64(), Some(1.2));
    assert_eq!(v["peak_density"]["cell_size"].as_f64(), Some(2.0));
    // Times are sums of 0.01 s steps: at most 6 decimals (1 µs), never …0000001.
    for t in [
        &v["t50"],
        &v["t90"],
        &v["evacuation_time"],
        &v["exits"][0]["first"],
    ] {
        let t = t.as_f64().unwrap();
        assert_eq!(t, (t * 1e6).round() / 1e6, "{t}");
    }
}

/// Obstacles drawn overlapping, or against the wall, are merged and cut with a note that
/// `aman check` and `aman simulate` print (the 10 m × 4 m room loses 1.5 m² to two 1 m²
/// stands overlapping by 0.5 m², and 0.5 m² to a pillar against the wall y = 0).
#[test]
fn check_and_simulate_print_the_obstacle_notes() {
    let dir = tempfile::tempdir().unwrap();
    let text = GOOD.replace(
        "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))",
        "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0), (7 1.5, 8 1.5, 8 2.5, 7 2.5, 7 1.5), \
         (7.5 1.5, 8.5 1.5, 8.5 2.5, 7.5 2.5, 7.5 1.5), (2 0, 3 0, 3 0.5, 2 0.5, 2 0))",
    );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let o = aman(&["check", "s.toml"], dir.path());
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("Walkable area 38.0 m² with 1 obstacle"),
        "{out}"
    );
    assert!(
        out.contains(
            "  note: hole 3 (first corner (2, 0)) touches the outer boundary: cut from the \
             walkable area, whose boundary moves in; area −0.5 m²"
        ),
        "{out}"
    );
    assert!(
        out.contains("  note: hole 1 (first corner (7, 1.5)) and hole 2 (first corner (7.5, 1.5)) overlap: united into one obstacle of 1.5 m²"),
        "{out}"
    );
    let o = aman(&["check", "s.toml", "--json"], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["geometry_notes"].as_array().map(Vec::len), Some(2));
    let o = aman(&["simulate", "s.toml", "--out", "o"], dir.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("note: hole 3 (first corner (2, 0)) touches"),
        "{err}"
    );
}

/// A 40 m × 10 m corridor venue: an entry into the hall (300 m²), a 10 m opening into the
/// front (95 m²), a 2 m exit (the venue of aman-forecast's own tests).
const CORRIDOR_VENUE: &str = include_str!("../../aman-forecast/tests/corridor.toml");

const CORRIDOR_STATE: &str = r#"{"venue": "corridor", "seq": 7,
  "zones": [{"id": "hall", "occupancy": 300, "density": 1.0}, {"id": "front", "occupancy": 0}],
  "lines": [{"id": "entry", "flow_in": 5.0, "total_in": 12}, {"id": "exit", "flow_out": 0.0}],
  "sensors": [], "alerts": []}"#;

#[test]
fn forecast_gives_the_time_to_los_e_and_what_a_change_does() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("venue.toml"), CORRIDOR_VENUE).unwrap();
    std::fs::write(dir.path().join("state.json"), CORRIDOR_STATE).unwrap();
    let out = aman(
        &[
            "forecast",
            "venue.toml",
            "--state",
            "state.json",
            "--what-if",
            "close:entry",
            "--json",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The front fills at 11.9 − 4 = 7.9 /s and passes Fruin walkway E (102.2 persons)
    // after about 12.9 s (aman-forecast's venue tests derive it).
    let front = &v["forecast"]["zones"][1];
    assert_eq!(front["id"], "front");
    let e = front["reached"][0]["at_s"].as_f64().unwrap();
    assert!((e - 12.9).abs() < 1.0, "{e}");
    // Doing nothing the front never clears; with the entry closed it does, and spends less
    // time at LOS E or F.
    assert!(front["clear_s"].is_null());
    let alt = &v["what_if"]["forecast"]["zones"][1];
    assert!(alt["clear_s"].as_f64().is_some(), "{alt}");
    assert!(
        alt["seconds_at_los_e_or_worse"].as_f64() < front["seconds_at_los_e_or_worse"].as_f64()
    );
    // The text output says the same.
    let out = aman(
        &["forecast", "venue.toml", "--state", "state.json"],
        dir.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text
        .lines()
        .find(|l| l.starts_with("front"))
        .unwrap_or_default();
    assert!(row.contains(&format!("{e:.0} s")), "{text}");
}

#[test]
fn forecast_with_a_stale_sensor_says_so_and_widens_the_band() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("venue.toml"), CORRIDOR_VENUE).unwrap();
    std::fs::write(
        dir.path().join("state.json"),
        CORRIDOR_STATE.replace(
            "\"sensors\": []",
            "\"sensors\": [{\"id\": \"gates\", \"stale\": true, \"silent_for\": 90}]",
        ),
    )
    .unwrap();
    let out = aman(
        &["forecast", "venue.toml", "--state", "state.json", "--json"],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The entry's 5 /s comes from the stale counter: run from 0 to its capacity, 10 m × 2.0.
    let entry = &v["uncertain"][1];
    assert_eq!(entry["kind"], "arrivals");
    assert_eq!(entry["id"], "entry");
    assert_eq!(entry["why"], "stale");
    assert_eq!(entry["sensors"][0], "gates");
    assert_eq!(
        (
            entry["silent_s"].as_f64(),
            entry["low"].as_f64(),
            entry["high"].as_f64()
        ),
        (Some(90.0), Some(0.0), Some(20.0))
    );
    // The band holds the forecast and is wider than nothing.
    let front = &v["forecast"]["zones"][1];
    let nums = |k: &str| -> Vec<f64> {
        front[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let (d, lo, hi) = (nums("density"), nums("low"), nums("high"));
    assert!((0..d.len()).all(|k| lo[k] <= d[k] && d[k] <= hi[k]));
    assert!(hi.iter().zip(&lo).any(|(h, l)| h - l > 1.0));
    let out = aman(
        &["forecast", "venue.toml", "--state", "state.json"],
        dir.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("peak band"), "{text}");
    assert!(
        text.contains(
            "line entry arrivals: stale sensor gates (silent at least 90 s); taken as 5.0, band 0.0–20.0 /s"
        ),
        "{text}"
    );
}

#[test]
fn forecast_bad_input_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("venue.toml"), CORRIDOR_VENUE).unwrap();
    std::fs::write(dir.path().join("state.json"), CORRIDOR_STATE).unwrap();
    std::fs::write(
        dir.path().join("other.json"),
        CORRIDOR_STATE.replace("\"corridor\"", "\"stadium\""),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("typo.json"),
        CORRIDOR_STATE.replace("\"hall\"", "\"hal\""),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("garbage.json"),
        "{\"venue\": \"corridor\", \"zones\": [",
    )
    .unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--state", "other.json"],
            "the state is of venue \"stadium\", not \"corridor\"",
        ),
        (
            &["--state", "typo.json"],
            "zone \"hal\": venue \"corridor\" has no such zone",
        ),
        (
            &["--state", "garbage.json"],
            "--state garbage.json: EOF while parsing",
        ),
        (&["--state", "missing.json"], "--state missing.json"),
        (
            &["--state", "state.json", "--what-if", "close:west-gate"],
            "what-if close:west-gate: venue \"corridor\" has no line \"west-gate\"",
        ),
        (
            &["--state", "state.json", "--what-if", "shut:entry"],
            "expected close:LINE",
        ),
        (
            &["--state", "state.json", "--what-if", "hold:entry:soon"],
            "hold time \"soon\"",
        ),
        (&["--state", "state.json", "--horizon", "0"], "--horizon 0"),
        (
            &["--state", "state.json", "--capacity", "NaN"],
            "--capacity NaN",
        ),
    ];
    for (args, needle) in cases {
        let mut all = vec!["forecast", "venue.toml"];
        all.extend_from_slice(args);
        let out = aman(&all, dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// The room of aman-forecast's simulation tests and the scenario it names.
const ROOM_VENUE: &str = include_str!("../../aman-forecast/tests/room.toml");
const ROOM_SCENARIO: &str = include_str!("../../aman-forecast/tests/room-scenario.toml");

#[test]
fn forecast_simulate_prints_the_ensemble_and_refuses_what_it_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("venue.toml"), ROOM_VENUE).unwrap();
    std::fs::write(dir.path().join("room-scenario.toml"), ROOM_SCENARIO).unwrap();
    std::fs::write(
        dir.path().join("state.json"),
        CORRIDOR_STATE.replace("\"corridor\"", "\"room\""),
    )
    .unwrap();
    let args = [
        "forecast",
        "venue.toml",
        "--state",
        "state.json",
        "--simulate",
        "--seeds",
        "3",
        "--horizon",
        "20",
    ];
    let out = aman(&[&args[..], &["--json"]].concat(), dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sim = &v["simulation"];
    assert_eq!(sim["seeds"], serde_json::json!([1, 2, 3]));
    // 300 persons in the 300 m² hall: 1 /m² now in every run.
    assert_eq!(sim["zones"][0]["p50"][0], 1.0);
    assert_eq!(sim["runs"][0]["placed"], 300);
    let out = aman(&args, dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Simulation forecast (3 runs"), "{text}");
    // The opening between the zones is no exit: the simulation cannot close it.
    let out = aman(
        &[&args[..], &["--what-if", "close:opening"]].concat(),
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the simulator can only close exits"), "{err}");
    // A venue that names no scenario.
    std::fs::write(dir.path().join("venue.toml"), CORRIDOR_VENUE).unwrap();
    std::fs::write(dir.path().join("state.json"), CORRIDOR_STATE).unwrap();
    let out = aman(&args, dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("names no scenario"), "{err}");
}
