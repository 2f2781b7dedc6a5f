//! The day report of a venue monitored by `aman serve`: one printable page (A4, self-contained:
//! inline CSS and SVG, no script, no external asset) that an operations centre hands over at
//! the end of an operational day.
//!
//! The page shows the venue, the UTC day and the local times of its bounds, then per zone the
//! peak occupancy, the peak density and its time, the worst Fruin level of service reached, the
//! time spent at levels E and F and a small chart of the density over the day with the rule
//! thresholds drawn; per gate or counting line the persons in and out; and the alerts of the
//! day with their zone, rule, severity, times and verdict.
//!
//! [`render`] is a pure function of plain data ([`DayReportInput`]) and of the caller's
//! language ([`DayText`]): every word of the page comes from [`DayText::t`] or
//! [`DayText::count`] with one of the [`KEYS`], every time from [`DayText::time`] or
//! [`DayText::date_time`], every zone or gate name from [`DayText::zone_name`] /
//! [`DayText::gate_name`]. The page itself writes only figures (Latin digits, SI units from
//! the keys), level letters A–F, hours UTC on the charts' axes and the UTC date in ISO 8601
//! form (a test renders with the keys in brackets and finds no other word). Every text is
//! HTML-escaped, and every name or note typed by a user is put in a `<bdi>` element, so that
//! right-to-left control characters in it cannot reorder the text around it.
//!
//! **Durations are step-wise.** A zone's density series is a list of readings `(t, ρ)`; each
//! reading holds from its time until the next reading's time (the last one until
//! [`DayReportInput::day_end_us`]), clipped to the day. A NaN reading marks a gap (sensor
//! silent): the time until the next reading counts towards no level and the chart line breaks
//! there. The time at level E (F) is the sum of the intervals whose reading is at level E (F) in
//! the zone's Fruin table ([`aman_analysis::los::LosTable::level`], Fruin 1971).

use std::fmt::Write as _;

use aman_analysis::los::{FruinLevel, LosTable};

use crate::html::esc;

/// Microseconds in a day.
const DAY_US: i64 = 86_400_000_000;

/// Every key [`render`] asks [`DayText::t`] or [`DayText::count`] for; each must exist in the
/// French, Arabic and English Fluent files. The keys of [`COUNT_KEYS`] take a `$count`
/// variable and select their plural form on it.
pub const KEYS: &[&str] = &[
    "day-title",
    "day-utc-day",
    "day-local-times",
    "day-from",
    "day-to",
    "day-made",
    "day-zones",
    "day-no-zones",
    "day-peak-occupancy",
    "day-peak-density",
    "day-peak-time",
    "day-worst-los",
    "day-time-los-e",
    "day-time-los-f",
    "day-unit-density",
    "day-unit-hmm",
    "day-chart-title",
    "day-chart-axis",
    "day-threshold",
    "day-no-readings",
    "day-gates",
    "day-no-gates",
    "day-gate",
    "day-in",
    "day-out",
    "day-alerts",
    "day-no-alerts",
    "day-alert-zone",
    "day-alert-rule",
    "day-alert-severity",
    "day-alert-raised",
    "day-alert-acknowledged",
    "day-alert-resolved",
    "day-alert-verdict",
    "day-severity-extreme",
    "day-severity-severe",
    "day-severity-moderate",
    "day-severity-minor",
    "day-verdict-true",
    "day-verdict-false",
    "day-verdict-none",
    "day-not-yet",
    "day-method",
    "persons",
    "day-alert-count",
];

/// The keys of [`KEYS`] passed to [`DayText::count`] (with `$count`), not to [`DayText::t`].
pub const COUNT_KEYS: &[&str] = &["persons", "day-alert-count"];

/// The caller's language: every word, time and name of the page.
pub trait DayText {
    /// BCP 47 code of the language: `"fr"`, `"ar"`, `"en"` (the page's `lang`).
    fn lang(&self) -> &str;
    /// `"ltr"` or `"rtl"` (the page's `dir`; anything else is taken as `"ltr"`).
    fn dir(&self) -> &str;
    /// The text of `key` (one of [`KEYS`], not of [`COUNT_KEYS`]), plain text (escaped here).
    fn t(&self, key: &str) -> String;
    /// The text of `key` (one of [`COUNT_KEYS`]) for `n`, in the plural form of the language
    /// for `n` (Arabic has six), with `n` in Latin digits.
    fn count(&self, key: &str, n: u64) -> String;
    /// A UTC instant (µs since 1970-01-01T00:00:00Z) as the operators read it: in both
    /// Europe/Paris and Africa/Casablanca local time (by the tz database, so Morocco's
    /// Ramadan offset is right), with the date where the caller wants it.
    fn time(&self, utc_micros: i64) -> String;
    /// As [`time`](Self::time) with the local dates, for the bounds of the day and the time
    /// the report was made; by default [`time`](Self::time).
    fn date_time(&self, utc_micros: i64) -> String {
        self.time(utc_micros)
    }
    /// The name of zone `id` in this language (from the venue file).
    fn zone_name(&self, id: &str) -> String;
    /// The name of gate or counting line `id` in this language; by default
    /// [`zone_name`](Self::zone_name) of it.
    fn gate_name(&self, id: &str) -> String {
        self.zone_name(id)
    }
}

