//! The forecast in the dashboard: the forecast page (`GET /forecast`: per zone the density
//! now and at its peak over the next 10 minutes, when it reaches level of service E, the time
//! at E or worse, the time to clear; the queues at the gates) with the what-if form
//! (`POST /forecast/what-if`: close, open or hold a gate, evacuate a zone, and per zone the
//! difference against doing nothing), and the pieces of the zone page (`/zones/{id}`): the
//! forecast density drawn after the measured series, and when each threshold is reached.
//! Both stay live from the `forecast` messages of the WebSocket (`static/app.js`).

use aman_forecast::venue::{UncertainInput, Uncertainty, VenueForecast, WhatIf};
use aman_i18n::Arg;
use aman_ops::access::Action;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::html::{esc, num};
use super::{
    Viewer, field, form_error, form_fields, html_response, layout, open_count, text_problem,
};
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::AppError;
use crate::exercise::Ctx;
use crate::forecast::{HORIZON_S, Latest, WhatIfError, summaries};

/// Most characters of the gate or zone chosen in the what-if form (an id has at most 64).
const MAX_TARGET_CHARS: usize = 64;
/// Longest hold the form takes, s (a day, as `aman forecast --what-if`).
const MAX_HOLD_S: u64 = 86_400;

/// The forecast density of zone `zi` as chart points (µs since the epoch, persons/m²).
pub fn density_points(latest: &Latest, zi: usize) -> Vec<(i64, f64)> {
    let f = &latest.forecast;
    f.zones.get(zi).map_or_else(Vec::new, |z| {
        f.t.iter()
            .zip(&z.density)
            .map(|(t, d)| (latest.at.add_secs(*t).0, *d))
            .collect()
    })
}

/// The forecast band of zone `zi` as chart points (µs, low, high persons/m²): equal to the
/// density when every input is fresh, wider with missing or stale inputs.
pub fn band_points(latest: &Latest, zi: usize) -> Vec<(i64, f64, f64)> {
    let f = &latest.forecast;
    f.zones.get(zi).map_or_else(Vec::new, |z| {
        f.t.iter()
            .zip(z.low.iter().zip(&z.high))
            .map(|(t, (l, h))| (latest.at.add_secs(*t).0, *l, *h))
            .collect()
    })
}

/// The forecast level of service of zone `zi` as chart points (µs, 0 = A … 5 = F).
pub fn los_points(latest: &Latest, zi: usize) -> Vec<(i64, f64)> {
    let f = &latest.forecast;
    f.zones.get(zi).map_or_else(Vec::new, |z| {
        f.t.iter()
            .zip(&z.los)
            .map(|(t, l)| (latest.at.add_secs(*t).0, f64::from(*l as u8)))
            .collect()
    })
}

/// "in 3 min 20 s (HH:MM:SS Paris · HH:MM:SS Casablanca)", "reached now", or "not within the
/// next 10 minutes".
fn when(v: &Viewer, latest: &Latest, at: Option<f64>) -> String {
    match at {
        Some(s) if s <= 0.0 => v.t("forecast-reached-now"),
        Some(s) => {
            let whole = s.round() as i64;
            esc(&v.l.t_args(
                "forecast-reached-in",
                &[
                    ("min", Arg::Str(&(whole / 60).to_string())),
                    ("sec", Arg::Str(&(whole % 60).to_string())),
                    ("time", Arg::Str(&v.l.times(latest.at.add_secs(s).0))),
                ],
            ))
        }
        None => esc(&v.l.t_args(
            "forecast-not-within",
            &[("min", Arg::Str(&format!("{:.0}", HORIZON_S / 60.0)))],
        )),
    }
}

/// The label of a threshold of the forecast (`LOS E`, `rule <id>`).
fn threshold_label(v: &Viewer, what: &str, density: f64) -> String {
    let d = num(Some(density), 2);
    match what.strip_prefix("rule ") {
        Some(rule) => esc(&v.l.t_args(
            "forecast-rule",
            &[("rule", Arg::Str(rule)), ("value", Arg::Str(&d))],
        )),
        None => esc(&v.l.t_args("forecast-los-e", &[("value", Arg::Str(&d))])),
    }
}

