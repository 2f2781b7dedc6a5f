//! Same numbers live as offline: real recordings fed to the monitor reading by reading give
//! what `aman analyze` computes on the whole file (classic density per frame, cumulative
//! counts, the raise time of a density alert).

use std::path::{Path, PathBuf};

use aman_analysis::TrajectoryIndex;
use aman_analysis::classic::classic_density;
use aman_analysis::crossing::count_crossings;
use aman_geometry::{MeasurementArea, MeasurementLine, Segment, Vec2};
use aman_monitor::{DecisionKind, Logged, Monitor, Reading, Timestamp, Value, Venue};
use aman_trajectory::{ReadOptions, TrajectoryData, read_trajectory};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
}

fn shipped(venue: &str) -> Venue {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../venues")
        .join(venue)
        .join("venue.toml");
    aman_monitor::venue_file::read_venue(&path).unwrap()
}

fn load(path: &Path, fps: f64) -> TrajectoryData {
    let options = ReadOptions {
        frame_rate: Some(fps),
        ..ReadOptions::default()
    };
    read_trajectory(path, &options).unwrap().data
}

/// 2000-01-01T00:00:00Z: frame k is at T0 + k / fps.
const T0: i64 = 946_684_800_000_000;

fn frame_time(frame: u64, fps: f64) -> Timestamp {
    Timestamp(T0 + (frame as f64 * 1e6 / fps).round() as i64)
}

/// Feeds every row of `data` as a track reading in frame order; calls `seen` with the zone
/// states after every zone update.
fn replay_tracks(
    monitor: &mut Monitor,
    sensor: &str,
    data: &TrajectoryData,
    mut seen: impl FnMut(&mut Monitor),
) {
    let mut rows: Vec<usize> = (0..data.x.len()).collect();
    rows.sort_by_key(|&r| (data.frame[r], data.id[r]));
    for (k, &r) in rows.iter().enumerate() {
        let reading = Reading {
            sensor: sensor.into(),
            channel: String::new(),
            time: frame_time(data.frame[r], data.frame_rate),
            value: Value::Track {
                track: data.id[r],
                x: data.x[r],
                y: data.y[r],
            },
        };
        let logged = Logged {
            seq: k as u64 + 1,
            received: reading.time,
            reading,
        };
        monitor.apply(&logged).unwrap();
        seen(monitor);
    }
    monitor.flush();
    seen(monitor);
}

#[test]
fn topview_tracks_give_the_classic_density_of_every_frame() {
    let data = load(
        &shared("madras-lyon2022-festival-of-lights/Topview_2E.txt"),
        30.0,
    );
    // The shipped venue's zone "topview" is the measurement area of SOURCE.md.
    let area = [(-2.0, 1.5), (0.0, 1.5), (0.0, 4.5), (-2.0, 4.5)];
    let v = shipped("lyon2022-festival-of-lights");
    let (zi, zone) = v.zone("topview").unwrap();
    assert_eq!(zone.walkable_m2, 6.0);
    let mut monitor = Monitor::new(v, Timestamp(T0));
    let mut live: Vec<(Timestamp, f64)> = Vec::new();
    replay_tracks(&mut monitor, "topview-cam", &data, |m| {
        let z = m.zone(zi);
        if let (Some(t), Some(d)) = (z.time, z.density)
            && live.last().is_none_or(|l| l.0 != t)
        {
            live.push((t, d));
        }
    });
    let index = TrajectoryIndex::new(&data).unwrap();
    let offline =
        classic_density(&index, &MeasurementArea::from_points("a", &area).unwrap()).unwrap();
    // Every frame from the first with somebody in the zone, exactly.
    let first = offline.values.iter().position(|&d| d > 0.0).unwrap();
    let expected: Vec<(Timestamp, f64)> = offline.frames[first..]
        .iter()
        .zip(&offline.values[first..])
        .map(|(&f, &d)| (frame_time(f, 30.0), d))
        .collect();
    assert_eq!(live.len(), expected.len());
    assert_eq!(live, expected);
    // SOURCE.md: mean classic density over all 2182 frames 0.6027 /m² (PedPy 1.5.1).
    let mean = offline.values.iter().sum::<f64>() / offline.values.len() as f64;
    assert!((mean - 0.6027).abs() < 5e-5, "{mean}");
}

