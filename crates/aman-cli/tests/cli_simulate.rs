//! `aman simulate` as a planner runs it for a study: results over seeds (`--runs`), runs that
//! end with persons inside (exit code 3, saying where), interrupted runs (SIGINT/SIGTERM: exit
//! code 130, complete and readable outputs), progress lines off a terminal, and no stale files
//! of a previous run.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

mod common;
use common::aman;

/// A 10 m x 4 m room, ten persons with normally distributed desired speeds (so that seeds give
/// different runs), one exit, one measurement line.
const ROOM: &str = r#"
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
desired_speed = { distribution = "normal", mean = 1.34, sd = 0.26, min = 0.6, max = 2.0 }

[[measurement_lines]]
name = "middle"
line = [[6, 0], [6, 4]]
"#;

/// ROOM with the door closed at `close` s and, if given, opened again at `open` s, and
/// `end_time`.
fn room_with_door_closed(close: f64, open: Option<f64>, end_time: f64) -> String {
    let mut events = format!("[[events]]\ntime = {close:?}\nclose = \"door\"\n\n");
    if let Some(t) = open {
        events.push_str(&format!("[[events]]\ntime = {t:?}\nopen = \"door\"\n\n"));
    }
    ROOM.replace("end_time = 60.0", &format!("end_time = {end_time:?}"))
        .replace(
            "[[measurement_lines]]",
            &format!("{events}[[measurement_lines]]"),
        )
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("--json prints the summary ({e}): {}", stderr(out)))
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Picks one figure from a summary.
type Pick = fn(&serde_json::Value) -> serde_json::Value;

/// `--runs 3 --seed 5` gives, per seed, exactly what `--seed 5`, `--seed 6` and `--seed 7` give
/// alone, and statistics computed from those values; the same for any `--threads`.
#[test]
fn runs_equal_single_runs_with_consecutive_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("s.toml"), ROOM).unwrap();
    let singles: Vec<serde_json::Value> = (5..8)
        .map(|seed| {
            let out = aman(
                &[
                    "simulate",
                    "s.toml",
                    "--json",
                    "--seed",
                    &seed.to_string(),
                    "--out",
                    &format!("single{seed}"),
                ],
                d,
            );
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            json(&out)
        })
        .collect();
    let out = aman(
        &[
            "simulate",
            "s.toml",
            "--json",
            "--runs",
            "3",
            "--seed",
            "5",
            "--out",
            "runs",
            "--threads",
            "2",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = json(&out);
    // The first run is the seed's own run, written as a single run writes it.
    assert_eq!(s["seed"], 5);
    assert_eq!(s["evacuation_time"], singles[0]["evacuation_time"]);
    assert_eq!(read_json(&d.join("runs/summary.json")), s);
    assert!(d.join("runs/trajectories.sqlite").is_file());
    assert!(d.join("runs/report.html").is_file());
    let r = &s["runs"];
    assert_eq!(r["runs"], 3);
    assert_eq!(r["seeds"], serde_json::json!([5, 7]));
    assert_eq!(r["complete"], 3);
    assert_eq!(r["incomplete"], serde_json::json!([]));
    // Per-run values: seed → the single run's figure, for every figure.
    let figures: [(&str, Pick); 7] = [
        ("/evacuation_time", |s| s["evacuation_time"].clone()),
        ("/t50", |s| s["t50"].clone()),
        ("/t90", |s| s["t90"].clone()),
        ("/exits/0/agents", |s| s["exits"][0]["agents"].clone()),
        ("/exits/0/last", |s| s["exits"][0]["last"].clone()),
        ("/measurement_lines/0/flow", |s| {
            s["measurement_lines"][0]["flow"].clone()
        }),
        ("/peak_density", |s| s["peak_density"]["density"].clone()),
    ];
    for (pointer, single) in figures {
        let fig = r.pointer(pointer).unwrap();
        let mut values = Vec::new();
        for (k, seed) in (5..8).enumerate() {
            let want = single(&singles[k]).as_f64().unwrap();
            let got = fig["per_run"][seed.to_string()].as_f64().unwrap();
            assert_eq!(got, want, "{pointer}, seed {seed}");
            values.push(want);
        }
        // Statistics of those three values: mean, sd (n − 1), min, max, p95 by linear
        // interpolation (h = 2 · 0.95 = 1.9 between the 2nd and 3rd smallest).
        values.sort_by(f64::total_cmp);
        let mean = values.iter().sum::<f64>() / 3.0;
        let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
        let p95 = values[1] + 0.9 * (values[2] - values[1]);
        assert_eq!(fig["n"], 3, "{pointer}");
        let close = |key: &str, want: f64| {
            let got = fig[key].as_f64().unwrap();
            assert!(
                (got - want).abs() < 1e-9,
                "{pointer}.{key}: {got} vs {want}"
            );
        };
        close("mean", mean);
        close("sd", sd);
        close("min", values[0]);
        close("max", values[2]);
        close("p95", p95);
    }
    // The seeds give different runs (otherwise the test above proves little).
    let ev = &r["evacuation_time"];
    assert!(ev["min"].as_f64() < ev["max"].as_f64(), "{ev}");
    // Any thread count: the same runs section.
    let out = aman(
        &[
            "simulate",
            "s.toml",
            "--json",
            "--runs",
            "3",
            "--seed",
            "5",
            "--out",
            "runs1",
            "--threads",
            "1",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["runs"], s["runs"]);
    // The terminal summary gives mean, sd and p95 of the evacuation time.
    let out = aman(
        &[
            "simulate", "s.toml", "--runs", "3", "--seed", "5", "--out", "runs2",
        ],
        d,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mean = ev["mean"].as_f64().unwrap();
    let p95 = ev["p95"].as_f64().unwrap();
    let sd = ev["sd"].as_f64().unwrap();
    assert!(
        text.contains(&format!(
            "evacuation time mean {mean:.1} s, sd {sd:.1} s, p95 {p95:.1} s"
        )),
        "{text}"
    );
    let html = std::fs::read_to_string(d.join("runs2/report.html")).unwrap();
    assert!(
        html.contains("Results over seeds"),
        "the report has the runs section"
    );
}

#[test]
fn bad_runs_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), ROOM).unwrap();
    for (args, expect) in [
        (
            vec!["--runs", "0"],
            "--runs 0: give between 1 and 10000 runs",
        ),
        (
            vec!["--runs", "10001"],
            "--runs 10001: give between 1 and 10000 runs",
        ),
        (
            vec!["--runs", "many"],
            "invalid value 'many' for '--runs <N>'",
        ),
        (
            vec!["--runs", "2", "--seed", "18446744073709551615"],
            "the last seed would pass 18446744073709551615",
        ),
    ] {
        let mut all = vec!["simulate", "s.toml", "--out", "o"];
        all.extend(&args);
        let out = aman(&all, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(expect), "{args:?}: {}", stderr(&out));
    }
}

