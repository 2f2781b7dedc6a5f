//! The append-only readings log.

use aman_monitor::reading::Direction;
use sqlx::{AssertSqlSafe, Row};

use crate::{Backend, Logged, Reading, Result, Store, StoreError, Timestamp, Value, with_pool};

/// Rows per multi-row `INSERT`: 500 × 14 columns = 7 000 bind parameters, well under
/// SQLite's 32 766 and PostgreSQL's 65 535.
pub(crate) const ROWS_PER_INSERT: usize = 500;

const COLUMNS: &str = "seq, venue, sensor, channel, sensor_time, received, kind, direction, \
                       count, value, track, x, y, exercise";
const NCOLS: usize = 14;

/// PostgreSQL's append: the rows as one array per column, unnested (one prepared statement
/// whatever the number of rows, and no bind-parameter limit).
const PG_INSERT: &str = "INSERT INTO readings (seq, venue, sensor, channel, sensor_time, \
     received, kind, direction, count, value, track, x, y, exercise) \
     SELECT *, $14::TEXT FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], \
     $5::BIGINT[], $6::BIGINT[], $7::TEXT[], $8::TEXT[], $9::BIGINT[], \
     $10::DOUBLE PRECISION[], $11::BIGINT[], $12::DOUBLE PRECISION[], $13::DOUBLE PRECISION[])";

#[derive(Default)]
struct PgColumns<'a> {
    seq: Vec<i64>,
    venue: Vec<&'a str>,
    sensor: Vec<&'a str>,
    channel: Vec<&'a str>,
    sensor_time: Vec<i64>,
    received: Vec<i64>,
    kind: Vec<&'static str>,
    direction: Vec<Option<&'static str>>,
    count: Vec<Option<i64>>,
    value: Vec<Option<f64>>,
    track: Vec<Option<i64>>,
    x: Vec<Option<f64>>,
    y: Vec<Option<f64>>,
}

/// One batch to append: the venue, when the server received it, its readings.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    /// Venue id.
    pub venue: &'a str,
    /// When the server received it (its clock).
    pub received: Timestamp,
    /// The readings, checked ([`Reading::check`]).
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

/// `v`, with −0.0 made +0.0: SQLite stores a REAL with an integral value as an integer,
/// which drops the sign of zero. Both backends store +0.0 so that what
/// [`Store::append_readings`] returns and what [`Store::readings_after`] reads back are the
/// same bits everywhere. (−0.0 == +0.0: no measure changes.)
fn canonical(v: f64) -> f64 {
    if v == 0.0 { 0.0 } else { v }
}

