//! Parsing the scenario text, with every syntax error located at its own line and column.
//!
//! serde reads an internally tagged table (`[[stages]]` with `kind`, `[model]`, a distribution
//! with `distribution = …`) through a buffer that forgets where its keys stood, so `toml`
//! reports an unknown key there at the table's header (or the `{` of an inline table). This
//! module finds the key itself in the document and reports its line and column instead.

use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::ScenarioError;
use crate::file::ScenarioFile;

/// Parses a scenario file's text; `path` names it in messages. Nothing is built or checked
/// beyond the file format (names, ranges and geometry are checked by [`crate::build`]).
///
/// ```
/// use std::path::Path;
/// let text = "[simulation]\nend_time = 10\n\n[model]\nkind = \"social_force\"\nmas = 80\n";
/// let err = aman_scenario::parse_str(text, Path::new("s.toml")).unwrap_err().to_string();
/// assert!(err.contains("line 6, column 1"), "{err}"); // the key, not `[model]` on line 4
/// ```
///
/// # Errors
/// [`ScenarioError::Syntax`] if the text is not TOML, a key is unknown or missing, or a value
/// has the wrong type; the message gives the line and column of the offending key or value, a
/// snippet, and what was expected.
pub fn parse_str(text: &str, path: &Path) -> Result<ScenarioFile, ScenarioError> {
    toml::from_str(text).map_err(|e| ScenarioError::Syntax {
        path: path.to_path_buf(),
        message: message(text, &e),
    })
}

/// The error's text, re-located at the unknown key when `toml` placed it on the key's table.
fn message(text: &str, e: &toml::de::Error) -> String {
    let fallback = e.to_string();
    let (Some(span), Some(key)) = (e.span(), unknown_field(e.message())) else {
        return fallback;
    };
    if text
        .get(span.clone())
        .is_some_and(|s| s.trim_start().starts_with(key))
    {
        return fallback; // already on the key
    }
    let Ok(doc) = DeTable::parse(text) else {
        return fallback;
    };
    // Every table holding the key, in document order.
    let mut found = Vec::new();
    find_key(doc.get_ref(), doc.span(), key, &mut found);
    found.sort_by_key(|c| (c.table_start, c.key.start));
    // `toml` points at the table's header, but for the second and later `[[stages]]` at the
    // first one. So: the table at that place or after it, preferring one whose other keys
    // the message lists as expected (a key valid in one kind of stage may be unknown in
    // another); serde stops at the first unknown key, so the first such table in the file.
    let expected = expected_fields(e.message());
    let fits = |c: &&Candidate| {
        c.other_keys
            .iter()
            .all(|k| TAGS.contains(&k.as_str()) || expected.contains(&k.as_str()))
    };
    let at = found
        .iter()
        .filter(|c| c.table_start == span.start)
        .find(fits)
        .or_else(|| {
            found
                .iter()
                .filter(|c| c.table_start >= span.start)
                .find(fits)
        })
        .or_else(|| found.iter().find(|c| c.table_start >= span.start))
        .or(found.first());
    match at {
        Some(c) => render(text, c.key.clone(), e.message()),
        None => fallback,
    }
}

/// The keys that choose the variant of an internally tagged table.
const TAGS: [&str; 2] = ["kind", "distribution"];

/// A table holding the unknown key.
struct Candidate {
    /// Where the table starts (its header, or `{`).
    table_start: usize,
    /// The key's span.
    key: std::ops::Range<usize>,
    /// The table's other keys.
    other_keys: Vec<String>,
}

/// The names listed after "expected" in serde's message, e.g. `name`, `polygon`.
fn expected_fields(message: &str) -> Vec<&str> {
    let Some((_, list)) = message.split_once("expected") else {
        return Vec::new();
    };
    list.split('`').skip(1).step_by(2).collect()
}

/// The field name of serde's "unknown field `x`, expected …" message.
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(&rest[..rest.find('`')?])
}

