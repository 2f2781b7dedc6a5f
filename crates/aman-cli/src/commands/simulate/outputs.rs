//! The files `aman simulate` writes, and the removal of a previous run's files at the start of a
//! new run, so that a run that ends early (interrupted, killed, failed) never leaves another
//! run's summary or report beside its own trajectories.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// The trajectory file.
pub(super) const TRAJECTORIES: &str = "trajectories.sqlite";
/// The key figures.
pub(super) const SUMMARY: &str = "summary.json";
/// The report page.
pub(super) const REPORT: &str = "report.html";

/// SQLite's side files of a database (a rollback journal left by a killed writer makes readers
/// fail with "attempt to write a readonly database").
const SQLITE_SIDE_FILES: [&str; 3] = ["-journal", "-wal", "-shm"];

/// Removes from `out` the files a previous `aman simulate` wrote there: `summary.json`,
/// `report.html`, `trajectories.sqlite` and its SQLite side files. Each is removed only if its
/// content shows it is aman's (a summary with `scenario_file` and `agents_total`, an HTML page
/// naming aman, an SQLite database); any other file, of the same name or not, is left alone.
/// Returns the files removed.
pub(super) fn remove_previous_outputs(out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    let mut remove = |path: PathBuf| -> anyhow::Result<()> {
        std::fs::remove_file(&path)
            .with_context(|| format!("cannot remove {} of the previous run", path.display()))?;
        removed.push(path);
        Ok(())
    };
    let summary = out.join(SUMMARY);
    if head(&summary, 1 << 20).is_some_and(|t| is_simulate_summary(&t)) {
        remove(summary)?;
    }
    let report = out.join(REPORT);
    if head(&report, 4096).is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        t.trim_start().starts_with("<!doctype html") && t.contains("aman")
    }) {
        remove(report)?;
    }
    let trajectories = out.join(TRAJECTORIES);
    let database =
        head(&trajectories, 16).is_some_and(|t| t.is_empty() || t.starts_with("SQLite format 3"));
    if database {
        remove(trajectories.clone())?;
    }
    if database || !trajectories.exists() {
        // A side file beside our database, or orphaned: SQLite's, of our file name.
        for suffix in SQLITE_SIDE_FILES {
            let side = PathBuf::from(format!("{}{suffix}", trajectories.display()));
            if side.is_file() {
                remove(side)?;
            }
        }
    }
    Ok(removed)
}

/// The first `limit` bytes of the file at `path` as text (lossy), `None` if it is not a
/// readable file.
fn head(path: &Path, limit: u64) -> Option<String> {
    if !path.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(limit)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Whether `text` is the start of a summary written by `aman simulate` (complete or cut short
/// by a crash while it was written).
fn is_simulate_summary(text: &str) -> bool {
    text.trim_start().starts_with('{')
        && text.contains("\"scenario_file\"")
        && text.contains("\"agents_total\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_only_amans_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(
            d.join(SUMMARY),
            "{\n  \"scenario\": \"x\",\n  \"scenario_file\": \"s.toml\",\n  \"agents_total\": 3",
        )
        .unwrap();
        std::fs::write(
            d.join(REPORT),
            "<!DOCTYPE html>\n<html><head><title>aman report: x</title>",
        )
        .unwrap();
        std::fs::write(d.join(TRAJECTORIES), b"SQLite format 3\0rest").unwrap();
        std::fs::write(d.join("trajectories.sqlite-journal"), b"journal").unwrap();
        std::fs::write(d.join("notes.txt"), "mine").unwrap();
        let removed = remove_previous_outputs(d).unwrap();
        assert_eq!(removed.len(), 4, "{removed:?}");
        let left: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(left, ["notes.txt"]);
    }

    #[test]
    fn leaves_files_of_the_same_name_that_are_not_amans() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join(SUMMARY), "{\"budget\": 12}").unwrap();
        std::fs::write(d.join(REPORT), "<!DOCTYPE html><title>My notes</title>").unwrap();
        std::fs::write(d.join(TRAJECTORIES), "not a database").unwrap();
        std::fs::write(d.join("trajectories.sqlite-journal"), b"journal").unwrap();
        assert!(remove_previous_outputs(d).unwrap().is_empty());
        assert_eq!(std::fs::read_dir(d).unwrap().count(), 4);
        // nothing there at all: nothing to do
        let empty = tempfile::tempdir().unwrap();
        assert!(remove_previous_outputs(empty.path()).unwrap().is_empty());
    }
}
