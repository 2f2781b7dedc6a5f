//! Bad input never panics: every kind of broken file gives a `TrajectoryError` that names the
//! file and, for a bad row, the line (text) or record (HDF5), what was found and what was
//! expected. Files are built in a temporary directory.

mod testdata;

use std::path::{Path, PathBuf};

use aman_trajectory::{
    ReadOptions, RowLocation, TrajectoryError, TrajectoryFormat, read_crowdit_csv,
    read_data_archive_hdf5, read_pathfinder_csv, read_trajectory, read_txt, read_vadere_traj,
    read_viswalk_pp,
};
use hdf5_pure::{AttrValue, CompoundTypeBuilder, FileBuilder};

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// The error of reading `content` as a txt file at 16 fps, with its message checked to name the
/// file.
fn txt_error(content: &str) -> (TrajectoryError, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "bad.txt", content);
    let err = read_txt(&path, Some(16.0), None).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("bad.txt"), "{msg}");
    (err, msg)
}

/// Asserts a `BadLine` on `line` whose message contains every part.
fn assert_bad_line(err: &TrajectoryError, msg: &str, line: u64, parts: &[&str]) {
    assert!(
        matches!(err, TrajectoryError::BadLine { line: l, .. } if *l == line),
        "expected line {line}: {err:?}"
    );
    assert!(msg.contains(&format!("line {line}:")), "{msg}");
    for part in parts {
        assert!(msg.contains(part), "{part:?} not in {msg}");
    }
}

const GOOD: &str = "# id frame x y z\n1 0 1.0 2.0 1.7\n2 0 3.0 4.0 1.8\n1 1 1.1 2.0 1.7\n";

#[test]
fn txt_good_sample_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "good.txt", GOOD);
    let loaded = read_txt(&path, Some(16.0), None).unwrap();
    assert_eq!(loaded.data.len(), 3);
    loaded.data.check().unwrap();
}

#[test]
fn txt_truncated_file() {
    // Cut in the middle of the last row: it has 3 fields left.
    let (err, msg) = txt_error(&GOOD[..GOOD.len() - 9]);
    assert_bad_line(
        &err,
        &msg,
        4,
        &["too few fields", "no y", "5 fields like line 2"],
    );
}

#[test]
fn txt_non_numeric_field() {
    let (err, msg) = txt_error("1 0 1.0 2.0\n1 1 abc 2.0\n");
    assert_bad_line(
        &err,
        &msg,
        2,
        &["x is \"abc\"", "not a number", "finite number"],
    );
    let (err, msg) = txt_error("1 0 1.0 2.0\nX 1 1.0 2.0\n");
    assert_bad_line(&err, &msg, 2, &["id is \"X\"", "whole number"]);
}

#[test]
fn txt_too_few_or_too_many_columns() {
    let (err, msg) = txt_error("#framerate: 16\n1 0 1.0\n");
    assert_bad_line(&err, &msg, 2, &["3 field(s)", "at least 4: id frame x y"]);
    let (err, msg) = txt_error("1 0 1.0 2.0\n1 1 1.0 2.0 1.7\n");
    assert_bad_line(&err, &msg, 2, &["5 fields", "line 1 (the first row) has 4"]);
    let (err, msg) = txt_error("1 0 1.0 2.0 1.7\n1 1 1.0 2.0\n");
    assert_bad_line(&err, &msg, 2, &["too few fields", "column 5"]);
}

#[test]
fn txt_empty_file_and_header_only() {
    let (err, msg) = txt_error("");
    assert!(matches!(err, TrajectoryError::NoData { .. }), "{err:?}");
    assert!(msg.contains("the file is empty"), "{msg}");
    let (err, msg) = txt_error("\n  \n");
    assert!(matches!(err, TrajectoryError::NoData { .. }), "{err:?}");
    assert!(msg.contains("blank"), "{msg}");
    let (err, msg) = txt_error("#framerate: 16\n# id frame x y\n");
    assert!(matches!(err, TrajectoryError::NoData { .. }), "{err:?}");
    assert!(msg.contains("only comment lines"), "{msg}");
}