/// One operational day of one venue, as [`render`] shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DayReportInput {
    /// The venue's name in the page's language (shown escaped).
    pub venue_name: String,
    /// Start of the UTC day, µs since the Unix epoch (a multiple of 86 400 s; the page shows
    /// this day's date).
    pub day_start_us: i64,
    /// End of the period reported, µs: the start plus 24 h for a past day, the current time
    /// for today. The last reading of a zone holds until then.
    pub day_end_us: i64,
    /// When the report was made, µs (shown in the header; the page reads no clock).
    pub made_at_us: i64,
    /// The zones, in the order shown.
    pub zones: Vec<ZoneDay>,
    /// The gates and counting lines, in the order shown.
    pub gates: Vec<GateDay>,
    /// The alerts raised during the day, in the order shown (by raise time, usually).
    pub alerts: Vec<AlertDay>,
}

/// One zone over the day.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneDay {
    /// Zone id, as in the venue file (its name comes from [`DayText::zone_name`]).
    pub id: String,
    /// Walkable area of the zone, m² (occupancy = density × area).
    pub area_m2: f64,
    /// The Fruin table the zone is graded with.
    pub table: LosTable,
    /// Density readings `(t, ρ)`: t in µs since the Unix epoch, ascending; ρ in persons/m²,
    /// NaN for a gap (see the [module docs](self)).
    pub density: Vec<(i64, f64)>,
    /// The density thresholds of the rules watching the zone, drawn on its chart.
    pub thresholds: Vec<Threshold>,
}

/// A density threshold of a rule, drawn as a horizontal line.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// Rule id, as in the venue file (shown escaped and isolated).
    pub rule: String,
    /// Density at which the rule raises its alert, persons/m².
    pub density: f64,
}

/// One gate or counting line over the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateDay {
    /// Gate or line id, as in the venue file (its name from [`DayText::gate_name`]).
    pub id: String,
    /// Persons counted in, over the day.
    pub persons_in: u64,
    /// Persons counted out, over the day.
    pub persons_out: u64,
}

/// CAP 1.2 severity of an alert (`Extreme`, `Severe`, `Moderate`, `Minor`), as its rule sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Extraordinary threat to life or property.
    Extreme,
    /// Significant threat to life or property.
    Severe,
    /// Possible threat to life or property.
    Moderate,
    /// Minimal to no known threat.
    Minor,
}

impl Severity {
    /// The CAP name, `Extreme` … `Minor`, as the store keeps it; `None` for anything else.
    pub fn from_cap(name: &str) -> Option<Severity> {
        match name {
            "Extreme" => Some(Severity::Extreme),
            "Severe" => Some(Severity::Severe),
            "Moderate" => Some(Severity::Moderate),
            "Minor" => Some(Severity::Minor),
            _ => None,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Severity::Extreme => "day-severity-extreme",
            Severity::Severe => "day-severity-severe",
            Severity::Moderate => "day-severity-moderate",
            Severity::Minor => "day-severity-minor",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Severity::Extreme => "sev-extreme",
            Severity::Severe => "sev-severe",
            Severity::Moderate => "sev-moderate",
            Severity::Minor => "sev-minor",
        }
    }
}

/// The operator's verdict on an alert, as the store keeps it (`true_positive`,
/// `false_positive`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The situation was real: a true alarm.
    TruePositive,
    /// It was not: a false alarm.
    FalsePositive,
}

/// One alert of the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertDay {
    /// What the rule watched: a zone id (its name from [`DayText::zone_name`]).
    pub zone: String,
    /// Rule id, as in the venue file (shown escaped and isolated).
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// When the rule raised it, µs since the Unix epoch.
    pub raised_at_us: i64,
    /// When an operator acknowledged it, µs.
    pub acknowledged_at_us: Option<i64>,
    /// When it was resolved, µs.
    pub resolved_at_us: Option<i64>,
    /// The verdict, once given.
    pub verdict: Option<Verdict>,
    /// The operator's note on the verdict (user text: shown escaped and isolated).
    pub note: Option<String>,
}

/// The figures of one zone over the day, computed from its readings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoneFigures {
    /// Highest density read in the period and the time of its first reading:
    /// (µs, persons/m²); `None` without a reading.
    pub peak: Option<(i64, f64)>,
    /// Peak density × area, rounded to the nearest person.
    pub peak_occupancy: Option<u64>,
    /// Worst level reached: the worst level held for some time, or that of the peak.
    pub worst: Option<FruinLevel>,
    /// Seconds spent at each level A–F (index `FruinLevel as usize`), step-wise.
    pub seconds: [f64; 6],
}

/// The figures of `zone` between `start` and `end` (µs): peak, occupancy at the peak, worst
/// level and seconds per level, step-wise as the [module docs](self) say.
pub fn zone_figures(zone: &ZoneDay, start: i64, end: i64) -> ZoneFigures {
    let mut seconds = [0.0; 6];
    let mut peak: Option<(i64, f64)> = None;
    for (k, &(t, rho)) in zone.density.iter().enumerate() {
        if rho.is_nan() {
            continue;
        }
        if (start..end).contains(&t) && peak.is_none_or(|(_, p)| rho > p) {
            peak = Some((t, rho));
        }
        let next = zone.density.get(k + 1).map_or(end, |&(n, _)| n);
        let (a, b) = (t.max(start), next.min(end));
        if b > a {
            seconds[zone.table.level(rho) as usize] += (b - a) as f64 / 1e6;
        }
    }
    let held = FruinLevel::ALL
        .iter()
        .rev()
        .find(|l| seconds[**l as usize] > 0.0)
        .copied();
    let at_peak = peak.map(|(_, p)| zone.table.level(p));
    let peak_occupancy = peak
        .map(|(_, p)| p * zone.area_m2)
        .filter(|o| o.is_finite() && *o >= 0.0)
        .map(|o| o.round() as u64);
    ZoneFigures {
        peak,
        peak_occupancy,
        worst: held.max(at_peak),
        seconds,
    }
}

