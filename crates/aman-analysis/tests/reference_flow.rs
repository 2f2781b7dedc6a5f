//! Flow at the measurement line of real experiments, compared with the figures recorded with
//! PedPy 1.5.1 and JPSreport in each data folder's `SOURCE.md`.
//!
//! The crossing frames are read from JPSreport's N–t output (`Flow_NT_*.dat`: frame, time,
//! cumulative count), so these tests check the flow formulas on the real crossing sequence.

mod testdata;

#[path = "speed_testdata/mod.rs"]
mod data;

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

/// JPSreport method A from the trajectories: `n_t` + single-sided speeds + `flow_method_a`.
mod method_a {
    use super::data;
    use aman_analysis::TrajectoryIndex;
    use aman_analysis::crossing::n_t;
    use aman_analysis::flow::{FlowInterval, flow_method_a};
    use aman_analysis::speed::{SpeedBorder, individual_velocity};
    use data::{close, line};

    /// Method A with PedPy's reference-test settings: speeds with frame_step 5, single-sided.
    fn method_a(
        folder: &str,
        traj: &str,
        l: ((f64, f64), (f64, f64)),
        delta: u64,
    ) -> Vec<FlowInterval> {
        let d = data::load(folder, traj, None);
        let ix = TrajectoryIndex::new(&d).unwrap();
        let v = individual_velocity(&ix, 5, SpeedBorder::SingleSided).unwrap();
        let nt = n_t(&ix, &line(l.0, l.1)).unwrap();
        flow_method_a(&ix, &nt, delta, &v.speed).unwrap()
    }

    fn check_pedpy(j: &[FlowInterval], flows: &[f64], speeds: &[f64]) {
        assert_eq!(j.len(), flows.len());
        for (i, (f, v)) in j.iter().zip(flows.iter().zip(speeds)) {
            close(i.flow, *f, 1e-6, "flow");
            close(i.mean_speed, *v, 1e-6, "mean speed");
        }
    }

    /// From the second interval on, JPSreport (3 decimals) agrees; the first flow is lower in
    /// JPSreport (its first crossings are left out — the known JPSreport bug).
    fn check_jpsreport(j: &[FlowInterval], folder: &str, file: &str) {
        let jps = data::jps(folder, &format!("FlowVelocity/{file}"));
        assert_eq!(jps[0].len(), j.len());
        for k in 1..j.len() {
            close(j[k].flow, jps[0][k], 0.0005 + 1e-9, "flow vs JPSreport");
            close(
                j[k].mean_speed,
                jps[1][k],
                0.0005 + 1e-9,
                "speed vs JPSreport",
            );
        }
        assert!(
            jps[0][0] < j[0].flow - 0.01,
            "JPSreport's first interval is not lower"
        );
    }

    #[test]
    fn ao300() {
        let folder = "hermes2009-AO300-wide-bottleneck";
        let j = method_a(folder, "traj_AO_300.txt", ((-2.25, 0.5), (4.0, 0.5)), 150);
        // compute_flow(nt, crossing_frames, individual_speed=compute_individual_speed(
        //     frame_step=5, speed_calculation=BORDER_SINGLE_SIDED), delta_frame=150,
        //     frame_rate=16)
        check_pedpy(
            &j,
            &[8.15894, 7.243243, 7.368421, 6.613333, 6.111111, 2.989011],
            &[1.186619, 0.942487, 0.849859, 0.822421, 0.84167, 0.835248],
        );
        assert_eq!(
            (j[0].start_frame, j[0].end_frame, j[0].crossings),
            (19, 170, 77)
        );
        assert_eq!(j.iter().map(|i| i.crossings).sum::<usize>(), 348);
        check_jpsreport(&j, folder, "FDFlowVelocity_traj_AO_300.txt_id_4.dat");
    }

    #[test]
    fn corner() {
        let folder = "jpsreport-reftest-corner";
        let j = method_a(folder, "traj.txt", ((-3.0, 0.0), (0.0, 0.0)), 100);
        // compute_flow(..., delta_frame=100), speeds frame_step 5 single-sided.
        check_pedpy(
            &j,
            &[
                2.747475, 3.102041, 3.232323, 2.742857, 3.232323, 3.326733, 3.166667,
            ],
            &[
                1.417814, 1.209312, 1.126077, 1.146611, 1.040024, 1.024815, 1.03686,
            ],
        );
        check_jpsreport(&j, folder, "FDFlowVelocity_traj.txt_id_2.dat");
    }

    #[test]
    fn t_junction() {
        let j = method_a(
            "hermes2009-T-junction-KO-240-050-240",
            "traj_KO_240_050_240.txt",
            ((-2.4, 1.0), (0.0, 1.0)),
            100,
        );
        // SOURCE.md flows (compute_flow delta_frame=100, frame_step=5), speeds from PedPy.
        check_pedpy(
            &j,
            &[
                2.747475, 1.852632, 2.823529, 2.307692, 2.24, 2.4, 2.059406, 2.26087, 2.72,
            ],
            &[
                1.455002, 1.386083, 1.294532, 1.209417, 1.245392, 1.234335, 1.270644, 1.239071,
                1.183259,
            ],
        );
    }

    #[test]
    fn bad_inputs() {
        let d = data::load("jpsreport-reftest-corner", "traj.txt", None);
        let ix = TrajectoryIndex::new(&d).unwrap();
        let nt = n_t(&ix, &line((-3.0, 0.0), (0.0, 0.0))).unwrap();
        let speeds = vec![1.0; d.len()];
        assert!(flow_method_a(&ix, &nt, 0, &speeds).is_err());
        assert!(flow_method_a(&ix, &nt, 100, &speeds[1..]).is_err());
        // A huge window: no probe before the last frame.
        assert!(
            flow_method_a(&ix, &nt, u64::MAX, &speeds)
                .unwrap()
                .is_empty()
        );
        // A line nobody crosses.
        let none = n_t(&ix, &line((40.0, 0.0), (41.0, 0.0))).unwrap();
        assert!(flow_method_a(&ix, &none, 100, &speeds).unwrap().is_empty());
    }
}
