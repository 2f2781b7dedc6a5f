//! Simulator exports that record times rather than frames: crowd:it CSV, Pathfinder CSV and
//! PTV Viswalk `.pp`.
//!
//! All three are delimited text with a header line naming the columns; rows give a person, a
//! time in seconds and a position. Frames and the frame rate come from the times as PedPy
//! 1.5.1 does it (`pedpy.io.helper._calculate_frames_and_fps`): frame rate =
//! `round(1 / mean Δt)` over consecutive rows of each person, frame = `round(time × fps)`; a
//! frame rate given by the caller replaces the derived one.

use std::io::Read;
use std::path::Path;

use crate::common::{
    TimedRows, frames_from_times, line_str, numbered_lines, parse_finite, parse_index, read_file,
    shown, text_body,
};
use crate::error::TrajectoryError;
use crate::read::{LoadedTrajectory, TrajectoryFormat};

const CROWDIT: &str = "crowd:it CSV";
const PATHFINDER: &str = "Pathfinder CSV";
const VISWALK: &str = "Viswalk .pp";

/// Reads a crowd:it trajectory CSV, plain or gzip-compressed (detected from the content, not
/// the name), as PedPy 1.5.1's `load_trajectory_from_crowdit` (`pedpy/io/crowdit_loader.py`).
///
/// Layout: a header `time,pedID,posX,posY` (columns in any order, further columns ignored),
/// then comma-separated rows: time in seconds, person id (whole number ≥ 0), x and y in metres.
/// Frames as described in the module documentation: `frame_rate` replaces the derived frame
/// rate. PedPy drops rows with an empty field; here an empty required field is an error and
/// other columns are not looked at.
///
/// # Errors
/// [`TrajectoryError::Io`] (missing file, directory, damaged gzip stream),
/// [`TrajectoryError::NoData`], [`TrajectoryError::WrongFormat`] naming the missing columns,
/// [`TrajectoryError::BadLine`] for a row with a different number of fields than the header, a
/// non-numeric, negative or fractional id, a time or coordinate that is not a finite number or
/// a negative time, [`TrajectoryError::MissingFrameRate`] when every person has one row and no
/// frame rate is given, [`TrajectoryError::DuplicateRow`] naming both lines when two rows of a
/// person fall on one frame.
pub fn read_crowdit_csv(
    path: &Path,
    frame_rate: Option<f64>,
) -> Result<LoadedTrajectory, TrajectoryError> {
    let raw = read_file(path)?;
    let mut notes = Vec::new();
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        notes.push("gzip-compressed file decompressed".to_owned());
        gunzip(path, &raw)?
    } else {
        raw
    };
    let body = text_body(path, &bytes, CROWDIT)?;
    let table = Table::read(path, body, b',', None, CROWDIT)?;
    let rows = timed_rows(path, &table, ["pedID", "time", "posX", "posY"])?;
    finish_timed(
        path,
        rows,
        frame_rate,
        notes,
        TrajectoryFormat::CrowditCsv,
        1.0,
    )
}

/// Reads a Pathfinder trajectory CSV as PedPy 1.5.1's `load_trajectory_from_pathfinder_csv`
/// (`pedpy/io/pathfinder_loader.py`).
///
/// Layout: a comma-separated header with at least the columns `id`, `t`, `x`, `y` (any order,
/// further columns ignored), usually followed by a unit row (e.g. `unit,,m,m` or `,s,m,m`:
/// its `t` field is not a number), then rows: person id (whole number ≥ 0), time in seconds,
/// x and y. The unit row's entry for `x` gives the length unit: `m` (or empty), `cm`, `mm`,
/// `ft` or `in`; coordinates are converted to metres (PedPy ignores the unit and assumes
/// metres). Frames as described in the module documentation.
///
/// # Errors
/// As [`read_crowdit_csv`], plus [`TrajectoryError::BadLine`] for a unit row with an unknown
/// unit and for a non-numeric `t` on any later row (PedPy drops such rows silently).
pub fn read_pathfinder_csv(
    path: &Path,
    frame_rate: Option<f64>,
) -> Result<LoadedTrajectory, TrajectoryError> {
    let bytes = read_file(path)?;
    let body = text_body(path, &bytes, PATHFINDER)?;
    let table = Table::read(path, body, b',', None, PATHFINDER)?;
    let [id, time, x, y] = table.columns(path, ["id", "t", "x", "y"])?;
    let mut notes = Vec::new();
    let mut scale = 1.0;
    let mut rows = TimedRows::default();
    for (k, (number, fields)) in table.rows(path).enumerate() {
        let fields = fields?;
        if k == 0 && fields.get(time).is_some_and(|t| t.parse::<f64>().is_err()) {
            let unit = fields.get(x).copied().unwrap_or("").trim();
            scale = match unit.to_ascii_lowercase().as_str() {
                "" | "m" | "meter" | "meters" | "metre" | "metres" => 1.0,
                "cm" => 0.01,
                "mm" => 0.001,
                "ft" | "feet" => 0.3048,
                "in" | "inch" | "inches" => 0.0254,
                _ => {
                    return Err(TrajectoryError::BadLine {
                        path: path.to_path_buf(),
                        line: number,
                        reason: format!(
                            "unit row gives the unit {} for x; expected m, cm, mm, ft or in",
                            shown(unit)
                        ),
                    });
                }
            };
            notes.push(format!(
                "unit row on line {number}: coordinates in {}",
                if unit.is_empty() { "m" } else { unit }
            ));
            continue;
        }
        let row = Row::parse(path, number, &fields, [id, time, x, y])?;
        rows.push(row.0, row.1, row.2, row.3, number);
    }
    finish_timed(
        path,
        rows,
        frame_rate,
        notes,
        TrajectoryFormat::PathfinderCsv,
        scale,
    )
}

