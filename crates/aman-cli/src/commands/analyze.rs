//! `aman analyze`: read a trajectory file, check it against the walkable area, compute the
//! measures of `aman-analysis` for the given measurement areas and lines and over the whole
//! venue, and write CSV, `summary.json`, plots (SVG and PNG) and `report.html`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use aman_analysis::los::{FruinLevel, LosTable, los_over_time};
use aman_analysis::speed::{IndividualVelocity, SpeedBorder};
use aman_analysis::voronoi::{Cutoff, VoronoiCells};
use aman_analysis::{FrameSeries, TrajectoryIndex};
use aman_geometry::{MeasurementArea, MeasurementLine, Vec2, WalkableArea};
use aman_trajectory::{LoadedTrajectory, TrajectoryData};
use anyhow::{Context, anyhow};

use crate::Failure;
use crate::args::AnalyzeArgs;
use crate::precision::round6;
use aman_report::analysis::{
    AreaSummary, Chart, ChartKind, InputSummary, LineSummary, MapsSummary, PassingSummary,
    Settings, SteadySeries, SteadySummary, Summary, WindowSummary,
};
use aman_report::charts::{Band, HeatMap, Series, SeriesStyle, XyChart};

/// Cells of a venue-wide grid at most, before the default grid size grows.
const MAX_DEFAULT_GRID_CELLS: f64 = 1.0e6;

/// Cells of a venue-wide grid at most (a given --grid-size beyond it is refused).
const MAX_GRID_CELLS: f64 = 4.0e6;

/// Frames × grid cells the profiles may cover (each frame's cells are filled once, and the
/// Voronoi profile rasterises cells covering the walkable area): beyond it, refused.
const MAX_MAP_WORK: f64 = 5.0e8;

/// Person–cell pairs the crowd-pressure map may visit (rows × cells within the Gaussian's
/// cut-off); beyond it the map is skipped with a note. About a minute on one core.
const MAX_PRESSURE_WORK: f64 = 2.0e10;

/// Runs `aman analyze`.
pub fn run(args: &AnalyzeArgs) -> Result<(), Failure> {
    if let Some(n) = args.threads.filter(|n| !(1..=1024).contains(n)) {
        return Err(input(format!(
            "--threads {n}: give between 1 and 1024 threads"
        )));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start the worker threads")?;
    pool.install(|| analyze(args))
}

fn input(message: String) -> Failure {
    Failure::Input(anyhow!(message))
}

fn positive(flag: &str, v: f64) -> Result<f64, Failure> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(input(format!("{flag} {v}: must be a positive number")))
    }
}

/// `v` must lie in [lo, hi]: outside, the figures would be numerical noise (a 1e-12 m
/// cut-off, 1e9 m grid cells) or the run would not end in a useful time.
fn within(flag: &str, v: f64, lo: f64, hi: f64, unit: &str) -> Result<f64, Failure> {
    positive(flag, v)?;
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(input(format!(
            "{flag} {v}: give a value between {lo} and {hi} {unit}"
        )))
    }
}

struct Timer(Vec<(String, f64)>, Instant);

impl Timer {
    fn lap(&mut self, name: &str) {
        let now = Instant::now();
        self.0.push((name.to_owned(), (now - self.1).as_secs_f64()));
        self.1 = now;
    }
}