/// Parses `HH:MM:SS` local time on 2022-12-10 at UTC+1 (Lyon in December).
fn lyon_time(hms: &str) -> Timestamp {
    let p: Vec<i64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
    let midnight_utc = Timestamp::parse_rfc3339("2022-12-10T00:00:00+01:00").unwrap();
    Timestamp(midnight_utc.0 + (p[0] * 3600 + p[1] * 60 + p[2]) * 1_000_000)
}

fn count_venue() -> Venue {
    shipped("lyon2022-festival-of-lights")
}

fn chenavard() -> Vec<(Timestamp, u64)> {
    let text = std::fs::read_to_string(shared(
        "madras-lyon2022-festival-of-lights/chenavard_2022_1210.csv",
    ))
    .unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (lyon_time(f[0]), f[1].parse().unwrap())
        })
        .collect()
}

fn counter(seq: u64, t: Timestamp, total: u64) -> Logged {
    Logged {
        seq,
        received: t,
        reading: Reading {
            sensor: "chenavard-count".into(),
            channel: String::new(),
            time: t,
            value: Value::Counter {
                direction: None,
                total,
            },
        },
    }
}

#[test]
fn chenavard_counts_give_the_cumulative_count_of_every_row() {
    let rows = chenavard();
    assert_eq!(rows.len(), 85);
    let v = count_venue();
    let (li, _) = v.line("chenavard").unwrap();
    assert_eq!(li, 0);
    let mut m = Monitor::new(v, rows[0].0);
    for (k, &(t, total)) in rows.iter().enumerate() {
        m.apply(&counter(k as u64 + 1, t, total)).unwrap();
        assert_eq!(m.line(0).total_in, total, "row {}", k + 2);
        assert_eq!(m.line(0).time, Some(t));
    }
    // The last row of the file.
    assert_eq!(m.line(0).total_in, rows[84].1);
    assert_eq!(m.line(0).total_out, 0);
}

#[test]
fn duplicate_late_and_reset_counters_are_not_double_counted() {
    let rows = chenavard();
    let mut m = Monitor::new(count_venue(), rows[0].0);
    let mut seq = 0;
    let mut next = || {
        seq += 1;
        seq
    };
    for (k, &(t, total)) in rows.iter().enumerate() {
        m.apply(&counter(next(), t, total)).unwrap();
        // Every row twice (a retry after a lost acknowledgement) and, from the third row on,
        // the row before last again (late).
        m.apply(&counter(next(), t, total)).unwrap();
        if k >= 2 {
            let (tl, nl) = rows[k - 2];
            m.apply(&counter(next(), tl, nl)).unwrap();
        }
        assert_eq!(m.line(0).total_in, total, "row {}", k + 2);
    }
    let s = m.sensor(m.venue().sensor("chenavard-count").unwrap().0);
    assert_eq!(
        (s.id.as_str(), s.duplicates, s.late, s.resets),
        ("chenavard-count", 85, 83, 0)
    );
    // The counter restarts from 0 (sensor rebooted) and counts 5 more: 5 crossings, not a
    // negative jump.
    let last = rows[84];
    m.apply(&counter(next(), last.0.add_secs(10.0), 0)).unwrap();
    m.apply(&counter(next(), last.0.add_secs(20.0), 5)).unwrap();
    assert_eq!(m.line(0).total_in, last.1 + 5);
    assert_eq!(m.line(0).resets, 1);
    assert_eq!(s_resets(&m), 1);
}

