//! Changes of incidents, units and tasks, as they are committed: one broadcast channel per
//! context (live operations, and each exercise: [`Store::in_exercise`]), so a subscriber of
//! one context never receives a record of another.
//!
//! Every write of the joint operations publishes the record as it is after the write (its
//! owning agency and visibility in [`Change::meta`]) right after its transaction commits —
//! the same place its audit entry is made — so no write path can forget it: the server's
//! API, its dashboard forms, the one-click incident from an alert and an exercise's incident
//! inject all write through these methods. A task's creation or state change also changes
//! its unit's status: the unit is published too.
//!
//! Who may see a change is **not** decided here: the subscriber filters each change with
//! [`crate::seen`] (the rule of the SQL filter, [`aman_ops::access::sees`]) for its viewer.
//! A change is sent only to subscribers of this process (one `aman serve` owns a venue).
//!
//! Two writes of one record committed at the same moment may be published in either order;
//! each carries its `version` (the later change has the higher one).

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::broadcast;

use crate::{Incident, Meta, Store, Task, Unit};

/// Changes a subscriber may fall behind by before it is told it lagged
/// ([`broadcast::error::RecvError::Lagged`]).
pub const CHANGES_CAPACITY: usize = 1024;

/// A record as it is after a committed write.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// An incident created, changed, moved through its status or shared (boxed: the
    /// largest record).
    Incident(Box<Incident>),
    /// A unit created or changed (also when a task changes its status).
    Unit(Unit),
    /// A task given or moved through its states.
    Task(Task),
}

impl Change {
    /// The record's id, owning agency, visibility and version.
    pub fn meta(&self) -> &Meta {
        match self {
            Change::Incident(i) => &i.meta,
            Change::Unit(u) => &u.meta,
            Change::Task(t) => &t.meta,
        }
    }

    /// `incident`, `unit` or `task`.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Incident(_) => "incident",
            Change::Unit(_) => "unit",
            Change::Task(_) => "task",
        }
    }
}

/// The channels of a database's contexts: `None` is live operations, `Some(id)` exercise
/// `id`. A channel is made by its first subscriber; a change with no channel (nobody ever
/// subscribed to its context) is dropped.
#[derive(Debug, Default)]
pub(crate) struct Channels {
    map: std::sync::Mutex<ByContext>,
}

/// A channel per context (`None`: live).
type ByContext = HashMap<Option<Arc<str>>, broadcast::Sender<Arc<Change>>>;

impl Store {
    /// A receiver of the changes of incidents, units and tasks made through any handle of
    /// this database in this handle's context (live, or its exercise), from now on. See the
    /// module [`crate::changes`]: the receiver gets every change of the context; filter
    /// each one for its viewer with [`crate::seen`].
    pub fn subscribe_changes(&self) -> broadcast::Receiver<Arc<Change>> {
        let mut map = self
            .inner
            .changes
            .map
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        map.entry(self.exercise.clone())
            .or_insert_with(|| broadcast::channel(CHANGES_CAPACITY).0)
            .subscribe()
    }

    /// Publishes `change` to the subscribers of this handle's context (none: dropped).
    pub(crate) fn publish(&self, change: Change) {
        let map = self
            .inner
            .changes
            .map
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = map.get(&self.exercise) {
            // No subscriber left is not an error.
            let _ = tx.send(Arc::new(change));
        }
    }
}
