//! JuPedSim's SQLite trajectory format: a writer for version 2 and a reader for versions 1 to 3.
//!
//! # The format (version 2, as JuPedSim 1.x writes it)
//!
//! ```sql
//! CREATE TABLE trajectory_data (frame INTEGER NOT NULL, id INTEGER NOT NULL,
//!     pos_x REAL NOT NULL, pos_y REAL NOT NULL, ori_x REAL NOT NULL, ori_y REAL NOT NULL);
//! CREATE TABLE metadata(key TEXT NOT NULL UNIQUE PRIMARY KEY, value TEXT NOT NULL);
//! CREATE TABLE geometry(hash INTEGER NOT NULL, wkt TEXT NOT NULL);
//! CREATE UNIQUE INDEX geometry_hash on geometry(hash);
//! CREATE TABLE frame_data(frame INTEGER NOT NULL, geometry_hash INTEGER NOT NULL);
//! CREATE INDEX frame_id_idx ON trajectory_data(frame, id);
//! ```
//!
//! - positions in metres; `ori_x`, `ori_y` a unit orientation vector;
//! - `metadata`: `version` = `2`, `fps` = frames per second of the stored frames, and
//!   `xmin`, `xmax`, `ymin`, `ymax`: a bounding box for viewers. JuPedSim stores the bounds of
//!   the walkable area there; this writer stores the bounds of the walkable area *and* of all
//!   written positions (the same numbers whenever every position lies in the walkable area);
//! - `geometry`: the walkable area(s) as WKT, keyed by a hash; `frame_data` names the
//!   geometry of each frame. JuPedSim uses Python's `hash()`, which is salted per process, so
//!   the hash is only a key; this writer uses a fixed 64-bit FNV-1a hash of the WKT so that the
//!   same input gives a byte-identical file.
//!
//! Version 1 differs only in `geometry(wkt TEXT NOT NULL)` (one row, no hash) and has no
//! `frame_data` table. Version 3 (JuPedSim ≥ 1.3, `sqlite_serialization.py`,
//! `DATABASE_VERSION = 3`) drops the orientation columns —
//! `trajectory_data(frame INTEGER, id INTEGER, pos_x REAL, pos_y REAL)` — and keeps the
//! `metadata`, `geometry` and `frame_data` tables of version 2; JuPedSim writes its frame numbers
//! as Python floats (`4.0`), which this reader accepts as whole numbers. A version 2 file
//! converted to version 3 keeps its orientation columns; they are ignored. (PedPy 1.5.1's
//! walkable-area loader rejects version 3; this reader does not.)

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, params};

use crate::data::TrajectoryData;
use crate::error::{RowLocation, TrajectoryError};

/// The schema version this crate writes.
pub const JUPEDSIM_SQLITE_VERSION: i64 = 2;

/// Rows (trajectory plus frame rows) written between two commits.
const COMMIT_EVERY_ROWS: usize = 100_000;

