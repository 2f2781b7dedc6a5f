//! The walkable area: a validated, immutable polygon with holes.

use geo::{Area, BoundingRect, Contains, Validation};

use crate::{GeometryError, Segment, Vec2};

/// The area agents may walk on, in metres: one polygon whose interior rings are obstacles.
///
/// Checked on construction (as PedPy's `WalkableArea`): every coordinate finite, rings closed with
/// at least three distinct points, no self-intersection, every hole inside the outer ring and
/// holes not overlapping one another, positive area. It cannot change afterwards.
///
/// ```
/// use aman_geometry::{import, Vec2};
/// let area = import::walkable_area_from_wkt(
///     "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0), (4 1, 6 1, 6 3, 4 3, 4 1))", "example").unwrap();
/// assert_eq!(area.area(), 36.0);
/// assert!(area.contains(Vec2::new(1.0, 1.0)));
/// assert!(!area.contains(Vec2::new(5.0, 2.0))); // inside the obstacle
/// assert_eq!(area.segments().len(), 8);
/// ```
#[derive(Debug, Clone)]
pub struct WalkableArea {
    polygon: geo::Polygon<f64>,
    segments: Vec<Segment>,
    notes: Vec<String>,
}

impl WalkableArea {
    /// Validates `polygon` and wraps it. `source_name` (a file name, or a scenario key) is used in
    /// error messages.
    ///
    /// # Errors
    /// [`GeometryError::InvalidPolygon`] naming the first problem found and where.
    pub fn new(polygon: geo::Polygon<f64>, source_name: &str) -> Result<Self, GeometryError> {
        let invalid = |message: String| GeometryError::InvalidPolygon {
            source_name: source_name.to_string(),
            message,
        };
        for c in polygon
            .exterior()
            .coords()
            .chain(polygon.interiors().iter().flat_map(|r| r.coords()))
        {
            if !c.x.is_finite() || !c.y.is_finite() {
                return Err(invalid(format!(
                    "coordinate ({}, {}) is not a finite number",
                    c.x, c.y
                )));
            }
        }
        if polygon.exterior().0.len() < 4 {
            return Err(invalid(format!(
                "the outer ring has {} points; a polygon needs at least 3 distinct corners",
                polygon.exterior().0.len().saturating_sub(1)
            )));
        }
        if let Some(problem) = polygon.validation_errors().into_iter().next() {
            return Err(invalid(format!(
                "{problem} (fix the ring so it does not cross itself, keep every obstacle inside \
                 the outer boundary and obstacles apart)"
            )));
        }
        if polygon.unsigned_area() <= 0.0 {
            return Err(invalid("the polygon has zero area".to_string()));
        }
        let mut segments = Vec::new();
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for l in ring.lines() {
                let s = Segment::new(Vec2::new(l.start.x, l.start.y), Vec2::new(l.end.x, l.end.y));
                if s.length() > 0.0 {
                    segments.push(s);
                }
            }
        }
        Ok(Self {
            polygon,
            segments,
            notes: Vec::new(),
        })
    }

    /// The same area with `notes` on how it was built from its source.
    pub(crate) fn with_notes(mut self, notes: Vec<String>) -> Self {
        self.notes = notes;
        self
    }

    /// What the reader changed in the source's geometry to build this area, one sentence each:
    /// obstacles that overlapped or touched and were united, obstacles touching or crossing
    /// the outer boundary that were cut from the area (the boundary moves in), obstacles
    /// outside that were dropped — each with the obstacle, where, and the change of area in
    /// m². Empty when the source was used as drawn. `aman check`, `aman simulate` and
    /// `aman analyze` print them.
    ///
    /// ```
    /// use aman_geometry::import::walkable_area_from_wkt;
    /// // A 1 m × 2 m pillar drawn against the wall x = 0 of a 10 m square.
    /// let area = walkable_area_from_wkt(
    ///     "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (0 4, 1 4, 1 6, 0 6, 0 4))", "hall").unwrap();
    /// assert_eq!(area.area(), 98.0);
    /// assert_eq!(area.hole_count(), 0); // the boundary moved in around it
    /// assert!(area.notes()[0].contains("hole 1 (first corner (0, 4)) touches the outer boundary"));
    /// ```
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The validated polygon.
    pub fn polygon(&self) -> &geo::Polygon<f64> {
        &self.polygon
    }

    /// Area in m² (outer ring minus holes).
    pub fn area(&self) -> f64 {
        self.polygon.unsigned_area()
    }

    /// Whether `p` lies strictly inside the walkable area (not on a wall, not in an obstacle).
    pub fn contains(&self, p: Vec2) -> bool {
        self.polygon.contains(&geo::Coord { x: p.x, y: p.y })
    }

    /// Axis-aligned bounding box `(min, max)` in metres.
    pub fn bounds(&self) -> (Vec2, Vec2) {
        let r = self
            .polygon
            .bounding_rect()
            .expect("a validated polygon has a bounding box");
        (
            Vec2::new(r.min().x, r.min().y),
            Vec2::new(r.max().x, r.max().y),
        )
    }

    /// Every wall: the edges of the outer ring and of all holes, zero-length edges dropped.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Number of obstacles (holes).
    pub fn hole_count(&self) -> usize {
        self.polygon.interiors().len()
    }

    /// Distance in metres from `p` to the nearest wall.
    pub fn distance_to_wall(&self, p: Vec2) -> f64 {
        self.segments
            .iter()
            .map(|s| s.distance(p))
            .fold(f64::INFINITY, f64::min)
    }

    /// The polygon as WKT, as written into JuPedSim's SQLite `geometry` table.
    pub fn to_wkt(&self) -> String {
        polygon_to_wkt(&self.polygon)
    }
}

/// Writes a polygon with holes as WKT `POLYGON ((x y, …), (…))`, full precision.
pub fn polygon_to_wkt(polygon: &geo::Polygon<f64>) -> String {
    let ring = |r: &geo::LineString<f64>| {
        let pts: Vec<String> = r.coords().map(|c| format!("{} {}", c.x, c.y)).collect();
        format!("({})", pts.join(", "))
    };
    let rings: Vec<String> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .map(ring)
        .collect();
    format!("POLYGON ({})", rings.join(", "))
}

/// A named measurement line (PedPy's `MeasurementLine`): agents crossing it are counted for the
/// N–t diagram and the flow.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasurementLine {
    /// Name used in reports.
    pub name: String,
    /// The line, metres. Crossings are counted in both directions.
    pub segment: Segment,
}

impl MeasurementLine {
    /// Width of the line in metres, used to turn flow (1/s) into specific flow (1/(m·s)).
    pub fn width(&self) -> f64 {
        self.segment.length()
    }
}
