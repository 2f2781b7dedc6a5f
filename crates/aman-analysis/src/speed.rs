//! Individual speed, velocity and acceleration, and the mean speed in a measurement area.
//!
//! | function | result | unit | PedPy 1.5.1 |
//! |---|---|---|---|
//! | [`individual_velocity`] | speed and (v_x, v_y) per row | m/s | `compute_individual_speed(compute_velocity=True)` |
//! | [`individual_velocity_along`] | speed projected on a direction | m/s | the same with `movement_direction` |
//! | [`individual_acceleration`] | acceleration and (a_x, a_y) per row | m/s² | `compute_individual_acceleration(compute_acceleration_components=True)` |
//! | [`mean_speed`] | mean speed of the persons inside an area, per frame | m/s | `compute_mean_speed_per_frame` |
//! | [`mean_acceleration`] | mean acceleration inside an area, per frame | m/s² | `compute_mean_acceleration_per_frame` |
//!
//! Every per-person result is *row-aligned*: element `r` belongs to row `r` of the
//! [`TrajectoryData`](aman_trajectory::TrajectoryData), and holds `NaN` where PedPy has no row
//! (a border excluded by the method) or a `NaN` value.
//!
//! # The speed window
//!
//! With a frame step n and the frame rate fps, the speed of person i at frame t is
//! v_i(t) = |X(t + n) − X(t − n)| / Δt with Δt = 2n / fps: the displacement over a window
//! centred on t (PedPy's "speed with a frame step"; JPSreport's `frame_step` of the classic
//! method, Zhang et al. 2011, J. Stat. Mech. P06004, Eq. 2). Near the ends of a trajectory the
//! window does not fit; [`SpeedBorder`] says what to do there. Δt is always taken from the
//! frame numbers actually used (so gaps in a track lengthen it).
//!
//! JPSreport's classic velocity column (`rho_v_Classic_*.dat`) is reproduced by
//! [`SpeedBorder::SingleSided`] with the same frame step as JPSreport's `frame_step` (PedPy's
//! `tests/reference_tests/reference_test.py` does the same).

use aman_geometry::{MeasurementArea, Vec2};

use crate::classic::AreaTest;
use crate::{AnalysisError, FrameSeries, TrajectoryIndex};

/// What to do at the two ends of a trajectory, where the window [t − n, t + n] does not fit
/// (PedPy's `SpeedCalculation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SpeedBorder {
    /// No value where the window does not fit: the first and last n rows of each track are
    /// `NaN` (PedPy `BORDER_EXCLUDE`, its default). The window is counted in *rows* of the
    /// track, as PedPy's `groupby(id).shift(n)`.
    #[default]
    Exclude,
    /// Shrink the window symmetrically to the frames available: w = min(n, t − t_first,
    /// t_last − t), positions at t ± w, Δt = 2w / fps. The first and last frame of each track
    /// (w = 0), and frames whose t ± w is missing (a gap), are `NaN` (PedPy `BORDER_ADAPTIVE`).
    /// The window is counted in *frames*.
    Adaptive,
    /// Replace a missing end of the window by the current position: v = |X(t + n) − X(t)| /
    /// (n / fps) at the start, |X(t) − X(t − n)| / (n / fps) at the end (PedPy
    /// `BORDER_SINGLE_SIDED`). Counted in rows like [`SpeedBorder::Exclude`]. A track with at
    /// most n rows has neither end and gets `NaN` (0 / 0) everywhere, as in PedPy.
    SingleSided,
}

/// Per-row speed and velocity, from [`individual_velocity`] or [`individual_velocity_along`].
///
/// All three vectors have one element per trajectory row (m/s); `NaN` where the border method
/// gives no value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndividualVelocity {
    /// Speed |v|, or the signed projection on the direction for
    /// [`individual_velocity_along`], m/s.
    pub speed: Vec<f64>,
    /// x component of the velocity, m/s.
    pub vx: Vec<f64>,
    /// y component of the velocity, m/s.
    pub vy: Vec<f64>,
}

