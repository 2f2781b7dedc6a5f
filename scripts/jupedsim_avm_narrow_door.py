"""The narrow-door queue of crates/aman-scenario/tests/no_jitter.rs (75 persons in front of a door
of WIDTH m, 0.4 m deep) run in JuPedSim 1.4.2 with its AnticipationVelocityModel, to tell the
model's own behaviour from aman's implementation of it.

Usage: python3 scripts/jupedsim_avm_narrow_door.py [WIDTH]   (default 0.5 m)

Agents: radius 0.18 m, time gap 1 s, desired speed normal(1.34, 0.26) clipped to [0.8, 1.9] m/s,
AVM defaults otherwise, dt = 0.01 s; placed at random (JuPedSim's distribute_by_number) in the
same area as the test; 300 s at most. Measured (seeds 1, 2): width 0.5 m: 1 and 1 of 75 left
by 300 s; width 0.8 m: 0 and 1 of 75 (aman's AVM: 1 of 75 at 0.5 m) — the model locks in an
arch in front of the door.
"""
import sys, random
import jupedsim as jps
import shapely
width = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
h = width / 2
area = shapely.from_wkt(f"POLYGON ((-3 -4.2, 3 -4.2, 3 -0.2, {h} -0.2, {h} 0.2, 3 0.2, 3 5.2, -3 5.2, -3 0.2, -{h} 0.2, -{h} -0.2, -3 -0.2, -3 -4.2))")
for seed in (1, 2):
    sim = jps.Simulation(model=jps.AnticipationVelocityModel(rng_seed=seed), geometry=area, dt=0.01)
    ex = sim.add_exit_stage([(-3, -4.2), (3, -4.2), (3, -3.9), (-3, -3.9)])
    j = sim.add_journey(jps.JourneyDescription([ex]))
    pos = jps.distribute_by_number(polygon=shapely.Polygon([(-2.8, 0.9), (2.8, 0.9), (2.8, 5.0), (-2.8, 5.0)]), number_of_agents=75, distance_to_agents=0.4, distance_to_polygon=0.2, seed=seed)
    rng = random.Random(seed)
    for p in pos:
        v0 = min(1.9, max(0.8, rng.gauss(1.34, 0.26)))
        sim.add_agent(jps.AnticipationVelocityModelAgentParameters(journey_id=j, stage_id=ex, position=p, time_gap=1.0, desired_speed=v0, radius=0.18))
    while sim.agent_count() > 0 and sim.elapsed_time() < 300:
        sim.iterate()
    print(f"width {width} seed {seed}: left {75 - sim.agent_count()} of 75 by {sim.elapsed_time():.1f} s")
