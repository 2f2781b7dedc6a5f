//! N–t diagrams and flow at a measurement line.
//!
//! The functions here start from the *crossing times* of a line (or the exit times of an
//! exit), in seconds: one entry per agent, in any order. Which crossings count (first crossing
//! only, as PedPy does, or every crossing) is decided by whoever records them — except
//! [`flow_method_a`], which takes the N–t diagram of [`crate::crossing::n_t`] and the
//! trajectories, for the mean speed at the line.
//!
//! | function | result | unit | PedPy 1.5.1 |
//! |---|---|---|---|
//! | [`n_t`] | cumulative count N(t) | persons | `compute_n_t` (cumulative column) |
//! | [`mean_flow`] | J = (N − 1) / (t_N − t_1) | 1/s | the mean of the N–t data, as in the reference figures |
//! | [`specific_flow`] | J_s = J / b | 1/(m·s) | — (field convention, J_s = J / b) |
//! | [`flow_in_windows`] | J_k = N_k / Δt per fixed window | 1/s | — (plain time bins) |
//! | [`interval_flows`] | JPSreport method A intervals | 1/s | `compute_flow` (flow column) |
//! | [`flow_method_a`] | method A flow and mean speed from an N–t diagram and trajectories | 1/s, m/s | `compute_flow` |
//!
//! Non-finite times (NaN, ±∞) are ignored everywhere; they never panic.

use serde::{Deserialize, Serialize};

use crate::crossing::NtDiagram;
use crate::{AnalysisError, TrajectoryIndex};

/// One step of an N–t diagram: by `time`, `count` agents have crossed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NtPoint {
    /// Time of the crossing(s), seconds.
    pub time: f64,
    /// Cumulative number of crossings at or before `time`, persons.
    pub count: usize,
}

/// The finite values of `times`, sorted ascending.
fn sorted_finite(times: &[f64]) -> Vec<f64> {
    let mut t: Vec<f64> = times.iter().copied().filter(|t| t.is_finite()).collect();
    t.sort_by(f64::total_cmp);
    t
}

/// The N–t diagram: the cumulative number of crossings N(t) as a step function.
///
/// Returns one point per distinct crossing time, sorted by time; `count` is the number of
/// crossings at or before that time (so simultaneous crossings make one step of several
/// persons). The input may be in any order; non-finite times are dropped. Between two points
/// N(t) keeps the value of the earlier one; before the first point it is 0.
///
/// Units: `time` in s (as given), `count` in persons.
///
/// Matches the `cumulative_pedestrians` column of PedPy's `compute_n_t` at the frames where it
/// changes (PedPy lists every frame; the steps are the same).
///
/// ```
/// use aman_analysis::flow::{n_t, NtPoint};
/// let nt = n_t(&[3.0, 1.0, 2.0, 2.0]);
/// assert_eq!(
///     nt,
///     vec![
///         NtPoint { time: 1.0, count: 1 },
///         NtPoint { time: 2.0, count: 3 },
///         NtPoint { time: 3.0, count: 4 },
///     ]
/// );
/// assert!(n_t(&[]).is_empty());
/// ```
pub fn n_t(crossing_times: &[f64]) -> Vec<NtPoint> {
    let sorted = sorted_finite(crossing_times);
    let mut out: Vec<NtPoint> = Vec::new();
    for (i, &time) in sorted.iter().enumerate() {
        match out.last_mut() {
            Some(last) if last.time == time => last.count = i + 1,
            _ => out.push(NtPoint { time, count: i + 1 }),
        }
    }
    out
}

