//! PedPy 1.5.1 reads the trajectories `aman simulate` writes, unchanged, and its N–t count at a
//! line equals ours. Runs PedPy from the virtualenv `scripts/python-venv.sh` sets up; the README
//! test command (`scripts/test`) sets `AMAN_PEDPY=1` and creates the venv.

use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn pedpy_n_t_at_the_bottleneck_equals_ours() {
    if std::env::var("AMAN_PEDPY").as_deref() != Ok("1") {
        println!("skipped: set AMAN_PEDPY=1 (scripts/test does)");
        return;
    }
    let setup = Command::new("bash")
        .arg(repo().join("scripts/python-venv.sh"))
        .output()
        .expect("run python-venv.sh");
    assert!(
        setup.status.success(),
        "venv setup failed:\n{}",
        String::from_utf8_lossy(&setup.stderr)
    );
    let python = repo().join(".venv/bin/python");

    let dir = tempfile::tempdir().unwrap();
    let scenario = repo().join("scenarios/wuppertal-2014-b080/scenario.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_aman"))
        .args(["simulate", scenario.to_str().unwrap(), "--json", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let line = &ours["measurement_lines"][0];
    let our_crossings = line["crossings"].as_u64().unwrap();
    let our_flow = line["flow"].as_f64().unwrap();

    // the scenario's line (-0.4, 0)-(0.4, 0), far from the exit so nobody is removed right after
    let traj = dir.path().join("trajectories.sqlite");
    let py = Command::new(&python)
        .arg(repo().join("scripts/pedpy_nt.py"))
        .arg(&traj)
        .args(["-0.4", "0", "0.4", "0"])
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "PedPy failed on our file:\n{}",
        String::from_utf8_lossy(&py.stderr)
    );
    let theirs: serde_json::Value =
        serde_json::from_slice(&py.stdout).expect("pedpy_nt.py prints JSON");
    assert_eq!(theirs["fps"].as_f64(), Some(25.0));
    assert_eq!(
        theirs["crossings"].as_u64(),
        Some(our_crossings),
        "PedPy {theirs} vs ours {line}"
    );
    assert_eq!(our_crossings, 46);
    // PedPy sees crossings at frame resolution (1/25 s), we at the step; the mean flows agree
    // to within one frame over the whole passage
    let their_flow = theirs["mean_flow"].as_f64().unwrap();
    assert!(
        (their_flow - our_flow).abs() / our_flow < 0.01,
        "PedPy {their_flow} vs ours {our_flow}"
    );
}
