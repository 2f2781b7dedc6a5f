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
use geo::{BooleanOps, Coord, LineString, MultiPolygon, Polygon, Validation};
use quick_xml::events::Event;
use quick_xml::events::attributes::{AttrError, Attributes};

use super::obstacles::{self, cut_obstacles, with_cut_notes};
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
/// The reader is strict, so that a damaged file is never read as another venue: the text must
/// be well-formed XML (no unclosed or run-on tags, malformed or duplicate attributes, mismatched
/// end tags, stray text, text or elements after the root, undefined entities); inside the
/// geometry only the elements of the format may stand (a misspelt `<vertex>` or `<obstacle>` is
/// an error, not skipped); `px`/`py` must be finite numbers and the room, subroom and door ids
/// whole numbers. Other children of `<geometry>` (goals, navigation lines, …) are skipped.
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
/// [`GeometryError::Parse`] if the text is not well-formed XML, holds an element out of place, or
/// a required number or id is missing or not a number (with line and column, the element, the
/// attribute and its value), [`GeometryError::Unsupported`] if it is not a geometry file, has no
/// subroom or uses another unit, [`GeometryError::InvalidPolygon`] if the walls of a subroom or
/// an obstacle do not close (naming it and the gap), a wall branches, or the subrooms do not
/// unite into one connected polygon.
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
    let mut notes = Vec::new();
    for room in &doc.rooms {
        for sub in &room.subrooms {
            pieces.extend(subroom_polygons(&doc, room, sub, source_name, &mut notes)?);
        }
    }
    let area = if pieces.len() == 1 {
        let polygon = pieces.remove(0).orient(Direction::Default);
        check_polygon(&polygon, source_name, "the walkable area")
            .and_then(|()| WalkableArea::new(polygon, source_name))
    } else if pieces.is_empty() {
        Err(GeometryError::InvalidPolygon {
            source_name: source_name.to_string(),
            message: "the obstacles cover every subroom; nothing is walkable".to_string(),
        })
    } else {
        single_piece(union_all(&pieces), source_name)
    };
    area.map(|a| a.with_notes(notes.clone()))
        .map_err(|e| with_cut_notes(e, &notes))
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
    id: i64,
    line: usize,
    walls: Vec<Piece>,
    obstacles: Vec<Obstacle>,
}

#[derive(Debug, Default)]
struct Room {
    id: i64,
    subrooms: Vec<SubRoom>,
    crossings: Vec<Door>,
}

/// A crossing (between two subrooms of a room) or a transition (between rooms, or to outside).
#[derive(Debug, Default)]
struct Door {
    room1: i64,
    subroom1: i64,
    room2: i64,
    subroom2: i64,
    piece: Piece,
}

#[derive(Debug, Default)]
struct Doc {
    rooms: Vec<Room>,
    transitions: Vec<Door>,
}

/// What an element is, given where it stands. Inside the elements that carry the geometry only
/// the elements of the format may appear (a misspelt `<obstacle>` or `<vertex>` would otherwise
/// be skipped, silently giving another venue); other children of `<geometry>` (goals, navigation
/// lines, traffic constraints, …) are skipped with everything inside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Geometry,
    Rooms,
    Room,
    SubRoom,
    Wall,
    Obstacle,
    ObstaclePolygon,
    Crossings,
    Crossing,
    Transitions,
    Transition,
    Vertex,
    /// `<up>` / `<down>` of a stair: read for well-formedness only.
    StairEnd,
    /// Not part of the geometry: skipped.
    Skipped,
}

impl Role {
    /// The role of a child element `name`, or what may stand here instead.
    fn child(self, name: &str) -> Result<Role, &'static str> {
        use Role::*;
        match (self, name) {
            (Geometry, "rooms") => Ok(Rooms),
            (Geometry, "transitions") => Ok(Transitions),
            (Geometry | Skipped, _) => Ok(Skipped),
            (Rooms, "room") => Ok(Room),
            (Rooms, _) => Err("only <room> elements"),
            (Room, "subroom") => Ok(SubRoom),
            (Room, "crossings") => Ok(Crossings),
            (Room, _) => Err("only <subroom> and <crossings>"),
            (SubRoom, "polygon") => Ok(Wall),
            (SubRoom, "obstacle") => Ok(Obstacle),
            (SubRoom, "up" | "down") => Ok(StairEnd),
            (SubRoom, _) => Err("only <polygon>, <obstacle>, <up> and <down>"),
            (Obstacle, "polygon") => Ok(ObstaclePolygon),
            (Obstacle, _) => Err("only <polygon> elements"),
            (Crossings, "crossing") => Ok(Crossing),
            (Crossings, _) => Err("only <crossing> elements"),
            (Transitions, "transition") => Ok(Transition),
            (Transitions, _) => Err("only <transition> elements"),
            (Wall | ObstaclePolygon | Crossing | Transition, "vertex") => Ok(Vertex),
            (Wall | ObstaclePolygon | Crossing | Transition, _) => Err("only <vertex> elements"),
            (Vertex | StairEnd, _) => Err("no elements"),
        }
    }
}