/// Per-row acceleration, from [`individual_acceleration`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndividualAcceleration {
    /// Magnitude |a| (or the signed projection on the direction), m/s².
    pub acceleration: Vec<f64>,
    /// x component, m/s².
    pub ax: Vec<f64>,
    /// y component, m/s².
    pub ay: Vec<f64>,
}

fn check_step(name: &'static str, value: u64) -> Result<u64, AnalysisError> {
    if value == 0 {
        return Err(AnalysisError::InvalidFrameCount { name, value });
    }
    Ok(value)
}

fn unit_direction(direction: Vec2) -> Result<Vec2, AnalysisError> {
    let norm = direction.norm();
    if !(norm > 0.0 && norm.is_finite()) {
        return Err(AnalysisError::InvalidDirection {
            x: direction.x,
            y: direction.y,
        });
    }
    Ok(direction * (1.0 / norm))
}

/// Calls `visit(row, start_row, end_row)` for every row that has a speed window under
/// `border`; the window's duration is `frame[end_row] − frame[start_row]` frames (0 only for
/// single-sided tracks shorter than the step).
fn for_each_window(
    index: &TrajectoryIndex<'_>,
    step: u64,
    border: SpeedBorder,
    mut visit: impl FnMut(usize, usize, usize),
) {
    let frame = &index.data().frame;
    for t in 0..index.ids().len() {
        let rows = index.track(t);
        let len = rows.len();
        // In rows; a step beyond the track's length acts as len + 1 (no window fits).
        let n = usize::try_from(step).map_or(len + 1, |n| n.min(len + 1));
        match border {
            SpeedBorder::Exclude => {
                for i in n..len.saturating_sub(n) {
                    visit(rows[i] as usize, rows[i - n] as usize, rows[i + n] as usize);
                }
            }
            SpeedBorder::SingleSided => {
                for (i, &row) in rows.iter().enumerate() {
                    let start = if i >= n { rows[i - n] } else { row };
                    let end = rows.get(i + n).copied().unwrap_or(row);
                    visit(row as usize, start as usize, end as usize);
                }
            }
            SpeedBorder::Adaptive => {
                let first = frame[rows[0] as usize];
                let last = frame[rows[len - 1] as usize];
                for &row in rows {
                    let f = frame[row as usize];
                    let w = step.min(f - first).min(last - f);
                    if w == 0 {
                        continue;
                    }
                    if let (Some(start), Some(end)) =
                        (index.row_at(t, f - w), index.row_at(t, f + w))
                    {
                        visit(row as usize, start, end);
                    }
                }
            }
        }
    }
}

fn velocity(
    index: &TrajectoryIndex<'_>,
    frame_step: u64,
    border: SpeedBorder,
    direction: Option<Vec2>,
) -> Result<IndividualVelocity, AnalysisError> {
    let step = check_step("frame_step", frame_step)?;
    let direction = direction.map(unit_direction).transpose()?;
    let data = index.data();
    let rows = data.len();
    let fps = data.frame_rate;
    let mut out = IndividualVelocity {
        speed: vec![f64::NAN; rows],
        vx: vec![f64::NAN; rows],
        vy: vec![f64::NAN; rows],
    };
    let (x, y, frame) = (&data.x, &data.y, &data.frame);
    for_each_window(index, step, border, |row, start, end| {
        // As PedPy: Δt = window / fps, d = X_end − X_start, |v| = ‖d‖ / Δt.
        let dt = (frame[end] - frame[start]) as f64 / fps;
        let (mut dx, mut dy) = (x[end] - x[start], y[end] - y[start]);
        let speed = match direction {
            None => (dx * dx + dy * dy).sqrt() / dt,
            Some(m) => {
                let along = dx * m.x + dy * m.y;
                (dx, dy) = (along * m.x, along * m.y);
                along / dt
            }
        };
        out.speed[row] = speed;
        out.vx[row] = dx / dt;
        out.vy[row] = dy / dt;
    });
    Ok(out)
}

