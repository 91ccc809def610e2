//! What operators see and do about scheduled nudges (`jtp reminders`): every user's
//! reminders by state and the messages not delivered yet, without their private texts, and
//! a retry of what failed.

use super::{Store, StoreError, in_tx, now, on_pool};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// One reminder as operators see it: when and in what state, without its (private) text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderSummary {
    /// The reminder.
    pub id: i64,
    /// Whose it is.
    pub user_id: i64,
    /// custom, follow_up, interview_prep, thank_you or recurring.
    pub kind: String,
    /// When it is (or was) due.
    pub due_at: DateTime<Utc>,
    /// pending, fired, done, cancelled or failed.
    pub state: String,
    /// How many times it has fired.
    pub occurrence: i64,
}

/// One message not delivered (yet) as operators see it: where it goes and how its
/// delivery stands, without its (private) content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliverySummary {
    /// The outbox row.
    pub id: i64,
    /// Whose message it is.
    pub user_id: Option<i64>,
    /// The platform it goes out on.
    pub platform: String,
    /// What it is: `reminder:<id>:<occurrence>` for a nudge, `reply:…` for an answer.
    pub key: String,
    /// `pending` (waiting for its next attempt), `sending` (held by a sender) or `failed`.
    pub state: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// When a pending message is tried next.
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last attempt failed, as the platform put it.
    pub last_error: Option<String>,
}

/// How many rows an operator's retry put back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retried {
    /// Failed reminders made pending again.
    pub reminders: u64,
    /// Failed messages put back in line.
    pub outbox: u64,
}

impl Store {
    /// Reminders of every user in one state (`None`: pending and fired), soonest first.
    pub async fn reminders_overview(
        &self,
        state: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ReminderSummary>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT id, user_id, kind, due_at, state, occurrence FROM reminders \
                 WHERE ($1 IS NULL AND state IN ('pending', 'fired')) OR state = $1 \
                 ORDER BY due_at, id LIMIT $2",
            )
            .bind(state)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(ReminderSummary {
                    id: row.try_get("id")?,
                    user_id: row.try_get("user_id")?,
                    kind: row.try_get("kind")?,
                    due_at: row.try_get("due_at")?,
                    state: row.try_get("state")?,
                    occurrence: row.try_get("occurrence")?,
                });
            }
            Ok(out)
        })
    }

    /// Messages not delivered, in one state (`None`: pending, sending and failed), oldest
    /// first: a nudge whose reminder says `fired` may still be waiting here, or have failed.
    pub async fn deliveries_overview(
        &self,
        state: Option<&str>,
        limit: i64,
    ) -> Result<Vec<DeliverySummary>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT id, user_id, platform, idempotency_key, state, attempts, next_attempt_at, \
                 last_error FROM outbox \
                 WHERE ($1 IS NULL AND state IN ('pending', 'sending', 'failed')) \
                 OR (state = $1 AND state <> 'sent') \
                 ORDER BY id LIMIT $2",
            )
            .bind(state)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(DeliverySummary {
                    id: row.try_get("id")?,
                    user_id: row.try_get("user_id")?,
                    platform: row.try_get("platform")?,
                    key: row.try_get("idempotency_key")?,
                    state: row.try_get("state")?,
                    attempts: row.try_get("attempts")?,
                    next_attempt_at: row.try_get("next_attempt_at")?,
                    last_error: row.try_get("last_error")?,
                });
            }
            Ok(out)
        })
    }

    /// Put failed reminders back to pending and failed outbox messages back in line, each
    /// message with its attempts counted afresh (else one more passing error would fail it
    /// again at once, with no backoff).
    pub async fn retry_failed(&self) -> Result<Retried, StoreError> {
        let at = now();
        let retried = in_tx!(self, tx => {
            let reminders = sqlx::query(
                "UPDATE reminders SET state = 'pending', updated_at = $1 \
                 WHERE state = 'failed'",
            )
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let outbox = sqlx::query(
                "UPDATE outbox SET state = 'pending', next_attempt_at = $1, attempts = 0, \
                 lease_owner = NULL, lease_until = NULL \
                 WHERE state = 'failed'",
            )
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            Retried { reminders, outbox }
        });
        Ok(retried)
    }
}