/// An open element.
struct Open {
    name: String,
    offset: usize,
    role: Role,
}

/// An attribute as read: name, value (entities resolved, whitespace normalised) and the byte
/// offset of its name in the text.
struct Attr {
    key: String,
    value: String,
    offset: usize,
}

/// A start or empty-element tag with its checked attributes.
struct Tag {
    name: String,
    offset: usize,
    attrs: Vec<Attr>,
}

impl Tag {
    fn get(&self, key: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.key == key)
    }
}

/// Builds located parse errors for one text.
struct Located<'a> {
    text: &'a str,
    source_name: &'a str,
}

impl Located<'_> {
    fn at(&self, offset: usize) -> String {
        let (line, col) = line_col(self.text, offset);
        format!("line {line}, column {col}")
    }

    fn error(&self, offset: usize, message: impl std::fmt::Display) -> GeometryError {
        GeometryError::Parse {
            source_name: self.source_name.to_string(),
            format: FORMAT,
            message: format!("{}: {message}", self.at(offset)),
        }
    }

    /// The value of attribute `key` of `tag`, which must be there.
    fn required<'t>(
        &self,
        tag: &'t Tag,
        key: &str,
        example: &str,
    ) -> Result<&'t Attr, GeometryError> {
        tag.get(key).ok_or_else(|| {
            self.error(
                tag.offset,
                format!(
                    "<{}> has no {key} attribute; it is required here, e.g. {example}",
                    tag.name
                ),
            )
        })
    }

    /// Attribute `key` of `tag` as a whole number (an id).
    fn id(&self, tag: &Tag, key: &str, example: &str) -> Result<i64, GeometryError> {
        let a = self.required(tag, key, example)?;
        a.value.trim().parse::<i64>().map_err(|_| {
            self.error(
                a.offset,
                format!(
                    "<{}> attribute {key}=\"{}\" is not a whole number; ids are integers, e.g. \
                     {example}",
                    tag.name, a.value
                ),
            )
        })
    }

    /// Attribute `key` of `tag` as a coordinate in metres (`scale` converts the file's unit).
    fn coordinate(&self, tag: &Tag, key: &str, scale: f64) -> Result<f64, GeometryError> {
        let a = self.required(tag, key, "<vertex px=\"1.0\" py=\"2.0\"/>")?;
        let raw = &a.value;
        match raw.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && (v * scale).abs() <= MAX_COORDINATE => Ok(v * scale),
            Ok(v) if v.is_finite() => Err(self.error(
                a.offset,
                format!(
                    "<{}> attribute {key}=\"{raw}\" is beyond ±{MAX_COORDINATE:e} m; check the \
                     unit attribute of <geometry>",
                    tag.name
                ),
            )),
            _ => Err(self.error(
                a.offset,
                format!(
                    "<{}> attribute {key}=\"{raw}\" is not a finite number",
                    tag.name
                ),
            )),
        }
    }

    /// Checks the name and attributes of a tag whose content (the text between `<` and `>` or
    /// `/>`, name first) is `content`, starting at byte `content_at` of the text. `opened_at` is
    /// where the tag begins (its `<`), for messages.
    fn tag(
        &self,
        content: &str,
        name_len: usize,
        content_at: usize,
        opened_at: usize,
    ) -> Result<Tag, GeometryError> {
        let name = content.get(..name_len).unwrap_or(content);
        if !is_name(name) {
            return Err(self.error(
                content_at,
                format!(
                    "\"{}\" is not a valid element name; a tag starts with '<' directly \
                     followed by a name such as vertex",
                    name.trim()
                ),
            ));
        }
        // A '<' inside a tag: most likely the tag was never closed and runs on into the next one.
        let mut quote: Option<char> = None;
        for (i, c) in content.char_indices().skip_while(|&(i, _)| i < name_len) {
            match (c, quote) {
                ('"' | '\'', None) => quote = Some(c),
                (q, Some(open)) if q == open => quote = None,
                ('<', None) => {
                    return Err(self.error(
                        content_at + i,
                        format!(
                            "'<' inside the tag <{name}> that starts at {}: that tag is not \
                             closed — its '/>' or '>' is missing",
                            self.at(opened_at)
                        ),
                    ));
                }
                ('<', Some(_)) => {
                    return Err(self.error(
                        content_at + i,
                        format!(
                            "'<' inside an attribute value of <{name}>; write &lt; (or close \
                             the quote of the value)"
                        ),
                    ));
                }
                _ => {}
            }
        }
        let mut attrs: Vec<Attr> = Vec::new();
        let mut iter = Attributes::new(content, name_len);
        iter.with_checks(true);
        for item in iter {
            let a = item.map_err(|e| self.attribute_error(&e, content, content_at, name))?;
            let key = a.key.into_inner();
            // The key is a slice of `content`: its offset there.
            let offset = (key.as_ptr() as usize).wrapping_sub(content.as_ptr() as usize);
            if !content
                .get(..offset)
                .is_some_and(|before| before.ends_with(is_xml_space))
            {
                return Err(self.error(
                    content_at + offset,
                    format!(
                        "attribute {key} of <{name}> follows the previous attribute without a \
                         space; separate attributes with spaces"
                    ),
                ));
            }
            if !is_name(key) {
                return Err(self.error(
                    content_at + offset,
                    format!(
                        "the attribute name {key} in the tag <{name}> is not a valid XML \
                         name"
                    ),
                ));
            }
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| {
                    self.error(
                        content_at + offset,
                        format!(
                            "<{name}> attribute {key}=\"{}\": {e}; write & as &amp; and < as &lt;",
                            a.value
                        ),
                    )
                })?
                .into_owned();
            attrs.push(Attr {
                key: key.to_string(),
                value,
                offset: content_at + offset,
            });
        }
        Ok(Tag {
            name: name.to_string(),
            offset: opened_at,
            attrs,
        })
    }

    /// The located error for an attribute the XML reader rejected.
    fn attribute_error(
        &self,
        e: &AttrError,
        content: &str,
        content_at: usize,
        name: &str,
    ) -> GeometryError {
        let (position, message) = match *e {
            AttrError::ExpectedEq(p) => (
                p,
                format!(
                    "in the tag <{name}>, an attribute name must be followed by '=' and a \
                     quoted value (name=\"value\")"
                ),
            ),
            AttrError::ExpectedValue(p) => (
                p,
                format!("in the tag <{name}>, '=' must be followed by a quoted value"),
            ),
            AttrError::UnquotedValue(p) => (
                p,
                format!("in the tag <{name}>, an attribute value must be in quotes (\"…\")"),
            ),
            AttrError::ExpectedQuote(p, quote) => (
                p,
                format!(
                    "in the tag <{name}>, an attribute value has no closing {}",
                    quote as char
                ),
            ),
            AttrError::Duplicated(p, previous) => {
                let key: String = content
                    .get(p..)
                    .unwrap_or_default()
                    .chars()
                    .take_while(|&c| c != '=' && !is_xml_space(c))
                    .collect();
                (
                    p,
                    format!(
                        "attribute {key} appears twice in the tag <{name}> (first at {}); \
                         each attribute may be given once",
                        self.at(content_at + previous)
                    ),
                )
            }
        };
        self.error(content_at + position, message)
    }
}

