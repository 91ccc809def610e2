//! The scheduler: turns due reminders into nudges in the outbox, each exactly once.
//!
//! A worker takes a batch of due reminders, decides on each, writes its nudge to the outbox
//! and marks it fired, all in one transaction that holds the batch (see the store's
//! `fire_due_batch`), keyed by (reminder, occurrence): a crash anywhere leaves either
//! nothing done (the transaction rolls back, the reminders are due again at once) or
//! everything done (the outbox delivers it). After downtime an overdue reminder fires once,
//! marked late. Automatic nudges that fall in the person's quiet hours wait for their end;
//! a time the person chose is honoured. Idle means idle: the loop sleeps until the next due
//! instant or a wake-up, never longer than a ceiling, and calls nothing while it sleeps.

use crate::fault;
use crate::outbox::OutboxSender;
use crate::recurrence::Recurrence;
use crate::store::{
    self, Backend, ClaimedMessage, Decision, DueBatch, NextOccurrence, Nudge, Reminder, Store,
    StoreError,
};
use crate::understand::time::resolve_local;
use chrono::{DateTime, Utc};
use nudge::{nudge, sendable_at};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};

/// How long a worker stalled in the middle of a batch holds its reminders before another
/// worker may take them (default; PostgreSQL ends the stalled transaction).
pub const LEASE: Duration = Duration::from_secs(60);
/// The longest the loop sleeps without looking (a reminder added by another process).
const CEILING: Duration = Duration::from_secs(30);
/// How soon the loop looks again at a reminder that is due but held by another worker's
/// batch: that worker fires it, or its transaction ends and the reminder is free again.
const HELD_RECHECK: Duration = Duration::from_secs(1);

mod nudge;
pub(crate) use nudge::FOLLOW_UP_SNOOZE_SECONDS;

/// Button payloads of a nudge: `rem:done:<id>`, `rem:heard:<id>` (a follow-up's "heard
/// back"), `rem:snooze:<id>:<seconds>`, `rem:stop:<id>`.
pub mod payload {
    /// Prefix shared by every reminder button.
    pub const PREFIX: &str = "rem:";
}

/// Reminders claimed per batch: one set-based transaction fires them all (as many as one
/// outbox insert statement takes, see the store's chunk size).
const BATCH: i64 = 2000;
/// [`BATCH`] as a count: a batch that took this many says more may be due.
const BATCH_SIZE: usize = BATCH as usize;
/// Transactions that work off a backlog at once on PostgreSQL (default): the database's
/// work of one batch (locking, marking, the outbox insert) runs beside another's, on
/// another core. Measured with the scheduler benchmark, 100,000 reminders on a 2-core
/// machine: one 5.34 s, two 4.02 s, three 3.99 s.
pub const WORKERS: usize = 2;
/// The most workers one scheduler runs: each holds a connection of the store's PostgreSQL
/// pool (eight), and the outbox senders and conversations need the rest.
const MAX_WORKERS: usize = 4;

/// Fires due reminders. One per process; several processes may share a database.
pub struct Scheduler {
    store: Store,
    name: String,
    lease: Duration,
    workers: usize,
    wake: Arc<Notify>,
}

