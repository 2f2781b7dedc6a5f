//! Shared by the `aman serve` end-to-end tests: run the real binary as a child process on a
//! free loopback port, create tokens, talk to its HTTP API.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The Lyon 2022 venue, relative to the repository root.
pub const LYON: &str = "venues/lyon2022-festival-of-lights/venue.toml";

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `aman token create ARGS --data DATA`: the token (stdout).
pub fn token(data: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_aman"))
        .args(["token", "create"])
        .args(args)
        .arg("--data")
        .arg(data)
        .current_dir(repo())
        .output()
        .expect("run aman token");
    assert!(
        out.status.success(),
        "aman token create {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(t.starts_with("aman_"), "token {t:?}");
    t
}

/// A sensor token of the Lyon venue.
pub fn sensor_token(data: &Path, venue: &str, sensor: &str) -> String {
    token(data, &["--sensor", sensor, "--venue", venue])
}

/// A running `aman serve`.
pub struct Serve {
    pub child: Child,
    pub url: String,
    pub log: PathBuf,
}

impl Serve {
    /// Starts `aman serve VENUE --data DATA --listen 127.0.0.1:PORT EXTRA…` from the
    /// repository root and waits until `/health` answers (or the process dies).
    pub fn start(venue: &str, data: &Path, extra: &[&str]) -> Serve {
        let port = free_port();
        let log = data.with_extension(format!("serve-{port}.log"));
        let err = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_aman"))
            .arg("serve")
            .arg(venue)
            .arg("--data")
            .arg(data)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(extra)
            .current_dir(repo())
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(err)
            .spawn()
            .expect("start aman serve");
        let mut s = Serve {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let agent = agent();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = agent.get(format!("{}/health", s.url)).call()
                && r.status().is_success()
            {
                break;
            }
            if let Some(status) = s.child.try_wait().unwrap() {
                panic!(
                    "aman serve exited ({status}) before answering:\n{}",
                    s.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "aman serve did not answer /health within 60 s:\n{}",
                s.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        s
    }

    /// What the server wrote on standard error so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM (with `kill -TERM`).
    pub fn terminate(&self) {
        let st = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(st.success(), "kill -TERM failed");
    }

    /// Waits for the process to end, up to `limit`; its status, or None if still running.
    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return Some(s);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// GET `path` with `token`: the JSON answer (panics on a non-2xx).
    pub fn get(&self, path: &str, token: &str) -> serde_json::Value {
        let (status, body) = get(&agent(), &format!("{}{path}", self.url), token);
        assert!((200..300).contains(&status), "GET {path}: {status} {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    /// Polls GET `path` until `ok` holds for its answer, up to `limit`; the last answer.
    pub fn poll(
        &self,
        path: &str,
        token: &str,
        limit: Duration,
        ok: impl Fn(&serde_json::Value) -> bool,
    ) -> Result<serde_json::Value, serde_json::Value> {
        let deadline = Instant::now() + limit;
        loop {
            let v = self.get(path, token);
            if ok(&v) {
                return Ok(v);
            }
            if Instant::now() >= deadline {
                return Err(v);
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that returns non-2xx answers instead of failing on them.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// GET with a bearer token: status and body.
pub fn get(agent: &ureq::Agent, url: &str, token: &str) -> (u16, String) {
    let r = agent
        .get(url)
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = r.status().as_u16();
    (status, r.into_body().read_to_string().unwrap_or_default())
}

/// POST a JSON body with a bearer token: status and body, or the transport error.
pub fn post(
    agent: &ureq::Agent,
    url: &str,
    token: &str,
    body: &str,
) -> Result<(u16, String), ureq::Error> {
    let r = agent
        .post(url)
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(body)?;
    let status = r.status().as_u16();
    Ok((status, r.into_body().read_to_string()?))
}

/// The element of JSON array `v[key]` whose `id` is `id`.
pub fn by_id<'a>(v: &'a serde_json::Value, key: &str, id: &str) -> &'a serde_json::Value {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no array {key:?} in {v}"))
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no {key} {id:?} in {v}"))
}
