//! # aman-server
//!
//! `aman serve`'s edges around the pure cores: the HTTP API and WebSocket push (axum), MQTT
//! ingestion (rumqttc), authentication (bearer tokens for sensors and scripts, sessions for
//! people) and the access check of every route ([`ROUTES`]), limits, graceful shutdown. It parses,
//! checks, calls the monitor and the store, and answers; the live state and the rules live
//! in `aman-monitor`, alert messages in `aman-ops`, persistence in `aman-store`.
//!
//! Data flows one way: sensor payload → adapter → checked readings → store (durable) →
//! monitor (state, rules) → alerts (CAP) and pushes. See `docs/serve.md` for the API.
#![forbid(unsafe_code)]

pub mod alert_actions;
pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod error;
pub mod exercise;
pub mod forecast;
pub mod heat;
pub mod ingest;
pub mod library;
pub mod live;
pub mod mqtt;
pub mod ops;
pub mod pipeline;
pub mod routes;
pub mod tls;
pub mod users;

use std::net::SocketAddr;
use std::sync::Arc;

use aman_monitor::{Monitor, Venue};
use aman_ops::Mode;
use aman_store::Store;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use tokio::net::TcpListener;

pub use app::{AppState, Limits};
pub use routes::{ROUTES, Route, Scope};
pub use tls::{TlsConfig, TlsError};

/// The OpenAPI 3.1 document of the API, served at `/api/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// What `aman serve` runs.
pub struct Config {
    /// The venue.
    pub venue: Venue,
    /// The opened store.
    pub store: Store,
    /// Where to listen for HTTP.
    pub listen: SocketAddr,
    /// `mqtt://host:port` of a broker to subscribe to, if any.
    pub mqtt: Option<String>,
    /// Actual, exercise or test.
    pub mode: Mode,
    /// Client limits.
    pub limits: Limits,
    /// CAP `sender` of the alerts (default `aman@<venue id>`).
    pub cap_sender: Option<String>,
    /// Serve HTTPS and WSS with this certificate instead of HTTP and WS.
    pub tls: Option<TlsConfig>,
    /// The folder of the MSEL library (`--exercises`, [`library`]): the master events lists
    /// a trainer makes an exercise from in the dashboard. `None`: no library.
    pub exercises: Option<std::path::PathBuf>,
}

