//! Validation against real experiments: each experiment of `../shared/data` that has a shipped
//! scenario (bottlenecks, a T-junction, a corner) is simulated in its own setting and compared
//! with the measurement.
//!
//! Both the measured and the simulated trajectories go through the same analysis code
//! (`aman_analysis`, which reproduces PedPy 1.5.1 and JPSreport):
//!
//! 1. **Flow** at the measurement line: the mean flow J = (N − 1)/(t_N − t_1) over the first
//!    crossing of each person ([`aman_analysis::crossing::n_t`], PedPy's `compute_n_t`), the
//!    figure the datasets' SOURCE.md give.
//! 2. **Density** in the measurement area: the classic density ρ(t) = N(t)/A
//!    ([`aman_analysis::classic::classic_density`], PedPy's `compute_classic_density`, JPSreport
//!    method "Classical"), averaged over the **steady phase**: the frames between the passage of
//!    10 % and of 90 % of the persons at the line, taken from each run's own N–t curve (the
//!    near-linear part of the N–t curve, where the flow is stationary; the first and last
//!    persons, who pass an empty bottleneck, are left out). The area lies in front of the
//!    opening, where the crowd waits: for HERMES AO300 the 2 m before the bottleneck over its
//!    3 m width (6 m²; the dataset's reference area, JPSreport's id 1, is the bottleneck itself,
//!    where the density tells how people pass, not how they queue), for Wuppertal 2014 the
//!    0.8 m × 0.8 m square in front of the opening of the dataset's reference analysis.
//! 3. **N–t curve**: the times at which 10 %, 50 % and 90 % of the persons have passed,
//!    counted from the first crossing (the recordings start at an arbitrary moment: the
//!    Wuppertal camera runs 17 s before the first pupil passes), and the largest time
//!    difference between the n-th measured and the n-th simulated crossing with both curves so
//!    aligned. Reported, not judged.
//!
//! The bottlenecks span 0.8 m to 3 m: HERMES AO300 (a 3.0 m wide bottleneck), Wuppertal 2014
//! (0.8 m) and the three HERMES 3 m corridor runs ending in exits of 3.0, 2.0 and 1.6 m (for
//! these the line lies across the exit and the area covers the 2 m of corridor before it, over
//! the exit's width). Every area has the width of the opening it lies in front of. Two cases
//! are not bottlenecks: the HERMES T-junction KO_240_050_240 (two streams merging into a 2.4 m
//! branch; line and area in the branch, as the dataset's JPSreport set-up) and the corner
//! reference test of PedPy/JPSreport, whose provenance is undocumented: it is run as a
//! regression anchor and kept out of the calibration targets ([`Experiment::calibration`]).
//! Their scenarios replay the recorded arrivals (each person appears when and where the
//! recording first shows them), so the flow into them is the recorded one.
//!
//! Relative errors are (simulated − measured)/measured. A run passes when the flow is within
//! ±[`Experiment::flow_tolerance`] and the steady-phase density within
//! ±[`Experiment::density_tolerance`] of the measurement (each case states the reason of its
//! tolerance), every simulated person crosses the line, and no agent leaves the walkable area
//! or walks through a wall.

use std::path::PathBuf;

use aman_analysis::TrajectoryIndex;
use aman_analysis::classic::classic_density;
use aman_analysis::crossing::n_t;
use aman_analysis::speed::{SpeedBorder, individual_velocity, mean_speed};
use aman_geometry::{MeasurementArea, MeasurementLine, Segment, Vec2};
use aman_trajectory::{LengthUnit, ReadOptions, TrajectoryData, read_trajectory};

use crate::{Figure, Options, Outcome, Series, SeriesStyle, Verdict, VerifyError, harness};

/// Largest relative difference of the simulated from the measured mean flow for a pass at a
/// recorded bottleneck: 0.20 (one recorded run each, whose flow the model's capacity decides).
pub const FLOW_TOLERANCE: f64 = 0.20;
/// Largest relative difference of the simulated from the measured mean flow for a pass where
/// the recorded arrivals are replayed (T-junction, corner): 0.10. The inflow is the recorded
/// one, so the flow at the line can differ only by how the first and the last persons walk to
/// it; a larger miss means the model holds the crowd back (a jammed merge or corner).
pub const FLOW_TOLERANCE_REPLAYED: f64 = 0.10;
/// Largest relative difference of the simulated from the measured steady-phase density for a
/// pass: 0.30 (classic densities in small areas fluctuate by whole persons per frame).
pub const DENSITY_TOLERANCE: f64 = 0.30;

