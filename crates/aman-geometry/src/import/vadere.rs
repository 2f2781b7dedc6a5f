//! Vadere scenario files (`.scenario`, JSON): the topography's bounds minus its obstacles.

use geo::{Coord, LineString, Polygon};
use serde_json::Value;

use super::obstacles::subtract_obstacles;
use super::{strip_bom, unsupported};
use crate::{GeometryError, WalkableArea};

const FORMAT: &str = "Vadere scenario JSON";

/// Decimals the coordinates are rounded to, as PedPy's default `decimals = 6`.
const DECIMALS: i32 = 6;

/// Reads the walkable area of a Vadere scenario (JSON, Vadere ≥ 1.x `"release"`), as PedPy
/// 1.5.1's `load_walkable_area_from_vadere_scenario(vadere_scenario_file, margin, decimals=6)`
/// (`pedpy/io/vadere_loader.py`) does:
///
/// - the outline is the rectangle `scenario.topography.attributes.bounds` (`x`, `y`, `width`,
///   `height`, metres) shrunk on every side by `boundingBoxWidth − margin` — the inner edge of
///   Vadere's bounding-box obstacle, widened by `margin` (m, 0 or ≥ 10⁻⁶);
/// - every entry of `scenario.topography.obstacles` is cut out: shape `RECTANGLE` (`x`, `y`,
///   `width`, `height`) or `POLYGON` (`points: [{x, y}, …]`);
/// - coordinates are rounded to 6 decimals (NumPy's round half to even), which absorbs
///   Vadere's floating-point noise.
///
/// Obstacles strictly inside the outline become holes, exactly as in PedPy. PedPy rejects an
/// obstacle that touches the outline (its polygons cannot have a hole touching the boundary)
/// and asks for a `margin` such as 10⁻³; this reader instead cuts such obstacles out of the
/// outline, so the result is the same area with `margin = 0` — and identical to PedPy's with the
/// margin PedPy needs.
///
/// ```
/// use aman_geometry::import::walkable_area_from_vadere_scenario;
/// let json = r#"{"scenario": {"topography": {
///     "attributes": {"bounds": {"x": 0, "y": 0, "width": 10, "height": 6}, "boundingBoxWidth": 0.5},
///     "obstacles": [{"id": 1, "shape": {"type": "RECTANGLE", "x": 4, "y": 2, "width": 1, "height": 1}}]}}}"#;
/// let area = walkable_area_from_vadere_scenario(json, "room.scenario", 0.0).unwrap();
/// assert_eq!(area.area(), 9.0 * 5.0 - 1.0);
/// ```
///
/// # Errors
/// [`GeometryError::Parse`] if the text is not JSON (with line and column) or a required member
/// is missing or not a number (naming its path, e.g. `scenario.topography.attributes.bounds.width`),
/// [`GeometryError::Unsupported`] for an obstacle shape other than RECTANGLE and POLYGON (naming
/// the obstacle id, as PedPy) or a `margin` that is negative, not finite or between 0 and 10⁻⁶,
/// [`GeometryError::InvalidPolygon`] if the outline has no area, an obstacle is degenerate, or
/// the obstacles split the area into separate parts.
pub fn walkable_area_from_vadere_scenario(
    text: &str,
    source_name: &str,
    margin: f64,
) -> Result<WalkableArea, GeometryError> {
    let parse = |message: String| GeometryError::Parse {
        source_name: source_name.to_string(),
        format: FORMAT,
        message,
    };
    if !(margin == 0.0 || (margin.is_finite() && margin >= 1e-6)) {
        return Err(unsupported(
            source_name,
            format!(
                "margin {margin} m: it must be 0 or a number ≥ 1e-6 m (coordinates are rounded \
                 to 6 decimals)"
            ),
        ));
    }
    let json: Value = serde_json::from_str(strip_bom(text))
        .map_err(|e| parse(format!("{e} (line {}, column {})", e.line(), e.column())))?;
    let topography = member(&json, &["scenario", "topography"]).map_err(parse)?;
    let attributes = member(topography, &["attributes"]).map_err(parse)?;
    let path = "scenario.topography.attributes";
    let bounds = member(attributes, &["bounds"]).map_err(parse)?;
    let number = |v: &Value, key: &str, at: &str| -> Result<f64, GeometryError> {
        match v.get(key) {
            Some(Value::Number(n)) => n
                .as_f64()
                .filter(|f| f.is_finite())
                .ok_or_else(|| parse(format!("{at}.{key} is {n}, not a finite number"))),
            Some(other) => Err(parse(format!(
                "{at}.{key} is {other}; expected a number (metres)"
            ))),
            None => Err(parse(format!("{at} has no member `{key}`"))),
        }
    };
    let bbw = number(attributes, "boundingBoxWidth", path)?;
    let inset = bbw - margin;
    let at = "scenario.topography.attributes.bounds";
    let x = number(bounds, "x", at)? + inset;
    let y = number(bounds, "y", at)? + inset;
    let width = number(bounds, "width", at)? - 2.0 * inset;
    let height = number(bounds, "height", at)? - 2.0 * inset;
    if !(width > 0.0 && height > 0.0) {
        return Err(GeometryError::InvalidPolygon {
            source_name: source_name.to_string(),
            message: format!(
                "the bounds minus the bounding box ({bbw} m on each side) leave {width} m × \
                 {height} m; nothing is walkable"
            ),
        });
    }
    let outer = polygon(&rectangle(x, y, width, height));

    let obstacles = match topography.get("obstacles") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list.clone(),
        Some(other) => {
            return Err(parse(format!(
                "scenario.topography.obstacles is {}; expected a list",
                kind(other)
            )));
        }
    };
    let mut polygons = Vec::with_capacity(obstacles.len());
    let mut names = Vec::with_capacity(obstacles.len());
    for (i, obstacle) in obstacles.iter().enumerate() {
        let name = match obstacle.get("id") {
            Some(id) => format!("obstacle id {id}"),
            None => format!("obstacle {}", i + 1),
        };
        let at = format!("scenario.topography.obstacles[{i}].shape");
        let shape = obstacle
            .get("shape")
            .ok_or_else(|| parse(format!("{name} has no `shape`")))?;
        let points = match shape.get("type").and_then(Value::as_str) {
            Some("RECTANGLE") => rectangle(
                number(shape, "x", &at)?,
                number(shape, "y", &at)?,
                number(shape, "width", &at)?,
                number(shape, "height", &at)?,
            ),
            Some("POLYGON") => {
                let Some(Value::Array(list)) = shape.get("points") else {
                    return Err(parse(format!("{at} has no list `points`")));
                };
                let mut points = Vec::with_capacity(list.len());
                for (k, p) in list.iter().enumerate() {
                    let at = format!("{at}.points[{k}]");
                    points.push(Coord {
                        x: round(number(p, "x", &at)?),
                        y: round(number(p, "y", &at)?),
                    });
                }
                points
            }
            other => {
                return Err(unsupported(
                    source_name,
                    format!(
                        "{name} has the shape {}; only RECTANGLE and POLYGON obstacles can be \
                         converted (as in PedPy) — draw it as a polygon in Vadere",
                        other.unwrap_or("(no type)")
                    ),
                ));
            }
        };
        polygons.push(polygon(&points));
        names.push(name);
    }
    subtract_obstacles(outer, polygons, &names, source_name, true)
}

