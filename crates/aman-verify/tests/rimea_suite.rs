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
    assert!(o.measured.starts_with("travel time"));
}

#[test]
fn t01_corridor_sfm() {
    pass(rimea::t01_corridor::run, SFM);
}

#[test]
fn t04_fundamental_diagram_cfsm() {
    pass(rimea::t04_fundamental_diagram::run, CFSM);
}

#[test]
fn t04_fundamental_diagram_sfm() {
    pass(rimea::t04_fundamental_diagram::run, SFM);
}

#[test]
fn t05_premovement_cfsm() {
    pass(rimea::t05_premovement::run, CFSM);
}

#[test]
fn t05_premovement_sfm() {
    pass(rimea::t05_premovement::run, SFM);
}

#[test]
fn t06_corner_cfsm() {
    pass(rimea::t06_corner::run, CFSM);
}

#[test]
fn t06_corner_sfm() {
    pass(rimea::t06_corner::run, SFM);
}

#[test]
fn t07_demographics_cfsm() {
    pass(rimea::t07_demographics::run, CFSM);
}

#[test]
fn t07_demographics_sfm() {
    pass(rimea::t07_demographics::run, SFM);
}

#[test]
fn t09_large_room_cfsm() {
    pass(rimea::t09_large_room::run, CFSM);
}

#[test]
fn t09_large_room_sfm() {
    pass(rimea::t09_large_room::run, SFM);
}

#[test]
fn t10_exit_allocation_cfsm() {
    pass(rimea::t10_exit_allocation::run, CFSM);
}

#[test]
fn t10_exit_allocation_sfm() {
    pass(rimea::t10_exit_allocation::run, SFM);
}

#[test]
fn t12_bottleneck_cfsm() {
    pass(rimea::t12_bottleneck::run, CFSM);
}

#[test]
fn t12_bottleneck_sfm() {
    pass(rimea::t12_bottleneck::run, SFM);
}

#[test]
fn t15_large_corner_cfsm() {
    pass(rimea::t15_large_corner::run, CFSM);
}

#[test]
fn t15_large_corner_sfm() {
    pass(rimea::t15_large_corner::run, SFM);
}
