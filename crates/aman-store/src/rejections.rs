//! Bad payloads, counted per sensor and kind of reason.

use crate::readings::Get;
use crate::{Result, Store, StoreError, Timestamp, with_pool};

/// How often one sensor's payloads were refused for one kind of reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Sensor id as the payload named it (possibly unknown to the venue).
    pub sensor: String,
    /// Kind of reason, e.g. `bad_json`, `out_of_range`, `unknown_sensor`, `bad_token`.
    pub kind: String,
    /// Payloads refused.
    pub count: u64,
    /// The latest refusal's message.
    pub last_message: String,
    /// When the latest refusal happened (server clock).
    pub last_time: Timestamp,
}

impl Store {
    /// Counts one refused payload of `sensor` in `venue` for `reason_kind`, keeping `message`
    /// and `time` as the latest.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn count_rejection(
        &self,
        venue: &str,
        sensor: &str,
        reason_kind: &str,
        message: &str,
        time: Timestamp,
    ) -> Result<()> {
        with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO sensor_rejections (venue, sensor, kind, count, last_message, last_time) \
                 VALUES ($1, $2, $3, 1, $4, $5) \
                 ON CONFLICT (venue, sensor, kind) DO UPDATE SET \
                 count = sensor_rejections.count + 1, \
                 last_message = excluded.last_message, last_time = excluded.last_time",
            )
            .bind(venue)
            .bind(sensor)
            .bind(reason_kind)
            .bind(message)
            .bind(time.0)
            .execute(p)
            .await
            .map_err(StoreError::db("counting a rejected payload"))?;
        });
        Ok(())
    }

    /// The rejection counts of `venue`, by sensor then kind.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn rejections(&self, venue: &str) -> Result<Vec<Rejection>> {
        with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT sensor, kind, count, last_message, last_time FROM sensor_rejections \
                 WHERE venue = $1 ORDER BY sensor, kind",
            )
            .bind(venue)
            .fetch_all(p)
            .await
            .map_err(StoreError::db("reading rejections"))?;
            rows.iter()
                .map(|r| {
                    Ok(Rejection {
                        sensor: r.s("sensor")?,
                        kind: r.s("kind")?,
                        count: r.i64("count")?.max(0) as u64,
                        last_message: r.s("last_message")?,
                        last_time: Timestamp(r.i64("last_time")?),
                    })
                })
                .collect()
        })
    }
}
