//! Classic density: the number of persons inside a measurement area divided by its area.
//!
//! ρ_classic(t) = N(t) / A(M), with N(t) the persons strictly inside the measurement area M at
//! frame t (JPSreport's classic method, Zhang et al. 2011, J. Stat. Mech. P06004, Eq. 1; PedPy
//! 1.5.1 `compute_classic_density`). The point test rejects by bounding box first and falls
//! back to a robust test (geo's `Contains`) only for points within 1e-9 m of an edge, so the
//! boundary is excluded exactly as shapely's `contains` excludes it.

use std::ops::Range;

use aman_geometry::{MeasurementArea, Vec2};
use rayon::prelude::*;

use crate::{AnalysisError, FrameSeries, TrajectoryIndex};

/// Fast "strictly inside" test for one measurement area: bounding-box reject, even–odd
/// crossing count, robust fallback near the boundary — the test [`classic_density`] counts
/// with (points on the boundary are outside, as shapely's `contains`). Shared with the live
/// monitor so a zone counts exactly as `aman analyze` does.
pub struct AreaTest<'a> {
    area: &'a MeasurementArea,
    lo: Vec2,
    hi: Vec2,
    /// Edges as (a.x, a.y, b.x, b.y, length).
    edges: Vec<[f64; 5]>,
    /// Distance to an edge under which the robust test decides, metres.
    eps: f64,
}

impl<'a> AreaTest<'a> {
    /// The test for `area` (allocates its edge list once).
    pub fn new(area: &'a MeasurementArea) -> Self {
        let (lo, hi) = area.bounds();
        let ring = &area.polygon().exterior().0;
        let edges: Vec<[f64; 5]> = ring
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0], w[1]);
                [a.x, a.y, b.x, b.y, (b.x - a.x).hypot(b.y - a.y)]
            })
            .collect();
        let scale = [lo.x, lo.y, hi.x, hi.y]
            .iter()
            .fold(1.0f64, |m, v| m.max(v.abs()));
        AreaTest {
            area,
            lo,
            hi,
            edges,
            eps: 1e-9 * scale,
        }
    }

    /// True if (x, y) is strictly inside the area (boundary excluded).
    #[inline]
    pub fn contains(&self, x: f64, y: f64) -> bool {
        if !(x > self.lo.x && x < self.hi.x && y > self.lo.y && y < self.hi.y) {
            return false;
        }
        let eps = self.eps;
        let mut inside = false;
        for &[ax, ay, bx, by, len] in &self.edges {
            let (ex, ey) = (bx - ax, by - ay);
            let cross = ex * (y - ay) - ey * (x - ax);
            if cross.abs() <= eps * len
                && x >= ax.min(bx) - eps
                && x <= ax.max(bx) + eps
                && y >= ay.min(by) - eps
                && y <= ay.max(by) + eps
            {
                return self.area.contains(Vec2::new(x, y));
            }
            if (ay > y) != (by > y) && x < ax + (y - ay) * ex / ey {
                inside = !inside;
            }
        }
        inside
    }
}

/// Longest frame range (last − first + 1 frames) a per-frame series covers: 10⁷ frames, 3.9
/// days at 30 fps. Per-frame measures list every frame of the range (as PedPy does), so a
/// trajectory whose frame numbers jump further is rejected rather than filling memory.
pub const MAX_FRAME_SPAN: u64 = 10_000_000;

/// First and last frame of the data, checked against [`MAX_FRAME_SPAN`].
pub(crate) fn frame_span(index: &TrajectoryIndex<'_>) -> Result<(u64, u64), AnalysisError> {
    let frames = index.frames();
    let (Some(&first), Some(&last)) = (frames.first(), frames.last()) else {
        return Err(AnalysisError::EmptyTrajectory);
    };
    if last - first >= MAX_FRAME_SPAN {
        return Err(AnalysisError::InvalidTrajectory(format!(
            "frames {first} to {last} span more than {MAX_FRAME_SPAN} frames, too many for a \
             per-frame series; renumber the frames from 0 or split the recording"
        )));
    }
    Ok((first, last))
}

/// `f(rows of frame k)` for every distinct frame k of the index, in parallel, in frame order.
pub(crate) fn map_frames<T: Send>(
    index: &TrajectoryIndex<'_>,
    f: impl Fn(Range<usize>) -> T + Sync + Send,
) -> Vec<T> {
    (0..index.frames().len())
        .into_par_iter()
        .with_min_len(64)
        .map(|k| f(index.frame_rows(k)))
        .collect()
}

