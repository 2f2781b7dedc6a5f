//! Group commit: many clients' batches of readings, one transaction (one fsync) for all
//! those waiting.

use tokio::sync::{mpsc, oneshot};

use crate::readings::Batch;
use crate::{Logged, Reading, Result, Store, StoreError, Timestamp};

/// Most readings committed in one group transaction. A single batch larger than this is
/// still committed whole (in its own transaction).
pub const GROUP_MAX_ROWS: usize = 50_000;

/// Batches waiting for the writer before submitters wait for room.
const QUEUE: usize = 1024;

struct Job {
    venue: String,
    received: Timestamp,
    readings: Vec<Reading>,
    reply: oneshot::Sender<Result<Vec<Logged>>>,
}

/// The readings log's group-commit writer: submitters send batches over a channel; one task
/// takes every batch waiting (up to [`GROUP_MAX_ROWS`] readings), appends them in a single
/// transaction, commits, then answers each batch with its own readings and `seq`s. If the
/// group's transaction fails, each batch is retried in a transaction of its own, so one bad
/// batch fails alone; a failed batch gets the error and none of it is stored. One fsync per group instead of per batch is
/// what lets a server store tens of thousands of readings per second durably.
///
/// Cheap to clone; the task ends when every clone is dropped.
#[derive(Clone, Debug)]
pub struct IngestWriter {
    tx: mpsc::Sender<Job>,
}

impl Store {
    /// Starts the group-commit writer on the current tokio runtime.
    ///
    /// # Panics
    /// If called outside a tokio runtime.
    pub fn writer(&self) -> IngestWriter {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(self.clone(), rx));
        IngestWriter { tx }
    }
}

impl IngestWriter {
    /// Submits `readings` of `venue`, received at `received`, and waits until they are
    /// committed. Returns them as logged, with consecutive `seq`s.
    ///
    /// # Errors
    /// The group's [`StoreError`] if its commit failed (nothing of it is stored), or
    /// [`StoreError::WriterStopped`].
    pub async fn append(
        &self,
        venue: &str,
        received: Timestamp,
        readings: Vec<Reading>,
    ) -> Result<Vec<Logged>> {
        if readings.is_empty() {
            return Ok(Vec::new());
        }
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job {
                venue: venue.to_owned(),
                received,
                readings,
                reply,
            })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }
}

/// The writer's loop: wait for a batch, gather those waiting, commit, reply.
async fn run(store: Store, mut rx: mpsc::Receiver<Job>) {
    let mut carry: Option<Job> = None;
    loop {
        let first = match carry.take() {
            Some(j) => j,
            None => match rx.recv().await {
                Some(j) => j,
                None => return,
            },
        };
        let mut group = vec![first];
        let mut rows = group[0].readings.len();
        while rows < GROUP_MAX_ROWS {
            match rx.try_recv() {
                Ok(j) if rows + j.readings.len() > GROUP_MAX_ROWS => {
                    carry = Some(j);
                    break;
                }
                Ok(j) => {
                    rows += j.readings.len();
                    group.push(j);
                }
                Err(_) => break,
            }
        }
        commit(&store, group).await;
    }
}

async fn commit(store: &Store, group: Vec<Job>) {
    let result = store.append_batches(&batches_of(&group)).await;
    match result {
        Ok(logged) => {
            for (job, l) in group.into_iter().zip(logged) {
                // A submitter that stopped waiting is no error: its readings are stored.
                let _ = job.reply.send(Ok(l));
            }
        }
        Err(e) if group.len() == 1 => {
            for job in group {
                let _ = job.reply.send(Err(e.clone()));
            }
        }
        Err(_) => {
            // One batch may have failed the group (PostgreSQL refuses a NUL byte in text, for
            // one): commit each on its own, so the others' readings are not refused with it.
            for job in group {
                let one = store
                    .append_batches(&batches_of(std::slice::from_ref(&job)))
                    .await
                    .map(|mut l| l.pop().unwrap_or_default());
                let _ = job.reply.send(one);
            }
        }
    }
}

fn batches_of(jobs: &[Job]) -> Vec<Batch<'_>> {
    jobs.iter()
        .map(|j| Batch {
            venue: &j.venue,
            received: j.received,
            readings: &j.readings,
        })
        .collect()
}
