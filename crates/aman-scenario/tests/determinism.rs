//! Same scenario + same seed ⇒ bit-identical trajectories, whatever the thread count
//! (rapier's `thread_count_determinism`). The digest covers every position, velocity and
//! orientation bit after every step, and the exit and crossing records.

mod common;

fn digest(threads: usize, seed: Option<u64>, seconds: f64) -> (u64, usize) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let mut sc = aman_scenario::load_with(
            &common::scenario("hermes-ao300"),
            &aman_scenario::Overrides {
                seed,
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let sim = &mut sc.simulation;
        let steps = (seconds / sim.config().dt) as u64;
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |v: u64| {
            h ^= v;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        };
        for _ in 0..steps {
            sim.step();
            let a = sim.agents();
            for i in 0..a.len() {
                eat(a.id[i].0);
                for v in [a.position[i], a.velocity[i], a.orientation[i]] {
                    eat(v.x.to_bits());
                    eat(v.y.to_bits());
                }
            }
        }
        for e in sim.exits() {
            eat(e.agent.0);
            eat(e.time.to_bits());
        }
        for c in sim.crossings() {
            eat(c.agent.0);
            eat(c.time.to_bits());
        }
        (h, sim.crossings().len())
    })
}

#[test]
fn identical_for_one_and_two_threads_and_reruns() {
    let (one, crossings) = digest(1, None, 25.0);
    assert!(
        crossings > 100,
        "the run should get people through the bottleneck ({crossings})"
    );
    assert_eq!(one, digest(2, None, 25.0).0, "1 thread vs 2 threads");
    assert_eq!(one, digest(2, None, 25.0).0, "rerun with 2 threads");
    assert_eq!(one, digest(3, None, 25.0).0, "1 thread vs 3 threads");
}

#[test]
fn a_different_seed_gives_a_different_run() {
    assert_ne!(digest(2, Some(1), 5.0).0, digest(2, Some(2), 5.0).0);
}
