//! `aman bench`: the figures it prints, and bad input ending with exit code 2.

use std::collections::HashMap;
use std::process::{Command, Output};

fn aman(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aman"))
        .args(args)
        .output()
        .expect("run aman")
}

/// Runs a benchmark that must succeed; its output and the `key=value` fields of its first line.
fn run_ok(args: &[&str]) -> (String, HashMap<String, String>) {
    let out = aman(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let f = fields(text.lines().next().unwrap());
    (text, f)
}

fn fields(line: &str) -> HashMap<String, String> {
    line.split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn timed_steps_print_throughput_memory_and_windows() {
    let (text, f) = run_ok(&[
        "bench",
        "room-evacuation",
        "--agents",
        "400",
        "--steps",
        "50",
        "--threads",
        "2",
    ]);
    assert_eq!(f["N"], "400");
    assert_eq!(f["steps"], "50");
    assert_eq!(f["threads"], "2");
    let rate: f64 = f["agent_steps_per_s"].parse().unwrap();
    let wall: f64 = f["wall_s"].parse().unwrap();
    // N × steps / wall, as the JuPedSim script computes it (wall is printed to 1 ms)
    assert!(
        (rate * wall - 400.0 * 50.0).abs() <= 400.0 * 50.0 * 0.5 + rate * 0.0005,
        "{rate} agent-steps/s over {wall} s"
    );
    // nobody reaches an exit in 0.5 s from a 17.6 m room
    assert_eq!(f["agents_left"], "400");
    assert_eq!(f["ns_per_agent_step_by_window"].split(',').count(), 5);
    assert!(text.contains("systems: strategic="), "{text}");
}

#[test]
fn a_small_room_runs_to_the_end() {
    let (text, f) = run_ok(&["bench", "room-evacuation", "--agents", "50", "--steps", "0"]);
    assert_eq!(f["remaining"], "0");
    let (t50, t90, all): (f64, f64, f64) = (
        f["t50_s"].parse().unwrap(),
        f["t90_s"].parse().unwrap(),
        f["evacuation_s"].parse().unwrap(),
    );
    // 50 agents, 6.1 m room: the farthest walks about 3 m at 1.2 m/s, then queues
    assert!(
        0.0 < t50 && t50 <= t90 && t90 <= all && all < 60.0,
        "{text}"
    );
}

#[test]
fn bad_input_exits_2_naming_the_flag() {
    for (args, needle) in [
        (
            &["bench", "room-evacuation", "--agents", "0"][..],
            "--agents",
        ),
        (&["bench", "nothing"][..], "unknown benchmark"),
        (&["bench", "room-evacuation", "--dt", "5"][..], "dt"),
        (
            &["bench", "room-evacuation", "--model", "xyz"][..],
            "--model",
        ),
        (
            &["bench", "room-evacuation", "--threads", "0"][..],
            "--threads",
        ),
        (&["bench", "setup"][..], "scenario file"),
        (
            &["bench", "setup", "/nonexistent/s.toml"][..],
            "/nonexistent/s.toml",
        ),
        (
            &["bench", "room-evacuation", "--agents", "ten"][..],
            "--agents",
        ),
    ] {
        let out = aman(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}