const BOTTLENECK_TOLERANCE: &str = "flow ±20 %: one recorded run, whose flow the model's \
     capacity decides (run-to-run scatter of repeated bottleneck runs is about a tenth); \
     density ±30 %: a classic density in a few m² moves by whole persons per frame";
const REPLAYED_TOLERANCE: &str = "flow ±10 %: the arrivals replay the recording, so the inflow \
     is the measured one and a larger miss means the model holds the crowd back; density \
     ±30 %: one person in the area is a fifth to a quarter of the mean density";
/// Half the window of the individual speeds, s: 5 frames at 16 fps, as the HERMES SOURCE.md
/// figures (`frame_step` 5).
pub const SPEED_WINDOW: f64 = 0.3125;
/// Fraction of the persons passed at the start of the steady phase.
pub const STEADY_FROM: f64 = 0.10;
/// Fraction of the persons passed at the end of the steady phase.
pub const STEADY_TO: f64 = 0.90;

/// One bottleneck experiment with its shipped scenario and its measurement geometry.
#[derive(Debug, Clone, Copy)]
pub struct Experiment {
    /// Short name for `--only` and file names, e.g. `hermes-ao300`.
    pub key: &'static str,
    /// Outcome id, e.g. `HERMES AO300`.
    pub id: &'static str,
    /// What is compared, for the report.
    pub title: &'static str,
    /// The shipped scenario, relative to `scenarios/`.
    pub scenario: &'static str,
    /// The measured trajectory file, relative to `../shared/data/`.
    pub data: &'static str,
    /// The dataset's SOURCE.md, relative to `../shared/data/`.
    pub source: &'static str,
    /// Measurement line, end points in m (the line of SOURCE.md's N–t figure).
    pub line: [(f64, f64); 2],
    /// Measurement area for the density, corners in m (SOURCE.md's reference area).
    pub area: &'static [(f64, f64)],
    /// Where the area lies, in words, for the report.
    pub area_words: &'static str,
    /// Width of the bottleneck, m (for the specific flow).
    pub width: f64,
    /// Persons in the experiment.
    pub persons: usize,
    /// How to read the data file when it does not say itself: its unit and frame rate (the
    /// HERMES corridor files are headerless, in centimetres at 16 fps).
    pub read: (Option<LengthUnit>, Option<f64>),
    /// Largest relative flow error for a pass ([`FLOW_TOLERANCE`] or
    /// [`FLOW_TOLERANCE_REPLAYED`]).
    pub flow_tolerance: f64,
    /// Largest relative steady-phase density error for a pass ([`DENSITY_TOLERANCE`]).
    pub density_tolerance: f64,
    /// Why these tolerances, for the report.
    pub tolerance_reason: &'static str,
    /// Whether the case is a calibration target ([`crate::calibrate::Target::all`]): real
    /// crowds with a documented provenance. `false` for a regression anchor.
    pub calibration: bool,
    /// What the case is and what it is not (provenance), for the report; empty if nothing
    /// beyond the title.
    pub note: &'static str,
}

