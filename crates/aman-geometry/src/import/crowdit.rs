//! crowd:it floor files (`.floor`, XML): walls become obstacles in their bounding box.
//!
//! ```xml
//! <floor xmlFormat="0.11.7">
//!   <layer id="jupedsim_obstacles">
//!     <wall closed="true" id="w2"> <point x="28.64" y="36.31"/> <point …/> … </wall>
//!   </layer>
//! </floor>
//! ```

use geo::{Coord, LineString, Polygon};
use quick_xml::XmlVersion;
use quick_xml::events::Event;

use super::obstacles::subtract_obstacles;
use super::{check_polygon, line_col, strip_bom, unsupported};
use crate::{GeometryError, WalkableArea};

const FORMAT: &str = "crowd:it floor XML";

/// PedPy's default margin (m) around the walls' bounding box.
pub const CROWDIT_DEFAULT_BUFFER: f64 = 1e-3;

/// Reads the walkable area of a crowd:it floor file, as PedPy 1.5.1's
/// `load_walkable_area_from_crowdit(geometry_file, buffer=1e-3)`
/// (`pedpy/io/crowdit_loader.py`) does:
///
/// - every `<wall>` directly inside a `<layer>` of the root `<floor>` is a polygon of its
///   `<point x=… y=…>` children (metres), closed if its last point differs from the first
///   (whatever its `closed` attribute says); other elements are skipped;
/// - a single wall is the walkable area itself;
/// - with several walls, the walkable area is the walls' bounding box grown by `buffer` (m) on
///   every side, with each wall as an obstacle.
///
/// Obstacles that touch or overlap one another are united first (PedPy would reject the
/// polygon); otherwise the holes are the walls exactly.
///
/// ```
/// use aman_geometry::import::walkable_area_from_crowdit_floor;
/// let xml = r#"<floor><layer id="0">
///   <wall id="w1"><point x="0" y="0"/><point x="1" y="0"/><point x="1" y="1"/><point x="0" y="1"/></wall>
///   <wall id="w2"><point x="3" y="3"/><point x="4" y="3"/><point x="4" y="4"/><point x="3" y="4"/></wall>
/// </layer></floor>"#;
/// let area = walkable_area_from_crowdit_floor(xml, "hall.floor", 0.5).unwrap();
/// assert_eq!(area.area(), 5.0 * 5.0 - 2.0);
/// ```
///
/// # Errors
/// [`GeometryError::Parse`] if the text is not well-formed XML, the root is not `<floor>`, or a
/// point's `x` / `y` is missing or not a finite number (with line and column),
/// [`GeometryError::Unsupported`] if there is no wall with points or `buffer` is negative or not
/// finite, [`GeometryError::InvalidPolygon`] if a wall is degenerate (naming its id) or the
/// walls split the area into separate parts.
pub fn walkable_area_from_crowdit_floor(
    text: &str,
    source_name: &str,
    buffer: f64,
) -> Result<WalkableArea, GeometryError> {
    if !(buffer.is_finite() && buffer >= 0.0) {
        return Err(unsupported(
            source_name,
            format!("buffer {buffer} m: it must be a finite number ≥ 0"),
        ));
    }
    let text = strip_bom(text);
    let error = |offset: usize, message: String| {
        let (line, column) = line_col(text, offset);
        GeometryError::Parse {
            source_name: source_name.to_string(),
            format: FORMAT,
            message: format!("line {line}, column {column}: {message}"),
        }
    };
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(true);

    let mut stack: Vec<String> = Vec::new();
    let mut walls: Vec<(String, Vec<Coord<f64>>)> = Vec::new();
    let mut root_seen = false;
    loop {
        let offset = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            error(
                usize::try_from(reader.error_position()).unwrap_or(offset),
                format!("{e}; the file must be well-formed XML"),
            )
        })?;
        let (element, empty) = match event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = element.name().as_ref().to_owned();
        if stack.is_empty() {
            if root_seen {
                return Err(error(offset, format!("a second root element <{name}>")));
            }
            root_seen = true;
            if name != "floor" {
                return Err(error(
                    offset,
                    format!("the root element is <{name}>; a crowd:it floor file has <floor>"),
                ));
            }
        }
        let parent = |depth: usize| stack.get(depth).map(String::as_str);
        let attribute = |key: &str| -> Result<Option<String>, GeometryError> {
            for attr in element.attributes() {
                let attr = attr.map_err(|e| error(offset, format!("in <{name}>: {e}")))?;
                if attr.key.as_ref() == key {
                    let value = attr
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|e| error(offset, format!("in <{name}>: {e}")))?;
                    return Ok(Some(value.into_owned()));
                }
            }
            Ok(None)
        };
        match (name.as_str(), stack.len()) {
            ("wall", 2) if parent(1) == Some("layer") => {
                let id = attribute("id")?.unwrap_or_else(|| format!("#{}", walls.len() + 1));
                walls.push((id, Vec::new()));
            }
            ("point", 3) if parent(2) == Some("wall") && parent(1) == Some("layer") => {
                let coordinate = |key: &str| -> Result<f64, GeometryError> {
                    let value = attribute(key)?.ok_or_else(|| {
                        error(
                            offset,
                            format!("a <point> without `{key}`; every point needs x and y"),
                        )
                    })?;
                    value
                        .trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| {
                            error(
                                offset,
                                format!(
                                    "<point> {key}=\"{value}\" is not a finite number (metres)"
                                ),
                            )
                        })
                };
                let c = Coord {
                    x: coordinate("x")?,
                    y: coordinate("y")?,
                };
                if let Some((_, points)) = walls.last_mut() {
                    points.push(c);
                }
            }
            _ => {}
        }
        if !empty {
            stack.push(name);
        }
    }
    if !root_seen {
        return Err(error(0, "no root element; expected <floor>".to_string()));
    }
    walls.retain(|(_, points)| !points.is_empty());
    if walls.is_empty() {
        return Err(unsupported(
            source_name,
            "no <wall> with <point>s inside a <layer>; a crowd:it floor needs at least one wall"
                .to_string(),
        ));
    }
    let mut polygons = Vec::with_capacity(walls.len());
    let mut names = Vec::with_capacity(walls.len());
    let (mut min, mut max) = (
        Coord {
            x: f64::INFINITY,
            y: f64::INFINITY,
        },
        Coord {
            x: f64::NEG_INFINITY,
            y: f64::NEG_INFINITY,
        },
    );
    for (id, points) in walls {
        for c in &points {
            min.x = min.x.min(c.x);
            min.y = min.y.min(c.y);
            max.x = max.x.max(c.x);
            max.y = max.y.max(c.y);
        }
        // `Polygon::new` closes an open ring.
        polygons.push(Polygon::new(LineString::new(points), Vec::new()));
        names.push(format!("wall {id}"));
    }
    if polygons.len() == 1 {
        let polygon = polygons.remove(0);
        check_polygon(&polygon, source_name, &names[0])?;
        return WalkableArea::new(polygon, source_name);
    }
    let outer = Polygon::new(
        LineString::new(vec![
            Coord {
                x: min.x - buffer,
                y: min.y - buffer,
            },
            Coord {
                x: max.x + buffer,
                y: min.y - buffer,
            },
            Coord {
                x: max.x + buffer,
                y: max.y + buffer,
            },
            Coord {
                x: min.x - buffer,
                y: max.y + buffer,
            },
        ]),
        Vec::new(),
    );
    subtract_obstacles(outer, polygons, &names, source_name, false)
}
