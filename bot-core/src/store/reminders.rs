//! Reminders: the source of truth for everything the bot will say on its own. Each keeps its
//! IANA zone and local wall time; the due instant is derived from them (DST-correct), so a
//! reminder set for 09:00 stays at 09:00 local across a DST change. A timer ("in 2 hours")
//! keeps its instant instead when the person moves to another zone.

use super::{Store, StoreError, in_tx, now, on_pool, on_writer, returned_row};
use crate::understand::time::resolve_local;
use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use chrono_tz::Tz;
use sqlx::Row;

/// The local wall-time format stored in `reminders.local_time`, and the one the reminder
/// tools show and take a wall time in.
pub(crate) const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// Where a reminder stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ReminderState {
    /// Waiting for its due time (a series stays pending between occurrences).
    Pending,
    /// Sent, waiting for the person to say done or snooze it.
    Fired,
    /// The person said it is done.
    Done,
    /// Stopped by the person, or by news about its application.
    Cancelled,
    /// There was nowhere to send it; an operator may retry it.
    Failed,
}

impl ReminderState {
    pub(super) fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "pending" => Self::Pending,
            "fired" => Self::Fired,
            "done" => Self::Done,
            "cancelled" => Self::Cancelled,
            "failed" => Self::Failed,
            other => return Err(StoreError::Corrupt(format!("reminder state {other:?}"))),
        })
    }
}

/// One stored reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// The reminder's id, as the person and its buttons name it.
    pub id: i64,
    /// Whose it is: every read and write is scoped to them.
    pub user_id: i64,
    /// The application it is about, for the automatic ones.
    pub application_id: Option<i64>,
    /// custom, follow_up, interview_prep, thank_you or recurring.
    pub kind: String,
    /// What the person is reminded of, in their words.
    pub text: String,
    /// The zone its wall time is read in.
    pub timezone: Tz,
    /// The wall time in `timezone` it is set for.
    pub local_time: NaiveDateTime,
    /// The instant `local_time` means in `timezone`.
    pub due_at: DateTime<Utc>,
    /// Where it stands.
    pub state: ReminderState,
    /// The chat to nudge in; `None` means the person's most recent direct chat.
    pub chat_id: Option<i64>,
    /// Set by the person (fires even in quiet hours), not derived by the bot.
    pub explicit_time: bool,
    /// How many times it has fired; with the id, the idempotency key of each nudge.
    pub occurrence: i64,
    /// For a recurring reminder, its RFC 5545 rule over wall times (see `recurrence`).
    pub rrule: Option<String>,
    /// When it last went out as a nudge: what "snooze" with no reminder named is about.
    pub last_fired_at: Option<DateTime<Utc>>,
    /// The nudge the person last answered, by when it went out (its `last_fired_at`
    /// then): a series marked done goes on, and its nudge is no longer waiting for an
    /// answer while this equals `last_fired_at`.
    pub answered_nudge_at: Option<DateTime<Utc>>,
    /// A timer ("in 2 hours"): when the person moves to another zone it keeps its instant,
    /// where other reminders keep their wall time.
    pub keeps_instant: bool,
}

/// What a new reminder says and when.
#[derive(Debug, Clone)]
pub struct NewReminder {
    /// custom, follow_up, interview_prep, thank_you or recurring.
    pub kind: String,
    /// What the person is to be reminded of.
    pub text: String,
    /// The zone `local_time` is read in: the person's.
    pub timezone: Tz,
    /// The wall time it is for.
    pub local_time: NaiveDateTime,
    /// The application it is about, for the automatic ones.
    pub application_id: Option<i64>,
    /// A chat to nudge in; `None` for the person's most recent direct chat.
    pub chat_id: Option<i64>,
    /// Set by the person (honoured even in quiet hours) rather than derived by the bot.
    pub explicit_time: bool,
    /// Repeat by this RFC 5545 rule (kind `recurring`); `local_time` is its first occurrence.
    pub rrule: Option<String>,
    /// The instant the person named, where they named one: of the two instants a wall time
    /// has when the clocks go back, the one they meant (01:30 EST, an hour after 01:30
    /// EDT). Ignored unless it is `local_time` in `timezone`; `None` reads the wall time by
    /// the DST rule (the earlier one).
    pub instant: Option<DateTime<Utc>>,
    /// A timer ("in 2 hours"): keeps its instant, not its wall time, if the person moves to
    /// another zone.
    pub keeps_instant: bool,
}

