//! One module per subcommand.

pub mod analyze;
pub mod audit;
pub mod bench;
pub mod calibrate;
pub mod check;
pub mod exercise;
pub mod forecast;
pub mod replay;
pub mod serve;
pub mod simulate;
pub mod users;
pub mod verify;

use std::path::Path;

use crate::Failure;

/// The error for an unusable output folder, the same for every command.
fn unusable(out: &Path, reason: String) -> Failure {
    Failure::Input(anyhow::anyhow!(
        "--out {}: {reason}; give a folder that exists or can be created, and that you can \
         write to",
        out.display()
    ))
}

/// Checks, without creating anything, that the output folder `out` (`--out`, or the default)
/// could take the command's files: no file stands in its way, and the folder (or, if it does
/// not exist yet, its nearest existing parent) lets a file be written (a probe file is written
/// and removed). Commands call it before any work.
///
/// # Errors
/// [`Failure::Input`] naming the folder, what is wrong (a file is in the way, permission
/// denied, …) and what would be valid: exit code 2, the same message for every command.
pub fn check_out(out: &Path) -> Result<(), Failure> {
    if let Some(file) = out.ancestors().find(|a| a.is_file()) {
        return Err(unusable(
            out,
            if file == out {
                "is a file, not a folder".to_string()
            } else {
                format!("{} is a file, not a folder", file.display())
            },
        ));
    }
    let existing = out
        .ancestors()
        .find(|a| a.as_os_str().is_empty() || a.is_dir())
        .map(|a| {
            if a.as_os_str().is_empty() {
                Path::new(".")
            } else {
                a
            }
        })
        .unwrap_or(Path::new("."));
    let probe = existing.join(format!(".aman-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| {
            let reason = if existing == out {
                format!("cannot write in it ({e})")
            } else {
                format!("cannot create it in {} ({e})", existing.display())
            };
            unusable(out, reason)
        })
}

/// The aman command whose results `out/summary.json` holds: `simulate` (it names its
/// `scenario_file`) or `analyze` (it lists its `files`); `None` for no such file or another.
fn results_of(out: &Path) -> Option<&'static str> {
    let text = std::fs::read_to_string(out.join("summary.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    if v.get("scenario_file").is_some() {
        Some("simulate")
    } else if v.get("files").is_some_and(serde_json::Value::is_array) {
        Some("analyze")
    } else {
        None
    }
}

/// [`check_out`], and that `out` does not hold another command's results, which `command`'s
/// outputs (its own `summary.json` and `report.html`) would replace: `aman analyze` into the
/// folder of the run it analyses would lose the run's summary and report.
///
/// # Errors
/// As [`check_out`]; [`Failure::Input`] naming the other command.
pub fn check_out_for(out: &Path, command: &str) -> Result<(), Failure> {
    check_out(out)?;
    match results_of(out) {
        Some(other) if other != command => Err(Failure::Input(anyhow::anyhow!(
            "--out {}: it holds the results of `aman {other}` (summary.json, report.html), which \
             the outputs of `aman {command}` would replace; give another folder",
            out.display()
        ))),
        _ => Ok(()),
    }
}

/// [`check_out`], then creates the folder and its parents.
///
/// # Errors
/// As [`check_out`], and the same [`Failure::Input`] if the folder cannot be created.
pub fn prepare_out(out: &Path) -> Result<(), Failure> {
    check_out(out)?;
    std::fs::create_dir_all(out).map_err(|e| unusable(out, format!("cannot create it ({e})")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_commands_results_are_not_replaced() {
        let dir = std::env::temp_dir().join(format!("aman-out-for-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("summary.json"), r#"{"scenario_file": "s.toml"}"#).unwrap();
        let msg = |f: Failure| match f {
            Failure::Input(e) => e.to_string(),
            _ => panic!("not an input error"),
        };
        let e = msg(check_out_for(&dir, "analyze").unwrap_err());
        assert!(e.contains("results of `aman simulate`"), "{e}");
        assert!(check_out_for(&dir, "simulate").is_ok());
        std::fs::write(dir.join("summary.json"), r#"{"files": ["nt.csv"]}"#).unwrap();
        let e = msg(check_out_for(&dir, "simulate").unwrap_err());
        assert!(e.contains("results of `aman analyze`"), "{e}");
        assert!(check_out_for(&dir, "analyze").is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_in_the_way_is_bad_input() {
        let dir = std::env::temp_dir().join(format!("aman-prepare-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("taken");
        std::fs::write(&file, "x").unwrap();
        for (out, what) in [
            (file.clone(), "is a file, not a folder"),
            (file.join("below"), "taken is a file, not a folder"),
        ] {
            match prepare_out(&out) {
                Err(Failure::Input(e)) => {
                    let m = e.to_string();
                    assert!(m.starts_with(&format!("--out {}: ", out.display())), "{m}");
                    assert!(m.contains(what), "{m}");
                }
                other => panic!("expected bad input, got {other:?}"),
            }
        }
        let fresh = dir.join("new/deeper");
        check_out(&fresh).unwrap();
        assert!(!dir.join("new").exists(), "checking creates nothing");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "probe removed");
        prepare_out(&fresh).unwrap();
        assert!(fresh.is_dir());
        assert_eq!(
            std::fs::read_dir(&fresh).unwrap().count(),
            0,
            "probe removed"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
