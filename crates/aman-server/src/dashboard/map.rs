//! The venue map (`GET /map`): an SVG in the venue's metres (y up, so drawn with y negated),
//! the walkable area and its obstacles, the zones filled by Fruin level of service with the
//! letter written in each (colour is never the only signal), the gates with their flows, the
//! sensors with their health, the open alerts; beside it the live alert panel and the list
//! of zones. `static/app.js` pans, zooms and keeps it live.

use aman_monitor::venue::{Feed, Subject};
use aman_monitor::{Venue, VenueState};
use aman_store::{AlertFilter, AlertRecord, AlertStatus};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::html::{esc, num, script_json};
use super::{Viewer, html_response, layout};
use crate::auth::Caller;
use crate::error::AppError;
use crate::exercise::Ctx;
use aman_ops::access::Action;

/// A point in SVG coordinates (x, −y).
fn pt(x: f64, y: f64) -> String {
    format!("{:.2},{:.2}", x, -y)
}

fn ring_path(coords: &[geo::Coord<f64>]) -> String {
    let mut d = String::new();
    for (i, c) in coords.iter().enumerate() {
        d.push(if i == 0 { 'M' } else { 'L' });
        d.push_str(&pt(c.x, c.y));
    }
    d.push('Z');
    d
}

fn polygon_path(p: &geo::Polygon<f64>) -> String {
    let mut d = ring_path(&p.exterior().0);
    for hole in p.interiors() {
        d.push_str(&ring_path(&hole.0));
    }
    d
}

/// Centre (mean of the exterior's vertices, closing one left out) and the smaller side of
/// the bounding box.
fn centre(p: &geo::Polygon<f64>) -> ((f64, f64), f64) {
    let c = &p.exterior().0;
    let n = c.len().saturating_sub(1).max(1);
    let (mut sx, mut sy) = (0.0, 0.0);
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for q in c.iter().take(n) {
        sx += q.x;
        sy += q.y;
        x0 = x0.min(q.x);
        y0 = y0.min(q.y);
        x1 = x1.max(q.x);
        y1 = y1.max(q.y);
    }
    ((sx / n as f64, sy / n as f64), (x1 - x0).min(y1 - y0))
}

/// Where a subject is drawn: a zone's centre, a line's middle, a sensor's place.
pub fn subject_point(venue: &Venue, s: Subject) -> (f64, f64) {
    match s {
        Subject::Zone(i) => centre(venue.zones[i].area.polygon()).0,
        Subject::Line(i) => {
            let g = &venue.lines[i].segment;
            ((g.a.x + g.b.x) / 2.0, (g.a.y + g.b.y) / 2.0)
        }
        Subject::Sensor(i) => sensor_point(venue, i),
    }
}

/// A sensor's place: beside what its first channel feeds, or its frame's origin for tracks.
pub fn sensor_point(venue: &Venue, i: usize) -> (f64, f64) {
    let s = &venue.sensors[i];
    match s.channels.first().map(|c| &c.feed) {
        Some(Feed::Zone { zone, .. }) => {
            let ((x, y), side) = centre(venue.zones[*zone].area.polygon());
            (x + side * 0.35, y + side * 0.35)
        }
        Some(Feed::Line { line, .. }) => {
            let g = &venue.lines[*line].segment;
            (g.a.x, g.a.y)
        }
        _ => (s.transform.translate.x, s.transform.translate.y),
    }
}

/// The venue's extent in SVG coordinates: (min x, min y, width, height), m, with a margin of 2 %
/// of its larger side around it and 4 % more below (for the names under the lowest zones).
pub fn extent(venue: &Venue) -> (f64, f64, f64, f64) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for c in &venue.walkable.polygon().exterior().0 {
        x0 = x0.min(c.x);
        x1 = x1.max(c.x);
        y0 = y0.min(-c.y);
        y1 = y1.max(-c.y);
    }
    let size = (x1 - x0).max(y1 - y0);
    let m = 0.02 * size;
    // Below: room for the name written under a zone at the walkable area's lower edge.
    let below = 0.04 * size;
    (x0 - m, y0 - m, x1 - x0 + 2.0 * m, y1 - y0 + m + below)
}

/// A subject's id and its name in the viewer's language.
pub fn subject_name(venue: &Venue, s: Subject, lang: &str) -> (String, String) {
    match s {
        Subject::Zone(i) => (
            venue.zones[i].id.clone(),
            venue.zones[i].name.get(lang).to_string(),
        ),
        Subject::Line(i) => (
            venue.lines[i].id.clone(),
            venue.lines[i].name.get(lang).to_string(),
        ),
        Subject::Sensor(i) => (venue.sensors[i].id.clone(), venue.sensors[i].id.clone()),
    }
}

