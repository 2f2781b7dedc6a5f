//! Formats without a real fixture in the shared data (Pathfinder CSV, Viswalk `.pp`), written
//! here following the layouts PedPy 1.5.1's loaders and tests expect, and format detection by
//! `read_trajectory`. Expected figures come from PedPy 1.5.1 run on the same text (the call is
//! named at each).

mod testdata;

use std::path::{Path, PathBuf};

use aman_trajectory::{
    LengthUnit, ReadOptions, RowLocation, TrajectoryData, TrajectoryError, TrajectoryFormat,
    detect_format, read_pathfinder_csv, read_trajectory, read_viswalk_pp,
};

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn rows(data: &TrajectoryData) -> Vec<(u64, u64, f64, f64)> {
    (0..data.len())
        .map(|i| (data.id[i], data.frame[i], data.x[i], data.y[i]))
        .collect()
}

/// Pathfinder CSV as `write_pathfinder_csv_file` in PedPy's tests writes it: header, unit row,
/// data; here with two more columns, rows person by person.
const PATHFINDER: &str = "id,t,x,y,z,name
unit,s,m,m,m,
1,0.0,1.0,2.0,0.0,A
1,0.2,1.1,2.0,0.0,A
2,0.2,5.0,5.0,0.0,B
1,0.4,1.2,2.1,0.0,A
2,0.4,5.0,4.9,0.0,B
2,0.6,5.1,4.8,0.0,B
";

#[test]
fn pathfinder_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "pathfinder.csv", PATHFINDER);
    let loaded = read_pathfinder_csv(&path, None).unwrap();
    // PedPy 1.5.1 load_trajectory_from_pathfinder_csv(trajectory_file=…): frame rate 5,
    // rows (id, frame, x, y) sorted by frame then id as below.
    assert_eq!(loaded.data.frame_rate, 5.0);
    assert_eq!(
        rows(&loaded.data),
        vec![
            (1, 0, 1.0, 2.0),
            (1, 1, 1.1, 2.0),
            (2, 1, 5.0, 5.0),
            (1, 2, 1.2, 2.1),
            (2, 2, 5.0, 4.9),
            (2, 3, 5.1, 4.8),
        ]
    );
    loaded.data.check().unwrap();
    assert!(
        loaded
            .notes
            .iter()
            .any(|n| n.contains("unit row on line 2")),
        "{:?}",
        loaded.notes
    );

    // Centimetres in the unit row are converted (PedPy assumes metres).
    let path = write(
        dir.path(),
        "cm.csv",
        "id,t,x,y\nunit,s,cm,cm\n0,0.0,150,20\n0,0.5,160,20\n",
    );
    let loaded = read_pathfinder_csv(&path, None).unwrap();
    assert_eq!(loaded.data.x, vec![1.5, 1.6]);
    assert_eq!(loaded.data.frame_rate, 2.0);
    // Detected from the header.
    let loaded = read_trajectory(
        &write(dir.path(), "out", PATHFINDER),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(loaded.format, TrajectoryFormat::PathfinderCsv);
}

/// The start of a Viswalk pedestrian record as PedPy's `write_header_viswalk` lays it out.
const VISWALK_HEAD: &str = "$VISION
* File: C:\\sim\\bottleneck.inpx
* Comment:
* Date: 01/02/2025 10:00:00
* Application: PTV Viswalk
*
* Table: Pedestrians In Network
*
* NO: No, Number (Unique pedestrian number)
* SIMSEC: SimSec, Simulation second (Simulation time [s]) [s]
* COORDCENTX: CoordCentX, Coordinate center (x)
* COORDCENTY: CoordCentY, Coordinate center (y)
*
$PEDESTRIAN:NO;SIMSEC;COORDCENTX;COORDCENTY;SPEED
";

#[test]
fn viswalk_pp() {
    let dir = tempfile::tempdir().unwrap();
    let body = "1;0.20;10.00;3.50;1.2\n2;0.20;11.00;3.00;1.3\n1;0.40;10.50;3.50;1.2\n\
                2;0.40;11.40;3.10;1.3\n1;0.60;11.00;3.55;1.2\n3;0.60;0.00;0.00;0.0\n\
                3;0.80;0.30;0.10;0.8\n";
    let path = write(dir.path(), "run.pp", format!("{VISWALK_HEAD}{body}"));
    let loaded = read_viswalk_pp(&path, None).unwrap();
    // PedPy 1.5.1 load_trajectory_from_viswalk(trajectory_file=…): frame rate 5, rows:
    assert_eq!(loaded.data.frame_rate, 5.0);
    assert_eq!(
        rows(&loaded.data),
        vec![
            (1, 1, 10.0, 3.5),
            (2, 1, 11.0, 3.0),
            (1, 2, 10.5, 3.5),
            (2, 2, 11.4, 3.1),
            (1, 3, 11.0, 3.55),
            (3, 3, 0.0, 0.0),
            (3, 4, 0.3, 0.1),
        ]
    );
    let detected = read_trajectory(&path, &ReadOptions::default()).unwrap();
    assert_eq!(detected.format, TrajectoryFormat::ViswalkPp);
    assert_eq!(detected.data, loaded.data);
}

