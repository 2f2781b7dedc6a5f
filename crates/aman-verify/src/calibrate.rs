//! Calibration of a pedestrian model against the validation set of real experiments
//! ([`crate::experiments::EXPERIMENTS`] that are calibration targets, and
//! [`crate::published::CASES`]): an exhaustive search over a grid of parameter values,
//! with leave-one-out cross-validation.
//!
//! Every experiment is simulated once at every grid point (in parallel) and measured as
//! [`crate::experiments::compare`] does: the relative error of the mean flow `e_J` and of the
//! steady-phase density in front of the opening `e_ρ`. The loss of a grid point over a subset
//! `S` of the experiments is the mean, over `S`, of
//!
//! `(e_J / 0.10)² + (e_ρ / 0.20)²`
//!
//! — each error in units of the aim (flow within ±[`FLOW_AIM`], density within
//! ±[`DENSITY_AIM`]), so a loss below 1 on every experiment meets both. A run in which not every
//! person crossed the line, or an agent left the walkable area, scores [`f64::INFINITY`]. The
//! fit on `S` is the grid point of least loss; since every run is kept, the fit on any subset
//! costs nothing more, and the **cross-validation** fits on every experiment but one and
//! reports the errors on the one left out (leave-one-out: the error to expect on an experiment
//! the parameters have not seen).
//!
//! Exhaustive search rather than a local optimiser: the loss is noisy (one seed per run; agents'
//! start positions and speeds are random) and may have several minima; a grid shows its whole
//! landscape and is reproducible. Its resolution is the step between grid values, which the
//! report states.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use aman_scenario::ParameterSet;

use crate::experiments::{self, Comparison, Experiment};
use crate::published;
use crate::{Options, VerifyError};

/// The aim for the mean flow: within ±10 % of the measurement.
pub const FLOW_AIM: f64 = 0.10;
/// The aim for the steady-phase density in front of the opening: within ±20 %.
pub const DENSITY_AIM: f64 = 0.20;

/// One case of the validation set the fit runs on.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// A recorded experiment of `../shared/data` ([`crate::experiments`]): flow and density.
    Experiment(&'static Experiment),
    /// A published bottleneck table entry ([`crate::published`]): flow only (no density
    /// published).
    Published(&'static published::Case),
}

impl Target {
    /// Short name (`--only`).
    pub fn key(&self) -> &'static str {
        match self {
            Target::Experiment(e) => e.key,
            Target::Published(c) => c.key,
        }
    }

    /// Name in reports.
    pub fn id(&self) -> &'static str {
        match self {
            Target::Experiment(e) => e.id,
            Target::Published(c) => c.id,
        }
    }

    /// Every calibration target of the validation set, experiments first: every published case
    /// and every recorded experiment with [`Experiment::calibration`] set (the corner reference
    /// test, of undocumented provenance, is run by `aman verify experiments` but not fitted to).
    pub fn all() -> Vec<Target> {
        experiments::EXPERIMENTS
            .iter()
            .filter(|e| e.calibration)
            .map(Target::Experiment)
            .chain(published::CASES.iter().map(Target::Published))
            .collect()
    }
}

/// The measured figures of a target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// Mean flow, 1/s.
    pub flow: f64,
    /// Steady-phase density in front of the opening, 1/m², where measured.
    pub density: Option<f64>,
}

/// One parameter to vary: `radius`, `time_gap` (per agent) or a key of the model's `[model]`
/// table, over the given values.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The parameter's key.
    pub key: String,
    /// The values to try, in the parameter's unit (m, s, or the model's).
    pub values: Vec<f64>,
}

