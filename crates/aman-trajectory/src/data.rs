//! Trajectory data in memory: one row per person and frame, stored as struct-of-arrays.

use std::ops::RangeInclusive;

/// Positions of persons over frames, with the frame rate that turns frames into time.
///
/// Struct-of-arrays: row `i` is person `id[i]` at frame `frame[i]`, standing at
/// (`x[i]`, `y[i]`). All vectors (including each [`ExtraColumn`]) have the same length. Rows
/// are sorted by frame, then by id, and a (frame, id) pair appears at most once: the readers
/// of this crate guarantee it, and code that fills the fields by hand calls
/// [`TrajectoryData::sort_rows`] and [`TrajectoryData::check`]. Time of a frame in seconds is
/// `frame / frame_rate`.
#[derive(Debug, Clone, PartialEq)]
pub struct TrajectoryData {
    /// Frames per second (1/s) of the recorded frames.
    pub frame_rate: f64,
    /// Person id of each row.
    pub id: Vec<u64>,
    /// Frame number of each row (frame 0 is time 0 s).
    pub frame: Vec<u64>,
    /// x coordinate of each row, in metres.
    pub x: Vec<f64>,
    /// y coordinate of each row, in metres.
    pub y: Vec<f64>,
    /// Further columns of the source file (z, markers, velocities, …), kept row-aligned.
    pub extra: Vec<ExtraColumn>,
}

/// A column of a trajectory file beyond id, frame, x and y, kept so nothing is silently
/// dropped (PeTrack's z and marker columns, a simulator's velocity, a target id, …).
#[derive(Debug, Clone, PartialEq)]
pub struct ExtraColumn {
    /// Column name as in the file's header (`z`, `marker`, `vx`, …) or the record member name
    /// (HDF5); for a file without header, the name the format's layout gives the column (`z`
    /// for the fifth column of PeTrack txt) or `column_N` (1-based position in the file).
    pub name: String,
    /// One value per row of the [`TrajectoryData`]. Lengths are converted to metres like x
    /// and y when the column is known to be a length (z); other values are as in the file.
    pub values: ExtraValues,
}

/// Values of an [`ExtraColumn`]: numbers when every value parses as one, text otherwise.
#[derive(Debug, Clone, PartialEq)]
pub enum ExtraValues {
    /// Numeric values.
    Number(Vec<f64>),
    /// Values that are not all numbers, as written in the file.
    Text(Vec<String>),
}

impl ExtraValues {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            ExtraValues::Number(v) => v.len(),
            ExtraValues::Text(v) => v.len(),
        }
    }

    /// True if there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn permute(&mut self, order: &[usize]) {
        match self {
            ExtraValues::Number(v) => *v = order.iter().map(|&i| v[i]).collect(),
            ExtraValues::Text(v) => *v = order.iter().map(|&i| std::mem::take(&mut v[i])).collect(),
        }
    }
}

/// Why a [`TrajectoryData`] breaks its invariants (see [`TrajectoryData::check`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    /// The frame rate is not a positive finite number.
    #[error("frame rate {0} frames per second is invalid: it must be finite and > 0")]
    FrameRate(f64),
    /// Columns of different lengths.
    #[error("column `{column}` has {len} values but there are {rows} rows")]
    ColumnLength {
        /// The column.
        column: String,
        /// Its length.
        len: usize,
        /// The number of rows (length of `frame`).
        rows: usize,
    },
    /// A coordinate is NaN or infinite.
    #[error("row {row} (id {id}, frame {frame}): position ({x}, {y}) is not finite")]
    NotFinite {
        /// 0-based row.
        row: usize,
        /// Person id.
        id: u64,
        /// Frame.
        frame: u64,
        /// x, m.
        x: f64,
        /// y, m.
        y: f64,
    },
    /// Rows not sorted by (frame, id).
    #[error(
        "row {row} (id {id}, frame {frame}) comes after a row with a later frame or id; rows must be sorted by frame, then id"
    )]
    NotSorted {
        /// 0-based row.
        row: usize,
        /// Person id.
        id: u64,
        /// Frame.
        frame: u64,
    },
    /// The same person appears twice in one frame.
    #[error("person {id} appears twice in frame {frame} (rows {first} and {second})")]
    Duplicate {
        /// Person id.
        id: u64,
        /// Frame.
        frame: u64,
        /// 0-based first row.
        first: usize,
        /// 0-based second row.
        second: usize,
    },
}