/// XML white space.
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Whether `name` is an XML name (element or attribute): a letter, `_` or `:`, then letters,
/// digits, `-`, `.`, `_`, `:`.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | ':' | '\u{b7}'))
}

/// The first character XML does not allow anywhere in a document, with its byte offset.
fn forbidden_char(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
    })
}

/// Reads the elements this reader needs; other children of `<geometry>` (goals, navigation
/// lines, …) are skipped. The text must be well-formed XML throughout: every malformed tag,
/// attribute, end tag or reference is an error with its line and column, never skipped.
fn parse(text: &str, source_name: &str) -> Result<Doc, GeometryError> {
    let loc = Located { text, source_name };
    if let Some((offset, c)) = forbidden_char(text) {
        return Err(loc.error(
            offset,
            format!("the character U+{:04X} is not allowed in XML", u32::from(c)),
        ));
    }
    let mut reader = quick_xml::Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.allow_unmatched_ends = false;
    config.allow_dangling_amp = false;
    config.check_comments = true;
    config.expand_empty_elements = false;
    config.trim_markup_names_in_closing_tags = true;
    // Text is kept untrimmed so that stray text anywhere is seen (and rejected).
    config.trim_text(false);

    let mut doc = Doc::default();
    let mut scale = 1.0;
    let mut stack: Vec<Open> = Vec::new();
    let mut root_seen = false;
    // The line of the last element read, counted on from there (tags come in order).
    let (mut line, mut line_checked_to) = (1_usize, 0_usize);
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            loc.error(
                usize::try_from(reader.error_position()).unwrap_or(usize::MAX),
                format!("{e}; the file must be well-formed XML"),
            )
        })?;
        let in_geometry = stack.last().is_some_and(|o| o.role != Role::Skipped);
        let where_ = || match stack.last() {
            Some(o) => format!("inside <{}>", o.name),
            None if root_seen => "after the end of the root element".to_string(),
            None => "before the root element".to_string(),
        };
        let (element, empty) = match event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => break,
            Event::Text(t) => {
                let stray = t.trim_start_matches(is_xml_space);
                if !stray.is_empty() && (in_geometry || stack.is_empty()) {
                    let shown: String = stray.chars().take(30).collect();
                    return Err(loc.error(
                        start + (t.len() - stray.len()),
                        format!(
                            "unexpected text \"{}\" {}; a geometry file holds only elements \
                             here (is a tag broken, or a '<' missing?)",
                            shown.trim_end(),
                            where_()
                        ),
                    ));
                }
                if t.contains("]]>") {
                    return Err(loc.error(start, "\"]]>\" is not allowed in text"));
                }
                continue;
            }
            Event::CData(_) if in_geometry || stack.is_empty() => {
                return Err(loc.error(start, format!("unexpected CDATA section {}", where_())));
            }
            Event::GeneralRef(r) => {
                if in_geometry || stack.is_empty() {
                    return Err(
                        loc.error(start, format!("unexpected text \"&{};\" {}", &*r, where_()))
                    );
                }
                let known = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().is_some()
                } else {
                    quick_xml::escape::resolve_predefined_entity(&r).is_some()
                };
                if !known {
                    return Err(loc.error(
                        start,
                        format!(
                            "\"&{};\" is not a known entity or character reference; write & as \
                             &amp;",
                            &*r
                        ),
                    ));
                }
                continue;
            }
            Event::Decl(d) => {
                if start != 0 {
                    return Err(loc.error(
                        start,
                        "the XML declaration <?xml …?> must be the very first thing in the file",
                    ));
                }
                loc.tag(&d, 3, start + 2, start)?;
                d.version()
                    .map_err(|e| loc.error(start, format!("{e}; write <?xml version=\"1.0\"?>")))?;
                continue;
            }
            Event::DocType(_) if root_seen => {
                return Err(loc.error(
                    start,
                    "a <!DOCTYPE> declaration must come before the root element",
                ));
            }
            Event::CData(_) | Event::DocType(_) | Event::Comment(_) | Event::PI(_) => continue,
        };
        let tag = loc.tag(&element, element.name().as_ref().len(), start + 1, start)?;
        let skipped = text
            .as_bytes()
            .get(line_checked_to..start)
            .unwrap_or_default();
        line += skipped.iter().filter(|&&b| b == b'\n').count();
        line_checked_to = start;
        let role = match stack.last() {
            None if root_seen => {
                return Err(loc.error(
                    start,
                    format!(
                        "a second root element <{}> after </geometry>; an XML file has exactly \
                         one root element",
                        tag.name
                    ),
                ));
            }
            None => {
                root_seen = true;
                scale = root(&tag, line, source_name)?;
                Role::Geometry
            }
            Some(parent) => parent.role.child(&tag.name).map_err(|allowed| {
                loc.error(
                    start,
                    format!(
                        "unexpected element <{}> inside <{}> (line {}); {allowed} may stand \
                         there",
                        tag.name,
                        parent.name,
                        line_col(text, parent.offset).0
                    ),
                )
            })?,
        };
        let piece = || Piece {
            line,
            points: Vec::new(),
        };
        match role {
            Role::Room => doc.rooms.push(Room {
                id: loc.id(&tag, "id", "<room id=\"0\">")?,
                ..Room::default()
            }),
            Role::SubRoom => {
                let id = loc.id(&tag, "id", "<subroom id=\"0\">")?;
                if let Some(room) = doc.rooms.last_mut() {
                    room.subrooms.push(SubRoom {
                        id,
                        line,
                        ..SubRoom::default()
                    });
                }
            }
            Role::Wall => {
                if let Some(sub) = current_subroom(&mut doc) {
                    sub.walls.push(piece());
                }
            }
            Role::Obstacle => {
                let id = tag.get("id").map_or("?", |a| a.value.as_str()).to_string();
                if let Some(sub) = current_subroom(&mut doc) {
                    sub.obstacles.push(Obstacle {
                        id,
                        line,
                        polygons: Vec::new(),
                    });
                }
            }
            Role::ObstaclePolygon => {
                if let Some(obstacle) =
                    current_subroom(&mut doc).and_then(|s| s.obstacles.last_mut())
                {
                    obstacle.polygons.push(piece());
                }
            }
            Role::Crossing => {
                let example = "<crossing id=\"0\" subroom1_id=\"0\" subroom2_id=\"1\">";
                let door = Door {
                    subroom1: loc.id(&tag, "subroom1_id", example)?,
                    subroom2: loc.id(&tag, "subroom2_id", example)?,
                    piece: piece(),
                    ..Door::default()
                };
                if let Some(room) = doc.rooms.last_mut() {
                    room.crossings.push(door);
                }
            }
            Role::Transition => {
                let example = "<transition id=\"0\" room1_id=\"0\" subroom1_id=\"0\" \
                               room2_id=\"-1\" subroom2_id=\"-1\">";
                doc.transitions.push(Door {
                    room1: loc.id(&tag, "room1_id", example)?,
                    subroom1: loc.id(&tag, "subroom1_id", example)?,
                    room2: loc.id(&tag, "room2_id", example)?,
                    subroom2: loc.id(&tag, "subroom2_id", example)?,
                    piece: piece(),
                });
            }
            Role::Vertex => {
                let c = Coord {
                    x: loc.coordinate(&tag, "px", scale)?,
                    y: loc.coordinate(&tag, "py", scale)?,
                };
                let target = match stack.last().map(|o| o.role) {
                    Some(Role::Wall) => current_subroom(&mut doc).and_then(|s| s.walls.last_mut()),
                    Some(Role::ObstaclePolygon) => current_subroom(&mut doc)
                        .and_then(|s| s.obstacles.last_mut())
                        .and_then(|o| o.polygons.last_mut()),
                    Some(Role::Crossing) => doc
                        .rooms
                        .last_mut()
                        .and_then(|r| r.crossings.last_mut())
                        .map(|d| &mut d.piece),
                    Some(Role::Transition) => doc.transitions.last_mut().map(|d| &mut d.piece),
                    _ => None,
                };
                if let Some(target) = target {
                    target.points.push(c);
                }
            }
            Role::Geometry
            | Role::Rooms
            | Role::Crossings
            | Role::Transitions
            | Role::StairEnd
            | Role::Skipped => {}
        }
        if !empty {
            stack.push(Open {
                name: tag.name,
                offset: start,
                role,
            });
        }
    }
    if let Some(open) = stack.last() {
        return Err(loc.error(
            open.offset,
            format!(
                "<{}> is never closed (the file ends before </{}>)",
                open.name, open.name
            ),
        ));
    }
    if !root_seen {
        return Err(loc.error(
            0,
            "the file holds no XML element; expected <geometry version=\"0.8\" unit=\"m\">…",
        ));
    }
    Ok(doc)
}

