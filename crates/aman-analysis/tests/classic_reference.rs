//! Classic density on real data against PedPy 1.5.1 (`compute_classic_density`) and JPSreport's
//! `rho_v_Classic` density column.

#[path = "speed_testdata/mod.rs"]
mod data;

use aman_analysis::TrajectoryIndex;
use aman_analysis::classic::classic_density;
use data::{AO300_BOTTLENECK, area, close};

fn check_against_jpsreport(folder: &str, traj: &str, corners: &[(f64, f64)], mean: f64) {
    let d = data::load(folder, traj, None);
    let ix = TrajectoryIndex::new(&d).unwrap();
    let rho = classic_density(&ix, &area(corners)).unwrap();
    close(rho.mean().unwrap(), mean, 1e-6, "mean density");
    let jps = data::jps(folder, "Classical_Voronoi/rho_v_Classic_traj.txt_id_1.dat");
    let frames: Vec<u64> = jps[0].iter().map(|&f| f as u64).collect();
    assert_eq!(rho.frames, frames);
    let max = rho
        .values
        .iter()
        .zip(&jps[1])
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    // JPSreport writes 3 decimals.
    assert!(max <= 0.0005 + 1e-9, "max |ours − JPSreport| = {max}");
}

#[test]
fn ao300_bottleneck() {
    // compute_classic_density(measurement_area=bottleneck): 959 frames, mean 2.600324,
    // max 5.031447 (16 persons / 3.18 m²).
    check_against_jpsreport(
        "hermes2009-AO300-wide-bottleneck",
        "traj_AO_300.txt",
        &AO300_BOTTLENECK,
        2.600324,
    );
    let d = data::load("hermes2009-AO300-wide-bottleneck", "traj_AO_300.txt", None);
    let ix = TrajectoryIndex::new(&d).unwrap();
    let rho = classic_density(&ix, &area(&AO300_BOTTLENECK)).unwrap();
    assert_eq!(rho.frames.len(), 959);
    close(rho.max().unwrap(), 16.0 / 3.18, 1e-12, "max");
}

#[test]
fn corner() {
    // PedPy: mean 0.787715 (max 1.833333).
    check_against_jpsreport(
        "jpsreport-reftest-corner",
        "traj.txt",
        &[(0.0, 0.0), (-3.0, 0.0), (-3.0, 2.0), (0.0, 2.0)],
        0.787715,
    );
}

#[test]
fn t_junction() {
    let d = data::load(
        "hermes2009-T-junction-KO-240-050-240",
        "traj_KO_240_050_240.txt",
        None,
    );
    let ix = TrajectoryIndex::new(&d).unwrap();
    let rho = classic_density(
        &ix,
        &area(&[(-2.4, 1.0), (-2.4, 3.0), (0.0, 3.0), (0.0, 1.0)]),
    )
    .unwrap();
    // PedPy: 1000 frames, mean 0.689583, max 1.458333 (7 / 4.8 m²).
    assert_eq!(rho.frames.len(), 1000);
    close(rho.mean().unwrap(), 0.689583, 1e-6, "mean");
    close(rho.max().unwrap(), 1.458333, 1e-6, "max");
}

#[test]
fn madras() {
    let corners = [(-2.0, 1.5), (0.0, 1.5), (0.0, 4.5), (-2.0, 4.5)];
    for (file, frames, mean, max) in [
        ("Topview_2E.txt", 2182, 0.602734, 1.833333),
        ("Topview_2F.txt", 2397, 0.326033, 1.333333),
    ] {
        let d = data::load("madras-lyon2022-festival-of-lights", file, Some(30.0));
        let ix = TrajectoryIndex::new(&d).unwrap();
        let rho = classic_density(&ix, &area(&corners)).unwrap();
        assert_eq!(rho.frames.len(), frames);
        close(rho.mean().unwrap(), mean, 1e-6, file);
        close(rho.max().unwrap(), max, 1e-6, file);
    }
}

#[test]
fn eth_with_frame_gaps() {
    let d = data::load_eth();
    let ix = TrajectoryIndex::new(&d).unwrap();
    let rho = classic_density(
        &ix,
        &area(&[(4.0, 2.0), (10.0, 2.0), (10.0, 8.0), (4.0, 8.0)]),
    )
    .unwrap();
    // PedPy: 1934 frames (gaps filled with 0), mean 0.045171, max 0.361111 (13 / 36 m²).
    assert_eq!(rho.frames.len(), 1934);
    assert!(rho.frames.len() > ix.frames().len());
    close(rho.mean().unwrap(), 0.045171, 1e-6, "mean");
    close(rho.max().unwrap(), 13.0 / 36.0, 1e-12, "max");
}

#[test]
fn area_nobody_enters_is_all_zero() {
    let d = data::load("jpsreport-reftest-corner", "traj.txt", None);
    let ix = TrajectoryIndex::new(&d).unwrap();
    let rho = classic_density(&ix, &area(&[(50.0, 50.0), (51.0, 50.0), (51.0, 51.0)])).unwrap();
    assert_eq!(rho.frames.len(), 833);
    assert!(rho.values.iter().all(|&v| v == 0.0));
}
