//! Exit doors pass what their clear width allows.
//!
//! A 10 m × 12 m room, crowded at 2.5 persons/m², empties through one door in its front wall.
//! The specific flow through a door (the flow between the 10th and the 90th percentile of the
//! exit times, divided by the door's width) must lie within what bottleneck experiments
//! measured at capacity (see [`MEASURED`]), for every width from 0.8 m to 2.4 m; and an exit
//! *area* drawn against the same wall (the README's former way) must pass clearly more, which
//! is why `aman check` warns about it.
//!
//! Measured here (seed 7, CFSM with JuPedSim's defaults, r = 0.2 m, T = 1 s): doors of 0.8,
//! 1.2, 1.6, 2.0, 2.4 m pass 2.44, 2.49, 2.40, 2.25, 2.08 1/(m·s); exit areas 0.5 m deep of
//! 0.8, 1.2, 2.4 m pass 5.36, 4.34, 2.89 1/(m·s).

use std::path::Path;

use aman_scenario::{Overrides, load_str};

/// The band of specific flows (1/(m·s)) measured at exits and bottlenecks at capacity, in the
/// real data of `../shared/data` (each folder's SOURCE.md, PedPy 1.5.1 on the trajectories):
/// - hermes2009-corridor-3m-exits: exits of 2.0 m and 1.6 m at the end of a 3 m corridor,
///   1.93 and 2.02 1/(m·s);
/// - hermes2009-AO300-wide-bottleneck: a 3.0 m bottleneck, 2.22 1/(m·s);
/// - wuppertal2014-bottleneck-social-groups-hdf5, run 00_01a: a 0.8 m bottleneck, 3.25 1/(m·s).
///
/// The band runs from 15 % below the lowest (1.93 → 1.6) to the highest (3.25 → 3.3). Seyfried
/// et al., "New insights into pedestrian flow through bottlenecks", Transportation Science 43
/// (2009) 395–406, find the flow growing about linearly with the width in these and earlier
/// experiments, so one band of specific flow holds for every width tested here. An exit area
/// against the wall passes far more (5.4 1/(m·s) at 0.8 m here), above anything measured.
const MEASURED: (f64, f64) = (1.6, 3.3);

fn room(exit: &str, model: &str) -> String {
    format!(
        r#"
[simulation]
dt = 0.01
end_time = 400.0
seed = 7

[geometry]
wkt = "POLYGON ((0 0, 10 0, 10 12, 0 12, 0 0))"
routing_cell_size = 0.1

[model]
kind = "{model}"

[[stages]]
kind = "exit"
name = "out"
{exit}

[[journeys]]
name = "leave"
stages = ["out"]

[[populations]]
name = "crowd"
journey = "leave"
area = [[0.3, 0.3], [9.7, 0.3], [9.7, 10.5], [0.3, 10.5]]
count = 240
desired_speed = {{ distribution = "normal", mean = 1.34, sd = 0.26, min = 0.8, max = 1.9 }}
radius = 0.2
time_gap = 1.0
"#
    )
}

/// Specific flow 1/(m·s) through the exit: persons between the 10th and 90th percentile of the
/// exit times over that interval, divided by `width`; and the time the last one left.
fn flow(exit: &str, width: f64) -> (f64, f64) {
    flow_with(exit, width, "collision_free_speed")
}

