//! The simulation report's notice for a run that ended with persons inside or was interrupted,
//! and the groups of persons still inside (the `still_inside` section of `summary.json`).

use std::fmt::Write as _;

use serde::Serialize;

use crate::html::{esc, thousands};

/// Persons still inside at the end of a run, heading for the same stage.
#[derive(Debug, Clone, Serialize)]
pub struct RemainingGroup {
    /// The stage they were heading for.
    pub target: String,
    /// What it is: `exit` or `waypoint`.
    pub kind: &'static str,
    /// Whether that stage was open at the end.
    pub open: bool,
    /// When it closed for the last time, s (`null` if open, or closed from the start; to 1 µs).
    #[serde(serialize_with = "crate::precision::ser6_opt")]
    pub closed_at: Option<f64>,
    /// Persons in the group.
    pub persons: usize,
    /// Where the group stands: the position of its member nearest to the group's mean
    /// position (a walkable place, unlike the mean of a crowd around an obstacle), m (to 1 µm).
    #[serde(serialize_with = "crate::precision::ser6_point")]
    pub around: [f64; 2],
    /// Radius around `around` that holds 90 % of the group, m (to 1 µm).
    #[serde(serialize_with = "crate::precision::ser6")]
    pub radius_90: f64,
}

impl RemainingGroup {
    /// " (closed at 60.0 s)", " (closed)", or "" for an open stage.
    pub fn state(&self) -> String {
        match (self.open, self.closed_at) {
            (true, _) => String::new(),
            (false, Some(t)) => format!(" (closed at {t:.1} s)"),
            (false, None) => " (closed)".to_string(),
        }
    }
}

/// "1 person", "1,913 persons".
pub fn persons(n: usize) -> String {
    if n == 1 {
        "1 person".to_string()
    } else {
        format!("{} persons", thousands(n))
    }
}

/// How a run ended: the figures of its `summary.json` that [`notice_section`] shows.
#[derive(Debug, Clone, Copy)]
pub struct RunEnd<'a> {
    /// Every person left before the end time.
    pub complete: bool,
    /// SIGINT or SIGTERM stopped the run.
    pub interrupted: bool,
    /// Simulated time at the end, s.
    pub simulated_time: f64,
    /// Persons still inside at the end.
    pub agents_remaining: usize,
    /// Persons that never entered (their arrival place was not free).
    pub agents_not_arrived: usize,
    /// Why the run stopped before everybody left (`None`: the end time was reached).
    pub stopped_because: Option<&'a str>,
    /// The persons still inside, grouped by the stage they were heading for.
    pub still_inside: &'a [RemainingGroup],
}

/// The report's notice for a run that ended with persons inside or was interrupted: a
/// self-contained HTML section (its own inline style), empty for a complete run.
pub fn notice_section(s: &RunEnd<'_>) -> String {
    if s.complete && !s.interrupted {
        return String::new();
    }
    let mut h = String::from(
        "<section class=\"run-notice\" style=\"border:2px solid #b45309;background:#fff7ed;\
         padding:0.5em 1em;margin:1em 0\">\n",
    );
    if s.interrupted {
        let _ = writeln!(
            h,
            "<h2>Interrupted</h2>\n<p><b>This run was interrupted at {:.1} s</b> (SIGINT or \
             SIGTERM) before it ended: every figure on this page covers the first {:.1} s only, \
             and the trajectory file holds what was simulated until then.</p>",
            s.simulated_time, s.simulated_time
        );
    }
    if s.agents_remaining + s.agents_not_arrived > 0 {
        let _ = writeln!(
            h,
            "<p>{} when the run stopped ({}).</p>",
            esc(&format!(
                "{} still inside at {:.1} s",
                persons(s.agents_remaining),
                s.simulated_time
            )),
            esc(s.stopped_because.unwrap_or("end_time reached"))
        );
        if !s.still_inside.is_empty() {
            h.push_str(
                "<table>\n<tr><th>persons</th><th>heading for</th><th>around (x, y), m</th>\
                 <th>90 % within, m</th></tr>\n",
            );
            for g in s.still_inside {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{} '<bdi>{}</bdi>'{}</td><td>({:.1}, {:.1})</td>\
                     <td>{:.1}</td></tr>",
                    thousands(g.persons),
                    g.kind,
                    esc(&g.target),
                    esc(&g.state()),
                    g.around[0],
                    g.around[1],
                    g.radius_90
                );
            }
            h.push_str("</table>\n");
        }
        if s.agents_not_arrived > 0 {
            let _ = writeln!(
                h,
                "<p>{} never entered: their arrival place was not free.</p>",
                thousands(s.agents_not_arrived)
            );
        }
    }
    h.push_str("</section>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_of_persons_left_inside_is_escaped() {
        let groups = [RemainingGroup {
            target: "<west>".into(),
            kind: "exit",
            open: false,
            closed_at: Some(60.0),
            persons: 1204,
            around: [12.0, 40.5],
            radius_90: 8.2,
        }];
        let end = RunEnd {
            complete: false,
            interrupted: false,
            simulated_time: 900.0,
            agents_remaining: 1204,
            agents_not_arrived: 0,
            stopped_because: Some("every exit is closed"),
            still_inside: &groups,
        };
        let h = notice_section(&end);
        assert!(h.contains("1,204 persons still inside at 900.0 s"));
        assert!(h.contains("exit '<bdi>&lt;west&gt;</bdi>' (closed at 60.0 s)"));
        assert!(h.contains("<td>(12.0, 40.5)</td><td>8.2</td>"));
        let done = RunEnd {
            complete: true,
            agents_remaining: 0,
            still_inside: &[],
            ..end
        };
        assert_eq!(notice_section(&done), "");
    }
}