/// The experiments of the suite, in report order.
pub const EXPERIMENTS: &[Experiment] = &[
    Experiment {
        key: "hermes-ao300",
        id: "HERMES AO300",
        title: "wide bottleneck b = 3.0 m, 348 persons",
        scenario: "hermes-ao300/scenario.toml",
        data: "hermes2009-AO300-wide-bottleneck/traj_AO_300.txt",
        source: "hermes2009-AO300-wide-bottleneck/SOURCE.md",
        line: [(-2.25, 0.5), (4.0, 0.5)],
        area: &[(-0.6, -2.53), (2.4, -2.53), (2.4, -0.53), (-0.6, -0.53)],
        area_words: "in front of the opening, x ∈ [−0.6, 2.4] m, y ∈ [−2.53, −0.53] m (6 m², \
                     the 2 m before the bottleneck over its width)",
        width: 3.0,
        persons: 348,
        read: (None, None),
        flow_tolerance: FLOW_TOLERANCE,
        density_tolerance: DENSITY_TOLERANCE,
        tolerance_reason: BOTTLENECK_TOLERANCE,
        calibration: true,
        note: "",
    },
    Experiment {
        key: "wuppertal-2014-b080",
        id: "Wuppertal 2014 b080",
        title: "bottleneck b = 0.8 m, 46 pupils (run 00_01a)",
        scenario: "wuppertal-2014-b080/scenario.toml",
        data: "wuppertal2014-bottleneck-social-groups-hdf5/00_01a.h5",
        source: "wuppertal2014-bottleneck-social-groups-hdf5/SOURCE.md",
        line: [(-0.4, 0.0), (0.4, 0.0)],
        area: &[(-0.4, 0.5), (0.4, 0.5), (0.4, 1.3), (-0.4, 1.3)],
        area_words: "in front of the opening, x ∈ [−0.4, 0.4] m, y ∈ [0.5, 1.3] m (0.64 m²)",
        width: 0.8,
        persons: 46,
        read: (None, None),
        flow_tolerance: FLOW_TOLERANCE,
        density_tolerance: DENSITY_TOLERANCE,
        tolerance_reason: BOTTLENECK_TOLERANCE,
        calibration: true,
        note: "",
    },
    Experiment {
        key: "hermes-corridor-300",
        id: "HERMES corridor 300",
        title: "3.0 m corridor, exit b = 3.0 m, 349 persons",
        scenario: "hermes-corridor/uo-300-300-300.toml",
        data: "hermes2009-corridor-3m-exits/uo-300-300-300.txt",
        source: "hermes2009-corridor-3m-exits/SOURCE.md",
        line: [(0.0, -4.1), (3.0, -4.1)],
        area: &[(0.0, -4.0), (3.0, -4.0), (3.0, -2.0), (0.0, -2.0)],
        area_words: "in front of the exit, over its width: x ∈ [0, 3] m, y ∈ [−4, −2] m \
                     (6 m², the 2 m before the exit wall)",
        width: 3.0,
        persons: 349,
        read: (Some(LengthUnit::Centimetre), Some(16.0)),
        flow_tolerance: FLOW_TOLERANCE,
        density_tolerance: DENSITY_TOLERANCE,
        tolerance_reason: BOTTLENECK_TOLERANCE,
        calibration: true,
        note: "",
    },
    Experiment {
        key: "hermes-corridor-200",
        id: "HERMES corridor 200",
        title: "3.0 m corridor, exit b = 2.0 m, 351 persons",
        scenario: "hermes-corridor/uo-300-300-200.toml",
        data: "hermes2009-corridor-3m-exits/uo-300-300-200.txt",
        source: "hermes2009-corridor-3m-exits/SOURCE.md",
        line: [(0.5, -4.1), (2.5, -4.1)],
        area: &[(0.5, -4.0), (2.5, -4.0), (2.5, -2.0), (0.5, -2.0)],
        area_words: "in front of the exit, over its width: x ∈ [0.5, 2.5] m, y ∈ [−4, −2] m \
                     (4 m², the 2 m before the exit wall)",
        width: 2.0,
        persons: 351,
        read: (Some(LengthUnit::Centimetre), Some(16.0)),
        flow_tolerance: FLOW_TOLERANCE,
        density_tolerance: DENSITY_TOLERANCE,
        tolerance_reason: BOTTLENECK_TOLERANCE,
        calibration: true,
        note: "",
    },
    Experiment {
        key: "hermes-corridor-160",
        id: "HERMES corridor 160",
        title: "3.0 m corridor, exit b = 1.6 m, 288 persons (288 persons in the file, of 349)",
        scenario: "hermes-corridor/uo-300-300-160.toml",
        data: "hermes2009-corridor-3m-exits/uo-300-300-160.txt",
        source: "hermes2009-corridor-3m-exits/SOURCE.md",
        line: [(0.7, -4.1), (2.3, -4.1)],
        area: &[(0.7, -4.0), (2.3, -4.0), (2.3, -2.0), (0.7, -2.0)],
        area_words: "in front of the exit, over its width: x ∈ [0.7, 2.3] m, y ∈ [−4, −2] m \
                     (3.2 m², the 2 m before the exit wall)",
        width: 1.6,
        persons: 288,
        read: (Some(LengthUnit::Centimetre), Some(16.0)),
        flow_tolerance: FLOW_TOLERANCE,
        density_tolerance: DENSITY_TOLERANCE,
        tolerance_reason: BOTTLENECK_TOLERANCE,
        calibration: true,
        note: "",
    },
    Experiment {
        key: "hermes-t-junction",
        id: "HERMES T-junction",
        title: "T-junction KO_240_050_240: two streams merging into a 2.4 m branch, 134 persons",
        scenario: "hermes-t-junction/scenario.toml",
        data: "hermes2009-T-junction-KO-240-050-240/traj_KO_240_050_240.txt",
        source: "hermes2009-T-junction-KO-240-050-240/SOURCE.md",
        line: [(-2.4, 1.0), (0.0, 1.0)],
        area: &[(-2.4, 1.0), (0.0, 1.0), (0.0, 3.0), (-2.4, 3.0)],
        area_words: "in the branch after the merge, x ∈ [−2.4, 0] m, y ∈ [1, 3] m (4.8 m², the \
                     dataset's JPSreport area id 1)",
        width: 2.4,
        persons: 134,
        read: (None, None),
        flow_tolerance: FLOW_TOLERANCE_REPLAYED,
        density_tolerance: DENSITY_TOLERANCE,
        tolerance_reason: REPLAYED_TOLERANCE,
        calibration: true,
        note: "Real experiment (file header \"experiment\"; HERMES 2009 T-junction series by its \
               name, J. Zhang et al., J. Stat. Mech. (2011) P06004). Free merging flow (about \
               0.7 /m² in the branch): it tests the merge and the walking speed, not a \
               bottleneck's capacity.",
    },
    Experiment {
        key: "corner-reftest",
        id: "Corner (reference test)",
        title: "90° corner of 3 m wide legs, 137 persons (provenance undocumented)",
        scenario: "corner-reftest/scenario.toml",
        data: "jpsreport-reftest-corner/traj.txt",
        source: "jpsreport-reftest-corner/SOURCE.md",
        line: [(-3.0, 0.0), (0.0, 0.0)],
        area: &[(-3.0, 0.0), (0.0, 0.0), (0.0, 2.0), (-3.0, 2.0)],
        area_words: "in the upper leg just after the corner, x ∈ [−3, 0] m, y ∈ [0, 2] m (6 m², \
                     the reference test's area)",
        width: 3.0,
        persons: 137,
        read: (None, None),
        flow_tolerance: FLOW_TOLERANCE_REPLAYED,
        density_tolerance: DENSITY_TOLERANCE,
        tolerance_reason: REPLAYED_TOLERANCE,
        calibration: false,
        note: "Regression anchor, not evidence of real crowds: PedPy's corner reference test \
               (tests/reference_tests/data/corner), whose provenance is undocumented (experiment \
               or simulation, the repository does not say). Run by the suite, left out of the \
               calibration targets.",
    },
];

