//! One crossing rule (`aman_analysis::crossing`): for every shipped scenario with measurement
//! lines, `aman simulate`'s summary and `aman analyze` on the trajectory it wrote count the
//! same persons and give the same mean flow at every line.
//!
//! Skipped: `scenarios/event-entrance-evacuation` (20,000 persons over 900 s; the
//! simulation alone takes many minutes on two cores, and it has no end-time override to
//! shorten it).

use std::path::{Path, PathBuf};

mod common;
use common::{aman, repo};

/// Scenario files under `dir`, recursively, that declare measurement lines.
fn scenarios_with_lines(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            scenarios_with_lines(&p, out);
        } else if p.extension().is_some_and(|e| e == "toml")
            && std::fs::read_to_string(&p)
                .unwrap()
                .contains("[[measurement_lines]]")
        {
            out.push(p);
        }
    }
}

/// The JSON on standard output of a run that ended with exit code 0 or, for `aman
/// simulate`, 3 (persons still inside at end_time: analysis-bench-hall is cut at 600 s).
fn json(o: &std::process::Output, what: &str) -> serde_json::Value {
    assert!(
        matches!(o.status.code(), Some(0 | 3)),
        "{what}: {:?} {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{what}: {e}"))
}

#[test]
fn simulate_and_analyze_count_the_same_at_every_line_of_every_scenario() {
    let mut files = Vec::new();
    scenarios_with_lines(&repo().join("scenarios"), &mut files);
    files.retain(|f| !f.to_string_lossy().contains("event-entrance-evacuation"));
    assert!(files.len() >= 9, "{files:?}");
    let dir = tempfile::tempdir().unwrap();
    let mut lines_checked = 0;
    for (k, file) in files.iter().enumerate() {
        let name = file.display().to_string();
        let out = dir.path().join(format!("run{k}"));
        let summary = json(
            &aman(
                &[
                    "simulate",
                    file.to_str().unwrap(),
                    "--out",
                    out.to_str().unwrap(),
                    "--json",
                ],
                dir.path(),
            ),
            &name,
        );
        let sc = aman_scenario::load(file).unwrap();
        let lines = sc.simulation.measurement_lines();
        let mut args = vec![
            "analyze".to_string(),
            out.join("trajectories.sqlite")
                .to_string_lossy()
                .into_owned(),
            "--no-voronoi".into(),
            "--json".into(),
            "--out".into(),
            dir.path()
                .join(format!("analysis{k}"))
                .to_string_lossy()
                .into_owned(),
        ];
        for l in lines {
            let (a, b) = (l.segment.a, l.segment.b);
            args.push("--line".into());
            // `{}` of an f64 reads back to the same f64: the very same line.
            args.push(format!(
                "{}=LINESTRING ({} {}, {} {})",
                l.name, a.x, a.y, b.x, b.y
            ));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let analysis = json(&aman(&args, dir.path()), &format!("analyze {name}"));
        for (i, l) in lines.iter().enumerate() {
            let s = &summary["measurement_lines"][i];
            let a = &analysis["lines"][i];
            assert_eq!(s["name"], l.name.as_str());
            assert_eq!(
                s["crossings"], a["crossings"],
                "{name}, line {}: summary {s}, analyze {a}",
                l.name
            );
            match (s["flow"].as_f64(), a["mean_flow"].as_f64()) {
                (Some(x), Some(y)) => assert!(
                    (x - y).abs() <= 1e-9 * x.abs(),
                    "{name}, line {}: flow {x} vs {y}",
                    l.name
                ),
                (x, y) => assert_eq!(x, y, "{name}, line {}", l.name),
            }
            eprintln!(
                "{name}: line {}: {} persons ({} backward, {} re-crossings), flow {}",
                l.name, s["crossings"], s["backward"], s["recrossings"], s["flow"]
            );
            lines_checked += 1;
        }
    }
    assert!(lines_checked >= 11, "{lines_checked} lines");
}
