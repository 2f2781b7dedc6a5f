//! Crossings of a measurement line and the N–t diagram.
//!
//! | function | result | PedPy 1.5.1 |
//! |---|---|---|
//! | [`crossing_frames`] | every crossing (person, frame) | `compute_crossing_frames` |
//! | [`n_t`] | first crossing of each person, cumulative count per frame | `compute_n_t` |
//!
//! # What counts as a crossing
//!
//! PedPy's rule, reproduced exactly: a person's *movement* into frame f is the segment from
//! their position at frame f − 1 to their position at f. It crosses the line when the segment
//! and the line share a point (touching counts, decided with robust predicates as GEOS does)
//! **and** the end position is at least 10⁻⁵ m from the line. So a movement that ends on the
//! line is not a crossing, and the next movement, which starts on it, is. Both directions
//! count. The crossing frame is f.
//!
//! Two consequences of PedPy's implementation (it builds the movements with its adaptive
//! border window of one frame) are kept for parity:
//! - a movement across a gap in a track (frame f − 1 missing) is never a crossing;
//! - the movement into the **last** frame of each track is never a crossing (its window has
//!   size 0 there).
//!
//! [`n_t`] keeps only the first crossing of each person (PedPy's warning: "for each pedestrian
//! only the first passing of the line is considered"); JPSreport's method A N–t file
//! (`Flow_NT_*.dat`) is the same cumulative count.

use aman_geometry::{MeasurementLine, Segment, Vec2};
use geo::Intersects;
use serde::Serialize;

use crate::{AnalysisError, TrajectoryIndex};

/// Distance below which a movement's end point is "on the line" (PedPy's
/// `CROSSING_THRESHOLD`), metres.
pub const ON_LINE_DISTANCE: f64 = 1e-5;

/// One crossing of a measurement line: person `id` crossed it with the movement into `frame`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Crossing {
    /// Person id.
    pub id: u64,
    /// Frame of the crossing (the end of the crossing movement).
    pub frame: u64,
}

/// Segment–segment test with a cheap rejection before the robust predicate.
pub(crate) struct LineTest {
    segment: Segment,
    line: geo::Line<f64>,
    lo: Vec2,
    hi: Vec2,
    /// Side values |s| above this are trusted without the robust predicate.
    tol: f64,
}

impl LineTest {
    /// `None` for a zero-length or non-finite segment.
    pub(crate) fn new(segment: Segment) -> Option<Self> {
        let (a, b) = (segment.a, segment.b);
        let len = segment.length();
        if !(len > 0.0 && len.is_finite()) {
            return None;
        }
        let scale = [a.x, a.y, b.x, b.y]
            .iter()
            .fold(1.0f64, |m, v| m.max(v.abs()));
        Some(LineTest {
            segment,
            line: geo::Line::new(geo::coord! {x: a.x, y: a.y}, geo::coord! {x: b.x, y: b.y}),
            lo: Vec2::new(a.x.min(b.x), a.y.min(b.y)),
            hi: Vec2::new(a.x.max(b.x), a.y.max(b.y)),
            tol: 1e-9 * len * scale,
        })
    }

    pub(crate) fn segment(&self) -> &Segment {
        &self.segment
    }

    /// Whether the movement p0 → p1 shares a point with the line (shapely `intersects`).
    #[inline]
    pub(crate) fn intersects(&self, p0: Vec2, p1: Vec2) -> bool {
        if p0.x.max(p1.x) < self.lo.x
            || p0.x.min(p1.x) > self.hi.x
            || p0.y.max(p1.y) < self.lo.y
            || p0.y.min(p1.y) > self.hi.y
        {
            return false;
        }
        let (s0, s1) = (self.segment.side(p0), self.segment.side(p1));
        let tol = self.tol * (1.0 + p0.x.abs().max(p0.y.abs()).max(p1.x.abs()).max(p1.y.abs()));
        if (s0 > tol && s1 > tol) || (s0 < -tol && s1 < -tol) {
            return false;
        }
        geo::Line::new(
            geo::coord! {x: p0.x, y: p0.y},
            geo::coord! {x: p1.x, y: p1.y},
        )
        .intersects(&self.line)
    }
}

