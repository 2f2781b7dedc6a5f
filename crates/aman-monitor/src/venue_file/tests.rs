//! Unit tests of the venue file reader: one valid venue, then one mistake at a time, each
//! asserting that the message names the key and says what is wrong.

use std::path::Path;

use super::*;
use crate::venue::{Feed, Measure, Severity, Subject};

/// A valid venue using every table: a 20 m × 10 m hall with a 2 m × 2 m pillar.
const BASE: &str = r#"
[venue]
id = "hall"
name = { fr = "Salle", ar = "قاعة", en = "Hall" }
walkable_wkt = "POLYGON ((0 0, 20 0, 20 10, 0 10, 0 0), (9 4, 11 4, 11 6, 9 6, 9 4))"
window = 30
origin = [45.7676, 4.8336]

[[zones]]
id = "west"
name = { fr = "Ouest", ar = "غرب", en = "West" }
polygon = [[0, 0], [10, 0], [10, 10], [0, 10]]
capacity = 100
los = "queue"

[[zones]]
id = "east"
wkt = "POLYGON ((12 0, 20 0, 20 10, 12 10, 12 0))"

[[lines]]
id = "gate"
line = [[10, 0], [10, 4]]
width = 3.5
in_side = [11, 2]
into = "east"
from = "west"

[[sensors]]
id = "cam"
adapter = "aman"
period = 5
transform = { translate = [1, 2], rotate = 90, scale = 0.01 }
[[sensors.channels]]
tracks = true

[[sensors]]
id = "counter"
adapter = "onvif"
[[sensors.channels]]
name = "gate-in"
line = "gate"
direction = "in"
[[sensors.channels]]
name = "gate-out"
line = "gate"
direction = "out"

[[sensors]]
id = "occ"
adapter = "axis"
[[sensors.channels]]
zone = "west"

[[rules]]
id = "west-density"
zone = "west"
measure = "density"
above = 2
below = 1.5
hold = 5
severity = "Severe"

[[rules]]
id = "west-los"
zone = "west"
measure = "los"
above = "E"
below = "D"
severity = "Moderate"

[[rules]]
id = "west-full"
zone = "west"
measure = "occupancy"
above = 0.9
severity = "Minor"

[[rules]]
id = "gate-flow"
line = "gate"
measure = "specific_flow"
above = 1.3
severity = "Moderate"

[[rules]]
id = "cam-stale"
sensor = "cam"
measure = "stale"
severity = "Minor"
"#;

fn parse(text: &str) -> Result<Venue, VenueError> {
    parse_venue(text, Path::new("."), "hall.toml")
}

