//! The ingest pipeline: one task owns the live state.
//!
//! Submitted batches are gathered (all those waiting, up to [`GROUP_MAX`] readings), stored
//! in one transaction, and only then applied to the [`Monitor`] and acknowledged — so an
//! acknowledged reading is durable, and the state is always a projection of the log. After
//! each group the pipeline stores the alert decisions as alerts with their CAP messages,
//! stores closed history buckets, and pushes the changed zones, lines and sensors to live
//! subscribers, with the density heat map at most once a second where tracks exist
//! ([`crate::heat`]). A one-second tick advances the clock for sensor staleness.
//!
//! At start the state is rebuilt by applying the whole log again (the monitor is
//! deterministic); alert messages already stored are not sent twice.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use aman_cap::Reference;
use aman_monitor::state::HistoryPoint;
use aman_monitor::venue::Subject;
use aman_monitor::{Decision, DecisionKind, Logged, Monitor, Reading, Timestamp, VenueState};
use aman_ops::{CapContext, Mode, cap_message};
use aman_store::{
    AlertFilter, AlertRecord, AlertStatus, HistoryRow, MsgType, Resolution, Store, StoreError,
};
use serde::Serialize;
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::app::now;

/// The audit entry of a person's change of an alert, from the alert before and after.
pub type AlertAudit =
    Arc<dyn Fn(&AlertRecord, &AlertRecord) -> aman_ops::audit::AuditRecord + Send + Sync>;
use crate::heat::{Heat, HeatMap};

/// Most readings stored in one group transaction.
pub const GROUP_MAX: usize = 50_000;
/// Batches waiting for the pipeline before submitters are refused (503).
const QUEUE: usize = 4096;
/// Readings read back per query while rebuilding.
const REBUILD_CHUNK: usize = 50_000;

/// What a stored batch got: its place in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Accepted {
    /// Readings stored.
    pub accepted: usize,
    /// `seq` of the first, if any.
    pub first_seq: Option<u64>,
    /// `seq` of the last, if any.
    pub last_seq: Option<u64>,
}

/// A submitted batch waiting for its commit: receive time, readings, where to answer.
type Pending = (
    Timestamp,
    Vec<Reading>,
    oneshot::Sender<Result<Accepted, String>>,
);

enum Command {
    Submit {
        received: Timestamp,
        readings: Vec<Reading>,
        reply: oneshot::Sender<Result<Accepted, String>>,
    },
    State(oneshot::Sender<VenueState>),
    Heat(oneshot::Sender<Option<HeatMap>>),
    Offline(usize),
    Resolve {
        alert: String,
        by: String,
        entry: AlertAudit,
        reply: oneshot::Sender<Result<bool, String>>,
    },
    Stop,
}

/// A handle to the pipeline. Cheap to clone; the pipeline stops when every handle is
/// dropped (after storing what was submitted).
#[derive(Clone)]
pub struct PipelineHandle {
    tx: mpsc::Sender<Command>,
    push: broadcast::Sender<Arc<str>>,
}

/// Why a submission failed.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The pipeline is full or stopped: retry later.
    #[error("the server is busy or shutting down; retry later")]
    Unavailable,
    /// The store failed; nothing of the batch is stored.
    #[error("the store failed: {0}")]
    Store(String),
}

impl PipelineHandle {
    /// Stores `readings` (already checked against the venue), applies them and returns their
    /// place in the log once they are durable.
    ///
    /// # Errors
    /// [`SubmitError`]: nothing is stored then.
    pub async fn submit(
        &self,
        received: Timestamp,
        readings: Vec<Reading>,
    ) -> Result<Accepted, SubmitError> {
        self.enqueue(received, readings)?.await
    }

