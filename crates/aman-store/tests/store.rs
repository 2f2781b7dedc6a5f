//! The store's test suite, written once and run on SQLite (a temporary directory, always)
//! and on PostgreSQL when `AMAN_TEST_POSTGRES` names a server (`scripts/with-postgres cargo
//! test -p aman-store`): each PostgreSQL test creates its own database and drops it.

use std::future::Future;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use aman_monitor::reading::Direction;
use aman_ops::access::Role;
use aman_store::{Agency, Language, NewUser, Password};
use aman_store::{
    AlertFilter, AlertRecord, AlertStatus, BackendKind, HistoryRow, Logged, MsgType, Reading,
    Resolution, Store, StoreError, Timestamp, TokenRole, Value, Verdict,
};
use sqlx::{Connection, Executor, Row};

const T0: i64 = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z

/// What a test gets: an open store and the URL it was opened with (to reopen it).
struct Ctx {
    store: Store,
    url: String,
}

fn random_suffix() -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("OS random generator");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

async fn run<F, Fut>(store: Store, url: String, test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let outcome = tokio::spawn(test(Ctx {
        store: store.clone(),
        url,
    }))
    .await;
    store.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let url = dir.path().to_str().expect("utf-8 temp path").to_owned();
    let store = Store::open(&url).await.expect("open SQLite store");
    assert_eq!(store.backend(), BackendKind::Sqlite);
    run(store, url, test).await;
}

async fn on_postgres<F, Fut>(name: &str, test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Ok(base) = std::env::var("AMAN_TEST_POSTGRES") else {
        // Straight to stderr, past the test harness's capture, so the skip is seen.
        let _ = writeln!(
            std::io::stderr().lock(),
            "skipped {name} on PostgreSQL: AMAN_TEST_POSTGRES is not set \
             (run the tests under scripts/with-postgres)"
        );
        return;
    };
    let db = format!("aman_t_{}", random_suffix());
    let mut admin = sqlx::PgConnection::connect(&base)
        .await
        .expect("connect to AMAN_TEST_POSTGRES");
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
        .await
        .expect("create test database");
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("AMAN_TEST_POSTGRES ends in /database");
    let url = format!("{prefix}/{db}");
    let store = Store::open(&url).await.expect("open PostgreSQL store");
    assert_eq!(store.backend(), BackendKind::Postgres);
    run(store, url, test).await;
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE {db} WITH (FORCE)"
        )))
        .await
        .expect("drop test database");
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::on_sqlite(super::$name).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::on_postgres(stringify!($name), super::$name).await
                }
            )*
        }
    };
}

on_both!(
    every_value_round_trips_bit_exact,
    seqs_are_gapless_under_concurrent_writers,
    one_bad_batch_fails_alone,
    log_continues_after_reopen,
    acknowledged_readings_survive_sigkill,
    tokens_verify_only_when_right,
    token_secrets_are_not_stored,
    alerts_are_idempotent_and_counted,
    history_upserts,
    rejections_are_counted,
    users_lock_after_failures_and_refuse_bad_input,
    sessions_expire_idle_and_absolute,
    audit_log_is_append_only_and_tamper_evident,
    audited_writes_of_two_servers_at_once_keep_one_chain,
);

fn audit_record(k: usize) -> aman_ops::audit::AuditRecord {
    aman_ops::audit::AuditRecord {
        at: Timestamp(T0 + k as i64 * 1_000_000),
        actor: format!("user{k} (fr-pn)"),
        agency: Some("fr-pn".into()),
        action: "alert.acknowledge".into(),
        object: format!("alert/a{k}"),
        before: Some(r#"{"status":"raised"}"#.into()),
        after: Some("{\"status\":\"acknowledged\",\"note\":\"الحشد\"}".into()),
        exercise: k.is_multiple_of(3).then(|| "ex-1".to_string()),
    }
}

/// Runs `sql` on the store's database over a connection of its own (as someone with access
/// to the database, not through the store).
async fn raw(c: &Ctx, sql: &str) -> Result<(), String> {
    let r = match c.store.backend() {
        BackendKind::Sqlite => {
            let url = format!("sqlite://{}/{}", c.url, aman_store::SQLITE_FILE);
            let mut conn = sqlx::SqliteConnection::connect(&url)
                .await
                .expect("connect");
            let r = conn.execute(sqlx::AssertSqlSafe(sql.to_string())).await;
            conn.close().await.expect("close");
            r.map(|_| ())
        }
        BackendKind::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&c.url).await.expect("connect");
            let r = conn.execute(sqlx::AssertSqlSafe(sql.to_string())).await;
            conn.close().await.expect("close");
            r.map(|_| ())
        }
    };
    r.map_err(|e| e.to_string())
}

async fn audit_log_is_append_only_and_tamper_evident(c: Ctx) {
    use aman_ops::audit::{ChainBreak, verify};
    for k in 1..=5 {
        let e = c.store.append_audit(audit_record(k)).await.expect("append");
        assert_eq!(e.seq, k as u64);
    }
    // Eight writers at once: one linear chain, no number twice, none lost.
    let mut tasks = Vec::new();
    for w in 0..8 {
        let store = c.store.clone();
        tasks.push(tokio::spawn(async move {
            for k in 0..5 {
                store
                    .append_audit(audit_record(100 + w * 10 + k))
                    .await
                    .expect("concurrent append");
            }
        }));
    }
    for t in tasks {
        t.await.expect("writer");
    }
    let all = c.store.audit_entries(0, 1000).await.expect("read");
    assert_eq!(all.len(), 45);
    let head = verify(&all).expect("an untouched chain verifies");
    assert_eq!(head.0, 45);
    assert_eq!(
        all[0].record,
        audit_record(1),
        "stored and read back exactly"
    );
    // Read in chunks, as `aman audit verify` does.
    let mut v = aman_ops::audit::Verifier::default();
    let mut after = 0;
    loop {
        let chunk = c.store.audit_entries(after, 7).await.expect("chunk");
        let Some(last) = chunk.last() else { break };
        after = last.seq;
        for e in &chunk {
            v.push(e).expect("chunk verifies");
        }
    }
    assert_eq!(v.head(), head);
    // The rows cannot be changed or removed through SQL...
    for sql in [
        "UPDATE audit_log SET actor = 'someone else' WHERE seq = 3",
        "DELETE FROM audit_log WHERE seq = 3",
    ] {
        let e = raw(&c, sql).await.expect_err(sql);
        assert!(e.contains("append-only"), "{sql}: {e}");
    }
    // ... unless the trigger is dropped first (the database's owner can): then the chain
    // names the entry changed.
    let drop = match c.store.backend() {
        BackendKind::Sqlite => "DROP TRIGGER audit_log_no_update",
        BackendKind::Postgres => "DROP TRIGGER audit_log_append_only ON audit_log",
    };
    raw(&c, drop).await.expect("drop the trigger");
    raw(
        &c,
        "UPDATE audit_log SET after_json = '{\"status\":\"resolved\"}' WHERE seq = 3",
    )
    .await
    .expect("tamper");
    let all = c.store.audit_entries(0, 1000).await.expect("read");
    assert_eq!(verify(&all), Err(ChainBreak::Altered { seq: 3 }));
}

