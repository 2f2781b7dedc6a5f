//! JuPedSim / JPSreport geometry XML (format version 0.8 and the versions around it).
//!
//! ```xml
//! <geometry version="0.8" unit="m">
//!   <rooms>
//!     <room id="0">
//!       <subroom id="0">
//!         <polygon caption="wall"> <vertex px="0" py="0"/> <vertex px="10" py="0"/> … </polygon>
//!         <obstacle id="0"> <polygon> <vertex …/> … </polygon> </obstacle>
//!       </subroom>
//!       <crossings> <crossing id="0" subroom1_id="0" subroom2_id="1"> <vertex …/> <vertex …/> </crossing> </crossings>
//!     </room>
//!   </rooms>
//!   <transitions> <transition id="0" room1_id="0" subroom1_id="0" room2_id="-1" subroom2_id="-1"> … </transition> </transitions>
//! </geometry>
//! ```
//!
//! A subroom is bounded by its wall polylines together with the crossings and transitions that
//! name it (the doors close the gaps between walls). They are joined into closed rings (see
//! `rings`), obstacles become holes, and the subrooms are united — as JPSreport and JuPedSim's
//! geometry conversion scripts build the walkable area.

use geo::orient::{Direction, Orient};
use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon, Validation};
use quick_xml::events::{BytesStart, Event};

use super::rings::{RingError, close_rings, ring_area};
use super::{
    MAX_COORDINATE, check_polygon, line_col, num, pt, single_piece, strip_bom, union_all,
    unsupported,
};
use crate::{GeometryError, WalkableArea};

const FORMAT: &str = "JuPedSim geometry XML";

/// Wall ends closer than this (metres) are joined.
const JOIN_TOLERANCE: f64 = 1e-3;

/// Reads a walkable area from a JuPedSim/JPSreport geometry XML file (format 0.8).
///
/// For each subroom, its `<polygon>` walls and the `<crossing>`s and `<transition>`s that name it
/// are joined into closed rings (ends closer than 1 mm meet; a door drawn over a wall counts
/// once). The outermost ring is the subroom's boundary, a ring inside it a hole; each
/// `<obstacle>` (its polygons joined the same way) is cut out. All subrooms are united, and the
/// result must be one connected polygon. The `unit` attribute of `<geometry>` may be `m`
/// (the default), `cm` or `mm`; coordinates are converted to metres.
///
/// ```
/// use aman_geometry::import::walkable_area_from_jps_xml;
/// let xml = r#"<geometry version="0.8" unit="cm"><rooms><room id="0"><subroom id="0">
///   <polygon caption="wall"><vertex px="0" py="0"/><vertex px="400" py="0"/>
///                           <vertex px="400" py="300"/></polygon>
///   <polygon caption="wall"><vertex px="0" py="300"/><vertex px="0" py="0"/></polygon>
///   </subroom></room></rooms>
///   <transitions><transition id="0" room1_id="0" subroom1_id="0" room2_id="-1" subroom2_id="-1">
///     <vertex px="400" py="300"/><vertex px="0" py="300"/></transition></transitions>
///   </geometry>"#;
/// let area = walkable_area_from_jps_xml(xml, "geometry.xml").unwrap();
/// assert!((area.area() - 12.0).abs() < 1e-12);
/// ```
///
/// # Errors
/// [`GeometryError::Parse`] if the text is not well-formed XML or a vertex lacks a number (with
/// the line), [`GeometryError::Unsupported`] if it is not a geometry file, has no subroom or
/// uses another unit, [`GeometryError::InvalidPolygon`] if the walls of a subroom or an obstacle
/// do not close (naming it and the gap), a wall branches, or the subrooms do not unite into one
/// connected polygon.
pub fn walkable_area_from_jps_xml(
    text: &str,
    source_name: &str,
) -> Result<WalkableArea, GeometryError> {
    let doc = parse(strip_bom(text), source_name)?;
    let subroom_count: usize = doc.rooms.iter().map(|r| r.subrooms.len()).sum();
    if subroom_count == 0 {
        return Err(unsupported(
            source_name,
            "the geometry has no <subroom>; expected <geometry><rooms><room id=\"0\"><subroom \
             id=\"0\"><polygon caption=\"wall\"><vertex px=\"…\" py=\"…\"/>…"
                .to_string(),
        ));
    }
    let mut pieces: Vec<Polygon<f64>> = Vec::new();
    for room in &doc.rooms {
        for sub in &room.subrooms {
            pieces.extend(subroom_polygons(&doc, room, sub, source_name)?);
        }
    }
    if pieces.len() == 1 {
        let polygon = pieces.remove(0).orient(Direction::Default);
        check_polygon(&polygon, source_name, "the walkable area")?;
        return WalkableArea::new(polygon, source_name);
    }
    single_piece(union_all(&pieces), source_name)
}

