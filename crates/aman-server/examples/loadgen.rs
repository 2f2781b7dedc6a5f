//! Loopback load generator of `aman serve` (run by `scripts/bench-serve`; a benchmark, not a
//! test: nothing here asserts a time).
//!
//! ```text
//! cargo run --release -p aman-server --example loadgen -- \
//!     --aman target/release/aman --out target/bench-serve [--database postgres://…] \
//!     [--label sqlite] [--sensors 1000] [--clients 8] [--batch 1000] [--duration 15] \
//!     [--rate 5000] [--latency-batch 5] [--latency-duration 20]
//! ```
//!
//! What it does:
//! 1. writes a venue of `--sensors` 10 m × 10 m zones on a rectangular walkable area, each fed
//!    by one occupancy sensor (adapter `aman`) and watched by a density rule (raise at
//!    2.0 /m², i.e. 200 persons, clear below 1.6);
//! 2. creates an admin token and one token per sensor through the store API;
//! 3. starts `aman serve` on a free loopback port (SQLite in a fresh data directory, or the
//!    `--database` URL, which must be an empty database) and subscribes to `/api/v1/live`;
//! 4. **throughput**: `--clients` keep-alive HTTP/1.1 connections POST batches of `--batch`
//!    readings, round-robin over the sensors, as fast as the server acknowledges them, for
//!    `--duration` s; readings acknowledged (202) per second;
//! 5. **latency**: `--rate` readings/s in batches of `--latency-batch`, each sensor once per
//!    `latency-batch × sensors / rate` s, every batch carrying an occupancy value unique for
//!    its zone; the delay from the send instant to the WebSocket update showing that zone
//!    with that occupancy (p50/p99/max). Once a second one batch crosses the zone's
//!    threshold (the next batch of that sensor clears it): the delay to the update whose
//!    `decisions` holds the raise;
//! 6. stops the server (SIGTERM) and checks that the store holds exactly the readings
//!    acknowledged (exit code 1 otherwise);
//! 7. prints a table and merges its figures, under `--label`, into `OUT/results.json`.
//!
//! The delays are measured at the client, so they include the HTTP request itself: an upper
//! bound of receipt → push. The HTTP client is a minimal HTTP/1.1 writer/reader on
//! `tokio::net::TcpStream` (keep-alive, `Content-Length` bodies), to keep the generator's own
//! CPU use small on a machine it shares with the server.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aman_store::{Store, TokenRole};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Venue id of the generated venue.
const VENUE: &str = "bench";
/// Zone side, m (area 100 m²).
const SIDE: f64 = 10.0;
/// Density rule: raise at, clear below (persons/m²).
const RAISE: f64 = 2.0;
const CLEAR: f64 = 1.6;
/// Normal occupancies cycle through 0..NORMAL (density below [`CLEAR`]).
const NORMAL: u64 = 150;

/// Command-line options.
#[derive(Debug, Clone)]
struct Opts {
    aman: PathBuf,
    out: PathBuf,
    database: Option<String>,
    label: String,
    sensors: usize,
    clients: usize,
    batch: usize,
    duration: f64,
    rate: f64,
    latency_batch: usize,
    latency_clients: usize,
    latency_duration: f64,
}

fn parse_opts() -> Result<Opts, Error> {
    let mut o = Opts {
        aman: "target/release/aman".into(),
        out: "target/bench-serve".into(),
        database: None,
        label: "sqlite".into(),
        sensors: 1000,
        clients: 8,
        batch: 1000,
        duration: 15.0,
        rate: 5000.0,
        latency_batch: 5,
        latency_clients: 50,
        latency_duration: 20.0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut v = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--aman" => o.aman = v()?.into(),
            "--out" => o.out = v()?.into(),
            "--database" => o.database = Some(v()?),
            "--label" => o.label = v()?,
            "--sensors" => o.sensors = v()?.parse()?,
            "--clients" => o.clients = v()?.parse()?,
            "--batch" => o.batch = v()?.parse()?,
            "--duration" => o.duration = v()?.parse()?,
            "--rate" => o.rate = v()?.parse()?,
            "--latency-batch" => o.latency_batch = v()?.parse()?,
            "--latency-clients" => o.latency_clients = v()?.parse()?,
            "--latency-duration" => o.latency_duration = v()?.parse()?,
            other => return Err(format!("unknown option {other}; see the file's header").into()),
        }
    }
    if o.sensors == 0 || o.clients == 0 || o.batch == 0 || o.latency_batch == 0 {
        return Err("--sensors, --clients, --batch and --latency-batch must be positive".into());
    }
    Ok(o)
}

