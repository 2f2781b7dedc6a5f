//! User passwords: Argon2id hashes, and the bounds a password must fit.
//!
//! Parameters: **Argon2id, m = 19 MiB (19 456 KiB), t = 2 iterations, p = 1 lane**, 16-byte
//! random salt, 32-byte tag — the first configuration of the OWASP Password Storage Cheat
//! Sheet (Argon2id section), stored as a PHC string
//! (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<tag>`), so a later change of parameters still
//! verifies the old hashes. One hash costs about 20–50 ms of one core: callers in async code
//! run it on a blocking thread.
//!
//! A password is [`MIN_PASSWORD_CHARS`] to [`MAX_PASSWORD_CHARS`] characters (NIST SP 800-63B
//! §3.1.1.2: length is what counts, no composition rules; an upper bound so a megabyte
//! "password" cannot tie up the hasher) and at most [`MAX_PASSWORD_BYTES`] bytes. Passwords
//! are never logged: [`Password`]'s `Debug` prints `***`.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::{Result, StoreError};

/// Fewest characters of a password.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Most characters of a password.
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Most bytes of a password (UTF-8).
pub const MAX_PASSWORD_BYTES: usize = 512;

/// Argon2 memory cost, KiB (OWASP: 19 MiB).
pub const M_COST_KIB: u32 = 19_456;
/// Argon2 iterations (OWASP: 2).
pub const T_COST: u32 = 2;
/// Argon2 lanes (OWASP: 1).
pub const P_COST: u32 = 1;

/// A password in memory. Its `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Wraps `text` (not checked: see [`Password::check`]).
    pub fn new(text: impl Into<String>) -> Password {
        Password(text.into())
    }

    /// The text, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Checks the bounds: [`StoreError::Invalid`] on field `password` if it is too short or
    /// too long (the message says the bounds, never the password).
    ///
    /// # Errors
    /// As said.
    pub fn check(&self) -> Result<()> {
        let chars = self.0.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(StoreError::invalid(
                "password",
                format!(
                    "too short ({chars} characters): a password has at least \
                     {MIN_PASSWORD_CHARS} characters"
                ),
            ));
        }
        if chars > MAX_PASSWORD_CHARS || self.0.len() > MAX_PASSWORD_BYTES {
            return Err(StoreError::invalid(
                "password",
                format!(
                    "too long: a password has at most {MAX_PASSWORD_CHARS} characters \
                     ({MAX_PASSWORD_BYTES} bytes)"
                ),
            ));
        }
        Ok(())
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

fn hasher() -> Argon2<'static> {
    // The constants are within Argon2's bounds, so `Params::new` cannot fail; the default
    // (also 19456/2/1 in argon2 0.6) is only a fallback.
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The Argon2id PHC string of `password`, with a fresh random salt. Checks the bounds first.
///
/// # Errors
/// [`StoreError::Invalid`] for a password out of bounds; [`StoreError::Random`] if the
/// operating system's random generator fails.
pub fn hash_password(password: &Password) -> Result<String> {
    password.check()?;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StoreError::Random(e.to_string()))?;
    hasher()
        .hash_password_with_salt(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Corrupt(format!("hashing a password: {e}")))
}

/// Whether `password` matches the PHC string `phc`. A password out of bounds, or a string
/// that is not an Argon2 PHC string, does not match.
pub fn verify_password(password: &Password, phc: &str) -> bool {
    if password.expose().len() > MAX_PASSWORD_BYTES {
        return false;
    }
    hasher()
        .verify_password(password.expose().as_bytes(), phc)
        .is_ok()
}

/// A fixed hash to verify against when a login names no user, so the answer takes as long as
/// for a real user (no timing oracle for which logins exist). Computed once.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password(&Password::new("dummy password, never valid"))
            .unwrap_or_else(|_| "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusal() {
        let p = Password::new("correct horse battery staple");
        let h = hash_password(&p).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password(&p, &h));
        assert!(!verify_password(
            &Password::new("correct horse battery stapl"),
            &h
        ));
        assert!(!verify_password(&p, "not a hash"));
        // Same password, another salt: another hash, both verify.
        let h2 = hash_password(&p).unwrap();
        assert_ne!(h, h2);
        assert!(verify_password(&p, &h2));
        assert!(!verify_password(&p, dummy_hash()));
    }

    #[test]
    fn bounds() {
        let short = hash_password(&Password::new("elevenchars")).unwrap_err();
        assert!(short.to_string().contains("at least 12"), "{short}");
        assert!(hash_password(&Password::new("a".repeat(12))).is_ok());
        let long = hash_password(&Password::new("a".repeat(129))).unwrap_err();
        assert!(long.to_string().contains("at most 128"), "{long}");
        // 128 characters of 4 bytes each: 512 bytes, accepted; 129 refused above.
        assert!(Password::new("𝄞".repeat(128)).check().is_ok());
        assert!(format!("{:?}", Password::new("secret-secret")) == "Password(***)");
    }
}
