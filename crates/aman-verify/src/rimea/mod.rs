//! The RiMEA 3.0 test suite (RiMEA e.V., "Guideline for Microscopic Evacuation Analysis",
//! version 3.0.0, 2016, section 4 "Tests"): each test is a shipped scenario under
//! `scenarios/rimea/` and a function that runs it and checks the guideline's criterion.

use crate::{Options, Outcome, VerifyError};

pub mod t02_t03_stairs;
pub mod t08_parameter_study;
pub mod t11_exit_choice;
pub mod t13_stair_queue;
pub mod t14_route_choice;

/// One RiMEA test.
#[derive(Debug, Clone, Copy)]
pub struct TestCase {
    /// The guideline's test number, 1–15.
    pub number: u32,
    /// Its title.
    pub title: &'static str,
    /// Runs it.
    pub run: fn(&Options) -> Result<Outcome, VerifyError>,
}

/// Every test, in the guideline's order.
pub const TESTS: &[TestCase] = &[
    TestCase {
        number: 2,
        title: "walking speed up stairs",
        run: t02_t03_stairs::run_up,
    },
    TestCase {
        number: 3,
        title: "walking speed down stairs",
        run: t02_t03_stairs::run_down,
    },
    TestCase {
        number: 8,
        title: "parameter analysis, three storeys",
        run: t08_parameter_study::run,
    },
    TestCase {
        number: 11,
        title: "choice of exit route",
        run: t11_exit_choice::run,
    },
    TestCase {
        number: 13,
        title: "congestion in front of a staircase",
        run: t13_stair_queue::run,
    },
    TestCase {
        number: 14,
        title: "route choice",
        run: t14_route_choice::run,
    },
];

/// Runs the tests selected by `opts.only` (test numbers as text; empty: all), in order.
pub fn run(opts: &Options) -> Vec<(u32, Result<Outcome, VerifyError>)> {
    TESTS
        .iter()
        .filter(|t| opts.selected(&t.number.to_string()))
        .map(|t| (t.number, (t.run)(opts)))
        .collect()
}