/// [`flow`] with another pedestrian model.
fn flow_with(exit: &str, width: f64, model: &str) -> (f64, f64) {
    let text = room(exit, model);
    let mut sc = load_str(&text, Path::new("door-room.toml"), &Overrides::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let log = aman_scenario::run_checked(&mut sc, 5, |_| {});
    let a = sc.simulation.agents();
    let left: Vec<_> = (0..a.len())
        .map(|i| (a.position[i], a.velocity[i]))
        .collect();
    assert!(log.clean(), "{}: {left:?}", log.summary());
    let mut t: Vec<f64> = sc.simulation.exits().iter().map(|e| e.time).collect();
    t.sort_by(f64::total_cmp);
    let n = t.len();
    assert_eq!(n, 240);
    let (a, b) = (n / 10, 9 * n / 10);
    ((b - a) as f64 / (t[b] - t[a]) / width, t[n - 1])
}

fn door(w: f64) -> String {
    format!(
        "door = [[{}, 12.0], [{}, 12.0]]",
        5.0 - w / 2.0,
        5.0 + w / 2.0
    )
}

#[test]
fn doors_of_every_width_pass_the_measured_specific_flow() {
    let mut rows = Vec::new();
    for w in [0.8, 1.2, 1.6, 2.0, 2.4] {
        let (js, t) = flow(&door(w), w);
        println!("door {w:.1} m: specific flow {js:.2} 1/(m·s), empty after {t:.1} s");
        rows.push((w, js));
    }
    // the same openings drawn as exit areas 0.5 m deep against the wall: entered from the
    // sides too
    let mut areas = Vec::new();
    for w in [0.8, 1.2, 2.4] {
        let poly = format!(
            "polygon = [[{a}, 11.5], [{b}, 11.5], [{b}, 12.0], [{a}, 12.0]]",
            a = 5.0 - w / 2.0,
            b = 5.0 + w / 2.0
        );
        let (js, t) = flow(&poly, w);
        println!("area {w:.1} m x 0.5 m: specific flow {js:.2} 1/(m·s), empty after {t:.1} s");
        areas.push((w, js));
    }
    for &(w, js) in &rows {
        assert!(
            (MEASURED.0..=MEASURED.1).contains(&js),
            "door {w} m: specific flow {js:.2} 1/(m·s) outside the measured {MEASURED:?}"
        );
    }
    // the narrow areas pass more than anything measured; the door of the same width, less
    for (w, js) in areas {
        let door = rows.iter().find(|r| r.0 == w).map_or(f64::NAN, |r| r.1);
        assert!(
            js > 1.3 * door,
            "an exit area {w} m wide passes {js:.2} 1/(m·s), the door {door:.2}"
        );
        if w < 2.0 {
            assert!(
                js > MEASURED.1,
                "an exit area {w} m wide passes only {js:.2} 1/(m·s)"
            );
        }
    }
}

/// The same doors with the anticipation velocity model at JuPedSim's defaults (its time gap
/// 1.06 s replaced by the room's 1 s, radius 0.2 m as above).
///
/// Ignored: the AVM locks in arches in front of doors up to 1.2 m (`aman verify experiments
/// --parameters` with radius 0.18 m, time gap 0.4 s: flows 45–99 % below every published
/// bottleneck of 0.6–1.2 m, docs/calibration.md; JuPedSim 1.4.2's AVM locks the same way, 1 of
/// 75 through a 0.5 m door in 300 s), so this room does not empty.
#[test]
#[ignore = "the anticipation velocity model locks in arches at doors up to 1.2 m (docs/calibration.md)"]
fn doors_pass_the_measured_specific_flow_with_the_anticipation_velocity_model() {
    for w in [0.8, 1.6, 2.4] {
        let (js, t) = flow_with(&door(w), w, "anticipation_velocity");
        println!("AVM door {w:.1} m: specific flow {js:.2} 1/(m·s), empty after {t:.1} s");
        assert!(
            (MEASURED.0..=MEASURED.1).contains(&js),
            "AVM door {w} m: specific flow {js:.2} 1/(m·s) outside the measured {MEASURED:?}"
        );
    }
}

/// A room 20 m × 10 m with a door in each end wall and 100 persons.
fn two_doors(events: &str) -> String {
    format!(
        r#"
[simulation]
dt = 0.01
end_time = 200.0
seed = 3

[geometry]
wkt = "POLYGON ((0 0, 20 0, 20 10, 0 10, 0 0))"
routing_cell_size = 0.1

[[stages]]
kind = "exit"
name = "west"
door = [[0, 4], [0, 6]]

[[stages]]
kind = "exit"
name = "east"
door = [[20, 6], [20, 4]]

[[journeys]]
name = "leave"
stages = [["west", "east"]]

[[populations]]
name = "crowd"
journey = "leave"
area = [[1, 1], [19, 1], [19, 9], [1, 9]]
count = 100
{events}
"#
    )
}

/// Persons who left through each door: (west, east), and the time of each exit.
fn run_two_doors(events: &str) -> (usize, usize, Vec<(u32, f64)>) {
    let mut sc = load_str(
        &two_doors(events),
        Path::new("two-doors.toml"),
        &Overrides::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let log = aman_scenario::run_checked(&mut sc, 1, |_| {});
    assert!(log.clean(), "{}", log.summary());
    let ex: Vec<(u32, f64)> = sc
        .simulation
        .exits()
        .iter()
        .map(|e| (e.stage.0, e.time))
        .collect();
    assert!(
        ex.windows(2).all(|w| w[0].1 <= w[1].1),
        "exit records out of time order"
    );
    let west = ex.iter().filter(|e| e.0 == 0).count();
    (west, ex.len() - west, ex)
}

#[test]
fn a_closed_door_is_a_wall_and_an_opened_one_a_gap() {
    // both open: both used
    let (w, e, _) = run_two_doors("");
    assert_eq!(w + e, 100);
    assert!(w > 20 && e > 20, "west {w}, east {e}");
    // west closed from the start: nobody passes it, whoever is next to it walks to the east
    let (w, e, _) = run_two_doors("[[events]]\ntime = 0.0\nclose = \"west\"\n");
    assert_eq!((w, e), (0, 100));
    // closed, then open again at 5 s, while those who started at its side are still nearer to
    // it than to the east door (walking at 1.2 m/s): used only from then on
    let (w, _, ex) = run_two_doors(
        "[[events]]\ntime = 0.0\nclose = \"west\"\n[[events]]\ntime = 5.0\nopen = \"west\"\n",
    );
    assert!(w > 0, "nobody used the reopened door");
    assert!(
        ex.iter().filter(|e| e.0 == 0).all(|e| e.1 >= 5.0),
        "somebody passed the west door while it was closed"
    );
}

/// Each person's distance (m) to the nearer of the two doors' middles, (0, 5) and (20, 5).
fn to_nearer_door(p: aman_geometry::Vec2) -> f64 {
    let west = aman_geometry::Vec2::new(0.0, 5.0);
    let east = aman_geometry::Vec2::new(20.0, 5.0);
    p.distance(west).min(p.distance(east))
}

#[test]
fn with_every_exit_closed_the_crowd_walks_up_to_its_door_and_waits() {
    // Both doors closed from the start, for good: nobody leaves, nobody passes a door, and
    // each person walks up to the door nearer to it and waits there, as a crowd gathers at
    // closed gates (before, they stood where they were: a forecast of "close the only gate"
    // then showed no crowd in front of it).
    let mut sc = load_str(
        &two_doors(
            "[[events]]\ntime = 0.0\nclose = \"west\"\n\
             [[events]]\ntime = 0.0\nclose = \"east\"\n",
        )
        .replace("end_time = 200.0", "end_time = 40.0"),
        Path::new("two-doors.toml"),
        &Overrides::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut start: Vec<f64> = Vec::new();
    let log = aman_scenario::run_checked(&mut sc, 1, |sim| {
        if start.is_empty() {
            start = sim
                .agents()
                .position
                .iter()
                .map(|p| to_nearer_door(*p))
                .collect();
        }
    });
    // (Nobody leaves, so the run ends at its end time with everybody in.)
    assert_eq!((log.outside, log.crossed_wall), (0, 0), "{}", log.summary());
    assert!(
        sc.simulation.exits().is_empty(),
        "somebody left through a closed door"
    );
    let end: Vec<f64> = sc
        .simulation
        .agents()
        .position
        .iter()
        .map(|p| to_nearer_door(*p))
        .collect();
    assert_eq!((start.len(), end.len()), (100, 100));
    let mean = |d: &[f64]| d.iter().sum::<f64>() / d.len() as f64;
    let far = |d: &[f64]| d.iter().copied().fold(0.0, f64::max);
    // Spread over the room, the crowd starts about 5 m from its door on average and up to
    // 10 m; gathered, 50 persons at ~2 /m² fill a half disc of radius ~4 m in front of each.
    assert!(
        mean(&start) > 4.5 && far(&start) > 8.0,
        "start {}",
        mean(&start)
    );
    assert!(
        mean(&end) < 3.0 && far(&end) < 5.5,
        "after 40 s the crowd is {:.1} m (mean) and up to {:.1} m from its door",
        mean(&end),
        far(&end)
    );
    // Nobody is outside the room (beyond a door).
    assert!(
        sc.simulation
            .agents()
            .position
            .iter()
            .all(|p| (0.0..=20.0).contains(&p.x))
    );
}

fn error(exit: &str) -> String {
    match load_str(
        &room(exit, "collision_free_speed"),
        Path::new("bad.toml"),
        &Overrides::default(),
    ) {
        Ok(_) => panic!("accepted: {exit}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn doors_off_the_boundary_or_ill_given_are_errors_naming_the_stage() {
    let e = error("door = [[4, 11], [6, 11]]");
    assert!(
        e.contains("'out'") && e.contains("must lie on the walkable area's boundary"),
        "{e}"
    );
    assert!(e.contains("0.00 m of its 2.00 m"), "{e}");
    // round the corner of the room: only 1 m of it lies along one wall
    let e = error("door = [[9, 12], [11, 12]]");
    assert!(e.contains("1.00 m of its 2.00 m"), "{e}");
    let e = error("door = [[4, 12], [4.1, 12]]");
    assert!(e.contains("at least 0.3 m"), "{e}");
    let e = error("door = [[4, 12], [5, 12], [6, 12]]");
    assert!(e.contains("a door is its two ends"), "{e}");
    let e = error("door = [[4, 12], [6, 12]]\npolygon = [[4, 11], [6, 11], [6, 12], [4, 12]]");
    assert!(e.contains("not both"), "{e}");
    let e = error("");
    assert!(e.contains("an exit needs a door"), "{e}");
}

#[test]
fn exit_areas_entered_from_their_sides_are_warned_about() {
    let load = |exit: &str| {
        load_str(
            &room(exit, "collision_free_speed"),
            Path::new("room.toml"),
            &Overrides::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    // a 1.2 m strip 0.5 m deep against the wall: 1.2 + 2 × 0.5 m usable, 1.2 m opening
    let w = load("polygon = [[4.4, 11.5], [5.6, 11.5], [5.6, 12], [4.4, 12]]")
        .simulation
        .exit_area_warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("exit 'out'") && w[0].contains("opening of 1.20 m"),
        "{}",
        w[0]
    );
    assert!(
        w[0].contains("door = [[5.6, 12], [4.4, 12]]")
            || w[0].contains("door = [[4.4, 12], [5.6, 12]]"),
        "{}",
        w[0]
    );
    // an area in the middle of the room
    let w = load("polygon = [[4, 5], [6, 5], [6, 6], [4, 6]]")
        .simulation
        .exit_area_warnings();
    assert!(
        w[0].contains("does not touch the walkable area's boundary"),
        "{}",
        w[0]
    );
    // a strip across the room's whole width has no sides to enter by; a door, nothing to warn
    let strip = load("polygon = [[0, 11.5], [10, 11.5], [10, 12], [0, 12]]");
    assert!(strip.simulation.exit_area_warnings().is_empty());
    assert!(load(&door(1.2)).simulation.exit_area_warnings().is_empty());
}

/// Two rooms 10 m × 10 m joined by a gate 6 m wide in a 0.2 m wall; 150 persons in the west room
/// walk through the gate to a door in the east room's far wall. Three measurement lines split
/// the gate's middle into thirds.
fn gate(waypoint: &str) -> String {
    format!(
        r#"
[simulation]
dt = 0.01
end_time = 300.0
seed = 11

[geometry]
wkt = "POLYGON ((0 0, 9.9 0, 9.9 2, 10.1 2, 10.1 0, 20 0, 20 10, 10.1 10, 10.1 8, 9.9 8, 9.9 10, 0 10, 0 0))"
routing_cell_size = 0.1

[[stages]]
kind = "waypoint"
name = "gate"
{waypoint}

[[stages]]
kind = "exit"
name = "out"
door = [[20, 4], [20, 6]]

[[journeys]]
name = "through"
stages = ["gate", "out"]

[[populations]]
name = "crowd"
journey = "through"
area = [[0.5, 0.5], [9, 0.5], [9, 9.5], [0.5, 9.5]]
count = 150

[[measurement_lines]]
name = "south third"
line = [[10, 2], [10, 4]]

[[measurement_lines]]
name = "middle third"
line = [[10, 4], [10, 6]]

[[measurement_lines]]
name = "north third"
line = [[10, 6], [10, 8]]
"#
    )
}

/// Crossings of each third of the gate, after everybody left.
fn thirds(waypoint: &str) -> [usize; 3] {
    let mut sc = load_str(
        &gate(waypoint),
        Path::new("gate.toml"),
        &Overrides::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let log = aman_scenario::run_checked(&mut sc, 5, |_| {});
    assert!(log.clean(), "{}", log.summary());
    [0, 1, 2].map(|k| sc.simulation.crossing_times(k).len())
}

#[test]
fn a_waypoint_given_as_a_door_is_passed_over_its_whole_width() {
    // as a door across the gate: every person crosses it once, spread over its width
    // (measured: 50, 46, 54)
    let door = thirds("door = [[10, 2], [10, 8]]");
    let total: usize = door.iter().sum();
    assert!((150..=153).contains(&total), "{door:?}");
    assert!(
        door.iter().all(|&n| n >= 30),
        "a third little used: {door:?}"
    );
    // as a point to pass within 1 m of, persons steer for the gate's middle and many cross
    // the gate back and forth around the point (measured: 84, 129, 65 crossings of 150)
    let point = thirds("position = [10, 5]\ndistance = 1.0");
    println!("crossings per third: passage {door:?}, point {point:?}");
    assert!(
        point.iter().sum::<usize>() > total,
        "point {point:?}, door {door:?}"
    );
}

#[test]
fn waypoints_given_badly_are_errors_naming_the_key() {
    let err = |w: &str| match load_str(&gate(w), Path::new("gate.toml"), &Overrides::default()) {
        Ok(_) => panic!("accepted: {w}"),
        Err(e) => e.to_string(),
    };
    let e = err("door = [[10, 2], [10, 8]]\nposition = [10, 5]");
    assert!(
        e.contains("stages[0] ('gate')") && e.contains("not both"),
        "{e}"
    );
    let e = err("door = [[10, 2], [10, 8]]\ndistance = 1.0");
    assert!(e.contains("stages[0] ('gate').distance"), "{e}");
    let e = err("");
    assert!(e.contains("a waypoint needs a position"), "{e}");
    // along the outer wall: walkable on one side only
    let e = err("door = [[0, 2], [0, 8]]");
    assert!(e.contains("walkable area on both sides"), "{e}");
}