    /// Queues `readings` now, in call order (they take their places in the log in the order
    /// of the calls); the returned future resolves once they are durable.
    ///
    /// # Errors
    /// [`SubmitError::Unavailable`] if the pipeline is full or stopped: nothing is queued.
    pub fn enqueue(
        &self,
        received: Timestamp,
        readings: Vec<Reading>,
    ) -> Result<impl Future<Output = Result<Accepted, SubmitError>> + use<>, SubmitError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .try_send(Command::Submit {
                received,
                readings,
                reply,
            })
            .map_err(|_| SubmitError::Unavailable)?;
        Ok(async move {
            answer
                .await
                .map_err(|_| SubmitError::Unavailable)?
                .map_err(SubmitError::Store)
        })
    }

    /// The whole live state now.
    pub async fn state(&self) -> Option<VenueState> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Command::State(reply)).await.ok()?;
        answer.await.ok()
    }

    /// The density heat map now ([`crate::heat`]); `None` for a venue without track sensors
    /// or before their first frame.
    pub async fn heat(&self) -> Option<HeatMap> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Command::Heat(reply)).await.ok()?;
        answer.await.ok().flatten()
    }

    /// Marks sensor `index` offline (its MQTT last will arrived).
    pub async fn offline(&self, index: usize) {
        let _ = self.tx.send(Command::Offline(index)).await;
    }

    /// Resolves open alert `alert` by hand on behalf of `by` (see
    /// [`Monitor::resolve`]): recorded with the log position it was done at (so a rebuild
    /// resolves it at the same place), its CAP `Cancel` message stored, pushed live. Returns
    /// `false` if the live state holds no such open alert (resolved already, or raised on the
    /// server's clock before a restart and resolved by it).
    ///
    /// The resolution and its audit entry, `entry(before, after)`, are stored in one
    /// transaction ([`aman_store::Store::change_alert`]).
    ///
    /// # Errors
    /// [`SubmitError`]: the pipeline is stopped, or the store failed (nothing changed).
    pub async fn resolve(
        &self,
        alert: &str,
        by: &str,
        entry: AlertAudit,
    ) -> Result<bool, SubmitError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Command::Resolve {
                alert: alert.to_string(),
                by: by.to_string(),
                entry,
                reply,
            })
            .await
            .map_err(|_| SubmitError::Unavailable)?;
        answer
            .await
            .map_err(|_| SubmitError::Unavailable)?
            .map_err(SubmitError::Store)
    }

    /// Stops the pipeline after what was submitted before (it is stored and applied).
    pub async fn stop(&self) {
        let _ = self.tx.send(Command::Stop).await;
    }

    /// Pushes `text` (a JSON message, see `docs/serve.md`) to every live subscriber: what
    /// changes outside the pipeline, e.g. an alert acknowledged by a person.
    pub fn push(&self, text: String) {
        // No subscriber is not an error.
        let _ = self.push.send(text.into());
    }

    /// A receiver of the pushed updates (JSON texts, see `docs/serve.md`).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<str>> {
        self.push.subscribe()
    }
}

/// What is pushed to live subscribers after each group of readings or tick.
#[derive(Serialize)]
struct Update<'a> {
    r#type: &'static str,
    seq: u64,
    sent: Timestamp,
    zones: Vec<&'a aman_monitor::state::ZoneState>,
    lines: Vec<&'a aman_monitor::state::LineState>,
    sensors: Vec<&'a aman_monitor::state::SensorState>,
    decisions: &'a [Decision],
}

/// The pipeline's own state.
struct Pipeline {
    store: Store,
    monitor: Monitor,
    sender: String,
    mode: Mode,
    push: broadcast::Sender<Arc<str>>,
    /// Per open or recent alert: the reference of its first CAP message and messages stored.
    alerts: HashMap<String, (Reference, u64)>,
    /// While rebuilding: the alerts resolved by hand not yet replayed, as (log position,
    /// alert, when), in log order. Empty afterwards.
    by_hand: VecDeque<(u64, String, Timestamp)>,
    /// The density heat map, for a venue with track sensors.
    heat: Option<Heat>,
}

/// Rebuilds the live state from the store's log and starts the pipeline task. Returns its
/// handle and the task (which ends after every handle is dropped and the queue is drained).
///
/// # Errors
/// The store's error if the log cannot be read.
pub async fn start(
    store: Store,
    monitor: Monitor,
    sender: String,
    mode: Mode,
) -> Result<(PipelineHandle, tokio::task::JoinHandle<()>), StoreError> {
    let (push, _) = broadcast::channel(1024);
    let mut pipeline = Pipeline {
        store,
        monitor,
        sender,
        mode,
        push: push.clone(),
        alerts: HashMap::new(),
        by_hand: VecDeque::new(),
        heat: None,
    };
    pipeline.heat = Heat::new(pipeline.monitor.venue());
    let replayed = pipeline.rebuild().await?;
    pipeline.resolve_orphans().await?;
    tracing::info!(
        readings = replayed,
        seq = pipeline.monitor.seq(),
        "live state rebuilt from the log"
    );
    let (tx, rx) = mpsc::channel(QUEUE);
    let task = tokio::spawn(pipeline.run(rx));
    Ok((PipelineHandle { tx, push }, task))
}