/// The error message for `BASE` with `from` replaced by `to` (exactly once).
fn error_with(from: &str, to: &str) -> String {
    assert_eq!(
        BASE.matches(from).count(),
        1,
        "{from:?} must occur once in BASE"
    );
    let text = BASE.replacen(from, to, 1);
    match parse(&text) {
        Ok(_) => panic!("no error after replacing {from:?} by {to:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn base_venue_resolves() {
    let v = parse(BASE).unwrap();
    assert_eq!(v.id, "hall");
    assert_eq!(v.window, 30.0);
    assert_eq!(v.origin, Some((45.7676, 4.8336)));
    assert_eq!(v.zones.len(), 2);
    // west: 100 m², less the half of the pillar inside it (2 m²)
    assert_eq!(v.zones[0].area.area(), 100.0);
    assert!(
        (v.zones[0].walkable_m2 - 98.0).abs() < 1e-9,
        "{}",
        v.zones[0].walkable_m2
    );
    assert_eq!(v.zones[1].walkable_m2, 80.0);
    assert_eq!(v.zones[1].name.en, "east");
    assert_eq!(v.zones[0].los, aman_analysis::LosTable::Queue);
    let gate = &v.lines[0];
    assert_eq!((gate.width, gate.into, gate.from), (3.5, Some(1), Some(0)));
    assert_eq!(gate.in_normal, aman_geometry::Vec2::new(1.0, 0.0));
    let cam = &v.sensors[0];
    assert_eq!(cam.period, 5.0);
    assert!((cam.transform.rotation - std::f64::consts::FRAC_PI_2).abs() < 1e-15);
    let p = cam.transform.apply(100.0, 0.0);
    assert!(
        (p.x - 1.0).abs() < 1e-12 && (p.y - 3.0).abs() < 1e-12,
        "{p:?}"
    );
    assert_eq!(cam.channels[0].feed, Feed::Tracks);
    assert_eq!(v.sensors[1].period, 60.0);
    assert_eq!(
        v.sensors[1].channel("gate-out").unwrap().feed,
        Feed::Line {
            line: 0,
            direction: Some(crate::Direction::Out)
        }
    );
    assert_eq!(
        v.sensors[2].channel("").unwrap().feed,
        Feed::Zone { zone: 0 }
    );
    let r = &v.rules;
    assert_eq!((r[0].raise, r[0].clear, r[0].hold), (2.0, 1.5, 5.0));
    assert_eq!(r[0].severity, Severity::Severe);
    assert_eq!((r[1].raise, r[1].clear), (4.0, 3.0));
    assert_eq!((r[2].raise, r[2].clear, r[2].hold), (0.9, 0.9, 0.0));
    assert_eq!(r[3].subject, Subject::Line(0));
    assert_eq!(
        (r[4].measure, r[4].subject),
        (Measure::Stale, Subject::Sensor(0))
    );
    // counter and occ have no stale rule
    assert_eq!(
        v.warnings
            .iter()
            .filter(|w| w.contains("no stale rule"))
            .count(),
        2,
        "{:?}",
        v.warnings
    );
}

#[test]
fn default_id_is_the_file_stem_or_the_folder() {
    let text = BASE.replacen("id = \"hall\"\n", "", 1);
    let v = parse_venue(&text, Path::new("."), "my-hall.toml").unwrap();
    assert_eq!(v.id, "my-hall");
    let v = parse_venue(&text, Path::new("somewhere/big-hall"), "venue.toml").unwrap();
    assert_eq!(v.id, "big-hall");
    let e = parse_venue(&text, Path::new("."), "My Hall.toml").unwrap_err();
    assert!(e.to_string().contains("[venue] id: not given"), "{e}");
}

#[test]
fn unknown_key_is_named_at_its_line() {
    let e = error_with("capacity = 100", "capacity = 100\ncolour = \"red\"");
    assert!(e.starts_with("hall.toml: "), "{e}");
    assert!(e.contains("unknown field `colour`"), "{e}");
    assert!(e.contains("line 14"), "{e}");
    let e = error_with("tracks = true", "tracks = true\nfps = 30");
    assert!(
        e.contains("unknown field `fps`") && e.contains("line 35"),
        "{e}"
    );
    let e = error_with("scale = 0.01 }", "scale = 0.01, skew = 1 }");
    assert!(e.contains("unknown field `skew`"), "{e}");
    let e = error_with("hold = 5", "hold = 5\nholdd = 3");
    assert!(e.contains("unknown field `holdd`"), "{e}");
}

#[test]
fn bad_enum_values_list_the_valid_ones() {
    let e = error_with("los = \"queue\"", "los = \"escalator\"");
    assert!(e.contains("walkway") && e.contains("stairway"), "{e}");
    let e = error_with("adapter = \"axis\"", "adapter = \"hikvision\"");
    assert!(e.contains("onvif") && e.contains("xovis"), "{e}");
    let e = error_with("severity = \"Severe\"", "severity = \"severe\"");
    assert!(e.contains("Extreme"), "{e}");
    let e = error_with("measure = \"density\"", "measure = \"crowding\"");
    assert!(e.contains("specific_flow"), "{e}");
}

#[test]
fn ids_are_unique_and_well_formed() {
    let e = error_with("id = \"east\"", "id = \"west\"");
    assert!(
        e.contains("zones[1].id: \"west\" is already the id of zones[0]"),
        "{e}"
    );
    let e = error_with("id = \"gate-flow\"", "id = \"gate flow\"");
    assert!(e.contains("rules[3].id: \"gate flow\" is not an id"), "{e}");
    let e = error_with("id = \"hall\"", "id = \"Hall\"");
    assert!(e.contains("[venue] id: \"Hall\" is not a venue id"), "{e}");
}

#[test]
fn references_suggest_the_closest_id() {
    let e = error_with(
        "zone = \"west\"\n\n[[rules]]",
        "zone = \"wset\"\n\n[[rules]]",
    );
    assert!(
        e.contains(
            "sensors[2] ('occ').channels[0].zone: no zone with id \"wset\": did you mean `west`?"
        ),
        "{e}"
    );
    let e = error_with("line = \"gate\"\nmeasure", "line = \"gat\"\nmeasure");
    assert!(
        e.contains("rules[3] ('gate-flow').line: no line with id \"gat\": did you mean `gate`?"),
        "{e}"
    );
    let e = error_with("sensor = \"cam\"", "sensor = \"nothing-like-it\"");
    assert!(
        e.contains("rules[4] ('cam-stale').sensor")
            && e.contains("the sensors are: cam, counter, occ"),
        "{e}"
    );
    let e = error_with("into = \"east\"", "into = \"est\"");
    assert!(
        e.contains("lines[0] ('gate').into: no zone with id \"est\": did you mean `east`?"),
        "{e}"
    );
    let e = error_with("from = \"west\"", "from = \"east\"");
    assert!(
        e.contains("lines[0] ('gate').from: into and from are both \"east\""),
        "{e}"
    );
}

#[test]
fn all_problems_are_reported_together() {
    let text = BASE
        .replacen("window = 30", "window = -1", 1)
        .replacen("capacity = 100", "capacity = 0", 1)
        .replacen("period = 5", "period = 0", 1);
    let e = parse(&text).unwrap_err();
    assert_eq!(e.problems().len(), 3, "{e}");
    let s = e.to_string();
    assert!(s.starts_with("hall.toml: 3 problems:"), "{s}");
    assert!(s.contains("[venue] window: -1 s is not a duration"), "{s}");
    assert!(s.contains("zones[0] ('west').capacity: 0 persons"), "{s}");
    assert!(s.contains("sensors[0] ('cam').period: 0 s"), "{s}");
}

#[test]
fn polygons_are_checked() {
    let e = error_with("[[0, 0], [10, 0], [10, 10], [0, 10]]", "[[0, 0], [10, 0]]");
    assert!(
        e.contains("zones[0] ('west').polygon") && e.contains("at least 3"),
        "{e}"
    );
    let e = error_with(
        "[[0, 0], [10, 0], [10, 10], [0, 10]]",
        "[[0, 0], [10, 10], [10, 0], [0, 10]]",
    );
    assert!(e.contains("zones[0] ('west').polygon"), "{e}");
    let e = error_with(
        "[[0, 0], [10, 0], [10, 10], [0, 10]]",
        "[[0, 0], [10, 0, 3], [10, 10]]",
    );
    assert!(
        e.contains("zones[0] ('west').polygon[1]: [10.0, 0.0, 3.0] is not a point"),
        "{e}"
    );
    let e = error_with(
        "[[0, 0], [10, 0], [10, 10], [0, 10]]",
        "[[0, 0], [1, 0], [2, 0]]",
    );
    assert!(e.contains("zones[0] ('west').polygon"), "{e}");
    let e = error_with(
        "wkt = \"POLYGON ((12 0, 20 0, 20 10, 12 10, 12 0))\"",
        "wkt = \"POLYGON ((12 0, 20 0\"",
    );
    assert!(e.contains("zones[1] ('east').wkt"), "{e}");
    let e = error_with(
        "wkt = \"POLYGON ((12 0,",
        "polygon = [[1, 1], [2, 1], [2, 2]]\nwkt = \"POLYGON ((12 0,",
    );
    assert!(e.contains("both polygon and wkt"), "{e}");
}

#[test]
fn zones_outside_the_walkable_area() {
    // wholly outside
    let e = error_with(
        "[[0, 0], [10, 0], [10, 10], [0, 10]]",
        "[[30, 0], [40, 0], [40, 10], [30, 10]]",
    );
    assert!(
        e.contains("zones[0] ('west').polygon: the zone (100.00 m²) lies wholly outside"),
        "{e}"
    );
    // on the pillar only
    let e = error_with(
        "[[0, 0], [10, 0], [10, 10], [0, 10]]",
        "[[9.5, 4.5], [10.5, 4.5], [10.5, 5.5], [9.5, 5.5]]",
    );
    assert!(
        e.contains("wholly outside the walkable area or on its obstacles"),
        "{e}"
    );
    // half outside: clipped, with a warning
    let text = BASE.replacen(
        "[[0, 0], [10, 0], [10, 10], [0, 10]]",
        "[[-10, 0], [10, 0], [10, 10], [-10, 10]]",
        1,
    );
    let v = parse(&text).unwrap();
    assert!(
        (v.zones[0].walkable_m2 - 98.0).abs() < 1e-9,
        "{}",
        v.zones[0].walkable_m2
    );
    assert!(
        v.warnings
            .iter()
            .any(|w| w.contains("zones[0] ('west'): 100.00 m² of its 200.00 m² lie outside")),
        "{:?}",
        v.warnings
    );
}

#[test]
fn lines_are_checked() {
    let e = error_with(
        "line = [[10, 0], [10, 4]]",
        "line = [[10, 0], [10, 4], [10, 5]]",
    );
    assert!(e.contains("lines[0] ('gate').line: has 3 points"), "{e}");
    let e = error_with("line = [[10, 0], [10, 4]]", "line = [[10, 0], [10, 0]]");
    assert!(
        e.contains("lines[0] ('gate').line: its two ends are the same point"),
        "{e}"
    );
    let e = error_with("width = 3.5", "width = 4.5");
    assert!(
        e.contains("lines[0] ('gate').width: 4.5 m is not a clear width in (0, 4.000] m"),
        "{e}"
    );
    let e = error_with("width = 3.5", "width = 0");
    assert!(e.contains("lines[0] ('gate').width"), "{e}");
    let e = error_with("in_side = [11, 2]", "in_side = [10, 7]");
    assert!(
        e.contains("lines[0] ('gate').in_side: [10, 7] lies on the line"),
        "{e}"
    );
    let e = error_with("line = [[10, 0], [10, 4]]", "line = [[30, 0], [30, 4]]");
    assert!(
        e.contains("lines[0] ('gate').line: no part of the line lies in the walkable area"),
        "{e}"
    );
    // the default width is the length
    let v = parse(&BASE.replacen("width = 3.5\n", "", 1)).unwrap();
    assert_eq!(v.lines[0].width, 4.0);
    // in_side on the other side flips the normal
    let v = parse(&BASE.replacen("in_side = [11, 2]", "in_side = [3, 3]", 1)).unwrap();
    assert_eq!(v.lines[0].in_normal, aman_geometry::Vec2::new(-1.0, 0.0));
}

#[test]
fn sensors_and_channels_are_checked() {
    let e = error_with("period = 5", "period = nan");
    assert!(
        e.contains("sensors[0] ('cam').period: NaN s is not a duration"),
        "{e}"
    );
    let e = error_with("scale = 0.01", "scale = -1");
    assert!(
        e.contains("sensors[0] ('cam').transform.scale: -1 is not a scale"),
        "{e}"
    );
    let e = error_with("name = \"gate-out\"", "name = \"gate-in\"");
    assert!(e.contains("sensors[1] ('counter').channels[1].name: \"gate-in\" is already the name of channels[0]"), "{e}");
    let e = error_with("name = \"gate-out\"\n", "");
    assert!(
        e.contains(
            "sensors[1] ('counter').channels[1].name: missing: a sensor with several channels"
        ),
        "{e}"
    );
    let e = error_with("direction = \"out\"\n", "");
    assert!(
        e.contains("sensors[1] ('counter').channels[1].direction: missing: an ONVIF counter"),
        "{e}"
    );
    let e = error_with("tracks = true", "tracks = true\nzone = \"west\"");
    assert!(
        e.contains("sensors[0] ('cam').channels[0]: gives more than one"),
        "{e}"
    );
    let e = error_with("tracks = true", "tracks = false");
    assert!(
        e.contains("sensors[0] ('cam').channels[0]: says nothing"),
        "{e}"
    );
    let e = error_with("adapter = \"aman\"", "adapter = \"onvif\"");
    assert!(
        e.contains("sensors[0] ('cam').channels[0].tracks: the onvif adapter sends counts"),
        "{e}"
    );
    let e = error_with("adapter = \"axis\"", "adapter = \"xovis\"");
    assert!(
        e.contains("sensors[2] ('occ').channels[0].zone: the xovis adapter"),
        "{e}"
    );
    let e = error_with(
        "zone = \"west\"\n\n[[rules]]",
        "line = \"gate\"\n\n[[rules]]",
    );
    assert!(
        e.contains("sensors[2] ('occ').channels[0].line: the axis adapter"),
        "{e}"
    );
    let e = error_with(
        "zone = \"west\"\n\n[[rules]]",
        "zone = \"west\"\ndirection = \"in\"\n\n[[rules]]",
    );
    assert!(
        e.contains("sensors[2] ('occ').channels[0].direction: only a line channel"),
        "{e}"
    );
    let e = error_with("[[sensors.channels]]\nzone = \"west\"\n", "");
    assert!(
        e.contains("sensors[2] ('occ').channels: the sensor has no channel"),
        "{e}"
    );
}

#[test]
fn rules_are_checked() {
    let e = error_with("measure = \"specific_flow\"", "measure = \"density\"");
    assert!(
        e.contains("rules[3] ('gate-flow').measure: density is measured on a zone"),
        "{e}"
    );
    let e = error_with(
        "measure = \"stale\"",
        "measure = \"specific_flow\"\nabove = 1",
    );
    assert!(
        e.contains("rules[4] ('cam-stale').measure: specific_flow is measured on a line"),
        "{e}"
    );
    let e = error_with("capacity = 100\n", "");
    assert!(
        e.contains(
            "rules[2] ('west-full').measure: occupancy is a fraction of the zone's capacity"
        ),
        "{e}"
    );
    let e = error_with("above = \"E\"", "above = \"G\"");
    assert!(
        e.contains("rules[1] ('west-los').above: \"G\" is not a level of service"),
        "{e}"
    );
    let e = error_with("above = \"E\"", "above = 4");
    assert!(
        e.contains("rules[1] ('west-los').above: 4 is not a level of service"),
        "{e}"
    );
    let e = error_with("below = \"D\"", "below = \"F\"");
    assert!(e.contains("rules[1] ('west-los').below: the clear threshold \"F\" is above the raise threshold \"E\""), "{e}");
    let e = error_with("below = 1.5", "below = 2.5");
    assert!(
        e.contains("rules[0] ('west-density').below: the clear threshold 2.5 is above"),
        "{e}"
    );
    let e = error_with("above = 2\n", "above = -2\n");
    assert!(
        e.contains("rules[0] ('west-density').above: -2 is not a density threshold"),
        "{e}"
    );
    let e = error_with("above = 2\n", "above = \"high\"\n");
    assert!(
        e.contains("rules[0] ('west-density').above: \"high\" is not a density threshold"),
        "{e}"
    );
    let e = error_with("above = 2\n", "");
    assert!(
        e.contains("rules[0] ('west-density').above: missing"),
        "{e}"
    );
    let e = error_with("hold = 5", "hold = -1");
    assert!(e.contains("rules[0] ('west-density').hold: -1 s"), "{e}");
    let e = error_with("measure = \"stale\"", "measure = \"stale\"\nabove = 3");
    assert!(
        e.contains("rules[4] ('cam-stale').above: a stale rule has no threshold"),
        "{e}"
    );
    let e = error_with("sensor = \"cam\"", "sensor = \"cam\"\nzone = \"west\"");
    assert!(
        e.contains("rules[4] ('cam-stale'): give exactly one of zone"),
        "{e}"
    );
}

#[test]
fn venue_table_is_checked() {
    let e = error_with("origin = [45.7676, 4.8336]", "origin = [145.7676, 4.8336]");
    assert!(
        e.contains("[venue] origin: [145.7676, 4.8336] is not a WGS84 position"),
        "{e}"
    );
    let e = error_with("en = \"Hall\"", "en = \"\"");
    assert!(e.contains("[venue] name.en: is empty"), "{e}");
    let e = error_with(
        "walkable_wkt",
        "walkable_area = \"nowhere.wkt\"\nwalkable_wkt",
    );
    assert!(e.contains("[venue] walkable_area: both"), "{e}");
    let e = error_with(
        "walkable_wkt = \"POLYGON ((0 0, 20 0, 20 10, 0 10, 0 0), (9 4, 11 4, 11 6, 9 6, 9 4))\"",
        "walkable_area = \"nowhere.wkt\"",
    );
    assert!(
        e.contains("[venue] walkable_area: cannot read geometry file ./nowhere.wkt"),
        "{e}"
    );
    let e = error_with(
        "walkable_wkt = \"POLYGON ((0 0, 20 0, 20 10, 0 10, 0 0), (9 4, 11 4, 11 6, 9 6, 9 4))\"\n",
        "",
    );
    assert!(e.contains("[venue] walkable_area: missing"), "{e}");
    let e = error_with("[venue]\n", "");
    assert!(
        e.contains("missing field `venue`") || e.contains("unknown field"),
        "{e}"
    );
}

#[test]
fn coverage_warnings() {
    // without the track sensor, east is fed only by the counted gate into it (fine), and a
    // third zone nobody feeds gets a warning
    let text = BASE.replacen(
        "[[lines]]",
        "[[zones]]\nid = \"north\"\npolygon = [[0, 8], [4, 8], [4, 10], [0, 10]]\n\n[[lines]]",
        1,
    );
    let v = parse(&text).unwrap();
    assert!(
        !v.warnings.iter().any(|w| w.contains("north")),
        "tracks cover it: {:?}",
        v.warnings
    );
    let text = text.replacen("tracks = true", "zone = \"east\"", 1);
    let v = parse(&text).unwrap();
    assert!(
        v.warnings
            .iter()
            .any(|w| w.starts_with("zones[2] ('north'): no sensor feeds it")),
        "{:?}",
        v.warnings
    );
    assert!(
        v.warnings.iter().any(|w| w.contains("transform is given")),
        "{:?}",
        v.warnings
    );
}

/// A few hundred mutated files: every one gives a result, none panics.
#[test]
fn garbage_never_panics() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let pieces = [
        "",
        "0",
        "-1",
        "1e308",
        "-1e308",
        "nan",
        "inf",
        "\"\"",
        "\"x\"",
        "[]",
        "[[]]",
        "{}",
        "[",
        "]",
        "=",
        "\n[[zones]]\n",
        "\n[[sensors.channels]]\n",
        "\"E\"",
        "true",
        "[1, 2]",
        "[[0, 0], [0, 0], [0, 0]]",
        "1e9",
        "9e99",
    ];
    let bytes = BASE.as_bytes();
    let mut errors = 0;
    for _ in 0..400 {
        let mut text = BASE.to_owned();
        for _ in 0..(1 + next() % 4) {
            let at = (next() as usize) % bytes.len();
            let len = (next() as usize) % 12;
            let mut start = at.min(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let piece = pieces[(next() as usize) % pieces.len()];
            text.replace_range(start..end, piece);
        }
        if parse(&text).is_err() {
            errors += 1;
        }
    }
    // number substitutions inside values
    for piece in pieces {
        for from in ["2", "10", "0.9", "3.5", "5", "45.7676", "1.5"] {
            let text = BASE.replace(from, piece);
            let _ = parse(&text);
        }
    }
    assert!(errors > 200, "{errors} of 400 mutated files were refused");
}

#[test]
fn rules_of_zones_give_the_density_they_are_raised_at() {
    let v = parse(BASE).unwrap();
    let (_, west) = v.zone("west").unwrap();
    let d = |id: &str| {
        let r = v.rules.iter().find(|r| r.id == id).unwrap();
        v.rule_density(r)
    };
    assert_eq!(d("west-density"), Some(2.0));
    // West is a queue: LOS E of Fruin's queue table begins above 1/0.28 persons/m²
    // (Fruin 1971: 3 ft²).
    assert_eq!(d("west-los"), Some(1.0 / 0.28));
    // 90 % of 100 persons on the zone's walkable area.
    assert_eq!(d("west-full"), Some(0.9 * 100.0 / west.walkable_m2));
    assert_eq!(d("gate-flow"), None);
    assert_eq!(d("cam-stale"), None);
}

#[test]
fn the_forecast_scenario_is_resolved_against_the_venue_folder() {
    let v = parse(BASE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.forecast_scenario, None);
    let text = BASE.replace(
        "window = 30",
        "window = 30\nforecast_scenario = \"../scenarios/hall/scenario.toml\"",
    );
    let v = parse_venue(&text, Path::new("venues/hall"), "venue.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        v.forecast_scenario.as_deref(),
        Some(Path::new("venues/hall/../scenarios/hall/scenario.toml"))
    );
}
