//! PeTrack / Jülich / JPSreport trajectory text files.
//!
//! # The format
//!
//! ```text
//! #description: 2009_AO_300
//! #framerate: 16
//! #geometry: geo_AO_300.xml
//! #X,Y,Z: the agents coordinates (in metres)
//!
//! #ID FR X Y Z
//! 1 0 -1.8891 -3.7952 1.7790
//! 1 1 -1.8919 -3.7960 1.7790
//! ```
//!
//! One row per person and frame: `id frame x y`, then optional further columns (PeTrack's `z`,
//! markers, …), separated by any whitespace (spaces or tabs). Lines starting with `#` are
//! comments; the comment lines before the first row form the header, which may give the frame
//! rate, the unit and the column names. This is what PedPy 1.5.1 reads with
//! `pedpy.load_trajectory_from_txt` (`pedpy/io/ped_data_archive_loader.py`), with the
//! differences listed at [`read_txt`].

use std::path::Path;

use crate::common::{
    check_frame_rate, finish, line_str, numbered_lines, parse_finite, parse_index, read_file,
    text_body,
};
use crate::data::{ExtraColumn, ExtraValues, TrajectoryData};
use crate::error::{RowLocation, TrajectoryError};
use crate::read::{LengthUnit, LoadedTrajectory, TrajectoryFormat};

const FORMAT: &str = "PeTrack/JPSreport txt";

/// Reads a PeTrack / Jülich / JPSreport trajectory text file (`id frame x y [z] [more]`).
///
/// - **Rows**: whitespace-separated fields; the first four are the person id (whole number
///   ≥ 0), the frame (whole number ≥ 0), x and y. Every data row must have as many fields as
///   the first one. Text after a `#` on a data line is a comment. Rows may come in any order
///   (PeTrack writes them person by person); they are sorted by frame, then id.
/// - **Frame rate** (frames per second): `frame_rate` if given, else from the first header line
///   that names it, such as `#framerate: 16`, `# framerate: 25.0`, `#fps: 30` or
///   `# frame rate: 25` (case-insensitive; the first number after the key, else the first
///   number on the line). PedPy refuses a given frame rate that differs from the header's;
///   here the caller's value wins and a note says so.
/// - **Unit**: `unit` if given, else detected from the header as PedPy does (`x/cm`, `in cm` →
///   centimetres; `x/m`, `in m` → metres; the last header line that says wins), a little
///   stricter — `in m` must be followed by a non-letter or `etre`/`eter` (so
///   `in main hall` is not a unit) — and also `[cm]`, `(cm)`, `unit: cm` and their metre forms.
///   Without either, metres are assumed and a note says so (PedPy raises an error there).
///   Centimetres are divided by 100 (x, y and a `z` column), as PedPy does.
/// - **Extra columns** (everything after y) are kept in [`TrajectoryData::extra`], named as in
///   the header's column-name line (the last comment line before the data with one name per
///   field and no number, e.g. `#ID FR X Y Z` or `# id frame x y z`). Without such a line,
///   the fifth column is named `z` (PeTrack's documented layout) and later ones `column_N`
///   (1-based). A column whose every value is a number is [`ExtraValues::Number`], otherwise
///   [`ExtraValues::Text`].
///
/// # Errors
/// [`TrajectoryError::Io`] (missing file, a directory), [`TrajectoryError::NoData`] (empty file
/// or header only), [`TrajectoryError::BadLine`] naming the line for binary data, a row with
/// fewer than 4 or a different number of fields, a field that is not a number, a negative or
/// fractional id or frame, a NaN or infinite coordinate, or a header frame rate that is not
/// positive; [`TrajectoryError::MissingFrameRate`] when neither the header nor the caller gives
/// one; [`TrajectoryError::InvalidFrameRate`] for a given frame rate ≤ 0 or not finite;
/// [`TrajectoryError::DuplicateRow`] naming both lines when a person appears twice in a frame.
///
/// ```
/// use aman_trajectory::{read_txt, LengthUnit};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("traj.txt");
/// std::fs::write(&path, "#framerate: 16\n# x/cm\n# id frame x y z\n1 0 100 250 175\n2 0 -50 30 160\n1 1 110 250 175\n")?;
/// let loaded = read_txt(&path, None, None)?;
/// let data = &loaded.data;
/// assert_eq!(data.frame_rate, 16.0);
/// assert_eq!((data.frame.clone(), data.id.clone()), (vec![0, 0, 1], vec![1, 2, 1]));
/// assert_eq!(data.x, vec![1.0, -0.5, 1.1]);
/// assert_eq!(data.extra_column("z").unwrap().values,
///            aman_trajectory::ExtraValues::Number(vec![1.75, 1.6, 1.75]));
/// assert!(loaded.notes.iter().any(|n| n.contains("cm")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_txt(
    path: &Path,
    frame_rate: Option<f64>,
    unit: Option<LengthUnit>,
) -> Result<LoadedTrajectory, TrajectoryError> {
    let bytes = read_file(path)?;
    let body = text_body(path, &bytes, FORMAT)?;
    parse(path, body, frame_rate, unit)
}