/// The zone page's forecast panel: when zone `zi` reaches level of service E and each of its
/// rules' thresholds within the horizon, and when the forecast was made; or why there is
/// none.
pub fn zone_panel(app: &AppState, v: &Viewer, zi: usize) -> String {
    let zone_id = &app.venue.zones[zi].id;
    let mut s = format!(
        "<section class=\"panel forecast-panel\" id=\"forecast-reached\" data-forecast-zone=\"{}\">\
         <h2>{}</h2>",
        esc(zone_id),
        v.t("forecast-zone-title")
    );
    if app.forecast.off().is_some() {
        s.push_str(&format!(
            "<p class=\"forecast-off\">{}</p></section>",
            v.t("forecast-off")
        ));
        return s;
    }
    let latest = app.forecast.latest();
    s.push_str(&format!(
        "<p class=\"forecast-at\">{}</p><ul class=\"reached\">",
        latest.as_ref().map_or_else(
            || v.t("forecast-pending"),
            |l| esc(&v.l.t_args(
                "forecast-computed",
                &[("time", Arg::Str(&v.l.times(l.at.0)))]
            ))
        )
    ));
    if let Some(l) = &latest
        && let Some(z) = l.forecast.zones.get(zi)
    {
        for r in &z.reached {
            s.push_str(&format!(
                "<li data-what=\"{}\" data-reached=\"{}\"><span class=\"what\">{}</span> \
                 <span class=\"when\">{}</span></li>",
                esc(&r.what),
                r.at.is_some(),
                threshold_label(v, &r.what, r.density),
                when(v, l, r.at)
            ));
        }
    }
    s.push_str("</ul>");
    if let Some(l) = &latest {
        s.push_str(&band_note(v, &l.forecast.uncertain));
    }
    s.push_str(&format!(
        "<p><a href=\"/forecast\">{}</a></p></section>",
        v.t("forecast-what-if-link")
    ));
    s
}

/// What the shaded band of the zone charts is, when the forecast has one: the stale sensors
/// and the least time they have been silent, or that some inputs are not measured; empty
/// when every input is fresh (the band has no width).
fn band_note(v: &Viewer, uncertain: &[UncertainInput]) -> String {
    if uncertain.is_empty() {
        return String::new();
    }
    let mut sensors: Vec<&str> = uncertain
        .iter()
        .filter(|u| u.why == Uncertainty::Stale)
        .flat_map(|u| u.sensors.iter().map(String::as_str))
        .collect();
    sensors.sort_unstable();
    sensors.dedup();
    let text = if sensors.is_empty() {
        v.t("forecast-band-missing")
    } else {
        let seconds = uncertain
            .iter()
            .filter(|u| u.why == Uncertainty::Stale)
            .map(|u| u.silent_s)
            .fold(f64::INFINITY, f64::min);
        esc(&v.l.t_args(
            "forecast-band-stale",
            &[
                ("sensors", Arg::Str(&sensors.join(", "))),
                ("seconds", Arg::Str(&format!("{seconds:.0}"))),
            ],
        ))
    };
    format!("<p class=\"forecast-band-note\">{text}</p>")
}

/// What the what-if form was sent with (kept to show it again).
#[derive(Debug, Default, Clone)]
struct Sent {
    kind: String,
    target: String,
    seconds: String,
}

/// A refused field of the form and its message id.
struct Refused {
    field: &'static str,
    message: &'static str,
}

/// The result of a what-if to show: the change as written and both forecasts.
struct Outcome<'a> {
    change: &'a str,
    base: &'a VenueForecast,
    alt: &'a VenueForecast,
}

fn selected(a: &str, b: &str) -> &'static str {
    if a == b { " selected" } else { "" }
}

fn secs(v: &Viewer, s: Option<f64>) -> String {
    s.map_or_else(
        || v.t("forecast-none"),
        |s| {
            esc(&v
                .l
                .t_args("forecast-seconds", &[("s", Arg::Str(&num(Some(s), 0)))]))
        },
    )
}

fn signed(x: f64, digits: usize) -> String {
    if x.abs() < 0.5 * 10f64.powi(-(digits as i32)) {
        format!("{:.digits$}", 0.0)
    } else {
        format!("{x:+.digits$}")
    }
}

