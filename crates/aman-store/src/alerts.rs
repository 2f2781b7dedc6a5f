//! Alerts, their lifecycle and verdicts, and their CAP 1.2 messages.

use crate::readings::Get;
use crate::{Result, Store, StoreError, Timestamp, with_pool};

/// Where an alert is in its lifecycle: raised → acknowledged → resolved (an alert may also
/// resolve without being acknowledged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertStatus {
    /// Raised by a rule, not yet seen by an operator.
    Raised,
    /// An operator has seen it.
    Acknowledged,
    /// Its condition has ended (or an operator closed it).
    Resolved,
}

impl AlertStatus {
    /// `raised`, `acknowledged` or `resolved`, as stored.
    pub fn name(self) -> &'static str {
        match self {
            AlertStatus::Raised => "raised",
            AlertStatus::Acknowledged => "acknowledged",
            AlertStatus::Resolved => "resolved",
        }
    }

    fn parse(s: &str) -> Result<AlertStatus> {
        match s {
            "raised" => Ok(AlertStatus::Raised),
            "acknowledged" => Ok(AlertStatus::Acknowledged),
            "resolved" => Ok(AlertStatus::Resolved),
            other => Err(StoreError::Corrupt(format!("alert status {other:?}"))),
        }
    }
}

/// The operator's judgement of an alert, from which precision per rule is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The situation was real.
    TruePositive,
    /// It was not.
    FalsePositive,
}

impl Verdict {
    /// `true_positive` or `false_positive`, as stored.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::TruePositive => "true_positive",
            Verdict::FalsePositive => "false_positive",
        }
    }

    fn parse(s: &str) -> Result<Verdict> {
        match s {
            "true_positive" => Ok(Verdict::TruePositive),
            "false_positive" => Ok(Verdict::FalsePositive),
            other => Err(StoreError::Corrupt(format!("alert verdict {other:?}"))),
        }
    }
}

/// An alert as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRecord {
    /// Id, given by the caller (also the CAP `identifier`'s stem); unique.
    pub id: String,
    /// Venue id.
    pub venue: String,
    /// Rule id, as in the venue file.
    pub rule: String,
    /// What the rule watched: a zone, a line or a sensor id.
    pub subject: String,
    /// Severity as the rule sets it (CAP `severity`: `Extreme`, `Severe`, `Moderate`, `Minor`).
    pub severity: String,
    /// The server's mode when raised (CAP `status`): `Actual`, `Exercise` or `Test`.
    pub mode: String,
    /// Lifecycle.
    pub status: AlertStatus,
    /// When the rule raised it.
    pub raised_at: Timestamp,
    /// When an operator first acknowledged it.
    pub acknowledged_at: Option<Timestamp>,
    /// Who acknowledged it.
    pub acknowledged_by: Option<String>,
    /// When it was resolved.
    pub resolved_at: Option<Timestamp>,
    /// Who resolved it, if a person did (`None`: its rule cleared, or the server resolved it).
    pub resolved_by: Option<String>,
    /// The operator's verdict, once given.
    pub verdict: Option<Verdict>,
    /// Who gave the verdict.
    pub verdict_by: Option<String>,
    /// When the verdict was given.
    pub verdict_at: Option<Timestamp>,
}

impl AlertRecord {
    /// A newly raised alert: status raised, no acknowledgement, resolution or verdict.
    pub fn raised(
        id: impl Into<String>,
        venue: impl Into<String>,
        rule: impl Into<String>,
        subject: impl Into<String>,
        severity: impl Into<String>,
        mode: impl Into<String>,
        raised_at: Timestamp,
    ) -> AlertRecord {
        AlertRecord {
            id: id.into(),
            venue: venue.into(),
            rule: rule.into(),
            subject: subject.into(),
            severity: severity.into(),
            mode: mode.into(),
            status: AlertStatus::Raised,
            raised_at,
            acknowledged_at: None,
            acknowledged_by: None,
            resolved_at: None,
            resolved_by: None,
            verdict: None,
            verdict_by: None,
            verdict_at: None,
        }
    }
}

/// Which alerts [`Store::alerts`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertFilter {
    /// Raised or acknowledged, not resolved.
    Open,
    /// All.
    All,
}

/// CAP `msgType` of a stored message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MsgType {
    /// The first message of an alert.
    Alert,
    /// A change (acknowledged, worse, better).
    Update,
    /// The end of the alert.
    Cancel,
}

