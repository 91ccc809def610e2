//! The outbox: the one path every outbound message takes. Rows are claimed with a lease so
//! that, across processes, each is delivered by one sender; a row whose sender died is
//! claimed again once its lease runs out.

use super::{Store, StoreError, now, on_pool, on_writer, returned_row};
use crate::message::{ChatRef, Outbound, Platform};
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row};
use std::time::{Duration, Instant};

/// One outbox row claimed for delivery by this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedMessage {
    pub id: i64,
    /// The row's idempotency key: platforms that deduplicate sends (Matrix transaction ids,
    /// Discord nonces) get it, so a send repeated after a crash is not shown twice.
    pub key: String,
    pub chat: ChatRef,
    pub message: Outbound,
    /// How many delivery attempts have been made, this one included.
    pub attempts: i64,
    /// When this process's lease on the row began (its own clock): a sender renews the lease
    /// before sending a row that has waited a while, rather than trusting an old one.
    pub claimed_at: Instant,
}

/// A sender of this process for which the scheduler claims the rows it writes, in the same
/// transaction: they need not be claimed again before delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxClaim {
    /// The sender's name in leases.
    pub owner: String,
    /// How long the row stays the sender's before another may take it over.
    pub lease: Duration,
}

/// How many outbox rows are in each state (for operators and tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Waiting for a sender (or for their next attempt).
    pub pending: i64,
    /// Held by a sender under a lease.
    pub sending: i64,
    /// Delivered.
    pub sent: i64,
    /// Given up on, until an operator retries them.
    pub failed: i64,
}

/// How long a row this build cannot read waits for a process that can.
const UNREADABLE_SET_ASIDE: Duration = Duration::from_secs(600);

const CLAIM_COLUMNS: &str = "id, idempotency_key, chat_ref, payload, attempts";

macro_rules! claimed_from_row {
    ($row:expr) => {{
        let row = $row;
        let chat: String = row.try_get("chat_ref")?;
        let payload: String = row.try_get("payload")?;
        ClaimedMessage {
            id: row.try_get("id")?,
            key: row.try_get("idempotency_key")?,
            chat: serde_json::from_str(&chat)
                .map_err(|e| StoreError::Corrupt(format!("outbox chat_ref: {e}")))?,
            message: serde_json::from_str(&payload)
                .map_err(|e| StoreError::Corrupt(format!("outbox payload: {e}")))?,
            attempts: row.try_get("attempts")?,
            claimed_at: Instant::now(),
        }
    }};
}

/// When a lease taken now for `lease` runs out.
pub(super) fn lease_end(lease: Duration) -> DateTime<Utc> {
    now() + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(60))
}

impl Store {
    /// Claim one specific pending row (a reply the caller just recorded) for `owner`.
    /// `None` if another sender already has it or it was delivered.
    pub async fn claim_outbox_row(
        &self,
        id: i64,
        owner: &str,
        lease: Duration,
    ) -> Result<Option<ClaimedMessage>, StoreError> {
        let sql = format!(
            "UPDATE outbox SET state = 'sending', lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
             WHERE id = $3 AND state = 'pending' RETURNING {CLAIM_COLUMNS}"
        );
        on_writer!(self, pool => {
            let claim = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(owner)
                .bind(lease_end(lease))
                .bind(id);
            match returned_row!(claim, pool)? {
                Some(row) => Ok(Some(claimed_from_row!(&row))),
                None => Ok(None),
            }
        })
    }

