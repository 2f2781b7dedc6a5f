//! Appends the audit log's entry of each write a person or a token makes through the server
//! ([`aman_ops::audit`], stored by `aman-store`): who (the principal's label and agency),
//! when, what (`object-kind.verb`), on what, the object before and after (JSON, never a
//! secret).
//!
//! Here the entry is appended right after the write, not in its transaction: a store failing
//! between the two leaves the write without its entry (logged as an error, answered 503).
//! The writes of incidents, units and tasks ([`crate::ops`]) do better: the store appends
//! their entry inside the write's own transaction. This function still records the reads of
//! restricted records and the older writes (alerts, sessions, users).

use aman_ops::audit::AuditRecord;
use serde_json::Value;

use crate::app::{AppState, now};
use crate::auth::Principal;
use crate::error::AppError;

/// Who did it, for an entry: the principal's label, and its agency (a user's).
pub fn actor(p: &Principal) -> (String, Option<String>) {
    match p {
        Principal::Token(_) => (format!("token {}", p.label()), None),
        Principal::User { session, .. } => (p.label(), Some(session.user.agency.clone())),
    }
}

/// Appends `action` on `object` by `who` (from [`actor`]), with the object before and after.
///
/// # Errors
/// [`AppError::Unavailable`] if the store cannot append it (the write it records is done).
pub async fn record(
    app: &AppState,
    who: (String, Option<String>),
    action: &str,
    object: String,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), AppError> {
    let (actor, agency) = who;
    let r = AuditRecord {
        at: now(),
        actor,
        agency,
        action: action.to_string(),
        object,
        before: before.map(|v| v.to_string()),
        after: after.map(|v| v.to_string()),
        exercise: None,
    };
    app.store.append_audit(r).await.map_err(|e| {
        tracing::error!(action, error = %e, "appending to the audit log failed after the write");
        AppError::Unavailable(format!("the audit log could not be written: {e}"))
    })?;
    Ok(())
}