impl Pipeline {
    /// Applies the whole log again; records the alert messages not yet stored.
    async fn rebuild(&mut self) -> Result<usize, StoreError> {
        let venue = self.monitor.venue().id.clone();
        self.by_hand = self.store.manual_resolutions(&venue).await?.into();
        let mut replayed = 0;
        loop {
            let chunk = self
                .store
                .readings_after(&venue, self.monitor.seq(), REBUILD_CHUNK)
                .await?;
            if chunk.is_empty() {
                break;
            }
            replayed += chunk.len();
            self.apply(&chunk);
            let decisions = self.monitor.take_decisions();
            self.record_decisions(&decisions).await;
            let history = self.monitor.take_history();
            self.record_history(&history).await;
            self.monitor.take_changes();
        }
        // Resolutions after the last reading.
        while let Some((_, alert, at)) = self.by_hand.pop_front() {
            self.monitor.resolve(&alert, at);
        }
        let decisions = self.monitor.take_decisions();
        self.record_decisions(&decisions).await;
        Ok(replayed)
    }

    /// Resolves the stored alerts still open that the rebuilt state does not hold: those
    /// raised on the server's clock (a stale sensor), whose rule state is not in the log. Each
    /// gets its `Cancel` message now; a sensor still silent raises a new alert at the next
    /// tick. Without this such an alert would stay open for ever.
    async fn resolve_orphans(&mut self) -> Result<(), StoreError> {
        let venue = self.monitor.venue().id.clone();
        let open = self
            .store
            .alerts(&venue, AlertFilter::Open, 100_000)
            .await?;
        let held: Vec<String> = self
            .monitor
            .state()
            .alerts
            .into_iter()
            .map(|a| a.id)
            .collect();
        let mut orphans = Vec::new();
        for a in open {
            if held.contains(&a.id) {
                continue;
            }
            let Some(rule) = self
                .monitor
                .venue()
                .rules
                .iter()
                .position(|r| r.id == a.rule)
            else {
                continue;
            };
            let messages = self.store.cap_messages(&a.id).await?;
            if let Some(first) = messages.first()
                && let Ok(alert) = aman_cap::Alert::from_xml(&first.xml)
            {
                self.alerts
                    .insert(a.id.clone(), (alert.reference(), messages.len() as u64));
            }
            orphans.push(Decision {
                kind: DecisionKind::Resolve,
                rule,
                alert: a.id,
                at: now(),
                value: f64::NAN,
                los: None,
            });
        }
        if !orphans.is_empty() {
            tracing::info!(
                alerts = orphans.len(),
                "resolving alerts the restart cannot hold"
            );
        }
        self.record_decisions(&orphans).await;
        Ok(())
    }

    fn apply(&mut self, logged: &[Logged]) {
        for l in logged {
            // While rebuilding: the alerts resolved by hand after the readings before this one.
            while let Some((seq, alert, at)) = self.by_hand.front()
                && *seq < l.seq
            {
                self.monitor.resolve(alert, *at);
                self.by_hand.pop_front();
            }
            if let Err(e) = self.monitor.apply(l) {
                tracing::warn!(seq = l.seq, error = %e, "a logged reading does not fit the venue");
            }
        }
    }