/// What the script needs of the venue: names in the viewer's language and the rules.
pub fn venue_data(venue: &Venue, lang: &str) -> Value {
    let zones: serde_json::Map<String, Value> = venue
        .zones
        .iter()
        .map(|z| (z.id.clone(), json!({"name": z.name.get(lang)})))
        .collect();
    let lines: serde_json::Map<String, Value> = venue
        .lines
        .iter()
        .map(|l| (l.id.clone(), json!({"name": l.name.get(lang)})))
        .collect();
    let rules: Vec<Value> = venue
        .rules
        .iter()
        .map(|r| {
            let (sid, sname) = subject_name(venue, r.subject, lang);
            let kind = match r.subject {
                Subject::Zone(_) => "zone",
                Subject::Line(_) => "line",
                Subject::Sensor(_) => "sensor",
            };
            let (x, y) = subject_point(venue, r.subject);
            json!({"id": r.id, "measure": r.measure.name(), "severity": format!("{:?}", r.severity),
                   "kind": kind, "subject": sid, "name": sname, "x": x, "y": -y})
        })
        .collect();
    let (_, _, w, h) = extent(venue);
    json!({"zones": zones, "lines": lines, "rules": rules, "unit": w.max(h) / 150.0})
}

/// The status of an alert as the pages name it: `open`, `acknowledged`, `resolved`.
pub fn status_code(s: AlertStatus) -> &'static str {
    match s {
        AlertStatus::Raised => "open",
        AlertStatus::Acknowledged => "acknowledged",
        AlertStatus::Resolved => "resolved",
    }
}

/// One alert of the live panel.
pub fn alert_item(v: &Viewer, venue: &Venue, a: &AlertRecord) -> String {
    let rule = venue.rules.iter().find(|r| r.id == a.rule);
    let (sid, sname, measure, subject_kind) = match rule {
        Some(r) => {
            let (sid, sname) = subject_name(venue, r.subject, v.code());
            let kind = matches!(r.subject, Subject::Zone(_));
            (sid, sname, r.measure.name(), kind)
        }
        // An exercise's CAP inject (docs/serve.md §2.13) is of no venue rule.
        None if a.rule == "inject" => (a.subject.clone(), a.subject.clone(), "inject", false),
        None => (a.subject.clone(), a.subject.clone(), "", false),
    };
    let status = status_code(a.status);
    let subject = if subject_kind {
        format!("<a href=\"/zones/{}\">{}</a>", esc(&sid), esc(&sname))
    } else {
        esc(&sname)
    };
    let mut h = format!(
        "<li class=\"alert\" data-alert=\"{id}\" data-status=\"{status}\" data-severity=\"{sev}\">\
         <span class=\"sev\">{}</span> <span class=\"subject\">{subject}</span> \
         <span class=\"measure\">{}</span> <span class=\"time-pair\" data-t=\"{}\">{}</span> \
         <span class=\"status-text\">{}</span>",
        v.t(&format!("severity-{}", a.severity.to_ascii_lowercase())),
        v.t(&format!(
            "measure-{}",
            if measure.is_empty() {
                "unknown"
            } else {
                measure
            }
        )),
        a.raised_at.0,
        esc(&v.l.times(a.raised_at.0)),
        v.t(&format!("status-{status}")),
        id = esc(&a.id),
        sev = esc(&a.severity),
    );
    h.push_str(&super::alerts::action_forms(v, a));
    h.push_str("</li>");
    h
}

/// The lower bounds of the heat map's colour steps, persons/m²: from where a crowd starts to
/// be dense (0.5) to where Fruin's walkway level F begins (2.17, rounded) and beyond.
pub const HEAT_STEPS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 3.0, 4.0];
/// The colours of [`HEAT_STEPS`] (ColorBrewer YlOrRd, 7 classes, without the palest), the
/// script's too (`heatColours` in app.js).
pub const HEAT_COLOURS: [&str; 6] = [
    "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026",
];

