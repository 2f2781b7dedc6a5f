//! WKT: `POLYGON`, `MULTIPOLYGON`, `GEOMETRYCOLLECTION` of polygons.

use std::str::FromStr;

use geo::{Coord, Geometry, Polygon};

use super::{check_polygon, line_col, pt, strip_bom, unsupported, walkable_from_polygons};
use crate::{GeometryError, WalkableArea};

const FORMAT: &str = "WKT";

/// Reads a walkable area from a WKT string: a `POLYGON`, a `MULTIPOLYGON`, or a
/// `GEOMETRYCOLLECTION` of polygons (JuPedSim's example files are a single-line
/// `GEOMETRYCOLLECTION (POLYGON ((…), (hole…), …))`). Surrounding whitespace is ignored.
///
/// A single polygon is used exactly as written. Several polygons are validated one by one and
/// united; the union must be one connected polygon. Nothing is skipped or repaired: text after
/// the geometry, a point with more or fewer values than the others, or a ring that does not end
/// at its first point is an error. A Z or M value (`POLYGON Z ((0 0 1, …))`) is ignored.
///
/// ```
/// use aman_geometry::import::walkable_area_from_wkt;
/// let area = walkable_area_from_wkt(
///     "MULTIPOLYGON (((0 0, 4 0, 4 3, 0 3, 0 0)), ((4 0, 8 0, 8 3, 4 3, 4 0)))", "two halves")
///     .unwrap();
/// assert!((area.area() - 24.0).abs() < 1e-9);
/// ```
///
/// # Errors
/// [`GeometryError::Parse`] if the text is not WKT (with the line and column of the first
/// problem found) or a ring is not closed, [`GeometryError::Unsupported`] if it holds no polygon or another kind of
/// geometry, [`GeometryError::InvalidPolygon`] if a polygon is invalid or the polygons do not
/// unite into one connected polygon.
pub fn walkable_area_from_wkt(
    text: &str,
    source_name: &str,
) -> Result<WalkableArea, GeometryError> {
    let geometry = parse(text, source_name)?;
    let polygons = polygons_of(geometry, source_name)?;
    walkable_from_polygons(
        polygons,
        source_name,
        "the WKT holds no polygon (it is empty); a walkable area is a POLYGON, a MULTIPOLYGON or \
         a GEOMETRYCOLLECTION of polygons",
    )
}

/// Reads one polygon from WKT, for a measurement area or a target zone. A `MULTIPOLYGON` or
/// `GEOMETRYCOLLECTION` holding exactly one polygon is accepted as well.
///
/// The polygon is checked for finite coordinates, at least three distinct corners per ring,
/// non-zero area and OGC validity (no self-intersection, holes inside and apart), but not
/// against any walkable area.
///
/// ```
/// use aman_geometry::import::polygon_from_wkt;
/// use geo::Area;
/// let bottleneck = polygon_from_wkt(
///     "POLYGON ((2.4 0.53, 2.4 -0.53, -0.6 -0.53, -0.6 0.53, 2.4 0.53))", "measurement area")
///     .unwrap();
/// assert!((bottleneck.unsigned_area() - 3.18).abs() < 1e-12);
/// ```
///
/// # Errors
/// [`GeometryError::Parse`] if the text is not WKT or a ring is not closed,
/// [`GeometryError::Unsupported`] if it holds
/// no polygon, several, or another kind of geometry, [`GeometryError::InvalidPolygon`] if the
/// polygon is invalid.
pub fn polygon_from_wkt(text: &str, source_name: &str) -> Result<Polygon<f64>, GeometryError> {
    let geometry = parse(text, source_name)?;
    let mut polygons = polygons_of(geometry, source_name)?;
    if polygons.len() != 1 {
        return Err(unsupported(
            source_name,
            format!(
                "the WKT holds {} polygons; exactly one POLYGON is expected here",
                polygons.len()
            ),
        ));
    }
    let polygon = polygons.remove(0);
    check_polygon(&polygon, source_name, "")?;
    Ok(polygon)
}

