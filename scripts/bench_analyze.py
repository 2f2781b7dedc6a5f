#!/usr/bin/env python3
"""Side-by-side benchmark of `aman analyze` against PedPy 1.5.1 (run by scripts/bench-analyze).

For each input, both tools compute the same measures with the same settings: load the
trajectory, individual speed, classic density and mean speed in the area, N–t at the line,
individual Voronoi cells, Voronoi density and Voronoi speed. The script prints each tool's
wall time, the ratio, and the means of every series from both tools with their difference, so
the speed-up is only claimed for equal numbers.

PedPy's time is the sum of its timed steps (scripts/pedpy_reference.py, loading included);
aman's is the whole `aman analyze` process, start to exit (reading, validation, all measures,
CSV and summary.json; plots and venue maps off), measured here around the subprocess.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
AMAN = ROOT / "target" / "release" / "aman"
PY = ROOT / ".venv" / "bin" / "python"

AO300_WALKABLE = ("POLYGON ((-2.25 -8.5, -2.25 -0.53, -0.6 -0.53, -0.6 0.53, -2.25 0.53, "
                  "-2.25 6.25, 4 6.25, 4 0.53, 2.4 0.53, 2.4 -0.53, 4 -0.53, 4 -8.5, -2.25 -8.5))")

CASES = [
    {
        "name": "AO300 bottleneck (real, 348 persons, 959 frames)",
        "trajectory": DATA / "hermes2009-AO300-wide-bottleneck" / "traj_AO_300.txt",
        "format": "txt",
        "walkable": AO300_WALKABLE,
        "area": "POLYGON ((2.4 0.53, 2.4 -0.53, -0.6 -0.53, -0.6 0.53, 2.4 0.53))",
        "line": "LINESTRING (-2.25 0.5, 4 0.5)",
        "frame_step": 5,
    },
    {
        "name": "hall, 5,000 persons, 10 min at 2 fps (aman simulate)",
        "trajectory": None,  # simulated below
        "format": "sqlite",
        "walkable": None,
        "area": "POLYGON ((22 0.5, 28 0.5, 28 4.5, 22 4.5, 22 0.5))",
        "line": "LINESTRING (24.25 -1, 25.75 -1)",
        "frame_step": 1,
    },
]


def mean(values):
    v = [x for x in values if x is not None]
    return statistics.fmean(v) if v else float("nan")


def run_pedpy(case, out):
    cmd = [str(PY), str(ROOT / "scripts" / "pedpy_reference.py"),
           "--trajectory", str(case["trajectory"]), "--format", case["format"],
           "--area", case["area"], "--line", case["line"],
           "--frame-step", str(case["frame_step"]), "--border", "single-sided",
           "--out", str(out)]
    if case["walkable"]:
        cmd += ["--walkable-area", case["walkable"]]
    subprocess.run(cmd, check=True)
    return json.loads(out.read_text())


def run_aman(case, out_dir, threads):
    cmd = [str(AMAN), "analyze", str(case["trajectory"]), "--area", "m=" + case["area"],
           "--line", "l=" + case["line"], "--frame-step", str(case["frame_step"]),
           "--speed-border", "single-sided", "--no-plots", "--no-maps", "--quiet",
           "--threads", str(threads), "--out", str(out_dir)]
    if case["walkable"]:
        cmd += ["--walkable-area", case["walkable"]]
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    wall = time.perf_counter() - t
    summary = json.loads((out_dir / "summary.json").read_text())
    return wall, summary


def aman_series(out_dir):
    import csv
    cols = {"classic_density_per_m2": [], "mean_speed_m_per_s": [],
            "voronoi_density_per_m2": [], "voronoi_speed_m_per_s": []}
    with open(out_dir / "areas.csv") as f:
        for row in csv.DictReader(f):
            for k in cols:
                cols[k].append(float(row[k]) if row[k] else None)
    return cols


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        hall = CASES[1]
        sim_out = ROOT / "target" / "bench-analyze" / "hall"
        traj = sim_out / "trajectories.sqlite"
        if not traj.exists():
            print("simulating the hall (once; kept in target/bench-analyze) …", flush=True)
            # Exit code 3: the run stops at 600 s with persons still queueing, as intended.
            done = subprocess.run([str(AMAN), "simulate",
                                   str(ROOT / "scenarios" / "analysis-bench-hall" / "scenario.toml"),
                                   "--out", str(sim_out), "--quiet"])
            if done.returncode not in (0, 3):
                raise SystemExit(f"aman simulate failed with exit code {done.returncode}")
        hall["trajectory"] = traj

        for case in CASES:
            print(f"\n== {case['name']}", flush=True)
            ref = run_pedpy(case, tmp / "pedpy.json")
            steps = ref["timings"]
            pedpy_total = sum(steps.values())
            print(f"rows: {ref['rows']}")
            print("PedPy 1.5.1 steps (s): " +
                  ", ".join(f"{k} {v:.3f}" for k, v in steps.items()))
            results = {}
            for threads in (2, 1):
                out_dir = tmp / f"aman{threads}"
                wall, summary = run_aman(case, out_dir, threads)
                results[threads] = (wall, summary, aman_series(out_dir))
            print(f"{'':28}{'PedPy (s)':>12}{'aman (s)':>12}{'ratio':>10}")
            for threads in (2, 1):
                wall = results[threads][0]
                print(f"{'whole run, ' + str(threads) + ' thread(s)':28}"
                      f"{pedpy_total:12.3f}{wall:12.3f}{pedpy_total / wall:9.1f}x")
            aman_steps = dict((k, v) for k, v in results[2][1]["timings"])
            print("aman steps, 2 threads (s): " +
                  ", ".join(f"{k} {v:.3f}" for k, v in aman_steps.items()))
            ours = results[2][2]
            print(f"{'series (mean over frames)':28}{'PedPy':>12}{'aman':>12}{'diff':>10}")
            for ped_key, our_key in [("classic_density", "classic_density_per_m2"),
                                     ("mean_speed", "mean_speed_m_per_s"),
                                     ("voronoi_density", "voronoi_density_per_m2"),
                                     ("voronoi_speed", "voronoi_speed_m_per_s")]:
                a, b = mean(ref[ped_key]["value"]), mean(ours[our_key])
                print(f"{ped_key:28}{a:12.4f}{b:12.4f}{b - a:10.1e}")
            line = results[2][1]["lines"][0]
            print(f"{'N–t crossings':28}{ref['n_t']['cumulative'][-1]:12d}{line['crossings']:12d}")


if __name__ == "__main__":
    sys.exit(main())
