//! Reference scenarios for simulator throughput, built exactly as the scripts that run them in
//! JuPedSim build them, so that both tools time the same work.

use aman_geometry::{Vec2, WalkableArea};

use crate::{AgentSpec, Journey, JourneyId, SimConfig, SimError, Simulation, Stage, StageKind};

/// Lattice spacing of the room-evacuation benchmark, metres.
pub const ROOM_SPACING: f64 = 0.8;

/// The room-evacuation benchmark (`shared/bench/room-evacuation.md`):
///
/// - `N` agents on a square lattice of spacing s = 0.8 m: k = ⌈√N⌉, room side L = k·s + 2 m,
///   room [0, L] × [0, L]; agent (i, j) at (1 + s/2 + i·s, 1 + s/2 + j·s), i outer, j inner,
///   the first N lattice points kept;
/// - two exits, 4 m × 2 m rectangles outside the room centred on the top and bottom walls; the
///   walkable area is the union of the room and both exits; an agent leaves on entering its exit;
/// - agents with y > L/2 head for the top exit, the others for the bottom one;
/// - every agent has JuPedSim 1.4.2's default CFSM parameters: v0 = 1.2 m/s, T = 1 s,
///   r = 0.2 m; the model and time step are those of `config` (the benchmark uses the CFSM with
///   its defaults and dt = 0.01 s, [`SimConfig::default`]).
///
/// Returns the simulation and the room side L (metres).
///
/// # Errors
/// [`SimError::Config`] for `n = 0`; otherwise what [`Simulation::new`] and
/// [`Simulation::add_agent`] return (none for valid `config`).
pub fn room_evacuation(n: usize, config: SimConfig) -> Result<(Simulation, f64), SimError> {
    if n == 0 {
        return Err(SimError::Config(
            "the room-evacuation benchmark needs at least one agent".into(),
        ));
    }
    let s = ROOM_SPACING;
    let k = (n as f64).sqrt().ceil() as usize;
    let l = k as f64 * s + 2.0;
    let (a, b) = (l / 2.0 - 2.0, l / 2.0 + 2.0);
    let outline = [
        (0.0, 0.0),
        (a, 0.0),
        (a, -2.0),
        (b, -2.0),
        (b, 0.0),
        (l, 0.0),
        (l, l),
        (b, l),
        (b, l + 2.0),
        (a, l + 2.0),
        (a, l),
        (0.0, l),
        (0.0, 0.0),
    ];
    let area = WalkableArea::new(
        geo::Polygon::new(outline.to_vec().into(), vec![]),
        "room-evacuation benchmark",
    )
    .map_err(|e| SimError::Config(e.to_string()))?;
    let rect = |y0: f64, y1: f64| {
        geo::Polygon::new(
            vec![(a, y0), (b, y0), (b, y1), (a, y1), (a, y0)].into(),
            vec![],
        )
    };
    let stages = vec![
        Stage {
            name: "top".into(),
            kind: StageKind::Exit {
                polygon: rect(l, l + 2.0),
            },
        },
        Stage {
            name: "bottom".into(),
            kind: StageKind::Exit {
                polygon: rect(-2.0, 0.0),
            },
        },
    ];
    let journeys = vec![
        Journey {
            name: "top".into(),
            steps: vec![vec![crate::StageId(0)]],
            choice: Default::default(),
        },
        Journey {
            name: "bottom".into(),
            steps: vec![vec![crate::StageId(1)]],
            choice: Default::default(),
        },
    ];
    let mut sim = Simulation::new(area, stages, journeys, config)?;
    let positions = (0..k)
        .flat_map(|i| (0..k).map(move |j| (i, j)))
        .take(n)
        .map(|(i, j)| Vec2::new(1.0 + s / 2.0 + i as f64 * s, 1.0 + s / 2.0 + j as f64 * s));
    for p in positions {
        sim.add_agent(AgentSpec {
            position: p,
            journey: JourneyId(if p.y > l / 2.0 { 0 } else { 1 }),
            desired_speed: 1.2,
            radius: 0.2,
            time_gap: 1.0,
            premovement_time: 0.0,
            group: 0,
        })?;
    }
    Ok((sim, l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_matches_the_specification() {
        // N = 10: k = 4, L = 5.2 m; the 10th lattice point is (i, j) = (2, 1)
        let (sim, l) = room_evacuation(10, SimConfig::default()).unwrap();
        assert!((l - 5.2).abs() < 1e-12);
        let a = sim.agents();
        assert_eq!(a.len(), 10);
        assert_eq!(a.position[9], Vec2::new(1.0 + 0.4 + 1.6, 1.0 + 0.4 + 0.8));
        // room plus two 8 m² exits
        assert!((sim.walkable_area().area() - (5.2 * 5.2 + 16.0)).abs() < 1e-9);
        // y = 3.8 > L/2 heads for the top exit, y = 1.4 for the bottom one
        assert_eq!(a.journey[3], JourneyId(0));
        assert_eq!(a.journey[0], JourneyId(1));
        assert!(room_evacuation(0, SimConfig::default()).is_err());
    }
}