/// The SVG of the venue in the live state `state`.
pub fn svg(v: &Viewer, venue: &Venue, state: &VenueState, open: &[AlertRecord]) -> String {
    let (x, y, w, hgt) = extent(venue);
    let u = w.max(hgt) / 150.0;
    let vb = format!("{x:.2} {y:.2} {w:.2} {hgt:.2}");
    let mut h = format!(
        "<svg id=\"venue-map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{vb}\" \
         data-home=\"{vb}\" role=\"img\" aria-label=\"{}\" style=\"--u:{u:.3}\">",
        esc(venue.name.get(v.code()))
    );
    h.push_str(&format!(
        "<path class=\"walkable\" fill-rule=\"evenodd\" stroke-width=\"{:.2}\" d=\"{}\"/>",
        u * 0.15,
        polygon_path(venue.walkable.polygon())
    ));
    let has_tracks = venue
        .sensors
        .iter()
        .any(|s| s.channels.iter().any(|c| matches!(c.feed, Feed::Tracks)));
    if has_tracks {
        // Drawn by the script from the heat map (`crate::heat`), under the zones (whose fill
        // turns light while it is shown).
        h.push_str("<g id=\"heat\" hidden></g>");
    }
    for (i, z) in venue.zones.iter().enumerate() {
        let p = z.area.polygon();
        let ((cx, cy), side) = centre(p);
        let los = state
            .zones
            .get(i)
            .and_then(|s| s.los)
            .map_or("", |l| l.label());
        h.push_str(&format!(
            "<g class=\"zone\" data-zone=\"{id}\" data-los=\"{los}\"><a href=\"/zones/{id}\">\
             <path class=\"zone-area\" stroke-width=\"{sw:.2}\" d=\"{d}\"/>\
             <text class=\"los-letter\" x=\"{cx:.2}\" y=\"{cy:.2}\" font-size=\"{fs:.2}\">{letter}</text>\
             <text class=\"zone-name\" x=\"{cx:.2}\" y=\"{ny:.2}\" font-size=\"{nfs:.2}\">{name}</text>\
             </a></g>",
            id = esc(&z.id),
            sw = u * 0.2,
            d = polygon_path(p),
            cy = -cy + side * 0.2,
            fs = (side * 0.6).max(u * 2.0),
            letter = if los.is_empty() { "?" } else { los },
            ny = -cy + side * 0.5 + u * 2.5,
            nfs = u * 2.2,
            name = esc(z.name.get(v.code())),
        ));
    }
    for (i, l) in venue.lines.iter().enumerate() {
        let s = state.lines.get(i);
        let (mx, my) = (
            (l.segment.a.x + l.segment.b.x) / 2.0,
            (l.segment.a.y + l.segment.b.y) / 2.0,
        );
        let per_min = |f: Option<f64>| num(f.map(|x| x * 60.0), 0);
        h.push_str(&format!(
            "<g class=\"line\" data-line=\"{}\"><path class=\"gate\" stroke-width=\"{:.2}\" d=\"M{}L{}\"/>\
             <text class=\"flow\" x=\"{:.2}\" y=\"{:.2}\" font-size=\"{:.2}\">{}</text></g>",
            esc(&l.id),
            u * 0.5,
            pt(l.segment.a.x, l.segment.a.y),
            pt(l.segment.b.x, l.segment.b.y),
            mx,
            -my - u * 1.5,
            u * 2.0,
            esc(&v.l.t_args(
                "flow-in-out",
                &[
                    ("inflow", aman_i18n::Arg::Str(&per_min(s.and_then(|s| s.flow_in)))),
                    ("outflow", aman_i18n::Arg::Str(&per_min(s.and_then(|s| s.flow_out)))),
                ],
            )),
        ));
    }
    for (i, s) in venue.sensors.iter().enumerate() {
        let (sx, sy) = sensor_point(venue, i);
        let live = state
            .sensors
            .get(i)
            .is_some_and(|st| !st.stale && st.last_received.is_some());
        h.push_str(&format!(
            "<g class=\"sensor\" data-sensor=\"{id}\" data-health=\"{}\" transform=\"translate({})\">\
             <title>{id}</title><rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\"/>\
             <text class=\"sensor-mark\" font-size=\"{:.2}\">{}</text></g>",
            if live { "live" } else { "stale" },
            pt(sx, sy),
            -u * 0.8,
            -u * 0.8,
            u * 1.6,
            u * 1.6,
            u * 1.4,
            if live { "" } else { "×" },
            id = esc(&s.id),
        ));
    }
    h.push_str("<g id=\"alert-markers\">");
    for a in open {
        if let Some(r) = venue.rules.iter().find(|r| r.id == a.rule) {
            let (ax, ay) = subject_point(venue, r.subject);
            h.push_str(&alert_marker(&a.id, ax, ay, u));
        }
    }
    h.push_str("</g></svg>");
    h
}

fn alert_marker(id: &str, x: f64, y: f64, u: f64) -> String {
    format!(
        "<g class=\"alert-marker\" data-alert=\"{}\" transform=\"translate({})\">\
         <circle r=\"{:.2}\"/><text font-size=\"{:.2}\">!</text></g>",
        esc(id),
        pt(x + u * 2.5, y + u * 2.5),
        u * 1.6,
        u * 2.2
    )
}

