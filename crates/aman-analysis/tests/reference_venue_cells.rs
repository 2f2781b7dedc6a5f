//! Walkable fractions of density-grid cells on real venue layouts (JuPedSim example
//! geometries): the walkable parts of all cells must add up to the walkable area, from a
//! 20 m stand to a 676 m event entrance site.

mod testdata;

use aman_analysis::density::{DensityGrid, MIN_WALKABLE_FRACTION};
use aman_geometry::import::walkable_area_from_file;

fn check(file: &str, cell: f64) {
    let path = testdata::dir("venue-geometries-jupedsim").join(file);
    let area = walkable_area_from_file(&path).unwrap();
    let start = std::time::Instant::now();
    let grid = DensityGrid::with_walkable_area(&area, cell).unwrap();
    let elapsed = start.elapsed();
    let fractions = grid.walkable_fractions().unwrap();
    let total: f64 = fractions.iter().sum::<f64>() * cell * cell;
    let expected = area.area();
    assert!(
        ((total - expected) / expected).abs() < 1e-6,
        "{file}: cells sum to {total} m², the walkable area is {expected} m²"
    );
    assert!(fractions.iter().all(|f| (0.0..=1.0).contains(f)));
    // Not-evaluated cells are exactly those below the threshold.
    for (f, p) in fractions.iter().zip(grid.peak_densities()) {
        assert_eq!(*f < MIN_WALKABLE_FRACTION, p.is_nan());
    }
    let (nx, ny) = grid.dims();
    eprintln!("{file}: {nx} × {ny} cells of {cell} m, {total:.1} m², {elapsed:?}");
}

#[test]
fn arena() {
    // 20.6 × 21.6 m, 262.5 m², 18 holes (seat rows).
    check("arena.wkt", 1.0);
    check("arena.wkt", 0.5);
}

#[test]
fn buw_building_floor() {
    // 50.2 × 32.2 m, 1377.6 m², 40 holes.
    check("BUW.wkt", 1.0);
}

#[test]
fn sib2023_entrance_site() {
    // 676 × 672 m, 62 976 m², 81 holes.
    check("SiB2023_entrance_jupedsim.wkt", 1.0);
}
