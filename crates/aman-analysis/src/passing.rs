//! JPSreport's method B: density and speed of each person passing a measurement area.
//!
//! The passing area lies between a measurement line and its parallel at a distance `width`
//! (JPSreport's "T_in / T_out" method, Zhang et al. 2011, J. Stat. Mech. P06004, Section 3.2;
//! Liao et al. 2014). For each person who walks through it — entering over one line and leaving
//! over the other without leaving in between — method B gives
//!
//! - the passing density ρ_i = mean of the classic density of the area over the frames
//!   [f_in, f_out) the person spends inside (1/m²), and
//! - the passing speed v_i = d / Δt_i with d the distance between the lines and
//!   Δt_i = (f_out − f_in) / fps (m/s).
//!
//! | function | PedPy 1.5.1 |
//! |---|---|
//! | [`frame_range_in_area`] | `compute_frame_range_in_area(traj_data, measurement_line, width)` |
//! | [`passing_density`] | `compute_passing_density(density_per_frame, frames)` |
//! | [`passing_speed`] | `compute_passing_speed(frames_in_area, frame_rate, distance)` |
//! | [`method_b`] | the three together, with `compute_classic_density` of the passing area |

use aman_geometry::{MeasurementArea, MeasurementLine, Segment, Vec2};
use serde::Serialize;

use crate::classic::{AreaTest, classic_density};
use crate::crossing::{LineTest, track_crossings};
use crate::{AnalysisError, FrameSeries, TrajectoryIndex};

/// One passage through the passing area: person `id` was inside from `entering_frame` (first
/// frame inside) until just before `leaving_frame` (first frame after leaving).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Passage {
    /// Person id.
    pub id: u64,
    /// First frame inside the area.
    pub entering_frame: u64,
    /// First frame after the person left the area.
    pub leaving_frame: u64,
}

/// The line parallel to `segment` at signed distance `width` (left of a → b for a positive
/// width), same direction; computed as GEOS's offset curve does, so the area's corners are
/// bit-identical to PedPy's.
fn offset_segment(segment: &Segment, width: f64) -> Segment {
    let (a, b) = (segment.a, segment.b);
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = (dx * dx + dy * dy).sqrt();
    let ux = width * dx / len;
    let uy = width * dy / len;
    Segment::new(Vec2::new(a.x - uy, a.y + ux), Vec2::new(b.x - uy, b.y + ux))
}