/// The venue file: a grid of zones, one occupancy sensor and one density rule per zone.
fn venue_toml(n: usize) -> String {
    let cols = (n as f64).sqrt().ceil() as usize;
    let rows = n.div_ceil(cols);
    let (w, h) = (cols as f64 * SIDE, rows as f64 * SIDE);
    let mut s = String::with_capacity(n * 400);
    let _ = writeln!(
        s,
        "[venue]\nid = \"{VENUE}\"\nname = {{ fr = \"Banc\", ar = \"اختبار\", en = \"Bench\" }}\n\
         walkable_wkt = \"POLYGON ((0 0, {w} 0, {w} {h}, 0 {h}, 0 0))\"\n"
    );
    for i in 0..n {
        let (x, y) = ((i % cols) as f64 * SIDE, (i / cols) as f64 * SIDE);
        let (x1, y1) = (x + SIDE, y + SIDE);
        let _ = writeln!(
            s,
            "[[zones]]\nid = \"z{i}\"\npolygon = [[{x}, {y}], [{x1}, {y}], [{x1}, {y1}], [{x}, {y1}]]\n\n\
             [[sensors]]\nid = \"s{i}\"\nadapter = \"aman\"\nperiod = 600\n\
             [[sensors.channels]]\nzone = \"z{i}\"\n"
        );
    }
    for i in 0..n {
        let _ = writeln!(
            s,
            "[[rules]]\nid = \"r{i}\"\nzone = \"z{i}\"\nmeasure = \"density\"\nabove = {RAISE:.1}\n\
             below = {CLEAR:.1}\nhold = 0\nseverity = \"Moderate\"\n"
        );
    }
    s
}

fn unix_s() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

/// `aman`'s JSON batch of `n` occupancy readings, all of value `count`, sensor times ending now.
fn body(n: usize, count: u64) -> String {
    let now = unix_s();
    let mut s = String::with_capacity(16 + n * 56);
    s.push_str("{\"readings\":[");
    for j in 0..n {
        if j > 0 {
            s.push(',');
        }
        let t = now - (n - 1 - j) as f64 * 1e-4;
        let _ = write!(
            s,
            "{{\"time\":{t:.6},\"kind\":\"occupancy\",\"count\":{count}}}"
        );
    }
    s.push_str("]}");
    s
}

/// A keep-alive HTTP/1.1 connection.
struct Http {
    io: BufReader<TcpStream>,
    line: String,
}

impl Http {
    async fn connect(addr: SocketAddr) -> Result<Http, Error> {
        let s = TcpStream::connect(addr).await?;
        s.set_nodelay(true)?;
        Ok(Http {
            io: BufReader::new(s),
            line: String::new(),
        })
    }

    /// Sends a request and reads the whole answer: status and body.
    async fn request(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: &str,
    ) -> Result<(u16, Vec<u8>), Error> {
        let mut req = String::with_capacity(160 + body.len());
        let _ = write!(
            req,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        req.push_str(body);
        self.io.get_mut().write_all(req.as_bytes()).await?;
        self.line.clear();
        self.io.read_line(&mut self.line).await?;
        let status: u16 = self
            .line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| format!("bad status line {:?}", self.line))?;
        let mut length = 0;
        loop {
            self.line.clear();
            if self.io.read_line(&mut self.line).await? == 0 {
                return Err("connection closed in the headers".into());
            }
            let l = self.line.trim_end();
            if l.is_empty() {
                break;
            }
            let lower = l.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse()?;
            } else if lower.starts_with("transfer-encoding:") {
                return Err("chunked answers are not read by this client".into());
            }
        }
        let mut buf = vec![0; length];
        self.io.read_exact(&mut buf).await?;
        Ok((status, buf))
    }
}

/// The `accepted` count of a 202 answer.
fn accepted(body: &[u8]) -> Result<u64, Error> {
    let v: Value = serde_json::from_slice(body)?;
    v["accepted"]
        .as_u64()
        .ok_or_else(|| format!("no accepted count in {v}").into())
}

