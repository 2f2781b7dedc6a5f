//! Where `aman replay` sends its batches: aman serve's HTTP API, or an MQTT broker.

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use rumqttc::{Client, ConnectionError, Event, MqttOptions, Outgoing, Packet, QoS};

use crate::Failure;

/// Attempts for a batch answered 503 (unavailable) or 429 (too many requests).
const ATTEMPTS: u32 = 6;

/// Longest wait for a broker's CONNACK or for the last PUBACKs.
const MQTT_WAIT: Duration = Duration::from_secs(30);

/// Largest MQTT packet sent or received, bytes (a full batch of 10 000 readings is ≈ 1 MB).
const MQTT_MAX_PACKET: usize = 16 << 20;

/// A parsed `--to`.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `http://…` or `https://…`, without a trailing `/`.
    Http(String),
    /// `mqtt://host:port`.
    Mqtt {
        /// Host name or address.
        host: String,
        /// Port, 1883 unless given.
        port: u16,
    },
}

impl Target {
    /// Parses `--to`.
    ///
    /// # Errors
    /// What is wrong with the URL and what is accepted.
    pub fn parse(url: &str) -> Result<Target, String> {
        let accepted = "give http://HOST:PORT, https://HOST:PORT or mqtt://HOST[:PORT]";
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| format!("{url:?} is not a URL; {accepted}"))?;
        let authority = rest.split('/').next().unwrap_or("");
        let (host, port) = split_host_port(authority)
            .ok_or_else(|| format!("{url:?}: bad host or port {authority:?}; {accepted}"))?;
        match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" => {
                if rest.contains(['?', '#']) {
                    return Err(format!("{url:?}: no query or fragment; {accepted}"));
                }
                let _ = (host, port);
                Ok(Target::Http(format!(
                    "{}://{}",
                    scheme.to_ascii_lowercase(),
                    rest.trim_end_matches('/')
                )))
            }
            "mqtt" => {
                if !rest.trim_end_matches('/').eq(authority) {
                    return Err(format!(
                        "{url:?}: an MQTT URL has no path (the topic is \
                         aman/sensors/SENSOR/readings); {accepted}"
                    ));
                }
                Ok(Target::Mqtt {
                    host: host.to_owned(),
                    port: port.unwrap_or(1883),
                })
            }
            other => Err(format!(
                "{url:?}: unknown scheme {other:?} (mqtts is not supported yet); {accepted}"
            )),
        }
    }
}

/// `host[:port]` or `[v6]:port`; `None` if the host is empty or has a bad character, or the
/// port is not a number from 1 to 65535.
fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    if authority.contains('@') {
        return None;
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        (h, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':');
    if host.is_empty() || !host.chars().all(ok_char) {
        return None;
    }
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok().filter(|p| *p > 0)?),
        None => None,
    };
    Some((host, port))
}

/// Reads `--ca-cert`: the PEM certificates an https:// server's chain must lead to (replacing
/// the public web roots).
///
/// # Errors
/// [`Failure::Input`] naming the file if it cannot be read or holds no PEM certificate.
pub fn read_ca(path: &std::path::Path) -> Result<ureq::tls::RootCerts, Failure> {
    let bad = |why: String| Failure::Input(anyhow!("--ca-cert {}: {why}", path.display()));
    let pem = std::fs::read(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        if let ureq::tls::PemItem::Certificate(c) =
            item.map_err(|e| bad(format!("not a PEM certificate file ({e})")))?
        {
            certs.push(c);
        }
    }
    if certs.is_empty() {
        return Err(bad("no -----BEGIN CERTIFICATE----- block".into()));
    }
    Ok(ureq::tls::RootCerts::new_with_certs(&certs))
}

/// A connected destination for batches.
pub enum Sink {
    /// aman serve's HTTP API.
    Http {
        /// The client (keeps connections alive between requests).
        agent: ureq::Agent,
        /// `{URL}/api/v1/sensors/{sensor}/readings`.
        endpoint: String,
        /// The `--to` URL, for messages.
        base: String,
        /// `Bearer TOKEN`, if a token was given.
        authorization: Option<String>,
    },
    /// An MQTT broker, QoS 1.
    Mqtt(Mqtt),
}

/// The MQTT side: the client, and the thread that drives its connection.
pub struct Mqtt {
    client: Client,
    topic: String,
    /// `host:port`, for messages.
    broker: String,
    /// PUBACKs and connection errors from the connection thread.
    events: mpsc::Receiver<MqttNews>,
    thread: Option<JoinHandle<()>>,
    published: u64,
    acknowledged: u64,
}

