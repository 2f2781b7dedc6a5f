//! The RiMEA 3.0 tests run on the shipped scenarios with both pedestrian models: each must pass.

use aman_verify::{Options, Outcome, Verdict, VerifyError, rimea};

fn opts(model: &str) -> Options {
    let mut o = Options::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    o.model = model.into();
    o
}

const CFSM: &str = "collision_free_speed";
const SFM: &str = "social_force";

fn show(o: &Outcome) {
    eprintln!(
        "{} [{}] {}: {}",
        o.id,
        o.verdict.label(),
        o.title,
        o.measured
    );
    for d in &o.details {
        eprintln!("    {d}");
    }
}

fn pass(run: fn(&Options) -> Result<Outcome, VerifyError>, model: &str) -> Outcome {
    let o = run(&opts(model)).expect("the test runs");
    show(&o);
    assert_eq!(o.verdict, Verdict::Pass, "{}: {}", o.id, o.measured);
    o
}

#[test]
fn t01_corridor_cfsm() {
    let o = pass(rimea::t01_corridor::run, CFSM);
    assert!(o.measured.starts_with("travel time"), "{}", o.measured);
}

#[test]
fn t01_corridor_sfm() {
    let o = pass(rimea::t01_corridor::run, SFM);
    assert!(o.measured.starts_with("travel time"), "{}", o.measured);
}

#[test]
fn t04_fundamental_diagram_cfsm() {
    let o = pass(rimea::t04_fundamental_diagram::run, CFSM);
    assert_eq!(o.figures.len(), 2);
    assert_eq!(o.figures[0].series[0].points.len(), 7);
    assert_eq!(o.figures[1].series[0].points.len(), 5);
}

#[test]
fn t04_fundamental_diagram_sfm() {
    let o = pass(rimea::t04_fundamental_diagram::run, SFM);
    assert_eq!(o.figures.len(), 2);
    assert_eq!(o.figures[0].series[0].points.len(), 7);
    assert_eq!(o.figures[1].series[0].points.len(), 5);
}

#[test]
fn t05_premovement_cfsm() {
    let o = pass(rimea::t05_premovement::run, CFSM);
    assert_eq!(
        o.details
            .iter()
            .filter(|d| d.ends_with("(on time)"))
            .count(),
        10
    );
}

#[test]
fn t05_premovement_sfm() {
    let o = pass(rimea::t05_premovement::run, SFM);
    assert_eq!(
        o.details
            .iter()
            .filter(|d| d.ends_with("(on time)"))
            .count(),
        10
    );
}

#[test]
fn t06_corner_cfsm() {
    let o = pass(rimea::t06_corner::run, CFSM);
    assert!(o.measured.starts_with("20 of 20 arrived"), "{}", o.measured);
}

#[test]
fn t06_corner_sfm() {
    let o = pass(rimea::t06_corner::run, SFM);
    assert!(o.measured.starts_with("20 of 20 arrived"), "{}", o.measured);
}

#[test]
fn t07_demographics_cfsm() {
    let o = pass(rimea::t07_demographics::run, CFSM);
    assert_eq!(o.figures[0].series.len(), 4);
    for s in &o.figures[0].series {
        assert_eq!(
            s.points.iter().map(|p| p.1).sum::<f64>() - s.points.last().map_or(0.0, |p| p.1),
            50.0
        );
    }
}

#[test]
fn t07_demographics_sfm() {
    let o = pass(rimea::t07_demographics::run, SFM);
    assert_eq!(o.figures[0].series.len(), 4);
    for s in &o.figures[0].series {
        assert_eq!(
            s.points.iter().map(|p| p.1).sum::<f64>() - s.points.last().map_or(0.0, |p| p.1),
            50.0
        );
    }
}

#[test]
fn t09_large_room_cfsm() {
    let o = pass(rimea::t09_large_room::run, CFSM);
    for s in &o.figures[0].series {
        assert_eq!(s.points.last().map(|p| p.1), Some(1000.0), "{}", s.name);
    }
}

#[test]
fn t09_large_room_sfm() {
    let o = pass(rimea::t09_large_room::run, SFM);
    for s in &o.figures[0].series {
        assert_eq!(s.points.last().map(|p| p.1), Some(1000.0), "{}", s.name);
    }
}