/// Percentile `p` (0..=1) of sorted `v`, ms.
fn pct(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn summary(mut v: Vec<f64>) -> Value {
    v.sort_by(f64::total_cmp);
    json!({"n": v.len(), "p50_ms": pct(&v, 0.5), "p99_ms": pct(&v, 0.99),
           "max_ms": v.last().copied().unwrap_or(f64::NAN)})
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The server under test.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(o: &Opts, venue: &Path, data: &Path, log: &Path) -> Result<Server, Error> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let mut cmd = Command::new(&o.aman);
        cmd.arg("serve")
            .arg(venue)
            .arg("--listen")
            .arg(addr.to_string())
            .arg("--mode")
            .arg("test");
        match &o.database {
            Some(url) => cmd.arg("--database").arg(url),
            None => cmd.arg("--data").arg(data),
        };
        let child = cmd
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log)?)
            .spawn()?;
        Ok(Server { child, addr })
    }

    async fn wait_ready(&mut self) -> Result<(), Error> {
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(120) {
            if let Some(status) = self.child.try_wait()? {
                return Err(format!("aman serve exited at start: {status}").into());
            }
            if let Ok(mut h) = Http::connect(self.addr).await
                && let Ok((200, _)) = h.request("GET", "/health", "-", "").await
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("aman serve did not answer /health within 120 s".into())
    }

    /// SIGTERM, then wait for the process (it stores what it accepted before exiting).
    fn stop(mut self) -> Result<(), Error> {
        let pid = self.child.id().to_string();
        Command::new("kill").arg("-TERM").arg(&pid).status()?;
        let status = self.child.wait()?;
        if !status.success() {
            return Err(format!("aman serve exited with {status}").into());
        }
        Ok(())
    }
}

/// What the WebSocket reader matches updates against.
#[derive(Default)]
struct Expect {
    /// (zone, occupancy) → send instant.
    values: HashMap<(usize, u64), Instant>,
    /// zone → send instant of the batch that should raise its rule.
    raises: HashMap<usize, Instant>,
    /// Delays found, ms.
    push_ms: Vec<f64>,
    alert_ms: Vec<f64>,
    updates: u64,
    snapshots: u64,
}

/// Reads the live socket until `stop`; matches zone values and raises.
async fn read_live(
    addr: SocketAddr,
    admin: String,
    expect: Arc<Mutex<Expect>>,
    ready: tokio::sync::oneshot::Sender<()>,
    stop: Arc<AtomicBool>,
) -> Result<(), Error> {
    let mut req = format!("ws://{addr}/api/v1/live").into_client_request()?;
    req.headers_mut()
        .insert("Authorization", format!("Bearer {admin}").parse()?);
    let stream = TcpStream::connect(addr).await?;
    let (mut ws, _) = tokio_tungstenite::client_async(req, stream).await?;
    let mut ready = Some(ready);
    while !stop.load(Ordering::Relaxed) {
        let msg = match tokio::time::timeout(Duration::from_millis(200), ws.next()).await {
            Err(_) => continue,
            Ok(None) => break,
            Ok(Some(m)) => m?,
        };
        let at = Instant::now();
        let Message::Text(text) = msg else { continue };
        let v: Value = serde_json::from_str(&text)?;
        let mut e = expect.lock().map_err(|_| "poisoned")?;
        if v["type"] == "snapshot" {
            e.snapshots += 1;
            if let Some(r) = ready.take() {
                let _ = r.send(());
            }
            continue;
        }
        e.updates += 1;
        for z in v["zones"].as_array().into_iter().flatten() {
            let (Some(id), Some(occ)) = (z["id"].as_str(), z["occupancy"].as_f64()) else {
                continue;
            };
            let Some(i) = id.strip_prefix('z').and_then(|i| i.parse().ok()) else {
                continue;
            };
            if let Some(t) = e.values.remove(&(i, occ as u64)) {
                let ms = at.duration_since(t).as_secs_f64() * 1e3;
                e.push_ms.push(ms);
            }
        }
        for d in v["decisions"].as_array().into_iter().flatten() {
            if d["kind"] == "raise"
                && let Some(rule) = d["rule"].as_u64()
                && let Some(t) = e.raises.remove(&(rule as usize))
            {
                let ms = at.duration_since(t).as_secs_f64() * 1e3;
                e.alert_ms.push(ms);
            }
        }
    }
    let _ = ws.close(None).await;
    Ok(())
}