/// What the header says.
#[derive(Debug, Default)]
struct Header {
    /// Frame rate and the line it is on.
    frame_rate: Option<(f64, u64)>,
    /// Unit and the line that says it.
    unit: Option<(LengthUnit, u64)>,
    /// Column names (one per field) and their line.
    names: Option<(Vec<String>, u64)>,
}

/// The state of an extra column while reading.
enum ExtraState {
    Number(Vec<f64>),
    /// Not all values are numbers; collected as text in a second pass.
    Text,
}

fn parse(
    path: &Path,
    body: &[u8],
    frame_rate: Option<f64>,
    unit: Option<LengthUnit>,
) -> Result<LoadedTrajectory, TrajectoryError> {
    let bad = |line: u64, reason: String| TrajectoryError::BadLine {
        path: path.to_path_buf(),
        line,
        reason,
    };
    // Header: the comment lines before the first data line.
    let mut header_lines: Vec<(u64, String)> = Vec::new();
    let mut first_data: Option<(u64, usize)> = None;
    for (number, line) in numbered_lines(body) {
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed[0] == b'#' {
            header_lines.push((number, String::from_utf8_lossy(&trimmed[1..]).into_owned()));
            continue;
        }
        let text = line_str(path, number, strip_comment(line))?;
        first_data = Some((number, text.split_ascii_whitespace().count()));
        break;
    }
    let Some((first_line, columns)) = first_data else {
        return Err(TrajectoryError::NoData {
            path: path.to_path_buf(),
            reason: "only comment lines, no data row".to_owned(),
        });
    };
    if columns < 4 {
        return Err(bad(
            first_line,
            format!(
                "{columns} field(s); expected at least 4: id frame x y (then optional z …), \
                 separated by spaces or tabs"
            ),
        ));
    }
    let header = read_header(&header_lines, columns);

    let mut notes = Vec::new();
    let mut assumed_metres = false;
    let fps = match (frame_rate, header.frame_rate) {
        (Some(given), found) => {
            let given = check_frame_rate(path, given)?;
            if let Some((f, line)) = found
                && f != given
            {
                notes.push(format!(
                    "header line {line} gives {f} fps; using {given} fps as given"
                ));
            }
            given
        }
        (None, Some((f, line))) => {
            if !(f.is_finite() && f > 0.0) {
                return Err(bad(
                    line,
                    format!("frame rate {f} in the header; it must be a number > 0"),
                ));
            }
            notes.push(format!("frame rate {f} fps from header line {line}"));
            f
        }
        (None, None) => {
            return Err(TrajectoryError::MissingFrameRate {
                path: path.to_path_buf(),
                reason: "the header has no line such as `#framerate: 16`".to_owned(),
            });
        }
    };
    let unit = match (unit, header.unit) {
        (Some(given), found) => {
            if let Some((u, line)) = found
                && u != given
            {
                notes.push(format!(
                    "header line {line} says the unit is {u}; using {given} as given"
                ));
            }
            given
        }
        (None, Some((u, line))) => {
            notes.push(format!("unit {u} from header line {line}"));
            u
        }
        (None, None) => {
            // The note is written once the rows are read, to say how far the points spread.
            assumed_metres = true;
            LengthUnit::Metre
        }
    };
    if unit == LengthUnit::Centimetre {
        notes.push("coordinates converted from cm to m".to_owned());
    }

    // Extra column names.
    let names: Vec<String> = match &header.names {
        Some((names, _)) => names[4..].to_vec(),
        None => (5..=columns)
            .map(|c| {
                if c == 5 {
                    "z".to_owned()
                } else {
                    format!("column_{c}")
                }
            })
            .collect(),
    };

    // Rows.
    let capacity = body.len() / 24;
    let mut data = TrajectoryData::new(fps);
    data.id.reserve(capacity);
    data.frame.reserve(capacity);
    data.x.reserve(capacity);
    data.y.reserve(capacity);
    let mut extras: Vec<ExtraState> = names
        .iter()
        .map(|_| ExtraState::Number(Vec::with_capacity(capacity)))
        .collect();
    for (number, line) in numbered_lines(body).skip(first_line as usize - 1) {
        let content = strip_comment(line);
        if content.trim_ascii().is_empty() {
            continue;
        }
        let text = line_str(path, number, content)?;
        let mut fields = text.split_ascii_whitespace();
        // `what` names the missing field for the message (built only on error).
        let mut next = |what: usize| -> Result<&str, TrajectoryError> {
            fields.next().ok_or_else(|| {
                let name = match what {
                    0 => "id".to_owned(),
                    1 => "frame".to_owned(),
                    2 => "x".to_owned(),
                    3 => "y".to_owned(),
                    k => format!("column {}", k + 1),
                };
                bad(
                    number,
                    format!(
                        "too few fields: no {name}; every row has {columns} fields like line \
                         {first_line} (id frame x y …)"
                    ),
                )
            })
        };
        let id = parse_index(next(0)?, "id").map_err(|r| bad(number, r))?;
        let frame = parse_index(next(1)?, "frame").map_err(|r| bad(number, r))?;
        let x = parse_finite(next(2)?, "x").map_err(|r| bad(number, r))?;
        let y = parse_finite(next(3)?, "y").map_err(|r| bad(number, r))?;
        for (k, state) in extras.iter_mut().enumerate() {
            let field = next(4 + k)?;
            if let ExtraState::Number(values) = state {
                match field.parse::<f64>() {
                    Ok(v) => values.push(v),
                    Err(_) => *state = ExtraState::Text,
                }
            }
        }
        let surplus = fields.count();
        if surplus > 0 {
            return Err(bad(
                number,
                format!(
                    "{} fields, but line {first_line} (the first row) has {columns}; every row \
                     needs the same columns",
                    columns + surplus
                ),
            ));
        }
        data.id.push(id);
        data.frame.push(frame);
        data.x.push(x);
        data.y.push(y);
    }

    if unit == LengthUnit::Centimetre {
        // Divided, not multiplied by 0.01, to give the same numbers as PedPy.
        for v in data.x.iter_mut().chain(data.y.iter_mut()) {
            *v /= 100.0;
        }
    }
    for (k, (name, state)) in names.into_iter().zip(extras).enumerate() {
        let values = match state {
            ExtraState::Number(mut values) => {
                if unit == LengthUnit::Centimetre && name.eq_ignore_ascii_case("z") {
                    for v in &mut values {
                        *v /= 100.0;
                    }
                }
                ExtraValues::Number(values)
            }
            ExtraState::Text => ExtraValues::Text(text_column(body, first_line, 4 + k)),
        };
        data.extra.push(ExtraColumn { name, values });
    }

    let data = finish(data, path, |id, frame| locate(body, first_line, id, frame))?;
    if assumed_metres {
        notes.push(match crate::centimetre_hint(&data) {
            Some(hint) => format!("no unit in the header; coordinates taken as metres, but {hint}"),
            None => "no unit in the header; coordinates taken as metres (give the unit if they \
                     are centimetres)"
                .to_owned(),
        });
    }
    Ok(LoadedTrajectory {
        data,
        walkable_area_wkt: None,
        format: TrajectoryFormat::JuelichTxt,
        notes,
    })
}

