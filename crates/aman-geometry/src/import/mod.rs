//! Readers for walkable areas and polygons: WKT, GeoJSON, JuPedSim/JPSreport geometry XML, Vadere
//! scenarios and crowd:it floors.
//!
//! Every walkable-area reader validates through [`WalkableArea::new`], so what it returns is
//! usable as is. Several polygons in one input (a `MULTIPOLYGON`, a GeoJSON `FeatureCollection`,
//! the subrooms of a JuPedSim geometry) are united; the union must be one connected polygon.
//!
//! All readers take coordinates as metres in a local plane (JuPedSim and PedPy do the same);
//! nothing is reprojected.

use std::path::Path;

use geo::orient::{Direction, Orient};
use geo::{Area, BoundingRect, Coord, LineString, MultiPolygon, Polygon, Validation};

use crate::{GeometryError, WalkableArea};

mod crowdit;
mod geojson;
mod jps_xml;
mod obstacles;
mod rings;
mod vadere;
mod wkt;

pub use self::crowdit::{CROWDIT_DEFAULT_BUFFER, walkable_area_from_crowdit_floor};
pub use self::geojson::walkable_area_from_geojson;
pub use self::jps_xml::walkable_area_from_jps_xml;
pub use self::vadere::walkable_area_from_vadere_scenario;
pub use self::wkt::{line_from_wkt, polygon_from_wkt, walkable_area_from_wkt};

/// Largest coordinate magnitude accepted, metres. Real venues, even in projected coordinates
/// with a UTM zone prefix (3.3e7 m), stay far below; beyond it, areas lose their precision.
const MAX_COORDINATE: f64 = 1e9;

/// The file extensions [`walkable_area_from_file`] accepts, as listed in its error message.
const ACCEPTED_EXTENSIONS: &str = ".wkt or .txt (WKT), .geojson or .json (GeoJSON), .xml \
     (JuPedSim/JPSreport geometry), .scenario (Vadere), .floor (crowd:it)";

