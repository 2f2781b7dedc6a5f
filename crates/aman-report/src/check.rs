//! What a report page must never show, checked the same way for every page: a figure that
//! could not be drawn or had no data, an SVG with nothing drawn in it, and a NaN or an
//! infinity printed as a number. Tests run it on every page they render.

/// The problems of `html`, each a short description with its context; empty if none.
///
/// - "could not be drawn" or "has no data to draw" (the notes [`crate::html::figure`] and the
///   simulation report write instead of a figure);
/// - an `<svg>` with no drawn element: none of `path`, `polyline`, `polygon`, `line`,
///   `circle`, `rect` beyond a background rectangle, or `text`;
/// - `NaN`, `inf` or `-inf` standing alone (not inside a word such as "information");
/// - an `id` defined twice: `url(#id)` resolves to the first element with that id on the
///   page, so a second map would be clipped by the first map's outline.
///
/// ```
/// use aman_report::check::page_problems;
/// assert!(page_problems("<p>flow 1.2 1/s, information</p>").is_empty());
/// assert_eq!(page_problems("<p>flow NaN 1/s</p>").len(), 1);
/// assert_eq!(page_problems("<td>inf</td>").len(), 1);
/// assert_eq!(page_problems("<svg viewBox=\"0 0 1 1\"><rect/></svg>").len(), 1);
/// assert_eq!(page_problems("<g id=\"a\"></g><g id=\"a\"></g>").len(), 1);
/// ```
pub fn page_problems(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for note in ["could not be drawn", "has no data to draw"] {
        for (at, _) in html.match_indices(note) {
            problems.push(format!("“{note}”: {}", context(html, at)));
        }
    }
    let mut rest = html;
    let mut offset = 0;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..]
            .find("</svg>")
            .map_or(rest.len(), |e| start + e + 6);
        let svg = &rest[start..end];
        let drawn = [
            "<path",
            "<polyline",
            "<polygon",
            "<line",
            "<circle",
            "<text",
        ]
        .iter()
        .map(|t| svg.matches(t).count())
        .sum::<usize>()
            + svg.matches("<rect").count().saturating_sub(1);
        if drawn == 0 {
            problems.push(format!(
                "empty SVG at byte {}: {}",
                offset + start,
                context(html, offset + start)
            ));
        }
        offset += end;
        rest = &rest[end..];
    }
    for word in ["NaN", "inf"] {
        for (at, _) in html.match_indices(word) {
            let before = html[..at].chars().next_back();
            let after = html[at + word.len()..].chars().next();
            let letter = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if !letter(before) && !letter(after) {
                problems.push(format!("“{word}”: {}", context(html, at)));
            }
        }
    }
    let mut ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    ids.sort_unstable();
    for pair in ids.windows(2) {
        if pair[0] == pair[1] {
            problems.push(format!("id “{}” defined more than once", pair[0]));
        }
    }
    problems
}

/// Up to 60 bytes of `html` on either side of `at`, on char boundaries.
fn context(html: &str, at: usize) -> String {
    let mut a = at.saturating_sub(60);
    while !html.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (at + 60).min(html.len());
    while !html.is_char_boundary(b) {
        b += 1;
    }
    html[a..b].replace('\n', " ")
}