impl MsgType {
    /// `Alert`, `Update` or `Cancel`, as in CAP and as stored.
    pub fn name(self) -> &'static str {
        match self {
            MsgType::Alert => "Alert",
            MsgType::Update => "Update",
            MsgType::Cancel => "Cancel",
        }
    }

    fn parse(s: &str) -> Result<MsgType> {
        match s {
            "Alert" => Ok(MsgType::Alert),
            "Update" => Ok(MsgType::Update),
            "Cancel" => Ok(MsgType::Cancel),
            other => Err(StoreError::Corrupt(format!("CAP msgType {other:?}"))),
        }
    }
}

/// A person's change of an alert ([`Store::change_alert`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AlertChange<'a> {
    /// Seen by `by` at `at`: a raised alert becomes acknowledged; the first
    /// acknowledgement is kept, and a resolved alert stays resolved.
    Acknowledge {
        /// When.
        at: Timestamp,
        /// Who (a person's label).
        by: &'a str,
    },
    /// `by`'s verdict at `at`, with an optional note (a later verdict replaces both).
    Verdict {
        /// True or false positive.
        verdict: Verdict,
        /// The person's note, if any.
        note: Option<&'a str>,
        /// Who.
        by: &'a str,
        /// When.
        at: Timestamp,
    },
    /// Resolved by `by` at `at`, when the live state had applied the readings log up to
    /// `seq` ([`Store::manual_resolutions`] gives it back to a rebuild of the live state);
    /// an alert resolved already is left as it is.
    Resolve {
        /// When.
        at: Timestamp,
        /// Who.
        by: &'a str,
        /// The log position the live state had applied.
        seq: u64,
    },
}

/// One CAP 1.2 message sent for an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapMessage {
    /// The alert's id.
    pub alert_id: String,
    /// 1, 2, … in the order the alert's messages were stored.
    pub n: u64,
    /// Alert, Update or Cancel.
    pub msg_type: MsgType,
    /// CAP `sent`.
    pub sent: Timestamp,
    /// The message, CAP 1.2 XML, as sent.
    pub xml: String,
}

/// How one rule did on one subject: the figures behind `GET …/alerts/stats`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleStats {
    /// Rule id.
    pub rule: String,
    /// Zone, line or sensor id.
    pub subject: String,
    /// Alerts raised.
    pub raised: u64,
    /// Of which acknowledged.
    pub acknowledged: u64,
    /// Verdicts "true positive".
    pub true_pos: u64,
    /// Verdicts "false positive".
    pub false_pos: u64,
    /// TP / (TP + FP); `None` while no verdict is given.
    pub precision: Option<f64>,
}

const ALERT_COLUMNS: &str = "id, venue, rule, subject, severity, mode, status, raised_at, \
     acknowledged_at, acknowledged_by, resolved_at, verdict, verdict_by, verdict_at, resolved_by";

fn alert_from_row(r: &impl Get) -> Result<AlertRecord> {
    Ok(AlertRecord {
        id: r.s("id")?,
        venue: r.s("venue")?,
        rule: r.s("rule")?,
        subject: r.s("subject")?,
        severity: r.s("severity")?,
        mode: r.s("mode")?,
        status: AlertStatus::parse(&r.s("status")?)?,
        raised_at: Timestamp(r.i64("raised_at")?),
        acknowledged_at: r.oi64("acknowledged_at")?.map(Timestamp),
        acknowledged_by: r.os("acknowledged_by")?,
        resolved_at: r.oi64("resolved_at")?.map(Timestamp),
        verdict: r
            .os("verdict")?
            .as_deref()
            .map(Verdict::parse)
            .transpose()?,
        verdict_by: r.os("verdict_by")?,
        verdict_at: r.oi64("verdict_at")?.map(Timestamp),
        resolved_by: r.os("resolved_by")?,
    })
}

fn count(n: i64) -> u64 {
    n.max(0) as u64
}

