"""Reference figures for aman's anticipation velocity model: the room-evacuation benchmark
(../shared/bench/room-evacuation.md) run in JuPedSim 1.4.2 with its AnticipationVelocityModel.

Usage: python3 scripts/jupedsim_avm_room.py N [SEED ...]

Same room, exits and lattice as shared/bench/jupedsim_room_evac.py; every agent has JuPedSim's
AVM agent defaults (k = 8, D = 0.1 m, t_a = 1 s, tau = 0.3 s, wall buffer 0.1 m, push-out 0.3)
except the time gap, 1.0 s as in the benchmark (JuPedSim's AVM default is 1.06 s), v0 = 1.2 m/s,
r = 0.2 m, dt = 0.01 s. Prints, per seed of JuPedSim's side-choice generator, the time until the
room is empty and until 50 % / 90 % have left; crates/aman-sim/tests/room_evacuation.rs holds
the figures.
"""
import math
import sys

import jupedsim as jps
import shapely


def build(n, seed):
    s = 0.8
    k = math.ceil(math.sqrt(n))
    side = k * s + 2.0
    room = shapely.Polygon([(0, 0), (side, 0), (side, side), (0, side)])
    top = [(side / 2 - 2, side), (side / 2 + 2, side), (side / 2 + 2, side + 2), (side / 2 - 2, side + 2)]
    bottom = [(side / 2 - 2, -2), (side / 2 + 2, -2), (side / 2 + 2, 0), (side / 2 - 2, 0)]
    area = shapely.union_all([room, shapely.Polygon(top), shapely.Polygon(bottom)])
    agents = [(1.0 + s / 2 + i * s, 1.0 + s / 2 + j * s) for i in range(k) for j in range(k)][:n]
    sim = jps.Simulation(model=jps.AnticipationVelocityModel(rng_seed=seed), geometry=area, dt=0.01)
    exits = [sim.add_exit_stage(top), sim.add_exit_stage(bottom)]
    journeys = [sim.add_journey(jps.JourneyDescription([e])) for e in exits]
    for x, y in agents:
        e = 0 if y > side / 2 else 1
        sim.add_agent(jps.AnticipationVelocityModelAgentParameters(
            journey_id=journeys[e], stage_id=exits[e], position=(x, y),
            time_gap=1.0, desired_speed=1.2, radius=0.2))
    return sim


def main():
    n = int(sys.argv[1])
    seeds = [int(a) for a in sys.argv[2:]] or [1]
    for seed in seeds:
        sim = build(n, seed)
        marks = {}
        while sim.agent_count() > 0 and sim.elapsed_time() < 1200:
            sim.iterate()
            for q in (0.5, 0.9):
                if q not in marks and sim.agent_count() <= n * (1 - q):
                    marks[q] = sim.elapsed_time()
        print(f"jupedsim avm N={n} seed={seed} evacuation_s={sim.elapsed_time():.2f} "
              f"t50_s={marks.get(0.5)} t90_s={marks.get(0.9)} remaining={sim.agent_count()}")


if __name__ == "__main__":
    main()
