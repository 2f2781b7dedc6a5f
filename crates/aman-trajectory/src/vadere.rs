//! Vadere's foot-step trajectory output (`postvis.traj`, Vadere ≥ 2.0), resampled to a
//! constant frame rate.
//!
//! # The format
//!
//! ```text
//! #IDXCOL=2,DATACOL=6,SEP=' '
//! pedestrianId simTime endTime-PID1 startX-PID1 startY-PID1 endX-PID1 endY-PID1 targetId-PID2
//! 1 0.4 1.0683293133551417 2.556629741868144 7.096775246629484 2.4880996733806358 6.383746164613437 8
//! ```
//!
//! One row per foot step: the person, the step's start time `simTime` (s), its end time, start
//! and end position (m). Comment lines start with `#`. Columns are found by name: the one
//! header field that contains `pedestrianId`, `simTime`, `startX`, `startY` respectively
//! (Vadere appends processor ids such as `-PID1`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{
    check_frame_rate, finish, line_str, numbered_lines, parse_finite, parse_index, read_file,
    text_body,
};
use crate::data::TrajectoryData;
use crate::error::{RowLocation, TrajectoryError};
use crate::read::{LoadedTrajectory, TrajectoryFormat};

const FORMAT: &str = "Vadere trajectory (postvis.traj)";
const KEYS: [&str; 4] = ["pedestrianId", "simTime", "startX", "startY"];

/// Deviation (m) above which a note suggests a higher frame rate, as PedPy warns.
const DEVIATION_THRESHOLD: f64 = 0.1;

