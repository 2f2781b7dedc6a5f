//! Writer/reader of JuPedSim's SQLite trajectory format: round trip, the real JuPedSim fixture,
//! and the errors for bad files and bad input.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use aman_trajectory::{JupedsimSqliteWriter, TrajectoryError, read_jupedsim_sqlite};
use rusqlite::Connection;

const AREA: &str = "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/format-fixtures/jupedsim-sqlite/trajectories.sqlite")
}

fn metadata(path: &Path) -> HashMap<String, String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT key, value FROM metadata").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// `sqlite_master` entries (type, name, table, sql) sorted by name.
fn schema(path: &Path) -> Vec<(String, String, String, Option<String>)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Writes three frames of three persons (person 3 only from frame 1).
fn write_three_frames(path: &Path) {
    let mut w = JupedsimSqliteWriter::create(path, 12.5, AREA).unwrap();
    w.write_frame(
        0,
        &[1, 2],
        &[1.0, 2.0],
        &[1.0, 2.0],
        &[1.0, 0.0],
        &[0.0, 1.0],
    )
    .unwrap();
    w.write_frame(
        1,
        &[1, 2, 3],
        &[1.5, 2.0, 9.0],
        &[1.0, 2.5, 3.0],
        &[1.0, 0.0, -1.0],
        &[0.0, 1.0, 0.0],
    )
    .unwrap();
    // Person 2 leaves the walkable area (x = 11) so the bounding box must grow.
    w.write_frame(
        2,
        &[1, 2, 3],
        &[2.0, 11.0, 8.5],
        &[1.0, 3.0, -0.5],
        &[1.0, 0.0, -1.0],
        &[0.0, 1.0, 0.0],
    )
    .unwrap();
    w.finish().unwrap();
}

#[test]
fn round_trip_three_frames() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite");
    write_three_frames(&path);

    let (data, wkt) = read_jupedsim_sqlite(&path).unwrap();
    assert_eq!(wkt.as_deref(), Some(AREA));
    assert_eq!(data.frame_rate, 12.5);
    assert_eq!(data.frame, vec![0, 0, 1, 1, 1, 2, 2, 2]);
    assert_eq!(data.id, vec![1, 2, 1, 2, 3, 1, 2, 3]);
    assert_eq!(data.x, vec![1.0, 2.0, 1.5, 2.0, 9.0, 2.0, 11.0, 8.5]);
    assert_eq!(data.y, vec![1.0, 2.0, 1.0, 2.5, 3.0, 1.0, 3.0, -0.5]);
    assert_eq!(data.frames(), Some(0..=2));
    assert_eq!(data.id_count(), 3);

    let meta = metadata(&path);
    let expected: HashMap<String, String> = [
        ("version", "2"),
        ("fps", "12.5"),
        // Walkable area x 0..10, y 0..4, extended by the positions x = 11 and y = -0.5.
        ("xmin", "0.0"),
        ("xmax", "11.0"),
        ("ymin", "-0.5"),
        ("ymax", "4.0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(meta, expected);

    // One frame_data row per frame, all pointing at the one geometry row.
    let conn = Connection::open(&path).unwrap();
    let hash: i64 = conn
        .query_row("SELECT hash FROM geometry", [], |r| r.get(0))
        .unwrap();
    let frames: Vec<(i64, i64)> = conn
        .prepare("SELECT frame, geometry_hash FROM frame_data ORDER BY frame")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(frames, vec![(0, hash), (1, hash), (2, hash)]);
    let orientation: (f64, f64) = conn
        .query_row(
            "SELECT ori_x, ori_y FROM trajectory_data WHERE frame = 1 AND id = 3",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(orientation, (-1.0, 0.0));
    let journal_mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal_mode, "delete");
    assert!(!dir.path().join("t.sqlite-journal").exists());
}

#[test]
fn schema_is_the_one_jupedsim_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite");
    write_three_frames(&path);
    assert_eq!(schema(&path), schema(&fixture()));
}

