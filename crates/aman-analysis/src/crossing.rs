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
//!
//! # One counting rule for the whole of aman
//!
//! [`CrossingCounter`] (streaming: one observation at a time, as a simulation or a live sensor
//! produces them) and [`count_crossings`] (batch, over a [`TrajectoryIndex`]) are the only
//! places that count persons at a line; `aman simulate`'s summary, `aman analyze`, `aman
//! verify` and the live server use them, so they give the same count and flow for the same
//! positions. The rule is PedPy 1.5.1's `compute_n_t` (`pedpy/methods/method_utils.py`:
//! `_compute_crossing_frames`, then `crossing_frames.groupby(ID_COL).min()`):
//! - each person counts **once**, at their first crossing (the rule above decides what a
//!   crossing is); the mean flow is over these first crossings only;
//! - the direction of that first crossing is reported ([`CrossingDirection`]): persons whose
//!   first crossing goes against the line's direction are counted apart
//!   ([`LineCount::backward`]), still once each;
//! - every later crossing of a counted person (a person jittering back and forth by a few
//!   centimetres in a dense queue, or turning back) is a *re-crossing*: reported as a number
//!   ([`LineCount::recrossings`]), never added to the count or the flow.

use std::collections::HashMap;

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
#[derive(Debug)]
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
    /// Persons among [`NtDiagram::crossings`] whose first crossing went backward
    /// ([`CrossingDirection::Backward`]).
    pub backward: usize,
    /// Crossings after a person's first: not in the count or the flow ([`LineCount`]).
    pub recrossings: usize,
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
    let count = count_crossings(index, line)?;
    let (first, last) = crate::classic::frame_span(index)?;
    let crossings: Vec<Crossing> = count
        .counted
        .iter()
        .map(|c| Crossing {
            id: c.id,
            frame: c.frame,
        })
        .collect();
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
        backward: count.backward(),
        recrossings: count.recrossings,
    })
}

/// Direction of a crossing movement, relative to the line from its first point a to its
/// second point b.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CrossingDirection {
    /// From the right of a→b to its left (the signed side `Segment::side` grows), as
    /// `aman_sim::Crossing::direction` = +1. A movement along the line's own extension (both
    /// ends on it, which only touches an end point) counts as forward.
    Forward,
    /// From the left of a→b to its right.
    Backward,
}

impl CrossingDirection {
    /// Direction of the movement p0 → p1 across `segment`.
    fn of(segment: &Segment, p0: Vec2, p1: Vec2) -> Self {
        if segment.side(p1) >= segment.side(p0) {
            CrossingDirection::Forward
        } else {
            CrossingDirection::Backward
        }
    }
}

/// A person counted at a line: their first crossing ([`CrossingCounter`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct CountedCrossing {
    /// Frame of the crossing (the end of the crossing movement).
    pub frame: u64,
    /// Person id.
    pub id: u64,
    /// Direction of this first crossing.
    pub direction: CrossingDirection,
}

/// The persons counted at one line under aman's one counting rule (module doc): each person
/// once, at their first crossing; later crossings reported apart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LineCount {
    /// The first crossing of each person who crossed, sorted by frame, then id.
    pub counted: Vec<CountedCrossing>,
    /// Crossings after a person's first (either direction): never in the count or the flow.
    pub recrossings: usize,
}

impl LineCount {
    /// Persons counted (both directions), = PedPy `compute_n_t`'s final count.
    pub fn total(&self) -> usize {
        self.counted.len()
    }

    /// Persons whose first crossing was [`CrossingDirection::Forward`].
    pub fn forward(&self) -> usize {
        self.counted
            .iter()
            .filter(|c| c.direction == CrossingDirection::Forward)
            .count()
    }

    /// Persons whose first crossing was [`CrossingDirection::Backward`].
    pub fn backward(&self) -> usize {
        self.total() - self.forward()
    }

    /// Time of each first crossing, frame / `frame_rate` in s, in crossing order.
    pub fn crossing_times(&self, frame_rate: f64) -> Vec<f64> {
        self.counted
            .iter()
            .map(|c| c.frame as f64 / frame_rate)
            .collect()
    }

    /// Mean flow J = (N − 1) / (t_N − t_1) over the first crossings, 1/s
    /// ([`crate::flow::mean_flow`]); `None` for fewer than two or all at one frame.
    pub fn mean_flow(&self, frame_rate: f64) -> Option<f64> {
        crate::flow::mean_flow(&self.crossing_times(frame_rate))
    }
}

