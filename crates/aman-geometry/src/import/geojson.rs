//! GeoJSON: a Polygon / MultiPolygon geometry, a Feature, or a FeatureCollection.

use ::geojson::{GeoJson, Geometry, GeometryValue, JsonValue, Position};
use geo::{Coord, LineString, Polygon};

use super::{pt, strip_bom, unsupported, walkable_from_polygons};
use crate::{GeometryError, WalkableArea};

const FORMAT: &str = "GeoJSON";

/// Reads a walkable area from GeoJSON: a `Polygon` or `MultiPolygon` geometry (also inside a
/// `GeometryCollection`), a `Feature` holding one, or a `FeatureCollection` whose polygon features
/// are united (features of other kinds, e.g. points marking exits, and features whose geometry
/// is `null` are skipped). Coordinates are taken as metres in a local plane, not as
/// longitude/latitude; a third value of a position (elevation) is ignored.
///
/// Nothing that would change the shape is skipped or repaired: a Feature without a `geometry`
/// member (a misspelt key), a position with more than three values or with another number of
/// values than the polygon's first position, a ring that does not end at its first position, or a
/// feature mixing polygons with other geometry are errors.
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
/// [`GeometryError::Parse`] if the text is not GeoJSON (with line and column; also text after
/// the object, duplicate members) or breaks one of the rules above,
/// [`GeometryError::Unsupported`] if it holds no polygon, or a bare geometry or feature of another
/// kind, [`GeometryError::InvalidPolygon`] if a polygon is invalid or the polygons do not unite
/// into one connected polygon.
pub fn walkable_area_from_geojson(
    text: &str,
    source_name: &str,
) -> Result<WalkableArea, GeometryError> {
    let parse_error = |message: String| GeometryError::Parse {
        source_name: source_name.to_string(),
        format: FORMAT,
        message,
    };
    let text = strip_bom(text);
    let parsed: GeoJson = text
        .parse()
        .map_err(|e: ::geojson::Error| parse_error(e.to_string()))?;
    // The typed parse cannot tell a missing `geometry` member from `null`, and keeps unknown
    // members aside; look at the plain JSON for what it would let pass.
    let json: JsonValue = text.parse().map_err(|e| parse_error(format!("{e}")))?;
    check_members(&json, "the GeoJSON object").map_err(parse_error)?;

    let mut polygons = Vec::new();
    let mut others = Vec::new();
    let nothing = match parsed {
        GeoJson::Geometry(g) => {
            collect(&g, "the geometry", &mut polygons, &mut others).map_err(parse_error)?;
            if let Some(found) = others.first() {
                return Err(not_a_polygon(source_name, found));
            }
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
            collect(g, "the Feature's geometry", &mut polygons, &mut others)
                .map_err(parse_error)?;
            if let Some(found) = others.first() {
                return Err(not_a_polygon(source_name, found));
            }
            "the Feature's geometry holds no polygon".to_string()
        }
        GeoJson::FeatureCollection(fc) => {
            let mut skipped: Vec<String> = Vec::new();
            for (i, f) in fc.features.iter().enumerate() {
                let what = format!("feature {}", i + 1);
                let Some(g) = f.geometry.as_ref() else {
                    skipped.push(format!("{what} has no geometry"));
                    continue;
                };
                let mut own = Vec::new();
                let mut own_others = Vec::new();
                collect(g, &what, &mut own, &mut own_others).map_err(parse_error)?;
                if own.is_empty() {
                    skipped.extend(own_others);
                } else if !own_others.is_empty() {
                    return Err(unsupported(
                        source_name,
                        format!(
                            "{what} holds polygons together with other geometry ({}); put \
                             the polygons and the other geometry in separate features",
                            own_others.join(", ")
                        ),
                    ));
                } else {
                    polygons.extend(own);
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

/// Checks what the typed parse lets pass although it would drop part of the input: a Feature
/// without a `geometry` member (RFC 7946 §3.2 requires it; `null` means "no geometry"), and a
/// GeometryCollection with `coordinates` (§7.1).
fn check_members(value: &JsonValue, what: &str) -> Result<(), String> {
    let Some(object) = value.as_object() else {
        return Ok(());
    };
    match object.get("type").and_then(JsonValue::as_str) {
        Some("FeatureCollection") => {
            let features = object.get("features").and_then(JsonValue::as_array);
            for (i, f) in features.into_iter().flatten().enumerate() {
                check_members(f, &format!("feature {}", i + 1))?;
            }
        }
        Some("Feature") => match object.get("geometry") {
            None => {
                let keys: Vec<&str> = object.keys().map(String::as_str).collect();
                return Err(format!(
                    "{what} has no \"geometry\" member (its members are {}); a Feature needs \
                     one — write \"geometry\": null for a feature without geometry. Is the key \
                     misspelt?",
                    keys.join(", ")
                ));
            }
            Some(g) => check_members(g, what)?,
        },
        Some("GeometryCollection") => {
            if object.contains_key("coordinates") {
                return Err(format!(
                    "{what} is a GeometryCollection with a \"coordinates\" member, which would \
                     be ignored; its parts belong in \"geometries\""
                ));
            }
            let members = object.get("geometries").and_then(JsonValue::as_array);
            for (i, g) in members.into_iter().flatten().enumerate() {
                check_members(g, &format!("{what}, member {}", i + 1))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Adds the polygons of `g` to `polygons` and a description of each member of another kind
/// ("feature 2 is a Point") to `others`. A malformed polygon is an error saying where.
fn collect(
    g: &Geometry,
    what: &str,
    polygons: &mut Vec<Polygon<f64>>,
    others: &mut Vec<String>,
) -> Result<(), String> {
    match &g.value {
        GeometryValue::Polygon { coordinates } => polygons.push(polygon(coordinates, what)?),
        GeometryValue::MultiPolygon { coordinates } => {
            for (i, p) in coordinates.iter().enumerate() {
                polygons.push(polygon(p, &format!("{what}, polygon {}", i + 1))?);
            }
        }
        GeometryValue::GeometryCollection { geometries } => {
            for (i, inner) in geometries.iter().enumerate() {
                collect(
                    inner,
                    &format!("{what}, member {}", i + 1),
                    polygons,
                    others,
                )?;
            }
        }
        other => others.push(format!("{what} is a {}", other.type_name())),
    }
    Ok(())
}

/// A geo polygon from GeoJSON rings (the first is the exterior). A third value of a position
/// (elevation) is ignored; every position of the polygon must have as many values as its first,
/// and every ring must end at its first position.
fn polygon(rings: &[Vec<Position>], what: &str) -> Result<Polygon<f64>, String> {
    let mut converted = Vec::with_capacity(rings.len());
    let mut values: Option<usize> = None;
    for (r, ring) in rings.iter().enumerate() {
        let mut coords = Vec::with_capacity(ring.len());
        for (i, p) in ring.iter().enumerate() {
            let place = format!("{what}: position {} of ring {}", i + 1, r + 1);
            let n = p.as_slice().len();
            match p.as_slice() {
                [x, y] | [x, y, _] => match values {
                    Some(first) if first != n => {
                        return Err(format!(
                            "{place} has {n} numbers but the polygon's first position has \
                             {first}; is a bracket or comma misplaced?"
                        ));
                    }
                    _ => {
                        values = Some(n);
                        coords.push(Coord { x: *x, y: *y });
                    }
                },
                [_, _, ..] => {
                    return Err(format!(
                        "{place} has {n} numbers; a position is [x, y] or [x, y, elevation] — is \
                         a bracket missing between two positions?"
                    ));
                }
                _ => {
                    return Err(format!("{place} has {n} number(s); a position is [x, y]"));
                }
            }
        }
        match (coords.first(), coords.last()) {
            (Some(&first), Some(&last)) if first != last => {
                return Err(format!(
                    "{what}: ring {} is not closed: it starts at {} and ends at {}; a GeoJSON \
                     ring ends with its first position (was a position lost?)",
                    r + 1,
                    pt(first),
                    pt(last)
                ));
            }
            _ => {}
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
    fn bow_tie_is_invalid_and_hole_outside_is_dropped() {
        let msg = err(r#"{"type": "Polygon", "coordinates": [[[0,0],[2,2],[2,0],[0,2],[0,0]]]}"#)
            .to_string();
        assert!(msg.contains("crosses or touches itself at (1, 1)"), "{msg}");
        let area = walkable_area_from_geojson(
            r#"{"type": "Polygon", "coordinates": [[[0,0],[4,0],[4,4],[0,4],[0,0]],
               [[5,5],[6,5],[6,6],[5,6],[5,5]]]}"#,
            "venue.geojson",
        )
        .unwrap();
        assert_eq!(area.area(), 16.0);
        assert_eq!(area.hole_count(), 0);
        assert!(
            area.notes()[0].starts_with("hole 1 (first corner (5, 5)) lies outside")
                && area.notes()[0].contains("dropped (area unchanged)"),
            "{:?}",
            area.notes()
        );
    }

    #[test]
    fn overlapping_obstacles_in_a_feature_collection_are_united() {
        // Two 2 m × 2 m pillars overlapping by 1 m × 2 m in a 10 m × 4 m hall: 40 − 6 = 34 m².
        let area = walkable_area_from_geojson(
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
               "geometry": {"type": "Polygon", "coordinates": [[[0,0],[10,0],[10,4],[0,4],[0,0]],
               [[2,1],[2,3],[4,3],[4,1],[2,1]], [[3,1],[3,3],[5,3],[5,1],[3,1]]]}}]}"#,
            "venue.geojson",
        )
        .unwrap();
        assert!((area.area() - 34.0).abs() < 1e-9, "{}", area.area());
        assert_eq!(area.hole_count(), 1);
        assert_eq!(area.notes().len(), 1, "{:?}", area.notes());
        assert!(area.notes()[0].contains("overlap: united into one obstacle of 6 m²"));
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

    /// The error for `text`, which must be a GeoJSON parse error containing `expected`.
    fn parse_err(text: &str, expected: &str) {
        let e = err(text);
        assert!(
            matches!(e, GeometryError::Parse { format: FORMAT, .. }),
            "{text}: {e:?}"
        );
        let msg = e.to_string();
        assert!(msg.contains(expected), "{text}: {msg}");
    }

    #[test]
    fn misspelt_geometry_key_is_an_error_not_a_skipped_feature() {
        // Before, the feature counted as having no geometry and was skipped: the venue lost a
        // part silently.
        let text = r#"{"type": "FeatureCollection", "features": [
          {"type": "Feature", "properties": {}, "geometry":
            {"type": "Polygon", "coordinates": [[[0,0],[4,0],[4,3],[0,3],[0,0]]]}},
          {"type": "Feature", "properties": {}, "geometri":
            {"type": "Polygon", "coordinates": [[[4,0],[8,0],[8,3],[4,3],[4,0]]]}}
        ]}"#;
        parse_err(
            text,
            "feature 2 has no \"geometry\" member (its members are geometri, properties, type)",
        );
        parse_err(
            r#"{"type": "Feature", "properties": {}}"#,
            "the GeoJSON object has no \"geometry\" member",
        );
        // `null` is a feature without geometry: skipped in a collection.
        let text = r#"{"type": "FeatureCollection", "features": [
          {"type": "Feature", "properties": {}, "geometry": null},
          {"type": "Feature", "properties": {}, "geometry":
            {"type": "Polygon", "coordinates": [[[0,0],[4,0],[4,3],[0,3],[0,0]]]}}
        ]}"#;
        assert_eq!(
            walkable_area_from_geojson(text, "venue.geojson")
                .unwrap()
                .area(),
            12.0
        );
    }

    #[test]
    fn extra_values_and_merged_positions_are_errors() {
        // "],[" lost between two positions: one position of four numbers, not a truncated one.
        parse_err(
            r#"{"type": "Polygon", "coordinates": [[[0,0],[4,0,4,3],[0,3],[0,0]]]}"#,
            "the geometry: position 2 of ring 1 has 4 numbers; a position is [x, y] or \
             [x, y, elevation]",
        );
        parse_err(
            r#"{"type": "Polygon", "coordinates": [[[0,0],[4,0],[4,3,1],[0,3],[0,0]]]}"#,
            "position 3 of ring 1 has 3 numbers but the polygon's first position has 2",
        );
        // An elevation on every position is fine (and ignored).
        let area = walkable_area_from_geojson(
            r#"{"type": "Polygon", "coordinates": [[[0,0,5],[4,0,5],[4,3,5],[0,3,5],[0,0,5]]]}"#,
            "venue.geojson",
        )
        .unwrap();
        assert_eq!(area.area(), 12.0);
    }

    #[test]
    fn unclosed_ring_is_an_error_not_closed_silently() {
        parse_err(
            r#"{"type": "Polygon", "coordinates": [[[0,0],[4,0],[4,3],[0,3]]]}"#,
            "the geometry: ring 1 is not closed: it starts at (0, 0) and ends at (0, 3)",
        );
        parse_err(
            r#"{"type": "MultiPolygon", "coordinates": [[[[0,0],[4,0],[4,3],[0,0]]],
               [[[4,0],[8,0],[8,3]]]]}"#,
            "the geometry, polygon 2: ring 1 is not closed",
        );
    }

    #[test]
    fn a_broken_polygon_feature_is_an_error_not_skipped() {
        let text = r#"{"type": "FeatureCollection", "features": [
          {"type": "Feature", "properties": {}, "geometry":
            {"type": "Polygon", "coordinates": [[[0,0],[4,0],[4,3],[0,3],[0,0]]]}},
          {"type": "Feature", "properties": {}, "geometry":
            {"type": "Polygon", "coordinates": [[[4,0],[8],[8,3],[4,3],[4,0]]]}}
        ]}"#;
        parse_err(text, "feature 2: position 2 of ring 1 has 1 number(s)");
        // A feature mixing a polygon with a point: the polygon is not dropped with the point.
        let text = r#"{"type": "FeatureCollection", "features": [
          {"type": "Feature", "properties": {}, "geometry":
            {"type": "Polygon", "coordinates": [[[0,0],[4,0],[4,3],[0,3],[0,0]]]}},
          {"type": "Feature", "properties": {}, "geometry": {"type": "GeometryCollection",
            "geometries": [
              {"type": "Polygon", "coordinates": [[[4,0],[8,0],[8,3],[4,3],[4,0]]]},
              {"type": "Point", "coordinates": [6, 1]}]}}
        ]}"#;
        let e = err(text);
        assert!(matches!(e, GeometryError::Unsupported { .. }), "{e:?}");
        assert!(
            e.to_string().contains(
                "feature 2 holds polygons together with other geometry (feature 2, member 2 is \
                 a Point)"
            ),
            "{e}"
        );
    }

    #[test]
    fn ignored_members_and_trailing_text_are_errors() {
        parse_err(
            r#"{"type": "GeometryCollection", "geometries": [],
                "coordinates": [[[0,0],[4,0],[4,3],[0,0]]]}"#,
            "the GeoJSON object is a GeometryCollection with a \"coordinates\" member",
        );
        parse_err(
            r#"{"type": "Polygon", "coordinates": [[[0,0],[4,0],[4,3],[0,0]]]} {"type": "Polygon"}"#,
            "trailing characters at line 1 column 65",
        );
        parse_err(
            r#"{"type": "Polygon", "coordinates": [[[0,0],[4,0],[4,3],[0,0]]],
                "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}"#,
            "duplicate field `coordinates`",
        );
    }
}
