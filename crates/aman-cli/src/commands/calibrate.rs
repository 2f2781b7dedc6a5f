//! `aman calibrate`: fit a pedestrian model's parameters to the validation set of real
//! experiments (`aman_verify::calibrate`: exhaustive grid search, leave-one-out
//! cross-validation), print the fit and the cross-validation tables, and write the fitted
//! parameter set (the file `aman verify --parameters` reads and `crates/aman-scenario/calibrated/`
//! ships) and `calibration.md`.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, anyhow};

use aman_verify::Options;
use aman_verify::calibrate::{self, Axis, Calibration, Target, Trial};

use crate::Failure;
use crate::args::CalibrateArgs;

/// The axes searched when `--vary` is not given, per model.
pub fn default_axes(model: &str) -> Vec<&'static str> {
    match model {
        "social_force" => vec!["relaxation_time=0.3:0.7:5", "strength=1000:3000:5"],
        "anticipation_velocity" => vec![
            "time_gap=0.3:0.9:4",
            "radius=0.15:0.21:3",
            "anticipation_time=0.5,1",
        ],
        "generalized_centrifugal_force" => {
            vec!["strength_neighbor_repulsion=0.1:0.5:3", "b_max=0.25:0.4:3"]
        }
        _ => vec!["time_gap=0.3:0.9:7", "radius=0.15:0.21:4"],
    }
}

