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
    /// Analyse trajectories (recorded or simulated): density, speed, flow, level of service,
    /// crowd pressure; CSV, JSON, plots and report.html.
    Analyze(Box<AnalyzeArgs>),
    /// Measure simulator throughput on a reference scenario (agent-steps per second, evacuation
    /// times, memory per agent), to compare with JuPedSim (`scripts/bench-sim`).
    Bench(BenchArgs),
    /// Verify the simulator: the RiMEA 3.0 test suite or the comparison with real bottleneck
    /// experiments; prints PASS/FAIL per test and writes report.html and results.json.
    Verify(VerifyArgs),
    /// Fit a model's parameters to the real experiments of `aman verify experiments` (grid
    /// search, leave-one-out cross-validation); writes the fitted parameter set.
    Calibrate(CalibrateArgs),
    /// Play a recorded trajectory file (as a track sensor) or a count CSV (as a counting
    /// sensor) into a running `aman serve`, over HTTP or MQTT, in real time or faster.
    Replay(Box<ReplayArgs>),
    /// Live monitoring of a venue: take sensor readings over HTTP and MQTT, keep the state of
    /// every zone and line, raise early warnings as OASIS CAP 1.2 alerts.
    Serve(ServeArgs),
    /// Create, list or revoke the tokens of `aman serve` (admin and sensor tokens).
    Token(TokenArgs),
    /// Manage the user accounts of `aman serve`: add, passwd, disable, list.
    User(UserArgs),
    /// Manage the agencies users belong to: add, list.
    Agency(AgencyArgs),
    /// Check the audit log of `aman serve`: its hash chain from the first entry to the last.
    Audit(AuditArgs),
    /// Check a master events list (MSEL) of an exercise, or play it on a running aman serve
    /// (its crowd injects simulated here and replayed through the server's ingestion).
    Exercise(ExerciseArgs),
    /// Forecast a venue's zones over the next minutes from a live state (the network model),
    /// and what a change would do: close, open or hold a gate, evacuate a zone.
    Forecast(ForecastArgs),
}

/// `aman exercise`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  aman exercise check scenarios/exercise-entrance-surge/msel.toml --venue venues/sib2023-entrance/venue.toml
  AMAN_TOKEN=… aman exercise run scenarios/exercise-entrance-surge/msel.toml \\
      --venue venues/sib2023-entrance/venue.toml --server http://127.0.0.1:8080 --speed 2

The MSEL (master events list, TOML or CSV: docs/exercise.md) lists the injects: scenario time,
from, to, delivery method, text, expected player action, objective, and what each does: a
message to a player, an incident, a CAP alert (status Exercise), or a crowd (a scenario
simulated here, replayed by the server through its ingestion as the venue's sensors would
report it). check parses it, checks its venue and the zones of its injects against --venue,
simulates its crowd injects on the venue and lists the injects (the agencies incident injects
name are the server's: run's server checks them). A CSV MSEL is named after its file (or
--name) and is for --venue. run does the same, then sends it to the server (an admin token;
trainers use the dashboard), starts its clock and prints each inject as the server delivers
it. The exercise's records are tagged with it and never mix with live operations
(docs/serve.md §2.13).
Exit codes: 0 done, 1 the server cannot be reached or failed, 2 bad MSEL, venue, scenario or
option (also when the server refuses them: 400, 413, 422).")]
pub struct ExerciseArgs {
    /// check or run.
    #[arg(value_parser = ["check", "run"])]
    pub action: String,
    /// The master events list (.toml or .csv).
    pub msel: PathBuf,
    /// The venue file of the server (its sensors report the crowd injects).
    #[arg(long)]
    pub venue: PathBuf,
    /// run: the server, http://HOST:PORT or https://HOST:PORT.
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// run: an admin token. Default: the AMAN_TOKEN environment variable.
    #[arg(long)]
    pub token: Option<String>,
    /// run: the exercise's id (a-z, 0-9, '-'). Default: made from the time.
    #[arg(long)]
    pub id: Option<String>,
    /// The exercise's name, for a CSV MSEL (a TOML MSEL names it in [exercise]). Default: the
    /// CSV file's stem.
    #[arg(long)]
    pub name: Option<String>,
    /// run: the clock's speed, scenario seconds per second (0.1 to 100).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// run: start at this scenario time (mm:ss), delivering the injects before it at once.
    #[arg(long, value_name = "MM:SS")]
    pub skip_to: Option<String>,
    /// run: return once started instead of following the injects.
    #[arg(long)]
    pub detach: bool,
    /// run: for an https:// server, trust only the CA certificate(s) in this PEM file.
    #[arg(long, value_name = "PEM")]
    pub ca_cert: Option<PathBuf>,
}

