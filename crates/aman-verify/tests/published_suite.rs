//! The published bottleneck cases: the carried-over figures are the tables' values, every
//! generated scenario runs, and the comparison yields finite figures. Whether the model meets
//! the tolerance is not asserted (the default parameters are being recalibrated); the figures
//! are printed (`cargo test -- --nocapture`).
//!
//! Reference values, from JuPedSim/jpscore commit 9a9e60d5794f2efc9ca64db08faad7ff65391f30,
//! `inputfiles/Bottleneck/bck-b-scaling/`:
//! - `kretz-j-b.dat` (Kretz et al. 2006, Table 3): b = 0.4 m → 0.88 1/s, 0.5 → 1.02, 0.6 → 1.12,
//!   0.8 → 1.43, 1.0 → 1.85, 1.2 → 2.15;
//! - `seyfried-j-b.dat` (Seyfried et al. 2009): b = 0.8 m, N = 60, Δt = 46.6 s, J = 1.28755365
//!   1/s, J/b = 1.60944206; b = 1.0: 31.56 s, 1.90114069; b = 1.2: 25.36 s, 2.3659306 1/s,
//!   J/b = 1.97160883;
//! - `Flow_vs_b_v2.dat` (Liddle et al. 2011, read by JuPedSim's `testflow.py` as
//!   150/(t₄ − t₁)): 90 cm: 3.6 and 91.32 s; 120 cm: 2.72 and 61.96 s; 180 cm: 4.12 and
//!   42.52 s; 250 cm: 82.32 and 109.36 s.

use std::path::PathBuf;

use aman_verify::published::{self, CASES, Paper};
use aman_verify::{Options, Verdict};

