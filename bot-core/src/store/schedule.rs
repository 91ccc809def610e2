//! What the scheduler needs from the store: claim due reminders with a lease, turn one into
//! an outbox message in the same transaction that advances it, and find where to send it.

use super::reminders::{COLUMNS, reminder_from_row};
use super::{Backend, Reminder, Store, StoreError, in_tx, now, on_pool};
use crate::message::{ChatRef, Outbound};
use chrono::{DateTime, Utc};
use sqlx::Row;
use std::time::Duration;

impl Store {
    /// Claim up to `limit` pending reminders due at `at` for `owner`, for `lease`. A reminder
    /// whose previous owner died is claimable again once its lease ran out. On PostgreSQL
    /// concurrent workers skip each other's rows (`FOR UPDATE SKIP LOCKED`); on SQLite the
    /// single `UPDATE … RETURNING` is atomic.
    pub async fn claim_due_reminders(
        &self,
        owner: &str,
        lease: Duration,
        at: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Reminder>, StoreError> {
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE reminders SET lease_owner = $1, lease_until = $2 WHERE id IN (\
             SELECT id FROM reminders WHERE state = 'pending' AND due_at <= $3 \
             AND (lease_until IS NULL OR lease_until < $3) ORDER BY due_at, id LIMIT $4{lock}) \
             RETURNING {COLUMNS}"
        );
        let until = at + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(60));
        let mut claimed = on_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(owner)
                .bind(until)
                .bind(at)
                .bind(limit)
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(reminder_from_row!(row));
            }
            out
        });
        claimed.sort_by_key(|r| (r.due_at, r.id));
        Ok(claimed)
    }

    /// Fire one claimed reminder; see [`Store::fire_reminders`].
    pub async fn fire_reminder(
        &self,
        reminder: &Reminder,
        owner: &str,
        chat: &ChatRef,
        message: &Outbound,
    ) -> Result<Option<i64>, StoreError> {
        let nudge = Nudge {
            reminder: reminder.clone(),
            chat: chat.clone(),
            message: message.clone(),
        };
        Ok(self.fire_reminders(owner, &[nudge]).await?.pop().flatten())
    }

    /// Fire claimed reminders in one transaction: for each, write its message to the outbox
    /// for its chat under the key (reminder, occurrence) and mark it fired. Only the lease
    /// holder can; replaying an occurrence adds nothing. Returns, per nudge, the outbox row
    /// id, or `None` where the lease was lost.
    pub async fn fire_reminders(
        &self,
        owner: &str,
        nudges: &[Nudge],
    ) -> Result<Vec<Option<i64>>, StoreError> {
        let at = now();
        let mut prepared = Vec::with_capacity(nudges.len());
        for nudge in nudges {
            let chat_json = serde_json::to_string(&nudge.chat).map_err(|e| {
                StoreError::Corrupt(format!("chat reference not serialisable: {e}"))
            })?;
            let payload = serde_json::to_string(&nudge.message)
                .map_err(|e| StoreError::Corrupt(format!("message not serialisable: {e}")))?;
            let key = format!(
                "reminder:{}:{}",
                nudge.reminder.id, nudge.reminder.occurrence
            );
            prepared.push((nudge, key, chat_json, payload));
        }
        let ids = in_tx!(self, tx => {
            let mut ids = Vec::with_capacity(prepared.len());
            for (nudge, key, chat_json, payload) in &prepared {
                let advanced = sqlx::query(
                    "UPDATE reminders SET state = 'fired', occurrence = occurrence + 1, lease_owner = NULL, \
                     lease_until = NULL, updated_at = $1 \
                     WHERE id = $2 AND lease_owner = $3 AND state = 'pending' AND occurrence = $4",
                )
                .bind(at)
                .bind(nudge.reminder.id)
                .bind(owner)
                .bind(nudge.reminder.occurrence)
                .execute(&mut *tx)
                .await?;
                if advanced.rows_affected() == 0 {
                    ids.push(None);
                    continue;
                }
                sqlx::query(
                    "INSERT INTO outbox (idempotency_key, user_id, platform, chat_id, chat_ref, payload, next_attempt_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (idempotency_key) DO NOTHING",
                )
                .bind(key)
                .bind(nudge.reminder.user_id)
                .bind(nudge.chat.platform.as_str())
                .bind(&nudge.chat.chat_id)
                .bind(chat_json)
                .bind(payload)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                let id: i64 = sqlx::query_scalar("SELECT id FROM outbox WHERE idempotency_key = $1")
                    .bind(key)
                    .fetch_one(&mut *tx)
                    .await?;
                ids.push(Some(id));
            }
            ids
        });
        Ok(ids)
    }

    /// Move a claimed reminder's due instant (quiet hours) and release it; its wall time
    /// as the person set it is kept.
    pub async fn postpone_reminder(
        &self,
        reminder_id: i64,
        owner: &str,
        due_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE reminders SET due_at = $1, lease_owner = NULL, lease_until = NULL, updated_at = $2 \
                 WHERE id = $3 AND lease_owner = $4",
            )
            .bind(due_at)
            .bind(now())
            .bind(reminder_id)
            .bind(owner)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Release a claimed reminder that cannot be sent now (no chat known), marking it failed
    /// so operators see it rather than it being retried for ever.
    pub async fn fail_reminder(&self, reminder_id: i64, owner: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE reminders SET state = 'failed', lease_owner = NULL, lease_until = NULL, updated_at = $1 \
                 WHERE id = $2 AND lease_owner = $3",
            )
            .bind(now())
            .bind(reminder_id)
            .bind(owner)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Where to nudge a person: the reminder's own chat, else the direct chat they wrote in
    /// last. Private nudges never go to a group chat.
    pub async fn nudge_chat(&self, reminder: &Reminder) -> Result<Option<ChatRef>, StoreError> {
        let row = on_pool!(self, pool => {
            match reminder.chat_id {
                Some(chat_id) => sqlx::query(
                    "SELECT platform, platform_chat_id, thread_id, is_direct FROM chats WHERE id = $1 AND is_direct",
                )
                .bind(chat_id)
                .fetch_optional(pool)
                .await?
                .map(|row| chat_from_row(&row))
                .transpose()?,
                None => sqlx::query(
                    "SELECT c.platform, c.platform_chat_id, c.thread_id, c.is_direct FROM messages m \
                     JOIN chats c ON c.id = m.chat_id WHERE m.user_id = $1 AND c.is_direct \
                     ORDER BY m.id DESC LIMIT 1",
                )
                .bind(reminder.user_id)
                .fetch_optional(pool)
                .await?
                .map(|row| chat_from_row(&row))
                .transpose()?,
            }
        });
        Ok(row)
    }

    /// When the scheduler should look next: the earliest pending due time, or, for a row
    /// another worker holds, when its lease runs out (so a held row is not polled).
    pub async fn next_reminder_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar(
                "SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > $1 THEN lease_until ELSE due_at END) \
                 FROM reminders WHERE state = 'pending'",
            )
            .bind(now())
            .fetch_one(pool)
            .await?)
        })
    }
}

