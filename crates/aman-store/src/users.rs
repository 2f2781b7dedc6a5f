//! Agencies, user accounts and browser sessions.
//!
//! Everything a user types is checked here, before anything is written, so a refused value
//! leaves nothing stored: logins are short lowercase identifiers; names (display names,
//! agency names) are at most [`MAX_NAME_CHARS`] characters without control characters,
//! direction controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C: they reorder what
//! other people read around the name) or `<` `>` (no markup in a name). Passwords: see
//! [`crate::password`].
//!
//! A session id is 32 random bytes (256 bits) from the operating system, given to the
//! browser as 64 hex digits; only its SHA-256 is stored (a fast hash suffices for a
//! high-entropy secret, as for tokens). A session ends at its absolute expiry, after an
//! idle time without requests, at logout, and when its user is disabled or changes password.

use aman_ops::access::Role;
use sha2::{Digest, Sha256};

use crate::password::{Password, hash_password};
use crate::readings::Get;
use crate::{Result, Store, StoreError, Timestamp, with_pool};
use aman_ops::audit::{AuditEntry, AuditRecord};

/// Builds the audit entry of a write on a user's account from the user as written.
pub type UserAudit<'a> = dyn Fn(&User) -> AuditRecord + Send + Sync + 'a;

/// Most characters of a login.
pub const MAX_LOGIN_CHARS: usize = 64;
/// Most characters of a display name or an agency's name.
pub const MAX_NAME_CHARS: usize = 80;
/// Most characters of an agency id.
pub const MAX_AGENCY_ID_CHARS: usize = 32;
/// Seconds between two updates of a session's `last_seen` (fewer writes; the idle timeout
/// is that much less exact).
pub const LAST_SEEN_GRANULARITY_S: i64 = 10;

/// The language a user reads the dashboard in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// French.
    Fr,
    /// Arabic (right to left).
    Ar,
    /// English.
    En,
}

impl Language {
    /// `fr`, `ar` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::Ar => "ar",
            Language::En => "en",
        }
    }

    /// The language of code `s`, if it is one of the three.
    pub fn parse(s: &str) -> Option<Language> {
        match s {
            "fr" => Some(Language::Fr),
            "ar" => Some(Language::Ar),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

/// An agency, e.g. `fr-pn` (Police nationale).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    /// Id: lowercase letters, digits and `-`, e.g. `fr-pn`, `ma-dgsn`.
    pub id: String,
    /// Name in French.
    pub name_fr: String,
    /// Name in Arabic.
    pub name_ar: String,
    /// Name in English.
    pub name_en: String,
}

/// A user account (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Login: lowercase letters, digits, `.`, `_`, `-`.
    pub login: String,
    /// Name shown to others.
    pub display_name: String,
    /// Agency id.
    pub agency: String,
    /// Role.
    pub role: Role,
    /// Language of the dashboard.
    pub language: Language,
    /// When disabled; a disabled user cannot log in and has no session.
    pub disabled_at: Option<Timestamp>,
    /// Consecutive failed logins since the last success or lock.
    pub failed_logins: u32,
    /// Locked (no login, even with the right password) until then.
    pub locked_until: Option<Timestamp>,
    /// When created.
    pub created_at: Timestamp,
}

/// What [`Store::create_user`] takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Login.
    pub login: String,
    /// Display name.
    pub display_name: String,
    /// Agency id (must exist).
    pub agency: String,
    /// Role.
    pub role: Role,
    /// Language.
    pub language: Language,
}

/// A live session and its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The user.
    pub user: User,
    /// The per-session CSRF token (64 hex digits).
    pub csrf_token: String,
    /// When it started.
    pub created_at: Timestamp,
    /// Its absolute end.
    pub expires_at: Timestamp,
}

/// Checks a login: 2 to [`MAX_LOGIN_CHARS`] of `a-z 0-9 . _ -`, starting with a letter or
/// digit.
///
/// # Errors
/// [`StoreError::Invalid`] on `login`.
pub fn check_login(login: &str) -> Result<()> {
    let n = login.chars().count();
    if !(2..=MAX_LOGIN_CHARS).contains(&n) {
        return Err(StoreError::invalid(
            "login",
            format!("{n} characters: a login has 2 to {MAX_LOGIN_CHARS}"),
        ));
    }
    let ok_char = |c: char| matches!(c, 'a'..='z' | '0'..='9' | '.' | '_' | '-');
    if !login.chars().all(ok_char) || !login.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(StoreError::invalid(
            "login",
            "a login is lowercase letters a-z, digits, '.', '_' and '-', starting with a \
             letter or digit",
        ));
    }
    Ok(())
}