/// Mean flow over the whole passage: J = (N − 1) / (t_N − t_1), in 1/s.
///
/// N is the number of (finite) crossing times, t_1 the first and t_N the last.
///
/// **Why N − 1.** The interval from the first to the last crossing contains N − 1 time gaps
/// between consecutive crossings, so (N − 1) / (t_N − t_1) is the inverse of the mean time gap.
/// Dividing N by that interval would count one person too many: two crossings one second apart
/// are a flow of 1/s, not 2/s. This is the convention of the reference figures recorded with
/// PedPy 1.5.1 (the mean slope of `compute_n_t` between its first and last step): the
/// 348 crossings at frames 19–854 of the wide-bottleneck experiment at 16 fps give
/// 347 / (835 / 16 s) = 6.6491 1/s.
///
/// Returns `None` for fewer than two crossings or when all crossings happen at the same time
/// (zero duration: the flow is not defined).
///
/// ```
/// use aman_analysis::flow::mean_flow;
/// // 5 crossings, one every 0.5 s → 2 persons/s.
/// assert_eq!(mean_flow(&[0.0, 0.5, 1.0, 1.5, 2.0]), Some(2.0));
/// assert_eq!(mean_flow(&[4.0]), None);
/// assert_eq!(mean_flow(&[4.0, 4.0]), None);
/// ```
pub fn mean_flow(crossing_times: &[f64]) -> Option<f64> {
    let finite = crossing_times.iter().copied().filter(|t| t.is_finite());
    let (mut n, mut first, mut last) = (0usize, f64::INFINITY, f64::NEG_INFINITY);
    for t in finite {
        n += 1;
        first = first.min(t);
        last = last.max(t);
    }
    let duration = last - first;
    (n >= 2 && duration > 0.0).then(|| (n - 1) as f64 / duration)
}

/// Specific flow J_s = J / b: the flow per metre of width, in 1/(m·s).
///
/// `flow` in 1/s, `width` b in m (for a measurement line, its length; for a door, its clear
/// width). Returns NaN if `width` is not a positive finite number. PedPy has no function for
/// this; it is the usual normalisation of the fundamental diagram (J_s = ρ · v).
///
/// ```
/// use aman_analysis::flow::specific_flow;
/// assert_eq!(specific_flow(6.0, 3.0), 2.0);
/// assert!(specific_flow(6.0, 0.0).is_nan());
/// ```
pub fn specific_flow(flow: f64, width: f64) -> f64 {
    if width > 0.0 && width.is_finite() {
        flow / width
    } else {
        f64::NAN
    }
}

/// Most windows [`flow_in_windows`] returns; beyond that it returns nothing.
pub const MAX_WINDOWS: usize = 1_000_000;

/// Flow in consecutive fixed time windows: J_k = N_k / Δt_k, in 1/s.
///
/// The windows tile `[start, end]`: window k is `[start + k·window, start + (k + 1)·window)`,
/// the last one is cut at `end` and closed (a crossing exactly at `end` counts), and its
/// flow divides by its real, possibly shorter, duration. N_k is the number of crossing times in
/// window k; crossings outside `[start, end]` are ignored. Returns `(t_start, flow)` pairs, time
/// in s and flow in 1/s.
///
/// Returns an empty vector if `window` is not positive and finite, if `end <= start`, if either
/// bound is not finite, or if there would be more than [`MAX_WINDOWS`] windows.
///
/// PedPy has no exact equivalent: its `compute_flow` (see [`interval_flows`]) adapts each
/// interval to the crossings inside it. Fixed windows are what a planner compares with a
/// design flow, and they show a flow of 0 when nobody passes.
///
/// ```
/// use aman_analysis::flow::flow_in_windows;
/// let times = [0.5, 1.0, 1.5, 4.0, 5.0];
/// let flows = flow_in_windows(&times, 2.0, 0.0, 5.0);
/// // [0, 2): 3 crossings; [2, 4): none; [4, 5]: 2 crossings in 1 s.
/// assert_eq!(flows, vec![(0.0, 1.5), (2.0, 0.0), (4.0, 2.0)]);
/// ```
pub fn flow_in_windows(
    crossing_times: &[f64],
    window: f64,
    start: f64,
    end: f64,
) -> Vec<(f64, f64)> {
    if !(window > 0.0 && window.is_finite() && start.is_finite() && end.is_finite() && end > start)
    {
        return Vec::new();
    }
    let span = (end - start) / window;
    if span > MAX_WINDOWS as f64 {
        return Vec::new();
    }
    // Number of windows: ceil(span), at least 1, with a tolerance so that an exact multiple of
    // `window` does not leave a window of rounding-error length.
    let n = ((span - 1e-9).ceil() as usize).max(1);
    let mut counts = vec![0usize; n];
    for &t in crossing_times {
        if t.is_finite() && t >= start && t <= end {
            let k = (((t - start) / window).floor() as usize).min(n - 1);
            counts[k] += 1;
        }
    }
    counts
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            let t0 = start + k as f64 * window;
            let t1 = if k + 1 == n {
                end
            } else {
                start + (k + 1) as f64 * window
            };
            (t0, c as f64 / (t1 - t0))
        })
        .collect()
}

