#!/usr/bin/env python3
"""Print a scenario's `sources` array that replays when and where each person of a recorded
trajectory first appears: one source per person, a single arrival (start = end) at the time of
the person's first frame, counted from the file's first frame, in a square of side SIDE m
centred on the person's first position (the simulator places the arrival inside the square's
walkable part, at least its radius plus 1 cm from every wall, as soon as the place is free).

Usage: scripts/arrivals_from_trajectory.py TRAJ.txt JOURNEY FPS [SIDE] [UNIT] > sources.toml

TRAJ.txt: whitespace-separated `ID FRAME X Y [Z]`, `#` comments (the JPSreport text format),
in UNIT: `m` (default) or `cm` (the HERMES corridor files); SIDE defaults to 0.3 m. Used for
scenarios/hermes-t-junction/, scenarios/corner-reftest/ and scenarios/hermes-corridor/.
"""
import sys

SCALE = {"m": 1.0, "cm": 0.01}

SPEED = '{ distribution = "normal", mean = 1.34, sd = 0.26, min = 0.8, max = 1.9 }'


def main() -> None:
    if len(sys.argv) not in (4, 5, 6) or (len(sys.argv) == 6 and sys.argv[5] not in SCALE):
        sys.exit(__doc__)
    path, journey, fps = sys.argv[1], sys.argv[2], float(sys.argv[3])
    side = float(sys.argv[4]) if len(sys.argv) >= 5 else 0.3
    scale = SCALE[sys.argv[5]] if len(sys.argv) == 6 else 1.0
    first: dict[int, tuple[int, float, float]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            p = line.split()
            pid, frame = int(p[0]), int(p[1])
            x, y = float(p[2]) * scale, float(p[3]) * scale
            if pid not in first or frame < first[pid][0]:
                first[pid] = (frame, x, y)
    f0 = min(v[0] for v in first.values())
    h = 0.5 * side
    print("sources = [")
    for pid, (frame, x, y) in sorted(first.items(), key=lambda kv: (kv[1][0], kv[0])):
        t = (frame - f0) / fps
        area = ", ".join(
            f"[{a:.2f}, {b:.2f}]"
            for a, b in ((x - h, y - h), (x + h, y - h), (x + h, y + h), (x - h, y + h))
        )
        print(
            f'  {{ name = "id{pid}", journey = "{journey}", area = [{area}], rate = 1.0, '
            f"start = {t:.4f}, end = {t:.4f}, desired_speed = {SPEED} }},"
        )
    print("]")


if __name__ == "__main__":
    main()
