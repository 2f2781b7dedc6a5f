//! `report.html` of `aman analyze`: one self-contained page (inline CSS and SVG, no script)
//! with the input, the key figures per area and line, every chart, the venue maps and the
//! methods with their settings and sources. Same look as the simulation report.
//!
//! The figures of the page are those of `summary.json` ([`Summary`], written by the command
//! with serde), and the charts are [`Chart`]s, each drawn here into SVG and by the command into
//! SVG and PNG files.

use std::fmt::Write as _;

use aman_analysis::los::FruinLevel;
use serde::Serialize;

use crate::charts::{HeatMap, XyChart};
use crate::html::{CSS, esc, fmt_num, los_badge, name_html};

/// The settings of one analysis, checked.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Frames on each side of a frame for the speed.
    pub frame_step: u64,
    /// Border method of the speed.
    pub speed_border: String,
    /// What was done with points outside the walkable area.
    pub invalid_points: String,
    /// Voronoi cells computed.
    pub voronoi: bool,
    /// Voronoi cut-off radius, m.
    pub cutoff: Option<f64>,
    /// Flow window, s, and in frames.
    pub flow_window_s: f64,
    /// Flow window in frames (PedPy's delta_frame).
    pub flow_window_frames: u64,
    /// Method B passing depth, m.
    pub passing_depth: Option<f64>,
    /// Grid cell side of the maps, m.
    pub grid_size: f64,
    /// Crowd-pressure smoothing length, m.
    pub pressure_radius: f64,
    /// Fruin table.
    pub los_table: String,
}

/// What the input was.
#[derive(Debug, Clone, Serialize)]
pub struct InputSummary {
    /// Trajectory file.
    pub file: String,
    /// Detected or given format.
    pub format: String,
    /// Frames per second.
    pub frame_rate: f64,
    /// Rows (person × frame).
    pub rows: usize,
    /// Distinct persons.
    pub persons: usize,
    /// First frame.
    pub first_frame: u64,
    /// Last frame.
    pub last_frame: u64,
    /// Duration covered, s.
    pub duration: f64,
    /// Where the walkable area came from.
    pub walkable_area_source: String,
    /// Walkable area, m² (to 1 mm², as every written geometric figure: [`crate::precision`]).
    #[serde(serialize_with = "crate::precision::ser6")]
    pub walkable_area_m2: f64,
    /// Points found outside the walkable area.
    pub points_outside: usize,
    /// Of `points_outside`, those moved into the walkable area (`--invalid correct`).
    pub points_corrected: usize,
    /// Points already inside but within the correction's 0.05 m of a wall, moved away from it
    /// by the same correction (PedPy's `correct_invalid_trajectories` moves them too).
    pub points_moved_near_wall: usize,
    /// The frame window analysed (`--frames`, `--time`, `--steady`), or `None` for the whole
    /// file.
    pub window: Option<WindowSummary>,
    /// Reader notes (unit detected, resampling, …) and our own.
    pub notes: Vec<String>,
}

/// The frames every measure was restricted to, and how they were chosen.
#[derive(Debug, Clone, Serialize)]
pub struct WindowSummary {
    /// First frame of the window (inclusive).
    pub first_frame: u64,
    /// Last frame of the window (inclusive).
    pub last_frame: u64,
    /// Time of the first frame, s (frame / frame rate).
    pub start_s: f64,
    /// Time of the last frame, s.
    pub end_s: f64,
    /// `--frames A:B`, `--time A:B` or `--steady`.
    pub chosen_by: String,
    /// What the steady-state detection found (`--steady` only).
    pub steady: Option<SteadySummary>,
}

/// The steady-state detection of `--steady` (Liao et al. 2016, `aman_analysis::steady`).
#[derive(Debug, Clone, Serialize)]
pub struct SteadySummary {
    /// Measurement area whose density and mean speed per frame were tested.
    pub area: String,
    /// Frames of the reference process (inclusive).
    pub reference_frames: (u64, u64),
    /// Classic density series, 1/m².
    pub density: SteadySeries,
    /// Mean speed series, m/s.
    pub speed: SteadySeries,
    /// Frames where both are steady (inclusive); the window is the longest.
    pub both_steady: Vec<(u64, u64)>,
}

