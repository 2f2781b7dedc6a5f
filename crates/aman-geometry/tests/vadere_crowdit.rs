//! The Vadere scenario and crowd:it floor readers on PedPy's demo fixtures
//! (`../shared/data/format-fixtures/`) and on broken inputs. Expected areas come from PedPy
//! 1.5.1 on the same files (the call is named at each).

use std::path::{Path, PathBuf};

use aman_geometry::import::{
    walkable_area_from_crowdit_floor, walkable_area_from_file, walkable_area_from_vadere_scenario,
};
use aman_geometry::{GeometryError, Vec2};

fn fixture(file: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/format-fixtures")
        .join(file);
    assert!(
        path.is_file(),
        "test data {} is missing: these tests read the shared real-data folder ../shared/data \
         next to the repository",
        path.display()
    );
    path
}

fn text(file: &str) -> String {
    std::fs::read_to_string(fixture(file)).unwrap()
}

#[test]
fn vadere_bottleneck_with_pedpy_margin() {
    let json = text("vadere/vadere_bottleneck.scenario");
    // PedPy 1.5.1 load_walkable_area_from_vadere_scenario(file, margin=1e-3): area 59.532004,
    // 2 holes, bounds (0.499, 0.499, 7.501, 9.501).
    let area = walkable_area_from_vadere_scenario(&json, "b.scenario", 1e-3).unwrap();
    assert!((area.area() - 59.532004).abs() < 1e-9, "{}", area.area());
    assert_eq!(area.hole_count(), 2);
    assert_eq!(
        area.bounds(),
        (Vec2::new(0.499, 0.499), Vec2::new(7.501, 9.501))
    );
    // The bottleneck between the two obstacles (x 3.5…4.5 at y 3) is walkable, the obstacles
    // are not.
    assert!(area.contains(Vec2::new(4.0, 3.0)));
    assert!(!area.contains(Vec2::new(2.0, 3.2)));
}

#[test]
fn vadere_bottleneck_without_margin() {
    // PedPy 1.5.1 with margin 0 raises "Cannot convert obstacles with IDs ['5, 6'] because they
    // touch the bound"; here they are cut out of the outline: 7 m × 9 m minus two obstacles of
    // 1.75 m² each.
    let area = walkable_area_from_file(&fixture("vadere/vadere_bottleneck.scenario")).unwrap();
    assert!((area.area() - 59.5).abs() < 1e-9, "{}", area.area());
    assert_eq!(area.hole_count(), 0);
    assert_eq!(area.bounds(), (Vec2::new(0.5, 0.5), Vec2::new(7.5, 9.5)));
    assert!(area.contains(Vec2::new(4.0, 3.0)));
    assert!(!area.contains(Vec2::new(0.7, 3.2)));
    // One note per obstacle touching the bound, each with its 1.75 m².
    assert_eq!(area.notes().len(), 2, "{:?}", area.notes());
    for note in area.notes() {
        assert!(
            note.contains("touches the outer boundary") && note.ends_with("area −1.75 m²"),
            "{note}"
        );
    }
    // With PedPy's margin the obstacles lie inside: used as drawn, no note.
    let json = text("vadere/vadere_bottleneck.scenario");
    let area = walkable_area_from_vadere_scenario(&json, "b.scenario", 1e-3).unwrap();
    assert!(area.notes().is_empty(), "{:?}", area.notes());
}

#[test]
fn crowdit_floor_fixture() {
    let xml = text("crowdit/crowdit.floor");
    // PedPy 1.5.1 load_walkable_area_from_crowdit(geometry_file=…) (buffer 1e-3): area
    // 949.6021409212651, 28 holes, bounds (11.358999, 11.319, 55.270996, 37.220998).
    let area = walkable_area_from_crowdit_floor(&xml, "crowdit.floor", 1e-3).unwrap();
    assert!(
        (area.area() - 949.6021409212651).abs() < 1e-9,
        "{}",
        area.area()
    );
    assert_eq!(area.hole_count(), 28);
    let (min, max) = area.bounds();
    assert!((min.x - 11.358999).abs() < 1e-12 && (min.y - 11.319).abs() < 1e-12);
    assert!((max.x - 55.270996).abs() < 1e-12 && (max.y - 37.220998).abs() < 1e-12);
    let from_file = walkable_area_from_file(&fixture("crowdit/crowdit.floor")).unwrap();
    assert_eq!(from_file.area(), area.area());
}

const ROOM: &str = r#"{"scenario": {"topography": {
    "attributes": {"bounds": {"x": 0, "y": 0, "width": 10, "height": 6}, "boundingBoxWidth": 0.5},
    "obstacles": OBSTACLES}}}"#;

