//! Timing of the Voronoi measures on the whole AO300 bottleneck run (959 frames, up to ~250
//! persons a frame). Not a timed test: it only prints, and is ignored by default. Run with
//! `cargo test --release -p aman-analysis --test voronoi_timing -- --ignored --nocapture`
//! (`RAYON_NUM_THREADS=1` for one core).
//!
//! PedPy 1.5.1 CPU time for the same calls on this machine (2 cores, November 2026):
//! `compute_individual_voronoi_polygons` + `compute_voronoi_density` 3.2 s (5.8 s with
//! `Cutoff(0.8, 3)`); `compute_neighbors(as_list=False)` + `compute_neighbor_distance` 1.6 s;
//! `compute_species` + `compute_individual_speed` + line density, speed and flow 1.8 s.

mod voronoi_support;

use std::time::Instant;

use aman_analysis::index::TrajectoryIndex;
use aman_analysis::line_fd::{line_density, line_flow, line_speed, species};
use aman_analysis::neighbours::neighbours;
use aman_analysis::voronoi::{Cutoff, individual_voronoi_cells, voronoi_density};
use aman_geometry::{MeasurementLine, Segment, Vec2};
use voronoi_support::{AO300, single_sided_velocity};

fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..n {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(r);
    }
    (best * 1e3, out.expect("n > 0"))
}

#[test]
#[ignore = "prints timings; run on demand"]
fn ao300_voronoi_timing() {
    let data = AO300.data();
    let index = TrajectoryIndex::new(&data).unwrap();
    let walkable = AO300.walkable();
    let area = AO300.area();
    println!("{} rayon threads", rayon::current_num_threads());
    for cut in [None, Some(Cutoff::new(0.8, 3))] {
        let (ms, d) = best_of(5, || {
            let cells = individual_voronoi_cells(&index, &walkable, cut, true).unwrap();
            voronoi_density(&index, &cells, &area).unwrap().0
        });
        assert!(d.mean().unwrap() > 2.0);
        println!("cells + density, cut-off {cut:?}: {ms:.1} ms");
    }
    let cells = individual_voronoi_cells(&index, &walkable, None, true).unwrap();
    let (ms, n) = best_of(5, || neighbours(&index, &cells).unwrap());
    assert_eq!(n.len(), 704390);
    println!("neighbours + distances: {ms:.1} ms");
    let line = MeasurementLine {
        name: "y = 0.5".into(),
        segment: Segment::new(Vec2::new(-2.25, 0.5), Vec2::new(4.0, 0.5)),
    };
    let (ms, _) = best_of(5, || {
        let sp = species(&index, &cells, &line, 5).unwrap();
        let (_, velocity) = single_sided_velocity(&index, 5);
        (
            line_density(&index, &cells, &line, &sp).unwrap(),
            line_speed(&index, &cells, &line, &sp, &velocity).unwrap(),
            line_flow(&index, &cells, &line, &sp, &velocity).unwrap(),
        )
    });
    println!("species + velocity + line density, speed, flow: {ms:.1} ms");
}
