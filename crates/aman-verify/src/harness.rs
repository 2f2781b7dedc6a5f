//! What every test needs: where the shipped scenarios and the real data are, loading a scenario
//! with the chosen model, and running it to the end while checking that no agent ever leaves
//! the walkable area or walks through a wall.

use std::path::{Path, PathBuf};

pub use aman_scenario::RunLog;
use aman_scenario::file::{ModelSection, ScenarioFile};
use aman_scenario::{Overrides, Scenario};
use aman_sim::Simulation;
use aman_trajectory::TrajectoryData;

use crate::VerifyError;

/// How to run a suite.
#[derive(Debug, Clone)]
pub struct Options {
    /// Pedestrian model for every scenario, at its default parameters: `collision_free_speed`
    /// (default) or `social_force`.
    pub model: String,
    /// Seed of every random draw (placement, desired speeds, side steps).
    pub seed: u64,
    /// The repository root: scenarios are read from `root/scenarios/`, real data from
    /// `root/../shared/data/`.
    pub root: PathBuf,
    /// Run only these tests (RiMEA test numbers, or experiment names); empty runs all.
    pub only: Vec<String>,
    /// Runs every scenario with this parameter set (model, radius, time gap) instead of the
    /// shipped defaults; its model replaces [`Options::model`].
    pub parameters: Option<aman_scenario::ParameterSet>,
}

impl Options {
    /// Default options (CFSM, seed 0, all tests) for the repository at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            model: "collision_free_speed".into(),
            seed: 0,
            root: root.into(),
            only: Vec::new(),
            parameters: None,
        }
    }

    /// `root/scenarios/<rel>`.
    pub fn scenario_path(&self, rel: &str) -> PathBuf {
        self.root.join("scenarios").join(rel)
    }

    /// `root/../shared/data`.
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("..").join("shared").join("data")
    }

    /// Whether test `id` is selected by [`Options::only`].
    pub fn selected(&self, id: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| o.eq_ignore_ascii_case(id))
    }

    /// The scenario overrides these options imply (model and seed).
    ///
    /// # Errors
    /// [`VerifyError::Options`] for an unknown model name.
    pub fn overrides(&self) -> Result<Overrides, VerifyError> {
        let model = ModelSection::with_defaults(&self.model).ok_or_else(|| {
            VerifyError::Options(format!(
                "unknown model '{}': use collision_free_speed, anticipation_velocity, generalized_centrifugal_force or social_force",
                self.model
            ))
        })?;
        Ok(Overrides {
            seed: Some(self.seed),
            model: Some(model),
            parameters: self.parameters.clone(),
        })
    }
}

/// Reads and parses `scenarios/<rel>` without building it, so that a test can change it first
/// (a density, an exit). Returns the file and its path.
///
/// # Errors
/// [`VerifyError::Io`] or [`VerifyError::Syntax`].
pub fn parse(opts: &Options, rel: &str) -> Result<(ScenarioFile, PathBuf), VerifyError> {
    let path = opts.scenario_path(rel);
    let text = std::fs::read_to_string(&path).map_err(|source| VerifyError::Io {
        path: path.clone(),
        source,
    })?;
    let file = aman_scenario::parse_str(&text, &path).map_err(|e| VerifyError::Syntax {
        path: path.clone(),
        message: match e {
            aman_scenario::ScenarioError::Syntax { message, .. } => message,
            other => other.to_string(),
        },
    })?;
    Ok((file, path))
}