impl NewReminder {
    /// A one-off reminder the person set for a wall time in `timezone`: tied to no
    /// application, sent to their latest direct chat, honoured even in quiet hours. Other
    /// kinds start from it with struct update syntax.
    pub fn custom(text: impl Into<String>, timezone: Tz, local_time: NaiveDateTime) -> Self {
        Self {
            kind: "custom".into(),
            text: text.into(),
            timezone,
            local_time,
            application_id: None,
            chat_id: None,
            explicit_time: true,
            rrule: None,
            instant: None,
            keeps_instant: false,
        }
    }

    /// A one-off reminder the person set for `instant`, kept at its wall time in `timezone`
    /// (or, a `timer`, at the instant itself) and at the one of that wall time's instants
    /// they meant when the clocks go back.
    pub fn custom_at(
        text: impl Into<String>,
        timezone: Tz,
        instant: DateTime<Utc>,
        timer: bool,
    ) -> Self {
        let instant = instant.trunc_subsecs(0);
        Self {
            instant: Some(instant),
            keeps_instant: timer,
            ..Self::custom(
                text,
                timezone,
                instant.with_timezone(&timezone).naive_local(),
            )
        }
    }

    /// The instant it is due: the one named, when it is this wall time in this zone, else
    /// the wall time read by the DST rule.
    pub(super) fn due_at(&self) -> DateTime<Utc> {
        self.instant
            .filter(|named| named.with_timezone(&self.timezone).naive_local() == self.local_time)
            .unwrap_or_else(|| resolve_local(self.timezone, self.local_time).with_timezone(&Utc))
    }
}

pub(super) const COLUMNS: &str = "id, user_id, application_id, kind, text, timezone, local_time, due_at, state, chat_id, explicit_time, occurrence, rrule, last_fired_at, answered_nudge_at, keeps_instant";

macro_rules! reminder_from_row {
    ($row:expr) => {{
        let row = $row;
        let zone: String = row.try_get("timezone")?;
        let local: String = row.try_get("local_time")?;
        let state: String = row.try_get("state")?;
        super::Reminder {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            application_id: row.try_get("application_id")?,
            kind: row.try_get("kind")?,
            text: row.try_get("text")?,
            timezone: zone
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("reminder zone {zone:?}")))?,
            local_time: ::chrono::NaiveDateTime::parse_from_str(
                &local,
                super::reminders::LOCAL_FORMAT,
            )
            .map_err(|_| StoreError::Corrupt(format!("reminder local time {local:?}")))?,
            due_at: row.try_get("due_at")?,
            state: super::ReminderState::parse(&state)?,
            chat_id: row.try_get("chat_id")?,
            explicit_time: row.try_get("explicit_time")?,
            occurrence: row.try_get("occurrence")?,
            rrule: row.try_get("rrule")?,
            last_fired_at: row.try_get("last_fired_at")?,
            answered_nudge_at: row.try_get("answered_nudge_at")?,
            keeps_instant: row.try_get("keeps_instant")?,
        }
    }};
}
pub(super) use reminder_from_row;

