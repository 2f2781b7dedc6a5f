//! `report.html` of `aman verify`: one self-contained page (inline CSS and SVG, no script)
//! with how the suite was run (aman version and commit, suite, model with every parameter,
//! seed, date), a summary table (test, verdict, measured, criterion) and one section per test
//! with its details and figures.

use std::fmt::Write as _;

use aman_verify::{Figure, Outcome, VerifyError};
use serde::Serialize;

use crate::charts::{self, XyChart};
use crate::html::{CSS, esc, figure};

/// One line of the results: an outcome, or the error that stopped the test.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Test id, e.g. `RiMEA 1` or `HERMES AO300`.
    pub id: String,
    /// What is tested.
    pub title: String,
    /// `PASS`, `FAIL`, `DOC` or `ERROR`.
    pub verdict: String,
    /// The measured figure(s) with units; empty for an error.
    pub measured: String,
    /// The criterion in words; empty for an error.
    pub criterion: String,
    /// Further lines for the report.
    pub details: Vec<String>,
    /// Why the test could not run, for `ERROR`.
    pub error: Option<String>,
    /// Plots for the report (not in results.json).
    #[serde(skip)]
    pub figures: Vec<Figure>,
}

impl Row {
    /// A row from a test's result.
    pub fn new(id: String, title: String, result: Result<Outcome, VerifyError>) -> Self {
        match result {
            Ok(o) => Row {
                id: o.id,
                title: o.title,
                verdict: o.verdict.label().to_string(),
                measured: o.measured,
                criterion: o.criterion,
                details: o.details,
                error: None,
                figures: o.figures,
            },
            Err(e) => Row {
                id,
                title,
                verdict: "ERROR".into(),
                measured: String::new(),
                criterion: String::new(),
                details: Vec::new(),
                error: Some(e.to_string()),
                figures: Vec::new(),
            },
        }
    }

    /// Whether the row counts as success (PASS or DOC).
    pub fn ok(&self) -> bool {
        self.verdict == "PASS" || self.verdict == "DOC"
    }
}

/// How the suite was run, for the report and results.json.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// aman version (`CARGO_PKG_VERSION`).
    pub aman_version: String,
    /// Short git commit of the repository, if git could tell.
    pub commit: Option<String>,
    /// `rimea` or `experiments`.
    pub suite: String,
    /// Model name.
    pub model: String,
    /// The model's parameters as used (its defaults), Rust debug notation.
    pub model_parameters: Vec<(String, String)>,
    /// Seed.
    pub seed: u64,
    /// Date and time of the run, UTC, ISO 8601.
    pub generated_utc: String,
    /// The repository root the scenarios were read from.
    pub root: String,
}

/// Counts per verdict.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    /// Tests run.
    pub tests: usize,
    /// PASS.
    pub pass: usize,
    /// FAIL.
    pub fail: usize,
    /// DOC (documented, not judged).
    pub doc: usize,
    /// ERROR (could not run).
    pub error: usize,
}

impl Totals {
    /// Counts `rows`.
    pub fn of(rows: &[Row]) -> Self {
        let mut t = Totals {
            tests: rows.len(),
            ..Default::default()
        };
        for r in rows {
            match r.verdict.as_str() {
                "PASS" => t.pass += 1,
                "FAIL" => t.fail += 1,
                "DOC" => t.doc += 1,
                _ => t.error += 1,
            }
        }
        t
    }
}

