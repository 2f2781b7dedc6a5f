//! `aman serve` and `aman token`: the live server's command line.

use aman_ops::Mode;
use aman_server::{Config, Limits};
use aman_store::{Store, StoreError, TokenRole};
use anyhow::{Context, anyhow};

use crate::Failure;
use crate::args::{ServeArgs, TokenArgs};

pub(crate) fn store_url(data: &std::path::Path, database: &Option<String>) -> String {
    database
        .clone()
        .unwrap_or_else(|| data.display().to_string())
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(anyhow!("cannot start the async runtime: {e}")))
}

/// Opens the store; a bad URL is an input error (exit 2), an unreachable database not.
pub(crate) async fn open(url: &str) -> Result<Store, Failure> {
    Store::open(url).await.map_err(|e| match e {
        StoreError::BadUrl { .. } => Failure::Input(anyhow!(e)),
        other => Failure::Other(anyhow!(other)),
    })
}

fn init_logs(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Runs `aman serve` until SIGINT or SIGTERM.
///
/// # Errors
/// [`Failure::Input`] for a bad venue file or options, [`Failure::Other`] if the server
/// cannot start or fails.
pub fn run(a: &ServeArgs) -> Result<(), Failure> {
    let venue =
        aman_monitor::venue_file::read_venue(&a.venue).map_err(|e| Failure::Input(anyhow!(e)))?;
    for w in &venue.warnings {
        errln!("warning: {w}");
    }
    if !(a.rate.is_finite() && a.rate > 0.0) {
        return Err(Failure::Input(anyhow!(
            "--rate {}: give a positive number of readings per second",
            a.rate
        )));
    }
    if a.max_body < 1024 {
        return Err(Failure::Input(anyhow!(
            "--max-body {}: give at least 1024 bytes",
            a.max_body
        )));
    }
    let mode = match a.mode.as_str() {
        "exercise" => Mode::Exercise,
        "test" => Mode::Test,
        _ => Mode::Actual,
    };
    let tls = match (&a.tls_cert, &a.tls_key) {
        (Some(cert), Some(key)) => Some(
            aman_server::TlsConfig::from_pem_files(cert, key)
                .map_err(|e| Failure::Input(anyhow!("--tls-cert/--tls-key: {e}")))?,
        ),
        (None, None) => None,
        _ => {
            return Err(Failure::Input(anyhow!(
                "give both --tls-cert and --tls-key, or neither"
            )));
        }
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    init_logs(&a.log_format);
    let url = store_url(&a.data, &a.database);
    runtime()?.block_on(async {
        let store = open(&url).await?;
        if a.init {
            let agency = a.init_agency.as_deref().unwrap_or_default();
            crate::commands::users::init_admin(&store, &a.init_login, agency).await?;
        }
        let admins = store
            .list_tokens()
            .await
            .map_err(|e| Failure::Other(anyhow!(e)))?
            .iter()
            .filter(|t| t.role == TokenRole::Admin && t.revoked_at.is_none())
            .count();
        let users = store
            .users(None)
            .await
            .map_err(|e| Failure::Other(anyhow!(e)))?
            .len();
        let config = Config {
            venue,
            store: store.clone(),
            listen: a.listen,
            mqtt: a.mqtt.clone(),
            mode,
            limits: Limits {
                max_body: a.max_body,
                rate: a.rate,
                burst: 2.0 * a.rate,
                ..Limits::default()
            },
            cap_sender: None,
            tls,
            exercises: a.exercises.clone(),
        };
        let running = aman_server::start(config).await.map_err(|e| match e {
            aman_server::ServeError::Mqtt(_) | aman_server::ServeError::Library(_) => {
                Failure::Input(anyhow!(e))
            }
            other => Failure::Other(anyhow!(other)),
        })?;
        errln!(
            "aman serve: listening on {scheme}://{} ({} mode)",
            running.addr,
            mode.name()
        );
        if admins == 0 {
            errln!(
                "no admin token yet: create one with\n  aman token create --admin {}",
                match &a.database {
                    Some(_) => "--database <the same URL>".to_string(),
                    None => format!("--data {}", a.data.display()),
                }
            );
        }
        if users == 0 {
            errln!(
                "no user yet: create the first admin with 'aman serve … --init --init-agency ID' \
                 (or 'aman agency add' and 'aman user add')"
            );
        }
        let stopper = running.stopper();
        tokio::spawn(async move {
            shutdown_signal().await;
            tracing::info!("stopping: finishing requests in flight and storing what was accepted");
            let _ = stopper.send(true);
        });
        running
            .wait()
            .await
            .map_err(|e| Failure::Other(anyhow!(e)))?;
        store.close().await;
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// Runs `aman token`.
///
/// # Errors
/// [`Failure::Input`] for bad options or an unknown sensor, [`Failure::Other`] if the store
/// fails.
pub fn token(a: &TokenArgs) -> Result<(), Failure> {
    let url = store_url(&a.data, &a.database);
    let role = match (a.action.as_str(), a.admin, &a.sensor, &a.venue) {
        ("create", true, None, _) => Some(TokenRole::Admin),
        ("create", false, Some(sensor), Some(venue_file)) => {
            let venue = aman_monitor::venue_file::read_venue(venue_file)
                .map_err(|e| Failure::Input(anyhow!(e)))?;
            if venue.sensor(sensor).is_none() {
                let ids: Vec<&str> = venue.sensors.iter().map(|s| s.id.as_str()).collect();
                return Err(Failure::Input(anyhow!(
                    "--sensor {sensor:?} is not a sensor of {} (its sensors: {ids:?})",
                    venue_file.display()
                )));
            }
            Some(TokenRole::Sensor {
                venue: venue.id.clone(),
                sensor: sensor.clone(),
            })
        }
        ("create", ..) => {
            return Err(Failure::Input(anyhow!(
                "token create needs --admin, or --sensor ID with --venue FILE"
            )));
        }
        _ => None,
    };
    runtime()?.block_on(async {
        let store = open(&url).await?;
        match a.action.as_str() {
            "create" => {
                let role = role.ok_or_else(|| Failure::Input(anyhow!("no role")))?;
                let (info, text) = store
                    .create_token(role, &a.label)
                    .await
                    .context("creating the token")?;
                errln!("token {} created; it is shown once, store it now:", info.id);
                outln!("{text}")?;
            }
            "list" => {
                for t in store.list_tokens().await.context("listing tokens")? {
                    let role = match &t.role {
                        TokenRole::Admin => "admin".to_string(),
                        TokenRole::Sensor { venue, sensor } => format!("sensor {venue}/{sensor}"),
                    };
                    let state = if t.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    outln!("{}  {state:7}  {role}  {}  {}", t.id, t.created_at, t.label)?;
                }
            }
            _ => {
                let Some(id) = &a.id else {
                    return Err(Failure::Input(anyhow!("token revoke needs the token's id")));
                };
                store.revoke_token(id).await.map_err(|e| match e {
                    StoreError::NotFound { .. } => {
                        Failure::Input(anyhow!("no token with id {id:?}"))
                    }
                    other => Failure::Other(anyhow!(other)),
                })?;
                errln!("token {id} revoked");
            }
        }
        store.close().await;
        Ok(())
    })
}
