//! GeoJSON: a Polygon / MultiPolygon geometry, a Feature, or a FeatureCollection.

use ::geojson::{GeoJson, Geometry, GeometryValue, Position};
use geo::{Coord, LineString, Polygon};

use super::{strip_bom, unsupported, walkable_from_polygons};
use crate::{GeometryError, WalkableArea};

const FORMAT: &str = "GeoJSON";

/// Reads a walkable area from GeoJSON: a `Polygon` or `MultiPolygon` geometry (also inside a
/// `GeometryCollection`), a `Feature` holding one, or a `FeatureCollection` whose polygon features
/// are united (features of other kinds, e.g. points marking exits, are skipped). Coordinates are
/// taken as metres in a local plane, not as longitude/latitude.
///
/// ```
/// use aman_geometry::import::walkable_area_from_geojson;
/// let area = walkable_area_from_geojson(
///     r#"{"type": "Feature", "properties": {"name": "hall"},
///         "geometry": {"type": "Polygon", "coordinates": [[[0,0],[10,0],[10,4],[0,4],[0,0]]]}}"#,
///     "hall.geojson").unwrap();
/// assert_eq!(area.area(), 40.0);
/// ```
///
/// # Errors
/// [`GeometryError::Parse`] if the text is not GeoJSON (with line and column),
/// [`GeometryError::Unsupported`] if it holds no polygon, or a bare geometry or feature of another
/// kind, [`GeometryError::InvalidPolygon`] if a polygon is invalid or the polygons do not unite
/// into one connected polygon.
pub fn walkable_area_from_geojson(
    text: &str,
    source_name: &str,
) -> Result<WalkableArea, GeometryError> {
    let parsed: GeoJson =
        strip_bom(text)
            .parse()
            .map_err(|e: ::geojson::Error| GeometryError::Parse {
                source_name: source_name.to_string(),
                format: FORMAT,
                message: e.to_string(),
            })?;
    let mut polygons = Vec::new();
    let nothing = match parsed {
        GeoJson::Geometry(g) => {
            collect(&g, "the geometry", &mut polygons)
                .map_err(|found| not_a_polygon(source_name, &found))?;
            "the GeoJSON geometry holds no polygon".to_string()
        }
        GeoJson::Feature(f) => {
            let Some(g) = f.geometry.as_ref() else {
                return Err(unsupported(
                    source_name,
                    "the Feature has no geometry; it needs a Polygon or MultiPolygon geometry"
                        .to_string(),
                ));
            };
            collect(g, "the Feature's geometry", &mut polygons)
                .map_err(|found| not_a_polygon(source_name, &found))?;
            "the Feature's geometry holds no polygon".to_string()
        }
        GeoJson::FeatureCollection(fc) => {
            let mut skipped: Vec<String> = Vec::new();
            for (i, f) in fc.features.iter().enumerate() {
                let what = format!("feature {}", i + 1);
                match f.geometry.as_ref() {
                    None => skipped.push(format!("{what} has no geometry")),
                    Some(g) => {
                        let mut own = Vec::new();
                        match collect(g, &what, &mut own) {
                            Ok(()) => polygons.extend(own),
                            Err(found) => skipped.push(found),
                        }
                    }
                }
            }
            if skipped.is_empty() {
                format!(
                    "the FeatureCollection has {} features and none holds a polygon",
                    fc.features.len()
                )
            } else {
                format!(
                    "the FeatureCollection holds no Polygon or MultiPolygon feature ({})",
                    skipped.join(", ")
                )
            }
        }
    };
    walkable_from_polygons(
        polygons,
        source_name,
        &format!("{nothing}; a walkable area needs a Polygon or MultiPolygon"),
    )
}

fn not_a_polygon(source_name: &str, found: &str) -> GeometryError {
    unsupported(
        source_name,
        format!(
            "{found}; a walkable area must be a Polygon or MultiPolygon (a Feature holding one, \
             or a FeatureCollection of them)"
        ),
    )
}

/// Adds the polygons of `g` to `out`; any other geometry kind, or a position with fewer than two
/// numbers, is an error saying which.
fn collect(g: &Geometry, what: &str, out: &mut Vec<Polygon<f64>>) -> Result<(), String> {
    match &g.value {
        GeometryValue::Polygon { coordinates } => out.push(polygon(coordinates, what)?),
        GeometryValue::MultiPolygon { coordinates } => {
            for (i, p) in coordinates.iter().enumerate() {
                out.push(polygon(p, &format!("{what}, polygon {}", i + 1))?);
            }
        }
        GeometryValue::GeometryCollection { geometries } => {
            for (i, inner) in geometries.iter().enumerate() {
                collect(inner, &format!("{what}, member {}", i + 1), out)?;
            }
        }
        other => return Err(format!("{what} is a {}", other.type_name())),
    }
    Ok(())
}

