//! The grid measures give bit-identical results whatever the number of threads (the work is
//! split by frames or fixed chunks of rows, never by thread, and reduced in order).

mod testdata;

use aman_analysis::TrajectoryIndex;
use aman_analysis::pressure::crowd_pressure;
use aman_analysis::profiles::{DensityMethod, SpeedMethod, density_profile, speed_profile};
use aman_analysis::rset::{RsetMethod, rset_map};
use aman_analysis::speed::{SpeedBorder, individual_velocity};
use aman_analysis::validation::{CorrectionDistances, correct_invalid_points};
use aman_geometry::import::{walkable_area_from_file, walkable_area_from_wkt};
use aman_trajectory::{ReadOptions, read_trajectory};

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn one_thread_or_many_gives_the_same_bits() {
    let dir = testdata::dir("hermes2009-AO300-wide-bottleneck");
    let data = read_trajectory(&dir.join("traj_AO_300.txt"), &ReadOptions::default())
        .unwrap()
        .data;
    let area = walkable_area_from_wkt(
        "POLYGON ((-2.25 -8.5, -2.25 -0.53, -0.6 -0.53, -0.6 0.53, -2.25 0.53, -2.25 6.25, \
         4 6.25, 4 0.53, 2.4 0.53, 2.4 -0.53, 4 -0.53, 4 -8.5, -2.25 -8.5))",
        "ao300",
    )
    .unwrap();
    let demo = walkable_area_from_file(&dir.join("geo_AO_300.xml")).unwrap();
    let ix = TrajectoryIndex::new(&data).unwrap();
    let v = individual_velocity(&ix, 5, SpeedBorder::SingleSided).unwrap();
    let run = || {
        let mut out = Vec::new();
        let d =
            density_profile(&ix, &area, 0.3, DensityMethod::Gaussian { fwhm: 0.5 }, ..).unwrap();
        out.push(bits(&d.values));
        let s = speed_profile(
            &ix,
            &area,
            0.5,
            &v.speed,
            SpeedMethod::Gaussian { fwhm: 0.5 },
            ..,
        )
        .unwrap();
        out.push(bits(&s.values));
        let c = density_profile(&ix, &area, 0.2, DensityMethod::Classic, ..).unwrap();
        out.push(bits(&c.values));
        out.push(bits(
            &rset_map(&ix, &area, 0.4, RsetMethod::Mean).unwrap().values,
        ));
        let p = crowd_pressure(&ix, &area, 0.5, 0.8, &v.vx, &v.vy, 100..300).unwrap();
        out.push(bits(&p.pressure));
        out.push(bits(&p.time_averaged));
        let (fixed, _) =
            correct_invalid_points(&data, &demo, &CorrectionDistances::default()).unwrap();
        out.push(bits(&fixed.x));
        out.push(bits(&fixed.y));
        out
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(run);
    let many = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(run);
    assert_eq!(one.len(), many.len());
    for (k, (a, b)) in one.iter().zip(&many).enumerate() {
        assert!(a == b, "result {k} differs between 1 and 4 threads");
    }
}
