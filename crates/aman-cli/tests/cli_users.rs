//! `aman agency`, `aman user` and `aman serve --init`, run as the real binary: passwords
//! from standard input only, bad values refused with exit code 2 and nothing stored, the
//! first admin created once and able to log in.

mod serve_support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serve_support::{LYON, agent, free_port, repo};

const PW: &str = "correct horse battery";

/// `aman ARGS --data DATA` with `stdin` as standard input.
fn aman(data: &Path, args: &[&str], stdin: &str) -> Output {
    aman_at(
        &["--data", data.to_str().expect("a UTF-8 path")],
        args,
        stdin,
    )
}

/// `aman ARGS --database URL` with `stdin` as standard input.
fn aman_on(url: &str, args: &[&str], stdin: &str) -> Output {
    aman_at(&["--database", url], args, stdin)
}

/// `aman ARGS WHERE…` (the database options) with `stdin` as standard input.
fn aman_at(at: &[&str], args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aman"))
        .args(args)
        .args(at)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run aman");
    // The command may refuse its options and exit before reading: a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn users_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let o = aman(
        &data,
        &[
            "agency",
            "add",
            "ma-dgsn",
            "--name-fr",
            "Sûreté nationale",
            "--name-ar",
            "المديرية العامة للأمن الوطني",
            "--name-en",
            "Moroccan National Security",
        ],
        "",
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    let add = |login: &str, name: &str| {
        vec![
            "user",
            "add",
            login,
            "--agency",
            "ma-dgsn",
            "--role",
            "operator",
            "--name",
            name,
            "--language",
            "ar",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    let run = |args: Vec<String>, stdin: &str| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        aman(&data, &a, stdin)
    };
    // Refused, nothing stored: short password, RTL override, script tag, unknown agency,
    // a password given as an argument.
    for (args, stdin, says) in [
        (add("amina", "Amina"), "short\n", "at least 12"),
        (
            add("amina", "Amina\u{202E}"),
            &format!("{PW}\n")[..],
            "U+202E",
        ),
        (
            add("amina", "<script>x</script>"),
            &format!("{PW}\n")[..],
            "markup",
        ),
        (add("Amina", "Amina"), &format!("{PW}\n")[..], "lowercase"),
        (add("amina", "Amina"), "", "no password"),
    ] {
        let o = run(args.clone(), stdin);
        assert_eq!(code(&o), 2, "{args:?}: {}", text(&o));
        assert!(text(&o).contains(says), "{args:?}: {}", text(&o));
    }
    let mut with_pw = add("amina", "Amina");
    with_pw.extend(["--password".to_string(), PW.to_string()]);
    assert_eq!(code(&run(with_pw, "")), 2);
    let list = run(vec!["user".into(), "list".into()], "");
    assert_eq!(code(&list), 0);
    assert!(
        String::from_utf8_lossy(&list.stdout).trim().is_empty(),
        "{}",
        text(&list)
    );
    // Added, from stdin; the same login again is refused.
    let o = run(add("amina", "أمينة الإدريسي"), &format!("{PW}\n"));
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(code(&run(add("amina", "Again"), &format!("{PW}\n"))), 2);
    let o = run(
        vec!["user".into(), "passwd".into(), "amina".into()],
        "another long password\n",
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = run(vec!["user".into(), "disable".into(), "amina".into()], "");
    assert_eq!(code(&o), 0, "{}", text(&o));
    let list = String::from_utf8(run(vec!["user".into(), "list".into()], "").stdout).unwrap();
    assert!(
        list.starts_with("amina  disabled  operator   ma-dgsn   ar  أمينة الإدريسي"),
        "{list}"
    );
    assert_eq!(
        code(&run(
            vec!["user".into(), "disable".into(), "nobody".into()],
            ""
        )),
        2
    );
    // Users exist: --init refuses, before serving.
    let o = aman(
        &data,
        &["serve", LYON, "--init", "--init-agency", "ma-dgsn"],
        &format!("{PW}\n"),
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("exist already"), "{}", text(&o));
}

#[test]
fn serve_init_creates_the_first_admin_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_aman"))
        .args([
            "serve",
            LYON,
            "--init",
            "--init-agency",
            "fr-pn",
            "--init-login",
            "chef",
        ])
        .arg("--data")
        .arg(&data)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PW}\n").as_bytes())
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let a = agent();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !a
        .get(format!("{url}/health"))
        .call()
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(
            child.try_wait().unwrap().is_none(),
            "aman serve --init exited"
        );
        assert!(Instant::now() < deadline, "no /health within 60 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut r = a
        .post(format!("{url}/login"))
        .header("Content-Type", "application/json")
        .send(format!(r#"{{"login":"chef","password":"{PW}"}}"#))
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: serde_json::Value =
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(body["user"]["role"], "admin");
    assert_eq!(body["user"]["agency"], "fr-pn");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let list = aman(&data, &["user", "list"], "");
    assert!(
        String::from_utf8_lossy(&list.stdout).starts_with("chef  active    admin"),
        "{}",
        text(&list)
    );
}

/// Runs `sql` on the SQLite database of `data` over a connection of its own, as someone with
/// access to the file would.
fn tamper(data: &Path, sql: &str) -> Result<(), String> {
    use sqlx::{Connection, Executor};
    let url = format!("sqlite://{}/aman.sqlite", data.display());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let r = c.execute(sqlx::AssertSqlSafe(sql.to_string())).await;
        c.close().await.unwrap();
        r.map(|_| ()).map_err(|e| e.to_string())
    })
}

#[test]
fn audit_verify_names_the_entry_edited_in_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // An empty log is intact.
    let o = aman(&data, &["audit", "verify"], "");
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("0 entries, chain intact"), "{}", text(&o));
    // Three writes on the command line, three entries.
    let o = aman(
        &data,
        &[
            "agency",
            "add",
            "fr-pn",
            "--name-fr",
            "Police nationale",
            "--name-ar",
            "الشرطة الوطنية الفرنسية",
            "--name-en",
            "French National Police",
        ],
        "",
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = aman(
        &data,
        &[
            "user",
            "add",
            "lucas",
            "--agency",
            "fr-pn",
            "--role",
            "operator",
            "--name",
            "Lucas Martin",
        ],
        &format!("{PW}\n"),
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = aman(&data, &["user", "disable", "lucas"], "");
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = aman(&data, &["audit", "verify"], "");
    assert_eq!(code(&o), 0, "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(out.contains("3 entries, chain intact"), "{out}");
    let head = out
        .split("head ")
        .nth(1)
        .expect("the head")
        .trim()
        .to_string();
    assert!(head.starts_with("3:") && head.len() == 2 + 64, "{head}");
    // Checked against the recorded head: intact; against another: broken; garbage: exit 2.
    let o = aman(&data, &["audit", "verify", "--expect-head", &head], "");
    assert_eq!(code(&o), 0, "{}", text(&o));
    let other = format!("3:{}", "0".repeat(64));
    let o = aman(&data, &["audit", "verify", "--expect-head", &other], "");
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(
        text(&o).contains("does not pass through the recorded head"),
        "{}",
        text(&o)
    );
    for bad in ["3", "x:abc", "0:0", &format!("3:{}", "g".repeat(64))] {
        let o = aman(&data, &["audit", "verify", "--expect-head", bad], "");
        assert_eq!(code(&o), 2, "{bad}: {}", text(&o));
        assert!(text(&o).contains("SEQ:HASH"), "{}", text(&o));
    }
    // The rows refuse UPDATE and DELETE...
    let e = tamper(&data, "UPDATE audit_log SET actor = 'x' WHERE seq = 2").unwrap_err();
    assert!(e.contains("append-only"), "{e}");
    let e = tamper(&data, "DELETE FROM audit_log WHERE seq = 2").unwrap_err();
    assert!(e.contains("append-only"), "{e}");
    // ... until the triggers are dropped (the store puts them back each time it opens, so
    // each edit drops them first): an edit is named at its entry...
    let unguarded = |sql: &str| {
        tamper(&data, "DROP TRIGGER IF EXISTS audit_log_no_update").unwrap();
        tamper(&data, "DROP TRIGGER IF EXISTS audit_log_no_delete").unwrap();
        tamper(&data, sql)
    };
    unguarded(
        "UPDATE audit_log SET after_json = replace(after_json, 'operator', 'admin') WHERE seq = 2",
    )
    .unwrap();
    let o = aman(&data, &["audit", "verify"], "");
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("entry 2 was altered"), "{}", text(&o));
    // ... and so is a removal (after putting the edit back, byte for byte).
    unguarded(
        "UPDATE audit_log SET after_json = replace(after_json, 'admin', 'operator') WHERE seq = 2",
    )
    .unwrap();
    let o = aman(&data, &["audit", "verify", "--expect-head", &head], "");
    assert_eq!(code(&o), 0, "the edit put back: {}", text(&o));
    unguarded("DELETE FROM audit_log WHERE seq = 2").unwrap();
    let o = aman(&data, &["audit", "verify"], "");
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("missing before entry 3"), "{}", text(&o));
}