/// Reads a walkable area from a file, choosing the format by extension: `.wkt` / `.txt` (WKT),
/// `.geojson` / `.json` (GeoJSON), `.xml` (JuPedSim/JPSreport geometry), `.scenario` (Vadere,
/// [`walkable_area_from_vadere_scenario`] with margin 0), `.floor` (crowd:it,
/// [`walkable_area_from_crowdit_floor`] with PedPy's buffer of 1 mm). The extension is
/// matched case-insensitively; error messages name the file by `path` as given.
///
/// # Errors
/// [`GeometryError::Unsupported`] for any other extension (checked before the file is opened),
/// [`GeometryError::Io`] if the file cannot be read (missing, unreadable, not UTF-8), else as
/// the format's reader.
pub fn walkable_area_from_file(path: &Path) -> Result<WalkableArea, GeometryError> {
    let source_name = path.display().to_string();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    type Reader = fn(&str, &str) -> Result<WalkableArea, GeometryError>;
    let reader: Reader = match extension.as_deref() {
        Some("wkt" | "txt") => walkable_area_from_wkt,
        Some("geojson" | "json") => walkable_area_from_geojson,
        Some("xml") => walkable_area_from_jps_xml,
        Some("scenario") => |text, name| walkable_area_from_vadere_scenario(text, name, 0.0),
        Some("floor") => {
            |text, name| walkable_area_from_crowdit_floor(text, name, CROWDIT_DEFAULT_BUFFER)
        }
        other => {
            let found = match other {
                Some(e) => format!("the extension \".{e}\""),
                None => "no extension".to_string(),
            };
            return Err(GeometryError::Unsupported {
                source_name,
                message: format!(
                    "cannot tell the geometry format from {found}; use {ACCEPTED_EXTENSIONS}"
                ),
            });
        }
    };
    let text = std::fs::read_to_string(path).map_err(|source| GeometryError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    reader(&text, &source_name)
}

/// Builds a polygon from a list of corners in metres (a measurement area, a target zone),
/// closing the ring if the last corner differs from the first.
///
/// ```
/// use aman_geometry::import::polygon_from_points;
/// use geo::Area;
/// let square = polygon_from_points(&[[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]], "zone A")
///     .unwrap();
/// assert_eq!(square.unsigned_area(), 4.0);
/// assert!(polygon_from_points(&[[0.0, 0.0], [2.0, 2.0], [2.0, 0.0], [0.0, 2.0]], "bow-tie").is_err());
/// ```
///
/// # Errors
/// [`GeometryError::InvalidPolygon`] if a coordinate is not finite, there are fewer than three
/// distinct corners, the area is zero or the outline crosses itself (with the place where).
pub fn polygon_from_points(
    points: &[[f64; 2]],
    source_name: &str,
) -> Result<Polygon<f64>, GeometryError> {
    for (i, p) in points.iter().enumerate() {
        if !p[0].is_finite() || !p[1].is_finite() {
            return Err(invalid(
                source_name,
                format!(
                    "corner {} is ({}, {}), which is not a pair of finite numbers; every corner \
                     needs two finite coordinates in metres",
                    i + 1,
                    p[0],
                    p[1]
                ),
            ));
        }
    }
    let ring: Vec<Coord<f64>> = points.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
    // `Polygon::new` closes the ring if it is open.
    let polygon = Polygon::new(LineString::new(ring), Vec::new());
    check_polygon(&polygon, source_name, "")?;
    Ok(polygon)
}

/// An [`GeometryError::InvalidPolygon`] for `source_name`.
fn invalid(source_name: &str, message: String) -> GeometryError {
    GeometryError::InvalidPolygon {
        source_name: source_name.to_string(),
        message,
    }
}

/// An [`GeometryError::Unsupported`] for `source_name`.
fn unsupported(source_name: &str, message: String) -> GeometryError {
    GeometryError::Unsupported {
        source_name: source_name.to_string(),
        message,
    }
}

/// Formats a coordinate for messages: at most 6 decimals, trailing zeros dropped.
fn num(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Formats a point `(x, y)` for messages.
fn pt(c: Coord<f64>) -> String {
    if c.x.abs().max(c.y.abs()) >= 1e9 {
        return format!("({:e}, {:e})", c.x, c.y);
    }
    format!("({}, {})", num(c.x), num(c.y))
}

/// The name of ring `role` of a polygon, for messages.
fn ring_name(role: &geo::algorithm::validation::RingRole) -> String {
    match role {
        geo::algorithm::validation::RingRole::Exterior => "the outer ring".to_string(),
        geo::algorithm::validation::RingRole::Interior(i) => format!("hole {}", i + 1),
    }
}

/// The ring `role` of `polygon`, if it exists.
fn ring_of<'a>(
    polygon: &'a Polygon<f64>,
    role: &geo::algorithm::validation::RingRole,
) -> Option<&'a LineString<f64>> {
    match role {
        geo::algorithm::validation::RingRole::Exterior => Some(polygon.exterior()),
        geo::algorithm::validation::RingRole::Interior(i) => polygon.interiors().get(*i),
    }
}

/// Number of distinct points of a closed ring (its closing point not counted twice).
fn distinct_points(ring: &LineString<f64>) -> usize {
    let mut pts: Vec<(u64, u64)> = ring
        .coords()
        .map(|c| ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits()))
        .collect();
    pts.sort_unstable();
    pts.dedup();
    pts.len()
}

/// Where a ring crosses or touches itself: the first pair of non-neighbouring edges that meet.
fn self_intersection(ring: &LineString<f64>) -> Option<Coord<f64>> {
    use geo::line_intersection::{LineIntersection, line_intersection};
    let lines: Vec<geo::Line<f64>> = ring.lines().filter(|l| l.start != l.end).collect();
    let n = lines.len();
    for i in 0..n {
        for j in i + 1..n {
            let neighbours = j == i + 1 || (i == 0 && j == n - 1);
            match line_intersection(lines[i], lines[j]) {
                Some(LineIntersection::SinglePoint { intersection, .. }) if !neighbours => {
                    return Some(intersection);
                }
                // Neighbouring edges share a point; overlapping along a line is a spike.
                Some(LineIntersection::Collinear { intersection })
                    if !neighbours || intersection.start != intersection.end =>
                {
                    return Some(intersection.start);
                }
                _ => {}
            }
        }
    }
    None
}

