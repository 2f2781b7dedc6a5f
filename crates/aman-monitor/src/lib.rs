//! # aman-monitor
//!
//! The live core of `aman serve`, pure and I/O-free so it is tested like the simulator: the
//! [`venue`] (zones, lines, sensors, rules), [`reading`]s, the vendor [`adapter`]s (payload in,
//! readings out), the live state of every zone and line, and the rules with hysteresis that
//! decide alerts. Same readings in the same order ⇒ the same state and alerts.
#![forbid(unsafe_code)]

pub mod adapter;
pub mod hysteresis;
pub mod reading;
pub mod state;
pub mod time;
pub mod venue;
pub mod venue_file;
pub mod wire;

pub use reading::{Direction, Logged, Reading, ReadingError, Value};
pub use state::{Decision, DecisionKind, Monitor, VenueState};
pub use time::Timestamp;
pub use venue::Venue;
pub use venue_file::{VenueError, parse_venue, read_venue};