enum MqttNews {
    Connected,
    PubAck,
    Failed(ConnectionError),
}

impl Sink {
    /// Connects to `target` as `sensor` (an MQTT client waits for the broker's CONNACK).
    ///
    /// # Errors
    /// [`Failure::Other`] if the broker cannot be reached or refuses the connection.
    pub fn connect(
        target: &Target,
        sensor: &str,
        token: Option<&str>,
        roots: Option<ureq::tls::RootCerts>,
    ) -> Result<Sink, Failure> {
        match target {
            Target::Http(base) => {
                let mut tls = ureq::tls::TlsConfig::builder();
                if let Some(roots) = roots {
                    tls = tls.root_certs(roots);
                }
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .tls_config(tls.build())
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(60)))
                    .user_agent(concat!("aman-replay/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .into();
                Ok(Sink::Http {
                    agent,
                    endpoint: format!("{base}/api/v1/sensors/{sensor}/readings"),
                    base: base.clone(),
                    authorization: token.map(|t| format!("Bearer {t}")),
                })
            }
            Target::Mqtt { host, port } => {
                let broker = format!("{host}:{port}");
                let id = format!("aman-replay-{sensor}-{}", std::process::id());
                let mut options = MqttOptions::new(id, host.clone(), *port);
                options
                    .set_keep_alive(Duration::from_secs(30))
                    .set_clean_session(true)
                    .set_max_packet_size(MQTT_MAX_PACKET, MQTT_MAX_PACKET);
                if let Some(t) = token {
                    options.set_credentials(sensor, t);
                }
                let (client, mut connection) = Client::new(options, 64);
                let (tx, events) = mpsc::channel();
                let thread = std::thread::spawn(move || {
                    for event in connection.iter() {
                        let news = match event {
                            Ok(Event::Incoming(Packet::ConnAck(_))) => MqttNews::Connected,
                            Ok(Event::Incoming(Packet::PubAck(_))) => MqttNews::PubAck,
                            Ok(Event::Outgoing(Outgoing::Disconnect)) => break,
                            Ok(_) => continue,
                            Err(e) => {
                                let _ = tx.send(MqttNews::Failed(e));
                                break;
                            }
                        };
                        if tx.send(news).is_err() {
                            break;
                        }
                    }
                });
                let mqtt = Mqtt {
                    client,
                    topic: format!("aman/sensors/{sensor}/readings"),
                    broker,
                    events,
                    thread: Some(thread),
                    published: 0,
                    acknowledged: 0,
                };
                match mqtt.events.recv_timeout(MQTT_WAIT) {
                    Ok(MqttNews::Connected) => Ok(Sink::Mqtt(mqtt)),
                    Ok(MqttNews::Failed(e)) => Err(mqtt.failure(e)),
                    Ok(MqttNews::PubAck) | Err(_) => Err(Failure::Other(anyhow!(
                        "no answer from the MQTT broker at {} within {} s; is it running there?",
                        mqtt.broker,
                        MQTT_WAIT.as_secs()
                    ))),
                }
            }
        }
    }

    /// Sends one batch (a JSON body); HTTP waits for the answer, MQTT hands the message to the
    /// client (see [`Sink::finish`]).
    ///
    /// # Errors
    /// [`Failure::Other`] with the server's status and message, or why it cannot be reached.
    pub fn send(&mut self, body: Vec<u8>) -> Result<(), Failure> {
        match self {
            Sink::Http {
                agent,
                endpoint,
                base,
                authorization,
            } => post(agent, endpoint, base, authorization.as_deref(), &body),
            Sink::Mqtt(m) => m.publish(body),
        }
    }

    /// Waits until every MQTT message is acknowledged (PUBACK), then disconnects; nothing to
    /// do for HTTP.
    ///
    /// # Errors
    /// [`Failure::Other`] if the connection fails or the acknowledgements do not come.
    pub fn finish(self) -> Result<(), Failure> {
        match self {
            Sink::Http { .. } => Ok(()),
            Sink::Mqtt(m) => m.finish(),
        }
    }
}

