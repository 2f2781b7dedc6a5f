//! # aman-geometry
//!
//! The walkable area of a venue and everything placed on it: obstacles (holes), measurement
//! lines and areas, target polygons. All coordinates are in metres.
//!
//! - [`Vec2`] and [`Segment`]: the small value types the simulator's hot loop works with.
//! - [`WalkableArea`]: a validated, immutable polygon with holes (PedPy's `WalkableArea`).
//! - [`MeasurementArea`]: a simple polygon in which density and speed are measured.
//! - [`WallIndex`]: the boundary segments binned into a uniform grid, so each agent tests only
//!   the walls near it (JuPedSim's `CollisionGeometry`).
//! - [`import`]: readers for WKT, GeoJSON, JuPedSim/JPSreport geometry XML, Vadere scenarios and
//!   crowd:it floors. Obstacles that overlap or touch are united, obstacles touching or crossing the
//!   outer boundary are cut from the area, obstacles outside are dropped; each such repair is
//!   described in [`WalkableArea::notes`].
#![forbid(unsafe_code)]

mod error;
pub mod import;
mod measurement_area;
pub mod opening;
mod vec2;
mod walkable;
mod wall_index;

pub use error::GeometryError;
pub use measurement_area::MeasurementArea;
pub use vec2::{Segment, Vec2};
pub use walkable::{MeasurementLine, WalkableArea, polygon_to_wkt};
pub use wall_index::WallIndex;

/// Re-export of the `geo` polygon types used at this crate's boundary.
pub use geo::{Coord, LineString, MultiPolygon, Polygon};