/// One interval of [`interval_flows`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IntervalFlow {
    /// First frame of the interval.
    pub start_frame: i64,
    /// Frame after the interval's last crossing: the interval is `start_frame..end_frame`.
    pub end_frame: i64,
    /// Crossings in the interval, persons.
    pub crossings: usize,
    /// Flow J = crossings / ((end_frame − start_frame) / frame_rate), 1/s.
    pub flow: f64,
}

/// Flow by JPSreport's method A, as PedPy's `compute_flow` computes it.
///
/// Probe frames are taken every `delta_frame` frames from the first crossing f_1:
/// f_1 + Δ, f_1 + 2Δ, … while below `last_frame` (the last frame of the trajectory). At each
/// probe, the crossings since the previous interval are counted (N_k); the interval runs from
/// the end of the previous one (at first: f_1) to one frame after the last crossing at or
/// before the probe, and its flow is J_k = N_k · frame_rate / (frames in the interval), in 1/s.
/// Probes with no new crossing yield no interval. Crossing frames may be in any order.
///
/// Returns an empty vector for no crossings, a non-positive `delta_frame` or a non-positive or
/// non-finite `frame_rate`.
///
/// Matches the `flow` column of PedPy 1.5.1's `compute_flow(delta_frame=…)`; the interval's
/// mean speed (PedPy's other column) needs trajectories and is not computed here.
///
/// ```
/// use aman_analysis::flow::interval_flows;
/// // Crossings at frames 0, 5, 10, …, 95 at 10 fps (2 persons/s), probes every 30 frames.
/// let frames: Vec<i64> = (0..20).map(|i| i * 5).collect();
/// let j = interval_flows(&frames, 10.0, 30, 120);
/// assert_eq!(j.len(), 3);
/// assert_eq!((j[0].start_frame, j[0].end_frame, j[0].crossings), (0, 31, 7));
/// assert!((j[1].flow - 2.0).abs() < 1e-12); // 6 crossings in frames 31..61
/// ```
pub fn interval_flows(
    crossing_frames: &[i64],
    frame_rate: f64,
    delta_frame: i64,
    last_frame: i64,
) -> Vec<IntervalFlow> {
    if crossing_frames.is_empty()
        || delta_frame <= 0
        || !(frame_rate > 0.0 && frame_rate.is_finite())
    {
        return Vec::new();
    }
    let mut frames = crossing_frames.to_vec();
    frames.sort_unstable();
    let mut passed_before = 0usize;
    let mut start = frames[0];
    let mut out = Vec::new();
    let mut probe = frames[0].saturating_add(delta_frame);
    while probe < last_frame {
        // Crossings at or before the probe frame.
        let passed = frames.partition_point(|&f| f <= probe);
        if passed != passed_before {
            let end = frames[passed - 1] + 1;
            let crossings = passed - passed_before;
            out.push(IntervalFlow {
                start_frame: start,
                end_frame: end,
                crossings,
                flow: crossings as f64 * frame_rate / (end - start) as f64,
            });
            passed_before = passed;
            start = end;
        }
        probe = probe.saturating_add(delta_frame);
    }
    out
}

/// One interval of [`flow_method_a`]: JPSreport's method A flow and mean speed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FlowInterval {
    /// First frame of the interval (the first crossing, then the previous interval's end).
    pub start_frame: u64,
    /// One frame after the interval's last crossing.
    pub end_frame: u64,
    /// Persons whose first crossing falls in the interval.
    pub crossings: usize,
    /// J = crossings / ((end_frame − start_frame) / fps), 1/s.
    pub flow: f64,
    /// Mean speed of those persons at their crossing frame, m/s; `NaN` if none has a speed.
    pub mean_speed: f64,
}