/// The table of the latest forecast, one row per zone (`data-forecast-row`, kept live).
fn latest_table(app: &AppState, v: &Viewer, l: &Latest) -> String {
    let venue = &app.venue;
    let lang = v.code();
    let sums = summaries(venue, &l.forecast);
    let mut s = format!(
        "<table id=\"forecast-table\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
         <th>{}</th><th>{}</th></tr></thead><tbody>",
        v.t("forecast-col-zone"),
        v.t("forecast-col-now"),
        v.t("forecast-col-peak"),
        v.t("forecast-col-los-e"),
        v.t("forecast-col-above"),
        v.t("forecast-col-clear"),
    );
    for (i, (z, sum)) in l.forecast.zones.iter().zip(&sums).enumerate() {
        let now = z.density.first().copied();
        let e_at = z
            .reached
            .iter()
            .find(|r| r.what == "LOS E")
            .and_then(|r| r.at);
        let peak_los = z.los.iter().max().map_or("?", |x| x.label());
        s.push_str(&format!(
            "<tr data-forecast-row=\"{id}\" data-los=\"{peak_los}\"><td><a href=\"/zones/{id}\">{}</a></td>\
             <td class=\"num f-now\">{}</td><td class=\"num\"><span class=\"f-peak\">{}</span> \
             <span class=\"swatch f-peak-los\">{peak_los}</span></td><td class=\"f-e\">{}</td>\
             <td class=\"num f-above\">{}</td><td class=\"num f-clear\">{}</td></tr>",
            esc(venue.zones[i].name.get(lang)),
            num(now, 2),
            num(Some(sum.peak), 2),
            when(v, l, e_at),
            secs(v, Some(sum.above[0])),
            secs(v, sum.clear),
            id = esc(&z.id),
        ));
    }
    s.push_str("</tbody></table>");
    let queues: Vec<String> = l
        .forecast
        .gates
        .iter()
        .filter_map(|g| {
            let w = g.waiting.last().copied().unwrap_or(0.0);
            (w >= 1.0).then(|| {
                let name = venue
                    .line(&g.id)
                    .map_or(g.id.as_str(), |(_, x)| x.name.get(lang));
                format!(
                    "<li data-gate=\"{}\">{}</li>",
                    esc(&g.id),
                    esc(&v.l.t_args(
                        "forecast-queue",
                        &[
                            ("gate", Arg::Str(name)),
                            ("persons", Arg::Str(&num(Some(w), 0)))
                        ]
                    ))
                )
            })
        })
        .collect();
    if !queues.is_empty() {
        s.push_str(&format!(
            "<h2>{}</h2><ul class=\"queues\">{}</ul>",
            v.t("forecast-queues"),
            queues.concat()
        ));
    }
    if !l.forecast.unknown.is_empty() {
        s.push_str(&format!(
            "<h2>{}</h2><ul class=\"unknown\">",
            v.t("forecast-unknown")
        ));
        for u in &l.forecast.unknown {
            s.push_str(&format!("<li>{}</li>", unknown_text(v, u)));
        }
        s.push_str("</ul>");
    }
    s
}

/// One sentence of the forecast's `unknown` list in the viewer's language: the model's
/// three kinds (`zone Z: no occupancy`, `line L: no measured flow`, `sensor S: stale`) are
/// translated; another is shown as the model wrote it.
fn unknown_text(v: &Viewer, u: &str) -> String {
    let kinds = [
        ("zone ", ": no occupancy", "forecast-unknown-occupancy"),
        ("line ", ": no measured flow", "forecast-unknown-flow"),
        ("sensor ", ": stale", "forecast-unknown-stale"),
    ];
    for (head, tail, id) in kinds {
        if let Some(name) = u.strip_prefix(head).and_then(|r| r.strip_suffix(tail)) {
            return esc(&v.l.t_args(id, &[("id", Arg::Str(name))]));
        }
    }
    format!("<span dir=\"ltr\">{}</span>", esc(u))
}

