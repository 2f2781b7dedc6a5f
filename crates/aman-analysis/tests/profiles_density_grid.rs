//! The simulator's peak-density grid (`DensityGrid`) and the classic density profile
//! (`profiles::density_profile`, PedPy's histogram) are the same classic density N / c² per
//! cell: on AO300 the grid's peak per cell is the profile's maximum over frames.

mod testdata;

use aman_analysis::TrajectoryIndex;
use aman_analysis::density::DensityGrid;
use aman_analysis::profiles::{DensityMethod, density_profile};
use aman_geometry::Vec2;
use aman_geometry::import::walkable_area_from_wkt;
use aman_trajectory::{ReadOptions, read_trajectory};

#[test]
fn peak_grid_is_the_classic_profile_maximum() {
    let path = testdata::dir("hermes2009-AO300-wide-bottleneck").join("traj_AO_300.txt");
    let data = read_trajectory(&path, &ReadOptions::default())
        .unwrap()
        .data;
    let area = walkable_area_from_wkt(
        "POLYGON ((-2.25 -8.5, -2.25 -0.53, -0.6 -0.53, -0.6 0.53, -2.25 0.53, -2.25 6.25, \
         4 6.25, 4 0.53, 2.4 0.53, 2.4 -0.53, 4 -0.53, 4 -8.5, -2.25 -8.5))",
        "ao300",
    )
    .unwrap();
    let ix = TrajectoryIndex::new(&data).unwrap();
    for cell in [0.5, 1.0, 0.3] {
        let profile = density_profile(&ix, &area, cell, DensityMethod::Classic, ..).unwrap();
        let (lo, hi) = area.bounds();
        let mut grid = DensityGrid::new(lo, hi, cell).unwrap();
        for k in 0..ix.frames().len() {
            let rows = ix.frame_rows(k);
            grid.add_frame(
                ix.frames()[k] as f64 / data.frame_rate,
                rows.map(|r| Vec2::new(data.x[r], data.y[r])),
            );
        }
        let (nx, ny) = grid.dims();
        assert_eq!(
            (nx, ny),
            (profile.grid.cols(), profile.grid.rows()),
            "cell {cell}"
        );
        for iy in 0..ny {
            for ix_ in 0..nx {
                // The profile's row 0 is the top; the grid's iy = 0 the bottom.
                let i = profile.grid.index(ny - 1 - iy, ix_);
                let max = (0..profile.frames.len())
                    .map(|k| profile.frame(k)[i])
                    .fold(0.0, f64::max);
                assert_eq!(
                    grid.peak_densities()[iy * nx + ix_],
                    max,
                    "cell {cell} m, ({ix_}, {iy})"
                );
            }
        }
    }
}
