//! The one error type of this crate.

use std::fmt;
use std::path::PathBuf;

use crate::data::DataError;

/// Where a row of a trajectory file is: a line of a text file, a record of an HDF5 dataset or a
/// row of an SQLite table, all counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowLocation {
    /// 1-based line number of a text file (comment and header lines count).
    Line(u64),
    /// 1-based record number in an HDF5 dataset.
    Record(u64),
    /// 1-based row number of an SQLite table, in table order.
    Row(u64),
}

impl fmt::Display for RowLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowLocation::Line(n) => write!(f, "line {n}"),
            RowLocation::Record(n) => write!(f, "record {n}"),
            RowLocation::Row(n) => write!(f, "row {n}"),
        }
    }
}

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
    #[error("{path}: unsupported JuPedSim SQLite version {version} (supported: 1, 2, 3)")]
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
    /// The frame rate passed to the writer, or given to a reader by the caller, is not a positive
    /// finite number.
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
    /// A line of a text trajectory file cannot be read: too few or too many fields, a field that
    /// is not a number, a negative id or frame, a coordinate that is NaN or infinite, binary
    /// data, a bad header value.
    #[error("{path}, line {line}: {reason}")]
    BadLine {
        /// The file.
        path: PathBuf,
        /// 1-based line number (comment and header lines count).
        line: u64,
        /// What was found and what is expected.
        reason: String,
    },
    /// A record of an HDF5 dataset holds a value that cannot be an id, frame or position.
    #[error("{path}: record {record} of dataset `{dataset}`: {reason}")]
    BadRecord {
        /// The file.
        path: PathBuf,
        /// The dataset (`/trajectory`).
        dataset: String,
        /// 1-based record number.
        record: u64,
        /// What was found and what is expected.
        reason: String,
    },
    /// The same person appears twice in the same frame. Nothing is dropped silently: the file
    /// has to be fixed (or the frame rate changed, for formats whose frames come from times).
    #[error(
        "{path}: person {id} appears twice in frame {frame} ({first} and {second}); a person can \
         have only one position per frame"
    )]
    DuplicateRow {
        /// The file.
        path: PathBuf,
        /// Person id.
        id: u64,
        /// Frame number.
        frame: u64,
        /// Where the first of the two rows is.
        first: RowLocation,
        /// Where the second is.
        second: RowLocation,
    },
    /// The file is not in the format it was read as: its header, columns, tables or datasets
    /// are not those of the format.
    #[error("{path} is not a {format} file: {reason}")]
    WrongFormat {
        /// The file.
        path: PathBuf,
        /// The format it was read as ("PeTrack/JPSreport txt", "Vadere trajectory", …).
        format: &'static str,
        /// What was found and what the format has instead.
        reason: String,
    },
    /// The file is in the right format but holds no trajectory row (empty file, header only).
    #[error("{path}: no trajectory data: {reason}")]
    NoData {
        /// The file.
        path: PathBuf,
        /// What was found instead, e.g. "the file is empty".
        reason: String,
    },
    /// The file does not say its frame rate and the caller gave none.
    #[error(
        "{path}: no frame rate: {reason}; give the frame rate of the recording (frames per \
         second) explicitly"
    )]
    MissingFrameRate {
        /// The file.
        path: PathBuf,
        /// Where it was looked for.
        reason: String,
    },
    /// The format of the file could not be told from its name or content.
    #[error(
        "cannot tell the trajectory format of {path}: {reason}; name the format explicitly \
         (one of {names})",
        names = crate::read::FORMAT_NAMES
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What was found.
        reason: String,
    },
    /// The HDF5 structure of the file cannot be read (truncated, damaged, a feature the reader
    /// lacks).
    #[error("{path}: cannot read the HDF5 file: {reason}")]
    Hdf5 {
        /// The file.
        path: PathBuf,
        /// What the HDF5 reader reported.
        reason: String,
    },
    /// The rows read break an invariant of [`TrajectoryData`](crate::TrajectoryData) that the
    /// reader did not report more precisely.
    #[error("{path}: {source}")]
    InvalidData {
        /// The file.
        path: PathBuf,
        /// The broken invariant.
        #[source]
        source: DataError,
    },
    /// The thread of a [`ThreadedWriter`](crate::ThreadedWriter) has stopped: an earlier call
    /// already returned the error that stopped it, or it panicked.
    #[error("{path}: the trajectory writer thread stopped: {reason}")]
    WriterThread {
        /// The file being written.
        path: PathBuf,
        /// Why it stopped.
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
