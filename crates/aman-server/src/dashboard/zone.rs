//! A zone's page (`GET /zones/{id}`): its live figures and its time series — occupancy,
//! density, level of service, flow through its gates and crowd pressure — over the last
//! 30 minutes (1 s buckets) and since midnight, Paris time (1 min buckets), with the rules'
//! raise and clear thresholds drawn. Charts are SVG drawn here; times on their axes are in
//! Paris and Casablanca time. The forecast of the next 10 minutes ([`crate::forecast`]) is
//! drawn dashed after the last 30 minutes of density and level of service, with when the zone
//! reaches level E and each rule's threshold ([`super::forecast::zone_panel`]); the script
//! redraws both from each `forecast` message.

use aman_monitor::Timestamp;
use aman_monitor::venue::{Measure, Subject};
use aman_store::{HistoryRow, Resolution};
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::html::{esc, num};
use super::{Viewer, html_response, layout, not_found_page, open_count};
use crate::app::now;
use crate::auth::Caller;
use crate::error::AppError;
use crate::exercise::Ctx;
use crate::forecast::HORIZON_S;

const W: f64 = 560.0;
const H: f64 = 170.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 34.0;

/// A horizontal line drawn on a chart: value, and whether it raises (else clears).
struct Threshold {
    value: f64,
    raise: bool,
}

fn hm(t: i64, zone: &str) -> String {
    aman_i18n::time::local(t, zone).map_or_else(
        || "--:--".to_string(),
        |l| format!("{:02}:{:02}", l.time.0, l.time.1),
    )
}

/// The forecast drawn after a chart's measured series: its points (µs, value) from now, the
/// zone, and the time the forecast starts (µs).
struct Ahead<'a> {
    points: &'a [(i64, f64)],
    /// The band (µs, low, high) of a density series; empty for the level of service.
    band: &'a [(i64, f64, f64)],
    zone: &'a str,
    now: i64,
}