/// Insert `$new` for `$user` on a pool or inside a transaction (`&mut *tx`), so reminders
/// planned with an application change are written in that change's transaction.
macro_rules! insert_reminder_on {
    ($conn:expr, $user:expr, $new:expr, $at:expr) => {{
        let new: &$crate::store::NewReminder = $new;
        let due = new.due_at();
        let sql = format!(
            "INSERT INTO reminders (user_id, chat_id, application_id, kind, text, timezone, local_time, \
             explicit_time, due_at, created_at, updated_at, rrule, keeps_instant) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12) RETURNING {}",
            super::reminders::COLUMNS
        );
        let insert = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind($user)
            .bind(new.chat_id)
            .bind(new.application_id)
            .bind(&new.kind)
            .bind(&new.text)
            .bind(new.timezone.name())
            .bind(new.local_time.format(super::reminders::LOCAL_FORMAT).to_string())
            .bind(new.explicit_time)
            .bind(due)
            .bind($at)
            .bind(&new.rrule)
            .bind(new.keeps_instant);
        let row = $crate::store::returned_row!(insert, $conn)?.ok_or(sqlx::Error::RowNotFound)?;
        super::reminders::reminder_from_row!(&row)
    }};
}
pub(super) use insert_reminder_on;

/// Withdraw the nudges of closed reminders that have not gone out yet (waiting, retrying or
/// failed), on a pool or inside the transaction that closed them: a person who said they
/// heard back, or marked a reminder done, is not asked about it again when the platform
/// comes back. `$closed` is `&[(reminder id, occurrence)]` as the closing statement left
/// them; each fired occurrence's nudge has the key (reminder, occurrence) it had then.
macro_rules! withdraw_unsent_nudges_on {
    ($conn:expr, $closed:expr) => {{
        let closed: &[(i64, i64)] = $closed;
        let keys: Vec<String> = closed
            .iter()
            .flat_map(|&(id, occurrence)| {
                // A nudge older than the last few occurrences is long delivered or given up.
                (occurrence.saturating_sub(super::reminders::WITHDRAWN_OCCURRENCES)..occurrence)
                    .map(move |k| super::reminders::nudge_key(id, k))
            })
            .collect();
        if !keys.is_empty() {
            let mut q = sqlx::QueryBuilder::new(
                "DELETE FROM outbox WHERE state IN ('pending', 'failed') AND idempotency_key IN (",
            );
            let mut list = q.separated(", ");
            for key in keys {
                list.push_bind(key);
            }
            q.push(")");
            q.build().execute($conn).await?;
        }
    }};
}
pub(super) use withdraw_unsent_nudges_on;

/// The outbox key of the nudge for one occurrence of a reminder: it is written once under
/// it, and withdrawn by it.
pub(super) fn nudge_key(reminder_id: i64, occurrence: i64) -> String {
    format!("reminder:{reminder_id}:{occurrence}")
}

/// How many of a closed reminder's latest occurrences have their unsent nudges withdrawn.
pub(super) const WITHDRAWN_OCCURRENCES: i64 = 20;

/// Cancel the automatic reminders (follow-up, interview prep, thank-you) of one of the
/// user's applications that have not been answered yet, with their unsent nudges, inside a
/// transaction. Evaluates to how many.
macro_rules! cancel_automatic_on {
    ($conn:expr, $user:expr, $application:expr, $at:expr) => {{
        let closed: Vec<(i64, i64)> = sqlx::query_as(
            "UPDATE reminders SET state = 'cancelled', updated_at = $1 \
             WHERE user_id = $2 AND application_id = $3 AND kind <> 'custom' AND kind <> 'recurring' \
             AND state IN ('pending', 'fired') RETURNING id, occurrence",
        )
        .bind($at)
        .bind($user)
        .bind($application)
        .fetch_all(&mut *$conn)
        .await?;
        super::reminders::withdraw_unsent_nudges_on!(&mut *$conn, &closed);
        closed.len() as u64
    }};
}
pub(super) use cancel_automatic_on;

impl Store {
    /// Store a reminder for the user; its due instant follows from zone and wall time.
    pub async fn insert_reminder(
        &self,
        user_id: i64,
        new: &NewReminder,
    ) -> Result<Reminder, StoreError> {
        let at = now();
        on_writer!(self, pool => Ok(insert_reminder_on!(pool, user_id, new, at)))
    }