/// Reads a PTV Viswalk pedestrian record (`.pp`) as PedPy 1.5.1's `load_trajectory_from_viswalk`
/// (`pedpy/io/viswalk_loader.py`).
///
/// Layout: a first line `$VISION`, comment lines starting with `*`, a header line of
/// `;`-separated column names whose first carries the table prefix
/// (`$PEDESTRIAN:NO;SIMSEC;COORDCENTX;COORDCENTY;…`), then `;`-separated rows. Used columns:
/// `NO` (person, whole number ≥ 0), `SIMSEC` (simulation time, s), `COORDCENTX`, `COORDCENTY`
/// (position of the pedestrian's centre, m). Frames as described in the module documentation.
///
/// # Errors
/// As [`read_crowdit_csv`].
pub fn read_viswalk_pp(
    path: &Path,
    frame_rate: Option<f64>,
) -> Result<LoadedTrajectory, TrajectoryError> {
    let bytes = read_file(path)?;
    let body = text_body(path, &bytes, VISWALK)?;
    let table = Table::read(path, body, b';', Some(b'*'), VISWALK)?;
    let rows = timed_rows(path, &table, ["NO", "SIMSEC", "COORDCENTX", "COORDCENTY"])?;
    finish_timed(
        path,
        rows,
        frame_rate,
        Vec::new(),
        TrajectoryFormat::ViswalkPp,
        1.0,
    )
}

/// Decompresses a gzip file held in memory.
fn gunzip(path: &Path, raw: &[u8]) -> Result<Vec<u8>, TrajectoryError> {
    let mut out = Vec::with_capacity(raw.len() * 4);
    flate2::read::MultiGzDecoder::new(raw)
        .read_to_end(&mut out)
        .map_err(|e| TrajectoryError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(format!(
                "the gzip stream is damaged or truncated ({e}); decompress it or copy it again"
            )),
        })?;
    Ok(out)
}

/// Frames from times, the unit scale, and the result.
/// Every row of `table` as (id, time, x, y) from the columns named `[id, time, x, y]`.
fn timed_rows(
    path: &Path,
    table: &Table<'_>,
    names: [&str; 4],
) -> Result<TimedRows, TrajectoryError> {
    let columns = table.columns(path, names)?;
    let mut rows = TimedRows::default();
    for (number, fields) in table.rows(path) {
        let row = Row::parse(path, number, &fields?, columns)?;
        rows.push(row.0, row.1, row.2, row.3, number);
    }
    Ok(rows)
}

fn finish_timed(
    path: &Path,
    mut rows: TimedRows,
    frame_rate: Option<f64>,
    mut notes: Vec<String>,
    format: TrajectoryFormat,
    scale: f64,
) -> Result<LoadedTrajectory, TrajectoryError> {
    if scale != 1.0 {
        for v in rows.x.iter_mut().chain(rows.y.iter_mut()) {
            *v *= scale;
        }
        notes.push(format!("coordinates multiplied by {scale} to give metres"));
    }
    let (data, note) = frames_from_times(path, rows, frame_rate)?;
    notes.push(note);
    Ok(LoadedTrajectory {
        data,
        walkable_area_wkt: None,
        format,
        notes,
    })
}

/// A parsed row: id, time, x, y.
struct Row(u64, f64, f64, f64);

impl Row {
    fn parse(
        path: &Path,
        number: u64,
        fields: &[&str],
        [id, time, x, y]: [usize; 4],
    ) -> Result<Row, TrajectoryError> {
        let bad = |reason: String| TrajectoryError::BadLine {
            path: path.to_path_buf(),
            line: number,
            reason,
        };
        let id = parse_index(fields[id], "the person id").map_err(bad)?;
        let time = parse_finite(fields[time], "the time").map_err(bad)?;
        if time < 0.0 {
            return Err(bad(format!("the time is {time} s; expected a time ≥ 0 s")));
        }
        let x = parse_finite(fields[x], "x").map_err(bad)?;
        let y = parse_finite(fields[y], "y").map_err(bad)?;
        Ok(Row(id, time, x, y))
    }
}