impl Axis {
    /// Parses `key=from:to:count` (`count` evenly spaced values from `from` to `to` inclusive)
    /// or `key=v1,v2,…`.
    ///
    /// # Errors
    /// A message naming the part that is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (key, spec) = text
            .split_once('=')
            .ok_or_else(|| format!("'{text}': expected key=from:to:count or key=v1,v2,…"))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("'{text}': no parameter name before '='"));
        }
        let num = |s: &str| -> Result<f64, String> {
            let v: f64 = s
                .trim()
                .parse()
                .map_err(|_| format!("'{text}': '{}' is not a number", s.trim()))?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(format!("'{text}': '{}' is not finite", s.trim()))
            }
        };
        let values = if spec.contains(':') {
            let parts: Vec<&str> = spec.split(':').collect();
            let [from, to, count] = parts[..] else {
                return Err(format!("'{text}': expected from:to:count"));
            };
            let (from, to) = (num(from)?, num(to)?);
            let count: usize = count
                .trim()
                .parse()
                .map_err(|_| format!("'{text}': count '{}' is not a whole number", count.trim()))?;
            if !(1..=50).contains(&count) {
                return Err(format!("'{text}': count must be 1 to 50, not {count}"));
            }
            if count == 1 {
                vec![from]
            } else {
                (0..count)
                    .map(|i| from + (to - from) * i as f64 / (count - 1) as f64)
                    .collect()
            }
        } else {
            spec.split(',').map(num).collect::<Result<Vec<_>, _>>()?
        };
        if values.is_empty() {
            return Err(format!("'{text}': no values"));
        }
        Ok(Axis {
            key: key.to_string(),
            values,
        })
    }
}

/// The errors of one simulated case at one grid point.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    /// (simulated − measured)/measured of the mean flow.
    pub flow_error: f64,
    /// (simulated − measured)/measured of the steady-phase density in front of the opening,
    /// where a density was measured.
    pub density_error: Option<f64>,
    /// Every person crossed the line, none remained, none left the walkable area.
    pub complete: bool,
    /// Simulated mean flow, 1/s.
    pub flow: f64,
    /// Simulated steady-phase density in front of the opening, 1/m².
    pub density: f64,
}

impl Trial {
    /// `(e_J/0.10)² + (e_ρ/0.20)²` (the density term only where a density was measured), or
    /// infinity for an incomplete run.
    pub fn loss(&self) -> f64 {
        if !self.complete {
            return f64::INFINITY;
        }
        (self.flow_error / FLOW_AIM).powi(2)
            + self
                .density_error
                .map_or(0.0, |d| (d / DENSITY_AIM).powi(2))
    }
}

/// Every experiment simulated at every grid point.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The parameter set the axes vary (every other parameter as here).
    pub base: ParameterSet,
    /// The axes; grid point `k` takes value `k / Π_{j>i} n_j mod n_i` of axis `i`.
    pub axes: Vec<Axis>,
    /// The cases, in [`Target::all`] order.
    pub experiments: Vec<Target>,
    /// The measured figures of each case.
    pub measured: Vec<Measured>,
    /// `trials[point][experiment]`: the run's errors, or why it could not be measured.
    pub trials: Vec<Vec<Result<Trial, String>>>,
}

/// The fit on a subset: the grid point of least loss and its loss.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Index of the grid point.
    pub point: usize,
    /// Mean loss over the subset.
    pub loss: f64,
}

/// One row of the leave-one-out table.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    /// Index of the experiment left out of the fit.
    pub experiment: usize,
    /// The fit on the others.
    pub fit: Fit,
    /// The left-out experiment's trial at that fit.
    pub trial: Result<Trial, String>,
}

