//! Run control for `aman simulate`: stopping cleanly on SIGINT or SIGTERM, and progress as plain
//! lines on standard error when it is not a terminal (a log file, a CI job, `nohup`).
//!
//! The first SIGINT (Ctrl-C) or SIGTERM sets a flag that the stepping loop reads before every
//! step: the run stops there, and its outputs (trajectories closed by the writer thread, summary
//! and report marked interrupted) are written as for a run that ended. A second signal ends the
//! process at once with [`EXIT_INTERRUPTED`].

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aman_sim::Simulation;
use indicatif::ProgressBar;

/// Exit code of a run stopped by SIGINT or SIGTERM (128 + SIGINT's number 2, as shells report
/// a Ctrl-C).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Wall time between two plain progress lines.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// Steps between two looks at the clock for the progress display.
const TICK_STEPS: u64 = 100;

/// Set by the first SIGINT or SIGTERM.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Signals received so far.
static SIGNALS: AtomicUsize = AtomicUsize::new(0);

/// Installs the SIGINT/SIGTERM handler (once per process; later calls do nothing). The first
/// signal asks every run to stop after its current step; the second exits at once.
pub(super) fn install_interrupt_handler() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let installed = ctrlc::set_handler(|| {
        if SIGNALS.fetch_add(1, Ordering::SeqCst) == 0 {
            INTERRUPTED.store(true, Ordering::SeqCst);
            errln!(
                "\ninterrupted: stopping after this step and writing what was simulated \
                 (interrupt again to abort at once, leaving incomplete files)"
            );
        } else {
            errln!("aborted");
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
    });
    if let Err(e) = installed {
        // Without the handler a signal ends the process as it always did: worth a word, not
        // worth failing the run.
        errln!("warning: cannot catch Ctrl-C ({e}); an interrupted run will leave partial files");
    }
}

/// Whether SIGINT or SIGTERM was received.
pub(super) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// What the stepping loop of one run consults: whether to stop, and where to report progress.
pub(super) struct RunControl<'a> {
    /// Set when another run failed: stop too (the command fails anyway).
    abort: &'a AtomicBool,
    /// `Some("seed 43")` when several runs share the terminal.
    label: Option<String>,
    /// Print plain progress lines.
    lines: bool,
    /// The progress bar of several runs: one run at a time shows its time there, until it
    /// ends (see [`RunControl::tick`]).
    bar: Option<ProgressBar>,
    /// This run's seed.
    seed: u64,
    /// Simulated time at which the run stops at the latest, s.
    end_time: f64,
    /// When the stepping began.
    started: Option<Instant>,
    /// When the last line was printed.
    last_line: Option<Instant>,
}

impl<'a> RunControl<'a> {
    /// A control that stops on a signal or on `abort`, printing plain progress lines if `lines`,
    /// each starting with `progress (LABEL):` when a label is given, else `progress:`.
    pub(super) fn new(
        abort: &'a AtomicBool,
        label: Option<String>,
        lines: bool,
        bar: Option<ProgressBar>,
        seed: u64,
        end_time: f64,
    ) -> Self {
        RunControl {
            abort,
            label,
            lines,
            bar,
            seed,
            end_time,
            started: None,
            last_line: None,
        }
    }

    /// Whether the run must stop now (a signal, or another run failed).
    pub(super) fn stop_requested(&self) -> bool {
        interrupted() || self.abort.load(Ordering::Relaxed)
    }

    /// Called before every step: prints a progress line at the first step and then every
    /// [`LINE_EVERY`] of wall time, and shows this run's time on the bar of several runs if no
    /// other run shows its own there.
    pub(super) fn tick(&mut self, sim: &Simulation) {
        if !sim.iteration().is_multiple_of(TICK_STEPS) || !(self.lines || self.bar.is_some()) {
            return;
        }
        let now = Instant::now();
        let started = *self.started.get_or_insert(now);
        if let Some(bar) = &self.bar {
            let message = bar.message();
            if message.is_empty() || message.starts_with(&self.bar_prefix()) {
                bar.set_message(format!(
                    "{}{:.1} s, {} inside",
                    self.bar_prefix(),
                    sim.time(),
                    sim.agents().len()
                ));
            }
        }
        if self.lines && self.last_line.is_none_or(|t| now - t >= LINE_EVERY) {
            self.last_line = Some(now);
            let line = progress_line(
                self.label.as_deref(),
                sim,
                self.end_time,
                (now - started).as_secs_f64(),
            );
            errln!("{line}");
        }
    }
}

impl RunControl<'_> {
    /// How this run's message on the bar of several runs starts.
    fn bar_prefix(&self) -> String {
        format!("seed {} at t = ", self.seed)
    }
}

impl Drop for RunControl<'_> {
    /// Frees the bar of several runs for another run.
    fn drop(&mut self) {
        if let Some(bar) = &self.bar
            && bar.message().starts_with(&self.bar_prefix())
        {
            bar.set_message("");
        }
    }
}

/// One progress line:
/// `progress: t = 120.0 s of 900.0 s, 15234 inside, 12 waiting to enter, 4754 out, 25.3x real
/// time` (`progress (seed 43): …` with a label). Counts are plain integers, so scripts can
/// split the line on `, `.
pub(super) fn progress_line(
    label: Option<&str>,
    sim: &Simulation,
    end_time: f64,
    wall: f64,
) -> String {
    let head = match label {
        Some(l) => format!("progress ({l}):"),
        None => "progress:".to_string(),
    };
    let speed = if wall > 0.0 {
        format!("{:.1}x real time", sim.time() / wall)
    } else {
        "starting".to_string()
    };
    format!(
        "{head} t = {:.1} s of {:.1} s, {} inside, {} waiting to enter, {} out, {speed}",
        sim.time(),
        end_time,
        sim.agents().len(),
        sim.pending(),
        sim.exits().len(),
    )
}
