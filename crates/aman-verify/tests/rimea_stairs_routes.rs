//! RiMEA tests 2, 3, 8, 11, 13 and 14 (stairs and route choice) pass with both models at their
//! default parameters, with the figures the guideline's criteria ask for.

use aman_verify::rimea::{
    t02_t03_stairs, t08_parameter_study, t11_exit_choice, t13_stair_queue, t14_route_choice,
};
use aman_verify::{Options, Outcome, Verdict, VerifyError};

fn opts(model: &str) -> Options {
    let mut o = Options::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    o.model = model.into();
    o
}

fn check(
    run: fn(&Options) -> Result<Outcome, VerifyError>,
    model: &str,
    expect: Verdict,
) -> Outcome {
    let o = run(&opts(model)).unwrap_or_else(|e| panic!("{e}"));
    println!("{model}: {} {}: {}", o.verdict.label(), o.id, o.measured);
    for d in &o.details {
        println!("    {d}");
    }
    assert_eq!(o.verdict, expect, "{}: {}", o.id, o.measured);
    o
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
fn stairs_up_and_down_take_the_set_speed_cfsm() {
    // CFSM walks at exactly the set speed: 10 / 0.61 = 16.39 s, 10 / 0.694 = 14.41 s
    let up = check(
        t02_t03_stairs::run_up,
        "collision_free_speed",
        Verdict::Pass,
    );
    assert!(
        (stair_seconds(&up) - 10.0 / 0.61).abs() < 0.05,
        "{}",
        up.measured
    );
    let down = check(
        t02_t03_stairs::run_down,
        "collision_free_speed",
        Verdict::Pass,
    );
    assert!(
        (stair_seconds(&down) - 10.0 / 0.694).abs() < 0.05,
        "{}",
        down.measured
    );
}

#[test]
fn stairs_up_and_down_take_the_set_speed_sfm() {
    check(t02_t03_stairs::run_up, "social_force", Verdict::Pass);
    check(t02_t03_stairs::run_down, "social_force", Verdict::Pass);
}

#[test]
fn queue_at_the_stair_foot_both_models() {
    for m in ["collision_free_speed", "social_force"] {
        check(t13_stair_queue::run, m, Verdict::Pass);
    }
}

#[test]
fn route_choice_follows_the_configuration_both_models() {
    for m in ["collision_free_speed", "social_force"] {
        let o = check(t14_route_choice::run, m, Verdict::Pass);
        assert!(o.measured.contains("time\": long"), "{}", o.measured);
    }
}

#[test]
fn exit_choice_most_near_some_far_both_models() {
    for m in ["collision_free_speed", "social_force"] {
        check(t11_exit_choice::run, m, Verdict::Pass);
    }
}

#[test]
fn parameter_study_evacuation_time_falls_with_speed_both_models() {
    for m in ["collision_free_speed", "social_force"] {
        let o = check(t08_parameter_study::run, m, Verdict::Documented);
        let pts = &o.figures[0].series[0].points;
        assert_eq!(pts.len(), t08_parameter_study::SPEED_FACTORS.len());
        // faster walkers empty the building sooner: 0.8 vs 1.2 differ by more than 10 %
        assert!(pts[0].1 > 1.1 * pts[4].1, "{pts:?}");
    }
}