/// The figures of one run (measured or simulated), all from the same analysis code.
#[derive(Debug, Clone, PartialEq)]
pub struct Measures {
    /// Persons who crossed the line.
    pub crossings: usize,
    /// Time of each first crossing, sorted, s since the start of the recording or run.
    pub crossing_times: Vec<f64>,
    /// Mean flow (N − 1)/(t_N − t_1), 1/s.
    pub flow: f64,
    /// Mean flow per metre of bottleneck width, 1/(m·s).
    pub specific_flow: f64,
    /// Time since the first crossing at which 10 %, 50 % and 90 % of the crossings had
    /// happened (the ⌈p·N⌉-th crossing), s.
    pub t_passed: [f64; 3],
    /// The steady phase, s since the start: from the ⌈0.1·N⌉-th to the ⌈0.9·N⌉-th crossing.
    pub steady: (f64, f64),
    /// Mean classic density in the area over the frames of the steady phase, 1/m².
    pub density_steady: f64,
    /// Mean classic density in the area over every frame of the data, 1/m² (SOURCE.md's
    /// figure for the measured data).
    pub density_all_frames: f64,
    /// Mean speed of the persons in the area over the frames of the steady phase in which
    /// somebody is inside, m/s: PedPy's `compute_mean_speed_per_frame` of the individual speeds
    /// over ±[`SPEED_WINDOW`] s (`SpeedCalculation.BORDER_SINGLE_SIDED`).
    pub speed_steady: f64,
    /// Classic density per frame: (time in s, 1/m²).
    pub density_series: Vec<(f64, f64)>,
    /// Frame rate of the data, frames per second.
    pub frame_rate: f64,
}

