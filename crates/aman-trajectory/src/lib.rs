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
