//! `aman`: the command-line tool. `main` parses the arguments, runs the command, and maps
//! errors to exit codes once: 0 success, 2 bad input (scenario, geometry, arguments), 1 any
//! other failure (for `aman replay`: the server refused a batch or cannot be reached).
//! `aman simulate` adds two endings that are not failures of aman: 3, a run ended with persons
//! still inside (end time reached, or every exit closed), and 130, the run was interrupted by
//! SIGINT or SIGTERM (its outputs hold what was simulated); `aman replay` uses 130 as well.

/// `println!` that returns the write error (closed pipe, full disk) instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// `eprintln!` that ignores a failed write to standard error.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod args;
mod commands;
use aman_report::precision;

use std::process::ExitCode;

use clap::Parser;

/// An error with the exit code it maps to.
#[derive(Debug)]
pub enum Failure {
    /// Bad input: exit code 2.
    Input(anyhow::Error),
    /// Anything else: exit code 1.
    Other(anyhow::Error),
}

impl From<aman_scenario::ScenarioError> for Failure {
    fn from(e: aman_scenario::ScenarioError) -> Self {
        Failure::Input(e.into())
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Other(e.into())
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print(); // clap's own printing ignores a closed pipe
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    let result = match cli.command {
        args::Command::Simulate(a) => commands::simulate::run(&a).map(|o| o.exit_code()),
        args::Command::Check(a) => commands::check::run(&a).map(|()| 0),
        args::Command::Analyze(a) => commands::analyze::run(&a).map(|()| 0),
        args::Command::Bench(a) => commands::bench::run(&a).map(|()| 0),
        args::Command::Verify(a) => commands::verify::run(&a).map(|()| 0),
        args::Command::Calibrate(a) => commands::calibrate::run(&a).map(|()| 0),
        args::Command::Replay(a) => commands::replay::run(&a),
        args::Command::Exercise(a) => commands::exercise::run(&a),
        args::Command::Serve(a) => commands::serve::run(&a).map(|()| 0),
        args::Command::Token(a) => commands::serve::token(&a).map(|()| 0),
        args::Command::User(a) => commands::users::user(&a).map(|()| 0),
        args::Command::Agency(a) => commands::users::agency(&a).map(|()| 0),
        args::Command::Audit(a) => commands::audit::audit(&a),
        args::Command::Forecast(a) => commands::forecast::run(&a).map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Input(e)) => {
            errln!("error: {}", chain(&e));
            ExitCode::from(2)
        }
        Err(Failure::Other(e)) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            errln!("error: {}", chain(&e));
            ExitCode::from(1)
        }
    }
}

/// The error and its causes joined by ": ", leaving out a cause whose text the message already
/// holds (our error types print their source inside their own message).
fn chain(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if msg.contains(&text) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&text);
    }
    msg
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