/// Checks what [`WalkableArea::new`] checks (finite coordinates, at least three distinct corners,
/// geo's OGC validity, positive area), but with messages that say where the problem is.
/// `what` names the polygon inside the source ("the polygon", "polygon 2 of 3").
fn check_polygon(
    polygon: &Polygon<f64>,
    source_name: &str,
    what: &str,
) -> Result<(), GeometryError> {
    let subject = if what.is_empty() { "the polygon" } else { what };
    let what = if what.is_empty() {
        String::new()
    } else {
        format!("{what}: ")
    };
    let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
    for (r, ring) in rings.enumerate() {
        let name = if r == 0 {
            "the outer ring".to_string()
        } else {
            format!("hole {r}")
        };
        if let Some((i, c)) = ring
            .coords()
            .enumerate()
            .find(|(_, c)| !c.x.is_finite() || !c.y.is_finite())
        {
            return Err(invalid(
                source_name,
                format!(
                    "{what}point {} of {name} is ({}, {}), which is not a pair of finite \
                     numbers; coordinates must be finite numbers in metres",
                    i + 1,
                    c.x,
                    c.y
                ),
            ));
        }
        if let Some((i, c)) = ring
            .coords()
            .enumerate()
            .find(|(_, c)| c.x.abs() > MAX_COORDINATE || c.y.abs() > MAX_COORDINATE)
        {
            return Err(invalid(
                source_name,
                format!(
                    "{what}point {} of {name} is {}, beyond ±{MAX_COORDINATE:e} m; coordinates \
                     are metres in a local plane — check the unit",
                    i + 1,
                    pt(*c)
                ),
            ));
        }
        let distinct = distinct_points(ring);
        if distinct < 3 {
            return Err(invalid(
                source_name,
                format!(
                    "{what}{name} has {distinct} distinct point(s); a ring needs at least 3 \
                     distinct corners"
                ),
            ));
        }
    }
    if let Some(problem) = polygon.validation_errors().into_iter().next() {
        use geo::algorithm::validation::InvalidPolygon as P;
        let first_corner = |role| {
            ring_of(polygon, role)
                .and_then(|r| r.0.first().copied())
                .map(pt)
                .unwrap_or_default()
        };
        let message = match &problem {
            P::SelfIntersection(role) => {
                let at = ring_of(polygon, role)
                    .and_then(self_intersection)
                    .map(|c| format!(" at {}", pt(c)))
                    .unwrap_or_default();
                format!(
                    "{what}{} crosses or touches itself{at}; a ring must be a simple closed \
                     outline (for a bow-tie, reorder the corners so the edges do not cross)",
                    ring_name(role)
                )
            }
            P::InteriorRingNotContainedInExteriorRing(role) => format!(
                "{what}{} (first corner {}) is not inside the outer ring; every hole \
                 (obstacle) must lie within the outer boundary",
                ring_name(role),
                first_corner(role)
            ),
            P::IntersectingRingsOnALine(a, b) => format!(
                "{what}{} (first corner {}) and {} (first corner {}) share an edge; holes \
                 must not touch the outer ring or one another along a line — merge them or \
                 move them apart",
                ring_name(a),
                first_corner(a),
                ring_name(b),
                first_corner(b)
            ),
            P::IntersectingRingsOnAnArea(a, b) => format!(
                "{what}{} (first corner {}) and {} (first corner {}) overlap; holes must not \
                 overlap the outer ring or one another — merge overlapping obstacles into one",
                ring_name(a),
                first_corner(a),
                ring_name(b),
                first_corner(b)
            ),
            other => format!("{what}{other}"),
        };
        return Err(invalid(source_name, message));
    }
    if polygon.unsigned_area() <= 0.0 {
        return Err(invalid(
            source_name,
            format!("{subject} has zero area; its corners must not all lie on one line"),
        ));
    }
    Ok(())
}

