//! The shipped venues (`venues/` at the repository root) read without errors or warnings,
//! with the values they were drawn with.

use std::path::{Path, PathBuf};

use aman_geometry::Vec2;
use aman_monitor::venue::{Feed, Measure, Subject};
use aman_monitor::{Direction, Venue, read_venue};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn venue(name: &str) -> Venue {
    let path = repo().join("venues").join(name).join("venue.toml");
    let v = read_venue(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.id, name);
    assert!(v.warnings.is_empty(), "{name}: {:?}", v.warnings);
    v
}

fn counts(v: &Venue) -> [usize; 4] {
    [v.zones.len(), v.lines.len(), v.sensors.len(), v.rules.len()]
}

/// `(x, y)` of every row of a `#id frame x y z` trajectory file.
fn points(path: &Path) -> Vec<Vec2> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<f64> = l.split_whitespace().map(|x| x.parse().unwrap()).collect();
            Vec2::new(f[2], f[3])
        })
        .collect()
}

#[test]
fn sib2023_entrance() {
    let v = venue("sib2023-entrance");
    assert_eq!(counts(&v), [7, 5, 6, 21]);
    // gates: clear width = street width at the street-end door of the evacuation scenario
    let widths: Vec<(&str, f64)> = v.lines.iter().map(|l| (l.id.as_str(), l.width)).collect();
    assert_eq!(
        widths,
        [
            ("west-gate", 39.36),
            ("north-west-gate", 38.95),
            ("north-east-gate", 27.92),
            ("east-gate", 39.05),
            ("south-gate", 29.78)
        ]
    );
    for l in &v.lines {
        assert!(l.width <= l.segment.length() && l.segment.length() - l.width < 0.01);
        // "in" points into the site: towards the ring's centre (about (-1883, -152))
        let mid = (l.segment.a + l.segment.b) * 0.5;
        assert!(
            l.in_normal.dot(Vec2::new(-1883.0, -152.0) - mid) > 0.0,
            "{}",
            l.id
        );
    }
    // every zone lies wholly in the walkable area: walkable area = drawn area
    for z in &v.zones {
        assert_eq!(z.walkable_m2, z.area.area(), "{}", z.id);
        assert_eq!(
            z.capacity,
            Some((2.0 * z.walkable_m2).floor() as u64),
            "{}",
            z.id
        );
    }
    let west = v.zone("west-end").unwrap().1;
    assert!(
        (west.walkable_m2 - 1120.90045).abs() < 1e-6,
        "{}",
        west.walkable_m2
    );
    // each gate has one ONVIF counter per direction
    for (i, l) in v.lines.iter().enumerate() {
        let s = v
            .sensors
            .iter()
            .find(|s| {
                s.channels
                    .iter()
                    .any(|c| matches!(c.feed, Feed::Line { line, .. } if line == i))
            })
            .unwrap();
        let dirs: Vec<_> = s.channels.iter().map(|c| &c.feed).collect();
        assert_eq!(
            dirs,
            [
                &Feed::Line {
                    line: i,
                    direction: Some(Direction::In)
                },
                &Feed::Line {
                    line: i,
                    direction: Some(Direction::Out)
                }
            ],
            "{}",
            l.id
        );
    }
    // one Axis scenario per zone; density and occupancy rules per zone, stale per sensor
    let occ = v.sensor("occupancy").unwrap().1;
    assert_eq!(occ.channels.len(), 7);
    for (i, z) in v.zones.iter().enumerate() {
        assert_eq!(occ.channel(&z.id).unwrap().feed, Feed::Zone { zone: i });
        for m in [Measure::Density, Measure::Occupancy] {
            assert!(
                v.rules
                    .iter()
                    .any(|r| r.subject == Subject::Zone(i) && r.measure == m)
            );
        }
    }
    for i in 0..v.sensors.len() {
        assert!(
            v.rules
                .iter()
                .any(|r| r.subject == Subject::Sensor(i) && r.measure == Measure::Stale)
        );
    }
}

