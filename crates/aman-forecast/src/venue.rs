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
//!   over the window, held constant over the horizon. (Measured against the HERMES AO300
//!   run, `tests/ao300.rs`: at the end of a surge this overstates the density ahead by up to
//!   a third, while the model given the arrivals that came is within 4 %.)
//! - **Thresholds.** For each zone the forecast reports when its density first reaches each
//!   of its density, level-of-service and occupancy rules' raise thresholds, and Fruin level
//!   E of its table.
//! - **Bands.** Each zone's density comes with a band (`low`, `high` per sample): the forecast
//!   run again with every uncertain input at the low end of what it could be, and again at
//!   the high end ([`UncertainInput`]); the band holds all three runs. It has zero width when
//!   every input is fresh. An input is uncertain when
//!   - a zone has no occupancy: it could hold anyone from 0 to jam density (5.4 /m², the
//!     fundamental diagram's) — the forecast takes 0;
//!   - a zone's occupancy comes from a stale sensor (which sensor feeds a zone follows the
//!     monitor's order: a sensor of the zone's own, else track sensors, else the counters of
//!     the lines into and out of it): while silent for `s` seconds (the state's
//!     `silent_for`, at least the sensor's period), the zone can have gained or lost at most
//!     what its lines let through at capacity, `Σ w_l · J_cap · s` persons (held within 0 and
//!     jam density; a zone no line enters: 0 to jam density);
//!   - an arrival flow comes from a stale sensor (a counter of the line, or a track sensor):
//!     anything from nobody to what the line lets through at capacity, `w_l · J_cap`.
//!
//!   These are bounds from the physics the model already assumes (the bottleneck capacity
//!   and the jam density), not a confidence interval: no figure is chosen for the band.

use aman_analysis::los::FruinLevel;
use aman_monitor::Venue;
use aman_monitor::venue::Subject;

use crate::ctm::{self, Cell, Link, Network, NetworkError, State, WidthChange};
use crate::fd::{DemandSupply, Weidmann};
use crate::live::{Live, LiveError, Resolved};

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
    /// What of the venue the network leaves out, one sentence each: lines that join no
    /// zone (they only count), zones no line enters or leaves (their occupancy is held).
    pub notes: Vec<String>,
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
        let mut notes = Vec::new();
        for (i, l) in venue.lines.iter().enumerate() {
            if l.into.is_none() && l.from.is_none() {
                notes.push(format!(
                    "line {}: joins no zone (no `into` or `from`), not in the network",
                    l.id
                ));
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
            notes,
        };
        for (i, z) in venue.zones.iter().enumerate() {
            let joined = vn
                .net
                .links
                .iter()
                .any(|k| k.from == Some(i) || k.to == Some(i));
            if !joined {
                vn.notes.push(format!(
                    "zone {}: no line enters or leaves it; its occupancy is held as it is",
                    z.id
                ));
            }
        }
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

    /// The start of a forecast from the live input: each zone's occupancy (0 where
    /// unknown), the arrival rate of each link from the outside, and the splits from the
    /// measured flows. Also says what was not known: one sentence per zone without occupancy,
    /// per source line without a measured flow, and per stale sensor.
    pub fn with_state(&mut self, venue: &Venue, live: &Resolved) -> Start {
        let mut unknown = Vec::new();
        let occupancy: Vec<f64> = venue
            .zones
            .iter()
            .enumerate()
            .map(|(i, z)| match live.occupancy.get(i).copied().flatten() {
                Some(n) => n,
                None => {
                    unknown.push(format!("zone {}: no occupancy", z.id));
                    0.0
                }
            })
            .collect();
        let flow = |l: usize| -> Option<f64> {
            let (line, dir) = self.links[l];
            let (fin, fout) = live.flows.get(line).copied()?;
            match dir {
                Crossing::In => fin,
                Crossing::Out => fout,
            }
        };
        let measured: Vec<f64> = (0..self.links.len())
            .map(|l| flow(l).unwrap_or(0.0))
            .collect();
        let mut arrivals = vec![0.0; self.links.len()];
        for (l, link) in self.net.links.iter().enumerate() {
            if link.from.is_some() {
                continue;
            }
            match flow(l) {
                Some(r) => arrivals[l] = r,
                None => {
                    let line =
                        format!("line {}: no measured flow", venue.lines[self.links[l].0].id);
                    if !unknown.contains(&line) {
                        unknown.push(line);
                    }
                }
            }
        }
        unknown.extend(live.stale.iter().map(|id| format!("sensor {id}: stale")));
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

    /// The links of venue line `line` (both directions).
    pub(crate) fn links_of(&self, line: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.links.len()).filter(move |&l| self.links[l].0 == line)
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

/// What an uncertain input of a forecast is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A zone's occupancy now, persons.
    Occupancy,
    /// The arrival rate through a line from the outside, persons/s.
    Arrivals,
}

/// Why an input is uncertain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uncertainty {
    /// The live state does not give it.
    Missing,
    /// It comes from a stale sensor.
    Stale,
}