/// A polyline read from the file: walls, an obstacle's outline, a door.
#[derive(Debug, Default)]
struct Piece {
    line: usize,
    points: Vec<Coord<f64>>,
}

#[derive(Debug, Default)]
struct Obstacle {
    id: String,
    line: usize,
    polygons: Vec<Piece>,
}

#[derive(Debug, Default)]
struct SubRoom {
    id: String,
    line: usize,
    walls: Vec<Piece>,
    obstacles: Vec<Obstacle>,
}

#[derive(Debug, Default)]
struct Room {
    id: String,
    subrooms: Vec<SubRoom>,
    crossings: Vec<Door>,
}

/// A crossing (between two subrooms of a room) or a transition (between rooms, or to outside).
#[derive(Debug, Default)]
struct Door {
    room1: String,
    subroom1: String,
    room2: String,
    subroom2: String,
    piece: Piece,
}

#[derive(Debug, Default)]
struct Doc {
    rooms: Vec<Room>,
    transitions: Vec<Door>,
}

/// Reads the elements this reader needs; everything else (goals, navigation lines, stair
/// directions, …) is skipped.
fn parse(text: &str, source_name: &str) -> Result<Doc, GeometryError> {
    let parse_error = |offset: u64, message: String| {
        let (line, col) = line_col(text, usize::try_from(offset).unwrap_or(usize::MAX));
        GeometryError::Parse {
            source_name: source_name.to_string(),
            format: FORMAT,
            message: format!("line {line}, column {col}: {message}"),
        }
    };
    let mut reader = quick_xml::Reader::from_str(text);
    let mut doc = Doc::default();
    let mut scale = 1.0;
    let mut stack: Vec<(String, u64)> = Vec::new();
    let mut root_seen = false;
    loop {
        let start = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            parse_error(
                reader.error_position(),
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
        let name = element.local_name().as_ref().to_string();
        let line = line_col(text, usize::try_from(start).unwrap_or(usize::MAX)).0;
        let attr = |key: &str| attribute(&element, key);
        let parent = stack.last().map(|(n, _)| n.as_str());
        let grandparent = stack.len().checked_sub(2).map(|i| stack[i].0.as_str());
        let unit_scale = scale;
        let vertex = || -> Result<Coord<f64>, GeometryError> {
            let coordinate = |key: &str| -> Result<f64, GeometryError> {
                let raw = attr(key).ok_or_else(|| {
                    parse_error(
                        start,
                        format!(
                            "<vertex> has no {key} attribute; write <vertex px=\"1.0\" py=\"2.0\"/>"
                        ),
                    )
                })?;
                match raw.trim().parse::<f64>() {
                    Ok(v) if (v * unit_scale).abs() <= MAX_COORDINATE => Ok(v * unit_scale),
                    Ok(v) if v.is_finite() => Err(parse_error(
                        start,
                        format!(
                            "{key}=\"{raw}\" is beyond ±{MAX_COORDINATE:e} m; check the unit \
                             attribute of <geometry>"
                        ),
                    )),
                    _ => Err(parse_error(
                        start,
                        format!("{key}=\"{raw}\" is not a finite number"),
                    )),
                }
            };
            Ok(Coord {
                x: coordinate("px")?,
                y: coordinate("py")?,
            })
        };
        let id = || attr("id").unwrap_or_else(|| "?".to_string());
        if !root_seen {
            root_seen = true;
            if name != "geometry" {
                let hint = if name.eq_ignore_ascii_case("JuPedSim")
                    || name.eq_ignore_ascii_case("JPSreport")
                {
                    "this is a JuPedSim/JPSreport project (ini) file, not a geometry; pass the \
                     geometry file it names in its <geometry> element"
                        .to_string()
                } else {
                    format!(
                        "the root element is <{name}>; a JuPedSim geometry file starts with \
                         <geometry version=\"0.8\" unit=\"m\">"
                    )
                };
                return Err(unsupported(source_name, hint));
            }
            scale = match attr("unit").as_deref().map(str::trim) {
                None | Some("m") => 1.0,
                Some("cm") => 0.01,
                Some("mm") => 0.001,
                Some(other) => {
                    return Err(unsupported(
                        source_name,
                        format!(
                            "unit=\"{other}\" on <geometry> (line {line}) is not supported; use \
                             unit=\"m\", \"cm\" or \"mm\""
                        ),
                    ));
                }
            };
        } else {
            match (name.as_str(), parent) {
                ("room", Some("rooms")) => doc.rooms.push(Room {
                    id: id(),
                    ..Room::default()
                }),
                ("subroom", Some("room")) => {
                    if let Some(room) = doc.rooms.last_mut() {
                        room.subrooms.push(SubRoom {
                            id: id(),
                            line,
                            ..SubRoom::default()
                        });
                    }
                }
                ("polygon", Some("subroom")) => {
                    if let Some(sub) = current_subroom(&mut doc) {
                        sub.walls.push(Piece {
                            line,
                            points: Vec::new(),
                        });
                    }
                }
                ("obstacle", Some("subroom")) => {
                    if let Some(sub) = current_subroom(&mut doc) {
                        sub.obstacles.push(Obstacle {
                            id: id(),
                            line,
                            polygons: Vec::new(),
                        });
                    }
                }
                ("polygon", Some("obstacle")) => {
                    if let Some(obstacle) =
                        current_subroom(&mut doc).and_then(|s| s.obstacles.last_mut())
                    {
                        obstacle.polygons.push(Piece {
                            line,
                            points: Vec::new(),
                        });
                    }
                }
                ("crossing", Some("crossings")) => {
                    let door = Door {
                        subroom1: attr("subroom1_id").unwrap_or_default(),
                        subroom2: attr("subroom2_id").unwrap_or_default(),
                        piece: Piece {
                            line,
                            points: Vec::new(),
                        },
                        ..Door::default()
                    };
                    if let Some(room) = doc.rooms.last_mut() {
                        room.crossings.push(door);
                    }
                }
                ("transition", Some("transitions")) => doc.transitions.push(Door {
                    room1: attr("room1_id").unwrap_or_default(),
                    subroom1: attr("subroom1_id").unwrap_or_default(),
                    room2: attr("room2_id").unwrap_or_default(),
                    subroom2: attr("subroom2_id").unwrap_or_default(),
                    piece: Piece {
                        line,
                        points: Vec::new(),
                    },
                }),
                ("vertex", Some("polygon")) => {
                    let c = vertex()?;
                    let sub = current_subroom(&mut doc);
                    let piece = match (grandparent, sub) {
                        (Some("subroom"), Some(sub)) => sub.walls.last_mut(),
                        (Some("obstacle"), Some(sub)) => {
                            sub.obstacles.last_mut().and_then(|o| o.polygons.last_mut())
                        }
                        _ => None,
                    };
                    if let Some(piece) = piece {
                        piece.points.push(c);
                    }
                }
                ("vertex", Some("crossing")) if grandparent == Some("crossings") => {
                    let c = vertex()?;
                    if let Some(door) = doc.rooms.last_mut().and_then(|r| r.crossings.last_mut()) {
                        door.piece.points.push(c);
                    }
                }
                ("vertex", Some("transition")) if grandparent == Some("transitions") => {
                    let c = vertex()?;
                    if let Some(door) = doc.transitions.last_mut() {
                        door.piece.points.push(c);
                    }
                }
                _ => {}
            }
        }
        if !empty {
            stack.push((name, start));
        }
    }
    if let Some((name, offset)) = stack.last() {
        return Err(parse_error(
            *offset,
            format!("<{name}> is never closed (the file ends before </{name}>)"),
        ));
    }
    if !root_seen {
        return Err(parse_error(
            0,
            "the file holds no XML element; expected <geometry version=\"0.8\" unit=\"m\">…"
                .to_string(),
        ));
    }
    Ok(doc)
}

fn current_subroom(doc: &mut Doc) -> Option<&mut SubRoom> {
    doc.rooms.last_mut().and_then(|r| r.subrooms.last_mut())
}

/// The value of attribute `key` (entities resolved), if present.
fn attribute(element: &BytesStart<'_>, key: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
}

/// The polygon(s) of one subroom: its rings (walls and doors) by the even-odd rule, minus its
/// obstacles.
fn subroom_polygons(
    doc: &Doc,
    room: &Room,
    sub: &SubRoom,
    source_name: &str,
) -> Result<Vec<Polygon<f64>>, GeometryError> {
    let name = format!("subroom {} of room {} (line {})", sub.id, room.id, sub.line);
    let invalid = |message: String| GeometryError::InvalidPolygon {
        source_name: source_name.to_string(),
        message,
    };
    let too_short = |what: &str, piece: &Piece| {
        invalid(format!(
            "{name}: the {what} at line {} has {} vertex(es); it needs at least 2",
            piece.line,
            piece.points.len()
        ))
    };
    let mut pieces: Vec<Vec<Coord<f64>>> = Vec::new();
    for wall in &sub.walls {
        if wall.points.len() < 2 {
            return Err(too_short("wall <polygon>", wall));
        }
        pieces.push(wall.points.clone());
    }
    let crossings = room
        .crossings
        .iter()
        .filter(|d| d.subroom1 == sub.id || d.subroom2 == sub.id);
    let transitions = doc.transitions.iter().filter(|d| {
        (d.room1 == room.id && d.subroom1 == sub.id) || (d.room2 == room.id && d.subroom2 == sub.id)
    });
    for door in crossings.chain(transitions) {
        if door.piece.points.len() < 2 {
            return Err(too_short("door (crossing/transition)", &door.piece));
        }
        pieces.push(door.piece.points.clone());
    }
    let rings = close_rings(&pieces, JOIN_TOLERANCE)
        .map_err(|e| invalid(ring_message(&name, "walls, crossings and transitions", &e)))?;

    let mut obstacles: Vec<(String, Vec<LineString<f64>>)> = Vec::new();
    for obstacle in &sub.obstacles {
        let oname = format!("obstacle {} in {name}", obstacle.id);
        let mut outline = Vec::new();
        for p in &obstacle.polygons {
            if p.points.len() < 2 {
                return Err(invalid(format!(
                    "{oname}: the <polygon> at line {} has {} vertex(es); it needs at least 2",
                    p.line,
                    p.points.len()
                )));
            }
            outline.push(p.points.clone());
        }
        let obstacle_rings = close_rings(&outline, JOIN_TOLERANCE).map_err(|e| {
            invalid(ring_message(
                &format!(
                    "obstacle {} (line {}) in {name}",
                    obstacle.id, obstacle.line
                ),
                "polygons",
                &e,
            ))
        })?;
        obstacles.push((oname, obstacle_rings));
    }

    // The usual case: one outer ring, holes inside it and apart. Keep the coordinates exactly.
    let outer = rings
        .iter()
        .enumerate()
        .max_by(|a, b| ring_area(a.1).total_cmp(&ring_area(b.1)))
        .map_or(0, |(i, _)| i);
    let mut holes: Vec<LineString<f64>> = rings
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != outer)
        .map(|(_, r)| r.clone())
        .collect();
    holes.extend(obstacles.iter().flat_map(|(_, r)| r.iter().cloned()));
    let direct = Polygon::new(rings[outer].clone(), holes);
    if direct.is_valid() {
        return Ok(vec![direct]);
    }

    // Otherwise: even-odd region of the rings, minus the obstacles.
    let mut region = even_odd(&rings);
    for (oname, obstacle_rings) in &obstacles {
        let cut = even_odd(obstacle_rings);
        if region.intersection(&cut).unsigned_area() <= 0.0 {
            let first = obstacle_rings
                .first()
                .and_then(|r| r.0.first().copied())
                .map(pt)
                .unwrap_or_default();
            return Err(invalid(format!(
                "{oname} (first corner {first}) lies outside the subroom's walls; an obstacle \
                 must lie inside its subroom"
            )));
        }
        region = region.difference(&cut);
    }
    Ok(region.0)
}