#[test]
fn lyon2022_festival_of_lights() {
    let v = venue("lyon2022-festival-of-lights");
    assert_eq!(counts(&v), [1, 2, 3, 4]);
    let (_, topview) = v.zone("topview").unwrap();
    assert_eq!(topview.area.area(), 6.0);
    assert_eq!(topview.walkable_m2, 6.0);
    let data = repo().join("../shared/data/madras-lyon2022-festival-of-lights");
    for file in ["Topview_2E.txt", "Topview_2F.txt"] {
        let pts = points(&data.join(file));
        assert!(pts.len() > 10_000, "{file}: {} rows", pts.len());
        for p in &pts {
            assert!(v.walkable.contains(*p), "{file}: {p:?} outside");
            assert!(
                v.walkable.distance_to_wall(*p) >= 1.8,
                "{file}: {p:?} within 1.8 m of a wall"
            );
        }
    }
    let cam = v.sensor("topview-cam").unwrap().1;
    assert_eq!(cam.transform.apply(-1.5, 2.5), Vec2::new(-1.5, 2.5));
    assert_eq!(cam.channels[0].feed, Feed::Tracks);
    for (line, sensor) in [
        ("chenavard", "chenavard-count"),
        ("constantine", "constantine-count"),
    ] {
        let (i, l) = v.line(line).unwrap();
        assert_eq!(l.width, 7.0);
        let s = v.sensor(sensor).unwrap().1;
        assert_eq!(
            s.channel("").unwrap().feed,
            Feed::Line {
                line: i,
                direction: Some(Direction::In)
            }
        );
    }
    let r = &v.rules[0];
    assert_eq!(
        (r.measure, r.raise, r.clear, r.hold),
        (Measure::Density, 1.2, 1.0, 2.0)
    );
    assert_eq!(topview.los, aman_analysis::LosTable::Walkway);
}

#[test]
fn hermes_ao300() {
    let v = venue("hermes-ao300");
    assert_eq!(counts(&v), [1, 1, 1, 2]);
    let (_, b) = v.zone("bottleneck").unwrap();
    assert!((b.area.area() - 3.18).abs() < 1e-12);
    assert!((b.walkable_m2 - 3.18).abs() < 1e-9, "{}", b.walkable_m2);
    let (_, exit) = v.line("bottleneck-exit").unwrap();
    assert_eq!(exit.width, 3.0);
    assert_eq!(exit.in_normal, Vec2::new(0.0, 1.0));
    let cam = v.sensor("hermes-cam").unwrap().1;
    assert_eq!(cam.transform.scale, 1.0);
    // every trajectory point (metres) lies in the walkable area
    let data = repo().join("../shared/data/hermes2009-AO300-wide-bottleneck/traj_AO_300.txt");
    let pts = points(&data);
    assert!(pts.len() > 100_000, "{} rows", pts.len());
    assert!(
        pts.iter()
            .all(|p| v.walkable.contains(cam.transform.apply(p.x, p.y)))
    );
    let r = v
        .rules
        .iter()
        .find(|r| r.id == "bottleneck-density")
        .unwrap();
    assert_eq!(
        (r.measure, r.raise, r.clear, r.hold),
        (Measure::Density, 4.0, 3.0, 0.25)
    );
    assert_eq!(r.subject, Subject::Zone(0));
    assert_eq!(b.los, aman_analysis::LosTable::Walkway);
}

/// The example of `docs/serve.md` reads, with the values its comments state.
#[test]
fn docs_example() {
    let doc = std::fs::read_to_string(repo().join("docs/serve.md")).unwrap();
    let start = doc.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let text = &doc[start..start + doc[start..].find("```").unwrap()];
    let v = aman_monitor::parse_venue(text, Path::new("."), "hall.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!((v.zones[0].walkable_m2 - 98.0).abs() < 1e-9);
    assert_eq!(v.lines[0].in_normal, Vec2::new(1.0, 0.0));
    assert_eq!(counts(&v), [1, 1, 1, 2]);
    assert!(v.warnings.is_empty(), "{:?}", v.warnings);
    let bad = text.replacen("capacity = 100", "capacity = 100\ncolour = \"red\"", 1);
    let e = aman_monitor::parse_venue(&bad, Path::new("."), "venue.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `colour`, expected one of `id`, `name`, `polygon`, `wkt`, `capacity`, `los`"), "{e}");
}