/// Runs `aman calibrate`.
pub fn run(args: &CalibrateArgs) -> Result<(), Failure> {
    let base = super::verify::parameter_set(&args.model, args.parameters.as_deref())?;
    let model = base.model_name().to_string();
    let specs: Vec<String> = if args.vary.is_empty() {
        default_axes(&model).into_iter().map(String::from).collect()
    } else {
        args.vary.clone()
    };
    let axes = specs
        .iter()
        .map(|s| Axis::parse(s).map_err(|e| Failure::Input(anyhow!("--vary {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = super::verify::find_root(&cwd).ok_or_else(|| {
        Failure::Input(anyhow!(
            "no scenarios/ directory in {} or any directory above it: run aman calibrate \
             inside the aman repository",
            cwd.display()
        ))
    })?;
    let mut only = Vec::new();
    for s in &args.only {
        let s = s.trim();
        if !Target::all()
            .iter()
            .any(|t| t.key().eq_ignore_ascii_case(s) || t.id().eq_ignore_ascii_case(s))
        {
            let known: Vec<&str> = Target::all().iter().map(Target::key).collect();
            return Err(Failure::Input(anyhow!(
                "--only: no experiment '{s}': the validation set has {}",
                known.join(", ")
            )));
        }
        only.push(s.to_string());
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(format!("calibrate-{model}")));
    super::prepare_out(&out)?;
    let opts = Options {
        model: model.clone(),
        seed: args.seed,
        root,
        only,
        parameters: Some(base.clone()),
    };
    let points: usize = axes.iter().map(|a| a.values.len()).product();
    outln!(
        "calibrating {model}: {points} grid points ({}), seed {}",
        axes.iter()
            .map(|a| format!("{} × {}", a.key, a.values.len()))
            .collect::<Vec<_>>()
            .join(", "),
        args.seed
    )?;
    let step = (points * opts_count(&opts)).div_ceil(20).max(1);
    let progress = |done: usize, total: usize| {
        if done.is_multiple_of(step) || done == total {
            eprintln!("progress: {done} of {total} runs");
        }
    };
    let cal = calibrate::evaluate(&opts, &base, &axes, &progress).map_err(|e| match e {
        aman_verify::VerifyError::Options(m) => Failure::Input(anyhow!("{m}")),
        other => Failure::Other(anyhow!("{other}")),
    })?;
    let text = report(&cal, &model, args.seed);
    outln!("{text}")?;
    let md = out.join("calibration.md");
    let Some(fit) = cal.fit_all() else {
        // the grid's figures still tell where the model fails: write them, but no fitted set
        std::fs::write(&md, &text).with_context(|| format!("cannot write {}", md.display()))?;
        return Err(Failure::Other(anyhow!(
            "no grid point ran every experiment to the end: widen or move the grid (every \
             grid point's figures: {})",
            md.display()
        )));
    };
    let set = cal.set(fit.point);
    let comment = vec![
        format!(
            "Fitted by `aman calibrate` (aman {}) on {}.",
            env!("CARGO_PKG_VERSION"),
            cal.experiments
                .iter()
                .map(|e| e.key())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "Grid: {}; seed {}; loss {:.3} (mean of (e_J/0.10)² + (e_ρ/0.20)²).",
            specs.join(" "),
            args.seed,
            fit.loss
        ),
        "The figures of the fit and its cross-validation: docs/calibration.md.".into(),
    ];
    let fitted = out.join("fitted.toml");
    std::fs::write(&fitted, set.to_toml(&comment))
        .with_context(|| format!("cannot write {}", fitted.display()))?;
    std::fs::write(&md, &text).with_context(|| format!("cannot write {}", md.display()))?;
    outln!(
        "fitted parameter set: {} (aman verify experiments --parameters {}); tables: {}",
        fitted.display(),
        fitted.display(),
        md.display()
    )?;
    Ok(())
}

/// Number of cases the options select.
fn opts_count(opts: &Options) -> usize {
    Target::all()
        .iter()
        .filter(|t| opts.selected(t.key()) || opts.selected(t.id()))
        .count()
}

fn pct(x: Option<f64>) -> String {
    x.map_or("—".into(), |v| format!("{:+.1} %", 100.0 * v))
}

fn cell(t: &Result<Trial, String>) -> String {
    match t {
        Ok(t) if t.complete => format!("{:+.1} % | {}", 100.0 * t.flow_error, pct(t.density_error)),
        Ok(t) => format!(
            "{:+.1} % | {} (incomplete run)",
            100.0 * t.flow_error,
            pct(t.density_error)
        ),
        Err(e) => format!("error: {e} |"),
    }
}

fn values(cal: &Calibration, k: usize) -> String {
    cal.axes
        .iter()
        .zip(calibrate::point_values(&cal.axes, k))
        .map(|(a, v)| format!("{} = {v:.3}", a.key))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fit and cross-validation tables as Markdown.
pub fn report(cal: &Calibration, model: &str, seed: u64) -> String {
    let mut s = String::new();
    let all = cal.fit_all();
    let _ = writeln!(s, "## Fit of the {model} model (seed {seed})\n");
    if let Some(fit) = &all {
        let _ = writeln!(
            s,
            "Best of {} grid points: {} (loss {:.3}).\n",
            cal.points(),
            values(cal, fit.point),
            fit.loss
        );
        let _ = writeln!(
            s,
            "| experiment | flow measured (1/s) | flow simulated | error | density measured (1/m²) | density simulated | error |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|---|");
        for (x, e) in cal.experiments.iter().enumerate() {
            let m = &cal.measured[x];
            let md = m.density.map_or("—".into(), |d| format!("{d:.2}"));
            match &cal.trials[fit.point][x] {
                Ok(t) => {
                    let _ = writeln!(
                        s,
                        "| {} | {:.2} | {:.2} | {:+.1} % | {md} | {:.2} | {} |",
                        e.id(),
                        m.flow,
                        t.flow,
                        100.0 * t.flow_error,
                        t.density,
                        pct(t.density_error)
                    );
                }
                Err(err) => {
                    let _ = writeln!(s, "| {} | {:.2} | error: {err} | | | | |", e.id(), m.flow);
                }
            }
        }
    }
    let loo = cal.leave_one_out();
    if !loo.is_empty() {
        let _ = writeln!(
            s,
            "\n## Leave-one-out cross-validation\n\nEach experiment's errors at the fit on all the others.\n"
        );
        let _ = writeln!(
            s,
            "| left out | fit on the others | flow error | density error |"
        );
        let _ = writeln!(s, "|---|---|---|---|");
        for l in &loo {
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                cal.experiments[l.experiment].id(),
                values(cal, l.fit.point),
                cell(&l.trial)
            );
        }
    }
    let _ = writeln!(s, "\n## Every grid point\n");
    let mut head = String::from("| ");
    for a in &cal.axes {
        head.push_str(&a.key);
        head.push_str(" | ");
    }
    for e in &cal.experiments {
        head.push_str(&format!("{} flow | {} density | ", e.id(), e.id()));
    }
    head.push_str("loss |");
    let _ = writeln!(s, "{head}");
    let cols = cal.axes.len() + 2 * cal.experiments.len() + 1;
    let _ = writeln!(s, "|{}", "---|".repeat(cols));
    let every: Vec<usize> = (0..cal.experiments.len()).collect();
    for k in 0..cal.points() {
        let mut row = String::from("| ");
        for v in calibrate::point_values(&cal.axes, k) {
            row.push_str(&format!("{v:.3} | "));
        }
        for t in &cal.trials[k] {
            row.push_str(&cell(t));
            row.push_str(" | ");
        }
        row.push_str(&format!("{:.3} |", cal.loss(k, &every)));
        let _ = writeln!(s, "{row}");
    }
    s
}
