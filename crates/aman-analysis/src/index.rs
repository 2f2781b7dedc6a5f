//! [`TrajectoryIndex`]: the per-frame and per-person views every measure works on.
//!
//! Built once per trajectory in O(n) (the rows are already sorted by frame, then id), it lets
//! a measure walk the persons present in one frame as a contiguous row range, and follow one
//! person through time as a list of rows sorted by frame, without hashing or copying positions.

use std::ops::Range;

use aman_trajectory::TrajectoryData;

use crate::AnalysisError;

/// Frame and person views over a [`TrajectoryData`] (rows sorted by frame, then id).
///
/// - Frames: `frames()[k]` is the k-th distinct frame number (ascending); its rows are
///   `frame_rows(k)`, a contiguous range of rows sorted by id.
/// - Tracks: `ids()[t]` is the t-th distinct person id (ascending); `track(t)` lists that
///   person's rows sorted by frame; `track_of_row(row)` goes back.
///
/// Memory: 4 bytes per row twice plus 8 bytes per frame and per person.
#[derive(Debug, Clone)]
pub struct TrajectoryIndex<'a> {
    data: &'a TrajectoryData,
    frames: Vec<u64>,
    frame_starts: Vec<usize>,
    ids: Vec<u64>,
    track_starts: Vec<usize>,
    track_rows: Vec<u32>,
    row_track: Vec<u32>,
}

impl<'a> TrajectoryIndex<'a> {
    /// Indexes `data`.
    ///
    /// # Errors
    /// [`AnalysisError::InvalidTrajectory`] when `data` breaks its invariants (unsorted rows, a
    /// person twice in a frame, non-finite positions, columns of different lengths, a bad
    /// frame rate; see [`TrajectoryData::check`]) or has more than `u32::MAX` rows.
    pub fn new(data: &'a TrajectoryData) -> Result<Self, AnalysisError> {
        data.check()
            .map_err(|e| AnalysisError::InvalidTrajectory(e.to_string()))?;
        let n = data.len();
        if u32::try_from(n).is_err() {
            return Err(AnalysisError::InvalidTrajectory(format!(
                "{n} rows is more than the {} this analysis indexes",
                u32::MAX
            )));
        }
        let mut frames = Vec::new();
        let mut frame_starts = Vec::new();
        for (row, &f) in data.frame.iter().enumerate() {
            if frames.last() != Some(&f) {
                frames.push(f);
                frame_starts.push(row);
            }
        }
        frame_starts.push(n);

        // Track of each row. Ids are usually small and dense (0..persons): then a lookup table
        // indexed by id, O(1) per row; otherwise the sorted distinct ids and a binary search.
        let max_id = data.id.iter().copied().max().unwrap_or(0);
        let (ids, row_track): (Vec<u64>, Vec<u32>) = if max_id < 2 * n as u64 + 1024 {
            let mut track_of = vec![u32::MAX; max_id as usize + 1];
            for &id in &data.id {
                track_of[id as usize] = 0;
            }
            let mut ids = Vec::new();
            for (id, slot) in track_of.iter_mut().enumerate() {
                if *slot == 0 {
                    *slot = ids.len() as u32;
                    ids.push(id as u64);
                }
            }
            let row_track = data.id.iter().map(|&id| track_of[id as usize]).collect();
            (ids, row_track)
        } else {
            let mut ids: Vec<u64> = data.id.clone();
            ids.sort_unstable();
            ids.dedup();
            let row_track = data
                .id
                .iter()
                .map(|id| ids.binary_search(id).expect("id is in ids") as u32)
                .collect();
            (ids, row_track)
        };
        // Counting sort of rows by track; rows are visited in frame order, so each track's
        // rows come out sorted by frame.
        let mut counts = vec![0usize; ids.len() + 1];
        for &t in &row_track {
            counts[t as usize + 1] += 1;
        }
        for t in 0..ids.len() {
            counts[t + 1] += counts[t];
        }
        let track_starts = counts.clone();
        let mut next = counts;
        let mut track_rows = vec![0u32; n];
        for (row, &t) in row_track.iter().enumerate() {
            track_rows[next[t as usize]] = row as u32;
            next[t as usize] += 1;
        }
        Ok(TrajectoryIndex {
            data,
            frames,
            frame_starts,
            ids,
            track_starts,
            track_rows,
            row_track,
        })
    }