/// Checks the root element and returns the factor from its unit to metres.
fn root(tag: &Tag, line: usize, source_name: &str) -> Result<f64, GeometryError> {
    let name = tag.name.as_str();
    if name != "geometry" {
        let hint = if name.eq_ignore_ascii_case("JuPedSim")
            || name.eq_ignore_ascii_case("JPSreport")
        {
            "this is a JuPedSim/JPSreport project (ini) file, not a geometry; pass the geometry \
             file it names in its <geometry> element"
                .to_string()
        } else {
            format!(
                "the root element is <{name}>; a JuPedSim geometry file starts with \
                 <geometry version=\"0.8\" unit=\"m\">"
            )
        };
        return Err(unsupported(source_name, hint));
    }
    match tag.get("unit").map(|a| a.value.trim()) {
        None | Some("m") => Ok(1.0),
        Some("cm") => Ok(0.01),
        Some("mm") => Ok(0.001),
        Some(other) => Err(unsupported(
            source_name,
            format!(
                "unit=\"{other}\" on <geometry> (line {line}) is not supported; use unit=\"m\", \
                 \"cm\" or \"mm\""
            ),
        )),
    }
}

fn current_subroom(doc: &mut Doc) -> Option<&mut SubRoom> {
    doc.rooms.last_mut().and_then(|r| r.subrooms.last_mut())
}

