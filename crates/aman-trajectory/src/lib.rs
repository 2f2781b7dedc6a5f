//! # aman-trajectory
//!
//! Trajectory data (positions per frame with an explicit frame rate) and its file formats.
//!
//! - [`TrajectoryData`]: rows of (frame, person id, x, y) as struct-of-arrays, sorted by frame
//!   then id; positions in metres, `frame_rate` in frames per second.
//! - [`JupedsimSqliteWriter`]: writes JuPedSim's SQLite trajectory format, version 2, which
//!   PedPy and JuPedSim's visualiser read unchanged.
//! - [`read_jupedsim_sqlite`]: reads JuPedSim SQLite files of versions 1 and 2, with their
//!   walkable area as WKT.
//!
//! All failures are a [`TrajectoryError`] that names the file and says what is wrong.
#![forbid(unsafe_code)]

mod data;
mod error;
mod jupedsim_sqlite;

pub use data::{DataError, ExtraColumn, ExtraValues, TrajectoryData};
pub use error::TrajectoryError;
pub use jupedsim_sqlite::{JUPEDSIM_SQLITE_VERSION, JupedsimSqliteWriter, read_jupedsim_sqlite};
