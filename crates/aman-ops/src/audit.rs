//! The joint operations' audit log: every write (and every read of a restricted record)
//! appends an entry — who, when, what, before and after — and each entry carries the hash of
//! the one before it, so the log cannot be rewritten silently: changing, removing, inserting
//! or reordering an entry breaks the chain at that entry, and [`verify`] names it.
//!
//! The hash of entry `n` (1, 2, …) is SHA-256 (FIPS 180-4) of
//!
//! ```text
//! "aman-audit-v1" ‖ n (8 bytes, big-endian) ‖ hash of entry n − 1 (32 bytes; zeros for n = 1)
//!   ‖ at (i64 µs since 1970 UTC, 8 bytes, big-endian)
//!   ‖ field(actor) ‖ field(agency) ‖ field(action) ‖ field(object)
//!   ‖ field(before) ‖ field(after) ‖ field(exercise)
//! ```
//!
//! where `field(None)` is the byte 0 and `field(Some(s))` is the byte 1, the length of `s` in
//! bytes (4 bytes, big-endian) and its UTF-8 bytes: an unambiguous encoding, so no two
//! different entries hash the same bytes. This is the construction of a hash chain (a linked
//! timestamping list: S. Haber, W. S. Stornetta, "How to time-stamp a digital document",
//! *J. Cryptology* 3(2), 99–111, 1991, §5.1).
//!
//! **What the chain proves and what it does not.** Anyone who edits the rows without
//! recomputing every later hash is caught at the first edited entry. Someone with write access
//! to the database who knows this construction (it is public) can rebuild the whole chain
//! after an edit, or cut its tail; against that, the chain's head (`n` and its hash) must be
//! kept outside the database — printed by `aman audit verify` and written into the shift log,
//! or given back to it with `--expect-head` — and checked later: a rebuilt or cut chain no
//! longer ends in, or passes through, the recorded head.

use aman_monitor::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A 32-byte SHA-256 digest.
pub type Hash = [u8; 32];

/// The hash before the first entry.
pub const GENESIS: Hash = [0; 32];

/// What an entry records (its content; the chain adds the number and the hashes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// When (UTC).
    pub at: Timestamp,
    /// Who: `login (agency)` for a person, `token <label>` for a token, `cli (<user>)` for the
    /// command line.
    pub actor: String,
    /// The actor's agency, if any.
    pub agency: Option<String>,
    /// What was done, `object-kind.verb`: `alert.acknowledge`, `user.create`, ….
    pub action: String,
    /// On what: `alert/<id>`, `user/<login>`, ….
    pub object: String,
    /// The object before (JSON text), if it existed and matters.
    pub before: Option<String>,
    /// The object after (JSON text), if it still exists.
    pub after: Option<String>,
    /// The exercise it belongs to (`None`: live operations).
    pub exercise: Option<String>,
}

/// An entry of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Its number: 1, 2, … without gaps.
    pub seq: u64,
    /// What it records.
    pub record: AuditRecord,
    /// The hash of entry `seq − 1` ([`GENESIS`] for the first).
    #[serde(serialize_with = "ser_hex")]
    pub prev: Hash,
    /// Its own hash ([`entry_hash`]).
    #[serde(serialize_with = "ser_hex")]
    pub hash: Hash,
}

fn ser_hex<S: serde::Serializer>(h: &Hash, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&to_hex(h))
}

fn field(d: &mut Sha256, s: Option<&str>) {
    match s {
        None => d.update([0u8]),
        Some(s) => {
            d.update([1u8]);
            // Fields are bounded by the server far below 4 GiB; a longer one is cut in the
            // length only, which cannot happen for a stored row.
            d.update(u32::try_from(s.len()).unwrap_or(u32::MAX).to_be_bytes());
            d.update(s.as_bytes());
        }
    }
}

/// The hash of entry `seq` recording `r` after the entry whose hash is `prev` (the module's
/// construction).
pub fn entry_hash(seq: u64, prev: &Hash, r: &AuditRecord) -> Hash {
    let mut d = Sha256::new();
    d.update(b"aman-audit-v1");
    d.update(seq.to_be_bytes());
    d.update(prev);
    d.update(r.at.0.to_be_bytes());
    field(&mut d, Some(&r.actor));
    field(&mut d, r.agency.as_deref());
    field(&mut d, Some(&r.action));
    field(&mut d, Some(&r.object));
    field(&mut d, r.before.as_deref());
    field(&mut d, r.after.as_deref());
    field(&mut d, r.exercise.as_deref());
    d.finalize().into()
}