/// The region enclosed by `rings` by the even-odd rule (a ring inside another is a hole).
fn even_odd(rings: &[LineString<f64>]) -> MultiPolygon<f64> {
    let mut region = MultiPolygon::new(Vec::new());
    for ring in rings {
        let p = Polygon::new(ring.clone(), Vec::new()).orient(Direction::Default);
        region = region.xor(&p);
    }
    region
}

/// The message for walls that do not form rings. `whole` names the subroom or obstacle, `parts`
/// what its outline is made of.
fn ring_message(whole: &str, parts: &str, e: &RingError) -> String {
    let tolerance = format!("{} mm", num(JOIN_TOLERANCE * 1000.0));
    match e {
        RingError::Empty => {
            format!("{whole} has no {parts} enclosing any area; it needs a closed outline")
        }
        RingError::Branch { at, pieces } => format!(
            "{whole}: {pieces} {parts} meet at {}; an outline must be closed rings in which \
             each corner joins two pieces. A wall branching off the outline or standing inside \
             cannot be part of a walkable area — draw it as an <obstacle> with a thickness, or \
             split the subroom",
            pt(*at)
        ),
        RingError::OpenEnds(ends) => {
            const SHOWN: usize = 4;
            let mut items: Vec<String> = Vec::new();
            let mut reported: Vec<Coord<f64>> = Vec::new();
            for end in ends {
                if reported.contains(&end.at) {
                    continue;
                }
                reported.push(end.at);
                match end.nearest {
                    Some((other, gap)) => {
                        // Report a pair once when each end is the other's nearest.
                        let mutual = ends
                            .iter()
                            .find(|o| o.at == other)
                            .and_then(|o| o.nearest)
                            .is_some_and(|(back, _)| back == end.at);
                        if mutual {
                            reported.push(other);
                        }
                        items.push(format!(
                            "gap of {} m between {} and {}",
                            num(gap),
                            pt(end.at),
                            pt(other)
                        ));
                    }
                    None => items.push(format!("open end at {}", pt(end.at))),
                }
            }
            let total = items.len();
            items.truncate(SHOWN);
            if total > SHOWN {
                items.push(format!("and {} more", total - SHOWN));
            }
            format!(
                "{whole}: the {parts} do not close into a ring: {}. Every end must meet another \
                 wall or door end (ends closer than {tolerance} are joined): add the missing wall \
                 or crossing/transition, or move the ends together",
                items.join("; ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Vec2;

    fn geometry(unit: &str, body: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <geometry version=\"0.8\" caption=\"test\" unit=\"{unit}\">\n{body}\n</geometry>\n"
        )
    }

    fn wall(points: &[(f64, f64)]) -> String {
        let v: String = points
            .iter()
            .map(|(x, y)| format!("<vertex px=\"{x}\" py=\"{y}\"/>"))
            .collect();
        format!("<polygon caption=\"wall\">{v}</polygon>")
    }

    fn subroom(id: &str, inner: &str) -> String {
        format!("<subroom id=\"{id}\" closed=\"0\" class=\"subroom\">{inner}</subroom>")
    }

    fn read(text: &str) -> Result<WalkableArea, GeometryError> {
        walkable_area_from_jps_xml(text, "geo.xml")
    }

    const BOX: &[(f64, f64)] = &[(0.0, 0.0), (10.0, 0.0), (10.0, 4.0), (0.0, 4.0), (0.0, 0.0)];

    #[test]
    fn one_closed_wall_with_an_obstacle() {
        let obstacle = format!(
            "<obstacle id=\"7\" caption=\"table\">{}</obstacle>",
            wall(&[(4.0, 1.0), (6.0, 1.0), (6.0, 3.0), (4.0, 3.0), (4.0, 1.0)])
        );
        let text = geometry(
            "m",
            &format!(
                "<rooms><room id=\"0\">{}</room></rooms>",
                subroom("0", &(wall(BOX) + &obstacle))
            ),
        );
        let area = read(&text).unwrap();
        assert_eq!(area.area(), 36.0);
        assert_eq!(area.hole_count(), 1);
        assert!(!area.contains(Vec2::new(5.0, 2.0)));
    }

    #[test]
    fn obstacle_made_of_two_point_polygons() {
        // As in JuPedSim's documentation: an obstacle given as four separate edges.
        let edges: String = [
            ((12.0, 10.0), (11.0, 10.0)),
            ((11.0, 10.0), (11.0, 9.0)),
            ((11.0, 9.0), (12.0, 9.0)),
            ((12.0, 9.0), (12.0, 10.0)),
        ]
        .iter()
        .map(|&(a, b)| wall(&[a, b]))
        .collect();
        let outer = wall(&[
            (0.0, 0.0),
            (20.0, 0.0),
            (20.0, 20.0),
            (0.0, 20.0),
            (0.0, 0.0),
        ]);
        let text = geometry(
            "m",
            &format!(
                "<rooms><room id=\"0\">{}</room></rooms>",
                subroom(
                    "0",
                    &format!("{outer}<obstacle id=\"0\">{edges}</obstacle>")
                )
            ),
        );
        let area = read(&text).unwrap();
        assert_eq!(area.area(), 399.0);
        assert_eq!(area.hole_count(), 1);
    }

    #[test]
    fn two_subrooms_joined_by_a_crossing_and_closed_by_a_transition() {
        // Corridor 0 (x 0..4) and corridor 1 (x 4..8) share the crossing x = 4; the right end
        // of subroom 1 is an exit (transition to outside), walls are open polylines.
        let s0 = subroom(
            "0",
            &(wall(&[(4.0, 0.0), (0.0, 0.0), (0.0, 2.0)]) + &wall(&[(0.0, 2.0), (4.0, 2.0)])),
        );
        let s1 = subroom(
            "1",
            &(wall(&[(4.0, 0.0), (8.0, 0.0)]) + &wall(&[(8.0, 2.0), (4.0, 2.0)])),
        );
        let body = format!(
            "<rooms><room id=\"0\">{s0}{s1}<crossings><crossing id=\"0\" subroom1_id=\"0\" \
             subroom2_id=\"1\"><vertex px=\"4\" py=\"0\"/><vertex px=\"4\" py=\"2\"/></crossing>\
             </crossings></room></rooms><transitions><transition id=\"1\" caption=\"exit\" \
             room1_id=\"0\" subroom1_id=\"1\" room2_id=\"-1\" subroom2_id=\"-1\">\
             <vertex px=\"8\" py=\"0\"/><vertex px=\"8\" py=\"2\"/></transition></transitions>"
        );
        let area = read(&geometry("m", &body)).unwrap();
        assert!((area.area() - 16.0).abs() < 1e-9, "{}", area.area());
        assert!(area.contains(Vec2::new(4.0, 1.0)), "the crossing is open");
        assert_eq!(area.hole_count(), 0);
    }

    #[test]
    fn unclosed_wall_chain_names_subroom_and_gap() {
        let text = geometry(
            "m",
            &format!(
                "<rooms><room id=\"3\">{}</room></rooms>",
                subroom(
                    "5",
                    &(wall(&[(0.0, 0.0), (10.0, 0.0), (10.0, 4.0)])
                        + &wall(&[(10.0, 4.0), (0.0, 4.0), (0.0, 0.75)]))
                )
            ),
        );
        let e = read(&text).unwrap_err();
        assert!(matches!(e, GeometryError::InvalidPolygon { .. }), "{e:?}");
        let msg = e.to_string();
        assert!(
            msg.starts_with("geo.xml: invalid polygon: subroom 5 of room 3 (line 3)"),
            "{msg}"
        );
        assert!(msg.contains("do not close into a ring"), "{msg}");
        assert!(
            msg.contains("gap of 0.75 m between (0, 0) and (0, 0.75)")
                || msg.contains("gap of 0.75 m between (0, 0.75) and (0, 0)"),
            "{msg}"
        );
        // reported once, not twice
        assert_eq!(msg.matches("gap of").count(), 1, "{msg}");
    }

    #[test]
    fn ends_within_a_millimetre_are_joined() {
        let text = geometry(
            "m",
            &format!(
                "<rooms><room id=\"0\">{}</room></rooms>",
                subroom(
                    "0",
                    &(wall(&[(0.0, 0.0), (10.0, 0.0), (10.0, 4.0)])
                        + &wall(&[(10.0004, 4.0), (0.0, 4.0), (0.0, 0.0003)]))
                )
            ),
        );
        let area = read(&text).unwrap();
        assert!((area.area() - 40.0).abs() < 1e-2);
    }

    #[test]
    fn units_scale_to_metres() {
        let cm: Vec<(f64, f64)> = BOX.iter().map(|&(x, y)| (x * 100.0, y * 100.0)).collect();
        let mm: Vec<(f64, f64)> = BOX.iter().map(|&(x, y)| (x * 1000.0, y * 1000.0)).collect();
        for (unit, pts) in [("cm", cm), ("mm", mm)] {
            let text = geometry(
                unit,
                &format!(
                    "<rooms><room id=\"0\">{}</room></rooms>",
                    subroom("0", &wall(&pts))
                ),
            );
            let area = read(&text).unwrap();
            assert!((area.area() - 40.0).abs() < 1e-9, "{unit}: {}", area.area());
        }
    }

    #[test]
    fn unsupported_unit_is_an_error() {
        let text = geometry(
            "ft",
            &format!(
                "<rooms><room id=\"0\">{}</room></rooms>",
                subroom("0", &wall(BOX))
            ),
        );
        let e = read(&text).unwrap_err();
        assert!(matches!(e, GeometryError::Unsupported { .. }), "{e:?}");
        let msg = e.to_string();
        assert!(msg.contains("unit=\"ft\""), "{msg}");
        assert!(msg.contains("\"m\", \"cm\" or \"mm\""), "{msg}");
    }

    #[test]
    fn garbage_and_malformed_xml_are_parse_errors_with_line() {
        let e = read("not xml at all").unwrap_err();
        assert!(
            matches!(e, GeometryError::Parse { .. })
                || matches!(e, GeometryError::Unsupported { .. }),
            "{e:?}"
        );

        let e = read("<geometry unit=\"m\">\n<rooms>\n<room id=\"0\">\n</rooms></geometry>")
            .unwrap_err();
        assert!(
            matches!(e, GeometryError::Parse { format: FORMAT, .. }),
            "{e:?}"
        );
        let msg = e.to_string();
        assert!(
            msg.starts_with("geo.xml: not valid JuPedSim geometry XML: line 4"),
            "{msg}"
        );

        let e = read("<geometry unit=\"m\">\n<rooms>").unwrap_err();
        assert!(
            e.to_string()
                .contains("line 2, column 1: <rooms> is never closed"),
            "{e}"
        );

        let text = geometry(
            "m",
            "<rooms><room id=\"0\"><subroom id=\"0\"><polygon caption=\"wall\">\n\
             <vertex px=\"1\" py=\"abc\"/></polygon></subroom></room></rooms>",
        );
        let msg = read(&text).unwrap_err().to_string();
        assert!(
            msg.contains("line 4, column 1: py=\"abc\" is not a finite number"),
            "{msg}"
        );
        let text = geometry(
            "m",
            "<rooms><room id=\"0\"><subroom id=\"0\"><polygon caption=\"wall\">\n\
             <vertex px=\"NaN\" py=\"1\"/></polygon></subroom></room></rooms>",
        );
        let msg = read(&text).unwrap_err().to_string();
        assert!(msg.contains("px=\"NaN\" is not a finite number"), "{msg}");
        let text = geometry(
            "m",
            "<rooms><room id=\"0\"><subroom id=\"0\"><polygon caption=\"wall\">\n\
             <vertex px=\"1e300\" py=\"1\"/></polygon></subroom></room></rooms>",
        );
        let msg = read(&text).unwrap_err().to_string();
        assert!(msg.contains("px=\"1e300\" is beyond ±1e9 m"), "{msg}");
    }

    #[test]
    fn wrong_root_and_empty_geometry() {
        let msg = read("<JPSreport project=\"x\"><geometry file=\"geo.xml\"/></JPSreport>")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("project (ini) file"), "{msg}");
        let msg = read("<svg></svg>").unwrap_err().to_string();
        assert!(msg.contains("root element is <svg>"), "{msg}");
        let msg = read(&geometry("m", "<rooms></rooms>"))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("has no <subroom>"), "{msg}");
        let msg = read("").unwrap_err().to_string();
        assert!(msg.contains("no XML element"), "{msg}");
    }

    #[test]
    fn disjoint_subrooms_are_separate_parts() {
        let far: Vec<(f64, f64)> = BOX.iter().map(|&(x, y)| (x + 20.0, y)).collect();
        let text = geometry(
            "m",
            &format!(
                "<rooms><room id=\"0\">{}{}</room></rooms>",
                subroom("0", &wall(BOX)),
                subroom("1", &wall(&far))
            ),
        );
        let msg = read(&text).unwrap_err().to_string();
        assert!(msg.contains("walkable area has 2 separate parts"), "{msg}");
        assert!(msg.contains("x 20…30, y 0…4 (40 m²)"), "{msg}");
    }

    #[test]
    fn self_intersecting_wall_and_branching_wall() {
        // A bow-tie wall is split at its crossing into two triangles touching at a point:
        // two parts, not a silently repaired polygon.
        let text = geometry(
            "m",
            &format!(
                "<rooms><room id=\"0\">{}</room></rooms>",
                subroom(
                    "0",
                    &wall(&[(0.0, 0.0), (2.0, 2.0), (2.0, 0.0), (0.0, 2.0), (0.0, 0.0)])
                )
            ),
        );
        let msg = read(&text).unwrap_err().to_string();
        assert!(msg.contains("2 separate parts"), "{msg}");

        let text = geometry(
            "m",
            &format!(
                "<rooms><room id=\"0\">{}</room></rooms>",
                subroom(
                    "2",
                    &(wall(BOX) + &wall(&[(5.0, 0.0), (5.0, 3.0), (5.0, 4.0)]))
                )
            ),
        );
        let msg = read(&text).unwrap_err().to_string();
        assert!(msg.contains("subroom 2 of room 0"), "{msg}");
        assert!(
            msg.contains("3 walls, crossings and transitions meet at (5, 0)")
                || msg.contains("meet at (5, 4)"),
            "{msg}"
        );
    }

    #[test]
    fn obstacle_outside_and_obstacle_touching_the_wall() {
        let outside = format!(
            "<obstacle id=\"9\">{}</obstacle>",
            wall(&[(20.0, 1.0), (21.0, 1.0), (21.0, 2.0), (20.0, 1.0)])
        );
        let text = geometry(
            "m",
            &format!(
                "<rooms><room id=\"0\">{}</room></rooms>",
                subroom("0", &(wall(BOX) + &outside))
            ),
        );
        let msg = read(&text).unwrap_err().to_string();
        assert!(msg.contains("obstacle 9 in subroom 0 of room 0"), "{msg}");
        assert!(msg.contains("lies outside the subroom's walls"), "{msg}");

        // A pillar against the bottom wall is cut out of the boundary.
        let touching = format!(
            "<obstacle id=\"1\">{}</obstacle>",
            wall(&[(4.0, 0.0), (6.0, 0.0), (6.0, 1.0), (4.0, 1.0), (4.0, 0.0)])
        );
        let text = geometry(
            "m",
            &format!(
                "<rooms><room id=\"0\">{}</room></rooms>",
                subroom("0", &(wall(BOX) + &touching))
            ),
        );
        let area = read(&text).unwrap();
        assert!((area.area() - 38.0).abs() < 1e-9, "{}", area.area());
        assert_eq!(area.hole_count(), 0);
    }

    #[test]
    fn unclosed_obstacle_names_it() {
        let open = format!(
            "<obstacle id=\"4\">{}</obstacle>",
            wall(&[(4.0, 1.0), (6.0, 1.0), (6.0, 3.0), (4.0, 3.0)])
        );
        let text = geometry(
            "m",
            &format!(
                "<rooms><room id=\"0\">{}</room></rooms>",
                subroom("0", &(wall(BOX) + &open))
            ),
        );
        let msg = read(&text).unwrap_err().to_string();
        assert!(
            msg.contains("obstacle 4 (line 3) in subroom 0 of room 0"),
            "{msg}"
        );
        assert!(msg.contains("gap of 2 m between"), "{msg}");
    }
}
