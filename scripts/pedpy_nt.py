#!/usr/bin/env python3
"""N-t at a measurement line, computed by PedPy from a JuPedSim SQLite trajectory file.

Usage:
    python pedpy_nt.py TRAJ.sqlite X1 Y1 X2 Y2

Loads the trajectory with ``pedpy.load_trajectory_from_jupedsim_sqlite`` and the walkable
area with ``pedpy.load_walkable_area_from_jupedsim_sqlite`` (so the file must be readable by
PedPy's JuPedSim loaders, versions 1 and 2), computes ``pedpy.compute_n_t`` at
``MeasurementLine([(X1, Y1), (X2, Y2)])`` (coordinates in metres) and prints one JSON object:

    {"crossings": N, "frames": [f_1, ..., f_N], "fps": frame_rate, "mean_flow": J}

- ``crossings``: number of persons who crossed the line;
- ``frames``: the crossing frame of each of those persons, sorted;
- ``fps``: frame rate of the file (frames per second);
- ``mean_flow``: (N - 1) / ((f_N - f_1) / fps) in persons per second, ``null`` when fewer
  than two persons crossed or all crossed in the same frame.

What PedPy 1.5.1's ``compute_n_t`` counts (``compute_crossing_frames``):

- A person's movement from frame f-1 to frame f is a straight segment; the person crosses at
  frame f when that segment intersects the line and the position at frame f is not on it
  (closer than 1e-5 m). A movement that ends on the line counts at the next frame, when it
  leaves the line.
- The line has no direction here: crossings in both directions count.
- Only the first crossing of each person counts (``groupby(id).frame.min()``), so
  oscillating back and forth is one crossing.
- The movement ending at a person's *last* frame is not considered (PedPy's adaptive border
  gives it a window of 0 frames), so a step that crosses the line into the person's last
  recorded position is not counted.
- ``compute_n_t`` returns two DataFrames: ``n_t`` (columns ``frame``,
  ``cumulative_pedestrians``, ``time`` = frame / fps, one row per frame from the first to the
  last frame of the trajectory) and ``crossing_frames`` (columns ``id``, ``frame``, one row
  per person who crossed). This script reads the second; ``crossings`` equals the last
  ``cumulative_pedestrians``.

The walkable area is loaded only to check that PedPy reads it; ``compute_n_t`` does not use it.
Exit status 2 on bad arguments or a file PedPy cannot read.
"""

import json
import pathlib
import sys


def main(argv: list[str]) -> int:
    if len(argv) != 6:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    path = pathlib.Path(argv[1])
    try:
        x1, y1, x2, y2 = (float(v) for v in argv[2:6])
    except ValueError as exc:
        print(f"error: X1 Y1 X2 Y2 must be numbers (metres): {exc}", file=sys.stderr)
        return 2

    import pedpy

    try:
        traj = pedpy.load_trajectory_from_jupedsim_sqlite(trajectory_file=path)
        pedpy.load_walkable_area_from_jupedsim_sqlite(trajectory_file=path)
        line = pedpy.MeasurementLine([(x1, y1), (x2, y2)])
    except Exception as exc:  # PedPy raises several error types; all are input errors here.
        print(f"error: {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2

    _n_t, crossing_frames = pedpy.compute_n_t(traj_data=traj, measurement_line=line)
    frames = sorted(int(f) for f in crossing_frames["frame"])
    fps = float(traj.frame_rate)
    n = len(frames)
    mean_flow = None
    if n >= 2 and frames[-1] > frames[0]:
        mean_flow = (n - 1) / ((frames[-1] - frames[0]) / fps)
    print(json.dumps({"crossings": n, "frames": frames, "fps": fps, "mean_flow": mean_flow}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
