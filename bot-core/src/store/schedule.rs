//! What the scheduler needs from the store: due reminders taken a batch at a time, each
//! batch decided on and written — reminders advanced, nudges in the outbox — in the one
//! transaction that took it.
//!
//! The transaction is the claim. PostgreSQL locks the batch's rows (`FOR UPDATE SKIP
//! LOCKED`, so concurrent workers take different rows) and SQLite's `BEGIN IMMEDIATE` holds
//! the database's single write lock. A worker that dies mid-batch leaves nothing behind:
//! its transaction rolls back and the reminders are due again at once. One that stalls
//! mid-batch on PostgreSQL has its transaction ended by the server after the hold time
//! (`idle_in_transaction_session_timeout`), which frees the rows for another worker and
//! makes the stalled one's late writes fail. Nothing is written twice, and a reminder's
//! row is written once per firing instead of once to lease it and again to fire it.

use super::firing_writes::{FiringWrites, OutboxInsert};
use super::reminders::{COLUMNS, LOCAL_FORMAT, reminder_from_row};
use super::users::nudge_preferences_on;
use super::{
    Backend, ClaimedMessage, OutboxClaim, Reminder, Store, StoreError, in_tx, now, on_pool,
    push_id_list,
};
use crate::message::{ChatRef, Outbound};
use crate::preferences::NudgePreferences;
use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::{QueryBuilder, Row};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// Rows per set-based statement: 24,000 parameters (SQLite's outbox insert takes twelve per
/// row) stay below both drivers' limits (SQLite 32,766; PostgreSQL 65,535). Fewer, larger
/// statements measured faster in the scheduler benchmark (SQLite 11.7× → 9.7× the raw
/// update at 500 → 2,000).
const CHUNK: usize = 2000;

/// How long a due reminder this build cannot read waits for a process that can.
const UNREADABLE_SET_ASIDE: chrono::Duration = chrono::Duration::minutes(15);

/// The due reminders of one batch, held by the firing transaction, with what deciding on
/// them needs.
#[derive(Debug)]
pub struct DueBatch {
    /// Oldest due first.
    pub reminders: Vec<Reminder>,
    /// Each person's nudge settings (quiet hours); a person without any has the defaults.
    pub preferences: HashMap<i64, NudgePreferences>,
    /// Where to nudge, by reminder id; absent where there is nowhere to (no direct chat, or
    /// only ones the platform said are closed to us).
    pub chats: HashMap<i64, ChatRef>,
}

/// What becomes of one reminder of a batch.
// Nearly every decision is a `Fire`: boxing it would cost the common case an allocation to
// save space in the rare ones.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Decision {
    /// Send it now.
    Fire(Nudge),
    /// An automatic nudge in the person's quiet hours: due again when they end. Its wall
    /// time as set is kept.
    Postpone {
        reminder_id: i64,
        due_at: DateTime<Utc>,
    },
    /// A series with nowhere to send this occurrence: it moves on to the next one.
    Skip {
        reminder_id: i64,
        next: NextOccurrence,
    },
    /// A one-off with nowhere to send it: failed, for operators to see and retry.
    Fail { reminder_id: i64 },
}

impl Decision {
    /// The reminder it is about.
    pub fn reminder_id(&self) -> i64 {
        match self {
            Decision::Fire(nudge) => nudge.reminder.id,
            Decision::Postpone { reminder_id, .. }
            | Decision::Skip { reminder_id, .. }
            | Decision::Fail { reminder_id } => *reminder_id,
        }
    }
}

/// What one batch did.
#[derive(Debug, Default)]
pub struct FiredBatch {
    /// How many due reminders the batch took; zero when nothing (free) was due.
    pub taken: usize,
    /// Per [`Decision::Fire`], in order, the outbox row written, or `None` where the
    /// occurrence was already in the outbox.
    pub written: Vec<Option<WrittenNudge>>,
}

