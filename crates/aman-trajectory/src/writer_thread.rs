//! A [`JupedsimSqliteWriter`] on its own thread, so that a simulation does not wait for SQLite.
//!
//! The caller fills a [`FrameBuffer`] (taken from a small pool), hands it over with
//! [`ThreadedWriter::send`], and goes on stepping; the writer thread writes the frame and returns
//! the buffer to the pool through a second channel. Frames travel over a bounded
//! [`sync_channel`], so when the disk is slower than the simulation the caller waits at `send`:
//! memory stays bounded and no frame is ever dropped.
//!
//! ```text
//!  caller ── FrameBuffer ──► sync_channel(queue_frames) ──► writer thread ── write_frame ──► SQLite
//!     ▲                                                           │
//!     └───────────────── empty FrameBuffer (pool) ◄───────────────┘
//! ```

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender, sync_channel};
use std::thread::{self, JoinHandle};

use crate::error::TrajectoryError;
use crate::jupedsim_sqlite::{JupedsimSqliteWriter, unequal_lengths};

/// The columns of one frame, filled by the caller and written by the writer thread.
///
/// All five columns always have the same length (rows are added with [`push`](Self::push)
/// only). Buffers come from [`ThreadedWriter::buffer`], empty but with the capacity of earlier
/// frames, so that filling one allocates nothing once the pool is warm.
///
/// ```
/// use aman_trajectory::FrameBuffer;
///
/// let mut frame = FrameBuffer::with_capacity(2);
/// frame.push(7, 1.5, 2.0, 1.0, 0.0); // id 7 at (1.5 m, 2 m), facing +x
/// frame.push(9, 3.0, 0.5, 0.0, -1.0);
/// assert_eq!(frame.len(), 2);
/// frame.clear();
/// assert!(frame.is_empty());
/// ```
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FrameBuffer {
    ids: Vec<u64>,
    x: Vec<f64>,
    y: Vec<f64>,
    ori_x: Vec<f64>,
    ori_y: Vec<f64>,
}

impl FrameBuffer {
    /// An empty buffer with room for `rows` rows.
    pub fn with_capacity(rows: usize) -> Self {
        FrameBuffer {
            ids: Vec::with_capacity(rows),
            x: Vec::with_capacity(rows),
            y: Vec::with_capacity(rows),
            ori_x: Vec::with_capacity(rows),
            ori_y: Vec::with_capacity(rows),
        }
    }

    /// Adds one person: id, position (x, y) in metres, unit orientation vector (ori_x, ori_y).
    /// Values are checked by the writer thread (see [`JupedsimSqliteWriter::write_frame`]).
    #[inline]
    pub fn push(&mut self, id: u64, x: f64, y: f64, ori_x: f64, ori_y: f64) {
        self.ids.push(id);
        self.x.push(x);
        self.y.push(y);
        self.ori_x.push(ori_x);
        self.ori_y.push(ori_y);
    }

    /// Rows in the buffer.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the buffer has no row.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Removes all rows, keeping the capacity.
    pub fn clear(&mut self) {
        self.ids.clear();
        self.x.clear();
        self.y.clear();
        self.ori_x.clear();
        self.ori_y.clear();
    }

    /// Makes room for at least `rows` rows in total.
    fn reserve_total(&mut self, rows: usize) {
        let extra = rows.saturating_sub(self.len());
        self.ids.reserve(extra);
        self.x.reserve(extra);
        self.y.reserve(extra);
        self.ori_x.reserve(extra);
        self.ori_y.reserve(extra);
    }
}

/// A frame on its way to the writer thread.
struct Job {
    frame: u64,
    buffer: FrameBuffer,
}

