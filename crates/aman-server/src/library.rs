//! The **MSEL library** of `aman serve --exercises DIR` (docs/exercise.md): the master events
//! lists a trainer may make an exercise from in the dashboard (`POST /exercises`), without a
//! file of their own.
//!
//! At start the server walks DIR (at most [`MAX_DEPTH`] folders deep, [`MAX_FILES`] files,
//! hidden entries skipped) and keeps each file that is an MSEL (`aman_ops::exercise`): a
//! `*.toml` with an `[exercise]` table that parses as one, or a `*.csv` that parses as one
//! (named after its stem). An entry's **key** is its path under DIR with `/` separators
//! (`exercise-entrance-surge/msel.toml`); the dashboard sends only a key, and the server
//! looks it up in its own list ([`Library::entry`]), so no path of the request is ever
//! opened. An MSEL that names another venue than the one served is kept apart
//! ([`Library::other_venue`]): listed as not for this venue, never offered. A file with an
//! `[exercise]` table that does not parse is left out with a warning in the log.
//!
//! When an exercise is made, the entry is read again ([`Library::load`]) and each crowd
//! inject's scenario path is resolved against the MSEL's folder, canonicalised, and refused
//! if it lies outside DIR ([`LoadError::Escapes`]); the scenario's own files (its geometry)
//! are the scenario's business. Files added to DIR after the start are seen at the next start.

use std::path::{Component, Path, PathBuf};

use aman_ops::exercise::{InjectKind, Msel, MselError};

/// Deepest folder under DIR that is searched (DIR itself is 0).
pub const MAX_DEPTH: usize = 4;
/// Most files looked at under DIR.
pub const MAX_FILES: usize = 5_000;
/// Largest MSEL file read, bytes (the store keeps at most 1 MiB of MSEL).
pub const MAX_MSEL_BYTES: u64 = 1 << 20;

/// One MSEL of the library.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its path under the library's folder, `/`-separated: what the form sends.
    pub key: String,
    /// The file, canonical.
    pub path: PathBuf,
    /// `toml` or `csv`.
    pub format: &'static str,
    /// The exercise's name (a CSV MSEL's is its file's stem).
    pub name: String,
    /// The venue it names, if any.
    pub venue: Option<String>,
    /// Its injects.
    pub injects: usize,
    /// Its crowd injects (each simulated when an exercise is made).
    pub crowd: usize,
}

/// The MSEL library: its folder and entries, sorted by key.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// The folder, canonical.
    pub root: PathBuf,
    /// The MSELs for the venue served (or naming none).
    pub entries: Vec<Entry>,
    /// The MSELs naming another venue (listed, not offered).
    pub other: Vec<Entry>,
}

/// The library's folder cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LibraryError {
    /// The folder cannot be read (or resolved).
    #[error("--exercises {path}: {source}")]
    Folder {
        /// The folder as given.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// It is not a folder.
    #[error("--exercises {path}: not a folder; give the folder holding the MSEL files")]
    NotFolder {
        /// The path as given.
        path: PathBuf,
    },
}

/// An entry cannot be made into an exercise.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file cannot be read any more (moved, or its permissions changed since the start).
    #[error("MSEL {key}: cannot read it: {message}")]
    Read {
        /// The entry's key.
        key: String,
        /// Why.
        message: String,
    },
    /// The file no longer parses as an MSEL (edited since the start).
    #[error("MSEL {key}: {source}")]
    Msel {
        /// The entry's key.
        key: String,
        /// The parser's error.
        #[source]
        source: MselError,
    },
    /// A crowd inject's scenario lies outside the library's folder.
    #[error(
        "MSEL {key}: inject {inject:?}: scenario {scenario:?} lies outside the library's \
         folder; keep a crowd inject's scenario under the folder of --exercises"
    )]
    Escapes {
        /// The entry's key.
        key: String,
        /// The crowd inject.
        inject: String,
        /// Its scenario, as written in the MSEL.
        scenario: String,
    },
    /// A crowd inject's scenario file cannot be found.
    #[error("MSEL {key}: inject {inject:?}: scenario {scenario:?}: {message}")]
    Scenario {
        /// The entry's key.
        key: String,
        /// The crowd inject.
        inject: String,
        /// Its scenario, as written in the MSEL.
        scenario: String,
        /// Why.
        message: String,
    },
}