/// Speed and velocity of every person at every frame, by the frame-step window (see the
/// module doc), as PedPy 1.5.1's `compute_individual_speed(traj_data, frame_step,
/// compute_velocity=True, speed_calculation=…)`.
///
/// For the row of person i at frame t with window end points X_start, X_end (chosen by
/// `border`) and Δt = (frame_end − frame_start) / fps:
/// v = (X_end − X_start) / Δt, speed = ‖v‖.
///
/// Shapes: three vectors of `index.data().len()` (row-aligned), m/s; `NaN` where `border`
/// gives no value (see [`SpeedBorder`]). An empty trajectory gives empty vectors.
///
/// # Errors
/// [`AnalysisError::InvalidFrameCount`] if `frame_step` is 0.
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::speed::{individual_velocity, SpeedBorder};
/// use aman_trajectory::TrajectoryData;
/// // One person walking +x at 1 m/s, 10 fps, frames 0..5.
/// let mut d = TrajectoryData::new(10.0);
/// for f in 0..5 { d.push(1, f, 0.1 * f as f64, 0.0); }
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let v = individual_velocity(&ix, 1, SpeedBorder::Exclude).unwrap();
/// assert!(v.speed[0].is_nan() && v.speed[4].is_nan());
/// assert!((v.speed[2] - 1.0).abs() < 1e-12 && (v.vx[2] - 1.0).abs() < 1e-12);
/// let s = individual_velocity(&ix, 1, SpeedBorder::SingleSided).unwrap();
/// assert!((s.speed[0] - 1.0).abs() < 1e-12); // X(1) − X(0) over 0.1 s
/// ```
pub fn individual_velocity(
    index: &TrajectoryIndex<'_>,
    frame_step: u64,
    border: SpeedBorder,
) -> Result<IndividualVelocity, AnalysisError> {
    velocity(index, frame_step, border, None)
}

/// [`individual_velocity`] projected on a movement direction d (PedPy's `movement_direction`).
///
/// With d̂ = d / ‖d‖: speed = (X_end − X_start) · d̂ / Δt, which is negative for movement against
/// d, and (v_x, v_y) = speed · d̂. This is PedPy's formula for a unit `direction`; PedPy 1.5.1
/// does not normalise d and so scales its results by ‖d‖³ (speed) and ‖d‖² (velocity) — aman
/// normalises, so any non-zero vector names a direction.
///
/// # Errors
/// [`AnalysisError::InvalidFrameCount`] if `frame_step` is 0;
/// [`AnalysisError::InvalidDirection`] if `direction` is zero or not finite.
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::speed::{individual_velocity_along, SpeedBorder};
/// use aman_geometry::Vec2;
/// use aman_trajectory::TrajectoryData;
/// let mut d = TrajectoryData::new(10.0);
/// for f in 0..3 { d.push(1, f, 0.1 * f as f64, 0.1 * f as f64); }
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let v = individual_velocity_along(&ix, 1, SpeedBorder::Exclude, Vec2::new(-2.0, 0.0)).unwrap();
/// assert!((v.speed[1] + 1.0).abs() < 1e-12); // 1 m/s against −x
/// assert!(individual_velocity_along(&ix, 1, SpeedBorder::Exclude, Vec2::new(0.0, 0.0)).is_err());
/// ```
pub fn individual_velocity_along(
    index: &TrajectoryIndex<'_>,
    frame_step: u64,
    border: SpeedBorder,
    direction: Vec2,
) -> Result<IndividualVelocity, AnalysisError> {
    velocity(index, frame_step, border, Some(direction))
}

