//! The fundamental diagram of the network model: Weidmann's speed–density relation, and the
//! demand and supply functions the cell-transmission model takes from it.

/// Weidmann's fundamental diagram (U. Weidmann, "Transporttechnik der Fussgänger",
/// Schriftenreihe des IVT 90, ETH Zürich, 1993, Eq. 5.4 as quoted by RiMEA 3.0 test 4):
/// `v(ρ) = v₀ · (1 − exp(−γ · (1/ρ − 1/ρ_jam)))`, zero at and above `ρ_jam`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weidmann {
    /// Free walking speed v₀, m/s (1.34).
    pub free_speed: f64,
    /// γ, persons/m² (1.913).
    pub gamma: f64,
    /// Jam density ρ_jam, persons/m² (5.4).
    pub jam_density: f64,
}

impl Default for Weidmann {
    fn default() -> Weidmann {
        Weidmann {
            free_speed: 1.34,
            gamma: 1.913,
            jam_density: 5.4,
        }
    }
}

impl Weidmann {
    /// Speed at density `rho` (persons/m²), m/s.
    pub fn speed(&self, rho: f64) -> f64 {
        if rho <= 0.0 {
            return self.free_speed;
        }
        if rho >= self.jam_density {
            return 0.0;
        }
        (self.free_speed * (1.0 - (-self.gamma * (1.0 / rho - 1.0 / self.jam_density)).exp()))
            .max(0.0)
    }

    /// Specific flow `q(ρ) = ρ · v(ρ)`, persons/(m·s).
    pub fn flow(&self, rho: f64) -> f64 {
        rho.max(0.0) * self.speed(rho)
    }

    /// The density of the largest specific flow (the critical density ρ_c, persons/m²) and
    /// that flow (q_max, persons/(m·s)), by golden-section search on the unimodal `q`
    /// (1.75 /m² and 1.22 /(m·s) for the default parameters).
    pub fn capacity(&self) -> (f64, f64) {
        let (mut a, mut b) = (1e-6, self.jam_density);
        let g = (5f64.sqrt() - 1.0) / 2.0;
        for _ in 0..100 {
            let c = b - g * (b - a);
            let d = a + g * (b - a);
            if self.flow(c) > self.flow(d) {
                b = d;
            } else {
                a = c;
            }
        }
        let rc = 0.5 * (a + b);
        (rc, self.flow(rc))
    }
}

/// Demand and supply of the cell-transmission model (Daganzo, "The cell transmission
/// model", Transp. Res. B 28(4), 1994, Eqs. 4–5; Lebacque's demand/supply form, 1996), from a
/// fundamental diagram `q(ρ)` with critical density ρ_c and capacity q_max:
/// demand `Δ(ρ) = q(ρ)` for ρ ≤ ρ_c, `q_max` above (what a cell can send, per metre of
/// width); supply `Σ(ρ) = q_max` for ρ ≤ ρ_c, `q(ρ)` above (what it can take in).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemandSupply {
    /// The speed–density relation.
    pub fd: Weidmann,
    /// ρ_c, persons/m².
    pub critical_density: f64,
    /// q_max, persons/(m·s).
    pub max_flow: f64,
}

impl DemandSupply {
    /// From a fundamental diagram.
    pub fn new(fd: Weidmann) -> DemandSupply {
        let (critical_density, max_flow) = fd.capacity();
        DemandSupply {
            fd,
            critical_density,
            max_flow,
        }
    }

    /// Demand per metre of width at density `rho`, persons/(m·s).
    pub fn demand(&self, rho: f64) -> f64 {
        if rho <= self.critical_density {
            self.fd.flow(rho)
        } else {
            self.max_flow
        }
    }

    /// Supply per metre of width at density `rho`, persons/(m·s).
    pub fn supply(&self, rho: f64) -> f64 {
        if rho <= self.critical_density {
            self.max_flow
        } else {
            self.fd.flow(rho)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weidmann_values_and_capacity() {
        let w = Weidmann::default();
        // v(1) = 1.34 (1 − exp(−1.913 (1 − 1/5.4))) = 1.058 m/s, by hand.
        assert!((w.speed(1.0) - 1.058).abs() < 1e-3, "{}", w.speed(1.0));
        assert_eq!(w.speed(5.4), 0.0);
        let (rc, qmax) = w.capacity();
        // Weidmann's maximum: about 1.22 persons/(m·s) near 1.75 persons/m² (Weidmann 1993,
        // Fig. 5.6; RiMEA 3.0 test 4).
        assert!((qmax - 1.22).abs() < 0.01, "{qmax}");
        assert!((rc - 1.75).abs() < 0.1, "{rc}");
        // The maximum is the maximum.
        for i in 1..540 {
            assert!(w.flow(i as f64 * 0.01) <= qmax + 1e-12);
        }
    }

    #[test]
    fn demand_rises_then_holds_supply_holds_then_falls() {
        let ds = DemandSupply::new(Weidmann::default());
        assert_eq!(ds.demand(0.0), 0.0);
        assert_eq!(ds.demand(4.0), ds.max_flow);
        assert_eq!(ds.supply(0.5), ds.max_flow);
        assert_eq!(ds.supply(5.4), 0.0);
        assert!(ds.supply(3.0) < ds.max_flow);
    }
}