#[test]
fn hermes_bottleneck_density_alert_is_raised_once_when_the_offline_series_says() {
    let data = load(
        &shared("hermes2009-AO300-wide-bottleneck/traj_AO_300.txt"),
        16.0,
    );
    let area = [(-0.6, -0.53), (2.4, -0.53), (2.4, 0.53), (-0.6, 0.53)];
    // The shipped venue: rule bottleneck-density raised at 4.0 /m², cleared below 3.0, 0.25 s.
    let v = shipped("hermes-ao300");
    let r = v
        .rules
        .iter()
        .find(|r| r.id == "bottleneck-density")
        .unwrap();
    assert_eq!((r.raise, r.clear, r.hold), (4.0, 3.0, 0.25));
    let mut monitor = Monitor::new(v, Timestamp(T0));
    replay_tracks(&mut monitor, "hermes-cam", &data, |_| {});
    // Only the density rule's decisions (the stale rule runs on the server's clock: ticks).
    let decisions: Vec<_> = monitor
        .take_decisions()
        .into_iter()
        .filter(|d| monitor.venue().rules[d.rule].id == "bottleneck-density")
        .collect();
    // Offline: the classic density series of `aman analyze` through the same hysteresis,
    // written out here independently.
    let index = TrajectoryIndex::new(&data).unwrap();
    let series =
        classic_density(&index, &MeasurementArea::from_points("a", &area).unwrap()).unwrap();
    let expected = offline_switch(&series.frames, &series.values, 0);
    // 13 persons in the 3.18 m² bottleneck are 4.09 /m², 12 are 3.77: the density flickers
    // around 4 for half a minute. A bare threshold would raise 25 alerts; the hysteresis one,
    // at frame 380 (23.75 s), resolved at frame 484.
    assert_eq!(expected, vec![("raise", 380), ("resolve", 484)]);
    let bare_raises = series
        .values
        .windows(2)
        .filter(|w| w[0] < 4.0 && w[1] >= 4.0)
        .count();
    assert_eq!(bare_raises, 25);
    let live: Vec<_> = decisions
        .iter()
        .map(|d| {
            let name = match d.kind {
                DecisionKind::Raise => "raise",
                DecisionKind::Resolve => "resolve",
                DecisionKind::Update => "update",
            };
            (name, d.at)
        })
        .filter(|d| d.0 != "update")
        .collect();
    let expected: Vec<_> = expected
        .iter()
        .map(|&(n, f)| (n, frame_time(f, 16.0)))
        .collect();
    assert_eq!(live, expected);
    eprintln!("HERMES AO300 bottleneck alert: {expected:?}");
}

/// The rule `bottleneck-density` of the shipped AO300 venue (raise at 4.0 /m², clear below
/// 3.0, each held 0.25 s), written out independently of `Hysteresis` and run on an offline
/// density series from frame `from` on (16 fps): its raises and resolves, by frame.
fn offline_switch(frames: &[u64], values: &[f64], from: u64) -> Vec<(&'static str, u64)> {
    let (mut raised, mut since): (bool, Option<f64>) = (false, None);
    let mut events = Vec::new();
    for (&f, &d) in frames.iter().zip(values).filter(|(f, _)| **f >= from) {
        let t = f as f64 / 16.0;
        if !raised {
            if d >= 4.0 {
                let s = *since.get_or_insert(t);
                if t - s >= 0.25 {
                    raised = true;
                    since = None;
                    events.push(("raise", f));
                }
            } else {
                since = None;
            }
        } else if d < 3.0 {
            let s = *since.get_or_insert(t);
            if t - s >= 0.25 {
                raised = false;
                since = None;
                events.push(("resolve", f));
            }
        } else {
            since = None;
        }
    }
    events
}

