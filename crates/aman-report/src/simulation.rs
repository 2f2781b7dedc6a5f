//! `report.html`: the self-contained report of one simulation run.
//!
//! [`render_report`] turns a [`ReportInput`] (plain data, also serialisable to JSON) into one
//! HTML page with inline CSS and inline SVG: no script, no external resource, so the file can
//! be mailed, archived and opened offline. The page shows
//!
//! 1. a header: scenario, file, model, seed, time step, simulated and wall-clock time;
//! 2. a one-line verdict (all agents out by t100, or how many were still inside);
//! 3. key figures: agents, t50 / t90 / t100, agents and flow per exit, flow and specific flow
//!    at each measurement line, the peak density with its place, time and Fruin level;
//! 4. an N–t diagram (cumulative persons against time) with one curve per exit and one dashed
//!    curve per measurement line, drawn by plotters into an SVG string;
//! 5. a map of the venue, y up and to scale, sized so that its longer side uses the page:
//!    walkable area, obstacles, the peak density of every cell coloured by Fruin level (cells
//!    not evaluated left hatched), at most 150 sampled agent paths, exits and
//!    lines (with the same colours as in the N–t diagram), the peak cell, a scale bar, the
//!    coordinate ranges, and a legend. Labels are kept inside the map;
//! 6. how each figure was computed.
//!
//! Every piece of text that comes from input files (scenario, exit and line names, paths) is
//! HTML-escaped and wrapped in `<bdi>` so Arabic names do not reorder the text around them.

use std::fmt::Write as _;

use aman_analysis::los::FruinLevel;
use aman_analysis::{EvacuationTimes, mean_flow};
use serde::Serialize;

use crate::html::{CSS, count, esc, fmt_num, fmt_opt_time, fmt_time, los_badge, name_html};
use crate::map::{HATCH_CSS, NEVER_OCCUPIED, drawn_paths, fmt_len, heat_map_drawable, venue_map};
use crate::safety;

/// Everything the report shows, as plain data. Times in s, lengths and coordinates in m.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportInput {
    /// Scenario name, as in the scenario file.
    pub scenario_name: String,
    /// Path of the scenario file, as given on the command line.
    pub scenario_path: String,
    /// Operational model, e.g. "Collision-Free Speed Model".
    pub model: String,
    /// Random seed of the run.
    pub seed: u64,
    /// Time step, s.
    pub dt: f64,
    /// Agents in the run, persons.
    pub agents_total: usize,
    /// Agents that had not left at the end (still inside, or not yet entered), persons.
    pub agents_left: usize,
    /// Simulated time at the end of the run, s.
    pub simulated_time: f64,
    /// Wall-clock time of the run, s.
    pub wall_time: f64,
    /// t50, t90, t100 over all exits.
    pub evacuation: EvacuationTimes,
    /// The walkable area as rings of `[x, y]` points, m: the outer boundary first, then the
    /// obstacles (holes).
    pub walkable_area: Vec<Vec<[f64; 2]>>,
    /// The exits.
    pub exits: Vec<ExitReport>,
    /// The measurement lines.
    pub lines: Vec<LineReport>,
    /// Peak density per cell, if density was recorded.
    pub density: Option<DensityReport>,
    /// Sampled agent paths (a subset of agents), each a list of `[x, y]` points, m.
    pub paths: Vec<Vec<[f64; 2]>>,
    /// Version of aman that ran the simulation.
    pub aman_version: String,
    /// The model's parameters as used: `(name, value with unit)`.
    pub model_parameters: Vec<(String, String)>,
    /// Simulated time at which the run would have stopped at the latest, s.
    pub end_time: f64,
    /// Time between two output frames (queue samples, density frames), s.
    pub frame_interval: f64,
    /// Agents placed at the start per population: `(name, persons)`.
    pub populations: Vec<(String, usize)>,
    /// Agents arriving during the run per source: `(name, persons)`.
    pub arrivals: Vec<(String, usize)>,
    /// Exits (and other stages) closing and opening during the run, in time order.
    pub events: Vec<EventReport>,
    /// Queue zone: walking distance to an exit within which an agent heading for it counts
    /// as queueing, m.
    pub queue_zone: f64,
    /// Times at which the queues of [`ExitReport::queue`] were counted (every output frame), s.
    pub queue_times: Vec<f64>,
    /// Density of every cell at chosen moments.
    pub snapshots: Vec<SnapshotReport>,
}

/// A stage closing or opening at a scheduled time (a scenario `[[events]]` entry).
#[derive(Debug, Clone, Default, Serialize)]
pub struct EventReport {
    /// When, s.
    pub time: f64,
    /// Name of the stage.
    pub stage: String,
    /// `true` if it opens, `false` if it closes.
    pub opens: bool,
}

/// The classic density of every occupied cell at one moment (on the grid of
/// [`DensityReport`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SnapshotReport {
    /// Time of the frame, s.
    pub time: f64,
    /// Why this moment: "requested at 60 s", "10 % out", ….
    pub reason: String,
    /// Agents inside at that moment, persons.
    pub agents_inside: usize,
    /// Occupied cells: `(cell index iy · nx + ix, density in persons/m²)`; every other
    /// evaluated cell was empty.
    pub cells: Vec<(u32, f32)>,
}

/// One exit and the agents that left through it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExitReport {
    /// Name of the exit.
    pub name: String,
    /// Its polygon, `[x, y]` points in m (closed or open ring).
    pub polygon: Vec<[f64; 2]>,
    /// Agents that left through it, persons.
    pub agents: usize,
    /// Time at which each of them left, s, any order.
    pub exit_times: Vec<f64>,
    /// Agents queueing in front of it at each of [`ReportInput::queue_times`], persons: those
    /// moving (pre-movement time over) and heading for this exit within
    /// [`ReportInput::queue_zone`] m of walking distance.
    pub queue: Vec<u32>,
    /// Waiting time of each person who left through it, s: from the first output frame of
    /// their last uninterrupted stay in its queue zone to the moment they left. Persons never
    /// counted in the zone (they crossed it between two frames) are not included.
    pub waiting_times: Vec<f64>,
}

/// One measurement line and the crossings counted at it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LineReport {
    /// Name of the line.
    pub name: String,
    /// End points `[[x, y], [x, y]]`, m.
    pub segment: [[f64; 2]; 2],
    /// Time of each crossing, s, any order.
    pub crossing_times: Vec<f64>,
    /// Mean flow (N − 1)/(t_N − t_1), 1/s; `None` with fewer than two crossings.
    pub flow: Option<f64>,
    /// Mean flow per metre of line, 1/(m·s).
    pub specific_flow: Option<f64>,
}

