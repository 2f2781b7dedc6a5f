//! Helpers shared by the readers: reading a file once, splitting text into numbered lines,
//! parsing fields with messages that say what was found, turning times into frames, and the
//! final sort-and-check every reader ends with.

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::Path;

use crate::data::{DataError, TrajectoryData};
use crate::error::{RowLocation, TrajectoryError};

/// Bytes looked at for a NUL byte (the sign of a binary file).
const BINARY_PROBE: usize = 8192;

/// Reads the whole file, after checking that it is a file (not a directory).
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, TrajectoryError> {
    let io = |source| TrajectoryError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::other(
            "is a directory; expected a trajectory file",
        )));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).min(1 << 30));
    file.read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

/// Checks that `path` exists and is not a directory (for readers whose library opens the file).
pub(crate) fn check_is_file(path: &Path) -> Result<(), TrajectoryError> {
    let meta = fs::metadata(path).map_err(|source| TrajectoryError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        return Err(TrajectoryError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("is a directory; expected a trajectory file"),
        });
    }
    Ok(())
}

/// The bytes of a text file without a UTF-8 byte-order mark; fails on an empty file (with
/// `format` in the message) and on a file that holds NUL bytes near its start (binary data:
/// an HDF5 or SQLite file given as text, a picture, …).
pub(crate) fn text_body<'a>(
    path: &Path,
    bytes: &'a [u8],
    format: &'static str,
) -> Result<&'a [u8], TrajectoryError> {
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(TrajectoryError::NoData {
            path: path.to_path_buf(),
            reason: if body.is_empty() {
                "the file is empty".to_owned()
            } else {
                "the file holds only blank lines".to_owned()
            },
        });
    }
    let probe = &body[..body.len().min(BINARY_PROBE)];
    if let Some(at) = probe.iter().position(|&b| b == 0) {
        let line = 1 + probe[..at].iter().filter(|&&b| b == b'\n').count() as u64;
        let what = if bytes.starts_with(b"\x89HDF\r\n\x1a\n") {
            " (it is an HDF5 file)"
        } else if bytes.starts_with(b"SQLite format 3\0") {
            " (it is an SQLite database)"
        } else if bytes.starts_with(&[0x1f, 0x8b]) {
            " (it is gzip-compressed)"
        } else {
            ""
        };
        return Err(TrajectoryError::BadLine {
            path: path.to_path_buf(),
            line,
            reason: format!(
                "binary data (a NUL byte at byte {at}){what}; a {format} file is plain text"
            ),
        });
    }
    Ok(body)
}

/// Lines of `body` with their 1-based numbers; `\r\n` and `\n` both end a line.
pub(crate) fn numbered_lines(body: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    // A final newline does not start another line.
    let body = body.strip_suffix(b"\n").unwrap_or(body);
    body.split(|&b| b == b'\n').enumerate().map(|(i, line)| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        (i as u64 + 1, line)
    })
}

/// `line` as UTF-8, or the error naming it.
pub(crate) fn line_str<'a>(
    path: &Path,
    number: u64,
    line: &'a [u8],
) -> Result<&'a str, TrajectoryError> {
    std::str::from_utf8(line).map_err(|e| TrajectoryError::BadLine {
        path: path.to_path_buf(),
        line: number,
        reason: format!(
            "not UTF-8 text (invalid byte at column {}); expected numbers in plain text",
            e.valid_up_to() + 1
        ),
    })
}

/// `text` shortened for a message.
pub(crate) fn shown(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        format!("{text:?}")
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut:?}…")
    }
}

/// Parses a non-negative whole number (id or frame) written as an integer, or as a float with no
/// fractional part (`12.0`). `what` names the field for the message.
pub(crate) fn parse_index(field: &str, what: &str) -> Result<u64, String> {
    if let Ok(v) = field.parse::<u64>() {
        return Ok(v);
    }
    if let Ok(v) = field.parse::<i64>() {
        return Err(format!(
            "{what} is {v}, which is negative; expected a whole number ≥ 0"
        ));
    }
    match field.parse::<f64>() {
        Ok(v) if v.fract() == 0.0 && (0.0..1.8e19).contains(&v) => Ok(v as u64),
        Ok(v) if v < 0.0 => Err(format!(
            "{what} is {field}, which is negative; expected a whole number ≥ 0"
        )),
        Ok(_) => Err(format!("{what} is {field}; expected a whole number ≥ 0")),
        Err(_) => Err(format!(
            "{what} is {}, which is not a number; expected a whole number ≥ 0",
            shown(field)
        )),
    }
}

/// Parses a finite number (a coordinate or a time). `what` names the field for the message.
pub(crate) fn parse_finite(field: &str, what: &str) -> Result<f64, String> {
    match field.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(v) => Err(format!("{what} is {v}; expected a finite number")),
        Err(_) => Err(format!(
            "{what} is {}, which is not a number; expected a finite number",
            shown(field)
        )),
    }
}

/// Checks a frame rate given by the caller.
pub(crate) fn check_frame_rate(path: &Path, fps: f64) -> Result<f64, TrajectoryError> {
    if fps.is_finite() && fps > 0.0 {
        Ok(fps)
    } else {
        Err(TrajectoryError::InvalidFrameRate {
            path: path.to_path_buf(),
            fps,
        })
    }
}