/// Describes where the parts of a disconnected union lie, for the error message.
fn describe_parts(parts: &MultiPolygon<f64>) -> String {
    const SHOWN: usize = 5;
    let mut items: Vec<String> = parts
        .0
        .iter()
        .take(SHOWN)
        .map(|p| match p.bounding_rect() {
            Some(r) => format!(
                "x {}…{}, y {}…{} ({} m²)",
                num(r.min().x),
                num(r.max().x),
                num(r.min().y),
                num(r.max().y),
                num(p.unsigned_area())
            ),
            None => "an empty part".to_string(),
        })
        .collect();
    if parts.0.len() > SHOWN {
        items.push(format!("and {} more", parts.0.len() - SHOWN));
    }
    items.join("; ")
}

/// The error for a union that falls apart into `parts`.
fn separate_parts_error(source_name: &str, parts: &MultiPolygon<f64>) -> GeometryError {
    invalid(
        source_name,
        format!(
            "walkable area has {} separate parts; it must be one connected polygon (parts at {}). \
             Join the parts with a corridor, or model each as its own scenario",
            parts.0.len(),
            describe_parts(parts)
        ),
    )
}

/// Unites already valid polygons (exteriors counter-clockwise, holes clockwise, as geo's boolean
/// operations need) and returns the pieces.
fn union_all(polygons: &[Polygon<f64>]) -> MultiPolygon<f64> {
    let oriented: Vec<Polygon<f64>> = polygons
        .iter()
        .map(|p| p.orient(Direction::Default))
        .collect();
    let mut union = geo::algorithm::bool_ops::unary_union(oriented.iter());
    union.0.retain(|p| p.unsigned_area() > 0.0);
    union
}

/// Turns the polygons read from a source into one walkable area: a single valid polygon is used
/// as is (its coordinates kept exactly); several are validated one by one, then united, and the
/// union must be one connected piece. A polygon whose holes (obstacles) overlap, touch one
/// another or the outer ring, or lie outside it, becomes its outer ring minus its holes, with a
/// note for each (`obstacles::cut_obstacles`). `nothing_found` is the message when there is no
/// polygon at all.
fn walkable_from_polygons(
    polygons: Vec<Polygon<f64>>,
    source_name: &str,
    nothing_found: &str,
) -> Result<WalkableArea, GeometryError> {
    let n = polygons.len();
    if n == 0 {
        return Err(unsupported(source_name, nothing_found.to_string()));
    }
    let mut notes = Vec::new();
    let mut pieces = Vec::new();
    for (i, p) in polygons.into_iter().enumerate() {
        let what = if n == 1 {
            String::new()
        } else {
            format!("polygon {} of {n}", i + 1)
        };
        pieces.extend(obstacles::polygon_or_cut(p, source_name, &what, &mut notes)?.0);
    }
    let result = if n == 1 && notes.is_empty() {
        let polygon = pieces.remove(0);
        WalkableArea::new(polygon, source_name)
    } else if n == 1 {
        let mut rest = MultiPolygon::new(pieces);
        rest.0.retain(|p| p.unsigned_area() > 0.0);
        single_piece(rest, source_name)
    } else {
        single_piece(union_all(&pieces), source_name)
    };
    result
        .map(|a| a.with_notes(notes.clone()))
        .map_err(|e| obstacles::with_cut_notes(e, &notes))
}

/// The one polygon of a union, or the error naming its parts.
fn single_piece(
    mut union: MultiPolygon<f64>,
    source_name: &str,
) -> Result<WalkableArea, GeometryError> {
    match union.0.len() {
        0 => Err(invalid(
            source_name,
            "the polygons unite to nothing (zero area); a walkable area needs a positive area"
                .to_string(),
        )),
        1 => {
            let polygon = union.0.remove(0);
            check_polygon(&polygon, source_name, "the united polygon")?;
            WalkableArea::new(polygon, source_name)
        }
        _ => Err(separate_parts_error(source_name, &union)),
    }
}

