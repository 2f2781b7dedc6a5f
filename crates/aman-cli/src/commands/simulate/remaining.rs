//! Where the persons still inside at the end of a run are: grouped by the stage they were
//! heading for, with the place most of each group stands, so that a planner reads "1,204 heading
//! for exit 'west' (closed at 60.0 s), around (12.0, 40.5) m" rather than a bare count.

use aman_report::html::thousands;
use aman_report::notice::{RemainingGroup, persons};
use std::collections::BTreeMap;
use std::fmt::Write as _;

use aman_sim::{Event, Simulation, StageKind};

use super::Summary;

/// Groups named in the terminal message, at most; the rest are summed up in one line.
const MAX_GROUPS_SHOWN: usize = 8;

/// Exit code of a run that ended with persons inside or not yet entered (end time reached, or
/// every exit closed for good).
pub const EXIT_PERSONS_INSIDE: u8 = 3;

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
            g.state(),
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
