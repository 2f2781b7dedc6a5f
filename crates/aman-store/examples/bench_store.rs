//! Throughput of the readings log: rows/s appended durably (one fsync per commit) through
//! the group-commit writer by concurrent submitters, and, for comparison, one transaction per
//! batch by a single caller. SQLite in a temporary directory always; PostgreSQL too when
//! `AMAN_TEST_POSTGRES` is set (a database is created for the run and dropped after):
//!
//! ```text
//! scripts/with-postgres cargo run -p aman-store --release --example bench_store -- [ROWS] [BATCH] [SUBMITTERS]
//! ```
//!
//! Defaults: 500 000 rows, batches of 1 000, 16 submitters. Not a test: run it by hand on an
//! otherwise idle machine.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use aman_store::{Reading, Store, Timestamp, Value};
use sqlx::{Connection, Executor};

const T0: i64 = 1_767_225_600_000_000;

fn batch(k: usize, n: usize) -> Vec<Reading> {
    (0..n)
        .map(|i| Reading {
            sensor: format!("xovis-{}", k % 8),
            channel: String::new(),
            time: Timestamp(T0 + (k * n + i) as i64 * 1000),
            value: Value::Track {
                track: (i % 300) as u64,
                x: 0.01 * i as f64,
                y: -0.02 * i as f64,
            },
        })
        .collect()
}

async fn group_commit(store: &Store, rows: usize, batch_rows: usize, submitters: usize) -> f64 {
    let writer = store.writer();
    let batches = rows / batch_rows;
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..submitters {
        let writer = writer.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= batches {
                    break;
                }
                let b = batch(k, batch_rows);
                writer
                    .append("bench", Timestamp(T0), b)
                    .await
                    .expect("append");
            }
        }));
    }
    for t in tasks {
        t.await.expect("submitter");
    }
    (batches * batch_rows) as f64 / start.elapsed().as_secs_f64()
}

async fn one_transaction_per_batch(store: &Store, rows: usize, batch_rows: usize) -> f64 {
    let batches = rows / batch_rows;
    let start = Instant::now();
    for k in 0..batches {
        store
            .append_readings("serial", Timestamp(T0), &batch(k, batch_rows))
            .await
            .expect("append");
    }
    (batches * batch_rows) as f64 / start.elapsed().as_secs_f64()
}

async fn bench(name: &str, url: &str, rows: usize, batch_rows: usize, submitters: usize) {
    let store = Store::open(url).await.expect("open");
    let g = group_commit(&store, rows, batch_rows, submitters).await;
    let s = one_transaction_per_batch(&store, rows / 5, batch_rows).await;
    println!(
        "{name:<10} group commit ({submitters} submitters, batches of {batch_rows}): \
         {g:>9.0} rows/s   one transaction per batch (1 caller): {s:>9.0} rows/s"
    );
    store.close().await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numbers: ROWS BATCH SUBMITTERS"))
        .collect();
    let rows = args.first().copied().unwrap_or(500_000);
    let batch_rows = args.get(1).copied().unwrap_or(1000).max(1);
    let submitters = args.get(2).copied().unwrap_or(16).max(1);

    let dir = tempfile::tempdir().expect("temp dir");
    bench(
        "SQLite",
        dir.path().to_str().expect("utf-8"),
        rows,
        batch_rows,
        submitters,
    )
    .await;

    match std::env::var("AMAN_TEST_POSTGRES") {
        Err(_) => eprintln!(
            "PostgreSQL skipped: AMAN_TEST_POSTGRES is not set (use scripts/with-postgres)"
        ),
        Ok(base) => {
            let db = format!("aman_bench_{}", std::process::id());
            let mut admin = sqlx::PgConnection::connect(&base).await.expect("connect");
            admin
                .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
                .await
                .expect("create database");
            let (prefix, _) = base.rsplit_once('/').expect("URL ends in /database");
            bench(
                "PostgreSQL",
                &format!("{prefix}/{db}"),
                rows,
                batch_rows,
                submitters,
            )
            .await;
            admin
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE {db} WITH (FORCE)"
                )))
                .await
                .expect("drop database");
        }
    }
}
