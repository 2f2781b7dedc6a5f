//! `aman user` and `aman agency`, and the first admin of `aman serve --init`.

use std::io::{BufRead, IsTerminal};

use aman_ops::access::{ROLES, Role};
use aman_store::{Agency, Language, NewUser, Password, Store, StoreError, User};
use anyhow::anyhow;

use crate::Failure;
use crate::args::{AgencyArgs, UserArgs};
use crate::commands::audit::cli_record;
use crate::commands::serve::{open, runtime, store_url};

/// A store error: bad input (exit 2) or a database failure (exit 1).
fn failure(e: StoreError) -> Failure {
    match e {
        StoreError::Invalid { .. } | StoreError::NotFound { .. } | StoreError::Conflict(_) => {
            Failure::Input(anyhow!(e))
        }
        other => Failure::Other(anyhow!(other)),
    }
}

/// Reads a new password: on a terminal, asked twice without echo; otherwise the first line
/// of standard input (without its line end). Checked against the bounds before returning.
///
/// # Errors
/// [`Failure::Input`] if the two entries differ, standard input is empty, or the password
/// is out of bounds.
pub(crate) fn read_new_password(who: &str) -> Result<Password, Failure> {
    let p = if std::io::stdin().is_terminal() {
        let a = rpassword::prompt_password(format!("new password for {who}: "))
            .map_err(|e| Failure::Other(anyhow!("reading the password: {e}")))?;
        let b = rpassword::prompt_password("again: ")
            .map_err(|e| Failure::Other(anyhow!("reading the password: {e}")))?;
        if a != b {
            return Err(Failure::Input(anyhow!(
                "the two passwords differ; nothing changed"
            )));
        }
        Password::new(a)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::Other(anyhow!("reading the password from stdin: {e}")))?;
        let line = line.strip_suffix('\n').unwrap_or(&line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            return Err(Failure::Input(anyhow!(
                "no password on standard input: give it as its first line"
            )));
        }
        Password::new(line)
    };
    p.check().map_err(|e| Failure::Input(anyhow!(e)))?;
    Ok(p)
}

fn need<'a>(v: &'a Option<String>, what: &str) -> Result<&'a str, Failure> {
    v.as_deref()
        .ok_or_else(|| Failure::Input(anyhow!("{what}")))
}

/// Runs `aman user`.
///
/// # Errors
/// [`Failure::Input`] for bad options or values (nothing stored), [`Failure::Other`] if the
/// store fails.
pub fn user(a: &UserArgs) -> Result<(), Failure> {
    let url = store_url(&a.data, &a.database);
    let login = a.login.clone();
    // Check the options before asking for a password.
    let new = if a.action == "add" {
        let login = need(&login, "user add needs the login")?;
        let role_name = need(&a.role, "user add needs --role")?;
        let role = Role::parse(role_name).ok_or_else(|| {
            Failure::Input(anyhow!(
                "--role {role_name:?} is not one of {}",
                ROLES.map(Role::name).join(", ")
            ))
        })?;
        aman_store::check_login(login).map_err(|e| Failure::Input(anyhow!(e)))?;
        let name = aman_store::check_name(
            "--name",
            need(&a.name, "user add needs --name (the name shown to others)")?,
        )
        .map_err(|e| Failure::Input(anyhow!(e)))?;
        Some(NewUser {
            login: login.to_string(),
            display_name: name,
            agency: need(&a.agency, "user add needs --agency")?.to_string(),
            role,
            language: Language::parse(&a.language).unwrap_or(Language::Fr),
        })
    } else {
        None
    };
    runtime()?.block_on(async {
        let store = open(&url).await?;
        let r = user_action(&store, a, login.as_deref(), new).await;
        store.close().await;
        r
    })
}

async fn user_action(
    store: &Store,
    a: &UserArgs,
    login: Option<&str>,
    new: Option<NewUser>,
) -> Result<(), Failure> {
    match a.action.as_str() {
        "add" => {
            let new = new.ok_or_else(|| Failure::Input(anyhow!("no user")))?;
            if !store
                .agencies()
                .await
                .map_err(failure)?
                .iter()
                .any(|x| x.id == new.agency)
            {
                return Err(Failure::Input(anyhow!(
                    "no agency {:?}: create it first with 'aman agency add'",
                    new.agency
                )));
            }
            if store.user(&new.login).await.map_err(failure)?.is_some() {
                return Err(Failure::Input(anyhow!(
                    "user {:?} exists already",
                    new.login
                )));
            }
            let p = read_new_password(&new.login)?;
            let (u, _) = store
                .create_user_audited(&new, &p, &user_created)
                .await
                .map_err(failure)?;
            errln!("user {} created ({}, {})", u.login, u.role, u.agency);
        }
        "passwd" => {
            let login =
                login.ok_or_else(|| Failure::Input(anyhow!("user passwd needs the login")))?;
            if store.user(login).await.map_err(failure)?.is_none() {
                return Err(Failure::Input(anyhow!("no user {login:?}")));
            }
            let p = read_new_password(login)?;
            store
                .set_password_audited(login, &p, &|u: &User| {
                    cli_record("user.password", format!("user/{}", u.login), None)
                })
                .await
                .map_err(failure)?;
            errln!("password of {login} changed; its sessions ended and any lock is lifted");
        }
        "disable" => {
            let login =
                login.ok_or_else(|| Failure::Input(anyhow!("user disable needs the login")))?;
            store
                .disable_user_audited(login, &|u: &User| {
                    cli_record("user.disable", format!("user/{}", u.login), None)
                })
                .await
                .map_err(failure)?;
            errln!("user {login} disabled; its sessions ended");
        }
        _ => {
            for u in store.users(a.agency.as_deref()).await.map_err(failure)? {
                let state = if u.disabled_at.is_some() {
                    "disabled"
                } else if u.locked_until.is_some_and(|t| t.0 > crate_now()) {
                    "locked"
                } else {
                    "active"
                };
                outln!(
                    "{}  {state:8}  {:9}  {:8}  {}  {}",
                    u.login,
                    u.role.name(),
                    u.agency,
                    u.language.code(),
                    u.display_name
                )?;
            }
        }
    }
    Ok(())
}