/// Writes JuPedSim SQLite trajectories (version 2, see [`JupedsimSqliteWriter`]) on a thread of
/// its own.
///
/// - [`spawn`](Self::spawn) moves a [`JupedsimSqliteWriter`] to a new thread; at most
///   `queue_frames` frames wait in the channel, and `queue_frames + 2` buffers circulate (one
///   being filled, the queued ones, one being written), so after the first frames the steady
///   state allocates nothing.
/// - [`buffer`](Self::buffer) gives an empty [`FrameBuffer`]; fill it and pass it to
///   [`send`](Self::send) with its frame number. `send` waits only while the queue is full.
///   [`write_frame`](Self::write_frame) does both from slices, like the unthreaded writer.
/// - [`finish`](Self::finish) waits for the queued frames, writes the bounding box, commits,
///   closes the file and joins the thread.
///
/// The file is written exactly as [`JupedsimSqliteWriter`] writes it (same rows, same
/// transactions: one commit about every 100 000 rows).
///
/// # Errors
///
/// Frames are checked and written on the writer thread, so an error there (a non-finite value, a
/// frame number that does not increase, an SQLite or I/O error such as a full disk or a removed
/// directory) is returned by the next call to [`send`](Self::send) or
/// [`write_frame`](Self::write_frame), or at the latest by [`finish`](Self::finish): it is the
/// error of [`JupedsimSqliteWriter::write_frame`] or [`JupedsimSqliteWriter::finish`], unchanged.
/// The first
/// error stops the writer thread; frames sent after the failing one are not written, and every
/// later call returns [`TrajectoryError::WriterThread`] saying that an earlier write failed. If
/// the writer thread panicked, the error is [`TrajectoryError::WriterThread`] too. No error of
/// the writer thread is lost or turned into a panic.
///
/// Dropped without `finish`, the writer still waits for its thread, which finishes the file and
/// discards any error; call `finish` to see errors.
///
/// ```
/// use aman_trajectory::{JupedsimSqliteWriter, ThreadedWriter, read_jupedsim_sqlite};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("trajectories.sqlite");
/// let area = "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))";
/// let mut writer = ThreadedWriter::spawn(JupedsimSqliteWriter::create(&path, 10.0, area)?, 4)?;
/// for frame in 0..3u64 {
///     let mut buffer = writer.buffer();
///     buffer.push(1, 1.0 + 0.1 * frame as f64, 1.0, 1.0, 0.0);
///     buffer.push(2, 2.0, 3.0, 1.0, 0.0);
///     writer.send(frame, buffer)?;
/// }
/// writer.finish()?;
///
/// let (data, _) = read_jupedsim_sqlite(&path)?;
/// assert_eq!(data.len(), 6);
/// assert_eq!(data.x[4], 1.2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ThreadedWriter {
    path: PathBuf,
    /// `None` once the thread was told to stop (finish, drop) or has stopped.
    jobs: Option<SyncSender<Job>>,
    /// Written buffers coming back from the writer thread.
    free: Receiver<FrameBuffer>,
    /// `None` once joined.
    thread: Option<JoinHandle<Result<(), TrajectoryError>>>,
    /// Buffers created so far (the pool size once warm).
    buffers_created: usize,
    /// Rows of the last frame sent: the capacity of new buffers.
    last_rows: usize,
}

impl ThreadedWriter {
    /// Moves `writer` to a new thread named `trajectory-writer`, with at most `queue_frames`
    /// frames (at least 1) waiting to be written.
    ///
    /// Fails with [`TrajectoryError::Io`] if the thread cannot be started.
    pub fn spawn(
        writer: JupedsimSqliteWriter,
        queue_frames: usize,
    ) -> Result<Self, TrajectoryError> {
        let path = writer.path().to_path_buf();
        let (jobs, jobs_rx) = sync_channel::<Job>(queue_frames.max(1));
        let (free_tx, free) = mpsc::channel::<FrameBuffer>();
        let thread = thread::Builder::new()
            .name("trajectory-writer".to_owned())
            .spawn(move || write_jobs(writer, jobs_rx, free_tx))
            .map_err(|source| TrajectoryError::Io {
                path: path.clone(),
                source,
            })?;
        Ok(ThreadedWriter {
            path,
            jobs: Some(jobs),
            free,
            thread: Some(thread),
            buffers_created: 0,
            last_rows: 0,
        })
    }