/// Extra style: verdict badges.
const VERIFY_CSS: &str = "
.badge{display:inline-block;min-width:3.8em;text-align:center;padding:1px 6px;border-radius:4px;
 font-weight:700;border:1px solid #0003}
.b-PASS{background:#1a9850;color:#fff}.b-FAIL{background:#d73027;color:#fff}
.b-DOC{background:#4575b4;color:#fff}.b-ERROR{background:#333;color:#fff}
table.params td{font-family:monospace}
";

/// Converts a verification figure to a chart of [`charts`].
pub fn to_chart(f: &Figure) -> XyChart {
    XyChart {
        title: f.title.clone(),
        x_label: f.x_label.clone(),
        y_label: f.y_label.clone(),
        series: f.series.clone(),
        bands: Vec::new(),
        y_from_zero: true,
        y_integer: f.y_label.starts_with("persons") || f.y_label.contains("persons crossed"),
        legend_right: upper_left_busier(&f.series),
        ..XyChart::default()
    }
}

/// Whether more points fall in the upper left corner of the plot (the left 40 % of the x range,
/// the top 40 % of the y range from 0) than in the upper right one: the legend then goes to
/// the right, so that it hides no data (a fundamental diagram falls from the upper left).
fn upper_left_busier(series: &[aman_verify::Series]) -> bool {
    let points = || series.iter().flat_map(|s| s.points.iter().copied());
    let (mut x0, mut x1, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, 0.0_f64);
    for (x, y) in points().filter(|(x, y)| x.is_finite() && y.is_finite()) {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    if !(x1 > x0 && y1 > 0.0) {
        return false;
    }
    let (mut left, mut right) = (0usize, 0usize);
    for (x, y) in points() {
        if y >= 0.6 * y1 {
            let u = (x - x0) / (x1 - x0);
            left += usize::from(u <= 0.4);
            right += usize::from(u >= 0.6);
        }
    }
    left > right
}

fn badge(verdict: &str) -> String {
    format!(
        "<span class=\"badge b-{}\">{}</span>",
        esc(verdict),
        esc(verdict)
    )
}

/// Anchor of a row's section.
fn anchor(k: usize) -> String {
    format!("t{k}")
}

/// The whole page. Never panics: a figure that cannot be drawn is replaced by a note.
pub fn render(info: &RunInfo, totals: &Totals, rows: &[Row]) -> String {
    let mut h = String::with_capacity(64 * 1024 + rows.len() * 200 * 1024);
    let suite_name = match info.suite.as_str() {
        "rimea" => "RiMEA 3.0 test suite",
        _ => "comparison with real bottleneck experiments",
    };
    let title = format!("aman verify {}: {}", info.suite, info.model);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}{VERIFY_CSS}</style>\n</head>\n<body>\n\
         <h1>Verification: {}</h1>\n<p class=\"meta\">",
        esc(&title),
        esc(suite_name)
    );
    let commit = info
        .commit
        .as_deref()
        .map_or(String::new(), |c| format!(" (commit {})", esc(c)));
    for (k, v) in [
        ("aman", format!("{}{commit}", esc(&info.aman_version))),
        ("suite", esc(&info.suite)),
        ("model", esc(&info.model)),
        ("seed", info.seed.to_string()),
        ("run", esc(&info.generated_utc)),
    ] {
        let _ = write!(h, "<span><b>{k}</b> {v}</span>");
    }
    h.push_str("</p>\n");
    let (class, text) = if totals.tests == 0 {
        ("none", "No test was run.".to_string())
    } else if totals.fail + totals.error == 0 {
        (
            "ok",
            format!(
                "All {} tests passed or are documented ({} PASS, {} DOC).",
                totals.tests, totals.pass, totals.doc
            ),
        )
    } else {
        (
            "warn",
            format!(
                "{} of {} tests did not pass: {} FAIL, {} ERROR ({} PASS, {} DOC).",
                totals.fail + totals.error,
                totals.tests,
                totals.fail,
                totals.error,
                totals.pass,
                totals.doc
            ),
        )
    };
    let _ = writeln!(h, "<div class=\"verdict {class}\">{}</div>", esc(&text));

    h.push_str("<section>\n<h2>Summary</h2>\n");
    if rows.is_empty() {
        h.push_str("<p class=\"empty\">The suite has no tests in this build.</p>\n");
    } else {
        h.push_str(
            "<table>\n<tr><th>test</th><th>what</th><th>verdict</th><th>measured</th>\
             <th>criterion</th></tr>\n",
        );
        for (k, r) in rows.iter().enumerate() {
            let measured = r.error.as_deref().unwrap_or(&r.measured);
            let _ = writeln!(
                h,
                "<tr><td><a href=\"#{}\"><bdi>{}</bdi></a></td><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td></tr>",
                anchor(k),
                esc(&r.id),
                esc(&r.title),
                badge(&r.verdict),
                esc(measured),
                esc(&r.criterion)
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");

    for (k, r) in rows.iter().enumerate() {
        let _ = writeln!(
            h,
            "<section id=\"{}\">\n<h2>{} {} — {}</h2>",
            anchor(k),
            badge(&r.verdict),
            esc(&r.id),
            esc(&r.title)
        );
        if let Some(e) = &r.error {
            let _ = writeln!(
                h,
                "<p class=\"warn-text\">The test could not run: {}</p>",
                esc(e)
            );
        } else {
            let _ = writeln!(
                h,
                "<p><b>Measured:</b> {}<br><b>Criterion:</b> {}</p>",
                esc(&r.measured),
                esc(&r.criterion)
            );
        }
        if !r.details.is_empty() {
            h.push_str("<ul>\n");
            for d in &r.details {
                let _ = writeln!(h, "<li>{}</li>", esc(d));
            }
            h.push_str("</ul>\n");
        }
        for f in &r.figures {
            let what = format!("The figure “{}”", f.title);
            figure(&mut h, charts::chart_svg(&to_chart(f)), &what);
        }
        h.push_str("</section>\n");
    }

    let _ = write!(
        h,
        "<section>\n<h2>Model parameters</h2>\n<p class=\"note\">Every scenario ran with this \
         model at its default parameters (agent parameters — desired speed, radius, time gap — \
         are the scenarios' own; see each test's details).</p>\n<table class=\"params\">\n{}</table>\n\
         </section>\n",
        info.model_parameters
            .iter()
            .map(|(k, v)| format!("<tr><td>{}</td><td>{}</td></tr>\n", esc(k), esc(v)))
            .collect::<String>()
    );
    let _ = write!(
        h,
        "<footer>Generated by aman {}{commit} on {} from the repository at <bdi>{}</bdi>. \
         Results also in results.json.</footer>\n</body>\n</html>\n",
        esc(&info.aman_version),
        esc(&info.generated_utc),
        esc(&info.root)
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use aman_verify::{SeriesStyle, Verdict};

    fn series(points: &[(f64, f64)]) -> aman_verify::Series {
        aman_verify::Series {
            name: "s".into(),
            points: points.to_vec(),
            style: SeriesStyle::Points,
        }
    }

    #[test]
    fn legend_goes_where_it_hides_no_data() {
        // a fundamental diagram: speed falls with density, the upper left is full
        let fd = series(&[(0.5, 1.34), (1.0, 1.3), (2.0, 0.9), (3.0, 0.6), (4.0, 0.4)]);
        assert!(upper_left_busier(&[fd]));
        // an N–t curve: rises to the upper right
        let nt = series(&[(0.0, 0.0), (10.0, 30.0), (20.0, 60.0), (30.0, 90.0)]);
        assert!(!upper_left_busier(&[nt]));
        // nothing to place against
        assert!(!upper_left_busier(&[series(&[])]));
        assert!(!upper_left_busier(&[series(&[(1.0, f64::NAN)])]));
    }

    fn fake_rows() -> Vec<Row> {
        let ok = Outcome {
            id: "RiMEA 1".into(),
            title: "corridor travel time".into(),
            criterion: "26–34 s".into(),
            measured: "30.08 s".into(),
            verdict: Verdict::Pass,
            details: vec!["one <agent>".into()],
            figures: vec![Figure {
                title: "N–t".into(),
                x_label: "time (s)".into(),
                y_label: "persons".into(),
                series: vec![aman_verify::Series {
                    name: "simulated".into(),
                    points: vec![(0.0, 0.0), (1.0, 1.0)],
                    style: aman_verify::SeriesStyle::Step,
                }],
            }],
        };
        vec![
            Row::new("RiMEA 1".into(), "corridor travel time".into(), Ok(ok)),
            Row::new(
                "RiMEA 12".into(),
                "bottleneck".into(),
                Err(VerifyError::Data("missing file x".into())),
            ),
        ]
    }

    #[test]
    fn page_has_table_sections_and_figures() {
        let rows = fake_rows();
        let info = RunInfo {
            aman_version: "0.1.0".into(),
            commit: Some("abc1234".into()),
            suite: "rimea".into(),
            model: "collision_free_speed".into(),
            model_parameters: vec![("strength_neighbor_repulsion".into(), "8".into())],
            seed: 7,
            generated_utc: "2025-01-01 00:00:00 UTC".into(),
            root: "/repo".into(),
        };
        let html = render(&info, &Totals::of(&rows), &rows);
        assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
        for s in [
            "RiMEA 1",
            "corridor travel time",
            "30.08 s",
            "26–34 s",
            "b-PASS",
            "b-ERROR",
            "missing file x",
            "one &lt;agent&gt;",
            "abc1234",
            "<td>strength_neighbor_repulsion</td><td>8</td>",
            "<svg",
            "1 of 2 tests did not pass",
        ] {
            assert!(html.contains(s), "missing {s}");
        }
        assert!(!html.contains("<script"));
    }
}