/// Every crossing as (track, frame), in track order then frame order. `count_on_line`: a
/// movement ending on the line counts too (PedPy's `count_on_line=True`, used by the passing
/// area of method B).
pub(crate) fn track_crossings(
    index: &TrajectoryIndex<'_>,
    test: &LineTest,
    count_on_line: bool,
) -> Vec<(usize, u64)> {
    let data = index.data();
    let (x, y, frame) = (&data.x, &data.y, &data.frame);
    let mut out = Vec::new();
    for t in 0..index.ids().len() {
        let rows = index.track(t);
        // Movements into rows 1..len−1: PedPy's adaptive window of one frame drops the first
        // and the last row of each track and movements across gaps.
        for w in rows.windows(2).take(rows.len().saturating_sub(2)) {
            let (r0, r1) = (w[0] as usize, w[1] as usize);
            let f = frame[r1];
            if frame[r0].checked_add(1) != Some(f) {
                continue;
            }
            let (p0, p1) = (Vec2::new(x[r0], y[r0]), Vec2::new(x[r1], y[r1]));
            if test.intersects(p0, p1)
                && (count_on_line || test.segment().distance(p1) >= ON_LINE_DISTANCE)
            {
                out.push((t, f));
            }
        }
    }
    out
}

fn line_test(line: &MeasurementLine) -> Result<LineTest, AnalysisError> {
    LineTest::new(line.segment).ok_or_else(|| AnalysisError::DegenerateLine {
        name: line.name.clone(),
    })
}

/// Every crossing of `line` by every person, as PedPy 1.5.1's
/// `compute_crossing_frames(traj_data, measurement_line)`: see the module doc for the rule.
///
/// A person who crosses several times (turning back, oscillating on the line) appears once
/// per crossing. Sorted by id, then frame. Empty if nobody crosses (or the trajectory is
/// empty).
///
/// # Errors
/// [`AnalysisError::DegenerateLine`] if the line has zero length.
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::crossing::{crossing_frames, Crossing};
/// use aman_geometry::{MeasurementLine, Segment, Vec2};
/// use aman_trajectory::TrajectoryData;
/// let mut d = TrajectoryData::new(10.0);
/// for (f, y) in [-1.0, 0.0, 1.0, -1.0, -2.0].into_iter().enumerate() {
///     d.push(7, f as u64, 0.0, y);
/// }
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let line = MeasurementLine {
///     name: "l".into(),
///     segment: Segment::new(Vec2::new(-1.0, 0.0), Vec2::new(1.0, 0.0)),
/// };
/// // Frame 1 ends on the line (no), frame 2 starts on it (yes), frame 3 crosses back (yes).
/// let c = crossing_frames(&ix, &line).unwrap();
/// assert_eq!(c, vec![Crossing { id: 7, frame: 2 }, Crossing { id: 7, frame: 3 }]);
/// ```
pub fn crossing_frames(
    index: &TrajectoryIndex<'_>,
    line: &MeasurementLine,
) -> Result<Vec<Crossing>, AnalysisError> {
    let test = line_test(line)?;
    let ids = index.ids();
    Ok(track_crossings(index, &test, false)
        .into_iter()
        .map(|(t, frame)| Crossing { id: ids[t], frame })
        .collect())
}

/// An N–t diagram at a measurement line ([`n_t`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NtDiagram {
    /// Frame rate of the trajectory, frames per second.
    pub frame_rate: f64,
    /// Every frame from the first to the last frame of the trajectory.
    pub frames: Vec<u64>,
    /// Persons whose first crossing is at or before `frames[k]`.
    pub cumulative: Vec<usize>,
    /// The first crossing of each person who crossed, sorted by frame, then id.
    pub crossings: Vec<Crossing>,
}

