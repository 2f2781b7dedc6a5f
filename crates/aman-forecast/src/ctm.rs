//! The network forecast: a pedestrian cell-transmission model over zones (cells) and the gates
//! or openings between them (links).
//!
//! The model is Daganzo's cell-transmission model (C. F. Daganzo, "The cell transmission
//! model: a dynamic representation of highway traffic consistent with the hydrodynamic
//! theory", Transp. Res. B 28(4), 269–287, 1994; and "The cell transmission model, part II:
//! network traffic", Transp. Res. B 29(2), 79–93, 1995) in the demand/supply form, put on
//! areas as pedestrian cell-transmission models do (Hänseler, Bierlaire, Farooq & Mühlematter,
//! "A macroscopic loading model for time-varying pedestrian flows in public walking areas",
//! Transp. Res. B 69, 60–80, 2014):
//!
//! - a cell `i` has a walkable area `A_i` (m²) and a length `L_i` (m, the walk across it), so
//!   an effective width `W_i = A_i / L_i`; its density is `ρ_i = N_i / A_i`;
//! - over a step `Δt`, link `l` from cell `i` to cell `j` carries
//!   `y_l = min(f_il · W_i · Δ(ρ_i), w_l · J_cap, R_jl)` persons/s: what `i` can send toward
//!   `l` (its demand `Δ`, shared by the fraction `f_il` of its people heading there), what the
//!   opening lets through (its clear width `w_l` times the bottleneck capacity `J_cap`), and
//!   what `j` can take in (`R_jl`, its share of `W_j · Σ(ρ_j)` and of the room left below jam
//!   density, split among the links into `j` in proportion to what they send — Daganzo 1995's
//!   merge with priorities proportional to demand);
//! - diverges are not FIFO: people heading for a free exit walk past those queueing at a
//!   blocked one (a crowd, unlike a lane of cars, spreads sideways);
//! - a source link brings people from outside at a given rate; those the first cell cannot
//!   take wait outside (the queue at the gate); a sink link takes people out, limited only by
//!   its opening.
//!
//! `Δt` is kept below every cell's `L_i / v₀` (the Courant–Friedrichs–Lewy condition of the
//! scheme), so nobody crosses a cell in less than one step.

use crate::fd::DemandSupply;

/// A cell: a zone, or a part of the walkable area between zones.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Walkable area, m² (> 0).
    pub area: f64,
    /// Length of the walk across it, m (> 0).
    pub length: f64,
}

/// A link: a gate, a door, or the opening between two cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The cell it leaves, or `None` for the outside (a source: people arrive through it).
    pub from: Option<usize>,
    /// The cell it enters, or `None` for the outside (a sink: people leave through it).
    pub to: Option<usize>,
    /// Clear width, m (≥ 0; 0 is a closed gate).
    pub width: f64,
}

/// A network: cells, links, and where the people of each cell are heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// The cells.
    pub cells: Vec<Cell>,
    /// The links.
    pub links: Vec<Link>,
    /// For each cell, the fraction of its people heading for each of its outgoing links
    /// (`(link, fraction)`, fractions ≥ 0 summing to 1; empty for a cell nobody leaves).
    pub splits: Vec<Vec<(usize, f64)>>,
    /// The fundamental diagram's demand and supply.
    pub ds: DemandSupply,
    /// Bottleneck capacity, persons/(m·s): the most an opening lets through per metre of
    /// clear width.
    pub capacity: f64,
}

/// What is wrong with a network, naming the part.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NetworkError {
    /// A cell with a non-positive or non-finite area or length.
    #[error("cell {cell}: {what}")]
    Cell {
        /// Index of the cell.
        cell: usize,
        /// What is wrong.
        what: String,
    },
    /// A link naming a cell that does not exist, or with a bad width.
    #[error("link {link}: {what}")]
    Link {
        /// Index of the link.
        link: usize,
        /// What is wrong.
        what: String,
    },
    /// Splits that do not fit the cell's outgoing links.
    #[error("splits of cell {cell}: {what}")]
    Split {
        /// Index of the cell.
        cell: usize,
        /// What is wrong.
        what: String,
    },
    /// A state or inflow of the wrong shape, or a negative or non-finite figure.
    #[error("{0}")]
    Input(String),
}