/// An input of the forecast not known for sure, and the range the bands are run over (see
/// the [module docs](self)).
#[derive(Debug, Clone, PartialEq)]
pub struct UncertainInput {
    /// A zone's occupancy or a line's arrivals.
    pub kind: InputKind,
    /// The zone's or the line's id.
    pub id: String,
    /// Missing or stale.
    pub why: Uncertainty,
    /// The stale sensors it comes from (empty when missing).
    pub sensors: Vec<String>,
    /// Seconds the sensors have been silent, at least (0 when missing).
    pub silent_s: f64,
    /// The value the forecast takes: persons (occupancy) or persons/s (arrivals).
    pub value: f64,
    /// The low end of what it could be, same unit.
    pub low: f64,
    /// The high end, same unit.
    pub high: f64,
}

/// Where an uncertain input goes in the network.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    Zone(usize),
    Link(usize),
}

/// Which sensors each zone's occupancy and each line's flows come from, as the monitor
/// takes them (`aman_monitor::state`: a zone's own occupancy or density sensor, else its
/// tracks, else the balance of its lines).
fn feeds(venue: &Venue) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    use aman_monitor::venue::Feed;
    let mut own = vec![Vec::new(); venue.zones.len()];
    let mut lines = vec![Vec::new(); venue.lines.len()];
    let mut tracks = Vec::new();
    for (si, sensor) in venue.sensors.iter().enumerate() {
        for c in &sensor.channels {
            match c.feed {
                Feed::Zone { zone } => own[zone].push(si),
                Feed::Line { line, .. } => lines[line].push(si),
                Feed::Tracks => tracks.push(si),
            }
        }
    }
    for l in &mut lines {
        l.extend(&tracks);
    }
    let zones: Vec<Vec<usize>> = own
        .into_iter()
        .enumerate()
        .map(|(zi, own)| {
            if !own.is_empty() {
                return own;
            }
            if !tracks.is_empty() {
                return tracks.clone();
            }
            venue
                .lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.into == Some(zi) || l.from == Some(zi))
                .flat_map(|(li, _)| lines[li].iter().copied())
                .collect()
        })
        .collect();
    let dedup = |v: Vec<Vec<usize>>| -> Vec<Vec<usize>> {
        v.into_iter()
            .map(|mut x| {
                x.sort_unstable();
                x.dedup();
                x
            })
            .collect()
    };
    (dedup(zones), dedup(lines))
}

