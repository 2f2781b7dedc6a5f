#!/usr/bin/env python3
"""Runs PedPy 1.5.1 on one trajectory and writes its per-frame series as JSON.

The anchor for `aman analyze`: the PedPy parity test (crates/aman-cli/tests/pedpy_parity.rs)
and the benchmark (scripts/bench-analyze) run this script and `aman analyze` on the same input
with the same settings and compare whole series and wall times.

Usage:
  pedpy_reference.py --trajectory F [--format txt|hdf5|sqlite] [--frame-rate FPS]
      [--walkable-area WKT] --area WKT --line WKT [--frame-step N]
      [--border exclude|adaptive|single-sided] [--no-voronoi] [--cutoff R]
      [--flow-window FRAMES] --out result.json

Each step is timed with time.perf_counter(); the loading time is reported separately.
"""

import argparse
import json
import math
import sys
import time
from pathlib import Path

import pedpy
import shapely


def series(df, column):
    df = df.sort_index() if "frame" not in df.columns else df.sort_values("frame")
    frames = df.index.to_list() if "frame" not in df.columns else df["frame"].to_list()
    values = [None if (v is None or (isinstance(v, float) and math.isnan(v))) else float(v)
              for v in df[column].to_list()]
    return {"frame": [int(f) for f in frames], "value": values}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--trajectory", required=True, type=Path)
    p.add_argument("--format", default="txt", choices=["txt", "hdf5", "sqlite"])
    p.add_argument("--frame-rate", type=float)
    p.add_argument("--walkable-area")
    p.add_argument("--area", required=True)
    p.add_argument("--line", required=True)
    p.add_argument("--frame-step", type=int, default=5)
    p.add_argument("--border", default="single-sided",
                   choices=["exclude", "adaptive", "single-sided"])
    p.add_argument("--no-voronoi", action="store_true")
    p.add_argument("--cutoff", type=float)
    p.add_argument("--flow-window", type=int, default=0,
                   help="delta_frame for compute_flow (0: skip)")
    p.add_argument("--correct-invalid", action="store_true",
                   help="move points outside the walkable area in (correct_invalid_trajectories)")
    p.add_argument("--out", required=True, type=Path)
    a = p.parse_args()

    timings = {}
    t = time.perf_counter()
    if a.format == "txt":
        traj = pedpy.load_trajectory_from_txt(trajectory_file=a.trajectory,
                                              default_frame_rate=a.frame_rate,
                                              default_unit=pedpy.TrajectoryUnit.METER)
        walkable = None
    elif a.format == "hdf5":
        traj = pedpy.load_trajectory_from_ped_data_archive_hdf5(trajectory_file=a.trajectory)
        walkable = pedpy.load_walkable_area_from_ped_data_archive_hdf5(trajectory_file=a.trajectory)
    else:
        traj = pedpy.load_trajectory_from_jupedsim_sqlite(trajectory_file=a.trajectory)
        walkable = pedpy.load_walkable_area_from_jupedsim_sqlite(trajectory_file=a.trajectory)
    timings["load"] = time.perf_counter() - t
    if a.walkable_area:
        walkable = pedpy.WalkableArea(shapely.from_wkt(a.walkable_area))
    if a.correct_invalid:
        traj, _ = pedpy.correct_invalid_trajectories(trajectory_data=traj, walkable_area=walkable)
    area = pedpy.MeasurementArea(shapely.from_wkt(a.area))
    line = pedpy.MeasurementLine(shapely.from_wkt(a.line))
    border = {
        "exclude": pedpy.SpeedCalculation.BORDER_EXCLUDE,
        "adaptive": pedpy.SpeedCalculation.BORDER_ADAPTIVE,
        "single-sided": pedpy.SpeedCalculation.BORDER_SINGLE_SIDED,
    }[a.border]

    out = {"pedpy_version": pedpy.__version__, "rows": len(traj.data),
           "frame_rate": traj.frame_rate}

    t = time.perf_counter()
    speed = pedpy.compute_individual_speed(traj_data=traj, frame_step=a.frame_step,
                                           speed_calculation=border, compute_velocity=True)
    timings["individual_speed"] = time.perf_counter() - t
    out["individual_speed"] = {
        "id": speed["id"].astype(int).to_list(),
        "frame": speed["frame"].astype(int).to_list(),
        "speed": [None if math.isnan(v) else float(v) for v in speed["speed"].to_list()],
    }

    t = time.perf_counter()
    classic = pedpy.compute_classic_density(traj_data=traj, measurement_area=area)
    timings["classic_density"] = time.perf_counter() - t
    out["classic_density"] = series(classic, "density")

    t = time.perf_counter()
    try:
        mean_speed = pedpy.compute_mean_speed_per_frame(traj_data=traj, individual_speed=speed,
                                                        measurement_area=area)
        timings["mean_speed"] = time.perf_counter() - t
        out["mean_speed"] = series(mean_speed.to_frame() if hasattr(mean_speed, "to_frame")
                                   else mean_speed, "speed")
    except pedpy.SpeedError as e:  # persons without a speed (exclude / adaptive borders)
        out["mean_speed"] = None
        out["mean_speed_error"] = str(e)

    t = time.perf_counter()
    nt, crossing = pedpy.compute_n_t(traj_data=traj, measurement_line=line)
    timings["n_t"] = time.perf_counter() - t
    out["n_t"] = {"frame": nt["frame"].astype(int).to_list(),
                  "cumulative": nt["cumulative_pedestrians"].astype(int).to_list()}
    out["crossing_frames"] = {"id": crossing["id"].astype(int).to_list(),
                              "frame": crossing["frame"].astype(int).to_list()}

    if a.flow_window > 0:
        t = time.perf_counter()
        flow = pedpy.compute_flow(nt=nt, crossing_frames=crossing, individual_speed=speed,
                                  delta_frame=a.flow_window, frame_rate=traj.frame_rate)
        timings["flow"] = time.perf_counter() - t
        out["flow"] = {"flow": flow["flow"].to_list(), "mean_speed": flow["mean_speed"].to_list()}

    if not a.no_voronoi:
        if walkable is None:
            sys.exit("a walkable area is needed for Voronoi cells: give --walkable-area")
        cut_off = pedpy.Cutoff(radius=a.cutoff, quad_segments=3) if a.cutoff else None
        t = time.perf_counter()
        cells = pedpy.compute_individual_voronoi_polygons(traj_data=traj, walkable_area=walkable,
                                                          cut_off=cut_off)
        timings["voronoi_cells"] = time.perf_counter() - t
        t = time.perf_counter()
        density, intersection = pedpy.compute_voronoi_density(individual_voronoi_data=cells,
                                                              measurement_area=area)
        timings["voronoi_density"] = time.perf_counter() - t
        out["voronoi_density"] = series(density, "density")
        t = time.perf_counter()
        try:
            vspeed = pedpy.compute_voronoi_speed(traj_data=traj, individual_speed=speed,
                                                 individual_voronoi_intersection=intersection,
                                                 measurement_area=area)
            timings["voronoi_speed"] = time.perf_counter() - t
            out["voronoi_speed"] = series(vspeed.to_frame() if hasattr(vspeed, "to_frame")
                                          else vspeed, "speed")
        except pedpy.SpeedError as e:  # persons without a speed (exclude / adaptive borders)
            out["voronoi_speed"] = None
            out["voronoi_speed_error"] = str(e)
        out["voronoi_cells"] = len(cells)

    out["timings"] = timings
    a.out.write_text(json.dumps(out))


if __name__ == "__main__":
    main()