/// The passages of every person through the area between `line` and its parallel at distance
/// `width`, as PedPy 1.5.1's `compute_frame_range_in_area(traj_data, measurement_line,
/// width)`; also returns that area (corners: the line's a, b, then the parallel's b′, a′).
///
/// `width` > 0 puts the parallel to the left of the line's direction a → b, `width` < 0 to
/// the right (shapely's `offset_curve`). A passage is a run of consecutive frames strictly
/// inside the area (a frame outside or missing ends it), from `entering_frame` (the first
/// frame inside) to `leaving_frame` (the frame after the last one inside), that
/// - enters over one line: the movement into `entering_frame` touches it, and
/// - leaves over the other: the movement into `leaving_frame` touches it.
///
/// "Touching" is PedPy's crossing rule with movements that end on the line counted (see
/// [`crate::crossing`]): the movement into the last frame of a track or across a gap never
/// counts. Runs that enter and leave over the same line, or start or end inside the area, are
/// dropped; a person may pass several times. Sorted by id, then entering frame; empty if nobody
/// passes.
///
/// # Errors
/// [`AnalysisError::DegenerateLine`] for a zero-length line; [`AnalysisError::InvalidLength`]
/// for a zero or non-finite `width`.
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::passing::{frame_range_in_area, Passage};
/// use aman_geometry::{MeasurementLine, Segment, Vec2};
/// use aman_trajectory::TrajectoryData;
/// // Walking +y at 0.25 m per frame through the area 0 < y < 1.
/// let mut d = TrajectoryData::new(4.0);
/// for f in 0..10u64 { d.push(1, f, 0.5, -0.4 + 0.25 * f as f64); }
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let line = MeasurementLine { name: "in".into(),
///     segment: Segment::new(Vec2::new(0.0, 0.0), Vec2::new(1.0, 0.0)) };
/// let (passages, area) = frame_range_in_area(&ix, &line, 1.0).unwrap();
/// assert_eq!(passages, vec![Passage { id: 1, entering_frame: 2, leaving_frame: 6 }]);
/// assert_eq!(area.area(), 1.0);
/// ```
pub fn frame_range_in_area(
    index: &TrajectoryIndex<'_>,
    line: &MeasurementLine,
    width: f64,
) -> Result<(Vec<Passage>, MeasurementArea), AnalysisError> {
    let first = LineTest::new(line.segment).ok_or_else(|| AnalysisError::DegenerateLine {
        name: line.name.clone(),
    })?;
    let invalid_width = AnalysisError::InvalidLength {
        name: "passing area width",
        value: width,
    };
    if !(width.is_finite() && width != 0.0) {
        return Err(invalid_width);
    }
    let parallel = offset_segment(&line.segment, width);
    let second = LineTest::new(parallel).ok_or_else(|| invalid_width.clone())?;
    let (a, b) = (line.segment.a, line.segment.b);
    let area = MeasurementArea::from_points(
        &format!("{} passing area", line.name),
        &[
            (a.x, a.y),
            (b.x, b.y),
            (parallel.b.x, parallel.b.y),
            (parallel.a.x, parallel.a.y),
        ],
    )
    .map_err(|_| invalid_width.clone())?;

    let crossed_first = track_crossings(index, &first, true);
    let crossed_second = track_crossings(index, &second, true);
    let crossed = |list: &[(usize, u64)], t: usize, f: u64| list.binary_search(&(t, f)).is_ok();

    let data = index.data();
    let test = AreaTest::new(&area);
    let ids = index.ids();
    let mut passages = Vec::new();
    for (t, &id) in ids.iter().enumerate() {
        let mut run: Option<(u64, u64)> = None; // (entering, last inside)
        let mut close = |run: (u64, u64)| {
            let (enter, leave) = (run.0, run.1.saturating_add(1));
            if (crossed(&crossed_first, t, enter) && crossed(&crossed_second, t, leave))
                || (crossed(&crossed_second, t, enter) && crossed(&crossed_first, t, leave))
            {
                passages.push(Passage {
                    id,
                    entering_frame: enter,
                    leaving_frame: leave,
                });
            }
        };
        for &r in index.track(t) {
            let r = r as usize;
            if !test.contains(data.x[r], data.y[r]) {
                continue;
            }
            let f = data.frame[r];
            run = match run {
                Some((enter, last)) if f - last < 2 => Some((enter, f)),
                Some(done) => {
                    close(done);
                    Some((f, f))
                }
                None => Some((f, f)),
            };
        }
        if let Some(done) = run {
            close(done);
        }
    }
    Ok((passages, area))
}

/// Passing density of each passage, as PedPy 1.5.1's `compute_passing_density(
/// density_per_frame, frames)`: the mean of `density_per_frame` over the frames
/// `entering_frame ≤ f < leaving_frame`, 1/m² (in the unit of the series).
///
/// `density_per_frame` is normally [`classic_density`] of the passing area. One value per
/// passage, in order; `NaN` for a passage none of whose frames is in the series (`NaN` values
/// of the series are left out of the mean).
///
/// ```
/// use aman_analysis::FrameSeries;
/// use aman_analysis::passing::{passing_density, Passage};
/// let rho = FrameSeries { frames: vec![0, 1, 2, 3], values: vec![1.0, 2.0, 4.0, 8.0] };
/// let p = [Passage { id: 1, entering_frame: 1, leaving_frame: 3 }];
/// assert_eq!(passing_density(&rho, &p), vec![3.0]);
/// ```
pub fn passing_density(density_per_frame: &FrameSeries, passages: &[Passage]) -> Vec<f64> {
    let frames = &density_per_frame.frames;
    passages
        .iter()
        .map(|p| {
            let lo = frames.partition_point(|&f| f < p.entering_frame);
            let hi = frames.partition_point(|&f| f < p.leaving_frame);
            let (sum, n) = density_per_frame.values[lo..hi.max(lo)]
                .iter()
                .filter(|v| !v.is_nan())
                .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
            if n > 0 { sum / n as f64 } else { f64::NAN }
        })
        .collect()
}

/// Passing speed of each passage, as PedPy 1.5.1's `compute_passing_speed(frames_in_area,
/// frame_rate, distance)`: v_i = fps · d / |f_out − f_in|, m/s, with `distance` d in m (the
/// distance between the two lines, normally the passing area's width) and `frame_rate` in
/// frames per second. One value per passage, in order.
///
/// # Errors
/// [`AnalysisError::InvalidLength`] if `distance` is not a positive finite number;
/// [`AnalysisError::InvalidTrajectory`] if `frame_rate` is not.
///
/// ```
/// use aman_analysis::passing::{passing_speed, Passage};
/// let p = [Passage { id: 1, entering_frame: 10, leaving_frame: 26 }];
/// assert_eq!(passing_speed(&p, 16.0, 1.06).unwrap(), vec![1.06]);
/// ```
pub fn passing_speed(
    passages: &[Passage],
    frame_rate: f64,
    distance: f64,
) -> Result<Vec<f64>, AnalysisError> {
    if !(distance.is_finite() && distance > 0.0) {
        return Err(AnalysisError::InvalidLength {
            name: "passing distance",
            value: distance,
        });
    }
    if !(frame_rate.is_finite() && frame_rate > 0.0) {
        return Err(AnalysisError::InvalidTrajectory(format!(
            "frame rate {frame_rate} is not a positive number of frames per second"
        )));
    }
    Ok(passages
        .iter()
        .map(|p| frame_rate * distance / p.leaving_frame.abs_diff(p.entering_frame) as f64)
        .collect())
}

/// One person's passage with its method B density and speed ([`method_b`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PassingRecord {
    /// The passage (person, entering and leaving frame).
    pub passage: Passage,
    /// Passing density, 1/m².
    pub density: f64,
    /// Passing speed, m/s.
    pub speed: f64,
}