/// What the counter remembers of one person.
#[derive(Debug, Clone, Copy)]
struct Person {
    frame: u64,
    pos: Vec2,
    /// The crossing into `frame`, not yet counted: the movement into the last frame of a track
    /// never counts (module doc), so it waits for the person's next observation.
    pending: Option<(u64, CrossingDirection)>,
    counted: bool,
}

/// aman's one line-counting rule (module doc), one observation at a time: feed every
/// person's positions in increasing frame order (persons may interleave freely), then
/// [`CrossingCounter::finish`]. Gives exactly [`count_crossings`] (and [`n_t`]) of the same
/// positions.
///
/// A crossing into frame f is confirmed only when the person is seen again after f (PedPy
/// never counts the movement into a track's last frame), so [`CrossingCounter::observe`]
/// reports a person one observation late. An observation whose frame is not the previous
/// frame + 1 is a gap: no movement into it is tested.
///
/// ```
/// use aman_analysis::crossing::{CrossingCounter, CrossingDirection};
/// use aman_geometry::{MeasurementLine, Segment, Vec2};
/// let line = MeasurementLine {
///     name: "door".into(),
///     segment: Segment::new(Vec2::new(0.0, 0.0), Vec2::new(0.0, 1.0)),
/// };
/// let mut c = CrossingCounter::new(&line).unwrap();
/// // Person 4 jitters across x = 0: forward, back, forward again, then walks on.
/// for (f, x) in [-0.10, 0.02, -0.01, 0.03, 0.5].into_iter().enumerate() {
///     c.observe(4, f as u64, Vec2::new(x, 0.5));
/// }
/// let count = c.finish();
/// assert_eq!((count.total(), count.recrossings), (1, 2));
/// assert_eq!(count.counted[0].frame, 1);
/// assert_eq!(count.counted[0].direction, CrossingDirection::Backward); // a→b points up: +x is right
/// ```
#[derive(Debug)]
pub struct CrossingCounter {
    test: LineTest,
    persons: HashMap<u64, Person>,
    count: LineCount,
}

impl CrossingCounter {
    /// A counter at `line`.
    ///
    /// # Errors
    /// [`AnalysisError::DegenerateLine`] if the line has zero length or a non-finite point.
    pub fn new(line: &MeasurementLine) -> Result<Self, AnalysisError> {
        Ok(CrossingCounter {
            test: line_test(line)?,
            persons: HashMap::new(),
            count: LineCount::default(),
        })
    }

    /// Person `id` is at `pos` (m) in `frame`. Returns the person's first crossing when this
    /// observation confirms it (the crossing is into an earlier frame), else `None`.
    pub fn observe(&mut self, id: u64, frame: u64, pos: Vec2) -> Option<CountedCrossing> {
        let test = &self.test;
        let mut confirmed = None;
        match self.persons.get_mut(&id) {
            None => {
                self.persons.insert(
                    id,
                    Person {
                        frame,
                        pos,
                        pending: None,
                        counted: false,
                    },
                );
            }
            Some(p) => {
                if let Some((f, direction)) = p.pending.take() {
                    if p.counted {
                        self.count.recrossings += 1;
                    } else {
                        p.counted = true;
                        let c = CountedCrossing {
                            frame: f,
                            id,
                            direction,
                        };
                        self.count.counted.push(c);
                        confirmed = Some(c);
                    }
                }
                if p.frame.checked_add(1) == Some(frame)
                    && test.intersects(p.pos, pos)
                    && test.segment().distance(pos) >= ON_LINE_DISTANCE
                {
                    p.pending = Some((frame, CrossingDirection::of(test.segment(), p.pos, pos)));
                }
                p.frame = frame;
                p.pos = pos;
            }
        }
        confirmed
    }

    /// Forgets person `id` (a live track that ended): a later observation of the id starts a
    /// new person, and an unconfirmed crossing of the old one is dropped.
    pub fn forget(&mut self, id: u64) {
        self.persons.remove(&id);
    }

    /// The persons counted so far, in the order they were confirmed.
    pub fn counted(&self) -> &[CountedCrossing] {
        &self.count.counted
    }

    /// Empties the list of persons counted so far (a live counter that runs for ever keeps
    /// only what [`CrossingCounter::observe`] returned); the persons stay counted.
    pub fn drain_counted(&mut self) {
        self.count.counted.clear();
    }

    /// Re-crossings confirmed so far.
    pub fn recrossings(&self) -> usize {
        self.count.recrossings
    }

