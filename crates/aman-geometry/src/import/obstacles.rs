//! A bounding outline minus obstacles: what the Vadere and crowd:it readers build.

use geo::{BooleanOps, Contains, ContainsProperly, LineString, MultiPolygon, Polygon};

use super::{check_polygon, single_piece, union_all};
use crate::{GeometryError, WalkableArea};

/// `outer` minus every obstacle. Obstacles that lie strictly inside `outer` and apart from one
/// another become its holes with their coordinates unchanged (what PedPy builds); when an
/// obstacle touches or crosses the outline, or obstacles touch or overlap one another, the
/// obstacles are united and cut out of the outline instead, and the result must be one
/// connected polygon. Each obstacle is checked first; `names[i]` names obstacle `i` in messages
/// ("obstacle id 5", "wall w2").
pub(super) fn subtract_obstacles(
    outer: Polygon<f64>,
    obstacles: Vec<Polygon<f64>>,
    names: &[String],
    source_name: &str,
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
    // Obstacles on the outline or touching one another: cut their union out.
    let blocked = union_all(&obstacles);
    let outer = MultiPolygon::new(vec![outer]);
    let mut rest = outer.difference(&blocked);
    rest.0.retain(|p| geo::Area::unsigned_area(p) > 0.0);
    if rest.0.is_empty() && blocked.contains(&outer) {
        return Err(GeometryError::InvalidPolygon {
            source_name: source_name.to_string(),
            message: "the obstacles cover the whole area; nothing is walkable".to_string(),
        });
    }
    single_piece(rest, source_name)
}