#[test]
fn directories_and_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    for format in TrajectoryFormat::ALL {
        let options = ReadOptions {
            format: Some(format),
            frame_rate: Some(10.0),
            unit: None,
        };
        let err = read_trajectory(dir.path(), &options).unwrap_err();
        assert!(
            matches!(err, TrajectoryError::Io { .. }),
            "{format}: {err:?}"
        );
        assert!(
            err.to_string().contains(&dir.path().display().to_string()),
            "{err}"
        );
        let missing = dir.path().join("missing.file");
        let err = read_trajectory(&missing, &options).unwrap_err();
        assert!(
            matches!(err, TrajectoryError::Io { .. }),
            "{format}: {err:?}"
        );
        assert!(err.to_string().contains("missing.file"), "{err}");
    }
    let err = read_trajectory(dir.path(), &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("is a directory"), "{err}");
}

#[test]
fn txt_binary_file() {
    let h5 = testdata::dir("wuppertal2014-bottleneck-social-groups-hdf5").join("00_01a.h5");
    let err = read_txt(&h5, Some(25.0), None).unwrap_err();
    let msg = err.to_string();
    // The NUL byte follows the signature's `\r\n` and `\n`: line 3.
    assert!(
        matches!(err, TrajectoryError::BadLine { line: 3, .. }),
        "{err:?}"
    );
    assert!(
        msg.contains("00_01a.h5") && msg.contains("binary data") && msg.contains("HDF5"),
        "{msg}"
    );
    let (err, msg) = txt_error("1 0 1.0 2.0\n\u{0}\u{1}\u{2}garbage\n");
    assert_bad_line(&err, &msg, 2, &["binary data"]);
    // Invalid UTF-8 in a data line (Latin-1 in a comment is fine).
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "latin1.txt",
        b"# Geb\xe4ude\n1 0 1.0 2.0\n1 1 \xff 2.0\n",
    );
    let err = read_txt(&path, Some(16.0), None).unwrap_err();
    assert_bad_line(&err, &err.to_string(), 3, &["not UTF-8"]);
}

#[test]
fn txt_negative_values() {
    let (err, msg) = txt_error("1 0 1.0 2.0\n1 -1 1.0 2.0\n");
    assert_bad_line(&err, &msg, 2, &["frame is -1", "negative", "≥ 0"]);
    let (err, msg) = txt_error("-4 0 1.0 2.0\n");
    assert_bad_line(&err, &msg, 1, &["id is -4", "negative"]);
    let (err, msg) = txt_error("1 2.5 1.0 2.0\n");
    assert_bad_line(&err, &msg, 1, &["frame is 2.5", "whole number"]);
}

#[test]
fn txt_nan_and_infinity() {
    let (err, msg) = txt_error("1 0 NaN 2.0\n");
    assert_bad_line(&err, &msg, 1, &["x is NaN", "finite"]);
    let (err, msg) = txt_error("1 0 1.0 -inf\n");
    assert_bad_line(&err, &msg, 1, &["y is -inf", "finite"]);
}

#[test]
fn txt_duplicate_row_names_both_lines() {
    let (err, msg) = txt_error("# c\n1 0 1.0 2.0\n2 0 1.0 2.0\n1 0 1.5 2.5\n");
    assert!(
        matches!(
            err,
            TrajectoryError::DuplicateRow {
                id: 1,
                frame: 0,
                first: RowLocation::Line(2),
                second: RowLocation::Line(4),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        msg.contains("person 1 appears twice in frame 0 (line 2 and line 4)"),
        "{msg}"
    );
}

#[test]
fn txt_frame_rate_rules() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "nofps.txt", "1 0 1.0 2.0\n");
    let err = read_txt(&path, None, None).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::MissingFrameRate { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("#framerate: 16"), "{err}");
    for bad in [0.0, -25.0, f64::NAN] {
        let err = read_txt(&path, Some(bad), None).unwrap_err();
        assert!(
            matches!(err, TrajectoryError::InvalidFrameRate { .. }),
            "{err:?}"
        );
    }
    let path = write(dir.path(), "zero.txt", "#framerate: 0\n1 0 1.0 2.0\n");
    let err = read_txt(&path, None, None).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::BadLine { line: 1, .. }),
        "{err:?}"
    );
    // The caller's frame rate wins over the header's, with a note.
    let path = write(dir.path(), "fps.txt", "# fps: 25.0\n1 0 1.0 2.0\n");
    let loaded = read_txt(&path, Some(10.0), None).unwrap();
    assert_eq!(loaded.data.frame_rate, 10.0);
    assert!(
        loaded
            .notes
            .iter()
            .any(|n| n.contains("gives 25 fps; using 10 fps"))
    );
    assert_eq!(read_txt(&path, None, None).unwrap().data.frame_rate, 25.0);
}

