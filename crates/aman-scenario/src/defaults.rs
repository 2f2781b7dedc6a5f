//! The shipped default parameters of each pedestrian model: the per-agent radius and time gap
//! and the model's own parameters, as fitted to the validation set of real experiments by
//! `aman calibrate` (docs/calibration.md). They live in `calibrated/<model>.toml` beside this
//! crate, which `aman calibrate --write` rewrites, and are compiled in.
//!
//! A scenario that leaves out a population's `radius` or `time_gap`, or a parameter of its
//! `[model]`, gets the value of the model's set. [`ParameterSet`] is also what
//! [`crate::Overrides::parameters`] carries to run a scenario with other parameters (the
//! calibration does that for every trial).

use std::sync::LazyLock;

use serde::Deserialize;

use crate::file::ModelSection;

/// One model's parameter set: the file `calibrated/<model>.toml`, or what `aman calibrate`
/// writes.
///
/// ```toml
/// radius = 0.18    # m, every agent's
/// time_gap = 0.5   # s, every agent's (the velocity models'; the social force model ignores it)
/// [model]
/// kind = "collision_free_speed"
/// strength_neighbor_repulsion = 8.0
/// # …
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterSet {
    /// Radius of every agent, m.
    pub radius: f64,
    /// Time gap T of every agent, s (the collision-free speed and anticipation velocity
    /// models'; the social force model ignores it).
    pub time_gap: f64,
    /// The model and its parameters (every parameter given in the shipped files).
    pub model: ModelSection,
}

impl ParameterSet {
    /// Parses a parameter set from TOML.
    ///
    /// # Errors
    /// The TOML error (unknown keys are errors) as a message.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let set: ParameterSet = toml::from_str(text).map_err(|e| e.to_string())?;
        set.check()?;
        Ok(set)
    }

    /// Checks the ranges the scenario file also enforces: radius in (0, 2] m, time gap in
    /// [0.1, 10] s.
    ///
    /// # Errors
    /// A message naming the key.
    pub fn check(&self) -> Result<(), String> {
        if !(self.radius > 0.0 && self.radius <= 2.0) {
            return Err(format!("radius = {}: must be in (0, 2] m", self.radius));
        }
        if !(0.1..=10.0).contains(&self.time_gap) {
            return Err(format!(
                "time_gap = {}: must be in [0.1, 10] s",
                self.time_gap
            ));
        }
        Ok(())
    }

    /// The model's name as in a scenario's `[model] kind`.
    pub fn model_name(&self) -> &'static str {
        self.model.name()
    }

    /// The set written back as TOML, `comment` lines first (each prefixed with `# `).
    pub fn to_toml(&self, comment: &[String]) -> String {
        let mut out = String::new();
        for c in comment {
            out.push_str("# ");
            out.push_str(c);
            out.push('\n');
        }
        out.push_str(&format!(
            "radius = {:?}\ntime_gap = {:?}\n\n[model]\n",
            self.radius, self.time_gap
        ));
        out.push_str(&format!("kind = \"{}\"\n", self.model_name()));
        for (name, value) in self.model.parameters() {
            if let Some(v) = value {
                out.push_str(&format!("{name} = {v:?}\n"));
            }
        }
        out
    }
}

static CFSM: LazyLock<ParameterSet> = LazyLock::new(|| {
    ParameterSet::from_toml(include_str!("../calibrated/collision_free_speed.toml"))
        .unwrap_or_else(|e| panic!("calibrated/collision_free_speed.toml: {e}"))
});
static AVM: LazyLock<ParameterSet> = LazyLock::new(|| {
    ParameterSet::from_toml(include_str!("../calibrated/anticipation_velocity.toml"))
        .unwrap_or_else(|e| panic!("calibrated/anticipation_velocity.toml: {e}"))
});
static GCFM: LazyLock<ParameterSet> = LazyLock::new(|| {
    ParameterSet::from_toml(include_str!(
        "../calibrated/generalized_centrifugal_force.toml"
    ))
    .unwrap_or_else(|e| panic!("calibrated/generalized_centrifugal_force.toml: {e}"))
});
static SFM: LazyLock<ParameterSet> = LazyLock::new(|| {
    ParameterSet::from_toml(include_str!("../calibrated/social_force.toml"))
        .unwrap_or_else(|e| panic!("calibrated/social_force.toml: {e}"))
});

/// The shipped parameter set of `model`'s kind.
pub fn shipped(model: &ModelSection) -> &'static ParameterSet {
    match model {
        ModelSection::CollisionFreeSpeed { .. } => &CFSM,
        ModelSection::SocialForce { .. } => &SFM,
        ModelSection::AnticipationVelocity { .. } => &AVM,
        ModelSection::GeneralizedCentrifugalForce { .. } => &GCFM,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_sets_parse_and_give_every_parameter() {
        for name in [
            "collision_free_speed",
            "social_force",
            "anticipation_velocity",
            "generalized_centrifugal_force",
        ] {
            let m = ModelSection::with_kind(name).unwrap();
            let set = shipped(&m);
            assert_eq!(set.model_name(), name);
            assert!(
                set.model.parameters().iter().all(|(_, v)| v.is_some()),
                "{name}"
            );
        }
    }

    #[test]
    fn round_trip_through_toml() {
        let set = shipped(&ModelSection::default());
        let text = set.to_toml(&["fitted".into()]);
        let back = ParameterSet::from_toml(&text).unwrap();
        assert_eq!(back.radius, set.radius);
        assert_eq!(back.time_gap, set.time_gap);
        assert_eq!(back.model.parameters(), set.model.parameters());
    }

    #[test]
    fn bad_sets_are_refused_with_the_key() {
        let e =
            ParameterSet::from_toml("radius = 0\ntime_gap = 1\n[model]\nkind = \"social_force\"")
                .unwrap_err();
        assert!(e.contains("radius"), "{e}");
        let e = ParameterSet::from_toml(
            "radius = 0.2\ntime_gap = 1\nbogus = 2\n[model]\nkind = \"social_force\"",
        )
        .unwrap_err();
        assert!(e.contains("bogus"), "{e}");
    }
}