/// One experiment compared.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The measured figures.
    pub measured: Measures,
    /// The simulated figures.
    pub simulated: Measures,
    /// (simulated − measured)/measured of the mean flow.
    pub flow_error: f64,
    /// (simulated − measured)/measured of the steady-phase density.
    pub density_error: f64,
    /// (simulated − measured) of the 10/50/90 % times since the first crossing, s.
    pub t_passed_difference: [f64; 3],
    /// Largest |t_sim(n) − t_meas(n)| over the n-th crossings (both counted from their first
    /// crossing), n up to the smaller count, s.
    pub nt_max_difference: f64,
    /// What the simulation run did (positions outside, walls crossed, agents remaining).
    pub run: harness::RunLog,
    /// Time step used, s.
    pub dt: f64,
    /// Time step of the scenario file, s (larger than `dt` when lowered for the social force
    /// model).
    pub scenario_dt: f64,
}

/// (simulated − measured)/measured.
pub fn relative_error(simulated: f64, measured: f64) -> f64 {
    (simulated - measured) / measured
}

/// The experiment whose key or id is `name` (case-insensitive), if any.
pub fn find(name: &str) -> Option<&'static Experiment> {
    EXPERIMENTS
        .iter()
        .find(|e| e.key.eq_ignore_ascii_case(name) || e.id.eq_ignore_ascii_case(name))
}

/// Runs every experiment selected by `opts.only` (keys such as `hermes-ao300`, or ids), in
/// order, then the selected published cases ([`crate::published::run`]); each result is keyed
/// by the experiment's or case's key.
pub fn run(opts: &Options) -> Vec<(String, Result<Outcome, VerifyError>)> {
    let mut out: Vec<_> = EXPERIMENTS
        .iter()
        .filter(|e| opts.selected(e.key) || opts.selected(e.id))
        .map(|e| (e.key.to_string(), compare(opts, e).map(|(o, _)| o)))
        .collect();
    out.extend(crate::published::run(opts));
    out
}

impl Experiment {
    /// `../shared/data/<data>` for these options.
    pub fn data_path(&self, opts: &Options) -> PathBuf {
        opts.data_dir().join(self.data)
    }

    /// The measurement line.
    pub fn measurement_line(&self) -> MeasurementLine {
        let [(ax, ay), (bx, by)] = self.line;
        MeasurementLine {
            name: "line".into(),
            segment: Segment::new(Vec2::new(ax, ay), Vec2::new(bx, by)),
        }
    }

    /// The measurement area.
    ///
    /// # Errors
    /// [`VerifyError::Analysis`] if the corners do not form a valid polygon.
    pub fn measurement_area(&self) -> Result<MeasurementArea, VerifyError> {
        MeasurementArea::from_points("area", self.area)
            .map_err(|e| VerifyError::Analysis(format!("{}: measurement area: {e}", self.id)))
    }
}