/// An entry read for an exercise: its text as stored, and its MSEL with each crowd
/// inject's scenario as a canonical path under the library's folder.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file's text.
    pub text: String,
    /// The MSEL.
    pub msel: Msel,
}

fn format_of(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "toml" => Some("toml"),
        "csv" => Some("csv"),
        _ => None,
    }
}

fn stem(path: &Path) -> &str {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("exercise")
}

/// Parses `text` of a library file in `format`; `Ok(None)` for a TOML file that is not an
/// MSEL (no `[exercise]` table: a scenario, a venue).
fn parse(path: &Path, format: &str, text: &str) -> Result<Option<Msel>, MselError> {
    if format == "toml" {
        let is_msel = text
            .parse::<toml::Table>()
            .map(|t| t.get("exercise").is_some_and(toml::Value::is_table))
            .unwrap_or(false);
        if !is_msel {
            return Ok(None);
        }
        Msel::from_toml(text).map(Some)
    } else {
        Msel::from_csv(stem(path), text).map(Some)
    }
}

fn read(path: &Path) -> Result<String, String> {
    let len = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if len > MAX_MSEL_BYTES {
        return Err(format!("{len} bytes: an MSEL has at most {MAX_MSEL_BYTES}"));
    }
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}

impl Library {
    /// Walks `dir` for the MSELs of venue `venue` (see the module doc). Unreadable files and
    /// sub-folders are skipped (logged); a file whose canonical path leaves `dir` (a link
    /// out) is skipped.
    ///
    /// # Errors
    /// [`LibraryError`] if `dir` itself is not a readable folder.
    pub fn scan(dir: &Path, venue: &str) -> Result<Library, LibraryError> {
        let root = dir.canonicalize().map_err(|source| LibraryError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        if !root.is_dir() {
            return Err(LibraryError::NotFolder {
                path: dir.to_path_buf(),
            });
        }
        std::fs::read_dir(&root).map_err(|source| LibraryError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut lib = Library {
            root: root.clone(),
            ..Library::default()
        };
        let mut files = Vec::new();
        walk(&root, 0, &mut files);
        for path in files {
            let Some(format) = format_of(&path) else {
                continue;
            };
            let Ok(canonical) = path.canonicalize() else {
                continue;
            };
            let Ok(rel) = canonical.strip_prefix(&root) else {
                tracing::warn!(file = %path.display(), "MSEL library: a link out of the folder, skipped");
                continue;
            };
            let key = rel
                .components()
                .filter_map(|c| match c {
                    Component::Normal(s) => s.to_str(),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("/");
            let text = match read(&canonical) {
                Ok(t) => t,
                Err(e) => {
                    tracing::warn!(file = %path.display(), error = %e, "MSEL library: unreadable, skipped");
                    continue;
                }
            };
            let msel = match parse(&canonical, format, &text) {
                Ok(Some(m)) => m,
                Ok(None) => continue,
                Err(e) => {
                    // A CSV file is often data, not an MSEL: quiet; a TOML file with an
                    // [exercise] table was meant as one.
                    if format == "toml" {
                        tracing::warn!(file = %path.display(), error = %e, "MSEL library: not a valid MSEL, skipped");
                    } else {
                        tracing::debug!(file = %path.display(), error = %e, "MSEL library: a CSV that is not an MSEL, skipped");
                    }
                    continue;
                }
            };
            let entry = Entry {
                key,
                path: canonical,
                format,
                name: msel.name.clone(),
                venue: msel.venue.clone(),
                injects: msel.injects.len(),
                crowd: msel
                    .injects
                    .iter()
                    .filter(|i| matches!(i.kind, InjectKind::Crowd { .. }))
                    .count(),
            };
            if entry.venue.as_deref().is_none_or(|v| v == venue) {
                lib.entries.push(entry);
            } else {
                lib.other.push(entry);
            }
        }
        lib.entries.sort_by(|a, b| a.key.cmp(&b.key));
        lib.other.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(lib)
    }

    /// The offered entry whose key is `key` (exactly), if any.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// The entry for another venue whose key is `key`, if any.
    pub fn other_venue(&self, key: &str) -> Option<&Entry> {
        self.other.iter().find(|e| e.key == key)
    }

    /// Reads `entry` again for an exercise: its text, its MSEL (a CSV's named `name`, or
    /// its stem), each crowd inject's scenario resolved against the file's folder and
    /// canonicalised. Blocking file I/O: call it off the async executor.
    ///
    /// # Errors
    /// [`LoadError`]: the file unreadable or no longer an MSEL, a scenario missing or outside
    /// the library's folder (naming the inject).
    pub fn load(&self, entry: &Entry, name: Option<&str>) -> Result<Loaded, LoadError> {
        let key = || entry.key.clone();
        let text = read(&entry.path).map_err(|message| LoadError::Read {
            key: key(),
            message,
        })?;
        let mut msel = match entry.format {
            "csv" => Msel::from_csv(name.unwrap_or(stem(&entry.path)), &text),
            _ => Msel::from_toml(&text),
        }
        .map_err(|source| LoadError::Msel { key: key(), source })?;
        let dir = entry.path.parent().unwrap_or(&self.root).to_path_buf();
        for inject in &mut msel.injects {
            let InjectKind::Crowd { scenario, .. } = &mut inject.kind else {
                continue;
            };
            let written = scenario.display().to_string();
            let resolved = dir.join(&*scenario).canonicalize().map_err(|e| {
                // A path that does not exist may still point out of the folder: say so
                // first (it reads nothing either way).
                let lexical = normalise(&dir.join(&*scenario));
                if !lexical.starts_with(&self.root) {
                    LoadError::Escapes {
                        key: key(),
                        inject: inject.id.clone(),
                        scenario: written.clone(),
                    }
                } else {
                    LoadError::Scenario {
                        key: key(),
                        inject: inject.id.clone(),
                        scenario: written.clone(),
                        message: e.to_string(),
                    }
                }
            })?;
            if !resolved.starts_with(&self.root) {
                return Err(LoadError::Escapes {
                    key: key(),
                    inject: inject.id.clone(),
                    scenario: written,
                });
            }
            *scenario = resolved;
        }
        Ok(Loaded { text, msel })
    }
}

/// `path` with `.` and `..` removed lexically (no file system access).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// The files under `dir`, depth first, sorted, hidden entries and links to folders skipped.
fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        tracing::warn!(folder = %dir.display(), "MSEL library: unreadable folder, skipped");
        return;
    };
    let mut items: Vec<_> = read.filter_map(Result::ok).collect();
    items.sort_by_key(|e| e.file_name());
    for item in items {
        if out.len() >= MAX_FILES {
            tracing::warn!(folder = %dir.display(), "MSEL library: more than {MAX_FILES} files, the rest skipped");
            return;
        }
        if item.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(kind) = item.file_type() else {
            continue;
        };
        let path = item.path();
        if kind.is_dir() {
            if depth < MAX_DEPTH {
                walk(&path, depth + 1, out);
            }
        } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSEL: &str = "[exercise]\nname = \"Drill\"\nvenue = \"here\"\n\n[[injects]]\n\
        id = \"A\"\nat = \"00:10\"\nto = \"fr-pn operator\"\ntext = \"Go\"\n";

    fn crowd(scenario: &str) -> String {
        format!(
            "[exercise]\nname = \"Crowd drill\"\n\n[[injects]]\nid = \"C\"\nat = \"00:10\"\n\
             kind = \"crowd\"\ntext = \"A crowd\"\nscenario = \"{scenario}\"\n"
        )
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn the_shipped_scenarios_hold_one_msel() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        let lib = Library::scan(&dir, "sib2023-entrance").unwrap();
        let keys: Vec<&str> = lib.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["exercise-entrance-surge/msel.toml"]);
        let e = &lib.entries[0];
        assert_eq!((e.format, e.injects, e.crowd), ("toml", 7, 1));
        assert_eq!(e.venue.as_deref(), Some("sib2023-entrance"));
        // Served on another venue, it is listed apart.
        let lib = Library::scan(&dir, "elsewhere").unwrap();
        assert!(lib.entries.is_empty());
        assert_eq!(lib.other.len(), 1);
        assert!(
            lib.other_venue("exercise-entrance-surge/msel.toml")
                .is_some()
        );
        assert!(lib.entry("exercise-entrance-surge/msel.toml").is_none());
    }

    #[test]
    fn msels_are_found_and_the_rest_left_out() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        write(d, "a/drill.toml", MSEL);
        write(
            d,
            "b/list.csv",
            "id,at,to,text\nX,00:05,fr-pn operator,Hello\n",
        );
        write(d, "b/data.csv", "x,y\n1,2\n");
        write(d, "scenario.toml", "[simulation]\nend_time = 10\n");
        write(d, "broken.toml", "[exercise]\nname = \"\"\n");
        write(d, ".hidden/drill.toml", MSEL);
        write(d, "1/2/3/4/5/deep.toml", MSEL);
        write(d, "c/other.toml", &MSEL.replace("here", "there"));
        let lib = Library::scan(d, "here").unwrap();
        let keys: Vec<&str> = lib.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["a/drill.toml", "b/list.csv"]);
        assert_eq!(lib.entries[1].name, "list");
        assert_eq!(lib.entries[1].venue, None);
        assert_eq!(lib.other.len(), 1);
        assert_eq!(lib.other[0].key, "c/other.toml");
        // Keys are looked up, never opened: a path is just an unknown key.
        for k in [
            "../../etc/passwd",
            "/etc/passwd",
            "a/../a/drill.toml",
            "a\\drill.toml",
        ] {
            assert!(lib.entry(k).is_none(), "{k}");
        }
        // A CSV gets the name it is given.
        let l = lib.load(&lib.entries[1], Some("Morning drill")).unwrap();
        assert_eq!(l.msel.name, "Morning drill");
    }