impl Store {
    /// Take up to `limit` reminders due at `at` that no other worker holds, let `decide`
    /// say what becomes of each (only those), and write it, all in one transaction: each fired reminder
    /// advanced (a one-off marked fired, a series moved to its next occurrence) and its
    /// nudge written to the outbox under the key (reminder, occurrence), already claimed
    /// where the nudge names a sender. On PostgreSQL a transaction left idle for `hold`
    /// (a stalled worker) is ended by the server and its reminders taken by others.
    /// Set-based — one statement per chunk for each kind of write — because a backlog after
    /// downtime can be large.
    pub async fn fire_due_batch(
        &self,
        at: DateTime<Utc>,
        limit: i64,
        hold: Duration,
        decide: impl FnOnce(DueBatch) -> Vec<Decision>,
    ) -> Result<FiredBatch, StoreError> {
        let due = format!(
            "SELECT {COLUMNS} FROM reminders WHERE state = 'pending' AND due_at <= $1 \
             ORDER BY due_at, id LIMIT $2{}",
            match self.backend() {
                Backend::Postgres => " FOR UPDATE SKIP LOCKED",
                Backend::Sqlite => "",
            }
        );
        let written_at = now();
        let fired = in_tx!(self, tx => {
            if self.backend() == Backend::Postgres {
                let millis = hold.as_millis().clamp(1, i32::MAX as u128);
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SET LOCAL idle_in_transaction_session_timeout = {millis}"
                )))
                .execute(&mut *tx)
                .await?;
            }
            let rows = sqlx::query(sqlx::AssertSqlSafe(due))
                .bind(at)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
            let mut reminders = Vec::with_capacity(rows.len());
            for row in &rows {
                let read = || -> Result<Reminder, StoreError> { Ok(reminder_from_row!(row)) };
                match read() {
                    Ok(reminder) => reminders.push(reminder),
                    // One this build cannot read (a zone it does not know, written by another
                    // version sharing the database) would stay first in line and stop every
                    // batch after it: it is set aside for a while, for a process that can
                    // read it, and the rest fire.
                    Err(err) => {
                        let id: i64 = row.try_get("id")?;
                        tracing::error!(reminder = id, error = %err, "reminder unreadable; set aside");
                        sqlx::query("UPDATE reminders SET due_at = $1 WHERE id = $2")
                            .bind(at + UNREADABLE_SET_ASIDE)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
            }
            if reminders.is_empty() {
                FiredBatch {
                    taken: rows.len(),
                    written: Vec::new(),
                }
            } else {
                let users = unique(reminders.iter().map(|r| r.user_id));
                let preferences = nudge_preferences_on!(&mut *tx, &users);
                let chats = nudge_chats_on!(&mut *tx, &reminders);
                let taken: HashSet<i64> = reminders.iter().map(|r| r.id).collect();
                let decisions = decide(DueBatch {
                    reminders,
                    preferences,
                    chats,
                });
                debug_assert!(
                    decisions.iter().all(|d| taken.contains(&d.reminder_id())),
                    "decisions only about the batch's own reminders"
                );
                let taken = rows.len();
                let written = write_decisions!(&mut *tx, &decisions, at, written_at)?;
                FiredBatch { taken, written }
            }
        });
        Ok(fired)
    }

    /// When the scheduler should look next: the earliest pending due time (possibly past,
    /// when another worker holds that reminder mid-batch).
    pub async fn next_reminder_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar("SELECT MIN(due_at) FROM reminders WHERE state = 'pending'")
                .fetch_one(pool)
                .await?)
        })
    }
}

/// Where to nudge each of `$reminders` (`&[Reminder]`), inside the firing transaction:
/// the reminder's own chat, else the direct chat the person wrote in last. Private nudges
/// never go to a group chat, nor to a chat the platform said is closed to us (the person
/// blocked the bot) until they write there again. Reminder id → chat; two queries per
/// chunk.
macro_rules! nudge_chats_on {
    ($conn:expr, $reminders:expr) => {{
        let reminders: &[Reminder] = $reminders;
        let chat_ids: Vec<i64> = unique(reminders.iter().filter_map(|r| r.chat_id));
        let user_ids: Vec<i64> = unique(
            reminders
                .iter()
                .filter(|r| r.chat_id.is_none())
                .map(|r| r.user_id),
        );
        let mut by_chat: HashMap<i64, ChatRef> = HashMap::new();
        let mut by_user: HashMap<i64, ChatRef> = HashMap::new();
        for chunk in chat_ids.chunks(CHUNK) {
            let mut q = QueryBuilder::new(
                "SELECT id AS key, platform, platform_chat_id, thread_id, is_direct FROM chats \
                 WHERE is_direct AND unreachable_since IS NULL AND id IN ",
            );
            push_id_list(&mut q, chunk);
            for row in q.build().fetch_all($conn).await? {
                by_chat.insert(row.try_get("key")?, chat_from_row(&row)?);
            }
        }
        for chunk in user_ids.chunks(CHUNK) {
            let mut q = QueryBuilder::new(
                "SELECT m.user_id AS key, c.platform, c.platform_chat_id, c.thread_id, c.is_direct \
                 FROM messages m JOIN chats c ON c.id = m.chat_id WHERE m.id IN (\
                 SELECT MAX(m2.id) FROM messages m2 JOIN chats c2 ON c2.id = m2.chat_id \
                 WHERE c2.is_direct AND c2.unreachable_since IS NULL AND m2.user_id IN ",
            );
            push_id_list(&mut q, chunk);
            q.push(" GROUP BY m2.user_id)");
            for row in q.build().fetch_all($conn).await? {
                by_user.insert(row.try_get("key")?, chat_from_row(&row)?);
            }
        }
        reminders
            .iter()
            .filter_map(|r| {
                let chat = match r.chat_id {
                    Some(chat_id) => by_chat.get(&chat_id),
                    None => by_user.get(&r.user_id),
                };
                chat.map(|chat| (r.id, chat.clone()))
            })
            .collect::<HashMap<i64, ChatRef>>()
    }};
}
use nudge_chats_on;