impl Network {
    /// Checks the network: positive areas and lengths, links between existing cells with
    /// finite non-negative widths, splits over the cell's own outgoing links summing to 1
    /// (within 1e-6).
    ///
    /// # Errors
    /// The first [`NetworkError`] found.
    pub fn check(&self) -> Result<(), NetworkError> {
        for (i, c) in self.cells.iter().enumerate() {
            if !(c.area.is_finite() && c.area > 0.0) {
                return Err(NetworkError::Cell {
                    cell: i,
                    what: format!("area {} m² is not positive", c.area),
                });
            }
            if !(c.length.is_finite() && c.length > 0.0) {
                return Err(NetworkError::Cell {
                    cell: i,
                    what: format!("length {} m is not positive", c.length),
                });
            }
        }
        let n = self.cells.len();
        for (l, k) in self.links.iter().enumerate() {
            if !(k.width.is_finite() && k.width >= 0.0) {
                return Err(NetworkError::Link {
                    link: l,
                    what: format!("width {} m is not a non-negative number", k.width),
                });
            }
            for (end, c) in [("from", k.from), ("to", k.to)] {
                if let Some(c) = c
                    && c >= n
                {
                    return Err(NetworkError::Link {
                        link: l,
                        what: format!("{end} cell {c} does not exist ({n} cells)"),
                    });
                }
            }
            if k.from.is_none() && k.to.is_none() {
                return Err(NetworkError::Link {
                    link: l,
                    what: "joins the outside to the outside".into(),
                });
            }
        }
        if self.splits.len() != n {
            return Err(NetworkError::Input(format!(
                "{} split lists for {n} cells",
                self.splits.len()
            )));
        }
        for (i, s) in self.splits.iter().enumerate() {
            let mut sum = 0.0;
            for &(l, f) in s {
                if self.links.get(l).and_then(|k| k.from) != Some(i) {
                    return Err(NetworkError::Split {
                        cell: i,
                        what: format!("link {l} does not leave this cell"),
                    });
                }
                if !(f.is_finite() && f >= 0.0) {
                    return Err(NetworkError::Split {
                        cell: i,
                        what: format!("fraction {f} for link {l} is not a non-negative number"),
                    });
                }
                sum += f;
            }
            if !s.is_empty() && (sum - 1.0).abs() > 1e-6 {
                return Err(NetworkError::Split {
                    cell: i,
                    what: format!("fractions sum to {sum}, not 1"),
                });
            }
        }
        if !(self.capacity.is_finite() && self.capacity > 0.0) {
            return Err(NetworkError::Input(format!(
                "bottleneck capacity {} persons/(m·s) is not positive",
                self.capacity
            )));
        }
        Ok(())
    }

    /// The largest stable time step, s: `min_i L_i / v₀` (CFL).
    pub fn max_step(&self) -> f64 {
        let v0 = self.ds.fd.free_speed;
        self.cells
            .iter()
            .map(|c| c.length / v0)
            .fold(f64::INFINITY, f64::min)
    }
}

/// The state rolled forward: persons in each cell, and persons waiting outside each link.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// Persons in each cell (≥ 0, fractional: this is a fluid model).
    pub occupancy: Vec<f64>,
    /// Persons waiting outside each source link (0 for other links).
    pub waiting: Vec<f64>,
    /// Persons that have left through each link since the start (all links).
    pub passed: Vec<f64>,
}

impl State {
    /// A network's state with `occupancy` persons in its cells, nobody waiting.
    ///
    /// # Errors
    /// [`NetworkError::Input`] if the length differs from the cells' or a figure is negative
    /// or not finite.
    pub fn new(net: &Network, occupancy: Vec<f64>) -> Result<State, NetworkError> {
        if occupancy.len() != net.cells.len() {
            return Err(NetworkError::Input(format!(
                "{} occupancies for {} cells",
                occupancy.len(),
                net.cells.len()
            )));
        }
        if let Some((i, x)) = occupancy
            .iter()
            .enumerate()
            .find(|(_, x)| !(x.is_finite() && **x >= 0.0))
        {
            return Err(NetworkError::Input(format!(
                "occupancy of cell {i} is {x}, not a non-negative number"
            )));
        }
        Ok(State {
            occupancy,
            waiting: vec![0.0; net.links.len()],
            passed: vec![0.0; net.links.len()],
        })
    }
}

