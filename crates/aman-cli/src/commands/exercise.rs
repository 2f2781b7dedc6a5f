//! `aman exercise`: checks a master events list (MSEL) against its venue, and plays it on a
//! running `aman serve`.
//!
//! `run` simulates each crowd inject's scenario here (`aman_inject::msel_feeds`: what the
//! venue's sensors would report, every [`aman_inject::EXERCISE_PERIOD_S`] seconds, as the
//! server's MSEL library does), sends the MSEL with those feeds to `POST /api/v1/exercises`,
//! starts its clock (at `--speed`, from `--skip-to`),
//! then follows it, printing each inject as the server delivers it, until all are delivered.
//! The server plays it (docs/serve.md §2.13): this command may stop, the exercise goes on.

use std::time::Duration;

use aman_inject::{EXERCISE_PERIOD_S, feeds_json, msel_feeds};
use aman_monitor::{Venue, read_venue};
use aman_ops::exercise::{Msel, format_time};
use anyhow::anyhow;
use serde_json::{Value, json};

use crate::Failure;
use crate::args::ExerciseArgs;

/// How often `run` asks the server how far the exercise is.
const POLL: Duration = Duration::from_secs(2);

fn input(message: String) -> Failure {
    Failure::Input(anyhow!(message))
}

/// Runs `aman exercise`; returns the exit code.
///
/// # Errors
/// [`Failure::Input`] (exit code 2) for a bad MSEL, venue, scenario or option, and for the
/// server's refusal of what it was sent (400, 409, 413, 422); [`Failure::Other`] (1) when the
/// server fails otherwise or cannot be reached.
pub fn run(a: &ExerciseArgs) -> Result<u8, Failure> {
    let mut msel = Msel::load(&a.msel).map_err(|e| input(format!("{}: {e}", a.msel.display())))?;
    let venue = read_venue(&a.venue).map_err(|e| input(format!("{e}")))?;
    if let Some(name) = &a.name {
        if !is_csv(a) {
            return Err(input(format!(
                "--name: {} names its exercise in its [exercise] table; --name is for a CSV MSEL",
                a.msel.display()
            )));
        }
        msel.name = name.trim().to_string();
        if msel.name.is_empty() || msel.name.chars().count() > aman_ops::exercise::MAX_NAME_CHARS {
            return Err(input(format!(
                "--name {name:?}: 1 to {} characters",
                aman_ops::exercise::MAX_NAME_CHARS
            )));
        }
    }
    // A CSV MSEL names no venue: it is --venue's.
    if msel.venue.is_none() {
        msel.venue = Some(venue.id.clone());
    }
    if let Err(errors) = msel.check_venue(&venue) {
        let all: Vec<String> = errors
            .iter()
            .map(|e| format!("  {}: {e}", a.msel.display()))
            .collect();
        return Err(input(format!(
            "{} does not fit --venue {} ({} errors):\n{}",
            a.msel.display(),
            a.venue.display(),
            all.len(),
            all.join("\n")
        )));
    }
    if a.action == "run" && a.token.is_none() && std::env::var_os("AMAN_TOKEN").is_none() {
        return Err(input(
            "run needs an admin token: --token or the AMAN_TOKEN environment variable \
             (aman token create --admin)"
                .into(),
        ));
    }
    let feeds = feeds(&msel, &venue)?;
    match a.action.as_str() {
        "check" => {
            outln!(
                "{}: {} injects over {}, on venue {}",
                msel.name,
                msel.injects.len(),
                msel.injects
                    .last()
                    .map_or("00:00".into(), |i| format_time(i.at)),
                venue.id
            )?;
            for i in &msel.injects {
                outln!(
                    "  {} {:<8} {:<9} → {}",
                    format_time(i.at),
                    i.id,
                    i.kind.name(),
                    i.to
                )?;
            }
            Ok(0)
        }
        _ => play(a, &msel, feeds),
    }
}