impl VenueNetwork {
    /// The inputs of `start` not known for sure, with where each goes and its range (see the
    /// [module docs](self)).
    pub(crate) fn uncertain(
        &self,
        venue: &Venue,
        live: &Resolved,
        start: &Start,
    ) -> Vec<(UncertainInput, Target)> {
        let (zone_feeds, line_feeds) = feeds(venue);
        let jam = self.net.ds.fd.jam_density;
        // The stale sensors among `of`, and the longest any has been silent (at least its
        // period).
        let stale_of = |of: &[usize]| -> (Vec<String>, f64) {
            let mut ids = Vec::new();
            let mut silent: f64 = 0.0;
            for &(si, s) in &live.stale_sensors {
                if of.contains(&si) {
                    let sensor = &venue.sensors[si];
                    ids.push(sensor.id.clone());
                    silent = silent.max(s.unwrap_or(0.0).max(sensor.period));
                }
            }
            (ids, silent)
        };
        let mut out = Vec::new();
        for (zi, z) in venue.zones.iter().enumerate() {
            let most = jam * z.walkable_m2;
            let value = start.state.occupancy[zi];
            if live.occupancy.get(zi).copied().flatten().is_none() {
                out.push((
                    UncertainInput {
                        kind: InputKind::Occupancy,
                        id: z.id.clone(),
                        why: Uncertainty::Missing,
                        sensors: Vec::new(),
                        silent_s: 0.0,
                        value,
                        low: 0.0,
                        high: most,
                    },
                    Target::Zone(zi),
                ));
                continue;
            }
            let (sensors, silent) = stale_of(&zone_feeds[zi]);
            if sensors.is_empty() {
                continue;
            }
            let through: f64 = venue
                .lines
                .iter()
                .filter(|l| l.into == Some(zi) || l.from == Some(zi))
                .map(|l| l.width * self.net.capacity)
                .sum();
            let (low, high) = if through > 0.0 {
                (
                    (value - through * silent).max(0.0),
                    (value + through * silent).min(most.max(value)),
                )
            } else {
                (0.0, most.max(value))
            };
            out.push((
                UncertainInput {
                    kind: InputKind::Occupancy,
                    id: z.id.clone(),
                    why: Uncertainty::Stale,
                    sensors,
                    silent_s: silent,
                    value,
                    low,
                    high,
                },
                Target::Zone(zi),
            ));
        }
        for (l, link) in self.net.links.iter().enumerate() {
            if link.from.is_some() {
                continue;
            }
            let line = self.links[l].0;
            let (sensors, silent) = stale_of(&line_feeds[line]);
            if sensors.is_empty() {
                continue;
            }
            let value = start.arrivals[l];
            out.push((
                UncertainInput {
                    kind: InputKind::Arrivals,
                    id: venue.lines[line].id.clone(),
                    why: Uncertainty::Stale,
                    sensors,
                    silent_s: silent,
                    value,
                    low: 0.0,
                    high: (link.width * self.net.capacity).max(value),
                },
                Target::Link(l),
            ));
        }
        out
    }
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
    /// The band's low density at each sample time, persons/m² (equal to `density` when
    /// every input is fresh; see the [module docs](self)).
    pub low: Vec<f64>,
    /// The band's high density at each sample time, persons/m².
    pub high: Vec<f64>,
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

/// The forecast of one line of the network: the persons crossing it.
#[derive(Debug, Clone, PartialEq)]
pub struct LineForecast {
    /// Line id.
    pub id: String,
    /// Persons who crossed "in" (from its `from` zone or the outside into its `into` zone or
    /// the outside) since now, at each sample time (cumulative; the flow over a span is the
    /// difference over its length, persons/s).
    pub passed_in: Vec<f64>,
    /// Persons who crossed "out" since now, at each sample time (cumulative).
    pub passed_out: Vec<f64>,
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
    /// One per line in the network (a line with an `into` or a `from` zone), in venue order.
    pub lines: Vec<LineForecast>,
    /// What the live state did not say ([`Start::unknown`]).
    pub unknown: Vec<String>,
    /// The inputs missing or from stale sensors, with the range the bands are run over.
    pub uncertain: Vec<UncertainInput>,
    /// What of the venue the network leaves out ([`VenueNetwork::notes`]).
    pub notes: Vec<String>,
}

/// A what-if: a change an operator could make now.
#[derive(Debug, Clone, PartialEq)]
pub enum WhatIf {
    /// Close a gate or line now (both directions).
    Close(String),
    /// Open a line closed now (`closed` in the live input) to its full width.
    Open(String),
    /// Hold a gate or entrance closed for this many seconds, then open it again.
    Hold(String, f64),
    /// Evacuate a zone: nobody more enters it, and its people leave by all its ways out in
    /// proportion to their widths.
    Evacuate(String),
}

impl std::fmt::Display for WhatIf {
    /// As written on the command line: `close:LINE`, `open:LINE`, `hold:LINE:SECONDS`,
    /// `evacuate:ZONE`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WhatIf::Close(id) => write!(f, "close:{id}"),
            WhatIf::Open(id) => write!(f, "open:{id}"),
            WhatIf::Hold(id, s) => write!(f, "hold:{id}:{s}"),
            WhatIf::Evacuate(id) => write!(f, "evacuate:{id}"),
        }
    }
}

impl std::str::FromStr for WhatIf {
    type Err = String;

    /// `close:LINE`, `open:LINE`, `hold:LINE:SECONDS`, `evacuate:ZONE`.
    fn from_str(s: &str) -> Result<WhatIf, String> {
        let form = "close:LINE, open:LINE, hold:LINE:SECONDS or evacuate:ZONE";
        let mut parts = s.trim().splitn(3, ':');
        let (kind, id, rest) = (parts.next(), parts.next(), parts.next());
        let id = match id {
            Some(id) if !id.is_empty() => id.to_owned(),
            _ => return Err(format!("what-if {s:?}: expected {form}")),
        };
        match (kind, rest) {
            (Some("close"), None) => Ok(WhatIf::Close(id)),
            (Some("open"), None) => Ok(WhatIf::Open(id)),
            (Some("evacuate"), None) => Ok(WhatIf::Evacuate(id)),
            (Some("hold"), Some(t)) => match t.parse::<f64>() {
                Ok(x) if x.is_finite() && x > 0.0 && x <= 86_400.0 => Ok(WhatIf::Hold(id, x)),
                _ => Err(format!(
                    "what-if {s:?}: the hold time {t:?} is not a number of seconds in (0, 86400]"
                )),
            },
            _ => Err(format!("what-if {s:?}: expected {form}")),
        }
    }
}

