//! The RiMEA 3.0 test suite (RiMEA e.V., "Guideline for Microscopic Evacuation Analysis",
//! version 3.0.0, 2016, section 4 "Tests"): each test is a shipped scenario under
//! `scenarios/rimea/` and a function that runs it and checks the guideline's criterion.

use crate::{Options, Outcome, VerifyError};

pub mod t01_corridor;
pub mod t02_t03_stairs;
pub mod t04_fundamental_diagram;
pub mod t05_premovement;
pub mod t06_corner;
pub mod t07_demographics;
pub mod t08_parameter_study;
pub mod t09_large_room;
pub mod t10_exit_allocation;
pub mod t11_exit_choice;
pub mod t12_bottleneck;
pub mod t13_stair_queue;
pub mod t14_route_choice;
pub mod t15_large_corner;
mod util;

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
#[rustfmt::skip]
pub const TESTS: &[TestCase] = &[
    TestCase { number: 1, title: "maintaining the set walking speed in a corridor", run: t01_corridor::run },
    TestCase { number: 2, title: "maintaining the set walking speed up a staircase", run: t02_t03_stairs::run_up },
    TestCase { number: 3, title: "maintaining the set walking speed down a staircase", run: t02_t03_stairs::run_down },
    TestCase { number: 4, title: "fundamental diagram", run: t04_fundamental_diagram::run },
    TestCase { number: 5, title: "pre-movement time", run: t05_premovement::run },
    TestCase { number: 6, title: "movement around a corner", run: t06_corner::run },
    TestCase { number: 7, title: "allocation of demographic parameters", run: t07_demographics::run },
    TestCase { number: 8, title: "parameter analysis", run: t08_parameter_study::run },
    TestCase { number: 9, title: "crowd leaving a large public room", run: t09_large_room::run },
    TestCase { number: 10, title: "allocation of exits", run: t10_exit_allocation::run },
    TestCase { number: 11, title: "choice of exit route", run: t11_exit_choice::run },
    TestCase { number: 12, title: "effect of bottlenecks", run: t12_bottleneck::run },
    TestCase { number: 13, title: "congestion in front of a staircase", run: t13_stair_queue::run },
    TestCase { number: 14, title: "route choice", run: t14_route_choice::run },
    TestCase { number: 15, title: "movement around a corner at large scale", run: t15_large_corner::run },
];

/// Runs the tests selected by `opts.only` (test numbers as text; empty: all), in order.
pub fn run(opts: &Options) -> Vec<(u32, Result<Outcome, VerifyError>)> {
    TESTS
        .iter()
        .filter(|t| opts.selected(&t.number.to_string()))
        .map(|t| {
            // one title per test, whether it ran or not
            let result = (t.run)(opts).map(|mut o| {
                o.title = t.title.to_string();
                o
            });
            (t.number, result)
        })
        .collect()
}
