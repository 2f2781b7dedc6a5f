//! The network forecast of a venue from its live state: the venue's zones become cells,
//! its gates and lines between zones (or between a zone and the outside) become links, and
//! the live occupancies and flows give the start, the arrivals and where people head.
//!
//! - **Cells.** Each zone is a cell of its walkable area (m²) and of length `√area` (m), the
//!   side of a square of that area (a zone has no one walking direction; the length only
//!   sets how fast the zone passes people on, `W = area / length`, and the step's CFL bound).
//! - **Links.** Each line with an `into` or a `from` zone gives two links, one per direction
//!   of crossing ("in": `from` → `into`; "out": `into` → `from`), each of the line's clear
//!   width; the outside stands where the line has no zone. A line with neither only counts.
//!   The two directions do not share the width (counter-flow is not modelled).
//! - **Where people head.** The people of a zone leave it by its outgoing links in proportion
//!   to the flows measured through them over the venue's window (the live state's
//!   `flow_in` / `flow_out`); where none was measured, in proportion to the width of the
//!   lines whose "in" direction leaves the zone (the venue's main direction), else of all its
//!   outgoing links.
//! - **Arrivals.** A link from the outside brings people at the rate measured through it
//!   over the window, held constant over the horizon.
//! - **Thresholds.** For each zone the forecast reports when its density first reaches each
//!   of its density, level-of-service and occupancy rules' raise thresholds, and Fruin level
//!   E of its table.

use aman_analysis::los::{FruinLevel, LosTable};
use aman_monitor::venue::{Measure, Subject};
use aman_monitor::{Venue, VenueState};

use crate::ctm::{self, Cell, Link, Network, NetworkError, State};
use crate::fd::{DemandSupply, Weidmann};

/// Bottleneck capacity, persons per metre of clear width per second: the mean specific flow
/// of the published bottleneck experiments of aman's validation set with openings of 1 m and
/// more (`aman verify experiments`; Kretz et al. 2006 Table 3, Seyfried et al. 2009, Liddle
/// et al. 2011: 1.79–2.22, mean 2.00).
pub const BOTTLENECK_CAPACITY: f64 = 2.0;

/// A direction of crossing a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crossing {
    /// From the line's `from` zone into its `into` zone.
    In,
    /// The other way.
    Out,
}

/// A venue's network: the cell-transmission network and what each of its links is.
#[derive(Debug, Clone)]
pub struct VenueNetwork {
    /// The network (cells in the venue's zone order).
    pub net: Network,
    /// For each link, the venue line and the direction it stands for.
    pub links: Vec<(usize, Crossing)>,
}

impl VenueNetwork {
    /// The network of `venue` with bottleneck capacity `capacity` (persons/(m·s)) and
    /// Weidmann's fundamental diagram. Every zone's people head for its links in proportion
    /// to width (the live state changes this: [`VenueNetwork::with_state`]).
    ///
    /// # Errors
    /// [`NetworkError`] if a zone has no walkable area or the capacity is not positive.
    pub fn new(venue: &Venue, capacity: f64) -> Result<VenueNetwork, NetworkError> {
        let cells = venue
            .zones
            .iter()
            .map(|z| Cell {
                area: z.walkable_m2,
                length: z.walkable_m2.sqrt(),
            })
            .collect();
        let mut links = Vec::new();
        let mut meaning = Vec::new();
        for (i, l) in venue.lines.iter().enumerate() {
            if l.into.is_none() && l.from.is_none() {
                continue;
            }
            links.push(Link {
                from: l.from,
                to: l.into,
                width: l.width,
            });
            meaning.push((i, Crossing::In));
            links.push(Link {
                from: l.into,
                to: l.from,
                width: l.width,
            });
            meaning.push((i, Crossing::Out));
        }
        let mut vn = VenueNetwork {
            net: Network {
                splits: vec![Vec::new(); venue.zones.len()],
                cells,
                links,
                ds: DemandSupply::new(Weidmann::default()),
                capacity,
            },
            links: meaning,
        };
        vn.set_splits(&[]);
        vn.net.check()?;
        Ok(vn)
    }