/// Reused buffers of [`step`] (no allocation per step).
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    send: Vec<f64>,
    recv_total: Vec<f64>,
    inflow_wish: Vec<f64>,
}

/// One step of `dt` seconds. `arrivals[l]` is the rate (persons/s) at which people reach
/// source link `l` from outside (ignored for other links). `dt` must not exceed
/// [`Network::max_step`]; the network must have passed [`Network::check`].
///
/// Persons are conserved: what leaves a cell enters another cell, a sink's count, or comes
/// from a source's waiting line.
pub fn step(net: &Network, s: &mut State, arrivals: &[f64], dt: f64, scratch: &mut Scratch) {
    let nl = net.links.len();
    let nc = net.cells.len();
    scratch.send.clear();
    scratch.send.resize(nl, 0.0);
    scratch.recv_total.clear();
    scratch.recv_total.resize(nc, 0.0);
    scratch.inflow_wish.clear();
    scratch.inflow_wish.resize(nc, 0.0);

    // What each link would carry, persons in this step, before the receiving cells say.
    for (i, splits) in net.splits.iter().enumerate() {
        let c = &net.cells[i];
        let rho = s.occupancy[i] / c.area;
        let demand = c.area / c.length * net.ds.demand(rho) * dt;
        for &(l, f) in splits {
            let cap = net.links[l].width * net.capacity * dt;
            let wish = (f * demand).min(cap).min(f * s.occupancy[i]);
            scratch.send[l] = wish;
        }
    }
    for (l, k) in net.links.iter().enumerate() {
        if k.from.is_none() {
            let cap = k.width * net.capacity * dt;
            let at_gate = s.waiting[l] + arrivals.get(l).copied().unwrap_or(0.0).max(0.0) * dt;
            s.waiting[l] = at_gate;
            scratch.send[l] = at_gate.min(cap);
        }
        if let Some(j) = k.to {
            scratch.inflow_wish[j] += scratch.send[l];
        }
    }
    // What each cell can take in this step: its supply over its width, and the room left
    // below jam density.
    for (j, c) in net.cells.iter().enumerate() {
        let rho = s.occupancy[j] / c.area;
        let supply = c.area / c.length * net.ds.supply(rho) * dt;
        let room = (net.ds.fd.jam_density * c.area - s.occupancy[j]).max(0.0);
        scratch.recv_total[j] = supply.min(room);
    }
    // Merge: each link into j gets its share of j's receiving, in proportion to its send.
    for (l, k) in net.links.iter().enumerate() {
        let y = match k.to {
            Some(j) if scratch.inflow_wish[j] > scratch.recv_total[j] => {
                scratch.send[l] * scratch.recv_total[j] / scratch.inflow_wish[j]
            }
            _ => scratch.send[l],
        };
        scratch.send[l] = y;
    }
    for (l, k) in net.links.iter().enumerate() {
        let y = scratch.send[l];
        match k.from {
            Some(i) => s.occupancy[i] = (s.occupancy[i] - y).max(0.0),
            None => s.waiting[l] -= y,
        }
        if let Some(j) = k.to {
            s.occupancy[j] += y;
        }
        s.passed[l] += y;
    }
}

/// One forecast sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Seconds after the start.
    pub t: f64,
    /// Density of each cell, persons/m².
    pub density: Vec<f64>,
    /// Persons waiting outside each link.
    pub waiting: Vec<f64>,
    /// Persons carried by each link since the start (cumulative).
    pub passed: Vec<f64>,
}

/// Rolls `state` forward over `horizon` seconds with constant `arrivals` (persons/s per
/// source link), a step of at most `dt` (cut to [`Network::max_step`]), and a sample every
/// `every` seconds (the start included).
///
/// # Errors
/// [`NetworkError`] from [`Network::check`], or [`NetworkError::Input`] for arrivals of the
/// wrong length, a negative or non-finite figure, or a non-positive `horizon`, `dt` or
/// `every`.
pub fn forecast(
    net: &Network,
    state: &State,
    arrivals: &[f64],
    horizon: f64,
    dt: f64,
    every: f64,
) -> Result<Vec<Sample>, NetworkError> {
    forecast_with(net, state, arrivals, &[], horizon, dt, every)
}

