//! A small W3C WebDriver client over `ureq`, for the browser test: it starts Debian's
//! `chromedriver` on a free loopback port, opens headless Chromium sessions (each with its own
//! profile in a temporary directory), and offers explicit waits and PNG screenshots.
//!
//! Only the endpoints the test needs (W3C WebDriver, <https://www.w3.org/TR/webdriver2/>):
//! new/delete session, navigate, find element(s), element click / send keys / clear, execute
//! script, window rect, take screenshot. `thirtyfour` 0.38 would bring reqwest, aws-lc-sys and a
//! driver downloader (zip, tar) to speak this plain HTTP to a process on loopback.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long an explicit wait polls before failing.
pub const WAIT: Duration = Duration::from_secs(10);

/// The W3C key of an element reference in WebDriver answers.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The Chromium flags of the brief: headless, no sandbox (root in CI), nothing reaching out.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

/// The first of `names` found on PATH (or as an absolute path).
fn which(names: &[&str]) -> Option<PathBuf> {
    for n in names {
        let p = Path::new(n);
        if p.is_absolute() && p.is_file() {
            return Some(p.to_path_buf());
        }
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            let c = dir.join(n);
            if c.is_file() {
                return Some(c);
            }
        }
    }
    None
}

/// `chromium` and `chromedriver` from Debian (or the files named by `AMAN_CHROMIUM` and
/// `AMAN_CHROMEDRIVER`); `Err` names what is missing and how to get it.
pub fn browser_binaries() -> Result<(PathBuf, PathBuf), String> {
    let pick = |var: &str, names: &[&str]| match std::env::var_os(var) {
        Some(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
        None => which(names),
    };
    let chromium = pick("AMAN_CHROMIUM", &["chromium", "/usr/bin/chromium"]);
    let driver = pick(
        "AMAN_CHROMEDRIVER",
        &["chromedriver", "/usr/bin/chromedriver"],
    );
    match (chromium, driver) {
        (Some(c), Some(d)) => Ok((c, d)),
        (c, d) => Err(format!(
            "the browser test needs Debian's chromium and chromium-driver ({}{}missing): \
             run `scripts/install-test-tools` as root (scripts/test does), or set \
             AMAN_SKIP_BROWSER=1 to skip this test on purpose",
            if c.is_none() { "chromium " } else { "" },
            if d.is_none() { "chromedriver " } else { "" },
        )),
    }
}

/// An HTTP client that hands back non-2xx answers (WebDriver errors are JSON bodies).
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// A running `chromedriver`, killed on drop.
pub struct Driver {
    child: Child,
    url: String,
    chromium: PathBuf,
    agent: ureq::Agent,
    log: PathBuf,
}

impl Driver {
    /// Starts `chromedriver --port=P` on a free loopback port and waits until `/status` says
    /// ready. Its log goes to `log`.
    pub fn start(log: &Path) -> Driver {
        let (chromium, driver) = browser_binaries().unwrap_or_else(|e| panic!("{e}"));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = std::fs::File::create(log).expect("chromedriver log");
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(err.try_clone().unwrap())
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", driver.display()));
        let mut d = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            chromium,
            agent: agent(),
            log: log.to_path_buf(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(mut r) = d.agent.get(format!("{}/status", d.url)).call()
                && r.status().is_success()
                && let Ok(text) = r.body_mut().read_to_string()
                && let Ok(v) = serde_json::from_str::<Value>(&text)
                && v["value"]["ready"] == true
            {
                break;
            }
            if let Some(st) = d.child.try_wait().unwrap() {
                panic!(
                    "chromedriver exited ({st}):\n{}",
                    std::fs::read_to_string(&d.log).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver not ready within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        d
    }

    /// A new headless Chromium session with its own profile, window `width`×`height` CSS px.
    pub fn session(&self, width: u32, height: u32) -> Session {
        let profile = tempfile::tempdir().expect("profile dir");
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push(format!("--window-size={width},{height}"));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": self.chromium.to_str().unwrap(),
                "args": args,
                // The same Accept-Language on every machine, whatever its locale.
                "prefs": {"intl.accept_languages": "en-US,en"},
            },
        }}});
        let v = call(
            &self.agent,
            "POST",
            &format!("{}/session", self.url),
            Some(caps),
        )
        .unwrap_or_else(|e| {
            panic!(
                "new session: {e}\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            )
        });
        let id = v["sessionId"].as_str().expect("sessionId").to_string();
        let s = Session {
            base: format!("{}/session/{id}", self.url),
            agent: self.agent.clone(),
            _profile: profile,
        };
        s.set_window(width, height);
        s
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebDriver error answer: its `error` code and message.
#[derive(Debug)]
pub struct WdError {
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

/// One WebDriver command: the answer's `value`, or its error.
fn call(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<Value>,
) -> Result<Value, WdError> {
    let answer = match method {
        "GET" => agent.get(url).call(),
        "DELETE" => agent.delete(url).call(),
        _ => agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(body.unwrap_or(json!({})).to_string()),
    };
    let mut r = answer.map_err(|e| WdError {
        error: "transport".into(),
        message: format!("{method} {url}: {e}"),
    })?;
    let ok = r.status().is_success();
    let text = r.body_mut().read_to_string().unwrap_or_default();
    let v: Value = serde_json::from_str(&text).map_err(|e| WdError {
        error: "bad answer".into(),
        message: format!("{method} {url}: {e}: {text}"),
    })?;
    if ok {
        Ok(v["value"].clone())
    } else {
        Err(WdError {
            error: v["value"]["error"].as_str().unwrap_or("?").to_string(),
            message: v["value"]["message"]
                .as_str()
                .unwrap_or("")
                .lines()
                .next()
                .unwrap_or("")
                .to_string(),
        })
    }
}

/// One browser session (its own Chromium and profile); ended on drop.
pub struct Session {
    base: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

impl Session {
    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, WdError> {
        call(&self.agent, method, &format!("{}{path}", self.base), body)
    }

    fn must(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.cmd(method, path, body)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"))
    }

    /// Sets the window's outer size.
    pub fn set_window(&self, width: u32, height: u32) {
        self.must(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// Navigates to `url` and waits for the page load.
    pub fn goto(&self, url: &str) {
        self.must("POST", "/url", Some(json!({"url": url})));
    }

    /// Sends Chrome DevTools Protocol command `cmd` through chromedriver's `goog/cdp/execute`.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.must(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": cmd, "params": params})),
        )
    }

    /// Runs `source` in every page this session opens from now on, before the page's scripts.
    pub fn before_each_page(&self, source: &str) {
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": source}),
        );
    }

    /// The current URL.
    pub fn url(&self) -> String {
        self.must("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its result.
    pub fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.must(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// The element matching CSS `css` now, if any.
    pub fn find(&self, css: &str) -> Option<String> {
        match self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        ) {
            Ok(v) => Some(v[ELEMENT_KEY].as_str().expect("element id").to_string()),
            Err(e) if e.error == "no such element" => None,
            Err(e) => panic!("find {css:?}: {e}"),
        }
    }

    /// Waits (up to [`WAIT`]) for an element matching `css`; panics with the page's URL and
    /// `what` if none appears.
    pub fn wait_for(&self, css: &str) -> String {
        self.wait(&format!("an element {css}"), || self.find(css))
    }

    /// Polls `probe` every 50 ms until it gives `Some`, up to [`WAIT`]; `None` if it never does.
    pub fn try_wait<T>(&self, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(t) = probe() {
                return Some(t);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls `probe` every 50 ms until it gives `Some`, up to [`WAIT`]; panics naming `what`.
    pub fn wait<T>(&self, what: &str, probe: impl FnMut() -> Option<T>) -> T {
        self.wait_long(what, WAIT.as_secs(), probe)
    }

    /// [`Session::wait`] up to `secs` seconds, for what takes its time (a replay running).
    pub fn wait_long<T>(&self, what: &str, secs: u64, mut probe: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(t) = probe() {
                return t;
            }
            if Instant::now() >= deadline {
                let body = self
                    .cmd(
                        "POST",
                        "/execute/sync",
                        Some(json!({"script": "return document.body ? document.body.innerText.slice(0, 2000) : ''", "args": []})),
                    )
                    .map(|v| v.as_str().unwrap_or_default().to_string())
                    .unwrap_or_default();
                panic!(
                    "waited {secs} s for {what} on {}; the page says:\n{body}",
                    self.url()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `getAttribute(name)` of the first element matching `css`, if both exist.
    pub fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.js(
            "const e = document.querySelector(arguments[0]); \
             return e ? e.getAttribute(arguments[1]) : null;",
            vec![json!(css), json!(name)],
        )
        .as_str()
        .map(str::to_string)
    }

    /// The `textContent` (trimmed) of the first element matching `css`, if any.
    pub fn text(&self, css: &str) -> Option<String> {
        self.js(
            "const e = document.querySelector(arguments[0]); \
             return e ? e.textContent.trim() : null;",
            vec![json!(css)],
        )
        .as_str()
        .map(str::to_string)
    }

    /// Clicks the element matching `css` (waiting for it), as a person would (WebDriver click:
    /// scrolled into view, must be visible and not covered).
    pub fn click(&self, css: &str) {
        let id = self.wait_for(css);
        self.must("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Clicks `css`, a button that submits a form, and waits until the answer is the page
    /// shown (not the page the click was made on, which may still be there for a moment).
    pub fn click_to_new_page(&self, css: &str) {
        self.js("window.__amanOldPage = true;", vec![]);
        self.click(css);
        self.wait(&format!("a new page after clicking {css}"), || {
            let fresh = self.cmd(
                "POST",
                "/execute/sync",
                Some(json!({
                    "script": "return window.__amanOldPage === undefined && document.readyState === 'complete';",
                    "args": [],
                })),
            );
            matches!(fresh, Ok(Value::Bool(true))).then_some(())
        });
    }

    /// Clears the field matching `css` and types `text` into it (WebDriver send keys).
    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.wait_for(css);
        self.must("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.must(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        );
    }

    /// Saves a PNG screenshot of the viewport to `path`.
    pub fn screenshot(&self, path: &Path) {
        let v = self.must("GET", "/screenshot", None);
        let png = base64_decode(v.as_str().expect("base64 screenshot"));
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
        std::fs::write(path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = call(&self.agent, "DELETE", &self.base, None);
    }
}

/// Standard base64 (RFC 4648 §4, with padding) to bytes; what WebDriver screenshots are.
fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c:?}"),
        }
    };
    let bytes: Vec<u8> = s
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c) << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    out
}

#[test]
fn base64_decodes_rfc4648_vectors() {
    // RFC 4648 §10 test vectors.
    for (enc, dec) in [
        ("", ""),
        ("Zg==", "f"),
        ("Zm8=", "fo"),
        ("Zm9v", "foo"),
        ("Zm9vYg==", "foob"),
        ("Zm9vYmE=", "fooba"),
        ("Zm9vYmFy", "foobar"),
    ] {
        assert_eq!(base64_decode(enc), dec.as_bytes());
    }
}
