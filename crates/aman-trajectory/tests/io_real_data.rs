//! Every reader on the real files of the shared data folder: row, person and frame counts,
//! frame rates and the first and last rows (by frame, then id) as in the files. Where PedPy
//! 1.5.1 gives a figure for the same file, the comment says with which call.

mod testdata;

use aman_trajectory::{
    ExtraValues, LengthUnit, ReadOptions, TrajectoryData, TrajectoryFormat, read_data_archive_hdf5,
    read_trajectory, read_txt,
};

/// Row count, person count, frame range and frame rate.
fn assert_shape(data: &TrajectoryData, rows: usize, ids: usize, frames: (u64, u64), fps: f64) {
    data.check().expect("readers end with valid data");
    assert_eq!(data.len(), rows, "rows");
    assert_eq!(data.id_count(), ids, "persons");
    assert_eq!(data.frames(), Some(frames.0..=frames.1), "frames");
    assert_eq!(data.frame_rate, fps, "frame rate");
}

/// Row `i` as (id, frame, x, y).
fn row(data: &TrajectoryData, i: usize) -> (u64, u64, f64, f64) {
    (data.id[i], data.frame[i], data.x[i], data.y[i])
}

fn last(data: &TrajectoryData) -> (u64, u64, f64, f64) {
    row(data, data.len() - 1)
}

#[test]
fn hermes_ao300_txt() {
    let path = testdata::dir("hermes2009-AO300-wide-bottleneck").join("traj_AO_300.txt");
    let loaded = read_txt(&path, None, None).unwrap();
    let data = &loaded.data;
    // PedPy 1.5.1 load_trajectory_from_txt(trajectory_file=…): 128783 rows, 348 ids, frames
    // 0–958, 16 fps; unit metres from "(in metres)".
    assert_shape(data, 128_783, 348, (0, 958), 16.0);
    assert_eq!(row(data, 0), (1, 0, -1.8891, -3.7952));
    assert_eq!(last(data), (245, 958, -0.5304, 6.0389));
    // Every row: PedPy gives Σframe = 44099010, Σx = 104004.4199, Σy = -198491.4354.
    assert_eq!(data.frame.iter().sum::<u64>(), 44_099_010);
    assert!((data.x.iter().sum::<f64>() - 104004.41990000001).abs() < 1e-6);
    assert!((data.y.iter().sum::<f64>() + 198491.43540000002).abs() < 1e-6);
    // Header line 8 `#ID FR X Y Z` names the extra column.
    let z = data.extra_column("Z").expect("Z column");
    let ExtraValues::Number(z) = &z.values else {
        panic!("Z is numeric")
    };
    assert_eq!(z[0], 1.779);
    assert_eq!(z.len(), data.len());
    assert!(
        loaded
            .notes
            .iter()
            .any(|n| n.contains("16 fps from header line 2")),
        "{:?}",
        loaded.notes
    );
    assert!(
        loaded
            .notes
            .iter()
            .any(|n| n.contains("unit m from header line 6")),
        "{:?}",
        loaded.notes
    );
}

#[test]
fn hermes_t_junction_txt() {
    let path =
        testdata::dir("hermes2009-T-junction-KO-240-050-240").join("traj_KO_240_050_240.txt");
    let loaded = read_trajectory(&path, &ReadOptions::default()).unwrap();
    assert_eq!(loaded.format, TrajectoryFormat::JuelichTxt);
    let data = &loaded.data;
    // PedPy 1.5.1 load_trajectory_from_txt: 13569 rows, 134 ids, frames 89–1088, 16 fps.
    assert_shape(data, 13_569, 134, (89, 1088), 16.0);
    assert_eq!(row(data, 0), (1, 89, 3.7896, -1.1241));
    assert_eq!(last(data), (134, 1088, -1.822, 3.926));
}

#[test]
fn jpsreport_corner_txt() {
    let path = testdata::dir("jpsreport-reftest-corner").join("traj.txt");
    let loaded = read_txt(&path, None, None).unwrap();
    let data = &loaded.data;
    // PedPy 1.5.1 load_trajectory_from_txt(…, default_unit=METER): 18704 rows, 137 ids,
    // frames 53–885, 16 fps (the header has no unit, so PedPy needs default_unit).
    assert_shape(data, 18_704, 137, (53, 885), 16.0);
    assert_eq!(row(data, 0), (1, 53, 3.7253, -0.837029));
    assert_eq!(last(data), (137, 885, -2.61808, 4.1015));
    // `# ID frame X Y Z`
    assert!(data.extra_column("Z").is_some());
    assert!(
        loaded.notes.iter().any(|n| n.contains("no unit")),
        "{:?}",
        loaded.notes
    );
}

