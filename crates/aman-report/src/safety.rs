//! The parts of the simulation report a safety case needs beyond the key figures, as
//! Pathfinder and MassMotion reports show them: the timeline of events, each exit's N–t curve,
//! flow and queue over time with waiting times, the map of time spent at Fruin level E or
//! worse, density snapshots at chosen moments, and the run's parameters.

use std::fmt::Write as _;

use aman_analysis::flow::flow_in_windows;
use aman_analysis::los::FruinLevel;
use aman_analysis::n_t;

use crate::charts::{self, Series, SeriesStyle, XyChart};
use crate::html::{count, esc, figure, fmt_num, fmt_opt_time, fmt_time, isolate, name_html};
use crate::map::{self, Layer, NEVER_OCCUPIED, TIME_AT_E_CLASSES};
use crate::simulation::{ReportInput, series_hex, series_rgb};

/// Window of the flow-over-time chart, s.
pub const FLOW_WINDOW_S: f64 = 10.0;

/// Points of a time series drawn at most; longer series are reduced to the maximum of each of
/// this many buckets (a queue's peaks stay visible).
const MAX_POINTS: usize = 900;

/// Appends `chart` drawn, or a note saying why `what` could not be (no data, or a drawing
/// error).
pub(crate) fn chart_figure(h: &mut String, chart: &XyChart, what: &str) {
    if charts::has_data(chart) {
        figure(h, charts::chart_svg(chart), what);
    } else {
        let _ = writeln!(
            h,
            "<p class=\"empty\">{} has no data to draw.</p>",
            esc(what)
        );
    }
}

/// Last time any series reaches, s: the end of the run, or a later exit or crossing.
fn t_end(input: &ReportInput) -> f64 {
    let last = input
        .exits
        .iter()
        .flat_map(|e| e.exit_times.iter())
        .chain(input.lines.iter().flat_map(|l| l.crossing_times.iter()))
        .copied()
        .filter(|t| t.is_finite())
        .fold(0.0_f64, f64::max);
    let t = if input.simulated_time.is_finite() {
        input.simulated_time.max(last)
    } else {
        last
    };
    if t > 0.0 { t } else { 1.0 }
}

/// N(t) as the corners of a step function from (0, 0) to `t_end`: cumulative persons.
pub(crate) fn step_points(times: &[f64], t_end: f64) -> Vec<(f64, f64)> {
    let mut pts = vec![(0.0_f64, 0.0_f64)];
    let mut n = 0.0;
    for p in n_t(times) {
        let t = p.time.max(0.0);
        pts.push((t, n));
        n = p.count as f64;
        pts.push((t, n));
    }
    pts.push((t_end.max(pts.last().map_or(0.0, |p| p.0)), n));
    pts
}

/// The N–t diagram: one solid curve per exit, one dashed per measurement line, in the map's
/// colours; the y axis counts persons.
pub(crate) fn nt_chart(input: &ReportInput) -> XyChart {
    let end = t_end(input);
    let mut series = Vec::new();
    let mut colours = Vec::new();
    for (k, e) in input.exits.iter().enumerate() {
        series.push(Series {
            name: format!("exit {} ({})", isolate(&e.name), e.exit_times.len()),
            points: step_points(&e.exit_times, end),
            style: SeriesStyle::Line,
        });
        colours.push(series_rgb(k));
    }
    for (k, l) in input.lines.iter().enumerate() {
        series.push(Series {
            name: format!("line {} ({})", isolate(&l.name), l.crossing_times.len()),
            points: step_points(&l.crossing_times, end),
            style: SeriesStyle::Dashed,
        });
        colours.push(series_rgb(input.exits.len() + k));
    }
    XyChart {
        title: "N–t diagram: persons out per exit, crossings per line".into(),
        x_label: "time t (s)".into(),
        y_label: "cumulative persons N".into(),
        series,
        y_from_zero: true,
        y_integer: true,
        colours,
        ..XyChart::default()
    }
}