/// Acceleration of every person at every frame, as PedPy 1.5.1's
/// `compute_individual_acceleration(traj_data, frame_step, movement_direction,
/// compute_acceleration_components=True)` (its only border method, `BORDER_EXCLUDE`).
///
/// A backward-looking second difference: with the rows r − 2n, r − n, r of the same track
/// (counted in rows, as PedPy's `shift`) and Δt = (frame_r − frame_{r−n}) / fps,
/// a = ((X_r − X_{r−n}) − (X_{r−n} − X_{r−2n})) / Δt², |a| = ‖a‖. With a `direction` d,
/// a is projected on d̂ = d / ‖d‖ and the magnitude is the signed projection (PedPy does not
/// normalise d; see [`individual_velocity_along`]).
///
/// Shapes: three row-aligned vectors, m/s²; the first 2n rows of each track are `NaN`.
///
/// # Errors
/// [`AnalysisError::InvalidFrameCount`] if `frame_step` is 0;
/// [`AnalysisError::InvalidDirection`] if `direction` is zero or not finite.
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::speed::individual_acceleration;
/// use aman_trajectory::TrajectoryData;
/// // x = t² / 2 at 10 fps: a = 1 m/s².
/// let mut d = TrajectoryData::new(10.0);
/// for f in 0..4 { let t = f as f64 / 10.0; d.push(1, f, t * t / 2.0, 0.0); }
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let a = individual_acceleration(&ix, 1, None).unwrap();
/// assert!(a.acceleration[1].is_nan());
/// assert!((a.acceleration[3] - 1.0).abs() < 1e-9);
/// ```
pub fn individual_acceleration(
    index: &TrajectoryIndex<'_>,
    frame_step: u64,
    direction: Option<Vec2>,
) -> Result<IndividualAcceleration, AnalysisError> {
    let step = check_step("frame_step", frame_step)?;
    let direction = direction.map(unit_direction).transpose()?;
    let data = index.data();
    let rows = data.len();
    let fps = data.frame_rate;
    let mut out = IndividualAcceleration {
        acceleration: vec![f64::NAN; rows],
        ax: vec![f64::NAN; rows],
        ay: vec![f64::NAN; rows],
    };
    let (x, y, frame) = (&data.x, &data.y, &data.frame);
    for t in 0..index.ids().len() {
        let track = index.track(t);
        // In rows; a step beyond the track's length leaves no row with a value.
        let n = usize::try_from(step).map_or(track.len(), |n| n.min(track.len()));
        for i in (2 * n).min(track.len())..track.len() {
            let (s, m, e) = (
                track[i - 2 * n] as usize,
                track[i - n] as usize,
                track[i] as usize,
            );
            let dt = (frame[e] - frame[m]) as f64 / fps;
            let dt2 = dt * dt;
            let mut ddx = (x[e] - x[m]) - (x[m] - x[s]);
            let mut ddy = (y[e] - y[m]) - (y[m] - y[s]);
            let magnitude = match direction {
                None => (ddx * ddx + ddy * ddy).sqrt() / dt2,
                Some(d) => {
                    let along = ddx * d.x + ddy * d.y;
                    (ddx, ddy) = (along * d.x, along * d.y);
                    along / dt2
                }
            };
            out.acceleration[e] = magnitude;
            out.ax[e] = ddx / dt2;
            out.ay[e] = ddy / dt2;
        }
    }
    Ok(out)
}

/// Mean of a row-aligned value over the persons inside `area`, per frame.
fn mean_in_area(
    index: &TrajectoryIndex<'_>,
    values: &[f64],
    what: &'static str,
    area: &MeasurementArea,
) -> Result<FrameSeries, AnalysisError> {
    let data = index.data();
    if values.len() != data.len() {
        return Err(AnalysisError::LengthMismatch {
            what,
            len: values.len(),
            rows: data.len(),
        });
    }
    let (first, last) = crate::classic::frame_span(index)?;
    let frames = index.frames();
    let test = AreaTest::new(area);
    let mut out = FrameSeries {
        frames: (first..=last).collect(),
        values: vec![0.0; (last - first + 1) as usize],
    };
    let per_frame: Vec<f64> = crate::classic::map_frames(index, |rows| {
        let (mut sum, mut inside, mut valid) = (0.0, 0usize, 0usize);
        for r in rows {
            if test.contains(data.x[r], data.y[r]) {
                inside += 1;
                let v = values[r];
                if !v.is_nan() {
                    sum += v;
                    valid += 1;
                }
            }
        }
        match (inside, valid) {
            (0, _) => 0.0,
            (_, 0) => f64::NAN,
            _ => sum / valid as f64,
        }
    });
    for (k, v) in per_frame.into_iter().enumerate() {
        out.values[(frames[k] - first) as usize] = v;
    }
    Ok(out)
}

