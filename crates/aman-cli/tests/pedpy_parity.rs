//! The second parity path: PedPy 1.5.1 itself runs on the same real trajectories with the
//! same settings as `aman analyze`, and whole series are compared frame by frame and person
//! by person, not only their means: classic density, mean speed, Voronoi density and speed per
//! frame, every individual speed, the N–t diagram and each person's crossing frame.
//!
//! PedPy runs from the virtualenv `scripts/python-venv.sh` sets up (`scripts/pedpy_reference.py`
//! writes its series as JSON); the README test command (`scripts/test`) sets `AMAN_PEDPY=1`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn data(path: &str) -> PathBuf {
    let p = repo().join("../shared/data").join(path);
    assert!(
        p.exists(),
        "{} is missing: the tests read ../shared/data",
        p.display()
    );
    p
}

struct Case {
    trajectory: PathBuf,
    /// PedPy's loader: txt, hdf5 or sqlite.
    format: &'static str,
    frame_rate: Option<f64>,
    walkable: Option<&'static str>,
    area: &'static str,
    line: &'static str,
    frame_step: u64,
    border: &'static str,
    voronoi: bool,
    correct_invalid: bool,
}

fn enabled() -> bool {
    if std::env::var("AMAN_PEDPY").as_deref() != Ok("1") {
        println!("skipped: set AMAN_PEDPY=1 (scripts/test does)");
        return false;
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
    true
}

fn pedpy(case: &Case, out: &Path) -> serde_json::Value {
    let mut cmd = Command::new(repo().join(".venv/bin/python"));
    cmd.arg(repo().join("scripts/pedpy_reference.py"))
        .arg("--trajectory")
        .arg(&case.trajectory)
        .args([
            "--format",
            case.format,
            "--area",
            case.area,
            "--line",
            case.line,
        ])
        .args([
            "--frame-step",
            &case.frame_step.to_string(),
            "--border",
            case.border,
        ])
        .arg("--out")
        .arg(out);
    if let Some(r) = case.frame_rate {
        cmd.args(["--frame-rate", &r.to_string()]);
    }
    if let Some(w) = case.walkable {
        cmd.args(["--walkable-area", w]);
    }
    if !case.voronoi {
        cmd.arg("--no-voronoi");
    }
    if case.correct_invalid {
        cmd.arg("--correct-invalid");
    }
    let run = cmd.output().unwrap();
    assert!(
        run.status.success(),
        "PedPy failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

fn aman(case: &Case, out: &Path) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aman"));
    cmd.arg("analyze")
        .arg(&case.trajectory)
        .args(["--area", &format!("m={}", case.area)])
        .args(["--line", &format!("l={}", case.line)])
        .args(["--frame-step", &case.frame_step.to_string()])
        .args(["--speed-border", case.border])
        .args([
            "--individual",
            "--no-plots",
            "--no-maps",
            "--quiet",
            "--out",
        ])
        .arg(out);
    if let Some(r) = case.frame_rate {
        cmd.args(["--frame-rate", &r.to_string()]);
    }
    if let Some(w) = case.walkable {
        cmd.args(["--walkable-area", w]);
    }
    if !case.voronoi {
        cmd.arg("--no-voronoi");
    }
    if case.correct_invalid {
        cmd.args(["--invalid", "correct"]);
    }
    let run = cmd.output().unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "aman analyze failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Rows of a CSV as maps from column name to text.
fn csv(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_owned))
                .collect()
        })
        .collect()
}

fn value(text: &str) -> f64 {
    if text.is_empty() {
        f64::NAN
    } else {
        text.parse().unwrap()
    }
}

/// PedPy's per-frame series as frame → value (NaN for null).
fn pedpy_series(v: &serde_json::Value, key: &str) -> HashMap<u64, f64> {
    let frames = v[key]["frame"].as_array().unwrap();
    let values = v[key]["value"].as_array().unwrap();
    frames
        .iter()
        .zip(values)
        .map(|(f, x)| (f.as_u64().unwrap(), x.as_f64().unwrap_or(f64::NAN)))
        .collect()
}

/// Compares a whole series; returns the largest difference. Frames PedPy leaves out must be
/// empty (NaN) or zero on our side, as documented per measure.
fn compare(name: &str, ours: &[(u64, f64)], theirs: &HashMap<u64, f64>, tol: f64) -> f64 {
    let mut worst = 0.0f64;
    let mut compared = 0;
    for &(frame, a) in ours {
        match theirs.get(&frame) {
            Some(&b) if b.is_nan() || a.is_nan() => {
                assert!(
                    b.is_nan() == a.is_nan() || (a.is_nan() && b == 0.0),
                    "{name} frame {frame}: ours {a}, PedPy {b}"
                );
            }
            Some(&b) => {
                worst = worst.max((a - b).abs());
                compared += 1;
            }
            None => {}
        }
    }
    assert!(compared > 0, "{name}: no frame in common");
    assert_eq!(
        theirs
            .keys()
            .filter(|f| !ours.iter().any(|o| o.0 == **f))
            .count(),
        0,
        "{name}: PedPy has frames we lack"
    );
    assert!(
        worst <= tol,
        "{name}: largest per-frame difference {worst} > {tol}"
    );
    worst
}

