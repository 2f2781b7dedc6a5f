//! The API tests' harness: one server per test on port 0 with its own database (SQLite in a
//! temporary directory, or a fresh PostgreSQL database when `AMAN_TEST_POSTGRES` names a
//! server), tokens made in the store, and typed HTTP and WebSocket helpers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Duration;

use aman_monitor::{Timestamp, Venue};
use aman_ops::Mode;
use aman_server::{Config, Limits, Running};
use aman_store::{Store, TokenRole};
use futures_util::StreamExt;
use serde_json::Value;
use sqlx::{Connection, Executor};
use tokio_tungstenite::tungstenite;

/// The store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite in a temporary directory (always).
    Sqlite,
    /// A fresh database on `AMAN_TEST_POSTGRES`.
    Postgres,
}

/// A test's database: the URL to open (again, for restarts).
pub struct Db {
    /// What `Store::open` takes.
    pub url: String,
    /// Which backend.
    pub backend: Backend,
    /// The SQLite directory, kept alive for the test.
    pub dir: Option<tempfile::TempDir>,
}

fn random_suffix() -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("OS random generator");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

static PG_SKIPPED: Once = Once::new();

/// Runs `test` on a fresh database of `backend`; on PostgreSQL only when `AMAN_TEST_POSTGRES`
/// is set (else it says once that it is skipped). The PostgreSQL database is dropped after.
pub async fn on<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = dir.path().to_str().expect("utf-8 temp path").to_owned();
            let db = Db {
                url,
                backend,
                dir: Some(dir),
            };
            let outcome = tokio::spawn(test(db)).await;
            if let Err(e) = outcome {
                std::panic::resume_unwind(e.into_panic());
            }
        }
        Backend::Postgres => {
            let Ok(base) = std::env::var("AMAN_TEST_POSTGRES") else {
                PG_SKIPPED.call_once(|| {
                    eprintln!(
                        "PostgreSQL API tests skipped: AMAN_TEST_POSTGRES is not set \
                         (run them with scripts/with-postgres cargo test -p aman-server --release)"
                    )
                });
                return;
            };
            let name = format!("aman_api_{}", random_suffix());
            let mut admin = sqlx::PgConnection::connect(&base)
                .await
                .expect("connect to AMAN_TEST_POSTGRES");
            admin
                .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await
                .expect("create test database");
            let (prefix, _) = base
                .rsplit_once('/')
                .expect("AMAN_TEST_POSTGRES ends in /database");
            let db = Db {
                url: format!("{prefix}/{name}"),
                backend,
                dir: None,
            };
            let outcome = tokio::spawn(test(db)).await;
            admin
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE {name} WITH (FORCE)"
                )))
                .await
                .expect("drop test database");
            if let Err(e) = outcome {
                std::panic::resume_unwind(e.into_panic());
            }
        }
    }
}

/// One test per backend for each function `async fn name(db: Db)`.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::common::on($crate::common::Backend::Sqlite, super::$name).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::common::on($crate::common::Backend::Postgres, super::$name).await
                }
            )*
        }
    };
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file of `../shared/data`.
pub fn shared_data(rel: &str) -> PathBuf {
    repo().join("../shared/data").join(rel)
}

