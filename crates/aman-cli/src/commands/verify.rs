//! `aman verify rimea|experiments`: run a verification suite of `aman-verify`, print one line
//! per test, write `report.html` and `results.json`.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};

use aman_scenario::ParameterSet;
use aman_scenario::file::ModelSection;
use aman_verify::{Options, experiments, published, rimea};

use crate::Failure;
use crate::args::VerifyArgs;

pub use aman_report::verify::{Row, RunInfo, Totals};

/// Runs `aman verify`.
pub fn run(args: &VerifyArgs) -> Result<(), Failure> {
    let set = parameter_set(&args.model, args.parameters.as_deref())?;
    let model = set.model_name().to_string();
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = find_root(&cwd).ok_or_else(|| {
        Failure::Input(anyhow!(
            "no scenarios/ directory in {} or any directory above it: run aman verify inside \
             the aman repository",
            cwd.display()
        ))
    })?;
    let mut only: Vec<String> = Vec::new();
    for s in &args.only {
        let s = s.trim();
        if s.is_empty() {
            return Err(Failure::Input(anyhow!(
                "--only: an empty test name in '{}': give test names separated by commas, \
                 e.g. --only 1,4,9",
                args.only.join(",")
            )));
        }
        if !only.iter().any(|o| o == s) {
            only.push(s.to_string());
        }
    }
    check_only(&args.suite, &only).map_err(Failure::Input)?;
    let out = args.out.clone().unwrap_or_else(|| {
        let mut name = format!("verify-{}-{}", args.suite, model);
        if !only.is_empty() {
            // a partial run does not overwrite the full suite's report
            name.push_str("-only-");
            name.push_str(&only.join("-"));
        }
        PathBuf::from("out").join(name)
    });
    // the output directory must be writable before the suite runs, not after
    super::prepare_out(&out)?;
    std::fs::write(out.join("report.html"), "aman verify is running\n").map_err(|e| {
        Failure::Input(anyhow!(
            "--out {}: cannot write the report there: {e}",
            out.display()
        ))
    })?;
    let opts = Options {
        model: model.clone(),
        seed: args.seed,
        root: root.clone(),
        only,
        parameters: args.parameters.is_some().then(|| set.clone()),
    };
    let rows = run_suite(&args.suite, &opts);
    let info = RunInfo {
        aman_version: env!("CARGO_PKG_VERSION").to_string(),
        commit: git_commit(&root),
        suite: args.suite.clone(),
        model: model.clone(),
        model_parameters: model_parameters(&set),
        seed: args.seed,
        generated_utc: utc_now(),
        root: root.display().to_string(),
    };
    for line in result_lines(&rows) {
        outln!("{line}")?;
    }
    let totals = Totals::of(&rows);
    let html = out.join("report.html");
    std::fs::write(&html, aman_report::verify::render(&info, &totals, &rows))
        .with_context(|| format!("cannot write {}", html.display()))?;
    let json = out.join("results.json");
    let value = serde_json::json!({ "run": info, "totals": totals, "results": rows });
    std::fs::write(
        &json,
        serde_json::to_string_pretty(&value).map_err(anyhow::Error::from)? + "\n",
    )
    .with_context(|| format!("cannot write {}", json.display()))?;
    outln!(
        "{} test{}: {} PASS, {} FAIL, {} DOC, {} ERROR. Report: {}",
        totals.tests,
        if totals.tests == 1 { "" } else { "s" },
        totals.pass,
        totals.fail,
        totals.doc,
        totals.error,
        html.display()
    )?;
    if rows.iter().any(|r| !r.ok()) {
        return Err(Failure::Other(anyhow!(
            "verification failed: {} FAIL, {} ERROR of {} tests",
            totals.fail,
            totals.error,
            totals.tests
        )));
    }
    Ok(())
}

/// The nearest directory at or above `start` that has a `scenarios/` directory.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| d.join("scenarios").is_dir())
        .map(Path::to_path_buf)
}

/// Checks that every name in `only` is a test of `suite`.
fn check_only(suite: &str, only: &[String]) -> Result<(), anyhow::Error> {
    let known: Vec<String> = match suite {
        "rimea" => rimea::TESTS.iter().map(|t| t.number.to_string()).collect(),
        _ => experiments::EXPERIMENTS
            .iter()
            .map(|e| e.key)
            .chain(published::keys())
            .map(str::to_string)
            .collect(),
    };
    for name in only {
        let found = match suite {
            "rimea" => known.iter().any(|k| k == name),
            _ => experiments::find(name).is_some() || published::describe(name).is_some(),
        };
        if !found {
            let list = if known.is_empty() {
                "none in this build".to_string()
            } else {
                known.join(", ")
            };
            return Err(anyhow!(
                "--only: unknown {suite} test '{name}'; the tests are: {list}"
            ));
        }
    }
    Ok(())
}

