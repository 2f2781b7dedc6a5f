//! Appends the audit log's entry of each write a person or a token makes through the server
//! ([`aman_ops::audit`], stored by `aman-store`): who (the principal's label and agency),
//! when, what (`object-kind.verb`), on what, the object before and after (JSON, never a
//! secret).
//!
//! A write's entry is appended **inside the write's own transaction** by the store (its
//! `audited` writes: incidents, units and tasks in [`crate::ops`], a person's change of an
//! alert in [`crate::alert_actions`], users' accounts): both are stored or neither. The
//! entry is built here ([`entry`]). [`record`] appends an entry in a transaction of its
//! own, for what writes nothing else: the reads of restricted records, logins and logouts.

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

/// The entry of `action` on `object` by `who` (from [`actor`]), now, with the object before
/// and after; the store adds the context (live or the exercise).
pub fn entry(
    who: (String, Option<String>),
    action: &str,
    object: String,
    before: Option<Value>,
    after: Option<Value>,
) -> AuditRecord {
    let (actor, agency) = who;
    AuditRecord {
        at: now(),
        actor,
        agency,
        action: action.to_string(),
        object,
        before: before.map(|v| v.to_string()),
        after: after.map(|v| v.to_string()),
        exercise: None,
    }
}

/// Appends `action` on `object` by `who` (from [`actor`]), with the object before and after,
/// in a transaction of its own (see the module's doc).
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
    app.store
        .append_audit(entry(who, action, object, before, after))
        .await
        .map_err(|e| {
            tracing::error!(action, error = %e, "appending to the audit log failed after the write");
            AppError::Unavailable(format!("the audit log could not be written: {e}"))
        })?;
    Ok(())
}