    #[test]
    fn a_scenario_outside_the_folder_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let lib_dir = t.path().join("lib");
        write(&lib_dir, "in/scenario.toml", "not read here");
        write(t.path(), "outside.toml", "not read either");
        write(&lib_dir, "in/ok.toml", &crowd("scenario.toml"));
        write(&lib_dir, "in/out.toml", &crowd("../../outside.toml"));
        write(&lib_dir, "in/abs.toml", &crowd("/etc/passwd"));
        write(&lib_dir, "in/gone.toml", &crowd("../../nowhere.toml"));
        write(&lib_dir, "in/nofile.toml", &crowd("missing.toml"));
        let lib = Library::scan(&lib_dir, "here").unwrap();
        assert_eq!(lib.entries.len(), 5);
        let load = |k: &str| lib.load(lib.entry(k).unwrap(), None);
        let ok = load("in/ok.toml").unwrap();
        let InjectKind::Crowd { scenario, .. } = &ok.msel.injects[0].kind else {
            panic!()
        };
        assert_eq!(
            *scenario,
            lib_dir.join("in/scenario.toml").canonicalize().unwrap()
        );
        for k in ["in/out.toml", "in/abs.toml", "in/gone.toml"] {
            match load(k) {
                Err(LoadError::Escapes { inject, .. }) => assert_eq!(inject, "C"),
                other => panic!("{k}: {other:?}"),
            }
        }
        match load("in/nofile.toml") {
            Err(LoadError::Scenario {
                inject, scenario, ..
            }) => assert_eq!((inject.as_str(), scenario.as_str()), ("C", "missing.toml")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_folder_that_is_not_one_is_refused() {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), "f.toml", MSEL);
        assert!(matches!(
            Library::scan(&t.path().join("f.toml"), "here"),
            Err(LibraryError::NotFolder { .. })
        ));
        let e = Library::scan(&t.path().join("none"), "here").unwrap_err();
        assert!(e.to_string().starts_with("--exercises "), "{e}");
    }
}