impl NtDiagram {
    /// Time of each of [`NtDiagram::frames`] since frame 0, seconds (PedPy's `time` column).
    pub fn times(&self) -> Vec<f64> {
        self.frames
            .iter()
            .map(|&f| f as f64 / self.frame_rate)
            .collect()
    }

    /// Number of persons who crossed.
    pub fn total(&self) -> usize {
        self.crossings.len()
    }

    /// Time of each first crossing, seconds, in crossing order.
    pub fn crossing_times(&self) -> Vec<f64> {
        self.crossings
            .iter()
            .map(|c| c.frame as f64 / self.frame_rate)
            .collect()
    }

    /// Mean flow J = (N − 1) / (t_N − t_1) over the first crossings, 1/s; `None` for fewer
    /// than two crossings or all at the same frame (see [`crate::flow::mean_flow`]).
    pub fn mean_flow(&self) -> Option<f64> {
        crate::flow::mean_flow(&self.crossing_times())
    }
}

/// The N–t diagram at a measurement line, as PedPy 1.5.1's `compute_n_t(traj_data,
/// measurement_line)`: the first crossing of each person (see the module doc for the rule) and
/// the cumulative count N(t) at every frame from the first to the last frame of the data.
///
/// Units: frames (and [`NtDiagram::times`] in s), persons. A line nobody crosses gives a
/// diagram of zeros and no crossings.
///
/// # Errors
/// [`AnalysisError::DegenerateLine`] if the line has zero length;
/// [`AnalysisError::EmptyTrajectory`] if the trajectory has no rows;
/// [`AnalysisError::InvalidTrajectory`] if its frames span more than
/// [`MAX_FRAME_SPAN`](crate::classic::MAX_FRAME_SPAN).
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::crossing::n_t;
/// use aman_geometry::{MeasurementLine, Segment, Vec2};
/// use aman_trajectory::TrajectoryData;
/// let mut d = TrajectoryData::new(2.0);
/// for f in 0..4u64 {
///     d.push(1, f, 0.0, f as f64 - 0.5); // crosses y = 0 into frame 1
///     d.push(2, f, 0.5, f as f64 - 1.5); // crosses into frame 2
/// }
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let line = MeasurementLine {
///     name: "l".into(),
///     segment: Segment::new(Vec2::new(-1.0, 0.0), Vec2::new(1.0, 0.0)),
/// };
/// let nt = n_t(&ix, &line).unwrap();
/// assert_eq!(nt.cumulative, vec![0, 1, 2, 2]);
/// assert_eq!(nt.mean_flow(), Some(2.0)); // 1 gap of 0.5 s
/// ```
pub fn n_t(
    index: &TrajectoryIndex<'_>,
    line: &MeasurementLine,
) -> Result<NtDiagram, AnalysisError> {
    let test = line_test(line)?;
    let (first, last) = crate::classic::frame_span(index)?;
    let ids = index.ids();
    // Crossings come in track order then frame order: the first per track is the earliest.
    let mut crossings: Vec<Crossing> = Vec::new();
    let mut last_track = usize::MAX;
    for (t, frame) in track_crossings(index, &test, false) {
        if t != last_track {
            crossings.push(Crossing { id: ids[t], frame });
            last_track = t;
        }
    }
    crossings.sort_unstable_by_key(|c| (c.frame, c.id));
    let mut cumulative = vec![0usize; (last - first + 1) as usize];
    for c in &crossings {
        cumulative[(c.frame - first) as usize] += 1;
    }
    let mut sum = 0;
    for n in &mut cumulative {
        sum += *n;
        *n = sum;
    }
    Ok(NtDiagram {
        frame_rate: index.data().frame_rate,
        frames: (first..=last).collect(),
        cumulative,
        crossings,
    })
}

/// A unit line along x through the origin, for other modules' tests.
#[cfg(test)]
pub(crate) fn tests_line() -> MeasurementLine {
    MeasurementLine {
        name: "l".into(),
        segment: Segment::new(Vec2::new(0.0, 0.0), Vec2::new(1.0, 0.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aman_trajectory::TrajectoryData;

    fn line(a: (f64, f64), b: (f64, f64)) -> MeasurementLine {
        MeasurementLine {
            name: "l".into(),
            segment: Segment::new(Vec2::new(a.0, a.1), Vec2::new(b.0, b.1)),
        }
    }

    #[test]
    fn last_movement_and_gaps_never_count() {
        let mut d = TrajectoryData::new(10.0);
        // Person 1 crosses y = 0 only with its last movement; person 2 crosses over a gap;
        // person 3 crosses at frame 1 and again (back) at frame 2.
        for (id, f, y) in [
            (1, 0, -1.0),
            (1, 1, -0.5),
            (1, 2, 0.5),
            (2, 0, -1.0),
            (2, 2, 1.0),
            (2, 3, 2.0),
            (3, 0, -1.0),
            (3, 1, 1.0),
            (3, 2, -1.0),
            (3, 3, -2.0),
        ] {
            d.push(id, f, 0.0, y);
        }
        d.sort_rows();
        let ix = TrajectoryIndex::new(&d).unwrap();
        let c = crossing_frames(&ix, &line((-1.0, 0.0), (1.0, 0.0))).unwrap();
        assert_eq!(
            c,
            vec![Crossing { id: 3, frame: 1 }, Crossing { id: 3, frame: 2 }]
        );
        let nt = n_t(&ix, &line((-1.0, 0.0), (1.0, 0.0))).unwrap();
        assert_eq!(nt.crossings, vec![Crossing { id: 3, frame: 1 }]);
        assert_eq!(nt.cumulative, vec![0, 1, 1, 1]);
        assert_eq!(nt.mean_flow(), None);
    }

    #[test]
    fn touching_an_end_point_counts() {
        let mut d = TrajectoryData::new(10.0);
        for (f, x) in [(0, -1.0), (1, 1.0), (2, 2.0)] {
            d.push(1, f, x, x + 1.0); // passes through (0, 1), the line's end
        }
        let ix = TrajectoryIndex::new(&d).unwrap();
        let c = crossing_frames(&ix, &line((0.0, 1.0), (0.0, 5.0))).unwrap();
        assert_eq!(c, vec![Crossing { id: 1, frame: 1 }]);
        let c = crossing_frames(&ix, &line((0.0, 1.0 + 1e-9), (0.0, 5.0))).unwrap();
        assert!(c.is_empty());
    }

    #[test]
    fn bad_inputs() {
        let mut d = TrajectoryData::new(10.0);
        d.push(1, 0, 0.0, 0.0);
        let ix = TrajectoryIndex::new(&d).unwrap();
        assert!(matches!(
            n_t(&ix, &line((1.0, 1.0), (1.0, 1.0))),
            Err(AnalysisError::DegenerateLine { .. })
        ));
        assert!(crossing_frames(&ix, &line((f64::NAN, 1.0), (1.0, 1.0))).is_err());
        let nt = n_t(&ix, &line((5.0, 5.0), (6.0, 5.0))).unwrap();
        assert_eq!((nt.total(), nt.cumulative.clone()), (0, vec![0]));
        let empty = TrajectoryData::new(10.0);
        let ix = TrajectoryIndex::new(&empty).unwrap();
        assert_eq!(
            n_t(&ix, &line((0.0, 0.0), (1.0, 0.0))),
            Err(AnalysisError::EmptyTrajectory)
        );
        assert!(
            crossing_frames(&ix, &line((0.0, 0.0), (1.0, 0.0)))
                .unwrap()
                .is_empty()
        );
    }
}