/// One chart: `points` (µs, value) from `t0` to `t1`, a gap wider than `gap_us` breaks the
/// line; `letters` labels the y axis A…F (level of service) instead of numbers. With
/// `ahead`, the forecast is drawn dashed after the measured series and labelled, and the
/// chart carries its frame (`data-t0`, `data-t1` in ms, `data-top`, the plot's box) for the
/// script to redraw it from each `forecast` message.
#[allow(clippy::too_many_arguments)]
fn chart(
    v: &Viewer,
    class: &str,
    points: &[(i64, f64)],
    (t0, t1): (i64, i64),
    gap_us: i64,
    thresholds: &[Threshold],
    letters: bool,
    ahead: Option<&Ahead>,
) -> String {
    let top_value = points
        .iter()
        .chain(ahead.map_or(&[][..], |a| a.points))
        .map(|p| p.1)
        .chain(thresholds.iter().map(|t| t.value))
        .fold(if letters { 5.0 } else { 1.0 }, f64::max)
        * if letters { 1.0 } else { 1.1 };
    let x = |t: i64| LEFT + (t - t0) as f64 / (t1 - t0).max(1) as f64 * (W - LEFT - RIGHT);
    let y = |val: f64| TOP + (1.0 - val / top_value) * (H - TOP - BOTTOM);
    let frame = ahead.map_or_else(String::new, |_| {
        format!(
            " data-t0=\"{}\" data-t1=\"{}\" data-top=\"{top_value}\" data-x0=\"{LEFT}\" \
             data-x1=\"{}\" data-y0=\"{TOP}\" data-y1=\"{}\"",
            t0 / 1000,
            t1 / 1000,
            W - RIGHT,
            H - BOTTOM
        )
    });
    let mut s = format!(
        "<svg class=\"chart {class}\" viewBox=\"0 0 {W} {H}\" preserveAspectRatio=\"xMidYMid meet\" \
         role=\"img\" direction=\"ltr\"{frame}>\
         <rect class=\"plot\" x=\"{LEFT}\" y=\"{TOP}\" width=\"{}\" height=\"{}\"/>",
        W - LEFT - RIGHT,
        H - TOP - BOTTOM
    );
    // Y ticks.
    if letters {
        for (i, l) in ["A", "B", "C", "D", "E", "F"].iter().enumerate() {
            s.push_str(&format!(
                "<text class=\"tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{l}</text>",
                LEFT - 4.0,
                y(i as f64) + 4.0
            ));
        }
    } else {
        for k in 0..=4 {
            let val = top_value * f64::from(k) / 4.0;
            let decimals = if top_value < 10.0 { 1 } else { 0 };
            s.push_str(&format!(
                "<text class=\"tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
                 <line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
                LEFT - 4.0,
                y(val) + 4.0,
                num(Some(val), decimals),
                W - RIGHT,
                y(val),
                y(val)
            ));
        }
    }
    // X ticks: Paris time above, Casablanca time below.
    for k in 0..=4 {
        let t = t0 + (t1 - t0) * k / 4;
        s.push_str(&format!(
            "<text class=\"tick\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
             <text class=\"tick casa\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x(t),
            H - BOTTOM + 13.0,
            hm(t, aman_i18n::time::PARIS),
            x(t),
            H - BOTTOM + 26.0,
            hm(t, aman_i18n::time::CASABLANCA)
        ));
    }
    for th in thresholds {
        s.push_str(&format!(
            "<line class=\"threshold {}\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"/>\
             <text class=\"threshold-label\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            if th.raise { "raise" } else { "clear" },
            W - RIGHT,
            y(th.value),
            y(th.value),
            W - RIGHT - 2.0,
            // A raise label above its line, a clear label below: a rule whose two levels are
            // equal or close keeps both readable.
            if th.raise {
                y(th.value) - 3.0
            } else {
                y(th.value) + 11.0
            },
            esc(&v.l.t_args(
                if th.raise {
                    "threshold-raise"
                } else {
                    "threshold-clear"
                },
                &[("value", aman_i18n::Arg::Str(&num(Some(th.value), 2)))]
            ))
        ));
    }
    let mut d = String::new();
    let mut last: Option<i64> = None;
    for &(t, val) in points {
        let jump = last.is_none_or(|l| t - l > gap_us);
        d.push_str(&format!(
            "{}{:.1},{:.1}",
            if jump { 'M' } else { 'L' },
            x(t),
            y(val)
        ));
        last = Some(t);
    }
    if points.is_empty() {
        s.push_str(&format!(
            "<text class=\"no-data\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            W / 2.0,
            H / 2.0,
            v.t("no-data")
        ));
    } else {
        s.push_str(&format!("<path class=\"series\" d=\"{d}\"/>"));
    }
    if let Some(a) = ahead {
        let mut d = String::new();
        for &(t, val) in a.points.iter().filter(|p| p.0 <= t1) {
            d.push_str(&format!(
                "{}{:.1},{:.1}",
                if d.is_empty() { 'M' } else { 'L' },
                x(t),
                y(val.min(top_value))
            ));
        }
        if a.band.is_empty() {
            // No band for the level of service.
        } else {
            // The band: along its high edge forward, its low edge back (empty while every
            // input is fresh, the band then having no width; the script redraws it).
            let shown: Vec<&(i64, f64, f64)> = a.band.iter().filter(|p| p.0 <= t1).collect();
            let wide = shown.iter().any(|p| p.2 - p.1 > 1e-9);
            let mut d = String::new();
            if wide {
                for p in &shown {
                    let c = if d.is_empty() { 'M' } else { 'L' };
                    d.push_str(&format!("{c}{:.1},{:.1}", x(p.0), y(p.2.min(top_value))));
                }
                for p in shown.iter().rev() {
                    d.push_str(&format!("L{:.1},{:.1}", x(p.0), y(p.1.min(top_value))));
                }
                d.push('Z');
            }
            s.push_str(&format!(
                "<path class=\"forecast-band\" data-forecast-zone=\"{}\" d=\"{d}\"/>",
                esc(a.zone)
            ));
        }
        let xn = x(a.now.clamp(t0, t1));
        s.push_str(&format!(
            "<line class=\"now\" x1=\"{xn:.1}\" x2=\"{xn:.1}\" y1=\"{TOP}\" y2=\"{}\"/>\
             <text class=\"forecast-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <path class=\"forecast\" data-forecast-zone=\"{}\" data-series=\"{class}\" d=\"{d}\"/>",
            H - BOTTOM,
            W - RIGHT - 3.0,
            H - BOTTOM - 5.0,
            esc(&v.l.t_args(
                "forecast-chart-label",
                &[("min", aman_i18n::Arg::Str(&format!("{:.0}", HORIZON_S / 60.0)))]
            )),
            esc(a.zone),
        ));
    }
    s.push_str("</svg>");
    s
}

