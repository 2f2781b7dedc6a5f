//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can be wrong with a geometry or a geometry file.
///
/// Each variant names the offending input (file, element, value) and its `Display` says what
/// would be valid, so that the CLI can print it unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GeometryError {
    /// A geometry file could not be read at all.
    #[error("cannot read geometry file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file's contents could not be parsed in its format.
    #[error("{source_name}: not valid {format}: {message}")]
    Parse {
        /// The file (or other source) that was parsed.
        source_name: String,
        /// The format that was expected ("WKT", "GeoJSON", "JuPedSim geometry XML").
        format: &'static str,
        /// What the parser reported, with line or position where known.
        message: String,
    },
    /// The file parsed, but holds no usable polygon, or a geometry kind we cannot use.
    #[error("{source_name}: {message}")]
    Unsupported {
        /// The file (or other source).
        source_name: String,
        /// What was found and what is expected instead.
        message: String,
    },
    /// The polygon is not a valid walkable area (self-intersection, hole outside, …).
    #[error("{source_name}: invalid polygon: {message}")]
    InvalidPolygon {
        /// The file (or other source).
        source_name: String,
        /// What is wrong, with the offending coordinates where known.
        message: String,
    },
}
