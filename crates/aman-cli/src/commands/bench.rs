//! `aman bench`: simulator throughput on the reference room-evacuation scenario
//! (`shared/bench/room-evacuation.md`), printed in the same shape as the JuPedSim anchor script
//! so that `scripts/bench-sim` can put both side by side; and the setup time of a scenario.

use std::time::Instant;

use aman_sim::{Model, SimConfig, Simulation};
use anyhow::Context;

use crate::Failure;
use crate::args::BenchArgs;

/// Windows over which the time per agent-step is reported, to show whether it stays flat.
const WINDOWS: u64 = 5;

/// Runs `aman bench`.
pub fn run(args: &BenchArgs) -> Result<(), Failure> {
    if let Some(n) = args.threads.filter(|n| !(1..=1024).contains(n)) {
        return Err(Failure::Input(anyhow::anyhow!(
            "--threads {n}: give between 1 and 1024 threads"
        )));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start the worker threads")?;
    let threads = pool.current_num_threads();
    pool.install(|| match args.what.as_str() {
        "room-evacuation" => room_evacuation(args, threads),
        "setup" => setup(args, threads),
        other => Err(Failure::Input(anyhow::anyhow!(
            "unknown benchmark '{other}': choose room-evacuation or setup"
        ))),
    })
}

fn input(msg: String) -> Failure {
    Failure::Input(anyhow::anyhow!(msg))
}

fn room_evacuation(args: &BenchArgs, threads: usize) -> Result<(), Failure> {
    if args.scenario.is_some() {
        return Err(input(
            "room-evacuation builds its own scenario: give no scenario file".into(),
        ));
    }
    if !(1..=10_000_000).contains(&args.agents) {
        return Err(input(format!(
            "--agents {}: give between 1 and 10,000,000 agents",
            args.agents
        )));
    }
    let model = match args.model.as_str() {
        "collision_free_speed" | "cfsm" => Model::CollisionFreeSpeed(Default::default()),
        "social_force" | "sfm" => Model::SocialForce(Default::default()),
        "anticipation_velocity" | "avm" => Model::AnticipationVelocity(Default::default()),
        "generalized_centrifugal_force" | "gcfm" => {
            Model::GeneralizedCentrifugalForce(Default::default())
        }
        other => {
            return Err(input(format!(
                "--model {other}: choose collision_free_speed, anticipation_velocity, generalized_centrifugal_force or social_force"
            )));
        }
    };
    let short = match model {
        Model::CollisionFreeSpeed(_) => "cfsm",
        Model::SocialForce(_) => "sfm",
        Model::AnticipationVelocity(_) => "avm",
        Model::GeneralizedCentrifugalForce(_) => "gcfm",
    };
    let config = SimConfig {
        dt: args.dt,
        model,
        ..SimConfig::default()
    };
    let n = args.agents;
    let rss0 = rss_bytes("VmRSS");
    let t0 = Instant::now();
    let (mut sim, _side) = aman_sim::benchmark::room_evacuation(n, config)
        .map_err(|e| Failure::Input(anyhow::Error::from(e)))?;
    let setup_s = t0.elapsed().as_secs_f64();
    if args.steps > 0 {
        let steps = args.steps;
        let window = steps.div_ceil(WINDOWS).max(1);
        let mut per_window = Vec::new();
        let (mut w_start, mut w_agent_steps) = (Instant::now(), 0u64);
        let started = Instant::now();
        let mut agent_steps = 0u64;
        for s in 0..steps {
            let live = sim.agents().len() as u64;
            sim.step();
            agent_steps += live;
            w_agent_steps += live;
            if (s + 1) % window == 0 || s + 1 == steps {
                let dt = w_start.elapsed().as_secs_f64();
                per_window.push(1e9 * dt / w_agent_steps.max(1) as f64);
                w_start = Instant::now();
                w_agent_steps = 0;
            }
        }
        let wall = started.elapsed().as_secs_f64();
        let peak = rss_bytes("VmHWM");
        let windows: Vec<String> = per_window.iter().map(|v| format!("{v:.0}")).collect();
        outln!(
            "aman {short} N={n} steps={steps} threads={threads} wall_s={wall:.3} \
             agent_steps_per_s={:.0} setup_s={setup_s:.2} peak_rss_mb={:.0} \
             bytes_per_agent={:.0} agents_left={} ns_per_agent_step_by_window={}",
            agent_steps as f64 / wall,
            peak as f64 / 1e6,
            peak.saturating_sub(rss0) as f64 / n as f64,
            sim.agents().len(),
            windows.join(",")
        )?;
        print_profile(&sim)?;
        return Ok(());
    }
    let started = Instant::now();
    let (mut t50, mut t90) = (None, None);
    while !sim.agents().is_empty() && sim.time() < 7200.0 {
        sim.step();
        let left = n - sim.agents().len();
        if t50.is_none() && left * 2 >= n {
            t50 = Some(sim.time());
        }
        if t90.is_none() && left * 10 >= 9 * n {
            t90 = Some(sim.time());
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let fmt = |t: Option<f64>| t.map_or("None".to_string(), |t| format!("{t:.2}"));
    outln!(
        "aman {short} N={n} evacuation_s={:.2} t50_s={} t90_s={} wall_s={wall:.1} remaining={} threads={threads}",
        sim.time(),
        fmt(t50),
        fmt(t90),
        sim.agents().len()
    )?;
    print_profile(&sim)?;
    Ok(())
}

/// One line with the share of each system in the stepping time.
fn print_profile(sim: &Simulation) -> Result<(), Failure> {
    let c = sim.counters();
    let parts = [
        ("strategic", c.strategic),
        ("neighbours", c.neighbours),
        ("tactical+operational", c.operational),
        ("movement", c.movement),
    ];
    let total: f64 = parts.iter().map(|p| p.1.as_secs_f64()).sum();
    let shares: Vec<String> = parts
        .iter()
        .map(|(name, d)| format!("{name}={:.1}%", 100.0 * d.as_secs_f64() / total.max(1e-12)))
        .collect();
    outln!("  systems: {}", shares.join(" "))?;
    Ok(())
}

fn setup(args: &BenchArgs, threads: usize) -> Result<(), Failure> {
    let Some(path) = &args.scenario else {
        return Err(input(
            "setup needs a scenario file: aman bench setup SCENARIO".into(),
        ));
    };
    let t0 = Instant::now();
    let sc = aman_scenario::load(path)?;
    let wall = t0.elapsed().as_secs_f64();
    let (lo, hi) = sc.simulation.walkable_area().bounds();
    outln!(
        "aman setup {}: {:.0} m x {:.0} m, {} walls, {} stages, {} agents, threads={threads}, setup_s={wall:.2}, peak_rss_mb={:.0}",
        sc.name,
        hi.x - lo.x,
        hi.y - lo.y,
        sc.simulation.walkable_area().segments().len(),
        sc.simulation.stages().len(),
        sc.total_agents(),
        rss_bytes("VmHWM") as f64 / 1e6
    )?;
    Ok(())
}

/// A memory figure of this process from `/proc/self/status` (`VmRSS`: resident now, `VmHWM`:
/// peak resident), bytes; 0 where the file does not exist (not Linux).
fn rss_bytes(key: &str) -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    s.lines()
        .find_map(|l| {
            let rest = l.strip_prefix(key)?.strip_prefix(':')?;
            let kb: u64 = rest.trim().trim_end_matches("kB").trim().parse().ok()?;
            Some(kb * 1024)
        })
        .unwrap_or(0)
}