/// A duration in s as `h:mm`, rounded to the minute: 4 500 s → "1:15".
pub fn hours_minutes(seconds: f64) -> String {
    let m = (seconds.max(0.0) / 60.0).round() as u64;
    format!("{}:{:02}", m / 60, m % 60)
}

/// The UTC date of `utc_micros` as `YYYY-MM-DD` (proleptic Gregorian; Hinnant's
/// `civil_from_days`).
pub fn utc_date(utc_micros: i64) -> String {
    let z = utc_micros.div_euclid(DAY_US) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Style sheet of the page: A4 portrait when printed, the same width on screen; logical
/// properties (`start`/`end`, `inline`) so that `dir="rtl"` mirrors the layout.
const CSS: &str = "
@page{size:A4 portrait;margin:10mm}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans Arabic','DejaVu Sans',sans-serif;
 color:#1b1b1b;width:190mm;margin:8mm auto;font-size:10pt;line-height:1.35}
h1{font-size:16pt;margin:0 0 2px}h2{font-size:12pt;margin:10px 0 4px;border-bottom:2px solid #ccc;padding-bottom:2px}
h3{font-size:10.5pt;margin:0 0 3px;display:flex;gap:6px;align-items:center}
.meta{color:#444;margin:0;display:flex;flex-wrap:wrap;gap:0 16px}
.zones{display:grid;grid-template-columns:1fr 1fr;gap:6px 10px}
.zone{border:1px solid #ccc;border-radius:4px;padding:5px 7px;break-inside:avoid}
dl{display:grid;grid-template-columns:auto auto;gap:0 8px;margin:0 0 3px;font-size:9pt}
dt{color:#555}dd{margin:0;font-variant-numeric:tabular-nums;text-align:end}
.los{display:inline-block;min-width:1.7em;text-align:center;padding:0 4px;border-radius:3px;font-weight:700;border:1px solid #0004}
svg{display:block;width:100%;height:auto}
.legend{font-size:8pt;color:#444;margin:1px 0 0}.legend span{margin-inline-end:10px;white-space:nowrap}
.dash{display:inline-block;width:16px;border-top:2px dashed #000;vertical-align:middle;margin-inline-end:3px}
table{border-collapse:collapse;width:100%;font-size:9pt}
th,td{border-bottom:1px solid #ddd;padding:2px 4px;text-align:start;vertical-align:top}
th{background:#f3f3f3;font-weight:600}td.num,th.num{text-align:end;font-variant-numeric:tabular-nums}
.time{font-size:8.5pt}.note{color:#555;font-size:8.5pt}.empty{color:#666;font-style:italic}
.sev-extreme{font-weight:700;color:#7f0000}.sev-severe{font-weight:700;color:#b30000}.sev-moderate{color:#a05a00}
footer{margin-top:8px;color:#666;font-size:8pt;border-top:1px solid #ccc;padding-top:3px}
@media print{body{margin:0;width:auto}}
";

/// The day report: one HTML page, A4 when printed. See the [module docs](self) for what it
/// shows and how the durations are computed; nothing here fails (a zone without readings
/// says so, empty lists say so).
pub fn render(input: &DayReportInput, text: &dyn DayText) -> String {
    let t = |k: &str| esc(&text.t(k));
    let time = |us: i64| format!("<span class=\"time\">{}</span>", esc(&text.time(us)));
    let date_time = |us: i64| format!("<span class=\"time\">{}</span>", esc(&text.date_time(us)));
    let dir = if text.dir() == "rtl" { "rtl" } else { "ltr" };
    let lang: String = text
        .lang()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let venue = esc(&input.venue_name);
    let date = utc_date(input.day_start_us);
    let mut h = String::with_capacity(32 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · {venue} · {date}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        t("day-title")
    );
    // Labels stand apart from their values (bold, no colon), so that no punctuation of one
    // language (French puts a space before a colon) is written by the page.
    let _ = writeln!(
        h,
        "<header><h1>{} — <bdi>{venue}</bdi></h1>\n<p class=\"meta\"><span><b>{}</b> \
         <span dir=\"ltr\">{date}</span></span><span><b>{}</b> {} {} {} {}</span>\
         <span><b>{}</b> {}</span></p></header>",
        t("day-title"),
        t("day-utc-day"),
        t("day-local-times"),
        t("day-from"),
        date_time(input.day_start_us),
        t("day-to"),
        date_time(input.day_end_us),
        t("day-made"),
        date_time(input.made_at_us),
    );

    let _ = writeln!(h, "<section>\n<h2>{}</h2>", t("day-zones"));
    if input.zones.is_empty() {
        let _ = writeln!(h, "<p class=\"empty\">{}</p>", t("day-no-zones"));
    } else {
        h.push_str("<div class=\"zones\">\n");
        for zone in &input.zones {
            zone_card(&mut h, input, zone, text);
        }
        h.push_str("</div>\n");
    }
    h.push_str("</section>\n");

    let _ = writeln!(h, "<section>\n<h2>{}</h2>", t("day-gates"));
    if input.gates.is_empty() {
        let _ = writeln!(h, "<p class=\"empty\">{}</p>", t("day-no-gates"));
    } else {
        let _ = writeln!(
            h,
            "<table>\n<tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr>",
            t("day-gate"),
            t("day-in"),
            t("day-out")
        );
        for g in &input.gates {
            let _ = writeln!(
                h,
                "<tr><td><bdi>{}</bdi></td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&text.gate_name(&g.id)),
                g.persons_in,
                g.persons_out
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");

    let _ = writeln!(
        h,
        "<section>\n<h2>{} <span class=\"note\">({})</span></h2>",
        t("day-alerts"),
        esc(&text.count("day-alert-count", input.alerts.len() as u64))
    );
    if input.alerts.is_empty() {
        let _ = writeln!(h, "<p class=\"empty\">{}</p>", t("day-no-alerts"));
    } else {
        let _ = writeln!(
            h,
            "<table>\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
             <th>{}</th></tr>",
            t("day-alert-zone"),
            t("day-alert-rule"),
            t("day-alert-severity"),
            t("day-alert-raised"),
            t("day-alert-acknowledged"),
            t("day-alert-resolved"),
            t("day-alert-verdict"),
        );
        let opt_time = |us: Option<i64>| us.map_or_else(|| t("day-not-yet"), time);
        for a in &input.alerts {
            let verdict = match a.verdict {
                Some(Verdict::TruePositive) => t("day-verdict-true"),
                Some(Verdict::FalsePositive) => t("day-verdict-false"),
                None => t("day-verdict-none"),
            };
            let note = a
                .note
                .as_deref()
                .filter(|n| !n.trim().is_empty())
                .map(|n| format!("<div class=\"note\"><bdi>{}</bdi></div>", esc(n)))
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr><td><bdi>{}</bdi></td><td><bdi>{}</bdi></td><td class=\"{}\">{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td><td>{verdict}{note}</td></tr>",
                esc(&text.zone_name(&a.zone)),
                esc(&a.rule),
                a.severity.class(),
                t(a.severity.key()),
                time(a.raised_at_us),
                opt_time(a.acknowledged_at_us),
                opt_time(a.resolved_at_us),
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");
    let _ = writeln!(h, "<footer>{}</footer>\n</body>\n</html>", t("day-method"));
    h
}

/// One zone's card: name and worst level, its figures, its chart.
fn zone_card(h: &mut String, input: &DayReportInput, zone: &ZoneDay, text: &dyn DayText) {
    let t = |k: &str| esc(&text.t(k));
    let f = zone_figures(zone, input.day_start_us, input.day_end_us);
    let badge = f.worst.map_or_else(String::new, badge);
    let _ = writeln!(
        h,
        "<article class=\"zone\">\n<h3>{badge}<bdi>{}</bdi></h3>",
        esc(&text.zone_name(&zone.id))
    );
    let Some((peak_t, peak)) = f.peak else {
        let _ = writeln!(
            h,
            "<p class=\"empty\">{}</p>\n</article>",
            t("day-no-readings")
        );
        return;
    };
    let unit = t("day-unit-density");
    let _ = writeln!(
        h,
        "<dl>\n<div style=\"display:contents\"><dt>{}</dt><dd>{}</dd></div>\n\
         <div style=\"display:contents\"><dt>{}</dt><dd>{peak:.2} {unit}</dd></div>\n\
         <div style=\"display:contents\"><dt>{}</dt><dd><span class=\"time\">{}</span></dd></div>\n\
         <div style=\"display:contents\"><dt>{}</dt><dd>{}</dd></div>\n\
         <div style=\"display:contents\"><dt>{} ({})</dt><dd>{}</dd></div>\n\
         <div style=\"display:contents\"><dt>{} ({})</dt><dd>{}</dd></div>\n</dl>",
        t("day-peak-occupancy"),
        esc(&text.count("persons", f.peak_occupancy.unwrap_or(0))),
        t("day-peak-density"),
        t("day-peak-time"),
        esc(&text.time(peak_t)),
        t("day-worst-los"),
        f.worst.map_or("", FruinLevel::label),
        t("day-time-los-e"),
        t("day-unit-hmm"),
        hours_minutes(f.seconds[FruinLevel::E as usize]),
        t("day-time-los-f"),
        t("day-unit-hmm"),
        hours_minutes(f.seconds[FruinLevel::F as usize]),
    );
    chart(
        h,
        input,
        zone,
        peak,
        &t("day-chart-title"),
        &t("day-chart-axis"),
    );
    if !zone.thresholds.is_empty() {
        h.push_str("<p class=\"legend\">");
        for th in &zone.thresholds {
            let _ = write!(
                h,
                "<span><i class=\"dash\"></i>{} <bdi>{}</bdi> {:.2} {unit}</span>",
                t("day-threshold"),
                esc(&th.rule),
                th.density
            );
        }
        h.push_str("</p>\n");
    }
    h.push_str("</article>\n");
}

/// A level-of-service badge: the letter on the level's colour (colour is never the only
/// signal).
fn badge(level: FruinLevel) -> String {
    let fg = if level >= FruinLevel::E {
        "#fff"
    } else {
        "#000"
    };
    format!(
        "<span class=\"los\" style=\"background:{};color:{fg}\">{}</span>",
        level.colour(),
        level.label()
    )
}

/// The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ᵏ at least `v` (v > 0).
fn nice_ceil(v: f64) -> f64 {
    let e = v.log10().floor() as i32;
    // m / 10^−e rather than m × 10^e: 6 / 10 is 0.6, 6 × 0.1 is 0.6000000000000001.
    let scale = |m: f64| {
        if e >= 0 {
            m * 10f64.powi(e)
        } else {
            m / 10f64.powi(-e)
        }
    };
    [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .map(scale)
        .find(|c| *c >= v * (1.0 - 1e-12))
        .unwrap_or_else(|| scale(10.0))
}

/// The density chart of a zone over the 24 h of the UTC day: the zone's Fruin levels as
/// coloured bands with their letters, the readings as a step line (as the durations are
/// computed), the thresholds as dashed lines; hours UTC on the x axis.
fn chart(
    h: &mut String,
    input: &DayReportInput,
    zone: &ZoneDay,
    peak: f64,
    title: &str,
    axis: &str,
) {
    const W: f64 = 340.0;
    const H: f64 = 128.0;
    let (x0, x1, y0, y1) = (26.0, W - 14.0, 8.0, H - 22.0);
    let top = zone
        .thresholds
        .iter()
        .map(|t| t.density)
        .filter(|d| d.is_finite())
        .fold(peak.max(0.5), f64::max);
    let ymax = nice_ceil(top * 1.1);
    let start = input.day_start_us;
    let x = |t: i64| x0 + (t - start) as f64 / DAY_US as f64 * (x1 - x0);
    let y = |v: f64| y1 - v.clamp(0.0, ymax) / ymax * (y1 - y0);
    let _ = write!(
        h,
        "<svg viewBox=\"0 0 {W} {H}\" role=\"img\" dir=\"ltr\" style=\"direction:ltr\" \
         font-size=\"8\" font-family=\"sans-serif\"><title>{title}</title>"
    );
    // Level bands: level k spans densities (max_density[k-1], max_density[k]].
    let bounds = zone.table.max_density();
    let mut low = 0.0;
    for level in FruinLevel::ALL {
        let high = bounds.get(level as usize).copied().unwrap_or(f64::INFINITY);
        if low < ymax {
            let (ya, yb) = (y(high.min(ymax)), y(low));
            let _ = write!(
                h,
                "<rect x=\"{x0}\" y=\"{ya:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" \
                 fill-opacity=\"0.28\"/>",
                x1 - x0,
                yb - ya,
                level.colour(),
            );
            // The letter where the band is tall enough to hold it.
            if yb - ya >= 7.0 {
                let _ = write!(
                    h,
                    "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#333\">{}</text>",
                    x1 + 3.0,
                    (ya + yb) / 2.0 + 3.0,
                    level.label()
                );
            }
        }
        low = high;
    }
    // Axes, ticks every 6 h and at 0, ymax/2, ymax.
    let _ = write!(
        h,
        "<path d=\"M{x0} {y0}V{y1}H{x1}\" fill=\"none\" stroke=\"#444\" stroke-width=\"0.8\"/>"
    );
    for hour in (0..=24).step_by(6) {
        let xh = x0 + f64::from(hour) / 24.0 * (x1 - x0);
        let _ = write!(
            h,
            "<line x1=\"{xh:.1}\" y1=\"{y1}\" x2=\"{xh:.1}\" y2=\"{:.1}\" stroke=\"#444\" \
             stroke-width=\"0.8\"/><text x=\"{xh:.1}\" y=\"{:.1}\" text-anchor=\"middle\">\
             {hour:02}</text>",
            y1 + 3.0,
            y1 + 11.0
        );
    }
    let _ = write!(
        h,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{axis}</text>",
        (x0 + x1) / 2.0,
        H - 1.5
    );
    for v in [0.0, ymax / 2.0, ymax] {
        let _ = write!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 3.0,
            y(v) + 3.0,
            crate::charts::tick(v)
        );
    }
    // Thresholds.
    for th in zone.thresholds.iter().filter(|t| t.density.is_finite()) {
        let yt = y(th.density);
        let _ = write!(
            h,
            "<line x1=\"{x0}\" y1=\"{yt:.1}\" x2=\"{x1}\" y2=\"{yt:.1}\" stroke=\"#000\" \
             stroke-width=\"1\" stroke-dasharray=\"4 3\"/>"
        );
    }
    // Readings, step-wise, broken at gaps.
    let mut path = String::new();
    let mut pen_down = false;
    for (k, &(t, rho)) in zone.density.iter().enumerate() {
        let next = zone
            .density
            .get(k + 1)
            .map_or(input.day_end_us, |&(n, _)| n);
        let (a, b) = (t.max(start), next.min(input.day_end_us).min(start + DAY_US));
        if rho.is_nan() || b <= a {
            pen_down = false;
            continue;
        }
        let _ = if pen_down {
            write!(path, "V{:.1}H{:.1}", y(rho), x(b))
        } else {
            write!(path, "M{:.1} {:.1}H{:.1}", x(a), y(rho), x(b))
        };
        pen_down = true;
    }
    let _ = writeln!(
        h,
        "<path d=\"{path}\" fill=\"none\" stroke=\"#08306b\" stroke-width=\"1.4\"/></svg>"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use aman_i18n::{Lang, Localizer, localizer};

    /// 2024-03-20T00:00:00Z, in Ramadan 2024 (Morocco on UTC+0 instead of UTC+1; Paris on
    /// CET, UTC+1, until 31 March).
    const DAY: i64 = 1_710_892_800_000_000;
    const HOUR: i64 = 3_600_000_000;
    const MINUTE: i64 = 60_000_000;

    /// The real Fluent messages of a language, and the zone names of the venue file.
    struct Fluent(&'static Localizer);

    impl DayText for Fluent {
        fn lang(&self) -> &str {
            self.0.lang().code()
        }
        fn dir(&self) -> &str {
            self.0.lang().dir()
        }
        fn t(&self, key: &str) -> String {
            self.0.t(key)
        }
        fn count(&self, key: &str, n: u64) -> String {
            self.0.count(key, n)
        }
        fn time(&self, utc_micros: i64) -> String {
            self.0.times(utc_micros)
        }
        fn date_time(&self, utc_micros: i64) -> String {
            self.0.date_times(utc_micros)
        }
        fn zone_name(&self, id: &str) -> String {
            match (id, self.0.lang()) {
                ("concourse", Lang::Ar) => "البهو".into(),
                ("concourse", _) => "Concourse".into(),
                ("plaza", _) => "Plaza <script>alert(1)</script>\u{202E}zalp".into(),
                ("north-gate", Lang::Ar) => "البوابة الشمالية".into(),
                ("north-gate", _) => "North gate".into(),
                (other, _) => other.into(),
            }
        }
    }

    /// The concourse rises from 0.3 to 1.8 persons/m² in 24 hourly readings,
    /// ρ(h) = 0.3 + 1.5 h / 23. Walkway levels end at 1/3.24 = 0.309 (A), 1/2.32 = 0.431 (B),
    /// 1/1.39 = 0.719 (C), 1/0.93 = 1.075 (D), 1/0.46 = 2.174 (E): h = 0 is A, 1–2 B, 3–6 C,
    /// 7–11 D, 12–23 E (1.083 at 12:00), each held one hour, the last until 24:00.
    fn concourse() -> ZoneDay {
        ZoneDay {
            id: "concourse".into(),
            area_m2: 500.0,
            table: LosTable::Walkway,
            density: (0..24)
                .map(|h| (DAY + h * HOUR, 0.3 + 1.5 * h as f64 / 23.0))
                .collect(),
            thresholds: vec![Threshold {
                rule: "density-high".into(),
                density: 1.5,
            }],
        }
    }

    /// The plaza: C from 00:00, F at 10:00, no reading from 10:30 (NaN) to 12:00, E from
    /// 12:00, A from 12:45 to the end of the day.
    fn plaza() -> ZoneDay {
        ZoneDay {
            id: "plaza".into(),
            area_m2: 200.0,
            table: LosTable::Walkway,
            density: vec![
                (DAY, 0.5),
                (DAY + 10 * HOUR, 2.5),
                (DAY + 10 * HOUR + 30 * MINUTE, f64::NAN),
                (DAY + 12 * HOUR, 1.2),
                (DAY + 12 * HOUR + 45 * MINUTE, 0.2),
            ],
            thresholds: vec![
                Threshold {
                    rule: "density-high".into(),
                    density: 1.5,
                },
                Threshold {
                    rule: "density-critical".into(),
                    density: 2.0,
                },
            ],
        }
    }

    fn input() -> DayReportInput {
        DayReportInput {
            venue_name: "Stade <b>Vélodrome</b>".into(),
            day_start_us: DAY,
            day_end_us: DAY + 24 * HOUR,
            made_at_us: DAY + 24 * HOUR + 5 * MINUTE,
            zones: vec![concourse(), plaza()],
            gates: vec![GateDay {
                id: "north-gate".into(),
                persons_in: 5230,
                persons_out: 5101,
            }],
            alerts: vec![
                AlertDay {
                    zone: "plaza".into(),
                    rule: "density-critical".into(),
                    severity: Severity::Extreme,
                    raised_at_us: DAY + 10 * HOUR + 10_000_000,
                    acknowledged_at_us: None,
                    resolved_at_us: Some(DAY + 10 * HOUR + 35 * MINUTE),
                    verdict: Some(Verdict::FalsePositive),
                    note: Some("<script>alert('x')</script> \u{202E}sensor glare".into()),
                },
                AlertDay {
                    zone: "concourse".into(),
                    rule: "density-high".into(),
                    severity: Severity::Severe,
                    raised_at_us: DAY + 18 * HOUR + 30_000_000,
                    acknowledged_at_us: Some(DAY + 18 * HOUR + 2 * MINUTE),
                    resolved_at_us: None,
                    verdict: None,
                    note: None,
                },
            ],
        }
    }

    #[test]
    fn figures_of_a_zone_rising_through_the_day() {
        let f = zone_figures(&concourse(), DAY, DAY + 24 * HOUR);
        assert_eq!(f.peak, Some((DAY + 23 * HOUR, 1.8)));
        assert_eq!(f.peak_occupancy, Some(900)); // 1.8 × 500 m²
        assert_eq!(f.worst, Some(FruinLevel::E));
        assert_eq!(
            f.seconds,
            [3600.0, 7200.0, 14_400.0, 18_000.0, 43_200.0, 0.0]
        );
        assert_eq!(hours_minutes(f.seconds[4]), "12:00");
        assert_eq!(hours_minutes(f.seconds[5]), "0:00");
    }

    #[test]
    fn gaps_count_towards_no_level_and_the_last_reading_holds_to_the_end() {
        let f = zone_figures(&plaza(), DAY, DAY + 24 * HOUR);
        assert_eq!(f.peak, Some((DAY + 10 * HOUR, 2.5)));
        assert_eq!(f.peak_occupancy, Some(500));
        assert_eq!(f.worst, Some(FruinLevel::F));
        assert_eq!(f.seconds[FruinLevel::F as usize], 1800.0); // 10:00–10:30
        assert_eq!(f.seconds[FruinLevel::E as usize], 2700.0); // 12:00–12:45
        assert_eq!(f.seconds[FruinLevel::C as usize], 36_000.0); // 00:00–10:00
        assert_eq!(f.seconds[FruinLevel::A as usize], 40_500.0); // 12:45–24:00
        assert_eq!(f.seconds.iter().sum::<f64>(), 22.5 * 3600.0); // 1.5 h unknown
        // Today, reported at 13:00: the last reading holds until then only.
        let f = zone_figures(&plaza(), DAY, DAY + 13 * HOUR);
        assert_eq!(f.seconds[FruinLevel::A as usize], 900.0);
    }

    #[test]
    fn a_reading_before_midnight_holds_into_the_day_but_is_no_peak_of_it() {
        let z = ZoneDay {
            density: vec![(DAY - HOUR, 1.5), (DAY + HOUR, 0.2)],
            ..concourse()
        };
        let f = zone_figures(&z, DAY, DAY + 24 * HOUR);
        assert_eq!(f.seconds[FruinLevel::E as usize], 3600.0);
        assert_eq!(f.seconds[FruinLevel::A as usize], 23.0 * 3600.0);
        assert_eq!(f.peak, Some((DAY + HOUR, 0.2)));
        assert_eq!(
            f.worst,
            Some(FruinLevel::E),
            "held at E from 00:00 to 01:00"
        );
        let empty = zone_figures(
            &ZoneDay {
                density: vec![],
                ..z
            },
            DAY,
            DAY + 24 * HOUR,
        );
        assert_eq!((empty.peak, empty.worst), (None, None));
    }

    #[test]
    fn dates_and_durations() {
        assert_eq!(utc_date(DAY), "2024-03-20");
        assert_eq!(utc_date(DAY - 1), "2024-03-19");
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400_000_000), "2000-02-29");
        assert_eq!(hours_minutes(4500.0), "1:15");
        assert_eq!(hours_minutes(29.0), "0:00");
        assert_eq!(hours_minutes(30.0 * 3600.0 + 59.0 * 60.0 + 31.0), "31:00");
        assert_eq!(nice_ceil(2.75), 3.0);
        assert_eq!(nice_ceil(1.98), 2.0);
        assert_eq!(nice_ceil(0.55), 0.6);
    }

    /// `html` cut at every `<tr>`: the row holding `needle`.
    fn row<'a>(html: &'a str, needle: &str) -> &'a str {
        html.split("<tr>")
            .find(|r| r.contains(needle))
            .unwrap_or_else(|| panic!("no row with {needle}"))
    }

    #[test]
    fn english_page_figures_and_alert_rows() {
        let html = render(&input(), &Fluent(localizer(Lang::En)));
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">"));
        assert!(html.contains("Day report — <bdi>Stade &lt;b&gt;Vélodrome&lt;/b&gt;</bdi>"));
        assert!(html.contains("<b>UTC day</b> <span dir=\"ltr\">2024-03-20</span>"));
        // Concourse: 900 persons, 1.80 persons/m² at 23:00 UTC = 00:00 Paris, 23:00
        // Casablanca (Ramadan: UTC+0), worst E, 12 h at E, none at F.
        assert!(html.contains("<dd>\u{2068}900\u{2069} persons</dd>"));
        assert!(html.contains("<dd>1.80 persons/m²</dd>"));
        assert!(html.contains("<dt>Time at level E (h:mm)</dt><dd>12:00</dd>"));
        assert!(html.contains("<dt>Time at level F (h:mm)</dt><dd>0:00</dd>"));
        assert!(
            html.contains("<dt>Time at level F (h:mm)</dt><dd>0:30</dd>"),
            "plaza"
        );
        assert!(html.contains("<dt>Worst level of service</dt><dd>E</dd>"));
        assert!(html.contains("<dt>Worst level of service</dt><dd>F</dd>"));
        assert!(html.contains("Threshold <bdi>density-critical</bdi> 2.00 persons/m²"));
        assert_eq!(html.matches("<svg").count(), 2);
        assert_eq!(
            html.matches("stroke-dasharray").count(),
            3,
            "three thresholds"
        );
        let gate = row(&html, "North gate");
        assert!(gate.contains("<td class=\"num\">5230</td><td class=\"num\">5101</td>"));
        assert!(html.contains("Alerts <span class=\"note\">(\u{2068}2\u{2069} alerts)"));
        // Alert 1: plaza, raised 10:00:10 UTC = 11:00:10 Paris, 10:00:10 Casablanca; not
        // acknowledged; resolved 10:35:00 UTC; a false alarm with the operator's note.
        let a = row(&html, "density-critical</bdi></td>");
        assert!(a.contains("<td class=\"sev-extreme\">Extreme</td>"));
        assert!(a.contains("11:00:10") && a.contains("10:00:10"));
        assert!(a.contains("<td>—</td>"), "not acknowledged");
        assert!(a.contains("11:35:00") && a.contains("10:35:00"));
        assert!(a.contains("False alarm<div class=\"note\"><bdi>&lt;script&gt;"));
        // Alert 2: concourse, acknowledged at 18:02 UTC, no verdict yet, not resolved.
        let b = row(&html, "density-high</bdi></td>");
        assert!(b.contains("<td><bdi>Concourse</bdi></td>"));
        assert!(b.contains("<td class=\"sev-severe\">Severe</td>"));
        assert!(b.contains("19:02:00") && b.contains("18:02:00"));
        assert!(b.contains("<td>—</td><td>No verdict yet</td>"));
        assert!(crate::check::page_problems(&html).is_empty());
    }

    #[test]
    fn user_text_is_escaped_and_isolated() {
        let html = render(&input(), &Fluent(localizer(Lang::Fr)));
        assert!(!html.contains("<script>"), "no user text runs");
        assert!(!html.contains("<b>Vélodrome"));
        assert!(
            html.contains("<bdi>Plaza &lt;script&gt;alert(1)&lt;/script&gt;\u{202E}zalp</bdi>")
        );
        assert!(html.contains(
            "<bdi>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; \u{202E}sensor glare</bdi>"
        ));
        // Every embedding or override control character (LRE, RLE, PDF, LRO, RLO) sits
        // inside a <bdi>, which ends its effect.
        for (at, _) in html.match_indices(|c| ('\u{202A}'..='\u{202E}').contains(&c)) {
            let open = html[..at].rfind("<bdi>").expect("inside a bdi");
            let close = html[..at].rfind("</bdi>");
            assert!(
                close.is_none_or(|c| c < open),
                "control character outside <bdi>"
            );
        }
    }

    #[test]
    fn arabic_page_is_right_to_left_with_arabic_plurals_and_latin_digits() {
        let html = render(&input(), &Fluent(localizer(Lang::Ar)));
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">"));
        assert!(html.contains("تقرير اليوم"));
        assert!(html.contains("<bdi>البهو</bdi>"));
        assert!(html.contains("(تنبيهان)"), "two alerts: the dual form");
        assert!(
            html.contains("<dd>\u{2068}900\u{2069} شخص</dd>"),
            "900: the other form"
        );
        assert!(html.contains("<dd>1.80 شخص/م²</dd>"));
        assert!(html.contains("<td class=\"sev-extreme\">قصوى</td>"));
        assert!(html.contains("إنذار كاذب"));
        assert!(
            !html.chars().any(|c| ('\u{0660}'..='\u{0669}').contains(&c)),
            "figures in Latin digits"
        );
        assert!(crate::check::page_problems(&html).is_empty());
    }

    /// A language whose every text is its key in brackets: whatever is left on the page once
    /// the keys, times, names and user texts are taken out must be figures, level letters,
    /// the ISO date and punctuation — no word written by the page itself.
    struct Keys;

    impl DayText for Keys {
        fn lang(&self) -> &str {
            "en"
        }
        fn dir(&self) -> &str {
            "ltr"
        }
        fn t(&self, key: &str) -> String {
            assert!(KEYS.contains(&key) && !COUNT_KEYS.contains(&key), "{key}");
            format!("⟦{key}⟧")
        }
        fn count(&self, key: &str, n: u64) -> String {
            assert!(COUNT_KEYS.contains(&key), "{key}");
            format!("⟦{key} {n}⟧")
        }
        fn time(&self, _: i64) -> String {
            "⟦time⟧".into()
        }
        fn zone_name(&self, id: &str) -> String {
            format!("⟦{id}⟧")
        }
    }

    #[test]
    fn no_word_of_the_page_is_written_outside_the_keys() {
        let mut input = input();
        input.venue_name = "⟦venue⟧".into();
        for a in &mut input.alerts {
            a.note = None;
        }
        let html = render(&input, &Keys);
        let body = &html[html.find("</style>").unwrap()..];
        let mut text = String::new();
        let mut in_tag = false;
        for c in body.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    text.push(' ');
                }
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let mut rest = String::new();
        let mut in_key = false;
        for c in text.chars() {
            match c {
                '⟦' => in_key = true,
                '⟧' => in_key = false,
                c if !in_key => rest.push(c),
                _ => {}
            }
        }
        for rule in ["density-high", "density-critical"] {
            rest = rest.replace(rule, "");
        }
        for word in rest.split(|c: char| !c.is_alphanumeric()) {
            let letter = matches!(word, "A" | "B" | "C" | "D" | "E" | "F");
            assert!(
                word.is_empty() || letter || word.chars().all(|c| c.is_ascii_digit()),
                "{word:?} is written by the page, not by a key"
            );
        }
    }

    #[test]
    fn every_key_is_in_the_three_fluent_files() {
        for lang in Lang::ALL {
            let l = localizer(lang);
            for key in KEYS {
                assert!(l.has(key), "{key} missing in {}", lang.code());
            }
        }
        assert!(COUNT_KEYS.iter().all(|k| KEYS.contains(k)));
        assert!(aman_i18n::check_sources().is_empty());
    }
}
