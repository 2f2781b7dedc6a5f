//! Per-zone (or per-line) time series for charts.

use crate::readings::Get;
use crate::{Result, Store, StoreError, Timestamp, with_pool};

/// Resolution of a history series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// One row per second.
    Second,
    /// One row per minute.
    Minute,
}

impl Resolution {
    /// `"second"` or `"minute"`, as stored.
    pub fn name(self) -> &'static str {
        match self {
            Resolution::Second => "second",
            Resolution::Minute => "minute",
        }
    }

    fn parse(s: &str) -> Result<Resolution> {
        match s {
            "second" => Ok(Resolution::Second),
            "minute" => Ok(Resolution::Minute),
            other => Err(StoreError::Corrupt(format!("history resolution {other:?}"))),
        }
    }
}

/// One point of a zone's or line's history. Measures that do not apply (flow of a zone
/// without lines, pressure without tracks) are `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    /// Venue id.
    pub venue: String,
    /// Zone or line id.
    pub subject: String,
    /// Series resolution.
    pub resolution: Resolution,
    /// Start of the second or minute.
    pub t: Timestamp,
    /// Persons.
    pub occupancy: Option<f64>,
    /// 1/m².
    pub density: Option<f64>,
    /// Persons/s in.
    pub flow_in: Option<f64>,
    /// Persons/s out.
    pub flow_out: Option<f64>,
    /// Crowd pressure ρ·Var(v), 1/s².
    pub pressure: Option<f64>,
}

impl Store {
    /// The history table's key for this handle's context: `""` live (a key column cannot be
    /// `NULL`), the exercise id otherwise.
    fn history_key(&self) -> &str {
        self.exercise().unwrap_or("")
    }

    /// Stores `rows` in one transaction, in this handle's context (live or its exercise); a
    /// row whose (venue, context, subject, resolution, t) exists replaces it (the last second
    /// or minute is rewritten while it fills).
    ///
    /// # Errors
    /// [`StoreError::Database`] (then none is stored).
    pub async fn append_history(&self, rows: &[HistoryRow]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(StoreError::db("beginning a history append"))?;
            for r in rows {
                sqlx::query(
                    "INSERT INTO zone_history (venue, subject, resolution, t, occupancy, density, \
                     flow_in, flow_out, pressure, exercise) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                     ON CONFLICT (venue, exercise, subject, resolution, t) DO UPDATE SET \
                     occupancy = excluded.occupancy, density = excluded.density, \
                     flow_in = excluded.flow_in, flow_out = excluded.flow_out, \
                     pressure = excluded.pressure",
                )
                .bind(r.venue.as_str())
                .bind(r.subject.as_str())
                .bind(r.resolution.name())
                .bind(r.t.0)
                .bind(r.occupancy)
                .bind(r.density)
                .bind(r.flow_in)
                .bind(r.flow_out)
                .bind(r.pressure)
                .bind(self.history_key())
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db("appending history"))?;
            }
            tx.commit().await.map_err(StoreError::db("committing history"))?;
        });
        Ok(())
    }

    /// The history of `subject` in `venue` at `resolution` with `from <= t < to`, in time
    /// order, of this handle's context.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn history(
        &self,
        venue: &str,
        subject: &str,
        resolution: Resolution,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<HistoryRow>> {
        with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT venue, subject, resolution, t, occupancy, density, flow_in, flow_out, \
                 pressure FROM zone_history WHERE venue = $1 AND subject = $2 \
                 AND resolution = $3 AND t >= $4 AND t < $5 AND exercise = $6 ORDER BY t",
            )
            .bind(venue)
            .bind(subject)
            .bind(resolution.name())
            .bind(from.0)
            .bind(to.0)
            .bind(self.history_key())
            .fetch_all(p)
            .await
            .map_err(StoreError::db("reading history"))?;
            rows.iter()
                .map(|r| {
                    Ok(HistoryRow {
                        venue: r.s("venue")?,
                        subject: r.s("subject")?,
                        resolution: Resolution::parse(&r.s("resolution")?)?,
                        t: Timestamp(r.i64("t")?),
                        occupancy: r.of64("occupancy")?,
                        density: r.of64("density")?,
                        flow_in: r.of64("flow_in")?,
                        flow_out: r.of64("flow_out")?,
                        pressure: r.of64("pressure")?,
                    })
                })
                .collect()
        })
    }
}
