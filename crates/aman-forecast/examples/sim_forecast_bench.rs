//! How long one simulation forecast takes on the event entrance site: the venue
//! `venues/sib2023-entrance` with the stages, journey and model of
//! `scenarios/event-entrance-evacuation` (everyone to the nearest of the five street ends,
//! collision-free speed model; the scenario has dt = 0.02 s, the forecast runs at DT), PERSONS tracked positions drawn uniformly over
//! the walkable area (seeded), no arrivals, rolled HORIZON seconds ahead, one run per seed.
//!
//! `cargo run --release -p aman-forecast --example sim_forecast_bench [PERSONS] [HORIZON] [SEEDS] [DT]`
//! (defaults 20000, 600, 1, 0.05 s: `SimOptions::dt`; the evacuation at 0.05 s matches the
//! scenario's 0.02 s within 2.4 % over three seeds, see the `sim_dt_compare` example) prints the wall time of the whole forecast (building the
//! scenario's routing included) and per simulated second, and a digest of the forecast (every
//! zone's and line's series, to the bit): two builds that print the same digest ran the same.

use std::path::Path;
use std::time::Instant;

use aman_forecast::live::Live;
use aman_forecast::sim::{SimOptions, simulate};
use aman_geometry::Vec2;
use aman_sim::rng::SplitMix64;

fn main() {
    let arg = |i: usize, d: f64| {
        std::env::args()
            .nth(i)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(d)
    };
    let (persons, horizon, seeds) = (arg(1, 20_000.0) as usize, arg(2, 600.0), arg(3, 1.0));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let venue =
        aman_monitor::venue_file::read_venue(&root.join("venues/sib2023-entrance/venue.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
    let path = root.join("scenarios/event-entrance-evacuation/scenario.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let file = aman_scenario::parse_str(&text, &path).unwrap_or_else(|e| panic!("{e}"));
    // Positions: uniform over the walkable area, 0.5 m from walls, 0.45 m apart.
    let (lo, hi) = venue.walkable.bounds();
    let mut rng = SplitMix64::new(7);
    let mut points: Vec<Vec2> = Vec::with_capacity(persons);
    let mut grid: std::collections::HashMap<(i64, i64), Vec<Vec2>> = Default::default();
    while points.len() < persons {
        let p = Vec2::new(
            lo.x + rng.uniform() * (hi.x - lo.x),
            lo.y + rng.uniform() * (hi.y - lo.y),
        );
        if !venue.walkable.contains(p) || venue.walkable.distance_to_wall(p) < 0.5 {
            continue;
        }
        let k = (p.x.floor() as i64, p.y.floor() as i64);
        let near = (-1..=1).any(|dx| {
            (-1..=1).any(|dy| {
                grid.get(&(k.0 + dx, k.1 + dy))
                    .is_some_and(|v| v.iter().any(|q| q.distance(p) < 0.45))
            })
        });
        if near {
            continue;
        }
        grid.entry(k).or_default().push(p);
        points.push(p);
    }
    // Each zone's occupancy as the tracks give it (a zone without one would be run from
    // empty to jam density for the bands).
    let zones = venue
        .zones
        .iter()
        .map(|z| aman_forecast::live::LiveZone {
            id: z.id.clone(),
            occupancy: Some(points.iter().filter(|p| z.area.contains(**p)).count() as f64),
        })
        .collect();
    let live = Live {
        venue: venue.id.clone(),
        zones,
        lines: Vec::new(),
        sensors: Vec::new(),
        closed: Vec::new(),
    };
    let opts = SimOptions {
        horizon,
        seeds: (1..=seeds as u64).collect(),
        every: 10.0,
        dt: Some(arg(4, 0.05)),
    };
    let t0 = Instant::now();
    let f = simulate(&venue, &file, &path, &live, Some(&points), &[], &opts)
        .unwrap_or_else(|e| panic!("{e}"));
    let wall = t0.elapsed().as_secs_f64();
    let r = f.runs[0];
    println!(
        "{} persons placed ({} asked), {} left by the street ends, {} s ahead, {} run(s): {:.1} s wall, {:.3} s per simulated second per run",
        r.placed,
        persons,
        r.left,
        horizon,
        f.runs.len(),
        wall,
        wall / horizon / f.runs.len() as f64
    );
    // FNV-1a over the series' Debug text (shortest round-trip decimals: equal text, equal bits)
    let text = format!("{:?}{:?}", f.zones, f.lines);
    let digest = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    println!("digest {digest:016x}");
    for n in &f.notes {
        println!("note: {n}");
    }
}