/// Every exit closed for good: the run stops, exits with 3 and says where the persons are and
/// which exit they were heading for, closed when.
#[test]
fn persons_left_inside_exit_3_saying_where_every_exit_closed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        room_with_door_closed(1.0, None, 100000.0),
    )
    .unwrap();
    let out = aman(&["simulate", "s.toml", "--out", "o"], dir.path());
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "10 persons still inside at 1.0 s: every exit is closed and none opens again."
        ),
        "{err}"
    );
    assert!(
        err.contains("10 heading for exit 'door' (closed at 1.0 s), around ("),
        "{err}"
    );
    let s = read_json(&dir.path().join("o/summary.json"));
    assert_eq!(s["complete"], false);
    assert_eq!(s["interrupted"], false);
    let g = &s["still_inside"][0];
    assert_eq!(
        (
            &g["target"],
            &g["kind"],
            &g["open"],
            &g["closed_at"],
            &g["persons"]
        ),
        (
            &"door".into(),
            &"exit".into(),
            &false.into(),
            &1.0.into(),
            &10.into()
        )
    );
    // They stand in the room, where they started walking from (x from 1 to 4 m, 1 s at most
    // 2 m/s): the place is a member's position.
    let (x, y) = (
        g["around"][0].as_f64().unwrap(),
        g["around"][1].as_f64().unwrap(),
    );
    assert!((1.0..=6.0).contains(&x) && (0.0..=4.0).contains(&y), "{g}");
    // The report says so too.
    let html = std::fs::read_to_string(dir.path().join("o/report.html")).unwrap();
    assert!(html.contains("10 persons still inside at 1.0 s"), "{html}");
    // --quiet still explains the exit code.
    let out = aman(&["simulate", "s.toml", "--out", "o", "--quiet"], dir.path());
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("10 persons still inside"));
    assert!(out.stdout.is_empty());
}