fn crate_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The audit entry of a user created on the command line (never the password).
fn user_created(u: &User) -> aman_ops::audit::AuditRecord {
    cli_record(
        "user.create",
        format!("user/{}", u.login),
        Some(serde_json::json!({"login": u.login, "agency": u.agency,
            "role": u.role.name(), "language": u.language.code()})),
    )
}

/// Runs `aman agency`.
///
/// # Errors
/// [`Failure::Input`] for bad options or values, [`Failure::Other`] if the store fails.
pub fn agency(a: &AgencyArgs) -> Result<(), Failure> {
    let url = store_url(&a.data, &a.database);
    runtime()?.block_on(async {
        let store = open(&url).await?;
        let r = async {
            if a.action == "add" {
                let ag = Agency {
                    id: need(&a.id, "agency add needs the agency id")?.to_string(),
                    name_fr: need(&a.name_fr, "agency add needs --name-fr")?.to_string(),
                    name_ar: need(&a.name_ar, "agency add needs --name-ar")?.to_string(),
                    name_en: need(&a.name_en, "agency add needs --name-en")?.to_string(),
                };
                let (ag, _) = store
                    .create_agency_audited(&ag, &|ag: &Agency| {
                        cli_record(
                            "agency.create",
                            format!("agency/{}", ag.id),
                            Some(serde_json::json!({"id": ag.id, "name_fr": ag.name_fr,
                                "name_ar": ag.name_ar, "name_en": ag.name_en})),
                        )
                    })
                    .await
                    .map_err(failure)?;
                errln!("agency {} created", ag.id);
            } else {
                for ag in store.agencies().await.map_err(failure)? {
                    outln!(
                        "{}  {}  |  {}  |  {}",
                        ag.id,
                        ag.name_fr,
                        ag.name_ar,
                        ag.name_en
                    )?;
                }
            }
            Ok(())
        }
        .await;
        store.close().await;
        r
    })
}

/// `aman serve --init`: creates the first admin `login` of `agency` (the agency too, named
/// by its id, if missing), asking for the password. Refused if any user exists.
///
/// # Errors
/// [`Failure::Input`] if users exist or a value is bad; [`Failure::Other`] if the store fails.
pub(crate) async fn init_admin(store: &Store, login: &str, agency: &str) -> Result<(), Failure> {
    let n = store.users(None).await.map_err(failure)?.len();
    if n > 0 {
        return Err(Failure::Input(anyhow!(
            "--init: {n} user(s) exist already; --init only creates the first admin. Add \
             users with 'aman user add' (or an admin does in the API)"
        )));
    }
    aman_store::check_login(login).map_err(|e| Failure::Input(anyhow!("--init-login: {e}")))?;
    aman_store::check_agency_id(agency)
        .map_err(|e| Failure::Input(anyhow!("--init-agency: {e}")))?;
    if !store
        .agencies()
        .await
        .map_err(failure)?
        .iter()
        .any(|x| x.id == agency)
    {
        let ag = Agency {
            id: agency.into(),
            name_fr: agency.into(),
            name_ar: agency.into(),
            name_en: agency.into(),
        };
        store
            .create_agency_audited(&ag, &|ag: &Agency| {
                cli_record("agency.create", format!("agency/{}", ag.id), None)
            })
            .await
            .map_err(failure)?;
        errln!("agency {agency} created, named by its id (name it with 'aman agency add' first)");
    }
    let p = read_new_password(login)?;
    let new = NewUser {
        login: login.into(),
        display_name: login.into(),
        agency: agency.into(),
        role: Role::Admin,
        language: Language::Fr,
    };
    store
        .create_user_audited(&new, &p, &user_created)
        .await
        .map_err(failure)?;
    errln!("first admin {login} ({agency}) created");
    Ok(())
}
