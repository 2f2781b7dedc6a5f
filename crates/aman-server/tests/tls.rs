//! `aman serve` over TLS: HTTPS and WSS with a self-signed certificate, nothing in clear,
//! clear errors for bad certificate or key files.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use aman_server::{Config, Limits, TlsConfig, TlsError};
use aman_store::{Store, TokenRole};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A self-signed certificate for localhost and 127.0.0.1: (certificate PEM, key PEM).
fn self_signed() -> (String, String) {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
            .expect("rcgen");
    (cert.pem(), signing_key.serialize_pem())
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// A ureq client that trusts only `cert_pem`.
fn trusting(cert_pem: &str) -> ureq::Agent {
    let cert = ureq::tls::Certificate::from_pem(cert_pem.as_bytes()).expect("cert");
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::new_with_certs(&[cert]))
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

struct Server {
    running: aman_server::Running,
    token: String,
    _dir: tempfile::TempDir,
}

async fn start(tls: TlsConfig, dir: tempfile::TempDir) -> Server {
    let venue = aman_monitor::venue_file::read_venue(
        &repo().join("venues/lyon2022-festival-of-lights/venue.toml"),
    )
    .expect("venue");
    let store = Store::open(&dir.path().join("data").display().to_string())
        .await
        .expect("store");
    let (_, token) = store
        .create_token(TokenRole::Admin, "tls test")
        .await
        .expect("token");
    let running = aman_server::start(Config {
        venue,
        store,
        listen: "127.0.0.1:0".parse().expect("addr"),
        mqtt: None,
        mode: aman_ops::Mode::Test,
        limits: Limits::default(),
        cap_sender: None,
        exercises: None,
        tls: Some(tls),
    })
    .await
    .expect("start");
    Server {
        running,
        token,
        _dir: dir,
    }
}

/// A WebSocket upgrade of `/api/v1/live` over a rustls client connection: the status line.
fn wss_upgrade(addr: SocketAddr, cert_pem: &str, token: &str) -> String {
    let mut roots = rustls::RootCertStore::empty();
    let cert = ureq::tls::Certificate::from_pem(cert_pem.as_bytes()).expect("cert");
    roots
        .add(rustls::pki_types::CertificateDer::from(cert.der().to_vec()))
        .expect("root");
    #[allow(deprecated)] // ring lacks post-quantum key exchange: fine for a test client
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let conn = rustls::ClientConnection::new(Arc::new(config), name).expect("client");
    let tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    write!(
        tls,
        "GET /api/v1/live HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Authorization: Bearer {token}\r\n\r\n"
    )
    .expect("send");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n") {
        tls.read_exact(&mut byte).expect("read");
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).trim().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_and_wss_with_a_self_signed_certificate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert_pem, key_pem) = self_signed();
    let cert = write(dir.path(), "cert.pem", &cert_pem);
    let key = write(dir.path(), "key.pem", &key_pem);
    let tls = TlsConfig::from_pem_files(&cert, &key).expect("tls config");
    let server = start(tls, dir).await;
    let addr = server.running.addr;
    let port = addr.port();
    let token = server.token.clone();

    let pem = cert_pem.clone();
    tokio::task::spawn_blocking(move || {
        let agent = trusting(&pem);
        // HTTPS, by IP address and by name.
        for host in ["127.0.0.1", "localhost"] {
            let res = agent
                .get(format!("https://{host}:{port}/health"))
                .call()
                .expect("https /health");
            assert_eq!(res.status(), 200, "GET https://{host}:{port}/health");
        }
        // An authenticated API call over TLS.
        let mut res = agent
            .get(format!("https://127.0.0.1:{port}/api/v1/state"))
            .header("Authorization", format!("Bearer {token}"))
            .call()
            .expect("https /api/v1/state");
        assert_eq!(res.status(), 200);
        let text = res.body_mut().read_to_string().expect("body");
        let body: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert!(body.is_object(), "{body}");
        // Without the token: 401, still over TLS.
        let res = agent
            .get(format!("https://127.0.0.1:{port}/api/v1/state"))
            .call()
            .expect("https unauthenticated");
        assert_eq!(res.status(), 401);

        // A client that does not trust the certificate (public web roots) fails the handshake.
        let untrusting: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        let err = untrusting
            .get(format!("https://127.0.0.1:{port}/health"))
            .call()
            .expect_err("an untrusted certificate must be refused");
        let text = err.to_string();
        assert!(
            matches!(err, ureq::Error::Rustls(_)) || text.contains("certificate"),
            "{text}"
        );

        // Plain HTTP to the TLS port: no HTTP answer, nothing served in clear.
        let mut tcp = TcpStream::connect(addr).expect("connect");
        tcp.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        tcp.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .expect("send");
        let mut answer = Vec::new();
        let _ = tcp.read_to_end(&mut answer);
        assert!(
            !answer.starts_with(b"HTTP/"),
            "plain HTTP was answered: {:?}",
            String::from_utf8_lossy(&answer)
        );
        let res = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .new_agent()
            .get(format!("http://127.0.0.1:{port}/health"))
            .call();
        assert!(res.is_err(), "plain HTTP /health answered: {res:?}");

        // WSS: the live push upgrades over TLS.
        let status = wss_upgrade(addr, &pem, &token);
        assert!(status.starts_with("HTTP/1.1 101"), "{status}");
    })
    .await
    .expect("client");

    // Graceful shutdown still works.
    tokio::time::timeout(Duration::from_secs(30), server.running.stop())
        .await
        .expect("stops in time")
        .expect("stops cleanly");
}

#[test]
fn bad_certificate_or_key_files_are_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert_pem, key_pem) = self_signed();
    let (_, other_key_pem) = self_signed();
    let cert = write(dir.path(), "cert.pem", &cert_pem);
    let key = write(dir.path(), "key.pem", &key_pem);
    let other_key = write(dir.path(), "other-key.pem", &other_key_pem);
    let missing = dir.path().join("missing.pem");
    let garbage = write(dir.path(), "garbage.pem", "not a certificate\n");

    assert!(TlsConfig::from_pem_files(&cert, &key).is_ok());

    let check = |cert: &Path, key: &Path, blamed: &Path, words: &str| {
        let e = TlsConfig::from_pem_files(cert, key).expect_err("must fail");
        let text = e.to_string();
        assert_eq!(e.path(), blamed, "{text}");
        assert!(text.contains(&blamed.display().to_string()), "{text}");
        assert!(text.contains(words), "{text:?} lacks {words:?}");
        e
    };
    assert!(matches!(
        check(&missing, &key, &missing, "cannot read the certificate"),
        TlsError::Read { .. }
    ));
    assert!(matches!(
        check(&cert, &missing, &missing, "cannot read the private key"),
        TlsError::Read { .. }
    ));
    assert!(matches!(
        check(&garbage, &key, &garbage, "not a PEM certificate"),
        TlsError::NotPem { .. }
    ));
    assert!(matches!(
        check(&cert, &garbage, &garbage, "not a PEM private key"),
        TlsError::NotPem { .. }
    ));
    // A certificate given as the key, and the key as the certificate.
    check(&key, &key, &key, "not a PEM certificate");
    check(&cert, &cert, &cert, "not a PEM private key");
    assert!(matches!(
        check(
            &cert,
            &other_key,
            &other_key,
            "does not match the certificate"
        ),
        TlsError::Key { .. }
    ));
}
