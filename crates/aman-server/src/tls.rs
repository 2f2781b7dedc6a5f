//! HTTPS and WSS: a rustls (ring provider) server configuration read from PEM files, and a
//! TLS listener that axum's `serve` drives like a plain `TcpListener`.
//!
//! Handshakes run in their own tasks, so a slow or silent client cannot hold up the accept
//! loop; each has [`HANDSHAKE_TIMEOUT`]. A client that speaks plain HTTP to the TLS port
//! fails the handshake and is closed: nothing is served in clear.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// How long a client has to complete the TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Handshakes in progress beyond which new connections wait in the kernel's backlog.
const MAX_PENDING_HANDSHAKES: usize = 1024;

/// A certificate chain and its private key, ready to serve TLS 1.2 and 1.3.
#[derive(Clone)]
pub struct TlsConfig {
    server: Arc<ServerConfig>,
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig").finish_non_exhaustive()
    }
}

/// Why the certificate or the key cannot be used. Each names its file.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The file cannot be read (missing, no permission…).
    #[error("{}: cannot read the {what}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// "certificate" or "private key".
        what: &'static str,
        /// Why.
        source: io::Error,
    },
    /// The file has no PEM block of the expected kind, or a broken one.
    #[error("{}: not a PEM {what} ({detail})", path.display())]
    NotPem {
        /// The file.
        path: PathBuf,
        /// "certificate" or "private key".
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// The key cannot be used, or does not belong to the certificate.
    #[error("{}: {detail} (certificate {})", key.display(), cert.display())]
    Key {
        /// The key file.
        key: PathBuf,
        /// The certificate file.
        cert: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

impl TlsError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Read { path, .. } | Self::NotPem { path, .. } => path,
            Self::Key { key, .. } => key,
        }
    }
}

fn read(path: &Path, what: &'static str) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_path_buf(),
        what,
        source,
    })
}

fn pem_error(path: &Path, what: &'static str, e: &rustls::pki_types::pem::Error) -> TlsError {
    TlsError::NotPem {
        path: path.to_path_buf(),
        what,
        detail: e.to_string(),
    }
}

impl TlsConfig {
    /// Reads a PEM certificate chain (the server's certificate first, then intermediates) and
    /// its PEM private key (PKCS#8, PKCS#1 or SEC1), and checks that they belong together.
    ///
    /// # Errors
    /// [`TlsError`] naming the file that is missing, unreadable, not PEM, or whose key does
    /// not match the certificate.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Self, TlsError> {
        const CERT: &str = "certificate";
        const KEY: &str = "private key";
        let cert_pem = read(cert, CERT)?;
        let key_pem = read(key, KEY)?;
        let chain = CertificateDer::pem_slice_iter(&cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| pem_error(cert, CERT, &e))?;
        if chain.is_empty() {
            return Err(TlsError::NotPem {
                path: cert.to_path_buf(),
                what: CERT,
                detail: "no -----BEGIN CERTIFICATE----- block".into(),
            });
        }
        let private = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| match e {
            rustls::pki_types::pem::Error::NoItemsFound => TlsError::NotPem {
                path: key.to_path_buf(),
                what: KEY,
                detail: "no -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY) block".into(),
            },
            e => pem_error(key, KEY, &e),
        })?;
        // Deprecated in rustls 0.23.48 for lacking post-quantum key exchange, which only the
        // aws-lc-rs provider has: the workspace stays on ring (CRATES.md, no aws-lc).
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut server = ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| TlsError::Key {
                key: key.to_path_buf(),
                cert: cert.to_path_buf(),
                detail: e.to_string(),
            })?
            .with_no_client_auth()
            .with_single_cert(chain, private)
            .map_err(|e| TlsError::Key {
                key: key.to_path_buf(),
                cert: cert.to_path_buf(),
                detail: match e {
                    rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch) => {
                        "this private key does not match the certificate".into()
                    }
                    rustls::Error::InconsistentKeys(_) => {
                        "cannot check that the private key matches the certificate".into()
                    }
                    e => format!("unusable private key or certificate: {e}"),
                },
            })?;
        // axum serves HTTP/1.1 (WebSocket upgrades included); HTTP/2 is not compiled in.
        server.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            server: Arc::new(server),
        })
    }

    /// The rustls server configuration.
    pub fn server_config(&self) -> Arc<ServerConfig> {
        self.server.clone()
    }
}

/// A TCP listener that hands out connections after a successful TLS handshake.
pub struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    handshakes: JoinSet<Option<(TlsStream<TcpStream>, SocketAddr)>>,
}

impl TlsListener {
    /// Wraps a bound listener.
    pub fn new(tcp: TcpListener, config: &TlsConfig) -> Self {
        Self {
            tcp,
            acceptor: TlsAcceptor::from(config.server_config()),
            handshakes: JoinSet::new(),
        }
    }

    fn start_handshake(&mut self, stream: TcpStream, peer: SocketAddr) {
        let acceptor = self.acceptor.clone();
        self.handshakes.spawn(async move {
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => Some((tls, peer)),
                Ok(Err(e)) => {
                    tracing::debug!(%peer, "TLS handshake failed: {e}");
                    None
                }
                Err(_) => {
                    tracing::debug!(%peer, "TLS handshake timed out");
                    None
                }
            }
        });
    }
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    // Cancel-safe (axum drops this future at shutdown): the state lives in `self`, and
    // `TcpListener::accept` and `JoinSet::join_next` are cancel-safe.
    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let room = self.handshakes.len() < MAX_PENDING_HANDSHAKES;
            tokio::select! {
                accepted = self.tcp.accept(), if room => match accepted {
                    Ok((stream, peer)) => self.start_handshake(stream, peer),
                    Err(e) if is_connection_error(&e) => {}
                    Err(e) => {
                        // Out of file descriptors and the like: as axum does, wait a little.
                        tracing::error!("accept error: {e}");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                },
                Some(done) = self.handshakes.join_next(), if !self.handshakes.is_empty() => {
                    if let Ok(Some(conn)) = done {
                        return conn;
                    }
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
