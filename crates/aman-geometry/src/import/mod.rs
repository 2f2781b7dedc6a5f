//! Readers for walkable areas and polygons: WKT, GeoJSON, JuPedSim/JPSreport geometry XML.
//!
//! Every reader validates through [`WalkableArea::new`], so what it returns is usable as is.

use std::path::Path;

use crate::{GeometryError, WalkableArea};

/// Reads a walkable area from a WKT string (`POLYGON`, `MULTIPOLYGON` of one piece, or a
/// `GEOMETRYCOLLECTION` holding polygons, as JuPedSim's example files have).
///
/// # Errors
/// [`GeometryError::Parse`] if the text is not WKT, [`GeometryError::Unsupported`] if it holds
/// no polygon, [`GeometryError::InvalidPolygon`] if the polygon is not a valid walkable area.
pub fn walkable_area_from_wkt(text: &str, source_name: &str) -> Result<WalkableArea, GeometryError> {
    let _ = (text, source_name);
    todo!("helper")
}

/// Reads a walkable area from a file, choosing the format by extension: `.wkt`, `.geojson` /
/// `.json`, `.xml` (JuPedSim/JPSreport geometry).
///
/// # Errors
/// [`GeometryError::Io`] if the file cannot be read, else as the format's reader.
pub fn walkable_area_from_file(path: &Path) -> Result<WalkableArea, GeometryError> {
    let _ = path;
    todo!("helper")
}