fn analyze(args: &AnalyzeArgs) -> Result<(), Failure> {
    // --- options -------------------------------------------------------------------------
    let border = match args.speed_border.as_str() {
        "exclude" => SpeedBorder::Exclude,
        "adaptive" => SpeedBorder::Adaptive,
        "single-sided" => SpeedBorder::SingleSided,
        other => {
            return Err(input(format!(
                "--speed-border {other:?}: use exclude, adaptive or single-sided"
            )));
        }
    };
    let correct = match args.invalid.as_str() {
        "reject" => false,
        "correct" => true,
        other => return Err(input(format!("--invalid {other:?}: use reject or correct"))),
    };
    let table = match args.los_table.as_str() {
        "walkway" => LosTable::Walkway,
        "stairway" => LosTable::Stairway,
        "queue" => LosTable::Queue,
        other => {
            return Err(input(format!(
                "--los-table {other:?}: use walkway, stairway or queue"
            )));
        }
    };
    let options = args.read.options()?;
    if let Some(r) = args.cutoff {
        within("--cutoff", r, 0.05, 100.0, "m")?;
    }
    if let Some(d) = args.passing_depth {
        within("--passing-depth", d, 0.01, 1000.0, "m")?;
    }
    if let Some(g) = args.grid_size {
        within("--grid-size", g, 0.01, 1000.0, "m")?;
    }
    within("--flow-window", args.flow_window, 0.01, 1.0e6, "s")?;
    within("--pressure-radius", args.pressure_radius, 0.05, 100.0, "m")?;
    if args.frame_step == Some(0) {
        return Err(input("--frame-step 0: give at least 1 frame".to_owned()));
    }
    let areas = args
        .areas
        .iter()
        .enumerate()
        .map(|(k, a)| parse_area(k, a))
        .collect::<Result<Vec<_>, _>>()?;
    let lines = args
        .lines
        .iter()
        .enumerate()
        .map(|(k, l)| parse_line(k, l))
        .collect::<Result<Vec<_>, _>>()?;
    for names in [
        areas.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        lines.iter().map(|l| l.name.as_str()).collect(),
    ] {
        for (k, n) in names.iter().enumerate() {
            if names[..k].contains(n) {
                return Err(input(format!(
                    "the name {n:?} is given to two areas or two lines; name each once"
                )));
            }
        }
    }
    // The output folder must be usable before the work, not after it (nothing is created
    // yet: bad input leaves nothing behind).
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.trajectory));
    super::check_out_for(&out, "analyze")?;

    // --- input ---------------------------------------------------------------------------
    let mut timer = Timer(Vec::new(), Instant::now());
    let LoadedTrajectory {
        data,
        walkable_area_wkt,
        format,
        notes,
    } = aman_trajectory::read_trajectory(&args.trajectory, &options).map_err(|e| match e {
        aman_trajectory::TrajectoryError::MissingFrameRate { .. } => {
            Failure::Input(anyhow!("{e} (--frame-rate FPS)"))
        }
        e => Failure::Input(e.into()),
    })?;
    let mut notes = notes;
    if data.is_empty() {
        return Err(input(format!(
            "{}: the file holds no trajectory rows",
            args.trajectory.display()
        )));
    }
    timer.lap("load");
    let (walkable, walkable_source) =
        walkable_area(args, &data, walkable_area_wkt.as_deref(), &mut notes)?;
    // Obstacles united, cut from the boundary or dropped while reading it.
    notes.extend(
        walkable
            .notes()
            .iter()
            .map(|n| format!("walkable area: {n}")),
    );
    for a in &areas {
        let ring = &a.polygon().exterior().0;
        let corners = ring[..ring.len() - 1].iter().map(|c| Vec2::new(c.x, c.y));
        check_inside(&walkable, corners, "area", &a.name, &mut notes);
    }
    for l in &lines {
        // The specific flow divides by the whole line: say so when part of it is in a wall.
        const SAMPLES: usize = 1000;
        let inside = (0..SAMPLES)
            .filter(|&k| {
                let t = (k as f64 + 0.5) / SAMPLES as f64;
                walkable.contains(l.segment.a + (l.segment.b - l.segment.a) * t)
            })
            .count();
        if inside < SAMPLES * 99 / 100 {
            notes.push(format!(
                "only about {:.2} m of line {:?} ({:.2} m long) lies in the walkable area; its \
                 specific flow and line density divide by the whole length — shorten the line to \
                 the opening for per-metre figures",
                l.width() * inside as f64 / SAMPLES as f64,
                l.name,
                l.width()
            ));
        }
    }
    {
        // A walkable area far larger than the crowd: wrong units or coordinates, most likely.
        let (lo, hi) = walkable.bounds();
        let (plo, phi) = points_box(&data);
        let walk = (hi.x - lo.x) * (hi.y - lo.y);
        let pts = ((phi.x - plo.x) * (phi.y - plo.y)).max(1.0);
        if walk > 1000.0 * pts {
            notes.push(format!(
                "the walkable area's extent ({:.0} m × {:.0} m) is over 1000 times that of the \
                 points ({:.1} m × {:.1} m): check that both are in metres and in the same \
                 coordinates",
                hi.x - lo.x,
                hi.y - lo.y,
                phi.x - plo.x,
                phi.y - plo.y
            ));
        }
    }

    // --- window --------------------------------------------------------------------------
    let (data, window) = cut_window(args, data, &areas, &mut notes)?;

    // --- validation ----------------------------------------------------------------------
    let invalid = aman_analysis::validation::invalid_points(&data, &walkable)
        .map_err(|e| Failure::Input(e.into()))?;
    let points_outside = invalid.len();
    let mut points_corrected = 0;
    let mut points_moved_near_wall = 0;
    let data = if points_outside == 0 {
        data
    } else if correct {
        let distances = aman_analysis::validation::CorrectionDistances::default();
        let (fixed, corrections) =
            aman_analysis::validation::correct_invalid_points(&data, &walkable, &distances)
                .map_err(|e| Failure::Input(e.into()))?;
        let outside: std::collections::HashSet<usize> = invalid.rows().into_iter().collect();
        points_corrected = corrections
            .moved
            .iter()
            .filter(|m| outside.contains(&m.row))
            .count();
        points_moved_near_wall = corrections.moved.len() - points_corrected;
        notes.push(correction_note(
            points_outside,
            points_corrected,
            points_moved_near_wall,
            distances.max_distance_wall.max(distances.max_distance_obst),
        ));
        if !corrections.still_invalid.is_empty() {
            notes.push(format!(
                "{} points are still outside the walkable area after the correction: {}",
                corrections.still_invalid.len(),
                describe_invalid(&corrections.still_invalid)
            ));
        }
        fixed
    } else {
        // A file in centimetres read as metres lies far outside any walkable area in metres.
        let cm = match (args.read.unit.as_deref(), format) {
            (None, aman_trajectory::TrajectoryFormat::JuelichTxt) => {
                aman_trajectory::centimetre_hint(&data)
                    .map(|h| format!(". Also, {h}"))
                    .unwrap_or_default()
            }
            _ => String::new(),
        };
        return Err(input(format!(
            "{}: {} ({}). Check the walkable area (--walkable-area), or move these points to \
             the nearest walkable point with --invalid correct{cm}",
            args.trajectory.display(),
            describe_invalid(&invalid),
            walkable_source
        )));
    };
    timer.lap("validation");

    let index = TrajectoryIndex::new(&data).map_err(|e| Failure::Input(e.into()))?;
    {
        let present = index.frames().len() as u64;
        let span = index.frames().last().copied().unwrap_or(0)
            - index.frames().first().copied().unwrap_or(0)
            + 1;
        if span > 100_000 && span > 10 * present {
            notes.push(format!(
                "frames {}–{} span {span} frames but only {present} hold rows: the per-frame \
                 series cover the whole span (check for a stray frame number)",
                index.frames()[0],
                index.frames()[index.frames().len() - 1]
            ));
        }
    }
    let fps = data.frame_rate;
    let frame_step = args
        .frame_step
        .unwrap_or_else(|| ((0.3 * fps).round() as u64).max(1));
    let flow_window_frames = ((args.flow_window * fps).round() as u64).max(1);
    let frame_count = data.frames().map_or(1, |f| f.end() - f.start() + 1) as f64;
    let grid_size = args
        .grid_size
        .unwrap_or_else(|| default_grid(&walkable, frame_count));
    let cells_needed = {
        let (lo, hi) = walkable.bounds();
        ((hi.x - lo.x) / grid_size).ceil() * ((hi.y - lo.y) / grid_size).ceil()
    };
    if !args.no_maps && cells_needed * frame_count > MAX_MAP_WORK {
        return Err(input(format!(
            "--grid-size {grid_size}: {:.0} cells over {frame_count:.0} frames is more map work \
             than allowed ({:.0e} cell-frames); use a larger --grid-size or --no-maps",
            cells_needed, MAX_MAP_WORK
        )));
    }
    if !args.no_maps && cells_needed > MAX_GRID_CELLS {
        return Err(input(format!(
            "--grid-size {grid_size}: the maps would have {:.1} million cells over the {:.0} m × \
             {:.0} m walkable area, more than the {:.0} million allowed; use a larger \
             --grid-size or --no-maps",
            cells_needed / 1e6,
            walkable.bounds().1.x - walkable.bounds().0.x,
            walkable.bounds().1.y - walkable.bounds().0.y,
            MAX_GRID_CELLS / 1e6
        )));
    }
    let settings = Settings {
        frame_step,
        speed_border: args.speed_border.clone(),
        invalid_points: args.invalid.clone(),
        voronoi: !args.no_voronoi,
        cutoff: args.cutoff,
        flow_window_s: args.flow_window,
        flow_window_frames,
        passing_depth: args.passing_depth,
        grid_size,
        pressure_radius: args.pressure_radius,
        los_table: args.los_table.clone(),
    };

    // --- measures ------------------------------------------------------------------------
    let velocity = aman_analysis::speed::individual_velocity(&index, frame_step, border)
        .map_err(|e| Failure::Input(e.into()))?;
    timer.lap("individual speed");
    let cells = if args.no_voronoi {
        None
    } else {
        let cut = args.cutoff.map(|radius| Cutoff {
            radius,
            quad_segments: 3,
        });
        match aman_analysis::voronoi::individual_voronoi_cells(&index, &walkable, cut, true) {
            Ok(cells) => {
                timer.lap("voronoi cells");
                Some(cells)
            }
            // Two persons on the same spot (a tracking artefact): their cells are undefined.
            // Everything else can still be measured, so say so and go on without Voronoi.
            Err(e @ aman_analysis::AnalysisError::CoincidentPositions { .. }) => {
                notes.push(format!(
                    "no Voronoi measures: {e} (or run with --no-voronoi to silence this)"
                ));
                None
            }
            Err(e) => return Err(err(e)),
        }
    };

    let mut area_results = Vec::new();
    for area in &areas {
        area_results.push(measure_area(
            &index,
            area,
            &velocity,
            cells.as_ref(),
            table,
            &args.speed_border,
            &mut notes,
        )?);
    }
    timer.lap("areas");
    let mut line_results = Vec::new();
    for line in &lines {
        line_results.push(measure_line(
            &index,
            line,
            &velocity,
            cells.as_ref(),
            &settings,
            &mut notes,
        )?);
    }
    timer.lap("lines");
    let maps = if args.no_maps {
        Maps::none(grid_size)
    } else {
        let maps = measure_maps(
            &index,
            &walkable,
            grid_size,
            &velocity,
            cells.as_ref(),
            args.pressure_radius,
            &mut notes,
        )?;
        timer.lap("maps");
        maps
    };

    // --- output --------------------------------------------------------------------------
    super::prepare_out(&out)?;
    remove_previous_outputs(&out)?;
    let frames = data.frames().expect("data is not empty");
    let input_summary = InputSummary {
        file: args.trajectory.display().to_string(),
        format: format.to_string(),
        frame_rate: fps,
        rows: data.len(),
        persons: index.ids().len(),
        first_frame: *frames.start(),
        last_frame: *frames.end(),
        duration: (*frames.end() - *frames.start()) as f64 / fps,
        walkable_area_source: walkable_source,
        walkable_area_m2: walkable.area(),
        points_outside,
        points_corrected,
        points_moved_near_wall,
        window,
        notes,
    };
    let mut files = Vec::new();
    write_csvs(
        &out,
        &data,
        &index,
        &area_results,
        &line_results,
        &maps,
        &velocity,
        args.individual,
        &mut files,
    )?;
    let mut summary = Summary {
        aman_version: env!("CARGO_PKG_VERSION"),
        input: input_summary,
        settings,
        areas: area_results.iter().map(|a| a.summary.clone()).collect(),
        lines: line_results.iter().map(|l| l.summary.clone()).collect(),
        maps: maps.summary.clone(),
        timings: Vec::new(),
        files: Vec::new(),
    };
    let mut charts = Vec::new();
    if !args.no_plots {
        charts = plots(&data, &walkable, &area_results, &line_results, &maps, table);
        for c in &charts {
            let written = match &c.kind {
                ChartKind::Xy(chart) => aman_report::charts::write_chart(chart, &out, &c.stem),
                ChartKind::Map(map) => aman_report::charts::write_heat_map(map, &out, &c.stem),
            }
            .map_err(|e| anyhow!(e))?;
            files.extend(written.iter().map(|p| file_name(p)));
        }
        timer.lap("plots");
    }
    summary.timings = timer.0.clone();
    files.push("summary.json".to_owned());
    if !args.no_plots {
        files.push("report.html".to_owned());
    }
    summary.files = files;
    let json = serde_json::to_string_pretty(&summary).map_err(anyhow::Error::from)?;
    if !args.no_plots {
        let html = aman_report::analysis::render(&summary, &charts).map_err(|e| anyhow!(e))?;
        write(&out.join("report.html"), html.as_bytes())?;
    }
    // Last, so that a summary.json on disk means every file it lists was written.
    write(&out.join("summary.json"), json.as_bytes())?;
    if args.json {
        outln!("{json}")?;
    } else if !args.quiet {
        print_summary(&summary, &out)?;
    }
    Ok(())
}

/// Parses `A:B` of `flag` into two numbers with A ≤ B.
fn parse_range(flag: &str, text: &str) -> Result<(f64, f64), Failure> {
    let bad = || {
        input(format!(
            "{flag} {text:?}: give the window as A:B with A ≤ B, e.g. {flag} {}",
            if flag == "--time" {
                "25:75"
            } else {
                "400:1199"
            }
        ))
    };
    let (a, b) = text.split_once(':').ok_or_else(bad)?;
    let a: f64 = a.trim().parse().map_err(|_| bad())?;
    let b: f64 = b.trim().parse().map_err(|_| bad())?;
    if !(a.is_finite() && b.is_finite() && a >= 0.0 && a <= b) {
        return Err(bad());
    }
    Ok((a, b))
}