/// Why a venue forecast cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    /// The live input does not fit the venue.
    #[error("{0}")]
    Live(#[from] LiveError),
    /// A what-if names a line or zone the venue does not have.
    #[error("what-if {what}: venue {venue:?} has no {kind} {id:?}")]
    WhatIf {
        /// The what-if, as written.
        what: String,
        /// `line` or `zone`.
        kind: &'static str,
        /// The id.
        id: String,
        /// The venue.
        venue: String,
    },
    /// The network or the run's parameters.
    #[error("{0}")]
    Network(#[from] NetworkError),
}

/// Rolls the venue forward `horizon` seconds from the live input, with the what-ifs applied
/// (none: the forecast of doing nothing), sampling every `every` seconds with a step of at
/// most `dt` (cut to the network's CFL bound). When some inputs are missing or stale the
/// network is rolled twice more, for the bands (see the [module docs](self)).
///
/// # Errors
/// [`ForecastError`]: a live input of another venue or naming what the venue does not have,
/// a what-if naming an unknown line or zone, non-positive `horizon`, `dt` or `every`.
pub fn forecast(
    vn: &VenueNetwork,
    venue: &Venue,
    live: &Live,
    what_ifs: &[WhatIf],
    horizon: f64,
    dt: f64,
    every: f64,
) -> Result<VenueForecast, ForecastError> {
    let resolved = live.resolve(venue)?;
    let mut vn = vn.clone();
    let start = vn.with_state(venue, &resolved);
    let uncertain = vn.uncertain(venue, &resolved, &start);
    let mut arrivals = start.arrivals.clone();
    let mut zeroed = Vec::new();
    let mut changes = Vec::new();
    let closed: Vec<bool> = resolved.closed.clone();
    for (line, c) in closed.iter().enumerate() {
        if *c {
            changes.extend(vn.links_of(line).map(|link| WidthChange {
                at: 0.0,
                link,
                width: 0.0,
            }));
        }
    }
    let line_of = |what: &WhatIf, id: &str| {
        venue
            .line(id)
            .map(|(i, _)| i)
            .ok_or_else(|| ForecastError::WhatIf {
                what: what.to_string(),
                kind: "line",
                id: id.to_owned(),
                venue: venue.id.clone(),
            })
    };
    for w in what_ifs {
        match w {
            WhatIf::Close(id) => {
                let line = line_of(w, id)?;
                changes.extend(vn.links_of(line).map(|link| WidthChange {
                    at: 0.0,
                    link,
                    width: 0.0,
                }));
            }
            WhatIf::Open(id) => {
                let line = line_of(w, id)?;
                let width = venue.lines[line].width;
                changes.retain(|c| vn.links[c.link].0 != line);
                changes.extend(vn.links_of(line).map(|link| WidthChange {
                    at: 0.0,
                    link,
                    width,
                }));
            }
            WhatIf::Hold(id, secs) => {
                let line = line_of(w, id)?;
                let width = if closed[line] {
                    0.0
                } else {
                    venue.lines[line].width
                };
                for link in vn.links_of(line) {
                    changes.push(WidthChange {
                        at: 0.0,
                        link,
                        width: 0.0,
                    });
                    changes.push(WidthChange {
                        at: *secs,
                        link,
                        width,
                    });
                }
            }
            WhatIf::Evacuate(id) => {
                let Some((z, _)) = venue.zone(id) else {
                    return Err(ForecastError::WhatIf {
                        what: w.to_string(),
                        kind: "zone",
                        id: id.to_owned(),
                        venue: venue.id.clone(),
                    });
                };
                for (link, k) in vn.net.links.iter().enumerate() {
                    if k.to == Some(z) {
                        changes.push(WidthChange {
                            at: 0.0,
                            link,
                            width: 0.0,
                        });
                        arrivals[link] = 0.0;
                        zeroed.push(link);
                    }
                }
                let out: Vec<usize> = (0..vn.net.links.len())
                    .filter(|&l| vn.net.links[l].from == Some(z))
                    .collect();
                let total: f64 = out.iter().map(|&l| vn.net.links[l].width).sum();
                if total > 0.0 {
                    vn.net.splits[z] = out
                        .iter()
                        .map(|&l| (l, vn.net.links[l].width / total))
                        .collect();
                }
            }
        }
    }
    let samples = ctm::forecast_with(
        &vn.net,
        &start.state,
        &arrivals,
        &changes,
        horizon,
        dt,
        every,
    )?;
    // The bands: the same forecast with every uncertain input at its low end, then at its
    // high end.
    let mut bands: Vec<(Vec<f64>, Vec<f64>)> = (0..venue.zones.len())
        .map(|i| {
            let d: Vec<f64> = samples.iter().map(|s| s.density[i]).collect();
            (d.clone(), d)
        })
        .collect();
    if !uncertain.is_empty() {
        for high in [false, true] {
            let mut state = start.state.clone();
            let mut arr = arrivals.clone();
            for (u, target) in &uncertain {
                let x = if high { u.high } else { u.low };
                match *target {
                    Target::Zone(z) => state.occupancy[z] = x,
                    Target::Link(l) => arr[l] = x,
                }
            }
            for &l in &zeroed {
                arr[l] = 0.0;
            }
            let other = ctm::forecast_with(&vn.net, &state, &arr, &changes, horizon, dt, every)?;
            for (i, (lo, hi)) in bands.iter_mut().enumerate() {
                for (k, s) in other.iter().enumerate() {
                    lo[k] = lo[k].min(s.density[i]);
                    hi[k] = hi[k].max(s.density[i]);
                }
            }
        }
    }
    let zones = venue
        .zones
        .iter()
        .zip(bands)
        .enumerate()
        .map(|(i, (z, (low, high)))| {
            let density: Vec<f64> = samples.iter().map(|s| s.density[i]).collect();
            let mut reached = Vec::new();
            let e = z.los.min_density(FruinLevel::E);
            reached.push(Reached {
                what: "LOS E".into(),
                density: e,
                at: ctm::time_to_reach(&samples, i, e),
            });
            for r in &venue.rules {
                if r.subject != Subject::Zone(i) {
                    continue;
                }
                if let Some(d) = venue.rule_density(r) {
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
                low,
                high,
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
    let mut lines: Vec<LineForecast> = Vec::new();
    for (l, &(line, dir)) in vn.links.iter().enumerate() {
        let id = &venue.lines[line].id;
        if lines.last().is_none_or(|f| f.id != *id) {
            lines.push(LineForecast {
                id: id.clone(),
                passed_in: Vec::new(),
                passed_out: Vec::new(),
            });
        }
        if let Some(f) = lines.last_mut() {
            let passed: Vec<f64> = samples.iter().map(|s| s.passed[l]).collect();
            match dir {
                Crossing::In => f.passed_in = passed,
                Crossing::Out => f.passed_out = passed,
            }
        }
    }
    Ok(VenueForecast {
        t: samples.iter().map(|s| s.t).collect(),
        zones,
        gates,
        lines,
        unknown: start.unknown,
        uncertain: uncertain.into_iter().map(|(u, _)| u).collect(),
        notes: vn.notes.clone(),
    })
}

/// A zone's forecast in figures an operator compares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoneSummary {
    /// Highest density, persons/m².
    pub peak: f64,
    /// Seconds at Fruin level E or worse, and at F, over the horizon (each sample holds until
    /// the next).
    pub above: [f64; 2],
    /// Seconds until the zone holds less than one person after its peak, if within the
    /// horizon (a fluid model empties with an exponential tail, so this is late by a few
    /// times the zone's crossing time; see [`crate::ctm`]).
    pub clear: Option<f64>,
}

impl VenueForecast {
    /// The summary of zone `i` (walkable area `area`, m²).
    pub fn summary(&self, i: usize, area: f64) -> ZoneSummary {
        let z = &self.zones[i];
        let mut above = [0.0; 2];
        for (k, w) in self.t.windows(2).enumerate() {
            let dt = w[1] - w[0];
            if z.los[k] >= FruinLevel::E {
                above[0] += dt;
            }
            if z.los[k] >= FruinLevel::F {
                above[1] += dt;
            }
        }
        ZoneSummary {
            peak: z.peak,
            above,
            clear: {
                let peak_at = z.density.iter().position(|d| *d >= z.peak).unwrap_or(0);
                z.density[peak_at..]
                    .iter()
                    .position(|d| d * area < 1.0)
                    .map(|k| self.t[peak_at + k])
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aman_monitor::{Monitor, Timestamp, parse_venue};
    use std::path::Path;

    /// The corridor venue of `tests/corridor.toml`.
    const CORRIDOR: &str = include_str!("../tests/corridor.toml");

    fn venue() -> Venue {
        parse_venue(CORRIDOR, Path::new("."), "corridor.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    /// The hall at 1 /m², 5 /s coming in, nobody coming back through the exit.
    fn busy() -> Live {
        serde_json::from_str(
            r#"{"venue": "corridor",
                "zones": [{"id": "hall", "occupancy": 300}, {"id": "front", "occupancy": 0}],
                "lines": [{"id": "entry", "flow_in": 5.0}, {"id": "exit", "flow_out": 0.0}]}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn run(what_ifs: &[WhatIf]) -> VenueForecast {
        let v = venue();
        let vn = VenueNetwork::new(&v, BOTTLENECK_CAPACITY).unwrap_or_else(|e| panic!("{e}"));
        forecast(&vn, &v, &busy(), what_ifs, 600.0, 0.25, 1.0).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_front_reaches_los_e_when_its_supply_lets_it() {
        let f = run(&[]);
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
        assert_eq!(f.unknown, Vec::<String>::new());
        assert_eq!(f.notes, Vec::<String>::new());
        // Links from the outside: the entry's "in", the exit's "out".
        let gates: Vec<&str> = f.gates.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(gates, ["entry", "exit"]);
        // Nobody waits at the entry: the hall takes the 5 /s.
        assert!(f.gates[0].waiting.iter().all(|w| *w < 1e-9));
    }

    #[test]
    fn closing_the_entry_spares_the_front_and_holding_it_delays_it() {
        let v = venue();
        let base = run(&[]);
        let closed = run(&[WhatIf::Close("entry".into())]);
        let held = run(&[WhatIf::Hold("entry".into(), 120.0)]);
        let area = v.zones[1].walkable_m2;
        let (b, c, h) = (
            base.summary(1, area),
            closed.summary(1, area),
            held.summary(1, area),
        );
        // With the entry closed the 300 persons of the hall pass through the front and out at
        // the exit's 4 /s: the front empties; doing nothing it never does (5 /s in, 4 /s out).
        assert!(c.clear.is_some(), "{c:?}");
        assert_eq!(b.clear, None);
        assert!(c.above[0] < b.above[0], "{c:?} {b:?}");
        // Held for 2 minutes: 600 persons wait outside at its end (5 /s × 120 s).
        let waited = held.gates[0].waiting[120];
        assert!((waited - 600.0).abs() < 1.0, "{waited}");
        assert!(h.above[0] <= b.above[0]);
        // Closed, the 5 /s pile up outside for the whole horizon.
        let last = closed.gates[0].waiting.last().copied().unwrap_or(0.0);
        assert!((last - 3000.0).abs() < 1.0, "{last}");
    }

    #[test]
    fn evacuating_the_front_stops_the_hall_feeding_it() {
        let f = run(&[WhatIf::Evacuate("front".into())]);
        // Nobody enters the front: it stays empty while the hall holds everyone.
        assert!(f.zones[1].density.iter().all(|d| *d == 0.0));
        // The hall's only way on is the front: it fills towards jam density and the rest of
        // the 300 + 5 × 600 persons wait at the entry.
        let hall_last = f.zones[0].density.last().copied().unwrap_or(0.0) * 300.0;
        let waiting = f.gates[0].waiting.last().copied().unwrap_or(0.0);
        assert!(
            hall_last > 5.0 * 300.0 && hall_last <= 5.4 * 300.0,
            "{hall_last}"
        );
        assert!(
            (hall_last + waiting - 3300.0).abs() < 1e-6,
            "{hall_last} {waiting}"
        );
    }

    #[test]
    fn what_is_not_known_or_does_not_fit_is_said() {
        let v = venue();
        let vn = VenueNetwork::new(&v, BOTTLENECK_CAPACITY).unwrap_or_else(|e| panic!("{e}"));
        let live = Live::from_state(&Monitor::new(v.clone(), Timestamp(0)).state());
        let f = forecast(&vn, &v, &live, &[], 10.0, 1.0, 1.0).unwrap_or_else(|e| panic!("{e}"));
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
        // Another venue's state, an unknown zone, a negative occupancy, an unknown gate.
        let mut other = busy();
        other.venue = "stadium".into();
        let e = forecast(&vn, &v, &other, &[], 10.0, 1.0, 1.0);
        assert!(
            matches!(e, Err(ForecastError::Live(LiveError::OtherVenue { .. }))),
            "{e:?}"
        );
        let mut typo = busy();
        typo.zones[0].id = "hal".into();
        let e = forecast(&vn, &v, &typo, &[], 10.0, 1.0, 1.0).map(|_| ());
        assert_eq!(
            e.map_err(|e| e.to_string()),
            Err("zone \"hal\": venue \"corridor\" has no such zone".to_string())
        );
        let mut neg = busy();
        neg.zones[0].occupancy = Some(-3.0);
        assert!(forecast(&vn, &v, &neg, &[], 10.0, 1.0, 1.0).is_err());
        let mut silent = busy_with_stale(&["gates"], -1.0);
        let e = forecast(&vn, &v, &silent, &[], 10.0, 1.0, 1.0).map(|_| ());
        assert_eq!(
            e.map_err(|e| e.to_string()),
            Err("sensor \"gates\": silent_for -1 is not a non-negative number".to_string())
        );
        silent.sensors[1].silent_for = Some(1.0);
        silent.sensors.push(silent.sensors[1].clone());
        let e = forecast(&vn, &v, &silent, &[], 10.0, 1.0, 1.0).map(|_| ());
        assert_eq!(
            e.map_err(|e| e.to_string()),
            Err("sensor \"gates\": given twice".to_string())
        );
        let e = forecast(
            &vn,
            &v,
            &busy(),
            &[WhatIf::Close("west-gate".into())],
            10.0,
            1.0,
            1.0,
        );
        assert!(
            matches!(e, Err(ForecastError::WhatIf { kind: "line", .. })),
            "{e:?}"
        );
    }

    /// `busy()` with the given sensors stale, silent for `silent` s.
    fn busy_with_stale(stale: &[&str], silent: f64) -> Live {
        let mut live = busy();
        for id in ["hall-occupancy", "gates"] {
            live.sensors.push(crate::live::LiveSensor {
                id: id.into(),
                stale: stale.contains(&id),
                silent_for: stale.contains(&id).then_some(silent),
            });
        }
        live
    }

    fn run_live(live: &Live) -> VenueForecast {
        let v = venue();
        let vn = VenueNetwork::new(&v, BOTTLENECK_CAPACITY).unwrap_or_else(|e| panic!("{e}"));
        forecast(&vn, &v, live, &[], 120.0, 0.25, 1.0).unwrap_or_else(|e| panic!("{e}"))
    }

    fn width(z: &ZoneForecast) -> f64 {
        z.low.iter().zip(&z.high).map(|(l, h)| h - l).sum()
    }

    fn contains(z: &ZoneForecast, fresh: &ZoneForecast) {
        for (k, d) in fresh.density.iter().enumerate() {
            assert!(
                z.low[k] <= d + 1e-9 && *d <= z.high[k] + 1e-9,
                "{}: {} not in [{}, {}] at sample {k}",
                z.id,
                d,
                z.low[k],
                z.high[k]
            );
        }
    }

    #[test]
    fn the_live_state_says_how_long_a_stale_sensor_has_been_silent() {
        use aman_monitor::{Logged, Reading, Value};
        let v = venue();
        let start = Timestamp(1_782_072_000_000_000);
        let mut m = Monitor::new(v.clone(), start);
        let reading = Reading {
            sensor: "hall-occupancy".into(),
            channel: String::new(),
            time: start,
            value: Value::Occupancy { count: 300 },
        };
        m.apply(&Logged {
            seq: 1,
            received: start,
            reading,
        })
        .unwrap_or_else(|e| panic!("{e}"));
        // 100 s later both sensors (period 30 s) are stale: the hall's, heard from 100 s
        // ago; the gates', never heard from (left at its period by the forecast).
        let now = Timestamp(start.0 + 100_000_000);
        m.tick(now);
        let live = Live::from_state_at(&m.state(), now);
        let silent: Vec<(bool, Option<f64>)> = live
            .sensors
            .iter()
            .map(|s| (s.stale, s.silent_for))
            .collect();
        assert_eq!(silent, [(true, Some(100.0)), (true, None)]);
        assert_eq!(Live::from_state(&m.state()).sensors[0].silent_for, None);
        // The band is the one of a sensor silent 100 s, wider than for its period.
        let banded = run_live(&live);
        let mut at_period = live.clone();
        at_period.sensors[0].silent_for = None;
        let narrower = run_live(&at_period);
        assert!(width(&banded.zones[0]) > width(&narrower.zones[0]));
    }

    #[test]
    fn fresh_inputs_give_zero_width_bands() {
        let f = run_live(&busy_with_stale(&[], 0.0));
        assert!(f.uncertain.is_empty(), "{:?}", f.uncertain);
        for z in &f.zones {
            assert_eq!((&z.low, &z.high), (&z.density, &z.density));
        }
    }

    #[test]
    fn a_stale_occupancy_sensor_widens_the_band_by_what_the_lines_could_pass() {
        let fresh = run_live(&busy_with_stale(&[], 0.0));
        // The hall's occupancy sensor says it has been silent for 5 s, but a stale sensor
        // has been silent at least its period, 30 s. The hall's lines (entry 10 m, opening
        // 10 m) pass at most 20 m × 2.0 /(m·s) × 30 s = 1200 persons either way, so the hall
        // starts anywhere in [0, 300 + 1200] persons (within jam density, 1620).
        let f = run_live(&busy_with_stale(&["hall-occupancy"], 5.0));
        let u = &f.uncertain;
        assert_eq!(u.len(), 1, "{u:?}");
        assert_eq!(
            (u[0].kind, u[0].id.as_str(), u[0].why, u[0].sensors.clone()),
            (
                InputKind::Occupancy,
                "hall",
                Uncertainty::Stale,
                vec!["hall-occupancy".to_string()]
            )
        );
        assert_eq!(
            (u[0].silent_s, u[0].value, u[0].low, u[0].high),
            (30.0, 300.0, 0.0, 1500.0)
        );
        let hall = &f.zones[0];
        assert_eq!((hall.low[0], hall.high[0]), (0.0, 5.0));
        assert!(width(hall) > width(&fresh.zones[0]) + 1.0);
        assert_eq!(width(&fresh.zones[0]), 0.0);
        // The front, fed by the hall, gets a band too.
        assert!(width(&f.zones[1]) > 0.0);
        for (z, fz) in f.zones.iter().zip(&fresh.zones) {
            contains(z, fz);
            assert_eq!(z.density, fz.density, "the forecast itself does not change");
        }
    }

    #[test]
    fn a_stale_counter_widens_arrivals_and_the_zones_it_counts() {
        let fresh = run_live(&busy_with_stale(&[], 0.0));
        // The entry and exit counter silent for 90 s: the entry's 5 /s could be anything
        // from 0 to its capacity, 10 m × 2.0 = 20 /s; the exit's 0 /s back in, 0 to 4 /s.
        // The front's occupancy comes from the balance of its counted lines (it has no
        // sensor of its own): 0 ± (opening 10 m + exit 2 m) × 2.0 × 90 s, held to
        // [0, 5.4 × 95 = 513].
        let f = run_live(&busy_with_stale(&["gates"], 90.0));
        let got: Vec<(InputKind, &str, f64, f64, f64)> = f
            .uncertain
            .iter()
            .map(|u| (u.kind, u.id.as_str(), u.silent_s, u.low, u.high))
            .collect();
        assert_eq!(
            got,
            [
                (InputKind::Occupancy, "front", 90.0, 0.0, 513.0),
                (InputKind::Arrivals, "entry", 90.0, 0.0, 20.0),
                (InputKind::Arrivals, "exit", 90.0, 0.0, 4.0),
            ]
        );
        for (z, fz) in f.zones.iter().zip(&fresh.zones) {
            assert!(width(z) > width(fz) + 1.0, "{}", z.id);
            contains(z, fz);
        }
        // The hall's own sensor is fresh: its start is known, only what comes later widens.
        assert_eq!((f.zones[0].low[0], f.zones[0].high[0]), (1.0, 1.0));
    }

    #[test]
    fn a_missing_occupancy_is_run_from_empty_to_jam_density() {
        let mut live = busy_with_stale(&[], 0.0);
        live.zones.retain(|z| z.id != "front");
        let f = run_live(&live);
        let u = &f.uncertain;
        assert_eq!(u.len(), 1, "{u:?}");
        assert_eq!(
            (u[0].why, u[0].value, u[0].low, u[0].high),
            (Uncertainty::Missing, 0.0, 0.0, 513.0)
        );
        assert_eq!((f.zones[1].low[0], f.zones[1].high[0]), (0.0, 5.4));
    }

    #[test]
    fn what_ifs_parse_and_bad_ones_say_the_form() {
        assert_eq!("close:a".parse(), Ok(WhatIf::Close("a".into())));
        assert_eq!(
            "hold:gate-1:300".parse(),
            Ok(WhatIf::Hold("gate-1".into(), 300.0))
        );
        assert_eq!("evacuate:z".parse(), Ok(WhatIf::Evacuate("z".into())));
        for bad in [
            "close",
            "close:",
            "shut:a",
            "hold:a",
            "hold:a:-5",
            "hold:a:soon",
            "open:a:1",
        ] {
            assert!(bad.parse::<WhatIf>().is_err(), "{bad}");
        }
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
