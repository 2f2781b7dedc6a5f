//! Trajectory data in memory: one row per person and frame, stored as struct-of-arrays.

use std::ops::RangeInclusive;

/// Positions of persons over frames, with the frame rate that turns frames into time.
///
/// Struct-of-arrays: row `i` is person `id[i]` at frame `frame[i]`, standing at
/// (`x[i]`, `y[i]`). All four vectors have the same length. Rows are sorted by frame, then by
/// id (the readers of this crate guarantee it; code that fills the fields by hand should keep
/// it). Time of a frame in seconds is `frame / frame_rate`.
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
        }
    }

    /// Number of rows (person × frame).
    pub fn len(&self) -> usize {
        self.frame.len()
    }

    /// True if there are no rows.
    pub fn is_empty(&self) -> bool {
        self.frame.is_empty()
    }

    /// First to last frame number present, or `None` when empty.
    pub fn frames(&self) -> Option<RangeInclusive<u64>> {
        let min = self.frame.iter().copied().min()?;
        let max = self.frame.iter().copied().max()?;
        Some(min..=max)
    }

    /// Number of distinct person ids.
    pub fn id_count(&self) -> usize {
        let mut ids = self.id.clone();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
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
    }

    #[test]
    fn counts() {
        let d = TrajectoryData {
            frame_rate: 10.0,
            id: vec![1, 2, 1, 2, 3],
            frame: vec![3, 3, 4, 4, 7],
            x: vec![0.0; 5],
            y: vec![0.0; 5],
        };
        assert_eq!(d.len(), 5);
        assert!(!d.is_empty());
        assert_eq!(d.frames(), Some(3..=7));
        assert_eq!(d.id_count(), 3);
    }
}
