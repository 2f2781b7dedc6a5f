//! The append-only readings log.

use aman_monitor::reading::Direction;
use sqlx::{AssertSqlSafe, Row};

use crate::{Logged, Reading, Result, Store, StoreError, Timestamp, Value, with_pool};

/// Rows per multi-row `INSERT`: 500 × 13 columns = 6 500 bind parameters, well under
/// SQLite's 32 766 and PostgreSQL's 65 535.
pub(crate) const ROWS_PER_INSERT: usize = 500;

const COLUMNS: &str = "seq, venue, sensor, channel, sensor_time, received, kind, direction, \
                       count, value, track, x, y";
const NCOLS: usize = 13;

/// One batch to append: the venue, when the server received it, its readings.
pub struct Batch<'a> {
    /// Venue id.
    pub venue: &'a str,
    /// When the server received it (its clock).
    pub received: Timestamp,
    /// The readings, checked.
    pub readings: &'a [Reading],
}

/// A reading's value spread over the log's nullable columns. Counts and track numbers are
/// `u64` stored in `BIGINT` by their bits (`as i64`), so every value round-trips exactly.
struct Columns {
    kind: &'static str,
    direction: Option<&'static str>,
    count: Option<i64>,
    value: Option<f64>,
    track: Option<i64>,
    x: Option<f64>,
    y: Option<f64>,
}

fn columns(v: &Value) -> Columns {
    let mut c = Columns {
        kind: v.kind(),
        direction: None,
        count: None,
        value: None,
        track: None,
        x: None,
        y: None,
    };
    match *v {
        Value::Counter { direction, total } => {
            c.direction = direction.map(Direction::name);
            c.count = Some(total as i64);
        }
        Value::Crossings { direction, count } => {
            c.direction = direction.map(Direction::name);
            c.count = Some(count as i64);
        }
        Value::Occupancy { count } => c.count = Some(count as i64),
        Value::Density { density } => c.value = Some(density),
        Value::Track { track, x, y } => {
            c.track = Some(track as i64);
            c.x = Some(x);
            c.y = Some(y);
        }
    }
    c
}

/// Typed column access shared by both backends' rows.
pub(crate) trait Get {
    fn i64(&self, col: &str) -> Result<i64>;
    fn oi64(&self, col: &str) -> Result<Option<i64>>;
    fn of64(&self, col: &str) -> Result<Option<f64>>;
    fn s(&self, col: &str) -> Result<String>;
    fn os(&self, col: &str) -> Result<Option<String>>;
}

macro_rules! impl_get {
    ($row:ty) => {
        impl Get for $row {
            fn i64(&self, col: &str) -> Result<i64> {
                self.try_get(col)
                    .map_err(StoreError::db(format!("column {col}")))
            }
            fn oi64(&self, col: &str) -> Result<Option<i64>> {
                self.try_get(col)
                    .map_err(StoreError::db(format!("column {col}")))
            }
            fn of64(&self, col: &str) -> Result<Option<f64>> {
                self.try_get(col)
                    .map_err(StoreError::db(format!("column {col}")))
            }
            fn s(&self, col: &str) -> Result<String> {
                self.try_get(col)
                    .map_err(StoreError::db(format!("column {col}")))
            }
            fn os(&self, col: &str) -> Result<Option<String>> {
                self.try_get(col)
                    .map_err(StoreError::db(format!("column {col}")))
            }
        }
    };
}
impl_get!(sqlx::sqlite::SqliteRow);
impl_get!(sqlx::postgres::PgRow);

fn need<T>(v: Option<T>, seq: i64, col: &str) -> Result<T> {
    v.ok_or_else(|| StoreError::Corrupt(format!("reading {seq}: {col} is NULL")))
}

