//! Evacuation times: when a given share of the agents has left.

use serde::{Deserialize, Serialize};

/// The times at which 50 %, 90 % and 100 % of the agents had left, in seconds.
///
/// A field is `None` when that share was never reached (agents still inside at the end of the
/// run) or when there were no agents.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct EvacuationTimes {
    /// Time at which ⌈N/2⌉ agents had left, s.
    pub t50: Option<f64>,
    /// Time at which ⌈0.9 · N⌉ agents had left, s.
    pub t90: Option<f64>,
    /// Time at which all N agents had left (the evacuation time), s.
    pub t100: Option<f64>,
}

/// The time at which `k` agents had left: the k-th smallest exit time (`sorted` ascending).
fn kth(sorted: &[f64], k: usize) -> Option<f64> {
    if k == 0 {
        None
    } else {
        sorted.get(k - 1).copied()
    }
}

/// Evacuation times t50, t90, t100 from the exit times of the agents.
///
/// t_p is the time at which ⌈p · N⌉ agents have left, i.e. the ⌈p · N⌉-th smallest exit time,
/// where N = `total_agents` counts every agent of the run, including those that never left
/// (`exit_times` then has fewer than N entries, and the higher shares are `None`). The shares
/// are computed in integers (⌈N/2⌉, ⌈9N/10⌉, N), so no rounding of p · N can shift them.
/// Exit times in s, in any order; non-finite times are ignored. All `None` for N = 0.
///
/// PedPy has no such function (it analyses trajectories, not egress); this is the usual
/// definition in evacuation studies (e.g. RiMEA, where t100 is the evacuation time).
///
/// ```
/// use aman_analysis::evacuation::evacuation_times;
/// let t = evacuation_times(&[12.0, 3.0, 7.0, 9.0], 4);
/// assert_eq!(t.t50, Some(7.0)); // 2 of 4 agents out
/// assert_eq!(t.t90, Some(12.0)); // ⌈3.6⌉ = 4 agents out
/// assert_eq!(t.t100, Some(12.0));
/// // 5 agents, one still inside at the end.
/// let t = evacuation_times(&[12.0, 3.0, 7.0, 9.0], 5);
/// assert_eq!((t.t50, t.t90, t.t100), (Some(9.0), None, None)); // ⌈2.5⌉ = 3 out by 9 s
/// ```
pub fn evacuation_times(exit_times: &[f64], total_agents: usize) -> EvacuationTimes {
    let mut sorted: Vec<f64> = exit_times
        .iter()
        .copied()
        .filter(|t| t.is_finite())
        .collect();
    sorted.sort_by(f64::total_cmp);
    let n = total_agents;
    EvacuationTimes {
        t50: kth(&sorted, n.div_ceil(2)),
        t90: kth(&sorted, (9 * n).div_ceil(10)),
        t100: kth(&sorted, n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_agents() {
        let times: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let t = evacuation_times(&times, 10);
        assert_eq!(t.t50, Some(5.0));
        assert_eq!(t.t90, Some(9.0));
        assert_eq!(t.t100, Some(10.0));
    }

    #[test]
    fn shares_round_up() {
        // N = 3: ⌈1.5⌉ = 2, ⌈2.7⌉ = 3.
        let t = evacuation_times(&[1.0, 2.0, 3.0], 3);
        assert_eq!((t.t50, t.t90, t.t100), (Some(2.0), Some(3.0), Some(3.0)));
        // N = 30: 0.9 · 30 is 27 exactly, not 28.
        let times: Vec<f64> = (1..=30).map(f64::from).collect();
        assert_eq!(evacuation_times(&times, 30).t90, Some(27.0));
    }

    #[test]
    fn nobody() {
        assert_eq!(evacuation_times(&[], 0), EvacuationTimes::default());
        let t = evacuation_times(&[], 3);
        assert_eq!((t.t50, t.t90, t.t100), (None, None, None));
        let t = evacuation_times(&[f64::NAN, 2.0], 1);
        assert_eq!(t.t100, Some(2.0));
    }
}