#[test]
fn t10_exit_allocation_cfsm() {
    let o = pass(rimea::t10_exit_allocation::run, CFSM);
    assert!(
        o.measured.starts_with("48 of 48 by the allocated exit"),
        "{}",
        o.measured
    );
}

#[test]
fn t10_exit_allocation_sfm() {
    let o = pass(rimea::t10_exit_allocation::run, SFM);
    assert!(
        o.measured.starts_with("48 of 48 by the allocated exit"),
        "{}",
        o.measured
    );
}

#[test]
fn t12_bottleneck_cfsm() {
    let o = pass(rimea::t12_bottleneck::run, CFSM);
    // 150 persons through a 1 m corridor: long waits in room 1, none in room 2
    assert!(
        o.measured.contains("mean delay in room 1"),
        "{}",
        o.measured
    );
    assert_eq!(o.figures[0].series.len(), 2);
}

#[test]
fn t12_bottleneck_sfm() {
    let o = pass(rimea::t12_bottleneck::run, SFM);
    assert_eq!(o.figures[0].series.len(), 2);
}

#[test]
fn t15_large_corner_cfsm() {
    let o = pass(rimea::t15_large_corner::run, CFSM);
    // routes computed once leave the corner slower than the outer path: reported, not judged
    let last = o
        .details
        .iter()
        .find(|d| d.contains("routes computed once"))
        .expect("the static-routing run is reported");
    assert!(last.contains("all left"), "{last}");
    for s in &o.figures[0].series {
        assert_eq!(s.points.last().map(|p| p.1), Some(500.0), "{}", s.name);
    }
}

#[test]
fn t15_large_corner_sfm() {
    let o = pass(rimea::t15_large_corner::run, SFM);
    for s in &o.figures[0].series {
        assert_eq!(s.points.last().map(|p| p.1), Some(500.0), "{}", s.name);
    }
}

/// The time on 10 m of stairs, read back from the outcome's text ("16.39 s on the stair").
fn stair_seconds(o: &Outcome) -> f64 {
    o.measured
        .split(' ')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("measured starts with the time")
}

#[test]
fn t02_t03_stairs_cfsm() {
    // CFSM walks at exactly the set speed: 10 / 0.61 = 16.39 s, 10 / 0.694 = 14.41 s
    let up = pass(rimea::t02_t03_stairs::run_up, CFSM);
    assert!(
        (stair_seconds(&up) - 10.0 / 0.61).abs() < 0.05,
        "{}",
        up.measured
    );
    let down = pass(rimea::t02_t03_stairs::run_down, CFSM);
    assert!(
        (stair_seconds(&down) - 10.0 / 0.694).abs() < 0.05,
        "{}",
        down.measured
    );
}

#[test]
fn t02_t03_stairs_sfm() {
    pass(rimea::t02_t03_stairs::run_up, SFM);
    pass(rimea::t02_t03_stairs::run_down, SFM);
}

#[test]
fn t08_parameter_study_both_models() {
    for m in [CFSM, SFM] {
        let o = rimea::t08_parameter_study::run(&opts(m)).expect("the test runs");
        show(&o);
        assert_eq!(o.verdict, Verdict::Documented, "{}", o.measured);
        let pts = &o.figures[0].series[0].points;
        assert_eq!(pts.len(), rimea::t08_parameter_study::SPEED_FACTORS.len());
        // faster walkers empty the building sooner: 0.8 vs 1.2 differ by more than 10 %
        assert!(pts[0].1 > 1.1 * pts[4].1, "{pts:?}");
    }
}

#[test]
fn t11_exit_choice_both_models() {
    for m in [CFSM, SFM] {
        pass(rimea::t11_exit_choice::run, m);
    }
}

#[test]
fn t13_stair_queue_both_models() {
    for m in [CFSM, SFM] {
        pass(rimea::t13_stair_queue::run, m);
    }
}

#[test]
fn t14_route_choice_both_models() {
    for m in [CFSM, SFM] {
        let o = pass(rimea::t14_route_choice::run, m);
        assert!(o.measured.contains("time\": long"), "{}", o.measured);
    }
}