/// Parses `A:B` of `flag` as whole frame numbers.
fn parse_frames(flag: &str, text: &str) -> Result<(u64, u64), Failure> {
    let (a, b) = parse_range(flag, text)?;
    if a.fract() != 0.0 || b.fract() != 0.0 || b > 1e15 {
        return Err(input(format!(
            "{flag} {text:?}: frames are whole numbers, e.g. {flag} 400:1199"
        )));
    }
    Ok((a as u64, b as u64))
}

/// Cuts `data` to the window of `--frames`, `--time` or `--steady` (or returns it whole),
/// with a note saying which frames are analysed.
fn cut_window(
    args: &AnalyzeArgs,
    data: TrajectoryData,
    areas: &[MeasurementArea],
    notes: &mut Vec<String>,
) -> Result<(TrajectoryData, Option<WindowSummary>), Failure> {
    let frames = data.frames().expect("data is not empty");
    let (first, last) = (*frames.start(), *frames.end());
    let fps = data.frame_rate;
    let (a, b, chosen_by, steady) = if let Some(text) = &args.frames {
        let (a, b) = parse_frames("--frames", text)?;
        (a, b, format!("--frames {text}"), None)
    } else if let Some(text) = &args.time {
        let (ta, tb) = parse_range("--time", text)?;
        // Frames whose time frame / fps lies in [ta, tb] (1e-9 forgives rounding of ta·fps).
        let a = (ta * fps - 1e-9).ceil().max(0.0);
        let b = (tb * fps + 1e-9).floor();
        if a > b {
            return Err(input(format!(
                "--time {text}: no frame at {fps} fps falls in [{ta}, {tb}] s; widen the window"
            )));
        }
        (a as u64, b as u64, format!("--time {text}"), None)
    } else if args.steady {
        let (a, b, summary) = detect_steady(args, &data, areas)?;
        (a, b, "--steady".to_owned(), Some(summary))
    } else {
        return Ok((data, None));
    };
    if b < first || a > last {
        return Err(input(format!(
            "{chosen_by}: frames {a}–{b} lie outside the data, frames {first}–{last} ({:.2}–{:.2} \
             s at {fps} fps)",
            first as f64 / fps,
            last as f64 / fps
        )));
    }
    let cut = data.frame_window(a, b);
    if cut.is_empty() {
        return Err(input(format!(
            "{chosen_by}: no rows in frames {a}–{b} (the data hold frames {first}–{last})"
        )));
    }
    let (a, b) = (a.max(first), b.min(last));
    let how = match &steady {
        Some(s) => format!(
            "the steady state detected in area {:?} (Liao et al. 2016: density and mean speed \
             both steady; reference process frames {}–{}, θ = {} and {} frames)",
            s.area, s.reference_frames.0, s.reference_frames.1, s.density.theta, s.speed.theta
        ),
        None => chosen_by.clone(),
    };
    notes.push(format!(
        "every measure covers frames {a}–{b} only ({:.2}–{:.2} s), by {how}",
        a as f64 / fps,
        b as f64 / fps
    ));
    Ok((
        cut,
        Some(WindowSummary {
            first_frame: a,
            last_frame: b,
            start_s: a as f64 / fps,
            end_s: b as f64 / fps,
            chosen_by,
            steady,
        }),
    ))
}

/// `--steady`: the steady state of the classic density and the mean speed per frame in the
/// first measurement area (Liao et al. 2016, [`aman_analysis::steady`]); the longest run of
/// frames where both are steady.
fn detect_steady(
    args: &AnalyzeArgs,
    data: &TrajectoryData,
    areas: &[MeasurementArea],
) -> Result<(u64, u64, SteadySummary), Failure> {
    use aman_analysis::steady;
    let area = areas.first().ok_or_else(|| {
        input(
            "--steady: give a measurement area (--area) in which the density and speed are \
             tested, e.g. the area in front of the bottleneck"
                .to_owned(),
        )
    })?;
    let border = match args.speed_border.as_str() {
        "exclude" => SpeedBorder::Exclude,
        "adaptive" => SpeedBorder::Adaptive,
        _ => SpeedBorder::SingleSided,
    };
    let fps = data.frame_rate;
    let frame_step = args
        .frame_step
        .unwrap_or_else(|| ((0.3 * fps).round() as u64).max(1));
    let index = TrajectoryIndex::new(data).map_err(|e| Failure::Input(e.into()))?;
    let velocity = aman_analysis::speed::individual_velocity(&index, frame_step, border)
        .map_err(|e| Failure::Input(e.into()))?;
    let rho = aman_analysis::classic::classic_density(&index, area).map_err(err)?;
    let mut v = aman_analysis::speed::mean_speed(&index, &velocity.speed, area).map_err(err)?;
    // Speeds left out at the ends (--speed-border exclude) count as no one moving.
    for x in &mut v.values {
        if !x.is_finite() {
            *x = 0.0;
        }
    }
    let frames = &rho.frames;
    let f0 = frames[0];
    let n = frames.len();
    let reference = match &args.steady_reference {
        Some(text) => {
            let (a, b) = parse_frames("--steady-reference", text)?;
            if a < f0 || b > frames[n - 1] || b < a + 2 {
                return Err(input(format!(
                    "--steady-reference {text}: give at least 3 frames within the data's \
                     frames {f0}–{}",
                    frames[n - 1]
                )));
            }
            (a - f0) as usize..=(b - f0) as usize
        }
        None => steady::default_reference(n),
    };
    let params = steady::SteadyParams::default();
    let run = |series: &[f64], what: &str| {
        steady::detect_steady(series, reference.clone(), &params).map_err(|e| {
            input(format!(
                "--steady: the {what} in area {:?}: {e}; choose the reference with \
                 --steady-reference A:B or the window with --frames A:B",
                area.name
            ))
        })
    };
    let d_rho = run(&rho.values, "density")?;
    let d_v = run(&v.values, "mean speed")?;
    let to_frames = |iv: &[(usize, usize)]| -> Vec<(u64, u64)> {
        iv.iter()
            .map(|&(a, b)| (f0 + a as u64, f0 + b as u64))
            .collect()
    };
    let both = steady::intersect(&d_rho.intervals, &d_v.intervals);
    let series = |d: &steady::SteadyDetection| SteadySeries {
        reference_mean: d.reference_mean,
        reference_std: d.reference_std,
        reference_acf: d.reference_acf,
        theta: d.theta,
        steady: to_frames(&d.intervals),
    };
    let Some((a, b)) = steady::longest(&both) else {
        return Err(input(format!(
            "--steady: no frames where both the density and the mean speed in area {:?} are \
             steady (density steady in {:?}, speed in {:?}); choose another reference with \
             --steady-reference A:B, or the window with --frames A:B",
            area.name,
            to_frames(&d_rho.intervals),
            to_frames(&d_v.intervals)
        )));
    };
    Ok((
        f0 + a as u64,
        f0 + b as u64,
        SteadySummary {
            area: area.name.clone(),
            reference_frames: (f0 + *reference.start() as u64, f0 + *reference.end() as u64),
            density: series(&d_rho),
            speed: series(&d_v),
            both_steady: to_frames(&both),
        },
    ))
}

/// What `--invalid correct` did, counting each thing once: "16 points outside the walkable area
/// moved to the nearest walkable point; 3 points inside, within 0.05 m of a wall, moved away
/// from it (as PedPy's correct_invalid_trajectories)".
fn correction_note(
    outside: usize,
    corrected: usize,
    near_wall: usize,
    max_distance: f64,
) -> String {
    let points = |n: usize| format!("{n} point{}", if n == 1 { "" } else { "s" });
    let mut note = if corrected == outside {
        format!(
            "{} outside the walkable area moved to the nearest walkable point",
            points(outside)
        )
    } else {
        format!(
            "{} outside the walkable area, {corrected} of them moved to the nearest walkable \
             point",
            points(outside)
        )
    };
    if near_wall > 0 {
        note.push_str(&format!(
            "; {} inside, within {max_distance} m of a wall, moved away from it",
            points(near_wall)
        ));
    }
    note.push_str(" (--invalid correct, as PedPy's correct_invalid_trajectories)");
    note
}