/// End time reached with the exit open: exit 3, the group heading for the open exit; with
/// --runs, every run is incomplete, named, and left out of the statistics.
#[test]
fn persons_left_inside_exit_3_end_time_reached() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        ROOM.replace("end_time = 60.0", "end_time = 3.0"),
    )
    .unwrap();
    let out = aman(&["simulate", "s.toml", "--out", "o", "--json"], dir.path());
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("10 persons still inside at 3.0 s: end_time reached."),
        "{err}"
    );
    assert!(
        err.contains("10 heading for exit 'door', around ("),
        "{err}"
    );
    let s = json(&out);
    assert_eq!(s["stopped_because"], "end_time reached");
    assert_eq!(s["still_inside"][0]["open"], true);
    assert_eq!(s["still_inside"][0]["closed_at"], serde_json::Value::Null);

    let out = aman(
        &["simulate", "s.toml", "--out", "r", "--json", "--runs", "2"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let r = &json(&out)["runs"];
    assert_eq!(r["complete"], 0);
    let seeds: Vec<u64> = r["incomplete"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["seed"].as_u64().unwrap())
        .collect();
    assert_eq!(seeds, [0, 1]);
    assert_eq!(r["incomplete"][1]["agents_remaining"], 10);
    assert_eq!(r["evacuation_time"]["n"], 0);
    assert_eq!(r["t50"]["n"], 0, "incomplete runs are not averaged: {r}");
    assert!(stderr(&out).contains("seed 1: 10 persons still inside at 3.0 s"));
}

/// Off a terminal (stderr piped), progress comes as plain lines; --quiet and --json have none.
#[test]
fn progress_lines_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), ROOM).unwrap();
    let out = aman(&["simulate", "s.toml", "--out", "o"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("progress")).collect();
    assert!(!lines.is_empty(), "{err}");
    for line in lines {
        // progress: t = 0.0 s of 60.0 s, 10 inside, 0 waiting to enter, 0 out, starting
        let rest = line.strip_prefix("progress: t = ").expect(line);
        let parts: Vec<&str> = rest.split(", ").collect();
        assert_eq!(parts.len(), 5, "{line}");
        let (t, end) = parts[0].split_once(" s of ").expect(line);
        assert!(t.parse::<f64>().unwrap() <= 60.0, "{line}");
        assert_eq!(end, "60.0 s", "{line}");
        let count =
            |p: &str, what: &str| -> u64 { p.strip_suffix(what).expect(line).parse().expect(line) };
        let inside = count(parts[1], " inside");
        let waiting = count(parts[2], " waiting to enter");
        let left = count(parts[3], " out");
        assert_eq!(inside + waiting + left, 10, "{line}");
        assert!(
            parts[4] == "starting" || parts[4].ends_with("x real time"),
            "{line}"
        );
    }
    for quiet in ["--quiet", "--json"] {
        let out = aman(&["simulate", "s.toml", "--out", "o", quiet], dir.path());
        assert_eq!(out.status.code(), Some(0));
        assert!(
            !stderr(&out).contains("progress"),
            "{quiet}: {}",
            stderr(&out)
        );
    }
}

/// A new run first removes the previous run's files (here: its trajectories, which this run
/// does not write), and never a file of the user's.
#[test]
fn a_new_run_removes_the_previous_runs_files_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("s.toml"), ROOM).unwrap();
    std::fs::write(
        d.join("no-traj.toml"),
        ROOM.replace(
            "[[measurement_lines]]",
            "[output]\ntrajectories = false\n\n[[measurement_lines]]",
        ),
    )
    .unwrap();
    let out = aman(&["simulate", "s.toml", "--out", "o", "--quiet"], d);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(d.join("o/trajectories.sqlite").is_file());
    std::fs::write(d.join("o/notes.txt"), "my notes").unwrap();
    let out = aman(&["simulate", "no-traj.toml", "--out", "o", "--quiet"], d);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut left: Vec<String> = std::fs::read_dir(d.join("o"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left, ["notes.txt", "report.html", "summary.json"]);
}