fn is_csv(a: &ExerciseArgs) -> bool {
    a.msel
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// The feeds of `msel`'s crowd injects, by inject id, as the API takes them
/// ([`aman_inject::msel_feeds`], as the server's MSEL library makes them).
fn feeds(msel: &Msel, venue: &Venue) -> Result<Value, Failure> {
    let feeds = msel_feeds(msel, venue).map_err(|e| input(e.to_string()))?;
    for f in &feeds {
        errln!(
            "aman exercise: crowd inject {} simulated: {} persons, {} samples of {} s",
            f.inject,
            f.feed.persons,
            f.feed.samples.len(),
            EXERCISE_PERIOD_S
        );
    }
    Ok(feeds_json(&feeds))
}

/// An HTTP client of the server.
struct Server {
    agent: ureq::Agent,
    base: String,
    authorization: Option<String>,
}

impl Server {
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, Failure> {
        let url = format!("{}{path}", self.base);
        let response = match body {
            Some(b) => {
                let mut r = self
                    .agent
                    .post(&url)
                    .header("Content-Type", "application/json");
                if let Some(a) = &self.authorization {
                    r = r.header("Authorization", a);
                }
                r.send(b.to_string().as_bytes())
            }
            None => {
                let mut r = self.agent.get(&url);
                if let Some(a) = &self.authorization {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
        }
        .map_err(|e| Failure::Other(anyhow!("{method} {url}: no answer ({e})")))?;
        let status = response.status();
        let text = response
            .into_body()
            .with_config()
            .limit(16 << 20)
            .read_to_string()
            .unwrap_or_default();
        if !status.is_success() {
            let mut m = format!("{method} {url} answered {status}: {}", text.trim());
            if status.as_u16() == 401 && self.authorization.is_none() {
                m.push_str(" (no token was sent: give --token or set AMAN_TOKEN)");
            }
            // The server found what it was sent bad (the MSEL, a feed, an option) or in conflict
            // with what it holds (an id taken, a clock change after the end): bad input.
            return Err(match status.as_u16() {
                400 | 409 | 413 | 422 => Failure::Input(anyhow!(m)),
                _ => Failure::Other(anyhow!(m)),
            });
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

fn play(a: &ExerciseArgs, msel: &Msel, feeds: Value) -> Result<u8, Failure> {
    let Some(server) = &a.server else {
        return Err(input(
            "run needs --server http(s)://HOST:PORT (aman serve)".into(),
        ));
    };
    let base = server.trim_end_matches('/').to_string();
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(input(format!(
            "--server {server:?}: give http://HOST:PORT or https://HOST:PORT"
        )));
    }
    if !(0.1..=100.0).contains(&a.speed) {
        return Err(input(format!("--speed {}: from 0.1 to 100", a.speed)));
    }
    let mut tls = ureq::tls::TlsConfig::builder();
    if let Some(ca) = &a.ca_cert {
        tls = tls.root_certs(crate::commands::replay::sink::read_ca(ca)?);
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(tls.build())
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .user_agent(concat!("aman-exercise/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let token = a.token.clone().or_else(|| std::env::var("AMAN_TOKEN").ok());
    let srv = Server {
        agent,
        base,
        authorization: token.map(|t| format!("Bearer {t}")),
    };
    let text = std::fs::read_to_string(&a.msel)
        .map_err(|e| input(format!("{}: {e}", a.msel.display())))?;
    let format = if is_csv(a) { "csv" } else { "toml" };
    let mut body = json!({"msel": text, "format": format, "feeds": feeds, "start": true});
    if format == "csv" {
        // A CSV MSEL has no [exercise] table: its name is the file's stem or --name.
        body["name"] = json!(msel.name);
    }
    if let Some(id) = &a.id {
        body["id"] = json!(id);
    }
    let made = srv.call("POST", "/api/v1/exercises", Some(&body))?;
    let id = made["id"].as_str().unwrap_or_default().to_string();
    let clock = format!("/api/v1/exercises/{id}/clock");
    if let Some(t) = a.skip_to.as_deref() {
        let s = aman_ops::exercise::parse_time(t).map_err(|e| input(format!("--skip-to: {e}")))?;
        srv.call("POST", &clock, Some(&json!({"action": "skip", "to_s": s})))?;
    }
    if a.speed != 1.0 {
        srv.call(
            "POST",
            &clock,
            Some(&json!({"action": "speed", "speed": a.speed})),
        )?;
    }
    outln!(
        "exercise {id} started: {} ({} injects)",
        msel.name,
        msel.injects.len()
    )?;
    if a.detach {
        outln!("report: {}/api/v1/exercises/{id}/report", srv.base)?;
        return Ok(0);
    }
    let mut printed = 0;
    loop {
        let v = srv.call("GET", &format!("/api/v1/exercises/{id}"), None)?;
        let delivered: Vec<&Value> = v["events"]
            .as_array()
            .map(|e| e.iter().filter(|e| e["kind"] == "inject").collect())
            .unwrap_or_default();
        for e in delivered.iter().skip(printed) {
            let inject = e["inject"].as_str().unwrap_or("?");
            let kind = msel
                .position(inject)
                .map_or("?", |i| msel.injects[i].kind.name());
            outln!(
                "[{}] {inject} {kind}: {}",
                format_time(e["scenario_s"].as_f64().unwrap_or(0.0)),
                e["detail"]
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .take(120)
                    .collect::<String>()
            )?;
        }
        printed = delivered.len();
        let state = v["status"]["state"].as_str().unwrap_or("");
        let all = v["status"]["delivered"].as_u64().unwrap_or(0) as usize >= msel.injects.len();
        if (all && printed >= msel.injects.len()) || state == "ended" {
            outln!(
                "all {printed} injects delivered; the exercise runs on until the trainer ends it"
            )?;
            outln!("report: {}/api/v1/exercises/{id}/report", srv.base)?;
            return Ok(0);
        }
        std::thread::sleep(POLL);
    }
}