/// Sorts the rows by (frame, id) and checks every invariant of [`TrajectoryData`]. When a
/// person appears twice in a frame, `locate(id, frame)` finds the two rows in the file for the
/// message.
pub(crate) fn finish(
    mut data: TrajectoryData,
    path: &Path,
    locate: impl FnOnce(u64, u64) -> (RowLocation, RowLocation),
) -> Result<TrajectoryData, TrajectoryError> {
    if data.is_empty() {
        return Err(TrajectoryError::NoData {
            path: path.to_path_buf(),
            reason: "no data rows".to_owned(),
        });
    }
    data.sort_rows();
    match data.check() {
        Ok(()) => Ok(data),
        Err(DataError::Duplicate { id, frame, .. }) => {
            let (first, second) = locate(id, frame);
            Err(TrajectoryError::DuplicateRow {
                path: path.to_path_buf(),
                id,
                frame,
                first,
                second,
            })
        }
        Err(source) => Err(TrajectoryError::InvalidData {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Rows of a format that records times rather than frames (crowd:it, Pathfinder, Viswalk), in
/// file order, each with the line it came from.
#[derive(Debug, Default)]
pub(crate) struct TimedRows {
    pub id: Vec<u64>,
    pub time: Vec<f64>,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub line: Vec<u64>,
}

impl TimedRows {
    pub(crate) fn push(&mut self, id: u64, time: f64, x: f64, y: f64, line: u64) {
        self.id.push(id);
        self.time.push(time);
        self.x.push(x);
        self.y.push(y);
        self.line.push(line);
    }
}

/// Turns timed rows into frames as PedPy 1.5.1 does (`pedpy.io.helper._calculate_frames_and_fps`):
/// the frame rate is `round(1 / mean Δt)`, with Δt the time between consecutive rows of the same
/// person in file order, rounded half to even to a whole number of frames per second; each
/// row's frame is `round(time × fps)`, half to even. A frame rate given by the caller replaces
/// the derived one. Returns the trajectory (sorted and checked) and a note saying where the
/// frame rate came from.
pub(crate) fn frames_from_times(
    path: &Path,
    rows: TimedRows,
    frame_rate: Option<f64>,
) -> Result<(TrajectoryData, String), TrajectoryError> {
    if rows.id.is_empty() {
        return Err(TrajectoryError::NoData {
            path: path.to_path_buf(),
            reason: "a header but no data rows".to_owned(),
        });
    }
    let (fps, note) = match frame_rate {
        Some(fps) => {
            let fps = check_frame_rate(path, fps)?;
            (
                fps,
                format!("frame rate {fps} fps as given; frame = round(time × {fps})"),
            )
        }
        None => {
            let mut last: HashMap<u64, f64> = HashMap::new();
            let (mut sum, mut count) = (0.0f64, 0u64);
            for (&id, &t) in rows.id.iter().zip(&rows.time) {
                if let Some(previous) = last.insert(id, t) {
                    sum += t - previous;
                    count += 1;
                }
            }
            if count == 0 {
                return Err(TrajectoryError::MissingFrameRate {
                    path: path.to_path_buf(),
                    reason: "every person has a single row, so the time step (and with it the \
                             frame rate) cannot be derived from the times"
                        .to_owned(),
                });
            }
            let mean = sum / count as f64;
            let fps = (1.0 / mean).round_ties_even();
            if !(fps.is_finite() && fps > 0.0) {
                return Err(TrajectoryError::MissingFrameRate {
                    path: path.to_path_buf(),
                    reason: format!(
                        "the mean time step between rows of a person is {mean} s, which gives no \
                         usable whole number of frames per second"
                    ),
                });
            }
            (
                fps,
                format!(
                    "frame rate {fps} fps derived from the mean time step {mean:.6} s (as PedPy \
                     does); frame = round(time × {fps})"
                ),
            )
        }
    };
    let n = rows.id.len();
    let mut data = TrajectoryData::new(fps);
    data.frame.reserve(n);
    for (i, &t) in rows.time.iter().enumerate() {
        let frame = (t * fps).round_ties_even();
        if !(0.0..1.8e19).contains(&frame) {
            return Err(TrajectoryError::BadLine {
                path: path.to_path_buf(),
                line: rows.line[i],
                reason: format!("time {t} s gives frame {frame} at {fps} fps; times must be ≥ 0 s"),
            });
        }
        data.frame.push(frame as u64);
    }
    data.id = rows.id;
    data.x = rows.x;
    data.y = rows.y;
    let lines = rows.line;
    let frames = data.frame.clone();
    let ids = data.id.clone();
    let data = finish(data, path, |id, frame| {
        let mut found = (0..n)
            .filter(|&i| ids[i] == id && frames[i] == frame)
            .map(|i| RowLocation::Line(lines[i]));
        let first = found.next().unwrap_or(RowLocation::Line(0));
        let second = found.next().unwrap_or(first);
        (first, second)
    })?;
    Ok((data, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbered_from_one_without_carriage_returns() {
        let lines: Vec<_> = numbered_lines(b"a\r\nb\n\nc\n").collect();
        assert_eq!(
            lines,
            vec![
                (1, &b"a"[..]),
                (2, &b"b"[..]),
                (3, &b""[..]),
                (4, &b"c"[..])
            ]
        );
        assert_eq!(numbered_lines(b"x").count(), 1);
    }

    #[test]
    fn index_parsing_says_what_is_wrong() {
        assert_eq!(parse_index("12", "id"), Ok(12));
        assert_eq!(parse_index("12.0", "id"), Ok(12));
        assert!(parse_index("-3", "frame").unwrap_err().contains("negative"));
        assert!(
            parse_index("-3.0", "frame")
                .unwrap_err()
                .contains("negative")
        );
        assert!(
            parse_index("1.5", "frame")
                .unwrap_err()
                .contains("whole number")
        );
        assert!(
            parse_index("abc", "id")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(parse_finite("nan", "x").unwrap_err().contains("finite"));
        assert!(parse_finite("inf", "x").unwrap_err().contains("finite"));
        assert_eq!(parse_finite("-1.5e1", "x"), Ok(-15.0));
    }
}
