//! The scenario keys of stairs, route cost, route choice and RiMEA speed groups: read into the
//! simulation as written, and every mistake an error naming the key.

use std::path::Path;

use aman_scenario::{Overrides, load_str};

const BASE: &str = r#"
[simulation]
end_time = 60
[geometry]
wkt = "POLYGON ((0 0, 16 0, 16 20, 0 20, 0 0))"
[[stages]]
kind = "exit"
name = "end"
polygon = [[15, 0], [16, 0], [16, 2], [15, 2]]
[[journeys]]
name = "j"
stages = ["end"]
"#;

const PEOPLE: &str = r#"
[[populations]]
name = "p"
journey = "j"
area = [[0, 0], [10, 0], [10, 20], [0, 20]]
count = 200
"#;

fn load(extra: &str) -> Result<aman_scenario::Scenario, String> {
    load_str(
        &format!("{BASE}{extra}"),
        Path::new("test.toml"),
        &Overrides::default(),
    )
    .map_err(|e| e.to_string())
}

#[test]
fn stairs_are_read_with_weidmann_defaults() {
    let sc = load(&format!(
        "{PEOPLE}[[stairs]]\nname = \"s\"\npolygon = [[3, 0], [13, 0], [13, 2], [3, 2]]\nup = [2, 0]\n"
    ))
    .unwrap();
    let s = &sc.simulation.stairs()[0];
    assert_eq!(s.up, aman_geometry::Vec2::new(1.0, 0.0));
    assert!((s.up_factor - 0.61 / 1.34).abs() < 1e-12);
    assert!((s.down_factor - 0.694 / 1.34).abs() < 1e-12);
}

#[test]
fn stair_mistakes_name_the_key() {
    let stair = |body: &str| {
        load(&format!(
            "{PEOPLE}[[stairs]]\nname = \"s\"\npolygon = [[3, 0], [13, 0], [13, 2], [3, 2]]\n{body}"
        ))
        .unwrap_err()
    };
    let e = stair("up = [0, 0]\n");
    assert!(e.contains("stairs[0] ('s').up"), "{e}");
    let e = stair("up = [1, 0]\nup_factor = 0\n");
    assert!(e.contains("stairs[0] ('s').up_factor"), "{e}");
    let e = stair("up = [1, 0]\ndown_factor = 2\n");
    assert!(e.contains("stairs[0] ('s').down_factor"), "{e}");
    let e = stair("up = [1, 0]\nslope = 30\n");
    assert!(e.contains("unknown field `slope`"), "{e}");
    let e = load(&format!(
        "{PEOPLE}[[stairs]]\nname = \"s\"\npolygon = [[30, 0], [40, 0], [40, 2], [30, 2]]\nup = [1, 0]\n"
    ))
    .unwrap_err();
    assert!(
        e.contains("stairs") && e.contains("covers no centre"),
        "{e}"
    );
}

#[test]
fn rimea_speed_groups_draw_inside_their_ranges() {
    for (group, lo, hi) in aman_scenario::file::RIMEA_SPEED_GROUPS {
        let people = PEOPLE.replace(
            "count = 200",
            &format!(
                "count = 200\ndesired_speed = {{ distribution = \"rimea\", group = \"{group}\" }}"
            ),
        );
        let sc = load(&people).unwrap();
        let v = &sc.simulation.agents().desired_speed;
        let (min, max) = v
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
        assert!(
            min >= lo && max <= hi,
            "{group}: {min}..{max} not in {lo}..{hi}"
        );
        // 200 uniform draws span most of the range
        assert!(max - min > 0.8 * (hi - lo), "{group}: {min}..{max}");
    }
    let people = PEOPLE.replace(
        "count = 200",
        "count = 2\ndesired_speed = { distribution = \"rimea\", group = \"teenagers\" }",
    );
    let e = load(&people).unwrap_err();
    assert!(
        e.contains("unknown RiMEA group 'teenagers'") && e.contains("\"over_50\""),
        "{e}"
    );
}