    /// Sets every zone's splits from measured outflows per link (persons/s, by link index;
    /// missing or all-zero for a zone: by width, as described in the [module docs](self)).
    fn set_splits(&mut self, measured: &[f64]) {
        for (i, splits) in self.net.splits.iter_mut().enumerate() {
            let out: Vec<usize> = (0..self.net.links.len())
                .filter(|&l| self.net.links[l].from == Some(i))
                .collect();
            let weight_sets: [Box<dyn Fn(usize) -> f64>; 3] = [
                Box::new(|l| measured.get(l).copied().unwrap_or(0.0).max(0.0)),
                Box::new(|l| {
                    if self.links[l].1 == Crossing::In {
                        self.net.links[l].width
                    } else {
                        0.0
                    }
                }),
                Box::new(|l| self.net.links[l].width),
            ];
            *splits = Vec::new();
            for w in weight_sets {
                let total: f64 = out.iter().map(|&l| w(l)).sum();
                if total > 0.0 && total.is_finite() {
                    *splits = out.iter().map(|&l| (l, w(l) / total)).collect();
                    break;
                }
            }
        }
    }

    /// The start of a forecast from the live state: each zone's occupancy (0 where unknown),
    /// the arrival rate of each link from the outside, and the splits from the measured flows.
    /// Also returns what was not known: one sentence per zone without occupancy and per
    /// source line without a measured flow, and per stale sensor.
    pub fn with_state(&mut self, venue: &Venue, live: &VenueState) -> Start {
        let mut unknown = Vec::new();
        let occupancy: Vec<f64> = venue
            .zones
            .iter()
            .enumerate()
            .map(|(i, z)| match live.zones.get(i).and_then(|s| s.occupancy) {
                Some(n) if n.is_finite() && n >= 0.0 => n,
                _ => {
                    unknown.push(format!("zone {}: no occupancy", z.id));
                    0.0
                }
            })
            .collect();
        let flow = |l: usize| -> Option<f64> {
            let (line, dir) = self.links[l];
            let s = live.lines.get(line)?;
            match dir {
                Crossing::In => s.flow_in,
                Crossing::Out => s.flow_out,
            }
        };
        let measured: Vec<f64> = (0..self.links.len())
            .map(|l| flow(l).unwrap_or(0.0))
            .collect();
        let mut arrivals = vec![0.0; self.links.len()];
        for (l, link) in self.net.links.iter().enumerate() {
            if link.from.is_none() {
                match flow(l) {
                    Some(r) if r.is_finite() && r >= 0.0 => arrivals[l] = r,
                    _ => {
                        let id = &venue.lines[self.links[l].0].id;
                        if !unknown
                            .iter()
                            .any(|u: &String| u.starts_with(&format!("line {id}:")))
                        {
                            unknown.push(format!("line {id}: no measured flow"));
                        }
                    }
                }
            }
        }
        for s in &live.sensors {
            if s.stale {
                unknown.push(format!("sensor {}: stale", s.id));
            }
        }
        self.set_splits(&measured);
        let state = State {
            occupancy,
            waiting: vec![0.0; self.links.len()],
            passed: vec![0.0; self.links.len()],
        };
        Start {
            state,
            arrivals,
            unknown,
        }
    }
}

/// The start of a venue forecast.
#[derive(Debug, Clone)]
pub struct Start {
    /// Persons per zone, nobody waiting.
    pub state: State,
    /// Arrival rate of each link from the outside, persons/s.
    pub arrivals: Vec<f64>,
    /// What the live state did not say (zones without occupancy, source lines without flow,
    /// stale sensors), one sentence each.
    pub unknown: Vec<String>,
}

/// A threshold of a zone and when the forecast reaches it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reached {
    /// `"LOS E"` or `"rule <id>"`.
    pub what: String,
    /// Its density, persons/m².
    pub density: f64,
    /// Seconds from now until the zone's density reaches it, or `None` within the horizon.
    pub at: Option<f64>,
}

/// The forecast of one zone.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneForecast {
    /// Zone id.
    pub id: String,
    /// Density at each sample time, persons/m².
    pub density: Vec<f64>,
    /// Fruin level at each sample time, in the zone's table.
    pub los: Vec<FruinLevel>,
    /// Highest density over the horizon, persons/m².
    pub peak: f64,
    /// Its thresholds and when they are reached.
    pub reached: Vec<Reached>,
}