fn reading(sensor: &str, channel: &str, t: i64, value: Value) -> Reading {
    Reading {
        sensor: sensor.into(),
        channel: channel.into(),
        time: Timestamp(t),
        value,
    }
}

fn f64_bits(v: &Value) -> Vec<u64> {
    match *v {
        Value::Density { density } => vec![density.to_bits()],
        Value::Track { x, y, .. } => vec![x.to_bits(), y.to_bits()],
        _ => vec![],
    }
}

async fn every_value_round_trips_bit_exact(c: Ctx) {
    let awkward = [
        0.1 + 0.2,
        1.0 / 3.0,
        f64::MIN_POSITIVE,
        5e-324,
        f64::EPSILON,
        19.999_999_999_999_996,
        -123_456.789_012_345_67,
        1.0e6,
        0.0,
        -0.0,
    ];
    let mut rs = vec![
        reading(
            "cam-1",
            "",
            T0,
            Value::Counter {
                direction: None,
                total: 0,
            },
        ),
        reading(
            "cam-1",
            "north",
            T0 + 1,
            Value::Counter {
                direction: Some(Direction::In),
                total: 1_000_000_000,
            },
        ),
        reading(
            "cam-1",
            "north",
            T0 + 2,
            Value::Crossings {
                direction: Some(Direction::Out),
                count: 17,
            },
        ),
        reading(
            "cam-1",
            "south",
            T0 + 3,
            Value::Crossings {
                direction: None,
                count: 0,
            },
        ),
        reading("axis-ٱ", "Human", T0 + 4, Value::Occupancy { count: 3 }),
        reading(
            "xovis",
            "scène",
            -1,
            Value::Track {
                track: u64::MAX,
                x: -1.0e6,
                y: 1.0e6,
            },
        ),
        reading(
            "xovis",
            "",
            i64::MAX,
            Value::Track {
                track: 0,
                x: 0.5,
                y: -0.25,
            },
        ),
    ];
    for (i, &d) in awkward.iter().enumerate() {
        rs.push(reading(
            "dens",
            "",
            T0 + 10 + i as i64,
            Value::Density { density: d },
        ));
        rs.push(reading(
            "trk",
            "",
            T0 + 10 + i as i64,
            Value::Track {
                track: i as u64 + (1 << 63),
                x: d,
                y: -d,
            },
        ));
    }
    let received = Timestamp(T0 + 5_000_000);
    let logged = c
        .store
        .append_readings("lyon", received, &rs)
        .await
        .expect("append");
    assert_eq!(logged.len(), rs.len());
    // As stored: every value bit for bit, but −0.0 as +0.0 (SQLite drops the sign of zero).
    let canonical = |bits: Vec<u64>| -> Vec<u64> {
        bits.into_iter()
            .map(|b| if b == (-0.0f64).to_bits() { 0 } else { b })
            .collect()
    };
    for (i, (l, r)) in logged.iter().zip(&rs).enumerate() {
        assert_eq!(l.seq, i as u64 + 1);
        assert_eq!(l.received, received);
        assert_eq!(&l.reading, r);
        assert_eq!(
            f64_bits(&l.reading.value),
            canonical(f64_bits(&r.value)),
            "{r:?}"
        );
    }
    let back = c
        .store
        .readings_after("lyon", 0, 1000)
        .await
        .expect("read back");
    assert_eq!(back, logged);
    for (b, l) in back.iter().zip(&logged) {
        assert_eq!(
            f64_bits(&b.reading.value),
            f64_bits(&l.reading.value),
            "{l:?}"
        );
        assert_eq!(b.reading.time, l.reading.time);
    }
    // Another venue's log is apart; paging continues after a seq.
    assert!(
        c.store
            .readings_after("other", 0, 10)
            .await
            .expect("read")
            .is_empty()
    );
    let page = c.store.readings_after("lyon", 3, 2).await.expect("page");
    assert_eq!(page.iter().map(|l| l.seq).collect::<Vec<_>>(), [4, 5]);
    assert_eq!(
        c.store.reading_count("lyon").await.expect("count"),
        rs.len() as u64
    );
    assert_eq!(
        c.store
            .append_readings("lyon", received, &[])
            .await
            .expect("empty"),
        []
    );
}

fn batch(writer: usize, b: usize, n: usize) -> Vec<Reading> {
    (0..n)
        .map(|i| {
            reading(
                &format!("w{writer}"),
                &format!("b{b}"),
                T0 + i as i64,
                Value::Occupancy { count: i as u64 },
            )
        })
        .collect()
}

