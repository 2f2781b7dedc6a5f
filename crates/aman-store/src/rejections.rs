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

/// Longest rejection message kept, bytes.
pub const MAX_MESSAGE_LEN: usize = 1024;

/// `s` cut to at most `max` bytes, on a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

impl Store {
    /// Counts one refused payload of `sensor` in `venue` for `reason_kind`, keeping `message`
    /// and `time` as the latest (cut to [`MAX_MESSAGE_LEN`] bytes: it may quote the bad
    /// payload). Sensors report to live operations only: an exercise's handle counts nothing
    /// (an exercise's crowd is simulated, never refused by a sensor adapter).
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
        if self.exercise().is_some() {
            return Ok(());
        }
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
            .bind(cut(message, MAX_MESSAGE_LEN))
            .bind(time.0)
            .execute(p)
            .await
            .map_err(StoreError::db("counting a rejected payload"))?;
        });
        Ok(())
    }

    /// The rejection counts of `venue`, by sensor then kind; none in an exercise (see
    /// [`Store::count_rejection`]).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn rejections(&self, venue: &str) -> Result<Vec<Rejection>> {
        if self.exercise().is_some() {
            return Ok(Vec::new());
        }
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

#[cfg(test)]
mod tests {
    #[test]
    fn messages_are_cut_on_char_boundaries() {
        assert_eq!(super::cut("abc", 5), "abc");
        assert_eq!(super::cut("ééé", 3), "é");
        assert_eq!(super::cut("ééé", 4), "éé");
    }
}
