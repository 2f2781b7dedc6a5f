//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong reading or writing a trajectory file.
///
/// Every variant names the file, and its `Display` says what is wrong and, where it helps, what
/// would be valid, so that the CLI can print it unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrajectoryError {
    /// The file could not be opened, read, created or removed at all (missing, a directory,
    /// no permission, …).
    #[error("cannot access trajectory file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not an SQLite database (wrong header, empty, or SQLite says so).
    #[error("{path} is not a JuPedSim trajectory file: {reason}")]
    NotJupedsim {
        /// The file.
        path: PathBuf,
        /// What was found instead, e.g. "not an SQLite database (file is empty)".
        reason: String,
    },
    /// The file starts like an SQLite database but its content is damaged or cut off.
    #[error("{path} is truncated or corrupt ({source}); re-export it or copy it again completely")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite reported.
        #[source]
        source: rusqlite::Error,
    },
    /// A table every JuPedSim trajectory file has is missing.
    #[error("{path}: missing table `{table}`; a JuPedSim trajectory file has tables {expected}")]
    MissingTable {
        /// The file.
        path: PathBuf,
        /// The missing table.
        table: &'static str,
        /// The tables such a file has, for the message.
        expected: &'static str,
    },
    /// The `version` in `metadata` is one this crate cannot read.
    #[error("{path}: unsupported JuPedSim SQLite version {version} (supported: 1, 2)")]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The version found.
        version: i64,
    },
    /// A `metadata` value is missing or cannot be used.
    #[error("{path}: bad metadata value key={key}: {reason}")]
    BadMetadata {
        /// The file.
        path: PathBuf,
        /// The metadata key (`version`, `fps`, …).
        key: String,
        /// What is wrong and what is expected.
        reason: String,
    },
    /// A row of `trajectory_data` holds a value that cannot be a frame, id or position.
    #[error("{path}: bad row in trajectory_data (row {row}): {reason}")]
    BadRow {
        /// The file.
        path: PathBuf,
        /// 1-based row number in table order.
        row: u64,
        /// What is wrong.
        reason: String,
    },
    /// A frame passed to the writer is not valid (slices of different lengths, non-finite
    /// value, frame number not increasing, id too large). Nothing of that frame was written.
    #[error("{path}: cannot write frame {frame}: {reason}")]
    InvalidFrame {
        /// The file being written.
        path: PathBuf,
        /// The frame number passed.
        frame: u64,
        /// What is wrong.
        reason: String,
    },
    /// The frame rate passed to the writer is not a positive finite number.
    #[error("{path}: invalid frame rate {fps} frames per second: must be finite and > 0")]
    InvalidFrameRate {
        /// The file being written.
        path: PathBuf,
        /// The frame rate passed.
        fps: f64,
    },
    /// The walkable-area WKT passed to the writer is not usable.
    #[error(
        "{path}: invalid walkable area WKT: {reason}; expected e.g. POLYGON ((0 0, 10 0, 10 5, 0 5, 0 0))"
    )]
    InvalidWalkableArea {
        /// The file being written.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Any other SQLite error, with the file it happened on.
    #[error("SQLite error on {path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What SQLite reported.
        #[source]
        source: rusqlite::Error,
    },
}

impl TrajectoryError {
    /// Wraps an SQLite error, recognising "not a database" and "corrupt" for clearer messages.
    pub(crate) fn sqlite(path: &std::path::Path, source: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match source.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => TrajectoryError::NotJupedsim {
                path: path.to_path_buf(),
                reason: format!("not an SQLite database ({source})"),
            },
            Some(ErrorCode::DatabaseCorrupt) => TrajectoryError::Corrupt {
                path: path.to_path_buf(),
                source,
            },
            _ => TrajectoryError::Sqlite {
                path: path.to_path_buf(),
                source,
            },
        }
    }
}