/// Tables and indices, in the order and with the column definitions JuPedSim 1.x uses.
const CREATE_SCHEMA: &str = "\
CREATE TABLE trajectory_data (   frame INTEGER NOT NULL,   id INTEGER NOT NULL,   pos_x REAL NOT NULL,   pos_y REAL NOT NULL,   ori_x REAL NOT NULL,   ori_y REAL NOT NULL);
CREATE TABLE metadata(key TEXT NOT NULL UNIQUE PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE geometry(   hash INTEGER NOT NULL,    wkt TEXT NOT NULL);
CREATE UNIQUE INDEX geometry_hash on geometry( hash);
CREATE TABLE frame_data(   frame INTEGER NOT NULL,   geometry_hash INTEGER NOT NULL);
CREATE INDEX frame_id_idx ON trajectory_data(frame, id);
";

const INSERT_ROW: &str = "INSERT INTO trajectory_data VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
/// Rows per multi-row INSERT: binding 64 rows per statement execution writes about 1.8 times
/// faster than one row per execution.
const ROWS_PER_INSERT: usize = 64;

/// `INSERT INTO trajectory_data VALUES(?,?,?,?,?,?),…` with [`ROWS_PER_INSERT`] rows.
static INSERT_ROWS: LazyLock<String> = LazyLock::new(|| {
    let rows = vec!["(?,?,?,?,?,?)"; ROWS_PER_INSERT];
    format!("INSERT INTO trajectory_data VALUES{}", rows.join(","))
});

const INSERT_FRAME: &str = "INSERT INTO frame_data VALUES(?1, ?2)";
const UPSERT_METADATA: &str = "INSERT OR REPLACE INTO metadata(key, value) VALUES(?1, ?2)";

const EXPECTED_TABLES: &str = "trajectory_data, metadata, geometry (and frame_data from version 2)";

/// Writes trajectories in JuPedSim's SQLite format, version 2, so that PedPy
/// (`load_trajectory_from_jupedsim_sqlite`, `load_walkable_area_from_jupedsim_sqlite`) and
/// JuPedSim's visualiser read them unchanged.
///
/// Frames are written inside one transaction committed about every 100 000 rows, with
/// prepared statements reused; the file stays a valid database at every commit. Call
/// [`finish`](Self::finish) at the end: it writes the bounding box, commits and reports errors.
/// A writer dropped without `finish` still commits what was written (errors ignored), unless a
/// write had failed, in which case the frames since the last commit are rolled back.
///
/// ```
/// use aman_trajectory::{JupedsimSqliteWriter, read_jupedsim_sqlite};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("trajectories.sqlite");
/// let area = "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))";
/// let mut writer = JupedsimSqliteWriter::create(&path, 10.0, area)?;
/// for frame in 0..3u64 {
///     let x = [1.0 + 0.1 * frame as f64, 2.0];
///     writer.write_frame(frame, &[1, 2], &x, &[1.0, 3.0], &[1.0, 1.0], &[0.0, 0.0])?;
/// }
/// writer.finish()?;
///
/// let (data, wkt) = read_jupedsim_sqlite(&path)?;
/// assert_eq!(data.frame_rate, 10.0);
/// assert_eq!(data.len(), 6);
/// assert_eq!(data.frames(), Some(0..=2));
/// assert_eq!(data.id_count(), 2);
/// assert_eq!(data.x[4], 1.2);
/// assert_eq!(wkt.as_deref(), Some(area));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct JupedsimSqliteWriter {
    path: PathBuf,
    /// `None` once finished.
    conn: Option<Connection>,
    geometry_hash: i64,
    bounds: Bounds,
    rows_since_commit: usize,
    last_frame: Option<u64>,
    /// Set when an SQLite error happened in the middle of a frame.
    failed: bool,
}

impl JupedsimSqliteWriter {
    /// Creates (overwriting) the file; `fps` = frames per second of the written frames;
    /// `walkable_area_wkt` = POLYGON WKT.
    ///
    /// An existing file at `path` and its SQLite side files (`-journal`, `-wal`, `-shm`) are
    /// removed first. Fails if `fps` is not finite and positive or the WKT has no valid
    /// coordinates.
    pub fn create(path: &Path, fps: f64, walkable_area_wkt: &str) -> Result<Self, TrajectoryError> {
        if !(fps.is_finite() && fps > 0.0) {
            return Err(TrajectoryError::InvalidFrameRate {
                path: path.to_path_buf(),
                fps,
            });
        }
        let bounds = wkt_bounds(walkable_area_wkt).map_err(|reason| {
            TrajectoryError::InvalidWalkableArea {
                path: path.to_path_buf(),
                reason,
            }
        })?;
        remove_database_files(path)?;

        let sql = |e| TrajectoryError::sqlite(path, e);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql)?;
        // Bulk writing: SQLite does not wait for the disk at each commit (synchronous OFF; only
        // a power loss could damage the file), but the rollback journal stays on disk, so a
        // crash of this process leaves the last committed state, and DELETE mode leaves no side
        // file behind. (Measured: journal OFF or MEMORY is no faster here, since appended pages
        // need no journal.)
        conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
            .map_err(sql)?;
        conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA cache_size = -16384;")
            .map_err(sql)?;