impl Store {
    /// Stores a new alert. Idempotent: returns `false`, and changes nothing, if an alert with
    /// this id exists.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn insert_alert(&self, a: &AlertRecord) -> Result<bool> {
        let sql = format!(
            "INSERT INTO alerts ({ALERT_COLUMNS}, exercise) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
             ON CONFLICT (id) DO NOTHING"
        );
        let n = with_pool!(self, p => {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(a.id.as_str())
                .bind(a.venue.as_str())
                .bind(a.rule.as_str())
                .bind(a.subject.as_str())
                .bind(a.severity.as_str())
                .bind(a.mode.as_str())
                .bind(a.status.name())
                .bind(a.raised_at.0)
                .bind(a.acknowledged_at.map(|t| t.0))
                .bind(a.acknowledged_by.as_deref())
                .bind(a.resolved_at.map(|t| t.0))
                .bind(a.verdict.map(Verdict::name))
                .bind(a.verdict_by.as_deref())
                .bind(a.verdict_at.map(|t| t.0))
                .bind(a.resolved_by.as_deref())
                .bind(self.exercise())
                .execute(p)
                .await
                .map_err(StoreError::db(format!("storing alert {:?}", a.id)))?
                .rows_affected()
        });
        Ok(n == 1)
    }

    /// Moves alert `id` forward in its lifecycle at `at`, by `by` (the operator, for an
    /// acknowledgement). Acknowledging keeps the first acknowledgement's time and author and
    /// leaves a resolved alert resolved; resolving keeps the first resolution time. Both are
    /// idempotent.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Conflict`] for `Raised` (an alert does not go
    /// back); [`StoreError::Database`].
    pub async fn update_alert_status(
        &self,
        id: &str,
        status: AlertStatus,
        at: Timestamp,
        by: Option<&str>,
    ) -> Result<()> {
        let sql = match status {
            AlertStatus::Raised => {
                return Err(StoreError::Conflict(format!(
                    "alert {id:?} cannot be set back to raised"
                )));
            }
            AlertStatus::Acknowledged => {
                "UPDATE alerts SET \
                 status = CASE WHEN status = 'resolved' THEN status ELSE 'acknowledged' END, \
                 acknowledged_at = COALESCE(acknowledged_at, $2), \
                 acknowledged_by = COALESCE(acknowledged_by, $3) WHERE id = $1"
            }
            AlertStatus::Resolved => {
                "UPDATE alerts SET status = 'resolved', \
                 resolved_at = COALESCE(resolved_at, $2) WHERE id = $1"
            }
        };
        let with_by = status == AlertStatus::Acknowledged;
        let sql = format!("{sql} AND {}", self.ctx_sql(""));
        let n = with_pool!(self, p => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(id).bind(at.0);
            if with_by {
                q = q.bind(by);
            }
            q.execute(p)
                .await
                .map_err(StoreError::db(format!("updating alert {id:?}")))?
                .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::not_found(format!("alert {id:?}")));
        }
        Ok(())
    }

    /// Records the operator's verdict on alert `id` (a later verdict replaces it).
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Database`].
    pub async fn set_verdict(
        &self,
        id: &str,
        verdict: Verdict,
        by: &str,
        at: Timestamp,
    ) -> Result<()> {
        self.set_verdict_noted(id, verdict, None, by, at).await
    }

    /// Records the operator's verdict on alert `id` with a note (or none), in one statement:
    /// the verdict and its note are stored together or not at all. A later verdict replaces
    /// both.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Database`].
    pub async fn set_verdict_noted(
        &self,
        id: &str,
        verdict: Verdict,
        note: Option<&str>,
        by: &str,
        at: Timestamp,
    ) -> Result<()> {
        let sql = format!(
            "UPDATE alerts SET verdict = $2, verdict_by = $3, verdict_at = $4, \
             verdict_note = $5 WHERE id = $1 AND {}",
            self.ctx_sql("")
        );
        let n = with_pool!(self, p => {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id)
            .bind(verdict.name())
            .bind(by)
            .bind(at.0)
            .bind(note)
            .execute(p)
            .await
            .map_err(StoreError::db(format!("recording the verdict on alert {id:?}")))?
            .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::not_found(format!("alert {id:?}")));
        }
        Ok(())
    }

    /// Applies a person's `change` to alert `id` of the handle's context and appends its
    /// audit entry, `entry(before, after)`, **in the same transaction** (the store's
    /// `audited` writes): the change and its entry are stored together or not at all. A
    /// change that changes nothing (resolving a resolved alert) stores nothing and appends
    /// no entry. Returns the alert after, and the entry if one was appended.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] (no such alert in this context); [`StoreError::Conflict`]
    /// (a resolved alert set back, a log position out of range, or the audit log busy);
    /// [`StoreError::Database`].
    pub async fn change_alert(
        &self,
        id: &str,
        change: AlertChange<'_>,
        entry: impl Fn(&AlertRecord, &AlertRecord) -> aman_ops::audit::AuditRecord + Send + Sync,
    ) -> Result<(AlertRecord, Option<aman_ops::audit::AuditEntry>)> {
        let select = format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1 AND {}",
            self.ctx_sql("")
        );
        let ctx = self.ctx_sql("");
        crate::audit::audited_if!(self, |tx| {
            let before = sqlx::query(sqlx::AssertSqlSafe(select.clone()))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::db(format!("reading alert {id:?}")))?
                .as_ref()
                .map(alert_from_row)
                .transpose()?
                .ok_or_else(|| StoreError::not_found(format!("alert {id:?}")))?;
            let changed = match change {
                AlertChange::Acknowledge { at, by } => {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "UPDATE alerts SET \
                         status = CASE WHEN status = 'resolved' THEN status ELSE 'acknowledged' END, \
                         acknowledged_at = COALESCE(acknowledged_at, $2), \
                         acknowledged_by = COALESCE(acknowledged_by, $3) WHERE id = $1 AND {ctx}"
                    )))
                    .bind(id)
                    .bind(at.0)
                    .bind(by)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(format!("acknowledging alert {id:?}")))?
                    .rows_affected()
                }
                AlertChange::Verdict {
                    verdict,
                    note,
                    by,
                    at,
                } => sqlx::query(sqlx::AssertSqlSafe(format!(
                    "UPDATE alerts SET verdict = $2, verdict_by = $3, verdict_at = $4, \
                     verdict_note = $5 WHERE id = $1 AND {ctx}"
                )))
                .bind(id)
                .bind(verdict.name())
                .bind(by)
                .bind(at.0)
                .bind(note)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db(format!("recording the verdict on alert {id:?}")))?
                .rows_affected(),
                AlertChange::Resolve { at, by, seq } => {
                    let seq = i64::try_from(seq).map_err(|_| {
                        StoreError::Conflict(format!("log position {seq} out of range"))
                    })?;
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "UPDATE alerts SET status = 'resolved', resolved_at = $2, \
                         resolved_by = $3, resolved_seq = $4 \
                         WHERE id = $1 AND status <> 'resolved' AND {ctx}"
                    )))
                    .bind(id)
                    .bind(at.0)
                    .bind(by)
                    .bind(seq)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(format!("resolving alert {id:?}")))?
                    .rows_affected()
                }
            };
            let after = sqlx::query(sqlx::AssertSqlSafe(select.clone()))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::db(format!("reading alert {id:?}")))?
                .as_ref()
                .map(alert_from_row)
                .transpose()?
                .ok_or_else(|| StoreError::not_found(format!("alert {id:?}")))?;
            let record = (changed > 0).then(|| entry(&before, &after));
            (after, record)
        })
    }

    /// The alerts of `venue` resolved by hand, in the order of the log: (log position, alert
    /// id, when), for rebuilding the live state ([`AlertChange::Resolve`]).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn manual_resolutions(&self, venue: &str) -> Result<Vec<(u64, String, Timestamp)>> {
        let sql = format!(
            "SELECT resolved_seq, id, resolved_at FROM alerts \
             WHERE venue = $1 AND {} AND resolved_seq IS NOT NULL AND resolved_at IS NOT NULL \
             ORDER BY resolved_seq, resolved_at, id",
            self.ctx_sql("")
        );
        let rows: Vec<(i64, String, i64)> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(venue)
            .fetch_all(p)
            .await
            .map_err(StoreError::db(format!("reading the alerts of {venue:?} resolved by hand")))?
        });
        Ok(rows
            .into_iter()
            .map(|(seq, id, at)| (count(seq), id, Timestamp(at)))
            .collect())
    }

    /// The note given with alert `id`'s verdict, if any.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn verdict_note(&self, id: &str) -> Result<Option<String>> {
        let sql = format!(
            "SELECT verdict_note FROM alerts WHERE id = $1 AND {}",
            self.ctx_sql("")
        );
        let note: Option<Option<String>> = with_pool!(self, p => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .fetch_optional(p)
                .await
                .map_err(StoreError::db(format!("reading the verdict note of alert {id:?}")))?
        });
        Ok(note.flatten())
    }

    /// Stores a CAP message of alert `alert_id`; returns its number (1 for the first).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if the alert does not exist; [`StoreError::Conflict`] if
    /// another message was stored for it at the same moment (retry); [`StoreError::Database`].
    pub async fn add_cap_message(
        &self,
        alert_id: &str,
        msg_type: MsgType,
        sent: Timestamp,
        xml: &str,
    ) -> Result<u64> {
        let exists = self.alert(alert_id).await?.is_some();
        if !exists {
            return Err(StoreError::not_found(format!("alert {alert_id:?}")));
        }
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar(
                "INSERT INTO cap_messages (alert_id, n, msg_type, sent, xml) \
                 SELECT $1, COALESCE(MAX(n), 0) + 1, $2, $3, $4 FROM cap_messages \
                 WHERE alert_id = $1 RETURNING n",
            )
            .bind(alert_id)
            .bind(msg_type.name())
            .bind(sent.0)
            .bind(xml)
            .fetch_one(p)
            .await
            .map_err(StoreError::db(format!("storing a CAP message of alert {alert_id:?}")))?
        });
        Ok(count(n))
    }

    /// Alerts of `venue`, newest first, at most `limit`.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn alerts(
        &self,
        venue: &str,
        filter: AlertFilter,
        limit: usize,
    ) -> Result<Vec<AlertRecord>> {
        let open = match filter {
            AlertFilter::Open => "AND status <> 'resolved'",
            AlertFilter::All => "",
        };
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE venue = $1 AND {} {open} \
             ORDER BY raised_at DESC, id LIMIT $2",
            self.ctx_sql("")
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        with_pool!(self, p => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(venue)
                .bind(limit)
                .fetch_all(p)
                .await
                .map_err(StoreError::db(format!("listing the alerts of {venue:?}")))?;
            rows.iter().map(alert_from_row).collect()
        })
    }

    /// Alerts of `venue` raised in `[from, to)`, oldest first, at most `limit` (the day
    /// report's list).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn alerts_raised_between(
        &self,
        venue: &str,
        from: Timestamp,
        to: Timestamp,
        limit: usize,
    ) -> Result<Vec<AlertRecord>> {
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE venue = $1 AND {} AND raised_at >= $2 \
             AND raised_at < $3 ORDER BY raised_at, id LIMIT $4",
            self.ctx_sql("")
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        with_pool!(self, p => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(venue)
                .bind(from.0)
                .bind(to.0)
                .bind(limit)
                .fetch_all(p)
                .await
                .map_err(StoreError::db(format!("listing the alerts of {venue:?} by time")))?;
            rows.iter().map(alert_from_row).collect()
        })
    }

    /// Alert `id`, if it exists.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn alert(&self, id: &str) -> Result<Option<AlertRecord>> {
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1 AND {}",
            self.ctx_sql("")
        );
        with_pool!(self, p => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(p)
                .await
                .map_err(StoreError::db(format!("reading alert {id:?}")))?;
            row.as_ref().map(alert_from_row).transpose()
        })
    }

    /// The CAP messages of alert `alert_id`, in order (empty if there is no such alert).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn cap_messages(&self, alert_id: &str) -> Result<Vec<CapMessage>> {
        let sql = format!(
            "SELECT m.alert_id, m.n, m.msg_type, m.sent, m.xml FROM cap_messages m \
             JOIN alerts a ON a.id = m.alert_id WHERE m.alert_id = $1 AND {} ORDER BY m.n",
            self.ctx_sql("a")
        );
        with_pool!(self, p => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(alert_id)
            .fetch_all(p)
            .await
            .map_err(StoreError::db(format!("reading the CAP messages of {alert_id:?}")))?;
            rows.iter()
                .map(|r| {
                    Ok(CapMessage {
                        alert_id: r.s("alert_id")?,
                        n: count(r.i64("n")?),
                        msg_type: MsgType::parse(&r.s("msg_type")?)?,
                        sent: Timestamp(r.i64("sent")?),
                        xml: r.s("xml")?,
                    })
                })
                .collect()
        })
    }

    /// Per rule and subject of `venue`: alerts raised, acknowledged, verdicts, precision.
    /// Counts every mode (Actual, Exercise, Test) of this handle's context together (an
    /// exercise's alerts are counted only in the exercise).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn alert_stats(&self, venue: &str) -> Result<Vec<RuleStats>> {
        let sql = format!(
            "SELECT rule, subject, COUNT(*) AS raised, \
             COUNT(acknowledged_at) AS acknowledged, \
             SUM(CASE WHEN verdict = 'true_positive' THEN 1 ELSE 0 END) AS true_pos, \
             SUM(CASE WHEN verdict = 'false_positive' THEN 1 ELSE 0 END) AS false_pos \
             FROM alerts WHERE venue = $1 AND {} GROUP BY rule, subject ORDER BY rule, subject",
            self.ctx_sql("")
        );
        with_pool!(self, p => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(venue)
            .fetch_all(p)
            .await
            .map_err(StoreError::db(format!("counting the alerts of {venue:?}")))?;
            rows.iter()
                .map(|r| {
                    let true_pos = count(r.i64("true_pos")?);
                    let false_pos = count(r.i64("false_pos")?);
                    let judged = true_pos + false_pos;
                    Ok(RuleStats {
                        rule: r.s("rule")?,
                        subject: r.s("subject")?,
                        raised: count(r.i64("raised")?),
                        acknowledged: count(r.i64("acknowledged")?),
                        true_pos,
                        false_pos,
                        precision: (judged > 0).then(|| true_pos as f64 / judged as f64),
                    })
                })
                .collect()
        })
    }
}