/// Checks an agency id: 2 to [`MAX_AGENCY_ID_CHARS`] of `a-z 0-9 -`, starting with a letter.
///
/// # Errors
/// [`StoreError::Invalid`] on `agency`.
pub fn check_agency_id(id: &str) -> Result<()> {
    let n = id.chars().count();
    let shaped = id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-'));
    if !(2..=MAX_AGENCY_ID_CHARS).contains(&n) || !shaped {
        return Err(StoreError::invalid(
            "agency",
            format!(
                "{id:?}: an agency id is 2 to {MAX_AGENCY_ID_CHARS} lowercase letters, digits \
                 and '-', starting with a letter (e.g. fr-pn, ma-dgsn)"
            ),
        ));
    }
    Ok(())
}

/// Whether `c` changes the direction or the visible order of text around it: the bidi
/// embeddings, overrides and isolates, the directional marks, and the line and paragraph
/// separators.
fn is_direction_control(c: char) -> bool {
    matches!(c,
        '\u{200E}' | '\u{200F}' | '\u{061C}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{2028}' | '\u{2029}')
}

/// Checks a name shown to people (display name, agency name) and returns it trimmed:
/// 1 to [`MAX_NAME_CHARS`] characters, no control or direction-control character, no `<`
/// or `>`.
///
/// # Errors
/// [`StoreError::Invalid`] on `field`, saying which character is refused.
pub fn check_name(field: &str, name: &str) -> Result<String> {
    let t = name.trim();
    let n = t.chars().count();
    if n == 0 {
        return Err(StoreError::invalid(field, "empty: give a name"));
    }
    if n > MAX_NAME_CHARS {
        return Err(StoreError::invalid(
            field,
            format!("too long ({n} characters): at most {MAX_NAME_CHARS}"),
        ));
    }
    if let Some(c) = t.chars().find(|&c| is_direction_control(c)) {
        return Err(StoreError::invalid(
            field,
            format!(
                "contains the direction control character U+{:04X}: names may not contain \
                 characters that reorder the text around them",
                u32::from(c)
            ),
        ));
    }
    if let Some(c) = t
        .chars()
        .find(|&c| c.is_control() || c == '\u{FEFF}' || c == '\u{200B}')
    {
        return Err(StoreError::invalid(
            field,
            format!(
                "contains the control or invisible character U+{:04X}",
                u32::from(c)
            ),
        ));
    }
    if t.contains(['<', '>']) {
        return Err(StoreError::invalid(
            field,
            "contains '<' or '>': names may not contain markup",
        ));
    }
    Ok(t.to_owned())
}

fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const USER_COLUMNS: &str = "login, display_name, agency, role, language, disabled_at, \
     failed_logins, locked_until, created_at";

fn user_from_row(r: &impl Get) -> Result<User> {
    let login = r.s("login")?;
    let role = r.s("role")?;
    let language = r.s("language")?;
    Ok(User {
        display_name: r.s("display_name")?,
        agency: r.s("agency")?,
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("user {login}: role {role:?}")))?,
        language: Language::parse(&language)
            .ok_or_else(|| StoreError::Corrupt(format!("user {login}: language {language:?}")))?,
        disabled_at: r.oi64("disabled_at")?.map(Timestamp),
        failed_logins: u32::try_from(r.i64("failed_logins")?.max(0)).unwrap_or(u32::MAX),
        locked_until: r.oi64("locked_until")?.map(Timestamp),
        created_at: Timestamp(r.i64("created_at")?),
        login,
    })
}

fn agency_from_row(r: &impl Get) -> Result<Agency> {
    Ok(Agency {
        id: r.s("id")?,
        name_fr: r.s("name_fr")?,
        name_ar: r.s("name_ar")?,
        name_en: r.s("name_en")?,
    })
}

/// Hashes on a blocking thread (Argon2 takes tens of milliseconds of CPU).
async fn hash_blocking(password: &Password) -> Result<String> {
    password.check()?;
    let p = password.clone();
    tokio::task::spawn_blocking(move || hash_password(&p))
        .await
        .map_err(|e| StoreError::Corrupt(format!("the hashing task failed: {e}")))?
}