        let geometry_hash = fnv1a_64(walkable_area_wkt.as_bytes());
        conn.execute_batch("BEGIN").map_err(sql)?;
        conn.execute_batch(CREATE_SCHEMA).map_err(sql)?;
        conn.execute(
            "INSERT INTO metadata VALUES(?1, ?2)",
            params!["version", JUPEDSIM_SQLITE_VERSION.to_string()],
        )
        .map_err(sql)?;
        conn.execute(
            "INSERT INTO metadata VALUES(?1, ?2)",
            params!["fps", python_float(fps)],
        )
        .map_err(sql)?;
        conn.execute(
            "INSERT INTO geometry VALUES(?1, ?2)",
            params![geometry_hash, walkable_area_wkt],
        )
        .map_err(sql)?;
        write_bounds(&conn, &bounds).map_err(sql)?;

        Ok(JupedsimSqliteWriter {
            path: path.to_path_buf(),
            conn: Some(conn),
            geometry_hash,
            bounds,
            rows_since_commit: 0,
            last_frame: None,
            failed: false,
        })
    }

    /// One frame: parallel slices, same length; ori = unit orientation.
    ///
    /// `frame` must be greater than the previous frame written. Slices of different lengths,
    /// a non-finite value or an id above `i64::MAX` are an error and write nothing of the
    /// frame; the writer stays usable. An SQLite error (disk full, …) ends the writer.
    pub fn write_frame(
        &mut self,
        frame: u64,
        ids: &[u64],
        x: &[f64],
        y: &[f64],
        ori_x: &[f64],
        ori_y: &[f64],
    ) -> Result<(), TrajectoryError> {
        let invalid = |reason: String| TrajectoryError::InvalidFrame {
            path: self.path.clone(),
            frame,
            reason,
        };
        if self.failed {
            return Err(invalid(
                "an earlier write to this file failed; create a new writer".to_owned(),
            ));
        }
        let n = ids.len();
        if let Some(reason) =
            unequal_lengths([ids.len(), x.len(), y.len(), ori_x.len(), ori_y.len()])
        {
            return Err(invalid(reason));
        }
        if let Some(last) = self.last_frame
            && frame <= last
        {
            return Err(invalid(format!(
                "frame numbers must increase, but the previous frame written was {last}"
            )));
        }
        let frame_sql = i64::try_from(frame).map_err(|_| {
            invalid(format!(
                "frame number is above {} (SQLite INTEGER)",
                i64::MAX
            ))
        })?;
        let mut frame_bounds = Bounds::EMPTY;
        for i in 0..n {
            if i64::try_from(ids[i]).is_err() {
                return Err(invalid(format!(
                    "id {} is above {} (SQLite INTEGER)",
                    ids[i],
                    i64::MAX
                )));
            }
            for (name, value) in [
                ("x", x[i]),
                ("y", y[i]),
                ("ori_x", ori_x[i]),
                ("ori_y", ori_y[i]),
            ] {
                if !value.is_finite() {
                    return Err(invalid(format!("{name} of id {} is {value}", ids[i])));
                }
            }
            frame_bounds.add(x[i], y[i]);
        }

        let Some(conn) = self.conn.as_ref() else {
            return Err(invalid("the writer is already finished".to_owned()));
        };
        let result = (|| -> rusqlite::Result<()> {
            // Ids were checked above to fit in i64.
            let mut start = 0;
            if n >= ROWS_PER_INSERT {
                let mut insert = conn.prepare_cached(&INSERT_ROWS)?;
                while start + ROWS_PER_INSERT <= n {
                    for (k, i) in (start..start + ROWS_PER_INSERT).enumerate() {
                        let p = 6 * k;
                        insert.raw_bind_parameter(p + 1, frame_sql)?;
                        insert.raw_bind_parameter(p + 2, ids[i] as i64)?;
                        insert.raw_bind_parameter(p + 3, x[i])?;
                        insert.raw_bind_parameter(p + 4, y[i])?;
                        insert.raw_bind_parameter(p + 5, ori_x[i])?;
                        insert.raw_bind_parameter(p + 6, ori_y[i])?;
                    }
                    insert.raw_execute()?;
                    start += ROWS_PER_INSERT;
                }
            }
            let mut insert = conn.prepare_cached(INSERT_ROW)?;
            for i in start..n {
                insert.execute(params![
                    frame_sql,
                    ids[i] as i64,
                    x[i],
                    y[i],
                    ori_x[i],
                    ori_y[i]
                ])?;
            }
            conn.prepare_cached(INSERT_FRAME)?
                .execute(params![frame_sql, self.geometry_hash])?;
            Ok(())
        })();
        if let Err(e) = result {
            self.failed = true;
            return Err(TrajectoryError::sqlite(&self.path, e));
        }

        self.bounds.merge(&frame_bounds);
        self.last_frame = Some(frame);
        self.rows_since_commit += n + 1;
        if self.rows_since_commit >= COMMIT_EVERY_ROWS {
            let result =
                write_bounds(conn, &self.bounds).and_then(|()| conn.execute_batch("COMMIT; BEGIN"));
            if let Err(e) = result {
                self.failed = true;
                return Err(TrajectoryError::sqlite(&self.path, e));
            }
            self.rows_since_commit = 0;
        }
        Ok(())
    }

    /// Writes bounding box metadata, commits, closes.
    pub fn finish(mut self) -> Result<(), TrajectoryError> {
        let Some(conn) = self.conn.take() else {
            return Ok(());
        };
        if self.failed {
            return Err(TrajectoryError::InvalidFrame {
                path: self.path.clone(),
                frame: self.last_frame.unwrap_or(0),
                reason: "an earlier write to this file failed; frames since the last commit \
                         were not saved"
                    .to_owned(),
            });
        }
        let sql = |e| TrajectoryError::sqlite(&self.path, e);
        write_bounds(&conn, &self.bounds).map_err(sql)?;
        conn.execute_batch("COMMIT").map_err(sql)?;
        conn.close().map_err(|(_, e)| sql(e))
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for JupedsimSqliteWriter {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take()
            && !self.failed
        {
            // Best effort: keep what was written. Errors cannot be reported from drop; callers
            // who need them call `finish`.
            let _ = write_bounds(&conn, &self.bounds).and_then(|()| conn.execute_batch("COMMIT"));
        }
    }
}