/// Runs `sql` on the PostgreSQL database at `url`.
fn pg(url: &str, sql: &str) -> Result<(), String> {
    use sqlx::{Connection, Executor};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut c = sqlx::PgConnection::connect(url)
            .await
            .map_err(|e| e.to_string())?;
        let r = c.execute(sqlx::AssertSqlSafe(sql.to_string())).await;
        c.close().await.map_err(|e| e.to_string())?;
        r.map(|_| ()).map_err(|e| e.to_string())
    })
}

#[test]
fn audit_verify_names_the_entry_edited_in_postgresql() {
    // The same as on SQLite, on the PostgreSQL server of `scripts/with-postgres` (the README's
    // test command starts one), in a database of its own.
    let Ok(base) = std::env::var("AMAN_TEST_POSTGRES") else {
        eprintln!("skipped: AMAN_TEST_POSTGRES is not set (scripts/with-postgres sets it)");
        return;
    };
    let name = format!("aman_cli_audit_{}", std::process::id());
    pg(&base, &format!("DROP DATABASE IF EXISTS {name}")).unwrap();
    pg(&base, &format!("CREATE DATABASE {name}")).unwrap();
    let (head, _) = base.rsplit_once('/').expect("a database in the URL");
    let url = format!("{head}/{name}");
    let o = aman_on(&url, &["audit", "verify"], "");
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("0 entries, chain intact"), "{}", text(&o));
    let o = aman_on(
        &url,
        &[
            "agency",
            "add",
            "ma-dgsn",
            "--name-fr",
            "Sûreté nationale",
            "--name-ar",
            "المديرية العامة للأمن الوطني",
            "--name-en",
            "Moroccan National Security",
        ],
        "",
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = aman_on(
        &url,
        &[
            "user",
            "add",
            "karim",
            "--agency",
            "ma-dgsn",
            "--role",
            "commander",
            "--name",
            "Karim Benali",
        ],
        &format!("{PW}\n"),
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = aman_on(&url, &["user", "disable", "karim"], "");
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = aman_on(&url, &["audit", "verify"], "");
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("3 entries, chain intact"), "{}", text(&o));
    // The server's own role: granted by the owner, it opens the database and verifies, but
    // cannot change an audit row even with the trigger off (it may not switch it off).
    let role = format!("aman_cli_srv_{}", std::process::id());
    pg(&base, &format!("DROP ROLE IF EXISTS {role}")).unwrap();
    pg(&base, &format!("CREATE ROLE {role} LOGIN")).unwrap();
    for bad in ["", "x; DROP TABLE audit_log", "Upper"] {
        let o = aman_on(&url, &["audit", "grant-server", "--role", bad], "");
        assert_eq!(code(&o), 2, "{bad:?}: {}", text(&o));
        assert!(text(&o).contains("role:"), "{}", text(&o));
    }
    let o = aman_on(&url, &["audit", "grant-server"], "");
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("needs --role"), "{}", text(&o));
    let o = aman_on(&url, &["audit", "grant-server", "--role", &role], "");
    assert_eq!(code(&o), 0, "{}", text(&o));
    let host = head.split_once("://").map(|(_, r)| r).unwrap();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let server_url = format!("postgres://{role}@{host}/{name}");
    let o = aman_on(&server_url, &["audit", "verify"], "");
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("4 entries, chain intact"), "{}", text(&o));
    let e = pg(
        &server_url,
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; \
         UPDATE audit_log SET actor = 'x' WHERE seq = 2",
    )
    .unwrap_err();
    assert!(e.contains("must be owner"), "{e}");
    let e = pg(&server_url, "DELETE FROM audit_log").unwrap_err();
    assert!(e.contains("permission denied"), "{e}");
    // The rows refuse UPDATE, DELETE and TRUNCATE, even to the owner...
    for sql in [
        "UPDATE audit_log SET actor = 'x' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 2",
        "TRUNCATE audit_log",
    ] {
        let e = pg(&url, sql).unwrap_err();
        assert!(e.contains("append-only"), "{sql}: {e}");
    }
    // ... until the owner switches the trigger off: the edit is named at its entry...
    let unguarded = |sql: &str| {
        pg(
            &url,
            &format!("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; {sql}"),
        )
    };
    unguarded(
        "UPDATE audit_log SET after_json = replace(after_json, 'commander', 'admin') WHERE seq = 2",
    )
    .unwrap();
    let o = aman_on(&url, &["audit", "verify"], "");
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("entry 2 was altered"), "{}", text(&o));
    // ... and so is a removal.
    unguarded("DELETE FROM audit_log WHERE seq = 2").unwrap();
    let o = aman_on(&url, &["audit", "verify"], "");
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("missing before entry 3"), "{}", text(&o));
    pg(&base, &format!("DROP DATABASE {name} WITH (FORCE)")).unwrap();
    pg(&base, &format!("DROP ROLE {role}")).unwrap();
}

#[test]
fn grant_server_on_sqlite_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o = aman(
        &dir.path().join("data"),
        &["audit", "grant-server", "--role", "aman_server"],
        "",
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("SQLite has no roles"), "{}", text(&o));
    let o = aman(
        &dir.path().join("data"),
        &["audit", "verify", "--role", "aman_server"],
        "",
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
}