/// The part of a data line before a `#` comment.
fn strip_comment(line: &[u8]) -> &[u8] {
    match line.iter().position(|&b| b == b'#') {
        Some(at) => &line[..at],
        None => line,
    }
}

/// Data rows from `first_line` on, as (line number, fields); lines already validated.
fn data_rows(
    body: &[u8],
    first_line: u64,
) -> impl Iterator<Item = (u64, std::str::SplitAsciiWhitespace<'_>)> {
    numbered_lines(body)
        .skip(first_line as usize - 1)
        .filter_map(|(number, line)| {
            let text = std::str::from_utf8(strip_comment(line)).ok()?;
            (!text.trim_ascii().is_empty()).then(|| (number, text.split_ascii_whitespace()))
        })
}

/// Field `index` (0-based) of every data row, as text.
fn text_column(body: &[u8], first_line: u64, index: usize) -> Vec<String> {
    data_rows(body, first_line)
        .map(|(_, mut fields)| fields.nth(index).unwrap_or_default().to_owned())
        .collect()
}

/// The lines of the first two rows of person `id` in `frame`.
fn locate(body: &[u8], first_line: u64, id: u64, frame: u64) -> (RowLocation, RowLocation) {
    let mut found = data_rows(body, first_line).filter_map(|(number, mut fields)| {
        let i = parse_index(fields.next()?, "").ok()?;
        let f = parse_index(fields.next()?, "").ok()?;
        (i == id && f == frame).then_some(RowLocation::Line(number))
    });
    let first = found.next().unwrap_or(RowLocation::Line(0));
    let second = found.next().unwrap_or(first);
    (first, second)
}

