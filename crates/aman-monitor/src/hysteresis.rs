//! The early-warning switch of a rule: a threshold with a clear level below it (hysteresis)
//! and a minimum duration on both sides, so a value flickering around the threshold raises
//! one alert, not fifty.
//!
//! States and transitions, with t the time of each value:
//!
//! ```text
//! Normal   --value ≥ raise-->                         Rising(since = t)
//! Rising   --value < raise-->                         Normal
//! Rising   --value ≥ raise and t − since ≥ hold-->    Raised        (Transition::Raise at t)
//! Raised   --value < clear-->                         Clearing(since = t)
//! Clearing --value ≥ clear-->                         Raised
//! Clearing --value < clear and t − since ≥ hold-->    Normal        (Transition::Clear at t)
//! ```
//!
//! With `hold` = 0 the first value at or above `raise` raises at once. A NaN value (the
//! measure undefined, e.g. pressure with nobody in a zone) changes nothing. Values are taken
//! in the order given; the caller gives them in time order.

use crate::Timestamp;

/// A transition of a [`Hysteresis`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The alert is raised.
    Raise,
    /// The alert is resolved.
    Clear,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Normal,
    Rising(Timestamp),
    Raised,
    Clearing(Timestamp),
}

/// One rule's switch: see the [module docs](self).
#[derive(Debug, Clone, PartialEq)]
pub struct Hysteresis {
    raise: f64,
    clear: f64,
    hold: f64,
    state: State,
}

impl Hysteresis {
    /// A switch raised at `raise`, cleared below `clear` (≤ `raise`), each after `hold`
    /// seconds.
    pub fn new(raise: f64, clear: f64, hold: f64) -> Hysteresis {
        Hysteresis {
            raise,
            clear: clear.min(raise),
            hold: hold.max(0.0),
            state: State::Normal,
        }
    }

    /// Whether it is raised (also while clearing).
    pub fn is_raised(&self) -> bool {
        matches!(self.state, State::Raised | State::Clearing(_))
    }

    /// Back to normal at once, without a transition: a person resolved the alert. A value
    /// still at or above `raise` then starts the rise again, and raises after `hold`.
    pub fn reset(&mut self) {
        self.state = State::Normal;
    }

    /// Takes the value at time `t`; returns the transition it causes, if any.
    pub fn step(&mut self, t: Timestamp, value: f64) -> Option<Transition> {
        if value.is_nan() {
            return None;
        }
        let held = |since: Timestamp| t.secs_since(since) >= self.hold;
        match self.state {
            State::Normal | State::Rising(_) if value < self.raise => {
                self.state = State::Normal;
                None
            }
            State::Normal => {
                if self.hold <= 0.0 {
                    self.state = State::Raised;
                    Some(Transition::Raise)
                } else {
                    self.state = State::Rising(t);
                    None
                }
            }
            State::Rising(since) => held(since).then(|| {
                self.state = State::Raised;
                Transition::Raise
            }),
            State::Raised | State::Clearing(_) if value >= self.clear => {
                self.state = State::Raised;
                None
            }
            State::Raised => {
                if self.hold <= 0.0 {
                    self.state = State::Normal;
                    Some(Transition::Clear)
                } else {
                    self.state = State::Clearing(t);
                    None
                }
            }
            State::Clearing(since) => held(since).then(|| {
                self.state = State::Normal;
                Transition::Clear
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(h: &mut Hysteresis, values: &[(f64, f64)]) -> Vec<(f64, Transition)> {
        values
            .iter()
            .filter_map(|&(t, v)| {
                h.step(Timestamp::from_secs_f64(t).unwrap(), v)
                    .map(|tr| (t, tr))
            })
            .collect()
    }

    #[test]
    fn flickering_value_raises_once() {
        // A density flickering between 3.9 and 4.1 every 0.1 s for 60 s.
        let mut h = Hysteresis::new(4.0, 3.5, 2.0);
        let values: Vec<(f64, f64)> = (0..600)
            .map(|k| (k as f64 * 0.1, if k % 2 == 0 { 4.1 } else { 3.9 }))
            .collect();
        // Without hysteresis band and hold: 300 raises.
        let mut bare = Hysteresis::new(4.0, 4.0, 0.0);
        let raises = run(&mut bare, &values)
            .iter()
            .filter(|(_, t)| *t == Transition::Raise)
            .count();
        assert_eq!(raises, 300);
        // With clear 3.5: never raised since each value ≥ 4 lasts only 0.1 s < hold.
        assert!(run(&mut h, &values).is_empty());
        // With hold 0: one raise, never cleared (3.9 ≥ 3.5).
        let mut h0 = Hysteresis::new(4.0, 3.5, 0.0);
        assert_eq!(run(&mut h0, &values), vec![(0.0, Transition::Raise)]);
    }

    #[test]
    fn hold_delays_raise_and_clear() {
        let mut h = Hysteresis::new(4.0, 3.5, 1.0);
        let v = [
            (0.0, 4.2),
            (0.5, 4.3),
            (1.0, 4.4), // held 1 s: raise
            (2.0, 3.6), // above clear: stays
            (3.0, 3.4), // clearing since 3
            (3.5, 3.7), // back above clear
            (4.0, 3.0), // clearing since 4
            (4.5, f64::NAN),
            (5.0, 3.0), // held 1 s: clear
        ];
        assert_eq!(
            run(&mut h, &v),
            vec![(1.0, Transition::Raise), (5.0, Transition::Clear)]
        );
        assert!(!h.is_raised());
    }

    #[test]
    fn reset_raises_again_after_hold_if_still_high() {
        let mut h = Hysteresis::new(4.0, 3.5, 1.0);
        assert_eq!(
            run(&mut h, &[(0.0, 4.2), (1.0, 4.2)]),
            vec![(1.0, Transition::Raise)]
        );
        h.reset();
        assert!(!h.is_raised());
        // Still at 4.2: rising from 2.0, raised again at 3.0, not at once.
        assert_eq!(
            run(&mut h, &[(2.0, 4.2), (2.5, 4.2), (3.0, 4.2)]),
            vec![(3.0, Transition::Raise)]
        );
        // Reset while below raise: nothing until the value rises and holds.
        h.reset();
        assert!(run(&mut h, &[(4.0, 3.8), (5.0, 3.9)]).is_empty());
    }
}