/// A what-if as the viewer reads it: the change's label, the gate or zone's name, the
/// seconds of a hold.
fn change_text(app: &AppState, v: &Viewer, w: &WhatIf) -> String {
    let lang = v.code();
    let line = |id: &str| {
        app.venue
            .line(id)
            .map_or(id.to_owned(), |(_, l)| l.name.get(lang).to_owned())
    };
    let (id, target, secs) = match w {
        WhatIf::Close(g) => ("what-if-close", line(g), None),
        WhatIf::Open(g) => ("what-if-open", line(g), None),
        WhatIf::Hold(g, s) => ("what-if-hold", line(g), Some(*s)),
        WhatIf::Evacuate(z) => (
            "what-if-evacuate",
            app.venue
                .zone(z)
                .map_or(z.clone(), |(_, x)| x.name.get(lang).to_owned()),
            None,
        ),
    };
    let change = v.l.t(id);
    match secs {
        Some(s) => v.l.t_args(
            "what-if-change-hold",
            &[
                ("change", Arg::Str(&change)),
                ("target", Arg::Str(&target)),
                ("s", Arg::Str(&num(Some(s), 0))),
            ],
        ),
        None => v.l.t_args(
            "what-if-change",
            &[("change", Arg::Str(&change)), ("target", Arg::Str(&target))],
        ),
    }
}

/// The what-if form, with what was sent and the refusal, if any.
fn what_if_form(app: &AppState, v: &Viewer, sent: &Sent, refused: Option<&Refused>) -> String {
    let venue = &app.venue;
    let lang = v.code();
    let err = |name: &str| {
        refused
            .filter(|r| r.field == name)
            .map_or_else(String::new, |r| form_error(v, r.field, r.message))
    };
    let mut s = format!(
        "<form id=\"what-if\" class=\"what-if\" method=\"post\" action=\"/forecast/what-if\">{}\
         <label>{}<select name=\"kind\" required><option value=\"\">{}</option>",
        v.csrf_field(),
        v.t("what-if-kind"),
        v.t("what-if-kind-choose"),
    );
    for (kind, id) in [
        ("close", "what-if-close"),
        ("open", "what-if-open"),
        ("hold", "what-if-hold"),
        ("evacuate", "what-if-evacuate"),
    ] {
        s.push_str(&format!(
            "<option value=\"{kind}\"{}>{}</option>",
            selected(kind, &sent.kind),
            v.t(id)
        ));
    }
    s.push_str(&format!(
        "</select></label>{}<label>{}<select name=\"target\" required><option value=\"\">{}</option>\
         <optgroup label=\"{}\">",
        err("kind"),
        v.t("what-if-target"),
        v.t("what-if-target-choose"),
        v.t("what-if-gates"),
    ));
    for l in &venue.lines {
        s.push_str(&format!(
            "<option value=\"{id}\"{}>{}</option>",
            selected(&l.id, &sent.target),
            esc(l.name.get(lang)),
            id = esc(&l.id)
        ));
    }
    s.push_str(&format!(
        "</optgroup><optgroup label=\"{}\">",
        v.t("what-if-zones")
    ));
    for z in &venue.zones {
        s.push_str(&format!(
            "<option value=\"{id}\"{}>{}</option>",
            selected(&z.id, &sent.target),
            esc(z.name.get(lang)),
            id = esc(&z.id)
        ));
    }
    s.push_str(&format!(
        "</optgroup></select></label>{}<label>{}<input name=\"seconds\" type=\"number\" min=\"1\" \
         max=\"{MAX_HOLD_S}\" step=\"1\" dir=\"ltr\" value=\"{}\"></label>{}\
         <button type=\"submit\">{}</button></form>",
        err("target"),
        v.t("what-if-seconds"),
        esc(if sent.seconds.is_empty() {
            "300"
        } else {
            &sent.seconds
        }),
        err("seconds"),
        v.t("what-if-submit"),
    ));
    s
}

