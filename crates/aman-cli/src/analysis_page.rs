//! `report.html` of `aman analyze`: one self-contained page (inline CSS and SVG, no script)
//! with the input, the key figures per area and line, every chart, the venue maps and the
//! methods with their settings and sources. Same look as the simulation report.

use std::fmt::Write as _;

use aman_analysis::los::FruinLevel;

use crate::commands::analyze::{Chart, ChartKind, Summary};
use aman_report::html::{CSS, esc, fmt_num, los_badge, name_html};

/// Renders the page.
///
/// # Errors
/// A message when a chart cannot be drawn.
pub fn render(s: &Summary, charts: &[Chart]) -> Result<String, anyhow::Error> {
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

fn figures(h: &mut String, charts: &[Chart], section: &str) -> Result<(), anyhow::Error> {
    for c in charts.iter().filter(|c| c.section == section) {
        let svg = match &c.kind {
            ChartKind::Xy(chart) => aman_report::charts::chart_svg(chart),
            ChartKind::Map(map) => aman_report::charts::heat_map_svg(map),
        }
        .map_err(|e| anyhow::anyhow!(e))?;
        h.push_str("<div class=\"figure\">");
        h.push_str(&svg);
        h.push_str("</div>\n");
    }
    Ok(())
}