/// Throughput: clients post `batch` readings as fast as acknowledged. Returns (readings
/// acknowledged, requests, non-2xx answers, elapsed s, request latencies ms).
async fn throughput(
    o: &Opts,
    addr: SocketAddr,
    tokens: &Arc<Vec<String>>,
) -> Result<(u64, u64, u64, f64, Vec<f64>), Error> {
    let deadline = Instant::now() + Duration::from_secs_f64(o.duration);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..o.clients {
        let tokens = tokens.clone();
        let (clients, batch, n) = (o.clients, o.batch, o.sensors);
        tasks.push(tokio::spawn(async move {
            let mut http = Http::connect(addr).await?;
            let (mut acked, mut reqs, mut refused, mut lat) = (0u64, 0u64, 0u64, Vec::new());
            // Sensors c, c + clients, …: each sensor is posted by one client only, so its
            // readings arrive in time order.
            let owned: Vec<usize> = (c..n).step_by(clients).collect();
            let mut k = 0usize;
            while Instant::now() < deadline && !owned.is_empty() {
                let s = owned[k % owned.len()];
                k += 1;
                let b = body(batch, (reqs + c as u64) % NORMAL);
                let sent = Instant::now();
                let (status, answer) = http
                    .request(
                        "POST",
                        &format!("/api/v1/sensors/s{s}/readings"),
                        &tokens[s],
                        &b,
                    )
                    .await?;
                lat.push(sent.elapsed().as_secs_f64() * 1e3);
                reqs += 1;
                if status == 202 {
                    acked += accepted(&answer)?;
                } else {
                    refused += 1;
                    if refused <= 3 {
                        eprintln!("  refused: {status} {}", String::from_utf8_lossy(&answer));
                    }
                }
            }
            Ok::<_, Error>((acked, reqs, refused, lat))
        }));
    }
    let (mut acked, mut reqs, mut refused, mut lat) = (0, 0, 0, Vec::new());
    for t in tasks {
        let (a, r, f, l) = t.await??;
        acked += a;
        reqs += r;
        refused += f;
        lat.extend(l);
    }
    Ok((acked, reqs, refused, t0.elapsed().as_secs_f64(), lat))
}

/// Latency: `rate` readings/s in small batches, paced; records send instants for the reader.
/// Returns (readings acknowledged, requests, non-2xx, elapsed s, raises sent, late sends).
async fn paced(
    o: &Opts,
    addr: SocketAddr,
    tokens: &Arc<Vec<String>>,
    expect: &Arc<Mutex<Expect>>,
) -> Result<(u64, u64, u64, f64, u64, u64), Error> {
    let clients = o.latency_clients.min(o.sensors);
    // Each client owns sensors c, c + clients, … and posts them in turn.
    let per_client_rate = o.rate / o.latency_batch as f64 / clients as f64;
    let interval = Duration::from_secs_f64(1.0 / per_client_rate);
    let t0 = Instant::now();
    let deadline = t0 + Duration::from_secs_f64(o.latency_duration);
    let raises = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for c in 0..clients {
        let tokens = tokens.clone();
        let expect = expect.clone();
        let raises = raises.clone();
        let (batch, n) = (o.latency_batch, o.sensors);
        let owned: Vec<usize> = (c..n).step_by(clients).collect();
        tasks.push(tokio::spawn(async move {
            let mut http = Http::connect(addr).await?;
            // Spread the clients' first sends over one interval.
            let start = t0 + interval.mul_f64(c as f64 / clients as f64);
            let mut counter = vec![0u64; owned.len()];
            let mut raised = vec![false; owned.len()];
            let (mut acked, mut reqs, mut refused, mut late) = (0u64, 0u64, 0u64, 0u64);
            let mut next_raise = t0 + Duration::from_secs(1);
            let mut k = 0u64;
            loop {
                let due = start + interval.mul_f64(k as f64);
                if due >= deadline {
                    break;
                }
                let now = Instant::now();
                if now < due {
                    tokio::time::sleep_until(due.into()).await;
                } else if now - due > interval {
                    late += 1;
                }
                let j = (k as usize) % owned.len();
                let s = owned[j];
                k += 1;
                // Client 0 makes one zone cross its threshold about once a second (its next
                // batch clears it again, as every batch after a raise is normal).
                let raise = c == 0 && !raised[j] && Instant::now() >= next_raise;
                counter[j] += 1;
                let value = if raise {
                    next_raise += Duration::from_secs(1);
                    (RAISE * SIDE * SIDE) as u64 + 50 + counter[j] % 50
                } else {
                    counter[j] % NORMAL
                };
                raised[j] = raise;
                let b = body(batch, value);
                let path = format!("/api/v1/sensors/s{s}/readings");
                let sent = Instant::now();
                {
                    let mut e = expect.lock().map_err(|_| "poisoned")?;
                    e.values.insert((s, value), sent);
                    if raise {
                        e.raises.insert(s, sent);
                    }
                }
                if raise {
                    raises.fetch_add(1, Ordering::Relaxed);
                }
                let (status, answer) = http.request("POST", &path, &tokens[s], &b).await?;
                reqs += 1;
                if status == 202 {
                    acked += accepted(&answer)?;
                } else {
                    refused += 1;
                    if refused <= 3 {
                        eprintln!("  refused: {status} {}", String::from_utf8_lossy(&answer));
                    }
                }
            }
            Ok::<_, Error>((acked, reqs, refused, late))
        }));
    }
    let (mut acked, mut reqs, mut refused, mut late) = (0, 0, 0, 0);
    for t in tasks {
        let (a, r, f, l) = t.await??;
        acked += a;
        reqs += r;
        refused += f;
        late += l;
    }
    Ok((
        acked,
        reqs,
        refused,
        t0.elapsed().as_secs_f64(),
        raises.load(Ordering::Relaxed),
        late,
    ))
}