/// Runs the suite and turns its results into rows.
fn run_suite(suite: &str, opts: &Options) -> Vec<Row> {
    if suite == "rimea" {
        rimea::run(opts)
            .into_iter()
            .map(|(n, r)| {
                let title = rimea::TESTS
                    .iter()
                    .find(|t| t.number == n)
                    .map_or("", |t| t.title);
                Row::new(format!("RiMEA {n}"), title.to_string(), r)
            })
            .collect()
    } else {
        experiments::run(opts)
            .into_iter()
            .map(|(key, r)| {
                let (id, title) = match experiments::find(&key) {
                    Some(e) => (e.id.to_string(), e.title.to_string()),
                    None => published::describe(&key).unwrap_or((key.clone(), String::new())),
                };
                Row::new(id, title, r)
            })
            .collect()
    }
}

/// One aligned line per row: `PASS  RiMEA 1  corridor travel time   measured: … criterion: …`,
/// or `ERROR` with the message.
pub fn result_lines(rows: &[Row]) -> Vec<String> {
    let w_id = rows.iter().map(|r| r.id.chars().count()).max().unwrap_or(0);
    let w_title = rows
        .iter()
        .map(|r| r.title.chars().count())
        .max()
        .unwrap_or(0);
    rows.iter()
        .map(|r| {
            let head = format!("{:<5} {:<w_id$}  {:<w_title$}", r.verdict, r.id, r.title);
            match &r.error {
                Some(e) => format!("{head}   {e}"),
                None => format!(
                    "{head}   measured: {}   criterion: {}",
                    r.measured, r.criterion
                ),
            }
        })
        .collect()
}

/// A parameter set's values as `(name, value with unit)`: every agent's radius and time gap,
/// then the model's parameters in the order of its documentation.
pub fn model_parameters(set: &ParameterSet) -> Vec<(String, String)> {
    let unit = |name: &str| match name {
        "radius" | "range_neighbor_repulsion" | "range_geometry_repulsion" | "range" => "m",
        "time_gap" | "relaxation_time" => "s",
        "mass" => "kg",
        "strength" => "N",
        "body_force" => "kg/s²",
        "friction" => "kg/(m·s)",
        _ => "",
    };
    let mut out = vec![
        ("radius".to_string(), format!("{} m", set.radius)),
        ("time_gap".to_string(), format!("{} s", set.time_gap)),
    ];
    for (name, v) in set.model.parameters() {
        if let Some(v) = v {
            out.push((
                name.to_string(),
                format!("{v} {}", unit(name)).trim().to_string(),
            ));
        }
    }
    out
}

/// A running model's parameters as `(name, value with unit)`, in the order of its
/// documentation (for a simulation's report).
pub fn sim_model_parameters(model: &aman_sim::Model) -> Vec<(String, String)> {
    let p = |name: &str, v: f64, unit: &str| {
        (name.to_string(), format!("{v} {unit}").trim().to_string())
    };
    match model {
        aman_sim::Model::CollisionFreeSpeed(m) => vec![
            p(
                "strength_neighbor_repulsion",
                m.strength_neighbor_repulsion,
                "",
            ),
            p("range_neighbor_repulsion", m.range_neighbor_repulsion, "m"),
            p(
                "strength_geometry_repulsion",
                m.strength_geometry_repulsion,
                "",
            ),
            p("range_geometry_repulsion", m.range_geometry_repulsion, "m"),
        ],
        aman_sim::Model::SocialForce(m) => vec![
            p("mass", m.mass, "kg"),
            p("relaxation_time", m.relaxation_time, "s"),
            p("strength", m.strength, "N"),
            p("range", m.range, "m"),
            p("body_force", m.body_force, "kg/s²"),
            p("friction", m.friction, "kg/(m·s)"),
        ],
        aman_sim::Model::AnticipationVelocity(m) => vec![
            p(
                "strength_neighbor_repulsion",
                m.strength_neighbor_repulsion,
                "",
            ),
            p("range_neighbor_repulsion", m.range_neighbor_repulsion, "m"),
            p("anticipation_time", m.anticipation_time, "s"),
            p("reaction_time", m.reaction_time, "s"),
            p("wall_buffer_distance", m.wall_buffer_distance, "m"),
            p("pushout_strength", m.pushout_strength, ""),
        ],
        aman_sim::Model::GeneralizedCentrifugalForce(m) => vec![
            p("mass", m.mass, "kg"),
            p("tau", m.tau, "s"),
            p(
                "strength_neighbor_repulsion",
                m.strength_neighbor_repulsion,
                "",
            ),
            p(
                "strength_geometry_repulsion",
                m.strength_geometry_repulsion,
                "",
            ),
            p(
                "max_neighbor_interaction_distance",
                m.max_neighbor_interaction_distance,
                "m",
            ),
            p(
                "max_geometry_interaction_distance",
                m.max_geometry_interaction_distance,
                "m",
            ),
            p(
                "max_neighbor_interpolation_distance",
                m.max_neighbor_interpolation_distance,
                "m",
            ),
            p(
                "max_geometry_interpolation_distance",
                m.max_geometry_interpolation_distance,
                "m",
            ),
            p(
                "max_neighbor_repulsion_force",
                m.max_neighbor_repulsion_force,
                "",
            ),
            p(
                "max_geometry_repulsion_force",
                m.max_geometry_repulsion_force,
                "",
            ),
            p("a_v", m.a_v, "s"),
            p("a_min", m.a_min, "m"),
            p("b_min", m.b_min, "m"),
            p("b_max", m.b_max, "m"),
        ],
    }
}