/// A shipped venue.
pub fn venue(name: &str) -> Venue {
    let path = repo().join("venues").join(name).join("venue.toml");
    aman_monitor::venue_file::read_venue(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The label of the admin token of every test server.
pub const ADMIN_LABEL: &str = "admin test operator";

/// An HTTP answer.
#[derive(Debug, Clone)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: HashMap<String, String>,
    /// Body text.
    pub body: String,
}

impl Resp {
    /// The body as JSON (panics with the body if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    /// A header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// A blocking HTTP client of one server (ureq), cheap to clone; use it from
/// `spawn_blocking` or through [`TestApp`]'s async helpers.
#[derive(Clone)]
pub struct Client {
    /// `http://127.0.0.1:port`.
    pub base: String,
    agent: ureq::Agent,
}

/// How to authenticate a request.
#[derive(Debug, Clone)]
pub enum Auth {
    /// No Authorization header.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// This exact Authorization header value.
    Raw(Vec<u8>),
}

impl Client {
    /// A client of `addr`.
    pub fn new(addr: SocketAddr) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Client {
            base: format!("http://{addr}"),
            agent,
        }
    }

    /// `method path` with `auth` and an optional JSON body.
    pub fn request(&self, method: &str, path: &str, auth: &Auth, body: Option<&[u8]>) -> Resp {
        let url = format!("{}{path}", self.base);
        let mut req = ureq::http::Request::builder().method(method).uri(&url);
        match auth {
            Auth::None => {}
            Auth::Bearer(t) => req = req.header("Authorization", format!("Bearer {t}")),
            Auth::Raw(v) => {
                req = req.header(
                    "Authorization",
                    ureq::http::HeaderValue::from_bytes(v).expect("header value"),
                )
            }
        }
        let result = match body {
            Some(b) => {
                let req = req
                    .header("Content-Type", "application/json")
                    .body(b.to_vec())
                    .expect("request");
                self.agent.run(req)
            }
            None => self.agent.run(req.body(()).expect("request")),
        };
        let mut resp = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    v.to_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let body = resp
            .body_mut()
            .with_config()
            .limit(256 << 20)
            .read_to_string()
            .unwrap_or_default();
        Resp {
            status,
            headers,
            body,
        }
    }

    /// `POST /api/v1/sensors/{sensor}/readings` with `token`.
    pub fn post_readings(&self, sensor: &str, token: &str, body: &[u8]) -> Resp {
        self.request(
            "POST",
            &format!("/api/v1/sensors/{sensor}/readings"),
            &Auth::Bearer(token.into()),
            Some(body),
        )
    }
}

/// A running test server over a store.
pub struct TestApp {
    /// Bound address.
    pub addr: SocketAddr,
    /// HTTP client of it.
    pub client: Client,
    /// The store (shared with the server).
    pub store: Store,
    /// The admin token's text.
    pub admin: String,
    /// Each sensor's token text.
    pub sensors: HashMap<String, String>,
    /// The venue served.
    pub venue: Venue,
    running: Option<Running>,
}

impl TestApp {
    /// Starts a server for shipped venue `venue_dir` on `db`, in `mode`, with default limits.
    pub async fn spawn(db: &Db, venue_dir: &str, mode: Mode) -> TestApp {
        TestApp::spawn_with(db, venue_dir, mode, Limits::default()).await
    }

    /// Starts a server for shipped venue `venue_dir` on `db` with `limits`; creates an admin
    /// token and one token per sensor of the venue.
    pub async fn spawn_with(db: &Db, venue_dir: &str, mode: Mode, limits: Limits) -> TestApp {
        TestApp::spawn_venue(db, venue(venue_dir), mode, limits).await
    }

    /// Starts a server for `venue` on `db` with `limits`; creates an admin token and one token
    /// per sensor of the venue.
    pub async fn spawn_venue(db: &Db, venue: Venue, mode: Mode, limits: Limits) -> TestApp {
        TestApp::spawn_library(db, venue, mode, limits, None).await
    }

    /// [`TestApp::spawn_venue`] with the MSEL library `exercises` (`aman serve --exercises`).
    pub async fn spawn_library(
        db: &Db,
        venue: Venue,
        mode: Mode,
        limits: Limits,
        exercises: Option<PathBuf>,
    ) -> TestApp {
        let store = Store::open(&db.url).await.expect("open store");
        let (_, admin) = store
            .create_token(TokenRole::Admin, ADMIN_LABEL)
            .await
            .expect("admin token");
        let mut sensors = HashMap::new();
        for s in &venue.sensors {
            let (_, t) = store
                .create_token(
                    TokenRole::Sensor {
                        venue: venue.id.clone(),
                        sensor: s.id.clone(),
                    },
                    &format!("sensor {}", s.id),
                )
                .await
                .expect("sensor token");
            sensors.insert(s.id.clone(), t);
        }
        let running = aman_server::start(Config {
            venue: venue.clone(),
            store: store.clone(),
            listen: "127.0.0.1:0".parse().expect("address"),
            mqtt: None,
            mode,
            limits,
            cap_sender: None,
            tls: None,
            exercises,
        })
        .await
        .expect("server starts");
        TestApp {
            addr: running.addr,
            client: Client::new(running.addr),
            store,
            admin,
            sensors,
            venue,
            running: Some(running),
        }
    }

    /// Stops the server (storing what was submitted) and closes the store.
    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.expect("server stops cleanly");
        }
        self.store.close().await;
    }

    /// The token of `sensor`.
    pub fn token(&self, sensor: &str) -> String {
        self.sensors
            .get(sensor)
            .unwrap_or_else(|| panic!("no sensor {sensor}"))
            .clone()
    }

    /// Any request, off the async runtime.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        auth: Auth,
        body: Option<Vec<u8>>,
    ) -> Resp {
        let c = self.client.clone();
        let (method, path) = (method.to_string(), path.to_string());
        tokio::task::spawn_blocking(move || c.request(&method, &path, &auth, body.as_deref()))
            .await
            .expect("request task")
    }

    /// `GET path` with the admin token.
    pub async fn get(&self, path: &str) -> Resp {
        self.request("GET", path, Auth::Bearer(self.admin.clone()), None)
            .await
    }

    /// `GET path` with the admin token; 200 and its JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status, 200, "GET {path}: {}", r.body);
        r.json()
    }

    /// `POST path` with the admin token and a JSON body.
    pub async fn post_admin(&self, path: &str, body: &Value) -> Resp {
        self.request(
            "POST",
            path,
            Auth::Bearer(self.admin.clone()),
            Some(body.to_string().into_bytes()),
        )
        .await
    }

    /// `POST /api/v1/sensors/{sensor}/readings` with the sensor's own token.
    pub async fn post_readings(&self, sensor: &str, body: impl Into<Vec<u8>>) -> Resp {
        let token = self.token(sensor);
        self.post_readings_as(sensor, &token, body).await
    }

    /// `POST /api/v1/sensors/{sensor}/readings` with `token`.
    pub async fn post_readings_as(
        &self,
        sensor: &str,
        token: &str,
        body: impl Into<Vec<u8>>,
    ) -> Resp {
        self.request(
            "POST",
            &format!("/api/v1/sensors/{sensor}/readings"),
            Auth::Bearer(token.to_string()),
            Some(body.into()),
        )
        .await
    }

    /// `GET /api/v1/state`.
    pub async fn state(&self) -> Value {
        self.get_json("/api/v1/state").await
    }

    /// Opens `/api/v1/live` with `auth`; the stream, or the HTTP status it was refused with.
    pub async fn live(&self, auth: Auth) -> Result<Live, u16> {
        use tungstenite::client::IntoClientRequest;
        let mut req = format!("ws://{}/api/v1/live", self.addr)
            .into_client_request()
            .expect("ws request");
        match auth {
            Auth::None => {}
            Auth::Bearer(t) => {
                req.headers_mut().insert(
                    "Authorization",
                    format!("Bearer {t}").parse().expect("header"),
                );
            }
            Auth::Raw(v) => {
                req.headers_mut().insert(
                    "Authorization",
                    tungstenite::http::HeaderValue::from_bytes(&v).expect("header"),
                );
            }
        }
        match tokio_tungstenite::connect_async(req).await {
            Ok((ws, _)) => Ok(Live { ws }),
            Err(tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
            Err(e) => panic!("live: {e}"),
        }
    }
}