/// Flow through each exit in windows of [`FLOW_WINDOW_S`], 1/s, as steps.
pub(crate) fn flow_chart(input: &ReportInput) -> XyChart {
    let end = t_end(input);
    let (series, colours) = input
        .exits
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let mut points = flow_in_windows(&e.exit_times, FLOW_WINDOW_S, 0.0, end);
            if let Some(&(_, last)) = points.last() {
                points.push((end, last));
            }
            let s = Series {
                name: format!("exit {}", isolate(&e.name)),
                points,
                style: SeriesStyle::Step,
            };
            (s, series_rgb(k))
        })
        .unzip();
    XyChart {
        title: format!("Flow through each exit, {FLOW_WINDOW_S:.0} s windows"),
        x_label: "time t (s)".into(),
        y_label: "flow (persons/s)".into(),
        series,
        y_from_zero: true,
        legend_right: true,
        colours,
        ..XyChart::default()
    }
}

/// `values` sampled at `times`, reduced to at most [`MAX_POINTS`] points by keeping the
/// largest value of each bucket (at the bucket's first time).
fn reduce_max(times: &[f64], values: &[u32]) -> Vec<(f64, f64)> {
    let n = times.len().min(values.len());
    let per = n.div_ceil(MAX_POINTS).max(1);
    (0..n)
        .step_by(per)
        .map(|i| {
            let top = values[i..(i + per).min(n)]
                .iter()
                .copied()
                .max()
                .unwrap_or(0);
            (times[i], f64::from(top))
        })
        .collect()
}

/// Persons queueing in front of each exit over time; the y axis counts persons.
pub(crate) fn queue_chart(input: &ReportInput) -> XyChart {
    let (series, colours) = input
        .exits
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let s = Series {
                name: format!("exit {}", isolate(&e.name)),
                points: reduce_max(&input.queue_times, &e.queue),
                style: SeriesStyle::Line,
            };
            (s, series_rgb(k))
        })
        .unzip();
    XyChart {
        title: format!(
            "Queue in front of each exit (within {} m walking distance)",
            crate::map::fmt_len(input.queue_zone)
        ),
        x_label: "time t (s)".into(),
        y_label: "persons queueing".into(),
        series,
        y_from_zero: true,
        y_integer: true,
        legend_right: true,
        colours,
        ..XyChart::default()
    }
}

/// Mean and largest of `v`, `None` if empty.
fn mean_max(v: &[f64]) -> Option<(f64, f64)> {
    let finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    let mean = finite.iter().sum::<f64>() / finite.len() as f64;
    Some((mean, finite.iter().copied().fold(f64::MIN, f64::max)))
}

/// The time at which ⌈share · n⌉ of `sorted` (ascending) had happened, if it was reached.
fn time_of_share(sorted: &[f64], n: usize, share: f64) -> Option<f64> {
    let k = ((share * n as f64) - 1e-9).ceil().max(1.0) as usize;
    sorted.get(k - 1).copied()
}