impl Store {
    /// Creates an agency after checking its id and names; no audit entry (setting up; the
    /// CLI uses [`Store::create_agency_audited`]).
    ///
    /// # Errors
    /// [`StoreError::Invalid`]; [`StoreError::Conflict`] if the id exists.
    pub async fn create_agency(&self, a: &Agency) -> Result<Agency> {
        Ok(self.create_agency_with(a, None).await?.0)
    }

    /// [`Store::create_agency`], appending `entry(agency)` in the same transaction.
    ///
    /// # Errors
    /// As [`Store::create_agency`].
    pub async fn create_agency_audited(
        &self,
        a: &Agency,
        entry: &(dyn Fn(&Agency) -> AuditRecord + Send + Sync),
    ) -> Result<(Agency, AuditEntry)> {
        let (a, e) = self.create_agency_with(a, Some(entry)).await?;
        e.map(|e| (a, e))
            .ok_or_else(|| StoreError::Conflict("the audit entry was not appended".into()))
    }

    async fn create_agency_with(
        &self,
        a: &Agency,
        entry: Option<&(dyn Fn(&Agency) -> AuditRecord + Send + Sync)>,
    ) -> Result<(Agency, Option<AuditEntry>)> {
        check_agency_id(&a.id)?;
        let a = Agency {
            id: a.id.clone(),
            name_fr: check_name("name_fr", &a.name_fr)?,
            name_ar: check_name("name_ar", &a.name_ar)?,
            name_en: check_name("name_en", &a.name_en)?,
        };
        crate::audit::audited_if!(self, |tx| {
            sqlx::query(
                "INSERT INTO agencies (id, name_fr, name_ar, name_en, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(a.id.as_str())
            .bind(a.name_fr.as_str())
            .bind(a.name_ar.as_str())
            .bind(a.name_en.as_str())
            .bind(crate::now().0)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db(format!("creating agency {:?}", a.id)))?;
            (a.clone(), entry.map(|f| f(&a)))
        })
    }