#[test]
fn output_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.sqlite"), dir.path().join("b.sqlite"));
    write_three_frames(&a);
    write_three_frames(&b);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn create_overwrites_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite");
    std::fs::write(&path, b"old contents, not SQLite").unwrap();
    std::fs::write(dir.path().join("t.sqlite-journal"), b"stale journal").unwrap();
    write_three_frames(&path);
    write_three_frames(&path);
    assert_eq!(read_jupedsim_sqlite(&path).unwrap().0.len(), 8);
    assert!(!dir.path().join("t.sqlite-journal").exists());
}

#[test]
fn many_frames_span_several_commits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.sqlite");
    let n = 500usize;
    let frames = 250u64;
    let ids: Vec<u64> = (1..=n as u64).collect();
    let ori = vec![1.0; n];
    let zero = vec![0.0; n];
    let mut w = JupedsimSqliteWriter::create(&path, 25.0, AREA).unwrap();
    for f in 0..frames {
        let x: Vec<f64> = (0..n).map(|i| i as f64 * 0.01 + f as f64 * 0.001).collect();
        let y: Vec<f64> = (0..n).map(|i| (i % 4) as f64).collect();
        w.write_frame(f, &ids, &x, &y, &ori, &zero).unwrap();
    }
    w.finish().unwrap();
    let (data, _) = read_jupedsim_sqlite(&path).unwrap();
    assert_eq!(data.len(), n * frames as usize);
    assert_eq!(data.frames(), Some(0..=frames - 1));
    assert_eq!(data.id_count(), n);
    let last = data.len() - 1;
    assert_eq!((data.frame[last], data.id[last]), (frames - 1, n as u64));
    assert_eq!(metadata(&path)["xmax"], "10.0");
}

#[test]
fn dropped_writer_keeps_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite");
    {
        let mut w = JupedsimSqliteWriter::create(&path, 10.0, AREA).unwrap();
        w.write_frame(0, &[7], &[1.0], &[1.0], &[1.0], &[0.0])
            .unwrap();
        // No finish().
    }
    let (data, _) = read_jupedsim_sqlite(&path).unwrap();
    assert_eq!(data.id, vec![7]);
}

#[test]
fn reads_the_real_jupedsim_fixture() {
    let (data, wkt) = read_jupedsim_sqlite(&fixture()).unwrap();
    // SOURCE.md: 30 agents, frames 0–490, fps 25.
    assert_eq!(data.frame_rate, 25.0);
    assert_eq!(data.id_count(), 30);
    assert_eq!(data.frames(), Some(0..=490));
    assert_eq!(data.len(), 8083);
    assert!(
        data.frame
            .windows(2)
            .zip(data.id.windows(2))
            .all(|(f, i)| (f[0], i[0]) < (f[1], i[1])),
        "rows not sorted by frame, id"
    );
    assert_eq!(data.x[0], -2.3353491979316416);
    assert_eq!(data.y[0], 8.286936793625486);
    assert_eq!(
        wkt.as_deref(),
        Some(
            "POLYGON ((-2 6, -2 0, 2 0, 2 6, 10 6, 10 10, 5 10, 0 10, -5 10, -10 10, -10 6, -2 6))"
        )
    );
}

/// A copy of the fixture, changed by `sql`.
fn modified_fixture(dir: &Path, sql: &str) -> PathBuf {
    let path = dir.join("modified.sqlite");
    std::fs::copy(fixture(), &path).unwrap();
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();
    Connection::open(&path).unwrap().execute_batch(sql).unwrap();
    path
}