fn room(obstacles: &str) -> String {
    ROOM.replace("OBSTACLES", obstacles)
}

#[test]
fn vadere_shapes_and_errors() {
    // A polygon obstacle inside, a rectangle touching the outline.
    let json = room(
        r#"[{"id": 1, "shape": {"type": "POLYGON", "points": [{"x": 2, "y": 2}, {"x": 3, "y": 2}, {"x": 3, "y": 3}]}},
            {"id": 2, "shape": {"type": "RECTANGLE", "x": 8.5, "y": 0.5, "width": 1, "height": 1}}]"#,
    );
    let area = walkable_area_from_vadere_scenario(&json, "room", 0.0).unwrap();
    assert!((area.area() - (45.0 - 0.5 - 1.0)).abs() < 1e-12);

    let err = walkable_area_from_vadere_scenario(
        &room(
            r#"[{"id": 7, "shape": {"type": "CIRCLE", "radius": 1, "center": {"x": 2, "y": 2}}}]"#,
        ),
        "room",
        0.0,
    )
    .unwrap_err();
    assert!(matches!(err, GeometryError::Unsupported { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("obstacle id 7 has the shape CIRCLE"),
        "{err}"
    );

    let err =
        walkable_area_from_vadere_scenario("{\"scenario\": {\n  \"topography\": [}", "bad", 0.0)
            .unwrap_err();
    assert!(matches!(err, GeometryError::Parse { .. }), "{err:?}");
    assert!(err.to_string().contains("line 2, column"), "{err}");

    let err = walkable_area_from_vadere_scenario(
        r#"{"scenario": {"topography": {"attributes": {"bounds": {"x": 0, "y": 0, "width": "10", "height": 6}, "boundingBoxWidth": 0.5}}}}"#,
        "bad",
        0.0,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("scenario.topography.attributes.bounds.width is \"10\"; expected a number"),
        "{err}"
    );
    let err = walkable_area_from_vadere_scenario(r#"{"name": "x"}"#, "bad", 0.0).unwrap_err();
    assert!(err.to_string().contains("no member `scenario`"), "{err}");
    for margin in [-1.0, 1e-9, f64::NAN] {
        let err = walkable_area_from_vadere_scenario(&room("[]"), "room", margin).unwrap_err();
        assert!(err.to_string().contains("margin"), "{err}");
    }
    // An obstacle wall across the room splits it in two.
    let err = walkable_area_from_vadere_scenario(
        &room(r#"[{"id": 3, "shape": {"type": "RECTANGLE", "x": 4, "y": 0, "width": 1, "height": 6}}]"#),
        "room",
        0.0,
    )
    .unwrap_err();
    assert!(err.to_string().contains("2 separate parts"), "{err}");
}

#[test]
fn crowdit_errors() {
    let check = |xml: &str, part: &str| {
        let err = walkable_area_from_crowdit_floor(xml, "f.floor", 1e-3).unwrap_err();
        assert!(err.to_string().starts_with("f.floor"), "{err}");
        assert!(err.to_string().contains(part), "{part:?} not in {err}");
        err
    };
    let err = check(
        "<floor><layer>\n<wall><point x=\"1\" y=\"2\"></wall>",
        "line 2",
    );
    assert!(matches!(err, GeometryError::Parse { .. }), "{err:?}");
    check("<geometry/>", "the root element is <geometry>");
    check(
        "<floor><layer><wall id=\"w1\"><point x=\"1\"/></wall></layer></floor>",
        "a <point> without `y`",
    );
    check(
        "<floor><layer><wall id=\"w1\"><point x=\"1\" y=\"abc\"/></wall></layer></floor>",
        "y=\"abc\" is not a finite number",
    );
    check("<floor><layer id=\"0\"/></floor>", "no <wall>");
    check(
        "<floor><layer><wall id=\"w9\"><point x=\"0\" y=\"0\"/><point x=\"1\" y=\"1\"/></wall>\
         <wall id=\"w8\"><point x=\"3\" y=\"3\"/><point x=\"4\" y=\"3\"/><point x=\"4\" y=\"4\"/></wall></layer></floor>",
        "wall w9",
    );
    check("", "no root element");
    // One wall is the walkable area itself (an open ring is closed).
    let one = walkable_area_from_crowdit_floor(
        "<floor><layer><wall closed=\"false\"><point x=\"0\" y=\"0\"/><point x=\"4\" y=\"0\"/>\
         <point x=\"4\" y=\"3\"/><point x=\"0\" y=\"3\"/></wall></layer></floor>",
        "f.floor",
        1e-3,
    )
    .unwrap();
    assert_eq!(one.area(), 12.0);
}
