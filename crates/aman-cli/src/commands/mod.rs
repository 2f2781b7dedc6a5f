//! One module per subcommand.

pub mod analyze;
pub mod bench;
pub mod check;
pub mod simulate;
pub mod verify;