#[test]
fn reads_version_1_and_several_geometries() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = dir.path().join("v1.sqlite");
    Connection::open(&v1)
        .unwrap()
        .execute_batch(
            "CREATE TABLE metadata(key TEXT NOT NULL, value TEXT NOT NULL);
             INSERT INTO metadata VALUES('version', 1), ('fps', 8);
             CREATE TABLE geometry(wkt TEXT NOT NULL);
             INSERT INTO geometry VALUES('GEOMETRYCOLLECTION(POLYGON((0 0, 0 1, 1 1, 1 0, 0 0)))');
             CREATE TABLE trajectory_data (frame INTEGER NOT NULL, id INTEGER NOT NULL,
                pos_x REAL NOT NULL, pos_y REAL NOT NULL, ori_x REAL NOT NULL, ori_y REAL NOT NULL);
             INSERT INTO trajectory_data VALUES (1, 2, 0.5, 0.5, 1, 0), (0, 2, 0.25, 0.5, 1, 0),
                (0, 1, 0.75, 0.5, 1, 0);",
        )
        .unwrap();
    let (data, wkt) = read_jupedsim_sqlite(&v1).unwrap();
    assert_eq!(data.frame_rate, 8.0);
    // Sorted by frame, then id, whatever the table order.
    assert_eq!(data.frame, vec![0, 0, 1]);
    assert_eq!(data.id, vec![1, 2, 2]);
    assert_eq!(data.x, vec![0.75, 0.25, 0.5]);
    assert_eq!(
        wkt.as_deref(),
        Some("GEOMETRYCOLLECTION(POLYGON((0 0, 0 1, 1 1, 1 0, 0 0)))")
    );

    let two = modified_fixture(
        dir.path(),
        "INSERT INTO geometry VALUES (42, 'POLYGON ((20 0, 21 0, 21 1, 20 0))');",
    );
    let (_, wkt) = read_jupedsim_sqlite(&two).unwrap();
    let wkt = wkt.unwrap();
    assert!(
        wkt.starts_with("GEOMETRYCOLLECTION (POLYGON ((-2 6, "),
        "{wkt}"
    );
    assert!(
        wkt.ends_with(", POLYGON ((20 0, 21 0, 21 1, 20 0)))"),
        "{wkt}"
    );
}

#[test]
fn missing_file_names_the_path() {
    let err = read_jupedsim_sqlite(Path::new("/nonexistent/traj.sqlite")).unwrap_err();
    assert!(matches!(err, TrajectoryError::Io { .. }), "{err:?}");
    assert!(
        err.to_string().contains("/nonexistent/traj.sqlite"),
        "{err}"
    );
}

#[test]
fn garbage_and_empty_files_are_not_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.sqlite");
    std::fs::write(&garbage, "frame id x y\n0 1 2.0 3.0\n".repeat(100)).unwrap();
    let err = read_jupedsim_sqlite(&garbage).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::NotJupedsim { .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("garbage.sqlite") && msg.contains("not an SQLite database"),
        "{msg}"
    );

    let empty = dir.path().join("empty.sqlite");
    std::fs::write(&empty, b"").unwrap();
    let err = read_jupedsim_sqlite(&empty).unwrap_err();
    assert!(err.to_string().contains("file is empty"), "{err}");

    // A real SQLite database, but not a JuPedSim one.
    let other = dir.path().join("other.sqlite");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE people(name TEXT)")
        .unwrap();
    let err = read_jupedsim_sqlite(&other).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::NotJupedsim { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("tables found: people"), "{err}");
}

#[test]
fn truncated_fixture_is_reported_as_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture()).unwrap();
    for keep in [50, 4096, bytes.len() / 2, bytes.len() - 4096] {
        let path = dir.path().join(format!("truncated-{keep}.sqlite"));
        std::fs::write(&path, &bytes[..keep]).unwrap();
        let err = read_jupedsim_sqlite(&path).unwrap_err();
        assert!(
            matches!(
                err,
                TrajectoryError::Corrupt { .. } | TrajectoryError::NotJupedsim { .. }
            ),
            "{keep} bytes: {err:?}"
        );
        assert!(
            err.to_string().contains(&format!("truncated-{keep}")),
            "{err}"
        );
    }
}