/// The forecast of one line from the outside: the queue in front of it.
#[derive(Debug, Clone, PartialEq)]
pub struct GateForecast {
    /// Line id.
    pub id: String,
    /// Persons waiting outside at each sample time.
    pub waiting: Vec<f64>,
}

/// A venue's network forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueForecast {
    /// Sample times, s from now.
    pub t: Vec<f64>,
    /// One per zone, in venue order.
    pub zones: Vec<ZoneForecast>,
    /// One per line with a link from the outside.
    pub gates: Vec<GateForecast>,
    /// What the live state did not say ([`Start::unknown`]).
    pub unknown: Vec<String>,
}

/// The density at which a zone's rule is raised, persons/m²: a density rule's threshold; a
/// level-of-service rule's lowest density of that level in the zone's table; an occupancy
/// rule's fraction × capacity / walkable area. `None` for other measures.
fn rule_density(venue: &Venue, zone: usize, measure: Measure, raise: f64) -> Option<f64> {
    let z = &venue.zones[zone];
    match measure {
        Measure::Density => Some(raise),
        Measure::Los => los_density(z.los, raise.round() as usize),
        Measure::Occupancy => z.capacity.map(|c| raise * c as f64 / z.walkable_m2),
        _ => None,
    }
}

/// The density from which a zone is at level `k` (A = 0 … F = 5), persons/m².
fn los_density(table: LosTable, k: usize) -> Option<f64> {
    match k {
        0 => Some(0.0),
        k => table.max_density().get(k - 1).copied(),
    }
}