    /// An empty buffer for the next frame: one the writer thread has returned, or a new one (with
    /// room for as many rows as the last frame sent) while the pool is still filling up.
    pub fn buffer(&mut self) -> FrameBuffer {
        match self.free.try_recv() {
            Ok(mut buffer) => {
                buffer.clear();
                buffer.reserve_total(self.last_rows);
                buffer
            }
            Err(_) => {
                self.buffers_created += 1;
                FrameBuffer::with_capacity(self.last_rows)
            }
        }
    }

    /// Queues `buffer` as frame `frame`, waiting while `queue_frames` frames are already queued.
    ///
    /// `frame` must be greater than the previous frame sent (checked by the writer thread).
    /// Returns the error of the writer thread if it has stopped (see [Errors](Self#errors)).
    pub fn send(&mut self, frame: u64, buffer: FrameBuffer) -> Result<(), TrajectoryError> {
        let Some(jobs) = self.jobs.as_ref() else {
            return Err(self.stopped());
        };
        let rows = buffer.len();
        if jobs.send(Job { frame, buffer }).is_err() {
            // The writer thread dropped its receiver: it stopped on an error.
            self.jobs = None;
            return match self.join() {
                Err(e) => Err(e),
                Ok(()) => Err(self.stopped()),
            };
        }
        self.last_rows = rows;
        Ok(())
    }

    /// One frame from parallel slices of the same length (ids, positions in metres, unit
    /// orientation), copied into a pooled buffer and queued as by [`send`](Self::send).
    ///
    /// Slices of different lengths are an error here, at once, and nothing is queued.
    pub fn write_frame(
        &mut self,
        frame: u64,
        ids: &[u64],
        x: &[f64],
        y: &[f64],
        ori_x: &[f64],
        ori_y: &[f64],
    ) -> Result<(), TrajectoryError> {
        let n = ids.len();
        if let Some(reason) = unequal_lengths([n, x.len(), y.len(), ori_x.len(), ori_y.len()]) {
            return Err(TrajectoryError::InvalidFrame {
                path: self.path.clone(),
                frame,
                reason,
            });
        }
        let mut buffer = self.buffer();
        buffer.reserve_total(n);
        for i in 0..n {
            buffer.push(ids[i], x[i], y[i], ori_x[i], ori_y[i]);
        }
        self.send(frame, buffer)
    }

    /// Waits for the queued frames to be written, finishes the file (bounding box, commit,
    /// close) and joins the writer thread. Returns the first error of the writer thread, if any.
    pub fn finish(mut self) -> Result<(), TrajectoryError> {
        self.jobs = None;
        if self.thread.is_none() {
            // Joined by `send`, which returned the thread's error then.
            return Err(self.stopped());
        }
        self.join()
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Frame buffers created so far: at most `queue_frames + 2` while the caller fills one buffer
    /// at a time.
    pub fn buffers_created(&self) -> usize {
        self.buffers_created
    }

    /// Joins the writer thread (once) and returns its result.
    fn join(&mut self) -> Result<(), TrajectoryError> {
        let Some(thread) = self.thread.take() else {
            return Ok(());
        };
        match thread.join() {
            Ok(result) => result,
            Err(payload) => {
                let reason = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_owned());
                Err(TrajectoryError::WriterThread {
                    path: self.path.clone(),
                    reason: format!("it panicked: {reason}"),
                })
            }
        }
    }

    /// The error for a call after the writer thread stopped and its error was returned.
    fn stopped(&self) -> TrajectoryError {
        TrajectoryError::WriterThread {
            path: self.path.clone(),
            reason: "an earlier write to this file failed (that error was returned then); \
                     frames from that one on were not written"
                .to_owned(),
        }
    }
}

impl Drop for ThreadedWriter {
    fn drop(&mut self) {
        // Let the thread write what is queued and finish the file, so that the file is complete
        // when the writer is gone; errors cannot be reported here (callers use `finish`).
        self.jobs = None;
        let _ = self.join();
    }
}

