//! Picking the backend from a URL or directory, and redacting passwords.

use std::path::PathBuf;

use crate::{Result, StoreError};

pub(crate) enum Target {
    Postgres(String),
    SqliteUrl(String),
    Directory(PathBuf),
}

pub(crate) fn parse(url_or_dir: &str) -> Result<Target> {
    let lower = url_or_dir.to_ascii_lowercase();
    if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        return Ok(Target::Postgres(url_or_dir.to_owned()));
    }
    if lower.starts_with("sqlite:") {
        if lower.starts_with("sqlite::memory:") || lower.contains("mode=memory") {
            return Err(StoreError::BadUrl {
                url: redact(url_or_dir),
                reason: "an in-memory database would not outlive the process: give a file \
                         (sqlite:///path/aman.db) or a directory"
                    .into(),
            });
        }
        return Ok(Target::SqliteUrl(url_or_dir.to_owned()));
    }
    if let Some((scheme, _)) = url_or_dir.split_once("://") {
        return Err(StoreError::BadUrl {
            url: redact(url_or_dir),
            reason: format!(
                "unknown scheme {scheme:?}: write postgres://user:password@host:port/database, \
                 sqlite:///path/aman.db, or a directory"
            ),
        });
    }
    if url_or_dir.trim().is_empty() {
        return Err(StoreError::BadUrl {
            url: String::new(),
            reason: "empty: give a directory, sqlite:///path/aman.db or postgres://…".into(),
        });
    }
    Ok(Target::Directory(PathBuf::from(url_or_dir)))
}

/// `url` with the password of its user-info (`user:password@`) and any `password=` query
/// parameter replaced by `***`.
pub(crate) fn redact(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        let authority_end = out[rest_start..]
            .find(['/', '?', '#'])
            .map_or(out.len(), |i| rest_start + i);
        if let Some(at) = out[rest_start..authority_end].rfind('@') {
            let at = rest_start + at;
            if let Some(colon) = out[rest_start..at].find(':') {
                out.replace_range(rest_start + colon + 1..at, "***");
            }
        }
    }
    if let Some(q) = out.find('?') {
        let (head, query) = out.split_at(q + 1);
        let query = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => kv.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&");
        out = format!("{head}{query}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://aman:s3cr:et@db.example:5432/aman"),
            "postgres://aman:***@db.example:5432/aman"
        );
        assert_eq!(
            redact("postgres://aman@db/aman?sslmode=require&password=hunter2"),
            "postgres://aman@db/aman?sslmode=require&password=***"
        );
        assert_eq!(redact("sqlite:///var/aman.db"), "sqlite:///var/aman.db");
        assert_eq!(redact("./aman-data"), "./aman-data");
    }

    #[test]
    fn schemes() {
        assert!(matches!(parse("postgres://x/y"), Ok(Target::Postgres(_))));
        assert!(matches!(
            parse("sqlite:///x/y.db"),
            Ok(Target::SqliteUrl(_))
        ));
        assert!(matches!(parse("./data"), Ok(Target::Directory(_))));
        let e = parse("mysql://root:pw@h/db").err().map(|e| e.to_string());
        let e = e.unwrap_or_default();
        assert!(
            e.contains("mysql://root:***@h/db") && e.contains("unknown scheme"),
            "{e}"
        );
        assert!(!e.contains("pw"), "{e}");
        assert!(parse("sqlite::memory:").is_err());
    }
}
