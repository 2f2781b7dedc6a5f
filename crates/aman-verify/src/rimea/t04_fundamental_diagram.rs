//! RiMEA 3.0, test 4: "Fundamental diagram".
//!
//! The guideline asks for the mean speed at the densities 0.5, 1, 2, 3, 4, 5 and 6 persons/m²
//! in a corridor, measured in an area in its middle, plotted against Weidmann's fundamental
//! diagram ([`crate::weidmann_speed`]; U. Weidmann, Schriftenreihe des IVT 90, ETH Zürich, 1993).
//!
//! Geometry (`scenarios/rimea/04-fundamental-diagram.toml`): aman has no periodic boundaries, so
//! the corridor is long — 4 m wide, 52 m long, filled over x ∈ [0, 50] m with a hexagonal
//! lattice (rows along the corridor, alternate rows offset by half a spacing) at the target
//! density, each point jittered at random by as much as keeps bodies (r = 0.2 m) 1 cm apart.
//! Random placement would jam at 4.4 /m²; the lattice reaches 6 /m². Desired speed 1.34 m/s
//! (Weidmann's free speed). Speed (the component along the corridor) and density (agents /
//! area) are averaged over the area x ∈ [23, 27] m (16 m²) every 0.1 s from 4 s (after the
//! start transient) to 14 s, before the crowd's tail (from x = 0, at most 1.34 m/s) or the
//! rarefaction wave from its free front (x = 50 m) reach the area. Each density is a separate
//! run that stops at 14 s by design (the deadlock criterion of the other tests does not apply).
//!
//! Single-file variant (`scenarios/rimea/04-single-file.toml`): a corridor 0.7 m wide, too
//! narrow to pass, with a jittered row at 0.5, 1, 1.5, 2 and 2.3 persons/m, measured over
//! x ∈ [26, 34] m; reference: Seyfried et al., J. Stat. Mech. (2005) P10002, required length
//! `d = 0.36 m + 1.06 s · v`, i.e. `v = (1/ρ − 0.36)/1.06` capped at 1.34 m/s.
//!
//! Criterion (ours: RiMEA asks to plot and compare, it gives no tolerance): the measured speed
//! decreases with the density (each at most 0.02 m/s above the one at the next lower density,
//! which allows for noise where both are near the free speed), in the 2D corridor and in single
//! file; the speed at 0.5 /m² lies within 15 % of Weidmann's curve at the measured density; no
//! position outside the corridor and no wall crossed. The deviation from Weidmann's curve at each
//! density is reported, not judged: a model's fundamental diagram is a calibration matter.

use aman_scenario::file::ScenarioFile;

use aman_sim::rng::SplitMix64;

use super::util::{Area, base_details, no_wall_problems, symmetric};
use crate::{
    Figure, Options, Outcome, RunLog, Series, SeriesStyle, Verdict, VerifyError, harness,
    weidmann_speed,
};

