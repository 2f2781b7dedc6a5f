//! `aman serve --tls-cert/--tls-key`: bad files stop it with exit code 2 and the file named.

mod common;

use std::path::Path;

use common::{aman, repo};

fn venue() -> String {
    repo()
        .join("venues/lyon2022-festival-of-lights/venue.toml")
        .display()
        .to_string()
}

fn self_signed() -> (String, String) {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("rcgen");
    (cert.pem(), signing_key.serialize_pem())
}

/// Runs `aman serve` with the TLS files; expects exit code 2 and `file` and `words` in the
/// error.
fn refused(dir: &Path, extra: &[&str], file: &str, words: &str) {
    let data = dir.join("data").display().to_string();
    let venue = venue();
    let mut args = vec!["serve", &venue, "--data", &data, "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    let out = aman(&args, dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(file), "{args:?}: {err:?} does not name {file}");
    assert!(err.contains(words), "{args:?}: {err:?} lacks {words:?}");
}

#[test]
fn bad_tls_files_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert, key) = self_signed();
    let (_, other) = self_signed();
    std::fs::write(dir.path().join("cert.pem"), cert).expect("write");
    std::fs::write(dir.path().join("key.pem"), key).expect("write");
    std::fs::write(dir.path().join("other-key.pem"), other).expect("write");
    std::fs::write(dir.path().join("notes.txt"), "hello\n").expect("write");

    refused(
        dir.path(),
        &["--tls-cert", "missing.pem", "--tls-key", "key.pem"],
        "missing.pem",
        "cannot read the certificate",
    );
    refused(
        dir.path(),
        &["--tls-cert", "cert.pem", "--tls-key", "other-key.pem"],
        "other-key.pem",
        "does not match the certificate",
    );
    refused(
        dir.path(),
        &["--tls-cert", "notes.txt", "--tls-key", "key.pem"],
        "notes.txt",
        "not a PEM certificate",
    );
    // One without the other: a usage error (clap), also exit code 2.
    refused(
        dir.path(),
        &["--tls-cert", "cert.pem"],
        "--tls-key",
        "required",
    );
    assert!(!dir.path().join("data").exists(), "nothing opened");
}