/// POSTs `body`, retrying 503 and 429 with backoff.
fn post(
    agent: &ureq::Agent,
    endpoint: &str,
    base: &str,
    authorization: Option<&str>,
    body: &[u8],
) -> Result<(), Failure> {
    let mut backoff = Duration::from_millis(250);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut request = agent
            .post(endpoint)
            .header("Content-Type", "application/json");
        if let Some(a) = authorization {
            request = request.header("Authorization", a);
        }
        let response = request.send(body).map_err(|e| no_answer(&e, base))?;
        let status = response.status();
        if status.is_success() {
            // Read the answer so the connection can be reused.
            let _ = response.into_body().read_to_string();
            return Ok(());
        }
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s.min(30)));
        let text = response
            .into_body()
            .with_config()
            .limit(64 * 1024)
            .read_to_string()
            .unwrap_or_default();
        let retry = matches!(status.as_u16(), 503 | 429);
        if retry && attempt < ATTEMPTS {
            let wait = retry_after.unwrap_or(backoff);
            errln!(
                "replay: {endpoint} answered {status}; retrying in {:.1} s",
                wait.as_secs_f64()
            );
            std::thread::sleep(wait);
            backoff = (backoff * 2).min(Duration::from_secs(8));
            continue;
        }
        let mut message = format!("{endpoint} answered {status}");
        let text = text.trim();
        if !text.is_empty() {
            message.push_str(": ");
            message.push_str(&text.chars().take(2000).collect::<String>());
        }
        if status.as_u16() == 401 && authorization.is_none() {
            message.push_str(" (no token was sent: give --token or set AMAN_TOKEN)");
        }
        if retry {
            message.push_str(&format!(" (after {ATTEMPTS} attempts)"));
        }
        return Err(Failure::Other(anyhow!(message)));
    }
}

/// The message for a request that got no HTTP answer.
fn no_answer(e: &ureq::Error, base: &str) -> Failure {
    let refused = match e {
        ureq::Error::Io(io) => matches!(
            io.kind(),
            std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionReset
        ),
        ureq::Error::ConnectionFailed => true,
        _ => false,
    };
    if refused {
        Failure::Other(anyhow!(
            "cannot connect to {base} ({e}); is aman serve running at {base}?"
        ))
    } else if matches!(e, ureq::Error::HostNotFound) {
        Failure::Other(anyhow!("cannot find the host of {base} ({e}); check --to"))
    } else {
        Failure::Other(anyhow!("sending to {base} failed: {e}"))
    }
}

impl Mqtt {
    fn failure(&self, e: ConnectionError) -> Failure {
        let refused = matches!(
            &e,
            ConnectionError::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused
        );
        if refused {
            Failure::Other(anyhow!(
                "cannot connect to the MQTT broker at {} ({e}); is it running there?",
                self.broker
            ))
        } else {
            Failure::Other(anyhow!("MQTT broker at {}: {e}", self.broker))
        }
    }

    /// Takes the news that has arrived, without waiting.
    fn drain(&mut self) -> Result<(), Failure> {
        loop {
            match self.events.try_recv() {
                Ok(MqttNews::PubAck) => self.acknowledged += 1,
                Ok(MqttNews::Connected) => {}
                Ok(MqttNews::Failed(e)) => return Err(self.failure(e)),
                Err(mpsc::TryRecvError::Empty) => return Ok(()),
                Err(mpsc::TryRecvError::Disconnected) => {
                    return Err(Failure::Other(anyhow!(
                        "the connection to the MQTT broker at {} ended",
                        self.broker
                    )));
                }
            }
        }
    }

    fn publish(&mut self, body: Vec<u8>) -> Result<(), Failure> {
        self.drain()?;
        self.client
            .publish(&self.topic, QoS::AtLeastOnce, false, body)
            .map_err(|e| Failure::Other(anyhow!("MQTT broker at {}: {e}", self.broker)))?;
        self.published += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<(), Failure> {
        let deadline = Instant::now() + MQTT_WAIT;
        while self.acknowledged < self.published {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(MqttNews::PubAck) => self.acknowledged += 1,
                Ok(MqttNews::Connected) => {}
                Ok(MqttNews::Failed(e)) => return Err(self.failure(e)),
                Err(_) => {
                    return Err(Failure::Other(anyhow!(
                        "the MQTT broker at {} acknowledged {} of {} messages within {} s",
                        self.broker,
                        self.acknowledged,
                        self.published,
                        MQTT_WAIT.as_secs()
                    )));
                }
            }
        }
        let _ = self.client.disconnect();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            Target::parse("http://127.0.0.1:8080/"),
            Ok(Target::Http("http://127.0.0.1:8080".into()))
        );
        assert_eq!(
            Target::parse("mqtt://localhost"),
            Ok(Target::Mqtt {
                host: "localhost".into(),
                port: 1883
            })
        );
        assert_eq!(
            Target::parse("mqtt://[::1]:1884"),
            Ok(Target::Mqtt {
                host: "::1".into(),
                port: 1884
            })
        );
        for bad in [
            "localhost:8080",
            "ftp://x",
            "http://",
            "http://host:0",
            "http://host:99999",
            "mqtt://host/topic",
            "http://a b",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }
}