/// A change of a link's clear width at a time: a gate closed (width 0), held, or opened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WidthChange {
    /// Seconds after the start.
    pub at: f64,
    /// The link.
    pub link: usize,
    /// Its new width, m.
    pub width: f64,
}

/// As [`forecast`], with the links' widths changed at the given times (a change at 0 holds
/// from the start). Steps end at each change, so a change takes effect exactly on time.
///
/// # Errors
/// As [`forecast`]; also a change naming a link that does not exist or with a negative or
/// non-finite time or width.
pub fn forecast_with(
    net: &Network,
    state: &State,
    arrivals: &[f64],
    changes: &[WidthChange],
    horizon: f64,
    dt: f64,
    every: f64,
) -> Result<Vec<Sample>, NetworkError> {
    net.check()?;
    for c in changes {
        if c.link >= net.links.len()
            || !(c.at.is_finite() && c.at >= 0.0 && c.width.is_finite() && c.width >= 0.0)
        {
            return Err(NetworkError::Input(format!(
                "width change {c:?}: no such link, or a negative or non-finite time or width"
            )));
        }
    }
    let mut net = net.clone();
    let mut pending: Vec<WidthChange> = changes.to_vec();
    pending.sort_by(|a, b| a.at.total_cmp(&b.at));
    let mut pending = pending.into_iter().peekable();
    let net = &mut net;
    if arrivals.len() != net.links.len() {
        return Err(NetworkError::Input(format!(
            "{} arrival rates for {} links",
            arrivals.len(),
            net.links.len()
        )));
    }
    if let Some((l, a)) = arrivals
        .iter()
        .enumerate()
        .find(|(_, a)| !(a.is_finite() && **a >= 0.0))
    {
        return Err(NetworkError::Input(format!(
            "arrival rate of link {l} is {a}, not a non-negative number"
        )));
    }
    for (name, x) in [("horizon", horizon), ("dt", dt), ("every", every)] {
        if !(x.is_finite() && x > 0.0) {
            return Err(NetworkError::Input(format!("{name} {x} s is not positive")));
        }
    }
    let dt = dt.min(net.max_step()).min(every);
    let mut s = state.clone();
    let mut scratch = Scratch::default();
    let areas: Vec<f64> = net.cells.iter().map(|c| c.area).collect();
    let sample = |t: f64, s: &State| Sample {
        t,
        density: s.occupancy.iter().zip(&areas).map(|(n, a)| n / a).collect(),
        waiting: s.waiting.clone(),
        passed: s.passed.clone(),
    };
    let mut out = vec![sample(0.0, &s)];
    let mut t = 0.0;
    let mut next = every;
    while t < horizon - 1e-9 {
        while let Some(c) = pending.next_if(|c| c.at <= t + 1e-9) {
            net.links[c.link].width = c.width;
        }
        let until_change = pending.peek().map_or(f64::INFINITY, |c| c.at - t);
        let h = dt.min(next - t).min(horizon - t).min(until_change);
        step(net, &mut s, arrivals, h, &mut scratch);
        t += h;
        if t >= next - 1e-9 || t >= horizon - 1e-9 {
            out.push(sample(t, &s));
            next += every;
        }
    }
    Ok(out)
}

