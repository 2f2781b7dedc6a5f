//! A network forecast as its users read it: the one JSON shape of `aman forecast --json`'s
//! `forecast` and of `aman serve`'s `GET /api/v1/forecast` (and its live pushes), written
//! here once so that the two cannot drift apart.
//!
//! Shape (units in the names; times in seconds from the forecast's start):
//!
//! ```json
//! {"t_s": [0, 10, …],
//!  "zones": [{"id": "front", "density": [0.5, …], "low": […], "high": […], "los": ["B", …],
//!             "peak_density": 1.2, "seconds_at_los_e_or_worse": 0, "seconds_at_los_f": 0,
//!             "clear_s": null,
//!             "reached": [{"what": "LOS E", "density": 1.075, "at_s": 120}]}],
//!  "gates": [{"id": "entry", "waiting": [0, …]}],
//!  "lines": [{"id": "entry", "passed_in": [0, …], "passed_out": [0, …]}],
//!  "unknown": ["zone hall: no occupancy"],
//!  "uncertain": [{"kind": "occupancy", "id": "hall", "why": "stale", "sensors": ["cam"],
//!                 "silent_s": 90, "value": 300, "low": 0, "high": 1500, "unit": "persons"}],
//!  "notes": []}
//! ```
//!
//! Densities and their bands in persons/m² to 3 decimals, persons waiting and passed to 1
//! decimal (a forecast is not more precise than that; the JSON stays small for the live
//! stream).

use serde::Serialize;

use crate::venue::{InputKind, UncertainInput, Uncertainty, VenueForecast};

/// `x` to `digits` decimals.
fn round(x: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (x * k).round() / k
}

fn rounded(v: &[f64], digits: i32) -> Vec<f64> {
    v.iter().map(|x| round(*x, digits)).collect()
}

/// A network forecast, ready to serialize (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastReport {
    /// Sample times, s from now.
    pub t_s: Vec<f64>,
    /// One per zone, in venue order.
    pub zones: Vec<ZoneReport>,
    /// One per line from the outside: the queue in front of it.
    pub gates: Vec<GateReport>,
    /// One per line of the network: the persons crossing it.
    pub lines: Vec<LineReport>,
    /// What the live state did not say.
    pub unknown: Vec<String>,
    /// The inputs missing or from stale sensors, with the range the bands are run over.
    pub uncertain: Vec<InputReport>,
    /// What of the venue the network leaves out.
    pub notes: Vec<String>,
}

/// A zone's forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneReport {
    /// Zone id.
    pub id: String,
    /// Density at each sample, persons/m².
    pub density: Vec<f64>,
    /// The band's low end at each sample, persons/m².
    pub low: Vec<f64>,
    /// The band's high end at each sample, persons/m².
    pub high: Vec<f64>,
    /// Fruin level (`"A"`–`"F"`, the zone's table) at each sample.
    pub los: Vec<&'static str>,
    /// Highest density, persons/m².
    pub peak_density: f64,
    /// Seconds at level E or worse over the horizon.
    pub seconds_at_los_e_or_worse: f64,
    /// Seconds at level F.
    pub seconds_at_los_f: f64,
    /// Seconds until the zone holds less than one person after its peak, if within the
    /// horizon.
    pub clear_s: Option<f64>,
    /// Its thresholds and when each is reached.
    pub reached: Vec<ReachedReport>,
}

/// A threshold and when it is reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReachedReport {
    /// `"LOS E"` or `"rule <id>"`.
    pub what: String,
    /// Its density, persons/m².
    pub density: f64,
    /// Seconds until reached, `null` if not within the horizon.
    pub at_s: Option<f64>,
}

/// The queue in front of a line from the outside.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateReport {
    /// Line id.
    pub id: String,
    /// Persons waiting at each sample.
    pub waiting: Vec<f64>,
}

/// The persons crossing a line of the network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineReport {
    /// Line id.
    pub id: String,
    /// Persons who crossed "in" since now, at each sample (cumulative).
    pub passed_in: Vec<f64>,
    /// Persons who crossed "out" since now (cumulative).
    pub passed_out: Vec<f64>,
}

/// An input the forecast is not sure of.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputReport {
    /// `"occupancy"` (of a zone) or `"arrivals"` (through a line).
    pub kind: &'static str,
    /// The zone's or line's id.
    pub id: String,
    /// `"missing"` or `"stale"`.
    pub why: &'static str,
    /// The stale sensors it comes from.
    pub sensors: Vec<String>,
    /// Seconds the sensors have been silent, at least.
    pub silent_s: f64,
    /// The value the forecast takes.
    pub value: f64,
    /// The low end of what it could be.
    pub low: f64,
    /// The high end.
    pub high: f64,
    /// `"persons"` or `"persons/s"`.
    pub unit: &'static str,
}