/// "N points outside the walkable area (…) from P persons: id 3 (frames 10–20, 5 points), …".
fn describe_invalid(invalid: &aman_analysis::validation::InvalidPoints) -> String {
    const SHOWN: usize = 5;
    let tracks: Vec<String> = invalid
        .tracks
        .iter()
        .take(SHOWN)
        .map(|t| {
            format!(
                "id {} (frames {}–{}, {} point{})",
                t.id,
                t.first_frame,
                t.last_frame,
                t.count,
                if t.count == 1 { "" } else { "s" }
            )
        })
        .collect();
    let more = invalid.tracks.len().saturating_sub(SHOWN);
    format!(
        "{} outside the walkable area ({} inside obstacles, {} outside its boundary), \
         from {} person{}: {}{}",
        if invalid.len() == 1 {
            "1 point lies".to_owned()
        } else {
            format!("{} points lie", invalid.len())
        },
        invalid.in_obstacles(),
        invalid.outside_boundary(),
        invalid.tracks.len(),
        if invalid.tracks.len() == 1 { "" } else { "s" },
        tracks.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}

/// `out/<stem>-analysis`; a simulation's `trajectories.sqlite` is named after its folder
/// (`out/hermes-ao300-analysis`), and a compressed file after its inner name.
fn default_out(trajectory: &Path) -> PathBuf {
    let name = trajectory
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut stem = name.as_str();
    for ext in [
        ".gz", ".sqlite", ".sqlite3", ".db", ".txt", ".csv", ".h5", ".hdf5", ".traj", ".pp",
    ] {
        stem = stem.strip_suffix(ext).unwrap_or(stem);
    }
    let stem = if stem == "trajectories" || stem.is_empty() {
        trajectory
            .parent()
            .and_then(Path::file_name)
            .map(|p| p.to_string_lossy().into_owned())
            .filter(|p| !p.is_empty() && p != "." && p != "..")
            .unwrap_or_else(|| "trajectories".to_owned())
    } else {
        stem.to_owned()
    };
    PathBuf::from("out").join(format!("{stem}-analysis"))
}

/// Removes the files a previous `aman analyze` wrote into `out` (as its summary.json lists
/// them), so a rerun with other areas or lines leaves no stale CSV or chart behind. Other
/// files are left alone.
fn remove_previous_outputs(out: &Path) -> Result<(), Failure> {
    let Ok(text) = std::fs::read_to_string(out.join("summary.json")) else {
        return Ok(());
    };
    let Ok(previous) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Ok(());
    };
    let Some(files) = previous["files"].as_array() else {
        return Ok(());
    };
    for f in files.iter().filter_map(|f| f.as_str()) {
        // Only plain names written by us: never a path that leaves the directory.
        if f.contains(['/', '\\']) || f.starts_with('.') {
            continue;
        }
        let path = out.join(f);
        if path.is_file() {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove the stale {}", path.display()))?;
        }
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
        .map_err(Failure::Other)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Splits `NAME=WKT` (the name is optional; a WKT never holds `=`).
fn split_name(text: &str, default: String) -> (String, &str) {
    match text.split_once('=') {
        Some((name, wkt)) if !name.contains('(') => (name.trim().to_owned(), wkt.trim()),
        _ => (default, text.trim()),
    }
}

fn parse_area(k: usize, text: &str) -> Result<MeasurementArea, Failure> {
    let (name, wkt) = split_name(text, format!("area{}", k + 1));
    let source = format!("--area {name}");
    let polygon = aman_geometry::import::polygon_from_wkt(wkt, &source)
        .map_err(|e| Failure::Input(e.into()))?;
    MeasurementArea::new(&name, polygon).map_err(|e| Failure::Input(e.into()))
}

fn parse_line(k: usize, text: &str) -> Result<MeasurementLine, Failure> {
    let (name, wkt) = split_name(text, format!("line{}", k + 1));
    let source = format!("--line {name}");
    let segment =
        aman_geometry::import::line_from_wkt(wkt, &source).map_err(|e| Failure::Input(e.into()))?;
    Ok(MeasurementLine { name, segment })
}

fn check_inside(
    walkable: &WalkableArea,
    points: impl Iterator<Item = Vec2>,
    what: &str,
    name: &str,
    notes: &mut Vec<String>,
) {
    let (lo, hi) = walkable.bounds();
    let outside = points
        .filter(|p| {
            p.x < lo.x - 1e-9 || p.y < lo.y - 1e-9 || p.x > hi.x + 1e-9 || p.y > hi.y + 1e-9
        })
        .count();
    if outside > 0 {
        notes.push(format!(
            "{what} {name:?} reaches beyond the walkable area ({outside} of its points outside its bounds)"
        ));
    }
}

/// The walkable area: given, stored in the file, named in a txt header, or the points' box.
fn walkable_area(
    args: &AnalyzeArgs,
    data: &TrajectoryData,
    stored: Option<&str>,
    notes: &mut Vec<String>,
) -> Result<(WalkableArea, String), Failure> {
    use aman_geometry::import;
    if let Some(given) = &args.walkable_area {
        let trimmed = given.trim_start();
        let upper = trimmed.get(..20).unwrap_or(trimmed).to_ascii_uppercase();
        let is_wkt = ["POLYGON", "MULTIPOLYGON", "GEOMETRYCOLLECTION"]
            .iter()
            .any(|k| upper.starts_with(k));
        let area = if is_wkt {
            import::walkable_area_from_wkt(given, "--walkable-area")
        } else {
            import::walkable_area_from_file(Path::new(given))
        }
        .map_err(|e| Failure::Input(e.into()))?;
        let source = if is_wkt {
            "--walkable-area (WKT)".to_owned()
        } else {
            format!("--walkable-area {given}")
        };
        return Ok((area, source));
    }
    if let Some(wkt) = stored {
        let name = format!("walkable area stored in {}", args.trajectory.display());
        let area =
            import::walkable_area_from_wkt(wkt, &name).map_err(|e| Failure::Input(e.into()))?;
        return Ok((area, name));
    }
    if let Some(file) = header_geometry(&args.trajectory) {
        match import::walkable_area_from_file(&file) {
            Ok(area) => {
                return Ok((
                    area,
                    format!("{} (named in the file header)", file.display()),
                ));
            }
            Err(e) => notes.push(format!(
                "the header names the geometry {}, which could not be used: {e}",
                file.display()
            )),
        }
    }
    let (lo, hi) = points_box(data);
    let wkt = format!(
        "POLYGON (({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))",
        x0 = lo.x - 1.0,
        y0 = lo.y - 1.0,
        x1 = hi.x + 1.0,
        y1 = hi.y + 1.0
    );
    let area = import::walkable_area_from_wkt(&wkt, "bounding box of the points")
        .map_err(|e| Failure::Input(e.into()))?;
    notes.push(
        "no walkable area given or stored: using the bounding box of all points plus 1 m \
         (Voronoi cells at the edge of the crowd are larger than in the real venue; give \
         --walkable-area for real figures)"
            .to_owned(),
    );
    Ok((area, "bounding box of the points + 1 m".to_owned()))
}

/// Lower-left and upper-right corners of all points, m.
fn points_box(data: &TrajectoryData) -> (Vec2, Vec2) {
    let (mut lo, mut hi) = (
        Vec2::new(f64::INFINITY, f64::INFINITY),
        Vec2::new(f64::NEG_INFINITY, f64::NEG_INFINITY),
    );
    for (&x, &y) in data.x.iter().zip(&data.y) {
        lo = Vec2::new(lo.x.min(x), lo.y.min(y));
        hi = Vec2::new(hi.x.max(x), hi.y.max(y));
    }
    (lo, hi)
}

/// The geometry file named in a txt header (`#geometry: geo.xml`), resolved next to the
/// trajectory, if it exists.
fn header_geometry(path: &Path) -> Option<PathBuf> {
    use std::io::{BufRead, BufReader};
    let file = std::fs::File::open(path).ok()?;
    for line in BufReader::new(file).lines().take(50) {
        let line = line.ok()?;
        let t = line.trim();
        if !t.starts_with('#') {
            if t.is_empty() {
                continue;
            }
            break;
        }
        let body = t.trim_start_matches('#').trim();
        if let Some((key, value)) = body.split_once(':')
            && key.trim().eq_ignore_ascii_case("geometry")
        {
            let candidate = path.parent()?.join(value.trim());
            return candidate.is_file().then_some(candidate);
        }
    }
    None
}

/// 0.5 m, or the smallest tenth of a metre that keeps the grid within
/// [`MAX_DEFAULT_GRID_CELLS`] cells and the profiles within a tenth of [`MAX_MAP_WORK`].
fn default_grid(walkable: &WalkableArea, frames: f64) -> f64 {
    let (lo, hi) = walkable.bounds();
    let box_area = (hi.x - lo.x) * (hi.y - lo.y);
    let cells = MAX_DEFAULT_GRID_CELLS.min(0.1 * MAX_MAP_WORK / frames.max(1.0));
    let needed = (box_area / cells).sqrt();
    if needed <= 0.5 {
        0.5
    } else {
        (needed * 10.0).ceil() / 10.0
    }
}

/// Everything measured in one area.
pub struct AreaResult {
    /// The area.
    pub area: MeasurementArea,
    /// Classic density per frame, 1/m².
    pub classic: FrameSeries,
    /// Mean speed per frame (0 where empty), m/s.
    pub mean_speed: FrameSeries,
    /// Voronoi density per frame, 1/m².
    pub voronoi: Option<FrameSeries>,
    /// Voronoi speed per frame, m/s.
    pub voronoi_speed: Option<FrameSeries>,
    /// Level of service per frame (Voronoi density if computed, else classic).
    pub los: Vec<FruinLevel>,
    /// Key figures.
    pub summary: AreaSummary,
}

/// Why a person can lack a speed, and what to change.
fn missing_speed_advice(border: &str) -> String {
    if border == "single-sided" {
        "that person's track is not longer than the speed window (--frame-step); use a smaller \
         --frame-step"
            .to_owned()
    } else {
        format!(
            "--speed-border {border} leaves the ends of each track without a speed; use \
             --speed-border single-sided"
        )
    }
}

fn err(e: aman_analysis::AnalysisError) -> Failure {
    Failure::Input(e.into())
}

fn measure_area(
    index: &TrajectoryIndex<'_>,
    area: &MeasurementArea,
    velocity: &IndividualVelocity,
    cells: Option<&VoronoiCells>,
    table: LosTable,
    border_name: &str,
    notes: &mut Vec<String>,
) -> Result<AreaResult, Failure> {
    let classic = aman_analysis::classic::classic_density(index, area).map_err(err)?;
    let mean_speed = aman_analysis::speed::mean_speed(index, &velocity.speed, area).map_err(err)?;
    let (voronoi, voronoi_speed) = match cells {
        Some(cells) => {
            use aman_analysis::voronoi::{
                intersection_areas, voronoi_density_with_areas, voronoi_speed_with_areas,
            };
            let inter = intersection_areas(index, cells, area).map_err(err)?;
            let (rho, _) = voronoi_density_with_areas(index, cells, &inter, area);
            let v = match voronoi_speed_with_areas(index, &inter, &velocity.speed, area) {
                Ok(v) => Some(v),
                Err(aman_analysis::AnalysisError::MissingSpeed { id, frame, .. }) => {
                    notes.push(format!(
                        "no Voronoi speed in area {:?}: person {id} is inside at frame {frame} \
                         without a speed; {}",
                        area.name,
                        missing_speed_advice(border_name)
                    ));
                    None
                }
                Err(e) => return Err(err(e)),
            };
            (Some(rho), v)
        }
        None => (None, None),
    };
    let graded = voronoi.as_ref().unwrap_or(&classic);
    let los = los_over_time(graded, table);
    let los_summary =
        aman_analysis::los::LosSummary::new(graded, table, index.data().frame_rate).map_err(err)?;
    // Mean speed over the frames with somebody inside (PedPy writes 0 for empty frames).
    let occupied: Vec<f64> = classic
        .values
        .iter()
        .zip(&mean_speed.values)
        .filter(|(rho, v)| **rho > 0.0 && v.is_finite())
        .map(|(_, v)| *v)
        .collect();
    let summary = AreaSummary {
        name: area.name.clone(),
        wkt: aman_geometry::polygon_to_wkt(area.polygon()),
        area_m2: area.area(),
        classic_density_mean: classic.mean(),
        classic_density_max: classic.max(),
        voronoi_density_mean: voronoi.as_ref().and_then(FrameSeries::mean),
        voronoi_density_max: voronoi.as_ref().and_then(FrameSeries::max),
        mean_speed: (!occupied.is_empty())
            .then(|| occupied.iter().sum::<f64>() / occupied.len() as f64),
        voronoi_speed_mean: voronoi_speed.as_ref().and_then(FrameSeries::mean),
        los_seconds: los_summary.seconds,
        los_worst: los_summary
            .worst
            .map(|l| l.label().to_owned())
            .unwrap_or_else(|| "-".to_owned()),
    };
    Ok(AreaResult {
        area: area.clone(),
        classic,
        mean_speed,
        voronoi,
        voronoi_speed,
        los,
        summary,
    })
}

/// Everything measured at one line.
pub struct LineResult {
    /// The line.
    pub line: MeasurementLine,
    /// N–t diagram.
    pub nt: aman_analysis::crossing::NtDiagram,
    /// Method A intervals.
    pub flow: Vec<aman_analysis::flow::FlowInterval>,
    /// Method B, when a passing depth was given.
    pub passing: Option<aman_analysis::passing::MethodB>,
    /// Line-based fundamental diagram (density, speed, specific flow), with Voronoi cells.
    pub line_fd: Option<LineFd>,
    /// Key figures.
    pub summary: LineSummary,
}

/// The line-based fundamental diagram of Adrian et al. (2024) at one line.
pub struct LineFd {
    /// Line density, 1/m².
    pub density: aman_analysis::line_fd::LineSeries,
    /// Line speed, m/s.
    pub speed: aman_analysis::line_fd::LineSeries,
    /// Line flow, 1/(m·s).
    pub flow: aman_analysis::line_fd::LineSeries,
}

fn measure_line(
    index: &TrajectoryIndex<'_>,
    line: &MeasurementLine,
    velocity: &IndividualVelocity,
    cells: Option<&VoronoiCells>,
    settings: &Settings,
    notes: &mut Vec<String>,
) -> Result<LineResult, Failure> {
    let (window, passing_depth, frame_step, border_name) = (
        settings.flow_window_frames,
        settings.passing_depth,
        settings.frame_step,
        settings.speed_border.as_str(),
    );
    let nt = aman_analysis::crossing::n_t(index, line).map_err(err)?;
    let flow =
        aman_analysis::flow::flow_method_a(index, &nt, window, &velocity.speed).map_err(err)?;
    let passing = passing_depth
        .map(|d| aman_analysis::passing::method_b(index, line, d))
        .transpose()
        .map_err(err)?;
    let mean = |v: &mut dyn Iterator<Item = f64>| {
        let (s, n) = v
            .filter(|x| x.is_finite())
            .fold((0.0, 0), |(s, n), x| (s + x, n + 1));
        (n > 0).then(|| s / n as f64)
    };
    let line_fd = match cells {
        Some(cells) => {
            let v: Vec<Vec2> = velocity
                .vx
                .iter()
                .zip(&velocity.vy)
                .map(|(&x, &y)| Vec2::new(x, y))
                .collect();
            let fd = aman_analysis::line_fd::line_fundamental_diagram(
                index, cells, line, frame_step, &v,
            )
            .map(|fd| LineFd {
                density: fd.density,
                speed: fd.speed,
                flow: fd.flow,
            });
            match fd {
                Ok(fd) => Some(fd),
                // As the Voronoi speed: persons at the line without a velocity.
                Err(aman_analysis::AnalysisError::MissingSpeed { id, frame, .. }) => {
                    notes.push(format!(
                        "no line-based fundamental diagram at line {:?}: person {id} is at the \
                         line in frame {frame} without a velocity; {}",
                        line.name,
                        missing_speed_advice(border_name)
                    ));
                    None
                }
                Err(e) => return Err(err(e)),
            }
        }
        None => None,
    };
    let mean_flow = nt.mean_flow();
    let summary = LineSummary {
        name: line.name.clone(),
        wkt: format!(
            "LINESTRING ({} {}, {} {})",
            line.segment.a.x, line.segment.a.y, line.segment.b.x, line.segment.b.y
        ),
        width: line.width(),
        crossings: nt.total(),
        first_frame: nt.crossings.iter().map(|c| c.frame).min(),
        last_frame: nt.crossings.iter().map(|c| c.frame).max(),
        mean_flow,
        specific_flow: mean_flow.map(|j| aman_analysis::specific_flow(j, line.width())),
        flow_intervals: flow.len(),
        passing: passing.as_ref().map(|b| PassingSummary {
            persons: b.records.len(),
            density_mean: mean(&mut b.records.iter().map(|r| r.density)),
            speed_mean: mean(&mut b.records.iter().map(|r| r.speed)),
        }),
        line_density_mean: line_fd.as_ref().and_then(|f| f.density.mean()),
        line_speed_mean: line_fd.as_ref().and_then(|f| f.speed.mean()),
        line_flow_mean: line_fd.as_ref().and_then(|f| f.flow.mean()),
    };
    Ok(LineResult {
        line: line.clone(),
        nt,
        flow,
        passing,
        line_fd,
        summary,
    })
}

/// One venue-wide grid of values, row-major from the lowest row.
pub struct MapGrid {
    /// File stem.
    pub stem: String,
    /// Title of its heat map.
    pub title: String,
    /// CSV column name, with its unit.
    pub unit: String,
    /// Cells along x.
    pub nx: usize,
    /// Cells along y.
    pub ny: usize,
    /// Lower-left corner of cell (0, 0), m.
    pub origin: (f64, f64),
    /// Values; NaN for cells outside the walkable area or without a value.
    pub values: Vec<f64>,
}

/// The venue-wide maps: each on its own grid (PedPy's profile grid and its histogram grid
/// differ by up to a row and a column), all with the same cell side.
pub struct Maps {
    /// Cell side, m.
    pub cell: f64,
    /// The grids.
    pub grids: Vec<MapGrid>,
    /// Key figures.
    pub summary: MapsSummary,
}

impl Maps {
    fn none(cell: f64) -> Maps {
        Maps {
            cell,
            grids: Vec::new(),
            summary: MapsSummary::default(),
        }
    }
}

fn measure_maps(
    index: &TrajectoryIndex<'_>,
    walkable: &WalkableArea,
    grid: f64,
    velocity: &IndividualVelocity,
    cells: Option<&VoronoiCells>,
    pressure_radius: f64,
    notes: &mut Vec<String>,
) -> Result<Maps, Failure> {
    use aman_analysis::profiles::{DensityMethod, SpeedMethod, density_profile, speed_profile};
    let frames = index.frames();
    // Profiles hold one grid per frame: compute them over chunks of frames so memory stays
    // bounded (about 160 MB of values per chunk at most) and add the chunks up.
    let probe =
        aman_analysis::profiles::ProfileGrid::cells(walkable.bounds().0, walkable.bounds().1, grid)
            .map_err(err)?;
    let per_chunk = (20_000_000 / probe.len().max(1)).max(1);
    let n = probe.len();
    let (mut rho_sum, mut rho_n) = (vec![0.0; n], vec![0u32; n]);
    let (mut v_sum, mut v_n) = (vec![0.0; n], vec![0u32; n]);
    let mut pressure_peak = vec![0.0f64; n];
    let mut pressure_best: Option<(f64, u64, (f64, f64))> = None;
    let mut grid_of_profiles = None;
    // Each person adds to the cells within the Gaussian's cut-off (a disc of CUTOFF_RADII · R).
    let reach = aman_analysis::pressure::CUTOFF_RADII * pressure_radius / grid;
    let work = index.data().len() as f64 * (std::f64::consts::PI * reach * reach).min(n as f64);
    let pressure_feasible = work <= MAX_PRESSURE_WORK;
    if !pressure_feasible {
        notes.push(format!(
            "no crowd-pressure map: with R = {pressure_radius} m on {grid} m cells it would \
             visit {work:.1e} person–cell pairs; use a larger --grid-size or a smaller \
             --pressure-radius"
        ));
    }
    let add = |sum: &mut [f64], count: &mut [u32], values: &[f64]| {
        for (k, &v) in values.iter().enumerate() {
            if v.is_finite() {
                sum[k] += v;
                count[k] += 1;
            }
        }
    };
    for chunk in frames.chunks(per_chunk) {
        let range = chunk[0]..=chunk[chunk.len() - 1];
        let density = density_profile(
            index,
            walkable,
            grid,
            cells.map_or(DensityMethod::Classic, DensityMethod::Voronoi),
            range.clone(),
        )
        .map_err(err)?;
        for k in 0..density.frames.len() {
            add(&mut rho_sum, &mut rho_n, density.frame(k));
        }
        let speed = speed_profile(
            index,
            walkable,
            grid,
            &velocity.speed,
            cells.map_or(SpeedMethod::Mean { fill: f64::NAN }, SpeedMethod::Voronoi),
            range.clone(),
        )
        .map_err(err)?;
        for k in 0..speed.frames.len() {
            add(&mut v_sum, &mut v_n, speed.frame(k));
        }
        if pressure_feasible {
            let pressure = aman_analysis::pressure::crowd_pressure(
                index,
                walkable,
                grid,
                pressure_radius,
                &velocity.vx,
                &velocity.vy,
                range,
            )
            .map_err(err)?;
            for (best, &p) in pressure_peak.iter_mut().zip(&pressure.peak) {
                *best = best.max(p);
            }
            if let Some(p) = pressure.peak()
                && pressure_best.is_none_or(|b| p.pressure > b.0)
            {
                pressure_best = Some((p.pressure, p.frame, p.centre));
            }
        }
        grid_of_profiles = Some(density.grid);
    }
    let profile_grid = grid_of_profiles.unwrap_or(probe);
    let mean = |sum: Vec<f64>, count: Vec<u32>| -> Vec<f64> {
        sum.iter()
            .zip(&count)
            .map(|(&s, &c)| if c == 0 { f64::NAN } else { s / f64::from(c) })
            .collect()
    };
    let rho_mean = mean(rho_sum, rho_n);
    let v_mean = mean(v_sum, v_n);
    let rset =
        aman_analysis::rset::rset_map(index, walkable, grid, aman_analysis::rset::RsetMethod::Max)
            .map_err(err)?;

    let fps = index.data().frame_rate;
    let flip = |g: &aman_analysis::profiles::ProfileGrid, values: &[f64]| -> Vec<f64> {
        // top row first → lowest row first
        let (rows, cols) = (g.rows(), g.cols());
        let mut out = Vec::with_capacity(values.len());
        for r in (0..rows).rev() {
            out.extend_from_slice(&values[r * cols..(r + 1) * cols]);
        }
        out
    };
    let origin = |g: &aman_analysis::profiles::ProfileGrid| {
        let ys = g.y_edges();
        (
            g.x_edges()[0],
            ys.iter().copied().fold(f64::INFINITY, f64::min),
        )
    };
    let method = if cells.is_some() {
        "Voronoi"
    } else {
        "classic"
    };
    let summary = MapsSummary {
        density_profile_max: rho_mean
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .reduce(f64::max),
        // Below 1e-9 1/s² a "peak" is rounding noise (one person alone has zero variance).
        pressure_max: pressure_best.filter(|b| b.0 > 1e-9).map(|b| b.0),
        pressure_max_at: pressure_best
            .filter(|b| b.0 > 1e-9)
            .map(|b| (b.2.0, b.2.1, b.1 as f64 / fps)),
        rset_max: rset.max().map(|m| m.0),
    };
    // Cells that do not reach into the walkable area (inside walls and obstacles, outside the
    // venue) are left blank; cells along a wall, partly walkable, keep their value.
    let map = |g: &aman_analysis::profiles::ProfileGrid,
               stem: &str,
               title: String,
               unit: &str,
               values: &[f64]| {
        let (nx, ny) = (g.cols(), g.rows());
        let o = origin(g);
        let mut values = flip(g, values);
        for (v, walk) in values
            .iter_mut()
            .zip(walkable_cells(walkable, o, grid, nx, ny))
        {
            if !walk {
                *v = f64::NAN;
            }
        }
        MapGrid {
            stem: stem.to_owned(),
            title,
            unit: unit.to_owned(),
            nx,
            ny,
            origin: o,
            values,
        }
    };
    let mut grids = vec![
        map(
            &profile_grid,
            "map_density",
            format!("Mean {method} density per cell over all frames"),
            "density_per_m2",
            &rho_mean,
        ),
        map(
            &profile_grid,
            "map_speed",
            format!("Mean {method} speed per cell over all frames"),
            "speed_m_per_s",
            &v_mean,
        ),
    ];
    if pressure_feasible {
        grids.push(map(
            &profile_grid,
            "map_pressure",
            format!("Peak crowd pressure per cell (R = {pressure_radius} m)"),
            "pressure_per_s2",
            &pressure_peak,
        ));
    }
    grids.push(map(
        &rset.grid,
        "map_rset",
        "RSET map: last time each cell was occupied (blank: never, or not walkable)".to_owned(),
        "time_s",
        &rset.values,
    ));
    Ok(Maps {
        cell: grid,
        grids,
        summary,
    })
}

/// For each cell of an `nx` × `ny` grid of side `cell` from `origin` (rows from the lowest):
/// whether its centre or one of its corners (taken a hair inside the cell) lies inside
/// `walkable`.
///
/// Scanlines: the walls' crossings of three horizontal lines per row of cells (near its lower
/// and upper edge, and through the centres), sorted once per line; a point is inside when an odd number of crossings lies to its left
/// (and none at it). O(3 ny · walls + cells · log walls), where a point-in-polygon test per
/// cell would be O(cells · walls). Rows are done one at a time, so memory stays O(walls).
fn walkable_cells(
    walkable: &WalkableArea,
    origin: (f64, f64),
    cell: f64,
    nx: usize,
    ny: usize,
) -> Vec<bool> {
    let segments = walkable.segments();
    let crossings = |y: f64| -> Vec<f64> {
        let mut xs: Vec<f64> = segments
            .iter()
            .filter(|s| (s.a.y > y) != (s.b.y > y))
            .map(|s| s.a.x + (y - s.a.y) * (s.b.x - s.a.x) / (s.b.y - s.a.y))
            .collect();
        xs.sort_by(f64::total_cmp);
        xs
    };
    let inside = |xs: &[f64], x: f64| {
        let left = xs.partition_point(|&c| c < x);
        left % 2 == 1 && xs.get(left) != Some(&x)
    };
    // Corners are taken a hair inside the cell (1e-6 of its side), so a corner on a wall or on
    // the line of a horizontal wall does not count as walkable.
    let inset = 1e-6 * cell;
    let mut out = Vec::with_capacity(nx * ny);
    for iy in 0..ny {
        let y0 = origin.1 + iy as f64 * cell;
        let (below, centre, above) = (
            crossings(y0 + inset),
            crossings(y0 + 0.5 * cell),
            crossings(y0 + cell - inset),
        );
        for ix in 0..nx {
            let x0 = origin.0 + ix as f64 * cell;
            let (a, b, c) = (x0 + inset, x0 + cell - inset, x0 + 0.5 * cell);
            out.push(
                inside(&centre, c)
                    || inside(&below, a)
                    || inside(&below, b)
                    || inside(&above, a)
                    || inside(&above, b),
            );
        }
    }
    out
}

/// A CSV cell: empty for NaN, shortest round-trip text otherwise.
fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}

fn csv_name(name: &str) -> String {
    if name.contains([',', '"', '\n']) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_owned()
    }
}

