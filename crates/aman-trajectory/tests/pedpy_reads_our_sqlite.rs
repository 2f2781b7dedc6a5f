//! PedPy 1.5.1 reads the files our writer makes: trajectory and walkable area load unchanged,
//! and `compute_n_t` counts the expected crossings.
//!
//! Needs Python and network access to PyPI the first time (`scripts/python-venv.sh` creates
//! `.venv` with pedpy 1.5.1), so it runs only with `AMAN_PEDPY=1`, which the README's test
//! command sets.

use std::path::{Path, PathBuf};
use std::process::Command;

use aman_trajectory::JupedsimSqliteWriter;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Sets up the venv (idempotent) and returns its python.
fn pedpy_python() -> PathBuf {
    let script = repo_root().join("scripts/python-venv.sh");
    let out = Command::new("bash")
        .arg(&script)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "{} failed ({}):\n{}",
        script.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let python = repo_root().join(".venv/bin/python");
    assert!(python.exists(), "{} missing after setup", python.display());
    python
}

/// The number after `"key": ` in the script's one-line JSON.
fn json_number(json: &str, key: &str) -> Option<f64> {
    let start = json.find(&format!("\"{key}\": "))? + key.len() + 4;
    let rest = &json[start..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end].trim().parse().ok()
}

/// The integer list after `"key": [`.
fn json_list(json: &str, key: &str) -> Option<Vec<u64>> {
    let start = json.find(&format!("\"{key}\": ["))? + key.len() + 5;
    let rest = &json[start..];
    let list = &rest[..rest.find(']')?];
    list.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse().ok())
        .collect()
}

#[test]
fn pedpy_counts_five_crossings_in_our_file() {
    if std::env::var("AMAN_PEDPY").as_deref() != Ok("1") {
        println!("skipped: set AMAN_PEDPY=1 (the README test command does)");
        return;
    }
    let python = pedpy_python();

    // Five persons walk north across y = 0, person k in frames 10k..=10k+20, 0.1 m per frame,
    // from y = -0.95: between frames 10k+9 (y = -0.05) and 10k+10 (y = 0.05) they cross, so
    // PedPy's crossing frames are 20, 30, 40, 50, 60. Person 6 stands still south of the line.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("five.sqlite");
    let fps = 10.0;
    let mut writer =
        JupedsimSqliteWriter::create(&path, fps, "POLYGON ((-5 -3, 5 -3, 5 3, -5 3, -5 -3))")
            .unwrap();
    for frame in 0..=80u64 {
        let (mut ids, mut x, mut y) = (vec![], vec![], vec![]);
        for k in 1..=5u64 {
            if (10 * k..=10 * k + 20).contains(&frame) {
                ids.push(k);
                x.push(k as f64 - 3.0);
                y.push(-0.95 + 0.1 * (frame - 10 * k) as f64);
            }
        }
        ids.push(6);
        x.push(4.0);
        y.push(-2.0);
        let n = ids.len();
        writer
            .write_frame(frame, &ids, &x, &y, &vec![0.0; n], &vec![1.0; n])
            .unwrap();
    }
    writer.finish().unwrap();

    let script = repo_root().join("scripts/pedpy_nt.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg(&path)
        .args(["-5", "0", "5", "0"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pedpy_nt.py failed ({}):\n{}\n{}",
        out.status,
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    let json = stdout.trim();
    assert_eq!(json_number(json, "crossings"), Some(5.0), "{json}");
    assert_eq!(
        json_list(json, "frames"),
        Some(vec![20, 30, 40, 50, 60]),
        "{json}"
    );
    assert_eq!(json_number(json, "fps"), Some(fps), "{json}");
    // (5 - 1) persons / ((60 - 20) frames / 10 fps) = 1 person per second.
    let flow = json_number(json, "mean_flow").unwrap();
    assert!((flow - 1.0).abs() < 1e-12, "{json}");
}