fn chat_from_row<R: Row>(row: &R) -> Result<ChatRef, StoreError>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> bool: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let platform: String = row.try_get("platform")?;
    let thread: String = row.try_get("thread_id")?;
    Ok(ChatRef {
        platform: serde_json::from_value(serde_json::Value::String(platform.clone()))
            .map_err(|_| StoreError::Corrupt(format!("unknown platform {platform:?}")))?,
        chat_id: row.try_get("platform_chat_id")?,
        thread_id: (!thread.is_empty()).then_some(thread),
        is_direct: row.try_get("is_direct")?,
    })
}

/// A claimed reminder with the message to send and where.
#[derive(Debug, Clone)]
pub struct Nudge {
    pub reminder: Reminder,
    pub chat: ChatRef,
    pub message: Outbound,
}

/// One reminder as operators see it: when and in what state, without its (private) text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderSummary {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub due_at: DateTime<Utc>,
    pub state: String,
    pub occurrence: i64,
}

/// How many rows an operator's retry put back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retried {
    pub reminders: u64,
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

    /// Put failed reminders back to pending and failed outbox messages back in line.
    pub async fn retry_failed(&self) -> Result<Retried, StoreError> {
        let at = now();
        let retried = in_tx!(self, tx => {
            let reminders = sqlx::query(
                "UPDATE reminders SET state = 'pending', lease_owner = NULL, lease_until = NULL, updated_at = $1 \
                 WHERE state = 'failed'",
            )
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let outbox = sqlx::query(
                "UPDATE outbox SET state = 'pending', next_attempt_at = $1, lease_owner = NULL, lease_until = NULL \
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