/// `aman audit`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  aman audit verify
  aman audit verify --database postgres://aman@db/aman
  aman audit verify --expect-head 1042:5f0c…(64 hex digits)
  aman audit grant-server --role aman_server --database postgres://owner@db/aman

Every write through aman serve (and aman user, aman agency) appends an entry to the audit
log: who, when, what, the object before and after; each entry carries the SHA-256 hash of the
one before it (docs/serve.md, \"The audit log\"). verify checks the whole chain and names the
first entry altered, removed, inserted or reordered. It prints the head (SEQ:HASH): keep it
outside the database; --expect-head checks that the chain still passes through it, which a
chain rebuilt after an edit, or cut, does not.
grant-server (PostgreSQL, run as the database's owner) lets the existing role --role run aman
serve on the database, every table read and written, except the audit log: its rows can be read
and appended, never updated, deleted or truncated (docs/serve.md, \"The audit log\"). The
server then connects as that role.
Exit codes: 0 the chain is intact (verify) or the role granted, 1 the chain is broken (or the
database cannot be read or the grant fails), 2 bad options.")]
pub struct AuditArgs {
    /// verify or grant-server.
    #[arg(value_parser = ["verify", "grant-server"])]
    pub action: String,
    /// grant-server: the PostgreSQL role that aman serve connects as.
    #[arg(long)]
    pub role: Option<String>,
    /// A head recorded earlier, SEQ:HASH as verify prints it: the chain must pass through it.
    #[arg(long)]
    pub expect_head: Option<String>,
    /// Folder of the embedded SQLite database.
    #[arg(long, default_value = "aman-data")]
    pub data: PathBuf,
    /// A database URL instead of --data.
    #[arg(long)]
    pub database: Option<String>,
}

/// `aman forecast`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  curl -s -b cookies http://127.0.0.1:8080/api/v1/state > state.json
  aman forecast venues/sib2023-entrance/venue.toml --state state.json
  aman forecast venue.toml --state state.json --what-if close:west-gate --what-if hold:east-gate:300
  aman forecast venue.toml --state state.json --simulate --seeds 5 --horizon 300

The state file is JSON: the body of aman serve's GET /api/v1/state as it is, or written by hand:
  {\"venue\": \"ID\", \"zones\": [{\"id\": \"…\", \"occupancy\": 850}],
   \"lines\": [{\"id\": \"…\", \"flow_in\": 4.2, \"flow_out\": 0.1}],
   \"sensors\": [{\"id\": \"…\", \"stale\": false}], \"closed\": [\"LINE\"]}
(persons, persons/s; 'closed': lines closed now). The model: a pedestrian cell-transmission
model over the venue's zones and lines (docs/forecast.md).
What-ifs: close:LINE, open:LINE (a line closed in the state), hold:LINE:SECONDS, evacuate:ZONE.
--simulate also runs aman-sim ahead from the state, once per seed, with the stages, journeys
and model of the scenario the venue names ([venue] forecast_scenario), and prints each zone's
median density with its 10th–90th percentile band next to the network forecast.
Exit codes: 0 done, 2 bad venue, state file, what-if or scenario.")]
pub struct ForecastArgs {
    /// The venue file (TOML), as given to `aman serve`.
    pub venue: PathBuf,
    /// The live state (JSON), e.g. saved from `GET /api/v1/state`.
    #[arg(long, value_name = "STATE.json")]
    pub state: PathBuf,
    /// A change to forecast against doing nothing (repeatable; all applied together).
    #[arg(long = "what-if", value_name = "CHANGE")]
    pub what_if: Vec<String>,
    /// How far ahead, s, in (0, 3600].
    #[arg(long, default_value_t = 600.0, value_name = "S")]
    pub horizon: f64,
    /// Bottleneck capacity, persons per metre of clear width per second, in (0, 10].
    #[arg(long, default_value_t = aman_forecast::venue::BOTTLENECK_CAPACITY, value_name = "J")]
    pub capacity: f64,
    /// Print the forecast as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also run the simulation forecast (an ensemble of aman-sim runs from the state; the
    /// venue must name a scenario: `[venue] forecast_scenario`).
    #[arg(long)]
    pub simulate: bool,
    /// Runs of the simulation forecast (seeds 1 to N), in [1, 100].
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub seeds: u64,
}

/// `aman serve`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  aman serve venues/lyon2022-festival-of-lights/venue.toml
  aman serve venues/hermes-ao300/venue.toml --listen 127.0.0.1:9000 --mode exercise
  aman serve venue.toml --database postgres://aman@db.example/aman --mqtt mqtt://127.0.0.1:1883

Storage: embedded SQLite in --data (default ./aman-data), or PostgreSQL with --database.
Every endpoint but /health and /login needs a token or a person's session: create the first
admin token with
  aman token create --admin --data DIR
each sensor's with
  aman token create --sensor ID --venue VENUE --data DIR
and the first admin user (asks its password; refused once any user exists) with
  aman serve VENUE --init --init-agency fr-pn
then users with 'aman user add' (roles and agencies: docs/serve.md, section 2.8).
API reference: /api/openapi.json and docs/serve.md. Stop with Ctrl-C or SIGTERM: requests in
flight finish and every acknowledged reading is stored.

HTTPS: with --tls-cert and --tls-key (both PEM) the server speaks HTTPS and WSS only, TLS 1.2
and 1.3 (rustls), on the same --listen address; plain HTTP to that port is refused. The
certificate file holds the server's certificate first, then any intermediates; the key is PKCS#8,
PKCS#1 (RSA) or SEC1 (EC). A test certificate, e.g.:
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \\
    -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \\
    -addext basicConstraints=critical,CA:FALSE -keyout key.pem -out cert.pem
  aman serve venue.toml --tls-cert cert.pem --tls-key key.pem
  aman replay counts.csv --to https://localhost:8080 --ca-cert cert.pem
Exit codes: 0 stopped, 1 failure (address in use, database unreachable), 2 bad venue file or
options (a TLS file missing, unreadable, not PEM, or a key that does not match the
certificate).")]
pub struct ServeArgs {
    /// The venue file (TOML, docs/serve.md).
    pub venue: PathBuf,
    /// Folder of the embedded SQLite database.
    #[arg(long, default_value = "aman-data")]
    pub data: PathBuf,
    /// A database URL instead of --data: postgres://user:password@host:port/db or
    /// sqlite:///path/file.db.
    #[arg(long)]
    pub database: Option<String>,
    /// HTTP address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// An MQTT broker to subscribe to (mqtt://host:port), topics aman/sensors/+/#.
    #[arg(long)]
    pub mqtt: Option<String>,
    /// What the records are: actual operations, an exercise or a test (CAP status).
    #[arg(long, default_value = "actual", value_parser = ["actual", "exercise", "test"])]
    pub mode: String,
    /// Log format on standard error (level from RUST_LOG, default info).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
    /// Largest request body, bytes.
    #[arg(long, default_value_t = 4 << 20)]
    pub max_body: usize,
    /// Readings per second each sensor may send (sustained; bursts of twice that).
    #[arg(long, default_value_t = 20_000.0)]
    pub rate: f64,
    /// Serve HTTPS/WSS with this PEM certificate chain (with --tls-key).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// The MSEL library: a folder whose master events lists (*.toml with an [exercise]
    /// table, *.csv) a trainer makes exercises from in the dashboard (docs/exercise.md).
    #[arg(long, value_name = "DIR")]
    pub exercises: Option<PathBuf>,
    /// Create the first admin user, then serve; refused if any user exists. The password is
    /// asked on the terminal (or read from the first line of standard input).
    #[arg(long, requires = "init_agency")]
    pub init: bool,
    /// With --init: the admin's login.
    #[arg(long, default_value = "admin", requires = "init")]
    pub init_login: String,
    /// With --init: the admin's agency (created, named by its id, if it does not exist;
    /// better create it first with `aman agency add`).
    #[arg(long, requires = "init")]
    pub init_agency: Option<String>,
}

/// `aman user`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  aman agency add fr-pn --name-fr \"Police nationale\" --name-ar \"الشرطة الوطنية\" --name-en \"French National Police\"
  aman user add amina --agency ma-dgsn --role operator --name \"Amina El Idrissi\" --language ar
  aman user passwd amina
  aman user disable amina
  aman user list --agency fr-pn

Passwords are never given as arguments: they are asked on the terminal (twice, without echo),
or read from the first line of standard input when it is not a terminal
(printf '%s\\n' \"$PW\" | aman user passwd amina). 12 to 128 characters; stored as Argon2id
hashes. Roles: commander, operator, analyst, observer, trainer, admin (docs/serve.md, \"Users\").
Use the same --data or --database as aman serve. Exit codes: 0 done, 1 database failure, 2 bad
input (nothing stored).")]
pub struct UserArgs {
    /// add, passwd, disable or list.
    #[arg(value_parser = ["add", "passwd", "disable", "list"])]
    pub action: String,
    /// The user's login (add, passwd, disable).
    pub login: Option<String>,
    /// add: the user's agency id; list: only this agency.
    #[arg(long)]
    pub agency: Option<String>,
    /// add: commander, operator, analyst, observer, trainer or admin.
    #[arg(long)]
    pub role: Option<String>,
    /// add: the name shown to others.
    #[arg(long)]
    pub name: Option<String>,
    /// add: language of the dashboard.
    #[arg(long, default_value = "fr", value_parser = ["fr", "ar", "en"])]
    pub language: String,
    /// Folder of the embedded SQLite database.
    #[arg(long, default_value = "aman-data")]
    pub data: PathBuf,
    /// A database URL instead of --data.
    #[arg(long)]
    pub database: Option<String>,
}

/// `aman agency`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  aman agency add fr-pn --name-fr \"Police nationale\" --name-ar \"الشرطة الوطنية الفرنسية\" --name-en \"French National Police\"
  aman agency add ma-dgsn --name-fr \"Sûreté nationale\" --name-ar \"المديرية العامة للأمن الوطني\" --name-en \"Moroccan National Security\"
  aman agency list")]
pub struct AgencyArgs {
    /// add or list.
    #[arg(value_parser = ["add", "list"])]
    pub action: String,
    /// add: the agency id (lowercase letters, digits, '-').
    pub id: Option<String>,
    /// add: its name in French.
    #[arg(long)]
    pub name_fr: Option<String>,
    /// add: its name in Arabic.
    #[arg(long)]
    pub name_ar: Option<String>,
    /// add: its name in English.
    #[arg(long)]
    pub name_en: Option<String>,
    /// Folder of the embedded SQLite database.
    #[arg(long, default_value = "aman-data")]
    pub data: PathBuf,
    /// A database URL instead of --data.
    #[arg(long)]
    pub database: Option<String>,
}

/// `aman token`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  aman token create --admin --label \"operations centre\"
  aman token create --sensor cam-topview --venue venues/lyon2022-festival-of-lights/venue.toml
  aman token list
  aman token revoke 3f9a0c12ab45

The token is printed once; only a hash of it is stored. Use the same --data or --database as
aman serve.")]
pub struct TokenArgs {
    /// create, list or revoke.
    #[arg(value_parser = ["create", "list", "revoke"])]
    pub action: String,
    /// For revoke: the token's id (the 12 hex digits after `aman_`).
    pub id: Option<String>,
    /// Create an admin token (reads and operates the server).
    #[arg(long, conflicts_with = "sensor")]
    pub admin: bool,
    /// Create a token that may only post this sensor's readings.
    #[arg(long, requires = "venue")]
    pub sensor: Option<String>,
    /// The venue file of the sensor.
    #[arg(long)]
    pub venue: Option<PathBuf>,
    /// A label saying whose token it is.
    #[arg(long, default_value = "")]
    pub label: String,
    /// Folder of the embedded SQLite database.
    #[arg(long, default_value = "aman-data")]
    pub data: PathBuf,
    /// A database URL instead of --data.
    #[arg(long)]
    pub database: Option<String>,
}

/// `aman verify`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  aman verify rimea
  aman verify rimea --model social_force --only 1,4,9
  aman verify experiments --seed 3 --out out/validation

Run from inside the repository (the directory with scenarios/ or below it); the experiments
suite reads the real data from ../shared/data beside the repository.
Exit codes: 0 every test PASS or DOC, 1 a test FAIL or ERROR, 2 bad options.")]
pub struct VerifyArgs {
    /// The suite: `rimea` (RiMEA 3.0 tests 1–15) or `experiments` (real bottleneck
    /// experiments).
    #[arg(value_parser = ["rimea", "experiments"])]
    pub suite: String,
    /// Pedestrian model, at its default parameters: collision_free_speed, anticipation_velocity, generalized_centrifugal_force or social_force.
    #[arg(long, default_value = "collision_free_speed")]
    pub model: String,
    /// Seed of every random draw.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Run only these tests, comma-separated: RiMEA test numbers (1,4,9) or experiment names
    /// (hermes-ao300, wuppertal-2014-b080).
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub only: Vec<String>,
    /// Directory for report.html and results.json. Default: out/verify-<suite>-<model>.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run with this parameter set (a TOML file as `aman calibrate --out` writes; its model
    /// replaces --model) instead of the shipped defaults.
    #[arg(long, value_name = "FILE")]
    pub parameters: Option<PathBuf>,
}

/// `aman calibrate`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  aman calibrate
  aman calibrate --vary time_gap=0.3:0.9:7 --vary radius=0.15,0.18
  aman calibrate --model social_force --vary relaxation_time=0.3:0.7:5 --only hermes-ao300,wuppertal-2014-b080
  aman verify experiments --parameters out/calibrate-collision_free_speed/fitted.toml

Every experiment is simulated at every grid point; the fit is the point of least mean
(e_J/0.10)² + (e_ρ/0.20)² (flow and density errors in units of the aim). Prints the fit, the
leave-one-out cross-validation and every grid point; writes fitted.toml and calibration.md.
Exit codes: 0 done, 1 no grid point ran every experiment, 2 bad options.")]
pub struct CalibrateArgs {
    /// Pedestrian model: collision_free_speed, anticipation_velocity, generalized_centrifugal_force or social_force.
    #[arg(long, default_value = "collision_free_speed")]
    pub model: String,
    /// Start from this parameter set (TOML, as written to --out) instead of the shipped
    /// defaults; its model replaces --model.
    #[arg(long, value_name = "FILE")]
    pub parameters: Option<PathBuf>,
    /// A parameter to vary, `key=from:to:count` or `key=v1,v2,…` (radius, time_gap, or a key of
    /// the model's [model] table); repeat for more. Default: time_gap and radius for the
    /// collision-free speed model (with anticipation_time for the anticipation velocity model),
    /// relaxation_time and strength for the social force model.
    #[arg(long, value_name = "KEY=VALUES")]
    pub vary: Vec<String>,
    /// Fit only these experiments, comma-separated (see aman verify experiments).
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub only: Vec<String>,
    /// Seed of every run.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Folder for fitted.toml and calibration.md. Default: out/calibrate-<model>.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `aman bench`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  aman bench room-evacuation --agents 10000 --steps 1000
  aman bench room-evacuation --agents 2000 --steps 0
  aman bench setup scenarios/event-entrance-evacuation/scenario.toml

The scenario is shared/bench/room-evacuation.md; scripts/bench-sim runs it side by side with JuPedSim.")]
pub struct BenchArgs {
    /// What to measure: `room-evacuation` (the reference scenario) or `setup SCENARIO` (time to
    /// load a scenario and compute its routing fields).
    pub what: String,
    /// The scenario file, for `setup`.
    pub scenario: Option<PathBuf>,
    /// Agents in the room, for `room-evacuation`.
    #[arg(long, default_value_t = 10_000)]
    pub agents: usize,
    /// Steps to time; 0 runs until the room is empty and prints evacuation times.
    #[arg(long, default_value_t = 1000)]
    pub steps: u64,
    /// Time step, seconds.
    #[arg(long, default_value_t = 0.01)]
    pub dt: f64,
    /// Pedestrian model: collision_free_speed, anticipation_velocity, generalized_centrifugal_force or social_force (default parameters).
    #[arg(long, default_value = "collision_free_speed")]
    pub model: String,
    /// Worker threads. Default: all cores.
    #[arg(long)]
    pub threads: Option<usize>,
}

/// `aman simulate`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  aman simulate scenarios/hermes-ao300/scenario.toml
  aman simulate scenarios/event-entrance-evacuation/scenario.toml --runs 20 --out out/study

Exit codes: 0 every person left (in every run), 1 failure, 2 bad input, 3 a run ended with
persons inside (end_time reached or every exit closed; the message says where they are),
130 interrupted by Ctrl-C (SIGINT) or SIGTERM: the outputs hold what was simulated and say
\"interrupted\": true. A second Ctrl-C aborts at once.")]
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
    /// Runs with seeds seed, seed + 1, …, seed + N − 1 (1 to 10000), in parallel on the
    /// threads: summary.json gets the mean, sd, min, max and 95th percentile of the key figures
    /// and every run's values. The first run writes the trajectories and the report.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub runs: usize,
    /// Print nothing but errors (and why a run did not end with everybody out).
    #[arg(long, conflicts_with = "json")]
    pub quiet: bool,
    /// Print the summary as JSON on standard output (no progress bar or progress lines).
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

/// `aman analyze`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  aman analyze traj_AO_300.txt --walkable-area pedpy_reference_test_geo.xml --area 'POLYGON ((2.4 0.53, 2.4 -0.53, -0.6 -0.53, -0.6 0.53, 2.4 0.53))' --line 'LINESTRING (-0.6 0.5, 2.4 0.5)'
  aman analyze 00_01a.h5 --invalid correct --line 'opening=LINESTRING (-0.4 0, 0.4 0)'
  aman analyze out/hermes-ao300/trajectories.sqlite --area bottleneck='POLYGON ((-0.6 -0.53, 2.4 -0.53, 2.4 0.53, -0.6 0.53, -0.6 -0.53))'
  aman analyze uo-300-300-300.txt --unit cm --frame-rate 16 --area 'POLYGON ((0 -2, 0 0, 3 0, 3 -2, 0 -2))' --frames 400:1199
  aman analyze uo-300-300-300.txt --unit cm --frame-rate 16 --area 'POLYGON ((0 -2, 0 0, 3 0, 3 -2, 0 -2))' --steady

Windows: --frames A:B keeps frames A to B (inclusive, the file's frame numbers); --time A:B the
frames whose time (frame / frame rate) lies in [A, B] s; --steady the steady state detected in
the first --area (Liao et al. 2016: modified CUSUM on its density and mean speed per frame, where
both are steady). Every measure then covers the window only: the file is cut to it before the
analysis, so speeds within --frame-step frames of its ends use the --speed-border method.

Exit codes: 0 success, 2 bad input (file, geometry or flag named in the message), 1 other failure.")]
pub struct AnalyzeArgs {
    /// Trajectory file: Jülich/PeTrack txt, data-archive HDF5 (.h5), JuPedSim SQLite, Vadere
    /// .traj, crowd:it / Pathfinder CSV, Viswalk .pp. The format is detected from the name and
    /// content unless --format is given.
    pub trajectory: PathBuf,
    #[command(flatten)]
    pub read: TrajectoryReadArgs,
    /// Walkable area: a geometry file (WKT, GeoJSON, JuPedSim/JPSreport XML, Vadere scenario,
    /// crowd:it floor) or WKT text. Default: the one stored in the trajectory file, or the file
    /// named in a txt header (#geometry:), or else the points' bounding box plus 1 m.
    #[arg(long, value_name = "FILE|WKT")]
    pub walkable_area: Option<String>,
    /// Measurement area, as [NAME=]WKT POLYGON; repeat for several. Density, speed and level
    /// of service are measured in each.
    #[arg(long = "area", value_name = "[NAME=]WKT")]
    pub areas: Vec<String>,
    /// Measurement line, as [NAME=]WKT LINESTRING with two points; repeat for several. N–t,
    /// flow (method A) and the line-based fundamental diagram are measured at each.
    #[arg(long = "line", value_name = "[NAME=]WKT")]
    pub lines: Vec<String>,
    /// Frames before and after each frame used for the speed (PedPy's frame_step). Default:
    /// the frames in 0.3 s, at least 1 (5 at 16 fps, 8 at 25 fps).
    #[arg(long, value_name = "N")]
    pub frame_step: Option<u64>,
    /// Speed at the ends of a trajectory: exclude, adaptive or single-sided (PedPy's
    /// SpeedCalculation). single-sided gives every row a speed, which the Voronoi speed needs.
    #[arg(long, default_value = "single-sided", value_name = "METHOD")]
    pub speed_border: String,
    /// Points outside the walkable area: reject (stop with a list) or correct (move them to the
    /// nearest walkable point, as PedPy's correct_invalid_trajectories).
    #[arg(long, default_value = "reject", value_name = "ACTION")]
    pub invalid: String,
    /// Analyse frames A to B only (inclusive frame numbers of the file), e.g. 400:1199.
    #[arg(long, value_name = "A:B", conflicts_with_all = ["time", "steady"])]
    pub frames: Option<String>,
    /// Analyse the frames whose time (frame / frame rate) lies in [A, B] seconds, e.g. 25:75.
    #[arg(long, value_name = "A:B", conflicts_with = "steady")]
    pub time: Option<String>,
    /// Analyse the steady state only, detected in the first --area (Liao et al. 2016: the
    /// frames where both its density and its mean speed are steady); the summary says which
    /// frames were picked.
    #[arg(long)]
    pub steady: bool,
    /// Reference process of --steady, as frames A:B believed steady. Default: the middle
    /// third of the frames.
    #[arg(long, value_name = "A:B", requires = "steady")]
    pub steady_reference: Option<String>,
    /// Skip Voronoi cells (and the measures built on them).
    #[arg(long)]
    pub no_voronoi: bool,
    /// Cut Voronoi cells off at this radius, m (a 12-corner circle, as PedPy's
    /// Cutoff(radius, quad_segments=3)).
    #[arg(allow_negative_numbers = true, long, value_name = "M")]
    pub cutoff: Option<f64>,
    /// Length of the flow time windows (method A), s.
    #[arg(
        allow_negative_numbers = true,
        long,
        default_value_t = 10.0,
        value_name = "S"
    )]
    pub flow_window: f64,
    /// Depth of the passing area for method B (passing density and speed), m: the area lies on
    /// the left of each line, seen from its first to its second point (reverse the points for
    /// the other side). Default: no method B.
    #[arg(allow_negative_numbers = true, long, value_name = "M")]
    pub passing_depth: Option<f64>,
    /// Side of the grid cells of the profiles, RSET map and crowd-pressure map, m. Default:
    /// 0.5 m, larger for venues where that would exceed a million cells (at most 4 million
    /// cells, and 5·10⁸ cells × frames, are accepted).
    #[arg(allow_negative_numbers = true, long, value_name = "M")]
    pub grid_size: Option<f64>,
    /// Smoothing length R of the crowd pressure (Helbing et al. 2007), m.
    #[arg(
        allow_negative_numbers = true,
        long,
        default_value_t = 1.0,
        value_name = "M"
    )]
    pub pressure_radius: f64,
    /// Fruin table for the level of service: walkway, stairway or queue.
    #[arg(long, default_value = "walkway", value_name = "TABLE")]
    pub los_table: String,
    /// Also write every row's speed and velocity (individual.csv).
    #[arg(long)]
    pub individual: bool,
    /// Write CSV and JSON only, no plots or report.html.
    #[arg(long)]
    pub no_plots: bool,
    /// Skip the venue-wide maps (density and speed profiles, RSET, crowd pressure).
    #[arg(long)]
    pub no_maps: bool,
    /// Directory for the outputs. Default: out/<trajectory file stem>-analysis.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads. Default: all cores.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, conflicts_with = "json")]
    pub quiet: bool,
    /// Print the summary as JSON on standard output.
    #[arg(long)]
    pub json: bool,
}

/// How to read a trajectory file: the flags `aman analyze` and `aman replay` share.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TrajectoryReadArgs {
    /// Format of the trajectory file: txt, hdf5, sqlite, vadere, crowdit, pathfinder, viswalk.
    /// Default: detected from the name and content.
    #[arg(long)]
    pub format: Option<String>,
    /// Frames per second, when the file does not say (txt without header; required to resample
    /// Vadere and crowd:it output). Overrides the file's own rate.
    #[arg(allow_negative_numbers = true, long, value_name = "FPS")]
    pub frame_rate: Option<f64>,
    /// Length unit of a txt file when its header does not say: m or cm.
    #[arg(long)]
    pub unit: Option<String>,
}

impl TrajectoryReadArgs {
    /// The reader's options, each flag checked: a known format and unit, a frame rate from
    /// 0.01 to 1000 frames per second.
    ///
    /// # Errors
    /// [`Failure::Input`] naming the flag and its value.
    pub fn options(&self) -> Result<aman_trajectory::ReadOptions, crate::Failure> {
        let input = |m: String| crate::Failure::Input(anyhow::anyhow!(m));
        let format = self
            .format
            .as_deref()
            .map(|f| f.parse().map_err(|e| input(format!("--format {f:?}: {e}"))))
            .transpose()?;
        let unit = self
            .unit
            .as_deref()
            .map(|u| u.parse().map_err(|e| input(format!("--unit {u:?}: {e}"))))
            .transpose()?;
        match self.frame_rate {
            Some(r) if !(r.is_finite() && r > 0.0) => {
                return Err(input(format!(
                    "--frame-rate {r}: must be a positive number"
                )));
            }
            Some(r) if !(0.01..=1000.0).contains(&r) => {
                return Err(input(format!(
                    "--frame-rate {r}: give a value between 0.01 and 1000 frames per second"
                )));
            }
            _ => {}
        }
        Ok(aman_trajectory::ReadOptions {
            format,
            frame_rate: self.frame_rate,
            unit,
        })
    }
}

/// `aman replay`
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  aman replay ../shared/data/madras-lyon2022-festival-of-lights/chenavard_2022_1210.csv --to http://127.0.0.1:8080 --sensor chenavard --speed 10
  aman replay Topview_2E.txt --frame-rate 30 --to mqtt://127.0.0.1:1883 --sensor topview
  aman replay counts.csv --to http://127.0.0.1:8080 --times original --date 2022-12-10 --utc-offset +01:00

What is sent: aman's own JSON ({\"readings\": [...]}, docs/serve.md). A trajectory file gives one
`track` reading per row (track = person id, x, y in metres, time = start + frame / frame rate);
a count CSV (header time,nb_people[,people_passed]; time is the local clock HH:MM:SS, nb_people
the cumulative count) gives one `counter` reading per row (total = nb_people; the venue's
channel says the direction). A clock time earlier than the row before is taken as the next day.

HTTP (http:// or https://): each batch is POSTed to URL/api/v1/sensors/SENSOR/readings with
`Authorization: Bearer TOKEN`; 503 and 429 are retried 5 times with backoff (Retry-After is
honoured), any other non-2xx answer stops the replay. MQTT (mqtt://HOST[:PORT], 1883 by
default): each batch is published with QoS 1 to aman/sensors/SENSOR/readings (user name SENSOR,
password TOKEN when a token is given); the replay ends when every batch is acknowledged.

Timestamps (--times): `now` (default) shifts the recording so that no reading is stamped later
than the wall clock when it is sent. At speed 1 or more the recording, of duration D, ends at
the wall-clock time the replay ends: the first reading is stamped now - D*(1 - 1/SPEED) (now - D
at --speed max); in slow motion (below 1) it is stamped now. Gaps between readings are those of
the file, whatever the speed. `original` keeps the file's
times: a count CSV's clock times on --date at --utc-offset (both required); a trajectory's frame
0 at --start (default 2000-01-01T00:00:00Z).

Pacing: a batch is sent when its first reading is due, recording time / SPEED after the start
(no drift accumulates); --speed 0 or max sends as fast as the server takes it.

Progress goes to standard error every 10 s, the summary to standard output. Ctrl-C stops after
the current batch (exit code 130).
Exit codes: 0 every reading sent and acknowledged, 1 the server refused a batch (its status and
message are printed) or cannot be reached, 2 bad input (file, row and column or flag named),
130 interrupted.")]
pub struct ReplayArgs {
    /// The file to play: a trajectory file in any format `aman analyze` reads, or a count CSV.
    pub file: PathBuf,
    /// The server: http://HOST:PORT or https://HOST:PORT (aman serve's HTTP API), or
    /// mqtt://HOST[:PORT] (the broker aman serve subscribes to).
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Replay speed: 1 is real time, 10 ten times faster, 0.5 slow motion; 0 or `max` as fast
    /// as the server takes it.
    #[arg(
        allow_negative_numbers = true,
        long,
        default_value = "1",
        value_name = "X"
    )]
    pub speed: String,
    /// What the file is: `tracks` (a trajectory file, played as a track sensor) or `counts` (a
    /// count CSV, played as a counting sensor). Default: `counts` for a CSV whose header has
    /// `time` and `nb_people`, else `tracks`.
    #[arg(long = "as", value_name = "KIND")]
    pub kind: Option<String>,
    /// The sensor id, as in the venue file. Default: the file name without its extension.
    #[arg(long, value_name = "ID")]
    pub sensor: Option<String>,
    /// The sensor's channel (rule, counter or line name). Default: none (a sensor with one
    /// channel).
    #[arg(long, value_name = "NAME")]
    pub channel: Option<String>,
    /// The sensor's token (HTTP bearer token, MQTT password). Default: the AMAN_TOKEN
    /// environment variable (better: a --token shows in the process list); without either, no
    /// token is sent.
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Timestamps: `now` (shifted to the wall clock, never in the future) or `original` (the
    /// file's own times); see below.
    #[arg(long, default_value = "now", value_name = "WHICH")]
    pub times: String,
    /// Date of a count CSV's clock times, YYYY-MM-DD (with --times original).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// UTC offset of a count CSV's clock times, e.g. +01:00 for Lyon in December (with
    /// --times original).
    #[arg(long, allow_hyphen_values = true, value_name = "+HH:MM")]
    pub utc_offset: Option<String>,
    /// Time of a trajectory's frame 0, RFC 3339 (with --times original). Default:
    /// 2000-01-01T00:00:00Z.
    #[arg(long, value_name = "RFC3339")]
    pub start: Option<String>,
    /// Readings within this much recording time go in one batch (request or message), s; at
    /// most 10000 readings, and a frame is never split unless it alone holds more. Default:
    /// one frame for tracks (as a tracking sensor publishes), 0.1 s for counts; at --speed max,
    /// as many as fit.
    #[arg(allow_negative_numbers = true, long, value_name = "S")]
    pub batch_interval: Option<f64>,
    #[command(flatten)]
    pub read: TrajectoryReadArgs,
    /// For an https:// server: trust only the CA certificate(s) in this PEM file (e.g. the
    /// server's self-signed certificate) instead of the public web roots.
    #[arg(long, value_name = "PEM")]
    pub ca_cert: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}