#[test]
fn unsupported_and_bad_versions() {
    let dir = tempfile::tempdir().unwrap();
    // JuPedSim's convert_database_v2_to_v3 only changes the version: still readable.
    let v3 = modified_fixture(
        dir.path(),
        "UPDATE metadata SET value = '3' WHERE key = 'version'",
    );
    let (data, _) = read_jupedsim_sqlite(&v3).unwrap();
    assert_eq!(data.id_count(), 30);

    let v4 = modified_fixture(
        dir.path(),
        "UPDATE metadata SET value = '4' WHERE key = 'version'",
    );
    let err = read_jupedsim_sqlite(&v4).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::UnsupportedVersion { version: 4, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .ends_with("unsupported JuPedSim SQLite version 4 (supported: 1, 2, 3)"),
        "{err}"
    );

    let abc = modified_fixture(
        dir.path(),
        "UPDATE metadata SET value = 'abc' WHERE key = 'version'",
    );
    let err = read_jupedsim_sqlite(&abc).unwrap_err();
    assert!(
        err.to_string().contains("bad metadata value key=version"),
        "{err}"
    );

    let fps = modified_fixture(
        dir.path(),
        "UPDATE metadata SET value = '-1' WHERE key = 'fps'",
    );
    let err = read_jupedsim_sqlite(&fps).unwrap_err();
    assert!(
        err.to_string().contains("bad metadata value key=fps"),
        "{err}"
    );

    let no_fps = modified_fixture(dir.path(), "DELETE FROM metadata WHERE key = 'fps'");
    let err = read_jupedsim_sqlite(&no_fps).unwrap_err();
    assert!(err.to_string().contains("key=fps: missing"), "{err}");
}