/// A geo polygon from GeoJSON rings (the first is the exterior). Extra values of a position
/// (elevation) are ignored.
fn polygon(rings: &[Vec<Position>], what: &str) -> Result<Polygon<f64>, String> {
    let mut converted = Vec::with_capacity(rings.len());
    for (r, ring) in rings.iter().enumerate() {
        let mut coords = Vec::with_capacity(ring.len());
        for (i, p) in ring.iter().enumerate() {
            match p.as_slice() {
                [x, y, ..] => coords.push(Coord { x: *x, y: *y }),
                short => {
                    return Err(format!(
                        "{what}: position {} of ring {} has {} number(s); a position is [x, y]",
                        i + 1,
                        r + 1,
                        short.len()
                    ));
                }
            }
        }
        converted.push(LineString::new(coords));
    }
    let mut rings = converted.into_iter();
    let exterior = rings.next().unwrap_or_else(|| LineString::new(Vec::new()));
    Ok(Polygon::new(exterior, rings.collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> GeometryError {
        walkable_area_from_geojson(text, "venue.geojson").unwrap_err()
    }

    const SQUARE_WITH_HOLE: &str = r#"{"type": "Polygon", "coordinates": [
        [[0,0],[10,0],[10,4],[0,4],[0,0]],
        [[4,1],[6,1],[6,3],[4,3],[4,1]]]}"#;

    #[test]
    fn polygon_geometry_with_hole() {
        let area = walkable_area_from_geojson(SQUARE_WITH_HOLE, "venue.geojson").unwrap();
        assert_eq!(area.area(), 36.0);
        assert_eq!(area.hole_count(), 1);
    }

    #[test]
    fn feature_collection_polygons_are_united_and_points_skipped() {
        let text = r#"{"type": "FeatureCollection", "features": [
          {"type": "Feature", "properties": {}, "geometry":
            {"type": "Polygon", "coordinates": [[[0,0],[4,0],[4,3],[0,3],[0,0]]]}},
          {"type": "Feature", "properties": {"role": "exit"}, "geometry":
            {"type": "Point", "coordinates": [8, 1]}},
          {"type": "Feature", "properties": {}, "geometry":
            {"type": "MultiPolygon", "coordinates": [[[[4,0],[8,0],[8,3],[4,3],[4,0]]]]}}
        ]}"#;
        let area = walkable_area_from_geojson(text, "venue.geojson").unwrap();
        assert!((area.area() - 24.0).abs() < 1e-9, "{}", area.area());
        let (lo, hi) = area.bounds();
        assert!((lo.x - 0.0).abs() < 1e-9 && (hi.x - 8.0).abs() < 1e-9);
    }

    #[test]
    fn two_disjoint_features_are_an_error() {
        let text = r#"{"type": "FeatureCollection", "features": [
          {"type": "Feature", "properties": {}, "geometry":
            {"type": "Polygon", "coordinates": [[[0,0],[4,0],[4,3],[0,3],[0,0]]]}},
          {"type": "Feature", "properties": {}, "geometry":
            {"type": "Polygon", "coordinates": [[[10,0],[14,0],[14,3],[10,3],[10,0]]]}}
        ]}"#;
        let msg = err(text).to_string();
        assert!(msg.contains("walkable area has 2 separate parts"), "{msg}");
        assert!(msg.contains("x 10…14, y 0…3 (12 m²)"), "{msg}");
    }

    #[test]
    fn garbage_is_a_parse_error_with_line_and_column() {
        let e = err("{\"type\": \"Polygon\",\n \"coordinates\": [[[0,0],[1,0]]] oops}");
        assert!(
            matches!(
                e,
                GeometryError::Parse {
                    format: "GeoJSON",
                    ..
                }
            ),
            "{e:?}"
        );
        let msg = e.to_string();
        assert!(
            msg.starts_with("venue.geojson: not valid GeoJSON:"),
            "{msg}"
        );
        assert!(msg.contains("line 2 column"), "{msg}");
        let msg = err("not json at all").to_string();
        assert!(msg.contains("line 1 column"), "{msg}");
    }

    #[test]
    fn linestring_is_unsupported() {
        let e = err(r#"{"type": "LineString", "coordinates": [[0,0],[4,0],[4,3]]}"#);
        assert!(matches!(e, GeometryError::Unsupported { .. }), "{e:?}");
        assert!(
            e.to_string().contains("the geometry is a LineString"),
            "{e}"
        );
        let e = err(
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
               "geometry": {"type": "LineString", "coordinates": [[0,0],[4,0]]}}]}"#,
        );
        assert!(e.to_string().contains("feature 1 is a LineString"), "{e}");
        let e = err(r#"{"type": "Feature", "properties": {}, "geometry": null}"#);
        assert!(e.to_string().contains("has no geometry"), "{e}");
    }

    #[test]
    fn bow_tie_and_hole_outside_are_invalid() {
        let msg = err(r#"{"type": "Polygon", "coordinates": [[[0,0],[2,2],[2,0],[0,2],[0,0]]]}"#)
            .to_string();
        assert!(msg.contains("crosses or touches itself at (1, 1)"), "{msg}");
        let msg = err(
            r#"{"type": "Polygon", "coordinates": [[[0,0],[4,0],[4,4],[0,4],[0,0]],
               [[5,5],[6,5],[6,6],[5,6],[5,5]]]}"#,
        )
        .to_string();
        assert!(
            msg.contains("hole 1 (first corner (5, 5)) is not inside"),
            "{msg}"
        );
    }

    #[test]
    fn short_position_is_named() {
        let msg =
            err(r#"{"type": "Polygon", "coordinates": [[[0,0],[1],[4,4],[0,0]]]}"#).to_string();
        assert!(
            msg.contains("position 2 of ring 1 has 1 number(s)"),
            "{msg}"
        );
    }

    #[test]
    fn non_finite_number_is_a_parse_error() {
        // JSON has no NaN; an overflowing literal is rejected by the parser.
        let e = err(r#"{"type": "Polygon", "coordinates": [[[0,0],[1e999,0],[4,4],[0,0]]]}"#);
        assert!(matches!(e, GeometryError::Parse { .. }), "{e:?}");
        let e = err(r#"{"type": "Polygon", "coordinates": [[[0,0],[NaN,0],[4,4],[0,0]]]}"#);
        assert!(matches!(e, GeometryError::Parse { .. }), "{e:?}");
    }
}