/// Errors that stop the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The store failed at start.
    #[error("{0}")]
    Store(#[from] aman_store::StoreError),
    /// A bad `--mqtt` URL.
    #[error("--mqtt: {0}")]
    Mqtt(String),
    /// The MSEL library's folder cannot be used.
    #[error("{0}")]
    Library(#[from] library::LibraryError),
    /// A stored exercise cannot be reopened.
    #[error("reopening the exercises: {0}")]
    Exercise(String),
    /// The HTTP server failed.
    #[error("HTTP server: {0}")]
    Http(std::io::Error),
}

/// The router of the API over `state`: the routes of [`ROUTES`], each behind its access
/// check, and a 404 for anything else. Add a route to [`ROUTES`], never here.
pub fn router(state: AppState) -> Router {
    let max_body = state.limits.max_body;
    let mut router = Router::new();
    for (path, method_router) in routes::method_routers(&state) {
        router = router.route(path, method_router);
    }
    router
        .fallback(|| async {
            error::AppError::NotFound("no such endpoint; see /api/openapi.json".into())
        })
        .layer(DefaultBodyLimit::max(max_body))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// A started server: its address, and a way to stop it and wait.
pub struct Running {
    /// The bound address (port 0 resolved).
    pub addr: SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<(), ServeError>>,
}

impl Running {
    /// Stops accepting, lets requests in flight finish, stores every submitted reading, and
    /// waits for all of it.
    ///
    /// # Errors
    /// The server's error, if it failed.
    pub async fn stop(self) -> Result<(), ServeError> {
        let _ = self.stop.send(true);
        self.task.await.unwrap_or(Ok(()))
    }

    /// Waits until the server ends (after [`Running::stop`] or a fatal error).
    ///
    /// # Errors
    /// The server's error, if it failed.
    pub async fn wait(self) -> Result<(), ServeError> {
        self.task.await.unwrap_or(Ok(()))
    }

    /// A sender that stops the server when `true` is sent (for signal handlers).
    pub fn stopper(&self) -> tokio::sync::watch::Sender<bool> {
        self.stop.clone()
    }
}

/// Rebuilds the live state from the store, binds, and starts serving (HTTP, MQTT).
///
/// # Errors
/// [`ServeError`] if the store cannot be read, the address cannot be bound or the MQTT URL
/// is bad.
pub async fn start(config: Config) -> Result<Running, ServeError> {
    let mqtt = match &config.mqtt {
        Some(url) => Some(mqtt::parse_mqtt_url(url).map_err(ServeError::Mqtt)?),
        None => None,
    };
    let sender = config
        .cap_sender
        .unwrap_or_else(|| format!("aman@{}", config.venue.id));
    let venue = Arc::new(config.venue);
    let library = match config.exercises {
        Some(dir) => {
            let id = venue.id.clone();
            let lib = tokio::task::spawn_blocking(move || library::Library::scan(&dir, &id))
                .await
                .map_err(|e| ServeError::Exercise(format!("scanning the MSEL library: {e}")))??;
            tracing::info!(
                folder = %lib.root.display(),
                msels = lib.entries.len(),
                other_venues = lib.other.len(),
                "MSEL library"
            );
            Some(Arc::new(lib))
        }
        None => None,
    };
    let monitor = Monitor::new((*venue).clone(), app::now());
    let (pipeline, pipeline_task) =
        pipeline::start(config.store.clone(), monitor, sender.clone(), config.mode).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let state = AppState {
        venue: venue.clone(),
        store: config.store,
        pipeline,
        tokens: Arc::default(),
        rates: Arc::default(),
        logins: Arc::default(),
        limits: config.limits,
        mode: config.mode,
        forecast: Arc::new(forecast::Forecaster::new(venue.clone())),
        sender,
        exercises: Arc::default(),
        exercise: None,
        stop: stopped.clone(),
        library,
        preparing: Arc::new(tokio::sync::Semaphore::new(1)),
    };
    exercise::restore(&state)
        .await
        .map_err(|e| ServeError::Exercise(e.to_string()))?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Listen {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(ServeError::Http)?;
    let tls_on = config.tls.is_some();
    let wait_stop = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        while !*rx.borrow() {
            if rx.changed().await.is_err() {
                break;
            }
        }
    };
    let pipeline_handle = state.pipeline.clone();
    let mqtt_task = mqtt.map(|(host, port)| {
        tokio::spawn(mqtt::run(
            state.clone(),
            host,
            port,
            wait_stop(stopped.clone()),
        ))
    });
    let forecast_task = tokio::spawn(forecast::run(
        state.forecast.clone(),
        state.pipeline.clone(),
        wait_stop(stopped.clone()),
    ));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let http_stop = wait_stop(stopped);
    let tls = config.tls;
    let task = tokio::spawn(async move {
        let served = match tls {
            None => {
                axum::serve(listener, app)
                    .with_graceful_shutdown(http_stop)
                    .await
            }
            Some(tls) => {
                // `tap_io` only to get axum's `ConnectInfo<SocketAddr>` for a custom listener.
                use axum::serve::ListenerExt;
                let listener = tls::TlsListener::new(listener, &tls).tap_io(|_| {});
                axum::serve(listener, app)
                    .with_graceful_shutdown(http_stop)
                    .await
            }
        };
        if let Some(t) = mqtt_task {
            let _ = t.await;
        }
        let _ = forecast_task.await;
        // No request is in flight any more: store what was submitted, then stop.
        pipeline_handle.stop().await;
        let _ = pipeline_task.await;
        served.map_err(ServeError::Http)
    });
    tracing::info!(%addr, tls = tls_on, "aman serve listening");
    Ok(Running { addr, stop, task })
}