impl TrajectoryData {
    /// An empty trajectory with the given frame rate (frames per second).
    pub fn new(frame_rate: f64) -> Self {
        TrajectoryData {
            frame_rate,
            id: Vec::new(),
            frame: Vec::new(),
            x: Vec::new(),
            y: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Appends a row (person `id` at `frame`, position in metres). Only valid while there are
    /// no extra columns (debug-asserted); keeps order only if rows are pushed in (frame, id)
    /// order — otherwise call [`TrajectoryData::sort_rows`] afterwards.
    pub fn push(&mut self, id: u64, frame: u64, x: f64, y: f64) {
        debug_assert!(self.extra.is_empty(), "push with extra columns present");
        self.id.push(id);
        self.frame.push(frame);
        self.x.push(x);
        self.y.push(y);
    }

    /// Number of rows (person × frame).
    pub fn len(&self) -> usize {
        self.frame.len()
    }

    /// True if there are no rows.
    pub fn is_empty(&self) -> bool {
        self.frame.is_empty()
    }

    /// Time of a frame in seconds: `frame / frame_rate`.
    pub fn time(&self, frame: u64) -> f64 {
        frame as f64 / self.frame_rate
    }

    /// First to last frame number present, or `None` when empty.
    pub fn frames(&self) -> Option<RangeInclusive<u64>> {
        let min = self.frame.iter().copied().min()?;
        let max = self.frame.iter().copied().max()?;
        Some(min..=max)
    }

    /// The rows of frames `first..=last` (inclusive frame numbers), with their extra columns
    /// and the frame rate: a time window of the recording. Rows are sorted by frame, so this
    /// is one contiguous slice, found by binary search. Empty when no frame falls inside
    /// (also when `first > last`).
    pub fn frame_window(&self, first: u64, last: u64) -> TrajectoryData {
        let a = self.frame.partition_point(|&f| f < first);
        let b = self.frame.partition_point(|&f| f <= last).max(a);
        TrajectoryData {
            frame_rate: self.frame_rate,
            id: self.id[a..b].to_vec(),
            frame: self.frame[a..b].to_vec(),
            x: self.x[a..b].to_vec(),
            y: self.y[a..b].to_vec(),
            extra: self
                .extra
                .iter()
                .map(|c| ExtraColumn {
                    name: c.name.clone(),
                    values: match &c.values {
                        ExtraValues::Number(v) => ExtraValues::Number(v[a..b].to_vec()),
                        ExtraValues::Text(v) => ExtraValues::Text(v[a..b].to_vec()),
                    },
                })
                .collect(),
        }
    }

    /// Number of distinct person ids.
    pub fn id_count(&self) -> usize {
        let mut ids = self.id.clone();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }

    /// The extra column called `name`, if the source had one.
    pub fn extra_column(&self, name: &str) -> Option<&ExtraColumn> {
        self.extra.iter().find(|c| c.name == name)
    }

    /// Sorts all rows (and extra columns) by frame, then id. Stable, so duplicates keep
    /// their file order for [`TrajectoryData::check`] to report. O(n) when already sorted.
    pub fn sort_rows(&mut self) {
        let sorted = self
            .frame
            .windows(2)
            .zip(self.id.windows(2))
            .all(|(f, i)| (f[0], i[0]) <= (f[1], i[1]));
        if sorted {
            return;
        }
        let order = self.sorted_order();
        self.frame = order.iter().map(|&i| self.frame[i]).collect();
        self.id = order.iter().map(|&i| self.id[i]).collect();
        self.x = order.iter().map(|&i| self.x[i]).collect();
        self.y = order.iter().map(|&i| self.y[i]).collect();
        for column in &mut self.extra {
            column.values.permute(&order);
        }
    }

    /// The row indices in (frame, id) order, stable. Frames span a small range in practice, so
    /// rows are bucketed by frame (counting sort, O(n + frames)) and each frame's rows sorted by
    /// id only where they are not in order already (files that list person by person have them
    /// in order); a sparse frame range falls back to a comparison sort.
    fn sorted_order(&self) -> Vec<usize> {
        let n = self.len();
        let (Some(&min), Some(&max)) = (self.frame.iter().min(), self.frame.iter().max()) else {
            return Vec::new();
        };
        let range = max - min;
        if range > 4 * n as u64 + 1024 {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by_key(|&i| (self.frame[i], self.id[i]));
            return order;
        }
        let buckets = range as usize + 1;
        // start[b] = first slot of frame min + b.
        let mut start = vec![0usize; buckets + 1];
        for &f in &self.frame {
            start[(f - min) as usize + 1] += 1;
        }
        for b in 0..buckets {
            start[b + 1] += start[b];
        }
        let mut next = start.clone();
        let mut order = vec![0usize; n];
        for (i, &f) in self.frame.iter().enumerate() {
            let b = (f - min) as usize;
            order[next[b]] = i;
            next[b] += 1;
        }
        for b in 0..buckets {
            let slot = &mut order[start[b]..start[b + 1]];
            if !slot.windows(2).all(|w| self.id[w[0]] <= self.id[w[1]]) {
                slot.sort_by_key(|&i| self.id[i]);
            }
        }
        order
    }

    /// Checks the invariants: a positive finite frame rate, columns of equal length, finite
    /// positions, rows sorted by (frame, id), no person twice in a frame. The error names the
    /// first offending row.
    pub fn check(&self) -> Result<(), DataError> {
        if !(self.frame_rate.is_finite() && self.frame_rate > 0.0) {
            return Err(DataError::FrameRate(self.frame_rate));
        }
        let rows = self.frame.len();
        let lengths = [
            ("id", self.id.len()),
            ("x", self.x.len()),
            ("y", self.y.len()),
        ]
        .into_iter()
        .map(|(n, l)| (n.to_owned(), l))
        .chain(self.extra.iter().map(|c| (c.name.clone(), c.values.len())));
        for (column, len) in lengths {
            if len != rows {
                return Err(DataError::ColumnLength { column, len, rows });
            }
        }
        for row in 0..rows {
            let (id, frame, x, y) = (self.id[row], self.frame[row], self.x[row], self.y[row]);
            if !(x.is_finite() && y.is_finite()) {
                return Err(DataError::NotFinite {
                    row,
                    id,
                    frame,
                    x,
                    y,
                });
            }
            if row > 0 {
                let before = (self.frame[row - 1], self.id[row - 1]);
                if before == (frame, id) {
                    return Err(DataError::Duplicate {
                        id,
                        frame,
                        first: row - 1,
                        second: row,
                    });
                }
                if before > (frame, id) {
                    return Err(DataError::NotSorted { row, id, frame });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_has_no_frames() {
        let d = TrajectoryData::new(25.0);
        assert!(d.is_empty());
        assert_eq!(d.len(), 0);
        assert_eq!(d.frames(), None);
        assert_eq!(d.id_count(), 0);
        assert_eq!(d.check(), Ok(()));
    }

    fn sample() -> TrajectoryData {
        let mut d = TrajectoryData::new(10.0);
        for (id, frame) in [(1, 3), (2, 3), (1, 4), (2, 4), (3, 7)] {
            d.push(id, frame, id as f64, frame as f64);
        }
        d
    }

    #[test]
    fn counts() {
        let d = sample();
        assert_eq!(d.len(), 5);
        assert!(!d.is_empty());
        assert_eq!(d.frames(), Some(3..=7));
        assert_eq!(d.id_count(), 3);
        assert_eq!(d.time(7), 0.7);
        assert_eq!(d.check(), Ok(()));
    }

    #[test]
    fn sort_rows_carries_extra_columns() {
        let mut d = TrajectoryData::new(10.0);
        d.id = vec![2, 1, 1];
        d.frame = vec![5, 5, 4];
        d.x = vec![0.0, 1.0, 2.0];
        d.y = vec![0.0; 3];
        d.extra.push(ExtraColumn {
            name: "z".into(),
            values: ExtraValues::Number(vec![20.0, 10.0, 0.0]),
        });
        d.extra.push(ExtraColumn {
            name: "marker".into(),
            values: ExtraValues::Text(vec!["b".into(), "a".into(), "c".into()]),
        });
        d.sort_rows();
        assert_eq!(
            (d.frame.clone(), d.id.clone()),
            (vec![4, 5, 5], vec![1, 1, 2])
        );
        assert_eq!(d.x, vec![2.0, 1.0, 0.0]);
        assert_eq!(
            d.extra[0].values,
            ExtraValues::Number(vec![0.0, 10.0, 20.0])
        );
        assert_eq!(
            d.extra_column("marker").unwrap().values,
            ExtraValues::Text(vec!["c".into(), "a".into(), "b".into()])
        );
        assert_eq!(d.check(), Ok(()));
    }

    #[test]
    fn sort_rows_by_buckets_and_by_comparison_agree() {
        // Dense frames (bucketed) and one far-away frame (comparison sort), duplicates kept in
        // file order.
        for far in [9, 1_000_000_000] {
            let mut d = TrajectoryData::new(1.0);
            let rows = [(3, 5), (1, 5), (2, far), (1, 2), (3, 2), (1, 5), (2, 2)];
            for (k, &(id, frame)) in rows.iter().enumerate() {
                d.id.push(id);
                d.frame.push(frame);
                d.x.push(k as f64);
                d.y.push(0.0);
            }
            d.sort_rows();
            assert_eq!(d.frame, vec![2, 2, 2, 5, 5, 5, far]);
            assert_eq!(d.id, vec![1, 2, 3, 1, 1, 3, 2]);
            assert_eq!(d.x, vec![3.0, 6.0, 4.0, 1.0, 5.0, 0.0, 2.0]);
        }
    }

    #[test]
    fn check_names_the_offending_row() {
        let mut d = sample();
        d.id[3] = 1; // person 1 twice in frame 4
        assert_eq!(
            d.check(),
            Err(DataError::Duplicate {
                id: 1,
                frame: 4,
                first: 2,
                second: 3
            })
        );
        let mut d = sample();
        d.frame.swap(0, 4);
        assert!(matches!(
            d.check(),
            Err(DataError::NotSorted { row: 1, .. })
        ));
        let mut d = sample();
        d.y[2] = f64::NAN;
        assert!(matches!(
            d.check(),
            Err(DataError::NotFinite { row: 2, .. })
        ));
        let mut d = sample();
        d.x.pop();
        assert!(matches!(d.check(), Err(DataError::ColumnLength { .. })));
        let mut d = sample();
        d.frame_rate = 0.0;
        assert_eq!(d.check(), Err(DataError::FrameRate(0.0)));
    }
}