/// Mean speed of the persons inside a measurement area, per frame, as PedPy 1.5.1's
/// `compute_mean_speed_per_frame(traj_data, individual_speed, measurement_area)`.
///
/// v_mean(t) = (1 / N) Σ_{i ∈ P_M(t)} v_i(t), P_M(t) the persons strictly inside `area` at
/// frame t (boundary excluded, shapely `within`), N = |P_M(t)|. `speeds` is row-aligned, e.g.
/// [`IndividualVelocity::speed`]. JPSreport's classic velocity (Zhang et al. 2011, Eq. 3).
///
/// Shape: one value per frame from the first to the last frame of the data (gaps included),
/// m/s; **0 where nobody is inside** (as PedPy and JPSreport); `NaN` speeds are left out of the
/// mean (pandas' `mean`) and a frame whose persons inside all have `NaN` is `NaN`. PedPy
/// refuses speeds with fewer rows than the trajectory (`BORDER_EXCLUDE`, `BORDER_ADAPTIVE`) and
/// so in practice needs [`SpeedBorder::SingleSided`]; aman accepts any border and averages the
/// persons that have a speed.
///
/// # Errors
/// [`AnalysisError::LengthMismatch`] if `speeds` has not one value per row;
/// [`AnalysisError::EmptyTrajectory`] if the trajectory has no rows;
/// [`AnalysisError::InvalidTrajectory`] if its frames span more than
/// [`MAX_FRAME_SPAN`](crate::classic::MAX_FRAME_SPAN).
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::speed::mean_speed;
/// use aman_geometry::MeasurementArea;
/// use aman_trajectory::TrajectoryData;
/// let mut d = TrajectoryData::new(10.0);
/// d.push(1, 0, 0.5, 0.5);
/// d.push(2, 0, 0.6, 0.6);
/// d.push(1, 2, 5.0, 5.0); // frame 1 missing, frame 2 outside
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let area = MeasurementArea::from_points("a", &[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]).unwrap();
/// let v = mean_speed(&ix, &[1.0, 2.0, 3.0], &area).unwrap();
/// assert_eq!((v.frames, v.values), (vec![0, 1, 2], vec![1.5, 0.0, 0.0]));
/// ```
pub fn mean_speed(
    index: &TrajectoryIndex<'_>,
    speeds: &[f64],
    area: &MeasurementArea,
) -> Result<FrameSeries, AnalysisError> {
    mean_in_area(index, speeds, "speeds", area)
}