#[allow(clippy::too_many_arguments)]
fn write_csvs(
    out: &Path,
    data: &TrajectoryData,
    index: &TrajectoryIndex<'_>,
    areas: &[AreaResult],
    lines: &[LineResult],
    maps: &Maps,
    velocity: &IndividualVelocity,
    individual: bool,
    files: &mut Vec<String>,
) -> Result<(), Failure> {
    let fps = data.frame_rate;
    let mut put = |name: &str, text: String| -> Result<(), Failure> {
        write(&out.join(name), text.as_bytes())?;
        files.push(name.to_owned());
        Ok(())
    };
    if !areas.is_empty() {
        let mut s = String::from(
            "area,frame,time_s,classic_density_per_m2,mean_speed_m_per_s,voronoi_density_per_m2,voronoi_speed_m_per_s,level_of_service\n",
        );
        for a in areas {
            let name = csv_name(&a.area.name);
            for (k, &frame) in a.classic.frames.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "{name},{frame},{},{},{},{},{},{}",
                    num(frame as f64 / fps),
                    num(a.classic.values[k]),
                    num(a.mean_speed.values.get(k).copied().unwrap_or(f64::NAN)),
                    num(a.voronoi.as_ref().map_or(f64::NAN, |v| v.values[k])),
                    num(a.voronoi_speed.as_ref().map_or(f64::NAN, |v| v.values[k])),
                    a.los[k].label()
                );
            }
        }
        put("areas.csv", s)?;
    }
    if !lines.is_empty() {
        let mut nt = String::from("line,frame,time_s,cumulative_persons\n");
        let mut crossings = String::from("line,id,frame,time_s\n");
        let mut flow = String::from(
            "line,start_frame,end_frame,start_s,end_s,persons,flow_per_s,specific_flow_per_m_s,mean_speed_m_per_s\n",
        );
        let mut passing = String::from(
            "line,id,entering_frame,leaving_frame,passing_density_per_m2,passing_speed_m_per_s\n",
        );
        for l in lines {
            let name = csv_name(&l.line.name);
            for (f, c) in l.nt.frames.iter().zip(&l.nt.cumulative) {
                let _ = writeln!(nt, "{name},{f},{},{c}", num(*f as f64 / fps));
            }
            for c in &l.nt.crossings {
                let _ = writeln!(
                    crossings,
                    "{name},{},{},{}",
                    c.id,
                    c.frame,
                    num(c.frame as f64 / fps)
                );
            }
            for i in &l.flow {
                let _ = writeln!(
                    flow,
                    "{name},{},{},{},{},{},{},{},{}",
                    i.start_frame,
                    i.end_frame,
                    num(i.start_frame as f64 / fps),
                    num(i.end_frame as f64 / fps),
                    i.crossings,
                    num(i.flow),
                    num(aman_analysis::specific_flow(i.flow, l.line.width())),
                    num(i.mean_speed)
                );
            }
            if let Some(b) = &l.passing {
                for r in &b.records {
                    let _ = writeln!(
                        passing,
                        "{name},{},{},{},{},{}",
                        r.passage.id,
                        r.passage.entering_frame,
                        r.passage.leaving_frame,
                        num(r.density),
                        num(r.speed)
                    );
                }
            }
        }
        put("nt.csv", nt)?;
        put("crossings.csv", crossings)?;
        put("flow.csv", flow)?;
        if lines.iter().any(|l| l.passing.is_some()) {
            put("passing.csv", passing)?;
        }
        if lines.iter().any(|l| l.line_fd.is_some()) {
            let mut fd = String::from(
                "line,frame,time_s,density_per_m2,speed_m_per_s,specific_flow_per_m_s,\
                 density_plus,density_minus,speed_plus,speed_minus,flow_plus,flow_minus\n",
            );
            for l in lines {
                let Some(f) = &l.line_fd else { continue };
                let name = csv_name(&l.line.name);
                for (k, &frame) in f.density.frames.iter().enumerate() {
                    let _ = writeln!(
                        fd,
                        "{name},{frame},{},{},{},{},{},{},{},{},{},{}",
                        num(frame as f64 / fps),
                        num(f.density.total[k]),
                        num(f.speed.total[k]),
                        num(f.flow.total[k]),
                        num(f.density.plus[k]),
                        num(f.density.minus[k]),
                        num(f.speed.plus[k]),
                        num(f.speed.minus[k]),
                        num(f.flow.plus[k]),
                        num(f.flow.minus[k]),
                    );
                }
            }
            put("line_fd.csv", fd)?;
        }
    }
    for g in &maps.grids {
        let mut s = format!("x_m,y_m,{}\n", g.unit);
        for (k, v) in g.values.iter().enumerate() {
            let (ix, iy) = (k % g.nx, k / g.nx);
            let _ = writeln!(
                s,
                "{},{},{}",
                num(round6(g.origin.0 + (ix as f64 + 0.5) * maps.cell)),
                num(round6(g.origin.1 + (iy as f64 + 0.5) * maps.cell)),
                num(*v)
            );
        }
        put(&format!("{}.csv", g.stem), s)?;
    }
    if individual {
        let mut s = String::with_capacity(data.len() * 48);
        s.push_str("id,frame,time_s,x_m,y_m,speed_m_per_s,vx_m_per_s,vy_m_per_s\n");
        for t in 0..index.ids().len() {
            for &r in index.track(t) {
                let r = r as usize;
                let _ = writeln!(
                    s,
                    "{},{},{},{},{},{},{},{}",
                    data.id[r],
                    data.frame[r],
                    num(data.frame[r] as f64 / fps),
                    num(data.x[r]),
                    num(data.y[r]),
                    num(velocity.speed[r]),
                    num(velocity.vx[r]),
                    num(velocity.vy[r])
                );
            }
        }
        put("individual.csv", s)?;
    }
    Ok(())
}

fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                '_'
            }
        })
        .collect()
}

/// Fruin bands of a table, as density ranges (1/m²).
fn los_bands(table: LosTable, top: f64) -> Vec<Band> {
    let max = table.max_density();
    let levels = FruinLevel::ALL;
    let mut from = 0.0;
    let mut bands = Vec::new();
    for (k, level) in levels.iter().enumerate() {
        let to = if k < 5 { max[k] } else { top.max(from + 0.5) };
        bands.push(Band {
            from,
            to,
            rgb: level.rgb(),
            label: format!("LOS {}", level.label()),
        });
        from = to;
    }
    bands
}

/// Weidmann's fundamental diagram v(ρ) = 1.34 (1 − exp(−1.913 (1/ρ − 1/5.4))), m/s
/// (U. Weidmann, Transporttechnik der Fussgänger, ETH Zürich, IVT 90, 1993, eq. 3.2).
fn weidmann(rho: f64) -> f64 {
    (1.34 * (1.0 - (-1.913 * (1.0 / rho - 1.0 / 5.4)).exp())).max(0.0)
}

fn plots(
    data: &TrajectoryData,
    walkable: &WalkableArea,
    areas: &[AreaResult],
    lines: &[LineResult],
    maps: &Maps,
    table: LosTable,
) -> Vec<Chart> {
    let fps = data.frame_rate;
    let t = |f: u64| f as f64 / fps;
    let series = |name: &str, s: &FrameSeries, style| Series {
        name: name.to_owned(),
        points: s
            .frames
            .iter()
            .zip(&s.values)
            .map(|(&f, &v)| (t(f), v))
            .collect(),
        style,
    };
    let mut charts = Vec::new();
    if !lines.is_empty() {
        charts.push(Chart {
            stem: "nt".into(),
            section: "lines",
            kind: ChartKind::Xy(XyChart {
                title: "N–t diagram".into(),
                x_label: "time (s)".into(),
                y_label: "persons crossed".into(),
                series: lines
                    .iter()
                    .map(|l| Series {
                        name: l.line.name.clone(),
                        points: l
                            .nt
                            .frames
                            .iter()
                            .zip(&l.nt.cumulative)
                            .map(|(&f, &c)| (t(f), c as f64))
                            .collect(),
                        style: SeriesStyle::Step,
                    })
                    .collect(),
                bands: Vec::new(),
                y_from_zero: true,
                y_integer: true,
                ..Default::default()
            }),
        });
        charts.push(Chart {
            stem: "flow".into(),
            section: "lines",
            kind: ChartKind::Xy(XyChart {
                title: "Flow over time (method A)".into(),
                x_label: "time (s)".into(),
                y_label: "flow (1/s)".into(),
                series: lines
                    .iter()
                    .map(|l| Series {
                        name: l.line.name.clone(),
                        points: l
                            .flow
                            .iter()
                            .map(|i| ((t(i.start_frame) + t(i.end_frame)) / 2.0, i.flow))
                            .collect(),
                        style: SeriesStyle::Line,
                    })
                    .collect(),
                bands: Vec::new(),
                y_from_zero: true,
                ..Default::default()
            }),
        });
    }
    for l in lines {
        let Some(f) = &l.line_fd else { continue };
        let points: Vec<(f64, f64)> = f
            .density
            .total
            .iter()
            .zip(&f.speed.total)
            .filter(|(r, v)| **r > 0.0 && v.is_finite())
            .map(|(&r, &v)| (r, v))
            .collect();
        let rho_max = points.iter().map(|p| p.0).fold(1.0, f64::max).min(5.3);
        charts.push(Chart {
            stem: format!("line_{}_fd", slug(&l.line.name)),
            section: "lines",
            kind: ChartKind::Xy(XyChart {
                title: format!("Line-based fundamental diagram at {}", l.line.name),
                x_label: "line density (1/m²)".into(),
                y_label: "line speed (m/s)".into(),
                series: vec![
                    Series {
                        name: "one point per frame".into(),
                        points,
                        style: SeriesStyle::Points,
                    },
                    Series {
                        name: "Weidmann 1993".into(),
                        points: (1..=100)
                            .map(|k| {
                                let r = 0.2 + (rho_max - 0.2) * k as f64 / 100.0;
                                (r, weidmann(r))
                            })
                            .collect(),
                        style: SeriesStyle::Dashed,
                    },
                ],
                bands: Vec::new(),
                y_from_zero: true,
                ..Default::default()
            }),
        });
    }
    for a in areas {
        let name = &a.area.name;
        let mut density = vec![series("classic", &a.classic, SeriesStyle::Line)];
        if let Some(v) = &a.voronoi {
            density.push(series("Voronoi", v, SeriesStyle::Line));
        }
        let top = density
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        charts.push(Chart {
            stem: format!("area_{}_density", slug(name)),
            section: "areas",
            kind: ChartKind::Xy(XyChart {
                title: format!("Density in {name} with Fruin level of service"),
                x_label: "time (s)".into(),
                y_label: "density (1/m²)".into(),
                series: density,
                bands: los_bands(table, top * 1.05),
                y_from_zero: true,
                ..Default::default()
            }),
        });
        let mut speed = vec![series("mean speed", &a.mean_speed, SeriesStyle::Line)];
        if let Some(v) = &a.voronoi_speed {
            speed.push(series("Voronoi speed", v, SeriesStyle::Line));
        }
        charts.push(Chart {
            stem: format!("area_{}_speed", slug(name)),
            section: "areas",
            kind: ChartKind::Xy(XyChart {
                title: format!("Speed in {name}"),
                x_label: "time (s)".into(),
                y_label: "speed (m/s)".into(),
                series: speed,
                bands: Vec::new(),
                y_from_zero: true,
                ..Default::default()
            }),
        });
        let (rho, v) = match (&a.voronoi, &a.voronoi_speed) {
            (Some(r), Some(v)) => (r, v),
            _ => (&a.classic, &a.mean_speed),
        };
        let points: Vec<(f64, f64)> = rho
            .values
            .iter()
            .zip(&v.values)
            .filter(|(r, s)| **r > 0.0 && s.is_finite())
            .map(|(&r, &s)| (r, s))
            .collect();
        let rho_max = points.iter().map(|p| p.0).fold(1.0, f64::max).min(5.3);
        let reference = (1..=100)
            .map(|k| {
                let r = 0.2 + (rho_max - 0.2) * k as f64 / 100.0;
                (r, weidmann(r))
            })
            .collect();
        charts.push(Chart {
            stem: format!("area_{}_fd", slug(name)),
            section: "areas",
            kind: ChartKind::Xy(XyChart {
                title: format!("Fundamental diagram in {name} (one point per frame)"),
                x_label: "density (1/m²)".into(),
                y_label: "speed (m/s)".into(),
                series: vec![
                    Series {
                        name: if a.voronoi.is_some() {
                            "Voronoi"
                        } else {
                            "classic"
                        }
                        .into(),
                        points,
                        style: SeriesStyle::Points,
                    },
                    Series {
                        name: "Weidmann 1993".into(),
                        points: reference,
                        style: SeriesStyle::Dashed,
                    },
                ],
                bands: Vec::new(),
                y_from_zero: true,
                ..Default::default()
            }),
        });
    }
    // Two names may give the same file stem ("a b" and "a_b"): number the repeats.
    let mut seen = std::collections::HashSet::new();
    for c in &mut charts {
        let base = c.stem.clone();
        let mut k = 1;
        while !seen.insert(c.stem.clone()) {
            k += 1;
            c.stem = format!("{base}_{k}");
        }
    }
    let outlines: Vec<Vec<(f64, f64)>> = std::iter::once(walkable.polygon().exterior())
        .chain(walkable.polygon().interiors())
        .map(|ring| ring.coords().map(|c| (c.x, c.y)).collect())
        .collect();
    for g in &maps.grids {
        charts.push(Chart {
            stem: g.stem.clone(),
            section: "maps",
            kind: ChartKind::Map(HeatMap {
                title: g.title.clone(),
                unit: match g.unit.as_str() {
                    "density_per_m2" => "density (1/m²)".to_owned(),
                    "speed_m_per_s" => "speed (m/s)".to_owned(),
                    "pressure_per_s2" => "pressure (1/s²)".to_owned(),
                    "time_s" => "time (s)".to_owned(),
                    other => other.to_owned(),
                },
                nx: g.nx,
                ny: g.ny,
                origin: g.origin,
                cell: maps.cell,
                values: g.values.clone(),
                outlines: outlines.clone(),
            }),
        });
    }
    charts
}

