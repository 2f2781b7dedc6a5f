//! Time and distance to a measurement line, for every person and frame before they cross it
//! (PedPy 1.5.1's `compute_time_distance_line`): the data of a time–distance diagram, which
//! shows how long people near a bottleneck still need to reach it.

use aman_geometry::{MeasurementLine, Vec2};
use serde::Serialize;

use crate::crossing::crossing_frames;
use crate::{AnalysisError, TrajectoryIndex};

/// The result of [`time_distance_line`]: one entry per (person, frame) up to the person's
/// first crossing, as struct-of-arrays sorted by id, then frame.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct TimeDistance {
    /// Person id of each entry.
    pub id: Vec<u64>,
    /// Frame of each entry.
    pub frame: Vec<u64>,
    /// Distance from the person's position to the line (the segment), m.
    pub distance: Vec<f64>,
    /// Time until the person's first crossing, s: (crossing frame − frame) / frame rate; 0 at
    /// the crossing frame itself.
    pub time: Vec<f64>,
    /// Persons who cross the line more than once (turning back, oscillating on it), ascending.
    /// Only their first crossing is used; PedPy repeats their rows once per later crossing.
    pub multiple_crossings: Vec<u64>,
}

impl TimeDistance {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// True if nobody crossed the line.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }
}

/// For every person who crosses `line`, and every frame of theirs up to and including the
/// first crossing: the distance to the line (m) and the time left until that crossing (s).
///
/// PedPy 1.5.1's `compute_time_distance_line(traj_data, measurement_line)`: the crossing is
/// PedPy's (`crossing::crossing_frames`: the movement from frame f − 1 to f intersects the
/// line and does not end on it), the distance is `shapely.distance(point, line)`, the time
/// (crossing frame − frame) / frame rate, and rows after the crossing are dropped. Persons who
/// never cross have no entries. For a person who crosses several times aman keeps the first
/// crossing, as PedPy's documentation says; PedPy's code pairs each row with *every* later
/// crossing (one row per pair) — the ids are listed in [`TimeDistance::multiple_crossings`].
///
/// # Errors
/// [`AnalysisError::DegenerateLine`] if the line has zero length. Empty data gives an empty
/// result.
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::time_distance::time_distance_line;
/// use aman_geometry::{MeasurementLine, Segment, Vec2};
/// use aman_trajectory::TrajectoryData;
/// let mut d = TrajectoryData::new(2.0);
/// for f in 0..5 {
///     d.push(1, f, 0.0, -1.25 + 0.5 * f as f64); // crosses y = 0 between frames 2 and 3
/// }
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let line = MeasurementLine {
///     name: "exit".into(),
///     segment: Segment::new(Vec2::new(-1.0, 0.0), Vec2::new(1.0, 0.0)),
/// };
/// let td = time_distance_line(&ix, &line).unwrap();
/// assert_eq!(td.frame, vec![0, 1, 2, 3]); // crossing at frame 3, frame 4 dropped
/// assert_eq!(td.time, vec![1.5, 1.0, 0.5, 0.0]);
/// assert_eq!(td.distance, vec![1.25, 0.75, 0.25, 0.25]);
/// ```
pub fn time_distance_line(
    index: &TrajectoryIndex<'_>,
    line: &MeasurementLine,
) -> Result<TimeDistance, AnalysisError> {
    let crossings = crossing_frames(index, line)?;
    let data = index.data();
    let mut out = TimeDistance::default();
    let mut k = 0;
    while k < crossings.len() {
        let id = crossings[k].id;
        let first = crossings[k].frame;
        let mut n = 0;
        while k < crossings.len() && crossings[k].id == id {
            n += 1;
            k += 1;
        }
        if n > 1 {
            out.multiple_crossings.push(id);
        }
        let Some(t) = index.track_index(id) else {
            continue;
        };
        for &row in index.track(t) {
            let row = row as usize;
            let f = data.frame[row];
            if f > first {
                break;
            }
            out.id.push(id);
            out.frame.push(f);
            out.distance
                .push(line.segment.distance(Vec2::new(data.x[row], data.y[row])));
            out.time.push((first - f) as f64 / data.frame_rate);
        }
    }
    Ok(out)
}