/// Result of [`method_b`]: the passing area and one record per passage.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodB {
    /// The area between the line and its parallel.
    pub area: MeasurementArea,
    /// One record per passage, sorted by id then entering frame.
    pub records: Vec<PassingRecord>,
}

/// JPSreport's method B (`FDTinTout_*.dat`) in one call: [`frame_range_in_area`], then
/// [`passing_density`] of the area's [`classic_density`] and [`passing_speed`] over |`width`|,
/// exactly as PedPy's reference test chains them.
///
/// # Errors
/// As [`frame_range_in_area`]; [`AnalysisError::EmptyTrajectory`] if the trajectory has no rows.
pub fn method_b(
    index: &TrajectoryIndex<'_>,
    line: &MeasurementLine,
    width: f64,
) -> Result<MethodB, AnalysisError> {
    let (passages, area) = frame_range_in_area(index, line, width)?;
    let density = classic_density(index, &area)?;
    let rho = passing_density(&density, &passages);
    let v = passing_speed(&passages, index.data().frame_rate, width.abs())?;
    let records = passages
        .into_iter()
        .zip(rho.into_iter().zip(v))
        .map(|(passage, (density, speed))| PassingRecord {
            passage,
            density,
            speed,
        })
        .collect();
    Ok(MethodB { area, records })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aman_trajectory::TrajectoryData;

    fn line() -> MeasurementLine {
        MeasurementLine {
            name: "l".into(),
            segment: Segment::new(Vec2::new(0.0, 0.0), Vec2::new(2.0, 0.0)),
        }
    }

    #[test]
    fn same_line_twice_or_ending_inside_is_not_a_passage() {
        let mut d = TrajectoryData::new(10.0);
        // 1: enters over y = 0 and turns back; 2: enters and stops inside; 3: passes;
        // 4: passes downwards (enters over y = 1, leaves over y = 0).
        let tracks: [(u64, &[f64]); 4] = [
            (1, &[-0.5, 0.5, -0.5, -1.0]),
            (2, &[-0.5, 0.5, 0.6, 0.7]),
            (3, &[-0.5, 0.5, 1.5, 2.0]),
            (4, &[1.5, 0.5, -0.5, -1.0]),
        ];
        for (id, ys) in tracks {
            for (f, &y) in ys.iter().enumerate() {
                d.push(id, f as u64, 1.0, y);
            }
        }
        d.sort_rows();
        let ix = TrajectoryIndex::new(&d).unwrap();
        let b = method_b(&ix, &line(), 1.0).unwrap();
        let ids: Vec<u64> = b.records.iter().map(|r| r.passage.id).collect();
        assert_eq!(ids, vec![3, 4]);
        let r = b.records[0];
        assert_eq!((r.passage.entering_frame, r.passage.leaving_frame), (1, 2));
        assert_eq!(r.speed, 10.0); // 1 m in 1 frame at 10 fps
        assert_eq!(r.density, 2.0); // frame 1 only: all four inside, 4 persons / 2 m²
        // Negative width: the parallel lies below; nobody passes it fully.
        let b = method_b(&ix, &line(), -1.0).unwrap();
        assert!((b.area.area() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn bad_inputs() {
        let mut d = TrajectoryData::new(10.0);
        d.push(1, 0, 0.0, 0.0);
        let ix = TrajectoryIndex::new(&d).unwrap();
        for w in [0.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                frame_range_in_area(&ix, &line(), w),
                Err(AnalysisError::InvalidLength { .. })
            ));
        }
        let mut zero = line();
        zero.segment.b = zero.segment.a;
        assert!(matches!(
            method_b(&ix, &zero, 1.0),
            Err(AnalysisError::DegenerateLine { .. })
        ));
        assert!(passing_speed(&[], 10.0, 0.0).is_err());
        assert!(passing_speed(&[], 0.0, 1.0).is_err());
        // Nobody passes: empty, no error.
        assert!(method_b(&ix, &line(), 1.0).unwrap().records.is_empty());
        let empty = TrajectoryData::new(10.0);
        let ix = TrajectoryIndex::new(&empty).unwrap();
        assert_eq!(
            method_b(&ix, &line(), 1.0),
            Err(AnalysisError::EmptyTrajectory)
        );
        assert!(
            passing_density(
                &FrameSeries::default(),
                &[Passage {
                    id: 1,
                    entering_frame: 0,
                    leaving_frame: 1
                }]
            )[0]
            .is_nan()
        );
    }
}
