//! HTML building blocks shared by every page: the style sheet, escaping, bidi isolation of
//! user-supplied names, number and time formatting, level-of-service badges, and the
//! figure-or-reason block.

use std::fmt::Write as _;

use aman_analysis::los::FruinLevel;

/// Inline style sheet.
pub const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans Arabic',sans-serif;
 color:#1b1b1b;max-width:960px;margin:24px auto;padding:0 16px;line-height:1.45}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.2em;margin:28px 0 8px;border-bottom:2px solid #ddd;padding-bottom:4px}
.meta{color:#555;margin:0 0 10px;display:flex;flex-wrap:wrap;gap:2px 20px}.meta span{white-space:nowrap}
.verdict{padding:10px 14px;border-radius:6px;font-weight:600;margin:12px 0}
.verdict.ok{background:#e6f4ea;border:1px solid #1a9850}.verdict.warn{background:#fff4e5;border:1px solid #e08a00}
.verdict.none{background:#f1f1f1;border:1px solid #999}
table{border-collapse:collapse;width:100%;margin:8px 0 4px;font-size:.95em}
th,td{border-bottom:1px solid #e3e3e3;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f6f6f6;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}
.los{display:inline-block;min-width:3.6em;text-align:center;padding:1px 6px;border-radius:4px;font-weight:700;
 border:1px solid #0003}
.swatch{display:inline-block;width:22px;height:14px;vertical-align:middle;border:1px solid #0004}
.line-swatch{display:inline-block;width:22px;height:0;vertical-align:middle;border-top:3px dashed}
.note{color:#555;font-size:.92em;margin:4px 0}.empty{color:#777;font-style:italic}
.warn-text{color:#a05a00}.peak-note{display:block;white-space:normal;color:#a05a00;font-size:.92em}
.figure{overflow-x:auto}.figure svg{max-width:100%;height:auto;display:block}
.legend{display:flex;flex-wrap:wrap;gap:24px}.legend table{width:auto}
.snapshots{display:flex;flex-wrap:wrap;gap:8px 24px}.snapshot{max-width:100%}.snapshot h3{margin:12px 0 2px;font-size:1em}
footer{margin:32px 0 8px;color:#777;font-size:.85em;border-top:1px solid #ddd;padding-top:8px}
@media print{body{margin:0;max-width:none}section{break-inside:avoid}}
";

/// Appends a drawn figure, or a line saying why `what` could not be drawn.
pub fn figure(h: &mut String, svg: Result<String, String>, what: &str) {
    match svg {
        Ok(svg) => {
            h.push_str("<div class=\"figure\">");
            h.push_str(&svg);
            h.push_str("</div>\n");
        }
        Err(e) => {
            let _ = writeln!(
                h,
                "<p class=\"empty\">{} could not be drawn: {}</p>",
                esc(what),
                esc(&e)
            );
        }
    }
}

/// Escapes `s` for HTML text and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, for plain-text contexts (SVG
/// labels) where an Arabic name must not reorder the text around it.
pub fn isolate(s: &str) -> String {
    format!("\u{2068}{s}\u{2069}")
}

/// A user-supplied name as escaped, bidi-isolated HTML.
pub fn name_html(s: &str) -> String {
    if s.is_empty() {
        "<i>(unnamed)</i>".to_string()
    } else {
        format!("<bdi>{}</bdi>", esc(s))
    }
}

/// A time in s, with minutes and seconds added from one minute on: "754.3 s (12 min 34 s)".
pub fn fmt_time(t: f64) -> String {
    if !t.is_finite() {
        return "—".to_string();
    }
    if t.abs() < 60.0 {
        format!("{t:.1} s")
    } else {
        let total = t.round() as i64;
        let (m, s) = (total / 60, total % 60);
        if m >= 60 {
            format!("{t:.0} s ({} h {:02} min {s:02} s)", m / 60, m % 60)
        } else {
            format!("{t:.1} s ({m} min {s:02} s)")
        }
    }
}

/// `Some(time)` formatted, or `none`.
pub fn fmt_opt_time(t: Option<f64>, none: &str) -> String {
    t.filter(|t| t.is_finite())
        .map_or_else(|| none.to_string(), fmt_time)
}

/// A number with `decimals` decimals, or "—".
pub fn fmt_num(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => "—".to_string(),
    }
}

/// A coloured badge for a level of service.
pub fn los_badge(level: FruinLevel) -> String {
    let fg = if matches!(level, FruinLevel::E | FruinLevel::F) {
        "#fff"
    } else {
        "#000"
    };
    format!(
        "<span class=\"los\" style=\"background:{};color:{fg}\">LOS {}</span>",
        level.colour(),
        level.label()
    )
}

/// `n` and the singular or plural noun: "1 agent", "2 agents".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `n` with a comma every three digits: 1913 → "1,913".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        for (n, s) in [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1000, "1,000"),
            (1913, "1,913"),
            (20000, "20,000"),
            (1234567, "1,234,567"),
        ] {
            assert_eq!(thousands(n), s);
        }
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(esc("a<b & 'c'"), "a&lt;b &amp; &#39;c&#39;");
    }
}