/// Frame rate, unit and column names from the header lines (text after the `#`).
fn read_header(lines: &[(u64, String)], columns: usize) -> Header {
    let mut header = Header::default();
    for (number, text) in lines {
        let lower = text.to_ascii_lowercase();
        if header.frame_rate.is_none()
            && let Some(fps) = header_frame_rate(&lower)
        {
            header.frame_rate = Some((fps, *number));
        }
        if let Some(unit) = header_unit(&lower) {
            header.unit = Some((unit, *number));
        }
        let names: Vec<&str> = text.split_ascii_whitespace().collect();
        let is_names = names.len() == columns
            && names
                .iter()
                .all(|n| n.parse::<f64>().is_err() && !n.contains([':', ',', '=', '(', ')']));
        if is_names {
            header.names = Some((names.iter().map(|n| (*n).to_owned()).collect(), *number));
        }
    }
    header
}

/// The frame rate in a lower-cased header line naming it (`framerate: 16`, `fps = 25`,
/// `frame rate: 25.0`): the first number after the key, else the first number on the line.
fn header_frame_rate(lower: &str) -> Option<f64> {
    let tokens: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || ":=,;#()[]".contains(c))
        .filter(|t| !t.is_empty())
        .collect();
    let key = tokens.iter().enumerate().find_map(|(i, t)| match *t {
        "framerate" | "frame_rate" | "frame-rate" | "fps" => Some(i + 1),
        "frame" if tokens.get(i + 1) == Some(&"rate") => Some(i + 2),
        _ => None,
    })?;
    let number = |t: &&str| t.parse::<f64>().ok();
    tokens[key..]
        .iter()
        .find_map(number)
        .or_else(|| tokens.iter().find_map(number))
}