/// The entry that follows `(seq, hash)` of the last entry (`(0, GENESIS)` for an empty log).
pub fn next_entry(last: (u64, Hash), record: AuditRecord) -> AuditEntry {
    let seq = last.0 + 1;
    let hash = entry_hash(seq, &last.1, &record);
    AuditEntry {
        seq,
        record,
        prev: last.1,
        hash,
    }
}

/// Where a chain is broken: the first entry that is not what the chain says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// The entry's content or its stored hash was changed: its hash is not the hash of its
    /// content.
    #[error("entry {seq} was altered: its hash is not the hash of its content")]
    Altered {
        /// The entry.
        seq: u64,
    },
    /// Entries are missing before this one (removed), or it was moved: its number is not the
    /// next one.
    #[error("entries {expected}–{} are missing before entry {seq} (removed)", seq - 1)]
    Missing {
        /// The number the next entry should have.
        expected: u64,
        /// The number found.
        seq: u64,
    },
    /// The entry does not follow the one before it (an entry was inserted, replaced or moved,
    /// or the one before it was rewritten).
    #[error("entry {seq} does not follow entry {}: the chain was rewritten there", seq - 1)]
    Unlinked {
        /// The entry.
        seq: u64,
    },
    /// An entry's number is not above the one before (duplicated or reordered).
    #[error("entry {seq} comes after entry {after}: the log was reordered")]
    OutOfOrder {
        /// The entry.
        seq: u64,
        /// The number of the entry before it.
        after: u64,
    },
    /// The chain does not end in, or pass through, the head recorded outside the database.
    #[error(
        "the chain does not pass through the recorded head {seq}:{hash}: it was rebuilt or cut"
    )]
    HeadMismatch {
        /// The recorded head's number.
        seq: u64,
        /// Its hash, hex.
        hash: String,
    },
}

/// Checks a chain incrementally, entry by entry (so a long log is checked in chunks).
#[derive(Debug, Clone)]
pub struct Verifier {
    last: (u64, Hash),
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier { last: (0, GENESIS) }
    }
}

impl Verifier {
    /// Checks the next entry.
    ///
    /// # Errors
    /// The first [`ChainBreak`] found.
    pub fn push(&mut self, e: &AuditEntry) -> Result<(), ChainBreak> {
        let expected = self.last.0 + 1;
        if e.seq < expected {
            return Err(ChainBreak::OutOfOrder {
                seq: e.seq,
                after: self.last.0,
            });
        }
        if e.seq > expected {
            return Err(ChainBreak::Missing {
                expected,
                seq: e.seq,
            });
        }
        if entry_hash(e.seq, &e.prev, &e.record) != e.hash {
            return Err(ChainBreak::Altered { seq: e.seq });
        }
        if e.prev != self.last.1 {
            return Err(ChainBreak::Unlinked { seq: e.seq });
        }
        self.last = (e.seq, e.hash);
        Ok(())
    }

    /// The head checked so far: (number, hash) of the last entry; `(0, GENESIS)` for none.
    pub fn head(&self) -> (u64, Hash) {
        self.last
    }
}

/// Checks a whole chain, in order; returns its head.
///
/// # Errors
/// The first [`ChainBreak`].
pub fn verify<'a>(
    entries: impl IntoIterator<Item = &'a AuditEntry>,
) -> Result<(u64, Hash), ChainBreak> {
    let mut v = Verifier::default();
    for e in entries {
        v.push(e)?;
    }
    Ok(v.head())
}