    /// The count: crossings into each person's last observed frame are dropped (PedPy).
    pub fn finish(self) -> LineCount {
        let mut count = self.count;
        count.counted.sort_unstable();
        count
    }
}

/// aman's one line-counting rule (module doc) over a whole trajectory: each person once, at
/// their first crossing of `line`, with its direction; later crossings as
/// [`LineCount::recrossings`]. The persons counted are PedPy 1.5.1 `compute_n_t`'s.
///
/// # Errors
/// [`AnalysisError::DegenerateLine`] if the line has zero length or a non-finite point.
pub fn count_crossings(
    index: &TrajectoryIndex<'_>,
    line: &MeasurementLine,
) -> Result<LineCount, AnalysisError> {
    let mut counter = CrossingCounter::new(line)?;
    let data = index.data();
    for t in 0..index.ids().len() {
        let id = index.ids()[t];
        for &r in index.track(t) {
            let r = r as usize;
            counter.observe(id, data.frame[r], Vec2::new(data.x[r], data.y[r]));
        }
        // Tracks are done one after the other: the finished one needs no memory (and its
        // last, unconfirmed crossing is dropped, as PedPy does).
        counter.persons.remove(&id);
    }
    Ok(counter.finish())
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
    fn a_person_jittering_across_a_line_counts_once() {
        // A dense queue: person 5 steps 2 cm across x = 0, 1 cm back, 3 cm across again,
        // back 4 cm, on again, then walks away; person 6 crosses once, the other way.
        let l = line((0.0, -1.0), (0.0, 1.0));
        let mut d = TrajectoryData::new(10.0);
        let xs5 = [-0.3, -0.05, 0.02, -0.01, 0.03, -0.01, 0.2, 0.6];
        for (f, x) in xs5.into_iter().enumerate() {
            d.push(5, f as u64, x, 0.0);
        }
        for (f, x) in [1.0, 0.5, -0.5, -1.0].into_iter().enumerate() {
            d.push(6, f as u64 + 3, x, 0.3);
        }
        d.sort_rows();
        let ix = TrajectoryIndex::new(&d).unwrap();
        // compute_crossing_frames: person 5 at frames 2, 3, 4, 5, 6; person 6 at frame 5.
        assert_eq!(crossing_frames(&ix, &l).unwrap().len(), 6);
        let count = count_crossings(&ix, &l).unwrap();
        assert_eq!(
            count.counted,
            vec![
                // a→b points along +y, so +x is its right: 5 goes right (backward) first.
                CountedCrossing {
                    frame: 2,
                    id: 5,
                    direction: CrossingDirection::Backward
                },
                CountedCrossing {
                    frame: 5,
                    id: 6,
                    direction: CrossingDirection::Forward
                },
            ]
        );
        assert_eq!(
            (count.total(), count.forward(), count.backward()),
            (2, 1, 1)
        );
        assert_eq!(count.recrossings, 4);
        // Flow over the two first crossings only: 1 / (0.3 s).
        assert!((count.mean_flow(10.0).unwrap() - 1.0 / 0.3).abs() < 1e-12);
        let nt = n_t(&ix, &l).unwrap();
        assert_eq!((nt.total(), nt.backward, nt.recrossings), (2, 1, 4));
        assert_eq!(nt.mean_flow(), count.mean_flow(10.0));
        // Streaming, interleaved by frame: the same, each person confirmed one frame late.
        let mut c = CrossingCounter::new(&l).unwrap();
        let mut seen = Vec::new();
        for f in 0..8u64 {
            for (id, x) in [
                (5, xs5.get(f as usize)),
                (6, [1.0, 0.5, -0.5, -1.0].get((f as usize).wrapping_sub(3))),
            ] {
                if let Some(&x) = x {
                    let y = if id == 5 { 0.0 } else { 0.3 };
                    if let Some(k) = c.observe(id, f, Vec2::new(x, y)) {
                        seen.push((f, k.id, k.frame));
                    }
                }
            }
        }
        assert_eq!(seen, vec![(3, 5, 2), (6, 6, 5)]);
        assert_eq!(c.finish(), count);
        // The movement into a track's last frame never counts, as in PedPy.
        let mut c = CrossingCounter::new(&l).unwrap();
        c.observe(9, 0, Vec2::new(-0.5, 0.0));
        c.observe(9, 1, Vec2::new(0.5, 0.0));
        assert_eq!(c.finish().total(), 0);
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