/// `GET /map`: the map page.
pub async fn page(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let venue = &app.venue;
    let state = app
        .pipeline
        .state()
        .await
        .ok_or_else(|| AppError::Unavailable("the server is shutting down".into()))?;
    let open = app.store.alerts(&venue.id, AlertFilter::Open, 200).await?;
    let mut m = String::from("<div class=\"map-page\"><section class=\"map-area\">");
    m.push_str(&format!(
        "<h1 class=\"venue-name\">{}</h1><div class=\"map-tools\" role=\"toolbar\">\
         <button type=\"button\" id=\"zoom-in\" aria-label=\"{}\">+</button>\
         <button type=\"button\" id=\"zoom-out\" aria-label=\"{}\">−</button>\
         <button type=\"button\" id=\"zoom-reset\">{}</button>",
        esc(venue.name.get(v.code())),
        v.t("map-zoom-in"),
        v.t("map-zoom-out"),
        v.t("map-zoom-reset"),
    ));
    let has_tracks = venue
        .sensors
        .iter()
        .any(|s| s.channels.iter().any(|c| matches!(c.feed, Feed::Tracks)));
    if has_tracks {
        m.push_str(&format!(
            "<label><input type=\"checkbox\" id=\"heat-toggle\"> {}</label>",
            v.t("map-heat")
        ));
    }
    m.push_str("</div>");
    m.push_str(&svg(&v, venue, &state, &open));
    if has_tracks {
        // The scale of the heat map, persons/m² (the script's colours).
        m.push_str(&format!(
            "<ul class=\"heat-legend\" hidden aria-label=\"{}\"><li class=\"unit\">{}</li>",
            v.t("map-heat"),
            v.t("density-unit")
        ));
        for (k, d) in HEAT_STEPS.iter().enumerate() {
            m.push_str(&format!(
                "<li data-min=\"{d}\" data-colour=\"{c}\"><span class=\"heat-swatch\" \
                 style=\"background:{c}\"></span>{}{d}</li>",
                if k + 1 == HEAT_STEPS.len() {
                    "≥ "
                } else {
                    ""
                },
                c = HEAT_COLOURS[k],
            ));
        }
        m.push_str("</ul>");
        if let Some(map) = app.pipeline.heat().await {
            m.push_str(&format!(
                "<script type=\"application/json\" id=\"heat-data\">{}</script>",
                super::html::script_json(&serde_json::to_value(&map).unwrap_or_default())
            ));
        }
    }
    m.push_str(&format!(
        "<ul class=\"legend\" aria-label=\"{}\">",
        v.t("legend")
    ));
    for letter in ["A", "B", "C", "D", "E", "F"] {
        m.push_str(&format!(
            "<li data-los=\"{letter}\"><span class=\"swatch\">{letter}</span> {}</li>",
            v.t(&format!("los-{}", letter.to_ascii_lowercase()))
        ));
    }
    m.push_str("</ul></section><aside class=\"side\">");
    m.push_str(&format!(
        "<h2>{}</h2><ul id=\"live-alerts\" data-may-ack=\"{}\" data-may-resolve=\"{}\" aria-live=\"polite\">",
        v.t("live-alerts"),
        v.may(Action::AcknowledgeAlert),
        v.may(Action::ResolveAlert)
    ));
    for a in &open {
        m.push_str(&alert_item(&v, venue, a));
    }
    m.push_str(&format!(
        "</ul><p class=\"empty-note\">{}</p>",
        v.t("live-alerts-none")
    ));
    m.push_str(&format!(
        "<h2>{}</h2><table id=\"zone-list\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        v.t("zones"),
        v.t("zone"),
        v.t("los"),
        v.t("density-unit"),
        v.t("occupancy"),
    ));
    for (i, z) in venue.zones.iter().enumerate() {
        let s = state.zones.get(i);
        let los = s.and_then(|s| s.los).map_or("", |l| l.label());
        m.push_str(&format!(
            "<tr class=\"zone-row\" data-zone=\"{id}\" data-los=\"{los}\"><td><a href=\"/zones/{id}\">{}</a></td>\
             <td class=\"los-cell\"><span class=\"swatch\">{}</span></td><td class=\"density num\">{}</td>\
             <td class=\"occupancy num\">{}</td></tr>",
            esc(z.name.get(v.code())),
            if los.is_empty() { "?" } else { los },
            num(s.and_then(|s| s.density), 2),
            num(s.and_then(|s| s.occupancy), 0),
            id = esc(&z.id),
        ));
    }
    m.push_str("</tbody></table></aside></div>");
    m.push_str(&format!(
        "<script type=\"application/json\" id=\"venue-data\">{}</script>",
        script_json(&venue_data(venue, v.code()))
    ));
    let title = v.l.t("nav-map");
    Ok(html_response(
        StatusCode::OK,
        layout(&v, "map", &title, open.len() as u64, &m),
    ))
}
