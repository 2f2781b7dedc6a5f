//! Flow at the measurement line of real experiments, compared with the figures recorded with
//! PedPy 1.5.1 and JPSreport in each data folder's `SOURCE.md`.
//!
//! The crossing frames are read from JPSreport's N–t output (`Flow_NT_*.dat`: frame, time,
//! cumulative count), so these tests check the flow formulas on the real crossing sequence.

mod testdata;

use aman_analysis::flow::{interval_flows, mean_flow, n_t, specific_flow};

/// Crossing frames from a JPSreport `Flow_NT` file: a frame appears once per person counted
/// at it. Also returns the frame rate and the last frame.
fn crossing_frames(path: &std::path::Path) -> (Vec<i64>, f64, i64) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut frame_rate = f64::NAN;
    let (mut frames, mut before, mut last) = (Vec::new(), 0usize, 0i64);
    for line in text.lines() {
        if let Some(rate) = line.strip_prefix("#framerate:") {
            frame_rate = rate.trim().parse().unwrap();
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        let frame: i64 = cols[0].parse().unwrap();
        let cumulative: usize = cols[2].parse().unwrap();
        frames.extend(std::iter::repeat_n(frame, cumulative - before));
        before = cumulative;
        last = frame;
    }
    (frames, frame_rate, last)
}

/// Wide bottleneck b = 3.0 m (hermes2009 AO 300), line y = 0.5 m.
#[test]
fn wide_bottleneck_flow() {
    let (frames, fps, last) =
        crossing_frames(&testdata::dir("hermes2009-AO300-wide-bottleneck").join(
            "jpsreport_results/Fundamental_Diagram/FlowVelocity/Flow_NT_traj_AO_300.txt_id_4.dat",
        ));
    assert_eq!(
        (frames.len(), frames[0], *frames.last().unwrap()),
        (348, 19, 854)
    );
    assert_eq!((fps, last), (16.0, 958));
    let times: Vec<f64> = frames.iter().map(|&f| f as f64 / fps).collect();

    // SOURCE.md: mean flow 6.6491 1/s, specific flow 2.2164 1/(m·s) for b = 3.0 m.
    let j = mean_flow(&times).unwrap();
    assert!((j - 6.6491).abs() < 1e-4, "{j}");
    assert!((specific_flow(j, 3.0) - 2.2164).abs() < 1e-4);

    let nt = n_t(&times);
    assert_eq!(nt.last().unwrap().count, 348);
    assert_eq!(nt[0].time, 19.0 / 16.0);

    // SOURCE.md: PedPy compute_flow(delta_frame=150) flows, 1e-4 (4 decimals recorded).
    let pedpy = [8.1589, 7.2432, 7.3684, 6.6133, 6.1111, 2.989];
    let flows: Vec<f64> = interval_flows(&frames, fps, 150, last)
        .iter()
        .map(|i| i.flow)
        .collect();
    assert_eq!(flows.len(), pedpy.len());
    for (ours, theirs) in flows.iter().zip(pedpy) {
        assert!((ours - theirs).abs() < 1e-4, "{flows:?}");
    }
}

/// Corner (JPSreport reference test): 137 crossings, mean flow 2.9808 1/s.
#[test]
fn corner_mean_flow() {
    let dir = testdata::dir("jpsreport-reftest-corner");
    let (frames, fps, _) = crossing_frames(
        &dir.join("jpsreport_results/Fundamental_Diagram/FlowVelocity/Flow_NT_traj.txt_id_2.dat"),
    );
    assert_eq!(frames.len(), 137);
    let times: Vec<f64> = frames.iter().map(|&f| f as f64 / fps).collect();
    let j = mean_flow(&times).unwrap();
    assert!((j - 2.9808).abs() < 1e-4, "{j}");
}