    /// The indexed data.
    pub fn data(&self) -> &'a TrajectoryData {
        self.data
    }

    /// Distinct frame numbers, ascending.
    pub fn frames(&self) -> &[u64] {
        &self.frames
    }

    /// Rows of the `k`-th distinct frame (sorted by id). Panics if `k >= frames().len()`.
    pub fn frame_rows(&self, k: usize) -> Range<usize> {
        self.frame_starts[k]..self.frame_starts[k + 1]
    }

    /// Position of `frame` in [`TrajectoryIndex::frames`], or `None` if no row has it.
    pub fn frame_index(&self, frame: u64) -> Option<usize> {
        self.frames.binary_search(&frame).ok()
    }

    /// Distinct person ids, ascending.
    pub fn ids(&self) -> &[u64] {
        &self.ids
    }

    /// Rows of the `t`-th person (see [`TrajectoryIndex::ids`]), sorted by frame. Panics if
    /// `t >= ids().len()`.
    pub fn track(&self, t: usize) -> &[u32] {
        &self.track_rows[self.track_starts[t]..self.track_starts[t + 1]]
    }

    /// Track (position in [`TrajectoryIndex::ids`]) of a row.
    pub fn track_of_row(&self, row: usize) -> usize {
        self.row_track[row] as usize
    }

    /// Position of `id` in [`TrajectoryIndex::ids`], or `None`.
    pub fn track_index(&self, id: u64) -> Option<usize> {
        self.ids.binary_search(&id).ok()
    }

    /// The row of track `t` at `frame`, or `None` when that person is not recorded then.
    /// O(1) for a track without gaps, O(log n) otherwise.
    pub fn row_at(&self, t: usize, frame: u64) -> Option<usize> {
        let rows = self.track(t);
        let first = self.data.frame[*rows.first()? as usize];
        let guess = frame.checked_sub(first)? as usize;
        if let Some(&r) = rows.get(guess)
            && self.data.frame[r as usize] == frame
        {
            return Some(r as usize);
        }
        rows.binary_search_by_key(&frame, |&r| self.data.frame[r as usize])
            .ok()
            .map(|k| rows[k] as usize)
    }
}

/// One value per frame: the result of a per-frame measure (classic or Voronoi density, mean
/// speed in an area, level of service over time, …).
///
/// `frames[k]` is a frame number and `values[k]` the measure in that frame, in the unit the
/// producing function documents; both vectors have the same length and `frames` ascends.
/// Frames where the measure is undefined hold `f64::NAN` unless the function says otherwise.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct FrameSeries {
    /// Frame numbers, ascending.
    pub frames: Vec<u64>,
    /// The measure in each frame.
    pub values: Vec<f64>,
}

impl FrameSeries {
    /// Mean of the finite values, or `None` if there are none.
    pub fn mean(&self) -> Option<f64> {
        let (sum, n) = self
            .values
            .iter()
            .filter(|v| v.is_finite())
            .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
        (n > 0).then(|| sum / n as f64)
    }

    /// Largest finite value, or `None` if there are none.
    pub fn max(&self) -> Option<f64> {
        self.values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .reduce(f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> TrajectoryData {
        let mut d = TrajectoryData::new(10.0);
        // person 7 at frames 0, 1, 3 (gap at 2); person 2 at frames 1, 2.
        for (id, frame) in [(7, 0), (2, 1), (7, 1), (2, 2), (7, 3)] {
            d.push(id, frame, frame as f64, id as f64);
        }
        d
    }

    #[test]
    fn frames_and_tracks() {
        let d = sample();
        let ix = TrajectoryIndex::new(&d).unwrap();
        assert_eq!(ix.frames(), &[0, 1, 2, 3]);
        assert_eq!(ix.frame_rows(1), 1..3);
        assert_eq!(ix.frame_index(3), Some(3));
        assert_eq!(ix.frame_index(4), None);
        assert_eq!(ix.ids(), &[2, 7]);
        assert_eq!(ix.track(0), &[1, 3]);
        assert_eq!(ix.track(1), &[0, 2, 4]);
        assert_eq!(ix.track_of_row(4), 1);
        assert_eq!(ix.row_at(1, 3), Some(4)); // after the gap
        assert_eq!(ix.row_at(1, 2), None);
        assert_eq!(ix.row_at(0, 0), None);
        assert_eq!(ix.row_at(0, 2), Some(3));
    }

    #[test]
    fn sparse_ids_index_like_dense_ones() {
        let dense = sample();
        let mut sparse = sample();
        for id in &mut sparse.id {
            *id = *id * 1_000_000_007 + 3;
        }
        let (a, b) = (
            TrajectoryIndex::new(&dense).unwrap(),
            TrajectoryIndex::new(&sparse).unwrap(),
        );
        assert_eq!(b.ids(), &[2_000_000_017, 7_000_000_052]);
        for t in 0..2 {
            assert_eq!(a.track(t), b.track(t));
        }
        assert_eq!(
            (0..5).map(|r| a.track_of_row(r)).collect::<Vec<_>>(),
            (0..5).map(|r| b.track_of_row(r)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn rejects_broken_data() {
        let mut d = sample();
        d.id[2] = 2; // person 2 twice in frame 1
        let e = TrajectoryIndex::new(&d).unwrap_err();
        assert!(
            e.to_string().contains("person 2 appears twice in frame 1"),
            "{e}"
        );
    }
}