/// A delimited table: header names and the lines after the header.
struct Table<'a> {
    body: &'a [u8],
    delimiter: u8,
    comment: Option<u8>,
    header_line: u64,
    names: Vec<String>,
    format: &'static str,
}

impl<'a> Table<'a> {
    /// Finds the header: the first line that is not blank, not a comment and not Viswalk's
    /// `$VISION` banner.
    fn read(
        path: &Path,
        body: &'a [u8],
        delimiter: u8,
        comment: Option<u8>,
        format: &'static str,
    ) -> Result<Table<'a>, TrajectoryError> {
        for (number, line) in numbered_lines(body) {
            let content = strip(line, comment);
            if content.is_empty() {
                continue;
            }
            let text = line_str(path, number, content)?;
            if number == 1 && text.eq_ignore_ascii_case("$VISION") {
                continue;
            }
            let names = split(text, delimiter)
                .map(|n| {
                    let n = n.rsplit_once(':').map_or(n, |(prefix, name)| {
                        if prefix.starts_with('$') { name } else { n }
                    });
                    n.to_owned()
                })
                .collect();
            return Ok(Table {
                body,
                delimiter,
                comment,
                header_line: number,
                names,
                format,
            });
        }
        Err(TrajectoryError::NoData {
            path: path.to_path_buf(),
            reason: "no header line and no data row".to_owned(),
        })
    }

    /// Indices of the named columns.
    fn columns<const N: usize>(
        &self,
        path: &Path,
        wanted: [&str; N],
    ) -> Result<[usize; N], TrajectoryError> {
        let mut index = [0usize; N];
        let mut missing = Vec::new();
        for (k, name) in wanted.iter().enumerate() {
            match self.names.iter().position(|n| n == name) {
                Some(i) => index[k] = i,
                None => missing.push(*name),
            }
        }
        if missing.is_empty() {
            return Ok(index);
        }
        Err(TrajectoryError::WrongFormat {
            path: path.to_path_buf(),
            format: self.format,
            reason: format!(
                "the header (line {}) has no column {}; it has {}; expected at least {}",
                self.header_line,
                missing.join(", "),
                if self.names.is_empty() {
                    "none".to_owned()
                } else {
                    self.names.join(", ")
                },
                wanted.join(", ")
            ),
        })
    }

    /// The data lines after the header, split into as many fields as the header names.
    fn rows<'s>(
        &'s self,
        path: &'s Path,
    ) -> impl Iterator<Item = (u64, Result<Vec<&'a str>, TrajectoryError>)> + 's {
        let expected = self.names.len();
        let trailing_empty = self.names.last().is_some_and(String::is_empty);
        let (header_line, delimiter, comment, format) =
            (self.header_line, self.delimiter, self.comment, self.format);
        numbered_lines(self.body)
            .skip(header_line as usize)
            .filter(move |(_, line)| !strip(line, comment).is_empty())
            .map(move |(number, line)| {
                let fields = line_str(path, number, strip(line, comment)).and_then(|text| {
                    let mut fields: Vec<&str> = split(text, delimiter).collect();
                    if fields.len() == expected + 1 && !trailing_empty && fields.last() == Some(&"")
                    {
                        fields.pop();
                    }
                    if fields.len() == expected {
                        Ok(fields)
                    } else {
                        Err(TrajectoryError::BadLine {
                            path: path.to_path_buf(),
                            line: number,
                            reason: format!(
                                "{} fields, but the header (line {header_line}) names {expected} \
                                 columns; every {format} row has one value per column, separated \
                                 by {:?}",
                                fields.len(),
                                delimiter as char
                            ),
                        })
                    }
                });
                (number, fields)
            })
    }
}

/// A line without its comment (from `comment` on) and surrounding whitespace.
fn strip(line: &[u8], comment: Option<u8>) -> &[u8] {
    let line = match comment.and_then(|c| line.iter().position(|&b| b == c)) {
        Some(at) => &line[..at],
        None => line,
    };
    line.trim_ascii()
}

/// Fields of a delimited line, trimmed, with surrounding double quotes removed.
fn split(text: &str, delimiter: u8) -> impl Iterator<Item = &str> {
    text.split(delimiter as char).map(|f| {
        let f = f.trim();
        f.strip_prefix('"')
            .and_then(|f| f.strip_suffix('"'))
            .unwrap_or(f)
    })
}