/// The table of a what-if's outcome: per zone, the figures with the change and their
/// difference against doing nothing.
fn outcome_table(app: &AppState, v: &Viewer, o: &Outcome) -> String {
    let venue = &app.venue;
    let lang = v.code();
    let (b, a) = (summaries(venue, o.base), summaries(venue, o.alt));
    let mut s = format!(
        "<section class=\"what-if-result\" id=\"what-if-result\"><h2>{}</h2>\
         <table id=\"what-if-table\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
         <th>{}</th></tr></thead><tbody>",
        esc(&v
            .l
            .t_args("what-if-result", &[("change", Arg::Str(o.change))])),
        v.t("forecast-col-zone"),
        v.t("what-if-col-peak"),
        v.t("what-if-col-above"),
        v.t("what-if-col-above-f"),
        v.t("what-if-col-clear"),
    );
    for (i, (b, a)) in b.iter().zip(&a).enumerate() {
        let id = &o.base.zones[i].id;
        s.push_str(&format!(
            "<tr data-what-if-row=\"{}\"><td>{}</td><td class=\"num\" dir=\"ltr\">{} → {} (<span class=\"d-peak\">{}</span>)</td>\
             <td class=\"num\" dir=\"ltr\">{} → {} (<span class=\"d-above\">{}</span>)</td>\
             <td class=\"num\" dir=\"ltr\">{} → {} ({})</td><td class=\"num\" dir=\"ltr\">{} → {}</td></tr>",
            esc(id),
            esc(venue.zones[i].name.get(lang)),
            num(Some(b.peak), 2),
            num(Some(a.peak), 2),
            signed(a.peak - b.peak, 2),
            num(Some(b.above[0]), 0),
            num(Some(a.above[0]), 0),
            signed(a.above[0] - b.above[0], 0),
            num(Some(b.above[1]), 0),
            num(Some(a.above[1]), 0),
            signed(a.above[1] - b.above[1], 0),
            secs(v, b.clear),
            secs(v, a.clear),
        ));
    }
    s.push_str("</tbody></table>");
    let queues: Vec<String> = o
        .alt
        .gates
        .iter()
        .zip(&o.base.gates)
        .filter_map(|(ga, gb)| {
            let (wa, wb) = (
                ga.waiting.last().copied().unwrap_or(0.0),
                gb.waiting.last().copied().unwrap_or(0.0),
            );
            (wa >= 1.0 || wb >= 1.0).then(|| {
                let name = venue
                    .line(&ga.id)
                    .map_or(ga.id.as_str(), |(_, x)| x.name.get(lang));
                format!(
                    "<li data-gate=\"{}\">{}</li>",
                    esc(&ga.id),
                    esc(&v.l.t_args(
                        "what-if-queue",
                        &[
                            ("gate", Arg::Str(name)),
                            ("base", Arg::Str(&num(Some(wb), 0))),
                            ("persons", Arg::Str(&num(Some(wa), 0))),
                        ]
                    ))
                )
            })
        })
        .collect();
    if !queues.is_empty() {
        s.push_str(&format!(
            "<h3>{}</h3><ul class=\"queues\">{}</ul>",
            v.t("forecast-queues"),
            queues.concat()
        ));
    }
    s.push_str("</section>");
    s
}

/// The forecast page's `main`.
fn main_of(
    app: &AppState,
    v: &Viewer,
    sent: &Sent,
    refused: Option<&Refused>,
    outcome: Option<&Outcome>,
) -> String {
    let mut m = format!(
        "<section class=\"panel forecast-page\"><h1>{}</h1><p class=\"model-note\">{}</p>",
        v.t("forecast-title"),
        v.t("forecast-model-note")
    );
    if app.forecast.off().is_some() {
        m.push_str(&format!(
            "<p class=\"forecast-off\">{}</p></section>",
            v.t("forecast-off")
        ));
        return m;
    }
    let latest = app.forecast.latest();
    m.push_str(&format!(
        "<p class=\"forecast-at\" id=\"forecast-at\">{}</p>",
        latest.as_ref().map_or_else(
            || v.t("forecast-pending"),
            |l| esc(&v.l.t_args(
                "forecast-computed",
                &[("time", Arg::Str(&v.l.times(l.at.0)))]
            ))
        )
    ));
    if let Some(l) = &latest {
        m.push_str(&latest_table(app, v, l));
    }
    m.push_str(&format!("<h2>{}</h2>", v.t("what-if-title")));
    if v.may(Action::WhatIf) {
        m.push_str(&format!("<p>{}</p>", v.t("what-if-help")));
        m.push_str(&what_if_form(app, v, sent, refused));
    } else {
        m.push_str(&format!("<p>{}</p>", v.t("what-if-not-allowed")));
    }
    if let Some(o) = outcome {
        m.push_str(&outcome_table(app, v, o));
    }
    m.push_str("</section>");
    m
}