#[test]
fn an_alert_resolved_by_hand_while_the_bottleneck_is_still_dense_is_raised_again_after_its_hold() {
    let data = load(
        &shared("hermes2009-AO300-wide-bottleneck/traj_AO_300.txt"),
        16.0,
    );
    let area = [(-0.6, -0.53), (2.4, -0.53), (2.4, 0.53), (-0.6, 0.53)];
    let mut monitor = Monitor::new(shipped("hermes-ao300"), Timestamp(T0));
    let rule = monitor
        .venue()
        .rules
        .iter()
        .position(|r| r.id == "bottleneck-density")
        .unwrap();
    // The operator resolves the first alert the moment it is raised.
    let mut decisions = Vec::new();
    let mut resolved_at = None;
    replay_tracks(&mut monitor, "hermes-cam", &data, |m| {
        for d in m.take_decisions().into_iter().filter(|d| d.rule == rule) {
            if d.kind == DecisionKind::Raise && resolved_at.is_none() {
                assert!(m.resolve(&d.alert, d.at));
                assert!(
                    !m.resolve(&d.alert, d.at),
                    "resolving twice changes nothing"
                );
                resolved_at = Some(d.at);
            }
            decisions.push(d);
        }
        decisions.extend(m.take_decisions());
    });
    assert!(!monitor.resolve("no-such-alert", Timestamp(T0)));
    let index = TrajectoryIndex::new(&data).unwrap();
    let series =
        classic_density(&index, &MeasurementArea::from_points("a", &area).unwrap()).unwrap();
    // Offline: raised at frame 380 and reset there; the switch starts again at frame 381.
    let first = offline_switch(&series.frames, &series.values, 0);
    assert_eq!(first[0], ("raise", 380));
    let again = offline_switch(&series.frames, &series.values, 381);
    assert!(
        again.first().is_some_and(|e| e.0 == "raise"),
        "the bottleneck stays dense after frame 380: {again:?}"
    );
    let mut expected = vec![
        ("raise", frame_time(380, 16.0)),
        ("resolve", frame_time(380, 16.0)),
    ];
    expected.extend(again.iter().map(|&(n, f)| (n, frame_time(f, 16.0))));
    let live: Vec<_> = decisions
        .iter()
        .filter(|d| d.kind != DecisionKind::Update)
        .map(|d| {
            let name = if d.kind == DecisionKind::Raise {
                "raise"
            } else {
                "resolve"
            };
            (name, d.at)
        })
        .collect();
    assert_eq!(live, expected);
    // The alert raised again is a new one.
    let ids: Vec<&str> = decisions
        .iter()
        .filter(|d| d.kind == DecisionKind::Raise)
        .map(|d| d.alert.as_str())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    eprintln!("resolved by hand at frame 380, then {again:?}");
}

#[test]
fn track_positions_are_the_last_closed_frame_of_the_live_sensors() {
    let data = load(
        &shared("hermes2009-AO300-wide-bottleneck/traj_AO_300.txt"),
        16.0,
    );
    let mut monitor = Monitor::new(shipped("hermes-ao300"), Timestamp(T0));
    assert_eq!(monitor.track_positions().0, None);
    replay_tracks(&mut monitor, "hermes-cam", &data, |_| {});
    let last = *data.frame.iter().max().unwrap();
    let mut want: Vec<(f64, f64)> = (0..data.x.len())
        .filter(|&r| data.frame[r] == last)
        .map(|r| (data.x[r], data.y[r]))
        .collect();
    let (t, points) = monitor.track_positions();
    let mut got: Vec<(f64, f64)> = points.map(|p| (p.x, p.y)).collect();
    want.sort_by(|a, b| a.partial_cmp(b).unwrap());
    got.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(t, Some(frame_time(last, 16.0)));
    assert!(!want.is_empty());
    assert_eq!(got, want);
    // A sensor gone silent is left out.
    monitor.tick(frame_time(last, 16.0).add_secs(3600.0));
    assert_eq!(monitor.track_positions().1.count(), 0);
}

fn s_resets(m: &Monitor) -> u64 {
    m.sensor(m.venue().sensor("chenavard-count").unwrap().0)
        .resets
}