    /// Claim up to `limit` rows of one platform (of one chat, when `chat_id` is given) that
    /// are due: pending and past their retry time, or left `sending` by a sender whose lease
    /// ran out. Oldest first.
    pub async fn claim_due_outbox(
        &self,
        platform: Platform,
        chat_id: Option<&str>,
        owner: &str,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<ClaimedMessage>, StoreError> {
        let at = now();
        // Only the waiting rows are looked at, however many delivered ones the outbox keeps.
        let due = "SELECT o.id FROM outbox_waiting w JOIN outbox o ON o.id = w.outbox_id \
                   WHERE w.platform = $3 AND ($6 IS NULL OR o.chat_id = $6) AND \
                   ((o.state = 'pending' AND o.next_attempt_at <= $4) \
                   OR (o.state = 'sending' AND o.lease_until < $4)) \
                   ORDER BY w.outbox_id LIMIT $5";
        let sql = format!(
            "UPDATE outbox SET state = 'sending', lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
             WHERE {} RETURNING {CLAIM_COLUMNS}",
            self.backend().id_in_locked(due, "o")
        );
        let (mut claimed, unreadable) = on_writer!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(owner)
                .bind(lease_end(lease))
                .bind(platform.as_str())
                .bind(at)
                .bind(limit)
                .bind(chat_id)
                .fetch_all(pool)
                .await?;
            let mut claimed = Vec::with_capacity(rows.len());
            let mut unreadable = Vec::new();
            for row in &rows {
                let read = || -> Result<ClaimedMessage, StoreError> { Ok(claimed_from_row!(row)) };
                match read() {
                    Ok(message) => claimed.push(message),
                    Err(err) => unreadable.push((
                        row.try_get::<i64, _>("id")?,
                        row.try_get::<i64, _>("attempts")?,
                        err,
                    )),
                }
            }
            (claimed, unreadable)
        });
        // A row this build cannot read (another version, sharing the database during an
        // upgrade, stores messages differently) would otherwise stay first in line and stop
        // every claim after it. It is set aside for a while, for a process that can read it,
        // and fails, for operators to see, only once it has been tried as often as any.
        for (id, attempts, err) in unreadable {
            let reason = format!("unreadable by {}: {err}", env!("CARGO_PKG_VERSION"));
            if attempts >= crate::outbox::MAX_ATTEMPTS {
                tracing::error!(id, error = %err, "outbox row unreadable; marked failed");
                self.mark_outbox_failed(id, owner, &reason).await?;
            } else {
                tracing::error!(id, error = %err, "outbox row unreadable; set aside");
                self.mark_outbox_retry(id, owner, &reason, UNREADABLE_SET_ASIDE)
                    .await?;
            }
        }
        claimed.sort_by_key(|m| m.id);
        Ok(claimed)
    }

    /// Record a delivery. Only the lease holder can; returns false if the lease was lost.
    pub async fn mark_outbox_sent(
        &self,
        id: i64,
        owner: &str,
        platform_message_id: &str,
    ) -> Result<bool, StoreError> {
        on_writer!(self, pool => {
            let done = sqlx::query(
                "UPDATE outbox SET state = 'sent', sent_at = $1, platform_message_id = $2, \
                 lease_owner = NULL, lease_until = NULL, last_error = NULL \
                 WHERE id = $3 AND lease_owner = $4 AND state = 'sending'",
            )
            .bind(now())
            .bind(platform_message_id)
            .bind(id)
            .bind(owner)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Extend this owner's lease on a row it is about to send; false when the lease was
    /// lost (the row was reclaimed, or is no longer being sent), and it must not be sent.
    pub async fn renew_outbox_lease(
        &self,
        id: i64,
        owner: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        on_writer!(self, pool => {
            let renewed = sqlx::query(
                "UPDATE outbox SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'sending'",
            )
            .bind(lease_end(lease))
            .bind(id)
            .bind(owner)
            .execute(pool)
            .await?;
            Ok(renewed.rows_affected() == 1)
        })
    }

    /// Record many deliveries in one statement (the sender's group commit). Only rows this
    /// owner still holds are marked; returns how many were. A row has a lease owner only
    /// while it is being sent (every way out of `sending` clears it), so the owner alone
    /// says the row is still ours.
    pub async fn mark_outbox_sent_many(
        &self,
        owner: &str,
        delivered: &[(i64, String)],
    ) -> Result<u64, StoreError> {
        let at = now();
        let mut marked = 0;
        on_writer!(self, pool => {
            // Two parameters a row: far below both drivers' limits.
            for chunk in delivered.chunks(2000) {
                let mut q = QueryBuilder::new("UPDATE outbox SET state = 'sent', sent_at = ");
                q.push_bind(at).push(
                    ", platform_message_id = v.column2, lease_owner = NULL, lease_until = NULL, \
                     last_error = NULL FROM (",
                );
                q.push_values(chunk, |mut row, (id, platform_id)| {
                    row.push_bind(*id).push_bind(platform_id.clone());
                });
                q.push(") AS v WHERE outbox.id = v.column1 AND outbox.lease_owner = ")
                    .push_bind(owner.to_owned());
                marked += q.build().execute(pool).await?.rows_affected();
            }
        });
        Ok(marked)
    }

    /// Put a row back for another attempt after `delay`, keeping the error for operators.
    pub async fn mark_outbox_retry(
        &self,
        id: i64,
        owner: &str,
        error: &str,
        delay: Duration,
    ) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            sqlx::query(
                "UPDATE outbox SET state = 'pending', next_attempt_at = $1, last_error = $2, \
                 lease_owner = NULL, lease_until = NULL WHERE id = $3 AND lease_owner = $4",
            )
            .bind(lease_end(delay))
            .bind(error)
            .bind(id)
            .bind(owner)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Give up on a row: it will not be tried again unless an operator retries it.
    pub async fn mark_outbox_failed(
        &self,
        id: i64,
        owner: &str,
        error: &str,
    ) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            sqlx::query(
                "UPDATE outbox SET state = 'failed', last_error = $1, lease_owner = NULL, lease_until = NULL \
                 WHERE id = $2 AND lease_owner = $3",
            )
            .bind(error)
            .bind(id)
            .bind(owner)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// When the next row of `platform` (of one chat, when given) becomes due: a retry's
    /// time, or when a dead sender's lease runs out. `None` when nothing waits.
    pub async fn next_outbox_attempt(
        &self,
        platform: Platform,
        chat_id: Option<&str>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar(
                "SELECT MIN(CASE WHEN o.state = 'pending' THEN o.next_attempt_at ELSE o.lease_until END) \
                 FROM outbox_waiting w JOIN outbox o ON o.id = w.outbox_id \
                 WHERE w.platform = $1 AND ($2 IS NULL OR o.chat_id = $2)",
            )
            .bind(platform.as_str())
            .bind(chat_id)
            .fetch_one(pool)
            .await?)
        })
    }

    /// Rows per state, over the whole outbox.
    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let rows: Vec<(String, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT state, COUNT(*) FROM outbox GROUP BY state")
                .fetch_all(pool)
                .await?
        });
        let mut counts = OutboxCounts::default();
        for (state, n) in rows {
            match state.as_str() {
                "pending" => counts.pending = n,
                "sending" => counts.sending = n,
                "sent" => counts.sent = n,
                "failed" => counts.failed = n,
                other => return Err(StoreError::Corrupt(format!("outbox state {other:?}"))),
            }
        }
        Ok(counts)
    }
}