/// The timeline: events, first and last person out per exit, 10/50/90/100 % out, end.
pub(crate) fn timeline(h: &mut String, input: &ReportInput) {
    let mut rows: Vec<(f64, u8, String)> = Vec::new();
    for e in &input.events {
        let what = if e.opens { "opens" } else { "closes" };
        rows.push((
            e.time,
            0,
            format!("<b>{} {what}</b> (scenario event)", name_html(&e.stage)),
        ));
    }
    for (k, e) in input.exits.iter().enumerate() {
        let mut t: Vec<f64> = e
            .exit_times
            .iter()
            .copied()
            .filter(|t| t.is_finite())
            .collect();
        t.sort_by(f64::total_cmp);
        let swatch = format!(
            "<span class=\"swatch\" style=\"background:{}\"></span> ",
            series_hex(k)
        );
        if let (Some(&first), Some(&last)) = (t.first(), t.last()) {
            rows.push((
                first,
                1,
                format!("{swatch}first person out through {}", name_html(&e.name)),
            ));
            // with persons still inside, the last so far may not be the last
            let text = if input.agents_left == 0 {
                format!(
                    "{swatch}last person out through {} ({} in all)",
                    name_html(&e.name),
                    count(t.len(), "person", "persons")
                )
            } else {
                format!(
                    "{swatch}latest person out through {} before the end of the run ({} by \
                     then; persons were still inside)",
                    name_html(&e.name),
                    count(t.len(), "person", "persons")
                )
            };
            rows.push((last, 2, text));
        }
    }
    let mut all: Vec<f64> = input
        .exits
        .iter()
        .flat_map(|e| e.exit_times.iter().copied())
        .filter(|t| t.is_finite())
        .collect();
    all.sort_by(f64::total_cmp);
    for (share, label) in [(0.1, "10 %"), (0.5, "50 %"), (0.9, "90 %"), (1.0, "100 %")] {
        if input.agents_total == 0 {
            break;
        }
        if let Some(t) = time_of_share(&all, input.agents_total, share) {
            let n = ((share * input.agents_total as f64) - 1e-9).ceil() as usize;
            rows.push((
                t,
                3,
                format!("<b>{label} out</b> ({} of {})", n, input.agents_total),
            ));
        }
    }
    rows.push((
        input.simulated_time,
        4,
        if input.agents_left == 0 {
            "end of the run: everybody out".to_string()
        } else {
            format!(
                "end of the run: {} still inside or not yet entered",
                count(input.agents_left, "person", "persons")
            )
        },
    ));
    rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    h.push_str("<section>\n<h2>Timeline</h2>\n<table class=\"timeline\">\n<tr><th class=\"num\">Time</th><th>Event</th></tr>\n");
    for (t, _, text) in rows {
        let _ = writeln!(
            h,
            "<tr><td class=\"num\">{}</td><td>{text}</td></tr>",
            fmt_time(t)
        );
    }
    h.push_str("</table>\n</section>\n");
}

/// Exits over time: N–t, flow and queue charts, and the queue and waiting-time table.
pub(crate) fn exits_over_time(h: &mut String, input: &ReportInput) {
    h.push_str("<section>\n<h2>Exits over time</h2>\n");
    if input.exits.is_empty() && input.lines.is_empty() {
        h.push_str("<p class=\"empty\">No exits or measurement lines: nothing to plot.</p>\n");
        h.push_str("</section>\n");
        return;
    }
    h.push_str(
        "<p class=\"note\">Cumulative persons out through each exit (solid) and across each \
         measurement line (dashed), against time.</p>\n",
    );
    chart_figure(h, &nt_chart(input), "The N–t diagram");
    if input.exits.is_empty() {
        h.push_str("</section>\n");
        return;
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">Persons out through each exit per second, counted in consecutive \
         {FLOW_WINDOW_S:.0} s windows from t = 0.</p>"
    );
    chart_figure(h, &flow_chart(input), "The flow diagram");
    let _ = writeln!(
        h,
        "<p class=\"note\">Queue: persons heading for the exit, moving (their pre-movement time \
         over), within {} m of walking distance of it (along the routes, around obstacles), \
         counted every {} s. Waiting time: from entering that zone (or starting to move in it) \
         to leaving through the exit; crossing the zone at free speed (1.34 m/s) takes \
         {:.1} s, anything beyond is delay.</p>",
        crate::map::fmt_len(input.queue_zone),
        charts::tick(input.frame_interval),
        input.queue_zone / 1.34
    );
    if input.queue_times.is_empty() {
        h.push_str("<p class=\"empty\">Queues were not recorded.</p>\n");
    } else {
        chart_figure(h, &queue_chart(input), "The queue diagram");
    }
    h.push_str(
        "<table>\n<tr><th>Exit</th><th class=\"num\">Persons out</th>\
         <th class=\"num\">Peak flow, 10 s (1/s)</th><th class=\"num\">Longest queue</th>\
         <th class=\"num\">at</th><th class=\"num\">Mean waiting time</th>\
         <th class=\"num\">Longest waiting time</th></tr>\n",
    );
    let end = t_end(input);
    for (k, e) in input.exits.iter().enumerate() {
        // over the full windows (a short last window's few persons over its few seconds is
        // no flow a door sustains); over the one short window if the run is shorter
        let windows = flow_in_windows(&e.exit_times, FLOW_WINDOW_S, 0.0, end);
        let full: Vec<f64> = windows
            .iter()
            .filter(|w| w.0 + FLOW_WINDOW_S <= end + 1e-9)
            .map(|w| w.1)
            .collect();
        let peak_flow = if full.is_empty() {
            windows.iter().map(|w| w.1).collect()
        } else {
            full
        }
        .into_iter()
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        let longest = e.queue.iter().zip(&input.queue_times).fold(
            None,
            |best: Option<(u32, f64)>, (&q, &t)| match best {
                Some((b, _)) if b >= q => best,
                _ => Some((q, t)),
            },
        );
        let (queue, at) = match longest {
            Some((q, t)) => (q.to_string(), fmt_time(t)),
            None => ("—".into(), "—".into()),
        };
        let wait = mean_max(&e.waiting_times);
        let _ = writeln!(
            h,
            "<tr><td><span class=\"swatch\" style=\"background:{}\"></span> {}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{queue}</td>\
             <td class=\"num\">{at}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            series_hex(k),
            name_html(&e.name),
            e.exit_times.len(),
            fmt_num(peak_flow, 2),
            fmt_opt_time(wait.map(|w| w.0), "—"),
            fmt_opt_time(wait.map(|w| w.1), "—"),
        );
    }
    h.push_str("</table>\n</section>\n");
}

