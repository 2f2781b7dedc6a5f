//! Exact messages for parameters out of range (JuPedSim's `test_model_constraints.py` idea):
//! each names the parameter, the value and the allowed range.

use aman_geometry::{Vec2, WalkableArea};
use aman_sim::{
    AgentSpec, CollisionFreeSpeedModel, Journey, JourneyId, Model, SimConfig, Simulation,
    SocialForceModel, Stage, StageId, StageKind,
};

fn room() -> Simulation {
    let square = |x0: f64, y0: f64, x1: f64, y1: f64| {
        geo::Polygon::new(
            geo::LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
            vec![],
        )
    };
    let area = WalkableArea::new(square(0.0, 0.0, 10.0, 10.0), "room").unwrap();
    let exit = Stage {
        name: "door".into(),
        kind: StageKind::Exit {
            polygon: square(9.5, 4.0, 10.0, 6.0),
        },
    };
    let journey = Journey {
        name: "out".into(),
        steps: vec![vec![StageId(0)]],
        choice: Default::default(),
    };
    Simulation::new(area, vec![exit], vec![journey], SimConfig::default()).unwrap()
}

fn agent(x: f64, y: f64) -> AgentSpec {
    AgentSpec {
        position: Vec2::new(x, y),
        journey: JourneyId(0),
        desired_speed: 1.2,
        radius: 0.2,
        time_gap: 1.0,
        premovement_time: 0.0,
        group: 0,
    }
}

#[test]
fn cfsm_parameters() {
    let m = CollisionFreeSpeedModel {
        range_neighbor_repulsion: 0.0,
        ..Default::default()
    };
    assert_eq!(
        m.validate().unwrap_err().to_string(),
        "collision_free_speed.range_neighbor_repulsion = 0 is not in the allowed range (0, 5] m"
    );
    let m = CollisionFreeSpeedModel {
        strength_geometry_repulsion: f64::NAN,
        ..Default::default()
    };
    assert_eq!(
        m.validate().unwrap_err().to_string(),
        "collision_free_speed.strength_geometry_repulsion = NaN is not in the allowed range [0, 100]"
    );
    assert!(CollisionFreeSpeedModel::default().validate().is_ok());
}

#[test]
fn sfm_parameters_and_time_step() {
    let m = SocialForceModel {
        mass: -80.0,
        ..Default::default()
    };
    assert_eq!(
        m.validate(0.01).unwrap_err().to_string(),
        "social_force.mass = -80 is not in the allowed range (0, 500] kg"
    );
    let err = SocialForceModel::default()
        .validate(0.05)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("dt = 0.05 s is too large") && err.contains("dt <= 0.0103 s"),
        "{err}"
    );
    assert!(SocialForceModel::default().validate(0.01).is_ok());
}

#[test]
fn agent_parameters_and_placement() {
    let mut sim = room();
    let big = AgentSpec {
        radius: 2.5,
        ..agent(5.0, 5.0)
    };
    assert_eq!(
        sim.add_agent(big).unwrap_err().to_string(),
        "agent at (5, 5): radius = 2.5 is not in the allowed range (0, 2] m"
    );
    let slow = AgentSpec {
        desired_speed: 0.0,
        ..agent(5.0, 5.0)
    };
    assert_eq!(
        sim.add_agent(slow).unwrap_err().to_string(),
        "agent at (5, 5): desired_speed = 0 is not in the allowed range (0, 10] m/s"
    );
    assert_eq!(
        sim.add_agent(agent(12.0, 5.0)).unwrap_err().to_string(),
        "agent at (12, 5) is outside the walkable area"
    );
    assert_eq!(
        sim.add_agent(agent(0.1, 5.0)).unwrap_err().to_string(),
        "agent at (0.1, 5) is 0.100 m from a wall, closer than its radius 0.2 m"
    );
    assert!(sim.add_agent(agent(5.0, 5.0)).is_ok());
    let bad_dt = SimConfig {
        dt: 0.5,
        model: Model::CollisionFreeSpeed(Default::default()),
        ..Default::default()
    };
    let area = sim.walkable_area().clone();
    let err = Simulation::new(area, vec![], vec![], bad_dt)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "dt = 0.5 is not in the allowed range [0.0001, 0.1] s");
}