/// The parameter set of `--parameters FILE`, or the shipped defaults of `--model`.
///
/// # Errors
/// [`Failure::Input`] for an unknown model or a file that cannot be read or parsed, naming it.
pub fn parameter_set(model: &str, file: Option<&Path>) -> Result<ParameterSet, Failure> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::Input(anyhow!(
                "--parameters {}: cannot read it: {e}",
                path.display()
            ))
        })?;
        return ParameterSet::from_toml(&text)
            .map_err(|e| Failure::Input(anyhow!("--parameters {}: {e}", path.display())));
    }
    let section = ModelSection::with_kind(model).ok_or_else(|| {
        Failure::Input(anyhow!(
            "--model: unknown model '{model}': use collision_free_speed, anticipation_velocity, generalized_centrifugal_force or social_force"
        ))
    })?;
    Ok(aman_scenario::defaults::shipped(&section).clone())
}

/// `git rev-parse --short HEAD` in `root`, if git is there and it is a repository.
fn git_commit(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()?;
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !s.is_empty()).then_some(s)
}

/// The current date and time, UTC, as `YYYY-MM-DD HH:MM:SS UTC`.
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc_string(secs)
}

/// `secs` since 1970-01-01 00:00 UTC as `YYYY-MM-DD HH:MM:SS UTC` (the date by
/// [`aman_report::day::utc_date`]).
fn utc_string(secs: u64) -> String {
    let rem = secs % 86_400;
    let micros = i64::try_from(secs).unwrap_or(i64::MAX / 1_000_000) * 1_000_000;
    format!(
        "{} {:02}:{:02}:{:02} UTC",
        aman_report::day::utc_date(micros),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use aman_verify::{Figure, Outcome, Verdict, VerifyError};

    pub(crate) fn fake_rows() -> Vec<Row> {
        let ok = Outcome {
            id: "RiMEA 1".into(),
            title: "corridor travel time".into(),
            criterion: "26–34 s".into(),
            measured: "30.08 s".into(),
            verdict: Verdict::Pass,
            details: vec!["one <agent>".into()],
            figures: vec![Figure {
                title: "N–t".into(),
                x_label: "time (s)".into(),
                y_label: "persons".into(),
                series: vec![aman_verify::Series {
                    name: "simulated".into(),
                    points: vec![(0.0, 0.0), (1.0, 1.0)],
                    style: aman_verify::SeriesStyle::Step,
                }],
            }],
        };
        vec![
            Row::new(String::new(), String::new(), Ok(ok)),
            Row::new(
                "RiMEA 12".into(),
                "bottleneck".into(),
                Err(VerifyError::Data("missing file x".into())),
            ),
        ]
    }

    #[test]
    fn lines_are_aligned_and_errors_named() {
        let rows = fake_rows();
        let lines = result_lines(&rows);
        assert_eq!(
            lines[0],
            "PASS  RiMEA 1   corridor travel time   measured: 30.08 s   criterion: 26–34 s"
        );
        assert_eq!(
            lines[1],
            "ERROR RiMEA 12  bottleneck             missing file x"
        );
        let t = Totals::of(&rows);
        assert_eq!((t.tests, t.pass, t.error), (2, 1, 1));
        assert!(rows[0].ok() && !rows[1].ok());
    }

    #[test]
    fn dates_and_roots() {
        assert_eq!(utc_string(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_string(951_782_400 + 3661), "2000-02-29 01:01:01 UTC");
        assert_eq!(utc_string(1_767_225_599), "2025-12-31 23:59:59 UTC");
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let found = find_root(&root.join("crates/aman-cli/src")).unwrap();
        assert!(found.join("scenarios").is_dir());
        assert!(parameter_set("social_force", None).is_ok());
        assert!(parameter_set("x", None).is_err());
        assert!(check_only("rimea", &["99".into()]).is_err());
        assert!(check_only("experiments", &["hermes-ao300".into()]).is_ok());
    }
}