#[test]
fn missing_table_and_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let no_traj = modified_fixture(dir.path(), "DROP TABLE trajectory_data");
    let err = read_jupedsim_sqlite(&no_traj).unwrap_err();
    assert!(
        matches!(
            err,
            TrajectoryError::MissingTable {
                table: "trajectory_data",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("missing table `trajectory_data`"),
        "{err}"
    );

    let text_x = modified_fixture(
        dir.path(),
        "UPDATE trajectory_data SET pos_x = 'far' WHERE frame = 3 AND id = 1",
    );
    let err = read_jupedsim_sqlite(&text_x).unwrap_err();
    assert!(matches!(err, TrajectoryError::BadRow { .. }), "{err:?}");
    assert!(
        err.to_string().contains("pos_x is the text \"far\""),
        "{err}"
    );
}

#[test]
fn writer_rejects_bad_frames_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite");
    let mut w = JupedsimSqliteWriter::create(&path, 10.0, AREA).unwrap();

    let err = w
        .write_frame(0, &[1, 2], &[1.0, 2.0], &[1.0], &[1.0, 1.0], &[0.0, 0.0])
        .unwrap_err();
    assert!(
        matches!(err, TrajectoryError::InvalidFrame { frame: 0, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("slices have different lengths: ids 2, x 2, y 1, ori_x 2, ori_y 2"),
        "{err}"
    );

    let err = w
        .write_frame(0, &[1], &[f64::NAN], &[1.0], &[1.0], &[0.0])
        .unwrap_err();
    assert!(err.to_string().contains("x of id 1 is NaN"), "{err}");

    let err = w
        .write_frame(0, &[u64::MAX], &[1.0], &[1.0], &[1.0], &[0.0])
        .unwrap_err();
    assert!(err.to_string().contains("is above"), "{err}");

    // The writer is still usable; frames must increase.
    w.write_frame(5, &[1], &[1.0], &[1.0], &[1.0], &[0.0])
        .unwrap();
    let err = w
        .write_frame(5, &[1], &[1.0], &[1.0], &[1.0], &[0.0])
        .unwrap_err();
    assert!(
        err.to_string().contains("previous frame written was 5"),
        "{err}"
    );
    w.finish().unwrap();

    // Nothing of the rejected frames reached the file.
    let (data, _) = read_jupedsim_sqlite(&path).unwrap();
    assert_eq!((data.frame, data.id), (vec![5], vec![1]));
}

#[test]
fn writer_rejects_bad_fps_and_walkable_area() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite");
    for fps in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let err = JupedsimSqliteWriter::create(&path, fps, AREA).unwrap_err();
        assert!(
            matches!(err, TrajectoryError::InvalidFrameRate { .. }),
            "{err:?}"
        );
    }
    let err =
        JupedsimSqliteWriter::create(&path, 10.0, "POLYGON ((0 0, 1 0, 1 1, 0 0)").unwrap_err();
    assert!(
        matches!(err, TrajectoryError::InvalidWalkableArea { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("unbalanced parentheses"), "{err}");
    assert!(!path.exists(), "nothing created for invalid input");

    let err = JupedsimSqliteWriter::create(dir.path(), 10.0, AREA).unwrap_err();
    assert!(matches!(err, TrajectoryError::Io { .. }), "{err:?}");
}

/// The schema JuPedSim ≥ 1.3 writes (`sqlite_serialization.py`, `DATABASE_VERSION = 3`): no
/// orientation columns, frames inserted as Python floats.
#[test]
fn reads_version_3_as_jupedsim_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.sqlite");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE trajectory_data (   frame INTEGER NOT NULL,   id INTEGER NOT NULL,   \
         pos_x REAL NOT NULL,   pos_y REAL NOT NULL);
         CREATE TABLE metadata(key TEXT NOT NULL UNIQUE PRIMARY KEY, value TEXT NOT NULL);
         INSERT INTO metadata VALUES('version', 3), ('fps', 12.5);
         CREATE TABLE geometry(   hash INTEGER NOT NULL,    wkt TEXT NOT NULL);
         CREATE UNIQUE INDEX geometry_hash on geometry( hash);
         INSERT INTO geometry VALUES(-42, 'POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))');
         CREATE TABLE frame_data(   frame INTEGER NOT NULL,   geometry_hash INTEGER NOT NULL);
         CREATE INDEX frame_id_idx ON trajectory_data(frame, id);
         INSERT INTO trajectory_data VALUES(0.0, 7, 1.0, 2.0), (0.0, 3, 5.0, 1.5),
                                           (1.0, 7, 1.25, 2.0), (1.0, 3, 4.75, 1.5);
         INSERT INTO frame_data VALUES(0.0, -42), (1.0, -42);",
    )
    .unwrap();
    drop(conn);
    let (data, wkt) = read_jupedsim_sqlite(&path).unwrap();
    assert_eq!(data.frame_rate, 12.5);
    assert_eq!(data.frame, vec![0, 0, 1, 1]);
    assert_eq!(data.id, vec![3, 7, 3, 7]);
    assert_eq!(data.x, vec![5.0, 1.0, 4.75, 1.25]);
    assert_eq!(
        wkt.as_deref(),
        Some("POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))")
    );
    data.check().unwrap();
}

#[test]
fn a_person_twice_in_a_frame_names_both_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = modified_fixture(
        dir.path(),
        "INSERT INTO trajectory_data VALUES(490, 14, 0.0, 0.0, 1.0, 0.0)",
    );
    let err = read_jupedsim_sqlite(&path).unwrap_err();
    let TrajectoryError::DuplicateRow {
        id,
        frame,
        first,
        second,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((*id, *frame), (14, 490));
    assert_eq!(*second, aman_trajectory::RowLocation::Row(8084));
    assert!(matches!(first, aman_trajectory::RowLocation::Row(n) if *n < 8084));
    assert!(
        err.to_string()
            .contains("person 14 appears twice in frame 490 (row"),
        "{err}"
    );
}