#[test]
fn route_cost_and_choice_keys() {
    let sc = load(PEOPLE).unwrap();
    assert_eq!(sc.simulation.config().route_cost, aman_sim::RouteCost::Time);
    let text = format!("{BASE}{PEOPLE}").replace(
        "wkt = \"POLYGON ((0 0, 16 0, 16 20, 0 20, 0 0))\"",
        "wkt = \"POLYGON ((0 0, 16 0, 16 20, 0 20, 0 0))\"\nroute_cost = \"distance\"",
    );
    let sc = load_str(&text, Path::new("t.toml"), &Overrides::default()).unwrap();
    assert_eq!(
        sc.simulation.config().route_cost,
        aman_sim::RouteCost::Distance
    );
    let e = load_str(
        &text.replace("\"distance\"", "\"shortest\""),
        Path::new("t.toml"),
        &Overrides::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("unknown variant `shortest`") && e.contains("distance"),
        "{e}"
    );
    for bad in ["0", "0.01", "-1", "1e9"] {
        let e = load_str(
            &text.replace(
                "route_cost = \"distance\"",
                &format!("dynamic_routing = {bad}"),
            ),
            Path::new("t.toml"),
            &Overrides::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("geometry.dynamic_routing") && e.contains("[0.1, 600] s"),
            "{e}"
        );
    }
    let sc = load_str(
        &text.replace("route_cost = \"distance\"", "dynamic_routing = 2"),
        Path::new("t.toml"),
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(sc.simulation.config().dynamic_routing, Some(2.0));
}

#[test]
fn journey_and_distribution_mistakes_name_the_key() {
    let two_exits = format!("{BASE}{PEOPLE}").replace(
        "[[journeys]]",
        "[[stages]]\nkind = \"exit\"\nname = \"west\"\npolygon = [[0, 18], [1, 18], [1, 20], [0, 20]]\n\
         [[stages]]\nkind = \"waypoint\"\nname = \"mid\"\nposition = [8, 10]\n[[journeys]]",
    );
    let err = |from: &str, to: &str| {
        load_str(
            &two_exits.replace(from, to),
            Path::new("t.toml"),
            &Overrides::default(),
        )
        .unwrap_err()
        .to_string()
    };
    let e = err(
        "stages = [\"end\"]",
        "stages = [\"end\"]\nchoice = \"quickest\"",
    );
    assert!(
        e.contains("journeys[0]") && e.contains("two or more alternatives"),
        "{e}"
    );
    let e = err("stages = [\"end\"]", "stages = [[\"end\", \"end\"]]");
    assert!(
        e.contains("journeys[0]") && e.contains("names 'end' twice"),
        "{e}"
    );
    let e = err(
        "stages = [\"end\"]",
        "stages = [[\"mid\", \"west\"], \"end\"]",
    );
    assert!(
        e.contains("journeys[0]") && e.contains("exits belong in the last step"),
        "{e}"
    );
    // fine: a choice between exits, and a waypoint before an exit
    for (ok, choice) in [
        (
            "stages = [[\"end\", \"west\"]]\nchoice = \"quickest\"",
            aman_sim::RouteChoice::Quickest,
        ),
        (
            "stages = [\"mid\", [\"end\", \"west\"]]",
            aman_sim::RouteChoice::Nearest,
        ),
    ] {
        let sc = load_str(
            &two_exits.replace("stages = [\"end\"]", ok),
            Path::new("t.toml"),
            &Overrides::default(),
        )
        .unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert_eq!(sc.simulation.journeys()[0].choice, choice);
    }
    let e = err(
        "stages = [\"end\"]",
        "stages = [\"end\"]\nchoice = \"fastest\"",
    );
    assert!(e.contains("unknown variant `fastest`"), "{e}");
    for key in ["radius", "time_gap", "premovement_time"] {
        let e = err(
            "count = 200",
            &format!("count = 200\n{key} = {{ distribution = \"rimea\", group = \"over_50\" }}"),
        );
        assert!(
            e.contains(&format!("populations[0] ('p').{key}")) && e.contains("desired_speed only"),
            "{e}"
        );
    }
}
