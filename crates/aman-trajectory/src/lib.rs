//! # aman-trajectory
//!
//! Trajectory data (positions per frame with an explicit frame rate) and its file formats.
//!
//! - [`TrajectoryData`]: rows of (frame, person id, x, y) as struct-of-arrays, sorted by frame
//!   then id; positions in metres, `frame_rate` in frames per second.
//! - [`read_trajectory`]: reads any supported format, named or detected ([`detect_format`]),
//!   into a [`LoadedTrajectory`] (data, walkable area WKT if the file has one, notes):
//!   - [`read_txt`]: PeTrack / Jülich / JPSreport text (`id frame x y [z …]`, `#` header);
//!   - [`read_data_archive_hdf5`]: the Jülich pedestrian data-archive HDF5;
//!   - [`read_jupedsim_sqlite`]: JuPedSim SQLite versions 1 to 3, with their walkable area;
//!   - [`read_vadere_traj`]: Vadere foot-step output, resampled to a frame rate;
//!   - [`read_crowdit_csv`], [`read_pathfinder_csv`], [`read_viswalk_pp`]: simulator exports
//!     with times instead of frames.
//! - [`JupedsimSqliteWriter`]: writes JuPedSim's SQLite trajectory format, version 2, which
//!   PedPy and JuPedSim's visualiser read unchanged; [`ThreadedWriter`] runs one on its own
//!   thread, fed with pooled [`FrameBuffer`]s over a bounded channel.
//!
//! Each reader follows the PedPy 1.5.1 loader of its format (named in its documentation) and
//! says where it differs. All failures are a [`TrajectoryError`] that names the file and, for a
//! bad row, its line or record, what was found and what was expected; no input makes a reader
//! panic.
#![forbid(unsafe_code)]

mod common;
mod csv;
mod data;
mod error;
mod hdf5;
mod jupedsim_sqlite;
mod read;
mod txt;
mod vadere;
mod writer_thread;

pub use csv::{read_crowdit_csv, read_pathfinder_csv, read_viswalk_pp};
pub use data::{DataError, ExtraColumn, ExtraValues, TrajectoryData};
pub use error::{RowLocation, TrajectoryError};
pub use hdf5::read_data_archive_hdf5;
pub use jupedsim_sqlite::{JUPEDSIM_SQLITE_VERSION, JupedsimSqliteWriter, read_jupedsim_sqlite};
pub use read::{
    FORMAT_NAMES, LengthUnit, LoadedTrajectory, ReadOptions, TrajectoryFormat, UnknownFormatName,
    UnknownUnitName, detect_format, read_trajectory,
};
pub use txt::read_txt;
pub use vadere::read_vadere_traj;
pub use writer_thread::{FrameBuffer, ThreadedWriter};

/// Largest extent, in the file's units, of a trajectory that is taken for metres without a
/// remark: a crowd recorded in centimetres spans hundreds of units (a 3 m × 14 m corridor is
/// 300 × 1400), one in metres rarely spans more than 100.
pub const CENTIMETRE_HINT_SPAN: f64 = 100.0;

/// A hint that the coordinates of `data` (read as metres) are more likely centimetres: when
/// the points spread over more than [`CENTIMETRE_HINT_SPAN`] along x or y, returns a sentence
/// such as "the points span 381 × 1425 units, which looks like centimetres: give the unit as
/// cm (`--unit cm`)"; otherwise (or for empty data) `None`.
pub fn centimetre_hint(data: &TrajectoryData) -> Option<String> {
    let span = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        hi - lo
    };
    if data.is_empty() {
        return None;
    }
    let (sx, sy) = (span(&data.x), span(&data.y));
    (sx.max(sy) > CENTIMETRE_HINT_SPAN).then(|| {
        format!(
            "the points span {sx:.0} × {sy:.0} units, which looks like centimetres: give the \
             unit as cm (`--unit cm`)"
        )
    })
}