/// Reads a measurement line from WKT: a `LINESTRING` with exactly two distinct points
/// (PedPy's `MeasurementLine`), in metres.
///
/// ```
/// use aman_geometry::import::line_from_wkt;
/// let s = line_from_wkt("LINESTRING (-2.25 0.5, 4 0.5)", "line").unwrap();
/// assert_eq!(s.length(), 6.25);
/// ```
///
/// # Errors
/// [`GeometryError::Parse`] if the text is not WKT, [`GeometryError::Unsupported`] for another
/// kind of geometry, more or fewer than two points, or two equal points.
pub fn line_from_wkt(text: &str, source_name: &str) -> Result<crate::Segment, GeometryError> {
    let unsupported_line = |message: String| GeometryError::Unsupported {
        source_name: source_name.to_string(),
        message,
    };
    let geometry = parse(text, source_name)?;
    let Geometry::LineString(line) = geometry else {
        return Err(unsupported_line(
            "expected a LINESTRING with two points, e.g. LINESTRING (-2.25 0.5, 4 0.5)".to_owned(),
        ));
    };
    let [a, b] = line.0.as_slice() else {
        return Err(unsupported_line(format!(
            "a measurement line has exactly two points; this LINESTRING has {}",
            line.0.len()
        )));
    };
    if a == b || !(a.x.is_finite() && a.y.is_finite() && b.x.is_finite() && b.y.is_finite()) {
        return Err(unsupported_line(format!(
            "the two points ({} {}) and ({} {}) must be finite and distinct",
            a.x, a.y, b.x, b.y
        )));
    }
    Ok(crate::Segment::new(
        crate::Vec2::new(a.x, a.y),
        crate::Vec2::new(b.x, b.y),
    ))
}

/// Parses WKT into a geo geometry, with a located message if that fails.
fn parse(text: &str, source_name: &str) -> Result<Geometry<f64>, GeometryError> {
    let parse_error = |message: String| GeometryError::Parse {
        source_name: source_name.to_string(),
        format: FORMAT,
        message,
    };
    let trimmed = strip_bom(text).trim();
    if trimmed.is_empty() {
        return Err(parse_error(
            "the text is empty; expected e.g. POLYGON ((0 0, 10 0, 10 5, 0 5, 0 0))".to_string(),
        ));
    }
    let lexical = lex_check(text);
    let wkt = match ::wkt::Wkt::<f64>::from_str(trimmed) {
        Ok(wkt) => wkt,
        Err(message) => {
            let located = lexical.map(|p| format!("; {p}")).unwrap_or_default();
            return Err(parse_error(format!("{message}{located}")));
        }
    };
    if let Some(problem) = lexical {
        return Err(parse_error(problem));
    }
    // geo closes an open ring silently; an open ring in the text may have lost its last points.
    check_rings_closed(&wkt, "").map_err(parse_error)?;
    Geometry::try_from(wkt).map_err(|e| parse_error(e.to_string()))
}