async fn run(o: Opts) -> Result<bool, Error> {
    let dir = o.out.join(&o.label);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let venue = dir.join("venue.toml");
    std::fs::write(&venue, venue_toml(o.sensors))?;
    let data = dir.join("data");
    let url = o
        .database
        .clone()
        .unwrap_or_else(|| data.display().to_string());

    // Tokens, through the store API (the CLI would start a process per token).
    let t = Instant::now();
    let store = Store::open(&url).await?;
    if store.reading_count(VENUE).await? != 0 {
        return Err(format!("{url}: the store already holds readings of {VENUE:?}").into());
    }
    let (_, admin) = store.create_token(TokenRole::Admin, "bench").await?;
    let mut tokens = Vec::with_capacity(o.sensors);
    for i in 0..o.sensors {
        let role = TokenRole::Sensor {
            venue: VENUE.into(),
            sensor: format!("s{i}"),
        };
        tokens.push(store.create_token(role, "bench").await?.1);
    }
    store.close().await;
    drop(store);
    let tokens = Arc::new(tokens);
    eprintln!(
        "[{}] venue of {} sensors, {} tokens in {:.1} s; starting aman serve",
        o.label,
        o.sensors,
        o.sensors + 1,
        t.elapsed().as_secs_f64()
    );

    let mut server = Server::start(&o, &venue, &data, &dir.join("serve.log"))?;
    server.wait_ready().await?;
    let addr = server.addr;

    // The live subscriber, connected through both phases.
    let expect = Arc::new(Mutex::new(Expect::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let reader = tokio::spawn(read_live(
        addr,
        admin.clone(),
        expect.clone(),
        ready_tx,
        stop.clone(),
    ));
    ready_rx
        .await
        .map_err(|_| "the live socket closed before its snapshot")?;

    let load_before_tp = loadavg();
    eprintln!(
        "[{}] throughput: {} clients × {} readings/batch, {} s",
        o.label, o.clients, o.batch, o.duration
    );
    let (tp_acked, tp_reqs, tp_refused, tp_s, tp_lat) = throughput(&o, addr, &tokens).await?;
    let tp_rate = tp_acked as f64 / tp_s;
    let load_after_tp = loadavg();
    eprintln!(
        "[{}]   {tp_acked} readings acknowledged in {tp_s:.1} s: {tp_rate:.0}/s (load {load_after_tp})",
        o.label
    );
    // Let the pushes of the throughput phase drain; forget them.
    tokio::time::sleep(Duration::from_secs(2)).await;
    {
        let mut e = expect.lock().map_err(|_| "poisoned")?;
        *e = Expect {
            snapshots: e.snapshots,
            ..Expect::default()
        };
    }

    eprintln!(
        "[{}] latency: {} readings/s in batches of {}, {} clients, {} s",
        o.label, o.rate, o.latency_batch, o.latency_clients, o.latency_duration
    );
    let (lat_acked, lat_reqs, lat_refused, lat_s, raises, late) =
        paced(&o, addr, &tokens, &expect).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    reader.await??;
    let load_after_lat = loadavg();

    // The state's seq is the last reading applied: every acknowledged reading.
    let mut http = Http::connect(addr).await?;
    let (_, state) = http.request("GET", "/api/v1/state", &admin, "").await?;
    let state: Value = serde_json::from_slice(&state)?;
    let state_seq = state["seq"].as_u64().unwrap_or(0);
    drop(http);
    server.stop()?;
    let store = Store::open(&url).await?;
    let stored = store.reading_count(VENUE).await?;
    store.close().await;
    let acked = tp_acked + lat_acked;
    let ok = stored == acked && state_seq == acked;

    let e = expect.lock().map_err(|_| "poisoned")?;
    let unmatched = e.values.len();
    let push = summary(e.push_ms.clone());
    let alert = summary(e.alert_ms.clone());
    let mut tp_lat = tp_lat;
    tp_lat.sort_by(f64::total_cmp);
    let result = json!({
        "backend": if o.database.is_some() { "postgres" } else { "sqlite" },
        "sensors": o.sensors,
        "throughput": {
            "clients": o.clients, "batch": o.batch, "seconds": tp_s,
            "requests": tp_reqs, "refused": tp_refused, "readings_acknowledged": tp_acked,
            "readings_per_s": tp_rate,
            "request_ms": summary(tp_lat),
            "load_before": load_before_tp, "load_after": load_after_tp,
        },
        "latency": {
            "target_readings_per_s": o.rate, "batch": o.latency_batch,
            "clients": o.latency_clients, "seconds": lat_s, "requests": lat_reqs,
            "refused": lat_refused, "late_sends": late,
            "readings_per_s": lat_acked as f64 / lat_s,
            "push": push, "push_unmatched": unmatched,
            "alert": alert, "raises_sent": raises,
            "updates": e.updates, "snapshots": e.snapshots,
            "load_after": load_after_lat,
        },
        "check": {"acknowledged": acked, "stored": stored, "state_seq": state_seq, "ok": ok},
    });
    drop(e);

    let f = |v: &Value| v.as_f64().map_or("-".into(), |x| format!("{x:.1}"));
    println!();
    println!("aman serve, {} sensors, {}", o.sensors, result["backend"]);
    println!(
        "  throughput  {:>9.0} readings/s acknowledged ({} clients × {} readings/batch, {:.0} s; request p50 {} ms, p99 {} ms; load {} → {})",
        tp_rate,
        o.clients,
        o.batch,
        tp_s,
        f(&result["throughput"]["request_ms"]["p50_ms"]),
        f(&result["throughput"]["request_ms"]["p99_ms"]),
        load_before_tp,
        load_after_tp
    );
    println!(
        "  at {:>6.0}/s  push  p50 {:>6} ms  p99 {:>6} ms  max {:>6} ms  ({} matched, {} unmatched)",
        lat_acked as f64 / lat_s,
        f(&push["p50_ms"]),
        f(&push["p99_ms"]),
        f(&push["max_ms"]),
        push["n"],
        unmatched
    );
    println!(
        "              alert p50 {:>6} ms  p99 {:>6} ms  max {:>6} ms  ({} of {raises} raises seen; load {load_after_lat})",
        f(&alert["p50_ms"]),
        f(&alert["p99_ms"]),
        f(&alert["max_ms"]),
        alert["n"]
    );
    println!(
        "  check       acknowledged {acked}, stored {stored}, state seq {state_seq}: {}",
        if ok { "OK" } else { "MISMATCH" }
    );

    let results = o.out.join("results.json");
    let mut all: Value = std::fs::read(&results)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    all[&o.label] = result;
    std::fs::write(&results, serde_json::to_string_pretty(&all)?)?;
    Ok(ok)
}

fn main() -> std::process::ExitCode {
    let o = match parse_opts() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("loadgen: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("loadgen: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(o)) {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("loadgen: the store does not hold the readings acknowledged");
            std::process::ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("loadgen: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