fn logged_from_row(row: &impl Get) -> Result<Logged> {
    let seq = row.i64("seq")?;
    let kind = row.s("kind")?;
    let direction = match row.os("direction")?.as_deref() {
        None => None,
        Some("in") => Some(Direction::In),
        Some("out") => Some(Direction::Out),
        Some(other) => {
            return Err(StoreError::Corrupt(format!(
                "reading {seq}: direction {other:?}"
            )));
        }
    };
    let count = || -> Result<u64> { Ok(need(row.oi64("count")?, seq, "count")? as u64) };
    let value = match kind.as_str() {
        "counter" => Value::Counter {
            direction,
            total: count()?,
        },
        "crossings" => Value::Crossings {
            direction,
            count: count()?,
        },
        "occupancy" => Value::Occupancy { count: count()? },
        "density" => Value::Density {
            density: need(row.of64("value")?, seq, "value")?,
        },
        "track" => Value::Track {
            track: need(row.oi64("track")?, seq, "track")? as u64,
            x: need(row.of64("x")?, seq, "x")?,
            y: need(row.of64("y")?, seq, "y")?,
        },
        other => {
            return Err(StoreError::Corrupt(format!(
                "reading {seq}: kind {other:?}"
            )));
        }
    };
    Ok(Logged {
        seq: u64::try_from(seq)
            .map_err(|_| StoreError::Corrupt(format!("reading seq {seq} is negative")))?,
        received: Timestamp(row.i64("received")?),
        reading: Reading {
            sensor: row.s("sensor")?,
            channel: row.s("channel")?,
            time: Timestamp(row.i64("sensor_time")?),
            value,
        },
    })
}

/// `INSERT INTO readings (…) VALUES ($1, …), …` for `rows` rows; with `anonymous`,
/// `VALUES (?, …), …` instead.
///
/// SQLite gets anonymous `?` parameters: sqlx binds a numbered parameter by looking its name
/// up (`sqlite3_bind_parameter_name`, a linear scan of the statement's parameter list), so a
/// statement of P numbered parameters costs O(P²) to bind — 6 500 parameters took ~90 % of
/// the server's CPU under load. Anonymous ones are bound by position.
fn insert_sql(rows: usize, anonymous: bool) -> String {
    let mut sql = String::with_capacity(40 + rows * NCOLS * 5);
    sql.push_str("INSERT INTO readings (");
    sql.push_str(COLUMNS);
    sql.push_str(") VALUES ");
    let mut n = 1;
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..NCOLS {
            if c > 0 {
                sql.push(',');
            }
            if anonymous {
                sql.push('?');
            } else {
                sql.push('$');
                sql.push_str(&n.to_string());
            }
            n += 1;
        }
        sql.push(')');
    }
    sql
}

impl Store {
    /// Appends `readings`, received at `received` for `venue`, to the log in one transaction
    /// that is committed (durable: see [`Store::open`]) before this returns. Assigns them
    /// consecutive `seq`s, in order, continuing the log without gaps even under concurrent
    /// calls. The readings should have passed [`Reading::check`]; they are stored as given.
    ///
    /// For many small batches from concurrent clients, prefer [`Store::writer`], which
    /// commits them together.
    ///
    /// # Errors
    /// [`StoreError::Database`] if the transaction fails (nothing is stored then).
    pub async fn append_readings(
        &self,
        venue: &str,
        received: Timestamp,
        readings: &[Reading],
    ) -> Result<Vec<Logged>> {
        let mut out = self
            .append_batches(&[Batch {
                venue,
                received,
                readings,
            }])
            .await?;
        Ok(out.pop().unwrap_or_default())
    }