/// Reads a Vadere `postvis.traj` file and resamples it to `frame_rate` frames per second,
/// exactly as PedPy 1.5.1's `load_trajectory_from_vadere` (`pedpy/io/vadere_loader.py`) does:
///
/// 1. each person's step start times `t` (`simTime`) and start positions (`startX`, `startY`)
///    are taken in time order;
/// 2. the first and last step times are rounded inwards to the frame grid:
///    `t₀ = ⌈round₁₄(t_first·fps)⌉ / fps`, `t₁ = ⌊round₁₄(t_last·fps)⌋ / fps` (`round₁₄`:
///    rounding to 14 decimals, which absorbs floating-point noise), so nothing is extrapolated;
/// 3. `n = round((t₁ − t₀)·fps) + 1` equidistant times from `t₀` to `t₁` (NumPy's `linspace`);
/// 4. x and y at those times are interpolated linearly between the surrounding steps (NumPy's
///    `interp`; a time that equals a step time takes that step's position);
/// 5. frame = `round(time·fps)` (half to even).
///
/// A person whose steps all start at the same time cannot be resampled: with
/// `ignore_too_short = false` (PedPy's default) that is an error listing them, with `true` they
/// are left out and a note lists them. When the fastest person moves more than 0.1 m between
/// two frames (max step speed / fps), a note says so, as PedPy's warning does. Only the four
/// columns above are used.
///
/// # Errors
/// [`TrajectoryError::Io`], [`TrajectoryError::NoData`] (empty, header only, nothing left
/// after resampling), [`TrajectoryError::WrongFormat`] when a key column is missing or
/// ambiguous, [`TrajectoryError::BadLine`] naming the line for a row with a different number of
/// fields than the header, a non-numeric, negative or fractional id, a time or coordinate that
/// is not a finite number, a negative time, or a person with two steps starting at the same
/// time; [`TrajectoryError::InvalidFrameRate`] for `frame_rate` ≤ 0; the error above for
/// too-short trajectories.
pub fn read_vadere_traj(
    path: &Path,
    frame_rate: f64,
    ignore_too_short: bool,
) -> Result<LoadedTrajectory, TrajectoryError> {
    let fps = check_frame_rate(path, frame_rate)?;
    let bytes = read_file(path)?;
    let body = text_body(path, &bytes, FORMAT)?;
    let bad = |line: u64, reason: String| TrajectoryError::BadLine {
        path: path.to_path_buf(),
        line,
        reason,
    };

    // Steps per person: (time, x, y, line).
    let mut steps: BTreeMap<u64, Vec<(f64, f64, f64, u64)>> = BTreeMap::new();
    let mut columns: Option<(usize, [usize; 4], u64)> = None;
    for (number, line) in numbered_lines(body) {
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() || trimmed[0] == b'#' {
            continue;
        }
        let text = line_str(path, number, trimmed)?;
        let Some((count, index, header_line)) = columns else {
            columns = Some(header_columns(path, number, text)?);
            continue;
        };
        let fields: Vec<&str> = text.split_ascii_whitespace().collect();
        if fields.len() != count {
            return Err(bad(
                number,
                format!(
                    "{} fields, but the header (line {header_line}) names {count} columns",
                    fields.len()
                ),
            ));
        }
        let id = parse_index(fields[index[0]], "pedestrianId").map_err(|r| bad(number, r))?;
        let time = parse_finite(fields[index[1]], "simTime").map_err(|r| bad(number, r))?;
        if time < 0.0 {
            return Err(bad(
                number,
                format!("simTime is {time}; expected a time ≥ 0 s"),
            ));
        }
        let x = parse_finite(fields[index[2]], "startX").map_err(|r| bad(number, r))?;
        let y = parse_finite(fields[index[3]], "startY").map_err(|r| bad(number, r))?;
        steps.entry(id).or_default().push((time, x, y, number));
    }
    if columns.is_none() {
        return Err(TrajectoryError::NoData {
            path: path.to_path_buf(),
            reason: "only comment lines, no header and no data row".to_owned(),
        });
    }
    if steps.is_empty() {
        return Err(TrajectoryError::NoData {
            path: path.to_path_buf(),
            reason: "a header but no data row".to_owned(),
        });
    }

    let mut notes = Vec::new();
    // Largest step speed, in file order per person, rounded to 2 decimals as PedPy does.
    let mut max_speed = 0.0f64;
    for person in steps.values() {
        for pair in person.windows(2) {
            let (t0, x0, y0, _) = pair[0];
            let (t1, x1, y1, _) = pair[1];
            let speed = (x1 - x0).hypot(y1 - y0) / (t1 - t0);
            if speed.is_finite() {
                max_speed = max_speed.max(round_to(speed, 2));
            }
        }
    }
    let deviation = round_to(max_speed / fps, 2);
    if deviation > DEVIATION_THRESHOLD {
        notes.push(format!(
            "the resampled trajectories may deviate up to {deviation} m from Vadere's (fastest \
             person {max_speed} m/s at {fps} fps); a higher frame rate reduces this"
        ));
    }

    let mut data = TrajectoryData::new(fps);
    let mut too_short = Vec::new();
    let mut between_frames = Vec::new();
    for (&id, person) in &mut steps {
        person.sort_by(|a, b| a.0.total_cmp(&b.0));
        if let Some(pair) = person.windows(2).find(|p| p[0].0 == p[1].0) {
            return Err(bad(
                pair[1].3,
                format!(
                    "person {id} has a second step starting at simTime {} (the first is on \
                     line {}); step times of a person must differ",
                    pair[1].0, pair[0].3
                ),
            ));
        }
        let t_first = person[0].0;
        let t_last = person[person.len() - 1].0;
        if t_first == t_last {
            too_short.push(id);
            continue;
        }
        let start = round_to(t_first * fps, 14).ceil() / fps;
        let stop = round_to(t_last * fps, 14).floor() / fps;
        let count = ((stop - start) * fps).round_ties_even() + 1.0;
        if count.is_nan() || count < 1.0 {
            // All steps fall between two frames (PedPy's linspace gives no time either).
            between_frames.push(id);
            continue;
        }
        let times: Vec<f64> = person.iter().map(|s| s.0).collect();
        let xs: Vec<f64> = person.iter().map(|s| s.1).collect();
        let ys: Vec<f64> = person.iter().map(|s| s.2).collect();
        for t in linspace(start, stop, count as usize) {
            let frame = (t * fps).round_ties_even();
            data.id.push(id);
            data.frame.push(frame as u64);
            data.x.push(interp(t, &times, &xs));
            data.y.push(interp(t, &times, &ys));
        }
    }
    if !too_short.is_empty() {
        let list = too_short
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        if ignore_too_short {
            notes.push(format!(
                "left out person(s) {list}: all their steps start at one time, too short for \
                 {fps} fps"
            ));
        } else {
            return Err(TrajectoryError::BadLine {
                path: path.to_path_buf(),
                line: steps[&too_short[0]][0].3,
                reason: format!(
                    "the trajectory of person(s) {list} is too short to be resampled at {fps} \
                     fps (all steps start at one time); leave them out explicitly"
                ),
            });
        }
    }
    if !between_frames.is_empty() {
        notes.push(format!(
            "left out person(s) {}: all their steps fall between two frames at {fps} fps (as \
             PedPy does)",
            between_frames
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    notes.push(format!(
        "Vadere foot steps resampled to {fps} fps by linear interpolation (as PedPy's \
         load_trajectory_from_vadere)"
    ));
    let data = finish(data, path, |id, frame| {
        // Two resampled rows of one person in one frame come from the same person's steps.
        let line = steps.get(&id).and_then(|s| s.first()).map_or(0, |s| s.3);
        let _ = frame;
        (RowLocation::Line(line), RowLocation::Line(line))
    })?;
    Ok(LoadedTrajectory {
        data,
        walkable_area_wkt: None,
        format: TrajectoryFormat::VadereTraj,
        notes,
    })
}

/// Finds the four key columns in the header line: (field count, indices, line number).
fn header_columns(
    path: &Path,
    number: u64,
    text: &str,
) -> Result<(usize, [usize; 4], u64), TrajectoryError> {
    let names: Vec<&str> = text.split_ascii_whitespace().collect();
    let mut index = [0usize; 4];
    let mut problems = Vec::new();
    for (k, key) in KEYS.iter().enumerate() {
        let matching: Vec<usize> = (0..names.len())
            .filter(|&i| names[i].contains(key))
            .collect();
        match matching.as_slice() {
            [one] => index[k] = *one,
            [] => problems.push(format!("no column named like `{key}`")),
            many => problems.push(format!(
                "`{key}` is in several columns ({})",
                many.iter()
                    .map(|&i| names[i])
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    if !problems.is_empty() {
        return Err(TrajectoryError::WrongFormat {
            path: path.to_path_buf(),
            format: FORMAT,
            reason: format!(
                "header line {number} ({}): {}; expected columns pedestrianId, simTime, \
                 startX, startY (Vadere ≥ 2.0 foot-step output)",
                crate::common::shown(text),
                problems.join("; ")
            ),
        });
    }
    Ok((names.len(), index, number))
}

/// `value` rounded to `decimals` decimals as NumPy's `round` does: `rint(value·10ᵈ) / 10ᵈ`.
fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round_ties_even() / scale
}

/// `count` equidistant values from `start` to `stop` inclusive, as NumPy's `linspace`.
fn linspace(start: f64, stop: f64, count: usize) -> impl Iterator<Item = f64> {
    let div = count.saturating_sub(1) as f64;
    let delta = stop - start;
    let step = delta / div;
    (0..count).map(move |i| {
        if count == 1 {
            // NumPy: y = 0 · delta + start.
            start
        } else if i == count - 1 {
            stop
        } else if step == 0.0 {
            i as f64 / div * delta + start
        } else {
            i as f64 * step + start
        }
    })
}

/// Linear interpolation of (`xp`, `fp`) at `x`, as NumPy's `interp`: `xp` increasing; outside
/// the range the end values.
fn interp(x: f64, xp: &[f64], fp: &[f64]) -> f64 {
    let n = xp.len();
    if x <= xp[0] {
        return fp[0];
    }
    if x >= xp[n - 1] {
        return fp[n - 1];
    }
    // xp[j] <= x < xp[j + 1]
    let j = xp.partition_point(|&v| v <= x) - 1;
    if xp[j] == x {
        return fp[j];
    }
    let slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    let value = slope * (x - xp[j]) + fp[j];
    if value.is_nan() {
        let value = slope * (x - xp[j + 1]) + fp[j + 1];
        if value.is_nan() && fp[j] == fp[j + 1] {
            return fp[j];
        }
        return value;
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linspace_matches_numpy() {
        let v: Vec<f64> = linspace(0.0, 1.0, 5).collect();
        assert_eq!(v, vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(linspace(2.0, 2.0, 1).collect::<Vec<_>>(), vec![2.0]);
        assert_eq!(linspace(0.0, 1.0, 0).count(), 0);
    }

    #[test]
    fn interp_matches_numpy() {
        let xp = [0.0, 1.0, 3.0];
        let fp = [0.0, 10.0, 30.0];
        assert_eq!(interp(0.5, &xp, &fp), 5.0);
        assert_eq!(interp(1.0, &xp, &fp), 10.0);
        assert_eq!(interp(2.0, &xp, &fp), 20.0);
        assert_eq!(interp(3.0, &xp, &fp), 30.0);
        assert_eq!(interp(-1.0, &xp, &fp), 0.0);
        assert_eq!(interp(4.0, &xp, &fp), 30.0);
    }

    #[test]
    fn numpy_rounding() {
        assert_eq!(round_to(0.125, 2), 0.12);
        assert_eq!(round_to(2.5, 0), 2.0);
        assert_eq!(round_to(9.600000000000001, 14), 9.6);
    }
}
