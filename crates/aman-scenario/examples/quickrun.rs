//! Quick run without the CLI: prints exits, flow at each line, wall time.
fn main() {
    let path = std::env::args().nth(1).expect("scenario path");
    let t0 = std::time::Instant::now();
    let mut sc = aman_scenario::load(std::path::Path::new(&path)).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "setup {:.2}s, agents {}",
        t0.elapsed().as_secs_f64(),
        sc.simulation.agents().len()
    );
    if let Ok(v) = std::env::var("FIELDAT") {
        let xy: Vec<f64> = v.split(',').map(|t| t.parse().unwrap()).collect();
        for dy in -2..=2 {
            for dx in -2..=2 {
                let p = aman_geometry::Vec2::new(xy[0] + dx as f64 * 0.5, xy[1] + dy as f64 * 0.5);
                let s = aman_sim::StageId(xy[2] as u32);
                let d = sc.simulation.walking_distance(s, p);
                let dir = sc.simulation.walking_direction(s, p);
                println!(
                    "({:.1},{:.1}) d={:.2} dir=({:.2},{:.2})",
                    p.x, p.y, d, dir.x, dir.y
                );
            }
        }
        return;
    }
    if std::env::var("FIELD").is_ok() {
        for j in 0..8 {
            let y = 0.62 - j as f64 * 0.02;
            let row: Vec<String> = (0..6)
                .map(|i| {
                    let x = 0.34 + i as f64 * 0.02;
                    format!(
                        "{:.4}",
                        sc.simulation
                            .walking_distance(aman_sim::StageId(0), aman_geometry::Vec2::new(x, y))
                    )
                })
                .collect();
            println!("y={y:.2} {}", row.join(" "));
        }
    }
    let t1 = std::time::Instant::now();
    let sim = &mut sc.simulation;
    let end = (sc.end_time / sim.config().dt) as u64;
    while !sim.is_finished() && sim.iteration() < end {
        let before: Vec<(u64, aman_geometry::Vec2)> = sim
            .agents()
            .id
            .iter()
            .map(|i| i.0)
            .zip(sim.agents().position.iter().copied())
            .collect();
        sim.step();
        if let Ok(d) = std::env::var("DEBUG_ID") {
            let id: u64 = d.parse().unwrap();
            if sim.time() > 100.0 && sim.time() < 100.06 {
                if let Some(k) = sim.agents().id.iter().position(|x| x.0 == id) {
                    let a = sim.agents();
                    println!(
                        "t={:.2} pos={:?} v={:?} or={:?}",
                        sim.time(),
                        a.position[k],
                        a.velocity[k],
                        a.orientation[k]
                    );
                }
            }
        }
        if std::env::var("CHECK").is_ok() {
            for (k, p) in sim.agents().position.iter().enumerate() {
                if !sim.walkable_area().contains(*p) {
                    let id = sim.agents().id[k].0;
                    let prev = before.iter().find(|b| b.0 == id).map(|b| b.1);
                    println!(
                        "OUTSIDE t={:.2} id={} pos={:?} prev={:?}",
                        sim.time(),
                        id,
                        p,
                        prev
                    );
                }
            }
        }
        if sim.iteration() % 2000 == 0 {
            eprintln!("t={:.0} inside {}", sim.time(), sim.agents().len());
        }
    }
    println!(
        "t={:.2} left inside {} pending {} wall {:.2}s",
        sim.time(),
        sim.agents().len(),
        sim.pending(),
        t1.elapsed().as_secs_f64()
    );
    for k in 0..sim.agents().len() {
        let a = sim.agents();
        println!(
            "REMAIN id={} pos={:?} v={:?} blocked={:.1} target={:?}",
            a.id[k].0, a.position[k], a.velocity[k], a.blocked_for[k], a.target[k]
        );
    }
    for (k, l) in sim.measurement_lines().iter().enumerate() {
        let mut t: Vec<f64> = sim
            .crossings()
            .iter()
            .filter(|c| c.line == k)
            .map(|c| c.time)
            .collect();
        t.sort_by(f64::total_cmp);
        let n = t.len();
        let flow = if n > 1 {
            (n - 1) as f64 / (t[n - 1] - t[0])
        } else {
            0.0
        };
        println!(
            "line {} crossings {} first {:?} last {:?} flow {:.3} /s spec {:.3}",
            l.name,
            n,
            t.first(),
            t.last(),
            flow,
            flow / l.width()
        );
    }
    let mut per = std::collections::BTreeMap::new();
    for e in sim.exits() {
        *per.entry(e.stage.0).or_insert(0) += 1;
    }
    println!("exits {:?} {:?}", per, sim.counters());
}