/// Builds a parsed scenario with the options' model and seed.
///
/// A scenario written for the collision-free speed model may have a time step the social force
/// model cannot take (`SocialForceModel::max_dt`); with `social_force` the step is then lowered
/// to the largest that is stable and still divides the output frame interval, so that written
/// frames fall on steps.
///
/// # Errors
/// [`VerifyError::Scenario`] or [`VerifyError::Options`].
pub fn build(opts: &Options, mut file: ScenarioFile, path: &Path) -> Result<Scenario, VerifyError> {
    if opts.model == "social_force" {
        // the parameters the run will have: the given set's, or the shipped defaults
        let section = match &opts.parameters {
            Some(set) => set.model.clone(),
            None => {
                let sfm = ModelSection::with_kind("social_force").unwrap_or_default();
                aman_scenario::defaults::shipped(&sfm).model.clone()
            }
        };
        let d = aman_sim::SocialForceModel::default();
        let model = aman_sim::SocialForceModel {
            mass: section.get("mass").unwrap_or(d.mass),
            relaxation_time: section.get("relaxation_time").unwrap_or(d.relaxation_time),
            body_force: section.get("body_force").unwrap_or(d.body_force),
            ..d
        };
        let max = model.max_dt();
        if file.simulation.dt > max {
            let fps = file.output.fps;
            file.simulation.dt = 1.0 / (fps * (1.0 / (fps * max)).ceil());
        }
    }
    Ok(aman_scenario::build(file, path, &opts.overrides()?)?)
}

/// Loads `scenarios/<rel>` with the options' model and seed.
///
/// # Errors
/// As [`parse`] and [`build`].
pub fn load(opts: &Options, rel: &str) -> Result<Scenario, VerifyError> {
    let (file, path) = parse(opts, rel)?;
    build(opts, file, &path)
}

/// Runs `sc` until everybody has left or its end time, calling `observe` after every step and
/// checking after every step that every agent is inside the walkable area and that no move
/// crossed a wall ([`aman_scenario::run_checked`]).
pub fn run(sc: &mut Scenario, observe: impl FnMut(&Simulation)) -> RunLog {
    aman_scenario::run_checked(sc, 1, observe)
}

/// Runs `sc` as [`run`] does and records every agent's position at about `fps` frames per
/// second: every `round(1/(fps·dt))`-th step, so frames fall on steps (the frame rate of the
/// data is `1/(k·dt)`, which may differ slightly from `fps`). Returns the rows, sorted, and the
/// run log.
pub fn record(sc: &mut Scenario, fps: f64) -> (TrajectoryData, RunLog) {
    let dt = sc.simulation.config().dt;
    let steps_per_frame = (1.0 / (fps * dt)).round().max(1.0) as u64;
    let frame_rate = 1.0 / (steps_per_frame as f64 * dt);
    let mut data = TrajectoryData::new(frame_rate);
    let mut keep = |sim: &Simulation| {
        let it = sim.iteration();
        if it.is_multiple_of(steps_per_frame) {
            let a = sim.agents();
            let frame = it / steps_per_frame;
            for i in 0..a.len() {
                data.push(a.id[i].0, frame, a.position[i].x, a.position[i].y);
            }
        }
    };
    keep(&sc.simulation);
    let log = run(sc, &mut keep);
    data.sort_rows();
    (data, log)
}

/// The times (s, ascending) at which agents first crossed the measurement line named `name`, in
/// either direction, one per agent ([`Simulation::crossing_times`]); `None` if the scenario has
/// no such line.
pub fn crossing_times(sim: &Simulation, name: &str) -> Option<Vec<f64>> {
    let line = sim
        .measurement_lines()
        .iter()
        .position(|l| l.name == name)?;
    Some(sim.crossing_times(line))
}

/// The N–t curve of passage times ([`aman_analysis::flow::n_t`]) as `(t, N)` points for a step
/// plot, from `(0, 0)`.
pub fn n_t(times: &[f64]) -> Vec<(f64, f64)> {
    std::iter::once((0.0, 0.0))
        .chain(
            aman_analysis::flow::n_t(times)
                .into_iter()
                .map(|p| (p.time, p.count as f64)),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn n_t_steps_from_the_origin() {
        assert_eq!(n_t(&[2.5, 1.5]), vec![(0.0, 0.0), (1.5, 1.0), (2.5, 2.0)]);
    }
}