/// The polygon(s) of one subroom: its rings (walls and doors) by the even-odd rule, minus its
/// obstacles.
fn subroom_polygons(
    doc: &Doc,
    room: &Room,
    sub: &SubRoom,
    source_name: &str,
    notes: &mut Vec<String>,
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
        let where_ = format!(
            "obstacle {} (line {}) in subroom {} of room {}",
            obstacle.id, obstacle.line, sub.id, room.id
        );
        obstacles.push((where_, obstacle_rings));
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

    // Otherwise: even-odd region of the rings, minus the obstacles — united where they
    // overlap or touch, cut from the boundary where they reach it, dropped when outside, each
    // with a note.
    let region = even_odd(&rings);
    let list: Vec<obstacles::Obstacle> = obstacles
        .iter()
        .map(|(oname, obstacle_rings)| obstacles::Obstacle {
            name: oname.clone(),
            shape: even_odd(obstacle_rings),
            first_corner: obstacle_rings.first().and_then(|r| r.0.first().copied()),
        })
        .collect();
    Ok(cut_obstacles(&region, &list, notes).0)
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
            msg.contains("line 4, column 16: <vertex> attribute py=\"abc\" is not a finite number"),
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
        let area = read(&text).unwrap();
        assert_eq!(area.area(), 40.0);
        let note = &area.notes()[0];
        assert!(
            note.starts_with(
                "obstacle 9 (line 3) in subroom 0 of room 0 (first corner (20, 1)) lies outside"
            ),
            "{note}"
        );
        assert!(note.ends_with("dropped (area unchanged)"), "{note}");

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
        assert!(
            area.notes()[0].contains("touches the outer boundary")
                && area.notes()[0].ends_with("area −2 m²"),
            "{:?}",
            area.notes()
        );
    }

    #[test]
    fn overlapping_obstacles_are_united_with_a_note() {
        // Two 2 m × 2 m tables overlapping by 1 m × 2 m in the 10 m × 4 m room: 40 − 6 = 34 m².
        let tables = format!(
            "<obstacle id=\"1\">{}</obstacle><obstacle id=\"2\">{}</obstacle>",
            wall(&[(2.0, 1.0), (4.0, 1.0), (4.0, 3.0), (2.0, 3.0), (2.0, 1.0)]),
            wall(&[(3.0, 1.0), (5.0, 1.0), (5.0, 3.0), (3.0, 3.0), (3.0, 1.0)])
        );
        let text = geometry(
            "m",
            &format!(
                "<rooms><room id=\"0\">{}</room></rooms>",
                subroom("0", &(wall(BOX) + &tables))
            ),
        );
        let area = read(&text).unwrap();
        assert!((area.area() - 34.0).abs() < 1e-9, "{}", area.area());
        assert_eq!(area.hole_count(), 1);
        assert_eq!(area.notes().len(), 1, "{:?}", area.notes());
        let note = &area.notes()[0];
        assert!(
            note.starts_with(
                "obstacle 1 (line 3) in subroom 0 of room 0 (first corner (2, 1)) and obstacle 2"
            ) && note
                .contains("overlap: united into one obstacle of 6 m² (together 8 m²; the 2 m²"),
            "{note}"
        );
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

    /// A small valid file, one element per line, to break in every way.
    const VALID: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
        <geometry version=\"0.8\" caption=\"box\" unit=\"m\">\n\
        <rooms><room id=\"0\" caption=\"hall\"><subroom id=\"0\" class=\"subroom\">\n\
        <polygon caption=\"wall\">\n\
        <vertex px=\"0\" py=\"0\"/>\n\
        <vertex px=\"10\" py=\"0\"/>\n\
        <vertex px=\"10\" py=\"4\"/>\n\
        <vertex px=\"0\" py=\"4\"/>\n\
        <vertex px=\"0\" py=\"0\"/>\n\
        </polygon>\n\
        </subroom></room></rooms>\n\
        </geometry>\n";

    /// `VALID` with the first `from` replaced by `to`, read: must be a parse error whose message
    /// contains `expected`.
    fn broken(what: &str, from: &str, to: &str, expected: &str) {
        assert!(VALID.contains(from), "{what}: {from:?} is not in the text");
        let text = VALID.replacen(from, to, 1);
        let e = read(&text).unwrap_err();
        assert!(
            matches!(e, GeometryError::Parse { format: FORMAT, .. }),
            "{what}: {e:?}"
        );
        let msg = e.to_string();
        assert!(
            msg.starts_with("geo.xml: not valid JuPedSim geometry XML: line "),
            "{what}: {msg}"
        );
        assert!(msg.contains(expected), "{what}: {msg}");
    }

    /// Reads `VALID` with the first `from` replaced by `to`; it must read (to area 40).
    fn still_valid(from: &str, to: &str) {
        assert!(VALID.contains(from), "{from:?} is not in the text");
        let text = VALID.replacen(from, to, 1);
        let area = read(&text).unwrap_or_else(|e| panic!("{to:?}: {e}"));
        assert_eq!(area.area(), 40.0, "{to:?}");
    }

    const V6: &str = "<vertex px=\"10\" py=\"0\"/>";

    #[test]
    fn the_small_valid_file_reads() {
        assert_eq!(read(VALID).unwrap().area(), 40.0);
    }

    #[test]
    fn unclosed_tags_are_located_errors() {
        // As in the tester's report: the '/>' of a vertex deleted, so the tag runs on into the
        // next one and swallows it.
        broken(
            "'/>' missing",
            V6,
            "<vertex px=\"10\" py=\"0\"",
            "line 7, column 1: '<' inside the tag <vertex> that starts at line 6, column 1: that \
             tag is not closed — its '/>' or '>' is missing",
        );
        broken(
            "'>' missing",
            V6,
            "<vertex px=\"10\" py=\"0\"/",
            "line 7, column 1: '<' inside the tag <vertex> that starts at line 6, column 1",
        );
        broken(
            "'/' missing",
            V6,
            "<vertex px=\"10\" py=\"0\">",
            "line 7, column 1: unexpected element <vertex> inside <vertex> (line 6)",
        );
        broken(
            "the file ends inside a tag",
            "<vertex px=\"10\" py=\"4\"/>",
            "<vertex px=\"10\" py=\"4",
            "line 7, column 1: syntax error: attribute value not closed",
        );
        broken(
            "the file ends inside an end tag",
            "</geometry>\n",
            "</geom",
            "line 12, column 1: syntax error: tag not closed",
        );
        broken(
            "the file ends before the root is closed",
            "</geometry>\n",
            "",
            "line 2, column 1: <geometry> is never closed",
        );
    }

    #[test]
    fn malformed_attributes_are_located_errors() {
        let cases = [
            (
                "'<' in a value",
                "caption=\"wall\"",
                "caption=\"wa<ll\"",
                "line 4, column 21: '<' inside an attribute value of <polygon>",
            ),
            (
                "'=' in attribute position",
                V6,
                "<vertex px=\"10\" = py=\"0\"/>",
                "line 6, column 19: in the tag <vertex>, an attribute name must be followed by '='",
            ),
            (
                "'==' before a value",
                V6,
                "<vertex px==\"10\" py=\"0\"/>",
                "line 6, column 12: in the tag <vertex>, an attribute value must be in quotes",
            ),
            (
                "quoted attribute name",
                V6,
                "<vertex px=\"10\" \"py\"=\"0\"/>",
                "line 6, column 17: the attribute name \"py\" in the tag <vertex> is not a valid \
                 XML name",
            ),
            (
                "doubled quote",
                V6,
                "<vertex px=\"10\"\" py=\"0\"/>",
                "line 6, column 1: syntax error: attribute value not closed",
            ),
            (
                "no space between attributes",
                V6,
                "<vertex px=\"10\"py=\"0\"/>",
                "line 6, column 16: attribute py of <vertex> follows the previous attribute without \
              a space",
            ),
            (
                "duplicate attribute",
                V6,
                "<vertex px=\"10\" py=\"0\" px=\"3\"/>",
                "line 6, column 24: attribute px appears twice in the tag <vertex> (first at line 6, \
              column 9)",
            ),
            (
                "unquoted value",
                V6,
                "<vertex px=10 py=\"0\"/>",
                "line 6, column 12: in the tag <vertex>, an attribute value must be in quotes",
            ),
            (
                "name without value",
                V6,
                "<vertex px=\"10\" py/>",
                "line 6, column 19: in the tag <vertex>, an attribute name must be followed by '='",
            ),
            (
                "'=' without value",
                V6,
                "<vertex px=\"10\" py=/>",
                "line 6, column 20: in the tag <vertex>, '=' must be followed by a quoted value",
            ),
            (
                "bare '&'",
                "caption=\"wall\"",
                "caption=\"wa&ll\"",
                "line 4, column 10: <polygon> attribute caption=\"wa&ll\": ",
            ),
            (
                "unknown entity",
                "caption=\"wall\"",
                "caption=\"wa&foo;ll\"",
                "line 4, column 10: <polygon> attribute caption=\"wa&foo;ll\": ",
            ),
            (
                "declaration without space",
                "version=\"1.0\" encoding",
                "version=\"1.0\"encoding",
                "line 1, column 20: attribute encoding of <xml> follows the previous attribute",
            ),
            (
                "declaration without version",
                "<?xml version=\"1.0\" ",
                "<?xml ",
                "line 1, column 1: ill-formed document: an XML declaration must start with \
              `version`",
            ),
        ];
        for (what, from, to, expected) in cases {
            broken(what, from, to, expected);
        }
        // What is well-formed stays readable.
        still_valid("caption=\"wall\"", "caption = 'w&amp;a&#108;&lt;l'");
        still_valid(V6, "<vertex\n px=\" 10\"\tpy=\"0\" />");
    }

    #[test]
    fn malformed_names_and_end_tags_are_located_errors() {
        broken(
            "space after '<'",
            V6,
            "< vertex px=\"10\" py=\"0\"/>",
            "line 6, column 2: \"\" is not a valid element name",
        );
        broken(
            "'/' inside the name",
            V6,
            "<vertex/ px=\"10\" py=\"0\"/>",
            "line 6, column 2: \"vertex/\" is not a valid element name",
        );
        broken(
            "mismatched end tag",
            "</polygon>",
            "</polyon>",
            "line 10, column 1: ill-formed document: expected `</polygon>`, but `</polyon>` was \
             found",
        );
        broken(
            "end tag without start",
            "</geometry>\n",
            "</geometry>\n</rooms>",
            "line 13, column 1: ill-formed document: close tag `</rooms>` does not match any open \
             tag",
        );
        broken(
            "comment with '--'",
            "<polygon caption=\"wall\">",
            "<polygon caption=\"wall\"><!-- a -- b -->",
            "line 4, column 32: ill-formed document: forbidden string `--` was found in a comment",
        );
    }

    #[test]
    fn stray_text_and_a_second_root_are_errors() {
        let cases = [
            (
                "text after the root",
                "</geometry>\n",
                "</geometry>\ntrailing text",
                "line 13, column 1: unexpected text \"trailing text\" after the end of the root \
              element",
            ),
            (
                "a second root",
                "</geometry>\n",
                "</geometry>\n<geometry/>",
                "line 13, column 1: a second root element <geometry> after </geometry>",
            ),
            (
                "text before the root",
                "<geometry version",
                "x <geometry version",
                "line 2, column 1: unexpected text \"x\" before the root element",
            ),
            // '<vertex' deleted: the rest of the tag is text, and the corner would be lost.
            (
                "tag name deleted",
                V6,
                "px=\"10\" py=\"0\"/>",
                "line 6, column 1: unexpected text \"px=\"10\" py=\"0\"/>\" inside <polygon>",
            ),
            (
                "reference in the geometry",
                "<polygon caption=\"wall\">",
                "<polygon caption=\"wall\">&amp;",
                "line 4, column 25: unexpected text \"&amp;\" inside <polygon>",
            ),
            (
                "CDATA in the geometry",
                "<polygon caption=\"wall\">",
                "<polygon caption=\"wall\"><![CDATA[x]]>",
                "line 4, column 25: unexpected CDATA section inside <polygon>",
            ),
            (
                "DOCTYPE after the root",
                "</geometry>\n",
                "</geometry>\n<!DOCTYPE geometry>",
                "line 13, column 1: a <!DOCTYPE> declaration must come before the root element",
            ),
            (
                "declaration not first",
                "<?xml",
                " <?xml",
                "line 1, column 2: the XML declaration <?xml …?> must be the very first thing",
            ),
            (
                "NUL character",
                "<polygon caption=\"wall\">",
                "<polygon caption=\"wall\">\u{0}",
                "line 4, column 25: the character U+0000 is not allowed in XML",
            ),
            (
                "unknown entity in a skipped element",
                "</rooms>",
                "</rooms><goals><goal id=\"0\">text &foo;</goal></goals>",
                "line 11, column 51: \"&foo;\" is not a known entity or character reference",
            ),
        ];
        for (what, from, to, expected) in cases {
            broken(what, from, to, expected);
        }
        still_valid("</geometry>\n", "</geometry>\n<!-- end -->\n<?pi fine?>\n");
        still_valid(
            "<geometry version",
            "<!DOCTYPE geometry>\n<geometry version",
        );
        still_valid(
            "</rooms>",
            "</rooms><goals><goal id=\"0\" caption=\"a &amp; b\">text &amp; &#65;<x/></goal></goals>",
        );
    }

    #[test]
    fn misspelt_or_misplaced_elements_in_the_geometry_are_errors() {
        broken(
            "misspelt vertex",
            V6,
            "<vertexx px=\"10\" py=\"0\"/>",
            "line 6, column 1: unexpected element <vertexx> inside <polygon> (line 4); only \
             <vertex> elements may stand there",
        );
        broken(
            "vertex outside a polygon",
            "<polygon caption=\"wall\">\n",
            "<vertex px=\"1\" py=\"1\"/><polygon caption=\"wall\">\n",
            "line 4, column 1: unexpected element <vertex> inside <subroom> (line 3); only \
             <polygon>, <obstacle>, <up> and <down> may stand there",
        );
        broken(
            "misspelt obstacle",
            "</polygon>\n",
            "</polygon>\n<obstacles id=\"0\"><polygon><vertex px=\"1\" py=\"1\"/></polygon>\
             </obstacles>",
            "line 11, column 1: unexpected element <obstacles> inside <subroom> (line 3)",
        );
        broken(
            "misspelt subroom",
            "<subroom id=\"0\" class=\"subroom\">",
            "<subrom id=\"0\" class=\"subroom\">",
            "line 3, column 36: unexpected element <subrom> inside <room> (line 3)",
        );
        // Stair ends are part of the format; other children of <geometry> are skipped.
        still_valid(
            "</polygon>\n",
            "</polygon>\n<up px=\"1\" py=\"1\"/><down px=\"2\" py=\"1\"/>\n",
        );
        still_valid(
            "</rooms>",
            "</rooms><routing><goals><goal id=\"0\"><polygon/></goal></goals></routing>",
        );
    }

    #[test]
    fn required_numbers_and_ids_must_parse() {
        let cases = [
            (
                "room without id",
                "<room id=\"0\"",
                "<room",
                "line 3, column 8: <room> has no id attribute; it is required here",
            ),
            (
                "subroom id not a number",
                "<subroom id=\"0\"",
                "<subroom id=\"zero\"",
                "line 3, column 45: <subroom> attribute id=\"zero\" is not a whole number",
            ),
            (
                "vertex without py",
                V6,
                "<vertex px=\"10\"/>",
                "line 6, column 1: <vertex> has no py attribute",
            ),
            (
                "empty py",
                V6,
                "<vertex px=\"10\" py=\"\"/>",
                "line 6, column 17: <vertex> attribute py=\"\" is not a finite number",
            ),
            (
                "decimal comma",
                V6,
                "<vertex px=\"10,5\" py=\"0\"/>",
                "line 6, column 9: <vertex> attribute px=\"10,5\" is not a finite number",
            ),
        ];
        for (what, from, to, expected) in cases {
            broken(what, from, to, expected);
        }
        let doors = |crossing: &str, transition: &str| {
            let s0 = subroom(
                "0",
                &(wall(&[(4.0, 0.0), (0.0, 0.0), (0.0, 2.0)]) + &wall(&[(0.0, 2.0), (4.0, 2.0)])),
            );
            let s1 = subroom(
                "1",
                &(wall(&[(4.0, 0.0), (8.0, 0.0)]) + &wall(&[(8.0, 2.0), (4.0, 2.0)])),
            );
            geometry(
                "m",
                &format!(
                    "<rooms><room id=\"0\">{s0}{s1}<crossings>\n<crossing id=\"0\" {crossing}>\
                     <vertex px=\"4\" py=\"0\"/><vertex px=\"4\" py=\"2\"/></crossing>\
                     </crossings></room></rooms><transitions>\n<transition id=\"1\" \
                     {transition}><vertex px=\"8\" py=\"0\"/><vertex px=\"8\" py=\"2\"/>\
                     </transition></transitions>"
                ),
            )
        };
        let crossing = "subroom1_id=\"0\" subroom2_id=\"1\"";
        let transition = "room1_id=\"0\" subroom1_id=\"1\" room2_id=\"-1\" subroom2_id=\"-1\"";
        // Ids compare as numbers.
        let area = read(&doors("subroom1_id=\"00\" subroom2_id=\" 1\"", transition)).unwrap();
        assert!((area.area() - 16.0).abs() < 1e-9, "{}", area.area());
        let msg = read(&doors("subroom1_id=\"0\" subroom2_id=\"one\"", transition))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains(
                "line 4, column 34: <crossing> attribute subroom2_id=\"one\" is not a \
                          whole number"
            ),
            "{msg}"
        );
        let msg = read(&doors(
            crossing,
            "room1_id=\"0\" subroom1_id=\"1\" subroom2_id=\"-1\"",
        ))
        .unwrap_err()
        .to_string();
        assert!(
            msg.contains("line 5, column 1: <transition> has no room2_id attribute"),
            "{msg}"
        );
    }
}
