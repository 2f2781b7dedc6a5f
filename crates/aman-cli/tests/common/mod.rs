//! Shared by the CLI tests: run the real `aman` binary, find the repository.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `aman` binary built for these tests with `args` in `cwd`.
pub fn aman(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aman"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run aman")
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
