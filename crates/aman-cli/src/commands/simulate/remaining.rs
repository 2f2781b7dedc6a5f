//! Where the persons still inside at the end of a run are: grouped by the stage they were
//! heading for, with the place most of each group stands, so that a planner reads "1,204 heading
//! for exit 'west' (closed at 60.0 s), around (12.0, 40.5) m" rather than a bare count.

use aman_report::html::esc;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use aman_sim::{Event, Simulation, StageKind};
use serde::Serialize;

use super::Summary;

/// Groups named in the terminal message, at most; the rest are summed up in one line.
const MAX_GROUPS_SHOWN: usize = 8;

/// Exit code of a run that ended with persons inside or not yet entered (end time reached, or
/// every exit closed for good).
pub const EXIT_PERSONS_INSIDE: u8 = 3;

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

/// The persons inside `sim`, grouped by their target stage, largest group first (ties by stage
/// order). Empty when nobody is inside.
pub(super) fn groups(sim: &Simulation) -> Vec<RemainingGroup> {
    let a = sim.agents();
    let mut by_target: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for i in 0..a.len() {
        by_target.entry(a.target[i].0).or_default().push(i);
    }
    let mut groups: Vec<RemainingGroup> = by_target
        .into_iter()
        .map(|(stage, members)| {
            let n = members.len() as f64;
            let (sx, sy) = members.iter().fold((0.0, 0.0), |(x, y), &i| {
                (x + a.position[i].x, y + a.position[i].y)
            });
            let (mx, my) = (sx / n, sy / n);
            let d2 = |i: usize, x: f64, y: f64| {
                let (dx, dy) = (a.position[i].x - x, a.position[i].y - y);
                dx * dx + dy * dy
            };
            let centre = members
                .iter()
                .copied()
                .min_by(|&i, &j| d2(i, mx, my).total_cmp(&d2(j, mx, my)))
                .unwrap_or(members[0]);
            let (cx, cy) = (a.position[centre].x, a.position[centre].y);
            let mut dist: Vec<f64> = members.iter().map(|&i| d2(i, cx, cy).sqrt()).collect();
            dist.sort_by(f64::total_cmp);
            // the ⌈0.9 n⌉-th smallest distance
            let radius_90 = dist[(dist.len() * 9).div_ceil(10).max(1) - 1];
            let s = &sim.stages()[stage as usize];
            let id = aman_sim::StageId(stage);
            let open = sim.is_open(id);
            RemainingGroup {
                target: s.name.clone(),
                kind: match s.kind {
                    StageKind::Exit { .. } | StageKind::Door { .. } => "exit",
                    StageKind::Waypoint { .. } | StageKind::Passage { .. } => "waypoint",
                },
                open,
                closed_at: if open {
                    None
                } else {
                    sim.past_events()
                        .iter()
                        .rev()
                        .find(|(_, e)| matches!(e, Event::Close(s) if *s == id))
                        .map(|(t, _)| *t)
                },
                persons: members.len(),
                around: [cx, cy],
                radius_90,
            }
        })
        .collect();
    // stable: equal counts keep the stage order
    groups.sort_by_key(|g| std::cmp::Reverse(g.persons));
    groups
}

/// The message for a run that ended with persons inside or not yet entered: how many, when,
/// why, and where (one line per group). Empty for a complete run.
///
/// ```text
/// 1,913 persons still inside at 900.0 s: every exit is closed and none opens again.
///   1,204 heading for exit 'west' (closed at 60.0 s), around (12.0, 40.5) m, 90 % within 8.2 m
///     709 heading for exit 'east' (closed at 60.0 s), around (88.1, 40.0) m, 90 % within 5.0 m
/// ```
pub(super) fn message(s: &Summary) -> String {
    if s.complete {
        return String::new();
    }
    let mut m = String::new();
    let _ = write!(
        m,
        "{} still inside at {:.1} s",
        persons(s.agents_remaining),
        s.simulated_time
    );
    if s.agents_not_arrived > 0 {
        let _ = write!(
            m,
            ", and {} never entered (their arrival place was not free)",
            thousands(s.agents_not_arrived)
        );
    }
    let _ = write!(
        m,
        ": {}.",
        s.stopped_because.as_deref().unwrap_or("end_time reached")
    );
    let width = s
        .still_inside
        .iter()
        .map(|g| thousands(g.persons).len())
        .max()
        .unwrap_or(1);
    for g in s.still_inside.iter().take(MAX_GROUPS_SHOWN) {
        let _ = write!(
            m,
            "\n  {:>width$} heading for {} '{}'{}, around ({:.1}, {:.1}) m, 90 % within {:.1} m",
            thousands(g.persons),
            g.kind,
            g.target,
            state(g),
            g.around[0],
            g.around[1],
            g.radius_90,
        );
    }
    if s.still_inside.len() > MAX_GROUPS_SHOWN {
        let rest = &s.still_inside[MAX_GROUPS_SHOWN..];
        let _ = write!(
            m,
            "\n  {:>width$} heading for {} other stages (summary.json lists them all)",
            thousands(rest.iter().map(|g| g.persons).sum()),
            rest.len()
        );
    }
    m
}

/// " (closed at 60.0 s)", " (closed)" or "" for an open stage.
fn state(g: &RemainingGroup) -> String {
    match (g.open, g.closed_at) {
        (true, _) => String::new(),
        (false, Some(t)) => format!(" (closed at {t:.1} s)"),
        (false, None) => " (closed)".to_string(),
    }
}

/// "1 person", "1,913 persons".
fn persons(n: usize) -> String {
    if n == 1 {
        "1 person".to_string()
    } else {
        format!("{} persons", thousands(n))
    }
}

/// `n` with a comma every three digits: 1913 → "1,913".
pub(super) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The report's notice for a run that ended with persons inside or was interrupted: a
/// self-contained HTML section (its own inline style), empty for a complete run.
pub fn notice_section(s: &Summary) -> String {
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
            esc(s.stopped_because.as_deref().unwrap_or("end_time reached"))
        );
        if !s.still_inside.is_empty() {
            h.push_str(
                "<table>\n<tr><th>persons</th><th>heading for</th><th>around (x, y), m</th>\
                 <th>90 % within, m</th></tr>\n",
            );
            for g in &s.still_inside {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{} '<bdi>{}</bdi>'{}</td><td>({:.1}, {:.1})</td>\
                     <td>{:.1}</td></tr>",
                    thousands(g.persons),
                    g.kind,
                    esc(&g.target),
                    esc(&state(g)),
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
    fn thousands_separators() {
        for (n, s) in [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1000, "1,000"),
            (1913, "1,913"),
            (20000, "20,000"),
            (1234567, "1,234,567"),
        ] {
            assert_eq!(thousands(n), s);
        }
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(esc("a<b & 'c'"), "a&lt;b &amp; &#39;c&#39;");
    }
}