/// The map of time at level E or worse, and the density snapshots.
pub(crate) fn congestion_maps(h: &mut String, input: &ReportInput) {
    let Some(d) = input.density.as_ref() else {
        return;
    };
    h.push_str("<section>\n<h2>Time at Fruin level E or worse</h2>\n");
    if d.time_at_e.len() == d.peak.len() && !d.peak.is_empty() {
        let total: usize = d
            .time_at_e
            .iter()
            .filter(|t| t.is_finite() && **t > 0.0)
            .count();
        let worst = d
            .time_at_e
            .iter()
            .copied()
            .filter(|t| t.is_finite())
            .fold(0.0_f64, f64::max);
        let _ = writeln!(
            h,
            "<p class=\"note\">How long each {c} m × {c} m cell was at level of service E or F \
             (more than {:.2} persons/m², less than 0.93 m² per person; Fruin 1971, walkways): \
             where the crowd stayed dense, not only where it was dense once. {} reached it; the \
             longest was {}.</p>",
            aman_analysis::density::LOS_E_DENSITY,
            count(total, "cell", "cells"),
            fmt_time(worst),
            c = crate::map::fmt_len(d.cell),
        );
        match map::layered_map(input, Layer::TimeAtE) {
            Some(svg) => {
                h.push_str("<div class=\"figure\">");
                h.push_str(&svg);
                h.push_str("</div>\n");
            }
            None => h.push_str("<p class=\"empty\">No geometry to draw.</p>\n"),
        }
        h.push_str("<div class=\"legend\"><table>\n<tr><th colspan=\"2\">Time at LOS E or worse</th></tr>\n");
        let _ = writeln!(
            h,
            "<tr><td><span class=\"swatch\" style=\"background:{NEVER_OCCUPIED}\"></span></td><td>never</td></tr>"
        );
        let mut lower = 0.0;
        for (upper, colour) in TIME_AT_E_CLASSES {
            let text = if upper.is_finite() {
                format!("{lower:.0} – {upper:.0} s")
            } else {
                format!("≥ {lower:.0} s")
            };
            let _ = writeln!(
                h,
                "<tr><td><span class=\"swatch\" style=\"background:{colour}\"></span></td><td>{text}</td></tr>"
            );
            lower = upper;
        }
        h.push_str("</table></div>\n");
    } else {
        h.push_str("<p class=\"empty\">Not recorded.</p>\n");
    }
    h.push_str("</section>\n");

    h.push_str("<section>\n<h2>Density snapshots</h2>\n");
    if input.snapshots.is_empty() {
        h.push_str(
            "<p class=\"empty\">No snapshot: the run ended before the first chosen moment.</p>\n",
        );
    } else {
        h.push_str(
            "<p class=\"note\">The density of every cell at one moment, coloured by Fruin level \
             of service as in the legend of the peak-density map; grey cells were empty. The \
             moments are the scenario's <code>[output] snapshots</code>, or else those at which \
             10 %, 50 % and 90 % of the persons had left.</p>\n",
        );
    }
    h.push_str("<div class=\"snapshots\">\n");
    for (k, snap) in input.snapshots.iter().enumerate() {
        let peak = snap
            .cells
            .iter()
            .map(|c| f64::from(c.1))
            .fold(0.0, f64::max);
        let svg = map::layered_map(input, Layer::Snapshot(snap, k));
        // The block is as wide as its map, so that narrow maps stand side by side.
        let width = svg
            .as_deref()
            .and_then(|svg| svg.split("width=\"").nth(1))
            .and_then(|w| w.split('"').next())
            .and_then(|w| w.parse::<f64>().ok())
            .map_or(String::new(), |w| {
                format!(" style=\"width:{}px\"", w.max(300.0))
            });
        let _ = writeln!(
            h,
            "<div class=\"snapshot\"{width}><h3>t = {} — {}</h3>\n<p class=\"note\">{} inside; \
             highest cell density {:.2} persons/m² {}</p>",
            fmt_time(snap.time),
            esc(&snap.reason),
            count(snap.agents_inside, "person", "persons"),
            peak,
            crate::html::los_badge(FruinLevel::walkway(peak))
        );
        if let Some(svg) = svg {
            h.push_str("<div class=\"figure\">");
            h.push_str(&svg);
            h.push_str("</div>\n");
        }
        h.push_str("</div>\n");
    }
    h.push_str("</div>\n</section>\n");
}