/// `GET /zones/{id}`.
pub async fn page(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let open = open_count(&app).await?;
    let venue = &app.venue;
    let Some(zi) = venue.zones.iter().position(|z| z.id == id) else {
        return Ok(not_found_page(&v, open));
    };
    let zone = &venue.zones[zi];
    let t = now();
    let recent = (t.0 - 30 * 60 * 1_000_000, t.0);
    let midnight =
        aman_i18n::time::local(t.0, aman_i18n::time::PARIS).map_or(t.0 - 86_400_000_000, |l| {
            let (h, m, s) = l.time;
            t.0 - (i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s)) * 1_000_000
        });
    let day = (midnight.min(recent.0), t.0);
    let fetch = |subject: String, res: Resolution, (a, b): (i64, i64)| {
        let store = app.store.clone();
        let venue_id = venue.id.clone();
        async move {
            store
                .history(&venue_id, &subject, res, Timestamp(a), Timestamp(b))
                .await
        }
    };
    let zone_recent = fetch(zone.id.clone(), Resolution::Second, recent).await?;
    let zone_day = fetch(zone.id.clone(), Resolution::Minute, day).await?;
    // The zone's gates: flows in and out of the zone.
    let gates: Vec<&aman_monitor::venue::Line> = venue
        .lines
        .iter()
        .filter(|l| l.into == Some(zi) || l.from == Some(zi))
        .collect();
    let mut gate_recent = Vec::new();
    let mut gate_day = Vec::new();
    for g in &gates {
        gate_recent.push((
            g.into == Some(zi),
            fetch(g.id.clone(), Resolution::Second, recent).await?,
        ));
        gate_day.push((
            g.into == Some(zi),
            fetch(g.id.clone(), Resolution::Minute, day).await?,
        ));
    }
    let state = app
        .pipeline
        .state()
        .await
        .ok_or_else(|| AppError::Unavailable("the server is shutting down".into()))?;
    let zs = state.zones.get(zi);
    let lang = v.code();
    // The forecast, drawn after the last 30 minutes of density and level of service.
    let latest = app.forecast.latest();
    let ahead_points = latest.as_ref().map(|l| {
        (
            super::forecast::density_points(l, zi),
            super::forecast::los_points(l, zi),
        )
    });
    let band = latest
        .as_ref()
        .map_or_else(Vec::new, |l| super::forecast::band_points(l, zi));
    let ahead_span = (recent.0, recent.1 + (HORIZON_S * 1e6) as i64);
    let mut m = format!(
        "<section class=\"panel zone-page\" data-zone=\"{}\"><h1>{}</h1>",
        esc(&zone.id),
        esc(zone.name.get(lang))
    );
    let los = zs.and_then(|s| s.los).map_or("?", |l| l.label());
    m.push_str(&format!(
        "<dl class=\"figures\"><div data-los=\"{los}\"><dt>{}</dt><dd><span class=\"swatch\">{los}</span></dd></div>\
         <div><dt>{}</dt><dd class=\"num\">{}</dd></div><div><dt>{}</dt><dd class=\"num\">{}</dd></div>\
         <div><dt>{}</dt><dd class=\"num\">{}</dd></div><div><dt>{}</dt><dd class=\"num\">{}</dd></div></dl>",
        v.t("los"),
        v.t("occupancy"),
        num(zs.and_then(|s| s.occupancy), 0),
        v.t("capacity"),
        zone.capacity.map_or_else(|| "–".to_string(), |c| c.to_string()),
        v.t("density-unit"),
        num(zs.and_then(|s| s.density), 2),
        v.t("pressure-unit"),
        num(zs.and_then(|s| s.pressure), 3),
    ));
    let thresholds = |measure: Measure, scale: f64| -> Vec<Threshold> {
        venue
            .rules
            .iter()
            .filter(|r| r.subject == Subject::Zone(zi) && r.measure == measure)
            .flat_map(|r| {
                [
                    Threshold {
                        value: r.raise * scale,
                        raise: true,
                    },
                    Threshold {
                        value: r.clear * scale,
                        raise: false,
                    },
                ]
            })
            .collect()
    };
    let cap = zone.capacity.map_or(1.0, |c| c as f64);
    let pick = |rows: &[HistoryRow], f: &dyn Fn(&HistoryRow) -> Option<f64>| -> Vec<(i64, f64)> {
        rows.iter()
            .filter_map(|r| f(r).map(|x| (r.t.0, x)))
            .collect()
    };
    let flows = |gates: &[(bool, Vec<HistoryRow>)]| -> Vec<(i64, f64)> {
        let mut by_t: std::collections::BTreeMap<i64, f64> = Default::default();
        for (into, rows) in gates {
            for r in rows {
                let f = if *into { r.flow_in } else { r.flow_out };
                if let Some(f) = f {
                    *by_t.entry(r.t.0).or_default() += f * 60.0;
                }
            }
        }
        by_t.into_iter().collect()
    };
    let table = zone.los;
    type Series = (
        &'static str,
        &'static str,
        bool,
        Vec<Threshold>,
        Vec<(i64, f64)>,
        Vec<(i64, f64)>,
    );
    let series: Vec<Series> = vec![
        (
            "occupancy",
            "chart-occupancy",
            false,
            thresholds(Measure::Occupancy, cap),
            pick(&zone_recent, &|r| r.occupancy),
            pick(&zone_day, &|r| r.occupancy),
        ),
        (
            "density",
            "chart-density",
            false,
            thresholds(Measure::Density, 1.0),
            pick(&zone_recent, &|r| r.density),
            pick(&zone_day, &|r| r.density),
        ),
        (
            "los",
            "chart-los",
            true,
            thresholds(Measure::Los, 1.0),
            pick(&zone_recent, &|r| {
                r.density.map(|d| table.level(d) as u8 as f64)
            }),
            pick(&zone_day, &|r| {
                r.density.map(|d| table.level(d) as u8 as f64)
            }),
        ),
        (
            "flow",
            "chart-flow",
            false,
            Vec::new(),
            flows(&gate_recent),
            flows(&gate_day),
        ),
        (
            "pressure",
            "chart-pressure",
            false,
            thresholds(Measure::Pressure, 1.0),
            pick(&zone_recent, &|r| r.pressure),
            pick(&zone_day, &|r| r.pressure),
        ),
    ];
    m.push_str(&super::forecast::zone_panel(&app, &v, zi));
    m.push_str(&format!(
        "<p class=\"axis-note\">{}</p><div class=\"charts\"><div class=\"chart-head\"></div><h2>{}</h2><h2>{}</h2>",
        v.t("chart-axis-note"),
        v.t("chart-last-30-min"),
        v.t("chart-today")
    ));
    for (what, title, letters, th, rec, dayp) in &series {
        let points = match (*what, &ahead_points) {
            ("density", Some((d, _))) => Some(d.as_slice()),
            ("los", Some((_, l))) => Some(l.as_slice()),
            _ => None,
        };
        let ahead = points.map(|points| Ahead {
            points,
            band: if *what == "density" { &band } else { &[] },
            zone: &zone.id,
            now: latest.as_ref().map_or(t.0, |l| l.at.0),
        });
        let span = if ahead.is_some() { ahead_span } else { recent };
        m.push_str(&format!(
            "<h3 class=\"chart-title\">{}</h3><figure data-series=\"{what}\" data-span=\"30min\">{}</figure>\
             <figure data-series=\"{what}\" data-span=\"day\">{}</figure>",
            v.t(title),
            chart(&v, what, rec, span, 3_000_000, th, *letters, ahead.as_ref()),
            chart(&v, what, dayp, day, 180_000_000, th, *letters, None),
        ));
    }
    m.push_str("</div></section>");
    Ok(html_response(
        StatusCode::OK,
        layout(&v, "zone", zone.name.get(lang), open, &m),
    ))
}