/// `GET /forecast`.
pub async fn page(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    // The first forecast may not be made yet just after start: make it now.
    if app.forecast.off().is_none() && app.forecast.latest().is_none() {
        app.forecast.latest_or_now(&app.pipeline).await?;
    }
    let open = open_count(&app).await?;
    let main = main_of(&app, &v, &Sent::default(), None, None);
    Ok(html_response(
        StatusCode::OK,
        layout(&v, "forecast", &v.l.t("forecast-title"), open, &main),
    ))
}

/// Checks the form: the change it asks for, or the refused field.
fn check(app: &AppState, sent: &Sent) -> Result<WhatIf, Refused> {
    let refuse = |field, message| Refused { field, message };
    let kind = match sent.kind.as_str() {
        "" => return Err(refuse("kind", "what-if-error-kind")),
        k @ ("close" | "open" | "hold" | "evacuate") => k,
        _ => return Err(refuse("kind", "form-error-choice")),
    };
    if sent.target.is_empty() {
        return Err(refuse("target", "what-if-error-target"));
    }
    if let Some(problem) = text_problem(&sent.target, MAX_TARGET_CHARS) {
        return Err(refuse("target", problem));
    }
    let target = sent.target.clone();
    if kind == "evacuate" {
        if app.venue.zone(&target).is_none() {
            return Err(refuse("target", "what-if-error-unknown-zone"));
        }
        return Ok(WhatIf::Evacuate(target));
    }
    if app.venue.line(&target).is_none() {
        return Err(refuse("target", "what-if-error-unknown-gate"));
    }
    Ok(match kind {
        "close" => WhatIf::Close(target),
        "open" => WhatIf::Open(target),
        _ => {
            let s = sent.seconds.trim();
            if let Some(problem) = text_problem(s, 12) {
                return Err(refuse("seconds", problem));
            }
            match s.parse::<u64>() {
                Ok(n) if (1..=MAX_HOLD_S).contains(&n) => WhatIf::Hold(target, n as f64),
                _ => return Err(refuse("seconds", "what-if-error-seconds")),
            }
        }
    })
}

/// The forecast page with `status`, what the form was sent with, its refusal or outcome.
async fn render(
    app: &AppState,
    v: &Viewer<'_>,
    sent: &Sent,
    status: StatusCode,
    refused: Option<&Refused>,
    outcome: Option<&Outcome<'_>>,
) -> Result<Response, AppError> {
    let main = main_of(app, v, sent, refused, outcome);
    let open = open_count(app).await?;
    Ok(html_response(
        status,
        layout(v, "forecast", &v.l.t("forecast-title"), open, &main),
    ))
}

/// `POST /forecast/what-if`: the form's change against doing nothing, from the live state
/// now; a refused field gives the page again with the reason (422), nothing computed.
pub async fn what_if(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let fields = form_fields(&headers, &body)?;
    let get = |name| field(&fields, name).unwrap_or("").trim().to_string();
    let sent = Sent {
        kind: get("kind"),
        target: get("target"),
        seconds: get("seconds"),
    };
    if app.forecast.off().is_some() {
        return render(&app, &v, &sent, StatusCode::CONFLICT, None, None).await;
    }
    let change = match check(&app, &sent) {
        Ok(c) => c,
        Err(r) => {
            return render(
                &app,
                &v,
                &sent,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&r),
                None,
            )
            .await;
        }
    };
    let written = change_text(&app, &v, &change);
    match app.forecast.what_if(&app.pipeline, vec![change]).await {
        Ok((_, _, base, alt)) => {
            let o = Outcome {
                change: &written,
                base: &base,
                alt: &alt,
            };
            render(&app, &v, &sent, StatusCode::OK, None, Some(&o)).await
        }
        Err(WhatIfError::Off(_)) => render(&app, &v, &sent, StatusCode::CONFLICT, None, None).await,
        Err(WhatIfError::Unknown { kind, .. }) => {
            let r = Refused {
                field: "target",
                message: if kind == "zone" {
                    "what-if-error-unknown-zone"
                } else {
                    "what-if-error-unknown-gate"
                },
            };
            render(
                &app,
                &v,
                &sent,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&r),
                None,
            )
            .await
        }
        Err(WhatIfError::Failed(m)) => Err(AppError::Unavailable(m)),
    }
}