async fn seqs_are_gapless_under_concurrent_writers(c: Ctx) {
    const WRITERS: usize = 8;
    const PER_WRITER: usize = 1000;
    const BATCH: usize = 50;
    let ingest = c.store.writer();
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let store = c.store.clone();
        let ingest = ingest.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine: Vec<Logged> = Vec::new();
            for b in 0..PER_WRITER / BATCH {
                let rs = batch(w, b, BATCH);
                // Half the writers go through the group-commit writer, half append directly.
                let logged = if w % 2 == 0 {
                    ingest.append("hall", Timestamp(T0), rs.clone()).await
                } else {
                    store.append_readings("hall", Timestamp(T0), &rs).await
                }
                .expect("append");
                assert_eq!(
                    logged.iter().map(|l| &l.reading).collect::<Vec<_>>(),
                    rs.iter().collect::<Vec<_>>()
                );
                for pair in logged.windows(2) {
                    assert_eq!(
                        pair[1].seq,
                        pair[0].seq + 1,
                        "a batch's seqs are consecutive"
                    );
                }
                mine.extend(logged);
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("writer task"));
    }
    all.sort_by_key(|l| l.seq);
    let n = (WRITERS * PER_WRITER) as u64;
    assert_eq!(
        all.iter().map(|l| l.seq).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );
    let mut stored = Vec::new();
    let mut after = 0;
    loop {
        let page = c
            .store
            .readings_after("hall", after, 777)
            .await
            .expect("page");
        let Some(last) = page.last() else { break };
        after = last.seq;
        stored.extend(page);
    }
    assert_eq!(stored, all);
}

async fn one_bad_batch_fails_alone(c: Ctx) {
    // PostgreSQL refuses a NUL byte in TEXT (SQLite stores it). Readings that passed
    // `Reading::check` have none; this one did not.
    let bad = vec![reading(
        "nul\0sensor",
        "",
        T0,
        Value::Occupancy { count: 1 },
    )];
    let ingest = c.store.writer();
    for _round in 0..5 {
        let mut tasks = Vec::new();
        for w in 0..6 {
            let ingest = ingest.clone();
            let rs = if w == 3 {
                bad.clone()
            } else {
                batch(w, 0, 100)
            };
            tasks.push(tokio::spawn(async move {
                (w, ingest.append("v", Timestamp(T0), rs).await)
            }));
        }
        for t in tasks {
            let (w, result) = t.await.expect("task");
            match (w, c.store.backend()) {
                (3, BackendKind::Postgres) => {
                    let e = result.expect_err("NUL refused by PostgreSQL");
                    assert!(matches!(e, StoreError::Database { .. }), "{e}");
                }
                (3, BackendKind::Sqlite) => assert_eq!(result.expect("stored").len(), 1),
                _ => assert_eq!(result.expect("good batch stored").len(), 100),
            }
        }
    }
    let n = c.store.reading_count("v").await.expect("count");
    let per_round = if c.store.backend() == BackendKind::Postgres {
        500
    } else {
        501
    };
    assert_eq!(n, 5 * per_round);
    let all = c.store.readings_after("v", 0, 10_000).await.expect("read");
    assert_eq!(
        all.iter().map(|l| l.seq).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );
}

async fn log_continues_after_reopen(c: Ctx) {
    let rs = batch(0, 0, 3);
    c.store
        .append_readings("v", Timestamp(T0), &rs)
        .await
        .expect("append");
    if c.store.backend() == BackendKind::Sqlite {
        let wal = std::path::Path::new(&c.url).join(format!("{}-wal", aman_store::SQLITE_FILE));
        assert!(wal.exists(), "journal_mode=WAL: {} exists", wal.display());
    }
    c.store.close().await;
    let again = Store::open(&c.url).await.expect("reopen");
    let logged = again
        .append_readings("v", Timestamp(T0 + 1), &rs)
        .await
        .expect("append");
    assert_eq!(logged.iter().map(|l| l.seq).collect::<Vec<_>>(), [4, 5, 6]);
    let all = again.readings_after("v", 0, 100).await.expect("read");
    assert_eq!(all.len(), 6);
    assert_eq!(all[0].received, Timestamp(T0));
    assert_eq!(all[3].received, Timestamp(T0 + 1));
    // Migrations are applied once: opening a third time is fine.
    again.close().await;
    let third = Store::open(&c.url).await.expect("reopen again");
    assert_eq!(third.reading_count("v").await.expect("count"), 6);
    third.close().await;
}

/// Child side of [`acknowledged_readings_survive_sigkill`]: when `AMAN_STORE_CHILD` names a
/// store, appends batches from 4 tasks forever, printing each committed batch.
#[test]
fn sigkill_child() {
    let Ok(url) = std::env::var("AMAN_STORE_CHILD") else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let store = Store::open(&url).await.expect("child: open");
        let ingest = store.writer();
        let mut tasks = Vec::new();
        for w in 0..4 {
            let ingest = ingest.clone();
            tasks.push(tokio::spawn(async move {
                for b in 0.. {
                    let logged = ingest
                        .append("kill", Timestamp(T0 + b as i64), batch(w, b, 200))
                        .await
                        .expect("child: append");
                    let (first, last) = (logged[0].seq, logged[logged.len() - 1].seq);
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "committed {w} {b} {first} {last}").expect("stdout");
                    out.flush().expect("stdout");
                }
            }));
        }
        for t in tasks {
            t.await.expect("child task");
        }
    });
}

async fn acknowledged_readings_survive_sigkill(c: Ctx) {
    c.store.close().await;
    let url = c.url.clone();
    let acked = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "sigkill_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("AMAN_STORE_CHILD", &url)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn child");
        let stdout = child.stdout.take().expect("child stdout");
        let mut acked = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("child line");
            let Some(rest) = line.strip_prefix("committed ") else {
                continue;
            };
            let f: Vec<u64> = rest
                .split(' ')
                .map(|x| x.parse().expect("number"))
                .collect();
            acked.push((f[0] as usize, f[1] as usize, f[2], f[3]));
            if acked.len() == 40 {
                child.kill().expect("SIGKILL the child"); // SIGKILL on Unix
                break;
            }
        }
        child.wait().expect("reap child");
        acked
    })
    .await
    .expect("child driver");
    assert_eq!(
        acked.len(),
        40,
        "the child committed 40 batches before it was killed"
    );
    let store = Store::open(&c.url).await.expect("reopen after SIGKILL");
    let n = store.reading_count("kill").await.expect("count");
    let all = store
        .readings_after("kill", 0, n as usize)
        .await
        .expect("read");
    // Whatever was committed is there, gapless from 1; every acknowledged batch is in it.
    assert_eq!(
        all.iter().map(|l| l.seq).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );
    for &(w, b, first, last) in &acked {
        let got: Vec<&Reading> = all[first as usize - 1..last as usize]
            .iter()
            .map(|l| &l.reading)
            .collect();
        assert_eq!(
            got,
            batch(w, b, 200).iter().collect::<Vec<_>>(),
            "batch {w}/{b}"
        );
    }
    // And the log continues after the last committed seq.
    let more = store
        .append_readings("kill", Timestamp(T0), &batch(9, 9, 1))
        .await
        .expect("append");
    assert_eq!(more[0].seq, n + 1);
    store.close().await;
}