/// Collects every table of the document that holds `key`.
fn find_key(
    table: &DeTable<'_>,
    table_span: std::ops::Range<usize>,
    key: &str,
    found: &mut Vec<Candidate>,
) {
    if let Some((k, _)) = table.iter().find(|(k, _)| k.get_ref() == key) {
        found.push(Candidate {
            table_start: table_span.start,
            key: k.span(),
            other_keys: table
                .iter()
                .map(|(k, _)| k.get_ref().to_string())
                .filter(|k| k != key)
                .collect(),
        });
    }
    for (_, value) in table.iter() {
        find_in_value(value, key, found);
    }
}

/// [`find_key`] for the tables inside `value`.
fn find_in_value(value: &Spanned<DeValue<'_>>, key: &str, found: &mut Vec<Candidate>) {
    match value.get_ref() {
        DeValue::Table(t) => find_key(t, value.span(), key, found),
        DeValue::Array(items) => {
            for item in items.iter() {
                find_in_value(item, key, found);
            }
        }
        _ => {}
    }
}

/// `toml`'s layout of an error: position, the line with a caret under `span`, the message.
fn render(text: &str, span: std::ops::Range<usize>, message: &str) -> String {
    let before = &text[..span.start.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    let content = text[line_start..].split('\n').next().unwrap_or("");
    let content = content.strip_suffix('\r').unwrap_or(content);
    let width = text
        .get(span.clone())
        .map_or(1, |s| s.chars().count().max(1));
    let gutter = " ".repeat(line.to_string().len());
    format!(
        "TOML parse error at line {line}, column {column}\n{gutter} |\n{line} | {content}\n\
         {gutter} | {}{}\n{message}\n",
        " ".repeat(column - 1),
        "^".repeat(width)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid scenario touching every table kind; each test adds one unknown key `bogus` to
    /// one table and checks that the error points at that key's own line and column.
    const BASE: &[&str] = &[
        "[scenario]",                                                       // 1
        "name = \"t\"",                                                     // 2
        "[simulation]",                                                     // 3
        "end_time = 10",                                                    // 4
        "[geometry]",                                                       // 5
        "wkt = \"POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))\"",                // 6
        "[model]",                                                          // 7
        "kind = \"collision_free_speed\"",                                  // 8
        "[[stages]]",                                                       // 9
        "kind = \"exit\"",                                                  // 10
        "name = \"door\"",                                                  // 11
        "polygon = [[9.5, 4], [10, 4], [10, 6], [9.5, 6]]",                 // 12
        "[[stages]]",                                                       // 13
        "kind = \"waypoint\"",                                              // 14
        "name = \"mid\"",                                                   // 15
        "position = [5, 5]",                                                // 16
        "[[stairs]]",                                                       // 17
        "name = \"st\"",                                                    // 18
        "polygon = [[1, 1], [3, 1], [3, 2], [1, 2]]",                       // 19
        "up = [1, 0]",                                                      // 20
        "[[journeys]]",                                                     // 21
        "name = \"j\"",                                                     // 22
        "stages = [\"mid\", \"door\"]",                                     // 23
        "[[populations]]",                                                  // 24
        "name = \"p\"",                                                     // 25
        "journey = \"j\"",                                                  // 26
        "area = [[1, 1], [4, 1], [4, 4], [1, 4]]",                          // 27
        "count = 3",                                                        // 28
        "desired_speed = { distribution = \"uniform\", min = 1, max = 2 }", // 29
        "[[sources]]",                                                      // 30
        "name = \"s\"",                                                     // 31
        "journey = \"j\"",                                                  // 32
        "area = [[1, 5], [4, 5], [4, 8], [1, 8]]",                          // 33
        "rate = 1",                                                         // 34
        "end = 5",                                                          // 35
        "[[events]]",                                                       // 36
        "time = 3",                                                         // 37
        "close = \"door\"",                                                 // 38
        "[[measurement_lines]]",                                            // 39
        "name = \"l\"",                                                     // 40
        "line = [[8, 0], [8, 10]]",                                         // 41
        "[output]",                                                         // 42
        "fps = 10",                                                         // 43
    ];

    /// The error for BASE with `insert` placed after line `after` (1-based).
    fn error_with(after: usize, insert: &str) -> String {
        let mut lines: Vec<String> = BASE.iter().map(|s| s.to_string()).collect();
        lines.insert(after, insert.to_string());
        let text = lines.join("\n") + "\n";
        parse_str(&text, Path::new("t.toml"))
            .map(|_| ())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn base_parses() {
        parse_str(&(BASE.join("\n") + "\n"), Path::new("t.toml")).unwrap();
    }

    /// Adds `bogus = 1` after line `after` and expects it reported at line `after + 1`,
    /// column 1, with the field list of its table.
    fn check_line(after: usize, expected: &str) {
        let err = error_with(after, "bogus = 1");
        let want = format!("line {}, column 1", after + 1);
        assert!(err.contains(&want), "expected {want}:\n{err}");
        assert!(err.contains("unknown field `bogus`"), "{err}");
        assert!(err.contains(expected), "expected fields {expected}:\n{err}");
        assert!(err.contains("| bogus = 1\n"), "{err}");
    }

    #[test]
    fn unknown_key_in_scenario() {
        check_line(2, "`name`");
    }

    #[test]
    fn unknown_key_in_simulation() {
        check_line(4, "`end_time`");
    }

    #[test]
    fn unknown_key_in_geometry() {
        check_line(6, "`wkt`");
    }

    #[test]
    fn unknown_key_in_model() {
        check_line(8, "`strength_neighbor_repulsion`");
    }

    #[test]
    fn unknown_key_in_exit_stage() {
        check_line(12, "`polygon`");
    }

    #[test]
    fn unknown_key_in_waypoint_stage() {
        check_line(16, "`position`");
    }

    #[test]
    fn unknown_key_in_stairs() {
        check_line(20, "`up`");
    }

    #[test]
    fn unknown_key_in_journey() {
        check_line(23, "`choice`");
    }

    #[test]
    fn unknown_key_in_population() {
        check_line(28, "`count`");
    }

    #[test]
    fn unknown_key_in_source() {
        check_line(35, "`rate`");
    }

    #[test]
    fn unknown_key_in_event() {
        check_line(38, "`close`");
    }

    #[test]
    fn unknown_key_in_measurement_line() {
        check_line(41, "`line`");
    }

    #[test]
    fn unknown_key_in_output() {
        check_line(43, "`fps`");
    }

    #[test]
    fn unknown_key_in_an_inline_distribution() {
        // line 29 replaced: the key sits inside `{ … }`, after other keys
        let mut lines: Vec<String> = BASE.iter().map(|s| s.to_string()).collect();
        lines[28] =
            "desired_speed = { distribution = \"uniform\", min = 1, bogus = 3, max = 2 }".into();
        let text = lines.join("\n") + "\n";
        let err = parse_str(&text, Path::new("t.toml"))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        let column = lines[28].find("bogus").unwrap() + 1;
        assert!(
            err.contains(&format!("line 29, column {column}")),
            "expected column {column}:\n{err}"
        );
        assert!(err.contains("unknown field `bogus`"), "{err}");
    }

    #[test]
    fn unknown_key_in_a_distribution_table() {
        // a distribution written as a sub-table of a population
        let err = error_with(
            29,
            "[populations.radius]\ndistribution = \"constant\"\nbogus = 1\nvalue = 0.2",
        );
        assert!(err.contains("line 32, column 1"), "{err}");
    }

    #[test]
    fn a_key_valid_in_one_stage_kind_is_found_where_it_is_unknown() {
        // `distance` belongs to waypoints: in the exit (line 12) it is unknown, and the
        // waypoint's own `distance` (line 22) must not be blamed.
        let mut lines: Vec<String> = BASE.iter().map(|s| s.to_string()).collect();
        lines.insert(16, "distance = 0.5".into()); // waypoint, line 17
        lines.insert(8, "[[stages]]\nkind = \"exit\"\nname = \"d2\"\ndistance = 1\npolygon = [[0, 4], [0.5, 4], [0.5, 6], [0, 6]]".into());
        let text = lines.join("\n") + "\n";
        let err = parse_str(&text, Path::new("t.toml"))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 12, column 1"), "{err}");
        assert!(err.contains("| distance = 1\n"), "{err}");
    }

    #[test]
    fn other_errors_are_unchanged() {
        let err = error_with(4, "seed = \"x\"");
        assert!(err.contains("line 5"), "{err}");
    }
}