    /// Every agency, by id.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn agencies(&self) -> Result<Vec<Agency>> {
        with_pool!(self, p => {
            let rows = sqlx::query("SELECT id, name_fr, name_ar, name_en FROM agencies ORDER BY id")
                .fetch_all(p)
                .await
                .map_err(StoreError::db("listing agencies"))?;
            rows.iter().map(agency_from_row).collect()
        })
    }

    /// Creates a user after checking every field and hashing the password (Argon2id); no
    /// audit entry (setting up; the server and the CLI use [`Store::create_user_audited`]).
    ///
    /// # Errors
    /// [`StoreError::Invalid`] (nothing stored) for a bad field or an unknown agency;
    /// [`StoreError::Conflict`] if the login exists.
    pub async fn create_user(&self, u: &NewUser, password: &Password) -> Result<User> {
        Ok(self.create_user_with(u, password, None).await?.0)
    }

    /// [`Store::create_user`], appending the audit entry `entry(user)` in the same
    /// transaction (the user and its entry are stored together or not at all).
    ///
    /// # Errors
    /// As [`Store::create_user`]; [`StoreError::Conflict`] if the audit log is busy.
    pub async fn create_user_audited(
        &self,
        u: &NewUser,
        password: &Password,
        entry: &UserAudit<'_>,
    ) -> Result<(User, AuditEntry)> {
        let (user, e) = self.create_user_with(u, password, Some(entry)).await?;
        e.map(|e| (user, e))
            .ok_or_else(|| StoreError::Conflict("the audit entry was not appended".into()))
    }

    async fn create_user_with(
        &self,
        u: &NewUser,
        password: &Password,
        entry: Option<&UserAudit<'_>>,
    ) -> Result<(User, Option<AuditEntry>)> {
        check_login(&u.login)?;
        check_agency_id(&u.agency)?;
        let display_name = check_name("display_name", &u.display_name)?;
        password.check()?;
        if !self.agencies().await?.iter().any(|a| a.id == u.agency) {
            return Err(StoreError::invalid(
                "agency",
                format!(
                    "no agency {:?}: create it first (aman agency add)",
                    u.agency
                ),
            ));
        }
        let hash = hash_blocking(password).await?;
        let created_at = crate::now();
        let user = User {
            login: u.login.clone(),
            display_name,
            agency: u.agency.clone(),
            role: u.role,
            language: u.language,
            disabled_at: None,
            failed_logins: 0,
            locked_until: None,
            created_at,
        };
        crate::audit::audited_if!(self, |tx| {
            sqlx::query(
                "INSERT INTO users (login, display_name, agency, role, language, \
                 password_hash, failed_logins, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
            )
            .bind(user.login.as_str())
            .bind(user.display_name.as_str())
            .bind(user.agency.as_str())
            .bind(user.role.name())
            .bind(user.language.code())
            .bind(hash.as_str())
            .bind(created_at.0)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db(format!("creating user {:?}", u.login)))?;
            (user.clone(), entry.map(|f| f(&user)))
        })
    }

    /// The user `login`, if any.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn user(&self, login: &str) -> Result<Option<User>> {
        Ok(self.user_and_hash(login).await?.map(|(u, _)| u))
    }

    /// The user `login` with the PHC string of its password, for verifying a login.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn user_and_hash(&self, login: &str) -> Result<Option<(User, String)>> {
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE login = $1");
        with_pool!(self, p => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(login)
                .fetch_optional(p)
                .await
                .map_err(StoreError::db("looking up a user"))?;
            match row {
                None => Ok(None),
                Some(r) => Ok(Some((user_from_row(&r)?, r.s("password_hash")?))),
            }
        })
    }

    /// The users of `agency` (all users if `None`), by login.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn users(&self, agency: Option<&str>) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE ($1 IS NULL OR agency = $1) ORDER BY login"
        );
        with_pool!(self, p => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(agency)
                .fetch_all(p)
                .await
                .map_err(StoreError::db("listing users"))?;
            rows.iter().map(user_from_row).collect()
        })
    }

    /// Sets a user's password (checked, hashed) and ends its sessions; clears a lock. No
    /// audit entry (the server and the CLI use [`Store::set_password_audited`]).
    ///
    /// # Errors
    /// [`StoreError::Invalid`]; [`StoreError::NotFound`].
    pub async fn set_password(&self, login: &str, password: &Password) -> Result<()> {
        self.set_password_with(login, password, None)
            .await
            .map(|_| ())
    }

    /// [`Store::set_password`], appending `entry(user after)` in the same transaction.
    ///
    /// # Errors
    /// As [`Store::set_password`].
    pub async fn set_password_audited(
        &self,
        login: &str,
        password: &Password,
        entry: &UserAudit<'_>,
    ) -> Result<AuditEntry> {
        self.set_password_with(login, password, Some(entry))
            .await?
            .ok_or_else(|| StoreError::Conflict("the audit entry was not appended".into()))
    }

    async fn set_password_with(
        &self,
        login: &str,
        password: &Password,
        entry: Option<&UserAudit<'_>>,
    ) -> Result<Option<AuditEntry>> {
        let hash = hash_blocking(password).await?;
        self.update_user_ending_sessions(
            login,
            "UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL \
             WHERE login = $1",
            UserValue::Text(hash.as_str().to_string()),
            "setting a password",
            entry,
        )
        .await
    }

    /// Sets a user's interface language, appending `entry(user after)` in the same
    /// transaction.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Database`]; [`StoreError::Conflict`] if the
    /// audit log is busy.
    pub async fn set_language_audited(
        &self,
        login: &str,
        language: Language,
        entry: &UserAudit<'_>,
    ) -> Result<AuditEntry> {
        let select = format!("SELECT {USER_COLUMNS} FROM users WHERE login = $1");
        let ((), e) = crate::audit::audited!(self, |tx| {
            let n = sqlx::query("UPDATE users SET language = $2 WHERE login = $1")
                .bind(login)
                .bind(language.code())
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db("setting a user's language"))?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::not_found(format!("user {login:?}")));
            }
            let row = sqlx::query(sqlx::AssertSqlSafe(select.clone()))
                .bind(login)
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::db("reading the user"))?;
            ((), entry(&user_from_row(&row)?))
        })?;
        Ok(e)
    }

    /// Disables a user (keeps the first disabling time) and ends its sessions. No audit
    /// entry (the server and the CLI use [`Store::disable_user_audited`]).
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Database`].
    pub async fn disable_user(&self, login: &str) -> Result<()> {
        self.disable_user_with(login, None).await.map(|_| ())
    }

    /// [`Store::disable_user`], appending `entry(user after)` in the same transaction.
    ///
    /// # Errors
    /// As [`Store::disable_user`].
    pub async fn disable_user_audited(
        &self,
        login: &str,
        entry: &UserAudit<'_>,
    ) -> Result<AuditEntry> {
        self.disable_user_with(login, Some(entry))
            .await?
            .ok_or_else(|| StoreError::Conflict("the audit entry was not appended".into()))
    }

    async fn disable_user_with(
        &self,
        login: &str,
        entry: Option<&UserAudit<'_>>,
    ) -> Result<Option<AuditEntry>> {
        self.update_user_ending_sessions(
            login,
            "UPDATE users SET disabled_at = COALESCE(disabled_at, $2) WHERE login = $1",
            UserValue::Int(crate::now().0),
            "disabling a user",
            entry,
        )
        .await
    }

    /// Runs `update` on one user's row (`$1` the login, `$2` the value) and deletes the user's
    /// sessions, in one transaction with the audit entry `entry(user after)` if given: a
    /// password change or a disabling never leaves a session of the old state alive, nor
    /// ends the sessions without the change, nor is stored without its entry.
    async fn update_user_ending_sessions(
        &self,
        login: &str,
        update: &'static str,
        value: UserValue,
        what: &'static str,
        entry: Option<&UserAudit<'_>>,
    ) -> Result<Option<AuditEntry>> {
        let select = format!("SELECT {USER_COLUMNS} FROM users WHERE login = $1");
        let (_, e) = crate::audit::audited_if!(self, |tx| {
            let q = sqlx::query(update).bind(login);
            let q = match &value {
                UserValue::Text(t) => q.bind(t.as_str()),
                UserValue::Int(i) => q.bind(*i),
            };
            let n = q
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db(what))?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::not_found(format!("user {login:?}")));
            }
            sqlx::query("DELETE FROM sessions WHERE login = $1")
                .bind(login)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db("ending sessions"))?;
            let record = match entry {
                Some(f) => {
                    let row = sqlx::query(sqlx::AssertSqlSafe(select.clone()))
                        .bind(login)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(StoreError::db("reading the user"))?;
                    Some(f(&user_from_row(&row)?))
                }
                None => None,
            };
            ((), record)
        })?;
        Ok(e)
    }

    /// Counts a failed login of `login` at `now`. The `max_failures`-th consecutive failure
    /// locks the account until `now + lock_us` and restarts the count. Returns the lock's
    /// end if the account is now locked. Unknown logins change nothing (`Ok(None)`).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn record_login_failure(
        &self,
        login: &str,
        now: Timestamp,
        max_failures: u32,
        lock_us: i64,
    ) -> Result<Option<Timestamp>> {
        let until = now.0.saturating_add(lock_us);
        with_pool!(self, p => {
            sqlx::query(
                "UPDATE users SET \
                 locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END, \
                 failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END \
                 WHERE login = $1",
            )
            .bind(login)
            .bind(i64::from(max_failures))
            .bind(until)
            .execute(p)
            .await
            .map_err(StoreError::db("counting a failed login"))?;
        });
        Ok(self
            .user(login)
            .await?
            .and_then(|u| u.locked_until)
            .filter(|t| t.0 > now.0))
    }

    /// A successful login: clears the failure count and any expired lock.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn record_login_success(&self, login: &str) -> Result<()> {
        with_pool!(self, p => {
            sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE login = $1")
                .bind(login)
                .execute(p)
                .await
                .map_err(StoreError::db("recording a login"))?;
        });
        Ok(())
    }

    /// Starts a session of `login` at `now`, ending at the latest at `now + absolute_us`;
    /// removes expired sessions. Returns (session id, CSRF token): the id is given to the
    /// browser once and only its SHA-256 is stored.
    ///
    /// # Errors
    /// [`StoreError::Random`]; [`StoreError::Database`].
    pub async fn create_session(
        &self,
        login: &str,
        now: Timestamp,
        absolute_us: i64,
    ) -> Result<(String, String)> {
        let id = random_hex(32)?;
        let csrf = random_hex(32)?;
        with_pool!(self, p => {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(now.0)
                .execute(p)
                .await
                .map_err(StoreError::db("removing expired sessions"))?;
            sqlx::query(
                "INSERT INTO sessions (id_sha256, login, csrf_token, created_at, last_seen, \
                 expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
            )
            .bind(sha256_hex(&id))
            .bind(login)
            .bind(csrf.as_str())
            .bind(now.0)
            .bind(now.0.saturating_add(absolute_us))
            .execute(p)
            .await
            .map_err(StoreError::db("creating a session"))?;
        });
        Ok((id, csrf))
    }

    /// The live session of id `id` at `now`: `None` if unknown, past its absolute expiry,
    /// idle for `idle_us` or more, or if its user is disabled. Refreshes its idle time.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn session(&self, id: &str, now: Timestamp, idle_us: i64) -> Result<Option<Session>> {
        if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let digest = sha256_hex(id);
        let sql = format!(
            "SELECT s.csrf_token, s.created_at AS s_created, s.last_seen, s.expires_at, {} \
             FROM sessions s JOIN users u ON u.login = s.login WHERE s.id_sha256 = $1",
            USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let found = with_pool!(self, p => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(digest.as_str())
                .fetch_optional(p)
                .await
                .map_err(StoreError::db("looking up a session"))?;
            match row {
                None => None,
                Some(r) => Some((
                    user_from_row(&r)?,
                    r.s("csrf_token")?,
                    r.i64("s_created")?,
                    r.i64("last_seen")?,
                    r.i64("expires_at")?,
                )),
            }
        });
        let Some((user, csrf_token, created, last_seen, expires)) = found else {
            return Ok(None);
        };
        if now.0 >= expires
            || now.0 >= last_seen.saturating_add(idle_us)
            || user.disabled_at.is_some()
        {
            self.delete_session(id).await?;
            return Ok(None);
        }
        if now.0 - last_seen >= LAST_SEEN_GRANULARITY_S * 1_000_000 {
            with_pool!(self, p => {
                sqlx::query("UPDATE sessions SET last_seen = $2 WHERE id_sha256 = $1")
                    .bind(digest.as_str())
                    .bind(now.0)
                    .execute(p)
                    .await
                    .map_err(StoreError::db("refreshing a session"))?;
            });
        }
        Ok(Some(Session {
            user,
            csrf_token,
            created_at: Timestamp(created),
            expires_at: Timestamp(expires),
        }))
    }

    /// Ends session `id` (logout). Unknown ids are ignored.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn delete_session(&self, id: &str) -> Result<()> {
        with_pool!(self, p => {
            sqlx::query("DELETE FROM sessions WHERE id_sha256 = $1")
                .bind(sha256_hex(id))
                .execute(p)
                .await
                .map_err(StoreError::db("ending a session"))?;
        });
        Ok(())
    }

    /// How many sessions are stored (live or not yet cleaned), for tests and status.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn count_sessions(&self) -> Result<u64> {
        with_pool!(self, p => {
            let r = sqlx::query("SELECT COUNT(*) AS n FROM sessions")
                .fetch_one(p)
                .await
                .map_err(StoreError::db("counting sessions"))?;
            Ok(u64::try_from(r.i64("n")?).unwrap_or(0))
        })
    }
}

/// The value bound as `$2` of [`Store::update_user_ending_sessions`]'s update.
enum UserValue {
    /// A text column (a password hash).
    Text(String),
    /// An integer column (a time, µs since the epoch, UTC).
    Int(i64),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            check_name("n", "  Amina El Idrissi ").unwrap(),
            "Amina El Idrissi"
        );
        assert!(check_name("n", "أمينة الإدريسي").is_ok());
        for bad in [
            "",
            "   ",
            "evil\u{202E}txt.exe",
            "a\u{2067}b",
            "a\u{200F}",
            "<script>alert(1)</script>",
            "line\nbreak",
            "nul\0",
        ] {
            assert!(check_name("n", bad).is_err(), "{bad:?}");
        }
        assert!(check_name("n", &"x".repeat(80)).is_ok());
        let e = check_name("display_name", &"x".repeat(81)).unwrap_err();
        assert!(e.to_string().starts_with("display_name: too long"), "{e}");
    }

    #[test]
    fn logins_and_agencies() {
        for ok in ["amina", "j.dupont", "op-01", "a_b"] {
            assert!(check_login(ok).is_ok(), "{ok}");
        }
        for bad in ["a", "Amina", "-x", "a b", "émile", &"a".repeat(65), "<s>"] {
            assert!(check_login(bad).is_err(), "{bad}");
        }
        assert!(check_agency_id("fr-pn").is_ok());
        assert!(check_agency_id("ma-dgsn").is_ok());
        for bad in ["FR-PN", "1x", "f", "fr pn", &"a".repeat(33)] {
            assert!(check_agency_id(bad).is_err(), "{bad}");
        }
    }
}
