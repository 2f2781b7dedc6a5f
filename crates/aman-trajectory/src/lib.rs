//! # aman-trajectory
//!
//! Trajectory data (positions per frame with an explicit frame rate) and its file formats.
#![forbid(unsafe_code)]