/// Reads a JuPedSim SQLite trajectory file, version 1, 2 or 3.
///
/// Returns the trajectory (rows sorted by frame, then id; positions in metres; frame rate from
/// `metadata.fps`) and the walkable area as WKT: the `geometry` row, or, when a version 2 or 3 file
/// holds several geometries, all of them joined in a `GEOMETRYCOLLECTION` (PedPy uses their
/// union). The WKT is `None` when the file has no `geometry` table or no row in it. The
/// orientation columns are not read.
///
/// Errors name the file: missing file, not an SQLite database, truncated or corrupt file,
/// missing `trajectory_data` or `metadata` table, missing or bad `version` / `fps`, a version
/// other than 1, 2 or 3, a row whose frame, id or position is not a number
/// ([`TrajectoryError::BadRow`]), or a person twice in one frame
/// ([`TrajectoryError::DuplicateRow`], naming both rows).
pub fn read_jupedsim_sqlite(
    path: &Path,
) -> Result<(TrajectoryData, Option<String>), TrajectoryError> {
    check_sqlite_header(path)?;
    let sql = |e| TrajectoryError::sqlite(path, e);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;

    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut stmt| {
            stmt.query_map([], |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(sql)?;
    let has = |name: &str| tables.iter().any(|t| t == name);
    match (has("trajectory_data"), has("metadata")) {
        (false, false) => {
            return Err(TrajectoryError::NotJupedsim {
                path: path.to_path_buf(),
                reason: format!(
                    "an SQLite database without the tables trajectory_data and metadata \
                     (tables found: {})",
                    if tables.is_empty() {
                        "none".to_owned()
                    } else {
                        tables.join(", ")
                    }
                ),
            });
        }
        (false, true) | (true, false) => {
            return Err(TrajectoryError::MissingTable {
                path: path.to_path_buf(),
                table: if has("metadata") {
                    "trajectory_data"
                } else {
                    "metadata"
                },
                expected: EXPECTED_TABLES,
            });
        }
        (true, true) => {}
    }

    let metadata = read_metadata(&conn, path)?;
    let bad_metadata = |key: &str, reason: String| TrajectoryError::BadMetadata {
        path: path.to_path_buf(),
        key: key.to_owned(),
        reason,
    };
    let version_text = metadata
        .get("version")
        .ok_or_else(|| bad_metadata("version", "missing (expected 1, 2 or 3)".to_owned()))?;
    let version: i64 = version_text.trim().parse().map_err(|_| {
        bad_metadata(
            "version",
            format!("{version_text:?} is not an integer (expected 1, 2 or 3)"),
        )
    })?;
    if !(1..=3).contains(&version) {
        return Err(TrajectoryError::UnsupportedVersion {
            path: path.to_path_buf(),
            version,
        });
    }
    let fps_text = metadata
        .get("fps")
        .ok_or_else(|| bad_metadata("fps", "missing (frames per second, e.g. 25.0)".to_owned()))?;
    let fps: f64 = fps_text
        .trim()
        .parse()
        .ok()
        .filter(|f: &f64| f.is_finite() && *f > 0.0)
        .ok_or_else(|| {
            bad_metadata(
                "fps",
                format!("{fps_text:?} is not a positive number of frames per second"),
            )
        })?;

    let data = read_rows(&conn, path, fps)?;
    let wkt = if has("geometry") {
        read_geometry(&conn, version).map_err(sql)?
    } else {
        None
    };
    Ok((data, wkt))
}

/// Fails early, with a clear message, for a missing file or one that is not SQLite at all.
fn check_sqlite_header(path: &Path) -> Result<(), TrajectoryError> {
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    let io = |source| TrajectoryError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = fs::File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.is_dir() {
        return Err(io(std::io::Error::other("is a directory")));
    }
    let mut header = Vec::with_capacity(16);
    file.by_ref()
        .take(16)
        .read_to_end(&mut header)
        .map_err(io)?;
    let reason = if header.is_empty() {
        "not an SQLite database (the file is empty)"
    } else if header != MAGIC {
        "not an SQLite database (it does not start with the SQLite header)"
    } else {
        return Ok(());
    };
    Err(TrajectoryError::NotJupedsim {
        path: path.to_path_buf(),
        reason: reason.to_owned(),
    })
}

fn read_metadata(
    conn: &Connection,
    path: &Path,
) -> Result<HashMap<String, String>, TrajectoryError> {
    let mut stmt = conn
        .prepare("SELECT key, value FROM metadata")
        .map_err(|e| TrajectoryError::sqlite(path, e))?;
    let mut rows = stmt
        .query([])
        .map_err(|e| TrajectoryError::sqlite(path, e))?;
    let mut map = HashMap::new();
    while let Some(row) = rows.next().map_err(|e| TrajectoryError::sqlite(path, e))? {
        let text = |i: usize| -> Option<String> {
            match row.get_ref(i).ok()? {
                ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Integer(v) => Some(v.to_string()),
                ValueRef::Real(v) => Some(v.to_string()),
                ValueRef::Null | ValueRef::Blob(_) => None,
            }
        };
        let (Some(key), value) = (text(0), text(1)) else {
            continue;
        };
        match value {
            Some(value) => {
                map.insert(key, value);
            }
            None => {
                return Err(TrajectoryError::BadMetadata {
                    path: path.to_path_buf(),
                    key,
                    reason: "value is NULL or binary, expected text".to_owned(),
                });
            }
        }
    }
    Ok(map)
}

fn read_rows(conn: &Connection, path: &Path, fps: f64) -> Result<TrajectoryData, TrajectoryError> {
    let sql = |e| TrajectoryError::sqlite(path, e);
    // Capacity hint only (cheap: the rowid b-tree's last entry); bounded against odd files.
    let hint: i64 = conn
        .query_row(
            "SELECT coalesce(max(rowid), 0) FROM trajectory_data",
            [],
            |r| r.get(0),
        )
        .unwrap_or(0);
    let capacity = usize::try_from(hint.clamp(0, 1 << 26)).unwrap_or(0);
    let mut data = TrajectoryData::new(fps);
    data.id.reserve(capacity);
    data.frame.reserve(capacity);
    data.x.reserve(capacity);
    data.y.reserve(capacity);

    // Table order (cheapest); sorted below only if the file was not written in order.
    let mut stmt = conn
        .prepare("SELECT frame, id, pos_x, pos_y FROM trajectory_data")
        .map_err(sql)?;
    let mut rows = stmt.query([]).map_err(sql)?;
    let mut row_number: u64 = 0;
    let mut sorted = true;
    while let Some(row) = rows.next().map_err(sql)? {
        row_number += 1;
        let bad = |reason: String| TrajectoryError::BadRow {
            path: path.to_path_buf(),
            row: row_number,
            reason,
        };
        let frame = integer(row.get_ref(0).map_err(sql)?, "frame").map_err(bad)?;
        let id = integer(row.get_ref(1).map_err(sql)?, "id").map_err(bad)?;
        let x = real(row.get_ref(2).map_err(sql)?, "pos_x").map_err(bad)?;
        let y = real(row.get_ref(3).map_err(sql)?, "pos_y").map_err(bad)?;
        if let (Some(&f), Some(&i)) = (data.frame.last(), data.id.last())
            && (frame, id) < (f, i)
        {
            sorted = false;
        }
        data.frame.push(frame);
        data.id.push(id);
        data.x.push(x);
        data.y.push(y);
    }
    if !sorted {
        data.sort_rows();
    }
    match data.check() {
        Ok(()) => Ok(data),
        Err(crate::data::DataError::Duplicate { id, frame, .. }) => {
            // Find the two rows again, in table order, for the message.
            let mut found = Vec::new();
            let mut stmt = conn
                .prepare("SELECT frame, id FROM trajectory_data")
                .map_err(sql)?;
            let mut rows = stmt.query([]).map_err(sql)?;
            let mut number = 0u64;
            while let Some(row) = rows.next().map_err(sql)?
                && found.len() < 2
            {
                number += 1;
                let f = row.get_ref(0).ok().and_then(|v| integer(v, "").ok());
                let i = row.get_ref(1).ok().and_then(|v| integer(v, "").ok());
                if f == Some(frame) && i == Some(id) {
                    found.push(RowLocation::Row(number));
                }
            }
            let first = found.first().copied().unwrap_or(RowLocation::Row(0));
            Err(TrajectoryError::DuplicateRow {
                path: path.to_path_buf(),
                id,
                frame,
                first,
                second: found.get(1).copied().unwrap_or(first),
            })
        }
        Err(source) => Err(TrajectoryError::InvalidData {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn integer(value: ValueRef<'_>, column: &str) -> Result<u64, String> {
    match value {
        ValueRef::Integer(v) => u64::try_from(v).map_err(|_| format!("{column} is negative ({v})")),
        // An integral REAL (e.g. frames written as 4.0 by old writers).
        ValueRef::Real(v) if v.fract() == 0.0 && (0.0..9.2e18).contains(&v) => Ok(v as u64),
        ValueRef::Real(v) => Err(format!("{column} is {v}, expected a non-negative integer")),
        other => Err(format!(
            "{column} is {}, expected a non-negative integer",
            describe(other)
        )),
    }
}

fn real(value: ValueRef<'_>, column: &str) -> Result<f64, String> {
    match value {
        ValueRef::Real(v) if v.is_finite() => Ok(v),
        ValueRef::Real(v) => Err(format!("{column} is {v}, expected a finite number")),
        ValueRef::Integer(v) => Ok(v as f64),
        other => Err(format!(
            "{column} is {}, expected a number",
            describe(other)
        )),
    }
}

fn describe(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Null => "NULL".to_owned(),
        ValueRef::Integer(v) => v.to_string(),
        ValueRef::Real(v) => v.to_string(),
        ValueRef::Text(t) => format!("the text {:?}", String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => format!("a blob of {} bytes", b.len()),
    }
}

fn read_geometry(conn: &Connection, version: i64) -> rusqlite::Result<Option<String>> {
    let mut stmt = conn.prepare("SELECT wkt FROM geometry")?;
    let mut wkts: Vec<String> = stmt
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(match wkts.len() {
        0 => None,
        // Version 1 holds a single geometry (PedPy reads the first row).
        1 => wkts.pop(),
        _ if version == 1 => Some(wkts.swap_remove(0)),
        _ => Some(format!("GEOMETRYCOLLECTION ({})", wkts.join(", "))),
    })
}

/// Removes `path` and its SQLite side files if they exist, so that no stale journal can be
/// applied to the new database.
fn remove_database_files(path: &Path) -> Result<(), TrajectoryError> {
    let mut candidates = vec![path.to_path_buf()];
    for suffix in ["-journal", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        candidates.push(PathBuf::from(name));
    }
    for file in candidates {
        match fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(TrajectoryError::Io { path: file, source }),
        }
    }
    Ok(())
}

fn write_bounds(conn: &Connection, bounds: &Bounds) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(UPSERT_METADATA)?;
    for (key, value) in [
        ("xmin", bounds.xmin),
        ("xmax", bounds.xmax),
        ("ymin", bounds.ymin),
        ("ymax", bounds.ymax),
    ] {
        stmt.execute(params![key, python_float(value)])?;
    }
    Ok(())
}

/// A float as Python's `str(float)` writes it for the usual values (`25.0`, `-10.0`, `0.1`),
/// which is how JuPedSim stores metadata numbers.
fn python_float(value: f64) -> String {
    format!("{value:?}")
}

/// 64-bit FNV-1a, as a signed SQLite INTEGER.
fn fnv1a_64(bytes: &[u8]) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}

/// An axis-aligned bounding box, in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bounds {
    xmin: f64,
    xmax: f64,
    ymin: f64,
    ymax: f64,
}

impl Bounds {
    const EMPTY: Bounds = Bounds {
        xmin: f64::INFINITY,
        xmax: f64::NEG_INFINITY,
        ymin: f64::INFINITY,
        ymax: f64::NEG_INFINITY,
    };

    fn add(&mut self, x: f64, y: f64) {
        self.xmin = self.xmin.min(x);
        self.xmax = self.xmax.max(x);
        self.ymin = self.ymin.min(y);
        self.ymax = self.ymax.max(y);
    }

    fn merge(&mut self, other: &Bounds) {
        self.xmin = self.xmin.min(other.xmin);
        self.xmax = self.xmax.max(other.xmax);
        self.ymin = self.ymin.min(other.ymin);
        self.ymax = self.ymax.max(other.ymax);
    }
}

/// Bounds of all coordinates of a WKT text, with a light syntax check (keyword first,
/// balanced parentheses, every coordinate made of at least x and y, finite numbers).
/// Full geometric validation belongs to `aman-geometry`.
fn wkt_bounds(wkt: &str) -> Result<Bounds, String> {
    let text = wkt.trim();
    if !text.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(if text.is_empty() {
            "empty text".to_owned()
        } else {
            "does not start with a geometry keyword such as POLYGON".to_owned()
        });
    }
    let mut depth: i64 = 0;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return Err("unbalanced parentheses: ')' without '('".to_owned());
                }
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("unbalanced parentheses: '(' not closed".to_owned());
    }
    let mut bounds = Bounds::EMPTY;
    let mut coordinates = 0usize;
    for chunk in text.split(['(', ')', ',']) {
        let mut numbers = chunk
            .split_whitespace()
            .filter(|token| !token.starts_with(|c: char| c.is_ascii_alphabetic()));
        let mut values = [0.0f64; 2];
        let mut count = 0usize;
        for token in numbers.by_ref() {
            let value: f64 = token
                .parse()
                .map_err(|_| format!("{token:?} is not a number"))?;
            if !value.is_finite() {
                return Err(format!("{token:?} is not a finite number"));
            }
            if count < 2 {
                values[count] = value;
            }
            count += 1;
        }
        match count {
            0 => {}
            1 => return Err(format!("coordinate {:?} has no y", chunk.trim())),
            _ => {
                bounds.add(values[0], values[1]);
                coordinates += 1;
            }
        }
    }
    if coordinates == 0 {
        return Err("no coordinates".to_owned());
    }
    Ok(bounds)
}