    async fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                command = rx.recv() => {
                    let Some(command) = command else { break };
                    if self.handle(command, &mut rx).await {
                        break;
                    }
                }
                _ = tick.tick() => {
                    self.monitor.tick(now());
                    self.after().await;
                }
            }
        }
        tracing::info!(seq = self.monitor.seq(), "ingest pipeline stopped");
    }

    /// Handles `first` and the commands waiting after it; true if one was [`Command::Stop`].
    async fn handle(&mut self, first: Command, rx: &mut mpsc::Receiver<Command>) -> bool {
        let mut group = Vec::new();
        let mut stop = false;
        let mut rows = 0;
        let mut next = Some(first);
        while let Some(command) = next.take() {
            match command {
                Command::Submit {
                    received,
                    readings,
                    reply,
                } => {
                    rows += readings.len();
                    group.push((received, readings, reply));
                }
                Command::State(reply) => {
                    let _ = reply.send(self.monitor.state());
                }
                Command::Heat(reply) => {
                    let map = self.heat.as_mut().and_then(|h| h.map(&self.monitor));
                    let _ = reply.send(map);
                }
                Command::Offline(i) => {
                    if i < self.monitor.venue().sensors.len() {
                        self.monitor.set_offline(i, now());
                    }
                }
                Command::Resolve {
                    alert,
                    by,
                    entry,
                    reply,
                } => {
                    // Readings gathered before it are applied first: the log position is
                    // theirs.
                    if !group.is_empty() {
                        self.commit(std::mem::take(&mut group)).await;
                        rows = 0;
                    }
                    let result = self.resolve(&alert, &by, &entry).await;
                    // Its Cancel message is stored before the caller hears back.
                    self.after().await;
                    let _ = reply.send(result);
                }
                Command::Stop => stop = true,
            }
            if rows < GROUP_MAX && !stop {
                next = rx.try_recv().ok();
            }
        }
        if !group.is_empty() {
            self.commit(group).await;
        }
        self.after().await;
        stop
    }

    /// [`PipelineHandle::resolve`]: stored first (who, when, the log position), then applied;
    /// the `Cancel` message is stored by [`Pipeline::after`] as for a rule's resolve.
    async fn resolve(&mut self, alert: &str, by: &str, entry: &AlertAudit) -> Result<bool, String> {
        if !self.monitor.is_open(alert) {
            return Ok(false);
        }
        let at = now();
        let change = aman_store::AlertChange::Resolve {
            at,
            by,
            seq: self.monitor.seq(),
        };
        let (_, appended) = self
            .store
            .change_alert(alert, change, |b, a| entry(b, a))
            .await
            .map_err(|e| e.to_string())?;
        if appended.is_none() {
            // Resolved already (by its rule or by someone else first): nothing stored.
            return Ok(false);
        }
        tracing::info!(alert, by, "alert resolved by hand");
        Ok(self.monitor.resolve(alert, at))
    }

    async fn commit(&mut self, group: Vec<Pending>) {
        let venue = self.monitor.venue().id.clone();
        let batches: Vec<aman_store::Batch<'_>> = group
            .iter()
            .map(|(received, readings, _)| aman_store::Batch {
                venue: &venue,
                received: *received,
                readings,
            })
            .collect();
        let result = self.store.append_batches(&batches).await;
        drop(batches);
        match result {
            Ok(logged) => {
                for ((_, _, reply), l) in group.into_iter().zip(logged) {
                    self.apply(&l);
                    let _ = reply.send(Ok(Accepted {
                        accepted: l.len(),
                        first_seq: l.first().map(|r| r.seq),
                        last_seq: l.last().map(|r| r.seq),
                    }));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "storing readings failed; nothing of the group is stored");
                for (_, _, reply) in group {
                    let _ = reply.send(Err(e.to_string()));
                }
            }
        }
    }

    /// After readings or a tick: alerts, history, push.
    async fn after(&mut self) {
        let decisions = self.monitor.take_decisions();
        self.record_decisions(&decisions).await;
        let history = self.monitor.take_history();
        self.record_history(&history).await;
        let changes = self.monitor.take_changes();
        if self.push.receiver_count() == 0 {
            return;
        }
        if let Some(map) = self
            .heat
            .as_mut()
            .and_then(|h| h.due(&self.monitor, std::time::Instant::now()))
        {
            match serde_json::to_string(&map) {
                Ok(text) => {
                    let _ = self.push.send(text.into());
                }
                Err(e) => tracing::error!(error = %e, "serialising a heat map"),
            }
        }
        if changes.is_empty() && decisions.is_empty() {
            return;
        }
        let m = &self.monitor;
        let mut update = Update {
            r#type: "update",
            seq: m.seq(),
            sent: now(),
            zones: Vec::new(),
            lines: Vec::new(),
            sensors: Vec::new(),
            decisions: &decisions,
        };
        for c in changes {
            match c {
                Subject::Zone(i) => update.zones.push(m.zone(i)),
                Subject::Line(i) => update.lines.push(m.line(i)),
                Subject::Sensor(i) => update.sensors.push(m.sensor(i)),
            }
        }
        match serde_json::to_string(&update) {
            Ok(text) => {
                let _ = self.push.send(text.into());
            }
            Err(e) => tracing::error!(error = %e, "serialising a live update"),
        }
    }

    /// Stores each decision as an alert change with its CAP message. Messages already stored
    /// (a rebuild replays decisions) are not stored again: the k-th decision of an alert is
    /// its k-th message.
    async fn record_decisions(&mut self, decisions: &[Decision]) {
        for d in decisions {
            if let Err(e) = self.record(d).await {
                tracing::error!(alert = %d.alert, error = %e, "storing an alert decision failed");
            }
        }
    }

    async fn record(&mut self, d: &Decision) -> Result<(), Box<dyn std::error::Error>> {
        let venue = self.monitor.venue();
        let rule = &venue.rules[d.rule];
        let subject = match rule.subject {
            Subject::Zone(i) => venue.zones[i].id.clone(),
            Subject::Line(i) => venue.lines[i].id.clone(),
            Subject::Sensor(i) => venue.sensors[i].id.clone(),
        };
        if d.kind == DecisionKind::Raise {
            let record = AlertRecord::raised(
                d.alert.clone(),
                venue.id.clone(),
                rule.id.clone(),
                subject,
                format!("{:?}", rule.severity),
                self.mode.status().as_str(),
                d.at,
            );
            self.store.insert_alert(&record).await?;
        }
        let stored = self.store.cap_messages(&d.alert).await?;
        let (first, n) = match self.alerts.get(&d.alert) {
            Some((r, n)) => (Some(r.clone()), *n + 1),
            None => {
                let first = match stored.first() {
                    Some(m) => Some(aman_cap::Alert::from_xml(&m.xml)?.reference()),
                    None => None,
                };
                (first, 1)
            }
        };
        // The n-th decision of this alert since start; stored already if the store has n.
        if (stored.len() as u64) < n {
            let ctx = CapContext {
                venue,
                sender: &self.sender,
                mode: self.mode,
            };
            let message = cap_message(&ctx, d, n as u32, first.as_ref(), now())?;
            let msg_type = match d.kind {
                DecisionKind::Raise => MsgType::Alert,
                DecisionKind::Update => MsgType::Update,
                DecisionKind::Resolve => MsgType::Cancel,
            };
            self.store
                .add_cap_message(&d.alert, msg_type, now(), &message.to_xml())
                .await?;
            tracing::info!(alert = %d.alert, kind = ?d.kind, value = d.value, "alert");
        }
        if d.kind == DecisionKind::Resolve {
            self.store
                .update_alert_status(&d.alert, AlertStatus::Resolved, d.at, None)
                .await?;
            self.alerts.remove(&d.alert);
        } else {
            let first = match first {
                Some(f) => f,
                None => {
                    let m = self.store.cap_messages(&d.alert).await?;
                    match m.first() {
                        Some(m) => aman_cap::Alert::from_xml(&m.xml)?.reference(),
                        None => return Ok(()),
                    }
                }
            };
            self.alerts.insert(d.alert.clone(), (first, n));
        }
        Ok(())
    }

    async fn record_history(&mut self, points: &[HistoryPoint]) {
        if points.is_empty() {
            return;
        }
        let venue = self.monitor.venue().id.clone();
        let rows: Vec<HistoryRow> = points
            .iter()
            .map(|p| HistoryRow {
                venue: venue.clone(),
                subject: p.subject.clone(),
                resolution: if p.resolution_s == 1 {
                    Resolution::Second
                } else {
                    Resolution::Minute
                },
                t: p.t,
                occupancy: p.occupancy,
                density: p.density,
                flow_in: p.flow_in,
                flow_out: p.flow_out,
                pressure: p.pressure,
            })
            .collect();
        if let Err(e) = self.store.append_history(&rows).await {
            tracing::error!(error = %e, "storing history failed");
        }
    }
}