/// `r` as it is stored (see [`canonical`]).
fn as_stored(r: &Reading) -> Reading {
    let mut r = r.clone();
    match &mut r.value {
        Value::Density { density } => *density = canonical(*density),
        Value::Track { x, y, .. } => {
            *x = canonical(*x);
            *y = canonical(*y);
        }
        Value::Counter { .. } | Value::Crossings { .. } | Value::Occupancy { .. } => {}
    }
    r
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
        Value::Density { density } => c.value = Some(canonical(density)),
        Value::Track { track, x, y } => {
            c.track = Some(track as i64);
            c.x = Some(canonical(x));
            c.y = Some(canonical(y));
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

/// `INSERT INTO readings (…) VALUES (…), …` for `rows` rows, with numbered (`$1`, …) or
/// anonymous (`?`) placeholders. SQLite's append uses anonymous ones: numbered ones are named
/// parameters that SQLite looks up by a linear scan, quadratic in a 6 500-parameter statement
/// (≈ 40 times slower).
fn insert_sql(rows: usize, numbered: bool) -> String {
    let mut sql = String::with_capacity(40 + rows * NCOLS * 6);
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
            if numbered {
                sql.push('$');
                sql.push_str(&n.to_string());
            } else {
                sql.push('?');
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
    /// calls. The readings should have passed [`Reading::check`]; they are stored as given,
    /// bit for bit, except that a −0.0 becomes +0.0 (SQLite cannot keep the sign of zero);
    /// the returned readings are as stored.
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

    /// Appends several batches in one transaction, committed before this returns, as
    /// [`Store::append_readings`] does for one; returns each batch's logged readings, in
    /// order (the batches' seqs follow one another). For a server that groups submissions
    /// itself; [`Store::writer`] does the grouping for you.
    ///
    /// # Errors
    /// [`StoreError::Database`] if the transaction fails (nothing of any batch is stored).
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
        match &self.inner.pool {
            Backend::Sqlite(p) => {
                let mut tx = p
                    .begin()
                    .await
                    .map_err(StoreError::db("beginning a readings append"))?;
                let full_sql = insert_sql(ROWS_PER_INSERT.min(rows.len()), false);
                for chunk in rows.chunks(ROWS_PER_INSERT) {
                    let sql = if chunk.len() == ROWS_PER_INSERT.min(rows.len()) {
                        full_sql.clone()
                    } else {
                        insert_sql(chunk.len(), false)
                    };
                    let mut q =
                        sqlx::query(AssertSqlSafe(sql)).persistent(chunk.len() == ROWS_PER_INSERT);
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
                            .bind(c.y)
                            .bind(self.exercise());
                    }
                    q.execute(&mut *tx)
                        .await
                        .map_err(StoreError::db("appending readings"))?;
                }
                tx.commit()
                    .await
                    .map_err(StoreError::db("committing readings"))?;
            }
            Backend::Postgres(p) => {
                // One prepared statement for any number of rows: a column per array.
                let mut a = PgColumns::default();
                for &(seq, venue, received, r) in &rows {
                    let c = columns(&r.value);
                    a.seq.push(seq);
                    a.venue.push(venue);
                    a.sensor.push(r.sensor.as_str());
                    a.channel.push(r.channel.as_str());
                    a.sensor_time.push(r.time.0);
                    a.received.push(received.0);
                    a.kind.push(c.kind);
                    a.direction.push(c.direction);
                    a.count.push(c.count);
                    a.value.push(c.value);
                    a.track.push(c.track);
                    a.x.push(c.x);
                    a.y.push(c.y);
                }
                let mut tx = p
                    .begin()
                    .await
                    .map_err(StoreError::db("beginning a readings append"))?;
                sqlx::query(PG_INSERT)
                    .bind(a.seq)
                    .bind(a.venue)
                    .bind(a.sensor)
                    .bind(a.channel)
                    .bind(a.sensor_time)
                    .bind(a.received)
                    .bind(a.kind)
                    .bind(a.direction)
                    .bind(a.count)
                    .bind(a.value)
                    .bind(a.track)
                    .bind(a.x)
                    .bind(a.y)
                    .bind(self.exercise())
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db("appending readings"))?;
                tx.commit()
                    .await
                    .map_err(StoreError::db("committing readings"))?;
            }
        }
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
                            reading: as_stored(r),
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

    /// Up to `limit` readings of `venue` with `seq > after_seq`, in `seq` order, of this
    /// handle's context (live, or its exercise: [`Store::in_exercise`]): how the server
    /// rebuilds its live state after a restart (page by passing the last `seq` seen). The
    /// seqs of one context have gaps where another context's readings lie.
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
        let sql = format!(
            "SELECT seq, venue, sensor, channel, sensor_time, received, kind, direction, count, \
             value, track, x, y FROM readings WHERE venue = $1 AND {} AND seq > $2 \
             ORDER BY seq LIMIT $3",
            self.ctx_sql("")
        );
        with_pool!(self, p => {
            let rows = sqlx::query(AssertSqlSafe(sql))
                .bind(venue)
                .bind(after)
                .bind(limit)
                .fetch_all(p)
                .await
                .map_err(StoreError::db(format!("reading the readings of {venue:?}")))?;
            rows.iter().map(logged_from_row).collect()
        })
    }

    /// Number of readings of `venue` in the log, of this handle's context.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn reading_count(&self, venue: &str) -> Result<u64> {
        let sql = format!(
            "SELECT COUNT(*) FROM readings WHERE venue = $1 AND {}",
            self.ctx_sql("")
        );
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar(AssertSqlSafe(sql))
                .bind(venue)
                .fetch_one(p)
                .await
                .map_err(StoreError::db(format!("counting the readings of {venue:?}")))?
        });
        Ok(n.max(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_sql_numbers_every_parameter() {
        let s = insert_sql(2, true);
        assert!(
            s.ends_with("($15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28)"),
            "{s}"
        );
        assert_eq!(s.matches('$').count(), 28);
        let s = insert_sql(2, false);
        assert!(s.ends_with("),(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"), "{s}");
        assert_eq!(s.matches('?').count(), 28);
    }
}