fn check(case: Case, voronoi_tol: f64) {
    let dir = tempfile::tempdir().unwrap();
    let theirs = pedpy(&case, &dir.path().join("pedpy.json"));
    aman(&case, &dir.path().join("aman"));
    let out = dir.path().join("aman");

    // Per-frame series in the area.
    let areas = csv(&out.join("areas.csv"));
    let col = |c: &str| -> Vec<(u64, f64)> {
        areas
            .iter()
            .map(|r| (r["frame"].parse().unwrap(), value(&r[c])))
            .collect()
    };
    compare(
        "classic density",
        &col("classic_density_per_m2"),
        &pedpy_series(&theirs, "classic_density"),
        1e-9,
    );
    // PedPy refuses the mean speed when a person inside has no speed (exclude / adaptive
    // borders); aman leaves those persons out, as documented in `speed::mean_speed`.
    if !theirs["mean_speed"].is_null() {
        compare(
            "mean speed",
            &col("mean_speed_m_per_s"),
            &pedpy_series(&theirs, "mean_speed"),
            1e-9,
        );
    }
    if case.voronoi {
        compare(
            "Voronoi density",
            &col("voronoi_density_per_m2"),
            &pedpy_series(&theirs, "voronoi_density"),
            voronoi_tol,
        );
        if theirs["voronoi_speed"].is_null() {
            // PedPy refuses it when a person inside has no speed; so must we.
            assert!(
                col("voronoi_speed_m_per_s").iter().all(|v| v.1.is_nan()),
                "PedPy gives no Voronoi speed ({}) but we do",
                theirs["voronoi_speed_error"]
            );
        } else {
            compare(
                "Voronoi speed",
                &col("voronoi_speed_m_per_s"),
                &pedpy_series(&theirs, "voronoi_speed"),
                voronoi_tol,
            );
        }
    }

    // Every individual speed, by (id, frame).
    let speeds: HashMap<(u64, u64), f64> = csv(&out.join("individual.csv"))
        .iter()
        .map(|r| {
            (
                (r["id"].parse().unwrap(), r["frame"].parse().unwrap()),
                value(&r["speed_m_per_s"]),
            )
        })
        .collect();
    let ind = &theirs["individual_speed"];
    let (ids, frames, values) = (
        ind["id"].as_array().unwrap(),
        ind["frame"].as_array().unwrap(),
        ind["speed"].as_array().unwrap(),
    );
    let mut worst = 0.0f64;
    for k in 0..ids.len() {
        let key = (ids[k].as_u64().unwrap(), frames[k].as_u64().unwrap());
        let b = values[k].as_f64().unwrap_or(f64::NAN);
        let a = *speeds
            .get(&key)
            .unwrap_or_else(|| panic!("no row for {key:?}"));
        if b.is_nan() {
            continue;
        }
        assert!(
            a.is_finite(),
            "individual speed {key:?}: ours {a}, PedPy {b}"
        );
        worst = worst.max((a - b).abs());
    }
    let ours_defined = speeds.values().filter(|v| v.is_finite()).count();
    let theirs_defined = values
        .iter()
        .filter(|v| v.as_f64().is_some_and(f64::is_finite))
        .count();
    assert_eq!(ours_defined, theirs_defined, "rows with a speed");
    assert!(
        worst <= 1e-9,
        "individual speed: largest difference {worst}"
    );

    // N–t and crossing frames, exactly.
    let nt = csv(&out.join("nt.csv"));
    let theirs_nt: HashMap<u64, u64> = theirs["n_t"]["frame"]
        .as_array()
        .unwrap()
        .iter()
        .zip(theirs["n_t"]["cumulative"].as_array().unwrap())
        .map(|(f, c)| (f.as_u64().unwrap(), c.as_u64().unwrap()))
        .collect();
    for r in &nt {
        let f: u64 = r["frame"].parse().unwrap();
        let c: u64 = r["cumulative_persons"].parse().unwrap();
        if let Some(&t) = theirs_nt.get(&f) {
            assert_eq!(c, t, "N–t at frame {f}");
        }
    }
    let ours_cross: HashMap<u64, u64> = csv(&out.join("crossings.csv"))
        .iter()
        .map(|r| (r["id"].parse().unwrap(), r["frame"].parse().unwrap()))
        .collect();
    let c = &theirs["crossing_frames"];
    let theirs_cross: HashMap<u64, u64> = c["id"]
        .as_array()
        .unwrap()
        .iter()
        .zip(c["frame"].as_array().unwrap())
        .map(|(i, f)| (i.as_u64().unwrap(), f.as_u64().unwrap()))
        .collect();
    assert_eq!(ours_cross, theirs_cross, "crossing frame of each person");
}