/// A member reached by a path of keys, or the message naming the first missing one.
fn member<'a>(value: &'a Value, path: &[&str]) -> Result<&'a Value, String> {
    let mut at = value;
    let mut walked = String::new();
    for key in path {
        at = at.get(key).ok_or_else(|| {
            if walked.is_empty() {
                format!("no member `{key}` at the top level; a Vadere scenario has `scenario`")
            } else {
                format!("{walked} has no member `{key}`")
            }
        })?;
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(key);
    }
    Ok(at)
}

/// A JSON value's kind, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// NumPy's `round(v, 6)`: `rint(v·10⁶) / 10⁶`.
fn round(v: f64) -> f64 {
    let scale = 10f64.powi(DECIMALS);
    (v * scale).round_ties_even() / scale
}

/// The corners of a Vadere rectangle (lower-left corner, width, height), rounded.
fn rectangle(x: f64, y: f64, width: f64, height: f64) -> Vec<Coord<f64>> {
    let (x2, y2) = (x + width, y + height);
    [(x, y), (x2, y), (x2, y2), (x, y2)]
        .into_iter()
        .map(|(x, y)| Coord {
            x: round(x),
            y: round(y),
        })
        .collect()
}

fn polygon(points: &[Coord<f64>]) -> Polygon<f64> {
    Polygon::new(LineString::new(points.to_vec()), Vec::new())
}
