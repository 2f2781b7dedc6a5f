//! The one error type of scenario loading.

use std::path::PathBuf;

/// What can be wrong with a scenario. Every message names the file, the key (as a path such as
/// `populations[0].desired_speed`) or line, and what would be valid.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The scenario file could not be read.
    #[error("cannot read scenario file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML, or has an unknown or missing key, or a value of the wrong
    /// type. The message carries line, column and a snippet.
    #[error("{path}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message (line, column, snippet, what was expected).
        message: String,
    },
    /// A value is well-formed but not acceptable.
    #[error("{path}: {key}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The key path, e.g. `stages[2].polygon`.
        key: String,
        /// What is wrong and what would be valid.
        message: String,
    },
    /// A geometry file or inline geometry is not usable. The geometry error names the file, or
    /// for inline geometry the key.
    #[error("{path}: {source}")]
    Geometry {
        /// The scenario file.
        path: PathBuf,
        /// The geometry error.
        #[source]
        source: aman_geometry::GeometryError,
    },
    /// The simulator rejected the set-up.
    #[error("{path}: {key}: {source}")]
    Simulation {
        /// The scenario file.
        path: PathBuf,
        /// The key of the part the simulator rejected.
        key: String,
        /// The simulator's error.
        #[source]
        source: aman_sim::SimError,
    },
}