/// Lower-case hex of a hash.
pub fn to_hex(h: &Hash) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// A hash from 64 hex digits (either case).
pub fn from_hex(s: &str) -> Option<Hash> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut h = [0u8; 32];
    for (i, b) in h.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(k: i64) -> AuditRecord {
        AuditRecord {
            at: Timestamp(1_767_225_600_000_000 + k * 1_000_000),
            actor: "karim (ma-dgsn)".into(),
            agency: Some("ma-dgsn".into()),
            action: "alert.acknowledge".into(),
            object: format!("alert/a{k}"),
            before: Some(r#"{"status":"raised"}"#.into()),
            after: Some(r#"{"status":"acknowledged"}"#.into()),
            exercise: None,
        }
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut last = (0, GENESIS);
        (1..=n)
            .map(|k| {
                let e = next_entry(last, record(k));
                last = (e.seq, e.hash);
                e
            })
            .collect()
    }

    #[test]
    fn sha256_is_fips_180_4() {
        // FIPS 180-4 / NIST example "abc".
        let d: Hash = Sha256::digest(b"abc").into();
        assert_eq!(
            to_hex(&d),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(from_hex(&to_hex(&d)), Some(d));
        assert_eq!(from_hex("xyz"), None);
        assert_eq!(from_hex(&"g".repeat(64)), None);
    }

    #[test]
    fn an_untouched_chain_verifies_and_gives_its_head() {
        let c = chain(5);
        assert_eq!(c[0].prev, GENESIS);
        assert_eq!(verify(&c), Ok((5, c[4].hash)));
        assert_eq!(verify(&[]), Ok((0, GENESIS)));
    }

    #[test]
    fn every_kind_of_tampering_names_the_entry() {
        let c = chain(6);
        // A field changed (the stored hash kept).
        for edit in 0..8 {
            let mut t = c.clone();
            let r = &mut t[2].record;
            match edit {
                0 => r.at = Timestamp(r.at.0 + 1),
                1 => r.actor.push('x'),
                2 => r.agency = None,
                3 => r.action = "alert.resolve".into(),
                4 => r.object.push('x'),
                5 => r.before = None,
                6 => r.after = Some(String::new()),
                _ => r.exercise = Some("ex1".into()),
            }
            assert_eq!(
                verify(&t),
                Err(ChainBreak::Altered { seq: 3 }),
                "edit {edit}"
            );
        }
        // A field moved into its neighbour: the length prefixes tell them apart.
        let mut t = c.clone();
        t[2].record.actor = "karim (ma-dgsn)alert.".into();
        t[2].record.action = "acknowledge".into();
        assert_eq!(verify(&t), Err(ChainBreak::Altered { seq: 3 }));
        // An entry removed.
        let mut t = c.clone();
        t.remove(3);
        assert_eq!(
            verify(&t),
            Err(ChainBreak::Missing {
                expected: 4,
                seq: 5
            })
        );
        // Removed and the later ones renumbered: they no longer follow.
        let mut t = c.clone();
        t.remove(3);
        for e in &mut t[3..] {
            e.seq -= 1;
            e.hash = entry_hash(e.seq, &e.prev, &e.record);
        }
        assert_eq!(verify(&t), Err(ChainBreak::Unlinked { seq: 4 }));
        // Edited with its own hash recomputed: the next entry no longer follows it.
        let mut t = c.clone();
        t[2].record.after = Some(r#"{"status":"resolved"}"#.into());
        t[2].hash = entry_hash(3, &t[2].prev, &t[2].record);
        assert_eq!(verify(&t), Err(ChainBreak::Unlinked { seq: 4 }));
        // Two entries swapped.
        let mut t = c.clone();
        t.swap(1, 2);
        assert_eq!(
            verify(&t),
            Err(ChainBreak::Missing {
                expected: 2,
                seq: 3
            })
        );
        // A duplicate.
        let mut t = c.clone();
        t.insert(2, c[1].clone());
        assert_eq!(verify(&t), Err(ChainBreak::OutOfOrder { seq: 2, after: 2 }));
    }

    #[test]
    fn a_rebuilt_chain_verifies_alone_but_not_against_its_recorded_head() {
        // Whoever rebuilds every hash after an edit gets a valid chain: only a head kept
        // outside the database shows it (what `aman audit verify --expect-head` checks).
        let c = chain(4);
        let head = (4, c[3].hash);
        let mut t = c.clone();
        t[1].record.actor = "someone else".into();
        let mut last = (1, t[0].hash);
        for e in &mut t[1..] {
            *e = next_entry(last, e.record.clone());
            last = (e.seq, e.hash);
        }
        let rebuilt = verify(&t).unwrap();
        assert_eq!(rebuilt.0, head.0);
        assert_ne!(rebuilt.1, head.1);
    }
}