/// Runs every experiment selected by `opts.only` at every point of the grid spanned by `axes`
/// around `base`, in parallel; `progress(done, total)` is called after every run.
///
/// # Errors
/// [`VerifyError::Options`] for an axis naming no parameter of the model, an empty selection,
/// or a grid of more than 2,000 points; [`VerifyError::Data`] when measured data are missing.
pub fn evaluate(
    opts: &Options,
    base: &ParameterSet,
    axes: &[Axis],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Calibration, VerifyError> {
    let experiments: Vec<Target> = Target::all()
        .into_iter()
        .filter(|t| opts.selected(t.key()) || opts.selected(t.id()))
        .collect();
    if experiments.is_empty() {
        return Err(VerifyError::Options(
            "no experiment selected: see aman verify experiments for their names".into(),
        ));
    }
    let points: usize = axes.iter().map(|a| a.values.len()).product();
    if points > 2000 {
        return Err(VerifyError::Options(format!(
            "the grid has {points} points; at most 2,000"
        )));
    }
    for (k, a) in axes.iter().enumerate() {
        if axes[..k].iter().any(|b| b.key == a.key) {
            return Err(VerifyError::Options(format!(
                "parameter '{}' is varied twice",
                a.key
            )));
        }
        point_set(base, &[(a.key.as_str(), a.values[0])]).map_err(VerifyError::Options)?;
    }
    let measured = experiments
        .iter()
        .map(|t| match t {
            Target::Experiment(e) => experiments::measured(opts, e).map(|m| Measured {
                flow: m.flow,
                density: Some(m.density_steady),
            }),
            Target::Published(c) => Ok(Measured {
                flow: c.flow,
                density: c.density_front,
            }),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let sets: Vec<ParameterSet> = (0..points)
        .map(|k| {
            let values = point_values(axes, k);
            let pairs: Vec<(&str, f64)> = axes.iter().map(|a| a.key.as_str()).zip(values).collect();
            point_set(base, &pairs).map_err(VerifyError::Options)
        })
        .collect::<Result<_, _>>()?;
    let jobs: Vec<(usize, usize)> = (0..points)
        .flat_map(|k| (0..experiments.len()).map(move |e| (k, e)))
        .collect();
    let done = AtomicUsize::new(0);
    let results: Vec<Result<Trial, String>> = jobs
        .par_iter()
        .map(|&(k, x)| {
            let _report = Finished(&done, jobs.len(), progress);
            let mut o = opts.clone();
            o.model = sets[k].model_name().to_string();
            o.parameters = Some(sets[k].clone());
            let m = measured[x];
            let (flow, density, complete) = match experiments[x] {
                Target::Experiment(e) => {
                    let (sim, run, _, _) =
                        experiments::simulated(&o, e).map_err(|err| err.to_string())?;
                    let complete = sim.crossings == e.persons
                        && run.remaining == 0
                        && run.outside == 0
                        && run.crossed_wall == 0;
                    (sim.flow, sim.density_steady, complete)
                }
                Target::Published(c) => {
                    let sim = published::simulate(&o, c).map_err(|err| err.to_string())?;
                    let complete =
                        sim.complete && sim.run.outside == 0 && sim.run.crossed_wall == 0;
                    (sim.flow, sim.density_front, complete)
                }
            };
            Ok(Trial {
                flow_error: experiments::relative_error(flow, m.flow),
                density_error: m.density.map(|d| experiments::relative_error(density, d)),
                complete,
                flow,
                density,
            })
        })
        .collect();
    let mut trials: Vec<Vec<Result<Trial, String>>> = vec![Vec::new(); points];
    for ((k, _), r) in jobs.into_iter().zip(results) {
        trials[k].push(r);
    }
    Ok(Calibration {
        base: base.clone(),
        axes: axes.to_vec(),
        experiments,
        measured,
        trials,
    })
}

/// Counts a finished run when dropped, whatever way the run ended.
struct Finished<'a>(&'a AtomicUsize, usize, &'a (dyn Fn(usize, usize) + Sync));

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        (self.2)(n, self.1);
    }
}

/// The values of grid point `k`, one per axis.
pub fn point_values(axes: &[Axis], k: usize) -> Vec<f64> {
    let mut rest = k;
    let mut out = vec![0.0; axes.len()];
    for (i, a) in axes.iter().enumerate().rev() {
        out[i] = a.values[rest % a.values.len()];
        rest /= a.values.len();
    }
    out
}

/// `base` with each `(key, value)` set: `radius`, `time_gap` or a model parameter.
///
/// # Errors
/// A message when a key is no parameter of the model, or a value is out of range.
pub fn point_set(base: &ParameterSet, pairs: &[(&str, f64)]) -> Result<ParameterSet, String> {
    let mut set = base.clone();
    for &(key, value) in pairs {
        match key {
            "radius" => set.radius = value,
            "time_gap" => set.time_gap = value,
            _ => set
                .model
                .set(key, value)
                .map_err(|e| format!("{e}, and every agent's radius and time_gap"))?,
        }
    }
    set.check()?;
    Ok(set)
}

impl Calibration {
    /// Number of grid points.
    pub fn points(&self) -> usize {
        self.trials.len()
    }

    /// The parameter set of grid point `k`.
    pub fn set(&self, k: usize) -> ParameterSet {
        let values = point_values(&self.axes, k);
        let pairs: Vec<(&str, f64)> = self
            .axes
            .iter()
            .map(|a| a.key.as_str())
            .zip(values)
            .collect();
        // every point was checked when the grid was run
        point_set(&self.base, &pairs).unwrap_or_else(|_| self.base.clone())
    }

    /// Mean loss of grid point `k` over the experiments `subset` (indices into
    /// [`Calibration::experiments`]); infinity if any run failed.
    pub fn loss(&self, k: usize, subset: &[usize]) -> f64 {
        if subset.is_empty() {
            return f64::INFINITY;
        }
        let sum: f64 = subset
            .iter()
            .map(|&x| {
                self.trials[k][x]
                    .as_ref()
                    .map_or(f64::INFINITY, Trial::loss)
            })
            .sum();
        sum / subset.len() as f64
    }

    /// The grid point of least mean loss over `subset` (the first on ties); `None` if every
    /// point has a failed run.
    pub fn fit(&self, subset: &[usize]) -> Option<Fit> {
        (0..self.points())
            .map(|k| Fit {
                point: k,
                loss: self.loss(k, subset),
            })
            .filter(|f| f.loss.is_finite())
            .min_by(|a, b| a.loss.total_cmp(&b.loss))
    }

    /// The fit on every experiment.
    pub fn fit_all(&self) -> Option<Fit> {
        let all: Vec<usize> = (0..self.experiments.len()).collect();
        self.fit(&all)
    }

    /// Leave-one-out cross-validation: for each experiment, the fit on the others and the
    /// left-out experiment's errors there. Empty with fewer than two experiments.
    pub fn leave_one_out(&self) -> Vec<LeftOut> {
        let n = self.experiments.len();
        if n < 2 {
            return Vec::new();
        }
        (0..n)
            .filter_map(|x| {
                let others: Vec<usize> = (0..n).filter(|&y| y != x).collect();
                let fit = self.fit(&others)?;
                Some(LeftOut {
                    experiment: x,
                    trial: self.trials[fit.point][x].clone(),
                    fit,
                })
            })
            .collect()
    }
}

/// Compares one experiment with a parameter set (for reports after the fit): as
/// [`crate::experiments::compare`] with `opts.parameters = set`.
///
/// # Errors
/// As [`crate::experiments::compare`].
pub fn compare_with(
    opts: &Options,
    set: &ParameterSet,
    e: &Experiment,
) -> Result<Comparison, VerifyError> {
    let mut o = opts.clone();
    o.model = set.model_name().to_string();
    o.parameters = Some(set.clone());
    experiments::compare(&o, e).map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aman_scenario::file::ModelSection;

    #[test]
    fn axes_parse_ranges_and_lists() {
        let a = Axis::parse("time_gap=0.3:0.9:4").unwrap();
        assert_eq!(a.key, "time_gap");
        let want = [0.3, 0.5, 0.7, 0.9];
        assert!(
            a.values
                .iter()
                .zip(want)
                .all(|(v, w)| (v - w).abs() < 1e-12)
        );
        assert_eq!(
            Axis::parse("radius=0.15,0.2").unwrap().values,
            vec![0.15, 0.2]
        );
        for bad in [
            "time_gap", "=1", "r=a:1:2", "r=0:1:0", "r=0:1:x", "r=1:2", "r=NaN",
        ] {
            assert!(Axis::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn grid_points_enumerate_every_combination() {
        let axes = [
            Axis::parse("a=1,2").unwrap(),
            Axis::parse("b=10,20,30").unwrap(),
        ];
        let all: Vec<Vec<f64>> = (0..6).map(|k| point_values(&axes, k)).collect();
        assert_eq!(all[0], vec![1.0, 10.0]);
        assert_eq!(all[2], vec![1.0, 30.0]);
        assert_eq!(all[3], vec![2.0, 10.0]);
        assert_eq!(all[5], vec![2.0, 30.0]);
    }

    #[test]
    fn a_parameter_varied_twice_is_refused_before_any_run() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let base = aman_scenario::defaults::shipped(&ModelSection::default()).clone();
        let axes = [
            Axis::parse("time_gap=0.3,0.4").unwrap(),
            Axis::parse("radius=0.18").unwrap(),
            Axis::parse("time_gap=0.5").unwrap(),
        ];
        let ran = std::sync::atomic::AtomicUsize::new(0);
        let e = evaluate(&Options::new(root), &base, &axes, &|_, _| {
            ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        })
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("parameter 'time_gap' is varied twice"),
            "{e}"
        );
        assert_eq!(ran.into_inner(), 0);
    }

    #[test]
    fn point_sets_name_a_wrong_key() {
        let cfsm = ModelSection::default();
        let base = aman_scenario::defaults::shipped(&cfsm).clone();
        let s = point_set(
            &base,
            &[("time_gap", 0.4), ("range_neighbor_repulsion", 0.2)],
        )
        .unwrap();
        assert_eq!(s.time_gap, 0.4);
        assert_eq!(s.model.get("range_neighbor_repulsion"), Some(0.2));
        let e = point_set(&base, &[("relaxation_time", 0.4)]).unwrap_err();
        assert!(
            e.contains("relaxation_time") && e.contains("time_gap"),
            "{e}"
        );
        assert!(point_set(&base, &[("radius", -1.0)]).is_err());
    }

    fn trial(fe: f64, de: f64) -> Result<Trial, String> {
        Ok(Trial {
            flow_error: fe,
            density_error: Some(de),
            complete: true,
            flow: 0.0,
            density: 0.0,
        })
    }

    #[test]
    fn fit_and_leave_one_out_pick_the_least_loss() {
        let base = aman_scenario::defaults::shipped(&ModelSection::default()).clone();
        // two points, three experiments: point 0 is right on experiments 0 and 1 and far off
        // on 2, point 1 is a little off everywhere
        let c = Calibration {
            base,
            axes: vec![Axis::parse("time_gap=0.5,0.8").unwrap()],
            experiments: Target::all().into_iter().take(3).collect(),
            measured: Vec::new(),
            trials: vec![
                vec![trial(0.0, 0.0), trial(0.0, 0.0), trial(0.5, 0.0)],
                vec![trial(0.05, 0.1), trial(0.05, 0.1), trial(0.05, 0.1)],
            ],
        };
        // point 0: (0 + 0 + 25)/3; point 1: (0.25 + 0.25)·3/3 = 0.5
        let fit = c.fit_all().unwrap();
        assert_eq!(fit.point, 1);
        assert!((fit.loss - 0.5).abs() < 1e-12);
        assert_eq!(c.set(1).time_gap, 0.8);
        let loo = c.leave_one_out();
        assert_eq!(loo.len(), 3);
        // leaving out 2, point 0 is perfect on the rest, and misses 2 by 50 %
        assert_eq!(loo[2].fit.point, 0);
        assert_eq!(loo[2].trial.as_ref().unwrap().flow_error, 0.5);
        // leaving out 0: point 0 scores 12.5, point 1 scores 0.5
        assert_eq!(loo[0].fit.point, 1);
    }
}