/// Rolls the venue forward `horizon` seconds from `live`, sampling every `every` seconds,
/// with a step of at most `dt` (cut to the network's CFL bound).
///
/// # Errors
/// [`NetworkError`] for a bad network or non-positive `horizon`, `dt`, `every`.
pub fn forecast(
    vn: &mut VenueNetwork,
    venue: &Venue,
    live: &VenueState,
    horizon: f64,
    dt: f64,
    every: f64,
) -> Result<VenueForecast, NetworkError> {
    let start = vn.with_state(venue, live);
    let samples = ctm::forecast(&vn.net, &start.state, &start.arrivals, horizon, dt, every)?;
    let zones = venue
        .zones
        .iter()
        .enumerate()
        .map(|(i, z)| {
            let density: Vec<f64> = samples.iter().map(|s| s.density[i]).collect();
            let mut reached = Vec::new();
            if let Some(d) = los_density(z.los, FruinLevel::E as usize) {
                reached.push(Reached {
                    what: "LOS E".into(),
                    density: d,
                    at: ctm::time_to_reach(&samples, i, d),
                });
            }
            for r in &venue.rules {
                if r.subject != Subject::Zone(i) {
                    continue;
                }
                if let Some(d) = rule_density(venue, i, r.measure, r.raise) {
                    reached.push(Reached {
                        what: format!("rule {}", r.id),
                        density: d,
                        at: ctm::time_to_reach(&samples, i, d),
                    });
                }
            }
            ZoneForecast {
                id: z.id.clone(),
                los: density.iter().map(|&d| z.los.level(d)).collect(),
                peak: density.iter().copied().fold(0.0, f64::max),
                density,
                reached,
            }
        })
        .collect();
    let gates = vn
        .net
        .links
        .iter()
        .enumerate()
        .filter(|(_, k)| k.from.is_none())
        .map(|(l, _)| GateForecast {
            id: venue.lines[vn.links[l].0].id.clone(),
            waiting: samples.iter().map(|s| s.waiting[l]).collect(),
        })
        .collect();
    Ok(VenueForecast {
        t: samples.iter().map(|s| s.t).collect(),
        zones,
        gates,
        unknown: start.unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aman_monitor::{Monitor, Timestamp, parse_venue};
    use std::path::Path;

    /// A 40 m × 10 m corridor: an entry at x = 0 into the hall (x 0–30, 300 m²), a 10 m
    /// opening at x = 30 into the front (x 30–39.5, 95 m²), a 2 m exit at x = 39.5.
    const CORRIDOR: &str = r#"
[venue]
id = "corridor"
name = { fr = "Couloir", ar = "ممر", en = "Corridor" }
walkable_wkt = "POLYGON ((0 0, 40 0, 40 10, 0 10, 0 0))"
[[zones]]
id = "hall"
polygon = [[0, 0], [30, 0], [30, 10], [0, 10]]
[[zones]]
id = "front"
polygon = [[30, 0], [39.5, 0], [39.5, 10], [30, 10]]
[[rules]]
id = "front-density"
zone = "front"
measure = "density"
above = 2.0
severity = "Severe"
[[lines]]
id = "entry"
line = [[0.5, 0], [0.5, 10]]
in_side = [1, 5]
into = "hall"
[[lines]]
id = "opening"
line = [[30, 0], [30, 10]]
in_side = [31, 5]
from = "hall"
into = "front"
[[lines]]
id = "exit"
line = [[39.5, 4], [39.5, 6]]
in_side = [40, 5]
from = "front"
"#;

    fn venue() -> Venue {
        parse_venue(CORRIDOR, Path::new("."), "corridor.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_front_reaches_los_e_when_its_supply_lets_it() {
        let v = venue();
        let mut vn = VenueNetwork::new(&v, BOTTLENECK_CAPACITY).unwrap_or_else(|e| panic!("{e}"));
        // Three lines, two directions each.
        assert_eq!(vn.net.links.len(), 6);
        let mut live = Monitor::new(v.clone(), Timestamp(0)).state();
        live.zones[0].occupancy = Some(300.0);
        live.zones[1].occupancy = Some(0.0);
        live.lines[0].flow_in = Some(5.0);
        // Nobody comes in backwards through the exit.
        live.lines[2].flow_out = Some(0.0);
        let f = forecast(&mut vn, &v, &live, 120.0, 0.25, 1.0).unwrap_or_else(|e| panic!("{e}"));
        // The hall (1 /m², W = 300/√300 = 17.3 m) could send 17.3 · q(1) = 18.3 /s and the
        // opening 20 /s, but the front (W = 95/√95 = 9.75 m) takes at most
        // 9.75 · q_max = 11.9 /s while below the critical density; 4 /s leave by the exit.
        // So the front fills at 7.9 /s and passes Fruin walkway E (1/0.93 /m², 102.2
        // persons) after about 102.2 / 7.9 = 12.9 s.
        let front = &f.zones[1];
        let e = front.reached.iter().find(|r| r.what == "LOS E");
        let at = e.and_then(|r| r.at).unwrap_or(f64::NAN);
        assert!((at - 12.9).abs() < 1.0, "{at}");
        let rule = front
            .reached
            .iter()
            .find(|r| r.what == "rule front-density");
        assert!(
            rule.is_some_and(|r| r.at.is_some_and(|t| t > at)),
            "{rule:?}"
        );
        assert_eq!(front.los[0], FruinLevel::A);
        assert!(front.peak > 2.0);
        // Nothing was measured for the zones' splits: the hall heads by the opening (its
        // only "in" link out), the front by the exit.
        assert_eq!(f.unknown, Vec::<String>::new());
        // Links from the outside: the entry's "in", the exit's "out".
        let gates: Vec<&str> = f.gates.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(gates, ["entry", "exit"]);
    }

    #[test]
    fn what_is_not_known_is_said() {
        let v = venue();
        let mut vn = VenueNetwork::new(&v, BOTTLENECK_CAPACITY).unwrap_or_else(|e| panic!("{e}"));
        let live = Monitor::new(v.clone(), Timestamp(0)).state();
        let f = forecast(&mut vn, &v, &live, 10.0, 1.0, 1.0).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            f.unknown.contains(&"zone hall: no occupancy".to_string()),
            "{:?}",
            f.unknown
        );
        assert!(
            f.unknown
                .contains(&"line entry: no measured flow".to_string()),
            "{:?}",
            f.unknown
        );
    }

    /// The default capacity is the mean specific flow of the published bottleneck
    /// experiments of 1 m and wider in aman's validation set.
    #[test]
    fn bottleneck_capacity_is_the_validation_sets_mean() {
        let wide: Vec<f64> = aman_verify::published::CASES
            .iter()
            .filter(|c| c.width >= 1.0)
            .map(|c| c.flow / c.width)
            .collect();
        assert_eq!(wide.len(), 7);
        let mean = wide.iter().sum::<f64>() / wide.len() as f64;
        assert!((mean - BOTTLENECK_CAPACITY).abs() < 0.01, "{mean}");
    }
}
