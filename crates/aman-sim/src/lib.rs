//! aman-sim