/// The peak classic density of every cell of a uniform grid.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DensityReport {
    /// Lower-left corner of the grid, m.
    pub origin: [f64; 2],
    /// Cell side, m.
    pub cell: f64,
    /// Cells along x.
    pub nx: usize,
    /// Cells along y.
    pub ny: usize,
    /// Peak density of each cell, persons/m², row by row from the lower left
    /// (index iy · nx + ix); 0 = never occupied, NaN or negative = not evaluated (not walkable).
    pub peak: Vec<f64>,
    /// Highest density of any cell, persons/m².
    pub peak_density: f64,
    /// Time of that peak, s.
    pub peak_time: f64,
    /// Centre of the cell where it occurred, m.
    pub peak_at: [f64; 2],
    /// Time each cell spent at Fruin walkway level of service E or worse (more than
    /// 1/0.93 persons/m²), s, same layout as `peak`; NaN = not evaluated. Empty if not recorded.
    pub time_at_e: Vec<f64>,
}

/// Colours of exits and measurement lines, in the N–t diagram and on the map alike. No
/// green, yellow, orange or red, which mean levels of service on the map.
pub(crate) const SERIES_COLOURS: [(u8, u8, u8); 8] = [
    (0x1f, 0x77, 0xb4),
    (0x6a, 0x3d, 0x9a),
    (0x17, 0xbe, 0xcf),
    (0xe3, 0x77, 0xc2),
    (0x8c, 0x56, 0x4b),
    (0x39, 0x3b, 0x79),
    (0x7f, 0x7f, 0x7f),
    (0x00, 0x00, 0x00),
];

/// Colour of the k-th series (exits first, then lines), RGB.
pub(crate) fn series_rgb(k: usize) -> [u8; 3] {
    let (r, g, b) = SERIES_COLOURS[k % SERIES_COLOURS.len()];
    [r, g, b]
}

/// CSS hex of the k-th series colour.
pub(crate) fn series_hex(k: usize) -> String {
    let (r, g, b) = SERIES_COLOURS[k % SERIES_COLOURS.len()];
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Width of the N–t diagram and the largest width of the map, px.
pub(crate) const PAGE_PX: f64 = 900.0;

/// The whole report page for `input`. Never panics: missing or empty parts (no exits, no
/// lines, no density, no geometry, zero agents) are stated on the page instead.
pub fn render_report(input: &ReportInput) -> String {
    render_report_with(input, &ExtraSections::default())
}

/// Sections a caller adds to the report, as HTML it has escaped itself: `after_header` right
/// under the page header (a notice: the run was interrupted, persons remained inside),
/// `before_footer` after the methods (results over seeds). Empty strings add nothing.
#[derive(Debug, Clone, Default)]
pub struct ExtraSections {
    /// HTML placed right after the page header.
    pub after_header: String,
    /// HTML placed right before the footer.
    pub before_footer: String,
}

/// [`render_report`] with the caller's [`ExtraSections`] in their places.
pub fn render_report_with(input: &ReportInput, extra: &ExtraSections) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let title = format!("aman report: {}", input.scenario_name);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&title)
    );
    header(&mut h, input);
    h.push_str(&extra.after_header);
    verdict(&mut h, input);
    key_figures(&mut h, input);

    safety::timeline(&mut h, input);
    safety::exits_over_time(&mut h, input);

    h.push_str("<section>\n<h2>Venue map</h2>\n");
    match venue_map(input) {
        Some(svg) => {
            h.push_str(
                "<p class=\"note\">Peak density reached in each cell during the run, coloured by \
                 Fruin level of service; thin lines are the paths of a sample of agents. \
                 x to the right, y up, to scale.",
            );
            if let Some(d) = input.density.as_ref().filter(|d| d.cell > 0.0) {
                let single = 1.0 / (d.cell * d.cell);
                let _ = write!(
                    h,
                    " With {} m cells, one person alone in a fully walkable cell already counts as \
                     {single:.2} persons/m² (LOS {}): scattered cells of that colour mark single \
                     passers-by; crowding shows as connected areas of the worse levels.",
                    fmt_len(d.cell),
                    FruinLevel::walkway(single).label()
                );
            }
            h.push_str("</p>\n<div class=\"figure\">");
            h.push_str(&svg);
            h.push_str("</div>\n");
        }
        None => h.push_str("<p class=\"empty\">No geometry to draw.</p>\n"),
    }
    legend(&mut h, input);
    h.push_str("</section>\n");

    safety::congestion_maps(&mut h, input);
    safety::run_parameters(&mut h, input);
    methods(&mut h, input);
    h.push_str(&extra.before_footer);
    let version = if input.aman_version.is_empty() {
        env!("CARGO_PKG_VERSION")
    } else {
        &input.aman_version
    };
    let _ = write!(
        h,
        "<footer>Generated by aman {} from <bdi>{}</bdi>.</footer>\n</body>\n</html>\n",
        esc(version),
        esc(&input.scenario_path)
    );
    h
}

fn header(h: &mut String, input: &ReportInput) {
    let name = if input.scenario_name.is_empty() {
        "(unnamed scenario)"
    } else {
        &input.scenario_name
    };
    let _ = writeln!(
        h,
        "<header>\n<h1>Simulation report: <bdi>{}</bdi></h1>",
        esc(name)
    );
    let _ = writeln!(
        h,
        "<p class=\"meta\"><span>Scenario file: <code><bdi>{}</bdi></code></span></p>",
        esc(&input.scenario_path)
    );
    let rtf = if input.wall_time > 0.0 && input.simulated_time.is_finite() {
        format!(", {:.0}× real time", input.simulated_time / input.wall_time)
    } else {
        String::new()
    };
    let _ = writeln!(
        h,
        "<p class=\"meta\"><span>Model: <b><bdi>{}</bdi></b></span><span>Seed: <b>{}</b></span>\
         <span>Time step dt: <b>{} s</b></span><span>Simulated: <b>{}</b></span>\
         <span>Computed in {:.1} s{rtf}</span></p>\n</header>",
        esc(&input.model),
        input.seed,
        input.dt,
        fmt_time(input.simulated_time),
        input.wall_time
    );
}

fn verdict(h: &mut String, input: &ReportInput) {
    let (class, text) = if input.agents_total == 0 {
        ("none", "No agents took part in this run.".to_string())
    } else if input.agents_left == 0 && input.evacuation.t100.is_some() {
        let t100 = fmt_opt_time(input.evacuation.t100, "—");
        let text = if input.agents_total == 1 {
            format!("The one agent left the venue after {t100}.")
        } else {
            format!(
                "All {} agents left the venue; the last one after {t100}.",
                input.agents_total
            )
        };
        ("ok", text)
    } else {
        (
            "warn",
            format!(
                "Not complete: {} of {} had not left when the run ended at {}.",
                input.agents_left,
                count(input.agents_total, "agent", "agents"),
                fmt_time(input.simulated_time)
            ),
        )
    };
    let _ = writeln!(h, "<p class=\"verdict {class}\">{}</p>", esc(&text));
}

