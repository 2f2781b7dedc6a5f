//! aman's one line-counting rule (`crossing` module doc): the streaming [`CrossingCounter`],
//! fed frame by frame as a simulation or a live sensor feeds it, gives exactly the batch count
//! on real data, and both agree with PedPy 1.5.1's `compute_crossing_frames` (every crossing)
//! and `compute_n_t` (first crossings) as reproduced by `crossing_frames` and `n_t`.

#[path = "speed_testdata/mod.rs"]
mod data;

use std::collections::BTreeMap;

use aman_analysis::TrajectoryIndex;
use aman_analysis::crossing::{
    Crossing, CrossingCounter, CrossingDirection, count_crossings, crossing_frames, n_t,
};
use aman_geometry::Vec2;
use aman_trajectory::TrajectoryData;
use data::line;

/// Streams `d` in frame order into a counter at `l` and checks it against the batch
/// functions; returns (persons, backward, re-crossings).
fn stream_equals_batch(d: &TrajectoryData, l: ((f64, f64), (f64, f64))) -> (usize, usize, usize) {
    let line = line(l.0, l.1);
    let ix = TrajectoryIndex::new(d).unwrap();
    // Rows in frame order (then id): persons interleave as they do in a simulation.
    let mut order: Vec<usize> = (0..d.id.len()).collect();
    order.sort_by_key(|&r| (d.frame[r], d.id[r]));
    let mut counter = CrossingCounter::new(&line).unwrap();
    let mut confirmed = 0;
    for r in order {
        confirmed += counter
            .observe(d.id[r], d.frame[r], Vec2::new(d.x[r], d.y[r]))
            .is_some() as usize;
    }
    let streamed = counter.finish();
    assert_eq!(streamed, count_crossings(&ix, &line).unwrap());
    assert_eq!(confirmed, streamed.total());
    // The persons counted are compute_n_t's, at the same frames.
    let nt = n_t(&ix, &line).unwrap();
    let firsts: Vec<Crossing> = streamed
        .counted
        .iter()
        .map(|c| Crossing {
            id: c.id,
            frame: c.frame,
        })
        .collect();
    assert_eq!(firsts, nt.crossings);
    assert_eq!(streamed.mean_flow(d.frame_rate), nt.mean_flow());
    assert_eq!(
        (nt.backward, nt.recrossings),
        (streamed.backward(), streamed.recrossings)
    );
    // Re-crossings are compute_crossing_frames' rows beyond each person's first; the direction
    // of a first crossing is the sign change of the side of the line.
    let all = crossing_frames(&ix, &line).unwrap();
    assert_eq!(all.len(), streamed.total() + streamed.recrossings);
    let mut first: BTreeMap<u64, u64> = BTreeMap::new();
    for c in &all {
        first.entry(c.id).or_insert(c.frame);
    }
    let pos: BTreeMap<(u64, u64), Vec2> = (0..d.id.len())
        .map(|r| ((d.id[r], d.frame[r]), Vec2::new(d.x[r], d.y[r])))
        .collect();
    let backward = first
        .iter()
        .filter(|&(&id, &f)| {
            let s = |p: Vec2| line.segment.side(p);
            s(pos[&(id, f)]) < s(pos[&(id, f - 1)])
        })
        .count();
    assert_eq!(backward, streamed.backward());
    for c in &streamed.counted {
        assert_eq!(
            c.direction == CrossingDirection::Backward,
            line.segment.side(pos[&(c.id, c.frame)]) < line.segment.side(pos[&(c.id, c.frame - 1)])
        );
    }
    (streamed.total(), streamed.backward(), streamed.recrossings)
}

#[test]
fn ao300_stream_equals_batch() {
    // compute_n_t(LINESTRING (-2.25 0.5, 4 0.5)): 348 persons, each crossing once, walking
    // towards +y, which is the left of the line (a→b along +x): all forward.
    let d = data::load("hermes2009-AO300-wide-bottleneck", "traj_AO_300.txt", None);
    assert_eq!(
        stream_equals_batch(&d, ((-2.25, 0.5), (4.0, 0.5))),
        (348, 0, 0)
    );
}

#[test]
fn madras_stream_equals_batch_both_directions() {
    // compute_n_t(LINESTRING (-1 0, -1 6)) at 30 fps counts 153 (2E) and 133 (2F) persons
    // (crossing_reference.rs), in both directions.
    for (file, persons) in [("Topview_2E.txt", 153), ("Topview_2F.txt", 133)] {
        let d = data::load("madras-lyon2022-festival-of-lights", file, Some(30.0));
        let (n, backward, _) = stream_equals_batch(&d, ((-1.0, 0.0), (-1.0, 6.0)));
        assert_eq!(n, persons, "{file}");
        assert!(backward > 0 && backward < n, "{file}: {backward} backward");
    }
}

#[test]
fn a_queue_that_sways_across_a_line_is_counted_once_per_person() {
    // LINESTRING (-2.25 -1, 4 -1) lies in the dense queue in front of the AO300 bottleneck:
    // persons sway back and forth across it. compute_crossing_frames has 356 rows there
    // (checked inside: persons + re-crossings); each person counts once.
    let d = data::load("hermes2009-AO300-wide-bottleneck", "traj_AO_300.txt", None);
    let (n, backward, recrossings) = stream_equals_batch(&d, ((-2.25, -1.0), (4.0, -1.0)));
    assert_eq!((n, backward, recrossings), (321, 1, 35));
    // Madras, LINESTRING (-2 0, -2 6): the festival crowd crosses both ways and turns back.
    let d = data::load(
        "madras-lyon2022-festival-of-lights",
        "Topview_2E.txt",
        Some(30.0),
    );
    let (n, backward, recrossings) = stream_equals_batch(&d, ((-2.0, 0.0), (-2.0, 6.0)));
    assert_eq!((n, backward, recrossings), (150, 50, 22));
}
