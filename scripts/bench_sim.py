#!/usr/bin/env python3
"""Side-by-side simulator benchmark, aman against JuPedSim 1.4.2 (run by scripts/bench-sim).

Both tools build the room-evacuation scenario of ../shared/bench/room-evacuation.md and time
their stepping loop only (no output). JuPedSim runs ../shared/bench/jupedsim_room_evac.py
unchanged; aman runs `aman bench room-evacuation`, which prints the same figures.

Usage: bench_sim.py [--million] [--quick]
  --quick    N = 1,000 and 10,000 only, and no run to the end
  --million  also run aman with 1,000,000 agents (about 3 minutes, a few GB of memory)
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AMAN = ROOT / "target" / "release" / "aman"
JPS = ROOT.parent / "shared" / "bench" / "jupedsim_room_evac.py"

# agents -> steps timed (fewer for large N so that JuPedSim finishes in about a minute)
THROUGHPUT = [(1_000, 2_000), (10_000, 500), (100_000, 100)]


def fields(line):
    return dict(re.findall(r"(\w+)=(\S+)", line))


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    print("   ", out.strip().replace("\n", "\n    "), flush=True)
    return fields(out.splitlines()[0]), out


def aman(n, steps, threads, repeat=1):
    """aman's figures; with repeat > 1 the run with the median throughput (this tool runs in a
    fraction of JuPedSim's time, so it can afford repeats that damp a busy machine's noise)."""
    runs = [run([str(AMAN), "bench", "room-evacuation", "--agents", str(n), "--steps", str(steps),
                 "--threads", str(threads)])[0] for _ in range(repeat)]
    if repeat > 1:
        runs.sort(key=lambda f: float(f["agent_steps_per_s"]))
    return runs[len(runs) // 2]


def aman_dt(n, steps, threads, dt):
    return run([str(AMAN), "bench", "room-evacuation", "--agents", str(n), "--steps", str(steps),
                "--threads", str(threads), "--dt", str(dt)])[0]


def jupedsim(n, steps):
    return run([sys.executable, str(JPS), str(n), str(steps)])[0]


def rel(a, b):
    return f"{100.0 * (a - b) / b:+.1f} %"


def main():
    quick = "--quick" in sys.argv
    rows = []
    cases = THROUGHPUT[:2] if quick else THROUGHPUT
    for n, steps in cases:
        print(f"N = {n:,}, {steps} steps", flush=True)
        j = float(jupedsim(n, steps)["agent_steps_per_s"])
        a1 = float(aman(n, steps, 1, repeat=3)["agent_steps_per_s"])
        a2 = float(aman(n, steps, 2, repeat=3)["agent_steps_per_s"])
        rows.append((n, steps, j, a1, a2))
    print()
    print("agent-steps per second (stepping loop only, CFSM, dt = 0.01 s; aman: median of 3 runs)")
    print(f"{'N':>9} {'steps':>6} {'JuPedSim':>11} {'aman 1 thr':>11} {'ratio':>7} "
          f"{'aman 2 thr':>11} {'ratio':>7}")
    for n, steps, j, a1, a2 in rows:
        print(f"{n:>9,} {steps:>6} {j:>11.4g} {a1:>11.4g} {a1 / j:>6.1f}x {a2:>11.4g} {a2 / j:>6.1f}x")
    if not quick:
        print()
        print("N = 100,000 at dt = 0.05 s, 400 steps (20 s simulated), aman on 2 threads")
        r = aman_dt(100_000, 400, 2, 0.05)
        rate = float(r["agent_steps_per_s"]) / 100_000 * 0.05
        print(f"  {rate:.2f} s simulated per second of wall time "
              f"({'faster' if rate > 1 else 'slower'} than real time); ns per agent-step in five "
              f"windows of the run: {r['ns_per_agent_step_by_window']}")
    if not quick:
        print()
        print("N = 2,000 run to the end (evacuation times, simulated seconds)")
        j = jupedsim(2_000, 0)
        a = aman(2_000, 0, 2)
        for key, label in (("evacuation_s", "room empty"), ("t50_s", "50 % left"), ("t90_s", "90 % left")):
            jv, av = float(j[key]), float(a[key])
            print(f"  {label:<11} JuPedSim {jv:8.2f}   aman {av:8.2f}   aman vs JuPedSim {rel(av, jv)}")
        print(f"  wall time  JuPedSim {float(j['wall_s']):.1f} s, aman {float(a['wall_s']):.1f} s")
    if "--million" in sys.argv:
        print()
        print("N = 1,000,000 (aman only, 2 threads)")
        m = aman(1_000_000, 100, 2)
        print(f"  {float(m['agent_steps_per_s']):.4g} agent-steps/s, peak RSS {m['peak_rss_mb']} MB, "
              f"{m['bytes_per_agent']} bytes per agent (peak RSS growth over the empty process / N)")


if __name__ == "__main__":
    main()