/// The 2D scenario, relative to `scenarios/`.
pub const SCENARIO: &str = "rimea/04-fundamental-diagram.toml";
/// The single-file scenario, relative to `scenarios/`.
pub const SCENARIO_SINGLE_FILE: &str = "rimea/04-single-file.toml";
/// Target densities of the 2D corridor, persons/m² (RiMEA's list).
pub const DENSITIES: [f64; 7] = [0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
/// Target line densities of the single-file corridor, persons/m.
pub const LINE_DENSITIES: [f64; 5] = [0.5, 1.0, 1.5, 2.0, 2.3];
/// Admissible relative deviation from Weidmann's curve at the lowest density.
pub const TOLERANCE_LOW: f64 = 0.15;
/// How much a speed may exceed the one at the next lower density, m/s (noise near free speed).
pub const MONOTONE_SLACK: f64 = 0.02;
/// Start and end of the measurement window, s.
pub const WINDOW: (f64, f64) = (4.0, 14.0);

const RADIUS: f64 = 0.2;
/// Centre distance kept between agents and from walls beyond touching, m.
const GAP: f64 = 0.01;

/// One measured point of a fundamental diagram.
#[derive(Debug, Clone, Copy)]
pub struct FdPoint {
    /// Density asked for, persons/m² (or /m in single file).
    pub target: f64,
    /// Density measured in the area, persons/m² (or /m).
    pub density: f64,
    /// Mean speed along the corridor in the area, m/s.
    pub speed: f64,
    /// Agents in the corridor.
    pub agents: usize,
}

/// Runs test 4.
///
/// # Errors
/// [`VerifyError`] if a scenario cannot be loaded.
pub fn run(opts: &Options) -> Result<Outcome, VerifyError> {
    let (fd, mut logs) = corridor_points(opts, &DENSITIES)?;
    let path2d = opts.scenario_path(SCENARIO);
    let (file1d, path1d) = harness::parse(opts, SCENARIO_SINGLE_FILE)?;
    let mut sf = Vec::new();
    for (k, &rho) in LINE_DENSITIES.iter().enumerate() {
        let mut f = file1d.clone();
        let positions = row(
            rho,
            60.0,
            0.7,
            &mut SplitMix64::new(0x9e37_79b9_7f4a_7c15 ^ (opts.seed + 100 + k as u64)),
        );
        set_positions(&mut f, positions)?;
        let (p, log) = measure(opts, f, &path1d, Area::new(26.0, 0.0, 34.0, 0.7), 8.0)?;
        sf.push(FdPoint { target: rho, ..p });
        logs.push((format!("single file {rho} /m"), log));
    }
    let monotone = |pts: &[FdPoint]| {
        pts.windows(2)
            .all(|w| w[1].speed <= w[0].speed + MONOTONE_SLACK)
    };
    let low = fd[0];
    let low_ref = weidmann_speed(low.density);
    let low_dev = (low.speed - low_ref) / low_ref;
    let walls = logs.iter().all(|(_, l)| no_wall_problems(l));
    let ok = monotone(&fd) && monotone(&sf) && low_dev.abs() <= TOLERANCE_LOW && walls;

    let measured = fd
        .iter()
        .map(|p| format!("{:.2} /m²: {:.3} m/s", p.density, p.speed))
        .collect::<Vec<_>>()
        .join("; ");
    let mut details = base_details(opts, &[&path2d, &path1d], &[]);
    for p in &fd {
        let w = weidmann_speed(p.density);
        details.push(format!(
            "target {} /m² ({} agents): measured {:.2} /m², {:.3} m/s; Weidmann {:.3} m/s, deviation {:+.3} m/s{}",
            p.target,
            p.agents,
            p.density,
            p.speed,
            w,
            p.speed - w,
            if w > 0.0 {
                format!(" ({:+.0} %)", 100.0 * (p.speed - w) / w)
            } else {
                " (Weidmann's speed is 0 at and above 5.4 /m²)".to_string()
            }
        ));
    }
    for p in &sf {
        details.push(format!(
            "single file, target {} /m ({} agents): measured {:.2} /m, {:.3} m/s; Seyfried et al. 2005 {:.3} m/s",
            p.target,
            p.agents,
            p.density,
            p.speed,
            seyfried_speed(p.density)
        ));
    }
    details.push(format!(
        "2D speeds decrease with density: {}; single-file speeds decrease: {}; deviation at {:.2} /m²: {:+.1} % (limit ±{:.0} %)",
        monotone(&fd),
        monotone(&sf),
        low.density,
        100.0 * low_dev,
        100.0 * TOLERANCE_LOW
    ));
    for (name, log) in &logs {
        details.push(format!("{name}: {}", log.summary()));
    }
    let weidmann: Vec<(f64, f64)> = (1..=60)
        .map(|i| {
            let r = 0.1 * i as f64;
            (r, weidmann_speed(r))
        })
        .collect();
    let seyfried: Vec<(f64, f64)> = (1..=30)
        .map(|i| {
            let r = 0.1 * i as f64;
            (r, seyfried_speed(r))
        })
        .collect();
    Ok(Outcome {
        id: "RiMEA 4".into(),
        title: "fundamental diagram".into(),
        criterion: format!(
            "speed at 0.5–6 /m² decreases with density (slack {MONOTONE_SLACK} m/s; also in single file at 0.5–2.3 /m); \
             at 0.5 /m² within {:.0} % of Weidmann; deviations at the other densities reported; no wall crossed",
            100.0 * TOLERANCE_LOW
        ),
        measured,
        verdict: Verdict::from_bool(ok),
        details,
        figures: vec![
            Figure {
                title: "Fundamental diagram, 4 m corridor".into(),
                x_label: "density (1/m²)".into(),
                y_label: "speed (m/s)".into(),
                series: vec![
                    Series {
                        name: format!("simulated ({})", opts.model),
                        points: fd.iter().map(|p| (p.density, p.speed)).collect(),
                        style: SeriesStyle::Points,
                    },
                    Series {
                        name: "Weidmann 1993".into(),
                        points: weidmann,
                        style: SeriesStyle::Dashed,
                    },
                ],
            },
            Figure {
                title: "Fundamental diagram, single file (0.7 m corridor)".into(),
                x_label: "line density (1/m)".into(),
                y_label: "speed (m/s)".into(),
                series: vec![
                    Series {
                        name: format!("simulated ({})", opts.model),
                        points: sf.iter().map(|p| (p.density, p.speed)).collect(),
                        style: SeriesStyle::Points,
                    },
                    Series {
                        name: "Seyfried et al. 2005".into(),
                        points: seyfried,
                        style: SeriesStyle::Dashed,
                    },
                ],
            },
        ],
    })
}

/// Run logs, each labelled (e.g. `"2 /m²"`).
pub type RunLogs = Vec<(String, RunLog)>;

/// The 2D corridor of this test (`scenarios/rimea/04-fundamental-diagram.toml`, 4 m wide,
/// measured over x ∈ [23, 27] m from 4 s to 14 s) filled at each target density of `densities`
/// (1/m²) in turn: the measured points and each run's log, labelled `"<ρ> /m²"`. The `k`-th
/// density's lattice is jittered with seed `opts.seed + k`. Also used by
/// [`crate::published::weidmann_corridor`].
///
/// # Errors
/// [`VerifyError`] if the scenario cannot be loaded.
pub fn corridor_points(
    opts: &Options,
    densities: &[f64],
) -> Result<(Vec<FdPoint>, RunLogs), VerifyError> {
    let mut logs: Vec<(String, RunLog)> = Vec::new();
    let (file2d, path2d) = harness::parse(opts, SCENARIO)?;
    let mut fd = Vec::new();
    for (k, &rho) in densities.iter().enumerate() {
        let mut f = file2d.clone();
        let positions = lattice_2d(
            rho,
            50.0,
            4.0,
            &mut SplitMix64::new(0x9e37_79b9_7f4a_7c15 ^ (opts.seed + k as u64)),
        );
        set_positions(&mut f, positions)?;
        let (p, log) = measure(opts, f, &path2d, Area::new(23.0, 0.0, 27.0, 4.0), 16.0)?;
        fd.push(FdPoint { target: rho, ..p });
        logs.push((format!("{rho} /m²"), log));
    }
    Ok((fd, logs))
}

/// Single-file speed from Seyfried et al. (2005): `v = (1/ρ − 0.36 m)/1.06 s`, within
/// [0, 1.34] m/s; `rho` in persons/m.
pub fn seyfried_speed(rho: f64) -> f64 {
    if rho <= 0.0 {
        return 1.34;
    }
    ((1.0 / rho - 0.36) / 1.06).clamp(0.0, 1.34)
}

/// Replaces the first population's placement by `positions`.
fn set_positions(f: &mut ScenarioFile, positions: Vec<[f64; 2]>) -> Result<(), VerifyError> {
    let p = f
        .populations
        .first_mut()
        .ok_or_else(|| VerifyError::Data("the scenario has no population".into()))?;
    p.count = None;
    p.density = None;
    p.positions = Some(positions);
    Ok(())
}

/// Runs one filled corridor to the window's end and averages speed and density in `area`;
/// `size` is the area's measure (m² or m).
fn measure(
    opts: &Options,
    f: ScenarioFile,
    path: &std::path::Path,
    area: Area,
    size: f64,
) -> Result<(FdPoint, RunLog), VerifyError> {
    let mut f = f;
    f.simulation.end_time = WINDOW.1;
    let agents = f
        .populations
        .first()
        .and_then(|p| p.positions.as_ref())
        .map_or(0, Vec::len);
    let mut sc = harness::build(opts, f, path)?;
    let every = (0.1 / sc.simulation.config().dt).round().max(1.0) as u64;
    let (mut n, mut vsum, mut frames) = (0usize, 0.0, 0usize);
    let log = harness::run(&mut sc, |sim| {
        if !sim.iteration().is_multiple_of(every) || sim.time() < WINDOW.0 - 1e-9 {
            return;
        }
        frames += 1;
        let a = sim.agents();
        for i in 0..a.len() {
            if area.contains(a.position[i]) {
                n += 1;
                vsum += a.velocity[i].x;
            }
        }
    });
    let density = if frames > 0 {
        n as f64 / frames as f64 / size
    } else {
        0.0
    };
    let speed = if n > 0 { vsum / n as f64 } else { 0.0 };
    Ok((
        FdPoint {
            target: 0.0,
            density,
            speed,
            agents,
        },
        log,
    ))
}

/// A hexagonal lattice at density `rho` (1/m²) over `[0, length] × [0, width]`, rows along x,
/// jittered so that bodies stay [`GAP`] apart and [`GAP`] from the walls.
fn lattice_2d(rho: f64, length: f64, width: f64, rng: &mut SplitMix64) -> Vec<[f64; 2]> {
    let m = RADIUS + GAP;
    let a0 = (2.0 / (3f64.sqrt() * rho)).sqrt();
    let h0 = a0 * 3f64.sqrt() / 2.0;
    let rows = (((width - 2.0 * m) / h0).round() as usize + 1).max(1);
    let h = if rows > 1 {
        (width - 2.0 * m) / (rows - 1) as f64
    } else {
        0.0
    };
    // spacing along a row so that rows / (a · width) = rho
    let a = rows as f64 / (rho * width);
    let nearest = a.min((0.25 * a * a + h * h).sqrt());
    let j = ((nearest - 2.0 * RADIUS - GAP) / (2.0 * 2f64.sqrt())).max(0.0);
    let mut out = Vec::new();
    for r in 0..rows {
        let y = m + h * r as f64;
        let mut x = m + if r % 2 == 1 { 0.5 * a } else { 0.0 };
        while x <= length - m {
            let px = (x + symmetric(rng, j)).clamp(m, length - m);
            let py = (y + symmetric(rng, j)).clamp(m, width - m);
            out.push([px, py]);
            x += a;
        }
    }
    out
}

/// A row along the corridor's axis at `rho` persons/m, jittered along and across.
fn row(rho: f64, length: f64, width: f64, rng: &mut SplitMix64) -> Vec<[f64; 2]> {
    let m = RADIUS + GAP;
    let a = 1.0 / rho;
    let j = ((a - 2.0 * RADIUS - GAP) / 2.0).max(0.0).min(0.25 * a);
    let jy = (0.5 * width - m).max(0.0);
    let mut out = Vec::new();
    let mut x = m + 0.5 * a;
    while x <= length - m {
        out.push([
            (x + symmetric(rng, j)).clamp(m, length - m),
            0.5 * width + symmetric(rng, jy),
        ]);
        x += a;
    }
    out
}
