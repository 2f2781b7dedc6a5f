//! Obstacles cut out of a walkable region: what every reader does with the obstacles (holes) of
//! its input when they do not simply lie inside the outline and apart from one another.
//!
//! Real drawings have pillars against a wall, stands that overlap, a kiosk drawn outside the
//! fence. Rather than ask for hand edits, [`cut_obstacles`] uses geo's boolean operations:
//!
//! - obstacles that overlap or touch one another are united;
//! - an obstacle that touches or crosses the outer boundary is cut out of the area (the
//!   boundary moves in);
//! - an obstacle entirely outside the area is dropped;
//!
//! and writes a note for each case: which obstacle, where, what was done, and by how many m²
//! the walkable area changed. A result in several disconnected parts is an error naming the
//! parts ([`single_piece`]).

use geo::orient::{Direction, Orient};
use geo::{
    Area, BooleanOps, ContainsProperly, Coord, Intersects, LineString, MultiPolygon, Polygon,
};

use super::{check_polygon, num, pt, single_piece, union_all};
use crate::{GeometryError, WalkableArea};

/// An obstacle to cut out: its name in notes ("hole 2", "obstacle 4 in subroom 0 of room 1")
/// and its shape.
pub(super) struct Obstacle {
    /// Name used in notes.
    pub name: String,
    /// The obstacle's area (one or several polygons, each valid).
    pub shape: MultiPolygon<f64>,
    /// Its first corner as drawn, to say where it is.
    pub first_corner: Option<Coord<f64>>,
}

impl Obstacle {
    /// An obstacle of one polygon.
    pub fn new(name: String, polygon: Polygon<f64>) -> Self {
        Obstacle {
            name,
            first_corner: polygon.exterior().0.first().copied(),
            shape: MultiPolygon::new(vec![polygon.orient(Direction::Default)]),
        }
    }

    /// "hole 2 (first corner (4, 0))".
    fn label(&self) -> String {
        match self.first_corner {
            // "obstacle 9 in subroom 0 of room 0 (line 3, first corner (20, 1))"
            Some(c) => match self.name.strip_suffix(')') {
                Some(open) => format!("{open}, first corner {})", pt(c)),
                None => format!("{} (first corner {})", self.name, pt(c)),
            },
            None => self.name.clone(),
        }
    }
}

/// Areas below this (m², relative to the region's area, at least 1e-9 m²) are numerical
/// slivers of the boolean operations, not area.
fn sliver(region_area: f64) -> f64 {
    (region_area * 1e-12).max(1e-9)
}

/// "1 m²", "0.25 m²".
fn m2(v: f64) -> String {
    format!("{} m²", num(v))
}

