//! `aman audit verify`: checks the audit log's hash chain (aman-ops's `audit` module) from its
//! first entry to its last, in chunks, and names the first entry altered, removed, inserted
//! or reordered; with `--expect-head`, also that the chain passes through a head recorded
//! earlier outside the database (a rebuilt or cut chain does not).

use aman_ops::audit::{AuditRecord, ChainBreak, Verifier, from_hex, to_hex};
use aman_store::Store;
use anyhow::anyhow;

use crate::Failure;
use crate::args::AuditArgs;
use crate::commands::serve::{open, runtime, store_url};

/// Entries read per query.
const CHUNK: usize = 10_000;

/// A head written `SEQ:HASH` (64 hex digits).
fn parse_head(s: &str) -> Result<(u64, [u8; 32]), Failure> {
    let bad = || {
        Failure::Input(anyhow!(
            "--expect-head {s:?}: write the head as aman audit verify prints it, SEQ:HASH \
             (an entry number, a colon and 64 hex digits)"
        ))
    };
    let (seq, hash) = s.split_once(':').ok_or_else(bad)?;
    let seq: u64 = seq.trim().parse().map_err(|_| bad())?;
    let hash = from_hex(hash.trim()).ok_or_else(bad)?;
    if seq == 0 {
        return Err(bad());
    }
    Ok((seq, hash))
}

/// Runs `aman audit`. Exit codes: 0 the chain is intact, 1 it is broken (the first broken
/// entry named) or the database cannot be read, 2 bad options.
///
/// # Errors
/// [`Failure`] as above.
pub fn audit(a: &AuditArgs) -> Result<u8, Failure> {
    let url = store_url(&a.data, &a.database);
    if a.action == "grant-server" {
        return grant_server(a, &url);
    }
    if a.role.is_some() {
        return Err(Failure::Input(anyhow!(
            "--role goes with grant-server, not with {}",
            a.action
        )));
    }
    let expect = a.expect_head.as_deref().map(parse_head).transpose()?;
    runtime()?.block_on(async {
        let store = open(&url).await?;
        let r = verify(&store, expect).await;
        let shown = store.url().to_string();
        store.close().await;
        match r? {
            Ok((seq, hash)) => {
                outln!(
                    "audit log of {shown}: {seq} entries, chain intact; head {seq}:{}",
                    to_hex(&hash)
                )?;
                if seq > 0 {
                    errln!(
                        "keep the head outside the database (the shift log): \
                         aman audit verify --expect-head {seq}:{} shows a chain rebuilt or cut since",
                        to_hex(&hash)
                    );
                }
                Ok(0)
            }
            Err(b) => {
                outln!("audit log of {shown}: BROKEN: {b}")?;
                Ok(1)
            }
        }
    })
}

/// `aman audit grant-server --role ROLE`: [`Store::grant_server_role`] on the database,
/// recorded in the audit log.
fn grant_server(a: &AuditArgs, url: &str) -> Result<u8, Failure> {
    let Some(role) = a.role.as_deref() else {
        return Err(Failure::Input(anyhow!(
            "grant-server needs --role ROLE: the PostgreSQL role aman serve connects as"
        )));
    };
    if a.expect_head.is_some() {
        return Err(Failure::Input(anyhow!(
            "--expect-head goes with verify, not with grant-server"
        )));
    }
    runtime()?.block_on(async {
        let store = open(url).await?;
        let r = store.grant_server_role(role).await;
        let r = match r {
            Ok(()) => {
                cli_audit(
                    &store,
                    "database.grant_server",
                    format!("role:{role}"),
                    Some(serde_json::json!({"role": role, "audit_log": "select, insert"})),
                )
                .await
            }
            Err(aman_store::StoreError::Invalid { field, message }) => {
                Err(Failure::Input(anyhow!("{field}: {message}")))
            }
            Err(e) => Err(Failure::Other(anyhow!(e))),
        };
        let shown = store.url().to_string();
        store.close().await;
        r?;
        outln!(
            "{shown}: role {role} may run aman serve here; it can read and append the audit \
             log, never change it"
        )?;
        Ok(0)
    })
}

async fn verify(
    store: &Store,
    expect: Option<(u64, [u8; 32])>,
) -> Result<Result<(u64, [u8; 32]), ChainBreak>, Failure> {
    let mut v = Verifier::default();
    let mut passed = expect.is_none();
    loop {
        let chunk = store
            .audit_entries(v.head().0, CHUNK)
            .await
            .map_err(|e| Failure::Other(anyhow!(e)))?;
        if chunk.is_empty() {
            break;
        }
        for e in &chunk {
            if let Err(b) = v.push(e) {
                return Ok(Err(b));
            }
            if let Some((seq, hash)) = expect
                && e.seq == seq
            {
                passed = e.hash == hash;
            }
        }
    }
    if let (false, Some((seq, hash))) = (passed, expect) {
        return Ok(Err(ChainBreak::HeadMismatch {
            seq,
            hash: to_hex(&hash),
        }));
    }
    Ok(Ok(v.head()))
}

/// The audit entry of a change made on the command line: the actor is `cli (<user>)`, the
/// operating-system account that ran it.
pub(crate) fn cli_record(
    action: &str,
    object: String,
    after: Option<serde_json::Value>,
) -> AuditRecord {
    let who = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    AuditRecord {
        at: aman_store::Timestamp(now),
        actor: format!("cli ({who})"),
        agency: None,
        action: action.to_string(),
        object,
        before: None,
        after: after.map(|v| v.to_string()),
        exercise: None,
    }
}

/// Appends [`cli_record`] to `store`'s audit log.
///
/// # Errors
/// [`Failure::Other`] if the store cannot append it.
pub(crate) async fn cli_audit(
    store: &Store,
    action: &str,
    object: String,
    after: Option<serde_json::Value>,
) -> Result<(), Failure> {
    store
        .append_audit(cli_record(action, object, after))
        .await
        .map(|_| ())
        .map_err(|e| Failure::Other(anyhow!("the audit log could not be written: {e}")))
}
