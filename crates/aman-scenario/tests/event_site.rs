//! The 63,000 m² event entrance site: 20,000 persons evacuate completely, nobody stuck, no
//! position outside the walkable area.

mod common;

#[test]
fn event_entrance_site_evacuates_completely() {
    common::require_data("venue-geometries-jupedsim");
    let mut sc = common::load("event-entrance-evacuation");
    assert_eq!(sc.simulation.agents().len(), 20_000);
    let v = common::run_checked(&mut sc, 25);
    assert_eq!(v.outside, 0, "positions outside the walkable area");
    assert_eq!(v.crossed_wall, 0, "moves across a wall");
    let sim = &sc.simulation;
    assert!(
        sim.is_finished(),
        "{} agents still inside at {} s, e.g. at {:?}",
        sim.agents().len(),
        sim.time(),
        sim.agents().position.iter().take(5).collect::<Vec<_>>()
    );
    assert_eq!(sim.exits().len(), 20_000);
    // every street end is used
    for s in 0..5u32 {
        assert!(
            sim.exits().iter().any(|e| e.stage.0 == s),
            "exit {s} unused"
        );
    }
    println!("event site: evacuated in {:.1} s", sim.time());
}
