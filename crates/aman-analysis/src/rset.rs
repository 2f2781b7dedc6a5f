//! The RSET map: for every cell of a grid, when it was last occupied (PedPy 1.5.1's
//! `compute_rset_map`).
//!
//! RSET (required safe egress time) maps follow Schröder, Arnold, Andresen, Seyfried, Mohr,
//! Klingsch, "A map representation of the ASET-RSET concept", Fire Safety Journal 115 (2020)
//! 103154, Sect. 5.5.1: the walkable area is divided into square cells and each cell gets the
//! last time a person was observed in it — the time the cell is needed for egress, to be
//! compared with a map of the available safe egress time (ASET) of a fire simulation.

use aman_geometry::{Vec2, WalkableArea};
use rayon::prelude::*;
use serde::Serialize;

use crate::profiles::ProfileGrid;
use crate::{AnalysisError, TrajectoryIndex};

/// How the times observed in a cell are combined (PedPy's `RsetMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub enum RsetMethod {
    /// The last time a person was observed in the cell: the RSET of the cell (default).
    #[default]
    Max,
    /// The first time a person was observed in the cell.
    Min,
    /// The mean of all observation times in the cell (one per row, i.e. per person and frame).
    Mean,
}

/// An RSET map from [`rset_map`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RsetMap {
    /// The grid: PedPy's histogram grid over the walkable area's bounding box (rows from y_min
    /// upwards, stored top row first; see [`crate::profiles`]).
    pub grid: ProfileGrid,
    /// How times were combined.
    pub method: RsetMethod,
    /// Time per cell, s (frame / frame rate), row by row from the top; NaN for a cell nobody
    /// was observed in.
    pub values: Vec<f64>,
}

impl RsetMap {
    /// The largest value, s, and its cell index; `None` if no cell was occupied.
    pub fn max(&self) -> Option<(f64, usize)> {
        self.values
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_nan())
            .fold(None, |best: Option<(f64, usize)>, (i, &v)| match best {
                Some((b, _)) if b >= v => best,
                _ => Some((v, i)),
            })
    }
}

/// The RSET map of `index`'s trajectory on a grid of side `grid_size` (m) over `walkable`'s
/// bounding box: PedPy 1.5.1's `compute_rset_map(traj_data, walkable_area, grid_size,
/// method)`, i.e. `scipy.stats.binned_statistic_2d(x, y, frame / frame_rate, statistic,
/// bins=[arange(x_min, x_max + g, g), arange(y_min, y_max + g, g)])`, transposed and flipped so
/// that row 0 is the top.
///
/// Each row (person, frame) falls in one cell by the histogram rule (half-open cells, the last
/// edge belongs to the last cell; scipy rounds before that last-edge test, aman compares
/// exactly); rows outside the grid are ignored. Unit: s. Empty data gives an all-NaN map.
///
/// # Errors
/// [`AnalysisError::InvalidCellSize`] for a grid size that is not positive and finite;
/// [`AnalysisError::GridTooLarge`] beyond `density::MAX_GRID_CELLS` cells.
///
/// ```
/// use aman_analysis::TrajectoryIndex;
/// use aman_analysis::rset::{rset_map, RsetMethod};
/// use aman_geometry::import::walkable_area_from_wkt;
/// use aman_trajectory::TrajectoryData;
/// let room = walkable_area_from_wkt("POLYGON ((0 0, 2 0, 2 1, 0 1, 0 0))", "room").unwrap();
/// let mut d = TrajectoryData::new(2.0);
/// d.push(1, 0, 0.5, 0.5);
/// d.push(1, 1, 1.5, 0.5);
/// d.push(2, 3, 0.6, 0.4);
/// let ix = TrajectoryIndex::new(&d).unwrap();
/// let map = rset_map(&ix, &room, 1.0, RsetMethod::Max).unwrap();
/// assert_eq!((map.grid.rows(), map.grid.cols()), (1, 2));
/// assert_eq!(map.values, vec![1.5, 0.5]); // left cell last occupied at frame 3 (1.5 s)
/// ```
pub fn rset_map(
    index: &TrajectoryIndex<'_>,
    walkable: &WalkableArea,
    grid_size: f64,
    method: RsetMethod,
) -> Result<RsetMap, AnalysisError> {
    let data = index.data();
    let (lo, hi) = walkable.bounds();
    let grid = ProfileGrid::histogram(lo, hi, grid_size)?;
    let n = grid.len();
    // Fixed chunks of frames (not one per thread), merged in order: deterministic. Rows come
    // frame by frame in ascending time, so within a chunk the last time seen in a cell is its
    // latest and the first its earliest.
    const CHUNK: usize = 32;
    let frames = index.frames();
    let partials: Vec<(Vec<f64>, Vec<u32>)> = (0..frames.len().div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut values = vec![f64::NAN; n];
            let mut count = vec![0u32; n];
            let first = c * CHUNK;
            let chunk = &frames[first..((c + 1) * CHUNK).min(frames.len())];
            for (k, &frame) in (first..).zip(chunk) {
                let t = frame as f64 / data.frame_rate;
                let rows = index.frame_rows(k);
                let cells = rows.filter_map(|r| grid.locate(Vec2::new(data.x[r], data.y[r])));
                match method {
                    RsetMethod::Max => cells.for_each(|i| {
                        values[i] = t;
                        count[i] += 1;
                    }),
                    RsetMethod::Min => cells.for_each(|i| {
                        if count[i] == 0 {
                            values[i] = t;
                        }
                        count[i] += 1;
                    }),
                    RsetMethod::Mean => cells.for_each(|i| {
                        values[i] = if count[i] == 0 { t } else { values[i] + t };
                        count[i] += 1;
                    }),
                }
            }
            (values, count)
        })
        .collect();
    let mut values = vec![f64::NAN; n];
    let mut count = vec![0u32; n];
    for (pv, pc) in partials {
        for i in 0..n {
            if pc[i] > 0 {
                merge(method, &mut values[i], &mut count[i], pv[i], pc[i]);
            }
        }
    }
    if method == RsetMethod::Mean {
        for (v, &c) in values.iter_mut().zip(&count) {
            if c > 0 {
                *v /= f64::from(c);
            }
        }
    }
    Ok(RsetMap {
        grid,
        method,
        values,
    })
}

/// Adds `count` observations summarised by `t` (a time, or a sum of times for the mean) to a
/// cell's running value.
fn merge(method: RsetMethod, value: &mut f64, n: &mut u32, t: f64, count: u32) {
    *value = if *n == 0 {
        t
    } else {
        match method {
            RsetMethod::Max => value.max(t),
            RsetMethod::Min => value.min(t),
            RsetMethod::Mean => *value + t,
        }
    };
    *n += count;
}