/// Starts `aman simulate ARGS` in `dir` with stderr piped, waits for its first progress line,
/// sends `signal` (`INT` or `TERM`), and returns the exit code and all of stderr.
fn interrupt(dir: &Path, args: &[&str], signal: &str) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aman"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut text = String::new();
    // The handler is installed before the scenario is read, so once a progress line shows, the
    // signal is caught.
    loop {
        let mut line = String::new();
        if err.read_line(&mut line).unwrap() == 0 {
            panic!("aman ended before its first progress line: {text}");
        }
        text.push_str(&line);
        if line.starts_with("progress") {
            break;
        }
    }
    // The shell's own `kill`: no unsafe code, no extra crate, present wherever `sh` is.
    let kill = Command::new("sh")
        .args(["-c", &format!("kill -{signal} {}", child.id())])
        .status()
        .unwrap();
    assert!(kill.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    text.push_str(&rest);
    (child.wait().unwrap().code(), text)
}

/// Ctrl-C (SIGINT) in the middle of a long run: exit 130, a summary and report marked
/// interrupted, a complete trajectory file that `aman analyze` reads (no journal left), and
/// nothing of the previous run in the folder.
#[test]
fn sigint_stops_the_run_cleanly_and_keeps_what_was_simulated() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("s.toml"), ROOM).unwrap();
    // The door closes at 1 s and opens again near the end: long, but not stalled.
    std::fs::write(
        d.join("long.toml"),
        room_with_door_closed(1.0, Some(19000.0), 20000.0),
    )
    .unwrap();
    let out = aman(&["simulate", "s.toml", "--out", "o", "--quiet"], d);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (code, err) = interrupt(d, &["simulate", "long.toml", "--out", "o"], "INT");
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("interrupted at "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let s = read_json(&d.join("o/summary.json"));
    assert_eq!(
        s["scenario"], "long",
        "the new run's summary, not the previous one"
    );
    assert_eq!(s["interrupted"], true);
    assert_eq!(s["complete"], false);
    assert_eq!(s["stopped_because"], "interrupted by SIGINT or SIGTERM");
    let t = s["simulated_time"].as_f64().unwrap();
    assert!(t < 19000.0, "{t}");
    let html = std::fs::read_to_string(d.join("o/report.html")).unwrap();
    assert!(
        html.contains("<h2>Interrupted</h2>"),
        "report marked interrupted"
    );
    for side in ["-journal", "-wal", "-shm"] {
        assert!(
            !d.join(format!("o/trajectories.sqlite{side}")).exists(),
            "{side}"
        );
    }
    // The file is complete: its frames reach the time the run stopped at (10 fps).
    let (traj, _) = aman_trajectory::read_jupedsim_sqlite(&d.join("o/trajectories.sqlite"))
        .expect("the interrupted run's trajectories are readable");
    let last = *traj.frame.iter().max().unwrap() as f64 / traj.frame_rate;
    assert!(
        (t - last).abs() <= 0.1 + 1e-9,
        "last frame at {last} s, run stopped at {t} s"
    );
    let out = aman(
        &[
            "analyze",
            "o/trajectories.sqlite",
            "--out",
            "a",
            "--quiet",
            "--no-plots",
            "--no-maps",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// SIGTERM while several runs are under way: the same clean stop; the runs not started are
/// named.
#[test]
fn sigterm_stops_several_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("long.toml"),
        room_with_door_closed(1.0, Some(19000.0), 20000.0),
    )
    .unwrap();
    let (code, err) = interrupt(
        d,
        &[
            "simulate",
            "long.toml",
            "--out",
            "o",
            "--runs",
            "3",
            "--threads",
            "1",
        ],
        "TERM",
    );
    assert_eq!(code, Some(130), "{err}");
    let s = read_json(&d.join("o/summary.json"));
    assert_eq!(s["interrupted"], true);
    let r = &s["runs"];
    assert_eq!(r["not_run"], serde_json::json!([1, 2]), "{r}");
    assert_eq!(r["incomplete"][0]["seed"], 0);
    assert_eq!(r["incomplete"][0]["interrupted"], true);
    assert_eq!(r["evacuation_time"]["n"], 0);
    assert!(aman_trajectory::read_jupedsim_sqlite(&d.join("o/trajectories.sqlite")).is_ok());
}