/// Why the columns of a frame (lengths of ids, x, y, ori_x, ori_y) cannot be one frame, or
/// `None` when they all have the same length.
pub(crate) fn unequal_lengths([ids, x, y, ori_x, ori_y]: [usize; 5]) -> Option<String> {
    [x, y, ori_x, ori_y].iter().any(|&len| len != ids).then(|| {
        format!(
            "slices have different lengths: ids {ids}, x {x}, y {y}, ori_x {ori_x}, ori_y {ori_y}"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wkt_bounds_of_polygon_with_hole() {
        let b = wkt_bounds("POLYGON ((-2 6, -2 0, 2 0, 2 6, -2 6), (0 1, 1 1, 1 2, 0 1))").unwrap();
        assert_eq!(
            b,
            Bounds {
                xmin: -2.0,
                xmax: 2.0,
                ymin: 0.0,
                ymax: 6.0
            }
        );
        let b =
            wkt_bounds("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 7.5, 5 5)))").unwrap();
        assert_eq!(
            b,
            Bounds {
                xmin: 0.0,
                xmax: 6.0,
                ymin: 0.0,
                ymax: 7.5
            }
        );
        let b = wkt_bounds("POLYGON Z ((0 0 1, 1e1 0 1, 1 1 1, 0 0 1))").unwrap();
        assert_eq!(b.xmax, 10.0);
    }

    #[test]
    fn wkt_bounds_rejects_garbage() {
        for bad in [
            "",
            "(0 0, 1 1)",
            "POLYGON ((0 0, 1 1)",
            "POLYGON ((0 0, 1))",
            "POLYGON ((0 0, 1 x))",
            "POLYGON EMPTY",
            "POLYGON ((0 0, 1 1e999, 0 1, 0 0))",
        ] {
            assert!(wkt_bounds(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn python_float_matches_python_str() {
        assert_eq!(python_float(25.0), "25.0");
        assert_eq!(python_float(-10.0), "-10.0");
        assert_eq!(python_float(0.1), "0.1");
        assert_eq!(python_float(12.5), "12.5");
    }

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325_u64 as i64);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c_u64 as i64);
    }
}