    /// The user's reminders by due time; pending only unless `include_closed`.
    pub async fn list_reminders(
        &self,
        user_id: i64,
        include_closed: bool,
    ) -> Result<Vec<Reminder>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM reminders WHERE user_id = $1 AND ($2 OR state IN ('pending', 'fired')) \
             ORDER BY due_at, id"
        );
        on_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(user_id)
                .bind(include_closed)
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(reminder_from_row!(row));
            }
            Ok(out)
        })
    }

    /// Move one of the user's pending (or fired) reminders to `until`. A time the person
    /// `named` ("until 23:30") is theirs, kept even in their quiet hours like any time they
    /// set, and a wall time from then on, even on a timer; a while from now ("snooze 2
    /// days") leaves the reminder as it was (an automatic nudge still waits out the quiet
    /// hours). The instant is stored as it is, with its wall
    /// time in the reminder's zone beside it; deriving the instant back from the wall time
    /// would pick the wrong one of the two that share a wall time when the clocks go back
    /// ("snooze 1 hour" at 01:30 EDT would land on 01:30 EDT again, and fire at once).
    pub async fn reschedule_reminder(
        &self,
        user_id: i64,
        reminder_id: i64,
        until: DateTime<Utc>,
        named: bool,
    ) -> Result<Option<Reminder>, StoreError> {
        // Its zone is read under the lock the update takes, so a move to another zone
        // meanwhile cannot leave the old zone's wall time beside the new zone.
        let zone_of = format!(
            "SELECT timezone FROM reminders \
             WHERE user_id = $1 AND id = $2 AND state IN ('pending', 'fired'){}",
            match self.backend() {
                super::Backend::Postgres => " FOR UPDATE",
                super::Backend::Sqlite => "",
            }
        );
        let sql = format!(
            "UPDATE reminders SET local_time = $1, due_at = $2, updated_at = $3, state = 'pending', \
             explicit_time = (explicit_time OR $6), keeps_instant = (keeps_instant AND NOT $6) \
             WHERE user_id = $4 AND id = $5 AND state IN ('pending', 'fired') RETURNING {COLUMNS}"
        );
        let moved = in_tx!(self, tx => {
            let zone: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(zone_of))
                .bind(user_id)
                .bind(reminder_id)
                .fetch_optional(&mut *tx)
                .await?;
            match zone {
                None => None,
                Some(zone) => {
                    let tz: Tz = zone
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("reminder zone {zone:?}")))?;
                    let local_time = until.with_timezone(&tz).naive_local();
                    let update = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(local_time.format(LOCAL_FORMAT).to_string())
                        .bind(until.trunc_subsecs(0))
                        .bind(now())
                        .bind(user_id)
                        .bind(reminder_id)
                        .bind(named);
                    match returned_row!(update, &mut *tx)? {
                        Some(row) => Some(reminder_from_row!(&row)),
                        None => None,
                    }
                }
            }
        });
        Ok(moved)
    }

    /// Close one of the user's pending reminders as done or cancelled, answering its nudge.
    /// A series marked done goes on: the nudge it sent is answered and it stays pending
    /// for its next occurrence.
    pub async fn close_reminder(
        &self,
        user_id: i64,
        reminder_id: i64,
        state: ReminderState,
    ) -> Result<Option<Reminder>, StoreError> {
        let state = match state {
            ReminderState::Done => "done",
            ReminderState::Cancelled => "cancelled",
            other => {
                return Err(StoreError::Corrupt(format!(
                    "cannot close a reminder as {other:?}"
                )));
            }
        };
        let sql = format!(
            "UPDATE reminders SET \
             state = CASE WHEN $1 = 'done' AND rrule IS NOT NULL THEN state ELSE $1 END, \
             answered_nudge_at = last_fired_at, updated_at = $2 \
             WHERE user_id = $3 AND id = $4 AND state IN ('pending', 'fired') RETURNING {COLUMNS}"
        );
        let closed = in_tx!(self, tx => {
            let update = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(state)
                .bind(now())
                .bind(user_id)
                .bind(reminder_id);
            match returned_row!(update, &mut *tx)? {
                Some(row) => {
                    let reminder = reminder_from_row!(&row);
                    if reminder.state != ReminderState::Pending {
                        withdraw_unsent_nudges_on!(&mut *tx, &[(reminder.id, reminder.occurrence)]);
                    }
                    Some(reminder)
                }
                None => None,
            }
        });
        Ok(closed)
    }

    /// Cancel the automatic reminders (follow-ups, interview prep, thank-you) of one of the
    /// user's applications that have not been answered yet. Returns how many.
    pub async fn cancel_automatic_reminders(
        &self,
        user_id: i64,
        application_id: i64,
    ) -> Result<u64, StoreError> {
        let at = now();
        Ok(in_tx!(self, tx => { cancel_automatic_on!(tx, user_id, application_id, at) }))
    }

    /// The person moved to `tz`: it becomes their zone, and their pending reminders keep
    /// their wall time ("09:00") in it, so their due instants move; a timer ("in 2 hours")
    /// keeps its instant, and its wall time is read anew in `tz`. One transaction, which
    /// reads the reminders it moves under its lock (PostgreSQL waits for a batch firing one
    /// of them; SQLite holds the write lock), so a crash cannot leave the zone changed and
    /// the reminders not, and a series fired meanwhile is moved from its next occurrence,
    /// not from the one just sent. Returns how many reminders moved.
    pub async fn move_to_timezone(&self, user_id: i64, tz: Tz) -> Result<u64, StoreError> {
        let at = now();
        let pending = format!(
            "SELECT id, local_time, due_at, keeps_instant FROM reminders \
             WHERE user_id = $1 AND state = 'pending' AND timezone <> $2{}",
            match self.backend() {
                super::Backend::Postgres => " FOR UPDATE",
                super::Backend::Sqlite => "",
            }
        );
        let moved = in_tx!(self, tx => {
            // Reminders before the person, the order forgetting them takes too, so the two
            // never wait for each other.
            let rows: Vec<(i64, String, DateTime<Utc>, bool)> =
                sqlx::query_as(sqlx::AssertSqlSafe(pending))
                .bind(user_id)
                .bind(tz.name())
                .fetch_all(&mut *tx)
                .await?;
            sqlx::query("UPDATE users SET timezone = $1 WHERE id = $2")
                .bind(tz.name())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            for (id, local, due, keeps_instant) in &rows {
                let (local, due) = if *keeps_instant {
                    (due.with_timezone(&tz).naive_local(), *due)
                } else {
                    let local = NaiveDateTime::parse_from_str(local, LOCAL_FORMAT).map_err(|_| {
                        StoreError::Corrupt(format!("reminder local time {local:?}"))
                    })?;
                    (local, resolve_local(tz, local).with_timezone(&Utc))
                };
                sqlx::query(
                    "UPDATE reminders SET timezone = $1, local_time = $2, due_at = $3, updated_at = $4 \
                     WHERE id = $5",
                )
                .bind(tz.name())
                .bind(local.format(LOCAL_FORMAT).to_string())
                .bind(due)
                .bind(at)
                .bind(*id)
                .execute(&mut *tx)
                .await?;
            }
            rows.len() as u64
        });
        Ok(moved)
    }

    /// One of the user's reminders.
    pub async fn reminder(
        &self,
        user_id: i64,
        reminder_id: i64,
    ) -> Result<Option<Reminder>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM reminders WHERE user_id = $1 AND id = $2");
        on_pool!(self, pool => {
            match sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(user_id)
                .bind(reminder_id)
                .fetch_optional(pool)
                .await?
            {
                Some(row) => Ok(Some(reminder_from_row!(&row))),
                None => Ok(None),
            }
        })
    }
}
