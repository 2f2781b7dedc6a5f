//! How long one network forecast update takes: a venue of 100 zones (a 10 × 10 grid of
//! 10 m × 10 m zones, 3 m openings between neighbours, people arriving at 2 /s through each
//! zone of the west column and leaving by 4 m exits on the east column), rolled 10 minutes
//! ahead with a 0.5 s step, as `aman serve` would every few seconds.
//!
//! `cargo run --release -p aman-forecast --example forecast_bench [RUNS]` prints the median
//! and the fastest of RUNS updates (default 50), in milliseconds.

use std::time::Instant;

use aman_forecast::ctm::{Cell, Link, Network, State, forecast};
use aman_forecast::fd::{DemandSupply, Weidmann};

fn grid(n: usize) -> (Network, Vec<f64>) {
    let id = |r: usize, c: usize| r * n + c;
    let cells = vec![
        Cell {
            area: 100.0,
            length: 10.0
        };
        n * n
    ];
    let mut links = Vec::new();
    let mut arrivals = Vec::new();
    for r in 0..n {
        for c in 0..n {
            let from = Some(id(r, c));
            if c + 1 < n {
                links.push(Link {
                    from,
                    to: Some(id(r, c + 1)),
                    width: 3.0,
                });
                arrivals.push(0.0);
            }
            if r + 1 < n {
                links.push(Link {
                    from,
                    to: Some(id(r + 1, c)),
                    width: 3.0,
                });
                arrivals.push(0.0);
            }
            if c == 0 {
                links.push(Link {
                    from: None,
                    to: from,
                    width: 5.0,
                });
                arrivals.push(2.0);
            }
            if c + 1 == n {
                links.push(Link {
                    from,
                    to: None,
                    width: 4.0,
                });
                arrivals.push(0.0);
            }
        }
    }
    // Each zone sends east (and south, a quarter, where there is a south).
    let splits = (0..n * n)
        .map(|i| {
            let out: Vec<usize> = (0..links.len())
                .filter(|&l| links[l].from == Some(i))
                .collect();
            let w = 1.0 / out.len() as f64;
            out.into_iter().map(|l| (l, w)).collect()
        })
        .collect();
    let net = Network {
        cells,
        links,
        splits,
        ds: DemandSupply::new(Weidmann::default()),
        capacity: aman_forecast::venue::BOTTLENECK_CAPACITY,
    };
    (net, arrivals)
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50);
    let (net, arrivals) = grid(10);
    let state = State::new(&net, vec![50.0; 100]).unwrap_or_else(|e| panic!("{e}"));
    let mut times = Vec::with_capacity(runs);
    let mut peak = 0.0f64;
    for _ in 0..runs.max(1) {
        let t0 = Instant::now();
        let out =
            forecast(&net, &state, &arrivals, 600.0, 0.5, 10.0).unwrap_or_else(|e| panic!("{e}"));
        times.push(t0.elapsed().as_secs_f64() * 1e3);
        peak = out
            .iter()
            .flat_map(|s| s.density.iter().copied())
            .fold(peak, f64::max);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "network forecast, 100 zones, {} links, 600 s ahead, dt 0.5 s: median {:.2} ms, fastest {:.2} ms over {} runs (peak density {:.2} /m²)",
        net.links.len(),
        times[times.len() / 2],
        times[0],
        times.len(),
        peak
    );
}