impl Scheduler {
    /// A scheduler named `name` in logs (one name per process, so several processes'
    /// batches can be told apart).
    pub fn new(store: Store, name: impl Into<String>) -> Self {
        Self {
            store,
            name: name.into(),
            lease: LEASE,
            workers: WORKERS,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Hold a stalled batch's reminders for `lease` instead of [`LEASE`]: how soon another
    /// worker takes over from one that hangs mid-batch (on PostgreSQL; one that dies
    /// releases them at once).
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Work off a backlog with `workers` transactions at once instead of [`WORKERS`]
    /// (PostgreSQL; one to four). Each holds one connection of the store's pool.
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.workers = workers.clamp(1, MAX_WORKERS);
        self
    }

    /// Notify this to make the loop look again now (a reminder was just added).
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Fire everything due at `now`. Returns the outbox rows written, for delivery by
    /// whichever sender claims them.
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<Vec<i64>, StoreError> {
        self.fire_due(now, &[], |_, _| {}).await
    }

    /// Fire everything due at `now`, batch by batch. A nudge for a chat one of `senders`
    /// delivers to is written already claimed for it and handed over as soon as its batch
    /// commits (`hand_over(index of the sender, rows)`), so delivery starts while later
    /// batches fire and no row is claimed twice. Returns every outbox row written.
    ///
    /// A backlog (a first batch that came back full) is worked off by this scheduler's
    /// workers at once on PostgreSQL, each holding its own batch; SQLite has one writer,
    /// so there one batch follows another.
    pub async fn fire_due(
        &self,
        now: DateTime<Utc>,
        senders: &[OutboxSender],
        hand_over: impl FnMut(usize, Vec<ClaimedMessage>),
    ) -> Result<Vec<i64>, StoreError> {
        // Never held across an await: the workers share them between batches.
        let fired = Mutex::new((Vec::new(), hand_over));
        let taken = self.fire_batch(now, senders, &fired).await?;
        if taken == BATCH_SIZE {
            let workers = match self.store.backend() {
                Backend::Postgres => self.workers,
                Backend::Sqlite => 1,
            };
            let worker = || async {
                while self.fire_batch(now, senders, &fired).await? > 0 {}
                Ok::<_, StoreError>(())
            };
            futures::future::try_join_all((0..workers).map(|_| worker())).await?;
        }
        let (written, _) = fired
            .into_inner()
            .expect("no worker panicked holding the lock");
        Ok(written)
    }

    /// Fire one batch of due reminders: the outbox rows written are added to `fired`'s
    /// list and the claimed ones handed over. Returns how many reminders it took; zero
    /// when nothing free was due.
    async fn fire_batch(
        &self,
        now: DateTime<Utc>,
        senders: &[OutboxSender],
        fired: &Mutex<(Vec<i64>, impl FnMut(usize, Vec<ClaimedMessage>))>,
    ) -> Result<usize, StoreError> {
        let mut delivered_by = Vec::new();
        let batch = self
            .store
            .fire_due_batch(now, BATCH, self.lease, |due| {
                fault::pause_at(fault::Point::AfterClaim);
                let (decisions, by) = decide(due, now, senders);
                delivered_by = by;
                decisions
            })
            .await?;
        if batch.taken == 0 {
            return Ok(0);
        }
        tracing::debug!(worker = %self.name, taken = batch.taken, "batch of due reminders done");
        let mut handed: Vec<Vec<ClaimedMessage>> = vec![Vec::new(); senders.len()];
        let mut guard = fired.lock().expect("no worker panicked holding the lock");
        let (written, hand_over) = &mut *guard;
        for (nudge, sender) in batch.written.into_iter().zip(delivered_by) {
            let Some(nudge) = nudge else { continue };
            written.push(nudge.outbox_id);
            if let (Some(claimed), Some(sender)) = (nudge.claimed, sender) {
                handed[sender].push(claimed);
            }
        }
        for (index, rows) in handed.into_iter().enumerate() {
            if !rows.is_empty() {
                hand_over(index, rows);
            }
        }
        Ok(batch.taken)
    }

    /// Fire reminders as they come due, for ever; rows claimed for one of `senders` are
    /// handed over as each batch commits. Store errors are logged and retried after a pause.
    async fn run(
        &self,
        senders: &[OutboxSender],
        mut hand_over: impl FnMut(usize, Vec<ClaimedMessage>),
    ) {
        loop {
            if let Err(err) = self.fire_due(store::now(), senders, &mut hand_over).await {
                tracing::warn!(error = %err, "scheduler tick failed; retrying");
            }
            let sleep = match self.store.next_reminder_due().await {
                Ok(Some(next)) => match (next - store::now()).to_std() {
                    Ok(wait) => wait.min(CEILING),
                    // Due, yet this tick did not fire it: another worker's batch holds it.
                    Err(_) => HELD_RECHECK,
                },
                Ok(None) => CEILING,
                Err(_) => Duration::from_secs(5),
            };
            tokio::select! {
                () = tokio::time::sleep(sleep.max(Duration::from_millis(50))) => {}
                () = self.wake.notified() => {}
            }
        }
    }
}

/// What becomes of each reminder of a batch due at `now`, and for each nudge fired, the
/// index of the sender in `senders` that will deliver it, if any. An automatic reminder in
/// the person's quiet hours is postponed to their end; one with nowhere to go fails (a
/// series skips this occurrence instead); the rest fire.
fn decide(
    due: DueBatch,
    now: DateTime<Utc>,
    senders: &[OutboxSender],
) -> (Vec<Decision>, Vec<Option<usize>>) {
    let DueBatch {
        reminders,
        preferences,
        mut chats,
    } = due;
    let mut decisions = Vec::with_capacity(reminders.len());
    let mut delivered_by = Vec::with_capacity(reminders.len());
    for reminder in reminders {
        let local = now.with_timezone(&reminder.timezone).naive_local();
        let quiet = preferences
            .get(&reminder.user_id)
            .copied()
            .unwrap_or_default();
        if !reminder.explicit_time && quiet.is_quiet(local.time()) {
            let end =
                resolve_local(reminder.timezone, quiet.quiet_end_after(local)).with_timezone(&Utc);
            // An end that resolves to the past (the repeated hour when clocks go back)
            // would postpone it for ever: it fires now instead.
            if end > now {
                decisions.push(Decision::Postpone {
                    reminder_id: reminder.id,
                    due_at: end,
                });
                continue;
            }
        }
        let (missed, next) = series_after(&reminder, now);
        let Some(chat) = chats.remove(&reminder.id) else {
            tracing::warn!(reminder = reminder.id, "no direct chat to nudge in");
            decisions.push(match next {
                // A series outlives a chat that is closed for now: this occurrence is
                // skipped, the next one tries again.
                Some(next) => Decision::Skip {
                    reminder_id: reminder.id,
                    next,
                },
                None => Decision::Fail {
                    reminder_id: reminder.id,
                },
            });
            continue;
        };
        let (sender, claim) = senders
            .iter()
            .enumerate()
            .find_map(|(index, sender)| Some((Some(index), Some(sender.claim_for(&chat)?))))
            .unwrap_or_default();
        delivered_by.push(sender);
        let message = nudge(&reminder, now, missed, sendable_at(&reminder, quiet));
        decisions.push(Decision::Fire(Nudge {
            reminder,
            chat,
            message,
            next,
            claim,
        }));
    }
    (decisions, delivered_by)
}

/// For a recurring reminder fired at `now`: how many later occurrences are
/// already past (coalesced into this nudge) and the occurrence it moves on to.
fn series_after(reminder: &Reminder, now: DateTime<Utc>) -> (usize, Option<NextOccurrence>) {
    let Some(rule) = &reminder.rrule else {
        return (0, None);
    };
    match Recurrence::parse(rule) {
        Ok(rule) => {
            let gone_by = |at| resolve_local(reminder.timezone, at) <= now;
            let caught = rule.catch_up(reminder.local_time, gone_by);
            let next = caught.next.map(|local_time| NextOccurrence {
                local_time,
                due_at: resolve_local(reminder.timezone, local_time).with_timezone(&Utc),
            });
            (caught.missed, next)
        }
        Err(err) => {
            tracing::warn!(reminder = reminder.id, error = %err, "stored rule unreadable; sending once");
            (0, None)
        }
    }
}

/// The longest an outbox sender waits without looking (rows written by another process).
const SENDER_CEILING: Duration = Duration::from_secs(30);

impl Scheduler {
    /// Fire reminders as they come due and keep `senders` delivering, for ever: each sender
    /// is handed the nudges written for it as each batch commits, and looks in the outbox
    /// within a ceiling for rows another process wrote. The one loop `jtp run` and the
    /// terminal chat both use.
    pub async fn run_with_senders(&self, senders: &[OutboxSender]) {
        // Rows fired for a sender reach it claimed, over its own queue; it looks in the
        // outbox for anything else (retries, rows a dead process left) when its next row
        // there comes due, and within a ceiling for rows another process wrote.
        let (queues, inboxes): (Vec<_>, Vec<_>) =
            senders.iter().map(|_| mpsc::unbounded_channel()).unzip();
        let delivering = senders
            .iter()
            .zip(inboxes)
            .map(|(sender, mut inbox)| async move {
                loop {
                    if let Err(err) = sender.drain_due().await {
                        tracing::warn!(error = %err, "could not deliver; retrying");
                    }
                    loop {
                        let idle = sender.idle_for(SENDER_CEILING).await;
                        let Ok(Some(rows)) = tokio::time::timeout(idle, inbox.recv()).await else {
                            break;
                        };
                        if let Err(err) = sender.deliver_claimed(rows).await {
                            tracing::warn!(error = %err, "could not deliver; retrying");
                            break;
                        }
                    }
                }
            });
        let hand_over = |index: usize, rows: Vec<ClaimedMessage>| {
            // The receiving loop lives as long as this function: a send cannot fail.
            let _ = queues[index].send(rows);
        };
        tokio::join!(
            self.run(senders, hand_over),
            futures::future::join_all(delivering)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{Decision, DueBatch, decide};
    use crate::message::{ChatRef, Platform};
    use crate::store::{Reminder, ReminderState};
    use chrono::{DateTime, NaiveDateTime, Utc};
    use std::collections::HashMap;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// Due at 23:30 Zurich (22:30Z), in the default quiet hours.
    fn late_evening(id: i64, explicit_time: bool, rrule: Option<&str>) -> Reminder {
        let local = NaiveDateTime::parse_from_str("2026-11-25T23:30", "%Y-%m-%dT%H:%M").unwrap();
        Reminder {
            id,
            user_id: 1,
            application_id: None,
            kind: if rrule.is_some() {
                "recurring"
            } else {
                "custom"
            }
            .into(),
            text: format!("task {id}"),
            timezone: chrono_tz::Europe::Zurich,
            local_time: local,
            due_at: at("2026-11-25T22:30:00Z"),
            state: ReminderState::Pending,
            chat_id: None,
            explicit_time,
            occurrence: 0,
            rrule: rrule.map(str::to_owned),
            last_fired_at: None,
            answered_nudge_at: None,
            keeps_instant: false,
        }
    }

    #[test]
    fn each_reminder_of_a_batch_gets_its_decision() {
        let chat = ChatRef {
            platform: Platform::Console,
            chat_id: "console:ann".into(),
            thread_id: None,
            is_direct: true,
        };
        let due = DueBatch {
            reminders: vec![
                late_evening(1, false, None),
                late_evening(2, true, None),
                late_evening(3, true, None),
                late_evening(4, true, Some("FREQ=DAILY")),
            ],
            preferences: HashMap::new(),
            // Reminders 3 and 4 have nowhere to go.
            chats: HashMap::from([(1, chat.clone()), (2, chat)]),
        };
        let (decisions, delivered_by) = decide(due, at("2026-11-25T22:30:00Z"), &[]);
        let [postponed, fired, failed, skipped] = decisions.as_slice() else {
            panic!("one decision per reminder: {decisions:?}");
        };
        // An automatic nudge waits for the end of quiet hours (08:00 Zurich, 07:00Z); a
        // time the person chose is honoured.
        assert!(
            matches!(postponed, Decision::Postpone { reminder_id: 1, due_at } if *due_at == at("2026-11-26T07:00:00Z"))
        );
        assert!(matches!(fired, Decision::Fire(n) if n.reminder.id == 2 && n.claim.is_none()));
        assert!(matches!(failed, Decision::Fail { reminder_id: 3 }));
        assert!(
            matches!(skipped, Decision::Skip { reminder_id: 4, next } if next.due_at == at("2026-11-26T22:30:00Z"))
        );
        assert_eq!(delivered_by, [None], "one entry per fired nudge");
    }
}