#[test]
fn txt_centimetres_and_text_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "cm.txt",
        "#framerate: 25\n# x/cm\n#id frame x y z marker\n1 0 150 -20 170 A\n1 1 151 -20 170 7\n",
    );
    let loaded = read_txt(&path, None, None).unwrap();
    assert_eq!(loaded.data.x, vec![1.5, 1.51]);
    assert_eq!(loaded.data.y, vec![-0.2, -0.2]);
    assert_eq!(
        loaded.data.extra_column("z").unwrap().values,
        aman_trajectory::ExtraValues::Number(vec![1.7, 1.7])
    );
    assert_eq!(
        loaded.data.extra_column("marker").unwrap().values,
        aman_trajectory::ExtraValues::Text(vec!["A".into(), "7".into()])
    );
    // No header: fifth column `z`, later ones `column_N`.
    let path = write(dir.path(), "plain.txt", "1 0 1 2 3 4\n");
    let data = read_txt(&path, Some(1.0), None).unwrap().data;
    let names: Vec<&str> = data.extra.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["z", "column_6"]);
}

/// An HDF5 file like the data archive's, with the given records and attributes.
fn archive_hdf5(
    dir: &Path,
    name: &str,
    records: &[(i64, i64, f64, f64)],
    fps: Option<f64>,
    dataset: &str,
) -> PathBuf {
    let datatype = CompoundTypeBuilder::new()
        .i64_field("id")
        .i64_field("frame")
        .f64_field("x")
        .f64_field("y")
        .f64_field("z")
        .build()
        .unwrap();
    let mut raw = Vec::new();
    for &(id, frame, x, y) in records {
        raw.extend_from_slice(&id.to_le_bytes());
        raw.extend_from_slice(&frame.to_le_bytes());
        raw.extend_from_slice(&x.to_le_bytes());
        raw.extend_from_slice(&y.to_le_bytes());
        raw.extend_from_slice(&1.7f64.to_le_bytes());
    }
    let mut builder = FileBuilder::new();
    builder.set_attr(
        "wkt_geometry",
        AttrValue::String("POLYGON ((0 0, 5 0, 5 5, 0 5, 0 0))".into()),
    );
    let ds =
        builder
            .create_dataset(dataset)
            .with_compound_data(datatype, raw, records.len() as u64);
    if let Some(fps) = fps {
        ds.set_attr("fps", AttrValue::F64(fps));
    }
    let path = dir.join(name);
    builder.write(&path).unwrap();
    path
}

#[test]
fn hdf5_built_file_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = archive_hdf5(
        dir.path(),
        "ok.h5",
        &[(2, 1, 0.5, 0.5), (1, 1, 1.0, 1.0), (1, 0, 2.0, 2.0)],
        Some(10.0),
        "trajectory",
    );
    let (data, wkt) = read_data_archive_hdf5(&path).unwrap();
    assert_eq!(
        (data.frame.clone(), data.id.clone()),
        (vec![0, 1, 1], vec![1, 1, 2])
    );
    assert_eq!(data.x, vec![2.0, 1.0, 0.5]);
    assert_eq!(data.frame_rate, 10.0);
    assert_eq!(wkt.as_deref(), Some("POLYGON ((0 0, 5 0, 5 5, 0 5, 0 0))"));
    data.check().unwrap();
}