/// The run's parameters: aman version, scenario file, model and its parameters, time step,
/// seed, end time, output settings, populations and arrivals.
pub(crate) fn run_parameters(h: &mut String, input: &ReportInput) {
    h.push_str("<section>\n<h2>Run parameters</h2>\n<table class=\"params\">\n");
    let row = |h: &mut String, k: &str, v: String| {
        let _ = writeln!(h, "<tr><th>{k}</th><td>{v}</td></tr>");
    };
    row(h, "aman version", esc(&input.aman_version));
    row(
        h,
        "Scenario file",
        format!("<code><bdi>{}</bdi></code>", esc(&input.scenario_path)),
    );
    row(h, "Model", format!("<bdi>{}</bdi>", esc(&input.model)));
    for (k, v) in &input.model_parameters {
        row(h, &format!("&nbsp;&nbsp;{}", esc(k)), esc(v));
    }
    row(h, "Time step dt", format!("{} s", input.dt));
    row(h, "Seed", input.seed.to_string());
    row(h, "End time", fmt_time(input.end_time));
    row(
        h,
        "Output frames (queues, densities)",
        format!("every {} s", charts::tick(input.frame_interval)),
    );
    if let Some(d) = &input.density {
        row(
            h,
            "Density cells",
            format!("{0} m × {0} m", crate::map::fmt_len(d.cell)),
        );
    }
    row(
        h,
        "Queue zone",
        format!(
            "{} m walking distance",
            crate::map::fmt_len(input.queue_zone)
        ),
    );
    for (name, n) in &input.populations {
        row(
            h,
            &format!("Population {}", name_html(name)),
            format!("{} placed at the start", count(*n, "person", "persons")),
        );
    }
    for (name, n) in &input.arrivals {
        row(
            h,
            &format!("Arrivals {}", name_html(name)),
            format!("{} arriving during the run", count(*n, "person", "persons")),
        );
    }
    h.push_str("</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulation::ExitReport;

    #[test]
    fn shares_follow_the_ceiling_rule() {
        let t = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(time_of_share(&t, 4, 0.5), Some(2.0));
        assert_eq!(time_of_share(&t, 4, 0.9), Some(4.0)); // ⌈3.6⌉ = 4
        assert_eq!(time_of_share(&t, 5, 1.0), None);
    }

    #[test]
    fn queues_keep_their_peaks_when_reduced() {
        let times: Vec<f64> = (0..2000).map(|i| i as f64 * 0.1).collect();
        let mut q = vec![1u32; 2000];
        q[1234] = 40;
        let pts = reduce_max(&times, &q);
        assert!(pts.len() <= MAX_POINTS);
        assert_eq!(pts.iter().map(|p| p.1).fold(0.0, f64::max), 40.0);
    }

    #[test]
    fn a_short_last_window_is_not_the_peak_flow() {
        // 10 persons in [0, 10 s), then 7 in the last 1.9 s of a run of 21.9 s: the short
        // window's 3.7 1/s is no sustained flow; the peak is the full window's 1.0 1/s
        let mut times: Vec<f64> = (0..10).map(|k| f64::from(k) + 0.5).collect();
        times.extend((0..7).map(|k| 20.1 + f64::from(k) * 0.25));
        let input = ReportInput {
            agents_total: 17,
            simulated_time: 21.9,
            queue_zone: 5.0,
            frame_interval: 1.0,
            exits: vec![ExitReport {
                name: "west".into(),
                agents: 17,
                exit_times: times,
                ..ExitReport::default()
            }],
            ..ReportInput::default()
        };
        let mut h = String::new();
        exits_over_time(&mut h, &input);
        assert!(h.contains("<td class=\"num\">1.00</td>"), "{h}");
        assert!(!h.contains("<td class=\"num\">3.68</td>"), "{h}");
    }

    #[test]
    fn exit_table_and_timeline_show_hand_checked_figures() {
        let input = ReportInput {
            agents_total: 4,
            simulated_time: 30.0,
            queue_zone: 5.0,
            frame_interval: 1.0,
            queue_times: vec![0.0, 1.0, 2.0, 3.0],
            events: vec![crate::simulation::EventReport {
                time: 15.0,
                stage: "west".into(),
                opens: false,
            }],
            exits: vec![ExitReport {
                name: "west".into(),
                agents: 4,
                exit_times: vec![2.0, 4.0, 12.0, 14.0],
                queue: vec![3, 4, 2, 0],
                waiting_times: vec![1.0, 2.0, 6.0],
                ..ExitReport::default()
            }],
            ..ReportInput::default()
        };
        let mut h = String::new();
        exits_over_time(&mut h, &input);
        // Peak flow: 2 persons in [0, 10 s) and 2 in [10, 20 s): 0.2 1/s.
        assert!(h.contains("<td class=\"num\">0.20</td>"), "{h}");
        // Longest queue 4 at t = 1 s; waiting 3.0 s on average, 6.0 s at most.
        assert!(
            h.contains("<td class=\"num\">4</td><td class=\"num\">1.0 s</td>"),
            "{h}"
        );
        assert!(
            h.contains("<td class=\"num\">3.0 s</td><td class=\"num\">6.0 s</td>"),
            "{h}"
        );
        let mut t = String::new();
        timeline(&mut t, &input);
        let order = [
            "first person out",
            "<b>10 % out</b> (1 of 4)",
            "<b>50 % out</b> (2 of 4)",
            "last person out",
            "<b>100 % out</b>",
            "closes</b>",
            "end of the run: everybody out",
        ];
        let at: Vec<usize> = order.iter().map(|s| t.find(s).expect(s)).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{t}");
        // a run that ended with persons inside has no "last person out" yet
        let stopped = ReportInput {
            agents_left: 3,
            ..input
        };
        let mut t = String::new();
        timeline(&mut t, &stopped);
        assert!(!t.contains("last person out"), "{t}");
        assert!(t.contains("latest person out through"), "{t}");
    }
}