/// Mean acceleration of the persons inside a measurement area, per frame, as PedPy 1.5.1's
/// `compute_mean_acceleration_per_frame`: the same rules as [`mean_speed`] (0 where nobody is
/// inside, `NaN` values left out), m/s².
///
/// # Errors
/// As [`mean_speed`].
pub fn mean_acceleration(
    index: &TrajectoryIndex<'_>,
    accelerations: &[f64],
    area: &MeasurementArea,
) -> Result<FrameSeries, AnalysisError> {
    mean_in_area(index, accelerations, "accelerations", area)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aman_trajectory::TrajectoryData;

    /// Person 1 at frames 0..=6 moving +x by 0.1 per frame except a gap at frame 3; person 2
    /// at frames 0..=1.
    fn sample() -> TrajectoryData {
        let mut d = TrajectoryData::new(10.0);
        for f in 0..=6u64 {
            if f != 3 {
                d.push(1, f, 0.1 * f as f64, 0.0);
            }
            if f <= 1 {
                d.push(2, f, 0.0, 0.2 * f as f64);
            }
        }
        d.sort_rows();
        d
    }

    fn by_track(ix: &TrajectoryIndex<'_>, v: &[f64], t: usize) -> Vec<f64> {
        ix.track(t).iter().map(|&r| v[r as usize]).collect()
    }

    #[test]
    fn exclude_counts_rows_and_uses_real_frame_gaps() {
        let d = sample();
        let ix = TrajectoryIndex::new(&d).unwrap();
        let v = individual_velocity(&ix, 1, SpeedBorder::Exclude).unwrap();
        let s = by_track(&ix, &v.speed, 0);
        assert!(s[0].is_nan() && s[5].is_nan());
        // Row 2 (frame 2): rows frame 1 → frame 4, 0.3 m in 0.3 s.
        assert!((s[2] - 1.0).abs() < 1e-12, "{s:?}");
        assert!(by_track(&ix, &v.speed, 1).iter().all(|x| x.is_nan()));
    }

    #[test]
    fn adaptive_counts_frames_and_skips_gaps() {
        let d = sample();
        let ix = TrajectoryIndex::new(&d).unwrap();
        let v = individual_velocity(&ix, 2, SpeedBorder::Adaptive).unwrap();
        let s = by_track(&ix, &v.speed, 0); // frames 0 1 2 4 5 6
        assert!(s[0].is_nan() && s[5].is_nan()); // w = 0 at the ends
        assert!((s[1] - 1.0).abs() < 1e-12); // w = 1: frames 0 and 2
        assert!((s[2] - 1.0).abs() < 1e-12); // w = 2: frames 0 and 4
        let v = individual_velocity(&ix, 1, SpeedBorder::Adaptive).unwrap();
        let s = by_track(&ix, &v.speed, 0);
        assert!(s[2].is_nan() && s[3].is_nan()); // frame 3 is missing
        assert!((s[4] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn single_sided_short_track_is_nan() {
        let d = sample();
        let ix = TrajectoryIndex::new(&d).unwrap();
        let v = individual_velocity(&ix, 2, SpeedBorder::SingleSided).unwrap();
        assert!(by_track(&ix, &v.speed, 1).iter().all(|x| x.is_nan()));
        let s = by_track(&ix, &v.speed, 0);
        assert!(s.iter().all(|x| x.is_finite()));
        // First row: frame 0 → frame 2 (row + 2), 0.2 m in 0.2 s.
        assert!((s[0] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bad_inputs() {
        let d = sample();
        let ix = TrajectoryIndex::new(&d).unwrap();
        assert!(matches!(
            individual_velocity(&ix, 0, SpeedBorder::Exclude),
            Err(AnalysisError::InvalidFrameCount { value: 0, .. })
        ));
        assert!(individual_acceleration(&ix, 0, None).is_err());
        // A step longer than every track: no fixed window fits, nothing panics; the adaptive
        // window shrinks to what is there, as with any step longer than the track.
        for border in [SpeedBorder::Exclude, SpeedBorder::SingleSided] {
            let v = individual_velocity(&ix, u64::MAX, border).unwrap();
            assert!(v.speed.iter().all(|s| s.is_nan()), "{border:?}");
        }
        let huge = individual_velocity(&ix, u64::MAX, SpeedBorder::Adaptive).unwrap();
        let long = individual_velocity(&ix, 100, SpeedBorder::Adaptive).unwrap();
        assert_eq!(format!("{:?}", huge.speed), format!("{:?}", long.speed));
        let a = individual_acceleration(&ix, u64::MAX, None).unwrap();
        assert!(a.acceleration.iter().all(|s| s.is_nan()));
        assert!(individual_acceleration(&ix, 1, Some(Vec2::new(f64::NAN, 1.0))).is_err());
        let area =
            MeasurementArea::from_points("a", &[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)])
                .unwrap();
        assert!(matches!(
            mean_speed(&ix, &[1.0], &area),
            Err(AnalysisError::LengthMismatch { len: 1, .. })
        ));
        // An area nobody enters: 0 in every frame, as PedPy.
        let far =
            MeasurementArea::from_points("far", &[(50.0, 0.0), (51.0, 0.0), (51.0, 1.0)]).unwrap();
        let v = individual_velocity(&ix, 1, SpeedBorder::SingleSided).unwrap();
        let m = mean_speed(&ix, &v.speed, &far).unwrap();
        assert_eq!(m.frames, (0..=6).collect::<Vec<u64>>());
        assert!(m.values.iter().all(|&x| x == 0.0));
        let empty = TrajectoryData::new(10.0);
        let ix = TrajectoryIndex::new(&empty).unwrap();
        let v = individual_velocity(&ix, 3, SpeedBorder::Adaptive).unwrap();
        assert!(v.speed.is_empty());
        assert_eq!(
            mean_speed(&ix, &[], &area),
            Err(AnalysisError::EmptyTrajectory)
        );
    }
}