/// A peak density in the first frame (t = 0 s) is the initial placement; one reached later,
/// even a second later, came from the movement (a cell can fill from 1 to 5 persons in 2 s).
const PEAK_AT_START_S: f64 = 1e-9;

/// The note added to a peak density reached at the start.
const PEAK_AT_START_NOTE: &str = "<span class=\"peak-note\">reached at the start: the initial \
     placement; see the map for densities during the movement</span>";

/// Whether a peak at `t` s was reached in the first frame of the run ([`PEAK_AT_START_S`]).
pub(crate) fn peak_at_start(t: f64) -> bool {
    t.is_finite() && t <= PEAK_AT_START_S
}

fn key_figures(h: &mut String, input: &ReportInput) {
    h.push_str("<section>\n<h2>Key figures</h2>\n<table>\n");
    let row = |h: &mut String, label: &str, value: String| {
        let _ = writeln!(h, "<tr><th>{label}</th><td class=\"num\">{value}</td></tr>");
    };
    let n = input.agents_total;
    let left_venue = n.saturating_sub(input.agents_left);
    row(h, "Agents in the run", format!("{n}"));
    row(h, "Agents that left", format!("{left_venue}"));
    row(
        h,
        "Agents that had not left at the end",
        format!("{}", input.agents_left),
    );
    let not_reached = if n == 0 {
        "— (no agents)"
    } else {
        "not reached"
    };
    let ev = &input.evacuation;
    row(
        h,
        "Evacuation time t100 (all agents out)",
        fmt_opt_time(ev.t100, not_reached),
    );
    row(
        h,
        "t90 (90 % of agents out)",
        fmt_opt_time(ev.t90, not_reached),
    );
    row(
        h,
        "t50 (half of the agents out)",
        fmt_opt_time(ev.t50, not_reached),
    );
    match &input.density {
        Some(d) if d.peak_density.is_finite() && d.peak_density > 0.0 => {
            let level = FruinLevel::walkway(d.peak_density);
            row(
                h,
                "Peak density",
                format!(
                    "{:.2} persons/m² at ({:.1}, {:.1}) m, t = {} {}{}",
                    d.peak_density,
                    d.peak_at[0],
                    d.peak_at[1],
                    fmt_time(d.peak_time),
                    los_badge(level),
                    if peak_at_start(d.peak_time) {
                        PEAK_AT_START_NOTE
                    } else {
                        ""
                    }
                ),
            );
        }
        _ => row(h, "Peak density", "not recorded".to_string()),
    }
    h.push_str("</table>\n");

    // Exits.
    h.push_str("<h3>Exits</h3>\n");
    if input.exits.is_empty() {
        h.push_str("<p class=\"empty\">No exits.</p>\n");
    } else {
        // with persons still inside, the last so far may not be the last
        let last_head = if input.agents_left == 0 {
            "Last out"
        } else {
            "Latest out (persons were still inside)"
        };
        let _ = write!(
            h,
            "<table>\n<tr><th>Exit</th><th class=\"num\">Agents</th><th class=\"num\">Share</th>\
             <th class=\"num\">First out</th><th class=\"num\">{last_head}</th>\
             <th class=\"num\">Flow, first to last out (1/s)</th></tr>\n",
        );
        for (k, e) in input.exits.iter().enumerate() {
            let (first, last) = min_max(&e.exit_times);
            let share = if n > 0 {
                format!("{:.1} %", 100.0 * e.agents as f64 / n as f64)
            } else {
                "—".into()
            };
            let _ = writeln!(
                h,
                "<tr><td><span class=\"swatch\" style=\"background:{}\"></span> {}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{share}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                series_hex(k),
                name_html(&e.name),
                e.agents,
                fmt_opt_time(first, "—"),
                fmt_opt_time(last, "—"),
                fmt_num(mean_flow(&e.exit_times), 2)
            );
        }
        h.push_str("</table>\n");
        let through_exits: usize = input.exits.iter().map(|e| e.agents).sum();
        if through_exits + input.agents_left != n {
            let _ = writeln!(
                h,
                "<p class=\"note warn-text\">Check: {} left through the exits and {} had not \
                 left, but the run had {}.</p>",
                count(through_exits, "agent", "agents"),
                input.agents_left,
                count(n, "agent", "agents")
            );
        }
    }

    // Measurement lines.
    h.push_str("<h3>Measurement lines</h3>\n");
    if input.lines.is_empty() {
        h.push_str("<p class=\"empty\">No measurement lines.</p>\n");
    } else {
        h.push_str(
            "<table>\n<tr><th>Line</th><th class=\"num\">Width (m)</th>\
             <th class=\"num\">Crossings</th><th class=\"num\">Flow, first to last crossing (1/s)</th>\
             <th class=\"num\">Specific flow (1/(m·s))</th></tr>\n",
        );
        for (k, l) in input.lines.iter().enumerate() {
            let [a, b] = l.segment;
            let width = (b[0] - a[0]).hypot(b[1] - a[1]);
            let _ = writeln!(
                h,
                "<tr><td><span class=\"line-swatch\" style=\"border-color:{}\"></span> {}</td>\
                 <td class=\"num\">{width:.2}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                series_hex(input.exits.len() + k),
                name_html(&l.name),
                l.crossing_times.len(),
                fmt_num(l.flow, 2),
                fmt_num(l.specific_flow, 2)
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");
}

/// Smallest and largest finite value.
fn min_max(v: &[f64]) -> (Option<f64>, Option<f64>) {
    let finite = v.iter().copied().filter(|t| t.is_finite());
    (finite.clone().reduce(f64::min), finite.reduce(f64::max))
}

/// The map legend: levels of service and symbols.
fn legend(h: &mut String, input: &ReportInput) {
    h.push_str("<div class=\"legend\">\n<table>\n<tr><th colspan=\"4\">Fruin level of service (walkways), peak density per cell</th></tr>\n");
    h.push_str("<tr><th>Level</th><th class=\"num\">Space per person</th><th class=\"num\">Density</th><th>Walkers experience</th></tr>\n");
    for level in FruinLevel::ALL {
        let (lo, hi) = level.area_per_person();
        let (space, density) = match hi {
            None => (format!("≥ {lo:.2} m²"), format!("≤ {:.2} /m²", 1.0 / lo)),
            Some(hi) if lo > 0.0 => (
                format!("{lo:.2} – {hi:.2} m²"),
                format!("{:.2} – {:.2} /m²", 1.0 / hi, 1.0 / lo),
            ),
            Some(hi) => (format!("< {hi:.2} m²"), format!("> {:.2} /m²", 1.0 / hi)),
        };
        let _ = writeln!(
            h,
            "<tr class=\"legend-los\"><td>{}</td><td class=\"num\">{space}</td><td class=\"num\">{density}</td><td>{}</td></tr>",
            los_badge(level),
            level.description()
        );
    }
    h.push_str("</table>\n<table>\n<tr><th colspan=\"2\">Map symbols</th></tr>\n");
    let symbol = |h: &mut String, swatch: &str, text: &str| {
        let _ = writeln!(h, "<tr><td>{swatch}</td><td>{text}</td></tr>");
    };
    let swatch = |style: &str| format!("<span class=\"swatch\" style=\"{style}\"></span>");
    if input.density.as_ref().is_some_and(heat_map_drawable) {
        symbol(
            h,
            &swatch(&format!("background:{NEVER_OCCUPIED}")),
            "walkable area, never occupied",
        );
        symbol(
            h,
            &swatch(HATCH_CSS),
            "not evaluated: less than half walkable (agents there are not counted)",
        );
    } else {
        symbol(
            h,
            &swatch(&format!("background:{NEVER_OCCUPIED}")),
            "walkable area",
        );
    }
    symbol(
        h,
        "<span class=\"swatch\" style=\"background:#fff\"></span>",
        "obstacle or outside",
    );
    if let Some(d) = &input.density {
        symbol(
            h,
            "<span class=\"swatch\" style=\"background:#fff;border:2.5px solid #000\"></span>",
            &format!("cell of the highest density ({} m cells)", fmt_len(d.cell)),
        );
    }
    symbol(
        h,
        "<span class=\"swatch\" style=\"background:#1f77b4\"></span>",
        "exit (agents out)",
    );
    symbol(
        h,
        "<span class=\"line-swatch\" style=\"border-color:#6a3d9a\"></span>",
        "measurement line",
    );
    if !input.paths.is_empty() {
        symbol(
            h,
            "<span class=\"swatch\" style=\"background:none;border:none;border-top:1px solid #555\"></span>",
            &format!(
                "path of a sampled agent ({} of {} shown)",
                drawn_paths(input.paths.len()),
                input.paths.len()
            ),
        );
    }
    h.push_str("</table>\n</div>\n");
}

/// How the figures were computed.
fn methods(h: &mut String, input: &ReportInput) {
    h.push_str("<section>\n<h2>How these figures are computed</h2>\n<ul class=\"note\">\n");
    h.push_str(
        "<li><b>t50, t90, t100</b>: the time at which ⌈N/2⌉, ⌈0.9 N⌉ and N of the N agents \
         had left through an exit; not reached if fewer agents had left when the run ended.</li>\n\
         <li><b>Exit flow</b> (exits table, “Flow, first to last out”): (N − 1) / \
         (t<sub>last</sub> − t<sub>first</sub>) for the N agents that left through the exit, \
         t<sub>first</sub> and t<sub>last</sub> being the first and the last exit time.</li>\n\
         <li><b>Line flow</b> (measurement-lines table, “Flow, first to last crossing”): \
         (N − 1) / (t<sub>last</sub> − t<sub>first</sub>) for the N crossings of the line, \
         t<sub>first</sub> and t<sub>last</sub> being the first and the last crossing time. \
         Both follow PedPy's convention (the inverse of the mean time gap between passages, \
         persons per second); both average over the whole time from the first to the last \
         passage, pauses included, so they are not peak flows. \
         <b>Specific flow</b>: line flow divided by the length of the line, persons per metre \
         and second.</li>\n",
    );
    if let Some(d) = &input.density {
        let _ = writeln!(
            h,
            "<li><b>Density</b>: in every time step, the number of agents in each {} m × {} m cell \
             divided by the walkable area of that cell (classic density, persons/m²); each cell \
             keeps its highest value. Cells less than 50 % walkable are not evaluated, so that \
             cells cut by walls do not show inflated densities; the map leaves them hatched, \
             although agents may have walked there.</li>",
            fmt_len(d.cell),
            fmt_len(d.cell)
        );
    }
    let _ = writeln!(
        h,
        "<li><b>Flow over time</b>: persons out through the exit in consecutive {w:.0} s \
         windows from t = 0, divided by the window (the last window by its real length).</li>\n\
         <li><b>Queue</b> of an exit: the persons whose target is that exit, whose pre-movement \
         time is over and whose walking distance to it along the routing field (around \
         obstacles) is at most {z} m, counted every output frame ({f} s). <b>Waiting \
         time</b>: from the first frame of a person's last uninterrupted stay in that zone to \
         the moment they left through the exit; persons never counted in the zone are left \
         out.</li>\n\
         <li><b>Time at level E or worse</b>: for each cell, the number of output frames in which \
         its classic density exceeded 1/0.93 persons/m² (less than 0.93 m² per person), times \
         the frame interval, in seconds.</li>\n\
         <li><b>Snapshots</b>: the classic density of each cell in the first output frame at \
         or after the chosen moment.</li>",
        w = crate::safety::FLOW_WINDOW_S,
        z = fmt_len(input.queue_zone),
        f = crate::charts::tick(input.frame_interval),
    );
    h.push_str(
        "<li><b>Level of service</b>: J. J. Fruin, <i>Pedestrian Planning and Design</i> (1971), \
         walkway table, applied to the peak density (space per person = 1 / density). A value on \
         a threshold belongs to the better level.</li>\n</ul>\n</section>\n",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::isolate;
    use crate::map::*;

    fn sample() -> ReportInput {
        let nx = 10;
        let ny = 4;
        let mut peak = vec![0.0; nx * ny];
        // One cell per level of service in the bottom row, a wall cell, a peak on top.
        for (i, v) in [0.2, 0.4, 0.6, 1.0, 1.5, 3.0].into_iter().enumerate() {
            peak[i] = v;
        }
        peak[9] = f64::NAN;
        peak[3 * nx + 7] = 4.25;
        ReportInput {
            scenario_name: "Corridor <gate & \"A\">".into(),
            scenario_path: "scenarios/corridor.toml".into(),
            model: "Collision-Free Speed Model".into(),
            seed: 42,
            dt: 0.05,
            agents_total: 5,
            agents_left: 1,
            simulated_time: 30.0,
            wall_time: 0.5,
            evacuation: aman_analysis::evacuation_times(&[10.0, 12.5, 14.0, 16.25], 5),
            walkable_area: vec![
                vec![[0.0, 0.0], [10.0, 0.0], [10.0, 4.0], [0.0, 4.0], [0.0, 0.0]],
                vec![[4.0, 1.5], [5.0, 1.5], [5.0, 2.5], [4.0, 2.5], [4.0, 1.5]],
            ],
            exits: vec![ExitReport {
                name: "<gate & \"A\">".into(),
                polygon: vec![[9.5, 1.0], [10.0, 1.0], [10.0, 3.0], [9.5, 3.0]],
                agents: 4,
                exit_times: vec![16.25, 10.0, 14.0, 12.5],
                queue: (0..30)
                    .map(|i| if (8..16).contains(&i) { 2 } else { 0 })
                    .collect(),
                waiting_times: vec![3.0, 4.0, 5.0, 6.0],
            }],
            lines: vec![LineReport {
                name: "mid".into(),
                segment: [[7.0, 0.0], [7.0, 4.0]],
                crossing_times: vec![8.0, 9.0, 10.0, 11.0],
                flow: Some(1.0),
                specific_flow: Some(0.25),
            }],
            density: Some(DensityReport {
                origin: [0.0, 0.0],
                cell: 1.0,
                nx,
                ny,
                peak,
                peak_density: 4.25,
                peak_time: 13.5,
                peak_at: [7.5, 3.5],
                time_at_e: (0..nx * ny)
                    .map(|i| {
                        if i == 9 {
                            f64::NAN
                        } else {
                            (i % 7) as f64 * 20.0
                        }
                    })
                    .collect(),
            }),
            paths: vec![
                vec![[0.5, 2.0], [3.0, 2.2], [6.0, 2.0], [9.7, 2.0]],
                vec![[1.0, 1.0]],
            ],
            aman_version: "0.1.0".into(),
            model_parameters: vec![("strength_neighbor_repulsion".into(), "8".into())],
            end_time: 60.0,
            frame_interval: 1.0,
            populations: vec![("crowd".into(), 5)],
            arrivals: Vec::new(),
            events: vec![EventReport {
                time: 20.0,
                stage: "<gate & \"A\">".into(),
                opens: false,
            }],
            queue_zone: 5.0,
            queue_times: (0..30).map(f64::from).collect(),
            snapshots: vec![SnapshotReport {
                time: 12.0,
                reason: "50 % of the persons out".into(),
                agents_inside: 3,
                cells: vec![(2, 1.0), (37, 2.5)],
            }],
        }
    }

    #[test]
    fn report_shows_the_figures() {
        let html = render_report(&sample());
        std::fs::write("/tmp/aman-report-test.html", &html).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.trim_end().ends_with("</html>"));
        // Figures.
        // t50: ⌈5/2⌉ = 3 agents out at 14 s; t90 and t100 not reached (1 agent inside).
        assert!(html.contains("t50 (half of the agents out)</th><td class=\"num\">14.0 s"));
        assert!(html.contains("t90 (90 % of agents out)</th><td class=\"num\">not reached"));
        assert!(html.contains("Not complete: 1 of 5 agents"));
        assert!(
            html.contains("<td class=\"num\">0.25</td>"),
            "specific flow"
        );
        assert!(html.contains("<td class=\"num\">4.00</td>"), "line width");
        assert!(html.contains("4.25 persons/m² at (7.5, 3.5) m, t = 13.5 s"));
        assert!(html.contains("LOS F"));
        assert!(html.contains("80.0 %"), "share of the exit");
        // No external resources or scripts.
        assert!(!html.contains("<script"));
        assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
        // Names are escaped everywhere, never raw.
        assert!(!html.contains("<gate"));
        assert!(html.contains("&lt;gate &amp; &quot;A&quot;&gt;"));
        // SVG: N–t, flow, queue, peak map, time-at-E map, one snapshot; balanced tags.
        assert_eq!(html.matches("<svg").count(), 6);
        assert_eq!(crate::check::page_problems(&html), Vec::<String>::new());
        // The safety-case sections with their figures.
        assert!(html.contains("<td class=\"num\">20.0 s</td><td><b><bdi>&lt;gate"));
        assert!(html.contains("closes</b> (scenario event)"));
        assert!(html.contains("<b>50 % out</b> (3 of 5)"));
        assert!(html.contains("Flow through each exit, 10 s windows"));
        assert!(html.contains("persons queueing"));
        // Waiting 3, 4, 5, 6 s: mean 4.5 s, longest 6 s; longest queue 2 at t = 8 s.
        assert!(html.contains("<td class=\"num\">4.5 s</td><td class=\"num\">6.0 s</td>"));
        assert!(html.contains("<td class=\"num\">2</td><td class=\"num\">8.0 s</td>"));
        // Time at E: classes drawn; 5 of 6 classes and "never" present in the data.
        assert!(html.contains("Time at Fruin level E or worse"));
        assert!(html.contains(&format!("fill=\"{}\"", TIME_AT_E_CLASSES[2].1)));
        assert!(html.contains("t = 12.0 s — 50 % of the persons out"));
        assert!(
            html.contains("<td>strength_neighbor_repulsion</td>")
                || html.contains("strength_neighbor_repulsion</th><td>8</td>")
        );
        assert!(html.contains("Population <bdi>crowd</bdi></th><td>5 persons placed"));
        assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
        assert_eq!(
            html.matches("<g").count() - html.matches("<gate").count(),
            html.matches("</g>").count()
        );
        assert!(html.contains("time t (s)") && html.contains("cumulative persons N"));
        assert!(html.contains("clip-path=\"url(#walkable)\""));
        // Every id is defined once on the page: each map has its own clip path and pattern.
        for id in ["walkable", "not-evaluated"] {
            for suffix in ["", "-los-e", "-snapshot-0"] {
                let def = format!(" id=\"{id}{suffix}\"");
                assert_eq!(html.matches(&def).count(), 1, "{def}");
                assert!(
                    html.contains(&format!("url(#{id}{suffix})")),
                    "{id}{suffix}"
                );
            }
        }
        assert!(html.contains("<polyline"), "agent paths");
        // One legend row per level of service.
        assert_eq!(html.matches("class=\"legend-los\"").count(), 6);
        for level in FruinLevel::ALL {
            assert!(html.contains(&format!("LOS {}</span>", level.label())));
            assert!(
                html.contains(&format!("fill=\"{}\"", level.colour())),
                "{level} on the map"
            );
        }
    }

    #[test]
    fn empty_input_does_not_panic() {
        let html = render_report(&ReportInput::default());
        assert!(html.contains("No agents took part"));
        assert!(html.contains("No exits or measurement lines"));
        assert!(html.contains("No geometry to draw"));
        assert!(html.contains("No exits.") && html.contains("No measurement lines."));
        assert!(!html.contains("<svg"));

        // Zero agents but geometry, an exit, a line without crossings, NaN everywhere.
        let mut input = sample();
        input.agents_total = 0;
        input.agents_left = 0;
        input.evacuation = EvacuationTimes::default();
        input.exits[0].exit_times.clear();
        input.exits[0].agents = 0;
        input.lines[0].crossing_times.clear();
        input.lines[0].flow = None;
        input.lines[0].specific_flow = None;
        input.simulated_time = 0.0;
        input.wall_time = 0.0;
        input.paths = vec![vec![], vec![[f64::NAN, 1.0], [2.0, f64::INFINITY]]];
        if let Some(d) = input.density.as_mut() {
            d.peak.truncate(3); // inconsistent with nx × ny: no heat map, no panic
            d.peak_density = f64::NAN;
        }
        let html = render_report(&input);
        assert!(html.contains("— (no agents)"));
        assert!(html.contains("Peak density</th><td class=\"num\">not recorded"));
        // N–t, flow, queue, the peak map and the snapshot, without cells; the time-at-E map
        // is not drawn from an inconsistent grid.
        assert_eq!(html.matches("<svg").count(), 5);
        assert!(
            html.contains("Time at Fruin level E or worse</h2>\n<p class=\"empty\">Not recorded.")
        );
    }

    #[test]
    fn map_scales_to_the_page() {
        for size in [10.0, 700.0] {
            let input = ReportInput {
                walkable_area: vec![vec![
                    [0.0, 0.0],
                    [size, 0.0],
                    [size, size / 5.0],
                    [0.0, size / 5.0],
                ]],
                ..ReportInput::default()
            };
            let svg = venue_map(&input).unwrap();
            assert!(svg.contains("width=\"900\""), "{size} m: {}", &svg[..200]);
        }
        assert_eq!(nice_length(160.0 / 86.0), 1.0);
        assert_eq!(nice_length(160.0 / 1.2), 100.0);
        assert_eq!(nice_length(0.3), 0.2);
    }

    #[test]
    fn times_are_readable() {
        assert_eq!(fmt_time(42.04), "42.0 s");
        assert_eq!(fmt_time(754.3), "754.3 s (12 min 34 s)");
        assert_eq!(fmt_time(3725.0), "3725 s (1 h 02 min 05 s)");
        assert_eq!(fmt_opt_time(None, "not reached"), "not reached");
    }

    /// A small deterministic pseudo-random sequence in [0, 1).
    fn lcg(state: &mut u64) -> f64 {
        *state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (*state >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A rectangular venue from `lo` to `hi` m, like the output of a run: exits, a line, a
    /// 0.5 m density grid whose cells less than half inside are NaN, `n_paths` paths, the
    /// peak at `peak_time`.
    fn venue(lo: [f64; 2], hi: [f64; 2], n_paths: usize, peak_time: f64) -> ReportInput {
        let (w, h) = (hi[0] - lo[0], hi[1] - lo[1]);
        let cell = 0.5;
        let (nx, ny) = ((w / cell).ceil() as usize, (h / cell).ceil() as usize);
        let mut rng = 7;
        let mut peak = Vec::with_capacity(nx * ny);
        for iy in 0..ny {
            for ix in 0..nx {
                let fx = (w - ix as f64 * cell).min(cell) / cell;
                let fy = (h - iy as f64 * cell).min(cell) / cell;
                let r = lcg(&mut rng);
                peak.push(if fx * fy < 0.5 {
                    f64::NAN
                } else if r < 0.3 {
                    0.0
                } else {
                    4.0 * r * r
                });
            }
        }
        let exit_y = (lo[1] + hi[1]) / 2.0;
        let mut paths = Vec::new();
        for _ in 0..n_paths {
            let start = [
                lo[0] + w * (0.3 + 0.7 * lcg(&mut rng)),
                lo[1] + h * lcg(&mut rng),
            ];
            let path: Vec<[f64; 2]> = (0..=40)
                .map(|i| {
                    let s = i as f64 / 40.0;
                    [
                        start[0] + (lo[0] + 0.2 - start[0]) * s,
                        start[1] + (exit_y - start[1]) * s * s,
                    ]
                })
                .collect();
            paths.push(path);
        }
        let times: Vec<f64> = (0..n_paths).map(|i| 3.0 + 0.4 * i as f64).collect();
        ReportInput {
            scenario_name: "Venue".into(),
            scenario_path: "venue.toml".into(),
            model: "Collision-Free Speed Model".into(),
            seed: 1,
            dt: 0.05,
            agents_total: n_paths,
            agents_left: 0,
            simulated_time: times.last().copied().unwrap_or(0.0) + 1.0,
            wall_time: 1.0,
            evacuation: aman_analysis::evacuation_times(&times, n_paths),
            walkable_area: vec![vec![
                [lo[0], lo[1]],
                [hi[0], lo[1]],
                [hi[0], hi[1]],
                [lo[0], hi[1]],
            ]],
            exits: vec![
                ExitReport {
                    name: "downstream".into(),
                    polygon: vec![
                        [lo[0], exit_y - 1.0],
                        [lo[0] + 0.3, exit_y - 1.0],
                        [lo[0] + 0.3, exit_y + 1.0],
                        [lo[0], exit_y + 1.0],
                    ],
                    agents: n_paths,
                    exit_times: times.clone(),
                    ..ExitReport::default()
                },
                ExitReport {
                    name: "side exit east".into(),
                    polygon: vec![
                        [hi[0] - 0.3, hi[1] - 2.0],
                        [hi[0], hi[1] - 2.0],
                        [hi[0], hi[1] - 1.0],
                        [hi[0] - 0.3, hi[1] - 1.0],
                    ],
                    agents: 0,
                    exit_times: vec![],
                    ..ExitReport::default()
                },
            ],
            lines: vec![LineReport {
                name: "measurement line near the exit".into(),
                segment: [[lo[0] + 1.0, lo[1]], [lo[0] + 1.0, hi[1]]],
                crossing_times: times.clone(),
                flow: mean_flow(&times),
                specific_flow: mean_flow(&times).map(|f| f / h),
            }],
            density: Some(DensityReport {
                origin: lo,
                cell,
                nx,
                ny,
                peak,
                peak_density: 3.9,
                peak_time,
                peak_at: [lo[0] + 0.25, hi[1] - 0.75],
                ..DensityReport::default()
            }),
            paths,
            ..ReportInput::default()
        }
    }

    /// The tall venue of the tester's report: 6.3 m × 25.2 m, exit on the left border.
    fn tall() -> ReportInput {
        venue([-2.3, -19.0], [4.0, 6.2], 348, 0.5)
    }

    /// A wide venue, 60 m × 12 m.
    fn wide() -> ReportInput {
        venue([0.0, 0.0], [60.0, 12.0], 80, 21.0)
    }

    /// The numeric attribute `name` of the first element in `tag`.
    fn attr(tag: &str, name: &str) -> f64 {
        let key = format!(" {name}=\"");
        let at = tag
            .find(&key)
            .unwrap_or_else(|| panic!("no {name} in {tag}"))
            + key.len();
        let end = at + tag[at..].find('"').unwrap();
        tag[at..end].parse().unwrap()
    }

    /// Width and height of the viewBox of `svg`.
    fn view_box(svg: &str) -> (f64, f64) {
        let at = svg.find("viewBox=\"").unwrap() + 9;
        let end = at + svg[at..].find('"').unwrap();
        let v: Vec<f64> = svg[at..end]
            .split(' ')
            .map(|x| x.parse().unwrap())
            .collect();
        assert_eq!((v[0], v[1]), (0.0, 0.0));
        (v[2], v[3])
    }

    /// Every `<text …>content</text>` of `svg`: the opening tag and the unescaped content.
    fn texts(svg: &str) -> Vec<(String, String)> {
        svg.split("<text ")
            .skip(1)
            .map(|t| {
                let open = t.find('>').unwrap();
                let close = t.find("</text>").unwrap();
                let content = t[open + 1..close]
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&amp;", "&");
                (format!(" {}", &t[..open]), content)
            })
            .collect()
    }

    #[test]
    fn labels_stay_on_the_map() {
        for input in [tall(), wide(), sample()] {
            let svg = venue_map(&input).unwrap();
            let (width, height) = view_box(&svg);
            let labels: Vec<_> = texts(&svg)
                .into_iter()
                .filter(|(tag, _)| tag.contains("paint-order"))
                .collect();
            assert_eq!(labels.len(), input.exits.len() + input.lines.len() + 1);
            let mut boxes: Vec<[f64; 4]> = Vec::new();
            for (tag, text) in &labels {
                let (x, y, font) = (attr(tag, "x"), attr(tag, "y"), attr(tag, "font-size"));
                assert!(tag.contains("text-anchor=\"start\""), "{tag}");
                let w = text_width(text, font, true);
                assert!(x >= 0.0 && x + w <= width, "{text}: {x} + {w} > {width}");
                assert!(y - font >= 0.0 && y <= height, "{text}: y {y}");
                // Not on top of another label (here the exit and the line meet at the left).
                let b = [x, y - font, x + w, y];
                for o in &boxes {
                    let apart = b[2] <= o[0] || o[2] <= b[0] || b[3] <= o[1] || o[3] <= b[1];
                    assert!(apart, "{text} covers another label");
                }
                boxes.push(b);
            }
        }
        // The tester's case: an exit on the left border of a narrow venue.
        let svg = venue_map(&tall()).unwrap();
        let (tag, _) = texts(&svg)
            .into_iter()
            .find(|(_, t)| t == &format!("{} (348)", isolate("downstream")))
            .unwrap();
        assert!(attr(&tag, "x") >= LABEL_MARGIN);
        // A name wider than the map is shrunk to fit.
        let mut input = tall();
        input.exits[0].name =
            "a very long name of an exit, one that does not fit on this narrow map at all".into();
        let svg = venue_map(&input).unwrap();
        let (width, _) = view_box(&svg);
        let (tag, text) = texts(&svg)
            .into_iter()
            .find(|(_, t)| t.contains("a very long"))
            .unwrap();
        let font = attr(&tag, "font-size");
        assert!(font < 13.0);
        assert!(attr(&tag, "x") + text_width(&text, font, true) <= width);
    }

    #[test]
    fn crowded_labels_never_overlap() {
        // Eight exits and four lines on the same few metres of a wide venue: every label
        // wants the same place.
        let mut input = wide();
        input.exits = (0..8)
            .map(|k| ExitReport {
                name: format!("exit number {k}"),
                polygon: vec![[30.0, 6.0], [30.5, 6.0], [30.5, 6.5], [30.0, 6.5]],
                agents: 10 * k,
                ..ExitReport::default()
            })
            .collect();
        input.lines = (0..4)
            .map(|k| LineReport {
                name: format!("line {k}"),
                segment: [[29.0, 6.0], [31.0, 6.0 + f64::from(k) * 0.1]],
                ..LineReport::default()
            })
            .collect();
        let svg = venue_map(&input).unwrap();
        let (width, height) = view_box(&svg);
        let labels: Vec<_> = texts(&svg)
            .into_iter()
            .filter(|(tag, _)| tag.contains("paint-order"))
            .collect();
        assert_eq!(labels.len(), 8 + 4 + 1);
        let mut boxes: Vec<[f64; 4]> = Vec::new();
        for (tag, text) in &labels {
            let (x, y, font) = (attr(tag, "x"), attr(tag, "y"), attr(tag, "font-size"));
            let w = text_width(text, font, true);
            assert!(
                x >= 0.0 && x + w <= width && y - font >= 0.0 && y <= height,
                "{text}"
            );
            let b = [x, y - font, x + w, y + 0.3 * font];
            for o in &boxes {
                let apart = b[2] <= o[0] || o[2] <= b[0] || b[3] <= o[1] || o[3] <= b[1];
                assert!(apart, "{text} covers another label");
            }
            boxes.push(b);
        }
    }

    #[test]
    fn scale_bar_and_ranges_are_on_separate_lines() {
        let narrow = venue([0.0, 0.0], [1.0, 60.0], 2, 5.0);
        for input in [tall(), wide(), sample(), narrow] {
            let svg = venue_map(&input).unwrap();
            let (width, height) = view_box(&svg);
            let all = texts(&svg);
            let (bar_tag, _) = all.iter().find(|(_, t)| t.ends_with(" m")).unwrap();
            let ranges: Vec<_> = all
                .iter()
                .filter(|(tag, _)| tag.contains("class=\"ranges\""))
                .collect();
            assert!(!ranges.is_empty());
            let joined: String = ranges.iter().map(|(_, t)| t.as_str()).collect();
            assert!(joined.contains("x (") && joined.contains("y ("), "{joined}");
            let mut above = attr(bar_tag, "y");
            for (tag, text) in ranges {
                let (x, y) = (attr(tag, "x"), attr(tag, "y"));
                assert!(
                    y >= above + 14.0,
                    "{text} at {y} overlaps the line above at {above}"
                );
                assert!(y <= height);
                assert!(
                    x >= 0.0 && x + text_width(text, 12.0, false) <= width,
                    "{text}"
                );
                above = y;
            }
        }
    }

    #[test]
    fn cells_not_evaluated_are_not_filled() {
        let d = DensityReport {
            origin: [0.0, 0.0],
            cell: 1.0,
            nx: 4,
            ny: 1,
            peak: vec![f64::NAN, 0.0, 1.0, -1.0],
            ..DensityReport::default()
        };
        let tf = MapTransform {
            min_x: 0.0,
            max_y: 1.0,
            scale: 10.0,
            left: 0.0,
            top: 0.0,
        };
        let mut s = String::new();
        heat_map(&mut s, &d, &tf, false);
        let rects: Vec<&str> = s.split("<rect ").skip(1).collect();
        assert_eq!(rects.len(), 2, "{s}");
        assert!(rects[0].contains(&format!("fill=\"{NEVER_OCCUPIED}\"")));
        assert_eq!(attr(&format!(" {}", rects[0]), "x"), 10.0);
        assert!(rects[1].contains(&format!("fill=\"{}\"", FruinLevel::walkway(1.0).colour())));
        // The background under the cells is the hatched walkable area, and the legend says so.
        let html = render_report(&sample());
        assert!(html.contains("fill=\"url(#not-evaluated)\""));
        assert!(html.contains("<pattern id=\"not-evaluated\""));
        assert!(html.contains("not evaluated: less than half walkable"));
        assert!(html.contains("walkable area, never occupied"));
        // Without a density grid the area is plain and there is nothing to explain.
        let html = render_report(&ReportInput {
            density: None,
            ..sample()
        });
        assert!(!html.contains("url(#not-evaluated)"));
        assert!(!html.contains("not evaluated: less"));
    }

    #[test]
    fn map_uses_the_space_of_tall_venues() {
        let size = |w: f64, h: f64| {
            let input = ReportInput {
                walkable_area: vec![vec![[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]]],
                ..ReportInput::default()
            };
            let svg = venue_map(&input).unwrap();
            let (vw, vh) = view_box(&svg);
            // Equal aspect: drawing w × h m scaled alike.
            let scale = map_scale(w, h);
            assert!((vw - (w * scale + 2.0 * MAP_PAD).max(MAP_MIN_W)).abs() < 1.0);
            (vw - 2.0 * MAP_PAD, vh)
        };
        // 6.25 m × 25 m: at least 400 px wide, taller than 900 px but not too tall.
        let (w, h) = size(6.25, 25.0);
        assert!(w >= MAP_MIN_SIDE - 0.5, "{w}");
        assert!(h <= MAP_TALL_H + 20.0, "{h}");
        // Moderately tall: the height binds at about 900 px.
        let (w, h) = size(10.0, 15.0);
        assert!((h - MAP_MAX_H).abs() < 25.0 && w > 500.0, "{w} × {h}");
        // Wide: the width binds.
        let (w, _) = size(60.0, 12.0);
        assert!((w - (PAGE_PX - 2.0 * MAP_PAD)).abs() < 1.0);
        // Very tall: the aspect does not allow 400 px; the height stays bounded.
        let (w, h) = size(1.0, 60.0);
        assert!(w < MAP_MIN_SIDE && h <= MAP_TALL_H + 20.0, "{w} × {h}");
    }

    #[test]
    fn many_paths_are_capped_thinner_and_fainter() {
        let map = venue_map(&tall()).unwrap();
        assert_eq!(map.matches("<polyline").count(), MAX_DRAWN_PATHS);
        let html = render_report(&tall());
        assert!(html.contains("(150 of 348 shown)"));
        let style = |html: &str| {
            let at = html.find("<g fill=\"none\" stroke=\"#1b1b1b\"").unwrap();
            let tag = &html[at..at + html[at..].find('>').unwrap()];
            (attr(tag, "stroke-width"), attr(tag, "stroke-opacity"))
        };
        let (many_w, many_o) = style(&html);
        let few = render_report(&venue([-2.3, -19.0], [4.0, 6.2], 10, 0.5));
        assert!(few.contains("(10 of 10 shown)"));
        let (few_w, few_o) = style(&few);
        assert!(
            many_w < few_w && many_o < few_o,
            "{many_w} {many_o} {few_w} {few_o}"
        );
        // The same number of paths on a larger map is drawn bolder.
        assert!(path_style(150, 4.0e6).0 > path_style(150, 2.0e5).0);
    }

    #[test]
    fn peak_at_the_start_is_explained() {
        let note = "reached at the start: the initial placement; see the map for densities \
                    during the movement";
        // in the first frame: the placement
        let mut at_start = tall();
        if let Some(d) = at_start.density.as_mut() {
            d.peak_time = 0.0;
        }
        let html = render_report(&at_start);
        assert!(html.contains(note));
        assert!(html.contains("t = 0.0 s"), "time of the peak kept");
        // half a second later it came from the movement already
        let html = render_report(&tall()); // peak at 0.5 s
        assert!(!html.contains(note));
        let html = render_report(&sample()); // peak at 13.5 s
        assert!(!html.contains(note));
    }

    #[test]
    fn flows_are_named_and_explained() {
        let html = render_report(&sample());
        assert!(!html.contains("Mean flow (1/s)"));
        assert!(html.contains("<th class=\"num\">Flow, first to last out (1/s)</th>"));
        assert!(html.contains("<th class=\"num\">Flow, first to last crossing (1/s)</th>"));
        assert!(html.contains("<b>Exit flow</b>") && html.contains("<b>Line flow</b>"));
        assert!(html.contains("(N − 1) / (t<sub>last</sub> − t<sub>first</sub>)"));
        assert!(html.contains("PedPy's convention"));
    }

    #[test]
    fn plurals_agree_with_counts() {
        let mut one = sample();
        one.agents_total = 1;
        one.agents_left = 0;
        one.evacuation = aman_analysis::evacuation_times(&[10.0], 1);
        one.exits[0].agents = 1;
        one.exits[0].exit_times = vec![10.0];
        let html = render_report(&one);
        assert!(html.contains("The one agent left the venue after 10.0 s."));
        one.agents_left = 1;
        one.evacuation = aman_analysis::evacuation_times(&[], 1);
        let html = render_report(&one);
        assert!(html.contains("Not complete: 1 of 1 agent had not left"));
        assert!(html.contains(
            "Check: 1 agent left through the exits and 1 had not left, but the run had 1 agent."
        ));
        for html in [html, render_report(&sample()), render_report(&tall())] {
            for bad in [
                " 1 agents",
                " 1 stages",
                " 1 persons ",
                " 1 cells",
                " 1 paths",
            ] {
                assert!(!html.contains(bad), "{bad}");
            }
        }
        assert_eq!(count(1, "agent", "agents"), "1 agent");
        assert_eq!(count(0, "agent", "agents"), "0 agents");
    }

    /// Writes the tall and the wide report to `$AMAN_REPORT_PREVIEW_DIR`, if set, to look at.
    #[test]
    fn preview_reports() {
        if let Some(dir) = std::env::var_os("AMAN_REPORT_PREVIEW_DIR") {
            let dir = std::path::Path::new(&dir);
            std::fs::write(dir.join("tall.html"), render_report(&tall())).unwrap();
            std::fs::write(dir.join("wide.html"), render_report(&wide())).unwrap();
        }
    }
}