#[test]
fn viswalk_time_step_that_rounds_badly_is_an_error_not_a_silent_duplicate() {
    // Steps of 0.4 s: PedPy 1.5.1 derives round(1/0.4) = round(2.5) = 2 fps (half to even), so
    // 0.8 s and 1.2 s both become frame 2 and PedPy keeps person 1 twice in frame 2. Here that
    // is an error naming both lines; the right frame rate, given, reads the file.
    let dir = tempfile::tempdir().unwrap();
    let body = "1;0.40;10.00;3.50;1.2\n2;0.40;11.00;3.00;1.3\n1;0.80;10.50;3.50;1.2\n\
                2;0.80;11.40;3.10;1.3\n1;1.20;11.00;3.55;1.2\n";
    let path = write(dir.path(), "coarse.pp", format!("{VISWALK_HEAD}{body}"));
    let err = read_viswalk_pp(&path, None).unwrap_err();
    assert!(
        matches!(
            err,
            TrajectoryError::DuplicateRow {
                id: 1,
                frame: 2,
                first: RowLocation::Line(17),
                second: RowLocation::Line(19),
                ..
            }
        ),
        "{err:?}"
    );
    let loaded = read_viswalk_pp(&path, Some(2.5)).unwrap();
    assert_eq!(loaded.data.frames(), Some(1..=3));
}

#[test]
fn detection_by_content_and_name() {
    let data = |name: &str| testdata::dir(name);
    let cases = [
        (
            data("hermes2009-AO300-wide-bottleneck").join("traj_AO_300.txt"),
            TrajectoryFormat::JuelichTxt,
        ),
        (
            data("madras-lyon2022-festival-of-lights").join("Topview_2E.txt"),
            TrajectoryFormat::JuelichTxt,
        ),
        (
            data("wuppertal2014-bottleneck-social-groups-hdf5").join("00_01a.h5"),
            TrajectoryFormat::DataArchiveHdf5,
        ),
        (
            data("format-fixtures").join("jupedsim-sqlite/trajectories.sqlite"),
            TrajectoryFormat::JupedsimSqlite,
        ),
        (
            data("format-fixtures").join("vadere/vadere_postvis.traj"),
            TrajectoryFormat::VadereTraj,
        ),
        (
            data("format-fixtures").join("crowdit/crowdit.csv.gz"),
            TrajectoryFormat::CrowditCsv,
        ),
    ];
    for (path, format) in cases {
        assert_eq!(detect_format(&path).unwrap(), format, "{}", path.display());
    }
    // Content wins over a misleading name; the name decides when the content cannot.
    let dir = tempfile::tempdir().unwrap();
    let sqlite = data("format-fixtures").join("jupedsim-sqlite/trajectories.sqlite");
    let renamed = dir.path().join("trajectories.txt");
    std::fs::copy(&sqlite, &renamed).unwrap();
    assert_eq!(
        detect_format(&renamed).unwrap(),
        TrajectoryFormat::JupedsimSqlite
    );
    let odd = write(dir.path(), "odd.traj", "x\n");
    assert_eq!(detect_format(&odd).unwrap(), TrajectoryFormat::VadereTraj);
}

#[test]
fn options_override_frame_rate_and_unit() {
    let sqlite = testdata::dir("format-fixtures").join("jupedsim-sqlite/trajectories.sqlite");
    let plain = read_trajectory(&sqlite, &ReadOptions::default()).unwrap();
    let options = ReadOptions {
        format: Some(TrajectoryFormat::JupedsimSqlite),
        frame_rate: Some(50.0),
        unit: Some(LengthUnit::Centimetre),
    };
    let loaded = read_trajectory(&sqlite, &options).unwrap();
    assert_eq!(loaded.data.frame_rate, 50.0);
    assert_eq!(loaded.data.x[0], plain.data.x[0] / 100.0);
    assert!(
        loaded
            .notes
            .iter()
            .any(|n| n.contains("25 fps; using 50 fps")),
        "{:?}",
        loaded.notes
    );
    assert!(!plain.notes.is_empty() && plain.notes[0].contains("detected"));
}
