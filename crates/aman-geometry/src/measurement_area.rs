//! Measurement areas: the polygons in which density, speed and level of service are measured.

use geo::{Area, BoundingRect, Contains, Validation};

use crate::{GeometryError, Vec2};

/// A named measurement area (PedPy's `MeasurementArea`, JPSreport's `area_B`), in metres: a
/// simple polygon without holes and with positive area.
///
/// Classic density counts the persons inside it and divides by its area; Voronoi density
/// intersects each person's cell with it. Checked on construction: at least three distinct
/// corners, finite coordinates, no self-intersection, no holes, area > 0.
///
/// ```
/// use aman_geometry::{MeasurementArea, Vec2};
/// let a = MeasurementArea::from_points("bottleneck",
///     &[(2.4, 0.53), (2.4, -0.53), (-0.6, -0.53), (-0.6, 0.53)]).unwrap();
/// assert!((a.area() - 3.18).abs() < 1e-12);
/// assert!(a.contains(Vec2::new(0.0, 0.0)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MeasurementArea {
    /// Name used in reports and output files.
    pub name: String,
    polygon: geo::Polygon<f64>,
    area: f64,
}

impl MeasurementArea {
    /// Validates `polygon` and names it.
    ///
    /// # Errors
    /// [`GeometryError::InvalidPolygon`] (with `name` as the source) for holes, fewer than three
    /// corners, non-finite coordinates, self-intersection or zero area.
    pub fn new(name: &str, polygon: geo::Polygon<f64>) -> Result<Self, GeometryError> {
        let invalid = |message: String| GeometryError::InvalidPolygon {
            source_name: format!("measurement area {name:?}"),
            message,
        };
        if !polygon.interiors().is_empty() {
            return Err(invalid("a measurement area cannot have holes".to_owned()));
        }
        if let Some(c) = polygon
            .exterior()
            .coords()
            .find(|c| !(c.x.is_finite() && c.y.is_finite()))
        {
            return Err(invalid(format!(
                "coordinate ({}, {}) is not finite",
                c.x, c.y
            )));
        }
        if polygon.exterior().0.len() < 4 {
            return Err(invalid(
                "it needs at least 3 distinct corners, e.g. POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))"
                    .to_owned(),
            ));
        }
        if let Some(problem) = polygon.validation_errors().into_iter().next() {
            return Err(invalid(problem.to_string()));
        }
        let area = polygon.unsigned_area();
        if area <= 0.0 {
            return Err(invalid("the polygon has zero area".to_owned()));
        }
        Ok(MeasurementArea {
            name: name.to_owned(),
            polygon,
            area,
        })
    }

    /// A measurement area from its corners (the ring is closed for you).
    ///
    /// # Errors
    /// As [`MeasurementArea::new`].
    pub fn from_points(name: &str, corners: &[(f64, f64)]) -> Result<Self, GeometryError> {
        let ring: Vec<geo::Coord<f64>> = corners
            .iter()
            .map(|&(x, y)| geo::coord! { x: x, y: y })
            .collect();
        Self::new(name, geo::Polygon::new(geo::LineString::new(ring), vec![]))
    }

    /// The polygon (closed exterior ring, no holes).
    pub fn polygon(&self) -> &geo::Polygon<f64> {
        &self.polygon
    }

    /// Area in m².
    pub fn area(&self) -> f64 {
        self.area
    }

    /// True if `p` lies inside (points on the boundary are outside, as in PedPy's classic
    /// density, which uses shapely's `within`).
    pub fn contains(&self, p: Vec2) -> bool {
        self.polygon.contains(&geo::coord! { x: p.x, y: p.y })
    }

    /// Axis-aligned bounds (min corner, max corner), metres.
    pub fn bounds(&self) -> (Vec2, Vec2) {
        let r = self
            .polygon
            .bounding_rect()
            .expect("validated polygon has corners");
        (
            Vec2::new(r.min().x, r.min().y),
            Vec2::new(r.max().x, r.max().y),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_polygons() {
        assert!(MeasurementArea::from_points("a", &[(0.0, 0.0), (1.0, 0.0)]).is_err());
        let bowtie =
            MeasurementArea::from_points("a", &[(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)]);
        assert!(
            bowtie
                .unwrap_err()
                .to_string()
                .contains("measurement area \"a\"")
        );
        assert!(MeasurementArea::from_points("a", &[(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]).is_err());
        assert!(
            MeasurementArea::from_points("a", &[(0.0, 0.0), (f64::NAN, 0.0), (1.0, 1.0)]).is_err()
        );
    }

    #[test]
    fn boundary_points_are_outside() {
        let a =
            MeasurementArea::from_points("a", &[(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)])
                .unwrap();
        assert_eq!(a.area(), 4.0);
        assert!(a.contains(Vec2::new(1.0, 1.0)));
        assert!(!a.contains(Vec2::new(0.0, 1.0)));
        assert_eq!(a.bounds(), (Vec2::new(0.0, 0.0), Vec2::new(2.0, 2.0)));
    }
}