/// The detection on one series.
#[derive(Debug, Clone, Serialize)]
pub struct SteadySeries {
    /// Mean of the reference process (1/m² or m/s).
    pub reference_mean: f64,
    /// Standard deviation of the reference process (1/m² or m/s).
    pub reference_std: f64,
    /// Lag-1 autocorrelation of the reference process.
    pub reference_acf: f64,
    /// Threshold θ of the CUSUM statistic, frames.
    pub theta: u32,
    /// Steady frames (inclusive intervals).
    pub steady: Vec<(u64, u64)>,
}

/// Figures of one measurement area.
#[derive(Debug, Clone, Serialize)]
pub struct AreaSummary {
    /// Name.
    pub name: String,
    /// WKT.
    pub wkt: String,
    /// Area, m² (to 1 mm²).
    #[serde(serialize_with = "crate::precision::ser6")]
    pub area_m2: f64,
    /// Mean classic density over all frames, 1/m².
    pub classic_density_mean: Option<f64>,
    /// Highest classic density, 1/m².
    pub classic_density_max: Option<f64>,
    /// Mean Voronoi density over all frames, 1/m².
    pub voronoi_density_mean: Option<f64>,
    /// Highest Voronoi density, 1/m².
    pub voronoi_density_max: Option<f64>,
    /// Mean of the per-frame mean speed over the frames with somebody inside, m/s.
    pub mean_speed: Option<f64>,
    /// Mean Voronoi speed over the frames with a value, m/s.
    pub voronoi_speed_mean: Option<f64>,
    /// Seconds spent at each Fruin level A–F (by the Voronoi density when computed, else the
    /// classic density).
    pub los_seconds: [f64; 6],
    /// Worst level reached.
    pub los_worst: String,
}

/// Figures of one measurement line.
#[derive(Debug, Clone, Serialize)]
pub struct LineSummary {
    /// Name.
    pub name: String,
    /// WKT.
    pub wkt: String,
    /// Width, m (to 1 µm).
    #[serde(serialize_with = "crate::precision::ser6")]
    pub width: f64,
    /// Persons counted (first crossing each).
    pub crossings: usize,
    /// First and last crossing frame.
    pub first_frame: Option<u64>,
    /// Last crossing frame.
    pub last_frame: Option<u64>,
    /// (N − 1)/(t_N − t_1), 1/s.
    pub mean_flow: Option<f64>,
    /// Mean flow per metre of line, 1/(m·s).
    pub specific_flow: Option<f64>,
    /// Method A intervals.
    pub flow_intervals: usize,
    /// Method B: persons passing, mean passing density (1/m²) and speed (m/s).
    pub passing: Option<PassingSummary>,
    /// Line-based fundamental diagram: mean line density (1/m²), speed (m/s) and specific
    /// flow (1/(m·s)) over the frames where a cell meets the line.
    pub line_density_mean: Option<f64>,
    /// Mean line speed, m/s.
    pub line_speed_mean: Option<f64>,
    /// Mean line flow, 1/(m·s).
    pub line_flow_mean: Option<f64>,
}

/// Method B summary.
#[derive(Debug, Clone, Serialize)]
pub struct PassingSummary {
    /// Persons passing the whole depth.
    pub persons: usize,
    /// Mean passing density, 1/m².
    pub density_mean: Option<f64>,
    /// Mean passing speed, m/s.
    pub speed_mean: Option<f64>,
}

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// aman version.
    pub aman_version: &'static str,
    /// Input.
    pub input: InputSummary,
    /// Settings used.
    pub settings: Settings,
    /// Per area.
    pub areas: Vec<AreaSummary>,
    /// Per line.
    pub lines: Vec<LineSummary>,
    /// Venue-wide maps.
    pub maps: MapsSummary,
    /// Wall time of each step, s.
    pub timings: Vec<(String, f64)>,
    /// Files written.
    pub files: Vec<String>,
}

/// Venue-wide figures.
#[derive(Debug, Clone, Serialize, Default)]
pub struct MapsSummary {
    /// Highest mean density of a grid cell, 1/m².
    pub density_profile_max: Option<f64>,
    /// Highest crowd pressure in a cell and frame, 1/s².
    pub pressure_max: Option<f64>,
    /// Where and when: [x (m), y (m), time (s)] of the cell centre (to 1 µm) and frame.
    #[serde(serialize_with = "crate::precision::ser6_place")]
    pub pressure_max_at: Option<(f64, f64, f64)>,
    /// Latest time a cell was last occupied (RSET map), s.
    pub rset_max: Option<f64>,
}

