//! The venue file: TOML in, a checked [`Venue`] out.
//!
//! The full reference is `docs/serve.md` (section "The venue file"). Reading happens in two
//! steps, as for scenarios: [`syntax`] turns the text into the file's tables (unknown keys,
//! missing keys and wrong types are errors at their line and column), then `build` resolves
//! names to indices and checks every value and every piece of geometry, collecting all
//! problems it finds instead of stopping at the first.
//!
//! ```
//! use std::path::Path;
//! let text = r#"
//! [venue]
//! id = "hall"
//! name = { fr = "Salle", ar = "قاعة", en = "Hall" }
//! walkable_wkt = "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"
//!
//! [[zones]]
//! id = "middle"
//! polygon = [[2, 2], [8, 2], [8, 8], [2, 8]]
//!
//! [[sensors]]
//! id = "cam"
//! adapter = "aman"
//! [[sensors.channels]]
//! zone = "midle"
//! "#;
//! let err = aman_monitor::parse_venue(text, Path::new("."), "hall.toml").unwrap_err();
//! assert!(err.to_string().contains("did you mean `middle`"), "{err}");
//! ```

use std::path::Path;

use crate::Venue;

mod build;
pub mod syntax;

#[cfg(test)]
mod tests;

/// Longest id of a venue, zone, line, sensor or rule, bytes.
pub const MAX_ID_LEN: usize = 64;

/// Largest |coordinate| accepted in a venue file, m (as `aman_geometry`'s readers).
pub const MAX_COORDINATE: f64 = 1.0e9;

/// One problem in a venue file: where (a key path such as `zones[1] ('topview').polygon`) and
/// what is wrong, with what would be valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Table and key, e.g. `rules[0] ('crush').above` or `[venue] window`.
    pub key: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// What can be wrong with a venue file. The message (`Display`) is what the user reads: it
/// names the file, the table and key, what is wrong and what would be valid. `aman serve`
/// exits with code 2 on any of them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VenueError {
    /// The venue file could not be read.
    #[error("cannot read venue file {file}: {source}")]
    Io {
        /// The file, as given.
        file: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not TOML, or a key is unknown or missing, or a value has the wrong type;
    /// the message has the line, the column and a snippet.
    #[error("{file}: {message}")]
    Syntax {
        /// The file, as given.
        file: String,
        /// The parser's message (line, column, snippet, what was expected).
        message: String,
    },
    /// The file is well-formed but some values are not acceptable: every problem found, in
    /// file order (venue, zones, lines, sensors, rules).
    #[error("{}", render_problems(.file, .problems))]
    Invalid {
        /// The file, as given.
        file: String,
        /// The problems, at least one.
        problems: Vec<Problem>,
    },
}

impl VenueError {
    /// The problems of an [`VenueError::Invalid`] error (empty for the other kinds).
    pub fn problems(&self) -> &[Problem] {
        match self {
            VenueError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

fn render_problems(file: &str, problems: &[Problem]) -> String {
    match problems {
        [one] => format!("{file}: {one}"),
        _ => {
            let mut s = format!("{file}: {} problems:", problems.len());
            for p in problems {
                s.push_str("\n  - ");
                s.push_str(&p.to_string());
            }
            s
        }
    }
}

/// Reads and checks the venue file at `path`; files it names (the walkable area) are relative
/// to its folder.
///
/// # Errors
/// [`VenueError::Io`] if the file cannot be read, else as [`parse_venue`].
pub fn read_venue(path: &Path) -> Result<Venue, VenueError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| VenueError::Io {
        file: file.clone(),
        source,
    })?;
    let base_dir = path.parent().unwrap_or(Path::new("."));
    parse_venue(&text, base_dir, &file)
}

/// Parses and checks a venue file's text. `base_dir` is the folder that relative file names
/// in it (the walkable area) are resolved against; `file_name` names the file in messages,
/// and its stem (or, for a file called `venue.toml`, its folder's name) is the venue's id
/// when `[venue] id` is not given.
///
/// # Errors
/// [`VenueError::Syntax`] for a TOML, unknown-key, missing-key or type error (the first one,
/// at its line and column); [`VenueError::Invalid`] with every problem found otherwise.
pub fn parse_venue(text: &str, base_dir: &Path, file_name: &str) -> Result<Venue, VenueError> {
    let parsed = syntax::parse(text).map_err(|message| VenueError::Syntax {
        file: file_name.to_owned(),
        message,
    })?;
    build::build(parsed, base_dir, file_name).map_err(|problems| VenueError::Invalid {
        file: file_name.to_owned(),
        problems,
    })
}