#[test]
fn trend_and_time_to_the_next_threshold_of_a_steadily_filling_zone() {
    // The track camera sees k persons in the 6 m² topview zone during second k (30 fps).
    let v = shipped("lyon2022-festival-of-lights");
    let (zi, _) = v.zone("topview").unwrap();
    let rule = v.rules.iter().find(|r| r.id == "topview-density").unwrap();
    assert_eq!(rule.raise, 1.2);
    let mut m = Monitor::new(v, Timestamp(T0));
    let mut seq = 0;
    for frame in 0..(7 * 30) {
        let persons = frame / 30 + 1;
        let time = frame_time(frame, 30.0);
        for p in 0..persons {
            seq += 1;
            let reading = Reading {
                sensor: "topview-cam".into(),
                channel: String::new(),
                time,
                value: Value::Track {
                    track: p,
                    x: -1.9 + 0.2 * p as f64,
                    y: 3.0,
                },
            };
            m.apply(&Logged {
                seq,
                received: time,
                reading,
            })
            .unwrap();
        }
    }
    m.flush();
    let z = m.zone(zi);
    // 7 persons in 6 m² = 1.167 /m², rising by 1/6 /m² per second (least squares over the
    // 0.1 s samples of the window: the staircase's slope).
    assert_eq!(z.occupancy, Some(7.0));
    let trend = z.trend.unwrap();
    assert!((trend - 1.0 / 6.0).abs() < 0.01, "{trend}");
    // The next threshold is the rule's 1.2 /m² (below Fruin F at 2.17): 0.2 s away at the
    // trend.
    let next = z.next_threshold.as_ref().unwrap();
    assert_eq!(
        (next.what.as_str(), next.density),
        ("rule topview-density", 1.2)
    );
    assert!((next.seconds - (1.2 - 7.0 / 6.0) / trend).abs() < 1e-9);
    assert!((next.seconds - 0.2).abs() < 0.02, "{}", next.seconds);
}

/// Line `id`'s (total in, total out).
fn line_totals(m: &Monitor, id: &str) -> (u64, u64) {
    let l = m.line(m.venue().line(id).unwrap().0);
    (l.total_in, l.total_out)
}

#[test]
fn tracks_crossing_a_line_are_counted_as_aman_analyze_counts_them() {
    // AO300 through the shipped venue: the live line count is `aman analyze`'s count at the
    // same line (aman_analysis::crossing, PedPy's compute_n_t rule), all "in" (+y).
    let data = load(
        &shared("hermes2009-AO300-wide-bottleneck/traj_AO_300.txt"),
        16.0,
    );
    let mut monitor = Monitor::new(shipped("hermes-ao300"), Timestamp(T0));
    replay_tracks(&mut monitor, "hermes-cam", &data, |_| {});
    let index = TrajectoryIndex::new(&data).unwrap();
    let line = MeasurementLine {
        name: "bottleneck-exit".into(),
        segment: Segment::new(Vec2::new(-0.6, 0.5), Vec2::new(2.4, 0.5)),
    };
    let count = count_crossings(&index, &line).unwrap();
    // All 348 persons of PedPy's compute_n_t at y = 0.5 pass through the opening.
    assert_eq!((count.total(), count.backward()), (348, 0));
    assert_eq!(line_totals(&monitor, "bottleneck-exit"), (348, 0));
}

#[test]
fn a_track_swaying_across_a_line_counts_once() {
    // Track 1 sways across y = 0.5 in the bottleneck (in, out, in, out, in) before walking on;
    // track 2 crosses with the last position the camera gives of it, which is never a
    // crossing (PedPy: the movement into a track's last frame does not count).
    let mut m = Monitor::new(shipped("hermes-ao300"), Timestamp(T0));
    let ys1 = [0.30, 0.46, 0.52, 0.49, 0.53, 0.48, 0.51, 0.70, 1.00, 1.30];
    let ys2 = [0.40, 0.45, 0.60];
    let mut seq = 0;
    for (f, &y1) in ys1.iter().enumerate() {
        let time = frame_time(f as u64, 16.0);
        for (track, y) in [(1, Some(y1)), (2, ys2.get(f).copied())] {
            let Some(y) = y else { continue };
            seq += 1;
            m.apply(&Logged {
                seq,
                received: time,
                reading: Reading {
                    sensor: "hermes-cam".into(),
                    channel: String::new(),
                    time,
                    value: Value::Track {
                        track,
                        x: 0.5 + track as f64,
                        y,
                    },
                },
            })
            .unwrap();
        }
    }
    m.flush();
    assert_eq!(line_totals(&m, "bottleneck-exit"), (1, 0));
}