/// Classic density in a measurement area, per frame, as PedPy 1.5.1's
/// `compute_classic_density(traj_data, measurement_area)`.
///
/// ρ(t) = N(t) / A(M): N(t) the persons strictly inside `area` at frame t (points on the
/// boundary are outside, shapely's `contains`), A(M) the area's area in m².
///
/// Shape: one value per frame from the first to the last frame of the data — frames without
/// rows included — in 1/m²; 0 where nobody is inside (also when nobody ever enters).
///
/// # Errors
/// [`AnalysisError::EmptyTrajectory`] if the trajectory has no rows;
/// [`AnalysisError::InvalidTrajectory`] if its frames span more than [`MAX_FRAME_SPAN`].
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::classic::classic_density;
/// use aman_geometry::MeasurementArea;
/// use aman_trajectory::TrajectoryData;
/// let mut d = TrajectoryData::new(10.0);
/// d.push(1, 0, 0.5, 0.5);
/// d.push(2, 0, 1.5, 0.5);
/// d.push(3, 0, 2.0, 0.5); // on the boundary: outside
/// d.push(1, 2, 9.0, 9.0);
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let area = MeasurementArea::from_points("a", &[(0.0, 0.0), (2.0, 0.0), (2.0, 1.0), (0.0, 1.0)]).unwrap();
/// let rho = classic_density(&ix, &area).unwrap();
/// assert_eq!(rho.frames, vec![0, 1, 2]);
/// assert_eq!(rho.values, vec![1.0, 0.0, 0.0]); // 2 persons in 2 m²
/// ```
pub fn classic_density(
    index: &TrajectoryIndex<'_>,
    area: &MeasurementArea,
) -> Result<FrameSeries, AnalysisError> {
    let (first, last) = frame_span(index)?;
    let frames = index.frames();
    let data = index.data();
    let test = AreaTest::new(area);
    let counts = map_frames(index, |rows| {
        rows.filter(|&r| test.contains(data.x[r], data.y[r]))
            .count()
    });
    let a = area.area();
    let mut values = vec![0.0; (last - first + 1) as usize];
    for (k, c) in counts.into_iter().enumerate() {
        values[(frames[k] - first) as usize] = c as f64 / a;
    }
    Ok(FrameSeries {
        frames: (first..=last).collect(),
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aman_trajectory::TrajectoryData;

    #[test]
    fn area_test_agrees_with_the_robust_test() {
        // A non-convex L and points on, near and away from its edges and corners.
        let area = MeasurementArea::from_points(
            "l",
            &[
                (0.0, 0.0),
                (3.0, 0.0),
                (3.0, 1.0),
                (1.0, 1.0),
                (1.0, 3.0),
                (0.0, 3.0),
            ],
        )
        .unwrap();
        let test = AreaTest::new(&area);
        let mut n = 0;
        for i in -5..=35 {
            for j in -5..=35 {
                for (x, y) in [
                    (i as f64 / 10.0, j as f64 / 10.0),
                    (i as f64 / 10.0 + 1e-12, j as f64 / 10.0 - 1e-12),
                    (i as f64 * 0.0937, j as f64 * 0.0937),
                ] {
                    assert_eq!(
                        test.contains(x, y),
                        area.contains(Vec2::new(x, y)),
                        "({x}, {y})"
                    );
                    n += 1;
                }
            }
        }
        assert!(n > 4000);
    }

    #[test]
    fn empty_trajectory_is_an_error() {
        let d = TrajectoryData::new(16.0);
        let ix = TrajectoryIndex::new(&d).unwrap();
        let area =
            MeasurementArea::from_points("a", &[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]).unwrap();
        assert_eq!(
            classic_density(&ix, &area),
            Err(AnalysisError::EmptyTrajectory)
        );
    }

    #[test]
    fn huge_frame_range_is_an_error() {
        let mut d = TrajectoryData::new(16.0);
        d.push(1, 0, 0.5, 0.5);
        d.push(1, u64::MAX, 0.5, 0.5);
        let ix = TrajectoryIndex::new(&d).unwrap();
        let area =
            MeasurementArea::from_points("a", &[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]).unwrap();
        let e = classic_density(&ix, &area).unwrap_err();
        assert!(e.to_string().contains("renumber the frames"), "{e}");
        assert!(crate::crossing::n_t(&ix, &crate::crossing::tests_line()).is_err());
        assert!(crate::speed::mean_speed(&ix, &[1.0, 1.0], &area).is_err());
    }
}