fn options() -> Options {
    Options::new(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

fn case(key: &str) -> &'static published::Case {
    published::find(key).unwrap_or_else(|| panic!("no case {key}"))
}

#[test]
fn carried_over_figures() {
    let kretz = [
        ("kretz2006-b040", 0.4, 0.88),
        ("kretz2006-b050", 0.5, 1.02),
        ("kretz2006-b060", 0.6, 1.12),
        ("kretz2006-b080", 0.8, 1.43),
        ("kretz2006-b100", 1.0, 1.85),
        ("kretz2006-b120", 1.2, 2.15),
    ];
    for (key, b, j) in kretz {
        let c = case(key);
        assert_eq!(c.paper, Paper::Kretz2006);
        assert_eq!((c.width, c.flow), (b, j), "{key}");
    }
    // Seyfried 2009: J = N/Δt and J/b as the table's last two columns
    let seyfried = [
        ("seyfried2009-b080", 0.8, 46.6, 1.287_553_65, 1.609_442_06),
        ("seyfried2009-b100", 1.0, 31.56, 1.901_140_69, 1.901_140_69),
        ("seyfried2009-b120", 1.2, 25.36, 2.365_930_6, 1.971_608_83),
    ];
    for (key, b, dt, j, js) in seyfried {
        let c = case(key);
        assert_eq!((c.width, c.persons, c.duration), (b, 60, Some(dt)), "{key}");
        assert!((c.flow - j).abs() < 1e-8, "{key}: {}", c.flow);
        assert!((c.flow / c.width - js).abs() < 1e-8, "{key}");
    }
    let liddle = [
        ("liddle2011-b090", 0.9, 3.6, 91.32),
        ("liddle2011-b120", 1.2, 2.72, 61.96),
        ("liddle2011-b180", 1.8, 4.12, 42.52),
        ("liddle2011-b250", 2.5, 82.32, 109.36),
    ];
    for (key, b, t1, t4) in liddle {
        let c = case(key);
        assert_eq!((c.width, c.persons), (b, 150), "{key}");
        assert!((c.flow - 150.0 / (t4 - t1)).abs() < 1e-12, "{key}");
    }
    // 150/(91.32 − 3.6) = 1.7100 1/s; 150/(109.36 − 82.32) = 5.5473 1/s
    assert!((case("liddle2011-b090").flow - 1.7100).abs() < 1e-4);
    assert!((case("liddle2011-b250").flow - 5.5473).abs() < 1e-4);
    // widths span what the issue asks (0.5 m to 3 m, and below)
    let (lo, hi) = CASES.iter().fold((f64::MAX, 0.0f64), |(l, h), c| {
        (l.min(c.width), h.max(c.width))
    });
    assert!(lo <= 0.5 && hi >= 2.5);
    assert!(published::find("Kretz 2006 B040").is_some() && published::find("x").is_none());
}

/// Adrian, Seyfried & Sieben 2020, run 040_c_56_h-: 75 persons, gate 0.5 m, corridor 5.6 m;
/// flow 1.15 1/s ((75 − 1)/(65.0 − 0.52) s = 1.148 1/s from the recording's first and last
/// crossing) and 6.7 /m² in front, as issue 14 quotes them.
#[test]
fn adrian_entrance_case() {
    let c = case("adrian2020-b050");
    assert_eq!(c.paper, Paper::Adrian2020);
    assert_eq!((c.width, c.persons, c.flow), (0.5, 75, 1.15));
    assert!((74.0 / (65.0 - 0.52) - c.flow).abs() < 0.005);
    assert_eq!(c.density_front, Some(6.7));
    assert_eq!(
        c.layout,
        published::Layout::Entrance {
            corridor_width: 5.6,
            corridor_length: 6.7
        }
    );
    let text = c.scenario_toml(3);
    let file = aman_scenario::parse_str(&text, std::path::Path::new("x.toml")).unwrap();
    assert_eq!(file.populations[0].count, Some(75));
    assert!(!text.contains("radius") && !text.contains("time_gap"));
    // PedPy's density area of the run: 0.8 m × 0.8 m, 0.5–1.3 m in front of the gate
    assert!((c.measurement_area().unwrap().area() - 0.64).abs() < 1e-12);
    let line = c.measurement_line().segment;
    assert!((line.a.x + 0.25).abs() < 1e-12 && (line.b.x - 0.25).abs() < 1e-12);
    assert!(published::describe("adrian2020-b050").is_some_and(|d| d.1.contains("entrance")));
}

#[test]
fn generated_scenario_parses() {
    let c = case("seyfried2009-b080");
    let text = c.scenario_toml(7);
    let file = aman_scenario::parse_str(&text, std::path::Path::new("x.toml")).unwrap();
    assert_eq!(file.populations[0].count, Some(60));
    assert!(!text.contains("radius") && !text.contains("time_gap"));
}

#[test]
fn every_case_runs_and_compares() {
    let opts = options();
    println!(
        "case                 b (m)  N    published J  simulated J  error    ρ front  complete"
    );
    for c in CASES {
        let (o, s) = published::compare(&opts, c).unwrap_or_else(|e| panic!("{}: {e}", c.key));
        assert!(s.flow.is_finite() && s.flow > 0.0, "{}", c.key);
        assert!(
            s.density_front.is_finite() && s.density_front >= 0.0,
            "{}",
            c.key
        );
        assert!(s.crossings >= 2 && s.crossings <= c.persons, "{}", c.key);
        assert!(o.verdict == Verdict::Pass || o.verdict == Verdict::Fail);
        assert!(
            o.measured.contains(&format!("{:.2}", c.flow)),
            "{}",
            o.measured
        );
        println!(
            "{:<20} {:>5.2} {:>4} {:>12.3} {:>12.3} {:>+7.1} % {:>7.2} {}",
            c.key,
            c.width,
            c.persons,
            c.flow,
            s.flow,
            100.0 * (s.flow - c.flow) / c.flow,
            s.density_front,
            s.complete
        );
    }
}

/// The corridor fundamental diagram runs at the six densities of issue 14 and reports each
/// point against Weidmann's curve (whose values at 1 and 3 /m², 1.058 and 0.331 m/s, are
/// checked by hand in the crate's unit tests).
#[test]
fn weidmann_corridor_runs() {
    let opts = options();
    let o = published::weidmann_corridor(&opts).unwrap();
    assert_eq!(o.id, published::WEIDMANN_ID);
    let pts = &o.figures[0].series[0].points;
    assert_eq!(pts.len(), published::WEIDMANN_DENSITIES.len());
    for &(rho, v) in pts {
        assert!(rho.is_finite() && rho > 0.0 && v.is_finite());
    }
    println!(
        "{}: {}\n  {}",
        o.verdict.label(),
        o.measured,
        o.details[1..].join("\n  ")
    );
    assert!(published::describe("weidmann-corridor").is_some());
    assert!(published::keys().contains(&published::WEIDMANN_KEY));
}