#[test]
fn madras_topview_txt_needs_the_frame_rate() {
    let path = testdata::dir("madras-lyon2022-festival-of-lights").join("Topview_2E.txt");
    let err = read_txt(&path, None, None).unwrap_err();
    assert!(err.to_string().contains("no frame rate"), "{err}");

    let options = ReadOptions {
        frame_rate: Some(30.0),
        ..ReadOptions::default()
    };
    let loaded = read_trajectory(&path, &options).unwrap();
    let data = &loaded.data;
    // PedPy 1.5.1 load_trajectory_from_txt(…, default_frame_rate=30, default_unit=METER):
    // 56448 rows, 218 ids, frames 0–2181.
    assert_shape(data, 56_448, 218, (0, 2181), 30.0);
    assert_eq!(row(data, 0), (1, 0, -4.2179, 4.6298));
    assert_eq!(last(data), (176, 2181, -5.1968, 1.8171));
    // `#id frame x y z`: z kept, in metres.
    let Some(ExtraValues::Number(z)) = data.extra_column("z").map(|c| &c.values) else {
        panic!("z kept as a numeric column")
    };
    assert_eq!((z[0], z.len()), (1.8, data.len()));
}

#[test]
fn txt_in_centimetres_on_request() {
    let path = testdata::dir("jpsreport-reftest-corner").join("traj.txt");
    let loaded = read_txt(&path, None, Some(LengthUnit::Centimetre)).unwrap();
    assert_eq!(
        row(&loaded.data, 0),
        (1, 53, 3.7253 / 100.0, -0.837029 / 100.0)
    );
}

#[test]
fn wuppertal_hdf5() {
    let path = testdata::dir("wuppertal2014-bottleneck-social-groups-hdf5").join("00_01a.h5");
    let (data, wkt) = read_data_archive_hdf5(&path).unwrap();
    // SOURCE.md and PedPy 1.5.1 load_trajectory_from_ped_data_archive_hdf5: 30701 rows, 46 ids,
    // frames 0–942, 25 fps.
    assert_shape(&data, 30_701, 46, (0, 942), 25.0);
    assert_eq!(
        row(&data, 0),
        (1, 0, -0.17599900000000002, 1.8804699999999999)
    );
    assert_eq!(last(&data), (9, 942, 2.1346000000000003, -2.57559));
    // PedPy: Σframe = 10621676, Σx = 1603.5673673110005, Σy = 65514.71096044801.
    assert_eq!(data.frame.iter().sum::<u64>(), 10_621_676);
    assert!((data.x.iter().sum::<f64>() - 1603.5673673110005).abs() < 1e-8);
    assert!((data.y.iter().sum::<f64>() - 65514.71096044801).abs() < 1e-8);
    let Some(ExtraValues::Number(z)) = data.extra_column("z").map(|c| &c.values) else {
        panic!("z kept as a numeric column")
    };
    assert_eq!(z[0], 1.419);
    assert_eq!(
        wkt.as_deref(),
        Some(
            "POLYGON ((-4 -4, -4 6, 4 6, 4 -4, -4 -4), (0.41 -0.26, 2.39 -0.26, 2.39 0.31, 0.4 \
             0.295, 0.41 -0.26), (-2.39 -0.26, -0.4 -0.26, -0.4 0.295, -2.39 0.31, -2.39 -0.26))"
        )
    );
    let loaded = read_trajectory(&path, &ReadOptions::default()).unwrap();
    assert_eq!(loaded.format, TrajectoryFormat::DataArchiveHdf5);
    assert_eq!(loaded.data, data);
}

#[test]
fn jupedsim_v2_fixture() {
    let path = testdata::dir("format-fixtures").join("jupedsim-sqlite/trajectories.sqlite");
    let loaded = read_trajectory(&path, &ReadOptions::default()).unwrap();
    assert_eq!(loaded.format, TrajectoryFormat::JupedsimSqlite);
    let data = &loaded.data;
    // PedPy 1.5.1 load_trajectory_from_jupedsim_sqlite: 8083 rows, 30 agents, frames 0–490.
    assert_shape(data, 8083, 30, (0, 490), 25.0);
    assert_eq!(row(data, 0), (1, 0, -2.3353491979316416, 8.286936793625486));
    assert_eq!(last(data), (14, 490, 0.170756360374554, 1.986021367272833));
    assert!(loaded.walkable_area_wkt.is_some());
}

