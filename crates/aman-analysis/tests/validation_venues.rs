//! The point-in-walkable-area test of `validation` against `geo` on real venue layouts with
//! many obstacles (JuPedSim example geometries), on a deterministic cloud of points.

mod testdata;

use aman_analysis::validation::{PointLocation, invalid_points};
use aman_geometry::Vec2;
use aman_geometry::import::walkable_area_from_file;
use aman_trajectory::TrajectoryData;

fn check(file: &str, n: usize) {
    let path = testdata::dir("venue-geometries-jupedsim").join(file);
    let area = walkable_area_from_file(&path).unwrap();
    let (lo, hi) = area.bounds();
    // A linear congruential generator: the same points on every run.
    let mut s: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut d = TrajectoryData::new(10.0);
    // 10 % margin around the bounds, so some points are outside.
    let (w, h) = (hi.x - lo.x, hi.y - lo.y);
    for k in 0..n {
        let x = lo.x - 0.1 * w + 1.2 * w * next();
        let y = lo.y - 0.1 * h + 1.2 * h * next();
        d.push(k as u64, 0, x, y);
    }
    // Points exactly on every 7th wall end too.
    for (j, s) in area.segments().iter().enumerate().step_by(7) {
        d.push((n + j) as u64, 0, s.a.x, s.a.y);
    }
    let bad = invalid_points(&d, &area).unwrap();
    let expected: Vec<usize> = (0..d.len())
        .filter(|&r| !area.contains(Vec2::new(d.x[r], d.y[r])))
        .collect();
    assert_eq!(bad.rows(), expected, "{file}");
    for p in &bad.points {
        let q = Vec2::new(p.position.x, p.position.y);
        match p.location {
            PointLocation::InObstacle(k) => {
                let hole = &area.polygon().interiors()[k];
                let poly = geo::Polygon::new(hole.clone(), vec![]);
                use geo::Intersects;
                assert!(poly.intersects(&geo::Point::new(q.x, q.y)), "{file} {q:?}");
            }
            PointLocation::OutsideBoundary => {
                use geo::Contains;
                let outer = geo::Polygon::new(area.polygon().exterior().clone(), vec![]);
                assert!(!outer.contains(&geo::Point::new(q.x, q.y)), "{file} {q:?}");
            }
        }
    }
    eprintln!(
        "{file}: {} of {} points invalid ({} in obstacles)",
        bad.len(),
        d.len(),
        bad.in_obstacles()
    );
}

#[test]
fn arena_with_seat_rows() {
    check("arena.wkt", 200_000);
}

#[test]
fn university_floor() {
    check("BUW.wkt", 200_000);
}

#[test]
fn event_entrance_site() {
    check("SiB2023_entrance_jupedsim.wkt", 200_000);
}