/// The unit a lower-cased header line states, if any.
fn header_unit(lower: &str) -> Option<LengthUnit> {
    let mut found = None;
    // PedPy: "x/cm" or "in cm" → cm, then "x/m" or "in m" → m (metres wins on a line with both).
    if lower.contains("x/cm")
        || lower.contains("in cm")
        || lower.contains("[cm]")
        || lower.contains("(cm)")
        || lower.contains("in centimet")
        || unit_key(lower) == Some("cm")
    {
        found = Some(LengthUnit::Centimetre);
    }
    let metre_after = |pattern: &str| {
        lower.match_indices(pattern).any(|(at, _)| {
            let rest = &lower[at + pattern.len()..];
            !rest.starts_with(|c: char| c.is_ascii_alphabetic())
                || rest.starts_with("etre")
                || rest.starts_with("eter")
        })
    };
    if metre_after("x/m")
        || metre_after("in m")
        || lower.contains("[m]")
        || lower.contains("(m)")
        || matches!(
            unit_key(lower),
            Some("m" | "metre" | "meter" | "metres" | "meters")
        )
    {
        found = Some(LengthUnit::Metre);
    }
    found
}

/// The value of a `unit: …` / `units = …` entry.
fn unit_key(lower: &str) -> Option<&str> {
    let at = lower.find("unit")?;
    let rest = lower[at..].trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let rest = rest.trim_start().strip_prefix([':', '='])?;
    rest.split_whitespace().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_rate_lines() {
        assert_eq!(header_frame_rate("framerate: 16"), Some(16.0));
        assert_eq!(header_frame_rate(" framerate: 25.0"), Some(25.0));
        assert_eq!(header_frame_rate("fps: 30"), Some(30.0));
        assert_eq!(header_frame_rate("fps=12.5"), Some(12.5));
        assert_eq!(header_frame_rate(" frame rate: 25 fps"), Some(25.0));
        assert_eq!(header_frame_rate(" 25 fps"), Some(25.0));
        assert_eq!(header_frame_rate("framerate: -3"), Some(-3.0));
        assert_eq!(header_frame_rate("id fr x y z"), None);
        assert_eq!(header_frame_rate("description: 2009_ao_300"), None);
    }

    #[test]
    fn unit_lines() {
        use LengthUnit::*;
        assert_eq!(
            header_unit("x,y,z: the agents coordinates (in metres)"),
            Some(Metre)
        );
        assert_eq!(header_unit("x/cm y/cm"), Some(Centimetre));
        assert_eq!(header_unit("coordinates in cm"), Some(Centimetre));
        assert_eq!(header_unit("x/m"), Some(Metre));
        assert_eq!(header_unit("unit: cm"), Some(Centimetre));
        assert_eq!(header_unit("units = m"), Some(Metre));
        assert_eq!(header_unit("x [m]"), Some(Metre));
        assert_eq!(header_unit("recorded in main hall"), None);
        assert_eq!(header_unit("x/mm"), None);
        assert_eq!(header_unit("id frame x y z"), None);
    }

    #[test]
    fn column_names_need_one_name_per_field() {
        let lines = vec![
            (1, "framerate: 16".to_owned()),
            (2, "X,Y,Z: the agents coordinates (in metres)".to_owned()),
            (3, "ID\tFR\tX\tY\tZ".to_owned()),
        ];
        let header = read_header(&lines, 5);
        assert_eq!(header.names.unwrap().0, vec!["ID", "FR", "X", "Y", "Z"]);
        assert_eq!(header.frame_rate, Some((16.0, 1)));
        assert_eq!(header.unit, Some((LengthUnit::Metre, 2)));
        assert!(read_header(&lines, 6).names.is_none());
    }
}