/// 1-based line and column of byte `offset` in `text` (clamped to the text).
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(before.chars().count(), |nl| {
        before[nl + 1..].chars().count()
    }) + 1;
    (line, col)
}

/// `text` without a leading UTF-8 byte-order mark.
fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn polygon_from_points_closes_the_ring() {
        let p = polygon_from_points(&[[0.0, 0.0], [3.0, 0.0], [3.0, 2.0]], "zone").unwrap();
        assert_eq!(p.exterior().0.len(), 4);
        assert_eq!(p.unsigned_area(), 3.0);
        let closed =
            polygon_from_points(&[[0.0, 0.0], [3.0, 0.0], [3.0, 2.0], [0.0, 0.0]], "zone").unwrap();
        assert_eq!(closed.exterior().0.len(), 4);
    }

    #[test]
    fn polygon_from_points_rejects_bad_corners() {
        let err = polygon_from_points(&[[0.0, 0.0], [f64::NAN, 0.0], [1.0, 1.0]], "zone B")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("zone B: invalid polygon:"), "{err}");
        assert!(err.contains("corner 2") && err.contains("NaN"), "{err}");

        let err = polygon_from_points(&[[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]], "zone B")
            .unwrap_err()
            .to_string();
        assert!(err.contains("2 distinct point"), "{err}");

        let err = polygon_from_points(&[[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]], "zone B")
            .unwrap_err()
            .to_string();
        assert!(err.contains("zone B"), "{err}");

        let err = polygon_from_points(&[[0.0, 0.0], [2.0, 2.0], [2.0, 0.0], [0.0, 2.0]], "zone B")
            .unwrap_err()
            .to_string();
        assert!(err.contains("crosses or touches itself at (1, 1)"), "{err}");
    }

    #[test]
    fn unknown_extension_lists_the_accepted_ones() {
        let err = walkable_area_from_file(Path::new("venue.dwg")).unwrap_err();
        assert!(matches!(err, GeometryError::Unsupported { .. }));
        let msg = err.to_string();
        assert!(msg.starts_with("venue.dwg: "), "{msg}");
        assert!(msg.contains("\".dwg\"") && msg.contains(".wkt") && msg.contains(".geojson"));
        assert!(msg.contains(".xml"), "{msg}");
        let err = walkable_area_from_file(Path::new("Makefile")).unwrap_err();
        assert!(err.to_string().contains("no extension"), "{err}");
    }

    #[test]
    fn missing_file_is_an_io_error_naming_the_path() {
        let path = PathBuf::from("no/such/dir/venue.WKT");
        let err = walkable_area_from_file(&path).unwrap_err();
        match &err {
            GeometryError::Io { path: p, source } => {
                assert_eq!(p, &path);
                assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
            }
            other => panic!("expected Io, got {other:?}"),
        }
        assert!(err.to_string().contains("no/such/dir/venue.WKT"));
    }

    #[test]
    fn reads_each_format_from_a_file() {
        let dir = std::env::temp_dir().join(format!("aman-geometry-import-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let files = [
            ("a.wkt", "POLYGON ((0 0, 4 0, 4 3, 0 3, 0 0))".to_string()),
            (
                "b.GeoJSON",
                r#"{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,3],[0,3],[0,0]]]}"#.to_string(),
            ),
            (
                "c.xml",
                r#"<geometry version="0.8" unit="m"><rooms><room id="0"><subroom id="0">
                   <polygon caption="wall"><vertex px="0" py="0"/><vertex px="4" py="0"/>
                   <vertex px="4" py="3"/><vertex px="0" py="3"/><vertex px="0" py="0"/></polygon>
                   </subroom></room></rooms></geometry>"#
                    .to_string(),
            ),
        ];
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            let area = walkable_area_from_file(&path).unwrap();
            assert_eq!(area.area(), 12.0, "{name}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn number_formatting() {
        assert_eq!(num(0.53), "0.53");
        assert_eq!(num(-8.0), "-8");
        assert_eq!(num(-0.0000001), "0");
        assert_eq!(num(1.0 / 3.0), "0.333333");
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 0), (1, 1));
    }
}
