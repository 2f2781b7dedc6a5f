//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// aman — crowd safety from planning to live operations.
#[derive(Debug, Parser)]
#[command(name = "aman", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and report on its safety (trajectories, summary.json, report.html).
    Simulate(SimulateArgs),
    /// Check a scenario without running it: parse, validate, place agents, set up routing.
    Check(CheckArgs),
}

/// `aman simulate`
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Directory for the outputs. Default: `out/<scenario name>`.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Seed for all random draws; overrides `simulation.seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (results are identical for any value). Default: all cores.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, conflicts_with = "json")]
    pub quiet: bool,
    /// Print the summary as JSON on standard output (no progress bar).
    #[arg(long)]
    pub json: bool,
}

/// `aman check`
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}