#[test]
fn vadere_fixture_resampled_at_24_fps() {
    let path = testdata::dir("format-fixtures").join("vadere/vadere_postvis.traj");
    let options = ReadOptions {
        frame_rate: Some(24.0),
        ..ReadOptions::default()
    };
    let loaded = read_trajectory(&path, &options).unwrap();
    assert_eq!(loaded.format, TrajectoryFormat::VadereTraj);
    let data = &loaded.data;
    // PedPy 1.5.1 load_trajectory_from_vadere(trajectory_file=…, frame_rate=24): 6368 rows,
    // 20 ids, frames 10–580; first row (1, 10, 2.554920752324664, 7.078993865809987), last
    // (4, 580, 5.935552982907712, 1.685739405877176).
    assert_shape(data, 6368, 20, (10, 580), 24.0);
    let (id, frame, x, y) = row(data, 0);
    assert_eq!((id, frame), (1, 10));
    assert!((x - 2.554920752324664).abs() < 1e-12 && (y - 7.078993865809987).abs() < 1e-12);
    let (id, frame, x, y) = last(data);
    assert_eq!((id, frame), (4, 580));
    assert!((x - 5.935552982907712).abs() < 1e-12 && (y - 1.685739405877176).abs() < 1e-12);
    // Every row: PedPy 1.5.1 gives Σx = 26325.528947708364, Σy = 27892.61197083945,
    // Σframe = 1283614 (no deviation warning at 24 fps).
    assert_eq!(data.frame.iter().sum::<u64>(), 1_283_614);
    assert!((data.x.iter().sum::<f64>() - 26325.528947708364).abs() < 1e-8);
    assert!((data.y.iter().sum::<f64>() - 27892.61197083945).abs() < 1e-8);
    assert!(
        !loaded.notes.iter().any(|n| n.contains("deviate")),
        "{:?}",
        loaded.notes
    );
    // Without a frame rate, a clear error.
    let err = read_trajectory(&path, &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("no frame rate"), "{err}");
}

#[test]
fn crowdit_fixture_gzip() {
    let path = testdata::dir("format-fixtures").join("crowdit/crowdit.csv.gz");
    let loaded = read_trajectory(&path, &ReadOptions::default()).unwrap();
    assert_eq!(loaded.format, TrajectoryFormat::CrowditCsv);
    let data = &loaded.data;
    // PedPy 1.5.1 load_trajectory_from_crowdit(trajectory_file=…): 791 rows, 20 ids, frames
    // 0–68, frame rate 2 (time step 0.5 s); first row (0, 0, 40.64, 35.44), last
    // (3, 68, 29.86, 40.36).
    assert_shape(data, 791, 20, (0, 68), 2.0);
    assert_eq!(row(data, 0), (0, 0, 40.64, 35.44));
    assert_eq!(last(data), (3, 68, 29.86, 40.36));
    // PedPy: Σframe = 18527, Σx = 33108.53, Σy = 22806.53.
    assert_eq!(data.frame.iter().sum::<u64>(), 18_527);
    assert!((data.x.iter().sum::<f64>() - 33108.53).abs() < 1e-8);
    assert!((data.y.iter().sum::<f64>() - 22806.53).abs() < 1e-8);
}

/// The HERMES corridor files are headerless and in centimetres: read without a unit, the
/// reader says so and suggests cm; read as cm it does not. SOURCE.md gives y ∈ [−6.24, 8.01] m
/// (all three runs), i.e. a span of about 1424–1425 cm, and x within [−0.29, 3.52] m (at most
/// 381 cm; 333 cm in this run).
#[test]
fn hermes_corridor_cm_hint() {
    let path = testdata::dir("hermes2009-corridor-3m-exits").join("uo-300-300-300.txt");
    let plain = read_txt(&path, Some(16.0), None).unwrap();
    let hint = plain
        .notes
        .iter()
        .find(|n| n.contains("--unit cm"))
        .unwrap_or_else(|| panic!("no cm hint in {:?}", plain.notes));
    assert!(hint.contains("looks like centimetres"), "{hint}");
    assert!(
        hint.contains(" × 1424 units") || hint.contains(" × 1425 units"),
        "{hint}"
    );
    let cm = read_txt(&path, Some(16.0), Some(LengthUnit::Centimetre)).unwrap();
    assert!(
        !cm.notes.iter().any(|n| n.contains("--unit cm")),
        "{:?}",
        cm.notes
    );
    assert_eq!(aman_trajectory::centimetre_hint(&cm.data), None);
    // The AO300 file says "(in metres)" and spans about 10 m × 14 m: no hint either.
    let ao = testdata::dir("hermes2009-AO300-wide-bottleneck").join("traj_AO_300.txt");
    assert_eq!(
        aman_trajectory::centimetre_hint(&read_txt(&ao, None, None).unwrap().data),
        None
    );
}

/// `frame_window` keeps exactly the rows of the window. SOURCE.md's frames for uo-300-300-300
/// are 115–1439, and its steady window is [400, 1199].
#[test]
fn frame_window_on_real_data() {
    let path = testdata::dir("hermes2009-corridor-3m-exits").join("uo-300-300-300.txt");
    let data = read_txt(&path, Some(16.0), Some(LengthUnit::Centimetre))
        .unwrap()
        .data;
    let w = data.frame_window(400, 1199);
    w.check().unwrap();
    assert_eq!(w.frames(), Some(400..=1199));
    let expected = data
        .frame
        .iter()
        .filter(|f| (400..=1199).contains(*f))
        .count();
    assert_eq!(w.len(), expected);
    assert_eq!(w.extra.len(), data.extra.len());
    assert_eq!(w.extra[0].values.len(), expected);
    assert!(data.frame_window(1500, 2000).is_empty());
    assert!(data.frame_window(900, 800).is_empty());
    assert_eq!(data.frame_window(0, u64::MAX).len(), data.len());
}