/// Write `$decisions` (`&[Decision]`) inside the firing transaction, fired at `$fired` (the
/// scheduler's clock) and written at `$at`. Evaluates to
/// `Result<Vec<Option<WrittenNudge>>, StoreError>`: per fired nudge, its outbox row.
macro_rules! write_decisions {
    ($conn:expr, $decisions:expr, $fired:expr, $at:expr) => {{
        let decisions: &[Decision] = $decisions;
        let fired: DateTime<Utc> = $fired;
        let at: DateTime<Utc> = $at;
        // Taken before any outbox lease is written, so a sender never thinks a lease
        // younger than it is.
        let claimed_at = Instant::now();
        let nudges: Vec<&Nudge> = decisions
            .iter()
            .filter_map(|d| match d {
                Decision::Fire(nudge) => Some(nudge),
                _ => None,
            })
            .collect();
        let mut rows = Vec::with_capacity(nudges.len());
        for nudge in &nudges {
            rows.push(OutboxInsert::for_nudge(nudge)?);
        }
        let one_off: Vec<i64> = nudges
            .iter()
            .filter(|n| n.next.is_none())
            .map(|n| n.reminder.id)
            .collect();
        for chunk in one_off.chunks(CHUNK) {
            FiringWrites::mark_fired($conn, chunk, fired, at).await?;
        }
        for decision in decisions {
            let query = match decision {
                Decision::Fire(Nudge { next: None, .. }) => continue,
                Decision::Fire(Nudge {
                    reminder,
                    next: Some(next),
                    ..
                }) => advance_series(reminder.id, next, Some(fired), at),
                Decision::Skip { reminder_id, next } => {
                    advance_series(*reminder_id, next, None, at)
                }
                Decision::Postpone {
                    reminder_id,
                    due_at,
                } => sqlx::query("UPDATE reminders SET due_at = $1, updated_at = $2 WHERE id = $3")
                    .bind(*due_at)
                    .bind(at)
                    .bind(*reminder_id),
                Decision::Fail { reminder_id } => sqlx::query(
                    "UPDATE reminders SET state = 'failed', updated_at = $1 WHERE id = $2",
                )
                .bind(at)
                .bind(*reminder_id),
            };
            query.execute($conn).await?;
        }
        let mut written = HashMap::with_capacity(rows.len());
        for chunk in rows.iter().collect::<Vec<_>>().chunks(CHUNK) {
            let inserted = FiringWrites::insert_outbox_rows($conn, chunk, at).await?;
            written.extend(inserted.into_iter().map(|(id, key)| (key, id)));
        }
        Ok::<_, StoreError>(
            rows.iter()
                .zip(&nudges)
                .map(|(row, nudge)| {
                    let outbox_id = *written.get(&row.key)?;
                    let claimed = row.claim.is_some().then(|| ClaimedMessage {
                        id: outbox_id,
                        key: row.key.clone(),
                        chat: nudge.chat.clone(),
                        message: nudge.message.clone(),
                        attempts: 1,
                        claimed_at,
                    });
                    Some(WrittenNudge { outbox_id, claimed })
                })
                .collect::<Vec<_>>(),
        )
    }};
}
use write_decisions;

/// Move a series on to its next occurrence: fired at `fired`, or skipped for want of a chat
/// (`None`, leaving when it last went out as it was).
fn advance_series<'q, DB: sqlx::Database>(
    id: i64,
    next: &NextOccurrence,
    fired: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>
where
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<DateTime<Utc>>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    sqlx::query(
        "UPDATE reminders SET occurrence = occurrence + 1, local_time = $1, due_at = $2, \
         updated_at = $3, last_fired_at = COALESCE($5, last_fired_at) WHERE id = $4",
    )
    .bind(next.local_time.format(LOCAL_FORMAT).to_string())
    .bind(next.due_at)
    .bind(at)
    .bind(id)
    .bind(fired)
}

/// The distinct values, in first-seen order.
fn unique(values: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut seen = HashSet::new();
    values.filter(|v| seen.insert(*v)).collect()
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

/// A due reminder with the message to send and where.
#[derive(Debug, Clone)]
pub struct Nudge {
    pub reminder: Reminder,
    pub chat: ChatRef,
    pub message: Outbound,
    /// For a recurring reminder, the occurrence it moves on to; `None` closes it as fired.
    pub next: Option<NextOccurrence>,
    /// The sender of this process that will deliver it, if any: the outbox row is written
    /// already claimed for it. `None` leaves the row for whichever sender claims it.
    pub claim: Option<OutboxClaim>,
}

/// What firing a nudge wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenNudge {
    /// The outbox row of the nudge.
    pub outbox_id: i64,
    /// The row as its sender's claim, when the nudge was written claimed.
    pub claimed: Option<ClaimedMessage>,
}

/// When a recurring reminder comes round again: its wall time and the instant it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextOccurrence {
    pub local_time: NaiveDateTime,
    pub due_at: DateTime<Utc>,
}