/// `region` minus every obstacle, with a note in `notes` for every obstacle that did not lie
/// strictly inside the region and apart from the others: obstacles that overlap or touch are
/// united, one touching or crossing the region's boundary is cut out of it (the boundary moves
/// in), one entirely outside is dropped. The result may have several parts; the caller
/// decides whether that is allowed.
pub(super) fn cut_obstacles(
    region: &MultiPolygon<f64>,
    obstacles: &[Obstacle],
    notes: &mut Vec<String>,
) -> MultiPolygon<f64> {
    let region_area = region.unsigned_area();
    let eps = sliver(region_area);
    // Obstacles that reach into the region, with a note for those that are not inside it.
    let mut kept: Vec<&Obstacle> = Vec::new();
    for o in obstacles {
        let area = o.shape.unsigned_area();
        let inside = region.intersection(&o.shape).unsigned_area();
        if inside <= eps {
            notes.push(format!(
                "{} lies outside the walkable area's outer boundary: dropped (area unchanged)",
                o.label()
            ));
            continue;
        }
        let properly_inside = o
            .shape
            .0
            .iter()
            .all(|p| region.0.iter().any(|r| r.contains_properly(p)));
        if !properly_inside {
            if area - inside > eps {
                notes.push(format!(
                    "{} crosses the outer boundary: its {} inside are cut from the walkable \
                     area, whose boundary moves in ({} of it outside ignored); area −{}",
                    o.label(),
                    m2(inside),
                    m2(area - inside),
                    m2(inside)
                ));
            } else {
                notes.push(format!(
                    "{} touches the outer boundary: cut from the walkable area, whose boundary \
                     moves in; area −{}",
                    o.label(),
                    m2(inside)
                ));
            }
        }
        kept.push(o);
    }
    // Groups of obstacles that touch or overlap (union–find over pairs).
    let n = kept.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..n {
        for j in i + 1..n {
            if kept[i].shape.intersects(&kept[j].shape) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    for g in 0..n {
        let members: Vec<&Obstacle> = (0..n)
            .filter(|&i| root(&mut parent, i) == g)
            .map(|i| kept[i])
            .collect();
        if members.len() < 2 {
            continue;
        }
        let polygons: Vec<Polygon<f64>> = members
            .iter()
            .flat_map(|o| o.shape.0.iter().cloned())
            .collect();
        let sum: f64 = members.iter().map(|o| o.shape.unsigned_area()).sum();
        let united = union_all(&polygons).unsigned_area();
        let names = join_names(&members.iter().map(|o| o.label()).collect::<Vec<_>>());
        if sum - united > eps {
            notes.push(format!(
                "{names} overlap: united into one obstacle of {} (together {}; the {} where \
                 they overlap is cut out once)",
                m2(united),
                m2(sum),
                m2(sum - united)
            ));
        } else {
            notes.push(format!(
                "{names} touch: united into one obstacle of {}",
                m2(united)
            ));
        }
    }
    let all: Vec<Polygon<f64>> = kept
        .iter()
        .flat_map(|o| o.shape.0.iter().cloned())
        .collect();
    let blocked = union_all(&all);
    let mut rest = region.difference(&blocked);
    rest.0.retain(|p| p.unsigned_area() > eps);
    rest
}

/// "a", "a and b", "a, b and c".
fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The message for a walkable area that the obstacles cut into parts (or covered): the notes
/// say what was cut.
pub(super) fn with_cut_notes(error: GeometryError, notes: &[String]) -> GeometryError {
    if notes.is_empty() {
        return error;
    }
    match error {
        GeometryError::InvalidPolygon {
            source_name,
            message,
        } => GeometryError::InvalidPolygon {
            source_name,
            message: format!(
                "{message}. The obstacles were cut out as follows: {}",
                notes.join("; ")
            ),
        },
        other => other,
    }
}

/// A polygon as drawn, or — when its holes (obstacles) overlap, touch one another or the outer
/// ring, or lie outside it — its outer ring minus its holes by [`cut_obstacles`], with notes.
/// `what` names the polygon in messages ("" for the only one, "polygon 2 of 3").
///
/// # Errors
/// The polygon's own error from `check_polygon` if the outer ring or a hole is itself invalid
/// (crosses itself, too few corners, not finite).
pub(super) fn polygon_or_cut(
    polygon: Polygon<f64>,
    source_name: &str,
    what: &str,
    notes: &mut Vec<String>,
) -> Result<MultiPolygon<f64>, GeometryError> {
    let Err(error) = check_polygon(&polygon, source_name, what) else {
        return Ok(MultiPolygon::new(vec![polygon]));
    };
    if polygon.interiors().is_empty() {
        return Err(error);
    }
    let prefix = if what.is_empty() {
        String::new()
    } else {
        format!("{what}: ")
    };
    let outer = Polygon::new(polygon.exterior().clone(), Vec::new());
    let outer_name = if what.is_empty() {
        "the outer ring".to_string()
    } else {
        format!("{what}, outer ring")
    };
    if check_polygon(&outer, source_name, &outer_name).is_err() {
        return Err(error);
    }
    let mut obstacles = Vec::new();
    for (k, ring) in polygon.interiors().iter().enumerate() {
        let hole = Polygon::new(ring.clone(), Vec::new());
        let name = format!("{prefix}hole {}", k + 1);
        // A hole that is itself broken (crosses itself, too few corners) is an error, named
        // as a hole: "hole 2: its ring crosses or touches itself at (1, 1)".
        check_polygon(&hole, source_name, &name).map_err(|e| match e {
            GeometryError::InvalidPolygon {
                source_name,
                message,
            } => GeometryError::InvalidPolygon {
                source_name,
                message: message.replacen("the outer ring", "its ring", 1),
            },
            other => other,
        })?;
        obstacles.push(Obstacle::new(name, hole));
    }
    let region = MultiPolygon::new(vec![outer.orient(Direction::Default)]);
    Ok(cut_obstacles(&region, &obstacles, notes))
}

/// `outer` minus every obstacle. Obstacles that lie strictly inside `outer` and apart from one
/// another become its holes with their coordinates unchanged (what PedPy builds); otherwise
/// [`cut_obstacles`] unites, cuts and drops them, and the result must be one connected
/// polygon. With `keep_notes` the area carries a note for each such obstacle (Vadere: an
/// obstacle touching the bound is an exception); without, none (crowd:it: walls meeting one
/// another is how a floor is drawn). Each obstacle is checked first; `names[i]` names obstacle
/// `i` ("obstacle id 5", "wall w2").
pub(super) fn subtract_obstacles(
    outer: Polygon<f64>,
    obstacles: Vec<Polygon<f64>>,
    names: &[String],
    source_name: &str,
    keep_notes: bool,
) -> Result<WalkableArea, GeometryError> {
    check_polygon(&outer, source_name, "the outer boundary")?;
    for (obstacle, name) in obstacles.iter().zip(names) {
        check_polygon(obstacle, source_name, name)?;
    }
    let all_inside = obstacles.iter().all(|o| outer.contains_properly(o));
    if all_inside {
        let holes: Vec<LineString<f64>> = obstacles.iter().map(|o| o.exterior().clone()).collect();
        let polygon = Polygon::new(outer.exterior().clone(), holes);
        if check_polygon(&polygon, source_name, "").is_ok() {
            return WalkableArea::new(polygon, source_name);
        }
    }
    let list: Vec<Obstacle> = obstacles
        .into_iter()
        .zip(names)
        .map(|(p, name)| Obstacle::new(name.clone(), p))
        .collect();
    let region = MultiPolygon::new(vec![outer.orient(Direction::Default)]);
    let mut notes = Vec::new();
    let rest = cut_obstacles(&region, &list, &mut notes);
    if rest.0.is_empty() {
        return Err(GeometryError::InvalidPolygon {
            source_name: source_name.to_string(),
            message: "the obstacles cover the whole area; nothing is walkable".to_string(),
        });
    }
    if !keep_notes {
        notes.clear();
    }
    single_piece(rest, source_name)
        .map(|a| a.with_notes(notes.clone()))
        .map_err(|e| with_cut_notes(e, &notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        Polygon::new(
            LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
            Vec::new(),
        )
    }

    fn cut(obstacles: Vec<Polygon<f64>>) -> (MultiPolygon<f64>, Vec<String>) {
        let region = MultiPolygon::new(vec![rect(0.0, 0.0, 10.0, 10.0)]);
        let list: Vec<Obstacle> = obstacles
            .into_iter()
            .enumerate()
            .map(|(k, p)| Obstacle::new(format!("hole {}", k + 1), p))
            .collect();
        let mut notes = Vec::new();
        let rest = cut_obstacles(&region, &list, &mut notes);
        (rest, notes)
    }

    #[test]
    fn overlapping_obstacles_are_united_once() {
        // 2 × 2 and 2 × 2 overlapping in a 1 × 2 strip: 7 m² blocked of 100.
        let (rest, notes) = cut(vec![rect(2.0, 2.0, 4.0, 4.0), rect(3.0, 2.0, 5.0, 4.0)]);
        assert!((rest.unsigned_area() - 94.0).abs() < 1e-9);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains(
                "hole 1 (first corner (2, 2)) and hole 2 (first corner (3, 2)) overlap: united \
                 into one obstacle of 6 m² (together 8 m²; the 2 m² where they overlap"
            ),
            "{notes:?}"
        );
    }

    #[test]
    fn obstacle_across_the_wall_moves_the_boundary_in() {
        // 2 × 2 square centred on the wall x = 10: 2 m² inside.
        let (rest, notes) = cut(vec![rect(9.0, 4.0, 11.0, 6.0)]);
        assert!((rest.unsigned_area() - 98.0).abs() < 1e-9);
        assert!(
            notes[0].contains("crosses the outer boundary: its 2 m² inside are cut")
                && notes[0].contains("(2 m² of it outside ignored); area −2 m²"),
            "{notes:?}"
        );
        assert_eq!(rest.0.len(), 1);
        assert!(rest.0[0].interiors().is_empty(), "a notch, not a hole");
    }

    #[test]
    fn obstacle_against_the_wall_and_one_outside() {
        let (rest, notes) = cut(vec![rect(0.0, 0.0, 1.0, 3.0), rect(20.0, 20.0, 21.0, 21.0)]);
        assert!((rest.unsigned_area() - 97.0).abs() < 1e-9);
        assert!(
            notes[0].starts_with("hole 1 (first corner (0, 0)) touches the outer boundary")
                && notes[0].ends_with("area −3 m²"),
            "{notes:?}"
        );
        assert!(
            notes[1].starts_with("hole 2 (first corner (20, 20)) lies outside")
                && notes[1].contains("dropped"),
            "{notes:?}"
        );
    }

    #[test]
    fn a_broken_hole_is_still_an_error() {
        // Hole 2 is a bow-tie; hole 1 overlaps the wall (which alone would be repaired).
        let polygon = Polygon::new(
            rect(0.0, 0.0, 10.0, 10.0).exterior().clone(),
            vec![
                rect(-1.0, 2.0, 1.0, 3.0).exterior().clone(),
                LineString::from(vec![
                    (4.0, 4.0),
                    (6.0, 6.0),
                    (6.0, 4.0),
                    (4.0, 6.0),
                    (4.0, 4.0),
                ]),
            ],
        );
        let e = polygon_or_cut(polygon, "v.wkt", "", &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("hole 2: its ring crosses or touches itself at (5, 5)"),
            "{e}"
        );
    }

    #[test]
    fn obstacles_inside_and_apart_give_no_note() {
        let (rest, notes) = cut(vec![rect(2.0, 2.0, 3.0, 3.0), rect(5.0, 5.0, 6.0, 6.0)]);
        assert!((rest.unsigned_area() - 98.0).abs() < 1e-9);
        assert!(notes.is_empty(), "{notes:?}");
    }
}
