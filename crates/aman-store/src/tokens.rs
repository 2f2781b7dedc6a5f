//! API tokens of sensors and administrators.
//!
//! A token reads `aman_<id>_<secret>`: `id` is 12 lowercase hex digits (public, the lookup
//! key), `secret` 64 lowercase hex digits (32 random bytes from the operating system). Only
//! the SHA-256 digest of the secret is stored. A fast hash is the right choice here because
//! the secret is a high-entropy random value: no dictionary or brute force can find a 256-bit
//! preimage, so a slow hash would add latency to every request and no security. Passwords,
//! when they come, are low-entropy and get Argon2. Digests are compared in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::readings::Get;
use crate::{Result, Store, StoreError, Timestamp, with_pool};

/// Prefix of every token's text.
pub const TOKEN_PREFIX: &str = "aman_";
const ID_HEX: usize = 12;
const SECRET_HEX: usize = 64;

/// What a token may do.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TokenRole {
    /// Administration of the server (tokens, venues, alerts).
    Admin,
    /// Posting readings as one sensor of one venue, nothing else.
    Sensor {
        /// Venue id.
        venue: String,
        /// Sensor id, as in the venue file.
        sensor: String,
    },
}

/// A stored token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The public id (12 hex digits), part of the token's text.
    pub id: String,
    /// What it may do.
    pub role: TokenRole,
    /// A human label ("camera north gate", "admin Ahmed").
    pub label: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was revoked; a revoked token no longer verifies.
    pub revoked_at: Option<Timestamp>,
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

fn digest_hex(secret: &str) -> String {
    hex(Sha256::digest(secret.as_bytes()).as_slice())
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Splits a token's text into (id, secret); `None` if it is not shaped like a token.
fn split(text: &str) -> Option<(&str, &str)> {
    let rest = text.trim().strip_prefix(TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    (is_lower_hex(id, ID_HEX) && is_lower_hex(secret, SECRET_HEX)).then_some((id, secret))
}

fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(hex(&buf))
}

fn info_from_row(r: &impl Get) -> Result<TokenInfo> {
    let id = r.s("id")?;
    let role = match r.s("role")?.as_str() {
        "admin" => TokenRole::Admin,
        "sensor" => match (r.os("venue")?, r.os("sensor")?) {
            (Some(venue), Some(sensor)) => TokenRole::Sensor { venue, sensor },
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "token {id}: sensor without venue"
                )));
            }
        },
        other => return Err(StoreError::Corrupt(format!("token {id}: role {other:?}"))),
    };
    Ok(TokenInfo {
        role,
        label: r.s("label")?,
        created_at: Timestamp(r.i64("created_at")?),
        revoked_at: r.oi64("revoked_at")?.map(Timestamp),
        id,
    })
}

impl Store {
    /// Creates a token for `role`, labelled `label`. Returns its info and its text,
    /// `aman_<id>_<secret>`: the only time the secret is seen (only its digest is stored).
    ///
    /// # Errors
    /// [`StoreError::Database`]; [`StoreError::Conflict`] if the random id exists already
    /// (one chance in 2⁴⁸ per existing token: try again).
    pub async fn create_token(&self, role: TokenRole, label: &str) -> Result<(TokenInfo, String)> {
        let id = random_hex(ID_HEX / 2)?;
        let secret = random_hex(SECRET_HEX / 2)?;
        let (role_name, venue, sensor) = match &role {
            TokenRole::Admin => ("admin", None, None),
            TokenRole::Sensor { venue, sensor } => {
                ("sensor", Some(venue.as_str()), Some(sensor.as_str()))
            }
        };
        let created_at = crate::now();
        with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO tokens (id, role, venue, sensor, label, secret_sha256, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id.as_str())
            .bind(role_name)
            .bind(venue)
            .bind(sensor)
            .bind(label)
            .bind(digest_hex(&secret))
            .bind(created_at.0)
            .execute(p)
            .await
            .map_err(StoreError::db("creating a token"))?;
        });
        let text = format!("{TOKEN_PREFIX}{id}_{secret}");
        Ok((
            TokenInfo {
                id,
                role,
                label: label.to_owned(),
                created_at,
                revoked_at: None,
            },
            text,
        ))
    }

    /// The token whose text is `text`, if it exists, is not revoked and its secret matches.
    /// Malformed text gives `None`.
    ///
    /// # Errors
    /// [`StoreError::Database`] only: a wrong token is `Ok(None)`.
    pub async fn verify_token(&self, text: &str) -> Result<Option<TokenInfo>> {
        let Some((id, secret)) = split(text) else {
            return Ok(None);
        };
        let found = with_pool!(self, p => {
            let row = sqlx::query(
                "SELECT id, role, venue, sensor, label, created_at, revoked_at, secret_sha256 \
                 FROM tokens WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await
            .map_err(StoreError::db("looking up a token"))?;
            match row {
                None => None,
                Some(r) => Some((info_from_row(&r)?, r.s("secret_sha256")?)),
            }
        });
        let Some((info, stored)) = found else {
            return Ok(None);
        };
        let given = digest_hex(secret);
        let matches: bool = given.as_bytes().ct_eq(stored.as_bytes()).into();
        Ok((matches && info.revoked_at.is_none()).then_some(info))
    }

    /// Every token, revoked ones included, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn list_tokens(&self) -> Result<Vec<TokenInfo>> {
        with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT id, role, venue, sensor, label, created_at, revoked_at FROM tokens \
                 ORDER BY created_at, id",
            )
            .fetch_all(p)
            .await
            .map_err(StoreError::db("listing tokens"))?;
            rows.iter().map(info_from_row).collect()
        })
    }

    /// Revokes token `id` (now). Revoking a revoked token keeps its first revocation time.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if there is no such token; [`StoreError::Database`].
    pub async fn revoke_token(&self, id: &str) -> Result<()> {
        let n = with_pool!(self, p => {
            sqlx::query("UPDATE tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
                .bind(id)
                .bind(crate::now().0)
                .execute(p)
                .await
                .map_err(StoreError::db("revoking a token"))?
                .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::not_found(format!("token {id:?}")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_tokens_do_not_split() {
        let good = format!("aman_{}_{}", "0a".repeat(6), "f1".repeat(32));
        assert!(split(&good).is_some());
        for bad in [
            "",
            "aman_",
            "aman__",
            "Bearer x",
            &good[..good.len() - 1],
            &good.to_uppercase(),
            &good.replace("aman_", "amen_"),
            &format!("{good}0"),
            &format!("aman_{}_{}", "0a".repeat(6), "é".repeat(32)),
        ] {
            assert!(split(bad).is_none(), "{bad}");
        }
    }
}
