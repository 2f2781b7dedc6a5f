"""Reference figures for aman's generalized centrifugal force model: the room-evacuation
benchmark (../shared/bench/room-evacuation.md) run in JuPedSim 1.4.2 with its
GeneralizedCentrifugalForceModel.

Usage: python3 scripts/jupedsim_gcfm_room.py N

Same room, exits and lattice as shared/bench/jupedsim_room_evac.py; the model and every agent at
JuPedSim's GCFM defaults (eta = 0.3, eta_w = 0.2, interaction distances 2 m, interpolation
distances 0.1 m, maximum repulsion factors 9 / 3; mass 1 kg, tau = 0.5 s, a_v = 1 s,
a_min = 0.2 m, b_min = 0.2 m, b_max = 0.4 m, orientation (1, 0)) except the desired speed,
1.2 m/s as in the benchmark (also JuPedSim's default); dt = 0.01 s. The model has no random
draw, so one run. Prints the time until the room is empty and until 50 % / 90 % have left;
crates/aman-sim/tests/room_evacuation.rs holds the figures.
"""
import math
import sys

import jupedsim as jps
import shapely


def build(n):
    s = 0.8
    k = math.ceil(math.sqrt(n))
    side = k * s + 2.0
    room = shapely.Polygon([(0, 0), (side, 0), (side, side), (0, side)])
    top = [(side / 2 - 2, side), (side / 2 + 2, side), (side / 2 + 2, side + 2), (side / 2 - 2, side + 2)]
    bottom = [(side / 2 - 2, -2), (side / 2 + 2, -2), (side / 2 + 2, 0), (side / 2 - 2, 0)]
    area = shapely.union_all([room, shapely.Polygon(top), shapely.Polygon(bottom)])
    agents = [(1.0 + s / 2 + i * s, 1.0 + s / 2 + j * s) for i in range(k) for j in range(k)][:n]
    sim = jps.Simulation(model=jps.GeneralizedCentrifugalForceModel(), geometry=area, dt=0.01)
    exits = [sim.add_exit_stage(top), sim.add_exit_stage(bottom)]
    journeys = [sim.add_journey(jps.JourneyDescription([e])) for e in exits]
    for x, y in agents:
        e = 0 if y > side / 2 else 1
        sim.add_agent(jps.GeneralizedCentrifugalForceModelAgentParameters(
            journey_id=journeys[e], stage_id=exits[e], position=(x, y), desired_speed=1.2))
    return sim


def main():
    n = int(sys.argv[1])
    sim = build(n)
    marks = {}
    while sim.agent_count() > 0 and sim.elapsed_time() < 1200:
        sim.iterate()
        for q in (0.5, 0.9):
            if q not in marks and sim.agent_count() <= n * (1 - q):
                marks[q] = sim.elapsed_time()
    print(f"jupedsim gcfm N={n} evacuation_s={sim.elapsed_time():.2f} "
          f"t50_s={marks.get(0.5)} t90_s={marks.get(0.9)} remaining={sim.agent_count()}")


if __name__ == "__main__":
    main()