fn opt(v: Option<f64>, unit: &str) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.4} {unit}"))
}

fn print_summary(s: &Summary, out: &Path) -> std::io::Result<()> {
    let i = &s.input;
    outln!(
        "{}: {} persons, {} rows, frames {}–{} at {} fps ({:.1} s), format {}",
        i.file,
        i.persons,
        i.rows,
        i.first_frame,
        i.last_frame,
        i.frame_rate,
        i.duration,
        i.format
    )?;
    outln!(
        "  walkable area: {} ({:.1} m²)",
        i.walkable_area_source,
        i.walkable_area_m2
    )?;
    for n in &i.notes {
        outln!("  note: {n}")?;
    }
    for a in &s.areas {
        outln!(
            "  area {:<16} classic density mean {} (max {}), Voronoi density mean {}, mean speed {}, worst LOS {}",
            a.name,
            opt(a.classic_density_mean, "1/m²"),
            opt(a.classic_density_max, "1/m²"),
            opt(a.voronoi_density_mean, "1/m²"),
            opt(a.mean_speed, "m/s"),
            a.los_worst
        )?;
    }
    for l in &s.lines {
        outln!(
            "  line {:<16} {} persons, mean flow {} ({})",
            l.name,
            l.crossings,
            opt(l.mean_flow, "1/s"),
            opt(l.specific_flow, "1/(m·s)")
        )?;
    }
    if s.areas.is_empty() && s.lines.is_empty() {
        outln!("  (give --area and --line for density, speed and flow in time)")?;
    }
    let total: f64 = s.timings.iter().map(|t| t.1).sum();
    outln!(
        "  {} files in {} ({:.2} s)",
        s.files.len(),
        out.display(),
        total
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 4 m square with a 1 m obstacle, on a 6 × 6 grid of 1 m cells from (−1, −1): the ring
    /// of cells outside the venue and the cell that is the obstacle are not walkable (their
    /// corners touch the walls but none lies inside); the 15 others are.
    #[test]
    fn walkable_cells_by_scanlines() {
        let area = aman_geometry::import::walkable_area_from_wkt(
            "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))",
            "test",
        )
        .unwrap();
        let cells = walkable_cells(&area, (-1.0, -1.0), 1.0, 6, 6);
        let at = |ix: usize, iy: usize| cells[iy * 6 + ix];
        assert_eq!(cells.iter().filter(|&&w| w).count(), 15);
        assert!(!at(2, 2), "the obstacle");
        assert!(at(1, 1) && at(4, 4) && at(3, 2));
        assert!((0..6).all(|k| !at(0, k) && !at(5, k) && !at(k, 0) && !at(k, 5)));
        // A cell half in the venue keeps its value: grid shifted by half a cell.
        let shifted = walkable_cells(&area, (-0.5, -0.5), 1.0, 5, 5);
        assert!(shifted[0], "cell from (−0.5, −0.5) reaches into the venue");
    }
}