const AO300_WALKABLE: &str = "POLYGON ((-2.25 -8.5, -2.25 -0.53, -0.6 -0.53, -0.6 0.53, -2.25 0.53, -2.25 6.25, 4 6.25, 4 0.53, 2.4 0.53, 2.4 -0.53, 4 -0.53, 4 -8.5, -2.25 -8.5))";

#[test]
fn ao300_bottleneck_series_equal_pedpy() {
    if !enabled() {
        return;
    }
    check(
        Case {
            trajectory: data("hermes2009-AO300-wide-bottleneck/traj_AO_300.txt"),
            format: "txt",
            frame_rate: None,
            walkable: Some(AO300_WALKABLE),
            area: "POLYGON ((2.4 0.53, 2.4 -0.53, -0.6 -0.53, -0.6 0.53, 2.4 0.53))",
            line: "LINESTRING (-2.25 0.5, 4 0.5)",
            frame_step: 5,
            border: "single-sided",
            voronoi: true,
            correct_invalid: false,
        },
        1e-6,
    );
}

#[test]
fn corner_series_equal_pedpy() {
    if !enabled() {
        return;
    }
    check(
        Case {
            trajectory: data("jpsreport-reftest-corner/traj.txt"),
            format: "txt",
            frame_rate: None,
            walkable: Some("POLYGON ((-3 -3, -3 5, 0 5, 0 0, 5 0, 5 -3, -3 -3))"),
            area: "POLYGON ((0 0, -3 0, -3 2, 0 2, 0 0))",
            line: "LINESTRING (-3 0, 0 0)",
            frame_step: 5,
            border: "single-sided",
            voronoi: true,
            correct_invalid: false,
        },
        1e-6,
    );
}

#[test]
fn t_junction_series_equal_pedpy() {
    if !enabled() {
        return;
    }
    check(
        Case {
            trajectory: data("hermes2009-T-junction-KO-240-050-240/traj_KO_240_050_240.txt"),
            format: "txt",
            frame_rate: None,
            walkable: Some(
                "POLYGON ((-5 -2.4, -5 0, -2.4 0, -2.4 4.5, 0 4.5, 0 0, 4 0, 4 -2.4, -5 -2.4))",
            ),
            area: "POLYGON ((-2.4 1, -2.4 3, 0 3, 0 1, -2.4 1))",
            line: "LINESTRING (-2.4 1, 0 1)",
            frame_step: 10,
            border: "single-sided",
            voronoi: true,
            correct_invalid: false,
        },
        1e-6,
    );
}

#[test]
fn lyon_festival_series_equal_pedpy() {
    if !enabled() {
        return;
    }
    check(
        Case {
            trajectory: data("madras-lyon2022-festival-of-lights/Topview_2E.txt"),
            format: "txt",
            frame_rate: Some(30.0),
            walkable: None,
            area: "POLYGON ((-2 1.5, 0 1.5, 0 4.5, -2 4.5, -2 1.5))",
            line: "LINESTRING (-1 0, -1 6)",
            frame_step: 15,
            border: "single-sided",
            voronoi: false,
            correct_invalid: false,
        },
        0.0,
    );
}

#[test]
fn wuppertal_hdf5_corrected_series_equal_pedpy() {
    if !enabled() {
        return;
    }
    check(
        Case {
            trajectory: data("wuppertal2014-bottleneck-social-groups-hdf5/00_01a.h5"),
            format: "hdf5",
            frame_rate: None,
            walkable: None,
            area: "POLYGON ((-0.4 0.5, 0.4 0.5, 0.4 1.3, -0.4 1.3, -0.4 0.5))",
            line: "LINESTRING (-0.4 0, 0.4 0)",
            frame_step: 12,
            border: "single-sided",
            voronoi: true,
            correct_invalid: true,
        },
        1e-6,
    );
}

/// The other two border methods, on the whole AO300 run: every individual speed, N–t and
/// the classic density equal PedPy's.
#[test]
fn ao300_exclude_and_adaptive_speeds_equal_pedpy() {
    if !enabled() {
        return;
    }
    for border in ["exclude", "adaptive"] {
        check(
            Case {
                trajectory: data("hermes2009-AO300-wide-bottleneck/traj_AO_300.txt"),
                format: "txt",
                frame_rate: None,
                walkable: Some(AO300_WALKABLE),
                area: "POLYGON ((2.4 0.53, 2.4 -0.53, -0.6 -0.53, -0.6 0.53, 2.4 0.53))",
                line: "LINESTRING (-2.25 0.5, 4 0.5)",
                frame_step: 8,
                border,
                voronoi: false,
                correct_invalid: false,
            },
            0.0,
        );
    }
}