/// A chart to write and embed.
pub struct Chart {
    /// File stem.
    pub stem: String,
    /// Section it belongs to in the report.
    pub section: &'static str,
    /// What to draw.
    pub kind: ChartKind,
}

/// The two kinds of chart.
pub enum ChartKind {
    /// x–y chart.
    Xy(XyChart),
    /// Heat map.
    Map(HeatMap),
}

/// Renders the page.
///
/// # Errors
/// A message when a chart cannot be drawn.
pub fn render(s: &Summary, charts: &[Chart]) -> Result<String, String> {
    let i = &s.input;
    let mut h = String::with_capacity(64 * 1024);
    let file = i.file.rsplit('/').next().unwrap_or(&i.file);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Analysis of {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(file)
    );
    let _ = writeln!(
        h,
        "<header><h1>Analysis of {}</h1><p class=\"note\">aman {} · {} persons · {} rows · \
         frames {}–{} at {} fps ({:.1} s) · format {}</p></header>",
        name_html(file),
        esc(s.aman_version),
        i.persons,
        i.rows,
        i.first_frame,
        i.last_frame,
        i.frame_rate,
        i.duration,
        esc(&i.format)
    );

    h.push_str("<section>\n<h2>Input</h2>\n<table>\n");
    let row = |h: &mut String, k: &str, v: String| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{v}</td></tr>", esc(k));
    };
    row(&mut h, "Trajectory file", esc(&i.file));
    row(
        &mut h,
        "Walkable area",
        format!(
            "{} ({:.1} m²)",
            esc(&i.walkable_area_source),
            i.walkable_area_m2
        ),
    );
    row(
        &mut h,
        "Points outside the walkable area",
        if i.points_outside == 0 {
            "none".to_owned()
        } else {
            let mut text = format!(
                "{} ({} moved to the nearest walkable point)",
                i.points_outside, i.points_corrected
            );
            if i.points_moved_near_wall > 0 {
                text.push_str(&format!(
                    "; {} more inside, close to a wall, moved away from it",
                    i.points_moved_near_wall
                ));
            }
            text
        },
    );
    h.push_str("</table>\n");
    for n in &i.notes {
        let _ = writeln!(h, "<p class=\"note warn-text\">{}</p>", esc(n));
    }
    h.push_str("</section>\n");

    if !s.areas.is_empty() {
        h.push_str(
            "<section>\n<h2>Measurement areas</h2>\n<table>\n<tr><th>area</th><th>m²</th>\
             <th>classic density mean / max (1/m²)</th><th>Voronoi density mean / max (1/m²)</th>\
             <th>mean speed (m/s)</th><th>Voronoi speed (m/s)</th><th>worst LOS</th>\
             <th>time per LOS A–F (s)</th></tr>\n",
        );
        for a in &s.areas {
            let worst = FruinLevel::ALL
                .iter()
                .find(|l| l.label() == a.los_worst)
                .map_or_else(|| "—".to_owned(), |l| los_badge(*l));
            let times: Vec<String> = a.los_seconds.iter().map(|t| format!("{t:.1}")).collect();
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{:.2}</td><td>{} / {}</td><td>{} / {}</td><td>{}</td>\
                 <td>{}</td><td>{worst}</td><td>{}</td></tr>",
                name_html(&a.name),
                a.area_m2,
                fmt_num(a.classic_density_mean, 3),
                fmt_num(a.classic_density_max, 3),
                fmt_num(a.voronoi_density_mean, 3),
                fmt_num(a.voronoi_density_max, 3),
                fmt_num(a.mean_speed, 3),
                fmt_num(a.voronoi_speed_mean, 3),
                times.join(" · ")
            );
        }
        h.push_str("</table>\n");
        figures(&mut h, charts, "areas")?;
        h.push_str("</section>\n");
    }

    if !s.lines.is_empty() {
        h.push_str(
            "<section>\n<h2>Measurement lines</h2>\n<table>\n<tr><th>line</th><th>width (m)</th>\
             <th>persons</th><th>first – last crossing (frame)</th><th>mean flow (1/s)</th>\
             <th>specific flow (1/(m·s))</th><th>passing density (1/m²)</th>\
             <th>passing speed (m/s)</th><th>line density (1/m²)</th><th>line speed (m/s)</th>\
             <th>line flow (1/(m·s))</th></tr>\n",
        );
        for l in &s.lines {
            let frames = match (l.first_frame, l.last_frame) {
                (Some(a), Some(b)) => format!("{a} – {b}"),
                _ => "—".to_owned(),
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{:.2}</td><td>{}</td><td>{frames}</td><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                name_html(&l.name),
                l.width,
                l.crossings,
                fmt_num(l.mean_flow, 4),
                fmt_num(l.specific_flow, 4),
                fmt_num(l.passing.as_ref().and_then(|p| p.density_mean), 4),
                fmt_num(l.passing.as_ref().and_then(|p| p.speed_mean), 4),
                fmt_num(l.line_density_mean, 4),
                fmt_num(l.line_speed_mean, 4),
                fmt_num(l.line_flow_mean, 4),
            );
        }
        h.push_str("</table>\n");
        figures(&mut h, charts, "lines")?;
        h.push_str("</section>\n");
    }

    if charts.iter().any(|c| c.section == "maps") {
        h.push_str("<section>\n<h2>Venue maps</h2>\n");
        let _ = writeln!(
            h,
            "<p class=\"note\">Grid of {} m cells over the walkable area (black outline). Cells \
             outside it are blank.</p>",
            s.settings.grid_size
        );
        figures(&mut h, charts, "maps")?;
        h.push_str("</section>\n");
    }

    let st = &s.settings;
    h.push_str("<section>\n<h2>Methods and settings</h2>\n<ul>\n");
    let _ = writeln!(
        h,
        "<li><b>Classic density</b>: persons strictly inside the area divided by its area \
         (PedPy 1.5.1 <code>compute_classic_density</code>).</li>\n\
         <li><b>Individual speed</b>: displacement over ±{} frames ({:.3} s) divided by the time \
         between them, border method <code>{}</code> (PedPy <code>compute_individual_speed</code>). \
         Mean speed: mean over the persons inside the area, 0 where nobody is inside.</li>",
        st.frame_step,
        2.0 * st.frame_step as f64 / s.input.frame_rate,
        esc(&st.speed_border)
    );
    if st.voronoi {
        let _ = writeln!(
            h,
            "<li><b>Voronoi density and speed</b>: each person's Voronoi cell clipped to the \
             walkable area{}; ρ = Σ|A<sub>i</sub> ∩ M| / |A<sub>i</sub>| / |M|, \
             v = Σ v<sub>i</sub>|A<sub>i</sub> ∩ M| / |M| (Zhang et al. 2011, J. Stat. Mech. \
             P06004; PedPy <code>compute_voronoi_density</code>, \
             <code>compute_voronoi_speed</code>).</li>",
            st.cutoff
                .map(|r| format!(", cut off at {r} m"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        h,
        "<li><b>N–t and flow</b>: first crossing of each person; mean flow (N − 1)/(t<sub>N</sub> − \
         t<sub>1</sub>); method A in windows of {} s = {} frames (JPSreport; PedPy \
         <code>compute_flow</code>).</li>\n\
         <li><b>Line-based fundamental diagram</b> (with Voronoi cells): density, speed and \
         specific flow at each line from the Voronoi cells it crosses, per direction (Adrian, \
         Boomers, Paetzke, Seyfried 2024; PedPy <code>compute_line_density</code>, \
         <code>compute_line_speed</code>, <code>compute_line_flow</code>); the flow is in \
         1/(m·s).</li>\n\
         <li><b>Level of service</b>: Fruin (1971), table <code>{}</code>, graded per frame on \
         the {} density.</li>",
        st.flow_window_s,
        st.flow_window_frames,
        esc(&st.los_table),
        if st.voronoi { "Voronoi" } else { "classic" }
    );
    let _ = writeln!(
        h,
        "<li><b>Venue maps</b>: mean density and speed per {g} m cell over all frames (PedPy \
         <code>compute_density_profile</code>, <code>compute_speed_profile</code>); peak crowd \
         pressure P = ρ·Var(v) per cell with a Gaussian of smoothing length R = {r} m \
         (Helbing, Johansson, Al-Abideen 2007, Phys. Rev. E 75, 046109); RSET map: the last \
         time each cell was occupied (PedPy <code>compute_rset_map</code>).</li>",
        g = st.grid_size,
        r = st.pressure_radius
    );
    h.push_str("</ul>\n<table>\n<tr><th>step</th><th>wall time (s)</th></tr>\n");
    for (step, t) in &s.timings {
        let _ = writeln!(h, "<tr><td>{}</td><td>{t:.3}</td></tr>", esc(step));
    }
    h.push_str("</table>\n</section>\n<section>\n<h2>Files</h2>\n<p>");
    let _ = write!(
        h,
        "{}",
        s.files
            .iter()
            .map(|f| format!("<code>{}</code>", esc(f)))
            .collect::<Vec<_>>()
            .join(" · ")
    );
    h.push_str(
        "</p>\n</section>\n<footer>Written by aman analyze. CSV files hold every series \
                shown here.</footer>\n</body>\n</html>\n",
    );
    Ok(h)
}

fn figures(h: &mut String, charts: &[Chart], section: &str) -> Result<(), String> {
    for c in charts.iter().filter(|c| c.section == section) {
        let svg = match &c.kind {
            ChartKind::Xy(chart) => crate::charts::chart_svg(chart),
            ChartKind::Map(map) => crate::charts::heat_map_svg(map),
        }?;
        h.push_str("<div class=\"figure\">");
        h.push_str(&svg);
        h.push_str("</div>\n");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::{Series, SeriesStyle};

    fn summary() -> Summary {
        Summary {
            aman_version: "test",
            input: InputSummary {
                file: "data/<i>run.txt".into(),
                format: "pedpy".into(),
                frame_rate: 16.0,
                rows: 1600,
                persons: 10,
                first_frame: 0,
                last_frame: 159,
                duration: 9.9375,
                walkable_area_source: "bounding box".into(),
                walkable_area_m2: 40.0,
                points_outside: 0,
                points_corrected: 0,
                points_moved_near_wall: 0,
                window: None,
                notes: vec![],
            },
            settings: Settings {
                frame_step: 5,
                speed_border: "exclude".into(),
                invalid_points: "refuse".into(),
                voronoi: false,
                cutoff: None,
                flow_window_s: 10.0,
                flow_window_frames: 160,
                passing_depth: None,
                grid_size: 1.0,
                pressure_radius: 0.7,
                los_table: "walkway".into(),
            },
            areas: vec![AreaSummary {
                name: "<script>alert(1)</script>".into(),
                wkt: "POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))".into(),
                area_m2: 4.0,
                classic_density_mean: Some(1.25),
                classic_density_max: Some(2.5),
                voronoi_density_mean: None,
                voronoi_density_max: None,
                mean_speed: Some(0.8),
                voronoi_speed_mean: None,
                los_seconds: [1.0, 2.0, 3.0, 2.0, 1.0, 0.9375],
                los_worst: "F".into(),
            }],
            lines: vec![],
            maps: MapsSummary::default(),
            timings: vec![("load".into(), 0.01)],
            files: vec!["summary.json".into(), "report.html".into()],
        }
    }

    /// Names from the input are escaped and bidi-isolated, the worst level is a badge, the
    /// chart is drawn, and the page has none of the problems [`crate::check`] looks for.
    #[test]
    fn page_escapes_names_and_draws_its_chart() {
        let chart = Chart {
            stem: "density".into(),
            section: "areas",
            kind: ChartKind::Xy(XyChart {
                title: "Density".into(),
                x_label: "t (s)".into(),
                y_label: "ρ (1/m²)".into(),
                series: vec![Series {
                    name: "area".into(),
                    points: vec![(0.0, 0.5), (5.0, 2.5), (9.9, 1.0)],
                    style: SeriesStyle::Line,
                }],
                ..Default::default()
            }),
        };
        let html = render(&summary(), &[chart]).unwrap();
        assert!(!html.contains("<script>"), "user text must be escaped");
        assert!(html.contains("<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>"));
        assert!(html.contains("Analysis of &lt;i&gt;run.txt"));
        assert!(html.contains("LOS F</span>"), "worst level as a badge");
        assert!(html.contains("1.250 / 2.500"), "classic density mean / max");
        assert_eq!(html.matches("<svg").count(), 1);
        assert!(crate::check::page_problems(&html).is_empty());
    }
}
