//! `GET /report/day?date=YYYY-MM-DD`: the day report of the venue — zones, peaks, time at
//! levels of service E and F, gate totals, alerts with their verdicts — one printable page
//! drawn by `aman_report::day`, in the viewer's language.
//!
//! The day is a UTC day (the page also gives it in Paris and Casablanca time); without
//! `date`, today; today's report also takes each zone's live density, for the minute not yet
//! stored. A `date` that is not a day, or a day not begun, answers 400 with the
//! dashboard's page saying so in the viewer's language. Zone densities come from the stored minute series (`zone_history`); gate
//! totals are the minute series of flows × 60 s, an estimate as good as the flow window
//! (exact when the venue's window is 60 s and readings never pause).

use aman_i18n::Localizer;
use aman_monitor::{Timestamp, Venue};
use aman_report::day::{
    AlertDay, DayReportInput, DayText, GateDay, Severity, Threshold, Verdict as DayVerdict,
    ZoneDay, render,
};
use aman_store::{HistoryRow, Resolution, Verdict};
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Viewer, html_response};
use crate::app::now;
use crate::auth::Caller;
use crate::error::AppError;
use crate::exercise::Ctx;

/// Most alerts listed on one day's page.
const MAX_ALERTS: usize = 1000;
/// One day, µs.
const DAY_US: i64 = 86_400_000_000;

/// Query of the day report.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayQuery {
    /// The UTC day, `YYYY-MM-DD`; default today.
    pub date: Option<String>,
}

struct Text<'a> {
    l: &'static Localizer,
    venue: &'a Venue,
}

impl DayText for Text<'_> {
    fn lang(&self) -> &str {
        self.l.lang().code()
    }
    fn dir(&self) -> &str {
        self.l.lang().dir()
    }
    fn t(&self, key: &str) -> String {
        self.l.t(key)
    }
    fn count(&self, key: &str, n: u64) -> String {
        self.l.count(key, n)
    }
    fn time(&self, utc_micros: i64) -> String {
        self.l.times(utc_micros)
    }
    fn date_time(&self, utc_micros: i64) -> String {
        self.l.date_times(utc_micros)
    }
    fn zone_name(&self, id: &str) -> String {
        let code = self.lang();
        let v = self.venue;
        v.zone(id)
            .map(|(_, z)| z.name.get(code).to_owned())
            .or_else(|| v.line(id).map(|(_, l)| l.name.get(code).to_owned()))
            .unwrap_or_else(|| id.to_owned())
    }
    fn gate_name(&self, id: &str) -> String {
        self.zone_name(id)
    }
}

/// The start of the UTC day `YYYY-MM-DD`, µs, if it is a real date (2024-02-30 is not).
fn day_start(date: &str) -> Option<i64> {
    let t = Timestamp::parse_rfc3339(&format!("{date}T00:00:00Z")).ok()?;
    (aman_report::day::utc_date(t.0) == date).then_some(t.0)
}

/// The handler.
pub async fn page(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    q: Result<Query<DayQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let now = now();
    let today = now.0.div_euclid(DAY_US) * DAY_US;
    let start = match q.map(|Query(q)| q.date) {
        Ok(None) => Ok(today),
        Ok(Some(d)) => match day_start(&d) {
            Some(s) if s <= today => Ok(s),
            Some(_) => Err("day-not-begun"),
            None => Err("day-bad-date"),
        },
        Err(_) => Err("day-bad-date"),
    };
    let start = match start {
        Ok(s) => s,
        Err(key) => {
            let main = format!(
                "<section class=\"panel\"><h1>{}</h1><p class=\"form-error\" \
                 data-field=\"date\">{}</p><p><a href=\"/report/day\">{}</a></p></section>",
                v.t("day-title"),
                v.t(key),
                v.t("day-today")
            );
            let open = super::open_count(&app).await?;
            return Ok(html_response(
                StatusCode::BAD_REQUEST,
                super::layout(&v, "report", &v.l.t("day-title"), open, &main),
            ));
        }
    };
    let end = (start + DAY_US).min(now.0.max(start + 1));
    let venue = &app.venue;
    let (from, to) = (Timestamp(start), Timestamp(start + DAY_US));
    // Today's report ends now: the live state gives each zone's density in the minute not
    // yet closed in the stored series.
    let live = if start == today {
        app.pipeline.state().await
    } else {
        None
    };
    let mut zones = Vec::with_capacity(venue.zones.len());
    for (i, z) in venue.zones.iter().enumerate() {
        let rows = app
            .store
            .history(&venue.id, &z.id, Resolution::Minute, from, to)
            .await?;
        let thresholds = venue
            .rules
            .iter()
            .filter(|r| r.subject == aman_monitor::venue::Subject::Zone(i))
            .filter_map(|r| {
                venue.rule_density(r).map(|d| Threshold {
                    rule: r.id.clone(),
                    density: d,
                })
            })
            .collect();
        let mut density: Vec<(i64, f64)> = rows
            .iter()
            .map(|r| (r.t.0, r.density.unwrap_or(f64::NAN)))
            .collect();
        let current = live
            .as_ref()
            .and_then(|s| s.zones.get(i))
            .and_then(|zs| Some((zs.time?.0, zs.density?)));
        if let Some((t, d)) = current
            && t >= start
            && density.last().is_none_or(|(last, _)| t > *last)
        {
            density.push((t, d));
        }
        zones.push(ZoneDay {
            id: z.id.clone(),
            area_m2: z.walkable_m2,
            table: z.los,
            density,
            thresholds,
        });
    }
    let mut gates = Vec::with_capacity(venue.lines.len());
    for l in &venue.lines {
        let rows = app
            .store
            .history(&venue.id, &l.id, Resolution::Minute, from, to)
            .await?;
        let total = |f: fn(&HistoryRow) -> Option<f64>| {
            rows.iter()
                .filter_map(f)
                .filter(|x| x.is_finite())
                .sum::<f64>()
                * 60.0
        };
        gates.push(GateDay {
            id: l.id.clone(),
            persons_in: total(|r| r.flow_in).round().max(0.0) as u64,
            persons_out: total(|r| r.flow_out).round().max(0.0) as u64,
        });
    }
    let records = app
        .store
        .alerts_raised_between(&venue.id, from, to, MAX_ALERTS)
        .await?;
    let mut alerts = Vec::with_capacity(records.len());
    for a in records {
        let note = match a.verdict {
            Some(_) => app.store.verdict_note(&a.id).await?,
            None => None,
        };
        alerts.push(AlertDay {
            zone: a.subject.clone(),
            rule: a.rule.clone(),
            severity: Severity::from_cap(&a.severity).unwrap_or(Severity::Minor),
            raised_at_us: a.raised_at.0,
            acknowledged_at_us: a.acknowledged_at.map(|t| t.0),
            resolved_at_us: a.resolved_at.map(|t| t.0),
            verdict: a.verdict.map(|v| match v {
                Verdict::TruePositive => DayVerdict::TruePositive,
                Verdict::FalsePositive => DayVerdict::FalsePositive,
            }),
            note,
        });
    }
    let input = DayReportInput {
        venue_name: venue.name.get(v.code()).to_owned(),
        day_start_us: start,
        day_end_us: end,
        made_at_us: now.0,
        zones,
        gates,
        alerts,
    };
    let text = Text { l: v.l, venue };
    Ok(html_response(StatusCode::OK, render(&input, &text)))
}