impl From<&UncertainInput> for InputReport {
    fn from(u: &UncertainInput) -> InputReport {
        let (kind, unit) = match u.kind {
            InputKind::Occupancy => ("occupancy", "persons"),
            InputKind::Arrivals => ("arrivals", "persons/s"),
        };
        InputReport {
            kind,
            id: u.id.clone(),
            why: match u.why {
                Uncertainty::Missing => "missing",
                Uncertainty::Stale => "stale",
            },
            sensors: u.sensors.clone(),
            silent_s: u.silent_s,
            value: u.value,
            low: u.low,
            high: u.high,
            unit,
        }
    }
}

impl ForecastReport {
    /// The report of `f`; `areas` are the zones' walkable areas, m², in venue order (for the
    /// time to clear, [`VenueForecast::summary`]).
    pub fn new(f: &VenueForecast, areas: &[f64]) -> ForecastReport {
        ForecastReport {
            t_s: f.t.clone(),
            zones: f
                .zones
                .iter()
                .zip(areas)
                .enumerate()
                .map(|(i, (z, area))| {
                    let s = f.summary(i, *area);
                    ZoneReport {
                        id: z.id.clone(),
                        density: rounded(&z.density, 3),
                        low: rounded(&z.low, 3),
                        high: rounded(&z.high, 3),
                        los: z.los.iter().map(|l| l.label()).collect(),
                        peak_density: s.peak,
                        seconds_at_los_e_or_worse: s.above[0],
                        seconds_at_los_f: s.above[1],
                        clear_s: s.clear,
                        reached: z
                            .reached
                            .iter()
                            .map(|r| ReachedReport {
                                what: r.what.clone(),
                                density: r.density,
                                at_s: r.at,
                            })
                            .collect(),
                    }
                })
                .collect(),
            gates: f
                .gates
                .iter()
                .map(|g| GateReport {
                    id: g.id.clone(),
                    waiting: rounded(&g.waiting, 1),
                })
                .collect(),
            lines: f
                .lines
                .iter()
                .map(|l| LineReport {
                    id: l.id.clone(),
                    passed_in: rounded(&l.passed_in, 1),
                    passed_out: rounded(&l.passed_out, 1),
                })
                .collect(),
            unknown: f.unknown.clone(),
            uncertain: f.uncertain.iter().map(InputReport::from).collect(),
            notes: f.notes.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use aman_monitor::parse_venue;

    use super::*;
    use crate::live::Live;
    use crate::venue::{BOTTLENECK_CAPACITY, VenueNetwork, forecast};

    #[test]
    fn the_report_carries_the_bands_and_the_uncertain_inputs_rounded() {
        let v = parse_venue(
            include_str!("../tests/corridor.toml"),
            Path::new("."),
            "corridor.toml",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        // The hall's occupancy sensor is stale, silent for 90 s.
        let live: Live = serde_json::from_str(
            r#"{"venue": "corridor",
                "zones": [{"id": "hall", "occupancy": 300}, {"id": "front", "occupancy": 0}],
                "lines": [{"id": "entry", "flow_in": 5.0}, {"id": "exit", "flow_out": 0.0}],
                "sensors": [{"id": "hall-occupancy", "stale": true, "silent_for": 90}]}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let vn = VenueNetwork::new(&v, BOTTLENECK_CAPACITY).unwrap_or_else(|e| panic!("{e}"));
        let f = forecast(&vn, &v, &live, &[], 60.0, 0.25, 1.0).unwrap_or_else(|e| panic!("{e}"));
        let areas: Vec<f64> = v.zones.iter().map(|z| z.walkable_m2).collect();
        let json =
            serde_json::to_value(ForecastReport::new(&f, &areas)).unwrap_or_else(|e| panic!("{e}"));
        let hall = &json["zones"][0];
        assert_eq!(hall["id"], "hall");
        let n = |k: &str| hall[k].as_array().map_or(0, Vec::len);
        assert_eq!(
            (n("density"), n("low"), n("high"), n("los")),
            (61, 61, 61, 61)
        );
        // Rounded to 3 decimals, and the band holds the forecast.
        for k in ["density", "low", "high"] {
            for x in hall[k].as_array().into_iter().flatten() {
                let x = x.as_f64().unwrap_or(f64::NAN);
                assert!((x * 1e3 - (x * 1e3).round()).abs() < 1e-6, "{k} {x}");
            }
        }
        let (lo, d, hi) = (&hall["low"][30], &hall["density"][30], &hall["high"][30]);
        assert!(
            lo.as_f64() < d.as_f64() && d.as_f64() < hi.as_f64(),
            "{lo} {d} {hi}"
        );
        let u = &json["uncertain"][0];
        assert_eq!(
            (&u["kind"], &u["id"], &u["why"], &u["unit"], &u["silent_s"]),
            (
                &serde_json::json!("occupancy"),
                &serde_json::json!("hall"),
                &serde_json::json!("stale"),
                &serde_json::json!("persons"),
                &serde_json::json!(90.0)
            )
        );
        assert_eq!(json["t_s"].as_array().map(Vec::len), Some(61));
        assert!(json["lines"][0]["passed_in"].is_array());
    }
}