    /// Appends several batches in one transaction; returns each batch's logged readings.
    pub async fn append_batches(&self, batches: &[Batch<'_>]) -> Result<Vec<Vec<Logged>>> {
        let total: usize = batches.iter().map(|b| b.readings.len()).sum();
        if total == 0 {
            return Ok(batches.iter().map(|_| Vec::new()).collect());
        }
        let mut next = self.inner.next_seq.lock().await;
        let first = match *next {
            Some(s) => s,
            None => self.reload_next_seq(&mut next).await?,
        };
        // Forget the cached seq until this commit is known to have happened.
        *next = None;
        let rows: Vec<(i64, &str, Timestamp, &Reading)> = batches
            .iter()
            .flat_map(|b| b.readings.iter().map(move |r| (b.venue, b.received, r)))
            .zip(first..)
            .map(|((v, rc, r), seq)| (seq as i64, v, rc, r))
            .collect();
        let anonymous = self.backend() == crate::BackendKind::Sqlite;
        let full_sql = insert_sql(ROWS_PER_INSERT.min(rows.len()), anonymous);
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(StoreError::db("beginning a readings append"))?;
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let sql = if chunk.len() == ROWS_PER_INSERT.min(rows.len()) {
                    full_sql.clone()
                } else {
                    insert_sql(chunk.len(), anonymous)
                };
                let mut q = sqlx::query(AssertSqlSafe(sql))
                    .persistent(chunk.len() == ROWS_PER_INSERT);
                for &(seq, venue, received, r) in chunk {
                    let c = columns(&r.value);
                    q = q
                        .bind(seq)
                        .bind(venue)
                        .bind(r.sensor.as_str())
                        .bind(r.channel.as_str())
                        .bind(r.time.0)
                        .bind(received.0)
                        .bind(c.kind)
                        .bind(c.direction)
                        .bind(c.count)
                        .bind(c.value)
                        .bind(c.track)
                        .bind(c.x)
                        .bind(c.y);
                }
                q.execute(&mut *tx)
                    .await
                    .map_err(StoreError::db("appending readings"))?;
            }
            tx.commit().await.map_err(StoreError::db("committing readings"))?;
        });
        *next = Some(first + total as u64);
        drop(next);
        let mut seq = first;
        Ok(batches
            .iter()
            .map(|b| {
                b.readings
                    .iter()
                    .map(|r| {
                        let l = Logged {
                            seq,
                            received: b.received,
                            reading: r.clone(),
                        };
                        seq += 1;
                        l
                    })
                    .collect()
            })
            .collect())
    }

    /// Reads `MAX(seq)` and stores the next seq in `next`; returns it.
    pub(crate) async fn reload_next_seq(&self, next: &mut Option<u64>) -> Result<u64> {
        let max: Option<i64> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT MAX(seq) FROM readings")
                .fetch_one(p)
                .await
                .map_err(StoreError::db("reading the end of the readings log"))?
        });
        let n = match max {
            None => 1,
            Some(m) => {
                u64::try_from(m)
                    .map_err(|_| StoreError::Corrupt(format!("readings seq {m} is negative")))?
                    + 1
            }
        };
        *next = Some(n);
        Ok(n)
    }

    /// Up to `limit` readings of `venue` with `seq > after_seq`, in `seq` order: how the
    /// server rebuilds its live state after a restart (page by passing the last `seq` seen).
    ///
    /// # Errors
    /// [`StoreError::Database`], or [`StoreError::Corrupt`] for a row that is not a reading.
    pub async fn readings_after(
        &self,
        venue: &str,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<Logged>> {
        let after = i64::try_from(after_seq).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = const_format_select();
        with_pool!(self, p => {
            let rows = sqlx::query(sql)
                .bind(venue)
                .bind(after)
                .bind(limit)
                .fetch_all(p)
                .await
                .map_err(StoreError::db(format!("reading the readings of {venue:?}")))?;
            rows.iter().map(logged_from_row).collect()
        })
    }

    /// Number of readings of `venue` in the log.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn reading_count(&self, venue: &str) -> Result<u64> {
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM readings WHERE venue = $1")
                .bind(venue)
                .fetch_one(p)
                .await
                .map_err(StoreError::db(format!("counting the readings of {venue:?}")))?
        });
        Ok(n.max(0) as u64)
    }
}

fn const_format_select() -> &'static str {
    "SELECT seq, venue, sensor, channel, sensor_time, received, kind, direction, count, value, \
     track, x, y FROM readings WHERE venue = $1 AND seq > $2 ORDER BY seq LIMIT $3"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_sql_numbers_every_parameter() {
        let s = insert_sql(2, false);
        assert!(
            s.ends_with("($14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26)"),
            "{s}"
        );
        assert_eq!(s.matches('$').count(), 26);
        let a = insert_sql(2, true);
        assert!(a.ends_with("(?,?,?,?,?,?,?,?,?,?,?,?,?)"), "{a}");
        assert_eq!(a.matches('?').count(), 26);
        assert!(!a.contains('$'));
    }
}