/// Checks that every ring of every polygon in `wkt` ends at its first point, as WKT requires.
/// `what` names `wkt` for the message (empty at the top).
fn check_rings_closed(wkt: &::wkt::Wkt<f64>, what: &str) -> Result<(), String> {
    use ::wkt::Wkt;
    let polygon = |p: &::wkt::types::Polygon<f64>, what: &str| -> Result<(), String> {
        for (r, ring) in p.rings().iter().enumerate() {
            let (Some(first), Some(last)) = (ring.coords().first(), ring.coords().last()) else {
                continue;
            };
            if (first.x, first.y) != (last.x, last.y) {
                let name = if r == 0 {
                    "the outer ring".to_string()
                } else {
                    format!("hole {r}")
                };
                return Err(format!(
                    "{name} of {what} is not closed: it starts at {} and ends at {}; a WKT ring \
                     ends with its first point (was a point lost?)",
                    pt(Coord {
                        x: first.x,
                        y: first.y
                    }),
                    pt(Coord {
                        x: last.x,
                        y: last.y
                    })
                ));
            }
        }
        Ok(())
    };
    let name = |top: &str| {
        if what.is_empty() {
            top.to_string()
        } else {
            what.to_string()
        }
    };
    match wkt {
        Wkt::Polygon(p) => polygon(p, &name("the POLYGON")),
        Wkt::MultiPolygon(mp) => {
            let whole = name("the MULTIPOLYGON");
            for (i, p) in mp.polygons().iter().enumerate() {
                polygon(p, &format!("polygon {} of {whole}", i + 1))?;
            }
            Ok(())
        }
        Wkt::GeometryCollection(gc) => {
            let whole = name("the GEOMETRYCOLLECTION");
            for (i, g) in gc.geometries().iter().enumerate() {
                check_rings_closed(g, &format!("item {} of {whole}", i + 1))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The polygons of a geometry; any other kind is an error naming it.
fn polygons_of(
    geometry: Geometry<f64>,
    source_name: &str,
) -> Result<Vec<Polygon<f64>>, GeometryError> {
    fn collect(
        geometry: Geometry<f64>,
        path: &str,
        out: &mut Vec<Polygon<f64>>,
    ) -> Result<(), String> {
        match geometry {
            Geometry::Polygon(p) => out.push(p),
            Geometry::MultiPolygon(mp) => out.extend(mp.0),
            Geometry::GeometryCollection(gc) => {
                for (i, g) in gc.0.into_iter().enumerate() {
                    collect(g, &format!("item {} of the GEOMETRYCOLLECTION", i + 1), out)?;
                }
            }
            other => {
                return Err(format!("{path} is a {}", kind_name(&other)));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    collect(geometry, "the geometry", &mut out).map_err(|found| {
        unsupported(
            source_name,
            format!(
                "{found}; an area must be a POLYGON, a MULTIPOLYGON or a GEOMETRYCOLLECTION of \
                 polygons (a closed ring of corners, e.g. POLYGON ((0 0, 10 0, 10 5, 0 5, 0 0)))"
            ),
        )
    })?;
    Ok(out)
}

/// The WKT keyword of a geometry kind.
fn kind_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "POINT",
        Geometry::Line(_) | Geometry::LineString(_) => "LINESTRING",
        Geometry::Polygon(_) => "POLYGON",
        Geometry::MultiPoint(_) => "MULTIPOINT",
        Geometry::MultiLineString(_) => "MULTILINESTRING",
        Geometry::MultiPolygon(_) => "MULTIPOLYGON",
        Geometry::GeometryCollection(_) => "GEOMETRYCOLLECTION",
        Geometry::Rect(_) => "RECT",
        Geometry::Triangle(_) => "TRIANGLE",
    }
}

/// Known WKT words (without a Z/M/ZM suffix written together with them).
const WORDS: &[&str] = &[
    "POINT",
    "LINESTRING",
    "LINEARRING",
    "POLYGON",
    "MULTIPOINT",
    "MULTILINESTRING",
    "MULTIPOLYGON",
    "GEOMETRYCOLLECTION",
    "TRIANGLE",
    "EMPTY",
    "Z",
    "M",
    "ZM",
];

fn known_word(word: &str) -> bool {
    let upper = word.to_ascii_uppercase();
    let base = upper
        .strip_suffix("ZM")
        .or_else(|| upper.strip_suffix('Z'))
        .or_else(|| upper.strip_suffix('M'))
        .filter(|b| !b.is_empty())
        .unwrap_or(&upper);
    WORDS.contains(&upper.as_str()) || WORDS.contains(&base)
}

/// Looks through WKT text for the first lexical or structural problem and says where it is
/// ("line 1, column 17: …"). The `wkt` parser reports no positions; this fills the gap. It checks
/// characters, words, numbers, parentheses, the number of values per coordinate, and text after
/// the end of the geometry.
fn lex_check(text: &str) -> Option<String> {
    let at = |offset: usize| {
        let (line, col) = line_col(text, offset);
        format!("line {line}, column {col}")
    };
    let mut depth = 0_usize;
    let mut opened: Vec<usize> = Vec::new();
    let mut finished = false; // the top-level geometry has ended
    let mut values_in_coord = 0_usize;
    let mut coord_start: Option<usize> = None;
    let mut first_coord_values: Option<usize> = None;
    let mut top_word_seen = false;
    let close_coord = |values: usize, start: Option<usize>, first: &mut Option<usize>| {
        let start = start?;
        if values == 1 || values > 4 {
            return Some(format!(
                "{}: a coordinate has {values} number(s); write each point as \"x y\" and \
                 separate points with commas",
                at(start)
            ));
        }
        match *first {
            None => *first = Some(values),
            Some(f) if f != values => {
                return Some(format!(
                    "{}: this point has {values} numbers but the first point has {f}; is a \
                     comma missing?",
                    at(start)
                ));
            }
            _ => {}
        }
        None
    };
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    let mut k = 0;
    while k < bytes.len() {
        let (offset, ch) = bytes[k];
        if ch.is_whitespace() || ch == '\u{feff}' {
            k += 1;
            continue;
        }
        if finished && ch == ')' {
            return Some(format!("{}: ')' without a matching '('", at(offset)));
        }
        if finished {
            return Some(format!(
                "{}: unexpected text after the end of the geometry; put one geometry in the \
                 file (use a GEOMETRYCOLLECTION or MULTIPOLYGON for several)",
                at(offset)
            ));
        }
        match ch {
            '(' => {
                depth += 1;
                opened.push(offset);
                k += 1;
            }
            ')' | ',' => {
                if let Some(p) = close_coord(values_in_coord, coord_start, &mut first_coord_values)
                {
                    return Some(p);
                }
                values_in_coord = 0;
                coord_start = None;
                if ch == ')' {
                    if depth == 0 {
                        return Some(format!("{}: ')' without a matching '('", at(offset)));
                    }
                    depth -= 1;
                    opened.pop();
                    if depth == 0 {
                        finished = true;
                    }
                }
                k += 1;
            }
            c if c.is_ascii_digit() || c == '.' || c == '-' || c == '+' => {
                while k < bytes.len()
                    && (bytes[k].1.is_ascii_digit()
                        || matches!(bytes[k].1, '.' | '-' | '+' | 'e' | 'E'))
                {
                    k += 1;
                }
                let end = bytes.get(k).map_or(text.len(), |b| b.0);
                let token = &text[offset..end];
                match token.parse::<f64>() {
                    Ok(v) if v.is_finite() => {}
                    Ok(_) => {
                        return Some(format!(
                            "{}: {token} is out of range; coordinates must be finite numbers \
                             in metres",
                            at(offset)
                        ));
                    }
                    Err(_) => {
                        return Some(format!("{}: \"{token}\" is not a number", at(offset)));
                    }
                }
                if depth == 0 {
                    return Some(format!(
                        "{}: a number outside parentheses; expected e.g. POLYGON ((0 0, 1 0, 1 1, 0 0))",
                        at(offset)
                    ));
                }
                if coord_start.is_none() {
                    coord_start = Some(offset);
                }
                values_in_coord += 1;
            }
            c if c.is_ascii_alphabetic() => {
                while k < bytes.len() && (bytes[k].1.is_ascii_alphanumeric() || bytes[k].1 == '_') {
                    k += 1;
                }
                let end = bytes.get(k).map_or(text.len(), |b| b.0);
                let word = &text[offset..end];
                if !known_word(word) {
                    let hint = match word.to_ascii_lowercase().as_str() {
                        "nan" | "inf" | "infinity" => {
                            "; coordinates must be finite numbers in metres"
                        }
                        _ => "; expected a WKT keyword such as POLYGON or GEOMETRYCOLLECTION",
                    };
                    return Some(format!("{}: unexpected word \"{word}\"{hint}", at(offset)));
                }
                if word.eq_ignore_ascii_case("EMPTY") && depth == 0 {
                    finished = true;
                }
                if depth == 0 && !word.eq_ignore_ascii_case("EMPTY") {
                    if top_word_seen
                        && !matches!(word.to_ascii_uppercase().as_str(), "Z" | "M" | "ZM")
                    {
                        return Some(format!(
                            "{}: unexpected word \"{word}\" before '('",
                            at(offset)
                        ));
                    }
                    top_word_seen = true;
                }
            }
            other => {
                return Some(format!(
                    "{}: unexpected character '{other}'; WKT uses letters, numbers, spaces, \
                     commas and parentheses",
                    at(offset)
                ));
            }
        }
    }
    if let Some(&open) = opened.last() {
        return Some(format!(
            "the '(' at {} is never closed; a ')' is missing at the end",
            at(open)
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Area;

    fn err(text: &str) -> GeometryError {
        walkable_area_from_wkt(text, "venue.wkt").unwrap_err()
    }

    #[test]
    fn polygon_with_hole_and_whitespace() {
        let area = walkable_area_from_wkt(
            "\n  POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0), (4 1, 6 1, 6 3, 4 3, 4 1))\r\n",
            "venue.wkt",
        )
        .unwrap();
        assert_eq!(area.area(), 36.0);
        assert_eq!(area.hole_count(), 1);
    }

    #[test]
    fn geometry_collection_as_jupedsim_writes_it() {
        let area = walkable_area_from_wkt(
            "GEOMETRYCOLLECTION (POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1), \
             (5 1, 7 1, 7 3, 5 3, 5 1)))",
            "venue.wkt",
        )
        .unwrap();
        assert_eq!(area.area(), 40.0 - 1.0 - 4.0);
        assert_eq!(area.hole_count(), 2);
        // A single polygon keeps its coordinates exactly.
        assert_eq!(
            area.polygon().exterior().0[1],
            geo::Coord { x: 10.0, y: 0.0 }
        );
    }

    #[test]
    fn overlapping_polygons_are_united() {
        let area = walkable_area_from_wkt(
            "GEOMETRYCOLLECTION (POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0)), \
             POLYGON ((2 2, 6 2, 6 6, 2 6, 2 2)))",
            "venue.wkt",
        )
        .unwrap();
        assert!((area.area() - 28.0).abs() < 1e-9, "{}", area.area());
        // Two L-shaped corridors around a square courtyard: the union has a hole.
        let area = walkable_area_from_wkt(
            "MULTIPOLYGON (((0 0, 6 0, 6 2, 2 2, 2 6, 0 6, 0 0)), \
             ((6 0, 8 0, 8 8, 0 8, 0 6, 6 6, 6 0)))",
            "venue.wkt",
        )
        .unwrap();
        assert_eq!(area.hole_count(), 1);
        assert!((area.area() - 48.0).abs() < 1e-9, "{}", area.area());
    }

    #[test]
    fn two_disjoint_polygons_are_an_error_naming_the_parts() {
        let e = err("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 7 5, 7 6, 5 6, 5 5)))");
        assert!(matches!(e, GeometryError::InvalidPolygon { .. }));
        let msg = e.to_string();
        assert!(
            msg.contains("walkable area has 2 separate parts; it must be one connected polygon"),
            "{msg}"
        );
        assert!(msg.contains("x 0…1, y 0…1 (1 m²)"), "{msg}");
        assert!(msg.contains("x 5…7, y 5…6 (2 m²)"), "{msg}");
    }

    #[test]
    fn garbage_is_a_parse_error_with_position() {
        let e = err("this is not a geometry");
        assert!(
            matches!(e, GeometryError::Parse { format: "WKT", .. }),
            "{e:?}"
        );
        let msg = e.to_string();
        assert!(msg.starts_with("venue.wkt: not valid WKT:"), "{msg}");
        assert!(
            msg.contains("line 1, column 1: unexpected word \"this\""),
            "{msg}"
        );

        let msg = err("POLYGON ((0 0, 4 0,\n 4 3; 0 3, 0 0))").to_string();
        assert!(
            msg.contains("line 2, column 5: unexpected character ';'"),
            "{msg}"
        );

        let msg = err("POLYGON ((0 0, 4 0, 4 3 0 3, 0 0))").to_string();
        assert!(msg.contains("column 21"), "{msg}");
        assert!(msg.contains("is a comma missing?"), "{msg}");

        let msg = err("POLYGON ((0 0, 4 0, 4 3, 0 3, 0 0)").to_string();
        assert!(
            msg.contains("the '(' at line 1, column 9 is never closed"),
            "{msg}"
        );

        let msg = err("POLYGON ((0 0, 4 0, 4 3, 0 3, 0 0)) POLYGON").to_string();
        assert!(
            msg.contains("column 37: unexpected text after the end"),
            "{msg}"
        );

        let msg = err("   \n ").to_string();
        assert!(msg.contains("the text is empty"), "{msg}");
    }

    #[test]
    fn nan_coordinate_is_rejected() {
        let e = err("POLYGON ((0 0, 4 0, NaN 3, 0 3, 0 0))");
        let msg = e.to_string();
        assert!(msg.contains("column 21: unexpected word \"NaN\""), "{msg}");
        assert!(msg.contains("finite"), "{msg}");
        let msg = err("POLYGON ((0 0, 4 0, 1e999 3, 0 3, 0 0))").to_string();
        assert!(msg.contains("1e999 is out of range"), "{msg}");
        let msg = err("POLYGON ((0 0, 4 0, 1e200 3, 0 3, 0 0))").to_string();
        assert!(
            msg.contains("point 3 of the outer ring is (1e200, 3e0), beyond ±1e9 m"),
            "{msg}"
        );
    }

    #[test]
    fn linestring_is_unsupported() {
        let e = err("LINESTRING (0 0, 4 0, 4 3)");
        assert!(matches!(e, GeometryError::Unsupported { .. }), "{e:?}");
        let msg = e.to_string();
        assert!(msg.contains("the geometry is a LINESTRING"), "{msg}");
        assert!(msg.contains("must be a POLYGON"), "{msg}");
        let msg =
            err("GEOMETRYCOLLECTION (POLYGON ((0 0, 1 0, 1 1, 0 0)), POINT (3 3))").to_string();
        assert!(
            msg.contains("item 2 of the GEOMETRYCOLLECTION is a POINT"),
            "{msg}"
        );
        let msg = err("GEOMETRYCOLLECTION EMPTY").to_string();
        assert!(msg.contains("holds no polygon"), "{msg}");
    }

    #[test]
    fn bow_tie_is_invalid_with_location() {
        let e = err("POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))");
        assert!(matches!(e, GeometryError::InvalidPolygon { .. }), "{e:?}");
        let msg = e.to_string();
        assert!(
            msg.contains("the outer ring crosses or touches itself at (1, 1)"),
            "{msg}"
        );
    }

    #[test]
    fn hole_outside_exterior_is_dropped_with_a_note() {
        let area = walkable_area_from_wkt(
            "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (5 5, 6 5, 6 6, 5 6, 5 5))",
            "venue.wkt",
        )
        .unwrap();
        assert_eq!(area.area(), 16.0);
        assert_eq!(
            area.notes(),
            [
                "hole 1 (first corner (5, 5)) lies outside the walkable area's outer boundary: \
              dropped (area unchanged)"
            ]
        );
    }

    /// Each case of a drawing's obstacles, with an area computed by hand: a 10 m × 10 m hall.
    #[test]
    fn obstacles_are_merged_cut_and_dropped_with_notes() {
        let hall = "0 0, 10 0, 10 10, 0 10, 0 0";
        let read = |holes: &str| {
            walkable_area_from_wkt(&format!("POLYGON (({hall}), {holes})"), "venue.wkt")
        };
        // Two 2 × 2 stands overlapping in a 1 × 2 strip: 100 − 6 = 94 m².
        let a = read("(2 2, 4 2, 4 4, 2 4, 2 2), (3 2, 5 2, 5 4, 3 4, 3 2)").unwrap();
        assert!((a.area() - 94.0).abs() < 1e-9, "{}", a.area());
        assert_eq!(a.hole_count(), 1);
        assert!(a.notes()[0].contains("hole 1 (first corner (2, 2)) and hole 2 (first corner (3, 2)) overlap: united into one obstacle of 6 m² (together 8 m²; the 2 m² where they overlap is cut out once)"), "{:?}", a.notes());
        // Two stands sharing an edge: united, 100 − 8 = 92 m².
        let a = read("(2 2, 4 2, 4 4, 2 4, 2 2), (4 2, 6 2, 6 4, 4 4, 4 2)").unwrap();
        assert!((a.area() - 92.0).abs() < 1e-9, "{}", a.area());
        assert!(
            a.notes()[0].contains("touch: united into one obstacle of 8 m²"),
            "{:?}",
            a.notes()
        );
        // A 2 × 2 pillar across the wall x = 10 (1 × 2 inside): the boundary moves in, 98 m².
        let a = read("(9 4, 11 4, 11 6, 9 6, 9 4)").unwrap();
        assert!((a.area() - 98.0).abs() < 1e-9, "{}", a.area());
        assert_eq!(a.hole_count(), 0);
        assert!(a.notes()[0].contains("crosses the outer boundary: its 2 m² inside are cut from the walkable area, whose boundary moves in (2 m² of it outside ignored); area −2 m²"), "{:?}", a.notes());
        // A 1 × 3 pillar against the wall y = 0: 97 m².
        let a = read("(5 0, 6 0, 6 3, 5 3, 5 0)").unwrap();
        assert!((a.area() - 97.0).abs() < 1e-9, "{}", a.area());
        assert!(a.notes()[0].contains("touches the outer boundary: cut from the walkable area, whose boundary moves in; area −3 m²"), "{:?}", a.notes());
        // A wall of obstacles across the hall splits it: an error naming both parts.
        let e = read("(4 -1, 6 -1, 6 11, 4 11, 4 -1)")
            .unwrap_err()
            .to_string();
        assert!(e.contains("2 separate parts"), "{e}");
        assert!(
            e.contains("x 0…4, y 0…10 (40 m²)") && e.contains("x 6…10, y 0…10 (40 m²)"),
            "{e}"
        );
        assert!(e.contains("The obstacles were cut out as follows: hole 1 (first corner (4, -1)) crosses the outer boundary"), "{e}");
        // Obstacles inside and apart: used as drawn, no note.
        let a = read("(2 2, 3 2, 3 3, 2 3, 2 2)").unwrap();
        assert!(a.notes().is_empty());
        assert_eq!(
            a.polygon().interiors()[0].0[0],
            geo::Coord { x: 2.0, y: 2.0 }
        );
    }

    #[test]
    fn too_few_points() {
        let msg = err("POLYGON ((0 0, 4 0, 0 0))").to_string();
        assert!(msg.contains("2 distinct point(s)"), "{msg}");
        let msg = err("POLYGON EMPTY").to_string();
        assert!(msg.contains("0 distinct point(s)"), "{msg}");
    }

    #[test]
    fn polygon_from_wkt_accepts_one_polygon_only() {
        let p = polygon_from_wkt("POLYGON ((0 0, 2 0, 2 1, 0 1, 0 0))", "target").unwrap();
        assert_eq!(p.unsigned_area(), 2.0);
        let p = polygon_from_wkt(
            "GEOMETRYCOLLECTION (POLYGON ((0 0, 2 0, 2 1, 0 0)))",
            "target",
        )
        .unwrap();
        assert_eq!(p.unsigned_area(), 1.0);
        let e = polygon_from_wkt(
            "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((0 0, 1 0, 1 -1, 0 0)))",
            "target",
        )
        .unwrap_err();
        assert!(e.to_string().contains("holds 2 polygons"), "{e}");
        let e = polygon_from_wkt("POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))", "target").unwrap_err();
        assert!(e.to_string().starts_with("target: invalid polygon:"), "{e}");
        let e = polygon_from_wkt("POINT (1 1)", "target").unwrap_err();
        assert!(matches!(e, GeometryError::Unsupported { .. }), "{e}");
    }

    #[test]
    fn unclosed_ring_is_an_error_not_closed_silently() {
        let cases = [
            (
                "POLYGON ((0 0, 4 0, 4 3, 0 3))",
                "the outer ring of the POLYGON is not closed: it starts at (0, 0) and ends at \
                 (0, 3)",
            ),
            (
                "POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 2))",
                "hole 1 of the POLYGON is not closed: it starts at (1, 1) and ends at (1, 2)",
            ),
            (
                "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((1 0, 2 0, 2 1)))",
                "the outer ring of polygon 2 of the MULTIPOLYGON is not closed",
            ),
            (
                "GEOMETRYCOLLECTION (POLYGON ((0 0, 1 0, 1 1, 0 0)), \
                 MULTIPOLYGON (((1 0, 2 0, 2 1))))",
                "the outer ring of polygon 1 of item 2 of the GEOMETRYCOLLECTION is not closed",
            ),
            (
                "POLYGON Z ((0 0 1, 4 0 1, 4 3 1, 0 3 1))",
                "the outer ring of the POLYGON is not closed",
            ),
        ];
        for (text, expected) in cases {
            let e = err(text);
            assert!(
                matches!(e, GeometryError::Parse { format: FORMAT, .. }),
                "{e:?}"
            );
            let msg = e.to_string();
            assert!(msg.contains(expected), "{text}: {msg}");
        }
        let e = polygon_from_wkt("POLYGON ((0 0, 4 0, 4 3, 0 3))", "zone").unwrap_err();
        assert!(e.to_string().contains("is not closed"), "{e}");
        // A ring closed in x and y reads, also with a third value.
        let area =
            walkable_area_from_wkt("POLYGON Z ((0 0 1, 4 0 1, 4 3 1, 0 3 1, 0 0 1))", "z").unwrap();
        assert_eq!(area.area(), 12.0);
    }

    #[test]
    fn nothing_after_the_geometry_and_no_extra_values_are_skipped() {
        let cases = [
            (
                "POLYGON ((0 0, 4 0, 4 3, 0 3, 0 0)),",
                "column 36: unexpected text after the end of the geometry",
            ),
            (
                "POLYGON ((0 0, 4 0, 4 3, 0 3, 0 0)) 5",
                "column 37: unexpected text after the end of the geometry",
            ),
            (
                "POLYGON ((0 0, 4 0, 4 3, 0 3, 0 0))\n(1 1, 2 1, 2 2, 1 1)",
                "line 2, column 1: unexpected text after the end of the geometry",
            ),
            (
                "POLYGON ((0 0, 4 0 7, 4 3, 0 3, 0 0))",
                "column 16: this point has 3 numbers but the first point has 2",
            ),
            (
                "POLYGON ((0 0, 4 0, 4 3, 0 3, 0 0, 9))",
                "column 36: a coordinate has 1 number(s)",
            ),
        ];
        for (text, expected) in cases {
            let e = err(text);
            assert!(
                matches!(e, GeometryError::Parse { format: FORMAT, .. }),
                "{e:?}"
            );
            let msg = e.to_string();
            assert!(msg.contains(expected), "{text}: {msg}");
        }
        // Three values without Z: not silently read as x y z.
        let e = err("POLYGON ((0 0 7, 4 0 7, 4 3 7, 0 3 7, 0 0 7))");
        assert!(
            matches!(e, GeometryError::Parse { format: FORMAT, .. }),
            "{e:?}"
        );
    }

    #[test]
    fn lex_check_accepts_valid_wkt() {
        for ok in [
            "POLYGON Z ((0 0 1, 1 0 1, 1 1 1, 0 0 1))",
            "POLYGONZ ((0 0 1, 1 0 1, 1 1 1, 0 0 1))",
            "geometrycollection (polygon ((0 0, 1 0, 1 1, 0 0)))",
            "MULTIPOLYGON (((-1.5e2 +0, 1 0, 1 1, -1.5e2 0)))",
            "GEOMETRYCOLLECTION EMPTY",
        ] {
            assert_eq!(lex_check(ok), None, "{ok}");
        }
    }
}