/// The first time (s after the start) at which cell `cell`'s density reaches `threshold`
/// (persons/m²) in `samples`, linearly interpolated between samples; `None` if it never does.
pub fn time_to_reach(samples: &[Sample], cell: usize, threshold: f64) -> Option<f64> {
    let d = |s: &Sample| s.density.get(cell).copied().unwrap_or(0.0);
    let first = samples.first()?;
    if d(first) >= threshold {
        return Some(first.t);
    }
    samples.windows(2).find_map(|w| {
        let (a, b) = (d(&w[0]), d(&w[1]));
        (b >= threshold).then(|| w[0].t + (w[1].t - w[0].t) * (threshold - a) / (b - a))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fd::Weidmann;

    fn ds() -> DemandSupply {
        DemandSupply::new(Weidmann::default())
    }

    /// Outside → room (1000 m², 20 m across) → door of 1 m → outside.
    fn room_and_door(capacity: f64) -> Network {
        Network {
            cells: vec![Cell {
                area: 1000.0,
                length: 20.0,
            }],
            links: vec![
                Link {
                    from: None,
                    to: Some(0),
                    width: 10.0,
                },
                Link {
                    from: Some(0),
                    to: None,
                    width: 1.0,
                },
            ],
            splits: vec![vec![(1, 1.0)]],
            ds: ds(),
            capacity,
        }
    }

    #[test]
    fn queue_behind_a_bottleneck_grows_at_arrivals_less_capacity() {
        // A deterministic fluid queue: arrivals 2 /s, a 1 m door of 1.3 /(m·s): once the
        // door runs at capacity the room fills at 0.7 /s. It does so once the room sends
        // W·Δ(ρ) = 50 m · q(ρ) ≥ 1.3 /s, from about 19 persons in it; the first arrivals
        // need at most L/v₀ = 15 s to reach the door, so the room holds between 0.7 t and
        // 0.7 t + 1.3 · 15 persons.
        let net = room_and_door(1.3);
        let s = State::new(&net, vec![0.0]).unwrap_or_else(|e| panic!("{e}"));
        let out =
            forecast(&net, &s, &[2.0, 0.0], 600.0, 0.5, 60.0).unwrap_or_else(|e| panic!("{e}"));
        let last = out.last().unwrap_or_else(|| panic!("no samples"));
        let persons = last.density[0] * 1000.0;
        assert!(
            persons > 420.0 && persons < 420.0 + 1.3 * 20.0 / 1.34,
            "{persons}"
        );
        // Between 5 and 10 minutes the room grows at exactly arrivals less capacity.
        let at5 = out[5].density[0] * 1000.0;
        assert!(
            (persons - at5 - 0.7 * 300.0).abs() < 1e-6,
            "{at5} {persons}"
        );
        // Persons conserved: 1200 arrived = in the room + through the door.
        let mut st = s.clone();
        let mut sc = Scratch::default();
        for _ in 0..1200 {
            step(&net, &mut st, &[2.0, 0.0], 0.5, &mut sc);
        }
        let total = st.occupancy[0] + st.passed[1] + st.waiting[0];
        assert!((total - 1200.0).abs() < 1e-6, "{total}");
        let through = st.passed[1];
        assert!(
            through < 780.0 && through > 780.0 - 1.3 * 20.0 / 1.34,
            "{through}"
        );
    }

    #[test]
    fn emptying_a_room_takes_persons_over_door_capacity() {
        // 500 persons behind a 2 m door of 1.5 /(m·s): 3 /s leave while the room's demand
        // W·Δ(ρ) ≈ 50 m · 1.34 m/s · ρ exceeds the door's 3 /s, i.e. down to 44.8 persons,
        // after (500 − 44.8) / 3 = 151.7 s; then the fluid empties exponentially with time
        // constant L/v₀ = 14.9 s, below 1 person after 14.9 · ln 44.8 = 56.7 s more. (A
        // fluid model's tail: the last real person would be out within L/v₀.)
        let mut net = room_and_door(1.5);
        net.links[1].width = 2.0;
        let s = State::new(&net, vec![500.0]).unwrap_or_else(|e| panic!("{e}"));
        let out =
            forecast(&net, &s, &[0.0, 0.0], 400.0, 0.5, 1.0).unwrap_or_else(|e| panic!("{e}"));
        let below = |n: f64| {
            out.iter()
                .find(|x| x.density[0] * 1000.0 < n)
                .map_or(f64::INFINITY, |x| x.t)
        };
        let switch = below(44.8);
        assert!((switch - 151.7).abs() < 2.0, "{switch}");
        let empty = below(1.0);
        assert!((empty - 208.4).abs() < 3.0, "{empty}");
    }

    #[test]
    fn a_full_cell_blocks_the_one_before_and_the_queue_waits_outside() {
        // Two cells in a row, the second at jam density with its exit closed: nothing
        // moves into it, the first fills to jam density and the rest wait at the gate.
        let net = Network {
            cells: vec![
                Cell {
                    area: 100.0,
                    length: 10.0,
                },
                Cell {
                    area: 100.0,
                    length: 10.0,
                },
            ],
            links: vec![
                Link {
                    from: None,
                    to: Some(0),
                    width: 5.0,
                },
                Link {
                    from: Some(0),
                    to: Some(1),
                    width: 5.0,
                },
                Link {
                    from: Some(1),
                    to: None,
                    width: 0.0,
                },
            ],
            splits: vec![vec![(1, 1.0)], vec![(2, 1.0)]],
            ds: ds(),
            capacity: 1.5,
        };
        let s = State::new(&net, vec![0.0, 540.0]).unwrap_or_else(|e| panic!("{e}"));
        let out = forecast(&net, &s, &[3.0, 0.0, 0.0], 1200.0, 0.5, 60.0)
            .unwrap_or_else(|e| panic!("{e}"));
        let last = out.last().unwrap_or_else(|| panic!("no samples"));
        assert!((last.density[1] - 5.4).abs() < 1e-9);
        // The first cell approaches jam density (supply → 0 as ρ → 5.4).
        assert!(
            last.density[0] > 5.0 && last.density[0] <= 5.4 + 1e-9,
            "{}",
            last.density[0]
        );
        let waiting = last.waiting[0];
        assert!(
            (waiting + last.density[0] * 100.0 - 3600.0).abs() < 1e-6,
            "{waiting}"
        );
        // Rule timing: the first cell reaches 2 /m² (200 persons at 3 /s) after ~67 s.
        let t = time_to_reach(&out, 0, 2.0).unwrap_or(f64::NAN);
        assert!(t > 60.0 && t < 80.0, "{t}");
    }

    #[test]
    fn a_door_held_shut_for_a_minute_delays_the_room_by_a_minute() {
        // 500 persons behind a 2 m door of 1.5 /(m·s), the door held shut for 60 s: the
        // room passes 44.8 persons (the end of the door's capacity regime) 60 s later than
        // with the door open (151.7 s, see above).
        let mut net = room_and_door(1.5);
        net.links[1].width = 2.0;
        let s = State::new(&net, vec![500.0]).unwrap_or_else(|e| panic!("{e}"));
        let held = [
            WidthChange {
                at: 0.0,
                link: 1,
                width: 0.0,
            },
            WidthChange {
                at: 60.0,
                link: 1,
                width: 2.0,
            },
        ];
        let out = forecast_with(&net, &s, &[0.0, 0.0], &held, 400.0, 0.5, 1.0)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out[59].density[0] * 1000.0, 500.0);
        let switch = out
            .iter()
            .find(|x| x.density[0] * 1000.0 < 44.8)
            .map_or(f64::INFINITY, |x| x.t);
        assert!((switch - 211.7).abs() < 2.0, "{switch}");
        let bad = [WidthChange {
            at: -1.0,
            link: 1,
            width: 0.0,
        }];
        assert!(forecast_with(&net, &s, &[0.0, 0.0], &bad, 10.0, 0.5, 1.0).is_err());
    }

    #[test]
    fn bad_networks_name_the_part() {
        let mut net = room_and_door(1.3);
        net.cells[0].area = 0.0;
        assert!(matches!(
            net.check(),
            Err(NetworkError::Cell { cell: 0, .. })
        ));
        let mut net = room_and_door(1.3);
        net.links[1].to = Some(3);
        assert!(matches!(
            net.check(),
            Err(NetworkError::Link { link: 1, .. })
        ));
        let mut net = room_and_door(1.3);
        net.splits[0] = vec![(1, 0.5)];
        assert!(matches!(
            net.check(),
            Err(NetworkError::Split { cell: 0, .. })
        ));
        let net = room_and_door(1.3);
        assert!(State::new(&net, vec![-1.0]).is_err());
        let s = State::new(&net, vec![0.0]).unwrap_or_else(|e| panic!("{e}"));
        assert!(forecast(&net, &s, &[f64::NAN, 0.0], 60.0, 1.0, 1.0).is_err());
        assert!(forecast(&net, &s, &[1.0], 60.0, 1.0, 1.0).is_err());
    }
}