#[test]
fn hdf5_dataset_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = archive_hdf5(
        dir.path(),
        "other.h5",
        &[(1, 0, 0.0, 0.0)],
        Some(25.0),
        "traj",
    );
    let err = read_data_archive_hdf5(&path).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::WrongFormat { .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("other.h5")
            && msg.contains("no dataset `/trajectory`")
            && msg.contains("traj"),
        "{msg}"
    );
}

#[test]
fn hdf5_fps_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = archive_hdf5(
        dir.path(),
        "nofps.h5",
        &[(1, 0, 0.0, 0.0)],
        None,
        "trajectory",
    );
    let err = read_data_archive_hdf5(&path).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::MissingFrameRate { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("attribute `fps`"), "{err}");
    // A frame rate given by the caller fills the gap.
    let options = ReadOptions {
        frame_rate: Some(25.0),
        ..ReadOptions::default()
    };
    assert_eq!(
        read_trajectory(&path, &options).unwrap().data.frame_rate,
        25.0
    );
}

#[test]
fn hdf5_bad_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = archive_hdf5(
        dir.path(),
        "neg.h5",
        &[(1, 0, 0.0, 0.0), (1, -3, 0.0, 0.0)],
        Some(25.0),
        "trajectory",
    );
    let err = read_data_archive_hdf5(&path).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::BadRecord { record: 2, .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("neg.h5") && msg.contains("record 2") && msg.contains("frame is -3"),
        "{msg}"
    );

    let path = archive_hdf5(
        dir.path(),
        "nan.h5",
        &[(1, 0, f64::NAN, 0.0)],
        Some(25.0),
        "trajectory",
    );
    let err = read_data_archive_hdf5(&path).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::BadRecord { record: 1, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("x is NaN"), "{err}");

    let path = archive_hdf5(
        dir.path(),
        "dup.h5",
        &[(1, 0, 0.0, 0.0), (2, 0, 0.0, 0.0), (1, 0, 1.0, 0.0)],
        Some(25.0),
        "trajectory",
    );
    let err = read_data_archive_hdf5(&path).unwrap_err();
    assert!(
        matches!(
            err,
            TrajectoryError::DuplicateRow {
                first: RowLocation::Record(1),
                second: RowLocation::Record(3),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn hdf5_truncated_or_damaged_never_panics() {
    let real = testdata::dir("wuppertal2014-bottleneck-social-groups-hdf5").join("00_01a.h5");
    let bytes = std::fs::read(&real).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.h5");
    let full = read_data_archive_hdf5(&real).unwrap();
    // The records end at byte 1 230 088 (h5py: offset 2048 + 1 228 040 bytes); attributes
    // follow.
    let mut cuts: Vec<usize> = (0..40).map(|k| k * 97).collect();
    cuts.extend([4096, 8192, bytes.len() / 2, 1_230_087, bytes.len() - 1]);
    for keep in cuts {
        std::fs::write(&path, &bytes[..keep]).unwrap();
        match read_data_archive_hdf5(&path) {
            Err(err) => assert!(err.to_string().contains("cut.h5"), "{keep}: {err}"),
            // Only a cut in the attributes after the records can leave the data whole.
            Ok(read) => {
                assert!(keep > 1_230_088, "{keep} bytes read without error");
                assert_eq!(read.0, full.0);
            }
        }
    }
    // Flipped bytes in the metadata area.
    for at in (0..4096).step_by(61) {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0xff;
        std::fs::write(&path, &damaged).unwrap();
        if let Err(err) = read_data_archive_hdf5(&path) {
            assert!(err.to_string().contains("cut.h5"), "{at}: {err}");
        }
    }
    // Text given as HDF5.
    let text = write(dir.path(), "t.h5", GOOD);
    let err = read_data_archive_hdf5(&text).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::WrongFormat { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("HDF5 signature"), "{err}");
}

const VADERE_HEADER: &str = "#IDXCOL=2,DATACOL=6,SEP=' '\npedestrianId simTime endTime-PID1 startX-PID1 startY-PID1 endX-PID1 endY-PID1 targetId-PID2\n";

#[test]
fn vadere_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let read = |name: &str, body: &str| {
        let path = write(dir.path(), name, format!("{VADERE_HEADER}{body}"));
        read_vadere_traj(&path, 10.0, false)
    };
    // Good: steps at 0.0, 0.5, 1.0 s → frames 0–10.
    let ok = read(
        "ok.traj",
        "1 0.0 0.5 0 0 1 0 8\n1 0.5 1.0 1 0 2 0 8\n1 1.0 1.5 2 0 3 0 8\n",
    )
    .unwrap();
    assert_eq!(ok.data.frames(), Some(0..=10));
    assert_eq!(ok.data.x[5], 1.0);
    assert!((ok.data.x[3] - 0.6).abs() < 1e-12);

    let err = read("few.traj", "1 0.0 0.5 0 0 1\n").unwrap_err();
    assert_bad_line(&err, &err.to_string(), 3, &["6 fields", "names 8 columns"]);
    let err = read("nan.traj", "1 0.0 0.5 nan 0 1 0 8\n").unwrap_err();
    assert_bad_line(&err, &err.to_string(), 3, &["startX is NaN"]);
    let err = read("neg.traj", "1 -0.5 0.5 0 0 1 0 8\n").unwrap_err();
    assert_bad_line(&err, &err.to_string(), 3, &["simTime is -0.5"]);
    let err = read(
        "short.traj",
        "1 0.0 0.5 0 0 1 0 8\n2 0.0 0.5 0 0 1 0 8\n2 0.4 0.5 0 0 1 0 8\n",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("person(s) 1 is too short"),
        "{err}"
    );
    let path = write(
        dir.path(),
        "short2.traj",
        format!("{VADERE_HEADER}1 0.0 0.5 0 0 1 0 8\n2 0.0 0.5 0 0 1 0 8\n2 0.4 0.5 0 0 1 0 8\n"),
    );
    let loaded = read_vadere_traj(&path, 10.0, true).unwrap();
    assert_eq!(loaded.data.id_count(), 1);
    assert!(
        loaded
            .notes
            .iter()
            .any(|n| n.contains("left out person(s) 1"))
    );
    let err = read("twice.traj", "1 0.0 0.5 0 0 1 0 8\n1 0.0 0.5 1 0 1 0 8\n").unwrap_err();
    assert_bad_line(
        &err,
        &err.to_string(),
        4,
        &["second step starting at simTime 0", "line 3"],
    );

    let path = write(dir.path(), "cols.traj", "pedestrianId time x y\n1 0 0 0\n");
    let err = read_vadere_traj(&path, 10.0, false).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::WrongFormat { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("no column named like `simTime`"),
        "{err}"
    );
    let err = read("empty.traj", "").unwrap_err();
    assert!(matches!(err, TrajectoryError::NoData { .. }), "{err:?}");
}

#[test]
fn delimited_formats_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    // crowd:it
    let path = write(dir.path(), "c.csv", "time,pedID,posX\n0.0,1,2.0\n");
    let err = read_crowdit_csv(&path, None).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::WrongFormat { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("no column posY"), "{err}");
    let path = write(
        dir.path(),
        "c.csv",
        "time,pedID,posX,posY\n0.0,1,2.0,1.0\n0.5,1,x,1.0\n",
    );
    let err = read_crowdit_csv(&path, None).unwrap_err();
    assert_bad_line(&err, &err.to_string(), 3, &["x is \"x\""]);
    let path = write(dir.path(), "c.csv", "time,pedID,posX,posY\n0.0,1,2.0\n");
    let err = read_crowdit_csv(&path, None).unwrap_err();
    assert_bad_line(&err, &err.to_string(), 2, &["3 fields", "names 4 columns"]);
    let path = write(
        dir.path(),
        "c.csv",
        "time,pedID,posX,posY\n0.0,1,2.0,1.0\n0.0,2,2.0,1.0\n",
    );
    let err = read_crowdit_csv(&path, None).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::MissingFrameRate { .. }),
        "{err:?}"
    );
    let path = write(
        dir.path(),
        "c.csv",
        "time,pedID,posX,posY\n0.0,1,2.0,1.0\n0.01,1,2.0,1.0\n0.5,2,2.0,1.0\n0.51,2,2.0,1.0\n",
    );
    // 100 fps from the times; 1 fps given: both rows of a person fall on frame 0.
    let err = read_crowdit_csv(&path, Some(1.0)).unwrap_err();
    assert!(
        matches!(
            err,
            TrajectoryError::DuplicateRow {
                first: RowLocation::Line(2),
                second: RowLocation::Line(3),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        read_crowdit_csv(&path, None).unwrap().data.frame_rate,
        100.0
    );
    let gz = write(dir.path(), "c.csv.gz", [0x1f, 0x8b, 8, 0, 0, 0]);
    let err = read_crowdit_csv(&gz, None).unwrap_err();
    assert!(err.to_string().contains("gzip stream is damaged"), "{err}");

    // Pathfinder
    let path = write(
        dir.path(),
        "p.csv",
        "id,t,x,y\nunit,,furlong,furlong\n0,0.0,1,1\n",
    );
    let err = read_pathfinder_csv(&path, None).unwrap_err();
    assert_bad_line(&err, &err.to_string(), 2, &["furlong", "expected m, cm"]);
    let path = write(
        dir.path(),
        "p.csv",
        "id,t,x,y\nunit,,m,m\n0,0.0,1,1\n0,abc,1,1\n",
    );
    let err = read_pathfinder_csv(&path, None).unwrap_err();
    assert_bad_line(&err, &err.to_string(), 4, &["time is \"abc\""]);

    // Viswalk
    let path = write(
        dir.path(),
        "v.pp",
        "$VISION\n* c\n$PEDESTRIAN:NO;SIMSEC;COORDCENTX\n1;0.0;1.0\n",
    );
    let err = read_viswalk_pp(&path, None).unwrap_err();
    assert!(err.to_string().contains("no column COORDCENTY"), "{err}");
    let path = write(
        dir.path(),
        "v.pp",
        "$VISION\n$PEDESTRIAN:NO;SIMSEC;COORDCENTX;COORDCENTY\n1;0.0;1.0;2.0\n-1;0.1;1.0;2.0\n",
    );
    let err = read_viswalk_pp(&path, None).unwrap_err();
    assert_bad_line(&err, &err.to_string(), 4, &["person id is -1", "negative"]);
    let path = write(dir.path(), "v.pp", "$VISION\n* only comments\n");
    let err = read_viswalk_pp(&path, None).unwrap_err();
    assert!(matches!(err, TrajectoryError::NoData { .. }), "{err:?}");
}

#[test]
fn unknown_format_lists_the_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "mystery.dat", "hello, world\n");
    let err = read_trajectory(&path, &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::UnknownFormat { .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("mystery.dat")
            && msg.contains("\"hello, world\"")
            && msg.contains("txt, hdf5, sqlite"),
        "{msg}"
    );
    let empty = write(dir.path(), "empty.dat", "");
    let err = read_trajectory(&empty, &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("the file is empty"), "{err}");
    // A binary file given as a format it is not.
    let h5 = testdata::dir("wuppertal2014-bottleneck-social-groups-hdf5").join("00_01a.h5");
    let options = ReadOptions {
        format: Some(TrajectoryFormat::CrowditCsv),
        ..ReadOptions::default()
    };
    let err = read_trajectory(&h5, &options).unwrap_err();
    assert!(err.to_string().contains("binary data"), "{err}");
    let options = ReadOptions {
        format: Some(TrajectoryFormat::JupedsimSqlite),
        ..ReadOptions::default()
    };
    let err = read_trajectory(&h5, &options).unwrap_err();
    assert!(
        matches!(err, TrajectoryError::NotJupedsim { .. }),
        "{err:?}"
    );
}
