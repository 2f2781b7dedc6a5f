//! Fruin's three tables at every threshold, and the time a real bottleneck spent at each level.

mod testdata;

use aman_analysis::FrameSeries;
use aman_analysis::los::{FruinLevel, LosSummary, LosTable, los_over_time};

#[test]
fn every_threshold_belongs_to_the_better_level() {
    for table in LosTable::ALL {
        let min = table.min_area();
        for (k, &a) in min.iter().enumerate() {
            let better = FruinLevel::ALL[k];
            let worse = FruinLevel::ALL[k + 1];
            // Exactly on the threshold: the better level.
            assert_eq!(table.level(1.0 / a), better, "{} {a}", table.name());
            // Just denser: the next worse level.
            assert_eq!(
                table.level(1.0 / a * (1.0 + 1e-12)),
                worse,
                "{} {a}",
                table.name()
            );
            // The range of area per person agrees with the grading.
            assert_eq!(table.area_per_person(better).0, a);
            assert_eq!(table.area_per_person(worse).1, Some(a));
            assert_eq!(table.max_density()[k], 1.0 / a);
        }
        assert_eq!(table.level(0.0), FruinLevel::A);
        assert_eq!(table.level(-1.0), FruinLevel::A);
        assert_eq!(table.level(f64::NAN), FruinLevel::F);
        assert_eq!(table.level(f64::INFINITY), FruinLevel::F);
        // Metric thresholds are Fruin's ft² values (1 ft² = 0.092903 m²) to 0.01 m², except
        // walkway A (3.24 kept; 35 ft² = 3.2516 m²).
        for (k, (&m, &ft)) in min.iter().zip(&table.min_area_ft2()).enumerate() {
            let exact = ft * 0.092_903_04;
            let tol = if table == LosTable::Walkway && k == 0 {
                0.012
            } else {
                0.005 + 1e-12
            };
            assert!(
                (m - exact).abs() <= tol,
                "{} {ft} ft² = {exact} m², table {m}",
                table.name()
            );
        }
    }
    // The walkway table is FruinLevel::walkway, and so on.
    for d in [0.1, 0.35, 0.5, 0.9, 1.2, 1.6, 2.5, 4.0, 6.0] {
        assert_eq!(FruinLevel::walkway(d), LosTable::Walkway.level(d));
        assert_eq!(FruinLevel::stairway(d), LosTable::Stairway.level(d));
        assert_eq!(FruinLevel::queue(d), LosTable::Queue.level(d));
    }
    assert_eq!(
        LosTable::Walkway.area_per_person(FruinLevel::A),
        (3.24, None)
    );
    assert_eq!(
        LosTable::Queue.area_per_person(FruinLevel::F),
        (0.0, Some(0.19))
    );
}

#[test]
fn summary_by_hand() {
    let series = FrameSeries {
        frames: vec![10, 11, 12, 13, 14],
        values: vec![0.0, 1.0, 1.0, f64::NAN, 5.0],
    };
    let levels = los_over_time(&series, LosTable::Queue);
    assert_eq!(
        levels,
        vec![
            FruinLevel::A,
            FruinLevel::B,
            FruinLevel::B,
            FruinLevel::F,
            FruinLevel::E
        ]
    );
    let s = LosSummary::new(&series, LosTable::Queue, 4.0).unwrap();
    assert_eq!(s.frames, [1, 2, 0, 0, 1, 1]);
    assert_eq!(s.seconds, [0.25, 0.5, 0.0, 0.0, 0.25, 0.25]);
    assert_eq!((s.undefined_frames, s.worst), (1, Some(FruinLevel::E)));
    assert_eq!(s.seconds_at_or_worse(FruinLevel::E), 0.5);
    assert_eq!(s.seconds_at(FruinLevel::B), 0.5);
    // Empty series, bad frame rates.
    let empty = LosSummary::new(&FrameSeries::default(), LosTable::Walkway, 25.0).unwrap();
    assert_eq!((empty.seconds, empty.worst), ([0.0; 6], None));
    for fps in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let e = LosSummary::new(&series, LosTable::Walkway, fps).unwrap_err();
        assert!(e.to_string().contains("frame rate"), "{e}");
    }
}

/// JPSreport's classic density in the AO300 bottleneck (3.18 m², 959 frames at 16 fps),
/// graded with each table. Expected: counted independently from the same file with numpy
/// (`rho = np.loadtxt(...)[:, 1]`, first level with rho <= 1 / a_min).
#[test]
fn ao300_bottleneck_time_per_level() {
    let path = testdata::dir("hermes2009-AO300-wide-bottleneck").join(
        "jpsreport_results/Fundamental_Diagram/Classical_Voronoi/rho_v_Classic_traj.txt_id_1.dat",
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut series = FrameSeries::default();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut f = line.split_whitespace();
        series.frames.push(f.next().unwrap().parse().unwrap());
        series.values.push(f.next().unwrap().parse().unwrap());
    }
    assert_eq!(series.frames.len(), 959);
    let expect = [
        (LosTable::Walkway, [111, 6, 18, 13, 84, 727]),
        (LosTable::Stairway, [117, 18, 13, 26, 191, 594]),
        (LosTable::Queue, [135, 13, 26, 620, 165, 0]),
    ];
    for (table, frames) in expect {
        let s = LosSummary::new(&series, table, 16.0).unwrap();
        assert_eq!(s.frames, frames, "{}", table.name());
        assert_eq!(s.seconds.iter().sum::<f64>(), 959.0 / 16.0);
        assert_eq!(s.undefined_frames, 0);
    }
    let walk = LosSummary::new(&series, LosTable::Walkway, 16.0).unwrap();
    // 45.4375 s of the 59.9 s run at level F (above 2.17 persons/m²).
    assert_eq!(walk.seconds_at(FruinLevel::F), 45.4375);
    assert_eq!(walk.worst, Some(FruinLevel::F));
    let queue = LosSummary::new(&series, LosTable::Queue, 16.0).unwrap();
    assert_eq!(queue.worst, Some(FruinLevel::E)); // max 5.031 /m² < 1 / 0.19
}
