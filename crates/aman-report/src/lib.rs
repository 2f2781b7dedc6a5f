//! Charts and self-contained HTML pages of aman, shared by the command-line tool and
//! the server.
//!
//! - [`charts`]: every chart of every report — x–y charts and heat maps — drawn by plotters
//!   into SVG (for the pages) and PNG (for slides), with the DejaVu Sans font shipped in
//!   `assets/` registered before any text is measured. There is no second chart module: a
//!   page that needs a chart builds an [`charts::XyChart`] or [`charts::HeatMap`].
//! - [`simulation`]: `report.html` of `aman simulate`, the report for a safety case.
//! - [`verify`]: `report.html` of `aman verify`.
//! - [`analysis`]: `report.html` of `aman analyze`, and `summary.json`'s types.
//! - [`runs`]: the figures of `aman simulate --runs N` over its seeds and their section;
//!   [`notice`]: the notice of a run that ended with persons inside.
//! - [`day`]: the day report of a venue monitored by `aman serve` (one printable page, in
//!   the caller's language).
//! - [`precision`]: the rounding of the geometric figures written to JSON and CSV.
//! - [`html`]: the style sheet and the small HTML helpers every page uses.
//! - [`check`]: what a page must never show (a figure that could not be drawn, an empty
//!   chart, a NaN or an infinity), for tests of every page.
//!
//! Pages are pure functions from plain data to a `String`: no file system, no clock.

pub mod analysis;
pub mod charts;
pub mod check;
pub mod day;
pub mod html;
mod map;
pub mod notice;
pub mod precision;
pub mod runs;
mod safety;
pub mod simulation;
pub mod verify;

pub use simulation::{ExtraSections, ReportInput, render_report, render_report_with};