impl TestApp {
    /// Opens `GET /api/v1/live` with these request headers (a session's `Cookie`, an
    /// `Aman-Exercise`, an `Authorization`); the refusal's status code.
    pub async fn live_with(&self, headers: &[(&str, &str)]) -> Result<Live, u16> {
        use tungstenite::client::IntoClientRequest;
        let mut req = format!("ws://{}/api/v1/live", self.addr)
            .into_client_request()
            .expect("ws request");
        for (k, v) in headers {
            req.headers_mut().insert(
                tungstenite::http::HeaderName::from_bytes(k.as_bytes()).expect("header name"),
                v.parse().expect("header value"),
            );
        }
        match tokio_tungstenite::connect_async(req).await {
            Ok((ws, _)) => Ok(Live { ws }),
            Err(tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
            Err(e) => panic!("live: {e}"),
        }
    }
}

/// A live WebSocket subscription.
pub struct Live {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Live {
    /// The next JSON message, or `None` if the stream ended or `timeout` passed.
    pub async fn next(&mut self, timeout: Duration) -> Option<Value> {
        loop {
            let m = tokio::time::timeout(timeout, self.ws.next()).await.ok()??;
            match m.ok()? {
                tungstenite::Message::Text(t) => {
                    return Some(serde_json::from_str(t.as_str()).expect("live message is JSON"));
                }
                tungstenite::Message::Close(_) => return None,
                _ => {}
            }
        }
    }
}

/// Sends raw bytes as one HTTP/1.1 request (for what an HTTP client refuses to send);
/// the status code of the answer.
pub fn raw_http(addr: SocketAddr, request: &[u8]) -> u16 {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s.write_all(request).expect("send");
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    text.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"))
}

/// A sensor time on the wire (RFC 3339, microseconds).
pub fn wire_time(t: Timestamp) -> Value {
    serde_json::to_value(t).expect("time")
}

/// Polls `f` every 50 ms until it gives `Some`, for at most `secs`.
pub async fn eventually<T, F, Fut>(secs: f64, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let end = tokio::time::Instant::now() + Duration::from_secs_f64(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        if tokio::time::Instant::now() > end {
            panic!("{what}: not within {secs} s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A request with any headers and an optional `(content type, body)`, off the runtime;
/// redirects are not followed.
pub async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    headers: Vec<(String, String)>,
    body: Option<(&str, Vec<u8>)>,
) -> Resp {
    let base = app.client.base.clone();
    let (method, path) = (method.to_string(), path.to_string());
    let body = body.map(|(ct, b)| (ct.to_string(), b));
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let mut req = ureq::http::Request::builder()
            .method(method.as_str())
            .uri(format!("{base}{path}"));
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let result = match body {
            Some((ct, b)) => agent.run(req.header("Content-Type", ct).body(b).expect("request")),
            None => agent.run(req.body(()).expect("request")),
        };
        let mut resp = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let mut headers = HashMap::new();
        for (k, v) in resp.headers() {
            headers.insert(
                k.as_str().to_ascii_lowercase(),
                v.to_str().unwrap_or("").to_string(),
            );
        }
        Resp {
            status: resp.status().as_u16(),
            headers,
            body: resp.body_mut().read_to_string().unwrap_or_default(),
        }
    })
    .await
    .expect("request task")
}

/// A urlencoded form body for [`send`].
pub fn form(pairs: &[(&str, &str)]) -> Option<(&'static str, Vec<u8>)> {
    let body = serde_urlencoded::to_string(pairs).expect("form");
    Some(("application/x-www-form-urlencoded", body.into_bytes()))
}

/// A person's browser session: its cookie (`name=value`) and CSRF token.
#[derive(Clone, Debug)]
pub struct Sess {
    /// The `Cookie` header's value.
    pub cookie: String,
    /// The session's CSRF token.
    pub csrf: String,
}

/// Logs `login` in with `password` (`POST /login`, JSON); 200 expected.
pub async fn login_as(app: &TestApp, login: &str, password: &str) -> Sess {
    let body = serde_json::json!({"login": login, "password": password}).to_string();
    let r = send(
        app,
        "POST",
        "/login",
        vec![],
        Some(("application/json", body.into_bytes())),
    )
    .await;
    assert_eq!(r.status, 200, "login {login}: {}", r.body);
    let set = r.header("set-cookie").expect("Set-Cookie").to_string();
    Sess {
        cookie: set.split(';').next().unwrap().trim().to_string(),
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    }
}

/// The password of every test user.
pub const PW: &str = "correct horse battery";

/// Limits for tests that log in more than the default burst from one address (the login
/// rate limit itself is tested in `access.rs`).
pub fn many_logins() -> Limits {
    Limits {
        login_burst: 1e6,
        login_per_min: 1e6,
        ..Limits::default()
    }
}

/// A server on the shipped venue `venue_dir` in `mode`, with [`many_logins`], the
/// [`AGENCIES`] and `users` (`(login, agency, role, language)`, password [`PW`]).
pub async fn staffed(
    db: &Db,
    venue_dir: &str,
    mode: Mode,
    users: &[(&str, &str, aman_ops::access::Role, aman_store::Language)],
) -> TestApp {
    let app = TestApp::spawn_with(db, venue_dir, mode, many_logins()).await;
    people(&app.store, users, PW).await;
    app
}

/// Stores alert `a1`: the venue's first rule raised on its first zone, CAP severity Severe,
/// status Actual, at 2026-05-28T20:26:40Z.
pub async fn raise_a1(app: &TestApp) {
    let a = aman_store::AlertRecord::raised(
        "a1",
        &app.venue.id,
        &app.venue.rules[0].id,
        &app.venue.zones[0].id,
        "Severe",
        "Actual",
        Timestamp(1_780_000_000_000_000),
    );
    assert!(app.store.insert_alert(&a).await.unwrap());
}

/// The two agencies of the tests, `fr-pn` and `ma-dgsn`, named in French, Arabic and English.
pub const AGENCIES: [(&str, &str, &str, &str); 2] = [
    (
        "fr-pn",
        "Police nationale",
        "الشرطة الوطنية الفرنسية",
        "French National Police",
    ),
    (
        "ma-dgsn",
        "Sûreté nationale",
        "المديرية العامة للأمن الوطني",
        "Moroccan National Security",
    ),
];

/// Adds the [`AGENCIES`] and each user `(login, agency, role, language)` (display name the
/// login, password `password`) to `store`, as `aman agency add` and `aman user add` would.
pub async fn people(
    store: &Store,
    users: &[(&str, &str, aman_ops::access::Role, aman_store::Language)],
    password: &str,
) {
    for (id, fr, ar, en) in AGENCIES {
        store
            .create_agency(&aman_store::Agency {
                id: id.into(),
                name_fr: fr.into(),
                name_ar: ar.into(),
                name_en: en.into(),
            })
            .await
            .unwrap();
    }
    for &(login, agency, role, language) in users {
        store
            .create_user(
                &aman_store::NewUser {
                    login: login.into(),
                    display_name: login.into(),
                    agency: agency.into(),
                    role,
                    language,
                },
                &aman_store::Password::new(password),
            )
            .await
            .unwrap();
    }
}

/// A page without its header clock (the second may turn between two requests), to compare
/// two pages.
pub fn without_clock(body: &str) -> String {
    let Some(i) = body.find("<span id=\"clock\"") else {
        return body.to_string();
    };
    match body[i..].find("</span>") {
        Some(j) => format!("{}{}", &body[..i], &body[i + j..]),
        None => body.to_string(),
    }
}

/// Makes the database refuse audit entries whose action is one of `actions`: a trigger
/// named `name` (one per call), as a failing disk or a lost connection would between the
/// write and its entry.
pub async fn refuse_audit(db: &Db, name: &str, actions: &[&str]) {
    use sqlx::{Connection, Executor};
    let list = actions
        .iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(", ");
    match db.backend {
        Backend::Sqlite => {
            let path = std::path::Path::new(&db.url).join(aman_store::SQLITE_FILE);
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                .await
                .unwrap();
            c.execute(sqlx::AssertSqlSafe(format!(
                "CREATE TRIGGER {name} BEFORE INSERT ON audit_log WHEN NEW.action IN ({list}) \
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )))
            .await
            .unwrap();
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
            c.execute(sqlx::AssertSqlSafe(format!(
                "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 IF NEW.action IN ({list}) THEN RAISE EXCEPTION 'injected failure'; END IF; \
                 RETURN NEW; END $$"
            )))
            .await
            .unwrap();
            c.execute(sqlx::AssertSqlSafe(format!(
                "CREATE TRIGGER {name} BEFORE INSERT ON audit_log FOR EACH ROW \
                 EXECUTE FUNCTION {name}()"
            )))
            .await
            .unwrap();
        }
    }
}
