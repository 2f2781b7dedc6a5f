//! The live density heat map: where a venue has track sensors, the Gaussian density field of
//! the persons they see (`aman_analysis::profiles::GaussianField`, PedPy's Gaussian density
//! profile of one frame: each person spreads over a Gaussian of full width at half maximum
//! [`FWHM`]), on a grid over the walkable area's bounding box of at most [`MAX_SIDE`] cells a
//! side, pushed live at most once per [`PUSH_EVERY`] as
//!
//! ```json
//! {"type": "heat", "t": "…Z", "x0": -2.25, "y1": 6.25, "cell": 0.25, "cols": 26, "rows": 60,
//!  "fwhm": 1.0, "max": 3.41, "cells": [[index, density], …]}
//! ```
//!
//! `t` is the time of the newest frame in it; the grid's column 0 starts at `x0` and its row 0
//! (the top) at `y1` (m); `cells` lists the cells with at least [`MIN_DENSITY`] persons/m²,
//! row-major from the top left, densities in persons/m² to two decimals.

use std::time::{Duration, Instant};

use aman_analysis::profiles::GaussianField;
use aman_monitor::venue::Feed;
use aman_monitor::{Monitor, Timestamp, Venue};
use serde::Serialize;

/// Full width at half maximum of each person's Gaussian, m: about the space a person
/// occupies in a dense crowd and its neighbour distance (σ = 0.42 m).
pub const FWHM: f64 = 1.0;
/// Smallest cell side, m.
pub const MIN_CELL: f64 = 0.25;
/// Most cells along the longer side of the grid.
pub const MAX_SIDE: f64 = 160.0;
/// Cells below this density are left out of a message, persons/m².
pub const MIN_DENSITY: f64 = 0.05;
/// At most one heat message per this interval.
pub const PUSH_EVERY: Duration = Duration::from_secs(1);

/// One heat map, as pushed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeatMap {
    /// `"heat"`.
    pub r#type: &'static str,
    /// Time of the newest frame in it.
    pub t: Timestamp,
    /// Left edge of column 0, m.
    pub x0: f64,
    /// Top edge of row 0, m.
    pub y1: f64,
    /// Cell side, m.
    pub cell: f64,
    /// Columns.
    pub cols: usize,
    /// Rows.
    pub rows: usize,
    /// The kernel's full width at half maximum, m.
    pub fwhm: f64,
    /// Highest density, persons/m².
    pub max: f64,
    /// `(cell index, density in persons/m²)` of the cells at [`MIN_DENSITY`] or more.
    pub cells: Vec<(u32, f64)>,
}

/// The heat map of a venue with track sensors.
#[derive(Debug)]
pub struct Heat {
    field: GaussianField,
    values: Vec<f64>,
    last: Option<(Instant, Timestamp)>,
}

impl Heat {
    /// The heat map of `venue`, or `None` if it has no track sensor (nothing to map) or its
    /// bounds make no grid.
    pub fn new(venue: &Venue) -> Option<Heat> {
        let tracks = venue
            .sensors
            .iter()
            .any(|s| s.channels.iter().any(|c| matches!(c.feed, Feed::Tracks)));
        if !tracks {
            return None;
        }
        let (lo, hi) = venue.walkable.bounds();
        let side = (hi.x - lo.x).max(hi.y - lo.y);
        let cell = (side / MAX_SIDE).max(MIN_CELL);
        let field = GaussianField::new(lo, hi, cell, FWHM).ok()?;
        Some(Heat {
            field,
            values: Vec::new(),
            last: None,
        })
    }

    /// The map of `monitor`'s track positions now; `None` before any frame.
    pub fn map(&mut self, monitor: &Monitor) -> Option<HeatMap> {
        let (t, points) = monitor.track_positions();
        let t = t?;
        self.field.evaluate(points, &mut self.values);
        let grid = self.field.grid();
        let max = self.values.iter().copied().fold(0.0, f64::max);
        let cells = self
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| **v >= MIN_DENSITY)
            .map(|(i, v)| (i as u32, (v * 100.0).round() / 100.0))
            .collect();
        Some(HeatMap {
            r#type: "heat",
            t,
            x0: grid.x_edges()[0],
            y1: grid.y_edges()[0],
            cell: grid.grid_size(),
            cols: grid.cols(),
            rows: grid.rows(),
            fwhm: FWHM,
            max: (max * 100.0).round() / 100.0,
            cells,
        })
    }

    /// The map to push now, if one is due: a frame newer than the last pushed, and
    /// [`PUSH_EVERY`] since.
    pub fn due(&mut self, monitor: &Monitor, now: Instant) -> Option<HeatMap> {
        let (t, _) = monitor.track_positions();
        let t = t?;
        if let Some((at, pushed)) = self.last
            && (pushed >= t || now.duration_since(at) < PUSH_EVERY)
        {
            return None;
        }
        let map = self.map(monitor)?;
        self.last = Some((now, t));
        Some(map)
    }
}