/// Flow and mean speed at a measurement line by JPSreport's method A (Zhang et al. 2011,
/// J. Stat. Mech. P06004, Section 3.1; Liao et al. 2014), as PedPy 1.5.1's
/// `compute_flow(nt, crossing_frames, individual_speed, delta_frame, frame_rate)`.
///
/// From the first crossing frame f₁, probes are taken at f₁ + Δ, f₁ + 2Δ, … while below the
/// last frame of the trajectory. At each probe with new crossings since the last interval, an
/// interval closes: it runs from the previous interval's end (at first f₁) to one frame after
/// the last crossing at or before the probe; J = N_Δ / Δt, N_Δ the new crossings and Δt the
/// interval's length in frames / fps. Its mean speed is the mean of `speeds` (row-aligned,
/// e.g. [`crate::speed::IndividualVelocity::speed`]) of the persons whose first crossing frame
/// is in `[start_frame, end_frame]` — both ends included, as PedPy does, so a crossing at
/// `end_frame` also counts in the next interval's speed; `NaN` speeds are left out.
///
/// **JPSreport difference.** JPSreport 0.8 leaves the first crossings out of its first
/// interval, so its first flow is lower (AO 300 bottleneck: 8.107 vs 8.1589 1/s) and its
/// first mean speed differs; PedPy's reference test and aman compare from the second interval
/// on.
///
/// Returns an empty vector when nobody crossed or when no probe fits before the last frame.
///
/// # Errors
/// [`AnalysisError::InvalidFrameCount`] if `delta_frame` is 0;
/// [`AnalysisError::LengthMismatch`] if `speeds` has not one value per row.
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::crossing::n_t;
/// use aman_analysis::flow::flow_method_a;
/// use aman_geometry::{MeasurementLine, Segment, Vec2};
/// use aman_trajectory::TrajectoryData;
/// // Person i crosses y = 0 into frame 2i + 1, at 1 m/s; 10 fps.
/// let mut d = TrajectoryData::new(10.0);
/// for f in 0..30u64 {
///     for i in 0..10u64 {
///         d.push(i, f, 0.0, 0.1 * (f as f64 - 2.0 * i as f64) - 0.05);
///     }
/// }
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let line = MeasurementLine { name: "l".into(),
///     segment: Segment::new(Vec2::new(-1.0, 0.0), Vec2::new(1.0, 0.0)) };
/// let nt = n_t(&ix, &line).unwrap();
/// let speeds = vec![1.0; d.len()];
/// let j = flow_method_a(&ix, &nt, 6, &speeds).unwrap();
/// assert_eq!((j[0].start_frame, j[0].end_frame, j[0].crossings), (1, 8, 4));
/// assert!((j[1].flow - 5.0).abs() < 1e-12); // 3 crossings in frames 8..14
/// assert_eq!(j[1].mean_speed, 1.0);
/// ```
pub fn flow_method_a(
    index: &TrajectoryIndex<'_>,
    nt: &NtDiagram,
    delta_frame: u64,
    speeds: &[f64],
) -> Result<Vec<FlowInterval>, AnalysisError> {
    if delta_frame == 0 {
        return Err(AnalysisError::InvalidFrameCount {
            name: "delta_frame",
            value: delta_frame,
        });
    }
    let rows = index.data().len();
    if speeds.len() != rows {
        return Err(AnalysisError::LengthMismatch {
            what: "speeds",
            len: speeds.len(),
            rows,
        });
    }
    let crossings = &nt.crossings;
    let (Some(first), Some(&last_frame)) = (crossings.first(), nt.frames.last()) else {
        return Ok(Vec::new());
    };
    // Speed of each person at their crossing frame (PedPy merges on (id, frame)).
    let crossing_speed: Vec<f64> = crossings
        .iter()
        .map(|c| {
            index
                .track_index(c.id)
                .and_then(|t| index.row_at(t, c.frame))
                .map_or(f64::NAN, |r| speeds[r])
        })
        .collect();
    let fps = nt.frame_rate;
    let mut out = Vec::new();
    let (mut passed_before, mut start) = (0usize, first.frame);
    let mut probe = first.frame.checked_add(delta_frame);
    while let Some(p) = probe.filter(|&p| p < last_frame) {
        let passed = crossings.partition_point(|c| c.frame <= p);
        if passed != passed_before {
            let end = crossings[passed - 1].frame + 1;
            let n = passed - passed_before;
            let lo = crossings.partition_point(|c| c.frame < start);
            let hi = crossings.partition_point(|c| c.frame <= end);
            let (sum, k) = crossing_speed[lo..hi]
                .iter()
                .filter(|v| !v.is_nan())
                .fold((0.0, 0usize), |(s, k), v| (s + v, k + 1));
            out.push(FlowInterval {
                start_frame: start,
                end_frame: end,
                crossings: n,
                flow: n as f64 / (end - start) as f64 * fps,
                mean_speed: if k > 0 { sum / k as f64 } else { f64::NAN },
            });
            passed_before = passed;
            start = end;
        }
        probe = p.checked_add(delta_frame);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wide-bottleneck reference: 348 crossings, frames 19..=854 at 16 fps, 6.6491 1/s.
    /// Synthetic, evenly spaced frames with the same first, last and count.
    #[test]
    fn mean_flow_reproduces_pedpy_bottleneck_figure() {
        let n = 348;
        let times: Vec<f64> = (0..n)
            .map(|i| (19.0 + (854.0 - 19.0) * i as f64 / (n - 1) as f64) / 16.0)
            .collect();
        let j = mean_flow(&times).unwrap();
        assert!((j - 6.6491).abs() < 5e-5, "{j}");
        assert!((specific_flow(j, 3.0) - 2.2164).abs() < 5e-5);
    }

    #[test]
    fn mean_flow_ignores_order_and_non_finite() {
        assert_eq!(mean_flow(&[2.0, f64::NAN, 0.0, 1.0]), Some(1.0));
        assert_eq!(mean_flow(&[]), None);
    }

    #[test]
    fn n_t_is_cumulative_and_sorted() {
        let nt = n_t(&[5.0, f64::NAN, 1.0, 5.0, 3.0]);
        let counts: Vec<usize> = nt.iter().map(|p| p.count).collect();
        let times: Vec<f64> = nt.iter().map(|p| p.time).collect();
        assert_eq!(times, vec![1.0, 3.0, 5.0]);
        assert_eq!(counts, vec![1, 2, 4]);
    }

    #[test]
    fn windows_reject_bad_input() {
        assert!(flow_in_windows(&[1.0], 0.0, 0.0, 10.0).is_empty());
        assert!(flow_in_windows(&[1.0], 1.0, 10.0, 10.0).is_empty());
        assert!(flow_in_windows(&[1.0], 1e-12, 0.0, 10.0).is_empty());
        // Exact multiple: exactly 10 windows of 1 s, the crossing at 10 s in the last one.
        let w = flow_in_windows(&[0.0, 9.5, 10.0, 11.0], 1.0, 0.0, 10.0);
        assert_eq!(w.len(), 10);
        assert_eq!(w[0], (0.0, 1.0));
        assert_eq!(w[9], (9.0, 2.0));
    }

    #[test]
    fn interval_flows_edge_cases() {
        assert!(interval_flows(&[], 16.0, 150, 1000).is_empty());
        assert!(interval_flows(&[1, 2], 16.0, 0, 1000).is_empty());
        // A probe with no new crossings yields nothing.
        let j = interval_flows(&[0, 1, 100], 10.0, 10, 120);
        assert_eq!(j.len(), 2);
        assert_eq!(j[0].crossings, 2);
        assert_eq!(j[1].crossings, 1);
        assert_eq!((j[1].start_frame, j[1].end_frame), (2, 101));
    }
}