/// The figures of `data` for experiment `e` (used for the measured and the simulated
/// trajectories alike).
///
/// # Errors
/// [`VerifyError::Analysis`] when the trajectory cannot be analysed or fewer than two persons
/// cross the line.
pub fn measure(e: &Experiment, data: &TrajectoryData) -> Result<Measures, VerifyError> {
    let err = |what: &str, m: String| VerifyError::Analysis(format!("{}: {what}: {m}", e.id));
    let index = TrajectoryIndex::new(data).map_err(|x| err("trajectory", x.to_string()))?;
    let nt = n_t(&index, &e.measurement_line()).map_err(|x| err("N–t", x.to_string()))?;
    let times = nt.crossing_times();
    let flow = nt.mean_flow().ok_or_else(|| {
        err(
            "flow",
            format!("only {} crossings of the line", times.len()),
        )
    })?;
    let n = times.len();
    let nth = |p: f64| times[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
    let t0 = times[0];
    let steady = (nth(STEADY_FROM), nth(STEADY_TO));
    let rho = classic_density(&index, &e.measurement_area()?)
        .map_err(|x| err("density", x.to_string()))?;
    let fps = data.frame_rate;
    let density_series: Vec<(f64, f64)> = rho
        .frames
        .iter()
        .zip(&rho.values)
        .map(|(&f, &v)| (f as f64 / fps, v))
        .collect();
    let in_steady: Vec<f64> = density_series
        .iter()
        .filter(|(t, _)| *t >= steady.0 - 1e-9 && *t <= steady.1 + 1e-9)
        .map(|p| p.1)
        .collect();
    let step = ((SPEED_WINDOW * fps).round() as u64).max(1);
    let v = individual_velocity(&index, step, SpeedBorder::SingleSided)
        .map_err(|x| err("speed", x.to_string()))?;
    let area_speed = mean_speed(&index, &v.speed, &e.measurement_area()?)
        .map_err(|x| err("speed", x.to_string()))?;
    if area_speed.frames != rho.frames {
        return Err(err("speed", "speed and density frames differ".into()));
    }
    let occupied: Vec<f64> = rho
        .frames
        .iter()
        .zip(&rho.values)
        .zip(&area_speed.values)
        .filter(|((f, d), _)| {
            let t = **f as f64 / fps;
            **d > 0.0 && t >= steady.0 - 1e-9 && t <= steady.1 + 1e-9
        })
        .map(|(_, &v)| v)
        .collect();
    Ok(Measures {
        speed_steady: mean(&occupied),
        crossings: n,
        flow,
        specific_flow: flow / e.width,
        t_passed: [nth(0.1) - t0, nth(0.5) - t0, nth(0.9) - t0],
        steady,
        density_steady: mean(&in_steady),
        density_all_frames: mean(&rho.values),
        density_series,
        crossing_times: times,
        frame_rate: fps,
    })
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// Reads the measured trajectories of `e` and measures them.
///
/// # Errors
/// [`VerifyError::Data`] naming the file when it is missing or unreadable; as [`measure`].
pub fn measured(opts: &Options, e: &Experiment) -> Result<Measures, VerifyError> {
    let path = e.data_path(opts);
    if !path.is_file() {
        return Err(VerifyError::Data(format!(
            "{}: real data missing: {} (../shared must sit beside the repository)",
            e.id,
            path.display()
        )));
    }
    let read = ReadOptions {
        unit: e.read.0,
        frame_rate: e.read.1,
        ..ReadOptions::default()
    };
    let loaded =
        read_trajectory(&path, &read).map_err(|x| VerifyError::Data(format!("{}: {x}", e.id)))?;
    measure(e, &loaded.data)
}

/// Simulates the shipped scenario of `e` with the options' model and seed, records the
/// positions at the scenario's output frame rate, and measures them. Returns the figures, the
/// run log, the time step used and the scenario's time step (s).
///
/// The scenario's time step is kept for the CFSM; for the social force model [`harness::build`]
/// lowers it, if needed, to the largest `1/(fps·k)` (k whole) not above the model's stable step
/// ([`aman_sim::SocialForceModel::max_dt`]), so frames still fall on steps.
///
/// # Errors
/// As [`harness::parse`], [`harness::build`] and [`measure`].
pub fn simulated(
    opts: &Options,
    e: &Experiment,
) -> Result<(Measures, harness::RunLog, f64, f64), VerifyError> {
    let (file, path) = harness::parse(opts, e.scenario)?;
    let fps = file.output.fps;
    let scenario_dt = file.simulation.dt;
    let mut sc = harness::build(opts, file, &path)?;
    let dt = sc.simulation.config().dt;
    let (data, log) = harness::record(&mut sc, fps);
    Ok((measure(e, &data)?, log, dt, scenario_dt))
}

/// Simulates and measures experiment `e` and compares the two.
///
/// # Errors
/// As [`measured`] and [`simulated`].
pub fn compare(opts: &Options, e: &Experiment) -> Result<(Outcome, Comparison), VerifyError> {
    let m = measured(opts, e)?;
    let (s, run, dt, scenario_dt) = simulated(opts, e)?;
    let k = m.crossing_times.len().min(s.crossing_times.len());
    let (m0, s0) = (m.crossing_times[0], s.crossing_times[0]);
    let nt_max_difference = (0..k)
        .map(|i| ((s.crossing_times[i] - s0) - (m.crossing_times[i] - m0)).abs())
        .fold(0.0, f64::max);
    let c = Comparison {
        flow_error: relative_error(s.flow, m.flow),
        density_error: relative_error(s.density_steady, m.density_steady),
        t_passed_difference: [0, 1, 2].map(|i| s.t_passed[i] - m.t_passed[i]),
        nt_max_difference,
        run,
        dt,
        scenario_dt,
        measured: m,
        simulated: s,
    };
    Ok((outcome(opts, e, &c), c))
}

/// `+12.3 %`.
pub fn percent(rel: f64) -> String {
    format!("{:+.1} %", 100.0 * rel)
}

fn outcome(opts: &Options, e: &Experiment, c: &Comparison) -> Outcome {
    let (m, s) = (&c.measured, &c.simulated);
    let flow_ok = c.flow_error.abs() <= e.flow_tolerance;
    let density_ok = c.density_error.abs() <= e.density_tolerance;
    let all_crossed = s.crossings == e.persons && c.run.remaining == 0;
    let clean = c.run.outside == 0 && c.run.crossed_wall == 0;
    let verdict = Verdict::from_bool(flow_ok && density_ok && all_crossed && clean);
    let measured = format!(
        "flow {:.2} vs {:.2} 1/s ({}), density {:.2} vs {:.2} 1/m² ({})",
        s.flow,
        m.flow,
        percent(c.flow_error),
        s.density_steady,
        m.density_steady,
        percent(c.density_error)
    );
    let dt = if (c.dt - c.scenario_dt).abs() > 1e-12 {
        format!(
            "{:.6} s (the scenario's {} s lowered to the model's stable step)",
            c.dt, c.scenario_dt
        )
    } else {
        format!("{} s", c.dt)
    };
    let mut details = vec![
        format!(
            "Scenario scenarios/{} simulated with {} (default parameters), seed {}, dt {dt}; \
             measured data ../shared/data/{} (see {}).",
            e.scenario, opts.model, opts.seed, e.data, e.source
        ),
        format!(
            "Line ({}, {})–({}, {}); density area {}; steady phase = from the passage of {:.0} % \
             to that of {:.0} % of the persons, from each run's own N–t curve.",
            e.line[0].0,
            e.line[0].1,
            e.line[1].0,
            e.line[1].1,
            e.area_words,
            100.0 * STEADY_FROM,
            100.0 * STEADY_TO
        ),
        format!(
            "Mean flow (N − 1)/(t_N − t_1): simulated {:.3} 1/s ({} crossings), measured {:.3} \
             1/s ({} crossings); relative error {} (tolerance ±{:.0} %). Specific flow {:.3} vs \
             {:.3} 1/(m·s) for b = {} m.",
            s.flow,
            s.crossings,
            m.flow,
            m.crossings,
            percent(c.flow_error),
            100.0 * e.flow_tolerance,
            s.specific_flow,
            m.specific_flow,
            e.width
        ),
        format!(
            "Classic density, steady phase: simulated {:.3} 1/m² ({:.1}–{:.1} s), measured {:.3} \
             1/m² ({:.1}–{:.1} s); relative error {} (tolerance ±{:.0} %). Over all frames: \
             simulated {:.3}, measured {:.3} 1/m².",
            s.density_steady,
            s.steady.0,
            s.steady.1,
            m.density_steady,
            m.steady.0,
            m.steady.1,
            percent(c.density_error),
            100.0 * e.density_tolerance,
            s.density_all_frames,
            m.density_all_frames
        ),
        format!(
            "Mean speed in the area, steady phase (frames with somebody inside): simulated \
             {:.3} m/s, measured {:.3} m/s ({}; reported, not judged).",
            s.speed_steady,
            m.speed_steady,
            percent(relative_error(s.speed_steady, m.speed_steady))
        ),
        format!(
            "N–t, time since the first crossing at which 10 / 50 / 90 % had passed: simulated \
             {:.1} / {:.1} / {:.1} s, measured {:.1} / {:.1} / {:.1} s (differences {:+.1} / \
             {:+.1} / {:+.1} s); largest difference between the n-th crossings {:.1} s \
             (reported, not judged).",
            s.t_passed[0],
            s.t_passed[1],
            s.t_passed[2],
            m.t_passed[0],
            m.t_passed[1],
            m.t_passed[2],
            c.t_passed_difference[0],
            c.t_passed_difference[1],
            c.t_passed_difference[2],
            c.nt_max_difference
        ),
        format!("Tolerances: {}.", e.tolerance_reason),
        format!("Simulation run: {}.", c.run.summary()),
    ];
    if !e.note.is_empty() {
        details.insert(1, e.note.to_string());
    }
    if verdict == Verdict::Fail {
        let mut why = Vec::new();
        if !flow_ok {
            why.push(format!(
                "the flow is off by {} (beyond ±{:.0} %)",
                percent(c.flow_error),
                100.0 * e.flow_tolerance
            ));
        }
        if !density_ok {
            why.push(format!(
                "the steady-phase density is off by {} (beyond ±{:.0} %)",
                percent(c.density_error),
                100.0 * e.density_tolerance
            ));
        }
        if !all_crossed {
            why.push(format!(
                "{} of {} simulated persons crossed the line",
                s.crossings, e.persons
            ));
        }
        if !clean {
            why.push("agents left the walkable area or walked through a wall".into());
        }
        details.push(format!("FAIL because {}.", why.join("; ")));
    }
    let since = |ms: &Measures| -> Vec<(f64, f64)> {
        let t0 = ms.crossing_times[0];
        let shifted: Vec<f64> = ms.crossing_times.iter().map(|t| t - t0).collect();
        crate::harness::n_t(&shifted)
    };
    let density_since = |ms: &Measures| -> Vec<(f64, f64)> {
        let t0 = ms.crossing_times[0];
        ms.density_series
            .iter()
            .map(|&(t, v)| (t - t0, v))
            .collect()
    };
    let figures = vec![
        Figure {
            title: format!("{}: N–t at the line", e.id),
            x_label: "time since the first crossing (s)".into(),
            y_label: "persons passed".into(),
            series: vec![
                Series {
                    name: "measured".into(),
                    points: since(m),
                    style: SeriesStyle::Dashed,
                },
                Series {
                    name: format!("simulated ({})", opts.model),
                    points: since(s),
                    style: SeriesStyle::Step,
                },
            ],
        },
        Figure {
            title: format!("{}: classic density in the measurement area", e.id),
            x_label: "time since the first crossing (s)".into(),
            y_label: "density (1/m²)".into(),
            series: vec![
                Series {
                    name: "measured".into(),
                    points: density_since(m),
                    style: SeriesStyle::Dashed,
                },
                Series {
                    name: format!("simulated ({})", opts.model),
                    points: density_since(s),
                    style: SeriesStyle::Line,
                },
            ],
        },
    ];
    Outcome {
        id: e.id.to_string(),
        title: e.title.to_string(),
        criterion: format!(
            "flow within ±{:.0} %, steady density within ±{:.0} % of measured",
            100.0 * e.flow_tolerance,
            100.0 * e.density_tolerance
        ),
        measured,
        verdict,
        details,
        figures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-made run: 5 persons crossing y = 0 at frames 2, 4, 6, 8, 10 (10 fps), one person
    /// standing in the area throughout.
    #[test]
    fn measures_of_a_hand_made_run() {
        let e = Experiment {
            key: "t",
            id: "T",
            title: "t",
            scenario: "",
            data: "",
            source: "",
            line: [(-1.0, 0.0), (1.0, 0.0)],
            area: &[(-1.0, 1.0), (1.0, 1.0), (1.0, 2.0), (-1.0, 2.0)],
            area_words: "",
            width: 2.0,
            persons: 5,
            read: (None, None),
            flow_tolerance: FLOW_TOLERANCE,
            density_tolerance: DENSITY_TOLERANCE,
            tolerance_reason: "",
            calibration: false,
            note: "",
        };
        let mut d = TrajectoryData::new(10.0);
        for f in 0..=12u64 {
            d.push(0, f, 0.0, 1.5);
            for p in 1..=5u64 {
                // person p is at y = 0.5 one frame before 2p and at −0.5 at 2p
                let y = 0.5 - (f as f64 - (2 * p - 1) as f64);
                d.push(p, f, 0.5, y.clamp(-3.0, 0.5));
            }
        }
        d.sort_rows();
        let m = measure(&e, &d).unwrap();
        assert_eq!(m.crossings, 5);
        assert_eq!(m.crossing_times, vec![0.2, 0.4, 0.6, 0.8, 1.0]);
        assert!((m.flow - 4.0 / 0.8).abs() < 1e-12);
        assert!((m.specific_flow - 2.5).abs() < 1e-12);
        // ⌈0.5·5⌉ = 3rd crossing, ⌈0.9·5⌉ = 5th
        assert!((m.t_passed[1] - 0.4).abs() < 1e-12 && (m.t_passed[2] - 0.8).abs() < 1e-12);
        // one person in 2 m² throughout: 0.5 /m² whatever the phase
        assert!((m.density_steady - 0.5).abs() < 1e-12);
        assert!((m.density_all_frames - 0.5).abs() < 1e-12);
        assert_eq!(relative_error(1.1, 1.0), 0.10000000000000009);
        assert_eq!(percent(-0.0512), "-5.1 %");
    }

    #[test]
    fn missing_data_names_the_path() {
        let opts = Options::new("/nonexistent/repo");
        let e = &EXPERIMENTS[0];
        let msg = measured(&opts, e).unwrap_err().to_string();
        assert!(msg.contains("traj_AO_300.txt") && msg.contains("../shared must sit beside"));
        assert!(find("HERMES ao300").is_some() && find("wuppertal-2014-b080").is_some());
        assert!(find("nope").is_none());
    }
}