async fn tokens_verify_only_when_right(c: Ctx) {
    let s = &c.store;
    let (admin, admin_text) = s
        .create_token(TokenRole::Admin, "first admin")
        .await
        .expect("create");
    let cam = TokenRole::Sensor {
        venue: "lyon".into(),
        sensor: "cam-1".into(),
    };
    let (sensor, sensor_text) = s
        .create_token(cam.clone(), "camera north")
        .await
        .expect("create");
    assert!(admin_text.starts_with(&format!("aman_{}_", admin.id)));
    assert_eq!(admin_text.len(), 5 + 12 + 1 + 64);
    assert_ne!(admin.id, sensor.id);
    assert_eq!(
        s.verify_token(&admin_text).await.expect("verify"),
        Some(admin.clone())
    );
    let v = s
        .verify_token(&sensor_text)
        .await
        .expect("verify")
        .expect("valid");
    assert_eq!(v.role, cam);
    assert_eq!(v.label, "camera north");

    // A wrong secret with a right id, someone else's secret, malformed texts: None.
    let mut wrong = admin_text.clone();
    let last = wrong.pop().expect("non-empty");
    wrong.push(if last == '0' { '1' } else { '0' });
    let swapped = format!("aman_{}_{}", admin.id, &sensor_text[18..]);
    let unknown_id = format!("aman_000000000000_{}", &admin_text[18..]);
    for bad in [
        wrong.as_str(),
        swapped.as_str(),
        unknown_id.as_str(),
        "",
        "aman_",
        "aman_x_y",
        "Bearer aman",
        "aman_\u{0}\u{0}_'; DROP TABLE tokens; --",
        &admin_text[..admin_text.len() - 1],
        &"a".repeat(100_000),
    ] {
        assert_eq!(
            s.verify_token(bad).await.expect("verify"),
            None,
            "{bad:.40}"
        );
    }

    // Revoked: no longer verifies; listed with its revocation time; twice is fine.
    s.revoke_token(&admin.id).await.expect("revoke");
    s.revoke_token(&admin.id).await.expect("revoke twice");
    assert_eq!(s.verify_token(&admin_text).await.expect("verify"), None);
    assert!(
        s.verify_token(&sensor_text)
            .await
            .expect("verify")
            .is_some()
    );
    let list = s.list_tokens().await.expect("list");
    assert_eq!(list.len(), 2);
    let a = list
        .iter()
        .find(|t| t.id == admin.id)
        .expect("admin listed");
    assert!(a.revoked_at.is_some());
    assert!(matches!(
        s.revoke_token("nope").await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn token_secrets_are_not_stored(c: Ctx) {
    let mut secrets = Vec::new();
    let mut ids = Vec::new();
    for role in [
        TokenRole::Admin,
        TokenRole::Sensor {
            venue: "v".into(),
            sensor: "s".into(),
        },
    ] {
        let (info, text) = c.store.create_token(role, "x").await.expect("create");
        secrets.push(text.rsplit_once('_').expect("secret").1.to_owned());
        ids.push(info.id);
    }
    let haystack: String = match c.store.backend() {
        BackendKind::Sqlite => {
            // Every byte on disk: the database, its WAL, whatever journal there is.
            let mut all = String::new();
            for entry in std::fs::read_dir(&c.url).expect("data dir") {
                let bytes = std::fs::read(entry.expect("entry").path()).expect("read file");
                all.push_str(&String::from_utf8_lossy(&bytes));
            }
            all
        }
        BackendKind::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&c.url).await.expect("connect");
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .fetch_all(&mut conn)
            .await
            .expect("tables");
            assert!(tables.iter().any(|t| t == "tokens"), "{tables:?}");
            let mut all = String::new();
            for t in tables {
                let rows = conn
                    .fetch_all(sqlx::AssertSqlSafe(format!(
                        "SELECT CAST(t AS TEXT) AS r FROM {t} t"
                    )))
                    .await
                    .expect("dump table");
                for r in rows {
                    all.push_str(&r.try_get::<String, _>("r").expect("text"));
                    all.push('\n');
                }
            }
            conn.close().await.expect("close");
            all
        }
    };
    for id in &ids {
        assert!(
            haystack.contains(id.as_str()),
            "the search sees the token ids"
        );
    }
    for secret in &secrets {
        assert!(
            !haystack.contains(secret.as_str()),
            "a token secret is stored"
        );
        assert!(
            !haystack.contains(&secret[..16]),
            "part of a token secret is stored"
        );
    }
}

async fn alerts_are_idempotent_and_counted(c: Ctx) {
    let s = &c.store;
    let mk = |id: &str, rule: &str, subject: &str, t: i64| {
        AlertRecord::raised(
            id,
            "hermes",
            rule,
            subject,
            "Severe",
            "Actual",
            Timestamp(T0 + t),
        )
    };
    let a1 = mk("a1", "density-4", "bottleneck", 0);
    assert!(s.insert_alert(&a1).await.expect("insert"));
    let mut dup = a1.clone();
    dup.severity = "Minor".into();
    assert!(
        !s.insert_alert(&dup).await.expect("insert again"),
        "same id: not inserted"
    );
    assert_eq!(s.alert("a1").await.expect("get"), Some(a1.clone()));
    for (id, rule, subject, t) in [
        ("a2", "density-4", "bottleneck", 10),
        ("a3", "density-4", "bottleneck", 20),
        ("a4", "density-4", "corridor", 30),
        ("a5", "stale", "cam-1", 40),
    ] {
        assert!(
            s.insert_alert(&mk(id, rule, subject, t))
                .await
                .expect("insert")
        );
    }
    assert!(
        s.insert_alert(&AlertRecord::raised(
            "b1",
            "lyon",
            "r",
            "z",
            "Minor",
            "Exercise",
            Timestamp(T0)
        ))
        .await
        .expect("other venue")
    );

    // Lifecycle.
    s.update_alert_status(
        "a1",
        AlertStatus::Acknowledged,
        Timestamp(T0 + 5),
        Some("op-1"),
    )
    .await
    .expect("ack");
    s.update_alert_status(
        "a1",
        AlertStatus::Acknowledged,
        Timestamp(T0 + 6),
        Some("op-2"),
    )
    .await
    .expect("ack again");
    s.update_alert_status("a1", AlertStatus::Resolved, Timestamp(T0 + 9), None)
        .await
        .expect("resolve");
    s.update_alert_status(
        "a1",
        AlertStatus::Acknowledged,
        Timestamp(T0 + 10),
        Some("op-3"),
    )
    .await
    .expect("late ack");
    s.update_alert_status(
        "a2",
        AlertStatus::Acknowledged,
        Timestamp(T0 + 11),
        Some("op-1"),
    )
    .await
    .expect("ack");
    s.update_alert_status("a5", AlertStatus::Resolved, Timestamp(T0 + 45), None)
        .await
        .expect("resolve");
    let got = s.alert("a1").await.expect("get").expect("exists");
    assert_eq!(got.status, AlertStatus::Resolved);
    assert_eq!(got.acknowledged_at, Some(Timestamp(T0 + 5)));
    assert_eq!(got.acknowledged_by.as_deref(), Some("op-1"));
    assert_eq!(got.resolved_at, Some(Timestamp(T0 + 9)));
    assert!(matches!(
        s.update_alert_status("a1", AlertStatus::Raised, Timestamp(T0), None)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.update_alert_status("zz", AlertStatus::Resolved, Timestamp(T0), None)
            .await,
        Err(StoreError::NotFound { .. })
    ));

    // Verdicts: a later one replaces the first.
    s.set_verdict("a1", Verdict::FalsePositive, "analyst", Timestamp(T0 + 50))
        .await
        .expect("verdict");
    s.set_verdict("a1", Verdict::TruePositive, "analyst", Timestamp(T0 + 51))
        .await
        .expect("verdict");
    s.set_verdict("a2", Verdict::TruePositive, "analyst", Timestamp(T0 + 52))
        .await
        .expect("verdict");
    s.set_verdict("a3", Verdict::FalsePositive, "analyst", Timestamp(T0 + 53))
        .await
        .expect("verdict");
    s.set_verdict("a5", Verdict::FalsePositive, "analyst", Timestamp(T0 + 54))
        .await
        .expect("verdict");
    assert!(matches!(
        s.set_verdict("zz", Verdict::TruePositive, "x", Timestamp(T0))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let a1 = s.alert("a1").await.expect("get").expect("exists");
    assert_eq!(
        (a1.verdict, a1.verdict_at),
        (Some(Verdict::TruePositive), Some(Timestamp(T0 + 51)))
    );

    let stats = s.alert_stats("hermes").await.expect("stats");
    let row = |rule: &str, subject: &str| {
        stats
            .iter()
            .find(|r| r.rule == rule && r.subject == subject)
            .cloned()
            .expect("row")
    };
    assert_eq!(stats.len(), 3);
    let b = row("density-4", "bottleneck");
    assert_eq!(
        (b.raised, b.acknowledged, b.true_pos, b.false_pos),
        (3, 2, 2, 1)
    );
    assert_eq!(b.precision, Some(2.0 / 3.0));
    let c4 = row("density-4", "corridor");
    assert_eq!(
        (
            c4.raised,
            c4.acknowledged,
            c4.true_pos,
            c4.false_pos,
            c4.precision
        ),
        (1, 0, 0, 0, None)
    );
    assert_eq!(row("stale", "cam-1").precision, Some(0.0));

    // Listing: newest first; open ones exclude the resolved.
    let all = s
        .alerts("hermes", AlertFilter::All, 100)
        .await
        .expect("all");
    assert_eq!(
        all.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["a5", "a4", "a3", "a2", "a1"]
    );
    let open = s
        .alerts("hermes", AlertFilter::Open, 100)
        .await
        .expect("open");
    assert_eq!(
        open.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["a4", "a3", "a2"]
    );
    assert_eq!(
        s.alerts("hermes", AlertFilter::All, 2)
            .await
            .expect("limit")
            .len(),
        2
    );

    // CAP messages, numbered in order, Arabic text intact.
    let xml = "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><info><language>ar</language><event>كثافة عالية</event></info></alert>";
    assert_eq!(
        s.add_cap_message("a1", MsgType::Alert, Timestamp(T0), xml)
            .await
            .expect("cap"),
        1
    );
    assert_eq!(
        s.add_cap_message("a1", MsgType::Update, Timestamp(T0 + 5), "<u/>")
            .await
            .expect("cap"),
        2
    );
    assert_eq!(
        s.add_cap_message("a1", MsgType::Cancel, Timestamp(T0 + 9), "<c/>")
            .await
            .expect("cap"),
        3
    );
    assert_eq!(
        s.add_cap_message("a2", MsgType::Alert, Timestamp(T0), "<a/>")
            .await
            .expect("cap"),
        1
    );
    assert!(matches!(
        s.add_cap_message("zz", MsgType::Alert, Timestamp(T0), "<a/>")
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let msgs = s.cap_messages("a1").await.expect("messages");
    assert_eq!(
        msgs.iter().map(|m| (m.n, m.msg_type)).collect::<Vec<_>>(),
        [
            (1, MsgType::Alert),
            (2, MsgType::Update),
            (3, MsgType::Cancel)
        ]
    );
    assert_eq!(msgs[0].xml, xml);
    assert_eq!(msgs[1].sent, Timestamp(T0 + 5));
}

async fn history_upserts(c: Ctx) {
    let row = |subject: &str, res: Resolution, t: i64, density: Option<f64>| HistoryRow {
        venue: "sib".into(),
        subject: subject.into(),
        resolution: res,
        t: Timestamp(T0 + t),
        occupancy: Some(12.0),
        density,
        flow_in: None,
        flow_out: Some(0.75),
        pressure: None,
    };
    let first: Vec<HistoryRow> = (0..5)
        .map(|i| {
            row(
                "z1",
                Resolution::Second,
                i * 1_000_000,
                Some(0.1 * i as f64),
            )
        })
        .collect();
    c.store.append_history(&first).await.expect("append");
    c.store
        .append_history(&[
            row("z1", Resolution::Minute, 0, Some(9.0)),
            row("z2", Resolution::Second, 0, None),
        ])
        .await
        .expect("append");
    // The last second is rewritten while it fills.
    let newer = row("z1", Resolution::Second, 4_000_000, Some(1.25));
    c.store
        .append_history(std::slice::from_ref(&newer))
        .await
        .expect("upsert");
    let got = c
        .store
        .history(
            "sib",
            "z1",
            Resolution::Second,
            Timestamp(T0),
            Timestamp(T0 + 10_000_000),
        )
        .await
        .expect("read");
    assert_eq!(got.len(), 5);
    assert_eq!(&got[..4], &first[..4]);
    assert_eq!(got[4], newer);
    let window = c
        .store
        .history(
            "sib",
            "z1",
            Resolution::Second,
            Timestamp(T0 + 1_000_000),
            Timestamp(T0 + 3_000_000),
        )
        .await
        .expect("read");
    assert_eq!(
        window.iter().map(|r| r.t.0 - T0).collect::<Vec<_>>(),
        [1_000_000, 2_000_000]
    );
    let minute = c
        .store
        .history(
            "sib",
            "z1",
            Resolution::Minute,
            Timestamp(T0),
            Timestamp(T0 + 1),
        )
        .await
        .expect("read");
    assert_eq!(minute.len(), 1);
    assert_eq!(minute[0].density, Some(9.0));
    let z2 = c
        .store
        .history(
            "sib",
            "z2",
            Resolution::Second,
            Timestamp(0),
            Timestamp(i64::MAX),
        )
        .await
        .expect("read");
    assert_eq!(z2[0].density, None);
}

async fn rejections_are_counted(c: Ctx) {
    let s = &c.store;
    s.count_rejection(
        "lyon",
        "cam-1",
        "bad_json",
        "expected value at line 1 column 1",
        Timestamp(T0),
    )
    .await
    .expect("count");
    s.count_rejection(
        "lyon",
        "cam-1",
        "bad_json",
        "EOF while parsing",
        Timestamp(T0 + 7),
    )
    .await
    .expect("count");
    s.count_rejection(
        "lyon",
        "cam-1",
        "out_of_range",
        "value.density: NaN",
        Timestamp(T0 + 8),
    )
    .await
    .expect("count");
    s.count_rejection(
        "lyon",
        "ghost",
        "unknown_sensor",
        "no sensor \"ghost\"",
        Timestamp(T0 + 9),
    )
    .await
    .expect("count");
    s.count_rejection("sib", "cam-1", "bad_json", "x", Timestamp(T0))
        .await
        .expect("count");
    let r = s.rejections("lyon").await.expect("list");
    assert_eq!(
        r.iter()
            .map(|x| (x.sensor.as_str(), x.kind.as_str(), x.count))
            .collect::<Vec<_>>(),
        [
            ("cam-1", "bad_json", 2),
            ("cam-1", "out_of_range", 1),
            ("ghost", "unknown_sensor", 1)
        ]
    );
    assert_eq!(r[0].last_message, "EOF while parsing");
    assert_eq!(r[0].last_time, Timestamp(T0 + 7));
    // A message quoting a huge payload is cut.
    let huge = "ب".repeat(10_000);
    s.count_rejection("lyon", "ghost", "unknown_sensor", &huge, Timestamp(T0 + 10))
        .await
        .expect("count");
    let r = s.rejections("lyon").await.expect("list");
    assert_eq!(r[2].count, 2);
    assert_eq!(r[2].last_message.len(), aman_store::MAX_MESSAGE_LEN);
    assert!(huge.starts_with(&r[2].last_message));
}

#[tokio::test]
async fn bad_urls_name_the_url_without_password() {
    let e = Store::open("mysql://aman:hunter2@db/aman")
        .await
        .expect_err("mysql refused");
    let msg = e.to_string();
    assert!(matches!(e, StoreError::BadUrl { .. }));
    assert!(
        msg.contains("mysql://aman:***@db/aman") && !msg.contains("hunter2"),
        "{msg}"
    );
    assert!(msg.contains("postgres://"), "says what to write: {msg}");
    let e = Store::open("postgres://aman:hunter2@127.0.0.1:1/aman")
        .await
        .expect_err("no server");
    assert!(!e.to_string().contains("hunter2"), "{e}");
    assert!(
        e.to_string()
            .contains("postgres://aman:***@127.0.0.1:1/aman"),
        "{e}"
    );
}

#[tokio::test]
async fn debug_redacts_the_password() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path().to_str().expect("utf-8"))
        .await
        .expect("open");
    let d = format!("{store:?}");
    assert!(d.contains("Sqlite"), "{d}");
    store.close().await;
}

// ---------------------------------------------------------------------------------------
// Users and sessions.

fn fr_pn() -> Agency {
    Agency {
        id: "fr-pn".into(),
        name_fr: "Police nationale".into(),
        name_ar: "الشرطة الوطنية الفرنسية".into(),
        name_en: "French National Police".into(),
    }
}

fn new_user(login: &str, name: &str) -> NewUser {
    NewUser {
        login: login.into(),
        display_name: name.into(),
        agency: "fr-pn".into(),
        role: Role::Operator,
        language: Language::Fr,
    }
}

const MIN: i64 = 60_000_000;

async fn users_lock_after_failures_and_refuse_bad_input(c: Ctx) {
    let s = &c.store;
    let pw = Password::new("correct horse battery");
    // No agency yet: refused, nothing stored.
    let e = s
        .create_user(&new_user("amina", "Amina"), &pw)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid { field, .. } if field == "agency"),
        "{e}"
    );
    s.create_agency(&fr_pn()).await.unwrap();
    assert!(matches!(
        s.create_agency(&fr_pn()).await,
        Err(StoreError::Conflict(_))
    ));
    let u = s
        .create_user(&new_user("amina", " Amina El Idrissi "), &pw)
        .await
        .unwrap();
    assert_eq!(u.display_name, "Amina El Idrissi");
    // Bad input: each refused with its field, nothing stored.
    let bad: Vec<(NewUser, Password, &str)> = vec![
        (new_user(&"a".repeat(65), "x"), pw.clone(), "login"),
        (
            new_user("evil", "evil\u{202E}gpj.exe"),
            pw.clone(),
            "display_name",
        ),
        (
            new_user("evil", "<script>alert(1)</script>"),
            pw.clone(),
            "display_name",
        ),
        (
            new_user("evil", &"n".repeat(81)),
            pw.clone(),
            "display_name",
        ),
        (new_user("evil", "Evil"), Password::new("short"), "password"),
        (
            new_user("evil", "Evil"),
            Password::new("p".repeat(129)),
            "password",
        ),
    ];
    for (u, p, field) in bad {
        let e = s.create_user(&u, &p).await.unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid { field: f, .. } if f == field),
            "{field}: {e}"
        );
    }
    assert_eq!(s.users(None).await.unwrap().len(), 1);
    assert!(matches!(
        s.create_user(&new_user("amina", "Again"), &pw).await,
        Err(StoreError::Conflict(_))
    ));
    // The hash is Argon2id, never the password.
    let (_, phc) = s.user_and_hash("amina").await.unwrap().unwrap();
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
    assert!(!phc.contains("correct horse"));
    assert!(aman_store::password::verify_password(&pw, &phc));
    // Four failures: counted, not locked; the fifth locks for the given time.
    let t = Timestamp(T0);
    for k in 1..=4 {
        assert_eq!(
            s.record_login_failure("amina", t, 5, 15 * MIN)
                .await
                .unwrap(),
            None
        );
        assert_eq!(s.user("amina").await.unwrap().unwrap().failed_logins, k);
    }
    let until = s
        .record_login_failure("amina", t, 5, 15 * MIN)
        .await
        .unwrap();
    assert_eq!(until, Some(Timestamp(T0 + 15 * MIN)));
    let u = s.user("amina").await.unwrap().unwrap();
    assert_eq!(
        (u.failed_logins, u.locked_until),
        (0, Some(Timestamp(T0 + 15 * MIN)))
    );
    // Unknown logins change nothing.
    assert_eq!(
        s.record_login_failure("nobody", t, 5, MIN).await.unwrap(),
        None
    );
    // A new password lifts the lock.
    s.set_password("amina", &Password::new("another long password"))
        .await
        .unwrap();
    let u = s.user("amina").await.unwrap().unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (0, None));
    s.disable_user("amina").await.unwrap();
    assert!(
        s.user("amina")
            .await
            .unwrap()
            .unwrap()
            .disabled_at
            .is_some()
    );
    assert!(matches!(
        s.disable_user("nobody").await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn sessions_expire_idle_and_absolute(c: Ctx) {
    let s = &c.store;
    s.create_agency(&fr_pn()).await.unwrap();
    s.create_user(
        &new_user("amina", "Amina"),
        &Password::new("correct horse battery"),
    )
    .await
    .unwrap();
    let (idle, absolute) = (30 * MIN, 12 * 60 * MIN);
    let t0 = Timestamp(T0);
    let (id, csrf) = s.create_session("amina", t0, absolute).await.unwrap();
    assert_eq!((id.len(), csrf.len()), (64, 64));
    assert_ne!(id, csrf);
    // Only the SHA-256 of the id is stored.
    assert_eq!(s.count_sessions().await.unwrap(), 1);
    let got = s
        .session(&id, Timestamp(T0 + MIN), idle)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (got.user.login.as_str(), got.csrf_token.as_str()),
        ("amina", csrf.as_str())
    );
    assert_eq!(got.expires_at, Timestamp(T0 + absolute));
    assert!(
        s.session(&id.to_uppercase().replace('A', "B"), t0, idle)
            .await
            .unwrap()
            .is_none()
    );
    // Used every 20 minutes it lives until its absolute end, not a microsecond more.
    let mut t = T0;
    while t + 20 * MIN < T0 + absolute {
        t += 20 * MIN;
        assert!(
            s.session(&id, Timestamp(t), idle).await.unwrap().is_some(),
            "{t}"
        );
    }
    assert!(
        s.session(&id, Timestamp(T0 + absolute), idle)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(s.count_sessions().await.unwrap(), 0);
    // Idle for 30 minutes: ended.
    let (id, _) = s.create_session("amina", t0, absolute).await.unwrap();
    assert!(
        s.session(&id, Timestamp(T0 + idle - 1), idle)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        s.session(&id, Timestamp(T0 + 2 * idle - 2), idle)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        s.session(&id, Timestamp(T0 + 3 * idle), idle)
            .await
            .unwrap()
            .is_none()
    );
    // Logout, password change and disabling end sessions.
    let (a, _) = s.create_session("amina", t0, absolute).await.unwrap();
    let (b, _) = s.create_session("amina", t0, absolute).await.unwrap();
    s.delete_session(&a).await.unwrap();
    assert!(s.session(&a, t0, idle).await.unwrap().is_none());
    assert!(s.session(&b, t0, idle).await.unwrap().is_some());
    s.set_password("amina", &Password::new("another long password"))
        .await
        .unwrap();
    assert!(s.session(&b, t0, idle).await.unwrap().is_none());
    let (c2, _) = s.create_session("amina", t0, absolute).await.unwrap();
    s.disable_user("amina").await.unwrap();
    assert!(s.session(&c2, t0, idle).await.unwrap().is_none());
}

/// Two servers on one database (two `Store`s: two pools, two audit mutexes, as two
/// processes), each making incident writes and plain audit appends concurrently: every write
/// has exactly one entry, in one unbroken chain (the entry number's uniqueness makes the
/// loser of a race roll its whole transaction back and run it again).
async fn audited_writes_of_two_servers_at_once_keep_one_chain(c: Ctx) {
    use aman_ops::access::{Viewer, Visibility};
    use aman_ops::incident::IncidentFields;
    c.store
        .create_agency(&Agency {
            id: "fr-pn".into(),
            name_fr: "Police nationale".into(),
            name_ar: "الشرطة الوطنية".into(),
            name_en: "National Police".into(),
        })
        .await
        .expect("agency");
    let other = Store::open(&c.url).await.expect("second store");
    let fields: IncidentFields = serde_json::from_value(serde_json::json!({
        "title": "Crush at gate 3", "location": {"zone": "gate-3"}, "severity": "severe"
    }))
    .unwrap();
    let mut tasks = Vec::new();
    for (w, store) in [c.store.clone(), other.clone()].into_iter().enumerate() {
        for k in 0..8 {
            let (store, fields) = (store.clone(), fields.clone());
            tasks.push(tokio::spawn(async move {
                let actor = aman_store::Actor {
                    label: format!("op{w}-{k} (fr-pn)"),
                    agency: Some("fr-pn".into()),
                    at: Timestamp(T0 + k),
                };
                let inc = store
                    .create_incident(&actor, "fr-pn", Visibility::Restricted, &fields, None)
                    .await
                    .expect("create");
                let mut f = fields.clone();
                f.hazards = format!("hazard {w}-{k}");
                store
                    .update_incident(&actor, &inc.meta.id, 1, &f)
                    .await
                    .expect("update");
                store
                    .append_audit(audit_record(1000 + w * 10 + k as usize))
                    .await
                    .expect("append");
            }));
        }
    }
    for t in tasks {
        t.await.expect("writer");
    }
    let all = c.store.audit_entries(0, 10_000).await.expect("read");
    aman_ops::audit::verify(&all).expect("one unbroken chain");
    let count = |a: &str| all.iter().filter(|e| e.record.action == a).count();
    assert_eq!(
        (
            count("incident.create"),
            count("incident.update"),
            count("alert.acknowledge")
        ),
        (16, 16, 16)
    );
    let (list, n) = c.store.incidents(Viewer::Server, 100).await.expect("list");
    assert_eq!((list.len(), n), (16, 16));
    assert!(list.iter().all(|i| i.meta.version == 2));
    // Each incident's timeline: created, then changed.
    for i in &list {
        let ev = c
            .store
            .incident_events(&i.meta.id, Viewer::Server)
            .await
            .unwrap();
        assert_eq!(ev.iter().map(|e| e.n).collect::<Vec<_>>(), [1, 2]);
    }
    // Another agency sees none of them, counts included.
    let (list, n) = c
        .store
        .incidents(Viewer::Agency("ma-dgsn"), 100)
        .await
        .unwrap();
    assert_eq!((list.len(), n), (0, 0));
    other.close().await;
}

/// PostgreSQL only: the server's own database role, given its rights by
/// `Store::grant_server_role`, runs the store (opens it, writes readings, users and audit
/// entries) but cannot update, delete or truncate audit rows, nor switch their trigger off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_role_cannot_change_the_audit_log() {
    let Ok(base) = std::env::var("AMAN_TEST_POSTGRES") else {
        let _ = writeln!(
            std::io::stderr().lock(),
            "skipped the_server_role_cannot_change_the_audit_log: AMAN_TEST_POSTGRES is not set \
             (run the tests under scripts/with-postgres)"
        );
        return;
    };
    let suffix = random_suffix();
    let (db, role) = (format!("aman_t_{suffix}"), format!("aman_srv_{suffix}"));
    let mut admin = sqlx::PgConnection::connect(&base).await.expect("connect");
    for sql in [
        format!("CREATE DATABASE {db}"),
        format!("CREATE ROLE {role} LOGIN"),
    ] {
        admin
            .execute(sqlx::AssertSqlSafe(sql))
            .await
            .expect("setup");
    }
    let (prefix, _) = base.rsplit_once('/').expect("a database in the URL");
    let owner_url = format!("{prefix}/{db}");
    // The server's URL: the same server and database, as the role (the test server trusts
    // loopback connections, so no password).
    let after_scheme = prefix.split_once("://").map(|(_, r)| r).expect("a scheme");
    let host = after_scheme
        .rsplit_once('@')
        .map_or(after_scheme, |(_, h)| h);
    let server_url = format!("postgres://{role}@{host}/{db}");

    // The owner creates the tables and grants.
    let owner = Store::open(&owner_url).await.expect("open as owner");
    owner
        .append_audit(audit_record(1))
        .await
        .expect("owner appends");
    for bad in ["", "Robert'); DROP TABLE audit_log; --", "1abc", "a-b"] {
        let e = owner.grant_server_role(bad).await.unwrap_err();
        assert!(e.to_string().starts_with("role:"), "{bad:?}: {e}");
    }
    owner.grant_server_role(&role).await.expect("grant");

    // The server opens the store as the role and works: audit entries, readings, users.
    let server = Store::open(&server_url)
        .await
        .expect("open as the server's role");
    server
        .append_audit(audit_record(2))
        .await
        .expect("the server appends to the audit log");
    server
        .append_readings(
            "hall",
            Timestamp(T0),
            &[reading("cam", "z", T0, Value::Occupancy { count: 3 })],
        )
        .await
        .expect("the server writes readings");
    assert_eq!(server.audit_entries(0, 10).await.expect("read").len(), 2);

    // As the role, directly: no change to audit rows, and no switching the guard off.
    let mut conn = sqlx::PgConnection::connect(&server_url)
        .await
        .expect("connect");
    for sql in [
        "UPDATE audit_log SET actor = 'x' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 1",
        "TRUNCATE audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        "DROP TRIGGER audit_log_append_only ON audit_log",
    ] {
        let e = conn
            .execute(sqlx::AssertSqlSafe(sql.to_string()))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("permission denied") || e.contains("must be owner"),
            "{sql}: {e}"
        );
    }
    conn.close().await.expect("close");
    server.close().await;

    // A server role that finds the guard switched off refuses to start (only the owner
    // could have done it, and only the owner can put it back).
    let mut oc = sqlx::PgConnection::connect(&owner_url)
        .await
        .expect("connect");
    oc.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        .await
        .expect("the owner may");
    let Err(e) = Store::open(&server_url).await else {
        panic!("a server role opened a store whose audit guard is off");
    };
    assert!(e.to_string().contains("append-only trigger"), "{e}");
    oc.close().await.expect("close");
    owner.close().await;
    // Opened by the owner again, the guard is back.
    let again = Store::open(&owner_url).await.expect("owner reopens");
    again.close().await;
    Store::open(&server_url)
        .await
        .expect("the server's role opens once the guard is back")
        .close()
        .await;

    for sql in [
        format!("DROP DATABASE {db} WITH (FORCE)"),
        format!("DROP ROLE {role}"),
    ] {
        admin
            .execute(sqlx::AssertSqlSafe(sql))
            .await
            .expect("cleanup");
    }
}