/// The writer thread: writes frames until the sender is gone (then finishes the file) or until an
/// error (then drops the receiver at once, so that the caller's next `send` fails and collects
/// the error).
fn write_jobs(
    mut writer: JupedsimSqliteWriter,
    jobs: Receiver<Job>,
    free: mpsc::Sender<FrameBuffer>,
) -> Result<(), TrajectoryError> {
    while let Ok(Job { frame, buffer }) = jobs.recv() {
        let b = &buffer;
        if let Err(e) = writer.write_frame(frame, &b.ids, &b.x, &b.y, &b.ori_x, &b.ori_y) {
            drop(jobs);
            // The writer's own drop: after an SQLite error it rolls back to the last commit,
            // after an invalid frame it commits the frames before it.
            drop(writer);
            return Err(e);
        }
        // The caller may be gone already (dropped after an error of its own): nothing to return.
        let _ = free.send(buffer);
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jupedsim_sqlite::read_jupedsim_sqlite;

    const AREA: &str = "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0))";

    /// The rows of frame `f`: a varying count of persons, distinct values everywhere.
    fn frame_rows(f: u64) -> FrameBuffer {
        let n = 50 + (f * 7 % 30);
        let mut rows = FrameBuffer::default();
        for id in (1..=n).map(|i| i * 3 + f % 2) {
            let angle = id as f64 * 0.1 + f as f64;
            let (x, y) = (0.001 * id as f64 + 0.01 * f as f64, 4.0 - 0.002 * id as f64);
            rows.push(id, x, y, angle.cos(), angle.sin());
        }
        rows
    }

    #[test]
    fn frames_read_back_identical_to_the_unthreaded_writer() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.sqlite");
        let threaded = dir.path().join("threaded.sqlite");
        let mut w = JupedsimSqliteWriter::create(&plain, 10.0, AREA).unwrap();
        let mut t = ThreadedWriter::spawn(
            JupedsimSqliteWriter::create(&threaded, 10.0, AREA).unwrap(),
            3,
        )
        .unwrap();
        for f in 0..200u64 {
            let r = frame_rows(f);
            let frame = 2 * f + 1;
            w.write_frame(frame, &r.ids, &r.x, &r.y, &r.ori_x, &r.ori_y)
                .unwrap();
            if f % 2 == 0 {
                t.write_frame(frame, &r.ids, &r.x, &r.y, &r.ori_x, &r.ori_y)
                    .unwrap();
            } else {
                let mut b = t.buffer();
                assert!(b.is_empty());
                for i in 0..r.len() {
                    b.push(r.ids[i], r.x[i], r.y[i], r.ori_x[i], r.ori_y[i]);
                }
                t.send(frame, b).unwrap();
            }
        }
        // Steady state: the pool stopped growing at queue + 2 buffers.
        assert!(t.buffers_created() <= 5, "{}", t.buffers_created());
        w.finish().unwrap();
        t.finish().unwrap();

        let (a, wkt_a) = read_jupedsim_sqlite(&plain).unwrap();
        let (b, wkt_b) = read_jupedsim_sqlite(&threaded).unwrap();
        assert_eq!(
            a.len(),
            (0..200).map(|f| frame_rows(f).len()).sum::<usize>()
        );
        assert_eq!((a.frame, a.id, a.x, a.y), (b.frame, b.id, b.x, b.y));
        assert_eq!(a.frame_rate, b.frame_rate);
        assert_eq!(wkt_a, wkt_b);
        // Orientations and metadata too: the two files hold the same rows.
        let dump = |p: &Path| -> Vec<(i64, i64, f64, f64, f64, f64)> {
            let conn = rusqlite::Connection::open(p).unwrap();
            let mut s = conn
                .prepare("SELECT * FROM trajectory_data ORDER BY rowid")
                .unwrap();
            s.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
        };
        assert_eq!(dump(&plain), dump(&threaded));
        let meta = |p: &Path| -> Vec<(String, String)> {
            let conn = rusqlite::Connection::open(p).unwrap();
            let mut s = conn
                .prepare("SELECT key, value FROM metadata ORDER BY key")
                .unwrap();
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        assert_eq!(meta(&plain), meta(&threaded));
    }

    #[test]
    fn slices_of_different_lengths_fail_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        let mut t =
            ThreadedWriter::spawn(JupedsimSqliteWriter::create(&path, 10.0, AREA).unwrap(), 2)
                .unwrap();
        let err = t
            .write_frame(0, &[1, 2], &[1.0, 2.0], &[1.0], &[1.0, 1.0], &[0.0, 0.0])
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("slices have different lengths: ids 2, x 2, y 1"),
            "{err}"
        );
        t.write_frame(0, &[1], &[1.0], &[1.0], &[1.0], &[0.0])
            .unwrap();
        t.finish().unwrap();
        let (data, _) = read_jupedsim_sqlite(&path).unwrap();
        assert_eq!((data.frame, data.id), (vec![0], vec![1]));
    }

    /// An invalid frame stops the writer thread; its error comes back, unchanged, at a later
    /// `send` or at `finish`.
    #[test]
    fn an_invalid_frame_on_the_writer_thread_is_returned_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        let mut t =
            ThreadedWriter::spawn(JupedsimSqliteWriter::create(&path, 10.0, AREA).unwrap(), 2)
                .unwrap();
        t.write_frame(0, &[1], &[1.0], &[1.0], &[1.0], &[0.0])
            .unwrap();
        t.write_frame(1, &[1], &[f64::NAN], &[1.0], &[1.0], &[0.0])
            .unwrap();
        let mut first = None;
        for frame in 2..1000 {
            if let Err(e) = t.write_frame(frame, &[1], &[1.0], &[1.0], &[1.0], &[0.0]) {
                first = Some(e);
                break;
            }
        }
        let first = first.expect("a send after the failure fails (the thread dropped its queue)");
        assert!(
            matches!(first, TrajectoryError::InvalidFrame { frame: 1, .. }),
            "{first:?}"
        );
        assert!(first.to_string().contains("x of id 1 is NaN"), "{first}");
        let later = t
            .write_frame(5000, &[1], &[1.0], &[1.0], &[1.0], &[0.0])
            .unwrap_err();
        assert!(
            matches!(later, TrajectoryError::WriterThread { .. }),
            "{later:?}"
        );
        assert!(later.to_string().contains("an earlier write"), "{later}");
        let at_finish = t.finish().unwrap_err();
        assert!(
            at_finish.to_string().contains("an earlier write"),
            "{at_finish}"
        );

        // Same error when it only shows at finish.
        let mut t =
            ThreadedWriter::spawn(JupedsimSqliteWriter::create(&path, 10.0, AREA).unwrap(), 8)
                .unwrap();
        t.write_frame(3, &[1], &[1.0], &[1.0], &[1.0], &[0.0])
            .unwrap();
        t.write_frame(3, &[1], &[1.0], &[1.0], &[1.0], &[0.0])
            .unwrap();
        let err = t.finish().unwrap_err();
        assert!(
            err.to_string().contains("previous frame written was 3"),
            "{err}"
        );
    }

    /// A real I/O failure: the output directory is removed while frames are being written, so
    /// SQLite cannot create its rollback journal for the next transaction (this fails for root
    /// too, unlike a read-only file).
    #[test]
    fn an_io_error_on_the_writer_thread_is_returned_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let path = out.join("t.sqlite");
        let mut t =
            ThreadedWriter::spawn(JupedsimSqliteWriter::create(&path, 10.0, AREA).unwrap(), 2)
                .unwrap();
        // 60 000 rows a frame: the writer commits after every second frame.
        let n = 60_000u64;
        let ids: Vec<u64> = (0..n).collect();
        let xs = vec![1.0; n as usize];
        let ys = vec![2.0; n as usize];
        let ox = vec![1.0; n as usize];
        let oy = vec![0.0; n as usize];
        t.write_frame(0, &ids, &xs, &ys, &ox, &oy).unwrap();
        std::fs::remove_dir_all(&out).unwrap();
        let mut errors = Vec::new();
        for frame in 1..40 {
            if let Err(e) = t.write_frame(frame, &ids, &xs, &ys, &ox, &oy) {
                errors.push(e);
                break;
            }
        }
        if let Err(e) = t.finish() {
            errors.push(e);
        }
        let first = errors.first().expect("removing the directory is reported");
        assert!(
            matches!(
                first,
                TrajectoryError::Sqlite { .. } | TrajectoryError::Io { .. }
            ),
            "{first:?}"
        );
        assert!(first.to_string().contains("t.sqlite"), "{first}");
    }
}
