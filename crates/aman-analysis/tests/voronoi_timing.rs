//! Timing of the Voronoi cells and density on the whole AO300 bottleneck run (959 frames, up
//! to ~250 persons a frame). Not a timed test: it only prints, and is ignored by default.
//! Run with `cargo test --release -p aman-analysis --test voronoi_timing -- --ignored
//! --nocapture`. PedPy 1.5.1 for the same calls (`compute_individual_voronoi_polygons` then
//! `compute_voronoi_density`) takes about 3.1 s + 0.6 s on this machine.

mod voronoi_support;

use std::time::Instant;

use aman_analysis::index::TrajectoryIndex;
use aman_analysis::voronoi::{Cutoff, individual_voronoi_cells, voronoi_density};
use voronoi_support::AO300;

#[test]
#[ignore = "prints timings; run on demand"]
fn ao300_voronoi_timing() {
    let data = AO300.data();
    let index = TrajectoryIndex::new(&data).unwrap();
    let walkable = AO300.walkable();
    let area = AO300.area();
    for cut in [None, Some(Cutoff::new(0.8, 3))] {
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let t = Instant::now();
            let cells = individual_voronoi_cells(&index, &walkable, cut, true).unwrap();
            let (d, _) = voronoi_density(&index, &cells, &area).unwrap();
            best = best.min(t.elapsed().as_secs_f64());
            assert!(d.mean().unwrap() > 2.0);
        }
        println!(
            "AO300 cells + density, cut-off {cut:?}: best of 5 {:.1} ms ({} threads)",
            best * 1e3,
            rayon::current_num_threads()
        );
    }
}
